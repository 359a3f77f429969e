//! The worker's main loop: follow best blocks, act on each seat it holds.

use std::{
    collections::{BTreeSet, HashMap, HashSet},
    path::PathBuf,
    sync::{Arc, Mutex},
};

use std::time::Duration;

use codec::Encode;

use triad_client::{
    account_of,
    chain::{
        self,
        runtime_types::pallet_triad_tasks::types::{Mode, Phase, TaskInput, TaskView},
    },
    AccountId32, AtBlock, Client, ClientError, Signer, Wait,
};
use triad_job::{Answer, EncodedAnswer, JobError, Schema};
use triad_verifier::{AttemptKey, Fingerprint};

use crate::{
    blobs::{BlobOptions, Blobs},
    compute,
    metrics::Metrics,
    state::{State, StateError},
    store::{ModelStore, StoreError},
    Behaviour,
};

/// Log target of the worker.
pub const LOG_TARGET: &str = "triad::worker";

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
    /// The data-plane peer cannot start.
    #[error(transparent)]
    DataPlane(#[from] triad_dataplane::DataPlaneError),
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
    /// Longest one inference may run; by default half the execute period.
    pub budget: Option<Duration>,
    /// How tasks are treated.
    pub behaviour: Behaviour,
    /// Fault injection: exit abruptly right after a commit lands.
    pub crash_after_commit: bool,
    /// The data-plane peer.
    pub blobs: BlobOptions,
}

/// One thing a seat does in an attempt, at most once at a time.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Step {
    Compute,
    CommitAnswer,
    CommitFingerprint,
    RevealAnswer,
    Vote,
    Prove,
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
    pub(crate) schemas: Mutex<HashMap<u32, Schema>>,
    pub(crate) provers: Mutex<HashMap<u32, Arc<crate::prove::Prover>>>,
    /// Largest output revealed in the extrinsic; larger ones go over the data plane.
    pub(crate) max_inline_output: usize,
    /// Largest output at all; larger ones are answered `OutputTooLarge`.
    pub(crate) max_offchain_output: usize,
    pub(crate) budget: Duration,
    pub(crate) block_ms: u64,
    pub(crate) execute_period: u32,
    pub(crate) blobs: Blobs,
}

impl Worker {
    /// Keeps this worker attested while it runs, on the same connection and
    /// nonces as its other transactions ([`crate::tee`]).
    pub async fn keep_attested(self: Arc<Self>, tee: crate::tee::TeeOptions) {
        crate::tee::keep_attested(&self.client, &self.signer, tee).await
    }

    /// A worker for `signer` on `client`.
    pub async fn new(client: Client, signer: Signer, options: Options, metrics: Metrics) -> Result<Arc<Self>, WorkerError> {
        let state = State::open(&options.state_dir)?;
        tracing::info!(target: LOG_TARGET, dir = %options.state_dir.display(), tasks = ?state.tasks(), "pending reveals on disk");
        let at = client.finalized().await?;
        let constant = |e: triad_client::subxt::error::ConstantError| ClientError::Rpc(e.to_string());
        let max_inline_output = at.constants().entry(chain::constants().tasks().max_inline_output()).map_err(constant)? as usize;
        let max_offchain_output = at.constants().entry(chain::constants().tasks().max_offchain_output()).map_err(constant)?;
        let period = at.constants().entry(chain::constants().tasks().execute_period()).map_err(constant)?;
        let block_ms = at.constants().entry(chain::constants().babe().expected_block_time()).map_err(constant)?;
        // Half the execute period: time left to commit after a run that used it all.
        let budget = options.budget.unwrap_or(Duration::from_millis(period as u64 * block_ms / 2));
        tracing::info!(target: LOG_TARGET, budget_ms = budget.as_millis() as u64, max_inline_output, max_offchain_output, "inference budget");
        let max_input = at.constants().entry(chain::constants().tasks().max_offchain_input()).map_err(constant)?;
        let blobs = Blobs::start(&options.state_dir, &options.blobs, max_input.max(max_offchain_output)).await?;
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
            provers: Mutex::new(HashMap::new()),
            max_inline_output,
            max_offchain_output: max_offchain_output as usize,
            budget,
            block_ms,
            execute_period: period,
            blobs,
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
        let schema = match self.client.model_schema(model).await {
            Ok((_, schema)) => schema,
            Err(ClientError::NotFound(_)) => return Err(WorkerError::Model { model, reason: "not registered".into() }),
            // An entry this worker cannot read or run.
            Err(e @ (ClientError::Job(_) | ClientError::Mismatch(_))) => {
                return Err(WorkerError::Model { model, reason: e.to_string() })
            },
            Err(e) => return Err(e.into()),
        };
        self.schemas.lock().expect("schema lock").insert(model, schema.clone());
        Ok(schema)
    }

    /// Registers and bonds if needed, checks every served model loads from
    /// the store, and passes probation on each.
    pub async fn prepare(self: &Arc<Self>) -> Result<(), WorkerError> {
        for model in &self.options.models {
            let schema = self.schema(*model).await?;
            self.provide_model(*model, &schema).await?;
            self.store.model(&schema.onnx_hash)?;
            if schema.groth16.is_some() && self.options.executor {
                self.provide_proving_key(*model).await?;
            }
        }
        let registered = triad_client::registry::worker(&self.client.best().await?, &self.me).await?;
        let (peer_id, address) = self.blobs.registration();
        match registered {
            None => {
                let roles = chain::runtime_types::triad_primitives::Roles {
                    executor: self.options.executor,
                    verifier: self.options.verifier,
                };
                let call = chain::transactions().workers().register_worker(
                    roles,
                    self.options.models.clone(),
                    Some(peer_id),
                    Some(address),
                    self.options.bond,
                );
                self.client.submit(&call, &self.signer, Wait::InBlock).await?;
                tracing::info!(target: LOG_TARGET, who = %self.me, bond = self.options.bond, models = ?self.options.models, "registered");
            },
            // Back on another port (or first with a data plane): publish the
            // new address and keep everything else as registered.
            Some(info)
                if info.peer_id.as_ref().map(|p| &p.0) != Some(&peer_id)
                    || info.multiaddr.as_ref().map(|a| &a.0) != Some(&address) =>
            {
                let call = chain::transactions().workers().update_worker(info.roles, info.models.0, Some(peer_id), Some(address));
                self.client.submit(&call, &self.signer, Wait::InBlock).await?;
                tracing::info!(target: LOG_TARGET, who = %self.me, "data-plane address updated on chain");
            },
            Some(_) => {},
        }
        // Each model's probation is independent: pass them side by side.
        let probations = self.options.models.clone().into_iter().map(|model| {
            let me = self.clone();
            async move { me.pass_probation(model).await }
        });
        futures::future::try_join_all(probations).await?;
        Ok(())
    }

    /// Follows best blocks until the stream ends.
    pub async fn run(self: Arc<Self>) -> Result<(), WorkerError> {
        let mut blocks = self.client.api().stream_best_blocks().await.map_err(ClientError::rpc_err)?;
        tracing::info!(target: LOG_TARGET, who = %self.me, behaviour = ?self.options.behaviour, "serving");
        let mut newest = 0;
        // A block the node announces but cannot serve yet, or a hiccup of
        // the stream, costs one block's look at the tasks, never the worker:
        // a worker that quits holds seats it no longer fills.
        while let Some(block) = blocks.next().await {
            let block = match block {
                Ok(block) => block,
                Err(e) => {
                    tracing::warn!(target: LOG_TARGET, "best block stream: {e}");
                    continue;
                },
            };
            if block.number() < newest {
                continue;
            }
            newest = block.number();
            let at = match block.at().await {
                Ok(at) => at,
                Err(e) => {
                    tracing::warn!(target: LOG_TARGET, block = block.number(), "cannot read the block, waiting for the next: {e}");
                    continue;
                },
            };
            self.sync_plane_metrics();
            self.collect_garbage();
            if let Err(e) = self.clone().on_block(&at).await {
                tracing::warn!(target: LOG_TARGET, block = block.number(), "reading tasks failed: {e}");
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

    /// Runs `step` once at a time; `work` returns whether it is done for good.
    fn spawn<F, Fut>(self: &Arc<Self>, task: u64, attempt: u32, step: Step, work: F)
    where
        F: FnOnce(Arc<Self>) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = bool> + Send + 'static,
    {
        if !self.claim((task, attempt, step)) {
            return;
        }
        let me = self.clone();
        tokio::spawn(async move {
            if !work(me.clone()).await {
                me.release((task, attempt, step));
            }
        });
    }

    async fn on_task(self: Arc<Self>, id: u64, view: Option<TaskView>) -> Result<(), WorkerError> {
        // A block may be older than what this worker has seen (the stream
        // starts at the finalized block), so an entry is forgotten only once
        // the task is done or its attempt has a verdict, never because the
        // task is missing or queued at some block.
        let Some(view) = view else { return Ok(()) };
        let settled = |attempt: u32| view.info.attempts.0.get(attempt as usize).is_some_and(|a| a.verdict.is_some());
        let pending = self.state.lock().await.get(id).map(|p| p.attempt);
        if matches!(view.info.phase, Phase::Done { .. }) || pending.is_some_and(settled) {
            self.state.lock().await.remove(id)?;
        }
        let view = Arc::new(view);
        let attempts = &view.info.attempts.0;
        let Some(attempt) = attempts.last() else { return Ok(()) };
        let index = attempts.len() as u32 - 1;
        let Some(seat) = attempt.seats.0.iter().position(|s| s.who == self.me) else { return Ok(()) };
        if self.options.behaviour == Behaviour::Absent || attempt.verdict.is_some() {
            return Ok(());
        }
        if matches!(view.info.mode, Mode::Groth16) {
            // One seat, no commitments: prove and post within the execute phase.
            if seat == 0 && matches!(view.info.phase, Phase::Execute { .. }) && attempt.posted.is_none() {
                let v = view.clone();
                self.spawn(id, index, Step::Prove, move |w| async move { w.prove(id, index, &v).await });
            }
            return Ok(());
        }
        let mine = &attempt.seats.0[seat];
        let have = pending == Some(index);
        match (&view.info.phase, seat) {
            (Phase::Execute { .. } | Phase::Key { .. }, _) if !have => {
                let v = view.clone();
                self.spawn(id, index, Step::Compute, move |w| async move { w.compute(id, index, seat, &v).await });
            },
            (Phase::Execute { .. }, 0) if have && mine.commit.is_none() => {
                self.spawn(id, index, Step::CommitAnswer, move |w| async move { w.commit_answer(id, index).await });
            },
            (Phase::Check { .. }, 1..=3) if mine.commit.is_none() => {
                let v = view.clone();
                self.spawn(id, index, Step::CommitFingerprint, move |w| async move {
                    w.commit_fingerprint(id, index, seat, &v).await
                });
            },
            (Phase::Reveal { .. }, 0) if mine.commit.is_some() && attempt.posted.is_none() => {
                let v = view.clone();
                self.spawn(id, index, Step::RevealAnswer, move |w| async move { w.reveal_answer(id, index, &v).await });
            },
            (Phase::Vote { .. }, 1..=3) if mine.commit.is_some() && mine.reveal.is_none() => {
                let v = view.clone();
                self.spawn(id, index, Step::Vote, move |w| async move { w.vote(id, index, seat, &v).await });
            },
            _ => {},
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

    /// Runs the model (or not, as the behaviour says) and keeps the answer
    /// with a fresh salt; returns whether to stop trying for this attempt.
    async fn compute(self: &Arc<Self>, task: u64, attempt: u32, seat: usize, view: &TaskView) -> bool {
        let role = Self::role(seat);
        let schema = match self.schema(view.info.model).await {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(target: LOG_TARGET, task, role, "cannot serve: {e}");
                return true;
            },
        };
        let answer = match self.answer(&schema, view, seat).await {
            Ok(a) => a,
            Err(e) => {
                // This worker's own failure: commit nothing rather than
                // vouch for something it did not compute.
                tracing::error!(target: LOG_TARGET, task, role, "task failed, not committing: {e}");
                self.metrics.served.with_label_values(&[role, "failed"]).inc();
                return true;
            },
        };
        if let Answer::CannotRun(reason) = &answer {
            tracing::warn!(target: LOG_TARGET, task, role, ?reason, "cannot run this input; answering so");
            self.metrics.served.with_label_values(&[role, "cannot_run"]).inc();
        }
        let salt: [u8; 32] = rand::random();
        let saved = {
            let mut state = self.state.lock().await;
            state.pending(task, attempt, &answer.encoded(&schema), salt).and_then(|p| state.insert(task, p))
        };
        if let Err(e) = saved {
            tracing::error!(target: LOG_TARGET, task, "cannot persist the answer, not committing: {e}");
            return true;
        }
        self.metrics.served.with_label_values(&[role, "computed"]).inc();
        if seat == 0 {
            return self.commit_answer(task, attempt).await;
        }
        true
    }

    /// The seat's answer, as its behaviour makes it.
    async fn answer(self: &Arc<Self>, schema: &Schema, view: &TaskView, seat: usize) -> Result<Answer, JobError> {
        let input = match &view.input {
            TaskInput::Inline(bytes) => bytes.0.clone(),
            TaskInput::Offchain { hash, size, provider } => {
                match self.offchain_input(view, seat, *hash, *size, &provider.0).await {
                    Ok(bytes) => bytes,
                    Err(unavailable) => return Ok(unavailable),
                }
            },
        };
        let executor = seat == 0;
        match self.options.behaviour {
            Behaviour::Lazy => return Ok(compute::lazy(schema)),
            Behaviour::Random => return Ok(compute::random(schema)),
            Behaviour::Copy | Behaviour::Dictionary if !executor => return Ok(compute::guess(schema)),
            Behaviour::Replay if !executor => return Ok(compute::guess(schema)),
            Behaviour::Replay => {
                if let Some(output) = self.earlier_output(view).await {
                    tracing::warn!(target: LOG_TARGET, task = view.id, "replay: posting the earlier accepted output for this input");
                    return Ok(output);
                }
            },
            _ => {},
        }
        let (store, schema2, metrics) = (self.store.clone(), schema.clone(), self.metrics.clone());
        let (budget, max_output) = (self.budget, self.max_offchain_output);
        let honest = tokio::task::spawn_blocking(move || compute::honest(&store, &schema2, &input, budget, max_output, &metrics))
            .await
            .map_err(|e| JobError::Fingerprint(format!("inference thread: {e}")))??;
        Ok(match self.options.behaviour {
            b @ (Behaviour::Substitute | Behaviour::Collide) if executor => {
                tracing::warn!(target: LOG_TARGET, task = view.id, behaviour = ?b, "posting a tampered output");
                compute::tamper(b, schema, honest)
            },
            _ => honest,
        })
    }

    /// Commits the executor's answer; returns whether to stop trying.
    async fn commit_answer(self: &Arc<Self>, task: u64, attempt: u32) -> bool {
        let Some(opened) = self.opened(task, attempt).await else { return true };
        let commitment = triad_primitives::answer_commitment(&opened.answer.digest(), &opened.salt, &self.me, task);
        let call = chain::transactions().tasks().commit_answer(task, commitment);
        self.submit(call, "commit_answer", task, attempt, "executor").await
    }

    /// Commits a verifier's fingerprint under the attempt key.
    async fn commit_fingerprint(self: &Arc<Self>, task: u64, attempt: u32, seat: usize, view: &TaskView) -> bool {
        let a = &view.info.attempts.0[attempt as usize];
        let Some(key) = a.key else { return false };
        if self.state.lock().await.get(task).is_none_or(|p| p.attempt != attempt) {
            if self.busy.lock().expect("busy lock").contains(&(task, attempt, Step::Compute)) {
                // Still running the model: come back next block.
                return false;
            }
            // Restarted after the draw: compute now, then commit.
            if !self.compute(task, attempt, seat, view).await {
                return false;
            }
        }
        let Some(opened) = self.opened(task, attempt).await else { return true };
        let schema = match self.schema(view.info.model).await {
            Ok(s) => s,
            Err(_) => return false,
        };
        let commitment = match self.options.behaviour {
            Behaviour::Copy => {
                // Take another verifier's commitment, once there is one.
                let Some(other) = a.seats.0.iter().enumerate().find(|(i, s)| *i != seat && *i > 0 && s.commit.is_some()) else {
                    return false;
                };
                other.1.commit.expect("found committed")
            },
            _ => {
                let fingerprint = match self.fingerprint_to_commit(&schema, &key, &opened.answer, view, seat).await {
                    Some(f) => f,
                    None => return true,
                };
                let mut state = self.state.lock().await;
                let Some(mut p) = state.get(task).cloned() else { return true };
                p.fingerprint = Some(hex::encode(fingerprint.encode()));
                if let Err(e) = state.insert(task, p) {
                    tracing::error!(target: LOG_TARGET, task, "cannot persist the fingerprint, not committing: {e}");
                    return true;
                }
                triad_primitives::reveal_commitment(&fingerprint, &opened.salt, &self.me, task)
            },
        };
        let call = chain::transactions().tasks().commit_fingerprint(task, commitment);
        self.submit(call, "commit_fingerprint", task, attempt, "verifier").await
    }

    /// The fingerprint a verifier commits: of its own answer under the key,
    /// or, for the attacking behaviours, what they use instead.
    async fn fingerprint_to_commit(
        self: &Arc<Self>,
        schema: &Schema,
        key: &AttemptKey,
        answer: &EncodedAnswer,
        view: &TaskView,
        seat: usize,
    ) -> Option<Fingerprint> {
        match self.options.behaviour {
            Behaviour::Replay => {
                if let Some(fp) = self.earlier_fingerprint(view, seat).await {
                    tracing::warn!(target: LOG_TARGET, task = view.id, "replay: committing a fingerprint revealed earlier");
                    return Some(fp);
                }
            },
            Behaviour::Dictionary => {
                let guessed = self.dictionary(schema, view).unwrap_or_else(|| compute::guess(schema));
                return guessed.fingerprint(&schema.lsh, key).ok();
            },
            _ => {},
        }
        let answer = match answer {
            EncodedAnswer::Output(bytes) => compute::decode_output(bytes)?,
            EncodedAnswer::CannotRun(r) => Answer::CannotRun(*r),
        };
        let started = std::time::Instant::now();
        let fp = answer.fingerprint(&schema.lsh, key);
        self.metrics.fingerprint_seconds.observe(started.elapsed().as_secs_f64());
        match fp {
            Ok(fp) => Some(fp),
            Err(e) => {
                tracing::error!(target: LOG_TARGET, task = view.id, "cannot fingerprint its own answer: {e}");
                None
            },
        }
    }

    pub(crate) async fn opened(&self, task: u64, attempt: u32) -> Option<crate::state::Opened> {
        let state = self.state.lock().await;
        if state.get(task).is_none_or(|p| p.attempt != attempt) {
            tracing::error!(target: LOG_TARGET, task, attempt, "no saved answer for this attempt");
            return None;
        }
        let opened = state.opened(task);
        if opened.is_none() {
            tracing::error!(target: LOG_TARGET, task, "the saved answer on disk is corrupt");
        }
        opened
    }

    pub(crate) async fn submit<C: triad_client::subxt::tx::Payload>(
        &self,
        call: C,
        name: &str,
        task: u64,
        attempt: u32,
        role: &str,
    ) -> bool {
        match self.client.submit(&call, &self.signer, Wait::InBlock).await {
            Ok(_) => {
                self.metrics.served.with_label_values(&[role, name]).inc();
                tracing::info!(target: LOG_TARGET, task, attempt, role, "{name}");
                if self.options.crash_after_commit && name.starts_with("commit") {
                    tracing::warn!(target: LOG_TARGET, task, "fault injection: exiting right after the commit");
                    std::process::abort();
                }
                true
            },
            Err(e) => {
                self.metrics.failures.with_label_values(&[name]).inc();
                tracing::warn!(target: LOG_TARGET, task, "{name} failed: {e}");
                // A dispatch error means the chain has decided; a refused
                // transaction (stale nonce, full pool) is worth another try.
                !matches!(e, ClientError::Refused(_))
            },
        }
    }
}
