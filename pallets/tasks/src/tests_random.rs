//! Randomized lifecycles: workers with fixed behaviours, clients submitting
//! and cancelling at random, seats acting late or not at all. After every
//! block every pallet's invariants are checked (in `next_block`); at the end
//! every task has finished exactly once, no token was created or lost, only
//! accepted tasks cost anything and never more than the price, and the client's
//! balance moved by exactly what the tasks paid.

use crate::{drive::*, mock::*, *};
use frame_support::traits::fungible::Inspect;
use proptest::prelude::*;

#[derive(Clone, Copy, Debug)]
enum Behaviour {
    Honest,
    /// Computes (or posts) an output far from the truth.
    Liar,
    /// Never commits.
    Absent,
    /// Commits, never reveals.
    Silent,
}

fn behaviour() -> impl Strategy<Value = Behaviour> {
    prop_oneof![
        4 => Just(Behaviour::Honest),
        1 => Just(Behaviour::Liar),
        1 => Just(Behaviour::Absent),
        1 => Just(Behaviour::Silent),
    ]
}

#[derive(Clone, Debug)]
enum Action {
    Submit {
        fee_extra: u64,
        deadline: u64,
    },
    Cancel(u8),
    /// Each seat that acts this block does so with this chance, in percent.
    Block {
        eagerness: u8,
    },
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        2 => (0u64..100, 30u64..120).prop_map(|(fee_extra, deadline)| Action::Submit { fee_extra, deadline }),
        1 => any::<u8>().prop_map(Action::Cancel),
        6 => (20u8..=100).prop_map(|eagerness| Action::Block { eagerness }),
    ]
}

/// The output a worker computes: the honest one, or its own wrong one.
fn output_by(b: Behaviour, who: AccountId) -> [f32; 4] {
    match b {
        Behaviour::Liar => [who as f32; 4],
        _ => HONEST,
    }
}

/// Lets every seat of every running task act as its behaviour says, each
/// with `eagerness` percent chance this block.
fn act(behaviours: &[Behaviour; 6], eagerness: u8, coin: &mut impl FnMut() -> u8) {
    // A phase whose period ran out waits for its deadline entry, which may lag
    // when many fall due together; calls are refused meanwhile.
    let now = System::block_number();
    let open: Vec<TaskId> = Tasks::<Test>::iter()
        .filter(|(_, t)| match t.phase {
            Phase::Execute { until } | Phase::Check { until } | Phase::Reveal { until } | Phase::Vote { until } => now < until,
            _ => false,
        })
        .map(|(id, _)| id)
        .collect();
    for task in open {
        for i in 0..4 {
            let info = Tasks::<Test>::get(task).unwrap();
            if !info.phase.is_running() || coin() % 100 >= eagerness {
                continue;
            }
            let attempt = info.attempts.last().unwrap();
            let seat = &attempt.seats[i];
            let who = seat.who;
            let b = behaviours[WORKERS.iter().position(|w| *w == who).unwrap()];
            let mine = output_by(b, who);
            match (info.phase, i, b) {
                (_, _, Behaviour::Absent) => {},
                (Phase::Execute { .. }, 0, _) if seat.commit.is_none() => commit_answer(task, &output(mine)),
                (Phase::Check { .. }, 1..=3, _) if seat.commit.is_none() => commit_fp(task, i, &fp_of(task, mine)),
                (_, _, Behaviour::Silent) => {},
                (Phase::Reveal { .. }, 0, _) if attempt.posted.is_none() && seat.commit.is_some() => {
                    reveal_answer(task, &output(mine))
                },
                (Phase::Vote { .. }, 1..=3, _) if seat.commit.is_some() && seat.reveal.is_none() => {
                    let posted = TriadTasks::task_view(task)
                        .unwrap()
                        .outputs
                        .iter()
                        .find(|(a, _)| *a as usize == info.attempts.len() - 1)
                        .map(|(_, o)| o.clone().into_inner());
                    let matches = posted == Some(output_of(mine));
                    vote(task, i, &fp_of(task, mine), if matches { Vote::Match } else { Vote::Mismatch });
                },
                _ => {},
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]

    #[test]
    fn escrow_never_leaks_and_every_task_ends(
        behaviours in proptest::array::uniform6(behaviour()),
        actions in proptest::collection::vec(action(), 1..60),
        seed in any::<u64>(),
    ) {
        new_test_ext().execute_with(|| {
            WORKERS.iter().for_each(|w| worker(*w));
            let mut state = seed;
            let mut coin = move || {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (state >> 33) as u8
            };
            let total = Balances::total_issuance();
            let client_start = Balances::total_balance(&CLIENT);
            for a in actions {
                match a {
                    Action::Submit { fee_extra, deadline } => {
                        let now = System::block_number();
                        let _ = TriadTasks::submit_task(
                            RuntimeOrigin::signed(CLIENT), MODEL, InputArg::Inline(input()),
                            PRICE + fee_extra, Mode::Lsh, now + deadline,
                        );
                    },
                    Action::Cancel(k) => {
                        let n = NextTaskId::<Test>::get();
                        if n > 0 {
                            let _ = TriadTasks::cancel_task(RuntimeOrigin::signed(CLIENT), k as u64 % n);
                        }
                    },
                    Action::Block { eagerness } => {
                        act(&behaviours, eagerness, &mut coin);
                        next_block();
                    },
                }
            }
            // Let everything run out: the longest deadline plus the lag.
            let end = System::block_number() + 200 + 30;
            while System::block_number() < end {
                act(&behaviours, 100, &mut coin);
                next_block();
            }
            for (_, info) in Tasks::<Test>::iter() {
                prop_assert!(matches!(info.phase, Phase::Done { .. }), "task still open: {:?}", info);
            }
            let finished: Vec<(Resolution, Balance)> = events()
                .into_iter()
                .filter_map(|e| if let Event::TaskFinished { resolution, paid, .. } = e { Some((resolution, paid)) } else { None })
                .collect();
            prop_assert_eq!(finished.len() as u64, NextTaskId::<Test>::get(), "every task finished exactly once");
            for (resolution, paid) in &finished {
                // Only an accepted result costs anything, and never more than the price.
                let most = if matches!(resolution, Resolution::Accepted | Resolution::CannotRun) { PRICE } else { 0 };
                prop_assert!(*paid <= most, "{:?} task paid {}", resolution, paid);
            }
            let paid: Balance = finished.iter().map(|(_, p)| p).sum();
            prop_assert_eq!(Balances::total_issuance(), total, "slashes go to the treasury, never burnt here");
            prop_assert_eq!(Balances::total_balance(&CLIENT), client_start - paid);
            prop_assert!(Queue::<Test>::get().is_empty());
            prop_assert_eq!(Assigned::<Test>::iter().count(), 0);
            check();
            Ok(())
        })?;
    }
}
