//! # Triad primitives
//!
//! The pallets of Triad each own one concern (models, workers, reputation,
//! tasks) and talk to each other only through the traits here, so each can be
//! tested against a small mock of the others and the runtime decides how they
//! are wired:
//!
//! - [`ModelRegistry`]: is a model registered and active, how are its outputs
//!   fingerprinted, what does a job cost at least. Implemented by
//!   `pallet-triad-models`.
//! - [`WorkerRegistry`] and [`Slash`]: who may execute or verify a model, how
//!   much stake backs pending work, and taking stake from a worker who cheated.
//!   Implemented by `pallet-triad-workers`.
//! - [`Reputation`]: a worker's score, how settled tasks move it, and the
//!   capped weight it gives in selection. Implemented by
//!   `pallet-triad-reputation`.
//! - [`WorkerPeers`] and [`Attestations`]: who a worker is on the data plane,
//!   and which TEE code it was last attested to run. Implemented by
//!   `pallet-triad-workers` and `pallet-triad-attestation`.
//!
//! [`TriadApi`] and [`TasksApi`] are the runtime APIs that wallets, workers
//! and auditors use to read models, workers and tasks without decoding raw
//! storage.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

use alloc::vec::Vec;
use codec::{Codec, Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::sp_runtime::{DispatchError, DispatchResult};
use scale_info::TypeInfo;
pub use triad_tee::{Measurement, TcbStatus, TcbStatuses, TeeKind};
pub use triad_verifier::{wire::WireError, CannotRun, Fingerprint, LshParams, OutputCheck, FINGERPRINT_BYTES};

/// What a job costs and how its price is shared, as pure functions the
/// task pallet settles by and clients quote with.
pub mod pricing {
    use polkadot_sdk::sp_runtime::{traits::AtLeast32BitUnsigned, Perbill};

    /// The executor's pay and each verifier's pay from a `price`.
    pub fn shares<Balance: AtLeast32BitUnsigned + Copy>(price: Balance, executor_share: Perbill) -> (Balance, Balance) {
        let executor = executor_share * price;
        (executor, (price - executor) / 3u32.into())
    }

    /// What a TEE task costs at a model's price `floor`: what its two seats
    /// would be paid in an LSH task, the executor's share and one verifier's
    /// third of the rest. The two verifiers TEE mode does without are not
    /// charged (with a 50% executor share, two thirds of the LSH price).
    pub fn tee_price<Balance: AtLeast32BitUnsigned + Copy>(floor: Balance, executor_share: Perbill) -> Balance {
        let (executor, verifier) = shares(floor, executor_share);
        executor + verifier
    }

    /// The executor's and the verifier's pay from a TEE task's `price`
    /// ([`tee_price`]), in the proportion of their LSH pay,
    /// `executor_share : (1 - executor_share) / 3`. They add up to the price.
    pub fn tee_shares<Balance: AtLeast32BitUnsigned + Copy>(price: Balance, executor_share: Perbill) -> (Balance, Balance) {
        let s = u64::from(executor_share.deconstruct());
        let executor = Perbill::from_rational(3 * s, 1_000_000_000 + 2 * s) * price;
        (executor, price - executor)
    }
}

pub use polkadot_sdk::sp_runtime::Perbill;

/// Sequential identifier of a registered model.
pub type ModelId = u32;

/// Ways a model's results may be verified; a task picks one of those allowed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct VerificationModes {
    /// Three verifiers re-run the job; a 2-of-3 LSH majority decides.
    pub lsh_majority: bool,
    /// A Groth16 proof may be posted; the value is the `blake3` hash of the
    /// verifying key, registered by the zk pallet.
    pub groth16: Option<[u8; 32]>,
    /// A TEE attestation may stand in for re-execution.
    pub tee: bool,
}

impl VerificationModes {
    /// Whether at least one mode is allowed.
    pub fn any(&self) -> bool {
        self.lsh_majority || self.groth16.is_some() || self.tee
    }
}

/// What a Groth16 proof of one of a model's jobs is checked against: the
/// verifying key its owner registered, and how the circuit lays out the
/// output in the statement (`triad_zk_verify::OutputSpec`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProofKey<Balance> {
    /// The uncompressed arkworks verifying key, checked when it was registered.
    pub verifying_key: Vec<u8>,
    /// Output values the circuit proves.
    pub output_count: u32,
    /// Signed width of each output value in the statement.
    pub output_bits: u8,
    /// What a proved job costs: it pays the prover alone, and proving costs
    /// more than running.
    pub price: Balance,
}

/// Which TEE workers may execute a model's jobs in TEE mode, as its owner
/// set it: the code they must run, and the platform states it accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeePolicy {
    /// Accepted measurements (MRENCLAVE for SGX, MRTD for TDX).
    pub measurements: Vec<Measurement>,
    /// Accepted TCB statuses; `Revoked` never is.
    pub statuses: TcbStatuses,
}

impl TeePolicy {
    /// Whether a worker attested to run `measurement` on a platform in
    /// `status` may execute under this policy.
    pub fn allows(&self, measurement: &Measurement, status: TcbStatus) -> bool {
        self.statuses.allows(status) && self.measurements.contains(measurement)
    }
}

/// What the model registry tells the other pallets.
pub trait ModelRegistry<Balance> {
    /// Whether the model is registered, in any state.
    fn exists(model: ModelId) -> bool;
    /// Whether the model takes new jobs (registered and not deprecated).
    fn is_active(model: ModelId) -> bool;
    /// The parameters its outputs are fingerprinted with.
    fn lsh_params(model: ModelId) -> Option<LshParams>;
    /// The verification modes it allows.
    fn modes(model: ModelId) -> Option<VerificationModes>;
    /// The least fee a job on it may offer.
    fn price_floor(model: ModelId) -> Option<Balance>;
    /// Number of known input/fingerprint pairs that probation draws from.
    fn calibration_cases(model: ModelId) -> u32;
    /// The expected fingerprint of calibration case `index` of `model`.
    fn calibration_expected(model: ModelId, index: u32) -> Option<Fingerprint>;
    /// Checks job input bytes against the model's declared inputs
    /// (`triad_verifier::wire::fit`): the names, types and shapes it takes,
    /// no empty dimension, only finite floats. `Ok` means honest workers can
    /// run it.
    fn check_input(model: ModelId, input: &[u8]) -> Result<(), WireError>;
    /// The key Groth16 proofs of `model`'s jobs are checked against, once
    /// its owner registered one.
    fn proof_key(model: ModelId) -> Option<ProofKey<Balance>>;
    /// Checks an output's bytes against the model's declared outputs
    /// (`triad_verifier::wire::fit`), for outputs the chain itself reads.
    fn check_output(model: ModelId, output: &[u8]) -> Result<(), WireError>;
    /// Who may execute `model`'s jobs in TEE mode, once its owner said so.
    fn tee_policy(model: ModelId) -> Option<TeePolicy>;
    /// Registers an active model with a full calibration set for other
    /// pallets' benchmarks, which need one without knowing how models are
    /// registered.
    #[cfg(feature = "runtime-benchmarks")]
    fn register_for_benchmarks(index: u32) -> ModelId;
    /// Registers an active provable model whose `uint8` input `pixels`
    /// encodes to at most `input_bytes` and whose Groth16 key is as large as
    /// the registry allows, for the proof benchmark. Returns the model, its
    /// input length and its output count.
    #[cfg(feature = "runtime-benchmarks")]
    fn register_provable_for_benchmarks(input_bytes: u32) -> (ModelId, u32, u32);
}

/// What a worker offers to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct Roles {
    /// Runs jobs and returns their output.
    pub executor: bool,
    /// Re-runs jobs to check an executor.
    pub verifier: bool,
}

/// What the worker registry tells the task pallet, and what it is told back.
pub trait WorkerRegistry<AccountId, Balance> {
    /// Whether `who` is online, not suspended, out of probation for `model`,
    /// and offers `roles`.
    fn can_serve(who: &AccountId, model: ModelId, roles: Roles) -> bool;
    /// Whether `who` serves `model` but is still on probation for it.
    fn on_probation(who: &AccountId, model: ModelId) -> bool;
    /// Every worker that lists `model`, in any state; at most
    /// [`WorkerRegistry::max_workers_per_model`], so a draw over it is bounded.
    fn workers_for(model: ModelId) -> Vec<AccountId>;
    /// Most workers one model can list.
    fn max_workers_per_model() -> u32;
    /// Bonded stake not yet committed to pending tasks.
    fn free_stake(who: &AccountId) -> Balance;
    /// Commits `amount` of stake to a pending task, so it cannot be unbonded.
    fn lock_stake(who: &AccountId, amount: Balance) -> DispatchResult;
    /// Releases stake committed to a task that has settled.
    fn unlock_stake(who: &AccountId, amount: Balance);
    /// Records a probation (calibration) result for `model`.
    fn record_calibration(who: &AccountId, model: ModelId, passed: bool);
    /// Registers `who` as an executor and verifier of `model` with `bond` at
    /// stake, out of probation when `qualified`, for other pallets' benchmarks.
    #[cfg(feature = "runtime-benchmarks")]
    fn register_for_benchmarks(who: &AccountId, model: ModelId, bond: Balance, qualified: bool);
}

/// Who a registered worker is on the data plane: what a TEE attestation binds.
pub trait WorkerPeers<AccountId> {
    /// The libp2p peer id (multihash bytes) `who` registered, if `who` is a
    /// worker and gave one.
    fn peer_id(who: &AccountId) -> Option<Vec<u8>>;
    /// Registers `who` as a worker with `peer_id`, for other pallets' benchmarks.
    #[cfg(feature = "runtime-benchmarks")]
    fn register_peer_for_benchmarks(who: &AccountId, peer_id: Vec<u8>);
}

/// A worker's attestation as it stood when the chain looked: what the task
/// pallet checks a TEE seat against, and keeps in the attempt for auditors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct SeatAttestation {
    /// The code the worker's TEE runs.
    pub measurement: Measurement,
    /// Intel's verdict on its platform.
    pub tcb_status: TcbStatus,
    /// Unix seconds from which the attestation no longer counts.
    pub expires_at: u64,
    /// Unix seconds of the block that looked.
    pub checked_at: u64,
}

/// Which workers run attested TEE code.
pub trait Attestations<AccountId> {
    /// `who`'s attestation if it counts now (verified, not expired, bound to
    /// the peer id `who` has now).
    fn valid(who: &AccountId) -> Option<SeatAttestation>;
    /// Records an attestation of `who` to run `measurement` on an up-to-date
    /// platform, valid for a day, for other pallets' benchmarks.
    #[cfg(feature = "runtime-benchmarks")]
    fn attest_for_benchmarks(who: &AccountId, measurement: Measurement);
}

/// What a worker commits to before revealing `fingerprint` for task `task`:
/// `blake3(fingerprint ‖ salt ‖ who ‖ task)`, each part SCALE-encoded.
///
/// Binding `who` and `task` makes a commitment useless to anyone else and for
/// any other task, so a worker cannot replay or copy another's commitment.
pub fn reveal_commitment<AccountId: Encode>(fingerprint: &Fingerprint, salt: &[u8; 32], who: &AccountId, task: u64) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    h.update(&fingerprint.encode());
    h.update(salt);
    h.update(&who.encode());
    h.update(&task.encode());
    *h.finalize().as_bytes()
}

/// What an executor's answer is, for its commitment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer<'a> {
    /// Its encoded output (`triad_verifier::wire`).
    Output(&'a [u8]),
    /// It could not run the task, for this reason.
    CannotRun(CannotRun),
}

impl Answer<'_> {
    /// The digest an executor commits to: `blake3` of the output bytes (the
    /// content address the data plane serves them under), or of a tag and
    /// the reason.
    pub fn digest(&self) -> [u8; 32] {
        match self {
            Answer::Output(bytes) => *blake3::hash(bytes).as_bytes(),
            Answer::CannotRun(reason) => {
                let mut h = blake3::Hasher::new();
                h.update(b"triad/cannot-run");
                h.update(&reason.encode());
                *h.finalize().as_bytes()
            },
        }
    }
}

/// What an executor commits to before revealing its answer for task `task`:
/// `blake3(digest ‖ salt ‖ who ‖ task)`, in its own key-derivation domain.
///
/// The salt hides the answer until it is revealed: without it, anyone could
/// hash each of a small output's few possible values and read the answer off
/// the commitment before committing its own. `who` and `task` make the
/// commitment useless to anyone else and for any other task.
pub fn answer_commitment<AccountId: Encode>(digest: &[u8; 32], salt: &[u8; 32], who: &AccountId, task: u64) -> [u8; 32] {
    let mut h = blake3::Hasher::new_derive_key("triad 2026 answer commitment");
    h.update(digest);
    h.update(salt);
    h.update(&who.encode());
    h.update(&task.encode());
    *h.finalize().as_bytes()
}

/// Taking stake from a worker who cheated or did not show up.
pub trait Slash<AccountId, Balance> {
    /// Slashes up to `fraction` of `who`'s bond, and at least `minimum` if the
    /// bond allows, paying it to `beneficiary` (or the configured destination
    /// when `None`). Returns what was actually taken.
    fn slash(
        who: &AccountId,
        fraction: Perbill,
        minimum: Balance,
        beneficiary: Option<&AccountId>,
    ) -> Result<Balance, DispatchError>;
}

/// How one settled task went for one worker, as reputation sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum Outcome {
    /// Its reveal agreed with the majority that decided the task.
    AgreedWithMajority,
    /// It was in a minority that the majority rejected (a wrong result, or a
    /// verifier that vouched for one).
    RejectedMinority,
    /// It was assigned and did not commit or reveal in time.
    NoShow,
    /// The task ended inconclusive; nobody can be blamed or credited.
    Inconclusive,
}

/// A worker's standing on each model, moved by every settled task of it.
///
/// Standing is per model: score earned on one model (a private, free one a
/// sybil set up for itself, say) weighs nothing in the draw of another.
pub trait Reputation<AccountId, Balance> {
    /// The score on `model`, as a fraction: the estimated chance the
    /// worker's next result on it is honest.
    fn score_of(who: &AccountId, model: ModelId) -> Perbill;
    /// Moves the score on `model` after a settled task of it.
    fn record_outcome(who: &AccountId, model: ModelId, outcome: Outcome);
    /// The worker's weight in the random draw of executors and verifiers of
    /// `model`: stake times its score on that model, with stake counted only
    /// up to a cap.
    fn selection_weight(who: &AccountId, model: ModelId, stake: Balance) -> u128;
}

polkadot_sdk::sp_api::decl_runtime_apis! {
    /// Reads models and workers for wallets, workers and auditors. Values are
    /// SCALE-encoded pallet types, so any client with the metadata decodes them.
    pub trait TriadApi<AccountId, ModelInfo, WorkerInfo>
    where
        AccountId: Codec,
        ModelInfo: Codec,
        WorkerInfo: Codec,
    {
        /// A registered model.
        fn model(model: ModelId) -> Option<ModelInfo>;
        /// A worker with its stake and reputation.
        fn worker(who: AccountId) -> Option<WorkerInfo>;
        /// The workers that serve a model, at most `limit` of them from `start`.
        fn workers_for_model(model: ModelId, start: u32, limit: u32) -> Vec<AccountId>;
    }

    /// Reads inference tasks for clients, workers and auditors.
    pub trait TasksApi<AccountId, TaskView, Role>
    where
        AccountId: Codec,
        TaskView: Codec,
        Role: Codec,
    {
        /// A task with every attempt (seats, commitments, reveals, verdict,
        /// payments, slashes), its input, and the posted output.
        fn task(id: u64) -> Option<TaskView>;
        /// The open seats of a worker: the tasks it must commit or reveal in.
        fn tasks_of(who: AccountId) -> Vec<(u64, Role)>;
    }
}
