//! How a series repeats. The rules courses use — `FREQ=DAILY` or `WEEKLY`, with `INTERVAL`,
//! `COUNT` or `UNTIL`, `BYDAY` of plain weekdays and `WKST` — are worked out by arithmetic for
//! the days asked about, instead of walking the series from its first meeting: a term of 500
//! courses is expanded for a day in microseconds. Every other rule is the `rrule` crate's
//! ([`Recurrence::Full`]); a test checks that both give the same meetings for simple rules.

use std::panic::AssertUnwindSafe;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Weekday};
use rrule::{RRule, RRuleSet, Unvalidated};

use super::zone::floating;

/// Most instances of one series looked at for one window (a weekly course has a handful).
const MOST: u16 = 1000;

/// What `f` gives, or why not when the `rrule` crate panics inside it on odd input: the
/// kiosk reads timetables from outside, and one bad rule must not stop it.
pub(super) fn guarded<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    std::panic::catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err("the repeat rule cannot be read".to_owned()))
}

/// An RRULE value read by the `rrule` crate, or why it cannot be used. A rule is ASCII by
/// RFC 5545's grammar; the crate slices other text mid-character and panics, so that is
/// refused first. Callers run it inside [`guarded`], with the rest of the crate's work.
pub(super) fn crate_rule(rule: &str) -> Result<RRule<Unvalidated>, String> {
    if let Some(c) = rule.chars().find(|c| !c.is_ascii() || c.is_ascii_control()) {
        return Err(format!(
            "`{}` is not allowed in a repeat rule",
            c.escape_default()
        ));
    }
    rule.parse::<RRule<Unvalidated>>()
        .map_err(|e| e.to_string())
}

/// A series' repeats, in wall-clock time of its zone.
#[derive(Clone, Debug)]
pub(super) enum Recurrence {
    /// A simple rule (or none: RDATEs only), its extra dates and the dates taken out.
    Simple {
        rule: Option<Simple>,
        rdates: Vec<NaiveDateTime>,
        exdates: Vec<NaiveDateTime>,
    },
    /// Any other rule, with its RDATEs and EXDATEs.
    Full(Box<RRuleSet>),
}

impl Recurrence {
    /// Wall-clock starts between `lo` and `hi` (inclusive), in order.
    pub fn starts(&self, lo: NaiveDateTime, hi: NaiveDateTime) -> Vec<NaiveDateTime> {
        match self {
            // A rule the crate read and validated; should it still panic on one, that series
            // has no meetings rather than the kiosk stopping.
            Recurrence::Full(set) => std::panic::catch_unwind(AssertUnwindSafe(|| {
                set.as_ref()
                    .clone()
                    .after(floating(lo))
                    .before(floating(hi))
                    .all(MOST)
                    .dates
                    .into_iter()
                    .map(|d| d.naive_utc())
                    .collect()
            }))
            .unwrap_or_default(),
            Recurrence::Simple {
                rule,
                rdates,
                exdates,
            } => {
                let mut out: Vec<NaiveDateTime> = rule
                    .iter()
                    .flat_map(|r| r.starts(lo, hi))
                    .chain(rdates.iter().copied().filter(|t| lo <= *t && *t <= hi))
                    .filter(|t| !exdates.contains(t))
                    .collect();
                out.sort_unstable();
                out.dedup();
                out
            }
        }
    }
}

/// A daily or weekly rule.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Simple {
    start: NaiveDateTime,
    weekly: bool,
    interval: i64,
    count: Option<i64>,
    until: Option<NaiveDateTime>,
    /// Weekdays it meets on (bit `n` for `n` days from Monday); weekly rules only.
    days: u8,
    /// The first day of the week, for weekly rules with an interval.
    wkst: Weekday,
}

fn weekday(v: &str) -> Option<Weekday> {
    Some(match v {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return None,
    })
}

fn bit(d: Weekday) -> u8 {
    1 << d.num_days_from_monday()
}

impl Simple {
    /// `rule` (an RRULE's value) starting at `start`, when it is simple; `until` reads an
    /// UNTIL value as wall time in the series' zone. `None` sends the rule to the `rrule`
    /// crate, which also explains what is wrong with one that cannot be used.
    pub fn parse(
        rule: &str,
        start: NaiveDateTime,
        until: impl Fn(&str) -> Option<NaiveDateTime>,
    ) -> Option<Simple> {
        let mut s = Simple {
            start,
            weekly: false,
            interval: 1,
            count: None,
            until: None,
            days: 0,
            wkst: Weekday::Mon,
        };
        let mut seen = Vec::new();
        let mut freq = None;
        for part in rule.trim().split(';').filter(|p| !p.is_empty()) {
            let (key, value) = part.split_once('=')?;
            let key = key.to_ascii_uppercase();
            let value = value.to_ascii_uppercase();
            if seen.contains(&key) {
                return None;
            }
            match key.as_str() {
                "FREQ" => freq = Some(value),
                "INTERVAL" => s.interval = value.parse().ok().filter(|n| (1..=1000).contains(n))?,
                "COUNT" => s.count = Some(value.parse().ok().filter(|n| (1..=10_000).contains(n))?),
                // A date without a time is left to the crate, which has its own reading of it.
                "UNTIL" if value.len() > 8 => s.until = Some(until(&value)?),
                "BYDAY" => {
                    for d in value.split(',') {
                        s.days |= bit(weekday(d)?);
                    }
                }
                "WKST" => s.wkst = weekday(&value)?,
                _ => return None,
            }
            seen.push(key);
        }
        s.weekly = match freq.as_deref()? {
            "WEEKLY" => true,
            "DAILY" if s.days == 0 => false,
            _ => return None,
        };
        if s.weekly && s.days == 0 {
            s.days = bit(start.weekday());
        }
        // The start must be a meeting of the rule, and the rule must end after it.
        let odd = s.weekly && s.days & bit(start.weekday()) == 0;
        let over = s.until.is_some_and(|u| u < start) || (s.count.is_some() && s.until.is_some());
        (!odd && !over).then_some(s)
    }

    /// Where `d` is in its week, counted from the rule's first day of the week.
    fn position(&self, d: NaiveDate) -> u32 {
        (d.weekday().num_days_from_monday() + 7 - self.wkst.num_days_from_monday()) % 7
    }

    /// The meeting days of a week before position `pos`.
    fn before(&self, pos: u32) -> i64 {
        (0..pos)
            .filter(|p| {
                let day = (self.wkst.num_days_from_monday() + p) % 7;
                self.days & (1 << day) != 0
            })
            .count() as i64
    }

    /// The index of the meeting on `d` (0 for the first), if the rule meets that day.
    fn index(&self, d: NaiveDate) -> Option<i64> {
        let first = self.start.date();
        if d < first {
            return None;
        }
        if !self.weekly {
            let days = (d - first).num_days();
            return (days % self.interval == 0).then_some(days / self.interval);
        }
        if self.days & bit(d.weekday()) == 0 {
            return None;
        }
        let week_of = |x: NaiveDate| x - chrono::Duration::days(i64::from(self.position(x)));
        let weeks = (week_of(d) - week_of(first)).num_days() / 7;
        if weeks % self.interval != 0 {
            return None;
        }
        let per_week = i64::from(self.days.count_ones());
        let (at_d, at_first) = (
            self.before(self.position(d)),
            self.before(self.position(first)),
        );
        Some(match weeks / self.interval {
            0 => at_d - at_first,
            n => (per_week - at_first) + (n - 1) * per_week + at_d,
        })
    }

    /// Wall-clock starts between `lo` and `hi` (inclusive).
    fn starts(&self, lo: NaiveDateTime, hi: NaiveDateTime) -> Vec<NaiveDateTime> {
        let mut out = Vec::new();
        let mut d = lo.date();
        while d <= hi.date() {
            let t = d.and_time(self.start.time());
            let meets = self
                .index(d)
                .is_some_and(|i| self.count.is_none_or(|c| i < c));
            if meets && lo <= t && t <= hi && self.until.is_none_or(|u| t <= u) {
                out.push(t);
            }
            let Some(next) = d.succ_opt() else { break };
            d = next;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, NaiveTime};
    use proptest::prelude::*;

    use super::super::read::full;
    use super::super::zone::Zone;
    use super::*;

    const DAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

    /// A simple rule as a calendar would write it, from its parts.
    fn rule(
        start: NaiveDateTime,
        weekly: bool,
        interval: u8,
        end: u8,
        until_days: i64,
        extra_days: u8,
        wkst: usize,
    ) -> String {
        let mut r = format!("FREQ={}", if weekly { "WEEKLY" } else { "DAILY" });
        if interval > 1 {
            r += &format!(";INTERVAL={interval}");
        }
        // Half of them end exactly at a meeting, which is kept.
        let until = start + Duration::days(until_days) - Duration::minutes(i64::from(end & 4) * 20);
        match end % 4 {
            1 => r += &format!(";COUNT={}", 1 + until_days % 30),
            2 => r += &format!(";UNTIL={}", until.format("%Y%m%dT%H%M%S")),
            3 => r += &format!(";UNTIL={}Z", until.format("%Y%m%dT%H%M%S")),
            _ => {}
        }
        if weekly && extra_days != 0 {
            let first = start.weekday().num_days_from_monday() as usize;
            let days: Vec<&str> = (0..7)
                .filter(|d| *d == first || extra_days & (1 << d) != 0)
                .map(|d| DAYS[d])
                .collect();
            r += &format!(";BYDAY={}", days.join(","));
        }
        if wkst < 7 {
            r += &format!(";WKST={}", DAYS[wkst]);
        }
        r
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// For every simple rule, the meetings worked out by arithmetic are the `rrule`
        /// crate's, EXDATEs and RDATEs included, across the clock changes of Europe/London.
        #[test]
        fn simple_rules_meet_when_the_rrule_crate_says(
            first in 0i64..800,
            minutes in 0u32..48,
            weekly: bool,
            interval in 1u8..5,
            end: u8,
            until_days in 1i64..200,
            extra_days: u8,
            wkst in 0usize..9,
            skip in 0i64..40,
            from in -3i64..300,
            span in 1i64..9,
        ) {
            let day0 = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
            let time = NaiveTime::from_hms_opt(minutes / 2, (minutes % 2) * 30, 0).unwrap();
            let start = (day0 + Duration::days(first)).and_time(time);
            let text = rule(start, weekly, interval, end, until_days, extra_days, wkst);
            let zone = Zone::Named(chrono_tz::Europe::London);
            let until = |v: &str| {
                let t = super::super::read::naive_date_time(v)?;
                Some(if v.ends_with('Z') { zone.to_local(t.and_utc()) } else { t })
            };
            let simple = Simple::parse(&text, start, until);
            prop_assert!(simple.is_some(), "{text} is simple");
            let exdates = vec![start + Duration::days(skip)];
            let rdates = vec![start + Duration::days(skip + 1) + Duration::minutes(15)];
            let set = full(&text, start, &zone, &rdates, &exdates).unwrap();
            let mine = Recurrence::Simple { rule: simple, rdates, exdates };
            let theirs = Recurrence::Full(Box::new(set));
            let lo = (start.date() + Duration::days(from)).and_hms_opt(0, 0, 0).unwrap();
            let hi = lo + Duration::days(span);
            prop_assert_eq!(mine.starts(lo, hi), theirs.starts(lo, hi), "{}", text);
        }
    }

    #[test]
    fn other_rules_go_to_the_rrule_crate() {
        let start = NaiveDate::from_ymd_opt(2026, 9, 7)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap();
        let none = |_: &str| None;
        for rule in [
            "FREQ=MONTHLY;BYDAY=1MO",
            "FREQ=WEEKLY;BYDAY=TU",
            "FREQ=WEEKLY;BYDAY=1MO",
            "FREQ=DAILY;BYDAY=MO,WE",
            "FREQ=WEEKLY;BYHOUR=10",
            "FREQ=WEEKLY;COUNT=0",
            "FREQ=WEEKLY;COUNT=3;COUNT=4",
            "FREQ=WEEKLY;UNTIL=20261231",
            "FREQ=MINUTELY",
            "COUNT=3",
            "FREQ=WEEKLY;INTERVAL=x",
        ] {
            assert!(Simple::parse(rule, start, none).is_none(), "{rule}");
        }
        assert!(Simple::parse("freq=weekly;byday=mo,th;count=24", start, none).is_some());
    }
}
