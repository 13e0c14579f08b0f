//! What a kiosk sends never reaches the central service's log raw: uploads carrying newlines,
//! carriage returns and terminal escapes in every place they can (the names, a need id, a field
//! the parser complains about) are refused, and the log lines written meanwhile — captured with
//! the service's own log format — hold no control character and no forged line.

mod sync_support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use reqwest::StatusCode;
use serde_json::json;
use sync_support::fixture::*;
use sync_support::*;

/// Log output kept in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn control_characters_from_an_upload_never_reach_a_log_line() {
    let log = Captured::default();
    let writer = log.clone();
    // As `logging::init` writes for journald: plain lines, no time, no colours.
    tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .without_time()
        .with_ansi(false)
        .with_target(false)
        .init();
    let f = fixture().await;
    let forged = "walton\nERROR forged line\r\u{1b}[2K\u{7}";
    let h = "2026-11-23T10:00:00Z";
    let mut bad_need = bucket(h, 1, 1);
    bad_need["counts"]["needs"] = json!({ forged: 1 });
    let mut bad_version = upload("d", json!([]));
    bad_version["version"] = json!(forged);
    let uploads = [
        json!({"version": 1, "site": forged, "kiosk": "entrance", "database": database_id("d"), "buckets": []}),
        json!({"version": 1, "site": "walton", "kiosk": forged, "database": database_id("d"), "buckets": []}),
        json!({"version": 1, "site": "walton", "kiosk": "entrance", "database": forged, "buckets": []}),
        upload("d", json!([bad_need])),
        bad_version,
        upload("d", json!([{"hour": forged, "revision": 1, "counts": {}}])),
    ];
    for up in &uploads {
        let (s, body) = f.put(KIOSK_TOKEN, up).await;
        assert!(s.is_client_error(), "{s}: {body}");
    }
    let r = f
        .http
        .put(format!("{}/api/v1/footfall", f.central.url))
        .bearer_auth(KIOSK_TOKEN)
        .header("content-type", "application/json")
        .body(format!("{{\"site\": \"{forged}\""))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    let refusals = text.matches("refused an upload").count();
    assert_eq!(refusals, uploads.len() + 1, "{text}");
    assert_eq!(
        text.lines().count(),
        refusals,
        "one line per event:\n{text}"
    );
    for line in text.lines() {
        assert!(!line.chars().any(char::is_control), "{line:?}");
        assert!(
            line.contains("refused an upload"),
            "a forged line: {line:?}"
        );
    }
}
