use triad_verifier::{CannotRun, DType, Data, Decision, LshParams, OutputCheck, TensorData};

use crate::*;

fn features(batch: usize) -> TensorData {
    TensorData::f32(vec![batch, 4], (0..batch * 4).map(|i| i as f32 / 7.0).collect())
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

fn schema() -> Schema {
    let spec = |name: &str| TensorSpec { name: name.into(), dtype: DType::F32, shape: vec![-1, 10] };
    Schema {
        name: "m".into(),
        onnx_hash: [0; 32],
        onnx_size: 0,
        inputs: vec![spec("x")],
        outputs: vec![spec("logits"), spec("extra")],
        lsh: LshParams::projection(7),
        checks: vec![OutputCheck::with_decision(Decision::Argmax), OutputCheck::with_decision(Decision::Values)],
        groth16: None,
    }
}

#[test]
fn a_seat_fingerprints_the_first_output_under_the_key() {
    let params = LshParams::projection(7);
    let key = [5; 32];
    assert!(fingerprint(&params, &key, &[]).is_err(), "no output, no fingerprint");
    let a = TensorData::f32(vec![1, 10], (0..10).map(|i| i as f32 / 10.0).collect());
    let b = TensorData::f32(vec![1, 10], (0..10).map(|i| -(i as f32)).collect());
    let first = fingerprint(&params, &key, &[a.clone()]).unwrap();
    assert_eq!(fingerprint(&params, &key, &[a.clone(), b.clone()]).unwrap(), first);
    assert_ne!(fingerprint(&params, &key, &[b]).unwrap(), first);
    assert_ne!(fingerprint(&params, &[6; 32], &[a]).unwrap(), first, "another attempt, another key");
}

#[test]
fn a_verifier_votes_on_every_output_against_its_own() {
    let s = schema();
    let logits = |x: f32| TensorData::f32(vec![1, 10], (0..10).map(|i| i as f32 * x).collect());
    let mine = Answer::Output(vec![logits(1.0), logits(2.0)]);
    let posted = mine.encoded(&s);
    assert_eq!(vote(&s, Some(&posted), &mine), Ok(()));
    let edited = Answer::Output(vec![logits(1.0), logits(2.001)]).encoded(&s);
    assert!(matches!(vote(&s, Some(&edited), &mine), Err(Disagreement::Output { output, .. }) if output == "extra"));
    assert_eq!(vote(&s, None, &mine), Err(Disagreement::NothingPosted));
    let slow = Answer::CannotRun(CannotRun::TooSlow);
    assert_eq!(vote(&s, Some(&slow.encoded(&s)), &slow), Ok(()));
    assert!(vote(&s, Some(&slow.encoded(&s)), &mine).is_err());
    assert!(vote(&s, Some(&posted), &slow).is_err());
    assert_eq!(vote(&s, Some(&EncodedAnswer::Output(b"junk".to_vec())), &mine), Err(Disagreement::Unreadable));
    assert_ne!(posted.digest(), slow.encoded(&s).digest());
}

#[test]
fn a_stated_fingerprint_holds_only_for_the_bytes_it_was_made_of() {
    let s = schema();
    let key = [5; 32];
    let logits = |x: f32| TensorData::f32(vec![1, 10], (0..10).map(|i| i as f32 * x).collect());
    let honest = Answer::Output(vec![logits(1.0), logits(2.0)]);
    let EncodedAnswer::Output(bytes) = honest.encoded(&s) else { unreachable!() };
    let stated = honest.fingerprint(&s.lsh, &key).unwrap();
    assert_eq!(check_stated(&s.lsh, &key, &bytes, &stated), Ok(EncodedAnswer::Output(bytes.clone())));
    // Other bytes under the honest statement: what a cheating executor serves.
    let EncodedAnswer::Output(other) = Answer::Output(vec![logits(-1.0), logits(2.0)]).encoded(&s) else { unreachable!() };
    assert_eq!(check_stated(&s.lsh, &key, &other, &stated), Err(Disagreement::StatedFingerprint));
    // The statement was made under another attempt's key.
    assert_eq!(check_stated(&s.lsh, &[6; 32], &bytes, &stated), Err(Disagreement::StatedFingerprint));
    assert_eq!(check_stated(&s.lsh, &key, b"junk", &stated), Err(Disagreement::Unreadable));
}
