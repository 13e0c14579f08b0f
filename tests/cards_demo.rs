//! The demo cards in `docs/demo-cards/`: they are what the published demo key makes, the demo
//! configuration holds that key, and a demo kiosk gives each card its documented outcome.
//!
//! After changing the card face or the demo, rewrite the files with
//! `HUB_KIOSK_WRITE_DEMO_CARDS=1 cargo test --test cards_demo`.

mod cards_common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use hub_kiosk::cards::issue::{self, Issued};
use hub_kiosk::cards::keys;
use hub_kiosk::clock::ManualClock;
use hub_kiosk::config::{Config, DEMO_CARD_PUBLIC_KEY};
use hub_kiosk::domain::MemberId;
use hub_kiosk::domain::card::{Card, Rejection};
use hub_kiosk::events::EventBus;
use hub_kiosk::hub::{Hub, ScanOutcome};
use hub_kiosk::store::Store;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/demo-cards")
}

/// The demo cards: file stem, member, expiry, and what the demo kiosk says.
const CARDS: [(&str, &str, &str, &str); 3] = [
    ("valid-M-1001", "M-1001", "2099-12-31", "valid"),
    ("expired-M-1002", "M-1002", "2025-06-30", "expired"),
    ("revoked-M-1003", "M-1003", "2099-12-31", "revoked"),
];

fn issued() -> Vec<(&'static str, Issued, &'static str)> {
    let key = keys::read_private(&dir().join("card-D1.key"), None).unwrap();
    let hub = Config::demo().site.name;
    CARDS
        .iter()
        .map(|(stem, member, expires, outcome)| {
            let card = Card {
                key_id: key.id.clone(),
                member: MemberId::new(member).unwrap(),
                serial: 1,
                expires: expires.parse().unwrap(),
            };
            (*stem, issue::sign(&key, card, &hub).unwrap(), *outcome)
        })
        .collect()
}

fn readme(cards: &[(&str, Issued, &str)]) -> String {
    let mut s = String::from(
        "# Demo membership cards\n\n\
         Cards for the built-in demo (`hub-kiosk run` without `--config`). Print the PNGs at 100 %, \
         or show them on a phone to the scanner. `docs/cards.md` explains the format.\n\n\
         | card | expires | at the demo kiosk | text |\n|---|---|---|---|\n",
    );
    for (stem, i, outcome) in cards {
        s.push_str(&format!(
            "| [{stem}.png]({stem}.png) | {} | {outcome} | `{}` |\n",
            i.card.expires, i.text
        ));
    }
    s.push_str(
        "\n`card-D1.key` is the demo's private key and `card-D1.pub` its public key. Both are \
         published, so anyone can make demo cards:\n\n\
         ```sh\nhub-kiosk card issue --key docs/demo-cards/card-D1.key --member M-1004 \\\n    \
         --hub \"The Life Rooms (demo)\" --png M-1004.png\n```\n\n\
         `hub-kiosk check-config` refuses the demo key in any configuration but the built-in \
         demo. A real hub makes its own key with `hub-kiosk card keygen`.\n\n\
         These files are made by `tests/cards_demo.rs`; to make them again, run \
         `HUB_KIOSK_WRITE_DEMO_CARDS=1 cargo test --test cards_demo`.\n",
    );
    s
}

#[test]
fn the_demo_cards_are_made_by_the_published_demo_key() {
    let cards = issued();
    let key = keys::read_private(&dir().join("card-D1.key"), None).unwrap();
    let public = keys::public_key_base64(&key.key.verifying_key());
    assert_eq!(public, DEMO_CARD_PUBLIC_KEY);
    let pub_file = std::fs::read_to_string(dir().join("card-D1.pub")).unwrap();
    assert_eq!(pub_file.trim(), public);
    let demo = Config::demo();
    assert!(
        demo.cards
            .keys
            .iter()
            .any(|k| k.id == "D1" && k.public_key == public)
    );

    if std::env::var_os("HUB_KIOSK_WRITE_DEMO_CARDS").is_some() {
        for (stem, i, _) in &cards {
            std::fs::write(dir().join(format!("{stem}.svg")), &i.svg).unwrap();
            std::fs::write(dir().join(format!("{stem}.png")), i.png(&[]).unwrap()).unwrap();
        }
        std::fs::write(dir().join("README.md"), readme(&cards)).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(dir().join("README.md")).unwrap(),
        readme(&cards),
        "docs/demo-cards/README.md is out of date: see the top of tests/cards_demo.rs"
    );
    for (stem, i, _) in &cards {
        let svg = std::fs::read_to_string(dir().join(format!("{stem}.svg"))).unwrap();
        assert_eq!(svg, i.svg, "{stem}.svg is out of date");
        let printed = cards_common::read_png(&dir().join(format!("{stem}.png")));
        assert_eq!(printed.codes, vec![i.text.clone()], "{stem}.png");
    }
}

#[test]
fn a_demo_kiosk_gives_each_demo_card_its_documented_outcome() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(&tmp.path().join("k.sqlite3")).unwrap();
    let clock = Arc::new(ManualClock::new("2026-11-23T10:00:00Z".parse().unwrap()));
    let hub = Hub::new(
        Arc::new(Config::demo()),
        Arc::new(store),
        clock,
        EventBus::new(),
    );
    for (stem, i, outcome) in issued() {
        let got = hub.scan_card(i.text.as_bytes()).unwrap();
        let expected = match outcome {
            "valid" => ScanOutcome::Member(i.card.member.clone()),
            "expired" => ScanOutcome::Refused(Rejection::Expired),
            "revoked" => ScanOutcome::Refused(Rejection::Revoked),
            other => panic!("unknown outcome {other}"),
        };
        assert_eq!(got, expected, "{stem}");
    }
}
