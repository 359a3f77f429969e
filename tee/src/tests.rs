use crate::*;

/// 2025-06-20T00:00:00Z: inside both recorded collaterals' validity.
const PINNED: u64 = 1_750_377_600;
/// 2026-12-04: after it.
const LATER: u64 = 1_796_342_400;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)).unwrap()
}

fn sgx() -> (Vec<u8>, Vec<u8>) {
    (fixture("sgx.quote"), collateral_from_json(&fixture("sgx.collateral.json")).unwrap())
}

fn tdx() -> (Vec<u8>, Vec<u8>) {
    (fixture("tdx.quote"), collateral_from_json(&fixture("tdx.collateral.json")).unwrap())
}

fn hex32(s: &str) -> [u8; 32] {
    let v: Vec<u8> = (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect();
    v.try_into().unwrap()
}

#[test]
fn a_recorded_sgx_quote_verifies() {
    let (quote, collateral) = sgx();
    let v = verify(&quote, &collateral, PINNED).unwrap();
    assert_eq!(v.measurement, Measurement::MrEnclave(hex32("33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb")));
    assert_eq!(v.measurement.kind(), TeeKind::Sgx);
    assert_eq!(v.tcb_status, TcbStatus::ConfigurationAndSwHardeningNeeded);
    assert_eq!(v.fmspc, [0x00, 0xA0, 0x67, 0x11, 0x00, 0x00]);
    assert!(v.report_data.starts_with(b"Hello, world!"));
    // The TCB info's nextUpdate, 2025-07-19T10:56:11Z, is the weakest link.
    assert!(v.collateral_expires > PINNED && v.collateral_expires <= 1_752_922_571, "{}", v.collateral_expires);
}

#[test]
fn a_recorded_tdx_quote_verifies() {
    let (quote, collateral) = tdx();
    let v = verify(&quote, &collateral, PINNED).unwrap();
    let Measurement::MrTd(mr_td) = v.measurement else { panic!("a TDX quote gives an MRTD") };
    assert_eq!(mr_td[..4], [0x91, 0xeb, 0x2b, 0x44]);
    assert_eq!(v.tcb_status, TcbStatus::UpToDate);
    assert_eq!(v.fmspc, [0xB0, 0xC0, 0x6F, 0x00, 0x00, 0x00]);
}

/// Flips one byte at each offset in `at` and expects the quote refused.
fn refused_with_flip(quote: &[u8], collateral: &[u8], at: &[usize]) {
    for &i in at {
        let mut q = quote.to_vec();
        q[i] ^= 0x01;
        let r = verify(&q, collateral, PINNED);
        assert!(
            matches!(r, Err(TeeError::Invalid) | Err(TeeError::QuoteMalformed)),
            "a flipped byte at {i} of {} was accepted: {r:?}",
            q.len()
        );
    }
}

#[test]
fn a_flipped_byte_in_the_quote_is_refused() {
    let (quote, collateral) = sgx();
    // The header's QE vendor id, the report's MRENCLAVE and report data.
    refused_with_flip(&quote, &collateral, &[12, 48 + 64, 48 + 320]);
    let (quote, collateral) = tdx();
    // The TD report's MRTD.
    refused_with_flip(&quote, &collateral, &[48 + 136]);
}

#[test]
fn a_flipped_byte_in_the_signature_is_refused() {
    let (quote, collateral) = sgx();
    // The quote's ECDSA signature follows the 48-byte header, the 384-byte
    // report and the 4-byte length of the signature data.
    let sig = 48 + 384 + 4;
    refused_with_flip(&quote, &collateral, &[sig, sig + 40, sig + 64 + 10]);
}

#[test]
fn a_flipped_byte_in_the_collateral_is_refused() {
    let quote = fixture("sgx.quote");
    let json: serde_json::Value = serde_json::from_slice(&fixture("sgx.collateral.json")).unwrap();
    let tamper = |field: &str, edit: &dyn Fn(&str) -> String| {
        let mut j = json.clone();
        let s = j[field].as_str().unwrap().to_string();
        j[field] = serde_json::Value::String(edit(&s));
        collateral_from_json(&serde_json::to_vec(&j).unwrap()).unwrap()
    };
    // TCB info claims one evaluation number more than Intel signed.
    let tcb = tamper("tcb_info", &|s| s.replacen("\"tcbEvaluationDataNumber\":17", "\"tcbEvaluationDataNumber\":18", 1));
    assert_eq!(verify(&quote, &tcb, PINNED), Err(TeeError::Invalid));
    // The QE identity's signature, hex, one nibble off.
    let sig = tamper("qe_identity_signature", &|s| {
        let mut c: Vec<char> = s.chars().collect();
        c[3] = if c[3] == '0' { '1' } else { '0' };
        c.into_iter().collect()
    });
    assert!(matches!(verify(&quote, &sig, PINNED), Err(TeeError::Invalid) | Err(TeeError::CollateralMalformed)));
}

#[test]
fn expired_or_not_yet_valid_collateral_is_refused() {
    let (quote, collateral) = sgx();
    assert_eq!(verify(&quote, &collateral, LATER), Err(TeeError::CollateralExpired));
    let (quote, collateral) = tdx();
    assert_eq!(verify(&quote, &collateral, LATER), Err(TeeError::CollateralExpired));
    // 2020: before the collateral was issued.
    assert_eq!(verify(&quote, &collateral, 1_580_000_000), Err(TeeError::CollateralExpired));
}

#[test]
fn collateral_of_another_platform_is_refused() {
    let (sgx_quote, sgx_collateral) = sgx();
    let (tdx_quote, tdx_collateral) = tdx();
    assert!(verify(&sgx_quote, &tdx_collateral, PINNED).is_err());
    assert!(verify(&tdx_quote, &sgx_collateral, PINNED).is_err());
}

#[test]
fn garbage_is_malformed() {
    let (quote, collateral) = sgx();
    assert_eq!(verify(&[0u8; 16], &collateral, PINNED), Err(TeeError::QuoteMalformed));
    assert_eq!(verify(&quote[..100], &collateral, PINNED), Err(TeeError::QuoteMalformed));
    assert_eq!(verify(&quote, &[1, 2, 3], PINNED), Err(TeeError::CollateralMalformed));
    assert_eq!(collateral_from_json(b"{\"tcb_info\": 1}"), Err(TeeError::CollateralMalformed));
}

#[test]
fn report_data_binds_account_peer_and_nonce() {
    let base = report_data(b"alice", b"peer", &[7; 32]);
    assert_eq!(base, report_data(b"alice", b"peer", &[7; 32]), "deterministic");
    assert_ne!(base, report_data(b"bob", b"peer", &[7; 32]), "another account");
    assert_ne!(base, report_data(b"alice", b"other", &[7; 32]), "another peer");
    assert_ne!(base, report_data(b"alice", b"peer", &[8; 32]), "another nonce");
    // Length prefixes: moving a byte from one field to the next changes it.
    assert_ne!(report_data(b"alicep", b"eer", &[7; 32]), base);
}

#[test]
fn an_attestation_lasts_a_day_or_until_its_collateral_expires() {
    assert_eq!(expires_at(1_000, u64::MAX), 1_000 + MAX_ATTESTATION_SECS);
    assert_eq!(expires_at(1_000, 5_000), 5_000);
    assert_eq!(expires_at(u64::MAX - 1, u64::MAX), u64::MAX);
}

#[test]
fn tcb_policy() {
    let d = TcbStatuses::default();
    assert!(d.allows(TcbStatus::UpToDate) && d.allows(TcbStatus::SwHardeningNeeded));
    for s in TcbStatus::ALL.into_iter().skip(2) {
        assert!(!d.allows(s), "{s:?} is not in the default set");
    }
    let all = TcbStatuses::of(&TcbStatus::ALL);
    assert!(!all.allows(TcbStatus::Revoked), "Revoked is never accepted");
    assert!(all.allows(TcbStatus::OutOfDate));
    assert_eq!(TcbStatuses(u16::MAX).allows(TcbStatus::Revoked), false);
    // Owners name statuses as Intel's TCB info does.
    for s in TcbStatus::ALL {
        assert_eq!(TcbStatus::from_name(s.name()), Some(s));
        assert_eq!(TcbStatus::from_name(&s.name().to_lowercase()), Some(s));
    }
    assert_eq!(TcbStatus::from_name("Patched"), None);
    assert_eq!(d.statuses().collect::<Vec<_>>(), vec![TcbStatus::UpToDate, TcbStatus::SwHardeningNeeded]);
}

#[test]
fn a_measurement_is_told_by_its_length() {
    assert_eq!(Measurement::from_bytes(&[1; 32]), Some(Measurement::MrEnclave([1; 32])));
    assert_eq!(Measurement::from_bytes(&[2; 48]), Some(Measurement::MrTd([2; 48])));
    assert_eq!(Measurement::from_bytes(&[3; 33]), None);
    assert_eq!(Measurement::MrTd([2; 48]).as_bytes(), &[2; 48]);
}

#[test]
fn a_quote_names_its_platform() {
    assert_eq!(platform(&fixture("sgx.quote")).unwrap(), (TeeKind::Sgx, [0x00, 0xA0, 0x67, 0x11, 0x00, 0x00]));
    assert_eq!(platform(&fixture("tdx.quote")).unwrap(), (TeeKind::Tdx, [0xB0, 0xC0, 0x6F, 0x00, 0x00, 0x00]));
    assert_eq!(platform(&[0; 10]), Err(TeeError::QuoteMalformed));
}

#[test]
fn no_tee_here_is_one_line() {
    let dir = std::env::temp_dir().join(format!("triad-no-tsm-{}", std::process::id()));
    let e = quote::tsm_quote(&dir, &[0; 64]).unwrap_err();
    assert!(matches!(e, quote::QuoteError::NoTee(TeeKind::Tdx, _)));
    assert!(!e.to_string().contains('\n'));
    let e = quote::gramine_quote(&dir, &[0; 64]).unwrap_err();
    assert!(matches!(e, quote::QuoteError::NoTee(TeeKind::Sgx, _)));
}

/// The benchmarks of the attestation pallet run in the no_std runtime, which
/// cannot parse JSON; they read the SCALE form, kept beside the JSON.
#[test]
fn scale_fixtures_match_the_json() {
    for tee in ["sgx", "tdx"] {
        let scale = collateral_from_json(&fixture(&format!("{tee}.collateral.json"))).unwrap();
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(format!("{tee}.collateral.scale"));
        if std::env::var_os("TRIAD_WRITE_FIXTURES").is_some() {
            std::fs::write(&path, &scale).unwrap();
        }
        assert_eq!(std::fs::read(&path).unwrap(), scale, "{} is stale; TRIAD_WRITE_FIXTURES=1 rewrites it", path.display());
    }
}
