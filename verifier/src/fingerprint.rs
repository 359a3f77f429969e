//! The fingerprint value, its distance, and the dispatch from parameters to
//! the family that computes it.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::{
    params::{Family, LshParams, MAX_BITS},
    tensor::{hash_header, FingerprintError, Tensor},
};

/// The 32 random bytes that key every fingerprint of one attempt of a task.
///
/// The chain draws it after the executor has committed, from randomness no
/// one knew when the attempt was assigned, so no output can be shaped to
/// collide with another under it, and no fingerprint from another attempt is
/// worth anything under it.
pub type AttemptKey = [u8; 32];

/// The key of calibration fingerprints. Calibration cases and their
/// fingerprints are public registry data: probation shows that a worker's
/// setup computes what the owner's does, not that it resists cheating.
pub const CALIBRATION_KEY: AttemptKey = [0; 32];

/// Why a seat could not produce an output for a task: an answer in its own
/// right, which every honest seat gives identically for the same input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum CannotRun {
    /// ONNX Runtime refuses the input, although it fits the declared schema.
    InvalidInput,
    /// The output is larger than the chain takes inline.
    OutputTooLarge,
    /// Inference did not finish within the worker's time budget.
    TooSlow,
    /// An off-chain input that no source (the client, or another seat of
    /// the task) delivered whole before the seat had to answer.
    InputUnavailable,
}

/// Bytes of the bit part of every fingerprint, whatever `bits` says; unused
/// bits are zero, so the value has one fixed size on chain.
pub const FINGERPRINT_BYTES: usize = MAX_BITS as usize / 8;

/// Distance reported for fingerprints that can never agree: different family,
/// parameter version, shape, or exact decision.
pub const INCOMPARABLE: u32 = u32::MAX;

/// What a worker commits to and reveals: a fixed-size summary of one output.
///
/// `bits` is the locality-sensitive part, compared by Hamming distance.
/// `decision` is a `blake3` digest that must match exactly: it binds the output's
/// dtype and shape for every family, the top-k classes for classifiers, and the
/// whole output for the exact family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct Fingerprint {
    /// Family that produced it.
    pub family: Family,
    /// `LshParams::version` it was made under.
    pub version: u16,
    /// The LSH bits, little-endian within each byte.
    pub bits: [u8; FINGERPRINT_BYTES],
    /// Exact part.
    pub decision: [u8; 32],
}

impl Fingerprint {
    pub(crate) fn empty(params: &LshParams) -> Self {
        Fingerprint { family: params.family, version: params.version, bits: [0; FINGERPRINT_BYTES], decision: [0; 32] }
    }
}

/// Hamming distance between the LSH bits, or [`INCOMPARABLE`] when the exact
/// parts, families or versions differ. Symmetric, and zero on identical values.
pub fn distance(a: &Fingerprint, b: &Fingerprint) -> u32 {
    if a.family != b.family || a.version != b.version || a.decision != b.decision {
        return INCOMPARABLE;
    }
    a.bits.iter().zip(b.bits.iter()).map(|(x, y)| (x ^ y).count_ones()).sum()
}

/// Whether two fingerprints, both made under `params`, describe the same output
/// up to honest numerical noise.
pub fn agrees(a: &Fingerprint, b: &Fingerprint, params: &LshParams) -> bool {
    let made_here = |f: &Fingerprint| f.family == params.family && f.version == params.version;
    made_here(a) && made_here(b) && distance(a, b) <= params.tolerance as u32
}

/// The seed of every random choice a keyed fingerprint makes: the model's
/// registered seed mixed with the attempt key.
pub(crate) fn keyed_seed(params: &LshParams, key: &AttemptKey) -> u64 {
    let digest = blake3::keyed_hash(key, &params.seed.to_le_bytes());
    u64::from_le_bytes(digest.as_bytes()[..8].try_into().expect("8 bytes"))
}

/// Computes the fingerprint of `output` under `params` and an attempt `key`.
///
/// Deterministic: the same parameters, key and output give the same
/// fingerprint on every host and in `no_std`. Every family is keyed: the
/// projections' signs, buckets and offsets, the perceptual hash's choice of
/// coefficients and the exact family's digest all depend on `key`.
pub fn fingerprint(params: &LshParams, key: &AttemptKey, output: &Tensor<'_>) -> Result<Fingerprint, FingerprintError> {
    params.validate()?;
    output.check()?;
    let mut fp = Fingerprint::empty(params);
    let seed = keyed_seed(params, key);
    let mut decision = blake3::Hasher::new_keyed(key);
    match params.family {
        Family::Projection => {
            let data = floats(output)?;
            hash_header(&mut decision, b"triad/projection", output);
            crate::projection::write_bits(params, seed, data, &mut fp.bits);
        },
        Family::Perceptual => {
            let data = floats(output)?;
            hash_header(&mut decision, b"triad/perceptual", output);
            crate::phash::write_bits(params, seed, output.shape(), data, &mut fp.bits)?;
        },
        Family::Exact => {
            hash_header(&mut decision, b"triad/exact", output);
            match output {
                Tensor::F32 { data, .. } => hash_le(&mut decision, data, |x| x.to_le_bytes()),
                Tensor::I64 { data, .. } => hash_le(&mut decision, data, |x| x.to_le_bytes()),
                Tensor::U8 { data, .. } => {
                    decision.update(data);
                },
            }
        },
    }
    fp.decision = *decision.finalize().as_bytes();
    Ok(fp)
}

/// The fingerprint every honest seat reveals when it cannot run a task for
/// `reason`: fixed by the key and the reason, so identical across seats, and
/// never close to the fingerprint of any output.
pub fn cannot_run(params: &LshParams, key: &AttemptKey, reason: CannotRun) -> Fingerprint {
    let mut xof = blake3::Hasher::new_derive_key("triad 2026 cannot run");
    xof.update(key);
    xof.update(&reason.encode());
    let mut xof = xof.finalize_xof();
    let mut fp = Fingerprint::empty(params);
    xof.fill(&mut fp.bits[..params.bits as usize / 8]);
    xof.fill(&mut fp.decision);
    fp
}

/// Feeds elements to the hasher as little-endian bytes, a block at a time:
/// one `update` per element costs more than the hashing itself.
fn hash_le<T: Copy, const N: usize>(hasher: &mut blake3::Hasher, data: &[T], bytes: impl Fn(T) -> [u8; N]) {
    let mut buf = [0u8; 4096];
    for chunk in data.chunks(buf.len() / N) {
        for (out, x) in buf.chunks_exact_mut(N).zip(chunk) {
            out.copy_from_slice(&bytes(*x));
        }
        hasher.update(&buf[..chunk.len() * N]);
    }
}

fn floats<'a>(output: &Tensor<'a>) -> Result<&'a [f32], FingerprintError> {
    match output {
        Tensor::F32 { data, .. } => Ok(data),
        _ => Err(FingerprintError::NeedsFloat),
    }
}

pub(crate) fn set_bit(bits: &mut [u8; FINGERPRINT_BYTES], i: usize) {
    bits[i / 8] |= 1 << (i % 8);
}
