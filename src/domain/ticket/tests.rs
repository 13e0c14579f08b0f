//! The moves a ticket may make, and the ones it may not.

use super::*;
use chrono::TimeZone;

pub(crate) fn ticket(n: u32, created_min: i64) -> Ticket {
    let base = Utc.with_ymd_and_hms(2026, 11, 23, 9, 30, 0).unwrap();
    Ticket {
        id: n as i64,
        day: base.date_naive(),
        number: TicketNumber {
            prefix: 'A',
            number: n,
        },
        need: NeedId::new("advisor").unwrap(),
        needs: vec![NeedId::new("advisor").unwrap()],
        member: None,
        priority: false,
        language: Language::english(),
        interpreter: false,
        state: TicketState::Waiting,
        created: base + chrono::Duration::minutes(created_min),
        called: None,
        called_by: None,
        calls: 0,
        finished: None,
    }
}

fn at(min: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 30, 0).unwrap() + chrono::Duration::minutes(min)
}

#[test]
fn numbers_read_aloud_and_parse_back() {
    let n = TicketNumber {
        prefix: 'A',
        number: 14,
    };
    assert_eq!(n.to_string(), "A 014");
    assert_eq!(TicketNumber::parse("A 014"), Some(n));
    assert_eq!(TicketNumber::parse("a-14"), Some(n));
    assert_eq!(TicketNumber::parse("14"), None);
    assert_eq!(TicketNumber::parse("A"), None);
}

#[test]
fn the_happy_path_records_wait_and_service() {
    let t = ticket(1, 0);
    let called = t
        .apply(
            &Action::Call {
                desk: "Desk 1".into(),
            },
            at(12),
        )
        .unwrap();
    assert_eq!(called.state, TicketState::Called);
    let recalled = called
        .apply(
            &Action::Recall {
                desk: "Desk 2".into(),
            },
            at(15),
        )
        .unwrap();
    assert_eq!(recalled.calls, 2);
    assert_eq!(recalled.called_by.as_deref(), Some("Desk 2"));
    let seen = recalled.apply(&Action::Seen, at(35)).unwrap();
    assert_eq!(seen.waited(), Some(chrono::Duration::minutes(15)));
    assert_eq!(seen.service_time(), Some(chrono::Duration::minutes(20)));
}

#[test]
fn impossible_moves_say_why() {
    let t = ticket(7, 0);
    assert_eq!(
        t.apply(&Action::Seen, at(1)).unwrap_err().to_string(),
        "ticket A 007 has not been called yet: call it first"
    );
    let called = t
        .apply(
            &Action::Call {
                desk: "Desk 1".into(),
            },
            at(2),
        )
        .unwrap();
    assert_eq!(
        called
            .apply(
                &Action::Call {
                    desk: "Desk 2".into()
                },
                at(2)
            )
            .unwrap_err()
            .to_string(),
        "ticket A 007 was already called by Desk 1"
    );
    let seen = called.apply(&Action::Seen, at(3)).unwrap();
    assert_eq!(
        seen.apply(&Action::Requeue, at(4)).unwrap_err().to_string(),
        "ticket A 007 is seen and cannot be requeued"
    );
}

#[test]
fn requeue_and_transfer_keep_the_place() {
    let t = ticket(3, 5);
    let gone = t
        .apply(&Action::Call { desk: "D".into() }, at(10))
        .and_then(|t| t.apply(&Action::NoShow, at(12)))
        .unwrap();
    let back = gone.apply(&Action::Requeue, at(20)).unwrap();
    assert_eq!(
        (back.state, back.created),
        (TicketState::Waiting, t.created)
    );
    let money = NeedId::new("money").unwrap();
    let moved = back
        .apply(
            &Action::Transfer {
                need: money.clone(),
            },
            at(21),
        )
        .unwrap();
    assert_eq!(
        (moved.need.clone(), moved.created),
        (money.clone(), t.created)
    );
    assert!(
        moved
            .apply(&Action::Transfer { need: money }, at(22))
            .is_err()
    );
}

#[test]
fn the_clock_closes_only_waiting_tickets_and_staff_can_ask_to_come_back() {
    let waiting = ticket(4, 0);
    let closed = waiting.apply(&Action::Close, at(420)).unwrap();
    assert_eq!(closed.state, TicketState::Closed);
    let called = waiting
        .apply(&Action::Call { desk: "D".into() }, at(400))
        .unwrap();
    assert_eq!(
        called
            .apply(&Action::Close, at(420))
            .unwrap_err()
            .to_string(),
        "ticket A 004 is called and cannot be closed"
    );
    let back = waiting.apply(&Action::ComeBack, at(421)).unwrap();
    assert_eq!(
        (back.state, back.finished),
        (TicketState::ComeBack, Some(at(421)))
    );
    assert!(back.apply(&Action::Requeue, at(422)).is_err());
    assert_eq!(TicketState::parse("come_back"), Some(TicketState::ComeBack));
}
