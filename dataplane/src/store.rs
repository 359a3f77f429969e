//! Blobs on disk, each beside its hash tree, sent and received as verified
//! streams.

use std::{
    fs::{self, File},
    io::{self, Read, Write},
    path::{Path, PathBuf},
    sync::atomic::{AtomicU64, Ordering},
    time::{Duration, SystemTime},
};

use bao_tree::{
    io::{
        outboard::PreOrderOutboard,
        sync::{encode_ranges_validated, CreateOutboard, DecodeResponseIter, OutboardMut},
        BaoContentItem, EncodeError,
    },
    BaoTree, BlockSize, ChunkRanges,
};

use crate::DataPlaneError;

/// Chunk groups of 16 chunks: each verified unit is 16 KiB, and the hash
/// tree stored beside a blob is 1/256 of its size.
const BLOCK: BlockSize = BlockSize::from_chunk_log(4);

/// Bytes in one verified unit of a transfer.
pub const CHUNK_GROUP_BYTES: u64 = 16 * 1024;

/// A blob as the chain records it: its `blake3` hash and its size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BlobId {
    pub hash: [u8; 32],
    pub size: u64,
}

impl BlobId {
    /// The id of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        Self { hash: *blake3::hash(bytes).as_bytes(), size: bytes.len() as u64 }
    }

    /// The hash in lower-case hex, as files and logs name it.
    pub fn hex(&self) -> String {
        hex::encode(self.hash)
    }

    fn tree(&self) -> BaoTree {
        BaoTree::new(self.size, BLOCK)
    }

    /// Bytes of the verified stream that carries this blob: the data and
    /// every hash pair of its tree.
    pub fn stream_len(&self) -> u64 {
        self.size + self.tree().outboard_size()
    }
}

/// What a store accepts.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The largest blob stored or received, in bytes.
    pub max_blob: u64,
}

impl Default for Limits {
    /// 256 MiB: a large ONNX model or a batch of full-size images.
    fn default() -> Self {
        Self { max_blob: 256 << 20 }
    }
}

/// A directory of blobs named by their hash (`<hex>`), each with its hash
/// tree (`<hex>.obao`, pre-order).
pub struct Store {
    dir: PathBuf,
    limits: Limits,
}

impl Store {
    /// Opens (creating if needed) the store in `dir`.
    pub fn open(dir: impl Into<PathBuf>, limits: Limits) -> Result<Self, DataPlaneError> {
        let dir = dir.into();
        fs::create_dir_all(&dir)?;
        Ok(Self { dir, limits })
    }

    /// The limits this store was opened with.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    fn data_path(&self, id: &BlobId) -> PathBuf {
        self.dir.join(id.hex())
    }

    fn outboard_path(&self, id: &BlobId) -> PathBuf {
        self.dir.join(format!("{}.obao", id.hex()))
    }

    fn check_size(&self, id: &BlobId) -> Result<(), DataPlaneError> {
        if id.size > self.limits.max_blob {
            return Err(DataPlaneError::TooLarge { hash: id.hex(), size: id.size, limit: self.limits.max_blob });
        }
        Ok(())
    }

    /// Whether the store holds `id` complete.
    pub fn has(&self, id: &BlobId) -> bool {
        fs::metadata(self.data_path(id)).is_ok_and(|m| m.len() == id.size) && self.outboard_path(id).exists()
    }

    /// Path of a held blob's bytes, for a caller that maps or reads the file.
    pub fn path(&self, id: &BlobId) -> Result<PathBuf, DataPlaneError> {
        if !self.has(id) {
            return Err(DataPlaneError::NotFound(id.hex()));
        }
        Ok(self.data_path(id))
    }

    /// Reads a held blob whole.
    pub fn read(&self, id: &BlobId) -> Result<Vec<u8>, DataPlaneError> {
        let bytes = fs::read(self.path(id)?)?;
        self.touch(id);
        Ok(bytes)
    }

    /// Stores `bytes` under their hash and returns their id.
    pub fn put(&self, bytes: &[u8]) -> Result<BlobId, DataPlaneError> {
        let id = BlobId::of(bytes);
        self.check_size(&id)?;
        if self.has(&id) {
            self.touch(&id);
            return Ok(id);
        }
        let outboard = PreOrderOutboard::<Vec<u8>>::create(io::Cursor::new(bytes), BLOCK)?;
        debug_assert_eq!(outboard.root.as_bytes(), &id.hash);
        let outboard_tmp = self.tmp_path(&id, "obao");
        write_synced(&outboard_tmp, &outboard.data)?;
        let data_tmp = self.tmp_path(&id, "data");
        write_synced(&data_tmp, bytes)?;
        fs::rename(&outboard_tmp, self.outboard_path(&id))?;
        fs::rename(&data_tmp, self.data_path(&id))?;
        Ok(id)
    }

    /// Stores the file at `path` (a model, an input) and returns its id.
    pub fn put_file(&self, path: &Path) -> Result<BlobId, DataPlaneError> {
        let size = fs::metadata(path)?.len();
        if size > self.limits.max_blob {
            let hash = blake3::Hasher::new().update_reader(File::open(path)?)?.finalize().to_hex().to_string();
            return Err(DataPlaneError::TooLarge { hash, size, limit: self.limits.max_blob });
        }
        self.put(&fs::read(path)?)
    }

    /// Writes the verified stream of a held blob to `out`. Each group is
    /// checked against the stored tree first, so a blob corrupted on disk
    /// ends the stream with [`DataPlaneError::Corrupt`] at that group.
    pub fn send(&self, id: &BlobId, out: impl Write) -> Result<(), DataPlaneError> {
        let data = File::open(self.path(id)?)?;
        let outboard = PreOrderOutboard {
            root: blake3::Hash::from_bytes(id.hash),
            tree: id.tree(),
            data: File::open(self.outboard_path(id))?,
        };
        encode_ranges_validated(&data, &outboard, &ChunkRanges::all(), out).map_err(|e| match e {
            EncodeError::LeafHashMismatch(chunk) => DataPlaneError::Corrupt { hash: id.hex(), offset: chunk.to_bytes() },
            EncodeError::ParentHashMismatch(node) => {
                DataPlaneError::Corrupt { hash: id.hex(), offset: crate::error::node_start(node, CHUNK_GROUP_BYTES) }
            },
            EncodeError::Io(e) => DataPlaneError::Io(e),
            other => DataPlaneError::Io(io::Error::other(format!("{other:?}"))),
        })?;
        self.touch(id);
        Ok(())
    }

    /// Receives blob `id` from a verified stream. Every group is checked as
    /// it arrives; the first that does not belong to the blob stops the
    /// transfer with [`DataPlaneError::Corrupt`], a stream that ends early
    /// with [`DataPlaneError::Truncated`], and nothing of it stays in the
    /// store. A blob over the limit is refused before anything is read.
    pub fn receive(&self, id: &BlobId, stream: impl Read) -> Result<(), DataPlaneError> {
        self.check_size(id)?;
        if self.has(id) {
            self.touch(id);
            return Ok(());
        }
        let data_tmp = self.tmp_path(id, "data");
        let outboard_tmp = self.tmp_path(id, "obao");
        let result = self.receive_into(id, stream, &data_tmp, &outboard_tmp);
        if result.is_err() {
            let _ = fs::remove_file(&data_tmp);
            let _ = fs::remove_file(&outboard_tmp);
        }
        result
    }

    fn receive_into(&self, id: &BlobId, stream: impl Read, data_tmp: &Path, outboard_tmp: &Path) -> Result<(), DataPlaneError> {
        let root = blake3::Hash::from_bytes(id.hash);
        let tree = id.tree();
        let mut data = File::create(data_tmp)?;
        data.set_len(id.size)?;
        let outboard_file = File::create(outboard_tmp)?;
        outboard_file.set_len(tree.outboard_size())?;
        let mut outboard = PreOrderOutboard { root, tree, data: outboard_file };
        let ranges = ChunkRanges::all();
        for item in DecodeResponseIter::new(root, tree, stream, &ranges) {
            match item.map_err(|e| DataPlaneError::from_decode(&root, e, CHUNK_GROUP_BYTES))? {
                BaoContentItem::Parent(parent) => outboard.save(parent.node, &parent.pair)?,
                BaoContentItem::Leaf(leaf) => bao_tree::io::sync::WriteAt::write_all_at(&mut data, leaf.offset, &leaf.data)?,
            }
        }
        data.sync_all()?;
        outboard.sync()?;
        fs::rename(outboard_tmp, self.outboard_path(id))?;
        fs::rename(data_tmp, self.data_path(id))?;
        Ok(())
    }

    /// Removes every blob not used (stored, read, sent or received) for
    /// `unused_for`, and any temporary file of that age; returns how many
    /// blobs went.
    pub fn collect_garbage(&self, unused_for: Duration) -> Result<usize, DataPlaneError> {
        let now = SystemTime::now();
        let mut removed = 0;
        for entry in fs::read_dir(&self.dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_blob = name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit());
            let is_tmp = name.starts_with('.') && name.ends_with(".tmp");
            if !is_blob && !is_tmp {
                continue;
            }
            let age = entry.metadata()?.modified().ok().and_then(|m| now.duration_since(m).ok()).unwrap_or_default();
            if age < unused_for {
                continue;
            }
            fs::remove_file(entry.path())?;
            if is_blob {
                let _ = fs::remove_file(self.dir.join(format!("{name}.obao")));
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Marks a blob used now, so that garbage collection keeps it.
    fn touch(&self, id: &BlobId) {
        if let Ok(file) = File::options().append(true).open(self.data_path(id)) {
            let _ = file.set_modified(SystemTime::now());
        }
    }

    /// A name no other write uses: concurrent fetches of one blob (two
    /// tasks with the same input) each write their own file, and the first
    /// complete, verified one is renamed into place.
    fn tmp_path(&self, id: &BlobId, kind: &str) -> PathBuf {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        self.dir.join(format!(".{}.{kind}.{}.{n}.tmp", id.hex(), std::process::id()))
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}
