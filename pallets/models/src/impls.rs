//! Validation of a registration, deposits, and the storage checks behind
//! `try_state`.

use super::*;

/// How many output values a proof of `info`'s jobs proves, if the model is
/// one a circuit can take: a single `UINT8` input and a single `INT64` or
/// `UINT8` output, every dimension fixed.
pub(crate) fn provable_output_count<T: Config>(info: &ModelInfo<T>) -> Option<u32> {
    let fixed =
        |s: &TensorSpecOf<T>| s.shape.iter().try_fold(1u32, |n, d| u32::try_from(*d).ok().filter(|d| *d > 0)?.checked_mul(n));
    let ([input], [output]) = (&info.inputs[..], &info.outputs[..]) else { return None };
    if input.datatype != DataType::U8 || !matches!(output.datatype, DataType::I64 | DataType::U8) {
        return None;
    }
    fixed(input)?;
    fixed(output)
}

impl<T: Config> Pallet<T> {
    /// `DepositBase + DepositPerByte x bytes`.
    pub fn deposit_for(bytes: usize) -> BalanceOf<T> {
        T::DepositBase::get().saturating_add(T::DepositPerByte::get().saturating_mul((bytes as u32).into()))
    }

    /// A model's whole deposit: its entry, plus per byte its calibration set,
    /// Groth16 key and TEE policy, each as stored unless a new size is given.
    pub(crate) fn deposit_of(
        model: ModelId,
        info: &ModelInfo<T>,
        set: Option<usize>,
        key: Option<usize>,
        tee: Option<usize>,
    ) -> BalanceOf<T> {
        let set = set.unwrap_or_else(|| CalibrationSets::<T>::get(model).map_or(0, |s| s.encoded_size()));
        let key = key.unwrap_or_else(|| Groth16Keys::<T>::get(model).map_or(0, |k| k.encoded_size()));
        let tee = tee.unwrap_or_else(|| TeePolicies::<T>::get(model).map_or(0, |p| p.encoded_size()));
        Self::deposit_for(info.encoded_size())
            .saturating_add(T::DepositPerByte::get().saturating_mul(((set + key + tee) as u32).into()))
    }

    /// Holds or releases the difference between a model's deposit and `new`.
    pub(crate) fn adjust_deposit(who: &T::AccountId, info: &mut ModelInfo<T>, new: BalanceOf<T>) -> sp_runtime::DispatchResult {
        use frame_support::traits::tokens::Precision;
        let reason = HoldReason::ModelDeposit.into();
        let old = info.deposit;
        if new > old {
            T::Currency::hold(&reason, who, new - old).map_err(|_| Error::<T>::InsufficientDeposit)?;
        } else if old > new {
            T::Currency::release(&reason, who, old - new, Precision::Exact)?;
        }
        info.deposit = new;
        Ok(())
    }

    pub(crate) fn validate(owner: T::AccountId, spec: ModelSpec<BalanceOf<T>>) -> Result<ModelInfo<T>, Error<T>> {
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
        for (id, key) in Groth16Keys::<T>::iter() {
            let info = Models::<T>::get(id).ok_or("a Groth16 key of no model")?;
            frame_support::ensure!(
                info.modes.groth16 == Some(triad_zk_verify::vk_hash(&key.verifying_key)),
                "a Groth16 key the model did not declare"
            );
            frame_support::ensure!(provable_output_count(&info) == Some(key.output_count), "a Groth16 key of another output");
        }
        for (id, policy) in TeePolicies::<T>::iter() {
            let info = Models::<T>::get(id).ok_or("a TEE policy of no model")?;
            frame_support::ensure!(info.modes.tee, "a TEE policy of a model without TEE mode");
            frame_support::ensure!(!policy.measurements.is_empty(), "an empty TEE policy is removed, not stored");
            frame_support::ensure!(crate::tee_statuses_valid(policy.statuses), "a TEE policy that accepts no status or Revoked");
        }
        for (id, info) in Models::<T>::iter() {
            frame_support::ensure!(
                info.deposit == Self::deposit_of(id, &info, None, None, None),
                "a model's deposit is not its size"
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
