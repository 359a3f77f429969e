//! The host function through which the runtime verifies DCAP quotes.
//!
//! `dcap-qvl` cannot be a dependency of the wasm runtime (it declares a
//! `cdylib` crate type, which a `no_std` build cannot link), so the node runs
//! it natively and the runtime imports `ext_tee_quotes_verify_dcap_version_1`.
//! Every validator must run a node that provides it before a runtime that
//! calls it is enacted, and version 1 must give the same answer on every
//! node forever: the node pins `dcap-qvl` exactly, and a change of its
//! verdicts needs a `version 2` beside this one.

use sp_runtime_interface::{
    pass_by::{AllocateAndReturnByCodec, PassFatPointerAndRead},
    runtime_interface,
};
use triad_tee::{TeeError, Verified};

/// DCAP quote verification, native.
#[runtime_interface]
pub trait TeeQuotes {
    /// Verifies `quote` against `collateral` (SCALE `QuoteCollateralV3`) at
    /// `now` (Unix seconds) from Intel's production root CA: see
    /// [`triad_tee::verify`].
    fn verify_dcap(
        quote: PassFatPointerAndRead<&[u8]>,
        collateral: PassFatPointerAndRead<&[u8]>,
        now: u64,
    ) -> AllocateAndReturnByCodec<Result<Verified, TeeError>> {
        triad_tee::verify(quote, collateral, now)
    }
}
