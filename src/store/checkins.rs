//! Recording a check-in: the visit, its ticket and its footfall in one transaction.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::registers::{self, Added};
use super::rows::{TICKET_COLUMNS, day_key, ms, needs_text, ticket_from_row};
use super::{Result, Store, footfall};
use crate::domain::footfall::{check_in_counts, ticket_counts};
use crate::domain::timetable::Session;
use crate::domain::{CheckIn, NeedId, Ticket};

/// The ticket a check-in should get.
#[derive(Clone, Debug)]
pub struct NewTicket {
    /// The queue it joins (first drop-in need chosen).
    pub need: NeedId,
    /// Every need chosen, for the advisor.
    pub needs: Vec<NeedId>,
    pub priority: bool,
    /// The visitor asked for an interpreter.
    pub interpreter: bool,
    /// Site-local day its number belongs to.
    pub day: NaiveDate,
    pub prefix: char,
}

/// What was saved.
#[derive(Clone, Debug)]
pub struct Receipt {
    pub check_in_id: i64,
    pub ticket: Option<Ticket>,
    /// Whether the visitor was put on a session's register (when they came for one).
    pub attendance: Option<Added>,
}

/// Adds the ticket a check-in gets, counted in the hour it joined.
fn insert_ticket(tx: &Connection, c: &CheckIn, check_in: i64, t: NewTicket) -> Result<Ticket> {
    let day = day_key(t.day);
    let prefix = t.prefix.to_string();
    let number: i64 = tx.query_row(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM ticket WHERE day = ?1 AND prefix = ?2",
        params![day, prefix],
        |r| r.get(0),
    )?;
    tx.execute(
        "INSERT INTO ticket (checkin_id, day, prefix, number, need, needs, member_id, priority,
                             state, created_ms, created_mono, boot_id, clock_synced,
                             language, interpreter)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'waiting', ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            check_in,
            day,
            prefix,
            number,
            t.need.as_str(),
            needs_text(&t.needs),
            c.visitor.member().map(|m| m.as_str()),
            t.priority,
            ms(c.at.utc),
            c.at.monotonic_ms,
            c.at.boot_id,
            c.at.clock_synced,
            c.language.as_str(),
            t.interpreter,
        ],
    )?;
    let ticket = tx.query_row(
        &format!("SELECT {TICKET_COLUMNS} FROM ticket WHERE id = ?1"),
        [tx.last_insert_rowid()],
        ticket_from_row,
    )?;
    let (hour, counts) = ticket_counts(&ticket);
    footfall::apply(tx, hour, &counts, 1, c.at.utc)?;
    Ok(ticket)
}

/// The session a check-in is for, and the site-local day it is on.
pub type AtSession<'a> = (&'a Session, NaiveDate);

impl Store {
    /// Saves a check-in, with its ticket if it gets one, and counts it — all or nothing.
    /// When this returns Ok the check-in is on disk.
    pub fn record_check_in(&self, c: &CheckIn, ticket: Option<NewTicket>) -> Result<Receipt> {
        self.record_visit(c, ticket, None)
    }

    /// The same, with the visitor put on a session's register in the same transaction.
    pub fn record_visit(
        &self,
        c: &CheckIn,
        ticket: Option<NewTicket>,
        session: Option<AtSession<'_>>,
    ) -> Result<Receipt> {
        self.write_keyed(|r: &Receipt| r.check_in_id, |tx| {
            tx.execute(
                "INSERT INTO checkin (at_ms, mono_ms, boot_id, clock_synced, member_id, language, source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    ms(c.at.utc),
                    c.at.monotonic_ms,
                    c.at.boot_id,
                    c.at.clock_synced,
                    c.visitor.member().map(|m| m.as_str()),
                    c.language.as_str(),
                    c.source.as_str(),
                ],
            )?;
            let id = tx.last_insert_rowid();
            for need in &c.needs {
                tx.execute("INSERT INTO checkin_need (checkin_id, need) VALUES (?1, ?2)", params![id, need.as_str()])?;
            }
            let (hour, counts) = check_in_counts(c);
            footfall::apply(tx, hour, &counts, 1, c.at.utc)?;
            let ticket = ticket.map(|t| insert_ticket(tx, c, id, t)).transpose()?;
            let attendance = session
                .map(|(s, day)| registers::record(tx, s, day, c.visitor.member(), Some(id), None, c.at.utc))
                .transpose()?;
            Ok(Receipt { check_in_id: id, ticket, attendance })
        })
    }

    /// Whether a check-in with this id is saved.
    pub fn has_check_in(&self, id: i64) -> Result<bool> {
        Ok(self
            .conn()?
            .query_row("SELECT 1 FROM checkin WHERE id = ?1", [id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Number of saved check-ins.
    pub fn check_in_count(&self) -> Result<i64> {
        Ok(self
            .conn()?
            .query_row("SELECT COUNT(*) FROM checkin", [], |r| r.get(0))?)
    }

    /// The last check-in of `member` at or after `since_ms` (repeat-scan limit), if any.
    pub fn last_member_check_in_ms(
        &self,
        member: &str,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<i64>> {
        Ok(self
            .conn()?
            .query_row(
                "SELECT MAX(at_ms) FROM checkin WHERE member_id = ?1 AND at_ms >= ?2",
                params![member, ms(since)],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }
}
