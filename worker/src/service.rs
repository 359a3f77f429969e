//! The worker's main loop: follow best blocks, act on each seat it holds.

use std::{
    collections::{BTreeSet, HashMap, HashSet},
    path::PathBuf,
    sync::{Arc, Mutex},
};

use codec::Encode;
use triad_client::{
    account_of,
    chain::{
        self,
        runtime_types::pallet_triad_tasks::types::{Phase, TaskInput, TaskView},
    },
    generated,
    job::{JobError, Schema},
    AccountId32, AtBlock, Client, ClientError, Signer, Wait,
};

use crate::{
    compute,
    metrics::Metrics,
    state::{Pending, State, StateError},
    store::{ModelStore, StoreError},
    Behaviour,
};

/// Why the worker stopped.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    /// Talking to the chain failed.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// A model it serves cannot be loaded.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The state directory is unusable.
    #[error(transparent)]
    State(#[from] StateError),
    /// A model it serves is not registered, or cannot be run.
    #[error("model {model}: {reason}")]
    Model {
        /// Model id.
        model: u32,
        /// Why.
        reason: String,
    },
    /// The worker keeps failing a model's calibration: its setup computes
    /// something else than the model owner's.
    #[error("failed {0} calibration cases of model {1} in a row; check the model file and ONNX Runtime version")]
    Calibration(u32, u32),
    /// The block stream ended.
    #[error("the node stopped sending blocks")]
    StreamEnded,
}

/// How a worker runs.
pub struct Options {
    /// Models to serve.
    pub models: Vec<u32>,
    /// Serve as executor.
    pub executor: bool,
    /// Serve as verifier.
    pub verifier: bool,
    /// Bond to register with, in planks.
    pub bond: u128,
    /// Where ONNX files are.
    pub models_dir: PathBuf,
    /// Where pending reveals are kept.
    pub state_dir: PathBuf,
    /// ONNX Runtime session settings.
    pub settings: triad_inference::Settings,
    /// How tasks are treated.
    pub behaviour: Behaviour,
    /// Fault injection: exit abruptly right after a commit lands.
    pub crash_after_commit: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Step {
    Commit,
    Reveal,
}

/// A running worker.
pub struct Worker {
    pub(crate) client: Client,
    pub(crate) signer: Signer,
    pub(crate) me: AccountId32,
    pub(crate) store: Arc<ModelStore>,
    pub(crate) metrics: Metrics,
    pub(crate) options: Options,
    state: tokio::sync::Mutex<State>,
    busy: Mutex<HashSet<(u64, u32, Step)>>,
    schemas: Mutex<HashMap<u32, Schema>>,
    max_output: usize,
}

impl Worker {
    /// A worker for `signer` on `client`.
    pub async fn new(client: Client, signer: Signer, options: Options, metrics: Metrics) -> Result<Arc<Self>, WorkerError> {
        let state = State::open(&options.state_dir)?;
        tracing::info!(target: "triad::worker", dir = %options.state_dir.display(), tasks = ?state.tasks(), "pending reveals on disk");
        let at = client.finalized().await?;
        let max_output = at
            .constants()
            .entry(chain::constants().tasks().max_inline_output())
            .map_err(|e| ClientError::Rpc(e.to_string()))? as usize;
        Ok(Arc::new(Worker {
            me: account_of(&signer),
            store: Arc::new(ModelStore::new(&options.models_dir, options.settings)),
            client,
            signer,
            metrics,
            options,
            state: tokio::sync::Mutex::new(state),
            busy: Mutex::new(HashSet::new()),
            schemas: Mutex::new(HashMap::new()),
            max_output,
        }))
    }

    /// The account this worker signs for.
    pub fn account(&self) -> &AccountId32 {
        &self.me
    }

    /// The schema of `model`, read from the registry once.
    pub(crate) async fn schema(&self, model: u32) -> Result<Schema, WorkerError> {
        if let Some(s) = self.schemas.lock().expect("schema lock").get(&model) {
            return Ok(s.clone());
        }
        let at = self.client.finalized().await?;
        let info = at
            .runtime_apis()
            .call(chain::runtime_apis().triad_api().model(model))
            .await
            .map_err(|e| ClientError::Rpc(e.to_string()))?
            .ok_or(WorkerError::Model { model, reason: "not registered".into() })?;
        let schema = Schema::of(&info).map_err(|e| WorkerError::Model { model, reason: e.to_string() })?;
        self.schemas.lock().expect("schema lock").insert(model, schema.clone());
        Ok(schema)
    }

    /// Registers and bonds if needed, checks every served model loads from
    /// the store, and passes probation on each.
    pub async fn prepare(self: &Arc<Self>) -> Result<(), WorkerError> {
        for model in &self.options.models {
            let schema = self.schema(*model).await?;
            self.store.model(&schema.onnx_hash)?;
        }
        let at = self.client.best().await?;
        let registered = at
            .storage()
            .try_fetch(chain::storage().workers().workers(), (self.me.clone(),))
            .await
            .map_err(|e| ClientError::Rpc(e.to_string()))?;
        if registered.is_none() {
            let roles = chain::runtime_types::triad_primitives::Roles {
                executor: self.options.executor,
                verifier: self.options.verifier,
            };
            let call = chain::transactions().workers().register_worker(
                roles,
                self.options.models.clone(),
                None,
                None,
                None,
                self.options.bond,
            );
            self.client.submit(&call, &self.signer, Wait::InBlock).await?;
            tracing::info!(target: "triad::worker", who = %self.me, bond = self.options.bond, models = ?self.options.models, "registered");
        }
        for model in self.options.models.clone() {
            self.pass_probation(model).await?;
        }
        Ok(())
    }

    /// Follows best blocks until the stream ends.
    pub async fn run(self: Arc<Self>) -> Result<(), WorkerError> {
        let mut blocks = self.client.api().stream_best_blocks().await.map_err(ClientError::rpc_err)?;
        tracing::info!(target: "triad::worker", who = %self.me, behaviour = ?self.options.behaviour, "serving");
        let mut newest = 0;
        while let Some(block) = blocks.next().await {
            let block = block.map_err(ClientError::rpc_err)?;
            if block.number() < newest {
                continue;
            }
            newest = block.number();
            let at = block.at().await.map_err(ClientError::rpc_err)?;
            if let Err(e) = self.clone().on_block(&at).await {
                tracing::warn!(target: "triad::worker", block = block.number(), "reading tasks failed: {e}");
            }
        }
        Err(WorkerError::StreamEnded)
    }

    async fn on_block(self: Arc<Self>, at: &AtBlock) -> Result<(), WorkerError> {
        let rpc_err = |e: triad_client::subxt::error::RuntimeApiError| ClientError::rpc_err(e);
        let seats = at.runtime_apis().call(chain::runtime_apis().tasks_api().tasks_of(self.me.clone())).await.map_err(rpc_err)?;
        let mut ids: BTreeSet<u64> = seats.iter().map(|(id, _)| *id).collect();
        ids.extend(self.state.lock().await.tasks());
        for id in ids {
            let view = at.runtime_apis().call(chain::runtime_apis().tasks_api().task(id)).await.map_err(rpc_err)?;
            self.clone().on_task(id, view).await?;
        }
        Ok(())
    }

    fn claim(&self, key: (u64, u32, Step)) -> bool {
        self.busy.lock().expect("busy lock").insert(key)
    }

    fn release(&self, key: (u64, u32, Step)) {
        self.busy.lock().expect("busy lock").remove(&key);
    }

    async fn on_task(self: Arc<Self>, id: u64, view: Option<TaskView>) -> Result<(), WorkerError> {
        // A block may be older than what this worker has seen (the stream
        // starts at the finalized block), so a reveal is forgotten only once
        // the task is done or its attempt has a verdict, never because the
        // task is missing or queued at some block.
        let Some(view) = view else { return Ok(()) };
        let settled = |attempt: u32| view.info.attempts.0.get(attempt as usize).is_some_and(|a| a.verdict.is_some());
        let pending = self.state.lock().await.get(id).map(|p| p.attempt);
        if matches!(view.info.phase, Phase::Done { .. }) || pending.is_some_and(settled) {
            self.state.lock().await.remove(id)?;
        }
        let (committing, revealing) = match view.info.phase {
            Phase::Commit { .. } => (true, false),
            Phase::Reveal { .. } => (false, true),
            Phase::Queued | Phase::Done { .. } => return Ok(()),
        };
        let attempts = &view.info.attempts.0;
        let Some(attempt) = attempts.last() else { return Ok(()) };
        let index = attempts.len() as u32 - 1;
        let Some(seat) = attempt.seats.iter().position(|s| s.who == self.me) else { return Ok(()) };
        if self.options.behaviour == Behaviour::Absent {
            return Ok(());
        }
        let mine = &attempt.seats[seat];
        if committing && mine.commit.is_none() && self.claim((id, index, Step::Commit)) {
            tokio::spawn(async move {
                if !self.commit(id, index, seat, &view).await {
                    self.release((id, index, Step::Commit));
                }
            });
        } else if revealing && mine.commit.is_some() && mine.reveal.is_none() && self.claim((id, index, Step::Reveal)) {
            tokio::spawn(async move {
                if !self.reveal(id, index, seat, &view).await {
                    self.release((id, index, Step::Reveal));
                }
            });
        }
        Ok(())
    }

    fn role(seat: usize) -> &'static str {
        if seat == 0 {
            "executor"
        } else {
            "verifier"
        }
    }

    /// Computes and commits; returns whether to stop trying for this attempt.
    async fn commit(self: &Arc<Self>, task: u64, attempt: u32, seat: usize, view: &TaskView) -> bool {
        let role = Self::role(seat);
        let schema = match self.schema(view.info.model).await {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(target: "triad::worker", task, role, "cannot serve: {e}");
                return true;
            },
        };
        let saved = self.state.lock().await.get(task).filter(|p| p.attempt == attempt).and_then(|p| p.open());
        let (commitment, output_hash) = if let Some(saved) = saved {
            // Committed before a restart, or seen again at an older block:
            // commit the same thing, never a fresh salt the chain has not seen.
            let c = triad_primitives::reveal_commitment(&saved.fingerprint, &saved.salt, &self.me, task);
            (c, saved.output_hash)
        } else if self.options.behaviour == Behaviour::Copy {
            // Wait until some other seat has committed, then take its commitment.
            let seats = &view.info.attempts.0[attempt as usize].seats;
            let Some(other) = seats.iter().enumerate().find(|(i, s)| *i != seat && s.commit.is_some()) else {
                return false;
            };
            let commitment = other.1.commit.expect("found committed");
            let output = compute::dishonest(Behaviour::Random, &schema).output;
            (commitment, (seat == 0).then(|| triad_client::job::output_hash(&output)))
        } else {
            let answer = match self.answer(&schema, view).await {
                Ok(a) => a,
                Err(e) if compute::input_is_invalid(&e) => {
                    // The input does not fit the model: report that, in a way
                    // every honest seat reports identically, rather than run it.
                    tracing::warn!(target: "triad::worker", task, role, "invalid input, reporting it: {e}");
                    self.metrics.served.with_label_values(&[role, "invalid_input"]).inc();
                    compute::invalid_input(&schema.lsh)
                },
                Err(e) => {
                    // This worker's own failure: commit nothing rather than
                    // vouch for something it did not compute.
                    tracing::error!(target: "triad::worker", task, role, "task failed, not committing: {e}");
                    self.metrics.served.with_label_values(&[role, "failed"]).inc();
                    return true;
                },
            };
            let salt: [u8; 32] = rand::random();
            let commitment = triad_primitives::reveal_commitment(&answer.fingerprint, &salt, &self.me, task);
            let output_hash = (seat == 0).then(|| triad_client::job::output_hash(&answer.output));
            let output = (seat == 0 && answer.output.len() <= self.max_output).then(|| hex::encode(&answer.output));
            let pending = Pending {
                attempt,
                fingerprint: hex::encode(answer.fingerprint.encode()),
                salt: hex::encode(salt),
                output,
                output_hash: output_hash.map(hex::encode),
            };
            if let Err(e) = self.state.lock().await.insert(task, pending) {
                tracing::error!(target: "triad::worker", task, "cannot persist the salt, not committing: {e}");
                return true;
            }
            (commitment, output_hash)
        };
        let call = chain::transactions().tasks().commit(task, commitment, output_hash);
        match self.client.submit(&call, &self.signer, Wait::InBlock).await {
            Ok(_) => {
                self.metrics.served.with_label_values(&[role, "commit"]).inc();
                tracing::info!(target: "triad::worker", task, attempt, role, "committed");
                if self.options.crash_after_commit {
                    tracing::warn!(target: "triad::worker", task, "fault injection: exiting right after the commit");
                    std::process::abort();
                }
                true
            },
            Err(e) => self.failed("commit", task, e),
        }
    }

    fn failed(&self, call: &str, task: u64, e: ClientError) -> bool {
        self.metrics.failures.with_label_values(&[call]).inc();
        tracing::warn!(target: "triad::worker", task, "{call} failed: {e}");
        // A dispatch error means the chain has decided; a refused
        // transaction (stale nonce, full pool) is worth another try.
        !matches!(e, ClientError::Refused(_))
    }

    async fn answer(self: &Arc<Self>, schema: &Schema, view: &TaskView) -> Result<compute::Answer, JobError> {
        let input = match &view.input {
            TaskInput::Inline(bytes) => bytes.0.clone(),
            TaskInput::Offchain { .. } => {
                return Err(JobError::Fingerprint("off-chain inputs need the data plane, which this worker lacks".into()))
            },
        };
        match self.options.behaviour {
            Behaviour::Honest => {
                let (store, schema, metrics) = (self.store.clone(), schema.clone(), self.metrics.clone());
                tokio::task::spawn_blocking(move || compute::honest(&store, &schema, &input, &metrics))
                    .await
                    .map_err(|e| JobError::Fingerprint(format!("inference thread: {e}")))?
            },
            other => Ok(compute::dishonest(other, schema)),
        }
    }

    /// Opens the commitment; returns whether to stop trying for this attempt.
    async fn reveal(self: &Arc<Self>, task: u64, attempt: u32, seat: usize, view: &TaskView) -> bool {
        let role = Self::role(seat);
        let (fingerprint, salt, output) = if self.options.behaviour == Behaviour::Copy {
            let seats = &view.info.attempts.0[attempt as usize].seats;
            let Some(revealed) = seats.iter().enumerate().find_map(|(i, s)| (i != seat).then_some(s.reveal.clone()).flatten()) else {
                return false;
            };
            (revealed, [0u8; 32], None)
        } else {
            let saved = self.state.lock().await.get(task).cloned();
            let Some(p) = saved.clone().filter(|p| p.attempt == attempt) else {
                tracing::error!(target: "triad::worker", task, attempt, ?saved, "committed but the salt is lost; cannot reveal");
                return true;
            };
            let Some(opened) = p.open() else {
                tracing::error!(target: "triad::worker", task, "the pending reveal on disk is corrupt");
                return true;
            };
            let (fp, salt, output) = (opened.fingerprint, opened.salt, opened.output);
            match generated(&fp) {
                Ok(fp) => (fp, salt, output),
                Err(e) => {
                    tracing::error!(target: "triad::worker", task, "{e}");
                    return true;
                },
            }
        };
        let call = chain::transactions().tasks().reveal(task, fingerprint, salt, output);
        match self.client.submit(&call, &self.signer, Wait::InBlock).await {
            Ok(_) => {
                self.metrics.served.with_label_values(&[role, "reveal"]).inc();
                tracing::info!(target: "triad::worker", task, attempt, role, "revealed");
                true
            },
            Err(e) => self.failed("reveal", task, e),
        }
    }
}
