//! Genesis presets: `development` (one validator, Alice) and `local_testnet` (Alice and
//! Bob). Both endow the well-known dev accounts so that clients and workers can pay fees,
//! stake and escrow from block 1.

use crate::*;
use alloc::{vec, vec::Vec};
use polkadot_sdk::{
    sp_consensus_babe::AuthorityId as BabeId,
    sp_consensus_grandpa::AuthorityId as GrandpaId,
    sp_genesis_builder::{self, PresetId},
    sp_keyring::{Ed25519Keyring, Sr25519Keyring},
};
use serde_json::Value;

/// Every dev account starts with a million tokens.
pub const ENDOWMENT: Balance = 1_000_000 * UNIT;

fn genesis(authorities: Vec<(BabeId, GrandpaId)>, endowed: Vec<AccountId>, root: AccountId) -> Value {
    let babe: Vec<_> = authorities.iter().map(|(b, _)| (b.clone(), 1u64)).collect();
    let grandpa: Vec<_> = authorities.iter().map(|(_, g)| (g.clone(), 1u64)).collect();
    let balances: Vec<_> = endowed.into_iter().map(|a| (a, ENDOWMENT)).collect();
    serde_json::json!({
        "balances": { "balances": balances },
        "babe": { "authorities": babe, "epochConfig": BABE_GENESIS_EPOCH_CONFIG },
        "grandpa": { "authorities": grandpa },
        "sudo": { "key": Some(root) },
    })
}

fn authority(sr: Sr25519Keyring, ed: Ed25519Keyring) -> (BabeId, GrandpaId) {
    (sr.public().into(), ed.public().into())
}

fn dev_accounts() -> Vec<AccountId> {
    Sr25519Keyring::iter().map(|k| k.to_account_id()).collect()
}

/// The genesis patch for a preset name, or `None` for an unknown name.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
    let patch = match id.as_ref() {
        sp_genesis_builder::DEV_RUNTIME_PRESET => genesis(
            vec![authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
            dev_accounts(),
            Sr25519Keyring::Alice.to_account_id(),
        ),
        sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => genesis(
            vec![authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice), authority(Sr25519Keyring::Bob, Ed25519Keyring::Bob)],
            dev_accounts(),
            Sr25519Keyring::Alice.to_account_id(),
        ),
        _ => return None,
    };
    Some(serde_json::to_string(&patch).expect("a JSON value always serializes").into_bytes())
}

/// The presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
    vec![PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET), PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)]
}
