//! The database: its schema, and the one transaction per block that writes
//! an indexed block.
//!
//! The same SQL runs on SQLite and PostgreSQL (`sqlx::Any`): `BIGINT` and
//! `TEXT` columns, `$n` parameters, `ON CONFLICT` upserts. Balances are
//! decimal `TEXT`, because a `u128` fits neither database's integers.
//!
//! ## Invariants
//! - A block's rows and the block itself are written in one transaction, so
//!   the highest indexed block is always whole: a restart resumes after it
//!   and loses or duplicates nothing.
//! - A task's, worker's and model's row is the chain's view of it as of the
//!   last block that touched it; history tables (`stakes`, `reputation`,
//!   `payments`, `slashes`, `events`) only grow.

use sqlx::{any::AnyPoolOptions, AnyPool, Row};

/// The database pool: SQLite or PostgreSQL.
pub use sqlx::AnyPool as Pool;

use crate::{index::BlockData, ExplorerError};

/// Every table, in the order [`dump`] reads them.
pub const TABLES: [&str; 12] = [
    "blocks",
    "events",
    "tasks",
    "attempts",
    "seats",
    "reveals",
    "payments",
    "slashes",
    "workers",
    "stakes",
    "reputation",
    "models",
];

const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS chain (id BIGINT PRIMARY KEY, genesis TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS blocks (number BIGINT PRIMARY KEY, hash TEXT NOT NULL, parent TEXT NOT NULL,
        time_ms BIGINT NOT NULL, extrinsics BIGINT NOT NULL, events BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS events (block BIGINT NOT NULL, idx BIGINT NOT NULL, extrinsic BIGINT,
        pallet TEXT NOT NULL, name TEXT NOT NULL, task BIGINT, who TEXT, fields TEXT NOT NULL, PRIMARY KEY (block, idx))",
    "CREATE INDEX IF NOT EXISTS events_task ON events (task)",
    "CREATE INDEX IF NOT EXISTS events_who ON events (who)",
    "CREATE TABLE IF NOT EXISTS tasks (id BIGINT PRIMARY KEY, client TEXT NOT NULL, model BIGINT NOT NULL,
        mode TEXT NOT NULL, escrow TEXT NOT NULL, price TEXT NOT NULL, refunded TEXT NOT NULL, deadline BIGINT NOT NULL,
        submitted_at BIGINT NOT NULL, phase TEXT NOT NULL, resolution TEXT, done_at BIGINT, input TEXT NOT NULL,
        output_hash TEXT, pruned BIGINT NOT NULL, updated BIGINT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS tasks_client ON tasks (client)",
    "CREATE INDEX IF NOT EXISTS tasks_model ON tasks (model)",
    "CREATE TABLE IF NOT EXISTS attempts (task BIGINT NOT NULL, n BIGINT NOT NULL, assigned_at BIGINT NOT NULL,
        attempt_key TEXT, posted TEXT, verdict TEXT, attested TEXT, proof TEXT, PRIMARY KEY (task, n))",
    "CREATE TABLE IF NOT EXISTS seats (task BIGINT NOT NULL, attempt BIGINT NOT NULL, seat BIGINT NOT NULL,
        who TEXT NOT NULL, commitment TEXT, fingerprint TEXT, vote TEXT, paid TEXT NOT NULL, bounty TEXT NOT NULL,
        slashed TEXT NOT NULL, PRIMARY KEY (task, attempt, seat))",
    "CREATE INDEX IF NOT EXISTS seats_who ON seats (who)",
    "CREATE TABLE IF NOT EXISTS reveals (block BIGINT NOT NULL, extrinsic BIGINT NOT NULL, task BIGINT NOT NULL,
        who TEXT NOT NULL, kind TEXT NOT NULL, PRIMARY KEY (block, extrinsic))",
    "CREATE INDEX IF NOT EXISTS reveals_task ON reveals (task)",
    "CREATE TABLE IF NOT EXISTS payments (block BIGINT NOT NULL, idx BIGINT NOT NULL, task BIGINT NOT NULL,
        who TEXT NOT NULL, kind TEXT NOT NULL, amount TEXT NOT NULL, PRIMARY KEY (block, idx))",
    "CREATE INDEX IF NOT EXISTS payments_task ON payments (task)",
    "CREATE TABLE IF NOT EXISTS slashes (block BIGINT NOT NULL, idx BIGINT NOT NULL, task BIGINT NOT NULL,
        who TEXT NOT NULL, amount TEXT NOT NULL, reason TEXT NOT NULL, PRIMARY KEY (block, idx))",
    "CREATE TABLE IF NOT EXISTS workers (who TEXT PRIMARY KEY, status TEXT NOT NULL, stake TEXT NOT NULL,
        roles TEXT NOT NULL, models TEXT NOT NULL, registered_at BIGINT NOT NULL, attestation TEXT, updated BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS stakes (who TEXT NOT NULL, block BIGINT NOT NULL, stake TEXT NOT NULL,
        status TEXT NOT NULL, PRIMARY KEY (who, block))",
    "CREATE TABLE IF NOT EXISTS reputation (who TEXT NOT NULL, model BIGINT NOT NULL, block BIGINT NOT NULL,
        idx BIGINT NOT NULL, outcome TEXT NOT NULL, score BIGINT NOT NULL, alpha BIGINT NOT NULL, beta BIGINT NOT NULL,
        PRIMARY KEY (block, idx))",
    "CREATE INDEX IF NOT EXISTS reputation_who ON reputation (who)",
    "CREATE TABLE IF NOT EXISTS models (id BIGINT PRIMARY KEY, name TEXT NOT NULL, version TEXT NOT NULL,
        owner TEXT NOT NULL, onnx_hash TEXT NOT NULL, onnx_size BIGINT NOT NULL, state TEXT NOT NULL,
        price_floor TEXT NOT NULL, modes TEXT NOT NULL, registered_at BIGINT NOT NULL, updated BIGINT NOT NULL)",
];

/// Opens (creating when missing) the database at `url`: `sqlite://path` or
/// `postgres://…`, and creates its tables.
pub async fn open(url: &str) -> Result<AnyPool, ExplorerError> {
    sqlx::any::install_default_drivers();
    let url = match url.strip_prefix("sqlite://") {
        Some(path) if !path.contains('?') => format!("sqlite://{path}?mode=rwc"),
        _ => url.to_string(),
    };
    // SQLite takes one writer at a time; readers wait for it briefly.
    let max = if url.starts_with("sqlite:") { 4 } else { 8 };
    let pool = AnyPoolOptions::new().max_connections(max).connect(&url).await?;
    if url.starts_with("sqlite:") {
        sqlx::query("PRAGMA journal_mode = WAL").execute(&pool).await?;
        sqlx::query("PRAGMA busy_timeout = 5000").execute(&pool).await?;
    }
    for statement in SCHEMA {
        sqlx::query(statement).execute(&pool).await?;
    }
    Ok(pool)
}

/// The genesis hash the database indexes, recorded on first use; a
/// database of another chain is refused.
pub async fn check_genesis(pool: &AnyPool, genesis: &str) -> Result<(), ExplorerError> {
    let stored: Option<String> =
        sqlx::query("SELECT genesis FROM chain WHERE id = 0").fetch_optional(pool).await?.map(|r| r.get(0));
    match stored {
        Some(g) if g == genesis => Ok(()),
        Some(g) => Err(ExplorerError::OtherChain { indexed: g, node: genesis.to_string() }),
        None => {
            sqlx::query("INSERT INTO chain (id, genesis) VALUES (0, $1)").bind(genesis).execute(pool).await?;
            Ok(())
        },
    }
}

/// The highest block indexed, with its hash.
pub async fn cursor(pool: &AnyPool) -> Result<Option<(u64, String)>, ExplorerError> {
    let row = sqlx::query("SELECT number, hash FROM blocks ORDER BY number DESC LIMIT 1").fetch_optional(pool).await?;
    Ok(row.map(|r| (r.get::<i64, _>(0) as u64, r.get(1))))
}

/// Writes one block and everything read with it, in one transaction.
pub async fn write_block(pool: &AnyPool, b: &BlockData) -> Result<(), ExplorerError> {
    let mut tx = pool.begin().await?;
    let n = b.number as i64;
    sqlx::query("INSERT INTO blocks (number, hash, parent, time_ms, extrinsics, events) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(n)
        .bind(&b.hash)
        .bind(&b.parent)
        .bind(b.time_ms as i64)
        .bind(b.extrinsics as i64)
        .bind(b.events.len() as i64)
        .execute(&mut *tx)
        .await?;
    for e in &b.events {
        sqlx::query(
            "INSERT INTO events (block, idx, extrinsic, pallet, name, task, who, fields) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(n)
        .bind(e.idx as i64)
        .bind(e.extrinsic.map(|x| x as i64))
        .bind(&e.pallet)
        .bind(&e.name)
        .bind(e.task.map(|t| t as i64))
        .bind(e.who.clone())
        .bind(e.fields.to_string())
        .execute(&mut *tx)
        .await?;
    }
    for t in &b.tasks {
        let (done, resolution) = match &t.done {
            Some((at, r)) => (Some(*at as i64), Some(r.clone())),
            None => (None, None),
        };
        sqlx::query(
            "INSERT INTO tasks (id, client, model, mode, escrow, price, refunded, deadline, submitted_at, phase, resolution,
                done_at, input, output_hash, pruned, updated)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 0, $15)
             ON CONFLICT (id) DO UPDATE SET escrow = excluded.escrow, price = excluded.price, refunded = excluded.refunded,
                phase = excluded.phase, resolution = excluded.resolution, done_at = excluded.done_at,
                output_hash = excluded.output_hash, updated = excluded.updated",
        )
        .bind(t.id as i64)
        .bind(&t.client)
        .bind(t.model as i64)
        .bind(&t.mode)
        .bind(t.escrow.to_string())
        .bind(t.price.to_string())
        .bind(t.refunded.to_string())
        .bind(t.deadline as i64)
        .bind(t.submitted_at as i64)
        .bind(&t.phase)
        .bind(resolution)
        .bind(done)
        .bind(&t.input)
        .bind(t.output_hash.clone())
        .bind(n)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM seats WHERE task = $1").bind(t.id as i64).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM attempts WHERE task = $1").bind(t.id as i64).execute(&mut *tx).await?;
        for a in &t.attempts {
            sqlx::query(
                "INSERT INTO attempts (task, n, assigned_at, attempt_key, posted, verdict, attested, proof)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(t.id as i64)
            .bind(a.n as i64)
            .bind(a.assigned_at as i64)
            .bind(a.key.clone())
            .bind(a.posted.clone())
            .bind(a.verdict.as_ref().map(|v| v.to_string()))
            .bind(a.attested.clone())
            .bind(a.proof.clone())
            .execute(&mut *tx)
            .await?;
            for seat in &a.seats {
                sqlx::query(
                    "INSERT INTO seats (task, attempt, seat, who, commitment, fingerprint, vote, paid, bounty, slashed)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(t.id as i64)
                .bind(a.n as i64)
                .bind(seat.seat as i64)
                .bind(&seat.who)
                .bind(seat.commitment.clone())
                .bind(seat.fingerprint.clone())
                .bind(seat.vote.clone())
                .bind(&seat.paid)
                .bind(&seat.bounty)
                .bind(&seat.slashed)
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    for id in &b.pruned {
        sqlx::query("UPDATE tasks SET pruned = 1, updated = $2 WHERE id = $1").bind(*id as i64).bind(n).execute(&mut *tx).await?;
    }
    for r in &b.reveals {
        sqlx::query("INSERT INTO reveals (block, extrinsic, task, who, kind) VALUES ($1, $2, $3, $4, $5)")
            .bind(n)
            .bind(r.extrinsic as i64)
            .bind(r.task as i64)
            .bind(&r.who)
            .bind(r.kind)
            .execute(&mut *tx)
            .await?;
    }
    for p in &b.payments {
        sqlx::query("INSERT INTO payments (block, idx, task, who, kind, amount) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(n)
            .bind(p.idx as i64)
            .bind(p.task as i64)
            .bind(&p.who)
            .bind(p.kind)
            .bind(p.amount.to_string())
            .execute(&mut *tx)
            .await?;
    }
    for s in &b.slashes {
        sqlx::query("INSERT INTO slashes (block, idx, task, who, amount, reason) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(n)
            .bind(s.idx as i64)
            .bind(s.task as i64)
            .bind(&s.who)
            .bind(s.amount.to_string())
            .bind(&s.reason)
            .execute(&mut *tx)
            .await?;
    }
    for w in &b.workers {
        match &w.view {
            Some(v) => {
                sqlx::query(
                    "INSERT INTO workers (who, status, stake, roles, models, registered_at, attestation, updated)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                     ON CONFLICT (who) DO UPDATE SET status = excluded.status, stake = excluded.stake, roles = excluded.roles,
                        models = excluded.models, attestation = excluded.attestation, updated = excluded.updated",
                )
                .bind(&w.who)
                .bind(&v.status)
                .bind(v.stake.to_string())
                .bind(&v.roles)
                .bind(&v.models)
                .bind(v.registered_at as i64)
                .bind(v.attestation.clone())
                .bind(n)
                .execute(&mut *tx)
                .await?;
                sqlx::query("INSERT INTO stakes (who, block, stake, status) VALUES ($1, $2, $3, $4)")
                    .bind(&w.who)
                    .bind(n)
                    .bind(v.stake.to_string())
                    .bind(&v.status)
                    .execute(&mut *tx)
                    .await?;
            },
            None => {
                sqlx::query("UPDATE workers SET status = 'Removed', stake = '0', updated = $2 WHERE who = $1")
                    .bind(&w.who)
                    .bind(n)
                    .execute(&mut *tx)
                    .await?;
            },
        }
    }
    for r in &b.reputation {
        sqlx::query(
            "INSERT INTO reputation (who, model, block, idx, outcome, score, alpha, beta) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&r.who)
        .bind(r.model as i64)
        .bind(n)
        .bind(r.idx as i64)
        .bind(&r.outcome)
        .bind(r.score as i64)
        .bind(r.alpha as i64)
        .bind(r.beta as i64)
        .execute(&mut *tx)
        .await?;
    }
    for m in &b.models {
        sqlx::query(
            "INSERT INTO models (id, name, version, owner, onnx_hash, onnx_size, state, price_floor, modes, registered_at, updated)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
             ON CONFLICT (id) DO UPDATE SET state = excluded.state, price_floor = excluded.price_floor,
                modes = excluded.modes, updated = excluded.updated",
        )
        .bind(m.id as i64)
        .bind(&m.name)
        .bind(&m.version)
        .bind(&m.owner)
        .bind(&m.onnx_hash)
        .bind(m.onnx_size as i64)
        .bind(&m.state)
        .bind(m.price_floor.to_string())
        .bind(&m.modes)
        .bind(n)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Every row of every table, as text, in a stable order: two indexes of the
/// same chain dump identically.
pub async fn dump(pool: &AnyPool) -> Result<Vec<(String, Vec<String>)>, ExplorerError> {
    let mut tables = Vec::new();
    for table in TABLES {
        let rows = sqlx::query(&format!("SELECT * FROM {table}")).fetch_all(pool).await?;
        let mut lines: Vec<String> = rows
            .iter()
            .map(|r| {
                (0..r.len())
                    .map(|i| {
                        r.try_get::<Option<String>, _>(i)
                            .map(|s| s.unwrap_or_else(|| "NULL".into()))
                            .or_else(|_| r.try_get::<Option<i64>, _>(i).map(|v| v.map_or("NULL".into(), |v| v.to_string())))
                            .unwrap_or_else(|e| format!("<{e}>"))
                    })
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect();
        lines.sort();
        tables.push((table.to_string(), lines));
    }
    Ok(tables)
}

/// Runs one statement: the tests tamper with rows through it.
pub async fn execute(pool: &AnyPool, sql: &str) -> Result<u64, ExplorerError> {
    Ok(sqlx::query(sql).execute(pool).await?.rows_affected())
}
