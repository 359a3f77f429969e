//! Weights of `pallet_triad_tasks`: INTERIM values for the five-phase
//! protocol, carried over from the measurements of the calls they replace
//! until `scripts/bench-weights.sh` measures them; do not edit by hand.
//!
//! A weight is the base time plus a slope per component, plus the storage
//! reads and writes at the database weight of the runtime (`SubstrateWeight`)
//! or of RocksDB (`()`, for tests).

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use polkadot_sdk::frame_support::{
    traits::Get,
    weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions of `pallet_triad_tasks`.
pub trait WeightInfo {
    fn submit_task(i: u32, ) -> Weight;
    fn cancel_task() -> Weight;
    fn commit_answer() -> Weight;
    fn commit_fingerprint() -> Weight;
    fn reveal_answer(o: u32, ) -> Weight;
    fn reveal_vote() -> Weight;
    fn reveal_vote_unsettled() -> Weight;
    fn request_calibration() -> Weight;
    fn submit_calibration() -> Weight;
    fn assign(n: u32, ) -> Weight;
    fn draw_key() -> Weight;
    fn expire() -> Weight;
    fn refund_unassigned() -> Weight;
    fn prune_task() -> Weight;
}

/// Measured weights, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);

impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
    fn submit_task(i: u32, ) -> Weight {
        Weight::from_parts(200_000_000, 9_679)
            .saturating_add(Weight::from_parts(3_500, 0).saturating_mul(i.into()))
            .saturating_add(T::DbWeight::get().reads(7_u64))
            .saturating_add(T::DbWeight::get().writes(8_u64))
    }
    fn cancel_task() -> Weight {
        Weight::from_parts(154_770_000, 9_679)
            .saturating_add(T::DbWeight::get().reads(5_u64))
            .saturating_add(T::DbWeight::get().writes(6_u64))
    }
    fn commit_answer() -> Weight {
        Weight::from_parts(93_345_000, 7_050)
            .saturating_add(T::DbWeight::get().reads(3_u64))
            .saturating_add(T::DbWeight::get().writes(3_u64))
    }
    fn commit_fingerprint() -> Weight {
        Weight::from_parts(93_345_000, 7_050)
            .saturating_add(T::DbWeight::get().reads(3_u64))
            .saturating_add(T::DbWeight::get().writes(3_u64))
    }
    fn reveal_answer(o: u32, ) -> Weight {
        Weight::from_parts(200_000_000, 7_050)
            .saturating_add(Weight::from_parts(60_000, 0).saturating_mul(o.into()))
            .saturating_add(T::DbWeight::get().reads(4_u64))
            .saturating_add(T::DbWeight::get().writes(4_u64))
    }
    fn reveal_vote() -> Weight {
        Weight::from_parts(600_000_000, 45_070)
            .saturating_add(T::DbWeight::get().reads(16_u64))
            .saturating_add(T::DbWeight::get().writes(19_u64))
    }
    fn reveal_vote_unsettled() -> Weight {
        Weight::from_parts(81_332_000, 7_050)
            .saturating_add(T::DbWeight::get().reads(2_u64))
            .saturating_add(T::DbWeight::get().writes(1_u64))
    }
    fn request_calibration() -> Weight {
        Weight::from_parts(185_949_000, 268_318)
            .saturating_add(T::DbWeight::get().reads(6_u64))
            .saturating_add(T::DbWeight::get().writes(1_u64))
    }
    fn submit_calibration() -> Weight {
        Weight::from_parts(348_013_000, 268_318)
            .saturating_add(T::DbWeight::get().reads(5_u64))
            .saturating_add(T::DbWeight::get().writes(2_u64))
    }
    fn assign(n: u32, ) -> Weight {
        Weight::from_parts(58_850_627, 11_671)
            .saturating_add(Weight::from_parts(37_220_947, 0).saturating_mul(n.into()))
            .saturating_add(T::DbWeight::get().reads(3_u64))
            .saturating_add(T::DbWeight::get().writes(11_u64))
            .saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(n.into())))
            .saturating_add(Weight::from_parts(0, 11020).saturating_mul(n.into()))
    }
    fn draw_key() -> Weight {
        Weight::from_parts(60_000_000, 7_050)
            .saturating_add(T::DbWeight::get().reads(4_u64))
            .saturating_add(T::DbWeight::get().writes(3_u64))
    }
    fn expire() -> Weight {
        Weight::from_parts(800_000_000, 45_070)
            .saturating_add(T::DbWeight::get().reads(28_u64))
            .saturating_add(T::DbWeight::get().writes(31_u64))
    }
    fn refund_unassigned() -> Weight {
        Weight::from_parts(134_963_000, 9_679)
            .saturating_add(T::DbWeight::get().reads(5_u64))
            .saturating_add(T::DbWeight::get().writes(6_u64))
    }
    fn prune_task() -> Weight {
        Weight::from_parts(70_000_000, 3_502)
            .saturating_add(T::DbWeight::get().reads(4_u64))
            .saturating_add(T::DbWeight::get().writes(6_u64))
    }
}

// For backwards compatibility and tests.
impl WeightInfo for () {
    fn submit_task(i: u32, ) -> Weight {
        Weight::from_parts(200_000_000, 9_679)
            .saturating_add(Weight::from_parts(3_500, 0).saturating_mul(i.into()))
            .saturating_add(RocksDbWeight::get().reads(7_u64))
            .saturating_add(RocksDbWeight::get().writes(8_u64))
    }
    fn cancel_task() -> Weight {
        Weight::from_parts(154_770_000, 9_679)
            .saturating_add(RocksDbWeight::get().reads(5_u64))
            .saturating_add(RocksDbWeight::get().writes(6_u64))
    }
    fn commit_answer() -> Weight {
        Weight::from_parts(93_345_000, 7_050)
            .saturating_add(RocksDbWeight::get().reads(3_u64))
            .saturating_add(RocksDbWeight::get().writes(3_u64))
    }
    fn commit_fingerprint() -> Weight {
        Weight::from_parts(93_345_000, 7_050)
            .saturating_add(RocksDbWeight::get().reads(3_u64))
            .saturating_add(RocksDbWeight::get().writes(3_u64))
    }
    fn reveal_answer(o: u32, ) -> Weight {
        Weight::from_parts(200_000_000, 7_050)
            .saturating_add(Weight::from_parts(60_000, 0).saturating_mul(o.into()))
            .saturating_add(RocksDbWeight::get().reads(4_u64))
            .saturating_add(RocksDbWeight::get().writes(4_u64))
    }
    fn reveal_vote() -> Weight {
        Weight::from_parts(600_000_000, 45_070)
            .saturating_add(RocksDbWeight::get().reads(16_u64))
            .saturating_add(RocksDbWeight::get().writes(19_u64))
    }
    fn reveal_vote_unsettled() -> Weight {
        Weight::from_parts(81_332_000, 7_050)
            .saturating_add(RocksDbWeight::get().reads(2_u64))
            .saturating_add(RocksDbWeight::get().writes(1_u64))
    }
    fn request_calibration() -> Weight {
        Weight::from_parts(185_949_000, 268_318)
            .saturating_add(RocksDbWeight::get().reads(6_u64))
            .saturating_add(RocksDbWeight::get().writes(1_u64))
    }
    fn submit_calibration() -> Weight {
        Weight::from_parts(348_013_000, 268_318)
            .saturating_add(RocksDbWeight::get().reads(5_u64))
            .saturating_add(RocksDbWeight::get().writes(2_u64))
    }
    fn assign(n: u32, ) -> Weight {
        Weight::from_parts(58_850_627, 11_671)
            .saturating_add(Weight::from_parts(37_220_947, 0).saturating_mul(n.into()))
            .saturating_add(RocksDbWeight::get().reads(3_u64))
            .saturating_add(RocksDbWeight::get().writes(11_u64))
            .saturating_add(RocksDbWeight::get().reads((3_u64).saturating_mul(n.into())))
            .saturating_add(Weight::from_parts(0, 11020).saturating_mul(n.into()))
    }
    fn draw_key() -> Weight {
        Weight::from_parts(60_000_000, 7_050)
            .saturating_add(RocksDbWeight::get().reads(4_u64))
            .saturating_add(RocksDbWeight::get().writes(3_u64))
    }
    fn expire() -> Weight {
        Weight::from_parts(800_000_000, 45_070)
            .saturating_add(RocksDbWeight::get().reads(28_u64))
            .saturating_add(RocksDbWeight::get().writes(31_u64))
    }
    fn refund_unassigned() -> Weight {
        Weight::from_parts(134_963_000, 9_679)
            .saturating_add(RocksDbWeight::get().reads(5_u64))
            .saturating_add(RocksDbWeight::get().writes(6_u64))
    }
    fn prune_task() -> Weight {
        Weight::from_parts(70_000_000, 3_502)
            .saturating_add(RocksDbWeight::get().reads(4_u64))
            .saturating_add(RocksDbWeight::get().writes(6_u64))
    }
}
