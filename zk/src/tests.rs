use ark_relations::r1cs::{ConstraintSynthesizer, ConstraintSystem};
use prost::Message;
use rand::{rngs::StdRng, Rng, SeedableRng};
use triad_inference::{Model, Settings, TensorData};
use triad_zk_verify::{context, decode_key, decode_registered_key, public_inputs, verify, Fr, ZkError};

use crate::{
    circuit::{InferenceCircuit, Witness},
    onnx, CompileError, Compiled,
};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// The held-out digits: (label, 64 pixels).
fn digits() -> Vec<(u8, Vec<u8>)> {
    fixture("digits_test.bin").chunks_exact(65).map(|r| (r[0], r[1..].to_vec())).collect()
}

fn argmax(v: &[i64]) -> u8 {
    (0..v.len()).max_by_key(|i| v[*i]).unwrap() as u8
}

/// Whether the circuit is satisfied by the honest witness of `input` (and
/// optionally a tampered claimed output).
fn satisfied(model: &Compiled, input: &[u8], tamper: Option<usize>) -> bool {
    let mut values = crate::evaluate(&model.graph, input).unwrap();
    if let Some(i) = tamper {
        values[model.graph.output][i] += 1;
    }
    let witness = Witness { input: input.to_vec(), ctx: Fr::from(7u64), values };
    let cs = ConstraintSystem::<Fr>::new_ref();
    InferenceCircuit { graph: &model.graph, spec: model.spec, witness: Some(&witness), counts: None }
        .generate_constraints(cs.clone())
        .unwrap();
    cs.finalize();
    let m = cs.to_matrices().unwrap();
    let system = cs.borrow().unwrap();
    let z: Vec<Fr> = system.instance_assignment.iter().chain(&system.witness_assignment).copied().collect();
    let eval = |row: &Vec<(Fr, usize)>| row.iter().fold(Fr::from(0u64), |acc, (c, i)| acc + *c * z[*i]);
    (0..m.num_constraints).all(|i| eval(&m.a[i]) * eval(&m.b[i]) == eval(&m.c[i]))
}

#[test]
fn the_quantized_digit_models_classify_the_held_out_digits() {
    let data = digits();
    for (file, least) in [("digits_mlp.onnx", 0.97), ("digits_cnn.onnx", 0.97)] {
        let model = Compiled::from_onnx(&fixture(file)).unwrap();
        let hits = data.iter().filter(|(y, x)| argmax(&model.run(x).unwrap()) == *y).count();
        let accuracy = hits as f64 / data.len() as f64;
        println!("{file}: {hits}/{} = {:.2}% of held-out digits", data.len(), accuracy * 100.0);
        assert!(accuracy >= least, "{file}: {accuracy}");
    }
}

#[test]
fn the_compiled_graph_computes_exactly_what_onnx_runtime_computes() {
    let mut rng = StdRng::seed_from_u64(1);
    let data = digits();
    for (file, shape) in [("digits_mlp.onnx", vec![1, 64]), ("digits_cnn.onnx", vec![1, 1, 8, 8]), ("mlp_784.onnx", vec![1, 784])]
    {
        let bytes = fixture(file);
        let model = Compiled::from_onnx(&bytes).unwrap();
        let mut session = Model::from_bytes(&bytes, Settings::default()).unwrap();
        let n: usize = shape.iter().product();
        // The held-out digits where they fit, then uniform random bytes,
        // then the extremes the bounds are computed for.
        let mut inputs: Vec<Vec<u8>> = if n == 64 { data.iter().map(|d| d.1.clone()).collect() } else { Vec::new() };
        inputs.extend((0..300).map(|_| (0..n).map(|_| rng.gen()).collect()));
        inputs.extend([vec![0; n], vec![255; n], (0..n).map(|i| if i % 2 == 0 { 255 } else { 0 }).collect()]);
        for input in &inputs {
            let ours = model.run(input).unwrap();
            let theirs = session
                .run(&[TensorData { shape: shape.clone(), data: triad_inference::Data::U8(input.clone()) }])
                .unwrap()
                .remove(0);
            assert_eq!(theirs.data, triad_inference::Data::I64(ours.clone()), "{file}");
        }
        println!("{file}: {} inputs, every output equal to ONNX Runtime's", inputs.len());
    }
}

#[test]
fn the_circuit_accepts_the_honest_run_and_no_other_output() {
    let mut rng = StdRng::seed_from_u64(2);
    for file in ["digits_mlp.onnx", "digits_cnn.onnx"] {
        let model = Compiled::from_onnx(&fixture(file)).unwrap();
        for _ in 0..20 {
            let input: Vec<u8> = (0..model.graph.input().len()).map(|_| rng.gen_range(0..=16)).collect();
            assert!(satisfied(&model, &input, None), "{file}");
            assert!(!satisfied(&model, &input, Some(rng.gen_range(0..10))), "{file}: a changed output satisfied the circuit");
        }
    }
}

#[test]
fn constraint_counts_stay_near_the_bits_the_bounds_need() {
    for file in ["digits_mlp.onnx", "digits_cnn.onnx", "mlp_784.onnx"] {
        let model = Compiled::from_onnx(&fixture(file)).unwrap();
        let counts = model.constraint_counts().unwrap();
        let total: usize = counts.iter().map(|c| c.1).sum();
        println!("{file}: {total} constraints, output {} x {} bits: {counts:?}", model.spec.count, model.spec.bits);
        // Linear layers are free.
        for (name, n) in &counts {
            if name.starts_with("acc") || name.starts_with("fc2_acc") || name.starts_with("sum") {
                assert_eq!(*n, 0, "{file}: {name}");
            }
        }
    }
}

#[test]
fn a_proof_verifies_for_its_statement_and_no_other() {
    let mut rng = StdRng::seed_from_u64(3);
    let model = Compiled::from_onnx(&fixture("digits_mlp.onnx")).unwrap();
    let keys = model.setup(&mut rng).unwrap();
    let (label, input) = digits().remove(0);
    let ctx = context(1, 42, 0, b"executor");
    let proven = model.prove(&keys.proving, &input, ctx, &mut rng).unwrap();
    assert_eq!(argmax(&proven.output), label);
    let inputs = public_inputs(ctx, &input, &proven.output, model.spec).unwrap();
    assert_eq!(verify(&keys.verifying, &proven.proof, &inputs), Ok(()));
    assert_eq!(decode_key(&keys.verifying).unwrap().gamma_abc_g1.len(), 1 + model.spec.public_inputs());
    assert_eq!(decode_registered_key(&keys.verifying).unwrap(), decode_key(&keys.verifying).unwrap());

    // A different output.
    let mut other = proven.output.clone();
    other[label as usize] -= 1;
    let lie = public_inputs(ctx, &input, &other, model.spec).unwrap();
    assert_eq!(verify(&keys.verifying, &proven.proof, &lie), Err(ZkError::ProofRejected));
    // Another input.
    let mut input2 = input.clone();
    input2[10] ^= 1;
    let moved = public_inputs(ctx, &input2, &proven.output, model.spec).unwrap();
    assert_eq!(verify(&keys.verifying, &proven.proof, &moved), Err(ZkError::ProofRejected));
    // Replayed for another task, attempt, executor or model.
    for ctx2 in [
        context(1, 43, 0, b"executor"),
        context(1, 42, 1, b"executor"),
        context(1, 42, 0, b"copier"),
        context(2, 42, 0, b"executor"),
    ] {
        let replay = public_inputs(ctx2, &input, &proven.output, model.spec).unwrap();
        assert_eq!(verify(&keys.verifying, &proven.proof, &replay), Err(ZkError::ProofRejected));
    }
    // Another model's key (same statement shape: the 784 MLP also has 10 logits).
    let other_model = Compiled::from_onnx(&fixture("mlp_784.onnx")).unwrap();
    let other_keys = other_model.setup(&mut rng).unwrap();
    assert_eq!(verify(&other_keys.verifying, &proven.proof, &inputs).is_err(), true);
    // Every single tampered byte of the proof.
    for i in 0..proven.proof.len() {
        let mut bad = proven.proof;
        bad[i] ^= 0x01;
        let r = verify(&keys.verifying, &bad, &inputs);
        assert!(matches!(r, Err(ZkError::MalformedProof | ZkError::ProofRejected)), "byte {i}: {r:?}");
    }
    // A tampered key.
    let mut bad_key = keys.verifying.clone();
    bad_key[40] ^= 1;
    assert!(verify(&bad_key, &proven.proof, &inputs).is_err());
}

fn tiny_model(op: &str) -> Vec<u8> {
    let info = |name: &str, elem: i32| onnx::ValueInfoProto {
        name: Some(name.into()),
        r#type: Some(onnx::TypeProto {
            tensor_type: Some(onnx::TensorTypeProto {
                elem_type: Some(elem),
                shape: Some(onnx::TensorShapeProto { dim: vec![onnx::Dimension { dim_value: Some(4), dim_param: None }] }),
            }),
        }),
    };
    onnx::ModelProto {
        ir_version: Some(8),
        opset_import: vec![onnx::OperatorSetIdProto { domain: Some(String::new()), version: Some(17) }],
        graph: Some(onnx::GraphProto {
            node: vec![onnx::NodeProto {
                input: vec!["x".into()],
                output: vec!["y".into()],
                name: Some("the_node".into()),
                op_type: Some(op.into()),
                attribute: vec![],
                domain: None,
            }],
            initializer: vec![],
            input: vec![info("x", 2)],
            output: vec![info("y", 2)],
        }),
    }
    .encode_to_vec()
}

#[test]
fn models_the_compiler_cannot_express_are_refused_naming_the_operator() {
    let err = Compiled::from_onnx(&tiny_model("Sigmoid")).unwrap_err();
    assert!(matches!(&err, CompileError::Unsupported { op, node, .. } if op == "Sigmoid" && node == "the_node"), "{err}");
    assert!(err.to_string().contains("Sigmoid"));
    assert!(Compiled::from_onnx(&tiny_model("Identity")).is_ok());
    // A float model: its weights are not integers.
    let float = std::fs::read(format!("{}/../inference/fixtures/mlp_classifier.onnx", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let err = Compiled::from_onnx(&float).unwrap_err();
    assert!(matches!(&err, CompileError::Constant { name, .. } if name == "w1"), "{err:?}");
    assert!(matches!(Compiled::from_onnx(b"not onnx"), Err(CompileError::Decode(_))));
    let model = Compiled::from_onnx(&fixture("digits_mlp.onnx")).unwrap();
    assert_eq!(model.run(&[0; 63]), Err(CompileError::InputSize { expected: 64, got: 63 }));
}

/// Counts the spans a subscriber is asked to open.
struct SpanCounter(std::sync::atomic::AtomicUsize);

impl tracing::Subscriber for SpanCounter {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1 + self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst) as u64)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, _: &tracing::Event<'_>) {}
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[test]
fn proving_opens_no_span_in_a_process_that_traces_everything() {
    // arkworks' gadgets open a span per call; under a logging process that
    // made proving 400 times slower. The prover hides them from the caller's
    // subscriber.
    let model = Compiled::from_onnx(&fixture("digits_mlp.onnx")).unwrap();
    let mut rng = StdRng::seed_from_u64(9);
    let keys = model.setup(&mut rng).unwrap();
    let counter = std::sync::Arc::new(SpanCounter(Default::default()));
    let dispatch = tracing::Dispatch::from(counter.clone());
    tracing::dispatcher::with_default(&dispatch, || {
        tracing::info_span!("the caller's own span").in_scope(|| {});
        model.prove(&keys.proving, &[3; 64], Fr::from(1u64), &mut rng).unwrap();
        model.constraint_counts().unwrap();
    });
    assert_eq!(counter.0.load(std::sync::atomic::Ordering::SeqCst), 1, "only the caller's span");
}
