//! Bad input over real HTTP on 127.0.0.1: unknown tickets, bad ids, bad JSON, wrong content
//! types, unknown needs and fields, oversized bodies, wrong methods, double clicks — each gets
//! a clear 4xx with a JSON error, never a 500, and the queue is unchanged.

mod staff_support;

use reqwest::{Method, StatusCode, header};
use serde_json::json;
use staff_support::Kiosk;

/// Method, path, content type, body; the status and words the answer must have.
type Case = (
    Method,
    String,
    Option<&'static str>,
    Vec<u8>,
    StatusCode,
    &'static str,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_a_clear_4xx_and_changes_nothing() {
    let k = Kiosk::start().await;
    let id = k.walk_in(&["advisor"]).await;
    let before = serde_json::to_value(k.store.open_tickets().unwrap()).unwrap();
    let checkins = k.store.check_in_count().unwrap();

    let raw = |method: Method, path: &str, ctype: Option<&str>, body: Vec<u8>| {
        let mut r = k.api(method, path).body(body);
        if let Some(c) = ctype {
            r = r.header(header::CONTENT_TYPE, c);
        }
        r.send()
    };
    let cases: Vec<Case> = vec![
        (
            Method::POST,
            "/api/v1/tickets/999999/call".into(),
            None,
            vec![],
            StatusCode::NOT_FOUND,
            "no ticket #999999",
        ),
        (
            Method::POST,
            "/api/v1/tickets/A-001/call".into(),
            None,
            vec![],
            StatusCode::BAD_REQUEST,
            "whole numbers",
        ),
        (
            Method::GET,
            "/api/v1/tickets/999999".into(),
            None,
            vec![],
            StatusCode::NOT_FOUND,
            "no ticket",
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{id}/seen"),
            None,
            vec![],
            StatusCode::CONFLICT,
            "not been called yet",
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{id}/recall"),
            None,
            vec![],
            StatusCode::CONFLICT,
            "call it first",
        ),
        (
            Method::POST,
            "/api/v1/walk-ins".into(),
            Some("application/json"),
            b"{\"needs\": [\"advisor\"".to_vec(),
            StatusCode::BAD_REQUEST,
            "not valid JSON",
        ),
        (
            Method::POST,
            "/api/v1/walk-ins".into(),
            Some("text/plain"),
            b"{\"needs\": [\"advisor\"]}".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type: application/json",
        ),
        (
            Method::POST,
            "/api/v1/walk-ins".into(),
            Some("application/json"),
            b"{\"needs\": [\"rocket\"]}".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown need `rocket`",
        ),
        (
            Method::POST,
            "/api/v1/walk-ins".into(),
            Some("application/json"),
            b"{\"needs\": [\"courses\"]}".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "choose at least one of advisor",
        ),
        (
            Method::POST,
            "/api/v1/walk-ins".into(),
            Some("application/json"),
            b"{\"needs\": []}".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "choose at least one",
        ),
        (
            Method::POST,
            "/api/v1/walk-ins".into(),
            Some("application/json"),
            b"{\"needs\": [\"advisor\"], \"name\": \"Jo\"}".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown field `name`",
        ),
        (
            Method::POST,
            "/api/v1/walk-ins".into(),
            Some("application/json"),
            b"{\"needs\": [\"advisor\"], \"member\": \"not a number!\"}".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "member",
        ),
        (
            Method::POST,
            "/api/v1/walk-ins".into(),
            Some("application/json"),
            format!("{{\"needs\": [\"{}\"]}}", "a".repeat(40_000)).into_bytes(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "too large",
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{id}/transfer"),
            Some("application/json"),
            b"{\"need\": \"courses\"}".to_vec(),
            StatusCode::CONFLICT,
            "not a drop-in need",
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{id}/transfer"),
            Some("application/json"),
            b"{\"need\": \"advisor\"}".to_vec(),
            StatusCode::CONFLICT,
            "already waiting for advisor",
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{id}/transfer"),
            Some("application/json"),
            b"{\"need\": \"Not An Id\"}".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "not a valid need id",
        ),
        (
            Method::POST,
            "/api/v1/duty".into(),
            Some("application/json"),
            b"{\"on_duty\": \"yes\"}".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "does not fit",
        ),
        (
            Method::DELETE,
            "/api/v1/queue".into(),
            None,
            vec![],
            StatusCode::METHOD_NOT_ALLOWED,
            "does not take that method",
        ),
        (
            Method::GET,
            "/api/v1/walk-ins".into(),
            None,
            vec![],
            StatusCode::METHOD_NOT_ALLOWED,
            "does not take that method",
        ),
        (
            Method::GET,
            "/api/v1/nothing".into(),
            None,
            vec![],
            StatusCode::NOT_FOUND,
            "openapi.json",
        ),
        (
            Method::GET,
            "/api/v1/footfall/daily?from=yesterday".into(),
            None,
            vec![],
            StatusCode::BAD_REQUEST,
            "like 2026-11-23",
        ),
        (
            Method::GET,
            "/api/v1/footfall/daily?from=2026-11-24&to=2026-11-01".into(),
            None,
            vec![],
            StatusCode::BAD_REQUEST,
            "swap them",
        ),
        (
            Method::GET,
            "/api/v1/footfall/daily?format=xml".into(),
            None,
            vec![],
            StatusCode::BAD_REQUEST,
            "`json` or `csv`",
        ),
    ];
    for (method, path, ctype, body, want, words) in cases {
        let res = raw(method.clone(), &path, ctype, body).await.unwrap();
        let (status, body) = staff_support::json(res).await;
        assert_eq!(status, want, "{method} {path}: {body}");
        let error = body["error"].as_str().unwrap_or_default();
        assert!(
            error.contains(words),
            "{method} {path}: `{error}` lacks `{words}`"
        );
        assert_eq!(body["status"], want.as_u16());
    }
    // Nothing changed: the refused requests left the queue and the check-ins alone.
    let after = serde_json::to_value(k.store.open_tickets().unwrap()).unwrap();
    assert_eq!(after, before);
    assert_eq!(k.store.check_in_count().unwrap(), checkins);

    // A double click: the second "seen" says why, and the first one stands.
    k.post_json(&format!("/api/v1/tickets/{id}/call"), json!({}))
        .await;
    let (s1, _) = k
        .post_json(&format!("/api/v1/tickets/{id}/seen"), json!({}))
        .await;
    let (s2, b2) = k
        .post_json(&format!("/api/v1/tickets/{id}/seen"), json!({}))
        .await;
    assert_eq!((s1, s2), (StatusCode::OK, StatusCode::CONFLICT));
    assert!(
        b2["error"]
            .as_str()
            .unwrap()
            .contains("is seen and cannot be marked seen")
    );
    let (s, b) = k.post_json("/api/v1/queue/call-next", json!({})).await;
    assert_eq!(
        (s, b["error"].as_str()),
        (StatusCode::CONFLICT, Some("nobody is waiting"))
    );
    assert_eq!(k.state_of(id), "seen");
    k.stop().await;
}
