//! Backups of the central service's database: what its newest record is (the last upload or
//! contact), and a trial open of a backup before it replaces the live database, so a backup
//! this build cannot read (damaged, or from a newer version) is refused before anything changes.
//! The copying itself is `store::backup`'s, shared with the kiosk.

use std::path::Path;

use super::CentralStore;

/// The newest record: the last bucket received or the last contact of any kiosk.
pub const NEWEST: &str = "SELECT MAX(t) FROM (
    SELECT MAX(received_ms) AS t FROM bucket
    UNION ALL SELECT MAX(last_ms) FROM kiosk_contact)";

/// Opens a scratch copy of `backup` as the service would (integrity, schema version, migrations).
pub fn check_opens(backup: &Path) -> Result<(), String> {
    let dir = tempfile_dir(backup)?;
    let trial = dir.join("trial.sqlite3");
    std::fs::copy(backup, &trial).map_err(|e| format!("cannot copy {}: {e}", backup.display()))?;
    let opened = CentralStore::open(&trial).map(drop).map_err(|e| {
        format!(
            "{} is not a central database this version can use: {e}",
            backup.display()
        )
    });
    let _ = std::fs::remove_dir_all(&dir);
    opened
}

/// A fresh scratch directory in the system's temporary directory.
fn tempfile_dir(near: &Path) -> Result<std::path::PathBuf, String> {
    let dir = std::env::temp_dir().join(format!(
        "hub-kiosk-central-restore-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot check {}: {e}", near.display()))?;
    Ok(dir)
}
