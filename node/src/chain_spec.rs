//! Chain specifications built from the runtime's genesis presets.

use polkadot_sdk::{sc_service::ChainType, sp_genesis_builder};
use triad_runtime::WASM_BINARY;

pub type ChainSpec = polkadot_sdk::sc_service::GenericChainSpec;

fn properties() -> polkadot_sdk::sc_service::Properties {
    let mut p = polkadot_sdk::sc_service::Properties::new();
    p.insert("tokenSymbol".into(), "TRIAD".into());
    p.insert("tokenDecimals".into(), 12.into());
    p.insert("ss58Format".into(), 42.into());
    p
}

fn wasm() -> Result<&'static [u8], String> {
    WASM_BINARY.ok_or_else(|| "the Triad runtime wasm was not built; rebuild without SKIP_WASM_BUILD".to_string())
}

/// One validator (Alice); blocks are produced and finalized by this node alone.
pub fn development() -> Result<ChainSpec, String> {
    Ok(ChainSpec::builder(wasm()?, None)
        .with_name("Triad Development")
        .with_id("triad_dev")
        .with_chain_type(ChainType::Development)
        .with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
        .with_properties(properties())
        .build())
}

/// Four validators (Alice, Bob, Charlie and Dave), for a local multi-node network
/// that finalizes with one of them down.
pub fn local_testnet() -> Result<ChainSpec, String> {
    Ok(ChainSpec::builder(wasm()?, None)
        .with_name("Triad Local Testnet")
        .with_id("triad_local_testnet")
        .with_chain_type(ChainType::Local)
        .with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
        .with_properties(properties())
        .build())
}

/// A chain with the genesis `patch` (from [`triad_runtime::genesis::validator_genesis`]).
pub fn custom(name: &str, id: &str, chain_type: ChainType, patch: serde_json::Value) -> Result<ChainSpec, String> {
    Ok(ChainSpec::builder(wasm()?, None)
        .with_name(name)
        .with_id(id)
        .with_chain_type(chain_type)
        .with_genesis_config_patch(patch)
        .with_properties(properties())
        .build())
}
