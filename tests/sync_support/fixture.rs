//! A central service on 127.0.0.1 with a fixed clock, and a client for its API.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use hub_kiosk::clock::ManualClock;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::*;

pub const NOW: &str = "2026-11-23T15:20:00Z";

pub struct Fixture {
    _dir: tempfile::TempDir,
    pub central: RunningCentral,
    pub http: reqwest::Client,
}

pub async fn fixture() -> Fixture {
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

pub fn upload(database: &str, buckets: Value) -> Value {
    json!({"version": 1, "site": "walton", "kiosk": "entrance", "database": database_id(database), "buckets": buckets})
}

/// A kiosk database id (a UUID) named by `name`: the same name gives the same id.
pub fn database_id(name: &str) -> String {
    let n = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    format!(
        "{:08x}-0000-4000-8000-{:012x}",
        n >> 32,
        n & 0xffff_ffff_ffff
    )
}

pub fn bucket(hour: &str, revision: i64, door_in: i64) -> Value {
    json!({"hour": hour, "revision": revision, "counts": {
        "door_in": door_in, "checkins_anonymous": 2, "needs": {"housing": 1, "money": 2},
        "dropins_joined": 1, "dropins_seen": 1, "waits": {"14": 1}}})
}

impl Fixture {
    pub async fn put(&self, token: &str, body: &Value) -> (StatusCode, Value) {
        self.put_text(token, body.to_string()).await
    }

    /// An upload's body as it stands, sent as JSON.
    pub async fn put_text(&self, token: &str, body: String) -> (StatusCode, Value) {
        let r = self
            .http
            .put(format!("{}/api/v1/footfall", self.central.url))
            .bearer_auth(token)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let s = r.status();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, token: Option<&str>, path: &str) -> reqwest::Response {
        let mut req = self.http.get(format!("{}{path}", self.central.url));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap()
    }

    pub fn door_in(&self, hour: &str) -> i64 {
        let h: DateTime<Utc> = hour.parse().unwrap();
        central_hours(&self.central.central)
            .iter()
            .find(|(x, _)| *x == h)
            .map_or(0, |(_, c)| c.door_in)
    }
}
