//! What the screen offers now: today's sessions in progress or starting within the window
//! (`[courses] window_minutes`, 90 by default), and, apart, the cancelled ones in the same
//! span, so a student who came for one is told.

use chrono::{DateTime, Duration, Utc};

use super::Session;

/// The sessions to offer, and the cancelled ones a student may have come for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Offered {
    pub open: Vec<Session>,
    pub cancelled: Vec<Session>,
}

/// Of `sessions`, those in progress at `now` or starting within `window` of it.
pub fn offered(sessions: &[Session], now: DateTime<Utc>, window: Duration) -> Offered {
    let mut out = Offered::default();
    for s in sessions {
        let in_progress = s.starts <= now && now < s.ends;
        let soon = now < s.starts && s.starts <= now + window;
        if !(in_progress || soon) {
            continue;
        }
        if s.cancelled {
            out.cancelled.push(s.clone());
        } else {
            out.open.push(s.clone());
        }
    }
    out
}
