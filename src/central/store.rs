//! The central service's SQLite database (its own file, not a kiosk's): one row per
//! (site, kiosk, hour) holding that hour's absolute totals, replaced by each newer revision, and
//! when each kiosk was last heard from. The only place the central service's SQL lives.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rusqlite::{Connection, TransactionBehavior, params};

use crate::domain::footfall::{daily_between, utc_window};
use crate::domain::{Counts, DayTotals};
use crate::store::{Result, StoreError, open_database};
use crate::sync::wire::Bucket;

/// Migration `i` brings the schema from version `i` to `i + 1`. Never edit a released one.
const MIGRATIONS: &[&str] = &[
    r#"
    CREATE TABLE bucket (
        site               TEXT    NOT NULL,
        kiosk              TEXT    NOT NULL,
        hour               INTEGER NOT NULL,   -- Unix seconds of the UTC hour's start
        database           TEXT    NOT NULL,   -- the kiosk database's random id
        revision           INTEGER NOT NULL,
        door_in            INTEGER NOT NULL,
        door_out           INTEGER NOT NULL,
        checkins_anonymous INTEGER NOT NULL,
        checkins_member    INTEGER NOT NULL,
        dropins_joined     INTEGER NOT NULL,
        dropins_seen       INTEGER NOT NULL,
        dropins_no_show    INTEGER NOT NULL,
        needs              TEXT    NOT NULL,   -- JSON: need id -> count
        waits              TEXT    NOT NULL,   -- JSON: whole minutes -> count
        received_ms        INTEGER NOT NULL,
        PRIMARY KEY (site, kiosk, hour)
    ) WITHOUT ROWID;
    CREATE INDEX bucket_site_hour ON bucket (site, hour);

    CREATE TABLE kiosk_contact (
        site           TEXT    NOT NULL,
        kiosk          TEXT    NOT NULL,
        last_ms        INTEGER NOT NULL,       -- last accepted request, even an empty one
        last_data_ms   INTEGER,                -- last request that carried buckets
        PRIMARY KEY (site, kiosk)
    ) WITHOUT ROWID;
    "#,
    // 2: the software version each kiosk last reported.
    "ALTER TABLE kiosk_contact ADD COLUMN software TEXT",
];

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

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::BadRow(e.to_string())
}

impl CentralStore {
    pub fn open(path: &Path) -> Result<CentralStore> {
        Ok(CentralStore {
            conn: Mutex::new(open_database(path, MIGRATIONS)?),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stores `buckets` of one kiosk in one transaction. A bucket replaces the stored one unless
    /// that came from the same kiosk database with a higher revision (a delayed request).
    pub fn upsert(
        &self,
        site: &str,
        kiosk: &str,
        database: &str,
        buckets: &[Bucket],
        now: DateTime<Utc>,
    ) -> Result<Upserted> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut done = Upserted::default();
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO bucket (site, kiosk, hour, database, revision, door_in, door_out,
                    checkins_anonymous, checkins_member, dropins_joined, dropins_seen,
                    dropins_no_show, needs, waits, received_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
                 ON CONFLICT (site, kiosk, hour) DO UPDATE SET
                    database = excluded.database, revision = excluded.revision,
                    door_in = excluded.door_in, door_out = excluded.door_out,
                    checkins_anonymous = excluded.checkins_anonymous,
                    checkins_member = excluded.checkins_member,
                    dropins_joined = excluded.dropins_joined,
                    dropins_seen = excluded.dropins_seen,
                    dropins_no_show = excluded.dropins_no_show,
                    needs = excluded.needs, waits = excluded.waits,
                    received_ms = excluded.received_ms
                 WHERE bucket.database <> excluded.database
                    OR bucket.revision <= excluded.revision",
            )?;
            for b in buckets {
                let c = &b.counts;
                let changed = stmt.execute(params![
                    site,
                    kiosk,
                    b.hour.timestamp(),
                    database,
                    b.revision,
                    c.door_in,
                    c.door_out,
                    c.checkins_anonymous,
                    c.checkins_member,
                    c.dropins_joined,
                    c.dropins_seen,
                    c.dropins_no_show,
                    serde_json::to_string(&c.needs).map_err(json_err)?,
                    serde_json::to_string(&c.waits).map_err(json_err)?,
                    now.timestamp_millis(),
                ])?;
                if changed == 1 {
                    done.stored += 1;
                } else {
                    done.stale += 1;
                }
            }
        }
        tx.execute(
            "INSERT INTO kiosk_contact (site, kiosk, last_ms, last_data_ms) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (site, kiosk) DO UPDATE SET last_ms = excluded.last_ms,
                last_data_ms = COALESCE(excluded.last_data_ms, kiosk_contact.last_data_ms)",
            params![
                site,
                kiosk,
                now.timestamp_millis(),
                (!buckets.is_empty()).then(|| now.timestamp_millis())
            ],
        )?;
        tx.commit()?;
        Ok(done)
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
        let mut stmt = conn.prepare_cached(
            "SELECT hour, door_in, door_out, checkins_anonymous, checkins_member, dropins_joined,
                    dropins_seen, dropins_no_show, needs, waits
             FROM bucket WHERE site = ?1 AND (?2 IS NULL OR kiosk = ?2) AND hour >= ?3 AND hour < ?4
             ORDER BY hour",
        )?;
        let mut rows = stmt.query(params![site, kiosk, from.timestamp(), to.timestamp()])?;
        let mut out: Vec<(DateTime<Utc>, Counts)> = Vec::new();
        while let Some(r) = rows.next()? {
            let hour = from_secs(r.get(0)?);
            let c = Counts {
                door_in: r.get(1)?,
                door_out: r.get(2)?,
                checkins_anonymous: r.get(3)?,
                checkins_member: r.get(4)?,
                dropins_joined: r.get(5)?,
                dropins_seen: r.get(6)?,
                dropins_no_show: r.get(7)?,
                needs: serde_json::from_str(&r.get::<_, String>(8)?).map_err(json_err)?,
                waits: serde_json::from_str(&r.get::<_, String>(9)?).map_err(json_err)?,
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

    /// Records the software version a kiosk reported with an accepted upload.
    pub fn note_software(&self, site: &str, kiosk: &str, software: &str) -> Result<()> {
        self.conn().execute(
            "UPDATE kiosk_contact SET software = ?3 WHERE site = ?1 AND kiosk = ?2",
            params![site, kiosk, software],
        )?;
        Ok(())
    }

    /// Number of stored buckets, for `/metrics`; also proves the database answers.
    pub fn bucket_count(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT COUNT(*) FROM bucket", [], |r| r.get(0))?)
    }
}
