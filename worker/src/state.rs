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
    /// The executor's committed output hash, hex.
    pub output_hash: Option<String>,
}

/// A pending reveal, decoded.
pub struct Opened {
    /// The committed fingerprint.
    pub fingerprint: triad_verifier::Fingerprint,
    /// Its salt.
    pub salt: [u8; 32],
    /// The output to post, if any.
    pub output: Option<Vec<u8>>,
    /// The committed output hash, if executor.
    pub output_hash: Option<[u8; 32]>,
}

impl Pending {
    /// Decodes the hex fields; `None` if the file was tampered with.
    pub fn open(&self) -> Option<Opened> {
        use codec::Decode;
        let fingerprint = triad_verifier::Fingerprint::decode(&mut &hex::decode(&self.fingerprint).ok()?[..]).ok()?;
        let salt = hex::decode(&self.salt).ok()?.try_into().ok()?;
        let output = match &self.output {
            Some(o) => Some(hex::decode(o).ok()?),
            None => None,
        };
        let output_hash = match &self.output_hash {
            Some(h) => Some(hex::decode(h).ok()?.try_into().ok()?),
            None => None,
        };
        Some(Opened { fingerprint, salt, output, output_hash })
    }
}

/// Why the state file cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("worker state {path}: {reason}")]
pub struct StateError {
    path: String,
    reason: String,
}

/// Pending reveals by task id, mirrored to `<dir>/pending.json`.
#[derive(Debug)]
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

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(attempt: u32) -> Pending {
        Pending { attempt, fingerprint: "00ff".into(), salt: "11".repeat(32), output: Some("abcd".into()), output_hash: None }
    }

    #[test]
    fn pending_reveals_survive_a_restart_and_are_dropped_when_done() {
        let dir = std::env::temp_dir().join(format!("triad-state-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut state = State::open(&dir).unwrap();
        state.insert(7, pending(0)).unwrap();
        state.insert(9, pending(1)).unwrap();
        drop(state);
        let mut reopened = State::open(&dir).unwrap();
        assert_eq!(reopened.tasks(), vec![7, 9]);
        assert_eq!(reopened.get(7), Some(&pending(0)));
        reopened.remove(7).unwrap();
        assert_eq!(State::open(&dir).unwrap().tasks(), vec![9]);
        std::fs::write(dir.join("pending.json"), b"{not json").unwrap();
        assert!(State::open(&dir).unwrap_err().to_string().contains("corrupt"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
