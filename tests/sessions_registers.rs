//! Registers on a real SQLite file: a tutor adds and takes off students, each counted once in
//! its course's hourly attendance; cancelled and later sessions refuse; a register outlives its
//! session leaving the timetable; and member numbers on registers are purged after
//! `register_retention_days` (the visit logs after `retention_days`), the counts staying.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use hub_kiosk::clock::ManualClock;
use hub_kiosk::config::Config;
use hub_kiosk::domain::MemberId;
use hub_kiosk::domain::timetable::SessionId;
use hub_kiosk::events::EventBus;
use hub_kiosk::hub::{Hub, HubError};
use hub_kiosk::store::Store;

fn fixture() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/timetable.ics")
}

fn hub(
    data: &std::path::Path,
    at: &str,
    change: impl FnOnce(&mut Config),
) -> (Arc<Hub>, Arc<ManualClock>, Arc<Store>) {
    let mut config = Config::demo();
    config.kiosk.data_dir = data.to_owned();
    config.courses.timetable = Some(fixture());
    change(&mut config);
    let store = Arc::new(Store::open(&config.database_path()).unwrap());
    let clock = Arc::new(ManualClock::new(at.parse().unwrap()));
    let h = Hub::new(
        Arc::new(config),
        store.clone(),
        clock.clone(),
        EventBus::new(),
    );
    (h, clock, store)
}

fn id_of(h: &Hub, day: &str, title: &str) -> SessionId {
    h.sessions_on(day.parse().unwrap())
        .into_iter()
        .find(|s| s.title == title)
        .unwrap()
        .id
}

fn member(m: &str) -> Option<MemberId> {
    Some(MemberId::new(m).unwrap())
}

fn attendance(store: &Store) -> (i64, i64) {
    let t = store.footfall_total().unwrap();
    (
        t.attendance,
        t.courses.get("Managing anxiety").copied().unwrap_or(0),
    )
}

#[test]
fn tutors_add_and_take_off_students_and_the_counts_follow() {
    let dir = tempfile::tempdir().unwrap();
    let (h, _, store) = hub(dir.path(), "2026-11-02T11:00:00Z", |_| {});
    let anxiety = id_of(&h, "2026-11-02", "Managing anxiety");
    let mut events = h.subscribe();
    let r = h.add_attendee(&anxiety, member("M-2002"), "Tutor").unwrap();
    assert_eq!(
        (r.attendees, r.register.members[0].added_by.as_deref()),
        (1, Some("Tutor"))
    );
    let e = serde_json::to_value(events.try_recv().unwrap()).unwrap();
    assert_eq!(
        (e["type"].as_str(), e["attendees"].as_i64()),
        (Some("attendance_changed"), Some(1))
    );
    assert!(
        !e.to_string().contains("M-2002"),
        "events carry counts, never who: {e}"
    );
    h.add_attendee(&anxiety, None, "Tutor").unwrap();
    h.add_attendee(&anxiety, None, "Tutor").unwrap();
    assert_eq!(attendance(&store), (3, 3));
    // Counted in the hour the session starts, whenever the student was added.
    let hours = store
        .footfall_hours(DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC)
        .unwrap();
    assert_eq!(
        hours.iter().find(|(_, c)| c.attendance > 0).unwrap().0,
        "2026-11-02T10:00:00Z".parse::<DateTime<Utc>>().unwrap()
    );
    assert!(
        matches!(h.add_attendee(&anxiety, member("M-2002"), "Tutor"), Err(HubError::Register(m)) if m.contains("already"))
    );
    let r = h.remove_attendee(&anxiety, None).unwrap();
    assert_eq!((r.attendees, r.register.anonymous), (2, 1));
    h.remove_attendee(&anxiety, member("M-2002")).unwrap();
    assert!(matches!(
        h.remove_attendee(&anxiety, member("M-2002")),
        Err(HubError::Register(_))
    ));
    assert_eq!(attendance(&store), (1, 1));
    // Cancelled, later and unknown sessions refuse.
    let cancelled = id_of(&h, "2026-11-02", "Building confidence");
    assert!(
        matches!(h.add_attendee(&cancelled, None, "Tutor"), Err(HubError::Register(m)) if m.contains("cancelled"))
    );
    let next_week = id_of(&h, "2026-11-16", "Managing anxiety");
    assert!(
        matches!(h.add_attendee(&next_week, None, "Tutor"), Err(HubError::Register(m)) if m.contains("on the day"))
    );
    let nowhere = SessionId::parse("20261102-000000000000").unwrap();
    assert!(matches!(
        h.add_attendee(&nowhere, None, "Tutor"),
        Err(HubError::NoSession(_))
    ));
    // A past session's register can still be filled in.
    let last_week = id_of(&h, "2026-10-26", "Managing anxiety");
    assert_eq!(
        h.add_attendee(&last_week, member("M-3003"), "Tutor")
            .unwrap()
            .attendees,
        1
    );
}

#[test]
fn a_register_outlives_its_session_leaving_the_timetable() {
    let dir = tempfile::tempdir().unwrap();
    let (h, _, _) = hub(dir.path(), "2026-11-02T11:00:00Z", |_| {});
    let anxiety = id_of(&h, "2026-11-02", "Managing anxiety");
    h.add_attendee(&anxiety, member("M-2002"), "Tutor").unwrap();
    drop(h);
    // The college takes the course out of its calendar.
    let text = std::fs::read_to_string(fixture()).unwrap().replace(
        "UID:anxiety-autumn-2026@college.example",
        "UID:anxiety-renamed@college.example",
    );
    let changed = dir.path().join("changed.ics");
    std::fs::write(&changed, text).unwrap();
    let (h, _, store) = hub(dir.path(), "2026-11-02T11:00:00Z", |c| {
        c.courses.timetable = Some(changed.clone())
    });
    let day = h.registers_on("2026-11-02".parse().unwrap()).unwrap();
    let kept = day
        .iter()
        .find(|r| r.id == anxiety)
        .expect("the register is kept");
    assert!(!kept.in_timetable);
    assert_eq!(
        (kept.attendees, kept.title.as_str()),
        (1, "Managing anxiety")
    );
    // Taking the student off still takes the count from the course it was counted under.
    h.remove_attendee(&anxiety, member("M-2002")).unwrap();
    assert_eq!(attendance(&store), (0, 0));
}

#[test]
fn member_numbers_on_registers_go_after_their_own_retention() {
    let dir = tempfile::tempdir().unwrap();
    let (h, clock, store) = hub(dir.path(), "2026-11-02T11:00:00Z", |c| {
        c.kiosk.retention_days = 7;
        c.courses.register_retention_days = Some(60);
    });
    let anxiety = id_of(&h, "2026-11-02", "Managing anxiety");
    h.add_attendee(&anxiety, member("M-2002"), "Tutor").unwrap();
    h.add_attendee(&anxiety, None, "Tutor").unwrap();
    let step = |days: i64| {
        clock.set("2026-11-02T11:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::days(days));
        h.housekeeping().unwrap();
    };
    step(30);
    assert_eq!(
        store.member_rows().unwrap(),
        1,
        "a register outlives the visit logs"
    );
    step(61);
    assert_eq!(
        store.member_rows().unwrap(),
        0,
        "purged after register_retention_days"
    );
    assert!(
        store
            .registers_on("2026-11-02".parse().unwrap())
            .unwrap()
            .is_empty()
    );
    assert_eq!(attendance(&store), (2, 2), "the counts stay");
    // Without a setting of its own, registers go with the visit logs.
    let other = tempfile::tempdir().unwrap();
    let (h, clock, store) = hub(other.path(), "2026-11-02T11:00:00Z", |c| {
        c.kiosk.retention_days = 7
    });
    assert_eq!(h.config().register_retention_days(), 7);
    h.add_attendee(
        &id_of(&h, "2026-11-02", "Managing anxiety"),
        member("M-2002"),
        "Tutor",
    )
    .unwrap();
    clock.set("2026-11-10T11:00:00Z".parse().unwrap());
    h.housekeeping().unwrap();
    assert_eq!(store.member_rows().unwrap(), 0);
}
