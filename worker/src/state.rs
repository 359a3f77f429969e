//! Work a worker has committed to but not yet revealed, kept on disk.
//!
//! A commitment binds a salt only this worker knows, and a verifier must
//! still hold its own full output when it votes, a few blocks after it
//! committed. If either were lost in a restart, the seat could not reveal
//! and would be slashed, so each entry (the answer, the salt, and a
//! verifier's committed fingerprint) is written (to a temporary file, synced,
//! then renamed over the old one) before the commitment is submitted, and
//! dropped once the attempt is settled.

use std::{
    collections::BTreeMap,
    io::Write,
    path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize};
use triad_client::job::EncodedAnswer;
use triad_verifier::CannotRun;

/// What a seat needs to reveal one attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    /// Attempt index the entry belongs to.
    pub attempt: u32,
    /// The seat's answer: its encoded output, or why it could not run.
    pub answer: StoredAnswer,
    /// The salt of its commitment, hex.
    pub salt: String,
    /// A verifier's committed fingerprint (SCALE, hex), once it committed.
    pub fingerprint: Option<String>,
}

/// An answer as the state file keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoredAnswer {
    /// The encoded output, hex.
    Output(String),
    /// The reason, by name.
    CannotRun(String),
}

/// A pending entry, decoded.
pub struct Opened {
    /// The seat's answer.
    pub answer: EncodedAnswer,
    /// Its salt.
    pub salt: [u8; 32],
    /// The committed fingerprint, if a verifier committed.
    pub fingerprint: Option<triad_verifier::Fingerprint>,
}

const REASONS: [(CannotRun, &str); 4] = [
    (CannotRun::InvalidInput, "invalid_input"),
    (CannotRun::OutputTooLarge, "output_too_large"),
    (CannotRun::TooSlow, "too_slow"),
    (CannotRun::InputUnavailable, "input_unavailable"),
];

impl StoredAnswer {
    /// The stored form of an answer.
    pub fn of(answer: &EncodedAnswer) -> Self {
        match answer {
            EncodedAnswer::Output(bytes) => StoredAnswer::Output(hex::encode(bytes)),
            EncodedAnswer::CannotRun(r) => {
                let name = REASONS.iter().find(|(k, _)| k == r).map(|(_, n)| *n).unwrap_or("invalid_input");
                StoredAnswer::CannotRun(name.into())
            },
        }
    }

    fn open(&self) -> Option<EncodedAnswer> {
        Some(match self {
            StoredAnswer::Output(h) => EncodedAnswer::Output(hex::decode(h).ok()?),
            StoredAnswer::CannotRun(name) => EncodedAnswer::CannotRun(REASONS.iter().find(|(_, n)| n == name)?.0),
        })
    }
}

impl Pending {
    /// Decodes the fields; `None` if the file was tampered with.
    pub fn open(&self) -> Option<Opened> {
        use codec::Decode;
        let salt = hex::decode(&self.salt).ok()?.try_into().ok()?;
        let fingerprint = match &self.fingerprint {
            Some(f) => Some(triad_verifier::Fingerprint::decode(&mut &hex::decode(f).ok()?[..]).ok()?),
            None => None,
        };
        Some(Opened { answer: self.answer.open()?, salt, fingerprint })
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
        Pending { attempt, answer: StoredAnswer::Output("abcd".into()), salt: "11".repeat(32), fingerprint: None }
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
        for (reason, _) in REASONS {
            let stored = StoredAnswer::of(&EncodedAnswer::CannotRun(reason));
            assert_eq!(stored.open(), Some(EncodedAnswer::CannotRun(reason)), "{reason:?} survives a restart");
        }
        assert_eq!(pending(0).open().map(|o| o.answer), Some(EncodedAnswer::Output(vec![0xab, 0xcd])));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
