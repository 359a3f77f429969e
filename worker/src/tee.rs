//! Keeping the worker attested, when it runs in a TEE (`--tee sgx|tdx`).
//!
//! Each round asks the chain for a nonce, has the TEE quote the binding of
//! the worker's account, registered peer id and that nonce
//! ([`triad_tee::report_data`]), and submits the quote with the collateral
//! for its platform: the chain's own copy when it keeps one for the quote's
//! FMSPC, else the JSON file given with `--tee-collateral` (as Intel's PCS or
//! a PCCS serves it). The next round runs an hour before the attestation
//! expires. A host without the TEE is said in one line, and the worker goes
//! on as a plain worker.
//!
//! `--tee recorded` is for test chains on machines without a TEE: it
//! presents a quote recorded on real hardware through the runtime's
//! test-only `attest_recorded`, which verifies it at its recording time and
//! binds nothing. A production runtime has no such call (its metadata
//! shows it), and the worker says so in one line.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use codec::Encode;
use triad_client::{
    chain::{self, runtime_types::pallet_triad_attestation::types::CollateralSource},
    registry, Client, ClientError, Signer, Wait,
};
use triad_tee::{quote::QuoteError, TeeError, TeeKind};

const LOG_TARGET: &str = "triad::worker::tee";

/// Where the worker's quotes come from.
#[derive(Clone, Debug)]
pub enum TeeSource {
    /// This host's TEE.
    Hardware(TeeKind),
    /// A quote recorded on real hardware at `at` (Unix seconds), for test
    /// chains whose runtime has `attest_recorded`.
    Recorded {
        /// The quote file.
        quote: PathBuf,
        /// When it was recorded, inside its collateral's validity.
        at: u64,
    },
}

/// How the worker attests.
#[derive(Clone, Debug)]
pub struct TeeOptions {
    /// Its TEE, or a recorded quote.
    pub source: TeeSource,
    /// Collateral for its platform (JSON), for when the chain keeps none;
    /// required with a recorded quote.
    pub collateral: Option<PathBuf>,
}

/// Why a round of attestation failed.
#[derive(Debug, thiserror::Error)]
pub enum AttestError {
    /// No quote from the host.
    #[error(transparent)]
    Quote(#[from] QuoteError),
    /// The chain refused or could not be reached.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// The quote or the collateral file is unusable.
    #[error("{0}")]
    Tee(String),
    /// The worker has no registration with a peer id to bind.
    #[error("the worker is not registered with a data-plane peer id")]
    NotRegistered,
    /// The chain's runtime has no `attest_recorded`: a production runtime.
    #[error("this chain accepts no recorded quotes (its runtime has no Attestation::attest_recorded)")]
    RecordedRefused,
}

impl From<TeeError> for AttestError {
    fn from(e: TeeError) -> Self {
        AttestError::Tee(e.to_string())
    }
}

/// Attests once; returns when the attestation expires (Unix seconds).
pub async fn attest(client: &Client, signer: &Signer, opts: &TeeOptions) -> Result<u64, AttestError> {
    match &opts.source {
        TeeSource::Hardware(kind) => attest_hardware(client, signer, *kind, opts.collateral.as_deref()).await,
        TeeSource::Recorded { quote, at } => attest_recorded(client, signer, quote, opts.collateral.as_deref(), *at).await,
    }
}

fn read(path: &Path) -> Result<Vec<u8>, AttestError> {
    std::fs::read(path).map_err(|e| AttestError::Tee(format!("{}: {e}", path.display())))
}

/// The expiry in the `Attested` event of an included attestation.
fn expiry(included: &triad_client::Included) -> Result<u64, AttestError> {
    let attested = included.event::<chain::attestation::events::Attested>()?;
    Ok(attested.expires_at)
}

/// Presents a recorded quote through `attest_recorded`.
async fn attest_recorded(
    client: &Client,
    signer: &Signer,
    quote: &Path,
    collateral: Option<&Path>,
    at: u64,
) -> Result<u64, AttestError> {
    if !triad_client::registry::accepts_recorded_quotes(&client.best().await?) {
        return Err(AttestError::RecordedRefused);
    }
    let collateral = collateral.ok_or_else(|| AttestError::Tee("--tee recorded needs --tee-collateral".into()))?;
    let collateral = triad_tee::collateral_from_json(&read(collateral)?)?;
    let call = chain::transactions().attestation().attest_recorded(read(quote)?, collateral, at);
    expiry(&client.submit(&call, signer, Wait::InBlock).await?)
}

async fn attest_hardware(client: &Client, signer: &Signer, kind: TeeKind, collateral: Option<&Path>) -> Result<u64, AttestError> {
    triad_tee::quote::available(kind)?;
    let who = triad_client::account_of(signer);
    let at = client.best().await?;
    let info = registry::worker(&at, &who).await?.ok_or(AttestError::NotRegistered)?;
    let peer_id = info.peer_id.ok_or(AttestError::NotRegistered)?.0;

    let issued = client.submit(&chain::transactions().attestation().request_nonce(), signer, Wait::InBlock).await?;
    let nonce = issued.event::<chain::attestation::events::NonceIssued>()?.nonce;
    let report_data = triad_tee::report_data(&who.0.encode(), &peer_id, &nonce);
    let quote = triad_tee::quote::quote(kind, &report_data)?;
    let (kind, fmspc) = triad_tee::platform(&quote)?;
    let tee = match kind {
        TeeKind::Sgx => chain::runtime_types::triad_tee::TeeKind::Sgx,
        TeeKind::Tdx => chain::runtime_types::triad_tee::TeeKind::Tdx,
    };
    let at = client.best().await?;
    let kept = at
        .storage()
        .try_fetch(chain::storage().attestation().collaterals(), (tee, fmspc))
        .await
        .map_err(ClientError::rpc_err)?
        .is_some();
    let collateral = match (collateral, kept) {
        (_, true) => CollateralSource::Stored(fmspc),
        (Some(path), false) => CollateralSource::Posted(triad_tee::collateral_from_json(&read(path)?)?),
        (None, false) => {
            return Err(AttestError::Tee(format!(
                "the chain keeps no collateral for FMSPC {}; pass it with --tee-collateral",
                hex::encode(fmspc)
            )))
        },
    };
    let call = chain::transactions().attestation().attest(quote, collateral);
    expiry(&client.submit(&call, signer, Wait::InBlock).await?)
}

/// Attests, then again an hour before each expiry, for as long as the
/// worker runs. Returns at once when the host has no such TEE.
pub async fn keep_attested(client: &Client, signer: &Signer, opts: TeeOptions) {
    loop {
        let wait = match attest(client, signer, &opts).await {
            Ok(expires) => {
                tracing::info!(target: LOG_TARGET, source = ?opts.source, expires, "attested");
                let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_secs();
                Duration::from_secs(expires.saturating_sub(now).saturating_sub(3_600).max(60))
            },
            Err(e @ (AttestError::Quote(QuoteError::NoTee(..)) | AttestError::RecordedRefused)) => {
                tracing::warn!(target: LOG_TARGET, "{e}; serving as a plain worker");
                return;
            },
            Err(e) => {
                tracing::warn!(target: LOG_TARGET, "attestation failed, trying again in five minutes: {e}");
                Duration::from_secs(300)
            },
        };
        tokio::time::sleep(wait).await;
    }
}
