//! Reads of the index for the pages and the API: plain rows as
//! serializable structs, nothing re-derived (that is [`crate::web::chain`]'s).

use serde::Serialize;
use serde_json::Value;
use sqlx::{any::AnyRow, AnyPool, Row};

use crate::ExplorerError;

/// The chain at a glance.
#[derive(Debug, Serialize)]
pub struct Overview {
    /// The last block indexed.
    pub indexed: u64,
    /// Its timestamp (Unix ms).
    pub indexed_time_ms: u64,
    /// Tasks by resolution, `Open` for those not settled.
    pub tasks: Vec<(String, u64)>,
    /// Tasks submitted per hour of chain time, the last 24 hours that had any.
    pub per_hour: Vec<(u64, u64)>,
    /// Escrow held by open tasks, in planks.
    pub escrow_held: String,
    /// Stake slashed in all, in planks.
    pub slashed: String,
    /// Rejected attempts, across tasks.
    pub rejected_attempts: u64,
    /// The latest tasks.
    pub latest: Vec<TaskSummary>,
}

/// One line of a task list.
#[derive(Debug, Serialize)]
pub struct TaskSummary {
    pub id: u64,
    pub client: String,
    pub model: u64,
    pub mode: String,
    pub phase: String,
    pub resolution: Option<String>,
    pub escrow: String,
    pub refunded: String,
    pub submitted_at: u64,
    pub done_at: Option<u64>,
    pub attempts: u64,
}

/// A task with its attempts, seats, payments and slashes, as indexed.
#[derive(Debug, Serialize)]
pub struct TaskDetail {
    #[serde(flatten)]
    pub summary: TaskSummary,
    pub price: String,
    pub deadline: u64,
    pub input: String,
    pub output_hash: Option<String>,
    pub pruned: bool,
    pub attempts: Vec<AttemptDetail>,
    pub payments: Vec<Payment>,
    pub slashes: Vec<Slash>,
    pub reveals: Vec<RevealAt>,
    pub events: Vec<EventLine>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AttemptDetail {
    pub n: u64,
    pub assigned_at: u64,
    pub key: Option<String>,
    pub posted: Option<String>,
    pub verdict: Option<Value>,
    pub attested: Option<String>,
    pub proof: Option<String>,
    pub seats: Vec<SeatDetail>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeatDetail {
    pub seat: u64,
    pub who: String,
    pub commitment: Option<String>,
    pub fingerprint: Option<String>,
    pub vote: Option<String>,
    pub paid: String,
    pub bounty: String,
    pub slashed: String,
}

#[derive(Debug, Serialize)]
pub struct Payment {
    pub block: u64,
    pub task: u64,
    pub who: String,
    pub kind: String,
    pub amount: String,
}

#[derive(Debug, Serialize)]
pub struct Slash {
    pub block: u64,
    pub task: u64,
    pub who: String,
    pub amount: String,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct RevealAt {
    pub block: u64,
    pub extrinsic: u64,
    pub who: String,
    pub kind: String,
}

#[derive(Debug, Serialize)]
pub struct EventLine {
    pub block: u64,
    pub idx: u64,
    pub extrinsic: Option<u64>,
    pub pallet: String,
    pub name: String,
    pub fields: Value,
}

/// A worker as indexed, with its history.
#[derive(Debug, Serialize)]
pub struct WorkerDetail {
    pub who: String,
    pub status: String,
    pub stake: String,
    pub roles: String,
    pub models: String,
    pub registered_at: u64,
    pub attestation: Option<String>,
    pub stakes: Vec<(u64, String, String)>,
    pub reputation: Vec<ReputationPoint>,
    pub seats: Vec<WorkerSeat>,
    pub slashes: Vec<Slash>,
}

#[derive(Debug, Serialize)]
pub struct ReputationPoint {
    pub block: u64,
    pub model: u64,
    pub outcome: String,
    /// Parts per billion.
    pub score: u64,
    pub alpha: u64,
    pub beta: u64,
}

#[derive(Debug, Serialize)]
pub struct WorkerSeat {
    pub task: u64,
    pub attempt: u64,
    pub seat: u64,
    pub vote: Option<String>,
    pub paid: String,
    pub slashed: String,
    pub resolution: Option<String>,
}

/// A model as indexed.
#[derive(Debug, Serialize)]
pub struct ModelRow {
    pub id: u64,
    pub name: String,
    pub version: String,
    pub owner: String,
    pub onnx_hash: String,
    pub onnx_size: u64,
    pub state: String,
    pub price_floor: String,
    pub modes: String,
    pub registered_at: u64,
    pub tasks: u64,
}

fn u(r: &AnyRow, i: &str) -> u64 {
    r.get::<i64, _>(i) as u64
}

fn ou(r: &AnyRow, i: &str) -> Option<u64> {
    r.get::<Option<i64>, _>(i).map(|v| v as u64)
}

fn sum(amounts: impl IntoIterator<Item = String>) -> String {
    amounts.into_iter().map(|a| a.parse::<u128>().unwrap_or(0)).sum::<u128>().to_string()
}

const SUMMARY: &str = "SELECT t.id, t.client, t.model, t.mode, t.phase, t.resolution, t.escrow, t.refunded, t.submitted_at,
    t.done_at, (SELECT COUNT(*) FROM attempts a WHERE a.task = t.id) AS attempts FROM tasks t";

fn summary(r: &AnyRow) -> TaskSummary {
    TaskSummary {
        id: u(r, "id"),
        client: r.get("client"),
        model: u(r, "model"),
        mode: r.get("mode"),
        phase: r.get("phase"),
        resolution: r.get("resolution"),
        escrow: r.get("escrow"),
        refunded: r.get("refunded"),
        submitted_at: u(r, "submitted_at"),
        done_at: ou(r, "done_at"),
        attempts: u(r, "attempts"),
    }
}

/// The overview.
pub async fn overview(pool: &AnyPool) -> Result<Overview, ExplorerError> {
    let head = sqlx::query("SELECT number, time_ms FROM blocks ORDER BY number DESC LIMIT 1").fetch_optional(pool).await?;
    let (indexed, indexed_time_ms) = head.map_or((0, 0), |r| (u(&r, "number"), u(&r, "time_ms")));
    let tasks = sqlx::query(
        "SELECT COALESCE(resolution, 'Open') AS r, COUNT(*) AS n FROM tasks GROUP BY COALESCE(resolution, 'Open') ORDER BY r",
    )
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| (r.get::<String, _>("r"), u(r, "n")))
    .collect();
    let per_hour = sqlx::query(
        "SELECT b.time_ms / 3600000 AS hour, COUNT(*) AS n FROM tasks t JOIN blocks b ON b.number = t.submitted_at
         GROUP BY b.time_ms / 3600000 ORDER BY hour DESC LIMIT 24",
    )
    .fetch_all(pool)
    .await?
    .iter()
    .rev()
    .map(|r| (u(r, "hour"), u(r, "n")))
    .collect();
    let held = sqlx::query("SELECT escrow FROM tasks WHERE resolution IS NULL").fetch_all(pool).await?;
    let slashed = sqlx::query("SELECT amount FROM slashes").fetch_all(pool).await?;
    let rejected = sqlx::query("SELECT COUNT(*) AS n FROM attempts WHERE verdict LIKE '%\"Rejected\"%'").fetch_one(pool).await?;
    Ok(Overview {
        indexed,
        indexed_time_ms,
        tasks,
        per_hour,
        escrow_held: sum(held.iter().map(|r| r.get("escrow"))),
        slashed: sum(slashed.iter().map(|r| r.get("amount"))),
        rejected_attempts: u(&rejected, "n"),
        latest: tasks_page(pool, &TaskFilter::default(), 20, 0).await?,
    })
}

/// Which tasks a list shows.
#[derive(Debug, Default, serde::Deserialize)]
pub struct TaskFilter {
    /// Tasks of this client.
    pub client: Option<String>,
    /// Tasks of this model.
    pub model: Option<u32>,
    /// Tasks this worker sat in.
    pub worker: Option<String>,
    /// Tasks with this resolution (`Open` for unsettled).
    pub resolution: Option<String>,
}

/// Tasks, newest first.
pub async fn tasks_page(pool: &AnyPool, f: &TaskFilter, limit: u32, offset: u32) -> Result<Vec<TaskSummary>, ExplorerError> {
    let mut sql = format!("{SUMMARY} WHERE 1 = 1");
    let mut n = 0;
    let mut param = || {
        n += 1;
        format!("${n}")
    };
    if f.client.is_some() {
        sql += &format!(" AND t.client = {}", param());
    }
    if f.model.is_some() {
        sql += &format!(" AND t.model = {}", param());
    }
    if f.worker.is_some() {
        sql += &format!(" AND t.id IN (SELECT task FROM seats WHERE who = {})", param());
    }
    match f.resolution.as_deref() {
        Some("Open") => sql += " AND t.resolution IS NULL",
        Some(_) => sql += &format!(" AND t.resolution = {}", param()),
        None => {},
    }
    sql += &format!(" ORDER BY t.id DESC LIMIT {} OFFSET {}", limit.min(500), offset);
    let mut q = sqlx::query(&sql);
    if let Some(c) = &f.client {
        q = q.bind(c.clone());
    }
    if let Some(m) = f.model {
        q = q.bind(i64::from(m));
    }
    if let Some(w) = &f.worker {
        q = q.bind(w.clone());
    }
    if let Some(r) = f.resolution.as_ref().filter(|r| *r != "Open") {
        q = q.bind(r.clone());
    }
    Ok(q.fetch_all(pool).await?.iter().map(summary).collect())
}

/// One task, as indexed.
pub async fn task(pool: &AnyPool, id: u64) -> Result<Option<TaskDetail>, ExplorerError> {
    let id = id as i64;
    let Some(t) = sqlx::query(&format!("{SUMMARY} WHERE t.id = $1")).bind(id).fetch_optional(pool).await? else {
        return Ok(None);
    };
    let extra = sqlx::query("SELECT price, deadline, input, output_hash, pruned FROM tasks WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await?;
    let seats = sqlx::query("SELECT * FROM seats WHERE task = $1 ORDER BY attempt, seat").bind(id).fetch_all(pool).await?;
    let attempts = sqlx::query("SELECT * FROM attempts WHERE task = $1 ORDER BY n")
        .bind(id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|a| AttemptDetail {
            n: u(a, "n"),
            assigned_at: u(a, "assigned_at"),
            key: a.get("attempt_key"),
            posted: a.get("posted"),
            verdict: a.get::<Option<String>, _>("verdict").and_then(|v| serde_json::from_str(&v).ok()),
            attested: a.get("attested"),
            proof: a.get("proof"),
            seats: seats
                .iter()
                .filter(|s| u(s, "attempt") == u(a, "n"))
                .map(|s| SeatDetail {
                    seat: u(s, "seat"),
                    who: s.get("who"),
                    commitment: s.get("commitment"),
                    fingerprint: s.get("fingerprint"),
                    vote: s.get("vote"),
                    paid: s.get("paid"),
                    bounty: s.get("bounty"),
                    slashed: s.get("slashed"),
                })
                .collect(),
        })
        .collect();
    let payments = sqlx::query("SELECT * FROM payments WHERE task = $1 ORDER BY block, idx").bind(id).fetch_all(pool).await?;
    let reveals = sqlx::query("SELECT * FROM reveals WHERE task = $1 ORDER BY block, extrinsic").bind(id).fetch_all(pool).await?;
    let events = sqlx::query("SELECT * FROM events WHERE task = $1 ORDER BY block, idx").bind(id).fetch_all(pool).await?;
    Ok(Some(TaskDetail {
        summary: summary(&t),
        price: extra.get("price"),
        deadline: u(&extra, "deadline"),
        input: extra.get("input"),
        output_hash: extra.get("output_hash"),
        pruned: u(&extra, "pruned") != 0,
        attempts,
        payments: payments.iter().map(payment).collect(),
        slashes: slashes(pool, "task = $1", Some(id), None).await?,
        reveals: reveals
            .iter()
            .map(|r| RevealAt { block: u(r, "block"), extrinsic: u(r, "extrinsic"), who: r.get("who"), kind: r.get("kind") })
            .collect(),
        events: events.iter().map(event_line).collect(),
    }))
}

fn payment(r: &AnyRow) -> Payment {
    Payment { block: u(r, "block"), task: u(r, "task"), who: r.get("who"), kind: r.get("kind"), amount: r.get("amount") }
}

fn event_line(r: &AnyRow) -> EventLine {
    EventLine {
        block: u(r, "block"),
        idx: u(r, "idx"),
        extrinsic: ou(r, "extrinsic"),
        pallet: r.get("pallet"),
        name: r.get("name"),
        fields: serde_json::from_str(&r.get::<String, _>("fields")).unwrap_or(Value::Null),
    }
}

async fn slashes(pool: &AnyPool, filter: &str, task: Option<i64>, who: Option<&str>) -> Result<Vec<Slash>, ExplorerError> {
    let sql = format!("SELECT * FROM slashes WHERE {filter} ORDER BY block, idx");
    let mut q = sqlx::query(&sql);
    if let Some(t) = task {
        q = q.bind(t);
    }
    if let Some(w) = who {
        q = q.bind(w.to_string());
    }
    Ok(q.fetch_all(pool)
        .await?
        .iter()
        .map(|r| Slash {
            block: u(r, "block"),
            task: u(r, "task"),
            who: r.get("who"),
            amount: r.get("amount"),
            reason: r.get("reason"),
        })
        .collect())
}

/// A worker, as indexed.
pub async fn worker(pool: &AnyPool, who: &str) -> Result<Option<WorkerDetail>, ExplorerError> {
    let Some(w) = sqlx::query("SELECT * FROM workers WHERE who = $1").bind(who.to_string()).fetch_optional(pool).await? else {
        return Ok(None);
    };
    let stakes = sqlx::query("SELECT block, stake, status FROM stakes WHERE who = $1 ORDER BY block")
        .bind(who.to_string())
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| (u(r, "block"), r.get("stake"), r.get("status")))
        .collect();
    let reputation = sqlx::query("SELECT * FROM reputation WHERE who = $1 ORDER BY block, idx")
        .bind(who.to_string())
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| ReputationPoint {
            block: u(r, "block"),
            model: u(r, "model"),
            outcome: r.get("outcome"),
            score: u(r, "score"),
            alpha: u(r, "alpha"),
            beta: u(r, "beta"),
        })
        .collect();
    let seats = sqlx::query(
        "SELECT s.task, s.attempt, s.seat, s.vote, s.paid, s.slashed, t.resolution FROM seats s JOIN tasks t ON t.id = s.task
         WHERE s.who = $1 ORDER BY s.task DESC, s.attempt DESC LIMIT 200",
    )
    .bind(who.to_string())
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| WorkerSeat {
        task: u(r, "task"),
        attempt: u(r, "attempt"),
        seat: u(r, "seat"),
        vote: r.get("vote"),
        paid: r.get("paid"),
        slashed: r.get("slashed"),
        resolution: r.get("resolution"),
    })
    .collect();
    Ok(Some(WorkerDetail {
        who: w.get("who"),
        status: w.get("status"),
        stake: w.get("stake"),
        roles: w.get("roles"),
        models: w.get("models"),
        registered_at: u(&w, "registered_at"),
        attestation: w.get("attestation"),
        stakes,
        reputation,
        seats,
        slashes: slashes(pool, "who = $1", None, Some(who)).await?,
    }))
}

const MODEL: &str = "SELECT m.*, (SELECT COUNT(*) FROM tasks t WHERE t.model = m.id) AS tasks FROM models m";

fn model_row(r: &AnyRow) -> ModelRow {
    ModelRow {
        id: u(r, "id"),
        name: r.get("name"),
        version: r.get("version"),
        owner: r.get("owner"),
        onnx_hash: r.get("onnx_hash"),
        onnx_size: u(r, "onnx_size"),
        state: r.get("state"),
        price_floor: r.get("price_floor"),
        modes: r.get("modes"),
        registered_at: u(r, "registered_at"),
        tasks: u(r, "tasks"),
    }
}

/// Every model.
pub async fn models(pool: &AnyPool) -> Result<Vec<ModelRow>, ExplorerError> {
    Ok(sqlx::query(&format!("{MODEL} ORDER BY m.id")).fetch_all(pool).await?.iter().map(model_row).collect())
}

/// One model.
pub async fn model(pool: &AnyPool, id: u32) -> Result<Option<ModelRow>, ExplorerError> {
    Ok(sqlx::query(&format!("{MODEL} WHERE m.id = $1")).bind(i64::from(id)).fetch_optional(pool).await?.as_ref().map(model_row))
}

/// The model registered with this ONNX hash (hex).
pub async fn model_by_hash(pool: &AnyPool, hash: &str) -> Result<Option<u64>, ExplorerError> {
    let row = sqlx::query("SELECT id FROM models WHERE onnx_hash = $1").bind(hash.to_lowercase()).fetch_optional(pool).await?;
    Ok(row.map(|r| u(&r, "id")))
}

/// Whether any task involves this account (as client or seat).
pub async fn is_account(pool: &AnyPool, who: &str) -> Result<bool, ExplorerError> {
    let row = sqlx::query(
        "SELECT 1 FROM tasks WHERE client = $1 UNION SELECT 1 FROM seats WHERE who = $1 UNION SELECT 1 FROM workers WHERE who = $1",
    )
    .bind(who.to_string())
    .fetch_optional(pool)
    .await?;
    Ok(row.is_some())
}
