//! # Triad inference
//!
//! Runs ONNX models with ONNX Runtime through `ort`, for the worker and the
//! verifier's calibration harness. Three things matter more here than in a
//! plain inference wrapper:
//!
//! - **Explicit settings.** Thread count and graph optimization level change
//!   the last bits of float outputs. They are set from [`Settings`], never left
//!   to defaults, and reported by [`Model::describe`] so logs show them.
//! - **Schema checks.** Inputs are checked against the model's declared names,
//!   element types and shapes (`-1` is a dynamic dimension) before they reach
//!   ONNX Runtime, so a wrong shape is a typed [`InferenceError`], never a
//!   crash or a garbage result that a worker would then commit to.
//! - **Content addressing.** A model is identified by the `blake3` hash of its
//!   bytes, which is what the on-chain registry stores.
//!
//! ONNX Runtime is loaded at run time (`ort`'s `load-dynamic`) from
//! `ORT_DYLIB_PATH`, or from `.triad/onnxruntime/` where `scripts/prereqs.sh`
//! installs the library of the PyPI `onnxruntime` wheel.

#![deny(missing_docs)]

mod opset;
mod runtime;
mod tensor;

pub use opset::default_opset;
pub use runtime::{check_inputs, dylib_path, init, Model, Optimization, Settings};
pub use tensor::{DType, Data, TensorData};
/// Tensor specs, wire bytes and input files are `triad-job`'s, which links
/// no ONNX Runtime; they are re-exported here for the code that runs models.
pub use triad_job::{files, wire, TensorSpec};

/// Everything that can go wrong between a model file and its outputs.
#[derive(Debug, thiserror::Error)]
pub enum InferenceError {
    /// No ONNX Runtime library was found.
    #[error("ONNX Runtime library not found (looked at {0}); run scripts/prereqs.sh or set ORT_DYLIB_PATH")]
    DylibNotFound(String),
    /// The library exists but could not be loaded or initialized.
    #[error("cannot load ONNX Runtime from {path}: {reason}")]
    DylibLoad {
        /// The library tried.
        path: String,
        /// What ONNX Runtime said.
        reason: String,
    },
    /// The model file could not be read.
    #[error("cannot read model {path}: {source}")]
    ReadModel {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// ONNX Runtime rejected the model: not ONNX, unsupported operator or opset.
    #[error("malformed or unsupported ONNX model: {0}")]
    MalformedModel(String),
    /// The model declares an input or output this crate cannot feed or read.
    #[error("model {kind} '{name}' has unsupported type {found}")]
    UnsupportedType {
        /// `input` or `output`.
        kind: &'static str,
        /// Its name.
        name: String,
        /// What it is.
        found: String,
    },
    /// Wrong number of inputs.
    #[error("model takes {expected} inputs, got {found}")]
    InputCount {
        /// Declared inputs.
        expected: usize,
        /// Inputs given.
        found: usize,
    },
    /// An input has the wrong element type.
    #[error("input '{name}' must be {expected:?}, got {found:?}")]
    InputType {
        /// The input.
        name: String,
        /// Declared type.
        expected: DType,
        /// Given type.
        found: DType,
    },
    /// An input has the wrong shape.
    #[error("input '{name}' must have shape {expected:?} (-1 = any), got {found:?}")]
    InputShape {
        /// The input.
        name: String,
        /// Declared shape.
        expected: Vec<i64>,
        /// Given shape.
        found: Vec<usize>,
    },
    /// The element count does not match the shape.
    #[error("tensor has {elements} elements but shape {shape:?}")]
    ElementCount {
        /// Elements given.
        elements: usize,
        /// Shape given.
        shape: Vec<usize>,
    },
    /// ONNX Runtime failed while running.
    #[error("inference failed: {0}")]
    Run(String),
    /// The run was stopped at its time budget.
    #[error("inference did not finish within its budget of {budget_ms} ms")]
    TimedOut {
        /// The budget.
        budget_ms: u64,
    },
}

#[cfg(test)]
mod tests;
