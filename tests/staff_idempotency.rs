//! `Idempotency-Key` over real HTTP on 127.0.0.1 with a real SQLite file: when the answer to a
//! walk-in or a queue move is lost *after* the change was committed (a fault injected after the
//! commit, as a stalled disk gives), a retry with the same key gets the first answer and changes
//! nothing. Keys are per caller, bounded, and refused (409) when reused for another request.

mod staff_support;

use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};
use staff_support::Kiosk;

async fn send(k: &Kiosk, path: &str, key: Option<&str>, body: Value) -> (StatusCode, Value, bool) {
    let mut req = k.api(Method::POST, path).json(&body);
    if let Some(key) = key {
        req = req.header("Idempotency-Key", key);
    }
    let res = req.send().await.unwrap();
    let replayed = res
        .headers()
        .get("idempotent-replayed")
        .is_some_and(|v| v == "true");
    let (status, body) = staff_support::json(res).await;
    (status, body, replayed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_walk_in_whose_answer_failed_after_the_commit_is_not_made_twice() {
    let k = Kiosk::start().await;
    let before = k.store.check_in_count().unwrap();
    k.store.fail_after_next_commit_for_tests();
    let body = json!({"needs": ["advisor"], "priority": true});
    let (status, error, _) = send(&k, "/api/v1/walk-ins", Some("walk-in-1"), body.clone()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{error}");
    assert_eq!(error["status"], 503, "a problem details body: {error}");
    // The fault came after the commit: the check-in and its ticket are on disk.
    assert_eq!(k.store.check_in_count().unwrap(), before + 1);
    let open = k.store.open_tickets().unwrap();

    let (status, first, replayed) =
        send(&k, "/api/v1/walk-ins", Some("walk-in-1"), body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert!(
        replayed,
        "the retry is marked as the first answer given again"
    );
    assert_eq!(first["ticket"]["id"], json!(open.last().unwrap().id));
    assert_eq!(k.store.check_in_count().unwrap(), before + 1);
    assert_eq!(k.store.open_tickets().unwrap().len(), open.len());
    // Every further retry gets the same answer, byte for byte.
    let (_, again, _) = send(&k, "/api/v1/walk-ins", Some("walk-in-1"), body.clone()).await;
    assert_eq!(again, first);

    // The same key for another request is refused; a new key is a new walk-in.
    let (status, e, _) = send(
        &k,
        "/api/v1/walk-ins",
        Some("walk-in-1"),
        json!({"needs": ["housing"]}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(e["error"].as_str().unwrap().contains("another request"));
    let (status, _, replayed) = send(&k, "/api/v1/walk-ins", Some("walk-in-2"), body).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, false));
    assert_eq!(k.store.check_in_count().unwrap(), before + 2);
    k.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_and_a_move_are_not_repeated_by_a_retry() {
    let k = Kiosk::start().await;
    let first = k.walk_in(&["advisor"]).await;
    let second = k.walk_in(&["advisor"]).await;

    // Call-next: the answer fails after the commit; the retry names the same ticket and the
    // next visitor is still waiting.
    k.store.fail_after_next_commit_for_tests();
    let (status, _, _) = send(&k, "/api/v1/queue/call-next", Some("call-1"), json!({})).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let (status, called, replayed) =
        send(&k, "/api/v1/queue/call-next", Some("call-1"), json!({})).await;
    assert_eq!((status, replayed), (StatusCode::OK, true), "{called}");
    assert_eq!(called["id"], json!(first));
    assert_eq!(k.state_of(first), "called");
    assert_eq!(k.state_of(second), "waiting");

    // A move sent twice with one key: the second gets the first answer, not "already seen".
    let seen = format!("/api/v1/tickets/{first}/seen");
    let (s1, b1, _) = send(&k, &seen, Some("seen-1"), json!({})).await;
    let (s2, b2, replayed) = send(&k, &seen, Some("seen-1"), json!({})).await;
    assert_eq!((s1, s2, replayed), (StatusCode::OK, StatusCode::OK, true));
    assert_eq!(b1, b2);
    // Without a key a repeat is a new request, refused as before.
    let (s3, _, _) = send(&k, &seen, None, json!({})).await;
    assert_eq!(s3, StatusCode::CONFLICT);

    // A transfer whose answer failed after the commit.
    k.store.fail_after_next_commit_for_tests();
    let transfer = format!("/api/v1/tickets/{second}/transfer");
    let (status, _, _) = send(&k, &transfer, Some("t-1"), json!({"need": "housing"})).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let (status, moved, replayed) =
        send(&k, &transfer, Some("t-1"), json!({"need": "housing"})).await;
    assert_eq!((status, replayed), (StatusCode::OK, true), "{moved}");
    assert_eq!(moved["need"], "housing");
    k.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_belong_to_one_caller_and_are_bounded() {
    let k = Kiosk::start().await;
    let (status, e, _) = send(
        &k,
        "/api/v1/walk-ins",
        Some(&"k".repeat(65)),
        json!({"needs": ["advisor"]}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(e["error"].as_str().unwrap().contains("Idempotency-Key"));
    let before = k.store.check_in_count().unwrap();
    assert_eq!(before, 0, "a refused key changes nothing");

    // The same key from a signed-in desk and from the API token: two callers, two walk-ins.
    send(
        &k,
        "/api/v1/walk-ins",
        Some("shared"),
        json!({"needs": ["advisor"]}),
    )
    .await;
    let cookie = k.sign_in("Desk 1", staff_support::PASSCODE).await.unwrap();
    let res = k
        .http
        .post(k.url("/api/v1/walk-ins"))
        .header(header::COOKIE, cookie)
        .header(header::ORIGIN, k.origin())
        .header("Idempotency-Key", "shared")
        .json(&json!({"needs": ["advisor"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    assert!(res.headers().get("idempotent-replayed").is_none());
    assert_eq!(k.store.check_in_count().unwrap(), 2);
    k.stop().await;
}
