//! Opening a SQLite file the way both databases want it — the kiosk's (`store`) and the central
//! service's (`central::store`): created if missing, WAL with `synchronous=FULL` so a commit
//! survives a power cut, foreign keys on, its integrity checked, and its numbered migrations
//! applied; and the hour's totals, which both keep in the same columns. Each store has its own
//! tables, queries and errors.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Row};

use crate::domain::Counts;

/// The totals of an hour, as both stores name their columns (the kiosk's `footfall_hour`, the
/// central's `bucket`), in the order `hour_totals` reads them.
pub const HOUR_TOTALS: &str = "door_in, door_out, checkins_anonymous, checkins_member, \
     dropins_joined, dropins_seen, dropins_no_show, dropins_closed, help_requests, attendance";

/// Reads the columns of `HOUR_TOTALS`, selected from column `first` on. The counts kept by key
/// (needs, waits, courses) are left empty: each store keeps those its own way.
pub fn hour_totals(r: &Row<'_>, first: usize) -> rusqlite::Result<Counts> {
    Ok(Counts {
        door_in: r.get(first)?,
        door_out: r.get(first + 1)?,
        checkins_anonymous: r.get(first + 2)?,
        checkins_member: r.get(first + 3)?,
        dropins_joined: r.get(first + 4)?,
        dropins_seen: r.get(first + 5)?,
        dropins_no_show: r.get(first + 6)?,
        dropins_closed: r.get(first + 7)?,
        help_requests: r.get(first + 8)?,
        attendance: r.get(first + 9)?,
        ..Counts::default()
    })
}

/// Why a database could not be opened, worded for the person who has to fix it.
#[derive(Debug, Clone, thiserror::Error)]
pub enum OpenError {
    #[error(
        "the database {path} is damaged ({detail}). Stop the service, move the file aside (a new one is made at the next start) and keep the old one: `sqlite3 OLD .recover` can often save its rows"
    )]
    Corrupt { path: String, detail: String },
    #[error("cannot open the database {path}: {detail}")]
    Open { path: String, detail: String },
    #[error(
        "the database {path} has schema version {found} but this hub-kiosk knows only up to {known}: it was written by a newer version — install that version again"
    )]
    TooNew {
        path: String,
        found: i64,
        known: i64,
    },
}

/// Opens (creating if needed) the database at `path`, checks its integrity and applies
/// `migrations` (migration `i` brings the schema from version `i` to `i + 1`).
pub fn open(path: &Path, migrations: &[&str]) -> Result<Connection, OpenError> {
    let shown = path.display().to_string();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| OpenError::Open {
            path: shown.clone(),
            detail: format!("cannot create the directory {}: {e}", dir.display()),
        })?;
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| open_error(&shown, e))?;
    configure(&conn).map_err(|e| open_error(&shown, e))?;
    check_integrity(&conn, &shown)?;
    migrate(&conn, &shown, migrations)?;
    Ok(conn)
}

/// The error of a failed open, by what SQLite said.
pub fn open_error(path: &str, e: rusqlite::Error) -> OpenError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => {
            OpenError::Corrupt {
                path: path.to_owned(),
                detail: e.to_string(),
            }
        }
        Some(
            rusqlite::ErrorCode::ReadOnly
            | rusqlite::ErrorCode::CannotOpen
            | rusqlite::ErrorCode::PermissionDenied,
        ) => OpenError::Open {
            path: path.to_owned(),
            detail: format!(
                "{e}: check that the directory exists and the service's user may write to it"
            ),
        },
        Some(rusqlite::ErrorCode::DiskFull) => OpenError::Open {
            path: path.to_owned(),
            detail: "the disk is full: free some space and start again".into(),
        },
        _ => OpenError::Open {
            path: path.to_owned(),
            detail: e.to_string(),
        },
    }
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(mode, "the database could not switch to WAL mode");
    }
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA trusted_schema = OFF;",
    )
}

fn check_integrity(conn: &Connection, path: &str) -> Result<(), OpenError> {
    let result: rusqlite::Result<Vec<String>> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect());
    match result {
        Ok(rows) if rows.len() == 1 && rows[0] == "ok" => Ok(()),
        Ok(rows) => Err(OpenError::Corrupt {
            path: path.to_owned(),
            detail: rows.into_iter().take(3).collect::<Vec<_>>().join("; "),
        }),
        Err(e) => Err(match open_error(path, e) {
            OpenError::Open { path, detail } => OpenError::Corrupt { path, detail },
            other => other,
        }),
    }
}

fn migrate(conn: &Connection, path: &str, migrations: &[&str]) -> Result<(), OpenError> {
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| open_error(path, e))?;
    let known = migrations.len() as i64;
    if version > known {
        return Err(OpenError::TooNew {
            path: path.to_owned(),
            found: version,
            known,
        });
    }
    for (i, sql) in migrations.iter().enumerate().skip(version as usize) {
        conn.execute_batch(&format!(
            "BEGIN IMMEDIATE; {sql}; PRAGMA user_version = {}; COMMIT;",
            i + 1
        ))
        .map_err(|e| {
            let _ = conn.execute_batch("ROLLBACK");
            OpenError::Open {
                path: path.to_owned(),
                detail: format!("schema migration {} failed: {e}", i + 1),
            }
        })?;
    }
    Ok(())
}
