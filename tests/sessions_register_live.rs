//! The registers page in a real browser (Debian's Chromium through playwright-core,
//! `tests/browser/register-live.mjs`) while a student checks in at the kiosk's real screen
//! (Slint's testing backend, headless) on the same hub: the check-in appears on the register
//! without a reload, a tutor adds a member, and the register's CSV downloads.
//!
//! Needs node and `tests/browser/node_modules` (installed here with `npm ci` when missing, as
//! `.ci/run` does).

mod ui_support;

use std::io::BufRead;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use chrono::{NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::London;
use hub_kiosk::clock::ManualClock;
use hub_kiosk::ui::Screen;
use ui_support::{Kiosk, run, until};

fn browser_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// playwright-core, installed as `.ci/run` installs it when this checkout has not yet.
fn node_modules() {
    if browser_dir().join("node_modules/playwright-core").is_dir() {
        return;
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(browser_dir())
        .status()
        .expect("npm (Debian's nodejs) runs the browser tests");
    assert!(status.success(), "npm ci in tests/browser failed");
}

#[test]
fn a_check_in_at_the_screen_appears_on_the_register_without_a_reload() {
    node_modules();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    run(move || async move {
        let t = NaiveDateTime::parse_from_str("2026-11-02 09:58", "%Y-%m-%d %H:%M").unwrap();
        let now = London.from_local_datetime(&t).unwrap().with_timezone(&Utc);
        let clock = Arc::new(ManualClock::new(now));
        let k = Kiosk::with_clock(
            |c| {
                c.courses.timetable = Some(
                    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/timetable.ics"),
                );
                c.staff.listen = "127.0.0.1:0".parse().unwrap();
            },
            clock,
        );
        let server = runtime
            .block_on(hub_kiosk::staff::start(k.hub.clone()))
            .unwrap();
        let session = k
            .hub
            .sessions_now()
            .open
            .into_iter()
            .find(|s| s.title == "Managing anxiety")
            .unwrap()
            .id;
        let mut node = Command::new("node")
            .arg(browser_dir().join("register-live.mjs"))
            .args([
                format!("http://{}", server.addr),
                session.to_string(),
                "2026-11-02".into(),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node runs the browser tests");
        let said = Arc::new(Mutex::new(Vec::<String>::new()));
        let out = node.stdout.take().unwrap();
        let lines = said.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line);
            }
        });
        let heard = |word: &str| said.lock().unwrap().iter().any(|l| l.starts_with(word));
        until("the register page open in the browser", || {
            heard("ready") || heard("failed")
        })
        .await;
        assert!(!heard("failed"), "{:?}", said.lock().unwrap());

        // A student at the screen: the courses tile, then their session.
        let api = k.ui.api();
        k.tap("need-courses");
        k.tap(&format!("session-{session}"));
        until("the done screen", || api.get_screen() == Screen::Done).await;
        until("the browser's answer", || heard("done") || heard("failed")).await;
        let lines = said.lock().unwrap().clone();
        let done = lines
            .iter()
            .find_map(|l| l.strip_prefix("done "))
            .unwrap_or_else(|| panic!("{lines:?}"));
        let report: serde_json::Value = serde_json::from_str(done).unwrap();
        assert_eq!(report["problems"], serde_json::json!([]), "{report}");
        assert_eq!(
            report["file"],
            format!("register-demo-{session}.csv"),
            "{report}"
        );
        let csv = report["csv"].as_str().unwrap();
        assert!(
            csv.starts_with("date,starts,course,room,student,added_at,added_by\r\n"),
            "{csv}"
        );
        assert!(
            csv.contains(
                "2026-11-02,10:00,Managing anxiety,\"Room 2, first floor\",M-2002,09:58,Desk 1\r\n"
            ),
            "{csv}"
        );
        assert!(csv.contains(",anonymous,,\r\n"), "{csv}");
        assert!(
            report["flash"].as_str().unwrap().contains("M-2002 added"),
            "{report}"
        );
        let status = node.wait().unwrap();
        assert!(status.success(), "{lines:?}");
        assert_eq!(
            k.count(
                "SELECT count(*) FROM attendance WHERE member_id = 'M-2002' AND added_by = 'Desk 1'"
            ),
            1
        );
        runtime.block_on(server.stop());
    });
}
