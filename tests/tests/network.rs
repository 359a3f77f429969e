//! The whole system on a real `triad-node --dev`: real `triad-worker`
//! processes running the model with ONNX Runtime, and the `triad` CLI.
//!
//! (a) honest workers settle twenty jobs and every balance adds up to the
//!     plank; bad input files get one-line CLI errors and change nothing;
//!     input that bypasses the CLI and does not fit is reported as invalid
//!     by every seat, and nobody is slashed for it;
//! (b) a lying executor is rejected, slashed, its tasks re-run, and it ends
//!     ranked below the honest workers;
//! (c) a verifier that copies another seat's commitment gains nothing;
//! (d) a worker killed between commit and reveal is slashed and the task
//!     still settles; one restarted in the same gap still reveals.
//!
//! Workers that should be drawn often bond the reputation stake cap
//! (10,000 tokens) against the honest workers' 1,000, so the scenarios do
//! not depend on a lucky draw.

use std::{path::PathBuf, time::Duration};

use triad_client::{
    account_of,
    chain::{
        self,
        runtime_types::{pallet_triad_tasks::types::{Phase, Resolution}, triad_verifier::majority::Outcome},
    },
    load_signer, AccountId32, Signer,
};
use triad_inference::{wire, TensorData};
use triad_integration_tests::network::{repo_root, Network};

const UNIT: u128 = 1_000_000_000_000;
const PRICE: u128 = UNIT / 10;
const WAIT: Duration = Duration::from_secs(600);

fn signer(seed: &str) -> Signer {
    load_signer(Some(seed), None).unwrap()
}

fn features(k: usize) -> Vec<f32> {
    (0..64).map(|i| (((i * 37 + k * 11) % 101) as f32 / 50.0) - 1.0).collect()
}

/// Wire bytes of one `[1, 64]` input for the fixture classifier.
fn input(k: usize) -> Vec<u8> {
    wire::encode(&[wire::NamedTensor { name: "features".into(), tensor: TensorData::f32(vec![1, 64], features(k)) }])
}

fn kserve(dir: &std::path::Path, name: &str, shape: &[usize], data: &[f32]) -> PathBuf {
    let body = serde_json::json!({"inputs": [{"name": "features", "shape": shape, "datatype": "FP32", "data": data}]});
    let path = dir.join(name);
    std::fs::write(&path, body.to_string()).unwrap();
    path
}

/// A network serving the fixture classifier with the given workers
/// (`(seed, extra flags)`), all qualified.
async fn network(name: &str, workers: &[(&str, &[&str])]) -> (Network, u32) {
    let mut net = Network::start(name).await;
    let cal: Vec<PathBuf> = (0..2).map(|k| kserve(&net.dir, &format!("cal{k}.json"), &[1, 64], &features(100 + k))).collect();
    let model = net.register_model(&repo_root().join("inference/fixtures/mlp_classifier.onnx"), "mlp-classifier", &cal);
    let mut accounts = Vec::new();
    for (seed, extra) in workers {
        net.spawn_worker(seed, extra);
        accounts.push(account_of(&signer(seed)));
    }
    net.wait_qualified(model, &accounts, Duration::from_secs(300)).await;
    (net, model)
}

fn paid_to(views: &[triad_integration_tests::network::TaskView], who: &AccountId32) -> u128 {
    views.iter().flat_map(|v| v.info.attempts.0.iter()).flat_map(|a| a.seats.iter()).filter(|s| &s.who == who).map(|s| s.paid + s.bounty).sum()
}

/// The client pays the accepted attempt's executor 40% of the price and each
/// verifier that agreed 20%; no one else; the rest of the escrow comes back.
fn assert_settled_exactly(v: &triad_integration_tests::network::TaskView) {
    let attempts = &v.info.attempts.0;
    let last = attempts.last().expect("an attempt");
    let in_majority = last.verdict.as_ref().expect("settled").verifiers_in_majority;
    let expected = PRICE * 40 / 100 + in_majority.iter().filter(|x| **x).count() as u128 * (PRICE * 20 / 100);
    let paid: u128 = attempts.iter().flat_map(|a| a.seats.iter()).map(|s| s.paid).sum();
    assert_eq!(paid, expected, "task {}: the client pays for the honest seats of the accepted attempt only", v.id);
    assert_eq!(paid + v.info.refunded, v.info.escrow, "task {}: nothing is lost", v.id);
}

fn http_get(addr: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).expect("the metrics endpoint listens");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut body = String::new();
    stream.read_to_string(&mut body).unwrap();
    body
}

fn accepted(v: &triad_integration_tests::network::TaskView) -> bool {
    matches!(v.info.phase, Phase::Done { resolution: Resolution::Accepted, .. })
}

#[tokio::test(flavor = "multi_thread")]
async fn honest_workers_settle_twenty_jobs_and_bad_input_is_refused() {
    let honest: &[&str] = &[];
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string();
    let with_metrics: &[&str] = &["--metrics-port", &port];
    let seeds = ["bob", "charlie", "dave", "eve"];
    let (mut net, model) = network("honest", &[("bob", with_metrics), ("charlie", honest), ("dave", honest), ("eve", honest)]).await;
    let client = signer("ferdie");
    let me = account_of(&client);

    // (e) Bad input: one clear line each, and nothing reaches the chain.
    let next_task = || async {
        let at = net.client.finalized().await.unwrap();
        at.storage().fetch(chain::storage().tasks().next_task_id(), ()).await.unwrap().decode().unwrap()
    };
    let (before_id, before_free) = (next_task().await, net.free_at(&me, net.client.finalized().await.unwrap().block_number()).await);
    let garbage = net.dir.join("garbage.npy");
    std::fs::write(&garbage, b"\x93NUMPY\x01\x00 this is not an array").unwrap();
    let wrong = kserve(&net.dir, "wrong.json", &[1, 63], &features(0)[..63]);
    let model_arg = model.to_string();
    for (file, expected) in [(&garbage, "is not a valid .npy file"), (&wrong, "must have shape [-1, 64]")] {
        let out = net.cli(&["--dev-seed", "ferdie", "submit", "--model", &model_arg, "--input", file.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{file:?} was accepted");
        assert!(stderr.starts_with("triad: ") && stderr.contains(expected) && stderr.lines().count() == 1, "{stderr}");
    }
    let out = net.cli(&["--dev-seed", "ferdie", "submit", "--model", &model_arg, "--input", wrong.to_str().unwrap().replace(".json", ".csv").as_str()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"), "a missing file is named");
    tokio::time::sleep(Duration::from_secs(7)).await;
    let head = net.client.finalized().await.unwrap().block_number();
    assert_eq!((next_task().await, net.free_at(&me, head).await), (before_id, before_free), "refused input changed chain state");

    // (a) Twenty jobs at once.
    let start = net.client.finalized().await.unwrap().block_number();
    let workers: Vec<AccountId32> = seeds.iter().map(|s| account_of(&signer(s))).collect();
    let mut before = Vec::new();
    for w in workers.iter().chain([&me]) {
        before.push(net.free_at(w, start).await);
    }
    let ids = net.submit(&client, model, (0..20).map(input).collect(), PRICE).await;
    let (views, end) = net.wait_done(&ids, WAIT).await;
    for v in &views {
        assert!(accepted(v), "task {} ended {:?}", v.id, v.info.phase);
        let seats = &v.info.attempts.0[0].seats;
        assert_eq!(v.info.attempts.0.len(), 1);
        assert_eq!(seats[0].paid, PRICE * 40 / 100, "the executor's share");
        assert!(seats[1..].iter().all(|s| s.paid == PRICE * 20 / 100), "each verifier's share");
        assert_eq!(seats.iter().map(|s| s.paid).sum::<u128>() + v.info.refunded, v.info.escrow);
        assert!(v.output.is_some(), "the executor posted its output");
    }
    let fees = net.fees(start + 1, end).await;
    for (i, w) in workers.iter().enumerate() {
        let expected = before[i] + paid_to(&views, w) - fees.get(w).copied().unwrap_or(0);
        assert_eq!(net.free_at(w, end).await, expected, "worker {} is paid exactly its shares", seeds[i]);
    }
    let client_fees = fees.get(&me).copied().unwrap_or(0);
    assert_eq!(net.free_at(&me, end).await, before[4] - 20 * PRICE - client_fees, "the client pays twenty prices and its fees");
    println!("(a) 20 jobs accepted in blocks #{start}..=#{end}; client paid {} + fees {client_fees}", 20 * PRICE);

    // Prometheus sees what the worker did.
    let metrics = http_get(&format!("127.0.0.1:{port}"), "/metrics");
    for series in ["triad_worker_tasks_served_total{role=\"verifier\",step=\"reveal\"}", "triad_worker_inference_seconds_count"] {
        let line = metrics.lines().find(|l| l.starts_with(series)).unwrap_or_else(|| panic!("{series} missing:\n{metrics}"));
        let value: f64 = line.rsplit(' ').next().unwrap().parse().unwrap();
        assert!(value > 0.0, "{line}");
    }

    // Input that bypasses the CLI and does not fit the model: every honest
    // seat reports it the same way, so nobody is slashed and the client pays.
    let wrong_shape = wire::encode(&[wire::NamedTensor { name: "features".into(), tensor: TensorData::f32(vec![1, 63], features(0)[..63].to_vec()) }]);
    let ids_bad = net.submit(&client, model, vec![b"not tensors".to_vec(), wrong_shape], PRICE).await;
    let (bad, _) = net.wait_done(&ids_bad, WAIT).await;
    for v in &bad {
        assert!(accepted(v), "task {} ended {:?}", v.id, v.info.phase);
        assert!(v.info.attempts.0[0].seats.iter().all(|s| s.slashed == 0 && s.paid > 0), "no seat is punished for the client's input");
        assert!(wire::decode(&v.output.as_ref().unwrap().0).unwrap().is_empty(), "the output says: no result");
    }

    // The auditor re-derives a task from chain data; the CLI follows a job.
    let audit = net.cli_ok(&["audit", &ids[0].to_string()]);
    assert!(audit.contains("audit passed") && !audit.contains("FAIL"), "{audit}");
    let job = kserve(&net.dir, "job.json", &[1, 64], &features(7));
    let out = net.cli_ok(&["--dev-seed", "two", "submit", "--model", &model_arg, "--input", job.to_str().unwrap(), "--wait"]);
    assert!(out.contains("Accepted") && out.contains("logits FP32 [1, 10] = ["), "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lying_executor_is_rejected_slashed_and_ranked_below_the_honest() {
    let honest: &[&str] = &[];
    let liar: &[&str] = &["--behaviour", "random", "--bond", "10000"];
    let (mut net, model) =
        network("liar", &[("bob", honest), ("charlie", honest), ("dave", honest), ("eve", honest), ("one", liar)]).await;
    let liar = account_of(&signer("one"));
    let (_, stake_before) = net.standing(&liar).await;
    let ids = net.submit(&signer("ferdie"), model, (0..8).map(input).collect(), PRICE).await;
    let (views, _) = net.wait_done(&ids, WAIT).await;
    let mut caught = 0;
    for v in &views {
        assert!(accepted(v), "task {} ended {:?}: the re-run must succeed", v.id, v.info.phase);
        let attempts = &v.info.attempts.0;
        if attempts[0].seats[0].who == liar {
            caught += 1;
            assert!(matches!(attempts[0].verdict.as_ref().map(|x| &x.outcome), Some(Outcome::Rejected)));
            assert!(attempts[0].seats[0].slashed > 0, "the liar is slashed");
            assert_eq!(attempts.len(), 2, "the task re-ran");
            assert!(attempts[1].seats.iter().all(|s| s.who != liar), "without the liar");
        }
        assert_settled_exactly(v);
    }
    assert!(caught > 0, "the liar, bonded ten times more, was never drawn as executor in 8 tasks");
    assert_eq!(paid_to(&views, &liar), 0, "the liar earns nothing");
    let (liar_score, stake_after) = net.standing(&liar).await;
    assert!(stake_after < stake_before, "the liar lost stake");
    for seed in ["bob", "charlie", "dave", "eve"] {
        let (score, _) = net.standing(&account_of(&signer(seed))).await;
        assert!(liar_score < score, "liar score {liar_score} is not below {seed}'s {score}");
    }
    println!("(b) liar caught as executor in {caught}/8 tasks, stake {stake_before} -> {stake_after}, score {liar_score}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_verifier_copying_commitments_gains_nothing() {
    let honest: &[&str] = &[];
    let copier: &[&str] = &["--behaviour", "copy", "--verifier-only", "--bond", "10000"];
    let (mut net, model) =
        network("copier", &[("bob", honest), ("charlie", honest), ("dave", honest), ("eve", honest), ("one", copier)]).await;
    let copier = account_of(&signer("one"));
    let start = net.client.finalized().await.unwrap().block_number();
    let (free_before, (_, stake_before)) = (net.free_at(&copier, start).await, net.standing(&copier).await);
    let ids = net.submit(&signer("ferdie"), model, (0..4).map(input).collect(), PRICE).await;
    let (views, end) = net.wait_done(&ids, WAIT).await;
    let mut seats = 0;
    for v in &views {
        assert!(accepted(v), "task {} ended {:?}", v.id, v.info.phase);
        for s in v.info.attempts.0.iter().flat_map(|a| a.seats.iter()).filter(|s| s.who == copier) {
            seats += 1;
            assert!(s.commit.is_some() && s.reveal.is_none(), "a copied commitment cannot be opened");
            assert!(s.paid == 0 && s.bounty == 0 && s.slashed > 0, "the copier is slashed, not paid");
        }
    }
    assert!(seats > 0, "the copier was never drawn");
    let fees = net.fees(start + 1, end).await.get(&copier).copied().unwrap_or(0);
    assert_eq!(net.free_at(&copier, end).await, free_before - fees, "nothing reached the copier's balance");
    assert!(net.standing(&copier).await.1 < stake_before, "and it lost stake");
    println!("(c) copier held {seats} seats, earned 0, lost {} stake", stake_before - net.standing(&copier).await.1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_worker_killed_mid_task_is_slashed_and_a_restarted_one_still_reveals() {
    let honest: &[&str] = &[];
    let crash: &[&str] = &["--crash-after-commit"];
    let (mut net, model) = network("dead", &[("bob", honest), ("charlie", honest), ("eve", crash), ("one", crash)]).await;
    let ids = net.submit(&signer("ferdie"), model, vec![input(0)], PRICE).await;
    // With four workers every one holds a seat: both crashing ones commit, then die.
    let start = std::time::Instant::now();
    while !(net.worker_exited(2) && net.worker_exited(3)) {
        assert!(start.elapsed() < Duration::from_secs(180), "the crashing workers never committed");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    net.restart_worker(2, &[]);
    net.spawn_worker("dave", &[]); // a fourth live worker, should the dead executor's task re-run
    let (views, end) = net.wait_done(&ids, WAIT).await;
    let v = &views[0];
    assert!(accepted(v), "task ended {:?}", v.info.phase);
    assert!(end <= v.info.deadline as u64, "settled within the deadline");
    let (eve, dead) = (account_of(&signer("eve")), account_of(&signer("one")));
    let first = &v.info.attempts.0[0].seats;
    let seat = |who: &AccountId32| first.iter().find(|s| &s.who == who).expect("holds a seat");
    assert!(seat(&eve).reveal.is_some(), "the restarted worker revealed from its saved salt");
    assert!(seat(&dead).commit.is_some() && seat(&dead).reveal.is_none() && seat(&dead).slashed > 0, "the dead one is slashed");
    assert_settled_exactly(v);
    println!("(d) attempts {}, dead worker slashed {}", v.info.attempts.0.len(), seat(&dead).slashed);
}
