//! A model as everyone off chain needs it: its declared tensors and how its
//! outputs are fingerprinted and compared.

use triad_verifier::{DType, LshParams, OutputCheck, TensorData};

use crate::wire;

/// A declared model input or output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TensorSpec {
    /// Its name in the graph.
    pub name: String,
    /// Element type.
    pub dtype: DType,
    /// Dimensions; `-1` where the model leaves one dynamic.
    pub shape: Vec<i64>,
}

/// Why a task cannot be computed or checked.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The registry declares a tensor type workers cannot feed.
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
    /// The model could not be run: its file, or ONNX Runtime, failed.
    #[error("the model could not run: {0}")]
    Model(String),
    /// The model produced no output, or one the fingerprint cannot take.
    #[error("cannot fingerprint the output: {0}")]
    Fingerprint(String),
}

/// A registered model as a worker, client or auditor needs it.
#[derive(Clone, Debug)]
pub struct Schema {
    /// Registered name.
    pub name: String,
    /// `blake3` of the ONNX file.
    pub onnx_hash: [u8; 32],
    /// Its length in bytes: with the hash, what the data plane fetches it by.
    pub onnx_size: u64,
    /// Inputs, in graph order.
    pub inputs: Vec<TensorSpec>,
    /// Outputs, in graph order.
    pub outputs: Vec<TensorSpec>,
    /// How outputs are fingerprinted.
    pub lsh: LshParams,
    /// How each output is compared with a verifier's own, in output order.
    pub checks: Vec<OutputCheck>,
    /// `blake3` of the Groth16 verifying key, when the model allows proofs.
    pub groth16: Option<[u8; 32]>,
}

impl Schema {
    /// Decodes job input bytes, checks them as the chain does at
    /// submission, and puts them in the model's input order.
    pub fn inputs_from_bytes(&self, bytes: &[u8]) -> Result<Vec<TensorData>, JobError> {
        Ok(wire::fit(&self.inputs, bytes)?)
    }

    /// Names outputs after the model's declared outputs.
    pub fn named_outputs(&self, outputs: Vec<TensorData>) -> Vec<wire::NamedTensor> {
        self.outputs.iter().zip(outputs).map(|(s, tensor)| wire::NamedTensor { name: s.name.clone(), tensor }).collect()
    }
}
