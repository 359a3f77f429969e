//! A seat's answer, the fingerprint the chain compares, and the vote a
//! verifier casts on what the executor revealed.

use triad_verifier::{AttemptKey, CannotRun, Fingerprint, LshParams, Mismatch, TensorData, Vote};

use crate::{wire, JobError, Schema};

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
