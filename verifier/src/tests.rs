//! Unit and property tests of the fingerprint families and the majority rule.

use crate::*;
use alloc::{vec, vec::Vec};
use codec::{Decode, Encode, MaxEncodedLen};
use proptest::prelude::*;

/// Deterministic pseudo-random floats with roughly unit spread.
fn vector(seed: u64, len: usize) -> Vec<f32> {
    (0..len as u64).map(|i| (crate::rng::unit(crate::rng::mix(seed ^ (i << 20))) * 4.0 - 2.0) as f32).collect()
}

/// Multiplies every element by `1 + rel * u` with `u` uniform in [-1, 1).
fn jitter(data: &[f32], rel: f64, seed: u64) -> Vec<f32> {
    data.iter()
        .enumerate()
        .map(|(i, x)| {
            let u = crate::rng::unit(crate::rng::mix(seed.wrapping_mul(31) ^ i as u64)) * 2.0 - 1.0;
            (*x as f64 * (1.0 + rel * u)) as f32
        })
        .collect()
}

const KEY: AttemptKey = [7; 32];

fn fp(params: &LshParams, shape: &[usize], data: &[f32]) -> Fingerprint {
    keyed(params, &KEY, shape, data)
}

fn keyed(params: &LshParams, key: &AttemptKey, shape: &[usize], data: &[f32]) -> Fingerprint {
    fingerprint(params, key, &Tensor::F32 { shape, data }).expect("valid tensor")
}

#[test]
fn identical_outputs_give_identical_fingerprints() {
    let p = LshParams::projection(7);
    let v = vector(1, 1000);
    assert_eq!(fp(&p, &[1, 1000], &v), fp(&p, &[1, 1000], &v));
}

#[test]
fn honest_noise_agrees_and_other_outputs_do_not() {
    for params in [LshParams::projection(3), LshParams::perceptual(3)] {
        if params.family == Family::Perceptual {
            continue;
        }
        let v = vector(11, 1000);
        let a = fp(&params, &[1, 1000], &v);
        let honest = fp(&params, &[1, 1000], &jitter(&v, 1e-5, 2));
        let other = fp(&params, &[1, 1000], &vector(12, 1000));
        assert!(agrees(&a, &honest, &params), "distance {}", distance(&a, &honest));
        assert!(!agrees(&a, &other, &params), "distance {}", distance(&a, &other));
    }
}

#[test]
fn different_seeds_give_unrelated_fingerprints() {
    let v = vector(5, 500);
    let a = fp(&LshParams::projection(1), &[500], &v);
    let b = fp(&LshParams::projection(2), &[500], &v);
    assert!(distance(&a, &b) > 200, "distance {}", distance(&a, &b));
}

#[test]
fn truncated_output_is_incomparable() {
    let p = LshParams::projection(9);
    let v = vector(4, 1000);
    let a = fp(&p, &[1000], &v);
    let b = fp(&p, &[999], &v[..999]);
    assert_eq!(distance(&a, &b), INCOMPARABLE);
    assert!(!agrees(&a, &b, &p));
}

#[test]
fn zeroed_output_is_far_from_the_real_one() {
    let p = LshParams::projection(9);
    let v = vector(4, 1000);
    let a = fp(&p, &[1000], &v);
    let z = fp(&p, &[1000], &[0.0; 1000]);
    assert!(!agrees(&a, &z, &p), "distance {}", distance(&a, &z));
}

#[test]
fn every_family_is_keyed_by_the_attempt() {
    let v = vector(5, 2000);
    let p = LshParams::projection(1);
    let (a, b) = (keyed(&p, &[1; 32], &[2000], &v), keyed(&p, &[2; 32], &[2000], &v));
    assert!(distance(&a, &b) > 200 || distance(&a, &b) == INCOMPARABLE, "distance {}", distance(&a, &b));
    assert_eq!(a, keyed(&p, &[1; 32], &[2000], &v), "one key, one function");

    let img = image(3, 48, 48);
    let q = LshParams::perceptual(0);
    let (a, b) = (keyed(&q, &[1; 32], &[48, 48, 3], &img), keyed(&q, &[2; 32], &[48, 48, 3], &img));
    assert_ne!(a, b, "the perceptual hash picks its coefficients by key");

    let e = LshParams::exact();
    let t = Tensor::I64 { shape: &[2], data: &[3, 4] };
    assert_ne!(fingerprint(&e, &[1; 32], &t).unwrap(), fingerprint(&e, &[2; 32], &t).unwrap());
}

#[test]
fn a_null_space_edit_is_invisible_under_its_key_and_visible_under_another() {
    // The attack on a public sketch: two elements that share a bucket are
    // shifted so that the bucket does not move. Under the key the attacker
    // aimed at the fingerprint is bit-identical; under the attempt key the
    // chain draws later it is not, and the elementwise check sees it anyway.
    let p = LshParams::projection(11);
    let n = 4 * SKETCH_DIM;
    let v = vector(21, n);
    let aimed: AttemptKey = CALIBRATION_KEY;
    let mut edited = v.clone();
    assert_eq!(null_space_edit(&p, &aimed, &mut edited, SKETCH_DIM), SKETCH_DIM);
    assert_eq!(edited.iter().filter(|x| **x == 0.0).count(), SKETCH_DIM, "the strongest elements are erased");
    let d = distance(&keyed(&p, &aimed, &[n], &v), &keyed(&p, &aimed, &[n], &edited));
    assert!(d <= 2, "under the aimed key the edit is invisible: distance {d}");
    let fresh = distance(&keyed(&p, &[9; 32], &[n], &v), &keyed(&p, &[9; 32], &[n], &edited));
    assert!(fresh > p.tolerance as u32, "under a fresh key it is caught: distance {fresh}");
    let check = OutputCheck::with_decision(Decision::Values);
    let (t, e) = (Tensor::F32 { shape: &[n], data: &v }, Tensor::F32 { shape: &[n], data: &edited });
    assert!(compare(&check, &e, &t).is_err());
}

#[test]
fn a_cannot_run_answer_is_the_same_for_every_seat_and_unlike_any_output() {
    let p = LshParams::projection(3);
    let a = cannot_run(&p, &KEY, CannotRun::TooSlow);
    assert_eq!(a, cannot_run(&p, &KEY, CannotRun::TooSlow));
    assert!(agrees(&a, &cannot_run(&p, &KEY, CannotRun::TooSlow), &p));
    assert!(!agrees(&a, &cannot_run(&p, &KEY, CannotRun::InvalidInput), &p));
    assert!(!agrees(&a, &fp(&p, &[100], &vector(1, 100)), &p));
}

#[test]
fn exact_family_is_bit_exact() {
    let p = LshParams::exact();
    let tokens = [101i64, 2054, 2003, 102];
    let a = fingerprint(&p, &KEY, &Tensor::I64 { shape: &[1, 4], data: &tokens }).unwrap();
    let b = fingerprint(&p, &KEY, &Tensor::I64 { shape: &[1, 4], data: &tokens }).unwrap();
    let c = fingerprint(&p, &KEY, &Tensor::I64 { shape: &[1, 4], data: &[101, 2054, 2003, 103] }).unwrap();
    let as_bytes = fingerprint(&p, &KEY, &Tensor::U8 { shape: &[32], data: &[0u8; 32] }).unwrap();
    assert!(agrees(&a, &b, &p));
    assert!(!agrees(&a, &c, &p));
    assert_ne!(a.decision, as_bytes.decision);
}

fn image(seed: u64, h: usize, w: usize) -> Vec<f32> {
    // Smooth structure plus pixel texture, like a natural image.
    let n = vector(seed, 16);
    let texture = vector(seed ^ 0xface, h * w * 3);
    (0..h * w * 3)
        .map(|i| {
            let (y, x) = ((i / 3) / w, (i / 3) % w);
            let (fy, fx) = (y as f32 / h as f32, x as f32 / w as f32);
            let smooth = n[0] * libm::sinf(6.0 * fy + n[1]) + n[2] * libm::cosf(5.0 * fx + n[3]) + n[4] * fx * fy;
            smooth * 50.0 + texture[i] * 15.0 + 128.0
        })
        .collect()
}

#[test]
fn perceptual_hash_tolerates_pixel_noise_and_separates_images() {
    let p = LshParams::perceptual(0);
    let img = image(1, 64, 48);
    let a = fp(&p, &[64, 48, 3], &img);
    let noisy = fp(&p, &[64, 48, 3], &jitter(&img, 1e-3, 9));
    let other = fp(&p, &[64, 48, 3], &image(2, 64, 48));
    assert!(agrees(&a, &noisy, &p), "distance {}", distance(&a, &noisy));
    assert!(!agrees(&a, &other, &p), "distance {}", distance(&a, &other));
    let batched = fp(&p, &[1, 64, 48, 3], &img);
    assert_eq!(a.bits, batched.bits);
}

#[test]
fn bad_inputs_get_typed_errors() {
    let p = LshParams::projection(1);
    assert_eq!(
        fingerprint(&p, &KEY, &Tensor::F32 { shape: &[2, 3], data: &[1.0; 5] }),
        Err(FingerprintError::ShapeMismatch { elements: 5, expected: 6 })
    );
    assert_eq!(fingerprint(&p, &KEY, &Tensor::F32 { shape: &[0], data: &[] }), Err(FingerprintError::Empty));
    assert_eq!(fingerprint(&p, &KEY, &Tensor::F32 { shape: &[2], data: &[1.0, f32::NAN] }), Err(FingerprintError::NonFinite));
    assert_eq!(fingerprint(&p, &KEY, &Tensor::I64 { shape: &[1], data: &[1] }), Err(FingerprintError::NeedsFloat));
    assert_eq!(
        fingerprint(&LshParams::perceptual(1), &KEY, &Tensor::F32 { shape: &[4, 4], data: &[1.0; 16] }),
        Err(FingerprintError::NotAnImage)
    );
    let mut bad = p;
    bad.bits = 1030;
    assert_eq!(bad.validate(), Err(ParamsError::BitsOutOfRange));
    bad.bits = 1022;
    assert_eq!(bad.validate(), Err(ParamsError::BitsNotMultipleOfSymbol));
    bad.bits = 64;
    assert_eq!(bad.validate(), Err(ParamsError::BitsOutOfRange), "a lattice needs bits besides its norm binding");
    bad.bits = 80;
    bad.tolerance = 40;
    assert_eq!(bad.validate(), Err(ParamsError::ToleranceTooLarge));
}

#[test]
fn scaled_outputs_do_not_agree() {
    // Projections divided by the norm cannot see scale; the norm bits must.
    let p = LshParams::projection(4);
    for n in [10, 5000] {
        let v = vector(11, n);
        let a = fp(&p, &[n], &v);
        for factor in [1.03f32, 0.97, 2.0, 0.5] {
            let w: Vec<f32> = v.iter().map(|x| x * factor).collect();
            let d = distance(&a, &fp(&p, &[n], &w));
            assert!(d > p.tolerance as u32, "x{factor} on {n} elements: distance {d}");
        }
        let zeros = vec![0.0; n];
        let tiny: Vec<f32> = v.iter().map(|x| x * 1e-20).collect();
        let d = distance(&fp(&p, &[n], &zeros), &fp(&p, &[n], &tiny));
        assert!(d > p.tolerance as u32, "all zeros vs a tiny output on {n} elements: distance {d}");
    }
}

#[test]
fn fingerprints_from_other_params_never_agree() {
    let p = LshParams::projection(1);
    let mut q = p;
    q.version = p.version + 1;
    let v = vector(3, 100);
    let a = fp(&p, &[100], &v);
    let b = fp(&q, &[100], &v);
    assert_eq!(distance(&a, &b), INCOMPARABLE);
    assert!(!agrees(&a, &a, &q));
}

fn f(tag: u8) -> Fingerprint {
    let mut x = Fingerprint::empty(&LshParams::projection(0));
    x.bits = [tag; FINGERPRINT_BYTES];
    x
}

#[test]
fn majority_accepts_rejects_and_abstains() {
    use Vote::{Match, Mismatch};
    let p = LshParams::projection(0);
    let (good, bad, other) = (f(0), f(0xff), f(0x0f));
    let v = majority(Some(&good), [Some((&good, Match)), Some((&good, Match)), Some((&bad, Mismatch))], &p);
    assert_eq!(v, Verdict { outcome: Outcome::Accepted, executor_in_majority: true, verifiers_in_majority: [true, true, false] });

    let v = majority(Some(&bad), [Some((&good, Mismatch)), None, Some((&good, Mismatch))], &p);
    assert_eq!(
        v,
        Verdict { outcome: Outcome::Rejected, executor_in_majority: false, verifiers_in_majority: [true, false, true] }
    );

    // A withheld output is opposed by every verifier that revealed.
    let v = majority(None, [Some((&good, Mismatch)), Some((&good, Mismatch)), Some((&good, Mismatch))], &p);
    assert_eq!(v.outcome, Outcome::Rejected);

    // Fingerprints agree but two verifiers saw a local edit: rejected.
    let v = majority(Some(&good), [Some((&good, Mismatch)), Some((&good, Mismatch)), Some((&good, Match))], &p);
    assert_eq!(
        v,
        Verdict { outcome: Outcome::Rejected, executor_in_majority: false, verifiers_in_majority: [true, true, false] }
    );

    // A vote alone is not enough: a verifier whose fingerprint disagrees did
    // not compute what the executor did, whatever it votes.
    let v = majority(Some(&good), [Some((&bad, Match)), Some((&other, Match)), Some((&good, Match))], &p);
    assert_eq!(v.outcome, Outcome::Inconclusive);

    let v = majority(Some(&good), [Some((&good, Match)), None, None], &p);
    assert_eq!(v, Verdict { outcome: Outcome::Inconclusive, executor_in_majority: false, verifiers_in_majority: [false; 3] });
}

#[test]
fn one_verifier_confirms_but_never_overrules() {
    use Vote::{Match, Mismatch};
    let p = LshParams::projection(0);
    let (good, bad) = (f(0), f(0xff));
    let accepted =
        Verdict { outcome: Outcome::Accepted, executor_in_majority: true, verifiers_in_majority: [true, false, false] };
    let inconclusive = Verdict { outcome: Outcome::Inconclusive, executor_in_majority: false, verifiers_in_majority: [false; 3] };
    assert_eq!(pair(Some(&good), Some((&good, Match)), &p), accepted);
    // A verifier that disagrees, by fingerprint or by vote, cannot reject alone.
    assert_eq!(pair(Some(&good), Some((&good, Mismatch)), &p), inconclusive);
    assert_eq!(pair(Some(&good), Some((&bad, Match)), &p), inconclusive);
    assert_eq!(pair(Some(&bad), Some((&good, Mismatch)), &p), inconclusive);
    // Nothing revealed on either side decides nothing.
    assert_eq!(pair(None, Some((&good, Match)), &p), inconclusive);
    assert_eq!(pair(Some(&good), None, &p), inconclusive);
    // Fingerprints under other parameters never agree.
    let mut foreign = good;
    foreign.version = good.version.wrapping_add(1);
    assert_eq!(pair(Some(&good), Some((&foreign, Match)), &p), inconclusive);
}

#[test]
fn max_encoded_len_is_fixed_and_small() {
    assert_eq!(Fingerprint::max_encoded_len(), f(1).encode().len());
    assert!(Fingerprint::max_encoded_len() <= 170);
    assert!(LshParams::max_encoded_len() <= 24);
    assert!(OutputCheck::max_encoded_len() <= 12);
}

fn arb_fingerprint() -> impl Strategy<Value = Fingerprint> {
    (proptest::collection::vec(any::<u8>(), FINGERPRINT_BYTES), any::<u8>()).prop_map(|(bits, d)| {
        let mut x = Fingerprint::empty(&LshParams::projection(0));
        x.bits.copy_from_slice(&bits);
        x.decision[0] = d % 2;
        x
    })
}

/// A fingerprint at most `max_flips` bits away from `base`.
fn near(base: Fingerprint, flips: Vec<u16>) -> Fingerprint {
    let mut x = base;
    for b in flips {
        x.bits[b as usize / 8] ^= 1 << (b % 8);
    }
    x
}

fn refs(x: &Option<(Fingerprint, Vote)>) -> Option<(&Fingerprint, Vote)> {
    x.as_ref().map(|(f, v)| (f, *v))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn distance_is_symmetric_and_zero_on_self(a in arb_fingerprint(), b in arb_fingerprint()) {
        prop_assert_eq!(distance(&a, &a), 0);
        prop_assert_eq!(distance(&a, &b), distance(&b, &a));
    }

    #[test]
    fn fingerprint_is_invariant_under_noise_below_tolerance(
        seed in any::<u64>(), data_seed in any::<u64>(), len in 16usize..4000, rel_exp in 6.0f64..8.0,
    ) {
        // Relative noise of 1e-6..1e-8: float rounding of another host.
        let params = LshParams::projection(seed);
        let v = vector(data_seed, len);
        let a = fp(&params, &[len], &v);
        let b = fp(&params, &[len], &jitter(&v, libm::pow(10.0, -rel_exp), data_seed ^ 1));
        prop_assert!(agrees(&a, &b, &params), "distance {}", distance(&a, &b));
    }

    #[test]
    fn majority_is_symmetric_in_verifier_order(
        base in arb_fingerprint(),
        votes in proptest::collection::vec(any::<bool>(), 3),
        e in proptest::collection::vec(0u16..1024, 0..12),
        v0 in proptest::collection::vec(0u16..1024, 0..12),
        v1 in proptest::collection::vec(0u16..1024, 0..12),
        v2 in proptest::collection::vec(0u16..1024, 0..12),
        present in proptest::collection::vec(any::<bool>(), 4),
        perm in 0usize..6,
    ) {
        let params = LshParams::projection(0);
        let e = near(base, e);
        let vs = [near(base, v0), near(base, v1), near(base, v2)];
        let vote = |i: usize| if votes[i] { Vote::Match } else { Vote::Mismatch };
        let exec = present[3].then_some(e);
        let given = [0, 1, 2].map(|i| present[i].then_some((vs[i], vote(i))));
        let order = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]][perm];
        let v = majority(exec.as_ref(), given.each_ref().map(|x| refs(x)), &params);
        let permuted = order.map(|i| refs(&given[i]));
        let w = majority(exec.as_ref(), permuted, &params);
        prop_assert_eq!(v.outcome, w.outcome);
        prop_assert_eq!(v.executor_in_majority, w.executor_in_majority);
        prop_assert_eq!(order.map(|i| v.verifiers_in_majority[i]), w.verifiers_in_majority);
        // Decisive outcomes always have a majority of at least two verifiers.
        if v.outcome != Outcome::Inconclusive {
            prop_assert!(v.verifiers_in_majority.iter().filter(|x| **x).count() >= 2);
        }
    }

    #[test]
    fn two_honest_verifiers_accept_an_honest_executor_whatever_the_third_does(
        base in arb_fingerprint(),
        noise in proptest::collection::vec(proptest::collection::vec(0u16..1024, 0..6), 3),
        third in arb_fingerprint(),
        third_vote in any::<bool>(),
        seat in 0usize..3,
    ) {
        // Honest seats are within half the tolerance of the truth.
        let params = LshParams::projection(0);
        let truth = near(base, noise[0].clone());
        let honest = [near(base, noise[1].clone()), near(base, noise[2].clone())];
        let third_vote = if third_vote { Vote::Match } else { Vote::Mismatch };
        let mut others = honest.iter();
        let given: [Option<(&Fingerprint, Vote)>; 3] = core::array::from_fn(|i| {
            if i == seat { Some((&third, third_vote)) } else { others.next().map(|h| (h, Vote::Match)) }
        });
        prop_assert_eq!(majority(Some(&truth), given, &params).outcome, Outcome::Accepted);
        // And a withheld output with the same two honest verifiers is caught.
        let withheld = given.map(|g| g.map(|(f, _)| (f, Vote::Mismatch)));
        prop_assert_eq!(majority(None, withheld, &params).outcome, Outcome::Rejected);
    }

    #[test]
    fn encoding_round_trips(f in arb_fingerprint(), seed in any::<u64>(), tol in 0u16..100) {
        prop_assert_eq!(Fingerprint::decode(&mut &f.encode()[..]).unwrap(), f);
        for p in [LshParams::projection(seed), LshParams::perceptual(seed), LshParams::exact()] {
            let mut p = p;
            p.tolerance = tol;
            prop_assert_eq!(LshParams::decode(&mut &p.encode()[..]).unwrap(), p);
        }
        let v = Verdict { outcome: Outcome::Rejected, executor_in_majority: false, verifiers_in_majority: [true, false, true] };
        prop_assert_eq!(Verdict::decode(&mut &v.encode()[..]).unwrap(), v);
    }
}
