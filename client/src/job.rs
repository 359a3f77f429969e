//! What a seat computes for a task, shared by the worker that computes it and
//! the auditor that re-checks it.
//!
//! - A model's schema comes from its registry entry ([`Schema::of`]); only the
//!   element types ONNX Runtime is fed here (`FP32`, `INT64`, `UINT8`) are
//!   accepted, as the registry itself demands.
//! - Inputs and outputs travel as [`triad_inference::wire`] bytes.
//! - A seat's [`Answer`] is its outputs, or why it could not run the task.
//!   The executor commits to [`Answer::digest`] with a salt; the chain
//!   fingerprints what it reveals.
//! - The fingerprint covers the model's first output under the attempt key
//!   ([`fingerprint`]): classifiers, detectors and embedders put their answer
//!   there, and one tensor keeps the LSH a function of one well-defined
//!   vector. The [`vote`] compares every output with the model's checks.
//! - An output too large for a block stays with the executor, which states
//!   its fingerprint; whoever fetches the bytes checks the statement
//!   ([`check_stated`]) before trusting them.

use triad_inference::{wire, DType, TensorData, TensorSpec};
use triad_verifier::{AttemptKey, CannotRun, Fingerprint, LshParams, Mismatch, OutputCheck, Vote};

use crate::chain::runtime_types::pallet_triad_models::types::{DataType, ModelInfo, TensorSpec as ChainSpec};

/// Why a task cannot be computed, before or after ONNX Runtime runs.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The registry declares a tensor type this worker cannot feed.
    #[error("model {kind} '{name}' is {datatype}, which workers cannot run (FP32, INT64 and UINT8 only)")]
    UnsupportedType {
        /// `input` or `output`.
        kind: &'static str,
        /// Its name.
        name: String,
        /// The registered type.
        datatype: String,
    },
    /// The input bytes are not a valid tensor list for the model.
    #[error(transparent)]
    Wire(#[from] wire::WireError),
    /// ONNX Runtime refused the input or failed.
    #[error(transparent)]
    Inference(#[from] triad_inference::InferenceError),
    /// The model produced no output, or one the fingerprint cannot take.
    #[error("cannot fingerprint the output: {0}")]
    Fingerprint(String),
    /// A registry entry this client cannot read.
    #[error("registry entry: {0}")]
    Registry(String),
}

/// A registered model as a worker or client needs it.
#[derive(Clone, Debug)]
pub struct Schema {
    /// Registered name.
    pub name: String,
    /// `blake3` of the ONNX file.
    pub onnx_hash: [u8; 32],
    /// Its length in bytes: with the hash, what the data plane fetches it by.
    pub onnx_size: u64,
    /// Inputs, in graph order.
    pub inputs: Vec<TensorSpec>,
    /// Outputs, in graph order.
    pub outputs: Vec<TensorSpec>,
    /// How outputs are fingerprinted.
    pub lsh: LshParams,
    /// How each output is compared with a verifier's own, in output order.
    pub checks: Vec<OutputCheck>,
    /// `blake3` of the Groth16 verifying key, when the model allows proofs.
    pub groth16: Option<[u8; 32]>,
}

fn spec(kind: &'static str, s: &ChainSpec) -> Result<TensorSpec, JobError> {
    let name = String::from_utf8_lossy(&s.name.0).into_owned();
    let dtype = match s.datatype {
        DataType::F32 => DType::F32,
        DataType::I64 => DType::I64,
        DataType::U8 => DType::U8,
        ref other => return Err(JobError::UnsupportedType { kind, name, datatype: format!("{other:?}") }),
    };
    Ok(TensorSpec { name, dtype, shape: s.shape.0.clone() })
}

impl Schema {
    /// The schema of a registry entry.
    pub fn of(info: &ModelInfo) -> Result<Self, JobError> {
        let native = |e: crate::ClientError| JobError::Registry(e.to_string());
        Ok(Schema {
            name: String::from_utf8_lossy(&info.name.0).into_owned(),
            onnx_hash: info.onnx_hash,
            onnx_size: info.onnx_size,
            inputs: info.inputs.0.iter().map(|s| spec("input", s)).collect::<Result<_, _>>()?,
            outputs: info.outputs.0.iter().map(|s| spec("output", s)).collect::<Result<_, _>>()?,
            lsh: crate::native(&info.lsh).map_err(native)?,
            checks: info.checks.0.iter().map(|c| crate::native(c)).collect::<Result<_, _>>().map_err(native)?,
            groth16: info.modes.groth16,
        })
    }

    /// Decodes job input bytes, checks them as the chain does at
    /// submission, and puts them in the model's input order.
    pub fn inputs_from_bytes(&self, bytes: &[u8]) -> Result<Vec<TensorData>, JobError> {
        Ok(wire::fit(&self.inputs, bytes)?)
    }

    /// Names outputs after the model's declared outputs.
    pub fn named_outputs(&self, outputs: Vec<TensorData>) -> Vec<wire::NamedTensor> {
        self.outputs.iter().zip(outputs).map(|(s, tensor)| wire::NamedTensor { name: s.name.clone(), tensor }).collect()
    }
}

/// A seat's answer to a task.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// The model's outputs, in graph order.
    Output(Vec<TensorData>),
    /// It could not run the task, for a reason every honest seat shares.
    CannotRun(CannotRun),
}

impl Answer {
    /// What the executor reveals: the encoded output, or the reason.
    pub fn encoded(&self, schema: &Schema) -> EncodedAnswer {
        match self {
            Answer::Output(tensors) => EncodedAnswer::Output(wire::encode(&schema.named_outputs(tensors.clone()))),
            Answer::CannotRun(r) => EncodedAnswer::CannotRun(*r),
        }
    }

    /// The fingerprint a seat commits to under the attempt key.
    pub fn fingerprint(&self, params: &LshParams, key: &AttemptKey) -> Result<Fingerprint, JobError> {
        match self {
            Answer::Output(tensors) => fingerprint(params, key, tensors),
            Answer::CannotRun(r) => Ok(triad_verifier::cannot_run(params, key, *r)),
        }
    }
}

/// An answer as bytes on the wire and on chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EncodedAnswer {
    /// The encoded output.
    Output(Vec<u8>),
    /// The reason it could not run.
    CannotRun(CannotRun),
}

impl EncodedAnswer {
    /// The digest the executor commits to (see `triad_primitives::Answer`).
    pub fn digest(&self) -> [u8; 32] {
        match self {
            EncodedAnswer::Output(bytes) => triad_primitives::Answer::Output(bytes).digest(),
            EncodedAnswer::CannotRun(r) => triad_primitives::Answer::CannotRun(*r).digest(),
        }
    }
}

/// The fingerprint of a model's outputs under its parameters and `key`.
pub fn fingerprint(params: &LshParams, key: &AttemptKey, outputs: &[TensorData]) -> Result<Fingerprint, JobError> {
    let first = outputs.first().ok_or_else(|| JobError::Fingerprint("the model returned no outputs".into()))?;
    triad_verifier::fingerprint(params, key, &first.view()).map_err(|e| JobError::Fingerprint(e.to_string()))
}

/// Why a verifier votes `Mismatch`.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Disagreement {
    /// The executor revealed nothing.
    #[error("the executor revealed no answer")]
    NothingPosted,
    /// The posted bytes are not an output of this model.
    #[error("the posted output is not a tensor list of the model's outputs")]
    Unreadable,
    /// The executor posted an off-chain output that this seat could not
    /// fetch from it or from anyone holding it.
    #[error("the executor's off-chain output could not be fetched: {0}")]
    Unavailable(String),
    /// The off-chain output's bytes do not give the fingerprint the executor
    /// stated for them, which is the one the majority compares.
    #[error("the off-chain output does not give the fingerprint the executor stated")]
    StatedFingerprint,
    /// One answer is an output, the other a reason it could not run, or two different reasons.
    #[error("the executor answered {executor}, this seat {mine}")]
    Kind {
        /// What the executor answered.
        executor: String,
        /// What this seat answered.
        mine: String,
    },
    /// An output differs beyond its check.
    #[error("output '{output}': {mismatch}")]
    Output {
        /// The output's name.
        output: String,
        /// How it differs.
        mismatch: Mismatch,
    },
}

/// A verifier's vote on what the executor revealed, against its own answer:
/// `Match` when every output passes its registered check, or both could not
/// run the task for the same reason.
pub fn vote(schema: &Schema, posted: Option<&EncodedAnswer>, mine: &Answer) -> Result<(), Disagreement> {
    let kind = |a: &Answer| match a {
        Answer::Output(_) => "an output".to_string(),
        Answer::CannotRun(r) => format!("cannot run ({r:?})"),
    };
    match (posted.ok_or(Disagreement::NothingPosted)?, mine) {
        (EncodedAnswer::CannotRun(theirs), Answer::CannotRun(ours)) if theirs == ours => Ok(()),
        (EncodedAnswer::CannotRun(theirs), _) => {
            Err(Disagreement::Kind { executor: kind(&Answer::CannotRun(*theirs)), mine: kind(mine) })
        },
        (EncodedAnswer::Output(_), Answer::CannotRun(_)) => {
            Err(Disagreement::Kind { executor: "an output".into(), mine: kind(mine) })
        },
        (EncodedAnswer::Output(bytes), Answer::Output(ours)) => {
            let theirs = wire::decode(bytes).map_err(|_| Disagreement::Unreadable)?;
            if theirs.len() != ours.len() || theirs.len() != schema.outputs.len() {
                return Err(Disagreement::Unreadable);
            }
            for ((t, o), (spec, check)) in theirs.iter().zip(ours).zip(schema.outputs.iter().zip(&schema.checks)) {
                if t.name != spec.name {
                    return Err(Disagreement::Unreadable);
                }
                triad_verifier::compare(check, &t.tensor.view(), &o.view())
                    .map_err(|mismatch| Disagreement::Output { output: spec.name.clone(), mismatch })?;
            }
            Ok(())
        },
    }
}

/// Checks the bytes of an off-chain output, fetched by the hash the executor
/// revealed, against the fingerprint it stated under the attempt key: they
/// must decode to an output and give exactly that fingerprint. The chain
/// cannot fingerprint bytes it never sees, so it takes the executor's word;
/// this is where the word is checked, before [`vote`] compares the values.
pub fn check_stated(
    params: &LshParams,
    key: &AttemptKey,
    bytes: &[u8],
    stated: &Fingerprint,
) -> Result<EncodedAnswer, Disagreement> {
    let tensors = wire::decode(bytes).map_err(|_| Disagreement::Unreadable)?;
    let outputs: Vec<TensorData> = tensors.into_iter().map(|t| t.tensor).collect();
    match fingerprint(params, key, &outputs) {
        Ok(fp) if fp == *stated => Ok(EncodedAnswer::Output(bytes.to_vec())),
        Ok(_) => Err(Disagreement::StatedFingerprint),
        Err(_) => Err(Disagreement::Unreadable),
    }
}

/// [`vote`] as the value a verifier reveals.
pub fn vote_of(schema: &Schema, posted: Option<&EncodedAnswer>, mine: &Answer) -> Vote {
    if vote(schema, posted, mine).is_ok() {
        Vote::Match
    } else {
        Vote::Mismatch
    }
}
