//! # Triad verifier
//!
//! Honest inference on different hosts is not bit-identical: thread counts,
//! SIMD paths, graph optimizations and execution providers change the last
//! bits of float outputs. Triad therefore never compares outputs byte for
//! byte, and never trusts one worker's word for what it computed.
//!
//! - [`wire`] is the canonical encoding of a job's tensors (inputs on chain,
//!   the executor's posted output) and [`wire::fit`] the one definition of an
//!   input a model can run.
//! - [`LshParams`] define a family of fingerprint functions; an
//!   [`AttemptKey`], drawn by the chain after the executor commits, picks one.
//!   [`fingerprint`] reduces an output to a [`Fingerprint`], a
//!   locality-sensitive hash that moves little under honest noise and
//!   completely under a different output; [`distance`] and [`agrees`] compare
//!   two. A verifier's fingerprint shows it ran the model: it is committed
//!   before the executor's output is public, under a key nobody knew when
//!   the attempt was assigned, so it can neither be copied nor replayed.
//! - [`check`] compares the executor's posted output with a verifier's own
//!   full output, element by element and by the model's decision (class,
//!   thresholded map) with ties inside the noise allowed; the verifier votes
//!   on the result.
//! - [`majority`] turns the executor's fingerprint and three verifiers'
//!   fingerprints and votes into a [`Verdict`]: accepted, rejected or
//!   inconclusive, and who was in the majority; [`pair`] does the same for
//!   TEE mode's single verifier, which can confirm but never overrule.
//!
//! The crate has no chain types and builds `no_std` with `alloc`, so the
//! runtime and the worker share one implementation. The calibration harness
//! (`verifier/calibration`, run by `scripts/calibrate.sh`) measures
//! false-accept and false-reject rates on real ONNX models.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub mod check;
mod fingerprint;
mod majority;
mod params;
mod phash;
mod projection;
mod rng;
mod tensor;
pub mod wire;

pub use check::{compare, default_check, Decision, Mismatch, OutputCheck};
pub use fingerprint::{
    agrees, cannot_run, distance, fingerprint, AttemptKey, CannotRun, Fingerprint, CALIBRATION_KEY, FINGERPRINT_BYTES,
    INCOMPARABLE,
};
pub use majority::{majority, pair, Outcome, Verdict, Vote};
pub use params::{Family, LshParams, ParamsError, Quantization, MAX_BITS, MAX_CELLS_LOG2, MAX_SYMBOL_BITS, PHASH_SIDE};
pub use projection::{null_space_edit, sketch_slot, SKETCH_DIM};
pub use tensor::{all_finite, DType, Data, FingerprintError, Tensor, TensorData};

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_check;
