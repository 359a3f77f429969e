//! # Triad zk: Groth16 proofs of quantized inference
//!
//! A model owner who wants results that need no re-execution exports an
//! integer-quantized ONNX model (`uint8` activations, `int8` weights, `int32`
//! accumulators, requantized by a multiply and a power-of-two division). This
//! crate:
//!
//! 1. **compiles** it ([`Graph::from_onnx`]) to exact integer operations with
//!    proven per-element bounds, refusing, with the operator named, anything
//!    it cannot compute exactly as ONNX Runtime does;
//! 2. builds its **circuit** ([`circuit::InferenceCircuit`]), in which the
//!    public weights are constants, so linear layers cost no constraints and
//!    only range facts (Relu, requantization, clipping) cost about one
//!    constraint per bit;
//! 3. runs the **setup** ([`Compiled::setup`]), whose verifying key the owner
//!    registers with the model, and **proves** runs ([`Compiled::prove`]),
//!    whose 128-byte proofs the chain checks with `triad_zk_verify`.
//!
//! The statement and its public inputs are defined once, in
//! `triad_zk_verify`; this crate only builds witnesses for them.
//!
//! ## Trust
//!
//! Groth16's setup is per circuit. Whoever runs it could keep its randomness
//! and forge proofs for that model's key. Here the model owner runs it, so a
//! proof convinces a client exactly as far as the client trusts the owner not
//! to have kept it (or to have run a multi-party ceremony instead). The
//! verifying key's hash is on chain with the model for anyone to compare.
//!
//! ## Invariants
//!
//! - For every input, [`Compiled::run`] equals ONNX Runtime's output on the
//!   same model, and a proof exists only for that output (tested on random
//!   inputs against `ort`).
//! - A compiled graph's every value stays inside its ONNX type's range.

pub mod circuit;
mod eval;
pub mod graph;
mod keys;
mod onnx;
#[cfg(test)]
mod tests;

pub use eval::evaluate;
pub use graph::{DType, Graph, Op};
pub use keys::{decode_proving_key, encode_proving_key, Compiled, Keys, Proven};
pub use triad_zk_verify as verify;

/// A Groth16 proving key over BN254.
pub type ProvingKey = ark_groth16::ProvingKey<ark_bn254::Bn254>;

/// Log target of this crate.
pub const LOG_TARGET: &str = "triad::zk";

/// Why a model cannot be compiled, or an input cannot be run.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CompileError {
    /// The bytes are not an ONNX model.
    #[error("not an ONNX model: {0}")]
    Decode(String),
    /// The model's inputs or outputs are not what a circuit can take.
    #[error("{0}")]
    Io(String),
    /// A constant tensor cannot be read.
    #[error("constant `{name}`: {why}")]
    Constant {
        /// Its name.
        name: String,
        /// What is wrong.
        why: String,
    },
    /// An operator the compiler has no exact rule for.
    #[error("operator {op} (node `{node}`) cannot be proven: {why}")]
    Unsupported {
        /// The ONNX operator.
        op: String,
        /// The node's name.
        node: String,
        /// Why.
        why: String,
    },
    /// A value could leave its type's range, where ONNX Runtime would wrap.
    #[error("node `{node}` may overflow {dtype}")]
    MayOverflow {
        /// The node's name.
        node: String,
        /// The type it would overflow.
        dtype: &'static str,
    },
    /// The input has the wrong number of bytes.
    #[error("the input must be {expected} bytes, it is {got}")]
    InputSize {
        /// Bytes the model takes.
        expected: usize,
        /// Bytes given.
        got: usize,
    },
}

/// Why a setup or proof failed.
#[derive(Debug, thiserror::Error)]
pub enum ProveError {
    /// The input does not fit the model.
    #[error(transparent)]
    Input(#[from] CompileError),
    /// The constraint system could not be built or proven.
    #[error("proving failed: {0}")]
    Synthesis(#[from] ark_relations::r1cs::SynthesisError),
    /// A key or proof could not be encoded or decoded.
    #[error("key encoding: {0}")]
    Encoding(String),
    /// The statement could not be formed.
    #[error(transparent)]
    Statement(#[from] triad_zk_verify::ZkError),
}
