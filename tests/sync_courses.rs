//! What of a session's attendance leaves the site: with `[courses] forward = "totals"` (the
//! default) the central service gets the number of students per hour and no course title; with
//! `"titles"` it gets every hour exactly as the kiosk holds it. Real HTTP on 127.0.0.1, real
//! SQLite files, the fixture timetable.

mod sync_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use hub_kiosk::clock::ManualClock;
use hub_kiosk::config::Config;
use hub_kiosk::domain::{Language, MemberId, Source, Visitor};
use hub_kiosk::events::EventBus;
use hub_kiosk::hub::{CheckInRequest, Hub};
use hub_kiosk::store::Store;
use sync_support::*;

/// A kiosk on the fixture timetable at 10:05 on Monday 2 November 2026, forwarding `forward`.
/// The hub, its database and its clock, for the test to look into and move on.
fn kiosk(
    dir: &std::path::Path,
    url: &str,
    forward: &str,
) -> (Arc<Hub>, Arc<Store>, Arc<ManualClock>) {
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/timetable.ics");
    let text = kiosk_config_text(dir, url, 50)
        + &format!(
            "\n[courses]\ntimetable = \"{}\"\nforward = \"{forward}\"\n",
            fixture.display()
        );
    let config = Config::parse(&text, "kiosk.toml").unwrap();
    let store = Arc::new(Store::open(&config.database_path()).unwrap());
    let now: DateTime<Utc> = "2026-11-02T10:05:00Z".parse().unwrap();
    let clock = Arc::new(ManualClock::new(now));
    let hub = Hub::new(
        Arc::new(config),
        store.clone(),
        clock.clone(),
        EventBus::new(),
    );
    (hub, store, clock)
}

/// Students at the two morning sessions: at the screen, by card, and added by a tutor.
fn students(hub: &Hub) {
    let open = hub.sessions_now().open;
    assert_eq!(open.len(), 2, "{open:?}");
    for (i, s) in open.iter().cycle().take(5).enumerate() {
        let visitor = if i == 2 {
            Visitor::Member(MemberId::new("M-1001").unwrap())
        } else {
            Visitor::Anonymous
        };
        let source = if i == 2 {
            Source::Card
        } else {
            Source::Touchscreen
        };
        hub.check_in(CheckInRequest {
            visitor,
            needs: Vec::new(),
            language: Language::english(),
            source,
            priority: false,
            session: Some(s.id.clone()),
            interpreter: false,
        })
        .unwrap();
    }
    hub.add_attendee(&open[0].id, Some(MemberId::new("M-2002").unwrap()), "Tutor")
        .unwrap();
    hub.add_attendee(&open[1].id, None, "Tutor").unwrap();
}

async fn forwarded(hub: &Arc<Hub>, url: &str) {
    let task = tokio::spawn(hub_kiosk::sync::forward(
        hub.clone(),
        quick_sync(url, 50, Duration::from_secs(5)),
    ));
    let deadline = Instant::now() + Duration::from_secs(30);
    while hub.outbox_depth().unwrap() > 0 {
        assert!(Instant::now() < deadline, "the outbox never emptied");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    task.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn by_default_only_the_number_of_students_leaves_the_site() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new("2026-11-02T10:06:00Z".parse().unwrap()));
    let central = start_central(&dir.path().join("central"), clock, loopback());
    let (hub, store, _) = kiosk(&dir.path().join("kiosk"), &central.url, "totals");
    students(&hub);
    forwarded(&hub, &central.url).await;
    let local = local_hours(&store);
    let remote = central_hours(&central.central);
    let total = |hours: &[(DateTime<Utc>, hub_kiosk::domain::Counts)]| -> i64 {
        hours.iter().map(|(_, c)| c.attendance).sum()
    };
    assert_eq!(total(&local), 7);
    assert_eq!(
        total(&remote),
        7,
        "the central attendance equals the kiosk's"
    );
    assert!(
        local
            .iter()
            .any(|(_, c)| c.courses.contains_key("Managing anxiety"))
    );
    assert!(
        remote.iter().all(|(_, c)| c.courses.is_empty()),
        "{remote:?}"
    );
    // Everything else arrives as the kiosk has it.
    let strip = |hours: Vec<(DateTime<Utc>, hub_kiosk::domain::Counts)>| -> Vec<_> {
        hours
            .into_iter()
            .map(|(h, mut c)| {
                c.courses.clear();
                (h, c)
            })
            .collect()
    };
    assert_eq!(strip(local), strip(remote));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_titles_the_central_service_holds_what_the_kiosk_holds() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new("2026-11-02T10:06:00Z".parse().unwrap()));
    let central = start_central(&dir.path().join("central"), clock, loopback());
    let (hub, store, _) = kiosk(&dir.path().join("kiosk"), &central.url, "titles");
    students(&hub);
    forwarded(&hub, &central.url).await;
    converged(&store, &central.central, Duration::from_secs(10)).await;
    let remote = central_hours(&central.central);
    let anxiety: i64 = remote
        .iter()
        .filter_map(|(_, c)| c.courses.get("Managing anxiety"))
        .sum();
    assert_eq!(anxiety, 4, "{remote:?}");
    // Taking a student off a register sends the hour again, one fewer.
    let id = hub.sessions_now().open[0].id.clone();
    hub.remove_attendee(&id, Some(MemberId::new("M-2002").unwrap()))
        .unwrap();
    forwarded(&hub, &central.url).await;
    converged(&store, &central.central, Duration::from_secs(10)).await;
    let anxiety: i64 = central_hours(&central.central)
        .iter()
        .filter_map(|(_, c)| c.courses.get("Managing anxiety"))
        .sum();
    assert_eq!(anxiety, 3);
}

/// A student put on the register of this afternoon's session in the morning is counted in the
/// hour the session starts: that hour waits in the outbox until it begins (the central service
/// refuses hours far ahead of its clock, and a refused hour would never be sent again), then
/// goes like any other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_hour_that_has_not_begun_waits_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let central_clock = Arc::new(ManualClock::new("2026-11-02T10:06:00Z".parse().unwrap()));
    let central = start_central(
        &dir.path().join("central"),
        central_clock.clone(),
        loopback(),
    );
    let (hub, _store, clock) = kiosk(&dir.path().join("kiosk"), &central.url, "totals");
    let cooking = hub
        .sessions_on("2026-11-02".parse().unwrap())
        .into_iter()
        .find(|s| s.title == "Cooking on a budget")
        .expect("the fixture's afternoon session");
    let afternoon = hub_kiosk::domain::hour_start(cooking.starts);
    assert!(afternoon > "2026-11-02T13:00:00Z".parse::<DateTime<Utc>>().unwrap());
    hub.add_attendee(&cooking.id, None, "Tutor").unwrap();
    hub.add_attendee(&hub.sessions_now().open[0].id, None, "Tutor")
        .unwrap();
    let at_central = |hour: DateTime<Utc>| -> i64 {
        central_hours(&central.central)
            .iter()
            .filter(|(h, _)| *h == hour)
            .map(|(_, c)| c.attendance)
            .sum()
    };
    let task = tokio::spawn(hub_kiosk::sync::forward(
        hub.clone(),
        quick_sync(&central.url, 50, Duration::from_secs(5)),
    ));
    // The morning's hour goes; the afternoon's stays, neither sent nor refused.
    let deadline = Instant::now() + Duration::from_secs(30);
    while hub.outbox_depth().unwrap() > 1 {
        assert!(
            Instant::now() < deadline,
            "the morning's hour was never sent"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(hub.outbox_depth().unwrap(), 1);
    assert_eq!(hub.dead_letter_count().unwrap(), 0);
    assert_eq!(at_central(afternoon), 0);
    // Once the afternoon's hour begins, it is sent.
    let later = afternoon + chrono::Duration::minutes(1);
    clock.set(later);
    central_clock.set(later);
    while hub.outbox_depth().unwrap() > 0 {
        assert!(
            Instant::now() < deadline,
            "the afternoon's hour was never sent"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    task.abort();
    assert_eq!(at_central(afternoon), 1);
    assert_eq!(hub.dead_letter_count().unwrap(), 0);
}
