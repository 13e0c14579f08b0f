//! Every error answer of the staff API and of the central service is a problem details object
//! (RFC 9457, `application/problem+json`, with the old `error` member), including the ones no
//! handler writes: an unknown address, a method an address does not take (405 with `Allow`,
//! `PUT /healthz` included), a body too large or of the wrong type, and a request that takes
//! too long, and a sign-in or sign-out form from another site. Real HTTP on 127.0.0.1.

mod staff_support;
mod sync_support;

use std::time::Duration;

use reqwest::{Method, Response, StatusCode, header};
use serde_json::Value;

/// Checks `res` is a problem with `status` whose words contain `words`; returns its body.
async fn problem(res: Response, status: StatusCode, words: &str) -> Value {
    let what = format!("{} {}", res.status(), res.url());
    assert_eq!(res.status(), status, "{what}");
    assert_eq!(
        res.headers()[header::CONTENT_TYPE],
        "application/problem+json",
        "{what}"
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], status.as_u16(), "{what}: {body}");
    assert_eq!(body["type"], "about:blank", "{what}: {body}");
    assert_eq!(body["title"], status.canonical_reason().unwrap(), "{body}");
    assert_eq!(body["detail"], body["error"], "{what}: {body}");
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains(words), "{what}: `{detail}` lacks `{words}`");
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_staff_api_answers_every_refusal_as_a_problem() {
    let k = staff_support::Kiosk::start().await;
    let res = k.api(Method::PUT, "/healthz").send().await.unwrap();
    assert_eq!(res.headers()[header::ALLOW], "GET,HEAD");
    problem(
        res,
        StatusCode::METHOD_NOT_ALLOWED,
        "does not take that method",
    )
    .await;
    let res = k
        .api(Method::DELETE, "/api/v1/walk-ins")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()[header::ALLOW], "POST");
    problem(res, StatusCode::METHOD_NOT_ALLOWED, "openapi.json").await;
    let res = k.api(Method::GET, "/api/v1/nothing").send().await.unwrap();
    problem(res, StatusCode::NOT_FOUND, "nothing at this address").await;
    let res = k.get("/api/v1/queue").send().await.unwrap();
    let body = problem(res, StatusCode::UNAUTHORIZED, "Bearer").await;
    assert!(body["error"].is_string());
    for path in [
        "/api/v1/walk-ins",
        "/api/v1/duty",
        "/api/v1/tickets/1/transfer",
    ] {
        let res = k
            .api(Method::POST, path)
            .header(header::CONTENT_TYPE, "text/plain")
            .body("{}")
            .send()
            .await
            .unwrap();
        problem(res, StatusCode::UNSUPPORTED_MEDIA_TYPE, "application/json").await;
        let res = k
            .api(Method::POST, path)
            .header(header::CONTENT_TYPE, "application/json")
            .body(vec![b' '; 17 * 1024])
            .send()
            .await
            .unwrap();
        problem(res, StatusCode::PAYLOAD_TOO_LARGE, "too large").await;
    }
    let res = k
        .api(Method::GET, "/api/v1/footfall/daily?from=")
        .send()
        .await
        .unwrap();
    problem(res, StatusCode::BAD_REQUEST, "`from=` is empty").await;
    k.stop().await;
}

#[tokio::test]
async fn the_central_service_answers_every_refusal_as_a_problem() {
    use sync_support::fixture::*;
    let f = fixture().await;
    let url = |p: &str| format!("{}{p}", f.central.url);
    let res = f.http.put(url("/healthz")).send().await.unwrap();
    assert_eq!(res.headers()[header::ALLOW], "GET,HEAD");
    problem(
        res,
        StatusCode::METHOD_NOT_ALLOWED,
        "does not take that method",
    )
    .await;
    let res = f.http.get(url("/api/v1/nothing")).send().await.unwrap();
    problem(res, StatusCode::NOT_FOUND, "nothing at this address").await;
    let put = |ctype: &'static str, body: Vec<u8>| {
        f.http
            .put(url("/api/v1/footfall"))
            .bearer_auth(sync_support::KIOSK_TOKEN)
            .header(header::CONTENT_TYPE, ctype)
            .body(body)
            .send()
    };
    let good = serde_json::to_vec(&upload("d", serde_json::json!([]))).unwrap();
    let res = put("text/plain", good.clone()).await.unwrap();
    problem(res, StatusCode::UNSUPPORTED_MEDIA_TYPE, "application/json").await;
    let res = put("application/json", vec![b' '; 1024 * 1024 + 1])
        .await
        .unwrap();
    problem(res, StatusCode::PAYLOAD_TOO_LARGE, "too large").await;
    let res = put("application/json", b"{".to_vec()).await.unwrap();
    problem(res, StatusCode::BAD_REQUEST, "not a footfall upload").await;
    let res = put("application/json; charset=utf-8", good).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = f
        .get(
            Some(sync_support::READER_TOKEN),
            "/api/v1/footfall/daily?to=",
        )
        .await;
    problem(res, StatusCode::BAD_REQUEST, "`to=` is empty").await;
}

#[tokio::test]
async fn the_central_refuses_sign_in_and_out_from_another_site_as_a_problem() {
    use sync_support::fixture::*;
    let f = fixture().await;
    for path in ["/sign-in", "/sign-out"] {
        let res = f
            .http
            .post(format!("{}{path}", f.central.url))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ORIGIN, "http://evil.example")
            .body("name=x&passcode=0000")
            .send()
            .await
            .unwrap();
        assert!(res.headers().get(header::SET_COOKIE).is_none(), "{path}");
        problem(res, StatusCode::FORBIDDEN, "this service's own page").await;
    }
}

#[tokio::test]
async fn a_request_that_takes_too_long_gets_a_problem_not_an_empty_503() {
    use axum::routing::get;
    // The deadline both services put around every request, here short.
    let app = axum::Router::new()
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                "late"
            }),
        )
        .layer(axum::middleware::from_fn(|req, next| {
            hub_kiosk::web::error::within(Duration::from_millis(100), req, next)
        }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let res = staff_support::client()
        .get(format!("http://{addr}/slow"))
        .send()
        .await
        .unwrap();
    problem(res, StatusCode::SERVICE_UNAVAILABLE, "Idempotency-Key").await;
}
