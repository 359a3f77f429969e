//! Registry reads every off-chain party needs: a worker's registration (its
//! data-plane address among it), the workers that serve a model, and a
//! model's Groth16 key and TEE policy.

use triad_job::{Schema, TensorSpec};
use triad_verifier::DType;

use crate::{
    chain::{
        self,
        runtime_types::{
            pallet_triad_models::types::{DataType, Groth16Key, ModelInfo, StoredTeePolicy, TensorSpec as ChainSpec},
            pallet_triad_workers::types::WorkerInfo,
        },
    },
    native, AccountId32, AtBlock, ClientError,
};

/// The schema of a registry entry. Only the element types workers feed ONNX
/// Runtime (`FP32`, `INT64`, `UINT8`) are accepted, as the registry itself
/// demands.
pub fn schema(info: &ModelInfo) -> Result<Schema, ClientError> {
    let spec = |kind: &'static str, s: &ChainSpec| {
        let name = String::from_utf8_lossy(&s.name.0).into_owned();
        let dtype = match s.datatype {
            DataType::F32 => DType::F32,
            DataType::I64 => DType::I64,
            DataType::U8 => DType::U8,
            ref other => {
                return Err(ClientError::from(triad_job::JobError::UnsupportedType {
                    kind,
                    name,
                    datatype: format!("{other:?}"),
                }));
            },
        };
        Ok(TensorSpec { name, dtype, shape: s.shape.0.clone() })
    };
    Ok(Schema {
        name: String::from_utf8_lossy(&info.name.0).into_owned(),
        onnx_hash: info.onnx_hash,
        onnx_size: info.onnx_size,
        inputs: info.inputs.0.iter().map(|s| spec("input", s)).collect::<Result<_, _>>()?,
        outputs: info.outputs.0.iter().map(|s| spec("output", s)).collect::<Result<_, _>>()?,
        lsh: native(&info.lsh)?,
        checks: info.checks.0.iter().map(native).collect::<Result<_, _>>()?,
        groth16: info.modes.groth16,
    })
}

/// Whether the runtime at `at` has the test-only `Attestation::attest_recorded`
/// (feature `recorded-quotes`), which production runtimes compile out: its
/// metadata is what says so.
pub fn accepts_recorded_quotes(at: &AtBlock) -> bool {
    at.metadata_ref().pallet_by_name("Attestation").and_then(|p| p.call_variant_by_name("attest_recorded")).is_some()
}

/// What `who` registered as a worker, if it did.
pub async fn worker(at: &AtBlock, who: &AccountId32) -> Result<Option<WorkerInfo>, ClientError> {
    let stored =
        at.storage().try_fetch(chain::storage().workers().workers(), (who.clone(),)).await.map_err(ClientError::rpc_err)?;
    stored.map(|s| s.decode()).transpose().map_err(ClientError::rpc_err)
}

/// The Groth16 key the owner of `model` registered, if any: the verifying
/// key, the proving key's hash and size, the output layout and the price.
pub async fn proof_key(at: &AtBlock, model: u32) -> Result<Option<Groth16Key>, ClientError> {
    let stored =
        at.storage().try_fetch(chain::storage().models().groth16_keys(), (model,)).await.map_err(ClientError::rpc_err)?;
    stored.map(|s| s.decode()).transpose().map_err(ClientError::rpc_err)
}

/// Which TEE executors may run `model`'s TEE-mode jobs, once its owner set it.
pub async fn tee_policy(at: &AtBlock, model: u32) -> Result<Option<StoredTeePolicy>, ClientError> {
    let stored =
        at.storage().try_fetch(chain::storage().models().tee_policies(), (model,)).await.map_err(ClientError::rpc_err)?;
    stored.map(|s| s.decode()).transpose().map_err(ClientError::rpc_err)
}

/// The workers that serve `model`.
pub async fn model_workers(at: &AtBlock, model: u32) -> Result<Vec<AccountId32>, ClientError> {
    let stored =
        at.storage().try_fetch(chain::storage().workers().model_workers(), (model,)).await.map_err(ClientError::rpc_err)?;
    Ok(stored.map(|s| s.decode()).transpose().map_err(ClientError::rpc_err)?.map(|l| l.0).unwrap_or_default())
}

/// The data-plane peer ids and addresses `workers` registered, in the
/// binary forms the chain keeps, skipping those that registered none.
pub async fn data_plane_addresses(at: &AtBlock, workers: &[AccountId32]) -> Result<Vec<(Vec<u8>, Vec<u8>)>, ClientError> {
    let mut found = Vec::new();
    for who in workers {
        found.extend(data_plane_address(at, who).await?);
    }
    Ok(found)
}

/// The data-plane peer id and address `who` registered, in the binary forms
/// the chain keeps; `None` when it is no worker or registered neither.
pub async fn data_plane_address(at: &AtBlock, who: &AccountId32) -> Result<Option<(Vec<u8>, Vec<u8>)>, ClientError> {
    Ok(worker(at, who).await?.and_then(|info| Some((info.peer_id?.0, info.multiaddr?.0))))
}

/// The calibration cases of `model`: known inputs and their honest
/// fingerprints under the public calibration key.
pub async fn calibration_set(
    at: &AtBlock,
    model: u32,
) -> Result<Vec<chain::runtime_types::pallet_triad_models::types::CalibrationCase>, ClientError> {
    let stored =
        at.storage().try_fetch(chain::storage().models().calibration_sets(), (model,)).await.map_err(ClientError::rpc_err)?;
    Ok(stored.map(|s| s.decode()).transpose().map_err(ClientError::rpc_err)?.map(|l| l.0).unwrap_or_default())
}
