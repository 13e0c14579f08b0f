//! Reading the time: wall clock, monotonic clock, boot id and whether NTP has synchronised.
//!
//! The domain never reads a clock; the hub asks a `Clock` and passes the `Stamp` in. Tests use
//! `ManualClock` to move time (a day, a month offline, a clock jump) without sleeping.

use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

use crate::domain::Stamp;

/// Where stamps come from.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Stamp;
}

/// No record may claim to be older than the software that wrote it: a wall clock before this is
/// certainly not synchronised.
pub const BUILD_FLOOR: &str = "2026-01-01T00:00:00Z";

/// The system's clocks.
pub struct SystemClock {
    boot_id: String,
    assume_synchronised: bool,
}

impl SystemClock {
    pub fn new(assume_synchronised: bool) -> Self {
        let boot_id = std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
            .map(|s| s.trim().to_owned())
            .unwrap_or_else(|_| format!("process-{}", std::process::id()));
        SystemClock {
            boot_id,
            assume_synchronised,
        }
    }

    fn synchronised(&self, now: DateTime<Utc>) -> bool {
        let floor: DateTime<Utc> = BUILD_FLOOR.parse().expect("valid constant");
        if now < floor {
            return false;
        }
        self.assume_synchronised
            || std::path::Path::new("/run/systemd/timesync/synchronized").exists()
            || kernel_says_synchronised()
    }
}

/// `adjtimex` reports `TIME_ERROR` while the kernel's clock is not disciplined by NTP.
fn kernel_says_synchronised() -> bool {
    // SAFETY: adjtimex with modes = 0 only reads the kernel's clock state into `tx`.
    let mut tx: libc::timex = unsafe { std::mem::zeroed() };
    let state = unsafe { libc::adjtimex(&mut tx) };
    state >= 0 && state != libc::TIME_ERROR
}

/// Milliseconds since boot, including suspend: steady across wall-clock jumps and restarts.
pub fn boottime_ms() -> i64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into `ts`, a valid timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_BOOTTIME, &mut ts) };
    ts.tv_sec * 1000 + ts.tv_nsec / 1_000_000
}

impl Clock for SystemClock {
    fn now(&self) -> Stamp {
        let utc = Utc::now();
        Stamp {
            utc,
            monotonic_ms: boottime_ms(),
            boot_id: self.boot_id.clone(),
            clock_synced: self.synchronised(utc),
        }
    }
}

/// A clock tests move by hand. Wall and monotonic time advance together; `jump_wall` moves the
/// wall clock alone, as NTP does at sync.
pub struct ManualClock {
    stamp: Mutex<Stamp>,
}

impl ManualClock {
    pub fn new(utc: DateTime<Utc>) -> Self {
        ManualClock {
            stamp: Mutex::new(Stamp {
                utc,
                monotonic_ms: 1_000_000,
                boot_id: "manual-boot".into(),
                clock_synced: true,
            }),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Stamp) -> T) -> T {
        f(&mut self.stamp.lock().unwrap_or_else(|p| p.into_inner()))
    }

    pub fn advance(&self, by: Duration) {
        self.with(|s| {
            s.utc += by;
            s.monotonic_ms += by.num_milliseconds();
        });
    }

    pub fn set(&self, utc: DateTime<Utc>) {
        self.with(|s| {
            let by = utc - s.utc;
            s.utc = utc;
            s.monotonic_ms += by.num_milliseconds().max(0);
        });
    }

    /// Moves the wall clock only (an NTP step), leaving monotonic time alone.
    pub fn jump_wall(&self, to: DateTime<Utc>, synced: bool) {
        self.with(|s| {
            s.utc = to;
            s.clock_synced = synced;
        });
    }

    pub fn set_synced(&self, synced: bool) {
        self.with(|s| s.clock_synced = synced);
    }

    /// A new boot: monotonic time restarts.
    pub fn reboot(&self, boot_id: &str) {
        self.with(|s| {
            s.boot_id = boot_id.into();
            s.monotonic_ms = 5_000;
        });
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Stamp {
        self.with(|s| s.clone())
    }
}

impl<C: Clock> Clock for std::sync::Arc<C> {
    fn now(&self) -> Stamp {
        (**self).now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_clock_reads_a_boot_id_and_a_steady_clock() {
        let c = SystemClock::new(true);
        let a = c.now();
        let b = c.now();
        assert!(!a.boot_id.is_empty());
        assert!(b.monotonic_ms >= a.monotonic_ms);
        assert!(a.clock_synced, "assume_synchronised with a sane wall clock");
    }

    #[test]
    fn manual_clock_moves_wall_and_monotonic_together() {
        let t0: DateTime<Utc> = "2026-11-23T09:00:00Z".parse().unwrap();
        let c = ManualClock::new(t0);
        let a = c.now();
        c.advance(Duration::minutes(5));
        let b = c.now();
        assert_eq!(b.utc - a.utc, Duration::minutes(5));
        assert_eq!(b.monotonic_ms - a.monotonic_ms, 300_000);
        c.jump_wall(t0 + Duration::days(3), true);
        assert_eq!(c.now().monotonic_ms, b.monotonic_ms);
    }
}
