//! What an upload must be before anything of it is stored or logged: the site and kiosk are ids
//! (1–40 lower-case letters, digits or `-`), the database id is a UUID, every bucket starts an
//! hour in the accepted window, once, with counts from 0 to 100,000, at most 100 needs and 1,000
//! distinct waits (0 to 10,080 minutes), and no more drop-ins seen, missed or closed than joined. With
//! the body limit this bounds what one upload can add to the database.
//! `docs/central-openapi.json` states the same limits as schema.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};

use crate::sync::wire::{Bucket, Problem, Upload};

/// No hour before this: a kiosk whose clock says so has never been set.
const EARLIEST: &str = crate::clock::BUILD_FLOOR;
/// More than this in one hour is a bug, not footfall.
pub const MOST_PER_HOUR: i64 = 100_000;
/// Longest plausible wait, in minutes (a week).
pub const LONGEST_WAIT: i64 = 7 * 24 * 60;
/// Most needs one bucket may name (a screen shows far fewer).
pub const MOST_NEEDS: usize = 100;
/// Most distinct waits one bucket may hold (one per seen drop-in at most).
pub const MOST_WAITS: usize = 1000;
/// Most course titles one bucket may name.
pub const MOST_COURSES: usize = 100;
/// Longest course title, in characters.
pub const LONGEST_TITLE: usize = 120;
/// The largest upload body, in bytes: 500 buckets (the kiosk's largest batch) fit several times.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// A site or kiosk id: what `central.toml` and `kiosk.toml` allow.
pub fn is_id(s: &str) -> bool {
    crate::config::id_ok(s)
}

/// A UUID as a kiosk writes it: 36 characters, lower-case hexadecimal in 8-4-4-4-12 groups.
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_digit() || ('a'..='f').contains(&c),
        })
}

/// Why the upload's own names cannot be taken, if they cannot. Says nothing of what was sent
/// beyond its length, so the answer (and the log) never repeats a bad string.
pub fn names(up: &Upload) -> Option<String> {
    let bad = |field: &str, value: &str, rule: &str| {
        format!(
            "`{field}` ({} characters) is not {rule}: nothing was stored",
            value.chars().count()
        )
    };
    if !is_id(&up.site) {
        return Some(bad(
            "site",
            &up.site,
            "a site id (1–40 lower-case letters, digits or `-`)",
        ));
    }
    if !is_id(&up.kiosk) {
        return Some(bad(
            "kiosk",
            &up.kiosk,
            "a kiosk id (1–40 lower-case letters, digits or `-`)",
        ));
    }
    if !is_uuid(&up.database) {
        return Some(bad(
            "database",
            &up.database,
            "a UUID in lower case (like 5b0c6f0e-6a1f-4b43-9a55-1d2f0c3e7a21)",
        ));
    }
    None
}

/// Everything wrong with the buckets of `up`, judged at `now`.
pub fn check(up: &Upload, now: DateTime<Utc>, max_future: Duration) -> Vec<Problem> {
    let mut checker = Checker::new(now, max_future);
    for b in &up.buckets {
        checker.bucket(b);
    }
    checker.problems
}

/// [`check`] one bucket at a time, in the order of the upload, for a reader that hands each
/// bucket on as soon as it is read (`super::stream`).
pub struct Checker {
    earliest: DateTime<Utc>,
    now: DateTime<Utc>,
    latest: DateTime<Utc>,
    seen: BTreeSet<DateTime<Utc>>,
    /// Buckets checked so far.
    pub count: usize,
    /// What is wrong so far.
    pub problems: Vec<Problem>,
}

impl Checker {
    pub fn new(now: DateTime<Utc>, max_future: Duration) -> Checker {
        Checker {
            earliest: EARLIEST.parse().unwrap_or_default(),
            now,
            latest: now + max_future,
            seen: BTreeSet::new(),
            count: 0,
            problems: Vec::new(),
        }
    }

    /// Takes `h` as the next bucket's hour when [`bucket`](Self::bucket) would find nothing
    /// wrong with it (the start of an hour, in the window, not seen before in this upload);
    /// otherwise changes nothing and says so. For a reader that has checked the rest itself.
    pub fn take_hour(&mut self, h: DateTime<Utc>) -> bool {
        let ok = h.timestamp().rem_euclid(3600) == 0
            && h.timestamp_subsec_nanos() == 0
            && h >= self.earliest
            && h <= self.latest
            && self.seen.insert(h);
        self.count += usize::from(ok);
        ok
    }

    /// Checks the next bucket of the upload; whether it is valid.
    pub fn bucket(&mut self, b: &Bucket) -> bool {
        let (i, before) = (self.count, self.problems.len());
        self.count += 1;
        let (now, latest) = (self.now, self.latest);
        let out = &mut self.problems;
        let mut problem = |field: &str, message: String| {
            out.push(Problem {
                bucket: i,
                hour: b.hour.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                field: field.to_owned(),
                message,
            })
        };
        let h = b.hour;
        if h.timestamp().rem_euclid(3600) != 0 || h.timestamp_subsec_nanos() != 0 {
            problem("hour", "is not the start of an hour".into());
        }
        if h < self.earliest {
            problem(
                "hour",
                format!("is before {EARLIEST}: the kiosk's clock was not set when it counted"),
            );
        } else if h > latest {
            problem(
                "hour",
                format!(
                    "starts {} hours after this server's time ({}): check the kiosk's clock",
                    (h - now).num_hours(),
                    now.format("%Y-%m-%d %H:%M UTC")
                ),
            );
        }
        if !self.seen.insert(h) {
            problem("hour", "appears twice in this upload".into());
        }
        if b.revision < 0 {
            problem("revision", "is negative".into());
        }
        check_counts(&b.counts, &mut problem);
        self.problems.len() == before
    }
}

/// The counts of one bucket.
fn check_counts(cs: &crate::domain::Counts, problem: &mut impl FnMut(&str, String)) {
    let named = [
        ("door_in", cs.door_in),
        ("door_out", cs.door_out),
        ("checkins_anonymous", cs.checkins_anonymous),
        ("checkins_member", cs.checkins_member),
        ("dropins_joined", cs.dropins_joined),
        ("dropins_seen", cs.dropins_seen),
        ("dropins_no_show", cs.dropins_no_show),
        ("attendance", cs.attendance),
        ("dropins_closed", cs.dropins_closed),
        ("help_requests", cs.help_requests),
    ];
    // The field's name is only written out for a count that is wrong.
    let mut count = |field: std::fmt::Arguments<'_>, n: i64| {
        if n < 0 {
            problem(&format!("counts.{field}"), format!("is negative ({n})"));
        } else if n > MOST_PER_HOUR {
            problem(
                &format!("counts.{field}"),
                format!("is {n}, more than {MOST_PER_HOUR} in one hour"),
            );
        }
    };
    for (f, n) in named {
        count(format_args!("{f}"), n);
    }
    for (k, v) in &cs.needs {
        count(format_args!("needs.{k}"), *v);
    }
    for (k, v) in &cs.waits {
        count(format_args!("waits.{k}"), *v);
    }
    for (i, v) in cs.courses.values().enumerate() {
        count(format_args!("courses[{i}]"), *v);
    }
    for m in cs.waits.keys() {
        if !(0..=LONGEST_WAIT).contains(m) {
            problem(
                &format!("counts.waits.{m}"),
                format!("a wait of {m} minutes is not possible (0 to {LONGEST_WAIT})"),
            );
        }
    }
    if cs.needs.len() > MOST_NEEDS {
        problem(
            "counts.needs",
            format!("names {} needs: at most {MOST_NEEDS}", cs.needs.len()),
        );
    }
    if cs.waits.len() > MOST_WAITS {
        problem(
            "counts.waits",
            format!("holds {} waits: at most {MOST_WAITS}", cs.waits.len()),
        );
    }
    check_courses(cs, problem);
    let finished = cs
        .dropins_seen
        .saturating_add(cs.dropins_no_show)
        .saturating_add(cs.dropins_closed);
    if finished > cs.dropins_joined {
        problem(
            "counts.dropins_seen",
            format!(
                "{} seen, {} no-shows and {} closed are more than the {} drop-ins who joined",
                cs.dropins_seen, cs.dropins_no_show, cs.dropins_closed, cs.dropins_joined
            ),
        );
    }
}

/// Course titles are bounded, printable, and add up to no more than the attendance. A bad
/// title is named by its place, never repeated (the answer and the log carry no sent text).
fn check_courses(cs: &crate::domain::Counts, problem: &mut impl FnMut(&str, String)) {
    if cs.courses.len() > MOST_COURSES {
        problem(
            "counts.courses",
            format!("names {} courses: at most {MOST_COURSES}", cs.courses.len()),
        );
    }
    for (i, title) in cs.courses.keys().enumerate() {
        let n = title.chars().count();
        if n == 0 || n > LONGEST_TITLE || title.chars().any(char::is_control) {
            problem(
                &format!("counts.courses[{i}]"),
                format!(
                    "a course title is 1–{LONGEST_TITLE} printable characters (this one has {n})"
                ),
            );
        }
    }
    let named: i64 = cs.courses.values().fold(0i64, |a, n| a.saturating_add(*n));
    if named > cs.attendance {
        problem(
            "counts.courses",
            format!(
                "{named} students by course are more than the attendance of {}",
                cs.attendance
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_uuids_are_told_apart_from_anything_else() {
        assert!(is_uuid("5b0c6f0e-6a1f-4b43-9a55-1d2f0c3e7a21"));
        assert!(is_uuid(&uuid::Uuid::new_v4().to_string()));
        for bad in [
            "5B0C6F0E-6A1F-4B43-9A55-1D2F0C3E7A21",
            "5b0c6f0e6a1f4b439a551d2f0c3e7a21",
            "5b0c6f0e-6a1f-4b43-9a55-1d2f0c3e7a2",
            "5b0c6f0e-6a1f-4b43-9a55-1d2f0c3e7a21\n",
            "",
        ] {
            assert!(!is_uuid(bad), "{bad:?}");
        }
        assert!(is_id("walton") && !is_id("Walton") && !is_id("walton\nx"));
    }

    #[test]
    fn only_the_start_of_an_hour_is_an_hour() {
        use crate::sync::wire::Bucket;
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let leap = chrono::NaiveDate::from_ymd_opt(2026, 11, 23)
            .and_then(|d| d.and_hms_milli_opt(14, 59, 59, 1_000))
            .unwrap()
            .and_utc();
        let hours = [
            at("2026-11-23T10:00:00Z"),
            at("2026-11-23T11:00:00.000Z"),
            at("2026-11-23T12:00:00.5Z"),
            at("2026-11-23T13:00:01Z"),
            at("2026-11-23T14:30:00Z"),
            leap,
            at("2026-11-23T10:00:00Z"),
        ];
        let up = Upload {
            version: 2,
            site: "walton".into(),
            kiosk: "entrance".into(),
            database: "5b0c6f0e-6a1f-4b43-9a55-1d2f0c3e7a21".into(),
            software: None,
            buckets: hours
                .iter()
                .map(|&hour| Bucket {
                    hour,
                    revision: 1,
                    counts: Default::default(),
                })
                .collect(),
        };
        let problems = check(&up, at("2026-11-23T15:00:00Z"), Duration::hours(2));
        let said: Vec<(usize, &str)> = problems
            .iter()
            .map(|p| (p.bucket, p.message.as_str()))
            .collect();
        let start = "is not the start of an hour";
        assert_eq!(
            said,
            [
                (2, start),
                (3, start),
                (4, start),
                (5, start),
                (6, "appears twice in this upload")
            ],
            "{problems:?}"
        );
    }
}
