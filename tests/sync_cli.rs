//! `hub-kiosk sync` on a kiosk's database: what waits to be sent, what the central service
//! refused and why, and sending refused hours again.

use std::process::{Command, Output};

use chrono::Utc;
use hub_kiosk::domain::Stamp;
use hub_kiosk::domain::footfall::Direction;
use hub_kiosk::store::Store;

fn hub_kiosk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hub-kiosk"))
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn status_lists_refused_hours_and_retry_queues_them_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kiosk.sqlite3");
    let store = Store::open(&db).unwrap();
    let at: chrono::DateTime<Utc> = "2026-11-23T10:15:00Z".parse().unwrap();
    store
        .record_door_pass(&Stamp::synced_at(at), Direction::In)
        .unwrap();
    store
        .record_door_pass(
            &Stamp::synced_at(at + chrono::Duration::hours(1)),
            Direction::In,
        )
        .unwrap();
    let first = store.outbox_batch(1, Utc::now()).unwrap();
    let refused: Vec<_> = first.iter().map(|e| (e.hour, e.revision)).collect();
    store
        .outbox_dead_letter(&refused, 422, "counts.door_in: is negative", Utc::now())
        .unwrap();
    drop(store);

    let db = db.to_str().unwrap();
    let out = hub_kiosk(&["sync", "status", "--database", db]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(
        s.contains("hours waiting:   1") && s.contains("refused hours:   1"),
        "{s}"
    );
    assert!(
        s.contains("2026-11-23 10:00 UTC (revision 1)")
            && s.contains("422: counts.door_in: is negative"),
        "{s}"
    );

    let out = hub_kiosk(&["sync", "retry", "--database", db]);
    assert!(
        text(&out.stdout).starts_with("1 refused hours queued again"),
        "{}",
        text(&out.stdout)
    );
    let s = text(&hub_kiosk(&["sync", "status", "--database", db]).stdout);
    assert!(
        s.contains("hours waiting:   2") && s.contains("refused hours:   0"),
        "{s}"
    );

    let missing = dir.path().join("nope.sqlite3");
    let out = hub_kiosk(&["sync", "status", "--database", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no database at"));
}
