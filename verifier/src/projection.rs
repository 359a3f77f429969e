//! Float-tensor fingerprints: sketch, randomized Hadamard projections,
//! quantization, and a binding of the output's norm.
//!
//! 1. **Sketch.** Outputs of at most [`SKETCH_DIM`] elements are used as they
//!    are (zero-padded), so nothing is lost. Larger outputs go through a
//!    count-sketch: each element is added, with a random sign, to one of
//!    [`SKETCH_DIM`] buckets (a random rotation of its index per block of
//!    [`SKETCH_DIM`]). That is a sparse random projection: inner products,
//!    and so angles and norms, are preserved in expectation, at one add per
//!    element.
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
//! Every random choice (signs, rotations, offsets) comes from a seed mixed
//! with the attempt key, which the chain draws after the executor commits.
//! Under the model's public seed alone the transform is linear and known, so
//! an adversary could solve for edits it cannot see (its null space); under
//! an unknown key it cannot.
//!
//! The order of every floating-point operation is fixed by this code, so the
//! result depends only on the data, never on the host.

use crate::{
    fingerprint::FINGERPRINT_BYTES,
    params::{LshParams, Quantization},
    rng::{key, mix, unit, Stream},
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
pub(crate) fn write_bits(params: &LshParams, seed: u64, data: &[f32], bits: &mut [u8; FINGERPRINT_BYTES]) {
    let mut sketch = [0.0f64; SKETCH_DIM];
    if data.len() <= SKETCH_DIM {
        sketch.iter_mut().zip(data).for_each(|(s, x)| *s = *x as f64);
    } else {
        count_sketch(seed, data, &mut sketch);
    }
    let norm = libm::sqrt(sum_of_squares(&sketch));
    let projections = params.projections();
    let offsets = key(seed, Stream::Offset);
    let mut out = BitWriter { bits, at: 0, acc: 0, filled: 0 };
    let mut projected = [0.0f64; SKETCH_DIM];
    for round in 0..projections.div_ceil(SKETCH_DIM) {
        randomized_hadamard(seed, round as u64, &sketch, &mut projected);
        let first = round * SKETCH_DIM;
        // A zero output projects to zero everywhere: still a fixed, valid fingerprint.
        let inv = if norm > 0.0 { 1.0 / norm } else { 0.0 };
        match params.quantization {
            Quantization::Sign => {
                for y in projected.iter().take(projections - first) {
                    out.push((*y * inv >= 0.0) as u64, 1);
                }
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
        write_norm(seed, norm, &mut out);
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
        let cell = if norm > 0.0 { floor_i64(libm::log2(norm) * NORM_CELLS_PER_OCTAVE + offset) } else { i64::MIN };
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
    // Element `k` of chunk `c` (the chunks are SKETCH_DIM long) lands in
    // bucket `(k + r_c) mod SKETCH_DIM` with a random sign, where the
    // rotation `r_c` is random per chunk. Two elements share a bucket only if
    // their chunks' rotations line them up, and the rotations and signs come
    // from the attempt key, which nobody knows while the executor's output can
    // still change: a pair of edits that cancel in one bucket has to guess
    // both. With random signs the sketch preserves inner products in
    // expectation exactly as hashed buckets do, and a rotation is two
    // contiguous runs, so the loop still vectorizes: a sign is the top bit of
    // one random byte, flipped into the float without a branch.
    let mut signs = [0u8; SKETCH_DIM];
    for (c, chunk) in data.chunks(SKETCH_DIM).enumerate() {
        for (w, bytes) in signs.chunks_exact_mut(SIGNS_PER_HASH).enumerate() {
            let word = mix(buckets ^ ((c * (SKETCH_DIM / SIGNS_PER_HASH) + w) as u64));
            bytes.copy_from_slice(&word.to_le_bytes());
        }
        let rotation = (mix(buckets ^ (c as u64) << 40 ^ 0x726f_7461_7465) as usize) % SKETCH_DIM;
        let (head, tail) = chunk.split_at(chunk.len().min(SKETCH_DIM - rotation));
        add_signed(&mut sketch[rotation..], head, &signs);
        add_signed(&mut sketch[..], tail, &signs[head.len()..]);
    }
}

fn add_signed(slots: &mut [f64], data: &[f32], signs: &[u8]) {
    for ((slot, x), sign) in slots.iter_mut().zip(data).zip(signs) {
        let flipped = f32::from_bits(x.to_bits() ^ (((*sign >> 7) as u32) << 31));
        *slot += flipped as f64;
    }
}

/// Where the count sketch puts element `index` of an output longer than
/// [`SKETCH_DIM`] under `params` and `key`: its bucket, and whether its sign
/// is negative.
///
/// Anyone who knows the key can pair two elements of one bucket and shift
/// them so that the bucket, and so the fingerprint, does not move: the
/// sketch's null space. The calibration harness and the `collide` test
/// behaviour use this to show that such an edit passes under a known key and
/// fails under the attempt key the chain draws after the executor commits.
pub fn sketch_slot(params: &LshParams, key: &crate::AttemptKey, index: usize) -> (usize, bool) {
    let buckets = crate::rng::key(crate::fingerprint::keyed_seed(params, key), Stream::Bucket);
    let (c, k) = (index / SKETCH_DIM, index % SKETCH_DIM);
    let word = mix(buckets ^ ((c * (SKETCH_DIM / SIGNS_PER_HASH) + k / SIGNS_PER_HASH) as u64));
    let negative = (word.to_le_bytes()[k % SIGNS_PER_HASH] >> 7) == 1;
    let rotation = (mix(buckets ^ (c as u64) << 40 ^ 0x726f_7461_7465) as usize) % SKETCH_DIM;
    ((k + rotation) % SKETCH_DIM, negative)
}

/// The sketch's null space, used as an attack: erases the `count` strongest
/// elements of `data` (a detected region, a class score) and puts each one's
/// signed contribution on the element of another block that shares its
/// bucket under `key`, so that under `key` the sketch, and so the
/// fingerprint, does not move. Returns how many elements it erased.
///
/// The `collide` worker behaviour and the calibration harness aim it at
/// the public [`CALIBRATION_KEY`](crate::CALIBRATION_KEY) to show that the
/// edit passes under a known key and fails under the attempt key the chain
/// draws after the executor commits. Outputs of at most [`SKETCH_DIM`]
/// elements have no such null space; they are returned unchanged.
pub fn null_space_edit(params: &LshParams, key: &crate::AttemptKey, data: &mut [f32], count: usize) -> usize {
    if data.len() <= SKETCH_DIM {
        return 0;
    }
    let slots: alloc::vec::Vec<(usize, bool)> = (0..data.len()).map(|i| sketch_slot(params, key, i)).collect();
    let mut strongest: alloc::vec::Vec<usize> = (0..data.len()).collect();
    strongest.sort_by(|a, b| data[*b].abs().total_cmp(&data[*a].abs()));
    let mut touched = alloc::vec![false; data.len()];
    let mut erased = 0;
    for a in strongest {
        if erased == count {
            break;
        }
        if touched[a] {
            continue;
        }
        let (bucket, negative_a) = slots[a];
        let partner = (0..data.len()).find(|b| b / SKETCH_DIM != a / SKETCH_DIM && !touched[*b] && slots[*b].0 == bucket);
        let Some(b) = partner else { continue };
        let contribution = if negative_a { -data[a] } else { data[a] };
        data[a] = 0.0;
        data[b] += if slots[b].1 { -contribution } else { contribution };
        touched[a] = true;
        touched[b] = true;
        erased += 1;
    }
    erased
}
