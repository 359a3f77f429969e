//! A test runtime with the real worker registry and reputation pallets, so
//! holds, slashes and scores are the ones the chain uses. The model registry
//! is a small table: the task pallet only sees it through `ModelRegistry`.

use crate as pallet_triad_tasks;
use crate::*;
use polkadot_sdk::{frame_support, frame_system, pallet_balances, sp_io, sp_runtime};

use core::cell::RefCell;
use frame_support::{
    assert_ok, derive_impl, parameter_types,
    traits::{ConstU32, ConstU64, Hooks, Randomness},
};
use sp_runtime::{BuildStorage, Perbill};
use std::collections::BTreeMap;
use triad_primitives::{
    Fingerprint, LshParams, Measurement, ModelId, ModelRegistry, Roles, TcbStatus, TeePolicy, VerificationModes, WireError,
    FINGERPRINT_BYTES,
};
use triad_verifier::{
    wire::{self, NamedTensor, Spec},
    DType, TensorData,
};

type Block = frame_system::mocking::MockBlock<Test>;
pub type Balance = u64;
pub type AccountId = u64;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Balances: pallet_balances,
        Workers: pallet_triad_workers,
        Reputation: pallet_triad_reputation,
        TriadTasks: pallet_triad_tasks,
    }
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
    type Block = Block;
    type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
    type AccountStore = System;
    type Balance = Balance;
    type RuntimeHoldReason = RuntimeHoldReason;
}

pub const MODEL: ModelId = 0;
/// Allows proofs, but its owner registered no key.
pub const GROTH_ONLY: ModelId = 1;
/// The digits MLP of `zk/fixtures`, with a real Groth16 key: 64 pixels in,
/// 10 logits out.
pub const PROVED: ModelId = 2;
/// What a proved job on `PROVED` costs.
pub const PROOF_PRICE: Balance = 120;
pub const DEPRECATED: ModelId = 9;
/// Allows TEE mode (and LSH), with the policy [`set_tee_policy`] sets.
pub const TEE_MODEL: ModelId = 3;
pub const PRICE: Balance = 100;

pub fn params() -> LshParams {
    LshParams::projection(7)
}

/// A fingerprint under the test model's parameters whose first `flips` bits
/// are set: fingerprints `a` and `b` agree when they differ in at most
/// `params().tolerance` bits.
pub fn fp(flips: usize) -> Fingerprint {
    let p = params();
    let mut bits = [0u8; FINGERPRINT_BYTES];
    for i in 0..flips {
        bits[i / 8] |= 1 << (i % 8);
    }
    Fingerprint { family: p.family, version: p.version, bits, decision: [0; 32] }
}

thread_local! {
    static ACTIVE: RefCell<BTreeMap<ModelId, bool>> =
        RefCell::new(BTreeMap::from([(MODEL, true), (GROTH_ONLY, true), (PROVED, true), (TEE_MODEL, true), (DEPRECATED, false)]));
    static NO_RANDOMNESS: RefCell<bool> = const { RefCell::new(false) };
    static TEE_POLICY: RefCell<Option<TeePolicy>> = const { RefCell::new(None) };
    static ATTESTED: RefCell<BTreeMap<AccountId, (Measurement, TcbStatus, u64)>> = const { RefCell::new(BTreeMap::new()) };
    static NOW_SECS: RefCell<u64> = const { RefCell::new(1_000_000) };
}

/// Sets [`TEE_MODEL`]'s policy, or removes it.
pub fn set_tee_policy(policy: Option<TeePolicy>) {
    TEE_POLICY.with(|p| *p.borrow_mut() = policy);
}

/// Records `who` as attested to run `measurement` on a platform in
/// `status`, until `expires_at` (Unix seconds; the mock's clock starts at
/// 1,000,000).
pub fn attest(who: AccountId, measurement: Measurement, status: TcbStatus, expires_at: u64) {
    ATTESTED.with(|a| a.borrow_mut().insert(who, (measurement, status, expires_at)));
}

/// Moves the mock's clock to `secs`.
pub fn set_time(secs: u64) {
    NOW_SECS.with(|n| *n.borrow_mut() = secs);
}

/// Reads attestations from [`attest`], against the clock of [`set_time`].
pub struct TestAttestations;
impl Attestations<AccountId> for TestAttestations {
    fn valid(who: &AccountId) -> Option<SeatAttestation> {
        let now = NOW_SECS.with(|n| *n.borrow());
        let (measurement, tcb_status, expires_at) = ATTESTED.with(|a| a.borrow().get(who).copied())?;
        (now < expires_at).then_some(SeatAttestation { measurement, tcb_status, expires_at, checked_at: now })
    }
    #[cfg(feature = "runtime-benchmarks")]
    fn attest_for_benchmarks(who: &AccountId, measurement: Measurement) {
        let now = NOW_SECS.with(|n| *n.borrow());
        attest(*who, measurement, TcbStatus::UpToDate, now + 86_400);
    }
}

pub struct TestModels;
impl ModelRegistry<Balance> for TestModels {
    fn exists(model: ModelId) -> bool {
        ACTIVE.with(|m| m.borrow().contains_key(&model))
    }
    fn is_active(model: ModelId) -> bool {
        ACTIVE.with(|m| m.borrow().get(&model).copied().unwrap_or(false))
    }
    fn lsh_params(model: ModelId) -> Option<LshParams> {
        Self::exists(model).then(params)
    }
    fn modes(model: ModelId) -> Option<VerificationModes> {
        Self::exists(model).then(|| VerificationModes {
            lsh_majority: model != GROTH_ONLY,
            groth16: match model {
                GROTH_ONLY => Some([1; 32]),
                PROVED => Some(triad_zk_verify::vk_hash(&zk::digits().keys.verifying)),
                _ => None,
            },
            tee: model == TEE_MODEL,
        })
    }
    fn price_floor(model: ModelId) -> Option<Balance> {
        Self::exists(model).then_some(PRICE)
    }
    fn calibration_cases(model: ModelId) -> u32 {
        // The models benchmarks register have a calibration set too.
        if model == MODEL || model >= 1_000 {
            2
        } else {
            0
        }
    }
    fn calibration_expected(model: ModelId, index: u32) -> Option<Fingerprint> {
        (index < Self::calibration_cases(model)).then(|| fp(100 + index as usize))
    }
    fn check_input(model: ModelId, input: &[u8]) -> Result<(), WireError> {
        match model {
            _ if !Self::exists(model) => Err(WireError::Malformed),
            PROVED => wire::fit(&[Spec { name: "pixels", dtype: DType::U8, shape: &[1, 64] }], input).map(|_| ()),
            _ => wire::fit(&[Spec { name: "x", dtype: DType::F32, shape: &[-1, 4] }], input).map(|_| ()),
        }
    }
    fn check_output(model: ModelId, output: &[u8]) -> Result<(), WireError> {
        match model {
            PROVED => wire::fit(&[Spec { name: "logits", dtype: DType::I64, shape: &[1, 10] }], output).map(|_| ()),
            _ => wire::fit(&[Spec { name: "y", dtype: DType::F32, shape: &[-1, 4] }], output).map(|_| ()),
        }
    }
    fn tee_policy(model: ModelId) -> Option<TeePolicy> {
        (model == TEE_MODEL).then(|| TEE_POLICY.with(|p| p.borrow().clone())).flatten()
    }
    fn proof_key(model: ModelId) -> Option<triad_primitives::ProofKey<Balance>> {
        (model == PROVED).then(|| {
            let digits = zk::digits();
            triad_primitives::ProofKey {
                verifying_key: digits.keys.verifying.clone(),
                output_count: digits.model.spec.count,
                output_bits: digits.model.spec.bits,
                price: PROOF_PRICE,
            }
        })
    }
    #[cfg(feature = "runtime-benchmarks")]
    fn register_provable_for_benchmarks(_input_bytes: u32) -> (ModelId, u32, u32) {
        (PROVED, 64, 10)
    }
    #[cfg(feature = "runtime-benchmarks")]
    fn register_for_benchmarks(index: u32) -> ModelId {
        let id = 1_000 + index;
        ACTIVE.with(|m| m.borrow_mut().insert(id, true));
        id
    }
}

/// The current block's randomness, or none when a test turns it off (as a
/// block authored in a secondary plain slot would have).
pub struct TestRandomness;
impl Randomness<Option<sp_core::H256>, u64> for TestRandomness {
    fn random(subject: &[u8]) -> (Option<sp_core::H256>, u64) {
        let now = System::block_number();
        if NO_RANDOMNESS.with(|r| *r.borrow()) {
            return (None, now);
        }
        let seed = sp_io::hashing::blake2_256(&codec::Encode::encode(&(subject, now)));
        (Some(seed.into()), now)
    }
}

/// Registers another active model (with the test model's schema).
pub fn add_model(model: ModelId) {
    ACTIVE.with(|m| m.borrow_mut().insert(model, true));
}

pub fn set_randomness(available: bool) {
    NO_RANDOMNESS.with(|r| *r.borrow_mut() = !available);
}

use polkadot_sdk::sp_core;

/// Wire bytes of one `[rows, 4]` input of the test model.
pub fn input_of(rows: usize, data: Vec<f32>) -> Vec<u8> {
    wire::encode(&[NamedTensor { name: "x".into(), tensor: TensorData::f32(vec![rows, 4], data) }])
}

/// Wire bytes of an output `[1, 4]` of the test model.
pub fn output_of(data: [f32; 4]) -> Vec<u8> {
    wire::encode(&[NamedTensor { name: "y".into(), tensor: TensorData::f32(vec![1, 4], data.to_vec()) }])
}

pub const TREASURY: AccountId = 99;

parameter_types! {
    pub const MinStake: Balance = 100;
    pub storage SlashDestination: Option<AccountId> = Some(TREASURY);
    pub const Retention: Perbill = Perbill::from_percent(50);
    pub const ExecutorShare: Perbill = Perbill::from_percent(40);
    pub const ExecutorSlash: Perbill = Perbill::from_percent(50);
    pub const MinoritySlash: Perbill = Perbill::from_percent(10);
    pub const NoShowSlash: Perbill = Perbill::from_percent(5);
    /// Free storage bytes unless a test prices them.
    pub storage DepositPerByte: Balance = 0;
}

impl pallet_triad_workers::Config for Test {
    type Currency = Balances;
    type RuntimeHoldReason = RuntimeHoldReason;
    type Models = TestModels;
    type MinStake = MinStake;
    type UnbondingPeriod = ConstU64<10>;
    type CalibrationsRequired = ConstU32<2>;
    type ActivationDelay = ConstU64<2>;
    type SlashDestination = SlashDestination;
    type MaxModelsPerWorker = ConstU32<3>;
    type MaxWorkersPerModel = ConstU32<16>;
    type MaxPeerIdLen = ConstU32<38>;
    type MaxAddrLen = ConstU32<64>;
    type MaxUnbondingChunks = ConstU32<2>;
    type WeightInfo = ();
}

impl pallet_triad_reputation::Config for Test {
    type Balance = Balance;
    type PriorAlpha = ConstU64<2_000>;
    type PriorBeta = ConstU64<2_000>;
    type AgreeWeight = ConstU64<1_000>;
    type MinorityWeight = ConstU64<10_000>;
    type NoShowWeight = ConstU64<3_000>;
    type DecayPeriod = ConstU64<1_000>;
    type Retention = Retention;
    type StakeCap = ConstU64<10_000>;
    type WeightInfo = ();
}

/// Every phase of an attempt lasts three blocks in the mock.
pub const PERIOD: u64 = 3;
pub const RETENTION: u64 = 10;
pub const SEAT_STAKE: Balance = 10;
pub const TASK_DEPOSIT: Balance = 5;
pub const MAX_OPEN: u32 = 12;

parameter_types! {
    /// Room for three draws of a full model list and eight deadlines.
    pub HookWeight: frame_support::weights::Weight = {
        use crate::weights::WeightInfo;
        <() as WeightInfo>::assign(16).saturating_mul(3).saturating_add(<() as WeightInfo>::expire().saturating_mul(8))
    };
}

impl pallet_triad_tasks::Config for Test {
    type Currency = Balances;
    type RuntimeHoldReason = RuntimeHoldReason;
    type Models = TestModels;
    type Workers = Workers;
    type Reputation = Reputation;
    type Attestations = TestAttestations;
    type Randomness = TestRandomness;
    type MaxInlineInput = ConstU32<128>;
    type MaxProofInput = ConstU32<96>;
    type MaxOffchainInput = ConstU64<1_000_000>;
    type MaxInlineOutput = ConstU32<256>;
    type MaxOffchainOutput = ConstU64<100_000>;
    type ExecutePeriod = ConstU64<PERIOD>;
    type CheckPeriod = ConstU64<PERIOD>;
    type RevealPeriod = ConstU64<PERIOD>;
    type VotePeriod = ConstU64<PERIOD>;
    type MaxDeadline = ConstU64<200>;
    type MaxAttempts = ConstU32<3>;
    type MaxQueued = ConstU32<16>;
    type MaxOpenPerClient = ConstU32<MAX_OPEN>;
    type MaxAssignmentsPerBlock = ConstU32<8>;
    type MaxHookWeight = HookWeight;
    type RetentionPeriod = ConstU64<RETENTION>;
    type TaskDeposit = ConstU64<TASK_DEPOSIT>;
    type DepositPerByte = DepositPerByte;
    type StakePerSeat = ConstU64<SEAT_STAKE>;
    type ExecutorShare = ExecutorShare;
    type ExecutorSlash = ExecutorSlash;
    type MinoritySlash = MinoritySlash;
    type NoShowSlash = NoShowSlash;
    type CalibrationPeriod = ConstU64<5>;
    type WeightInfo = ();
}

pub const CLIENT: AccountId = 1;
/// Workers 10..=15 serve `MODEL`, bonded `BOND` each.
pub const WORKERS: [AccountId; 6] = [10, 11, 12, 13, 14, 15];
pub const BOND: Balance = 1_000;
pub const START: Balance = 10_000;

pub fn new_test_ext() -> sp_io::TestExternalities {
    let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
    let mut balances = vec![(CLIENT, START), (2, START), (3, START), (TREASURY, 1)];
    balances.extend(WORKERS.iter().map(|w| (*w, START)));
    balances.push((20, START));
    pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }.assimilate_storage(&mut storage).unwrap();
    let mut ext = sp_io::TestExternalities::new(storage);
    ext.execute_with(|| {
        System::set_block_number(1);
        set_randomness(true);
    });
    ext
}

/// Registers `who` as a qualified executor and verifier of `MODEL` and `PROVED`.
pub fn worker(who: AccountId) {
    let both = Roles { executor: true, verifier: true };
    assert_ok!(Workers::register_worker(RuntimeOrigin::signed(who), both, vec![MODEL, PROVED, TEE_MODEL], None, None, BOND));
    let qualified = pallet_triad_workers::Probation { passed: 2, failed: 0, qualified_at: Some(0) };
    pallet_triad_workers::Calibrations::<Test>::insert(who, MODEL, qualified);
    pallet_triad_workers::Calibrations::<Test>::insert(who, PROVED, qualified);
    pallet_triad_workers::Calibrations::<Test>::insert(who, TEE_MODEL, qualified);
}

/// Runs a test with `n` qualified workers, registered long enough ago for
/// the draw to see them, checking every pallet's invariants at the end.
pub fn test_with(n: usize, f: impl FnOnce()) {
    new_test_ext().execute_with(|| {
        WORKERS[..n].iter().for_each(|w| worker(*w));
        run_to(3);
        System::reset_events();
        f();
        check();
    });
}

pub fn check() {
    TriadTasks::do_try_state().expect("task invariants hold");
    Workers::do_try_state().expect("worker invariants hold");
    Reputation::do_try_state().expect("reputation invariants hold");
}

/// Ends the current block and runs the next one's `on_initialize`, checking
/// invariants in between, as `try-runtime` would after each block.
pub fn next_block() {
    let n = System::block_number();
    TriadTasks::on_idle(n, frame_support::weights::Weight::MAX);
    check();
    System::set_block_number(n + 1);
    TriadTasks::on_initialize(n + 1);
}

pub fn run_to(n: u64) {
    while System::block_number() < n {
        next_block();
    }
}

pub fn events() -> Vec<Event<Test>> {
    System::events().into_iter().filter_map(|r| if let RuntimeEvent::TriadTasks(e) = r.event { Some(e) } else { None }).collect()
}

/// The real circuits behind `PROVED`: set up once per test binary, from a
/// seeded generator so every run uses the same keys.
pub mod zk {
    use rand::{rngs::StdRng, SeedableRng};
    use std::sync::OnceLock;
    use triad_zk::{Compiled, Keys};

    pub struct Circuit {
        pub model: Compiled,
        pub keys: Keys,
    }

    fn load(file: &str, seed: u64) -> Circuit {
        let bytes = std::fs::read(format!("{}/../../zk/fixtures/{file}", env!("CARGO_MANIFEST_DIR"))).expect("fixture");
        let model = Compiled::from_onnx(&bytes).expect("the fixture compiles");
        let keys = model.setup(&mut StdRng::seed_from_u64(seed)).expect("setup");
        Circuit { model, keys }
    }

    /// The digits MLP: `PROVED`'s circuit and keys.
    pub fn digits() -> &'static Circuit {
        static C: OnceLock<Circuit> = OnceLock::new();
        C.get_or_init(|| load("digits_mlp.onnx", 1))
    }

    /// The digits CNN: another model with the same input and output shapes.
    pub fn other() -> &'static Circuit {
        static C: OnceLock<Circuit> = OnceLock::new();
        C.get_or_init(|| load("digits_cnn.onnx", 2))
    }
}
