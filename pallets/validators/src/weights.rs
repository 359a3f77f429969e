//! Weights of `pallet_triad_validators`, measured by frame-omni-bencher 0.28 (benchmarking CLI 64.0.0) on
//! 2026-12-04 (AMD EPYC) from the benchmarks in `benchmarking.rs`.
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

/// Weight functions of `pallet_triad_validators`.
pub trait WeightInfo {
    fn bond() -> Weight;
    fn add_validator() -> Weight;
    fn remove_validator() -> Weight;
    fn leave() -> Weight;
    fn withdraw() -> Weight;
    fn slash() -> Weight;
}

/// Measured weights, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);

impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
    /// Storage: `Validators::Candidates` (r:1 w:1)
    /// Proof: `Validators::Candidates` (`max_values`: None, `max_size`: Some(61), added: 2536, mode: `MaxEncodedLen`)
    /// Storage: `Validators::CounterForCandidates` (r:1 w:1)
    /// Proof: `Validators::CounterForCandidates` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
    /// Storage: `System::Account` (r:1 w:1)
    /// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
    /// Storage: `Balances::Holds` (r:1 w:1)
    /// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(157), added: 2632, mode: `MaxEncodedLen`)
    fn bond() -> Weight {
        Weight::from_parts(81_691_000, 3_622)
            .saturating_add(T::DbWeight::get().reads(4_u64))
            .saturating_add(T::DbWeight::get().writes(4_u64))
    }
    /// Storage: `Validators::Candidates` (r:1 w:0)
    /// Proof: `Validators::Candidates` (`max_values`: None, `max_size`: Some(61), added: 2536, mode: `MaxEncodedLen`)
    /// Storage: `Session::NextKeys` (r:1 w:0)
    /// Proof: `Session::NextKeys` (`max_values`: None, `max_size`: None, mode: `Measured`)
    /// Storage: `Validators::Members` (r:1 w:1)
    /// Proof: `Validators::Members` (`max_values`: Some(1), `max_size`: Some(1025), added: 1520, mode: `MaxEncodedLen`)
    /// Storage: `Validators::CurrentSession` (r:1 w:0)
    /// Proof: `Validators::CurrentSession` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
    fn add_validator() -> Weight {
        Weight::from_parts(47_099_000, 6_106)
            .saturating_add(T::DbWeight::get().reads(4_u64))
            .saturating_add(T::DbWeight::get().writes(1_u64))
    }
    /// Storage: `Validators::Members` (r:1 w:1)
    /// Proof: `Validators::Members` (`max_values`: Some(1), `max_size`: Some(1025), added: 1520, mode: `MaxEncodedLen`)
    /// Storage: `Validators::CurrentSession` (r:1 w:0)
    /// Proof: `Validators::CurrentSession` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
    fn remove_validator() -> Weight {
        Weight::from_parts(23_495_000, 2_510)
            .saturating_add(T::DbWeight::get().reads(2_u64))
            .saturating_add(T::DbWeight::get().writes(1_u64))
    }
    /// Storage: `Validators::Candidates` (r:1 w:1)
    /// Proof: `Validators::Candidates` (`max_values`: None, `max_size`: Some(61), added: 2536, mode: `MaxEncodedLen`)
    /// Storage: `Validators::Members` (r:1 w:1)
    /// Proof: `Validators::Members` (`max_values`: Some(1), `max_size`: Some(1025), added: 1520, mode: `MaxEncodedLen`)
    /// Storage: `Validators::CurrentSession` (r:1 w:0)
    /// Proof: `Validators::CurrentSession` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
    fn leave() -> Weight {
        Weight::from_parts(38_777_000, 3_526)
            .saturating_add(T::DbWeight::get().reads(3_u64))
            .saturating_add(T::DbWeight::get().writes(2_u64))
    }
    /// Storage: `Validators::Candidates` (r:1 w:1)
    /// Proof: `Validators::Candidates` (`max_values`: None, `max_size`: Some(61), added: 2536, mode: `MaxEncodedLen`)
    /// Storage: `Validators::CurrentSession` (r:1 w:0)
    /// Proof: `Validators::CurrentSession` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
    /// Storage: `System::Account` (r:1 w:1)
    /// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
    /// Storage: `Balances::Holds` (r:1 w:1)
    /// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(157), added: 2632, mode: `MaxEncodedLen`)
    /// Storage: `Validators::CounterForCandidates` (r:1 w:1)
    /// Proof: `Validators::CounterForCandidates` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
    fn withdraw() -> Weight {
        Weight::from_parts(74_951_000, 3_622)
            .saturating_add(T::DbWeight::get().reads(5_u64))
            .saturating_add(T::DbWeight::get().writes(4_u64))
    }
    /// Storage: `Validators::SlashedInSession` (r:1 w:1)
    /// Proof: `Validators::SlashedInSession` (`max_values`: None, `max_size`: Some(56), added: 2531, mode: `MaxEncodedLen`)
    /// Storage: `Balances::Holds` (r:1 w:1)
    /// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(157), added: 2632, mode: `MaxEncodedLen`)
    /// Storage: `System::Account` (r:1 w:1)
    /// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
    /// Storage: `Validators::Candidates` (r:1 w:1)
    /// Proof: `Validators::Candidates` (`max_values`: None, `max_size`: Some(61), added: 2536, mode: `MaxEncodedLen`)
    /// Storage: `Session::DisabledValidators` (r:1 w:0)
    /// Proof: `Session::DisabledValidators` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
    /// Storage: `Session::Validators` (r:1 w:0)
    /// Proof: `Session::Validators` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
    /// Storage: `Validators::Members` (r:1 w:1)
    /// Proof: `Validators::Members` (`max_values`: Some(1), `max_size`: Some(1025), added: 1520, mode: `MaxEncodedLen`)
    /// Storage: `Validators::CurrentSession` (r:1 w:0)
    /// Proof: `Validators::CurrentSession` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
    fn slash() -> Weight {
        Weight::from_parts(81_190_000, 4_501)
            .saturating_add(T::DbWeight::get().reads(8_u64))
            .saturating_add(T::DbWeight::get().writes(5_u64))
    }
}

/// The same measurements with RocksDB's database weights, for tests.
impl WeightInfo for () {
    fn bond() -> Weight {
        Weight::from_parts(81_691_000, 3_622)
            .saturating_add(RocksDbWeight::get().reads(4_u64))
            .saturating_add(RocksDbWeight::get().writes(4_u64))
    }
    fn add_validator() -> Weight {
        Weight::from_parts(47_099_000, 6_106)
            .saturating_add(RocksDbWeight::get().reads(4_u64))
            .saturating_add(RocksDbWeight::get().writes(1_u64))
    }
    fn remove_validator() -> Weight {
        Weight::from_parts(23_495_000, 2_510)
            .saturating_add(RocksDbWeight::get().reads(2_u64))
            .saturating_add(RocksDbWeight::get().writes(1_u64))
    }
    fn leave() -> Weight {
        Weight::from_parts(38_777_000, 3_526)
            .saturating_add(RocksDbWeight::get().reads(3_u64))
            .saturating_add(RocksDbWeight::get().writes(2_u64))
    }
    fn withdraw() -> Weight {
        Weight::from_parts(74_951_000, 3_622)
            .saturating_add(RocksDbWeight::get().reads(5_u64))
            .saturating_add(RocksDbWeight::get().writes(4_u64))
    }
    fn slash() -> Weight {
        Weight::from_parts(81_190_000, 4_501)
            .saturating_add(RocksDbWeight::get().reads(8_u64))
            .saturating_add(RocksDbWeight::get().writes(5_u64))
    }
}
