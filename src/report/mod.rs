//! Daily footfall as a table: for `hub-kiosk report daily`, the managers' page, the central
//! service's pages and CSV downloads — one set of columns everywhere: the fixed counts, one per
//! need, attendance at sessions and one per course title found in the days, then drop-ins.

mod html;
mod svg;

pub use html::{escape, html_table};
pub use svg::{Series, bar_chart, daily_chart};

use std::fmt::Write;

use crate::domain::{Catalogue, DayTotals};

/// The columns of a table of days: the needs of a catalogue, and the course titles counted in
/// those days (sorted).
pub struct Columns<'a> {
    pub catalogue: &'a Catalogue,
    pub courses: Vec<String>,
}

impl<'a> Columns<'a> {
    pub fn new(catalogue: &'a Catalogue, days: &[DayTotals]) -> Columns<'a> {
        let mut courses: Vec<String> = days
            .iter()
            .flat_map(|d| d.counts.courses.keys().cloned())
            .collect();
        courses.sort();
        courses.dedup();
        Columns { catalogue, courses }
    }
}

/// Column headings, in order: fixed counts, one per need, attendance and one per course, then
/// drop-ins and the median wait.
pub fn headings(cols: &Columns<'_>) -> Vec<String> {
    let mut h: Vec<String> = [
        "date",
        "door_in",
        "door_in_calibrated",
        "door_out",
        "checkins_anonymous",
        "checkins_member",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    h.extend(cols.catalogue.iter().map(|n| format!("need_{}", n.id)));
    h.push("attendance".into());
    h.extend(cols.courses.iter().map(|c| format!("course:{c}")));
    h.extend(
        [
            "dropins_joined",
            "dropins_seen",
            "dropins_no_show",
            "dropins_closed",
            "median_wait_minutes",
            "help_requests",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    h
}

/// Headings for people: "Door in", "Housing", "Attendance", a course's title, "Median wait (min)".
pub fn human_headings(cols: &Columns<'_>) -> Vec<String> {
    let mut h: Vec<String> = [
        "Date",
        "Door in",
        "Door in (calibrated)",
        "Door out",
        "Anonymous check-ins",
        "Member check-ins",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    h.extend(cols.catalogue.iter().map(|n| n.label("en").to_owned()));
    h.push("Attendance at sessions".into());
    h.extend(cols.courses.iter().map(|c| format!("Course: {c}")));
    h.extend(
        [
            "Drop-ins joined",
            "Seen",
            "No-show",
            "Closed at closing",
            "Median wait (min)",
            "Help requests",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    h
}

/// One row of values matching `headings`. The median is empty when nobody was seen.
pub fn row(day: &DayTotals, cols: &Columns<'_>, calibration: f64) -> Vec<String> {
    let c = &day.counts;
    let mut r = vec![
        day.date.to_string(),
        c.door_in.to_string(),
        day.door_in_calibrated(calibration).to_string(),
        c.door_out.to_string(),
        c.checkins_anonymous.to_string(),
        c.checkins_member.to_string(),
    ];
    r.extend(
        cols.catalogue
            .iter()
            .map(|n| c.needs.get(&n.id).copied().unwrap_or(0).to_string()),
    );
    r.push(c.attendance.to_string());
    r.extend(
        cols.courses
            .iter()
            .map(|t| c.courses.get(t).copied().unwrap_or(0).to_string()),
    );
    r.extend([
        c.dropins_joined.to_string(),
        c.dropins_seen.to_string(),
        c.dropins_no_show.to_string(),
        c.dropins_closed.to_string(),
        c.median_wait_minutes()
            .map(|m| m.to_string())
            .unwrap_or_default(),
        c.help_requests.to_string(),
    ]);
    r
}

/// RFC 4180 CSV with a heading row.
pub fn csv(days: &[DayTotals], catalogue: &Catalogue, calibration: f64) -> String {
    let cols = Columns::new(catalogue, days);
    let mut out = csv_line(&headings(&cols));
    for d in days {
        out.push_str(&csv_line(&row(d, &cols, calibration)));
    }
    out
}

/// One CSV record with its CRLF, cells quoted as needed and formulas defused.
pub fn csv_line(cells: &[String]) -> String {
    let quoted: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
    quoted.join(",") + "\r\n"
}

fn csv_cell(s: &str) -> String {
    // A leading = + - @ would be a formula in a spreadsheet: quote such cells with a tick.
    let s = if s.starts_with(['=', '+', '@']) || (s.starts_with('-') && s.parse::<f64>().is_err()) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// A plain text table for the terminal, with a total row.
pub fn text_table(days: &[DayTotals], catalogue: &Catalogue, calibration: f64) -> String {
    let cols = Columns::new(catalogue, days);
    let heads = headings(&cols);
    let mut rows: Vec<Vec<String>> = days.iter().map(|d| row(d, &cols, calibration)).collect();
    if days.len() > 1 {
        let mut total = crate::domain::Counts::default();
        for d in days {
            total.add(&d.counts, 1);
        }
        let t = DayTotals {
            date: days[0].date,
            counts: total,
        };
        let mut r = row(&t, &cols, calibration);
        r[0] = "total".into();
        rows.push(r);
    }
    let widths: Vec<usize> = heads
        .iter()
        .enumerate()
        .map(|(i, h)| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([h.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in std::iter::once(&heads).chain(rows.iter()) {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:>w$}"))
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
    }
    if days.is_empty() {
        out.push_str("(nothing counted in this range)\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Counts, NeedId};
    use chrono::NaiveDate;

    #[test]
    fn csv_has_a_heading_and_one_row_per_day() {
        let c = Catalogue::life_rooms();
        let mut counts = Counts {
            door_in: 10,
            checkins_anonymous: 3,
            dropins_joined: 2,
            dropins_seen: 1,
            ..Counts::default()
        };
        counts.needs.insert(NeedId::new("money").unwrap(), 2);
        counts.waits.insert(12, 1);
        let day = DayTotals {
            date: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            counts,
        };
        let text = csv(&[day], &c, 1.05);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("date,door_in,door_in_calibrated,door_out,"));
        assert!(
            lines[0].ends_with(
                "dropins_joined,dropins_seen,dropins_no_show,dropins_closed,median_wait_minutes,help_requests"
            )
        );
        assert_eq!(
            lines[1],
            "2026-11-23,10,11,0,3,0,0,0,2,0,0,0,0,0,0,0,2,1,0,0,12,0"
        );
    }

    #[test]
    fn attendance_has_a_column_and_each_course_one_more() {
        let c = Catalogue::life_rooms();
        let day = |d: u32, courses: &[(&str, i64)]| DayTotals {
            date: NaiveDate::from_ymd_opt(2026, 11, d).unwrap(),
            counts: Counts {
                attendance: courses.iter().map(|(_, n)| n).sum(),
                courses: courses.iter().map(|(t, n)| (t.to_string(), *n)).collect(),
                ..Counts::default()
            },
        };
        let days = [
            day(
                2,
                &[("Managing anxiety", 9), ("Creative writing, part 2", 4)],
            ),
            day(9, &[("Stand-up comedy", 3)]),
        ];
        let text = csv(&days, &c, 1.0);
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[0].contains(",need_visiting,attendance,\"course:Creative writing, part 2\",course:Managing anxiety,course:Stand-up comedy,dropins_joined,"),
            "{}",
            lines[0]
        );
        assert!(lines[1].contains(",0,13,4,9,0,0,0,0,"), "{}", lines[1]);
        assert!(lines[2].contains(",0,3,0,0,3,0,0,0,"), "{}", lines[2]);
        let totals = totals_row(&days, &c);
        assert!(totals.contains("16"), "{totals}");
    }

    fn totals_row(days: &[DayTotals], c: &Catalogue) -> String {
        text_table(days, c, 1.0)
            .lines()
            .last()
            .unwrap_or_default()
            .to_owned()
    }

    #[test]
    fn cells_that_look_like_formulas_are_defused() {
        assert_eq!(csv_cell("=1+1"), "'=1+1");
        assert_eq!(csv_cell("-5"), "-5");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
    }
}
