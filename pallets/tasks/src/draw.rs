//! The queue of unassigned tasks and the random draw of their seats.
//!
//! A draw needs every eligible worker's selection weight on the model, which
//! costs reads per listed worker. Within one block the list of a model is
//! read once and kept in memory for every task of that model, so the first
//! task of a model in a block pays `assign(n)` and the others only
//! `assign(0)`; the weights charged follow that, and the queue stops before a
//! draw that would take `on_initialize` past its budget (`MaxHookWeight`):
//! however many models and workers there are, a block does a bounded amount
//! of drawing, and the tasks not reached keep their place for the next block.
//! Locking a seat's stake lowers the worker's free stake; a worker whose
//! free stake drops below `StakePerSeat` leaves the in-memory list, but the
//! weights of the others are not recomputed until the next block.

use super::*;
use alloc::collections::BTreeMap;
use codec::Encode;
use frame_support::{
    traits::{Get, Randomness},
    weights::Weight,
};
use frame_system::pallet_prelude::BlockNumberFor;
use polkadot_sdk::sp_io;
use sp_runtime::traits::{UniqueSaturatedInto, Zero};
use triad_primitives::{Roles, TeePolicy};

/// A worker that may take a seat on one model, as read at the block's first
/// draw for that model.
pub(crate) struct Candidate<AccountId> {
    pub who: AccountId,
    pub executor: bool,
    pub verifier: bool,
    pub free: u128,
    pub weight: u128,
    /// Its attestation counts now and the model's TEE policy allows it.
    pub attested: Option<SeatAttestation>,
}

/// The candidates of a model.
pub(crate) struct Pool<AccountId> {
    pub candidates: Vec<Candidate<AccountId>>,
}

/// Keeps the workers `listed` for `model` that may take a seat, and notes
/// which of them `tee` (the model's TEE policy) allows as TEE executors.
pub(crate) fn pool<T: Config>(model: ModelId, listed: Vec<T::AccountId>, tee: Option<&TeePolicy>) -> Pool<T::AccountId> {
    let stake = T::StakePerSeat::get();
    let candidates = listed
        .into_iter()
        .filter_map(|who| {
            let executor = T::Workers::can_serve(&who, model, Roles { executor: true, verifier: false });
            let verifier = T::Workers::can_serve(&who, model, Roles { executor: false, verifier: true });
            let free = T::Workers::free_stake(&who);
            if !(executor || verifier) || free < stake {
                return None;
            }
            let weight = T::Reputation::selection_weight(&who, model, free);
            let attested = tee
                .filter(|_| executor)
                .and_then(|policy| T::Attestations::valid(&who).filter(|a| policy.allows(&a.measurement, a.tcb_status)));
            (weight > 0).then(|| Candidate { who, executor, verifier, free: free.unique_saturated_into(), weight, attested })
        })
        .collect();
    Pool { candidates }
}

/// A stream of numbers from a random seed.
struct Stream {
    seed: Vec<u8>,
    counter: u32,
}

impl Stream {
    fn next(&mut self) -> u128 {
        self.counter += 1;
        u128::from_le_bytes(sp_io::hashing::blake2_128(&(&self.seed, self.counter).encode()))
    }

    /// Picks an index with probability proportional to its weight among those
    /// `eligible` allows.
    fn pick<A>(&mut self, pool: &[Candidate<A>], eligible: impl Fn(usize, &Candidate<A>) -> bool) -> Option<usize> {
        let total =
            pool.iter().enumerate().filter(|(i, c)| eligible(*i, c)).fold(0u128, |acc, (_, c)| acc.saturating_add(c.weight));
        if total == 0 {
            return None;
        }
        let mut r = self.next() % total;
        for (i, c) in pool.iter().enumerate() {
            if !eligible(i, c) {
                continue;
            }
            if r < c.weight {
                return Some(i);
            }
            r -= c.weight;
        }
        None
    }
}

/// Draws an executor (an attested one when `attested_executor`) and
/// `verifiers` distinct verifiers, none of them the client or an account in
/// `excluded`. Returns pool indices, executor first.
pub(crate) fn seats<A: PartialEq>(
    seed: Vec<u8>,
    pool: &[Candidate<A>],
    client: &A,
    excluded: &[A],
    attested_executor: bool,
    verifiers: usize,
) -> Option<Vec<usize>> {
    let mut stream = Stream { seed, counter: 0 };
    let allowed = |c: &Candidate<A>| c.who != *client && !excluded.contains(&c.who);
    let executor = stream.pick(pool, |_, c| c.executor && (!attested_executor || c.attested.is_some()) && allowed(c))?;
    let mut chosen = Vec::with_capacity(1 + verifiers);
    chosen.push(executor);
    for _ in 0..verifiers {
        let next = stream.pick(pool, |i, c| c.verifier && allowed(c) && !chosen.contains(&i))?;
        chosen.push(next);
    }
    Some(chosen)
}

/// Verifiers an attempt of a task in `mode` draws: a proof needs none, an
/// attested executor one (`triad_verifier::pair`), anyone else three.
pub(crate) fn verifiers_for(mode: Mode) -> usize {
    match mode {
        Mode::Groth16 => 0,
        Mode::Tee => 1,
        Mode::Lsh => 3,
    }
}

/// A calibration case index below `cases`, from the current block's randomness.
pub(crate) fn calibration_case<T: Config>(who: &T::AccountId, model: ModelId, cases: u32) -> u32 {
    let subject = (b"triad/calibrate", who, model).encode();
    let seed = T::Randomness::random(&subject)
        .0
        .map(|h| h.encode())
        .unwrap_or_else(|| (frame_system::Pallet::<T>::parent_hash(), &subject).encode());
    let mut stream = Stream { seed, counter: 0 };
    (stream.next() % cases as u128) as u32
}

impl<T: Config> Pallet<T> {
    /// Looks at up to `MaxAssignmentsPerBlock` queued tasks, oldest first,
    /// while the weight spent stays within `budget`: assigns those it can,
    /// refunds those that can no longer finish an attempt before their
    /// deadline, and puts the rest back at the end of the queue. Tasks it
    /// did not reach keep their place at the head.
    pub(crate) fn process_queue(now: BlockNumberFor<T>, budget: Weight) -> Weight {
        let mut queue = Queue::<T>::get();
        let db = T::DbWeight::get();
        let mut weight = db.reads_writes(1, 1);
        if queue.is_empty() {
            return db.reads(1);
        }
        let take = (T::MaxAssignmentsPerBlock::get() as usize).min(queue.len());
        let looked: Vec<TaskId> = queue.drain(..take).collect();
        let mut pools: BTreeMap<ModelId, Pool<T::AccountId>> = BTreeMap::new();
        let mut waiting = Vec::new();
        let mut unreached = Vec::new();
        for task in looked {
            if !unreached.is_empty() || weight.saturating_add(T::WeightInfo::refund_unassigned()).any_gt(budget) {
                unreached.push(task);
                continue;
            }
            let Some(mut info) = Tasks::<T>::get(task) else { continue };
            let drawable_at = info.queued_at.saturating_add(DRAW_DELAY.into());
            if now.max(drawable_at).saturating_add(Self::attempt_len()) > info.deadline {
                let resolution = Self::resolution_without_result(&info);
                Self::finish(task, &mut info, resolution);
                Tasks::<T>::insert(task, info);
                weight.saturating_accrue(T::WeightInfo::refund_unassigned());
                continue;
            }
            if now < drawable_at {
                waiting.push(task);
                continue;
            }
            let listed = (!pools.contains_key(&info.model)).then(|| T::Workers::workers_for(info.model));
            // A model with a TEE policy reads each listed worker's
            // attestation too, and the policy and the clock once.
            let tee = listed.as_ref().and_then(|_| T::Models::tee_policy(info.model));
            let n = listed.as_ref().map_or(0, |l| l.len() as u64);
            let cost = T::WeightInfo::assign(n as u32).saturating_add(db.reads(if listed.is_none() {
                0
            } else if tee.is_some() {
                n + 2
            } else {
                1
            }));
            if weight.saturating_add(cost).any_gt(budget) {
                unreached.push(task);
                continue;
            }
            weight.saturating_accrue(cost);
            if let Some(list) = listed {
                pools.insert(info.model, pool::<T>(info.model, list, tee.as_ref()));
            }
            let Some(pool) = pools.get_mut(&info.model) else { continue };
            if Self::assign(task, &mut info, pool, now) {
                Tasks::<T>::insert(task, info);
            } else {
                waiting.push(task);
            }
        }
        // Room is certain: every task came out of this same queue.
        let mut rest = BoundedVec::<TaskId, T::MaxQueued>::new();
        for task in unreached.into_iter().chain(queue).chain(waiting) {
            let _ = rest.try_push(task);
        }
        Queue::<T>::put(rest);
        weight
    }

    /// How a task that cannot run again ends: by its last verdict, or
    /// unassigned if it never ran.
    pub(crate) fn resolution_without_result(info: &TaskInfo<T>) -> Resolution {
        match info.attempts.last().and_then(|a| a.verdict).map(|v| v.outcome) {
            Some(triad_verifier::Outcome::Rejected) => Resolution::Rejected,
            Some(_) => Resolution::Inconclusive,
            None => Resolution::Unassigned,
        }
    }

    /// Draws the seats of the task's next attempt from the current block's
    /// randomness and locks their stake.
    fn assign(task: TaskId, info: &mut TaskInfo<T>, pool: &mut Pool<T::AccountId>, now: BlockNumberFor<T>) -> bool {
        let attempt = info.attempts.len() as u32;
        match T::Randomness::random(&(b"triad/assign", task, attempt).encode()).0 {
            Some(seed) => Self::assign_with_seed(task, info, pool, now, seed.encode()),
            None => false,
        }
    }

    /// [`Self::assign`] from a given seed.
    pub(crate) fn assign_with_seed(
        task: TaskId,
        info: &mut TaskInfo<T>,
        pool: &mut Pool<T::AccountId>,
        now: BlockNumberFor<T>,
        seed: Vec<u8>,
    ) -> bool {
        let attempt = info.attempts.len() as u32;
        let excluded: Vec<T::AccountId> = info.attempts.iter().map(|a| a.seats[0].who.clone()).collect();
        let tee = info.mode == Mode::Tee;
        let Some(picked) = seats(seed, &pool.candidates, &info.client, &excluded, tee, verifiers_for(info.mode)) else {
            return false;
        };
        let attested = if tee { pool.candidates[picked[0]].attested } else { None };
        let stake = T::StakePerSeat::get();
        for (n, i) in picked.iter().enumerate() {
            if T::Workers::lock_stake(&pool.candidates[*i].who, stake).is_err() {
                for j in &picked[..n] {
                    T::Workers::unlock_stake(&pool.candidates[*j].who, stake);
                }
                return false;
            }
        }
        let who: Vec<T::AccountId> = picked.iter().map(|i| pool.candidates[*i].who.clone()).collect();
        let seats: BoundedVec<_, _> = who.iter().cloned().map(Seat::new).collect::<Vec<_>>().try_into().unwrap_or_default();
        let attempt_record = Attempt { assigned_at: now, seats, attested, key: None, posted: None, verdict: None };
        if attempt_record.seats.len() != who.len() || info.attempts.try_push(attempt_record).is_err() {
            for w in &who {
                T::Workers::unlock_stake(w, stake);
            }
            return false;
        }
        let stake_u128: u128 = stake.unique_saturated_into();
        for i in picked {
            let c = &mut pool.candidates[i];
            c.free = c.free.saturating_sub(stake_u128);
            if c.free < stake_u128 {
                c.weight = Zero::zero();
            }
        }
        for (k, w) in who.iter().enumerate() {
            let role = Role::of_seat(k);
            Assigned::<T>::insert(w, task, role);
        }
        let until = now.saturating_add(T::ExecutePeriod::get());
        info.phase = Phase::Execute { until };
        Self::push_timer(TimerKind::Execute, (task, until));
        let mut who = who.into_iter();
        let executor = who.next().expect("a draw has an executor; qed");
        Self::deposit_event(Event::TaskAssigned { task, attempt, executor, verifiers: who.collect(), until });
        true
    }
}
