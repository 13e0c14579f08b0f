//! The kiosk's SQLite database: the only place SQL lives.
//!
//! One file in the data directory, in WAL mode with `synchronous=FULL`: a check-in reported as
//! saved survives a power cut. Every change that affects footfall updates the hourly totals and
//! the sync outbox in the same transaction, so counts always equal the rows behind them.
//! One connection behind a mutex serialises writers inside the process; other processes (the
//! `report` command) read alongside through WAL.

pub mod backup;
mod checkins;
mod door;
mod error;
mod footfall;
mod meta;
mod outbox;
mod redate;
mod retention;
mod rows;
mod schema;
mod tickets;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

pub use checkins::{NewTicket, Receipt};
pub use error::{Result, StoreError};
pub use outbox::{DeadLetter, OutboxEntry};
pub use redate::Redated;
pub use retention::Purged;

/// The kiosk's database.
pub struct Store {
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path`, checks its integrity and brings its
    /// schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        Ok(Store {
            conn: Mutex::new(open_database(path, schema::MIGRATIONS)?),
            path: path.to_owned(),
        })
    }

    /// Opens an existing database for reading only (reports from another process).
    pub fn open_read_only(path: &Path) -> Result<Store> {
        let shown = path.display().to_string();
        if !path.exists() {
            return Err(StoreError::Open {
                path: shown,
                detail: "no such file: run the kiosk once, or give the right --database".into(),
            });
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| open_error(&shown, e))?;
        conn.busy_timeout(Duration::from_secs(5))
            .map_err(|e| open_error(&shown, e))?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| open_error(&shown, e))?;
        if version as usize > schema::MIGRATIONS.len() {
            return Err(StoreError::TooNew {
                path: shown,
                found: version,
                known: schema::MIGRATIONS.len() as i64,
            });
        }
        Ok(Store {
            conn: Mutex::new(conn),
            path: path.to_owned(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection, for a read.
    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves the connection usable: SQLite rolled back.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` in an immediate (write-locking) transaction, committing when it returns Ok.
    fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// `PRAGMA integrity_check`: "ok", or the problems found.
    pub fn integrity_check(&self) -> Result<String> {
        let conn = self.conn();
        let mut stmt = conn.prepare("PRAGMA integrity_check")?;
        let rows: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(rows.join("; "))
    }
}

/// Opens (creating if needed) a database with the kiosk's settings (WAL, `synchronous=FULL`),
/// checks its integrity and applies `migrations`. The central service's store uses it too.
pub(crate) fn open_database(path: &Path, migrations: &[&str]) -> Result<Connection> {
    let shown = path.display().to_string();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
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

fn open_error(path: &str, e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => {
            StoreError::Corrupt {
                path: path.to_owned(),
                detail: e.to_string(),
            }
        }
        Some(
            rusqlite::ErrorCode::ReadOnly
            | rusqlite::ErrorCode::CannotOpen
            | rusqlite::ErrorCode::PermissionDenied,
        ) => StoreError::Open {
            path: path.to_owned(),
            detail: format!(
                "{e}: check that the directory exists and the kiosk's user may write to it"
            ),
        },
        Some(rusqlite::ErrorCode::DiskFull) => StoreError::Open {
            path: path.to_owned(),
            detail: "the disk is full: free some space and start again".into(),
        },
        _ => StoreError::Open {
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

fn check_integrity(conn: &Connection, path: &str) -> Result<()> {
    let result: rusqlite::Result<Vec<String>> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect());
    match result {
        Ok(rows) if rows.len() == 1 && rows[0] == "ok" => Ok(()),
        Ok(rows) => Err(StoreError::Corrupt {
            path: path.to_owned(),
            detail: rows.into_iter().take(3).collect::<Vec<_>>().join("; "),
        }),
        Err(e) => Err(match open_error(path, e) {
            StoreError::Open { path, detail } => StoreError::Corrupt { path, detail },
            other => other,
        }),
    }
}

fn migrate(conn: &Connection, path: &str, migrations: &[&str]) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = migrations.len() as i64;
    if version > known {
        return Err(StoreError::TooNew {
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
            StoreError::Open {
                path: path.to_owned(),
                detail: format!("schema migration {} failed: {e}", i + 1),
            }
        })?;
    }
    Ok(())
}

impl Store {
    /// Runs a PRAGMA on the live connection. Tests use it to simulate a full disk
    /// (`max_page_count`) or a read-only file system (`query_only`).
    #[doc(hidden)]
    pub fn pragma_for_tests(&self, sql: &str) -> Result<()> {
        let conn = self.conn();
        let mut stmt = conn.prepare(sql)?;
        let mut rows = stmt.query([])?;
        while rows.next()?.is_some() {}
        Ok(())
    }
}
