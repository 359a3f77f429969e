//! How a verifier compares the executor's posted output with its own.
//!
//! A fingerprint shows that a verifier computed something close to the
//! executor's output; it cannot see a small, local edit (one erased text box
//! in a large detection map moves a random projection less than honest
//! noise moves it somewhere else). So every verifier also holds its own full
//! output and, once the executor's output is posted, compares the two with
//! the model's registered [`OutputCheck`], and votes.
//!
//! ## What "the same output" means
//!
//! Honest runtimes differ by numerical noise: measured up to `2e-5` of a
//! tensor's scale across thread counts, graph optimizations and CPU
//! instruction sets. An [`OutputCheck`] names a bound `d = tolerance x scale`
//! on that noise, where the scale is the largest magnitude in the verifier's
//! own tensor, and then:
//!
//! - **elementwise**: every element of the executor's tensor is within `d` of
//!   the verifier's. Any edit larger than noise, anywhere, is a mismatch.
//! - **decision**, with ties inside the noise allowed:
//!   - [`Decision::Argmax`] (classifiers; CTC and token logits, one row per
//!     step): the executor's best class in each row along the last axis
//!     scores within `2d` of the verifier's best. Two honest runs can only
//!     pick different classes when those classes are within `2d` of each
//!     other, so a crafted near-tie never splits honest seats, and a changed
//!     class that is not a tie is always caught.
//!   - [`Decision::Threshold`] (detection and segmentation maps): every
//!     element the executor has above the threshold is above `t - d` in the
//!     verifier's, and every element it has at or below is at or below
//!     `t + d`.
//!
//! Integer and byte tensors carry no float noise: they must be equal, bit
//! for bit, whatever the check says.
//!
//! [`compare`] is a pure function of the two tensors and the check, so
//! auditors and the calibration harness run exactly what workers run.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::tensor::{DType, Tensor};

/// The most a tolerance may be: the whole scale. Beyond it nothing would be compared.
pub const MAX_TOLERANCE_PPM: u32 = 1_000_000;

/// What a model's output means, beyond its values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum Decision {
    /// Only the values count (embeddings, images, regression outputs).
    Values,
    /// The index of the largest value along the last axis, row by row.
    Argmax,
    /// Which elements lie above a threshold.
    Threshold {
        /// The threshold, in millionths.
        at_micros: i32,
    },
}

/// How the executor's output tensor is compared with a verifier's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct OutputCheck {
    /// The largest difference between two honest runs, in millionths of the
    /// scale (the largest magnitude in the verifier's tensor).
    pub tolerance_ppm: u32,
    /// Whether every element must lie within the tolerance.
    pub elementwise: bool,
    /// The model's decision, compared with ties within the tolerance allowed.
    pub decision: Decision,
}

impl OutputCheck {
    /// The default tolerance: five times the largest honest difference
    /// measured (`2e-5` of the scale).
    pub const DEFAULT_TOLERANCE_PPM: u32 = 100;

    /// Every element within the default tolerance, and `decision`.
    pub const fn with_decision(decision: Decision) -> Self {
        OutputCheck { tolerance_ppm: Self::DEFAULT_TOLERANCE_PPM, elementwise: true, decision }
    }

    /// Whether the check compares anything: a tolerance within the scale, and
    /// the values or a decision to compare.
    pub fn is_valid(&self) -> bool {
        self.tolerance_ppm <= MAX_TOLERANCE_PPM && (self.elementwise || self.decision != Decision::Values)
    }
}

/// Why the executor's output is not the verifier's, up to noise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "std", derive(thiserror::Error))]
pub enum Mismatch {
    /// Different element types.
    #[cfg_attr(feature = "std", error("element type differs"))]
    DType,
    /// Different shapes.
    #[cfg_attr(feature = "std", error("shape differs"))]
    Shape,
    /// The executor's tensor holds NaN or infinity.
    #[cfg_attr(feature = "std", error("the executor's output is not finite"))]
    NonFinite,
    /// An element differs by more than the tolerance (or at all, for integers).
    #[cfg_attr(feature = "std", error("element {index} differs beyond the tolerance"))]
    Element {
        /// Its flat index.
        index: usize,
    },
    /// A row's best class is not among the verifier's best within the noise.
    #[cfg_attr(feature = "std", error("row {row}: class {class} is not the best class within the noise"))]
    Class {
        /// The row.
        row: usize,
        /// The executor's class.
        class: usize,
    },
    /// An element lies on the other side of the threshold beyond the noise.
    #[cfg_attr(feature = "std", error("element {index} is on the other side of the threshold"))]
    Threshold {
        /// Its flat index.
        index: usize,
    },
}

/// Compares the executor's tensor with the verifier's own under `check`.
pub fn compare(check: &OutputCheck, executor: &Tensor<'_>, mine: &Tensor<'_>) -> Result<(), Mismatch> {
    if executor.dtype() != mine.dtype() {
        return Err(Mismatch::DType);
    }
    if executor.shape() != mine.shape() || executor.len() != mine.len() {
        return Err(Mismatch::Shape);
    }
    let (e, m) = match (executor, mine) {
        (Tensor::F32 { data: e, .. }, Tensor::F32 { data: m, .. }) => (*e, *m),
        (Tensor::I64 { data: e, .. }, Tensor::I64 { data: m, .. }) => return first_difference(e, m),
        (Tensor::U8 { data: e, .. }, Tensor::U8 { data: m, .. }) => return first_difference(e, m),
        _ => return Err(Mismatch::DType),
    };
    if !crate::tensor::all_finite(e) {
        return Err(Mismatch::NonFinite);
    }
    let scale = m.iter().fold(0.0f64, |s, x| s.max(libm::fabs(*x as f64)));
    let d = check.tolerance_ppm as f64 * 1e-6 * scale;
    if check.elementwise {
        if let Some(index) = e.iter().zip(m).position(|(a, b)| !(libm::fabs(*a as f64 - *b as f64) <= d)) {
            return Err(Mismatch::Element { index });
        }
    }
    match check.decision {
        Decision::Values => Ok(()),
        Decision::Argmax => {
            let row = mine.shape().last().copied().unwrap_or(1).max(1);
            for (r, (er, mr)) in e.chunks(row).zip(m.chunks(row)).enumerate() {
                let class = first_max(er);
                let best = mr.iter().fold(f64::NEG_INFINITY, |s, x| s.max(*x as f64));
                if !(mr[class] as f64 >= best - 2.0 * d) {
                    return Err(Mismatch::Class { row: r, class });
                }
            }
            Ok(())
        },
        Decision::Threshold { at_micros } => {
            let t = at_micros as f64 * 1e-6;
            let flipped = e.iter().zip(m).position(|(a, b)| {
                let (a, b) = (*a as f64, *b as f64);
                if a > t {
                    !(b > t - d)
                } else {
                    !(b <= t + d)
                }
            });
            flipped.map_or(Ok(()), |index| Err(Mismatch::Threshold { index }))
        },
    }
}

fn first_difference<T: PartialEq>(e: &[T], m: &[T]) -> Result<(), Mismatch> {
    match e.iter().zip(m).position(|(a, b)| a != b) {
        Some(index) => Err(Mismatch::Element { index }),
        None => Ok(()),
    }
}

/// Index of the first largest value.
fn first_max(row: &[f32]) -> usize {
    let mut best = 0;
    for (i, x) in row.iter().enumerate() {
        if *x > row[best] {
            best = i;
        }
    }
    best
}

/// The check `triad model register` proposes for an output of this type and
/// shape: integers exactly; float rows of classes (`[N, C]`, `[N, T, C]`) by
/// class; one-channel maps (`[N, 1, H, W]`) by their threshold at 0.5; other
/// float tensors by value. Every float check is also elementwise at the
/// default tolerance.
pub fn default_check(dtype: DType, shape: &[i64]) -> OutputCheck {
    let decision = match (dtype, shape) {
        (DType::F32, [_, c]) | (DType::F32, [_, _, c]) if *c != 1 => Decision::Argmax,
        (DType::F32, [_, 1, _, _]) => Decision::Threshold { at_micros: 500_000 },
        _ => Decision::Values,
    };
    OutputCheck::with_decision(decision)
}
