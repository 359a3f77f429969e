//! Owned tensors that cross the boundary to ONNX Runtime.

/// Element types Triad models may use for inputs and outputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DType {
    /// `float32`.
    F32,
    /// `int64`.
    I64,
    /// `uint8`.
    U8,
}

/// The elements of a tensor, row-major.
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    /// `float32` elements.
    F32(Vec<f32>),
    /// `int64` elements.
    I64(Vec<i64>),
    /// `uint8` elements.
    U8(Vec<u8>),
}

/// A tensor with its shape.
#[derive(Clone, Debug, PartialEq)]
pub struct TensorData {
    /// Dimensions, outermost first.
    pub shape: Vec<usize>,
    /// Elements.
    pub data: Data,
}

impl TensorData {
    /// A `float32` tensor.
    pub fn f32(shape: Vec<usize>, data: Vec<f32>) -> Self {
        TensorData { shape, data: Data::F32(data) }
    }

    /// The element type.
    pub fn dtype(&self) -> DType {
        match self.data {
            Data::F32(_) => DType::F32,
            Data::I64(_) => DType::I64,
            Data::U8(_) => DType::U8,
        }
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        match &self.data {
            Data::F32(v) => v.len(),
            Data::I64(v) => v.len(),
            Data::U8(v) => v.len(),
        }
    }

    /// Whether there are no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The float elements, if this is a float tensor.
    pub fn as_f32(&self) -> Option<&[f32]> {
        match &self.data {
            Data::F32(v) => Some(v),
            _ => None,
        }
    }

    /// Size of the elements in bytes.
    pub fn byte_len(&self) -> usize {
        match &self.data {
            Data::F32(v) => v.len() * 4,
            Data::I64(v) => v.len() * 8,
            Data::U8(v) => v.len(),
        }
    }
}
