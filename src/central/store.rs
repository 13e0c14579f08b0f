//! The central service's SQLite database (its own file, not a kiosk's): one row per
//! (site, kiosk, hour) holding that hour's absolute totals, replaced by each newer revision; each
//! kiosk database's id, stored once and numbered in the order this service first heard of it;
//! and when each kiosk was last heard from. With `schema`, the only place the central service's
//! SQL lives. It shares with the kiosk's store only how a SQLite file is opened (`crate::sqlite`).

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rusqlite::{
    Connection, ErrorCode, OptionalExtension, Transaction, TransactionBehavior, params,
};

use crate::domain::footfall::{daily_between, utc_window};
use crate::domain::{Counts, DayTotals};
use crate::sqlite::{HOUR_TOTALS, OpenError, hour_totals};
use crate::sync::wire::Bucket;

mod row;
pub use row::{PUT_BUCKET, Row, put_bucket, put_row};

/// Why the central database could not do something.
#[derive(Debug, thiserror::Error)]
pub enum CentralStoreError {
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error("the central server's disk is full, so this was not stored: free some space there")]
    DiskFull,
    #[error(
        "the central database cannot be written (read-only file or file system): check its directory's permissions and that its disk is mounted read-write"
    )]
    ReadOnly,
    #[error("central database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("a stored value is not valid: {0}")]
    BadRow(String),
}

impl From<rusqlite::Error> for CentralStoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => CentralStoreError::DiskFull,
            Some(ErrorCode::ReadOnly) => CentralStoreError::ReadOnly,
            _ => CentralStoreError::Sqlite(e),
        }
    }
}

pub type Result<T, E = CentralStoreError> = std::result::Result<T, E>;

/// When a kiosk was last heard from.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Contact {
    pub site: String,
    pub kiosk: String,
    pub last: DateTime<Utc>,
    pub last_data: Option<DateTime<Utc>>,
    /// The software version the kiosk last reported (older kiosks send none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software: Option<String>,
}

/// What an upsert did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Upserted {
    pub stored: usize,
    pub stale: usize,
}

/// The answer to an upsert.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Upsert {
    /// The buckets were taken (newer than what was held) or ignored as stale.
    Done(Upserted),
    /// The upload came from a kiosk database older than one heard from since (`current_since`):
    /// nothing was stored.
    Superseded { current_since: DateTime<Utc> },
}

/// What [`CentralStore::upsert_fed`] is handed next.
#[derive(Clone, Debug)]
pub enum Feed {
    /// The next rows, in the order of the upload.
    Rows(Vec<Row>),
    /// Every bucket was handed over and the upload is valid: commit, noting the software
    /// version the kiosk reported.
    End { software: Option<String> },
    /// The upload cannot be taken: store nothing of it.
    Abort,
}

/// The central database.
pub struct CentralStore {
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for CentralStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CentralStore")
    }
}

fn from_secs(s: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(s, 0).unwrap_or_default()
}

fn from_ms(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

fn json_err(e: serde_json::Error) -> CentralStoreError {
    CentralStoreError::BadRow(e.to_string())
}

/// The number of `uuid` among the kiosk's databases (added if new), and the newest number.
fn database_ids(
    tx: &Transaction<'_>,
    site: &str,
    kiosk: &str,
    uuid: &str,
    now_ms: i64,
) -> Result<(i64, i64)> {
    let known: Option<i64> = tx
        .prepare_cached(
            "SELECT id FROM kiosk_database WHERE site = ?1 AND kiosk = ?2 AND uuid = ?3",
        )?
        .query_row(params![site, kiosk, uuid], |r| r.get(0))
        .optional()?;
    let id = match known {
        Some(id) => id,
        None => {
            tx.execute(
                "INSERT INTO kiosk_database (site, kiosk, uuid, first_ms) VALUES (?1, ?2, ?3, ?4)",
                params![site, kiosk, uuid, now_ms],
            )?;
            tx.last_insert_rowid()
        }
    };
    let newest: i64 = tx
        .prepare_cached("SELECT MAX(id) FROM kiosk_database WHERE site = ?1 AND kiosk = ?2")?
        .query_row(params![site, kiosk], |r| r.get(0))?;
    Ok((id, newest))
}

impl CentralStore {
    pub fn open(path: &Path) -> Result<CentralStore> {
        Ok(CentralStore {
            conn: Mutex::new(crate::sqlite::open(path, super::schema::MIGRATIONS)?),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stores `buckets` of one kiosk database in one transaction. A bucket replaces the stored
    /// one unless that came from the same database with a higher revision (a delayed request).
    /// An upload from a database older than the newest one heard from for this kiosk (a late
    /// request from a replaced database) stores nothing.
    pub fn upsert(
        &self,
        site: &str,
        kiosk: &str,
        database: &str,
        buckets: &[Bucket],
        now: DateTime<Utc>,
    ) -> Result<Upsert> {
        self.upsert_from(site, kiosk, database, buckets, None, now)
    }

    /// [`upsert`](Self::upsert), also noting the software version the kiosk reported, in the
    /// same transaction (one commit, one fsync).
    pub fn upsert_from(
        &self,
        site: &str,
        kiosk: &str,
        database: &str,
        buckets: &[Bucket],
        software: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Upsert> {
        let mut rows = Some(buckets.iter().map(Row::of).collect::<Result<Vec<_>>>()?);
        let done = self.upsert_fed(site, kiosk, database, now, |_| match rows.take() {
            Some(rows) => Feed::Rows(rows),
            None => Feed::End {
                software: software.map(str::to_owned),
            },
        })?;
        Ok(done.unwrap_or(Upsert::Done(Upserted::default())))
    }

    /// [`upsert_from`](Self::upsert_from) with the buckets handed over a few rows at a time
    /// by `next` as they are read, so reading the rest of an upload and writing the first of
    /// it can go on at once (`super::stream`). `next` is given back the rows it handed over
    /// last (written), to free where it likes. `Feed::End` commits; `Feed::Abort` rolls every
    /// row back and gives `None`. From a superseded database nothing is written whatever
    /// `next` gives, and the answer says so at its end.
    pub fn upsert_fed(
        &self,
        site: &str,
        kiosk: &str,
        database: &str,
        now: DateTime<Utc>,
        mut next: impl FnMut(Vec<Row>) -> Feed,
    ) -> Result<Option<Upsert>> {
        let now_ms = now.timestamp_millis();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (id, newest) = database_ids(&tx, site, kiosk, database, now_ms)?;
        if id < newest {
            let first_ms: i64 = tx.query_row(
                "SELECT first_ms FROM kiosk_database WHERE id = ?1",
                [newest],
                |r| r.get(0),
            )?;
            // Rolled back: not even this database's id stays.
            let mut spent = Vec::new();
            return Ok(loop {
                match next(spent) {
                    Feed::Rows(rows) => spent = rows,
                    Feed::End { .. } => {
                        break Some(Upsert::Superseded {
                            current_since: from_ms(first_ms),
                        });
                    }
                    Feed::Abort => break None,
                }
            });
        }
        let mut done = Upserted::default();
        let mut stmt = tx.prepare_cached(PUT_BUCKET)?;
        let mut spent = Vec::new();
        let (software, any) = loop {
            match next(spent) {
                Feed::Rows(rows) => {
                    for r in &rows {
                        if put_row(&mut stmt, (site, kiosk, id), r, now_ms)? {
                            done.stored += 1;
                        } else {
                            done.stale += 1;
                        }
                    }
                    spent = rows;
                }
                Feed::End { software } => break (software, done.stored + done.stale > 0),
                Feed::Abort => return Ok(None),
            }
        };
        drop(stmt);
        tx.prepare_cached(
            "INSERT INTO kiosk_contact (site, kiosk, last_ms, last_data_ms, software)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (site, kiosk) DO UPDATE SET last_ms = excluded.last_ms,
                last_data_ms = COALESCE(excluded.last_data_ms, kiosk_contact.last_data_ms),
                software = COALESCE(excluded.software, kiosk_contact.software)",
        )?
        .execute(params![
            site,
            kiosk,
            now_ms,
            any.then_some(now_ms),
            software
        ])?;
        tx.commit()?;
        Ok(Some(Upsert::Done(done)))
    }

    /// Hourly totals of a site (every kiosk added up, or one kiosk) for hours in `[from, to)`.
    pub fn hours(
        &self,
        site: &str,
        kiosk: Option<&str>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(DateTime<Utc>, Counts)>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT hour, needs, waits, courses, {HOUR_TOTALS}
             FROM bucket WHERE site = ?1 AND (?2 IS NULL OR kiosk = ?2) AND hour >= ?3 AND hour < ?4
             ORDER BY hour"
        ))?;
        let mut rows = stmt.query(params![site, kiosk, from.timestamp(), to.timestamp()])?;
        let mut out: Vec<(DateTime<Utc>, Counts)> = Vec::new();
        while let Some(r) = rows.next()? {
            let hour = from_secs(r.get(0)?);
            let json = |i: usize| -> Result<String> { Ok(r.get::<_, String>(i)?) };
            let c = Counts {
                needs: serde_json::from_str(&json(1)?).map_err(json_err)?,
                waits: serde_json::from_str(&json(2)?).map_err(json_err)?,
                courses: serde_json::from_str(&json(3)?).map_err(json_err)?,
                ..hour_totals(r, 4)?
            };
            match out.last_mut() {
                Some((h, total)) if *h == hour => total.add(&c, 1),
                _ => out.push((hour, c)),
            }
        }
        Ok(out.into_iter().filter(|(_, c)| !c.is_zero()).collect())
    }

    /// Site-local daily totals of a site for `from..=to`, omitting days with nothing counted.
    pub fn daily<Tz: TimeZone>(
        &self,
        site: &str,
        from: NaiveDate,
        to: NaiveDate,
        tz: &Tz,
    ) -> Result<Vec<DayTotals>> {
        let (start, end) = utc_window(from, to);
        let hours = self.hours(site, None, start, end)?;
        Ok(daily_between(&hours, tz, from, to))
    }

    /// Every kiosk that has sent anything, by site and kiosk.
    pub fn contacts(&self) -> Result<Vec<Contact>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT site, kiosk, last_ms, last_data_ms, software FROM kiosk_contact ORDER BY site, kiosk",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Contact {
                    site: r.get(0)?,
                    kiosk: r.get(1)?,
                    last: from_ms(r.get(2)?),
                    last_data: r.get::<_, Option<i64>>(3)?.map(from_ms),
                    software: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Number of stored buckets, for `/metrics`; also proves the database answers.
    pub fn bucket_count(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT COUNT(*) FROM bucket", [], |r| r.get(0))?)
    }

    /// Number of stored buckets of each site that has any.
    pub fn buckets_by_site(&self) -> Result<Vec<(String, i64)>> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare_cached("SELECT site, COUNT(*) FROM bucket GROUP BY site ORDER BY site")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}
