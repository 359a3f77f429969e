//! Weights of `pallet_triad_attestation`.
//!
//! `attest` calls the `tee_quotes` host function, which frame-omni-bencher
//! does not provide, so these weights are not from the benchmarking CLI:
//! `attest` is the native time of the host function on the reference
//! machine (2026-12-04, AMD EPYC, 2 cores) verifying the recorded TDX quote
//! with posted collateral (the benchmark's worst case), twice over for the
//! wasm around it and for slower validators, plus its storage at the
//! database weight; `request_nonce` and `remove_expired_collateral` are
//! bounded by the same figures for the calls of the other Triad pallets that
//! do as much storage work. Replace them with benchmarked figures once the
//! node benchmarks with its own host functions.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use polkadot_sdk::frame_support::{
    traits::Get,
    weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions of `pallet_triad_attestation`.
pub trait WeightInfo {
    fn request_nonce() -> Weight;
    fn attest() -> Weight;
    fn remove_expired_collateral() -> Weight;
}

/// Native time of verifying the recorded TDX quote, in picoseconds, doubled.
const VERIFY_PS: u64 = 2 * VERIFY_NATIVE_PS;
/// Measured 2026-12-04: 0.81-0.89 ms per TDX quote (0.66-0.78 ms per SGX
/// quote), mean of 100 verifications after 5 warm-up runs, two runs.
const VERIFY_NATIVE_PS: u64 = 890_000_000;
/// The proof size of `attest`: a kept collateral and the worker's records.
const ATTEST_PROOF: u64 = 32_768 + 4_096;

/// The runtime's weights.
pub struct SubstrateWeight<T>(PhantomData<T>);

impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
    /// Storage: `Workers::Workers` (r:1), `Attestation::NoncesIssued` (r:1 w:1), `Attestation::Nonces` (w:1)
    fn request_nonce() -> Weight {
        Weight::from_parts(40_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(2, 2))
    }
    /// Storage: `Workers::Workers` (r:1), `Attestation::Nonces` (r:1 w:1),
    /// `Attestation::Collaterals` (r:2 w:1), `Attestation::Attestations` (w:1)
    fn attest() -> Weight {
        Weight::from_parts(VERIFY_PS, ATTEST_PROOF).saturating_add(T::DbWeight::get().reads_writes(4, 3))
    }
    /// Storage: `Attestation::Collaterals` (r:1 w:1)
    fn remove_expired_collateral() -> Weight {
        Weight::from_parts(40_000_000, ATTEST_PROOF).saturating_add(T::DbWeight::get().reads_writes(1, 1))
    }
}

impl WeightInfo for () {
    fn request_nonce() -> Weight {
        Weight::from_parts(40_000_000, 4_000).saturating_add(RocksDbWeight::get().reads_writes(2, 2))
    }
    fn attest() -> Weight {
        Weight::from_parts(VERIFY_PS, ATTEST_PROOF).saturating_add(RocksDbWeight::get().reads_writes(4, 3))
    }
    fn remove_expired_collateral() -> Weight {
        Weight::from_parts(40_000_000, ATTEST_PROOF).saturating_add(RocksDbWeight::get().reads_writes(1, 1))
    }
}
