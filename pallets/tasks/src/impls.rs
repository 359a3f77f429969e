//! Input checks, deposits, the on-chain fingerprint of a posted output, and
//! the read-side helpers behind the runtime API.

use super::*;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::Zero;
use triad_primitives::WireError;
use triad_verifier::{AttemptKey, Fingerprint, LshParams};

impl<T: Config> Pallet<T> {
    /// The configuration a running chain depends on; checked by `integrity_test`.
    pub(crate) fn do_integrity_test() {
        let periods = [T::ExecutePeriod::get(), T::CheckPeriod::get(), T::RevealPeriod::get(), T::VotePeriod::get()];
        assert!(periods.iter().all(|p| !p.is_zero()), "phases need a block each");
        assert!(T::MaxDeadline::get() > Self::min_deadline(), "the longest deadline must leave room for one attempt");
        assert!(T::MaxAttempts::get() >= 1, "a task needs one attempt");
        assert!(T::MaxQueued::get() > 0 && T::MaxAssignmentsPerBlock::get() > 0, "tasks must be assignable");
        assert!(T::MaxOpenPerClient::get() > 0, "clients must be able to submit");
        assert!(!T::StakePerSeat::get().is_zero(), "a seat with nothing at stake can lie for free");
        assert!(
            !T::TaskDeposit::get().is_zero(),
            "a task must cost a deposit, or the queue and storage can be filled for fees alone"
        );
        assert!(
            T::MaxInlineOutput::get() <= T::MaxInlineInput::get().saturating_mul(16),
            "inline outputs are bounded like inputs"
        );
        assert!(
            T::MaxOffchainOutput::get() > T::MaxInlineOutput::get() as u64,
            "an output too large for a block must have somewhere to go"
        );
        let hooks = T::MaxHookWeight::get();
        assert!(
            hooks.all_gte(T::WeightInfo::expire()) && hooks.all_gte(T::WeightInfo::assign(0)),
            "a block must be able to act on at least one deadline and one draw"
        );
        let max_block = <T as frame_system::Config>::BlockWeights::get().max_block;
        assert!(max_block.all_gte(hooks.saturating_mul(4)), "hooks take at most a quarter of a block");
    }

    /// Fewest blocks between submission and deadline: the draw delay, then
    /// one whole attempt.
    pub fn min_deadline() -> BlockNumberFor<T> {
        Self::attempt_len().saturating_add(DRAW_DELAY.into())
    }

    /// Blocks of one attempt at its longest: every phase to its end.
    pub fn attempt_len() -> BlockNumberFor<T> {
        T::ExecutePeriod::get()
            .saturating_add(KEY_DELAY.into())
            .saturating_add(T::CheckPeriod::get())
            .saturating_add(T::RevealPeriod::get())
            .saturating_add(T::VotePeriod::get())
    }

    /// Bounds the input and holds inline bytes against the model's declared
    /// inputs, so that every input an honest worker is drawn for can run.
    pub(crate) fn check_input(model: ModelId, input: InputArg) -> Result<TaskInput<T::MaxInlineInput>, Error<T>> {
        match input {
            InputArg::Inline(bytes) => {
                if bytes.is_empty() {
                    return Err(Error::EmptyInput);
                }
                let bytes: BoundedVec<u8, T::MaxInlineInput> = bytes.try_into().map_err(|_| Error::InputTooLarge)?;
                T::Models::check_input(model, &bytes).map_err(|e| match e {
                    WireError::Malformed | WireError::BadName | WireError::UnknownType { .. } | WireError::DataLength { .. } => {
                        Error::InputMalformed
                    },
                    WireError::EmptyDimension(_) => Error::InputHasEmptyDimension,
                    WireError::NonFinite(_) => Error::InputNotFinite,
                    WireError::MissingInput(_)
                    | WireError::UnknownInput(_)
                    | WireError::Duplicate(_)
                    | WireError::WrongType { .. }
                    | WireError::WrongShape { .. } => Error::InputDoesNotFitModel,
                })?;
                Ok(TaskInput::Inline(bytes))
            },
            InputArg::Offchain { hash, size, provider } => {
                if size == 0 {
                    return Err(Error::EmptyInput);
                }
                if size > T::MaxOffchainInput::get() {
                    return Err(Error::InputTooLarge);
                }
                // The chain cannot see the bytes: the seats check them against
                // the schema once fetched, and an input nobody serves or that
                // does not fit is answered `CannotRun`, paid by the client.
                let provider: Provider = provider.try_into().map_err(|_| Error::BadProvider)?;
                if provider.is_empty() {
                    return Err(Error::BadProvider);
                }
                Ok(TaskInput::Offchain { hash, size, provider })
            },
        }
    }

    /// `TaskDeposit + DepositPerByte x` the bytes the input stores: inline
    /// bytes, or an off-chain input's hash, size and provider.
    pub fn deposit_for(input: &TaskInput<T::MaxInlineInput>) -> BalanceOf<T> {
        let bytes = match input {
            TaskInput::Inline(b) => b.len() as u32,
            // The hash and size, and the provider address.
            TaskInput::Offchain { provider, .. } => 40 + provider.len() as u32,
        };
        T::TaskDeposit::get().saturating_add(T::DepositPerByte::get().saturating_mul(bytes.into()))
    }

    /// The fingerprint under the attempt key of the first tensor of an
    /// encoded output: what the chain compares with the verifiers'.
    pub(crate) fn fingerprint_output(params: &LshParams, key: &AttemptKey, bytes: &[u8]) -> Result<Fingerprint, Error<T>> {
        let tensors = triad_verifier::wire::decode(bytes).map_err(|_| Error::<T>::OutputMalformed)?;
        let first = tensors.first().ok_or(Error::<T>::OutputMalformed)?;
        triad_verifier::fingerprint(params, key, &first.tensor.view()).map_err(|_| Error::<T>::OutputMalformed)
    }

    /// A task with its input, its result and every posted output, for the
    /// runtime API.
    pub fn task_view(id: TaskId) -> Option<TaskView<T>> {
        let info = Tasks::<T>::get(id)?;
        let mut outputs: Vec<_> = Outputs::<T>::iter_prefix(id).collect();
        outputs.sort_by_key(|(attempt, _)| *attempt);
        let accepted = match info.phase {
            Phase::Done { resolution: Resolution::Accepted, .. } => info.attempts.len().checked_sub(1),
            _ => None,
        };
        let output = accepted.and_then(|a| outputs.iter().find(|(i, _)| *i as usize == a).map(|(_, o)| o.clone()));
        let mut proofs: Vec<_> = Proofs::<T>::iter_prefix(id).collect();
        proofs.sort_by_key(|(attempt, _)| *attempt);
        Some(TaskView { id, input: Inputs::<T>::get(id)?, info, output, outputs, proofs })
    }

    /// The open seats of `who`, for the runtime API.
    pub fn tasks_of(who: &T::AccountId) -> Vec<(TaskId, Role)> {
        Assigned::<T>::iter_prefix(who).collect()
    }
}

impl<T: Config> Pallet<T> {
    /// Opens the executor's answer in the current attempt of `task`: checks
    /// it against the commitment, fingerprints it under the attempt key, and
    /// stores an output for the attempt. Returns what was posted.
    pub(crate) fn open_answer(
        task: TaskId,
        info: &mut TaskInfo<T>,
        who: &T::AccountId,
        answer: AnswerArg,
        salt: Hash32,
    ) -> Result<Posted, Error<T>> {
        let index = info.attempts.len().saturating_sub(1) as u32;
        let params = T::Models::lsh_params(info.model).ok_or(Error::<T>::ModelNotActive)?;
        let attempt = info.attempts.last_mut().ok_or(Error::<T>::NotAssigned)?;
        let commitment = attempt.seats[0].commit.ok_or(Error::<T>::NotCommitted)?;
        if attempt.posted.is_some() {
            return Err(Error::<T>::AlreadyRevealed);
        }
        let key = attempt.key.ok_or(Error::<T>::NotRevealing)?;
        let digest = match &answer {
            AnswerArg::Output(bytes) => Answer::Output(bytes).digest(),
            // The digest of an output is its content address.
            AnswerArg::Offchain { hash, .. } => *hash,
            AnswerArg::CannotRun(reason) => Answer::CannotRun(*reason).digest(),
        };
        if answer_commitment(&digest, &salt, who, task) != commitment {
            return Err(Error::<T>::CommitmentMismatch);
        }
        let (posted, fingerprint) = match answer {
            AnswerArg::Output(bytes) => {
                let bounded: BoundedVec<u8, T::MaxInlineOutput> = bytes.try_into().map_err(|_| Error::<T>::OutputTooLarge)?;
                let fingerprint = Self::fingerprint_output(&params, &key, &bounded)?;
                Outputs::<T>::insert(task, index, bounded);
                (Posted::Output { hash: digest }, fingerprint)
            },
            AnswerArg::Offchain { hash, size, fingerprint } => {
                if size <= T::MaxInlineOutput::get() as u64 {
                    return Err(Error::<T>::OutputFitsInline);
                }
                if size > T::MaxOffchainOutput::get() {
                    return Err(Error::<T>::OutputTooLarge);
                }
                (Posted::Offchain { hash, size }, fingerprint)
            },
            AnswerArg::CannotRun(reason) => (Posted::CannotRun(reason), triad_verifier::cannot_run(&params, &key, reason)),
        };
        attempt.posted = Some(posted);
        attempt.seats[0].reveal = Some(fingerprint);
        Ok(posted)
    }
}
