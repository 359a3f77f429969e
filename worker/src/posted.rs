//! The executor's answer once it is opened: the executor reveals it, a
//! verifier votes on it.
//!
//! An output up to the chain's inline limit is revealed in the extrinsic,
//! and the chain fingerprints it. A larger one (up to `MaxOffchainOutput`)
//! stays in the executor's blob store, served over the data plane under its
//! `blake3` hash, the digest it committed to; the executor reveals the hash,
//! the size and the fingerprint it computed under the attempt key. The chain
//! takes that fingerprint on the executor's word, so each verifier fetches
//! the bytes (from the executor, or from another verifier that already has
//! them), checks that they give exactly the stated fingerprint
//! ([`job::check_stated`]), and only then compares them with its own
//! output. An output it cannot fetch before its vote is due, or one whose
//! fingerprint is not the stated one, gets `Mismatch`: an executor that
//! hides its output, or states the fingerprint of other bytes than it
//! serves, is opposed by every honest verifier and rejected.

use std::{sync::Arc, time::Duration};

use triad_client::{
    chain::{
        self,
        runtime_types::pallet_triad_tasks::types::{AnswerArg, Phase, Posted, TaskView},
    },
    generated, native,
};
use triad_dataplane::BlobId;
use triad_job::{self as job, Answer, Disagreement, EncodedAnswer, Schema};
use triad_verifier::{Fingerprint, Vote};

use crate::{
    compute,
    service::{Worker, LOG_TARGET},
    Behaviour,
};

impl Worker {
    /// Opens the executor's answer; returns whether to stop trying.
    pub(crate) async fn reveal_answer(self: &Arc<Self>, task: u64, attempt: u32, view: &TaskView) -> bool {
        if self.options.behaviour == Behaviour::Withhold {
            tracing::warn!(target: LOG_TARGET, task, "withhold: not revealing the committed answer");
            return true;
        }
        let Some(opened) = self.opened(task, attempt).await else { return true };
        let answer = match opened.answer {
            EncodedAnswer::Output(bytes) if bytes.len() > self.max_inline_output => {
                match self.publish_output(view, attempt, bytes).await {
                    Some(answer) => answer,
                    None => return true,
                }
            },
            EncodedAnswer::Output(bytes) => AnswerArg::Output(bytes),
            EncodedAnswer::CannotRun(r) => match generated(&r) {
                Ok(r) => AnswerArg::CannotRun(r),
                Err(_) => return true,
            },
        };
        let call = chain::transactions().tasks().reveal_answer(task, answer, opened.salt);
        self.submit(call, "reveal_answer", task, attempt, "executor").await
    }

    /// Puts an output too large for a block in the blob store, where the
    /// data plane serves it, and states its fingerprint under the key.
    async fn publish_output(&self, view: &TaskView, attempt: u32, bytes: Vec<u8>) -> Option<AnswerArg> {
        let task = view.id;
        let key = view.info.attempts.0.get(attempt as usize)?.key?;
        let schema = self.schema(view.info.model).await.ok()?;
        let stated = match compute::decode_output(&bytes).map(|a| a.fingerprint(&schema.lsh, &key)) {
            Some(Ok(fp)) => fp,
            _ => {
                tracing::error!(target: LOG_TARGET, task, "cannot fingerprint its own output; not revealing");
                return None;
            },
        };
        let id = if self.options.behaviour == Behaviour::Hide {
            tracing::warn!(target: LOG_TARGET, task, "hide: revealing an off-chain output it does not serve");
            BlobId::of(&bytes)
        } else {
            match self.blobs.plane().store().put(&bytes) {
                Ok(id) => id,
                Err(e) => {
                    tracing::error!(target: LOG_TARGET, task, "cannot store its output for the data plane: {e}");
                    return None;
                },
            }
        };
        tracing::info!(target: LOG_TARGET, task, blob = %id.hex(), bytes = id.size, "serving the output over the data plane");
        Some(AnswerArg::Offchain { hash: id.hash, size: id.size, fingerprint: generated(&stated).ok()? })
    }

    /// Opens a verifier's fingerprint with its vote on the posted output.
    pub(crate) async fn vote(self: &Arc<Self>, task: u64, attempt: u32, seat: usize, view: &TaskView) -> bool {
        let a = &view.info.attempts.0[attempt as usize];
        let (fingerprint, salt, vote) = if self.options.behaviour == Behaviour::Copy {
            let Some(revealed) =
                a.seats.0.iter().enumerate().find_map(|(i, s)| (i != seat && i > 0).then_some(s.reveal.clone()).flatten())
            else {
                return false;
            };
            let Ok(fp) = native::<Fingerprint>(&revealed) else { return true };
            (fp, [0u8; 32], Vote::Match)
        } else {
            let Some(opened) = self.opened(task, attempt).await else { return true };
            let Some(fp) = opened.fingerprint else {
                tracing::error!(target: LOG_TARGET, task, attempt, "committed but the fingerprint is lost; cannot reveal");
                return true;
            };
            let vote = match self.options.behaviour {
                // They did not run the model: they bet the executor is right.
                Behaviour::Replay | Behaviour::Dictionary | Behaviour::Lazy | Behaviour::Random => Vote::Match,
                _ => {
                    let schema = match self.schema(view.info.model).await {
                        Ok(s) => s,
                        Err(_) => return false,
                    };
                    let mine = match &opened.answer {
                        EncodedAnswer::Output(bytes) => compute::decode_output(bytes),
                        EncodedAnswer::CannotRun(r) => Some(Answer::CannotRun(*r)),
                    };
                    let judged = match (self.posted(view, attempt, &schema).await, mine) {
                        (Ok(posted), Some(mine)) => job::vote(&schema, posted.as_ref(), &mine),
                        (Err(why), _) => Err(why),
                        (_, None) => Err(Disagreement::Unreadable),
                    };
                    match judged {
                        Ok(()) => Vote::Match,
                        Err(why) => {
                            tracing::warn!(target: LOG_TARGET, task, attempt, "voting mismatch: {why}");
                            Vote::Mismatch
                        },
                    }
                },
            };
            (fp, opened.salt, vote)
        };
        let (Ok(fp), Ok(vote)) = (generated(&fingerprint), generated(&vote)) else { return true };
        let call = chain::transactions().tasks().reveal_vote(task, fp, salt, vote);
        self.submit(call, "reveal_vote", task, attempt, "verifier").await
    }

    /// What the executor of `attempt` posted, as a verifier checks it: the
    /// inline output, or the off-chain one fetched and checked against the
    /// stated fingerprint; `None` if it revealed nothing.
    async fn posted(&self, view: &TaskView, attempt: u32, schema: &Schema) -> Result<Option<EncodedAnswer>, Disagreement> {
        let a = &view.info.attempts.0[attempt as usize];
        Ok(match &a.posted {
            Some(Posted::Output { .. }) => {
                view.outputs.iter().find(|(i, _)| *i == attempt).map(|(_, o)| EncodedAnswer::Output(o.0.clone()))
            },
            Some(Posted::Offchain { hash, size }) => {
                let stated = a.seats.0[0].reveal.as_ref().and_then(|f| native::<Fingerprint>(f).ok());
                let (Some(stated), Some(key)) = (stated, a.key) else { return Err(Disagreement::StatedFingerprint) };
                let bytes = self.offchain_output(view, BlobId { hash: *hash, size: *size }).await?;
                Some(job::check_stated(&schema.lsh, &key, &bytes, &stated)?)
            },
            Some(Posted::CannotRun(r)) => native(r).ok().map(EncodedAnswer::CannotRun),
            None => None,
        })
    }

    /// Fetches an attempt's off-chain output from its executor or its
    /// other verifiers, while a vote can still land after it.
    async fn offchain_output(&self, view: &TaskView, id: BlobId) -> Result<Vec<u8>, Disagreement> {
        let attempt = view.info.attempts.0.len();
        let seats: Vec<_> =
            view.info.attempts.0.last().map(|a| a.seats.0.iter().map(|s| s.who.clone()).collect()).unwrap_or_default();
        let started = std::time::Instant::now();
        // However the chain reads go, no vote period lasts longer than this.
        let patience = Duration::from_millis(self.block_ms * (self.execute_period as u64 + 10));
        loop {
            let failed = match self.addresses_of(seats.iter()).await {
                Ok(sources) => match self.blobs.plane().fetch(id, &sources).await {
                    Ok(from) => {
                        self.metrics.fetch_seconds.observe(started.elapsed().as_secs_f64());
                        self.sync_plane_metrics();
                        tracing::info!(target: LOG_TARGET, task = view.id, blob = %id.hex(), from = ?from, "output fetched");
                        return self.blobs.plane().store().read(&id).map_err(|e| Disagreement::Unavailable(e.to_string()));
                    },
                    Err(e) => e.to_string(),
                },
                Err(e) => e.to_string(),
            };
            self.sync_plane_metrics();
            // Two blocks: one to wait, one for the vote to land in.
            match self.attempt_phase(view.id, attempt).await {
                Ok((now, Phase::Vote { until })) if now.saturating_add(2) < until => {
                    tracing::info!(target: LOG_TARGET, task = view.id, "output not fetched yet, trying again: {failed}");
                    tokio::time::sleep(Duration::from_secs(2)).await;
                },
                Ok(_) => return Err(Disagreement::Unavailable(failed)),
                Err(e) if started.elapsed() < patience => {
                    tracing::warn!(target: LOG_TARGET, task = view.id, "reading the task from the chain: {e}");
                    tokio::time::sleep(Duration::from_secs(2)).await;
                },
                Err(e) => return Err(Disagreement::Unavailable(format!("{failed}; then {e}"))),
            }
        }
    }
}
