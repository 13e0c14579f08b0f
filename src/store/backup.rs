//! Backups and restores of a SQLite database file, the kiosk's or the central service's.
//!
//! A backup uses SQLite's online backup API in one step: it copies a consistent snapshot (one
//! read transaction; in WAL mode writers carry on meanwhile), so it is safe while the service
//! runs. The copy is written beside its destination, switched out of WAL mode so it is one
//! self-contained file, checked with `integrity_check`, synced, and only then renamed into place.
//!
//! A restore checks the backup first, refuses while a process has the live database open, and
//! refuses (unless forced) to replace a database holding records newer than the backup's newest.
//! The database it replaces is kept beside it (`NAME.replaced-TIMESTAMP`), so even a forced
//! restore loses nothing. A caller's `prepare` step runs on the restored copy before it goes
//! into place (the kiosk gives it a new database id there: see `docs/sync.md`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags};

use super::{Result, StoreError};
use crate::sqlite::OpenError;

/// Where the kiosk keeps its database's random id (`sync::wire::Upload::database`).
pub const DATABASE_ID_KEY: &str = "sync.database_id";

/// The newest record in a database, in Unix milliseconds: the SQL gives one nullable integer.
pub type NewestSql = &'static str;

/// What a backup wrote.
#[derive(Clone, Debug)]
pub struct BackupDone {
    pub path: PathBuf,
    pub bytes: u64,
    pub newest: Option<DateTime<Utc>>,
}

/// What a restore did.
#[derive(Clone, Debug)]
pub struct RestoreDone {
    /// Where the database it replaced was kept, if there was one.
    pub kept: Option<PathBuf>,
    pub newest: Option<DateTime<Utc>>,
}

fn fail(path: &Path, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Open(OpenError::Open {
        path: path.display().to_string(),
        detail: detail.to_string(),
    })
}

fn open_read_only(path: &Path) -> Result<Connection> {
    if !path.is_file() {
        return Err(fail(path, "no such file"));
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| fail(path, e))?;
    conn.busy_timeout(Duration::from_secs(10))
        .map_err(|e| fail(path, e))?;
    Ok(conn)
}

/// The newest record's time by `sql`, `None` for an empty database.
fn newest(conn: &Connection, sql: NewestSql) -> Result<Option<DateTime<Utc>>> {
    let ms: Option<i64> = conn.query_row(sql, [], |r| r.get(0))?;
    Ok(ms.and_then(DateTime::from_timestamp_millis))
}

fn integrity(conn: &Connection, path: &Path) -> Result<()> {
    let rows: Vec<String> = conn
        .prepare("PRAGMA integrity_check")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if rows.len() == 1 && rows[0] == "ok" {
        Ok(())
    } else {
        Err(StoreError::Corrupt(OpenError::Corrupt {
            path: path.display().to_string(),
            detail: rows.into_iter().take(3).collect::<Vec<_>>().join("; "),
        }))
    }
}

/// Copies all of `from` into a new file `to` (replaced if present) in one consistent step,
/// leaves it out of WAL mode, checks it and syncs it. Not yet renamed anywhere.
fn copy_into(from: &Connection, to: &Path) -> Result<()> {
    for stale in [to.to_owned(), sidecar(to, "-journal")] {
        let _ = std::fs::remove_file(stale);
    }
    let mut dst = Connection::open(to).map_err(|e| fail(to, e))?;
    {
        let backup = rusqlite::backup::Backup::new(from, &mut dst)?;
        // -1: every page in one step, so the copy is one snapshot of the source.
        let mut tries = 0;
        loop {
            match backup.step(-1)? {
                rusqlite::backup::StepResult::Done => break,
                _ if tries < 100 => {
                    tries += 1;
                    std::thread::sleep(Duration::from_millis(50));
                }
                _ => return Err(fail(to, "the database stayed busy for 5 s: try again")),
            }
        }
    }
    let mode: String = dst.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(fail(to, format!("the copy stayed in {mode} mode")));
    }
    integrity(&dst, to)?;
    drop(dst);
    sync_file(to)
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn sync_file(path: &Path) -> Result<()> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| fail(path, e))
}

fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
}

/// Writes a backup of the database `live` to `out`, safe while the service writes to it.
pub fn backup(live: &Path, out: &Path, newest_sql: NewestSql) -> Result<BackupDone> {
    let src = open_read_only(live)?;
    let partial = sidecar(out, ".partial");
    let copied = copy_into(&src, &partial);
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    drop(src);
    let newest = newest(&open_read_only(&partial)?, newest_sql)?;
    std::fs::rename(&partial, out).map_err(|e| fail(out, e))?;
    sync_dir(out);
    let bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    Ok(BackupDone {
        path: out.to_owned(),
        bytes,
        newest,
    })
}

/// Processes (other than this one) holding `path` or its WAL open.
pub fn users_of(path: &Path) -> Vec<u32> {
    let Ok(target) = path.canonicalize() else {
        return Vec::new();
    };
    let wal = sidecar(&target, "-wal");
    let me = std::process::id();
    let mut pids = Vec::new();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return pids;
    };
    for p in procs.flatten() {
        let Some(pid) = p.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        if pid == me {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(p.path().join("fd")) else {
            continue;
        };
        let open = fds
            .flatten()
            .filter_map(|fd| std::fs::read_link(fd.path()).ok())
            .any(|l| l == target || l == wal);
        if open {
            pids.push(pid);
        }
    }
    pids
}

/// How a restore should go.
pub struct RestorePlan<'a> {
    pub backup: &'a Path,
    pub live: &'a Path,
    /// Replace a database with records newer than the backup's newest.
    pub force: bool,
    pub newest_sql: NewestSql,
    /// Schema versions this build knows; a backup from a newer build is refused.
    pub known_version: i64,
    pub now: DateTime<Utc>,
}

/// Why a restore was refused before anything changed.
#[derive(Debug)]
pub enum Refused {
    /// The live database holds newer records; `--force` replaces it anyway.
    Newer {
        live: DateTime<Utc>,
        backup: Option<DateTime<Utc>>,
    },
    /// Processes have the live database open.
    InUse(Vec<u32>),
    Store(StoreError),
}

impl From<StoreError> for Refused {
    fn from(e: StoreError) -> Self {
        Refused::Store(e)
    }
}

impl From<rusqlite::Error> for Refused {
    fn from(e: rusqlite::Error) -> Self {
        Refused::Store(e.into())
    }
}

/// Restores `plan.backup` over `plan.live`; `prepare` runs on the restored copy first.
pub fn restore(
    plan: &RestorePlan<'_>,
    prepare: impl FnOnce(&Connection) -> Result<()>,
) -> std::result::Result<RestoreDone, Refused> {
    let (backup, live) = (plan.backup, plan.live);
    let src = open_read_only(backup)?;
    integrity(&src, backup)?;
    let version: i64 = src.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > plan.known_version {
        return Err(Refused::Store(StoreError::Open(OpenError::TooNew {
            path: backup.display().to_string(),
            found: version,
            known: plan.known_version,
        })));
    }
    let backup_newest = newest(&src, plan.newest_sql)?;
    let users = users_of(live);
    if !users.is_empty() {
        return Err(Refused::InUse(users));
    }
    let mut kept = None;
    if live.exists() {
        let current = open_read_only(live)?;
        if let Some(l) = newest(&current, plan.newest_sql)?
            && backup_newest.is_none_or(|b| l > b)
            && !plan.force
        {
            return Err(Refused::Newer {
                live: l,
                backup: backup_newest,
            });
        }
        let keep = sidecar(
            live,
            &format!(".replaced-{}", plan.now.format("%Y%m%dT%H%M%SZ")),
        );
        copy_into(&current, &keep)?;
        kept = Some(keep);
    }
    let restoring = sidecar(live, ".restoring");
    copy_into(&src, &restoring)?;
    drop(src);
    {
        let conn = Connection::open(&restoring).map_err(|e| fail(&restoring, e))?;
        prepare(&conn)?;
    }
    sync_file(&restoring)?;
    for old in [sidecar(live, "-wal"), sidecar(live, "-shm")] {
        let _ = std::fs::remove_file(old);
    }
    std::fs::rename(&restoring, live).map_err(|e| fail(live, e))?;
    sync_dir(live);
    Ok(RestoreDone {
        kept,
        newest: backup_newest,
    })
}

/// The kiosk's newest record: a check-in, a door pass, a ticket's last move, or an hour of
/// footfall (per-visit rows are purged after the retention period; the hours stay).
pub const KIOSK_NEWEST: NewestSql = "SELECT MAX(t) FROM (
    SELECT MAX(at_ms) AS t FROM checkin
    UNION ALL SELECT MAX(at_ms) FROM door_pass
    UNION ALL SELECT MAX(MAX(created_ms), COALESCE(MAX(called_ms), 0), COALESCE(MAX(finished_ms), 0)) FROM ticket
    UNION ALL SELECT MAX(hour) * 1000 FROM footfall_hour)";

/// Schema versions this build of the kiosk knows.
pub fn kiosk_schema_version() -> i64 {
    super::schema::MIGRATIONS.len() as i64
}

/// Gives a restored kiosk database a new random database id and notes where it came from.
/// Its hours then reach the central service as a new database's: taken whatever their
/// revision, so counts made after the restore are never ignored as older than what the lost
/// database had sent. Returns the new id.
pub fn give_new_database_id(conn: &Connection, restored_from: &str) -> Result<String> {
    let id = uuid::Uuid::new_v4().to_string();
    let mut set = conn.prepare(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?;
    set.execute([DATABASE_ID_KEY, &id])?;
    set.execute(["restore.from", restored_from])?;
    Ok(id)
}

impl super::Store {
    /// Puts every hour from `from` on back in the outbox at its current revision (after the
    /// central service restored an older backup). Returns how many hours were queued.
    pub fn outbox_requeue_since(&self, from: DateTime<Utc>, now: DateTime<Utc>) -> Result<usize> {
        self.write(|tx| {
            Ok(tx.execute(
                "INSERT INTO sync_outbox (hour, revision, queued_ms)
                 SELECT hour, revision, ?2 FROM footfall_hour WHERE hour >= ?1
                 ON CONFLICT (hour) DO UPDATE SET revision = excluded.revision",
                rusqlite::params![from.timestamp(), now.timestamp_millis()],
            )?)
        })
    }
}
