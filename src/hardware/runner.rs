//! The door's own thread. Edges from the sensor (or the simulator) come down a channel; the
//! thread runs them through the beam logic, saves every person with `Hub::door_pass`, reports
//! health with `Hub::report_door` and drives the status LED.
//!
//! A sensor or LED that cannot be opened (off a Pi, no permission) is shown as a door fault and
//! tried again every [`RETRY`]; the kiosk runs on meanwhile. A pass the database refuses (disk
//! full) is kept in memory and saved again a few seconds later.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::led::{self, StatusLed};
use super::{BeamCounter, BeamSettings, EdgeSource, Input, PinOpener, monotonic};
use crate::background::{Background, Stop};
use crate::domain::footfall::Direction;
use crate::hub::Hub;
use crate::status::DoorSnapshot;

/// How often the thread wakes with nothing to do: the LED, debounce and faults move on.
const TICK: Duration = Duration::from_millis(100);
/// Ticks judge the beams this far in the past, so an edge still on its way is never "late".
const LAG: Duration = Duration::from_millis(100);
/// How often a sensor or LED that failed to open is tried again.
pub const RETRY: Duration = Duration::from_secs(30);
/// How long to wait before saving again after the database refused a pass.
const SAVE_RETRY: Duration = Duration::from_secs(5);
/// Most passes kept in memory while the database refuses them.
const MAX_UNSAVED: usize = 100_000;

/// What the door's thread works with.
pub struct Parts {
    /// `none`, `single`, `dual` or `simulator`, for the status page.
    pub mode: String,
    pub source: Option<Box<dyn EdgeSource>>,
    pub beams: BeamSettings,
    pub led: Option<PinOpener>,
    /// How often to try again a source or LED that failed to open.
    pub retry: Duration,
}

/// The running door thread; dropping it (or `stop`) ends it.
pub struct Door {
    thread: Background,
}

impl Door {
    pub fn spawn(hub: Arc<Hub>, parts: Parts) -> std::io::Result<Door> {
        let thread = Background::spawn("door", move |stop| Worker::new(hub, parts).run(&stop))?;
        Ok(Door { thread })
    }

    pub fn stop(self) {
        self.thread.stop();
    }
}

struct Worker {
    hub: Arc<Hub>,
    parts: Parts,
    tx: Sender<Input>,
    rx: Receiver<Input>,
    /// Present once the source has started.
    counter: Option<BeamCounter>,
    /// Why the source could not start.
    source_error: Option<String>,
    led: Option<StatusLed>,
    led_error: Option<String>,
    next_try: Duration,
    unsaved: VecDeque<Direction>,
    next_save: Duration,
    last_pass: Option<DateTime<Utc>>,
    reported: Option<DoorSnapshot>,
}

impl Worker {
    fn new(hub: Arc<Hub>, parts: Parts) -> Self {
        let (tx, rx) = mpsc::channel();
        Worker {
            hub,
            parts,
            tx,
            rx,
            counter: None,
            source_error: None,
            led: None,
            led_error: None,
            next_try: Duration::ZERO,
            unsaved: VecDeque::new(),
            next_save: Duration::ZERO,
            last_pass: None,
            reported: None,
        }
    }

    fn run(mut self, stop: &Stop) {
        while !stop.requested() {
            let now = monotonic();
            if now >= self.next_try {
                self.connect(now);
            }
            let now = monotonic();
            if let Some(c) = &mut self.counter {
                self.unsaved.extend(c.tick(now.saturating_sub(LAG)));
            }
            self.save(now);
            let fault = self.report();
            if let Some(l) = &mut self.led {
                l.show(led::pattern(fault, &self.hub.sync_status()), now);
            }
            match self.rx.recv_timeout(TICK) {
                Ok(input) => {
                    self.take(input);
                    while let Ok(more) = self.rx.try_recv() {
                        self.take(more);
                    }
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {}
            }
        }
        // Whatever the beams settled before stopping still counts.
        self.save(Duration::MAX);
    }

    /// Starts the source and opens the LED if they are not yet working.
    fn connect(&mut self, now: Duration) {
        self.next_try = now + self.parts.retry;
        if let (None, Some(source)) = (&self.counter, &mut self.parts.source) {
            match source.start(self.tx.clone()) {
                Ok(broken) => {
                    self.counter = Some(BeamCounter::new(self.parts.beams, broken, monotonic()));
                    if self.source_error.take().is_some() {
                        tracing::info!("door sensor working again");
                    }
                }
                Err(e) => {
                    if self.source_error.as_ref() != Some(&e) {
                        tracing::warn!(
                            "door sensor not counting: {e} (trying again every {} s)",
                            self.parts.retry.as_secs()
                        );
                    }
                    self.source_error = Some(e);
                }
            }
        }
        if let (None, Some(open)) = (&self.led, &mut self.parts.led) {
            match open() {
                Ok(pin) => self.led = Some(StatusLed::new(pin)),
                Err(e) => {
                    if self.led_error.as_ref() != Some(&e) {
                        tracing::warn!("status LED unavailable: {e}");
                    }
                    self.led_error = Some(e);
                }
            }
        }
    }

    fn take(&mut self, input: Input) {
        match input {
            Input::Edge { beam, broken, at } => {
                if let Some(c) = &mut self.counter {
                    self.unsaved.extend(c.edge(beam, broken, at));
                }
            }
            Input::Pass { direction, count } => {
                let room = MAX_UNSAVED.saturating_sub(self.unsaved.len());
                let wanted = usize::try_from(count).unwrap_or(usize::MAX);
                if wanted > room {
                    tracing::error!(
                        "dropped {} door passes: {room} fit in memory while the database refuses them",
                        wanted - room
                    );
                }
                self.unsaved
                    .extend(std::iter::repeat_n(direction, wanted.min(room)));
            }
        }
    }

    /// Saves the passes waiting, unless the database refused one a moment ago.
    fn save(&mut self, now: Duration) {
        if now < self.next_save && now != Duration::MAX {
            return;
        }
        while let Some(&direction) = self.unsaved.front() {
            match self.hub.door_pass(direction) {
                Ok(()) => {
                    self.unsaved.pop_front();
                    self.last_pass = Some(self.hub.clock().now().utc);
                }
                Err(e) => {
                    tracing::error!(
                        "could not save a door pass ({e}); {} kept in memory, trying again in {} s",
                        self.unsaved.len(),
                        SAVE_RETRY.as_secs()
                    );
                    self.next_save = now.saturating_add(SAVE_RETRY);
                    break;
                }
            }
        }
        if self.unsaved.len() > MAX_UNSAVED {
            let lost = self.unsaved.len() - MAX_UNSAVED;
            self.unsaved.drain(..lost);
            tracing::error!("dropped {lost} door passes the database would not take");
        }
    }

    /// Tells the hub how the door is; returns whether there is a fault.
    fn report(&mut self) -> bool {
        let fault = match (&self.source_error, &self.counter) {
            (Some(e), _) => Some(format!("door sensor not counting: {e}")),
            (None, Some(c)) => c.fault(),
            (None, None) => None,
        };
        let snapshot = DoorSnapshot {
            mode: self.parts.mode.clone(),
            fault,
            last_pass: self.last_pass,
        };
        let faulty = snapshot.fault.is_some();
        if self.reported.as_ref() != Some(&snapshot) {
            // A sensor that will not start was logged when it failed; beam faults are logged here.
            let was = self.reported.as_ref().and_then(|r| r.fault.clone());
            if snapshot.fault != was && self.source_error.is_none() {
                match &snapshot.fault {
                    Some(f) => tracing::warn!("door: {f}"),
                    None if self.reported.is_some() => tracing::info!("door: fault cleared"),
                    None => {}
                }
            }
            self.hub.report_door(snapshot.clone());
            self.reported = Some(snapshot);
        }
        faulty
    }
}
