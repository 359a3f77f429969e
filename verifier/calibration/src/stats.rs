//! Counting outcomes and stating them with confidence intervals.

/// `k` events in `n` trials.
#[derive(Clone, Copy, Default, Debug)]
pub struct Rate {
    pub k: u64,
    pub n: u64,
}

impl Rate {
    pub fn add(&mut self, hit: bool) {
        self.n += 1;
        self.k += hit as u64;
    }

    /// Wilson score interval at 95%. Unlike the normal approximation it stays
    /// meaningful at `k = 0`, where the upper bound is about `3.84 / n`.
    pub fn wilson95(&self) -> (f64, f64) {
        if self.n == 0 {
            return (0.0, 1.0);
        }
        let z = 1.959_964f64;
        let n = self.n as f64;
        let p = self.k as f64 / n;
        let denom = 1.0 + z * z / n;
        let centre = (p + z * z / (2.0 * n)) / denom;
        let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / denom;
        // At k = 0 the lower bound is exactly zero; the formula leaves rounding dust.
        let lo = if self.k == 0 { 0.0 } else { (centre - half).max(0.0) };
        (lo, (centre + half).min(1.0))
    }

    pub fn show(&self) -> String {
        let (lo, hi) = self.wilson95();
        format!("{}/{} (95% CI {:.1e}..{:.1e})", self.k, self.n, lo, hi)
    }
}
