//! Both services' `/metrics` pass Prometheus' own linter, `promtool check metrics` (Debian's
//! prometheus package; `.ci/run` installs it), after check-ins, walk-ins, door passes and a
//! forwarding round, with every series present: seconds for durations, `_total` counters, one
//! outbox gauge, and `build_info` on both.

mod staff_support;
mod sync_support;

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hub_kiosk::clock::SystemClock;
use hub_kiosk::domain::footfall::Direction;
use hub_kiosk::domain::{Language, Source, Visitor};
use hub_kiosk::hub::CheckInRequest;
use staff_support::Kiosk;
use sync_support::{KIOSK_TOKEN, READER_TOKEN, loopback, quick_sync, start_central};

const KIOSK_SERIES: &[&str] = &[
    "hub_kiosk_build_info",
    "hub_kiosk_check_ins_total",
    "hub_kiosk_card_scans_total",
    "hub_kiosk_door_passes_total",
    "hub_kiosk_sync_requests_total",
    "hub_kiosk_sync_online",
    "hub_kiosk_queue_waiting",
    "hub_kiosk_queue_called",
    "hub_kiosk_queue_longest_wait_seconds",
    "hub_kiosk_queue_waiting_by_need",
    "hub_kiosk_advisors_on_duty",
    "hub_kiosk_wait_estimate_high_seconds",
    "hub_kiosk_today_check_ins",
    "hub_kiosk_today_dropins_joined",
    "hub_kiosk_today_dropins_seen",
    "hub_kiosk_today_median_wait_seconds",
    "hub_kiosk_queue_open",
    "hub_kiosk_sync_outbox_buckets",
    "hub_kiosk_sync_state",
    "hub_kiosk_sync_last_success_timestamp_seconds",
    "hub_kiosk_door_fault",
    "hub_kiosk_clock_synchronised",
    "hub_kiosk_disk_free_bytes",
    "hub_kiosk_staff_sessions",
];

const CENTRAL_SERIES: &[&str] = &[
    "hub_central_build_info",
    "hub_central_uploads_total",
    "hub_central_sign_ins_total",
    "hub_central_buckets_stored_total",
    "hub_central_buckets_stale_total",
    "hub_central_buckets",
    "hub_central_kiosk_last_contact_seconds",
];

/// `promtool check metrics` on `text`: its verdict and what it said.
fn promtool(text: &str) -> Option<(bool, String)> {
    let mut child = match Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!("skipped: promtool not found ({e}); apt-get install prometheus");
            return None;
        }
        Err(e) => panic!("promtool not found ({e}): .ci/run installs Debian's prometheus"),
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some((out.status.success(), said))
}

/// Every name has its HELP and TYPE and at least one sample.
fn assert_series(text: &str, names: &[&str]) {
    for name in names {
        assert!(
            text.contains(&format!("# HELP {name} ")) && text.contains(&format!("# TYPE {name} ")),
            "no HELP/TYPE for {name} in\n{text}"
        );
        let sampled = text.lines().any(|l| {
            l.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with(' ') || rest.starts_with('{'))
        });
        assert!(sampled, "no sample of {name} in\n{text}");
    }
    for l in text.lines().filter(|l| !l.starts_with('#')) {
        assert!(!l.contains("_minutes"), "a duration not in seconds: {l}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_services_metrics_pass_promtool_with_every_series() {
    let dir = tempfile::tempdir().unwrap();
    let central = start_central(dir.path(), Arc::new(SystemClock::new(true)), loopback());
    let url = central.url.clone();
    let k = Kiosk::start_with(|c| {
        c.site.id = "walton".into();
        c.kiosk.id = "entrance".into();
        c.sync.central_url = Some(url.clone());
        c.sync.token = Some(KIOSK_TOKEN.into());
        c.clock.assume_synchronised = true;
    })
    .await;
    let hub = k.hub.clone();
    tokio::task::spawn_blocking(move || {
        hub.check_in(CheckInRequest {
            visitor: Visitor::Anonymous,
            needs: vec!["courses".into()],
            language: Language::english(),
            source: Source::Touchscreen,
            priority: false,
            session: None,
            interpreter: false,
        })
        .unwrap();
        hub.door_pass(Direction::In).unwrap();
        hub.door_pass(Direction::Out).unwrap();
    })
    .await
    .unwrap();
    k.walk_in(&["advisor"]).await;
    let forwarding = tokio::spawn(hub_kiosk::sync::forward(
        k.hub.clone(),
        quick_sync(&central.url, 8, Duration::from_secs(5)),
    ));
    let deadline = Instant::now() + Duration::from_secs(30);
    while k.hub.sync_status().last_success.is_none() || k.hub.outbox_depth().unwrap() > 0 {
        assert!(Instant::now() < deadline, "no forwarding round");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    forwarding.abort();

    let kiosk_text = k
        .api(reqwest::Method::GET, "/metrics")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let central_text = k
        .http
        .get(format!("{}/metrics", central.url))
        .bearer_auth(READER_TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_series(&kiosk_text, KIOSK_SERIES);
    assert_series(&central_text, CENTRAL_SERIES);
    assert!(kiosk_text.contains("hub_kiosk_door_passes_total{direction=\"out\"} 1"));
    assert!(kiosk_text.contains("hub_kiosk_sync_outbox_buckets 0"));
    assert_eq!(kiosk_text.matches("outbox").count(), 3, "one outbox gauge");
    for (who, text) in [("kiosk", &kiosk_text), ("central", &central_text)] {
        if let Some((ok, said)) = promtool(text) {
            assert!(
                ok,
                "promtool check metrics on the {who}'s /metrics:\n{said}\n{text}"
            );
        }
    }
}
