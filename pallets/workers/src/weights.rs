//! Placeholder until the benchmarks are run by frame-omni-bencher.

use polkadot_sdk::frame_support::weights::Weight;

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

impl WeightInfo for () {
    fn register_worker() -> Weight { Weight::zero() }
    fn update_worker() -> Weight { Weight::zero() }
    fn bond_extra() -> Weight { Weight::zero() }
    fn unbond() -> Weight { Weight::zero() }
    fn withdraw_unbonded() -> Weight { Weight::zero() }
    fn go_offline() -> Weight { Weight::zero() }
    fn go_online() -> Weight { Weight::zero() }
}
