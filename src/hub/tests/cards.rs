//! Card scans and check-ins by card: verified, limited, counted.

use super::*;

#[test]
fn a_card_scanned_twice_within_the_window_checks_in_once() {
    let f = fixture("[cards]\nrepeat_scan_minutes = 5\n");
    let member = || CheckInRequest {
        visitor: Visitor::Member(MemberId::new("M-7").unwrap()),
        source: Source::Card,
        ..visit(&["peer"])
    };
    f.hub.check_in(member()).unwrap();
    f.clock.advance(Duration::minutes(2));
    assert!(matches!(
        f.hub.check_in(member()),
        Err(HubError::RepeatScan { minutes: 2 })
    ));
    f.clock.advance(Duration::minutes(4));
    assert!(f.hub.check_in(member()).is_ok());
}

#[test]
fn scanned_cards_are_verified_limited_and_counted() {
    use crate::domain::card::{Card, Rejection};
    use base64::Engine;
    let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let public = base64::engine::general_purpose::STANDARD.encode(key.verifying_key().as_bytes());
    let f = fixture(&format!(
        "[cards]\nkeys = [ {{ id = \"K1\", public_key = \"{public}\" }} ]\nrevoked = [\"M-9\"]\nrepeat_scan_minutes = 5\n"
    ));
    let card = |m: &str, expires: &str| {
        Card {
            key_id: "K1".into(),
            member: MemberId::new(m).unwrap(),
            serial: 1,
            expires: expires.parse().unwrap(),
        }
        .sign(&key)
    };

    let valid = card("M-1", "2027-01-01");
    assert_eq!(
        f.hub.scan_card(valid.as_bytes()).unwrap(),
        ScanOutcome::Member(MemberId::new("M-1").unwrap())
    );
    assert_eq!(
        f.hub
            .scan_card(card("M-1", "2026-11-22").as_bytes())
            .unwrap(),
        ScanOutcome::Refused(Rejection::Expired)
    );
    assert_eq!(
        f.hub
            .scan_card(card("M-9", "2027-01-01").as_bytes())
            .unwrap(),
        ScanOutcome::Refused(Rejection::Revoked)
    );
    assert_eq!(
        f.hub.scan_card(&[0xff, 0x00, 0x9c]).unwrap(),
        ScanOutcome::Refused(Rejection::Malformed)
    );

    let member = CheckInRequest {
        visitor: Visitor::Member(MemberId::new("M-1").unwrap()),
        source: Source::Card,
        ..visit(&["peer"])
    };
    f.hub.check_in(member).unwrap();
    f.clock.advance(Duration::minutes(3));
    assert!(matches!(
        f.hub.scan_card(valid.as_bytes()).unwrap(),
        ScanOutcome::AlreadyCheckedIn { minutes: 3, .. }
    ));
    for (label, n) in [
        ("accepted", 1),
        ("expired", 1),
        ("revoked", 1),
        ("malformed", 1),
        ("repeat", 1),
    ] {
        assert_eq!(f.hub.metrics().scans.get(label), n, "{label}");
    }
}
