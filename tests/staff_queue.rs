//! The queue over real HTTP on 127.0.0.1: every advisor move and what it leaves in the store,
//! two advisors calling one ticket at once, and bad input answered with a clear 4xx that
//! changes nothing.

mod staff_support;

use hub_kiosk::events::Event;
use reqwest::{Method, StatusCode, header};
use serde_json::json;
use staff_support::{Kiosk, PASSCODE};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_queue_action_changes_the_store() {
    let k = Kiosk::start().await;
    let mut events = k.hub.events.subscribe();

    let (status, body) = k
        .post_json(
            "/api/v1/walk-ins",
            json!({"needs": ["advisor", "courses"], "priority": true, "member": "ab-123"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["position"], 1);
    assert_eq!(
        body["ticket"]["number"],
        json!({"prefix": "A", "number": 1})
    );
    assert_eq!(body["ticket"]["member"], "AB-123");
    let a = body["ticket"]["id"].as_i64().unwrap();
    let t = k.hub.store.ticket(a).unwrap().unwrap();
    assert!(t.priority && t.need.as_str() == "advisor" && t.needs.len() == 2);
    assert!(matches!(
        events.recv().await.unwrap(),
        Event::CheckedIn {
            ticket: Some(_),
            ..
        }
    ));

    // Call this one: the screen is told, the store records the desk (the token's name).
    let (status, body) = k
        .post_json(&format!("/api/v1/tickets/{a}/call"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(k.state_of(a), "called");
    assert_eq!(
        k.hub.store.ticket(a).unwrap().unwrap().called_by.as_deref(),
        Some("demo")
    );
    assert!(
        matches!(events.recv().await.unwrap(), Event::NowCalling { ref ticket, .. } if ticket == "A 001")
    );

    let (status, _) = k
        .post_json(&format!("/api/v1/tickets/{a}/recall"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(k.hub.store.ticket(a).unwrap().unwrap().calls, 2);
    let (status, body) = k
        .post_json(&format!("/api/v1/tickets/{a}/seen"), json!({}))
        .await;
    assert_eq!(
        (status, body["state"].as_str()),
        (StatusCode::OK, Some("seen"))
    );
    assert_eq!(k.state_of(a), "seen");

    // Call next, no-show, requeue, transfer, left.
    let b = k.walk_in(&["money"]).await;
    let (status, body) = k.post_json("/api/v1/queue/call-next", json!({})).await;
    assert_eq!((status, body["id"].as_i64()), (StatusCode::OK, Some(b)));
    assert_eq!(k.state_of(b), "called");
    let (status, _) = k
        .post_json(&format!("/api/v1/tickets/{b}/no-show"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(k.state_of(b), "no_show");
    let (_, q) = k.get_json("/api/v1/queue").await;
    assert_eq!(q["no_shows"][0]["id"].as_i64(), Some(b));
    let (status, _) = k
        .post_json(&format!("/api/v1/tickets/{b}/requeue"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(k.state_of(b), "waiting");
    let (status, body) = k
        .post_json(
            &format!("/api/v1/tickets/{b}/transfer"),
            json!({"need": "housing"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        k.hub.store.ticket(b).unwrap().unwrap().need.as_str(),
        "housing"
    );
    let (_, info) = k.get_json(&format!("/api/v1/tickets/{b}")).await;
    assert_eq!(
        (info["position"].as_i64(), info["ticket"]["need"].as_str()),
        (Some(1), Some("housing"))
    );
    let (status, _) = k
        .post_json(&format!("/api/v1/tickets/{b}/left"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(k.state_of(b), "left");

    // Duty: the caller goes on duty; the count feeds the estimate.
    let (status, body) = k.post_json("/api/v1/duty", json!({"on_duty": true})).await;
    assert_eq!(
        (status, body["advisors_on_duty"].as_i64()),
        (StatusCode::OK, Some(1))
    );
    let duty = k.hub.store.duty().unwrap();
    assert_eq!(duty.len(), 1);
    assert_eq!((duty[0].0.as_str(), duty[0].1), ("demo", true));
    let (_, body) = k.post_json("/api/v1/duty", json!({"on_duty": false})).await;
    assert_eq!(body["staff"][0]["on_duty"], false);

    // The day's footfall counts what happened.
    let (status, f) = k.get_json("/api/v1/footfall/daily").await;
    assert_eq!(status, StatusCode::OK);
    let today = f["days"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(today["checkins_member"], 1, "{f}");
    assert_eq!(today["checkins_anonymous"], 1);
    assert_eq!(today["dropins_joined"], 2);
    assert_eq!(today["dropins_seen"], 1);
    assert_eq!(today["need_courses"], 1);
    let k_queue = k.hub.queue_view().unwrap();
    assert_eq!(k_queue.waiting + k_queue.called, 0);
    k.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_advisors_calling_one_ticket_at_once_exactly_one_wins() {
    let k = Kiosk::start().await;
    let desk1 = k.sign_in("Desk 1", PASSCODE).await.unwrap();
    let desk2 = k.sign_in("Desk 2", PASSCODE).await.unwrap();
    let call = |cookie: &str, id: i64| {
        k.http
            .post(k.url(&format!("/api/v1/tickets/{id}/call")))
            .header(header::COOKIE, cookie)
            .header(header::ORIGIN, k.origin())
            .send()
    };
    for _ in 0..12 {
        let id = k.walk_in(&["advisor"]).await;
        let (r1, r2) = tokio::join!(call(&desk1, id), call(&desk2, id));
        let (s1, b1) = staff_support::json(r1.unwrap()).await;
        let (s2, b2) = staff_support::json(r2.unwrap()).await;
        let (winner, loser_body) = match (s1, s2) {
            (StatusCode::OK, StatusCode::CONFLICT) => ("Desk 1", b2),
            (StatusCode::CONFLICT, StatusCode::OK) => ("Desk 2", b1),
            other => panic!("expected one 200 and one 409, got {other:?}: {b1} {b2}"),
        };
        let stored = k.hub.store.ticket(id).unwrap().unwrap();
        assert_eq!(stored.called_by.as_deref(), Some(winner));
        assert_eq!(stored.calls, 1);
        let why = loser_body["error"].as_str().unwrap();
        assert!(
            why.contains(&format!("already called by {winner}")),
            "{why}"
        );
        let (status, _) = k
            .post_json(&format!("/api/v1/tickets/{id}/seen"), json!({}))
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    k.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_a_clear_4xx_and_changes_nothing() {
    let k = Kiosk::start().await;
    let id = k.walk_in(&["advisor"]).await;
    let before = serde_json::to_value(k.hub.store.open_tickets().unwrap()).unwrap();
    let checkins = k.hub.store.check_in_count().unwrap();

    let raw = |method: Method, path: &str, ctype: Option<&str>, body: Vec<u8>| {
        let mut r = k.api(method, path).body(body);
        if let Some(c) = ctype {
            r = r.header(header::CONTENT_TYPE, c);
        }
        r.send()
    };
    let cases: Vec<(Method, String, Option<&str>, Vec<u8>, StatusCode, &str)> = vec![
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
    let after = serde_json::to_value(k.hub.store.open_tickets().unwrap()).unwrap();
    assert_eq!(after, before);
    assert_eq!(k.hub.store.check_in_count().unwrap(), checkins);

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
