//! Benchmark (not a test): what a Groth16 proof of inference costs, measured
//! side by side in one run on one machine, per fixture model:
//!
//! - constraints per stage (the input's bytes and hash, each node, the output);
//! - setup time and proving-key size;
//! - proving time (median of 5) and its ratio to one ONNX Runtime inference of
//!   the same model on the same input (median of 200);
//! - proof size and native verification time.
//!
//! Run with `cargo bench --locked --workspace --features "$TRIAD_FEATURES"
//! --bench prove` (`ORT_DYLIB_PATH` set, as `scripts/prereqs.sh` does).

use std::time::Instant;

use rand::{rngs::StdRng, SeedableRng};
use triad_inference::{Data, Model, Settings, TensorData};
use triad_zk::{encode_proving_key, verify as zk, Compiled};

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    xs[xs.len() / 2]
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed().as_secs_f64())
}

fn main() {
    let mut rng = StdRng::seed_from_u64(5);
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
    println!("| model | constraints | setup | proving key | prove (median of 5) | ort inference | prove ÷ inference | proof | verify (native) |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for (file, shape) in [("digits_mlp.onnx", vec![1, 64]), ("mlp_784.onnx", vec![1, 784]), ("digits_cnn.onnx", vec![1, 1, 8, 8])]
    {
        let bytes = std::fs::read(format!("{dir}/{file}")).unwrap();
        let model = Compiled::from_onnx(&bytes).unwrap();
        let counts = model.constraint_counts().unwrap();
        let total: usize = counts.iter().map(|c| c.1).sum();
        let (keys, setup) = timed(|| model.setup(&mut rng).unwrap());
        let pk_bytes = encode_proving_key(&keys.proving).len();
        let input: Vec<u8> = (0..model.graph.input().len()).map(|i| (i * 7 % 17) as u8).collect();
        let ctx = zk::context(1, 1, 0, b"bench");

        let mut session = Model::from_bytes(&bytes, Settings::default()).unwrap();
        let tensor = TensorData { shape: shape.clone(), data: Data::U8(input.clone()) };
        let infer = median((0..200).map(|_| timed(|| session.run(std::slice::from_ref(&tensor)).unwrap()).1).collect());

        let mut proven = None;
        let prove = median(
            (0..5)
                .map(|_| {
                    let (p, t) = timed(|| model.prove(&keys.proving, &input, ctx, &mut rng).unwrap());
                    proven = Some(p);
                    t
                })
                .collect(),
        );
        let proven = proven.unwrap();
        let inputs = zk::public_inputs(ctx, &input, &proven.output, model.spec).unwrap();
        let verify = median((0..20).map(|_| timed(|| zk::verify(&keys.verifying, &proven.proof, &inputs).unwrap()).1).collect());
        println!(
            "| {file} | {total} | {setup:.2} s | {:.1} MB | {:.3} s | {:.1} µs | {:.0} | {} B | {:.2} ms |",
            pk_bytes as f64 / 1e6,
            prove,
            infer * 1e6,
            prove / infer,
            proven.proof.len(),
            verify * 1e3
        );
        let layers: Vec<String> = counts.iter().filter(|c| c.1 > 0).map(|(n, c)| format!("{n} {c}")).collect();
        println!("|   per stage | {} | | | | | | | |", layers.join(", "));
    }
}
