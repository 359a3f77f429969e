//! How a job's tensors travel as bytes: task inputs on chain, calibration
//! inputs in the registry, and the executor's posted output.
//!
//! The encoding is SCALE of a list of named tensors, each with its element
//! type, shape and little-endian elements. It is canonical (one byte string
//! per list of tensors), so the `blake3` hash of an encoded output is what an
//! executor commits to and what anyone can check the posted output against.
//! Tensors are named, not positional: a client does not need to know the order
//! in which the graph declares its inputs.
//!
//! The codec lives here, in a `no_std` crate, because the chain reads it too:
//! `submit_task` refuses an input that does not [`fit`] the model before
//! anyone is drawn to run it, and the executor's posted output is decoded on
//! chain to be fingerprinted.

use alloc::{string::String, vec::Vec};
use codec::{Decode, Encode};

use crate::tensor::{all_finite, DType, Data, TensorData};

/// One tensor with its graph name.
#[derive(Clone, Debug, PartialEq)]
pub struct NamedTensor {
    /// Input or output name in the ONNX graph.
    pub name: String,
    /// The tensor.
    pub tensor: TensorData,
}

#[derive(Encode, Decode)]
struct Wire {
    name: Vec<u8>,
    dtype: u8,
    shape: Vec<u64>,
    data: Vec<u8>,
}

/// A declared input of a model: what [`fit`] checks a job input against.
#[derive(Clone, Copy, Debug)]
pub struct Spec<'a> {
    /// Graph name.
    pub name: &'a str,
    /// Element type.
    pub dtype: DType,
    /// Dimensions; `-1` marks a dynamic one.
    pub shape: &'a [i64],
}

/// Why bytes are not a valid tensor list, or do not fit a model.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "std", derive(thiserror::Error))]
pub enum WireError {
    /// Not SCALE of a tensor list, or bytes left over after it.
    #[cfg_attr(feature = "std", error("input bytes are not an encoded tensor list"))]
    Malformed,
    /// A tensor name is not UTF-8.
    #[cfg_attr(feature = "std", error("a tensor name is not UTF-8"))]
    BadName,
    /// An element type tag this version does not know.
    #[cfg_attr(feature = "std", error("tensor '{name}' has unknown element type tag {tag}"))]
    UnknownType {
        /// The tensor.
        name: String,
        /// Its tag.
        tag: u8,
    },
    /// The byte length is not the element count times the element size.
    #[cfg_attr(feature = "std", error("tensor '{name}' has {bytes} data bytes, but its shape {shape:?} needs {expected}"))]
    DataLength {
        /// The tensor.
        name: String,
        /// Bytes present.
        bytes: usize,
        /// Its shape.
        shape: Vec<u64>,
        /// Bytes the shape needs.
        expected: usize,
    },
    /// The model has an input the list does not name.
    #[cfg_attr(feature = "std", error("the model needs input '{0}', which is missing"))]
    MissingInput(String),
    /// The list names a tensor the model does not take.
    #[cfg_attr(feature = "std", error("the model has no input named '{0}'"))]
    UnknownInput(String),
    /// The same name appears twice.
    #[cfg_attr(feature = "std", error("tensor '{0}' is given twice"))]
    Duplicate(String),
    /// A tensor has another element type than the model declares.
    #[cfg_attr(feature = "std", error("input '{name}' must be {expected:?}, got {found:?}"))]
    WrongType {
        /// The input.
        name: String,
        /// Declared type.
        expected: DType,
        /// Given type.
        found: DType,
    },
    /// A tensor has another shape than the model declares.
    #[cfg_attr(feature = "std", error("input '{name}' must have shape {expected:?} (-1 = any), got {found:?}"))]
    WrongShape {
        /// The input.
        name: String,
        /// Declared shape.
        expected: Vec<i64>,
        /// Given shape.
        found: Vec<usize>,
    },
    /// A dimension is zero: there is nothing to run the model on.
    #[cfg_attr(feature = "std", error("input '{0}' has a dimension of size zero"))]
    EmptyDimension(String),
    /// A float input holds NaN or infinity, which no model output can be
    /// verified for.
    #[cfg_attr(feature = "std", error("input '{0}' contains a NaN or infinite value"))]
    NonFinite(String),
}

/// Encodes named tensors.
pub fn encode(tensors: &[NamedTensor]) -> Vec<u8> {
    let wire: Vec<Wire> = tensors
        .iter()
        .map(|t| {
            let data = match &t.tensor.data {
                Data::F32(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
                Data::I64(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
                Data::U8(v) => v.clone(),
            };
            Wire {
                name: t.name.as_bytes().to_vec(),
                dtype: t.tensor.dtype().tag(),
                shape: t.tensor.shape.iter().map(|d| *d as u64).collect(),
                data,
            }
        })
        .collect();
    wire.encode()
}

/// Decodes what [`encode`] produced; anything else is a [`WireError`].
pub fn decode(mut bytes: &[u8]) -> Result<Vec<NamedTensor>, WireError> {
    let wire = Vec::<Wire>::decode(&mut bytes).map_err(|_| WireError::Malformed)?;
    if !bytes.is_empty() {
        return Err(WireError::Malformed);
    }
    wire.into_iter()
        .map(|w| {
            let name = String::from_utf8(w.name).map_err(|_| WireError::BadName)?;
            let elements = w.shape.iter().try_fold(1usize, |n, d| n.checked_mul(usize::try_from(*d).ok()?));
            let Some(dtype) = DType::from_tag(w.dtype) else {
                return Err(WireError::UnknownType { name, tag: w.dtype });
            };
            let expected = elements.and_then(|n| n.checked_mul(dtype.size()));
            if expected != Some(w.data.len()) {
                return Err(WireError::DataLength {
                    name,
                    bytes: w.data.len(),
                    shape: w.shape,
                    expected: expected.unwrap_or(usize::MAX),
                });
            }
            let data = match dtype {
                DType::F32 => Data::F32(w.data.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()),
                DType::I64 => {
                    Data::I64(w.data.chunks_exact(8).map(|c| i64::from_le_bytes(c.try_into().expect("chunks of 8"))).collect())
                },
                DType::U8 => Data::U8(w.data),
            };
            let shape = w.shape.iter().map(|d| *d as usize).collect();
            Ok(NamedTensor { name, tensor: TensorData { shape, data } })
        })
        .collect()
}

/// Puts named tensors in the order the model declares its inputs, without
/// checking their types or shapes.
pub fn arrange(specs: &[Spec<'_>], tensors: Vec<NamedTensor>) -> Result<Vec<TensorData>, WireError> {
    let mut slots: Vec<Option<TensorData>> = alloc::vec![None; specs.len()];
    for t in tensors {
        let i = specs.iter().position(|s| s.name == t.name).ok_or_else(|| WireError::UnknownInput(t.name.clone()))?;
        if slots[i].replace(t.tensor).is_some() {
            return Err(WireError::Duplicate(specs[i].name.into()));
        }
    }
    slots.into_iter().zip(specs).map(|(slot, spec)| slot.ok_or_else(|| WireError::MissingInput(spec.name.into()))).collect()
}

/// Decodes job input bytes and checks them against the model's declared
/// inputs: every input named exactly once, of its declared type and shape
/// (`-1` matches any size), no dimension of size zero, every float finite.
/// Returns the tensors in the model's input order.
///
/// This is the one definition of a runnable input: the chain refuses
/// anything else at submission, and the CLI checks it before signing.
pub fn fit(specs: &[Spec<'_>], bytes: &[u8]) -> Result<Vec<TensorData>, WireError> {
    let tensors = arrange(specs, decode(bytes)?)?;
    for (spec, t) in specs.iter().zip(&tensors) {
        if t.dtype() != spec.dtype {
            return Err(WireError::WrongType { name: spec.name.into(), expected: spec.dtype, found: t.dtype() });
        }
        let matches =
            t.shape.len() == spec.shape.len() && t.shape.iter().zip(spec.shape).all(|(d, s)| *s < 0 || *s as u64 == *d as u64);
        if !matches {
            return Err(WireError::WrongShape { name: spec.name.into(), expected: spec.shape.to_vec(), found: t.shape.clone() });
        }
        if t.shape.contains(&0) {
            return Err(WireError::EmptyDimension(spec.name.into()));
        }
        if t.as_f32().is_some_and(|v| !all_finite(v)) {
            return Err(WireError::NonFinite(spec.name.into()));
        }
    }
    Ok(tensors)
}
