//! # Triad verifier
//!
//! Honest inference on different hosts is not bit-identical: thread counts,
//! SIMD paths, graph optimizations and execution providers change the last
//! bits of float outputs. Triad therefore never compares outputs byte for byte.
//! Each worker reduces its output to a [`Fingerprint`], a locality-sensitive
//! hash that moves little under honest noise and completely under a different
//! output, and the chain compares fingerprints by Hamming distance.
//!
//! - [`LshParams`] define one fingerprint function: its [`Family`], length,
//!   seed, [`Quantization`] and tolerance. The model registry stores them.
//! - [`fingerprint`] computes a fingerprint of a [`Tensor`]. Families:
//!   random projections of float tensors (default), projections plus exact
//!   top-k classes for classifiers, a DCT perceptual hash for images, and an
//!   exact `blake3` digest for discrete outputs.
//! - [`distance`] and [`agrees`] compare two fingerprints.
//! - [`majority`] turns one executor's and three verifiers' reveals into a
//!   [`Verdict`]: accepted, rejected or inconclusive, and who was in the majority.
//!
//! The crate has no chain types and builds `no_std` with `alloc`, so the
//! runtime and the worker share one implementation. The calibration harness
//! (`verifier/calibration`, run by `scripts/calibrate.sh`) measures
//! false-accept and false-reject rates on real ONNX models.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

mod fingerprint;
mod majority;
mod params;
mod phash;
mod projection;
mod rng;
mod tensor;

pub use fingerprint::{agrees, distance, fingerprint, Fingerprint, FINGERPRINT_BYTES, INCOMPARABLE};
pub use majority::{majority, Outcome, Verdict};
pub use params::{
    Family, LshParams, ParamsError, Quantization, MAX_BITS, MAX_CELLS_LOG2, MAX_SYMBOL_BITS, MAX_TOP_K, PHASH_SIDE,
};
pub use projection::SKETCH_DIM;
pub use tensor::{FingerprintError, Tensor};

#[cfg(test)]
mod tests;
