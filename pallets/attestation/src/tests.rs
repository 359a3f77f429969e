use crate::{mock::*, *};
use polkadot_sdk::{frame_support::assert_noop, frame_support::assert_ok, frame_system, pallet_timestamp};

type Error = crate::Error<Test>;

fn origin(who: AccountId) -> RuntimeOrigin {
    RuntimeOrigin::signed(who)
}

fn last_event() -> RuntimeEvent {
    frame_system::Pallet::<Test>::events().pop().expect("an event").event
}

fn nonce_of(who: AccountId) -> [u8; 32] {
    assert_ok!(AttestationPallet::request_nonce(origin(who)));
    Nonces::<Test>::get(who).unwrap().value
}

fn posted(collateral: &[u8]) -> CollateralSource {
    CollateralSource::Posted(collateral.to_vec())
}

fn set_time(secs: u64) {
    pallet_timestamp::Now::<Test>::put(secs * 1_000);
}

/// The last event says `who` attested as `a` records.
fn assert_attested_event(who: AccountId, a: &Attestation) {
    let attested = Event::Attested { who, measurement: a.measurement, tcb_status: a.tcb_status, expires_at: a.expires_at };
    assert_eq!(last_event(), RuntimeEvent::AttestationPallet(attested));
}

/// Worker `who` attests with the recorded TDX quote, presented as its own.
fn attest_tdx(who: AccountId) {
    present_recorded();
    let (quote, collateral) = recorded("tdx");
    nonce_of(who);
    assert_ok!(AttestationPallet::attest(origin(who), quote, posted(&collateral)));
}

const SGX_FMSPC: Fmspc = [0x00, 0xA0, 0x67, 0x11, 0x00, 0x00];

#[test]
fn a_worker_gets_a_fresh_nonce() {
    run(|| {
        let first = nonce_of(1);
        assert_eq!(last_event(), RuntimeEvent::AttestationPallet(Event::NonceIssued { who: 1, nonce: first, until: 11 }));
        let second = nonce_of(1);
        assert_ne!(first, second, "each request issues a new nonce");
        assert_eq!(Nonces::<Test>::get(1).unwrap().value, second, "and replaces the old one");
        assert_ne!(nonce_of(2), second, "nonces differ between workers");
        assert_noop!(AttestationPallet::request_nonce(origin(3)), Error::NoPeerId);
    });
}

#[test]
fn attesting_needs_a_live_nonce() {
    run(|| {
        let (quote, collateral) = recorded("sgx");
        assert_noop!(AttestationPallet::attest(origin(1), quote.clone(), posted(&collateral)), Error::NoNonce);
        assert_noop!(AttestationPallet::attest(origin(3), quote.clone(), posted(&collateral)), Error::NoPeerId);
        nonce_of(1);
        frame_system::Pallet::<Test>::set_block_number(12);
        assert_noop!(AttestationPallet::attest(origin(1), quote, posted(&collateral)), Error::NonceExpired);
    });
}

#[test]
fn a_genuine_quote_made_for_someone_else_is_refused() {
    run(|| {
        // The recorded quotes verify in full; their report data is not this
        // worker's binding, as for any quote lent by another account.
        for tee in ["sgx", "tdx"] {
            let (quote, collateral) = recorded(tee);
            nonce_of(1);
            assert_noop!(AttestationPallet::attest(origin(1), quote, posted(&collateral)), Error::NotBoundToCaller);
        }
        assert!(Attestations::<Test>::get(1).is_none() && Collaterals::<Test>::iter().next().is_none());
        assert!(Nonces::<Test>::get(1).is_some(), "a refused quote does not use up the nonce");
    });
}

#[test]
fn tampered_expired_or_malformed_input_is_refused() {
    run(|| {
        let (quote, collateral) = recorded("sgx");
        nonce_of(1);
        let mut flipped = quote.clone();
        flipped[48 + 64] ^= 1; // MRENCLAVE
        assert_noop!(AttestationPallet::attest(origin(1), flipped, posted(&collateral)), Error::QuoteInvalid);
        let mut sig = quote.clone();
        sig[48 + 384 + 4 + 10] ^= 1; // the quote's ECDSA signature
        assert_noop!(AttestationPallet::attest(origin(1), sig, posted(&collateral)), Error::QuoteInvalid);
        let mut bad_collateral = collateral.clone();
        let at = bad_collateral.len() / 2;
        bad_collateral[at] ^= 1;
        assert!(AttestationPallet::attest(origin(1), quote.clone(), posted(&bad_collateral)).is_err());
        assert_noop!(AttestationPallet::attest(origin(1), quote.clone(), posted(&[1, 2, 3])), Error::CollateralMalformed);
        assert_noop!(AttestationPallet::attest(origin(1), quote[..200].to_vec(), posted(&collateral)), Error::QuoteMalformed);
        let mut other_tee = quote.clone();
        other_tee[4] = 0x42;
        assert_noop!(AttestationPallet::attest(origin(1), other_tee, posted(&collateral)), Error::UnsupportedTee);
        assert_noop!(AttestationPallet::attest(origin(1), vec![0; 8_193], posted(&collateral)), Error::QuoteTooLong);
        assert_noop!(AttestationPallet::attest(origin(1), quote.clone(), posted(&[0; 32_769])), Error::CollateralTooLong);
        assert_noop!(
            AttestationPallet::attest(origin(1), quote.clone(), CollateralSource::Stored(SGX_FMSPC)),
            Error::CollateralUnknown
        );
        // 2026-12-04: every piece of the recorded collateral has expired.
        set_time(1_796_342_400);
        assert_noop!(AttestationPallet::attest(origin(1), quote, posted(&collateral)), Error::CollateralExpired);
    });
}

#[test]
fn a_verified_quote_bound_to_the_caller_is_recorded_with_its_collateral() {
    run(|| {
        present_recorded();
        let (quote, collateral) = recorded("sgx");
        nonce_of(1);
        assert_ok!(AttestationPallet::attest(origin(1), quote.clone(), posted(&collateral)));
        let a = Attestations::<Test>::get(1).unwrap();
        assert_eq!(a.measurement.kind(), TeeKind::Sgx);
        assert_eq!(a.tcb_status, TcbStatus::ConfigurationAndSwHardeningNeeded);
        assert_eq!(a.fmspc, SGX_FMSPC);
        assert_eq!((a.attested_at, a.expires_at), (PINNED, PINNED + triad_tee::MAX_ATTESTATION_SECS));
        assert_attested_event(1, &a);
        let kept = Collaterals::<Test>::get(TeeKind::Sgx, SGX_FMSPC).expect("the collateral is kept");
        assert_eq!((kept.bytes.to_vec(), kept.posted_by), (collateral.clone(), 1));
        assert!(frame_system::Pallet::<Test>::events().iter().any(|e| matches!(
            e.event,
            RuntimeEvent::AttestationPallet(Event::CollateralStored { tee: TeeKind::Sgx, fmspc: SGX_FMSPC, posted_by: 1, .. })
        )));
        // The nonce served once: the same quote again has none to bind.
        assert_eq!(Nonces::<Test>::get(1), None);
        assert_noop!(AttestationPallet::attest(origin(1), quote.clone(), posted(&collateral)), Error::NoNonce);

        // Worker 2 uses the kept collateral instead of posting it.
        frame_system::Pallet::<Test>::reset_events();
        nonce_of(2);
        assert_ok!(AttestationPallet::attest(origin(2), quote, CollateralSource::Stored(SGX_FMSPC)));
        assert!(Attestations::<Test>::get(2).is_some());
        assert!(!frame_system::Pallet::<Test>::events()
            .iter()
            .any(|e| matches!(e.event, RuntimeEvent::AttestationPallet(Event::CollateralStored { .. }))));
    });
}

#[test]
fn kept_collateral_must_match_the_quote() {
    run(|| {
        present_recorded();
        let (sgx_quote, sgx_collateral) = recorded("sgx");
        let (tdx_quote, tdx_collateral) = recorded("tdx");
        nonce_of(1);
        assert_ok!(AttestationPallet::attest(origin(1), sgx_quote, posted(&sgx_collateral)));
        nonce_of(2);
        // Kept for SGX, not for TDX under that FMSPC.
        assert_noop!(
            AttestationPallet::attest(origin(2), tdx_quote.clone(), CollateralSource::Stored(SGX_FMSPC)),
            Error::CollateralUnknown
        );
        // SGX collateral posted with a TDX quote.
        assert!(AttestationPallet::attest(origin(2), tdx_quote.clone(), posted(&sgx_collateral)).is_err());
        assert_ok!(AttestationPallet::attest(origin(2), tdx_quote, posted(&tdx_collateral)));
        let a = Attestations::<Test>::get(2).unwrap();
        assert!(matches!(a.measurement, Measurement::MrTd(_)));
        assert_eq!(a.tcb_status, TcbStatus::UpToDate);
    });
}

#[test]
fn an_attestation_counts_for_a_day() {
    run(|| {
        attest_tdx(1);
        assert!(AttestationPallet::valid_attestation(&1).is_some());
        set_time(PINNED + triad_tee::MAX_ATTESTATION_SECS - 1);
        assert!(AttestationPallet::valid_attestation(&1).is_some());
        set_time(PINNED + triad_tee::MAX_ATTESTATION_SECS);
        assert!(AttestationPallet::valid_attestation(&1).is_none(), "expired after a day");
        assert!(Attestations::<Test>::get(1).is_some(), "the record stays for auditors");
    });
}

#[test]
fn expired_collateral_can_be_removed_by_anyone() {
    run(|| {
        present_recorded();
        let (quote, collateral) = recorded("sgx");
        nonce_of(1);
        assert_ok!(AttestationPallet::attest(origin(1), quote, posted(&collateral)));
        let expires = Collaterals::<Test>::get(TeeKind::Sgx, SGX_FMSPC).unwrap().expires;
        assert_noop!(
            AttestationPallet::remove_expired_collateral(origin(3), TeeKind::Sgx, SGX_FMSPC),
            Error::CollateralNotExpired
        );
        set_time(expires);
        assert_ok!(AttestationPallet::remove_expired_collateral(origin(3), TeeKind::Sgx, SGX_FMSPC));
        assert_eq!(
            last_event(),
            RuntimeEvent::AttestationPallet(Event::CollateralRemoved { tee: TeeKind::Sgx, fmspc: SGX_FMSPC })
        );
        assert!(Collaterals::<Test>::get(TeeKind::Sgx, SGX_FMSPC).is_none());
        assert_noop!(AttestationPallet::remove_expired_collateral(origin(3), TeeKind::Sgx, SGX_FMSPC), Error::CollateralUnknown);
    });
}

#[test]
fn the_quote_header_names_the_tee() {
    let (sgx, _) = recorded("sgx");
    let (tdx, _) = recorded("tdx");
    assert_eq!(quote_tee(&sgx), Some(TeeKind::Sgx));
    assert_eq!(quote_tee(&tdx), Some(TeeKind::Tdx));
    assert_eq!(quote_tee(&[0; 7]), None);
}

#[test]
fn an_attestation_stops_counting_when_the_peer_id_changes() {
    use triad_primitives::Attestations as _;
    run(|| {
        attest_tdx(1);
        let seat = AttestationPallet::valid(&1).expect("counts for the draw");
        assert!(matches!(seat.measurement, Measurement::MrTd(_)));
        assert_eq!((seat.expires_at, seat.checked_at), (PINNED + triad_tee::MAX_ATTESTATION_SECS, PINNED));
        // The quote bound peer-1; a worker serving from another peer is not
        // what the TEE vouched for.
        set_peer(1, b"peer-elsewhere");
        assert!(AttestationPallet::valid_attestation(&1).is_none());
        assert!(AttestationPallet::valid(&1).is_none());
        set_peer(1, b"peer-1");
        assert!(AttestationPallet::valid(&1).is_some());
    });
}

/// The test-only path: a recorded quote verified in full at its recording
/// time, binding nothing, so only test runtimes have it.
#[cfg(feature = "recorded-quotes")]
#[test]
fn a_recorded_quote_attests_on_a_test_runtime_only_when_genuine() {
    run(|| {
        let now = PINNED + 200 * 86_400;
        set_time(now);
        let (quote, collateral) = recorded("tdx");
        let attest =
            |who, quote: &[u8], at| AttestationPallet::attest_recorded(origin(who), quote.to_vec(), collateral.clone(), at);
        assert_noop!(attest(3, &quote, PINNED), Error::NoPeerId);
        assert_noop!(attest(1, &quote, now + 1), Error::CollateralExpired);
        assert_noop!(attest(1, &quote, now), Error::CollateralExpired);
        let mut flipped = quote.clone();
        flipped[200] ^= 1;
        assert_noop!(attest(1, &flipped, PINNED), Error::QuoteInvalid);
        assert_ok!(attest(1, &quote, PINNED));
        let a = Attestations::<Test>::get(1).unwrap();
        assert_eq!((a.attested_at, a.expires_at), (now, now + triad_tee::MAX_ATTESTATION_SECS));
        assert_eq!(a.tcb_status, TcbStatus::UpToDate);
        assert_attested_event(1, &a);
        assert!(AttestationPallet::valid_attestation(&1).is_some());
        assert!(Nonces::<Test>::get(1).is_none() && Collaterals::<Test>::iter().count() == 0, "nothing else is kept");
    });
}
