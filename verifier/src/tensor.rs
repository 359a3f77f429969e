//! Model outputs as the verifier sees them: owned tensors that cross the
//! boundary to ONNX Runtime and the chain ([`TensorData`]), and borrowed views
//! of them ([`Tensor`]) that fingerprints and checks read.

use alloc::vec::Vec;

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

impl DType {
    /// The tag that names this type in the wire encoding and in digests.
    pub fn tag(self) -> u8 {
        match self {
            DType::F32 => 1,
            DType::I64 => 2,
            DType::U8 => 3,
        }
    }

    /// The type a tag names.
    pub fn from_tag(tag: u8) -> Option<Self> {
        match tag {
            1 => Some(DType::F32),
            2 => Some(DType::I64),
            3 => Some(DType::U8),
            _ => None,
        }
    }

    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            DType::F32 => 4,
            DType::I64 => 8,
            DType::U8 => 1,
        }
    }
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

/// An owned tensor with its shape.
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
        self.len() * self.dtype().size()
    }

    /// A borrowed view for fingerprints and checks.
    pub fn view(&self) -> Tensor<'_> {
        let shape = &self.shape[..];
        match &self.data {
            Data::F32(data) => Tensor::F32 { shape, data },
            Data::I64(data) => Tensor::I64 { shape, data },
            Data::U8(data) => Tensor::U8 { shape, data },
        }
    }
}

/// One output tensor: its shape and its elements in row-major order.
#[derive(Clone, Copy, Debug)]
pub enum Tensor<'a> {
    /// 32-bit floats: logits, embeddings, images.
    F32 {
        /// Dimensions, outermost first.
        shape: &'a [usize],
        /// Elements, row-major.
        data: &'a [f32],
    },
    /// 64-bit integers: token ids, class labels.
    I64 {
        /// Dimensions, outermost first.
        shape: &'a [usize],
        /// Elements, row-major.
        data: &'a [i64],
    },
    /// Bytes: quantized outputs, masks, encoded images.
    U8 {
        /// Dimensions, outermost first.
        shape: &'a [usize],
        /// Elements, row-major.
        data: &'a [u8],
    },
}

/// Why an output cannot be fingerprinted under the given parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "std", derive(thiserror::Error))]
pub enum FingerprintError {
    /// The parameters are invalid.
    #[cfg_attr(feature = "std", error("invalid LSH parameters: {0}"))]
    InvalidParams(crate::ParamsError),
    /// The element count is not the product of the shape.
    #[cfg_attr(feature = "std", error("tensor has {elements} elements but its shape holds {expected}"))]
    ShapeMismatch {
        /// Elements present.
        elements: usize,
        /// Product of the dimensions.
        expected: usize,
    },
    /// The output has no elements.
    #[cfg_attr(feature = "std", error("tensor is empty"))]
    Empty,
    /// A float output contains NaN or infinity; a model that emits them is broken.
    #[cfg_attr(feature = "std", error("tensor contains a NaN or infinite value"))]
    NonFinite,
    /// The family needs float scores but got integers or bytes.
    #[cfg_attr(feature = "std", error("this fingerprint family needs a float tensor"))]
    NeedsFloat,
    /// A perceptual hash needs `H x W x C` or `1 x H x W x C`.
    #[cfg_attr(feature = "std", error("perceptual hash needs an H x W x C image"))]
    NotAnImage,
}

impl From<crate::ParamsError> for FingerprintError {
    fn from(e: crate::ParamsError) -> Self {
        FingerprintError::InvalidParams(e)
    }
}

impl<'a> Tensor<'a> {
    /// The dimensions.
    pub fn shape(&self) -> &'a [usize] {
        match self {
            Tensor::F32 { shape, .. } | Tensor::I64 { shape, .. } | Tensor::U8 { shape, .. } => shape,
        }
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        match self {
            Tensor::F32 { data, .. } => data.len(),
            Tensor::I64 { data, .. } => data.len(),
            Tensor::U8 { data, .. } => data.len(),
        }
    }

    /// Whether there are no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The element type.
    pub fn dtype(&self) -> DType {
        match self {
            Tensor::F32 { .. } => DType::F32,
            Tensor::I64 { .. } => DType::I64,
            Tensor::U8 { .. } => DType::U8,
        }
    }

    /// Checks the shape against the data, that there is data, and that floats are finite.
    pub fn check(&self) -> Result<(), FingerprintError> {
        let expected = self.shape().iter().try_fold(1usize, |acc, d| acc.checked_mul(*d));
        let elements = self.len();
        if expected != Some(elements) {
            return Err(FingerprintError::ShapeMismatch { elements, expected: expected.unwrap_or(usize::MAX) });
        }
        if elements == 0 {
            return Err(FingerprintError::Empty);
        }
        if let Tensor::F32 { data, .. } = self {
            if !all_finite(data) {
                return Err(FingerprintError::NonFinite);
            }
        }
        Ok(())
    }
}

/// Whether no element is NaN or infinite. An all-ones exponent is NaN or
/// infinity; folding with `|` instead of stopping at the first hit lets the
/// compiler vectorize the scan.
pub fn all_finite(data: &[f32]) -> bool {
    const EXPONENT: u32 = 0x7f80_0000;
    !data.iter().fold(false, |bad, x| bad | (x.to_bits() & EXPONENT == EXPONENT))
}

/// Feeds the dtype and shape into a hasher, so digests bind them.
pub(crate) fn hash_header(hasher: &mut blake3::Hasher, domain: &[u8], tensor: &Tensor<'_>) {
    hasher.update(domain);
    hasher.update(&[tensor.dtype().tag()]);
    hasher.update(&(tensor.shape().len() as u32).to_le_bytes());
    for d in tensor.shape() {
        hasher.update(&(*d as u64).to_le_bytes());
    }
}
