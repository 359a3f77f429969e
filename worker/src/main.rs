//! `triad-worker`: serve registered ONNX models on a Triad chain.

use std::{net::SocketAddr, path::PathBuf, process::ExitCode, time::Duration};

use clap::{Parser, Subcommand, ValueEnum};
use polkadot_sdk::substrate_prometheus_endpoint::{init_prometheus, Registry};
use triad_client::{load_signer, Client, UNIT};
use triad_dataplane::Multiaddr;
use triad_inference::{Optimization, Settings};
use triad_worker::{blobs::BlobOptions, metrics::Metrics, store::ModelStore, Behaviour, Options, Worker, WorkerError};

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Tee {
    Sgx,
    Tdx,
    /// A quote recorded elsewhere (`--tee-quote`), for test chains.
    Recorded,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Opt {
    Disable,
    Basic,
    Extended,
    All,
}

#[derive(Parser)]
#[command(name = "triad-worker", version, about = "Serve registered ONNX models on a Triad chain")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Node RPC endpoints of one chain, comma separated or repeated: the
    /// worker uses the first that answers and fails over to the next when
    /// its connection drops.
    #[arg(long, value_delimiter = ',', default_value = "ws://127.0.0.1:9944")]
    url: Vec<String>,
    /// Development key: alice, bob, charlie, … (never for real stake).
    #[arg(long, conflicts_with = "key_file")]
    dev_seed: Option<String>,
    /// File holding the secret URI (phrase or 0x seed) of the worker's key.
    #[arg(long)]
    key_file: Option<PathBuf>,
    /// Model ids to serve, comma separated.
    #[arg(long, value_delimiter = ',', default_value = "0")]
    models: Vec<u32>,
    /// Bond to register with, in whole tokens.
    #[arg(long, default_value_t = 1_000)]
    bond: u128,
    /// Serve as verifier only.
    #[arg(long)]
    verifier_only: bool,
    /// Directory of ONNX files named `<blake3 hex>.onnx`.
    #[arg(long, default_value = "models")]
    models_dir: PathBuf,
    /// Directory for pending reveals; defaults to `state/<account>`.
    #[arg(long)]
    state_dir: Option<PathBuf>,
    /// ONNX Runtime intra-op threads.
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// ONNX Runtime graph optimization level.
    #[arg(long, value_enum, default_value = "all")]
    optimization: Opt,
    /// Longest one inference may run, in milliseconds; by default half the
    /// chain's execute period. A run past it answers "too slow".
    #[arg(long)]
    inference_budget_ms: Option<u64>,
    /// How to treat tasks: honest, or a named way to misbehave (for tests).
    #[arg(long, value_enum, default_value = "honest")]
    behaviour: Behaviour,
    /// Serve Prometheus metrics on this port (127.0.0.1).
    #[arg(long)]
    metrics_port: Option<u16>,
    /// Serve metrics on every interface rather than 127.0.0.1 (containers,
    /// a Prometheus on another host).
    #[arg(long, requires = "metrics_port")]
    metrics_external: bool,
    /// Log as JSON lines.
    #[arg(long)]
    log_json: bool,
    /// Fault injection: abort right after a commit lands, to test restarts.
    #[arg(long, hide = true)]
    crash_after_commit: bool,
    /// Data plane: where to listen for peers fetching inputs.
    #[arg(long, default_value = "/ip4/0.0.0.0/tcp/0")]
    p2p_listen: Multiaddr,
    /// Data plane: the address to register on chain, when peers reach this
    /// host by another one than it listens on (NAT, containers).
    #[arg(long)]
    p2p_public: Option<Multiaddr>,
    /// Data plane: seconds one source may take to deliver a whole input.
    #[arg(long, default_value_t = 20)]
    fetch_timeout_secs: u64,
    /// Data plane: hours a fetched input nobody used stays on disk.
    #[arg(long, default_value_t = 24)]
    blob_retention_hours: u64,
    /// Attest this host's TEE on chain, and again before each attestation
    /// expires: `tdx` quotes through configfs-tsm, `sgx` through Gramine's
    /// `/dev/attestation`. Without the hardware it says so and serves as a
    /// plain worker.
    #[arg(long, value_enum)]
    tee: Option<Tee>,
    /// Collateral of this platform (JSON, as Intel's PCS or a PCCS serves
    /// it), posted with the quote when the chain keeps none for its FMSPC.
    #[arg(long, requires = "tee")]
    tee_collateral: Option<PathBuf>,
    /// With `--tee recorded`: a quote recorded on real hardware, presented
    /// through the test-only `attest_recorded` call (test chains only).
    #[arg(long, requires = "tee")]
    tee_quote: Option<PathBuf>,
    /// With `--tee recorded`: Unix seconds at which the quote was recorded,
    /// inside its collateral's validity.
    #[arg(long, requires = "tee")]
    tee_recorded_at: Option<u64>,
}

#[derive(Subcommand)]
enum Command {
    /// Copy an ONNX file, or a Groth16 proving key (`.pk`, from `triad model
    /// register --groth16`), into the model store under its blake3 hash.
    Import {
        /// The ONNX file or proving key.
        file: PathBuf,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if cli.log_json {
        builder.json().init();
    } else {
        builder.init();
    }
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("triad-worker: {e}");
            ExitCode::FAILURE
        },
    }
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    let optimization = match cli.optimization {
        Opt::Disable => Optimization::Disable,
        Opt::Basic => Optimization::Basic,
        Opt::Extended => Optimization::Extended,
        Opt::All => Optimization::All,
    };
    let settings = Settings { intra_threads: cli.threads, optimization };
    if let Some(Command::Import { file }) = &cli.command {
        let hash = ModelStore::new(&cli.models_dir, settings).import(file)?;
        println!("{}", hex::encode(hash));
        return Ok(());
    }
    let signer = load_signer(cli.dev_seed.as_deref(), cli.key_file.as_deref())?;
    let account = triad_client::account_of(&signer);
    let registry = Registry::new();
    let metrics = Metrics::register(&registry)?;
    if let Some(port) = cli.metrics_port {
        let ip = if cli.metrics_external { [0, 0, 0, 0] } else { [127, 0, 0, 1] };
        let addr = SocketAddr::from((ip, port));
        tokio::spawn(async move {
            if let Err(e) = init_prometheus(addr, registry).await {
                tracing::error!(target: "triad::worker", "metrics endpoint: {e}");
            }
        });
    }
    tracing::info!(
        target: "triad::worker",
        %account,
        url = %cli.url.join(","),
        threads = settings.intra_threads,
        optimization = ?settings.optimization,
        behaviour = ?cli.behaviour,
        "starting"
    );
    let client = Client::connect_any(&cli.url, Duration::from_secs(60)).await?;
    let options = Options {
        models: cli.models,
        executor: !cli.verifier_only,
        verifier: true,
        bond: cli.bond.saturating_mul(UNIT),
        models_dir: cli.models_dir,
        state_dir: cli.state_dir.unwrap_or_else(|| PathBuf::from("state").join(account.to_string())),
        settings,
        budget: cli.inference_budget_ms.map(Duration::from_millis),
        behaviour: cli.behaviour,
        crash_after_commit: cli.crash_after_commit,
        blobs: BlobOptions {
            listen: cli.p2p_listen,
            public: cli.p2p_public,
            fetch_timeout: Duration::from_secs(cli.fetch_timeout_secs),
            retention: Duration::from_secs(cli.blob_retention_hours * 3600),
        },
    };
    let worker = Worker::new(client, signer, options, metrics).await?;
    worker.prepare().await?;
    if let Some(tee) = cli.tee {
        use triad_worker::tee::TeeSource;
        let source = match tee {
            Tee::Sgx => TeeSource::Hardware(triad_tee::TeeKind::Sgx),
            Tee::Tdx => TeeSource::Hardware(triad_tee::TeeKind::Tdx),
            Tee::Recorded => match (cli.tee_quote, cli.tee_recorded_at) {
                (Some(quote), Some(at)) => TeeSource::Recorded { quote, at },
                _ => return Err("--tee recorded needs --tee-quote and --tee-recorded-at".into()),
            },
        };
        let opts = triad_worker::tee::TeeOptions { source, collateral: cli.tee_collateral };
        tokio::spawn(worker.clone().keep_attested(opts));
    }
    // A best-block stream ends when the node's connection drops; the next
    // subscription goes to the next node that answers (`--url`), and pending
    // reveals are on disk either way.
    let run = async {
        loop {
            match worker.clone().run().await {
                Err(WorkerError::StreamEnded) => {
                    tracing::warn!(target: "triad::worker", "best-block stream ended; resubscribing");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                },
                other => return other,
            }
        }
    };
    tokio::select! {
        result = run => Ok(result?),
        _ = tokio::signal::ctrl_c() => {
            tracing::info!(target: "triad::worker", "stopping on Ctrl-C; pending reveals are on disk");
            Ok(())
        },
    }
}
