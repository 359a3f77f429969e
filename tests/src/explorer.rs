//! The explorer in the end-to-end tests: its binary as a process that
//! follows the test network, the pages and API over HTTP, and the check that
//! an index holds exactly what the chain's `TasksApi` says.

use std::{
    io::{Read, Write},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use triad_client::{chain, Client};
use triad_explorer::{db::Pool, index::task_row, read, web::check_index};
use triad_job::audit::{CheckKind, Report};

use crate::node::sibling_binary;

/// A running `triad-explorer`.
pub struct ExplorerProc {
    child: Option<Child>,
    /// Where it serves pages, `127.0.0.1:port`.
    pub addr: String,
    node: String,
    /// Its database.
    pub db: String,
    log: PathBuf,
}

impl ExplorerProc {
    /// Starts the explorer on `node` (`ws://…`) with the database `db`
    /// (`sqlite://…`), logging into `dir`.
    pub fn start(node: &str, db: &str, dir: &Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut me = ExplorerProc {
            child: None,
            addr: format!("127.0.0.1:{port}"),
            node: node.to_string(),
            db: db.to_string(),
            log: dir.join("logs/explorer.log"),
        };
        me.restart();
        me
    }

    /// Starts it again on the same database and port (after [`Self::stop`]).
    pub fn restart(&mut self) {
        let bin = sibling_binary("triad-explorer").unwrap_or_else(|e| panic!("{e}"));
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log).unwrap();
        let child = Command::new(bin)
            .args(["--node", &self.node, "--db", &self.db, "--listen", &self.addr])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("triad-explorer starts");
        self.child = Some(child);
        let start = Instant::now();
        while std::net::TcpStream::connect(&self.addr).is_err() {
            assert!(start.elapsed() < Duration::from_secs(60), "the explorer never listened:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Kills it mid-stream, as a crash would.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Its log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// `GET path`: the status code and the body.
    pub fn get(&self, path: &str) -> (u16, String) {
        let mut stream = std::net::TcpStream::connect(&self.addr).expect("the explorer listens");
        // HTTP/1.0: a body delimited by the connection's end, never chunked.
        write!(stream, "GET {path} HTTP/1.0\r\nHost: {}\r\n\r\n", self.addr).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
        (status, body)
    }

    /// `GET path` as JSON, which must answer 200.
    pub fn json(&self, path: &str) -> serde_json::Value {
        let (status, body) = self.get(path);
        assert_eq!(status, 200, "GET {path}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"))
    }

    /// Waits until it has indexed block `n`.
    pub fn wait_indexed(&self, n: u64, within: Duration) {
        let start = Instant::now();
        loop {
            let (_, body) = self.get("/api/overview");
            let indexed = serde_json::from_str::<serde_json::Value>(&body).ok().and_then(|v| v["index"]["indexed"].as_u64());
            if indexed.is_some_and(|i| i >= n) {
                return;
            }
            assert!(start.elapsed() < within, "the explorer never indexed #{n} (at {indexed:?}):\n{}", self.log());
            std::thread::sleep(Duration::from_millis(500));
        }
    }
}

impl Drop for ExplorerProc {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Asserts that the index in `pool` holds, for every task the chain has at
/// `head`, exactly the chain's view through `TasksApi`: the task row, every
/// attempt and seat, payments and slashes. Returns how many tasks it compared.
pub async fn assert_index_matches(pool: &Pool, client: &Client, head: u64) -> usize {
    let at = client.api().at_block(head).await.unwrap();
    let next: u64 = at.storage().fetch(chain::storage().tasks().next_task_id(), ()).await.unwrap().decode().unwrap();
    for id in 0..next {
        let view = at.runtime_apis().call(chain::runtime_apis().tasks_api().task(id)).await.unwrap();
        let indexed = read::task(pool, id).await.unwrap();
        let (Some(view), Some(indexed)) = (view, indexed) else {
            panic!("task {id} is missing from the chain's state or from the index");
        };
        let chain = task_row(&view).unwrap();
        assert_eq!(indexed.summary.phase, chain.phase, "task {id}: phase");
        assert_eq!(indexed.summary.done_at, chain.done.as_ref().map(|d| u64::from(d.0)), "task {id}: end");
        assert_eq!(indexed.output_hash, chain.output_hash, "task {id}: output");
        assert_eq!(indexed.price, chain.price.to_string(), "task {id}: price");
        let mut report = Report::new(id, true, true);
        check_index(&mut report, &indexed, &chain);
        let failed: Vec<_> = report.checks.iter().filter(|c| c.kind == CheckKind::Index && !c.passed).collect();
        assert!(
            failed.is_empty(),
            "task {id}: the index disagrees with TasksApi: {failed:#?}\nindex: {indexed:#?}\nchain: {chain:#?}"
        );
    }
    next as usize
}

/// Scenario (9) of the network test, once every task is settled: the
/// explorer that followed the network from genesis, killed and restarted
/// halfway, holds exactly what a fresh index of the same blocks holds and
/// what `TasksApi` says; its pages pass in a browser, a generic client reads
/// the same task, and a payment row changed by hand fails the page's audit.
/// `rejected` is a task whose first attempt was rejected, `refunded` one
/// its client cancelled.
pub async fn explorer_scenario(net: &crate::Network, explorer: &mut ExplorerProc, rejected: u64, refunded: u64) {
    use triad_explorer::{db, index::Indexer};
    let head = net.client.finalized().await.unwrap().block_number();
    explorer.wait_indexed(head, Duration::from_secs(300));
    explorer.stop();
    let live = db::open(&explorer.db).await.unwrap();
    let cursor = db::cursor(&live).await.unwrap().expect("indexed").0;

    // A second index of the same blocks, from nothing and without a stop.
    let fresh_db = format!("sqlite://{}", net.dir.join("explorer-fresh.db").display());
    let fresh = db::open(&fresh_db).await.unwrap();
    let client = std::sync::Arc::new(Client::connect(&net.url, Duration::from_secs(30)).await.unwrap());
    let indexer = Indexer::new(client, fresh.clone()).await.unwrap();
    let start = Instant::now();
    assert_eq!(indexer.catch_up_to(cursor).await.unwrap(), cursor + 1);
    let took = start.elapsed().as_secs_f64();
    let (a, b) = (db::dump(&live).await.unwrap(), db::dump(&fresh).await.unwrap());
    for ((table, rows), (_, fresh_rows)) in a.iter().zip(&b) {
        let lost: Vec<_> = fresh_rows.iter().filter(|r| !rows.contains(r)).take(3).collect();
        let extra: Vec<_> = rows.iter().filter(|r| !fresh_rows.contains(r)).take(3).collect();
        assert!(lost.is_empty() && extra.is_empty(), "{table}: the restarted index lost {lost:?} and has {extra:?} besides");
    }
    let rows: usize = a.iter().map(|(_, r)| r.len()).sum();
    let tasks = assert_index_matches(&fresh, &net.client, cursor).await;
    println!(
        "(9) explorer: {} blocks indexed from genesis in {took:.1} s ({:.0} blocks/s); the index restarted halfway holds the same {rows} rows in {} tables; {tasks} tasks match TasksApi",
        cursor + 1,
        (cursor + 1) as f64 / took,
        a.len()
    );

    explorer.restart();
    let audit = explorer.json(&format!("/api/tasks/{rejected}"));
    assert_eq!(audit["audit"]["conclusion"], "Passed", "{audit:#}");
    assert!(audit["task"]["attempts"].as_array().unwrap().len() > 1, "{audit:#}");
    let cancelled = explorer.json(&format!("/api/tasks/{refunded}"));
    assert_eq!(cancelled["task"]["resolution"], "Cancelled");
    assert_eq!(cancelled["task"]["refunded"], cancelled["task"]["escrow"]);
    assert_eq!(cancelled["audit"]["conclusion"], "NothingRan", "{cancelled:#}");
    let overview = explorer.json("/api/overview");
    let counted: u64 = overview["index"]["tasks"].as_array().unwrap().iter().map(|p| p[1].as_u64().unwrap()).sum();
    assert_eq!(counted, tasks as u64, "{overview:#}");
    let (status, _) = explorer.get("/openapi.json");
    assert_eq!(status, 200);

    let artifacts = std::env::var_os("TRIAD_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::network::repo_root().join("artifacts"))
        .join("explorer");
    let url = format!("http://{}", explorer.addr);
    let browse = |args: &[&str]| {
        let out = Command::new(crate::network::repo_root().join(".triad/venv/bin/python"))
            .arg(crate::network::repo_root().join("tests/explorer/browse.py"))
            .args(args)
            .args(["--url", &url, "--out", artifacts.to_str().unwrap()])
            .output()
            .expect("python runs (scripts/prereqs.sh: triad_install_explorer_tools)");
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "browse.py {args:?}:\n{stdout}\n{stderr}");
        print!("{stdout}");
    };
    browse(&["pages", "--node", &net.url, "--task", &rejected.to_string()]);

    // A payment changed by hand: the page re-derives the audit from the
    // chain and compares, so the index's lie shows as failed checks.
    explorer.stop();
    let changed =
        db::execute(&live, &format!("UPDATE payments SET amount = '1' WHERE task = {rejected} AND kind = 'paid'")).await.unwrap();
    assert!(changed > 0, "task {rejected} has payments to tamper with");
    live.close().await;
    explorer.restart();
    let audit = explorer.json(&format!("/api/tasks/{rejected}"));
    assert_eq!(audit["audit"]["conclusion"], "Failed", "{audit:#}");
    let failed: Vec<&serde_json::Value> =
        audit["audit"]["checks"].as_array().unwrap().iter().filter(|c| c["passed"] == false).collect();
    assert!(!failed.is_empty() && failed.iter().all(|c| c["kind"] == "Index"), "{failed:#?}");
    browse(&["tampered", "--task", &rejected.to_string()]);
}
