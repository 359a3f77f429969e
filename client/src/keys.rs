//! Signing keys: a dev seed for development, a key file for real use.

use std::{path::Path, str::FromStr};

use subxt_signer::{sr25519::Keypair, SecretUri};

use crate::{AccountId32, ClientError};

/// An sr25519 key that signs Triad transactions.
pub type Signer = Keypair;

/// Loads a signer from a dev seed name (`alice`, `bob`, … → `//Alice`) or a
/// file holding a secret URI: a BIP-39 phrase, `0x`-hex seed, or either with
/// `//derivation` paths. The file's content never appears in errors.
pub fn load_signer(dev_seed: Option<&str>, key_file: Option<&Path>) -> Result<Signer, ClientError> {
    let uri = match (dev_seed, key_file) {
        (Some(seed), None) => {
            let mut name = seed.trim_start_matches("//").to_string();
            if let Some(first) = name.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            format!("//{name}")
        },
        (None, Some(path)) => std::fs::read_to_string(path)
            .map_err(|e| ClientError::Key(format!("cannot read key file {}: {e}", path.display())))?
            .trim()
            .to_string(),
        (Some(_), Some(_)) => return Err(ClientError::Key("give either a dev seed or a key file, not both".into())),
        (None, None) => return Err(ClientError::Key("no key: give --dev-seed NAME or --key-file PATH".into())),
    };
    let secret = SecretUri::from_str(&uri).map_err(|e| ClientError::Key(format!("not a secret URI: {e}")))?;
    Keypair::from_uri(&secret).map_err(|e| ClientError::Key(format!("cannot derive the key: {e}")))
}

/// The account a signer controls.
pub fn account_of(signer: &Signer) -> AccountId32 {
    signer.public_key().to_account_id()
}
