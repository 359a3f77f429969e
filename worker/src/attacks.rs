//! What the attacking behaviours use that an honest worker never does:
//! public data from earlier attempts and tasks, and a dictionary of small
//! outputs. The tests run them to show they fail; an honest worker never
//! calls these.

use codec::Encode;
use triad_client::{
    chain::{
        self,
        runtime_types::pallet_triad_tasks::types::{Attempt, TaskView},
    },
    native, AccountId32,
};
use triad_job::{Answer, Schema};
use triad_verifier::Fingerprint;

use crate::{compute, service::LOG_TARGET, Worker};

impl Worker {
    /// Earlier tasks of the same model with the same input, newest first
    /// (the replay and caching attacks look no further than 64 tasks back).
    pub(crate) async fn earlier_same_input(&self, view: &TaskView) -> Vec<TaskView> {
        let Ok(at) = self.client.best().await else { return Vec::new() };
        let mut found = Vec::new();
        for id in (view.id.saturating_sub(64)..view.id).rev() {
            let Ok(Some(other)) = at.runtime_apis().call(chain::runtime_apis().tasks_api().task(id)).await else { continue };
            if other.info.model == view.info.model && other.input.encode() == view.input.encode() {
                found.push(other);
            }
        }
        found
    }

    /// A verifier fingerprint revealed for this input before: in an earlier
    /// attempt of this task, or in an earlier task.
    pub(crate) async fn earlier_fingerprint(&self, view: &TaskView, seat: usize) -> Option<Fingerprint> {
        let revealed = |a: &Attempt<_, _, _>| -> Option<Fingerprint> {
            a.seats.0.iter().skip(1).find_map(|s: &chain::runtime_types::pallet_triad_tasks::types::Seat<AccountId32, u128>| {
                s.reveal.as_ref().and_then(|f| native(f).ok())
            })
        };
        let here = view.info.attempts.0.iter().rev().skip(1).find_map(|a| revealed(a));
        if here.is_some() {
            return here;
        }
        let _ = seat;
        for other in self.earlier_same_input(view).await {
            if let Some(fp) = other.info.attempts.0.iter().rev().find_map(|a| revealed(a)) {
                return Some(fp);
            }
        }
        None
    }

    /// The accepted output of an earlier task with this input.
    pub(crate) async fn earlier_output(&self, view: &TaskView) -> Option<Answer> {
        let other = self.earlier_same_input(view).await.into_iter().find(|o| o.output.is_some())?;
        compute::decode_output(&other.output?.0)
    }

    /// Reads the executor's answer off its commitment when it is the
    /// unsalted hash of a small discrete output, as commitments once were.
    pub(crate) fn dictionary(&self, schema: &Schema, view: &TaskView) -> Option<Answer> {
        let commitment = view.info.attempts.0.last()?.seats.0.first()?.commit?;
        let found = compute::candidates(schema).into_iter().find(|c| c.encoded(schema).digest() == commitment);
        tracing::warn!(
            target: LOG_TARGET,
            task = view.id,
            found = found.is_some(),
            "dictionary: tried every candidate output against the executor's commitment"
        );
        found
    }
}
