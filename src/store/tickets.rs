//! The drop-in queue as stored: reading tickets and moving them, each move with its footfall.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::rows::{TICKET_COLUMNS, day_key, ms, needs_text, ticket_from_row};
use super::{Result, Store, footfall};
use crate::domain::estimate::median;
use crate::domain::footfall::ticket_counts;
use crate::domain::{
    Action, CallPolicy, NeedId, QueueError, Remit, Ticket, TicketNumber, TicketState,
};

fn load(conn: &Connection, id: i64) -> Result<Option<Ticket>> {
    Ok(conn
        .query_row(
            &format!("SELECT {TICKET_COLUMNS} FROM ticket WHERE id = ?1"),
            [id],
            ticket_from_row,
        )
        .optional()?)
}

fn query(conn: &Connection, filter: &str, args: impl rusqlite::Params) -> Result<Vec<Ticket>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {TICKET_COLUMNS} FROM ticket WHERE {filter}"
    ))?;
    let rows = stmt
        .query_map(args, ticket_from_row)?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Writes `after` over `before` and moves its footfall contribution, inside the caller's transaction.
fn save(conn: &Connection, before: &Ticket, after: &Ticket, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE ticket SET need = ?2, needs = ?3, state = ?4, called_ms = ?5, called_by = ?6,
                           calls = ?7, finished_ms = ?8, priority = ?9
         WHERE id = ?1",
        params![
            after.id,
            after.need.as_str(),
            needs_text(&after.needs),
            after.state.as_str(),
            after.called.map(ms),
            after.called_by,
            after.calls,
            after.finished.map(ms),
            after.priority,
        ],
    )?;
    let (old_hour, old) = ticket_counts(before);
    let (new_hour, new) = ticket_counts(after);
    if old_hour != new_hour || old != new {
        footfall::apply(conn, old_hour, &old, -1, now)?;
        footfall::apply(conn, new_hour, &new, 1, now)?;
    }
    Ok(())
}

fn act_in(conn: &Connection, id: i64, action: &Action, now: DateTime<Utc>) -> Result<Ticket> {
    let before = load(conn, id)?.ok_or_else(|| QueueError::UnknownTicket(format!("#{id}")))?;
    let after = before.apply(action, now).map_err(QueueError::from)?;
    save(conn, &before, &after, now)?;
    Ok(after)
}

impl Store {
    pub fn ticket(&self, id: i64) -> Result<Option<Ticket>> {
        load(&*self.conn()?, id)
    }

    pub fn ticket_by_number(&self, day: NaiveDate, number: TicketNumber) -> Result<Option<Ticket>> {
        Ok(query(
            &*self.conn()?,
            "day = ?1 AND prefix = ?2 AND number = ?3",
            params![day_key(day), number.prefix.to_string(), number.number],
        )?
        .pop())
    }

    /// Every ticket of a day, in number order.
    pub fn tickets_of_day(&self, day: NaiveDate) -> Result<Vec<Ticket>> {
        query(&*self.conn()?, "day = ?1 ORDER BY number", [day_key(day)])
    }

    /// Waiting and called tickets of any day, oldest first.
    pub fn open_tickets(&self) -> Result<Vec<Ticket>> {
        query(
            &*self.conn()?,
            "state IN ('waiting', 'called') ORDER BY created_ms, number",
            [],
        )
    }

    /// The most recently called tickets (any state since), newest first.
    pub fn recent_calls(&self, day: NaiveDate, limit: u32) -> Result<Vec<Ticket>> {
        query(
            &*self.conn()?,
            "day = ?1 AND called_ms IS NOT NULL ORDER BY called_ms DESC LIMIT ?2",
            params![day_key(day), limit],
        )
    }

    /// Applies `action` to ticket `id`. Two advisors acting at once are serialised: the second
    /// sees the ticket as the first left it (e.g. "already called by Desk 1").
    pub fn act(&self, id: i64, action: &Action, now: DateTime<Utc>) -> Result<Ticket> {
        self.write_keyed(|t: &Ticket| t.id, |tx| act_in(tx, id, action, now))
    }

    /// The ticket a check-in got, if any.
    pub fn ticket_of_check_in(&self, check_in: i64) -> Result<Option<Ticket>> {
        Ok(query(&*self.conn()?, "checkin_id = ?1", [check_in])?.pop())
    }

    /// Calls whoever `policy` puts first among the waiting tickets within `remit`.
    pub fn call_next(
        &self,
        desk: &str,
        remit: &Remit,
        policy: &CallPolicy,
        now: DateTime<Utc>,
    ) -> Result<Ticket> {
        self.write_keyed(
            |t: &Ticket| t.id,
            |tx| {
                let open = query(tx, "state = 'waiting'", [])?;
                let next = remit.next(policy, &open, now)?.id;
                act_in(tx, next, &Action::Call { desk: desk.into() }, now)
            },
        )
    }

    /// Closes each of `ids` that is still waiting (the clock at closing); called tickets and
    /// tickets staff resolved meanwhile are left alone. Returns the tickets closed.
    pub fn close_waiting(&self, ids: &[i64], now: DateTime<Utc>) -> Result<Vec<Ticket>> {
        self.write(|tx| {
            let mut closed = Vec::new();
            for id in ids {
                if load(tx, *id)?.is_some_and(|t| t.state == TicketState::Waiting) {
                    closed.push(act_in(tx, *id, &Action::Close, now)?);
                }
            }
            Ok(closed)
        })
    }

    /// Median service time (called → seen, seconds) of the last `samples` seen tickets per need
    /// finished since `since`.
    pub fn service_medians(
        &self,
        samples: u32,
        since: DateTime<Utc>,
    ) -> Result<BTreeMap<NeedId, i64>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(
            "SELECT need, finished_ms - called_ms FROM ticket
             WHERE state = 'seen' AND finished_ms >= ?1 AND called_ms IS NOT NULL
             ORDER BY finished_ms DESC",
        )?;
        let mut by_need: BTreeMap<NeedId, Vec<i64>> = BTreeMap::new();
        for row in stmt.query_map([ms(since)], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })? {
            let (need, service_ms) = row?;
            let Ok(need) = NeedId::new(&need) else {
                continue;
            };
            let list = by_need.entry(need).or_default();
            if list.len() < samples as usize {
                list.push(service_ms / 1000);
            }
        }
        Ok(by_need
            .into_iter()
            .filter_map(|(need, mut s)| median(&mut s).map(|m| (need, m)))
            .collect())
    }
}
