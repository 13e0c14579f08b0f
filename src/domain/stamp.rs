//! When something happened, as well as a Pi without a real-time clock can know it.
//!
//! The wall clock may be wrong until it is synchronised over the network, so every record also
//! keeps a monotonic reading and the boot it belongs to: once the clock syncs, records of the same
//! boot can be re-dated exactly (see `docs/architecture.md`, "Time").

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A moment as recorded by the kiosk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// Wall-clock time in UTC, as the system believed it.
    pub utc: DateTime<Utc>,
    /// Milliseconds since boot (`CLOCK_BOOTTIME`), steady across clock jumps.
    pub monotonic_ms: i64,
    /// `/proc/sys/kernel/random/boot_id`: monotonic readings only compare within one boot.
    pub boot_id: String,
    /// Whether the wall clock was known to be synchronised when this was recorded.
    pub clock_synced: bool,
}

impl Stamp {
    /// A stamp for tests and tools that only care about the wall time.
    pub fn synced_at(utc: DateTime<Utc>) -> Self {
        Stamp {
            utc,
            monotonic_ms: utc.timestamp_millis(),
            boot_id: "fixed".into(),
            clock_synced: true,
        }
    }

    /// The true wall time of this stamp, given a synchronised reading taken later in the same
    /// boot: `now` minus the monotonic time elapsed since. `None` if the boots differ.
    pub fn redated(&self, now: &Stamp) -> Option<DateTime<Utc>> {
        if self.boot_id != now.boot_id {
            return None;
        }
        let elapsed = now.monotonic_ms - self.monotonic_ms;
        Some(now.utc - chrono::Duration::milliseconds(elapsed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn redating_uses_the_monotonic_distance_within_one_boot() {
        let wrong = Stamp {
            utc: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            monotonic_ms: 10_000,
            boot_id: "b1".into(),
            clock_synced: false,
        };
        let now = Stamp {
            utc: Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap(),
            monotonic_ms: 70_000,
            boot_id: "b1".into(),
            clock_synced: true,
        };
        assert_eq!(
            wrong.redated(&now),
            Some(Utc.with_ymd_and_hms(2026, 11, 22, 9, 59, 0).unwrap())
        );
        let other_boot = Stamp {
            boot_id: "b2".into(),
            ..now
        };
        assert_eq!(wrong.redated(&other_boot), None);
    }
}
