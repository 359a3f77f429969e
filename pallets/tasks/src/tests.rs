//! Unit tests of the task lifecycle: each asserts the events and the storage,
//! and `test_with` checks every pallet's invariants at the end. The
//! attacks on the protocol are in `tests_attacks.rs`.

use crate::{drive::*, mock::*, *};
use frame_support::{assert_noop, assert_ok, traits::Hooks};
use sp_runtime::Perbill;
use triad_verifier::Outcome;

const H: Act = Act::Output(HONEST);

#[test]
fn submit_holds_the_fee_and_the_deposit_and_queues_the_task() {
    test_with(4, || {
        let task = submit();
        assert_eq!(task, 0);
        assert_eq!((held(CLIENT), deposit_held(CLIENT)), (FEE, TASK_DEPOSIT));
        assert_eq!(Queue::<Test>::get().into_inner(), vec![0]);
        assert_eq!(OpenTasks::<Test>::get(CLIENT), 1);
        let info = Tasks::<Test>::get(0).unwrap();
        assert_eq!((info.escrow, info.price, info.deposit, info.phase), (FEE, PRICE, TASK_DEPOSIT, Phase::Queued));
        assert_eq!(Inputs::<Test>::get(0), Some(TaskInput::Inline(input().try_into().unwrap())));
        assert_eq!(
            events(),
            vec![Event::TaskSubmitted {
                task: 0,
                client: CLIENT,
                model: MODEL,
                escrow: FEE,
                price: PRICE,
                deposit: TASK_DEPOSIT,
                deadline: 63
            }]
        );
    });
}

#[test]
fn submit_refuses_bad_jobs_with_typed_errors() {
    test_with(4, || {
        let at = |model, input, fee, mode, deadline| {
            TriadTasks::submit_task(RuntimeOrigin::signed(CLIENT), model, input, fee, mode, deadline)
        };
        let ok_input = || InputArg::Inline(input());
        assert_noop!(at(DEPRECATED, ok_input(), FEE, Mode::Lsh, 60), Error::<Test>::ModelNotActive);
        assert_noop!(at(42, ok_input(), FEE, Mode::Lsh, 60), Error::<Test>::ModelNotActive);
        assert_noop!(at(MODEL, ok_input(), FEE, Mode::Groth16, 60), Error::<Test>::ModeNotAllowed);
        assert_noop!(at(GROTH_ONLY, ok_input(), FEE, Mode::Groth16, 60), Error::<Test>::NoProofKey);
        assert_noop!(at(MODEL, ok_input(), FEE, Mode::Tee, 60), Error::<Test>::ModeNotAllowed);
        assert_noop!(at(GROTH_ONLY, ok_input(), FEE, Mode::Lsh, 60), Error::<Test>::ModeNotAllowed);
        assert_noop!(at(MODEL, ok_input(), PRICE - 1, Mode::Lsh, 60), Error::<Test>::FeeBelowPrice);
        assert_noop!(at(MODEL, InputArg::Inline(vec![0; 129]), FEE, Mode::Lsh, 60), Error::<Test>::InputTooLarge);
        assert_noop!(at(MODEL, InputArg::Inline(vec![]), FEE, Mode::Lsh, 60), Error::<Test>::EmptyInput);
        let big = offchain(1_000_001);
        assert_noop!(at(MODEL, big, FEE, Mode::Lsh, 60), Error::<Test>::InputTooLarge);
        // Block 3: two blocks until the draw, three per phase and two for the key.
        let soon = 3 + TriadTasks::min_deadline() - 1;
        assert_noop!(at(MODEL, ok_input(), FEE, Mode::Lsh, soon), Error::<Test>::DeadlineTooSoon);
        assert_noop!(at(MODEL, ok_input(), FEE, Mode::Lsh, 204), Error::<Test>::DeadlineTooFar);
        assert_noop!(at(MODEL, ok_input(), START, Mode::Lsh, 60), Error::<Test>::InsufficientBalance);
        assert_ok!(at(MODEL, ok_input(), FEE, Mode::Lsh, soon + 1));
    });
}

#[test]
fn a_later_block_draws_four_distinct_workers_and_locks_their_stake() {
    test_with(6, || {
        worker(CLIENT);
        run_to(5);
        let task = submit();
        next_block();
        assert_eq!(phase(task), Phase::Queued, "never from randomness known at inclusion");
        next_block();
        assert_eq!(phase(task), Phase::Execute { until: 7 + PERIOD });
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
            verifiers: vec![who[1], who[2], who[3]],
            until: 7 + PERIOD,
        }));
    });
}

#[test]
fn without_randomness_the_draw_and_the_key_wait() {
    test_with(4, || {
        let task = submit();
        set_randomness(false);
        draw();
        assert_eq!(phase(task), Phase::Queued);
        set_randomness(true);
        next_block();
        assert!(matches!(phase(task), Phase::Execute { .. }));
        commit_answer(task, &output(HONEST));
        let Phase::Key { at } = phase(task) else { panic!() };
        set_randomness(false);
        run_to(at);
        assert_eq!(phase(task), Phase::Key { at: at + 1 });
        set_randomness(true);
        next_block();
        assert!(matches!(phase(task), Phase::Check { .. }));
    });
}

#[test]
fn too_few_workers_wait_then_refund_before_the_deadline() {
    test_with(3, || {
        let task = submit();
        let before = Balances::free_balance(CLIENT);
        let last = Tasks::<Test>::get(task).unwrap().deadline - TriadTasks::attempt_len();
        run_to(last);
        assert_eq!(phase(task), Phase::Queued);
        next_block();
        let info = Tasks::<Test>::get(task).unwrap();
        assert_eq!(info.phase, Phase::Done { resolution: Resolution::Unassigned, at: last + 1 });
        assert_eq!((info.refunded, held(CLIENT)), (FEE, 0));
        assert_eq!(Balances::free_balance(CLIENT), before + FEE);
        assert_eq!(OpenTasks::<Test>::get(CLIENT), 0);
        assert!(events().contains(&Event::TaskFinished { task, resolution: Resolution::Unassigned, paid: 0, refunded: FEE }));
    });
}

#[test]
fn an_honest_task_goes_through_five_phases_pays_the_seats_and_refunds_the_rest() {
    test_with(4, || {
        let task = submit();
        draw();
        let client_before = Balances::free_balance(CLIENT);
        let who = seats(task);
        commit_answer(task, &output(HONEST));
        assert_eq!(phase(task), Phase::Key { at: 5 + KEY_DELAY as u64 });
        to_key(task);
        let key = key(task);
        for i in 1..4 {
            commit_fp(task, i, &fp_of(task, HONEST));
        }
        assert!(matches!(phase(task), Phase::Reveal { .. }), "all verifiers in: the reveal starts at once");
        reveal_answer(task, &output(HONEST));
        let exec_fp = current(task)[0].reveal.expect("the chain fingerprints the posted output");
        assert_eq!(exec_fp, fp_of(task, HONEST));
        for i in 1..4 {
            vote(task, i, &fp_of(task, HONEST), Vote::Match);
        }
        let free: Vec<Balance> = who.iter().map(|w| Balances::free_balance(w)).collect();
        assert_eq!(free, vec![START - BOND + 40, START - BOND + 20, START - BOND + 20, START - BOND + 20]);
        assert_eq!(Balances::free_balance(CLIENT), client_before + FEE - PRICE);
        let info = Tasks::<Test>::get(task).unwrap();
        let now = System::block_number();
        assert_eq!(info.phase, Phase::Done { resolution: Resolution::Accepted, at: now });
        assert_eq!((info.paid(), info.refunded), (PRICE, FEE - PRICE));
        let attempt = info.attempts.last().unwrap();
        assert_eq!(attempt.verdict.unwrap().outcome, Outcome::Accepted);
        assert_eq!(attempt.posted, Some(Posted::Output { hash: *blake3::hash(&output_of(HONEST)).as_bytes() }));
        assert_eq!(Outputs::<Test>::get(task, 0).unwrap().into_inner(), output_of(HONEST));
        assert_eq!(TriadTasks::task_view(task).unwrap().output.unwrap().into_inner(), output_of(HONEST));
        for w in who.iter().copied() {
            assert_eq!(<Workers as triad_primitives::WorkerRegistry<_, _>>::free_stake(&w), BOND, "stake unlocked");
            assert!(score(w) > Perbill::from_percent(50));
            assert!(Assigned::<Test>::get(w, task).is_none());
        }
        let ev = events();
        assert!(ev.contains(&Event::KeyDrawn { task, attempt: 0, key, until: 7 + PERIOD }));
        assert!(ev.contains(&Event::WorkerPaid { task, who: who[0], amount: 40 }));
        assert!(ev.contains(&Event::TaskFinished { task, resolution: Resolution::Accepted, paid: PRICE, refunded: 50 }));
        assert_eq!(OpenTasks::<Test>::get(CLIENT), 0);
    });
}

#[test]
fn a_substituted_output_is_rejected_the_catchers_paid_and_the_task_reruns() {
    test_with(5, || {
        let task = submit();
        draw();
        let client_before = Balances::free_balance(CLIENT);
        let treasury_before = Balances::free_balance(TREASURY);
        let forged = [0.5, -1.25, 2.0, -0.75];
        let who = run_attempt(task, [Act::Output(forged), H, H, H]);
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
        assert!(TriadTasks::task_view(task).unwrap().output.is_none(), "a rejected output is never the result");
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
        assert!(!seats(task).contains(&who[0]), "the caught executor is not drawn again");
        run_attempt(task, [H; 4]);
        let view = TriadTasks::task_view(task).unwrap();
        assert!(matches!(view.info.phase, Phase::Done { resolution: Resolution::Accepted, .. }));
        assert_eq!(view.output.unwrap().into_inner(), output_of(HONEST), "the client gets the verified output");
        assert_eq!(view.outputs.len(), 2, "both posted outputs stay readable, each under its attempt");
        assert_eq!(Balances::free_balance(CLIENT), client_before + FEE - PRICE, "only the accepted result is paid");
    });
}

#[test]
fn a_minority_verifier_is_slashed_and_its_share_refunded() {
    test_with(4, || {
        let task = submit();
        draw();
        let client_before = Balances::free_balance(CLIENT);
        let who = run_attempt(task, [H, H, Act::Output([9.0, 9.0, 9.0, 9.0]), H]);
        assert_eq!(bond(who[2]), BOND - BOND / 10);
        assert_eq!(Balances::free_balance(who[2]), START - BOND);
        assert_eq!(Balances::free_balance(CLIENT), client_before + FEE - 80);
        assert_eq!(Tasks::<Test>::get(task).unwrap().refunded, FEE - 80);
        assert!(events().contains(&Event::WorkerSlashed { task, who: who[2], amount: BOND / 10, reason: SlashReason::Minority }));
    });
}

#[test]
fn an_absent_verifier_is_a_no_show_and_the_rest_settle_without_it() {
    test_with(4, || {
        let task = submit();
        draw();
        let who = run_attempt(task, [H, H, Act::Absent, H]);
        let info = Tasks::<Test>::get(task).unwrap();
        assert!(matches!(info.phase, Phase::Done { resolution: Resolution::Accepted, .. }));
        assert_eq!(bond(who[2]), BOND - BOND / 20);
        assert_eq!(info.paid(), 80);
        assert!(events().contains(&Event::WorkerSlashed { task, who: who[2], amount: BOND / 20, reason: SlashReason::NoShow }));
    });
}

#[test]
fn an_executor_that_never_commits_costs_the_verifiers_nothing() {
    test_with(5, || {
        let task = submit();
        draw();
        let who = run_attempt(task, [Act::Absent, H, H, H]);
        let info = Tasks::<Test>::get(task).unwrap();
        assert_eq!(info.phase, Phase::Queued, "re-run");
        assert_eq!(bond(who[0]), BOND - BOND / 20);
        for v in &who[1..] {
            assert_eq!((bond(*v), Balances::free_balance(v)), (BOND, START - BOND), "not asked, not slashed");
        }
    });
}

#[test]
fn nobody_showing_up_ends_inconclusive_and_refunds_in_bounded_time() {
    test_with(6, || {
        let task = submit();
        let deadline = Tasks::<Test>::get(task).unwrap().deadline;
        while !matches!(phase(task), Phase::Done { .. }) {
            assert!(System::block_number() <= deadline, "finished by the deadline");
            next_block();
        }
        let info = Tasks::<Test>::get(task).unwrap();
        assert!(matches!(info.phase, Phase::Done { resolution: Resolution::Inconclusive, at } if at <= deadline));
        assert_eq!((info.refunded, held(CLIENT)), (FEE, 0));
        for a in info.attempts.iter() {
            assert!(a.seats[0].slashed > 0 && a.key.is_none());
        }
    });
}

#[test]
fn calls_refuse_what_does_not_fit_with_typed_errors() {
    test_with(4, || {
        let task = submit();
        let outsider = 2;
        assert_noop!(TriadTasks::commit_answer(RuntimeOrigin::signed(outsider), task, [0; 32]), Error::<Test>::NotExecuting);
        draw();
        let who = seats(task);
        assert_noop!(TriadTasks::commit_answer(RuntimeOrigin::signed(outsider), task, [0; 32]), Error::<Test>::NotAssigned);
        assert_noop!(TriadTasks::commit_answer(RuntimeOrigin::signed(who[1]), task, [0; 32]), Error::<Test>::NotExecutor);
        assert_noop!(TriadTasks::commit_answer(RuntimeOrigin::signed(who[0]), 77, [0; 32]), Error::<Test>::UnknownTask);
        assert_noop!(TriadTasks::commit_fingerprint(RuntimeOrigin::signed(who[1]), task, [0; 32]), Error::<Test>::NotChecking);
        commit_answer(task, &output(HONEST));
        to_key(task);
        assert_noop!(TriadTasks::commit_fingerprint(RuntimeOrigin::signed(who[0]), task, [0; 32]), Error::<Test>::NotVerifier);
        commit_fp(task, 1, &fp_of(task, HONEST));
        assert_noop!(
            TriadTasks::commit_fingerprint(RuntimeOrigin::signed(who[1]), task, [0; 32]),
            Error::<Test>::AlreadyCommitted
        );
        assert_noop!(
            TriadTasks::reveal_answer(RuntimeOrigin::signed(who[0]), task, output(HONEST), salt(who[0])),
            Error::<Test>::NotRevealing
        );
        commit_fp(task, 2, &fp_of(task, HONEST));
        // A copier commits another verifier's commitment: it opens for nobody else.
        let copied = current(task)[1].commit.unwrap();
        assert_ok!(TriadTasks::commit_fingerprint(RuntimeOrigin::signed(who[3]), task, copied));
        assert!(matches!(phase(task), Phase::Reveal { .. }));
        let reveal =
            |seat: usize, answer: AnswerArg, s| TriadTasks::reveal_answer(RuntimeOrigin::signed(who[seat]), task, answer, s);
        assert_noop!(reveal(1, output(HONEST), salt(who[1])), Error::<Test>::NotExecutor);
        assert_noop!(reveal(0, output([0.0; 4]), salt(who[0])), Error::<Test>::CommitmentMismatch);
        assert_noop!(reveal(0, output(HONEST), [9; 32]), Error::<Test>::CommitmentMismatch);
        assert_noop!(reveal(0, AnswerArg::CannotRun(CannotRun::TooSlow), salt(who[0])), Error::<Test>::CommitmentMismatch);
        assert_noop!(
            TriadTasks::reveal_vote(RuntimeOrigin::signed(who[1]), task, fp_of(task, HONEST), salt(who[1]), Vote::Match),
            Error::<Test>::NotVoting
        );
        reveal_answer(task, &output(HONEST));
        assert_noop!(reveal(0, output(HONEST), salt(who[0])), Error::<Test>::NotRevealing);
        assert_noop!(
            TriadTasks::reveal_vote(RuntimeOrigin::signed(who[3]), task, fp_of(task, HONEST), salt(who[1]), Vote::Match),
            Error::<Test>::CommitmentMismatch
        );
        vote(task, 1, &fp_of(task, HONEST), Vote::Match);
        assert_noop!(
            TriadTasks::reveal_vote(RuntimeOrigin::signed(who[1]), task, fp_of(task, HONEST), salt(who[1]), Vote::Match),
            Error::<Test>::AlreadyRevealed
        );
    });
}

#[test]
fn an_output_too_large_or_malformed_is_refused_and_counts_as_withheld() {
    test_with(4, || {
        let task = submit();
        draw();
        let who = seats(task);
        let huge = AnswerArg::Output(vec![0; 257]);
        commit_answer(task, &huge);
        to_key(task);
        for i in 1..4 {
            commit_fp(task, i, &fp_of(task, HONEST));
        }
        assert_noop!(
            TriadTasks::reveal_answer(RuntimeOrigin::signed(who[0]), task, huge, salt(who[0])),
            Error::<Test>::OutputTooLarge
        );
    });
    test_with(4, || {
        let task = submit();
        draw();
        let who = seats(task);
        let garbage = AnswerArg::Output(b"not tensors".to_vec());
        commit_answer(task, &garbage);
        to_key(task);
        assert_noop!(TriadTasks::commit_fingerprint(RuntimeOrigin::signed(who[0]), task, [0; 32]), Error::<Test>::NotVerifier);
        for i in 1..4 {
            commit_fp(task, i, &fp_of(task, HONEST));
        }
        assert_noop!(
            TriadTasks::reveal_answer(RuntimeOrigin::signed(who[0]), task, garbage, salt(who[0])),
            Error::<Test>::OutputMalformed
        );
    });
}

#[test]
fn only_the_client_cancels_and_only_while_queued() {
    test_with(4, || {
        let task = submit();
        assert_noop!(TriadTasks::cancel_task(RuntimeOrigin::signed(2), task), Error::<Test>::NotClient);
        assert_ok!(TriadTasks::cancel_task(RuntimeOrigin::signed(CLIENT), task));
        assert_eq!(phase(task), Phase::Done { resolution: Resolution::Cancelled, at: 3 });
        assert_eq!(held(CLIENT), 0);
        assert_eq!(deposit_held(CLIENT), TASK_DEPOSIT, "the deposit stays until the task is pruned");
        assert!(Queue::<Test>::get().is_empty());
        assert_noop!(TriadTasks::cancel_task(RuntimeOrigin::signed(CLIENT), task), Error::<Test>::NotQueued);
        let second = submit();
        draw();
        assert_noop!(TriadTasks::cancel_task(RuntimeOrigin::signed(CLIENT), second), Error::<Test>::NotQueued);
    });
}

#[test]
fn finished_tasks_are_pruned_after_retention_and_their_deposit_returned() {
    test_with(4, || {
        let task = submit();
        let free = Balances::free_balance(CLIENT);
        assert_ok!(TriadTasks::cancel_task(RuntimeOrigin::signed(CLIENT), task));
        run_to(3 + RETENTION);
        assert!(Tasks::<Test>::get(task).is_some(), "kept for the retention period");
        next_block();
        assert!(Tasks::<Test>::get(task).is_none() && Inputs::<Test>::get(task).is_none());
        assert_eq!(Cursors::<Test>::get(TimerKind::Finished), (1, 1));
        assert_eq!(Balances::free_balance(CLIENT), free + FEE + TASK_DEPOSIT);
        assert!(events().contains(&Event::TaskPruned { task, client: CLIENT, deposit: TASK_DEPOSIT }));
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
        assert_ok!(Workers::register_worker(RuntimeOrigin::signed(newbie), both, vec![MODEL], None, None, BOND));
        assert_noop!(
            TriadTasks::submit_calibration(RuntimeOrigin::signed(newbie), MODEL, fp(0)),
            Error::<Test>::NoCalibrationRequest
        );
        assert_ok!(TriadTasks::request_calibration(RuntimeOrigin::signed(newbie), MODEL));
        assert_noop!(TriadTasks::request_calibration(RuntimeOrigin::signed(newbie), MODEL), Error::<Test>::CalibrationPending);
        let req = Calibrations::<Test>::get(newbie, MODEL).unwrap();
        assert_eq!(req.until, 3 + 5);
        // The expected fingerprint of case i has 100 + i bits set.
        assert_ok!(TriadTasks::submit_calibration(RuntimeOrigin::signed(newbie), MODEL, fp(100 + req.case as usize)));
        assert!(events().contains(&Event::CalibrationChecked { who: newbie, model: MODEL, case: req.case, passed: true }));
        assert_eq!(pallet_triad_workers::Calibrations::<Test>::get(newbie, MODEL).passed, 1);

        assert_ok!(TriadTasks::request_calibration(RuntimeOrigin::signed(newbie), MODEL));
        assert_ok!(TriadTasks::submit_calibration(RuntimeOrigin::signed(newbie), MODEL, fp(400)));
        assert_eq!(pallet_triad_workers::Calibrations::<Test>::get(newbie, MODEL).failed, 1);

        // An unanswered case expires and counts as failed at the next request.
        assert_ok!(TriadTasks::request_calibration(RuntimeOrigin::signed(newbie), MODEL));
        run_to(8);
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
