//! # Triad tasks
//!
//! The escrow and settlement of inference jobs. A client's job goes in as
//! [`Pallet::submit_task`] with its fee held; it comes out settled: the honest
//! paid, the dishonest and the absent slashed, the rest refunded. Every step
//! is an event, and [`TaskInfo`] keeps every attempt's seats, commitments,
//! reveals, verdict, payments and slashes until the task is pruned.
//!
//! ## Lifecycle
//!
//! 1. **Submit.** The client names an active model, an input (inline up to
//!    `MaxInlineInput` bytes, or a `blake3` hash and size for data served on
//!    the worker data plane), a `max_fee` and a deadline block. `max_fee` is
//!    held with [`HoldReason::TaskEscrow`]. An accepted result costs the
//!    model's price floor at submission (`price`); the rest is refunded.
//! 2. **Assign**, in `on_initialize` [`DRAW_DELAY`] blocks later, from the
//!    BABE VRF output of the block after the one that included the task, which
//!    did not exist when the task was submitted or included, so neither the
//!    client nor a worker nor the including block's author could aim for a seat. One executor and three
//!    verifiers are drawn without replacement, with probability proportional to
//!    [`Reputation::selection_weight`] of their free stake, from the workers
//!    that serve the model, are online, out of probation, have `StakePerSeat`
//!    free, and are not the client. The executor of an earlier attempt is not
//!    drawn again. Each seat locks `StakePerSeat` of its bond. Too few eligible
//!    workers: the task waits in the queue, and is refunded once an attempt no
//!    longer fits before its deadline.
//! 3. **Commit**, for `CommitPeriod` blocks: each seat posts
//!    [`reveal_commitment`] of its fingerprint; the executor adds the `blake3`
//!    hash of its output bytes. When all four have committed the reveal phase
//!    starts at once.
//! 4. **Reveal**, for `RevealPeriod` blocks: each committed seat opens its
//!    commitment. A copied fingerprint is useless: the copier had to commit
//!    before it could see it. The executor attaches its output when it fits
//!    `MaxInlineOutput`, checked against the hash it committed. The output is
//!    only posted now, because posted at commit time it would let verifiers
//!    fingerprint the executor's bytes instead of re-running the model.
//! 5. **Settle**, when the last committed seat reveals or the reveal period
//!    ends, by [`triad_verifier::majority`]:
//!
//! | verdict | executor | verifier in majority | other revealing verifier | no-show | escrow |
//! |---|---|---|---|---|---|
//! | Accepted | paid `ExecutorShare` of `price` | paid a third of the rest | `MinoritySlash` | `NoShowSlash` | rest refunded |
//! | Rejected | `ExecutorSlash`, at least a bounty per catching verifier | bounty from the executor's slash | `MinoritySlash` | `NoShowSlash` | kept for a re-run |
//! | Inconclusive | nothing | nothing | nothing | `NoShowSlash` | kept for a re-run |
//!
//!    A verifier's share not earned goes back to the client. A rejected or
//!    inconclusive attempt is re-run with a fresh draw while fewer than
//!    `MaxAttempts` were made and a new one fits before the deadline;
//!    otherwise the whole escrow is refunded: the client never pays for a
//!    result it did not get. Every seat's outcome goes to the reputation
//!    pallet. Slashes the executor does not owe a verifier go to the worker
//!    pallet's slash destination.
//! 6. **Prune.** A finished task stays readable for `RetentionPeriod` blocks,
//!    then `on_idle` removes it in steps bounded by the weight left.
//!
//! Phase deadlines are kept in two first-in-first-out queues, one per phase:
//! a phase's length is fixed, so deadlines are pushed in order, and
//! `on_initialize` pops those due, at most `MaxTimersPerBlock` a block. A
//! task is therefore settled at most a few blocks after its reveal period,
//! however many tasks end together, and never later than its deadline plus
//! that lag.
//!
//! ## Probation
//!
//! A worker new to a model proves it can run it on the model's calibration
//! set: [`Pallet::request_calibration`] draws a case, and
//! [`Pallet::submit_calibration`] checks the worker's fingerprint against the
//! expected one within `CalibrationPeriod` blocks and reports the result to
//! the worker pallet. The expected fingerprints are public registry data, so
//! probation shows a worker's setup is sound; it is stake and the majority,
//! not probation, that keep a qualified worker honest.
//!
//! ## Modes
//!
//! [`Mode::Groth16`] and [`Mode::Tee`] exist in the types so clients and
//! tools can name them, but are refused with [`Error::ModeNotSupported`]
//! until the zk and attestation pallets land.
//!
//! ## Invariants (checked by `try_state`)
//!
//! - Each client's held escrow equals the sum of the escrow of its open tasks.
//! - A finished task's payments plus its refund equal its escrow, and the
//!   bounties of an attempt never exceed what its executor was slashed.
//! - Queued tasks are exactly the tasks in phase `Queued`; every committing or
//!   revealing task has a pending deadline entry; the worker index lists
//!   exactly the seats of open attempts.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod draw;
mod impls;
#[cfg(test)]
mod mock;
mod settle;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_random;
pub mod types;
pub mod weights;

use polkadot_sdk::{frame_support, frame_system, sp_runtime};

use alloc::vec::Vec;
use frame_support::traits::{
    fungible::{Inspect, InspectHold, Mutate, MutateHold},
    Get,
};
use sp_runtime::{traits::Saturating, BoundedVec};
pub use triad_primitives::{reveal_commitment, ModelRegistry, Reputation, Slash, WorkerRegistry};

/// Balance type of the currency that holds escrow.
pub type BalanceOf<T> = <<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// Blocks between a task entering the queue and its draw. The draw uses the
/// VRF output of the block before it (BABE's `ParentBlockRandomness`), so with
/// two blocks that output comes from a block authored after the one that
/// queued the task: its author could choose what to include, but not what
/// the draw will be.
pub const DRAW_DELAY: u32 = 2;

/// A phase deadline waiting in one of the two timer queues.
pub type TimerOf<T> = (TaskId, frame_system::pallet_prelude::BlockNumberFor<T>);

#[frame_support::pallet]
pub mod pallet {
    use super::*;
    use frame_support::{pallet_prelude::*, traits::Randomness};
    use frame_system::pallet_prelude::*;
    use sp_runtime::Perbill;

    #[pallet::pallet]
    pub struct Pallet<T>(_);

    #[pallet::config]
    pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
        /// Holds escrow and pays workers.
        type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
            + InspectHold<Self::AccountId>
            + Mutate<Self::AccountId>;
        /// The hold reasons of the runtime, which include this pallet's.
        type RuntimeHoldReason: From<HoldReason>;
        /// The model registry.
        type Models: ModelRegistry<BalanceOf<Self>>;
        /// The worker registry, which also slashes.
        type Workers: WorkerRegistry<Self::AccountId, BalanceOf<Self>> + Slash<Self::AccountId, BalanceOf<Self>>;
        /// Worker scores and selection weights.
        type Reputation: Reputation<Self::AccountId, BalanceOf<Self>>;
        /// The VRF output of the parent block (BABE's `ParentBlockRandomness`);
        /// `None` defers assignment.
        type Randomness: Randomness<Option<Self::Hash>, BlockNumberFor<Self>>;
        /// Largest inline input, in bytes.
        #[pallet::constant]
        type MaxInlineInput: Get<u32>;
        /// Largest input served off chain, in bytes.
        #[pallet::constant]
        type MaxOffchainInput: Get<u64>;
        /// Largest output the executor posts inline, in bytes.
        #[pallet::constant]
        type MaxInlineOutput: Get<u32>;
        /// Blocks the seats have to commit after assignment.
        #[pallet::constant]
        type CommitPeriod: Get<BlockNumberFor<Self>>;
        /// Blocks the committed seats have to reveal.
        #[pallet::constant]
        type RevealPeriod: Get<BlockNumberFor<Self>>;
        /// Latest deadline a task may ask for, in blocks after submission.
        #[pallet::constant]
        type MaxDeadline: Get<BlockNumberFor<Self>>;
        /// Most assignments of one task (the first run and its re-runs).
        #[pallet::constant]
        type MaxAttempts: Get<u32>;
        /// Most tasks waiting for assignment.
        #[pallet::constant]
        type MaxQueued: Get<u32>;
        /// Most queued tasks looked at per block.
        #[pallet::constant]
        type MaxAssignmentsPerBlock: Get<u32>;
        /// Most phase deadlines handled per block.
        #[pallet::constant]
        type MaxTimersPerBlock: Get<u32>;
        /// Blocks a finished task stays in storage.
        #[pallet::constant]
        type RetentionPeriod: Get<BlockNumberFor<Self>>;
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

    /// Outputs the executor posted inline.
    #[pallet::storage]
    pub type Outputs<T: Config> = StorageMap<_, Twox64Concat, TaskId, BoundedVec<u8, T::MaxInlineOutput>>;

    /// Tasks waiting for an assignment, oldest first.
    #[pallet::storage]
    pub type Queue<T: Config> = StorageValue<_, BoundedVec<TaskId, T::MaxQueued>, ValueQuery>;

    /// The three first-in-first-out queues: commit deadlines and reveal
    /// deadlines in the order they were set, and finished tasks in the order
    /// they finished, each entry a task and a block, by sequence number.
    #[pallet::storage]
    pub type Timers<T: Config> = StorageDoubleMap<_, Twox64Concat, TimerKind, Twox64Concat, u64, TimerOf<T>>;

    /// `(head, tail)` of each queue in [`Timers`]: entries `head..tail` are live.
    #[pallet::storage]
    pub type Cursors<T> = StorageMap<_, Twox64Concat, TimerKind, (u64, u64), ValueQuery>;

    /// The open seats of each worker, for workers to find their work.
    #[pallet::storage]
    pub type Assigned<T: Config> =
        StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, TaskId, Role>;

    /// Calibration cases handed to workers on probation.
    #[pallet::storage]
    pub type Calibrations<T: Config> = StorageDoubleMap<
        _,
        Blake2_128Concat,
        T::AccountId,
        Twox64Concat,
        ModelId,
        CalibrationRequest<BlockNumberFor<T>>,
    >;

    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// A job was submitted and its `escrow` held.
        TaskSubmitted {
            task: TaskId,
            client: T::AccountId,
            model: ModelId,
            escrow: BalanceOf<T>,
            price: BalanceOf<T>,
            deadline: BlockNumberFor<T>,
        },
        /// Seats were drawn for an attempt; commits are due before `commit_until`.
        TaskAssigned {
            task: TaskId,
            attempt: u32,
            executor: T::AccountId,
            verifiers: [T::AccountId; 3],
            commit_until: BlockNumberFor<T>,
        },
        /// A seat committed.
        Committed { task: TaskId, who: T::AccountId, role: Role },
        /// The reveal phase began; reveals are due before `until`.
        RevealStarted { task: TaskId, until: BlockNumberFor<T> },
        /// A seat opened its commitment.
        Revealed { task: TaskId, who: T::AccountId, role: Role },
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
        /// Finished tasks past their retention were removed.
        TasksPruned { count: u32 },
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
        /// Groth16 and TEE tasks are not accepted yet.
        ModeNotSupported,
        /// `max_fee` is below the model's price.
        FeeBelowPrice,
        /// The inline input is longer than `MaxInlineInput`, or the off-chain
        /// input longer than `MaxOffchainInput`.
        InputTooLarge,
        /// The input is empty.
        EmptyInput,
        /// The deadline leaves no room for one commit and reveal.
        DeadlineTooSoon,
        /// The deadline is more than `MaxDeadline` blocks away.
        DeadlineTooFar,
        /// The client cannot cover `max_fee`.
        InsufficientBalance,
        /// `MaxQueued` tasks are already waiting.
        QueueFull,
        /// No such task.
        UnknownTask,
        /// Only the client may do that.
        NotClient,
        /// Only a queued task can be cancelled.
        NotQueued,
        /// The caller holds no seat in the task's current attempt.
        NotAssigned,
        /// The task is not taking commitments.
        NotCommitting,
        /// The seat already committed.
        AlreadyCommitted,
        /// The executor must commit to its output's hash.
        OutputHashMissing,
        /// Only the executor posts an output.
        NotExecutor,
        /// The task is not taking reveals.
        NotRevealing,
        /// The seat did not commit, so has nothing to reveal.
        NotCommitted,
        /// The seat already revealed.
        AlreadyRevealed,
        /// The fingerprint and salt do not open the commitment.
        CommitmentMismatch,
        /// The posted output's hash differs from the committed one.
        OutputMismatch,
        /// The output is longer than `MaxInlineOutput`.
        OutputTooLarge,
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
            let timers = Self::process_timers(now);
            timers.saturating_add(Self::process_queue(now))
        }

        fn on_idle(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
            Self::prune(now, remaining)
        }

        fn integrity_test() {
            assert!(!T::CommitPeriod::get().is_zero() && !T::RevealPeriod::get().is_zero(), "phases need a block each");
            assert!(
                T::MaxDeadline::get() > Self::min_deadline(),
                "the longest deadline must leave room for one attempt"
            );
            assert!(T::MaxAttempts::get() >= 1, "a task needs one attempt");
            assert!(T::MaxQueued::get() > 0 && T::MaxAssignmentsPerBlock::get() > 0, "tasks must be assignable");
            assert!(T::MaxTimersPerBlock::get() > 0, "deadlines must be processed");
            assert!(!T::StakePerSeat::get().is_zero(), "a seat with nothing at stake can lie for free");
            assert!(
                T::MaxInlineOutput::get() <= T::MaxInlineInput::get().saturating_mul(16),
                "inline outputs are bounded like inputs"
            );
        }

        #[cfg(feature = "try-runtime")]
        fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
            Self::do_try_state()
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Submits a job on `model` and holds `max_fee` as escrow. It is
        /// assigned from a later block's randomness and settled by `deadline`,
        /// which must be at least `DRAW_DELAY + CommitPeriod + RevealPeriod`
        /// blocks away.
        #[pallet::call_index(0)]
        #[pallet::weight(T::WeightInfo::submit_task(match input {
            InputArg::Inline(bytes) => (bytes.len() as u32).min(T::MaxInlineInput::get()),
            InputArg::Offchain { .. } => 0,
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
            ensure!(T::Models::is_active(model), Error::<T>::ModelNotActive);
            let modes = T::Models::modes(model).ok_or(Error::<T>::ModelNotActive)?;
            match mode {
                Mode::Lsh => ensure!(modes.lsh_majority, Error::<T>::ModeNotAllowed),
                Mode::Groth16 | Mode::Tee => return Err(Error::<T>::ModeNotSupported.into()),
            }
            let price = T::Models::price_floor(model).ok_or(Error::<T>::ModelNotActive)?;
            ensure!(max_fee >= price, Error::<T>::FeeBelowPrice);
            let input = Self::check_input(input)?;
            let now = frame_system::Pallet::<T>::block_number();
            ensure!(deadline >= now.saturating_add(Self::min_deadline()), Error::<T>::DeadlineTooSoon);
            ensure!(deadline <= now.saturating_add(T::MaxDeadline::get()), Error::<T>::DeadlineTooFar);

            let task = NextTaskId::<T>::get();
            Queue::<T>::try_mutate(|q| q.try_push(task)).map_err(|_| Error::<T>::QueueFull)?;
            T::Currency::hold(&HoldReason::TaskEscrow.into(), &client, max_fee)
                .map_err(|_| Error::<T>::InsufficientBalance)?;
            NextTaskId::<T>::put(task.saturating_add(1));
            Tasks::<T>::insert(
                task,
                TaskInfo::<T> {
                    client: client.clone(),
                    model,
                    mode,
                    escrow: max_fee,
                    price,
                    deadline,
                    submitted_at: now,
                    queued_at: now,
                    phase: Phase::Queued,
                    attempts: BoundedVec::new(),
                    refunded: Zero::zero(),
                },
            );
            Inputs::<T>::insert(task, input);
            Self::deposit_event(Event::TaskSubmitted { task, client, model, escrow: max_fee, price, deadline });
            Ok(())
        }

        /// Withdraws a task that is still waiting for workers and refunds it.
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

        /// Posts the caller's commitment for its seat in `task`. The executor
        /// also commits to `output_hash`, the `blake3` of its output bytes.
        #[pallet::call_index(2)]
        #[pallet::weight(T::WeightInfo::commit())]
        pub fn commit(
            origin: OriginFor<T>,
            task: TaskId,
            commitment: Hash32,
            output_hash: Option<Hash32>,
        ) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let mut info = Tasks::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
            let now = frame_system::Pallet::<T>::block_number();
            ensure!(matches!(info.phase, Phase::Commit { until } if now < until), Error::<T>::NotCommitting);
            let role = Assigned::<T>::get(&who, task).ok_or(Error::<T>::NotAssigned)?;
            let attempt = info.attempts.last_mut().ok_or(Error::<T>::NotAssigned)?;
            match role {
                Role::Executor => {
                    attempt.output_hash = Some(output_hash.ok_or(Error::<T>::OutputHashMissing)?);
                },
                Role::Verifier(_) => ensure!(output_hash.is_none(), Error::<T>::NotExecutor),
            }
            let seat = &mut attempt.seats[role.index()];
            ensure!(seat.commit.is_none(), Error::<T>::AlreadyCommitted);
            seat.commit = Some(commitment);
            let all_in = attempt.seats.iter().all(|s| s.commit.is_some());
            Self::deposit_event(Event::Committed { task, who, role });
            if all_in {
                Self::start_reveal(task, &mut info, now);
            }
            Tasks::<T>::insert(task, info);
            Ok(())
        }

        /// Opens the caller's commitment. The executor attaches its output when
        /// it fits `MaxInlineOutput`. The last reveal settles the attempt and
        /// pays the declared weight; the others are refunded down to a reveal's.
        #[pallet::call_index(3)]
        #[pallet::weight(T::WeightInfo::reveal(
            output.as_ref().map_or(0, |o| (o.len() as u32).min(T::MaxInlineOutput::get()))
        ))]
        pub fn reveal(
            origin: OriginFor<T>,
            task: TaskId,
            fingerprint: Fingerprint,
            salt: Hash32,
            output: Option<Vec<u8>>,
        ) -> DispatchResultWithPostInfo {
            let who = ensure_signed(origin)?;
            let output_len = output.as_ref().map_or(0, |o| o.len() as u32);
            let mut info = Tasks::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
            let now = frame_system::Pallet::<T>::block_number();
            ensure!(matches!(info.phase, Phase::Reveal { until } if now < until), Error::<T>::NotRevealing);
            let role = Assigned::<T>::get(&who, task).ok_or(Error::<T>::NotAssigned)?;
            let attempt = info.attempts.last_mut().ok_or(Error::<T>::NotAssigned)?;
            if let Some(bytes) = output {
                ensure!(role == Role::Executor, Error::<T>::NotExecutor);
                let bytes: BoundedVec<u8, T::MaxInlineOutput> =
                    bytes.try_into().map_err(|_| Error::<T>::OutputTooLarge)?;
                ensure!(attempt.output_hash == Some(*blake3::hash(&bytes).as_bytes()), Error::<T>::OutputMismatch);
                Outputs::<T>::insert(task, bytes);
            }
            let seat = &mut attempt.seats[role.index()];
            let commitment = seat.commit.ok_or(Error::<T>::NotCommitted)?;
            ensure!(seat.reveal.is_none(), Error::<T>::AlreadyRevealed);
            ensure!(reveal_commitment(&fingerprint, &salt, &who, task) == commitment, Error::<T>::CommitmentMismatch);
            seat.reveal = Some(fingerprint);
            let all_in = attempt.seats.iter().all(|s| s.commit.is_none() || s.reveal.is_some());
            Self::deposit_event(Event::Revealed { task, who, role });
            if all_in {
                Self::settle(task, &mut info, now);
            }
            Tasks::<T>::insert(task, info);
            // Only the last reveal settles; the others pay for a reveal alone.
            Ok(if all_in {
                None.into()
            } else {
                let output = T::WeightInfo::reveal(output_len).saturating_sub(T::WeightInfo::reveal(0));
                Some(T::WeightInfo::reveal_unsettled().saturating_add(output)).into()
            })
        }

        /// Hands the caller, on probation for `model`, a random case of the
        /// model's calibration set to answer within `CalibrationPeriod`. A
        /// previous case left unanswered counts as failed.
        #[pallet::call_index(4)]
        #[pallet::weight(T::WeightInfo::request_calibration())]
        pub fn request_calibration(origin: OriginFor<T>, model: ModelId) -> DispatchResult {
            let who = ensure_signed(origin)?;
            ensure!(T::Workers::on_probation(&who, model), Error::<T>::NotOnProbation);
            let cases = T::Models::calibration_cases(model);
            ensure!(cases > 0, Error::<T>::NoCalibrationCases);
            let now = frame_system::Pallet::<T>::block_number();
            if let Some(old) = Calibrations::<T>::get(&who, model) {
                ensure!(now >= old.until, Error::<T>::CalibrationPending);
                T::Workers::record_calibration(&who, model, false);
                Self::deposit_event(Event::CalibrationChecked { who: who.clone(), model, case: old.case, passed: false });
            }
            let case = draw::calibration_case::<T>(&who, model, cases);
            let until = now.saturating_add(T::CalibrationPeriod::get());
            Calibrations::<T>::insert(&who, model, CalibrationRequest { case, until });
            Self::deposit_event(Event::CalibrationRequested { who, model, case, until });
            Ok(())
        }

        /// Answers the caller's calibration case with the fingerprint of the
        /// output it computed; the worker pallet records pass or fail.
        #[pallet::call_index(5)]
        #[pallet::weight(T::WeightInfo::submit_calibration())]
        pub fn submit_calibration(origin: OriginFor<T>, model: ModelId, fingerprint: Fingerprint) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let request = Calibrations::<T>::get(&who, model).ok_or(Error::<T>::NoCalibrationRequest)?;
            let now = frame_system::Pallet::<T>::block_number();
            ensure!(now < request.until, Error::<T>::CalibrationExpired);
            Calibrations::<T>::remove(&who, model);
            let passed = match (T::Models::calibration_expected(model, request.case), T::Models::lsh_params(model)) {
                (Some(expected), Some(params)) => triad_verifier::agrees(&fingerprint, &expected, &params),
                _ => false,
            };
            T::Workers::record_calibration(&who, model, passed);
            Self::deposit_event(Event::CalibrationChecked { who, model, case: request.case, passed });
            Ok(())
        }
    }
}
