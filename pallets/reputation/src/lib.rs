//! # Triad reputation
//!
//! Every worker has a score in `[0, 1]` on each model it serves: the
//! estimated chance that its next result on that model is honest. The task
//! pallet reports each settled task through the [`Reputation`] trait, and
//! selection draws a model's executors and verifiers with probability
//! proportional to [`Reputation::selection_weight`] on that model.
//!
//! ## Per-model standing
//!
//! Standing is kept per `(worker, model)`. A global score could be farmed:
//! four sybils that register a private model with no price and serve each
//! other's jobs would agree every time, for nothing but transaction fees, and
//! carry that score into the draw of every other model. Per model, what they
//! farm stays on their private model; on any other model they start at the
//! prior like everyone else.
//!
//! ## The score
//!
//! The score is the mean of a Beta(α, β) distribution, `α / (α + β)`, with α
//! counting evidence of honest work and β evidence against it, both in
//! thousandths of a task. A newcomer starts at the prior (`PriorAlpha`,
//! `PriorBeta`). Each settled task adds:
//!
//! | outcome | effect |
//! |---|---|
//! | agreed with the deciding majority | `α += AgreeWeight` |
//! | in a minority the majority rejected | `β += MinorityWeight` (sharp: many agreements to undo) |
//! | assigned but did not commit or reveal | `β += NoShowWeight` |
//! | task inconclusive | nothing, the task is only counted |
//!
//! ## Decay
//!
//! Old merit fades and old faults are forgiven: every `DecayPeriod` blocks,
//! the part of α and of β above the prior is multiplied by `Retention`. Decay
//! is applied lazily, when a score is read or changed, so it costs nothing per
//! block and needs no iteration over workers.
//!
//! ## Selection weight
//!
//! `min(stake, StakeCap) x score`. Stake above the cap buys no extra
//! selection chance, so a rich worker cannot dominate the draw with stake
//! alone, and a worker with a poor score is rarely drawn however much it
//! bonded.
//!
//! ## Invariants (checked by `try_state`)
//!
//! α and β never fall below the prior, and no standing was updated in the future.

#![cfg_attr(not(feature = "std"), no_std)]

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

use polkadot_sdk::{frame_support, frame_system, sp_runtime};

use frame_support::traits::Get;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
    traits::{Saturating, UniqueSaturatedInto, Zero},
    Perbill,
};
pub use triad_primitives::{ModelId, Outcome, Reputation};

#[frame_support::pallet]
pub mod pallet {
    use super::*;
    use frame_support::pallet_prelude::*;

    /// Version 1 keeps standing per model.
    const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

    #[pallet::pallet]
    #[pallet::storage_version(STORAGE_VERSION)]
    pub struct Pallet<T>(_);

    #[pallet::config]
    pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
        /// The stake type selection weights are computed from.
        type Balance: Parameter + MaxEncodedLen + sp_runtime::traits::AtLeast32BitUnsigned + Copy + Into<u128>;
        /// α of a newcomer, in thousandths of a task.
        #[pallet::constant]
        type PriorAlpha: Get<u64>;
        /// β of a newcomer, in thousandths of a task.
        #[pallet::constant]
        type PriorBeta: Get<u64>;
        /// Added to α for agreeing with the deciding majority.
        #[pallet::constant]
        type AgreeWeight: Get<u64>;
        /// Added to β for being in a rejected minority.
        #[pallet::constant]
        type MinorityWeight: Get<u64>;
        /// Added to β for not committing or revealing in time.
        #[pallet::constant]
        type NoShowWeight: Get<u64>;
        /// Blocks per decay step.
        #[pallet::constant]
        type DecayPeriod: Get<BlockNumberFor<Self>>;
        /// Share of the evidence above the prior kept per decay step.
        #[pallet::constant]
        type Retention: Get<Perbill>;
        /// Stake counted in the selection weight at most.
        #[pallet::constant]
        type StakeCap: Get<Self::Balance>;
        /// Benchmarked weights.
        type WeightInfo: WeightInfo;
    }

    /// Standing of every worker on every model it has a settled task of;
    /// absent means the prior.
    #[pallet::storage]
    pub type Standings<T: Config> =
        StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, ModelId, Standing<BlockNumberFor<T>>>;

    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// A settled task moved a worker's score. `alpha` and `beta` are after
        /// decay and the outcome, so auditors can replay every score.
        OutcomeRecorded { who: T::AccountId, model: ModelId, outcome: Outcome, alpha: u64, beta: u64, score: Perbill },
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        fn integrity_test() {
            assert!(T::PriorAlpha::get() > 0 && T::PriorBeta::get() > 0, "the prior must be a proper Beta");
            assert!(T::AgreeWeight::get() > 0, "agreeing must earn something");
            assert!(
                T::MinorityWeight::get() > T::NoShowWeight::get() && T::NoShowWeight::get() > 0,
                "a rejected minority must cost more than a no-show, and a no-show something"
            );
            assert!(T::MinorityWeight::get() >= T::AgreeWeight::get(), "one fault must outweigh one agreement");
            assert!(!T::DecayPeriod::get().is_zero(), "decay needs a period");
            assert!(T::Retention::get() < Perbill::one(), "without decay old merit never fades");
            assert!(!T::StakeCap::get().is_zero(), "a zero stake cap makes every weight zero");
        }

        #[cfg(feature = "try-runtime")]
        fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
            Self::do_try_state()
        }
    }
}

impl<T: Config> Pallet<T> {
    fn prior() -> Standing<BlockNumberFor<T>> {
        Standing {
            alpha: T::PriorAlpha::get(),
            beta: T::PriorBeta::get(),
            updated: frame_system::Pallet::<T>::block_number(),
            tasks: 0,
        }
    }

    /// The standing of `who` on `model` with decay applied up to the current block.
    pub fn standing(who: &T::AccountId, model: ModelId) -> Standing<BlockNumberFor<T>> {
        match Standings::<T>::get(who, model) {
            Some(s) => Self::decayed(s),
            None => Self::prior(),
        }
    }

    fn decayed(mut s: Standing<BlockNumberFor<T>>) -> Standing<BlockNumberFor<T>> {
        let now = frame_system::Pallet::<T>::block_number();
        let steps: u64 = (now.saturating_sub(s.updated) / T::DecayPeriod::get()).unique_saturated_into();
        if steps == 0 {
            return s;
        }
        // Past a few thousand steps every realistic retention has reached zero.
        let kept = T::Retention::get().saturating_pow(steps.min(10_000) as usize);
        let fade = |value: u64, prior: u64| prior + kept.mul_floor(value.saturating_sub(prior));
        s.alpha = fade(s.alpha, T::PriorAlpha::get());
        s.beta = fade(s.beta, T::PriorBeta::get());
        // Only whole periods are consumed, so decay does not depend on how often it is applied.
        s.updated = s.updated.saturating_add(T::DecayPeriod::get().saturating_mul(steps.unique_saturated_into()));
        s
    }

    /// `α / (α + β)`.
    pub fn score(s: &Standing<BlockNumberFor<T>>) -> Perbill {
        Perbill::from_rational(s.alpha, s.alpha.saturating_add(s.beta))
    }

    /// Checks the invariants listed in the crate docs.
    #[cfg(any(feature = "try-runtime", feature = "std"))]
    pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
        let now = frame_system::Pallet::<T>::block_number();
        for (_, _, s) in Standings::<T>::iter() {
            frame_support::ensure!(s.alpha >= T::PriorAlpha::get(), "alpha below the prior");
            frame_support::ensure!(s.beta >= T::PriorBeta::get(), "beta below the prior");
            frame_support::ensure!(s.updated <= now, "standing updated in the future");
        }
        Ok(())
    }
}

impl<T: Config> Reputation<T::AccountId, T::Balance> for Pallet<T> {
    fn score_of(who: &T::AccountId, model: ModelId) -> Perbill {
        Self::score(&Self::standing(who, model))
    }

    fn record_outcome(who: &T::AccountId, model: ModelId, outcome: Outcome) {
        let mut s = Self::standing(who, model);
        match outcome {
            Outcome::AgreedWithMajority => s.alpha = s.alpha.saturating_add(T::AgreeWeight::get()),
            Outcome::RejectedMinority => s.beta = s.beta.saturating_add(T::MinorityWeight::get()),
            Outcome::NoShow => s.beta = s.beta.saturating_add(T::NoShowWeight::get()),
            Outcome::Inconclusive => {},
        }
        s.tasks = s.tasks.saturating_add(1);
        let score = Self::score(&s);
        Standings::<T>::insert(who, model, s);
        Self::deposit_event(Event::OutcomeRecorded { who: who.clone(), model, outcome, alpha: s.alpha, beta: s.beta, score });
    }

    fn selection_weight(who: &T::AccountId, model: ModelId, stake: T::Balance) -> u128 {
        let capped: u128 = stake.min(T::StakeCap::get()).into();
        Self::score_of(who, model).mul_floor(capped)
    }
}
