//! TEE policies: the `--tee-measurement` and `--tee-tcb` flags of `triad
//! model register` and `triad model tee-policy`, and what `triad model show`
//! prints of them.
//!
//! A policy names the code a model's TEE executors must be attested to run
//! (an MRTD for TDX, an MRENCLAVE for SGX, told apart by length) and the TCB
//! statuses of the platforms it accepts, by Intel's names. It applies to the
//! draws after it is set.

use clap::Args;
use triad_client::{
    chain::{self, runtime_types::pallet_triad_models::types::StoredTeePolicy},
    generated, Signer, Wait,
};
use triad_primitives::{Measurement, TcbStatus, TcbStatuses};

use crate::CliError;

#[derive(Args, Clone)]
pub struct TeeArgs {
    /// Allow TEE mode, with executors attested to run this code: an MRTD
    /// (96 hex digits) or an MRENCLAVE (64). Repeat for several builds.
    #[arg(long = "tee-measurement", value_name = "HEX")]
    pub measurements: Vec<String>,
    /// TCB statuses of TEE executors' platforms to accept, by Intel's names
    /// (UpToDate, SWHardeningNeeded, ConfigurationNeeded, OutOfDate, ...).
    /// Revoked never is.
    #[arg(long = "tee-tcb", value_name = "STATUS", value_delimiter = ',', default_value = "UpToDate,SWHardeningNeeded")]
    pub statuses: Vec<String>,
}

impl TeeArgs {
    /// The measurements and statuses, checked here before anything is signed.
    pub fn policy(&self) -> Result<(Vec<Measurement>, TcbStatuses), CliError> {
        let measurements =
            self.measurements
                .iter()
                .map(|h| {
                    hex::decode(h.trim_start_matches("0x")).ok().and_then(|b| Measurement::from_bytes(&b)).ok_or_else(|| {
                        CliError::Input(format!("--tee-measurement {h}: not 64 (MRENCLAVE) or 96 (MRTD) hex digits"))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
        let statuses = self
            .statuses
            .iter()
            .map(|s| match TcbStatus::from_name(s) {
                Some(TcbStatus::Revoked) => Err(CliError::Input("--tee-tcb: a Revoked platform is never accepted".into())),
                Some(status) => Ok(status),
                None => Err(CliError::Input(format!("--tee-tcb {s}: not a TCB status"))),
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok((measurements, TcbStatuses::of(&statuses)))
    }
}

/// Sets `model`'s policy as its owner, and says what it now is.
pub async fn set_policy(
    client: &triad_client::Client,
    signer: &Signer,
    model: u32,
    (measurements, statuses): (Vec<Measurement>, TcbStatuses),
) -> Result<(), CliError> {
    let list = measurements.iter().map(generated).collect::<Result<Vec<_>, _>>()?;
    let call = chain::transactions().models().set_tee_policy(model, list, generated(&statuses)?);
    client.submit(&call, signer, Wait::Finalized).await?;
    if measurements.is_empty() {
        eprintln!("tee: policy removed; model {model} takes no TEE jobs until a new one is set");
    } else {
        eprintln!("tee: {} measurement(s), TCB {}", measurements.len(), names(statuses));
    }
    Ok(())
}

fn names(statuses: TcbStatuses) -> String {
    statuses.statuses().map(TcbStatus::name).collect::<Vec<_>>().join(",")
}

/// The lines of `triad model show` about TEE mode.
pub fn show_policy(policy: Option<&StoredTeePolicy>) {
    match policy {
        None => println!("  tee      allowed, no policy set: takes no TEE jobs"),
        Some(p) => {
            let statuses = triad_client::native::<TcbStatuses>(&p.statuses).map(names).unwrap_or_default();
            println!("  tee      one attested executor and one verifier; TCB {statuses}");
            for m in &p.measurements.0 {
                println!("           {}", triad_client::audit::measurement(m));
            }
        },
    }
}
