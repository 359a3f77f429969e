//! Proved tasks ([`Mode::Groth16`]) with real proofs of the digits MLP in
//! `zk/fixtures`: the honest path, then every way an executor could try to
//! be paid for a proof that does not prove its job. Each attack is refused,
//! slashed and re-run.

use crate::{
    drive::{bond, held},
    mock::{zk, *},
    payouts::ProofState,
    *,
};
use codec::Encode;
use frame_support::{assert_noop, assert_ok};
use rand::{rngs::StdRng, SeedableRng};
use triad_verifier::{wire, Data, TensorData};
use triad_zk_verify::{context, Fr};

const FEE: Balance = 150;

/// A held-out digit from `zk/fixtures/digits_test.bin`, as wire bytes and pixels.
fn digit(n: usize) -> (Vec<u8>, Vec<u8>) {
    let all = std::fs::read(format!("{}/../../zk/fixtures/digits_test.bin", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let pixels = all[n * 65 + 1..n * 65 + 65].to_vec();
    let tensor = TensorData { shape: vec![1, 64], data: Data::U8(pixels.clone()) };
    (wire::encode(&[wire::NamedTensor { name: "pixels".into(), tensor }]), pixels)
}

fn logits(values: &[i64]) -> Vec<u8> {
    let tensor = TensorData { shape: vec![1, 10], data: Data::I64(values.to_vec()) };
    wire::encode(&[wire::NamedTensor { name: "logits".into(), tensor }])
}

fn submit_proved(input: Vec<u8>) -> TaskId {
    let deadline = System::block_number() + 60;
    assert_ok!(TriadTasks::submit_task(
        RuntimeOrigin::signed(CLIENT),
        PROVED,
        InputArg::Inline(input),
        FEE,
        Mode::Groth16,
        deadline
    ));
    NextTaskId::<Test>::get() - 1
}

/// The executor of the task's current attempt and the attempt's index.
fn executor(task: TaskId) -> (AccountId, u32) {
    let info = Tasks::<Test>::get(task).unwrap();
    (info.attempts.last().unwrap().seats[0].who, info.attempts.len() as u32 - 1)
}

/// What an honest executor posts: the model's output on `pixels` and its
/// proof for this task, attempt and executor.
fn prove(circuit: &zk::Circuit, task: TaskId, pixels: &[u8], ctx: Option<Fr>) -> (Vec<u8>, Proof) {
    let (who, attempt) = executor(task);
    let ctx = ctx.unwrap_or_else(|| context(PROVED, task, attempt, &who.encode()));
    let proven = circuit.model.prove(&circuit.keys.proving, pixels, ctx, &mut StdRng::seed_from_u64(task)).unwrap();
    (logits(&proven.output), proven.proof)
}

fn post(task: TaskId, output: Vec<u8>, proof: Proof) {
    let (who, _) = executor(task);
    assert_ok!(TriadTasks::submit_proof(RuntimeOrigin::signed(who), task, output, proof));
}

fn failure(task: TaskId) -> Option<ProofFailure> {
    events()
        .into_iter()
        .rev()
        .find_map(|e| match e {
            Event::ProofChecked { task: t, failure, .. } if t == task => Some(failure),
            _ => None,
        })
        .expect("the proof was checked")
}

#[test]
fn a_valid_proof_settles_the_task_without_verifiers() {
    test_with(4, || {
        let (input, pixels) = digit(0);
        let task = submit_proved(input);
        assert_eq!(Tasks::<Test>::get(task).unwrap().price, PROOF_PRICE);
        run_to(System::block_number() + DRAW_DELAY as u64);
        let info = Tasks::<Test>::get(task).unwrap();
        assert!(matches!(info.phase, Phase::Execute { .. }));
        let seats = &info.attempts[0].seats;
        assert_eq!(seats.len(), 1, "a proof needs no verifiers");
        let who = seats[0].who;
        assert_eq!(Assigned::<Test>::get(who, task), Some(Role::Executor));
        let before = Balances::free_balance(who);

        let (output, proof) = prove(zk::digits(), task, &pixels, None);
        post(task, output.clone(), proof);

        assert_eq!(failure(task), None);
        let info = Tasks::<Test>::get(task).unwrap();
        assert!(matches!(info.phase, Phase::Done { resolution: Resolution::Accepted, .. }));
        assert_eq!(info.attempts[0].seats[0].paid, PROOF_PRICE);
        assert_eq!(info.refunded, FEE - PROOF_PRICE);
        assert_eq!(Balances::free_balance(who), before + PROOF_PRICE);
        assert_eq!(held(CLIENT), 0);
        assert_eq!(Outputs::<Test>::get(task, 0).unwrap().to_vec(), output);
        assert_eq!(Proofs::<Test>::get(task, 0), Some(proof));
        assert_eq!(Assigned::<Test>::get(who, task), None);
        let view = TriadTasks::task_view(task).unwrap();
        assert_eq!(view.output.map(|o| o.to_vec()), Some(output));
        assert_eq!(view.proofs, vec![(0, proof)]);
        let ev = events();
        assert!(ev.contains(&Event::WorkerPaid { task, who, amount: PROOF_PRICE }));
        assert!(ev.contains(&Event::TaskFinished {
            task,
            resolution: Resolution::Accepted,
            paid: PROOF_PRICE,
            refunded: FEE - PROOF_PRICE
        }));
    });
}

/// Runs an attack: the first executor posts what `attack` makes of the
/// honest output and proof; it must be refused with `expected`, slashed,
/// and the task re-run and settled by an honest second executor.
fn refused(attack: impl FnOnce(TaskId, &[u8], (Vec<u8>, Proof)) -> (Vec<u8>, Proof), expected: ProofFailure) {
    test_with(4, || {
        let (input, pixels) = digit(1);
        let task = submit_proved(input);
        run_to(System::block_number() + DRAW_DELAY as u64);
        let (cheat, _) = executor(task);
        let stake = bond(cheat);
        let honest = prove(zk::digits(), task, &pixels, None);
        let (output, proof) = attack(task, &pixels, honest);
        post(task, output, proof);

        assert_eq!(failure(task), Some(expected));
        let info = Tasks::<Test>::get(task).unwrap();
        assert_eq!(info.phase, Phase::Queued, "a refused proof re-runs the task");
        assert_eq!(info.attempts[0].seats[0].paid, 0);
        assert_eq!(info.attempts[0].seats[0].slashed, ExecutorSlash::get() * stake);
        assert_eq!(bond(cheat), stake - ExecutorSlash::get() * stake);
        assert!(events().contains(&Event::WorkerSlashed {
            task,
            who: cheat,
            amount: ExecutorSlash::get() * stake,
            reason: SlashReason::InvalidProof
        }));
        assert_eq!(held(CLIENT), FEE, "the client pays nothing for a refused proof");

        // The re-run draws someone else, who proves honestly.
        run_to(System::block_number() + DRAW_DELAY as u64);
        let (second, attempt) = executor(task);
        assert_ne!(second, cheat);
        assert_eq!(attempt, 1);
        let (output, proof) = prove(zk::digits(), task, &pixels, None);
        post(task, output, proof);
        assert!(matches!(Tasks::<Test>::get(task).unwrap().phase, Phase::Done { resolution: Resolution::Accepted, .. }));
    });
}

#[test]
fn a_proof_of_the_true_output_with_another_output_posted_is_refused() {
    refused(
        |_, _, (output, proof)| {
            let mut values = crate::proofs::statement_output(&output).unwrap();
            values[3] += 1;
            (logits(&values), proof)
        },
        ProofFailure::Rejected,
    );
}

#[test]
fn a_proof_of_another_input_is_refused() {
    refused(
        |task, pixels, _| {
            let mut other = pixels.to_vec();
            other[20] = other[20].wrapping_add(1);
            prove(zk::digits(), task, &other, None)
        },
        ProofFailure::Rejected,
    );
}

#[test]
fn a_proof_under_another_models_key_is_refused() {
    refused(|task, pixels, _| prove(zk::other(), task, pixels, None), ProofFailure::Rejected);
}

#[test]
fn a_proof_with_a_tampered_byte_is_refused() {
    // A flipped bit in a point's encoding either leaves the curve (malformed)
    // or lands on another point (rejected); both are refused.
    refused(
        |_, _, (output, mut proof)| {
            proof[70] ^= 0x10;
            (output, proof)
        },
        ProofFailure::Malformed,
    );
}

#[test]
fn a_proof_made_for_another_prover_or_attempt_is_refused() {
    // Proofs are bound to (model, task, attempt, executor): a copy made for
    // anyone else's seat proves another statement.
    refused(
        |task, pixels, _| {
            let (who, attempt) = executor(task);
            prove(zk::digits(), task, pixels, Some(context(PROVED, task, attempt + 1, &who.encode())))
        },
        ProofFailure::Rejected,
    );
}

#[test]
fn a_proof_replayed_from_an_earlier_task_is_refused() {
    test_with(4, || {
        // Task A on this input is proved and paid.
        let (input, pixels) = digit(2);
        let a = submit_proved(input.clone());
        run_to(System::block_number() + DRAW_DELAY as u64);
        let (output, proof) = prove(zk::digits(), a, &pixels, None);
        post(a, output.clone(), proof);
        assert_eq!(failure(a), None);

        // Task B asks for the same input again: replaying A's output and
        // proof, valid bytes for a true output, proves A's statement, not B's.
        let b = submit_proved(input);
        run_to(System::block_number() + DRAW_DELAY as u64);
        let (cheat, _) = executor(b);
        post(b, output, proof);
        assert_eq!(failure(b), Some(ProofFailure::Rejected));
        assert_eq!(Tasks::<Test>::get(b).unwrap().attempts[0].seats[0].slashed, ExecutorSlash::get() * BOND);
        assert!(bond(cheat) < BOND);
    });
}

#[test]
fn an_executor_without_a_proof_is_a_no_show() {
    test_with(4, || {
        let (input, _) = digit(3);
        let task = submit_proved(input);
        run_to(System::block_number() + DRAW_DELAY as u64);
        let (who, _) = executor(task);
        let Phase::Execute { until } = Tasks::<Test>::get(task).unwrap().phase else { panic!("executing") };
        run_to(until);
        let info = Tasks::<Test>::get(task).unwrap();
        assert_eq!(info.phase, Phase::Queued);
        assert_eq!(info.attempts[0].verdict, Some(crate::payouts::proof_verdict(ProofState::Missing)));
        assert!(events().contains(&Event::WorkerSlashed {
            task,
            who,
            amount: NoShowSlash::get() * BOND,
            reason: SlashReason::NoShow
        }));
        assert_eq!(Proofs::<Test>::get(task, 0), None);
    });
}

#[test]
fn proved_tasks_refuse_what_does_not_belong_to_them() {
    test_with(4, || {
        let at = |model, input: Vec<u8>, fee, mode| {
            TriadTasks::submit_task(RuntimeOrigin::signed(CLIENT), model, InputArg::Inline(input), fee, mode, 60)
        };
        let (input, pixels) = digit(4);
        assert_noop!(at(PROVED, input.clone(), PROOF_PRICE - 1, Mode::Groth16), Error::<Test>::FeeBelowPrice);
        assert_noop!(at(PROVED, vec![0; 97], FEE, Mode::Groth16), Error::<Test>::ProofInputNotInline);
        let off = InputArg::Offchain { hash: [1; 32], size: 64, provider: vec![4; 40] };
        assert_noop!(
            TriadTasks::submit_task(RuntimeOrigin::signed(CLIENT), PROVED, off, FEE, Mode::Groth16, 60),
            Error::<Test>::ProofInputNotInline
        );
        assert_noop!(at(PROVED, vec![1, 2, 3], FEE, Mode::Groth16), Error::<Test>::InputMalformed);

        let task = submit_proved(input);
        run_to(System::block_number() + DRAW_DELAY as u64);
        let (who, _) = executor(task);
        let (output, proof) = prove(zk::digits(), task, &pixels, None);
        // Commitments are for LSH tasks.
        assert_noop!(TriadTasks::commit_answer(RuntimeOrigin::signed(who), task, [0; 32]), Error::<Test>::WrongMode);
        // Only the executor posts.
        let other = WORKERS.iter().copied().find(|w| *w != who).unwrap();
        assert_noop!(
            TriadTasks::submit_proof(RuntimeOrigin::signed(other), task, output.clone(), proof),
            Error::<Test>::NotAssigned
        );
        // An output that does not fit the model is refused before any
        // proof is checked, and can be corrected.
        assert_noop!(
            TriadTasks::submit_proof(RuntimeOrigin::signed(who), task, vec![9; 8], proof),
            Error::<Test>::OutputMalformed
        );
        assert_noop!(
            TriadTasks::submit_proof(RuntimeOrigin::signed(who), task, logits(&[0; 9]), proof),
            Error::<Test>::OutputMalformed
        );
        assert_ok!(TriadTasks::submit_proof(RuntimeOrigin::signed(who), task, output.clone(), proof));
        assert_noop!(
            TriadTasks::submit_proof(RuntimeOrigin::signed(who), task, output.clone(), proof),
            Error::<Test>::NotExecuting
        );
        // Proofs are not how LSH tasks are answered.
        let lsh = crate::drive::submit();
        run_to(System::block_number() + DRAW_DELAY as u64);
        let lsh_executor = crate::drive::seats(lsh)[0];
        assert_noop!(TriadTasks::submit_proof(RuntimeOrigin::signed(lsh_executor), lsh, output, proof), Error::<Test>::WrongMode);
    });
}
