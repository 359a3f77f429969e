//! The client's side of the data plane: an input over the inline limit is
//! stored under its `blake3` hash, served from a libp2p peer of the CLI's
//! own, and submitted as that hash, its size and the peer's address; an
//! output over the limit is fetched by its hash from the seats that hold it
//! ([`fetch_output`]).
//!
//! The CLI serves it until every seat of the task's current attempt has
//! answered (with `--wait`, until the task is done): the seats serve it to
//! each other and to a re-run's seats from then on. A seat that cannot
//! fetch it answers "input unavailable", which the client pays for.

use std::{path::PathBuf, sync::Arc, time::Duration};

use clap::Args;
use triad_dataplane::{peers, BlobId, DataPlane, Keypair, Limits, Multiaddr, Store};

use crate::CliError;

/// Where the CLI serves an off-chain input from.
#[derive(Args, Clone)]
pub struct ServeArgs {
    /// Data plane: where to listen for the workers fetching the input.
    #[arg(long, default_value = "/ip4/0.0.0.0/tcp/0")]
    p2p_listen: Multiaddr,
    /// Data plane: the address the workers dial, when not one this host
    /// listens on (NAT, containers).
    #[arg(long)]
    p2p_public: Option<Multiaddr>,
    /// Data plane: where served inputs are kept; those unused for a day are removed.
    #[arg(long)]
    blob_dir: Option<PathBuf>,
}

impl Default for ServeArgs {
    /// Every interface, an ephemeral port, the default blob directory.
    fn default() -> Self {
        Self { p2p_listen: "/ip4/0.0.0.0/tcp/0".parse().expect("a valid multiaddr"), p2p_public: None, blob_dir: None }
    }
}

/// A running data-plane peer serving one input.
pub struct Serving {
    pub plane: DataPlane,
    pub id: BlobId,
    /// The address the task names, `/…/p2p/<peer id>` in binary form.
    pub provider: Vec<u8>,
}

/// Starts the CLI's data-plane peer, with a store that takes blobs of up
/// to `max_blob` bytes.
pub async fn plane(args: &ServeArgs, max_blob: u64) -> Result<DataPlane, CliError> {
    let dir = args.blob_dir.clone().unwrap_or_else(|| std::env::temp_dir().join("triad-blobs"));
    let store = Arc::new(Store::open(&dir, Limits { max_blob }).map_err(plane_err)?);
    store.collect_garbage(Duration::from_secs(24 * 3600)).map_err(plane_err)?;
    let config = triad_dataplane::net::Config { listen: args.p2p_listen.clone(), fetch_timeout: Duration::from_secs(20) };
    DataPlane::start(Keypair::generate_ed25519(), store, config).await.map_err(plane_err)
}

fn plane_err(e: triad_dataplane::DataPlaneError) -> CliError {
    CliError::Input(format!("data plane: {e}"))
}

/// Stores `bytes` and starts serving them.
pub async fn start(args: &ServeArgs, bytes: &[u8], max_blob: u64) -> Result<Serving, CliError> {
    let plane = plane(args, max_blob).await?;
    let id = plane.store().put(bytes).map_err(plane_err)?;
    let public = match &args.p2p_public {
        Some(a) => a.clone(),
        None => peers::public_address(&plane.addresses().await)
            .ok_or_else(|| CliError::Input("data plane: no address to give the workers; pass --p2p-public".into()))?,
    };
    let provider = peers::join(plane.peer_id(), &public);
    eprintln!("serving the input ({} bytes, blake3 {}) at {provider}", id.size, id.hex());
    Ok(Serving { plane, id, provider: provider.to_vec() })
}

/// Fetches the off-chain output of attempt `attempt` of `view` by its hash
/// from the seats of that attempt (the executor serves it, the verifiers
/// that checked it hold it too), each piece verified as it arrives, and
/// checks it against the fingerprint the executor stated.
pub async fn fetch_output(
    client: &triad_client::Client,
    plane: &DataPlane,
    view: &crate::show::TaskView,
    attempt: usize,
    lsh: &triad_verifier::LshParams,
) -> Result<Vec<u8>, CliError> {
    use triad_client::chain::runtime_types::pallet_triad_tasks::types::Posted;
    let a = view.info.attempts.0.get(attempt).ok_or_else(|| CliError::Chain(format!("no attempt {}", attempt + 1)))?;
    let Some(Posted::Offchain { hash, size }) = a.posted else {
        return Err(CliError::Chain(format!("attempt {} posted no off-chain output", attempt + 1)));
    };
    let id = BlobId { hash, size };
    if !plane.store().has(&id) {
        let at = client.finalized().await?;
        let registered =
            triad_client::registry::data_plane_addresses(&at, &a.seats.0.iter().map(|s| s.who.clone()).collect::<Vec<_>>())
                .await?;
        let sources: Vec<_> = registered.iter().filter_map(peers::registered).collect();
        let bar = indicatif::ProgressBar::new(id.stream_len()).with_style(
            indicatif::ProgressStyle::with_template("output from {msg}: {bytes}/{total_bytes} {wide_bar} {bytes_per_sec}")
                .expect("a valid template"),
        );
        bar.set_message(format!("{} seats", sources.len()));
        let start = plane.stats().received_bytes;
        let fetch = plane.fetch(id, &sources);
        tokio::pin!(fetch);
        let fetched = loop {
            tokio::select! {
                done = &mut fetch => break done,
                _ = tokio::time::sleep(Duration::from_millis(100)) => {
                    bar.set_position(plane.stats().received_bytes - start);
                },
            }
        };
        bar.finish_and_clear();
        let from = fetched.map_err(plane_err)?;
        eprintln!(
            "fetched the output ({:.1} MB, blake3 {}) from {}",
            size as f64 / 1e6,
            id.hex(),
            from.map_or("this peer".to_string(), |p| p.to_string())
        );
    }
    let bytes = plane.store().read(&id).map_err(plane_err)?;
    let stated = a.seats.0[0].reveal.as_ref().map(|f| triad_client::native::<triad_verifier::Fingerprint>(f)).transpose()?;
    match (stated, a.key) {
        (Some(stated), Some(key)) => triad_job::check_stated(lsh, &key, &bytes, &stated)
            .map(|_| bytes)
            .map_err(|e| CliError::Chain(format!("the fetched output: {e}"))),
        _ => Err(CliError::Chain("the attempt has no stated fingerprint or key".into())),
    }
}

impl Serving {
    /// A line for the progress display: what was sent so far.
    pub fn progress(&self) -> String {
        let sent = self.plane.stats().served_bytes;
        format!("input sent to workers: {:.1} MB", sent as f64 / 1e6)
    }
}
