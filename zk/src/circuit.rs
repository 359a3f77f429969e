//! The R1CS circuit of a compiled [`Graph`]: the statement of
//! `triad_zk_verify`, proven by recomputing the graph over BN254's scalar
//! field.
//!
//! How each operation is paid for:
//!
//! - **Linear** operations cost no constraints: their weights are constants,
//!   so each output is a linear combination of the input's variables.
//! - **Range facts** come from bit decompositions sized by the compiler's
//!   bounds: an element known to lie in `[lo, hi]` needs about
//!   `log2(max(|lo|, |hi|))` boolean constraints, not 254.
//! - **Relu** of `v ∈ [lo, hi]` with `lo < 0 < hi`: decompose
//!   `v + 2^B` into `B + 1` bits; the top bit `s` is `v ≥ 0`, and
//!   `out = s · (the low B bits)`. `B + 3` constraints.
//! - **Division by `2^s`** of `v ∈ [0, hi]`: decompose `v`, keep the bits
//!   above `s`. About `log2(hi)` constraints.
//! - **Clip** is `lo + relu(v - lo)` and `hi - relu(hi - v)`, each only where
//!   the bounds say it can bite.
//! - **The input** is 8 boolean constraints per byte (so every byte is a byte)
//!   and a Poseidon sponge over the packed bytes (about 240 constraints per two
//!   field elements).
//!
//! ## Soundness
//!
//! Every bound the compiler assumed is enforced: the input bytes by their
//! decomposition, and each nonlinear output by its own. A decomposition into
//! `n + 1 < 254` bits cannot wrap around the field, so the field values are
//! the integers ONNX Runtime computes.

use ark_crypto_primitives::sponge::{constraints::CryptographicSpongeVar, poseidon::constraints::PoseidonSpongeVar};
use ark_ff::Field;
use ark_r1cs_std::{
    eq::EqGadget,
    fields::fp::{AllocatedFp, FpVar},
};
use ark_relations::{
    lc,
    r1cs::{ConstraintSynthesizer, ConstraintSystemRef, LinearCombination, SynthesisError, Variable},
};
use triad_zk_verify::{pack_outputs, poseidon_config, Fr, OutputSpec, BYTES_PER_ELEMENT};

use crate::graph::{Graph, Op};

/// What only the prover knows: the input and the statement's context.
#[derive(Clone, Debug)]
pub struct Witness {
    /// The input bytes.
    pub input: Vec<u8>,
    /// The statement's context (`triad_zk_verify::context`).
    pub ctx: Fr,
    /// Every value of the graph on `input` (`graph::evaluate`).
    pub values: Vec<Vec<i64>>,
}

/// The circuit of one graph; without a witness it only shapes the keys.
pub struct InferenceCircuit<'a> {
    /// The compiled model.
    pub graph: &'a Graph,
    /// How its output is packed.
    pub spec: OutputSpec,
    /// The run being proven, if proving.
    pub witness: Option<&'a Witness>,
    /// When set, records `(node name, constraints it added)`, input first.
    pub counts: Option<&'a mut Vec<(String, usize)>>,
}

/// A field element from a signed integer.
pub(crate) fn fe(v: i128) -> Fr {
    if v >= 0 {
        Fr::from(v as u128)
    } else {
        -Fr::from(v.unsigned_abs())
    }
}

/// Bits needed to write `m ≥ 0`.
pub(crate) fn bit_length(m: i128) -> u32 {
    128 - m.leading_zeros()
}

/// One element of a value inside the circuit.
#[derive(Clone)]
struct Wire {
    lc: LinearCombination<Fr>,
    value: Option<i128>,
}

struct Synth {
    cs: ConstraintSystemRef<Fr>,
}

impl Synth {
    fn witness(&self, value: Option<Fr>) -> Result<Variable, SynthesisError> {
        self.cs.new_witness_variable(|| value.ok_or(SynthesisError::AssignmentMissing))
    }

    /// Bits `b_0..b_n` of `lc + offset`, which must lie in `[0, 2^n)`.
    fn decompose(
        &self,
        lc: &LinearCombination<Fr>,
        value: Option<i128>,
        offset: i128,
        n: u32,
    ) -> Result<Vec<Variable>, SynthesisError> {
        let shifted = value.map(|v| v + offset);
        let mut bits = Vec::with_capacity(n as usize);
        let mut sum = LinearCombination::zero();
        for i in 0..n {
            let bit = shifted.map(|s| Fr::from(((s >> i) & 1) as u64));
            let b = self.witness(bit)?;
            self.cs.enforce_constraint(lc!() + b, lc!() + b - Variable::One, lc!())?;
            sum = sum + (fe(1i128 << i), b);
            bits.push(b);
        }
        self.cs.enforce_constraint(sum, lc!() + Variable::One, lc.clone() + (fe(offset), Variable::One))?;
        Ok(bits)
    }

    /// A byte as 8 boolean variables: the byte is their weighted sum, so no
    /// sum constraint is needed.
    fn byte(&self, value: Option<i128>) -> Result<LinearCombination<Fr>, SynthesisError> {
        let mut lc = lc!();
        for i in 0..8 {
            let b = self.witness(value.map(|v| Fr::from(((v >> i) & 1) as u64)))?;
            self.cs.enforce_constraint(lc!() + b, lc!() + b - Variable::One, lc!())?;
            lc = lc + (fe(1i128 << i), b);
        }
        Ok(lc)
    }

    /// `max(w, 0)` for `w ∈ [lo, hi]`.
    fn relu(&self, w: &Wire, lo: i128, hi: i128) -> Result<Wire, SynthesisError> {
        if lo >= 0 {
            return Ok(w.clone());
        }
        if hi <= 0 {
            return Ok(Wire { lc: lc!(), value: w.value.map(|_| 0) });
        }
        let b = bit_length((-lo).max(hi));
        let bits = self.decompose(&w.lc, w.value, 1i128 << b, b + 1)?;
        let sign = bits[b as usize];
        let low = bits[..b as usize].iter().enumerate().fold(lc!(), |acc, (i, v)| acc + (fe(1i128 << i), *v));
        let value = w.value.map(|v| v.max(0));
        let out = self.witness(value.map(fe))?;
        self.cs.enforce_constraint(lc!() + sign, low, lc!() + out)?;
        Ok(Wire { lc: lc!() + out, value })
    }

    fn div_pow2(&self, w: &Wire, hi: i128, shift: u32) -> Result<Wire, SynthesisError> {
        let value = w.value.map(|v| v >> shift);
        if hi < (1i128 << shift) {
            return Ok(Wire { lc: lc!(), value });
        }
        let n = bit_length(hi);
        let bits = self.decompose(&w.lc, w.value, 0, n)?;
        let lc = bits[shift as usize..].iter().enumerate().fold(lc!(), |acc, (i, v)| acc + (fe(1i128 << i), *v));
        Ok(Wire { lc, value })
    }

    fn clip(&self, w: &Wire, (lo, hi): (i128, i128), (cl, ch): (i128, i128)) -> Result<Wire, SynthesisError> {
        let (mut w, mut lo, mut hi) = (w.clone(), lo, hi);
        if lo < cl {
            // lo' + relu(v - lo')
            let shifted = Wire { lc: w.lc.clone() - (fe(cl), Variable::One), value: w.value.map(|v| v - cl) };
            let r = self.relu(&shifted, lo - cl, hi - cl)?;
            w = Wire { lc: r.lc + (fe(cl), Variable::One), value: r.value.map(|v| v + cl) };
            (lo, hi) = (cl, hi.max(cl));
        }
        if hi > ch {
            // hi' - relu(hi' - v)
            let flipped = Wire { lc: lc!() + (fe(ch), Variable::One) - &w.lc, value: w.value.map(|v| ch - v) };
            let r = self.relu(&flipped, ch - hi, ch - lo)?;
            w = Wire { lc: lc!() + (fe(ch), Variable::One) - &r.lc, value: r.value.map(|v| ch - v) };
        }
        Ok(w)
    }
}

impl ConstraintSynthesizer<Fr> for InferenceCircuit<'_> {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let InferenceCircuit { graph, spec, witness, mut counts } = self;
        let s = Synth { cs: cs.clone() };
        let mut record = |name: &str, cs: &ConstraintSystemRef<Fr>, before: &mut usize| {
            if let Some(c) = counts.as_deref_mut() {
                c.push((name.to_string(), cs.num_constraints() - *before));
            }
            *before = cs.num_constraints();
        };
        let mut before = 0;

        // Public inputs, in the verifier's order: ctx, h, packed output.
        let input = witness.map(|w| &w.input[..]);
        let output = witness.map(|w| &w.values[graph.output][..]);
        let ctx = cs.new_input_variable(|| witness.map(|w| w.ctx).ok_or(SynthesisError::AssignmentMissing))?;
        let h_value = input.map(triad_zk_verify::input_hash);
        let h = cs.new_input_variable(|| h_value.ok_or(SynthesisError::AssignmentMissing))?;
        let packed_values = match output {
            Some(o) => Some(pack_outputs(o, spec).map_err(|_| SynthesisError::Unsatisfiable)?),
            None => None,
        };
        let packed: Vec<Variable> = (0..spec.elements())
            .map(|i| cs.new_input_variable(|| packed_values.as_ref().map(|p| p[i]).ok_or(SynthesisError::AssignmentMissing)))
            .collect::<Result<_, _>>()?;
        // The context takes part in a constraint, so the proof is bound to it.
        let ctx_sq = s.witness(witness.map(|w| w.ctx * w.ctx))?;
        cs.enforce_constraint(lc!() + ctx, lc!() + ctx, lc!() + ctx_sq)?;

        // The input: bytes, their hash.
        let n = graph.input().len();
        let mut wires: Vec<Vec<Wire>> = Vec::with_capacity(graph.values.len());
        let mut bytes = Vec::with_capacity(n);
        for i in 0..n {
            let value = input.map(|b| i128::from(b[i]));
            bytes.push(Wire { lc: s.byte(value)?, value });
        }
        let mut absorbed = vec![FpVar::Constant(Fr::from(n as u64))];
        for chunk in bytes.chunks(BYTES_PER_ELEMENT) {
            // Little-endian, as `triad_zk_verify::pack_bytes`: byte i weighs 256^i.
            let weight = |i: usize| Fr::from(256u64).pow([i as u64]);
            let lc = chunk.iter().enumerate().fold(lc!(), |acc, (i, w)| acc + (weight(i), &w.lc));
            let value = input
                .map(|_| chunk.iter().enumerate().fold(Fr::from(0u64), |acc, (i, w)| acc + weight(i) * fe(w.value.unwrap_or(0))));
            absorbed.push(FpVar::Var(AllocatedFp::new(value, cs.new_lc(lc)?, cs.clone())));
        }
        let mut sponge = PoseidonSpongeVar::new(cs.clone(), &poseidon_config());
        sponge.absorb(&absorbed)?;
        let hash = sponge.squeeze_field_elements(1)?.remove(0);
        hash.enforce_equal(&FpVar::Var(AllocatedFp::new(h_value, h, cs.clone())))?;
        wires.push(bytes);
        record("input", &cs, &mut before);

        // The graph, node by node.
        for node in &graph.nodes {
            let x = &wires[node.op.input()];
            let xv = &graph.values[node.op.input()];
            let out: Vec<Wire> = match &node.op {
                Op::Linear { terms, bias, .. } => terms
                    .iter()
                    .zip(bias)
                    .map(|(t, b)| {
                        // Collected unsorted and merged once: adding terms one
                        // by one to a LinearCombination is quadratic.
                        let mut terms = vec![(fe((*b).into()), Variable::One)];
                        let mut value = Some(i128::from(*b));
                        for (i, c) in t {
                            let (w, cf) = (&x[*i as usize], fe((*c).into()));
                            terms.extend(w.lc.iter().map(|(k, v)| (cf * k, *v)));
                            value = value.zip(w.value).map(|(acc, v)| acc + i128::from(*c) * v);
                        }
                        let mut lc = LinearCombination(terms);
                        lc.compactify();
                        Ok(Wire { lc: LinearCombination::from(cs.new_lc(lc)?), value })
                    })
                    .collect::<Result<_, SynthesisError>>()?,
                Op::Relu { .. } => x.iter().enumerate().map(|(i, w)| s.relu(w, xv.lo[i], xv.hi[i])).collect::<Result<_, _>>()?,
                Op::DivPow2 { shift, .. } => {
                    x.iter().enumerate().map(|(i, w)| s.div_pow2(w, xv.hi[i], *shift)).collect::<Result<_, _>>()?
                },
                Op::Clip { lo, hi, .. } => x
                    .iter()
                    .enumerate()
                    .map(|(i, w)| s.clip(w, (xv.lo[i], xv.hi[i]), ((*lo).into(), (*hi).into())))
                    .collect::<Result<_, _>>()?,
                Op::Same { .. } => x.clone(),
            };
            wires.push(out);
            record(&node.name, &cs, &mut before);
        }

        // The output, packed as the verifier packs it.
        let offset = 1i128 << (spec.bits - 1);
        let out = &wires[graph.output];
        for (chunk, var) in out.chunks(spec.per_element()).zip(&packed) {
            let lc = chunk.iter().enumerate().fold(lc!(), |acc, (i, w)| {
                let shift = Fr::from(2u64).pow([u64::from(spec.bits) * i as u64]);
                acc + (shift, &w.lc) + (shift * fe(offset), Variable::One)
            });
            cs.enforce_constraint(lc, lc!() + Variable::One, lc!() + *var)?;
        }
        record("output", &cs, &mut before);
        Ok(())
    }
}
