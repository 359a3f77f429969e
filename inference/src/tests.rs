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
