//! Tests of the reputation score: each outcome, decay, the selection cap.

use crate::{mock::*, *};
use polkadot_sdk::frame_support::traits::Hooks;

type Rep = crate::Pallet<Test>;

/// The model most tests record outcomes on.
const MODEL: ModelId = 3;

fn record(who: u64, outcome: Outcome) {
    <Rep as Reputation<u64, u64>>::record_outcome(&who, MODEL, outcome);
}

fn score(who: u64) -> Perbill {
    <Rep as Reputation<u64, u64>>::score_of(&who, MODEL)
}

#[test]
fn a_newcomer_has_the_prior_score_and_no_storage() {
    test(|| {
        assert_eq!(score(1), Perbill::from_percent(50));
        assert!(Standings::<Test>::get(1, MODEL).is_none());
    });
}

#[test]
fn agreeing_with_the_majority_raises_the_score() {
    test(|| {
        record(1, Outcome::AgreedWithMajority);
        let s = Standings::<Test>::get(1, MODEL).unwrap();
        assert_eq!((s.alpha, s.beta, s.tasks, s.updated), (3_000, 2_000, 1, 1));
        assert_eq!(score(1), Perbill::from_percent(60));
        System::assert_last_event(
            Event::OutcomeRecorded {
                who: 1,
                model: MODEL,
                outcome: Outcome::AgreedWithMajority,
                alpha: 3_000,
                beta: 2_000,
                score: Perbill::from_percent(60),
            }
            .into(),
        );
    });
}

#[test]
fn a_rejected_minority_costs_far_more_than_an_agreement_earns() {
    test(|| {
        for _ in 0..8 {
            record(1, Outcome::AgreedWithMajority);
        }
        assert_eq!(score(1), Perbill::from_rational(10u32, 12u32));
        record(1, Outcome::RejectedMinority);
        // 10 / (10 + 12): one fault undoes eight agreements and more.
        assert_eq!(score(1), Perbill::from_rational(10u32, 22u32));
        assert!(score(1) < Perbill::from_percent(50));
        let s = Standings::<Test>::get(1, MODEL).unwrap();
        assert_eq!((s.alpha, s.beta, s.tasks), (10_000, 12_000, 9));
    });
}

#[test]
fn a_no_show_lowers_the_score_less_than_a_rejected_minority() {
    test(|| {
        record(1, Outcome::NoShow);
        record(2, Outcome::RejectedMinority);
        assert_eq!(score(1), Perbill::from_rational(2u32, 7u32));
        assert!(score(2) < score(1));
        System::assert_has_event(
            Event::OutcomeRecorded {
                who: 1,
                model: MODEL,
                outcome: Outcome::NoShow,
                alpha: 2_000,
                beta: 5_000,
                score: Perbill::from_rational(2u32, 7u32),
            }
            .into(),
        );
    });
}

#[test]
fn an_inconclusive_task_is_counted_but_moves_nothing() {
    test(|| {
        record(1, Outcome::Inconclusive);
        let s = Standings::<Test>::get(1, MODEL).unwrap();
        assert_eq!((s.alpha, s.beta, s.tasks), (2_000, 2_000, 1));
        assert_eq!(score(1), Perbill::from_percent(50));
    });
}

#[test]
fn evidence_above_the_prior_decays_by_whole_periods() {
    test(|| {
        for _ in 0..4 {
            record(1, Outcome::AgreedWithMajority);
        }
        assert_eq!(Rep::standing(&1, MODEL).alpha, 6_000);
        // Nine blocks later: not yet a whole period.
        System::set_block_number(10);
        assert_eq!(Rep::standing(&1, MODEL).alpha, 6_000);
        // One period: half of the 4_000 above the prior is kept.
        System::set_block_number(11);
        assert_eq!(Rep::standing(&1, MODEL).alpha, 4_000);
        // Three periods: an eighth.
        System::set_block_number(31);
        let s = Rep::standing(&1, MODEL);
        assert_eq!((s.alpha, s.updated), (2_500, 31));
        // Recording applies the decay before the outcome.
        record(1, Outcome::NoShow);
        let s = Standings::<Test>::get(1, MODEL).unwrap();
        assert_eq!((s.alpha, s.beta, s.updated), (2_500, 5_000, 31));
        // Long enough and the worker is a newcomer again.
        System::set_block_number(100_000);
        assert_eq!(score(1), Perbill::from_percent(50));
    });
}

#[test]
fn decay_does_not_depend_on_how_often_it_is_applied() {
    test(|| {
        record(1, Outcome::AgreedWithMajority);
        record(2, Outcome::AgreedWithMajority);
        record(1, Outcome::AgreedWithMajority);
        record(2, Outcome::AgreedWithMajority);
        // Worker 1 is touched at block 15, in the middle of a period; worker 2 is not.
        System::set_block_number(15);
        record(1, Outcome::Inconclusive);
        System::set_block_number(25);
        assert_eq!(Rep::standing(&1, MODEL).alpha, Rep::standing(&2, MODEL).alpha);
        assert_eq!(Rep::standing(&1, MODEL).updated, 21);
    });
}

#[test]
fn selection_weight_is_capped_stake_times_score() {
    test(|| {
        let weight = |who: u64, stake: u64| <Rep as Reputation<u64, u64>>::selection_weight(&who, MODEL, stake);
        assert_eq!(weight(1, 600), 300);
        // Stake past the cap buys nothing more.
        assert_eq!(weight(1, 1_000), 500);
        assert_eq!(weight(1, 1_000_000), 500);
        record(2, Outcome::RejectedMinority);
        assert!(weight(2, 1_000_000) < weight(1, 1_000));
        assert_eq!(weight(1, 0), 0);
    });
}

#[test]
fn standing_earned_on_one_model_weighs_nothing_on_another() {
    test(|| {
        // Sybils serving each other on a private model farm score there...
        for _ in 0..50 {
            <Rep as Reputation<u64, u64>>::record_outcome(&7, 99, Outcome::AgreedWithMajority);
        }
        assert!(<Rep as Reputation<u64, u64>>::score_of(&7, 99) > Perbill::from_percent(90));
        // ...and start from the prior on every other model.
        assert_eq!(score(7), Perbill::from_percent(50));
        assert_eq!(
            <Rep as Reputation<u64, u64>>::selection_weight(&7, MODEL, 600),
            <Rep as Reputation<u64, u64>>::selection_weight(&8, MODEL, 600)
        );
        assert!(Standings::<Test>::get(7, MODEL).is_none());
        System::assert_last_event(
            Event::OutcomeRecorded {
                who: 7,
                model: 99,
                outcome: Outcome::AgreedWithMajority,
                alpha: Rep::standing(&7, 99).alpha,
                beta: 2_000,
                score: <Rep as Reputation<u64, u64>>::score_of(&7, 99),
            }
            .into(),
        );
    });
}

#[test]
fn try_state_catches_evidence_below_the_prior() {
    new_test_ext().execute_with(|| {
        record(1, Outcome::AgreedWithMajority);
        Standings::<Test>::mutate(1, MODEL, |s| s.as_mut().unwrap().beta = 1);
        assert!(Rep::do_try_state().is_err());
    });
}

#[test]
fn integrity_test_passes_for_the_mock() {
    new_test_ext().execute_with(|| <Rep as Hooks<u64>>::integrity_test());
}
