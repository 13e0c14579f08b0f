//! Forwarding through a server that answers 500, 429 with Retry-After, 400, 401, 503 and 408,
//! hangs past the timeout (and then delivers the stale request late), and cuts the connection
//! halfway through the request and through the answer: afterwards the central totals equal the
//! kiosk's exactly, hour by hour. Then a bucket the central service really refuses (an hour in
//! its future: the kiosk's clock runs ahead) is set aside as a dead letter without holding the others back, and delivered
//! once requeued.

mod sync_support;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use chrono::{Duration as Days, Utc};
use hub_kiosk::clock::{Clock, ManualClock};
use hub_kiosk::domain::footfall::Direction;
use hub_kiosk::domain::{Stamp, hour_start};
use hub_kiosk::events::Event;
use sync_support::proxy::{Fault, Proxy};
use sync_support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn central_totals_equal_local_totals_after_every_kind_of_fault() {
    let dir = tempfile::tempdir().unwrap();
    let central_clock = Arc::new(ManualClock::new(Utc::now()));
    let central = start_central(
        &dir.path().join("central"),
        central_clock.clone(),
        loopback(),
    );

    let kiosk_clock = Arc::new(ManualClock::new(Utc::now()));
    let (hub, store) = kiosk_hub(
        &dir.path().join("kiosk"),
        "http://unused",
        kiosk_clock.clone(),
    );
    let seed = seed();
    eprintln!("SYNC_SEED={seed}");
    let mut rng = Rng(seed);
    let start = hour_start(Utc::now()) - Days::hours(40);
    for h in 0..40 {
        fill_hour(&store, start + Days::hours(h), &mut rng);
    }
    let hours = local_hours(&store).len();
    assert!(hours >= 40, "{hours}");

    // While a request hangs, the hour it carries changes: the retry sends a newer revision,
    // which the stale request (delivered late) must not undo.
    let hanging = store.clone();
    let on_hang = Box::new(move |body: &[u8]| {
        let v: serde_json::Value = serde_json::from_slice(body).unwrap();
        let hour: chrono::DateTime<Utc> =
            v["buckets"][0]["hour"].as_str().unwrap().parse().unwrap();
        hanging
            .record_door_pass(&Stamp::synced_at(hour + Days::minutes(30)), Direction::In)
            .unwrap();
    });
    let timeout = Duration::from_millis(400);
    let script = vec![
        Fault::Status(500, None),
        Fault::Status(429, Some("1")),
        Fault::Status(400, None),
        Fault::Status(401, None),
        Fault::Hang {
            max: Duration::from_secs(30),
        },
        Fault::CutRequest,
        Fault::CutResponse,
        Fault::Status(503, None),
        Fault::Status(408, None),
    ];
    let proxy = Proxy::start(&central.url, script.clone(), on_hang).await;
    let mut events = hub.subscribe();
    let task = tokio::spawn(hub_kiosk::sync::forward(
        hub.clone(),
        quick_sync(&proxy.url, 8, timeout),
    ));

    converged(&store, &central.central, Duration::from_secs(60)).await;
    // The hung request reaches the central service only after a newer one: it must be ignored.
    for _ in 0..600 {
        if proxy.late_forwards.load(Ordering::SeqCst) == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(proxy.late_forwards.load(Ordering::SeqCst), 1);
    assert!(central.central.metrics.buckets_stale.load(Ordering::SeqCst) >= 1);
    converged(&store, &central.central, Duration::from_secs(10)).await;
    assert_eq!(store.dead_letter_count().unwrap(), 0);

    // Every scripted fault was met, and the request after the 429 waited its Retry-After.
    let seen = proxy.seen();
    let faults: Vec<Fault> = seen
        .iter()
        .map(|s| s.fault.clone())
        .take(script.len())
        .collect();
    assert_eq!(faults, script);
    let after_429 = seen[2].at - seen[1].at;
    assert!(
        after_429 >= Duration::from_millis(950),
        "Retry-After not honoured: {after_429:?}"
    );
    // The 400 made the kiosk halve its batch rather than give the hours up.
    assert_eq!(seen[2].buckets, 8);
    assert_eq!(seen[3].buckets, 4);

    let m = &hub.metrics().sync_requests;
    assert!(m.get("retry") >= 4, "500, 429, 503, 408");
    assert_eq!(m.get("rejected"), 1);
    assert_eq!(m.get("unauthorized"), 1);
    assert!(m.get("timeout") >= 1);
    assert!(m.get("network") >= 2, "cut request and cut answer");
    assert!(m.get("ok") >= 5);
    let mut details = Vec::new();
    while let Ok(e) = events.try_recv() {
        if let Event::SyncStatus { online, detail, .. } = e {
            details.push((online, detail));
        }
    }
    assert!(
        details.iter().any(|(on, d)| !on && d.contains("401")),
        "{details:?}"
    );
    assert_eq!(hub.sync_status().state, "online");

    // A bucket the central service refuses: the kiosk's clock runs three days ahead of the
    // central's, and the hour it counts now is three days in the central's future. (The kiosk
    // sends only hours that have begun by its own clock.)
    kiosk_clock.advance(Days::days(3));
    let future = hour_start(kiosk_clock.now().utc);
    assert!(future > central_clock.now().utc + Days::days(2));
    store
        .record_door_pass(&Stamp::synced_at(future), Direction::In)
        .unwrap();
    fill_hour(&store, start + Days::hours(41), &mut rng);
    let mut waited = 0;
    while store.dead_letter_count().unwrap() == 0 || store.outbox_depth().unwrap() > 0 {
        waited += 1;
        assert!(waited < 600, "the refused hour was never set aside");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let dead = store.dead_letters().unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!((dead[0].hour, dead[0].status), (future, 422));
    assert!(
        dead[0].reason.contains("check the kiosk's clock"),
        "{}",
        dead[0].reason
    );
    let central_has = central_hours(&central.central);
    assert!(central_has.iter().all(|(h, _)| *h != future));
    assert!(
        central_has
            .iter()
            .any(|(h, _)| *h == start + Days::hours(41)),
        "the good hour went on"
    );

    // Once the cause is fixed (here: the central clock catches up), `hub-kiosk sync retry`.
    central_clock.advance(Days::days(3));
    assert_eq!(store.outbox_requeue_dead_letters(Utc::now()).unwrap(), 1);
    converged(&store, &central.central, Duration::from_secs(30)).await;
    assert_eq!(store.dead_letter_count().unwrap(), 0);
    task.abort();
}
