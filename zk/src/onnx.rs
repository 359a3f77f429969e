//! The part of ONNX's protobuf schema (`onnx.proto`, proto2) the compiler
//! reads, declared with `prost` under the schema's own field numbers. Fields
//! it does not declare are skipped when decoding.

use prost::Message;

use crate::{graph::DType, CompileError};

#[derive(Clone, PartialEq, Message)]
pub struct ModelProto {
    #[prost(int64, optional, tag = "1")]
    pub ir_version: Option<i64>,
    #[prost(message, optional, tag = "7")]
    pub graph: Option<GraphProto>,
    #[prost(message, repeated, tag = "8")]
    pub opset_import: Vec<OperatorSetIdProto>,
}

#[derive(Clone, PartialEq, Message)]
pub struct OperatorSetIdProto {
    #[prost(string, optional, tag = "1")]
    pub domain: Option<String>,
    #[prost(int64, optional, tag = "2")]
    pub version: Option<i64>,
}

#[derive(Clone, PartialEq, Message)]
pub struct GraphProto {
    #[prost(message, repeated, tag = "1")]
    pub node: Vec<NodeProto>,
    #[prost(message, repeated, tag = "5")]
    pub initializer: Vec<TensorProto>,
    #[prost(message, repeated, tag = "11")]
    pub input: Vec<ValueInfoProto>,
    #[prost(message, repeated, tag = "12")]
    pub output: Vec<ValueInfoProto>,
}

#[derive(Clone, PartialEq, Message)]
pub struct NodeProto {
    #[prost(string, repeated, tag = "1")]
    pub input: Vec<String>,
    #[prost(string, repeated, tag = "2")]
    pub output: Vec<String>,
    #[prost(string, optional, tag = "3")]
    pub name: Option<String>,
    #[prost(string, optional, tag = "4")]
    pub op_type: Option<String>,
    #[prost(message, repeated, tag = "5")]
    pub attribute: Vec<AttributeProto>,
    #[prost(string, optional, tag = "7")]
    pub domain: Option<String>,
}

#[derive(Clone, PartialEq, Message)]
pub struct AttributeProto {
    #[prost(string, optional, tag = "1")]
    pub name: Option<String>,
    #[prost(int64, optional, tag = "3")]
    pub i: Option<i64>,
    #[prost(message, optional, tag = "5")]
    pub t: Option<TensorProto>,
    #[prost(int64, repeated, tag = "8")]
    pub ints: Vec<i64>,
}

#[derive(Clone, PartialEq, Message)]
pub struct TensorProto {
    #[prost(int64, repeated, tag = "1")]
    pub dims: Vec<i64>,
    #[prost(int32, optional, tag = "2")]
    pub data_type: Option<i32>,
    #[prost(int32, repeated, tag = "5")]
    pub int32_data: Vec<i32>,
    #[prost(int64, repeated, tag = "7")]
    pub int64_data: Vec<i64>,
    #[prost(string, optional, tag = "8")]
    pub name: Option<String>,
    #[prost(bytes = "vec", optional, tag = "9")]
    pub raw_data: Option<Vec<u8>>,
    #[prost(int32, optional, tag = "14")]
    pub data_location: Option<i32>,
}

#[derive(Clone, PartialEq, Message)]
pub struct ValueInfoProto {
    #[prost(string, optional, tag = "1")]
    pub name: Option<String>,
    #[prost(message, optional, tag = "2")]
    pub r#type: Option<TypeProto>,
}

#[derive(Clone, PartialEq, Message)]
pub struct TypeProto {
    #[prost(message, optional, tag = "1")]
    pub tensor_type: Option<TensorTypeProto>,
}

#[derive(Clone, PartialEq, Message)]
pub struct TensorTypeProto {
    #[prost(int32, optional, tag = "1")]
    pub elem_type: Option<i32>,
    #[prost(message, optional, tag = "2")]
    pub shape: Option<TensorShapeProto>,
}

#[derive(Clone, PartialEq, Message)]
pub struct TensorShapeProto {
    #[prost(message, repeated, tag = "1")]
    pub dim: Vec<Dimension>,
}

#[derive(Clone, PartialEq, Message)]
pub struct Dimension {
    #[prost(int64, optional, tag = "1")]
    pub dim_value: Option<i64>,
    #[prost(string, optional, tag = "2")]
    pub dim_param: Option<String>,
}

/// Decodes an ONNX file's bytes.
pub fn decode(bytes: &[u8]) -> Result<ModelProto, prost::DecodeError> {
    ModelProto::decode(bytes)
}

/// A constant integer tensor from the model.
#[derive(Clone, Debug)]
pub(crate) struct Const {
    pub shape: Vec<usize>,
    pub dtype: DType,
    pub data: Vec<i64>,
}

impl Const {
    pub fn from_proto(t: &TensorProto) -> Result<Self, CompileError> {
        let name = t.name.clone().unwrap_or_default();
        let bad = |why: &str| CompileError::Constant { name: name.clone(), why: why.to_string() };
        if t.data_location == Some(1) {
            return Err(bad("external data is not supported"));
        }
        let dtype = DType::from_onnx(t.data_type.unwrap_or(0))
            .ok_or_else(|| bad("only uint8, int8, int32 and int64 constants are supported"))?;
        let shape: Vec<usize> =
            t.dims.iter().map(|d| usize::try_from(*d).map_err(|_| bad("negative dimension"))).collect::<Result<_, _>>()?;
        let n: usize = shape.iter().product();
        let data: Vec<i64> = match (&t.raw_data, dtype) {
            (Some(raw), DType::U8) => raw.iter().map(|b| i64::from(*b)).collect(),
            (Some(raw), DType::I8) => raw.iter().map(|b| i64::from(*b as i8)).collect(),
            (Some(raw), DType::I32) => {
                raw.chunks_exact(4).map(|b| i64::from(i32::from_le_bytes(b.try_into().expect("4 bytes")))).collect()
            },
            (Some(raw), DType::I64) => raw.chunks_exact(8).map(|b| i64::from_le_bytes(b.try_into().expect("8 bytes"))).collect(),
            (None, DType::U8) => t.int32_data.iter().map(|v| i64::from(*v as u8)).collect(),
            (None, DType::I8) => t.int32_data.iter().map(|v| i64::from(*v as i8)).collect(),
            (None, DType::I32) => t.int32_data.iter().map(|v| i64::from(*v)).collect(),
            (None, DType::I64) => t.int64_data.clone(),
        };
        if data.len() != n {
            return Err(bad("the data does not match the dimensions"));
        }
        Ok(Const { shape, dtype, data })
    }

    /// The constant expanded to `shape` by NumPy broadcasting, if it
    /// broadcasts without growing `shape`.
    pub fn broadcast_to(&self, shape: &[usize]) -> Option<Vec<i64>> {
        if self.shape.len() > shape.len() {
            return None;
        }
        let pad = shape.len() - self.shape.len();
        let own: Vec<usize> = std::iter::repeat_n(1, pad).chain(self.shape.iter().copied()).collect();
        if own.iter().zip(shape).any(|(a, b)| *a != 1 && a != b) {
            return None;
        }
        let n: usize = shape.iter().product();
        let mut out = Vec::with_capacity(n);
        for flat in 0..n {
            let (mut rem, mut src, mut stride) = (flat, 0, 1);
            for d in (0..shape.len()).rev() {
                let i = rem % shape[d];
                rem /= shape[d];
                if own[d] != 1 {
                    src += i * stride;
                }
                stride *= own[d];
            }
            out.push(self.data[src]);
        }
        Some(out)
    }
}

pub(crate) fn attr<'a>(node: &'a NodeProto, name: &str) -> Option<&'a AttributeProto> {
    node.attribute.iter().find(|a| a.name.as_deref() == Some(name))
}

pub(crate) fn ints(node: &NodeProto, name: &str, default: &[i64]) -> Vec<i64> {
    attr(node, name).map(|a| a.ints.clone()).unwrap_or_else(|| default.to_vec())
}

pub(crate) fn value_info(v: &ValueInfoProto) -> Result<(String, DType, Vec<usize>), CompileError> {
    let name = v.name.clone().unwrap_or_default();
    let t = v
        .r#type
        .as_ref()
        .and_then(|t| t.tensor_type.as_ref())
        .ok_or_else(|| CompileError::Io(format!("`{name}` is not a tensor")))?;
    let dtype = DType::from_onnx(t.elem_type.unwrap_or(0))
        .ok_or_else(|| CompileError::Io(format!("`{name}` is not an integer tensor")))?;
    let shape = t
        .shape
        .as_ref()
        .map(|s| {
            s.dim.iter().map(|d| d.dim_value.and_then(|v| usize::try_from(v).ok()).filter(|v| *v > 0)).collect::<Option<Vec<_>>>()
        })
        .unwrap_or(None)
        .ok_or_else(|| CompileError::Io(format!("`{name}` must have a fixed shape (a circuit has one size)")))?;
    Ok((name, dtype, shape))
}

pub(crate) fn reshape(from: &[usize], to: &[i64]) -> Option<Vec<usize>> {
    let n: usize = from.iter().product();
    let mut shape: Vec<usize> = Vec::with_capacity(to.len());
    let mut infer = None;
    for (i, d) in to.iter().enumerate() {
        match *d {
            0 => shape.push(*from.get(i)?),
            -1 if infer.is_none() => {
                infer = Some(i);
                shape.push(1);
            },
            d if d > 0 => shape.push(d as usize),
            _ => return None,
        }
    }
    let known: usize = shape.iter().product();
    if let Some(i) = infer {
        if known == 0 || n % known != 0 {
            return None;
        }
        shape[i] = n / known;
    }
    (shape.iter().product::<usize>() == n).then_some(shape)
}
