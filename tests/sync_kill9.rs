//! A real kiosk process (`hub-kiosk run --headless`) forwarding to a real central service is
//! killed with SIGKILL at random moments, again and again, while footfall keeps changing in its
//! database; after a last clean run the central totals equal the kiosk's, hour by hour: no
//! bucket lost, none counted twice.

mod sync_support;

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{Duration as Span, Utc};
use hub_kiosk::clock::SystemClock;
use hub_kiosk::domain::hour_start;
use hub_kiosk::store::Store;
use sync_support::*;

fn start_kiosk(config: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_hub-kiosk"))
        .args(["run", "--headless", "--config"])
        .arg(config)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_nine_while_forwarding_loses_and_doubles_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let central = start_central(
        &dir.path().join("central"),
        Arc::new(SystemClock::new(true)),
        loopback(),
    );
    let kiosk_dir = dir.path().join("kiosk");
    let config = dir.path().join("kiosk.toml");
    std::fs::write(&config, kiosk_config_text(&kiosk_dir, &central.url, 20)).unwrap();
    let store = Arc::new(Store::open(&kiosk_dir.join("kiosk.sqlite3")).unwrap());

    let seed = seed();
    eprintln!("SYNC_SEED={seed}");
    let mut rng = Rng(seed);
    let first = hour_start(Utc::now()) - Span::hours(300);
    for h in 0..200 {
        fill_hour(&store, first + Span::hours(h), &mut rng);
    }

    let rounds = 15;
    let mut killed_mid_flight = 0;
    for round in 0..rounds {
        let accepted_before = central.central.metrics.uploads.get("accepted");
        let mut child = start_kiosk(&config);
        // Footfall keeps changing while the kiosk forwards: new hours and old ones.
        let stop = Arc::new(AtomicBool::new(false));
        let writer = {
            let (store, stop) = (store.clone(), stop.clone());
            let mut rng = Rng(rng.below(u64::MAX) | 1);
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let h = rng.below(300) as i64;
                    fill_hour(&store, first + Span::hours(h), &mut rng);
                    std::thread::sleep(Duration::from_millis(rng.below(30)));
                }
            })
        };
        tokio::time::sleep(Duration::from_millis(100 + rng.below(1400))).await;
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        stop.store(true, Ordering::SeqCst);
        writer.join().unwrap();
        assert_eq!(store.integrity_check().unwrap(), "ok", "round {round}");
        let sent = central.central.metrics.uploads.get("accepted") > accepted_before;
        if sent && store.outbox_depth().unwrap() > 0 {
            killed_mid_flight += 1;
        }
    }
    eprintln!("{killed_mid_flight} of {rounds} kills landed while hours were still being sent");
    assert!(killed_mid_flight >= 1);

    // A last, clean run delivers the rest.
    let mut child = start_kiosk(&config);
    converged(&store, &central.central, Duration::from_secs(90)).await;
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    child.wait().unwrap();
    let local = local_hours(&store);
    assert_eq!(central_hours(&central.central), local);
    assert_eq!(
        central.central.store.bucket_count().unwrap(),
        local.len() as i64
    );
}
