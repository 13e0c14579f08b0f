//! What the forwarding tests share: a real central service on 127.0.0.1, a kiosk hub with its
//! own SQLite file, realistic footfall spread over many hours, and the check that the central
//! totals equal the kiosk's, hour by hour.

#![allow(dead_code)]

pub mod fixture;
pub mod proxy;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use hub_kiosk::central::{Central, CentralConfig};
use hub_kiosk::clock::Clock;
use hub_kiosk::config::Config;
use hub_kiosk::domain::footfall::Direction;
use hub_kiosk::domain::queue::QueueError;
use hub_kiosk::domain::ticket::TransitionError;
use hub_kiosk::domain::{Action, Catalogue, CheckIn, Counts, Language, Source, Stamp, Visitor};
use hub_kiosk::events::EventBus;
use hub_kiosk::hub::Hub;
use hub_kiosk::store::{NewTicket, Store, StoreError};
use hub_kiosk::sync::{Backoff, SyncOptions};

pub const KIOSK_TOKEN: &str = "kiosk-token-walton-entrance-0123456789";
pub const READER_TOKEN: &str = "reader-token-central-team-0123456789";

/// A central configuration with site `walton`, kiosk `entrance` and one reader.
pub fn central_config(data_dir: &Path) -> CentralConfig {
    let text = format!(
        r#"
[service]
listen = "127.0.0.1:0"
data_dir = "{}"

[[sites]]
id = "walton"
name = "The Life Rooms Walton"

[[sites]]
id = "bootle"
name = "The Life Rooms Bootle"
door_calibration = 1.1

[[kiosks]]
site = "walton"
id = "entrance"
token = "{KIOSK_TOKEN}"

[[kiosks]]
site = "bootle"
id = "entrance"
token = "kiosk-token-bootle-entrance-0123456789"

[[readers]]
name = "Central team"
token = "{READER_TOKEN}"

[[readers]]
name = "Bootle manager"
token = "reader-token-bootle-manager-0123456789"
sites = ["bootle"]
"#,
        data_dir.display()
    );
    CentralConfig::parse(&text, "central.toml").unwrap()
}

/// A running central service.
pub struct RunningCentral {
    pub central: Arc<Central>,
    pub url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for RunningCentral {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

/// Starts a central service on `listener` (bound to 127.0.0.1) on the current runtime.
pub fn start_central(
    data_dir: &Path,
    clock: Arc<dyn Clock>,
    listener: std::net::TcpListener,
) -> RunningCentral {
    let central = Central::open(central_config(data_dir), clock).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(hub_kiosk::central::serve(
        central.clone(),
        listener,
        async {
            let _ = stopped.await;
        },
    ));
    RunningCentral {
        central,
        url,
        stop: Some(stop),
    }
}

pub fn loopback() -> std::net::TcpListener {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap()
}

/// A kiosk configuration for site `walton`, kiosk `entrance`, sending to `central_url`.
pub fn kiosk_config_text(data_dir: &Path, central_url: &str, batch_size: u32) -> String {
    format!(
        r#"
[site]
id = "walton"
name = "The Life Rooms Walton"

[kiosk]
id = "entrance"
data_dir = "{}"

[staff]
listen = "127.0.0.1:0"

[sync]
central_url = "{central_url}"
token = "{KIOSK_TOKEN}"
interval_seconds = 5
batch_size = {batch_size}
timeout_seconds = 5

[clock]
assume_synchronised = true
"#,
        data_dir.display()
    )
}

/// A hub on its own database in `data_dir`, and that database for the test to read and fill.
pub fn kiosk_hub(
    data_dir: &Path,
    central_url: &str,
    clock: Arc<dyn Clock>,
) -> (Arc<Hub>, Arc<Store>) {
    let config = Config::parse(&kiosk_config_text(data_dir, central_url, 8), "kiosk.toml").unwrap();
    let store = Arc::new(Store::open(&config.database_path()).unwrap());
    let hub = Hub::new(Arc::new(config), store.clone(), clock, EventBus::new());
    (hub, store)
}

/// Forwarding options with waits short enough for tests.
pub fn quick_sync(central_url: &str, batch_size: u32, timeout: Duration) -> SyncOptions {
    SyncOptions {
        central_url: central_url.to_owned(),
        token: KIOSK_TOKEN.to_owned(),
        batch_size,
        interval: Duration::from_millis(100),
        timeout,
        backoff: Backoff {
            base: Duration::from_millis(10),
            cap: Duration::from_millis(100),
            unauthorized_pause: Duration::from_millis(300),
        },
    }
}

/// A tiny xorshift, so runs can be replayed from a printed seed.
pub struct Rng(pub u64);
impl Rng {
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

pub fn seed() -> u64 {
    std::env::var("SYNC_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        })
}

/// Records one hour of footfall at `hour` (+ minutes) straight into the store: door passes, a few
/// check-ins with needs, and a drop-in ticket that is called and seen or marked no-show.
pub fn fill_hour(store: &Store, hour: DateTime<Utc>, rng: &mut Rng) {
    let catalogue = Catalogue::life_rooms();
    for i in 0..1 + rng.below(4) {
        let dir = if i % 3 == 2 {
            Direction::Out
        } else {
            Direction::In
        };
        let at = hour + chrono::Duration::minutes(rng.below(60) as i64);
        store.record_door_pass(&Stamp::synced_at(at), dir).unwrap();
    }
    let choices: [&[&str]; 4] = [
        &["housing", "courses"],
        &["advisor"],
        &["visiting"],
        &["money", "work"],
    ];
    for _ in 0..rng.below(3) {
        let at = hour + chrono::Duration::minutes(rng.below(50) as i64);
        let needs = choices[rng.below(4) as usize];
        let ci = CheckIn::new(
            &catalogue,
            Visitor::Anonymous,
            needs,
            Language::english(),
            Source::Touchscreen,
            Stamp::synced_at(at),
        )
        .unwrap();
        let ticket = ci.drop_in_needs(&catalogue).first().map(|n| NewTicket {
            need: n.clone(),
            needs: ci.needs.clone(),
            priority: false,
            interpreter: false,
            day: at.date_naive(),
            prefix: 'A',
        });
        let receipt = store.record_check_in(&ci, ticket).unwrap();
        if let Some(t) = receipt.ticket {
            let called = at + chrono::Duration::minutes(1 + rng.below(40) as i64);
            let end = if rng.below(5) == 0 {
                Action::NoShow
            } else {
                Action::Seen
            };
            let call = Action::Call {
                desk: "Desk 1".into(),
            };
            // A kiosk process sharing this file closes past days' tickets in its housekeeping
            // (closing time): a ticket it closed first is finished, which is not a failure here.
            for (action, when) in [
                (call, called),
                (end, called + chrono::Duration::minutes(10)),
            ] {
                match store.act(t.id, &action, when) {
                    Ok(_) => {}
                    Err(StoreError::Queue(QueueError::Transition(TransitionError::Finished {
                        ..
                    }))) => break,
                    Err(e) => panic!("{action:?} on ticket {}: {e}", t.id),
                }
            }
        }
    }
}

/// The kiosk's hours with something counted.
pub fn local_hours(store: &Store) -> Vec<(DateTime<Utc>, Counts)> {
    store
        .footfall_hours(DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC)
        .unwrap()
}

/// The central service's hours of walton/entrance with something counted.
pub fn central_hours(central: &Central) -> Vec<(DateTime<Utc>, Counts)> {
    central
        .store
        .hours(
            "walton",
            Some("entrance"),
            DateTime::<Utc>::MIN_UTC,
            DateTime::<Utc>::MAX_UTC,
        )
        .unwrap()
}

/// Waits (up to `within`) until the outbox is empty and the central totals equal the local
/// ones; panics with the first differing hour otherwise.
pub async fn converged(store: &Store, central: &Central, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let (local, remote) = (local_hours(store), central_hours(central));
        if store.outbox_depth().unwrap() == 0 && local == remote {
            return;
        }
        if Instant::now() > deadline {
            let differs = local.iter().zip(&remote).find(|(a, b)| a != b);
            panic!(
                "central never caught up: outbox {}, {} local hours, {} central hours, first difference {differs:?}",
                store.outbox_depth().unwrap(),
                local.len(),
                remote.len()
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
