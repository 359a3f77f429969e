//! One error type for everything a chain interaction can end in.

/// What went wrong talking to the chain. Each variant prints as one line.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The node could not be reached.
    #[error("cannot reach a Triad node at {url}: {reason}")]
    Connect {
        /// The RPC address.
        url: String,
        /// Why.
        reason: String,
    },
    /// The node runs a runtime whose metadata differs from the one this
    /// client was generated from.
    #[error("the node's runtime does not match this client's metadata: {0}")]
    Incompatible(String),
    /// The transaction was included but its call failed.
    #[error("{pallet}::{error} — {docs}")]
    Dispatch {
        /// Pallet name.
        pallet: String,
        /// Error variant name.
        error: String,
        /// The error's documentation, first line.
        docs: String,
    },
    /// A dispatch error outside any pallet (`BadOrigin`, a token error, …).
    #[error("dispatch failed: {0}")]
    DispatchOther(String),
    /// The pool refused the transaction or dropped it.
    #[error("transaction refused: {0}")]
    Refused(String),
    /// What was asked for is not on chain.
    #[error("{0}")]
    NotFound(String),
    /// A registry entry describes a job no worker can run.
    #[error(transparent)]
    Job(#[from] triad_job::JobError),
    /// A key could not be loaded.
    #[error("key: {0}")]
    Key(String),
    /// Any other RPC, storage or decoding failure.
    #[error("{0}")]
    Rpc(String),
    /// A generated type and its native twin disagree.
    #[error("type mismatch between metadata and native code: {0}")]
    Mismatch(String),
}

impl ClientError {
    pub(crate) fn rpc(e: impl std::fmt::Display) -> Self {
        ClientError::Rpc(without_repeats(&e.to_string()))
    }

    /// The `(pallet, error)` names of a failed dispatch.
    pub fn dispatch_names(&self) -> Option<(&str, &str)> {
        match self {
            ClientError::Dispatch { pallet, error, .. } => Some((pallet, error)),
            _ => None,
        }
    }

    pub(crate) fn from_dispatch(e: &subxt::error::DispatchError) -> Self {
        if let subxt::error::DispatchError::Module(m) = e {
            if let Ok(details) = m.details() {
                let docs = details.variant.docs.first().map(|d| d.trim().to_string()).unwrap_or_default();
                return ClientError::Dispatch {
                    pallet: details.pallet.name().to_string(),
                    error: details.variant.name.clone(),
                    docs,
                };
            }
        }
        ClientError::DispatchOther(e.to_string())
    }
}

impl ClientError {
    /// A `DispatchError` that arrived inside an event (`sudo`'s `Sudid`, a
    /// batch's `ItemFailed`) as SCALE bytes, named through `metadata`.
    pub fn from_dispatch_bytes(bytes: &[u8], metadata: subxt::ArcMetadata) -> Self {
        match subxt::error::DispatchError::decode_from(bytes, metadata) {
            Ok(e) => Self::from_dispatch(&e),
            Err(e) => ClientError::DispatchOther(format!("undecodable dispatch error: {e}")),
        }
    }

    /// Wraps any subxt error as [`ClientError::Rpc`].
    pub fn rpc_err(e: impl std::fmt::Display) -> Self {
        Self::rpc(e)
    }
}

/// An error message with each run of `: `-separated parts that repeats at
/// once said only once. Layers of subxt and jsonrpsee each prefix what the
/// one below said ("RPC error: client error: RPC error: client error: …");
/// a user needs it once.
pub(crate) fn without_repeats(message: &str) -> String {
    let mut parts: Vec<&str> = message.split(": ").collect();
    let mut i = 0;
    while i < parts.len() {
        let repeated = (1..=(parts.len() - i) / 2).find(|&n| parts[i..i + n] == parts[i + n..i + 2 * n]);
        match repeated {
            Some(n) => drop(parts.drain(i + n..i + 2 * n)),
            None => i += 1,
        }
    }
    parts.join(": ")
}
