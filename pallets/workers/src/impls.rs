//! Helpers of the calls, the traits other pallets use, and `try_state`.

use super::*;
use frame_support::{
    ensure,
    pallet_prelude::{DispatchError, DispatchResult},
    traits::{
        tokens::{Fortitude, Precision, Restriction},
        Get,
    },
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
    traits::{Saturating, Zero},
    Perbill,
};
use triad_primitives::Roles;

impl<T: Config> Pallet<T> {
    /// Validates a model list: a role, at least one model, within bounds, no
    /// duplicates, every model registered and active.
    pub(crate) fn check_models(
        roles: &Roles,
        models: Vec<ModelId>,
    ) -> Result<BoundedVec<ModelId, T::MaxModelsPerWorker>, Error<T>> {
        if !roles.executor && !roles.verifier {
            return Err(Error::NoRole);
        }
        if models.is_empty() {
            return Err(Error::NoModels);
        }
        let models: BoundedVec<ModelId, T::MaxModelsPerWorker> = models.try_into().map_err(|_| Error::TooManyModels)?;
        for (i, m) in models.iter().enumerate() {
            if models[..i].contains(m) {
                return Err(Error::DuplicateModel);
            }
            if !T::Models::is_active(*m) {
                return Err(Error::ModelNotActive);
            }
        }
        Ok(models)
    }

    /// Moves `who` in the per-model index from the `old` models to the `new`
    /// ones. Dropped models lose their probation progress.
    pub(crate) fn index_models(who: &T::AccountId, old: &[ModelId], new: &[ModelId]) -> Result<(), Error<T>> {
        for m in old.iter().filter(|m| !new.contains(m)) {
            ModelWorkers::<T>::mutate(m, |ws| ws.retain(|w| w != who));
            Calibrations::<T>::remove(who, m);
        }
        for m in new.iter().filter(|m| !old.contains(m)) {
            ModelWorkers::<T>::try_mutate(m, |ws| ws.try_push(who.clone())).map_err(|_| Error::ModelFull)?;
        }
        Ok(())
    }

    pub(crate) fn set_status(who: T::AccountId, status: Status) -> DispatchResult {
        let mut info = Workers::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
        ensure!(info.status != status, Error::<T>::AlreadyInStatus);
        if status == Status::Online {
            ensure!(info.bonded >= T::MinStake::get(), Error::<T>::BelowMinStake);
        }
        info.status = status;
        let effective_at = Self::schedule(&mut info);
        Workers::<T>::insert(&who, info);
        Self::deposit_event(Event::StatusChanged { who, status, effective_at });
        Ok(())
    }

    /// What the draw sees of `info` now: `drawable`, or the pending value
    /// once its block has come, never counting more stake than is bonded.
    pub fn drawable(info: &WorkerInfo<T>) -> Drawable<BalanceOf<T>> {
        let now = frame_system::Pallet::<T>::block_number();
        let seen = match info.pending {
            Some((next, at)) if at <= now => next,
            _ => info.drawable,
        };
        Drawable { online: seen.online, stake: seen.stake.min(info.bonded) }
    }

    /// Records that `status` or `bonded` changed: the draw sees the new
    /// values `ActivationDelay` blocks from now. Returns that block.
    pub(crate) fn schedule(info: &mut WorkerInfo<T>) -> BlockNumberFor<T> {
        let now = frame_system::Pallet::<T>::block_number();
        if let Some((next, at)) = info.pending {
            if at <= now {
                info.drawable = next;
                info.pending = None;
            }
        }
        let target = Drawable { online: info.status == Status::Online, stake: info.bonded };
        let at = now.saturating_add(T::ActivationDelay::get());
        info.pending = (target != info.drawable).then_some((target, at));
        at
    }

    /// Bonded plus unbonding stake of `who`: everything a slash can reach.
    pub fn total_stake(who: &T::AccountId) -> BalanceOf<T> {
        let bonded = Workers::<T>::get(who).map(|w| w.bonded).unwrap_or_default();
        Unbonding::<T>::get(who).iter().fold(bonded, |acc, c| acc.saturating_add(c.amount))
    }

    /// Whether `who` has finished probation on `model`.
    pub fn qualified(who: &T::AccountId, model: ModelId) -> bool {
        Calibrations::<T>::get(who, model).passed >= T::CalibrationsRequired::get()
    }

    /// Whether the draw sees `who` as qualified on `model`:
    /// `ActivationDelay` blocks after it qualified.
    pub fn drawn_as_qualified(who: &T::AccountId, model: ModelId) -> bool {
        let now = frame_system::Pallet::<T>::block_number();
        Calibrations::<T>::get(who, model).qualified_at.is_some_and(|at| at.saturating_add(T::ActivationDelay::get()) <= now)
    }

    /// Checks the invariants listed in the crate docs.
    #[cfg(any(feature = "try-runtime", feature = "std"))]
    pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
        for (who, info) in Workers::<T>::iter() {
            let held = T::Currency::balance_on_hold(&HoldReason::WorkerBond.into(), &who);
            ensure!(held == Self::total_stake(&who), "held bond differs from bonded plus unbonding");
            ensure!(info.locked <= info.bonded, "locked stake exceeds the bond");
            ensure!(info.status != Status::Online || info.bonded >= T::MinStake::get(), "an online worker is below MinStake");
            let latest = frame_system::Pallet::<T>::block_number().saturating_add(T::ActivationDelay::get());
            ensure!(info.pending.is_none_or(|(_, at)| at <= latest), "a draw change further away than the delay");
            for m in info.models.iter() {
                ensure!(T::Models::exists(*m), "a worker serves an unregistered model");
                ensure!(ModelWorkers::<T>::get(m).contains(&who), "the model index misses a worker");
            }
        }
        for (model, workers) in ModelWorkers::<T>::iter() {
            for w in workers.iter() {
                let info = Workers::<T>::get(w).ok_or("the model index lists a non-worker")?;
                ensure!(info.models.contains(&model), "the model index lists a worker that dropped the model");
            }
        }
        for (who, _) in Unbonding::<T>::iter() {
            ensure!(Workers::<T>::contains_key(&who), "unbonding stake of a removed worker");
        }
        for (who, model, _) in Calibrations::<T>::iter() {
            let info = Workers::<T>::get(&who).ok_or("probation of a non-worker")?;
            ensure!(info.models.contains(&model), "probation on a model the worker does not serve");
        }
        Ok(())
    }
}

impl<T: Config> WorkerRegistry<T::AccountId, BalanceOf<T>> for Pallet<T> {
    fn can_serve(who: &T::AccountId, model: ModelId, roles: Roles) -> bool {
        Workers::<T>::get(who).is_some_and(|w| {
            Self::drawable(&w).online
                && (!roles.executor || w.roles.executor)
                && (!roles.verifier || w.roles.verifier)
                && w.models.contains(&model)
                && Self::drawn_as_qualified(who, model)
        })
    }

    fn on_probation(who: &T::AccountId, model: ModelId) -> bool {
        Workers::<T>::get(who).is_some_and(|w| w.models.contains(&model)) && !Self::qualified(who, model)
    }

    fn workers_for(model: ModelId) -> Vec<T::AccountId> {
        ModelWorkers::<T>::get(model).into_inner()
    }

    fn max_workers_per_model() -> u32 {
        T::MaxWorkersPerModel::get()
    }

    fn free_stake(who: &T::AccountId) -> BalanceOf<T> {
        Workers::<T>::get(who).map(|w| Self::drawable(&w).stake.saturating_sub(w.locked)).unwrap_or_default()
    }

    fn lock_stake(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
        Workers::<T>::try_mutate(who, |w| {
            let w = w.as_mut().ok_or(Error::<T>::NotRegistered)?;
            ensure!(w.bonded.saturating_sub(w.locked) >= amount, Error::<T>::StakeLocked);
            w.locked = w.locked.saturating_add(amount);
            Ok(())
        })
    }

    fn unlock_stake(who: &T::AccountId, amount: BalanceOf<T>) {
        Workers::<T>::mutate(who, |w| {
            if let Some(w) = w {
                w.locked = w.locked.saturating_sub(amount);
            }
        })
    }

    fn record_calibration(who: &T::AccountId, model: ModelId, passed: bool) {
        if !Workers::<T>::get(who).is_some_and(|w| w.models.contains(&model)) {
            return;
        }
        let was_qualified = Self::qualified(who, model);
        let now = frame_system::Pallet::<T>::block_number();
        let progress = Calibrations::<T>::mutate(who, model, |p| {
            if passed {
                p.passed = p.passed.saturating_add(1);
            } else {
                p.failed = p.failed.saturating_add(1);
            }
            if p.qualified_at.is_none() && p.passed >= T::CalibrationsRequired::get() {
                p.qualified_at = Some(now);
            }
            *p
        });
        Self::deposit_event(Event::CalibrationRecorded { who: who.clone(), model, passed, progress });
        if !was_qualified && Self::qualified(who, model) {
            Self::deposit_event(Event::WorkerQualified { who: who.clone(), model });
        }
    }

    #[cfg(feature = "runtime-benchmarks")]
    fn register_for_benchmarks(who: &T::AccountId, model: ModelId, bond: BalanceOf<T>, qualified: bool) {
        let ed = T::Currency::minimum_balance();
        T::Currency::set_balance(who, bond.saturating_mul(4u32.into()).saturating_add(ed));
        let both = Roles { executor: true, verifier: true };
        Self::register_worker(frame_system::RawOrigin::Signed(who.clone()).into(), both, alloc::vec![model], None, None, bond)
            .expect("a funded worker on an active model registers");
        if qualified {
            // Qualified long enough ago, and the bond already seen by the draw.
            let delay = T::ActivationDelay::get();
            let now = frame_system::Pallet::<T>::block_number().max(delay);
            frame_system::Pallet::<T>::set_block_number(now);
            Calibrations::<T>::insert(
                who,
                model,
                Probation { passed: T::CalibrationsRequired::get(), failed: 0, qualified_at: Some(now - delay) },
            );
            Workers::<T>::mutate(who, |w| {
                if let Some(w) = w {
                    w.drawable = Drawable { online: true, stake: w.bonded };
                    w.pending = None;
                }
            });
        }
    }
}

impl<T: Config> WorkerPeers<T::AccountId> for Pallet<T> {
    fn peer_id(who: &T::AccountId) -> Option<Vec<u8>> {
        Workers::<T>::get(who)?.peer_id.map(|p| p.into_inner())
    }

    #[cfg(feature = "runtime-benchmarks")]
    fn register_peer_for_benchmarks(who: &T::AccountId, peer_id: Vec<u8>) {
        let model = T::Models::register_for_benchmarks(0);
        let bond = T::MinStake::get();
        let ed = T::Currency::minimum_balance();
        T::Currency::set_balance(who, bond.saturating_mul(2u32.into()).saturating_add(ed));
        let both = Roles { executor: true, verifier: true };
        Self::register_worker(
            frame_system::RawOrigin::Signed(who.clone()).into(),
            both,
            alloc::vec![model],
            Some(peer_id),
            None,
            bond,
        )
        .expect("a funded worker on an active model registers");
    }
}

impl<T: Config> Slash<T::AccountId, BalanceOf<T>> for Pallet<T> {
    fn slash(
        who: &T::AccountId,
        fraction: Perbill,
        minimum: BalanceOf<T>,
        beneficiary: Option<&T::AccountId>,
    ) -> Result<BalanceOf<T>, DispatchError> {
        let mut info = Workers::<T>::get(who).ok_or(Error::<T>::NotRegistered)?;
        let total = Self::total_stake(who);
        let target = (fraction * total).max(minimum.min(total));
        if target.is_zero() {
            return Ok(Zero::zero());
        }
        // The bond first, then unbonding chunks newest first.
        let from_bond = target.min(info.bonded);
        info.bonded = info.bonded.saturating_sub(from_bond);
        info.locked = info.locked.min(info.bonded);
        let mut rest = target.saturating_sub(from_bond);
        let mut chunks = Unbonding::<T>::get(who);
        for c in chunks.iter_mut().rev() {
            let take = rest.min(c.amount);
            c.amount = c.amount.saturating_sub(take);
            rest = rest.saturating_sub(take);
        }
        chunks.retain(|c| !c.amount.is_zero());

        let reason = HoldReason::WorkerBond.into();
        let to = beneficiary.cloned().or_else(T::SlashDestination::get);
        // A destination that cannot receive (say, below the existential
        // deposit) must not let the culprit keep the stake: burn it instead.
        let (taken, to) = match to.map(|dest| {
            T::Currency::transfer_on_hold(&reason, who, &dest, target, Precision::BestEffort, Restriction::Free, Fortitude::Force)
                .map(|taken| (taken, Some(dest)))
        }) {
            Some(Ok(done)) => done,
            _ => (T::Currency::burn_held(&reason, who, target, Precision::BestEffort, Fortitude::Force)?, None),
        };

        let suspend = info.bonded < T::MinStake::get()
            && info.status != Status::Suspended
            && !(info.bonded.is_zero() && info.status == Status::Offline);
        if suspend {
            // Out of the draw at once: losing a seat is nothing an author
            // could want for its own workers.
            info.status = Status::Suspended;
            Self::schedule(&mut info);
            info.drawable.online = false;
            info.pending = None;
        }
        Workers::<T>::insert(who, info);
        if chunks.is_empty() {
            Unbonding::<T>::remove(who);
        } else {
            Unbonding::<T>::insert(who, chunks);
        }
        Self::deposit_event(Event::Slashed { who: who.clone(), amount: taken, to });
        if suspend {
            Self::deposit_event(Event::WorkerSuspended { who: who.clone() });
        }
        Ok(taken)
    }
}
