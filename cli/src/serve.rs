//! The client's side of the data plane: an input over the inline limit is
//! stored under its `blake3` hash, served from a libp2p peer of the CLI's
//! own, and submitted as that hash, its size and the peer's address.
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

/// A running data-plane peer serving one input.
pub struct Serving {
    pub plane: DataPlane,
    pub id: BlobId,
    /// The address the task names, `/…/p2p/<peer id>` in binary form.
    pub provider: Vec<u8>,
}

/// Stores `bytes` and starts serving them.
pub async fn start(args: &ServeArgs, bytes: &[u8], max_blob: u64) -> Result<Serving, CliError> {
    let dir = args.blob_dir.clone().unwrap_or_else(|| std::env::temp_dir().join("triad-blobs"));
    let err = |e: triad_dataplane::DataPlaneError| CliError::Input(format!("data plane: {e}"));
    let store = Arc::new(Store::open(&dir, Limits { max_blob }).map_err(err)?);
    store.collect_garbage(Duration::from_secs(24 * 3600)).map_err(err)?;
    let id = store.put(bytes).map_err(err)?;
    let config = triad_dataplane::net::Config { listen: args.p2p_listen.clone(), fetch_timeout: Duration::from_secs(20) };
    let plane = DataPlane::start(Keypair::generate_ed25519(), store, config).await.map_err(err)?;
    let public = match &args.p2p_public {
        Some(a) => a.clone(),
        None => peers::public_address(&plane.addresses().await)
            .ok_or_else(|| CliError::Input("data plane: no address to give the workers; pass --p2p-public".into()))?,
    };
    let provider = peers::join(plane.peer_id(), &public).to_vec();
    eprintln!("serving the input ({} bytes, blake3 {}) at {}", id.size, id.hex(), peers::join(plane.peer_id(), &public));
    Ok(Serving { plane, id, provider })
}

impl Serving {
    /// A line for the progress display: what was sent so far.
    pub fn progress(&self) -> String {
        let sent = self.plane.stats().served_bytes;
        format!("input sent to workers: {:.1} MB", sent as f64 / 1e6)
    }
}
