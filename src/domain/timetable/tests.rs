//! The fixture term (`tests/fixtures/timetable.ics`): weekly courses on Mondays of autumn
//! 2026 in an IANA zone, a Windows zone name, a VTIMEZONE block, floating time and with a
//! duration; an EXDATE, a cancelled instance, an RDATE, an all-day event; and the week the
//! clocks go back (Sunday 25 October).

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::London;

use super::*;

pub(crate) const FIXTURE: &str = include_str!("../../../tests/fixtures/timetable.ics");

fn term() -> Timetable {
    Timetable::parse(FIXTURE, London).unwrap()
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn london(s: &str) -> DateTime<Utc> {
    let t = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    London.from_local_datetime(&t).unwrap().with_timezone(&Utc)
}

fn titles(sessions: &[Session]) -> Vec<&str> {
    sessions.iter().map(|s| s.title.as_str()).collect()
}

fn offered_at(t: &Timetable, at: &str) -> Offered {
    let now = london(at);
    let today = t.sessions_on(now.with_timezone(&London).date_naive());
    offered(&today, now, Duration::minutes(90))
}

#[test]
fn the_fixture_reads_whole() {
    let t = term();
    assert_eq!(t.problems, vec![], "{:?}", t.problems);
    assert_eq!(t.events(), 9 - 1, "the all-day event is left out");
    assert_eq!(t.all_day, 1);
    assert_eq!(t.courses().len(), 7);
}

#[test]
fn a_monday_lists_every_course_at_its_local_time() {
    let t = term();
    let monday = t.sessions_on(day("2026-11-02"));
    let got: Vec<(String, &str, bool)> = monday
        .iter()
        .map(|s| {
            (
                s.starts.with_timezone(&London).format("%H:%M").to_string(),
                s.title.as_str(),
                s.cancelled,
            )
        })
        .collect();
    let want = [
        ("09:30", "Building confidence", true),
        ("10:00", "Managing anxiety", false),
        ("10:30", "Creative writing", false),
        ("13:30", "Wellbeing walk", false),
        ("14:00", "Digital skills", false),
        ("15:00", "Cooking on a budget", false),
        ("16:30", "Stand-up comedy", false),
    ];
    let want: Vec<(String, &str, bool)> = want
        .iter()
        .map(|(t, n, c)| (t.to_string(), *n, *c))
        .collect();
    assert_eq!(got, want);
    let anxiety = &monday[1];
    assert_eq!(anxiety.room.as_deref(), Some("Room 2, first floor"));
    assert_eq!(anxiety.capacity, Some(12));
    assert_eq!(anxiety.ends - anxiety.starts, Duration::hours(2));
    assert_eq!(monday[0].ends - monday[0].starts, Duration::minutes(90));
}

#[test]
fn what_is_offered_at_nine_five_past_ten_and_four() {
    let t = term();
    let nine = offered_at(&t, "2026-11-02 09:00");
    assert_eq!(titles(&nine.open), ["Managing anxiety", "Creative writing"]);
    assert_eq!(titles(&nine.cancelled), ["Building confidence"]);
    let ten = offered_at(&t, "2026-11-02 10:05");
    assert_eq!(titles(&ten.open), ["Managing anxiety", "Creative writing"]);
    assert_eq!(titles(&ten.cancelled), ["Building confidence"]);
    let four = offered_at(&t, "2026-11-02 16:00");
    assert_eq!(
        titles(&four.open),
        ["Cooking on a budget", "Stand-up comedy"]
    );
    assert!(four.cancelled.is_empty());
    let night = offered_at(&t, "2026-11-02 21:00");
    assert!(night.open.is_empty() && night.cancelled.is_empty());
}

#[test]
fn wall_clock_times_hold_across_the_clock_change() {
    let t = term();
    for (monday, utc_hour) in [("2026-10-19", 9), ("2026-10-26", 10), ("2026-11-02", 10)] {
        let sessions = t.sessions_on(day(monday));
        for (title, local) in [
            ("Managing anxiety", "10:00"),
            ("Creative writing", "10:30"),
            ("Wellbeing walk", "13:30"),
            ("Cooking on a budget", "15:00"),
        ] {
            let s = sessions
                .iter()
                .find(|s| s.title == title)
                .unwrap_or_else(|| panic!("{title} on {monday}"));
            assert_eq!(
                s.starts.with_timezone(&London).format("%H:%M").to_string(),
                local,
                "{title} on {monday}"
            );
        }
        let anxiety = sessions
            .iter()
            .find(|s| s.title == "Managing anxiety")
            .unwrap();
        assert_eq!(
            anxiety.starts.format("%H").to_string(),
            format!("{utc_hour:02}"),
            "{monday}"
        );
    }
    // The first Monday after the change, at 09:00 GMT: the 10:00 class is offered.
    let after = offered_at(&t, "2026-10-26 09:00");
    assert_eq!(
        titles(&after.open),
        [
            "Building confidence",
            "Managing anxiety",
            "Creative writing"
        ]
    );
}

#[test]
fn exdates_rdates_counts_and_until_end_series() {
    let t = term();
    let half = titles(&t.sessions_on(day("2026-11-09"))).join(", ");
    assert!(!half.contains("Managing anxiety"), "EXDATE: {half}");
    assert!(half.contains("Creative writing"), "{half}");
    assert!(
        titles(&t.sessions_on(day("2026-11-16"))).contains(&"Digital skills"),
        "RDATE"
    );
    assert!(!titles(&t.sessions_on(day("2026-11-09"))).contains(&"Digital skills"));
    assert!(titles(&t.sessions_on(day("2026-12-14"))).contains(&"Managing anxiety"));
    assert!(
        t.sessions_on(day("2026-12-21")).is_empty(),
        "UNTIL and COUNT end the term"
    );
    assert!(t.sessions_on(day("2026-11-03")).is_empty(), "a Tuesday");
}

#[test]
fn ids_are_stable_and_name_their_day() {
    let a = term().sessions_on(day("2026-11-02"));
    let b = term().sessions_on(day("2026-11-02"));
    assert_eq!(
        a.iter().map(|s| &s.id).collect::<Vec<_>>(),
        b.iter().map(|s| &s.id).collect::<Vec<_>>()
    );
    let id = &a[1].id;
    assert!(id.as_str().starts_with("20261102-"), "{id}");
    assert_eq!(id.day(), day("2026-11-02"));
    assert_eq!(SessionId::parse(id.as_str()).as_ref(), Some(id));
    assert_eq!(
        term().session(id).map(|s| s.title),
        Some("Managing anxiety".into())
    );
    for bad in [
        "",
        "20261102",
        "20261302-3f9a0c1d2b4e",
        "20261102-3F9A0C1D2B4E",
        "20261102-3f9a",
    ] {
        assert!(SessionId::parse(bad).is_none(), "{bad}");
    }
    let all: std::collections::BTreeSet<_> = a.iter().map(|s| s.id.clone()).collect();
    assert_eq!(all.len(), a.len(), "distinct");
}

#[test]
fn broken_files_name_the_line() {
    let cut = &FIXTURE[..FIXTURE.find("END:VEVENT").unwrap()];
    let e = Timetable::parse(cut, London).unwrap_err();
    assert!(e.message.contains("never closed"), "{e}");
    let e = Timetable::parse("<html><body>Not found</body></html>", London).unwrap_err();
    assert_eq!(e.line, 1, "{e}");
    let stray = FIXTURE.replacen("X-CAPACITY:12", "X-CAPACITY 12", 1);
    let e = Timetable::parse(&stray, London).unwrap_err();
    let line = FIXTURE.lines().position(|l| l == "X-CAPACITY:12").unwrap() + 1;
    assert_eq!(e.line, line, "{e}");
}

#[test]
fn events_that_cannot_be_read_are_left_out_with_their_line() {
    let text = FIXTURE
        .replacen(
            "TZID=GMT Standard Time:20260907T103000",
            "TZID=Mars/Olympus:20260907T103000",
            1,
        )
        .replacen("X-CAPACITY:3", "X-CAPACITY:lots", 1)
        .replacen(
            "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=15\r\nX-CAPACITY:8",
            "RRULE:FREQ=MINUTELY\r\nX-CAPACITY:8",
            1,
        );
    let t = Timetable::parse(&text, London).unwrap();
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let got: Vec<(usize, bool)> = t
        .problems
        .iter()
        .map(|p| (p.line, p.message.is_empty()))
        .collect();
    assert_eq!(
        got,
        vec![
            (line_of("Mars/Olympus"), false),
            (line_of("FREQ=MINUTELY"), false),
            (line_of("X-CAPACITY:lots"), false)
        ],
        "{:#?}",
        t.problems
    );
    assert!(
        t.problems[0]
            .message
            .contains("unknown time zone `Mars/Olympus`"),
        "{}",
        t.problems[0]
    );
    assert!(
        t.problems[2].message.contains("Stand-up comedy"),
        "{}",
        t.problems[2]
    );
    let left: Vec<String> = t
        .sessions_on(day("2026-11-02"))
        .into_iter()
        .map(|s| s.title)
        .collect();
    assert_eq!(left.len(), 4, "{left:?}");
}

#[test]
fn a_repeat_rule_with_odd_characters_is_a_problem_not_a_panic() {
    let text = FIXTURE.replacen(
        "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=15",
        "RRULE:FREQ=MONTHLY;BYDAY=MO,\u{da}O",
        1,
    );
    let t = Timetable::parse(&text, London).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("FREQ=MONTHLY"))
        .unwrap()
        + 1;
    assert_eq!(t.problems.len(), 1, "{:?}", t.problems);
    assert_eq!(t.problems[0].line, line);
    assert!(
        t.problems[0]
            .message
            .contains("not allowed in a repeat rule"),
        "{}",
        t.problems[0]
    );
}

proptest::proptest! {
    /// Odd bytes anywhere in a file never panic the reader: it reads, or names a line.
    #[test]
    fn any_text_reads_or_names_a_line(
        cut in 0usize..4000,
        junk in "[ -~\u{80}-\u{10ffff}\r\n\t;:=\",]{0,40}",
    ) {
        let at = FIXTURE.char_indices().map(|(i, _)| i).nth(cut).unwrap_or(FIXTURE.len());
        let text = format!("{}{junk}{}", &FIXTURE[..at], &FIXTURE[at..]);
        match Timetable::parse(&text, London) {
            Ok(t) => {
                let _ = t.sessions_on(day("2026-11-02"));
            }
            Err(p) => proptest::prop_assert!(p.line >= 1 && !p.message.is_empty()),
        }
    }

    /// Repeat rules from anywhere: whatever a rule holds, the reader reads it or names it.
    #[test]
    fn any_repeat_rule_reads_or_is_named(
        freq in proptest::sample::select(vec!["DAILY", "WEEKLY", "MONTHLY", "YEARLY", "HOURLY", ""]),
        rest in "(;(BYDAY|BYMONTH|BYMONTHDAY|BYSETPOS|BYYEARDAY|BYWEEKNO|COUNT|UNTIL|INTERVAL|WKST)=[-+0-9A-Z,\u{80}-\u{ff}]{0,12}){0,4}",
    ) {
        let text = FIXTURE.replacen(
            "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=15",
            &format!("RRULE:FREQ={freq}{rest}"),
            1,
        );
        let t = Timetable::parse(&text, London).unwrap();
        for d in ["2026-09-07", "2026-11-02", "2027-03-01"] {
            let _ = t.sessions_on(day(d));
        }
    }
}
