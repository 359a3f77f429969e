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
//! - **What it costs**: the price floor per job, and for proved jobs the
//!   price the owner sets with the Groth16 key.
//! - **How to check a proof**: a model that declares the `blake3` hash of a
//!   Groth16 verifying key in its modes gets that key from its owner, and
//!   only its owner, through [`Pallet::set_groth16_key`]: the key's points
//!   are checked once, its public inputs must match the model's single
//!   `uint8` input and single integer output (`triad_zk_verify`), and the
//!   proving key's hash is recorded for workers to fetch. The key is set
//!   once: a proof made under one key never meets another, so an owner
//!   cannot turn honest provers' work into slashes mid-task. Whoever ran the
//!   setup could forge proofs for this key; clients who use the mode trust
//!   the owner with that (see `triad-zk`).
//! - **Who may execute in a TEE**: a model that allows TEE mode gets, from
//!   its owner and only its owner ([`Pallet::set_tee_policy`]), the
//!   measurements (MRENCLAVE or MRTD) of the code its TEE executors must run
//!   and the TCB statuses of the platforms it accepts. The task pallet draws
//!   a TEE task's executor only among workers whose current attestation
//!   matches. The policy applies to draws from then on: a worker already
//!   seated keeps its seat (and its pay) if the owner changes it, so an owner
//!   cannot turn honest work into unpaid work mid-task. Without a policy the
//!   model takes no TEE jobs.
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
//! - A Groth16 key exists only for a model whose modes declare its hash,
//!   and its public inputs match the model's output.
//! - A TEE policy exists only for a model whose modes allow TEE, names at
//!   least one measurement and one status, and never `Revoked`.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod impls;
#[cfg(test)]
mod mock;
mod registry;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_tee;
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

/// Balance type of the currency that holds deposits.
pub type BalanceOf<T> = <<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

#[frame_support::pallet]
pub mod pallet {
    use super::*;
    use frame_support::pallet_prelude::*;
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
        /// Largest Groth16 verifying key, in bytes (an uncompressed BN254 key
        /// is 520 bytes plus 64 per public input, and a statement has two
        /// plus its packed output).
        #[pallet::constant]
        type MaxVerifyingKeyLen: Get<u32>;
        /// Most measurements one model's TEE policy lists.
        #[pallet::constant]
        type MaxTeeMeasurements: Get<u32>;
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

    /// Groth16 keys, per model that allows proofs.
    #[pallet::storage]
    pub type Groth16Keys<T: Config> = StorageMap<_, Blake2_128Concat, ModelId, Groth16Key<T>>;

    /// Who may execute each model's jobs in TEE mode.
    #[pallet::storage]
    pub type TeePolicies<T: Config> = StorageMap<_, Blake2_128Concat, ModelId, TeePolicyOf<T>>;

    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// A model was registered and its deposit held.
        ModelRegistered { model: ModelId, owner: T::AccountId, onnx_hash: [u8; 32], deposit: BalanceOf<T> },
        /// A model stopped taking new jobs.
        ModelDeprecated { model: ModelId },
        /// A model's calibration set was replaced; `deposit` is the model's new total deposit.
        CalibrationSetChanged { model: ModelId, cases: u32, deposit: BalanceOf<T> },
        /// A model's Groth16 key was registered; `deposit` is the model's new total deposit.
        Groth16KeySet {
            model: ModelId,
            vk_hash: [u8; 32],
            proving_key_hash: [u8; 32],
            price: BalanceOf<T>,
            deposit: BalanceOf<T>,
        },
        /// A model's TEE policy was set (`measurements` listed) or removed
        /// (none); `deposit` is the model's new total deposit.
        TeePolicySet { model: ModelId, measurements: u32, statuses: TcbStatuses, deposit: BalanceOf<T> },
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
        /// The model's modes declare no Groth16 key.
        Groth16NotDeclared,
        /// The key's `blake3` hash is not the one the model declared.
        Groth16KeyHashMismatch,
        /// The model already has its Groth16 key.
        Groth16KeyAlreadySet,
        /// The verifying key does not decode, or a point is off the curve or
        /// outside its subgroup.
        MalformedVerifyingKey,
        /// The verifying key is longer than `MaxVerifyingKeyLen`.
        VerifyingKeyTooLarge,
        /// A proof needs one `uint8` input and one `INT64` or `UINT8` output,
        /// each of fixed shape.
        ModelNotProvable,
        /// The key's public inputs do not match the model's output at this width.
        Groth16KeyShapeMismatch,
        /// The model's modes do not allow TEE.
        TeeNotDeclared,
        /// The policy lists more than `MaxTeeMeasurements` measurements.
        TooManyMeasurements,
        /// The policy accepts no TCB status, or names one that is not a
        /// status, or `Revoked`: no platform could ever serve, or one Intel
        /// revoked could.
        InvalidTcbStatuses,
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        fn integrity_test() {
            assert!(T::MaxNameLen::get() > 0, "names must be allowed at least one byte");
            assert!(T::MaxTensors::get() > 0, "a model needs at least one input and one output");
            assert!(T::MaxDims::get() > 0, "tensors need at least one dimension");
            assert!(T::MaxModelSize::get() > 0, "models must be allowed at least one byte");
            assert!(T::MaxCalibrationCases::get() > 0, "probation needs at least one calibration case");
            assert!(T::MaxTeeMeasurements::get() > 0, "a TEE policy needs room for one measurement");
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
            let new = Self::deposit_of(model, &info, Some(new_set), None, None);
            Self::adjust_deposit(&who, &mut info, new)?;
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

        /// Registers the Groth16 key of a model that declared its hash, and
        /// holds the deposit for it. Once per model; owner only.
        #[pallet::call_index(3)]
        #[pallet::weight(T::WeightInfo::set_groth16_key())]
        pub fn set_groth16_key(origin: OriginFor<T>, model: ModelId, key: Groth16KeyInput<BalanceOf<T>>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let mut info = Models::<T>::get(model).ok_or(Error::<T>::UnknownModel)?;
            ensure!(info.owner == who, Error::<T>::NotOwner);
            let declared = info.modes.groth16.ok_or(Error::<T>::Groth16NotDeclared)?;
            ensure!(!Groth16Keys::<T>::contains_key(model), Error::<T>::Groth16KeyAlreadySet);
            let vk_hash = triad_zk_verify::vk_hash(&key.verifying_key);
            ensure!(vk_hash == declared, Error::<T>::Groth16KeyHashMismatch);
            let verifying_key: BoundedVec<u8, T::MaxVerifyingKeyLen> =
                key.verifying_key.try_into().map_err(|_| Error::<T>::VerifyingKeyTooLarge)?;
            let vk = triad_zk_verify::decode_key(&verifying_key).map_err(|_| Error::<T>::MalformedVerifyingKey)?;
            let output_count = impls::provable_output_count(&info).ok_or(Error::<T>::ModelNotProvable)?;
            let spec = triad_zk_verify::OutputSpec { count: output_count, bits: key.output_bits };
            ensure!(
                (1..=64).contains(&key.output_bits) && vk.gamma_abc_g1.len() == 1 + spec.public_inputs(),
                Error::<T>::Groth16KeyShapeMismatch
            );
            let entry = Groth16Key::<T> {
                verifying_key,
                proving_key_hash: key.proving_key_hash,
                proving_key_size: key.proving_key_size,
                output_count,
                output_bits: key.output_bits,
                price: key.price,
            };
            let new = Self::deposit_of(model, &info, None, Some(entry.encoded_size()), None);
            Self::adjust_deposit(&who, &mut info, new)?;
            Models::<T>::insert(model, info);
            Groth16Keys::<T>::insert(model, entry);
            Self::deposit_event(Event::Groth16KeySet {
                model,
                vk_hash,
                proving_key_hash: key.proving_key_hash,
                price: key.price,
                deposit: new,
            });
            Ok(())
        }

        /// Sets which TEE executors may run the model's TEE-mode jobs: the
        /// measurements they must be attested to run, and the TCB statuses
        /// of the platforms accepted. An empty list removes the policy, and
        /// with it TEE mode, until a new one is set. Applies to draws from
        /// then on; seated workers keep their seats. Owner only.
        #[pallet::call_index(4)]
        #[pallet::weight(T::WeightInfo::set_tee_policy(
            (measurements.len() as u32).min(T::MaxTeeMeasurements::get())
        ))]
        pub fn set_tee_policy(
            origin: OriginFor<T>,
            model: ModelId,
            measurements: Vec<Measurement>,
            statuses: TcbStatuses,
        ) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let mut info = Models::<T>::get(model).ok_or(Error::<T>::UnknownModel)?;
            ensure!(info.owner == who, Error::<T>::NotOwner);
            ensure!(info.modes.tee, Error::<T>::TeeNotDeclared);
            ensure!(tee_statuses_valid(statuses), Error::<T>::InvalidTcbStatuses);
            let mut listed = BoundedVec::<Measurement, T::MaxTeeMeasurements>::new();
            for m in measurements {
                if !listed.contains(&m) {
                    listed.try_push(m).map_err(|_| Error::<T>::TooManyMeasurements)?;
                }
            }
            let count = listed.len() as u32;
            let policy = (!listed.is_empty()).then(|| StoredTeePolicy { measurements: listed, statuses });
            let size = policy.as_ref().map_or(0, |p| p.encoded_size());
            let new = Self::deposit_of(model, &info, None, None, Some(size));
            Self::adjust_deposit(&who, &mut info, new)?;
            Models::<T>::insert(model, info);
            match policy {
                Some(policy) => TeePolicies::<T>::insert(model, policy),
                None => TeePolicies::<T>::remove(model),
            }
            Self::deposit_event(Event::TeePolicySet { model, measurements: count, statuses, deposit: new });
            Ok(())
        }
    }
}

/// Whether a policy's statuses accept some platform, name only statuses,
/// and never `Revoked`.
pub fn tee_statuses_valid(statuses: TcbStatuses) -> bool {
    let known = TcbStatuses::of(&TcbStatus::ALL);
    let revoked = TcbStatuses::of(&[TcbStatus::Revoked]);
    statuses.0 != 0 && statuses.0 & !known.0 == 0 && statuses.0 & revoked.0 == 0
}
