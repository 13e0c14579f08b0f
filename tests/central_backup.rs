//! `hub-kiosk central backup` and `central restore`: the central database backed up while it is
//! open, a restore that refuses newer uploads unless forced, and the restored database opening
//! as the service opens it, with the hint to have kiosks send the missing hours again.

use std::process::{Command, Output};

use chrono::{DateTime, Utc};
use hub_kiosk::central::CentralStore;
use hub_kiosk::domain::Counts;
use hub_kiosk::sync::wire::Bucket;

fn hub_kiosk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hub-kiosk"))
        .args(args)
        .env("HUB_KIOSK_TEST_ETC", "/nonexistent")
        .env_remove("HUB_KIOSK_CENTRAL_CONFIG")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn upload(store: &CentralStore, hour: &str, door_in: i64, received: &str) {
    let bucket = Bucket {
        hour: hour.parse().unwrap(),
        revision: door_in,
        counts: Counts {
            door_in,
            ..Counts::default()
        },
    };
    let at: DateTime<Utc> = received.parse().unwrap();
    store
        .upsert("walton", "entrance", "db-1", &[bucket], at)
        .unwrap();
}

#[test]
fn a_central_backup_restores_and_newer_uploads_need_force() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("central.sqlite3");
    let backup = dir.path().join("central-backup.sqlite3");
    let (d, b) = (db.to_str().unwrap(), backup.to_str().unwrap());
    {
        let store = CentralStore::open(&db).unwrap();
        upload(&store, "2026-11-23T10:00:00Z", 4, "2026-11-23T10:30:00Z");
        let out = hub_kiosk(&["central", "backup", "--database", d, "--out", b]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        upload(&store, "2026-11-23T11:00:00Z", 2, "2026-11-23T11:30:00Z");
    }
    let out = hub_kiosk(&["central", "restore", b, "--database", d]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("newer than the backup's newest"));

    let out = hub_kiosk(&["central", "restore", b, "--database", d, "--force"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("hub-kiosk sync resend --since 2026-11-23"),
        "{}",
        text(&out.stdout)
    );
    let store = CentralStore::open(&db).unwrap();
    let hours = store
        .hours(
            "walton",
            None,
            DateTime::<Utc>::MIN_UTC,
            DateTime::<Utc>::MAX_UTC,
        )
        .unwrap();
    assert_eq!(hours.len(), 1, "the backup's one hour");
    assert_eq!(hours[0].1.door_in, 4);

    // Not a central database at all: refused before anything changes.
    let junk = dir.path().join("junk.sqlite3");
    std::fs::write(&junk, b"not a database").unwrap();
    let out = hub_kiosk(&[
        "central",
        "restore",
        junk.to_str().unwrap(),
        "--database",
        d,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(CentralStore::open(&db).unwrap().bucket_count().unwrap() == 1);
}
