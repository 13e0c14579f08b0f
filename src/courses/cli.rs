//! `hub-kiosk courses check FILE`: reads a timetable as the kiosk would and says what is wrong,
//! each problem with its line, then lists a day's sessions so the college can see the kiosk
//! reads its times and rooms right. Exits 2 when anything is wrong.

use std::path::PathBuf;

use chrono::{NaiveDate, Utc};
use clap::{Args, Subcommand};

use super::source::read_file;
use crate::domain::timetable::{Session, Timetable};
use crate::service::Failure;

#[derive(Debug, Subcommand)]
pub enum CoursesCommand {
    /// Check a timetable (.ics) and list a day's sessions; problems are named with their line.
    Check(CheckArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The iCalendar file, as exported from the college's calendar.
    pub file: PathBuf,
    /// The site's time zone, for times without one.
    #[arg(long, default_value = "Europe/London")]
    pub timezone: String,
    /// The day to list (YYYY-MM-DD); default: today.
    #[arg(long)]
    pub date: Option<NaiveDate>,
}

pub fn command(cmd: CoursesCommand) -> Result<(), Failure> {
    let CoursesCommand::Check(args) = cmd;
    let tz: chrono_tz::Tz = args.timezone.parse().map_err(|_| {
        Failure::usage(format!(
            "`{}` is not a time zone such as Europe/London",
            args.timezone
        ))
    })?;
    let (_, timetable) = read_file(&args.file, tz).map_err(Failure::usage)?;
    let day = args
        .date
        .unwrap_or_else(|| Utc::now().with_timezone(&tz).date_naive());
    print!(
        "{}",
        report(&args.file.display().to_string(), &timetable, day)
    );
    if timetable.problems.is_empty() {
        return Ok(());
    }
    Err(Failure::usage(format!(
        "{}: {} cannot be used (listed above); the kiosk leaves them out",
        args.file.display(),
        events(timetable.problems.len())
    )))
}

/// For `check-config`: the configured timetable file read as the kiosk would, in a line, or
/// what is wrong with it (the file and the line). An address is fetched only by the kiosk.
pub fn check_configured(config: &crate::config::Config) -> Result<Option<String>, String> {
    let c = &config.courses;
    if let Some(url) = &c.timetable_url {
        return Ok(Some(format!(
            "timetable: {url} (fetched by the kiosk every {} minutes)",
            c.refresh_minutes
        )));
    }
    let Some(path) = &c.timetable else {
        return Ok(None);
    };
    let (_, t) = read_file(path, config.timezone)?;
    if let Some(p) = t.problems.first() {
        let more = match t.problems.len() {
            1 => String::new(),
            n => format!(
                " (and {} more: `hub-kiosk courses check {}` lists them)",
                n - 1,
                path.display()
            ),
        };
        return Err(format!("{}, {p}{more}", path.display()));
    }
    Ok(Some(format!(
        "timetable: {}: {} events, {} courses",
        path.display(),
        t.events(),
        t.courses().len()
    )))
}

/// "1 event", "3 events".
fn events(n: usize) -> String {
    if n == 1 {
        "1 event".to_owned()
    } else {
        format!("{n} events")
    }
}

/// What `check` prints: a summary, the problems with their lines, and the day's sessions.
pub fn report(file: &str, t: &Timetable, day: NaiveDate) -> String {
    let mut out = format!(
        "{file}: {} events, {} courses",
        t.events(),
        t.courses().len()
    );
    if t.all_day > 0 {
        out.push_str(&format!(
            "; {} left out (all-day events are not sessions)",
            events(t.all_day).replacen(' ', " all-day ", 1)
        ));
    }
    out.push('\n');
    for p in &t.problems {
        out.push_str(&format!("{file}, {p}\n"));
    }
    let sessions = t.sessions_on(day);
    out.push_str(&format!("{}: ", day.format("%A %-d %B %Y")));
    if sessions.is_empty() {
        out.push_str("no sessions\n");
    } else {
        out.push_str(&format!("{} sessions\n", sessions.len()));
    }
    for s in &sessions {
        out.push_str(&format!("  {}\n", line(s, t.site())));
    }
    out
}

fn line(s: &Session, tz: chrono_tz::Tz) -> String {
    let time = |t: chrono::DateTime<Utc>| t.with_timezone(&tz).format("%H:%M").to_string();
    let mut l = format!("{}–{}  {}", time(s.starts), time(s.ends), s.title);
    if let Some(room) = &s.room {
        l.push_str(&format!(" — {room}"));
    }
    if let Some(n) = s.capacity {
        l.push_str(&format!(" ({n} places)"));
    }
    if s.cancelled {
        l.push_str(" — cancelled");
    }
    l
}
