//! The Recovery College timetable: an iCalendar file (what every calendar tool exports) read
//! into sessions, each with its course title, room, start and end, places and whether it is
//! cancelled. Pure: the text and the time come in, sessions come out.
//!
//! `lines` unfolds the file keeping each line's origin; `content` reads its content lines into
//! components; `zone` resolves IANA, VTIMEZONE and Windows zone names; `read` turns each VEVENT
//! into a [`Series`]; `recur` works out when a series meets (simple rules by arithmetic, others
//! by the `rrule` crate); `expand` lists a day's sessions (with EXDATE, RDATE and changed
//! instances); `pick` chooses what the screen offers now.

mod content;
mod expand;
mod lines;
mod pick;
mod read;
mod recur;
mod zone;

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

pub use pick::{Offered, offered};
pub use zone::Zone;

/// What is wrong at a line of the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

impl Problem {
    pub fn at(line: usize, message: String) -> Problem {
        Problem { line, message }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// A session's id: its site-local day and a hash of its event and original start, e.g.
/// `20261102-3f9a0c1d2b4e`. Stable while the event keeps its UID and time.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SessionId(String);

impl SessionId {
    fn of(day: NaiveDate, uid: &str, original: DateTime<Utc>) -> SessionId {
        let key = format!("{uid}|{}", original.timestamp());
        let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        SessionId(format!("{}-{:012x}", day.format("%Y%m%d"), hash >> 16))
    }

    /// Checks an id from outside (an address, a request).
    pub fn parse(s: &str) -> Option<SessionId> {
        let (day, hash) = s.split_once('-')?;
        let ok = day.len() == 8
            && NaiveDate::parse_from_str(day, "%Y%m%d").is_ok()
            && hash.len() == 12
            && hash
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c));
        ok.then(|| SessionId(s.to_owned()))
    }

    /// The site-local day the session is on.
    pub fn day(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.0[..8], "%Y%m%d").unwrap_or_default()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for SessionId {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        SessionId::parse(&s).ok_or_else(|| format!("`{s}` is not a session id"))
    }
}

impl From<SessionId> for String {
    fn from(id: SessionId) -> String {
        id.0
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One session: one meeting of a course.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Session {
    pub id: SessionId,
    /// The course: the event's title.
    pub title: String,
    /// Where: the event's LOCATION.
    pub room: Option<String>,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    /// Places, from X-CAPACITY (the configuration may add one by title).
    pub capacity: Option<u32>,
    pub cancelled: bool,
    /// The line of its event in the file.
    pub line: usize,
}

/// One VEVENT: a session, or a course's sessions by a recurrence rule.
#[derive(Clone, Debug)]
struct Series {
    uid: String,
    title: String,
    room: Option<String>,
    zone: Zone,
    /// Wall-clock start in `zone`.
    start: NaiveDateTime,
    length: Duration,
    rule: Option<recur::Recurrence>,
    cancelled: bool,
    capacity: Option<u32>,
    /// This event changes one instance of the series with the same UID.
    recurrence_id: Option<DateTime<Utc>>,
    line: usize,
}

/// A timetable read from a file: its series, and the problems of the events left out.
#[derive(Clone, Debug)]
pub struct Timetable {
    series: Vec<Series>,
    /// Changed instances by (UID, original start).
    changed: BTreeMap<read::InstanceKey, Series>,
    site: chrono_tz::Tz,
    /// Events that could not be read (left out), with their lines.
    pub problems: Vec<Problem>,
    /// All-day events, which are not sessions (left out).
    pub all_day: usize,
}

impl Timetable {
    /// Reads iCalendar `text`; floating times are in `site`. `Err` when the file is not a
    /// calendar at all (then nothing of it can be trusted); events that cannot be read are left
    /// out and listed in `problems`.
    pub fn parse(text: &str, site: chrono_tz::Tz) -> Result<Timetable, Problem> {
        let lines = lines::Lines::unfold(text);
        let first = lines.text.lines().next().unwrap_or_default();
        if !first.trim().eq_ignore_ascii_case("BEGIN:VCALENDAR") {
            return Err(Problem::at(
                lines.origin(0),
                "this is not an iCalendar file: it should start with BEGIN:VCALENDAR".into(),
            ));
        }
        let components = content::read(&lines)?;
        let calendars = components
            .iter()
            .filter(|c| c.name.eq_ignore_ascii_case("VCALENDAR"));
        let zones = calendars.clone().flat_map(|c| c.children("VTIMEZONE"));
        let (blocks, mut problems) = read::blocks(zones, &lines);
        let cx = read::Context::new(&blocks, site);
        let events = calendars.flat_map(|c| c.children("VEVENT"));
        let mut t = Timetable {
            series: Vec::new(),
            changed: BTreeMap::new(),
            site,
            problems: Vec::new(),
            all_day: 0,
        };
        for c in events {
            match read::event(c, &lines, &cx) {
                Ok(Some(s)) => match s.recurrence_id {
                    Some(original) => {
                        t.changed.insert((s.uid.clone(), original), s);
                    }
                    None => t.series.push(s),
                },
                Ok(None) => t.all_day += 1,
                Err(p) => problems.push(p),
            }
        }
        problems.sort_by_key(|p| p.line);
        t.problems = problems;
        Ok(t)
    }

    /// How many events were read (series and changed instances).
    pub fn events(&self) -> usize {
        self.series.len() + self.changed.len()
    }

    /// The distinct course titles, in order.
    pub fn courses(&self) -> Vec<String> {
        let mut titles: Vec<String> = self.series.iter().map(|s| s.title.clone()).collect();
        titles.sort();
        titles.dedup();
        titles
    }

    /// The site's time zone.
    pub fn site(&self) -> chrono_tz::Tz {
        self.site
    }
}

#[cfg(test)]
mod tests;
