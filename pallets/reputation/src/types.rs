//! The stored state of one worker's score.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Evidence for and against a worker, in thousandths of a task.
///
/// The score is the mean of a Beta(`alpha`, `beta`) distribution:
/// `alpha / (alpha + beta)`, the estimated chance that the worker's next
/// result is honest. Both start at the configured prior and only the part
/// above the prior decays, so a worker's standing drifts back to that of a
/// newcomer when it stops earning it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct Standing<BlockNumber> {
    /// Evidence of honesty (thousandths).
    pub alpha: u64,
    /// Evidence of dishonesty or unreliability (thousandths).
    pub beta: u64,
    /// Block at which decay was last applied.
    pub updated: BlockNumber,
    /// Settled tasks recorded, for auditors.
    pub tasks: u32,
}
