//! "Which session are you here for?", driven without Slint: the courses tile asks what is on,
//! a session tile checks in at once, "Something else" and Back go where they came from, a
//! member's card goes straight to the sessions, and the done screen offers the next student
//! the same sessions.

use chrono::{NaiveDate, NaiveTime};

use super::*;

use super::tests::{index, visit};

fn offer(id: &str, title: &str) -> Offer {
    let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    Offer {
        id: format!("20261102-{id}"),
        title: title.into(),
        room: "Room 2".into(),
        starts: t(10),
        ends: t(12),
        started: false,
    }
}

fn on_now() -> OnNow {
    OnNow {
        open: vec![
            offer("3f9a0c1d2b4e", "Managing anxiety"),
            offer("5b7e1c0d9a2f", "Creative writing"),
        ],
        cancelled: vec![offer("9e8d7c6b5a41", "Building confidence")],
    }
}

/// Answers a FindSessions as the adapter does, with `found`.
fn answer(v: &mut Visit, effects: &[Effect], found: OnNow) -> Vec<Effect> {
    let generation = effects
        .iter()
        .find_map(|e| match e {
            Effect::FindSessions { generation } => Some(*generation),
            _ => None,
        })
        .expect("sessions asked for");
    v.step(Input::SessionsFound {
        generation,
        on_now: found,
    })
}

fn request(effects: &[Effect]) -> Option<CheckInRequest> {
    effects.iter().find_map(|e| match e {
        Effect::CheckIn { request, .. } => Some(request.clone()),
        _ => None,
    })
}

fn done_for_session(v: &mut Visit, generation: u64) {
    v.step(Input::CheckInAnswered {
        generation,
        saved: Saved::Yes(Checked {
            queued: None,
            session: Some(AtSession {
                title: "Managing anxiety".into(),
                room: "Room 2".into(),
                starts: NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
                started: false,
                busy: false,
            }),
            no_ticket: None,
            next_opening: None,
            today: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
        }),
    });
}

#[test]
fn two_taps_from_welcome_to_a_session_check_in() {
    let mut v = visit();
    let courses = index(&v, "courses");
    let asked = v.step(Input::NeedOnWelcome(courses));
    assert_eq!(v.page(), Page::Welcome, "waits for what is on");
    answer(&mut v, &asked, on_now());
    assert_eq!(v.page(), Page::Sessions);
    assert_eq!(v.on_now().cancelled.len(), 1);
    let saved = v.step(Input::Session(1));
    let req = request(&saved).expect("checked in at the second tap");
    assert_eq!(
        req.session.map(|s| s.to_string()).as_deref(),
        Some("20261102-5b7e1c0d9a2f")
    );
    assert!(
        req.needs.is_empty(),
        "the hub adds the courses need: {:?}",
        req.needs
    );
    assert!(v.busy());
}

#[test]
fn with_nothing_on_the_courses_tile_works_as_before() {
    let mut v = visit();
    let courses = index(&v, "courses");
    let asked = v.step(Input::NeedOnWelcome(courses));
    answer(&mut v, &asked, OnNow::default());
    assert_eq!(v.page(), Page::Needs);
    assert!(v.chosen()[courses]);
    // On the needs screen, tapping it off and on again asks again.
    assert!(v.step(Input::Need(courses)).is_empty());
    assert!(!v.chosen()[courses]);
    let asked = v.step(Input::Need(courses));
    answer(&mut v, &asked, OnNow::default());
    assert!(v.chosen()[courses]);
    assert_eq!(v.page(), Page::Needs);
}

#[test]
fn something_else_and_back_go_where_the_visitor_came_from() {
    let mut v = visit();
    let courses = index(&v, "courses");
    let asked = v.step(Input::NeedOnWelcome(courses));
    answer(&mut v, &asked, on_now());
    v.step(Input::SomethingElse);
    assert_eq!(v.page(), Page::Needs);
    assert!(v.chosen()[courses], "today's behaviour: the need chosen");
    let mut v = visit();
    v.step(Input::CheckIn);
    let housing = index(&v, "housing");
    v.step(Input::Need(housing));
    let asked = v.step(Input::Need(courses));
    answer(&mut v, &asked, on_now());
    assert_eq!(v.page(), Page::Sessions);
    v.step(Input::Back);
    assert_eq!(
        v.page(),
        Page::Needs,
        "back to the needs, housing still chosen"
    );
    assert!(v.chosen()[housing] && !v.chosen()[courses]);
    let asked = v.step(Input::Need(courses));
    answer(&mut v, &asked, on_now());
    let req = request(&v.step(Input::Session(0))).unwrap();
    assert_eq!(
        req.needs,
        ["housing"],
        "a session and a drop-in need in one visit"
    );
    assert!(req.session.is_some());
}

#[test]
fn a_members_card_shows_the_sessions_and_one_tap_checks_in() {
    let mut v = visit();
    let scan = v.step(Input::Scanned(crate::scanner::Scanned::Line(
        b"HK1:x".to_vec(),
    )));
    let generation = scan
        .iter()
        .find_map(|e| match e {
            Effect::CheckCard { generation, .. } => Some(*generation),
            _ => None,
        })
        .unwrap();
    let member = crate::domain::MemberId::new("M-1001").unwrap();
    let asked = v.step(Input::CardAnswered {
        generation,
        card: Card::Member(member.clone()),
    });
    answer(&mut v, &asked, on_now());
    assert_eq!(v.page(), Page::Sessions);
    let req = request(&v.step(Input::Session(0))).unwrap();
    assert_eq!(req.visitor, crate::domain::Visitor::Member(member));
    assert_eq!(req.source, crate::domain::Source::Card);
}

#[test]
fn the_done_screen_takes_the_next_student_in_one_tap() {
    let mut v = visit();
    v.step(Input::Language("pl".into()));
    let asked = v.step(Input::NeedOnWelcome(index(&v, "courses")));
    answer(&mut v, &asked, on_now());
    v.step(Input::Session(0));
    let generation = v.generation();
    done_for_session(&mut v, generation);
    assert_eq!(v.page(), Page::Done);
    assert_eq!(v.next_sessions().len(), 2);
    let before = v.generation();
    let next = v.step(Input::NextSession(1));
    let req = request(&next).expect("the next student is checked in");
    assert!(v.generation() > before, "the first student is forgotten");
    assert_eq!(
        req.language.as_str(),
        "en",
        "the next student starts in the site's language"
    );
    assert_eq!(req.visitor, crate::domain::Visitor::Anonymous);
    assert_eq!(
        req.session.map(|s| s.to_string()).as_deref(),
        Some("20261102-5b7e1c0d9a2f")
    );
    // An answer for the first student arriving late changes nothing.
    done_for_session(&mut v, before);
    assert!(v.busy());
}

#[test]
fn a_ticket_on_the_done_screen_keeps_the_next_tiles_away() {
    let mut v = visit();
    v.step(Input::CheckIn);
    v.step(Input::Need(index(&v, "housing")));
    let asked = v.step(Input::Need(index(&v, "courses")));
    answer(&mut v, &asked, on_now());
    v.step(Input::Session(0));
    let generation = v.generation();
    v.step(Input::CheckInAnswered {
        generation,
        saved: Saved::Yes(Checked {
            queued: Some(Queued {
                ticket: "A 001".into(),
                position: 1,
                low_minutes: 0,
                high_minutes: 5,
            }),
            session: None,
            no_ticket: None,
            next_opening: None,
            today: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
        }),
    });
    assert_eq!(v.page(), Page::Done);
    assert!(v.next_sessions().is_empty());
    assert!(v.step(Input::NextSession(0)).is_empty());
}
