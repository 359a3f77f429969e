//! Benchmarks of the validator pallet, each at its worst case: a full
//! membership, a full candidate map, an offender already slashed once.

use super::*;
use crate::Pallet as Validators;
use frame_support::traits::{fungible::Mutate, Get};
use frame_system::RawOrigin;
use polkadot_sdk::{
    frame_benchmarking::v2::*,
    sp_runtime::{traits::Bounded, Perbill},
    sp_staking::offence::{OffenceDetails, OnOffenceHandler},
};

fn candidate<T: Config>(i: u32) -> T::AccountId {
    let who: T::AccountId = account("candidate", i, 0);
    T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 1024u32.into());
    Validators::<T>::bond(RawOrigin::Signed(who.clone()).into(), T::MinBond::get() * 2u32.into())
        .expect("a funded account bonds");
    T::BenchmarkHelper::register_keys(&who);
    who
}

/// Fills the membership up to `MaxValidators - spare`, the candidates up to
/// `MaxCandidates - spare`, and returns the first member.
fn crowded<T: Config>(spare: u32) -> T::AccountId {
    Members::<T>::kill();
    let _ = Candidates::<T>::clear(u32::MAX, None);
    let members = T::MaxValidators::get() - spare;
    for i in 0..T::MaxCandidates::get() - spare {
        let who = candidate::<T>(i);
        if i < members {
            Members::<T>::mutate(|m| m.try_push(who).expect("fits"));
        }
    }
    Members::<T>::get()[0].clone()
}

#[benchmarks]
mod benchmarks {
    use super::*;

    #[benchmark]
    fn bond() {
        crowded::<T>(1);
        let who: T::AccountId = account("newcomer", 0, 0);
        T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 1024u32.into());
        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()), T::MinBond::get());
        assert!(Candidates::<T>::contains_key(&who));
    }

    #[benchmark]
    fn add_validator() {
        crowded::<T>(1);
        let who = candidate::<T>(T::MaxCandidates::get());
        #[extrinsic_call]
        _(RawOrigin::Root, who.clone());
        assert!(Members::<T>::get().contains(&who));
    }

    #[benchmark]
    fn remove_validator() {
        crowded::<T>(0);
        let who = Members::<T>::get().last().cloned().expect("full");
        #[extrinsic_call]
        _(RawOrigin::Root, who.clone());
        assert!(!Members::<T>::get().contains(&who));
    }

    #[benchmark]
    fn leave() {
        crowded::<T>(0);
        let who = Members::<T>::get().last().cloned().expect("full");
        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()));
        assert!(Candidates::<T>::get(&who).expect("still bonded").leaving.is_some());
    }

    #[benchmark]
    fn withdraw() {
        crowded::<T>(0);
        let who = Members::<T>::get().last().cloned().expect("full");
        Validators::<T>::leave(RawOrigin::Signed(who.clone()).into()).expect("a member leaves");
        CurrentSession::<T>::put(T::BondingSessions::get());
        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()));
        assert!(!Candidates::<T>::contains_key(&who));
    }

    /// One offender of an `on_offence` call, already slashed once for the
    /// same offence, a member of a full set.
    #[benchmark]
    fn slash() {
        let who = crowded::<T>(0);
        let exposure = T::MinBond::get() * 2u32.into();
        SlashedInSession::<T>::insert(0, &who, Perbill::from_percent(1));
        let details = OffenceDetails { offender: (who.clone(), exposure), reporters: alloc::vec![] };
        #[block]
        {
            <Validators<T> as OnOffenceHandler<_, _, _>>::on_offence(&[details], &[Perbill::from_percent(10)], 0);
        }
        assert_eq!(SlashedInSession::<T>::get(0, &who), Some(Perbill::from_percent(10)));
    }

    impl_benchmark_test_suite!(Validators, crate::mock::new_test_ext(), crate::mock::Test);
}
