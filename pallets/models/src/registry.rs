//! What other pallets read of a model: the [`ModelRegistry`] the tasks pallet
//! holds jobs against, and the registrations its benchmarks need.

use super::*;
use triad_primitives::{ModelRegistry, ProofKey, WireError};
use triad_verifier::wire::Spec;

impl<T: Config> ModelRegistry<BalanceOf<T>> for Pallet<T> {
    fn exists(model: ModelId) -> bool {
        Models::<T>::contains_key(model)
    }

    fn is_active(model: ModelId) -> bool {
        Models::<T>::get(model).is_some_and(|m| m.state == ModelState::Active)
    }

    fn lsh_params(model: ModelId) -> Option<LshParams> {
        Models::<T>::get(model).map(|m| m.lsh)
    }

    fn modes(model: ModelId) -> Option<VerificationModes> {
        Models::<T>::get(model).map(|m| m.modes)
    }

    fn price_floor(model: ModelId) -> Option<BalanceOf<T>> {
        Models::<T>::get(model).map(|m| m.price_floor)
    }

    fn calibration_cases(model: ModelId) -> u32 {
        CalibrationSets::<T>::decode_len(model).unwrap_or(0) as u32
    }

    fn calibration_expected(model: ModelId, index: u32) -> Option<Fingerprint> {
        CalibrationSets::<T>::get(model)?.get(index as usize).map(|c| c.expected)
    }

    fn check_input(model: ModelId, input: &[u8]) -> Result<(), WireError> {
        let info = Models::<T>::get(model).ok_or(WireError::Malformed)?;
        fit::<T>(&info.inputs, input)
    }

    fn check_output(model: ModelId, output: &[u8]) -> Result<(), WireError> {
        let info = Models::<T>::get(model).ok_or(WireError::Malformed)?;
        fit::<T>(&info.outputs, output)
    }

    fn tee_policy(model: ModelId) -> Option<TeePolicy> {
        TeePolicies::<T>::get(model).map(|p| TeePolicy { measurements: p.measurements.into_inner(), statuses: p.statuses })
    }

    fn proof_key(model: ModelId) -> Option<ProofKey<BalanceOf<T>>> {
        Groth16Keys::<T>::get(model).map(|k| ProofKey {
            verifying_key: k.verifying_key.into_inner(),
            output_count: k.output_count,
            output_bits: k.output_bits,
            price: k.price,
        })
    }

    #[cfg(feature = "runtime-benchmarks")]
    fn register_provable_for_benchmarks(input_bytes: u32) -> (ModelId, u32, u32) {
        use frame_support::traits::fungible::Mutate;
        let owner: T::AccountId = frame_benchmarking::account("proved-owner", 0, 0);
        T::Currency::set_balance(&owner, <BalanceOf<T> as sp_runtime::traits::Bounded>::max_value() / 1024u32.into());
        let (spec, key, pixels, outputs) = provable_for_benchmarks::<T>(input_bytes, [9; 32]);
        let origin = || frame_system::RawOrigin::Signed(owner.clone());
        Self::register_model(origin().into(), spec).expect("a provable spec is valid");
        let model = NextModelId::<T>::get() - 1;
        Self::set_groth16_key(origin().into(), model, key).expect("the declared key fits");
        (model, pixels, outputs)
    }

    #[cfg(feature = "runtime-benchmarks")]
    fn register_for_benchmarks(index: u32) -> ModelId {
        use frame_support::traits::fungible::Mutate;
        let owner: T::AccountId = frame_benchmarking::account("model-owner", index, 0);
        T::Currency::set_balance(&owner, <BalanceOf<T> as sp_runtime::traits::Bounded>::max_value() / 1024u32.into());
        let t = |name: &[u8]| TensorSpecInput { name: name.to_vec(), datatype: b"FP32".to_vec(), shape: alloc::vec![-1, 4] };
        let mut onnx_hash = [0xBE; 32];
        onnx_hash[..4].copy_from_slice(&index.to_le_bytes());
        let spec = ModelSpec {
            name: b"bench".to_vec(),
            version: b"1".to_vec(),
            onnx_hash,
            onnx_size: 1,
            opset: 17,
            inputs: alloc::vec![t(b"x")],
            outputs: alloc::vec![t(b"y")],
            lsh: LshParams::projection(index as u64),
            checks: alloc::vec![OutputCheck::with_decision(triad_verifier::Decision::Argmax)],
            modes: VerificationModes { lsh_majority: true, groth16: None, tee: false },
            price_floor: 1u32.into(),
        };
        Self::register_model(frame_system::RawOrigin::Signed(owner.clone()).into(), spec).expect("a valid model registers");
        let model = NextModelId::<T>::get() - 1;
        let params = LshParams::projection(index as u64);
        let case = |i: u32| CalibrationCaseInput {
            input: alloc::vec![i as u8; T::MaxCalibrationInputLen::get() as usize],
            expected: Fingerprint {
                family: params.family,
                version: params.version,
                bits: [i as u8; triad_primitives::FINGERPRINT_BYTES],
                decision: [0; 32],
            },
        };
        let cases = (0..T::MaxCalibrationCases::get()).map(case).collect();
        Self::set_calibration_set(frame_system::RawOrigin::Signed(owner).into(), model, cases)
            .expect("a well-formed calibration set is accepted");
        model
    }
}

/// Holds tensor bytes against declared tensors (`triad_verifier::wire::fit`).
fn fit<T: Config>(declared: &[TensorSpecOf<T>], bytes: &[u8]) -> Result<(), WireError> {
    let names: Vec<&str> = declared.iter().map(|s| core::str::from_utf8(&s.name).unwrap_or_default()).collect();
    let specs: Vec<Spec<'_>> = declared
        .iter()
        .zip(&names)
        .filter_map(|(s, name)| Some(Spec { name, dtype: s.datatype.runnable()?, shape: &s.shape }))
        .collect();
    if specs.len() != declared.len() {
        return Err(WireError::Malformed);
    }
    triad_verifier::wire::fit(&specs, bytes).map(|_| ())
}

/// A provable model whose `uint8` input `pixels` encodes to at most
/// `input_bytes`, declaring the largest key `MaxVerifyingKeyLen` allows
/// (made of generators: it proves nothing), with the key as its owner
/// submits it. Returns the spec, the key, the input length and the output
/// count.
#[cfg(feature = "runtime-benchmarks")]
pub(crate) fn provable_for_benchmarks<T: Config>(
    input_bytes: u32,
    onnx_hash: [u8; 32],
) -> (ModelSpec<BalanceOf<T>>, Groth16KeyInput<BalanceOf<T>>, u32, u32) {
    use triad_verifier::{wire, Data, TensorData};
    let encoded = |n: u32| {
        let tensor = TensorData { shape: alloc::vec![1, n as usize], data: Data::U8(alloc::vec![0; n as usize]) };
        wire::encode(&[wire::NamedTensor { name: "pixels".into(), tensor }]).len() as u32
    };
    let mut pixels = input_bytes;
    while pixels > 1 && encoded(pixels) > input_bytes {
        pixels -= 1;
    }
    let public = (T::MaxVerifyingKeyLen::get() as usize).saturating_sub(456) / 64 - 1;
    let outputs = 3 * (public as u32 - 2);
    let verifying_key = triad_zk_verify::generator_key(public);
    let tensor = |name: &[u8], datatype: &[u8], n: u32| TensorSpecInput {
        name: name.to_vec(),
        datatype: datatype.to_vec(),
        shape: alloc::vec![1, i64::from(n)],
    };
    let spec = ModelSpec {
        name: b"proved".to_vec(),
        version: b"1".to_vec(),
        onnx_hash,
        onnx_size: 1,
        opset: 17,
        inputs: alloc::vec![tensor(b"pixels", b"UINT8", pixels)],
        outputs: alloc::vec![tensor(b"logits", b"INT64", outputs)],
        lsh: LshParams::projection(1),
        checks: alloc::vec![OutputCheck::with_decision(triad_verifier::Decision::Values)],
        modes: VerificationModes { lsh_majority: true, groth16: Some(triad_zk_verify::vk_hash(&verifying_key)), tee: false },
        price_floor: 1u32.into(),
    };
    let key = Groth16KeyInput {
        verifying_key,
        proving_key_hash: [3; 32],
        proving_key_size: 1 << 20,
        output_bits: 64,
        price: 5u32.into(),
    };
    (spec, key, pixels, outputs)
}
