//! The command line as an operator uses it: example config, check-config, daily reports.

use std::path::Path;
use std::process::{Command, Output};

use chrono::{Duration, Utc};
use hub_kiosk::domain::footfall::Direction;
use hub_kiosk::domain::{Catalogue, CheckIn, Language, NeedId, Source, Stamp, Visitor};
use hub_kiosk::store::{NewTicket, Store};

fn hub_kiosk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hub-kiosk"))
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn the_example_config_passes_check_config() {
    let dir = tempfile::tempdir().unwrap();
    let out = hub_kiosk(&["config", "example"]);
    assert!(out.status.success());
    let file = dir.path().join("k.toml");
    std::fs::write(&file, &out.stdout).unwrap();
    // Its TLS files are made at the appliance's first boot: until then it says how.
    let check = hub_kiosk(&["check-config", file.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(2));
    assert!(
        text(&check.stderr).contains("/etc/hub-kiosk/tls/cert.pem does not exist")
            && text(&check.stderr).contains("hub-kiosk staff tls"),
        "{}",
        text(&check.stderr)
    );
    let tls = dir.path().join("tls");
    let made = hub_kiosk(&[
        "staff",
        "tls",
        "--self-signed",
        "--out",
        tls.to_str().unwrap(),
    ]);
    assert!(made.status.success(), "{}", text(&made.stderr));
    let example = text(&out.stdout).replace("/etc/hub-kiosk/tls", tls.to_str().unwrap());
    std::fs::write(&file, example).unwrap();
    let check = hub_kiosk(&["check-config", file.to_str().unwrap()]);
    assert!(check.status.success(), "{}", text(&check.stderr));
    assert!(text(&check.stdout).contains("ok — site `walton`"));
    assert!(
        !text(&check.stdout).contains("warning"),
        "{}",
        text(&check.stdout)
    );
}

#[test]
fn a_broken_key_fails_check_config_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let example = text(&hub_kiosk(&["config", "example"]).stdout);
    let line = example
        .lines()
        .position(|l| l.starts_with("done_seconds"))
        .unwrap()
        + 1;
    let file = dir.path().join("k.toml");
    std::fs::write(
        &file,
        example.replace("done_seconds = 15", "done_seconds = -3"),
    )
    .unwrap();
    let check = hub_kiosk(&["check-config", file.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(2));
    let err = text(&check.stderr);
    assert!(
        err.contains(&format!("line {line}")) && err.contains("done_seconds"),
        "{err}"
    );
}

#[test]
fn version_is_printed() {
    let out = hub_kiosk(&["--version"]);
    assert!(text(&out.stdout).starts_with("hub-kiosk "));
}

fn fill(db: &Path) {
    let store = Store::open(db).unwrap();
    let c = Catalogue::life_rooms();
    // Monday 23 Nov 2026: 3 check-ins, 2 drop-ins (one seen after 12 min), 4 door passes.
    let t0 = "2026-11-23T10:05:00Z".parse().unwrap();
    for (i, needs) in [
        vec!["housing"],
        vec!["advisor", "courses"],
        vec!["visiting"],
    ]
    .into_iter()
    .enumerate()
    {
        let at = t0 + Duration::minutes(i as i64);
        let ci = CheckIn::new(
            &c,
            Visitor::Anonymous,
            &needs,
            Language::english(),
            Source::Touchscreen,
            Stamp::synced_at(at),
        )
        .unwrap();
        let ticket = ci.drop_in_needs(&c).first().map(|n: &NeedId| NewTicket {
            need: n.clone(),
            needs: ci.needs.clone(),
            priority: false,
            interpreter: false,
            day: at.date_naive(),
            prefix: 'A',
        });
        store.record_check_in(&ci, ticket).unwrap();
    }
    let first = store.open_tickets().unwrap()[0].clone();
    store
        .act(
            first.id,
            &hub_kiosk::domain::Action::Call { desk: "D".into() },
            t0 + Duration::minutes(12),
        )
        .unwrap();
    store
        .act(
            first.id,
            &hub_kiosk::domain::Action::Seen,
            t0 + Duration::minutes(30),
        )
        .unwrap();
    for _ in 0..4 {
        store
            .record_door_pass(&Stamp::synced_at(t0), Direction::In)
            .unwrap();
    }
    // Tuesday: one door pass out.
    store
        .record_door_pass(&Stamp::synced_at(t0 + Duration::days(1)), Direction::Out)
        .unwrap();
    drop(store);
    let _ = Utc::now();
}

#[test]
fn report_daily_prints_csv_of_a_filled_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kiosk.sqlite3");
    fill(&db);
    let out = hub_kiosk(&[
        "report",
        "daily",
        "--database",
        db.to_str().unwrap(),
        "--from",
        "2026-11-22",
        "--to",
        "2026-11-24",
        "--csv",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert_eq!(
        lines[0],
        "date,door_in,door_in_calibrated,door_out,checkins_anonymous,checkins_member,need_advisor,need_housing,need_money,need_work,need_courses,need_peer,need_wellbeing,need_digital,need_visiting,attendance,dropins_joined,dropins_seen,dropins_no_show,dropins_closed,median_wait_minutes,help_requests"
    );
    assert_eq!(
        lines[1],
        "2026-11-23,4,4,0,3,0,1,1,0,0,1,0,0,0,1,0,2,1,0,0,12,0"
    );
    assert_eq!(
        lines[2],
        "2026-11-24,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,,0"
    );

    let table = hub_kiosk(&[
        "report",
        "daily",
        "--database",
        db.to_str().unwrap(),
        "--from",
        "2026-11-23",
        "--to",
        "2026-11-24",
    ]);
    let table = text(&table.stdout);
    assert!(
        table
            .lines()
            .last()
            .unwrap()
            .trim_start()
            .starts_with("total"),
        "{table}"
    );
}

#[test]
fn report_on_a_missing_database_says_what_to_do() {
    let out = hub_kiosk(&["report", "daily", "--database", "/nonexistent/k.sqlite3"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("run the kiosk once"),
        "{}",
        text(&out.stderr)
    );
}
