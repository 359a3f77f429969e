//! # Triad model registry
//!
//! Every inference job names a model registered here. An entry is what a
//! worker needs to run the model and what the chain needs to judge the result:
//!
//! - **What to run**: the `blake3` hash and size of the ONNX file (workers fetch
//!   it from the data plane by hash and refuse anything else), its opset, and
//!   its input and output schema in KServe v2 terms (name, datatype, shape with
//!   `-1` for dynamic dimensions).
//! - **How to judge**: the [`LshParams`] that fingerprint its outputs for the
//!   three-verifier majority (each attempt keys them afresh), one
//!   [`OutputCheck`] per output that says how a verifier compares the
//!   executor's output with its own (elementwise within a noise bound, and by
//!   the model's decision: class, thresholded map), and the verification
//!   modes jobs may use (LSH majority, Groth16 with a verifying-key hash, TEE).
//! - **What a job may send**: [`ModelRegistry::check_input`] holds job input
//!   bytes against the declared inputs, so the task pallet refuses at
//!   submission what no honest worker could run.
//! - **What it costs**: the price floor per job.
//! - **Proof of capability**: a calibration set of known inputs and the
//!   fingerprints honest runs produce. New workers must reproduce them before
//!   they serve real jobs (`pallet-triad-workers` keeps the count).
//!
//! ## Deposits
//!
//! Storage is paid for: registering holds `DepositBase + DepositPerByte x size`
//! from the owner under [`HoldReason::ModelDeposit`], where size is the encoded
//! size of the entry; a calibration set adds `DepositPerByte` per encoded byte,
//! and shrinking it releases the difference. The deposit stays held while the
//! entry exists, because running and past jobs refer to it.
//!
//! ## Lifecycle
//!
//! A model is `Active` from registration. Its owner may deprecate it: new jobs
//! are then refused, while jobs already running finish and settle as usual.
//! The same ONNX file cannot be registered twice, so a hash names one entry.
//!
//! ## Invariants (checked by `try_state`)
//!
//! - `ModelByHash` and `Models` are inverse maps.
//! - Every id is below `NextModelId`; calibration sets exist only for models.
//! - Each owner's held deposit equals the sum of the deposits of their models.
//! - Calibration fingerprints were made under the model's parameters.
//! - Every model has one valid output check per output, and only runnable
//!   element types.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
use polkadot_sdk::frame_benchmarking;
use polkadot_sdk::{frame_support, frame_system, sp_runtime};

use alloc::vec::Vec;
use codec::Encode;
use frame_support::traits::{
    fungible::{Inspect, InspectHold, Mutate, MutateHold},
    Get,
};
use sp_runtime::{traits::Saturating, BoundedVec};
use triad_primitives::{ModelRegistry, WireError};
use triad_verifier::wire::Spec;

/// Balance type of the currency that holds deposits.
pub type BalanceOf<T> = <<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

#[frame_support::pallet]
pub mod pallet {
    use super::*;
    use frame_support::{pallet_prelude::*, traits::tokens::Precision};
    use frame_system::pallet_prelude::*;

    /// Version 1 added output checks to every model.
    const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

    #[pallet::pallet]
    #[pallet::storage_version(STORAGE_VERSION)]
    pub struct Pallet<T>(_);

    #[pallet::config]
    pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
        /// Holds registration deposits.
        type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
            + InspectHold<Self::AccountId>
            + Mutate<Self::AccountId>;
        /// The hold reasons of the runtime, which include this pallet's.
        type RuntimeHoldReason: From<HoldReason>;
        /// Deposit held for any model entry.
        #[pallet::constant]
        type DepositBase: Get<BalanceOf<Self>>;
        /// Deposit held per encoded byte of an entry or calibration set.
        #[pallet::constant]
        type DepositPerByte: Get<BalanceOf<Self>>;
        /// Longest name, version label or tensor name, in bytes.
        #[pallet::constant]
        type MaxNameLen: Get<u32>;
        /// Most inputs, and most outputs, of one model.
        #[pallet::constant]
        type MaxTensors: Get<u32>;
        /// Most dimensions of one tensor.
        #[pallet::constant]
        type MaxDims: Get<u32>;
        /// Largest ONNX file workers are asked to fetch and load, in bytes.
        #[pallet::constant]
        type MaxModelSize: Get<u64>;
        /// Most cases in a calibration set.
        #[pallet::constant]
        type MaxCalibrationCases: Get<u32>;
        /// Largest inline input of one calibration case, in bytes.
        #[pallet::constant]
        type MaxCalibrationInputLen: Get<u32>;
        /// Benchmarked weights of the calls.
        type WeightInfo: WeightInfo;
    }

    /// Why this pallet holds funds.
    #[pallet::composite_enum]
    pub enum HoldReason {
        /// Storage deposit of a model entry and its calibration set.
        ModelDeposit,
    }

    /// The id the next registered model gets.
    #[pallet::storage]
    pub type NextModelId<T> = StorageValue<_, ModelId, ValueQuery>;

    /// Registered models.
    #[pallet::storage]
    pub type Models<T: Config> = StorageMap<_, Blake2_128Concat, ModelId, ModelInfo<T>>;

    /// The model registered for an ONNX file hash.
    #[pallet::storage]
    pub type ModelByHash<T> = StorageMap<_, Identity, [u8; 32], ModelId>;

    /// Known inputs and honest fingerprints, per model.
    #[pallet::storage]
    pub type CalibrationSets<T: Config> =
        StorageMap<_, Blake2_128Concat, ModelId, BoundedVec<CalibrationCaseOf<T>, T::MaxCalibrationCases>>;

    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// A model was registered and its deposit held.
        ModelRegistered { model: ModelId, owner: T::AccountId, onnx_hash: [u8; 32], deposit: BalanceOf<T> },
        /// A model stopped taking new jobs.
        ModelDeprecated { model: ModelId },
        /// A model's calibration set was replaced; `deposit` is the model's new total deposit.
        CalibrationSetChanged { model: ModelId, cases: u32, deposit: BalanceOf<T> },
    }

    #[pallet::error]
    pub enum Error<T> {
        /// The name or version label is empty.
        EmptyName,
        /// The name, version label or a tensor name is longer than `MaxNameLen`.
        NameTooLong,
        /// The ONNX file size is zero.
        ZeroSizeModel,
        /// The ONNX file is larger than `MaxModelSize`.
        ModelTooLarge,
        /// The model declares no inputs or no outputs.
        NoTensors,
        /// The model declares more than `MaxTensors` inputs or outputs.
        TooManyTensors,
        /// A tensor name is not UTF-8, so no job input could name it.
        NameNotUtf8,
        /// A datatype is not a KServe v2 datatype name.
        UnknownDatatype,
        /// A datatype is not one workers can feed or read (`FP32`, `INT64`, `UINT8`).
        UnsupportedDatatype,
        /// There is not exactly one output check per output.
        ChecksDoNotMatchOutputs,
        /// An output check compares nothing, allows more than the whole scale,
        /// or names a decision on an output that is not float.
        InvalidOutputCheck,
        /// A tensor has no dimensions or more than `MaxDims`.
        BadRank,
        /// A dimension is zero or negative other than `-1` (dynamic).
        BadDimension,
        /// The fingerprint parameters are not usable (see `triad_verifier::ParamsError`).
        InvalidLshParams,
        /// No verification mode is allowed, so no job could ever settle.
        NoVerificationMode,
        /// This ONNX file is already registered.
        AlreadyRegistered,
        /// No more model ids.
        ModelIdsExhausted,
        /// No model has this id.
        UnknownModel,
        /// Only the owner may do this.
        NotOwner,
        /// The model is already deprecated.
        AlreadyDeprecated,
        /// The calibration set has more than `MaxCalibrationCases` cases.
        TooManyCalibrationCases,
        /// A calibration input is longer than `MaxCalibrationInputLen`.
        CalibrationInputTooLarge,
        /// A calibration fingerprint was not made under the model's parameters.
        FingerprintParamsMismatch,
        /// The owner cannot cover the deposit.
        InsufficientDeposit,
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        fn integrity_test() {
            assert!(T::MaxNameLen::get() > 0, "names must be allowed at least one byte");
            assert!(T::MaxTensors::get() > 0, "a model needs at least one input and one output");
            assert!(T::MaxDims::get() > 0, "tensors need at least one dimension");
            assert!(T::MaxModelSize::get() > 0, "models must be allowed at least one byte");
            assert!(T::MaxCalibrationCases::get() > 0, "probation needs at least one calibration case");
            assert!(
                T::DepositPerByte::get() > Zero::zero() || T::DepositBase::get() > Zero::zero(),
                "storage must cost something, or the registry can be filled for free"
            );
        }

        #[cfg(feature = "try-runtime")]
        fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
            Self::do_try_state()
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Registers a model and holds its deposit from the caller, who becomes its owner.
        #[pallet::call_index(0)]
        #[pallet::weight(T::WeightInfo::register_model())]
        pub fn register_model(origin: OriginFor<T>, spec: ModelSpec<BalanceOf<T>>) -> DispatchResult {
            let owner = ensure_signed(origin)?;
            ensure!(!ModelByHash::<T>::contains_key(spec.onnx_hash), Error::<T>::AlreadyRegistered);
            let id = NextModelId::<T>::get();
            let next = id.checked_add(1).ok_or(Error::<T>::ModelIdsExhausted)?;
            let mut info = Self::validate(owner.clone(), spec)?;
            info.deposit = Self::deposit_for(info.encoded_size());
            T::Currency::hold(&HoldReason::ModelDeposit.into(), &owner, info.deposit)
                .map_err(|_| Error::<T>::InsufficientDeposit)?;

            let (onnx_hash, deposit) = (info.onnx_hash, info.deposit);
            Models::<T>::insert(id, info);
            ModelByHash::<T>::insert(onnx_hash, id);
            NextModelId::<T>::put(next);
            Self::deposit_event(Event::ModelRegistered { model: id, owner, onnx_hash, deposit });
            Ok(())
        }

        /// Stops a model from taking new jobs. Running jobs finish. Owner only.
        #[pallet::call_index(1)]
        #[pallet::weight(T::WeightInfo::deprecate_model())]
        pub fn deprecate_model(origin: OriginFor<T>, model: ModelId) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Models::<T>::try_mutate(model, |entry| {
                let info = entry.as_mut().ok_or(Error::<T>::UnknownModel)?;
                ensure!(info.owner == who, Error::<T>::NotOwner);
                ensure!(info.state == ModelState::Active, Error::<T>::AlreadyDeprecated);
                info.state = ModelState::Deprecated;
                Ok::<_, DispatchError>(())
            })?;
            Self::deposit_event(Event::ModelDeprecated { model });
            Ok(())
        }

        /// Replaces a model's calibration set, adjusting the held deposit to its
        /// size. An empty list removes the set. Owner only.
        #[pallet::call_index(2)]
        #[pallet::weight(T::WeightInfo::set_calibration_set(
            (cases.len() as u32).min(T::MaxCalibrationCases::get())
        ))]
        pub fn set_calibration_set(origin: OriginFor<T>, model: ModelId, cases: Vec<CalibrationCaseInput>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let mut info = Models::<T>::get(model).ok_or(Error::<T>::UnknownModel)?;
            ensure!(info.owner == who, Error::<T>::NotOwner);
            ensure!(cases.len() <= T::MaxCalibrationCases::get() as usize, Error::<T>::TooManyCalibrationCases);
            let mut set = BoundedVec::<CalibrationCaseOf<T>, T::MaxCalibrationCases>::new();
            for case in cases {
                let fp = case.expected;
                ensure!(fp.family == info.lsh.family && fp.version == info.lsh.version, Error::<T>::FingerprintParamsMismatch);
                let input = case.input.try_into().map_err(|_| Error::<T>::CalibrationInputTooLarge)?;
                set.try_push(CalibrationCase { input, expected: fp }).map_err(|_| Error::<T>::TooManyCalibrationCases)?;
            }

            let new_set = if set.is_empty() { 0 } else { set.encoded_size() };
            let old = info.deposit;
            let new = Self::deposit_for(info.encoded_size())
                .saturating_add(T::DepositPerByte::get().saturating_mul((new_set as u32).into()));
            let reason = HoldReason::ModelDeposit.into();
            if new > old {
                T::Currency::hold(&reason, &who, new - old).map_err(|_| Error::<T>::InsufficientDeposit)?;
            } else if old > new {
                T::Currency::release(&reason, &who, old - new, Precision::Exact)?;
            }
            info.deposit = new;
            let count = set.len() as u32;
            if set.is_empty() {
                CalibrationSets::<T>::remove(model);
            } else {
                CalibrationSets::<T>::insert(model, set);
            }
            Models::<T>::insert(model, info);
            Self::deposit_event(Event::CalibrationSetChanged { model, cases: count, deposit: new });
            Ok(())
        }
    }
}

impl<T: Config> Pallet<T> {
    /// `DepositBase + DepositPerByte x bytes`.
    pub fn deposit_for(bytes: usize) -> BalanceOf<T> {
        T::DepositBase::get().saturating_add(T::DepositPerByte::get().saturating_mul((bytes as u32).into()))
    }

    fn validate(owner: T::AccountId, spec: ModelSpec<BalanceOf<T>>) -> Result<ModelInfo<T>, Error<T>> {
        ensure_nonempty(&spec.name)?;
        ensure_nonempty(&spec.version)?;
        if spec.onnx_size == 0 {
            return Err(Error::ZeroSizeModel);
        }
        if spec.onnx_size > T::MaxModelSize::get() {
            return Err(Error::ModelTooLarge);
        }
        spec.lsh.validate().map_err(|_| Error::InvalidLshParams)?;
        if !spec.modes.any() {
            return Err(Error::NoVerificationMode);
        }
        let outputs = tensors::<T>(spec.outputs)?;
        Ok(ModelInfo {
            owner,
            name: bounded_name::<T>(spec.name)?,
            version: bounded_name::<T>(spec.version)?,
            onnx_hash: spec.onnx_hash,
            onnx_size: spec.onnx_size,
            opset: spec.opset,
            checks: checks::<T>(&outputs, spec.checks)?,
            inputs: tensors::<T>(spec.inputs)?,
            outputs,
            lsh: spec.lsh,
            modes: spec.modes,
            price_floor: spec.price_floor,
            deposit: Default::default(),
            state: ModelState::Active,
            registered_at: frame_system::Pallet::<T>::block_number(),
        })
    }

    /// Checks the invariants listed in the crate docs.
    #[cfg(any(feature = "try-runtime", test))]
    pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
        use alloc::collections::btree_map::BTreeMap;
        let next = NextModelId::<T>::get();
        let mut held: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
        for (id, info) in Models::<T>::iter() {
            frame_support::ensure!(id < next, "model id at or above NextModelId");
            frame_support::ensure!(ModelByHash::<T>::get(info.onnx_hash) == Some(id), "ModelByHash misses a model");
            let entry = held.entry(info.owner.clone()).or_default();
            *entry = entry.saturating_add(info.deposit);
        }
        for (hash, id) in ModelByHash::<T>::iter() {
            let info = Models::<T>::get(id).ok_or("ModelByHash points at no model")?;
            frame_support::ensure!(info.onnx_hash == hash, "ModelByHash key differs from the model's hash");
        }
        for (id, set) in CalibrationSets::<T>::iter() {
            let info = Models::<T>::get(id).ok_or("calibration set of no model")?;
            frame_support::ensure!(!set.is_empty(), "empty calibration sets are removed, not stored");
            for case in set.iter() {
                frame_support::ensure!(
                    case.expected.family == info.lsh.family && case.expected.version == info.lsh.version,
                    "calibration fingerprint made under other parameters"
                );
            }
        }
        for (_, info) in Models::<T>::iter() {
            frame_support::ensure!(info.checks.len() == info.outputs.len(), "a model without one check per output");
            frame_support::ensure!(
                info.outputs.iter().zip(info.checks.iter()).all(|(o, c)| check_fits::<T>(o, c)),
                "an output check that does not fit its output"
            );
            frame_support::ensure!(
                info.inputs.iter().chain(info.outputs.iter()).all(|t| t.datatype.runnable().is_some()),
                "a tensor of a type workers cannot run"
            );
        }
        for (owner, deposit) in held {
            let on_hold = T::Currency::balance_on_hold(&HoldReason::ModelDeposit.into(), &owner);
            frame_support::ensure!(on_hold == deposit, "held deposit differs from the sum of model deposits");
        }
        Ok(())
    }
}

fn ensure_nonempty<T: Config>(name: &[u8]) -> Result<(), Error<T>> {
    if name.is_empty() {
        Err(Error::EmptyName)
    } else {
        Ok(())
    }
}

fn bounded_name<T: Config>(name: Vec<u8>) -> Result<BoundedVec<u8, T::MaxNameLen>, Error<T>> {
    name.try_into().map_err(|_| Error::NameTooLong)
}

fn tensors<T: Config>(specs: Vec<TensorSpecInput>) -> Result<BoundedVec<TensorSpecOf<T>, T::MaxTensors>, Error<T>> {
    if specs.is_empty() {
        return Err(Error::NoTensors);
    }
    if specs.len() > T::MaxTensors::get() as usize {
        return Err(Error::TooManyTensors);
    }
    let mut out = BoundedVec::new();
    for spec in specs {
        let datatype = DataType::from_kserve(&spec.datatype).ok_or(Error::UnknownDatatype)?;
        datatype.runnable().ok_or(Error::UnsupportedDatatype)?;
        core::str::from_utf8(&spec.name).map_err(|_| Error::NameNotUtf8)?;
        if spec.shape.is_empty() || spec.shape.len() > T::MaxDims::get() as usize {
            return Err(Error::BadRank);
        }
        if spec.shape.iter().any(|d| *d == 0 || *d < -1) {
            return Err(Error::BadDimension);
        }
        let tensor = TensorSpec {
            name: bounded_name::<T>(spec.name)?,
            datatype,
            shape: spec.shape.try_into().map_err(|_| Error::BadRank)?,
        };
        out.try_push(tensor).map_err(|_| Error::TooManyTensors)?;
    }
    Ok(out)
}

/// Whether `check` is a valid check of output `spec`: integers and bytes are
/// compared exactly, so they take no decision.
fn check_fits<T: Config>(spec: &TensorSpecOf<T>, check: &OutputCheck) -> bool {
    let float = spec.datatype == DataType::F32;
    check.is_valid() && (float || check.decision == triad_verifier::Decision::Values)
}

fn checks<T: Config>(
    outputs: &[TensorSpecOf<T>],
    checks: Vec<OutputCheck>,
) -> Result<BoundedVec<OutputCheck, T::MaxTensors>, Error<T>> {
    if checks.len() != outputs.len() {
        return Err(Error::ChecksDoNotMatchOutputs);
    }
    if !outputs.iter().zip(&checks).all(|(o, c)| check_fits::<T>(o, c)) {
        return Err(Error::InvalidOutputCheck);
    }
    checks.try_into().map_err(|_| Error::ChecksDoNotMatchOutputs)
}

impl<T: Config> ModelRegistry<BalanceOf<T>> for Pallet<T> {
    fn exists(model: ModelId) -> bool {
        Models::<T>::contains_key(model)
    }

    fn is_active(model: ModelId) -> bool {
        Models::<T>::get(model).is_some_and(|m| m.state == ModelState::Active)
    }

    fn lsh_params(model: ModelId) -> Option<LshParams> {
        Models::<T>::get(model).map(|m| m.lsh)
    }

    fn modes(model: ModelId) -> Option<VerificationModes> {
        Models::<T>::get(model).map(|m| m.modes)
    }

    fn price_floor(model: ModelId) -> Option<BalanceOf<T>> {
        Models::<T>::get(model).map(|m| m.price_floor)
    }

    fn calibration_cases(model: ModelId) -> u32 {
        CalibrationSets::<T>::decode_len(model).unwrap_or(0) as u32
    }

    fn calibration_expected(model: ModelId, index: u32) -> Option<Fingerprint> {
        CalibrationSets::<T>::get(model)?.get(index as usize).map(|c| c.expected)
    }

    fn check_input(model: ModelId, input: &[u8]) -> Result<(), WireError> {
        let info = Models::<T>::get(model).ok_or(WireError::Malformed)?;
        let names: Vec<&str> = info.inputs.iter().map(|s| core::str::from_utf8(&s.name).unwrap_or_default()).collect();
        let specs: Vec<Spec<'_>> = info
            .inputs
            .iter()
            .zip(&names)
            .filter_map(|(s, name)| Some(Spec { name, dtype: s.datatype.runnable()?, shape: &s.shape }))
            .collect();
        if specs.len() != info.inputs.len() {
            return Err(WireError::Malformed);
        }
        triad_verifier::wire::fit(&specs, input).map(|_| ())
    }

    #[cfg(feature = "runtime-benchmarks")]
    fn register_for_benchmarks(index: u32) -> ModelId {
        use frame_support::traits::fungible::Mutate;
        let owner: T::AccountId = frame_benchmarking::account("model-owner", index, 0);
        T::Currency::set_balance(&owner, <BalanceOf<T> as sp_runtime::traits::Bounded>::max_value() / 1024u32.into());
        let t = |name: &[u8]| TensorSpecInput { name: name.to_vec(), datatype: b"FP32".to_vec(), shape: alloc::vec![-1, 4] };
        let mut onnx_hash = [0xBE; 32];
        onnx_hash[..4].copy_from_slice(&index.to_le_bytes());
        let spec = ModelSpec {
            name: b"bench".to_vec(),
            version: b"1".to_vec(),
            onnx_hash,
            onnx_size: 1,
            opset: 17,
            inputs: alloc::vec![t(b"x")],
            outputs: alloc::vec![t(b"y")],
            lsh: LshParams::projection(index as u64),
            checks: alloc::vec![OutputCheck::with_decision(triad_verifier::Decision::Argmax)],
            modes: VerificationModes { lsh_majority: true, groth16: None, tee: false },
            price_floor: 1u32.into(),
        };
        Self::register_model(frame_system::RawOrigin::Signed(owner.clone()).into(), spec).expect("a valid model registers");
        let model = NextModelId::<T>::get() - 1;
        let params = LshParams::projection(index as u64);
        let case = |i: u32| CalibrationCaseInput {
            input: alloc::vec![i as u8; T::MaxCalibrationInputLen::get() as usize],
            expected: Fingerprint {
                family: params.family,
                version: params.version,
                bits: [i as u8; triad_primitives::FINGERPRINT_BYTES],
                decision: [0; 32],
            },
        };
        let cases = (0..T::MaxCalibrationCases::get()).map(case).collect();
        Self::set_calibration_set(frame_system::RawOrigin::Signed(owner).into(), model, cases)
            .expect("a well-formed calibration set is accepted");
        model
    }
}
