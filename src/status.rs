//! The live health of the parts that talk to the outside world — forwarding to the central
//! service and the door sensor — kept where the screen, the staff status page and `/metrics`
//! can all read it. Parts report through `Hub::report_sync` / `Hub::report_door`, which also
//! publish an event when something changed.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::Serialize;

/// Where forwarding to the central service stands. The screen's "offline" mark, the status
/// LED, the status page, `/metrics` and the `online` flag of events all read it through
/// `is_well`, so it means one thing everywhere.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SyncState {
    /// No central service is configured: there is nothing to forward.
    Disabled,
    /// Forwarding has started and not tried yet.
    #[default]
    Waiting,
    /// The central service took our latest counts.
    Online,
    /// The last try failed (network, timeout, busy): retrying; counts wait in the outbox.
    Offline,
    /// The central service refused this kiosk's token: stopped until it is fixed.
    Unauthorized,
    /// Holding counts back until the clock synchronises (NTP).
    Clock,
}

impl SyncState {
    pub const ALL: [SyncState; 6] = [
        SyncState::Disabled,
        SyncState::Waiting,
        SyncState::Online,
        SyncState::Offline,
        SyncState::Unauthorized,
        SyncState::Clock,
    ];

    /// The name used in JSON, `/metrics` and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            SyncState::Disabled => "disabled",
            SyncState::Waiting => "waiting",
            SyncState::Online => "online",
            SyncState::Offline => "offline",
            SyncState::Unauthorized => "unauthorized",
            SyncState::Clock => "clock",
        }
    }

    /// Nothing is known to be wrong: counts reach the central service, none is configured, or
    /// the first try is still to come. Otherwise counts are piling up in the outbox.
    pub fn is_well(self) -> bool {
        matches!(
            self,
            SyncState::Disabled | SyncState::Waiting | SyncState::Online
        )
    }

    /// In words, for the status page.
    pub fn describe(self) -> &'static str {
        match self {
            SyncState::Disabled => "off: no central service is configured",
            SyncState::Waiting => "not tried yet",
            SyncState::Online => "online: the central service has our counts",
            SyncState::Offline => "offline: retrying; nothing is lost, counts wait in the outbox",
            SyncState::Unauthorized => {
                "refused: the central service does not accept this kiosk's token — ask the central team"
            }
            SyncState::Clock => "waiting for the clock to synchronise before sending",
        }
    }
}

/// Compares with the name, as JSON and `/metrics` show it.
impl PartialEq<&str> for SyncState {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Forwarding to the central service.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SyncSnapshot {
    pub state: SyncState,
    pub last_success: Option<DateTime<Utc>>,
    pub last_attempt: Option<DateTime<Utc>>,
    /// What went wrong last, in words for the status page.
    pub last_error: Option<String>,
    /// Hours waiting to be sent.
    pub outbox: i64,
    /// Hours the central service refused as invalid.
    pub dead_letters: i64,
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
