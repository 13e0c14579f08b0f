//! Pauses of the drop-in queue as stored: who paused, why, when it ends by itself, and who
//! resumed it (nobody when it ended by itself at closing). At most one is current.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::rows::{from_ms, ms};
use super::{Result, Store};
use crate::domain::day::Pause;

const COLUMNS: &str = "id, since_ms, paused_by, reason, ends_ms";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Pause> {
    Ok(Pause {
        id: r.get(0)?,
        since: from_ms(r.get(1)?),
        by: r.get(2)?,
        reason: r.get(3)?,
        ends: r.get::<_, Option<i64>>(4)?.map(from_ms),
    })
}

fn current(conn: &Connection) -> Result<Option<Pause>> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {COLUMNS} FROM dropin_pause WHERE resumed_ms IS NULL ORDER BY id DESC LIMIT 1"
            ),
            [],
            from_row,
        )
        .optional()?)
}

impl Store {
    /// The pause in force, if any (one whose end has passed counts until `end_pauses` runs).
    pub fn pause(&self) -> Result<Option<Pause>> {
        current(&*self.conn()?)
    }

    /// Pause `id`, whether or not it is still in force.
    pub fn pause_by_id(&self, id: i64) -> Result<Option<Pause>> {
        Ok(self
            .conn()?
            .query_row(
                &format!("SELECT {COLUMNS} FROM dropin_pause WHERE id = ?1"),
                [id],
                from_row,
            )
            .optional()?)
    }

    /// Pauses drop-ins; a pause already in force is kept as it is (and returned).
    pub fn set_pause(
        &self,
        by: &str,
        reason: Option<&str>,
        ends: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<Pause> {
        self.write_keyed(
            |p: &Pause| p.id,
            |tx| {
                if let Some(p) = current(tx)? {
                    return Ok(p);
                }
                tx.execute(
                    "INSERT INTO dropin_pause (since_ms, paused_by, reason, ends_ms) VALUES (?1, ?2, ?3, ?4)",
                    params![ms(now), by, reason, ends.map(ms)],
                )?;
                Ok(current(tx)?.expect("just inserted"))
            },
        )
    }

    /// Ends the pause in force (`by` None: by itself); the pause it ended, if there was one.
    pub fn end_pause(&self, by: Option<&str>, now: DateTime<Utc>) -> Result<Option<Pause>> {
        self.write_keyed(
            |p: &Option<Pause>| p.as_ref().map_or(0, |p| p.id),
            |tx| {
                let Some(p) = current(tx)? else {
                    return Ok(None);
                };
                tx.execute(
                    "UPDATE dropin_pause SET resumed_ms = ?2, resumed_by = ?3 WHERE id = ?1",
                    params![p.id, ms(now), by],
                )?;
                Ok(Some(p))
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pause_at_a_time_resumed_by_someone_or_by_itself() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("p.sqlite3")).unwrap();
        let t0: DateTime<Utc> = "2026-11-23T11:00:00Z".parse().unwrap();
        let ends = Some(t0 + chrono::Duration::hours(5));
        let p = store
            .set_pause("Desk 1", Some("room full"), ends, t0)
            .unwrap();
        assert_eq!(store.pause().unwrap(), Some(p.clone()));
        let again = store.set_pause("Desk 2", None, ends, t0).unwrap();
        assert_eq!(again, p, "a pause in force is kept");
        assert_eq!(store.end_pause(Some("Desk 2"), t0).unwrap(), Some(p));
        assert_eq!(store.pause().unwrap(), None);
        assert_eq!(store.end_pause(None, t0).unwrap(), None);
    }
}
