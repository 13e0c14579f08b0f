//! The door's thread with a real SQLite store: the simulator read from a FIFO and from a file,
//! counts landing in the hour they happened, the blocked-beam fault, the status LED against a
//! fake pin, and a sensor that cannot be opened (off a Pi).

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use hub_kiosk::clock::ManualClock;
use hub_kiosk::config::Config;
use hub_kiosk::events::{Event, EventBus};
use hub_kiosk::hardware::{self, BeamSettings, Door, EdgeSource, Input, OutputPin, Parts};
use hub_kiosk::hub::Hub;
use hub_kiosk::status::SyncSnapshot;
use hub_kiosk::store::Store;

fn monday_ten() -> DateTime<Utc> {
    "2026-11-23T10:00:00Z".parse().unwrap()
}

struct Fixture {
    hub: Arc<Hub>,
    store: Arc<Store>,
    dir: tempfile::TempDir,
}

/// A hub on a fresh database, with `door` as the `[door]` section.
fn fixture(door: &str) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "[site]\nid = \"t\"\nname = \"Test\"\n[kiosk]\ndata_dir = {:?}\n[door]\n{door}",
        dir.path()
    );
    let config = Config::parse(&text, "test").unwrap();
    let store = Arc::new(Store::open(&config.database_path()).unwrap());
    let hub = Hub::new(
        Arc::new(config),
        store.clone(),
        Arc::new(ManualClock::new(monday_ten())),
        EventBus::new(),
    );
    Fixture { hub, store, dir }
}

/// Waits (polling, 20 s at most) until `ok` holds.
fn wait_until(what: &str, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !ok() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn door_counts(store: &Store) -> (i64, i64) {
    let c = store.footfall_total().unwrap();
    (c.door_in, c.door_out)
}

fn append(path: &Path, text: &str) {
    let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

#[test]
fn passes_written_to_the_simulator_fifo_are_saved_in_their_hour() {
    let f = fixture("mode = \"simulator\"\nbeam_b_pin = 27");
    let fifo = f.dir.path().join("door-simulator");
    let door = hardware::start(f.hub.clone()).expect("a door thread");
    wait_until("the FIFO is created", || fifo.exists());
    // Garbage lines are skipped; the lines after them still count.
    append(
        &fifo,
        "in 3\nout\n# a comment\nin in in\n\u{1}\u{2}\nwalk in\n",
    );
    append(&fifo, "walk out\nwalk in\n");
    wait_until("5 in and 2 out are saved", || {
        door_counts(&f.store) == (5, 2)
    });
    let hours = f
        .store
        .footfall_hours(monday_ten(), monday_ten() + chrono::Duration::hours(1))
        .unwrap();
    assert_eq!(hours.len(), 1);
    assert_eq!(hours[0].0, monday_ten());
    let status = f.hub.door_status();
    assert_eq!((status.mode.as_str(), status.fault), ("simulator", None));
    assert_eq!(status.last_pass, Some(monday_ten()));
    // Raw edges go through the two-beam logic: an aborted crossing is not counted.
    append(
        &fifo,
        "a 1\nwait 100\na 0\nwait 300\nb 1\nwait 80\na 1\nwait 150\nb 0\nwait 80\na 0\n",
    );
    append(&fifo, "in\n");
    wait_until("one more in and one more out", || {
        door_counts(&f.store) == (6, 3)
    });
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(door_counts(&f.store), (6, 3), "nothing else was counted");
    // The bouncing entrance of docs/hardware.md is one person in.
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/hardware.md")).unwrap();
    let script = doc
        .split("```\na 1\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    append(&fifo, &format!("a 1\n{script}"));
    wait_until("the documented example", || door_counts(&f.store) == (7, 3));
    door.stop();
}

#[test]
fn a_file_is_read_from_its_start_then_followed() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("door.txt");
    std::fs::write(&script, "in 2\nwalk in\n").unwrap();
    let f = fixture(&format!(
        "mode = \"simulator\"\nsimulator_input = {script:?}"
    ));
    let _door = hardware::start(f.hub.clone()).unwrap();
    wait_until("the file's passes", || door_counts(&f.store) == (3, 0));
    append(&script, "out 4\n");
    wait_until("the appended line", || door_counts(&f.store) == (3, 4));
}

#[test]
fn passes_the_database_refuses_are_kept_and_saved_when_it_recovers() {
    let f = fixture("mode = \"simulator\"");
    let fifo = f.dir.path().join("door-simulator");
    let _door = hardware::start(f.hub.clone()).unwrap();
    wait_until("the FIFO is created", || fifo.exists());
    f.store.pragma_for_tests("PRAGMA query_only = ON").unwrap();
    append(&fifo, "in 2\nout\n");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(door_counts(&f.store), (0, 0), "nothing could be written");
    f.store.pragma_for_tests("PRAGMA query_only = OFF").unwrap();
    wait_until("the kept passes are saved", || {
        door_counts(&f.store) == (2, 1)
    });
}

#[test]
fn a_blocked_beam_raises_a_fault_that_clears_with_the_beam() {
    let f = fixture("mode = \"simulator\"\nblocked_fault_seconds = 1");
    let mut events = f.hub.subscribe();
    let fifo = f.dir.path().join("door-simulator");
    let _door = hardware::start(f.hub.clone()).unwrap();
    wait_until("the FIFO is created", || fifo.exists());
    append(&fifo, "blocked\n");
    wait_until("the fault shows", || f.hub.door_status().fault.is_some());
    let fault = f.hub.door_status().fault.unwrap();
    assert!(
        fault.contains("beam A blocked for more than 1 s"),
        "{fault}"
    );
    append(&fifo, "clear\n");
    wait_until("the fault clears", || f.hub.door_status().fault.is_none());
    // One beam: the break was one person in.
    assert_eq!(door_counts(&f.store), (1, 0));
    let mut faults = Vec::new();
    while let Ok(e) = events.try_recv() {
        if let Event::DoorStatus { fault } = e {
            faults.push(fault.is_some());
        }
    }
    // (The first event, at start, says all is well.)
    assert_eq!(
        faults
            .iter()
            .skip_while(|f| !**f)
            .copied()
            .collect::<Vec<_>>(),
        vec![true, false],
        "one event when the fault came, one when it went"
    );
}

#[test]
fn without_a_pi_the_gpio_modes_show_a_fault_and_the_kiosk_carries_on() {
    let on_a_pi = std::fs::read_to_string("/proc/device-tree/model")
        .is_ok_and(|m| m.contains("Raspberry Pi"));
    if on_a_pi {
        eprintln!("skipped: this machine has the Pi's GPIO");
        return;
    }
    let f = fixture("mode = \"dual\"\nbeam_b_pin = 27\nled_pin = 22");
    let _door = hardware::start(f.hub.clone()).unwrap();
    wait_until("the fault shows", || f.hub.door_status().fault.is_some());
    let s = f.hub.door_status();
    let fault = s.fault.unwrap();
    assert_eq!(s.mode, "dual");
    assert!(
        fault.starts_with("door sensor not counting")
            && fault.contains("door.mode = \"simulator\""),
        "{fault}"
    );
    // Everything else works.
    f.hub
        .door_pass(hub_kiosk::domain::footfall::Direction::In)
        .unwrap();
    assert_eq!(door_counts(&f.store), (1, 0));
}

/// A pin that remembers every level written to it.
#[derive(Clone, Default)]
struct FakePin(Arc<Mutex<Vec<bool>>>);

impl OutputPin for FakePin {
    fn set(&mut self, on: bool) {
        self.0.lock().unwrap().push(on);
    }
}

impl FakePin {
    fn writes(&self) -> usize {
        self.0.lock().unwrap().len()
    }

    fn last(&self) -> Option<bool> {
        self.0.lock().unwrap().last().copied()
    }

    /// Waits for `n` more writes and returns them.
    fn next(&self, n: usize) -> Vec<bool> {
        let start = self.writes();
        wait_until("the LED changes", || self.writes() >= start + n);
        self.0.lock().unwrap()[start..start + n].to_vec()
    }
}

/// A sensor that fails to start until it is plugged in.
struct Flaky {
    plugged: Arc<AtomicBool>,
}

impl EdgeSource for Flaky {
    fn start(&mut self, _tx: std::sync::mpsc::Sender<Input>) -> Result<[bool; 2], String> {
        if self.plugged.load(Ordering::SeqCst) {
            Ok([false, false])
        } else {
            Err("the sensor is unplugged".into())
        }
    }
}

fn led_door(hub: &Arc<Hub>, plugged: bool, pin: &FakePin) -> (Door, Arc<AtomicBool>) {
    let pin = pin.clone();
    let plugged = Arc::new(AtomicBool::new(plugged));
    let parts = Parts {
        mode: "single".into(),
        source: Some(Box::new(Flaky {
            plugged: plugged.clone(),
        })),
        beams: BeamSettings {
            dual: false,
            debounce: Duration::from_millis(15),
            blocked_fault: Duration::from_secs(10),
        },
        led: Some(Box::new(move || {
            Ok(Box::new(pin.clone()) as Box<dyn OutputPin>)
        })),
        retry: Duration::from_millis(200),
    };
    (Door::spawn(hub.clone(), parts).unwrap(), plugged)
}

#[test]
fn the_led_is_steady_when_all_is_well_and_blinks_when_offline() {
    let f = fixture("");
    let pin = FakePin::default();
    let _door = led_door(&f.hub, true, &pin);
    wait_until("the LED is lit", || pin.last() == Some(true));
    std::thread::sleep(Duration::from_millis(1200));
    assert_eq!(pin.writes(), 1, "steady: written once, never toggled");
    f.hub.report_sync(SyncSnapshot {
        state: hub_kiosk::status::SyncState::Offline,
        last_error: Some("connection refused".into()),
        ..Default::default()
    });
    let blinks = pin.next(3);
    assert!(blinks.windows(2).all(|w| w[0] != w[1]), "{blinks:?}");
    f.hub.report_sync(SyncSnapshot {
        state: hub_kiosk::status::SyncState::Online,
        ..Default::default()
    });
    wait_until("the LED is lit again", || pin.last() == Some(true));
    let writes = pin.writes();
    std::thread::sleep(Duration::from_millis(1200));
    assert_eq!(pin.writes(), writes, "steady again");
}

#[test]
fn the_led_blinks_while_the_sensor_fails_and_steadies_when_it_recovers() {
    let f = fixture("");
    let pin = FakePin::default();
    let (_door, plugged) = led_door(&f.hub, false, &pin);
    wait_until("the fault shows", || f.hub.door_status().fault.is_some());
    let fault = f.hub.door_status().fault.unwrap();
    assert_eq!(fault, "door sensor not counting: the sensor is unplugged");
    let blinks = pin.next(3);
    assert!(blinks.windows(2).all(|w| w[0] != w[1]), "{blinks:?}");
    // Tried again every `retry`: once it works, the fault clears and the LED holds steady.
    plugged.store(true, Ordering::SeqCst);
    wait_until("the fault clears", || f.hub.door_status().fault.is_none());
    wait_until("the LED is lit", || pin.last() == Some(true));
    let writes = pin.writes();
    std::thread::sleep(Duration::from_millis(1200));
    assert_eq!(pin.writes(), writes);
}
