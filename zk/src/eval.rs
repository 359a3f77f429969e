//! The graph's integer semantics: per-element bounds, and evaluation.

use crate::{
    graph::{Graph, Op, Value},
    CompileError,
};

/// Per-element bounds of an operation's output from its input's bounds.
pub(crate) fn bounds(op: &Op, values: &[Value]) -> (Vec<i128>, Vec<i128>) {
    let x = &values[op.input()];
    match op {
        Op::Linear { terms, bias, .. } => terms
            .iter()
            .zip(bias)
            .map(|(t, b)| {
                t.iter().fold((i128::from(*b), i128::from(*b)), |(lo, hi), (i, c)| {
                    let (a, z) = (i128::from(*c) * x.lo[*i as usize], i128::from(*c) * x.hi[*i as usize]);
                    (lo + a.min(z), hi + a.max(z))
                })
            })
            .unzip(),
        Op::Relu { .. } => (x.lo.iter().map(|l| (*l).max(0)).collect(), x.hi.iter().map(|h| (*h).max(0)).collect()),
        Op::DivPow2 { shift, .. } => (x.lo.iter().map(|l| l >> shift).collect(), x.hi.iter().map(|h| h >> shift).collect()),
        Op::Clip { lo, hi, .. } => (
            x.lo.iter().map(|l| (*l).clamp((*lo).into(), (*hi).into())).collect(),
            x.hi.iter().map(|h| (*h).clamp((*lo).into(), (*hi).into())).collect(),
        ),
        Op::Same { .. } => (x.lo.clone(), x.hi.clone()),
    }
}

/// Runs the graph on `input` with ONNX Runtime's integer semantics (exact,
/// since the bounds rule out overflow), returning every value.
pub fn evaluate(graph: &Graph, input: &[u8]) -> Result<Vec<Vec<i64>>, CompileError> {
    if input.len() != graph.input().len() {
        return Err(CompileError::InputSize { expected: graph.input().len(), got: input.len() });
    }
    let mut values: Vec<Vec<i64>> = Vec::with_capacity(graph.values.len());
    values.push(input.iter().map(|b| i64::from(*b)).collect());
    for node in &graph.nodes {
        let x = &values[node.op.input()];
        let out: Vec<i64> = match &node.op {
            Op::Linear { terms, bias, .. } => {
                terms.iter().zip(bias).map(|(t, b)| t.iter().fold(*b, |acc, (i, c)| acc + c * x[*i as usize])).collect()
            },
            Op::Relu { .. } => x.iter().map(|v| (*v).max(0)).collect(),
            Op::DivPow2 { shift, .. } => x.iter().map(|v| v / (1i64 << shift)).collect(),
            Op::Clip { lo, hi, .. } => x.iter().map(|v| (*v).clamp(*lo, *hi)).collect(),
            Op::Same { .. } => x.clone(),
        };
        values.push(out);
    }
    Ok(values)
}
