//! # Triad zk: what the chain checks
//!
//! A Groth16 proof of inference proves one statement: *the model whose circuit
//! this verifying key was made for, run on the input that hashes to `h`, gives
//! the output `y`, for the job named by `ctx`*. This crate holds everything
//! the runtime needs to check such a proof, and nothing it does not: it is
//! `no_std`, knows no ONNX and no chain types, and the prover (`triad-zk`)
//! builds its public inputs with the same functions, so the two cannot drift.
//!
//! ## The statement's public inputs
//!
//! In this order (see [`public_inputs`]):
//!
//! 1. **`ctx`** ([`context`]): `blake3` of the model id, task id, attempt and
//!    the executor's account, cut to 248 bits. It binds a proof to one seat:
//!    a proof copied from an earlier task, another model or another worker
//!    proves a different statement. Groth16 proofs are malleable (anyone can
//!    re-randomize one into new, equally valid bytes), so replays are stopped
//!    by the statement, never by remembering proof bytes.
//! 2. **`h`** ([`input_hash`]): a Poseidon hash of the input bytes, packed 31
//!    to a field element after their length. The circuit recomputes it, so
//!    the proof is about exactly the bytes the client submitted. The chain
//!    computes it itself when the task is submitted.
//! 3. **`y`** ([`pack_outputs`]): the output integers, each offset by
//!    `2^(bits-1)` and packed `248 / bits` to a field element.
//!
//! ## Encodings
//!
//! - A proof is the compressed arkworks encoding of `(A ∈ G1, B ∈ G2, C ∈ G1)`:
//!   [`PROOF_BYTES`] = 128 bytes. Decoding checks the points are on the curve
//!   and in the prime-order subgroup.
//! - A verifying key is its uncompressed arkworks encoding (decompressing
//!   points costs square roots, which the runtime would pay on every proof).
//!   Its `blake3` hash is the key's identity in the model registry.
//!
//! ## Invariants
//!
//! - [`verify`] accepts only if the key decodes with every point checked, the
//!   number of public inputs is the one the key was made for, and
//!   `e(A, B) = e(α, β) · e(Σ xᵢ·ICᵢ, γ) · e(C, δ)`.
//! - Each packed output value is range-checked here before it becomes a field
//!   element, so two different outputs never pack to the same inputs.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

mod groth16;
mod poseidon;
mod statement;
#[cfg(test)]
mod tests;

pub use ark_bn254::Fr;
pub use groth16::{
    decode_key, decode_proof, decode_registered_key, generator_key, generator_proof, verify, verify_decoded, vk_hash, PROOF_BYTES,
};
pub use poseidon::{config as poseidon_config, input_hash, pack_bytes, BYTES_PER_ELEMENT};
pub use statement::{context, pack_outputs, public_inputs, OutputSpec, PACK_BITS};

/// Why a proof or key was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "std", derive(thiserror::Error))]
pub enum ZkError {
    /// The verifying key does not decode, or a point is off the curve or
    /// outside the prime-order subgroup.
    #[cfg_attr(feature = "std", error("the verifying key is malformed"))]
    MalformedKey,
    /// The proof is not 128 bytes of three valid, subgroup-checked points.
    #[cfg_attr(feature = "std", error("the proof is malformed"))]
    MalformedProof,
    /// The key was made for a different number of public inputs.
    #[cfg_attr(feature = "std", error("the key expects {expected} public inputs, the statement has {got}"))]
    InputCount {
        /// Public inputs the key was made for.
        expected: u32,
        /// Public inputs the statement has.
        got: u32,
    },
    /// An output has a different number of values than the circuit proves.
    #[cfg_attr(feature = "std", error("the circuit proves {expected} output values, the output has {got}"))]
    OutputCount {
        /// Values the circuit proves.
        expected: u32,
        /// Values posted.
        got: u32,
    },
    /// An output value does not fit the circuit's output width.
    #[cfg_attr(feature = "std", error("output value {index} does not fit in {bits} signed bits"))]
    OutputOutOfRange {
        /// Position of the value.
        index: u32,
        /// The width it must fit.
        bits: u8,
    },
    /// The output width is not one the packing supports (1 to 64 bits).
    #[cfg_attr(feature = "std", error("an output width of {0} bits is not supported"))]
    OutputWidth(u8),
    /// The pairing check failed: the proof does not prove this statement.
    #[cfg_attr(feature = "std", error("the proof does not prove this statement"))]
    ProofRejected,
}
