//! A test runtime with System and the reputation pallet.

use crate as pallet_triad_reputation;
use polkadot_sdk::{frame_support, frame_system, sp_io, sp_runtime};

use frame_support::{derive_impl, parameter_types, traits::ConstU64};
use sp_runtime::{BuildStorage, Perbill};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Scores: pallet_triad_reputation,
    }
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
    type Block = Block;
}

parameter_types! {
    pub const Retention: Perbill = Perbill::from_percent(50);
}

impl pallet_triad_reputation::Config for Test {
    type Balance = u64;
    type PriorAlpha = ConstU64<2_000>;
    type PriorBeta = ConstU64<2_000>;
    type AgreeWeight = ConstU64<1_000>;
    type MinorityWeight = ConstU64<10_000>;
    type NoShowWeight = ConstU64<3_000>;
    type DecayPeriod = ConstU64<10>;
    type Retention = Retention;
    type StakeCap = ConstU64<1_000>;
    type WeightInfo = ();
}

pub fn new_test_ext() -> sp_io::TestExternalities {
    let storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
    let mut ext = sp_io::TestExternalities::new(storage);
    ext.execute_with(|| System::set_block_number(1));
    ext
}

/// Runs a test and then checks the pallet's storage invariants.
pub fn test(f: impl FnOnce()) {
    new_test_ext().execute_with(|| {
        f();
        Scores::do_try_state().expect("storage invariants hold");
    });
}
