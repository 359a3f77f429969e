//! A test runtime with System, Balances and the worker registry. The model
//! registry is a small table here: the worker pallet only sees it through
//! `ModelRegistry`.

use crate as pallet_triad_workers;
use polkadot_sdk::{frame_support, frame_system, pallet_balances, sp_io, sp_runtime};

use core::cell::RefCell;
use frame_support::{
    derive_impl, parameter_types,
    traits::{ConstU32, ConstU64},
};
use sp_runtime::BuildStorage;
use std::collections::BTreeMap;
use triad_primitives::{LshParams, ModelId, ModelRegistry, VerificationModes};

type Block = frame_system::mocking::MockBlock<Test>;
pub type Balance = u64;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Balances: pallet_balances,
        Registry: pallet_triad_workers,
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

thread_local! {
    /// model -> active
    static MODELS: RefCell<BTreeMap<ModelId, bool>> = RefCell::new(BTreeMap::from([(0, true), (1, true), (2, true), (9, false)]));
}

pub struct TestModels;
impl TestModels {
    pub fn deprecate(model: ModelId) {
        MODELS.with(|m| m.borrow_mut().insert(model, false));
    }
}
impl ModelRegistry<Balance> for TestModels {
    fn exists(model: ModelId) -> bool {
        MODELS.with(|m| m.borrow().contains_key(&model))
    }
    fn is_active(model: ModelId) -> bool {
        MODELS.with(|m| m.borrow().get(&model).copied().unwrap_or(false))
    }
    fn lsh_params(model: ModelId) -> Option<LshParams> {
        Self::exists(model).then(|| LshParams::projection(model as u64))
    }
    fn modes(model: ModelId) -> Option<VerificationModes> {
        Self::exists(model).then(|| VerificationModes { lsh_majority: true, groth16: None, tee: false })
    }
    fn price_floor(model: ModelId) -> Option<Balance> {
        Self::exists(model).then_some(1)
    }
    fn calibration_cases(_model: ModelId) -> u32 {
        4
    }
    fn calibration_expected(_model: ModelId, _index: u32) -> Option<triad_primitives::Fingerprint> {
        None
    }
    fn check_input(_model: ModelId, _input: &[u8]) -> Result<(), triad_primitives::WireError> {
        Ok(())
    }
    fn check_output(_model: ModelId, _output: &[u8]) -> Result<(), triad_primitives::WireError> {
        Ok(())
    }
    fn tee_policy(_model: ModelId) -> Option<triad_primitives::TeePolicy> {
        None
    }
    fn proof_key(_model: ModelId) -> Option<triad_primitives::ProofKey<Balance>> {
        None
    }
    #[cfg(feature = "runtime-benchmarks")]
    fn register_provable_for_benchmarks(_input_bytes: u32) -> (ModelId, u32, u32) {
        unimplemented!("the worker pallet's benchmarks use no provable model")
    }
    #[cfg(feature = "runtime-benchmarks")]
    fn register_for_benchmarks(index: u32) -> ModelId {
        let id = 1_000 + index;
        MODELS.with(|m| m.borrow_mut().insert(id, true));
        id
    }
}

pub const TREASURY: u64 = 99;

parameter_types! {
    pub const MinStake: Balance = 100;
    pub storage SlashDestination: Option<u64> = Some(TREASURY);
}

impl pallet_triad_workers::Config for Test {
    type Currency = Balances;
    type RuntimeHoldReason = RuntimeHoldReason;
    type Models = TestModels;
    type MinStake = MinStake;
    type UnbondingPeriod = ConstU64<10>;
    type CalibrationsRequired = ConstU32<2>;
    type ActivationDelay = ConstU64<2>;
    type SlashDestination = SlashDestination;
    type MaxModelsPerWorker = ConstU32<3>;
    type MaxWorkersPerModel = ConstU32<4>;
    type MaxPeerIdLen = ConstU32<38>;
    type MaxAddrLen = ConstU32<64>;
    type MaxUnbondingChunks = ConstU32<2>;
    type WeightInfo = ();
}

pub const ALICE: u64 = 1;
pub const BOB: u64 = 2;
pub const CHARLIE: u64 = 3;
pub const DAVE: u64 = 4;
pub const EVE: u64 = 5;
pub const CLIENT: u64 = 6;

pub fn new_test_ext() -> sp_io::TestExternalities {
    let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
    pallet_balances::GenesisConfig::<Test> {
        balances: vec![
            (ALICE, 10_000),
            (BOB, 10_000),
            (CHARLIE, 10_000),
            (DAVE, 10_000),
            (EVE, 10_000),
            (CLIENT, 10),
            (TREASURY, 10),
        ],
        ..Default::default()
    }
    .assimilate_storage(&mut storage)
    .unwrap();
    let mut ext = sp_io::TestExternalities::new(storage);
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
