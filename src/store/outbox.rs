//! The sync outbox: hours whose totals the central service has not yet accepted.
//!
//! An hour enters (or its revision moves up) in the same transaction as any change to its totals.
//! After a successful send the entry is removed only if its revision is unchanged, so a change
//! made while the request was in flight is sent again.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::footfall::read_hour;
use super::rows::{from_hour_key, hour_key, ms};
use super::{Result, Store};
use crate::domain::Counts;

/// One hour to send: its absolute totals at `revision`.
#[derive(Clone, Debug, PartialEq)]
pub struct OutboxEntry {
    pub hour: DateTime<Utc>,
    pub revision: i64,
    pub counts: Counts,
}

/// An hour the central service refused as invalid.
#[derive(Clone, Debug, PartialEq)]
pub struct DeadLetter {
    pub hour: DateTime<Utc>,
    pub revision: i64,
    pub status: u16,
    pub reason: String,
    pub at: DateTime<Utc>,
}

impl Store {
    /// Up to `limit` hours waiting to be sent that have begun by `now`, oldest hour first. A
    /// later hour (attendance at a session this afternoon) waits until it begins: the central
    /// service refuses hours far ahead of its clock, and would keep refusing that one.
    pub fn outbox_batch(&self, limit: u32, now: DateTime<Utc>) -> Result<Vec<OutboxEntry>> {
        let conn = self.conn()?;
        let hours: Vec<i64> = conn
            .prepare("SELECT hour FROM sync_outbox WHERE hour <= ?2 ORDER BY hour LIMIT ?1")?
            .query_map(params![limit, hour_key(now)], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(hours.len());
        for h in hours {
            let (counts, revision) = read_hour(&conn, h)?.unwrap_or_default();
            out.push(OutboxEntry {
                hour: from_hour_key(h),
                revision,
                counts,
            });
        }
        Ok(out)
    }

    /// Marks hours as accepted; hours changed since they were read stay queued.
    pub fn outbox_ack(&self, sent: &[(DateTime<Utc>, i64)]) -> Result<usize> {
        self.write(|tx| {
            let mut done = 0;
            for (hour, revision) in sent {
                done += tx.execute(
                    "DELETE FROM sync_outbox WHERE hour = ?1 AND revision = ?2",
                    params![hour_key(*hour), revision],
                )?;
            }
            Ok(done)
        })
    }

    /// Moves hours the central service refused out of the outbox, keeping them for inspection.
    pub fn outbox_dead_letter(
        &self,
        refused: &[(DateTime<Utc>, i64)],
        status: u16,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|tx| {
            for (hour, revision) in refused {
                tx.execute(
                    "INSERT INTO sync_dead_letter (hour, revision, status, reason, at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![hour_key(*hour), revision, status, reason, ms(now)],
                )?;
                tx.execute(
                    "DELETE FROM sync_outbox WHERE hour = ?1 AND revision = ?2",
                    params![hour_key(*hour), revision],
                )?;
            }
            Ok(())
        })
    }

    pub fn dead_letters(&self) -> Result<Vec<DeadLetter>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(
            "SELECT hour, revision, status, reason, at_ms FROM sync_dead_letter ORDER BY id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(DeadLetter {
                    hour: from_hour_key(r.get(0)?),
                    revision: r.get(1)?,
                    status: r.get(2)?,
                    reason: r.get(3)?,
                    at: super::rows::from_ms(r.get(4)?),
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// How many hours the central service refused.
    pub fn dead_letter_count(&self) -> Result<i64> {
        Ok(self
            .conn()?
            .query_row("SELECT COUNT(*) FROM sync_dead_letter", [], |r| r.get(0))?)
    }

    /// Puts every refused hour back in the outbox (with its current totals) and empties the dead
    /// letters, once the cause is fixed. Returns how many hours were queued again.
    pub fn outbox_requeue_dead_letters(&self, now: DateTime<Utc>) -> Result<usize> {
        self.write(|tx| {
            let queued = tx.execute(
                "INSERT INTO sync_outbox (hour, revision, queued_ms)
                 SELECT f.hour, f.revision, ?1 FROM footfall_hour f
                 WHERE f.hour IN (SELECT hour FROM sync_dead_letter)
                 ON CONFLICT (hour) DO UPDATE SET revision = excluded.revision",
                [ms(now)],
            )?;
            tx.execute("DELETE FROM sync_dead_letter", [])?;
            Ok(queued)
        })
    }

    /// Hours waiting to be sent.
    pub fn outbox_depth(&self) -> Result<i64> {
        Ok(self
            .conn()?
            .query_row("SELECT COUNT(*) FROM sync_outbox", [], |r| r.get(0))?)
    }
}
