//! TEE mode: who the draw seats, the one-verifier rule, the price, and why
//! an attestation that expires mid-task costs its executor nothing.

use crate::{drive::*, mock::*, *};
use frame_support::{assert_noop, assert_ok};
use triad_primitives::{Measurement, TcbStatus, TcbStatuses, TeePolicy};

const GOOD: Measurement = Measurement::MrTd([0xA1; 48]);
const OTHER: Measurement = Measurement::MrTd([0xB2; 48]);
const NOW: u64 = 1_000_000;
const DAY: u64 = 86_400;
/// What a TEE task costs at the mock's price of 100 and 40% executor share:
/// the executor's 40 and one verifier's 20.
const TEE_PRICE: Balance = 60;

fn policy(measurement: Measurement) -> TeePolicy {
    TeePolicy { measurements: vec![measurement], statuses: TcbStatuses::DEFAULT }
}

fn submit_tee() -> TaskId {
    let deadline = System::block_number() + 60;
    let input = InputArg::Inline(input());
    assert_ok!(TriadTasks::submit_task(RuntimeOrigin::signed(CLIENT), TEE_MODEL, input, FEE, Mode::Tee, deadline));
    NextTaskId::<Test>::get() - 1
}

/// Runs a drawn TEE attempt to settlement: the executor posts `executor`,
/// the verifier computes `verifier` and votes on the executor's output.
fn run_pair(task: TaskId, executor: [f32; 4], verifier: [f32; 4]) {
    commit_answer(task, &output(executor));
    to_key(task);
    commit_fp(task, 1, &fp_of(task, verifier));
    assert!(matches!(phase(task), Phase::Reveal { .. }), "the only verifier committed");
    reveal_answer(task, &output(executor));
    let agrees = if executor == verifier { Vote::Match } else { Vote::Mismatch };
    vote(task, 1, &fp_of(task, verifier), agrees);
}

/// A TEE task drawn when only `WORKERS[0]` is attested to the allowed code.
fn drawn_with_one_attested() -> TaskId {
    set_tee_policy(Some(policy(GOOD)));
    attest(WORKERS[0], GOOD, TcbStatus::UpToDate, NOW + DAY);
    let task = submit_tee();
    draw();
    task
}

fn attempt(task: TaskId) -> AttemptOf<Test> {
    Tasks::<Test>::get(task).unwrap().attempts.last().unwrap().clone()
}

#[test]
fn tee_tasks_need_the_mode_and_a_policy_and_cost_two_seats() {
    test_with(4, || {
        let tee = |model| {
            let deadline = System::block_number() + 60;
            TriadTasks::submit_task(RuntimeOrigin::signed(CLIENT), model, InputArg::Inline(input()), FEE, Mode::Tee, deadline)
        };
        assert_noop!(tee(MODEL), Error::<Test>::ModeNotAllowed);
        assert_noop!(tee(TEE_MODEL), Error::<Test>::NoTeePolicy);
        set_tee_policy(Some(policy(GOOD)));
        let deadline = System::block_number() + 60;
        let low = TriadTasks::submit_task(
            RuntimeOrigin::signed(CLIENT),
            TEE_MODEL,
            InputArg::Inline(input()),
            TEE_PRICE - 1,
            Mode::Tee,
            deadline,
        );
        assert_noop!(low, Error::<Test>::FeeBelowPrice);
        let task = submit_tee();
        let info = Tasks::<Test>::get(task).unwrap();
        assert_eq!((info.mode, info.price, info.escrow), (Mode::Tee, TEE_PRICE, FEE));
        assert_eq!(held(CLIENT), FEE);
    });
}

#[test]
fn the_draw_seats_only_an_attested_executor_the_policy_allows() {
    test_with(6, || {
        set_tee_policy(Some(policy(GOOD)));
        attest(WORKERS[0], GOOD, TcbStatus::UpToDate, NOW + DAY);
        attest(WORKERS[1], OTHER, TcbStatus::UpToDate, NOW + DAY);
        attest(WORKERS[2], GOOD, TcbStatus::OutOfDate, NOW + DAY);
        attest(WORKERS[3], GOOD, TcbStatus::UpToDate, NOW);
        // WORKERS[4] and WORKERS[5] never attested.
        let tasks: Vec<TaskId> = (0..4).map(|_| submit_tee()).collect();
        draw();
        for task in tasks {
            let a = attempt(task);
            let who: Vec<AccountId> = a.seats.iter().map(|s| s.who).collect();
            assert_eq!(who.len(), 2, "one executor and one verifier");
            assert_eq!(who[0], WORKERS[0], "the only valid attestation the policy allows");
            assert_ne!(who[1], WORKERS[0]);
            let seal = a.attested.expect("the executor's attestation is kept");
            assert_eq!((seal.measurement, seal.tcb_status, seal.expires_at), (GOOD, TcbStatus::UpToDate, NOW + DAY));
            assert_eq!(seal.checked_at, NOW);
            assert_eq!(Assigned::<Test>::get(who[1], task), Some(Role::Verifier(0)));
            assert!(events().contains(&Event::TaskAssigned {
                task,
                attempt: 0,
                executor: who[0],
                verifiers: vec![who[1]],
                until: System::block_number() + PERIOD,
            }));
        }
    });
}

#[test]
fn without_an_allowed_attested_executor_a_tee_task_waits_and_is_refunded() {
    test_with(6, || {
        set_tee_policy(Some(policy(GOOD)));
        attest(WORKERS[1], OTHER, TcbStatus::UpToDate, NOW + DAY);
        let task = submit_tee();
        draw();
        assert_eq!(phase(task), Phase::Queued, "no worker may execute it");
        let deadline = Tasks::<Test>::get(task).unwrap().deadline;
        while phase(task) == Phase::Queued {
            assert!(System::block_number() < deadline, "refunded by its deadline");
            next_block();
        }
        assert!(matches!(phase(task), Phase::Done { resolution: Resolution::Unassigned, .. }));
        assert_eq!(held(CLIENT), 0, "the whole escrow is back");
    });
}

#[test]
fn an_endorsed_tee_result_pays_two_seats_and_refunds_the_rest() {
    test_with(4, || {
        let task = drawn_with_one_attested();
        let who = seats(task);
        let before = Balances::free_balance(CLIENT);
        run_pair(task, HONEST, HONEST);
        assert!(matches!(phase(task), Phase::Done { resolution: Resolution::Accepted, .. }));
        let a = attempt(task);
        assert_eq!(a.verdict.map(|v| v.outcome), Some(triad_verifier::Outcome::Accepted));
        assert_eq!((a.seats[0].paid, a.seats[1].paid), (40, 20));
        assert_eq!((a.seats[0].slashed, a.seats[1].slashed), (0, 0));
        assert_eq!(Tasks::<Test>::get(task).unwrap().refunded, FEE - TEE_PRICE);
        assert_eq!(Balances::free_balance(CLIENT), before + FEE - TEE_PRICE);
        assert!(events().contains(&Event::WorkerPaid { task, who: who[0], amount: 40 }));
        assert!(events().contains(&Event::WorkerPaid { task, who: who[1], amount: 20 }));
        assert!(events().contains(&Event::TaskFinished {
            task,
            resolution: Resolution::Accepted,
            paid: TEE_PRICE,
            refunded: FEE - TEE_PRICE
        }));
    });
}

#[test]
fn a_lone_dissent_reruns_the_task_and_slashes_nobody() {
    test_with(4, || {
        set_tee_policy(Some(policy(GOOD)));
        attest(WORKERS[0], GOOD, TcbStatus::UpToDate, NOW + DAY);
        attest(WORKERS[1], GOOD, TcbStatus::UpToDate, NOW + DAY);
        let task = submit_tee();
        draw();
        let first = seats(task);
        let bonds: Vec<Balance> = WORKERS[..4].iter().map(|w| bond(*w)).collect();
        run_pair(task, HONEST, [9.0, 9.0, 9.0, 9.0]);
        let a = Tasks::<Test>::get(task).unwrap().attempts[0].clone();
        assert_eq!(a.verdict.map(|v| v.outcome), Some(triad_verifier::Outcome::Inconclusive));
        assert_eq!((a.seats[0].paid, a.seats[1].paid), (0, 0), "nobody is paid for a disagreement");
        assert_eq!(WORKERS[..4].iter().map(|w| bond(*w)).collect::<Vec<_>>(), bonds, "nor slashed");
        assert_eq!(phase(task), Phase::Queued);
        assert!(events().contains(&Event::TaskRequeued { task, attempts: 1 }));
        draw();
        let second = seats(task);
        assert_ne!(second[0], first[0], "the disputed executor is not drawn again");
        assert!(second[0] == WORKERS[0] || second[0] == WORKERS[1]);
        run_pair(task, HONEST, HONEST);
        assert!(matches!(phase(task), Phase::Done { resolution: Resolution::Accepted, .. }));
    });
}

#[test]
fn an_attestation_that_expires_mid_task_costs_the_executor_nothing() {
    test_with(4, || {
        set_tee_policy(Some(policy(GOOD)));
        attest(WORKERS[0], GOOD, TcbStatus::UpToDate, NOW + 30);
        let task = submit_tee();
        draw();
        assert_eq!(seats(task)[0], WORKERS[0]);
        // The attestation runs out and the owner changes the policy while
        // the attempt runs: the seat stands as drawn.
        set_time(NOW + 3_600);
        set_tee_policy(Some(policy(OTHER)));
        let bond_before = bond(WORKERS[0]);
        run_pair(task, HONEST, HONEST);
        assert!(matches!(phase(task), Phase::Done { resolution: Resolution::Accepted, .. }));
        assert_eq!(attempt(task).seats[0].paid, 40);
        assert_eq!(bond(WORKERS[0]), bond_before);
        // A new task finds no executor the policy allows.
        let next = submit_tee();
        draw();
        assert_eq!(phase(next), Phase::Queued);
    });
}

#[test]
fn a_tee_executor_that_withholds_is_a_no_show_and_a_silent_verifier_a_minority() {
    test_with(4, || {
        let task = drawn_with_one_attested();
        let who = seats(task);
        commit_answer(task, &output(HONEST));
        to_key(task);
        commit_fp(task, 1, &fp_of(task, HONEST));
        // Neither reveals.
        let Phase::Reveal { until } = phase(task) else { panic!("revealing") };
        run_to(until);
        let Phase::Vote { until } = phase(task) else { panic!("voting") };
        run_to(until);
        let reasons: Vec<(AccountId, SlashReason)> = events()
            .into_iter()
            .filter_map(|e| if let Event::WorkerSlashed { who, reason, .. } = e { Some((who, reason)) } else { None })
            .collect();
        assert_eq!(reasons, vec![(who[0], SlashReason::NoShow), (who[1], SlashReason::Minority)]);
    });
}

#[test]
fn try_state_catches_a_tee_seat_without_a_valid_attestation() {
    test_with(4, || {
        let task = drawn_with_one_attested();
        assert_ok!(TriadTasks::do_try_state());
        let edit = |f: &dyn Fn(&mut AttemptOf<Test>)| {
            Tasks::<Test>::mutate(task, |t| f(t.as_mut().unwrap().attempts.last_mut().unwrap()));
        };
        edit(&|a| a.attested = None);
        assert!(TriadTasks::do_try_state().is_err(), "an unattested executor in a TEE seat");
        edit(&|a| {
            a.attested =
                Some(SeatAttestation { measurement: GOOD, tcb_status: TcbStatus::UpToDate, expires_at: NOW, checked_at: NOW })
        });
        assert!(TriadTasks::do_try_state().is_err(), "an attestation expired when drawn");
        edit(&|a| {
            a.attested =
                Some(SeatAttestation { measurement: GOOD, tcb_status: TcbStatus::UpToDate, expires_at: NOW + 1, checked_at: NOW })
        });
        assert_ok!(TriadTasks::do_try_state());
    });
}
