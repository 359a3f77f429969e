//! Harness for end-to-end tests: starts a real `triad-node`, talks to it over JSON-RPC,
//! and builds signed extrinsics with the runtime's own types.
//!
//! The node binary is found through `TRIAD_NODE`, or next to the test executable in the
//! cargo target directory (`target/release/triad-node`). A missing binary is a test
//! failure with a message that says how to build it.

pub mod node;
pub mod rpc;
pub mod tx;

pub use node::{Node, NodeError};
pub use rpc::Rpc;
