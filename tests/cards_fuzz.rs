//! Hostile card input: every single-character change of valid cards is refused, and 10,000+
//! random and mutated inputs give no panic and no accepted card.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use ed25519_dalek::SigningKey;
use hub_kiosk::domain::MemberId;
use hub_kiosk::domain::base45;
use hub_kiosk::domain::card::{Card, Rejection, Revocations, Verifier};
use proptest::prelude::*;

const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// The test-vector key of docs/cards.md (seed 0x01…0x20), as key K1.
fn key() -> SigningKey {
    SigningKey::from_bytes(&std::array::from_fn(|i| i as u8 + 1))
}

fn verifier() -> Verifier {
    let other = SigningKey::from_bytes(&[0x42; 32]);
    Verifier::new(
        BTreeMap::from([
            ("K1".to_owned(), key().verifying_key()),
            ("K2".to_owned(), other.verifying_key()),
        ]),
        Revocations::default(),
    )
}

fn today() -> NaiveDate {
    "2026-11-23".parse().unwrap()
}

fn card(member: &str, serial: u16, expires: &str) -> String {
    Card {
        key_id: "K1".into(),
        member: MemberId::new(member).unwrap(),
        serial,
        expires: expires.parse().unwrap(),
    }
    .sign(&key())
}

/// Valid cards of several shapes: short, typical and longest member numbers, odd and even
/// byte lengths (so the last Base45 group is both two and three characters).
fn valid_cards() -> Vec<String> {
    let cards = vec![
        card("M-000123", 1, "2027-12-31"),
        card("7", 0, "2026-11-23"),
        card("AB", 65535, "2179-06-06"),
        card(&"Z".repeat(24), 2, "2030-01-01"),
    ];
    for c in &cards {
        assert!(verifier().verify(c.as_bytes(), today()).is_ok(), "{c}");
    }
    cards
}

#[test]
fn every_single_character_change_of_a_valid_card_is_refused() {
    let v = verifier();
    let mut checked = 0u64;
    let mut reasons = BTreeMap::<&str, u64>::new();
    let mut refuse = |text: &[u8], what: &str| {
        match v.verify(text, today()) {
            Ok(c) => panic!("{what} was accepted as {c:?}"),
            Err(r) => *reasons.entry(r.as_str()).or_default() += 1,
        }
        checked += 1;
    };
    for good in valid_cards() {
        let good = good.as_bytes();
        for i in 0..good.len() {
            // Replaced by any other byte.
            for b in 0..=255u8 {
                if b != good[i] {
                    let mut t = good.to_vec();
                    t[i] = b;
                    refuse(&t, &format!("byte {i} changed to {b:#04x}"));
                }
            }
            // Left out.
            let mut t = good.to_vec();
            t.remove(i);
            refuse(&t, &format!("byte {i} removed"));
        }
        // One more character anywhere. A line end after the card is not a change: scanners
        // end every scan with one.
        for i in 0..=good.len() {
            for &b in ALPHABET.iter().chain(b"\0\t\xff\r\n") {
                if i == good.len() && matches!(b, b'\r' | b'\n') {
                    continue;
                }
                let mut t = good.to_vec();
                t.insert(i, b);
                refuse(&t, &format!("{b:#04x} inserted at {i}"));
            }
        }
        // Two neighbours swapped.
        for i in 0..good.len() - 1 {
            if good[i] != good[i + 1] {
                let mut t = good.to_vec();
                t.swap(i, i + 1);
                refuse(&t, &format!("bytes {i} and {} swapped", i + 1));
            }
        }
    }
    assert!(checked > 100_000, "{checked}");
    // Both the decoder and the signature check did their part.
    assert!(
        reasons["malformed"] > 1000 && reasons["bad_signature"] > 1000,
        "{reasons:?}"
    );
}

#[test]
fn a_signature_moved_to_another_card_or_a_swapped_key_id_is_refused() {
    let v = verifier();
    let split = |text: &str| {
        let b = base45::decode(&text.as_bytes()[4..]).unwrap();
        let (body, sig) = b.split_at(b.len() - 64);
        (body.to_vec(), sig.to_vec())
    };
    let (body_a, sig_a) = split(&card("M-1", 1, "2027-01-01"));
    let (body_b, _) = split(&card("M-2", 1, "2027-01-01"));
    let join = |body: &[u8], sig: &[u8]| format!("HK1:{}", base45::encode(&[body, sig].concat()));
    assert_eq!(
        v.verify(join(&body_b, &sig_a).as_bytes(), today()),
        Err(Rejection::BadSignature)
    );
    // K1's card relabelled as K2 (a key the kiosk holds) and as K3 (one it does not).
    for (kid, expected) in [
        (b"K2", Rejection::BadSignature),
        (b"K3", Rejection::UnknownKey),
    ] {
        let mut body = body_a.clone();
        body[1..3].copy_from_slice(kid);
        assert_eq!(
            v.verify(join(&body, &sig_a).as_bytes(), today()),
            Err(expected)
        );
    }
    // A later expiry or another serial under the old signature.
    for at in [body_a.len() - 1, body_a.len() - 3] {
        let mut body = body_a.clone();
        body[at] ^= 1;
        assert_eq!(
            v.verify(join(&body, &sig_a).as_bytes(), today()),
            Err(Rejection::BadSignature)
        );
    }
}

/// Inputs to throw at the verifier: noise, Base45 noise, card-shaped noise with a random
/// signature, and valid cards with random damage.
fn hostile() -> impl Strategy<Value = Vec<u8>> {
    let valid = valid_cards();
    let b45 = prop::collection::vec(prop::sample::select(ALPHABET.to_vec()), 0..200);
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..2048),
        b45.clone().prop_map(|t| [b"HK1:".as_slice(), &t].concat()),
        (
            "[A-Z0-9]{1,2}",
            "[A-Z0-9-]{1,24}",
            any::<u16>(),
            any::<u16>(),
            prop::collection::vec(any::<u8>(), 64)
        )
            .prop_map(|(kid, member, serial, days, sig)| {
                let mut b = vec![1u8];
                b.extend_from_slice(format!("{kid:\0<2}").as_bytes());
                b.push(member.len() as u8);
                b.extend_from_slice(member.as_bytes());
                b.extend_from_slice(&serial.to_be_bytes());
                b.extend_from_slice(&days.to_be_bytes());
                b.extend_from_slice(&sig);
                format!("HK1:{}", base45::encode(&b)).into_bytes()
            }),
        (
            prop::sample::select(valid),
            prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
            any::<prop::sample::Index>(),
        )
            .prop_map(|(card, edits, cut)| {
                let original = card.into_bytes();
                let mut t = original.clone();
                for (at, b) in edits {
                    let i = at.index(t.len());
                    if t[i] == b {
                        t[i] = b.wrapping_add(1);
                    } else {
                        t[i] = b;
                    }
                }
                // Sometimes cut short as well, as a partial read would.
                if cut.index(4) == 0 {
                    let keep = cut.index(t.len());
                    t.truncate(keep);
                }
                // Two edits of one place can undo each other.
                if t == original {
                    t[0] = b'h';
                }
                t
            }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn hostile_input_is_never_accepted_and_never_panics(input in hostile()) {
        let refused = verifier().verify(&input, today());
        prop_assert!(refused.is_err(), "accepted {:?}", String::from_utf8_lossy(&input));
    }
}
