//! Obtaining a quote on the worker's own host.
//!
//! - **TDX** (and any guest the kernel's configfs-tsm supports): a report
//!   entry under `/sys/kernel/config/tsm/report/`; the report data goes into
//!   `inblob`, the quote comes out of `outblob`, and `provider` names the TEE
//!   (`tdx_guest`).
//! - **SGX** inside a Gramine enclave: the report data goes into
//!   `/dev/attestation/user_report_data` and the quote comes out of
//!   `/dev/attestation/quote`.
//!
//! Neither exists on a host without the hardware, which [`QuoteError::NoTee`]
//! says in one line.

use std::{
    fs,
    path::{Path, PathBuf},
};

use crate::TeeKind;

/// Where configfs-tsm lives.
pub const TSM_REPORTS: &str = "/sys/kernel/config/tsm/report";
/// Gramine's attestation pseudo-files.
pub const GRAMINE_ATTESTATION: &str = "/dev/attestation";

/// Why no quote could be had.
#[derive(Debug, thiserror::Error)]
pub enum QuoteError {
    /// The host offers no interface for this TEE.
    #[error("no {0:?} quoting interface on this host ({1} is missing)")]
    NoTee(TeeKind, String),
    /// The interface exists but did not give a quote.
    #[error("quoting through {path} failed: {source}")]
    Io {
        /// The file that failed.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// configfs-tsm is served by another TEE than the one asked for.
    #[error("configfs-tsm is provided by {0}, not a TDX guest")]
    OtherProvider(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> QuoteError + '_ {
    move |source| QuoteError::Io { path: path.to_path_buf(), source }
}

/// Whether this host can quote as `kind`, without making a quote.
pub fn available(kind: TeeKind) -> Result<(), QuoteError> {
    let (path, present) = match kind {
        TeeKind::Tdx => (PathBuf::from(TSM_REPORTS), Path::new(TSM_REPORTS).is_dir()),
        TeeKind::Sgx => {
            let p = Path::new(GRAMINE_ATTESTATION).join("user_report_data");
            let present = p.exists();
            (p, present)
        },
    };
    if present {
        Ok(())
    } else {
        Err(QuoteError::NoTee(kind, path.display().to_string()))
    }
}

/// A quote of `kind` carrying `report_data`, from this host.
pub fn quote(kind: TeeKind, report_data: &[u8; 64]) -> Result<Vec<u8>, QuoteError> {
    match kind {
        TeeKind::Tdx => tsm_quote(Path::new(TSM_REPORTS), report_data),
        TeeKind::Sgx => gramine_quote(Path::new(GRAMINE_ATTESTATION), report_data),
    }
}

/// A quote through configfs-tsm rooted at `root`.
pub fn tsm_quote(root: &Path, report_data: &[u8; 64]) -> Result<Vec<u8>, QuoteError> {
    if !root.is_dir() {
        return Err(QuoteError::NoTee(TeeKind::Tdx, root.display().to_string()));
    }
    // One entry per request; the kernel fills it when `outblob` is read.
    let entry = root.join(format!("triad-{}", std::process::id()));
    if !entry.exists() {
        fs::create_dir(&entry).map_err(io(&entry))?;
    }
    let result = (|| {
        let provider = entry.join("provider");
        let provider = fs::read_to_string(&provider).map_err(io(&provider))?;
        if provider.trim() != "tdx_guest" {
            return Err(QuoteError::OtherProvider(provider.trim().to_string()));
        }
        let inblob = entry.join("inblob");
        fs::write(&inblob, report_data).map_err(io(&inblob))?;
        let outblob = entry.join("outblob");
        fs::read(&outblob).map_err(io(&outblob))
    })();
    let _ = fs::remove_dir(&entry);
    result
}

/// A quote through Gramine's `/dev/attestation` rooted at `root`.
pub fn gramine_quote(root: &Path, report_data: &[u8; 64]) -> Result<Vec<u8>, QuoteError> {
    let user = root.join("user_report_data");
    if !user.exists() {
        return Err(QuoteError::NoTee(TeeKind::Sgx, user.display().to_string()));
    }
    fs::write(&user, report_data).map_err(io(&user))?;
    let quote = root.join("quote");
    fs::read(&quote).map_err(io(&quote))
}
