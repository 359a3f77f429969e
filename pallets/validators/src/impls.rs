//! The pallet's side of `pallet-session` (planning sets) and of
//! `pallet-offences` (slashing), the slash rule, and `try_state`.

use crate::*;
use alloc::vec::Vec;
use frame_support::{
    traits::{
        fungible::{InspectHold, MutateHold},
        tokens::{Fortitude, Precision},
        Get, ValidatorRegistration,
    },
    weights::Weight,
    BoundedVec,
};
use sp_runtime::{
    traits::{Convert, Zero},
    Perbill, Saturating,
};
use sp_staking::{
    offence::{OffenceDetails, OnOffenceHandler},
    SessionIndex,
};

/// What an offence costs: `fraction` of the bond the offender had when its
/// session was planned (`exposure`), less what an earlier report of the same
/// offence already took (`already`), and never more than is still held.
pub fn slash_amount<B>(fraction: Perbill, already: Perbill, exposure: B, held: B) -> B
where
    B: sp_runtime::traits::AtLeast32BitUnsigned + Copy,
{
    if fraction <= already {
        return Zero::zero();
    }
    (fraction.mul_floor(exposure).saturating_sub(already.mul_floor(exposure))).min(held)
}

/// A validator's identification in `pallet-session`'s historical record: its
/// bond, the exposure an offence in that session is slashed against.
pub struct BondOf<T>(core::marker::PhantomData<T>);

impl<T: Config> Convert<T::AccountId, Option<BalanceOf<T>>> for BondOf<T> {
    fn convert(who: T::AccountId) -> Option<BalanceOf<T>> {
        Candidates::<T>::get(who).map(|c| c.bond)
    }
}

impl<T: Config> Pallet<T> {
    /// The first session a membership change made now takes effect in.
    pub(crate) fn effective_session() -> SessionIndex {
        CurrentSession::<T>::get().saturating_add(2)
    }

    /// Removes a member, keeping at least `MinValidators`.
    pub(crate) fn do_remove(who: &T::AccountId) -> DispatchResult {
        Members::<T>::try_mutate(|members| {
            let at = members.iter().position(|m| m == who).ok_or(Error::<T>::NotValidator)?;
            ensure!(members.len() as u32 > T::MinValidators::get(), Error::<T>::TooFewValidators);
            members.remove(at);
            Ok::<_, DispatchError>(())
        })?;
        Self::deposit_event(Event::ValidatorRemoved { who: who.clone(), from: Self::effective_session() });
        Ok(())
    }

    /// The members that can validate: those with session keys.
    fn plan() -> BoundedVec<T::AccountId, T::MaxValidators> {
        let mut members = Members::<T>::get();
        members.retain(|m| T::KeysRegistered::is_registered(m));
        members
    }

    /// Slashes one offender for an offence in `session`; returns what it burnt.
    fn slash(who: &T::AccountId, exposure: BalanceOf<T>, fraction: Perbill, session: SessionIndex) -> BalanceOf<T> {
        let already = SlashedInSession::<T>::get(session, who).unwrap_or_default();
        if fraction <= already {
            return Zero::zero();
        }
        SlashedInSession::<T>::insert(session, who, fraction);
        let reason = HoldReason::ValidatorBond.into();
        let held = T::Currency::balance_on_hold(&reason, who);
        let amount = slash_amount(fraction, already, exposure, held);
        let burnt = T::Currency::burn_held(&reason, who, amount, Precision::BestEffort, Fortitude::Force)
            .unwrap_or_else(|_| Zero::zero());
        Candidates::<T>::mutate(who, |c| {
            if let Some(c) = c {
                c.bond = c.bond.saturating_sub(burnt);
            }
        });
        T::Disabler::disable(who, fraction);
        if Members::<T>::get().contains(who) {
            // Below the floor the member stays, slashed and disabled for this
            // session: a chain with nobody to author cannot punish anyone.
            let _ = Self::do_remove(who);
        }
        Self::deposit_event(Event::ValidatorSlashed { who: who.clone(), amount: burnt, fraction, session });
        burnt
    }

    /// Checks the invariants in the crate docs.
    pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
        let reason = HoldReason::ValidatorBond.into();
        let mut count = 0u32;
        for (who, c) in Candidates::<T>::iter() {
            count += 1;
            ensure!(T::Currency::balance_on_hold(&reason, &who) == c.bond, "a candidate's held bond is its recorded bond");
        }
        ensure!(count == Candidates::<T>::count(), "the candidate counter counts the candidates");
        ensure!(count <= T::MaxCandidates::get(), "at most MaxCandidates candidates");
        let members = Members::<T>::get();
        for (i, m) in members.iter().enumerate() {
            let c = Candidates::<T>::get(m).ok_or("a member is a candidate")?;
            ensure!(c.leaving.is_none(), "a member is not leaving");
            ensure!(!members[..i].contains(m), "a member is listed once");
        }
        Ok(())
    }
}

use frame_support::{dispatch::DispatchResult, ensure, pallet_prelude::DispatchError};

impl<T: Config> pallet_session::SessionManager<T::AccountId> for Pallet<T> {
    fn new_session(index: SessionIndex) -> Option<Vec<T::AccountId>> {
        <Self as pallet_session::historical::SessionManager<_, _>>::new_session(index)
            .map(|set| set.into_iter().map(|(who, _)| who).collect())
    }
    fn start_session(index: SessionIndex) {
        <Self as pallet_session::historical::SessionManager<_, _>>::start_session(index)
    }
    fn end_session(index: SessionIndex) {
        <Self as pallet_session::historical::SessionManager<_, _>>::end_session(index)
    }
}

impl<T: Config> pallet_session::historical::SessionManager<T::AccountId, BalanceOf<T>> for Pallet<T> {
    /// The members with keys, with their bonds; `None` (keep the set) when
    /// that is the set planned last, or when nobody could validate.
    fn new_session(index: SessionIndex) -> Option<Vec<(T::AccountId, BalanceOf<T>)>> {
        let planned = Self::plan();
        if planned.is_empty() || planned == Planned::<T>::get() {
            return None;
        }
        Planned::<T>::put(&planned);
        log::info!(target: LOG_TARGET, "session {index} planned with {} validators", planned.len());
        Self::deposit_event(Event::SetPlanned { session: index, validators: planned.to_vec() });
        Some(planned.into_iter().map(|who| (who.clone(), BondOf::<T>::convert(who).unwrap_or_default())).collect())
    }

    fn new_session_genesis(_index: SessionIndex) -> Option<Vec<(T::AccountId, BalanceOf<T>)>> {
        let planned = Planned::<T>::get();
        Some(planned.into_iter().map(|who| (who.clone(), BondOf::<T>::convert(who).unwrap_or_default())).collect())
    }

    fn start_session(index: SessionIndex) {
        CurrentSession::<T>::put(index);
        // Reports older than the window cannot prove key ownership any more,
        // so neither their history nor their slash records are needed.
        if let Some(expired) = index.checked_sub(T::BondingSessions::get()) {
            T::History::prune_up_to(expired);
            let _ = SlashedInSession::<T>::clear_prefix(expired, T::MaxValidators::get(), None);
        }
    }

    fn end_session(_index: SessionIndex) {}
}

impl<T: Config> OnOffenceHandler<T::AccountId, (T::AccountId, BalanceOf<T>), Weight> for Pallet<T> {
    fn on_offence(
        offenders: &[OffenceDetails<T::AccountId, (T::AccountId, BalanceOf<T>)>],
        slash_fraction: &[Perbill],
        session: SessionIndex,
    ) -> Weight {
        let mut weight = Weight::zero();
        for (details, fraction) in offenders.iter().zip(slash_fraction) {
            let (who, exposure) = &details.offender;
            Self::slash(who, *exposure, *fraction, session);
            weight = weight.saturating_add(T::WeightInfo::slash());
        }
        weight
    }
}
