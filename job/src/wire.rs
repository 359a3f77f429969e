//! How a job's tensors travel as bytes: SCALE of a list of named tensors
//! (`triad_verifier::wire`, which the chain reads too), and the model-side
//! helpers that put a decoded list in a model's input order or check it
//! against the model's declared inputs.

use triad_verifier::wire::Spec;
pub use triad_verifier::wire::{decode, encode, NamedTensor, WireError};

use triad_verifier::TensorData;

use crate::TensorSpec;

fn specs(specs: &[TensorSpec]) -> Vec<Spec<'_>> {
    specs.iter().map(|s| Spec { name: &s.name, dtype: s.dtype, shape: &s.shape }).collect()
}

/// Puts named tensors in the order the model declares its inputs. Types and
/// shapes are checked by [`fit`], or by the worker before ONNX Runtime runs.
pub fn arrange(model: &[TensorSpec], tensors: Vec<NamedTensor>) -> Result<Vec<TensorData>, WireError> {
    triad_verifier::wire::arrange(&specs(model), tensors)
}

/// Decodes job input bytes and checks them as the chain does at submission
/// (names, types, shapes, no empty dimension, finite floats), in the model's
/// input order.
pub fn fit(model: &[TensorSpec], bytes: &[u8]) -> Result<Vec<TensorData>, WireError> {
    triad_verifier::wire::fit(&specs(model), bytes)
}
