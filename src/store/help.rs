//! Help requests as stored: raising one counts it in its hour, escalating and acknowledging
//! record when (and by whom, for an acknowledgement), each in one transaction. Nothing about
//! who asked is stored.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::rows::{from_ms, ms};
use super::{Result, Store, StoreError, footfall};
use crate::domain::Stamp;
use crate::domain::footfall::help_counts;
use crate::domain::help::{Acknowledged, HelpError, HelpRequest};

const COLUMNS: &str = "id, raised_ms, escalated_ms, acknowledged_ms, acknowledged_by";

fn from_row(r: &Row<'_>) -> rusqlite::Result<HelpRequest> {
    let at: Option<i64> = r.get(3)?;
    let by: Option<String> = r.get(4)?;
    Ok(HelpRequest {
        id: r.get(0)?,
        raised: from_ms(r.get(1)?),
        escalated: r.get::<_, Option<i64>>(2)?.map(from_ms),
        acknowledged: at.zip(by).map(|(at, by)| Acknowledged {
            by,
            at: from_ms(at),
        }),
    })
}

fn load(conn: &Connection, id: i64) -> Result<Option<HelpRequest>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM help_request WHERE id = ?1"),
            [id],
            from_row,
        )
        .optional()?)
}

fn query(conn: &Connection, filter: &str, args: impl rusqlite::Params) -> Result<Vec<HelpRequest>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM help_request WHERE {filter}"
    ))?;
    let rows = stmt.query_map(args, from_row)?.collect::<Result<_, _>>()?;
    Ok(rows)
}

impl Store {
    /// Records a help request and counts it in its hour. Returns it and whether it is new:
    /// while one is still unacknowledged another tap joins it rather than raising a second.
    pub fn raise_help(&self, at: &Stamp) -> Result<(HelpRequest, bool)> {
        self.write(|tx| {
            if let Some(open) =
                query(tx, "acknowledged_ms IS NULL ORDER BY id DESC LIMIT 1", [])?.pop()
            {
                return Ok((open, false));
            }
            tx.execute(
                "INSERT INTO help_request (raised_ms, mono_ms, boot_id, clock_synced)
                 VALUES (?1, ?2, ?3, ?4)",
                params![ms(at.utc), at.monotonic_ms, at.boot_id, at.clock_synced],
            )?;
            let id = tx.last_insert_rowid();
            let (hour, counts) = help_counts(at.utc);
            footfall::apply(tx, hour, &counts, 1, at.utc)?;
            let raised = load(tx, id)?.ok_or(StoreError::BadRow("help request".into()))?;
            Ok((raised, true))
        })
    }

    /// Marks `id` acknowledged by `by` at `now`; refused if unknown or already acknowledged.
    pub fn acknowledge_help(&self, id: i64, by: &str, now: DateTime<Utc>) -> Result<HelpRequest> {
        self.write_keyed(
            |h: &HelpRequest| h.id,
            |tx| {
                let before = load(tx, id)?.ok_or(HelpError::Unknown(id))?;
                let after = before.acknowledge(by, now)?;
                tx.execute(
                    "UPDATE help_request SET acknowledged_ms = ?2, acknowledged_by = ?3 WHERE id = ?1",
                    params![id, ms(now), by],
                )?;
                Ok(after)
            },
        )
    }

    /// Marks every open request raised at or before `due` as escalated at `now` (once each);
    /// returns those it marked.
    pub fn escalate_help(
        &self,
        due: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<HelpRequest>> {
        self.write(|tx| {
            let due = query(
                tx,
                "acknowledged_ms IS NULL AND escalated_ms IS NULL AND raised_ms <= ?1 ORDER BY id",
                [ms(due)],
            )?;
            for h in &due {
                tx.execute(
                    "UPDATE help_request SET escalated_ms = ?2 WHERE id = ?1",
                    params![h.id, ms(now)],
                )?;
            }
            Ok(due
                .into_iter()
                .map(|h| HelpRequest {
                    escalated: Some(now),
                    ..h
                })
                .collect())
        })
    }

    pub fn help_request(&self, id: i64) -> Result<Option<HelpRequest>> {
        load(&*self.conn()?, id)
    }

    /// Requests nobody has acknowledged yet, oldest first.
    pub fn open_help(&self) -> Result<Vec<HelpRequest>> {
        query(&*self.conn()?, "acknowledged_ms IS NULL ORDER BY id", [])
    }

    /// Requests raised since `since`, newest first: the record of who acknowledged what.
    pub fn help_since(&self, since: DateTime<Utc>) -> Result<Vec<HelpRequest>> {
        query(
            &*self.conn()?,
            "raised_ms >= ?1 ORDER BY id DESC",
            [ms(since)],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_counted_once_joined_while_open_and_acknowledged_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("h.sqlite3")).unwrap();
        let t0: DateTime<Utc> = "2026-11-23T10:05:00Z".parse().unwrap();
        let (first, new) = store.raise_help(&Stamp::synced_at(t0)).unwrap();
        assert!(new);
        let (again, new) = store
            .raise_help(&Stamp::synced_at(t0 + chrono::Duration::seconds(5)))
            .unwrap();
        assert_eq!((again.id, new), (first.id, false));
        assert_eq!(store.footfall_total().unwrap().help_requests, 1);
        let later = t0 + chrono::Duration::seconds(90);
        assert_eq!(store.escalate_help(t0, later).unwrap().len(), 1);
        assert!(store.escalate_help(t0, later).unwrap().is_empty(), "once");
        let done = store.acknowledge_help(first.id, "Desk 1", later).unwrap();
        assert_eq!(done.acknowledged.unwrap().by, "Desk 1");
        assert!(matches!(
            store.acknowledge_help(first.id, "Desk 2", later),
            Err(StoreError::Help(HelpError::AlreadyAcknowledged { .. }))
        ));
        assert!(store.open_help().unwrap().is_empty());
        let (next, new) = store.raise_help(&Stamp::synced_at(later)).unwrap();
        assert!(new && next.id != first.id);
        assert_eq!(store.footfall_total().unwrap().help_requests, 2);
    }
}
