//! Benchmark (not a test): what verification costs, as ratios measured side
//! by side in one run on one machine.
//!
//! 1. end-to-end verified job (submit → accepted in a best block, on a dev
//!    node with four workers) ÷ one local inference of the same job;
//! 2. ONNX Runtime through `ort` ÷ Python `onnxruntime`, same model, same
//!    input, same settings (1 intra-op thread, all graph optimizations);
//! 3. LSH fingerprint ÷ inference, and a verifier's whole work (inference,
//!    fingerprint under the attempt key, output check) ÷ one inference;
//! 4. the bytes a seat reads from and writes to the chain per job;
//! 5. a 640x640 job whose input (4.9 MB) and probability map (1.6 MB) go
//!    over the data plane, end to end including the client's fetch of the
//!    map, − the inline job of 1 (the block-bound floor).
//!
//! The model is PP-OCRv4 text detection from the PyPI package
//! rapidocr-onnxruntime (installed by `scripts/prereqs.sh`), on a 3x32x32
//! input small enough to travel inline, and on a 3x320x320 one for 2 and 3.
//! Run with `cargo bench --locked --workspace --features "$TRIAD_FEATURES" --bench e2e`
//! (the features of `scripts/prereqs.sh`, so the test build is reused).

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

use triad_client::{
    account_of,
    chain::runtime_types::pallet_triad_tasks::types::{InputArg, Phase},
    load_signer, UNIT,
};
use triad_dataplane::peers;
use triad_inference::{files, wire, Model, Settings, TensorData};
use triad_integration_tests::network::{loopback_plane, repo_root, Network};
use triad_verifier::{compare, default_check, LshParams};

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    xs[xs.len() / 2]
}

fn time_n(n: usize, mut f: impl FnMut()) -> f64 {
    for _ in 0..3 {
        f();
    }
    median(
        (0..n)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

fn image(side: usize, seed: usize) -> TensorData {
    let data = (0..3 * side * side).map(|i| (((i * 31 + seed * 7) % 97) as f32 / 97.0) - 0.5).collect();
    TensorData::f32(vec![1, 3, side, side], data)
}

fn write_npy(path: &Path, t: &TensorData) {
    std::fs::write(path, files::npy_bytes(t)).unwrap();
}

/// Median seconds of one Python onnxruntime inference.
fn python_inference(python: &Path, model: &Path, input: &Path, n: usize) -> f64 {
    let script = r#"
import sys, time, statistics, numpy as np, onnxruntime as ort
o = ort.SessionOptions()
o.intra_op_num_threads = 1
o.inter_op_num_threads = 1
o.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
s = ort.InferenceSession(sys.argv[1], o, providers=["CPUExecutionProvider"])
x = np.load(sys.argv[2])
feed = {s.get_inputs()[0].name: x}
for _ in range(3): s.run(None, feed)
ts = []
for _ in range(int(sys.argv[3])):
    t = time.perf_counter(); s.run(None, feed); ts.append(time.perf_counter() - t)
print(statistics.median(ts))
"#;
    let out = Command::new(python)
        .args(["-c", script, model.to_str().unwrap(), input.to_str().unwrap(), &n.to_string()])
        .output()
        .expect("python runs");
    assert!(out.status.success(), "python onnxruntime: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

fn venv() -> (PathBuf, PathBuf) {
    let python = repo_root().join(".triad/venv/bin/python");
    let out = Command::new(&python)
        .args(["-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
        .output()
        .expect("run scripts/prereqs.sh first: .triad/venv is missing");
    let site = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    (python, site.join("rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx"))
}

#[tokio::main]
async fn main() {
    let (python, det) = venv();
    let dir = std::env::temp_dir().join(format!("triad-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let lsh = LshParams::projection(7);
    let mut model = Model::load(&det, Settings::default()).unwrap();
    println!("model: PP-OCRv4 det ({}), {}", det.display(), model.describe());

    println!("\n| input | ort inference | Python onnxruntime | ort ÷ Python | fingerprint | fingerprint ÷ inference | output check | verifier work ÷ inference |");
    println!("|---|---|---|---|---|---|---|---|");
    let mut small_inference = 0.0;
    for side in [32, 320] {
        let x = image(side, 0);
        let runs = if side == 32 { 200 } else { 20 };
        let ort = time_n(runs, || {
            model.run(std::slice::from_ref(&x)).unwrap();
        });
        let outputs = model.run(std::slice::from_ref(&x)).unwrap();
        let fp = time_n(runs, || {
            triad_job::fingerprint(&lsh, &[3; 32], &outputs).unwrap();
        });
        let spec = &model.outputs()[0];
        let check = default_check(spec.dtype, &spec.shape);
        let other = model.run(std::slice::from_ref(&x)).unwrap();
        let checking = time_n(runs, || {
            compare(&check, &outputs[0].view(), &other[0].view()).unwrap();
        });
        let npy = dir.join(format!("x{side}.npy"));
        write_npy(&npy, &x);
        let py = python_inference(&python, &det, &npy, runs);
        if side == 32 {
            small_inference = ort;
        }
        println!(
            "| 1x3x{side}x{side} | {:.3} ms | {:.3} ms | {:.3} | {:.1} us | {:.4} | {:.1} us | {:.4} |",
            ort * 1e3,
            py * 1e3,
            ort / py,
            fp * 1e6,
            fp / ort,
            checking * 1e6,
            (ort + fp + checking) / ort
        );
    }

    // End to end on a dev node with four honest workers.
    let mut net = Network::start("bench").await;
    let cal: Vec<PathBuf> = (1..3)
        .map(|k| {
            let p = dir.join(format!("cal{k}.npy"));
            write_npy(&p, &image(32, k));
            p
        })
        .collect();
    let id = net.register_model(&det, "ppocr-v4-det", &cal);
    let seeds = ["bob", "charlie", "dave", "eve"];
    for s in seeds {
        net.spawn_worker(s, &["--models", &id.to_string()]);
    }
    let accounts: Vec<_> = seeds.iter().map(|s| account_of(&load_signer(Some(s), None).unwrap())).collect();
    net.wait_qualified(id, &accounts, Duration::from_secs(300)).await;
    let client = load_signer(Some("ferdie"), None).unwrap();
    let mut e2e = Vec::new();
    let mut bytes = (0usize, 0usize);
    for k in 0..5 {
        let input = wire::encode(&[wire::NamedTensor { name: model.inputs()[0].name.clone(), tensor: image(32, 10 + k) }]);
        let t = Instant::now();
        let task = net.submit(&client, id, vec![input], UNIT / 10).await[0];
        loop {
            let view = net.task(task).await;
            if let Phase::Done { resolution, .. } = view.info.phase {
                e2e.push(t.elapsed().as_secs_f64());
                let input = match &view.input {
                    triad_client::chain::runtime_types::pallet_triad_tasks::types::TaskInput::Inline(b) => b.0.len(),
                    _ => 0,
                };
                bytes = (input, view.output.as_ref().map_or(0, |o| o.0.len()));
                println!("job {task}: {resolution:?} after {:.1} s", t.elapsed().as_secs_f64());
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let e2e = median(e2e);

    // The same detector on a 640x640 page: the client serves the input from a
    // data-plane peer of its own, the executor serves the map, the verifiers
    // and then the client fetch it.
    let plane = loopback_plane(&dir.join("client-blobs"), 1 << 30).await;
    let public = peers::public_address(&plane.addresses().await).unwrap();
    let provider = peers::join(plane.peer_id(), &public).to_vec();
    let mut large = Vec::new();
    for k in 0..5 {
        let input = wire::encode(&[wire::NamedTensor { name: model.inputs()[0].name.clone(), tensor: image(640, 20 + k) }]);
        let blob = plane.store().put(&input).unwrap();
        let offchain = InputArg::Offchain { hash: blob.hash, size: blob.size, provider: provider.clone() };
        let t = Instant::now();
        let task = net.submit_inputs(&client, id, vec![offchain], UNIT / 10).await[0];
        loop {
            let view = net.task(task).await;
            if let Phase::Done { resolution, .. } = &view.info.phase {
                let map = net.result_of(&view).await.map_or(0, |m| m.len());
                large.push(t.elapsed().as_secs_f64());
                println!("job {task} (640x640): {resolution:?}, {map} B map fetched, after {:.1} s", t.elapsed().as_secs_f64());
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let large = median(large);
    println!("\n| 640x640 job over the data plane (median of 5) | inline 32x32 job (floor) | difference |");
    println!("|---|---|---|");
    println!("| {large:.2} s | {e2e:.2} s | {:.2} s |", large - e2e);

    println!("\n| end-to-end verified job (median of 5) | one local inference | ratio |");
    println!("|---|---|---|");
    println!("| {:.2} s | {:.3} ms | {:.0} |", e2e, small_inference * 1e3, e2e / small_inference);
    println!(
        "\nBlock time is 6 s. A job takes the draw delay (2 blocks), the executor's commitment, the key delay (2 blocks), \
         the verifiers' commitments, the executor's reveal and the votes: each step a block."
    );
    println!(
        "\nPer job, a seat reads the {} B input from the chain; a verifier also reads the {} B output and writes a 32 B \
         commitment and a {} B reveal; the executor writes a 32 B commitment and posts the output.",
        bytes.0,
        bytes.1,
        <triad_verifier::Fingerprint as codec::MaxEncodedLen>::max_encoded_len() + 32 + 1
    );
    let _ = std::fs::remove_dir_all(&dir);
}
