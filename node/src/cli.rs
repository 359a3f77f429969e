//! Command-line interface: the standard `sc-cli` node flags plus its maintenance commands.

use polkadot_sdk::sc_cli;

#[derive(Debug, clap::Parser)]
pub struct Cli {
    #[command(subcommand)]
    pub subcommand: Option<Subcommand>,

    #[clap(flatten)]
    pub run: sc_cli::RunCmd,
}

#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
    /// Key management: generate, inspect and insert keys.
    #[command(subcommand)]
    Key(sc_cli::KeySubcommand),

    /// Print a chain specification (JSON), for example to start a shared testnet.
    BuildSpec(sc_cli::BuildSpecCmd),

    /// Write a chain specification for your own validators, from their public keys.
    NewSpec(crate::new_spec::NewSpecCmd),

    /// Export a chain specification, the newer form of `build-spec`.
    ExportChainSpec(sc_cli::ExportChainSpecCmd),

    /// Validate blocks.
    CheckBlock(sc_cli::CheckBlockCmd),

    /// Export blocks.
    ExportBlocks(sc_cli::ExportBlocksCmd),

    /// Export the state of a given block into a chain spec.
    ExportState(sc_cli::ExportStateCmd),

    /// Import blocks.
    ImportBlocks(sc_cli::ImportBlocksCmd),

    /// Remove the whole chain.
    PurgeChain(sc_cli::PurgeChainCmd),

    /// Revert the chain to a previous state.
    Revert(sc_cli::RevertCmd),

    /// Database metadata.
    ChainInfo(sc_cli::ChainInfoCmd),
}
