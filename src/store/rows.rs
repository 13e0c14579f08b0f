//! Converting between stored columns and domain values.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Row;

use super::error::StoreError;
use crate::domain::{Language, MemberId, NeedId, Ticket, TicketNumber, TicketState};

pub fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub fn from_ms(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

pub fn hour_key(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

pub fn from_hour_key(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

pub fn day_key(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Columns of `ticket` in the order `ticket_from_row` reads them.
pub const TICKET_COLUMNS: &str = "id, day, prefix, number, need, needs, member_id, priority, state, created_ms, called_ms, called_by, calls, finished_ms, language, interpreter";

/// How many columns `TICKET_COLUMNS` names: a query's next column is at this index.
pub const TICKET_COLUMN_COUNT: usize = 16;

fn bad(what: &str, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        Box::new(StoreError::BadRow(format!("{what} `{value}`"))),
    )
}

pub fn ticket_from_row(r: &Row<'_>) -> rusqlite::Result<Ticket> {
    let day: String = r.get(1)?;
    let prefix: String = r.get(2)?;
    let need: String = r.get(4)?;
    let needs: String = r.get(5)?;
    let member: Option<String> = r.get(6)?;
    let state: String = r.get(8)?;
    let language: String = r.get(14)?;
    Ok(Ticket {
        id: r.get(0)?,
        day: NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|_| bad("day", &day))?,
        number: TicketNumber {
            prefix: prefix
                .chars()
                .next()
                .ok_or_else(|| bad("prefix", &prefix))?,
            number: r.get(3)?,
        },
        need: NeedId::new(&need).map_err(|_| bad("need", &need))?,
        needs: needs
            .split_whitespace()
            .map(|n| NeedId::new(n).map_err(|_| bad("need", n)))
            .collect::<Result<_, _>>()?,
        member: member
            .map(|m| MemberId::new(&m).map_err(|_| bad("member", &m)))
            .transpose()?,
        priority: r.get(7)?,
        language: Language::new(&language).map_err(|_| bad("language", &language))?,
        interpreter: r.get(15)?,
        state: TicketState::parse(&state).ok_or_else(|| bad("state", &state))?,
        created: from_ms(r.get(9)?),
        called: r.get::<_, Option<i64>>(10)?.map(from_ms),
        called_by: r.get(11)?,
        calls: r.get(12)?,
        finished: r.get::<_, Option<i64>>(13)?.map(from_ms),
    })
}

pub fn needs_text(needs: &[NeedId]) -> String {
    needs
        .iter()
        .map(NeedId::as_str)
        .collect::<Vec<_>>()
        .join(" ")
}
