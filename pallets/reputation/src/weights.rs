//! Weights of `pallet_triad_reputation`, measured by frame-omni-bencher 0.28 (benchmarking CLI 64.0.0) on
//! 2026-12-02 (Intel(R) Xeon(R) Processor) from the benchmarks in `benchmarking.rs`.
//! Regenerate with `scripts/bench-weights.sh`; do not edit by hand.
//!
//! 20 steps, 10 repeats. A weight is the measured base
//! time plus a slope per component, plus the benchmarked storage reads and
//! writes at the database weight of the runtime (`SubstrateWeight`) or of
//! RocksDB (`()`, for tests).

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use polkadot_sdk::frame_support::{
    traits::Get,
    weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions of `pallet_triad_reputation`.
pub trait WeightInfo {
    fn record_outcome() -> Weight;
}

/// Measured weights, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);

impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
    /// Storage: `Reputation::Standings` (r:1 w:1)
    /// Proof: `Reputation::Standings` (`max_values`: None, `max_size`: Some(84), added: 2559, mode: `MaxEncodedLen`)
    fn record_outcome() -> Weight {
        Weight::from_parts(11_578_000, 3_549)
            .saturating_add(T::DbWeight::get().reads(1_u64))
            .saturating_add(T::DbWeight::get().writes(1_u64))
    }
}

/// The same measurements with RocksDB's database weights, for tests.
impl WeightInfo for () {
    fn record_outcome() -> Weight {
        Weight::from_parts(11_578_000, 3_549)
            .saturating_add(RocksDbWeight::get().reads(1_u64))
            .saturating_add(RocksDbWeight::get().writes(1_u64))
    }
}
