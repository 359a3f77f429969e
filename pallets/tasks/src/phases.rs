//! The calls of a task's life: its submission, then an attempt's phases: the
//! executor's commitment and reveal, the verifiers' commitments and votes. Each checks the phase and the
//! caller's seat, records what was posted, and moves the task on when the
//! last expected seat has acted.

use super::*;
use frame_support::{
    ensure,
    pallet_prelude::{DispatchResult, DispatchResultWithPostInfo},
    traits::{fungible::MutateHold, Get},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::Zero;
use triad_primitives::Fingerprint;

impl<T: Config> Pallet<T> {
    pub(crate) fn do_submit_task(
        client: T::AccountId,
        model: ModelId,
        input: InputArg,
        max_fee: BalanceOf<T>,
        mode: Mode,
        deadline: BlockNumberFor<T>,
    ) -> DispatchResult {
        ensure!(T::Models::is_active(model), Error::<T>::ModelNotActive);
        let modes = T::Models::modes(model).ok_or(Error::<T>::ModelNotActive)?;
        let price = match mode {
            Mode::Lsh => {
                ensure!(modes.lsh_majority, Error::<T>::ModeNotAllowed);
                T::Models::price_floor(model).ok_or(Error::<T>::ModelNotActive)?
            },
            Mode::Groth16 => {
                ensure!(modes.groth16.is_some(), Error::<T>::ModeNotAllowed);
                let key = T::Models::proof_key(model).ok_or(Error::<T>::NoProofKey)?;
                let inline = matches!(&input, InputArg::Inline(b) if b.len() <= T::MaxProofInput::get() as usize);
                ensure!(inline, Error::<T>::ProofInputNotInline);
                key.price
            },
            Mode::Tee => {
                ensure!(modes.tee, Error::<T>::ModeNotAllowed);
                ensure!(T::Models::tee_policy(model).is_some(), Error::<T>::NoTeePolicy);
                let floor = T::Models::price_floor(model).ok_or(Error::<T>::ModelNotActive)?;
                crate::payouts::tee_price(floor, T::ExecutorShare::get())
            },
        };
        ensure!(max_fee >= price, Error::<T>::FeeBelowPrice);
        let input = Self::check_input(model, input)?;
        let now = frame_system::Pallet::<T>::block_number();
        ensure!(deadline >= now.saturating_add(Self::min_deadline()), Error::<T>::DeadlineTooSoon);
        ensure!(deadline <= now.saturating_add(T::MaxDeadline::get()), Error::<T>::DeadlineTooFar);
        ensure!(OpenTasks::<T>::get(&client) < T::MaxOpenPerClient::get(), Error::<T>::TooManyOpenTasks);

        let task = NextTaskId::<T>::get();
        Queue::<T>::try_mutate(|q| q.try_push(task)).map_err(|_| Error::<T>::QueueFull)?;
        let deposit = Self::deposit_for(&input);
        T::Currency::hold(&HoldReason::TaskEscrow.into(), &client, max_fee).map_err(|_| Error::<T>::InsufficientBalance)?;
        T::Currency::hold(&HoldReason::TaskDeposit.into(), &client, deposit).map_err(|_| Error::<T>::InsufficientBalance)?;
        NextTaskId::<T>::put(task.saturating_add(1));
        OpenTasks::<T>::mutate(&client, |n| n.saturating_inc());
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
                deposit,
            },
        );
        Inputs::<T>::insert(task, input);
        Self::deposit_event(Event::TaskSubmitted { task, client, model, escrow: max_fee, price, deposit, deadline });
        Ok(())
    }

    pub(crate) fn do_commit_answer(who: T::AccountId, task: TaskId, commitment: Hash32) -> DispatchResult {
        let mut info = Tasks::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
        ensure!(info.mode != Mode::Groth16, Error::<T>::WrongMode);
        let now = frame_system::Pallet::<T>::block_number();
        ensure!(matches!(info.phase, Phase::Execute { until } if now < until), Error::<T>::NotExecuting);
        ensure!(Assigned::<T>::get(&who, task).ok_or(Error::<T>::NotAssigned)? == Role::Executor, Error::<T>::NotExecutor);
        let attempt = info.attempts.last_mut().ok_or(Error::<T>::NotAssigned)?;
        ensure!(attempt.seats[0].commit.is_none(), Error::<T>::AlreadyCommitted);
        attempt.seats[0].commit = Some(commitment);
        let key_at = now.saturating_add(KEY_DELAY.into());
        info.phase = Phase::Key { at: key_at };
        Self::push_timer(TimerKind::Key, (task, key_at));
        Tasks::<T>::insert(task, info);
        Self::deposit_event(Event::AnswerCommitted { task, executor: who, key_at });
        Ok(())
    }

    pub(crate) fn do_commit_fingerprint(who: T::AccountId, task: TaskId, commitment: Hash32) -> DispatchResult {
        let mut info = Tasks::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
        let now = frame_system::Pallet::<T>::block_number();
        ensure!(matches!(info.phase, Phase::Check { until } if now < until), Error::<T>::NotChecking);
        let Role::Verifier(v) = Assigned::<T>::get(&who, task).ok_or(Error::<T>::NotAssigned)? else {
            return Err(Error::<T>::NotVerifier.into());
        };
        let attempt = info.attempts.last_mut().ok_or(Error::<T>::NotAssigned)?;
        let seat = &mut attempt.seats[Role::Verifier(v).index()];
        ensure!(seat.commit.is_none(), Error::<T>::AlreadyCommitted);
        seat.commit = Some(commitment);
        let all_in = attempt.seats.iter().all(|s| s.commit.is_some());
        Self::deposit_event(Event::FingerprintCommitted { task, who });
        if all_in {
            Self::start_reveal(task, &mut info, now);
        }
        Tasks::<T>::insert(task, info);
        Ok(())
    }

    pub(crate) fn do_reveal_answer(who: T::AccountId, task: TaskId, answer: AnswerArg, salt: Hash32) -> DispatchResult {
        let mut info = Tasks::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
        let now = frame_system::Pallet::<T>::block_number();
        ensure!(matches!(info.phase, Phase::Reveal { until } if now < until), Error::<T>::NotRevealing);
        ensure!(Assigned::<T>::get(&who, task).ok_or(Error::<T>::NotAssigned)? == Role::Executor, Error::<T>::NotExecutor);
        let posted = Self::open_answer(task, &mut info, &who, answer, salt)?;
        let until = now.saturating_add(T::VotePeriod::get());
        info.phase = Phase::Vote { until };
        Self::push_timer(TimerKind::Vote, (task, until));
        Tasks::<T>::insert(task, info);
        Self::deposit_event(Event::AnswerRevealed { task, executor: who, posted, until });
        Ok(())
    }

    pub(crate) fn do_reveal_vote(
        who: T::AccountId,
        task: TaskId,
        fingerprint: Fingerprint,
        salt: Hash32,
        vote: Vote,
    ) -> DispatchResultWithPostInfo {
        let mut info = Tasks::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
        let now = frame_system::Pallet::<T>::block_number();
        ensure!(matches!(info.phase, Phase::Vote { until } if now < until), Error::<T>::NotVoting);
        let Role::Verifier(v) = Assigned::<T>::get(&who, task).ok_or(Error::<T>::NotAssigned)? else {
            return Err(Error::<T>::NotVerifier.into());
        };
        let attempt = info.attempts.last_mut().ok_or(Error::<T>::NotAssigned)?;
        let seat = &mut attempt.seats[Role::Verifier(v).index()];
        let commitment = seat.commit.ok_or(Error::<T>::NotCommitted)?;
        ensure!(seat.reveal.is_none(), Error::<T>::AlreadyRevealed);
        ensure!(reveal_commitment(&fingerprint, &salt, &who, task) == commitment, Error::<T>::CommitmentMismatch);
        seat.reveal = Some(fingerprint);
        seat.vote = Some(vote);
        let all_in = attempt.seats[1..].iter().all(|s| s.commit.is_none() || s.reveal.is_some());
        Self::deposit_event(Event::VoteRevealed { task, who, vote });
        if all_in {
            Self::settle(task, &mut info, now);
        }
        Tasks::<T>::insert(task, info);
        // Only the last vote settles; the others pay for a vote alone.
        Ok(if all_in { None.into() } else { Some(T::WeightInfo::reveal_vote_unsettled()).into() })
    }
}
