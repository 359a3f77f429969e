//! What the pallet stores about a candidate, and the capabilities it is given.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{sp_runtime::Perbill, sp_staking::SessionIndex};
use scale_info::TypeInfo;

/// A bonded candidate.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct Candidate<Balance> {
    /// Held from the candidate's balance; slashable while held.
    pub bond: Balance,
    /// Set by `leave`: the session from which `withdraw` releases the bond.
    pub leaving: Option<SessionIndex>,
}

/// Takes a validator out of block production and finality voting for the
/// rest of the current session.
pub trait DisableValidator<AccountId> {
    /// Disables `who`, for an offence whose slash was `severity` of its bond.
    fn disable(who: &AccountId, severity: Perbill);
}

impl<AccountId> DisableValidator<AccountId> for () {
    fn disable(_: &AccountId, _: Perbill) {}
}

/// The record of past sessions' validator sets, against which equivocation
/// reports prove key ownership.
pub trait SessionHistory {
    /// Forgets every session before `up_to`.
    fn prune_up_to(up_to: SessionIndex);
}

impl SessionHistory for () {
    fn prune_up_to(_: SessionIndex) {}
}

/// What the benchmarks need from the runtime beyond this pallet.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
    /// Makes `who` look as if it had called `session.set_keys`.
    fn register_keys(who: &AccountId);
}
