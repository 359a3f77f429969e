//! `triad-node`: the Triad validator and full node.
//!
//! It authors blocks with BABE, finalizes them with GRANDPA, and serves JSON-RPC (system,
//! author, chain, state, `transactionPaymentApi`) on port 9944. The runtime it executes is
//! the wasm blob built from `triad-runtime`.

mod chain_spec;
mod cli;
mod command;
mod rpc;
mod service;

fn main() -> polkadot_sdk::sc_cli::Result<()> {
    command::run()
}
