//! Benchmark of recording an outcome, the work the task pallet triggers per
//! worker when it settles. Measured with decay to apply, the costlier path.

use super::*;
use crate::Pallet as Rep;
use polkadot_sdk::{frame_benchmarking::v2::*, frame_system};

#[benchmarks]
mod benchmarks {
    use super::*;

    #[benchmark]
    fn record_outcome() {
        let who: T::AccountId = whitelisted_caller();
        <Rep<T> as Reputation<T::AccountId, T::Balance>>::record_outcome(&who, 0, Outcome::AgreedWithMajority);
        let later = frame_system::Pallet::<T>::block_number() + T::DecayPeriod::get() * 3u32.into();
        frame_system::Pallet::<T>::set_block_number(later);

        #[block]
        {
            <Rep<T> as Reputation<T::AccountId, T::Balance>>::record_outcome(&who, 0, Outcome::RejectedMinority);
        }

        assert_eq!(Standings::<T>::get(&who, 0).map(|s| s.tasks), Some(2));
    }

    impl_benchmark_test_suite!(Rep, crate::mock::new_test_ext(), crate::mock::Test);
}
