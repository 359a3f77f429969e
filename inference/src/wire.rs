//! How a job's tensors travel as bytes: task inputs on chain, calibration
//! inputs in the registry, and the executor's posted output.
//!
//! The encoding is SCALE of a list of named tensors, each with its element
//! type, shape and little-endian elements. It is canonical (one byte string
//! per list of tensors), so the `blake3` hash of an encoded output is what an
//! executor commits to and what anyone can check the posted output against.
//! Tensors are named, not positional: a client does not need to know the order
//! in which the graph declares its inputs.

use codec::{Decode, Encode};

use crate::{DType, Data, TensorData, TensorSpec};

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
    name: String,
    dtype: u8,
    shape: Vec<u64>,
    data: Vec<u8>,
}

/// Why bytes are not a valid tensor list, or do not fit a model.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// Not SCALE of a tensor list, or bytes left over after it.
    #[error("input bytes are not an encoded tensor list: {0}")]
    Malformed(String),
    /// An element type tag this version does not know.
    #[error("tensor '{name}' has unknown element type tag {tag}")]
    UnknownType {
        /// The tensor.
        name: String,
        /// Its tag.
        tag: u8,
    },
    /// The byte length is not the element count times the element size.
    #[error("tensor '{name}' has {bytes} data bytes, but its shape {shape:?} needs {expected}")]
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
    #[error("the model needs input '{0}', which is missing")]
    MissingInput(String),
    /// The list names a tensor the model does not take.
    #[error("the model has no input named '{0}'")]
    UnknownInput(String),
    /// The same name appears twice.
    #[error("tensor '{0}' is given twice")]
    Duplicate(String),
}

fn tag(dtype: DType) -> u8 {
    match dtype {
        DType::F32 => 1,
        DType::I64 => 2,
        DType::U8 => 3,
    }
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
                name: t.name.clone(),
                dtype: tag(t.tensor.dtype()),
                shape: t.tensor.shape.iter().map(|d| *d as u64).collect(),
                data,
            }
        })
        .collect();
    wire.encode()
}

/// Decodes what [`encode`] produced; anything else is a [`WireError`].
pub fn decode(mut bytes: &[u8]) -> Result<Vec<NamedTensor>, WireError> {
    let wire = Vec::<Wire>::decode(&mut bytes).map_err(|e| WireError::Malformed(e.to_string()))?;
    if !bytes.is_empty() {
        return Err(WireError::Malformed(format!("{} bytes after the tensor list", bytes.len())));
    }
    wire.into_iter()
        .map(|w| {
            let elements = w.shape.iter().try_fold(1usize, |n, d| n.checked_mul(usize::try_from(*d).ok()?));
            let size = match w.dtype {
                1 => 4,
                2 => 8,
                3 => 1,
                tag => return Err(WireError::UnknownType { name: w.name, tag }),
            };
            let expected = elements.and_then(|n| n.checked_mul(size));
            if expected != Some(w.data.len()) {
                return Err(WireError::DataLength {
                    name: w.name,
                    bytes: w.data.len(),
                    shape: w.shape,
                    expected: expected.unwrap_or(usize::MAX),
                });
            }
            let data = match w.dtype {
                1 => Data::F32(w.data.chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes"))).collect()),
                2 => Data::I64(w.data.chunks_exact(8).map(|c| i64::from_le_bytes(c.try_into().expect("8 bytes"))).collect()),
                _ => Data::U8(w.data),
            };
            let shape = w.shape.iter().map(|d| *d as usize).collect();
            Ok(NamedTensor { name: w.name, tensor: TensorData { shape, data } })
        })
        .collect()
}

/// Puts named tensors in the order the model declares its inputs. Types and
/// shapes are checked by [`crate::Model::check_inputs`].
pub fn arrange(specs: &[TensorSpec], tensors: Vec<NamedTensor>) -> Result<Vec<TensorData>, WireError> {
    let mut slots: Vec<Option<TensorData>> = vec![None; specs.len()];
    for t in tensors {
        let i = specs.iter().position(|s| s.name == t.name).ok_or_else(|| WireError::UnknownInput(t.name.clone()))?;
        if slots[i].replace(t.tensor).is_some() {
            return Err(WireError::Duplicate(specs[i].name.clone()));
        }
    }
    slots
        .into_iter()
        .zip(specs)
        .map(|(slot, spec)| slot.ok_or_else(|| WireError::MissingInput(spec.name.clone())))
        .collect()
}
