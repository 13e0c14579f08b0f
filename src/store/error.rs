//! Store errors, worded for the person who has to fix them.

use rusqlite::ErrorCode;

use crate::domain::QueueError;
use crate::domain::help::HelpError;
use crate::sqlite::OpenError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file is not a database or is damaged: it cannot be opened (`OpenError::Corrupt`).
    #[error(transparent)]
    Corrupt(OpenError),
    /// The file cannot be opened, or a newer version wrote it (the rest of `OpenError`).
    #[error(transparent)]
    Open(OpenError),
    #[error(
        "the disk is full, so this was not saved: free some space on the kiosk (`journalctl --vacuum-size=50M` helps). Everything saved before is safe"
    )]
    DiskFull,
    #[error(
        "the database cannot be written (read-only file or file system), so this was not saved: check the data directory's permissions and that its disk is mounted read-write"
    )]
    ReadOnly,
    #[error(
        "the database is damaged: {0}. Stop the kiosk and see docs/installing.md, \"Recovering the database\""
    )]
    Damaged(String),
    #[error(transparent)]
    Queue(#[from] QueueError),
    /// A help request that cannot be acknowledged (unknown, or acknowledged already).
    #[error(transparent)]
    Help(#[from] HelpError),
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("a stored value is not valid: {0}")]
    BadRow(String),
    /// The request's `Idempotency-Key` was recorded by an earlier request (see `idempotency`):
    /// nothing changed.
    #[error("a request with this Idempotency-Key was carried out already: nothing changed")]
    KeyUsed,
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => StoreError::DiskFull,
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly,
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
                StoreError::Damaged(e.to_string())
            }
            _ => StoreError::Sqlite(e),
        }
    }
}

impl From<OpenError> for StoreError {
    fn from(e: OpenError) -> Self {
        match e {
            OpenError::Corrupt { .. } => StoreError::Corrupt(e),
            other => StoreError::Open(other),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
