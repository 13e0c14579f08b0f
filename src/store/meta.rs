//! Small named values (sync state, last purge) and who is on duty.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::rows::{from_ms, ms};
use super::{Result, Store};

impl Store {
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn()?
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
            Ok(())
        })
    }

    /// Marks a staff member on duty or away.
    pub fn set_duty(&self, name: &str, on_duty: bool, now: DateTime<Utc>) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO duty (name, on_duty, since_ms) VALUES (?1, ?2, ?3)
                 ON CONFLICT (name) DO UPDATE SET on_duty = excluded.on_duty, since_ms = excluded.since_ms",
                params![name, on_duty, ms(now)],
            )?;
            Ok(())
        })
    }

    /// Everyone with a duty state: (name, on duty, since).
    pub fn duty(&self) -> Result<Vec<(String, bool, DateTime<Utc>)>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare("SELECT name, on_duty, since_ms FROM duty ORDER BY name")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, from_ms(r.get(2)?))))?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// Marks everyone away (at closing time).
    pub fn clear_duty(&self, now: DateTime<Utc>) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE duty SET on_duty = 0, since_ms = ?1 WHERE on_duty = 1",
                [ms(now)],
            )?;
            Ok(())
        })
    }
}
