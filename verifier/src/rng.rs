//! Deterministic randomness derived from the parameter seed. It must give the
//! same numbers on every host and in wasm, so it is plain integer arithmetic
//! (SplitMix64's finalizer) rather than a platform or crate RNG whose output
//! could change between versions.

/// Separates the streams drawn from one seed.
#[derive(Clone, Copy)]
#[repr(u64)]
pub(crate) enum Stream {
    Bucket = 0x6275_636b_6574_0001,
    Hyperplane = 0x6879_7065_7270_0002,
    Offset = 0x6f66_6673_6574_0003,
    Norm = 0x6e6f_726d_0000_0004,
}

#[inline(always)]
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The key of one stream; combine with an index through [`mix`].
pub(crate) fn key(seed: u64, stream: Stream) -> u64 {
    mix(seed ^ stream as u64)
}

/// A uniform number in `[0, 1)` from 53 random bits.
pub(crate) fn unit(x: u64) -> f64 {
    (x >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}
