//! Help requests, pauses and the display page over real HTTP on 127.0.0.1: a help request is
//! acknowledged once, by a person signed in (never a token), and the database keeps who and
//! when; pauses take a reason and refuse a long one; "come back tomorrow" ends a ticket; the
//! display page opens only with its own token and shows ticket numbers and places only.

mod staff_support;

use reqwest::{StatusCode, header};
use serde_json::{Value, json};
use staff_support::{Kiosk, PASSCODE, json as read};

const DISPLAY_TOKEN: &str = "demo-display-token-not-for-real-use";

/// `POST path` with a session cookie, as the pages send it.
async fn post_as(k: &Kiosk, cookie: &str, path: &str, key: Option<&str>) -> (StatusCode, Value) {
    let mut req = k
        .http
        .post(k.url(path))
        .header(header::COOKIE, cookie)
        .header(header::ORIGIN, k.origin())
        .json(&json!({}));
    if let Some(key) = key {
        req = req.header("idempotency-key", key);
    }
    read(req.send().await.unwrap()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_help_request_is_acknowledged_once_by_a_person_and_the_record_says_who() {
    let k = Kiosk::start().await;
    let help = k.hub.request_help().unwrap();
    let path = format!("/api/v1/help-requests/{}/acknowledge", help.id);

    // An API token is no person on their way.
    let (status, body) = k.post_json(&path, json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(k.store.help_request(help.id).unwrap().unwrap().is_open());

    let desk2 = k.sign_in("Desk 2", PASSCODE).await.unwrap();
    let (status, body) = post_as(&k, &desk2, &path, Some("ack-1")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["acknowledged"]["by"], "Desk 2");
    let stored = k.store.help_request(help.id).unwrap().unwrap();
    let ack = stored.acknowledged.expect("kept in the database");
    assert_eq!(ack.by, "Desk 2");
    assert!(ack.at >= help.raised);
    // The same request again (a lost answer) gets the same answer, not a refusal.
    let (status, again) = post_as(&k, &desk2, &path, Some("ack-1")).await;
    assert_eq!((status, &again), (StatusCode::OK, &body));

    // Someone else a moment later is told who is already going; nothing changes.
    let desk1 = k.sign_in("Desk 1", PASSCODE).await.unwrap();
    let (status, body) = post_as(&k, &desk1, &path, None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        body["detail"].as_str().unwrap().contains("Desk 2"),
        "{body}"
    );
    let (status, _) = post_as(&k, &desk1, "/api/v1/help-requests/999/acknowledge", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, list) = k.get_json("/api/v1/help-requests").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["open"], json!([]));
    assert_eq!(list["recent"][0]["acknowledged"]["by"], "Desk 2");
    k.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_resume_and_come_back_tomorrow() {
    let k = Kiosk::start().await;
    let long = "x".repeat(201);
    let (status, body) = k
        .post_json("/api/v1/queue/pause", json!({ "reason": long }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(k.hub.pause().unwrap().is_none(), "nothing changed");

    let (status, body) = k
        .post_json("/api/v1/queue/pause", json!({ "reason": " room full " }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["by"].as_str(), body["reason"].as_str()),
        (Some("demo"), Some("room full"))
    );
    let (_, queue) = k.get_json("/api/v1/queue").await;
    assert_eq!(queue["pause"]["id"], body["id"]);

    // Staff may still add a walk-in while paused, and ask someone to come back tomorrow.
    let id = k.walk_in(&["advisor"]).await;
    let (status, t) = k
        .post_json(&format!("/api/v1/tickets/{id}/come-back"), json!({}))
        .await;
    assert_eq!(
        (status, t["state"].as_str()),
        (StatusCode::OK, Some("come_back"))
    );
    assert_eq!(k.state_of(id), "come_back");

    let (status, body) = k.post_json("/api/v1/queue/resume", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["resumed"]["reason"], "room full");
    let (status, body) = k.post_json("/api/v1/queue/resume", json!({})).await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "resumed": null })));
    assert!(k.hub.pause().unwrap().is_none());
    k.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_display_page_opens_with_its_own_token_and_shows_numbers_and_places_only() {
    let k = Kiosk::start().await;
    let cookie = k.sign_in("Desk 1", PASSCODE).await.unwrap();
    let open = |query: &str, cookie: Option<&str>| {
        let mut req = k.get(&format!("/display{query}"));
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        req.send()
    };
    assert_eq!(
        open("", Some(&cookie)).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        open("?token=demo-api-token-not-for-real-use", None)
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED,
        "an API token is not the display's"
    );

    let id = k.walk_in(&["housing"]).await;
    let (status, _) = k
        .post_json(&format!("/api/v1/tickets/{id}/call"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    k.hub.request_help().unwrap();
    let res = open(&format!("?token={DISPLAY_TOKEN}"), None)
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("A 001") && html.contains("the front desk"),
        "{html}"
    );
    assert!(
        html.contains("&quot;state&quot;:&quot;raised&quot;"),
        "the open help request"
    );
    for secret in ["housing", "Housing", "demo", "member"] {
        assert!(
            !html.replace("(demo)", "").contains(secret),
            "{secret} in {html}"
        );
    }
    let events = k
        .get(&format!("/display/events?token={DISPLAY_TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(events.headers()[header::CONTENT_TYPE], "text/event-stream");
    k.stop().await;

    // Without a display token configured there is no display page.
    let k = Kiosk::start_with(|c| c.staff.display_token = None).await;
    let res = k
        .get(&format!("/display?token={DISPLAY_TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    k.stop().await;
}
