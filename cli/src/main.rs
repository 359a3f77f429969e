//! `triad`: the client and auditor command line of a Triad chain.
//!
//! Every failure prints as one line on stderr (`triad: …`) and exits with
//! status 1; a failed extrinsic is named by its pallet error
//! (`Tasks::FeeBelowPrice — …`). Inputs are checked against the model's
//! registered schema before anything is signed, so a malformed file or a
//! wrong shape costs nothing and changes no chain state.

mod audit;
mod model;
mod prove;
mod runtime;
mod serve;
mod show;
mod submit;
mod tee;

use std::{path::PathBuf, process::ExitCode, time::Duration};

use clap::{Parser, Subcommand};
use triad_client::{load_signer, Client, Signer};

pub use triad_client::UNIT;

#[derive(Parser)]
#[command(name = "triad", version, about = "Submit, follow and audit verified inference jobs on a Triad chain")]
struct Cli {
    /// Node RPC endpoint.
    #[arg(long, global = true, default_value = "ws://127.0.0.1:9944")]
    url: String,
    /// Development key: alice, bob, … (never for real funds).
    #[arg(long, global = true)]
    dev_seed: Option<String>,
    /// File holding the secret URI (phrase or 0x seed) of the signing key.
    #[arg(long, global = true)]
    key_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Models in the registry.
    #[command(subcommand)]
    Model(model::ModelCommand),
    /// Submit an inference job.
    Submit(submit::SubmitArgs),
    /// Show a task's whole lifecycle from chain state.
    Task {
        /// Task id.
        id: u64,
    },
    /// Re-check a task from chain data alone: commitments, keyed
    /// fingerprints of the posted answers, votes, verdicts and payments.
    Audit(audit::AuditArgs),
    /// List workers with stake, reputation and status.
    Workers,
    /// The chain's runtime: its version, and upgrading it.
    #[command(subcommand)]
    Runtime(runtime::RuntimeCommand),
}

/// An error as the user sees it: one line.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// From the chain client.
    #[error(transparent)]
    Client(#[from] triad_client::ClientError),
    /// Reading or checking a file.
    #[error("{0}")]
    Input(String),
    /// Something the chain says that the command cannot go on from.
    #[error("{0}")]
    Chain(String),
    /// The audit found an inconsistency.
    #[error("audit failed: {0}")]
    Audit(String),
}

pub(crate) fn chain_err(e: impl std::fmt::Display) -> CliError {
    CliError::Chain(e.to_string())
}

pub(crate) async fn connect(url: &str) -> Result<Client, CliError> {
    Ok(Client::connect(url, Duration::from_secs(10)).await?)
}

pub(crate) struct Keys {
    dev_seed: Option<String>,
    key_file: Option<PathBuf>,
}

/// The dev seeds genesis funds (`sp_keyring`'s accounts).
const FUNDED_DEV_SEEDS: &str = "alice, bob, charlie, dave, eve, ferdie, each with //stash, one and two";

impl Keys {
    pub(crate) fn signer(&self) -> Result<Signer, CliError> {
        Ok(load_signer(self.dev_seed.as_deref(), self.key_file.as_deref())?)
    }

    /// [`Keys::signer`], refused when its account holds nothing on the
    /// chain `client` talks to: such a key cannot pay a transaction fee, and
    /// a dev seed is any name at all (`nosuchkey` derives `//Nosuchkey`).
    pub(crate) async fn signer_on(&self, client: &Client) -> Result<Signer, CliError> {
        let signer = self.signer()?;
        let who = triad_client::account_of(&signer);
        let at = client.finalized().await?;
        let account = at
            .storage()
            .try_fetch(triad_client::chain::storage().system().account(), (who.clone(),))
            .await
            .map_err(chain_err)?
            .map(|a| a.decode())
            .transpose()
            .map_err(chain_err)?;
        if account.is_some_and(|a| a.data.free > 0) {
            return Ok(signer);
        }
        let hint = match &self.dev_seed {
            Some(seed) => format!(" (--dev-seed {seed}: genesis funds only {FUNDED_DEV_SEEDS})"),
            None => String::new(),
        };
        Err(CliError::Input(format!("account {who} holds nothing on this chain to pay the transaction fee{hint}")))
    }
}

pub(crate) use triad_job::audit::tokens;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let keys = Keys { dev_seed: cli.dev_seed, key_file: cli.key_file };
    let result = match cli.command {
        Command::Model(cmd) => model::run(&cli.url, &keys, cmd).await,
        Command::Submit(args) => submit::run(&cli.url, &keys, args).await,
        Command::Task { id } => show::task(&cli.url, id).await,
        Command::Audit(args) => audit::run(&cli.url, args).await,
        Command::Workers => show::workers(&cli.url).await,
        Command::Runtime(cmd) => runtime::run(&cli.url, &keys, cmd).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("triad: {e}");
            ExitCode::FAILURE
        },
    }
}
