//! Probation: before a worker is drawn for a model's tasks it must reproduce
//! the fingerprints of the model's calibration cases (proof of capability).
//! Calibration is always answered honestly, whatever the [`crate::Behaviour`].

use std::sync::Arc;

use triad_client::{chain, generated, ClientError, Wait};

use crate::{compute, Worker, WorkerError};

/// Consecutive failed cases after which the worker gives up: its setup
/// computes something other than what the model's owner computed.
const MAX_FAILURES: u32 = 3;

impl Worker {
    pub(crate) async fn pass_probation(self: &Arc<Self>, model: u32) -> Result<(), WorkerError> {
        let schema = self.schema(model).await?;
        let mut failures = 0;
        loop {
            let at = self.client.best().await?;
            let required =
                at.constants().entry(chain::constants().workers().calibrations_required()).map_err(ClientError::rpc_err)?;
            let probation = at
                .storage()
                .fetch(chain::storage().workers().calibrations(), (self.me.clone(), model))
                .await
                .map_err(ClientError::rpc_err)?
                .decode()
                .map_err(ClientError::rpc_err)?;
            if probation.passed >= required {
                tracing::info!(target: crate::service::LOG_TARGET, model, passed = probation.passed, "qualified");
                return Ok(());
            }
            let requested = self
                .client
                .submit(&chain::transactions().tasks().request_calibration(model), &self.signer, Wait::InBlock)
                .await?;
            let case = requested.event::<chain::tasks::events::CalibrationRequested>()?.case;
            let at = self.client.api().at_block(requested.block).await.map_err(ClientError::rpc_err)?;
            let cases = at
                .storage()
                .fetch(chain::storage().models().calibration_sets(), (model,))
                .await
                .map_err(ClientError::rpc_err)?
                .decode()
                .map_err(ClientError::rpc_err)?;
            let input = cases
                .0
                .get(case as usize)
                .map(|c| c.input.0.clone())
                .ok_or_else(|| WorkerError::Model { model, reason: format!("calibration case {case} is missing") })?;
            let (store, schema2, metrics) = (self.store.clone(), schema.clone(), self.metrics.clone());
            let (budget, max_output) = (self.budget, usize::MAX);
            let answer =
                tokio::task::spawn_blocking(move || compute::honest(&store, &schema2, &input, budget, max_output, &metrics))
                    .await
                    .map_err(|e| WorkerError::Model { model, reason: format!("inference thread: {e}") })?
                    .map_err(|e| WorkerError::Model { model, reason: format!("calibration case {case}: {e}") })?;
            let fingerprint = answer
                .fingerprint(&schema.lsh, &triad_verifier::CALIBRATION_KEY)
                .map_err(|e| WorkerError::Model { model, reason: format!("calibration case {case}: {e}") })?;
            let call = chain::transactions().tasks().submit_calibration(model, generated(&fingerprint)?);
            let checked = self.client.submit(&call, &self.signer, Wait::InBlock).await?;
            let passed = checked.event::<chain::tasks::events::CalibrationChecked>()?.passed;
            tracing::info!(target: crate::service::LOG_TARGET, model, case, passed, "calibration case answered");
            if passed {
                failures = 0;
            } else {
                failures += 1;
                if failures >= MAX_FAILURES {
                    return Err(WorkerError::Calibration(failures, model));
                }
            }
        }
    }
}
