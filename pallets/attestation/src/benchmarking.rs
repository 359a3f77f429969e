//! Benchmarks of the attestation pallet.
//!
//! `attest` is measured on a recorded TDX quote (the larger kind) with its
//! collateral posted, at a time inside the collateral's validity. No recorded
//! quote carries the benchmark account's binding, so the call verifies the
//! quote in full and then stops at the binding check: every cost but the
//! three writes of a success, which `weights.rs` adds.

use super::*;
use crate::Pallet as Attestation;
use frame_system::RawOrigin;
use polkadot_sdk::frame_benchmarking::v2::*;
use triad_primitives::WorkerPeers;

/// 2025-06-20T00:00:00Z, inside the recorded collateral's validity.
const PINNED: u64 = 1_750_377_600;
const TDX_QUOTE: &[u8] = include_bytes!("../../../tee/fixtures/tdx.quote");
const TDX_COLLATERAL: &[u8] = include_bytes!("../../../tee/fixtures/tdx.collateral.scale");

fn worker<T: Config>() -> T::AccountId {
    let who: T::AccountId = account("worker", 0, 0);
    T::Workers::register_peer_for_benchmarks(&who, alloc::vec![7; 38]);
    who
}

#[benchmarks]
mod benchmarks {
    use super::*;

    #[benchmark]
    fn request_nonce() {
        let who = worker::<T>();
        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()));
        assert!(Nonces::<T>::contains_key(&who));
    }

    #[benchmark]
    fn attest() {
        let who = worker::<T>();
        Attestation::<T>::request_nonce(RawOrigin::Signed(who.clone()).into()).expect("a worker gets a nonce");
        T::BenchmarkHelper::set_time(PINNED);
        let collateral = CollateralSource::Posted(TDX_COLLATERAL.to_vec());
        let result;
        #[block]
        {
            result = Attestation::<T>::attest(RawOrigin::Signed(who.clone()).into(), TDX_QUOTE.to_vec(), collateral);
        }
        assert_eq!(result, Err(Error::<T>::NotBoundToCaller.into()), "the quote verified in full");
    }

    #[benchmark]
    fn remove_expired_collateral() {
        let who = worker::<T>();
        let bytes = TDX_COLLATERAL.to_vec().try_into().expect("the recorded collateral fits");
        let fmspc = [0xB0, 0xC0, 0x6F, 0, 0, 0];
        Collaterals::<T>::insert(TeeKind::Tdx, fmspc, StoredCollateral { bytes, expires: PINNED, posted_by: who.clone() });
        T::BenchmarkHelper::set_time(PINNED);
        #[extrinsic_call]
        _(RawOrigin::Signed(who), TeeKind::Tdx, fmspc);
        assert!(!Collaterals::<T>::contains_key(TeeKind::Tdx, fmspc));
    }

    impl_benchmark_test_suite!(Attestation, crate::mock::new_test_ext(), crate::mock::Test);
}
