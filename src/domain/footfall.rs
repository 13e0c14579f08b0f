//! Footfall: what happened in each hour, as counts that add up.
//!
//! Every record (a check-in, a ticket, a door pass) contributes a small `Counts` to the hour it
//! belongs to; the store adds that contribution when the record is written and, when a ticket
//! moves or a record is re-dated, subtracts the old contribution and adds the new one. So hourly
//! totals always equal the sum of the records, and a day is the sum of its hours.
//!
//! A ticket counts in the hour the visitor joined: joined, and later seen, no-show or closed by
//! the clock, and its waiting time (to the minute) in a small histogram. A help request counts
//! in the hour it was made. Histograms add up, so a day's median wait
//! is exact to the minute even though it is built from hours.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeZone, Timelike, Utc};
use serde::{Deserialize, Serialize};

use super::checkin::{CheckIn, Visitor};
use super::estimate::median;
use super::needs::NeedId;
use super::ticket::{Ticket, TicketState};

/// Which way someone went through the door.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    In,
    Out,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "in" => Some(Direction::In),
            "out" => Some(Direction::Out),
            _ => None,
        }
    }
}

/// The start of the UTC hour containing `t`.
pub fn hour_start(t: DateTime<Utc>) -> DateTime<Utc> {
    t.with_minute(0)
        .and_then(|t| t.with_second(0))
        .and_then(|t| t.with_nanosecond(0))
        .expect("every instant has an hour start")
}

/// Counts for one hour (or a sum of hours). Every field adds. Fields missing when read (from an
/// older kiosk) are zero.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Counts {
    pub door_in: i64,
    pub door_out: i64,
    pub checkins_anonymous: i64,
    pub checkins_member: i64,
    /// Check-ins that chose each need.
    pub needs: BTreeMap<NeedId, i64>,
    pub dropins_joined: i64,
    pub dropins_seen: i64,
    pub dropins_no_show: i64,
    /// Tickets still waiting past closing and the grace time, closed by the clock.
    pub dropins_closed: i64,
    /// Waiting time of seen tickets: whole minutes → how many.
    pub waits: BTreeMap<i64, i64>,
    /// Students on the registers of Recovery College sessions, in the hour each session starts.
    pub attendance: i64,
    /// The same by course title. Kept on the kiosk; forwarded only with `[courses] forward =
    /// "titles"` (a title can name a person).
    pub courses: BTreeMap<String, i64>,
    /// "I need to talk to someone now" taps (nothing about who).
    pub help_requests: i64,
}

impl Counts {
    /// Adds `other` × `sign` (1 to add, −1 to take away), dropping map entries that reach zero.
    pub fn add(&mut self, other: &Counts, sign: i64) {
        self.door_in += sign * other.door_in;
        self.door_out += sign * other.door_out;
        self.checkins_anonymous += sign * other.checkins_anonymous;
        self.checkins_member += sign * other.checkins_member;
        self.dropins_joined += sign * other.dropins_joined;
        self.dropins_seen += sign * other.dropins_seen;
        self.dropins_no_show += sign * other.dropins_no_show;
        self.attendance += sign * other.attendance;
        self.dropins_closed += sign * other.dropins_closed;
        self.help_requests += sign * other.help_requests;
        merge(&mut self.needs, &other.needs, sign);
        merge(&mut self.waits, &other.waits, sign);
        merge(&mut self.courses, &other.courses, sign);
    }

    pub fn is_zero(&self) -> bool {
        *self == Counts::default()
    }

    pub fn checkins(&self) -> i64 {
        self.checkins_anonymous + self.checkins_member
    }

    /// Median waiting time in minutes of the seen tickets counted here.
    pub fn median_wait_minutes(&self) -> Option<i64> {
        let total: i64 = self.waits.values().sum();
        if total <= 0 {
            return None;
        }
        // The lower median for an even total, like `estimate::median` on expanded samples.
        let lower = (total - 1) / 2;
        let upper = total / 2;
        let nth = |k: i64| {
            let mut seen = 0;
            for (minute, n) in &self.waits {
                seen += n;
                if seen > k {
                    return *minute;
                }
            }
            0
        };
        Some((nth(lower) + nth(upper)) / 2)
    }

    /// Any count negative: a sign of a bug or bad input.
    pub fn has_negative(&self) -> bool {
        [
            self.door_in,
            self.door_out,
            self.checkins_anonymous,
            self.checkins_member,
            self.dropins_joined,
            self.dropins_seen,
            self.dropins_no_show,
            self.attendance,
            self.dropins_closed,
            self.help_requests,
        ]
        .iter()
        .chain(self.needs.values())
        .chain(self.waits.values())
        .chain(self.courses.values())
        .any(|n| *n < 0)
            || self.waits.keys().any(|m| *m < 0)
    }
}

fn merge<K: Ord + Clone>(into: &mut BTreeMap<K, i64>, from: &BTreeMap<K, i64>, sign: i64) {
    for (k, v) in from {
        let e = into.entry(k.clone()).or_insert(0);
        *e += sign * v;
        if *e == 0 {
            into.remove(k);
        }
    }
}

/// What one check-in adds: one check-in of its kind and one for each need, in its hour.
pub fn check_in_counts(c: &CheckIn) -> (DateTime<Utc>, Counts) {
    let mut counts = Counts::default();
    match c.visitor {
        Visitor::Anonymous => counts.checkins_anonymous = 1,
        Visitor::Member(_) => counts.checkins_member = 1,
    }
    for need in &c.needs {
        counts.needs.insert(need.clone(), 1);
    }
    (hour_start(c.at.utc), counts)
}

/// What one ticket adds, in the hour it joined: joined, its outcome, and its wait once seen.
pub fn ticket_counts(t: &Ticket) -> (DateTime<Utc>, Counts) {
    let mut counts = Counts {
        dropins_joined: 1,
        ..Counts::default()
    };
    match t.state {
        TicketState::Seen => {
            counts.dropins_seen = 1;
            let minutes = t.waited().map_or(0, |w| w.num_minutes());
            counts.waits.insert(minutes, 1);
        }
        TicketState::NoShow => counts.dropins_no_show = 1,
        TicketState::Closed => counts.dropins_closed = 1,
        _ => {}
    }
    (hour_start(t.created), counts)
}

/// What one student on a session's register adds: attendance of its course, in the hour the
/// session starts (whenever they were added).
pub fn attendance_counts(starts: DateTime<Utc>, course: &str) -> (DateTime<Utc>, Counts) {
    let counts = Counts {
        attendance: 1,
        courses: BTreeMap::from([(course.to_owned(), 1)]),
        ..Counts::default()
    };
    (hour_start(starts), counts)
}

/// What one help request adds, in the hour it was made.
pub fn help_counts(at: DateTime<Utc>) -> (DateTime<Utc>, Counts) {
    let counts = Counts {
        help_requests: 1,
        ..Counts::default()
    };
    (hour_start(at), counts)
}

/// What one door pass adds.
pub fn door_counts(at: DateTime<Utc>, direction: Direction) -> (DateTime<Utc>, Counts) {
    let mut counts = Counts::default();
    match direction {
        Direction::In => counts.door_in = 1,
        Direction::Out => counts.door_out = 1,
    }
    (hour_start(at), counts)
}

/// One site-local day of footfall.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DayTotals {
    pub date: NaiveDate,
    pub counts: Counts,
}

impl DayTotals {
    /// Door "in" count with the site's calibration factor applied (raw counts are kept).
    pub fn door_in_calibrated(&self, factor: f64) -> i64 {
        (self.counts.door_in as f64 * factor).round() as i64
    }
}

/// Sums hourly buckets into site-local days, in date order, omitting days with nothing.
pub fn daily<Tz: TimeZone>(hours: &[(DateTime<Utc>, Counts)], tz: &Tz) -> Vec<DayTotals> {
    let mut days: BTreeMap<NaiveDate, Counts> = BTreeMap::new();
    for (hour, counts) in hours {
        let date = hour.with_timezone(tz).date_naive();
        days.entry(date).or_default().add(counts, 1);
    }
    days.into_iter()
        .filter(|(_, c)| !c.is_zero())
        .map(|(date, counts)| DayTotals { date, counts })
        .collect()
}

/// The UTC hours that can hold the site-local days `from..=to`: local midnight is within 15
/// hours of UTC midnight everywhere, so read that margin and let `daily_between` keep the dates.
pub fn utc_window(from: NaiveDate, to: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    (
        midnight(from) - chrono::Duration::hours(15),
        midnight(to) + chrono::Duration::hours(39),
    )
}

/// Daily totals of `hours` for exactly the local days `from..=to`.
pub fn daily_between<Tz: TimeZone>(
    hours: &[(DateTime<Utc>, Counts)],
    tz: &Tz,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<DayTotals> {
    daily(hours, tz)
        .into_iter()
        .filter(|d| d.date >= from && d.date <= to)
        .collect()
}

/// Median of expanded samples; used to check the histogram median.
pub fn median_of_samples(samples: &[i64]) -> Option<i64> {
    median(&mut samples.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Catalogue, Language, Source, Stamp};
    use chrono::Duration;

    #[test]
    fn hours_add_and_subtract_back_to_zero() {
        let c = Catalogue::life_rooms();
        let at = Utc.with_ymd_and_hms(2026, 11, 23, 10, 42, 7).unwrap();
        let ci = CheckIn::new(
            &c,
            Visitor::Anonymous,
            &["money", "courses"],
            Language::english(),
            Source::Touchscreen,
            Stamp::synced_at(at),
        )
        .unwrap();
        let (hour, counts) = check_in_counts(&ci);
        assert_eq!(hour, Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap());
        let mut total = Counts::default();
        total.add(&counts, 1);
        total.add(&counts, 1);
        assert_eq!(total.checkins_anonymous, 2);
        assert_eq!(total.needs[&NeedId::new("money").unwrap()], 2);
        total.add(&counts, -1);
        total.add(&counts, -1);
        assert!(total.is_zero(), "{total:?}");
        let (hour, course) = attendance_counts(at, "Managing anxiety");
        assert_eq!(hour, Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap());
        total.add(&course, 1);
        total.add(&course, 1);
        assert_eq!(
            (total.attendance, total.courses["Managing anxiety"]),
            (2, 2)
        );
        total.add(&course, -2);
        assert!(total.is_zero(), "{total:?}");
    }

    #[test]
    fn histogram_median_matches_the_samples() {
        for samples in [vec![3], vec![1, 9], vec![4, 4, 20, 0, 7], vec![10, 2, 2, 8]] {
            let mut c = Counts::default();
            for s in &samples {
                *c.waits.entry(*s).or_default() += 1;
            }
            assert_eq!(
                c.median_wait_minutes(),
                median_of_samples(&samples),
                "{samples:?}"
            );
        }
    }

    #[test]
    fn days_are_local_and_sum_their_hours() {
        let tz = chrono_tz::Europe::London;
        // 23:30 UTC on 1 July is 00:30 on 2 July in London (BST).
        let summer = Utc.with_ymd_and_hms(2026, 7, 1, 23, 0, 0).unwrap();
        let (h1, mut c1) = door_counts(summer, Direction::In);
        c1.door_in = 5;
        let (h2, c2) = door_counts(summer - Duration::hours(1), Direction::Out);
        let days = daily(&[(h1, c1), (h2, c2)], &tz);
        assert_eq!(days.len(), 2);
        assert_eq!(days[0].date, NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
        assert_eq!(days[0].counts.door_out, 1);
        assert_eq!(days[1].date, NaiveDate::from_ymd_opt(2026, 7, 2).unwrap());
        assert_eq!(days[1].door_in_calibrated(1.1), 6);
    }
}
