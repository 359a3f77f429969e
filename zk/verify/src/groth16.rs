//! Decoding keys and proofs, and the pairing check.

use alloc::vec::Vec;
use ark_bn254::{Bn254, G1Affine, G1Projective, G2Affine};
use ark_ec::{pairing::Pairing, AffineRepr, CurveGroup};
use ark_ff::{One, PrimeField};
use ark_groth16::{Proof, VerifyingKey};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};
use core::ops::Neg;

use crate::{Fr, ZkError};

/// Bytes of a compressed BN254 Groth16 proof.
pub const PROOF_BYTES: usize = 128;

/// The identity of a verifying key: `blake3` of its encoding.
pub fn vk_hash(key: &[u8]) -> [u8; 32] {
    *blake3::hash(key).as_bytes()
}

/// Decodes an uncompressed verifying key, checking every point.
pub fn decode_key(key: &[u8]) -> Result<VerifyingKey<Bn254>, ZkError> {
    let mut reader = key;
    let vk = VerifyingKey::<Bn254>::deserialize_with_mode(&mut reader, Compress::No, Validate::Yes)
        .map_err(|_| ZkError::MalformedKey)?;
    if !reader.is_empty() || vk.gamma_abc_g1.is_empty() {
        return Err(ZkError::MalformedKey);
    }
    Ok(vk)
}

/// Decodes a key the chain already checked with [`decode_key`] when it was
/// registered, without re-checking its points (subgroup checks on four G2
/// points cost more than the pairing).
pub fn decode_registered_key(key: &[u8]) -> Result<VerifyingKey<Bn254>, ZkError> {
    let mut reader = key;
    let vk = VerifyingKey::<Bn254>::deserialize_with_mode(&mut reader, Compress::No, Validate::No)
        .map_err(|_| ZkError::MalformedKey)?;
    if !reader.is_empty() || vk.gamma_abc_g1.is_empty() {
        return Err(ZkError::MalformedKey);
    }
    Ok(vk)
}

/// Decodes a compressed proof, checking every point.
pub fn decode_proof(proof: &[u8]) -> Result<Proof<Bn254>, ZkError> {
    if proof.len() != PROOF_BYTES {
        return Err(ZkError::MalformedProof);
    }
    let mut reader = proof;
    Proof::<Bn254>::deserialize_with_mode(&mut reader, Compress::Yes, Validate::Yes).map_err(|_| ZkError::MalformedProof)
}

/// Checks `proof` against the encoded key `key` and the public inputs.
pub fn verify(key: &[u8], proof: &[u8], inputs: &[Fr]) -> Result<(), ZkError> {
    let vk = decode_key(key)?;
    let proof = decode_proof(proof)?;
    verify_decoded(&vk, &proof, inputs)
}

/// The Groth16 check on decoded values, as one product of four pairings:
/// `e(A, B) · e(-α, β) · e(-L, γ) · e(-C, δ) = 1` with `L = IC₀ + Σ xᵢ·ICᵢ`.
pub fn verify_decoded(vk: &VerifyingKey<Bn254>, proof: &Proof<Bn254>, inputs: &[Fr]) -> Result<(), ZkError> {
    if inputs.len() + 1 != vk.gamma_abc_g1.len() {
        return Err(ZkError::InputCount { expected: (vk.gamma_abc_g1.len() - 1) as u32, got: inputs.len() as u32 });
    }
    let mut l: G1Projective = vk.gamma_abc_g1[0].into_group();
    for (x, base) in inputs.iter().zip(&vk.gamma_abc_g1[1..]) {
        l += base.mul_bigint(x.into_bigint());
    }
    let g1: [G1Affine; 4] =
        [proof.a, vk.alpha_g1.into_group().neg().into_affine(), l.neg().into_affine(), proof.c.into_group().neg().into_affine()];
    let g2: [G2Affine; 4] = [proof.b, vk.beta_g2, vk.gamma_g2, vk.delta_g2];
    let product = Bn254::multi_pairing(g1, g2);
    if product.0.is_one() {
        Ok(())
    } else {
        Err(ZkError::ProofRejected)
    }
}

/// A well-formed verifying key for `public_inputs` inputs, made of the
/// groups' generators. Anyone can forge proofs against it: it exists for
/// benchmarks and tests of key handling, never for a model.
pub fn generator_key(public_inputs: usize) -> Vec<u8> {
    let (g1, g2) = (G1Affine::generator(), G2Affine::generator());
    let vk = VerifyingKey::<Bn254> {
        alpha_g1: g1,
        beta_g2: g2,
        gamma_g2: g2,
        delta_g2: g2,
        gamma_abc_g1: alloc::vec![g1; public_inputs + 1],
    };
    let mut out = Vec::new();
    vk.serialize_with_mode(&mut out, Compress::No).expect("writing to a Vec cannot fail");
    out
}

/// A well-formed proof of the groups' generators: it decodes, and proves
/// nothing under any real key. For benchmarks that must run the whole check.
pub fn generator_proof() -> [u8; PROOF_BYTES] {
    let proof = Proof::<Bn254> { a: G1Affine::generator(), b: G2Affine::generator(), c: G1Affine::generator() };
    let mut out = [0u8; PROOF_BYTES];
    proof.serialize_with_mode(&mut out[..], Compress::Yes).expect("128 bytes hold a compressed proof");
    out
}
