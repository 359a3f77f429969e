//! `triad audit`: re-derive a task's outcome from chain data alone.
//!
//! For every attempt it finds the executor's `reveal_answer` and each
//! verifier's `reveal_vote` extrinsic in the blocks of that attempt, checks
//! that each opens its seat's commitment (the answer's salted digest, the
//! fingerprint's), re-fingerprints the posted answer under the attempt key,
//! recomputes the verdict from the fingerprints and votes, and checks that
//! payments and refund add up to the escrow and that the result the client
//! receives is the accepted attempt's posted output.
//!
//! An off-chain output is not chain data: the chain recorded the hash the
//! executor committed to and the fingerprint it stated. The audit checks
//! those, then fetches the bytes by their hash from the attempt's seats
//! over the data plane and re-derives the fingerprint from them; when no
//! seat serves them any more (workers keep blobs for a day) it says so.

use clap::Args;
use triad_client::{
    chain::{
        self,
        runtime_types::{
            pallet_triad_models::types::Groth16Key,
            pallet_triad_tasks::types::{AnswerArg, Mode, Phase, Posted},
        },
    },
    native, AccountId32,
};
use triad_job::EncodedAnswer;
use triad_verifier::{agrees, cannot_run, majority, pair, CannotRun, Fingerprint, Verdict, Vote};

use crate::{chain_err, connect, show::fetch_task, CliError};

#[derive(Args)]
pub struct AuditArgs {
    /// Task id.
    id: u64,
}

struct Report {
    failures: Vec<String>,
}

impl Report {
    fn check(&mut self, ok: bool, what: String) {
        println!("  [{}] {what}", if ok { " ok " } else { "FAIL" });
        if !ok {
            self.failures.push(what);
        }
    }
}

/// Successful calls of type `C` for task `id` in blocks `from..=to`, by signer.
async fn calls<C: triad_client::subxt::extrinsics::DecodeAsExtrinsic>(
    client: &triad_client::Client,
    id: u64,
    from: u64,
    to: u64,
    task_of: impl Fn(&C) -> u64,
) -> Result<Vec<(AccountId32, C)>, CliError> {
    let mut found = Vec::new();
    for n in from..=to {
        let at = client.api().at_block(n).await.map_err(chain_err)?;
        let extrinsics = at.extrinsics().fetch().await.map_err(chain_err)?;
        for ext in extrinsics.iter() {
            let ext = ext.map_err(chain_err)?;
            let Some(call) = ext.decode_call_data_fields_as::<C>() else { continue };
            let call = call.map_err(chain_err)?;
            if task_of(&call) != id {
                continue;
            }
            // A MultiAddress::Id: one variant byte, then the account.
            let Some(who) = ext.address_bytes().and_then(|a| <[u8; 32]>::try_from(a.get(1..33)?).ok()) else { continue };
            if ext.events().await.map_err(chain_err)?.has::<chain::system::events::ExtrinsicSuccess>() {
                found.push((AccountId32(who), call));
            }
        }
    }
    Ok(found)
}

pub async fn run(url: &str, args: AuditArgs) -> Result<(), CliError> {
    let client = connect(url).await?;
    let view = fetch_task(&client, args.id).await?;
    let (_, schema) = client.model_schema(view.info.model).await?;
    let head = client.finalized().await?.block_number();
    let mut report = Report { failures: Vec::new() };
    let mut plane = None;
    println!("audit of task {} (model {}, {})", args.id, view.info.model, schema.name);
    let attempts = &view.info.attempts.0;
    let end_of_task = match view.info.phase {
        Phase::Done { at, .. } => at as u64,
        _ => head,
    };
    let proof_key = match view.info.mode {
        Mode::Groth16 => Some(
            triad_client::registry::proof_key(&client.finalized().await?, view.info.model)
                .await?
                .ok_or_else(|| CliError::Chain(format!("model {} has no Groth16 key", view.info.model)))?,
        ),
        _ => None,
    };
    for (n, a) in attempts.iter().enumerate() {
        let end = attempts.get(n + 1).map(|next| next.assigned_at as u64).unwrap_or(end_of_task);
        println!("attempt {} (blocks #{}..=#{end})", n + 1, a.assigned_at);
        if let Some(key) = &proof_key {
            audit_proof(&mut report, &view, n, key)?;
            continue;
        }
        let from = a.assigned_at as u64;
        let answers = calls::<chain::tasks::calls::RevealAnswer>(&client, args.id, from, end, |c| c.task).await?;
        let votes = calls::<chain::tasks::calls::RevealVote>(&client, args.id, from, end, |c| c.task).await?;
        let key = a.key;
        let mut fps: [Option<Fingerprint>; 4] = [None, None, None, None];
        let mut cast = [Vote::Mismatch; 3];

        // The executor: its reveal opens its commitment, and the chain's
        // fingerprint of what it posted is the one recomputed here.
        let executor = &a.seats.0[0];
        match (&executor.reveal, answers.iter().find(|(who, _)| *who == executor.who), key) {
            (
                Some(stored),
                Some((
                    _,
                    chain::tasks::calls::RevealAnswer { answer: AnswerArg::Offchain { hash, size, fingerprint }, salt, .. },
                )),
                Some(_),
            ) => {
                let opens = executor.commit == Some(triad_primitives::answer_commitment(hash, salt, &executor.who, args.id));
                report.check(opens, format!("executor {}: the revealed output hash opens its commitment", executor.who));
                let stored: Fingerprint = native(stored)?;
                report.check(
                    native::<Fingerprint>(fingerprint)? == stored,
                    format!("the chain recorded the fingerprint the executor stated for its {size}-byte off-chain output"),
                );
                if plane.is_none() {
                    let at = client.finalized().await?;
                    let max = at.constants().entry(chain::constants().tasks().max_offchain_output()).map_err(chain_err)?;
                    plane = Some(crate::serve::plane(&Default::default(), max).await?);
                }
                let plane = plane.as_ref().expect("started above");
                match crate::serve::fetch_output(&client, plane, &view, n, &schema.lsh).await {
                    Ok(_) => report.check(true, "the off-chain output, fetched by its hash, gives the stated fingerprint".into()),
                    Err(CliError::Input(e)) => println!("         the off-chain output is not served any more ({e})"),
                    Err(e) => report.check(false, e.to_string()),
                }
                fps[0] = Some(stored);
            },
            (Some(stored), Some((_, call)), Some(key)) => {
                let answer = match &call.answer {
                    AnswerArg::Output(bytes) => EncodedAnswer::Output(bytes.clone()),
                    AnswerArg::CannotRun(r) => EncodedAnswer::CannotRun(native::<CannotRun>(r)?),
                    AnswerArg::Offchain { .. } => unreachable!("matched above"),
                };
                let opens = executor.commit
                    == Some(triad_primitives::answer_commitment(&answer.digest(), &call.salt, &executor.who, args.id));
                report.check(opens, format!("executor {}: the revealed answer opens its commitment", executor.who));
                let stored: Fingerprint = native(stored)?;
                let recomputed = match &answer {
                    EncodedAnswer::Output(bytes) => triad_verifier::wire::decode(bytes).ok().and_then(|t| {
                        t.first().and_then(|f| triad_verifier::fingerprint(&schema.lsh, &key, &f.tensor.view()).ok())
                    }),
                    EncodedAnswer::CannotRun(r) => Some(cannot_run(&schema.lsh, &key, *r)),
                };
                report.check(
                    recomputed == Some(stored),
                    format!("executor's fingerprint recomputed under key {}… from what it posted", hex::encode(&key[..4])),
                );
                if let (EncodedAnswer::Output(bytes), Some(Posted::Output { hash })) = (&answer, &a.posted) {
                    report.check(*blake3::hash(bytes).as_bytes() == *hash, "posted output hashes to the recorded digest".into());
                }
                fps[0] = Some(stored);
            },
            (None, _, _) => {
                let note = if executor.commit.is_some() { "committed, never revealed" } else { "never committed" };
                report.check(
                    a.verdict.is_none() || executor.slashed > 0,
                    format!("executor {}: {note}; slashed {}", executor.who, executor.slashed),
                );
            },
            _ => report.check(false, format!("executor {}: revealed, but no successful reveal_answer found", executor.who)),
        }

        // The verifiers: each reveal opens its commitment.
        for (s, seat) in a.seats.0.iter().enumerate().skip(1) {
            let Some(stored) = &seat.reveal else {
                let note = if seat.commit.is_some() { "committed, never revealed" } else { "never committed" };
                report.check(
                    a.verdict.is_none() || seat.slashed > 0 || key.is_none(),
                    format!("verifier {s} {}: {note}; slashed {}", seat.who, seat.slashed),
                );
                continue;
            };
            let Some((_, call)) = votes.iter().find(|(who, _)| *who == seat.who) else {
                report.check(false, format!("verifier {s} {}: revealed, but no successful reveal_vote found", seat.who));
                continue;
            };
            let revealed: Fingerprint = native(&call.fingerprint)?;
            let stored: Fingerprint = native(stored)?;
            let vote: Vote = native(&call.vote)?;
            let opens = seat.commit == Some(triad_primitives::reveal_commitment(&revealed, &call.salt, &seat.who, args.id));
            report.check(
                opens && revealed == stored,
                format!("verifier {s} {}: reveal opens its commitment, votes {vote:?}", seat.who),
            );
            if let Some(e) = &fps[0] {
                println!("         its fingerprint is {} bits from the executor's", triad_verifier::distance(&stored, e));
            }
            fps[s] = Some(stored);
            cast[s - 1] = vote;
        }
        let tee = matches!(view.info.mode, Mode::Tee);
        if tee {
            audit_attested(&mut report, a);
        }
        if let Some(v) = &a.verdict {
            let stored: Verdict = native(v)?;
            let verifiers: [Option<(&Fingerprint, Vote)>; 3] =
                core::array::from_fn(|i| fps[i + 1].as_ref().map(|f| (f, cast[i])));
            let recomputed = if tee {
                pair(fps[0].as_ref(), verifiers[0], &schema.lsh)
            } else {
                majority(fps[0].as_ref(), verifiers, &schema.lsh)
            };
            report.check(recomputed == stored, format!("verdict {:?} follows from the fingerprints and votes", stored.outcome));
            let seats = a.seats.0.len();
            let agreeing = (1..seats).filter(|i| fps[*i].zip(fps[0]).is_some_and(|(v, e)| agrees(&v, &e, &schema.lsh))).count();
            println!("         {agreeing} of {} verifier fingerprints agree with the executor's", seats - 1);
        }
    }
    if let Phase::Done { resolution, .. } = &view.info.phase {
        let paid: u128 = attempts.iter().flat_map(|a| a.seats.0.iter()).map(|s| s.paid).sum();
        report.check(
            paid + view.info.refunded == view.info.escrow,
            format!(
                "{resolution:?}: paid {} + refunded {} = escrow {}",
                crate::tokens(paid),
                crate::tokens(view.info.refunded),
                crate::tokens(view.info.escrow)
            ),
        );
    }
    if let Some(result) = &view.output {
        let last = attempts.len().saturating_sub(1) as u32;
        let posted = view.outputs.iter().find(|(i, _)| *i == last).map(|(_, o)| &o.0);
        report.check(posted == Some(&result.0), "the result the client receives is the accepted attempt's posted output".into());
    }
    if !report.failures.is_empty() {
        return Err(CliError::Audit(report.failures.join("; ")));
    }
    match (&view.info.phase, attempts.is_empty()) {
        (Phase::Done { .. }, false) => println!("audit passed"),
        (Phase::Done { .. }, true) => {
            println!("nothing ran: no attempt was ever drawn; the escrow was refunded in full")
        },
        (phase, _) => {
            println!("no failure so far, but the task is not settled ({}): audit it again once it is", crate::show::phase(phase))
        },
    }
    Ok(())
}

/// A TEE attempt: its executor was drawn with an attestation that counted
/// then, whose measurement and TCB status the attempt records.
fn audit_attested(report: &mut Report, a: &crate::show::AttemptView) {
    match &a.attested {
        Some(seal) => report.check(
            seal.checked_at < seal.expires_at,
            format!(
                "executor drawn attested: {}, TCB {}, valid until {} (drawn at {})",
                crate::show::measurement(&seal.measurement),
                crate::show::tcb_status(&seal.tcb_status),
                seal.expires_at,
                seal.checked_at
            ),
        ),
        None => report.check(false, "a TEE attempt without its executor's attestation".into()),
    }
}

/// A proved attempt: its proof verified here against the model's key, the
/// verdict and the executor's pay or slash following from that.
fn audit_proof(report: &mut Report, view: &crate::show::TaskView, n: usize, key: &Groth16Key) -> Result<(), CliError> {
    let a = &view.info.attempts.0[n];
    let executor = &a.seats.0[0];
    let verdict: Option<Verdict> = a.verdict.as_ref().map(native).transpose()?;
    let accepted = verdict.is_some_and(|v| v.outcome == triad_verifier::Outcome::Accepted);
    if !view.proofs.iter().any(|(i, _)| *i as usize == n) {
        report.check(
            a.verdict.is_none() || (!accepted && executor.slashed > 0),
            format!("executor {}: posted no proof; slashed {}", executor.who, executor.slashed),
        );
        return Ok(());
    }
    let verified = crate::prove::check(view, n, key)?;
    let vk = hex::encode(&triad_zk::verify::vk_hash(&key.verifying_key.0)[..8]);
    report.check(
        verified.is_ok() == accepted,
        format!("the chain {} the executor's proof, as verifying it here does", if accepted { "accepted" } else { "refused" }),
    );
    match &verified {
        Ok(()) => println!("         proof verified here against vk blake3 {vk}…, the stored input and the posted output"),
        Err(e) => println!("         proof refused here: {e}"),
    }
    let paid_right = if accepted {
        executor.paid == view.info.price && executor.slashed == 0
    } else {
        executor.paid == 0 && executor.slashed > 0
    };
    report.check(
        a.verdict.is_none() || paid_right,
        format!("executor {}: paid {}, slashed {}", executor.who, crate::tokens(executor.paid), crate::tokens(executor.slashed)),
    );
    Ok(())
}
