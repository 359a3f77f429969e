//! Tests of the worker registry: registration, stake, slashing, probation.

use crate::{mock::*, *};
use polkadot_sdk::{frame_support, sp_runtime};

use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};
use sp_runtime::{DispatchError, Perbill};

const BOTH: Roles = Roles { executor: true, verifier: true };
const VERIFIER: Roles = Roles { executor: false, verifier: true };

fn held(who: u64) -> Balance {
    Balances::balance_on_hold(&HoldReason::WorkerBond.into(), &who)
}

fn join(who: u64, models: Vec<ModelId>, bond: Balance) {
    assert_ok!(Registry::register_worker(
        RuntimeOrigin::signed(who),
        BOTH,
        models,
        Some(vec![0x12; 34]),
        Some(b"/ip4/127.0.0.1/tcp/4001".to_vec()),
        bond
    ));
    wait_for_the_draw();
}

fn qualify(who: u64, model: ModelId) {
    for _ in 0..2 {
        <Registry as WorkerRegistry<u64, Balance>>::record_calibration(&who, model, true);
    }
    wait_for_the_draw();
}

/// Advances past `ActivationDelay`, after which the draw sees every change.
fn wait_for_the_draw() {
    System::set_block_number(System::block_number() + 2);
}

fn slash(who: u64, fraction: u32, minimum: Balance, to: Option<u64>) -> Balance {
    <Registry as Slash<u64, Balance>>::slash(&who, Perbill::from_percent(fraction), minimum, to.as_ref()).unwrap()
}

#[test]
fn register_worker_holds_the_bond_and_indexes_its_models() {
    test(|| {
        join(ALICE, vec![0, 1], 500);
        let w = Workers::<Test>::get(ALICE).unwrap();
        assert_eq!((w.bonded, w.locked, w.status, w.roles), (500, 0, Status::Online, BOTH));
        assert_eq!(&w.models[..], &[0, 1]);
        assert_eq!(w.peer_id.as_ref().map(|p| p.to_vec()), Some(vec![0x12; 34]));
        assert_eq!(held(ALICE), 500);
        assert_eq!(&ModelWorkers::<Test>::get(0)[..], &[ALICE]);
        assert_eq!(&ModelWorkers::<Test>::get(1)[..], &[ALICE]);
        System::assert_last_event(Event::WorkerRegistered { who: ALICE, roles: BOTH, models: vec![0, 1], bonded: 500 }.into());
    });
}

#[test]
fn bad_registrations_get_typed_errors() {
    test(|| {
        let reg = |roles, models: Vec<ModelId>, peer: usize, addr: usize, bond| {
            Registry::register_worker(RuntimeOrigin::signed(ALICE), roles, models, Some(vec![1; peer]), Some(vec![1; addr]), bond)
        };
        let none = Roles { executor: false, verifier: false };
        assert_noop!(reg(none, vec![0], 1, 1, 500), Error::<Test>::NoRole);
        assert_noop!(reg(BOTH, vec![], 1, 1, 500), Error::<Test>::NoModels);
        assert_noop!(reg(BOTH, vec![0, 1, 2, 0], 1, 1, 500), Error::<Test>::TooManyModels);
        assert_noop!(reg(BOTH, vec![0, 0], 1, 1, 500), Error::<Test>::DuplicateModel);
        assert_noop!(reg(BOTH, vec![7], 1, 1, 500), Error::<Test>::ModelNotActive);
        assert_noop!(reg(BOTH, vec![9], 1, 1, 500), Error::<Test>::ModelNotActive);
        assert_noop!(reg(BOTH, vec![0], 39, 1, 500), Error::<Test>::PeerIdTooLong);
        assert_noop!(reg(BOTH, vec![0], 1, 65, 500), Error::<Test>::AddrTooLong);
        assert_noop!(reg(BOTH, vec![0], 1, 1, 99), Error::<Test>::BelowMinStake);
        assert_noop!(reg(BOTH, vec![0], 1, 1, 20_000), Error::<Test>::InsufficientBalance);
        assert_noop!(Registry::register_worker(RuntimeOrigin::none(), BOTH, vec![0], None, None, 500), DispatchError::BadOrigin);
        join(ALICE, vec![0], 500);
        assert_noop!(reg(BOTH, vec![0], 1, 1, 500), Error::<Test>::AlreadyRegistered);
    });
}

#[test]
fn a_model_takes_at_most_max_workers() {
    test(|| {
        for w in [ALICE, BOB, CHARLIE, DAVE] {
            join(w, vec![0], 100);
        }
        assert_noop!(
            Registry::register_worker(RuntimeOrigin::signed(EVE), BOTH, vec![0], None, None, 100),
            Error::<Test>::ModelFull
        );
    });
}

#[test]
fn update_worker_moves_the_index_and_resets_dropped_probation() {
    test(|| {
        join(ALICE, vec![0, 1], 500);
        qualify(ALICE, 1);
        assert_ok!(Registry::update_worker(RuntimeOrigin::signed(ALICE), VERIFIER, vec![1, 2], None, None));
        let w = Workers::<Test>::get(ALICE).unwrap();
        assert_eq!((&w.models[..], w.roles, w.peer_id.clone()), (&[1, 2][..], VERIFIER, None));
        assert!(ModelWorkers::<Test>::get(0).is_empty());
        assert_eq!(&ModelWorkers::<Test>::get(2)[..], &[ALICE]);
        // Kept model keeps its progress; a new one starts on probation.
        assert!(Registry::qualified(&ALICE, 1));
        assert!(<Registry as WorkerRegistry<u64, Balance>>::on_probation(&ALICE, 2));
        System::assert_last_event(Event::WorkerUpdated { who: ALICE, roles: VERIFIER, models: vec![1, 2] }.into());

        assert_ok!(Registry::update_worker(RuntimeOrigin::signed(ALICE), VERIFIER, vec![2], None, None));
        assert_eq!(Calibrations::<Test>::get(ALICE, 1), Probation::default());
        assert_noop!(
            Registry::update_worker(RuntimeOrigin::signed(BOB), BOTH, vec![0], None, None),
            Error::<Test>::NotRegistered
        );
        assert_noop!(
            Registry::update_worker(RuntimeOrigin::signed(ALICE), BOTH, vec![9], None, None),
            Error::<Test>::ModelNotActive
        );
    });
}

#[test]
fn probation_ends_after_the_required_calibrations() {
    test(|| {
        join(ALICE, vec![0], 500);
        let registry = |m| <Registry as WorkerRegistry<u64, Balance>>::can_serve(&ALICE, m, BOTH);
        assert!(<Registry as WorkerRegistry<u64, Balance>>::on_probation(&ALICE, 0));
        assert!(!registry(0));
        <Registry as WorkerRegistry<u64, Balance>>::record_calibration(&ALICE, 0, false);
        <Registry as WorkerRegistry<u64, Balance>>::record_calibration(&ALICE, 0, true);
        System::assert_last_event(
            Event::CalibrationRecorded {
                who: ALICE,
                model: 0,
                passed: true,
                progress: Probation { passed: 1, failed: 1, qualified_at: None },
            }
            .into(),
        );
        assert!(!registry(0));
        <Registry as WorkerRegistry<u64, Balance>>::record_calibration(&ALICE, 0, true);
        System::assert_last_event(Event::WorkerQualified { who: ALICE, model: 0 }.into());
        assert!(!registry(0), "the draw sees a qualification only after the activation delay");
        wait_for_the_draw();
        assert!(registry(0));
        assert!(!registry(1), "does not serve model 1");
        // Results for models it does not serve are ignored.
        <Registry as WorkerRegistry<u64, Balance>>::record_calibration(&ALICE, 1, true);
        assert_eq!(Calibrations::<Test>::get(ALICE, 1), Probation::default());
    });
}

#[test]
fn only_the_offered_roles_are_served() {
    test(|| {
        assert_ok!(Registry::register_worker(RuntimeOrigin::signed(BOB), VERIFIER, vec![0], None, None, 100));
        qualify(BOB, 0);
        let can = |roles| <Registry as WorkerRegistry<u64, Balance>>::can_serve(&BOB, 0, roles);
        assert!(can(VERIFIER));
        assert!(!can(Roles { executor: true, verifier: false }));
    });
}

#[test]
fn the_draw_sees_status_and_bond_changes_only_after_the_activation_delay() {
    // The author of the block whose VRF output seeds a draw knows that seed
    // while it picks the block's transactions: nothing it includes may change
    // that draw.
    test(|| {
        join(ALICE, vec![0], 500);
        qualify(ALICE, 0);
        let free = || <Registry as WorkerRegistry<u64, Balance>>::free_stake(&ALICE);
        assert_eq!(free(), 500);
        assert_ok!(Registry::bond_extra(RuntimeOrigin::signed(ALICE), 300));
        assert_eq!(free(), 500, "more stake counts only later");
        System::set_block_number(System::block_number() + 1);
        assert_eq!(free(), 500);
        System::set_block_number(System::block_number() + 1);
        assert_eq!(free(), 800);
        // Less stake counts at once: the draw never counts more than is bonded.
        assert_ok!(Registry::unbond(RuntimeOrigin::signed(ALICE), 600));
        assert_eq!(free(), 200);
        let w = Workers::<Test>::get(ALICE).unwrap();
        assert_eq!(w.pending.map(|(d, _)| d), Some(Drawable { online: true, stake: 200 }));
    });
}

#[test]
fn bond_extra_adds_stake() {
    test(|| {
        join(ALICE, vec![0], 100);
        assert_ok!(Registry::bond_extra(RuntimeOrigin::signed(ALICE), 50));
        assert_eq!(Workers::<Test>::get(ALICE).unwrap().bonded, 150);
        assert_eq!(held(ALICE), 150);
        System::assert_last_event(Event::Bonded { who: ALICE, amount: 50 }.into());
        assert_noop!(Registry::bond_extra(RuntimeOrigin::signed(ALICE), 0), Error::<Test>::InvalidAmount);
        assert_noop!(Registry::bond_extra(RuntimeOrigin::signed(ALICE), 100_000), Error::<Test>::InsufficientBalance);
        assert_noop!(Registry::bond_extra(RuntimeOrigin::signed(BOB), 5), Error::<Test>::NotRegistered);
    });
}

#[test]
fn unbonding_waits_for_the_period_and_locked_stake_stays() {
    test(|| {
        join(ALICE, vec![0], 500);
        assert_ok!(<Registry as WorkerRegistry<u64, Balance>>::lock_stake(&ALICE, 300));
        assert_eq!(<Registry as WorkerRegistry<u64, Balance>>::free_stake(&ALICE), 200);
        assert_noop!(Registry::unbond(RuntimeOrigin::signed(ALICE), 250), Error::<Test>::StakeLocked);
        assert_noop!(Registry::unbond(RuntimeOrigin::signed(ALICE), 0), Error::<Test>::InvalidAmount);
        assert_noop!(Registry::unbond(RuntimeOrigin::signed(ALICE), 501), Error::<Test>::InvalidAmount);
        assert_noop!(<Registry as WorkerRegistry<u64, Balance>>::lock_stake(&ALICE, 201), Error::<Test>::StakeLocked);

        assert_ok!(Registry::unbond(RuntimeOrigin::signed(ALICE), 150));
        System::assert_last_event(Event::Unbonded { who: ALICE, amount: 150, unlocks_at: 13 }.into());
        assert_eq!(Workers::<Test>::get(ALICE).unwrap().bonded, 350);
        // Still held, and still slashable, while unbonding.
        assert_eq!(held(ALICE), 500);
        assert_noop!(Registry::withdraw_unbonded(RuntimeOrigin::signed(ALICE)), Error::<Test>::NothingToWithdraw);
        System::set_block_number(13);
        assert_ok!(Registry::withdraw_unbonded(RuntimeOrigin::signed(ALICE)));
        System::assert_last_event(Event::Withdrawn { who: ALICE, amount: 150 }.into());
        assert_eq!(held(ALICE), 350);
        assert!(Unbonding::<Test>::get(ALICE).is_empty());

        <Registry as WorkerRegistry<u64, Balance>>::unlock_stake(&ALICE, 300);
        assert_eq!(<Registry as WorkerRegistry<u64, Balance>>::free_stake(&ALICE), 350);
    });
}

#[test]
fn the_remaining_bond_is_zero_or_at_least_min_stake() {
    test(|| {
        join(ALICE, vec![0], 150);
        assert_noop!(Registry::unbond(RuntimeOrigin::signed(ALICE), 100), Error::<Test>::BelowMinStake);
        assert_ok!(Registry::unbond(RuntimeOrigin::signed(ALICE), 20));
        assert_ok!(Registry::unbond(RuntimeOrigin::signed(ALICE), 30));
        assert_noop!(Registry::unbond(RuntimeOrigin::signed(ALICE), 100), Error::<Test>::TooManyUnbondingChunks);
    });
}

#[test]
fn unbonding_everything_takes_the_worker_offline_and_withdrawing_removes_it() {
    test(|| {
        join(ALICE, vec![0, 1], 200);
        assert_ok!(Registry::unbond(RuntimeOrigin::signed(ALICE), 200));
        System::assert_last_event(Event::StatusChanged { who: ALICE, status: Status::Offline, effective_at: 5 }.into());
        assert_eq!(Workers::<Test>::get(ALICE).unwrap().status, Status::Offline);
        assert_noop!(Registry::go_online(RuntimeOrigin::signed(ALICE)), Error::<Test>::BelowMinStake);
        System::set_block_number(20);
        assert_ok!(Registry::withdraw_unbonded(RuntimeOrigin::signed(ALICE)));
        System::assert_last_event(Event::WorkerRemoved { who: ALICE }.into());
        assert!(Workers::<Test>::get(ALICE).is_none());
        assert!(ModelWorkers::<Test>::get(0).is_empty());
        assert_eq!(held(ALICE), 0);
        assert_eq!(Balances::free_balance(ALICE), 10_000);
    });
}

#[test]
fn going_offline_and_back_keeps_stake_and_progress() {
    test(|| {
        join(ALICE, vec![0], 500);
        qualify(ALICE, 0);
        let now = System::block_number();
        assert_ok!(Registry::go_offline(RuntimeOrigin::signed(ALICE)));
        System::assert_last_event(Event::StatusChanged { who: ALICE, status: Status::Offline, effective_at: now + 2 }.into());
        let serves = || <Registry as WorkerRegistry<u64, Balance>>::can_serve(&ALICE, 0, BOTH);
        assert!(serves(), "still drawn until the change takes effect");
        wait_for_the_draw();
        assert!(!serves());
        assert_noop!(Registry::go_offline(RuntimeOrigin::signed(ALICE)), Error::<Test>::AlreadyInStatus);
        assert_ok!(Registry::go_online(RuntimeOrigin::signed(ALICE)));
        assert!(!serves(), "back in the draw only after the activation delay");
        wait_for_the_draw();
        assert!(serves());
        assert_eq!(held(ALICE), 500);
        assert_noop!(Registry::go_online(RuntimeOrigin::signed(BOB)), Error::<Test>::NotRegistered);
    });
}

#[test]
fn a_slash_pays_the_named_beneficiary() {
    test(|| {
        join(ALICE, vec![0], 1_000);
        assert_eq!(slash(ALICE, 10, 0, Some(CLIENT)), 100);
        System::assert_last_event(Event::Slashed { who: ALICE, amount: 100, to: Some(CLIENT) }.into());
        assert_eq!(Balances::free_balance(CLIENT), 110);
        assert_eq!(held(ALICE), 900);
        assert_eq!(Workers::<Test>::get(ALICE).unwrap().bonded, 900);
    });
}

#[test]
fn a_slash_without_beneficiary_goes_to_the_destination_and_the_minimum_applies() {
    test(|| {
        join(ALICE, vec![0], 1_000);
        assert_eq!(slash(ALICE, 1, 50, None), 50);
        assert_eq!(Balances::free_balance(TREASURY), 60);
        System::assert_last_event(Event::Slashed { who: ALICE, amount: 50, to: Some(TREASURY) }.into());
    });
}

#[test]
fn a_slash_reaches_unbonding_stake_and_suspends_below_min_stake() {
    test(|| {
        join(ALICE, vec![0], 300);
        assert_ok!(<Registry as WorkerRegistry<u64, Balance>>::lock_stake(&ALICE, 100));
        assert_ok!(Registry::unbond(RuntimeOrigin::signed(ALICE), 150));
        // 150 bonded, 150 unbonding: a 60% slash takes 180, the bond and 30 more.
        assert_eq!(slash(ALICE, 60, 0, Some(CLIENT)), 180);
        let w = Workers::<Test>::get(ALICE).unwrap();
        assert_eq!((w.bonded, w.locked, w.status), (0, 0, Status::Suspended));
        assert_eq!(Unbonding::<Test>::get(ALICE)[0].amount, 120);
        assert_eq!(held(ALICE), 120);
        System::assert_last_event(Event::WorkerSuspended { who: ALICE }.into());
        assert!(!<Registry as WorkerRegistry<u64, Balance>>::can_serve(&ALICE, 0, BOTH));
        // Topping up brings it back, after the activation delay.
        let now = System::block_number();
        assert_ok!(Registry::bond_extra(RuntimeOrigin::signed(ALICE), 100));
        assert_eq!(Workers::<Test>::get(ALICE).unwrap().status, Status::Online);
        System::assert_last_event(Event::StatusChanged { who: ALICE, status: Status::Online, effective_at: now + 2 }.into());
        assert!(!<Registry as WorkerRegistry<u64, Balance>>::can_serve(&ALICE, 0, BOTH));
    });
}

#[test]
fn a_slash_without_any_destination_is_burnt() {
    test(|| {
        join(ALICE, vec![0], 1_000);
        SlashDestination::set(&None);
        let issuance = Balances::total_issuance();
        assert_eq!(slash(ALICE, 50, 0, None), 500);
        System::assert_last_event(Event::Slashed { who: ALICE, amount: 500, to: None }.into());
        assert_eq!(Balances::total_issuance(), issuance - 500);
        assert_eq!(held(ALICE), 500);
        // Nothing to take is not an error.
        assert_eq!(slash(ALICE, 0, 0, None), 0);
    });
}

#[test]
fn slashing_a_non_worker_fails() {
    test(|| {
        assert!(<Registry as Slash<u64, Balance>>::slash(&BOB, Perbill::one(), 0, None).is_err());
    });
}

#[test]
fn try_state_catches_a_bond_that_is_not_held() {
    new_test_ext().execute_with(|| {
        join(ALICE, vec![0], 500);
        Workers::<Test>::mutate(ALICE, |w| w.as_mut().unwrap().bonded = 400);
        assert!(Registry::do_try_state().is_err());
    });
}

#[test]
fn integrity_test_passes_for_the_mock() {
    new_test_ext().execute_with(|| {
        <Registry as frame_support::traits::Hooks<u64>>::integrity_test();
    });
}
