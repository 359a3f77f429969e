//! Proved tasks ([`Mode::Groth16`]): the executor's output and proof,
//! checked against the model's verifying key, and the attempt's settlement
//! by [`crate::payouts::proof_payout`].

use super::*;
use codec::Encode;
use frame_support::{ensure, pallet_prelude::DispatchResult, traits::Get};
use frame_system::pallet_prelude::BlockNumberFor;
use triad_verifier::{wire, Data};
use triad_zk_verify::{decode_proof, decode_registered_key, public_inputs, verify_decoded, OutputSpec, ZkError};

use crate::payouts::{proof_payout, proof_verdict, ProofState};

/// The bytes a proof's statement hashes: the data of the input's single
/// `uint8` tensor, row-major.
pub(crate) fn statement_input(encoded: &[u8]) -> Option<Vec<u8>> {
    match &wire::decode(encoded).ok()?[..] {
        [only] => match &only.tensor.data {
            Data::U8(bytes) => Some(bytes.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// The integers a proof's statement packs: the elements of the output's
/// single integer tensor, row-major.
pub(crate) fn statement_output(encoded: &[u8]) -> Option<Vec<i64>> {
    match &wire::decode(encoded).ok()?[..] {
        [only] => match &only.tensor.data {
            Data::I64(values) => Some(values.clone()),
            Data::U8(bytes) => Some(bytes.iter().map(|b| i64::from(*b)).collect()),
            Data::F32(_) => None,
        },
        _ => None,
    }
}

impl<T: Config> Pallet<T> {
    pub(crate) fn do_submit_proof(who: T::AccountId, task: TaskId, output: Vec<u8>, proof: Proof) -> DispatchResult {
        let mut info = Tasks::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
        ensure!(info.mode == Mode::Groth16, Error::<T>::WrongMode);
        let now = frame_system::Pallet::<T>::block_number();
        ensure!(matches!(info.phase, Phase::Execute { until } if now < until), Error::<T>::NotExecuting);
        ensure!(Assigned::<T>::get(&who, task).ok_or(Error::<T>::NotAssigned)? == Role::Executor, Error::<T>::NotExecutor);
        let output: BoundedVec<u8, T::MaxInlineOutput> = output.try_into().map_err(|_| Error::<T>::OutputTooLarge)?;
        T::Models::check_output(info.model, &output).map_err(|_| Error::<T>::OutputMalformed)?;
        let index = info.attempts.len().saturating_sub(1) as u32;
        let failure = Self::check_proof(task, &info, index, &who, &output, &proof)?;

        let hash = Answer::Output(&output).digest();
        Outputs::<T>::insert(task, index, output);
        Proofs::<T>::insert(task, index, proof);
        if let Some(attempt) = info.attempts.last_mut() {
            attempt.posted = Some(Posted::Output { hash });
        }
        Self::deposit_event(Event::ProofChecked { task, attempt: index, executor: who, failure });
        let state = if failure.is_none() { ProofState::Valid } else { ProofState::Invalid };
        Self::settle_proof(task, &mut info, now, state);
        Tasks::<T>::insert(task, info);
        Ok(())
    }

    /// Checks `proof` that attempt `index` of `task`, run by `who`, gives
    /// `output`. `Ok(None)` is a valid proof, `Ok(Some(_))` why it is not;
    /// `Err` is an output that does not fit the model, which the executor
    /// may still correct within the phase.
    pub(crate) fn check_proof(
        task: TaskId,
        info: &TaskInfo<T>,
        index: u32,
        who: &T::AccountId,
        output: &[u8],
        proof: &Proof,
    ) -> Result<Option<ProofFailure>, Error<T>> {
        let key = T::Models::proof_key(info.model).ok_or(Error::<T>::NoProofKey)?;
        let Some(TaskInput::Inline(input)) = Inputs::<T>::get(task) else { return Err(Error::<T>::ProofInputNotInline) };
        let input = statement_input(&input).ok_or(Error::<T>::ProofInputNotInline)?;
        let values = statement_output(output).ok_or(Error::<T>::OutputMalformed)?;
        let ctx = triad_zk_verify::context(info.model, task, index, &who.encode());
        let spec = OutputSpec { count: key.output_count, bits: key.output_bits };
        let inputs = match public_inputs(ctx, &input, &values, spec) {
            Ok(inputs) => inputs,
            Err(ZkError::OutputCount { .. } | ZkError::OutputWidth(_)) => return Err(Error::<T>::OutputMalformed),
            Err(_) => return Ok(Some(ProofFailure::OutputOutOfRange)),
        };
        // The key was checked when it was registered, and keys never change.
        let vk = decode_registered_key(&key.verifying_key).map_err(|_| Error::<T>::NoProofKey)?;
        let Ok(proof) = decode_proof(proof) else { return Ok(Some(ProofFailure::Malformed)) };
        Ok(verify_decoded(&vk, &proof, &inputs).err().map(|_| ProofFailure::Rejected))
    }

    /// Settles a proved attempt by [`proof_payout`], then ends the task or
    /// queues a re-run.
    pub(crate) fn settle_proof(task: TaskId, info: &mut TaskInfo<T>, now: BlockNumberFor<T>, state: ProofState) {
        let (client, model) = (info.client.clone(), info.model);
        let result = proof_payout(state, info.price, &Self::rates());
        let verdict = proof_verdict(state);
        let index = info.attempts.len().saturating_sub(1) as u32;
        let Some(attempt) = info.attempts.last_mut() else { return };
        attempt.verdict = Some(verdict);
        let stake = T::StakePerSeat::get();
        for seat in attempt.seats.iter_mut() {
            T::Workers::unlock_stake(&seat.who, stake);
            Assigned::<T>::remove(&seat.who, task);
            Self::carry_out(task, &client, model, seat, &result);
        }
        Self::deposit_event(Event::AttemptSettled { task, attempt: index, verdict });
        Self::conclude(task, info, now, verdict.outcome, false);
    }
}
