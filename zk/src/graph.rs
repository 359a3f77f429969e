//! From an ONNX file to Triad's integer graph: a list of exact integer
//! operations with every value's type, shape and proven bounds.
//!
//! Every supported ONNX operator lowers to one of four operations:
//!
//! - [`Op::Linear`]: each output element is `bias + Σ coeff · x[index]` over
//!   the input's elements, with constant integer coefficients.
//!   `MatMulInteger`, `ConvInteger`, `Add` and `Mul` with a constant, and the
//!   zero points of the integer products all become this, since the weights
//!   are public and part of the model's hash.
//! - [`Op::Relu`]: `max(x, 0)` (`Relu`, or `Max` with a constant 0).
//! - [`Op::DivPow2`]: `x / 2^s` for `x ≥ 0` (`Div` by a constant power of two;
//!   ONNX Runtime truncates, which is flooring for `x ≥ 0`).
//! - [`Op::Clip`]: `min(max(x, lo), hi)`.
//!
//! `Cast`, `Reshape`, `Flatten` and `Identity` change only a value's type or
//! shape ([`Op::Same`]). A cast that could wrap, or any value whose bounds
//! leave its type's range (where ONNX Runtime would overflow), is refused: the
//! circuit computes over a field, so it matches ONNX Runtime only where ONNX
//! Runtime's integers do not wrap.

use std::collections::HashMap;

use crate::{
    eval::bounds,
    onnx::{self, attr, ints, reshape, value_info, Const, NodeProto},
    CompileError,
};

/// An integer element type ONNX Runtime computes with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DType {
    /// `uint8`.
    U8,
    /// `int8`.
    I8,
    /// `int32`.
    I32,
    /// `int64`.
    I64,
}

impl DType {
    pub(crate) fn from_onnx(code: i32) -> Option<Self> {
        Some(match code {
            2 => DType::U8,
            3 => DType::I8,
            6 => DType::I32,
            7 => DType::I64,
            _ => return None,
        })
    }

    /// The values the type holds.
    pub fn range(self) -> (i128, i128) {
        match self {
            DType::U8 => (0, 255),
            DType::I8 => (-128, 127),
            DType::I32 => (i32::MIN.into(), i32::MAX.into()),
            DType::I64 => (i64::MIN.into(), i64::MAX.into()),
        }
    }

    /// The type's ONNX name.
    pub fn name(self) -> &'static str {
        match self {
            DType::U8 => "uint8",
            DType::I8 => "int8",
            DType::I32 => "int32",
            DType::I64 => "int64",
        }
    }
}

/// Index of a value in [`Graph::values`].
pub type ValueId = usize;

/// One exact integer operation.
#[derive(Clone, Debug)]
pub enum Op {
    /// `out[j] = bias[j] + Σ (index, coeff) in terms[j]: coeff · x[index]`.
    Linear {
        /// Its input.
        x: ValueId,
        /// Per output element, its terms.
        terms: Vec<Vec<(u32, i64)>>,
        /// Per output element, its constant.
        bias: Vec<i64>,
    },
    /// `max(x, 0)`.
    Relu {
        /// Its input.
        x: ValueId,
    },
    /// `x / 2^shift`, for `x ≥ 0`.
    DivPow2 {
        /// Its input.
        x: ValueId,
        /// The power of two.
        shift: u32,
    },
    /// `min(max(x, lo), hi)`.
    Clip {
        /// Its input.
        x: ValueId,
        /// Lower bound.
        lo: i64,
        /// Upper bound.
        hi: i64,
    },
    /// The same elements under another type or shape.
    Same {
        /// Its input.
        x: ValueId,
    },
}

impl Op {
    /// The value the operation reads.
    pub fn input(&self) -> ValueId {
        match self {
            Op::Linear { x, .. } | Op::Relu { x } | Op::DivPow2 { x, .. } | Op::Clip { x, .. } | Op::Same { x } => *x,
        }
    }
}

/// A value computed by the graph, with what is proven about it.
#[derive(Clone, Debug)]
pub struct Value {
    /// Its ONNX name.
    pub name: String,
    /// Dimensions.
    pub shape: Vec<usize>,
    /// Element type.
    pub dtype: DType,
    /// Per element, the least value it can take.
    pub lo: Vec<i128>,
    /// Per element, the greatest value it can take.
    pub hi: Vec<i128>,
}

impl Value {
    /// Number of elements.
    pub fn len(&self) -> usize {
        self.lo.len()
    }

    /// Whether it has no elements.
    pub fn is_empty(&self) -> bool {
        self.lo.is_empty()
    }
}

/// One node of the graph: the ONNX node it came from, its operation, and the
/// value it defines.
#[derive(Clone, Debug)]
pub struct Node {
    /// The ONNX node's name (or its output's, when unnamed).
    pub name: String,
    /// The ONNX operator it lowers.
    pub op_type: String,
    /// The operation.
    pub op: Op,
    /// The value it defines.
    pub out: ValueId,
}

/// A compiled model: one `uint8` input (value 0), one integer output.
#[derive(Clone, Debug)]
pub struct Graph {
    /// Every value; value 0 is the input.
    pub values: Vec<Value>,
    /// The operations, in order.
    pub nodes: Vec<Node>,
    /// The output value.
    pub output: ValueId,
}

impl Graph {
    /// The input's description.
    pub fn input(&self) -> &Value {
        &self.values[0]
    }

    /// The output's description.
    pub fn output(&self) -> &Value {
        &self.values[self.output]
    }

    /// Compiles an ONNX file, refusing anything the circuit cannot compute
    /// exactly.
    pub fn from_onnx(bytes: &[u8]) -> Result<Self, CompileError> {
        let model = onnx::decode(bytes).map_err(|e| CompileError::Decode(e.to_string()))?;
        let graph = model.graph.ok_or(CompileError::Decode("no graph".into()))?;
        let mut consts: HashMap<String, Const> = HashMap::new();
        for t in &graph.initializer {
            let c = Const::from_proto(t)?;
            consts.insert(t.name.clone().unwrap_or_default(), c);
        }
        let inputs: Vec<_> = graph.input.iter().filter(|i| !consts.contains_key(i.name.as_deref().unwrap_or(""))).collect();
        let [input] = inputs[..] else {
            return Err(CompileError::Io(format!("the model must take exactly one input, it takes {}", inputs.len())));
        };
        let [output] = &graph.output[..] else {
            return Err(CompileError::Io(format!("the model must give exactly one output, it gives {}", graph.output.len())));
        };
        let (name, dtype, shape) = value_info(input)?;
        if dtype != DType::U8 {
            return Err(CompileError::Io(format!("the input `{name}` must be uint8, it is {}", dtype.name())));
        }
        let n: usize = shape.iter().product();
        let mut g = Graph {
            values: vec![Value { name: name.clone(), shape, dtype, lo: vec![0; n], hi: vec![255; n] }],
            nodes: Vec::new(),
            output: 0,
        };
        let mut names: HashMap<String, ValueId> = HashMap::from([(name, 0)]);
        for node in &graph.node {
            g.lower(node, &mut names, &mut consts)?;
        }
        let (out_name, out_dtype, out_shape) = value_info(output)?;
        let out = *names.get(&out_name).ok_or_else(|| CompileError::Io(format!("the output `{out_name}` is never computed")))?;
        if !matches!(out_dtype, DType::U8 | DType::I64) || g.values[out].dtype != out_dtype {
            return Err(CompileError::Io(format!("the output `{out_name}` must be uint8 or int64, it is {}", out_dtype.name())));
        }
        if g.values[out].shape != out_shape {
            return Err(CompileError::Io(format!(
                "the output `{out_name}` is declared {:?} but computes {:?}",
                out_shape, g.values[out].shape
            )));
        }
        g.output = out;
        Ok(g)
    }

    fn lower(
        &mut self,
        node: &NodeProto,
        names: &mut HashMap<String, ValueId>,
        consts: &mut HashMap<String, Const>,
    ) -> Result<(), CompileError> {
        let op_type = node.op_type.clone().unwrap_or_default();
        let out_name = node.output.first().cloned().unwrap_or_default();
        let node_name = node.name.clone().filter(|n| !n.is_empty()).unwrap_or_else(|| out_name.clone());
        let unsupported =
            |why: &str| CompileError::Unsupported { op: op_type.clone(), node: node_name.clone(), why: why.to_string() };
        if node.domain.as_deref().is_some_and(|d| !d.is_empty() && d != "ai.onnx") {
            return Err(unsupported("only the default ONNX domain is supported"));
        }
        if op_type == "Constant" {
            let t = attr(node, "value")
                .and_then(|a| a.t.as_ref())
                .ok_or_else(|| unsupported("only tensor constants are supported"))?;
            consts.insert(out_name, Const::from_proto(t)?);
            return Ok(());
        }
        // Operand i: a computed value or a constant ("" is an omitted optional input).
        let operand = |i: usize| -> Option<Operand<'_>> {
            let name = node.input.get(i).filter(|n| !n.is_empty())?;
            names.get(name).map(|v| Operand::Value(*v)).or_else(|| consts.get(name).map(Operand::Const))
        };
        let value = |i: usize| match operand(i) {
            Some(Operand::Value(v)) => Ok(v),
            _ => Err(unsupported("expects a computed value here")),
        };
        let constant = |i: usize| match operand(i) {
            Some(Operand::Const(c)) => Ok(c.clone()),
            _ => Err(unsupported("expects a constant here")),
        };
        let scalar = |i: usize, default: i64| -> Result<i64, CompileError> {
            match operand(i) {
                None => Ok(default),
                Some(Operand::Const(c)) if c.data.len() == 1 => Ok(c.data[0]),
                _ => Err(unsupported("takes only a scalar constant here")),
            }
        };
        let (op, dtype, shape) = match op_type.as_str() {
            "MatMulInteger" => {
                let x = value(0)?;
                let w = constant(1)?;
                let (x_zp, w_zp) = (scalar(2, 0)?, scalar(3, 0)?);
                let xs = &self.values[x].shape;
                let [k, n] = w.shape[..] else { return Err(unsupported("the weights must be a 2-D constant")) };
                if xs.last() != Some(&k) {
                    return Err(unsupported("the input's last dimension must match the weights' first"));
                }
                check_saturation(&self.values[x], &w).map_err(|why| unsupported(&why))?;
                let rows = self.values[x].len() / k;
                let mut terms = Vec::with_capacity(rows * n);
                let mut bias = Vec::with_capacity(rows * n);
                for r in 0..rows {
                    for j in 0..n {
                        let coeffs: Vec<(u32, i64)> = (0..k).map(|i| ((r * k + i) as u32, w.data[i * n + j] - w_zp)).collect();
                        bias.push(-x_zp * coeffs.iter().map(|c| c.1).sum::<i64>());
                        terms.push(coeffs.into_iter().filter(|c| c.1 != 0).collect());
                    }
                }
                let mut shape = xs.clone();
                *shape.last_mut().expect("k matched") = n;
                (Op::Linear { x, terms, bias }, DType::I32, shape)
            },
            "ConvInteger" => {
                let x = value(0)?;
                let w = constant(1)?;
                let (x_zp, w_zp) = (scalar(2, 0)?, scalar(3, 0)?);
                if x_zp != 0 {
                    return Err(unsupported("a nonzero input zero point is not supported"));
                }
                if attr(node, "group").and_then(|a| a.i).unwrap_or(1) != 1 {
                    return Err(unsupported("grouped convolutions are not supported"));
                }
                if attr(node, "dilations").is_some_and(|a| a.ints.iter().any(|d| *d != 1)) {
                    return Err(unsupported("dilated convolutions are not supported"));
                }
                if attr(node, "auto_pad").is_some() {
                    return Err(unsupported("auto_pad is not supported; give explicit pads"));
                }
                check_saturation(&self.values[x], &w).map_err(|why| unsupported(&why))?;
                let strides = ints(node, "strides", &[1, 1]);
                let pads = ints(node, "pads", &[0, 0, 0, 0]);
                let [1, cin, h, wd] = self.values[x].shape[..] else { return Err(unsupported("the input must be [1, C, H, W]")) };
                let [cout, wcin, kh, kw] = w.shape[..] else { return Err(unsupported("the weights must be [M, C, kH, kW]")) };
                let ([sh, sw], [pt, pl, pb, pr]) = (
                    <[i64; 2]>::try_from(strides).map_err(|_| unsupported("strides must have 2 entries"))?,
                    <[i64; 4]>::try_from(pads).map_err(|_| unsupported("pads must have 4 entries"))?,
                );
                if wcin != cin || sh < 1 || sw < 1 || [pt, pl, pb, pr].iter().any(|p| *p < 0) {
                    return Err(unsupported("the weights, strides or pads do not fit the input"));
                }
                let (sh, sw, pt, pl) = (sh as usize, sw as usize, pt as usize, pl as usize);
                let (ph, pw) = (h + pt + pb as usize, wd + pl + pr as usize);
                if ph < kh || pw < kw {
                    return Err(unsupported("the kernel is larger than the padded input"));
                }
                let (oh, ow) = ((ph - kh) / sh + 1, (pw - kw) / sw + 1);
                let mut terms = Vec::with_capacity(cout * oh * ow);
                for co in 0..cout {
                    for oy in 0..oh {
                        for ox in 0..ow {
                            let mut t = Vec::new();
                            for ci in 0..cin {
                                for ky in 0..kh {
                                    for kx in 0..kw {
                                        let (iy, ix) =
                                            ((oy * sh + ky) as isize - pt as isize, (ox * sw + kx) as isize - pl as isize);
                                        if iy < 0 || ix < 0 || iy >= h as isize || ix >= wd as isize {
                                            continue;
                                        }
                                        let coeff = w.data[((co * cin + ci) * kh + ky) * kw + kx] - w_zp;
                                        if coeff != 0 {
                                            t.push((((ci * h + iy as usize) * wd + ix as usize) as u32, coeff));
                                        }
                                    }
                                }
                            }
                            terms.push(t);
                        }
                    }
                }
                let bias = vec![0; terms.len()];
                (Op::Linear { x, terms, bias }, DType::I32, vec![1, cout, oh, ow])
            },
            "Add" | "Mul" => {
                let (x, c) = match (operand(0), operand(1)) {
                    (Some(Operand::Value(x)), Some(Operand::Const(c))) | (Some(Operand::Const(c)), Some(Operand::Value(x))) => {
                        (x, c.clone())
                    },
                    _ => return Err(unsupported("only a computed value and a constant are supported")),
                };
                let v = &self.values[x];
                if c.dtype != v.dtype {
                    return Err(unsupported("the constant's type differs from the value's"));
                }
                let c = c
                    .broadcast_to(&v.shape)
                    .ok_or_else(|| unsupported("the constant does not broadcast to the value's shape"))?;
                let op = if op_type == "Add" {
                    Op::Linear { x, terms: (0..v.len()).map(|i| vec![(i as u32, 1)]).collect(), bias: c }
                } else {
                    Op::Linear {
                        x,
                        terms: c.iter().enumerate().map(|(i, m)| vec![(i as u32, *m)]).collect(),
                        bias: vec![0; v.len()],
                    }
                };
                (op, v.dtype, v.shape.clone())
            },
            "Relu" => {
                let x = value(0)?;
                (Op::Relu { x }, self.values[x].dtype, self.values[x].shape.clone())
            },
            "Max" => {
                let (x, zero) = match (operand(0), operand(1), node.input.len()) {
                    (Some(Operand::Value(x)), Some(Operand::Const(c)), 2)
                    | (Some(Operand::Const(c)), Some(Operand::Value(x)), 2) => (x, c),
                    _ => return Err(unsupported("only the maximum of a value and a constant 0 is supported")),
                };
                if zero.data.iter().any(|z| *z != 0) {
                    return Err(unsupported("only the maximum of a value and a constant 0 is supported"));
                }
                (Op::Relu { x }, self.values[x].dtype, self.values[x].shape.clone())
            },
            "Div" => {
                let x = value(0)?;
                let d = scalar(1, 0)?;
                if d <= 0 || d.count_ones() != 1 {
                    return Err(unsupported("only division by a constant power of two is supported"));
                }
                if self.values[x].lo.iter().any(|l| *l < 0) {
                    return Err(unsupported("the dividend may be negative; divide after Relu or Clip"));
                }
                (Op::DivPow2 { x, shift: d.trailing_zeros() }, self.values[x].dtype, self.values[x].shape.clone())
            },
            "Clip" => {
                let x = value(0)?;
                let (tmin, tmax) = self.values[x].dtype.range();
                let (lo, hi) = (scalar(1, tmin as i64)?, scalar(2, tmax as i64)?);
                if lo > hi {
                    return Err(unsupported("the lower bound exceeds the upper"));
                }
                (Op::Clip { x, lo, hi }, self.values[x].dtype, self.values[x].shape.clone())
            },
            "Cast" => {
                let x = value(0)?;
                let to = attr(node, "to")
                    .and_then(|a| a.i)
                    .and_then(|t| DType::from_onnx(t as i32))
                    .ok_or_else(|| unsupported("only casts to uint8, int8, int32 or int64 are supported"))?;
                (Op::Same { x }, to, self.values[x].shape.clone())
            },
            "Identity" => {
                let x = value(0)?;
                (Op::Same { x }, self.values[x].dtype, self.values[x].shape.clone())
            },
            "Reshape" => {
                let x = value(0)?;
                let target = constant(1)?;
                let shape = reshape(&self.values[x].shape, &target.data)
                    .ok_or_else(|| unsupported("the new shape does not fit the value"))?;
                (Op::Same { x }, self.values[x].dtype, shape)
            },
            "Flatten" => {
                let x = value(0)?;
                let s = &self.values[x].shape;
                let axis = attr(node, "axis").and_then(|a| a.i).unwrap_or(1);
                let axis = if axis < 0 { axis + s.len() as i64 } else { axis };
                if axis < 0 || axis as usize > s.len() {
                    return Err(unsupported("the axis is out of range"));
                }
                let (a, b) = s.split_at(axis as usize);
                (Op::Same { x }, self.values[x].dtype, vec![a.iter().product(), b.iter().product()])
            },
            _ => return Err(unsupported("the circuit compiler has no rule for this operator")),
        };
        let (lo, hi) = bounds(&op, &self.values);
        let (tmin, tmax) = dtype.range();
        if lo.iter().any(|l| *l < tmin) || hi.iter().any(|h| *h > tmax) {
            return Err(CompileError::MayOverflow { node: node_name, dtype: dtype.name() });
        }
        self.values.push(Value { name: out_name.clone(), shape, dtype, lo, hi });
        let out = self.values.len() - 1;
        self.nodes.push(Node { name: node_name, op_type, op, out });
        names.insert(out_name, out);
        Ok(())
    }
}

enum Operand<'a> {
    Value(ValueId),
    Const(&'a Const),
}

/// ONNX Runtime's x86 kernels without VNNI (AVX2, AVX-512BW) add adjacent
/// `uint8 × int8` products in saturating 16-bit lanes, so an integer product
/// is exact everywhere only while `2 · max|x| · max|w| < 2^15`: 7-bit weights
/// (onnxruntime's `reduce_range`) or 7-bit activations.
fn check_saturation(x: &Value, w: &Const) -> Result<(), String> {
    let x_max = x.lo.iter().chain(&x.hi).map(|v| v.unsigned_abs()).max().unwrap_or(0);
    let w_max = w.data.iter().map(|v| v.unsigned_abs()).max().unwrap_or(0);
    if 2 * x_max * u128::from(w_max) > i16::MAX as u128 {
        return Err(format!(
            "inputs up to {x_max} times weights up to {w_max} may saturate ONNX Runtime's 16-bit x86 lanes; quantize weights to 7 bits (reduce_range)"
        ));
    }
    Ok(())
}
