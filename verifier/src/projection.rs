//! Float-tensor fingerprints: count-sketch, random projections, quantization.
//!
//! 1. **Count-sketch.** Element `i` is added, with a random sign, to one of
//!    [`SKETCH_DIM`] buckets chosen by hashing `i`. That is a sparse random
//!    projection: inner products, and so angles and norms, are preserved in
//!    expectation, at one hash and one add per element. Outputs of any size
//!    (ten logits or a megapixel image) cost O(n) and end up in one small
//!    vector.
//! 2. **Dense projections.** Each fingerprint symbol projects the sketch onto
//!    its own random ±1 hyperplane and divides by the sketch norm, giving a
//!    value that is close to standard normal for any output.
//! 3. **Quantization.** `Sign` keeps the sign (SimHash). `Lattice` cuts the
//!    line into cells `2^-cells_log2` wide at a random offset and Gray-codes the
//!    cell index, so honest noise that nudges a value across one boundary
//!    flips one bit, while a different output lands in unrelated cells.
//!
//! Sums are taken in `f64` in index order, so the result depends only on the
//! data, never on the host.

use crate::{
    fingerprint::{set_bit, FINGERPRINT_BYTES},
    params::{LshParams, Quantization},
    rng::{key, mix, unit, Stream},
    tensor::FingerprintError,
};

/// Width of the intermediate sketch. Large enough that bucket collisions do
/// not distort angles (the distortion shrinks like `1/sqrt(SKETCH_DIM)`), small
/// enough that the dense stage is negligible next to the sketch.
pub const SKETCH_DIM: usize = 512;
const WORDS_PER_PLANE: usize = SKETCH_DIM / 64;

/// Writes `params.bits` LSH bits of `data` into `bits`.
pub(crate) fn write_bits(params: &LshParams, data: &[f32], bits: &mut [u8; FINGERPRINT_BYTES]) {
    let sketch = count_sketch(params.seed, data);
    let norm = libm::sqrt(sketch.iter().map(|x| x * x).sum::<f64>());
    let planes = key(params.seed, Stream::Hyperplane);
    let offsets = key(params.seed, Stream::Offset);
    for j in 0..params.projections() {
        let mut dot = 0.0f64;
        for w in 0..WORDS_PER_PLANE {
            let signs = mix(planes ^ ((j * WORDS_PER_PLANE + w) as u64));
            let chunk = &sketch[w * 64..(w + 1) * 64];
            for (b, x) in chunk.iter().enumerate() {
                if signs >> b & 1 == 1 {
                    dot -= x;
                } else {
                    dot += x;
                }
            }
        }
        // A zero output projects to zero everywhere: still a fixed, valid fingerprint.
        let p = if norm > 0.0 { dot / norm } else { 0.0 };
        match params.quantization {
            Quantization::Sign =>
                if p >= 0.0 {
                    set_bit(bits, j);
                },
            Quantization::Lattice { cells_log2, symbol_bits } => {
                let scale = (1u64 << cells_log2) as f64;
                let cell = libm::floor(p * scale + unit(mix(offsets ^ j as u64))) as i64;
                let symbol = (cell as u64) & ((1u64 << symbol_bits) - 1);
                let gray = symbol ^ (symbol >> 1);
                for b in 0..symbol_bits as usize {
                    if gray >> b & 1 == 1 {
                        set_bit(bits, j * symbol_bits as usize + b);
                    }
                }
            },
        }
    }
}

fn count_sketch(seed: u64, data: &[f32]) -> [f64; SKETCH_DIM] {
    let mut sketch = [0.0f64; SKETCH_DIM];
    let buckets = key(seed, Stream::Bucket);
    for (i, x) in data.iter().enumerate() {
        let h = mix(buckets ^ i as u64);
        let slot = &mut sketch[(h as usize) & (SKETCH_DIM - 1)];
        if h >> 63 == 1 {
            *slot -= *x as f64;
        } else {
            *slot += *x as f64;
        }
    }
    sketch
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
    let mut best: [(f32, u32); crate::params::MAX_TOP_K as usize] = [(f32::NEG_INFINITY, u32::MAX); 16];
    for scores in data.chunks_exact(row) {
        let top = &mut best[..k];
        top.fill((f32::NEG_INFINITY, u32::MAX));
        for (i, s) in scores.iter().enumerate() {
            let i = i as u32;
            // Insertion into a short sorted list: k is at most 16.
            if *s > top[k - 1].0 || top[k - 1].1 == u32::MAX {
                let mut pos = k - 1;
                while pos > 0 && (*s > top[pos - 1].0 || top[pos - 1].1 == u32::MAX) {
                    top[pos] = top[pos - 1];
                    pos -= 1;
                }
                top[pos] = (*s, i);
            }
        }
        for (_, i) in top.iter() {
            hasher.update(&i.to_le_bytes());
        }
    }
    Ok(())
}
