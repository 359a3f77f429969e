//! `triad audit`: re-derive a task's outcome from chain data alone.
//!
//! The checks are `triad_job::audit`'s; this command gathers the task's
//! record from the node (`triad_client::audit`), looking for each seat's
//! reveal in its attempt's blocks, and prints the report.
//!
//! An off-chain output is not chain data: the chain recorded the hash the
//! executor committed to and the fingerprint it stated. The audit checks
//! those; this command also fetches the bytes by their hash from the
//! attempt's seats over the data plane and re-derives the fingerprint from
//! them; when no seat serves them any more (workers keep blobs for a day)
//! the report notes it.

use clap::Args;
use triad_client::{
    audit::{attempt_blocks, record, reveals_among},
    chain,
};
use triad_job::audit::{audit, Conclusion, Fetched, Posted};

use crate::{chain_err, connect, show::fetch_task, CliError};

#[derive(Args)]
pub struct AuditArgs {
    /// Task id.
    id: u64,
}

pub async fn run(url: &str, args: AuditArgs) -> Result<(), CliError> {
    let client = connect(url).await?;
    let view = fetch_task(&client, args.id).await?;
    let (_, schema) = client.model_schema(view.info.model).await?;
    let head = client.finalized().await?.block_number();
    let blocks = attempt_blocks(&view, head).into_iter().flatten();
    let reveals = reveals_among(&client, blocks, args.id).await?;
    let mut task = record(&client, &view, &reveals).await?;
    let mut plane = None;
    for (n, a) in task.attempts.iter_mut().enumerate() {
        if !matches!(a.posted, Some(Posted::Offchain { .. })) {
            continue;
        }
        if plane.is_none() {
            let at = client.finalized().await?;
            let max = at.constants().entry(chain::constants().tasks().max_offchain_output()).map_err(chain_err)?;
            plane = Some(crate::serve::plane(&Default::default(), max).await?);
        }
        let plane = plane.as_ref().expect("started above");
        a.fetched = match crate::serve::fetch_output(&client, plane, &view, n, &schema.lsh).await {
            Ok(_) => Fetched::Checked,
            Err(CliError::Input(e)) => Fetched::NotServed(e),
            Err(e) => Fetched::Refused(e.to_string()),
        };
    }
    let report = audit(&task);
    println!("audit of task {} (model {}, {})", args.id, view.info.model, schema.name);
    let attempts = task.attempts.len() as u32;
    for n in 0..=attempts {
        let at = (n > 0).then_some(n);
        if let Some(a) = at.and_then(|n| task.attempts.get(n as usize - 1)) {
            println!("attempt {n} (blocks #{}..=#{})", a.assigned_at, a.end);
        }
        for c in report.checks.iter().filter(|c| c.attempt == at) {
            println!("  [{}] {}", if c.passed { " ok " } else { "FAIL" }, c.evidence);
        }
        for note in report.notes.iter().filter(|c| c.attempt == at) {
            println!("         {}", note.text);
        }
    }
    match report.conclusion {
        Conclusion::Passed => println!("audit passed"),
        Conclusion::NothingRan => println!("nothing ran: no attempt was ever drawn; the escrow was refunded in full"),
        Conclusion::NotSettled => println!(
            "no failure so far, but the task is not settled ({}): audit it again once it is",
            crate::show::phase(&view.info.phase)
        ),
        Conclusion::Failed => {
            let failed: Vec<&str> = report.failures().map(|c| c.evidence.as_str()).collect();
            return Err(CliError::Audit(failed.join("; ")));
        },
    }
    Ok(())
}
