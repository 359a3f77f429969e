//! Work a worker has committed to but not yet revealed, kept on disk.
//!
//! A commitment binds a salt only this worker knows, and a verifier must
//! still hold its own full output when it votes, a few blocks after it
//! committed. If either were lost in a restart, the seat could not reveal
//! and would be slashed, so each entry (the answer, the salt, and a
//! verifier's committed fingerprint) is written (to a temporary file, synced,
//! then renamed over the old one) before the commitment is submitted, and
//! dropped once the attempt is settled.
//!
//! The entries share one file, rewritten whole on every change, so an output
//! over [`INLINE_ANSWER`] bytes (a probability map, which goes over the data
//! plane anyway) is kept in a file of its own, `answers/<task>`, written the
//! same way first; the entry holds its `blake3` hash, checked when it is
//! read back.

use std::{
    collections::BTreeMap,
    io::Write,
    path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize};
use triad_job::EncodedAnswer;
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

/// Outputs up to this many bytes are kept in the state file itself.
pub const INLINE_ANSWER: usize = 64 * 1024;

/// An answer as the state file keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoredAnswer {
    /// The encoded output, hex.
    Output(String),
    /// The encoded output, in the task's answer file; its `blake3` hash, hex.
    File(String),
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
    /// The stored form of an answer up to [`INLINE_ANSWER`] bytes; a larger
    /// one is kept in a file by [`State::pending`].
    pub fn of(answer: &EncodedAnswer) -> Self {
        match answer {
            EncodedAnswer::Output(bytes) => StoredAnswer::Output(hex::encode(bytes)),
            EncodedAnswer::CannotRun(r) => {
                let name = REASONS.iter().find(|(k, _)| k == r).map(|(_, n)| *n).unwrap_or("invalid_input");
                StoredAnswer::CannotRun(name.into())
            },
        }
    }

    fn open(&self, file: &Path) -> Option<EncodedAnswer> {
        Some(match self {
            StoredAnswer::Output(h) => EncodedAnswer::Output(hex::decode(h).ok()?),
            StoredAnswer::File(hash) => {
                let bytes = std::fs::read(file).ok()?;
                (blake3::hash(&bytes).to_hex().as_str() == hash).then_some(EncodedAnswer::Output(bytes))?
            },
            StoredAnswer::CannotRun(name) => EncodedAnswer::CannotRun(REASONS.iter().find(|(_, n)| n == name)?.0),
        })
    }
}

impl Pending {
    /// Decodes the fields, reading an answer kept in `file`; `None` if
    /// either file was tampered with.
    fn open(&self, file: &Path) -> Option<Opened> {
        use codec::Decode;
        let salt = hex::decode(&self.salt).ok()?.try_into().ok()?;
        let fingerprint = match &self.fingerprint {
            Some(f) => Some(triad_verifier::Fingerprint::decode(&mut &hex::decode(f).ok()?[..]).ok()?),
            None => None,
        };
        Some(Opened { answer: self.answer.open(file)?, salt, fingerprint })
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

    /// A new entry for `task`: its answer, kept in the task's answer file
    /// (durably, before this returns) when it is over [`INLINE_ANSWER`].
    pub fn pending(&self, task: u64, attempt: u32, answer: &EncodedAnswer, salt: [u8; 32]) -> Result<Pending, StateError> {
        let answer = match answer {
            EncodedAnswer::Output(bytes) if bytes.len() > INLINE_ANSWER => {
                write_durably(&self.answer_file(task), bytes).map_err(|reason| self.error(reason))?;
                StoredAnswer::File(blake3::hash(bytes).to_hex().to_string())
            },
            other => StoredAnswer::of(other),
        };
        Ok(Pending { attempt, answer, salt: hex::encode(salt), fingerprint: None })
    }

    /// The pending entry of `task`, decoded; `None` if there is none or it
    /// was tampered with.
    pub fn opened(&self, task: u64) -> Option<Opened> {
        self.pending.get(&task)?.open(&self.answer_file(task))
    }

    fn answer_file(&self, task: u64) -> PathBuf {
        self.path.with_file_name("answers").join(task.to_string())
    }

    fn error(&self, reason: String) -> StateError {
        StateError { path: self.path.display().to_string(), reason }
    }

    /// Records a reveal and makes it durable before returning.
    pub fn insert(&mut self, task: u64, pending: Pending) -> Result<(), StateError> {
        self.pending.insert(task, pending);
        self.flush()
    }

    /// Forgets `task` once nothing more can be revealed for it.
    pub fn remove(&mut self, task: u64) -> Result<(), StateError> {
        if let Some(removed) = self.pending.remove(&task) {
            self.flush()?;
            if let StoredAnswer::File(_) = removed.answer {
                match std::fs::remove_file(self.answer_file(task)) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(self.error(e.to_string())),
                    _ => {},
                }
            }
        }
        Ok(())
    }

    fn flush(&self) -> Result<(), StateError> {
        let bytes = serde_json::to_vec_pretty(&self.pending).expect("plain data serializes");
        write_durably(&self.path, &bytes).map_err(|reason| self.error(reason))
    }
}

/// Writes `bytes` to a temporary file beside `path`, syncs it, then renames
/// it over `path`: a crash leaves the old content or the new, never half.
fn write_durably(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut f = std::fs::File::create(&tmp).map_err(|e| e.to_string())?;
    f.write_all(bytes).and_then(|_| f.sync_all()).map_err(|e| e.to_string())?;
    std::fs::rename(&tmp, path).map_err(|e| e.to_string())
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
            assert_eq!(stored.open(&dir.join("none")), Some(EncodedAnswer::CannotRun(reason)), "{reason:?} survives a restart");
        }
        assert_eq!(pending(0).open(&dir.join("none")).map(|o| o.answer), Some(EncodedAnswer::Output(vec![0xab, 0xcd])));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_large_answer_is_kept_in_a_file_of_its_own_and_checked_when_read() {
        let dir = std::env::temp_dir().join(format!("triad-state-large-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut state = State::open(&dir).unwrap();
        let map = EncodedAnswer::Output((0..INLINE_ANSWER + 1).map(|i| i as u8).collect());
        let small = EncodedAnswer::Output(vec![1, 2, 3]);
        let entry = state.pending(4, 0, &map, [7; 32]).unwrap();
        assert!(matches!(entry.answer, StoredAnswer::File(_)));
        state.insert(4, entry).unwrap();
        state.insert(5, state.pending(5, 0, &small, [7; 32]).unwrap()).unwrap();
        assert!(std::fs::metadata(dir.join("pending.json")).unwrap().len() < 2048, "the map is not in the shared file");
        let reopened = State::open(&dir).unwrap();
        assert_eq!(reopened.opened(4).map(|o| o.answer), Some(map));
        assert_eq!(reopened.opened(5).map(|o| (o.answer, o.salt)), Some((small, [7; 32])));
        std::fs::write(dir.join("answers/4"), b"tampered").unwrap();
        assert!(reopened.opened(4).is_none(), "a changed answer file is refused");
        let mut state = reopened;
        state.remove(4).unwrap();
        assert!(!dir.join("answers/4").exists(), "the answer file goes with its entry");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
