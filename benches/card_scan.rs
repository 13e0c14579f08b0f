//! What a card scan costs beside the floor set by Ed25519 itself: checking a valid card (parse,
//! Base45, signature) against a bare `verify_strict` of the same bytes, and refusing hostile
//! input (noise, a 10 KB line) which must stay far cheaper than a signature check.
//!
//! `cargo bench --bench card_scan [-- N]` prints a Markdown table. The measures alternate in
//! each round so that noise from other work on the machine falls on all alike.

#![warn(clippy::too_many_lines)]

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Instant;

use chrono::NaiveDate;
use ed25519_dalek::SigningKey;
use hub_kiosk::domain::MemberId;
use hub_kiosk::domain::base45;
use hub_kiosk::domain::card::{Card, Revocations, Verifier};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// 512 bytes from a fixed xorshift: the same noise every run.
fn noise() -> Vec<u8> {
    let mut noise = vec![0u8; 512];
    let mut x: u32 = 0x2545_f491;
    for b in &mut noise {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *b = x as u8;
    }
    noise
}

/// Microseconds `f` takes.
fn time(f: &dyn Fn()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64() * 1e6
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(300);
    let key = SigningKey::from_bytes(&std::array::from_fn(|i| i as u8 + 1));
    let public = key.verifying_key();
    let verifier = Verifier::new(
        BTreeMap::from([("K1".to_owned(), public)]),
        Revocations::parse(["M-000666", "M-000123#2"]).0,
    );
    let today: NaiveDate = "2026-11-23".parse().unwrap();
    let card = Card {
        key_id: "K1".into(),
        member: MemberId::new("M-000123").unwrap(),
        serial: 1,
        expires: "2027-12-31".parse().unwrap(),
    }
    .sign(&key);
    let bytes = base45::decode(&card.as_bytes()[4..]).unwrap();
    let (body, sig) = bytes.split_at(bytes.len() - 64);
    let message = [b"hub-kiosk card\0".as_slice(), body].concat();
    let sig = ed25519_dalek::Signature::from_slice(sig).unwrap();
    let noise = noise();
    let long = vec![b'A'; 10 * 1024];
    let b45_noise = format!(
        "HK1:{}",
        base45::encode(&noise[..330]) // 495 characters: decoded in full, then refused
    );
    let mut forged = bytes.clone();
    forged[4] ^= 1; // M-000123 becomes L-000123 under the old signature
    let forged = format!("HK1:{}", base45::encode(&forged));

    // What the verifier is given, and whether it should accept it.
    let scans: [(&str, &[u8], bool); 5] = [
        ("valid card, verified", card.as_bytes(), true),
        (
            "forged card (bad signature), refused",
            forged.as_bytes(),
            false,
        ),
        (
            "495 Base45 characters after HK1:, refused",
            b45_noise.as_bytes(),
            false,
        ),
        ("512 bytes of noise, refused", &noise, false),
        ("10 KB line, refused", &long, false),
    ];
    let mut bare = Vec::with_capacity(n);
    let mut rows: Vec<Vec<f64>> = vec![Vec::with_capacity(n); scans.len()];
    for _ in 0..n {
        bare.push(time(&|| {
            assert!(
                black_box(&public)
                    .verify_strict(black_box(&message), &sig)
                    .is_ok()
            )
        }));
        for ((_, input, ok), row) in scans.iter().zip(&mut rows) {
            row.push(time(&|| {
                assert_eq!(
                    black_box(&verifier).verify(black_box(input), today).is_ok(),
                    *ok
                )
            }));
        }
    }
    let floor = median(bare);
    println!("Card scan cost, {n} rounds, median per scan, beside a bare Ed25519 check:\n");
    println!("| measure | µs | ratio to bare Ed25519 |\n|---|---:|---:|");
    println!("| bare Ed25519 verify_strict | {floor:.2} | 1.000× |");
    for ((name, _, _), row) in scans.iter().zip(rows) {
        let m = median(row);
        println!("| {name} | {m:.2} | {:.3}× |", m / floor);
    }
}
