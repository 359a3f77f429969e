//! The worker's side of the data plane: a peer identity kept in the state
//! directory, an address published on chain with the worker's registration,
//! off-chain inputs fetched from the task's provider or the other seats,
//! and everything fetched served to the seats that still need it.
//!
//! A model file missing from the worker's model store is fetched the same
//! way, by the hash and size the registry holds, from the workers that
//! serve the model; every model file the worker holds is served in turn.
//!
//! Which seats may fetch from whom, and until when ([`plan`]), keeps a
//! client from splitting the seats by serving some and not others:
//!
//! - before the attempt's *cutoff* (a third into its execute period) every
//!   seat fetches from anyone: the provider and every other seat;
//! - after it, a verifier fetches from the executor only, while its inference
//!   and commit still fit in its check period: an input the executor holds
//!   reaches every verifier, and one the client hands a verifier late is not
//!   taken, so it cannot make that verifier disagree with an executor that
//!   never saw it;
//! - the executor keeps fetching from anyone while its own inference and
//!   commit still fit in its execute period, so an input one verifier got
//!   just before the cutoff still reaches the executor, from that verifier,
//!   and through it the others.
//!
//! A seat that runs out of time answers [`CannotRun::InputUnavailable`]: a
//! client that serves nobody pays for the work it asked for. An executor
//! that claims that answer without trying is rejected by the verifiers that
//! fetched the input before the cutoff.

use std::{
    path::Path,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use triad_client::{
    chain::{self, runtime_types::pallet_triad_tasks::types::Phase, runtime_types::pallet_triad_tasks::types::TaskView},
    registry, AccountId32, ClientError,
};
use triad_dataplane::{peers, BlobId, DataPlane, DataPlaneError, Limits, Multiaddr, PeerId, Stats, Store};
use triad_job::{Answer, Schema};
use triad_verifier::CannotRun;

use crate::service::{Worker, WorkerError, LOG_TARGET};

/// How long a worker waits for some worker to serve a model file it lacks.
const MODEL_PATIENCE: Duration = Duration::from_secs(300);

/// How the worker's data-plane peer runs.
#[derive(Clone, Debug)]
pub struct BlobOptions {
    /// Where to listen.
    pub listen: Multiaddr,
    /// The address to register, if not one it listens on.
    pub public: Option<Multiaddr>,
    /// How long one source may take to deliver a whole blob.
    pub fetch_timeout: Duration,
    /// How long a blob nobody used stays on disk.
    pub retention: Duration,
}

/// The worker's data-plane peer.
pub struct Blobs {
    plane: DataPlane,
    public: Multiaddr,
    retention: Duration,
    /// The data plane's counters as last added to Prometheus.
    counted: Mutex<Stats>,
    /// When blobs were last garbage-collected.
    collected: Mutex<Instant>,
}

impl Blobs {
    /// Starts the peer with the identity kept in `state_dir`, over a store
    /// in `state_dir/blobs` that takes blobs up to `max_blob` bytes (the
    /// chain's largest off-chain input, so no input is refused by size).
    pub async fn start(state_dir: &Path, options: &BlobOptions, max_blob: u64) -> Result<Self, DataPlaneError> {
        let keypair = peers::keypair(&state_dir.join("p2p.key"))?;
        let store = Arc::new(Store::open(state_dir.join("blobs"), Limits { max_blob })?);
        let config = triad_dataplane::net::Config { listen: options.listen.clone(), fetch_timeout: options.fetch_timeout };
        let plane = DataPlane::start(keypair, store, config).await?;
        let public = match &options.public {
            Some(a) => a.clone(),
            None => peers::public_address(&plane.addresses().await)
                .ok_or_else(|| DataPlaneError::Transport("no address to publish; pass --p2p-public".into()))?,
        };
        tracing::info!(target: LOG_TARGET, peer = %plane.peer_id(), address = %public, "data plane ready");
        Ok(Self {
            plane,
            public,
            retention: options.retention,
            counted: Mutex::new(Stats::default()),
            collected: Mutex::new(Instant::now()),
        })
    }

    /// The peer id and address to register, in the binary forms the chain keeps.
    pub fn registration(&self) -> (Vec<u8>, Vec<u8>) {
        (self.plane.peer_id().to_bytes(), self.public.to_vec())
    }

    /// The data plane itself.
    pub fn plane(&self) -> &DataPlane {
        &self.plane
    }
}

/// Where a seat may fetch an off-chain input from, at some block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plan {
    /// The provider and every other seat.
    Anyone,
    /// The attempt's executor only.
    ExecutorOnly,
    /// Nowhere: answer that the input is unavailable.
    GiveUp,
}

/// The block after which verifiers take an attempt's input from its
/// executor only: a third into the execute period.
pub fn cutoff(assigned_at: u32, execute_period: u32) -> u32 {
    assigned_at.saturating_add(execute_period / 3)
}

/// Where seat `seat` fetches at block `now` of an attempt in `phase`:
/// before `cutoff` from anyone; after it the executor goes on with anyone
/// and a verifier with the executor only, each while more than `margin`
/// blocks (its inference budget and a commit) are left in the period it
/// answers in.
pub fn plan(seat: usize, phase: &Phase<u32>, now: u32, cutoff: u32, margin: u32) -> Plan {
    let room = |until: u32| now.saturating_add(margin) < until;
    if seat == 0 {
        return match phase {
            Phase::Execute { until } if now < cutoff || room(*until) => Plan::Anyone,
            _ => Plan::GiveUp,
        };
    }
    let answering = match phase {
        Phase::Execute { .. } | Phase::Key { .. } => true,
        Phase::Check { until } => room(*until),
        _ => false,
    };
    match answering {
        false => Plan::GiveUp,
        // Whatever the executor committed, even "unavailable" at once.
        true if now < cutoff => Plan::Anyone,
        true => Plan::ExecutorOnly,
    }
}

impl Worker {
    /// The bytes of an off-chain input, or the answer that nobody served
    /// them. Failing chain reads are retried: they must not cost the seat
    /// its answer.
    pub(crate) async fn offchain_input(
        &self,
        view: &TaskView,
        seat: usize,
        hash: [u8; 32],
        size: u64,
        provider: &[u8],
    ) -> Result<Vec<u8>, Answer> {
        let unavailable = || {
            self.metrics.unavailable.inc();
            Answer::CannotRun(CannotRun::InputUnavailable)
        };
        let id = BlobId { hash, size };
        let started = Instant::now();
        let margin = self.margin_blocks();
        let attempt = view.info.attempts.0.len();
        let Some(assigned) = view.info.attempts.0.last() else { return Err(unavailable()) };
        let cutoff = cutoff(assigned.assigned_at, self.execute_period);
        let executor = assigned.seats.0[0].who.clone();
        // Until the chain says otherwise: the attempt's first block.
        let (mut phase, mut now) = (view.info.phase.clone(), assigned.assigned_at);
        // However the chain reads go, no attempt lasts longer than this.
        let patience = Duration::from_millis(self.block_ms * (self.execute_period as u64 + 20));
        loop {
            let sources = match plan(seat, &phase, now, cutoff, margin) {
                _ if started.elapsed() > patience => None,
                Plan::Anyone => Some(self.sources(view, provider).await),
                Plan::ExecutorOnly => Some(self.addresses_of(std::iter::once(&executor)).await),
                Plan::GiveUp => None,
            };
            let Some(sources) = sources else {
                tracing::warn!(target: LOG_TARGET, task = view.id, "nobody served the input in time");
                return Err(unavailable());
            };
            match sources {
                Ok(sources) => match self.blobs.plane.fetch(id, &sources).await {
                    Ok(from) => {
                        self.metrics.fetch_seconds.observe(started.elapsed().as_secs_f64());
                        self.sync_plane_metrics();
                        tracing::info!(target: LOG_TARGET, task = view.id, blob = %id.hex(), from = ?from, "input fetched");
                        return self.blobs.plane.store().read(&id).map_err(|e| {
                            tracing::error!(target: LOG_TARGET, task = view.id, "reading a fetched input: {e}");
                            unavailable()
                        });
                    },
                    Err(e @ DataPlaneError::TooLarge { .. }) => {
                        tracing::warn!(target: LOG_TARGET, task = view.id, "{e}");
                        return Err(unavailable());
                    },
                    Err(e) => {
                        self.sync_plane_metrics();
                        tracing::info!(target: LOG_TARGET, task = view.id, "input not fetched yet, trying again: {e}");
                    },
                },
                Err(e) => tracing::warn!(target: LOG_TARGET, task = view.id, "reading the sources from the chain: {e}"),
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
            match self.attempt_phase(view.id, attempt).await {
                Ok((n, p)) => (now, phase) = (n, p),
                Err(e) => tracing::warn!(target: LOG_TARGET, task = view.id, "reading the task from the chain: {e}"),
            }
        }
    }

    /// The best block's number and the phase of attempt `attempt` (its
    /// index plus one) of `task` there: `Queued` once that attempt is over.
    pub(crate) async fn attempt_phase(&self, task: u64, attempt: usize) -> Result<(u32, Phase<u32>), ClientError> {
        let at = self.client.best().await?;
        let view = at.runtime_apis().call(chain::runtime_apis().tasks_api().task(task)).await.map_err(ClientError::rpc_err)?;
        let phase = match view {
            Some(t) if t.info.attempts.0.len() == attempt => t.info.phase,
            _ => Phase::Queued,
        };
        Ok((at.block_number() as u32, phase))
    }

    /// Puts the file of `model` in the model store, fetched by its hash from
    /// the workers that serve the model when it is missing, and in the blob
    /// store, so that this worker serves it to the next.
    pub(crate) async fn provide_model(&self, model: u32, schema: &Schema) -> Result<(), WorkerError> {
        let id = BlobId { hash: schema.onnx_hash, size: schema.onnx_size };
        let blobs = self.blobs.plane.store();
        let path = self.store.path_for(&schema.onnx_hash);
        if path.is_file() {
            return Ok(self.serve_model_file(schema)?);
        }
        self.fetch_from_model_workers(model, id, "model file", MODEL_PATIENCE).await?;
        self.store.import(&blobs.path(&id)?)?;
        Ok(())
    }

    /// Fetches blob `id` from the workers that serve `model`, asking again
    /// every 3 seconds for `patience`; `what` names it in the logs.
    pub(crate) async fn fetch_from_model_workers(
        &self,
        model: u32,
        id: BlobId,
        what: &str,
        patience: Duration,
    ) -> Result<(), WorkerError> {
        let started = Instant::now();
        loop {
            let listed = registry::model_workers(&self.client.best().await?, model).await?;
            let sources = self.addresses_of(listed.iter()).await?;
            match self.blobs.plane.fetch(id, &sources).await {
                Ok(from) => {
                    tracing::info!(target: LOG_TARGET, model, from = ?from, bytes = id.size, "{what} fetched by its hash");
                    self.sync_plane_metrics();
                    return Ok(());
                },
                Err(e) if started.elapsed() < patience => {
                    tracing::info!(target: LOG_TARGET, model, "{what} not fetched yet, trying again: {e}");
                    tokio::time::sleep(Duration::from_secs(3)).await;
                },
                Err(e) => {
                    return Err(WorkerError::Model { model, reason: format!("no worker serving its {what} delivered it: {e}") })
                },
            }
        }
    }

    /// Where an input may be fetched: the client's provider address, then
    /// every other seat of the task that registered a data-plane address.
    async fn sources(&self, view: &TaskView, provider: &[u8]) -> Result<Vec<(PeerId, Multiaddr)>, ClientError> {
        let mut sources = Vec::new();
        match Multiaddr::try_from(provider.to_vec()).ok().as_ref().and_then(peers::split) {
            Some(source) => sources.push(source),
            None => tracing::warn!(target: LOG_TARGET, task = view.id, "the task's provider address names no peer"),
        }
        let mut seats: Vec<&AccountId32> = view.info.attempts.0.iter().flat_map(|a| a.seats.0.iter().map(|s| &s.who)).collect();
        seats.sort();
        seats.dedup();
        sources.extend(self.addresses_of(seats.into_iter()).await?);
        Ok(sources)
    }

    /// The registered data-plane addresses of `workers`, but this one's.
    pub(crate) async fn addresses_of<'a>(
        &self,
        workers: impl Iterator<Item = &'a AccountId32>,
    ) -> Result<Vec<(PeerId, Multiaddr)>, ClientError> {
        let at = self.client.best().await?;
        let others: Vec<AccountId32> = workers.filter(|w| **w != self.me).cloned().collect();
        let registered = registry::data_plane_addresses(&at, &others).await?;
        Ok(registered.iter().filter_map(peers::registered).collect())
    }

    /// Blocks an inference and a commit take: the budget rounded up, plus one.
    fn margin_blocks(&self) -> u32 {
        (self.budget.as_millis() as u64).div_ceil(self.block_ms.max(1)) as u32 + 1
    }

    /// Puts the model file held in the model store into the blob store, if
    /// it is not there yet, so that this worker serves it.
    fn serve_model_file(&self, schema: &Schema) -> Result<(), DataPlaneError> {
        let id = BlobId { hash: schema.onnx_hash, size: schema.onnx_size };
        let path = self.store.path_for(&schema.onnx_hash);
        let blobs = self.blobs.plane.store();
        if blobs.has(&id) || !path.is_file() {
            return Ok(());
        }
        if blobs.put_file(&path)? != id {
            // The model store refuses it too, with the reason.
            tracing::warn!(target: LOG_TARGET, model = %schema.name, file = %path.display(), "the local file is not the registered one; not serving it");
        }
        Ok(())
    }

    /// Brings the Prometheus counters up to the data plane's.
    pub(crate) fn sync_plane_metrics(&self) {
        let mut counted = self.blobs.counted.lock().expect("counters lock");
        self.metrics.observe_plane(self.blobs.plane.stats(), &mut counted);
    }

    /// Removes blobs nobody used for the retention period, at most hourly;
    /// the files of served models are kept (put back) whatever their age.
    pub(crate) fn collect_garbage(&self) {
        {
            let mut collected = self.blobs.collected.lock().expect("collection lock");
            if collected.elapsed() < Duration::from_secs(3600) {
                return;
            }
            *collected = Instant::now();
        }
        match self.blobs.plane.store().collect_garbage(self.blobs.retention) {
            Ok(0) => {},
            Ok(n) => tracing::info!(target: LOG_TARGET, removed = n, "data plane: removed blobs unused for the retention period"),
            Err(e) => tracing::warn!(target: LOG_TARGET, "data plane garbage collection: {e}"),
        }
        let schemas: Vec<Schema> = self.schemas.lock().expect("schema lock").values().cloned().collect();
        for schema in schemas {
            if let Err(e) = self.serve_model_file(&schema) {
                tracing::warn!(target: LOG_TARGET, model = %schema.name, "serving the model file again: {e}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn before_the_cutoff_anyone_after_it_verifiers_take_the_input_from_the_executor_alone() {
        // Assigned at 10, a 10-block execute period, 4 blocks of budget and commit.
        let (cut, margin) = (cutoff(10, 10), 4);
        assert_eq!(cut, 13);
        let execute = Phase::Execute { until: 20 };
        for seat in 0..4 {
            assert_eq!(plan(seat, &execute, 12, cut, margin), Plan::Anyone, "seat {seat} before the cutoff");
        }
        // After it: the client can no longer hand a verifier what the
        // executor does not hold...
        assert_eq!(plan(1, &execute, 13, cut, margin), Plan::ExecutorOnly);
        assert_eq!(plan(2, &Phase::Key { at: 22 }, 21, cut, margin), Plan::ExecutorOnly);
        // An executor that commits "unavailable" at once without trying does
        // not stop the verifiers from fetching from the client before the cutoff.
        assert_eq!(plan(2, &Phase::Key { at: 14 }, 12, cut, margin), Plan::Anyone);
        // ...while the executor still takes it from anyone, a verifier that
        // got it just before the cutoff included, as long as it can answer.
        assert_eq!(plan(0, &execute, 15, cut, margin), Plan::Anyone);
        assert_eq!(plan(0, &execute, 16, cut, margin), Plan::GiveUp, "4 blocks left: the budget and the commit need them");
        // A large budget: the executor still fetches until the cutoff.
        assert_eq!(plan(0, &execute, 12, cut, 9), Plan::Anyone);
        assert_eq!(plan(0, &execute, 13, cut, 9), Plan::GiveUp);
        let check = Phase::Check { until: 30 };
        assert_eq!(plan(3, &check, 25, cut, margin), Plan::ExecutorOnly);
        assert_eq!(plan(3, &check, 26, cut, margin), Plan::GiveUp);
        assert_eq!(plan(0, &check, 22, cut, margin), Plan::GiveUp, "the executor answered already");
        for over in [Phase::Queued, Phase::Reveal { until: 40 }, Phase::Vote { until: 40 }] {
            assert_eq!(plan(1, &over, 0, cut, margin), Plan::GiveUp);
        }
    }
}
