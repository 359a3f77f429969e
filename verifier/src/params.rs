//! The parameters that define one fingerprint function. The model registry
//! stores them on chain, so they are SCALE-encodable and bounded.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::projection::NORM_BITS;

/// Fingerprints never exceed this many bits (128 bytes), so a `Fingerprint`
/// has a fixed size and four of them fit cheaply in a task's storage.
pub const MAX_BITS: u16 = 1024;
/// Lattice symbols are at most one byte wide.
pub const MAX_SYMBOL_BITS: u8 = 8;
/// 2^12 cells per standard deviation is already far below `f32` noise.
pub const MAX_CELLS_LOG2: u8 = 12;
/// The perceptual hash works on a 32x32 luminance thumbnail; its DCT has
/// 1024 coefficients, one of which (DC) carries only brightness.
pub const PHASH_SIDE: usize = 32;

/// Which kind of output a model produces, and so how it is fingerprinted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum Family {
    /// Float tensors of any shape: a count-sketch, then random projections
    /// quantized per [`Quantization`]. The default.
    Projection,
    /// Images shaped `H x W x C` (or `1 x H x W x C`): a DCT perceptual hash of
    /// the luminance, as the consensus paper used for diffusion outputs.
    ///
    /// It compares coefficients with their median, so it cannot see a change
    /// of brightness or contrast: calibration accepted every output scaled by
    /// 1.05 and most outputs of a model with 10% weight noise. Use it only for
    /// models whose honest outputs differ more than [`Family::Projection`]
    /// tolerates (sampling on different GPUs); deterministic image models are
    /// verified better by the projection family.
    Perceptual,
    /// Discrete outputs (token ids, labels, bytes): an exact `blake3` digest.
    /// Hosts must agree bit for bit; the tolerance is ignored.
    Exact,
}

/// How a random projection becomes bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum Quantization {
    /// One sign bit per projection: random-hyperplane SimHash. A bit flips with
    /// probability `angle / pi`, so it needs many bits to see small changes.
    Sign,
    /// Each normalized projection is cut into `2^cells_log2` cells per standard
    /// deviation, with a random offset per projection, and the cell index is
    /// Gray-coded into `symbol_bits`. Crossing one cell boundary flips exactly
    /// one bit, so Hamming distance still counts boundary crossings, while the
    /// cell width, not the angle, sets the sensitivity.
    Lattice {
        /// log2 of cells per standard deviation of a projection.
        cells_log2: u8,
        /// Bits kept of each Gray-coded cell index, 1 to [`MAX_SYMBOL_BITS`].
        symbol_bits: u8,
    },
}

impl Quantization {
    /// Bits that one projection contributes.
    pub fn symbol_bits(&self) -> u16 {
        match self {
            Quantization::Sign => 1,
            Quantization::Lattice { symbol_bits, .. } => *symbol_bits as u16,
        }
    }
}

/// One family of fingerprint functions: every host that uses the same
/// `LshParams` and the same attempt key computes the same function, because
/// all randomness is derived from `seed` mixed with the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct LshParams {
    /// What the model outputs.
    pub family: Family,
    /// Length of the fingerprint in bits, at most [`MAX_BITS`].
    pub bits: u16,
    /// Mixed with each attempt's key into the seed of the hyperplanes,
    /// buckets and lattice offsets. It is public, so on its own it protects
    /// nothing; it separates models that share a key.
    pub seed: u64,
    /// How projections become bits (ignored by `Perceptual` and `Exact`).
    pub quantization: Quantization,
    /// Largest Hamming distance at which two fingerprints still agree.
    pub tolerance: u16,
    /// Bumped whenever any other field changes, so fingerprints made under
    /// different parameters are never compared.
    pub version: u16,
}

/// Why a set of parameters cannot define a fingerprint function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "std", derive(thiserror::Error))]
pub enum ParamsError {
    /// `bits` is zero, above [`MAX_BITS`], or leaves a lattice fingerprint no
    /// bits besides its norm binding.
    #[cfg_attr(
        feature = "std",
        error("fingerprint length must be 1..={MAX_BITS} bits, and a lattice needs more than its 64 norm bits")
    )]
    BitsOutOfRange,
    /// `bits` is not a whole number of lattice symbols.
    #[cfg_attr(feature = "std", error("fingerprint length is not a multiple of the symbol width"))]
    BitsNotMultipleOfSymbol,
    /// The symbol width or cell count is outside its range.
    #[cfg_attr(
        feature = "std",
        error("lattice symbol width must be 1..={MAX_SYMBOL_BITS} and cells_log2 at most {MAX_CELLS_LOG2}")
    )]
    LatticeOutOfRange,
    /// A perceptual hash has at most 1023 AC coefficients to draw bits from.
    #[cfg_attr(feature = "std", error("a perceptual hash has at most 1023 bits"))]
    PerceptualBitsOutOfRange,
    /// A tolerance of half the bits or more would accept unrelated outputs.
    #[cfg_attr(feature = "std", error("tolerance must be below half the fingerprint length"))]
    ToleranceTooLarge,
}

impl LshParams {
    /// Float-tensor defaults chosen by the calibration harness
    /// (`scripts/calibrate.sh`): 240 lattice symbols of 4 bits at 16 cells per
    /// standard deviation plus 64 norm bits, agreeing within 12 bit flips.
    /// Measured on five models: honest pairs differ by at most 8 bits even
    /// under 1e-4 relative noise, and wrong outputs by at least 21.
    pub const fn projection(seed: u64) -> Self {
        LshParams {
            family: Family::Projection,
            bits: 1024,
            seed,
            quantization: Quantization::Lattice { cells_log2: 4, symbol_bits: 4 },
            tolerance: 12,
            version: 2,
        }
    }

    /// The classic 64-bit perceptual hash: the 8x8-ish lowest frequencies,
    /// where even smooth images have energy well above pixel noise.
    pub const fn perceptual(seed: u64) -> Self {
        LshParams { family: Family::Perceptual, bits: 64, seed, quantization: Quantization::Sign, tolerance: 8, version: 2 }
    }

    /// Bit-exact digest of a discrete output.
    pub const fn exact() -> Self {
        LshParams { family: Family::Exact, bits: 256, seed: 0, quantization: Quantization::Sign, tolerance: 0, version: 2 }
    }

    /// Checks that these parameters define a usable fingerprint function. The
    /// model registry calls this before it stores them.
    pub fn validate(&self) -> Result<(), ParamsError> {
        if self.bits == 0 || self.bits > MAX_BITS {
            return Err(ParamsError::BitsOutOfRange);
        }
        match self.family {
            Family::Projection => {
                if let Quantization::Lattice { cells_log2, symbol_bits } = self.quantization {
                    if symbol_bits == 0 || symbol_bits > MAX_SYMBOL_BITS || cells_log2 > MAX_CELLS_LOG2 {
                        return Err(ParamsError::LatticeOutOfRange);
                    }
                }
                let projected = match self.quantization {
                    Quantization::Sign => self.bits,
                    Quantization::Lattice { .. } => self.bits.saturating_sub(NORM_BITS as u16),
                };
                if projected == 0 {
                    return Err(ParamsError::BitsOutOfRange);
                }
                if projected % self.quantization.symbol_bits() != 0 {
                    return Err(ParamsError::BitsNotMultipleOfSymbol);
                }
            },
            Family::Perceptual => {
                if self.bits as usize >= PHASH_SIDE * PHASH_SIDE {
                    return Err(ParamsError::PerceptualBitsOutOfRange);
                }
            },
            Family::Exact => {},
        }
        if self.family != Family::Exact && self.tolerance as u32 * 2 >= self.bits as u32 {
            return Err(ParamsError::ToleranceTooLarge);
        }
        Ok(())
    }

    /// Number of random projections a projection-family fingerprint uses:
    /// all its bits for `Sign`, all but the norm binding for `Lattice`.
    pub fn projections(&self) -> usize {
        match self.quantization {
            Quantization::Sign => self.bits as usize,
            Quantization::Lattice { symbol_bits, .. } => (self.bits as usize - NORM_BITS) / symbol_bits as usize,
        }
    }
}
