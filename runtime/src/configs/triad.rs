//! Configuration of the Triad pallets: model registry, worker stake, reputation, tasks,
//! TEE attestation.
//!
//! Amounts are sized for the dev presets, where every account holds a million
//! tokens: a model costs about one token of deposit, a worker bonds at least a
//! hundred, and reputation counts a task as 1_000 units of evidence.

use crate::*;
use polkadot_sdk::{
    frame_support::{
        parameter_types,
        traits::{ConstU32, ConstU64},
        weights::Weight,
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
    type MaxVerifyingKeyLen = ConstU32<4096>;
    /// Enough for a few enclave builds to be live at once during an upgrade.
    type MaxTeeMeasurements = ConstU32<16>;
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
    /// Two blocks: the task pallet draws from the VRF output of the block
    /// before the draw, so what a block's author includes is seen by the
    /// draw after that, whose seed it does not know.
    type ActivationDelay = ConstU32<2>;
    type SlashDestination = TreasuryAccount;
    type MaxModelsPerWorker = ConstU32<16>;
    type MaxWorkersPerModel = ConstU32<256>;
    /// An identity multihash of an Ed25519 key is 38 bytes; room for larger key types.
    type MaxPeerIdLen = ConstU32<64>;
    type MaxAddrLen = ConstU32<128>;
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

parameter_types! {
    /// Each seat backs its work with ten tokens of its bond.
    pub const TaskStakePerSeat: Balance = 10 * UNIT;
    /// The executor gets 40% of the price; each agreeing verifier 20%.
    pub const TaskExecutorShare: Perbill = Perbill::from_percent(40);
    /// A rejected executor loses a fifth of its stake, after paying each
    /// catching verifier that verifier's share of the price.
    pub const TaskExecutorSlash: Perbill = Perbill::from_percent(20);
    /// A verifier on the losing side of a decided task: honest noise never
    /// puts it there (0 of 108,960 honest pairs rejected), a lazy guess does.
    pub const TaskMinoritySlash: Perbill = Perbill::from_percent(2);
    pub const TaskNoShowSlash: Perbill = Perbill::from_percent(1);
    /// 1 GiB on the worker data plane.
    pub const MaxOffchainInput: u64 = 1 << 30;
    /// 256 MiB: a 640x640 probability map is 1.6 MB; a language model's
    /// logits over a long context are the large case.
    pub const MaxOffchainOutput: u64 = 1 << 28;
    /// A tenth of a token per task, plus a thousandth per input byte: a
    /// full queue of 1,024 tasks with 64 KiB inputs holds about 67,000
    /// tokens until the tasks are pruned.
    pub const TaskDeposit: Balance = UNIT / 10;
    pub const TaskDepositPerByte: Balance = MILLI_UNIT;
    /// `on_initialize` spends at most a tenth of a block on deadlines and draws.
    pub TaskHookWeight: Weight = Perbill::from_percent(10) * crate::MAXIMUM_BLOCK_WEIGHT;
}

impl pallet_triad_tasks::Config for Runtime {
    type Currency = Balances;
    type RuntimeHoldReason = RuntimeHoldReason;
    type Models = Models;
    type Workers = Workers;
    type Reputation = Reputation;
    type Attestations = Attestation;
    /// The parent block's VRF output; with the pallet's draw delay of two
    /// blocks it comes from a block authored after the task was included.
    type Randomness = pallet_babe::ParentBlockRandomness<Runtime>;
    type MaxInlineInput = ConstU32<65_536>;
    // A 784-pixel image encodes to about 800 bytes; the chain hashes a proved
    // input with Poseidon, 31 bytes per field element.
    type MaxProofInput = ConstU32<4_096>;
    type MaxOffchainInput = MaxOffchainInput;
    type MaxInlineOutput = ConstU32<16_384>;
    type MaxOffchainOutput = MaxOffchainOutput;
    /// A minute to run the model (workers give inference half of it).
    type ExecutePeriod = ConstU32<{ MINUTES }>;
    /// Half a minute for each step after it: the verifiers already hold
    /// their outputs when the key is drawn, so committing, revealing and
    /// voting are a transaction each.
    type CheckPeriod = ConstU32<5>;
    type RevealPeriod = ConstU32<5>;
    type VotePeriod = ConstU32<5>;
    type MaxDeadline = ConstU32<{ HOURS }>;
    type MaxAttempts = ConstU32<3>;
    type MaxQueued = ConstU32<1_024>;
    /// A client keeps at most 64 jobs in flight; more accounts cost more deposits.
    type MaxOpenPerClient = ConstU32<64>;
    type MaxAssignmentsPerBlock = ConstU32<256>;
    type MaxHookWeight = TaskHookWeight;
    /// A week for auditors to read a settled task from state; events stay forever.
    type RetentionPeriod = ConstU32<{ 7 * DAYS }>;
    type TaskDeposit = TaskDeposit;
    type DepositPerByte = TaskDepositPerByte;
    type StakePerSeat = TaskStakePerSeat;
    type ExecutorShare = TaskExecutorShare;
    type ExecutorSlash = TaskExecutorSlash;
    type MinoritySlash = TaskMinoritySlash;
    type NoShowSlash = TaskNoShowSlash;
    type CalibrationPeriod = ConstU32<{ 10 * MINUTES }>;
    type WeightInfo = pallet_triad_tasks::weights::SubstrateWeight<Runtime>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use pallet_triad_tasks::WeightInfo as _;
    use polkadot_sdk::frame_support::{dispatch::DispatchClass, traits::Get};

    type W = pallet_triad_tasks::weights::SubstrateWeight<Runtime>;

    /// Tasks per block the throughput goal asks for.
    const GOAL: u64 = 200;

    /// One task from submission to pruning, with the benchmarked weights:
    /// eight signed extrinsics (submit with a 1 KiB input, the executor's
    /// commitment, three verifier commitments, the executor's reveal with
    /// the largest output it posts inline, two votes that do not settle and
    /// the settling vote at its worst, a rejection), and the hooks: a draw
    /// (the first of the block's draws on a model pays for reading all 256
    /// workers, the others share it), the key, four stale deadline entries,
    /// and pruning.
    fn lifecycle() -> (Weight, Weight) {
        let blocks = <Runtime as frame_system::Config>::BlockWeights::get();
        let base = blocks.get(DispatchClass::Normal).base_extrinsic;
        let calls = W::submit_task(1_024)
            .saturating_add(W::commit_answer())
            .saturating_add(W::commit_fingerprint().saturating_mul(3))
            .saturating_add(W::reveal_answer(16_384))
            .saturating_add(W::reveal_vote_unsettled().saturating_mul(2))
            .saturating_add(W::reveal_vote())
            .saturating_add(base.saturating_mul(9));
        let db = <Runtime as frame_system::Config>::DbWeight::get();
        let hooks = W::assign(0)
            .saturating_add(W::assign(256).saturating_sub(W::assign(0)) / GOAL)
            .saturating_add(W::draw_key())
            .saturating_add(db.reads_writes(8, 4))
            .saturating_add(W::prune_task());
        (calls, hooks)
    }

    #[test]
    fn a_six_second_block_settles_at_least_two_hundred_task_lifecycles() {
        let blocks = <Runtime as frame_system::Config>::BlockWeights::get();
        let normal = blocks.get(DispatchClass::Normal).max_total.expect("normal class is bounded").ref_time();
        let all = blocks.max_block.ref_time() - blocks.base_block.ref_time();
        let (calls, hooks) = lifecycle();
        let per_block = (normal / calls.ref_time()).min(all / (calls.ref_time() + hooks.ref_time()));
        println!(
            "one lifecycle: {} us of calls + {} us of hooks; {per_block} lifecycles per block",
            calls.ref_time() / 1_000_000,
            hooks.ref_time() / 1_000_000,
        );
        assert!(per_block >= GOAL, "{per_block} task lifecycles fit a block, the goal is {GOAL}");
    }

    /// The worst registry for `on_initialize`: 128 models, each listing the
    /// most workers a model can (256 probation-free sybils), a task queued on
    /// every one, and every deadline queue full. The hook stops at its
    /// budget whatever is waiting, so the mandatory weight of a block never
    /// exceeds a tenth of it; the draws not reached wait for the next block.
    #[test]
    fn on_initialize_stays_within_a_tenth_of_the_block_at_any_registry_size() {
        let budget = TaskHookWeight::get();
        let max_block = <Runtime as frame_system::Config>::BlockWeights::get().max_block;
        assert!(budget.all_lte(Perbill::from_percent(10) * max_block));
        let per_model = W::assign(<Runtime as pallet_triad_workers::Config>::MaxWorkersPerModel::get());
        let draws = (budget.ref_time() / per_model.ref_time()).min(budget.proof_size() / per_model.proof_size().max(1));
        let deadlines = budget.ref_time() / W::expire().ref_time();
        println!(
            "hook budget {} ms: {draws} draws of a full model or {deadlines} worst deadlines a block; \
             without the budget 128 full models would take {} ms",
            budget.ref_time() / 1_000_000_000,
            per_model.ref_time().saturating_mul(128) / 1_000_000_000,
        );
        assert!(draws >= 1 && deadlines >= 1, "a block makes progress on both");
        assert!(
            per_model.saturating_mul(128).ref_time() > budget.ref_time().saturating_mul(5),
            "the worst registry is far more than one budget: the budget is what bounds it"
        );
    }
}

impl pallet_triad_attestation::Config for Runtime {
    type Workers = Workers;
    type Time = Timestamp;
    /// The node's `tee_quotes` host function.
    type Verifier = pallet_triad_attestation::Dcap;
    /// A v4 TDX quote with its PCK certificate chain is about 5 KiB.
    type MaxQuoteLen = ConstU32<8_192>;
    /// Intel's collateral for one FMSPC is 10 to 25 KiB.
    type MaxCollateralLen = ConstU32<32_768>;
    /// Ten minutes to obtain a quote.
    type NonceLifetime = ConstU32<{ 10 * MINUTES }>;
    type WeightInfo = pallet_triad_attestation::weights::SubstrateWeight<Runtime>;
    #[cfg(feature = "runtime-benchmarks")]
    type BenchmarkHelper = BenchmarkClock;
}

/// Sets `pallet_timestamp`'s clock for the attestation benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchmarkClock;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_triad_attestation::BenchmarkHelper for BenchmarkClock {
    fn set_time(secs: u64) {
        polkadot_sdk::pallet_timestamp::Now::<Runtime>::put(secs * 1_000);
    }
}
