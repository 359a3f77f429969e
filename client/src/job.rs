//! What a seat computes for a task, shared by the worker that computes it and
//! the auditor that re-checks it.
//!
//! - A model's schema comes from its registry entry ([`Schema::of`]); only the
//!   element types ONNX Runtime is fed here (`FP32`, `INT64`, `UINT8`) are
//!   accepted.
//! - Inputs and outputs travel as [`triad_inference::wire`] bytes. The
//!   executor commits to `blake3` of its encoded outputs ([`output_hash`]).
//! - The fingerprint covers the model's first output ([`fingerprint`]):
//!   classifiers, detectors and embedders put their answer there, and one
//!   tensor keeps the LSH a function of one well-defined vector.

use triad_inference::{wire, DType, Data, TensorData, TensorSpec};
use triad_verifier::{Fingerprint, LshParams, Tensor};

use crate::chain::runtime_types::pallet_triad_models::types::{DataType, ModelInfo, TensorSpec as ChainSpec};

/// Why a task cannot be computed, before or after ONNX Runtime runs.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The registry declares a tensor type this worker cannot feed.
    #[error("model {kind} '{name}' is {datatype}, which workers cannot run (FP32, INT64 and UINT8 only)")]
    UnsupportedType {
        /// `input` or `output`.
        kind: &'static str,
        /// Its name.
        name: String,
        /// The registered type.
        datatype: String,
    },
    /// The input bytes are not a valid tensor list for the model.
    #[error(transparent)]
    Wire(#[from] wire::WireError),
    /// ONNX Runtime refused the input or failed.
    #[error(transparent)]
    Inference(#[from] triad_inference::InferenceError),
    /// The model produced no output, or one the fingerprint cannot take.
    #[error("cannot fingerprint the output: {0}")]
    Fingerprint(String),
}

/// A registered model as a worker or client needs it.
#[derive(Clone, Debug)]
pub struct Schema {
    /// Registered name.
    pub name: String,
    /// `blake3` of the ONNX file.
    pub onnx_hash: [u8; 32],
    /// Inputs, in graph order.
    pub inputs: Vec<TensorSpec>,
    /// Outputs, in graph order.
    pub outputs: Vec<TensorSpec>,
    /// How outputs are fingerprinted.
    pub lsh: LshParams,
}

fn spec(kind: &'static str, s: &ChainSpec) -> Result<TensorSpec, JobError> {
    let name = String::from_utf8_lossy(&s.name.0).into_owned();
    let dtype = match s.datatype {
        DataType::F32 => DType::F32,
        DataType::I64 => DType::I64,
        DataType::U8 => DType::U8,
        ref other => return Err(JobError::UnsupportedType { kind, name, datatype: format!("{other:?}") }),
    };
    Ok(TensorSpec { name, dtype, shape: s.shape.0.clone() })
}

impl Schema {
    /// The schema of a registry entry.
    pub fn of(info: &ModelInfo) -> Result<Self, JobError> {
        Ok(Schema {
            name: String::from_utf8_lossy(&info.name.0).into_owned(),
            onnx_hash: info.onnx_hash,
            inputs: info.inputs.0.iter().map(|s| spec("input", s)).collect::<Result<_, _>>()?,
            outputs: info.outputs.0.iter().map(|s| spec("output", s)).collect::<Result<_, _>>()?,
            lsh: crate::native(&info.lsh).map_err(|e| JobError::Fingerprint(e.to_string()))?,
        })
    }

    /// Decodes job input bytes and puts them in the model's input order.
    pub fn inputs_from_bytes(&self, bytes: &[u8]) -> Result<Vec<TensorData>, JobError> {
        Ok(wire::arrange(&self.inputs, wire::decode(bytes)?)?)
    }

    /// Names outputs after the model's declared outputs.
    pub fn named_outputs(&self, outputs: Vec<TensorData>) -> Vec<wire::NamedTensor> {
        self.outputs.iter().zip(outputs).map(|(s, tensor)| wire::NamedTensor { name: s.name.clone(), tensor }).collect()
    }
}

/// The fingerprint of a model's outputs under its parameters.
pub fn fingerprint(params: &LshParams, outputs: &[TensorData]) -> Result<Fingerprint, JobError> {
    let first = outputs.first().ok_or_else(|| JobError::Fingerprint("the model returned no outputs".into()))?;
    let shape = &first.shape;
    let tensor = match &first.data {
        Data::F32(data) => Tensor::F32 { shape, data },
        Data::I64(data) => Tensor::I64 { shape, data },
        Data::U8(data) => Tensor::U8 { shape, data },
    };
    triad_verifier::fingerprint(params, &tensor).map_err(|e| JobError::Fingerprint(e.to_string()))
}

/// What the executor commits to: `blake3` of its encoded outputs.
pub fn output_hash(encoded_outputs: &[u8]) -> [u8; 32] {
    *blake3::hash(encoded_outputs).as_bytes()
}
