//! The three-verifier majority rule, and the one-verifier rule of TEE mode.
//!
//! The executor's answer is fingerprinted on chain under the attempt key
//! (its output, or the fixed fingerprint of a "cannot run" answer; `None` if
//! it never opened its commitment). Each verifier reveals the fingerprint of
//! its own answer under the same key, committed before the executor's output
//! was public, and its [`Vote`] on the executor's posted output against its
//! own full output (see [`crate::check`]). With `~` meaning [`agrees`], a
//! verifier **endorses** the executor when its fingerprint `~` the executor's
//! and it voted [`Vote::Match`]; every other verifier that revealed
//! **opposes** it.
//!
//! - **Accepted** when at least two verifiers endorse the executor. The
//!   majority is the executor and every endorsing verifier.
//! - **Rejected** when two opposing verifiers `~` each other: two seats that
//!   computed the same thing independently, and not what the executor
//!   posted. The majority is every opposing verifier in such a pair; the
//!   executor is out. An executor that never opened its commitment is opposed
//!   by every verifier that revealed, so withholding is caught like lying.
//! - **Inconclusive** otherwise: too few reveals, or everyone disagrees.
//!   Nobody is in the majority, so nobody is paid or slashed for the outcome
//!   itself; the task pallet decides whether to re-run or refund.
//!
//! The two decisive cases exclude each other: if two of three verifiers
//! endorse the executor, at most one is left to oppose it. The rule is
//! symmetric in the order of verifiers: permuting them permutes the flags and
//! nothing else. Agreement within a tolerance is not transitive, which is why
//! the rule looks at the pairs it needs and never infers agreement through a
//! third party.
//!
//! A fingerprint alone cannot catch a small local edit, and a vote alone
//! cannot show that its verifier ran the model: the fingerprint, keyed after
//! the executor committed and revealed before anyone saw its output, shows
//! the verifier computed something close to the truth; the vote, cast with
//! the verifier's full output in hand, catches every difference beyond noise.

//! ## One attested executor, one verifier
//!
//! In TEE mode the executor runs inside attested hardware and a single
//! verifier re-runs the job ([`pair`]). The verifier alone can confirm the
//! executor but not overrule it: one seat against one seat says nothing
//! about which of the two is wrong, so a disagreement is inconclusive and
//! the task is re-run with other seats. Nobody is paid for a disagreement,
//! so a lazy verifier earns nothing, and a cheating executor has to both
//! break its TEE and be checked by its own accomplice.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::{agrees, Fingerprint, LshParams};

/// A verifier's judgement of the executor's posted output against its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum Vote {
    /// The executor's output is the verifier's, up to honest noise, under the
    /// model's output check; or both could not run the task, for the same reason.
    Match,
    /// It is not, or the executor posted nothing.
    Mismatch,
}

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

/// Decides an attempt from the executor's fingerprint and the verifiers'
/// revealed fingerprints and votes.
pub fn majority(executor: Option<&Fingerprint>, verifiers: [Option<(&Fingerprint, Vote)>; 3], params: &LshParams) -> Verdict {
    let endorses = verifiers.map(|v| match (executor, v) {
        (Some(e), Some((fp, Vote::Match))) => agrees(e, fp, params),
        _ => false,
    });
    if endorses.iter().filter(|x| **x).count() >= 2 {
        return Verdict { outcome: Outcome::Accepted, executor_in_majority: true, verifiers_in_majority: endorses };
    }

    let opposes = |i: usize| verifiers[i].is_some() && !endorses[i];
    let mut against = [false; 3];
    for i in 0..3 {
        for j in (i + 1)..3 {
            if let (true, true, Some((a, _)), Some((b, _))) = (opposes(i), opposes(j), verifiers[i], verifiers[j]) {
                if agrees(a, b, params) {
                    against[i] = true;
                    against[j] = true;
                }
            }
        }
    }
    if against.iter().any(|x| *x) {
        return Verdict { outcome: Outcome::Rejected, executor_in_majority: false, verifiers_in_majority: against };
    }
    Verdict { outcome: Outcome::Inconclusive, executor_in_majority: false, verifiers_in_majority: [false; 3] }
}

/// Decides an attempt with one verifier: accepted when it endorses the
/// executor (its fingerprint agrees and it voted [`Vote::Match`]),
/// inconclusive otherwise. Never rejected: see the module docs.
pub fn pair(executor: Option<&Fingerprint>, verifier: Option<(&Fingerprint, Vote)>, params: &LshParams) -> Verdict {
    let endorses = match (executor, verifier) {
        (Some(e), Some((fp, Vote::Match))) => agrees(e, fp, params),
        _ => false,
    };
    if endorses {
        Verdict { outcome: Outcome::Accepted, executor_in_majority: true, verifiers_in_majority: [true, false, false] }
    } else {
        Verdict { outcome: Outcome::Inconclusive, executor_in_majority: false, verifiers_in_majority: [false; 3] }
    }
}
