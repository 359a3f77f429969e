//! Benchmarks of the model registry. Every call is measured at its largest
//! input, because the weight charged up front must cover the worst case.

use super::*;
use crate::Pallet as Registry;
use alloc::vec;
use polkadot_sdk::{
    frame_benchmarking::v2::*,
    frame_support::traits::{fungible::Mutate, Get},
    frame_system::RawOrigin,
    sp_runtime::traits::Bounded,
};

fn funded<T: Config>() -> T::AccountId {
    let who: T::AccountId = whitelisted_caller();
    T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 1024u32.into());
    who
}

/// The largest entry the bounds allow.
fn largest_spec<T: Config>() -> ModelSpec<BalanceOf<T>> {
    let name = vec![b'n'; T::MaxNameLen::get() as usize];
    let tensor = TensorSpecInput { name: name.clone(), datatype: b"FP32".to_vec(), shape: vec![-1; T::MaxDims::get() as usize] };
    let tensors = vec![tensor; T::MaxTensors::get() as usize];
    ModelSpec {
        name: name.clone(),
        version: name,
        onnx_hash: [7; 32],
        onnx_size: T::MaxModelSize::get(),
        opset: 17,
        inputs: tensors.clone(),
        checks: vec![OutputCheck::with_decision(triad_verifier::Decision::Argmax); tensors.len()],
        outputs: tensors,
        lsh: LshParams::projection(1),
        modes: VerificationModes { lsh_majority: true, groth16: Some([1; 32]), tee: true },
        price_floor: 1u32.into(),
    }
}

fn registered<T: Config>() -> (T::AccountId, ModelId) {
    let owner = funded::<T>();
    Registry::<T>::register_model(RawOrigin::Signed(owner.clone()).into(), largest_spec::<T>())
        .expect("the largest spec is valid");
    (owner, NextModelId::<T>::get() - 1)
}

#[benchmarks]
mod benchmarks {
    use super::*;

    #[benchmark]
    fn register_model() {
        let owner = funded::<T>();
        let spec = largest_spec::<T>();

        #[extrinsic_call]
        _(RawOrigin::Signed(owner.clone()), spec);

        let info = Models::<T>::get(0).expect("registered");
        assert_eq!(info.owner, owner);
        assert_eq!(ModelByHash::<T>::get([7; 32]), Some(0));
    }

    #[benchmark]
    fn deprecate_model() {
        let (owner, model) = registered::<T>();

        #[extrinsic_call]
        _(RawOrigin::Signed(owner), model);

        assert_eq!(Models::<T>::get(model).map(|m| m.state), Some(ModelState::Deprecated));
    }

    #[benchmark]
    fn set_calibration_set(n: Linear<0, { T::MaxCalibrationCases::get() }>) {
        let (owner, model) = registered::<T>();
        let lsh = LshParams::projection(1);
        let expected = Fingerprint {
            family: lsh.family,
            version: lsh.version,
            bits: [0xA5; triad_primitives::FINGERPRINT_BYTES],
            decision: [0x5A; 32],
        };
        let case = CalibrationCaseInput { input: vec![1; T::MaxCalibrationInputLen::get() as usize], expected };
        let cases = vec![case; n as usize];

        #[extrinsic_call]
        _(RawOrigin::Signed(owner), model, cases);

        assert_eq!(CalibrationSets::<T>::decode_len(model).unwrap_or(0), n as usize);
    }

    /// The largest key: decoding it checks every point (four G2 subgroup
    /// checks and one G1 check per public input).
    #[benchmark]
    fn set_groth16_key() {
        let owner = funded::<T>();
        let (spec, key, _, _) = crate::registry::provable_for_benchmarks::<T>(1024, [9; 32]);
        assert!(key.verifying_key.len() + 64 > T::MaxVerifyingKeyLen::get() as usize, "the largest key that fits");
        Registry::<T>::register_model(RawOrigin::Signed(owner.clone()).into(), spec).expect("a provable spec is valid");
        let model = NextModelId::<T>::get() - 1;

        #[extrinsic_call]
        _(RawOrigin::Signed(owner), model, key);

        assert!(Groth16Keys::<T>::contains_key(model));
    }

    /// The longest policy, replacing one as long: every measurement is
    /// checked against those before it.
    #[benchmark]
    fn set_tee_policy(n: Linear<1, { T::MaxTeeMeasurements::get() }>) {
        let (owner, model) = registered::<T>();
        let list = |salt: u8| (0..n).map(|i| Measurement::MrTd([salt ^ i as u8; 48])).collect::<Vec<_>>();
        Registry::<T>::set_tee_policy(RawOrigin::Signed(owner.clone()).into(), model, list(0x80), TcbStatuses::DEFAULT)
            .expect("the model allows TEE");

        #[extrinsic_call]
        _(RawOrigin::Signed(owner), model, list(0), TcbStatuses::DEFAULT);

        assert_eq!(TeePolicies::<T>::get(model).map(|p| p.measurements.len() as u32), Some(n));
    }

    impl_benchmark_test_suite!(Registry, crate::mock::new_test_ext(), crate::mock::Test);
}
