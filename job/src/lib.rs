//! # Triad jobs
//!
//! What a job is off chain, for everyone who handles one: the worker that
//! computes it, the client that submits it, the auditor and the explorer
//! that re-check it. Nothing here runs a model or talks to a chain: the
//! crate has no ONNX Runtime and no chain types, so a reader of chain data
//! links neither.
//!
//! - A model's inputs and outputs are [`TensorSpec`]s; its registry entry,
//!   as plain types, is a [`Schema`] (the chain client builds it from the
//!   entry it reads).
//! - Inputs and outputs travel as [`wire`] bytes, and come from and go to
//!   [`files`]: `.npy` arrays and KServe v2 JSON.
//! - A seat's [`Answer`] is its outputs, or why it could not run the task.
//!   The executor commits to [`EncodedAnswer::digest`] with a salt; the chain
//!   fingerprints what it reveals ([`fingerprint`]); each verifier [`vote`]s
//!   on it with the model's output checks.
//! - An output too large for a block stays with the executor, which states
//!   its fingerprint; whoever fetches the bytes checks the statement
//!   ([`check_stated`]) before trusting them.
//! - [`audit`] re-derives a settled task's outcome from what the chain
//!   recorded: commitments, fingerprints, votes, verdicts, proofs,
//!   attestations and payments, each check with its evidence.

#![deny(missing_docs)]

mod answer;
pub mod audit;
pub mod files;
mod schema;
pub mod wire;

pub use answer::{check_stated, fingerprint, vote, vote_of, Answer, Disagreement, EncodedAnswer};
pub use schema::{JobError, Schema, TensorSpec};

#[cfg(test)]
mod tests;
