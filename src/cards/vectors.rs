//! The test vectors of `docs/cards.md`, checked against the code: the published key, vector 1
//! byte by byte, every row of the table, and how each signed row was made.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use ed25519_dalek::SigningKey;

use super::keys::public_key_base64;
use crate::domain::MemberId;
use crate::domain::base45;
use crate::domain::card::{Card, Revocations, Verifier};

const DOC: &str = include_str!("../../docs/cards.md");

/// The test key: seed 0x01…0x20.
fn test_key() -> SigningKey {
    SigningKey::from_bytes(&std::array::from_fn(|i| i as u8 + 1))
}

fn card(key_id: &str, member: &str, serial: u16, expires: &str) -> Card {
    Card {
        key_id: key_id.into(),
        member: MemberId::new(member).unwrap(),
        serial,
        expires: expires.parse().unwrap(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Rows of the vector table: number, card text, date, expected result.
fn rows() -> Vec<(usize, String, NaiveDate, String)> {
    DOC.lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let [_, n, text, date, result, _] = cells[..] else {
                return None;
            };
            let text = text.strip_prefix('`')?.strip_suffix('`')?;
            Some((
                n.parse().ok()?,
                text.to_owned(),
                date.parse().ok()?,
                result.to_owned(),
            ))
        })
        .collect()
}

#[test]
fn the_published_key_and_vector_1_match_the_code() {
    let key = test_key();
    assert!(DOC.contains(&public_key_base64(&key.verifying_key())));
    let text = card("K1", "M-000123", 1, "2027-12-31").sign(&key);
    let bytes = base45::decode(&text.as_bytes()[4..]).unwrap();
    let (body, signature) = bytes.split_at(bytes.len() - 64);
    assert!(DOC.contains(&format!("body      {}\n", hex(body))));
    assert!(DOC.contains(&format!("signature {}\n", hex(signature))));
    assert!(DOC.contains("27f2 (10226 days)"));
}

#[test]
fn every_vector_gives_its_documented_result() {
    let keys = BTreeMap::from([("K1".to_owned(), test_key().verifying_key())]);
    let (revoked, bad) = Revocations::parse(["M-000666", "M-000123#2"]);
    assert!(bad.is_empty());
    let verifier = Verifier::new(keys, revoked);
    let rows = rows();
    assert_eq!(rows.len(), 12, "the table in docs/cards.md");
    for (n, text, on, expected) in &rows {
        assert!(!text.ends_with(' '), "row {n} must not end in a space");
        let got = match verifier.verify(text.as_bytes(), *on) {
            Ok(c) => format!("valid: {}", c.member),
            Err(r) => r.as_str().replace('_', " "),
        };
        assert_eq!(&got, expected, "row {n}");
    }

    // The signed rows are exactly what signing their cards gives.
    let key = test_key();
    let other = SigningKey::from_bytes(&std::array::from_fn(|i| i as u8 + 0x21));
    let text = |n: usize| rows.iter().find(|r| r.0 == n).unwrap().1.clone();
    let made = [
        (1, card("K1", "M-000123", 1, "2027-12-31").sign(&key)),
        (4, card("K1", "M-000123", 2, "2027-12-31").sign(&key)),
        (5, card("K1", "M-000666", 1, "2027-12-31").sign(&key)),
        (6, card("K2", "M-000123", 1, "2027-12-31").sign(&key)),
        (7, card("K1", "M-000123", 1, "2027-12-31").sign(&other)),
        (
            9,
            card("K1", &"9".repeat(24), 65535, "2179-06-06").sign(&key),
        ),
    ];
    for (n, expected) in made {
        assert_eq!(text(n), expected, "row {n}");
    }
    assert!(text(9).len() <= 154, "fits QR version 6-M");
    // Row 8: M-000124's body with vector 1's signature.
    let decode = |t: &str| base45::decode(&t.as_bytes()[4..]).unwrap();
    let v1 = decode(&text(1));
    let b = decode(&card("K1", "M-000124", 1, "2027-12-31").sign(&key));
    let forged = [&b[..b.len() - 64], &v1[v1.len() - 64..]].concat();
    assert_eq!(text(8), format!("HK1:{}", base45::encode(&forged)));
    let differing = text(1)
        .bytes()
        .zip(text(8).bytes())
        .filter(|(a, b)| a != b)
        .count();
    assert_eq!(differing, 1);
}
