//! Perceptual hash of an image output (DCT pHash).
//!
//! The image is reduced to luminance (the mean of its channels), shrunk to a
//! [`PHASH_SIDE`]² thumbnail by box averaging, and transformed with a 2-D
//! DCT-II. The lowest-frequency AC coefficients, in zig-zag order, each give
//! one bit: above or below their median. Small pixel noise, resampling and
//! colour jitter barely move low frequencies; a different image moves them
//! completely. Which of the low-frequency coefficients give the bits is
//! chosen by the keyed seed.

use crate::{
    fingerprint::{set_bit, FINGERPRINT_BYTES},
    params::{LshParams, PHASH_SIDE},
    rng::mix,
    tensor::FingerprintError,
};
use alloc::vec::Vec;

const N: usize = PHASH_SIDE;

/// Writes `params.bits` perceptual bits of an `H x W x C` image into `bits`.
pub(crate) fn write_bits(
    params: &LshParams,
    seed: u64,
    shape: &[usize],
    data: &[f32],
    bits: &mut [u8; FINGERPRINT_BYTES],
) -> Result<(), FingerprintError> {
    let (h, w, c) = match shape {
        [h, w, c] | [1, h, w, c] => (*h, *w, *c),
        _ => return Err(FingerprintError::NotAnImage),
    };
    if h == 0 || w == 0 || c == 0 {
        return Err(FingerprintError::NotAnImage);
    }
    let thumb = thumbnail(h, w, c, data);
    let coeffs = dct2(&thumb);

    let mut order = zigzag();
    let take = params.bits as usize;
    // Skip DC (index 0): it is the mean brightness, not structure. The bits
    // come from `take` of the lowest `2 x take` AC coefficients, chosen by the
    // keyed seed (a partial Fisher-Yates shuffle), so a fingerprint made
    // under one attempt's key says nothing under another's.
    let pool = (2 * take).min(N * N - 1);
    let candidates = &mut order[1..=pool];
    for i in 0..take {
        let j = i + (mix(seed ^ 0x7068_6173_6800_0000 ^ i as u64) % (pool - i) as u64) as usize;
        candidates.swap(i, j);
    }
    let mut picked: Vec<f64> = candidates[..take].iter().map(|&(u, v)| coeffs[u * N + v]).collect();
    let values = picked.clone();
    picked.sort_unstable_by(|a, b| a.total_cmp(b));
    let median = picked[take / 2];
    for (i, v) in values.iter().enumerate() {
        if *v > median {
            set_bit(bits, i);
        }
    }
    Ok(())
}

fn thumbnail(h: usize, w: usize, c: usize, data: &[f32]) -> Vec<f64> {
    let mut out = alloc::vec![0.0f64; N * N];
    for ty in 0..N {
        let (y0, y1) = span(ty, h);
        for tx in 0..N {
            let (x0, x1) = span(tx, w);
            let mut sum = 0.0f64;
            for y in y0..y1 {
                let row = &data[(y * w + x0) * c..(y * w + x1) * c];
                sum += row.iter().map(|v| *v as f64).sum::<f64>();
            }
            out[ty * N + tx] = sum / ((y1 - y0) * (x1 - x0) * c) as f64;
        }
    }
    out
}

/// Source pixels covered by thumbnail cell `t`; at least one, so images
/// smaller than the thumbnail are sampled rather than left empty.
fn span(t: usize, len: usize) -> (usize, usize) {
    let start = t * len / N;
    let end = ((t + 1) * len / N).max(start + 1).min(len);
    (start.min(len - 1), end)
}

fn dct2(input: &[f64]) -> Vec<f64> {
    let mut basis = alloc::vec![0.0f64; N * N];
    for k in 0..N {
        for n in 0..N {
            basis[k * N + n] = libm::cos(core::f64::consts::PI / N as f64 * (n as f64 + 0.5) * k as f64);
        }
    }
    // Rows, then columns: the 2-D DCT is separable.
    let mut rows = alloc::vec![0.0f64; N * N];
    for y in 0..N {
        for k in 0..N {
            rows[y * N + k] = (0..N).map(|n| input[y * N + n] * basis[k * N + n]).sum();
        }
    }
    let mut out = alloc::vec![0.0f64; N * N];
    for k in 0..N {
        for x in 0..N {
            out[k * N + x] = (0..N).map(|n| rows[n * N + x] * basis[k * N + n]).sum();
        }
    }
    out
}

/// Coefficient positions `(row frequency, column frequency)` from low to high
/// frequency, by anti-diagonal.
fn zigzag() -> Vec<(usize, usize)> {
    let mut order = Vec::with_capacity(N * N);
    for s in 0..(2 * N - 1) {
        for u in 0..=s {
            let v = s - u;
            if u < N && v < N {
                order.push((u, v));
            }
        }
    }
    order
}
