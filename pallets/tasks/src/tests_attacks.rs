//! The attacks of the soundness issue, each performed against the pallet:
//! what an executor, a verifier, a client or a sybil could try, and what it
//! costs them now. End-to-end versions with real workers are in
//! `tests/tests/network.rs`.

use crate::{drive::*, mock::*, *};
use frame_support::{assert_noop, assert_ok, traits::Hooks};
use triad_verifier::Outcome;

const H: Act = Act::Output(HONEST);

fn verdict(task: TaskId, attempt: usize) -> Outcome {
    Tasks::<Test>::get(task).unwrap().attempts[attempt].verdict.unwrap().outcome
}

#[test]
fn an_executor_that_withholds_its_answer_is_caught_like_a_liar() {
    // It used to pay the no-show slash and re-roll the draw instead of the
    // executor's slash.
    test_with(5, || {
        let task = submit();
        draw();
        let who = run_attempt(task, [Act::Withhold([7.0; 4]), H, H, H]);
        assert_eq!(verdict(task, 0), Outcome::Rejected);
        let after_bounties = BOND - 60;
        assert_eq!(bond(who[0]), after_bounties - after_bounties / 2, "the executor's slash, not a no-show's");
        assert!(events().contains(&Event::WorkerSlashed {
            task,
            who: who[0],
            amount: 60 + after_bounties / 2,
            reason: SlashReason::Withheld
        }));
        for v in &who[1..] {
            assert_eq!(Balances::free_balance(v), START - BOND + 20, "each catcher gets its bounty");
        }
        assert_eq!(phase(task), Phase::Queued);
    });
}

#[test]
fn a_verifier_that_withholds_its_fingerprint_pays_a_minority_slash() {
    test_with(4, || {
        let task = submit();
        draw();
        let who = run_attempt(task, [H, H, H, Act::Withhold([7.0; 4])]);
        assert_eq!(verdict(task, 0), Outcome::Accepted);
        assert_eq!(bond(who[3]), BOND - BOND / 10, "MinoritySlash, not the cheaper NoShowSlash");
    });
}

#[test]
fn a_fingerprint_replayed_from_an_earlier_attempt_is_worthless() {
    test_with(6, || {
        let task = submit();
        draw();
        let first = run_attempt(task, [Act::Output([7.0; 4]), H, H, H]);
        assert_eq!(verdict(task, 0), Outcome::Rejected);
        // The honest verifiers' fingerprints of the right output are public now.
        let public = current(task)[1].reveal.unwrap();
        draw();
        let who = seats(task);
        assert!(!who.contains(&first[0]));
        commit_answer(task, &output(HONEST));
        to_key(task);
        // Seat 3 replays the public fingerprint instead of running the model.
        commit_fp(task, 1, &fp_of(task, HONEST));
        commit_fp(task, 2, &fp_of(task, HONEST));
        commit_fp(task, 3, &public);
        reveal_answer(task, &output(HONEST));
        vote(task, 1, &fp_of(task, HONEST), Vote::Match);
        vote(task, 2, &fp_of(task, HONEST), Vote::Match);
        vote(task, 3, &public, Vote::Match);
        let attempt = &Tasks::<Test>::get(task).unwrap().attempts[1];
        assert_eq!(attempt.verdict.unwrap().verifiers_in_majority, [true, true, false], "under a new key it disagrees");
        assert!(!triad_verifier::agrees(&public, &fp_of(task, HONEST), &params()));
        assert_eq!(bond(who[3]), BOND - BOND / 10);
        assert_eq!(attempt.seats[3].paid, 0);
    });
}

#[test]
fn a_salted_commitment_hides_a_small_output_from_a_dictionary() {
    // Before, the executor committed `blake3(output)`: for an output with a
    // handful of possible values, a verifier could hash each and read the
    // answer off the commitment before committing its own.
    test_with(4, || {
        let task = submit();
        draw();
        let who = seats(task);
        let candidates: Vec<[f32; 4]> = (0..4)
            .map(|c| {
                let mut one_hot = [0.0; 4];
                one_hot[c] = 1.0;
                one_hot
            })
            .collect();
        let answer = output(candidates[2]);
        commit_answer(task, &answer);
        let commitment = current(task)[0].commit.unwrap();
        let unsalted = |o: &[f32; 4]| *blake3::hash(&output_of(*o)).as_bytes();
        assert_eq!(candidates.iter().filter(|c| unsalted(c) == Answer::Output(&output_of(candidates[2])).digest()).count(), 1);
        for c in &candidates {
            for guess in [[0u8; 32], salt(who[1]), salt(who[0].wrapping_add(1))] {
                let digest = Answer::Output(&output_of(*c)).digest();
                assert_ne!(answer_commitment(&digest, &guess, &who[0], task), commitment, "no candidate opens it");
            }
            assert_ne!(unsalted(c), commitment);
        }
    });
}

#[test]
fn a_small_edit_the_fingerprint_misses_is_rejected_by_the_votes() {
    // An executor that changes one element by little enough that the
    // projection may not move still faces verifiers holding the full output.
    test_with(5, || {
        let task = submit();
        draw();
        let edited = [0.5, -1.25, 2.0, 0.7501];
        commit_answer(task, &output(edited));
        to_key(task);
        for i in 1..4 {
            commit_fp(task, i, &fp_of(task, HONEST));
        }
        reveal_answer(task, &output(edited));
        for i in 1..4 {
            vote(task, i, &fp_of(task, HONEST), Vote::Mismatch);
        }
        assert_eq!(verdict(task, 0), Outcome::Rejected);
        assert!(TriadTasks::task_view(task).unwrap().output.is_none());
    });
}

#[test]
fn a_cannot_run_answer_agreed_by_the_majority_is_paid_by_the_client_and_slashes_nobody() {
    // An input that runs too long, and an off-chain input its client never
    // serves: either way the client asked for work nobody could do.
    for (input, reason) in [(InputArg::Inline(input()), CannotRun::TooSlow), (offchain(600_000), CannotRun::InputUnavailable)] {
        test_with(4, || {
            let task = submit_input(input);
            draw();
            let client_before = Balances::free_balance(CLIENT);
            let who = seats(task);
            let answer = AnswerArg::CannotRun(reason);
            commit_answer(task, &answer);
            to_key(task);
            let fp = triad_verifier::cannot_run(&params(), &key(task), reason);
            for i in 1..4 {
                commit_fp(task, i, &fp);
            }
            reveal_answer(task, &answer);
            for i in 1..4 {
                vote(task, i, &fp, Vote::Match);
            }
            let info = Tasks::<Test>::get(task).unwrap();
            assert!(matches!(info.phase, Phase::Done { resolution: Resolution::CannotRun, .. }), "{reason:?}");
            assert_eq!(Balances::free_balance(CLIENT), client_before + FEE - PRICE, "the client pays for what it asked");
            assert!(info.attempts[0].seats.iter().all(|s| s.slashed == 0 && s.paid > 0));
            assert!(who.iter().all(|w| bond(*w) == BOND));
            let paid = info.attempts[0].seats.iter().map(|s| s.paid).sum();
            System::assert_has_event(
                Event::TaskFinished { task, resolution: Resolution::CannotRun, paid, refunded: FEE - PRICE }.into(),
            );
        });
    }
}

#[test]
fn an_offchain_input_is_stored_by_hash_with_its_provider_and_a_deposit_for_those_bytes() {
    test_with(4, || {
        let at = |input| TriadTasks::submit_task(RuntimeOrigin::signed(CLIENT), MODEL, input, FEE, Mode::Lsh, 60);
        let nowhere = InputArg::Offchain { hash: [9; 32], size: 100, provider: vec![] };
        assert_noop!(at(nowhere), Error::<Test>::BadProvider);
        let long = InputArg::Offchain { hash: [9; 32], size: 100, provider: vec![4; MAX_PROVIDER_LEN as usize + 1] };
        assert_noop!(at(long), Error::<Test>::BadProvider);
        assert_noop!(at(InputArg::Offchain { hash: [9; 32], size: 0, provider: provider() }), Error::<Test>::EmptyInput);
        // 600 KB off chain cost the deposit of the 85 stored bytes, not of their size.
        DepositPerByte::set(&1);
        let task = submit_input(offchain(600_000));
        let stored = TaskInput::Offchain { hash: [9; 32], size: 600_000, provider: provider().try_into().unwrap() };
        assert_eq!(Inputs::<Test>::get(task), Some(stored));
        let deposit = Tasks::<Test>::get(task).unwrap().deposit;
        assert_eq!(deposit, TASK_DEPOSIT + 85);
        assert_eq!(deposit_held(CLIENT), deposit);
    });
}

#[test]
fn inputs_no_honest_worker_can_run_are_refused_at_submission() {
    // They used to be drawn, and every honest seat was slashed for not
    // committing, while the client got its money back.
    test_with(4, || {
        let free = Balances::free_balance(CLIENT);
        let at = |input| TriadTasks::submit_task(RuntimeOrigin::signed(CLIENT), MODEL, input, FEE, Mode::Lsh, 60);
        let mut nan = vec![1.0; 4];
        nan[2] = f32::NAN;
        assert_noop!(at(InputArg::Inline(input_of(1, nan))), Error::<Test>::InputNotFinite);
        assert_noop!(at(InputArg::Inline(input_of(1, vec![1.0, f32::INFINITY, 0.0, 0.0]))), Error::<Test>::InputNotFinite);
        assert_noop!(at(InputArg::Inline(input_of(0, vec![]))), Error::<Test>::InputHasEmptyDimension);
        let wrong = triad_verifier::wire::encode(&[triad_verifier::wire::NamedTensor {
            name: "x".into(),
            tensor: triad_verifier::TensorData::f32(vec![1, 3], vec![1.0; 3]),
        }]);
        assert_noop!(at(InputArg::Inline(wrong)), Error::<Test>::InputDoesNotFitModel);
        assert_noop!(at(InputArg::Inline(b"garbage".to_vec())), Error::<Test>::InputMalformed);
        assert_eq!(Balances::free_balance(CLIENT), free, "nothing held");
    });
}

#[test]
fn one_account_cannot_fill_the_queue_and_every_place_costs_a_deposit() {
    test_with(0, || {
        for _ in 0..MAX_OPEN {
            submit();
        }
        assert_noop!(
            TriadTasks::submit_task(RuntimeOrigin::signed(CLIENT), MODEL, InputArg::Inline(input()), FEE, Mode::Lsh, 60),
            Error::<Test>::TooManyOpenTasks
        );
        assert_eq!(deposit_held(CLIENT), MAX_OPEN as u64 * TASK_DEPOSIT);
        // With no workers, the tasks are refunded once no attempt fits before
        // their deadline; the places come back at once, the deposits only
        // when the tasks are pruned.
        while OpenTasks::<Test>::get(CLIENT) > 0 {
            next_block();
        }
        assert_eq!(held(CLIENT), 0);
        assert_eq!(deposit_held(CLIENT), MAX_OPEN as u64 * TASK_DEPOSIT);
        run_to(System::block_number() + RETENTION + 1);
        assert_eq!(deposit_held(CLIENT), 0);
    });
}

#[test]
fn draws_stay_within_the_hook_budget_however_many_models_and_workers() {
    // Eight models with a full list of sixteen workers each: one draw reads
    // all sixteen, and the mock's budget has room for three such draws.
    new_test_ext().execute_with(|| {
        let both = triad_primitives::Roles { executor: true, verifier: true };
        for m in 0..8u32 {
            let model = 100 + m;
            add_model(model);
            for w in 0..16u64 {
                let who = 1_000 + m as u64 * 16 + w;
                let _ = Balances::force_set_balance(RuntimeOrigin::root(), who, START);
                assert_ok!(Workers::register_worker(RuntimeOrigin::signed(who), both, vec![model], None, None, BOND));
                let qualified = pallet_triad_workers::Probation { passed: 2, failed: 0, qualified_at: Some(0) };
                pallet_triad_workers::Calibrations::<Test>::insert(who, model, qualified);
            }
            assert_ok!(TriadTasks::submit_task(
                RuntimeOrigin::signed(CLIENT),
                model,
                InputArg::Inline(input()),
                FEE,
                Mode::Lsh,
                60
            ));
        }
        run_to(2);
        // Each draw reads a fresh list of sixteen workers; the budget has room
        // for fewer draws than there are models.
        let (per_draw, budget) = (<() as crate::weights::WeightInfo>::assign(16), HookWeight::get());
        let most = (budget.ref_time() / per_draw.ref_time()).min(budget.proof_size() / per_draw.proof_size()) as usize;
        assert!(most < 8);
        let mut drawn_per_block = Vec::new();
        for n in 3..6 {
            System::set_block_number(n);
            let before = Queue::<Test>::get().len();
            let used = TriadTasks::on_initialize(n);
            assert!(used.all_lte(HookWeight::get()), "block {n}: {used:?} over the budget");
            drawn_per_block.push(before - Queue::<Test>::get().len());
            check();
        }
        assert!(drawn_per_block.iter().all(|n| *n <= most), "{drawn_per_block:?}: at most {most} draws a block");
        assert_eq!(drawn_per_block.iter().sum::<usize>(), 8, "every task is drawn: {drawn_per_block:?}");
        assert!(Tasks::<Test>::iter().all(|(_, t)| matches!(t.phase, Phase::Execute { .. })));
    });
}

#[test]
fn an_off_chain_output_is_taken_on_the_executors_word_and_settled_by_the_verifiers() {
    // The chain cannot fingerprint bytes it never sees: it keeps the hash the
    // commitment opened to and the fingerprint the executor states. Honest
    // verifiers fetch the bytes, so the statement is worth what they find.
    test_with(4, || {
        let task = submit();
        draw();
        let who = seats(task);
        let hash = [5; 32];
        offchain_to_reveal(task, hash);
        let stated = offchain_output(hash, 1_000, fp_of(task, HONEST));
        assert_noop!(
            TriadTasks::reveal_answer(
                RuntimeOrigin::signed(who[0]),
                task,
                offchain_output([6; 32], 1_000, fp_of(task, HONEST)),
                salt(who[0])
            ),
            Error::<Test>::CommitmentMismatch
        );
        reveal_answer(task, &stated);
        let attempt = Tasks::<Test>::get(task).unwrap().attempts[0].clone();
        assert_eq!(attempt.posted, Some(Posted::Offchain { hash, size: 1_000 }));
        assert_eq!(attempt.seats[0].reveal, Some(fp_of(task, HONEST)), "the stated fingerprint is the executor's");
        assert!(Outputs::<Test>::get(task, 0).is_none(), "nothing of the output is stored on chain");
        assert!(events().contains(&Event::AnswerRevealed {
            task,
            executor: who[0],
            posted: Posted::Offchain { hash, size: 1_000 },
            until: System::block_number() + PERIOD
        }));
        for i in 1..4 {
            vote(task, i, &fp_of(task, HONEST), Vote::Match);
        }
        assert_eq!(verdict(task, 0), Outcome::Accepted);
        assert_eq!(TriadTasks::task_view(task).unwrap().output, None, "the client fetches the result by its hash");
        assert_eq!(Balances::free_balance(who[0]), START - BOND + 40);
    });
}

#[test]
fn an_executor_that_states_the_honest_fingerprint_over_other_bytes_is_rejected() {
    // It computed the honest output, so it can state its fingerprint; but it
    // serves other bytes (or none). The verifiers fetch what it serves, find
    // the fingerprint or the values wrong, or nothing at all, and vote
    // `Mismatch`: their own fingerprints agree with each other, so it is
    // rejected and pays like any liar.
    test_with(5, || {
        let task = submit();
        draw();
        let who = seats(task);
        offchain_to_reveal(task, [5; 32]);
        reveal_answer(task, &offchain_output([5; 32], 1_000, fp_of(task, HONEST)));
        for i in 1..4 {
            vote(task, i, &fp_of(task, HONEST), Vote::Mismatch);
        }
        assert_eq!(verdict(task, 0), Outcome::Rejected);
        let after_bounties = BOND - 60;
        assert_eq!(bond(who[0]), after_bounties - after_bounties / 2, "the executor's slash");
        for v in &who[1..] {
            assert_eq!(Balances::free_balance(v), START - BOND + 20, "each catcher gets its bounty");
        }
        assert_eq!(phase(task), Phase::Queued, "the task re-runs");
    });
}

#[test]
fn an_off_chain_output_must_be_too_large_for_a_block_and_within_the_bound() {
    // Small outputs stay inline, where the chain fingerprints them itself and
    // auditors read them; large ones are bounded like inputs.
    for (size, error) in [(256, Error::<Test>::OutputFitsInline), (100_001, Error::<Test>::OutputTooLarge)] {
        test_with(4, || {
            let task = submit();
            draw();
            let who = seats(task);
            offchain_to_reveal(task, [5; 32]);
            let answer = offchain_output([5; 32], size, fp_of(task, HONEST));
            assert_noop!(TriadTasks::reveal_answer(RuntimeOrigin::signed(who[0]), task, answer, salt(who[0])), error);
        });
    }
}
