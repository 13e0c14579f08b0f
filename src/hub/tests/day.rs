//! The drop-in day with a mocked clock: closing leaves called tickets alone and waiting ones
//! until staff resolve them or the grace time ends (then they count as `dropins_closed`), the
//! kiosk stops giving tickets once a new one could not be seen before closing, pauses, and
//! "call next" within a login's remit.

use chrono::Duration;

use super::*;
use crate::domain::day::Phase;
use crate::domain::{Action, Language, Source, TicketState, hour_start};

fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
    s.parse().unwrap()
}

#[test]
fn closing_leaves_called_tickets_alone_and_waiting_ones_until_resolved_or_the_grace_time() {
    let f = fixture("[queue]\nclosing_grace_minutes = 30\n");
    let ticket = |needs: &[&str]| f.hub.check_in(visit(needs)).unwrap().ticket.unwrap().ticket;
    let with_advisor = ticket(&["advisor"]);
    let told_to_come_back = ticket(&["housing"]);
    let left_waiting = ticket(&["money"]);
    f.clock.set(at("2026-11-23T16:10:00Z"));
    assert_eq!(f.hub.call_next("Desk 1").unwrap().id, with_advisor.id);
    f.hub.set_duty("Desk 1", true).unwrap();

    // 16:30, closing time (London is on UTC in November): nothing is closed by the clock.
    f.clock.set(at("2026-11-23T16:30:00Z"));
    assert_eq!(f.hub.housekeeping().unwrap().closed_tickets, 0);
    let view = f.hub.queue_view().unwrap();
    assert_eq!(
        (view.waiting, view.called),
        (2, 1),
        "everyone is still on the page"
    );
    assert!(matches!(view.day, Phase::Closing { .. }), "{:?}", view.day);
    assert!(
        !f.hub.store.duty().unwrap()[0].1,
        "everyone off duty at closing"
    );

    // Staff resolve one; the called one is seen after closing.
    f.clock.set(at("2026-11-23T16:40:00Z"));
    f.hub.act(told_to_come_back.id, Action::ComeBack).unwrap();
    f.clock.set(at("2026-11-23T16:59:00Z"));
    assert_eq!(f.hub.housekeeping().unwrap().closed_tickets, 0);

    // 17:00, the grace time is over: only the ticket still waiting is closed by the clock.
    f.clock.set(at("2026-11-23T17:00:00Z"));
    assert_eq!(f.hub.housekeeping().unwrap().closed_tickets, 1);
    let state = |id| f.hub.store.ticket(id).unwrap().unwrap().state;
    assert_eq!(state(left_waiting.id), TicketState::Closed);
    assert_eq!(state(told_to_come_back.id), TicketState::ComeBack);
    assert_eq!(state(with_advisor.id), TicketState::Called);

    // The next morning the called ticket is still there for its advisor to finish.
    f.clock.set(at("2026-11-24T09:45:00Z"));
    f.hub.housekeeping().unwrap();
    assert_eq!(state(with_advisor.id), TicketState::Called);
    f.hub.act(with_advisor.id, Action::Seen).unwrap();
    let t = f.hub.check_in(visit(&["advisor"])).unwrap().ticket.unwrap();
    assert_eq!(t.ticket.number.to_string(), "A 001", "numbers start again");

    // Counted in the hour they joined: one seen, one closed by the clock.
    let hour = hour_start(monday_ten());
    let counts = &counted_in(&f, hour);
    assert_eq!(
        (
            counts.dropins_joined,
            counts.dropins_seen,
            counts.dropins_closed
        ),
        (3, 1, 1)
    );
}

#[test]
fn the_kiosk_stops_giving_tickets_once_a_new_one_could_not_be_seen_before_closing() {
    let f = fixture("[queue]\ndefault_service_minutes = 15\n");
    f.clock.set(at("2026-11-23T15:00:00Z"));
    for _ in 0..3 {
        assert!(
            f.hub
                .check_in(visit(&["advisor"]))
                .unwrap()
                .ticket
                .is_some()
        );
    }
    // Three ahead × 15 min = 45 min of work: "about 30–60 min". At 15:30 the shortest wait
    // ends at 16:00, before closing: a ticket.
    f.clock.set(at("2026-11-23T15:30:00Z"));
    let fourth = f.hub.check_in(visit(&["advisor"])).unwrap();
    assert!(fourth.ticket.is_some() && fourth.no_ticket.is_none());
    // At 16:00 four are ahead ("about 40–80 min"): even 16:40 is after 16:30.
    f.clock.set(at("2026-11-23T16:00:00Z"));
    let late = f.hub.check_in(visit(&["advisor", "courses"])).unwrap();
    assert_eq!(late.no_ticket, Some(NoTicket::TooLate));
    assert!(late.ticket.is_none());
    assert_eq!(
        late.next_opening.unwrap().to_string(),
        "2026-11-24 09:30:00",
        "come back at the next opening"
    );
    assert_eq!(
        f.hub.store.check_in_count().unwrap(),
        5,
        "the visit still counts"
    );
    // Someone without a drop-in need is not affected; staff can still add a walk-in.
    assert!(
        f.hub
            .check_in(visit(&["courses"]))
            .unwrap()
            .no_ticket
            .is_none()
    );
    let staff = CheckInRequest {
        source: Source::StaffWalkIn,
        ..visit(&["advisor"])
    };
    assert!(f.hub.check_in(staff).unwrap().ticket.is_some());
}

#[test]
fn staff_pause_and_resume_drop_ins_and_a_pause_ends_at_closing() {
    let f = fixture("");
    let mut events = f.hub.subscribe();
    let pause = f.hub.pause_dropins("Desk 1", Some(" room full ")).unwrap();
    assert_eq!(
        (pause.by.as_str(), pause.reason.as_deref()),
        ("Desk 1", Some("room full"))
    );
    assert_eq!(
        pause.ends,
        Some(at("2026-11-23T16:30:00Z")),
        "ends at closing"
    );
    assert!(matches!(
        events.try_recv().unwrap(),
        Event::PauseChanged { pause: Some(_) }
    ));
    let paused = f.hub.check_in(visit(&["housing"])).unwrap();
    assert_eq!(paused.no_ticket, Some(NoTicket::Paused));
    assert!(f.hub.queue_view().unwrap().pause.is_some());
    let mut events = f.hub.subscribe();
    assert_eq!(
        f.hub.resume_dropins("Desk 2").unwrap().unwrap().id,
        pause.id
    );
    assert!(matches!(
        events.try_recv().unwrap(),
        Event::PauseChanged { pause: None }
    ));
    assert!(
        f.hub
            .check_in(visit(&["housing"]))
            .unwrap()
            .ticket
            .is_some()
    );

    // Paused again; nobody resumes: closing ends it.
    f.hub.pause_dropins("Desk 1", None).unwrap();
    f.clock.set(at("2026-11-23T16:29:00Z"));
    assert!(!f.hub.housekeeping().unwrap().pause_ended);
    f.clock.set(at("2026-11-23T16:30:00Z"));
    assert!(f.hub.housekeeping().unwrap().pause_ended);
    assert!(f.hub.pause().unwrap().is_none());
    f.clock.set(at("2026-11-24T09:31:00Z"));
    assert!(
        f.hub
            .check_in(visit(&["housing"]))
            .unwrap()
            .ticket
            .is_some()
    );
}

#[test]
fn a_too_long_reason_is_refused_and_nothing_is_paused() {
    let f = fixture("");
    let e = f
        .hub
        .pause_dropins("Desk 1", Some(&"x".repeat(300)))
        .unwrap_err();
    assert!(matches!(e, HubError::BadInput(_)), "{e}");
    assert!(f.hub.pause().unwrap().is_none());
}

#[test]
fn call_next_calls_the_first_ticket_within_the_logins_needs() {
    let hash =
        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$YXfjbDyUh71gG1J9Tqo9y/jUQb3ofWgHXFrTUIyA+gs";
    let f = fixture(&format!(
        "[staff]\nlogins = [ {{ name = \"Desk 3\", passcode_hash = \"{hash}\", needs = [\"housing\"] }}, {{ name = \"Desk 1\", passcode_hash = \"{hash}\" }} ]\n"
    ));
    let money = ticket(&f, &["money"]);
    f.clock.advance(Duration::minutes(1));
    let housing = ticket(&f, &["housing"]);
    f.clock.advance(Duration::minutes(5));
    assert_eq!(f.hub.call_next("Desk 3").unwrap().id, housing.id);
    let e = f.hub.call_next("Desk 3").unwrap_err();
    assert!(
        e.to_string().starts_with("nobody is waiting for housing"),
        "{e}"
    );
    assert_eq!(
        f.hub.call_next("Desk 1").unwrap().id,
        money.id,
        "no list: every need"
    );
    assert_eq!(
        f.hub.call_next("demo").unwrap_err().to_string(),
        "nobody is waiting"
    );
}

#[test]
fn a_ticket_keeps_the_visitors_language_and_interpreter_wish_and_calls_carry_the_language() {
    let f = fixture("");
    let polish = CheckInRequest {
        language: Language::new("pl").unwrap(),
        interpreter: true,
        ..visit(&["advisor"])
    };
    let t = f.hub.check_in(polish).unwrap().ticket.unwrap().ticket;
    assert_eq!((t.language.as_str(), t.interpreter), ("pl", true));
    let stored = f.hub.store.ticket(t.id).unwrap().unwrap();
    assert_eq!((stored.language.as_str(), stored.interpreter), ("pl", true));
    let mut events = f.hub.subscribe();
    f.hub.call_next("Desk 1").unwrap();
    match events.try_recv().unwrap() {
        Event::NowCalling { language, .. } => assert_eq!(language.as_str(), "pl"),
        other => panic!("{other:?}"),
    }
}
