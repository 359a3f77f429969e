//! Interim weights until `scripts/bench-weights.sh` (frame-omni-bencher) has
//! run: a conservative fixed cost per call plus the storage reads and writes
//! counted from the code, so no call is free. Replaced by generated weights.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use polkadot_sdk::frame_support::{
    traits::Get,
    weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions of `pallet_triad_tasks`.
pub trait WeightInfo {
    fn submit_task(i: u32) -> Weight;
    fn cancel_task() -> Weight;
    fn commit() -> Weight;
    fn reveal(o: u32) -> Weight;
    fn request_calibration() -> Weight;
    fn submit_calibration() -> Weight;
    fn assign(n: u32) -> Weight;
    fn expire() -> Weight;
    fn refund_unassigned() -> Weight;
    fn prune_task() -> Weight;
}

fn counted(extra: Weight, reads: u64, writes: u64, db_weight: polkadot_sdk::frame_support::weights::RuntimeDbWeight) -> Weight {
    Weight::from_parts(100_000_000, 20_000).saturating_add(extra).saturating_add(db_weight.reads_writes(reads, writes))
}

macro_rules! interim {
    ($db:expr) => {
        fn submit_task(i: u32) -> Weight {
            counted(Weight::from_parts(2_000 * i as u64, i as u64), 6, 6, $db)
        }
        fn cancel_task() -> Weight {
            counted(Weight::zero(), 4, 5, $db)
        }
        fn commit() -> Weight {
            counted(Weight::zero(), 4, 4, $db)
        }
        fn reveal(o: u32) -> Weight {
            // The last reveal settles: four seats paid or slashed and scored.
            counted(Weight::from_parts(2_000 * o as u64, o as u64), 30, 30, $db)
        }
        fn request_calibration() -> Weight {
            counted(Weight::zero(), 6, 4, $db)
        }
        fn submit_calibration() -> Weight {
            counted(Weight::zero(), 6, 4, $db)
        }
        fn assign(n: u32) -> Weight {
            counted(Weight::from_parts(20_000_000 * n as u64, 2_000 * n as u64), 8 + 4 * n as u64, 12, $db)
        }
        fn expire() -> Weight {
            counted(Weight::zero(), 32, 32, $db)
        }
        fn refund_unassigned() -> Weight {
            counted(Weight::zero(), 4, 4, $db)
        }
        fn prune_task() -> Weight {
            counted(Weight::zero(), 1, 4, $db)
        }
    };
}

/// Interim weights with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);

impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
    interim!(T::DbWeight::get());
}

impl WeightInfo for () {
    interim!(RocksDbWeight::get());
}
