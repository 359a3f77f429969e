//! Weights of the model registry's calls.
//!
//! Placeholder until the benchmarks are run by frame-omni-bencher.

use core::marker::PhantomData;
use polkadot_sdk::frame_support::weights::Weight;

/// Weight functions needed by this pallet.
pub trait WeightInfo {
    fn register_model() -> Weight;
    fn deprecate_model() -> Weight;
    fn set_calibration_set(n: u32) -> Weight;
}

/// Weights measured on reference hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);

impl<T> WeightInfo for SubstrateWeight<T> {
    fn register_model() -> Weight {
        Weight::zero()
    }
    fn deprecate_model() -> Weight {
        Weight::zero()
    }
    fn set_calibration_set(_n: u32) -> Weight {
        Weight::zero()
    }
}

impl WeightInfo for () {
    fn register_model() -> Weight {
        Weight::zero()
    }
    fn deprecate_model() -> Weight {
        Weight::zero()
    }
    fn set_calibration_set(_n: u32) -> Weight {
        Weight::zero()
    }
}
