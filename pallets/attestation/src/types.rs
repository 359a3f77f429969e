//! What the attestation pallet stores and takes.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::frame_support::{BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound};
use scale_info::TypeInfo;
pub use triad_tee::{Fmspc, Measurement, TcbStatus, TeeKind};

use crate::Config;

/// A worker's standing attestation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct Attestation {
    /// The code the TEE runs; its kind is the TEE's.
    pub measurement: Measurement,
    /// Intel's verdict on the platform when it attested.
    pub tcb_status: TcbStatus,
    /// The platform kind, whose collateral verified the quote.
    pub fmspc: Fmspc,
    /// `blake2_256` of the peer id the quote bound: the attestation counts
    /// only while the worker keeps that peer id.
    pub peer: [u8; 32],
    /// Unix seconds of the block that accepted it.
    pub attested_at: u64,
    /// Unix seconds from which it no longer counts.
    pub expires_at: u64,
}

impl Attestation {
    /// Whether it still counts at `now` (Unix seconds).
    pub fn is_valid_at(&self, now: u64) -> bool {
        now < self.expires_at
    }
}

/// A nonce the chain issued for one attestation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct IssuedNonce<BlockNumber> {
    /// What the quote's report data must bind.
    pub value: [u8; 32],
    /// Last block in which a quote may use it.
    pub until: BlockNumber,
}

/// Collateral kept for every platform of one kind.
#[derive(CloneNoBound, DebugNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, MaxEncodedLen, TypeInfo)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct StoredCollateral<T: Config> {
    /// SCALE-encoded `QuoteCollateralV3`.
    pub bytes: BoundedVec<u8, T::MaxCollateralLen>,
    /// Unix seconds at which its first piece expires.
    pub expires: u64,
    /// Who posted it (with a quote it verified).
    pub posted_by: T::AccountId,
}

/// Where the collateral for an attestation comes from.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub enum CollateralSource {
    /// What the chain keeps for this FMSPC and the quote's TEE.
    Stored(Fmspc),
    /// New collateral (SCALE `QuoteCollateralV3`), kept for the quote's FMSPC
    /// if the quote verifies with it and it outlives what is kept.
    Posted(Vec<u8>),
}

/// The TEE a DCAP quote's header names (`tee_type`, bytes 4..8): 0 for SGX,
/// 0x81 for TDX. Read here because the runtime cannot parse the rest.
pub fn quote_tee(quote: &[u8]) -> Option<TeeKind> {
    let tee = u32::from_le_bytes(quote.get(4..8)?.try_into().ok()?);
    match tee {
        0x0000_0000 => Some(TeeKind::Sgx),
        0x0000_0081 => Some(TeeKind::Tdx),
        _ => None,
    }
}
