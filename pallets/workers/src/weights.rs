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
    fn register_worker() -> Weight;
    fn update_worker() -> Weight;
    fn bond_extra() -> Weight;
    fn unbond() -> Weight;
    fn withdraw_unbonded() -> Weight;
    fn go_offline() -> Weight;
    fn go_online() -> Weight;
}

/// Interim weights with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);

impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
    fn register_worker() -> Weight {
        Weight::from_parts(100_000_000, 20_000).saturating_add(T::DbWeight::get().reads_writes(20, 22))
    }
    fn update_worker() -> Weight {
        Weight::from_parts(100_000_000, 20_000).saturating_add(T::DbWeight::get().reads_writes(35, 35))
    }
    fn bond_extra() -> Weight {
        Weight::from_parts(100_000_000, 20_000).saturating_add(T::DbWeight::get().reads_writes(3, 3))
    }
    fn unbond() -> Weight {
        Weight::from_parts(100_000_000, 20_000).saturating_add(T::DbWeight::get().reads_writes(3, 4))
    }
    fn withdraw_unbonded() -> Weight {
        Weight::from_parts(100_000_000, 20_000).saturating_add(T::DbWeight::get().reads_writes(20, 22))
    }
    fn go_offline() -> Weight {
        Weight::from_parts(100_000_000, 20_000).saturating_add(T::DbWeight::get().reads_writes(1, 1))
    }
    fn go_online() -> Weight {
        Weight::from_parts(100_000_000, 20_000).saturating_add(T::DbWeight::get().reads_writes(1, 1))
    }
}

impl WeightInfo for () {
    fn register_worker() -> Weight {
        Weight::from_parts(100_000_000, 20_000).saturating_add(RocksDbWeight::get().reads_writes(20, 22))
    }
    fn update_worker() -> Weight {
        Weight::from_parts(100_000_000, 20_000).saturating_add(RocksDbWeight::get().reads_writes(35, 35))
    }
    fn bond_extra() -> Weight {
        Weight::from_parts(100_000_000, 20_000).saturating_add(RocksDbWeight::get().reads_writes(3, 3))
    }
    fn unbond() -> Weight {
        Weight::from_parts(100_000_000, 20_000).saturating_add(RocksDbWeight::get().reads_writes(3, 4))
    }
    fn withdraw_unbonded() -> Weight {
        Weight::from_parts(100_000_000, 20_000).saturating_add(RocksDbWeight::get().reads_writes(20, 22))
    }
    fn go_offline() -> Weight {
        Weight::from_parts(100_000_000, 20_000).saturating_add(RocksDbWeight::get().reads_writes(1, 1))
    }
    fn go_online() -> Weight {
        Weight::from_parts(100_000_000, 20_000).saturating_add(RocksDbWeight::get().reads_writes(1, 1))
    }
}
