//! From the parser's components to series of sessions: each VEVENT's title (SUMMARY), room
//! (LOCATION), start and end (DTSTART with DTEND or DURATION) in its zone, its recurrence (RRULE,
//! EXDATE, RDATE), STATUS:CANCELLED, X-CAPACITY, and RECURRENCE-ID for one changed instance.
//! An event that cannot be read becomes a problem naming its line; the others are kept.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use icalendar::parser::{Component, Property};
use rrule::{RRule, RRuleSet, Unvalidated};

use super::lines::{Block, Lines};
use super::zone::{Rules, Zone, floating, resolve};
use super::{Problem, Series};

/// `20261102T100000` (the `Z`, if any, taken off first).
pub(super) fn naive_date_time(v: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(v.trim().trim_end_matches('Z'), "%Y%m%dT%H%M%S").ok()
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
}

/// A date-time property: `None` for a date without a time (an all-day event).
fn when(p: &Property<'_>, cx: &Context<'_>) -> Result<Option<(NaiveDateTime, Zone)>, String> {
    let value = p.val.as_str().trim();
    let all_day = p.params.iter().any(|x| {
        x.key.as_str().eq_ignore_ascii_case("VALUE")
            && x.val
                .as_ref()
                .is_some_and(|v| v.as_str().eq_ignore_ascii_case("DATE"))
    }) || (value.len() == 8 && value.chars().all(|c| c.is_ascii_digit()));
    if all_day {
        return Ok(None);
    }
    let t = naive_date_time(value)
        .ok_or_else(|| format!("`{value}` is not a date and time like 20261102T100000"))?;
    if value.ends_with('Z') {
        return Ok(Some((t, Zone::Utc)));
    }
    let tzid = p
        .params
        .iter()
        .find(|x| x.key.as_str().eq_ignore_ascii_case("TZID"))
        .and_then(|x| x.val.as_ref());
    match tzid {
        None => Ok(Some((t, Zone::Named(cx.site)))),
        Some(id) => resolve(id.as_str(), cx.blocks).map(|z| Some((t, z))).ok_or_else(|| {
            format!(
                "unknown time zone `{}`: use an IANA name such as Europe/London, a Windows name such as GMT Standard Time, or add its VTIMEZONE block",
                id.as_str()
            )
        }),
    }
}

fn text(c: &Component<'_>, name: &str) -> Option<String> {
    c.find_prop(name)
        .map(|p| {
            p.val
                .as_str()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|s| !s.is_empty())
}

/// EXDATE or RDATE values (comma-separated, possibly several lines), as wall times in `zone`.
fn dates(
    c: &Component<'_>,
    name: &str,
    zone: &Zone,
    cx: &Context<'_>,
) -> Result<Vec<NaiveDateTime>, String> {
    let mut out = Vec::new();
    for p in c
        .properties
        .iter()
        .filter(|p| p.name.as_str().eq_ignore_ascii_case(name))
    {
        for v in p.val.as_str().split(',') {
            let one = Property {
                val: v.into(),
                ..p.clone()
            };
            if let Some((t, z)) = when(&one, cx).map_err(|e| format!("{name}: {e}"))? {
                out.push(zone.to_local(z.to_utc(t)));
            }
        }
    }
    Ok(out)
}

/// The recurrence of an event starting at `start` (wall time in `zone`), if it has one.
fn recurrence(
    c: &Component<'_>,
    start: NaiveDateTime,
    zone: &Zone,
    cx: &Context<'_>,
) -> Result<Option<RRuleSet>, (String, String)> {
    let exdates = dates(c, "EXDATE", zone, cx).map_err(|e| ("EXDATE".to_owned(), e))?;
    let rdates = dates(c, "RDATE", zone, cx).map_err(|e| ("RDATE".to_owned(), e))?;
    let rule = c.find_prop("RRULE").map(|p| p.val.as_str().to_owned());
    if rule.is_none() && rdates.is_empty() {
        return Ok(None);
    }
    let mut set = RRuleSet::new(floating(start));
    if let Some(rule) = rule {
        let bad = |e: rrule::RRuleError| {
            (
                "RRULE".to_owned(),
                format!("the repeat rule cannot be used: {e}"),
            )
        };
        let mut parsed: RRule<Unvalidated> = rule.parse().map_err(bad)?;
        use rrule::Frequency::{Daily, Monthly, Weekly, Yearly};
        if !matches!(parsed.get_freq(), Daily | Weekly | Monthly | Yearly) {
            return Err((
                "RRULE".to_owned(),
                "a course repeats at most daily (FREQ=DAILY, WEEKLY, MONTHLY or YEARLY)".to_owned(),
            ));
        }
        // UNTIL is an instant; the rule runs on wall times here, so UNTIL becomes one too.
        if let Some(until) = parsed.get_until() {
            let wall = match until.timezone() {
                rrule::Tz::Local(_) => until.naive_local(),
                rrule::Tz::Tz(_) => zone.to_local(until.with_timezone(&Utc)),
            };
            parsed = parsed.until(floating(wall));
        }
        set = set.rrule(parsed.validate(floating(start)).map_err(bad)?);
    } else {
        set = set.rdate(floating(start));
    }
    for t in rdates {
        set = set.rdate(floating(t));
    }
    for t in exdates {
        set = set.exdate(floating(t));
    }
    Ok(Some(set))
}

/// One event being read: where its problems are, and its title for their messages.
struct Reading<'a> {
    c: &'a Component<'a>,
    block: Block,
    lines: &'a Lines,
    cx: &'a Context<'a>,
    title: String,
}

impl Reading<'_> {
    /// A problem at `prop`'s line, naming the course.
    fn at(&self, prop: &str, message: impl std::fmt::Display) -> Problem {
        Problem::at(
            self.lines.property_line(self.block, prop),
            format!("`{}`: {message}", self.title),
        )
    }

    /// A date-time property as an instant; a date without a time is a problem here.
    fn instant(&self, prop: &str) -> Result<Option<DateTime<Utc>>, Problem> {
        let Some(p) = self.c.find_prop(prop) else {
            return Ok(None);
        };
        match when(p, self.cx).map_err(|e| self.at(prop, e))? {
            Some((t, z)) => Ok(Some(z.to_utc(t))),
            None => Err(self.at(prop, format!("{prop} needs a time, not only a date"))),
        }
    }

    /// DTEND, else DURATION, else an hour; on the same day as it starts.
    fn length(&self, begins: DateTime<Utc>) -> Result<Duration, Problem> {
        let length = match (self.instant("DTEND")?, self.c.find_prop("DURATION")) {
            (Some(end), _) => end - begins,
            (None, Some(d)) => duration(d.val.as_str()).ok_or_else(|| {
                let v = d.val.as_str();
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
    block: Block,
    lines: &Lines,
    cx: &Context<'_>,
) -> Result<Option<Series>, Problem> {
    let line = lines.origin(block.begin);
    let title = text(c, "SUMMARY").ok_or_else(|| {
        Problem::at(
            line,
            "an event without a title (SUMMARY): give it the course's name".into(),
        )
    })?;
    let r = Reading {
        c,
        block,
        lines,
        cx,
        title,
    };
    let start_prop = c
        .find_prop("DTSTART")
        .ok_or_else(|| Problem::at(line, format!("`{}` has no start (DTSTART)", r.title)))?;
    let Some((start, zone)) = when(start_prop, cx).map_err(|e| r.at("DTSTART", e))? else {
        return Ok(None);
    };
    let length = r.length(zone.to_utc(start))?;
    let rule = recurrence(c, start, &zone, cx).map_err(|(prop, e)| r.at(&prop, e))?;
    let recurrence_id = r.instant("RECURRENCE-ID")?;
    let capacity = r.capacity()?;
    let uid = text(c, "UID").unwrap_or_else(|| format!("{}|{}", r.title, start_prop.val.as_str()));
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
pub(super) fn blocks(
    components: &[Component<'_>],
    lines: &Lines,
) -> (BTreeMap<String, Arc<Rules>>, Vec<Problem>) {
    let mut out = BTreeMap::new();
    let mut problems = Vec::new();
    for c in components
        .iter()
        .filter(|c| c.name.as_str().eq_ignore_ascii_case("VTIMEZONE"))
    {
        match super::zone::block(c) {
            Ok((id, rules)) => {
                out.insert(id, Arc::new(rules));
            }
            Err(e) => {
                let line = c
                    .find_prop("TZID")
                    .and_then(|p| lines.text.lines().position(|l| l.contains(p.val.as_str())))
                    .map_or(1, |i| lines.origin(i));
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
