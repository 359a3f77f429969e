//! The local model store: ONNX files named by the `blake3` hash the registry
//! holds, so a worker never runs a file the chain did not register.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
};

use triad_inference::{Model, Settings};

/// Why a model cannot be served from the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No file for the hash.
    #[error(
        "model {hash} is not in the store {dir}; copy it there with `triad-worker import`, or serve it from a worker that has it"
    )]
    Missing {
        /// Hex of the registered hash.
        hash: String,
        /// The store directory.
        dir: String,
    },
    /// The file's bytes do not hash to its name: corrupted, or swapped.
    #[error("model file {path} hashes to {found}, not to the registered {expected}; refusing to run it")]
    HashMismatch {
        /// The file.
        path: String,
        /// Registered hash.
        expected: String,
        /// Hash of the file.
        found: String,
    },
    /// Reading or writing the store failed.
    #[error("model store {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// ONNX Runtime refused the file.
    #[error(transparent)]
    Inference(#[from] triad_inference::InferenceError),
}

/// A directory of `<blake3 hex>.onnx` model files and `<blake3 hex>.pk`
/// Groth16 proving keys, and the sessions loaded from the models.
pub struct ModelStore {
    dir: PathBuf,
    settings: Settings,
    loaded: Mutex<HashMap<[u8; 32], Arc<Mutex<Model>>>>,
}

impl ModelStore {
    /// A store in `dir`, whose sessions run with `settings`.
    pub fn new(dir: impl Into<PathBuf>, settings: Settings) -> Self {
        ModelStore { dir: dir.into(), settings, loaded: Mutex::new(HashMap::new()) }
    }

    /// Where the file for `hash` lives.
    pub fn path_for(&self, hash: &[u8; 32]) -> PathBuf {
        self.dir.join(format!("{}.onnx", hex::encode(hash)))
    }

    /// Where the proving key for `hash` lives.
    pub fn key_path_for(&self, hash: &[u8; 32]) -> PathBuf {
        self.dir.join(format!("{}.pk", hex::encode(hash)))
    }

    /// Copies a file into the store under its hash, as a proving key when its
    /// name ends in `.pk` and as an ONNX model otherwise; returns the hash.
    pub fn import(&self, file: &Path) -> Result<[u8; 32], StoreError> {
        let io = |path: &Path, source| StoreError::Io { path: path.display().to_string(), source };
        let bytes = std::fs::read(file).map_err(|e| io(file, e))?;
        let hash = *blake3::hash(&bytes).as_bytes();
        std::fs::create_dir_all(&self.dir).map_err(|e| io(&self.dir, e))?;
        let key = file.extension().is_some_and(|e| e == "pk");
        let target = if key { self.key_path_for(&hash) } else { self.path_for(&hash) };
        std::fs::write(&target, &bytes).map_err(|e| io(&target, e))?;
        Ok(hash)
    }

    /// The bytes stored at `path` for `hash`, checked against it.
    pub fn read_checked(&self, path: &Path, hash: &[u8; 32]) -> Result<Vec<u8>, StoreError> {
        if !path.is_file() {
            return Err(StoreError::Missing { hash: hex::encode(hash), dir: self.dir.display().to_string() });
        }
        let bytes = std::fs::read(path).map_err(|source| StoreError::Io { path: path.display().to_string(), source })?;
        let found = blake3::hash(&bytes);
        if found.as_bytes() != hash {
            return Err(StoreError::HashMismatch {
                path: path.display().to_string(),
                expected: hex::encode(hash),
                found: found.to_hex().to_string(),
            });
        }
        Ok(bytes)
    }

    /// The session for `hash`, loading and checking the file on first use.
    pub fn model(&self, hash: &[u8; 32]) -> Result<Arc<Mutex<Model>>, StoreError> {
        if let Some(m) = self.loaded.lock().expect("store lock").get(hash) {
            return Ok(m.clone());
        }
        let bytes = self.read_checked(&self.path_for(hash), hash)?;
        let model = Model::from_bytes(&bytes, self.settings)?;
        tracing::info!(target: "triad::worker", "loaded {}", model.describe());
        let model = Arc::new(Mutex::new(model));
        self.loaded.lock().expect("store lock").insert(*hash, model.clone());
        Ok(model)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_served_only_under_the_hash_of_its_bytes() {
        let dir = std::env::temp_dir().join(format!("triad-store-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = ModelStore::new(dir.join("models"), Settings::default());
        let original = dir.join("model.onnx");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(&original, b"registered bytes").unwrap();
        let hash = store.import(&original).unwrap();
        assert_eq!(hash, *blake3::hash(b"registered bytes").as_bytes());
        assert!(store.path_for(&hash).is_file());

        // Swapped under the registered name: refused before ONNX Runtime sees it.
        std::fs::write(store.path_for(&hash), b"other bytes").unwrap();
        let err = store.model(&hash).err().expect("a swapped file is refused");
        assert!(matches!(err, StoreError::HashMismatch { .. }), "{err}");
        assert!(err.to_string().contains(&hex::encode(hash)), "{err}");

        let missing = [7u8; 32];
        assert!(matches!(store.model(&missing), Err(StoreError::Missing { .. })));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
