//! Stopping the node without false alarms.
//!
//! `sc-service` treats an essential task that returns as a failure: it logs
//! "Essential task `…` failed" and stops the node. On SIGTERM the task manager
//! is dropped, which also drops the client and closes the notification streams
//! that the transaction pool's background tasks read; those tasks can then
//! return before the exit signal reaches them, and a clean stop is logged as
//! a failure.
//!
//! [`ShutdownTolerant`] runs such tasks as ordinary tasks that report their
//! end to one essential *watch* task. The watch waits [`GRACE`] after a report
//! and only then returns, which stops the node as an essential failure would.
//! On a real stop the exit signal drops the watch within that time and
//! nothing is logged. The wait uses `futures-timer`, not tokio's timer, which
//! refuses new timers once the runtime is shutting down.

use std::{panic::AssertUnwindSafe, time::Duration};

use futures::{channel::mpsc, future::BoxFuture, FutureExt, StreamExt};
use polkadot_sdk::{
    sc_service::{SpawnTaskHandle, TaskManager},
    sp_core::traits::SpawnEssentialNamed,
};

/// How long the watch waits after a task's end before it counts as a failure.
pub const GRACE: Duration = Duration::from_secs(5);

/// An essential-task spawner that does not report tasks ended by a shutdown.
#[derive(Clone)]
pub struct ShutdownTolerant {
    spawn: SpawnTaskHandle,
    ended: mpsc::UnboundedSender<&'static str>,
}

impl ShutdownTolerant {
    /// Starts the watch as an essential task of `task_manager`.
    pub fn new(task_manager: &TaskManager) -> Self {
        let (ended, mut reports) = mpsc::unbounded::<&'static str>();
        let watch = async move {
            match reports.next().await {
                Some(name) => {
                    futures_timer::Delay::new(GRACE).await;
                    log::error!(target: crate::LOG_TARGET, "essential task `{name}` ended while the node was running");
                },
                // Every spawner is gone, so no task can report any more.
                None => futures::future::pending().await,
            }
        };
        task_manager.spawn_essential_handle().spawn("essential-watch", None, watch);
        Self { spawn: task_manager.spawn_handle(), ended }
    }

    fn reporting(&self, name: &'static str, task: BoxFuture<'static, ()>) -> BoxFuture<'static, ()> {
        let ended = self.ended.clone();
        async move {
            // A panic ends the task as surely as a return does.
            let _ = AssertUnwindSafe(task).catch_unwind().await;
            let _ = ended.unbounded_send(name);
        }
        .boxed()
    }
}

impl SpawnEssentialNamed for ShutdownTolerant {
    fn spawn_essential_blocking(&self, name: &'static str, group: Option<&'static str>, task: BoxFuture<'static, ()>) {
        self.spawn.spawn_blocking(name, group, self.reporting(name, task));
    }

    fn spawn_essential(&self, name: &'static str, group: Option<&'static str>, task: BoxFuture<'static, ()>) {
        self.spawn.spawn(name, group, self.reporting(name, task));
    }
}
