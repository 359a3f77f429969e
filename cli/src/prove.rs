//! Groth16 in the CLI: the circuit setup a model's owner runs at
//! registration (the audit's check of a proof is `triad_job::audit`'s).

use std::path::Path;

use triad_zk::{encode_proving_key, Compiled};

use crate::CliError;

/// What registering a model's Groth16 key needs from its setup.
pub struct Proved {
    /// The uncompressed verifying key.
    pub verifying_key: Vec<u8>,
    /// `blake3` of the proving key file.
    pub proving_key_hash: [u8; 32],
    /// Its length.
    pub proving_key_size: u64,
    /// Signed width of the circuit's output values.
    pub output_bits: u8,
}

/// Compiles the model to its circuit, runs the setup, and writes the proving
/// key to `out`.
pub fn setup(onnx: &[u8], out: &Path) -> Result<Proved, CliError> {
    let compiled = Compiled::from_onnx(onnx).map_err(|e| CliError::Input(format!("the model cannot be proven: {e}")))?;
    let counts = compiled.constraint_counts().map_err(|e| CliError::Input(e.to_string()))?;
    let total: usize = counts.iter().map(|c| c.1).sum();
    let stages: Vec<String> = counts.iter().filter(|c| c.1 > 0).map(|(n, c)| format!("{n} {c}")).collect();
    eprintln!("groth16: a circuit of {total} constraints ({}); running its setup", stages.join(", "));
    let keys = compiled.setup(&mut rand::rngs::OsRng).map_err(|e| CliError::Input(e.to_string()))?;
    let pk = encode_proving_key(&keys.proving);
    std::fs::write(out, &pk).map_err(|e| CliError::Input(format!("{}: {e}", out.display())))?;
    eprintln!(
        "groth16: proving key written to {} ({:.1} MB); workers import it with `triad-worker import {}`",
        out.display(),
        pk.len() as f64 / 1e6,
        out.display()
    );
    Ok(Proved {
        verifying_key: keys.verifying,
        proving_key_hash: *blake3::hash(&pk).as_bytes(),
        proving_key_size: pk.len() as u64,
        output_bits: compiled.spec.bits,
    })
}
