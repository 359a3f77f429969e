//! Typed errors of the data plane.

use bao_tree::io::DecodeError;

/// What went wrong with a blob, in terms a caller can act on.
#[derive(Debug, thiserror::Error)]
pub enum DataPlaneError {
    /// The blob is larger than this store accepts; nothing was read.
    #[error("blob {hash} is {size} bytes, over the limit of {limit}")]
    TooLarge { hash: String, size: u64, limit: u64 },
    /// A chunk group, or a hash pair above it, does not belong to the blob:
    /// the sender's bytes are corrupt or for another blob.
    #[error("blob {hash}: the bytes at offset {offset} do not match the hash; refused")]
    Corrupt { hash: String, offset: u64 },
    /// The stream ended before the blob did.
    #[error("blob {hash}: the stream ended at offset {offset}, before the end of the blob")]
    Truncated { hash: String, offset: u64 },
    /// This store does not hold the blob.
    #[error("blob {0} is not in the store")]
    NotFound(String),
    /// The peer asked does not hold the blob.
    #[error("the peer does not hold the blob")]
    Missing,
    /// The peer did not deliver the whole blob in time.
    #[error("the peer did not deliver the blob in time")]
    Timeout,
    /// The network failed: listening, dialing, or the connection.
    #[error("data plane transport: {0}")]
    Transport(String),
    /// No source delivered the blob; each one's reason.
    #[error("blob {hash}: no source delivered it ({})", if tried.is_empty() { "no sources".to_string() } else { tried.join("; ") })]
    NoSource { hash: String, tried: Vec<String> },
    /// Reading or writing the store or the stream failed.
    #[error("data plane i/o: {0}")]
    Io(#[from] std::io::Error),
}

impl DataPlaneError {
    /// Maps a decode failure of blob `hash` to what it means for the caller.
    pub(crate) fn from_decode(hash: &blake3::Hash, e: DecodeError, group_bytes: u64) -> Self {
        let hash = hash.to_hex().to_string();
        match e {
            DecodeError::LeafHashMismatch(chunk) => Self::Corrupt { hash, offset: chunk.to_bytes() },
            // A parent node covers the groups below it; report where they start.
            DecodeError::ParentHashMismatch(node) => Self::Corrupt { hash, offset: node_start(node, group_bytes) },
            DecodeError::LeafNotFound(chunk) => Self::Truncated { hash, offset: chunk.to_bytes() },
            DecodeError::ParentNotFound(node) => Self::Truncated { hash, offset: node_start(node, group_bytes) },
            DecodeError::Io(e) => Self::Io(e),
        }
    }
}

/// First byte under a parent node; the tree's nodes count chunk groups.
pub(crate) fn node_start(node: bao_tree::TreeNode, group_bytes: u64) -> u64 {
    node.chunk_range().start.0.saturating_mul(group_bytes)
}
