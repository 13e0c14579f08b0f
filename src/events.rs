//! The one stream of domain events. The screen and the staff pages subscribe; the hub publishes
//! after a change is committed, so a subscriber never sees something that was not saved.
//! Forwarding does not need it: each change writes its hour to the sync outbox in the same
//! transaction, and `sync::worker` reads the outbox.
//!
//! A slow subscriber that falls behind gets `Lagged` and should re-read the state it shows.

use serde::Serialize;
use tokio::sync::broadcast;

use crate::domain::day::Pause;
use crate::domain::footfall::Direction;
use crate::domain::timetable::SessionId;
use crate::domain::{HelpRequest, Language, NeedId, Texts, Ticket};

/// Something that happened.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A check-in was saved.
    CheckedIn {
        check_in_id: i64,
        member: bool,
        needs: Vec<NeedId>,
        ticket: Option<Ticket>,
    },
    /// A ticket moved (called, seen, transferred, closed, …).
    TicketChanged { ticket: Ticket, action: String },
    /// An advisor called a ticket: the screen shows it.
    NowCalling {
        ticket: String,
        desk: String,
        /// Where to go, per language.
        location: Texts,
        /// The ticket holder's language: the call is shown in it too.
        language: Language,
    },
    /// A visitor tapped "I need to talk to someone now": every staff page and the display
    /// page raise the alert.
    HelpRequested { help: HelpRequest },
    /// Nobody acknowledged a help request in time: louder, and the screen points to reception.
    HelpEscalated { help: HelpRequest },
    /// A signed-in member of staff acknowledged a help request: the alert clears everywhere.
    HelpAcknowledged { help: HelpRequest },
    /// Staff paused drop-ins (`pause` set) or they resumed (`None`: by staff or at closing).
    PauseChanged { pause: Option<Pause> },
    /// Someone passed the door.
    DoorPassed { direction: Direction },
    /// The door sensor's health changed; `fault` is `None` when it is well.
    DoorStatus { fault: Option<String> },
    /// Forwarding to the central service changed state.
    SyncStatus {
        online: bool,
        detail: String,
        outbox: i64,
    },
    /// The number of advisors on duty changed.
    DutyChanged { on_duty: u32 },
    /// A card scan was refused (never carries the scanned text).
    ScanRejected { reason: String },
    /// A session's register changed: someone checked in for it, or staff added or removed a
    /// student. Carries the count, never who.
    AttendanceChanged {
        session: SessionId,
        attendees: i64,
        capacity: Option<u32>,
    },
    /// The timetable was read again (`error` when that failed and the copy in use stays).
    TimetableChanged {
        events: usize,
        error: Option<String>,
    },
    /// The configuration was re-read (`systemctl reload`): `ok` false when it was refused and
    /// the running one stays. Needs, hours and logins may have changed.
    ConfigReloaded { ok: bool },
}

/// A handle to publish and subscribe; cheap to clone.
#[derive(Clone, Debug)]
pub struct EventBus {
    tx: broadcast::Sender<Event>,
}

impl Default for EventBus {
    fn default() -> Self {
        EventBus::new()
    }
}

impl EventBus {
    pub fn new() -> Self {
        EventBus {
            tx: broadcast::channel(256).0,
        }
    }

    /// Sends to every current subscriber; nobody listening is fine.
    pub fn publish(&self, event: Event) {
        let _ = self.tx.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.tx.subscribe()
    }
}
