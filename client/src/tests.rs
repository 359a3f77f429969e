use triad_verifier::{Family, Fingerprint, LshParams, FINGERPRINT_BYTES};

use crate::{account_of, chain::runtime_types, generated, job, load_signer, native};

#[test]
fn native_and_generated_types_share_their_encoding() {
    let mut params = LshParams::projection(7);
    params.family = Family::Classifier { top_k: 3 };
    let g: runtime_types::triad_verifier::params::LshParams = generated(&params).unwrap();
    assert_eq!(native::<LshParams>(&g).unwrap(), params);

    let mut bits = [0u8; FINGERPRINT_BYTES];
    bits[3] = 0xA5;
    let fp = Fingerprint { family: params.family, version: 2, bits, decision: [9; 32] };
    let g: runtime_types::triad_verifier::fingerprint::Fingerprint = generated(&fp).unwrap();
    assert_eq!(native::<Fingerprint>(&g).unwrap(), fp);
    assert!(native::<Fingerprint>(&params).is_err(), "unrelated types do not decode into each other");
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

#[test]
fn a_seat_fingerprints_the_first_output_and_hashes_all_outputs() {
    let params = LshParams::projection(7);
    assert!(job::fingerprint(&params, &[]).is_err(), "no output, no fingerprint");
    let a = triad_inference::TensorData::f32(vec![1, 10], (0..10).map(|i| i as f32 / 10.0).collect());
    let b = triad_inference::TensorData::f32(vec![1, 10], (0..10).map(|i| -(i as f32)).collect());
    let first = job::fingerprint(&params, &[a.clone()]).unwrap();
    assert_eq!(job::fingerprint(&params, &[a.clone(), b.clone()]).unwrap(), first);
    assert_ne!(job::fingerprint(&params, &[b]).unwrap(), first);
    assert_eq!(job::output_hash(b"xyz"), *blake3::hash(b"xyz").as_bytes());
}
