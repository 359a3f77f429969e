//! Weights of `pallet_triad_workers`, measured by frame-omni-bencher 0.28 (benchmarking CLI 64.0.0) on
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

/// Weight functions of `pallet_triad_workers`.
pub trait WeightInfo {
    fn register_worker() -> Weight;
    fn update_worker() -> Weight;
    fn bond_extra() -> Weight;
    fn unbond() -> Weight;
    fn withdraw_unbonded() -> Weight;
    fn go_offline() -> Weight;
    fn go_online() -> Weight;
}

/// Measured weights, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);

impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
    /// Storage: `Workers::Workers` (r:1 w:1)
    /// Proof: `Workers::Workers` (`max_values`: None, `max_size`: Some(8584), added: 11059, mode: `MaxEncodedLen`)
    /// Storage: `Models::Models` (r:16 w:0)
    /// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(2513), added: 4988, mode: `MaxEncodedLen`)
    /// Storage: `Workers::ModelWorkers` (r:16 w:16)
    /// Proof: `Workers::ModelWorkers` (`max_values`: None, `max_size`: Some(8206), added: 10681, mode: `MaxEncodedLen`)
    /// Storage: `System::Account` (r:1 w:1)
    /// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
    /// Storage: `Balances::Holds` (r:1 w:1)
    /// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(121), added: 2596, mode: `MaxEncodedLen`)
    fn register_worker() -> Weight {
        Weight::from_parts(353_820_000, 171_886)
            .saturating_add(T::DbWeight::get().reads(35_u64))
            .saturating_add(T::DbWeight::get().writes(19_u64))
    }
    /// Storage: `Workers::Workers` (r:1 w:1)
    /// Proof: `Workers::Workers` (`max_values`: None, `max_size`: Some(8584), added: 11059, mode: `MaxEncodedLen`)
    /// Storage: `Models::Models` (r:16 w:0)
    /// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(2513), added: 4988, mode: `MaxEncodedLen`)
    /// Storage: `Workers::ModelWorkers` (r:32 w:32)
    /// Proof: `Workers::ModelWorkers` (`max_values`: None, `max_size`: Some(8206), added: 10681, mode: `MaxEncodedLen`)
    /// Storage: `Workers::Calibrations` (r:0 w:16)
    /// Proof: `Workers::Calibrations` (`max_values`: None, `max_size`: Some(73), added: 2548, mode: `MaxEncodedLen`)
    fn update_worker() -> Weight {
        Weight::from_parts(561_939_000, 342_782)
            .saturating_add(T::DbWeight::get().reads(49_u64))
            .saturating_add(T::DbWeight::get().writes(49_u64))
    }
    /// Storage: `Workers::Workers` (r:1 w:1)
    /// Proof: `Workers::Workers` (`max_values`: None, `max_size`: Some(8584), added: 11059, mode: `MaxEncodedLen`)
    /// Storage: `System::Account` (r:1 w:1)
    /// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
    /// Storage: `Balances::Holds` (r:1 w:1)
    /// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(121), added: 2596, mode: `MaxEncodedLen`)
    fn bond_extra() -> Weight {
        Weight::from_parts(98_083_000, 12_049)
            .saturating_add(T::DbWeight::get().reads(3_u64))
            .saturating_add(T::DbWeight::get().writes(3_u64))
    }
    /// Storage: `Workers::Workers` (r:1 w:1)
    /// Proof: `Workers::Workers` (`max_values`: None, `max_size`: Some(8584), added: 11059, mode: `MaxEncodedLen`)
    /// Storage: `Workers::Unbonding` (r:1 w:1)
    /// Proof: `Workers::Unbonding` (`max_values`: None, `max_size`: Some(209), added: 2684, mode: `MaxEncodedLen`)
    fn unbond() -> Weight {
        Weight::from_parts(54_213_000, 12_049)
            .saturating_add(T::DbWeight::get().reads(2_u64))
            .saturating_add(T::DbWeight::get().writes(2_u64))
    }
    /// Storage: `Workers::Workers` (r:1 w:1)
    /// Proof: `Workers::Workers` (`max_values`: None, `max_size`: Some(8584), added: 11059, mode: `MaxEncodedLen`)
    /// Storage: `Workers::Unbonding` (r:1 w:1)
    /// Proof: `Workers::Unbonding` (`max_values`: None, `max_size`: Some(209), added: 2684, mode: `MaxEncodedLen`)
    /// Storage: `System::Account` (r:1 w:1)
    /// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
    /// Storage: `Balances::Holds` (r:1 w:1)
    /// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(121), added: 2596, mode: `MaxEncodedLen`)
    /// Storage: `Workers::ModelWorkers` (r:16 w:16)
    /// Proof: `Workers::ModelWorkers` (`max_values`: None, `max_size`: Some(8206), added: 10681, mode: `MaxEncodedLen`)
    /// Storage: `Workers::Calibrations` (r:0 w:16)
    /// Proof: `Workers::Calibrations` (`max_values`: None, `max_size`: Some(73), added: 2548, mode: `MaxEncodedLen`)
    fn withdraw_unbonded() -> Weight {
        Weight::from_parts(298_271_000, 171_886)
            .saturating_add(T::DbWeight::get().reads(20_u64))
            .saturating_add(T::DbWeight::get().writes(36_u64))
    }
    /// Storage: `Workers::Workers` (r:1 w:1)
    /// Proof: `Workers::Workers` (`max_values`: None, `max_size`: Some(8584), added: 11059, mode: `MaxEncodedLen`)
    fn go_offline() -> Weight {
        Weight::from_parts(48_060_000, 12_049)
            .saturating_add(T::DbWeight::get().reads(1_u64))
            .saturating_add(T::DbWeight::get().writes(1_u64))
    }
    /// Storage: `Workers::Workers` (r:1 w:1)
    /// Proof: `Workers::Workers` (`max_values`: None, `max_size`: Some(8584), added: 11059, mode: `MaxEncodedLen`)
    fn go_online() -> Weight {
        Weight::from_parts(48_491_000, 12_049)
            .saturating_add(T::DbWeight::get().reads(1_u64))
            .saturating_add(T::DbWeight::get().writes(1_u64))
    }
}

/// The same measurements with RocksDB's database weights, for tests.
impl WeightInfo for () {
    fn register_worker() -> Weight {
        Weight::from_parts(353_820_000, 171_886)
            .saturating_add(RocksDbWeight::get().reads(35_u64))
            .saturating_add(RocksDbWeight::get().writes(19_u64))
    }
    fn update_worker() -> Weight {
        Weight::from_parts(561_939_000, 342_782)
            .saturating_add(RocksDbWeight::get().reads(49_u64))
            .saturating_add(RocksDbWeight::get().writes(49_u64))
    }
    fn bond_extra() -> Weight {
        Weight::from_parts(98_083_000, 12_049)
            .saturating_add(RocksDbWeight::get().reads(3_u64))
            .saturating_add(RocksDbWeight::get().writes(3_u64))
    }
    fn unbond() -> Weight {
        Weight::from_parts(54_213_000, 12_049)
            .saturating_add(RocksDbWeight::get().reads(2_u64))
            .saturating_add(RocksDbWeight::get().writes(2_u64))
    }
    fn withdraw_unbonded() -> Weight {
        Weight::from_parts(298_271_000, 171_886)
            .saturating_add(RocksDbWeight::get().reads(20_u64))
            .saturating_add(RocksDbWeight::get().writes(36_u64))
    }
    fn go_offline() -> Weight {
        Weight::from_parts(48_060_000, 12_049)
            .saturating_add(RocksDbWeight::get().reads(1_u64))
            .saturating_add(RocksDbWeight::get().writes(1_u64))
    }
    fn go_online() -> Weight {
        Weight::from_parts(48_491_000, 12_049)
            .saturating_add(RocksDbWeight::get().reads(1_u64))
            .saturating_add(RocksDbWeight::get().writes(1_u64))
    }
}
