//! # The audit of a task
//!
//! Re-derives a task's outcome from what the chain recorded, trusting no
//! party's word: not the executor's, not the verifiers', not the block
//! author's, and not an index of the chain (the explorer's database). The
//! caller gathers a [`TaskRecord`] from chain data (`triad-client` does it
//! from a node) and [`audit`] checks it, returning a [`Report`] of every
//! [`Check`] with its result and the evidence it rests on.
//!
//! For each attempt:
//! - the executor's revealed answer opens its commitment (the answer's
//!   salted digest, bound to its account and the task);
//! - the chain's fingerprint of it is recomputed here under the attempt key
//!   from the posted bytes (an off-chain output is checked against the
//!   fingerprint the executor stated, once its bytes are fetched);
//! - each verifier's revealed fingerprint and vote open its commitment;
//! - the verdict follows from the fingerprints and votes ([`majority`], or
//!   [`pair`] for a TEE attempt);
//! - a proved attempt's Groth16 proof verifies against the model's key, the
//!   stored input and the posted output exactly when the chain accepted it;
//! - a TEE attempt's executor was drawn with an attestation that counted;
//! - a seat that never revealed was slashed when the attempt was decided.
//!
//! For the task: payments and refund add up to the escrow, and the result
//! the client receives is the accepted attempt's posted output.
//!
//! [`majority`]: triad_verifier::majority
//! [`pair`]: triad_verifier::pair
//!
//! ## Invariants
//! - A report with any failed check concludes [`Conclusion::Failed`]; one
//!   that never ran or is not settled never concludes `Passed`.
//! - [`audit`] is a pure function of its record: the same chain data gives
//!   the same report on every machine.

mod run;
#[cfg(test)]
mod tests;

use serde::Serialize;
use triad_verifier::{AttemptKey, CannotRun, Fingerprint, LshParams, Verdict, Vote};

pub use run::audit;

use crate::EncodedAnswer;

/// How a task is verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Mode {
    /// Fingerprints committed then revealed, three verifiers' majority.
    Lsh,
    /// A Groth16 proof checked on chain.
    Groth16,
    /// An attested executor and one verifier.
    Tee,
}

/// A model's Groth16 key, as registered.
#[derive(Clone, Debug)]
pub struct ProofKey {
    /// The uncompressed verifying key.
    pub verifying_key: Vec<u8>,
    /// How many output values the circuit exposes.
    pub output_count: u32,
    /// Their signed width.
    pub output_bits: u8,
}

/// A task as the chain keeps it, with what the audit needs beside it.
#[derive(Clone, Debug)]
pub struct TaskRecord {
    /// Task id.
    pub id: u64,
    /// Model id.
    pub model: u32,
    /// How it is verified.
    pub mode: Mode,
    /// The model's LSH parameters.
    pub lsh: LshParams,
    /// The model's Groth16 key, for a proved task.
    pub proof_key: Option<ProofKey>,
    /// What the client escrowed.
    pub escrow: u128,
    /// The price of one attempt's executor.
    pub price: u128,
    /// What went back to the client.
    pub refunded: u128,
    /// How and when the task ended, if it has.
    pub settled: Option<Settlement>,
    /// The inline input, when the input was inline.
    pub input: Option<Vec<u8>>,
    /// The result the client receives, when kept on chain.
    pub result: Option<Vec<u8>>,
    /// Its attempts, oldest first.
    pub attempts: Vec<AttemptRecord>,
}

/// How a task ended.
#[derive(Clone, Debug)]
pub struct Settlement {
    /// The resolution, by name (`Accepted`, `Rejected`, `Refunded`, …).
    pub resolution: String,
    /// The block it ended in.
    pub at: u32,
}

/// What an attempt's executor posted, as the chain recorded it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Posted {
    /// An inline output, by its `blake3` hash.
    Output {
        /// `blake3` of the output bytes.
        hash: [u8; 32],
    },
    /// An output kept off chain.
    Offchain {
        /// `blake3` of the output bytes.
        hash: [u8; 32],
        /// Their length.
        size: u64,
    },
    /// Why it could not run the task.
    CannotRun(CannotRun),
}

/// The attestation a TEE attempt's executor was drawn with.
#[derive(Clone, Debug)]
pub struct Seal {
    /// The measurement, in words (`TDX MRTD …`).
    pub measurement: String,
    /// The TCB status, by Intel's name.
    pub tcb_status: String,
    /// When the quote was checked (Unix seconds).
    pub checked_at: u64,
    /// Until when it counts (Unix seconds).
    pub expires_at: u64,
}

/// What became of an off-chain output the auditor tried to fetch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fetched {
    /// Nobody tried (a reader of chain data alone).
    NotTried,
    /// Fetched by its hash; it gives the fingerprint the executor stated.
    Checked,
    /// Fetched by its hash, and it does not give the stated fingerprint.
    Refused(String),
    /// No seat serves it any more (workers keep outputs for a day).
    NotServed(String),
}

/// One attempt: who sat, what they committed and revealed, the verdict and
/// the money.
#[derive(Clone, Debug)]
pub struct AttemptRecord {
    /// The block its seats were drawn in.
    pub assigned_at: u32,
    /// The last block that belongs to it.
    pub end: u32,
    /// The attempt key, once drawn.
    pub key: Option<AttemptKey>,
    /// What the executor posted.
    pub posted: Option<Posted>,
    /// The posted output bytes the chain keeps, when inline.
    pub output: Option<Vec<u8>>,
    /// The executor's proof, for a proved attempt.
    pub proof: Option<Vec<u8>>,
    /// The executor's attestation, for a TEE attempt.
    pub attested: Option<Seal>,
    /// The chain's verdict, once decided.
    pub verdict: Option<Verdict>,
    /// Executor first, then the verifiers in draw order.
    pub seats: Vec<SeatRecord>,
    /// An off-chain output's fetch.
    pub fetched: Fetched,
}

/// One seat of an attempt.
#[derive(Clone, Debug)]
pub struct SeatRecord {
    /// Its account.
    pub who: [u8; 32],
    /// The account as people read it (SS58).
    pub name: String,
    /// Its commitment.
    pub commit: Option<[u8; 32]>,
    /// The fingerprint the chain recorded for it.
    pub reveal: Option<Fingerprint>,
    /// A verifier's recorded vote.
    pub vote: Option<Vote>,
    /// What it was paid.
    pub paid: u128,
    /// The bounty it earned.
    pub bounty: u128,
    /// What it lost.
    pub slashed: u128,
    /// The successful reveal extrinsic it signed, found in the attempt's blocks.
    pub call: Option<Found>,
}

/// A reveal extrinsic, located.
#[derive(Clone, Debug)]
pub struct Found {
    /// Its block.
    pub block: u64,
    /// Its index in the block.
    pub index: u32,
    /// What it revealed.
    pub reveal: Reveal,
}

/// What a reveal extrinsic carries.
#[derive(Clone, Debug)]
pub enum Reveal {
    /// The executor's inline answer.
    Answer {
        /// The answer.
        answer: EncodedAnswer,
        /// The commitment's salt.
        salt: [u8; 32],
    },
    /// The executor's off-chain output, by hash, with its stated fingerprint.
    Offchain {
        /// `blake3` of the output.
        hash: [u8; 32],
        /// Its length.
        size: u64,
        /// The fingerprint the executor states for it.
        fingerprint: Fingerprint,
        /// The commitment's salt.
        salt: [u8; 32],
    },
    /// A verifier's fingerprint and vote.
    Vote {
        /// Its fingerprint of its own run.
        fingerprint: Fingerprint,
        /// Its vote on the executor's answer.
        vote: Vote,
        /// The commitment's salt.
        salt: [u8; 32],
    },
}

/// What a check looked at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum CheckKind {
    /// The executor's reveal opens its commitment.
    AnswerOpens,
    /// The recorded fingerprint is recomputed from what was posted.
    Fingerprint,
    /// The posted output hashes to the recorded digest.
    OutputHash,
    /// The off-chain output, fetched, gives the stated fingerprint.
    OffchainOutput,
    /// A verifier's reveal opens its commitment.
    VoteOpens,
    /// A seat that never revealed was slashed.
    Absent,
    /// The verdict follows from fingerprints and votes.
    Verdict,
    /// The proof verifies exactly when the chain accepted it.
    Proof,
    /// The executor was drawn with an attestation that counted.
    Attestation,
    /// The executor of a proved attempt was paid or slashed as its proof says.
    ProofPayment,
    /// Payments and refund add up to the escrow.
    Settlement,
    /// The client's result is the accepted attempt's output.
    Result,
    /// An index of the chain (the explorer's database) agrees with it.
    Index,
}

/// One check, its result and its evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    /// The attempt it is about (1-based), or none for the whole task.
    pub attempt: Option<u32>,
    /// What was checked.
    pub kind: CheckKind,
    /// Whether it held.
    pub passed: bool,
    /// What it rests on, in words.
    pub evidence: String,
}

/// A fact the audit found on the way that is neither a pass nor a failure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Note {
    /// The attempt it is about (1-based), or none.
    pub attempt: Option<u32>,
    /// The fact.
    pub text: String,
}

/// What the audit concludes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Conclusion {
    /// Every check held and the task is settled.
    Passed,
    /// At least one check failed.
    Failed,
    /// No attempt was ever drawn; the escrow was refunded in full.
    NothingRan,
    /// Nothing failed so far, but the task is not settled.
    NotSettled,
}

/// Every check of one task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Task id.
    pub task: u64,
    /// What the checks add up to.
    pub conclusion: Conclusion,
    /// Every check, in the order made.
    pub checks: Vec<Check>,
    /// Facts found on the way.
    pub notes: Vec<Note>,
    #[serde(skip)]
    settled: bool,
    #[serde(skip)]
    ran: bool,
}

impl Report {
    /// A report of task `task` with no checks yet: `settled` if it ended,
    /// `ran` if any attempt was drawn.
    pub fn new(task: u64, settled: bool, ran: bool) -> Self {
        let mut report = Report { task, conclusion: Conclusion::Passed, checks: Vec::new(), notes: Vec::new(), settled, ran };
        report.conclude();
        report
    }

    /// Adds a check made elsewhere (an index compared with the chain) and
    /// concludes again.
    pub fn add(&mut self, attempt: Option<u32>, kind: CheckKind, passed: bool, evidence: impl Into<String>) {
        self.checks.push(Check { attempt, kind, passed, evidence: evidence.into() });
        self.conclude();
    }

    fn note(&mut self, attempt: Option<u32>, text: impl Into<String>) {
        self.notes.push(Note { attempt, text: text.into() });
    }

    /// The failed checks.
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| !c.passed)
    }

    fn conclude(&mut self) {
        self.conclusion = if self.checks.iter().any(|c| !c.passed) {
            Conclusion::Failed
        } else if !self.settled {
            Conclusion::NotSettled
        } else if !self.ran {
            Conclusion::NothingRan
        } else {
            Conclusion::Passed
        };
    }
}

/// Planks as tokens with all twelve decimals, so sums can be checked by eye.
pub fn tokens(planks: u128) -> String {
    const UNIT: u128 = 1_000_000_000_000;
    format!("{}.{:012}", planks / UNIT, planks % UNIT)
}
