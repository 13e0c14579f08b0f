//! From the parser's components to series of sessions: each VEVENT's title (SUMMARY), room
//! (LOCATION), start and end (DTSTART with DTEND or DURATION) in its zone, its recurrence (RRULE,
//! EXDATE, RDATE), STATUS:CANCELLED, X-CAPACITY, and RECURRENCE-ID for one changed instance.
//! An event that cannot be read becomes a problem naming its line; the others are kept.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use rrule::RRuleSet;

use super::content::{Component, Property};
use super::lines::Lines;
use super::recur::{Recurrence, Simple};
use super::zone::{Rules, Zone, floating, resolve};
use super::{Problem, Series};

/// `20261102T100000` (the `Z`, if any, taken off first).
pub(super) fn naive_date_time(v: &str) -> Option<NaiveDateTime> {
    let v = v.trim().trim_end_matches('Z').as_bytes();
    if v.len() != 15 || v[8] != b'T' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| -> Option<u32> {
        v[r].iter().try_fold(0u32, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    };
    let day = NaiveDate::from_ymd_opt(i32::try_from(n(0..4)?).ok()?, n(4..6)?, n(6..8)?)?;
    day.and_hms_opt(n(9..11)?, n(11..13)?, n(13..15)?)
}

/// ISO 8601 durations as iCalendar writes them: `PT1H30M`, `P1D`, `P1W`.
fn duration(v: &str) -> Option<Duration> {
    let v = v.trim();
    let (sign, v) = match v.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, v.strip_prefix('+').unwrap_or(v)),
    };
    let mut rest = v.strip_prefix('P')?;
    let mut total = Duration::zero();
    let mut in_time = false;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('T') {
            in_time = true;
            rest = r;
            continue;
        }
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let n: i64 = digits.parse().ok()?;
        let unit = rest[digits.len()..].chars().next()?;
        total += match (unit, in_time) {
            ('W', false) => Duration::weeks(n),
            ('D', false) => Duration::days(n),
            ('H', true) => Duration::hours(n),
            ('M', true) => Duration::minutes(n),
            ('S', true) => Duration::seconds(n),
            _ => return None,
        };
        rest = &rest[digits.len() + 1..];
    }
    Some(total * sign)
}

/// What a file holds besides its events: its zones, and the site's zone for floating times.
pub(super) struct Context<'a> {
    pub blocks: &'a BTreeMap<String, Arc<Rules>>,
    pub site: chrono_tz::Tz,
    /// The last TZID read and its zone: a term's events nearly all name the same one, so it
    /// is looked up among every zone's name once, not twice per event.
    last_zone: std::cell::RefCell<Option<(String, Zone)>>,
}

impl<'a> Context<'a> {
    pub fn new(blocks: &'a BTreeMap<String, Arc<Rules>>, site: chrono_tz::Tz) -> Context<'a> {
        Context {
            blocks,
            site,
            last_zone: std::cell::RefCell::new(None),
        }
    }

    /// The zone `tzid` names, if any (see [`resolve`]).
    fn zone(&self, tzid: &str) -> Option<Zone> {
        if let Some((id, zone)) = &*self.last_zone.borrow()
            && *id == tzid
        {
            return Some(zone.clone());
        }
        let zone = resolve(tzid, self.blocks)?;
        *self.last_zone.borrow_mut() = Some((tzid.to_owned(), zone.clone()));
        Some(zone)
    }
}

/// `value`, one date-time of property `p`: `None` for a date without a time (an all-day event).
fn when(
    p: &Property<'_>,
    value: &str,
    cx: &Context<'_>,
) -> Result<Option<(NaiveDateTime, Zone)>, String> {
    let value = value.trim();
    let all_day = p
        .param("VALUE")
        .is_some_and(|v| v.eq_ignore_ascii_case("DATE"))
        || (value.len() == 8 && value.chars().all(|c| c.is_ascii_digit()));
    if all_day {
        return Ok(None);
    }
    let t = naive_date_time(value)
        .ok_or_else(|| format!("`{value}` is not a date and time like 20261102T100000"))?;
    if value.ends_with('Z') {
        return Ok(Some((t, Zone::Utc)));
    }
    match p.param("TZID") {
        None => Ok(Some((t, Zone::Named(cx.site)))),
        Some(id) => cx.zone(id).map(|z| Some((t, z))).ok_or_else(|| {
            format!(
                "unknown time zone `{id}`: use an IANA name such as Europe/London, a Windows name such as GMT Standard Time, or add its VTIMEZONE block"
            )
        }),
    }
}

/// A TEXT property, its runs of white space (and line breaks) made single spaces.
fn text(c: &Component<'_>, name: &str) -> Option<String> {
    let text = c.find(name)?.text();
    let plain = !text.starts_with(' ')
        && !text.ends_with(' ')
        && !text.contains("  ")
        && !text.contains(|c: char| c.is_whitespace() && c != ' ');
    let text = if plain {
        text.into_owned()
    } else {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    (!text.is_empty()).then_some(text)
}

/// EXDATE or RDATE values (comma-separated, possibly several lines), as wall times in `zone`.
fn dates(
    c: &Component<'_>,
    name: &str,
    zone: &Zone,
    cx: &Context<'_>,
) -> Result<Vec<NaiveDateTime>, String> {
    let mut out = Vec::new();
    for p in c.all(name) {
        for v in p.value.split(',') {
            if let Some((t, z)) = when(p, v, cx).map_err(|e| format!("{name}: {e}"))? {
                out.push(zone.to_local(z.to_utc(t)));
            }
        }
    }
    Ok(out)
}

/// The recurrence of an event starting at `start` (wall time in `zone`), if it has one: a
/// simple rule worked out by the kiosk, any other by the `rrule` crate.
fn recurrence(
    c: &Component<'_>,
    start: NaiveDateTime,
    zone: &Zone,
    cx: &Context<'_>,
) -> Result<Option<Recurrence>, (String, String)> {
    let exdates = dates(c, "EXDATE", zone, cx).map_err(|e| ("EXDATE".to_owned(), e))?;
    let mut rdates = dates(c, "RDATE", zone, cx).map_err(|e| ("RDATE".to_owned(), e))?;
    let rule = c.find("RRULE").map(|p| p.value);
    let simple = match rule {
        None if rdates.is_empty() => return Ok(None),
        None => {
            rdates.push(start);
            None
        }
        Some(rule) => match Simple::parse(rule, start, |v| until_wall(v, zone)) {
            Some(simple) => Some(simple),
            None => {
                let set = super::recur::guarded(|| full(rule, start, zone, &rdates, &exdates))
                    .map_err(|e| ("RRULE".to_owned(), e))?;
                return Ok(Some(Recurrence::Full(Box::new(set))));
            }
        },
    };
    Ok(Some(Recurrence::Simple {
        rule: simple,
        rdates,
        exdates,
    }))
}

/// An UNTIL date-time as wall time in `zone`: UTC (`…Z`) converted, otherwise as written.
fn until_wall(v: &str, zone: &Zone) -> Option<NaiveDateTime> {
    let t = naive_date_time(v)?;
    Some(if v.trim().ends_with('Z') {
        zone.to_local(t.and_utc())
    } else {
        t
    })
}

/// `rule` with its RDATEs and EXDATEs as the `rrule` crate's set, or why it cannot be used.
pub(super) fn full(
    rule: &str,
    start: NaiveDateTime,
    zone: &Zone,
    rdates: &[NaiveDateTime],
    exdates: &[NaiveDateTime],
) -> Result<RRuleSet, String> {
    let bad = |e: String| format!("the repeat rule cannot be used: {e}");
    let mut parsed = super::recur::crate_rule(rule).map_err(bad)?;
    use rrule::Frequency::{Daily, Monthly, Weekly, Yearly};
    if !matches!(parsed.get_freq(), Daily | Weekly | Monthly | Yearly) {
        return Err(
            "a course repeats at most daily (FREQ=DAILY, WEEKLY, MONTHLY or YEARLY)".to_owned(),
        );
    }
    // UNTIL is an instant; the rule runs on wall times here, so UNTIL becomes one too.
    if let Some(until) = parsed.get_until() {
        let wall = match until.timezone() {
            rrule::Tz::Local(_) => until.naive_local(),
            rrule::Tz::Tz(_) => zone.to_local(until.with_timezone(&Utc)),
        };
        parsed = parsed.until(floating(wall));
    }
    let valid = parsed
        .validate(floating(start))
        .map_err(|e| bad(e.to_string()))?;
    let mut set = RRuleSet::new(floating(start)).rrule(valid);
    for t in rdates {
        set = set.rdate(floating(*t));
    }
    for t in exdates {
        set = set.exdate(floating(*t));
    }
    Ok(set)
}

/// One event being read: where its problems are, and its title for their messages.
struct Reading<'a> {
    c: &'a Component<'a>,
    lines: &'a Lines,
    cx: &'a Context<'a>,
    title: String,
}

impl Reading<'_> {
    /// A problem at `prop`'s line, naming the course.
    fn at(&self, prop: &str, message: impl std::fmt::Display) -> Problem {
        let index = self.c.find(prop).map_or(self.c.begin, |p| p.index);
        Problem::at(
            self.lines.origin(index),
            format!("`{}`: {message}", self.title),
        )
    }

    /// A date-time property as an instant; a date without a time is a problem here.
    fn instant(&self, prop: &str) -> Result<Option<DateTime<Utc>>, Problem> {
        let Some(p) = self.c.find(prop) else {
            return Ok(None);
        };
        match when(p, p.value, self.cx).map_err(|e| self.at(prop, e))? {
            Some((t, z)) => Ok(Some(z.to_utc(t))),
            None => Err(self.at(prop, format!("{prop} needs a time, not only a date"))),
        }
    }

    /// DTEND, else DURATION, else an hour; on the same day as it starts.
    fn length(&self, begins: DateTime<Utc>) -> Result<Duration, Problem> {
        let length = match (self.instant("DTEND")?, self.c.find("DURATION")) {
            (Some(end), _) => end - begins,
            (None, Some(d)) => duration(d.value).ok_or_else(|| {
                let v = d.value;
                self.at("DURATION", format!("`{v}` is not a duration like PT1H30M"))
            })?,
            (None, None) => Duration::hours(1),
        };
        if length <= Duration::zero() || length > Duration::hours(24) {
            return Err(self.at("DTEND", "it must end after it starts, on the same day"));
        }
        Ok(length)
    }

    fn capacity(&self) -> Result<Option<u32>, Problem> {
        text(self.c, "X-CAPACITY")
            .map(|v| {
                v.parse::<u32>()
                    .ok()
                    .filter(|n| (1..=1000).contains(n))
                    .ok_or_else(|| {
                        let m =
                            format!("X-CAPACITY is a number of places from 1 to 1000, not `{v}`");
                        self.at("X-CAPACITY", m)
                    })
            })
            .transpose()
    }
}

/// One VEVENT as a series, `Ok(None)` for an all-day event (not a session), or its problem.
pub(super) fn event(
    c: &Component<'_>,
    lines: &Lines,
    cx: &Context<'_>,
) -> Result<Option<Series>, Problem> {
    let line = lines.origin(c.begin);
    let title = text(c, "SUMMARY").ok_or_else(|| {
        Problem::at(
            line,
            "an event without a title (SUMMARY): give it the course's name".into(),
        )
    })?;
    let r = Reading {
        c,
        lines,
        cx,
        title,
    };
    let start_prop = c
        .find("DTSTART")
        .ok_or_else(|| Problem::at(line, format!("`{}` has no start (DTSTART)", r.title)))?;
    let Some((start, zone)) =
        when(start_prop, start_prop.value, cx).map_err(|e| r.at("DTSTART", e))?
    else {
        return Ok(None);
    };
    let length = r.length(zone.to_utc(start))?;
    let rule = recurrence(c, start, &zone, cx).map_err(|(prop, e)| r.at(&prop, e))?;
    let recurrence_id = r.instant("RECURRENCE-ID")?;
    let capacity = r.capacity()?;
    let uid = text(c, "UID").unwrap_or_else(|| format!("{}|{}", r.title, start_prop.value));
    Ok(Some(Series {
        uid,
        room: text(c, "LOCATION"),
        cancelled: text(c, "STATUS").is_some_and(|s| s.eq_ignore_ascii_case("CANCELLED")),
        title: r.title,
        zone,
        start,
        length,
        rule,
        capacity,
        recurrence_id,
        line,
    }))
}

/// The file's VTIMEZONE blocks by TZID; blocks that cannot be read become problems.
pub(super) fn blocks<'c, 'a: 'c>(
    zones: impl Iterator<Item = &'c Component<'a>>,
    lines: &Lines,
) -> (BTreeMap<String, Arc<Rules>>, Vec<Problem>) {
    let mut out = BTreeMap::new();
    let mut problems = Vec::new();
    for c in zones {
        match super::zone::block(c) {
            Ok((id, rules)) => {
                out.insert(id, Arc::new(rules));
            }
            Err(e) => {
                let line = lines.origin(c.find("TZID").map_or(c.begin, |p| p.index));
                problems.push(Problem::at(line, e));
            }
        }
    }
    (out, problems)
}

/// The instant a `RECURRENCE-ID` or expanded start names, as the key of a changed instance.
pub(super) type InstanceKey = (String, DateTime<Utc>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_icalendar_writes_them() {
        assert_eq!(duration("PT1H30M"), Some(Duration::minutes(90)));
        assert_eq!(duration("P1D"), Some(Duration::days(1)));
        assert_eq!(duration("PT45M"), Some(Duration::minutes(45)));
        assert_eq!(duration("P1W"), Some(Duration::weeks(1)));
        assert_eq!(duration("1H"), None);
        assert_eq!(duration("PT1X"), None);
    }
}
