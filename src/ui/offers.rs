//! Today's sessions as the screen shows them: the hub's sessions (UTC, from the timetable) made
//! into tiles with site-local times, and the session a check-in was for, for the done screen.

use chrono::{DateTime, Utc};

use super::visit::{AtSession, Offer, OnNow};
use crate::domain::timetable::Session;
use crate::hub::Hub;

/// Most session tiles the screen shows at once (the soonest first).
pub const MOST: usize = 6;

fn offer(hub: &Hub, s: &Session, now: DateTime<Utc>) -> Offer {
    Offer {
        id: s.id.to_string(),
        title: s.title.clone(),
        room: s.room.clone().unwrap_or_default(),
        starts: hub.local(s.starts).time(),
        ends: hub.local(s.ends).time(),
        started: s.starts <= now,
    }
}

/// What is on now at the hub.
pub fn on_now(hub: &Hub) -> OnNow {
    let now = hub.clock().now().utc;
    let found = hub.sessions_now();
    let tiles = |list: &[Session]| -> Vec<Offer> {
        list.iter().take(MOST).map(|s| offer(hub, s, now)).collect()
    };
    OnNow {
        open: tiles(&found.open),
        cancelled: tiles(&found.cancelled),
    }
}

/// The session a check-in was for, as the done screen says where to go.
pub fn at_session(hub: &Hub, s: &crate::hub::AtSession) -> AtSession {
    AtSession {
        title: s.session.title.clone(),
        room: s.session.room.clone().unwrap_or_default(),
        starts: hub.local(s.session.starts).time(),
        started: s.session.starts <= hub.clock().now().utc,
        busy: s.over_capacity,
    }
}
