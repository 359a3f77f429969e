//! Benchmark (not a test): the explorer on a chain of 1,000 tasks, as
//! ratios measured side by side in one run.
//!
//! A dev node, one model served by four workers, 100 jobs that settle and
//! 900 that their clients (nine accounts) submit and cancel at once, so the
//! chain holds 1,000 tasks in a few hundred blocks. Then:
//!
//! 1. the indexer's catch-up from genesis, in-process on a fresh SQLite
//!    database: blocks and tasks per second, ÷ the rate at which the chain
//!    made those blocks;
//! 2. page and API latency (median of 20 requests to the explorer binary),
//!    ÷ one `TasksApi::task` call to the node (the floor a task page, which
//!    re-derives its audit from the node, stands on).
//!
//! Run the release-built bench binary from `tests/` (as `cargo bench` would,
//! without rebuilding the workspace in the bench profile):
//! `(cd tests && ../target/release/deps/explorer-<hash> --bench)`.

use std::{
    path::PathBuf,
    sync::Arc,
    time::{Duration, Instant},
};

use triad_client::{chain, load_signer, Client, Wait, UNIT};
use triad_explorer::{db, index::Indexer};
use triad_inference::{files, TensorData};
use triad_integration_tests::{
    explorer::ExplorerProc,
    network::{repo_root, Network},
};

const PRICE: u128 = UNIT / 10;

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    xs[xs.len() / 2]
}

fn row(k: usize) -> TensorData {
    TensorData::f32(vec![1, 64], (0..64).map(|i| ((i * 7 + k * 13) % 29) as f32 / 29.0 - 0.5).collect())
}

fn input(k: usize) -> Vec<u8> {
    triad_inference::wire::encode(&[triad_inference::wire::NamedTensor { name: "features".into(), tensor: row(k) }])
}

#[tokio::main]
async fn main() {
    let started = Instant::now();
    let mut net = Network::start("explorer-bench").await;
    let mlp = repo_root().join("inference/fixtures/mlp_classifier.onnx");
    let cal: Vec<PathBuf> = (0..2)
        .map(|k| {
            let p = net.dir.join(format!("cal{k}.npy"));
            std::fs::write(&p, files::npy_bytes(&row(100 + k))).unwrap();
            p
        })
        .collect();
    let model = net.register_model(&mlp, "mlp", &cal);
    let idle = net.register_model(&net.variant(&mlp, "idle"), "idle", &cal);
    let workers = ["bob", "charlie", "dave", "eve"];
    for w in workers {
        net.spawn_worker(w, &["--models", &model.to_string()]);
    }
    let accounts: Vec<_> = workers.iter().map(|w| triad_client::account_of(&load_signer(Some(w), None).unwrap())).collect();
    net.wait_qualified(model, &accounts, Duration::from_secs(400)).await;

    // 100 settled jobs in two rounds (64 open tasks per client), beside 900
    // cancelled ones from nine other clients.
    let ferdie = load_signer(Some("ferdie"), None).unwrap();
    let settled = async {
        let mut ids = Vec::new();
        for round in 0..2 {
            ids.extend(net.submit(&ferdie, model, (0..50).map(|k| input(round * 50 + k)).collect(), PRICE).await);
            wait_settled(&net.client, &ids).await;
        }
        ids
    };
    let clients =
        ["alice", "alice//stash", "bob//stash", "charlie//stash", "dave//stash", "eve//stash", "ferdie//stash", "one", "two"];
    let cancelled = futures::future::join_all(clients.iter().map(|c| {
        let signer = load_signer(Some(c), None).unwrap();
        let net = &net;
        async move {
            for round in 0..2 {
                let ids = net.submit(&signer, idle, (0..50).map(|k| input(1000 + round * 50 + k)).collect(), PRICE).await;
                let cancels = ids.iter().map(|id| {
                    let call = chain::transactions().tasks().cancel_task(*id);
                    let signer = &signer;
                    async move { net.client.submit(&call, signer, Wait::InBlock).await.expect("a queued task is cancelled") }
                });
                futures::future::join_all(cancels).await;
            }
        }
    }));
    let (settled, _) = futures::future::join(settled, cancelled).await;
    let (_, head) = wait_settled(&net.client, &settled).await;
    let chain_rate = head as f64 / started.elapsed().as_secs_f64();
    let tasks: u64 = {
        let at = net.client.api().at_block(head).await.unwrap();
        at.storage().fetch(chain::storage().tasks().next_task_id(), ()).await.unwrap().decode().unwrap()
    };

    // 1. Catch-up from genesis.
    let db_url = format!("sqlite://{}", net.dir.join("bench.db").display());
    let pool = db::open(&db_url).await.unwrap();
    let client = Arc::new(Client::connect(&net.url, Duration::from_secs(30)).await.unwrap());
    let indexer = Indexer::new(client, pool.clone()).await.unwrap();
    let t = Instant::now();
    let blocks = indexer.catch_up_to(head).await.unwrap();
    let took = t.elapsed().as_secs_f64();
    pool.close().await;
    println!(
        "1. catch-up from genesis: {blocks} blocks, {tasks} tasks in {took:.1} s = {:.0} blocks/s, {:.0} tasks/s; the chain made them at {chain_rate:.2} blocks/s: {:.0}x",
        blocks as f64 / took,
        tasks as f64 / took,
        blocks as f64 / took / chain_rate
    );

    // 2. Page latency against one runtime API call.
    let explorer = ExplorerProc::start(&net.url, &db_url, &net.dir);
    explorer.wait_indexed(head, Duration::from_secs(120));
    let api = || async {
        let mut xs = Vec::new();
        for _ in 0..20 {
            let t = Instant::now();
            net.client.task(settled[0]).await.unwrap().unwrap();
            xs.push(t.elapsed().as_secs_f64());
        }
        median(xs)
    };
    let rpc = api().await;
    let bob = accounts[0].to_string();
    let pages = [
        "/".to_string(),
        format!("/task/{}", settled[0]),
        format!("/api/tasks/{}", settled[0]),
        "/api/tasks?limit=50".to_string(),
        format!("/worker/{bob}"),
        format!("/model/{model}"),
    ];
    println!("2. latency, median of 20 (TasksApi::task from the node: {:.1} ms):", rpc * 1e3);
    for page in &pages {
        let (status, _) = explorer.get(page);
        assert_eq!(status, 200, "{page}");
        let xs: Vec<f64> = (0..20)
            .map(|_| {
                let t = Instant::now();
                explorer.get(page);
                t.elapsed().as_secs_f64()
            })
            .collect();
        let m = median(xs);
        println!("   {page:<60} {:>7.1} ms  {:>5.1}x", m * 1e3, m / rpc);
    }
}

/// Waits until every task of `ids` is done; the finalized head then.
async fn wait_settled(client: &Client, ids: &[u64]) -> (usize, u64) {
    let start = Instant::now();
    loop {
        let at = client.finalized().await.unwrap();
        let mut done = 0;
        for id in ids {
            let view = at.runtime_apis().call(chain::runtime_apis().tasks_api().task(*id)).await.unwrap();
            if view.is_some_and(|v| matches!(v.info.phase, chain::runtime_types::pallet_triad_tasks::types::Phase::Done { .. })) {
                done += 1;
            }
        }
        if done == ids.len() {
            return (done, at.block_number());
        }
        assert!(start.elapsed() < Duration::from_secs(1200), "{done} of {} tasks done", ids.len());
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}
