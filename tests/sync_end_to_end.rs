//! End to end through the real binaries on 127.0.0.1: `hub-kiosk central` and
//! `hub-kiosk run --headless` forward to each other, and the central daily footfall (CSV and the
//! site page) shows the same counts as the kiosk's own `hub-kiosk report daily`.
//!
//! Door passes come through the door sensor's simulator (a FIFO), walk-ins through the staff
//! API, which also calls one and marks them seen, and students on the registers of today's
//! Recovery College sessions (the demo timetable, titles forwarded) through the registers' API;
//! older hours of history are written into the kiosk's database beforehand, with help requests
//! and tickets left waiting past closing, which the kiosk's clock closes: `help_requests`,
//! `dropins_closed` and attendance agree at both ends too.

mod sync_support;

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{Duration as Span, Utc};
use hub_kiosk::domain::{Catalogue, CheckIn, Language, Source, Stamp, Visitor, hour_start};
use hub_kiosk::store::{NewTicket, Store};
use sync_support::*;

const STAFF_TOKEN: &str = "e2e-staff-token-0123456789abcdef";

fn central_toml(data: &Path) -> String {
    format!(
        "[service]\ndata_dir = \"{}\"\n[[sites]]\nid = \"walton\"\nname = \"The Life Rooms Walton\"\n[[kiosks]]\nsite = \"walton\"\nid = \"entrance\"\ntoken = \"{KIOSK_TOKEN}\"\n[[readers]]\nname = \"Central team\"\ntoken = \"{READER_TOKEN}\"\n",
        data.display()
    )
}

fn spawn(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_hub-kiosk"))
        .args(args)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .unwrap()
}

fn stop(mut child: Child) {
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}

/// Rows of the central CSV for walton, without the site column.
async fn central_rows(http: &reqwest::Client, url: &str, from: &str, to: &str) -> Vec<String> {
    let csv = http
        .get(format!(
            "{url}/api/v1/footfall/daily?site=walton&from={from}&to={to}&format=csv"
        ))
        .bearer_auth(READER_TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    csv.lines()
        .map(|l| {
            l.strip_prefix("walton,")
                .unwrap_or(l.strip_prefix("site,").unwrap_or(l))
                .to_owned()
        })
        .collect()
}

fn kiosk_rows(config: &Path, from: &str, to: &str) -> Vec<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_hub-kiosk"))
        .args([
            "report", "daily", "--csv", "--from", from, "--to", to, "--config",
        ])
        .arg(config)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// A drop-in ticket made at `at` and left waiting; whether there was one.
fn waiting_ticket(store: &Store, at: chrono::DateTime<Utc>) -> bool {
    let catalogue = Catalogue::life_rooms();
    let ci = CheckIn::new(
        &catalogue,
        Visitor::Anonymous,
        &["advisor"],
        Language::english(),
        Source::Touchscreen,
        Stamp::synced_at(at),
    )
    .unwrap();
    let ticket = NewTicket {
        need: ci.needs[0].clone(),
        needs: ci.needs.clone(),
        priority: false,
        interpreter: false,
        day: at.date_naive(),
        prefix: 'A',
    };
    store
        .record_check_in(&ci, Some(ticket))
        .unwrap()
        .ticket
        .is_some()
}

/// The sum of `column` over CSV rows (the first is the header).
fn column_sum(rows: &[String], column: &str) -> i64 {
    let i = rows[0]
        .split(',')
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no {column} in {}", rows[0]));
    rows[1..]
        .iter()
        .map(|r| r.split(',').nth(i).unwrap().parse::<i64>().unwrap())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_central_daily_footfall_shows_the_kiosks_counts() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let central_config = dir.path().join("central.toml");
    std::fs::write(&central_config, central_toml(&dir.path().join("central"))).unwrap();
    let port = loopback().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}");
    let listen = format!("127.0.0.1:{port}");
    let central = spawn(&[
        "central",
        "--config",
        central_config.to_str().unwrap(),
        "--listen",
        &listen,
    ]);
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while http
        .get(format!("{url}/healthz"))
        .send()
        .await
        .map(|r| r.status().is_success())
        .ok()
        != Some(true)
    {
        assert!(
            Instant::now() < deadline,
            "the central service did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let kiosk_dir = dir.path().join("kiosk");
    let kiosk_config = dir.path().join("kiosk.toml");
    let timetable = dir.path().join("timetable.ics");
    // The demo timetable with its first two sessions moved to just after midnight, so that at
    // any time of day the hours their students count in have begun and are forwarded (a later
    // hour waits in the outbox until it begins).
    let early = hub_kiosk::courses::DEMO
        .replace("20260101T093000", "20260101T000000")
        .replace("20260101T113000", "20260101T010000")
        .replace("20260101T110000", "20260101T000500")
        .replace("20260101T123000", "20260101T013000");
    assert_ne!(early, hub_kiosk::courses::DEMO);
    std::fs::write(&timetable, early).unwrap();
    // The door sensor's simulator reads passes from a FIFO (docs/hardware.md).
    let door = dir.path().join("door-simulator");
    let staff_port = loopback().local_addr().unwrap().port();
    let staff_url = format!("http://127.0.0.1:{staff_port}");
    let text = kiosk_config_text(&kiosk_dir, &url, 200).replace(
        "listen = \"127.0.0.1:0\"",
        &format!(
            "listen = \"127.0.0.1:{staff_port}\"\napi_tokens = [ {{ name = \"desk\", token = \"{STAFF_TOKEN}\" }} ]"
        ),
    ) + &format!(
            "\n[door]\nmode = \"simulator\"\nsimulator_input = \"{}\"\n",
            door.display()
        ) + &format!(
            "\n[courses]\ntimetable = \"{}\"\nforward = \"titles\"\n",
            timetable.display()
        );
    std::fs::write(&kiosk_config, text).unwrap();
    let store = Store::open(&kiosk_dir.join("kiosk.sqlite3")).unwrap();
    let mut rng = Rng(seed());
    let now = hour_start(Utc::now());
    for h in 0..72 {
        fill_hour(&store, now - Span::hours(72 - h), &mut rng);
    }
    // Two and three days ago someone asked for help, and a ticket was left waiting: the kiosk's
    // clock closes those when it starts (long past closing and the grace time).
    let mut left_waiting = 0;
    for days in [2, 3] {
        let at = now - Span::days(days) + Span::minutes(7);
        let (help, _) = store.raise_help(&Stamp::synced_at(at)).unwrap();
        store
            .acknowledge_help(help.id, "Desk 1", at + Span::minutes(1))
            .unwrap();
        left_waiting += i64::from(waiting_ticket(&store, at));
    }
    let kiosk = spawn(&[
        "run",
        "--headless",
        "--config",
        kiosk_config.to_str().unwrap(),
    ]);
    // More footfall while it runs, through the door simulator and the database: it goes at the
    // next round.
    let door_in_before = store.footfall_total().unwrap().door_in;
    tokio::task::spawn_blocking(move || {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !door.exists() {
            assert!(
                Instant::now() < deadline,
                "the kiosk made no door simulator FIFO"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut fifo = std::fs::OpenOptions::new().write(true).open(&door).unwrap();
        fifo.write_all(b"in 5\nout 2\nin\n").unwrap();
    })
    .await
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while store.footfall_total().unwrap().door_in < door_in_before + 6 {
        assert!(
            Instant::now() < deadline,
            "the simulated door passes were not counted"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Staff add walk-ins for people who cannot use the screen, call one and see them.
    for needs in [r#"["advisor"]"#, r#"["housing", "money"]"#, r#"["work"]"#] {
        let r = http
            .post(format!("{staff_url}/api/v1/walk-ins"))
            .bearer_auth(STAFF_TOKEN)
            .header("content-type", "application/json")
            .body(format!(r#"{{"needs": {needs}}}"#))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    }
    let called: serde_json::Value = http
        .post(format!("{staff_url}/api/v1/queue/call-next"))
        .bearer_auth(STAFF_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = called["id"].as_i64().unwrap_or_else(|| panic!("{called}"));
    let seen = http
        .post(format!("{staff_url}/api/v1/tickets/{id}/seen"))
        .bearer_auth(STAFF_TOKEN)
        .send()
        .await
        .unwrap();
    assert!(seen.status().is_success(), "{}", seen.text().await.unwrap());
    // Someone taps "I need to talk to someone now" while it runs.
    let (help, _) = store.raise_help(&Stamp::synced_at(Utc::now())).unwrap();
    store.acknowledge_help(help.id, "desk", Utc::now()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while store.footfall_total().unwrap().dropins_closed < left_waiting {
        assert!(
            Instant::now() < deadline,
            "the kiosk's clock did not close the tickets left waiting"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let total = store.footfall_total().unwrap();
    assert!(
        total.dropins_joined >= 3 && total.dropins_seen >= 1,
        "{total:?}"
    );
    assert!(
        total.help_requests == 3 && total.dropins_closed >= 1,
        "{total:?}"
    );
    // Tutors put students on the registers of two of today's sessions.
    let day: serde_json::Value = http
        .get(format!("{staff_url}/api/v1/sessions"))
        .bearer_auth(STAFF_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sessions = day["sessions"]
        .as_array()
        .unwrap_or_else(|| panic!("{day}"));
    let open: Vec<&str> = sessions
        .iter()
        .filter(|s| s["cancelled"] == false)
        .filter_map(|s| s["id"].as_str())
        .take(2)
        .collect();
    assert_eq!(open.len(), 2, "{day}");
    for (id, body) in [
        (open[0], r#"{"member": "M-1001"}"#),
        (open[0], "{}"),
        (open[1], "{}"),
        (open[1], r#"{"member": "M-2002"}"#),
        (open[1], "{}"),
    ] {
        let r = http
            .post(format!("{staff_url}/api/v1/sessions/{id}/attendance"))
            .bearer_auth(STAFF_TOKEN)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    }
    assert_eq!(store.footfall_total().unwrap().attendance, 5);

    let today = Utc::now().date_naive();
    let (from, to) = (
        (today - Span::days(4)).to_string(),
        (today + Span::days(1)).to_string(),
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let kiosk_says = kiosk_rows(&kiosk_config, &from, &to);
        let central_says = central_rows(&http, &url, &from, &to).await;
        if store.outbox_depth().unwrap() == 0 && kiosk_says == central_says {
            assert!(kiosk_says.len() >= 4, "{kiosk_says:?}");
            // The days' help requests and tickets closed by the clock are among what agrees.
            assert_eq!(column_sum(&central_says, "help_requests"), 3);
            assert_eq!(
                column_sum(&central_says, "dropins_closed"),
                total.dropins_closed
            );
            // Attendance, and each course's, arrived as the kiosk counts it.
            let courses = central_says[0]
                .split(',')
                .filter(|h| h.starts_with("course:"))
                .count();
            let attended = column_sum(&central_says, "attendance");
            assert_eq!((attended, courses), (5, 2), "{central_says:#?}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "kiosk {kiosk_says:#?}\ncentral {central_says:#?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let page = http
        .get(format!("{url}/sites/walton?from={from}&to={to}"))
        .bearer_auth(READER_TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let total = store.footfall_total().unwrap();
    assert!(
        page.contains(&format!("<td>{}</td>", total.door_in)),
        "{page}"
    );
    stop(kiosk);
    stop(central);
}
