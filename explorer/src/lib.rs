//! # Triad explorer
//!
//! An auditor's view of a Triad chain: every task, attempt, seat, reveal,
//! verdict, payment, slash, proof and attestation, every worker's stake and
//! reputation over time, and every model, as web pages and a JSON API
//! (`openapi.json`), served by one binary with an embedded database.
//!
//! - [`index`] follows finalized blocks into the database ([`db`]): SQLite
//!   by default, PostgreSQL for large deployments. It backfills from
//!   genesis and resumes after a restart from the last block it wrote.
//! - [`read`] answers the pages' and the API's queries from the index.
//! - [`web`] serves them. A task's page does not trust the index for its
//!   verdict: it gathers the task from the node and runs
//!   `triad_job::audit` on it, then compares the index's rows with the
//!   chain, so a row changed by hand shows as a failed check.
//!
//! ## Invariants
//! - The index holds finalized blocks only, each written whole.
//! - Nothing the explorer shows as an audit result comes from its own
//!   database: the database only says where to look.

#![deny(missing_docs)]

pub mod db;
#[allow(missing_docs)]
pub mod index;
#[allow(missing_docs)]
pub mod read;
pub mod web;

/// Log target of everything this crate logs.
pub const LOG_TARGET: &str = "triad::explorer";

/// What can go wrong in the explorer.
#[derive(Debug, thiserror::Error)]
pub enum ExplorerError {
    /// The database refused or failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// The node failed or answered something unexpected.
    #[error("chain: {0}")]
    Chain(String),
    /// From the chain client.
    #[error(transparent)]
    Client(#[from] triad_client::ClientError),
    /// The database indexes another chain than the node's.
    #[error("the database indexes the chain with genesis {indexed}, the node serves genesis {node}")]
    OtherChain {
        /// Genesis hash in the database.
        indexed: String,
        /// The node's.
        node: String,
    },
    /// A finalized block that does not extend the last one indexed.
    #[error("block #{number}'s parent {parent} is not the indexed block {indexed}")]
    NotChild {
        /// The block read.
        number: u64,
        /// Its parent's hash.
        parent: String,
        /// The hash indexed at its parent's height.
        indexed: String,
    },
}
