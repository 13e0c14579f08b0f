//! A damaged file, a read-only database and a full disk each give a clear message, never a
//! panic, and lose nothing already saved.

use chrono::Utc;
use hub_kiosk::domain::{Catalogue, CheckIn, Language, Source, Stamp, Visitor};
use hub_kiosk::store::{Store, StoreError};

fn check_in() -> CheckIn {
    CheckIn::new(
        &Catalogue::life_rooms(),
        Visitor::Anonymous,
        &["courses"],
        Language::english(),
        Source::Touchscreen,
        Stamp::synced_at(Utc::now()),
    )
    .unwrap()
}

#[test]
fn a_file_that_is_not_a_database_is_named_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.sqlite3");
    std::fs::write(&path, vec![0x5a; 8192]).unwrap();
    let e = Store::open(&path).unwrap_err();
    assert!(matches!(e, StoreError::Corrupt { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains(path.to_str().unwrap()) && msg.contains("move the file aside"),
        "{msg}"
    );
}

/// `hub-kiosk run` opens its database after the screen's first frame (`Store::open_later`):
/// nothing touches the file until the first use, which then opens it, or names the damage — on
/// that use and every one after, without a panic.
#[test]
fn a_store_opened_later_opens_at_its_first_use_and_names_the_damage_then() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new/k.sqlite3");
    let store = Store::open_later(&path);
    assert!(!path.exists(), "nothing is created before the first use");
    store.record_check_in(&check_in(), None).unwrap();
    assert!(path.exists());
    assert_eq!(store.integrity_check().unwrap(), "ok");

    let damaged = dir.path().join("damaged.sqlite3");
    std::fs::write(&damaged, vec![0x5a; 8192]).unwrap();
    let store = Store::open_later(&damaged);
    for _ in 0..2 {
        let e = store.record_check_in(&check_in(), None).unwrap_err();
        assert!(matches!(e, StoreError::Corrupt { .. }), "{e:?}");
        assert!(e.to_string().contains("move the file aside"), "{e}");
    }
    assert!(matches!(store.ready(), Err(StoreError::Corrupt { .. })));
    assert_eq!(
        std::fs::read(&damaged).unwrap(),
        vec![0x5a; 8192],
        "left as it was"
    );
}

#[test]
fn damaged_pages_fail_the_integrity_check_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.sqlite3");
    {
        let store = Store::open(&path).unwrap();
        for _ in 0..200 {
            store.record_check_in(&check_in(), None).unwrap();
        }
        store
            .pragma_for_tests("PRAGMA wal_checkpoint(TRUNCATE)")
            .unwrap();
    }
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 4096 * 4);
    // Scribble over the b-tree pages after the schema page.
    for b in &mut bytes[4096 + 16..4096 * 3] {
        *b = 0xff;
    }
    std::fs::write(&path, bytes).unwrap();
    let e = Store::open(&path).unwrap_err();
    assert!(e.to_string().contains("is damaged"), "{e}");
}

#[test]
fn a_full_disk_refuses_the_write_and_keeps_what_was_saved() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("k.sqlite3")).unwrap();
    let saved = store
        .record_check_in(&check_in(), None)
        .unwrap()
        .check_in_id;
    // Cap the file at its current size: the next write finds the "disk" full.
    store.pragma_for_tests("PRAGMA max_page_count = 1").unwrap();
    let mut refused = None;
    for _ in 0..500 {
        if let Err(e) = store.record_check_in(&check_in(), None) {
            refused = Some(e);
            break;
        }
    }
    let e = refused.expect("the capped database filled up");
    assert!(matches!(e, StoreError::DiskFull), "{e:?}");
    assert!(e.to_string().contains("free some space"), "{e}");
    assert!(store.has_check_in(saved).unwrap());
    // Space comes back: writing works again, and counts still match rows.
    store
        .pragma_for_tests("PRAGMA max_page_count = 1073741823")
        .unwrap();
    store.record_check_in(&check_in(), None).unwrap();
    assert_eq!(
        store.footfall_total().unwrap().checkins(),
        store.check_in_count().unwrap()
    );
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

#[test]
fn a_read_only_database_refuses_writes_with_what_to_check() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("k.sqlite3")).unwrap();
    let saved = store
        .record_check_in(&check_in(), None)
        .unwrap()
        .check_in_id;
    store.pragma_for_tests("PRAGMA query_only = ON").unwrap();
    let e = store.record_check_in(&check_in(), None).unwrap_err();
    assert!(matches!(e, StoreError::ReadOnly), "{e:?}");
    assert!(e.to_string().contains("mounted read-write"), "{e}");
    assert!(store.has_check_in(saved).unwrap());
}

#[test]
fn a_newer_schema_is_refused_rather_than_misread() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.sqlite3");
    Store::open(&path)
        .unwrap()
        .pragma_for_tests("PRAGMA user_version = 99")
        .unwrap();
    let e = Store::open(&path).unwrap_err();
    assert!(e.to_string().contains("newer version"), "{e}");
}
