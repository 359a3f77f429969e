//! Interim weights until `scripts/bench-weights.sh` (frame-omni-bencher) has
//! run: a conservative fixed cost per call plus the storage reads and writes
//! counted from the code, so no call is free. Replaced by generated weights.

use core::marker::PhantomData;
use polkadot_sdk::frame_support::{
    traits::Get,
    weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed by this pallet.
pub trait WeightInfo {
    fn register_model() -> Weight;
    fn deprecate_model() -> Weight;
    fn set_calibration_set(n: u32) -> Weight;
}

/// Interim weights with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);

impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
    fn register_model() -> Weight {
        Weight::from_parts(100_000_000, 20_000).saturating_add(T::DbWeight::get().reads_writes(4, 5))
    }
    fn deprecate_model() -> Weight {
        Weight::from_parts(100_000_000, 20_000).saturating_add(T::DbWeight::get().reads_writes(1, 1))
    }
    fn set_calibration_set(_n: u32) -> Weight {
        Weight::from_parts(100_000_000, 20_000).saturating_add(T::DbWeight::get().reads_writes(3, 4))
    }
}

impl WeightInfo for () {
    fn register_model() -> Weight {
        Weight::from_parts(100_000_000, 20_000).saturating_add(RocksDbWeight::get().reads_writes(4, 5))
    }
    fn deprecate_model() -> Weight {
        Weight::from_parts(100_000_000, 20_000).saturating_add(RocksDbWeight::get().reads_writes(1, 1))
    }
    fn set_calibration_set(_n: u32) -> Weight {
        Weight::from_parts(100_000_000, 20_000).saturating_add(RocksDbWeight::get().reads_writes(3, 4))
    }
}
