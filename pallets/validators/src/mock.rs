//! A test runtime with System, Balances and the validator pallet. Session
//! keys, disabling and the historical record are small tables here: the
//! pallet only sees them through `KeysRegistered`, `Disabler` and `History`.

use crate as pallet_triad_validators;
use polkadot_sdk::{frame_support, frame_system, pallet_balances, sp_io, sp_runtime, sp_staking::SessionIndex};

use core::cell::RefCell;
use frame_support::{
    derive_impl, parameter_types,
    traits::{ConstU32, ValidatorRegistration},
};
use frame_system::EnsureRoot;
use sp_runtime::{BuildStorage, Perbill};
use std::collections::BTreeSet;

type Block = frame_system::mocking::MockBlock<Test>;
pub type Balance = u64;
pub type AccountId = u64;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Balances: pallet_balances,
        Validators: pallet_triad_validators,
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
    static KEYS: RefCell<BTreeSet<AccountId>> = RefCell::new(BTreeSet::from([1, 2, 3, 4, 5, 6]));
    static DISABLED: RefCell<Vec<(AccountId, Perbill)>> = const { RefCell::new(Vec::new()) };
    static PRUNED: RefCell<Option<SessionIndex>> = const { RefCell::new(None) };
}

/// Accounts 1 to 6 have session keys.
pub struct Keys;
impl Keys {
    pub fn purge(who: AccountId) {
        KEYS.with(|k| k.borrow_mut().remove(&who));
    }
}
impl ValidatorRegistration<AccountId> for Keys {
    fn is_registered(who: &AccountId) -> bool {
        KEYS.with(|k| k.borrow().contains(who))
    }
}

pub struct Disabler;
impl crate::DisableValidator<AccountId> for Disabler {
    fn disable(who: &AccountId, severity: Perbill) {
        DISABLED.with(|d| d.borrow_mut().push((*who, severity)));
    }
}
pub fn disabled() -> Vec<(AccountId, Perbill)> {
    DISABLED.with(|d| d.borrow().clone())
}

pub struct History;
impl crate::SessionHistory for History {
    fn prune_up_to(up_to: SessionIndex) {
        PRUNED.with(|p| *p.borrow_mut() = Some(up_to));
    }
}
pub fn pruned_up_to() -> Option<SessionIndex> {
    PRUNED.with(|p| *p.borrow())
}

parameter_types! {
    pub const MinBond: Balance = 100;
}

impl pallet_triad_validators::Config for Test {
    type Currency = Balances;
    type RuntimeHoldReason = RuntimeHoldReason;
    type AdminOrigin = EnsureRoot<AccountId>;
    type KeysRegistered = Keys;
    type Disabler = Disabler;
    type History = History;
    type MinBond = MinBond;
    type BondingSessions = ConstU32<4>;
    type MaxValidators = ConstU32<5>;
    type MinValidators = ConstU32<2>;
    type MaxCandidates = ConstU32<8>;
    type WeightInfo = ();
    #[cfg(feature = "runtime-benchmarks")]
    type BenchmarkHelper = Keys;
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId> for Keys {
    fn register_keys(who: &AccountId) {
        KEYS.with(|k| k.borrow_mut().insert(*who));
    }
}

/// Accounts 1-9 hold 10,000 each; 1, 2 and 3 are genesis validators bonded 500.
pub fn new_test_ext() -> sp_io::TestExternalities {
    let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
    pallet_balances::GenesisConfig::<Test> { balances: (1..10).map(|a| (a, 10_000)).collect(), ..Default::default() }
        .assimilate_storage(&mut t)
        .unwrap();
    pallet_triad_validators::GenesisConfig::<Test> { validators: vec![(1, 500), (2, 500), (3, 500)] }
        .assimilate_storage(&mut t)
        .unwrap();
    let mut ext = sp_io::TestExternalities::new(t);
    ext.execute_with(|| System::set_block_number(1));
    ext
}

/// Runs a test and checks the storage invariants after it.
pub fn test(f: impl FnOnce()) {
    new_test_ext().execute_with(|| {
        f();
        Validators::do_try_state().expect("storage invariants hold");
    })
}
