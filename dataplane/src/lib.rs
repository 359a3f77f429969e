//! Triad's data plane: the bytes that are too large for an extrinsic
//! (inputs, outputs, model files), addressed by the same `blake3` hash the
//! chain holds for them.
//!
//! The chain records a blob as a [`BlobId`]: its `blake3` hash and its size.
//! Anyone may serve it and nobody has to be trusted to: a receiver checks
//! every chunk group (16 KiB) against the hash tree as it arrives and
//! refuses the transfer at the first group that does not belong to the
//! blob, before reading the rest. That is `blake3` verified streaming (the
//! Bao format, as implemented by the `bao-tree` crate): a blob is sent in
//! pre-order, each parent node's two child hashes before the data below it,
//! so each group is checked against hashes that were themselves checked
//! against the root.
//!
//! - [`Store`] keeps blobs on disk with their hash tree (the outboard),
//!   serves them as a verified stream ([`Store::send`]), receives them from
//!   a stream ([`Store::receive`]), and forgets blobs not used for a while
//!   ([`Store::collect_garbage`]).
//! - [`DataPlaneError`] says what went wrong in terms a caller can act on:
//!   a corrupt or missing chunk group and its offset (try another peer), a
//!   blob over the limit (refuse it before fetching), a blob not held.
//!
//! ## Invariants
//!
//! - A blob is visible in the store only complete and verified: received
//!   bytes go to a temporary file that is renamed into place after the last
//!   group checks out, and a local `put` hashes what it stores.
//! - A store never serves bytes that do not match their hash: the sender
//!   checks each group against the stored tree too, so a file corrupted on
//!   disk stops the transfer instead of wasting the receiver's bandwidth.
//! - No blob over [`Limits::max_blob`] is stored or received; the size is
//!   checked before the first byte is read.
//!
//! - [`DataPlane`] (module [`net`]) carries these streams between peers
//!   over libp2p (TCP, noise, yamux, one request-response protocol) and
//!   fetches a blob from the first of its sources that delivers it whole.
//!
//! - [`peers`] names peers: a registered address's peer id, the address to
//!   publish, and an identity that survives restarts.
//!
//! The crate has no chain types: the worker and the CLI tell it which peers
//! to ask (from the chain's registered peer ids and addresses), so it is
//! tested alone.

mod error;
pub mod net;
pub mod peers;
mod store;

#[cfg(test)]
mod tests;

pub use error::DataPlaneError;
/// The libp2p names a caller needs to run a peer and name its sources,
/// from the one libp2p this crate compiles.
pub use libp2p::{identity::Keypair, multiaddr::Protocol, Multiaddr, PeerId};
pub use net::{DataPlane, Stats};
pub use store::{BlobId, Limits, Store, CHUNK_GROUP_BYTES};

/// Log target of this crate.
pub const LOG_TARGET: &str = "triad::dataplane";
