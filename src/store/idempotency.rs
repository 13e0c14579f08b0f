//! Idempotency keys of staff API requests (`Idempotency-Key`): a client that did not get an
//! answer — a timeout while the disk stalled, a dropped connection — sends the request again with
//! the same key and gets the first answer instead of a second ticket or a second call.
//!
//! The key is written in the **same transaction** as the change it names, with the id of what
//! that change made or moved (the check-in or the ticket), so a change is never made without its
//! key nor its key kept without the change, whatever fails after the commit. The answer itself is
//! added as soon as it is known; should the kiosk stop before that, the answer is rebuilt from
//! the id. A key belongs to one caller, holds at most 64 characters and is kept for
//! [`KEY_LIFETIME`]; after that the same key is a new request.
//!
//! The hub does not pass keys around: [`with_key`] sets the key for the calling thread, and the
//! first keyed write it makes there (`record_check_in`, `act`, `call_next`) records it.

use std::cell::RefCell;
use std::sync::atomic::Ordering;

use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::rows::ms;
use super::{Result, Store, StoreError};

/// How long a key is remembered.
pub const KEY_LIFETIME: Duration = Duration::hours(24);
/// The longest key accepted.
pub const MAX_KEY_LEN: usize = 64;

/// A request sent with an `Idempotency-Key`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyedRequest {
    /// Who sent it: the API token's or login's name.
    pub caller: String,
    pub key: String,
    /// What it asked: method, path and a hash of the body, so a key reused for another
    /// request is told apart.
    pub request: String,
    pub at: DateTime<Utc>,
}

/// What a key recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyRecord {
    pub request: String,
    /// The check-in or ticket the request made or moved.
    pub subject: i64,
    /// The status and JSON body answered, once known.
    pub answer: Option<(u16, String)>,
}

thread_local! {
    static PENDING: RefCell<Option<KeyedRequest>> = const { RefCell::new(None) };
}

/// Clears this thread's key however `with_key` ends (a panic included).
struct Clear;

impl Drop for Clear {
    fn drop(&mut self) {
        PENDING.with(|p| p.borrow_mut().take());
    }
}

/// Runs `f` on this thread so that the first keyed change it saves records `req` with it.
pub fn with_key<T>(req: KeyedRequest, f: impl FnOnce() -> T) -> T {
    PENDING.with(|p| *p.borrow_mut() = Some(req));
    let _clear = Clear;
    f()
}

fn find(conn: &Connection, caller: &str, key: &str, since: i64) -> Result<Option<KeyRecord>> {
    Ok(conn
        .query_row(
            "SELECT request, subject, status, answer FROM idempotency_key
             WHERE caller = ?1 AND key = ?2 AND created_ms >= ?3",
            params![caller, key, since],
            |r| {
                let status: Option<u16> = r.get(2)?;
                let answer: Option<String> = r.get(3)?;
                Ok(KeyRecord {
                    request: r.get(0)?,
                    subject: r.get(1)?,
                    answer: status.zip(answer),
                })
            },
        )
        .optional()?)
}

/// The error a test's injected fault gives: the disk failed just after the commit.
fn injected_fault() -> StoreError {
    StoreError::Sqlite(rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_IOERR),
        Some("a fault injected after the commit (tests only)".into()),
    ))
}

impl Store {
    /// What `key` of `caller` recorded, if it is known and not older than [`KEY_LIFETIME`].
    pub fn idempotency_key(
        &self,
        caller: &str,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<KeyRecord>> {
        find(&*self.conn()?, caller, key, ms(now - KEY_LIFETIME))
    }

    /// Adds the answer given to the request `key` of `caller` made.
    pub fn save_idempotent_answer(
        &self,
        caller: &str,
        key: &str,
        status: u16,
        answer: &str,
    ) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE idempotency_key SET status = ?3, answer = ?4 WHERE caller = ?1 AND key = ?2",
                params![caller, key, status, answer],
            )?;
            Ok(())
        })
    }

    /// Like `write`, but records this thread's key (see [`with_key`]) in the same transaction,
    /// naming the id `subject` picks from the result; `KeyUsed` if the key was recorded first.
    pub(super) fn write_keyed<T>(
        &self,
        subject: impl FnOnce(&T) -> i64,
        f: impl FnOnce(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let pending = PENDING.with(|p| p.borrow_mut().take());
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if let Some(p) = &pending {
            let since = ms(p.at - KEY_LIFETIME);
            tx.execute("DELETE FROM idempotency_key WHERE created_ms < ?1", [since])?;
            if find(&tx, &p.caller, &p.key, since)?.is_some() {
                return Err(StoreError::KeyUsed);
            }
        }
        let out = f(&tx)?;
        if let Some(p) = &pending {
            tx.execute(
                "INSERT INTO idempotency_key (caller, key, request, subject, created_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![p.caller, p.key, p.request, subject(&out), ms(p.at)],
            )?;
        }
        tx.commit()?;
        if self.fault_after_commit.swap(false, Ordering::SeqCst) {
            return Err(injected_fault());
        }
        Ok(out)
    }

    /// Makes the next keyed change fail *after* its commit, as a disk that stalls past the
    /// answer would: the change and its key are saved, but the caller is told it failed.
    #[doc(hidden)]
    pub fn fail_after_next_commit_for_tests(&self) {
        self.fault_after_commit.store(true, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keyed(key: &str, at: DateTime<Utc>) -> KeyedRequest {
        KeyedRequest {
            caller: "Desk 1".into(),
            key: key.into(),
            request: "POST /x #1".into(),
            at,
        }
    }

    fn add(store: &Store, req: KeyedRequest) -> Result<i64> {
        with_key(req, || {
            store.write_keyed(
                |id| *id,
                |tx| {
                    tx.execute(
                        "INSERT INTO meta (key, value) VALUES (hex(randomblob(8)), 'x')",
                        [],
                    )?;
                    Ok(tx.last_insert_rowid())
                },
            )
        })
    }

    #[test]
    fn a_key_is_recorded_with_its_change_once_and_forgotten_after_a_day() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("k.sqlite3")).unwrap();
        let t0: DateTime<Utc> = "2026-11-23T10:00:00Z".parse().unwrap();
        let id = add(&store, keyed("k1", t0)).unwrap();
        let rec = store.idempotency_key("Desk 1", "k1", t0).unwrap().unwrap();
        assert_eq!((rec.subject, rec.answer), (id, None));
        assert!(matches!(
            add(&store, keyed("k1", t0)),
            Err(StoreError::KeyUsed)
        ));
        assert_eq!(store.idempotency_key("Desk 2", "k1", t0).unwrap(), None);
        store
            .save_idempotent_answer("Desk 1", "k1", 201, "{}")
            .unwrap();
        let rec = store.idempotency_key("Desk 1", "k1", t0).unwrap().unwrap();
        assert_eq!(rec.answer, Some((201, "{}".to_owned())));
        // A day later the key is a new request, and the old record goes.
        let later = t0 + KEY_LIFETIME + Duration::seconds(1);
        assert_eq!(store.idempotency_key("Desk 1", "k1", later).unwrap(), None);
        assert!(add(&store, keyed("k1", later)).is_ok());
    }

    #[test]
    fn a_failed_change_keeps_no_key_and_the_key_never_outlives_its_thread_call() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("k.sqlite3")).unwrap();
        let t0: DateTime<Utc> = "2026-11-23T10:00:00Z".parse().unwrap();
        let failed: Result<i64> = with_key(keyed("k2", t0), || {
            store.write_keyed(|id| *id, |_| Err(StoreError::BadRow("no".into())))
        });
        assert!(failed.is_err());
        assert_eq!(store.idempotency_key("Desk 1", "k2", t0).unwrap(), None);
        // Outside `with_key` a keyed write records nothing.
        store.write_keyed(|_: &()| 0, |_| Ok(())).unwrap();
        assert_eq!(store.idempotency_key("Desk 1", "k2", t0).unwrap(), None);
    }
}
