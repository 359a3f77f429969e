//! Block production, finality and the validator set: BABE and GRANDPA over
//! sessions planned by `pallet-triad-validators`, with equivocations reported
//! through `pallet-offences` against `pallet-session`'s historical record.
//!
//! A session is one BABE epoch ([`EPOCH_DURATION_IN_SLOTS`]). Session keys
//! (BABE and GRANDPA) are set with `author_rotateKeysWithOwner` and
//! `session.set_keys`, which holds [`SessionKeyDeposit`] against storage
//! spam, since any account may register keys before it is admitted.

use crate::*;
use polkadot_sdk::{
    frame_support::{
        parameter_types,
        traits::{ConstU128, ConstU32, ConstU64, KeyOwnerProofSystem},
    },
    frame_system::EnsureRoot,
    pallet_grandpa::AuthorityId as GrandpaId,
    sp_runtime::{
        traits::{ConvertInto, OpaqueKeys},
        KeyTypeId,
    },
    sp_staking::{offence::OffenceSeverity, SessionIndex},
};

parameter_types! {
    pub const EpochDuration: u64 = EPOCH_DURATION_IN_SLOTS;
    pub const ExpectedBlockTime: u64 = MILLISECS_PER_BLOCK;
    pub const MaxAuthorities: u32 = 32;
    /// A day of sessions: how long a leaving validator's bond stays slashable,
    /// and how far back an equivocation can be reported.
    pub const BondingSessions: SessionIndex = (DAYS as u64 / EPOCH_DURATION_IN_SLOTS) as SessionIndex;
    /// An equivocation report is valid while its key-ownership proof can be
    /// checked: the bonding window, in blocks.
    pub const ReportLongevity: u64 = BondingSessions::get() as u64 * EPOCH_DURATION_IN_SLOTS;
}

impl pallet_babe::Config for Runtime {
    type EpochDuration = EpochDuration;
    type ExpectedBlockTime = ExpectedBlockTime;
    /// `pallet-session` ends an epoch when it rotates the session.
    type EpochChangeTrigger = pallet_babe::ExternalTrigger;
    type DisabledValidators = Session;
    type WeightInfo = ();
    type MaxAuthorities = MaxAuthorities;
    type MaxNominators = ConstU32<0>;
    type KeyOwnerProof = <Historical as KeyOwnerProofSystem<(KeyTypeId, pallet_babe::AuthorityId)>>::Proof;
    type EquivocationReportSystem = pallet_babe::EquivocationReportSystem<Self, Offences, Historical, ReportLongevity>;
}

impl pallet_grandpa::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    type WeightInfo = ();
    type MaxAuthorities = MaxAuthorities;
    type MaxNominators = ConstU32<0>;
    /// One GRANDPA set per session at most, kept as long as reports are.
    type MaxSetIdSessionEntries = ConstU64<{ DAYS as u64 / EPOCH_DURATION_IN_SLOTS }>;
    type KeyOwnerProof = <Historical as KeyOwnerProofSystem<(KeyTypeId, GrandpaId)>>::Proof;
    type EquivocationReportSystem = pallet_grandpa::EquivocationReportSystem<Self, Offences, Historical, ReportLongevity>;
}

impl pallet_authorship::Config for Runtime {
    type FindAuthor = pallet_session::FindAccountFromAuthorIndex<Self, Babe>;
    type EventHandler = ();
}

/// Held by `session.set_keys` until `purge_keys`: any account may register
/// keys, so each registration pays for the storage it takes.
pub type SessionKeyDeposit = ConstU128<{ 10 * UNIT }>;

impl pallet_session::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    type ValidatorId = AccountId;
    /// A validator is its account; any account may set keys before admission.
    type ValidatorIdOf = ConvertInto;
    type ShouldEndSession = Babe;
    type NextSessionRotation = Babe;
    type SessionManager = pallet_session::historical::NoteHistoricalRoot<Self, Validators>;
    type SessionHandler = <opaque::SessionKeys as OpaqueKeys>::KeyTypeIdProviders;
    type Keys = opaque::SessionKeys;
    /// Disables offenders for the rest of the session, at most a third of the
    /// set, so that an attack by reports cannot halt finality.
    type DisablingStrategy = pallet_session::disabling::UpToLimitWithReEnablingDisablingStrategy;
    type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
    type Currency = Balances;
    type KeyDeposit = SessionKeyDeposit;
}

impl pallet_session::historical::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    /// A validator's bond when its session was planned: what it can be slashed.
    type FullIdentification = Balance;
    type FullIdentificationOf = pallet_triad_validators::BondOf<Runtime>;
}

impl pallet_offences::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    type IdentificationTuple = pallet_session::historical::IdentificationTuple<Self>;
    type OnOffenceHandler = Validators;
}

/// Disables an offender through `pallet-session`'s disabling strategy.
pub struct SessionDisabler;
impl pallet_triad_validators::DisableValidator<AccountId> for SessionDisabler {
    fn disable(who: &AccountId, severity: Perbill) {
        Session::report_offence(who.clone(), OffenceSeverity(severity));
    }
}

/// Prunes `pallet-session`'s historical tries.
pub struct HistoryPruner;
impl pallet_triad_validators::SessionHistory for HistoryPruner {
    fn prune_up_to(up_to: SessionIndex) {
        Historical::prune_up_to(up_to);
    }
}

parameter_types! {
    /// A validator bonds a thousand tokens.
    pub const ValidatorMinBond: Balance = 1_000 * UNIT;
}

impl pallet_triad_validators::Config for Runtime {
    type Currency = Balances;
    type RuntimeHoldReason = RuntimeHoldReason;
    /// Sudo today; a governance body when Triad has one.
    type AdminOrigin = EnsureRoot<AccountId>;
    type KeysRegistered = Session;
    type Disabler = SessionDisabler;
    type History = HistoryPruner;
    type MinBond = ValidatorMinBond;
    type BondingSessions = BondingSessions;
    type MaxValidators = MaxAuthorities;
    type MinValidators = ConstU32<1>;
    type MaxCandidates = ConstU32<64>;
    type WeightInfo = pallet_triad_validators::weights::SubstrateWeight<Runtime>;
    #[cfg(feature = "runtime-benchmarks")]
    type BenchmarkHelper = BenchmarkKeys;
}

/// Registers made-up session keys for a benchmark account.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchmarkKeys;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_triad_validators::BenchmarkHelper<AccountId> for BenchmarkKeys {
    fn register_keys(who: &AccountId) {
        use polkadot_sdk::sp_core::{ed25519, sr25519};
        let raw: [u8; 32] = *who.as_ref();
        let keys =
            opaque::SessionKeys { babe: sr25519::Public::from_raw(raw).into(), grandpa: ed25519::Public::from_raw(raw).into() };
        pallet_session::NextKeys::<Runtime>::insert(who, keys);
    }
}

impl<C> frame_system::offchain::CreateTransactionBase<C> for Runtime
where
    RuntimeCall: From<C>,
{
    type Extrinsic = UncheckedExtrinsic;
    type RuntimeCall = RuntimeCall;
}

/// Equivocation reports are unsigned extrinsics the node's BABE and GRANDPA
/// workers submit from the runtime.
impl<C> frame_system::offchain::CreateBare<C> for Runtime
where
    RuntimeCall: From<C>,
{
    fn create_bare(call: RuntimeCall) -> UncheckedExtrinsic {
        UncheckedExtrinsic::new_bare(call)
    }
}
