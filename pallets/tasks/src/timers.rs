//! The deadline queues: one first-in-first-out queue per [`TimerKind`].
//!
//! Every phase of an attempt has a fixed length, and the key is drawn a
//! fixed number of blocks after the executor commits, so the deadlines of
//! one kind are pushed in the order they fall due. `on_initialize` pops the
//! due entries from the head of each queue, within the hook's weight budget;
//! what is left waits for the next block, so a task moves at most a few
//! blocks after its deadline however many tasks share it. An entry whose
//! task already left that phase (every verifier committed early, say) is
//! stale and dropped when it comes up.

use super::*;
use frame_support::{
    traits::{Get, Randomness},
    weights::Weight,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::Saturating;

impl<T: Config> Pallet<T> {
    pub(crate) fn push_timer(kind: TimerKind, entry: TimerOf<T>) {
        Cursors::<T>::mutate(kind, |(_, tail)| {
            Timers::<T>::insert(kind, *tail, entry);
            *tail = tail.saturating_add(1);
        });
    }

    /// Acts on the deadlines that are due, oldest first per kind, while the
    /// weight spent stays within `budget`.
    pub(crate) fn process_timers(now: BlockNumberFor<T>, budget: Weight) -> Weight {
        let db = T::DbWeight::get();
        let mut weight = db.reads(TimerKind::PHASES.len() as u64);
        let worst = T::WeightInfo::expire();
        for kind in TimerKind::PHASES {
            let (mut head, tail) = Cursors::<T>::get(kind);
            let start = head;
            while head < tail && weight.saturating_add(worst).all_lte(budget) {
                let Some((task, due)) = Timers::<T>::get(kind, head) else {
                    head.saturating_inc();
                    continue;
                };
                if due > now {
                    break;
                }
                Timers::<T>::remove(kind, head);
                head.saturating_inc();
                weight.saturating_accrue(if Self::on_deadline(task, kind, due, now) {
                    match kind {
                        TimerKind::Key => T::WeightInfo::draw_key(),
                        _ => worst,
                    }
                } else {
                    db.reads_writes(2, 1)
                });
            }
            if head != start {
                Cursors::<T>::mutate(kind, |c| c.0 = head);
                weight.saturating_accrue(db.writes(1));
            }
        }
        weight
    }

    /// A deadline came. Returns whether the task moved.
    fn on_deadline(task: TaskId, kind: TimerKind, due: BlockNumberFor<T>, now: BlockNumberFor<T>) -> bool {
        let Some(mut info) = Tasks::<T>::get(task) else { return false };
        match (kind, info.phase) {
            // The executor never committed: nothing can be checked.
            (TimerKind::Execute, Phase::Execute { until }) if until == due => match info.mode {
                Mode::Groth16 => Self::settle_proof(task, &mut info, now, crate::payouts::ProofState::Missing),
                Mode::Lsh | Mode::Tee => Self::settle(task, &mut info, now),
            },
            (TimerKind::Key, Phase::Key { at }) if at == due => Self::draw_key(task, &mut info, now),
            (TimerKind::Check, Phase::Check { until }) if until == due => Self::start_reveal(task, &mut info, now),
            (TimerKind::Reveal, Phase::Reveal { until }) if until == due => {
                // The executor withheld its answer: the verifiers still reveal,
                // and if two of them agree it is caught.
                let until = now.saturating_add(T::VotePeriod::get());
                info.phase = Phase::Vote { until };
                Self::push_timer(TimerKind::Vote, (task, until));
                Self::deposit_event(Event::VoteStarted { task, until });
            },
            (TimerKind::Vote, Phase::Vote { until }) if until == due => Self::settle(task, &mut info, now),
            _ => return false,
        }
        Tasks::<T>::insert(task, info);
        true
    }

    /// Draws the attempt key from the parent block's VRF output and opens the
    /// check phase; without randomness it tries again next block.
    fn draw_key(task: TaskId, info: &mut TaskInfo<T>, now: BlockNumberFor<T>) {
        let attempt = info.attempts.len().saturating_sub(1) as u32;
        let subject = (b"triad/key", task, attempt).encode();
        let Some(seed) = T::Randomness::random(&subject).0 else {
            let at = now.saturating_add(1u32.into());
            info.phase = Phase::Key { at };
            Self::push_timer(TimerKind::Key, (task, at));
            return;
        };
        let key: AttemptKey = polkadot_sdk::sp_io::hashing::blake2_256(&(seed, subject).encode());
        let until = now.saturating_add(T::CheckPeriod::get());
        if let Some(a) = info.attempts.last_mut() {
            a.key = Some(key);
        }
        info.phase = Phase::Check { until };
        Self::push_timer(TimerKind::Check, (task, until));
        Self::deposit_event(Event::KeyDrawn { task, attempt, key, until });
    }

    /// Opens the executor's reveal phase.
    pub(crate) fn start_reveal(task: TaskId, info: &mut TaskInfo<T>, now: BlockNumberFor<T>) {
        let until = now.saturating_add(T::RevealPeriod::get());
        info.phase = Phase::Reveal { until };
        Self::push_timer(TimerKind::Reveal, (task, until));
        Self::deposit_event(Event::RevealStarted { task, until });
    }
}

use codec::Encode;
