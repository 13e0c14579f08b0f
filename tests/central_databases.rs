//! A kiosk's database replaced (a new SD card, a restore): the central service orders the
//! database ids of each kiosk by when it first heard of them, takes the newest one's totals
//! whatever their revision, and refuses (409) a late upload from a superseded one, so it cannot
//! overwrite the newer totals. Also: a central database written before ids were numbered is
//! migrated with the id heard from last as the current one.

mod sync_support;

use hub_kiosk::central::CentralStore;
use hub_kiosk::sync::{Outcome, policy::Policy, policy::Step};
use reqwest::StatusCode;
use serde_json::json;
use sync_support::fixture::*;
use sync_support::*;

#[tokio::test]
async fn a_late_upload_from_a_replaced_database_does_not_overwrite_newer_totals() {
    let f = fixture().await;
    let h = "2026-11-23T10:00:00Z";
    // The old database had counted far: revision 11.
    let (s, _) = f
        .put(KIOSK_TOKEN, &upload("old", json!([bucket(h, 11, 40)])))
        .await;
    assert_eq!(s, StatusCode::OK);
    // The kiosk's database is replaced; the new one starts again at revision 1 and is taken.
    let (s, body) = f
        .put(KIOSK_TOKEN, &upload("new", json!([bucket(h, 1, 7)])))
        .await;
    assert_eq!((s, body["stored"].clone()), (StatusCode::OK, json!(1)));
    assert_eq!(f.door_in(h), 7);
    // A delayed request from the old database, with a higher revision, arrives late.
    let (s, body) = f
        .put(KIOSK_TOKEN, &upload("old", json!([bucket(h, 12, 41)])))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("replaced"),
        "{body}"
    );
    assert_eq!(f.door_in(h), 7, "the newer totals stand");
    // The new database carries on.
    f.put(KIOSK_TOKEN, &upload("new", json!([bucket(h, 2, 8)])))
        .await;
    assert_eq!(f.door_in(h), 8);
    assert_eq!(f.central.central.metrics.uploads.get("superseded"), 1);

    // The kiosk that gets the 409 keeps its hours and stops sending for a while.
    let mut policy = Policy::new(Default::default(), 200);
    let outcome = Outcome::from_status(409, body["detail"].to_string(), None);
    assert!(matches!(policy.decide(1, &outcome, 0.5), Step::Pause(_)));
}

#[test]
fn ids_already_held_are_numbered_by_when_each_was_last_heard_from() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("central.sqlite3");
    {
        // The first schema, as released, with one kiosk's hour from two databases.
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "CREATE TABLE bucket (site TEXT NOT NULL, kiosk TEXT NOT NULL, hour INTEGER NOT NULL,
                database TEXT NOT NULL, revision INTEGER NOT NULL, door_in INTEGER NOT NULL,
                door_out INTEGER NOT NULL, checkins_anonymous INTEGER NOT NULL,
                checkins_member INTEGER NOT NULL, dropins_joined INTEGER NOT NULL,
                dropins_seen INTEGER NOT NULL, dropins_no_show INTEGER NOT NULL,
                needs TEXT NOT NULL, waits TEXT NOT NULL, received_ms INTEGER NOT NULL,
                PRIMARY KEY (site, kiosk, hour)) WITHOUT ROWID;
             CREATE INDEX bucket_site_hour ON bucket (site, hour);
             CREATE TABLE kiosk_contact (site TEXT NOT NULL, kiosk TEXT NOT NULL,
                last_ms INTEGER NOT NULL, last_data_ms INTEGER, PRIMARY KEY (site, kiosk)) WITHOUT ROWID;
             PRAGMA user_version = 1;",
        )
        .unwrap();
        for (hour, db, received) in [
            (1_795_431_600, database_id("new"), 2_000),
            (1_795_428_000, database_id("old"), 1_000),
        ] {
            c.execute(
                "INSERT INTO bucket VALUES ('walton', 'entrance', ?1, ?2, 3, 5, 0, 0, 0, 0, 0, 0, '{}', '{}', ?3)",
                rusqlite::params![hour, db, received],
            )
            .unwrap();
        }
    }
    let store = CentralStore::open(&path).unwrap();
    assert_eq!(store.bucket_count().unwrap(), 2, "every row kept");
    // Every migration since (the table keyed again at 6) keeps the hours and their counts.
    let at = |s: i64| chrono::DateTime::from_timestamp(s, 0).unwrap();
    let hours = store
        .hours("walton", None, at(1_795_428_000), at(1_795_435_200))
        .unwrap();
    let read: Vec<_> = hours
        .iter()
        .map(|(h, c)| (h.timestamp(), c.door_in))
        .collect();
    assert_eq!(read, [(1_795_428_000, 5), (1_795_431_600, 5)]);
    let now = chrono::Utc::now();
    let late = store
        .upsert("walton", "entrance", &database_id("old"), &[], now)
        .unwrap();
    assert!(
        matches!(late, hub_kiosk::central::store::Upsert::Superseded { .. }),
        "{late:?}"
    );
    let current = store
        .upsert("walton", "entrance", &database_id("new"), &[], now)
        .unwrap();
    assert!(matches!(
        current,
        hub_kiosk::central::store::Upsert::Done(_)
    ));
}
