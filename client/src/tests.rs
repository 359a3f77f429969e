use triad_verifier::{Decision, Fingerprint, LshParams, OutputCheck, FINGERPRINT_BYTES};

use crate::{account_of, chain::runtime_types, generated, load_signer, native};

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

#[test]
fn an_error_says_each_layer_once() {
    use crate::error::without_repeats;
    let doubled = "RPC error: client error: RPC error: client error: Networking or low-level protocol error: closed";
    assert_eq!(without_repeats(doubled), "RPC error: client error: Networking or low-level protocol error: closed");
    assert_eq!(without_repeats("a: b: a: b: a: b: c"), "a: b: c", "any number of repeats");
    assert_eq!(without_repeats("x: x"), "x");
    assert_eq!(without_repeats("a: b: c: a: b"), "a: b: c: a: b", "only what repeats at once");
    assert_eq!(without_repeats("plain"), "plain");
    assert_eq!(without_repeats(""), "");
}
