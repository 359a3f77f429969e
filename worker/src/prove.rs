//! Proved tasks (`Mode::Groth16`): the executor runs the model inside its
//! circuit (`triad-zk`), proves the run for the statement of its own seat
//! (model, task, attempt, account), and posts the output with the proof in
//! one extrinsic. There are no verifiers and no commitments: the chain checks
//! the proof against the key the model's owner registered.
//!
//! The proving key is fetched like a model file: by the hash the chain
//! holds, from the local store (`triad-worker import <file>.pk`) or over the
//! data plane from the workers that serve the model, and then served on.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use codec::Encode;
use triad_client::{
    chain::{
        self,
        runtime_types::{
            pallet_triad_models::types::Groth16Key,
            pallet_triad_tasks::types::{TaskInput, TaskView},
        },
    },
    registry,
};
use triad_dataplane::BlobId;
use triad_inference::{wire, Data, TensorData};
use triad_job::Schema;
use triad_zk::{decode_proving_key, Compiled};

use crate::{
    behaviour::Behaviour,
    service::{Worker, WorkerError, LOG_TARGET},
};

/// How long a worker waits for some worker to serve a proving key it lacks.
const KEY_PATIENCE: Duration = Duration::from_secs(120);

/// A model's circuit and proving key, compiled and loaded once.
pub(crate) struct Prover {
    compiled: Compiled,
    key: triad_zk::ProvingKey,
}

impl Worker {
    /// The Groth16 key the model's owner registered.
    async fn proof_key(&self, model: u32) -> Result<Groth16Key, WorkerError> {
        registry::proof_key(&self.client.best().await?, model)
            .await?
            .ok_or(WorkerError::Model { model, reason: "allows proofs but has no registered key yet".into() })
    }

    /// Puts the proving key of `model` in the store, fetched by its hash from
    /// the workers that serve the model when it is missing, and in the blob
    /// store so this worker serves it to the next.
    pub(crate) async fn provide_proving_key(&self, model: u32) -> Result<(), WorkerError> {
        let key = self.proof_key(model).await?;
        let id = BlobId { hash: key.proving_key_hash, size: key.proving_key_size };
        let path = self.store.key_path_for(&key.proving_key_hash);
        let blobs = self.blobs.plane().store();
        if path.is_file() {
            if !blobs.has(&id) {
                blobs.put_file(&path)?;
            }
            return Ok(());
        }
        self.fetch_from_model_workers(model, id, "proving key", KEY_PATIENCE).await?;
        std::fs::copy(blobs.path(&id)?, &path)
            .map_err(|e| WorkerError::Model { model, reason: format!("{}: {e}", path.display()) })?;
        Ok(())
    }

    /// The circuit of `model` and its proving key, loaded once.
    async fn prover(&self, model: u32, schema: &Schema) -> Result<Arc<Prover>, WorkerError> {
        if let Some(p) = self.provers.lock().expect("prover lock").get(&model) {
            return Ok(p.clone());
        }
        self.provide_proving_key(model).await?;
        let key = self.proof_key(model).await?;
        let bad = move |reason: String| WorkerError::Model { model, reason };
        let onnx = self.store.read_checked(&self.store.path_for(&schema.onnx_hash), &schema.onnx_hash)?;
        let pk = self.store.read_checked(&self.store.key_path_for(&key.proving_key_hash), &key.proving_key_hash)?;
        let prover = tokio::task::spawn_blocking(move || -> Result<Prover, WorkerError> {
            let compiled = Compiled::from_onnx(&onnx).map_err(|e| bad(e.to_string()))?;
            let key = decode_proving_key(&pk).map_err(|e| bad(e.to_string()))?;
            Ok(Prover { compiled, key })
        })
        .await
        .map_err(|e| WorkerError::Model { model, reason: format!("loading the circuit: {e}") })??;
        let prover = Arc::new(prover);
        self.provers.lock().expect("prover lock").insert(model, prover.clone());
        Ok(prover)
    }

    /// Proves the task's job for this worker's seat and posts output and
    /// proof; returns whether to stop trying for this attempt.
    pub(crate) async fn prove(self: &Arc<Self>, task: u64, attempt: u32, view: &TaskView) -> bool {
        let model = view.info.model;
        let schema = match self.schema(model).await {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(target: LOG_TARGET, task, "cannot prove: {e}");
                return true;
            },
        };
        let prover = match self.prover(model, &schema).await {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(target: LOG_TARGET, task, "cannot prove: {e}");
                return true;
            },
        };
        let pixels = match &view.input {
            TaskInput::Inline(bytes) => match wire::decode(&bytes.0).ok().and_then(|t| t.into_iter().next()) {
                Some(wire::NamedTensor { tensor: TensorData { data: Data::U8(pixels), .. }, .. }) => pixels,
                _ => {
                    tracing::error!(target: LOG_TARGET, task, "the chain accepted an input its circuit cannot take");
                    return true;
                },
            },
            TaskInput::Offchain { .. } => return true,
        };
        let ctx = triad_zk::verify::context(model, task, attempt, &self.me.encode());
        let started = Instant::now();
        let p = prover.clone();
        let proven =
            match tokio::task::spawn_blocking(move || p.compiled.prove(&p.key, &pixels, ctx, &mut rand::rngs::OsRng)).await {
                Ok(Ok(proven)) => proven,
                Ok(Err(e)) => {
                    tracing::error!(target: LOG_TARGET, task, "proving failed: {e}");
                    return true;
                },
                Err(e) => {
                    tracing::error!(target: LOG_TARGET, task, "proving thread: {e}");
                    return true;
                },
            };
        let seconds = started.elapsed().as_secs_f64();
        self.metrics.prove_seconds.observe(seconds);
        tracing::info!(target: LOG_TARGET, task, attempt, seconds, "proved the job");
        let mut values = proven.output;
        if self.options.behaviour == Behaviour::Forge {
            tracing::warn!(target: LOG_TARGET, task, "forge: posting a valid proof beside an output it does not prove");
            values[0] += 1;
        }
        let Some(out) = schema.outputs.first() else { return true };
        let shape = out.shape.iter().map(|d| *d as usize).collect();
        let data = match out.dtype {
            triad_inference::DType::U8 => Data::U8(values.iter().map(|v| *v as u8).collect()),
            _ => Data::I64(values),
        };
        let tensor = TensorData { shape, data };
        let output = wire::encode(&[wire::NamedTensor { name: out.name.clone(), tensor }]);
        let call = chain::transactions().tasks().submit_proof(task, output, proven.proof);
        self.submit(call, "submit_proof", task, attempt, "executor").await
    }
}
