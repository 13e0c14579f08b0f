//! What one upload may do to the central service, over real HTTP on 127.0.0.1 with a real
//! SQLite file: every string it carries is bounded (ids, a UUID for the database), the database
//! id is stored once however many buckets name it, the worst body the service accepts grows the
//! database and its WAL by a bounded amount, and a reader limited to one site sees only that
//! site's series in /metrics.

mod sync_support;

use std::path::Path;

use reqwest::StatusCode;
use serde_json::{Value, json};
use sync_support::fixture::*;
use sync_support::*;

/// Bytes of the central database and its WAL.
fn disk_use(dir: &Path) -> u64 {
    ["central.sqlite3", "central.sqlite3-wal"]
        .iter()
        .filter_map(|f| std::fs::metadata(dir.join(f)).ok())
        .map(|m| m.len())
        .sum()
}

fn data_dir(f: &Fixture) -> std::path::PathBuf {
    f.central.central.config.service.data_dir.clone()
}

/// `n` buckets on distinct hours back from the fixture's clock, each `counts` plus `door_in`.
fn buckets(n: usize, counts: &Value) -> Vec<Value> {
    let now: chrono::DateTime<chrono::Utc> = NOW.parse().unwrap();
    (0..n)
        .map(|i| {
            let hour = now - chrono::Duration::hours(i as i64 + 1);
            let hour = hour.format("%Y-%m-%dT%H:00:00Z").to_string();
            json!({"hour": hour, "revision": 1, "counts": counts})
        })
        .collect()
}

#[tokio::test]
async fn every_string_of_an_upload_is_bounded() {
    let f = fixture().await;
    let h = "2026-11-23T10:00:00Z";
    let with = |field: &str, value: Value| {
        let mut up = upload("d", json!([bucket(h, 1, 1)]));
        up[field] = value;
        up
    };
    for (up, words) in [
        (with("site", json!("walton\nINFO forged")), "`site`"),
        (with("site", json!("w".repeat(41))), "`site`"),
        (with("kiosk", json!("Entrance")), "`kiosk`"),
        (with("database", json!("d".repeat(100_000))), "`database`"),
        (with("database", json!("not-a-uuid")), "a UUID"),
        (
            with("database", json!("5B0C6F0E-6A1F-4B43-9A55-1D2F0C3E7A21")),
            "a UUID",
        ),
    ] {
        let (s, body) = f.put(KIOSK_TOKEN, &up).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let detail = body["detail"].as_str().unwrap();
        assert!(detail.contains(words), "{detail}");
        assert!(!detail.contains("forged") && detail.len() < 200, "{detail}");
    }
    // Counts: too many needs or waits, and more seen and missed than joined.
    let mut c = bucket(h, 1, 1)["counts"].clone();
    c["needs"] = (0..101).map(|i| (format!("n{i}"), json!(1))).collect();
    c["waits"] = (0..1001).map(|i| (i.to_string(), json!(1))).collect();
    c["dropins_joined"] = json!(2);
    c["dropins_seen"] = json!(2);
    c["dropins_no_show"] = json!(1);
    let (s, body) = f
        .put(
            KIOSK_TOKEN,
            &upload("d", json!([{"hour": h, "revision": 1, "counts": c}])),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<&str> = body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    for want in ["counts.needs", "counts.waits", "counts.dropins_seen"] {
        assert!(fields.contains(&want), "{want}: {fields:?}");
    }
    assert_eq!(f.door_in(h), 0, "nothing of a refused upload is stored");
}

#[tokio::test]
async fn one_upload_cannot_grow_the_database_without_bound() {
    let f = fixture().await;
    let dir = data_dir(&f);
    // The upload that grew the database by ~100 MB: a 100 KB database id on 1,000 buckets.
    let counts = json!({"door_in": 1});
    let attack = json!({"version": 1, "site": "walton", "kiosk": "entrance",
        "database": "d".repeat(100_000), "buckets": buckets(1000, &counts)});
    let before = disk_use(&dir);
    let (s, _) = f.put(KIOSK_TOKEN, &attack).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        disk_use(&dir) - before < 64 * 1024,
        "a refused upload adds nothing"
    );

    // The worst the service accepts: 1,000 buckets on new hours, each with as many needs and
    // waits as fit in the 1 MiB body, every count at its most.
    let mut counts = json!({"door_in": 100000, "door_out": 100000, "checkins_anonymous": 100000,
        "checkins_member": 100000, "dropins_joined": 100000, "dropins_seen": 50000,
        "dropins_no_show": 50000});
    counts["waits"] = (0..10)
        .map(|i| ((9000 + i).to_string(), json!(100000)))
        .collect();
    let with_needs = |n: usize| {
        let mut c = counts.clone();
        c["needs"] = (0..n)
            .map(|i| (format!("need-{i:03}-{}", "x".repeat(23)), json!(100000)))
            .collect();
        let up = upload("worst", json!(buckets(1000, &c)));
        let size = serde_json::to_vec(&up).unwrap().len() as u64;
        (up, size)
    };
    // The body grows by the same amount per need: as many as fit.
    let (base, one) = (with_needs(0).1, with_needs(1).1);
    let (worst, size) = with_needs(((1024 * 1024 - base) / (one - base)) as usize);
    assert!(size > 1000 * 1024, "{size} bytes");
    let before = disk_use(&dir);
    let (s, body) = f.put(KIOSK_TOKEN, &worst).await;
    assert_eq!((s, body["stored"].clone()), (StatusCode::OK, json!(1000)));
    let grown = disk_use(&dir) - before;
    println!("a {size}-byte upload grew the database and WAL by {grown} bytes");
    assert!(grown < 4 * size, "{grown} bytes for a {size}-byte upload");

    // The database id is stored once, not on every row.
    let again = worst.clone();
    let before = disk_use(&dir);
    f.put(KIOSK_TOKEN, &again).await;
    assert!(disk_use(&dir) - before < 2 * size);
}

#[tokio::test]
async fn a_reader_limited_to_one_site_sees_only_its_series() {
    let f = fixture().await;
    let h = "2026-11-23T10:00:00Z";
    f.put(KIOSK_TOKEN, &upload("w", json!([bucket(h, 1, 3)])))
        .await;
    let bootle = json!({"version": 1, "site": "bootle", "kiosk": "entrance",
        "database": database_id("b"), "buckets": [bucket(h, 1, 5), bucket("2026-11-23T11:00:00Z", 1, 5)]});
    let (s, _) = f
        .put("kiosk-token-bootle-entrance-0123456789", &bootle)
        .await;
    assert_eq!(s, StatusCode::OK);
    let f = &f;
    let text = |token: &'static str| async move {
        f.get(Some(token), "/metrics").await.text().await.unwrap()
    };
    let everyone = text(READER_TOKEN).await;
    assert!(everyone.contains("site=\"walton\"") && everyone.contains("site=\"bootle\""));
    assert!(everyone.contains("hub_central_buckets 3"), "{everyone}");
    let manager = text("reader-token-bootle-manager-0123456789").await;
    assert!(!manager.contains("walton"), "{manager}");
    assert!(
        manager
            .contains("hub_central_kiosk_last_contact_seconds{site=\"bootle\",kiosk=\"entrance\"}"),
        "{manager}"
    );
    assert!(manager.contains("hub_central_buckets 2"), "{manager}");
}

/// The limits the service enforces are the ones `docs/central-openapi.json` states.
#[test]
fn the_document_states_the_limits_the_service_enforces() {
    use hub_kiosk::central::validate::*;
    let doc: Value = serde_json::from_str(hub_kiosk::central::api::OPENAPI).unwrap();
    let schemas = &doc["components"]["schemas"];
    let counts = &schemas["Counts"]["properties"];
    assert_eq!(counts["door_in"]["maximum"], json!(MOST_PER_HOUR));
    assert_eq!(counts["needs"]["maxProperties"], json!(MOST_NEEDS));
    assert_eq!(counts["waits"]["maxProperties"], json!(MOST_WAITS));
    let waits = counts["waits"]["propertyNames"]["pattern"]
        .as_str()
        .unwrap();
    assert!(waits.contains(&LONGEST_WAIT.to_string()), "{waits}");
    assert_eq!(
        schemas["Upload"]["properties"]["buckets"]["maxItems"],
        json!(hub_kiosk::sync::wire::MAX_BUCKETS)
    );
    let daily = &doc["paths"]["/api/v1/footfall/daily"]["get"];
    assert_eq!(
        daily["x-max-range-days"],
        json!(hub_kiosk::central::api::MOST_DAYS)
    );
    let put = doc["paths"]["/api/v1/footfall"]["put"]["description"]
        .as_str()
        .unwrap();
    assert_eq!(BODY_LIMIT, 1024 * 1024);
    assert!(put.contains("at most 1 MiB"), "{put}");
}
