//! The indexer: follows finalized blocks from genesis and writes each into
//! the database ([`crate::db::write_block`]).
//!
//! A block is read whole before it is written: its header, its extrinsics
//! (for the timestamp), every event, and, as of that block, the chain's view
//! of each task, worker and model an event touched (`TasksApi::task`,
//! `TriadApi::worker`, `TriadApi::model`). Rows are therefore the chain's
//! own answers, not a replay of events the indexer would have to get right.
//! Up to [`FETCH_AHEAD`] blocks are read at once; they are written in order.
//!
//! ## Invariants
//! - Only finalized blocks are indexed, so nothing indexed is ever undone.
//! - Each block's parent is the block indexed before it, and the database's
//!   genesis is the node's: an index never mixes two chains.
//! - Errors (a node that restarts, falls behind or drops the connection)
//!   are retried from the last block written, which is whole.

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use serde_json::{json, Map, Value};
use sqlx::AnyPool;
use triad_client::{
    chain::{
        self,
        runtime_types::pallet_triad_tasks::types::{Phase, Posted, TaskInput, TaskView},
    },
    native,
    subxt::{events::Phase as EventPhase, ext::scale_value},
    AccountId32, Client,
};

use crate::{
    db,
    read::{AttemptDetail, SeatDetail},
    ExplorerError, LOG_TARGET,
};

/// Blocks read concurrently ahead of the one being written.
pub const FETCH_AHEAD: usize = 8;

/// One event, its fields as JSON.
#[derive(Clone, Debug)]
pub struct EventRow {
    pub idx: u32,
    pub extrinsic: Option<u32>,
    pub pallet: String,
    pub name: String,
    pub task: Option<u64>,
    pub who: Option<String>,
    pub fields: Value,
}

/// A task as of a block.
#[derive(Clone, Debug)]
pub struct TaskRow {
    pub id: u64,
    pub client: String,
    pub model: u32,
    pub mode: String,
    pub escrow: u128,
    pub price: u128,
    pub refunded: u128,
    pub deadline: u32,
    pub submitted_at: u32,
    pub phase: String,
    pub done: Option<(u32, String)>,
    pub input: String,
    pub output_hash: Option<String>,
    /// Attempts and seats as the pages read them back, so the index and
    /// the chain's view compare field by field.
    pub attempts: Vec<AttemptDetail>,
}

/// Where a reveal extrinsic is.
#[derive(Clone, Debug)]
pub struct RevealRow {
    pub extrinsic: u32,
    pub task: u64,
    pub who: String,
    pub kind: &'static str,
}

/// Money moved by settlement.
#[derive(Clone, Debug)]
pub struct PaymentRow {
    pub idx: u32,
    pub task: u64,
    pub who: String,
    pub kind: &'static str,
    pub amount: u128,
}

/// Stake taken for a task.
#[derive(Clone, Debug)]
pub struct SlashRow {
    pub idx: u32,
    pub task: u64,
    pub who: String,
    pub amount: u128,
    pub reason: String,
}

/// A worker as of a block; `None` once removed.
#[derive(Clone, Debug)]
pub struct WorkerRow {
    pub who: String,
    pub view: Option<WorkerState>,
}

/// What a worker's row holds.
#[derive(Clone, Debug)]
pub struct WorkerState {
    pub status: String,
    pub stake: u128,
    pub roles: String,
    pub models: String,
    pub registered_at: u32,
    pub attestation: Option<String>,
}

/// One reputation update.
#[derive(Clone, Debug)]
pub struct ReputationRow {
    pub idx: u32,
    pub who: String,
    pub model: u32,
    pub outcome: String,
    pub score: u32,
    pub alpha: u64,
    pub beta: u64,
}

/// A model as of a block.
#[derive(Clone, Debug)]
pub struct ModelRow {
    pub id: u32,
    pub name: String,
    pub version: String,
    pub owner: String,
    pub onnx_hash: String,
    pub onnx_size: u64,
    pub state: String,
    pub price_floor: u128,
    pub modes: String,
}

/// Everything indexed from one block.
#[derive(Clone, Debug, Default)]
pub struct BlockData {
    pub number: u64,
    pub hash: String,
    pub parent: String,
    pub time_ms: u64,
    pub extrinsics: u32,
    pub events: Vec<EventRow>,
    pub tasks: Vec<TaskRow>,
    pub pruned: Vec<u64>,
    pub reveals: Vec<RevealRow>,
    pub payments: Vec<PaymentRow>,
    pub slashes: Vec<SlashRow>,
    pub workers: Vec<WorkerRow>,
    pub reputation: Vec<ReputationRow>,
    pub models: Vec<ModelRow>,
}

/// Follows a node's finalized blocks into a database.
pub struct Indexer {
    client: std::sync::Arc<Client>,
    pool: AnyPool,
}

impl Indexer {
    /// An indexer of the chain `client` talks to; refuses a database that
    /// indexes another chain.
    pub async fn new(client: std::sync::Arc<Client>, pool: AnyPool) -> Result<Self, ExplorerError> {
        let genesis = hex::encode(client.api().genesis_hash());
        db::check_genesis(&pool, &genesis).await?;
        Ok(Indexer { client, pool })
    }

    /// Indexes for ever, retrying after errors from the last whole block.
    pub async fn run(&self) {
        loop {
            match self.catch_up().await {
                Ok(0) => tokio::time::sleep(Duration::from_millis(500)).await,
                Ok(_) => {},
                Err(e) => {
                    tracing::warn!(target: LOG_TARGET, "indexing stopped ({e}); trying again");
                    tokio::time::sleep(Duration::from_secs(2)).await;
                },
            }
        }
    }

    /// Indexes every finalized block not yet indexed; returns how many.
    pub async fn catch_up(&self) -> Result<u64, ExplorerError> {
        let head = self.client.finalized().await?.block_number();
        self.catch_up_to(head).await
    }

    /// Indexes blocks up to `head` (finalized); returns how many.
    pub async fn catch_up_to(&self, head: u64) -> Result<u64, ExplorerError> {
        let cursor = db::cursor(&self.pool).await?;
        let from = cursor.as_ref().map_or(0, |(n, _)| n + 1);
        if from > head {
            return Ok(0);
        }
        let mut last = cursor.map(|(_, hash)| hash);
        let mut blocks = futures::stream::iter(from..=head).map(|n| read_block(&self.client, n)).buffered(FETCH_AHEAD);
        let mut written = 0;
        while let Some(block) = blocks.try_next().await? {
            if let Some(last) = &last {
                if *last != block.parent {
                    return Err(ExplorerError::NotChild { number: block.number, parent: block.parent, indexed: last.clone() });
                }
            }
            db::write_block(&self.pool, &block).await?;
            last = Some(block.hash);
            written += 1;
            if block.number % 100 == 0 {
                tracing::info!(target: LOG_TARGET, "indexed block #{} (finalized #{head})", block.number);
            }
        }
        Ok(written)
    }
}

fn rpc(e: impl std::fmt::Display) -> ExplorerError {
    ExplorerError::Chain(e.to_string())
}

/// Reads block `n` and the chain's view, as of it, of everything its events touched.
pub async fn read_block(client: &Client, n: u64) -> Result<BlockData, ExplorerError> {
    let at = client.api().at_block(n).await.map_err(rpc)?;
    let header = at.block_header().await.map_err(rpc)?;
    let extrinsics = at.extrinsics().fetch().await.map_err(rpc)?;
    let mut time_ms = 0;
    for ext in extrinsics.iter() {
        if let Some(Ok(set)) = ext.map_err(rpc)?.decode_call_data_fields_as::<chain::timestamp::calls::Set>() {
            time_ms = set.now;
        }
    }
    let mut b = BlockData {
        number: n,
        hash: hex::encode(at.block_hash()),
        parent: hex::encode(header.parent_hash),
        time_ms,
        extrinsics: extrinsics.len() as u32,
        ..Default::default()
    };
    let events = at.events().fetch().await.map_err(rpc)?;
    let (mut tasks, mut workers, mut models) = (Vec::new(), Vec::new(), Vec::new());
    for ev in events.iter() {
        let ev = ev.map_err(rpc)?;
        let idx = ev.index();
        let extrinsic = match ev.phase() {
            EventPhase::ApplyExtrinsic(i) => Some(i),
            _ => None,
        };
        let fields = ev.decode_fields_unchecked_as::<scale_value::Composite<()>>().map_err(rpc)?;
        let fields = show_fields(&fields);
        let task = fields.get("task").and_then(Value::as_u64);
        let who = ["who", "executor", "client", "owner"].iter().find_map(|k| fields.get(*k).and_then(Value::as_str));
        let row = EventRow {
            idx,
            extrinsic,
            pallet: ev.pallet_name().to_string(),
            name: ev.event_name().to_string(),
            task,
            who: who.map(str::to_string),
            fields,
        };
        match (row.pallet.as_str(), row.name.as_str()) {
            ("Tasks", "TaskPruned") => b.pruned.extend(task),
            ("Tasks", "AnswerRevealed") | ("Tasks", "VoteRevealed") => {
                if let (Some(task), Some(extrinsic), Some(who)) = (task, extrinsic, &row.who) {
                    let kind = if row.name == "AnswerRevealed" { "answer" } else { "vote" };
                    b.reveals.push(RevealRow { extrinsic, task, who: who.clone(), kind });
                }
            },
            _ => {},
        }
        if let Some(Ok(e)) = ev.decode_fields_as::<chain::tasks::events::WorkerPaid>() {
            b.payments.push(PaymentRow { idx, task: e.task, who: e.who.to_string(), kind: "paid", amount: e.amount });
        }
        if let Some(Ok(e)) = ev.decode_fields_as::<chain::tasks::events::BountyPaid>() {
            b.payments.push(PaymentRow { idx, task: e.task, who: e.who.to_string(), kind: "bounty", amount: e.amount });
        }
        if let Some(Ok(e)) = ev.decode_fields_as::<chain::tasks::events::WorkerSlashed>() {
            b.slashes.push(SlashRow {
                idx,
                task: e.task,
                who: e.who.to_string(),
                amount: e.amount,
                reason: format!("{:?}", e.reason),
            });
            workers.push(e.who);
        }
        if let Some(Ok(e)) = ev.decode_fields_as::<chain::reputation::events::OutcomeRecorded>() {
            b.reputation.push(ReputationRow {
                idx,
                who: e.who.to_string(),
                model: e.model,
                outcome: format!("{:?}", e.outcome),
                score: e.score.0,
                alpha: e.alpha,
                beta: e.beta,
            });
        }
        if row.pallet == "Tasks" {
            tasks.extend(task.filter(|_| row.name != "TaskPruned"));
        }
        if row.pallet == "Workers" || (row.pallet == "Attestation" && row.name == "Attested") {
            if let Some(who) = row.who.as_deref().and_then(|w| w.parse::<AccountId32>().ok()) {
                workers.push(who);
            }
        }
        if row.pallet == "Models" {
            models.extend(row.fields.get("model").and_then(Value::as_u64).map(|m| m as u32));
        }
        b.events.push(row);
    }
    tasks.sort_unstable();
    tasks.dedup();
    workers.sort_by(|a, b| a.0.cmp(&b.0));
    workers.dedup();
    models.sort_unstable();
    models.dedup();
    let apis = at.runtime_apis();
    for id in tasks {
        let view = apis.call(chain::runtime_apis().tasks_api().task(id)).await.map_err(rpc)?;
        if let Some(view) = view {
            b.tasks.push(task_row(&view)?);
        }
    }
    for who in workers {
        let view = apis.call(chain::runtime_apis().triad_api().worker(who.clone())).await.map_err(rpc)?;
        b.workers.push(WorkerRow {
            who: who.to_string(),
            view: view.map(|v| WorkerState {
                status: format!("{:?}", v.info.status),
                stake: v.total_stake,
                roles: format!("{:?}", v.info.roles),
                models: v.info.models.0.iter().map(u32::to_string).collect::<Vec<_>>().join(","),
                registered_at: v.info.registered_at,
                attestation: v.attestation.map(|(a, valid)| {
                    format!(
                        "{}, TCB {}, {} {}",
                        triad_client::audit::measurement(&a.measurement),
                        triad_client::audit::tcb_status(&a.tcb_status),
                        if valid { "valid until" } else { "expired at" },
                        a.expires_at
                    )
                }),
            }),
        });
    }
    for id in models {
        if let Some(m) = apis.call(chain::runtime_apis().triad_api().model(id)).await.map_err(rpc)? {
            b.models.push(ModelRow {
                id,
                name: String::from_utf8_lossy(&m.name.0).into_owned(),
                version: String::from_utf8_lossy(&m.version.0).into_owned(),
                owner: m.owner.to_string(),
                onnx_hash: hex::encode(m.onnx_hash),
                onnx_size: m.onnx_size,
                state: format!("{:?}", m.state),
                price_floor: m.price_floor,
                modes: modes(&m.modes),
            });
        }
    }
    Ok(b)
}

fn modes(m: &chain::runtime_types::triad_primitives::VerificationModes) -> String {
    let mut on = Vec::new();
    if m.lsh_majority {
        on.push("lsh");
    }
    if m.groth16.is_some() {
        on.push("groth16");
    }
    if m.tee {
        on.push("tee");
    }
    on.join(",")
}

/// A task's row from the chain's view of it.
pub fn task_row(view: &TaskView) -> Result<TaskRow, ExplorerError> {
    let i = &view.info;
    let done = match &i.phase {
        Phase::Done { at, resolution } => Some((*at, format!("{resolution:?}"))),
        _ => None,
    };
    let attempts = i
        .attempts
        .0
        .iter()
        .enumerate()
        .map(|(n, a)| {
            let verdict = a.verdict.as_ref().map(|v| native::<triad_verifier::Verdict>(v)).transpose()?;
            Ok(AttemptDetail {
                n: n as u64,
                assigned_at: u64::from(a.assigned_at),
                key: a.key.map(hex::encode),
                posted: a.posted.as_ref().map(|p| match p {
                    Posted::Output { hash } => format!("output {}", hex::encode(hash)),
                    Posted::Offchain { hash, size } => format!("offchain {size} {}", hex::encode(hash)),
                    Posted::CannotRun(r) => format!("cannot-run {r:?}"),
                }),
                verdict: verdict.map(|v| {
                    json!({
                        "outcome": format!("{:?}", v.outcome),
                        "executor_in_majority": v.executor_in_majority,
                        "verifiers_in_majority": v.verifiers_in_majority,
                    })
                }),
                attested: a.attested.as_ref().map(|s| {
                    format!(
                        "{}, TCB {}, checked {} valid until {}",
                        triad_client::audit::measurement(&s.measurement),
                        triad_client::audit::tcb_status(&s.tcb_status),
                        s.checked_at,
                        s.expires_at
                    )
                }),
                proof: view.proofs.iter().find(|(k, _)| *k as usize == n).map(|(_, p)| hex::encode(p)),
                seats: a
                    .seats
                    .0
                    .iter()
                    .enumerate()
                    .map(|(seat, s)| {
                        Ok(SeatDetail {
                            seat: seat as u64,
                            who: s.who.to_string(),
                            commitment: s.commit.map(hex::encode),
                            fingerprint: s
                                .reveal
                                .as_ref()
                                .map(|f| native::<triad_verifier::Fingerprint>(f).map(|f| hex::encode(f.bits)))
                                .transpose()?,
                            vote: s.vote.as_ref().map(|v| format!("{v:?}")),
                            paid: s.paid.to_string(),
                            bounty: s.bounty.to_string(),
                            slashed: s.slashed.to_string(),
                        })
                    })
                    .collect::<Result<_, ExplorerError>>()?,
            })
        })
        .collect::<Result<_, ExplorerError>>()?;
    Ok(TaskRow {
        id: view.id,
        client: i.client.to_string(),
        model: i.model,
        mode: format!("{:?}", i.mode),
        escrow: i.escrow,
        price: i.price,
        refunded: i.refunded,
        deadline: i.deadline,
        submitted_at: i.submitted_at,
        phase: phase_name(&i.phase),
        done,
        input: match &view.input {
            TaskInput::Inline(bytes) => format!("inline {} bytes", bytes.0.len()),
            TaskInput::Offchain { hash, size, .. } => format!("offchain {size} bytes, blake3 {}", hex::encode(hash)),
        },
        output_hash: view.output.as_ref().map(|o| blake3::hash(&o.0).to_hex().to_string()),
        attempts,
    })
}

/// A phase by name.
pub fn phase_name(p: &Phase<u32>) -> String {
    match p {
        Phase::Queued => "Queued".into(),
        Phase::Execute { .. } => "Execute".into(),
        Phase::Key { .. } => "Key".into(),
        Phase::Check { .. } => "Check".into(),
        Phase::Reveal { .. } => "Reveal".into(),
        Phase::Vote { .. } => "Vote".into(),
        Phase::Done { .. } => "Done".into(),
    }
}

/// An event's fields as JSON people can read: an account (a newtype of 32
/// bytes) as SS58, other byte arrays as hex, enum variants by name, and
/// integers past 2^53 as decimal strings.
pub fn show_fields(fields: &scale_value::Composite<()>) -> Value {
    composite(fields)
}

fn composite(c: &scale_value::Composite<()>) -> Value {
    match c {
        scale_value::Composite::Named(named) => {
            Value::Object(named.iter().map(|(k, v)| (k.clone(), value(v))).collect::<Map<_, _>>())
        },
        scale_value::Composite::Unnamed(items) => {
            if let Some(bytes) = as_bytes(items) {
                return Value::String(hex::encode(bytes));
            }
            // A newtype of 32 bytes: an account.
            if let [only] = &items[..] {
                if let scale_value::ValueDef::Composite(scale_value::Composite::Unnamed(inner)) = &only.value {
                    if let Some(bytes) = as_bytes(inner).filter(|b| b.len() == 32) {
                        return Value::String(AccountId32(bytes.try_into().expect("32 bytes")).to_string());
                    }
                }
                return value(only);
            }
            Value::Array(items.iter().map(value).collect())
        },
    }
}

fn as_bytes(items: &[scale_value::Value<()>]) -> Option<Vec<u8>> {
    if items.is_empty() {
        return None;
    }
    items
        .iter()
        .map(|v| match &v.value {
            scale_value::ValueDef::Primitive(scale_value::Primitive::U128(b)) => u8::try_from(*b).ok(),
            _ => None,
        })
        .collect::<Option<Vec<u8>>>()
        .filter(|b| b.len() >= 8)
}

fn value(v: &scale_value::Value<()>) -> Value {
    use scale_value::{Primitive, ValueDef};
    match &v.value {
        ValueDef::Composite(c) => composite(c),
        ValueDef::Variant(var) => match &var.values {
            scale_value::Composite::Named(n) if n.is_empty() => Value::String(var.name.clone()),
            scale_value::Composite::Unnamed(u) if u.is_empty() => Value::String(var.name.clone()),
            fields => json!({ var.name.clone(): composite(fields) }),
        },
        ValueDef::Primitive(p) => match p {
            Primitive::Bool(b) => Value::Bool(*b),
            Primitive::Char(c) => Value::String(c.to_string()),
            Primitive::String(s) => Value::String(s.clone()),
            Primitive::U128(n) if *n < (1 << 53) => json!(*n as u64),
            Primitive::U128(n) => Value::String(n.to_string()),
            Primitive::I128(n) if n.unsigned_abs() < (1 << 53) => json!(*n as i64),
            Primitive::I128(n) => Value::String(n.to_string()),
            other => Value::String(format!("{other:?}")),
        },
        ValueDef::BitSequence(bits) => Value::String(format!("{bits:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scale_value::{Composite, Value as V};

    #[test]
    fn fields_show_accounts_as_ss58_hashes_as_hex_and_big_numbers_as_text() {
        let account = V::unnamed_composite([V::unnamed_composite((0..32u8).map(|b| V::u128(b.into())))]);
        let hash = V::unnamed_composite((0..32u8).map(|b| V::u128(b.into())));
        let fields = Composite::named([
            ("task", V::u128(7)),
            ("who", account),
            ("key", hash),
            ("amount", V::u128(u128::from(u64::MAX) * 4)),
            ("reason", V::unnamed_variant("NoShow", [])),
        ]);
        let shown = show_fields(&fields);
        assert_eq!(shown["task"], 7);
        assert_eq!(shown["who"], AccountId32((0..32u8).collect::<Vec<_>>().try_into().unwrap()).to_string());
        assert_eq!(shown["key"], hex::encode((0..32u8).collect::<Vec<_>>()));
        assert_eq!(shown["amount"], (u128::from(u64::MAX) * 4).to_string());
        assert_eq!(shown["reason"], "NoShow");
    }
}
