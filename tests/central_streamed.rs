//! Uploads written as kiosks write them (`version`, `site`, `kiosk`, `database`, then the
//! buckets) are stored while they are read (`src/central/stream.rs`): over real HTTP on
//! 127.0.0.1, long uploads are stored whole; a bad bucket late in one, a field given twice,
//! bytes after the upload or an old kiosk database store nothing of it, though earlier buckets
//! were already in the open transaction; numbers written `7.0` still read the usual way; and
//! uploads sent at once on a runtime with several workers are all stored.

mod sync_support;

use chrono::{DateTime, Duration, Utc};
use hub_kiosk::domain::Counts;
use hub_kiosk::sync::wire::{Bucket, Upload};
use reqwest::StatusCode;
use serde_json::Value;
use sync_support::fixture::*;
use sync_support::*;

/// `n` hours of footfall ending with the hour before `NOW`'s day, `door_in` = 1 + the hour's
/// place, as the kiosk's own types write them (the wire's field order).
fn kiosk_upload(database: &str, first: usize, n: usize) -> Upload {
    let day: DateTime<Utc> = "2026-11-23T00:00:00Z".parse().unwrap();
    let buckets = (first..first + n)
        .map(|i| {
            let mut counts = Counts {
                door_in: 1 + i as i64,
                checkins_anonymous: 1,
                ..Counts::default()
            };
            counts.waits.insert(3, 1);
            Bucket {
                hour: day - Duration::hours(1 + i as i64),
                revision: 1,
                counts,
            }
        })
        .collect();
    Upload {
        version: hub_kiosk::sync::wire::FORMAT_VERSION,
        site: "walton".into(),
        kiosk: "entrance".into(),
        database: database_id(database),
        buckets,
        software: Some("2.0.0".into()),
    }
}

fn hour(i: usize) -> String {
    let day: DateTime<Utc> = "2026-11-23T00:00:00Z".parse().unwrap();
    (day - Duration::hours(1 + i as i64))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

async fn put_text(f: &Fixture, body: String) -> (StatusCode, Value) {
    f.put_text(KIOSK_TOKEN, body).await
}

fn text(up: &Upload) -> String {
    let t = serde_json::to_string(up).unwrap();
    assert!(t.starts_with(r#"{"version":"#), "the wire's own order: {t}");
    t
}

#[tokio::test]
async fn a_long_upload_is_stored_whole_and_a_late_bad_bucket_stores_none_of_it() {
    let f = fixture().await;
    let (s, body) = put_text(&f, text(&kiosk_upload("db-1", 0, 300))).await;
    assert_eq!(
        (s, &body["stored"]),
        (StatusCode::OK, &Value::from(300)),
        "{body}"
    );
    assert_eq!(f.door_in(&hour(0)), 1);
    assert_eq!(f.door_in(&hour(299)), 300);
    let contacts = f.central.central.store.contacts().unwrap();
    assert_eq!(contacts[0].software.as_deref(), Some("2.0.0"));

    // Hours 300–599, the 251st of them wrong: 250 were in the transaction when it was read.
    let mut up = kiosk_upload("db-1", 300, 300);
    up.buckets[250].counts.door_in = -1;
    let (s, body) = put_text(&f, text(&up)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["problems"][0]["bucket"], Value::from(250), "{body}");
    assert_eq!(body["problems"][0]["field"], "counts.door_in", "{body}");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .starts_with("1 of 300 buckets")
    );
    assert_eq!(
        f.door_in(&hour(300)),
        0,
        "nothing of a refused upload is stored"
    );
    assert_eq!(f.door_in(&hour(549)), 0);

    // The same hours twice in one upload, the second far into it.
    let mut up = kiosk_upload("db-1", 300, 100);
    up.buckets[90].hour = up.buckets[10].hour;
    let (s, body) = put_text(&f, text(&up)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("appears twice"), "{body}");
    assert_eq!(f.door_in(&hour(300)), 0);
}

#[tokio::test]
async fn odd_bodies_store_nothing_and_are_answered_in_the_usual_words() {
    let f = fixture().await;
    let good = text(&kiosk_upload("db-1", 0, 40));
    // `buckets` twice: read as a JSON value reads it, the last one (none) is taken, and
    // nothing of the first, which was being written as it was read.
    let twice = good.replacen(r#","software""#, r#","buckets":[],"software""#, 1);
    let (s, body) = put_text(&f, twice).await;
    assert_eq!(
        (s, &body["stored"]),
        (StatusCode::OK, &Value::from(0)),
        "{body}"
    );
    assert_eq!(f.door_in(&hour(0)), 0);

    // Bytes after the upload.
    let (s, body) = put_text(&f, format!("{good} x")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("trailing characters"),
        "{body}"
    );
    assert_eq!(f.door_in(&hour(0)), 0);

    // Cut short inside the buckets.
    let (s, body) = put_text(&f, good[..good.len() / 2].to_string()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(f.door_in(&hour(0)), 0);

    // A whole number written with a fraction reads the usual way, and is stored.
    let seven = good.replacen(r#""door_in":1,"#, r#""door_in":7.0,"#, 1);
    assert_ne!(seven, good);
    let (s, body) = put_text(&f, seven).await;
    assert_eq!(
        (s, &body["stored"]),
        (StatusCode::OK, &Value::from(40)),
        "{body}"
    );
    assert_eq!(f.door_in(&hour(0)), 7);
    assert_eq!(f.door_in(&hour(39)), 40);

    // The kiosk's fields after its buckets: read, then stored the same.
    let mut up = kiosk_upload("db-1", 0, 40);
    up.buckets[0].revision = 2;
    up.buckets[0].counts.door_in = 11;
    let v = serde_json::to_value(&up).unwrap();
    let last = format!(
        r#"{{"buckets":{},"software":"2.0.1","database":"{}","kiosk":"entrance","site":"walton","version":2}}"#,
        v["buckets"], up.database
    );
    let (s, body) = put_text(&f, last).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(f.door_in(&hour(0)), 11);
    let contacts = f.central.central.store.contacts().unwrap();
    assert_eq!(contacts[0].software.as_deref(), Some("2.0.1"));

    // Another kiosk's name in an upload sent with this kiosk's token.
    let mut other = kiosk_upload("db-1", 100, 40);
    other.kiosk = "upstairs".into();
    let (s, _) = put_text(&f, text(&other)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(f.door_in(&hour(100)), 0);

    // A replaced kiosk database: its late upload changes nothing.
    let (s, _) = put_text(&f, text(&kiosk_upload("db-2", 200, 1))).await;
    assert_eq!(s, StatusCode::OK);
    let (s, body) = put_text(&f, text(&kiosk_upload("db-1", 0, 40))).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert_eq!(f.door_in(&hour(0)), 11);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_sent_at_once_on_several_workers_are_all_stored() {
    let f = std::sync::Arc::new(fixture().await);
    let sends = (0..8).map(|k| {
        let f = f.clone();
        tokio::spawn(async move { put_text(&f, text(&kiosk_upload("db-1", k * 100, 100))).await })
    });
    for send in sends.collect::<Vec<_>>() {
        let (s, body) = send.await.unwrap();
        assert_eq!(
            (s, &body["stored"]),
            (StatusCode::OK, &Value::from(100)),
            "{body}"
        );
    }
    let hours = central_hours(&f.central.central);
    assert_eq!(hours.len(), 800);
    let total: i64 = hours.iter().map(|(_, c)| c.door_in).sum();
    assert_eq!(total, (1..=800).sum::<i64>());
}
