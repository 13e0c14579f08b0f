//! The hub against a real SQLite file and a manual clock: check-ins, the queue, housekeeping.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::clock::ManualClock;
use crate::domain::{Action, Language, MemberId, Source, TicketState, Visitor};

/// Monday 23 November 2026, 10:00 in London (UTC in winter).
pub(super) fn monday_ten() -> DateTime<Utc> {
    "2026-11-23T10:00:00Z".parse().unwrap()
}

pub(super) struct Fixture {
    pub(super) hub: Arc<Hub>,
    pub(super) store: Arc<Store>,
    pub(super) clock: Arc<ManualClock>,
    _dir: tempfile::TempDir,
}

pub(super) fn fixture(extra: &str) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("[site]\nid = \"t\"\nname = \"Test\"\n{extra}");
    let config = Config::parse(&text, "test").unwrap();
    let store = Arc::new(Store::open(&dir.path().join("k.sqlite3")).unwrap());
    let clock = Arc::new(ManualClock::new(monday_ten()));
    let hub = Hub::new(
        Arc::new(config),
        store.clone(),
        clock.clone(),
        EventBus::new(),
    );
    Fixture {
        hub,
        store,
        clock,
        _dir: dir,
    }
}

/// The totals counted in the hour that starts at `hour`.
pub(super) fn counted_in(f: &Fixture, hour: DateTime<Utc>) -> crate::domain::Counts {
    f.hub
        .store
        .footfall_hours(hour, hour + Duration::hours(1))
        .unwrap()
        .remove(0)
        .1
}

pub(super) fn visit(needs: &[&str]) -> CheckInRequest {
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

/// Checks a visitor in with `needs`; the ticket they were given.
pub(super) fn ticket(f: &Fixture, needs: &[&str]) -> crate::domain::Ticket {
    let outcome = f.hub.check_in(visit(needs)).unwrap();
    outcome.ticket.expect("a drop-in ticket").ticket
}

/// Checks a visitor in with `needs`; the id of the ticket they were given.
fn ticket_id(f: &Fixture, needs: &[&str]) -> i64 {
    ticket(f, needs).id
}

#[test]
fn a_drop_in_check_in_gets_a_numbered_ticket_and_an_estimate() {
    let f = fixture("");
    let mut events = f.hub.subscribe();
    let first = f.hub.check_in(visit(&["housing", "courses"])).unwrap();
    let t = first.ticket.unwrap();
    assert_eq!(t.ticket.number.to_string(), "A 001");
    assert_eq!(t.position, 1);
    assert_eq!(t.estimate.describe_en(), "less than 5 min");
    let second = f.hub.check_in(visit(&["advisor"])).unwrap().ticket.unwrap();
    assert_eq!(
        (second.ticket.number.to_string(), second.position),
        ("A 002".into(), 2)
    );
    assert_eq!(second.estimate.describe_en(), "about 10–20 min");
    assert!(matches!(
        events.try_recv().unwrap(),
        Event::CheckedIn {
            ticket: Some(_),
            ..
        }
    ));
}

#[test]
fn just_visiting_gets_no_ticket_and_closed_hours_say_when_to_come_back() {
    let f = fixture("");
    let out = f.hub.check_in(visit(&["visiting"])).unwrap();
    assert!(out.ticket.is_none() && out.no_ticket.is_none());
    f.clock.set("2026-11-23T18:00:00Z".parse().unwrap());
    let out = f.hub.check_in(visit(&["money"])).unwrap();
    assert!(out.ticket.is_none() && out.no_ticket == Some(NoTicket::Closed));
    assert_eq!(out.next_opening.unwrap().to_string(), "2026-11-24 09:30:00");
    // Staff can still add a walk-in by hand.
    let staff = CheckInRequest {
        source: Source::StaffWalkIn,
        ..visit(&["money"])
    };
    assert!(f.hub.check_in(staff).unwrap().ticket.is_some());
    assert_eq!(f.store.check_in_count().unwrap(), 3);
}

#[test]
fn unknown_needs_are_refused_and_nothing_is_saved() {
    let f = fixture("");
    let e = f.hub.check_in(visit(&["housing", "rocket"])).unwrap_err();
    assert!(matches!(e, HubError::Invalid(_)), "{e}");
    assert_eq!(f.store.check_in_count().unwrap(), 0);
    assert!(f.store.footfall_total().unwrap().is_zero());
}

#[test]
fn calling_announces_now_calling_with_the_desk_location() {
    let f = fixture(
        "[staff]\nlogins = [ { name = \"Sam\", passcode_hash = \"$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$YXfjbDyUh71gG1J9Tqo9y/jUQb3ofWgHXFrTUIyA+gs\", location = { en = \"Room 2\" } } ]\n",
    );
    f.hub.check_in(visit(&["advisor"])).unwrap();
    let mut events = f.hub.subscribe();
    let t = f.hub.call_next("Sam").unwrap();
    assert_eq!(t.state, TicketState::Called);
    match events.try_recv().unwrap() {
        Event::NowCalling {
            ticket,
            location,
            desk,
            ..
        } => {
            assert_eq!((ticket.as_str(), desk.as_str()), ("A 001", "Sam"));
            assert_eq!(location["en"], "Room 2");
        }
        other => panic!("{other:?}"),
    }
    let e = f.hub.call_next("Sam").unwrap_err();
    assert_eq!(e.to_string(), "nobody is waiting");
}

#[test]
fn two_advisors_calling_one_ticket_at_once_exactly_one_wins() {
    let f = fixture("");
    let id = ticket_id(&f, &["advisor"]);
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let hub = f.hub.clone();
                s.spawn(move || {
                    hub.act(
                        id,
                        Action::Call {
                            desk: format!("Desk {i}"),
                        },
                    )
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    for r in results.iter().filter_map(|r| r.as_ref().err()) {
        assert!(r.to_string().contains("was already called by Desk"), "{r}");
    }
    assert_eq!(f.store.ticket(id).unwrap().unwrap().calls, 1);
}

#[test]
fn transfer_only_to_drop_in_needs() {
    let f = fixture("");
    let id = ticket_id(&f, &["advisor"]);
    let courses = crate::domain::NeedId::new("courses").unwrap();
    let e = f
        .hub
        .act(id, Action::Transfer { need: courses })
        .unwrap_err();
    assert!(e.to_string().contains("not a drop-in need"), "{e}");
    let money = crate::domain::NeedId::new("money").unwrap();
    assert_eq!(
        f.hub
            .act(
                id,
                Action::Transfer {
                    need: money.clone()
                }
            )
            .unwrap()
            .need,
        money
    );
}

#[test]
fn service_history_and_advisors_on_duty_drive_the_estimate() {
    let f = fixture("");
    for _ in 0..3 {
        f.hub.check_in(visit(&["advisor"])).unwrap();
    }
    // Serve one in 30 minutes: the median for `advisor` becomes 30.
    f.hub.call_next("Desk 1").unwrap();
    f.clock.advance(Duration::minutes(30));
    let served = f
        .store
        .open_tickets()
        .unwrap()
        .into_iter()
        .find(|t| t.state == TicketState::Called)
        .unwrap();
    f.hub.act(served.id, Action::Seen).unwrap();
    let view = f.hub.queue_view().unwrap();
    assert_eq!(view.waiting, 2);
    // Two ahead × 30 min ÷ 1 advisor = 60 → 40–80.
    assert_eq!(view.estimate_for_next.describe_en(), "about 40–80 min");
    f.hub.set_duty("Desk 1", true).unwrap();
    f.hub.set_duty("Desk 2", true).unwrap();
    assert_eq!(
        f.hub.queue_view().unwrap().estimate_for_next.describe_en(),
        "about 20–40 min"
    );
}

#[test]
fn member_numbers_are_purged_after_retention_but_counts_stay() {
    let f = fixture("[kiosk]\nretention_days = 30\n");
    let member = CheckInRequest {
        visitor: Visitor::Member(MemberId::new("M-1001").unwrap()),
        source: Source::Card,
        ..visit(&["housing"])
    };
    f.hub.check_in(member).unwrap();
    f.hub.housekeeping().unwrap();
    assert_eq!(f.store.member_rows().unwrap(), 2, "check-in and ticket");
    f.clock.advance(Duration::days(31));
    let done = f.hub.housekeeping().unwrap();
    assert!(done.purged_rows >= 2, "{done:?}");
    assert_eq!(f.store.member_rows().unwrap(), 0);
    let total = f.store.footfall_total().unwrap();
    assert_eq!((total.checkins_member, total.dropins_joined), (1, 1));
}

mod cards;
mod clock;
mod day;
mod help;
