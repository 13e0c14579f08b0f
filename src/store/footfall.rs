//! Hourly footfall totals: adding a record's contribution, and reading hours and days back.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rusqlite::{Connection, params};

use super::rows::{from_hour_key, hour_key, ms};
use super::{Result, Store};
use crate::domain::footfall::{daily_between, utc_window};
use crate::domain::{Counts, DayTotals, NeedId};
use crate::sqlite::{HOUR_TOTALS, hour_totals};

/// Adds `counts × sign` to `hour`, bumps its revision and queues it for the central service.
pub(super) fn apply(
    conn: &Connection,
    hour: DateTime<Utc>,
    counts: &Counts,
    sign: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    if counts.is_zero() {
        return Ok(());
    }
    let h = hour_key(hour);
    conn.execute(
        "INSERT INTO footfall_hour (hour, door_in, door_out, checkins_anonymous, checkins_member,
                                    dropins_joined, dropins_seen, dropins_no_show,
                                    dropins_closed, help_requests, attendance, revision)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1)
         ON CONFLICT (hour) DO UPDATE SET
            door_in = door_in + excluded.door_in,
            door_out = door_out + excluded.door_out,
            checkins_anonymous = checkins_anonymous + excluded.checkins_anonymous,
            checkins_member = checkins_member + excluded.checkins_member,
            dropins_joined = dropins_joined + excluded.dropins_joined,
            dropins_seen = dropins_seen + excluded.dropins_seen,
            dropins_no_show = dropins_no_show + excluded.dropins_no_show,
            dropins_closed = dropins_closed + excluded.dropins_closed,
            help_requests = help_requests + excluded.help_requests,
            attendance = attendance + excluded.attendance,
            revision = revision + 1",
        params![
            h,
            sign * counts.door_in,
            sign * counts.door_out,
            sign * counts.checkins_anonymous,
            sign * counts.checkins_member,
            sign * counts.dropins_joined,
            sign * counts.dropins_seen,
            sign * counts.dropins_no_show,
            sign * counts.dropins_closed,
            sign * counts.help_requests,
            sign * counts.attendance,
        ],
    )?;
    let needs = counts.needs.iter().map(|(k, n)| (k.as_str(), *n));
    add_keyed(conn, "footfall_need", "need", h, needs, sign)?;
    let waits = counts.waits.iter().map(|(k, n)| (*k, *n));
    add_keyed(conn, "footfall_wait", "minutes", h, waits, sign)?;
    let courses = counts.courses.iter().map(|(k, n)| (k.as_str(), *n));
    add_keyed(conn, "footfall_course", "course", h, courses, sign)?;
    conn.execute(
        "INSERT INTO sync_outbox (hour, revision, queued_ms)
         SELECT hour, revision, ?2 FROM footfall_hour WHERE hour = ?1
         ON CONFLICT (hour) DO UPDATE SET revision = excluded.revision",
        params![h, ms(now)],
    )?;
    Ok(())
}

/// Adds `sign` × each count to hour `h` of a table counted by key (`footfall_need` by need,
/// `footfall_wait` by minutes, `footfall_course` by course), then drops the keys at zero.
/// `table` and `key` are this module's own names, never input.
fn add_keyed<K: rusqlite::ToSql>(
    conn: &Connection,
    table: &str,
    key: &str,
    h: i64,
    counts: impl Iterator<Item = (K, i64)>,
    sign: i64,
) -> Result<()> {
    let mut add = conn.prepare_cached(&format!(
        "INSERT INTO {table} (hour, {key}, count) VALUES (?1, ?2, ?3)
         ON CONFLICT (hour, {key}) DO UPDATE SET count = count + excluded.count"
    ))?;
    for (k, n) in counts {
        add.execute(params![h, k, sign * n])?;
    }
    conn.execute(
        &format!("DELETE FROM {table} WHERE hour = ?1 AND count = 0"),
        [h],
    )?;
    Ok(())
}

/// The totals of one hour, if anything was ever counted in it, with its revision.
pub(super) fn read_hour(conn: &Connection, hour: i64) -> Result<Option<(Counts, i64)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT revision, {HOUR_TOTALS} FROM footfall_hour WHERE hour = ?1"
    ))?;
    let mut rows = stmt.query([hour])?;
    let Some(r) = rows.next()? else {
        return Ok(None);
    };
    let revision: i64 = r.get(0)?;
    let mut c = hour_totals(r, 1)?;
    let mut needs = conn.prepare_cached("SELECT need, count FROM footfall_need WHERE hour = ?1")?;
    for row in needs.query_map([hour], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })? {
        let (need, n) = row?;
        if let Ok(id) = NeedId::new(&need) {
            c.needs.insert(id, n);
        }
    }
    let mut waits =
        conn.prepare_cached("SELECT minutes, count FROM footfall_wait WHERE hour = ?1")?;
    for row in waits.query_map([hour], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))? {
        let (m, n) = row?;
        c.waits.insert(m, n);
    }
    let mut courses =
        conn.prepare_cached("SELECT course, count FROM footfall_course WHERE hour = ?1")?;
    for row in courses.query_map([hour], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })? {
        let (course, n) = row?;
        c.courses.insert(course, n);
    }
    Ok(Some((c, revision)))
}

impl Store {
    /// Hourly totals for hours starting in `[from, to)`, in order, omitting empty hours.
    pub fn footfall_hours(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(DateTime<Utc>, Counts)>> {
        let conn = self.conn()?;
        let hours: Vec<i64> = conn
            .prepare("SELECT hour FROM footfall_hour WHERE hour >= ?1 AND hour < ?2 ORDER BY hour")?
            .query_map([from.timestamp(), to.timestamp()], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(hours.len());
        for h in hours {
            if let Some((counts, _)) = read_hour(&conn, h)?
                && !counts.is_zero()
            {
                out.push((from_hour_key(h), counts));
            }
        }
        Ok(out)
    }

    /// Site-local daily totals for `from..=to` in `tz`, omitting days with nothing counted.
    pub fn footfall_daily<Tz: TimeZone>(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        tz: &Tz,
    ) -> Result<Vec<DayTotals>> {
        let (start, end) = utc_window(from, to);
        let hours = self.footfall_hours(start, end)?;
        Ok(daily_between(&hours, tz, from, to))
    }

    /// Sum of every hour ever counted.
    pub fn footfall_total(&self) -> Result<Counts> {
        let mut total = Counts::default();
        for (_, c) in self.footfall_hours(DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC)? {
            total.add(&c, 1);
        }
        Ok(total)
    }
}
