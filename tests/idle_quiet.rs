//! An idle kiosk sleeps: with nobody at the door and nothing to send, the door's thread, the
//! door simulator's reader, a background thread's wait, forwarding and housekeeping run no turn
//! of their loops for 3 s (counted by `hub_kiosk::wakeups`, not timed). The kiosk is set up as
//! it runs at a site: the simulator on a FIFO nobody writes to, forwarding to a central service
//! that answers, the clock taken as synchronised. Then a pass written to the FIFO still reaches
//! the central service long before forwarding's interval: new counts wake it.

mod sync_support;

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hub_kiosk::background::Background;
use hub_kiosk::clock::SystemClock;
use hub_kiosk::config::Config;
use hub_kiosk::events::EventBus;
use hub_kiosk::hub::Hub;
use hub_kiosk::status::SyncState;
use hub_kiosk::store::Store;
use hub_kiosk::wakeups::{self, Loop};
use sync_support::{KIOSK_TOKEN, central_hours, loopback, start_central};

fn wait_until(what: &str, within: Duration, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !ok() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn config(data_dir: &std::path::Path, central_url: &str) -> Config {
    let text = format!(
        r#"
[site]
id = "walton"
name = "The Life Rooms Walton"

[kiosk]
id = "entrance"
data_dir = "{}"

[door]
mode = "simulator"

[sync]
central_url = "{central_url}"
token = "{KIOSK_TOKEN}"
interval_seconds = 60

[clock]
assume_synchronised = true
"#,
        data_dir.display()
    );
    Config::parse(&text, "kiosk.toml").unwrap()
}

#[test]
fn an_idle_kiosk_runs_no_loop_and_a_pass_still_goes_out_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let _in_runtime = runtime.enter();
    let clock = Arc::new(SystemClock::new(true));
    let central = start_central(&dir.path().join("central"), clock.clone(), loopback());
    let config = config(&dir.path().join("kiosk"), &central.url);
    std::fs::create_dir_all(&config.kiosk.data_dir).unwrap();
    let store = Arc::new(Store::open(&config.database_path()).unwrap());
    let hub = Hub::new(Arc::new(config), store.clone(), clock, EventBus::new());

    hub_kiosk::sync::start(&hub);
    runtime.spawn(hub_kiosk::app::housekeeping_loop(hub.clone()));
    let _door = hub_kiosk::hardware::start(hub.clone()).expect("a door thread");
    // A background thread waiting to be stopped, as the serial scanner does between retries.
    let _idle = Background::spawn(
        "idle",
        |stop| while stop.sleep(Duration::from_secs(3600)) {},
    )
    .unwrap();
    let fifo = dir.path().join("kiosk").join("door-simulator");
    wait_until(
        "the simulator's FIFO exists",
        Duration::from_secs(20),
        || fifo.exists(),
    );
    wait_until("forwarding is online", Duration::from_secs(20), || {
        hub.sync_status().state == SyncState::Online
    });
    std::thread::sleep(Duration::from_millis(500));

    let before = wakeups::all();
    std::thread::sleep(Duration::from_secs(3));
    let after = wakeups::all();
    let turned: Vec<_> = before
        .iter()
        .zip(&after)
        .filter(|((_, a), (_, b))| a != b)
        .map(|((l, a), (_, b))| format!("{l:?} turned {} times", b - a))
        .collect();
    assert!(
        turned.is_empty(),
        "with nothing happening for 3 s: {}",
        turned.join(", ")
    );
    for l in [Loop::Door, Loop::Simulator, Loop::Forwarding] {
        assert!(
            wakeups::turns(l) > 0,
            "{l:?} never ran: the test proves nothing"
        );
    }

    // Not asleep for good: a person through the door reaches the central service well within
    // forwarding's interval (60 s).
    std::fs::OpenOptions::new()
        .append(true)
        .open(&fifo)
        .unwrap()
        .write_all(b"in\n")
        .unwrap();
    wait_until(
        "the pass is at the central service",
        Duration::from_secs(20),
        || {
            central_hours(&central.central)
                .iter()
                .map(|(_, c)| c.door_in)
                .sum::<i64>()
                == 1
        },
    );
    wait_until("the outbox is empty", Duration::from_secs(20), || {
        store.outbox_depth().unwrap() == 0
    });
}
