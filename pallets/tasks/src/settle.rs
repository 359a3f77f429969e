//! Settlement of attempts, the end of tasks, pruning, and the storage
//! invariants. Who gets what is decided by [`crate::payouts::payouts`]; this
//! file moves the funds and records it.

use super::*;
use frame_support::{
    traits::{
        tokens::{Fortitude, Precision, Restriction},
        Defensive, Get,
    },
    weights::Weight,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
    traits::{Saturating, Zero},
    Perbill,
};
use triad_verifier::{majority, pair, Outcome};

use crate::payouts::{payouts_of, shares, tee_shares, Rates, SeatResult, SeatState};

impl<T: Config> Pallet<T> {
    pub(crate) fn rates() -> Rates {
        Rates {
            executor_share: T::ExecutorShare::get(),
            executor_slash: T::ExecutorSlash::get(),
            minority_slash: T::MinoritySlash::get(),
            no_show_slash: T::NoShowSlash::get(),
        }
    }

    /// Decides the current attempt, pays, slashes and reports every seat,
    /// then ends the task or queues a re-run.
    pub(crate) fn settle(task: TaskId, info: &mut TaskInfo<T>, now: BlockNumberFor<T>) {
        let client = info.client.clone();
        let (price, model) = (info.price, info.model);
        let attempts = info.attempts.len() as u32;
        let Some(attempt) = info.attempts.last_mut() else { return };
        let inconclusive =
            Verdict { outcome: Outcome::Inconclusive, executor_in_majority: false, verifiers_in_majority: [false; 3] };
        let tee = info.mode == Mode::Tee;
        let verdict = match T::Models::lsh_params(model) {
            Some(params) => {
                let s = &attempt.seats;
                let verifier = |i: usize| s[i].reveal.as_ref().map(|f| (f, s[i].vote.unwrap_or(Vote::Mismatch)));
                if tee {
                    pair(s[0].reveal.as_ref(), verifier(1), &params)
                } else {
                    majority(s[0].reveal.as_ref(), [verifier(1), verifier(2), verifier(3)], &params)
                }
            },
            None => inconclusive,
        };
        attempt.verdict = Some(verdict);

        // Verifiers are asked to commit only once there is a key: an attempt
        // whose executor never committed owes them nothing and costs them nothing.
        let asked = attempt.key.is_some();
        // An LSH attempt has four seats, a TEE attempt two (see
        // `draw::verifiers_for`); results past the seats are not carried out.
        let states = core::array::from_fn(|i| {
            let Some(s) = attempt.seats.get(i) else { return SeatState { committed: false, revealed: false } };
            if i > 0 && !asked {
                SeatState { committed: true, revealed: true }
            } else {
                SeatState { committed: s.commit.is_some(), revealed: s.reveal.is_some() }
            }
        });
        let rates = Self::rates();
        let pay = if tee { tee_shares(price, rates.executor_share) } else { shares(price, rates.executor_share) };
        let results = payouts_of(&verdict, states, pay, &rates);

        let stake = T::StakePerSeat::get();
        for seat in attempt.seats.iter() {
            // Before any slash: a slash trims `locked` to what is left, and
            // unlocking afterwards would free stake other tasks locked.
            T::Workers::unlock_stake(&seat.who, stake);
            Assigned::<T>::remove(&seat.who, task);
        }

        // Catching verifiers are paid by the executor they caught, so a
        // rejected attempt costs the client nothing.
        let executor = attempt.seats[0].who.clone();
        for i in 1..attempt.seats.len() {
            if results[i].bounty.is_zero() {
                continue;
            }
            let who = attempt.seats[i].who.clone();
            let taken =
                T::Workers::slash(&executor, Perbill::zero(), results[i].bounty, Some(&who)).defensive_unwrap_or_default();
            attempt.seats[i].bounty = taken;
            attempt.seats[0].slashed.saturating_accrue(taken);
            Self::deposit_event(Event::BountyPaid { task, who, amount: taken });
        }

        for (seat, result) in attempt.seats.iter_mut().zip(&results) {
            Self::carry_out(task, &client, model, seat, result);
        }
        let cannot_run = matches!(attempt.posted, Some(Posted::CannotRun(_)));
        Self::deposit_event(Event::AttemptSettled { task, attempt: attempts - 1, verdict });
        Self::conclude(task, info, now, verdict.outcome, cannot_run);
    }

    /// Pays a seat from the client's escrow, slashes it, and moves its
    /// standing, as `result` says.
    pub(crate) fn carry_out(
        task: TaskId,
        client: &T::AccountId,
        model: ModelId,
        seat: &mut Seat<T::AccountId, BalanceOf<T>>,
        result: &SeatResult<BalanceOf<T>>,
    ) {
        let who = seat.who.clone();
        if !result.paid.is_zero() {
            let paid = T::Currency::transfer_on_hold(
                &HoldReason::TaskEscrow.into(),
                client,
                &who,
                result.paid,
                Precision::Exact,
                Restriction::Free,
                Fortitude::Polite,
            )
            .defensive_unwrap_or_default();
            seat.paid = paid;
            Self::deposit_event(Event::WorkerPaid { task, who: who.clone(), amount: paid });
        }
        if let Some((fraction, reason)) = result.slash {
            let taken = T::Workers::slash(&who, fraction, Zero::zero(), None).defensive_unwrap_or_default();
            seat.slashed.saturating_accrue(taken);
            let amount = seat.slashed;
            Self::deposit_event(Event::WorkerSlashed { task, who: who.clone(), amount, reason });
        }
        T::Reputation::record_outcome(&who, model, result.standing);
    }

    /// Ends the task on an accepted attempt; otherwise queues a re-run while
    /// attempts and time allow, and ends it without a result when not.
    pub(crate) fn conclude(task: TaskId, info: &mut TaskInfo<T>, now: BlockNumberFor<T>, outcome: Outcome, cannot_run: bool) {
        let attempts = info.attempts.len() as u32;
        let may_rerun = attempts < T::MaxAttempts::get() && now.saturating_add(Self::min_deadline()) <= info.deadline;
        match outcome {
            Outcome::Accepted if cannot_run => Self::finish(task, info, Resolution::CannotRun),
            Outcome::Accepted => Self::finish(task, info, Resolution::Accepted),
            _ if may_rerun && Queue::<T>::try_mutate(|q| q.try_push(task)).is_ok() => {
                info.phase = Phase::Queued;
                info.queued_at = now;
                Self::deposit_event(Event::TaskRequeued { task, attempts });
            },
            _ => {
                let resolution = Self::resolution_without_result(info);
                Self::finish(task, info, resolution)
            },
        }
    }

    /// Ends a task: refunds what was not paid and queues it for pruning.
    pub(crate) fn finish(task: TaskId, info: &mut TaskInfo<T>, resolution: Resolution) {
        let now = frame_system::Pallet::<T>::block_number();
        let paid = info.paid();
        let refund = info.escrow.saturating_sub(paid);
        let refunded = T::Currency::release(&HoldReason::TaskEscrow.into(), &info.client, refund, Precision::BestEffort)
            .defensive_unwrap_or_default();
        info.refunded = refunded;
        info.phase = Phase::Done { resolution, at: now };
        OpenTasks::<T>::mutate_exists(&info.client, |n| {
            *n = n.map(|n| n.saturating_sub(1)).filter(|n| *n > 0);
        });
        Self::push_timer(TimerKind::Finished, (task, now));
        Self::deposit_event(Event::TaskFinished { task, resolution, paid, refunded });
    }

    /// Removes finished tasks past `RetentionPeriod`, oldest first, while the
    /// block has weight left, and returns their deposits.
    pub(crate) fn prune(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
        let mut used = T::DbWeight::get().reads(1);
        let per_task = T::WeightInfo::prune_task();
        if remaining.any_lt(used.saturating_add(per_task)) {
            return Weight::zero();
        }
        let (mut head, tail) = Cursors::<T>::get(TimerKind::Finished);
        let start = head;
        while head < tail && !remaining.any_lt(used.saturating_add(per_task).saturating_add(T::DbWeight::get().writes(1))) {
            let Some((task, at)) = Timers::<T>::get(TimerKind::Finished, head) else {
                head.saturating_inc();
                continue;
            };
            if at.saturating_add(T::RetentionPeriod::get()) > now {
                break;
            }
            Timers::<T>::remove(TimerKind::Finished, head);
            if let Some(info) = Tasks::<T>::take(task) {
                let returned =
                    T::Currency::release(&HoldReason::TaskDeposit.into(), &info.client, info.deposit, Precision::BestEffort)
                        .defensive_unwrap_or_default();
                Self::deposit_event(Event::TaskPruned { task, client: info.client, deposit: returned });
            }
            Inputs::<T>::remove(task);
            let _ = Outputs::<T>::clear_prefix(task, T::MaxAttempts::get(), None);
            let _ = Proofs::<T>::clear_prefix(task, T::MaxAttempts::get(), None);
            head.saturating_inc();
            used.saturating_accrue(per_task);
        }
        if head != start {
            Cursors::<T>::mutate(TimerKind::Finished, |c| c.0 = head);
            used.saturating_accrue(T::DbWeight::get().writes(1));
        }
        used
    }

    /// Checks the invariants listed in the crate docs.
    #[cfg(any(feature = "try-runtime", feature = "std"))]
    pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
        use alloc::collections::{BTreeMap, BTreeSet};
        use frame_support::{ensure, traits::fungible::InspectHold};

        let queue = Queue::<T>::get();
        let mut held: BTreeMap<T::AccountId, (BalanceOf<T>, BalanceOf<T>, u32)> = BTreeMap::new();
        let mut due: BTreeSet<(TimerKind, TaskId, BlockNumberFor<T>)> = BTreeSet::new();
        for (kind, _, (task, at)) in Timers::<T>::iter() {
            due.insert((kind, task, at));
        }
        let mut seats = 0usize;
        for (id, info) in Tasks::<T>::iter() {
            ensure!(Inputs::<T>::contains_key(id), "a task without its input");
            for (index, a) in info.attempts.iter().enumerate() {
                let bounties = a.seats.iter().fold(BalanceOf::<T>::zero(), |acc, s| acc.saturating_add(s.bounty));
                ensure!(bounties <= a.seats[0].slashed, "bounties exceed the executor's slash");
                ensure!(
                    Outputs::<T>::contains_key(id, index as u32) == matches!(a.posted, Some(Posted::Output { .. })),
                    "an inline output is stored for its attempt, and nothing else is"
                );
                ensure!(
                    Proofs::<T>::contains_key(id, index as u32) == (info.mode == Mode::Groth16 && a.posted.is_some()),
                    "a proof is stored for exactly the posted attempts of proved tasks"
                );
                ensure!(a.seats.len() == 1 + crate::draw::verifiers_for(info.mode), "an attempt has the seats of its mode");
                ensure!(a.attested.is_some() == (info.mode == Mode::Tee), "exactly TEE attempts record an attestation");
                if let Some(seal) = a.attested {
                    ensure!(seal.checked_at < seal.expires_at, "a TEE executor drawn without a valid attestation");
                }
            }
            ensure!(queue.contains(&id) == (info.phase == Phase::Queued), "queue and queued tasks differ");
            let entry = held.entry(info.client.clone()).or_default();
            entry.1 = entry.1.saturating_add(info.deposit);
            match info.phase {
                Phase::Done { at, .. } => {
                    ensure!(
                        info.paid().saturating_add(info.refunded) == info.escrow,
                        "payments and refund of a finished task do not add up to its escrow"
                    );
                    ensure!(due.contains(&(TimerKind::Finished, id, at)), "a finished task is not queued for pruning");
                },
                phase => {
                    ensure!(info.paid().is_zero(), "an open task paid a worker");
                    entry.0 = entry.0.saturating_add(info.escrow);
                    entry.2 += 1;
                    let timer = match phase {
                        Phase::Execute { until } => Some((TimerKind::Execute, until)),
                        Phase::Key { at } => Some((TimerKind::Key, at)),
                        Phase::Check { until } => Some((TimerKind::Check, until)),
                        Phase::Reveal { until } => Some((TimerKind::Reveal, until)),
                        Phase::Vote { until } => Some((TimerKind::Vote, until)),
                        _ => None,
                    };
                    if let Some((kind, until)) = timer {
                        ensure!(due.contains(&(kind, id, until)), "a running phase has no deadline entry");
                        let attempt = info.attempts.last().ok_or("a running task has no attempt")?;
                        let keyed = matches!(phase, Phase::Check { .. } | Phase::Reveal { .. } | Phase::Vote { .. });
                        ensure!(attempt.key.is_some() == keyed, "a key exists exactly from the check phase on");
                        for (k, s) in attempt.seats.iter().enumerate() {
                            let role = Role::of_seat(k);
                            ensure!(Assigned::<T>::get(&s.who, id) == Some(role), "a seat is missing from the index");
                            seats += 1;
                        }
                    }
                },
            }
        }
        ensure!(Assigned::<T>::iter().count() == seats, "the worker index lists seats of no running attempt");
        ensure!(queue.iter().all(|t| Tasks::<T>::contains_key(t)), "the queue lists an unknown task");
        ensure!(Outputs::<T>::iter_keys().all(|(t, _)| Tasks::<T>::contains_key(t)), "an output of a pruned task");
        ensure!(Proofs::<T>::iter_keys().all(|(t, _)| Tasks::<T>::contains_key(t)), "a proof of a pruned task");
        for (client, (escrow, deposit, open)) in &held {
            ensure!(
                T::Currency::balance_on_hold(&HoldReason::TaskEscrow.into(), client) == *escrow,
                "held escrow differs from the open tasks' escrow"
            );
            ensure!(
                T::Currency::balance_on_hold(&HoldReason::TaskDeposit.into(), client) == *deposit,
                "held deposit differs from the stored tasks' deposits"
            );
            ensure!(OpenTasks::<T>::get(client) == *open, "the open-task count differs from the open tasks");
        }
        ensure!(OpenTasks::<T>::iter_keys().all(|c| held.get(&c).is_some_and(|h| h.2 > 0)), "an open-task count of nobody");
        Ok(())
    }
}
