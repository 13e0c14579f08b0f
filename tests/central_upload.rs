//! Uploads to the central service over real HTTP on 127.0.0.1: stored idempotently (resending
//! replaces, older revisions are ignored), and refused with clear errors naming what is wrong.

mod sync_support;

use reqwest::StatusCode;
use serde_json::{Value, json};
use sync_support::fixture::*;
use sync_support::*;

#[tokio::test]
async fn resending_replaces_and_older_revisions_are_ignored() {
    let f = fixture().await;
    let h = "2026-11-23T10:00:00Z";
    let (s, body) = f
        .put(KIOSK_TOKEN, &upload("db-1", json!([bucket(h, 3, 7)])))
        .await;
    assert_eq!(
        (s, body),
        (StatusCode::OK, json!({"stored": 1, "stale": 0}))
    );
    // The same again: replaced, not added.
    f.put(KIOSK_TOKEN, &upload("db-1", json!([bucket(h, 3, 7)])))
        .await;
    assert_eq!(f.door_in(h), 7);
    // A delayed, older revision does not undo the newer totals.
    f.put(KIOSK_TOKEN, &upload("db-1", json!([bucket(h, 5, 9)])))
        .await;
    let (s, body) = f
        .put(KIOSK_TOKEN, &upload("db-1", json!([bucket(h, 4, 8)])))
        .await;
    assert_eq!(
        (s, body),
        (StatusCode::OK, json!({"stored": 0, "stale": 1}))
    );
    assert_eq!(f.door_in(h), 9);
    // A replaced kiosk database starts its revisions again: its totals are taken.
    f.put(KIOSK_TOKEN, &upload("db-2", json!([bucket(h, 1, 2)])))
        .await;
    assert_eq!(f.door_in(h), 2);
    // An empty upload is a heartbeat.
    let (s, _) = f.put(KIOSK_TOKEN, &upload("db-2", json!([]))).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(f.central.central.store.contacts().unwrap().len(), 1);
}

#[tokio::test]
async fn bad_uploads_are_refused_with_what_is_wrong() {
    let f = fixture().await;
    let ok = "2026-11-23T10:00:00Z";
    let mut negative = bucket(ok, 1, -3);
    negative["counts"]["needs"]["money"] = json!(-1);
    let (s, body) = f
        .put(
            KIOSK_TOKEN,
            &upload("d", json!([bucket(ok, 1, 1), negative])),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let problems = body["problems"].as_array().unwrap();
    let fields: Vec<&str> = problems
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"counts.door_in") && fields.contains(&"counts.needs.money"),
        "{body}"
    );
    assert!(fields.contains(&"hour"), "the same hour twice: {body}");
    assert_eq!(problems[0]["bucket"], json!(1));
    assert!(body["detail"].as_str().unwrap().contains("none was stored"));
    assert_eq!(f.door_in(ok), 0, "a refused upload stores nothing");

    let far = bucket("2026-11-25T10:00:00Z", 1, 1);
    let (s, body) = f.put(KIOSK_TOKEN, &upload("d", json!([far]))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("check the kiosk's clock"),
        "{body}"
    );
    let (s, body) = f
        .put(
            KIOSK_TOKEN,
            &upload("d", json!([bucket("2026-11-23T10:30:00Z", 1, 1)])),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.to_string().contains("not the start of an hour"));
    let (s, body) = f
        .put(
            KIOSK_TOKEN,
            &upload("d", json!([bucket("2019-01-01T10:00:00Z", 1, 1)])),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.to_string().contains("clock was not set"));

    let mut newer = upload("d", json!([]));
    newer["version"] = json!(hub_kiosk::sync::wire::FORMAT_VERSION + 1);
    let (s, body) = f.put(KIOSK_TOKEN, &newer).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let newer = format!("version {}", hub_kiosk::sync::wire::FORMAT_VERSION + 1);
    assert!(body["detail"].as_str().unwrap().contains(&newer), "{body}");

    let many: Vec<Value> = (0..1001).map(|_| bucket(ok, 1, 1)).collect();
    let (s, _) = f.put(KIOSK_TOKEN, &upload("d", json!(many))).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);

    let (s, body) = f.put(KIOSK_TOKEN, &json!({"site": "walton"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        body["detail"].as_str().unwrap().contains("missing field"),
        "{body}"
    );
    let mut bad_need = bucket(ok, 1, 1);
    bad_need["counts"]["needs"] = json!({"Housing!": 1});
    let (s, body) = f.put(KIOSK_TOKEN, &upload("d", json!([bad_need]))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("not a valid need id"),
        "{body}"
    );
}

#[tokio::test]
async fn unknown_kiosks_and_mismatched_tokens_are_refused_by_name() {
    let f = fixture().await;
    let body = upload("d", json!([bucket("2026-11-23T10:00:00Z", 1, 1)]));
    let (s, e) = f.put("no-such-token-0123456789abcdef", &body).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(
        e["detail"]
            .as_str()
            .unwrap()
            .contains("unknown kiosk token")
    );
    let r = f
        .http
        .put(format!("{}/api/v1/footfall", f.central.url))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // Bootle's token cannot write Walton's counts.
    let (s, e) = f.put("kiosk-token-bootle-entrance-0123456789", &body).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let msg = e["detail"].as_str().unwrap();
    assert!(
        msg.contains("`bootle`") && msg.contains("`walton`"),
        "{msg}"
    );
    // A reader's token cannot upload.
    let (s, _) = f.put(READER_TOKEN, &body).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(f.central.central.metrics.uploads.get("forbidden"), 1);
    assert_eq!(f.central.central.metrics.uploads.get("unauthorized"), 3);
}

#[tokio::test]
async fn help_requests_and_closed_drop_ins_are_kept_and_older_kiosks_without_them_still_pass() {
    let f = fixture().await;
    let (new, old) = ("2026-11-23T16:00:00Z", "2026-11-23T17:00:00Z");
    let mut with = bucket(new, 1, 4);
    with["counts"]["dropins_joined"] = json!(3);
    with["counts"]["dropins_closed"] = json!(2);
    with["counts"]["help_requests"] = json!(1);
    // An older kiosk sends neither field: the same upload format, read as 0.
    let without = bucket(old, 1, 5);
    assert!(without["counts"].get("help_requests").is_none());
    let (s, body) = f
        .put(KIOSK_TOKEN, &upload("db-1", json!([with, without])))
        .await;
    assert_eq!(
        (s, body),
        (StatusCode::OK, json!({"stored": 2, "stale": 0}))
    );
    let hours = central_hours(&f.central.central);
    let at = |h: &str| {
        let h: chrono::DateTime<chrono::Utc> = h.parse().unwrap();
        hours.iter().find(|(x, _)| *x == h).unwrap().1.clone()
    };
    assert_eq!((at(new).dropins_closed, at(new).help_requests), (2, 1));
    assert_eq!((at(old).dropins_closed, at(old).help_requests), (0, 0));
    // More closed than joined cannot be.
    let mut wrong = bucket(new, 2, 4);
    wrong["counts"]["dropins_closed"] = json!(5);
    let (s, body) = f.put(KIOSK_TOKEN, &upload("db-1", json!([wrong]))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.to_string().contains("closed"), "{body}");
}
