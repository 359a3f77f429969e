//! # Triad worker registry
//!
//! Workers are the off-chain processes that run models. Each registers here
//! with the roles it offers (executor, verifier or both), the models it serves,
//! its libp2p peer id and multiaddr on the data plane, and a **bond**: stake
//! the chain can take if it cheats. Whether it runs in attested TEE hardware
//! is `pallet-triad-attestation`'s to say: it verifies quotes bound to the
//! account and the peer id registered here.
//!
//! ## Stake
//!
//! The bond is held from the worker's free balance with a `fungible` hold
//! ([`HoldReason::WorkerBond`]), so it stays in the worker's account but cannot
//! be spent. `bond_extra` adds to it. `unbond` moves part of it into an
//! unbonding chunk that is still held, and still slashable, for
//! `UnbondingPeriod` blocks, after which `withdraw_unbonded` releases it.
//! Stake that backs pending tasks (`locked`, set by the task pallet through
//! [`WorkerRegistry::lock_stake`]) cannot be unbonded. A worker that has
//! unbonded and withdrawn everything is removed.
//!
//! ## Slashing
//!
//! Other pallets slash through the [`Slash`] trait: the bond first, then
//! unbonding chunks, newest first, so stake on its way out cannot escape a
//! fault it backed. Slashed funds go to the harmed party when the caller names
//! one, else to `SlashDestination` (burnt when that is `None`). A worker left
//! below `MinStake` is suspended until it tops up.
//!
//! ## Probation
//!
//! A worker is on probation for each model it serves until it has reproduced
//! `CalibrationsRequired` of the model's calibration cases (the model owner's
//! known inputs and fingerprints, a proof of capability). On probation it is
//! only given calibration tasks; the task pallet reports each result through
//! [`WorkerRegistry::record_calibration`].
//!
//! ## Going offline
//!
//! `go_offline` and `go_online` take a worker out of the draw and back without
//! touching its stake, probation progress or reputation.
//!
//! ## What the draw sees, and when
//!
//! The task pallet draws seats in block `n` from the VRF output of block
//! `n - 1`, whose author knew that output while it chose which transactions
//! to include. If `go_online`, `go_offline` or `bond_extra` took effect at
//! once, that author could include or leave out its own workers' such
//! transactions to steer the draw it already knew. So the draw reads
//! [`WorkerInfo::drawable`] (online or not, stake counted), which follows
//! `status` and `bonded` only `ActivationDelay` blocks after they change,
//! and a qualification counts for the draw `ActivationDelay` blocks after the
//! calibration that completed it. Whatever the author of block `n - 1`
//! includes changes the draw of block `n + 1` at the earliest, whose seed it
//! does not know. Changes that can only shrink a worker's chances (a slash,
//! a suspension, an unbond) are seen at once: the draw counts at most what is
//! bonded now.
//!
//! ## Invariants (checked by `try_state`)
//!
//! - Each worker's held bond equals `bonded` plus its unbonding chunks.
//! - `locked <= bonded`, and an online worker has at least `MinStake` bonded.
//! - A pending change of what the draw sees takes effect at most
//!   `ActivationDelay` blocks from now.
//! - Workers serve only registered models, and the per-model index lists
//!   exactly the workers that serve each model.

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

use polkadot_sdk::{frame_support, frame_system, sp_runtime};

use alloc::vec::Vec;
use frame_support::traits::fungible::{Inspect, InspectHold, Mutate, MutateHold};
use sp_runtime::{traits::Saturating, BoundedVec};
pub use triad_primitives::{ModelRegistry, Slash, WorkerPeers, WorkerRegistry};

/// Balance type of the currency that holds bonds.
pub type BalanceOf<T> = <<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// A worker's unbonding chunks.
pub type ChunksOf<T> =
    BoundedVec<UnbondingChunk<BalanceOf<T>, frame_system::pallet_prelude::BlockNumberFor<T>>, <T as Config>::MaxUnbondingChunks>;

#[frame_support::pallet]
pub mod pallet {
    use super::*;
    use frame_support::{pallet_prelude::*, traits::tokens::Precision};
    use frame_system::pallet_prelude::*;

    /// Version 1 delays what the draw sees of status, bond and qualification.
    const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

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
        /// The model registry.
        type Models: ModelRegistry<BalanceOf<Self>>;
        /// Least bond of an online worker.
        #[pallet::constant]
        type MinStake: Get<BalanceOf<Self>>;
        /// Blocks between `unbond` and `withdraw_unbonded`.
        #[pallet::constant]
        type UnbondingPeriod: Get<BlockNumberFor<Self>>;
        /// Calibration cases a worker must reproduce before it serves a model.
        #[pallet::constant]
        type CalibrationsRequired: Get<u32>;
        /// Blocks before a change of status, bond or qualification is seen by
        /// the draw: at least two, so the author of the block that includes
        /// it cannot know the randomness of the first draw it affects.
        #[pallet::constant]
        type ActivationDelay: Get<BlockNumberFor<Self>>;
        /// Where slashed stake goes when the slasher names no beneficiary; `None` burns it.
        type SlashDestination: Get<Option<Self::AccountId>>;
        /// Most models one worker serves.
        #[pallet::constant]
        type MaxModelsPerWorker: Get<u32>;
        /// Most workers serving one model; bounds the draw in the task pallet.
        #[pallet::constant]
        type MaxWorkersPerModel: Get<u32>;
        /// Longest libp2p peer id, in bytes.
        #[pallet::constant]
        type MaxPeerIdLen: Get<u32>;
        /// Longest multiaddr, in bytes.
        #[pallet::constant]
        type MaxAddrLen: Get<u32>;
        /// Most unbonding chunks in flight per worker.
        #[pallet::constant]
        type MaxUnbondingChunks: Get<u32>;
        /// Benchmarked weights of the calls.
        type WeightInfo: WeightInfo;
    }

    /// Why this pallet holds funds.
    #[pallet::composite_enum]
    pub enum HoldReason {
        /// A worker's bond, including unbonding chunks.
        WorkerBond,
    }

    /// Registered workers.
    #[pallet::storage]
    pub type Workers<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, WorkerInfo<T>>;

    /// Stake on its way out, per worker.
    #[pallet::storage]
    pub type Unbonding<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, ChunksOf<T>, ValueQuery>;

    /// The workers that serve each model, in registration order.
    #[pallet::storage]
    pub type ModelWorkers<T: Config> =
        StorageMap<_, Twox64Concat, ModelId, BoundedVec<T::AccountId, T::MaxWorkersPerModel>, ValueQuery>;

    /// Probation progress of a worker on a model it serves.
    #[pallet::storage]
    pub type Calibrations<T: Config> =
        StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, ModelId, Probation<BlockNumberFor<T>>, ValueQuery>;

    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// A worker registered and bonded.
        WorkerRegistered { who: T::AccountId, roles: Roles, models: Vec<ModelId>, bonded: BalanceOf<T> },
        /// A worker changed its roles, models or addresses.
        WorkerUpdated { who: T::AccountId, roles: Roles, models: Vec<ModelId> },
        /// Stake was added to a bond.
        Bonded { who: T::AccountId, amount: BalanceOf<T> },
        /// Stake started unbonding.
        Unbonded { who: T::AccountId, amount: BalanceOf<T>, unlocks_at: BlockNumberFor<T> },
        /// Unbonded stake was released to the free balance.
        Withdrawn { who: T::AccountId, amount: BalanceOf<T> },
        /// A worker with nothing bonded left the registry.
        WorkerRemoved { who: T::AccountId },
        /// A worker was slashed; `to` is who received it (`None`: burnt).
        Slashed { who: T::AccountId, amount: BalanceOf<T>, to: Option<T::AccountId> },
        /// A slash left a worker below `MinStake`.
        WorkerSuspended { who: T::AccountId },
        /// A worker asked to leave or re-enter the draw, or a slash suspended
        /// it; the draw sees it from `effective_at`.
        StatusChanged { who: T::AccountId, status: Status, effective_at: BlockNumberFor<T> },
        /// A worker reproduced or failed a calibration case of a model.
        CalibrationRecorded { who: T::AccountId, model: ModelId, passed: bool, progress: Probation<BlockNumberFor<T>> },
        /// A worker finished probation on a model and now serves real jobs.
        WorkerQualified { who: T::AccountId, model: ModelId },
    }

    #[pallet::error]
    pub enum Error<T> {
        /// The account is already a worker.
        AlreadyRegistered,
        /// The account is not a worker.
        NotRegistered,
        /// Neither executor nor verifier.
        NoRole,
        /// The model list is empty.
        NoModels,
        /// More models than `MaxModelsPerWorker`.
        TooManyModels,
        /// A model is listed twice.
        DuplicateModel,
        /// A model is not registered, or deprecated.
        ModelNotActive,
        /// A model already has `MaxWorkersPerModel` workers.
        ModelFull,
        /// The peer id is longer than `MaxPeerIdLen`.
        PeerIdTooLong,
        /// The multiaddr is longer than `MaxAddrLen`.
        AddrTooLong,
        /// The bond would be below `MinStake`.
        BelowMinStake,
        /// The free balance cannot cover the bond.
        InsufficientBalance,
        /// Stake backing pending tasks cannot be unbonded.
        StakeLocked,
        /// Unbonding zero or more than is bonded.
        InvalidAmount,
        /// `MaxUnbondingChunks` chunks are already in flight.
        TooManyUnbondingChunks,
        /// No unbonding chunk has matured.
        NothingToWithdraw,
        /// The worker is already in that status.
        AlreadyInStatus,
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        fn integrity_test() {
            assert!(!T::MinStake::get().is_zero(), "a worker with nothing at stake can cheat for free");
            assert!(!T::UnbondingPeriod::get().is_zero(), "stake must stay slashable after unbond");
            assert!(T::CalibrationsRequired::get() > 0, "probation needs at least one calibration");
            assert!(
                T::ActivationDelay::get() >= 2u32.into(),
                "the author of a block must not know the seed of the first draw its transactions change"
            );
            assert!(
                T::MaxModelsPerWorker::get() > 0 && T::MaxWorkersPerModel::get() >= 4,
                "a task needs an executor and three verifiers on one model"
            );
            assert!(T::MaxUnbondingChunks::get() > 0, "unbonding needs a chunk");
        }

        #[cfg(feature = "try-runtime")]
        fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
            Self::do_try_state()
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Registers the caller as a worker and holds `bond` as its stake. It
        /// starts online, on probation for every model it serves.
        #[pallet::call_index(0)]
        #[pallet::weight(T::WeightInfo::register_worker())]
        pub fn register_worker(
            origin: OriginFor<T>,
            roles: Roles,
            models: Vec<ModelId>,
            peer_id: Option<Vec<u8>>,
            multiaddr: Option<Vec<u8>>,
            bond: BalanceOf<T>,
        ) -> DispatchResult {
            let who = ensure_signed(origin)?;
            ensure!(!Workers::<T>::contains_key(&who), Error::<T>::AlreadyRegistered);
            ensure!(bond >= T::MinStake::get(), Error::<T>::BelowMinStake);
            let models = Self::check_models(&roles, models)?;
            let mut info = WorkerInfo::<T> {
                roles,
                models: models.clone(),
                peer_id: bounded(peer_id, Error::<T>::PeerIdTooLong)?,
                multiaddr: bounded(multiaddr, Error::<T>::AddrTooLong)?,
                bonded: bond,
                locked: Zero::zero(),
                status: Status::Online,
                drawable: Drawable::default(),
                pending: None,
                registered_at: frame_system::Pallet::<T>::block_number(),
            };
            Self::schedule(&mut info);
            Self::index_models(&who, &[], &models)?;
            T::Currency::hold(&HoldReason::WorkerBond.into(), &who, bond).map_err(|_| Error::<T>::InsufficientBalance)?;
            Workers::<T>::insert(&who, info);
            Self::deposit_event(Event::WorkerRegistered { who, roles, models: models.into_inner(), bonded: bond });
            Ok(())
        }

        /// Changes a worker's roles, models and data-plane addresses. Models
        /// added start on probation; models dropped lose their progress.
        #[pallet::call_index(1)]
        #[pallet::weight(T::WeightInfo::update_worker())]
        pub fn update_worker(
            origin: OriginFor<T>,
            roles: Roles,
            models: Vec<ModelId>,
            peer_id: Option<Vec<u8>>,
            multiaddr: Option<Vec<u8>>,
        ) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let mut info = Workers::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
            let models = Self::check_models(&roles, models)?;
            info.peer_id = bounded(peer_id, Error::<T>::PeerIdTooLong)?;
            info.multiaddr = bounded(multiaddr, Error::<T>::AddrTooLong)?;
            Self::index_models(&who, &info.models, &models)?;
            info.roles = roles;
            info.models = models.clone();
            Workers::<T>::insert(&who, info);
            Self::deposit_event(Event::WorkerUpdated { who, roles, models: models.into_inner() });
            Ok(())
        }

        /// Adds `amount` to the caller's bond. A suspended worker that is back
        /// at `MinStake` becomes online again.
        #[pallet::call_index(2)]
        #[pallet::weight(T::WeightInfo::bond_extra())]
        pub fn bond_extra(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            ensure!(!amount.is_zero(), Error::<T>::InvalidAmount);
            let mut info = Workers::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
            T::Currency::hold(&HoldReason::WorkerBond.into(), &who, amount).map_err(|_| Error::<T>::InsufficientBalance)?;
            info.bonded = info.bonded.saturating_add(amount);
            let revived = info.status == Status::Suspended && info.bonded >= T::MinStake::get();
            if revived {
                info.status = Status::Online;
            }
            let effective_at = Self::schedule(&mut info);
            Workers::<T>::insert(&who, info);
            Self::deposit_event(Event::Bonded { who: who.clone(), amount });
            if revived {
                Self::deposit_event(Event::StatusChanged { who, status: Status::Online, effective_at });
            }
            Ok(())
        }

        /// Starts unbonding `amount`. What remains bonded must be zero or at
        /// least `MinStake`; unbonding everything takes the worker offline.
        #[pallet::call_index(3)]
        #[pallet::weight(T::WeightInfo::unbond())]
        pub fn unbond(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let mut info = Workers::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
            ensure!(!amount.is_zero() && amount <= info.bonded, Error::<T>::InvalidAmount);
            ensure!(amount <= info.bonded.saturating_sub(info.locked), Error::<T>::StakeLocked);
            let remaining = info.bonded.saturating_sub(amount);
            ensure!(remaining.is_zero() || remaining >= T::MinStake::get(), Error::<T>::BelowMinStake);
            let unlocks_at = frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
            Unbonding::<T>::try_mutate(&who, |chunks| chunks.try_push(UnbondingChunk { amount, unlocks_at }))
                .map_err(|_| Error::<T>::TooManyUnbondingChunks)?;
            info.bonded = remaining;
            let leaving = remaining.is_zero() && info.status == Status::Online;
            if remaining.is_zero() {
                info.status = Status::Offline;
            }
            let effective_at = Self::schedule(&mut info);
            Workers::<T>::insert(&who, info);
            Self::deposit_event(Event::Unbonded { who: who.clone(), amount, unlocks_at });
            if leaving {
                Self::deposit_event(Event::StatusChanged { who, status: Status::Offline, effective_at });
            }
            Ok(())
        }

        /// Releases every matured unbonding chunk. A worker with nothing left
        /// bonded or unbonding is removed from the registry.
        #[pallet::call_index(4)]
        #[pallet::weight(T::WeightInfo::withdraw_unbonded())]
        pub fn withdraw_unbonded(origin: OriginFor<T>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let info = Workers::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
            let now = frame_system::Pallet::<T>::block_number();
            let mut chunks = Unbonding::<T>::get(&who);
            let mut amount = BalanceOf::<T>::zero();
            chunks.retain(|c| {
                let ripe = c.unlocks_at <= now;
                if ripe {
                    amount = amount.saturating_add(c.amount);
                }
                !ripe
            });
            ensure!(!amount.is_zero(), Error::<T>::NothingToWithdraw);
            T::Currency::release(&HoldReason::WorkerBond.into(), &who, amount, Precision::Exact)?;
            Self::deposit_event(Event::Withdrawn { who: who.clone(), amount });
            if chunks.is_empty() {
                Unbonding::<T>::remove(&who);
                if info.bonded.is_zero() {
                    Self::index_models(&who, &info.models, &[])?;
                    Workers::<T>::remove(&who);
                    Self::deposit_event(Event::WorkerRemoved { who });
                }
            } else {
                Unbonding::<T>::insert(&who, chunks);
            }
            Ok(())
        }

        /// Takes the caller out of the draw for new tasks, keeping its stake.
        #[pallet::call_index(5)]
        #[pallet::weight(T::WeightInfo::go_offline())]
        pub fn go_offline(origin: OriginFor<T>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::set_status(who, Status::Offline)
        }

        /// Puts the caller back into the draw. Needs `MinStake` bonded.
        #[pallet::call_index(6)]
        #[pallet::weight(T::WeightInfo::go_online())]
        pub fn go_online(origin: OriginFor<T>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::set_status(who, Status::Online)
        }
    }
}

fn bounded<T: Config, S: frame_support::traits::Get<u32>>(
    value: Option<Vec<u8>>,
    error: Error<T>,
) -> Result<Option<BoundedVec<u8, S>>, Error<T>> {
    value.map(|v| v.try_into().map_err(|_| error)).transpose()
}
