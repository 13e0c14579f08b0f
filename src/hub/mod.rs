//! The hub: what the screen, the staff pages and the door sensor ask of the kiosk.
//!
//! It owns the config, the store, the clock and the event stream, and turns a request ("check
//! this visitor in", "call the next person") into domain checks, one store transaction and then
//! an event. Its methods block on SQLite: the screen calls them off the UI thread and the web
//! server through `spawn_blocking`.

mod audit;
mod cards;
mod checkin;
mod help;
mod housekeeping;
mod outbox;
mod queue;
mod records;
mod reload;
mod sessions;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use tokio::sync::broadcast;

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::domain::card::Verifier;
use crate::domain::help::HelpError;
use crate::domain::{CallPolicy, CheckInError, QueueError, Stamp};
use crate::events::{Event, EventBus};
use crate::metrics::Metrics;
use crate::status::{DoorSnapshot, StatusBoard, SyncSnapshot};
use crate::store::{Store, StoreError};

pub use audit::StaffAction;
pub use cards::{ScanOutcome, verifier};
pub use checkin::{AtSession, CheckInOutcome, CheckInRequest, NoTicket, TicketInfo};
pub use housekeeping::Housekeeping;
pub use outbox::SentHour;
pub use queue::{QueueEntry, QueueView};
pub use records::DutyEntry;
pub use reload::ReloadReport;
pub use sessions::SessionRegister;

/// Why a request was refused.
#[derive(Debug, thiserror::Error)]
pub enum HubError {
    /// The request itself was wrong (unknown need, bad member number…): fix the input.
    #[error(transparent)]
    Invalid(#[from] CheckInError),
    /// The queue cannot do that now (unknown ticket, already called…): nothing changed.
    #[error(transparent)]
    Queue(#[from] QueueError),
    /// A help request that cannot be acknowledged: nothing changed.
    #[error(transparent)]
    Help(#[from] HelpError),
    /// A value sent cannot be taken (a pause's reason too long…): what to send instead.
    #[error("{0}")]
    BadInput(String),
    /// The same card was scanned again within the repeat-scan window.
    #[error("this card checked in {minutes} min ago: one check-in is enough")]
    RepeatScan { minutes: i64 },
    /// Saving failed (disk full, read-only, damaged): nothing changed.
    #[error(transparent)]
    Store(StoreError),
    /// No such session in the timetable or the registers.
    #[error("{0}")]
    NoSession(String),
    /// The register cannot do that (a cancelled session, a member already on it…): nothing
    /// changed.
    #[error("{0}")]
    Register(String),
}

impl From<StoreError> for HubError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Queue(q) => HubError::Queue(q),
            StoreError::Help(h) => HubError::Help(h),
            other => HubError::Store(other),
        }
    }
}

pub type HubResult<T> = Result<T, HubError>;

/// The kiosk's core, shared by every part. Its parts stay inside: callers ask for what they
/// mean (`check_in`, `outbox_batch`, `subscribe`, `sync_status`, `config`…).
pub struct Hub {
    /// Swapped as one when the configuration changes; readers take a snapshot.
    settings: RwLock<Arc<Settings>>,
    store: Arc<Store>,
    events: EventBus,
    metrics: Metrics,
    /// Health of sync and the door sensor.
    status: StatusBoard,
    /// The Recovery College timetable in use.
    courses: Arc<crate::courses::Board>,
    clock: Arc<dyn Clock>,
    /// Unsynchronised records of this boot were re-dated after the clock synced.
    redated: AtomicBool,
    /// How the last live reload of the configuration went (`reload.rs`).
    last_reload: Mutex<Option<ReloadReport>>,
}

/// The configuration and what the hub derives from it, kept together so they always agree.
struct Settings {
    config: Arc<Config>,
    policy: CallPolicy,
    verifier: Verifier,
}

impl Settings {
    fn new(config: Arc<Config>) -> Settings {
        let policy = CallPolicy::from_catalogue(&config.catalogue, config.queue.priority_factor);
        let verifier = cards::verifier(&config).unwrap_or_else(|e| {
            tracing::error!("membership cards are refused until this is fixed: {e}");
            Verifier::default()
        });
        Settings {
            config,
            policy,
            verifier,
        }
    }
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub").field("store", &self.store).finish()
    }
}

impl Hub {
    /// The hub on the configuration's own database file, with the system clock and a fresh
    /// event stream: how tests and screenshots get a real one.
    pub fn open(config: Config) -> Result<Arc<Hub>, StoreError> {
        let hub = Hub::open_later(config);
        hub.open_store()?;
        Ok(hub)
    }

    /// As `open`, but the database file is opened (created, checked, brought up to date) by
    /// `open_store` or by the first call that needs it: how `hub-kiosk run` starts, so that the
    /// screen's first frame does not wait for it (`app::run`).
    pub fn open_later(config: Config) -> Arc<Hub> {
        let store = Store::open_later(&config.database_path());
        let clock = Arc::new(SystemClock::new(config.clock.assume_synchronised));
        Hub::new(Arc::new(config), Arc::new(store), clock, EventBus::new())
    }

    /// Opens the database now, if nothing has yet; why it cannot be opened, if it cannot.
    pub fn open_store(&self) -> Result<(), StoreError> {
        self.store.ready()
    }

    pub fn new(
        config: Arc<Config>,
        store: Arc<Store>,
        clock: Arc<dyn Clock>,
        events: EventBus,
    ) -> Arc<Hub> {
        let source = crate::courses::source_of(&config.courses);
        let courses = Arc::new(crate::courses::Board::new(source));
        crate::courses::Refresher::new(&config, courses.clone(), clock.clone(), events.clone())
            .load_at_start();
        Arc::new(Hub {
            settings: RwLock::new(Arc::new(Settings::new(config))),
            store,
            events,
            metrics: Metrics::default(),
            status: StatusBoard::default(),
            courses,
            clock,
            redated: AtomicBool::new(false),
            last_reload: Mutex::new(None),
        })
    }

    fn settings(&self) -> Arc<Settings> {
        self.settings
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The configuration now: a snapshot that stays whole while the caller holds it.
    pub fn config(&self) -> Arc<Config> {
        self.settings().config.clone()
    }

    /// The current time. Only reads the clock: writes re-date first (`redate_after_clock_sync`).
    pub fn now(&self) -> Stamp {
        self.clock.now()
    }

    /// Once the clock has synchronised, re-dates this boot's records made before it (once per
    /// run). Every write calls it first, so nothing is written on the wrong side of the jump;
    /// forwarding calls it before reading the outbox and housekeeping on every round.
    pub fn redate_after_clock_sync(&self, now: &Stamp) {
        if !now.clock_synced || self.redated.load(Ordering::Acquire) {
            return;
        }
        match self.store.redate_unsynced(now) {
            Ok(r) => {
                self.redated.store(true, Ordering::Release);
                if r != Default::default() {
                    tracing::info!(?r, "clock synchronised: re-dated records made before");
                }
            }
            Err(e) => {
                tracing::warn!("could not re-date records after the clock synchronised: {e}")
            }
        }
    }

    /// The time for a write: `now`, after re-dating if the clock has just synchronised.
    fn now_for_write(&self) -> Stamp {
        let now = self.now();
        self.redate_after_clock_sync(&now);
        now
    }

    /// Site-local date and time of `utc`.
    pub fn local(&self, utc: DateTime<Utc>) -> NaiveDateTime {
        utc.with_timezone(&self.config().timezone).naive_local()
    }

    pub fn today(&self) -> NaiveDate {
        self.local(self.clock.now().utc).date()
    }

    /// Whether the drop-in queue is open now.
    pub fn is_open(&self) -> bool {
        self.config()
            .hours
            .is_open(self.local(self.clock.now().utc))
    }

    /// When the hub next opens (site-local), if within a week.
    pub fn next_opening(&self) -> Option<NaiveDateTime> {
        self.config()
            .hours
            .next_opening(self.local(self.clock.now().utc))
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// The timetable: which copy is in use, since when, why a refresh failed.
    pub fn timetable(&self) -> crate::courses::Snapshot {
        self.courses.snapshot()
    }

    /// What reads the timetable again into this hub (`[courses] refresh_minutes`, or a test).
    pub fn timetable_refresher(&self) -> crate::courses::Refresher {
        crate::courses::Refresher::new(
            &self.config(),
            self.courses.clone(),
            self.clock.clone(),
            self.events.clone(),
        )
    }

    fn publish(&self, event: Event) {
        self.events.publish(event);
    }

    /// Sync reports its state; the screen's indicator and the status page follow.
    pub fn report_sync(&self, s: SyncSnapshot) {
        use std::sync::atomic::Ordering::Relaxed;
        self.metrics
            .sync_online
            .store(i64::from(s.state.is_well()), Relaxed);
        let event = Event::SyncStatus {
            online: s.state.is_well(),
            detail: s
                .last_error
                .clone()
                .unwrap_or_else(|| s.state.as_str().to_owned()),
            outbox: s.outbox,
        };
        if self.status.set_sync(s) {
            self.publish(event);
        }
    }

    /// Forwarding's state as last reported.
    pub fn sync_status(&self) -> SyncSnapshot {
        self.status.sync()
    }

    /// The door sensor's health as last reported.
    pub fn door_status(&self) -> DoorSnapshot {
        self.status.door()
    }

    /// Every event published from now on (see `events`).
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    /// The counters `/metrics` prints.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The door sensor reports its health.
    pub fn report_door(&self, d: DoorSnapshot) {
        let fault = d.fault.clone();
        if self.status.set_door(d) {
            self.publish(Event::DoorStatus { fault });
        }
    }
}

#[cfg(test)]
mod tests;
