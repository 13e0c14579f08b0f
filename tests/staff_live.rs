//! What advisors and managers see over real HTTP: the event stream pushes a check-in the moment
//! it is saved, the pages render the queue, footfall (table, chart, CSV) and status, and
//! `/metrics` and `/api/v1/status` report the kiosk's state.

mod staff_support;

use std::time::Duration;

use reqwest::{StatusCode, header};
use serde_json::json;
use staff_support::{Kiosk, PASSCODE};

/// Reads SSE frames until one named `name` arrives; its data as JSON.
async fn next_event(
    res: &mut reqwest::Response,
    buf: &mut String,
    name: &str,
) -> serde_json::Value {
    let deadline = Duration::from_secs(20);
    tokio::time::timeout(deadline, async {
        loop {
            while let Some(end) = buf.find("\n\n") {
                let frame: String = buf.drain(..end + 2).collect();
                let mut event = "message";
                let mut data = String::new();
                for line in frame.lines() {
                    if let Some(e) = line.strip_prefix("event:") {
                        event = e.trim();
                    } else if let Some(d) = line.strip_prefix("data:") {
                        data.push_str(d.trim_start());
                    }
                }
                if event == name {
                    return serde_json::from_str(&data).unwrap();
                }
            }
            let chunk = res.chunk().await.unwrap().expect("the stream ended");
            buf.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no `{name}` event within {deadline:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_event_stream_pushes_check_ins_and_calls() {
    let k = Kiosk::start().await;
    let mut stream = k
        .api(reqwest::Method::GET, "/api/v1/events")
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    let mut buf = String::new();
    let ready = next_event(&mut stream, &mut buf, "ready").await;
    assert_eq!(ready["name"], "demo");

    let id = k.walk_in(&["housing"]).await;
    let joined = next_event(&mut stream, &mut buf, "checked_in").await;
    assert_eq!(joined["ticket"]["id"].as_i64(), Some(id));
    assert_eq!(joined["needs"], json!(["housing"]));

    k.post_json(&format!("/api/v1/tickets/{id}/call"), json!({}))
        .await;
    let calling = next_event(&mut stream, &mut buf, "now_calling").await;
    assert_eq!(calling["ticket"], "A 001");
    assert_eq!(calling["desk"], "demo");
    let changed = next_event(&mut stream, &mut buf, "ticket_changed").await;
    assert_eq!(changed["action"], "call");

    // Stopping the kiosk ends the stream rather than hanging.
    tokio::time::timeout(Duration::from_secs(20), k.stop())
        .await
        .expect("stops promptly");
    let rest = tokio::time::timeout(Duration::from_secs(20), async {
        while let Ok(Some(_)) = stream.chunk().await {}
    })
    .await;
    assert!(rest.is_ok(), "the stream ended");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_show_the_queue_footfall_and_status() {
    let k = Kiosk::start_with(|c| c.queue.amber_minutes = 0).await;
    let cookie = k.sign_in("Desk 2", PASSCODE).await.unwrap();
    let page = |path: &str| {
        let req = k.get(path).header(header::COOKIE, &cookie);
        async move {
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            res.text().await.unwrap()
        }
    };
    let id = k.walk_in(&["advisor"]).await;
    let queue = page("/queue").await;
    assert!(
        queue.contains("A 001") && queue.contains("Chat with an advisor"),
        "{queue}"
    );
    assert!(queue.contains(&format!("data-act=\"call\" data-id=\"{id}\"")));
    assert!(
        queue.contains("class=\"waiting amber\""),
        "amber from 0 minutes"
    );
    // The script is a file of its own (no inline script under the content security policy).
    assert!(queue.contains("<script src=\"/queue.js\"></script>"));
    assert!(
        page("/queue.js")
            .await
            .contains("new EventSource('/api/v1/events')")
    );
    let table = page("/queue/table").await;
    // A help request first, then a pause and closing time, then the summary and the table.
    assert!(
        table.starts_with("<section id=\"help-alerts\" class=\"help-alerts\" data-open=\"0\"")
            && table.contains("<div class=\"summary card\">")
            && table.contains("A 001"),
        "{table}"
    );
    assert!(!table.contains("<html"));

    let footfall = page("/footfall").await;
    assert!(
        footfall.contains("<svg") && footfall.contains("<table class=\"footfall\""),
        "{footfall}"
    );
    assert!(footfall.contains("format=csv"));
    let odd = page("/footfall?from=nonsense").await;
    assert!(odd.contains("like 2026-11-23") && odd.contains("Showing the last seven days"));

    let csv = k
        .get("/api/v1/footfall/daily?format=csv")
        .header(header::COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        csv.headers()[header::CONTENT_TYPE],
        "text/csv; charset=utf-8"
    );
    assert!(
        csv.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"footfall-demo-")
    );
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("date,door_in,"), "{text}");
    assert_eq!(text.lines().count(), 2, "{text}");

    let status = page("/status").await;
    assert!(status.contains(&format!("hub-kiosk {}", env!("CARGO_PKG_VERSION"))));
    assert!(
        status.contains("1 hour of counts") && status.contains("free of"),
        "{status}"
    );
    k.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_and_status_report_the_kiosk() {
    let k = Kiosk::start().await;
    k.walk_in(&["advisor"]).await;
    k.walk_in(&["money"]).await;
    let res = k
        .api(reqwest::Method::GET, "/metrics")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = res.text().await.unwrap();
    for line in [
        "hub_kiosk_check_ins_total{source=\"staff_walk_in\"} 2",
        "hub_kiosk_queue_waiting 2",
        "hub_kiosk_queue_called 0",
        "hub_kiosk_queue_waiting_by_need{need=\"money\"} 1",
        "hub_kiosk_today_check_ins 2",
        "hub_kiosk_today_median_wait_seconds NaN",
        "hub_kiosk_card_scans_total{result=\"accepted\"} 0",
        "hub_kiosk_sync_state{state=\"waiting\"} 1",
        "hub_kiosk_sync_outbox_buckets 1",
        "hub_kiosk_clock_synchronised 1",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "missing `{line}` in\n{text}"
        );
    }
    for l in text.lines().filter(|l| !l.starts_with('#')) {
        let (name, value) = l.rsplit_once(' ').unwrap();
        assert!(
            !name.is_empty() && (value.parse::<f64>().is_ok()),
            "bad sample line `{l}`"
        );
    }

    let (status, s) = k.get_json("/api/v1/status").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(s["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(s["outbox_depth"], 1);
    assert_eq!(s["clock_synchronised"], true);
    assert!(s["disk"]["free_bytes"].as_u64().unwrap() > 0);
    assert_eq!(s["site_id"], "demo");
    let health = k.get("/healthz").send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    k.stop().await;
}
