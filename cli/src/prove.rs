//! Groth16 in the CLI: the circuit setup a model's owner runs at
//! registration, and the check of a proved task's proofs from chain data
//! that `triad audit` makes.

use std::path::Path;

use codec::Encode;
use triad_client::chain::runtime_types::pallet_triad_tasks::types::TaskInput;
use triad_verifier::{wire, Data};
use triad_zk::{encode_proving_key, Compiled};

use crate::{show::TaskView, CliError};

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

/// Verifies attempt `attempt`'s proof of a proved task here, from chain
/// data alone: the registered key, the stored input, the posted output and
/// the executor's seat. `Ok(Err(_))` is a proof that does not verify.
pub fn check(
    view: &TaskView,
    attempt: usize,
    key: &triad_client::chain::runtime_types::pallet_triad_models::types::Groth16Key,
) -> Result<Result<(), triad_zk::verify::ZkError>, CliError> {
    let bad = |what: &str| CliError::Chain(format!("task {}: {what}", view.id));
    let a = view.info.attempts.0.get(attempt).ok_or_else(|| bad("no such attempt"))?;
    let executor = &a.seats.0.first().ok_or_else(|| bad("an attempt without its executor"))?.who;
    let proof = view.proofs.iter().find(|(i, _)| *i as usize == attempt).map(|(_, p)| p).ok_or_else(|| bad("no proof"))?;
    let output = view.outputs.iter().find(|(i, _)| *i as usize == attempt).map(|(_, o)| &o.0).ok_or_else(|| bad("no output"))?;
    let TaskInput::Inline(input) = &view.input else { return Err(bad("a proved task with an off-chain input")) };
    let pixels = match &wire::decode(&input.0).map_err(|e| bad(&e.to_string()))?[..] {
        [one] => match &one.tensor.data {
            Data::U8(p) => p.clone(),
            _ => return Err(bad("the input is not uint8")),
        },
        _ => return Err(bad("the input is not one tensor")),
    };
    let values: Vec<i64> = match &wire::decode(output).map_err(|e| bad(&e.to_string()))?[..] {
        [one] => match &one.tensor.data {
            Data::I64(v) => v.clone(),
            Data::U8(v) => v.iter().map(|b| i64::from(*b)).collect(),
            Data::F32(_) => return Err(bad("a float output")),
        },
        _ => return Err(bad("the output is not one tensor")),
    };
    let ctx = triad_zk::verify::context(view.info.model, view.id, attempt as u32, &executor.encode());
    let spec = triad_zk::verify::OutputSpec { count: key.output_count, bits: key.output_bits };
    let inputs = match triad_zk::verify::public_inputs(ctx, &pixels, &values, spec) {
        Ok(i) => i,
        Err(e) => return Ok(Err(e)),
    };
    Ok(triad_zk::verify::verify(&key.verifying_key.0, proof, &inputs))
}
