//! The queue over real HTTP on 127.0.0.1: every advisor move and what it leaves in the store,
//! and two advisors calling one ticket at once.

mod staff_support;

use hub_kiosk::events::Event;
use reqwest::{StatusCode, header};
use serde_json::json;
use staff_support::{Kiosk, PASSCODE};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_queue_action_changes_the_store() {
    let k = Kiosk::start().await;
    let mut events = k.hub.subscribe();

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
    let t = k.store.ticket(a).unwrap().unwrap();
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
        k.store.ticket(a).unwrap().unwrap().called_by.as_deref(),
        Some("demo")
    );
    assert!(
        matches!(events.recv().await.unwrap(), Event::NowCalling { ref ticket, .. } if ticket == "A 001")
    );

    let (status, _) = k
        .post_json(&format!("/api/v1/tickets/{a}/recall"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(k.store.ticket(a).unwrap().unwrap().calls, 2);
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
    assert_eq!(k.store.ticket(b).unwrap().unwrap().need.as_str(), "housing");
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
    let duty = k.store.duty().unwrap();
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
        let stored = k.store.ticket(id).unwrap().unwrap();
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
