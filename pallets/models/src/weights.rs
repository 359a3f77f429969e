//! Weights of `pallet_triad_models`, measured by frame-omni-bencher 0.28 (benchmarking CLI 64.0.0) on
//! 2026-12-04 (Intel(R) Xeon(R) Processor) from the benchmarks in `benchmarking.rs`.
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

/// Weight functions of `pallet_triad_models`.
pub trait WeightInfo {
    fn register_model() -> Weight;
    fn deprecate_model() -> Weight;
    fn set_calibration_set(n: u32) -> Weight;
    fn set_groth16_key() -> Weight;
    fn set_tee_policy(n: u32) -> Weight;
}

/// Measured weights, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);

impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
    /// Storage: `Models::ModelByHash` (r:1 w:1)
    /// Proof: `Models::ModelByHash` (`max_values`: None, `max_size`: Some(36), added: 2511, mode: `MaxEncodedLen`)
    /// Storage: `Models::NextModelId` (r:1 w:1)
    /// Proof: `Models::NextModelId` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
    /// Storage: `Balances::Holds` (r:1 w:1)
    /// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(121), added: 2596, mode: `MaxEncodedLen`)
    /// Storage: `Models::Models` (r:0 w:1)
    /// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(2513), added: 4988, mode: `MaxEncodedLen`)
    fn register_model() -> Weight {
        Weight::from_parts(53_255_000, 3_586)
            .saturating_add(T::DbWeight::get().reads(3_u64))
            .saturating_add(T::DbWeight::get().writes(4_u64))
    }
    /// Storage: `Models::Models` (r:1 w:1)
    /// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(2513), added: 4988, mode: `MaxEncodedLen`)
    fn deprecate_model() -> Weight {
        Weight::from_parts(16_277_000, 5_978)
            .saturating_add(T::DbWeight::get().reads(1_u64))
            .saturating_add(T::DbWeight::get().writes(1_u64))
    }
    /// Storage: `Models::Models` (r:1 w:1)
    /// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(2513), added: 4988, mode: `MaxEncodedLen`)
    /// Storage: `Models::Groth16Keys` (r:1 w:0)
    /// Proof: `Models::Groth16Keys` (`max_values`: None, `max_size`: Some(4179), added: 6654, mode: `MaxEncodedLen`)
    /// Storage: `Balances::Holds` (r:1 w:1)
    /// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(121), added: 2596, mode: `MaxEncodedLen`)
    /// Storage: `Models::CalibrationSets` (r:0 w:1)
    /// Proof: `Models::CalibrationSets` (`max_values`: None, `max_size`: Some(264837), added: 267312, mode: `MaxEncodedLen`)
    /// The range of component `n` is `[0, 16]`.
    fn set_calibration_set(n: u32) -> Weight {
        Weight::from_parts(46_835_415, 7_644)
            .saturating_add(Weight::from_parts(14_729_501, 0).saturating_mul(n.into()))
            .saturating_add(T::DbWeight::get().reads(3_u64))
            .saturating_add(T::DbWeight::get().writes(3_u64))
    }
    /// Storage: `Models::Models` (r:1 w:1)
    /// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(2513), added: 4988, mode: `MaxEncodedLen`)
    /// Storage: `Models::Groth16Keys` (r:1 w:1)
    /// Proof: `Models::Groth16Keys` (`max_values`: None, `max_size`: Some(4179), added: 6654, mode: `MaxEncodedLen`)
    /// Storage: `Models::CalibrationSets` (r:1 w:0)
    /// Proof: `Models::CalibrationSets` (`max_values`: None, `max_size`: Some(264837), added: 267312, mode: `MaxEncodedLen`)
    /// Storage: `Balances::Holds` (r:1 w:1)
    /// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(121), added: 2596, mode: `MaxEncodedLen`)
    fn set_groth16_key() -> Weight {
        Weight::from_parts(1_356_788_000, 268_302)
            .saturating_add(T::DbWeight::get().reads(4_u64))
            .saturating_add(T::DbWeight::get().writes(3_u64))
    }
    /// Not yet measured (added after the last run of `bench-weights.sh`, which
    /// regenerates it from the `set_tee_policy` benchmark): `deprecate_model`'s
    /// measured time twice over, plus 1 µs per measurement for the duplicate
    /// check and encoding, and the storage of `set_groth16_key` plus the policy.
    fn set_tee_policy(n: u32) -> Weight {
        Weight::from_parts(32_554_000, 11_000)
            .saturating_add(Weight::from_parts(1_000_000, 0).saturating_mul(n.into()))
            .saturating_add(T::DbWeight::get().reads(5_u64))
            .saturating_add(T::DbWeight::get().writes(3_u64))
    }
}

/// The same measurements with RocksDB's database weights, for tests.
impl WeightInfo for () {
    fn register_model() -> Weight {
        Weight::from_parts(53_255_000, 3_586)
            .saturating_add(RocksDbWeight::get().reads(3_u64))
            .saturating_add(RocksDbWeight::get().writes(4_u64))
    }
    fn deprecate_model() -> Weight {
        Weight::from_parts(16_277_000, 5_978)
            .saturating_add(RocksDbWeight::get().reads(1_u64))
            .saturating_add(RocksDbWeight::get().writes(1_u64))
    }
    fn set_calibration_set(n: u32) -> Weight {
        Weight::from_parts(46_835_415, 7_644)
            .saturating_add(Weight::from_parts(14_729_501, 0).saturating_mul(n.into()))
            .saturating_add(RocksDbWeight::get().reads(3_u64))
            .saturating_add(RocksDbWeight::get().writes(3_u64))
    }
    fn set_groth16_key() -> Weight {
        Weight::from_parts(1_356_788_000, 268_302)
            .saturating_add(RocksDbWeight::get().reads(4_u64))
            .saturating_add(RocksDbWeight::get().writes(3_u64))
    }
    /// Not yet measured (added after the last run of `bench-weights.sh`, which
    /// regenerates it from the `set_tee_policy` benchmark): `deprecate_model`'s
    /// measured time twice over, plus 1 µs per measurement for the duplicate
    /// check and encoding, and the storage of `set_groth16_key` plus the policy.
    fn set_tee_policy(n: u32) -> Weight {
        Weight::from_parts(32_554_000, 11_000)
            .saturating_add(Weight::from_parts(1_000_000, 0).saturating_mul(n.into()))
            .saturating_add(RocksDbWeight::get().reads(5_u64))
            .saturating_add(RocksDbWeight::get().writes(3_u64))
    }
}
