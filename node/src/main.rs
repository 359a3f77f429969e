//! `triad-node`: the Triad validator and full node.
//!
//! It authors blocks with BABE, finalizes them with GRANDPA, and serves JSON-RPC (system,
//! author, chain, state, `transactionPaymentApi`, `babe`, `grandpa`) on port 9944. The runtime it executes is
//! the wasm blob built from `triad-runtime`.

mod chain_spec;
mod cli;
mod command;
mod new_spec;
mod rpc;
mod service;
mod shutdown;

/// Log target of the node's own messages.
pub const LOG_TARGET: &str = "triad-node";

fn main() -> polkadot_sdk::sc_cli::Result<()> {
    command::run()
}
