//! Configuration of the Triad pallets: model registry, worker stake, reputation.
//!
//! Amounts are sized for the dev presets, where every account holds a million
//! tokens: a model costs about one token of deposit, a worker bonds at least a
//! hundred, and reputation counts a task as 1_000 units of evidence.

use crate::*;
use polkadot_sdk::{
    frame_support::{
        parameter_types,
        traits::{ConstU32, ConstU64},
        PalletId,
    },
    sp_runtime::{traits::AccountIdConversion, Perbill},
};

parameter_types! {
    pub const ModelDepositBase: Balance = UNIT;
    /// A thousandth of a token per stored byte.
    pub const ModelDepositPerByte: Balance = MILLI_UNIT;
    /// 4 GiB: larger files cannot be loaded by ONNX Runtime's protobuf parser anyway.
    pub const MaxModelSize: u64 = 4 << 30;
}

impl pallet_triad_models::Config for Runtime {
    type Currency = Balances;
    type RuntimeHoldReason = RuntimeHoldReason;
    type DepositBase = ModelDepositBase;
    type DepositPerByte = ModelDepositPerByte;
    type MaxNameLen = ConstU32<64>;
    type MaxTensors = ConstU32<8>;
    type MaxDims = ConstU32<8>;
    type MaxModelSize = MaxModelSize;
    type MaxCalibrationCases = ConstU32<16>;
    /// Inline inputs up to 16 KiB: a small image or a batch of features.
    type MaxCalibrationInputLen = ConstU32<16_384>;
    type WeightInfo = pallet_triad_models::weights::SubstrateWeight<Runtime>;
}

/// Account of slashed stake that no harmed client claims.
pub const TREASURY_PALLET_ID: PalletId = PalletId(*b"triad/tr");

parameter_types! {
    pub const MinWorkerStake: Balance = 100 * UNIT;
    /// A week: long enough for any task a bond backs to settle and be audited.
    pub const UnbondingPeriod: BlockNumber = 7 * DAYS;
    pub TreasuryAccount: Option<AccountId> = Some(TREASURY_PALLET_ID.into_account_truncating());
}

impl pallet_triad_workers::Config for Runtime {
    type Currency = Balances;
    type RuntimeHoldReason = RuntimeHoldReason;
    type Models = Models;
    type MinStake = MinWorkerStake;
    type UnbondingPeriod = UnbondingPeriod;
    type CalibrationsRequired = ConstU32<3>;
    type SlashDestination = TreasuryAccount;
    type MaxModelsPerWorker = ConstU32<16>;
    type MaxWorkersPerModel = ConstU32<256>;
    /// An identity multihash of an Ed25519 key is 38 bytes; room for larger key types.
    type MaxPeerIdLen = ConstU32<64>;
    type MaxAddrLen = ConstU32<128>;
    type MaxAttestationLen = ConstU32<8_192>;
    type MaxUnbondingChunks = ConstU32<8>;
    type WeightInfo = pallet_triad_workers::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
    /// Half an hour of blocks per decay step...
    pub const ReputationDecayPeriod: BlockNumber = 30 * MINUTES;
    /// ...keeping 98% of the evidence above the prior: a half-life of about 17 hours.
    pub const ReputationRetention: Perbill = Perbill::from_percent(98);
    /// Stake past 10_000 tokens adds no selection weight.
    pub const ReputationStakeCap: Balance = 10_000 * UNIT;
}

impl pallet_triad_reputation::Config for Runtime {
    type Balance = Balance;
    /// A newcomer scores 2 / (2 + 2) = 0.5.
    type PriorAlpha = ConstU64<2_000>;
    type PriorBeta = ConstU64<2_000>;
    type AgreeWeight = ConstU64<1_000>;
    /// One rejected minority weighs as much as twenty agreements.
    type MinorityWeight = ConstU64<20_000>;
    type NoShowWeight = ConstU64<3_000>;
    type DecayPeriod = ReputationDecayPeriod;
    type Retention = ReputationRetention;
    type StakeCap = ReputationStakeCap;
    type WeightInfo = pallet_triad_reputation::weights::SubstrateWeight<Runtime>;
}
