//! The timetable in use and what became of the last attempt to read it: what the status page
//! and `/api/v1/status` show, and what the hub picks today's sessions from.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::timetable::{Problem, Timetable};

/// A timetable taken into use.
#[derive(Debug)]
pub struct Loaded {
    pub timetable: Timetable,
    /// Where this copy came from, in words ("the file as read", "the last good copy").
    pub copy: String,
    /// When this copy was read or fetched.
    pub since: DateTime<Utc>,
    /// A hash of its text, to tell an unchanged file or download.
    pub hash: u64,
}

#[derive(Debug, Default)]
struct State {
    loaded: Option<Arc<Loaded>>,
    last_attempt: Option<DateTime<Utc>>,
    last_error: Option<String>,
}

/// What the status page says about the timetable.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Snapshot {
    /// A timetable is configured (`[courses] timetable` or `timetable_url`).
    pub configured: bool,
    /// The file or address it comes from.
    pub source: String,
    /// The copy in use, in words; `None` when there is none yet.
    pub in_use: Option<String>,
    /// When the copy in use was read or fetched.
    pub since: Option<DateTime<Utc>>,
    pub events: usize,
    pub courses: usize,
    /// Events of the copy in use that were left out, each with its line.
    pub problems: Vec<Problem>,
    pub last_attempt: Option<DateTime<Utc>>,
    /// Why the last refresh failed; `None` when it worked.
    pub last_error: Option<String>,
}

/// The timetable in use, shared by every part; cheap to read (an `Arc` swapped on refresh).
#[derive(Debug, Default)]
pub struct Board {
    source: String,
    state: RwLock<State>,
}

impl Board {
    /// A board for a timetable from `source` (empty: none configured).
    pub fn new(source: String) -> Board {
        Board {
            source,
            state: RwLock::new(State::default()),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut s = self.state.write().unwrap_or_else(|p| p.into_inner());
        f(&mut s)
    }

    /// The timetable in use, if there is one.
    pub fn current(&self) -> Option<Arc<Loaded>> {
        self.state
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .loaded
            .clone()
    }

    /// A refresh worked: `loaded` is in use from now on.
    pub fn replace(&self, loaded: Loaded, at: DateTime<Utc>) {
        self.with(|s| {
            s.loaded = Some(Arc::new(loaded));
            s.last_attempt = Some(at);
            s.last_error = None;
        });
    }

    /// A refresh found nothing new: the copy in use stays, and all is well.
    pub fn unchanged(&self, at: DateTime<Utc>) {
        self.with(|s| {
            s.last_attempt = Some(at);
            s.last_error = None;
        });
    }

    /// A refresh failed: the copy in use (if any) stays; the status says why.
    pub fn failed(&self, why: String, at: DateTime<Utc>) {
        self.with(|s| {
            s.last_attempt = Some(at);
            s.last_error = Some(why);
        });
    }

    pub fn snapshot(&self) -> Snapshot {
        let s = self.state.read().unwrap_or_else(|p| p.into_inner());
        let loaded = s.loaded.as_deref();
        Snapshot {
            configured: !self.source.is_empty(),
            source: self.source.clone(),
            in_use: loaded.map(|l| l.copy.clone()),
            since: loaded.map(|l| l.since),
            events: loaded.map_or(0, |l| l.timetable.events()),
            courses: loaded.map_or(0, |l| l.timetable.courses().len()),
            problems: loaded.map_or_else(Vec::new, |l| l.timetable.problems.clone()),
            last_attempt: s.last_attempt,
            last_error: s.last_error.clone(),
        }
    }
}
