//! # Triad attestation
//!
//! Which workers run inside attested TEE hardware, and in which code. A
//! worker proves it with an Intel DCAP quote (SGX or TDX); the chain checks
//! the quote against Intel's root of trust, binds it to the worker, and keeps
//! the result, with an expiry, for the task pallet's TEE mode to draw from.
//!
//! ## Attesting
//!
//! 1. `request_nonce` issues the worker a fresh 32-byte nonce, valid for
//!    `NonceLifetime` blocks.
//! 2. The worker's TEE produces a quote whose report data is
//!    [`triad_tee::report_data`]`(account, peer id, nonce)`: its account
//!    (SCALE), its libp2p peer id as registered in the worker pallet, and the
//!    nonce.
//! 3. `attest(quote, collateral)` verifies the quote at the time of the
//!    block (`pallet_timestamp`), with collateral either kept on chain for
//!    the quote's FMSPC or posted with it, checks the report data, consumes
//!    the nonce, and records an [`Attestation`]: measurement (MRENCLAVE or
//!    MRTD), TCB status, and `expires_at`, a day later or when the
//!    collateral expires if sooner ([`triad_tee::expires_at`]).
//!
//! ## Why a quote cannot be lent, replayed or precomputed
//!
//! - *Lent*: the report data commits to the account and peer id; another
//!   worker's quote carries another hash ([`Error::NotBoundToCaller`]).
//! - *Replayed*: the nonce is consumed by the attestation it served, and a
//!   new one is issued per request; an old quote names an old nonce.
//! - *Precomputed*: the nonce hashes the parent block's hash and a counter,
//!   so it is unknown before it is issued; a quote made before cannot carry it.
//!
//! An attestation counts ([`Pallet::valid_attestation`], and
//! `triad_primitives::Attestations::valid` for the task pallet's draw) until
//! it expires, and only while the worker keeps the peer id its quote bound:
//! a worker that moves its data-plane identity elsewhere must attest again.
//!
//! ## Collateral
//!
//! Intel's TCB info, QE identity, CRLs and their certificate chains are the
//! same for every machine of one FMSPC and TEE. They arrive with the first
//! quote that needs them and are kept under `(TEE, FMSPC)` if that quote
//! verifies with them, so no other worker posts them again. Newer collateral
//! replaces older when a quote verifies with it and it expires later. Once
//! expired, anyone may remove it. A spammer cannot fill this map: each entry
//! needs a quote from a genuine platform of a new FMSPC, signed by Intel.
//!
//! ## TCB status
//!
//! A platform Intel has `Revoked` is refused outright. Every other status is
//! recorded, and each model decides which it accepts
//! ([`triad_tee::TcbStatuses`]; by default `UpToDate` and
//! `SwHardeningNeeded`).
//!
//! ## Recorded quotes (test runtimes only)
//!
//! With the `recorded-quotes` feature, `attest_recorded` accepts a quote
//! recorded on real hardware, verified in full at its recording time but
//! binding nothing: the only way to run TEE jobs end to end on machines
//! without a TEE. Anyone may present any published quote there, so a chain
//! with the call has no TEE guarantee; production runtimes are built
//! without the feature, and the call's absence from their metadata shows it.
//!
//! ## Verification runs natively
//!
//! `dcap-qvl` cannot be linked into the wasm runtime, so the runtime calls it
//! through the [`host::tee_quotes`] host function that the node provides.
//! See that module for what this asks of validators.
//!
//! ## Invariants (checked by `try_state`)
//!
//! - Every attestation expires at most a day after it was made.
//! - Every issued nonce expires at most `NonceLifetime` blocks from now.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod host;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

use alloc::vec::Vec;
use polkadot_sdk::{frame_support, frame_system, sp_io, sp_runtime};
pub use triad_tee::{TeeError, Verified};

/// How the pallet verifies a quote.
pub trait VerifyQuote {
    /// Verifies `quote` with `collateral` at `now` (Unix seconds). `binding`
    /// is the report data the caller's quote must carry; a real verifier
    /// returns what the quote says and leaves the comparison to the pallet.
    fn verify(quote: &[u8], collateral: &[u8], now: u64, binding: &[u8; 64]) -> Result<Verified, TeeError>;
}

/// Intel DCAP verification through the node's host function.
pub struct Dcap;

impl VerifyQuote for Dcap {
    fn verify(quote: &[u8], collateral: &[u8], now: u64, _binding: &[u8; 64]) -> Result<Verified, TeeError> {
        host::tee_quotes::verify_dcap(quote, collateral, now)
    }
}

/// Recorded quotes as if they were fresh: verified in full (signatures,
/// chain, revocation, TCB) at `AT`, a time inside their collateral's
/// validity, then presented as made now for the caller (its binding as
/// report data, valid for a day). No recorded quote can carry a Triad
/// binding, so this is how tests on machines without a TEE exercise what
/// follows verification. Never part of a production runtime.
#[cfg(test)]
pub struct Recorded<const AT: u64>;

#[cfg(test)]
impl<const AT: u64> VerifyQuote for Recorded<AT> {
    fn verify(quote: &[u8], collateral: &[u8], now: u64, binding: &[u8; 64]) -> Result<Verified, TeeError> {
        let mut v = host::tee_quotes::verify_dcap(quote, collateral, AT)?;
        v.report_data = *binding;
        v.collateral_expires = now.saturating_add(triad_tee::MAX_ATTESTATION_SECS);
        Ok(v)
    }
}

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::triad-attestation";

#[frame_support::pallet]
pub mod pallet {
    use super::*;
    use codec::Encode;
    use frame_support::{pallet_prelude::*, traits::UnixTime};
    use frame_system::pallet_prelude::*;
    use sp_runtime::Saturating;
    use triad_primitives::WorkerPeers;

    #[pallet::pallet]
    pub struct Pallet<T>(_);

    #[pallet::config]
    pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
        /// The worker registry: who may attest, and its peer id.
        type Workers: WorkerPeers<Self::AccountId>;
        /// The chain's clock (`pallet_timestamp`).
        type Time: UnixTime;
        /// Verifies quotes: [`Dcap`], the host function, on every real chain.
        type Verifier: VerifyQuote;
        /// Longest quote, in bytes.
        #[pallet::constant]
        type MaxQuoteLen: Get<u32>;
        /// Longest collateral (SCALE `QuoteCollateralV3`), in bytes.
        #[pallet::constant]
        type MaxCollateralLen: Get<u32>;
        /// Blocks a nonce stays usable.
        #[pallet::constant]
        type NonceLifetime: Get<BlockNumberFor<Self>>;
        /// Weights of the calls.
        type WeightInfo: WeightInfo;
        /// Sets the clock for the benchmarks, which verify recorded quotes at
        /// a time inside their collateral's validity.
        #[cfg(feature = "runtime-benchmarks")]
        type BenchmarkHelper: BenchmarkHelper;
    }

    /// What the benchmarks need of the runtime.
    #[cfg(feature = "runtime-benchmarks")]
    pub trait BenchmarkHelper {
        /// Makes [`Config::Time`] read `secs` Unix seconds.
        fn set_time(secs: u64);
    }

    /// Each worker's latest accepted attestation, expired or not.
    #[pallet::storage]
    pub type Attestations<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, Attestation>;

    /// The nonce each worker may bind its next quote to.
    #[pallet::storage]
    pub type Nonces<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, IssuedNonce<BlockNumberFor<T>>>;

    /// Nonces issued so far; makes each one unique within a block.
    #[pallet::storage]
    pub type NoncesIssued<T: Config> = StorageValue<_, u64, ValueQuery>;

    /// Collateral kept per TEE and FMSPC.
    #[pallet::storage]
    pub type Collaterals<T: Config> = StorageDoubleMap<_, Twox64Concat, TeeKind, Twox64Concat, Fmspc, StoredCollateral<T>>;

    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// A worker may now bind a quote to `nonce` until block `until`.
        NonceIssued { who: T::AccountId, nonce: [u8; 32], until: BlockNumberFor<T> },
        /// A worker's quote verified and is bound to it.
        Attested { who: T::AccountId, measurement: Measurement, tcb_status: TcbStatus, expires_at: u64 },
        /// Collateral is kept for every platform of this TEE and FMSPC.
        CollateralStored { tee: TeeKind, fmspc: Fmspc, expires: u64, posted_by: T::AccountId },
        /// Expired collateral was removed.
        CollateralRemoved { tee: TeeKind, fmspc: Fmspc },
    }

    #[pallet::error]
    pub enum Error<T> {
        /// The caller is not a registered worker with a libp2p peer id.
        NoPeerId,
        /// No nonce was issued to the caller, or it was used.
        NoNonce,
        /// The caller's nonce is older than `NonceLifetime` blocks.
        NonceExpired,
        /// The quote is longer than `MaxQuoteLen`.
        QuoteTooLong,
        /// The collateral is longer than `MaxCollateralLen`.
        CollateralTooLong,
        /// The quote's header names neither SGX nor TDX.
        UnsupportedTee,
        /// No collateral is kept for this TEE and FMSPC; post it with the quote.
        CollateralUnknown,
        /// The quote does not parse.
        QuoteMalformed,
        /// The collateral does not decode.
        CollateralMalformed,
        /// A piece of the collateral is expired or not yet valid.
        CollateralExpired,
        /// A signature, certificate chain, revocation list or TCB level does
        /// not check out, or the quote comes from a debug enclave.
        QuoteInvalid,
        /// The collateral is for another FMSPC or TEE than the quote.
        CollateralMismatch,
        /// The quote's report data is not the binding of the caller's
        /// account, peer id and nonce: made for someone else, or replayed.
        NotBoundToCaller,
        /// Intel has revoked the platform.
        PlatformRevoked,
        /// The collateral is still valid.
        CollateralNotExpired,
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        fn integrity_test() {
            assert!(T::MaxQuoteLen::get() >= 4_096, "a TDX quote with its certificate chain is about 5 KiB");
            assert!(T::MaxCollateralLen::get() >= 16_384, "Intel's collateral is 10 to 25 KiB");
            assert!(!T::NonceLifetime::get().is_zero(), "a nonce must live at least a block");
        }

        #[cfg(feature = "try-runtime")]
        fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
            Self::do_try_state()
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Issues the caller, a worker with a peer id, a nonce to bind its
        /// next quote to; replaces any earlier one.
        #[pallet::call_index(0)]
        #[pallet::weight(T::WeightInfo::request_nonce())]
        pub fn request_nonce(origin: OriginFor<T>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            T::Workers::peer_id(&who).ok_or(Error::<T>::NoPeerId)?;
            let count = NoncesIssued::<T>::mutate(|n| {
                *n = n.wrapping_add(1);
                *n
            });
            let parent = frame_system::Pallet::<T>::parent_hash();
            let nonce = sp_io::hashing::blake2_256(&(b"triad/attest-nonce", &who, parent, count).encode());
            let until = frame_system::Pallet::<T>::block_number().saturating_add(T::NonceLifetime::get());
            Nonces::<T>::insert(&who, IssuedNonce { value: nonce, until });
            Self::deposit_event(Event::NonceIssued { who, nonce, until });
            Ok(())
        }

        /// Verifies the caller's quote, bound to its nonce, and records the
        /// attestation; see the module docs.
        #[pallet::call_index(1)]
        #[pallet::weight(T::WeightInfo::attest())]
        pub fn attest(origin: OriginFor<T>, quote: Vec<u8>, collateral: CollateralSource) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let peer_id = T::Workers::peer_id(&who).ok_or(Error::<T>::NoPeerId)?;
            let nonce = Nonces::<T>::get(&who).ok_or(Error::<T>::NoNonce)?;
            ensure!(frame_system::Pallet::<T>::block_number() <= nonce.until, Error::<T>::NonceExpired);
            ensure!(quote.len() <= T::MaxQuoteLen::get() as usize, Error::<T>::QuoteTooLong);
            let tee = quote_tee(&quote).ok_or(Error::<T>::UnsupportedTee)?;
            let now = T::Time::now().as_secs();
            let (bytes, stored_for) = match collateral {
                CollateralSource::Stored(fmspc) => {
                    let kept = Collaterals::<T>::get(tee, fmspc).ok_or(Error::<T>::CollateralUnknown)?;
                    (kept.bytes.into_inner(), Some(fmspc))
                },
                CollateralSource::Posted(bytes) => {
                    ensure!(bytes.len() <= T::MaxCollateralLen::get() as usize, Error::<T>::CollateralTooLong);
                    (bytes, None)
                },
            };
            let binding = triad_tee::report_data(&who.encode(), &peer_id, &nonce.value);
            let verified = T::Verifier::verify(&quote, &bytes, now, &binding).map_err(Error::<T>::from)?;
            ensure!(verified.measurement.kind() == tee, Error::<T>::CollateralMismatch);
            ensure!(stored_for.is_none_or(|f| f == verified.fmspc), Error::<T>::CollateralMismatch);
            ensure!(verified.report_data == binding, Error::<T>::NotBoundToCaller);
            ensure!(verified.tcb_status != TcbStatus::Revoked, Error::<T>::PlatformRevoked);

            Nonces::<T>::remove(&who);
            if stored_for.is_none() {
                Self::keep_collateral(tee, &verified, bytes, &who);
            }
            Self::record(who, &verified, &peer_id, now, triad_tee::expires_at(now, verified.collateral_expires));
            Ok(())
        }

        /// **Test chains only**: records the caller's attestation from a quote
        /// recorded on real hardware at `recorded_at`, which no worker of
        /// this chain could have made. The quote is verified in full at
        /// that time (signatures, certificate chain, revocation, TCB); its
        /// report data, which binds someone else, is not compared, and the
        /// attestation lasts a day from now. Anyone may present any
        /// published quote, so a chain with this call has no TEE guarantee:
        /// it exists only with the `recorded-quotes` feature, for end-to-end
        /// tests on machines without a TEE, and a runtime's metadata shows
        /// whether it has it (`triad runtime version` says so).
        #[cfg(feature = "recorded-quotes")]
        #[pallet::call_index(3)]
        #[pallet::weight(T::WeightInfo::attest())]
        pub fn attest_recorded(origin: OriginFor<T>, quote: Vec<u8>, collateral: Vec<u8>, recorded_at: u64) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let peer_id = T::Workers::peer_id(&who).ok_or(Error::<T>::NoPeerId)?;
            ensure!(quote.len() <= T::MaxQuoteLen::get() as usize, Error::<T>::QuoteTooLong);
            ensure!(collateral.len() <= T::MaxCollateralLen::get() as usize, Error::<T>::CollateralTooLong);
            let tee = quote_tee(&quote).ok_or(Error::<T>::UnsupportedTee)?;
            let now = T::Time::now().as_secs();
            ensure!(recorded_at <= now, Error::<T>::CollateralExpired);
            let verified = T::Verifier::verify(&quote, &collateral, recorded_at, &[0; 64]).map_err(Error::<T>::from)?;
            ensure!(verified.measurement.kind() == tee, Error::<T>::CollateralMismatch);
            ensure!(verified.tcb_status != TcbStatus::Revoked, Error::<T>::PlatformRevoked);
            Self::record(who, &verified, &peer_id, now, now.saturating_add(triad_tee::MAX_ATTESTATION_SECS));
            Ok(())
        }

        /// Removes kept collateral once it has expired; anyone may call it.
        #[pallet::call_index(2)]
        #[pallet::weight(T::WeightInfo::remove_expired_collateral())]
        pub fn remove_expired_collateral(origin: OriginFor<T>, tee: TeeKind, fmspc: Fmspc) -> DispatchResult {
            ensure_signed(origin)?;
            let kept = Collaterals::<T>::get(tee, fmspc).ok_or(Error::<T>::CollateralUnknown)?;
            ensure!(kept.expires <= T::Time::now().as_secs(), Error::<T>::CollateralNotExpired);
            Collaterals::<T>::remove(tee, fmspc);
            Self::deposit_event(Event::CollateralRemoved { tee, fmspc });
            Ok(())
        }
    }

    impl<T: Config> Pallet<T> {
        /// Records `who`'s attestation from a verified quote bound to
        /// `peer_id`, made at `now`.
        fn record(who: T::AccountId, verified: &Verified, peer_id: &[u8], now: u64, expires_at: u64) {
            let attestation = Attestation {
                measurement: verified.measurement,
                tcb_status: verified.tcb_status,
                fmspc: verified.fmspc,
                peer: sp_io::hashing::blake2_256(peer_id),
                attested_at: now,
                expires_at,
            };
            Attestations::<T>::insert(&who, attestation);
            Self::deposit_event(Event::Attested {
                who,
                measurement: attestation.measurement,
                tcb_status: attestation.tcb_status,
                expires_at,
            });
        }

        /// Keeps collateral that just verified a quote, unless what is kept
        /// for its FMSPC lasts at least as long.
        fn keep_collateral(tee: TeeKind, verified: &Verified, bytes: Vec<u8>, who: &T::AccountId) {
            let expires = verified.collateral_expires;
            if Collaterals::<T>::get(tee, verified.fmspc).is_some_and(|kept| kept.expires >= expires) {
                return;
            }
            // The length was checked against the same bound.
            let Ok(bytes) = BoundedVec::try_from(bytes) else { return };
            Collaterals::<T>::insert(tee, verified.fmspc, StoredCollateral { bytes, expires, posted_by: who.clone() });
            Self::deposit_event(Event::CollateralStored { tee, fmspc: verified.fmspc, expires, posted_by: who.clone() });
        }

        /// `who`'s attestation if it counts now: not expired, and `who`
        /// still has the peer id its quote bound.
        pub fn valid_attestation(who: &T::AccountId) -> Option<Attestation> {
            Self::attestation_of(who).filter(|(_, counts)| *counts).map(|(a, _)| a)
        }

        /// `who`'s latest attestation, expired or not, and whether it counts
        /// now (see [`Self::valid_attestation`]), for auditors.
        pub fn attestation_of(who: &T::AccountId) -> Option<(Attestation, bool)> {
            let now = T::Time::now().as_secs();
            let peer = T::Workers::peer_id(who).map(|p| sp_io::hashing::blake2_256(&p));
            Attestations::<T>::get(who).map(|a| (a, a.is_valid_at(now) && peer == Some(a.peer)))
        }

        #[cfg(any(test, feature = "try-runtime"))]
        pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
            for (_, a) in Attestations::<T>::iter() {
                ensure!(
                    a.expires_at <= a.attested_at.saturating_add(triad_tee::MAX_ATTESTATION_SECS),
                    "an attestation outlives a day"
                );
            }
            let horizon = frame_system::Pallet::<T>::block_number().saturating_add(T::NonceLifetime::get());
            for (_, n) in Nonces::<T>::iter() {
                ensure!(n.until <= horizon, "a nonce outlives NonceLifetime");
            }
            Ok(())
        }
    }

    impl<T: Config> triad_primitives::Attestations<T::AccountId> for Pallet<T> {
        fn valid(who: &T::AccountId) -> Option<triad_primitives::SeatAttestation> {
            let now = T::Time::now().as_secs();
            Self::valid_attestation(who).map(|a| triad_primitives::SeatAttestation {
                measurement: a.measurement,
                tcb_status: a.tcb_status,
                expires_at: a.expires_at,
                checked_at: now,
            })
        }

        #[cfg(feature = "runtime-benchmarks")]
        fn attest_for_benchmarks(who: &T::AccountId, measurement: Measurement) {
            let now = T::Time::now().as_secs();
            let attestation = Attestation {
                measurement,
                tcb_status: TcbStatus::UpToDate,
                fmspc: [0; 6],
                peer: T::Workers::peer_id(who).map(|p| sp_io::hashing::blake2_256(&p)).unwrap_or_default(),
                attested_at: now,
                expires_at: now.saturating_add(triad_tee::MAX_ATTESTATION_SECS),
            };
            Attestations::<T>::insert(who, attestation);
        }
    }

    impl<T> From<TeeError> for Error<T> {
        fn from(e: TeeError) -> Self {
            match e {
                TeeError::QuoteMalformed => Error::QuoteMalformed,
                TeeError::CollateralMalformed => Error::CollateralMalformed,
                TeeError::CollateralExpired => Error::CollateralExpired,
                TeeError::Invalid => Error::QuoteInvalid,
                TeeError::CollateralMismatch => Error::CollateralMismatch,
            }
        }
    }
}
