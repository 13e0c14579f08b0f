//! The central service over real HTTP on 127.0.0.1: uploads checked and stored idempotently,
//! clear refusals naming what is wrong, daily JSON and CSV, who may read what, `/healthz` and
//! `/metrics`.

mod sync_support;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use hub_kiosk::clock::ManualClock;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sync_support::*;

const NOW: &str = "2026-11-23T15:20:00Z";

struct Fixture {
    _dir: tempfile::TempDir,
    central: RunningCentral,
    http: reqwest::Client,
}

async fn fixture() -> Fixture {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(NOW.parse().unwrap()));
    let central = start_central(dir.path(), clock, loopback());
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Fixture {
        _dir: dir,
        central,
        http,
    }
}

fn upload(database: &str, buckets: Value) -> Value {
    json!({"version": 1, "site": "walton", "kiosk": "entrance", "database": database, "buckets": buckets})
}

fn bucket(hour: &str, revision: i64, door_in: i64) -> Value {
    json!({"hour": hour, "revision": revision, "counts": {
        "door_in": door_in, "checkins_anonymous": 2, "needs": {"housing": 1, "money": 2},
        "dropins_joined": 1, "dropins_seen": 1, "waits": {"14": 1}}})
}

impl Fixture {
    async fn put(&self, token: &str, body: &Value) -> (StatusCode, Value) {
        let r = self
            .http
            .put(format!("{}/api/v1/footfall", self.central.url))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap();
        let s = r.status();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, token: Option<&str>, path: &str) -> reqwest::Response {
        let mut req = self.http.get(format!("{}{path}", self.central.url));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap()
    }

    fn door_in(&self, hour: &str) -> i64 {
        let h: DateTime<Utc> = hour.parse().unwrap();
        central_hours(&self.central.central)
            .iter()
            .find(|(x, _)| *x == h)
            .map_or(0, |(_, c)| c.door_in)
    }
}

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
    assert!(body["error"].as_str().unwrap().contains("none was stored"));
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

    let mut v2 = upload("d", json!([]));
    v2["version"] = json!(2);
    let (s, body) = f.put(KIOSK_TOKEN, &v2).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"].as_str().unwrap().contains("version 2"));

    let many: Vec<Value> = (0..1001).map(|_| bucket(ok, 1, 1)).collect();
    let (s, _) = f.put(KIOSK_TOKEN, &upload("d", json!(many))).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);

    let (s, body) = f.put(KIOSK_TOKEN, &json!({"site": "walton"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        body["error"].as_str().unwrap().contains("missing field"),
        "{body}"
    );
    let mut bad_need = bucket(ok, 1, 1);
    bad_need["counts"]["needs"] = json!({"Housing!": 1});
    let (s, body) = f.put(KIOSK_TOKEN, &upload("d", json!([bad_need]))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]
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
    assert!(e["error"].as_str().unwrap().contains("unknown kiosk token"));
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
    let msg = e["error"].as_str().unwrap();
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
async fn daily_footfall_as_json_and_csv_in_site_local_days() {
    let f = fixture().await;
    // 23:00 UTC on 22 Nov is still 22 Nov in London (GMT); 00:00 UTC on 23 Nov is the 23rd.
    let buckets = json!([
        bucket("2026-11-22T23:00:00Z", 1, 4),
        bucket("2026-11-23T00:00:00Z", 1, 5),
        bucket("2026-11-23T10:00:00Z", 1, 6)
    ]);
    assert_eq!(
        f.put(KIOSK_TOKEN, &upload("d", buckets)).await.0,
        StatusCode::OK
    );
    let bootle = json!({"version": 1, "site": "bootle", "kiosk": "entrance", "database": "b",
        "buckets": [bucket("2026-11-23T11:00:00Z", 1, 10)]});
    assert_eq!(
        f.put("kiosk-token-bootle-entrance-0123456789", &bootle)
            .await
            .0,
        StatusCode::OK
    );

    let r = f
        .get(
            Some(READER_TOKEN),
            "/api/v1/footfall/daily?from=2026-11-22&to=2026-11-23",
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    let walton = &v["sites"][0];
    assert_eq!(walton["site"], "walton");
    assert_eq!(walton["days"][0]["date"], "2026-11-22");
    assert_eq!(walton["days"][0]["counts"]["door_in"], 4);
    assert_eq!(walton["days"][1]["counts"]["door_in"], 11);
    assert_eq!(walton["days"][1]["counts"]["needs"]["money"], 4);
    assert_eq!(walton["days"][1]["median_wait_minutes"], 14);
    assert_eq!(
        v["sites"][1]["days"][0]["door_in_calibrated"], 11,
        "Bootle's factor 1.1"
    );

    let r = f
        .get(
            Some(READER_TOKEN),
            "/api/v1/footfall/daily?from=2026-11-22&to=2026-11-23&site=walton&format=csv",
        )
        .await;
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = r.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].starts_with("site,date,door_in,door_in_calibrated,door_out,checkins_anonymous"),
        "{csv}"
    );
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        lines[2].starts_with("walton,2026-11-23,11,11,0,4,0,"),
        "{csv}"
    );

    // A site manager sees their own site only.
    let manager = "reader-token-bootle-manager-0123456789";
    let v: Value = f
        .get(
            Some(manager),
            "/api/v1/footfall/daily?from=2026-11-22&to=2026-11-23",
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["sites"].as_array().unwrap().len(), 1);
    assert_eq!(v["sites"][0]["site"], "bootle");
    let r = f
        .get(Some(manager), "/api/v1/footfall/daily?site=walton")
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    for (path, status, words) in [
        (
            "/api/v1/footfall/daily?site=nowhere",
            404,
            "no site `nowhere`",
        ),
        (
            "/api/v1/footfall/daily?from=23/11/2026",
            400,
            "write it as YYYY-MM-DD",
        ),
        (
            "/api/v1/footfall/daily?from=2026-11-23&to=2026-11-01",
            400,
            "is after",
        ),
        (
            "/api/v1/footfall/daily?from=2020-01-01&to=2026-11-01",
            400,
            "at most 366 days",
        ),
        ("/api/v1/footfall/daily?format=xml", 400, "use json or csv"),
    ] {
        let r = f.get(Some(READER_TOKEN), path).await;
        assert_eq!(r.status().as_u16(), status, "{path}");
        let v: Value = r.json().await.unwrap();
        assert!(v["error"].as_str().unwrap().contains(words), "{path}: {v}");
    }
    assert_eq!(
        f.get(None, "/api/v1/footfall/daily").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        f.get(Some(KIOSK_TOKEN), "/api/v1/footfall/daily")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn health_metrics_kiosks_and_pages_need_the_right_access() {
    let f = fixture().await;
    f.put(
        KIOSK_TOKEN,
        &upload("d", json!([bucket("2026-11-23T10:00:00Z", 1, 3)])),
    )
    .await;
    let r = f.get(None, "/healthz").await;
    assert_eq!(
        (r.status(), r.text().await.unwrap()),
        (StatusCode::OK, "ok\n".to_owned())
    );
    assert_eq!(
        f.get(None, "/metrics").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let text = f
        .get(Some(READER_TOKEN), "/metrics")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("hub_central_uploads_total{outcome=\"accepted\"} 1"),
        "{text}"
    );
    assert!(text.contains("hub_central_buckets 1"));
    assert!(
        text.contains(
            "hub_central_kiosk_last_contact_seconds{site=\"walton\",kiosk=\"entrance\"} 0"
        )
    );
    let kiosks: Value = f
        .get(Some(READER_TOKEN), "/api/v1/kiosks")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(kiosks[0]["kiosk"], "entrance");

    // Pages: without access, to the sign-in page and back; with a reader token, the numbers.
    let r = f.get(None, "/sites/walton?from=2026-11-23").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        "/sign-in?next=/sites/walton%3Ffrom%3D2026-11-23"
    );
    let page = f
        .get(Some(READER_TOKEN), "/?from=2026-11-20&to=2026-11-23")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("The Life Rooms Walton") && page.contains("The Life Rooms Bootle"));
    assert!(
        page.contains("<svg") && page.contains("entrance: just now"),
        "{page}"
    );
    let site = f
        .get(
            Some(READER_TOKEN),
            "/sites/walton?from=2026-11-20&to=2026-11-23",
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        site.contains("<table class=\"footfall\">") && site.contains("<td>3</td>"),
        "{site}"
    );
    assert!(site.contains("Housing"));
    let manager = "reader-token-bootle-manager-0123456789";
    assert_eq!(
        f.get(Some(manager), "/sites/walton").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        f.get(Some(READER_TOKEN), "/sites/nowhere").await.status(),
        StatusCode::NOT_FOUND
    );
    let overview = f.get(Some(manager), "/").await.text().await.unwrap();
    assert!(
        !overview.contains("Walton"),
        "a manager sees only their site"
    );
}
