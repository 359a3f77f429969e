//! Work a worker has committed to but not yet revealed, kept on disk.
//!
//! A commitment binds a salt only this worker knows. If the salt were lost
//! in a restart, the seat could not reveal and would be slashed as absent, so
//! each entry is written (to a temporary file, synced, then renamed over the
//! old one) before the commit is submitted, and dropped once the task has
//! moved past its reveal.

use std::{
    collections::BTreeMap,
    io::Write,
    path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize};

/// What a seat needs to reveal one attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    /// Attempt index the commitment belongs to.
    pub attempt: u32,
    /// SCALE of the committed fingerprint, hex.
    pub fingerprint: String,
    /// The salt, hex.
    pub salt: String,
    /// The executor's encoded output, hex, when small enough to post.
    pub output: Option<String>,
}

/// Why the state file cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("worker state {path}: {reason}")]
pub struct StateError {
    path: String,
    reason: String,
}

/// Pending reveals by task id, mirrored to `<dir>/pending.json`.
pub struct State {
    path: PathBuf,
    pending: BTreeMap<u64, Pending>,
}

impl State {
    /// Opens (or creates) the state in `dir`.
    pub fn open(dir: &Path) -> Result<Self, StateError> {
        let path = dir.join("pending.json");
        let err = |reason: String| StateError { path: path.display().to_string(), reason };
        std::fs::create_dir_all(dir).map_err(|e| err(e.to_string()))?;
        let pending = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| err(format!("corrupt: {e}")))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(e) => return Err(err(e.to_string())),
        };
        Ok(State { path, pending })
    }

    /// The pending reveal of `task`, if any.
    pub fn get(&self, task: u64) -> Option<&Pending> {
        self.pending.get(&task)
    }

    /// Every task with a pending reveal.
    pub fn tasks(&self) -> Vec<u64> {
        self.pending.keys().copied().collect()
    }

    /// Records a reveal and makes it durable before returning.
    pub fn insert(&mut self, task: u64, pending: Pending) -> Result<(), StateError> {
        self.pending.insert(task, pending);
        self.flush()
    }

    /// Forgets `task` once nothing more can be revealed for it.
    pub fn remove(&mut self, task: u64) -> Result<(), StateError> {
        if self.pending.remove(&task).is_some() {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&self) -> Result<(), StateError> {
        let err = |reason: String| StateError { path: self.path.display().to_string(), reason };
        let tmp = self.path.with_extension("json.tmp");
        let bytes = serde_json::to_vec_pretty(&self.pending).expect("plain data serializes");
        let mut f = std::fs::File::create(&tmp).map_err(|e| err(e.to_string()))?;
        f.write_all(&bytes).and_then(|_| f.sync_all()).map_err(|e| err(e.to_string()))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| err(e.to_string()))
    }
}
