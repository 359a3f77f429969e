//! Inputs for the models, and the ways an output can be disturbed.

use rand::{rngs::StdRng, Rng, SeedableRng};
use rand_distr::StandardNormal;
use triad_inference::TensorData;

/// Features drawn from a standard normal.
pub fn features(seed: u64, n: usize) -> TensorData {
    let mut rng = StdRng::seed_from_u64(seed);
    TensorData::f32(vec![1, n], (0..n).map(|_| rng.sample::<f32, _>(StandardNormal)).collect())
}

/// A natural-looking NCHW image in [0, 1]: smooth gradients plus texture.
pub fn photo(seed: u64, h: usize, w: usize) -> TensorData {
    let mut rng = StdRng::seed_from_u64(seed);
    let k: Vec<f32> = (0..9).map(|_| rng.gen_range(-1.0..1.0)).collect();
    let mut data = vec![0.0f32; 3 * h * w];
    for c in 0..3 {
        for y in 0..h {
            for x in 0..w {
                let (fy, fx) = (y as f32 / h as f32, x as f32 / w as f32);
                let smooth = 0.5 + 0.3 * (k[c] * 6.0 * fy + k[3 + c] * 5.0 * fx).sin() + 0.1 * k[6 + c] * fx * fy;
                data[(c * h + y) * w + x] = (smooth + rng.gen_range(-0.1..0.1)).clamp(0.0, 1.0);
            }
        }
    }
    TensorData::f32(vec![1, 3, h, w], data)
}

/// Dark glyph-like strokes on white lines of text, normalized the way PaddleOCR
/// models expect (`(x - mean) / std` per channel).
pub fn text_lines(seed: u64, h: usize, w: usize, lines: usize, mean: f32, std: f32) -> TensorData {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut gray = vec![1.0f32; h * w];
    let line_h = h / lines;
    for l in 0..lines {
        let (top, bottom) = (l * line_h + line_h / 5, (l + 1) * line_h - line_h / 5);
        let mut x = rng.gen_range(2..10);
        while x + 14 < w {
            let glyph_w = rng.gen_range(6..14);
            for _ in 0..rng.gen_range(2..5) {
                if rng.gen_bool(0.5) {
                    let sx = x + rng.gen_range(0..glyph_w);
                    let sw = rng.gen_range(1..3);
                    for y in top..bottom {
                        for dx in 0..sw {
                            gray[y * w + (sx + dx).min(w - 1)] = 0.1;
                        }
                    }
                } else {
                    let sy = rng.gen_range(top..bottom);
                    for dx in 0..glyph_w {
                        gray[sy * w + x + dx] = 0.1;
                    }
                }
            }
            x += glyph_w + rng.gen_range(2..6);
        }
    }
    let data = (0..3).flat_map(|_| gray.iter().map(|g| (g - mean) / std)).collect();
    TensorData::f32(vec![1, 3, h, w], data)
}

/// `v * (1 + rel * N(0, 1))` per element: the drift of another host's kernels.
pub fn jitter(v: &[f32], rel: f64, rng: &mut StdRng) -> Vec<f32> {
    // Bounded: rounding differences between runtimes have a largest size,
    // measured at 2e-5 relative; they have no Gaussian tail.
    v.iter()
        .map(|x| {
            let u: f64 = rng.gen_range(-1.0..=1.0);
            (*x as f64 * (1.0 + rel * u)) as f32
        })
        .collect()
}

/// Index of the largest value of the first row.
pub fn top2(row: &[f32]) -> (usize, usize) {
    let mut idx: Vec<usize> = (0..row.len()).collect();
    idx.sort_by(|a, b| row[*b].total_cmp(&row[*a]).then(a.cmp(b)));
    (idx[0], idx[1])
}
