//! A borrowed view of one model output, as ONNX Runtime hands it back.

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
    /// A classifier has fewer classes than `top_k`.
    #[cfg_attr(feature = "std", error("classifier output has fewer than top_k scores"))]
    TooFewClasses,
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

    fn len(&self) -> usize {
        match self {
            Tensor::F32 { data, .. } => data.len(),
            Tensor::I64 { data, .. } => data.len(),
            Tensor::U8 { data, .. } => data.len(),
        }
    }

    /// A stable tag of the element type, hashed into every digest so that the
    /// same bytes as another dtype never collide.
    pub(crate) fn dtype_tag(&self) -> u8 {
        match self {
            Tensor::F32 { .. } => 1,
            Tensor::I64 { .. } => 2,
            Tensor::U8 { .. } => 3,
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
            // All-ones exponent is NaN or infinity. Folding with `|` instead of
            // stopping at the first hit lets the compiler vectorize the scan.
            const EXPONENT: u32 = 0x7f80_0000;
            if data.iter().fold(false, |bad, x| bad | (x.to_bits() & EXPONENT == EXPONENT)) {
                return Err(FingerprintError::NonFinite);
            }
        }
        Ok(())
    }
}

/// Feeds the dtype and shape into a hasher, so digests bind them.
pub(crate) fn hash_header(hasher: &mut blake3::Hasher, domain: &[u8], tensor: &Tensor<'_>) {
    hasher.update(domain);
    hasher.update(&[tensor.dtype_tag()]);
    hasher.update(&(tensor.shape().len() as u32).to_le_bytes());
    for d in tensor.shape() {
        hasher.update(&(*d as u64).to_le_bytes());
    }
}
