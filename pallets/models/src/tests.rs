//! Tests of the model registry: every call, every error, events and storage.

use crate::{mock::*, *};
use polkadot_sdk::{frame_support, sp_runtime};

use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};
use sp_runtime::DispatchError;
use triad_primitives::{ModelRegistry, WireError};
use triad_verifier::{
    wire::{self, NamedTensor},
    Decision, TensorData,
};

fn tensor(name: &str, datatype: &str, shape: &[i64]) -> TensorSpecInput {
    TensorSpecInput { name: name.into(), datatype: datatype.into(), shape: shape.to_vec() }
}

fn spec(hash: u8) -> ModelSpec<Balance> {
    ModelSpec {
        name: b"mlp-classifier".to_vec(),
        version: b"1.0".to_vec(),
        onnx_hash: [hash; 32],
        onnx_size: 4_096,
        opset: 17,
        inputs: vec![tensor("features", "FP32", &[-1, 64])],
        outputs: vec![tensor("logits", "FP32", &[-1, 10])],
        lsh: LshParams::projection(7),
        checks: vec![OutputCheck::with_decision(Decision::Argmax)],
        modes: VerificationModes { lsh_majority: true, groth16: None, tee: false },
        price_floor: 10,
    }
}

fn held(who: u64) -> Balance {
    Balances::balance_on_hold(&HoldReason::ModelDeposit.into(), &who)
}

fn register(who: u64, hash: u8) -> ModelId {
    let id = NextModelId::<Test>::get();
    assert_ok!(Registry::register_model(RuntimeOrigin::signed(who), spec(hash)));
    id
}

fn case(input: &[u8], lsh: &LshParams) -> CalibrationCaseInput {
    let mut expected = Fingerprint {
        family: lsh.family,
        version: lsh.version,
        bits: [0; triad_primitives::FINGERPRINT_BYTES],
        decision: [0; 32],
    };
    expected.bits[0] = input.first().copied().unwrap_or(0);
    CalibrationCaseInput { input: input.to_vec(), expected }
}

#[test]
fn register_model_stores_the_entry_and_holds_the_deposit() {
    test(|| {
        assert_ok!(Registry::register_model(RuntimeOrigin::signed(ALICE), spec(1)));
        let info = Models::<Test>::get(0).expect("stored");
        assert_eq!(info.owner, ALICE);
        assert_eq!(&info.name[..], b"mlp-classifier");
        assert_eq!(info.inputs[0].datatype, DataType::F32);
        assert_eq!(&info.inputs[0].shape[..], &[-1, 64]);
        assert_eq!(info.state, ModelState::Active);
        assert_eq!(info.registered_at, 1);
        assert_eq!(info.deposit, Registry::deposit_for(info.encoded_size()));
        assert!(info.deposit > DepositBase::get());
        assert_eq!(held(ALICE), info.deposit);
        assert_eq!(ModelByHash::<Test>::get([1; 32]), Some(0));
        assert_eq!(NextModelId::<Test>::get(), 1);
        System::assert_last_event(
            Event::ModelRegistered { model: 0, owner: ALICE, onnx_hash: [1; 32], deposit: info.deposit }.into(),
        );
        assert!(<Registry as ModelRegistry<Balance>>::is_active(0));
        assert_eq!(<Registry as ModelRegistry<Balance>>::price_floor(0), Some(10));
        assert_eq!(<Registry as ModelRegistry<Balance>>::lsh_params(0), Some(LshParams::projection(7)));
    });
}

#[test]
fn job_inputs_are_checked_against_the_declared_inputs() {
    test(|| {
        let model = register(ALICE, 1);
        let input = |shape: Vec<usize>, data: Vec<f32>| {
            wire::encode(&[NamedTensor { name: "features".into(), tensor: TensorData::f32(shape, data) }])
        };
        assert_eq!(Registry::check_input(model, &input(vec![2, 64], vec![0.5; 128])), Ok(()));
        assert!(matches!(Registry::check_input(model, &input(vec![1, 63], vec![0.5; 63])), Err(WireError::WrongShape { .. })));
        assert_eq!(Registry::check_input(model, &input(vec![0, 64], vec![])), Err(WireError::EmptyDimension("features".into())));
        let mut nan = vec![0.5; 64];
        nan[3] = f32::NAN;
        assert_eq!(Registry::check_input(model, &input(vec![1, 64], nan)), Err(WireError::NonFinite("features".into())));
        assert_eq!(Registry::check_input(model, b"garbage"), Err(WireError::Malformed));
        assert_eq!(Registry::check_input(99, &input(vec![1, 64], vec![0.5; 64])), Err(WireError::Malformed), "no such model");
    });
}

#[test]
fn the_same_onnx_file_cannot_be_registered_twice() {
    test(|| {
        register(ALICE, 1);
        assert_noop!(Registry::register_model(RuntimeOrigin::signed(BOB), spec(1)), Error::<Test>::AlreadyRegistered);
        assert_eq!(register(BOB, 2), 1);
    });
}

#[test]
fn malformed_specs_get_typed_errors() {
    test(|| {
        let cases: Vec<(fn(&mut ModelSpec<Balance>), Error<Test>)> = vec![
            (|s| s.name.clear(), Error::EmptyName),
            (|s| s.version.clear(), Error::EmptyName),
            (|s| s.name = vec![b'x'; 33], Error::NameTooLong),
            (|s| s.inputs[0].name = vec![b'x'; 33], Error::NameTooLong),
            (|s| s.onnx_size = 0, Error::ZeroSizeModel),
            (|s| s.onnx_size = (1 << 30) + 1, Error::ModelTooLarge),
            (|s| s.inputs.clear(), Error::NoTensors),
            (|s| s.outputs.clear(), Error::NoTensors),
            (|s| s.outputs = vec![tensor("o", "FP32", &[1]); 5], Error::TooManyTensors),
            (|s| s.inputs[0].datatype = b"FLOAT".to_vec(), Error::UnknownDatatype),
            (|s| s.inputs[0].datatype = b"FP16".to_vec(), Error::UnsupportedDatatype),
            (|s| s.inputs[0].name = vec![0xff, 0xfe], Error::NameNotUtf8),
            (|s| s.checks.clear(), Error::ChecksDoNotMatchOutputs),
            (|s| s.checks[0].tolerance_ppm = 1_000_001, Error::InvalidOutputCheck),
            (
                |s| s.checks[0] = OutputCheck { elementwise: false, ..OutputCheck::with_decision(Decision::Values) },
                Error::InvalidOutputCheck,
            ),
            (|s| s.outputs[0].datatype = b"INT64".to_vec(), Error::InvalidOutputCheck),
            (|s| s.inputs[0].shape.clear(), Error::BadRank),
            (|s| s.inputs[0].shape = vec![1; 7], Error::BadRank),
            (|s| s.inputs[0].shape = vec![-1, 0], Error::BadDimension),
            (|s| s.inputs[0].shape = vec![-2, 64], Error::BadDimension),
            (|s| s.lsh.bits = 0, Error::InvalidLshParams),
            (|s| s.modes = VerificationModes::default(), Error::NoVerificationMode),
        ];
        for (break_it, error) in cases {
            let mut s = spec(1);
            break_it(&mut s);
            assert_noop!(Registry::register_model(RuntimeOrigin::signed(ALICE), s), error);
        }
        assert_eq!(held(ALICE), 0);
    });
}

#[test]
fn registration_fails_without_funds_for_the_deposit() {
    test(|| {
        assert_noop!(Registry::register_model(RuntimeOrigin::signed(POOR), spec(1)), Error::<Test>::InsufficientDeposit);
        assert_noop!(Registry::register_model(RuntimeOrigin::none(), spec(1)), DispatchError::BadOrigin);
    });
}

#[test]
fn model_ids_run_out_with_a_typed_error() {
    test(|| {
        NextModelId::<Test>::put(ModelId::MAX);
        assert_noop!(Registry::register_model(RuntimeOrigin::signed(ALICE), spec(1)), Error::<Test>::ModelIdsExhausted);
    });
}

#[test]
fn the_owner_deprecates_a_model_once() {
    test(|| {
        let id = register(ALICE, 1);
        assert_noop!(Registry::deprecate_model(RuntimeOrigin::signed(BOB), id), Error::<Test>::NotOwner);
        assert_noop!(Registry::deprecate_model(RuntimeOrigin::signed(ALICE), 9), Error::<Test>::UnknownModel);
        assert_ok!(Registry::deprecate_model(RuntimeOrigin::signed(ALICE), id));
        System::assert_last_event(Event::ModelDeprecated { model: id }.into());
        assert_eq!(Models::<Test>::get(id).unwrap().state, ModelState::Deprecated);
        assert!(!<Registry as ModelRegistry<Balance>>::is_active(id));
        assert!(<Registry as ModelRegistry<Balance>>::exists(id));
        assert_noop!(Registry::deprecate_model(RuntimeOrigin::signed(ALICE), id), Error::<Test>::AlreadyDeprecated);
        // The deposit stays: past and running jobs still refer to the entry.
        assert_eq!(held(ALICE), Models::<Test>::get(id).unwrap().deposit);
    });
}

#[test]
fn calibration_sets_are_stored_and_their_deposit_follows_their_size() {
    test(|| {
        let id = register(ALICE, 1);
        let lsh = LshParams::projection(7);
        let base = Models::<Test>::get(id).unwrap().deposit;

        let big = vec![case(&[1; 200], &lsh), case(&[2; 200], &lsh)];
        assert_ok!(Registry::set_calibration_set(RuntimeOrigin::signed(ALICE), id, big));
        let set = CalibrationSets::<Test>::get(id).unwrap();
        assert_eq!(set.len(), 2);
        assert_eq!(&set[1].input[..], &[2; 200]);
        let with_big = base + set.encoded_size() as Balance;
        assert_eq!(Models::<Test>::get(id).unwrap().deposit, with_big);
        assert_eq!(held(ALICE), with_big);
        System::assert_last_event(Event::CalibrationSetChanged { model: id, cases: 2, deposit: with_big }.into());
        assert_eq!(<Registry as ModelRegistry<Balance>>::calibration_cases(id), 2);

        // A smaller set releases the difference.
        assert_ok!(Registry::set_calibration_set(RuntimeOrigin::signed(ALICE), id, vec![case(&[3; 10], &lsh)]));
        let small = base + CalibrationSets::<Test>::get(id).unwrap().encoded_size() as Balance;
        assert_eq!(held(ALICE), small);

        // An empty set removes it and releases all of its deposit.
        assert_ok!(Registry::set_calibration_set(RuntimeOrigin::signed(ALICE), id, vec![]));
        assert!(CalibrationSets::<Test>::get(id).is_none());
        assert_eq!(held(ALICE), base);
        System::assert_last_event(Event::CalibrationSetChanged { model: id, cases: 0, deposit: base }.into());
    });
}

#[test]
fn bad_calibration_sets_get_typed_errors() {
    test(|| {
        let id = register(ALICE, 1);
        let lsh = LshParams::projection(7);
        let origin = || RuntimeOrigin::signed(ALICE);
        assert_noop!(Registry::set_calibration_set(origin(), 5, vec![]), Error::<Test>::UnknownModel);
        assert_noop!(
            Registry::set_calibration_set(RuntimeOrigin::signed(BOB), id, vec![case(&[1], &lsh)]),
            Error::<Test>::NotOwner
        );
        assert_noop!(
            Registry::set_calibration_set(origin(), id, vec![case(&[1], &lsh); 5]),
            Error::<Test>::TooManyCalibrationCases
        );
        assert_noop!(
            Registry::set_calibration_set(origin(), id, vec![case(&[1; 257], &lsh)]),
            Error::<Test>::CalibrationInputTooLarge
        );
        assert_noop!(
            Registry::set_calibration_set(origin(), id, vec![case(&[1], &LshParams::exact())]),
            Error::<Test>::FingerprintParamsMismatch
        );
        let mut other_version = lsh;
        other_version.version += 1;
        assert_noop!(
            Registry::set_calibration_set(origin(), id, vec![case(&[1], &other_version)]),
            Error::<Test>::FingerprintParamsMismatch
        );
    });
}

#[test]
fn a_calibration_set_the_owner_cannot_pay_for_is_refused() {
    test(|| {
        // Leave Alice just enough for the model, not for 4 x 256 bytes of calibration.
        let id = register(ALICE, 1);
        let free = Balances::free_balance(ALICE);
        assert_ok!(Balances::transfer_allow_death(RuntimeOrigin::signed(ALICE), BOB, free - 500));
        let lsh = LshParams::projection(7);
        assert_noop!(
            Registry::set_calibration_set(RuntimeOrigin::signed(ALICE), id, vec![case(&[1; 256], &lsh); 4]),
            Error::<Test>::InsufficientDeposit
        );
    });
}

#[test]
fn try_state_catches_a_deposit_that_is_not_held() {
    new_test_ext().execute_with(|| {
        let id = register(ALICE, 1);
        Models::<Test>::mutate(id, |m| m.as_mut().unwrap().deposit += 1);
        assert!(Registry::do_try_state().is_err());
    });
}

#[test]
fn integrity_test_passes_for_the_mock() {
    new_test_ext().execute_with(|| {
        <Registry as frame_support::traits::Hooks<u64>>::integrity_test();
    });
}

/// A model a circuit can take: 64 pixels in, 10 logits out, declaring `key`.
fn provable_spec(hash: u8, key: &[u8]) -> ModelSpec<Balance> {
    let mut s = spec(hash);
    s.inputs = vec![tensor("pixels", "UINT8", &[1, 64])];
    s.outputs = vec![tensor("logits", "INT64", &[1, 10])];
    s.checks = vec![OutputCheck::with_decision(Decision::Values)];
    s.modes.groth16 = Some(triad_zk_verify::vk_hash(key));
    s
}

/// Ten 32-bit outputs pack into two field elements: ctx, h and two more.
fn key_input(verifying_key: Vec<u8>) -> Groth16KeyInput<Balance> {
    Groth16KeyInput { verifying_key, proving_key_hash: [4; 32], proving_key_size: 1 << 20, output_bits: 32, price: 25 }
}

#[test]
fn the_owner_sets_a_groth16_key_once_and_pays_for_its_bytes() {
    test(|| {
        let vk = triad_zk_verify::generator_key(4);
        assert_ok!(Registry::register_model(RuntimeOrigin::signed(ALICE), provable_spec(1, &vk)));
        let before = held(ALICE);
        assert_ok!(Registry::set_groth16_key(RuntimeOrigin::signed(ALICE), 0, key_input(vk.clone())));
        let key = Groth16Keys::<Test>::get(0).expect("stored");
        assert_eq!((&key.verifying_key[..], key.output_count, key.output_bits, key.price), (&vk[..], 10, 32, 25));
        assert_eq!(key.proving_key_hash, [4; 32]);
        let info = Models::<Test>::get(0).unwrap();
        assert_eq!(info.deposit, before + DepositPerByte::get() * key.encoded_size() as Balance);
        assert_eq!(held(ALICE), info.deposit);
        System::assert_last_event(
            Event::Groth16KeySet {
                model: 0,
                vk_hash: triad_zk_verify::vk_hash(&vk),
                proving_key_hash: [4; 32],
                price: 25,
                deposit: info.deposit,
            }
            .into(),
        );
        let proof_key = <Registry as ModelRegistry<Balance>>::proof_key(0).expect("exposed");
        assert_eq!(
            (proof_key.verifying_key, proof_key.output_count, proof_key.output_bits, proof_key.price),
            (vk.clone(), 10, 32, 25)
        );
        assert_noop!(
            Registry::set_groth16_key(RuntimeOrigin::signed(ALICE), 0, key_input(vk.clone())),
            Error::<Test>::Groth16KeyAlreadySet
        );
        // A calibration set afterwards keeps paying for the key's bytes too.
        let lsh = LshParams::projection(7);
        assert_ok!(Registry::set_calibration_set(RuntimeOrigin::signed(ALICE), 0, vec![case(&[1, 2], &lsh)]));
        assert_ok!(Registry::set_calibration_set(RuntimeOrigin::signed(ALICE), 0, vec![]));
        assert_eq!(held(ALICE), info.deposit);
        Registry::do_try_state().unwrap();
    });
}

#[test]
fn groth16_keys_are_refused_with_typed_errors() {
    test(|| {
        let vk = triad_zk_verify::generator_key(4);
        assert_ok!(Registry::register_model(RuntimeOrigin::signed(ALICE), provable_spec(1, &vk)));
        let set = |who: u64, model: ModelId, key: Groth16KeyInput<Balance>| {
            Registry::set_groth16_key(RuntimeOrigin::signed(who), model, key)
        };
        assert_noop!(set(BOB, 0, key_input(vk.clone())), Error::<Test>::NotOwner);
        assert_noop!(set(ALICE, 9, key_input(vk.clone())), Error::<Test>::UnknownModel);
        // Another key than the one declared.
        assert_noop!(set(ALICE, 0, key_input(triad_zk_verify::generator_key(5))), Error::<Test>::Groth16KeyHashMismatch);
        // Declared, but for another output width: its public inputs do not fit.
        assert_noop!(
            set(ALICE, 0, Groth16KeyInput { output_bits: 8, ..key_input(vk.clone()) }),
            Error::<Test>::Groth16KeyShapeMismatch
        );
        assert_noop!(
            set(ALICE, 0, Groth16KeyInput { output_bits: 65, ..key_input(vk.clone()) }),
            Error::<Test>::Groth16KeyShapeMismatch
        );
        // A model that declared no key.
        register(ALICE, 2);
        assert_noop!(set(ALICE, 1, key_input(vk.clone())), Error::<Test>::Groth16NotDeclared);
        // Declared bytes that are no key.
        let mut bad = vk.clone();
        bad[3] ^= 1;
        assert_ok!(Registry::register_model(RuntimeOrigin::signed(ALICE), provable_spec(3, &bad)));
        assert_noop!(set(ALICE, 2, key_input(bad)), Error::<Test>::MalformedVerifyingKey);
        let huge = vec![0u8; 4097];
        assert_ok!(Registry::register_model(RuntimeOrigin::signed(ALICE), provable_spec(4, &huge)));
        assert_noop!(set(ALICE, 3, key_input(huge)), Error::<Test>::VerifyingKeyTooLarge);
        // A float model cannot be proven.
        let mut float = spec(5);
        float.modes.groth16 = Some(triad_zk_verify::vk_hash(&vk));
        assert_ok!(Registry::register_model(RuntimeOrigin::signed(ALICE), float));
        assert_noop!(set(ALICE, 4, key_input(vk.clone())), Error::<Test>::ModelNotProvable);
        // Without funds for the key's deposit.
        assert_ok!(Registry::register_model(RuntimeOrigin::signed(BOB), provable_spec(6, &vk)));
        <Balances as frame_support::traits::fungible::Mutate<u64>>::set_balance(&BOB, 2);
        assert_noop!(set(BOB, 5, key_input(vk)), Error::<Test>::InsufficientDeposit);
        assert!(Groth16Keys::<Test>::iter().next().is_none());
    });
}

#[test]
fn outputs_the_chain_reads_are_checked_against_the_declared_outputs() {
    test(|| {
        let vk = triad_zk_verify::generator_key(4);
        assert_ok!(Registry::register_model(RuntimeOrigin::signed(ALICE), provable_spec(1, &vk)));
        let logits = |n: usize| {
            wire::encode(&[NamedTensor {
                name: "logits".into(),
                tensor: TensorData { shape: vec![1, n], data: triad_verifier::Data::I64(vec![3; n]) },
            }])
        };
        assert_eq!(<Registry as ModelRegistry<Balance>>::check_output(0, &logits(10)), Ok(()));
        assert!(<Registry as ModelRegistry<Balance>>::check_output(0, &logits(9)).is_err());
        assert_eq!(<Registry as ModelRegistry<Balance>>::check_output(0, b"junk"), Err(WireError::Malformed));
    });
}
