//! The checks themselves: [`audit`] walks a [`TaskRecord`] attempt by
//! attempt and seat by seat.

use triad_verifier::{agrees, cannot_run, distance, majority, pair, wire, Data, Fingerprint, Outcome, Verdict, Vote};

use super::{tokens, AttemptRecord, CheckKind, Fetched, Mode, Posted, ProofKey, Report, Reveal, TaskRecord};
use crate::EncodedAnswer;

/// Audits `task`: every check of the module documentation, in order.
pub fn audit(task: &TaskRecord) -> Report {
    let mut report = Report::new(task.id, task.settled.is_some(), !task.attempts.is_empty());
    for (n, a) in task.attempts.iter().enumerate() {
        let at = Some(n as u32 + 1);
        if task.mode == Mode::Groth16 {
            proof(&mut report, task, n, a, at);
            continue;
        }
        let executor_fp = executor(&mut report, task, a, at);
        let mut fps: [Option<Fingerprint>; 3] = [None; 3];
        let mut cast = [Vote::Mismatch; 3];
        for (s, seat) in a.seats.iter().enumerate().skip(1) {
            let Some(stored) = &seat.reveal else {
                let note = if seat.commit.is_some() { "committed, never revealed" } else { "never committed" };
                report.add(
                    at,
                    CheckKind::Absent,
                    a.verdict.is_none() || seat.slashed > 0 || a.key.is_none(),
                    format!("verifier {s} {}: {note}; slashed {}", seat.name, tokens(seat.slashed)),
                );
                continue;
            };
            // The verdict is recomputed from what the chain recorded, so a
            // missing extrinsic fails its own check and no other.
            fps[s - 1] = Some(*stored);
            cast[s - 1] = seat.vote.unwrap_or(Vote::Mismatch);
            let Some(Reveal::Vote { fingerprint, vote, salt }) = seat.call.as_ref().map(|f| &f.reveal) else {
                report.add(
                    at,
                    CheckKind::VoteOpens,
                    false,
                    format!("verifier {s} {}: revealed, but no successful reveal_vote of it was found", seat.name),
                );
                continue;
            };
            let opens = seat.commit == Some(triad_primitives::reveal_commitment(fingerprint, salt, &seat.who, task.id));
            report.add(
                at,
                CheckKind::VoteOpens,
                opens && fingerprint == stored && seat.vote.is_none_or(|v| v == *vote),
                format!("verifier {s} {}: its reveal opens its commitment; it votes {vote:?}", seat.name),
            );
            if let Some(e) = &executor_fp {
                report.note(at, format!("verifier {s}'s fingerprint is {} bits from the executor's", distance(stored, e)));
            }
            if seat.vote.is_none() {
                cast[s - 1] = *vote;
            }
        }
        if task.mode == Mode::Tee {
            attested(&mut report, a, at);
        }
        if let Some(stored) = &a.verdict {
            let verifiers: [Option<(&Fingerprint, Vote)>; 3] = core::array::from_fn(|i| fps[i].as_ref().map(|f| (f, cast[i])));
            let recomputed = if task.mode == Mode::Tee {
                pair(executor_fp.as_ref(), verifiers[0], &task.lsh)
            } else {
                majority(executor_fp.as_ref(), verifiers, &task.lsh)
            };
            report.add(
                at,
                CheckKind::Verdict,
                recomputed == *stored,
                format!("verdict {:?} follows from the fingerprints and votes", stored.outcome),
            );
            let agreeing = fps.iter().flatten().filter(|v| executor_fp.as_ref().is_some_and(|e| agrees(v, e, &task.lsh))).count();
            report.note(
                at,
                format!("{agreeing} of {} verifier fingerprints agree with the executor's", a.seats.len().saturating_sub(1)),
            );
        }
    }
    if let Some(end) = &task.settled {
        let paid: u128 = task.attempts.iter().flat_map(|a| a.seats.iter()).map(|s| s.paid).sum();
        report.add(
            None,
            CheckKind::Settlement,
            paid + task.refunded == task.escrow,
            format!(
                "{} at #{}: paid {} + refunded {} = escrow {}",
                end.resolution,
                end.at,
                tokens(paid),
                tokens(task.refunded),
                tokens(task.escrow)
            ),
        );
    }
    if let Some(result) = &task.result {
        let posted = task.attempts.last().and_then(|a| a.output.as_ref());
        report.add(
            None,
            CheckKind::Result,
            posted == Some(result),
            "the result the client receives is the accepted attempt's posted output",
        );
    }
    report
}

/// The executor's seat: its reveal opens its commitment and the recorded
/// fingerprint follows from what it posted. Returns the recorded fingerprint.
fn executor(report: &mut Report, task: &TaskRecord, a: &AttemptRecord, at: Option<u32>) -> Option<Fingerprint> {
    let seat = a.seats.first()?;
    let Some(stored) = seat.reveal else {
        let note = if seat.commit.is_some() { "committed, never revealed" } else { "never committed" };
        report.add(
            at,
            CheckKind::Absent,
            a.verdict.is_none() || seat.slashed > 0,
            format!("executor {}: {note}; slashed {}", seat.name, tokens(seat.slashed)),
        );
        return None;
    };
    let (Some(found), Some(key)) = (&seat.call, a.key) else {
        report.add(
            at,
            CheckKind::AnswerOpens,
            false,
            format!("executor {}: revealed, but no successful reveal_answer of it was found", seat.name),
        );
        return Some(stored);
    };
    match &found.reveal {
        Reveal::Offchain { hash, size, fingerprint, salt } => {
            let opens = seat.commit == Some(triad_primitives::answer_commitment(hash, salt, &seat.who, task.id));
            report.add(
                at,
                CheckKind::AnswerOpens,
                opens && a.posted == Some(Posted::Offchain { hash: *hash, size: *size }),
                format!("executor {}: the revealed output hash {}… opens its commitment", seat.name, hex8(hash)),
            );
            report.add(
                at,
                CheckKind::Fingerprint,
                *fingerprint == stored,
                format!("the chain recorded the fingerprint the executor stated for its {size}-byte off-chain output"),
            );
            match &a.fetched {
                Fetched::NotTried => {},
                Fetched::Checked => report.add(
                    at,
                    CheckKind::OffchainOutput,
                    true,
                    "the off-chain output, fetched by its hash, gives the stated fingerprint",
                ),
                Fetched::Refused(e) => report.add(at, CheckKind::OffchainOutput, false, format!("the fetched output: {e}")),
                Fetched::NotServed(e) => report.note(at, format!("the off-chain output is not served any more ({e})")),
            }
        },
        Reveal::Answer { answer, salt } => {
            let opens = seat.commit == Some(triad_primitives::answer_commitment(&answer.digest(), salt, &seat.who, task.id));
            report.add(
                at,
                CheckKind::AnswerOpens,
                opens,
                format!("executor {}: the revealed answer opens its commitment", seat.name),
            );
            let recomputed = match answer {
                EncodedAnswer::Output(bytes) => wire::decode(bytes)
                    .ok()
                    .and_then(|t| t.first().and_then(|f| triad_verifier::fingerprint(&task.lsh, &key, &f.tensor.view()).ok())),
                EncodedAnswer::CannotRun(r) => Some(cannot_run(&task.lsh, &key, *r)),
            };
            report.add(
                at,
                CheckKind::Fingerprint,
                recomputed == Some(stored),
                format!("the executor's fingerprint, recomputed under key {}… from what it posted", hex8(&key)),
            );
            if let (EncodedAnswer::Output(bytes), Some(Posted::Output { hash })) = (answer, &a.posted) {
                report.add(
                    at,
                    CheckKind::OutputHash,
                    *blake3::hash(bytes).as_bytes() == *hash && a.output.as_ref().is_none_or(|kept| kept == bytes),
                    format!("the posted output hashes to the recorded digest {}…", hex8(hash)),
                );
            }
        },
        Reveal::Vote { .. } => {
            report.add(at, CheckKind::AnswerOpens, false, format!("executor {}: its reveal is a verifier's", seat.name))
        },
    }
    Some(stored)
}

/// A TEE attempt: its executor was drawn with an attestation that counted
/// then, whose measurement and TCB status the attempt records.
fn attested(report: &mut Report, a: &AttemptRecord, at: Option<u32>) {
    match &a.attested {
        Some(seal) => report.add(
            at,
            CheckKind::Attestation,
            seal.checked_at < seal.expires_at,
            format!(
                "executor drawn attested: {}, TCB {}, valid until {} (checked at {})",
                seal.measurement, seal.tcb_status, seal.expires_at, seal.checked_at
            ),
        ),
        None => report.add(at, CheckKind::Attestation, false, "a TEE attempt without its executor's attestation"),
    }
}

/// A proved attempt: its proof verified here against the model's key, the
/// verdict and the executor's pay or slash following from that.
fn proof(report: &mut Report, task: &TaskRecord, n: usize, a: &AttemptRecord, at: Option<u32>) {
    let Some(executor) = a.seats.first() else { return };
    let accepted = a.verdict.is_some_and(|v: Verdict| v.outcome == Outcome::Accepted);
    let Some(proof) = &a.proof else {
        report.add(
            at,
            CheckKind::Absent,
            a.verdict.is_none() || (!accepted && executor.slashed > 0),
            format!("executor {}: posted no proof; slashed {}", executor.name, tokens(executor.slashed)),
        );
        return;
    };
    let Some(key) = &task.proof_key else {
        report.add(at, CheckKind::Proof, false, format!("model {} has no Groth16 key", task.model));
        return;
    };
    let verified = verify_proof(task, n, a, &executor.who, key, proof);
    let vk = hex8(&triad_zk_verify::vk_hash(&key.verifying_key));
    report.add(
        at,
        CheckKind::Proof,
        verified.is_ok() == accepted,
        format!("the chain {} the executor's proof, as verifying it here does", if accepted { "accepted" } else { "refused" }),
    );
    match &verified {
        Ok(()) => report.note(at, format!("proof verified here against vk blake3 {vk}…, the stored input and the posted output")),
        Err(e) => report.note(at, format!("proof refused here: {e}")),
    }
    let paid_right =
        if accepted { executor.paid == task.price && executor.slashed == 0 } else { executor.paid == 0 && executor.slashed > 0 };
    report.add(
        at,
        CheckKind::ProofPayment,
        a.verdict.is_none() || paid_right,
        format!("executor {}: paid {}, slashed {}", executor.name, tokens(executor.paid), tokens(executor.slashed)),
    );
}

/// Verifies a proof from chain data alone: the registered key, the stored
/// input, the posted output and the executor's account.
fn verify_proof(
    task: &TaskRecord,
    n: usize,
    a: &AttemptRecord,
    executor: &[u8; 32],
    key: &ProofKey,
    proof: &[u8],
) -> Result<(), String> {
    let input = task.input.as_ref().ok_or("a proved task with an off-chain input")?;
    let output = a.output.as_ref().ok_or("no posted output")?;
    let pixels = match &wire::decode(input).map_err(|e| e.to_string())?[..] {
        [one] => match &one.tensor.data {
            Data::U8(p) => p.clone(),
            _ => return Err("the input is not uint8".into()),
        },
        _ => return Err("the input is not one tensor".into()),
    };
    let values: Vec<i64> = match &wire::decode(output).map_err(|e| e.to_string())?[..] {
        [one] => match &one.tensor.data {
            Data::I64(v) => v.clone(),
            Data::U8(v) => v.iter().map(|b| i64::from(*b)).collect(),
            Data::F32(_) => return Err("a float output".into()),
        },
        _ => return Err("the output is not one tensor".into()),
    };
    let ctx = triad_zk_verify::context(task.model, task.id, n as u32, executor);
    let spec = triad_zk_verify::OutputSpec { count: key.output_count, bits: key.output_bits };
    let inputs = triad_zk_verify::public_inputs(ctx, &pixels, &values, spec).map_err(|e| e.to_string())?;
    triad_zk_verify::verify(&key.verifying_key, proof, &inputs).map_err(|e| e.to_string())
}

fn hex8(bytes: &[u8]) -> String {
    bytes.iter().take(4).map(|b| format!("{b:02x}")).collect()
}
