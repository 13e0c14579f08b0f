//! The kiosk's SQLite database: the only place SQL lives.
//!
//! One file in the data directory, in WAL mode with `synchronous=FULL`: a check-in reported as
//! saved survives a power cut. Every change that affects footfall updates the hourly totals and
//! the sync outbox in the same transaction, so counts always equal the rows behind them.
//! One connection behind a mutex serialises writers inside the process; other processes (the
//! `report` command) read alongside through WAL.

pub mod audit;
pub mod backup;
mod checkins;
mod door;
mod error;
mod footfall;
mod help;
pub mod idempotency;
mod meta;
mod outbox;
mod pause;
mod redate;
mod registers;
mod retention;
mod rows;
mod schema;
mod tickets;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::sqlite::{OpenError, open_error};

pub use audit::{AuditEntry, AuditFilter, AuditRow, AuditVia};
pub use checkins::{AtSession, NewTicket, Receipt};
pub use error::{Result, StoreError};
pub use outbox::{DeadLetter, OutboxEntry};
pub use redate::Redated;
pub use registers::{Added, Kept, Member, Register};
pub use retention::Purged;

/// The kiosk's database.
pub struct Store {
    conn: Mutex<Connection>,
    path: PathBuf,
    /// Tests only: the next keyed change fails after its commit (see `idempotency`).
    fault_after_commit: AtomicBool,
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
            conn: Mutex::new(crate::sqlite::open(path, schema::MIGRATIONS)?),
            path: path.to_owned(),
            fault_after_commit: AtomicBool::new(false),
        })
    }

    /// Opens an existing database for reading only (reports from another process).
    pub fn open_read_only(path: &Path) -> Result<Store> {
        let shown = path.display().to_string();
        if !path.exists() {
            return Err(StoreError::from(OpenError::Open {
                path: shown,
                detail: "no such file: run the kiosk once, or give the right --database".into(),
            }));
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError::from(open_error(&shown, e)))?;
        conn.busy_timeout(Duration::from_secs(5))
            .map_err(|e| StoreError::from(open_error(&shown, e)))?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| StoreError::from(open_error(&shown, e)))?;
        if version as usize > schema::MIGRATIONS.len() {
            return Err(StoreError::from(OpenError::TooNew {
                path: shown,
                found: version,
                known: schema::MIGRATIONS.len() as i64,
            }));
        }
        Ok(Store {
            conn: Mutex::new(conn),
            path: path.to_owned(),
            fault_after_commit: AtomicBool::new(false),
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
