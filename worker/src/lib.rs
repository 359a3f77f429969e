//! # Triad worker
//!
//! A native process that serves registered ONNX models on a Triad chain. It
//! signs with its own key, registers and bonds itself, passes probation on
//! each model it serves (reproducing the model's calibration cases), then
//! follows best blocks and acts on every seat it is drawn for:
//!
//! - **executor**: runs the model on the task's input, fingerprints the first
//!   output, commits `blake3(fingerprint, salt, account, task)` together with
//!   the hash of its encoded outputs, and at reveal opens the commitment and
//!   posts the outputs when they fit `MaxInlineOutput`;
//! - **verifier**: re-runs the model independently and commits, then reveals,
//!   its own fingerprint.
//!
//! Acting on best rather than finalized blocks saves a block or two per phase;
//! a seat's action is idempotent against the task's state at the block it
//! reads, so a re-org only costs a refused transaction.
//!
//! Inference runs in ONNX Runtime through [`triad_inference`] with explicit
//! thread and optimization settings, logged when a model loads. Inputs are
//! decoded and checked against the registered schema first. An input that
//! does not fit is never run: every honest seat commits the same fixed
//! "invalid input" fingerprint, so they agree the job was malformed and the
//! client, not the workers, pays for it. A failure of the worker's own (a
//! missing model file, an ONNX Runtime error) commits nothing. Models come from a local store of files
//! named by their registered `blake3` hash ([`store`]). Salts and pending
//! reveals are written to disk before each commit ([`state`]), so a worker
//! restarted between commit and reveal still reveals.
//!
//! [`Behaviour`] makes a worker misbehave in named ways for tests, and
//! [`metrics`] exposes Prometheus counters and histograms.

#![deny(missing_docs)]

pub mod behaviour;
mod calibration;
mod compute;
pub mod metrics;
mod service;
pub mod state;
pub mod store;

pub use behaviour::Behaviour;
pub use service::{Options, Worker, WorkerError};
