//! Weeks without the central service, and a clock that has not synchronised: the kiosk keeps
//! counting, keeps every hour in its outbox, and delivers every one once it can.

mod sync_support;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Duration as Span, Utc};
use hub_kiosk::clock::ManualClock;
use hub_kiosk::domain::footfall::Direction;
use hub_kiosk::domain::{Action, Language, Source, Visitor};
use hub_kiosk::hub::{CheckInRequest, Hub};
use sync_support::*;

fn request(needs: &[&str]) -> CheckInRequest {
    CheckInRequest {
        visitor: Visitor::Anonymous,
        needs: needs.iter().map(|s| s.to_string()).collect(),
        language: Language::english(),
        source: Source::Touchscreen,
        priority: false,
        session: None,
        interpreter: false,
    }
}

/// One hour at the hub: door passes, and while open a check-in or two, one seen by an advisor.
fn live_an_hour(hub: &Hub, clock: &ManualClock, h: i64) {
    clock.advance(Span::minutes(10));
    for _ in 0..1 + h % 3 {
        hub.door_pass(Direction::In).unwrap();
    }
    hub.door_pass(Direction::Out).unwrap();
    if hub.is_open() {
        let needs: &[&str] = if h % 2 == 0 {
            &["advisor", "money"]
        } else {
            &["courses"]
        };
        let out = hub.check_in(request(needs)).unwrap();
        if out.ticket.is_some() {
            clock.advance(Span::minutes(12));
            let t = hub.call_next("Desk 1").unwrap();
            clock.advance(Span::minutes(20));
            hub.act(t.id, Action::Seen).unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_days_offline_then_every_hour_is_delivered() {
    let dir = tempfile::tempdir().unwrap();
    let t0: DateTime<Utc> = "2026-09-01T00:00:00Z".parse().unwrap();
    let clock = Arc::new(ManualClock::new(t0));
    // The central service's address is known but nothing answers there yet: connections are
    // refused, as when the site's network or the central service is down.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let url = format!("http://{}", socket.local_addr().unwrap());
    let (hub, store) = kiosk_hub(&dir.path().join("kiosk"), &url, clock.clone());
    let task = tokio::spawn(hub_kiosk::sync::forward(
        hub.clone(),
        quick_sync(&url, 200, Duration::from_secs(5)),
    ));

    let days = 30;
    for h in 0..days * 24 {
        clock.set(t0 + Span::hours(h));
        live_an_hour(&hub, &clock, h);
        if h % 24 == 23 {
            hub.housekeeping().unwrap();
        }
    }
    let hours = local_hours(&store);
    assert_eq!(hours.len() as i64, days * 24, "every hour had a door pass");
    assert!(
        hours
            .iter()
            .any(|(_, c)| c.dropins_seen > 0 && !c.waits.is_empty())
    );
    assert_eq!(store.outbox_depth().unwrap(), days * 24);
    assert!(hub.metrics().sync_requests.get("network") > 0);
    assert_eq!(hub.metrics().sync_requests.get("ok"), 0);
    assert_eq!(hub.sync_status().state, "offline");
    // Retention ran at every day's end: per-visit rows older than 30 days are gone, hours stay.
    hub.housekeeping().unwrap();

    // The network comes back.
    let listener = socket.listen(1024).unwrap().into_std().unwrap();
    let central = start_central(&dir.path().join("central"), clock.clone(), listener);
    converged(&store, &central.central, Duration::from_secs(120)).await;
    assert_eq!(central_hours(&central.central), hours);
    assert_eq!(store.dead_letter_count().unwrap(), 0);
    for _ in 0..100 {
        if hub.sync_status().state == "online" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(hub.sync_status().state, "online");
    task.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unsynchronised_clock_holds_hours_back_until_it_syncs() {
    let dir = tempfile::tempdir().unwrap();
    let truth: DateTime<Utc> = "2026-11-20T10:05:00Z".parse().unwrap();
    let clock = Arc::new(ManualClock::new(truth));
    let central = start_central(&dir.path().join("central"), clock.clone(), loopback());
    // The Pi booted with the time it saved three days ago, and NTP has not answered.
    let wrong = truth - Span::days(3);
    clock.jump_wall(wrong, false);
    let (hub, store) = kiosk_hub(&dir.path().join("kiosk"), &central.url, clock.clone());
    let task = tokio::spawn(hub_kiosk::sync::forward(
        hub.clone(),
        quick_sync(&central.url, 200, Duration::from_secs(5)),
    ));
    for _ in 0..4 {
        hub.door_pass(Direction::In).unwrap();
        clock.advance(Span::minutes(20));
    }
    for _ in 0..100 {
        if hub.sync_status().state == "clock" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(hub.sync_status().state, "clock");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        central.central.store.bucket_count().unwrap(),
        0,
        "nothing sent"
    );
    assert!(central.central.store.contacts().unwrap().is_empty());

    // NTP answers: the wall clock steps to the truth; the records are re-dated, then sent.
    clock.jump_wall(truth + Span::minutes(80), true);
    converged(&store, &central.central, Duration::from_secs(30)).await;
    let sent = central_hours(&central.central);
    let total: i64 = sent.iter().map(|(_, c)| c.door_in).sum();
    assert_eq!(total, 4);
    assert!(
        sent.iter().all(|(h, _)| *h >= truth - Span::hours(1)),
        "every pass is in its true hour: {sent:?}"
    );
    task.abort();
}
