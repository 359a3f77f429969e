//! Phase deadlines, settlement of attempts, the end of tasks, pruning, and
//! the storage invariants.

use super::*;
use frame_support::{
    traits::{
        tokens::{Fortitude, Precision, Restriction},
        Get,
    },
    weights::Weight,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
    traits::{Saturating, Zero},
    Perbill,
};
use triad_primitives::Outcome as Standing;
use triad_verifier::{majority, Outcome};

impl<T: Config> Pallet<T> {
    pub(crate) fn push_timer(kind: TimerKind, entry: TimerOf<T>) {
        Cursors::<T>::mutate(kind, |(_, tail)| {
            Timers::<T>::insert(kind, *tail, entry);
            *tail = tail.saturating_add(1);
        });
    }

    /// Handles the commit and reveal deadlines that are due, oldest first, at
    /// most `MaxTimersPerBlock` of them; the rest wait for the next block.
    pub(crate) fn process_timers(now: BlockNumberFor<T>) -> Weight {
        let mut budget = T::MaxTimersPerBlock::get();
        let mut weight = T::DbWeight::get().reads(2);
        for kind in [TimerKind::Commit, TimerKind::Reveal] {
            let (mut head, _) = Cursors::<T>::get(kind);
            let start = head;
            while budget > 0 && head < Cursors::<T>::get(kind).1 {
                let Some((task, due)) = Timers::<T>::get(kind, head) else {
                    head.saturating_inc();
                    continue;
                };
                if due > now {
                    break;
                }
                Timers::<T>::remove(kind, head);
                head.saturating_inc();
                budget -= 1;
                weight.saturating_accrue(if Self::on_deadline(task, kind, due, now) {
                    T::WeightInfo::expire()
                } else {
                    T::DbWeight::get().reads_writes(2, 1)
                });
            }
            if head != start {
                Cursors::<T>::mutate(kind, |c| c.0 = head);
                weight.saturating_accrue(T::DbWeight::get().writes(1));
            }
        }
        weight
    }

    /// A deadline came. Entries for a phase the task already left early are
    /// stale and ignored; returns whether the task moved.
    fn on_deadline(task: TaskId, kind: TimerKind, due: BlockNumberFor<T>, now: BlockNumberFor<T>) -> bool {
        let Some(mut info) = Tasks::<T>::get(task) else { return false };
        match (kind, info.phase) {
            (TimerKind::Commit, Phase::Commit { until }) if until == due => {
                let any = info.attempts.last().is_some_and(|a| a.seats.iter().any(|s| s.commit.is_some()));
                if any {
                    Self::start_reveal(task, &mut info, now);
                } else {
                    Self::settle(task, &mut info, now);
                }
            },
            (TimerKind::Reveal, Phase::Reveal { until }) if until == due => Self::settle(task, &mut info, now),
            _ => return false,
        }
        Tasks::<T>::insert(task, info);
        true
    }

    pub(crate) fn start_reveal(task: TaskId, info: &mut TaskInfo<T>, now: BlockNumberFor<T>) {
        let until = now.saturating_add(T::RevealPeriod::get());
        info.phase = Phase::Reveal { until };
        Self::push_timer(TimerKind::Reveal, (task, until));
        Self::deposit_event(Event::RevealStarted { task, until });
    }

    /// Decides the current attempt, pays, slashes and reports every seat, then
    /// ends the task or queues a re-run.
    pub(crate) fn settle(task: TaskId, info: &mut TaskInfo<T>, now: BlockNumberFor<T>) {
        let client = info.client.clone();
        let (price, model) = (info.price, info.model);
        let attempts = info.attempts.len() as u32;
        let Some(attempt) = info.attempts.last_mut() else { return };
        let reveals = attempt.seats.clone().map(|s| s.reveal);
        let verdict = match T::Models::lsh_params(model) {
            Some(params) => majority(reveals[0].as_ref(), [1, 2, 3].map(|i| reveals[i].as_ref()), &params),
            None => triad_verifier::Verdict {
                outcome: Outcome::Inconclusive,
                executor_in_majority: false,
                verifiers_in_majority: [false; 3],
            },
        };
        attempt.verdict = Some(verdict);

        let stake = T::StakePerSeat::get();
        for seat in attempt.seats.iter() {
            // Before any slash: a slash trims `locked` to what is left, and
            // unlocking afterwards would free stake other tasks locked.
            T::Workers::unlock_stake(&seat.who, stake);
            Assigned::<T>::remove(&seat.who, task);
        }

        let executor_pay = T::ExecutorShare::get() * price;
        let verifier_pay = price.saturating_sub(executor_pay) / 3u32.into();
        let in_majority = |i: usize| if i == 0 { verdict.executor_in_majority } else { verdict.verifiers_in_majority[i - 1] };

        if verdict.outcome == Outcome::Rejected {
            // Catching verifiers are paid by the executor they caught, so a
            // rejected attempt costs the client nothing.
            let executor = attempt.seats[0].who.clone();
            for i in (1..4).filter(|i| in_majority(*i)) {
                let who = attempt.seats[i].who.clone();
                let taken = T::Workers::slash(&executor, Perbill::zero(), verifier_pay, Some(&who)).unwrap_or_default();
                attempt.seats[i].bounty = taken;
                attempt.seats[0].slashed.saturating_accrue(taken);
                Self::deposit_event(Event::BountyPaid { task, who, amount: taken });
            }
        }

        for i in 0..4 {
            let who = attempt.seats[i].who.clone();
            let revealed = attempt.seats[i].reveal.is_some();
            let (standing, slash) = match (verdict.outcome, revealed, in_majority(i)) {
                (_, false, _) => (Standing::NoShow, Some((T::NoShowSlash::get(), SlashReason::NoShow))),
                (Outcome::Inconclusive, true, _) => (Standing::Inconclusive, None),
                (_, true, true) => (Standing::AgreedWithMajority, None),
                (Outcome::Rejected, true, false) if i == 0 =>
                    (Standing::RejectedMinority, Some((T::ExecutorSlash::get(), SlashReason::RejectedResult))),
                (_, true, false) => (Standing::RejectedMinority, Some((T::MinoritySlash::get(), SlashReason::Minority))),
            };
            if verdict.outcome == Outcome::Accepted && revealed && in_majority(i) {
                let amount = if i == 0 { executor_pay } else { verifier_pay };
                let paid = T::Currency::transfer_on_hold(
                    &HoldReason::TaskEscrow.into(),
                    &client,
                    &who,
                    amount,
                    Precision::Exact,
                    Restriction::Free,
                    Fortitude::Polite,
                )
                .unwrap_or_default();
                attempt.seats[i].paid = paid;
                Self::deposit_event(Event::WorkerPaid { task, who: who.clone(), amount: paid });
            }
            if let Some((fraction, reason)) = slash {
                let taken = T::Workers::slash(&who, fraction, Zero::zero(), None).unwrap_or_default();
                attempt.seats[i].slashed.saturating_accrue(taken);
                let amount = attempt.seats[i].slashed;
                Self::deposit_event(Event::WorkerSlashed { task, who: who.clone(), amount, reason });
            }
            T::Reputation::record_outcome(&who, standing);
        }
        Self::deposit_event(Event::AttemptSettled { task, attempt: attempts - 1, verdict });

        let may_rerun = attempts < T::MaxAttempts::get() &&
            now.saturating_add(Self::min_deadline()) <= info.deadline;
        match verdict.outcome {
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
            .unwrap_or_default();
        info.refunded = refunded;
        info.phase = Phase::Done { resolution, at: now };
        Self::push_timer(TimerKind::Finished, (task, now));
        Self::deposit_event(Event::TaskFinished { task, resolution, paid, refunded });
    }

    /// Removes finished tasks past `RetentionPeriod`, oldest first, while the
    /// block has weight left.
    pub(crate) fn prune(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
        let mut used = T::DbWeight::get().reads(1);
        let per_task = T::WeightInfo::prune_task();
        if remaining.any_lt(used.saturating_add(per_task)) {
            return Weight::zero();
        }
        let (mut head, tail) = Cursors::<T>::get(TimerKind::Finished);
        let mut count = 0u32;
        while head < tail && !remaining.any_lt(used.saturating_add(per_task).saturating_add(T::DbWeight::get().writes(1))) {
            let Some((task, at)) = Timers::<T>::get(TimerKind::Finished, head) else {
                head.saturating_inc();
                continue;
            };
            if at.saturating_add(T::RetentionPeriod::get()) > now {
                break;
            }
            Timers::<T>::remove(TimerKind::Finished, head);
            Tasks::<T>::remove(task);
            Inputs::<T>::remove(task);
            Outputs::<T>::remove(task);
            head.saturating_inc();
            count += 1;
            used.saturating_accrue(per_task);
        }
        if count > 0 {
            Cursors::<T>::mutate(TimerKind::Finished, |c| c.0 = head);
            used.saturating_accrue(T::DbWeight::get().writes(1));
            Self::deposit_event(Event::TasksPruned { count });
        }
        used
    }

    /// Checks the invariants listed in the crate docs.
    #[cfg(any(feature = "try-runtime", feature = "std"))]
    pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
        use alloc::collections::{BTreeMap, BTreeSet};
        use frame_support::ensure;
        use frame_support::traits::fungible::InspectHold;

        let queue = Queue::<T>::get();
        let mut held: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
        let mut due: BTreeSet<(TimerKind, TaskId, BlockNumberFor<T>)> = BTreeSet::new();
        for (kind, _, (task, at)) in Timers::<T>::iter() {
            due.insert((kind, task, at));
        }
        let mut seats = 0usize;
        for (id, info) in Tasks::<T>::iter() {
            ensure!(Inputs::<T>::contains_key(id), "a task without its input");
            for a in info.attempts.iter() {
                let bounties = a.seats.iter().fold(BalanceOf::<T>::zero(), |acc, s| acc.saturating_add(s.bounty));
                ensure!(bounties <= a.seats[0].slashed, "bounties exceed the executor's slash");
            }
            ensure!(queue.contains(&id) == (info.phase == Phase::Queued), "queue and queued tasks differ");
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
                    let entry = held.entry(info.client.clone()).or_default();
                    *entry = entry.saturating_add(info.escrow);
                    let timer = match phase {
                        Phase::Commit { until } => Some((TimerKind::Commit, until)),
                        Phase::Reveal { until } => Some((TimerKind::Reveal, until)),
                        _ => None,
                    };
                    if let Some((kind, until)) = timer {
                        ensure!(due.contains(&(kind, id, until)), "an open phase has no deadline entry");
                        let attempt = info.attempts.last().ok_or("an assigned task has no attempt")?;
                        for (k, s) in attempt.seats.iter().enumerate() {
                            let role = Role::of_seat(k);
                            ensure!(Assigned::<T>::get(&s.who, id) == Some(role), "a seat is missing from the index");
                            seats += 1;
                        }
                    }
                },
            }
        }
        ensure!(Assigned::<T>::iter().count() == seats, "the worker index lists seats of no open attempt");
        ensure!(queue.iter().all(|t| Tasks::<T>::contains_key(t)), "the queue lists an unknown task");
        for (client, sum) in held {
            ensure!(
                T::Currency::balance_on_hold(&HoldReason::TaskEscrow.into(), &client) == sum,
                "held escrow differs from the open tasks' escrow"
            );
        }
        Ok(())
    }
}
