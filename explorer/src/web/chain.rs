//! What a page reads from the node rather than the index: a task's audit,
//! re-derived from chain data, with the index compared against the chain;
//! the chain's head and finality; a model's registry entry.

use serde::Serialize;
use triad_client::{
    audit::{record, reveals_among},
    Client,
};
use triad_job::audit::{audit, CheckKind, Report};

use crate::{
    index::{task_row, TaskRow},
    read::TaskDetail,
    ExplorerError,
};

/// The audit of a task from chain data, with the index's rows checked
/// against the chain's view of it (`CheckKind::Index`).
pub async fn audit_task(client: &Client, indexed: &TaskDetail) -> Result<Report, ExplorerError> {
    let id = indexed.summary.id;
    let view = client
        .task(id)
        .await?
        .ok_or_else(|| ExplorerError::Chain(format!("task {id} is no longer in chain state (pruned after its retention)")))?;
    // The index says where the reveals are; the chain says what they are.
    let reveals = reveals_among(client, indexed.reveals.iter().map(|r| r.block), id).await?;
    let mut report = audit(&record(client, &view, &reveals).await?);
    check_index(&mut report, indexed, &task_row(&view)?);
    Ok(report)
}

/// Compares the index's rows of a task with the chain's view of it.
pub fn check_index(report: &mut Report, indexed: &TaskDetail, chain: &TaskRow) {
    let s = &indexed.summary;
    let task_agrees = s.escrow == chain.escrow.to_string()
        && s.refunded == chain.refunded.to_string()
        && s.client == chain.client
        && s.model == u64::from(chain.model)
        && s.resolution == chain.done.as_ref().map(|(_, r)| r.clone())
        && s.attempts == chain.attempts.len() as u64;
    report.add(None, CheckKind::Index, task_agrees, "the index's task row (escrow, refund, resolution, attempts) is the chain's");
    for a in &chain.attempts {
        report.add(
            Some(a.n as u32 + 1),
            CheckKind::Index,
            indexed.attempts.get(a.n as usize) == Some(a),
            "the index's attempt and seats (key, output, verdict, proof, attestation; who, commitments, fingerprints, votes, pay, slashes) are the chain's",
        );
    }
    // Each seat's pay, bounty and slash, and the refund, as the index's
    // event rows have them.
    let mut by_events: Vec<(String, &str, u128)> = Vec::new();
    for p in &indexed.payments {
        by_events.push((p.who.clone(), p.kind.as_str(), p.amount.parse().unwrap_or(u128::MAX)));
    }
    let total = |who: &str, kind: &str| {
        by_events.iter().filter(|(w, k, _)| w == who && *k == kind).fold(0u128, |sum, (_, _, a)| sum.saturating_add(*a))
    };
    let planks = |amount: &str| amount.parse::<u128>().unwrap_or(u128::MAX);
    let mut seats: Vec<(&str, u128, u128)> = Vec::new();
    for seat in chain.attempts.iter().flat_map(|a| &a.seats) {
        let (paid, bounty) = (planks(&seat.paid), planks(&seat.bounty));
        match seats.iter_mut().find(|(w, _, _)| *w == seat.who.as_str()) {
            Some(entry) => {
                entry.1 = entry.1.saturating_add(paid);
                entry.2 = entry.2.saturating_add(bounty);
            },
            None => seats.push((seat.who.as_str(), paid, bounty)),
        }
    }
    let payments_agree = seats.iter().all(|(who, paid, bounty)| total(who, "paid") == *paid && total(who, "bounty") == *bounty)
        && by_events.iter().filter(|(_, k, _)| *k != "refund").all(|(w, _, _)| seats.iter().any(|(s, _, _)| *s == w.as_str()));
    report.add(None, CheckKind::Index, payments_agree, "the index's payments are what the chain's seats were paid");
    let slashed: u128 = chain.attempts.iter().flat_map(|a| &a.seats).fold(0u128, |sum, s| sum.saturating_add(planks(&s.slashed)));
    let indexed_slashed: u128 = indexed.slashes.iter().fold(0u128, |sum, x| sum.saturating_add(planks(&x.amount)));
    report.add(None, CheckKind::Index, slashed == indexed_slashed, "the index's slashes are what the chain's seats lost");
}

/// The chain's head as the node sees it now.
#[derive(Debug, Serialize)]
pub struct Live {
    /// The best block.
    pub best: u64,
    /// The last finalized block.
    pub finalized: u64,
}

/// The node's best and finalized blocks.
pub async fn live(client: &Client) -> Result<Live, ExplorerError> {
    let finalized = client.finalized().await?.block_number();
    let best = client.best().await?.block_number();
    Ok(Live { best, finalized })
}

/// A model's registry entry, read from the chain: what the index does not keep.
#[derive(Debug, Serialize)]
pub struct ModelChain {
    /// Inputs and outputs: name, element type, shape.
    pub inputs: Vec<String>,
    /// Outputs.
    pub outputs: Vec<String>,
    /// The LSH parameters.
    pub lsh: String,
    /// The output checks.
    pub checks: Vec<String>,
    /// `blake3` of the Groth16 verifying key, when set.
    pub vk_hash: Option<String>,
    /// Calibration cases: input size and expected fingerprint.
    pub calibration: Vec<(u64, String)>,
    /// Measurements a TEE executor may have, and the TCB statuses allowed.
    pub tee: Option<(Vec<String>, String)>,
}

/// Model `id` as the chain's registry has it; `None` when not registered.
pub async fn model(client: &Client, id: u32) -> Result<Option<ModelChain>, ExplorerError> {
    let (_, schema) = match client.model_schema(id).await {
        Ok(found) => found,
        Err(triad_client::ClientError::NotFound(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let at = client.finalized().await?;
    let spec = |t: &triad_job::TensorSpec| format!("{} {:?} {:?}", t.name, t.dtype, t.shape);
    let key = triad_client::registry::proof_key(&at, id).await?;
    let cases = triad_client::registry::calibration_set(&at, id).await?;
    let policy = triad_client::registry::tee_policy(&at, id).await?;
    Ok(Some(ModelChain {
        inputs: schema.inputs.iter().map(spec).collect(),
        outputs: schema.outputs.iter().map(spec).collect(),
        lsh: format!("{:?}", schema.lsh),
        checks: schema.checks.iter().map(|c| format!("{c:?}")).collect(),
        vk_hash: key.map(|k| hex::encode(triad_zk_verify::vk_hash(&k.verifying_key.0))),
        calibration: cases
            .iter()
            .map(|c| {
                let fp = triad_client::native::<triad_verifier::Fingerprint>(&c.expected)
                    .map(|f| hex::encode(&f.bits[..8]) + "…")
                    .unwrap_or_default();
                (c.input.0.len() as u64, fp)
            })
            .collect(),
        tee: policy
            .map(|p| (p.measurements.0.iter().map(triad_client::audit::measurement).collect(), format!("{:?}", p.statuses))),
    }))
}
