//! One bucket as the values of its row in the central's `bucket` table, and the statement that
//! replaces it: the same for the service's store and for the ingest bench's raw baseline
//! (`benches/sync_backlog.rs`), which writes the same rows by the same statement.

use rusqlite::params;

use super::{CentralStoreError, Result, json_err};
use crate::domain::Counts;
use crate::sync::wire::Bucket;

/// Replaces a bucket unless a newer revision of the same database is held (see [`put_bucket`]).
/// Public, with `put_bucket`, for the ingest bench's raw baseline: the same rows by the same
/// statement on a bare table.
pub const PUT_BUCKET: &str =
    "INSERT INTO bucket (site, kiosk, hour, database_id, revision, door_in, door_out,
        checkins_anonymous, checkins_member, dropins_joined, dropins_seen,
        dropins_no_show, needs, waits, received_ms, dropins_closed, help_requests,
        attendance, courses)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
     ON CONFLICT (site, hour, kiosk) DO UPDATE SET
        database_id = excluded.database_id, revision = excluded.revision,
        door_in = excluded.door_in, door_out = excluded.door_out,
        checkins_anonymous = excluded.checkins_anonymous,
        checkins_member = excluded.checkins_member,
        dropins_joined = excluded.dropins_joined,
        dropins_seen = excluded.dropins_seen,
        dropins_no_show = excluded.dropins_no_show,
        dropins_closed = excluded.dropins_closed,
        help_requests = excluded.help_requests,
        needs = excluded.needs, waits = excluded.waits,
        received_ms = excluded.received_ms,
        attendance = excluded.attendance, courses = excluded.courses
     WHERE bucket.database_id < excluded.database_id
        OR bucket.revision <= excluded.revision";

/// A bucket as the values of its row: the counts in [`PUT_BUCKET`]'s order and its maps
/// written as JSON, so that the writing can be done on one thread and the reading on another.
/// The three maps share one string (one allocation a row, not three).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    hour: i64,
    revision: i64,
    counts: [i64; 10],
    /// Needs, waits and courses, one after the other.
    maps: String,
    /// Where the needs end and the waits end in `maps`.
    ends: [usize; 2],
}

impl Row {
    /// A row from its values: `counts` in [`PUT_BUCKET`]'s order (door in and out, anonymous
    /// and member check-ins, drop-ins joined, seen, no-show and closed, help requests,
    /// attendance) and the maps as the JSON [`Row::of`] writes.
    pub fn new(
        (hour, revision): (i64, i64),
        counts: [i64; 10],
        [needs, waits, courses]: [&str; 3],
    ) -> Row {
        let mut maps = String::with_capacity(needs.len() + waits.len() + courses.len());
        maps.push_str(needs);
        maps.push_str(waits);
        maps.push_str(courses);
        Row {
            hour,
            revision,
            counts,
            maps,
            ends: [needs.len(), needs.len() + waits.len()],
        }
    }

    /// The counts of `c` in [`PUT_BUCKET`]'s order, as a row holds them.
    pub fn counts_of(c: &Counts) -> [i64; 10] {
        [
            c.door_in,
            c.door_out,
            c.checkins_anonymous,
            c.checkins_member,
            c.dropins_joined,
            c.dropins_seen,
            c.dropins_no_show,
            c.dropins_closed,
            c.help_requests,
            c.attendance,
        ]
    }

    /// The needs, waits and courses as JSON.
    fn maps(&self) -> [&str; 3] {
        let [a, b] = self.ends;
        [&self.maps[..a], &self.maps[a..b], &self.maps[b..]]
    }

    pub fn of(b: &Bucket) -> Result<Row> {
        let c = &b.counts;
        let mut maps = Vec::with_capacity(64);
        serde_json::to_writer(&mut maps, &c.needs).map_err(json_err)?;
        let a = maps.len();
        serde_json::to_writer(&mut maps, &c.waits).map_err(json_err)?;
        let b_end = maps.len();
        serde_json::to_writer(&mut maps, &c.courses).map_err(json_err)?;
        Ok(Row {
            hour: b.hour.timestamp(),
            revision: b.revision,
            counts: Row::counts_of(c),
            maps: String::from_utf8(maps).map_err(|e| CentralStoreError::BadRow(e.to_string()))?,
            ends: [a, b_end],
        })
    }
}

/// Stores one bucket with `stmt` ([`PUT_BUCKET`], prepared once per upload) unless a newer
/// revision of the same database is held; whether it did.
pub fn put_bucket(
    stmt: &mut rusqlite::CachedStatement<'_>,
    key: (&str, &str, i64),
    b: &Bucket,
    now_ms: i64,
) -> Result<bool> {
    put_row(stmt, key, &Row::of(b)?, now_ms)
}

/// [`put_bucket`] of a bucket already made a [`Row`].
pub fn put_row(
    stmt: &mut rusqlite::CachedStatement<'_>,
    key: (&str, &str, i64),
    r: &Row,
    now_ms: i64,
) -> Result<bool> {
    let (site, kiosk, database) = key;
    let [
        door_in,
        door_out,
        anonymous,
        member,
        joined,
        seen,
        no_show,
        closed,
        help,
        attendance,
    ] = r.counts;
    let [needs, waits, courses] = r.maps();
    let changed = stmt.execute(params![
        site, kiosk, r.hour, database, r.revision, door_in, door_out, anonymous, member, joined,
        seen, no_show, needs, waits, now_ms, closed, help, attendance, courses,
    ])?;
    Ok(changed == 1)
}
