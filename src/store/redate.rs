//! Re-dating records made before the clock was synchronised.
//!
//! The Pi has no real-time clock: until NTP answers, the wall clock may be days out. Every record
//! keeps its monotonic reading and boot id, so once a synchronised reading of the same boot is
//! available each record's true time is `now − (now_mono − record_mono)`. Moving a record moves
//! its footfall contribution from the wrong hour to the right one, in one transaction.

use rusqlite::{Connection, params};

use super::rows::{TICKET_COLUMN_COUNT, TICKET_COLUMNS, from_ms, ms, ticket_from_row};
use super::{Result, Store, footfall};
use crate::domain::footfall::{Direction, door_counts, help_counts, ticket_counts};
use crate::domain::{Counts, Stamp};

/// How many records were moved.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Redated {
    pub check_ins: usize,
    pub tickets: usize,
    pub door_passes: usize,
    pub help_requests: usize,
}

fn true_time(now: &Stamp, mono: i64) -> chrono::DateTime<chrono::Utc> {
    now.utc - chrono::Duration::milliseconds(now.monotonic_ms - mono)
}

fn redate_check_ins(tx: &Connection, now: &Stamp) -> Result<usize> {
    let rows: Vec<(i64, i64, i64, bool)> = tx
        .prepare("SELECT id, at_ms, mono_ms, member_id IS NOT NULL FROM checkin WHERE boot_id = ?1 AND clock_synced = 0")?
        .query_map([&now.boot_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    for (id, at, mono, member) in &rows {
        let needs: Vec<String> = tx
            .prepare("SELECT need FROM checkin_need WHERE checkin_id = ?1")?
            .query_map([id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut counts = Counts::default();
        if *member {
            counts.checkins_member = 1;
        } else {
            counts.checkins_anonymous = 1;
        }
        for n in needs {
            if let Ok(id) = crate::domain::NeedId::new(&n) {
                counts.needs.insert(id, 1);
            }
        }
        let (old, new) = (from_ms(*at), true_time(now, *mono));
        footfall::apply(tx, crate::domain::hour_start(old), &counts, -1, now.utc)?;
        footfall::apply(tx, crate::domain::hour_start(new), &counts, 1, now.utc)?;
        tx.execute(
            "UPDATE checkin SET at_ms = ?2, clock_synced = 1 WHERE id = ?1",
            params![id, ms(new)],
        )?;
    }
    Ok(rows.len())
}

fn redate_tickets(tx: &Connection, now: &Stamp) -> Result<usize> {
    let mut stmt = tx.prepare(&format!(
        "SELECT {TICKET_COLUMNS}, created_mono FROM ticket WHERE boot_id = ?1 AND clock_synced = 0"
    ))?;
    let tickets: Vec<(crate::domain::Ticket, i64)> = stmt
        .query_map([&now.boot_id], |r| {
            Ok((ticket_from_row(r)?, r.get(TICKET_COLUMN_COUNT)?))
        })?
        .collect::<Result<_, _>>()?;
    for (before, mono) in &tickets {
        // The clock jumped once, so every time of this ticket was off by the same amount. The
        // hub re-dates before any other write once the clock syncs, so calls and finishes of an
        // unsynchronised ticket were recorded before the jump too.
        let shift = true_time(now, *mono) - before.created;
        let mut after = before.clone();
        after.created = before.created + shift;
        after.called = before.called.map(|t| t + shift);
        after.finished = before.finished.map(|t| t + shift);
        let (old_hour, old) = ticket_counts(before);
        let (new_hour, new) = ticket_counts(&after);
        footfall::apply(tx, old_hour, &old, -1, now.utc)?;
        footfall::apply(tx, new_hour, &new, 1, now.utc)?;
        tx.execute(
            "UPDATE ticket SET created_ms = ?2, called_ms = ?3, finished_ms = ?4, clock_synced = 1 WHERE id = ?1",
            params![after.id, ms(after.created), after.called.map(ms), after.finished.map(ms)],
        )?;
    }
    Ok(tickets.len())
}

fn redate_door(tx: &Connection, now: &Stamp) -> Result<usize> {
    let rows: Vec<(i64, i64, i64, String)> = tx
        .prepare("SELECT id, at_ms, mono_ms, direction FROM door_pass WHERE boot_id = ?1 AND clock_synced = 0")?
        .query_map([&now.boot_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    for (id, at, mono, dir) in &rows {
        let Some(dir) = Direction::parse(dir) else {
            continue;
        };
        let new = true_time(now, *mono);
        let (old_hour, counts) = door_counts(from_ms(*at), dir);
        let (new_hour, _) = door_counts(new, dir);
        footfall::apply(tx, old_hour, &counts, -1, now.utc)?;
        footfall::apply(tx, new_hour, &counts, 1, now.utc)?;
        tx.execute(
            "UPDATE door_pass SET at_ms = ?2, clock_synced = 1 WHERE id = ?1",
            params![id, ms(new)],
        )?;
    }
    Ok(rows.len())
}

fn redate_help(tx: &Connection, now: &Stamp) -> Result<usize> {
    let rows: Vec<(i64, i64, i64)> = tx
        .prepare("SELECT id, raised_ms, mono_ms FROM help_request WHERE boot_id = ?1 AND clock_synced = 0")?
        .query_map([&now.boot_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (id, at, mono) in &rows {
        let new = true_time(now, *mono);
        let shift = new - from_ms(*at);
        let (old_hour, counts) = help_counts(from_ms(*at));
        footfall::apply(tx, old_hour, &counts, -1, now.utc)?;
        footfall::apply(tx, help_counts(new).0, &counts, 1, now.utc)?;
        tx.execute(
            "UPDATE help_request SET raised_ms = ?2, clock_synced = 1,
                escalated_ms = escalated_ms + ?3, acknowledged_ms = acknowledged_ms + ?3
             WHERE id = ?1",
            params![id, ms(new), shift.num_milliseconds()],
        )?;
    }
    Ok(rows.len())
}

impl Store {
    /// Re-dates every unsynchronised record of `now`'s boot. `now` must be a synchronised reading.
    /// Records of earlier boots cannot be re-dated and keep their times.
    pub fn redate_unsynced(&self, now: &Stamp) -> Result<Redated> {
        if !now.clock_synced {
            return Ok(Redated::default());
        }
        self.write(|tx| {
            Ok(Redated {
                check_ins: redate_check_ins(tx, now)?,
                tickets: redate_tickets(tx, now)?,
                door_passes: redate_door(tx, now)?,
                help_requests: redate_help(tx, now)?,
            })
        })
    }

    /// How many records still wait for a synchronised clock (any boot).
    pub fn unsynced_records(&self) -> Result<i64> {
        Ok(self.conn()?.query_row(
            "SELECT (SELECT COUNT(*) FROM checkin WHERE clock_synced = 0)
                  + (SELECT COUNT(*) FROM ticket WHERE clock_synced = 0)
                  + (SELECT COUNT(*) FROM door_pass WHERE clock_synced = 0)
                  + (SELECT COUNT(*) FROM help_request WHERE clock_synced = 0)",
            [],
            |r| r.get(0),
        )?)
    }
}
