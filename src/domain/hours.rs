//! Opening hours per weekday, in the site's local time. The queue opens and closes by them.

use std::fmt;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

/// One day's hours: open from `.0` until `.1`, or closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayHours(pub Option<(NaiveTime, NaiveTime)>);

impl DayHours {
    /// Parses `"09:30-16:30"` or `"closed"`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("closed") {
            return Ok(DayHours(None));
        }
        let bad = || format!("`{s}` is not opening hours: write \"09:30-16:30\" or \"closed\"");
        let (a, b) = s.split_once('-').ok_or_else(bad)?;
        let parse = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| bad());
        let (open, close) = (parse(a)?, parse(b)?);
        if open >= close {
            return Err(format!("`{s}`: opening time must be before closing time"));
        }
        Ok(DayHours(Some((open, close))))
    }
}

impl fmt::Display for DayHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => f.write_str("closed"),
            Some((o, c)) => write!(f, "{}-{}", o.format("%H:%M"), c.format("%H:%M")),
        }
    }
}

impl TryFrom<String> for DayHours {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        DayHours::parse(&s)
    }
}

impl From<DayHours> for String {
    fn from(d: DayHours) -> String {
        d.to_string()
    }
}

impl Serialize for DayHours {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for DayHours {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        DayHours::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// The week's hours, Monday first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpeningHours {
    pub days: [DayHours; 7],
}

impl Default for OpeningHours {
    /// 9:30–16:30, Monday to Friday.
    fn default() -> Self {
        let open = DayHours::parse("09:30-16:30").expect("valid");
        let closed = DayHours(None);
        OpeningHours {
            days: [open, open, open, open, open, closed, closed],
        }
    }
}

impl OpeningHours {
    pub fn day(&self, weekday: Weekday) -> DayHours {
        self.days[weekday.num_days_from_monday() as usize]
    }

    pub fn is_open(&self, local: NaiveDateTime) -> bool {
        self.day(local.weekday())
            .0
            .is_some_and(|(o, c)| local.time() >= o && local.time() < c)
    }

    /// Closing time on `date`, if open that day.
    pub fn closes(&self, date: NaiveDate) -> Option<NaiveDateTime> {
        self.day(date.weekday()).0.map(|(_, c)| date.and_time(c))
    }

    /// The next moment after `local` at which the queue's day moves on: today's closing time,
    /// the end of the `grace` after it (waiting tickets close), the next midnight (a new day's
    /// retention), or the grace after midnight (tickets of a day the hub did not open).
    pub fn next_day_change(&self, local: NaiveDateTime, grace: Duration) -> NaiveDateTime {
        let started = local.date().and_time(chrono::NaiveTime::MIN);
        let midnight = started + Duration::days(1);
        let closes = self.closes(local.date());
        // A day the hub did not open ends at midnight: its tickets close the grace after.
        [closes, closes.map(|c| c + grace), Some(started + grace)]
            .into_iter()
            .flatten()
            .filter(|t| *t > local)
            .fold(midnight, NaiveDateTime::min)
    }

    /// The next opening at or after `local`, within a week.
    pub fn next_opening(&self, local: NaiveDateTime) -> Option<NaiveDateTime> {
        (0..8).find_map(|d| {
            let date = local.date() + Duration::days(d);
            let (open, _) = self.day(date.weekday()).0?;
            let at = date.and_time(open);
            (at >= local).then_some(at)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn the_day_moves_on_at_closing_the_grace_after_it_then_midnight() {
        let h = OpeningHours::default();
        let grace = Duration::minutes(30);
        let next = |s| h.next_day_change(at(s), grace);
        assert_eq!(next("2026-11-23 09:00"), at("2026-11-23 16:30"));
        assert_eq!(next("2026-11-23 16:30"), at("2026-11-23 17:00"));
        assert_eq!(next("2026-11-23 17:00"), at("2026-11-24 00:00"));
        assert_eq!(next("2026-11-28 12:00"), at("2026-11-29 00:00"), "Saturday");
        assert_eq!(
            next("2026-11-29 00:00"),
            at("2026-11-29 00:30"),
            "Sunday's grace"
        );
    }

    #[test]
    fn default_is_weekdays_half_nine_to_half_four() {
        let h = OpeningHours::default();
        // 23 Nov 2026 is a Monday.
        assert!(!h.is_open(at("2026-11-23 09:29")));
        assert!(h.is_open(at("2026-11-23 09:30")));
        assert!(!h.is_open(at("2026-11-23 16:30")));
        assert!(!h.is_open(at("2026-11-28 12:00")), "Saturday");
        assert_eq!(
            h.closes(at("2026-11-23 00:00").date()),
            Some(at("2026-11-23 16:30"))
        );
        assert_eq!(
            h.next_opening(at("2026-11-27 17:00")),
            Some(at("2026-11-30 09:30"))
        );
    }

    #[test]
    fn parse_says_what_to_write() {
        assert_eq!(DayHours::parse("closed").unwrap(), DayHours(None));
        assert_eq!(
            DayHours::parse(" 10:00 - 14:00 ").unwrap().to_string(),
            "10:00-14:00"
        );
        assert!(
            DayHours::parse("9-5")
                .unwrap_err()
                .contains("\"09:30-16:30\"")
        );
        assert!(
            DayHours::parse("16:00-09:00")
                .unwrap_err()
                .contains("before")
        );
    }
}
