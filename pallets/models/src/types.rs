//! What the registry stores about a model, and the shape in which an owner
//! submits it.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::Get, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound};
use frame_system::pallet_prelude::BlockNumberFor;
use polkadot_sdk::{frame_support, frame_system};
use scale_info::TypeInfo;
pub use triad_primitives::{
    Fingerprint, LshParams, Measurement, ModelId, OutputCheck, TcbStatus, TcbStatuses, TeePolicy, VerificationModes,
};

use crate::{BalanceOf, Config};

/// Element types, named as in the KServe v2 inference protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum DataType {
    /// `BOOL`
    Bool,
    /// `UINT8`
    U8,
    /// `UINT16`
    U16,
    /// `UINT32`
    U32,
    /// `UINT64`
    U64,
    /// `INT8`
    I8,
    /// `INT16`
    I16,
    /// `INT32`
    I32,
    /// `INT64`
    I64,
    /// `FP16`
    F16,
    /// `BF16`
    Bf16,
    /// `FP32`
    F32,
    /// `FP64`
    F64,
    /// `BYTES`
    Bytes,
}

impl DataType {
    /// The element type workers feed and read, for the types the job wire
    /// encoding carries (`FP32`, `INT64`, `UINT8`).
    pub fn runnable(self) -> Option<triad_verifier::DType> {
        match self {
            DataType::F32 => Some(triad_verifier::DType::F32),
            DataType::I64 => Some(triad_verifier::DType::I64),
            DataType::U8 => Some(triad_verifier::DType::U8),
            _ => None,
        }
    }

    /// Parses a KServe v2 datatype name.
    pub fn from_kserve(name: &[u8]) -> Option<Self> {
        Some(match name {
            b"BOOL" => DataType::Bool,
            b"UINT8" => DataType::U8,
            b"UINT16" => DataType::U16,
            b"UINT32" => DataType::U32,
            b"UINT64" => DataType::U64,
            b"INT8" => DataType::I8,
            b"INT16" => DataType::I16,
            b"INT32" => DataType::I32,
            b"INT64" => DataType::I64,
            b"FP16" => DataType::F16,
            b"BF16" => DataType::Bf16,
            b"FP32" => DataType::F32,
            b"FP64" => DataType::F64,
            b"BYTES" => DataType::Bytes,
            _ => return None,
        })
    }
}

/// One input or output of a model as its owner submits it: the datatype is
/// the KServe name, so a misspelt one is a typed error rather than a decode
/// failure, and the lists are plain so an oversized one is too.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct TensorSpecInput {
    /// Tensor name in the ONNX graph.
    pub name: Vec<u8>,
    /// KServe v2 datatype name, e.g. `FP32`.
    pub datatype: Vec<u8>,
    /// Dimensions; `-1` marks a dynamic one.
    pub shape: Vec<i64>,
}

/// A model as its owner submits it to [`crate::Pallet::register_model`].
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct ModelSpec<Balance> {
    /// Human-readable name.
    pub name: Vec<u8>,
    /// Version label chosen by the owner.
    pub version: Vec<u8>,
    /// `blake3` hash of the ONNX file: workers fetch by it and check it.
    pub onnx_hash: [u8; 32],
    /// Size of the ONNX file in bytes.
    pub onnx_size: u64,
    /// ONNX default-domain opset the graph imports.
    pub opset: u32,
    /// Graph inputs.
    pub inputs: Vec<TensorSpecInput>,
    /// Graph outputs.
    pub outputs: Vec<TensorSpecInput>,
    /// How outputs are fingerprinted for the LSH majority.
    pub lsh: LshParams,
    /// How a verifier compares the executor's output with its own: one check
    /// per output, in the order of `outputs`.
    pub checks: Vec<OutputCheck>,
    /// Which verification modes jobs may use.
    pub modes: VerificationModes,
    /// The least fee a job may offer.
    pub price_floor: Balance,
}

/// One validated input or output, as stored.
#[derive(
    CloneNoBound, DebugNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxName, MaxDims))]
#[codec(mel_bound())]
pub struct TensorSpec<MaxName: Get<u32>, MaxDims: Get<u32>> {
    /// Tensor name in the ONNX graph.
    pub name: BoundedVec<u8, MaxName>,
    /// Element type.
    pub datatype: DataType,
    /// Dimensions; `-1` marks a dynamic one.
    pub shape: BoundedVec<i64, MaxDims>,
}

/// A tensor spec under the pallet's bounds.
pub type TensorSpecOf<T> = TensorSpec<<T as Config>::MaxNameLen, <T as Config>::MaxDims>;

/// Whether a model takes new jobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum ModelState {
    /// New jobs are accepted.
    Active,
    /// New jobs are refused; jobs already running finish.
    Deprecated,
}

/// A registered model.
#[derive(
    CloneNoBound, DebugNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct ModelInfo<T: Config> {
    /// Who registered it and holds its deposit.
    pub owner: T::AccountId,
    /// Human-readable name.
    pub name: BoundedVec<u8, T::MaxNameLen>,
    /// Version label.
    pub version: BoundedVec<u8, T::MaxNameLen>,
    /// `blake3` hash of the ONNX file.
    pub onnx_hash: [u8; 32],
    /// Size of the ONNX file in bytes.
    pub onnx_size: u64,
    /// ONNX opset.
    pub opset: u32,
    /// Graph inputs.
    pub inputs: BoundedVec<TensorSpecOf<T>, T::MaxTensors>,
    /// Graph outputs.
    pub outputs: BoundedVec<TensorSpecOf<T>, T::MaxTensors>,
    /// Fingerprint parameters of its outputs.
    pub lsh: LshParams,
    /// How verifiers compare each output with their own, in output order.
    pub checks: BoundedVec<OutputCheck, T::MaxTensors>,
    /// Allowed verification modes.
    pub modes: VerificationModes,
    /// Least fee per job.
    pub price_floor: BalanceOf<T>,
    /// Held from the owner for the storage this entry and its calibration set use.
    pub deposit: BalanceOf<T>,
    /// Active or deprecated.
    pub state: ModelState,
    /// Block of registration.
    pub registered_at: BlockNumberFor<T>,
}

/// A known input and the fingerprint an honest run of the model produces for
/// it. New workers must reproduce these before they serve real jobs
/// (proof of capability).
#[derive(
    CloneNoBound, DebugNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxInput))]
#[codec(mel_bound())]
pub struct CalibrationCase<MaxInput: Get<u32>> {
    /// The job input, encoded as task inputs are.
    pub input: BoundedVec<u8, MaxInput>,
    /// The fingerprint of the honest output under the model's [`LshParams`].
    pub expected: Fingerprint,
}

/// A calibration case as submitted, before its bound is checked.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct CalibrationCaseInput {
    /// The job input, encoded as task inputs are.
    pub input: Vec<u8>,
    /// The fingerprint of the honest output.
    pub expected: Fingerprint,
}

/// A calibration case under the pallet's bounds.
pub type CalibrationCaseOf<T> = CalibrationCase<<T as Config>::MaxCalibrationInputLen>;

/// A Groth16 key pair's public half as the model's owner submits it, after
/// running the circuit's setup (`triad model register --groth16`).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct Groth16KeyInput<Balance> {
    /// The uncompressed arkworks verifying key. Its `blake3` hash must be the
    /// one the model declared in its modes at registration.
    pub verifying_key: Vec<u8>,
    /// `blake3` of the proving key, which workers fetch by it over the data plane.
    pub proving_key_hash: [u8; 32],
    /// Its length in bytes.
    pub proving_key_size: u64,
    /// Signed width of each output value in the statement.
    pub output_bits: u8,
    /// What a proved job costs.
    pub price: Balance,
}

/// A model's registered Groth16 key.
#[derive(
    CloneNoBound, DebugNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Groth16Key<T: Config> {
    /// The verifying key, its points checked on registration.
    pub verifying_key: BoundedVec<u8, T::MaxVerifyingKeyLen>,
    /// `blake3` of the proving key.
    pub proving_key_hash: [u8; 32],
    /// Length of the proving key in bytes.
    pub proving_key_size: u64,
    /// Output values the circuit proves: every element of the model's output.
    pub output_count: u32,
    /// Signed width of each output value in the statement.
    pub output_bits: u8,
    /// What a proved job costs.
    pub price: BalanceOf<T>,
}

/// A model's TEE policy as stored: see [`crate::Pallet::set_tee_policy`].
#[derive(
    CloneNoBound, DebugNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxMeasurements))]
#[codec(mel_bound())]
pub struct StoredTeePolicy<MaxMeasurements: Get<u32>> {
    /// Accepted measurements, each once, at least one.
    pub measurements: BoundedVec<Measurement, MaxMeasurements>,
    /// Accepted TCB statuses.
    pub statuses: TcbStatuses,
}

/// A TEE policy under the pallet's bounds.
pub type TeePolicyOf<T> = StoredTeePolicy<<T as Config>::MaxTeeMeasurements>;
