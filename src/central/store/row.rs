//! One bucket as the values of its row in the central's `bucket` table, and the statement that
//! replaces it: the same for the service's store and for the ingest bench's raw baseline
//! (`benches/sync_backlog.rs`), which writes the same rows by the same statement.

use rusqlite::params;

use super::{Result, json_err};
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
#[derive(Clone, Debug)]
pub struct Row {
    hour: i64,
    revision: i64,
    counts: [i64; 10],
    needs: String,
    waits: String,
    courses: String,
}

impl Row {
    pub fn of(b: &Bucket) -> Result<Row> {
        let c = &b.counts;
        Ok(Row {
            hour: b.hour.timestamp(),
            revision: b.revision,
            counts: [
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
            ],
            needs: serde_json::to_string(&c.needs).map_err(json_err)?,
            waits: serde_json::to_string(&c.waits).map_err(json_err)?,
            courses: serde_json::to_string(&c.courses).map_err(json_err)?,
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
    let changed = stmt.execute(params![
        site, kiosk, r.hour, database, r.revision, door_in, door_out, anonymous, member, joined,
        seen, no_show, r.needs, r.waits, now_ms, closed, help, attendance, r.courses,
    ])?;
    Ok(changed == 1)
}
