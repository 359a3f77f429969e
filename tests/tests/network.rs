//! The whole system on one real `triad-node --dev`: real `triad-worker`
//! processes running the models with ONNX Runtime, the `triad` CLI, and one
//! attacker per attack of the soundness issue, each on a model of its own
//! next to the same four honest workers, all at once.
//!
//! - honest work: twenty jobs settle, the CLI refuses bad files, audits a
//!   task and follows one to its verified output;
//! - the data plane: the CLI submits a 640x640 photo (4.9 MB, over the
//!   inline limit) to the PP-OCRv4 text detector by its hash and serves it;
//!   the seats fetch and verify it, the executor serves its 1.6 MB
//!   probability map the same way, the verifiers fetch and check it, and
//!   the CLI writes it to a `.npy` file: what ONNX Runtime computes here; an
//!   off-chain input its client never serves is answered "input
//!   unavailable", paid by the client;
//! - clients that grief workers: inputs no honest worker can run are refused
//!   at submission, and an input that runs for days is answered "too slow"
//!   by every honest seat within its budget, paid by the client;
//! - executors that cheat: `substitute` (another output), `collide` (a
//!   null-space edit of a detection map), `withhold` (no reveal), `hide` (an
//!   output too large for a block revealed by its hash and never served);
//! - verifiers that skip the model: `replay`, `copy`, `dictionary`;
//! - proved jobs: the digits MLP of `zk/fixtures` registered with a Groth16
//!   key by the CLI, its proving key imported by three workers and fetched
//!   by the fourth; one worker proves each job and the chain checks the
//!   proof; `forge` posts a genuine proof beside an output it did not prove;
//! - a worker killed between commit and reveal, and one restarted there;
//! - TEE mode: a model whose owner allows the MRTD of a TDX quote recorded on
//!   real hardware (`tee/fixtures`); bob attests with that quote through the
//!   test runtime's `attest_recorded`, charlie with a recorded SGX quote of
//!   other code, dave and eve not at all. Every TEE job, the CLI's among
//!   them, is executed by bob and checked by one verifier, and costs the
//!   executor's and one verifier's share of the price.
//! - the explorer: it follows the network from genesis, is killed and
//!   restarted halfway, and ends holding what a fresh index and `TasksApi`
//!   hold; its pages pass in headless Chromium, substrate-interface reads
//!   the same task from the metadata alone, and a payment row changed by
//!   hand fails the page's audit (`triad_integration_tests::explorer`).
//!
//! At the end, over every task: each attacker lost stake and earned nothing
//! it did not compute, no honest worker lost anything, every balance moved
//! by exactly the payments, bounties, deposits and fees on chain, and every
//! accepted result is, element by element, what ONNX Runtime computes here.
//!
//! Attackers bond the reputation stake cap (10,000 tokens) against the honest
//! workers' 1,000, so each is drawn in most of its model's tasks.

use std::{collections::BTreeMap, path::PathBuf, time::Duration};

use triad_client::{
    account_of,
    chain::{
        self,
        runtime_types::{
            pallet_triad_tasks::types::{InputArg, Mode, Phase, Posted, Resolution, TaskInput},
            triad_verifier::fingerprint::CannotRun,
            triad_verifier::majority::Outcome,
        },
    },
    load_signer, AccountId32, ClientError, Signer, Wait, UNIT,
};
use triad_inference::{wire, Data, Model, Settings, TensorData};
use triad_integration_tests::{
    explorer::{explorer_scenario, ExplorerProc},
    network::{repo_root, Network, TaskView},
};
use triad_verifier::{compare, default_check};

const PRICE: u128 = UNIT / 10;
const WAIT: Duration = Duration::from_secs(900);
const HONEST: [&str; 4] = ["bob", "charlie", "dave", "eve"];
/// The MRTD of `tee/fixtures/tdx.quote`, the code the TEE model allows.
const TDX_MRTD: &str = "91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7";
/// When the recorded quotes were verified against their collateral (2025-06-20).
const RECORDED_AT: &str = "1750377600";

fn signer(seed: &str) -> Signer {
    load_signer(Some(seed), None).unwrap()
}

fn who(seed: &str) -> AccountId32 {
    account_of(&signer(seed))
}

fn features(k: usize) -> Vec<f32> {
    (0..64).map(|i| (((i * 37 + k * 11) % 101) as f32 / 50.0) - 1.0).collect()
}

fn tensor(name: &str, t: TensorData) -> Vec<u8> {
    wire::encode(&[wire::NamedTensor { name: name.into(), tensor: t }])
}

/// Wire bytes of one `[1, 64]` input for the fixture classifiers.
fn mlp_input(k: usize) -> Vec<u8> {
    tensor("features", TensorData::f32(vec![1, 64], features(k)))
}

/// A 3x32x32 "text" patch for the detector: dark strokes on a light page,
/// normalized as RapidOCR feeds it (`x / 127.5 - 1`). The detector marks
/// about a tenth of the pixels as text.
fn patch(k: usize) -> TensorData {
    text_line(k, 32)
}

/// A 3x32x`width` line of "text" like [`patch`]. At a width of 160 the input
/// (61 KB) goes inline and the probability map (20 KB) does not.
fn text_line(k: usize, width: usize) -> TensorData {
    let mut page = vec![0.95f32; 32 * width];
    for (n, x) in (4..width - 4).step_by(4).enumerate() {
        let h = 5 + (n * 7 + k * 3) % 6;
        for y in 10..10 + h {
            page[y * width + x] = 0.1;
            page[y * width + x + 1] = 0.1;
        }
    }
    for x in 4..width - 4 {
        page[(15 + k % 3) * width + x] = 0.1;
    }
    let img: Vec<f32> = (0..3).flat_map(|_| page.iter().map(|v| (v - 0.5) / 0.5)).collect();
    TensorData::f32(vec![1, 3, 32, width], img)
}

/// A 640x640 RGB photo, as a detector or classifier takes it: 4.9 MB of
/// f32, seventy-five times the inline limit.
fn photo() -> TensorData {
    let (h, w) = (640usize, 640usize);
    let data = (0..3 * h * w)
        .map(|i| {
            let (c, y, x) = (i / (h * w), (i / w) % h, i % w);
            ((x * (c + 1) + y * 3) % 255) as f32 / 127.5 - 1.0
        })
        .collect();
    TensorData::f32(vec![1, 3, h, w], data)
}

fn kserve(dir: &std::path::Path, name: &str, inputs: &[(&str, &[usize], &str, serde_json::Value)]) -> PathBuf {
    let list: Vec<_> = inputs
        .iter()
        .map(|(n, shape, dt, data)| serde_json::json!({"name": n, "shape": shape, "datatype": dt, "data": data}))
        .collect();
    let path = dir.join(name);
    std::fs::write(&path, serde_json::json!({ "inputs": list }).to_string()).unwrap();
    path
}

fn mlp_case(dir: &std::path::Path, name: &str, k: usize) -> PathBuf {
    kserve(dir, name, &[("features", &[1, 64], "FP32", serde_json::json!(features(k)))])
}

/// Held-out digit `n` of `zk/fixtures/digits_test.bin`: wire bytes and tensor.
fn digit(n: usize) -> (Vec<u8>, TensorData) {
    let all = std::fs::read(repo_root().join("zk/fixtures/digits_test.bin")).unwrap();
    let t = TensorData { shape: vec![1, 64], data: Data::U8(all[n * 65 + 1..n * 65 + 65].to_vec()) };
    (tensor("pixels", t.clone()), t)
}

fn accepted(v: &TaskView) -> bool {
    matches!(v.info.phase, Phase::Done { resolution: Resolution::Accepted, .. })
}

fn seats_of<'a>(
    views: &'a [TaskView],
    who: &'a AccountId32,
) -> impl Iterator<Item = (usize, usize, &'a chain::runtime_types::pallet_triad_tasks::types::Seat<AccountId32, u128>)> {
    views.iter().flat_map(move |v| {
        v.info.attempts.0.iter().enumerate().flat_map(move |(a, at)| {
            at.seats.0.iter().enumerate().filter(move |(_, s)| &s.who == who).map(move |(i, s)| (a, i, s))
        })
    })
}

/// The accepted result, `output` as the client got it, equals, element by
/// element within the model's check, what ONNX Runtime computes here for the
/// task's input (inline, or `offchain` when the input went over the data
/// plane), and is the output the chain names.
fn assert_result_is_honest(v: &TaskView, model: &mut Model, name: &str, offchain: Option<&[u8]>, output: Option<Vec<u8>>) {
    let output = output.unwrap_or_else(|| panic!("{name} task {}: accepted without a result", v.id));
    let named = match v.info.attempts.0.last().and_then(|a| a.posted.as_ref()) {
        Some(Posted::Output { hash } | Posted::Offchain { hash, .. }) => *hash,
        other => panic!("{name} task {}: accepted with {other:?}", v.id),
    };
    assert_eq!(named, *blake3::hash(&output).as_bytes(), "{name} task {}: the output the chain names", v.id);
    let posted = wire::decode(&output).unwrap();
    let input = match (&v.input, offchain) {
        (TaskInput::Inline(input), None) => &input.0[..],
        (TaskInput::Offchain { hash, .. }, Some(bytes)) => {
            assert_eq!(*hash, *blake3::hash(bytes).as_bytes(), "{name}: the input the chain names");
            bytes
        },
        _ => panic!("{name} task {}: not the input kind expected", v.id),
    };
    let inputs = wire::arrange(model.inputs(), wire::decode(input).unwrap()).unwrap();
    let mine = model.run(&inputs).unwrap();
    for (p, (m, spec)) in posted.iter().zip(mine.iter().zip(model.outputs())) {
        let check = default_check(spec.dtype, &spec.shape);
        compare(&check, &p.tensor.view(), &m.view())
            .unwrap_or_else(|e| panic!("{name} task {}: the result is not what the model computes: {e}", v.id));
    }
}

struct Scenario {
    name: &'static str,
    model: u32,
    attacker: Option<&'static str>,
    ids: Vec<u64>,
}

#[tokio::test(flavor = "multi_thread")]
async fn one_network_settles_honest_work_and_defeats_every_attack() {
    let mut net = Network::start("attacks").await;
    let dir = net.dir.clone();
    // The explorer follows the network from its first block.
    let mut explorer = ExplorerProc::start(&net.url, &format!("sqlite://{}", dir.join("explorer.db").display()), &dir);
    let fixtures = repo_root().join("inference/fixtures");
    let site = String::from_utf8(
        std::process::Command::new(repo_root().join(".triad/venv/bin/python"))
            .args(["-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
            .output()
            .expect("run scripts/prereqs.sh first")
            .stdout,
    )
    .unwrap();
    let det_file = PathBuf::from(site.trim()).join("rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx");

    // Models, registered in parallel by different owners.
    let mlp = fixtures.join("mlp_classifier.onnx");
    let cal = |tag: &str| -> Vec<PathBuf> { (0..2).map(|k| mlp_case(&dir, &format!("{tag}-cal{k}.json"), 100 + k)).collect() };
    let det_cal: Vec<PathBuf> = (0..2)
        .map(|k| {
            let p = dir.join(format!("det-cal{k}.npy"));
            std::fs::write(&p, triad_inference::files::npy_bytes(&patch(90 + k))).unwrap();
            p
        })
        .collect();
    let slow_cal = vec![kserve(
        &dir,
        "slow-cal.json",
        &[("steps", &[1], "INT64", serde_json::json!([10])), ("x", &[1, 64], "FP32", serde_json::json!(features(3)))],
    )];
    let threshold = vec!["--decision", "threshold:0.3"];
    // The proved model: the owner's CLI runs the circuit setup and writes the proving key.
    let digits_file = repo_root().join("zk/fixtures/digits_mlp.onnx");
    let digit_cal: Vec<PathBuf> = (0..2)
        .map(|k| {
            let p = dir.join(format!("digit-cal{k}.npy"));
            std::fs::write(&p, triad_inference::files::npy_bytes(&digit(k).1)).unwrap();
            p
        })
        .collect();
    let pk = dir.join("digits.pk");
    let proved = vec!["--groth16", pk.to_str().unwrap(), "--proof-price-milli", "100"];
    let specs: Vec<(&str, PathBuf, &str, Vec<PathBuf>, Vec<&str>)> = vec![
        ("alice", mlp.clone(), "honest", cal("honest"), vec![]),
        ("alice", net.variant(&det_file, "photo"), "photo", det_cal.clone(), threshold.clone()),
        ("alice", net.variant(&det_file, "hide"), "hide", det_cal.clone(), threshold.clone()),
        ("one", net.variant(&mlp, "substitute"), "substitute", cal("substitute"), vec![]),
        ("two", net.variant(&mlp, "withhold"), "withhold", cal("withhold"), vec![]),
        ("alice//stash", net.variant(&mlp, "replay"), "replay", cal("replay"), vec![]),
        ("bob//stash", net.variant(&mlp, "copy"), "copy", cal("copy"), vec![]),
        ("charlie//stash", fixtures.join("mlp_digit.onnx"), "dictionary", cal("dictionary"), vec![]),
        ("dave//stash", det_file.clone(), "collide", det_cal, threshold),
        ("eve//stash", fixtures.join("slow_loop.onnx"), "slow", slow_cal, vec![]),
        ("ferdie//stash", net.variant(&mlp, "crash"), "crash", cal("crash"), vec![]),
        ("ferdie", digits_file.clone(), "forge", digit_cal, proved),
        ("eve", net.variant(&mlp, "tee"), "tee", cal("tee"), vec!["--tee-measurement", TDX_MRTD]),
        // Served by no worker: a task on it waits until its client cancels it.
        ("charlie", net.variant(&mlp, "idle"), "idle", cal("idle"), vec![]),
    ];
    // One thread per owner, so no two registrations share a nonce.
    let mut owners: Vec<&str> = specs.iter().map(|s| s.0).collect();
    owners.dedup();
    let registered: BTreeMap<usize, u32> = std::thread::scope(|s| {
        let handles: Vec<_> = owners
            .iter()
            .map(|owner| {
                let (net, specs) = (&net, &specs);
                s.spawn(move || {
                    let mine = specs.iter().enumerate().filter(|(_, spec)| spec.0 == *owner);
                    mine.map(|(i, (owner, file, name, cal, extra))| (i, net.register_model_as(owner, file, name, cal, extra)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let ids: Vec<u32> = registered.into_values().collect();
    let model = |name: &str| ids[specs.iter().position(|s| s.2 == name).unwrap()];
    let list = |names: &[&str]| names.iter().map(|n| model(n).to_string()).collect::<Vec<_>>().join(",");
    println!("models: {:?}", specs.iter().map(|s| s.2).zip(&ids).collect::<Vec<_>>());
    net.import(&pk);

    // Workers: the honest four serve every model but `crash`, which bob and
    // charlie share with the two workers that crash there.
    let budget = ["--inference-budget-ms", "10000"];
    const MODELS: [&str; 12] =
        ["honest", "photo", "substitute", "withhold", "replay", "copy", "dictionary", "collide", "slow", "hide", "forge", "tee"];
    let all = list(&MODELS);
    let with_crash = format!("{all},{}", model("crash"));
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string();
    // Bob presents the TDX quote the TEE model allows, charlie an SGX quote
    // of other code: both recorded on real hardware (tee/fixtures).
    let tee_fixture = |f: &str| repo_root().join("tee/fixtures").join(f).to_str().unwrap().to_string();
    let recorded = |kind: &str| {
        let (quote, collateral) = (tee_fixture(&format!("{kind}.quote")), tee_fixture(&format!("{kind}.collateral.json")));
        ["--tee", "recorded", "--tee-quote", &quote, "--tee-collateral", &collateral, "--tee-recorded-at", RECORDED_AT]
            .map(String::from)
    };
    let (bob_tee, charlie_tee) = (recorded("tdx"), recorded("sgx"));
    fn strs(a: &[String]) -> Vec<&str> {
        a.iter().map(String::as_str).collect()
    }
    net.spawn_worker(
        "bob",
        &[&["--models", &with_crash, "--metrics-port", &port, budget[0], budget[1]][..], &strs(&bob_tee)].concat(),
    );
    net.spawn_worker("charlie", &[&["--models", &with_crash, budget[0], budget[1]][..], &strs(&charlie_tee)].concat());
    net.spawn_worker("dave", &["--models", &all, budget[0], budget[1]]);
    // Eve starts with an empty model store: she fetches every model by its
    // registered hash from the workers that serve it.
    let eve_models = dir.join("eve-models");
    net.spawn_worker("eve", &["--models", &all, budget[0], budget[1], "--models-dir", eve_models.to_str().unwrap()]);
    let attackers = [
        ("one", "substitute", &["--behaviour", "substitute", "--bond", "10000"][..]),
        ("two", "withhold", &["--behaviour", "withhold", "--bond", "10000"][..]),
        ("alice//stash", "replay", &["--behaviour", "replay", "--verifier-only", "--bond", "10000"][..]),
        ("bob//stash", "copy", &["--behaviour", "copy", "--verifier-only", "--bond", "10000"][..]),
        ("charlie//stash", "dictionary", &["--behaviour", "dictionary", "--verifier-only", "--bond", "10000"][..]),
        ("dave//stash", "collide", &["--behaviour", "collide", "--bond", "10000"][..]),
        ("three", "hide", &["--behaviour", "hide", "--bond", "10000"][..]),
        ("four", "forge", &["--behaviour", "forge", "--bond", "10000"][..]),
    ];
    // Three and four are no genesis accounts: Alice funds their bonds, five,
    // the client of the CLI's proved job, and six, the client of the input
    // nobody serves and of the cancelled task (ferdie's open tasks are at
    // the pallet's limit of 64 without them).
    for seed in ["three", "four", "five", "six"] {
        let fund = chain::transactions().balances().transfer_keep_alive(who(seed).into(), 20_000 * UNIT);
        net.client.submit(&fund, &signer("alice"), Wait::InBlock).await.expect("alice funds the attacker");
    }
    for (seed, m, flags) in attackers {
        let mut args = vec!["--models".to_string(), model(m).to_string()];
        args.extend(flags.iter().map(|f| f.to_string()));
        net.spawn_worker(seed, &args.iter().map(String::as_str).collect::<Vec<_>>());
    }
    let crash_model = model("crash").to_string();
    // The one that stays dead only verifies: were it the executor, the
    // caught task could not re-run with three workers left.
    let crashers = ["eve//stash", "ferdie//stash"];
    net.spawn_worker(crashers[0], &["--models", &crash_model, "--crash-after-commit"]);
    net.spawn_worker(crashers[1], &["--models", &crash_model, "--crash-after-commit", "--verifier-only"]);
    for name in MODELS {
        let mut accounts: Vec<AccountId32> = HONEST.iter().map(|s| who(s)).collect();
        accounts.extend(attackers.iter().filter(|a| a.1 == name).map(|a| who(a.0)));
        net.wait_qualified(model(name), &accounts, Duration::from_secs(400)).await;
    }
    net.wait_qualified(
        model("crash"),
        &[who("bob"), who("charlie"), who("eve//stash"), who("ferdie//stash")],
        Duration::from_secs(400),
    )
    .await;
    // Qualified on every model, so eve had every file: fetched, not imported.
    for (_, file, name, _, _) in specs.iter().filter(|s| s.2 != "crash" && s.2 != "idle") {
        let hash = blake3::hash(&std::fs::read(file).unwrap()).to_hex();
        assert!(eve_models.join(format!("{hash}.onnx")).is_file(), "eve fetched the {name} model by its hash");
    }
    let pk_hash = blake3::hash(&std::fs::read(&pk).unwrap()).to_hex();
    assert!(eve_models.join(format!("{pk_hash}.pk")).is_file(), "eve fetched the proving key by its hash");
    // The recorded attestations are on chain, and `triad workers` shows
    // them: bob's TDX quote of the allowed code, charlie's SGX quote.
    let tee_start = std::time::Instant::now();
    let workers = loop {
        let out = net.cli_ok(&["workers"]);
        if out.contains("attested TDX MRTD") && out.contains("attested SGX MRENCLAVE") {
            break out;
        }
        assert!(tee_start.elapsed() < Duration::from_secs(120), "bob and charlie never attested:\n{out}");
        tokio::time::sleep(Duration::from_secs(2)).await;
    };
    let attested_line = |seed: &str| {
        let lines: Vec<&str> = workers.lines().collect();
        let at = lines.iter().position(|l| l.starts_with(&who(seed).to_string())).expect("listed");
        lines.get(at + 1).filter(|l| l.trim_start().starts_with("attested")).map(|l| l.to_string())
    };
    let bob_line = attested_line("bob").expect("bob is attested");
    assert!(bob_line.contains(&format!("TDX MRTD {TDX_MRTD}")) && bob_line.contains("TCB UpToDate, valid until"), "{bob_line}");
    assert!(attested_line("charlie").expect("charlie is attested").contains("SGX MRENCLAVE 33d8736d"));
    assert!(attested_line("dave").is_none() && attested_line("eve").is_none(), "{workers}");
    let shown = net.cli_ok(&["model", "show", &model("tee").to_string()]);
    assert!(
        shown.contains("tee      one attested executor and one verifier; TCB UpToDate,SWHardeningNeeded")
            && shown.contains(&format!("TDX MRTD {TDX_MRTD}")),
        "{shown}"
    );
    let version = net.cli_ok(&["runtime", "version"]);
    assert!(version.contains("test runtime: Attestation::attest_recorded"), "the metadata shows the test path: {version}");

    let start = net.client.finalized().await.unwrap().block_number();
    let everyone: Vec<&str> = HONEST.iter().copied().chain(["ferdie", "alice"]).collect();
    let mut before = BTreeMap::new();
    for s in &everyone {
        before.insert(*s, net.free_at(&who(s), start).await);
    }
    let mut stake_before = BTreeMap::new();
    for (seed, m, _) in attackers {
        stake_before.insert(seed, net.standing(&who(seed), model(m)).await.1);
    }

    // (1) Clients that grief: inputs no honest worker can run never reach a
    // worker. Each is refused at submission with its own error.
    let griefer = signer("alice");
    let honest_model = model("honest");
    let deadline = start as u32 + 200;
    let mut nan = features(0);
    nan[5] = f32::NAN;
    let refused: Vec<(&str, InputArg)> = vec![
        ("InputNotFinite", InputArg::Inline(tensor("features", TensorData::f32(vec![1, 64], nan)))),
        ("InputHasEmptyDimension", InputArg::Inline(tensor("features", TensorData::f32(vec![0, 64], vec![])))),
        ("InputDoesNotFitModel", InputArg::Inline(tensor("features", TensorData::f32(vec![1, 63], features(0)[..63].to_vec())))),
        ("InputMalformed", InputArg::Inline(b"not tensors".to_vec())),
        ("BadProvider", InputArg::Offchain { hash: [7; 32], size: 4_915_200, provider: vec![] }),
    ];
    for (error, input) in refused {
        let call = chain::transactions().tasks().submit_task(honest_model, input, PRICE, Mode::Lsh, deadline);
        match net.client.submit(&call, &griefer, Wait::InBlock).await {
            Err(e @ ClientError::Dispatch { .. }) => assert!(e.to_string().contains(error), "{error}: {e}"),
            other => panic!("{error}: expected a dispatch error, got {:?}", other.map(|_| ())),
        }
    }
    println!("(1) five inputs no worker can run refused at submission, each with its typed error");

    // Every scenario's jobs go in together.
    let client = signer("ferdie");
    let slow_input = |steps: i64| {
        wire::encode(&[
            wire::NamedTensor { name: "steps".into(), tensor: TensorData { shape: vec![1], data: Data::I64(vec![steps]) } },
            wire::NamedTensor { name: "x".into(), tensor: TensorData::f32(vec![1, 64], features(1)) },
        ])
    };
    let det_input = |k| tensor("x", patch(k));
    let mut scenarios = vec![
        Scenario { name: "honest", model: honest_model, attacker: None, ids: Vec::new() },
        Scenario { name: "substitute", model: model("substitute"), attacker: Some("one"), ids: Vec::new() },
        Scenario { name: "withhold", model: model("withhold"), attacker: Some("two"), ids: Vec::new() },
        Scenario { name: "copy", model: model("copy"), attacker: Some("bob//stash"), ids: Vec::new() },
        Scenario { name: "dictionary", model: model("dictionary"), attacker: Some("charlie//stash"), ids: Vec::new() },
        Scenario { name: "collide", model: model("collide"), attacker: Some("dave//stash"), ids: Vec::new() },
        Scenario { name: "slow", model: model("slow"), attacker: None, ids: Vec::new() },
        Scenario { name: "crash", model: model("crash"), attacker: None, ids: Vec::new() },
        Scenario { name: "replay", model: model("replay"), attacker: Some("alice//stash"), ids: Vec::new() },
        Scenario { name: "hide", model: model("hide"), attacker: Some("three"), ids: Vec::new() },
        Scenario { name: "forge", model: model("forge"), attacker: Some("four"), ids: Vec::new() },
        Scenario { name: "tee", model: model("tee"), attacker: None, ids: Vec::new() },
    ];
    let jobs = |name: &str| -> Vec<Vec<u8>> {
        match name {
            "honest" => (0..20).map(mlp_input).collect(),
            "collide" => (0..5).map(det_input).collect(),
            "hide" => (0..5).map(|k| tensor("x", text_line(k, 160))).collect(),
            "slow" => vec![slow_input(1_000_000_000_000)],
            "crash" => vec![mlp_input(40)],
            "dictionary" => (0..5).map(|k| mlp_input(50 + k)).collect(),
            // The replayer needs something public to replay: the same input
            // goes in again once its first task is done.
            "replay" => vec![mlp_input(60)],
            "forge" => (0..5).map(|k| digit(10 + k).0).collect(),
            "tee" => (0..5).map(|k| mlp_input(70 + k)).collect(),
            _ => (0..5).map(|k| mlp_input(20 + k)).collect(),
        }
    };
    // An off-chain input whose provider never answers: a peer id nobody
    // holds, at a port nobody listens on.
    let nowhere = triad_dataplane::peers::join(triad_dataplane::PeerId::random(), &"/ip4/127.0.0.1/tcp/9".parse().unwrap());
    let unserved_input = InputArg::Offchain { hash: [7; 32], size: 4_915_200, provider: nowhere.to_vec() };
    let (submitted, unserved) = futures::future::join(
        futures::future::join_all(scenarios.iter().map(|s| async {
            match s.name {
                "forge" => net.submit_proved(&client, s.model, jobs(s.name), PRICE).await,
                "tee" => net.submit_tee(&client, s.model, jobs(s.name), PRICE).await,
                _ => net.submit(&client, s.model, jobs(s.name), PRICE).await,
            }
        })),
        net.submit_inputs(&signer("six"), honest_model, vec![unserved_input], PRICE),
    )
    .await;
    // The explorer dies mid-stream and comes back on the same database.
    explorer.stop();
    explorer.restart();
    for (s, ids) in scenarios.iter_mut().zip(submitted) {
        s.ids = ids;
    }
    let unserved = unserved[0];

    // The crashing workers abort right after their commitments; one comes
    // back at once. Were it the executor, waiting for the other crash first
    // would eat into its reveal period, and a reveal missed for the test's
    // sake leaves three workers, too few to re-run the task.
    let crash_start = std::time::Instant::now();
    let crash_index = |seed: &str| HONEST.len() + attackers.len() + crashers.iter().position(|c| *c == seed).unwrap();
    let (mut back, mut dead) = (false, false);
    while !(back && dead) {
        assert!(crash_start.elapsed() < Duration::from_secs(300), "the crashing workers never committed");
        if !back && net.worker_exited(crash_index(crashers[0])) {
            net.restart_worker(crash_index(crashers[0]), &["--models", &crash_model]);
            back = true;
        }
        dead = dead || net.worker_exited(crash_index(crashers[1]));
        tokio::time::sleep(Duration::from_millis(300)).await;
    }

    // The CLI follows a job to its verified output, and refuses bad files.
    // Beside it, a photo far over the inline limit goes over the data plane.
    let job = mlp_case(&dir, "job.json", 7);
    let honest_arg = honest_model.to_string();
    let photo_file = dir.join("photo.npy");
    std::fs::write(&photo_file, triad_inference::files::npy_bytes(&photo())).unwrap();
    let photo_arg = model("photo").to_string();
    let photo_map = dir.join("photo-map.npy");
    let digit_file = dir.join("digit.npy");
    std::fs::write(&digit_file, triad_inference::files::npy_bytes(&digit(30).1)).unwrap();
    let forge_arg = model("forge").to_string();
    let tee_arg = model("tee").to_string();
    let tee_job = mlp_case(&dir, "tee-job.json", 9);
    let (out, photo_out, proved_out, tee_out) = std::thread::scope(|s| {
        let net = &net;
        let job = s.spawn(|| {
            net.cli_ok(&["--dev-seed", "two", "submit", "--model", &honest_arg, "--input", job.to_str().unwrap(), "--wait"])
        });
        let photo = s.spawn(|| {
            let file = photo_file.to_str().unwrap();
            let listen = ["--p2p-listen", "/ip4/127.0.0.1/tcp/0"];
            let map = photo_map.to_str().unwrap();
            let args = ["--dev-seed", "alice", "submit", "--model", &photo_arg, "--input", file, "--wait", "--output", map];
            net.cli_ok(&[&args[..], &listen[..]].concat())
        });
        let proved = s.spawn(|| {
            let file = digit_file.to_str().unwrap();
            net.cli_ok(&["--dev-seed", "five", "submit", "--model", &forge_arg, "--input", file, "--groth16", "--wait"])
        });
        // Signed by ferdie, whose next nonce this test's client keeps: its
        // next submission (the replay round) finds that nonce outdated, and
        // the client reads the chain's and signs again.
        let tee = s.spawn(|| {
            let file = tee_job.to_str().unwrap();
            net.cli_ok(&["--dev-seed", "ferdie", "submit", "--model", &tee_arg, "--input", file, "--tee", "--wait"])
        });
        (job.join().unwrap(), photo.join().unwrap(), proved.join().unwrap(), tee.join().unwrap())
    });
    assert!(tee_out.contains("Accepted") && tee_out.contains("attested     TDX MRTD"), "{tee_out}");
    assert!(proved_out.contains("Accepted") && proved_out.contains("logits INT64 [1, 10] = ["), "{proved_out}");
    assert!(out.contains("Accepted") && out.contains("logits FP32 [1, 10] = ["), "{out}");
    assert!(
        photo_out.contains("Accepted")
            && photo_out.contains("output off chain")
            && photo_out.contains("FP32 [1, 1, 640, 640] = ["),
        "{photo_out}"
    );
    let garbage = dir.join("garbage.npy");
    std::fs::write(&garbage, b"\x93NUMPY\x01\x00 this is not an array").unwrap();
    let wrong = kserve(&dir, "wrong.json", &[("features", &[1, 63], "FP32", serde_json::json!(features(0)[..63]))]);
    // What a new user trips over is refused before anything is signed: a
    // dev seed nobody funded, a deadline too soon for one attempt.
    let job_file = job.to_str().unwrap();
    let cases: [(&[&str], &str); 4] = [
        (&["--dev-seed", "ferdie", "--input", garbage.to_str().unwrap()], "is not a valid .npy file"),
        (&["--dev-seed", "ferdie", "--input", wrong.to_str().unwrap()], "must have shape [-1, 64]"),
        (
            &["--dev-seed", "nosuchkey", "--input", job_file],
            "holds nothing on this chain to pay the transaction fee (--dev-seed nosuchkey",
        ),
        (&["--dev-seed", "ferdie", "--input", job_file, "--deadline", "20"], "--deadline 20 leaves no room for one attempt"),
    ];
    for (args, expected) in cases {
        let out = net.cli(&[&["submit", "--model", &honest_arg], args].concat());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && stderr.starts_with("triad: ") && stderr.contains(expected) && stderr.lines().count() == 1,
            "{stderr}"
        );
    }

    // The replay round: the same input again, four times, once the first is public.
    let replay = scenarios.iter().position(|s| s.name == "replay").unwrap();
    let (first, _) = net.wait_done(&scenarios[replay].ids, WAIT).await;
    assert!(accepted(&first[0]), "the first replay task settles: {:?}", first[0].info.phase);
    let again = net.submit(&client, scenarios[replay].model, vec![mlp_input(60); 4], PRICE).await;
    scenarios[replay].ids.extend(again);

    // A task nobody can serve, withdrawn by its client: refunded in full.
    let idle = net.submit(&signer("six"), model("idle"), vec![mlp_input(80)], PRICE).await[0];
    let cancel = chain::transactions().tasks().cancel_task(idle);
    net.client.submit(&cancel, &signer("six"), Wait::InBlock).await.expect("six withdraws its queued task");

    // Every task there is, the CLI's included, for the accounting below.
    let next: u64 = {
        let at = net.client.best().await.unwrap();
        at.storage().fetch(chain::storage().tasks().next_task_id(), ()).await.unwrap().decode().unwrap()
    };
    let all_ids: Vec<u64> = (0..next).collect();
    let (views, end) = net.wait_done(&all_ids, WAIT).await;
    let by_id: BTreeMap<u64, TaskView> = views.iter().map(|v| (v.id, v.clone())).collect();
    let of = |s: &Scenario| -> Vec<TaskView> { s.ids.iter().map(|i| by_id[i].clone()).collect() };

    // Every task: nothing lost; no honest seat slashed.
    for v in &views {
        let paid: u128 = v.info.attempts.0.iter().flat_map(|a| a.seats.0.iter()).map(|s| s.paid).sum();
        assert_eq!(paid + v.info.refunded, v.info.escrow, "task {}: nothing is lost", v.id);
    }
    for h in HONEST {
        for (a, _, seat) in seats_of(&views, &who(h)) {
            assert_eq!(seat.slashed, 0, "honest {h} was slashed in attempt {a}");
        }
    }

    // Results: every accepted output is what the model computes.
    let mut mlp_model = Model::load(&mlp, Settings::default()).unwrap();
    let mut det_model = Model::load(&det_file, Settings::default()).unwrap();
    let mut digit_model = Model::load(fixtures.join("mlp_digit.onnx"), Settings::default()).unwrap();
    let mut digits_ort = Model::load(&digits_file, Settings::default()).unwrap();
    let digits_zk = triad_zk::Compiled::from_onnx(&std::fs::read(&digits_file).unwrap()).unwrap();
    for s in &scenarios {
        for v in of(s).iter().filter(|v| accepted(v)) {
            let result = net.result_of(v).await;
            match s.name {
                "collide" | "hide" => assert_result_is_honest(v, &mut det_model, s.name, None, result),
                "dictionary" => assert_result_is_honest(v, &mut digit_model, s.name, None, result),
                "forge" => {
                    assert_result_is_honest(v, &mut digits_ort, s.name, None, result.clone());
                    // Exactly the integers the circuit proves, and what ONNX Runtime computes.
                    let TaskInput::Inline(input) = &v.input else { panic!("a proved task takes inline input") };
                    let pixels = match &wire::decode(&input.0).unwrap()[0].tensor.data {
                        Data::U8(p) => p.clone(),
                        other => panic!("{other:?}"),
                    };
                    let posted = wire::decode(&result.unwrap()).unwrap();
                    assert_eq!(posted[0].tensor.data, Data::I64(digits_zk.run(&pixels).unwrap()), "task {}", v.id);
                    assert!(v.info.attempts.0.iter().all(|a| a.seats.0.len() == 1), "a proved attempt has its prover alone");
                    assert_eq!(v.proofs.len(), v.info.attempts.0.len(), "every attempt posted a proof");
                },
                "slow" => {},
                _ => assert_result_is_honest(v, &mut mlp_model, s.name, None, result),
            }
        }
    }

    // (2) Honest work: all twenty accepted in one attempt, paid to the plank below.
    let honest = of(&scenarios[0]);
    for v in &honest {
        assert!(accepted(v) && v.info.attempts.0.len() == 1, "task {} ended {:?}", v.id, v.info.phase);
    }
    println!("(2) 20 honest jobs accepted in one attempt each");

    // (3) The slow input: every honest seat answers "too slow" within its budget; the client pays.
    let slow = &of(&scenarios[6])[0];
    assert!(matches!(slow.info.phase, Phase::Done { resolution: Resolution::CannotRun, .. }), "{:?}", slow.info.phase);
    let last = slow.info.attempts.0.last().unwrap();
    assert!(matches!(last.posted, Some(Posted::CannotRun(_))));
    assert!(last.seats.0.iter().all(|s| s.slashed == 0 && s.paid > 0), "every seat paid, none slashed");
    println!("(3) an input that would run for days: answered too slow by all four seats, paid by its client");

    // (4) Each attacker: drawn, lost stake, and never paid for what it did not compute.
    for s in scenarios.iter().filter(|s| s.attacker.is_some()) {
        let seed = s.attacker.unwrap();
        let attacker = who(seed);
        let tasks = of(s);
        let seats: Vec<_> = seats_of(&tasks, &attacker).collect();
        let (_, stake_after) = net.standing(&attacker, s.model).await;
        assert!(!seats.is_empty(), "{}: the attacker was never drawn", s.name);
        assert!(stake_after < stake_before[seed], "{}: the attacker lost no stake", s.name);
        for v in &tasks {
            assert!(accepted(v), "{} task {} ended {:?}: the honest re-run must succeed", s.name, v.id, v.info.phase);
        }
        let caught: Vec<_> = seats.iter().filter(|(_, _, seat)| seat.slashed > 0).collect();
        let earned: u128 = seats.iter().map(|(_, _, seat)| seat.paid + seat.bounty).sum();
        match s.name {
            "substitute" | "withhold" | "collide" | "hide" | "forge" => {
                let executed: Vec<_> = seats.iter().filter(|(_, i, _)| *i == 0).collect();
                assert!(!executed.is_empty(), "{}: never drawn as executor", s.name);
                for (a, _, seat) in &executed {
                    assert!(seat.slashed > 0 && seat.paid == 0, "{}: an executor seat in attempt {a} went unpunished", s.name);
                }
                for v in &tasks {
                    for (a, at) in v.info.attempts.0.iter().enumerate() {
                        if at.seats.0[0].who == attacker {
                            assert!(
                                matches!(at.verdict.as_ref().map(|x| &x.outcome), Some(Outcome::Rejected)),
                                "{} task {} attempt {a}",
                                s.name,
                                v.id
                            );
                        }
                    }
                }
            },
            _ => assert_eq!(earned, 0, "{}: a verifier that skipped the model was paid", s.name),
        }
        println!(
            "(4) {}: {} seats, {} punished, earned {}, stake {} -> {}",
            s.name,
            seats.len(),
            caught.len(),
            earned,
            stake_before[seed],
            stake_after
        );
    }

    // (7) The data plane: the photo's seats fetched it by hash, the
    // verifiers fetched the executor's probability map and agreed on what
    // ONNX Runtime computes, and the CLI wrote that map; the input nobody
    // served cost its client the price and no worker anything.
    let photo_task = views.iter().find(|v| v.info.model == model("photo")).expect("the photo task");
    assert!(accepted(photo_task) && photo_task.info.attempts.0.len() == 1, "photo: {:?}", photo_task.info.phase);
    assert!(matches!(photo_task.input, TaskInput::Offchain { size, .. } if size > 4_900_000));
    let posted = &photo_task.info.attempts.0[0].posted;
    assert!(matches!(posted, Some(Posted::Offchain { size, .. }) if *size > 1_600_000), "{posted:?}");
    let photo_bytes = wire::encode(&[wire::NamedTensor { name: "x".into(), tensor: photo() }]);
    let written = triad_inference::files::read_input(&photo_map, det_model.outputs()).expect("the CLI wrote the map as .npy");
    let result = net.result_of(photo_task).await;
    assert_eq!(Some(wire::encode(&written)), result, "the file holds the output the chain names");
    assert_result_is_honest(photo_task, &mut det_model, "photo", Some(&photo_bytes), result);
    let unserved = &by_id[&unserved];
    assert!(matches!(unserved.info.phase, Phase::Done { resolution: Resolution::CannotRun, .. }), "{:?}", unserved.info.phase);
    let last = unserved.info.attempts.0.last().unwrap();
    assert!(matches!(last.posted, Some(Posted::CannotRun(CannotRun::InputUnavailable))), "{:?}", last.posted);
    assert!(last.seats.0.iter().all(|s| s.slashed == 0 && s.paid > 0), "every seat paid, none slashed");
    assert_eq!(unserved.info.escrow - unserved.info.refunded, unserved.info.price, "the client paid the price");
    println!(
        "(7) data plane: a 4.9 MB photo in and its 1.6 MB map out, fetched by hash and verified; an unserved input answered unavailable, paid by its client"
    );

    // (5) The crash: the restarted worker revealed from its saved state, the dead one is slashed.
    let crash = &of(&scenarios[7])[0];
    let first = &crash.info.attempts.0[0].seats.0;
    let seat = |w: &AccountId32| first.iter().find(|s| &s.who == w).expect("holds a seat");
    let (back, dead) = (who(crashers[0]), who(crashers[1]));
    assert!(seat(&back).commit.is_some() && seat(&back).slashed == 0, "the restarted worker revealed from its saved state");
    assert!(seat(&dead).commit.is_some() && seat(&dead).slashed > 0, "the dead one is slashed");
    println!("(5) crash: restarted worker revealed, dead worker slashed {}; task {:?}", seat(&dead).slashed, crash.info.phase);

    // (6) Balances to the plank: payments, bounties, storage deposits and fees.
    let fees = net.fees(start + 1, end).await;
    for s in &everyone {
        let w = who(s);
        let income: u128 = seats_of(&views, &w).map(|(_, _, seat)| seat.paid + seat.bounty).sum();
        let mine: Vec<&TaskView> = views.iter().filter(|v| v.info.client == w).collect();
        let spent: u128 = mine.iter().map(|v| v.info.escrow - v.info.refunded + v.info.deposit).sum();
        let fee = fees.get(&w).copied().unwrap_or(0);
        assert_eq!(net.free_at(&w, end).await, before[s] + income - spent - fee, "{s}: balance to the plank");
    }
    println!("(6) balances of the honest workers and the clients match payments, deposits and fees to the plank");

    // (8) TEE mode: every job was executed by bob, the one worker attested
    // to run the allowed code (charlie's attestation is of other code, dave
    // and eve have none), checked by one verifier, and cost two seats.
    let tee_model = model("tee");
    let tee_tasks: Vec<&TaskView> = views.iter().filter(|v| v.info.model == tee_model).collect();
    assert_eq!(tee_tasks.len(), 6, "five jobs and the CLI's");
    let share = net.client.finalized().await.unwrap().constants().entry(chain::constants().tasks().executor_share()).unwrap();
    let tee_price = triad_primitives::pricing::tee_price(PRICE, triad_client::native(&share).unwrap());
    let mrtd = hex::decode(TDX_MRTD).unwrap();
    for v in &tee_tasks {
        assert!(matches!(v.info.mode, Mode::Tee) && accepted(v), "tee task {} ended {:?}", v.id, v.info.phase);
        assert_eq!(v.info.price, tee_price, "a TEE job costs the executor's and one verifier's share");
        for a in &v.info.attempts.0 {
            assert_eq!(a.seats.0.len(), 2, "task {}: one executor, one verifier", v.id);
            assert_eq!(a.seats.0[0].who, who("bob"), "task {}: only bob may execute", v.id);
            let seal = a.attested.as_ref().expect("the executor's attestation is kept in the attempt");
            assert!(matches!(&seal.measurement, chain::runtime_types::triad_tee::Measurement::MrTd(m) if m[..] == mrtd[..]));
            assert!(seal.checked_at < seal.expires_at);
        }
        assert_eq!(v.info.escrow - v.info.refunded, tee_price, "task {}: the client paid the TEE price", v.id);
    }
    let verifiers: std::collections::BTreeSet<String> =
        tee_tasks.iter().map(|v| v.info.attempts.0[0].seats.0[1].who.to_string()).collect();
    let audit = net.cli_ok(&["audit", &tee_tasks[0].id.to_string()]);
    assert!(audit.contains("audit passed") && audit.contains("executor drawn attested: TDX MRTD"), "{audit}");
    println!(
        "(8) TEE: {} jobs executed by the one worker attested to the allowed MRTD, checked by {} distinct verifiers, each paying {} of a {} price",
        tee_tasks.len(),
        verifiers.len(),
        tee_price,
        PRICE
    );

    // Prometheus sees what the worker did; the auditor re-derives a rejected task.
    let metrics = http_get(&format!("127.0.0.1:{port}"), "/metrics");
    for series in [
        "triad_worker_tasks_served_total{role=\"verifier\",step=\"reveal_vote\"}",
        "triad_worker_inference_seconds_count",
        "triad_dataplane_fetch_seconds_count",
        "triad_dataplane_unavailable_total",
    ] {
        let line = metrics.lines().find(|l| l.starts_with(series)).unwrap_or_else(|| panic!("{series} missing:\n{metrics}"));
        assert!(line.rsplit(' ').next().unwrap().parse::<f64>().unwrap() > 0.0, "{line}");
    }
    let rejected =
        of(&scenarios[1]).into_iter().find(|v| v.info.attempts.0.len() > 1).expect("a substituted output was rejected");
    let audit = net.cli_ok(&["audit", &rejected.id.to_string()]);
    assert!(audit.contains("audit passed") && !audit.contains("FAIL") && audit.contains("Rejected"), "{audit}");
    // A forged proof and its honest re-run, verified again from chain data alone.
    let forged = of(&scenarios[10]).into_iter().find(|v| v.info.attempts.0.len() > 1).expect("a forged output was refused");
    let audit = net.cli_ok(&["audit", &forged.id.to_string()]);
    assert!(
        audit.contains("audit passed") && audit.contains("proof refused here") && audit.contains("proof verified here"),
        "{audit}"
    );

    // (9) The explorer, over every block of this network.
    assert!(matches!(by_id[&idle].info.phase, Phase::Done { resolution: Resolution::Cancelled, .. }));
    explorer_scenario(&net, &mut explorer, rejected.id, idle).await;
}

fn http_get(addr: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).expect("the metrics endpoint listens");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut body = String::new();
    stream.read_to_string(&mut body).unwrap();
    body
}
