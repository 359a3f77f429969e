//! A driver of attempts for the tests: submit a job, run the blocks to the
//! draw and the key, and act as each seat (commit, reveal, vote) with the
//! right commitments, so a test says only what each seat does.

use crate::{mock::*, *};
use frame_support::{assert_ok, traits::fungible::InspectHold};
use sp_runtime::Perbill;
use triad_primitives::Fingerprint;

pub const FEE: Balance = 150;
/// The honest output of every test job.
pub const HONEST: [f32; 4] = [0.5, -1.25, 2.0, 0.75];

pub fn input() -> Vec<u8> {
    input_of(1, vec![1.0, 2.0, 3.0, 4.0])
}

pub fn submit() -> TaskId {
    submit_input(InputArg::Inline(input()))
}

/// A client's libp2p address: `/ip4/127.0.0.1/tcp/4001/p2p/<peer id>` in
/// binary form is about this long; the chain does not parse it.
pub fn provider() -> Vec<u8> {
    vec![0x04; 45]
}

/// An off-chain input of `size` bytes served at [`provider`].
pub fn offchain(size: u64) -> InputArg {
    InputArg::Offchain { hash: [9; 32], size, provider: provider() }
}

pub fn submit_input(input: InputArg) -> TaskId {
    let deadline = System::block_number() + 60;
    assert_ok!(TriadTasks::submit_task(RuntimeOrigin::signed(CLIENT), MODEL, input, FEE, Mode::Lsh, deadline));
    NextTaskId::<Test>::get() - 1
}

/// Runs the blocks until a task queued now is drawn.
pub fn draw() {
    for _ in 0..DRAW_DELAY {
        next_block();
    }
}

pub fn current(task: TaskId) -> Vec<Seat<AccountId, Balance>> {
    Tasks::<Test>::get(task).unwrap().attempts.last().unwrap().seats.to_vec()
}

pub fn seats(task: TaskId) -> Vec<AccountId> {
    current(task).into_iter().map(|s| s.who).collect()
}

pub fn phase(task: TaskId) -> Phase<u64> {
    Tasks::<Test>::get(task).unwrap().phase
}

pub fn salt(who: AccountId) -> [u8; 32] {
    [who as u8; 32]
}

/// The executor's answer for an output.
pub fn output(data: [f32; 4]) -> AnswerArg {
    AnswerArg::Output(output_of(data))
}

/// Commits the executor to an off-chain output with content address `hash`.
pub fn commit_offchain(task: TaskId, hash: [u8; 32]) {
    let who = seats(task)[0];
    assert_ok!(TriadTasks::commit_answer(RuntimeOrigin::signed(who), task, answer_commitment(&hash, &salt(who), &who, task)));
}

/// Runs a drawn attempt to its reveal phase with the executor committed to
/// an off-chain output at `hash` and every verifier to the honest output.
pub fn offchain_to_reveal(task: TaskId, hash: [u8; 32]) {
    commit_offchain(task, hash);
    to_key(task);
    for i in 1..4 {
        commit_fp(task, i, &fp_of(task, HONEST));
    }
}

pub fn commit_answer(task: TaskId, answer: &AnswerArg) {
    let who = seats(task)[0];
    let digest = match answer {
        AnswerArg::Output(bytes) => Answer::Output(bytes).digest(),
        AnswerArg::Offchain { .. } => panic!("use commit_offchain"),
        AnswerArg::CannotRun(r) => Answer::CannotRun(*r).digest(),
    };
    assert_ok!(TriadTasks::commit_answer(RuntimeOrigin::signed(who), task, answer_commitment(&digest, &salt(who), &who, task)));
}

/// Runs the blocks until the attempt key is drawn.
pub fn to_key(task: TaskId) {
    let Phase::Key { at } = phase(task) else { panic!("waiting for the key: {:?}", phase(task)) };
    run_to(at);
    assert!(matches!(phase(task), Phase::Check { .. }));
}

pub fn key(task: TaskId) -> triad_verifier::AttemptKey {
    Tasks::<Test>::get(task).unwrap().attempts.last().unwrap().key.expect("drawn")
}

/// The fingerprint of an output under the task's attempt key.
pub fn fp_of(task: TaskId, data: [f32; 4]) -> Fingerprint {
    let t = triad_verifier::TensorData::f32(vec![1, 4], data.to_vec());
    triad_verifier::fingerprint(&params(), &key(task), &t.view()).unwrap()
}

/// An off-chain output of `size` bytes whose content address is `hash`,
/// stating `fingerprint` under the attempt key.
pub fn offchain_output(hash: [u8; 32], size: u64, fingerprint: Fingerprint) -> AnswerArg {
    AnswerArg::Offchain { hash, size, fingerprint }
}

pub fn commit_fp(task: TaskId, seat: usize, fingerprint: &Fingerprint) {
    let who = seats(task)[seat];
    let c = reveal_commitment(fingerprint, &salt(who), &who, task);
    assert_ok!(TriadTasks::commit_fingerprint(RuntimeOrigin::signed(who), task, c));
}

pub fn reveal_answer(task: TaskId, answer: &AnswerArg) {
    let who = seats(task)[0];
    assert_ok!(TriadTasks::reveal_answer(RuntimeOrigin::signed(who), task, answer.clone(), salt(who)));
}

pub fn vote(task: TaskId, seat: usize, fingerprint: &Fingerprint, vote: Vote) {
    let who = seats(task)[seat];
    assert_ok!(TriadTasks::reveal_vote(RuntimeOrigin::signed(who), task, *fingerprint, salt(who), vote));
}

/// What a seat does in one attempt of the driver.
#[derive(Clone, Copy)]
pub enum Act {
    /// Computes this output; verifiers commit its fingerprint and vote
    /// `Match` when the executor posted the same output.
    Output([f32; 4]),
    /// Commits, then never reveals.
    Withhold([f32; 4]),
    /// Never commits.
    Absent,
}

/// Drives one attempt from the draw to settlement: the executor acts first
/// (its output is what it posts), then each verifier.
pub fn run_attempt(task: TaskId, acts: [Act; 4]) -> Vec<AccountId> {
    let who = seats(task);
    let posted = match acts[0] {
        Act::Output(o) | Act::Withhold(o) => {
            commit_answer(task, &output(o));
            to_key(task);
            Some(o)
        },
        Act::Absent => {
            let Phase::Execute { until } = phase(task) else { panic!("executing") };
            run_to(until);
            return who;
        },
    };
    for i in 1..4 {
        if let Act::Output(o) | Act::Withhold(o) = acts[i] {
            commit_fp(task, i, &fp_of(task, o));
        }
    }
    if let Phase::Check { until } = phase(task) {
        run_to(until);
    }
    if let Act::Output(o) = acts[0] {
        reveal_answer(task, &output(o));
    } else if let Phase::Reveal { until } = phase(task) {
        run_to(until);
    }
    for i in 1..4 {
        if let Act::Output(o) = acts[i] {
            let agrees = matches!(acts[0], Act::Output(e) if e == o);
            vote(task, i, &fp_of(task, o), if agrees { Vote::Match } else { Vote::Mismatch });
        }
    }
    if let Phase::Vote { until } = phase(task) {
        run_to(until);
    }
    let _ = posted;
    who
}

pub fn held(who: AccountId) -> Balance {
    Balances::balance_on_hold(&HoldReason::TaskEscrow.into(), &who)
}

pub fn deposit_held(who: AccountId) -> Balance {
    Balances::balance_on_hold(&HoldReason::TaskDeposit.into(), &who)
}

pub fn score(who: AccountId) -> Perbill {
    <mock::Reputation as triad_primitives::Reputation<_, _>>::score_of(&who, MODEL)
}

pub fn bond(who: AccountId) -> Balance {
    pallet_triad_workers::Workers::<Test>::get(who).unwrap().bonded
}
