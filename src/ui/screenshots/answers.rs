//! The set answers the screenshots' stand-in worker gives, so every screen is reached through
//! the real flow without saving anything: a ticket, a day the hub is closed, too late or paused, three sessions at
//! 9:58 with one cancelled, a session over its places, and "Room 2" in the demo's languages.

use chrono::NaiveDate;

use crate::config::Texts;
use crate::hub::NoTicket;
use crate::ui::visit::{AtSession, Checked, Offer, OnNow, Queued};

/// Saturday 5 December 2026: the done screens' day, so "opens again on Monday" stays put.
pub(super) fn shot_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 5).expect("a real date")
}

/// The done screen's answer: ticket A 014, third, with directions (`None`); or no ticket,
/// open again on Monday (closed, too late) or paused.
pub(super) fn checked(no_ticket: Option<NoTicket>) -> Checked {
    let today = shot_day();
    let Some(why) = no_ticket else {
        return Checked {
            session: None,
            queued: Some(Queued {
                ticket: "A 014".into(),
                position: 3,
                low_minutes: 15,
                high_minutes: 30,
            }),
            no_ticket: None,
            next_opening: None,
            today,
        };
    };
    Checked {
        session: None,
        queued: None,
        no_ticket,
        next_opening: (why != NoTicket::Paused)
            .then(|| (today + chrono::Duration::days(2)).and_hms_opt(9, 30, 0))
            .flatten(),
        today,
    }
}

fn at(h: u32, m: u32) -> chrono::NaiveTime {
    chrono::NaiveTime::from_hms_opt(h, m, 0).expect("a real time")
}

/// Three sessions at 9:58 on a Monday, one cancelled: what a crowd at the door meets.
pub(super) fn on_now() -> OnNow {
    let offer = |id: &str,
                 title: &str,
                 room: &str,
                 (from, to): (chrono::NaiveTime, chrono::NaiveTime),
                 started| Offer {
        id: format!("20261102-{id}"),
        title: title.into(),
        room: room.into(),
        starts: from,
        ends: to,
        started,
    };
    OnNow {
        open: vec![
            offer(
                "3f9a0c1d2b4e",
                "Managing anxiety",
                "Room 2, first floor",
                (at(10, 0), at(12, 0)),
                false,
            ),
            offer(
                "5b7e1c0d9a2f",
                "Creative writing for wellbeing",
                "Studio, first floor",
                (at(10, 30), at(12, 0)),
                false,
            ),
            offer(
                "7c2d4e6f8a0b",
                "Understanding depression",
                "Room 3, second floor",
                (at(9, 30), at(11, 0)),
                true,
            ),
        ],
        cancelled: vec![offer(
            "9e8d7c6b5a41",
            "Building confidence",
            "Room 1, ground floor",
            (at(9, 30), at(11, 0)),
            false,
        )],
    }
}

/// Done after "Managing anxiety", which is over its places.
pub(super) fn at_session(today: NaiveDate) -> Checked {
    Checked {
        queued: None,
        session: Some(AtSession {
            title: "Managing anxiety".into(),
            room: "Room 2, first floor".into(),
            starts: at(10, 0),
            started: false,
            busy: true,
        }),
        no_ticket: None,
        next_opening: None,
        today,
    }
}

/// "Room 2" in the demo's languages.
pub(super) fn room_texts(n: &str) -> Texts {
    Texts::from([
        ("en".into(), format!("Room {n}")),
        ("pl".into(), format!("Pokój {n}")),
        ("ar".into(), format!("الغرفة {n}")),
        ("zh".into(), format!("{n}号房间")),
    ])
}
