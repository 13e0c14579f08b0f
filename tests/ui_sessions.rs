//! Recovery College sessions at the screen, driven headless (Slint's testing backend, mocked
//! time) on a real SQLite file, with the fixture timetable (`tests/fixtures/timetable.ics`:
//! weekly RRULEs, an EXDATE, a cancelled instance, the week the clocks change, a Windows zone
//! name and a VTIMEZONE block) and the hub's clock set to the time of day each case needs.
//!
//! One test function: Slint's testing platform can be set once per process.

mod ui_support;

use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::London;
use hub_kiosk::clock::ManualClock;
use hub_kiosk::ui::Screen;
use ui_support::{Kiosk, VALID_CARD, run, until};

fn london(s: &str) -> DateTime<Utc> {
    let t = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    London.from_local_datetime(&t).unwrap().with_timezone(&Utc)
}

fn fixture() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/timetable.ics")
}

/// The demo kiosk on the fixture timetable, at `time` (London).
fn kiosk_at(time: &str) -> (Kiosk, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(london(time)));
    let k = Kiosk::with_clock(|c| c.courses.timetable = Some(fixture()), clock.clone());
    (k, clock)
}

/// The tile of today's session called `title`.
fn tile(k: &Kiosk, prefix: &str, title: &str) -> String {
    let now = k.hub.sessions_now();
    let s = now
        .open
        .iter()
        .find(|s| s.title == title)
        .unwrap_or_else(|| panic!("{title} is not offered"));
    format!("{prefix}{}", s.id)
}

/// The titles of the session tiles on the screen, in order.
fn offered(k: &Kiosk) -> Vec<String> {
    use slint::Model;
    k.ui.api()
        .get_sessions()
        .iter()
        .map(|s| s.title.to_string())
        .collect()
}

#[test]
fn students_check_in_to_sessions_at_the_screen() {
    run(|| async {
        what_is_offered_at_nine_five_past_ten_and_four().await;
        the_week_the_clocks_change_and_other_zones().await;
        an_anonymous_student_is_done_in_two_taps().await;
        a_member_scans_and_is_done_in_one_tap().await;
        a_busy_session_still_takes_them().await;
        something_else_keeps_todays_way().await;
        a_session_and_a_drop_in_need_in_one_visit().await;
        twenty_students_in_a_row().await;
    });
}

async fn what_is_offered_at_nine_five_past_ten_and_four() {
    let (k, clock) = kiosk_at("2026-11-02 09:00");
    let api = k.ui.api();
    k.tap("need-courses");
    assert_eq!(api.get_screen(), Screen::Sessions);
    assert_eq!(offered(&k), ["Managing anxiety", "Creative writing"]);
    // The cancelled one is not offered, and the student who came for it is told where to ask.
    let cancelled = k.find("cancelled").accessible_label().unwrap().to_string();
    assert!(
        cancelled.contains("Building confidence at 9:30 is cancelled today."),
        "{cancelled}"
    );
    assert!(cancelled.contains("front desk"), "{cancelled}");
    assert!(
        k.try_find(&tile(&k, "session-", "Managing anxiety"))
            .is_some()
    );
    let label = k
        .find(&tile(&k, "session-", "Managing anxiety"))
        .accessible_label()
        .unwrap();
    assert_eq!(label, "Managing anxiety, 10:00–12:00, Room 2, first floor");
    k.tap("back");
    clock.set(london("2026-11-02 10:05"));
    k.tap("need-courses");
    assert_eq!(offered(&k), ["Managing anxiety", "Creative writing"]);
    let started = k
        .find(&tile(&k, "session-", "Managing anxiety"))
        .accessible_label()
        .unwrap();
    assert!(started.contains("Started at 10:00"), "{started}");
    k.tap("back");
    clock.set(london("2026-11-02 16:00"));
    k.tap("need-courses");
    assert_eq!(offered(&k), ["Cooking on a budget", "Stand-up comedy"]);
    assert!(k.try_find("cancelled").is_none());
    // After the last session: no question, today's way.
    k.tap("back");
    clock.set(london("2026-11-02 19:00"));
    k.tap("need-courses");
    assert_eq!(api.get_screen(), Screen::Needs);
    assert_eq!(k.find("need-courses").accessible_checked(), Some(true));
}

async fn the_week_the_clocks_change_and_other_zones() {
    // Monday 26 October 2026, the day after the clocks went back: wall times stay put.
    let (k, clock) = kiosk_at("2026-10-26 09:00");
    k.tap("need-courses");
    assert_eq!(
        offered(&k),
        [
            "Building confidence",
            "Managing anxiety",
            "Creative writing"
        ]
    );
    let writing = k
        .find(&tile(&k, "session-", "Creative writing"))
        .accessible_label()
        .unwrap();
    assert!(
        writing.contains("10:30–12:00"),
        "a Windows zone name: {writing}"
    );
    k.tap("back");
    clock.set(london("2026-10-26 13:00"));
    k.tap("need-courses");
    let walk = k
        .find(&tile(&k, "session-", "Wellbeing walk"))
        .accessible_label()
        .unwrap();
    assert!(walk.contains("13:30–15:00"), "a VTIMEZONE block: {walk}");
    // The week before (BST) reads the same; 9 November has the EXDATE.
    k.tap("back");
    clock.set(london("2026-10-19 09:00"));
    k.tap("need-courses");
    assert_eq!(
        offered(&k),
        [
            "Building confidence",
            "Managing anxiety",
            "Creative writing"
        ]
    );
    k.tap("back");
    clock.set(london("2026-11-09 09:00"));
    k.tap("need-courses");
    assert_eq!(offered(&k), ["Building confidence", "Creative writing"]);
}

async fn an_anonymous_student_is_done_in_two_taps() {
    let (k, _) = kiosk_at("2026-11-02 09:58");
    let api = k.ui.api();
    k.tap("need-courses");
    k.tap(&tile(&k, "session-", "Managing anxiety"));
    until("the done screen", || api.get_screen() == Screen::Done).await;
    let said = k.find("session-where").accessible_label().unwrap();
    assert_eq!(said, "Room 2, first floor — it starts at 10:00.");
    assert!(k.try_find("session-busy").is_none());
    assert_eq!(api.get_ticket(), "");
    assert_eq!(
        k.count("SELECT count(*) FROM attendance a JOIN session s ON s.id = a.session WHERE a.member_id IS NULL AND a.checkin_id IS NOT NULL AND s.title = 'Managing anxiety'"),
        1
    );
    assert_eq!(
        k.count("SELECT count(*) FROM checkin_need WHERE need = 'courses'"),
        1
    );
    // Counted in the hour the session starts (10:00 GMT), under its course.
    assert_eq!(
        k.count(&format!(
            "SELECT count FROM footfall_course WHERE course = 'Managing anxiety' AND hour = {}",
            london("2026-11-02 10:00").timestamp()
        )),
        1
    );
}

async fn a_member_scans_and_is_done_in_one_tap() {
    let (k, _) = kiosk_at("2026-11-02 10:05");
    let api = k.ui.api();
    k.type_line(VALID_CARD);
    until("today's sessions for the member", || {
        api.get_screen() == Screen::Sessions
    })
    .await;
    assert_eq!(api.get_member(), "M-1001");
    k.tap(&tile(&k, "session-", "Creative writing"));
    until("the done screen", || api.get_screen() == Screen::Done).await;
    assert_eq!(
        k.find("session-where").accessible_label().unwrap(),
        "Studio, first floor — it starts at 10:30."
    );
    assert_eq!(
        k.count("SELECT count(*) FROM attendance WHERE member_id = 'M-1001' AND checkin_id IN (SELECT id FROM checkin WHERE source = 'card')"),
        1
    );
}

async fn a_busy_session_still_takes_them() {
    // Stand-up comedy has 3 places (X-CAPACITY:3).
    let (k, _) = kiosk_at("2026-11-02 16:00");
    let api = k.ui.api();
    for n in 1..=4 {
        k.tap("need-courses");
        k.tap(&tile(&k, "session-", "Stand-up comedy"));
        until("the done screen", || api.get_screen() == Screen::Done).await;
        assert_eq!(k.try_find("session-busy").is_some(), n == 4, "student {n}");
        k.tap("finish");
    }
    let id = tile(&k, "", "Stand-up comedy");
    let register = k
        .hub
        .register(&hub_kiosk::domain::timetable::SessionId::parse(&id).unwrap())
        .unwrap();
    assert_eq!(
        (
            register.attendees,
            register.capacity,
            register.over_capacity
        ),
        (4, Some(3), true)
    );
}

async fn something_else_keeps_todays_way() {
    let (k, _) = kiosk_at("2026-11-02 09:58");
    let api = k.ui.api();
    k.tap("need-courses");
    k.tap("something-else");
    assert_eq!(api.get_screen(), Screen::Needs);
    assert_eq!(k.find("need-courses").accessible_checked(), Some(true));
    k.tap("done");
    until("the done screen", || api.get_screen() == Screen::Done).await;
    use slint::Model;
    let lines: Vec<String> = api.get_directions().iter().map(|s| s.to_string()).collect();
    assert!(
        lines.iter().any(|l| l.starts_with("Courses: ")),
        "{lines:?}"
    );
    assert_eq!(k.count("SELECT count(*) FROM attendance"), 0);
}

async fn a_session_and_a_drop_in_need_in_one_visit() {
    let (k, _) = kiosk_at("2026-11-02 09:58");
    let api = k.ui.api();
    k.tap("check-in");
    k.tap("need-housing");
    k.tap("need-courses");
    assert_eq!(api.get_screen(), Screen::Sessions);
    k.tap(&tile(&k, "session-", "Managing anxiety"));
    until("the done screen", || api.get_screen() == Screen::Done).await;
    assert_eq!(api.get_ticket(), "A 001");
    assert_eq!(
        k.find("session-where").accessible_label().unwrap(),
        "Room 2, first floor — it starts at 10:00."
    );
    assert!(
        k.try_find(&tile(&k, "next-session-", "Managing anxiety"))
            .is_none(),
        "the ticket comes first"
    );
    assert_eq!(
        k.count("SELECT count(*) FROM ticket WHERE need = 'housing'"),
        1
    );
    assert_eq!(k.count("SELECT count(*) FROM attendance"), 1);
    assert_eq!(
        k.count("SELECT count(*) FROM checkin_need WHERE need IN ('housing', 'courses')"),
        2
    );
}

/// At 9:58 twenty students arrive at once: each is in within two taps (one after a scan), the
/// next one tapping their session on the done screen of the one before.
async fn twenty_students_in_a_row() {
    let (k, _) = kiosk_at("2026-11-02 09:58");
    let api = k.ui.api();
    let courses = ["Managing anxiety", "Creative writing"];
    let mut taps = Vec::new();
    for n in 0..20 {
        let course = courses[n % 2];
        let before = k.count("SELECT count(*) FROM attendance");
        let mut tapped = 0;
        if n == 7 {
            // A member with a card (scanned on the done screen: a new visitor), then one tap.
            k.type_line(VALID_CARD);
            until("sessions after the scan", || {
                api.get_screen() == Screen::Sessions
            })
            .await;
            k.tap(&tile(&k, "session-", course));
            tapped += 1;
        } else if let Some(next) = k.try_find(&tile(&k, "next-session-", course)) {
            next.invoke_accessible_default_action();
            tapped += 1;
        } else {
            k.tap("need-courses");
            k.tap(&tile(&k, "session-", course));
            tapped += 2;
        }
        until("the done screen", || {
            api.get_screen() == Screen::Done && !api.get_busy()
        })
        .await;
        assert_eq!(
            k.count("SELECT count(*) FROM attendance"),
            before + 1,
            "student {n}"
        );
        taps.push(tapped);
    }
    assert!(taps.iter().all(|t| *t <= 2), "{taps:?}");
    assert_eq!(taps[7], 1, "one tap after the scan");
    assert_eq!(taps.iter().filter(|t| **t == 1).count(), 19, "{taps:?}");
    assert_eq!(
        k.count("SELECT count(*) FROM attendance WHERE member_id IS NULL"),
        19
    );
    assert_eq!(k.count("SELECT count(*) FROM checkin"), 20);
    assert_eq!(
        k.count("SELECT COALESCE(SUM(count), 0) FROM footfall_course"),
        20
    );
}
