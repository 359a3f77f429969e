//! `triad-node new-spec`: a chain specification for your own validators,
//! built from their public keys, so that nobody edits genesis JSON by hand.
//!
//! Each `--validator` is `ACCOUNT,BABE,GRANDPA`: the validator's account and
//! its two session keys, as SS58 addresses (`triad-node key inspect` prints
//! them; BABE is sr25519, GRANDPA ed25519). Each validator is bonded the
//! runtime's `ValidatorMinBond` and endowed like every `--endow` account.

use std::path::PathBuf;

use polkadot_sdk::{
    sc_cli,
    sc_service::ChainType,
    sp_core::{crypto::Ss58Codec, ed25519, sr25519},
};
use triad_runtime::{genesis::GenesisValidator, AccountId};

/// Writes a chain spec for a network with the given validators.
#[derive(Debug, clap::Args)]
pub struct NewSpecCmd {
    /// Human name of the chain.
    #[arg(long, default_value = "Triad Testnet")]
    name: String,
    /// Chain id, also the directory name under the base path.
    #[arg(long, default_value = "triad_testnet")]
    id: String,
    /// A genesis validator: `ACCOUNT,BABE,GRANDPA` as SS58 addresses. Repeat it.
    #[arg(long = "validator", required = true, value_parser = parse_validator)]
    validators: Vec<GenesisValidator>,
    /// An account endowed at genesis (validators are endowed anyway). Repeat it.
    #[arg(long = "endow", value_parser = parse_account)]
    endowed: Vec<AccountId>,
    /// The sudo account, which admits and removes validators until governance exists.
    #[arg(long, value_parser = parse_account)]
    sudo: AccountId,
    /// Write the raw form (storage keys and values), what nodes load fastest
    /// and what every node of one network must share byte for byte.
    #[arg(long)]
    raw: bool,
    /// Where to write it; standard output when absent.
    #[arg(long)]
    output: Option<PathBuf>,
}

fn parse_account(s: &str) -> Result<AccountId, String> {
    AccountId::from_ss58check(s).map_err(|e| format!("`{s}` is not an SS58 account: {e:?}"))
}

fn parse_validator(s: &str) -> Result<GenesisValidator, String> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    let [account, babe, grandpa] = parts[..] else {
        return Err(format!("`{s}` is not ACCOUNT,BABE,GRANDPA"));
    };
    let babe = sr25519::Public::from_ss58check(babe).map_err(|e| format!("BABE key `{babe}`: {e:?}"))?;
    let grandpa = ed25519::Public::from_ss58check(grandpa).map_err(|e| format!("GRANDPA key `{grandpa}`: {e:?}"))?;
    Ok((parse_account(account)?, babe.into(), grandpa.into()))
}

impl NewSpecCmd {
    pub fn run(&self) -> sc_cli::Result<()> {
        let patch = triad_runtime::genesis::validator_genesis(self.validators.clone(), self.endowed.clone(), self.sudo.clone());
        let spec = crate::chain_spec::custom(&self.name, &self.id, ChainType::Live, patch)?;
        let json = spec.as_json(self.raw)?;
        match &self.output {
            Some(path) => std::fs::write(path, json)?,
            None => println!("{json}"),
        }
        Ok(())
    }
}
