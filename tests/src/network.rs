//! A dev node with real `triad-worker` processes and the `triad` CLI, for the
//! end-to-end tests and the benchmark.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    process::{Child, Command, Output, Stdio},
    time::{Duration, Instant},
};

use triad_client::{
    chain::{
        self,
        runtime_types::pallet_triad_tasks::types::{InputArg, Mode, Phase, Posted},
    },
    registry, AccountId32, Client, Signer, Wait,
};
use triad_dataplane::{peers, BlobId, DataPlane, Keypair, Limits, Store};

use crate::node::{sibling_binary, Node};

/// A task as the `TasksApi` returns it.
pub type TaskView = chain::runtime_types::pallet_triad_tasks::types::TaskView;

/// One worker process and how it was started.
pub struct WorkerProc {
    pub seed: String,
    pub args: Vec<String>,
    child: Option<Child>,
    log: PathBuf,
}

/// A running network: one dev node (or a node of a network started
/// elsewhere), any number of workers.
pub struct Network {
    /// The dev node this network started, if it started one.
    pub node: Option<Node>,
    /// The node RPC endpoint workers, the CLI and the client use.
    pub url: String,
    pub client: Client,
    pub dir: PathBuf,
    workers: Vec<WorkerProc>,
    worker_bin: PathBuf,
    cli_bin: PathBuf,
}

/// The repository root, where fixtures live.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

impl Network {
    /// Starts a dev node and connects a client; `name` labels the scratch
    /// directory that holds worker logs, state and model store.
    pub async fn start(name: &str) -> Self {
        let node = Node::start_dev().unwrap_or_else(|e| panic!("{e}"));
        let url = node.ws_url();
        Self::with(name, Some(node), url).await
    }

    /// Workers and the CLI around a node that runs already, at `url`
    /// (`ws://…`), for example a validator of a multi-validator network.
    pub async fn attach(name: &str, url: &str) -> Self {
        Self::with(name, None, url.to_string()).await
    }

    async fn with(name: &str, node: Option<Node>, url: String) -> Self {
        let worker_bin = sibling_binary("triad-worker").unwrap_or_else(|e| panic!("{e}"));
        let cli_bin = sibling_binary("triad").unwrap_or_else(|e| panic!("{e}"));
        let client = Client::connect(&url, Duration::from_secs(90)).await.expect("client connects");
        let dir = std::env::temp_dir().join(format!("triad-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("logs")).unwrap();
        Network { node, url, client, dir, workers: Vec::new(), worker_bin, cli_bin }
    }

    /// Runs the CLI against this node.
    pub fn cli(&self, args: &[&str]) -> Output {
        Command::new(&self.cli_bin).arg("--url").arg(&self.url).args(args).output().expect("the triad CLI runs")
    }

    /// Runs the CLI and fails the test, showing its stderr, if it fails.
    pub fn cli_ok(&self, args: &[&str]) -> String {
        let out = self.cli(args);
        assert!(out.status.success(), "triad {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    /// Registers `model` (owner Alice) with calibration inputs through the
    /// CLI, and puts the file in the workers' store; returns its id.
    pub fn register_model(&self, model: &Path, name: &str, calibration: &[PathBuf]) -> u32 {
        self.register_model_as("alice", model, name, calibration, &[])
    }

    /// [`Network::register_model`] signed by `owner`, with more CLI flags.
    /// Owners sign in parallel without sharing nonces.
    pub fn register_model_as(&self, owner: &str, model: &Path, name: &str, calibration: &[PathBuf], extra: &[&str]) -> u32 {
        let model_str = model.to_str().unwrap();
        let mut args = vec!["--dev-seed", owner, "model", "register", model_str, "--name", name, "--lsh-seed", "7"];
        args.extend(extra);
        let cal: Vec<&str> = calibration.iter().map(|p| p.to_str().unwrap()).collect();
        if !cal.is_empty() {
            args.push("--calibration");
            args.extend(cal);
        }
        let id = self.cli_ok(&args).trim().parse().expect("register prints the model id");
        self.import(model);
        id
    }

    /// Copies a model file or proving key into the shared model store of
    /// the workers that start with one.
    pub fn import(&self, file: &Path) {
        let out = Command::new(&self.worker_bin)
            .args(["--models-dir", self.dir.join("models").to_str().unwrap(), "import", file.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(out.status.success(), "import: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// A copy of the ONNX file `model` with a distinct `blake3` hash and the
    /// same graph: a second `doc_string` (field 6 of `ModelProto`, the last
    /// one read wins) tagged `tag`. The registry takes each file once, so
    /// scenarios that need a model of their own register such a copy.
    pub fn variant(&self, model: &Path, tag: &str) -> PathBuf {
        let mut bytes = std::fs::read(model).unwrap();
        let doc = format!("triad test variant: {tag}");
        assert!(doc.len() < 128, "a one-byte length");
        bytes.push(0x32);
        bytes.push(doc.len() as u8);
        bytes.extend(doc.as_bytes());
        let path = self.dir.join(format!("{tag}.onnx"));
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// Starts a worker with a dev seed; `extra` are more flags.
    pub fn spawn_worker(&mut self, seed: &str, extra: &[&str]) -> usize {
        let args = extra.iter().map(|s| s.to_string()).collect();
        let file = seed.replace('/', "_");
        self.workers.push(WorkerProc {
            seed: seed.into(),
            args,
            child: None,
            log: self.dir.join("logs").join(format!("{file}.log")),
        });
        let i = self.workers.len() - 1;
        self.launch(i);
        i
    }

    /// Starts worker `i`; its models come from the store the test fills,
    /// unless its flags name a `--models-dir` of its own, and it uses the
    /// network's node unless they name `--url`s.
    fn launch(&mut self, i: usize) {
        let w = &self.workers[i];
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&w.log).unwrap();
        let shared = self.dir.join("models");
        let models_dir =
            if w.args.iter().any(|a| a == "--models-dir") { vec![] } else { vec!["--models-dir", shared.to_str().unwrap()] };
        let url = if w.args.iter().any(|a| a == "--url") { vec![] } else { vec!["--url", self.url.as_str()] };
        let child = Command::new(&self.worker_bin)
            .args(url)
            .args(["--dev-seed", &w.seed])
            .args(models_dir)
            .args(["--state-dir", self.dir.join("state").join(w.seed.replace('/', "_")).to_str().unwrap()])
            // Every peer of the test network is on this host.
            .args(["--p2p-listen", "/ip4/127.0.0.1/tcp/0"])
            .args(&w.args)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("triad-worker starts");
        self.workers[i].child = Some(child);
    }

    /// Restarts worker `i` with new extra flags after it exited or was killed.
    pub fn restart_worker(&mut self, i: usize, extra: &[&str]) {
        if let Some(mut c) = self.workers[i].child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        self.workers[i].args = extra.iter().map(|s| s.to_string()).collect();
        self.launch(i);
    }

    /// Whether worker `i`'s process has exited.
    pub fn worker_exited(&mut self, i: usize) -> bool {
        self.workers[i].child.as_mut().is_none_or(|c| c.try_wait().ok().flatten().is_some())
    }

    /// The log of worker `i`, for failure messages.
    pub fn worker_log(&self, i: usize) -> String {
        std::fs::read_to_string(&self.workers[i].log).unwrap_or_default()
    }

    /// Waits until each of `accounts` has passed probation on `model`.
    pub async fn wait_qualified(&mut self, model: u32, accounts: &[AccountId32], within: Duration) {
        let start = Instant::now();
        loop {
            let at = self.client.best().await.unwrap();
            let mut all = true;
            for who in accounts {
                let p = at
                    .storage()
                    .fetch(chain::storage().workers().calibrations(), (who.clone(), model))
                    .await
                    .unwrap()
                    .decode()
                    .unwrap();
                all &= p.passed >= 3;
            }
            if all {
                return;
            }
            for i in 0..self.workers.len() {
                assert!(!self.worker_exited(i), "worker {} exited:\n{}", self.workers[i].seed, self.worker_log(i));
            }
            assert!(start.elapsed() < within, "workers not qualified within {within:?}");
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }

    /// Submits one job per inline input from `client`, all at once; returns the task ids.
    pub async fn submit(&self, client: &Signer, model: u32, inputs: Vec<Vec<u8>>, max_fee: u128) -> Vec<u64> {
        self.submit_inputs(client, model, inputs.into_iter().map(InputArg::Inline).collect(), max_fee).await
    }

    /// [`Network::submit`] for inputs of any kind.
    pub async fn submit_inputs(&self, client: &Signer, model: u32, inputs: Vec<InputArg>, max_fee: u128) -> Vec<u64> {
        self.submit_in(client, model, inputs, max_fee, || Mode::Lsh).await
    }

    /// [`Network::submit`] of TEE jobs (`Mode::Tee`).
    pub async fn submit_tee(&self, client: &Signer, model: u32, inputs: Vec<Vec<u8>>, max_fee: u128) -> Vec<u64> {
        self.submit_in(client, model, inputs.into_iter().map(InputArg::Inline).collect(), max_fee, || Mode::Tee).await
    }

    /// [`Network::submit`] of proved jobs (`Mode::Groth16`).
    pub async fn submit_proved(&self, client: &Signer, model: u32, inputs: Vec<Vec<u8>>, max_fee: u128) -> Vec<u64> {
        self.submit_in(client, model, inputs.into_iter().map(InputArg::Inline).collect(), max_fee, || Mode::Groth16).await
    }

    async fn submit_in(&self, client: &Signer, model: u32, inputs: Vec<InputArg>, max_fee: u128, mode: fn() -> Mode) -> Vec<u64> {
        let now = self.client.finalized().await.unwrap().block_number() as u32;
        let jobs = inputs.into_iter().map(|input| {
            let call = chain::transactions().tasks().submit_task(model, input, max_fee, mode(), now + 200);
            async move {
                let included = self.client.submit(&call, client, Wait::InBlock).await.expect("submit_task succeeds");
                included.event::<chain::tasks::events::TaskSubmitted>().unwrap().task
            }
        });
        futures::future::join_all(jobs).await
    }

    /// The task as of the best block.
    pub async fn task(&self, id: u64) -> TaskView {
        let at = self.client.best().await.unwrap();
        at.runtime_apis().call(chain::runtime_apis().tasks_api().task(id)).await.unwrap().expect("task exists")
    }

    /// Waits until every task is done in a finalized block; returns their
    /// views and the finalized block number they were read at.
    pub async fn wait_done(&mut self, ids: &[u64], within: Duration) -> (Vec<TaskView>, u64) {
        let start = Instant::now();
        loop {
            let at = self.client.finalized().await.unwrap();
            let mut views = Vec::new();
            for id in ids {
                // A task submitted into a best block may not be finalized yet.
                if let Some(view) = at.runtime_apis().call(chain::runtime_apis().tasks_api().task(*id)).await.unwrap() {
                    views.push(view);
                }
            }
            if views.len() == ids.len() && views.iter().all(|v| matches!(v.info.phase, Phase::Done { .. })) {
                return (views, at.block_number());
            }
            if start.elapsed() > within {
                let phases: Vec<_> = views.iter().map(|v| (v.id, format!("{:?}", v.info.phase))).collect();
                // Whole attempts of the tasks left, so a failure says who sat
                // where and how each attempt ended, not only the phase.
                let open: Vec<_> = views
                    .iter()
                    .filter(|v| !matches!(v.info.phase, Phase::Done { .. }))
                    .map(|v| format!("task {} at block {}: {:?}", v.id, at.block_number(), v.info))
                    .collect();
                let mut logs = Vec::new();
                for i in 0..self.workers.len() {
                    let exited = if self.worker_exited(i) { ", exited" } else { "" };
                    let w = &self.workers[i];
                    logs.push(format!("--- {} ({}{exited})\n{}", w.seed, w.log.display(), tail(&self.worker_log(i))));
                }
                panic!("tasks not done within {within:?}: {phases:?}\n{}\n{}", open.join("\n"), logs.join("\n"));
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }

    /// The result of an accepted task as its client gets it: the inline
    /// output from chain state, or the off-chain one fetched by its hash from
    /// the accepted attempt's seats over the data plane (checked as it
    /// arrives). `None` for a task without an output.
    pub async fn result_of(&self, view: &TaskView) -> Option<Vec<u8>> {
        let last = view.info.attempts.0.last()?;
        let Some(Posted::Offchain { hash, size }) = last.posted else {
            return view.output.as_ref().map(|o| o.0.clone());
        };
        let plane = loopback_plane(&self.dir.join("results"), size).await;
        let at = self.client.best().await.unwrap();
        let registered =
            registry::data_plane_addresses(&at, &last.seats.0.iter().map(|s| s.who.clone()).collect::<Vec<_>>()).await.unwrap();
        let sources: Vec<_> = registered.iter().filter_map(peers::registered).collect();
        let id = BlobId { hash, size };
        plane.fetch(id, &sources).await.unwrap_or_else(|e| panic!("task {}: the output is not served: {e}", view.id));
        Some(plane.store().read(&id).unwrap())
    }

    /// Free balance of `who` at finalized block `n`.
    pub async fn free_at(&self, who: &AccountId32, n: u64) -> u128 {
        let at = self.client.api().at_block(n).await.unwrap();
        let account = at.storage().fetch(chain::storage().system().account(), (who.clone(),)).await.unwrap().decode().unwrap();
        account.data.free
    }

    /// Transaction fees paid per account in blocks `from..=to`.
    pub async fn fees(&self, from: u64, to: u64) -> BTreeMap<AccountId32, u128> {
        let mut fees = BTreeMap::new();
        for n in from..=to {
            let at = self.client.api().at_block(n).await.unwrap();
            let events = at.events().fetch().await.unwrap();
            for e in events.find::<chain::transaction_payment::events::TransactionFeePaid>() {
                let e = e.unwrap();
                *fees.entry(e.who).or_default() += e.actual_fee + e.tip;
            }
        }
        fees
    }

    /// Reputation score on `model` (parts per billion) and total stake of a worker now.
    pub async fn standing(&self, who: &AccountId32, model: u32) -> (u32, u128) {
        let at = self.client.finalized().await.unwrap();
        let view = at.runtime_apis().call(chain::runtime_apis().triad_api().worker(who.clone())).await.unwrap().unwrap();
        let score = view.standings.iter().find(|s| s.model == model).map_or(0, |s| s.score.0);
        (score, view.total_stake)
    }
}

/// A data-plane peer on loopback with its store in `dir`, as a client of
/// the network runs one to serve inputs and fetch results.
pub async fn loopback_plane(dir: &Path, max_blob: u64) -> DataPlane {
    let store = Store::open(dir, Limits { max_blob }).unwrap();
    let config =
        triad_dataplane::net::Config { listen: "/ip4/127.0.0.1/tcp/0".parse().unwrap(), fetch_timeout: Duration::from_secs(20) };
    DataPlane::start(Keypair::generate_ed25519(), std::sync::Arc::new(store), config).await.unwrap()
}

fn tail(s: &str) -> String {
    let lines: Vec<_> = s.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

impl Drop for Network {
    fn drop(&mut self) {
        for w in &mut self.workers {
            if let Some(mut c) = w.child.take() {
                let _ = c.kill();
                let _ = c.wait();
            }
        }
    }
}
