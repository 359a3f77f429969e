//! These tests run the real ONNX Runtime on the committed fixture models
//! (`scripts/models.py generate inference/fixtures`).

use crate::*;

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

fn features(batch: usize) -> TensorData {
    let data = (0..batch * 64).map(|i| ((i * 37 % 101) as f32 / 50.0) - 1.0).collect();
    TensorData::f32(vec![batch, 64], data)
}

fn classifier(settings: Settings) -> Model {
    Model::load(fixture("mlp_classifier.onnx"), settings).expect("fixture loads")
}

#[test]
fn schema_is_read_from_the_model() {
    let model = classifier(Settings::default());
    assert_eq!(model.inputs(), &[TensorSpec { name: "features".into(), dtype: DType::F32, shape: vec![-1, 64] }]);
    assert_eq!(model.outputs(), &[TensorSpec { name: "logits".into(), dtype: DType::F32, shape: vec![-1, 10] }]);
    let bytes = std::fs::read(fixture("mlp_classifier.onnx")).unwrap();
    assert_eq!(model.hash(), *blake3::hash(&bytes).as_bytes());
    assert!(model.describe().contains("intra_threads=1 optimization=All"), "{}", model.describe());
}

#[test]
fn same_settings_are_bit_identical_and_other_settings_are_close() {
    let mut a = classifier(Settings::default());
    let mut b = classifier(Settings { intra_threads: 2, optimization: Optimization::Disable });
    let x = [features(3)];
    let first = a.run(&x).unwrap();
    assert_eq!(first, a.run(&x).unwrap());
    let other = b.run(&x).unwrap();
    assert_eq!(first[0].shape, vec![3, 10]);
    let (p, q) = (first[0].as_f32().unwrap(), other[0].as_f32().unwrap());
    for (u, v) in p.iter().zip(q) {
        assert!((u - v).abs() <= 1e-4 * u.abs().max(1.0), "{u} vs {v}");
    }
}

#[test]
fn dynamic_image_dimensions_follow_the_input() {
    let mut model = Model::load(fixture("conv_filter.onnx"), Settings::default()).unwrap();
    assert_eq!(model.inputs()[0].shape, vec![1, 3, -1, -1]);
    let image = TensorData::f32(vec![1, 3, 5, 7], (0..105).map(|i| i as f32 / 105.0).collect());
    let out = model.run(&[image]).unwrap();
    assert_eq!(out[0].shape, vec![1, 5, 7, 3]);
    assert!(out[0].as_f32().unwrap().iter().all(|v| *v > 0.0 && *v < 1.0), "sigmoid output in (0, 1)");
}

#[test]
fn wrong_inputs_get_typed_errors() {
    let mut model = classifier(Settings::default());
    let wrong_width = TensorData::f32(vec![1, 63], vec![0.0; 63]);
    assert!(matches!(model.run(&[wrong_width]), Err(InferenceError::InputShape { .. })));
    let wrong_rank = TensorData::f32(vec![64], vec![0.0; 64]);
    assert!(matches!(model.run(&[wrong_rank]), Err(InferenceError::InputShape { .. })));
    let wrong_type = TensorData { shape: vec![1, 64], data: Data::I64(vec![0; 64]) };
    assert!(matches!(model.run(&[wrong_type]), Err(InferenceError::InputType { expected: DType::F32, found: DType::I64, .. })));
    assert!(matches!(model.run(&[]), Err(InferenceError::InputCount { expected: 1, found: 0 })));
    let short = TensorData::f32(vec![2, 64], vec![0.0; 64]);
    assert!(matches!(model.run(&[short]), Err(InferenceError::ElementCount { .. })));
}

#[test]
fn malformed_model_is_a_typed_error() {
    let err = Model::from_bytes(b"definitely not protobuf", Settings::default()).err().expect("must fail");
    assert!(matches!(err, InferenceError::MalformedModel(_)), "{err}");
    let mut bytes = std::fs::read(fixture("mlp_classifier.onnx")).unwrap();
    bytes.truncate(bytes.len() / 2);
    assert!(matches!(Model::from_bytes(&bytes, Settings::default()), Err(InferenceError::MalformedModel(_))));
    let missing = Model::load(fixture("no_such_model.onnx"), Settings::default()).err().unwrap();
    assert!(matches!(missing, InferenceError::ReadModel { .. }));
}

fn named(name: &str, tensor: TensorData) -> wire::NamedTensor {
    wire::NamedTensor { name: name.into(), tensor }
}

#[test]
fn wire_round_trips_and_rejects_what_it_did_not_write() {
    let tensors = vec![
        named("features", features(2)),
        named("ids", TensorData { shape: vec![3], data: Data::I64(vec![-1, 0, i64::MAX]) }),
        named("mask", TensorData { shape: vec![2, 2], data: Data::U8(vec![0, 1, 2, 255]) }),
    ];
    let bytes = wire::encode(&tensors);
    assert_eq!(wire::decode(&bytes).unwrap(), tensors);

    let mut extra = bytes.clone();
    extra.push(0);
    assert!(matches!(wire::decode(&extra), Err(wire::WireError::Malformed)));
    assert!(matches!(wire::decode(&bytes[..bytes.len() - 1]), Err(wire::WireError::Malformed)));
    // One f32 short of its shape.
    let short = wire::encode(&[named("x", TensorData::f32(vec![2], vec![1.0]))]);
    let mut lying = short.clone();
    let shape_at = short.len() - 4 - 1 - 8; // data (4 + len byte) and one u64 dim before it
    lying[shape_at] = 2;
    assert!(matches!(wire::decode(&lying), Err(wire::WireError::DataLength { expected: 8, bytes: 4, .. })));
}

#[test]
fn named_inputs_are_put_in_declaration_order() {
    let spec = |name: &str| TensorSpec { name: name.into(), dtype: DType::F32, shape: vec![-1] };
    let specs = [spec("a"), spec("b")];
    let t = |v: f32| TensorData::f32(vec![1], vec![v]);
    let arranged = wire::arrange(&specs, vec![named("b", t(2.0)), named("a", t(1.0))]).unwrap();
    assert_eq!(arranged, vec![t(1.0), t(2.0)]);
    assert_eq!(wire::arrange(&specs, vec![named("a", t(1.0))]), Err(wire::WireError::MissingInput("b".into())));
    assert_eq!(wire::arrange(&specs, vec![named("c", t(1.0))]), Err(wire::WireError::UnknownInput("c".into())));
    assert_eq!(wire::arrange(&specs, vec![named("a", t(1.0)), named("a", t(1.0))]), Err(wire::WireError::Duplicate("a".into())));
}

#[test]
fn input_files_are_read_as_npy_or_kserve_json_with_clear_errors() {
    let dir = std::env::temp_dir().join(format!("triad-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let specs = [TensorSpec { name: "features".into(), dtype: DType::F32, shape: vec![-1, 2] }];
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };

    let tensor = TensorData::f32(vec![1, 2], vec![1.0, 2.0]);
    let bytes = files::npy_bytes(&tensor);
    let good = write("x.npy", &bytes);
    assert_eq!(files::read_input(&good, &specs).unwrap(), vec![named("features", tensor)]);
    let ints = write("i.npy", &files::npy_bytes(&TensorData { shape: vec![3], data: Data::I64(vec![1, 2, 3]) }));
    assert_eq!(files::read_input(&ints, &specs).unwrap()[0].tensor.data, Data::I64(vec![1, 2, 3]));
    // Same header length, another element type: float64 is not a Triad type.
    let mut as_f64 = bytes.clone();
    let at = as_f64.windows(3).position(|w| w == b"<f4").unwrap();
    as_f64[at + 2] = b'8';
    let f64s = write("d.npy", &as_f64);
    assert!(matches!(files::read_input(&f64s, &specs), Err(files::FileError::NpyType { descr, .. }) if descr == "<f8"));
    let truncated = write("t.npy", &bytes[..bytes.len() - 4]);
    assert!(matches!(files::read_input(&truncated, &specs), Err(files::FileError::Npy { .. })));
    let garbage = write("g.npy", b"not numpy at all");
    assert!(matches!(files::read_input(&garbage, &specs), Err(files::FileError::Npy { .. })));

    let json = write("x.json", br#"{"inputs":[{"name":"features","shape":[1,2],"datatype":"FP32","data":[[1.0,2.0]]}]}"#);
    assert_eq!(files::read_input(&json, &specs).unwrap(), vec![named("features", TensorData::f32(vec![1, 2], vec![1.0, 2.0]))]);
    let strings = write("s.json", br#"{"inputs":[{"name":"features","shape":[1],"datatype":"FP32","data":["a"]}]}"#);
    let err = files::read_input(&strings, &specs).unwrap_err().to_string();
    assert!(err.contains("input 'features': data must be numbers"), "{err}");
    let csv = write("x.csv", b"1,2");
    assert!(matches!(files::read_input(&csv, &specs), Err(files::FileError::UnknownFormat(_))));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn opset_is_read_from_the_onnx_protobuf() {
    let bytes = std::fs::read(fixture("mlp_classifier.onnx")).unwrap();
    assert_eq!(default_opset(&bytes), Some(17));
    assert_eq!(default_opset(b"not a model"), None);
    assert_eq!(default_opset(&bytes[..bytes.len() / 2]), None, "a truncated file is not a model");
}

#[test]
fn a_run_past_its_budget_is_stopped_and_the_session_stays_usable() {
    use std::time::Duration;
    // The client picks the number of steps: a trillion would run for days.
    let mut model = Model::load(fixture("slow_loop.onnx"), Settings::default()).unwrap();
    let inputs = |steps: i64| {
        vec![TensorData { shape: vec![1], data: Data::I64(vec![steps]) }, TensorData::f32(vec![1, 64], vec![1.0; 64])]
    };
    let err = model.run_within(&inputs(1_000_000_000_000), Duration::from_millis(300)).unwrap_err();
    assert!(matches!(err, InferenceError::TimedOut { budget_ms: 300 }), "{err}");
    let out = model.run_within(&inputs(10), Duration::from_secs(60)).unwrap();
    assert_eq!(out[0].shape, vec![1, 64]);
}
