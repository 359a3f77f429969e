//! What the task pallet stores about a job, its attempts and their seats.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::Get, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound};
use frame_system::pallet_prelude::BlockNumberFor;
use polkadot_sdk::{frame_support, frame_system};
use scale_info::TypeInfo;
pub use triad_primitives::{Fingerprint, ModelId, SeatAttestation};
pub use triad_verifier::{AttemptKey, CannotRun, Verdict, Vote};

use crate::{BalanceOf, Config};

/// Sequential identifier of a task.
pub type TaskId = u64;

/// A `blake3` digest.
pub type Hash32 = [u8; 32];

/// Longest provider address an off-chain input may name: a binary libp2p
/// multiaddr with its `/p2p/<peer id>` suffix (about 50 bytes for TCP over
/// IPv4, more for DNS names).
pub const MAX_PROVIDER_LEN: u32 = 192;

/// Where the client serves an off-chain input: a binary libp2p multiaddr
/// ending in `/p2p/<peer id>`. The chain stores it and does not dial it: a
/// wrong address only means nobody can fetch the input, which the seats
/// answer as [`CannotRun::InputUnavailable`], paid by the client.
pub type Provider = BoundedVec<u8, frame_support::traits::ConstU32<MAX_PROVIDER_LEN>>;

/// How a task's result is verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum Mode {
    /// An executor and three verifiers; a 2-of-3 fingerprint majority decides.
    Lsh,
    /// One executor runs the model and posts its output with a Groth16 proof
    /// that the model gives it on the input, checked on chain against the
    /// model's verifying key: no verifiers, no commitments.
    Groth16,
    /// A TEE attestation. Refused until the attestation pallet lands.
    Tee,
}

/// A job's input as the client submits it, before its bound is checked.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub enum InputArg {
    /// The input bytes themselves, in the model's input encoding.
    Inline(alloc::vec::Vec<u8>),
    /// Served off chain on the data plane, named by content.
    Offchain {
        /// `blake3` of the input bytes.
        hash: Hash32,
        /// Their length.
        size: u64,
        /// Where the client serves them (see [`Provider`]).
        provider: alloc::vec::Vec<u8>,
    },
}

/// A job's input as stored.
#[derive(CloneNoBound, DebugNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, MaxEncodedLen, TypeInfo)]
#[scale_info(skip_type_params(MaxInline))]
#[codec(mel_bound())]
pub enum TaskInput<MaxInline: Get<u32>> {
    /// Inline bytes, at most `MaxInlineInput`.
    Inline(BoundedVec<u8, MaxInline>),
    /// Content hash and length of bytes served off chain. The seats fetch
    /// them from the provider or from each other, and check the hash as
    /// they arrive.
    Offchain {
        /// `blake3` of the input bytes.
        hash: Hash32,
        /// Their length, at most `MaxOffchainInput`.
        size: u64,
        /// Where the client serves them.
        provider: Provider,
    },
}

/// Where a task is in its life. An attempt goes through five phases; every
/// `until` is the first block at which the phase's calls are refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum Phase<BlockNumber> {
    /// Waiting in the queue for an assignment.
    Queued,
    /// Assigned: all four seats run the model; the executor commits to its answer.
    Execute {
        /// End of the phase.
        until: BlockNumber,
    },
    /// The executor committed; the attempt key is drawn at block `at`, from
    /// randomness of a block authored after the commitment.
    Key {
        /// Block whose `on_initialize` draws the key.
        at: BlockNumber,
    },
    /// The verifiers commit to fingerprints of their own outputs under the key.
    Check {
        /// End of the phase.
        until: BlockNumber,
    },
    /// The executor opens its answer: the output is posted, or why it cannot run.
    Reveal {
        /// End of the phase.
        until: BlockNumber,
    },
    /// The verifiers open their fingerprints and vote on the posted output.
    Vote {
        /// End of the phase.
        until: BlockNumber,
    },
    /// Terminal: the escrow is paid out and refunded.
    Done {
        /// How it ended.
        resolution: Resolution,
        /// Block it ended in; the task is pruned `RetentionPeriod` later.
        at: BlockNumber,
    },
}

impl<BlockNumber> Phase<BlockNumber> {
    /// Whether an attempt is running.
    pub fn is_running(&self) -> bool {
        !matches!(self, Phase::Queued | Phase::Done { .. })
    }
}

/// How a task ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum Resolution {
    /// An attempt was accepted and paid; the rest of the escrow went back.
    Accepted,
    /// The executor and a verifier majority agreed that the input cannot be
    /// run, for the same reason; they were paid as for a result, since the
    /// client asked for the work.
    CannotRun,
    /// Every attempt allowed was rejected; the whole escrow went back.
    Rejected,
    /// Attempts ended without a majority; the whole escrow went back.
    Inconclusive,
    /// Not enough eligible workers before the deadline; refunded.
    Unassigned,
    /// The client cancelled it while queued; refunded.
    Cancelled,
}

/// One of the four parties of an attempt, with what it posted.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct Seat<AccountId, Balance> {
    /// The worker.
    pub who: AccountId,
    /// The executor's [`triad_primitives::answer_commitment`], or a
    /// verifier's [`triad_primitives::reveal_commitment`] of its fingerprint.
    pub commit: Option<Hash32>,
    /// The fingerprint under the attempt key: for the executor, computed by
    /// the chain from the answer it revealed; for a verifier, the one it
    /// opened.
    pub reveal: Option<Fingerprint>,
    /// A verifier's vote on the executor's posted output.
    pub vote: Option<Vote>,
    /// Paid to it from the escrow.
    pub paid: Balance,
    /// Paid to it from a slashed executor's stake, for catching it.
    pub bounty: Balance,
    /// Taken from its stake.
    pub slashed: Balance,
}

impl<AccountId, Balance: Default> Seat<AccountId, Balance> {
    pub(crate) fn new(who: AccountId) -> Self {
        Seat {
            who,
            commit: None,
            reveal: None,
            vote: None,
            paid: Default::default(),
            bounty: Default::default(),
            slashed: Default::default(),
        }
    }
}

/// The role of a seat.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum Role {
    /// Runs the job and returns the output.
    Executor,
    /// Re-runs the job; the index is its place in the verdict.
    Verifier(u8),
}

impl Role {
    /// The role of seat `index` in [`Attempt::seats`]: the inverse of [`Role::index`].
    pub fn of_seat(index: usize) -> Self {
        if index == 0 {
            Role::Executor
        } else {
            Role::Verifier(index as u8 - 1)
        }
    }

    /// Index of the seat in [`Attempt::seats`].
    pub fn index(self) -> usize {
        match self {
            Role::Executor => 0,
            Role::Verifier(i) => 1 + i as usize,
        }
    }
}

/// Why a seat lost stake.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum SlashReason {
    /// The executor's result was rejected by the verifier majority.
    RejectedResult,
    /// The executor committed and never opened its answer, and two verifiers
    /// agreed on one between them: it is treated as caught.
    Withheld,
    /// A verifier disagreed with the majority that decided the task, or
    /// committed and never revealed (which costs no less).
    Minority,
    /// The seat never committed, or the executor withheld and nothing was decided.
    NoShow,
    /// The executor's Groth16 proof does not prove its output on the input.
    InvalidProof,
}

/// Why the chain refused an executor's Groth16 proof (`triad_zk_verify`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum ProofFailure {
    /// The bytes are not three valid, subgroup-checked curve points.
    Malformed,
    /// An output value lies outside what the circuit can produce.
    OutputOutOfRange,
    /// The pairing check failed: the proof is of another statement (another
    /// output, input, model, task, attempt or prover) or of nothing.
    Rejected,
}

/// Bytes of a compressed Groth16 proof.
pub type Proof = [u8; triad_zk_verify::PROOF_BYTES];

/// Most seats of an attempt: an executor and three verifiers (LSH); a proved
/// attempt has the executor alone.
pub const MAX_SEATS: u32 = 4;

/// The first-in-first-out queues of the pallet, one per kind of deadline:
/// each kind's delay is fixed, so its entries are pushed in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum TimerKind {
    /// Ends of execute phases.
    Execute,
    /// Blocks that draw attempt keys.
    Key,
    /// Ends of check phases.
    Check,
    /// Ends of reveal phases.
    Reveal,
    /// Ends of vote phases.
    Vote,
    /// Finished tasks waiting for pruning.
    Finished,
}

impl TimerKind {
    /// The deadlines `on_initialize` acts on, in the order it looks at them.
    pub const PHASES: [TimerKind; 5] = [TimerKind::Execute, TimerKind::Key, TimerKind::Check, TimerKind::Reveal, TimerKind::Vote];
}

/// What the executor revealed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum Posted {
    /// An output, stored in `Outputs` under the task and attempt.
    Output {
        /// `blake3` of the encoded output: its content address.
        hash: Hash32,
    },
    /// An output too large for a block, served by the executor over the data
    /// plane: the chain holds its content address, and the verifiers fetch
    /// and check the bytes.
    Offchain {
        /// `blake3` of the encoded output.
        hash: Hash32,
        /// Its length in bytes.
        size: u64,
    },
    /// It could not run the task, for this reason.
    CannotRun(CannotRun),
}

/// An executor's answer as it reveals it, before its bound is checked.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub enum AnswerArg {
    /// The encoded output (`triad_verifier::wire`), at most `MaxInlineOutput` bytes.
    Output(alloc::vec::Vec<u8>),
    /// An output longer than `MaxInlineOutput` (and at most
    /// `MaxOffchainOutput`), which the executor serves over the data plane.
    /// The chain cannot fingerprint bytes it does not see, so the executor
    /// states the fingerprint of its output under the attempt key; each
    /// verifier fetches the bytes, checks them against `hash`, and votes
    /// `Mismatch` unless they give exactly that fingerprint and agree with
    /// its own output.
    Offchain {
        /// `blake3` of the encoded output: what the commitment opened to.
        hash: Hash32,
        /// Its length in bytes.
        size: u64,
        /// Its fingerprint under the attempt key, as the executor computed it.
        fingerprint: Fingerprint,
    },
    /// Why it could not run the task.
    CannotRun(CannotRun),
}

/// One assignment of a task and everything that happened in it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct Attempt<AccountId, Balance, BlockNumber> {
    /// Block of the draw.
    pub assigned_at: BlockNumber,
    /// The executor, then the verifiers: three in [`Mode::Lsh`], one in
    /// [`Mode::Tee`], none in [`Mode::Groth16`].
    pub seats: BoundedVec<Seat<AccountId, Balance>, frame_support::traits::ConstU32<MAX_SEATS>>,
    /// In [`Mode::Tee`], the executor's attestation as the draw found it:
    /// valid, and allowed by the model's policy at that time.
    pub attested: Option<SeatAttestation>,
    /// The key of every fingerprint of this attempt, drawn after the
    /// executor committed.
    pub key: Option<AttemptKey>,
    /// What the executor revealed.
    pub posted: Option<Posted>,
    /// The majority's decision, once settled.
    pub verdict: Option<Verdict>,
}

/// An attempt as stored for a runtime.
pub type AttemptOf<T> = Attempt<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

/// A submitted job.
#[derive(CloneNoBound, DebugNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, MaxEncodedLen, TypeInfo)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct TaskInfo<T: Config> {
    /// Who submitted and pays.
    pub client: T::AccountId,
    /// The model to run.
    pub model: ModelId,
    /// How the result is verified.
    pub mode: Mode,
    /// Held from the client: the `max_fee` it offered.
    pub escrow: BalanceOf<T>,
    /// What an accepted result costs: the model's price floor at submission
    /// ([`Mode::Lsh`]), the executor's and one verifier's part of it
    /// ([`Mode::Tee`], [`crate::payouts::tee_price`]), or the proof price
    /// ([`Mode::Groth16`]).
    pub price: BalanceOf<T>,
    /// Last block by which the task is settled, whatever the workers do.
    pub deadline: BlockNumberFor<T>,
    /// Block of submission.
    pub submitted_at: BlockNumberFor<T>,
    /// Block it last entered the queue: submission, or the settlement of a
    /// rejected or inconclusive attempt. It is drawn [`crate::DRAW_DELAY`]
    /// blocks later at the earliest.
    pub queued_at: BlockNumberFor<T>,
    /// Where it is.
    pub phase: Phase<BlockNumberFor<T>>,
    /// Every assignment so far, the current one last.
    pub attempts: BoundedVec<AttemptOf<T>, T::MaxAttempts>,
    /// Given back to the client when the task ended.
    pub refunded: BalanceOf<T>,
    /// Held from the client for the task's storage until it is pruned.
    pub deposit: BalanceOf<T>,
}

impl<T: Config> TaskInfo<T> {
    /// Escrow paid to workers across all attempts.
    pub fn paid(&self) -> BalanceOf<T> {
        use sp_runtime::traits::Saturating;
        self.attempts
            .iter()
            .flat_map(|a| a.seats.iter())
            .fold(Default::default(), |acc: BalanceOf<T>, s| acc.saturating_add(s.paid))
    }

    /// The current attempt, if one is running.
    pub fn current(&self) -> Option<&AttemptOf<T>> {
        self.phase.is_running().then(|| self.attempts.last()).flatten()
    }
}

use polkadot_sdk::sp_runtime;

/// A pending calibration: which case a worker on probation must reproduce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct CalibrationRequest<BlockNumber> {
    /// Index into the model's calibration set.
    pub case: u32,
    /// First block at which the answer is refused and counted as failed.
    pub until: BlockNumber,
}

/// Everything a client, worker or auditor needs about one task.
#[derive(CloneNoBound, DebugNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, TypeInfo)]
#[scale_info(skip_type_params(T))]
pub struct TaskView<T: Config> {
    /// Id.
    pub id: TaskId,
    /// The task with all its attempts.
    pub info: TaskInfo<T>,
    /// Its input.
    pub input: TaskInput<T::MaxInlineInput>,
    /// The result: the output of the accepted attempt.
    pub output: Option<BoundedVec<u8, T::MaxInlineOutput>>,
    /// Every output an executor posted, by attempt index, for auditors.
    pub outputs: alloc::vec::Vec<(u32, BoundedVec<u8, T::MaxInlineOutput>)>,
    /// Every Groth16 proof an executor posted, by attempt index, for auditors.
    pub proofs: alloc::vec::Vec<(u32, Proof)>,
}
