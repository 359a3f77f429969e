//! # Triad tasks
//!
//! The escrow and settlement of inference jobs. A client's job goes in as
//! [`Pallet::submit_task`] with its fee held; it comes out settled: the honest
//! paid, the dishonest and the absent slashed, the rest refunded. Every step
//! is an event, and [`TaskInfo`] keeps every attempt's seats, commitments,
//! reveals, votes, verdict, payments and slashes until the task is pruned.
//!
//! ## What a verified result means
//!
//! An accepted task's output is the bytes its executor posted, and those are
//! the bytes its verifiers checked: each verifier compared them with its own
//! full output, element by element and by the model's decision (the
//! registry's [`triad_verifier::OutputCheck`]), after it had committed to a
//! fingerprint of its own output under a key nobody knew when the attempt
//! was assigned. See the threat model in `ARCHITECTURE.md`.
//!
//! ## Lifecycle
//!
//! 1. **Submit.** The client names an active model, an input, a `max_fee`
//!    and a deadline block. An inline input (at most `MaxInlineInput` bytes)
//!    must fit the model's declared inputs ([`ModelRegistry::check_input`]:
//!    names, types, shapes, no empty dimension, finite floats), so no honest
//!    worker is ever drawn for something it cannot run. An off-chain input
//!    (at most `MaxOffchainInput` bytes) is its `blake3` hash, size and the
//!    client's data-plane address ([`Provider`]); the chain cannot see its
//!    bytes, so the seats fetch and check them, and answer
//!    [`CannotRun::InputUnavailable`] or [`CannotRun::InvalidInput`] when
//!    nobody serves them or they do not fit: the client pays for either, like
//!    for any answer it asked for. `max_fee` is held as escrow
//!    ([`HoldReason::TaskEscrow`]) and a storage deposit for the task and its
//!    input ([`HoldReason::TaskDeposit`]) until the task is pruned; a client
//!    has at most `MaxOpenPerClient` unfinished tasks. An accepted result costs
//!    the model's price floor at submission (`price`); the rest is refunded.
//! 2. **Assign**, in `on_initialize` [`DRAW_DELAY`] blocks later, from the
//!    BABE VRF output of the block after the one that included the task. One
//!    executor and three verifiers are drawn without replacement, with
//!    probability proportional to [`Reputation::selection_weight`] on the
//!    model, from the workers that serve the model, are online, out of
//!    probation, have `StakePerSeat` free, and are not the client (what the
//!    draw sees of a worker lags its changes, see `pallet-triad-workers`). The
//!    executor of an earlier attempt is not drawn again. Each seat locks
//!    `StakePerSeat` of its bond. Too few eligible workers: the task waits,
//!    and is refunded once an attempt no longer fits before its deadline.
//! 3. **Execute**, for `ExecutePeriod` blocks: all four seats run the model.
//!    The executor commits [`triad_primitives::answer_commitment`] of its
//!    answer (the encoded output, or why it cannot run), salted, so nobody
//!    can read a small output off the commitment.
//! 4. **Key.** [`KEY_DELAY`] blocks after the executor's commitment, the
//!    attempt key is drawn from the VRF output of a block authored after it:
//!    the executor's answer was fixed before anyone could know the key.
//! 5. **Check**, for `CheckPeriod` blocks: each verifier commits
//!    [`reveal_commitment`] of the fingerprint of its own output under the
//!    key. The executor's output is still hidden, so the only way to the
//!    right fingerprint is to run the model; fingerprints of other attempts
//!    were made under other keys and are worthless.
//! 6. **Reveal**, for `RevealPeriod` blocks, once the verifiers committed:
//!    the executor opens its answer. An output (at most `MaxInlineOutput`
//!    bytes) is decoded and fingerprinted under the key on chain and stored
//!    for the attempt. A larger one (at most `MaxOffchainOutput`) stays
//!    with the executor, which serves it over the data plane: the chain
//!    keeps its hash and size ([`Posted::Offchain`]) and takes the
//!    executor's word for its fingerprint, which the verifiers check
//!    against the bytes they fetch before they vote.
//! 7. **Vote**, for `VotePeriod` blocks: each verifier opens its fingerprint
//!    and votes on the posted output against its own full output. An
//!    off-chain output it cannot fetch, or whose bytes do not give the
//!    fingerprint the executor stated, gets `Mismatch`: an executor that
//!    hides its output, or states the fingerprint of another, is opposed
//!    by every honest verifier, as one that withholds its answer is.
//! 8. **Settle**, when the last verifier reveals or the vote period ends, by
//!    [`triad_verifier::majority`], and pay by [`payouts::payouts`]:
//!
//! | verdict | executor | verifier in majority | other revealing verifier | committed, never revealed | never committed | escrow |
//! |---|---|---|---|---|---|---|
//! | Accepted | `ExecutorShare` of `price` | a third of the rest | `MinoritySlash` | verifier `MinoritySlash` | `NoShowSlash` | rest refunded |
//! | Rejected | `ExecutorSlash`, at least a bounty per catching verifier | bounty from the executor's slash | `MinoritySlash` | executor `ExecutorSlash`, verifier `MinoritySlash` | `NoShowSlash` | kept for a re-run |
//! | Inconclusive | nothing | nothing | nothing | executor `NoShowSlash`, verifier `MinoritySlash` | `NoShowSlash` | kept for a re-run |
//!
//!    An accepted "cannot run" answer ends the task as [`Resolution::CannotRun`],
//!    paid like a result: the client asked for the work. A rejected or
//!    inconclusive attempt is re-run with a fresh draw while fewer than
//!    `MaxAttempts` were made and a new one fits before the deadline;
//!    otherwise the whole escrow is refunded: the client never pays for a
//!    result it did not get. Every seat's outcome goes to its standing on
//!    the model. Slashes the executor does not owe a verifier go to the
//!    worker pallet's slash destination.
//! 9. **Prune.** A finished task stays readable for `RetentionPeriod` blocks,
//!    then `on_idle` removes it, its input and outputs, and returns the
//!    client's storage deposit, in steps bounded by the weight left.
//!
//! Phase deadlines are kept in first-in-first-out queues, one per kind
//! (`timers.rs`): a phase's length is fixed, so deadlines are pushed in
//! order, and `on_initialize` pops those due. The work of `on_initialize`
//! (deadlines, then draws) stops at `MaxHookWeight`, whatever the number of
//! models, workers or tasks; what is left waits for the next block.
//!
//! ## Probation
//!
//! A worker new to a model proves it can run it on the model's calibration
//! set: [`Pallet::request_calibration`] draws a case, and
//! [`Pallet::submit_calibration`] checks the worker's fingerprint (under
//! [`triad_verifier::CALIBRATION_KEY`]) against the expected one within
//! `CalibrationPeriod` blocks and reports the result to the worker pallet.
//! The expected fingerprints are public registry data, so probation shows a
//! worker's setup is sound; it is stake and the majority, not probation,
//! that keep a qualified worker honest.
//!
//! ## Modes
//!
//! [`Mode::Lsh`] is the lifecycle above. [`Mode::Groth16`], for a model
//! whose owner registered a verifying key ([`ModelRegistry::proof_key`]),
//! draws an executor alone. Within the execute phase it posts its output with
//! a proof ([`Pallet::submit_proof`]) of the statement *this model, on the
//! input whose Poseidon hash the chain computes from the stored bytes, gives
//! this output, for this task, attempt and executor* (`triad_zk_verify`);
//! nobody else's answer is there to copy, so there is no commitment. The
//! runtime checks the proof:
//!
//! | proof | executor | escrow |
//! |---|---|---|
//! | valid | the model's proof price | rest refunded |
//! | invalid (malformed, out of range, or of another statement) | `ExecutorSlash` | kept for a re-run |
//! | none by the end of the execute phase | `NoShowSlash` | kept for a re-run |
//!
//! The input must be inline and at most `MaxProofInput` bytes, so the hash
//! the chain computes has a bounded cost. A proof bound to another task,
//! attempt, model or prover fails the pairing check, so replaying an earlier
//! proof (or a re-randomized copy of one) is an invalid proof.
//!
//! [`Mode::Tee`], for a model whose owner set a TEE policy
//! ([`ModelRegistry::tee_policy`]: measurements and TCB statuses), draws one
//! executor among the workers whose attestation counts now
//! ([`Attestations::valid`]: verified, unexpired, same peer id) and whose
//! measurement and status the policy allows, and one verifier among all
//! eligible workers. The attempt keeps the executor's attestation as the
//! draw found it ([`Attempt::attested`]). The phases are those of LSH mode
//! with one verifier seat, and [`triad_verifier::pair`] decides:
//!
//! | verifier | executor | verifier | escrow |
//! |---|---|---|---|
//! | endorses (fingerprint agrees, votes `Match`) | its LSH pay | one verifier's LSH pay | rest refunded |
//! | disagrees | nothing | nothing | kept for a re-run without this executor |
//! | committed, never revealed | nothing | `MinoritySlash` | kept for a re-run |
//!
//! and an executor that never commits or never reveals is a no-show. One
//! seat cannot tell which of two is wrong, so a lone dissent re-runs the
//! task instead of slashing: a lazy or griefing verifier earns nothing, and
//! a cheating executor needs both a broken TEE and its own accomplice in the
//! verifier seat. The price is [`payouts::tee_price`]: what the two seats
//! earn in an LSH task, the two missing verifiers' thirds not charged.
//! The attestation matters at the draw only: one that expires, or a policy
//! its owner changes, while the attempt runs costs the seated executor
//! nothing.
//!
//! ## Invariants (checked by `try_state`)
//!
//! - Each client's held escrow equals the sum of the escrow of its open
//!   tasks, its held deposit the sum of the deposits of its stored tasks, and
//!   its count of open tasks the number of them.
//! - A finished task's payments plus its refund equal its escrow, and the
//!   bounties of an attempt never exceed what its executor was slashed.
//! - Queued tasks are exactly the tasks in phase `Queued`; every running
//!   task has a pending deadline entry; the worker index lists exactly the
//!   seats of running attempts; an attempt past its key phase has a key.
//! - `Outputs` holds an entry for exactly the attempts whose executor
//!   posted an inline output; an off-chain output leaves only its hash and
//!   size in the attempt. `Proofs` holds one for exactly the attempts of
//!   proved tasks whose executor posted.
//! - An attempt has four seats in [`Mode::Lsh`], two in [`Mode::Tee`] and one
//!   in [`Mode::Groth16`].
//! - Exactly the attempts of TEE tasks record an attestation, and it was
//!   valid when the attempt was drawn: no extrinsic seats an unattested
//!   worker as a TEE executor (seats are only made by the draw).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod calibration;
mod draw;
#[cfg(test)]
mod drive;
mod impls;
#[cfg(test)]
mod mock;
pub mod payouts;
mod phases;
mod proofs;
mod settle;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_attacks;
#[cfg(test)]
mod tests_proofs;
#[cfg(test)]
mod tests_random;
#[cfg(test)]
mod tests_tee;
mod timers;
pub mod types;
pub mod weights;

use polkadot_sdk::{frame_support, frame_system, sp_runtime};

use alloc::vec::Vec;
use frame_support::traits::{
    fungible::{Inspect, InspectHold, Mutate, MutateHold},
    Get,
};
use sp_runtime::{traits::Saturating, BoundedVec};
pub use triad_primitives::{
    answer_commitment, reveal_commitment, Answer, Attestations, ModelRegistry, Reputation, SeatAttestation, Slash, WorkerRegistry,
};

/// Balance type of the currency that holds escrow.
pub type BalanceOf<T> = <<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// Blocks between a task entering the queue and its draw. The draw uses the
/// VRF output of the block before it (BABE's `ParentBlockRandomness`), so with
/// two blocks that output comes from a block authored after the one that
/// queued the task: its author could choose what to include, but not what
/// the draw will be.
pub const DRAW_DELAY: u32 = 2;

/// Blocks between the executor's commitment and the drawing of the attempt
/// key, for the same reason: the key comes from the VRF output of a block
/// authored after the one that included the commitment.
pub const KEY_DELAY: u32 = 2;

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::triad-tasks";

/// A phase deadline waiting in one of the timer queues.
pub type TimerOf<T> = (TaskId, frame_system::pallet_prelude::BlockNumberFor<T>);

#[frame_support::pallet]
pub mod pallet {
    use super::*;
    use frame_support::{pallet_prelude::*, traits::Randomness};
    use frame_system::pallet_prelude::*;
    use sp_runtime::Perbill;

    /// Version 1: five phases per attempt, keyed fingerprints, votes,
    /// outputs per attempt, storage deposits.
    const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

    #[pallet::pallet]
    #[pallet::storage_version(STORAGE_VERSION)]
    pub struct Pallet<T>(_);

    #[pallet::config]
    pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
        /// Holds escrow and deposits, and pays workers.
        type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
            + InspectHold<Self::AccountId>
            + Mutate<Self::AccountId>;
        /// The hold reasons of the runtime, which include this pallet's.
        type RuntimeHoldReason: From<HoldReason>;
        /// The model registry.
        type Models: ModelRegistry<BalanceOf<Self>>;
        /// The worker registry, which also slashes.
        type Workers: WorkerRegistry<Self::AccountId, BalanceOf<Self>> + Slash<Self::AccountId, BalanceOf<Self>>;
        /// Worker standings and selection weights, per model.
        type Reputation: Reputation<Self::AccountId, BalanceOf<Self>>;
        /// Which workers run attested TEE code, for TEE mode's executors.
        type Attestations: Attestations<Self::AccountId>;
        /// The VRF output of the parent block (BABE's `ParentBlockRandomness`);
        /// `None` defers what needs it.
        type Randomness: Randomness<Option<Self::Hash>, BlockNumberFor<Self>>;
        /// Largest inline input, in bytes.
        #[pallet::constant]
        type MaxInlineInput: Get<u32>;
        /// Largest input served off chain, in bytes.
        #[pallet::constant]
        type MaxOffchainInput: Get<u64>;
        /// Largest input of a proved task, in bytes: the chain hashes it with
        /// Poseidon when it checks the proof.
        #[pallet::constant]
        type MaxProofInput: Get<u32>;
        /// Largest output the executor posts inline, in bytes.
        #[pallet::constant]
        type MaxInlineOutput: Get<u32>;
        /// Largest output the executor serves off chain, in bytes.
        #[pallet::constant]
        type MaxOffchainOutput: Get<u64>;
        /// Blocks the seats have to run the model and the executor to commit.
        #[pallet::constant]
        type ExecutePeriod: Get<BlockNumberFor<Self>>;
        /// Blocks the verifiers have to commit once the key is drawn.
        #[pallet::constant]
        type CheckPeriod: Get<BlockNumberFor<Self>>;
        /// Blocks the executor has to reveal its answer.
        #[pallet::constant]
        type RevealPeriod: Get<BlockNumberFor<Self>>;
        /// Blocks the verifiers have to reveal and vote.
        #[pallet::constant]
        type VotePeriod: Get<BlockNumberFor<Self>>;
        /// Latest deadline a task may ask for, in blocks after submission.
        #[pallet::constant]
        type MaxDeadline: Get<BlockNumberFor<Self>>;
        /// Most assignments of one task (the first run and its re-runs).
        #[pallet::constant]
        type MaxAttempts: Get<u32>;
        /// Most tasks waiting for assignment.
        #[pallet::constant]
        type MaxQueued: Get<u32>;
        /// Most unfinished tasks of one client.
        #[pallet::constant]
        type MaxOpenPerClient: Get<u32>;
        /// Most queued tasks looked at per block.
        #[pallet::constant]
        type MaxAssignmentsPerBlock: Get<u32>;
        /// Most weight `on_initialize` spends on deadlines and draws.
        #[pallet::constant]
        type MaxHookWeight: Get<Weight>;
        /// Blocks a finished task stays in storage.
        #[pallet::constant]
        type RetentionPeriod: Get<BlockNumberFor<Self>>;
        /// Deposit held per task until it is pruned.
        #[pallet::constant]
        type TaskDeposit: Get<BalanceOf<Self>>;
        /// Deposit held per byte of inline input until the task is pruned.
        #[pallet::constant]
        type DepositPerByte: Get<BalanceOf<Self>>;
        /// Stake each seat locks until its attempt settles.
        #[pallet::constant]
        type StakePerSeat: Get<BalanceOf<Self>>;
        /// Share of `price` paid to an accepted executor; the verifiers in the
        /// majority share the rest in thirds.
        #[pallet::constant]
        type ExecutorShare: Get<Perbill>;
        /// Part of a rejected executor's stake slashed.
        #[pallet::constant]
        type ExecutorSlash: Get<Perbill>;
        /// Part of a minority verifier's stake slashed.
        #[pallet::constant]
        type MinoritySlash: Get<Perbill>;
        /// Part of an absent seat's stake slashed.
        #[pallet::constant]
        type NoShowSlash: Get<Perbill>;
        /// Blocks a worker has to answer a calibration case.
        #[pallet::constant]
        type CalibrationPeriod: Get<BlockNumberFor<Self>>;
        /// Benchmarked weights of the calls and hooks.
        type WeightInfo: WeightInfo;
    }

    /// Why this pallet holds funds.
    #[pallet::composite_enum]
    pub enum HoldReason {
        /// A client's `max_fee` for an open task.
        TaskEscrow,
        /// A client's deposit for a task's storage, until it is pruned.
        TaskDeposit,
    }

    /// The id the next task gets.
    #[pallet::storage]
    pub type NextTaskId<T> = StorageValue<_, TaskId, ValueQuery>;

    /// Tasks, open and finished-but-retained.
    #[pallet::storage]
    pub type Tasks<T: Config> = StorageMap<_, Twox64Concat, TaskId, TaskInfo<T>>;

    /// Task inputs, apart from the task so phase changes do not read them.
    #[pallet::storage]
    pub type Inputs<T: Config> = StorageMap<_, Twox64Concat, TaskId, TaskInput<T::MaxInlineInput>>;

    /// Outputs executors posted, by task and attempt index.
    #[pallet::storage]
    pub type Outputs<T: Config> =
        StorageDoubleMap<_, Twox64Concat, TaskId, Twox64Concat, u32, BoundedVec<u8, T::MaxInlineOutput>>;

    /// Groth16 proofs executors posted, by task and attempt index.
    #[pallet::storage]
    pub type Proofs<T: Config> = StorageDoubleMap<_, Twox64Concat, TaskId, Twox64Concat, u32, Proof>;

    /// Tasks waiting for an assignment, oldest first.
    #[pallet::storage]
    pub type Queue<T: Config> = StorageValue<_, BoundedVec<TaskId, T::MaxQueued>, ValueQuery>;

    /// Unfinished tasks per client.
    #[pallet::storage]
    pub type OpenTasks<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

    /// The first-in-first-out deadline queues (see [`TimerKind`]), each entry
    /// a task and a block, by sequence number.
    #[pallet::storage]
    pub type Timers<T: Config> = StorageDoubleMap<_, Twox64Concat, TimerKind, Twox64Concat, u64, TimerOf<T>>;

    /// `(head, tail)` of each queue in [`Timers`]: entries `head..tail` are live.
    #[pallet::storage]
    pub type Cursors<T> = StorageMap<_, Twox64Concat, TimerKind, (u64, u64), ValueQuery>;

    /// The open seats of each worker, for workers to find their work.
    #[pallet::storage]
    pub type Assigned<T: Config> = StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, TaskId, Role>;

    /// Calibration cases handed to workers on probation.
    #[pallet::storage]
    pub type Calibrations<T: Config> =
        StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, ModelId, CalibrationRequest<BlockNumberFor<T>>>;

    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// A job was submitted; its `escrow` and storage `deposit` are held.
        TaskSubmitted {
            task: TaskId,
            client: T::AccountId,
            model: ModelId,
            escrow: BalanceOf<T>,
            price: BalanceOf<T>,
            deposit: BalanceOf<T>,
            deadline: BlockNumberFor<T>,
        },
        /// Seats were drawn for an attempt; the executor commits before `until`.
        TaskAssigned {
            task: TaskId,
            attempt: u32,
            executor: T::AccountId,
            verifiers: Vec<T::AccountId>,
            until: BlockNumberFor<T>,
        },
        /// The executor committed to its answer; the key is drawn at block `key_at`.
        AnswerCommitted { task: TaskId, executor: T::AccountId, key_at: BlockNumberFor<T> },
        /// The attempt key was drawn; verifiers commit before `until`.
        KeyDrawn { task: TaskId, attempt: u32, key: AttemptKey, until: BlockNumberFor<T> },
        /// A verifier committed to its fingerprint.
        FingerprintCommitted { task: TaskId, who: T::AccountId },
        /// The reveal phase began; the executor opens its answer before `until`.
        RevealStarted { task: TaskId, until: BlockNumberFor<T> },
        /// The executor opened its answer; verifiers vote before `until`.
        AnswerRevealed { task: TaskId, executor: T::AccountId, posted: Posted, until: BlockNumberFor<T> },
        /// The vote began without the executor's answer; verifiers reveal before `until`.
        VoteStarted { task: TaskId, until: BlockNumberFor<T> },
        /// The executor of a proved task posted its output with a proof that
        /// the chain checked: `valid`, or why not.
        ProofChecked { task: TaskId, attempt: u32, executor: T::AccountId, failure: Option<ProofFailure> },
        /// A verifier opened its fingerprint and voted.
        VoteRevealed { task: TaskId, who: T::AccountId, vote: Vote },
        /// An attempt was decided.
        AttemptSettled { task: TaskId, attempt: u32, verdict: Verdict },
        /// A seat was paid from escrow.
        WorkerPaid { task: TaskId, who: T::AccountId, amount: BalanceOf<T> },
        /// A verifier was paid from the stake of the executor it caught.
        BountyPaid { task: TaskId, who: T::AccountId, amount: BalanceOf<T> },
        /// A seat lost stake: `amount` is all it lost in this attempt,
        /// bounties to catching verifiers included.
        WorkerSlashed { task: TaskId, who: T::AccountId, amount: BalanceOf<T>, reason: SlashReason },
        /// A rejected or inconclusive attempt goes back to the queue.
        TaskRequeued { task: TaskId, attempts: u32 },
        /// The task ended; `paid` went to workers and `refunded` to the client.
        TaskFinished { task: TaskId, resolution: Resolution, paid: BalanceOf<T>, refunded: BalanceOf<T> },
        /// A finished task past its retention was removed and its deposit returned.
        TaskPruned { task: TaskId, client: T::AccountId, deposit: BalanceOf<T> },
        /// A worker on probation was handed a calibration case.
        CalibrationRequested { who: T::AccountId, model: ModelId, case: u32, until: BlockNumberFor<T> },
        /// A calibration answer was checked, or its time ran out.
        CalibrationChecked { who: T::AccountId, model: ModelId, case: u32, passed: bool },
    }

    #[pallet::error]
    pub enum Error<T> {
        /// The model is not registered, or deprecated.
        ModelNotActive,
        /// The model does not allow this verification mode.
        ModeNotAllowed,
        /// The model allows TEE mode but its owner has set no TEE policy, so
        /// no executor could be drawn.
        NoTeePolicy,
        /// The model allows proofs but its owner has not registered the key yet.
        NoProofKey,
        /// A proved task's input must be inline, at most `MaxProofInput` bytes.
        ProofInputNotInline,
        /// The call belongs to the other verification mode.
        WrongMode,
        /// `max_fee` is below the model's price.
        FeeBelowPrice,
        /// The inline input is longer than `MaxInlineInput`, or the off-chain
        /// input longer than `MaxOffchainInput`.
        InputTooLarge,
        /// The input is empty.
        EmptyInput,
        /// An off-chain input names no provider, or one longer than `MAX_PROVIDER_LEN`.
        BadProvider,
        /// The input bytes are not an encoded tensor list.
        InputMalformed,
        /// The input's tensors do not match the model's declared names, types or shapes.
        InputDoesNotFitModel,
        /// An input tensor has a dimension of size zero.
        InputHasEmptyDimension,
        /// An input tensor holds NaN or infinity.
        InputNotFinite,
        /// The deadline leaves no room for one attempt.
        DeadlineTooSoon,
        /// The deadline is more than `MaxDeadline` blocks away.
        DeadlineTooFar,
        /// The client cannot cover `max_fee` and the storage deposit.
        InsufficientBalance,
        /// `MaxQueued` tasks are already waiting.
        QueueFull,
        /// The client already has `MaxOpenPerClient` unfinished tasks.
        TooManyOpenTasks,
        /// No such task.
        UnknownTask,
        /// Only the client may do that.
        NotClient,
        /// Only a queued task can be cancelled.
        NotQueued,
        /// The caller holds no seat in the task's current attempt.
        NotAssigned,
        /// Only the executor commits to and reveals an answer.
        NotExecutor,
        /// Only a verifier commits to a fingerprint and votes.
        NotVerifier,
        /// The task is not taking the executor's commitment.
        NotExecuting,
        /// The task is not taking verifiers' commitments.
        NotChecking,
        /// The task is not taking the executor's answer.
        NotRevealing,
        /// The task is not taking votes.
        NotVoting,
        /// The seat already committed.
        AlreadyCommitted,
        /// The seat did not commit, so has nothing to reveal.
        NotCommitted,
        /// The seat already revealed.
        AlreadyRevealed,
        /// The revealed value and salt do not open the commitment.
        CommitmentMismatch,
        /// The output is longer than `MaxInlineOutput` inline, or than
        /// `MaxOffchainOutput` off chain; the executor answers
        /// `CannotRun::OutputTooLarge` instead.
        OutputTooLarge,
        /// An off-chain output that fits inline: it must be posted inline,
        /// where the chain fingerprints it and every auditor can read it.
        OutputFitsInline,
        /// The output bytes are not an encoded tensor list, or its first
        /// tensor cannot be fingerprinted.
        OutputMalformed,
        /// The caller is not on probation for the model.
        NotOnProbation,
        /// The model has no calibration set.
        NoCalibrationCases,
        /// A calibration case is already out and not yet expired.
        CalibrationPending,
        /// No calibration case was handed to the caller for the model.
        NoCalibrationRequest,
        /// The calibration period is over; request a new case.
        CalibrationExpired,
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        fn on_initialize(now: BlockNumberFor<T>) -> Weight {
            let budget = T::MaxHookWeight::get();
            let timers = Self::process_timers(now, budget);
            timers.saturating_add(Self::process_queue(now, budget.saturating_sub(timers)))
        }

        fn on_idle(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
            Self::prune(now, remaining)
        }

        fn integrity_test() {
            Self::do_integrity_test()
        }

        #[cfg(feature = "try-runtime")]
        fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
            Self::do_try_state()
        }
    }

    #[pallet::extra_constants]
    impl<T: Config> Pallet<T> {
        /// Earliest deadline a task may ask for, in blocks after the block
        /// that includes it: the draw's delay and one attempt at its longest.
        /// A client that reads it refuses a deadline before signing.
        #[pallet::constant_name(MinDeadline)]
        fn min_deadline_constant() -> BlockNumberFor<T> {
            Self::min_deadline()
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Submits a job on `model`, holds `max_fee` as escrow and the storage
        /// deposit. It is assigned from a later block's randomness and settled
        /// by `deadline`, which must leave room for one attempt.
        #[pallet::call_index(0)]
        #[pallet::weight(T::WeightInfo::submit_task(match input {
            InputArg::Inline(bytes) => (bytes.len() as u32).min(T::MaxInlineInput::get()),
            InputArg::Offchain { provider, .. } => (provider.len() as u32).min(types::MAX_PROVIDER_LEN),
        }))]
        pub fn submit_task(
            origin: OriginFor<T>,
            model: ModelId,
            input: InputArg,
            max_fee: BalanceOf<T>,
            mode: Mode,
            deadline: BlockNumberFor<T>,
        ) -> DispatchResult {
            let client = ensure_signed(origin)?;
            Self::do_submit_task(client, model, input, max_fee, mode, deadline)
        }

        /// Withdraws a task that is still waiting for workers and refunds its
        /// escrow; the deposit comes back when it is pruned.
        #[pallet::call_index(1)]
        #[pallet::weight(T::WeightInfo::cancel_task())]
        pub fn cancel_task(origin: OriginFor<T>, task: TaskId) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let mut info = Tasks::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
            ensure!(info.client == who, Error::<T>::NotClient);
            ensure!(info.phase == Phase::Queued, Error::<T>::NotQueued);
            Queue::<T>::mutate(|q| q.retain(|t| *t != task));
            Self::finish(task, &mut info, Resolution::Cancelled);
            Tasks::<T>::insert(task, info);
            Ok(())
        }

        /// The executor commits to its answer: [`answer_commitment`] of the
        /// answer's digest with a salt only it knows.
        #[pallet::call_index(2)]
        #[pallet::weight(T::WeightInfo::commit_answer())]
        pub fn commit_answer(origin: OriginFor<T>, task: TaskId, commitment: Hash32) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::do_commit_answer(who, task, commitment)
        }

        /// A verifier commits to the fingerprint of its own output under the
        /// attempt key: [`reveal_commitment`] with a salt only it knows.
        #[pallet::call_index(3)]
        #[pallet::weight(T::WeightInfo::commit_fingerprint())]
        pub fn commit_fingerprint(origin: OriginFor<T>, task: TaskId, commitment: Hash32) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::do_commit_fingerprint(who, task, commitment)
        }

        /// The executor opens its answer. An inline output is decoded and
        /// fingerprinted under the attempt key here, and stored for the
        /// attempt; an off-chain one is its hash, size and stated fingerprint.
        #[pallet::call_index(4)]
        #[pallet::weight(T::WeightInfo::reveal_answer(match answer {
            AnswerArg::Output(bytes) => (bytes.len() as u32).min(T::MaxInlineOutput::get()),
            AnswerArg::Offchain { .. } | AnswerArg::CannotRun(_) => 0,
        }))]
        pub fn reveal_answer(origin: OriginFor<T>, task: TaskId, answer: AnswerArg, salt: Hash32) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::do_reveal_answer(who, task, answer, salt)
        }

        /// A verifier opens its fingerprint and votes on the executor's
        /// posted output. The last vote settles the attempt and pays the
        /// declared weight; the others are refunded down to a vote's.
        #[pallet::call_index(5)]
        #[pallet::weight(T::WeightInfo::reveal_vote())]
        pub fn reveal_vote(
            origin: OriginFor<T>,
            task: TaskId,
            fingerprint: Fingerprint,
            salt: Hash32,
            vote: Vote,
        ) -> DispatchResultWithPostInfo {
            let who = ensure_signed(origin)?;
            Self::do_reveal_vote(who, task, fingerprint, salt, vote)
        }

        /// Hands the caller, on probation for `model`, a random case of the
        /// model's calibration set to answer within `CalibrationPeriod`. A
        /// previous case left unanswered counts as failed.
        #[pallet::call_index(6)]
        #[pallet::weight(T::WeightInfo::request_calibration())]
        pub fn request_calibration(origin: OriginFor<T>, model: ModelId) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::do_request_calibration(who, model)
        }

        /// The executor of a proved task posts its output and the Groth16
        /// proof of it. The chain checks the proof against the model's key:
        /// a valid one settles the task; an invalid one is recorded, slashes
        /// the executor and re-runs the task (the call itself succeeds).
        #[pallet::call_index(8)]
        #[pallet::weight(T::WeightInfo::submit_proof())]
        pub fn submit_proof(origin: OriginFor<T>, task: TaskId, output: Vec<u8>, proof: Proof) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::do_submit_proof(who, task, output, proof)
        }

        /// Answers the caller's calibration case with the fingerprint, under
        /// [`triad_verifier::CALIBRATION_KEY`], of the output it computed; the
        /// worker pallet records pass or fail.
        #[pallet::call_index(7)]
        #[pallet::weight(T::WeightInfo::submit_calibration())]
        pub fn submit_calibration(origin: OriginFor<T>, model: ModelId, fingerprint: Fingerprint) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::do_submit_calibration(who, model, fingerprint)
        }
    }
}
