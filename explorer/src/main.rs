//! `triad-explorer`: indexes a Triad chain and serves its pages and API.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use clap::Parser;
use triad_client::Client;
use triad_explorer::{db, index::Indexer, web, LOG_TARGET};

#[derive(Parser)]
#[command(name = "triad-explorer", version, about = "An auditor's explorer of a Triad chain: index, pages and JSON API")]
struct Args {
    /// Node RPC endpoints (several for failover), comma-separated.
    #[arg(long, default_value = "ws://127.0.0.1:9944", value_delimiter = ',')]
    node: Vec<String>,
    /// Database: `sqlite://path` (created when missing) or `postgres://…`.
    #[arg(long, default_value = "sqlite://triad-explorer.db")]
    db: String,
    /// Where to serve the pages and the API.
    #[arg(long, default_value = "127.0.0.1:8090")]
    listen: SocketAddr,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".parse().expect("a valid filter")),
        )
        .init();
    match run(Args::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("triad-explorer: {e}");
            std::process::ExitCode::FAILURE
        },
    }
}

async fn run(args: Args) -> Result<(), String> {
    let pool = db::open(&args.db).await.map_err(|e| format!("{}: {e}", args.db))?;
    let client = Arc::new(Client::connect_any(&args.node, Duration::from_secs(120)).await.map_err(|e| e.to_string())?);
    let indexer = Indexer::new(client.clone(), pool.clone()).await.map_err(|e| e.to_string())?;
    tokio::spawn(async move { indexer.run().await });
    let listener =
        tokio::net::TcpListener::bind(args.listen).await.map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    tracing::info!(target: LOG_TARGET, "serving http://{}", listener.local_addr().map_err(|e| e.to_string())?);
    axum::serve(listener, web::router(pool, client)).await.map_err(|e| e.to_string())
}
