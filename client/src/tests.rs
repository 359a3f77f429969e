use triad_verifier::{CannotRun, Decision, Fingerprint, LshParams, OutputCheck, FINGERPRINT_BYTES};

use crate::{account_of, chain::runtime_types, generated, job, load_signer, native};

#[test]
fn native_and_generated_types_share_their_encoding() {
    let params = LshParams::projection(7);
    let g: runtime_types::triad_verifier::params::LshParams = generated(&params).unwrap();
    assert_eq!(native::<LshParams>(&g).unwrap(), params);

    let mut bits = [0u8; FINGERPRINT_BYTES];
    bits[3] = 0xA5;
    let fp = Fingerprint { family: params.family, version: 2, bits, decision: [9; 32] };
    let g: runtime_types::triad_verifier::fingerprint::Fingerprint = generated(&fp).unwrap();
    assert_eq!(native::<Fingerprint>(&g).unwrap(), fp);
    assert!(native::<Fingerprint>(&params).is_err(), "unrelated types do not decode into each other");
    let check = OutputCheck::with_decision(Decision::Threshold { at_micros: 300_000 });
    let g: runtime_types::triad_verifier::check::OutputCheck = generated(&check).unwrap();
    assert_eq!(native::<OutputCheck>(&g).unwrap(), check);
}

#[test]
fn signers_come_from_a_dev_seed_or_a_key_file() {
    let bob = load_signer(Some("bob"), None).unwrap();
    assert_eq!(account_of(&bob).to_string(), "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty");
    let path = std::env::temp_dir().join(format!("triad-key-{}", std::process::id()));
    std::fs::write(&path, "//Bob\n").unwrap();
    assert_eq!(account_of(&load_signer(None, Some(&path)).unwrap()), account_of(&bob));
    std::fs::write(&path, "hunter2 hunter2").unwrap();
    let err = load_signer(None, Some(&path)).unwrap_err().to_string();
    assert!(err.starts_with("key: ") && !err.contains("hunter2"), "the key file's content never appears: {err}");
    std::fs::remove_file(&path).unwrap();
    assert!(load_signer(None, Some(&path)).unwrap_err().to_string().contains("cannot read key file"));
    assert!(load_signer(Some("bob"), Some(&path)).is_err());
    assert!(load_signer(None, None).is_err());
}

fn schema() -> job::Schema {
    use triad_inference::{DType, TensorSpec};
    let spec = |name: &str| TensorSpec { name: name.into(), dtype: DType::F32, shape: vec![-1, 10] };
    job::Schema {
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
    assert!(job::fingerprint(&params, &key, &[]).is_err(), "no output, no fingerprint");
    let a = triad_inference::TensorData::f32(vec![1, 10], (0..10).map(|i| i as f32 / 10.0).collect());
    let b = triad_inference::TensorData::f32(vec![1, 10], (0..10).map(|i| -(i as f32)).collect());
    let first = job::fingerprint(&params, &key, &[a.clone()]).unwrap();
    assert_eq!(job::fingerprint(&params, &key, &[a.clone(), b.clone()]).unwrap(), first);
    assert_ne!(job::fingerprint(&params, &key, &[b]).unwrap(), first);
    assert_ne!(job::fingerprint(&params, &[6; 32], &[a]).unwrap(), first, "another attempt, another key");
}

#[test]
fn a_verifier_votes_on_every_output_against_its_own() {
    use job::{vote, Answer, Disagreement};
    let s = schema();
    let logits = |x: f32| triad_inference::TensorData::f32(vec![1, 10], (0..10).map(|i| i as f32 * x).collect());
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
    assert_eq!(vote(&s, Some(&job::EncodedAnswer::Output(b"junk".to_vec())), &mine), Err(Disagreement::Unreadable));
    assert_ne!(posted.digest(), slow.encoded(&s).digest());
}

#[test]
fn a_stated_fingerprint_holds_only_for_the_bytes_it_was_made_of() {
    use job::{check_stated, Answer, Disagreement, EncodedAnswer};
    let s = schema();
    let key = [5; 32];
    let logits = |x: f32| triad_inference::TensorData::f32(vec![1, 10], (0..10).map(|i| i as f32 * x).collect());
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
