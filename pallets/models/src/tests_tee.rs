//! Tests of TEE policies: who may set one, what it may say, what it costs,
//! and what the task pallet reads of it.

use crate::{mock::*, *};
use polkadot_sdk::{frame_support, sp_runtime};

use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};
use sp_runtime::DispatchError;
use triad_primitives::ModelRegistry;

const TD_A: Measurement = Measurement::MrTd([0xA1; 48]);
const TD_B: Measurement = Measurement::MrTd([0xB2; 48]);
const ENCLAVE: Measurement = Measurement::MrEnclave([0xC3; 32]);

fn tee_spec(hash: u8, tee: bool) -> ModelSpec<Balance> {
    let t = |name: &[u8]| TensorSpecInput { name: name.to_vec(), datatype: b"FP32".to_vec(), shape: vec![-1, 4] };
    ModelSpec {
        name: b"tee-model".to_vec(),
        version: b"1".to_vec(),
        onnx_hash: [hash; 32],
        onnx_size: 4_096,
        opset: 17,
        inputs: vec![t(b"x")],
        outputs: vec![t(b"y")],
        lsh: LshParams::projection(3),
        checks: vec![OutputCheck::with_decision(triad_verifier::Decision::Argmax)],
        modes: VerificationModes { lsh_majority: true, groth16: None, tee },
        price_floor: 10,
    }
}

fn registered(tee: bool) -> ModelId {
    let id = NextModelId::<Test>::get();
    assert_ok!(Registry::register_model(RuntimeOrigin::signed(ALICE), tee_spec(id as u8 + 1, tee)));
    id
}

fn held(who: u64) -> Balance {
    Balances::balance_on_hold(&HoldReason::ModelDeposit.into(), &who)
}

#[test]
fn the_owner_sets_a_policy_and_pays_for_its_bytes() {
    test(|| {
        let model = registered(true);
        let before = Models::<Test>::get(model).unwrap().deposit;
        assert_eq!(<Registry as ModelRegistry<Balance>>::tee_policy(model), None);

        // Listed twice, kept once.
        let statuses = TcbStatuses::of(&[TcbStatus::UpToDate]);
        assert_ok!(Registry::set_tee_policy(RuntimeOrigin::signed(ALICE), model, vec![TD_A, ENCLAVE, TD_A], statuses));
        let stored = TeePolicies::<Test>::get(model).expect("stored");
        assert_eq!(&stored.measurements[..], &[TD_A, ENCLAVE]);
        assert_eq!(stored.statuses, statuses);
        let deposit = Models::<Test>::get(model).unwrap().deposit;
        assert_eq!(deposit, before + DepositPerByte::get() * stored.encoded_size() as Balance);
        assert_eq!(held(ALICE), deposit);
        System::assert_last_event(Event::TeePolicySet { model, measurements: 2, statuses, deposit }.into());

        let policy = <Registry as ModelRegistry<Balance>>::tee_policy(model).expect("readable");
        assert!(policy.allows(&TD_A, TcbStatus::UpToDate));
        assert!(policy.allows(&ENCLAVE, TcbStatus::UpToDate));
        assert!(!policy.allows(&TD_B, TcbStatus::UpToDate), "a measurement not on the list");
        assert!(!policy.allows(&TD_A, TcbStatus::OutOfDate), "a status not accepted");

        // Replaced, then removed: the deposit follows, back to where it was.
        assert_ok!(Registry::set_tee_policy(RuntimeOrigin::signed(ALICE), model, vec![TD_B], TcbStatuses::DEFAULT));
        assert_eq!(&TeePolicies::<Test>::get(model).unwrap().measurements[..], &[TD_B]);
        assert_ok!(Registry::set_tee_policy(RuntimeOrigin::signed(ALICE), model, vec![], TcbStatuses::DEFAULT));
        assert!(!TeePolicies::<Test>::contains_key(model));
        assert_eq!(Models::<Test>::get(model).unwrap().deposit, before);
        assert_eq!(held(ALICE), before);
        System::assert_last_event(
            Event::TeePolicySet { model, measurements: 0, statuses: TcbStatuses::DEFAULT, deposit: before }.into(),
        );
    });
}

#[test]
fn bad_policies_get_typed_errors() {
    test(|| {
        let model = registered(true);
        let plain = registered(false);
        let set = |who, model, list: Vec<Measurement>, statuses| {
            Registry::set_tee_policy(RuntimeOrigin::signed(who), model, list, statuses)
        };
        assert_noop!(set(ALICE, 9, vec![TD_A], TcbStatuses::DEFAULT), Error::<Test>::UnknownModel);
        assert_noop!(set(BOB, model, vec![TD_A], TcbStatuses::DEFAULT), Error::<Test>::NotOwner);
        assert_noop!(set(ALICE, plain, vec![TD_A], TcbStatuses::DEFAULT), Error::<Test>::TeeNotDeclared);
        let four = vec![TD_A, TD_B, ENCLAVE, Measurement::MrEnclave([1; 32])];
        assert_noop!(set(ALICE, model, four, TcbStatuses::DEFAULT), Error::<Test>::TooManyMeasurements);
        assert_noop!(set(ALICE, model, vec![TD_A], TcbStatuses(0)), Error::<Test>::InvalidTcbStatuses);
        let revoked = TcbStatuses::of(&[TcbStatus::UpToDate, TcbStatus::Revoked]);
        assert_noop!(set(ALICE, model, vec![TD_A], revoked), Error::<Test>::InvalidTcbStatuses);
        assert_noop!(set(ALICE, model, vec![TD_A], TcbStatuses(1 << 15)), Error::<Test>::InvalidTcbStatuses);
        assert_noop!(
            Registry::set_tee_policy(frame_system::RawOrigin::None.into(), model, vec![TD_A], TcbStatuses::DEFAULT),
            DispatchError::BadOrigin
        );
    });
}

#[test]
fn try_state_catches_a_policy_of_a_model_without_tee() {
    new_test_ext().execute_with(|| {
        let plain = registered(false);
        let policy = StoredTeePolicy { measurements: vec![TD_A].try_into().unwrap(), statuses: TcbStatuses::DEFAULT };
        TeePolicies::<Test>::insert(plain, policy);
        assert!(Registry::do_try_state().is_err());
    });
}
