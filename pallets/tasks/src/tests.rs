//! Unit tests of the task lifecycle: each asserts the events and the storage,
//! and `test_with` checks every pallet's invariants at the end.

use crate::{mock::*, *};
use frame_support::{
    assert_noop, assert_ok,
    traits::{fungible::InspectHold, Hooks},
};
use sp_runtime::Perbill;
use triad_primitives::Fingerprint;
use triad_verifier::Outcome;

const FEE: Balance = 150;
const OUTPUT: &[u8] = b"the output";

fn submit() -> TaskId {
    let deadline = System::block_number() + 30;
    assert_ok!(TriadTasks::submit_task(RuntimeOrigin::signed(CLIENT), MODEL, InputArg::Inline(vec![1, 2, 3]), FEE, Mode::Lsh, deadline));
    NextTaskId::<Test>::get() - 1
}

/// Runs the blocks until a task queued now is drawn.
fn draw() {
    for _ in 0..DRAW_DELAY {
        next_block();
    }
}

fn current(task: TaskId) -> [Seat<AccountId, Balance>; 4] {
    Tasks::<Test>::get(task).unwrap().attempts.last().unwrap().seats.clone()
}

fn seats(task: TaskId) -> [AccountId; 4] {
    current(task).map(|s| s.who)
}

fn salt(who: AccountId) -> [u8; 32] {
    [who as u8; 32]
}

fn commit(task: TaskId, seat: usize, fingerprint: &Fingerprint) {
    let who = seats(task)[seat];
    let output = (seat == 0).then(|| *blake3::hash(OUTPUT).as_bytes());
    let c = reveal_commitment(fingerprint, &salt(who), &who, task);
    assert_ok!(TriadTasks::commit(RuntimeOrigin::signed(who), task, c, output));
}

fn reveal(task: TaskId, seat: usize, fingerprint: &Fingerprint) {
    let who = seats(task)[seat];
    let output = (seat == 0).then(|| OUTPUT.to_vec());
    assert_ok!(TriadTasks::reveal(RuntimeOrigin::signed(who), task, *fingerprint, salt(who), output));
}

/// Drives one attempt: every seat with a fingerprint commits, then reveals.
fn run_attempt(task: TaskId, fps: [Option<Fingerprint>; 4]) -> [AccountId; 4] {
    let who = seats(task);
    for (i, f) in fps.iter().enumerate() {
        if let Some(f) = f {
            commit(task, i, f);
        }
    }
    if fps.iter().any(|f| f.is_none()) {
        let Phase::Commit { until } = Tasks::<Test>::get(task).unwrap().phase else { panic!("still committing") };
        run_to(until);
    }
    for (i, f) in fps.iter().enumerate() {
        if let Some(f) = f {
            reveal(task, i, f);
        }
    }
    who
}

fn held(who: AccountId) -> Balance {
    Balances::balance_on_hold(&HoldReason::TaskEscrow.into(), &who)
}

fn score(who: AccountId) -> Perbill {
    <mock::Reputation as triad_primitives::Reputation<_, _>>::score_of(&who)
}

fn bond(who: AccountId) -> Balance {
    pallet_triad_workers::Workers::<Test>::get(who).unwrap().bonded
}

#[test]
fn submit_holds_the_fee_and_queues_the_task() {
    test_with(4, || {
        let task = submit();
        assert_eq!(task, 0);
        assert_eq!(held(CLIENT), FEE);
        assert_eq!(Queue::<Test>::get().into_inner(), vec![0]);
        let info = Tasks::<Test>::get(0).unwrap();
        assert_eq!((info.escrow, info.price, info.phase), (FEE, PRICE, Phase::Queued));
        assert_eq!(Inputs::<Test>::get(0), Some(TaskInput::Inline(vec![1, 2, 3].try_into().unwrap())));
        assert_eq!(
            events(),
            vec![Event::TaskSubmitted { task: 0, client: CLIENT, model: MODEL, escrow: FEE, price: PRICE, deadline: 31 }]
        );
    });
}

#[test]
fn submit_refuses_bad_jobs_with_typed_errors() {
    test_with(4, || {
        let at = |model, input, fee, mode, deadline| {
            TriadTasks::submit_task(RuntimeOrigin::signed(CLIENT), model, input, fee, mode, deadline)
        };
        let ok_input = || InputArg::Inline(vec![1]);
        assert_noop!(at(DEPRECATED, ok_input(), FEE, Mode::Lsh, 30), Error::<Test>::ModelNotActive);
        assert_noop!(at(42, ok_input(), FEE, Mode::Lsh, 30), Error::<Test>::ModelNotActive);
        assert_noop!(at(MODEL, ok_input(), FEE, Mode::Groth16, 30), Error::<Test>::ModeNotSupported);
        assert_noop!(at(MODEL, ok_input(), FEE, Mode::Tee, 30), Error::<Test>::ModeNotSupported);
        assert_noop!(at(GROTH_ONLY, ok_input(), FEE, Mode::Lsh, 30), Error::<Test>::ModeNotAllowed);
        assert_noop!(at(MODEL, ok_input(), PRICE - 1, Mode::Lsh, 30), Error::<Test>::FeeBelowPrice);
        assert_noop!(at(MODEL, InputArg::Inline(vec![0; 65]), FEE, Mode::Lsh, 30), Error::<Test>::InputTooLarge);
        assert_noop!(at(MODEL, InputArg::Inline(vec![]), FEE, Mode::Lsh, 30), Error::<Test>::EmptyInput);
        let big = InputArg::Offchain { hash: [1; 32], size: 1_000_001 };
        assert_noop!(at(MODEL, big, FEE, Mode::Lsh, 30), Error::<Test>::InputTooLarge);
        // Block 1: two blocks until the draw, three to commit, three to reveal.
        assert_noop!(at(MODEL, ok_input(), FEE, Mode::Lsh, 8), Error::<Test>::DeadlineTooSoon);
        assert_noop!(at(MODEL, ok_input(), FEE, Mode::Lsh, 102), Error::<Test>::DeadlineTooFar);
        assert_noop!(at(MODEL, ok_input(), START, Mode::Lsh, 30), Error::<Test>::InsufficientBalance);
        assert_ok!(at(MODEL, InputArg::Offchain { hash: [1; 32], size: 1_000_000 }, FEE, Mode::Lsh, 9));
        for _ in 1..16 {
            assert_ok!(at(MODEL, ok_input(), PRICE, Mode::Lsh, 30));
        }
        assert_noop!(at(MODEL, ok_input(), PRICE, Mode::Lsh, 30), Error::<Test>::QueueFull);
    });
}

#[test]
fn a_later_block_draws_four_distinct_workers_and_locks_their_stake() {
    test_with(6, || {
        worker_also_client();
        let task = submit();
        next_block();
        assert_eq!(Tasks::<Test>::get(task).unwrap().phase, Phase::Queued, "never from randomness known at inclusion");
        next_block();
        let info = Tasks::<Test>::get(task).unwrap();
        assert_eq!(info.phase, Phase::Commit { until: 3 + COMMIT });
        let who = seats(task);
        let mut sorted = who.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 4, "seats are distinct");
        assert!(!who.contains(&CLIENT), "the client never sits");
        for (i, w) in who.iter().enumerate() {
            let role = Role::of_seat(i);
            assert_eq!(Assigned::<Test>::get(w, task), Some(role));
            assert_eq!(TriadTasks::tasks_of(w), vec![(task, role)]);
            assert_eq!(<Workers as triad_primitives::WorkerRegistry<_, _>>::free_stake(w), BOND - SEAT_STAKE);
        }
        assert!(Queue::<Test>::get().is_empty());
        assert!(events().contains(&Event::TaskAssigned {
            task,
            attempt: 0,
            executor: who[0],
            verifiers: [who[1], who[2], who[3]],
            commit_until: 3 + COMMIT,
        }));
    });
}

/// Makes the client a registered worker too, so the draw must skip it.
fn worker_also_client() {
    worker(CLIENT);
}

#[test]
fn without_randomness_the_draw_waits() {
    test_with(4, || {
        let task = submit();
        set_randomness(false);
        draw();
        assert_eq!(Tasks::<Test>::get(task).unwrap().phase, Phase::Queued);
        set_randomness(true);
        next_block();
        assert!(matches!(Tasks::<Test>::get(task).unwrap().phase, Phase::Commit { .. }));
    });
}

#[test]
fn too_few_workers_wait_then_refund_before_the_deadline() {
    test_with(3, || {
        let task = submit();
        let before = Balances::free_balance(CLIENT);
        // The last block that can still fit a commit and a reveal is 31 - 6.
        run_to(25);
        assert_eq!(Tasks::<Test>::get(task).unwrap().phase, Phase::Queued);
        next_block();
        let info = Tasks::<Test>::get(task).unwrap();
        assert_eq!(info.phase, Phase::Done { resolution: Resolution::Unassigned, at: 26 });
        assert_eq!((info.refunded, held(CLIENT)), (FEE, 0));
        assert_eq!(Balances::free_balance(CLIENT), before + FEE);
        assert!(events().contains(&Event::TaskFinished {
            task,
            resolution: Resolution::Unassigned,
            paid: 0,
            refunded: FEE
        }));
    });
}

#[test]
fn an_honest_task_pays_the_seats_and_refunds_the_rest() {
    test_with(4, || {
        let task = submit();
        draw();
        let client_before = Balances::free_balance(CLIENT);
        // Honest noise: within the tolerance of 12 bits of each other.
        let who = run_attempt(task, [Some(fp(0)), Some(fp(3)), Some(fp(5)), Some(fp(2))]);
        let free: Vec<Balance> = who.iter().map(|w| Balances::free_balance(w)).collect();
        assert_eq!(free, vec![START - BOND + 40, START - BOND + 20, START - BOND + 20, START - BOND + 20]);
        assert_eq!(Balances::free_balance(CLIENT), client_before + FEE - PRICE);
        let info = Tasks::<Test>::get(task).unwrap();
        assert_eq!(info.phase, Phase::Done { resolution: Resolution::Accepted, at: 3 });
        assert_eq!((info.paid(), info.refunded), (PRICE, FEE - PRICE));
        let attempt = info.attempts.last().unwrap();
        assert_eq!(attempt.verdict.unwrap().outcome, Outcome::Accepted);
        assert_eq!(attempt.output_hash, Some(*blake3::hash(OUTPUT).as_bytes()));
        assert_eq!(Outputs::<Test>::get(task).unwrap().into_inner(), OUTPUT.to_vec());
        for w in who {
            assert_eq!(<Workers as triad_primitives::WorkerRegistry<_, _>>::free_stake(&w), BOND, "stake unlocked");
            assert!(score(w) > Perbill::from_percent(50));
            assert!(Assigned::<Test>::get(w, task).is_none());
        }
        let ev = events();
        assert!(ev.contains(&Event::RevealStarted { task, until: 3 + REVEAL }));
        assert!(ev.contains(&Event::WorkerPaid { task, who: who[0], amount: 40 }));
        assert!(ev.contains(&Event::TaskFinished { task, resolution: Resolution::Accepted, paid: PRICE, refunded: 50 }));
    });
}

#[test]
fn a_lying_executor_is_slashed_pays_the_catchers_and_the_task_reruns() {
    test_with(5, || {
        let task = submit();
        draw();
        let client_before = Balances::free_balance(CLIENT);
        let treasury_before = Balances::free_balance(TREASURY);
        let who = run_attempt(task, [Some(fp(200)), Some(fp(0)), Some(fp(1)), Some(fp(2))]);
        // Bounties of 20 to each catcher, then half of what is left.
        let after_bounties = BOND - 60;
        assert_eq!(bond(who[0]), after_bounties - after_bounties / 2);
        for v in &who[1..] {
            assert_eq!(Balances::free_balance(v), START - BOND + 20);
        }
        assert_eq!(Balances::free_balance(TREASURY), treasury_before + after_bounties / 2);
        assert_eq!(held(CLIENT), FEE, "the escrow waits for the re-run");
        assert_eq!(Balances::free_balance(CLIENT), client_before);
        assert!(score(who[0]) < score(who[1]));
        let info = Tasks::<Test>::get(task).unwrap();
        assert_eq!(info.phase, Phase::Queued);
        assert_eq!(info.attempts[0].seats[0].slashed, 60 + after_bounties / 2);
        assert_eq!(info.attempts[0].seats[1].bounty, 20);
        let ev = events();
        assert!(ev.contains(&Event::BountyPaid { task, who: who[1], amount: 20 }));
        assert!(ev.contains(&Event::WorkerSlashed {
            task,
            who: who[0],
            amount: 60 + after_bounties / 2,
            reason: SlashReason::RejectedResult
        }));
        assert!(ev.contains(&Event::TaskRequeued { task, attempts: 1 }));

        draw();
        let rerun = seats(task);
        assert!(!rerun.contains(&who[0]), "the caught executor is not drawn again");
        run_attempt(task, [Some(fp(0)); 4]);
        let info = Tasks::<Test>::get(task).unwrap();
        assert_eq!(info.phase, Phase::Done { resolution: Resolution::Accepted, at: 5 });
        assert_eq!(Balances::free_balance(CLIENT), client_before + FEE - PRICE, "only the accepted result is paid");
    });
}

#[test]
fn a_minority_verifier_is_slashed_lightly_and_its_share_refunded() {
    test_with(4, || {
        let task = submit();
        draw();
        let client_before = Balances::free_balance(CLIENT);
        let who = run_attempt(task, [Some(fp(0)), Some(fp(0)), Some(fp(300)), Some(fp(1))]);
        assert_eq!(bond(who[2]), BOND - BOND / 10);
        assert_eq!(Balances::free_balance(who[2]), START - BOND);
        assert_eq!(Balances::free_balance(CLIENT), client_before + FEE - 80);
        assert_eq!(Tasks::<Test>::get(task).unwrap().refunded, FEE - 80);
        assert!(events().contains(&Event::WorkerSlashed { task, who: who[2], amount: BOND / 10, reason: SlashReason::Minority }));
    });
}

#[test]
fn an_absent_verifier_is_slashed_and_the_rest_settle_without_it() {
    test_with(4, || {
        let task = submit();
        draw();
        let who = run_attempt(task, [Some(fp(0)), Some(fp(0)), None, Some(fp(0))]);
        let info = Tasks::<Test>::get(task).unwrap();
        // The commit period ran out; the three reveals then settled it.
        assert_eq!(info.phase, Phase::Done { resolution: Resolution::Accepted, at: 3 + COMMIT });
        assert_eq!(bond(who[2]), BOND - BOND / 20);
        assert_eq!(info.paid(), 80);
        assert!(events().contains(&Event::WorkerSlashed { task, who: who[2], amount: BOND / 20, reason: SlashReason::NoShow }));
    });
}

#[test]
fn a_committed_seat_that_never_reveals_is_a_no_show() {
    test_with(4, || {
        let task = submit();
        draw();
        let who = seats(task);
        for i in 0..4 {
            commit(task, i, &fp(0));
        }
        reveal(task, 0, &fp(0));
        reveal(task, 1, &fp(0));
        reveal(task, 3, &fp(0));
        run_to(3 + REVEAL);
        let info = Tasks::<Test>::get(task).unwrap();
        assert_eq!(info.phase, Phase::Done { resolution: Resolution::Accepted, at: 3 + REVEAL });
        assert_eq!(bond(who[2]), BOND - BOND / 20);
        // A late reveal is refused: the task is over.
        assert_noop!(
            TriadTasks::reveal(RuntimeOrigin::signed(who[2]), task, fp(0), salt(who[2]), None),
            Error::<Test>::NotRevealing
        );
    });
}

#[test]
fn nobody_showing_up_ends_inconclusive_and_refunds_in_bounded_time() {
    test_with(6, || {
        let task = submit();
        let deadline = Tasks::<Test>::get(task).unwrap().deadline;
        while !matches!(Tasks::<Test>::get(task).unwrap().phase, Phase::Done { .. }) {
            assert!(System::block_number() <= deadline, "finished by the deadline");
            next_block();
        }
        let info = Tasks::<Test>::get(task).unwrap();
        assert!(matches!(info.phase, Phase::Done { resolution: Resolution::Inconclusive, at } if at <= deadline));
        assert_eq!(info.attempts.len(), 3, "MaxAttempts draws");
        assert_eq!((info.refunded, held(CLIENT)), (FEE, 0));
        for a in info.attempts.iter() {
            assert!(a.seats.iter().all(|s| s.slashed > 0 && s.reveal.is_none()));
        }
    });
}

#[test]
fn commits_and_reveals_refuse_what_does_not_fit() {
    test_with(4, || {
        let task = submit();
        let outsider = 2;
        assert_noop!(TriadTasks::commit(RuntimeOrigin::signed(outsider), task, [0; 32], None), Error::<Test>::NotCommitting);
        draw();
        let who = seats(task);
        assert_noop!(TriadTasks::commit(RuntimeOrigin::signed(outsider), task, [0; 32], None), Error::<Test>::NotAssigned);
        assert_noop!(TriadTasks::commit(RuntimeOrigin::signed(who[0]), task, [0; 32], None), Error::<Test>::OutputHashMissing);
        assert_noop!(TriadTasks::commit(RuntimeOrigin::signed(who[1]), task, [0; 32], Some([0; 32])), Error::<Test>::NotExecutor);
        assert_noop!(TriadTasks::commit(RuntimeOrigin::signed(who[1]), 77, [0; 32], None), Error::<Test>::UnknownTask);
        commit(task, 1, &fp(0));
        assert_noop!(TriadTasks::commit(RuntimeOrigin::signed(who[1]), task, [0; 32], None), Error::<Test>::AlreadyCommitted);
        assert_noop!(
            TriadTasks::reveal(RuntimeOrigin::signed(who[1]), task, fp(0), salt(who[1]), None),
            Error::<Test>::NotRevealing
        );
        commit(task, 0, &fp(0));
        commit(task, 2, &fp(0));
        // A copier commits the commitment of another seat: it opens for nobody else.
        let copied = current(task)[1].commit.unwrap();
        assert_ok!(TriadTasks::commit(RuntimeOrigin::signed(who[3]), task, copied, None));
        assert!(matches!(Tasks::<Test>::get(task).unwrap().phase, Phase::Reveal { .. }));
        assert_noop!(
            TriadTasks::reveal(RuntimeOrigin::signed(who[3]), task, fp(0), salt(who[1]), None),
            Error::<Test>::CommitmentMismatch
        );
        assert_noop!(
            TriadTasks::reveal(RuntimeOrigin::signed(who[1]), task, fp(0), [9; 32], None),
            Error::<Test>::CommitmentMismatch
        );
        assert_noop!(
            TriadTasks::reveal(RuntimeOrigin::signed(who[1]), task, fp(0), salt(who[1]), Some(OUTPUT.to_vec())),
            Error::<Test>::NotExecutor
        );
        assert_noop!(
            TriadTasks::reveal(RuntimeOrigin::signed(who[0]), task, fp(0), salt(who[0]), Some(b"another".to_vec())),
            Error::<Test>::OutputMismatch
        );
        assert_noop!(
            TriadTasks::reveal(RuntimeOrigin::signed(who[0]), task, fp(0), salt(who[0]), Some(vec![0; 33])),
            Error::<Test>::OutputTooLarge
        );
        reveal(task, 1, &fp(0));
        assert_noop!(
            TriadTasks::reveal(RuntimeOrigin::signed(who[1]), task, fp(0), salt(who[1]), None),
            Error::<Test>::AlreadyRevealed
        );
    });
}

#[test]
fn only_the_client_cancels_and_only_while_queued() {
    test_with(4, || {
        let task = submit();
        assert_noop!(TriadTasks::cancel_task(RuntimeOrigin::signed(2), task), Error::<Test>::NotClient);
        assert_ok!(TriadTasks::cancel_task(RuntimeOrigin::signed(CLIENT), task));
        assert_eq!(Tasks::<Test>::get(task).unwrap().phase, Phase::Done { resolution: Resolution::Cancelled, at: 1 });
        assert_eq!(held(CLIENT), 0);
        assert!(Queue::<Test>::get().is_empty());
        assert_noop!(TriadTasks::cancel_task(RuntimeOrigin::signed(CLIENT), task), Error::<Test>::NotQueued);
        let second = submit();
        draw();
        assert_noop!(TriadTasks::cancel_task(RuntimeOrigin::signed(CLIENT), second), Error::<Test>::NotQueued);
    });
}

#[test]
fn finished_tasks_are_pruned_after_retention() {
    test_with(4, || {
        let task = submit();
        assert_ok!(TriadTasks::cancel_task(RuntimeOrigin::signed(CLIENT), task));
        run_to(1 + RETENTION);
        assert!(Tasks::<Test>::get(task).is_some(), "kept for the retention period");
        next_block();
        assert!(Tasks::<Test>::get(task).is_none() && Inputs::<Test>::get(task).is_none());
        assert_eq!(Cursors::<Test>::get(TimerKind::Finished), (1, 1));
        assert!(events().contains(&Event::TasksPruned { count: 1 }));
        // Pruning takes only the weight it is given.
        let other = submit();
        assert_ok!(TriadTasks::cancel_task(RuntimeOrigin::signed(CLIENT), other));
        System::set_block_number(100);
        assert_eq!(TriadTasks::on_idle(100, frame_support::weights::Weight::zero()), frame_support::weights::Weight::zero());
        assert!(Tasks::<Test>::get(other).is_some());
    });
}

#[test]
fn probation_is_passed_by_reproducing_calibration_cases() {
    test_with(0, || {
        let newbie = 20;
        let both = triad_primitives::Roles { executor: true, verifier: true };
        assert_ok!(Workers::register_worker(RuntimeOrigin::signed(newbie), both, vec![MODEL], None, None, None, BOND));
        assert_noop!(TriadTasks::submit_calibration(RuntimeOrigin::signed(newbie), MODEL, fp(0)), Error::<Test>::NoCalibrationRequest);
        assert_ok!(TriadTasks::request_calibration(RuntimeOrigin::signed(newbie), MODEL));
        assert_noop!(TriadTasks::request_calibration(RuntimeOrigin::signed(newbie), MODEL), Error::<Test>::CalibrationPending);
        let req = Calibrations::<Test>::get(newbie, MODEL).unwrap();
        assert_eq!(req.until, 1 + 5);
        // The expected fingerprint of case i has 100 + i bits set.
        assert_ok!(TriadTasks::submit_calibration(RuntimeOrigin::signed(newbie), MODEL, fp(100 + req.case as usize)));
        assert!(events().contains(&Event::CalibrationChecked { who: newbie, model: MODEL, case: req.case, passed: true }));
        assert_eq!(pallet_triad_workers::Calibrations::<Test>::get(newbie, MODEL).passed, 1);

        assert_ok!(TriadTasks::request_calibration(RuntimeOrigin::signed(newbie), MODEL));
        assert_ok!(TriadTasks::submit_calibration(RuntimeOrigin::signed(newbie), MODEL, fp(400)));
        assert_eq!(pallet_triad_workers::Calibrations::<Test>::get(newbie, MODEL).failed, 1);

        // An unanswered case expires and counts as failed at the next request.
        assert_ok!(TriadTasks::request_calibration(RuntimeOrigin::signed(newbie), MODEL));
        run_to(6);
        let req = Calibrations::<Test>::get(newbie, MODEL).unwrap();
        assert_noop!(
            TriadTasks::submit_calibration(RuntimeOrigin::signed(newbie), MODEL, fp(100 + req.case as usize)),
            Error::<Test>::CalibrationExpired
        );
        assert_ok!(TriadTasks::request_calibration(RuntimeOrigin::signed(newbie), MODEL));
        assert_eq!(pallet_triad_workers::Calibrations::<Test>::get(newbie, MODEL).failed, 2);
        let req = Calibrations::<Test>::get(newbie, MODEL).unwrap();
        assert_ok!(TriadTasks::submit_calibration(RuntimeOrigin::signed(newbie), MODEL, fp(100 + req.case as usize)));
        assert!(!<Workers as triad_primitives::WorkerRegistry<_, _>>::on_probation(&newbie, MODEL));
        assert_noop!(TriadTasks::request_calibration(RuntimeOrigin::signed(newbie), MODEL), Error::<Test>::NotOnProbation);
    });
}

#[test]
fn integrity_test_passes() {
    new_test_ext().execute_with(|| {
        <TriadTasks as frame_support::traits::Hooks<u64>>::integrity_test();
    });
}
