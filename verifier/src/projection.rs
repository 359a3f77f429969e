//! Float-tensor fingerprints: sketch, randomized Hadamard projections,
//! quantization, and a binding of the output's norm.
//!
//! 1. **Sketch.** Outputs of at most [`SKETCH_DIM`] elements are used as they
//!    are (zero-padded), so nothing is lost. Larger outputs go through a
//!    count-sketch: element `i` is added, with a random sign, to one of
//!    [`SKETCH_DIM`] buckets (`i mod SKETCH_DIM`) with a random sign. That is a sparse random
//!    projection: inner products, and so angles and norms, are preserved in
//!    expectation, at one hash and one add per element.
//! 2. **Projections.** The sketch is multiplied by random signs and then by
//!    the Walsh-Hadamard matrix (a subsampled randomized Hadamard transform).
//!    Each output coordinate is the projection onto one random ±1 hyperplane,
//!    the hyperplanes are mutually orthogonal, and all [`SKETCH_DIM`] of them
//!    cost `d log d` adds instead of `d` per hyperplane. Divided by the sketch
//!    norm, each projection is close to standard normal for any output.
//! 3. **Quantization.** `Sign` keeps the sign (SimHash). `Lattice` cuts the
//!    line into cells `2^-cells_log2` wide at a random offset and Gray-codes the
//!    cell index, so honest noise that nudges a value across one boundary
//!    flips one bit, while a different output lands in unrelated cells.
//! 4. **Norm.** Projections divided by the norm see only the direction, so a
//!    scaled output would look identical. `Lattice` fingerprints therefore end
//!    with [`NORM_BITS`] bits that bind `log2` of the norm: [`NORM_SYMBOLS`]
//!    lattices of [`NORM_CELLS_PER_OCTAVE`] cells per doubling, each at its own
//!    offset, whose cell indices are hashed. Honest noise moves the norm by far
//!    less than a cell (1.1%); an output 2% larger or smaller changes most of
//!    them, and each changed symbol flips two of its four bits on average.
//!
//! The order of every floating-point operation is fixed by this code, so the
//! result depends only on the data, never on the host.

use crate::{
    fingerprint::FINGERPRINT_BYTES,
    params::{LshParams, Quantization},
    rng::{key, mix, unit, Stream},
    tensor::FingerprintError,
};

/// Width of the intermediate sketch and of the Hadamard transform. Large
/// enough that bucket collisions do not distort angles (the distortion shrinks
/// like `1/sqrt(SKETCH_DIM)`), small enough that the transform is negligible.
pub const SKETCH_DIM: usize = 512;
/// Bits at the end of a `Lattice` fingerprint that bind the output's norm.
pub const NORM_BITS: usize = NORM_SYMBOLS * NORM_SYMBOL_BITS;
/// Independent norm lattices.
pub const NORM_SYMBOLS: usize = 16;
const NORM_SYMBOL_BITS: usize = 4;
/// Cells of each norm lattice per doubling of the norm: 1.1% relative width.
pub const NORM_CELLS_PER_OCTAVE: f64 = 64.0;

const SIGN: u64 = 1 << 63;

/// Writes `params.bits` LSH bits of `data` into `bits`.
pub(crate) fn write_bits(params: &LshParams, data: &[f32], bits: &mut [u8; FINGERPRINT_BYTES]) {
    let mut sketch = [0.0f64; SKETCH_DIM];
    if data.len() <= SKETCH_DIM {
        sketch.iter_mut().zip(data).for_each(|(s, x)| *s = *x as f64);
    } else {
        count_sketch(params.seed, data, &mut sketch);
    }
    let norm = libm::sqrt(sum_of_squares(&sketch));
    let projections = params.projections();
    let offsets = key(params.seed, Stream::Offset);
    let mut out = BitWriter { bits, at: 0, acc: 0, filled: 0 };
    let mut projected = [0.0f64; SKETCH_DIM];
    for round in 0..projections.div_ceil(SKETCH_DIM) {
        randomized_hadamard(params.seed, round as u64, &sketch, &mut projected);
        let first = round * SKETCH_DIM;
        // A zero output projects to zero everywhere: still a fixed, valid fingerprint.
        let inv = if norm > 0.0 { 1.0 / norm } else { 0.0 };
        match params.quantization {
            Quantization::Sign =>
                for y in projected.iter().take(projections - first) {
                    out.push((*y * inv >= 0.0) as u64, 1);
                },
            Quantization::Lattice { cells_log2, symbol_bits } => {
                let scale = (1u64 << cells_log2) as f64 * inv;
                let mask = (1u64 << symbol_bits) - 1;
                for (r, y) in projected.iter().enumerate().take(projections - first) {
                    let offset = unit(mix(offsets ^ (first + r) as u64));
                    let symbol = (floor_i64(y * scale + offset) as u64) & mask;
                    out.push(symbol ^ (symbol >> 1), symbol_bits as u32);
                }
            },
        }
    }
    if matches!(params.quantization, Quantization::Lattice { .. }) {
        write_norm(params.seed, norm, &mut out);
    }
    out.flush();
}

/// Appends little-endian bit fields to the fingerprint a byte at a time.
struct BitWriter<'a> {
    bits: &'a mut [u8; FINGERPRINT_BYTES],
    at: usize,
    acc: u64,
    filled: u32,
}

impl BitWriter<'_> {
    fn push(&mut self, value: u64, width: u32) {
        self.acc |= value << self.filled;
        self.filled += width;
        while self.filled >= 8 {
            self.bits[self.at] = self.acc as u8;
            self.at += 1;
            self.acc >>= 8;
            self.filled -= 8;
        }
    }

    fn flush(&mut self) {
        if self.filled > 0 {
            self.bits[self.at] = self.acc as u8;
        }
    }
}

fn write_norm(seed: u64, norm: f64, out: &mut BitWriter<'_>) {
    let keys = key(seed, Stream::Norm);
    for s in 0..NORM_SYMBOLS {
        let offset = unit(mix(keys ^ (s as u64) << 32));
        // An all-zero output has no logarithm; it gets a cell no norm can reach.
        let cell = if norm > 0.0 {
            floor_i64(libm::log2(norm) * NORM_CELLS_PER_OCTAVE + offset)
        } else {
            i64::MIN
        };
        let symbol = mix(keys ^ mix(cell as u64 ^ s as u64)) & ((1 << NORM_SYMBOL_BITS) - 1);
        out.push(symbol, NORM_SYMBOL_BITS as u32);
    }
}

/// `floor` for values far inside the `i64` range (projections are bounded by
/// `sqrt(SKETCH_DIM)` standard deviations): a cast plus a correction, which is
/// exact and much cheaper than a general `floor`.
#[inline(always)]
fn floor_i64(v: f64) -> i64 {
    let t = v as i64;
    t - (v < t as f64) as i64
}

fn sum_of_squares(v: &[f64; SKETCH_DIM]) -> f64 {
    // Four fixed lanes: a fixed order that still pipelines.
    let mut lanes = [0.0f64; 4];
    for chunk in v.chunks_exact(4) {
        for (l, x) in lanes.iter_mut().zip(chunk) {
            *l += x * x;
        }
    }
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
}

/// `out = H · D_round · v`: random signs from the seed, then an in-place
/// Walsh-Hadamard butterfly. Every output is a ±1 hyperplane projection.
fn randomized_hadamard(seed: u64, round: u64, v: &[f64; SKETCH_DIM], out: &mut [f64; SKETCH_DIM]) {
    let planes = key(seed, Stream::Hyperplane);
    for (w, (chunk, o)) in v.chunks_exact(64).zip(out.chunks_exact_mut(64)).enumerate() {
        let signs = mix(planes ^ (round << 32 | w as u64));
        for (b, (x, y)) in chunk.iter().zip(o.iter_mut()).enumerate() {
            *y = f64::from_bits(x.to_bits() ^ ((signs >> b) << 63 & SIGN));
        }
    }
    let mut h = 1;
    while h < SKETCH_DIM {
        for block in out.chunks_exact_mut(2 * h) {
            let (lo, hi) = block.split_at_mut(h);
            for (a, b) in lo.iter_mut().zip(hi.iter_mut()) {
                let (x, y) = (*a, *b);
                *a = x + y;
                *b = x - y;
            }
        }
        h *= 2;
    }
}

/// Elements whose signs one 64-bit hash supplies (one byte each).
const SIGNS_PER_HASH: usize = 8;

fn count_sketch(seed: u64, data: &[f32], sketch: &mut [f64; SKETCH_DIM]) {
    let buckets = key(seed, Stream::Bucket);
    // Element `i` lands in bucket `i mod SKETCH_DIM` with a random sign. With
    // random signs the sketch preserves inner products in expectation exactly
    // as hashed buckets do, and fixed buckets let the compiler vectorize the
    // loop: a sign is the top bit of one random byte, flipped into the float
    // without a branch. The seed is public either way, so hashed buckets
    // would hide nothing from an adversary.
    let mut signs = [0u8; SKETCH_DIM];
    for (c, chunk) in data.chunks(SKETCH_DIM).enumerate() {
        for (w, bytes) in signs.chunks_exact_mut(SIGNS_PER_HASH).enumerate() {
            let word = mix(buckets ^ ((c * (SKETCH_DIM / SIGNS_PER_HASH) + w) as u64));
            bytes.copy_from_slice(&word.to_le_bytes());
        }
        for ((slot, x), sign) in sketch.iter_mut().zip(chunk).zip(signs.iter()) {
            let flipped = f32::from_bits(x.to_bits() ^ (((*sign >> 7) as u32) << 31));
            *slot += flipped as f64;
        }
    }
}

/// Hashes, for every row along the last axis, the indices of its `k` largest
/// scores, best first; ties go to the lower index.
pub(crate) fn hash_top_k(
    shape: &[usize],
    data: &[f32],
    k: usize,
    hasher: &mut blake3::Hasher,
) -> Result<(), FingerprintError> {
    let row = shape.last().copied().unwrap_or(1);
    if row < k {
        return Err(FingerprintError::TooFewClasses);
    }
    let mut top = [(f32::NEG_INFINITY, 0u32); crate::params::MAX_TOP_K as usize];
    let top = &mut top[..k];
    for scores in data.chunks_exact(row) {
        if k == 1 {
            hasher.update(&(first_max(scores) as u32).to_le_bytes());
            continue;
        }
        // Seed the list with the first k scores, then only a score above the
        // current k-th can enter: one well-predicted comparison per element.
        // Strict comparisons keep the lower index first among ties.
        for (i, s) in scores[..k].iter().enumerate() {
            insert(top, i, *s, i as u32);
        }
        for (i, s) in scores.iter().enumerate().skip(k) {
            if *s > top[k - 1].0 {
                insert(top, k - 1, *s, i as u32);
            }
        }
        for (_, i) in top.iter() {
            hasher.update(&i.to_le_bytes());
        }
    }
    Ok(())
}

/// Index of the first largest score: the same answer as the insertion list
/// with `k = 1`, in two passes the compiler vectorizes.
fn first_max(scores: &[f32]) -> usize {
    const LANES: usize = 8;
    let mut lanes = [f32::NEG_INFINITY; LANES];
    let chunks = scores.chunks_exact(LANES);
    let tail = chunks.remainder();
    for chunk in chunks {
        for (m, s) in lanes.iter_mut().zip(chunk) {
            *m = if *s > *m { *s } else { *m };
        }
    }
    let max = lanes.iter().chain(tail).fold(f32::NEG_INFINITY, |m, s| if *s > m { *s } else { m });
    scores.iter().position(|s| *s == max).unwrap_or(0)
}

/// Places `(score, index)` at or above `pos` in a list sorted best first,
/// dropping what was at `pos`.
fn insert(top: &mut [(f32, u32)], mut pos: usize, score: f32, index: u32) {
    while pos > 0 && score > top[pos - 1].0 {
        top[pos] = top[pos - 1];
        pos -= 1;
    }
    top[pos] = (score, index);
}
