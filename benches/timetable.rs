//! What a term's timetable costs the kiosk: reading a 500-event iCalendar file (weekly RRULEs
//! over 12 weeks, in Europe/London, with EXDATEs and cancelled instances), expanding a day of it
//! and choosing what the screen offers at 9:58 — beside the software renderer's full frame of
//! the needs screen, measured in the same run. The goal: reading, expanding and choosing in
//! less than one frame.
//!
//! `cargo bench --bench timetable [-- ROUNDS]` prints a Markdown table; under `cargo test` it
//! runs once, small, as a smoke test.

#![warn(clippy::too_many_lines)]

use std::time::Instant;

use chrono::{Duration, NaiveDate, TimeZone};
use chrono_tz::Europe::London;
use hub_kiosk::config::Config;
use hub_kiosk::domain::timetable::{Timetable, offered};
use hub_kiosk::ui::screenshots::{Look, Scene, Shooter};

const COURSES: [&str; 10] = [
    "Managing anxiety",
    "Creative writing for wellbeing",
    "Understanding depression",
    "Building confidence",
    "Cooking on a budget",
    "Stand-up comedy",
    "Digital skills",
    "Mindfulness for beginners",
    "Sleep well",
    "Living with pain",
];

/// A term of `events` weekly courses from Monday 7 September 2026, twelve weeks each.
fn term(events: usize) -> String {
    let mut out = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//term//EN\r\n");
    let first = NaiveDate::from_ymd_opt(2026, 9, 7).unwrap();
    for i in 0..events {
        let day = first + Duration::days((i % 5) as i64);
        let (hour, minute) = (9 + (i / 5) % 9, if i % 2 == 0 { 0 } else { 30 });
        let start = day.and_hms_opt(hour as u32, minute, 0).unwrap();
        let fmt = |t: chrono::NaiveDateTime| t.format("%Y%m%dT%H%M%S").to_string();
        out.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:bench-{i}@college.example\r\nSUMMARY:{} (group {})\r\nLOCATION:Room {}\\, floor {}\r\n\
             DTSTART;TZID=Europe/London:{}\r\nDTEND;TZID=Europe/London:{}\r\nRRULE:FREQ=WEEKLY;COUNT=12\r\n",
            COURSES[i % COURSES.len()],
            i / COURSES.len(),
            i % 12 + 1,
            i % 3,
            fmt(start),
            fmt(start + Duration::minutes(90)),
        ));
        if i % 7 == 0 {
            out.push_str(&format!(
                "EXDATE;TZID=Europe/London:{}\r\n",
                fmt(start + Duration::weeks(6))
            ));
        }
        out.push_str("END:VEVENT\r\n");
        if i % 25 == 0 {
            let moved = start + Duration::weeks(8);
            out.push_str(&format!(
                "BEGIN:VEVENT\r\nUID:bench-{i}@college.example\r\nRECURRENCE-ID;TZID=Europe/London:{m}\r\nSUMMARY:{}\r\n\
                 DTSTART;TZID=Europe/London:{m}\r\nDURATION:PT90M\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n",
                COURSES[i % COURSES.len()],
                m = fmt(moved),
            ));
        }
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn timed<T>(rounds: usize, mut f: impl FnMut() -> T) -> f64 {
    median(
        (0..rounds)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect(),
    )
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let full = args.iter().any(|a| a == "--bench");
    let rounds: usize =
        args.iter()
            .find_map(|a| a.parse().ok())
            .unwrap_or(if full { 31 } else { 1 });
    let events = if full { 500 } else { 50 };
    let text = term(events);
    let parsed = Timetable::parse(&text, London).unwrap();
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    // Monday 2 November 2026 at 9:58, the week after the clocks changed.
    let day = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    let now = London
        .from_local_datetime(&day.and_hms_opt(9, 58, 0).unwrap())
        .unwrap()
        .to_utc();
    let window = Duration::minutes(90);
    let todays = parsed.sessions_on(day);
    let on = offered(&todays, now, window);
    assert!(!on.open.is_empty(), "the term has sessions at 9:58");

    let parse = timed(rounds, || Timetable::parse(&text, London).unwrap());
    let pick = timed(rounds, || offered(&parsed.sessions_on(day), now, window));
    let both = timed(rounds, || {
        let t = Timetable::parse(&text, London).unwrap();
        offered(&t.sessions_on(day), now, window)
    });
    let shooter = Shooter::new(Config::demo()).unwrap();
    shooter.stage(Scene::Needs, "en", Look::default());
    let mut frames = Vec::new();
    for (w, h) in [(800, 480), (1280, 800)] {
        shooter.render(w, h);
        frames.push(((w, h), timed(rounds.max(3), || shooter.render(w, h))));
    }
    println!("| measure ({events} VEVENTs, weekly over 12 weeks; median of {rounds}) | value |");
    println!("|---|---|");
    println!("| file size | {} KiB |", text.len() / 1024);
    println!("| parse the file (content lines + zones + repeat rules) | {parse:.2} ms |");
    println!(
        "| expand Monday 2 November and pick what is on at 9:58 ({} sessions that day, {} offered) | {pick:.2} ms |",
        todays.len(),
        on.open.len()
    );
    println!("| parse + expand + pick | {both:.2} ms |");
    for ((w, h), f) in &frames {
        println!("| frame: needs screen at {w}×{h} (software, full redraw) | {f:.2} ms |");
        println!(
            "| parse + expand + pick, in frames at {w}×{h} | {:.2} |",
            both / f
        );
    }
}
