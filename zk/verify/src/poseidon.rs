//! The circuit-friendly input hash: Poseidon over BN254's scalar field with a
//! width-3 state (rate 2, capacity 1), `x⁵` S-boxes, 8 full and 57 partial
//! rounds, constants from the reference Grain LFSR
//! (`find_poseidon_ark_and_mds`). The constants are a committed table, since
//! running the LFSR costs the runtime more than the hash itself; a test
//! regenerates them and compares.

use alloc::vec::Vec;
use ark_crypto_primitives::sponge::{
    poseidon::{PoseidonConfig, PoseidonSponge},
    CryptographicSponge,
};
use ark_ff::{PrimeField, Zero};

use crate::Fr;

/// Input bytes per field element: 31 bytes always fit below the field's
/// modulus, so packing is injective.
pub const BYTES_PER_ELEMENT: usize = 31;

pub(crate) const FULL_ROUNDS: usize = 8;
pub(crate) const PARTIAL_ROUNDS: usize = 57;
pub(crate) const ALPHA: u64 = 5;
pub(crate) const RATE: usize = 2;
pub(crate) const WIDTH: usize = RATE + 1;

/// Round constants, then the MDS matrix, row by row, as 32-byte little-endian
/// field elements.
pub(crate) const TABLE: &[u8] = include_bytes!("poseidon_bn254_t3.bin");
pub(crate) const TABLE_ELEMENTS: usize = (FULL_ROUNDS + PARTIAL_ROUNDS) * WIDTH + WIDTH * WIDTH;
const _: () = assert!(TABLE.len() == TABLE_ELEMENTS * 32, "the Poseidon table has one entry per constant");

/// The Poseidon parameters both the chain and the circuit use.
pub fn config() -> PoseidonConfig<Fr> {
    let mut elements = TABLE.chunks_exact(32).map(Fr::from_le_bytes_mod_order);
    let ark = (0..FULL_ROUNDS + PARTIAL_ROUNDS).map(|_| elements.by_ref().take(WIDTH).collect()).collect();
    let mds = (0..WIDTH).map(|_| elements.by_ref().take(WIDTH).collect()).collect();
    PoseidonConfig::new(FULL_ROUNDS, PARTIAL_ROUNDS, ALPHA, mds, ark, RATE, 1)
}

/// Packs bytes little-endian, [`BYTES_PER_ELEMENT`] to a field element.
pub fn pack_bytes(bytes: &[u8]) -> Vec<Fr> {
    bytes.chunks(BYTES_PER_ELEMENT).map(Fr::from_le_bytes_mod_order).collect()
}

/// `Poseidon(len, pack(bytes)...)`: the hash a proof's input is bound to.
pub fn input_hash(bytes: &[u8]) -> Fr {
    let mut sponge = PoseidonSponge::new(&config());
    let mut absorbed = Vec::with_capacity(1 + bytes.len() / BYTES_PER_ELEMENT + 1);
    absorbed.push(Fr::from(bytes.len() as u64));
    absorbed.extend(pack_bytes(bytes));
    sponge.absorb(&absorbed);
    sponge.squeeze_field_elements::<Fr>(1).pop().unwrap_or_else(Fr::zero)
}
