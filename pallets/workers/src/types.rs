//! What the registry stores about a worker.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound};
use frame_system::pallet_prelude::BlockNumberFor;
use polkadot_sdk::{frame_support, frame_system};
use scale_info::TypeInfo;
pub use triad_primitives::{ModelId, Roles};

use crate::{BalanceOf, Config};

/// Whether a worker is drawn for new tasks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum Status {
    /// Drawn for tasks.
    Online,
    /// Stepped away by its own choice; keeps its stake and standing.
    Offline,
    /// Bond fell below `MinStake` after a slash; must top up to come back.
    Suspended,
}

/// A registered worker.
#[derive(
    CloneNoBound, DebugNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct WorkerInfo<T: Config> {
    /// Executor, verifier, or both.
    pub roles: Roles,
    /// Models it serves.
    pub models: BoundedVec<ModelId, T::MaxModelsPerWorker>,
    /// libp2p peer id (multihash bytes) on the worker data plane.
    pub peer_id: Option<BoundedVec<u8, T::MaxPeerIdLen>>,
    /// libp2p multiaddr (binary form) where the peer listens.
    pub multiaddr: Option<BoundedVec<u8, T::MaxAddrLen>>,
    /// Stake held as the worker's bond.
    pub bonded: BalanceOf<T>,
    /// Part of `bonded` that backs pending tasks and cannot be unbonded.
    pub locked: BalanceOf<T>,
    /// Online, offline or suspended, as the worker last asked (or a slash made it).
    pub status: Status,
    /// What the draw sees of the worker: lags `status` and `bonded` by
    /// `ActivationDelay` blocks, see [`crate::Pallet::drawable`].
    pub drawable: Drawable<BalanceOf<T>>,
    /// The next value of `drawable`, and the block it takes effect.
    pub pending: Option<(Drawable<BalanceOf<T>>, BlockNumberFor<T>)>,
    /// Block of registration.
    pub registered_at: BlockNumberFor<T>,
}

/// The part of a worker the task pallet's draw reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct Drawable<Balance> {
    /// In the draw.
    pub online: bool,
    /// Bond counted in its selection weight (never more than it has bonded now).
    pub stake: Balance,
}

/// Stake on its way out: still held (and slashable) until `unlocks_at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct UnbondingChunk<Balance, BlockNumber> {
    /// Amount.
    pub amount: Balance,
    /// First block at which it can be withdrawn.
    pub unlocks_at: BlockNumber,
}

/// Progress of a worker's probation on one model.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct Probation<BlockNumber> {
    /// Calibration tasks reproduced.
    pub passed: u32,
    /// Calibration tasks failed.
    pub failed: u32,
    /// Block at which the worker completed probation; it is drawn for the
    /// model's tasks from `ActivationDelay` blocks later.
    pub qualified_at: Option<BlockNumber>,
}
