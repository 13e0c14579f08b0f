//! `[courses]`: where the Recovery College timetable comes from (a file, or an https address
//! fetched every `refresh_minutes`), which sessions the screen offers (`window_minutes`), places
//! per course when the calendar has none, whether course titles or only totals are forwarded,
//! how long registers are kept, and what a student whose session was cancelled is told.
//! `docs/courses.md` explains each.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::Texts;

/// What of a session's attendance leaves the site.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Forward {
    /// Only the number of students per hour: a title can name a person ("1:1 with Sam").
    #[default]
    Totals,
    /// The number per course title.
    Titles,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Courses {
    /// An iCalendar file exported from the college's calendar.
    pub timetable: Option<PathBuf>,
    /// Or an https address of one (a calendar's "secret address in iCal format").
    pub timetable_url: Option<String>,
    /// A certificate authority (PEM) to trust for `timetable_url`, besides the system's.
    pub ca_certificate: Option<PathBuf>,
    /// Minutes between reading the timetable again.
    pub refresh_minutes: u32,
    /// Sessions starting within this many minutes (or in progress) are offered.
    pub window_minutes: u32,
    /// Places per course title, for events without `X-CAPACITY`.
    pub capacity: BTreeMap<String, u32>,
    pub forward: Forward,
    /// Days registers (with member numbers) are kept; default: `[kiosk] retention_days`.
    pub register_retention_days: Option<u32>,
    /// Where a student whose session is cancelled can ask, per language.
    pub cancelled_help: Texts,
}

impl Default for Courses {
    fn default() -> Self {
        Courses {
            timetable: None,
            timetable_url: None,
            ca_certificate: None,
            refresh_minutes: 15,
            window_minutes: 90,
            capacity: BTreeMap::new(),
            forward: Forward::Totals,
            register_retention_days: None,
            cancelled_help: default_help(),
        }
    }
}

fn default_help() -> Texts {
    [
        (
            "en",
            "Please ask at the front desk: they can tell you what is on instead.",
        ),
        (
            "pl",
            "Zapytaj w recepcji: powiedzą, co odbywa się zamiast tego.",
        ),
        (
            "ar",
            "يرجى السؤال في مكتب الاستقبال: سيخبرونك بما هو متاح بدلاً من ذلك.",
        ),
        ("zh", "请到前台询问:他们会告诉你现在有哪些其他活动。"),
    ]
    .iter()
    .map(|(l, t)| (l.to_string(), t.to_string()))
    .collect()
}

impl Courses {
    /// Whether a timetable is configured.
    pub fn configured(&self) -> bool {
        self.timetable.is_some() || self.timetable_url.is_some()
    }
}

/// Problems as (dotted key, message).
pub fn problems(c: &Courses) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut say = |key: &str, message: String| out.push((format!("courses.{key}"), message));
    if c.timetable.is_some() && c.timetable_url.is_some() {
        say(
            "timetable_url",
            "give either timetable (a file) or timetable_url (an https address), not both".into(),
        );
    }
    if let Some(url) = &c.timetable_url
        && (!url.starts_with("https://") || url.len() < 12 || url.contains(char::is_whitespace))
    {
        say(
            "timetable_url",
            "use an https:// address, e.g. \"https://calendar.example.org/college.ics\"".into(),
        );
    }
    if let Some(path) = &c.ca_certificate
        && !path.is_file()
    {
        say(
            "ca_certificate",
            format!("{} does not exist or is not a file", path.display()),
        );
    }
    if !(1..=1440).contains(&c.refresh_minutes) {
        say(
            "refresh_minutes",
            "use minutes from 1 to 1440 (15 is usual)".into(),
        );
    }
    if !(10..=480).contains(&c.window_minutes) {
        say(
            "window_minutes",
            "use minutes from 10 to 480 (90 is usual)".into(),
        );
    }
    if c.register_retention_days
        .is_some_and(|d| !(1..=3650).contains(&d))
    {
        say(
            "register_retention_days",
            "use a number of days from 1 to 3650".into(),
        );
    }
    for (title, places) in &c.capacity {
        if !(1..=1000).contains(places) {
            say(
                &format!("capacity.{title}"),
                "use a number of places from 1 to 1000".into(),
            );
        }
    }
    if !c.cancelled_help.contains_key("en") {
        say(
            "cancelled_help",
            "give at least the English text: en = \"…\"".into(),
        );
    }
    out
}
