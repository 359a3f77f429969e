//! `triad audit`: re-derive a task's outcome from chain data alone.
//!
//! For every attempt it finds each seat's `reveal` extrinsic in the blocks of
//! that attempt, checks that the revealed fingerprint and salt open the seat's
//! commitment, recomputes the 2-of-3 verdict from the revealed fingerprints,
//! and checks that payments and refund add up to the escrow. Given the output
//! (posted on chain, or a KServe v2 response file), it checks the output's
//! hash against the executor's commitment and re-runs the fingerprint locally.

use std::path::PathBuf;

use clap::Args;
use triad_client::{
    chain::{self, runtime_types::pallet_triad_tasks::types::Phase},
    job, native, AccountId32,
};
use triad_inference::{files, wire};
use triad_verifier::{agrees, majority, Fingerprint, Verdict};

use crate::{chain_err, connect, model::schema_of, show::fetch_task, CliError};

#[derive(Args)]
pub struct AuditArgs {
    /// Task id.
    id: u64,
    /// The output as a KServe v2 response (what `triad submit --output`
    /// writes), for outputs too large to be posted on chain.
    #[arg(long)]
    output: Option<PathBuf>,
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

/// Successful `reveal` calls of task `id` in blocks `from..=to`, by signer.
async fn reveals(
    client: &triad_client::Client,
    id: u64,
    from: u64,
    to: u64,
) -> Result<Vec<(AccountId32, chain::tasks::calls::Reveal)>, CliError> {
    let mut found = Vec::new();
    for n in from..=to {
        let at = client.api().at_block(n).await.map_err(chain_err)?;
        let extrinsics = at.extrinsics().fetch().await.map_err(chain_err)?;
        for ext in extrinsics.iter() {
            let ext = ext.map_err(chain_err)?;
            let Some(call) = ext.decode_call_data_fields_as::<chain::tasks::calls::Reveal>() else { continue };
            let call = call.map_err(chain_err)?;
            if call.task != id {
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
    let (_, schema) = schema_of(&client, view.info.model).await?;
    let head = client.finalized().await?.block_number();
    let mut report = Report { failures: Vec::new() };
    println!("audit of task {} (model {}, {})", args.id, view.info.model, schema.name);
    let attempts = &view.info.attempts.0;
    let end_of_task = match view.info.phase {
        Phase::Done { at, .. } => at as u64,
        _ => head,
    };
    let mut executor_fp = None;
    for (n, a) in attempts.iter().enumerate() {
        let end = attempts.get(n + 1).map(|next| next.assigned_at as u64).unwrap_or(end_of_task);
        println!("attempt {} (blocks #{}..=#{end})", n + 1, a.assigned_at);
        let found = reveals(&client, args.id, a.assigned_at as u64, end).await?;
        let mut fps: [Option<Fingerprint>; 4] = [None, None, None, None];
        for (s, seat) in a.seats.iter().enumerate() {
            let Some(stored) = &seat.reveal else {
                let note = if seat.commit.is_some() { "committed, never revealed" } else { "never committed" };
                // Once the attempt is settled, a seat that did not reveal must have been slashed.
                let punished = a.verdict.is_none() || seat.slashed > 0;
                report.check(punished, format!("seat {s} {}: {note}; slashed {}", seat.who, seat.slashed));
                continue;
            };
            let stored: Fingerprint = native(stored)?;
            let call = found.iter().find(|(who, _)| *who == seat.who).map(|(_, c)| c);
            let Some(call) = call else {
                report.check(false, format!("seat {s} {}: revealed, but no successful reveal extrinsic found", seat.who));
                continue;
            };
            let revealed: Fingerprint = native(&call.fingerprint)?;
            let opens = seat.commit == Some(triad_primitives::reveal_commitment(&revealed, &call.salt, &seat.who, args.id));
            report.check(opens && revealed == stored, format!("seat {s} {}: reveal opens its commitment", seat.who));
            fps[s] = Some(stored);
        }
        if let Some(v) = &a.verdict {
            let stored: Verdict = native(v)?;
            let [e, v1, v2, v3] = &fps;
            let recomputed = majority(e.as_ref(), [v1.as_ref(), v2.as_ref(), v3.as_ref()], &schema.lsh);
            report.check(recomputed == stored, format!("verdict {:?} follows from the revealed fingerprints", stored.outcome));
        }
        if n + 1 == attempts.len() {
            executor_fp = fps[0];
        }
    }
    if let Phase::Done { resolution, .. } = view.info.phase {
        let paid: u128 = attempts.iter().flat_map(|a| a.seats.iter()).map(|s| s.paid).sum();
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
    let output = match (&args.output, &view.output) {
        (Some(path), _) => {
            let tensors = files::read_output(path).map_err(|e| CliError::Input(e.to_string()))?;
            Some(wire::encode(&tensors))
        },
        (None, Some(posted)) => Some(posted.0.clone()),
        (None, None) => None,
    };
    if let (Some(bytes), Some(a)) = (output, attempts.last()) {
        let hash = job::output_hash(&bytes);
        report.check(a.output_hash == Some(hash), format!("output hashes to the executor's commitment {}", hex::encode(hash)));
        let tensors = wire::decode(&bytes).map_err(|e| CliError::Audit(format!("output does not decode: {e}")))?;
        let outputs: Vec<_> = tensors.into_iter().map(|t| t.tensor).collect();
        match (job::fingerprint(&schema.lsh, &outputs), executor_fp) {
            (Ok(local), Some(revealed)) => report.check(
                agrees(&local, &revealed, &schema.lsh),
                format!(
                    "fingerprint recomputed here agrees with the executor's ({} bits apart)",
                    triad_verifier::distance(&local, &revealed)
                ),
            ),
            (Ok(_), None) => println!("  [ -- ] the executor revealed no fingerprint to compare with"),
            (Err(e), _) => report.check(false, format!("cannot fingerprint the output: {e}")),
        }
    } else {
        println!("  [ -- ] no output posted and none given (--output); output not re-fingerprinted");
    }
    if report.failures.is_empty() {
        println!("audit passed");
        Ok(())
    } else {
        Err(CliError::Audit(report.failures.join("; ")))
    }
}
