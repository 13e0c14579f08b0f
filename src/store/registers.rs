//! Recovery College registers: who came to each session. A student checked in at the kiosk
//! (with their member number, or anonymously) or added by a tutor is one row; each row counts
//! once in the hourly attendance of its course, in the hour the session starts, in the same
//! transaction. The session is kept as it was when its first student came, so its register —
//! and what removing a student takes away — stays the same when the timetable changes.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::rows::{day_key, from_ms, ms};
use super::{Result, Store, footfall};
use crate::domain::MemberId;
use crate::domain::footfall::attendance_counts;
use crate::domain::timetable::{Session, SessionId};

/// A session as its register keeps it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Kept {
    pub id: SessionId,
    pub title: String,
    pub room: Option<String>,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub capacity: Option<u32>,
}

/// One student on a register named by member number.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Member {
    pub member: MemberId,
    pub at: DateTime<Utc>,
    /// The staff login or token that added them; `None` when they checked in at the kiosk.
    pub added_by: Option<String>,
}

/// A session's register.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Register {
    pub members: Vec<Member>,
    /// Students without a member number.
    pub anonymous: i64,
}

impl Register {
    pub fn total(&self) -> i64 {
        self.members.len() as i64 + self.anonymous
    }
}

/// What adding a student did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Added {
    Added,
    /// That member is on this register already: nothing changed.
    AlreadyThere,
}

fn kept(conn: &Connection, id: &str) -> Result<Option<Kept>> {
    type Row = (String, String, Option<String>, i64, i64, Option<u32>);
    let row: Option<Row> = conn
        .query_row(
            "SELECT id, title, room, starts_ms, ends_ms, capacity FROM session WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .optional()?;
    Ok(row.and_then(|(id, title, room, starts, ends, capacity)| {
        Some(Kept {
            id: SessionId::parse(&id)?,
            title,
            room,
            starts: from_ms(starts),
            ends: from_ms(ends),
            capacity,
        })
    }))
}

/// Puts a student on `session`'s register (keeping the session first if it is new) and counts
/// them; `Added::AlreadyThere` when that member is on it already.
pub(super) fn record(
    tx: &Connection,
    session: &Session,
    day: NaiveDate,
    member: Option<&MemberId>,
    check_in: Option<i64>,
    by: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Added> {
    tx.execute(
        "INSERT INTO session (id, day, title, room, starts_ms, ends_ms, capacity)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO NOTHING",
        params![
            session.id.as_str(),
            day_key(day),
            session.title,
            session.room,
            ms(session.starts),
            ms(session.ends),
            session.capacity,
        ],
    )?;
    let inserted = tx.execute(
        "INSERT INTO attendance (session, member_id, checkin_id, added_by, at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
        params![
            session.id.as_str(),
            member.map(MemberId::as_str),
            check_in,
            by,
            ms(now)
        ],
    )?;
    if inserted == 0 {
        return Ok(Added::AlreadyThere);
    }
    let k = kept(tx, session.id.as_str())?
        .ok_or_else(|| super::StoreError::BadRow(format!("session {} was not kept", session.id)))?;
    let (hour, counts) = attendance_counts(k.starts, &k.title);
    footfall::apply(tx, hour, &counts, 1, now)?;
    Ok(Added::Added)
}

fn register(conn: &Connection, id: &str) -> Result<Register> {
    let mut stmt = conn.prepare_cached(
        "SELECT member_id, at_ms, added_by FROM attendance WHERE session = ?1 ORDER BY at_ms, id",
    )?;
    let mut out = Register::default();
    for row in stmt.query_map([id], |r| {
        Ok((
            r.get::<_, Option<String>>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })? {
        match row? {
            (Some(m), at, added_by) => {
                if let Ok(member) = MemberId::new(&m) {
                    out.members.push(Member {
                        member,
                        at: from_ms(at),
                        added_by,
                    });
                }
            }
            (None, _, _) => out.anonymous += 1,
        }
    }
    Ok(out)
}

impl Store {
    /// Adds a student a tutor names (or an anonymous one) to `session`'s register.
    pub fn add_attendee(
        &self,
        session: &Session,
        day: NaiveDate,
        member: Option<&MemberId>,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<Added> {
        self.write(|tx| record(tx, session, day, member, None, Some(by), now))
    }

    /// Takes a student off a register: that member, or (with `None`) the anonymous student
    /// added last. Whether one was there.
    pub fn remove_attendee(
        &self,
        id: &SessionId,
        member: Option<&MemberId>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        self.write(|tx| {
            let row: Option<i64> = tx
                .query_row(
                    "SELECT id FROM attendance WHERE session = ?1 AND member_id IS ?2
                     ORDER BY at_ms DESC, id DESC LIMIT 1",
                    params![id.as_str(), member.map(MemberId::as_str)],
                    |r| r.get(0),
                )
                .optional()?;
            let (Some(row), Some(k)) = (row, kept(tx, id.as_str())?) else {
                return Ok(false);
            };
            tx.execute("DELETE FROM attendance WHERE id = ?1", [row])?;
            let (hour, counts) = attendance_counts(k.starts, &k.title);
            footfall::apply(tx, hour, &counts, -1, now)?;
            Ok(true)
        })
    }

    /// A kept session and its register, if anyone came to it.
    pub fn register(&self, id: &SessionId) -> Result<Option<(Kept, Register)>> {
        let conn = self.conn()?;
        let Some(k) = kept(&conn, id.as_str())? else {
            return Ok(None);
        };
        Ok(Some((k, register(&conn, id.as_str())?)))
    }

    /// Every kept session of the site-local `day`, with its register.
    pub fn registers_on(&self, day: NaiveDate) -> Result<Vec<(Kept, Register)>> {
        let ids: Vec<String> = self
            .conn()?
            .prepare("SELECT id FROM session WHERE day = ?1 ORDER BY starts_ms, title")?
            .query_map([day_key(day)], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::new();
        for id in ids.iter().filter_map(|id| SessionId::parse(id)) {
            if let Some(r) = self.register(&id)? {
                out.push(r);
            }
        }
        Ok(out)
    }
}
