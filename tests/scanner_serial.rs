//! A serial QR scanner, played by a pseudo-terminal: bytes written to the master side reach
//! `Hub::scan` through `SerialScanner` (rppal's `Uart` on the slave side). Partial reads, 10 KB
//! lines, binary noise and non-UTF-8 each give one refusal and a metrics count; a valid card
//! gives its member, and a second scan after checking in is held back.

mod pty_support;

use std::io::Write;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use base64::Engine;
use chrono::{DateTime, Utc};
use ed25519_dalek::SigningKey;
use hub_kiosk::clock::ManualClock;
use hub_kiosk::config::Config;
use hub_kiosk::domain::card::{Card, Rejection};
use hub_kiosk::domain::{Language, MemberId, Source, Visitor};
use hub_kiosk::events::EventBus;
use hub_kiosk::hub::{CheckInRequest, Hub, ScanOutcome};
use hub_kiosk::scanner::lines::LineSplitter;
use hub_kiosk::scanner::serial::SerialScanner;
use hub_kiosk::store::Store;
use pty_support::openpty;

const WAIT: Duration = Duration::from_secs(20);

fn monday_ten() -> DateTime<Utc> {
    "2026-11-23T10:00:00Z".parse().unwrap()
}

fn key() -> SigningKey {
    SigningKey::from_bytes(&std::array::from_fn(|i| i as u8 + 1))
}

fn hub(dir: &std::path::Path) -> (Arc<Hub>, Arc<ManualClock>) {
    let public = base64::engine::general_purpose::STANDARD.encode(key().verifying_key().as_bytes());
    let text = format!(
        "[site]\nid = \"t\"\nname = \"Test\"\n[cards]\nkeys = [ {{ id = \"K1\", public_key = \"{public}\" }} ]\nrepeat_scan_minutes = 5\n"
    );
    let config = Config::parse(&text, "test").unwrap();
    let store = Store::open(&dir.join("k.sqlite3")).unwrap();
    let clock = Arc::new(ManualClock::new(monday_ten()));
    let hub = Hub::new(
        Arc::new(config),
        Arc::new(store),
        clock.clone(),
        EventBus::new(),
    );
    (hub, clock)
}

fn card(member: &str) -> String {
    Card {
        key_id: "K1".into(),
        member: MemberId::new(member).unwrap(),
        serial: 1,
        expires: "2027-12-31".parse().unwrap(),
    }
    .sign(&key())
}

fn next(rx: &Receiver<ScanOutcome>) -> ScanOutcome {
    rx.recv_timeout(WAIT).expect("a scan reached the hub")
}

#[test]
fn bytes_written_to_a_pseudo_terminal_reach_the_hub_as_scans() {
    let dir = tempfile::tempdir().unwrap();
    let (hub, clock) = hub(dir.path());
    let mut pty = openpty();
    let (tx, rx) = channel();
    let h = hub.clone();
    let scanner = SerialScanner::spawn(&pty.path, 9600, move |item| {
        let outcome = h.scan(&item).expect("the store answers");
        let _ = tx.send(outcome);
    })
    .unwrap();
    let start = Instant::now();
    while !scanner.connected() {
        assert!(
            start.elapsed() < WAIT,
            "the scanner never opened {:?}",
            pty.path
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut send = |bytes: &[u8]| {
        pty.master.write_all(bytes).unwrap();
        pty.master.flush().unwrap();
    };

    // A valid card, arriving in pieces with pauses longer than a read's timeout.
    let valid = card("M-000123");
    let (a, b) = valid.as_bytes().split_at(50);
    send(a);
    std::thread::sleep(Duration::from_millis(300));
    send(b);
    std::thread::sleep(Duration::from_millis(300));
    send(b"\r\n");
    let member = MemberId::new("M-000123").unwrap();
    assert_eq!(next(&rx), ScanOutcome::Member(member.clone()));

    // 10 KB without a line end, then one: a single malformed scan.
    send(&vec![b'A'; 10 * 1024]);
    send(b"\n");
    assert_eq!(next(&rx), ScanOutcome::Refused(Rejection::Malformed));

    // Non-UTF-8, a card cut short, and a card with a changed character.
    let cut = &valid.as_bytes()[..valid.len() - 7];
    let mut changed = valid.clone().into_bytes();
    changed[20] = if changed[20] == b'Q' { b'R' } else { b'Q' };
    for line in [&b"HK1:\xff\xfe\xc3\x28"[..], cut, &changed] {
        send(line);
        send(b"\n");
        assert!(matches!(next(&rx), ScanOutcome::Refused(_)));
    }

    // Binary noise with line ends in it: as many refusals as it has lines, and nothing else.
    let mut noise = Vec::new();
    let mut x: u32 = 0x9e37_79b9;
    for _ in 0..20_000 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        noise.push((x >> 24) as u8);
    }
    noise.push(b'\n');
    let lines = LineSplitter::default().push(&noise).len();
    assert!(lines > 50, "{lines}");
    for chunk in noise.chunks(777) {
        send(chunk);
    }
    for _ in 0..lines {
        assert!(matches!(next(&rx), ScanOutcome::Refused(_)));
    }

    // Checked in with the card: the same card two minutes later is held back.
    hub.check_in(CheckInRequest {
        visitor: Visitor::Member(member.clone()),
        needs: vec!["peer".into()],
        language: Language::english(),
        source: Source::Card,
        priority: false,
        session: None,
        interpreter: false,
    })
    .unwrap();
    clock.advance(chrono::Duration::minutes(2));
    send(format!("{valid}\r").as_bytes());
    assert_eq!(
        next(&rx),
        ScanOutcome::AlreadyCheckedIn { member, minutes: 2 }
    );

    scanner.stop();
    assert!(rx.try_recv().is_err(), "no scan beyond those sent");
    let m = &hub.metrics().scans;
    assert_eq!((m.get("accepted"), m.get("repeat")), (1, 1));
    let refused: u64 = [
        "malformed",
        "unknown_key",
        "bad_signature",
        "expired",
        "revoked",
    ]
    .iter()
    .map(|r| m.get(r))
    .sum();
    assert_eq!(refused, 4 + lines as u64);
    assert!(m.get("malformed") >= 3);
    let text = hub.metrics().render_counters();
    assert!(
        text.contains("hub_kiosk_card_scans_total{result=\"accepted\"} 1"),
        "{text}"
    );
}
