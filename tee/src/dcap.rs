//! Intel DCAP quote verification with `dcap-qvl`, natively.

use dcap_qvl::{
    quote::{Quote, Report},
    tcb_info::TcbStatus as IntelStatus,
    verify::QuoteVerifier,
    Policy, QuoteClaims, QuoteCollateralV3,
};

use crate::{Measurement, TcbStatus, TeeError, Verified};

/// Records the claims without judging them: the chain applies its own
/// policy ([`crate::TcbStatuses`]) per model, after the fact.
struct RecordClaims;

impl Policy for RecordClaims {
    fn validate(&self, _: &QuoteClaims) -> anyhow::Result<()> {
        Ok(())
    }
}

/// Verifies `quote` against `collateral` (a SCALE-encoded
/// `QuoteCollateralV3`, see [`collateral_from_json`]) at `now` (Unix
/// seconds), from Intel's production root CA down.
pub fn verify(quote: &[u8], collateral: &[u8], now: u64) -> Result<Verified, TeeError> {
    Quote::parse(quote).map_err(|_| TeeError::QuoteMalformed)?;
    let collateral: QuoteCollateralV3 = codec::Decode::decode(&mut &collateral[..]).map_err(|_| TeeError::CollateralMalformed)?;
    let claims = QuoteVerifier::new_prod().verify_with_policy(quote, collateral, now, &RecordClaims).map_err(|e| {
        let reason = format!("{e:#}").to_lowercase();
        log::debug!(target: crate::LOG_TARGET, "quote refused: {reason}");
        // dcap-qvl reports these as text: "CrlExpired", "TCBInfo expired",
        // "issue date is in the future", a certificate "not yet valid".
        let dated = ["expired", "not yet valid", "notvalidyet", "in the future"];
        if dated.iter().any(|d| reason.contains(d)) {
            TeeError::CollateralExpired
        } else {
            TeeError::Invalid
        }
    })?;
    let (measurement, report_data) = match &claims.report {
        Report::SgxEnclave(r) => (Measurement::MrEnclave(r.mr_enclave), r.report_data),
        other => {
            let td = other.as_td10().ok_or(TeeError::QuoteMalformed)?;
            (Measurement::MrTd(td.mr_td), td.report_data)
        },
    };
    Ok(Verified {
        measurement,
        report_data,
        tcb_status: status(claims.tcb.status),
        fmspc: claims.platform.pck.fmspc,
        collateral_expires: claims.earliest_expiration_date,
    })
}

fn status(s: IntelStatus) -> TcbStatus {
    match s {
        IntelStatus::UpToDate => TcbStatus::UpToDate,
        IntelStatus::SWHardeningNeeded => TcbStatus::SwHardeningNeeded,
        IntelStatus::ConfigurationNeeded => TcbStatus::ConfigurationNeeded,
        IntelStatus::ConfigurationAndSWHardeningNeeded => TcbStatus::ConfigurationAndSwHardeningNeeded,
        IntelStatus::OutOfDate => TcbStatus::OutOfDate,
        IntelStatus::OutOfDateConfigurationNeeded => TcbStatus::OutOfDateConfigurationNeeded,
        IntelStatus::TDRelaunchAdvised => TcbStatus::TdRelaunchAdvised,
        IntelStatus::TDRelaunchAdvisedConfigurationNeeded => TcbStatus::TdRelaunchAdvisedConfigurationNeeded,
        IntelStatus::Revoked => TcbStatus::Revoked,
    }
}

/// The collateral as Intel's PCS or a PCCS serves it (the JSON of
/// `QuoteCollateralV3`: TCB info, QE identity, CRLs and their issuer
/// chains), SCALE-encoded the way the chain stores it.
pub fn collateral_from_json(json: &[u8]) -> Result<Vec<u8>, TeeError> {
    let c: QuoteCollateralV3 = serde_json::from_slice(json).map_err(|_| TeeError::CollateralMalformed)?;
    Ok(codec::Encode::encode(&c))
}

/// The TEE and FMSPC of a quote, read from its header and its PCK
/// certificate: which collateral it needs. Nothing is verified here.
pub fn platform(quote: &[u8]) -> Result<(crate::TeeKind, crate::Fmspc), TeeError> {
    let parsed = Quote::parse(quote).map_err(|_| TeeError::QuoteMalformed)?;
    let kind = if parsed.report.is_sgx() { crate::TeeKind::Sgx } else { crate::TeeKind::Tdx };
    let fmspc = dcap_qvl::intel::quote_fmspc(&parsed).map_err(|_| TeeError::QuoteMalformed)?;
    Ok((kind, fmspc))
}
