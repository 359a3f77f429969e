//! # Triad worker
//!
//! A native process that serves registered ONNX models on a Triad chain. It
//! signs with its own key, registers and bonds itself, passes probation on
//! each model it serves (reproducing the model's calibration cases), then
//! follows best blocks and acts on every seat it is drawn for:
//!
//! - **every seat** runs the model as soon as it is drawn (within a time
//!   budget, half the execute period by default) and keeps its answer, its
//!   outputs or why it could not run the input, on disk with a fresh salt;
//! - **executor**: commits to its salted answer, and in the reveal phase
//!   opens it: the encoded outputs, which the chain fingerprints, or, for
//!   an output too large for a block, their hash and fingerprint, while it
//!   serves the bytes over the data plane (`posted`);
//! - **verifier**: once the chain has drawn the attempt key, commits to the
//!   fingerprint of its own outputs under it; once the executor's output is
//!   posted (fetched by its hash and checked against the fingerprint the
//!   executor stated, when it is off chain), compares it with its own under
//!   the model's output checks and reveals its fingerprint with its vote.
//!
//! Acting on best rather than finalized blocks saves a block or two per phase;
//! a seat's action is idempotent against the task's state at the block it
//! reads, so a re-org only costs a refused transaction.
//!
//! Inference runs in ONNX Runtime through [`triad_inference`] with explicit
//! thread and optimization settings, logged when a model loads. What the
//! input decides (ONNX Runtime refuses it, it runs past the budget, the
//! output is too large to post) becomes a typed "cannot run" answer that
//! every honest seat gives alike, so they agree and the client, not the
//! workers, pays for asking. A failure of the worker's own (a missing model
//! file) commits nothing. Each model has its own session, so a slow input
//! holds back only that model's tasks, and only for the budget. Models come
//! from a local store of files named by their registered `blake3` hash
//! ([`store`]). Answers, salts and committed fingerprints are written to
//! disk before each commit ([`state`]), so a worker restarted between commit
//! and reveal still reveals.
//!
//! Off-chain inputs come over the data plane ([`blobs`]): the worker keeps
//! a libp2p identity, registers its peer id and address, fetches a task's
//! input from the client's provider address or from the other seats,
//! checked against its `blake3` hash as it arrives, and serves what it
//! holds. An input nobody delivers in time is answered
//! `CannotRun::InputUnavailable`, paid by the client.
//!
//! [`Behaviour`] makes a worker misbehave in named ways for tests, and
//! [`metrics`] exposes Prometheus counters and histograms.

#![deny(missing_docs)]

mod attacks;
pub mod behaviour;
pub mod blobs;
mod calibration;
mod compute;
pub mod metrics;
mod posted;
mod prove;
mod service;
pub mod state;
pub mod store;
pub mod tee;

pub use behaviour::Behaviour;
pub use service::{Options, Worker, WorkerError};
