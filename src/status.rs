//! The live health of the parts that talk to the outside world — forwarding to the central
//! service and the door sensor — kept where the screen, the staff status page and `/metrics`
//! can all read it. Parts report through `Hub::report_sync` / `Hub::report_door`, which also
//! publish an event when something changed.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::Serialize;

/// Forwarding to the central service.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SyncSnapshot {
    /// `disabled` (no central_url), `waiting` (not tried yet), `online`, `offline` (retrying),
    /// `unauthorized` (401/403: stopped until the token is fixed), `clock` (waiting for NTP).
    pub state: String,
    pub last_success: Option<DateTime<Utc>>,
    pub last_attempt: Option<DateTime<Utc>>,
    /// What went wrong last, in words for the status page.
    pub last_error: Option<String>,
    /// Hours waiting to be sent.
    pub outbox: i64,
    /// Hours the central service refused as invalid.
    pub dead_letters: i64,
}

impl SyncSnapshot {
    pub fn is_online(&self) -> bool {
        self.state == "online" || self.state == "disabled"
    }
}

/// The door sensor.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DoorSnapshot {
    /// `none`, `single`, `dual` or `simulator`.
    pub mode: String,
    /// `None` while well; otherwise what is wrong ("beam A blocked for 12 s").
    pub fault: Option<String>,
    pub last_pass: Option<DateTime<Utc>>,
}

/// The latest snapshots.
#[derive(Debug, Default)]
pub struct StatusBoard {
    sync: Mutex<SyncSnapshot>,
    door: Mutex<DoorSnapshot>,
}

impl StatusBoard {
    pub fn sync(&self) -> SyncSnapshot {
        self.sync.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn door(&self) -> DoorSnapshot {
        self.door.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Stores a new sync snapshot; true when the state or error changed.
    pub(crate) fn set_sync(&self, s: SyncSnapshot) -> bool {
        let mut cur = self.sync.lock().unwrap_or_else(|p| p.into_inner());
        let changed = cur.state != s.state || cur.last_error != s.last_error;
        *cur = s;
        changed
    }

    /// Stores a new door snapshot; true when the fault changed.
    pub(crate) fn set_door(&self, d: DoorSnapshot) -> bool {
        let mut cur = self.door.lock().unwrap_or_else(|p| p.into_inner());
        let changed = cur.fault != d.fault || cur.mode != d.mode;
        *cur = d;
        changed
    }
}
