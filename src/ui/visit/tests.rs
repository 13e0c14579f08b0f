//! The visitor's way through the screens, driven without Slint.

use std::sync::Arc;

use chrono::NaiveDate;

use super::*;
use crate::config::Config;

pub(super) fn visit() -> Visit {
    Visit::new(Arc::new(Config::demo()))
}

pub(super) fn index(v: &Visit, id: &str) -> usize {
    v.config()
        .catalogue
        .iter()
        .position(|n| n.id.as_str() == id)
        .unwrap()
}

fn check_in(effects: &[Effect]) -> Option<(u64, &CheckInRequest)> {
    effects.iter().find_map(|e| match e {
        Effect::CheckIn {
            generation,
            request,
        } => Some((*generation, request)),
        _ => None,
    })
}

/// Answers a question about what sessions are on (if one was asked) with: none.
fn nothing_on(v: &mut Visit, effects: &[Effect]) {
    for e in effects {
        if let Effect::FindSessions { generation } = e {
            v.step(Input::SessionsFound {
                generation: *generation,
                on_now: OnNow::default(),
            });
        }
    }
}

fn saved(queued: bool) -> Saved {
    Saved::Yes(Checked {
        session: None,
        queued: queued.then(|| Queued {
            ticket: "A 001".into(),
            position: 1,
            low_minutes: 0,
            high_minutes: 5,
        }),
        no_ticket: None,
        next_opening: None,
        today: NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(),
    })
}

#[test]
fn a_drop_in_need_is_saved_once_and_shows_the_done_screen() {
    let mut v = visit();
    v.step(Input::CheckIn);
    assert_eq!(v.page(), Page::Needs);
    let housing = index(&v, "housing");
    assert!(v.step(Input::Need(housing)).is_empty());
    assert!(v.chosen()[housing]);
    let effects = v.step(Input::Done);
    let (generation, request) = check_in(&effects).expect("a check-in to save");
    assert_eq!(request.needs, ["housing"]);
    assert!(v.busy());
    assert!(
        check_in(&v.step(Input::Done)).is_none(),
        "a double tap saves once"
    );
    let effects = v.step(Input::CheckInAnswered {
        generation,
        saved: saved(true),
    });
    assert_eq!(v.page(), Page::Done);
    assert!(!v.busy());
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Start(Timer::Done, _)))
    );
    v.step(Input::DoneElapsed);
    assert_eq!(v.page(), Page::Welcome);
    assert!(v.pristine());
}

#[test]
fn just_visiting_on_welcome_checks_in_at_once() {
    let mut v = visit();
    let visiting = index(&v, "visiting");
    let effects = v.step(Input::NeedOnWelcome(visiting));
    let (_, request) = check_in(&effects).expect("saved at once");
    assert_eq!(request.needs, ["visiting"]);
    assert_eq!(v.page(), Page::Welcome);
}

#[test]
fn an_answer_for_a_visitor_who_has_gone_is_dropped() {
    let mut v = visit();
    v.step(Input::NeedOnWelcome(index(&v, "money")));
    let (generation, _) = check_in(&v.step(Input::Done))
        .map(|(g, r)| (g, r.clone()))
        .unwrap();
    v.step(Input::Reset);
    v.step(Input::CheckInAnswered {
        generation,
        saved: saved(true),
    });
    assert_eq!(v.page(), Page::Welcome, "the answer came too late");
}

#[test]
fn a_member_card_greets_by_number_and_checks_in_as_the_member() {
    let mut v = visit();
    v.step(Input::Language("pl".into()));
    let effects = v.step(Input::Scanned(Scanned::Line(b"HK1:...".to_vec())));
    let generation = effects
        .iter()
        .find_map(|e| match e {
            Effect::CheckCard { generation, .. } => Some(*generation),
            _ => None,
        })
        .expect("the card is checked on the worker");
    assert!(v.busy());
    let member = MemberId::new("M-1001").unwrap();
    let asked = v.step(Input::CardAnswered {
        generation,
        card: Card::Member(member.clone()),
    });
    // With no session on now (see tests_sessions.rs for one), the needs screen.
    nothing_on(&mut v, &asked);
    assert_eq!(v.page(), Page::Needs);
    assert_eq!(v.member(), Some(&member));
    assert_eq!(v.language(), "pl", "a scan keeps the language chosen");
    v.step(Input::Need(index(&v, "money")));
    let effects = v.step(Input::Done);
    let (_, request) = check_in(&effects).unwrap();
    assert_eq!(request.source, crate::domain::Source::Card);
    assert_eq!(request.visitor.member(), Some(&member));
}

#[test]
fn an_expired_card_says_so_and_carries_on_anonymously() {
    let mut v = visit();
    v.step(Input::Scanned(Scanned::Overlong));
    let generation = v.generation();
    v.step(Input::CardAnswered {
        generation,
        card: Card::Expired,
    });
    assert_eq!(v.page(), Page::Needs);
    assert_eq!(v.notice(), Notice::CardExpired);
    assert!(v.member().is_none());
}

#[test]
fn a_repeated_card_stays_on_welcome_with_the_minutes() {
    let mut v = visit();
    v.step(Input::Scanned(Scanned::Overlong));
    let generation = v.generation();
    v.step(Input::CardAnswered {
        generation,
        card: Card::Repeat(4),
    });
    assert_eq!(v.page(), Page::Welcome);
    assert_eq!(v.notice(), Notice::CardRepeat(4));
}

#[test]
fn idle_counts_down_then_forgets_everything_but_an_untouched_welcome_never_does() {
    let mut v = visit();
    assert!(v.step(Input::IdleElapsed).is_empty(), "nothing to forget");
    v.step(Input::Language("ar".into()));
    v.step(Input::LargeText);
    v.step(Input::NeedOnWelcome(index(&v, "housing")));
    v.step(Input::IdleElapsed);
    let seconds = v.config().display.countdown_seconds;
    assert_eq!(v.countdown(), seconds);
    v.step(Input::StillHere);
    assert_eq!(v.countdown(), 0, "I am still here");
    v.step(Input::IdleElapsed);
    for _ in 1..seconds {
        v.step(Input::Tick);
        assert_eq!(v.page(), Page::Needs);
    }
    v.step(Input::Tick);
    assert_eq!(v.page(), Page::Welcome);
    assert!(v.pristine(), "language, reading aids and choices forgotten");
}

#[test]
fn back_keeps_the_language_and_reading_aids() {
    let mut v = visit();
    v.step(Input::Language("zh".into()));
    v.step(Input::HighContrast);
    v.step(Input::CheckIn);
    v.step(Input::Need(0));
    v.step(Input::Back);
    assert_eq!(v.page(), Page::Welcome);
    assert_eq!(v.language(), "zh");
    assert!(v.high_contrast());
    assert!(!v.chosen().iter().any(|c| *c));
}

#[test]
fn the_done_screen_gives_directions_and_the_reopening_day() {
    let mut v = visit();
    v.step(Input::Language("pl".into()));
    v.step(Input::CheckIn);
    for id in ["advisor", "courses", "peer"] {
        let asked = v.step(Input::Need(index(&v, id)));
        nothing_on(&mut v, &asked);
    }
    let generation = v.generation();
    v.step(Input::Done);
    // Saturday 5 December 2026; it opens on Monday at 9:30.
    let today = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
    v.step(Input::CheckInAnswered {
        generation,
        saved: Saved::Yes(Checked {
            session: None,
            queued: None,
            no_ticket: Some(NoTicket::Closed),
            next_opening: today
                .succ_opt()
                .unwrap()
                .succ_opt()
                .unwrap()
                .and_hms_opt(9, 30, 0),
            today,
        }),
    });
    let directions = v.directions();
    assert_eq!(directions.len(), 2, "{directions:?}");
    assert!(directions[0].starts_with("Kursy: "), "{directions:?}");
    let opening = v.opening().unwrap();
    assert_eq!(
        opening,
        view::Opening {
            in_days: 2,
            weekday: 0,
            time: "9:30".into()
        }
    );
}

#[test]
fn a_wedge_scan_typed_fast_is_checked() {
    let mut v = visit();
    let mut effects = Vec::new();
    for (i, c) in "HK1:X\n".chars().enumerate() {
        effects = v.step(Input::Key {
            text: c.to_string(),
            ms: i as u64,
        });
    }
    assert!(
        effects.iter().any(
            |e| matches!(e, Effect::CheckCard { scan: Scanned::Line(l), .. } if l == b"HK1:X")
        ),
        "{effects:?}"
    );
}

#[test]
fn the_help_button_shows_the_help_screen_and_raises_one_alert_that_the_screen_follows() {
    let mut v = visit();
    v.step(Input::Language("pl".into()));
    v.step(Input::CheckIn);
    let effects = v.step(Input::Help);
    assert_eq!(v.page(), Page::Help);
    let generation = effects
        .iter()
        .find_map(|e| match e {
            Effect::RequestHelp { generation } => Some(*generation),
            _ => None,
        })
        .expect("the alert is raised on the worker");
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Stop(Timer::Idle)))
    );
    assert_eq!(v.help(), HelpState::Sending);
    assert!(
        !v.step(Input::Help)
            .iter()
            .any(|e| matches!(e, Effect::RequestHelp { .. })),
        "one alert"
    );
    v.step(Input::HelpAnswered {
        generation,
        raised: Some(4),
    });
    assert_eq!(v.help(), HelpState::Alerted(4));
    // Nobody answers: the screen never counts down on the visitor.
    assert!(v.step(Input::IdleElapsed).is_empty());
    assert_eq!(v.countdown(), 0);
    v.step(Input::HelpEscalated(3));
    assert_eq!(v.help(), HelpState::Alerted(4), "another request's news");
    v.step(Input::HelpEscalated(4));
    assert_eq!(v.help(), HelpState::Escalated(Some(4)));
    // Staff acknowledge: from now the screen may forget the visitor as usual.
    let effects = v.step(Input::HelpAcknowledged(4));
    assert_eq!(v.help(), HelpState::Acknowledged);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Start(Timer::Idle, _)))
    );
    v.step(Input::IdleElapsed);
    assert!(v.countdown() > 0);
    v.step(Input::Back);
    assert_eq!(
        (v.page(), v.help(), v.language()),
        (Page::Welcome, HelpState::None, "pl")
    );
}

#[test]
fn a_help_request_that_could_not_be_raised_sends_the_visitor_to_reception() {
    let mut v = visit();
    v.step(Input::Help);
    let generation = v.generation();
    v.step(Input::HelpAnswered {
        generation,
        raised: None,
    });
    assert_eq!(v.help(), HelpState::Escalated(None));
}

#[test]
fn the_interpreter_wish_goes_with_the_check_in_and_is_forgotten_after() {
    let mut v = visit();
    v.step(Input::CheckIn);
    v.step(Input::Need(index(&v, "advisor")));
    v.step(Input::Interpreter);
    assert!(v.interpreter());
    let effects = v.step(Input::Done);
    let (_, request) = check_in(&effects).unwrap();
    assert!(request.interpreter);
    v.step(Input::Reset);
    assert!(!v.interpreter() && v.pristine());
}

#[test]
fn the_crisis_numbers_are_in_the_visitors_language() {
    let mut v = visit();
    v.step(Input::Language("pl".into()));
    let numbers = v.crisis_numbers();
    assert_eq!(numbers.len(), 3);
    assert_eq!(numbers[0].1, "999");
    assert_eq!(numbers[1].1, "111, opcja 2");
    assert_eq!(numbers[0].0, "Nagły wypadek");
}
