//! The kiosk's health in one place, for the status page, `GET /api/v1/status` and `/metrics`:
//! forwarding to the central service, the outbox, the door sensor, free disk space, whether the
//! clock is synchronised, the timetable in use, and the version.

use std::path::Path;
use std::time::Instant;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::hub::{Hub, HubError};
use crate::status::{DoorSnapshot, SyncSnapshot};

/// Space on the file system holding the data directory.
#[derive(Clone, Debug, Serialize)]
pub struct Disk {
    pub path: String,
    pub free_bytes: u64,
    pub total_bytes: u64,
}

impl Disk {
    /// `None` when the file system cannot be asked (the directory is missing…).
    pub fn of(path: &Path) -> Option<Disk> {
        use std::os::unix::ffi::OsStrExt;
        let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
        // SAFETY: statvfs writes into `st`, a zeroed statvfs, for a NUL-terminated path.
        let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
        if unsafe { libc::statvfs(c.as_ptr(), &mut st) } != 0 {
            return None;
        }
        let unit = st.f_frsize as u64;
        Some(Disk {
            path: path.display().to_string(),
            free_bytes: st.f_bavail as u64 * unit,
            total_bytes: st.f_blocks as u64 * unit,
        })
    }

    /// Less than 5 % or 200 MB free.
    pub fn low(&self) -> bool {
        self.free_bytes < 200_000_000 || self.free_bytes * 20 < self.total_bytes
    }
}

/// Everything the status page shows.
#[derive(Clone, Debug, Serialize)]
pub struct Health {
    pub version: &'static str,
    pub site_id: String,
    pub site_name: String,
    pub kiosk_id: String,
    pub now: DateTime<Utc>,
    pub clock_synchronised: bool,
    pub sync: SyncSnapshot,
    /// Hours of footfall waiting to be sent, read from the database now.
    pub outbox_depth: i64,
    pub door: DoorSnapshot,
    pub disk: Option<Disk>,
    pub queue_open: bool,
    pub uptime_seconds: u64,
    /// The Recovery College timetable: where it comes from, the copy in use and since when,
    /// and why the last refresh failed.
    pub timetable: crate::courses::Snapshot,
}

impl Health {
    /// Reads it all (blocking: call through `StaffState::hub`).
    pub fn gather(hub: &Hub, started: Instant) -> Result<Health, HubError> {
        let now = hub.now();
        let config = hub.config();
        Ok(Health {
            version: env!("CARGO_PKG_VERSION"),
            site_id: config.site.id.clone(),
            site_name: config.site.name.clone(),
            kiosk_id: config.kiosk.id.clone(),
            now: now.utc,
            clock_synchronised: now.clock_synced,
            sync: hub.sync_status(),
            outbox_depth: hub.outbox_depth()?,
            door: hub.door_status(),
            disk: Disk::of(&config.kiosk.data_dir),
            queue_open: hub.is_open(),
            uptime_seconds: started.elapsed().as_secs(),
            timetable: hub.timetable(),
        })
    }
}

/// "1.2 GB" for people.
pub fn bytes(n: u64) -> String {
    let units = ["bytes", "kB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut i = 0;
    while v >= 1000.0 && i < units.len() - 1 {
        v /= 1000.0;
        i += 1;
    }
    if i == 0 {
        format!("{n} bytes")
    } else {
        format!("{v:.1} {}", units[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disk_space_of_a_real_directory() {
        let d = Disk::of(Path::new("/")).expect("statvfs of /");
        assert!(d.total_bytes > 0 && d.free_bytes <= d.total_bytes);
        assert!(Disk::of(Path::new("/no/such/dir")).is_none());
        assert_eq!(bytes(999), "999 bytes");
        assert_eq!(bytes(1_500_000_000), "1.5 GB");
    }
}
