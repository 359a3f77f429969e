//! Benchmarks of the worker registry, each at its worst case: full model
//! indices, the most models per worker, the most unbonding chunks.

use super::*;
use crate::Pallet as Registry;
use alloc::{vec, vec::Vec};
use polkadot_sdk::{
    frame_benchmarking::v2::*,
    frame_support::traits::{fungible::Mutate, Get},
    frame_system::{self, RawOrigin},
    sp_runtime::traits::{Bounded, One},
};

const BOTH: Roles = Roles { executor: true, verifier: true };

fn funded<T: Config>(name: &'static str, i: u32) -> T::AccountId {
    let who: T::AccountId = account(name, i, 0);
    T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 1024u32.into());
    who
}

/// `MaxModelsPerWorker` active models, each already served by all but one of
/// `MaxWorkersPerModel` workers, so indexing one more is the costliest case.
fn crowded_models<T: Config>(offset: u32) -> Vec<ModelId> {
    (0..T::MaxModelsPerWorker::get())
        .map(|i| {
            let model = T::Models::register_for_benchmarks(offset + i);
            let others: Vec<T::AccountId> =
                (0..T::MaxWorkersPerModel::get() - 1).map(|j| account("crowd", j, offset + i)).collect();
            ModelWorkers::<T>::insert(model, BoundedVec::truncate_from(others));
            model
        })
        .collect()
}

fn addresses<T: Config>() -> (Option<Vec<u8>>, Option<Vec<u8>>) {
    (Some(vec![1; T::MaxPeerIdLen::get() as usize]), Some(vec![2; T::MaxAddrLen::get() as usize]))
}

fn registered<T: Config>(models: Vec<ModelId>) -> T::AccountId {
    let who = funded::<T>("worker", 0);
    let (peer, addr) = addresses::<T>();
    Registry::<T>::register_worker(
        RawOrigin::Signed(who.clone()).into(),
        BOTH,
        models,
        peer,
        addr,
        T::MinStake::get() * 4u32.into(),
    )
    .expect("a valid worker registers");
    who
}

#[benchmarks]
mod benchmarks {
    use super::*;

    #[benchmark]
    fn register_worker() {
        let who = funded::<T>("worker", 0);
        let models = crowded_models::<T>(0);
        let (peer, addr) = addresses::<T>();

        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()), BOTH, models, peer, addr, T::MinStake::get());

        assert!(Workers::<T>::contains_key(&who));
    }

    #[benchmark]
    fn update_worker() {
        let who = registered::<T>(crowded_models::<T>(0));
        let others = crowded_models::<T>(T::MaxModelsPerWorker::get());
        let (peer, addr) = addresses::<T>();

        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()), BOTH, others.clone(), peer, addr);

        assert_eq!(Workers::<T>::get(&who).map(|w| w.models.into_inner()), Some(others));
    }

    #[benchmark]
    fn bond_extra() {
        let who = registered::<T>(crowded_models::<T>(0));

        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()), T::MinStake::get());

        assert_eq!(Workers::<T>::get(&who).map(|w| w.bonded), Some(T::MinStake::get() * 5u32.into()));
    }

    #[benchmark]
    fn unbond() {
        let who = registered::<T>(crowded_models::<T>(0));
        let one: BalanceOf<T> = One::one();
        for _ in 1..T::MaxUnbondingChunks::get() {
            Registry::<T>::unbond(RawOrigin::Signed(who.clone()).into(), one).expect("room for a chunk");
        }

        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()), one);

        assert_eq!(Unbonding::<T>::decode_len(&who), Some(T::MaxUnbondingChunks::get() as usize));
    }

    #[benchmark]
    fn withdraw_unbonded() {
        // Every chunk matured and nothing left bonded: the worker is removed
        // from the indices of all its models.
        let who = registered::<T>(crowded_models::<T>(0));
        // Every chunk but the last is one plank, so what stays bonded never
        // drops below MinStake before the last chunk takes it all.
        let bond = T::MinStake::get() * 4u32.into();
        let one: BalanceOf<T> = One::one();
        let chunks = T::MaxUnbondingChunks::get();
        for _ in 1..chunks {
            Registry::<T>::unbond(RawOrigin::Signed(who.clone()).into(), one).expect("unbonds a plank");
        }
        let rest = bond - one * (chunks - 1).into();
        Registry::<T>::unbond(RawOrigin::Signed(who.clone()).into(), rest).expect("unbonds the rest");
        let later = frame_system::Pallet::<T>::block_number() + T::UnbondingPeriod::get();
        frame_system::Pallet::<T>::set_block_number(later);

        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()));

        assert!(!Workers::<T>::contains_key(&who));
    }

    #[benchmark]
    fn go_offline() {
        let who = registered::<T>(crowded_models::<T>(0));

        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()));

        assert_eq!(Workers::<T>::get(&who).map(|w| w.status), Some(Status::Offline));
    }

    #[benchmark]
    fn go_online() {
        let who = registered::<T>(crowded_models::<T>(0));
        Registry::<T>::go_offline(RawOrigin::Signed(who.clone()).into()).expect("online before");

        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()));

        assert_eq!(Workers::<T>::get(&who).map(|w| w.status), Some(Status::Online));
    }

    impl_benchmark_test_suite!(Registry, crate::mock::new_test_ext(), crate::mock::Test);
}
