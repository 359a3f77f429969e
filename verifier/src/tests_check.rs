//! Unit and property tests of the output checks and the wire encoding.

use crate::{
    wire::{self, NamedTensor, Spec, WireError},
    *,
};
use alloc::{string::String, vec, vec::Vec};
use proptest::prelude::*;

fn t(shape: &[usize], data: &[f32]) -> TensorData {
    TensorData::f32(shape.to_vec(), data.to_vec())
}

fn cmp(check: &OutputCheck, executor: &TensorData, mine: &TensorData) -> Result<(), Mismatch> {
    compare(check, &executor.view(), &mine.view())
}

const VALUES: OutputCheck = OutputCheck::with_decision(Decision::Values);
const ARGMAX: OutputCheck = OutputCheck::with_decision(Decision::Argmax);

#[test]
fn elementwise_sees_any_edit_beyond_the_noise() {
    let mine = t(&[1, 4], &[0.5, -2.0, 1.0, 0.25]);
    // 100 ppm of a scale of 2.0 is 2e-4.
    assert_eq!(cmp(&VALUES, &t(&[1, 4], &[0.5001, -2.0001, 1.0, 0.25]), &mine), Ok(()));
    assert_eq!(cmp(&VALUES, &t(&[1, 4], &[0.5, -2.0, 1.0003, 0.25]), &mine), Err(Mismatch::Element { index: 2 }));
    assert_eq!(cmp(&VALUES, &t(&[4, 1], &[0.5, -2.0, 1.0, 0.25]), &mine), Err(Mismatch::Shape));
    assert_eq!(cmp(&VALUES, &t(&[1, 4], &[0.5, f32::NAN, 1.0, 0.25]), &mine), Err(Mismatch::NonFinite));
    let ints = TensorData { shape: vec![2], data: Data::I64(vec![3, 4]) };
    assert_eq!(cmp(&VALUES, &ints, &mine), Err(Mismatch::DType));
    let other = TensorData { shape: vec![2], data: Data::I64(vec![3, 5]) };
    assert_eq!(cmp(&VALUES, &other, &ints), Err(Mismatch::Element { index: 1 }), "integers compare exactly");
}

#[test]
fn argmax_allows_ties_within_the_noise_and_nothing_else() {
    let by_class = OutputCheck { elementwise: false, ..ARGMAX };
    let mine = t(&[2, 3], &[1.0, 0.99995, -1.0, 0.1, 0.9, 0.2]);
    // Row 0 is a tie within 2d = 2e-4: either class is an honest answer.
    assert_eq!(cmp(&by_class, &t(&[2, 3], &[0.9999, 1.0, -1.0, 0.1, 0.9, 0.2]), &mine), Ok(()));
    // Row 1's class changes from 1 to 2: caught, however small the edit looks.
    assert_eq!(cmp(&by_class, &t(&[2, 3], &[1.0, 0.9, -1.0, 0.1, 0.9, 0.95]), &mine), Err(Mismatch::Class { row: 1, class: 2 }));
}

#[test]
fn threshold_binds_the_map_up_to_the_noise() {
    let map = OutputCheck { elementwise: false, ..OutputCheck::with_decision(Decision::Threshold { at_micros: 300_000 }) };
    let mine = t(&[1, 1, 2, 2], &[0.9, 0.30001, 0.1, 0.0]);
    // 0.30001 is within the noise of the threshold: either side is honest.
    assert_eq!(cmp(&map, &t(&[1, 1, 2, 2], &[0.9, 0.29999, 0.1, 0.0]), &mine), Ok(()));
    // Erasing the confident pixel is not.
    assert_eq!(cmp(&map, &t(&[1, 1, 2, 2], &[0.2, 0.3, 0.1, 0.0]), &mine), Err(Mismatch::Threshold { index: 0 }));
    // Lowering it without crossing is invisible to the map alone, but not to
    // the default check, which is also elementwise.
    let lowered = t(&[1, 1, 2, 2], &[0.31, 0.30001, 0.1, 0.0]);
    assert_eq!(cmp(&map, &lowered, &mine), Ok(()));
    assert!(cmp(&OutputCheck { elementwise: true, ..map }, &lowered, &mine).is_err());
}

#[test]
fn register_proposes_a_check_that_binds_the_meaning() {
    assert_eq!(default_check(DType::F32, &[-1, 10]).decision, Decision::Argmax);
    assert_eq!(default_check(DType::F32, &[1, 40, 6625]).decision, Decision::Argmax);
    assert_eq!(default_check(DType::F32, &[1, 1, -1, -1]).decision, Decision::Threshold { at_micros: 500_000 });
    assert_eq!(default_check(DType::F32, &[1, 384]).decision, Decision::Argmax);
    assert_eq!(default_check(DType::F32, &[1, -1, -1, 3]).decision, Decision::Values);
    assert!(default_check(DType::F32, &[1, 1]).elementwise);
    assert!(OutputCheck { elementwise: false, ..VALUES }.is_valid() == false);
    assert!(!OutputCheck { tolerance_ppm: MAX_TOLERANCE + 1, ..VALUES }.is_valid());
}

const MAX_TOLERANCE: u32 = check::MAX_TOLERANCE_PPM;

fn named(name: &str, tensor: TensorData) -> NamedTensor {
    NamedTensor { name: String::from(name), tensor }
}

#[test]
fn wire_round_trips_and_fit_refuses_what_no_model_can_run() {
    let x = named("x", t(&[1, 3], &[1.0, 2.0, 3.0]));
    let ids = named("ids", TensorData { shape: vec![1, 2], data: Data::I64(vec![7, 9]) });
    let bytes = wire::encode(&[ids.clone(), x.clone()]);
    assert_eq!(wire::decode(&bytes), Ok(vec![ids.clone(), x.clone()]));
    let specs = [Spec { name: "x", dtype: DType::F32, shape: &[-1, 3] }, Spec { name: "ids", dtype: DType::I64, shape: &[1, 2] }];
    assert_eq!(wire::fit(&specs, &bytes), Ok(vec![x.tensor.clone(), ids.tensor.clone()]), "in the model's order");

    let fits = |tensors: &[NamedTensor]| wire::fit(&specs, &wire::encode(tensors));
    assert_eq!(fits(&[x.clone()]), Err(WireError::MissingInput("ids".into())));
    assert_eq!(fits(&[x.clone(), ids.clone(), named("y", t(&[1], &[0.0]))]), Err(WireError::UnknownInput("y".into())));
    assert_eq!(fits(&[x.clone(), x.clone(), ids.clone()]), Err(WireError::Duplicate("x".into())));
    assert!(matches!(fits(&[named("x", t(&[1, 4], &[0.0; 4])), ids.clone()]), Err(WireError::WrongShape { .. })));
    assert_eq!(fits(&[named("x", t(&[0, 3], &[])), ids.clone()]), Err(WireError::EmptyDimension("x".into())));
    assert_eq!(fits(&[named("x", t(&[1, 3], &[1.0, f32::NAN, 0.0])), ids.clone()]), Err(WireError::NonFinite("x".into())));
    assert_eq!(fits(&[named("x", t(&[1, 3], &[1.0, f32::INFINITY, 0.0])), ids.clone()]), Err(WireError::NonFinite("x".into())));
    let as_float = named("ids", t(&[1, 2], &[7.0, 9.0]));
    assert!(matches!(fits(&[x.clone(), as_float]), Err(WireError::WrongType { .. })));
    assert_eq!(wire::fit(&specs, b"not tensors"), Err(WireError::Malformed));
    let mut trailing = bytes.clone();
    trailing.push(0);
    assert_eq!(wire::decode(&trailing), Err(WireError::Malformed));
}

fn floats(len: usize) -> impl Strategy<Value = Vec<f32>> {
    proptest::collection::vec(-100.0f32..100.0, len)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Two honest runs differ by at most the tolerance in every element; no
    /// check may ever tell them apart, whatever the output's ties.
    #[test]
    fn honest_outputs_always_pass_every_check(
        rows in 1usize..4, classes in 2usize..12, data in floats(48), noise in proptest::collection::vec(-1.0f64..1.0, 48),
        threshold in -50_000_000i32..50_000_000, tie in any::<bool>(),
    ) {
        let n = rows * classes;
        let mut mine: Vec<f32> = data[..n].to_vec();
        if tie {
            // A crafted near-tie: the two best classes of row 0 one noise step apart.
            mine[1] = mine[0];
        }
        let scale = mine.iter().fold(0.0f64, |s, x| s.max((*x as f64).abs()));
        let d = OutputCheck::DEFAULT_TOLERANCE_PPM as f64 * 1e-6 * scale;
        let exec: Vec<f32> = mine.iter().zip(&noise).map(|(x, u)| (*x as f64 + 0.99 * d * u) as f32).collect();
        let (e, m) = (t(&[rows, classes], &exec), t(&[rows, classes], &mine));
        for decision in [Decision::Values, Decision::Argmax, Decision::Threshold { at_micros: threshold }] {
            for elementwise in [true, false] {
                let check = OutputCheck { elementwise, ..OutputCheck::with_decision(decision) };
                if check.is_valid() {
                    prop_assert_eq!(cmp(&check, &e, &m), Ok(()), "{:?}", check);
                }
            }
        }
    }

    /// An element moved by more than twice the noise is always caught by the
    /// elementwise check.
    #[test]
    fn any_edit_beyond_the_noise_is_caught(data in floats(64), at in 0usize..64, sign in any::<bool>(), extra in 2.01f64..1e4) {
        let scale = data.iter().fold(0.0f64, |s, x| s.max((*x as f64).abs()));
        prop_assume!(scale > 1e-3);
        let d = OutputCheck::DEFAULT_TOLERANCE_PPM as f64 * 1e-6 * scale;
        let mut edited = data.clone();
        edited[at] = (edited[at] as f64 + if sign { extra * d } else { -extra * d }) as f32;
        prop_assume!(((edited[at] as f64) - data[at] as f64).abs() > d);
        prop_assert!(cmp(&VALUES, &t(&[64], &edited), &t(&[64], &data)).is_err());
    }

    /// A changed class that is not a tie within the noise is caught by the
    /// class check alone.
    #[test]
    fn a_changed_class_is_caught(data in floats(10), to in 0usize..10) {
        let mine = t(&[1, 10], &data);
        let best = (0..10).fold(0, |b, i| if data[i] > data[b] { i } else { b });
        let scale = data.iter().fold(0.0f64, |s, x| s.max((*x as f64).abs()));
        let d = OutputCheck::DEFAULT_TOLERANCE_PPM as f64 * 1e-6 * scale;
        prop_assume!((data[best] as f64 - data[to] as f64) > 2.0 * d + 1e-9);
        let mut forged = data.clone();
        forged[to] = data[best] + 1.0;
        let by_class = OutputCheck { elementwise: false, ..ARGMAX };
        prop_assert_eq!(cmp(&by_class, &t(&[1, 10], &forged), &mine), Err(Mismatch::Class { row: 0, class: to }));
    }
}
