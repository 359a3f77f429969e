//! Setup, proving, and the encodings of keys.

use ark_bn254::Bn254;
use ark_groth16::{Groth16, ProvingKey};
use ark_relations::r1cs::{ConstraintSynthesizer, ConstraintSystem, SynthesisMode};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};
use ark_snark::SNARK;
use rand::{CryptoRng, RngCore};
use triad_zk_verify::{Fr, OutputSpec, PROOF_BYTES};

use crate::{
    circuit::{bit_length, InferenceCircuit, Witness},
    eval::evaluate,
    graph::Graph,
    CompileError, ProveError,
};

/// Runs `f` with no tracing subscriber on this thread. arkworks' gadgets open
/// an `info`-level span per call (and format their arguments): under a
/// process that logs at `info`, as the worker and the CLI do, proving the
/// digits MLP took 80 s instead of 0.2 s.
fn untraced<R>(f: impl FnOnce() -> R) -> R {
    tracing::dispatcher::with_default(&tracing::Dispatch::none(), f)
}

/// A compiled model and how its output is packed.
#[derive(Clone, Debug)]
pub struct Compiled {
    /// The integer graph.
    pub graph: Graph,
    /// Its output layout in the public inputs.
    pub spec: OutputSpec,
}

/// The keys of one model's circuit.
pub struct Keys {
    /// For workers: large, fetched by hash.
    pub proving: ProvingKey<Bn254>,
    /// For the chain: the uncompressed verifying key, a few hundred bytes.
    pub verifying: Vec<u8>,
}

/// A proven run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proven {
    /// The output values, in the output tensor's row-major order.
    pub output: Vec<i64>,
    /// The compressed proof.
    pub proof: [u8; PROOF_BYTES],
}

impl Compiled {
    /// Compiles an ONNX model.
    pub fn from_onnx(bytes: &[u8]) -> Result<Self, CompileError> {
        Ok(Self::new(Graph::from_onnx(bytes)?))
    }

    /// Wraps a compiled graph, choosing the narrowest signed output width its
    /// bounds allow.
    pub fn new(graph: Graph) -> Self {
        let out = graph.output();
        let widest = out.lo.iter().zip(&out.hi).map(|(lo, hi)| bit_length((*hi).max(-*lo - 1))).max().unwrap_or(0);
        let spec = OutputSpec { count: out.len() as u32, bits: (widest + 1).clamp(1, 64) as u8 };
        Compiled { graph, spec }
    }

    /// The output ONNX Runtime gives on `input`.
    pub fn run(&self, input: &[u8]) -> Result<Vec<i64>, CompileError> {
        Ok(evaluate(&self.graph, input)?.swap_remove(self.graph.output))
    }

    /// Constraints per stage: the input (bytes and hash), each node, the output.
    pub fn constraint_counts(&self) -> Result<Vec<(String, usize)>, ProveError> {
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_mode(SynthesisMode::Setup);
        let mut counts = Vec::new();
        untraced(|| {
            InferenceCircuit { graph: &self.graph, spec: self.spec, witness: None, counts: Some(&mut counts) }
                .generate_constraints(cs)
        })?;
        Ok(counts)
    }

    /// The circuit-specific Groth16 setup. Whoever runs it must discard `rng`'s
    /// state: it is the trapdoor.
    pub fn setup<R: RngCore + CryptoRng>(&self, rng: &mut R) -> Result<Keys, ProveError> {
        let circuit = InferenceCircuit { graph: &self.graph, spec: self.spec, witness: None, counts: None };
        let (proving, vk) = untraced(|| Groth16::<Bn254>::circuit_specific_setup(circuit, rng))?;
        let mut verifying = Vec::new();
        vk.serialize_with_mode(&mut verifying, Compress::No).map_err(|e| ProveError::Encoding(e.to_string()))?;
        Ok(Keys { proving, verifying })
    }

    /// Runs the model on `input` and proves it for the statement context `ctx`.
    pub fn prove<R: RngCore + CryptoRng>(
        &self,
        pk: &ProvingKey<Bn254>,
        input: &[u8],
        ctx: Fr,
        rng: &mut R,
    ) -> Result<Proven, ProveError> {
        let values = evaluate(&self.graph, input)?;
        let output = values[self.graph.output].clone();
        let witness = Witness { input: input.to_vec(), ctx, values };
        let circuit = InferenceCircuit { graph: &self.graph, spec: self.spec, witness: Some(&witness), counts: None };
        let proof = untraced(|| Groth16::<Bn254>::prove(pk, circuit, rng))?;
        let mut bytes = [0u8; PROOF_BYTES];
        proof.serialize_with_mode(&mut bytes[..], Compress::Yes).map_err(|e| ProveError::Encoding(e.to_string()))?;
        Ok(Proven { output, proof: bytes })
    }
}

/// The proving key as workers store and fetch it (uncompressed: loading it
/// then costs no square roots).
pub fn encode_proving_key(pk: &ProvingKey<Bn254>) -> Vec<u8> {
    let mut out = Vec::with_capacity(pk.uncompressed_size());
    pk.serialize_with_mode(&mut out, Compress::No).expect("writing to a Vec cannot fail");
    out
}

/// Reads a proving key fetched by its hash. Points are not re-checked: a bad
/// key can only make its holder's proofs fail, and the hash already names it.
pub fn decode_proving_key(bytes: &[u8]) -> Result<ProvingKey<Bn254>, ProveError> {
    ProvingKey::deserialize_with_mode(bytes, Compress::No, Validate::No).map_err(|e| ProveError::Encoding(e.to_string()))
}
