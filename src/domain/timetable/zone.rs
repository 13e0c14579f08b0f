//! Time zones of a timetable. A time in a calendar file is UTC (`…Z`), local to a named zone
//! (`TZID=…`), or floating (taken as the site's zone). A zone name is looked up as an IANA name
//! (`Europe/London`, what Google and Apple write), then in the file's own VTIMEZONE blocks (their
//! STANDARD/DAYLIGHT rules, expanded with `rrule`), then as a Windows name (`GMT Standard Time`,
//! what Outlook writes; CLDR's table from the `windows-timezones` crate).

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, TimeZone, Utc};
use rrule::RRuleSet;

use super::content::Component;

/// Where a wall-clock time is.
#[derive(Clone, Debug)]
pub enum Zone {
    Utc,
    Named(chrono_tz::Tz),
    /// From a VTIMEZONE block.
    Rules(Arc<Rules>),
}

/// A VTIMEZONE block's offsets: the offset before the first change, then each change.
#[derive(Debug)]
pub struct Rules {
    initial: i64,
    /// (instant of the change, offset from UTC in seconds after it), in order.
    changes: Vec<Change>,
}

/// A naive wall-clock time given to `rrule` as if it were UTC ("floating").
pub(super) fn floating(t: NaiveDateTime) -> DateTime<rrule::Tz> {
    rrule::Tz::UTC.from_utc_datetime(&t)
}

impl Zone {
    /// The instant of wall-clock time `local` here. A time that happens twice (clocks going
    /// back) is the first; one that does not happen (clocks going forward) moves forward.
    pub fn to_utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        match self {
            Zone::Utc => local.and_utc(),
            Zone::Named(tz) => match tz.from_local_datetime(&local) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
                LocalResult::None => tz
                    .from_local_datetime(&(local + Duration::hours(1)))
                    .earliest()
                    .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc)),
            },
            Zone::Rules(r) => r.to_utc(local),
        }
    }

    /// The wall-clock time here at `utc`.
    pub fn to_local(&self, utc: DateTime<Utc>) -> NaiveDateTime {
        match self {
            Zone::Utc => utc.naive_utc(),
            Zone::Named(tz) => utc.with_timezone(tz).naive_local(),
            Zone::Rules(r) => utc.naive_utc() + Duration::seconds(r.offset_at(utc)),
        }
    }
}

impl Rules {
    fn offset_at(&self, utc: DateTime<Utc>) -> i64 {
        match self.changes.partition_point(|(at, _)| *at <= utc) {
            0 => self.initial,
            n => self.changes[n - 1].1,
        }
    }

    fn to_utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        let mut offsets: Vec<i64> = self.changes.iter().map(|(_, o)| *o).collect();
        offsets.push(self.initial);
        offsets.sort_unstable();
        offsets.dedup();
        let valid = offsets
            .iter()
            .map(|o| local.and_utc() - Duration::seconds(*o))
            .filter(|t| {
                let o = self.offset_at(*t);
                local.and_utc() - Duration::seconds(o) == *t
            })
            .min();
        // A time skipped by the clocks going forward: read it with the offset before.
        valid.unwrap_or_else(|| {
            let before = self.offset_at(local.and_utc() - Duration::hours(26));
            local.and_utc() - Duration::seconds(before)
        })
    }
}

/// `+0100`, `-0430`, `+013000` as seconds east of UTC.
fn offset_seconds(v: &str) -> Option<i64> {
    let v = v.trim();
    let (sign, digits) = match v.as_bytes().first()? {
        b'+' => (1, &v[1..]),
        b'-' => (-1, &v[1..]),
        _ => return None,
    };
    if !(digits.len() == 4 || digits.len() == 6) || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| digits.get(r).and_then(|s| s.parse::<i64>().ok());
    let secs = n(0..2)? * 3600 + n(2..4)? * 60 + n(4..6).unwrap_or(0);
    Some(sign * secs)
}

/// When an offset starts to apply, and the offset (seconds east of UTC).
type Change = (DateTime<Utc>, i64);

/// The changes one STANDARD or DAYLIGHT observance makes up to 2100, and its offset before.
fn observance(c: &Component<'_>) -> Result<(Vec<Change>, i64), String> {
    let prop = |name: &str| c.find(name).map(|p| p.value.to_owned());
    let from = prop("TZOFFSETFROM")
        .as_deref()
        .and_then(offset_seconds)
        .ok_or("TZOFFSETFROM is missing or not like +0100")?;
    let to = prop("TZOFFSETTO")
        .as_deref()
        .and_then(offset_seconds)
        .ok_or("TZOFFSETTO is missing or not like +0000")?;
    let start = prop("DTSTART")
        .as_deref()
        .and_then(super::read::naive_date_time)
        .ok_or("DTSTART is missing or not a local date and time")?;
    let mut onsets = vec![floating(start)];
    if let Some(rule) = prop("RRULE") {
        let rule = super::recur::crate_rule(&rule).map_err(|e| format!("RRULE: {e}"))?;
        let rule = rule
            .validate(floating(start))
            .map_err(|e| format!("RRULE: {e}"))?;
        let end = floating(super::read::naive_date_time("21000101T000000").unwrap_or(start));
        onsets = RRuleSet::new(floating(start))
            .rrule(rule)
            .before(end)
            .all(u16::MAX)
            .dates;
    }
    for p in c.all("RDATE") {
        for v in p.value.split(',') {
            if let Some(t) = super::read::naive_date_time(v) {
                onsets.push(floating(t));
            }
        }
    }
    let changes = onsets
        .into_iter()
        .map(|t| (t.naive_utc().and_utc() - Duration::seconds(from), to))
        .collect();
    Ok((changes, from))
}

/// The rules of one VTIMEZONE block: its TZID and offsets, or why they cannot be read.
pub(super) fn block(c: &Component<'_>) -> Result<(String, Rules), String> {
    let id = c
        .find("TZID")
        .map(|p| p.value.trim().to_owned())
        .filter(|id| !id.is_empty())
        .ok_or("a VTIMEZONE block without TZID")?;
    let mut changes = Vec::new();
    let mut first: Option<Change> = None;
    for sub in &c.components {
        let (mut c, from) = super::recur::guarded(|| observance(sub))
            .map_err(|e| format!("time zone `{id}`: {e}"))?;
        if let Some(&(at, _)) = c.first()
            && first.is_none_or(|(f, _)| at < f)
        {
            first = Some((at, from));
        }
        changes.append(&mut c);
    }
    if changes.is_empty() {
        return Err(format!("time zone `{id}` has no STANDARD or DAYLIGHT part"));
    }
    changes.sort_by_key(|(at, _)| *at);
    let initial = first.map_or(0, |(_, from)| from);
    Ok((id, Rules { initial, changes }))
}

/// The zone a `TZID` names: IANA, then the file's VTIMEZONE blocks, then a Windows name.
pub(super) fn resolve(tzid: &str, blocks: &BTreeMap<String, Arc<Rules>>) -> Option<Zone> {
    let id = tzid.trim().trim_matches('"');
    let iana = id.trim_start_matches('/');
    if let Ok(tz) = iana.parse::<chrono_tz::Tz>() {
        return Some(Zone::Named(tz));
    }
    if let Some(rules) = blocks.get(id) {
        return Some(Zone::Rules(rules.clone()));
    }
    id.parse::<windows_timezones::WindowsTimezone>()
        .ok()
        .map(|w| Zone::Named(chrono_tz::Tz::from(w)))
}

#[cfg(test)]
mod tests {
    use super::super::content::read;
    use super::super::lines::Lines;
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    /// The UK's rules as Outlook writes them, under a name no database knows.
    pub(crate) const OUTLOOK_UK: &str = "BEGIN:VTIMEZONE\nTZID:Customized Time Zone\nBEGIN:STANDARD\nDTSTART:16010101T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0000\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\nEND:STANDARD\nBEGIN:DAYLIGHT\nDTSTART:16010101T010000\nTZOFFSETFROM:+0000\nTZOFFSETTO:+0100\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\nEND:DAYLIGHT\nEND:VTIMEZONE\n";

    #[test]
    fn a_vtimezone_block_follows_the_clocks_like_the_database() {
        let lines = Lines::unfold(OUTLOOK_UK);
        let all = read(&lines).unwrap();
        let (id, rules) = block(&all[0]).unwrap();
        assert_eq!(id, "Customized Time Zone");
        let mine = Zone::Rules(Arc::new(rules));
        let london = Zone::Named(chrono_tz::Europe::London);
        for local in [
            "2026-10-19 10:00",
            "2026-10-25 01:30",
            "2026-10-26 10:00",
            "2026-03-29 01:30",
            "2026-03-30 10:00",
            "2027-07-01 12:00",
        ] {
            let t = at(local);
            assert_eq!(mine.to_utc(t), london.to_utc(t), "{local}");
            assert_eq!(
                mine.to_local(mine.to_utc(t)),
                london.to_local(london.to_utc(t))
            );
        }
        assert_eq!(
            mine.to_utc(at("2026-10-26 10:00")),
            at("2026-10-26 10:00").and_utc()
        );
        assert_eq!(
            mine.to_utc(at("2026-10-19 10:00")),
            at("2026-10-19 09:00").and_utc()
        );
    }

    #[test]
    fn names_are_iana_then_the_files_blocks_then_windows() {
        let none = BTreeMap::new();
        assert!(matches!(
            resolve("\"Europe/London\"", &none),
            Some(Zone::Named(chrono_tz::Europe::London))
        ));
        assert!(matches!(
            resolve("GMT Standard Time", &none),
            Some(Zone::Named(chrono_tz::Europe::London))
        ));
        assert!(matches!(
            resolve("W. Europe Standard Time", &none),
            Some(Zone::Named(chrono_tz::Europe::Berlin))
        ));
        assert!(resolve("Customized Time Zone", &none).is_none());
        assert_eq!(offset_seconds("-0430"), Some(-16200));
        assert_eq!(offset_seconds("+013000"), Some(5400));
        assert_eq!(offset_seconds("0100"), None);
    }
}
