use triad_verifier::{majority, wire, Fingerprint, LshParams, Outcome, TensorData, Vote};

use super::*;

const TASK: u64 = 42;
const KEY: [u8; 32] = [7; 32];

fn lsh() -> LshParams {
    LshParams::projection(7)
}

fn output(shift: f32) -> Vec<u8> {
    let t = TensorData::f32(vec![1, 16], (0..16).map(|i| i as f32 / 3.0 + shift).collect());
    wire::encode(&[wire::NamedTensor { name: "y".into(), tensor: t }])
}

fn fingerprint_of(bytes: &[u8]) -> Fingerprint {
    let t = wire::decode(bytes).unwrap();
    triad_verifier::fingerprint(&lsh(), &KEY, &t[0].tensor.view()).unwrap()
}

fn seat(n: u8) -> SeatRecord {
    SeatRecord {
        who: [n; 32],
        name: format!("seat{n}"),
        commit: None,
        reveal: None,
        vote: None,
        paid: 0,
        bounty: 0,
        slashed: 0,
        call: None,
    }
}

/// An honest attempt, settled and paid: 10 to the executor, 2 to each verifier.
fn honest() -> TaskRecord {
    let bytes = output(0.0);
    let fp = fingerprint_of(&bytes);
    let salt = [1; 32];
    let mut executor = seat(0);
    let answer = EncodedAnswer::Output(bytes.clone());
    executor.commit = Some(triad_primitives::answer_commitment(&answer.digest(), &salt, &executor.who, TASK));
    executor.reveal = Some(fp);
    executor.paid = 10;
    executor.call = Some(Found { block: 5, index: 1, reveal: Reveal::Answer { answer, salt } });
    let mut seats = vec![executor];
    for n in 1..=3 {
        let mut v = seat(n);
        let salt = [n + 10; 32];
        v.commit = Some(triad_primitives::reveal_commitment(&fp, &salt, &v.who, TASK));
        v.reveal = Some(fp);
        v.vote = Some(Vote::Match);
        v.paid = 2;
        v.call = Some(Found { block: 6, index: u32::from(n), reveal: Reveal::Vote { fingerprint: fp, vote: Vote::Match, salt } });
        seats.push(v);
    }
    let verdict = majority(Some(&fp), [Some((&fp, Vote::Match)); 3], &lsh());
    assert_eq!(verdict.outcome, Outcome::Accepted);
    TaskRecord {
        id: TASK,
        model: 1,
        mode: Mode::Lsh,
        lsh: lsh(),
        proof_key: None,
        escrow: 20,
        price: 10,
        refunded: 4,
        settled: Some(Settlement { resolution: "Accepted".into(), at: 7 }),
        input: None,
        result: Some(bytes.clone()),
        attempts: vec![AttemptRecord {
            assigned_at: 2,
            end: 7,
            key: Some(KEY),
            posted: Some(Posted::Output { hash: *blake3::hash(&bytes).as_bytes() }),
            output: Some(bytes),
            proof: None,
            attested: None,
            verdict: Some(verdict),
            seats,
            fetched: Fetched::NotTried,
        }],
    }
}

fn failed_kinds(report: &Report) -> Vec<CheckKind> {
    report.failures().map(|c| c.kind).collect()
}

#[test]
fn an_honest_settled_task_passes_every_check() {
    let report = audit(&honest());
    assert_eq!(report.conclusion, Conclusion::Passed, "{report:#?}");
    let kinds: Vec<CheckKind> = report.checks.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        [
            CheckKind::AnswerOpens,
            CheckKind::Fingerprint,
            CheckKind::OutputHash,
            CheckKind::VoteOpens,
            CheckKind::VoteOpens,
            CheckKind::VoteOpens,
            CheckKind::Verdict,
            CheckKind::Settlement,
            CheckKind::Result
        ]
    );
    assert!(report.notes.iter().any(|n| n.text == "3 of 3 verifier fingerprints agree with the executor's"));
}

#[test]
fn a_payment_changed_by_hand_fails_the_settlement_check() {
    let mut task = honest();
    task.attempts[0].seats[2].paid += 1;
    let report = audit(&task);
    assert_eq!(report.conclusion, Conclusion::Failed);
    assert_eq!(failed_kinds(&report), [CheckKind::Settlement]);
}

#[test]
fn a_reveal_that_does_not_open_its_commitment_fails() {
    let mut task = honest();
    if let Some(Found { reveal: Reveal::Answer { salt, .. }, .. }) = &mut task.attempts[0].seats[0].call {
        salt[0] ^= 1;
    }
    if let Some(Found { reveal: Reveal::Vote { salt, .. }, .. }) = &mut task.attempts[0].seats[3].call {
        salt[0] ^= 1;
    }
    assert_eq!(failed_kinds(&audit(&task)), [CheckKind::AnswerOpens, CheckKind::VoteOpens]);
}

#[test]
fn a_fingerprint_the_posted_output_does_not_give_fails() {
    let mut task = honest();
    // The chain's record says the executor posted another output than the one revealed.
    let other = output(5.0);
    task.attempts[0].seats[0].reveal = Some(fingerprint_of(&other));
    let report = audit(&task);
    assert!(failed_kinds(&report).contains(&CheckKind::Fingerprint), "{report:#?}");
    assert!(failed_kinds(&report).contains(&CheckKind::Verdict), "{report:#?}");
}

#[test]
fn a_verdict_that_does_not_follow_from_the_votes_fails() {
    let mut task = honest();
    let v = task.attempts[0].verdict.as_mut().unwrap();
    v.outcome = Outcome::Rejected;
    assert_eq!(failed_kinds(&audit(&task)), [CheckKind::Verdict]);
}

#[test]
fn a_seat_that_never_revealed_must_have_been_slashed() {
    let mut task = honest();
    let absent = &mut task.attempts[0].seats[1];
    absent.reveal = None;
    absent.call = None;
    absent.vote = None;
    absent.paid = 0;
    task.refunded += 2;
    let report = audit(&task);
    assert_eq!(failed_kinds(&report), [CheckKind::Absent, CheckKind::Verdict]);
    task.attempts[0].seats[1].slashed = 5;
    // The verdict recorded three votes; with two it is recomputed differently.
    let two = task.attempts[0].seats[2].reveal.unwrap();
    task.attempts[0].verdict = Some(majority(Some(&two), [None, Some((&two, Vote::Match)), Some((&two, Vote::Match))], &lsh()));
    assert_eq!(audit(&task).conclusion, Conclusion::Passed);
}

#[test]
fn a_reveal_recorded_without_its_extrinsic_fails() {
    let mut task = honest();
    task.attempts[0].seats[0].call = None;
    task.attempts[0].seats[2].call = None;
    assert_eq!(failed_kinds(&audit(&task)), [CheckKind::AnswerOpens, CheckKind::VoteOpens]);
}

#[test]
fn a_task_that_never_ran_or_is_not_settled_never_passes() {
    let mut task = honest();
    task.attempts.clear();
    task.refunded = task.escrow;
    task.result = None;
    assert_eq!(audit(&task).conclusion, Conclusion::NothingRan);
    let mut open = honest();
    open.settled = None;
    open.attempts[0].verdict = None;
    assert_eq!(audit(&open).conclusion, Conclusion::NotSettled);
}

#[test]
fn a_check_added_from_an_index_concludes_again() {
    let mut report = audit(&honest());
    report.add(None, CheckKind::Index, true, "the index agrees");
    assert_eq!(report.conclusion, Conclusion::Passed);
    report.add(None, CheckKind::Index, false, "the index says 11 paid where the chain says 10");
    assert_eq!(report.conclusion, Conclusion::Failed);
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["conclusion"], "Failed");
    assert_eq!(json["checks"].as_array().unwrap().len(), 11);
}

#[test]
fn tokens_show_all_twelve_decimals() {
    assert_eq!(tokens(1_500_000_000_000), "1.500000000000");
    assert_eq!(tokens(7), "0.000000000007");
}
