//! Genesis presets: `development` (one validator, Alice) and `local_testnet` (four: Alice,
//! Bob, Charlie and Dave, so that GRANDPA finalizes with one of them down). Both endow
//! the well-known dev accounts so that clients and workers can pay fees, stake and escrow
//! from block 1.
//!
//! A validator at genesis is bonded in `pallet-triad-validators` and has its session
//! keys in `pallet-session`, which hands them to BABE and GRANDPA; those two pallets'
//! own authority lists stay empty. [`validator_genesis`] builds the patch for any set of
//! keys, for `triad-node build-spec --validator`.

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

/// A genesis validator: its account and the session keys it validates with.
pub type GenesisValidator = (AccountId, BabeId, GrandpaId);

/// The genesis patch for `validators`, each bonded [`crate::configs::ValidatorMinBond`] and endowed
/// with [`ENDOWMENT`] like every account in `endowed`, with `root` as the sudo key.
pub fn validator_genesis(validators: Vec<GenesisValidator>, mut endowed: Vec<AccountId>, root: AccountId) -> Value {
    for (account, _, _) in &validators {
        if !endowed.contains(account) {
            endowed.push(account.clone());
        }
    }
    let balances: Vec<_> = endowed.into_iter().map(|a| (a, ENDOWMENT)).collect();
    let keys: Vec<_> = validators
        .iter()
        .map(|(account, babe, grandpa)| {
            (account.clone(), account.clone(), opaque::SessionKeys { babe: babe.clone(), grandpa: grandpa.clone() })
        })
        .collect();
    let bonds: Vec<_> =
        validators.iter().map(|(account, _, _)| (account.clone(), crate::configs::ValidatorMinBond::get())).collect();
    serde_json::json!({
        "balances": { "balances": balances },
        "babe": { "epochConfig": BABE_GENESIS_EPOCH_CONFIG },
        "session": { "keys": keys },
        "validators": { "validators": bonds },
        "sudo": { "key": Some(root) },
    })
}

fn authority(sr: Sr25519Keyring, ed: Ed25519Keyring) -> GenesisValidator {
    (sr.to_account_id(), sr.public().into(), ed.public().into())
}

fn dev_accounts() -> Vec<AccountId> {
    Sr25519Keyring::iter().map(|k| k.to_account_id()).collect()
}

/// The genesis patch for a preset name, or `None` for an unknown name.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
    let patch = match id.as_ref() {
        sp_genesis_builder::DEV_RUNTIME_PRESET => validator_genesis(
            vec![authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
            dev_accounts(),
            Sr25519Keyring::Alice.to_account_id(),
        ),
        sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => validator_genesis(
            vec![
                authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
                authority(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
                authority(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
                authority(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
            ],
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
