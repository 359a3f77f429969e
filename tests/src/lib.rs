//! Harness for end-to-end tests: starts a real `triad-node`, talks to it over JSON-RPC,
//! and builds signed extrinsics with the runtime's own types. [`Network`] adds real
//! `triad-worker` processes and the `triad` CLI around a node.
//!
//! The node binary is found through `TRIAD_NODE`, or next to the test executable in the
//! cargo target directory (`target/release/triad-node`). A missing binary is a test
//! failure with a message that says how to build it.

pub mod cluster;
pub mod explorer;
pub mod network;
pub mod node;
pub mod rpc;
pub mod tx;

pub use cluster::Cluster;
pub use network::Network;
pub use node::{Node, NodeError};
pub use rpc::Rpc;
