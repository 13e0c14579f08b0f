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
use std::sync::{Mutex, MutexGuard, OnceLock};
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
    /// The one connection, made by the first use (`open_later`) or at once (`open`). An open
    /// that failed stays failed: every call then gives its error.
    conn: OnceLock<std::result::Result<Mutex<Connection>, OpenError>>,
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
        let store = Store::open_later(path);
        store.ready()?;
        Ok(store)
    }

    /// The database at `path`, opened as `open` does but only when first used or by `ready`:
    /// a fresh file's creation, check and migrations take milliseconds that the screen's first
    /// frame need not wait for (`Hub::open_later`). A call made while another thread opens it
    /// waits for that open.
    pub fn open_later(path: &Path) -> Store {
        Store {
            conn: OnceLock::new(),
            path: path.to_owned(),
            fault_after_commit: AtomicBool::new(false),
        }
    }

    /// Opens the database now if nothing has yet; its error if it cannot be opened.
    pub fn ready(&self) -> Result<()> {
        self.conn().map(drop)
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
            conn: OnceLock::from(Ok(Mutex::new(conn))),
            path: path.to_owned(),
            fault_after_commit: AtomicBool::new(false),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection, for a read; opened first if it is not yet (`open_later`).
    fn conn(&self) -> Result<MutexGuard<'_, Connection>> {
        let opened = self
            .conn
            .get_or_init(|| crate::sqlite::open(&self.path, schema::MIGRATIONS).map(Mutex::new));
        match opened {
            // A panic while holding the lock leaves the connection usable: SQLite rolled back.
            Ok(conn) => Ok(conn.lock().unwrap_or_else(|p| p.into_inner())),
            Err(e) => Err(StoreError::from(e.clone())),
        }
    }

    /// Runs `f` in an immediate (write-locking) transaction, committing when it returns Ok.
    fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// `PRAGMA integrity_check`: "ok", or the problems found.
    pub fn integrity_check(&self) -> Result<String> {
        let conn = self.conn()?;
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
        let conn = self.conn()?;
        let mut stmt = conn.prepare(sql)?;
        let mut rows = stmt.query([])?;
        while rows.next()?.is_some() {}
        Ok(())
    }
}
