//! Reading the central service over real HTTP on 127.0.0.1: daily JSON and CSV in site-local
//! days, who may read what, `/healthz`, `/metrics` and the pages.

mod sync_support;

use reqwest::StatusCode;
use serde_json::{Value, json};
use sync_support::fixture::*;
use sync_support::*;

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
    let bootle = json!({"version": 1, "site": "bootle", "kiosk": "entrance", "database": database_id("b"),
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
        (
            "/api/v1/footfall/daily?format=xml",
            400,
            "is `json` or `csv`, not `xml`",
        ),
    ] {
        let r = f.get(Some(READER_TOKEN), path).await;
        assert_eq!(r.status().as_u16(), status, "{path}");
        let v: Value = r.json().await.unwrap();
        assert!(v["detail"].as_str().unwrap().contains(words), "{path}: {v}");
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
