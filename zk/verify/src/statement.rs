//! The public inputs of a proof: who and what it is for, and what it shows.

use alloc::vec::Vec;
use ark_ff::PrimeField;

use crate::{input_hash, Fr, ZkError};

/// Bits of each packed field element used: below the modulus (254 bits) with
/// room to spare, so a packing never wraps.
pub const PACK_BITS: u32 = 248;

/// How a circuit's output is laid out in its public inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutputSpec {
    /// Number of output values, in the output tensor's row-major order.
    pub count: u32,
    /// Signed width every value fits: values lie in `[-2^(bits-1), 2^(bits-1))`.
    pub bits: u8,
}

impl OutputSpec {
    /// Values per packed field element.
    pub fn per_element(&self) -> usize {
        (PACK_BITS / u32::from(self.bits.max(1))) as usize
    }

    /// Field elements the packed output takes.
    pub fn elements(&self) -> usize {
        (self.count as usize).div_ceil(self.per_element().max(1))
    }

    /// Public inputs of a statement with this output: `ctx`, `h`, the output.
    pub fn public_inputs(&self) -> usize {
        2 + self.elements()
    }
}

/// The statement's context: `blake3("triad/zk/ctx" ‖ model ‖ task ‖ attempt ‖
/// executor)` (integers little-endian), its first 31 bytes as a field element.
pub fn context(model: u32, task: u64, attempt: u32, executor: &[u8]) -> Fr {
    let mut h = blake3::Hasher::new();
    h.update(b"triad/zk/ctx");
    h.update(&model.to_le_bytes());
    h.update(&task.to_le_bytes());
    h.update(&attempt.to_le_bytes());
    h.update(executor);
    Fr::from_le_bytes_mod_order(&h.finalize().as_bytes()[..31])
}

/// Packs output values: each `v + 2^(bits-1)` as a `bits`-bit word, words
/// little-endian, [`OutputSpec::per_element`] to a field element. Refuses a
/// value that does not fit, so the packing is injective.
pub fn pack_outputs(values: &[i64], spec: OutputSpec) -> Result<Vec<Fr>, ZkError> {
    if spec.bits == 0 || spec.bits > 64 {
        return Err(ZkError::OutputWidth(spec.bits));
    }
    if values.len() != spec.count as usize {
        return Err(ZkError::OutputCount { expected: spec.count, got: values.len() as u32 });
    }
    let bits = u32::from(spec.bits);
    let offset = 1i128 << (bits - 1);
    let mut packed = Vec::with_capacity(spec.elements());
    for (chunk_index, chunk) in values.chunks(spec.per_element()).enumerate() {
        // Up to 248 bits: little-endian bytes of the packed word.
        let mut word = [0u8; 32];
        for (i, v) in chunk.iter().enumerate() {
            let shifted = i128::from(*v) + offset;
            if shifted < 0 || shifted >= (1i128 << bits) {
                let index = (chunk_index * spec.per_element() + i) as u32;
                return Err(ZkError::OutputOutOfRange { index, bits: spec.bits });
            }
            let at = i as u32 * bits;
            for b in 0..bits {
                if (shifted >> b) & 1 == 1 {
                    let bit = at + b;
                    word[(bit / 8) as usize] |= 1 << (bit % 8);
                }
            }
        }
        packed.push(Fr::from_le_bytes_mod_order(&word));
    }
    Ok(packed)
}

/// The full public-input vector of a proof: `[ctx, h, y...]`.
pub fn public_inputs(ctx: Fr, input: &[u8], output: &[i64], spec: OutputSpec) -> Result<Vec<Fr>, ZkError> {
    let mut inputs = Vec::with_capacity(spec.public_inputs());
    inputs.push(ctx);
    inputs.push(input_hash(input));
    inputs.extend(pack_outputs(output, spec)?);
    Ok(inputs)
}
