//! # Triad TEE attestation
//!
//! What the chain and a worker must agree on to call a worker *attested*:
//!
//! - [`Verified`]: what an Intel DCAP quote proves once its signature chain,
//!   its collateral and Intel's TCB levels check out ([`verify`], std only):
//!   which TEE ([`TeeKind`]), which code ([`Measurement`]: MRENCLAVE or MRTD),
//!   the 64 bytes of report data the code chose, the platform's
//!   [`TcbStatus`], its FMSPC, and when the collateral stops being valid.
//! - [`report_data`]: the binding. A quote is only worth something if it
//!   cannot be lent or replayed, so the report data must be the hash of the
//!   worker's account, its libp2p peer id and a nonce the chain issued for
//!   this one attestation. A quote made for another account, another peer or
//!   an earlier nonce carries other report data.
//! - [`TcbStatuses`]: which TCB statuses a model accepts; `Revoked` never.
//! - [`expires_at`]: an attestation lasts at most [`MAX_ATTESTATION_SECS`],
//!   and never past its collateral's earliest expiry.
//! - [`quote`] (std): obtaining a quote on a TDX guest (configfs-tsm) or in a
//!   Gramine SGX enclave.
//!
//! The crate has no chain types: the attestation pallet and the worker both
//! build on it, and the verification itself runs natively in the node,
//! called from the runtime through a host function.
//!
//! ## Invariants
//!
//! - [`verify`] accepts a quote only if every signature from Intel's root CA
//!   down to the quote verifies, no certificate is revoked by the supplied
//!   CRLs, and every piece of collateral is valid at the given time.
//! - Debug enclaves and debug TDs are refused.
//! - [`TcbStatuses::allows`] is false for [`TcbStatus::Revoked`] whatever the set.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

#[cfg(feature = "std")]
mod dcap;
#[cfg(feature = "std")]
pub mod quote;
#[cfg(test)]
mod tests;

#[cfg(feature = "std")]
pub use dcap::{collateral_from_json, platform, verify};

/// Log target of this crate.
pub const LOG_TARGET: &str = "triad::tee";

/// Longest an attestation lasts: a worker re-attests at least daily.
pub const MAX_ATTESTATION_SECS: u64 = 24 * 60 * 60;

/// Which trusted execution environment made a quote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen)]
pub enum TeeKind {
    /// An Intel SGX enclave.
    Sgx,
    /// An Intel TDX trust domain.
    Tdx,
}

/// The identity of the code a quote vouches for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen)]
pub enum Measurement {
    /// SGX: the enclave's MRENCLAVE.
    MrEnclave([u8; 32]),
    /// TDX: the trust domain's MRTD (its initial memory and configuration).
    MrTd([u8; 48]),
}

impl Measurement {
    /// A measurement from its bytes: 32 are an MRENCLAVE, 48 an MRTD.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        match bytes.len() {
            32 => Some(Measurement::MrEnclave(bytes.try_into().ok()?)),
            48 => Some(Measurement::MrTd(bytes.try_into().ok()?)),
            _ => None,
        }
    }

    /// Its bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Measurement::MrEnclave(m) => m,
            Measurement::MrTd(m) => m,
        }
    }

    /// The TEE this measurement belongs to.
    pub fn kind(&self) -> TeeKind {
        match self {
            Measurement::MrEnclave(_) => TeeKind::Sgx,
            Measurement::MrTd(_) => TeeKind::Tdx,
        }
    }
}

/// Intel's verdict on a platform's trusted computing base, from the TCB info
/// and QE identity of the collateral (the converged status of Intel's QVL).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen)]
pub enum TcbStatus {
    /// Fully patched.
    UpToDate,
    /// Patched; the enclave must mitigate some issues in software.
    SwHardeningNeeded,
    /// Patched, but the platform's configuration is vulnerable (for example
    /// hyper-threading on).
    ConfigurationNeeded,
    /// Both of the above.
    ConfigurationAndSwHardeningNeeded,
    /// Microcode or firmware is behind a security update.
    OutOfDate,
    /// Out of date and misconfigured.
    OutOfDateConfigurationNeeded,
    /// TDX 1.5: launched on an older TCB that has since been updated in place.
    TdRelaunchAdvised,
    /// TDX 1.5: as above, and the platform needs configuration.
    TdRelaunchAdvisedConfigurationNeeded,
    /// Intel revoked the platform's keys. Never accepted.
    Revoked,
}

impl TcbStatus {
    /// Every status, in declaration order.
    pub const ALL: [TcbStatus; 9] = [
        TcbStatus::UpToDate,
        TcbStatus::SwHardeningNeeded,
        TcbStatus::ConfigurationNeeded,
        TcbStatus::ConfigurationAndSwHardeningNeeded,
        TcbStatus::OutOfDate,
        TcbStatus::OutOfDateConfigurationNeeded,
        TcbStatus::TdRelaunchAdvised,
        TcbStatus::TdRelaunchAdvisedConfigurationNeeded,
        TcbStatus::Revoked,
    ];

    fn bit(self) -> u16 {
        1 << (self as u16)
    }

    /// The status named as Intel's TCB info names it (`UpToDate`,
    /// `SWHardeningNeeded`, ...), in any case.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name().eq_ignore_ascii_case(name))
    }

    /// Intel's name of the status.
    pub fn name(self) -> &'static str {
        match self {
            TcbStatus::UpToDate => "UpToDate",
            TcbStatus::SwHardeningNeeded => "SWHardeningNeeded",
            TcbStatus::ConfigurationNeeded => "ConfigurationNeeded",
            TcbStatus::ConfigurationAndSwHardeningNeeded => "ConfigurationAndSWHardeningNeeded",
            TcbStatus::OutOfDate => "OutOfDate",
            TcbStatus::OutOfDateConfigurationNeeded => "OutOfDateConfigurationNeeded",
            TcbStatus::TdRelaunchAdvised => "TDRelaunchAdvised",
            TcbStatus::TdRelaunchAdvisedConfigurationNeeded => "TDRelaunchAdvisedConfigurationNeeded",
            TcbStatus::Revoked => "Revoked",
        }
    }
}

/// A set of TCB statuses a model accepts from its TEE workers.
///
/// The default, [`TcbStatuses::DEFAULT`], is Intel's own notion of a
/// trustworthy platform: `UpToDate` and `SwHardeningNeeded` (the code is
/// expected to carry the mitigations). An owner may widen it, for example to
/// `ConfigurationNeeded` for platforms with hyper-threading on, knowingly;
/// `Revoked` is never accepted, whatever the set says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen)]
pub struct TcbStatuses(pub u16);

impl TcbStatuses {
    /// `UpToDate` and `SwHardeningNeeded`.
    pub const DEFAULT: TcbStatuses = TcbStatuses((1 << TcbStatus::UpToDate as u16) | (1 << TcbStatus::SwHardeningNeeded as u16));

    /// The set of the given statuses.
    pub fn of(statuses: &[TcbStatus]) -> Self {
        TcbStatuses(statuses.iter().fold(0, |bits, s| bits | s.bit()))
    }

    /// Whether a platform with `status` is accepted.
    pub fn allows(&self, status: TcbStatus) -> bool {
        status != TcbStatus::Revoked && self.0 & status.bit() != 0
    }

    /// The statuses in the set, in declaration order.
    pub fn statuses(&self) -> impl Iterator<Item = TcbStatus> + '_ {
        TcbStatus::ALL.into_iter().filter(|s| self.0 & s.bit() != 0)
    }
}

impl Default for TcbStatuses {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// An Intel platform's family-model-stepping-platform-CustomSKU: the key
/// under which Intel publishes TCB info, so one collateral serves every
/// machine of a kind.
pub type Fmspc = [u8; 6];

/// What a verified quote establishes.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct Verified {
    /// The code's identity (and with it the TEE kind).
    pub measurement: Measurement,
    /// The 64 bytes the code put into the quote: [`report_data`] for Triad.
    pub report_data: [u8; 64],
    /// Intel's verdict on the platform.
    pub tcb_status: TcbStatus,
    /// The platform kind, which selects its collateral.
    pub fmspc: Fmspc,
    /// Unix seconds at which the first piece of the collateral expires.
    pub collateral_expires: u64,
}

/// Why a quote was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(thiserror::Error))]
pub enum TeeError {
    /// The quote does not parse as an SGX or TDX DCAP quote (v3–v5).
    #[cfg_attr(feature = "std", error("the quote does not parse as an SGX or TDX DCAP quote"))]
    QuoteMalformed,
    /// The collateral does not decode.
    #[cfg_attr(feature = "std", error("the collateral does not decode"))]
    CollateralMalformed,
    /// A certificate, CRL, TCB info or QE identity of the collateral is not
    /// valid at the time of verification.
    #[cfg_attr(feature = "std", error("the collateral is expired or not yet valid"))]
    CollateralExpired,
    /// A signature, a certificate chain, a revocation or the TCB matching
    /// failed, or the quote comes from a debug enclave.
    #[cfg_attr(feature = "std", error("the quote or its collateral does not verify"))]
    Invalid,
    /// The collateral is for another platform kind than the quote.
    #[cfg_attr(feature = "std", error("the collateral is for another FMSPC or TEE"))]
    CollateralMismatch,
}

/// The report data a Triad attestation must carry: a domain-separated blake3
/// hash of the account, the libp2p peer id and the chain's nonce, stretched
/// to the 64 bytes a quote holds. Each field is length-prefixed, so no two
/// different triples give the same input.
pub fn report_data(account: &[u8], peer_id: &[u8], nonce: &[u8; 32]) -> [u8; 64] {
    let mut h = blake3::Hasher::new_derive_key("triad tee attestation v1");
    for field in [account, peer_id, &nonce[..]] {
        h.update(&(field.len() as u32).to_le_bytes());
        h.update(field);
    }
    let mut out = [0u8; 64];
    h.finalize_xof().fill(&mut out);
    out
}

/// When an attestation made at `now` (Unix seconds) stops counting: a day
/// later, or when its collateral expires if that is sooner.
pub fn expires_at(now: u64, collateral_expires: u64) -> u64 {
    now.saturating_add(MAX_ATTESTATION_SECS).min(collateral_expires)
}
