//! `hub-kiosk backup` and `restore` as a site uses them: a backup taken while check-ins are being
//! written holds every check-in acknowledged before it began and passes `integrity_check` once
//! restored; a restore refuses to replace newer records (unless forced, keeping them beside) and
//! a database in use; and after a restore, forwarding to a real central service on 127.0.0.1
//! resumes without losing the counts made after it or counting any twice.

mod sync_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use hub_kiosk::clock::ManualClock;
use hub_kiosk::domain::footfall::Direction;
use hub_kiosk::domain::{Catalogue, CheckIn, Language, Source, Stamp, Visitor};
use hub_kiosk::store::Store;
use sync_support::*;

fn hub_kiosk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hub-kiosk"))
        .args(args)
        .env_remove("HUB_KIOSK_CONFIG")
        .env("HUB_KIOSK_TEST_ETC", "/nonexistent")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn check_in(store: &Store) -> i64 {
    let c = Catalogue::life_rooms();
    let ci = CheckIn::new(
        &c,
        Visitor::Anonymous,
        &["courses"],
        Language::english(),
        Source::Touchscreen,
        Stamp::synced_at(Utc::now()),
    )
    .unwrap();
    store.record_check_in(&ci, None).unwrap().check_in_id
}

fn ids(db: &Path) -> Vec<i64> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare("SELECT id FROM checkin ORDER BY id").unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn a_backup_taken_while_check_ins_are_written_restores_every_acknowledged_one() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("kiosk.sqlite3");
    let store = Arc::new(Store::open(&live).unwrap());
    let acked = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (store, acked, stop) = (store.clone(), acked.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let id = check_in(&store);
                acked.lock().unwrap().push(id);
            }
        })
    };
    let wait_for = |n: usize| {
        let deadline = Instant::now() + Duration::from_secs(30);
        while acked.lock().unwrap().len() < n {
            assert!(Instant::now() < deadline, "the writer stalled");
            std::thread::sleep(Duration::from_millis(5));
        }
    };
    wait_for(30);
    let before: Vec<i64> = acked.lock().unwrap().clone();
    let backup = dir.path().join("backup.sqlite3");
    let out = hub_kiosk(&["backup", "--database", s(&live), "--out", s(&backup)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("integrity ok"));
    let during = acked.lock().unwrap().len();
    wait_for(during + 20);
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    assert!(
        during > before.len(),
        "check-ins went on being written while the backup ran"
    );

    // Restored on a new card: a fresh data directory.
    let fresh = dir.path().join("new-card/kiosk.sqlite3");
    std::fs::create_dir_all(fresh.parent().unwrap()).unwrap();
    let out = hub_kiosk(&["restore", s(&backup), "--database", s(&fresh)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let restored = Store::open(&fresh).unwrap();
    assert_eq!(restored.integrity_check().unwrap(), "ok");
    let have = ids(&fresh);
    let missing: Vec<&i64> = before.iter().filter(|id| !have.contains(id)).collect();
    assert!(
        missing.is_empty(),
        "acknowledged before the backup but not restored: {missing:?}"
    );
    assert!(
        !std::fs::exists(PathBuf::from(format!("{}-wal", backup.display()))).unwrap(),
        "the backup is one self-contained file"
    );
}

#[test]
fn a_restore_refuses_newer_records_without_force_and_keeps_them_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("kiosk.sqlite3");
    let backup = dir.path().join("b.sqlite3");
    let store = Store::open(&live).unwrap();
    check_in(&store);
    let out = hub_kiosk(&["backup", "--database", s(&live), "--out", s(&backup)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::thread::sleep(Duration::from_millis(5));
    let newer = check_in(&store);

    // In use: this test process holds the database open.
    let out = hub_kiosk(&["restore", s(&backup), "--database", s(&live)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("stop the service first"),
        "{}",
        text(&out.stderr)
    );
    drop(store);

    let out = hub_kiosk(&["restore", s(&backup), "--database", s(&live)]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stderr);
    assert!(said.contains("newer than the backup's newest"), "{said}");
    assert!(said.contains("--force"), "{said}");
    assert!(ids(&live).contains(&newer), "nothing changed");

    let out = hub_kiosk(&["restore", s(&backup), "--database", s(&live), "--force"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!ids(&live).contains(&newer));
    let kept: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().contains(".replaced-"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(
        ids(&kept[0]).contains(&newer),
        "the replaced database is kept"
    );
}

fn hour(h: &str) -> DateTime<Utc> {
    format!("2026-11-23T{h}:00:00Z").parse().unwrap()
}

fn pass(store: &Store, h: &str, n: usize) {
    for _ in 0..n {
        let at = hour(h) + chrono::Duration::minutes(5);
        store
            .record_door_pass(&Stamp::synced_at(at), Direction::In)
            .unwrap();
    }
}

/// Forwards `data`'s outbox to `central` until it is empty, then stops and lets go of the file.
async fn forward_all(data: &Path, central: &RunningCentral) {
    let clock = Arc::new(ManualClock::new(fixture::NOW.parse().unwrap()));
    let (hub, store) = kiosk_hub(data, &central.url, clock);
    let task = tokio::spawn(hub_kiosk::sync::forward(
        hub.clone(),
        quick_sync(&central.url, 8, Duration::from_secs(5)),
    ));
    let deadline = Instant::now() + Duration::from_secs(30);
    while store.outbox_depth().unwrap() > 0 {
        assert!(Instant::now() < deadline, "forwarding stalled");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    task.abort();
    let _ = task.await;
    // Database calls the loop started off the async threads may still hold the store.
    let deadline = Instant::now() + Duration::from_secs(10);
    while Arc::strong_count(&hub) > 1 || Arc::strong_count(&store) > 2 {
        assert!(
            Instant::now() < deadline,
            "the kiosk never let go of its database"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn central_door_in(central: &RunningCentral, h: &str) -> i64 {
    central_hours(&central.central)
        .iter()
        .find(|(x, _)| *x == hour(h))
        .map_or(0, |(_, c)| c.door_in)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_restore_forwarding_resumes_without_losing_or_doubling_counts() {
    let f = fixture::fixture().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kiosk.sqlite3");
    let backup = dir.path().join("nightly.sqlite3");
    {
        let store = Store::open(&db).unwrap();
        pass(&store, "12", 3);
        pass(&store, "13", 2);
    }
    forward_all(dir.path(), &f.central).await;
    let out = hub_kiosk(&["backup", "--database", s(&db), "--out", s(&backup)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // After the backup, before the card fails: more at 13:00 and a new hour.
    {
        let store = Store::open(&db).unwrap();
        pass(&store, "13", 4);
        pass(&store, "14", 1);
    }
    forward_all(dir.path(), &f.central).await;
    assert_eq!(central_door_in(&f.central, "13"), 6);
    let old_id = Store::open(&db).unwrap().meta("sync.database_id").unwrap();

    // A new card with last night's backup.
    let out = hub_kiosk(&["restore", s(&backup), "--database", s(&db), "--force"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("new database id"));
    {
        let store = Store::open(&db).unwrap();
        assert_ne!(store.meta("sync.database_id").unwrap(), old_id);
        assert_eq!(
            store.outbox_depth().unwrap(),
            0,
            "the backup's hours were all sent"
        );
        // Counted after the restore: one more at 13:00 (an hour the central holds at a higher
        // revision from the lost database) and two in a new hour.
        pass(&store, "13", 1);
        pass(&store, "15", 2);
    }
    forward_all(dir.path(), &f.central).await;

    assert_eq!(central_door_in(&f.central, "12"), 3, "not counted twice");
    assert_eq!(
        central_door_in(&f.central, "13"),
        3,
        "the restored 2 and the 1 counted after the restore (not ignored as an older revision)"
    );
    assert_eq!(
        central_door_in(&f.central, "14"),
        1,
        "the lost database's hour is kept"
    );
    assert_eq!(
        central_door_in(&f.central, "15"),
        2,
        "counted after the restore"
    );
}

#[test]
fn sync_resend_queues_every_hour_from_a_day_after_the_central_restored_an_older_backup() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kiosk.sqlite3");
    {
        let store = Store::open(&db).unwrap();
        pass(&store, "12", 1);
        pass(&store, "13", 1);
        let at = "2026-11-22T09:05:00Z".parse().unwrap();
        store
            .record_door_pass(&Stamp::synced_at(at), Direction::In)
            .unwrap();
        // As if all three hours had been accepted.
        let sent: Vec<_> = store
            .outbox_batch(10, Utc::now())
            .unwrap()
            .iter()
            .map(|e| (e.hour, e.revision))
            .collect();
        store.outbox_ack(&sent).unwrap();
        assert_eq!(store.outbox_depth().unwrap(), 0);
    }
    let out = hub_kiosk(&[
        "sync",
        "resend",
        "--since",
        "2026-11-23",
        "--database",
        s(&db),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("2 hours from 2026-11-23"),
        "{}",
        text(&out.stdout)
    );
    let store = Store::open(&db).unwrap();
    let queued: Vec<_> = store
        .outbox_batch(10, Utc::now())
        .unwrap()
        .iter()
        .map(|e| e.hour)
        .collect();
    assert_eq!(queued, vec![hour("12"), hour("13")]);
}
