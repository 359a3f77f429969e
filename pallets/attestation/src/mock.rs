//! A test runtime with System, Timestamp and the attestation pallet. The
//! worker registry is a table of peer ids; quotes go through the real DCAP
//! verification, either as they are ([`crate::Dcap`]) or, for the tests of
//! what follows a verified quote, as [`crate::Recorded`] quotes.

use crate as pallet_triad_attestation;
use polkadot_sdk::{frame_support, frame_system, pallet_timestamp, sp_io, sp_runtime};

use core::cell::RefCell;
use frame_support::{derive_impl, traits::ConstU32};
use sp_runtime::BuildStorage;
use std::collections::BTreeMap;
use triad_tee::{TeeError, Verified};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Timestamp: pallet_timestamp,
        AttestationPallet: pallet_triad_attestation,
    }
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
    type Block = Block;
}

impl pallet_timestamp::Config for Test {
    type Moment = u64;
    type OnTimestampSet = ();
    type MinimumPeriod = frame_support::traits::ConstU64<1>;
    type WeightInfo = ();
}

/// 2025-06-20T00:00:00Z: inside the recorded collaterals' validity.
pub const PINNED: u64 = 1_750_377_600;

thread_local! {
    static PEERS: RefCell<BTreeMap<AccountId, Vec<u8>>> =
        RefCell::new(BTreeMap::from([(1, b"peer-1".to_vec()), (2, b"peer-2".to_vec())]));
    static RECORDED: RefCell<bool> = const { RefCell::new(false) };
}

/// Gives worker `who` another peer id.
pub fn set_peer(who: AccountId, peer_id: &[u8]) {
    PEERS.with(|p| p.borrow_mut().insert(who, peer_id.to_vec()));
}

/// Workers 1 and 2 have peer ids; 3 is not a worker.
pub struct Peers;
impl triad_primitives::WorkerPeers<AccountId> for Peers {
    fn peer_id(who: &AccountId) -> Option<Vec<u8>> {
        PEERS.with(|p| p.borrow().get(who).cloned())
    }
    #[cfg(feature = "runtime-benchmarks")]
    fn register_peer_for_benchmarks(who: &AccountId, peer_id: Vec<u8>) {
        PEERS.with(|p| p.borrow_mut().insert(*who, peer_id));
    }
}

/// Real verification; recorded quotes presented as fresh when
/// [`present_recorded`] says so.
pub struct Verifier;
impl crate::VerifyQuote for Verifier {
    fn verify(quote: &[u8], collateral: &[u8], now: u64, binding: &[u8; 64]) -> Result<Verified, TeeError> {
        if RECORDED.with(|r| *r.borrow()) {
            crate::Recorded::<PINNED>::verify(quote, collateral, now, binding)
        } else {
            crate::Dcap::verify(quote, collateral, now, binding)
        }
    }
}

/// From now on, quotes are verified as recorded quotes made for the caller.
pub fn present_recorded() {
    RECORDED.with(|r| *r.borrow_mut() = true);
}

#[cfg(feature = "runtime-benchmarks")]
pub struct Clock;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper for Clock {
    fn set_time(secs: u64) {
        pallet_timestamp::Now::<Test>::put(secs * 1_000);
    }
}

impl pallet_triad_attestation::Config for Test {
    type Workers = Peers;
    type Time = Timestamp;
    type Verifier = Verifier;
    type MaxQuoteLen = ConstU32<8_192>;
    type MaxCollateralLen = ConstU32<32_768>;
    type NonceLifetime = frame_support::traits::ConstU64<10>;
    type WeightInfo = ();
    #[cfg(feature = "runtime-benchmarks")]
    type BenchmarkHelper = Clock;
}

/// Block 1 at the pinned time.
pub fn new_test_ext() -> sp_io::TestExternalities {
    let storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
    let mut ext = sp_io::TestExternalities::new(storage);
    ext.execute_with(|| {
        System::set_block_number(1);
        pallet_timestamp::Now::<Test>::put(PINNED * 1_000);
    });
    ext
}

/// Runs `test`, then checks the pallet's invariants.
pub fn run(test: impl FnOnce()) {
    new_test_ext().execute_with(|| {
        test();
        AttestationPallet::do_try_state().unwrap();
    });
}

/// A recorded quote and its collateral (SCALE), from `tee/fixtures`.
pub fn recorded(tee: &str) -> (Vec<u8>, Vec<u8>) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tee/fixtures");
    let quote = std::fs::read(dir.join(format!("{tee}.quote"))).unwrap();
    let json = std::fs::read(dir.join(format!("{tee}.collateral.json"))).unwrap();
    (quote, triad_tee::collateral_from_json(&json).unwrap())
}
