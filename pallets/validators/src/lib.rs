//! # Triad validators
//!
//! Who authors blocks (BABE) and votes on finality (GRANDPA). The set changes
//! at session boundaries, through `pallet-session`, from a membership that
//! governance admits out of **bonded candidates**.
//!
//! ## Why not NPoS
//!
//! Triad's economic security for inference sits with its workers, who bond per
//! task in `pallet-triad-workers`. Validators only order and finalize
//! transactions, and the network is small. NPoS (`pallet-staking`) would add
//! nominators, eras, elections, an inflation curve and payouts, which is a
//! large attack surface and build cost for a set of a few operators. Instead:
//!
//! - anyone may **bond** at least `MinBond` and so become a candidate;
//! - `AdminOrigin` (sudo today, a council or referendum later) **admits** a
//!   candidate whose session keys are registered, or removes a member;
//! - a member that equivocates is **slashed** from its bond and removed by
//!   the chain itself, through `pallet-offences`, without governance.
//!
//! The bond is what makes an equivocation cost something: two BABE blocks in
//! one slot, or two GRANDPA votes in one round, reported through the standard
//! `report_equivocation` paths, burn `fraction x bond` where the fraction
//! grows with how many validators offended together (`(3k/n)^2` for BABE and
//! GRANDPA).
//!
//! ## Sessions
//!
//! A session is one BABE epoch. When session `s` ends, `pallet-session` asks
//! this pallet for the set of session `s + 2` ([`SessionManager::new_session`]):
//! the members whose keys are registered. A member admitted during session
//! `s` therefore authors from session `s + 2`, and one removed stops then.
//! The set a session plans is also noted in `pallet-session`'s historical
//! tries with each member's bond, which is what key-ownership proofs in
//! equivocation reports are checked against.
//!
//! ## Leaving
//!
//! `leave` ends a candidacy (and a membership). The bond stays held, and
//! slashable, for `BondingSessions` sessions: long enough for the member's
//! last sessions to end and for any report of an equivocation in them to
//! arrive. Then `withdraw` releases it.
//!
//! ## Slashing twice
//!
//! `pallet-offences` hands every report of one offence kind and time slot to
//! [`OnOffenceHandler::on_offence`] with all offenders reported so far, so the
//! same offender can be presented again with a larger fraction. The fraction
//! already applied per offender and session is kept ([`SlashedInSession`]) and
//! only the increase is slashed.
//!
//! ## Invariants (checked by `try_state`)
//!
//! - Each candidate's held bond equals its recorded `bond`.
//! - Members are candidates that are not leaving, without duplicates, and
//!   there are at most `MaxValidators` of them.
//! - No more than `MaxCandidates` candidates.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod impls;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use impls::{slash_amount, BondOf};

use polkadot_sdk::{frame_support, frame_system, sp_runtime, sp_staking};

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::validators";

#[frame_support::pallet]
pub mod pallet {
    use super::*;
    use frame_support::{
        pallet_prelude::*,
        traits::{
            fungible::{InspectHold, Mutate, MutateHold},
            tokens::Precision,
            ValidatorRegistration,
        },
    };
    use frame_system::pallet_prelude::*;
    use sp_runtime::{traits::Zero, Perbill};
    use sp_staking::SessionIndex;

    const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

    #[pallet::pallet]
    #[pallet::storage_version(STORAGE_VERSION)]
    pub struct Pallet<T>(_);

    #[pallet::config]
    pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
        /// Holds bonds.
        type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
            + InspectHold<Self::AccountId>
            + Mutate<Self::AccountId>;
        /// The hold reasons of the runtime, which include this pallet's.
        type RuntimeHoldReason: From<HoldReason>;
        /// Who admits and removes members: root, or a governance body.
        type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;
        /// Whether an account has registered session keys (`pallet-session`).
        type KeysRegistered: ValidatorRegistration<Self::AccountId>;
        /// Takes an offender out of block production for the rest of the
        /// session it offended in (`pallet-session`'s disabling strategy).
        type Disabler: DisableValidator<Self::AccountId>;
        /// Forgets key-ownership records older than the bonding window.
        type History: SessionHistory;
        /// Least bond of a candidate.
        #[pallet::constant]
        type MinBond: Get<BalanceOf<Self>>;
        /// Sessions a bond stays slashable after `leave`.
        #[pallet::constant]
        type BondingSessions: Get<SessionIndex>;
        /// Most members; bounds the session's validator set.
        #[pallet::constant]
        type MaxValidators: Get<u32>;
        /// Fewest members: removals (by governance, `leave` or a slash) stop
        /// here, so the chain always has someone to author and finalize.
        #[pallet::constant]
        type MinValidators: Get<u32>;
        /// Most candidates.
        #[pallet::constant]
        type MaxCandidates: Get<u32>;
        /// Benchmarked weights of the calls.
        type WeightInfo: WeightInfo;
        /// Registers session keys for an account in benchmarks.
        #[cfg(feature = "runtime-benchmarks")]
        type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
    }

    /// Why this pallet holds funds.
    #[pallet::composite_enum]
    pub enum HoldReason {
        /// A validator candidate's bond.
        ValidatorBond,
    }

    /// Bonded candidates, members or not.
    #[pallet::storage]
    pub type Candidates<T: Config> = CountedStorageMap<_, Twox64Concat, T::AccountId, CandidateOf<T>>;

    /// The admitted members, in admission order. The next planned session's
    /// set is these, less any without session keys.
    #[pallet::storage]
    pub type Members<T: Config> = StorageValue<_, BoundedVec<T::AccountId, T::MaxValidators>, ValueQuery>;

    /// The set the last planned session got, to tell whether it changes.
    #[pallet::storage]
    pub type Planned<T: Config> = StorageValue<_, BoundedVec<T::AccountId, T::MaxValidators>, ValueQuery>;

    /// The session now running.
    #[pallet::storage]
    pub type CurrentSession<T> = StorageValue<_, SessionIndex, ValueQuery>;

    /// The largest fraction of its bond an offender was slashed for an
    /// offence in a session; kept for `BondingSessions`.
    #[pallet::storage]
    pub type SlashedInSession<T: Config> =
        StorageDoubleMap<_, Twox64Concat, SessionIndex, Twox64Concat, T::AccountId, Perbill, OptionQuery>;

    #[pallet::genesis_config]
    #[derive(frame_support::DefaultNoBound)]
    pub struct GenesisConfig<T: Config> {
        /// Members at genesis and their bonds. Their session keys go in
        /// `pallet-session`'s genesis.
        pub validators: alloc::vec::Vec<(T::AccountId, BalanceOf<T>)>,
    }

    #[pallet::genesis_build]
    impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
        fn build(&self) {
            let mut members = BoundedVec::<T::AccountId, T::MaxValidators>::new();
            for (who, bond) in &self.validators {
                assert!(*bond >= T::MinBond::get(), "a genesis validator bonds at least MinBond");
                T::Currency::hold(&HoldReason::ValidatorBond.into(), who, *bond)
                    .expect("a genesis validator is endowed with its bond");
                Candidates::<T>::insert(who, Candidate { bond: *bond, leaving: None });
                assert!(!members.contains(who), "a genesis validator is listed once");
                members.try_push(who.clone()).expect("at most MaxValidators genesis validators");
            }
            assert!(
                members.is_empty() || members.len() as u32 >= T::MinValidators::get(),
                "no genesis validators here (the session keeps its genesis set) or at least MinValidators"
            );
            Planned::<T>::put(&members);
            Members::<T>::put(members);
        }
    }

    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// An account bonded, becoming a candidate or adding to its bond.
        Bonded { who: T::AccountId, amount: BalanceOf<T>, total: BalanceOf<T> },
        /// A candidate was admitted; it validates from session `from`.
        ValidatorAdded { who: T::AccountId, from: SessionIndex },
        /// A member was removed; it stops validating from session `from`.
        ValidatorRemoved { who: T::AccountId, from: SessionIndex },
        /// A candidate left; its bond unlocks at session `unlocks_at`.
        CandidacyEnded { who: T::AccountId, unlocks_at: SessionIndex },
        /// A former candidate's bond was released.
        BondWithdrawn { who: T::AccountId, amount: BalanceOf<T> },
        /// A validator's bond was burnt for an offence in `session`.
        ValidatorSlashed { who: T::AccountId, amount: BalanceOf<T>, fraction: Perbill, session: SessionIndex },
        /// A new set was planned for session `session`.
        SetPlanned { session: SessionIndex, validators: alloc::vec::Vec<T::AccountId> },
    }

    #[pallet::error]
    pub enum Error<T> {
        /// The first bond is below `MinBond`.
        BondBelowMinimum,
        /// The free balance cannot cover the bond.
        InsufficientBalance,
        /// `MaxCandidates` are already bonded.
        TooManyCandidates,
        /// The account has not bonded.
        NotCandidate,
        /// The candidate has left and waits to withdraw.
        CandidateLeaving,
        /// The candidate is already a member.
        AlreadyValidator,
        /// The account is not a member.
        NotValidator,
        /// `MaxValidators` members already.
        TooManyValidators,
        /// Removing would leave fewer than `MinValidators` members.
        TooFewValidators,
        /// The candidate has not set session keys (`session.set_keys`).
        SessionKeysNotSet,
        /// The candidate's bond fell below `MinBond` (slashed).
        BondBelowMinimumAfterSlash,
        /// `withdraw` before `leave`.
        NotLeaving,
        /// The bond is still slashable; try at the session given by `CandidacyEnded`.
        StillBonded,
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        fn integrity_test() {
            assert!(!T::MinBond::get().is_zero(), "a validator with nothing bonded equivocates for free");
            assert!(T::MinValidators::get() >= 1, "a chain needs a validator");
            assert!(T::MinValidators::get() <= T::MaxValidators::get(), "MinValidators fits in MaxValidators");
            assert!(T::MaxCandidates::get() >= T::MaxValidators::get(), "every member is a candidate");
            assert!(
                T::BondingSessions::get() >= 3,
                "a bond stays slashable through the two sessions a leaving member still validates, and after"
            );
        }

        #[cfg(feature = "try-runtime")]
        fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
            Self::do_try_state()
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Holds `amount` of the caller's balance as a validator bond, making
        /// it a candidate, or adds to an existing bond.
        #[pallet::call_index(0)]
        #[pallet::weight(T::WeightInfo::bond())]
        pub fn bond(origin: OriginFor<T>, #[pallet::compact] amount: BalanceOf<T>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let mut candidate = match Candidates::<T>::get(&who) {
                Some(c) => {
                    ensure!(c.leaving.is_none(), Error::<T>::CandidateLeaving);
                    c
                },
                None => {
                    ensure!(amount >= T::MinBond::get(), Error::<T>::BondBelowMinimum);
                    ensure!(Candidates::<T>::count() < T::MaxCandidates::get(), Error::<T>::TooManyCandidates);
                    Candidate { bond: Zero::zero(), leaving: None }
                },
            };
            T::Currency::hold(&HoldReason::ValidatorBond.into(), &who, amount).map_err(|_| Error::<T>::InsufficientBalance)?;
            candidate.bond += amount;
            let total = candidate.bond;
            Candidates::<T>::insert(&who, candidate);
            Self::deposit_event(Event::Bonded { who, amount, total });
            Ok(())
        }

        /// Admits a candidate whose session keys are registered. It validates
        /// from the session after next.
        #[pallet::call_index(1)]
        #[pallet::weight(T::WeightInfo::add_validator())]
        pub fn add_validator(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
            T::AdminOrigin::ensure_origin(origin)?;
            let candidate = Candidates::<T>::get(&who).ok_or(Error::<T>::NotCandidate)?;
            ensure!(candidate.leaving.is_none(), Error::<T>::CandidateLeaving);
            ensure!(candidate.bond >= T::MinBond::get(), Error::<T>::BondBelowMinimumAfterSlash);
            ensure!(T::KeysRegistered::is_registered(&who), Error::<T>::SessionKeysNotSet);
            Members::<T>::try_mutate(|members| {
                ensure!(!members.contains(&who), Error::<T>::AlreadyValidator);
                members.try_push(who.clone()).map_err(|_| Error::<T>::TooManyValidators)
            })?;
            Self::deposit_event(Event::ValidatorAdded { who, from: Self::effective_session() });
            Ok(())
        }

        /// Removes a member. It stops validating from the session after next;
        /// its bond stays held until it `leave`s and the window passes.
        #[pallet::call_index(2)]
        #[pallet::weight(T::WeightInfo::remove_validator())]
        pub fn remove_validator(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
            T::AdminOrigin::ensure_origin(origin)?;
            Self::do_remove(&who)
        }

        /// Ends the caller's candidacy, and membership if it is a member. The
        /// bond unlocks `BondingSessions` sessions from now.
        #[pallet::call_index(3)]
        #[pallet::weight(T::WeightInfo::leave())]
        pub fn leave(origin: OriginFor<T>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let mut candidate = Candidates::<T>::get(&who).ok_or(Error::<T>::NotCandidate)?;
            ensure!(candidate.leaving.is_none(), Error::<T>::CandidateLeaving);
            if Members::<T>::get().contains(&who) {
                Self::do_remove(&who)?;
            }
            let unlocks_at = CurrentSession::<T>::get().saturating_add(T::BondingSessions::get());
            candidate.leaving = Some(unlocks_at);
            Candidates::<T>::insert(&who, candidate);
            Self::deposit_event(Event::CandidacyEnded { who, unlocks_at });
            Ok(())
        }

        /// Releases the bond of a candidate that left, once its window passed.
        #[pallet::call_index(4)]
        #[pallet::weight(T::WeightInfo::withdraw())]
        pub fn withdraw(origin: OriginFor<T>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let candidate = Candidates::<T>::get(&who).ok_or(Error::<T>::NotCandidate)?;
            let unlocks_at = candidate.leaving.ok_or(Error::<T>::NotLeaving)?;
            ensure!(CurrentSession::<T>::get() >= unlocks_at, Error::<T>::StillBonded);
            let amount = T::Currency::release(&HoldReason::ValidatorBond.into(), &who, candidate.bond, Precision::BestEffort)?;
            Candidates::<T>::remove(&who);
            Self::deposit_event(Event::BondWithdrawn { who, amount });
            Ok(())
        }
    }
}

/// The balance type of the pallet's currency.
pub type BalanceOf<T> = <<T as Config>::Currency as polkadot_sdk::frame_support::traits::fungible::Inspect<
    <T as polkadot_sdk::frame_system::Config>::AccountId,
>>::Balance;

/// A candidate as stored.
pub type CandidateOf<T> = Candidate<BalanceOf<T>>;
