//! A test runtime with System, Balances and the model registry.

use crate as pallet_triad_models;
use polkadot_sdk::{frame_support, frame_system, pallet_balances, sp_io, sp_runtime};

use frame_support::{derive_impl, parameter_types, traits::ConstU32};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;
pub type Balance = u64;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Balances: pallet_balances,
        Registry: pallet_triad_models,
    }
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
    type Block = Block;
    type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
    type AccountStore = System;
    type Balance = Balance;
    type RuntimeHoldReason = RuntimeHoldReason;
}

parameter_types! {
    pub const DepositBase: Balance = 100;
    pub const DepositPerByte: Balance = 1;
    pub const MaxModelSize: u64 = 1 << 30;
}

impl pallet_triad_models::Config for Test {
    type Currency = Balances;
    type RuntimeHoldReason = RuntimeHoldReason;
    type DepositBase = DepositBase;
    type DepositPerByte = DepositPerByte;
    type MaxNameLen = ConstU32<32>;
    type MaxTensors = ConstU32<4>;
    type MaxDims = ConstU32<6>;
    type MaxModelSize = MaxModelSize;
    type MaxCalibrationCases = ConstU32<4>;
    type MaxCalibrationInputLen = ConstU32<256>;
    type MaxVerifyingKeyLen = ConstU32<4096>;
    type MaxTeeMeasurements = ConstU32<3>;
    type WeightInfo = ();
}

pub const ALICE: u64 = 1;
pub const BOB: u64 = 2;
/// Has too little to cover any deposit.
pub const POOR: u64 = 3;

pub fn new_test_ext() -> sp_io::TestExternalities {
    let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
    pallet_balances::GenesisConfig::<Test> {
        balances: vec![(ALICE, 1_000_000), (BOB, 1_000_000), (POOR, 50)],
        ..Default::default()
    }
    .assimilate_storage(&mut storage)
    .unwrap();
    let mut ext = sp_io::TestExternalities::new(storage);
    // Events are only recorded from block 1 on.
    ext.execute_with(|| System::set_block_number(1));
    ext
}

/// Runs a test and then checks the pallet's storage invariants.
pub fn test(f: impl FnOnce()) {
    new_test_ext().execute_with(|| {
        f();
        Registry::do_try_state().expect("storage invariants hold");
    });
}
