//! Tests of candidacy, membership, session planning and slashing.

use crate::{mock::*, *};
use polkadot_sdk::{
    frame_support::{
        assert_noop, assert_ok,
        traits::{fungible::InspectHold, Hooks},
    },
    sp_runtime::{DispatchError, Perbill},
    sp_staking::offence::{OffenceDetails, OnOffenceHandler},
};

fn held(who: AccountId) -> Balance {
    Balances::balance_on_hold(&HoldReason::ValidatorBond.into(), &who)
}

fn members() -> Vec<AccountId> {
    Members::<Test>::get().to_vec()
}

fn start(session: u32) {
    <Validators as pallet_session::SessionManager<_>>::start_session(session)
}

fn offence(who: AccountId, exposure: Balance, fraction: Perbill, session: u32) {
    let details = OffenceDetails { offender: (who, exposure), reporters: vec![9] };
    <Validators as OnOffenceHandler<_, _, _>>::on_offence(&[details], &[fraction], session);
}

#[test]
fn genesis_bonds_and_admits_its_validators() {
    test(|| {
        assert_eq!(members(), vec![1, 2, 3]);
        assert_eq!(held(1), 500);
        assert_eq!(Candidates::<Test>::get(1), Some(Candidate { bond: 500, leaving: None }));
        assert_eq!(
            <Validators as pallet_session::historical::SessionManager<_, _>>::new_session_genesis(0).unwrap(),
            vec![(1, 500), (2, 500), (3, 500)]
        );
    });
}

#[test]
fn bonding_makes_a_candidate_and_holds_the_bond() {
    test(|| {
        assert_ok!(Validators::bond(RuntimeOrigin::signed(4), 150));
        System::assert_last_event(Event::Bonded { who: 4, amount: 150, total: 150 }.into());
        assert_ok!(Validators::bond(RuntimeOrigin::signed(4), 50));
        System::assert_last_event(Event::Bonded { who: 4, amount: 50, total: 200 }.into());
        assert_eq!(held(4), 200);
        assert_eq!(Candidates::<Test>::get(4), Some(Candidate { bond: 200, leaving: None }));
        assert_eq!(members(), vec![1, 2, 3], "a bond alone admits nobody");
    });
}

#[test]
fn a_first_bond_below_the_minimum_is_refused() {
    test(|| {
        assert_noop!(Validators::bond(RuntimeOrigin::signed(4), 99), Error::<Test>::BondBelowMinimum);
        assert_noop!(Validators::bond(RuntimeOrigin::signed(4), 20_000), Error::<Test>::InsufficientBalance);
    });
}

#[test]
fn candidates_are_bounded() {
    test(|| {
        for who in 4..9 {
            assert_ok!(Validators::bond(RuntimeOrigin::signed(who), 100));
        }
        assert_eq!(Candidates::<Test>::count(), 8);
        assert_noop!(Validators::bond(RuntimeOrigin::signed(9), 100), Error::<Test>::TooManyCandidates);
    });
}

#[test]
fn only_the_admin_admits_and_removes() {
    test(|| {
        assert_ok!(Validators::bond(RuntimeOrigin::signed(4), 100));
        assert_noop!(Validators::add_validator(RuntimeOrigin::signed(4), 4), DispatchError::BadOrigin);
        assert_noop!(Validators::remove_validator(RuntimeOrigin::signed(1), 3), DispatchError::BadOrigin);
    });
}

#[test]
fn an_admitted_candidate_validates_from_the_session_after_next() {
    test(|| {
        CurrentSession::<Test>::put(7);
        assert_ok!(Validators::bond(RuntimeOrigin::signed(4), 100));
        assert_ok!(Validators::add_validator(RuntimeOrigin::root(), 4));
        System::assert_last_event(Event::ValidatorAdded { who: 4, from: 9 }.into());
        assert_eq!(members(), vec![1, 2, 3, 4]);
        // Session 7 ends: pallet-session plans session 9.
        let planned = <Validators as pallet_session::historical::SessionManager<_, _>>::new_session(9);
        assert_eq!(planned, Some(vec![(1, 500), (2, 500), (3, 500), (4, 100)]));
        System::assert_last_event(Event::SetPlanned { session: 9, validators: vec![1, 2, 3, 4] }.into());
        assert_eq!(<Validators as pallet_session::SessionManager<_>>::new_session(10), None, "an unchanged set is kept");
    });
}

#[test]
fn admission_needs_a_bonded_candidate_with_keys() {
    test(|| {
        assert_noop!(Validators::add_validator(RuntimeOrigin::root(), 4), Error::<Test>::NotCandidate);
        assert_ok!(Validators::bond(RuntimeOrigin::signed(7), 100));
        assert_noop!(Validators::add_validator(RuntimeOrigin::root(), 7), Error::<Test>::SessionKeysNotSet);
        assert_noop!(Validators::add_validator(RuntimeOrigin::root(), 1), Error::<Test>::AlreadyValidator);
        assert_ok!(Validators::bond(RuntimeOrigin::signed(5), 100));
        assert_ok!(Validators::leave(RuntimeOrigin::signed(5)));
        assert_noop!(Validators::add_validator(RuntimeOrigin::root(), 5), Error::<Test>::CandidateLeaving);
    });
}

#[test]
fn members_are_bounded() {
    test(|| {
        for who in 4..7 {
            assert_ok!(Validators::bond(RuntimeOrigin::signed(who), 100));
        }
        assert_ok!(Validators::add_validator(RuntimeOrigin::root(), 4));
        assert_ok!(Validators::add_validator(RuntimeOrigin::root(), 5));
        assert_noop!(Validators::add_validator(RuntimeOrigin::root(), 6), Error::<Test>::TooManyValidators);
    });
}

#[test]
fn removal_stops_at_the_minimum() {
    test(|| {
        assert_ok!(Validators::remove_validator(RuntimeOrigin::root(), 3));
        System::assert_last_event(Event::ValidatorRemoved { who: 3, from: 2 }.into());
        assert_eq!(members(), vec![1, 2]);
        assert_noop!(Validators::remove_validator(RuntimeOrigin::root(), 2), Error::<Test>::TooFewValidators);
        assert_noop!(Validators::remove_validator(RuntimeOrigin::root(), 3), Error::<Test>::NotValidator);
        assert_eq!(held(3), 500, "removal does not release the bond");
    });
}

#[test]
fn a_member_without_keys_is_not_planned() {
    test(|| {
        Keys::purge(2);
        let planned = <Validators as pallet_session::SessionManager<_>>::new_session(2);
        assert_eq!(planned, Some(vec![1, 3]));
        assert_eq!(members(), vec![1, 2, 3], "membership is governance's, keys are the member's");
    });
}

#[test]
fn leaving_keeps_the_bond_slashable_for_the_window() {
    test(|| {
        start(5);
        assert_ok!(Validators::leave(RuntimeOrigin::signed(3)));
        System::assert_last_event(Event::CandidacyEnded { who: 3, unlocks_at: 9 }.into());
        assert_eq!(members(), vec![1, 2]);
        assert_noop!(Validators::leave(RuntimeOrigin::signed(3)), Error::<Test>::CandidateLeaving);
        assert_noop!(Validators::bond(RuntimeOrigin::signed(3), 100), Error::<Test>::CandidateLeaving);
        start(8);
        assert_noop!(Validators::withdraw(RuntimeOrigin::signed(3)), Error::<Test>::StillBonded);
        // An equivocation in its last session still costs it.
        offence(3, 500, Perbill::from_percent(10), 6);
        assert_eq!(held(3), 450);
        start(9);
        assert_ok!(Validators::withdraw(RuntimeOrigin::signed(3)));
        System::assert_last_event(Event::BondWithdrawn { who: 3, amount: 450 }.into());
        assert_eq!(held(3), 0);
        assert_eq!(Balances::free_balance(3), 9_950);
        assert_eq!(Candidates::<Test>::get(3), None);
    });
}

#[test]
fn withdraw_needs_a_left_candidacy() {
    test(|| {
        assert_noop!(Validators::withdraw(RuntimeOrigin::signed(4)), Error::<Test>::NotCandidate);
        assert_noop!(Validators::withdraw(RuntimeOrigin::signed(1)), Error::<Test>::NotLeaving);
    });
}

#[test]
fn leaving_stops_at_the_minimum_too() {
    test(|| {
        assert_ok!(Validators::leave(RuntimeOrigin::signed(3)));
        assert_noop!(Validators::leave(RuntimeOrigin::signed(2)), Error::<Test>::TooFewValidators);
    });
}

#[test]
fn an_offender_is_slashed_disabled_and_removed() {
    test(|| {
        start(3);
        offence(2, 500, Perbill::from_percent(90), 3);
        System::assert_has_event(Event::ValidatorRemoved { who: 2, from: 5 }.into());
        System::assert_last_event(
            Event::ValidatorSlashed { who: 2, amount: 450, fraction: Perbill::from_percent(90), session: 3 }.into(),
        );
        assert_eq!(held(2), 50);
        assert_eq!(Candidates::<Test>::get(2).unwrap().bond, 50);
        assert_eq!(members(), vec![1, 3]);
        assert_eq!(disabled(), vec![(2, Perbill::from_percent(90))]);
        assert_eq!(polkadot_sdk::pallet_balances::TotalIssuance::<Test>::get(), 90_000 - 450, "the slash is burnt");
        // Its bond is now below what admission asks.
        assert_noop!(Validators::add_validator(RuntimeOrigin::root(), 2), Error::<Test>::BondBelowMinimumAfterSlash);
    });
}

#[test]
fn a_repeated_report_slashes_only_the_increase() {
    test(|| {
        offence(1, 500, Perbill::from_percent(10), 0);
        assert_eq!(held(1), 450);
        offence(1, 500, Perbill::from_percent(10), 0);
        assert_eq!(held(1), 450, "the same fraction again takes nothing");
        offence(1, 500, Perbill::from_percent(30), 0);
        assert_eq!(held(1), 350, "a larger fraction takes the difference");
        offence(1, 500, Perbill::from_percent(10), 1);
        assert_eq!(held(1), 300, "another session is another offence");
    });
}

#[test]
fn an_offender_at_the_minimum_is_slashed_but_kept() {
    test(|| {
        assert_ok!(Validators::remove_validator(RuntimeOrigin::root(), 3));
        offence(1, 500, Perbill::from_percent(50), 0);
        assert_eq!(held(1), 250);
        assert_eq!(members(), vec![1, 2]);
        assert_eq!(disabled(), vec![(1, Perbill::from_percent(50))]);
    });
}

#[test]
fn a_new_session_forgets_what_is_past_the_window() {
    test(|| {
        SlashedInSession::<Test>::insert(2, 1, Perbill::from_percent(5));
        start(5);
        assert_eq!(pruned_up_to(), Some(1));
        assert!(SlashedInSession::<Test>::get(2, 1).is_some());
        start(6);
        assert_eq!(pruned_up_to(), Some(2));
        assert_eq!(SlashedInSession::<Test>::get(2, 1), None);
        assert_eq!(CurrentSession::<Test>::get(), 6);
    });
}

#[test]
fn slash_amount_takes_the_fraction_less_what_was_taken_capped_at_what_is_held() {
    let p = Perbill::from_percent;
    // (fraction, already, exposure, held) -> slash
    let cases: [(Perbill, Perbill, u64, u64, u64); 6] = [
        (p(10), p(0), 1_000, 1_000, 100),
        (p(10), p(10), 1_000, 1_000, 0),
        (p(10), p(30), 1_000, 1_000, 0),
        (p(30), p(10), 1_000, 1_000, 200),
        (p(100), p(0), 1_000, 400, 400),
        (p(0), p(0), 1_000, 1_000, 0),
    ];
    for (fraction, already, exposure, held, want) in cases {
        assert_eq!(slash_amount(fraction, already, exposure, held), want, "{fraction:?} {already:?} {exposure} {held}");
    }
}

#[test]
fn try_state_catches_a_bond_that_is_not_held() {
    new_test_ext().execute_with(|| {
        Candidates::<Test>::insert(1, Candidate { bond: 600, leaving: None });
        assert!(Validators::do_try_state().is_err());
    });
}

#[test]
fn integrity_test_passes_for_the_mock() {
    new_test_ext().execute_with(|| {
        <Validators as Hooks<u64>>::integrity_test();
    });
}
