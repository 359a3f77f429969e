//! Owned tensors that cross the boundary to ONNX Runtime. They are the
//! verifier's types (`triad-verifier`, `no_std`), so the chain, the workers
//! and the checks share one definition.

pub use triad_verifier::{DType, Data, TensorData};
