//! Which kiosk runs what: a kiosk sends its version with every upload (heartbeats too), and the
//! central service shows it on its pages and in `/api/v1/kiosks`. An implausible version is left
//! out without refusing the counts.

mod sync_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use hub_kiosk::clock::ManualClock;
use serde_json::{Value, json};
use sync_support::fixture::{NOW, fixture, upload};
use sync_support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_central_shows_the_version_each_kiosk_reports() {
    let f = fixture().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(NOW.parse().unwrap()));
    let (hub, _store) = kiosk_hub(dir.path(), &f.central.url, clock);
    let task = tokio::spawn(hub_kiosk::sync::forward(
        hub.clone(),
        quick_sync(&f.central.url, 8, Duration::from_secs(5)),
    ));
    let deadline = Instant::now() + Duration::from_secs(30);
    let kiosks = loop {
        let v: Value = f
            .get(Some(READER_TOKEN), "/api/v1/kiosks")
            .await
            .json()
            .await
            .unwrap();
        if v[0]["software"].is_string() {
            break v;
        }
        assert!(Instant::now() < deadline, "no version reported: {v}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    task.abort();
    assert_eq!(kiosks[0]["kiosk"], "entrance");
    assert_eq!(kiosks[0]["software"], env!("CARGO_PKG_VERSION"));
    let page = f.get(Some(READER_TOKEN), "/").await.text().await.unwrap();
    let shown = format!("entrance: just now · version {}", env!("CARGO_PKG_VERSION"));
    assert!(page.contains(&shown), "{page}");

    // A newer kiosk replaces it; a version with markup in it is dropped, the counts still count.
    let mut up = upload("db-1", json!([]));
    up["software"] = json!("0.2.0");
    assert_eq!(f.put(KIOSK_TOKEN, &up).await.0, 200);
    up["software"] = json!("<script>");
    assert_eq!(f.put(KIOSK_TOKEN, &up).await.0, 200);
    let v: Value = f
        .get(Some(READER_TOKEN), "/api/v1/kiosks")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v[0]["software"], "0.2.0");
}
