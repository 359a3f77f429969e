//! # Triad runtime
//!
//! The state-transition function of the Triad chain, a BABE + GRANDPA solochain.
//!
//! * **BABE** authors blocks. It is chosen over Aura because every block carries a VRF
//!   output that no client or worker can predict when it submits a transaction; the task
//!   pallet draws executors and verifiers from that randomness.
//! * **GRANDPA** finalizes blocks. Settlement of an inference task is final once the block
//!   that settles it is finalized.
//! * **Session** rotates the BABE and GRANDPA authorities once per epoch, from the set
//!   **Validators** plans: bonded candidates admitted by governance, slashed through
//!   **Offences** when they equivocate (proved against **Historical**'s record).
//! * **Balances** and **TransactionPayment** hold the native token and charge fees;
//!   **Sudo** is the dev-time governance.
//!
//! The Triad pallets (model registry, worker stake, reputation, task escrow, TEE
//! attestation) sit at indices 20-25 of [`Runtime`]; the task pallet draws its seats from BABE's
//! `ParentBlockRandomness`, two blocks after a task is queued.
#![cfg_attr(not(feature = "std"), no_std)]
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

/// The same runtime with `spec_version` one higher: what a runtime upgrade
/// submits, so the end-to-end tests can rehearse one on a running network
/// (`system.set_code` through sudo) without a second checkout. The node never
/// embeds it.
#[cfg(feature = "std")]
pub mod next {
    include!(concat!(env!("OUT_DIR"), "/triad_runtime_next"));
}

extern crate alloc;
use alloc::vec::Vec;

pub mod apis;
pub mod configs;
pub mod genesis;

use polkadot_sdk::{
    frame_support::weights::{constants::WEIGHT_REF_TIME_PER_SECOND, Weight},
    sp_consensus_babe,
    sp_runtime::{
        generic, impl_opaque_keys,
        traits::{BlakeTwo256, IdentifyAccount, Verify},
        MultiAddress, MultiSignature, Perbill,
    },
    *,
};
use sp_version::RuntimeVersion;

#[cfg(feature = "std")]
pub use polkadot_sdk::sp_runtime::BuildStorage;

/// Signature scheme of accounts: sr25519, ed25519 or ECDSA, as the signer chooses.
pub type Signature = MultiSignature;
/// An account is the public key behind its [`Signature`].
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// Balance of an account, in the smallest unit (a "plank").
pub type Balance = u128;
/// Per-account transaction counter.
pub type Nonce = u32;
/// Hash of blocks and state.
pub type Hash = polkadot_sdk::sp_core::H256;
/// Block height.
pub type BlockNumber = u32;
/// How an extrinsic names an account.
pub type Address = MultiAddress<AccountId, ()>;

/// One TRIAD token is 10^12 planks.
pub const UNIT: Balance = 1_000_000_000_000;
/// A thousandth of a token.
pub const MILLI_UNIT: Balance = UNIT / 1_000;
/// Below this an account is reaped.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;

/// Target time between blocks. Task deadlines are counted in blocks of this length.
pub const MILLISECS_PER_BLOCK: u64 = 6_000;
/// BABE slot length; one slot, at most one primary block.
pub const SLOT_DURATION: u64 = MILLISECS_PER_BLOCK;
pub const MINUTES: BlockNumber = 60_000 / (MILLISECS_PER_BLOCK as BlockNumber);
pub const HOURS: BlockNumber = MINUTES * 60;
pub const DAYS: BlockNumber = HOURS * 24;
/// Length of a BABE epoch, in slots, which is also a session: the validator set and
/// the epoch randomness change this often. Two minutes, so that a validator admitted
/// or removed takes part, or stops, within two sessions (at most four minutes). The
/// cost: `pallet-session` charges the rotation block a full block's weight, so one
/// block in twenty carries no extrinsics.
pub const EPOCH_DURATION_IN_SLOTS: u64 = 2 * MINUTES as u64;

/// BABE's chance of a primary slot (`c = 1/4`); with secondary VRF slots every slot still
/// gets an author, and every block still carries a VRF output.
pub const PRIMARY_PROBABILITY: (u64, u64) = (1, 4);
pub const BABE_GENESIS_EPOCH_CONFIG: sp_consensus_babe::BabeEpochConfiguration = sp_consensus_babe::BabeEpochConfiguration {
    c: PRIMARY_PROBABILITY,
    allowed_slots: sp_consensus_babe::AllowedSlots::PrimaryAndSecondaryVRFSlots,
};

/// Share of a block that ordinary (non-operational) extrinsics may fill.
pub const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);
/// Two seconds of compute per six-second block leave room for import and propagation.
pub const MAXIMUM_BLOCK_WEIGHT: Weight = Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND.saturating_mul(2), u64::MAX);

/// Types the node needs without knowing the runtime's call enum.
pub mod opaque {
    use super::*;
    pub use polkadot_sdk::sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

    pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
    pub type Block = generic::Block<Header, UncheckedExtrinsic>;
    pub type BlockId = generic::BlockId<Block>;

    impl_opaque_keys! {
        /// The consensus keys a validator registers.
        pub struct SessionKeys {
            pub babe: super::Babe,
            pub grandpa: super::Grandpa,
        }
    }
}

/// Declares [`VERSION`] with the given `spec_version`. `#[runtime_version]` reads
/// the fields as literals to write the wasm's `runtime_version` section, so the
/// number is passed as a token rather than computed.
macro_rules! runtime_version {
    ($spec_version:tt) => {
        #[sp_version::runtime_version]
        pub const VERSION: RuntimeVersion = RuntimeVersion {
            spec_name: alloc::borrow::Cow::Borrowed("triad"),
            impl_name: alloc::borrow::Cow::Borrowed("triad"),
            authoring_version: 1,
            spec_version: $spec_version,
            impl_version: 1,
            apis: apis::RUNTIME_API_VERSIONS,
            transaction_version: 1,
            system_version: 1,
        };
    };
}
#[cfg(not(triad_next_spec))]
runtime_version!(101);
// The upgrade rehearsal: this runtime one `spec_version` higher, built only as
// the second wasm blob of `build.rs` ([`next`]), never as the node's own.
#[cfg(triad_next_spec)]
runtime_version!(102);

/// The checks every signed extrinsic passes through, in order.
pub type TxExtension = (
    frame_system::CheckNonZeroSender<Runtime>,
    frame_system::CheckSpecVersion<Runtime>,
    frame_system::CheckTxVersion<Runtime>,
    frame_system::CheckGenesis<Runtime>,
    frame_system::CheckEra<Runtime>,
    frame_system::CheckNonce<Runtime>,
    frame_system::CheckWeight<Runtime>,
    pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
    frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
    frame_system::WeightReclaim<Runtime>,
);

pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
pub type UncheckedExtrinsic = generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

pub type Executive =
    frame_executive::Executive<Runtime, Block, frame_system::ChainContext<Runtime>, Runtime, AllPalletsWithSystem>;

#[frame_support::runtime]
mod runtime {
    #[runtime::runtime]
    #[runtime::derive(
        RuntimeCall,
        RuntimeEvent,
        RuntimeError,
        RuntimeOrigin,
        RuntimeFreezeReason,
        RuntimeHoldReason,
        RuntimeSlashReason,
        RuntimeLockId,
        RuntimeTask,
        RuntimeViewFunction
    )]
    pub struct Runtime;

    // Chain plumbing: 0-19, declared in the order their hooks run. BABE's
    // `on_initialize` must see the new slot before Session asks it whether
    // the epoch ends; Session rotates before GRANDPA's `on_finalize` schedules
    // the authority change it announced.
    #[runtime::pallet_index(0)]
    pub type System = frame_system;
    #[runtime::pallet_index(1)]
    pub type Timestamp = pallet_timestamp;
    #[runtime::pallet_index(2)]
    pub type Babe = pallet_babe;
    #[runtime::pallet_index(7)]
    pub type Authorship = pallet_authorship;
    #[runtime::pallet_index(4)]
    pub type Balances = pallet_balances;
    #[runtime::pallet_index(5)]
    pub type TransactionPayment = pallet_transaction_payment;
    #[runtime::pallet_index(8)]
    pub type Offences = pallet_offences;
    #[runtime::pallet_index(9)]
    pub type Historical = pallet_session::historical;
    #[runtime::pallet_index(10)]
    pub type Validators = pallet_triad_validators;
    #[runtime::pallet_index(11)]
    pub type Session = pallet_session;
    #[runtime::pallet_index(3)]
    pub type Grandpa = pallet_grandpa;
    #[runtime::pallet_index(6)]
    pub type Sudo = pallet_sudo;

    // Triad: 20-29, the inference pallets, in dependency order. 24 is kept for Zk
    // (Groth16 verifying keys).
    #[runtime::pallet_index(20)]
    pub type Models = pallet_triad_models;
    #[runtime::pallet_index(21)]
    pub type Workers = pallet_triad_workers;
    #[runtime::pallet_index(22)]
    pub type Reputation = pallet_triad_reputation;
    #[runtime::pallet_index(23)]
    pub type Tasks = pallet_triad_tasks;
    #[runtime::pallet_index(25)]
    pub type Attestation = pallet_triad_attestation;
}
