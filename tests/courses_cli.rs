//! `hub-kiosk courses check FILE` and `check-config` on a timetable, through the real binary:
//! a good file lists the day's sessions; a broken one, or one with an event that cannot be used,
//! is named with its line and exits 2.

use std::process::Command;

const FIXTURE: &str = include_str!("fixtures/timetable.ics");

fn hub_kiosk(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_hub-kiosk"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn a_good_timetable_lists_the_days_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("college.ics");
    std::fs::write(&file, FIXTURE).unwrap();
    let (code, out, err) = hub_kiosk(&[
        "courses",
        "check",
        file.to_str().unwrap(),
        "--date",
        "2026-11-02",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("8 events, 7 courses; 1 all-day event left out"),
        "{out}"
    );
    assert!(out.contains("Monday 2 November 2026: 7 sessions"), "{out}");
    assert!(
        out.contains("10:00–12:00  Managing anxiety — Room 2, first floor (12 places)"),
        "{out}"
    );
    assert!(
        out.contains("09:30–11:00  Building confidence — Room 1, ground floor — cancelled"),
        "{out}"
    );
}

#[test]
fn problems_are_named_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("college.ics");
    let text = FIXTURE.replacen(
        "TZID=GMT Standard Time:20260907T103000",
        "TZID=Mars/Olympus:20260907T103000",
        1,
    );
    std::fs::write(&file, &text).unwrap();
    let (code, out, err) = hub_kiosk(&[
        "courses",
        "check",
        file.to_str().unwrap(),
        "--date",
        "2026-11-02",
    ]);
    assert_eq!(code, 2, "{out}{err}");
    let line = line_of(&text, "Mars/Olympus");
    assert!(
        out.contains(&format!(
            "college.ics, line {line}: `Creative writing`: unknown time zone `Mars/Olympus`"
        )),
        "{out}"
    );
    assert!(err.contains("1 event cannot be used"), "{err}");
    assert!(
        out.contains("6 sessions"),
        "the others are still listed: {out}"
    );

    // Cut short: not a calendar the kiosk can use at all.
    let cut = &FIXTURE[..FIXTURE.find("END:VCALENDAR").unwrap()];
    std::fs::write(&file, cut).unwrap();
    let (code, _, err) = hub_kiosk(&["courses", "check", file.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("college.ics, line 1: BEGIN:VCALENDAR is never closed"),
        "{err}"
    );
}

#[test]
fn check_config_reads_the_timetable_it_names() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("college.ics");
    let config = dir.path().join("kiosk.toml");
    let toml = format!(
        "[site]\nid = \"walton\"\nname = \"The Life Rooms Walton\"\n[kiosk]\ndata_dir = \"{}\"\n[courses]\ntimetable = \"{}\"\n",
        dir.path().join("data").display(),
        file.display()
    );
    std::fs::write(&config, toml).unwrap();
    std::fs::write(&file, FIXTURE).unwrap();
    let (code, out, err) = hub_kiosk(&["check-config", config.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("timetable: ") && out.contains("8 events, 7 courses"),
        "{out}"
    );
    let broken = FIXTURE.replacen("X-CAPACITY:12", "X-CAPACITY:plenty", 1);
    std::fs::write(&file, &broken).unwrap();
    let (code, out, err) = hub_kiosk(&["check-config", config.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}{err}");
    let line = line_of(&broken, "X-CAPACITY:plenty");
    assert!(
        err.contains(&format!(
            "college.ics, line {line}: `Managing anxiety`: X-CAPACITY is a number"
        )),
        "{err}"
    );
    std::fs::remove_file(&file).unwrap();
    let (code, _, err) = hub_kiosk(&["check-config", config.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot read") && err.contains("college.ics"),
        "{err}"
    );
}
