//! The three-verifier majority rule.
//!
//! One executor and three verifiers each reveal a fingerprint of the output
//! they computed; a missing reveal is `None`. With `~` meaning [`agrees`]:
//!
//! - **Accepted** when at least two verifiers `~` the executor. The majority is
//!   the executor and every verifier that `~` it.
//! - **Rejected** when at least two verifiers `~` each other and neither `~` the
//!   executor (a missing executor agrees with nobody). The majority is every
//!   verifier in such a pair; the executor is out.
//! - **Inconclusive** otherwise: too few reveals, or everyone disagrees. Nobody
//!   is in the majority, so nobody can be paid or slashed for the outcome
//!   itself; the task pallet decides whether to re-run or refund.
//!
//! The two decisive cases exclude each other: if two of three verifiers agree
//! with the executor, at most one is left to disagree. The rule is symmetric in
//! the order of verifiers: permuting them permutes the flags and nothing else.
//! Agreement within a tolerance is not transitive, which is why the rule looks
//! at the pairs it needs and never infers agreement through a third party.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::{agrees, Fingerprint, LshParams};

/// The outcome of a vote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum Outcome {
    /// The executor's result stands.
    Accepted,
    /// A verifier majority contradicts the executor.
    Rejected,
    /// No majority either way.
    Inconclusive,
}

/// The outcome and who formed the majority, so settlement can pay and slash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct Verdict {
    /// What was decided.
    pub outcome: Outcome,
    /// Whether the executor is in the majority (only when accepted).
    pub executor_in_majority: bool,
    /// Whether each verifier, in the order given, is in the majority.
    pub verifiers_in_majority: [bool; 3],
}

/// Decides a task from the executor's and the verifiers' revealed fingerprints.
pub fn majority(
    executor: Option<&Fingerprint>,
    verifiers: [Option<&Fingerprint>; 3],
    params: &LshParams,
) -> Verdict {
    let agree = |a: Option<&Fingerprint>, b: Option<&Fingerprint>| match (a, b) {
        (Some(a), Some(b)) => agrees(a, b, params),
        _ => false,
    };
    let with_executor = verifiers.map(|v| agree(executor, v));
    if with_executor.iter().filter(|x| **x).count() >= 2 {
        return Verdict { outcome: Outcome::Accepted, executor_in_majority: true, verifiers_in_majority: with_executor };
    }

    let mut against = [false; 3];
    for i in 0..3 {
        for j in (i + 1)..3 {
            if !with_executor[i] && !with_executor[j] && agree(verifiers[i], verifiers[j]) {
                against[i] = true;
                against[j] = true;
            }
        }
    }
    if against.iter().any(|x| *x) {
        return Verdict { outcome: Outcome::Rejected, executor_in_majority: false, verifiers_in_majority: against };
    }
    Verdict { outcome: Outcome::Inconclusive, executor_in_majority: false, verifiers_in_majority: [false; 3] }
}
