use ark_crypto_primitives::sponge::poseidon::find_poseidon_ark_and_mds;
use ark_ff::{BigInteger, PrimeField};

use super::*;
use crate::poseidon::{FULL_ROUNDS, PARTIAL_ROUNDS, RATE, TABLE, TABLE_ELEMENTS};

fn regenerate_table() -> Vec<u8> {
    let (ark, mds) = find_poseidon_ark_and_mds::<Fr>(254, RATE, FULL_ROUNDS as u64, PARTIAL_ROUNDS as u64, 0);
    ark.iter().chain(&mds).flatten().flat_map(|x| x.into_bigint().to_bytes_le()).collect()
}

#[test]
fn poseidon_table_is_the_grain_lfsr_output() {
    let fresh = regenerate_table();
    assert_eq!(fresh.len(), TABLE_ELEMENTS * 32);
    if std::env::var_os("TRIAD_BLESS").is_some() {
        std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/src/poseidon_bn254_t3.bin"), &fresh).unwrap();
    }
    assert!(fresh == TABLE, "poseidon_bn254_t3.bin differs from find_poseidon_ark_and_mds; TRIAD_BLESS=1 rewrites it");
}

#[test]
fn input_hash_binds_length_and_every_byte() {
    let base = input_hash(&[7u8; 64]);
    assert_ne!(base, input_hash(&[7u8; 63]));
    assert_ne!(input_hash(&[0u8; 1]), input_hash(&[0u8; 2]));
    for i in [0, 30, 31, 63] {
        let mut other = [7u8; 64];
        other[i] ^= 1;
        assert_ne!(base, input_hash(&other), "byte {i}");
    }
    assert_eq!(pack_bytes(&[1u8; 64]).len(), 3);
}

#[test]
fn context_binds_model_task_attempt_and_executor() {
    let base = context(1, 2, 0, b"alice");
    assert_eq!(base, context(1, 2, 0, b"alice"));
    for other in [context(2, 2, 0, b"alice"), context(1, 3, 0, b"alice"), context(1, 2, 1, b"alice"), context(1, 2, 0, b"bob")] {
        assert_ne!(base, other);
    }
}

#[test]
fn outputs_pack_injectively_and_refuse_what_does_not_fit() {
    let spec = OutputSpec { count: 10, bits: 32 };
    assert_eq!(spec.per_element(), 7);
    assert_eq!(spec.elements(), 2);
    assert_eq!(spec.public_inputs(), 4);
    let values: Vec<i64> = (0..10).map(|i| i * 1000 - 4000).collect();
    let packed = pack_outputs(&values, spec).unwrap();
    // Every single-value change gives a different packing.
    for i in 0..10 {
        let mut other = values.clone();
        other[i] += 1;
        assert_ne!(pack_outputs(&other, spec).unwrap(), packed, "value {i}");
    }
    let mut extreme = values.clone();
    extreme[3] = i64::from(i32::MIN);
    extreme[4] = i64::from(i32::MAX);
    assert!(pack_outputs(&extreme, spec).is_ok());
    extreme[4] = i64::from(i32::MAX) + 1;
    assert_eq!(pack_outputs(&extreme, spec), Err(ZkError::OutputOutOfRange { index: 4, bits: 32 }));
    assert_eq!(pack_outputs(&values[..9], spec), Err(ZkError::OutputCount { expected: 10, got: 9 }));
    assert_eq!(pack_outputs(&values, OutputSpec { count: 10, bits: 65 }), Err(ZkError::OutputWidth(65)));
    // 64-bit values: three to an element, the extremes fit.
    let wide = OutputSpec { count: 4, bits: 64 };
    assert_eq!(pack_outputs(&[i64::MIN, i64::MAX, 0, -1], wide).unwrap().len(), 2);
}

#[test]
fn malformed_keys_and_proofs_are_refused() {
    assert_eq!(decode_key(&[]).err(), Some(ZkError::MalformedKey));
    assert_eq!(decode_key(&[0u8; 500]).err(), Some(ZkError::MalformedKey));
    assert_eq!(decode_proof(&[0u8; 127]).err(), Some(ZkError::MalformedProof));
    assert_eq!(decode_proof(&[0xffu8; 128]).err(), Some(ZkError::MalformedProof));
    let key = generator_key(4);
    // alpha, beta, gamma, delta, then a length-prefixed list of five points.
    assert_eq!(key.len(), 64 + 3 * 128 + 8 + 5 * 64);
    assert_eq!(decode_key(&key).unwrap().gamma_abc_g1.len(), 5);
    let mut off_curve = key.clone();
    off_curve[3] ^= 1;
    assert_eq!(decode_key(&off_curve).err(), Some(ZkError::MalformedKey));
    assert_eq!(decode_key(&key[..key.len() - 1]).err(), Some(ZkError::MalformedKey));
}
