//! The door sensor and the status LED.
//!
//! People are counted by infrared break-beams at the entrance: one beam (every break is one
//! person in) or two beams about 10 cm apart (in and out). The parts:
//! - [`beams`]: the pure beam logic — debounce, crossings, the "blocked too long" fault.
//! - [`gpio`]: the beams and the LED on the Pi's GPIO through rppal.
//! - [`simulator`] and [`script`]: door events from a file, a FIFO or standard input, for
//!   desktops, tests and `run --headless` (the line protocol is in `docs/hardware.md`).
//! - [`led`]: what the status LED shows.
//! - [`runner`]: the door's own thread, which takes edges from a channel (GPIO callbacks never
//!   wait), saves each person through `Hub::door_pass` and reports health through
//!   `Hub::report_door`.
//!
//! The seam between logic and hardware is [`EdgeSource`] (something that delivers beam edges
//! into the channel) and [`OutputPin`]; tests put fakes behind both.

pub mod beams;
pub mod gpio;
pub mod led;
pub mod runner;
pub mod script;
pub mod simulator;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::Sender;
use std::time::Duration;

pub use beams::{Beam, BeamCounter, BeamSettings};
pub use runner::{Door, Parts};

use crate::config::{Config, DoorMode};
use crate::domain::footfall::Direction;
use crate::hub::Hub;
use crate::status::DoorSnapshot;

/// What reaches the door's thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// A beam's line changed; `at` on the [`monotonic`] clock.
    Edge {
        beam: Beam,
        broken: bool,
        at: Duration,
    },
    /// People already counted (the simulator's `in` and `out`).
    Pass { direction: Direction, count: u32 },
}

/// Something that delivers beam edges: the GPIO pins or the simulator.
pub trait EdgeSource: Send {
    /// Starts sending to `tx` for as long as the source lives, and returns which beams are
    /// broken now. On error the door's thread shows the message as a fault and tries again.
    fn start(&mut self, tx: Sender<Input>) -> Result<[bool; 2], String>;
}

/// An output pin, such as the status LED.
pub trait OutputPin: Send {
    fn set(&mut self, on: bool);
}

/// Opens an output pin; called again later when it fails.
pub type PinOpener = Box<dyn FnMut() -> Result<Box<dyn OutputPin>, String> + Send>;

/// The kernel's monotonic clock, which also stamps GPIO edge events.
pub fn monotonic() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the current time into `ts`.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    Duration::new(
        u64::try_from(ts.tv_sec).unwrap_or(0),
        u32::try_from(ts.tv_nsec).unwrap_or(0),
    )
}

/// Whether the simulator stands in for two beams: when `door.beam_b_pin` is set, as it would
/// be for a dual sensor.
fn dual(config: &Config) -> bool {
    match config.door.mode {
        DoorMode::Dual => true,
        DoorMode::Simulator => config.door.beam_b_pin.is_some(),
        DoorMode::None | DoorMode::Single => false,
    }
}

/// The mode as written in the configuration.
pub fn mode_name(mode: DoorMode) -> &'static str {
    match mode {
        DoorMode::None => "none",
        DoorMode::Single => "single",
        DoorMode::Dual => "dual",
        DoorMode::Simulator => "simulator",
    }
}

/// The simulator's input: `door.simulator_input`, else a FIFO in the data directory.
pub fn simulator_input(config: &Config) -> PathBuf {
    config
        .door
        .simulator_input
        .clone()
        .unwrap_or_else(|| config.kiosk.data_dir.join("door-simulator"))
}

/// The parts `[door]` asks for.
pub fn parts(config: &Config) -> Parts {
    let door = &config.door;
    let source: Option<Box<dyn EdgeSource>> = match door.mode {
        DoorMode::None => None,
        DoorMode::Single | DoorMode::Dual => {
            Some(Box::new(gpio::GpioBeams::new(door, dual(config))))
        }
        DoorMode::Simulator => Some(Box::new(simulator::Simulator::new(
            simulator_input(config),
            dual(config),
        ))),
    };
    Parts {
        mode: mode_name(door.mode).to_owned(),
        source,
        beams: BeamSettings::from_config(door, dual(config)),
        led: door.led_pin.map(gpio::led),
        retry: runner::RETRY,
    }
}

/// Starts counting at the door and driving the LED, as configured; keep the handle while the
/// kiosk runs. `None` when there is neither sensor nor LED.
pub fn start(hub: Arc<Hub>) -> Option<Door> {
    let parts = parts(&hub.config());
    if parts.source.is_none() && parts.led.is_none() {
        hub.report_door(DoorSnapshot {
            mode: parts.mode,
            ..Default::default()
        });
        return None;
    }
    match Door::spawn(hub, parts) {
        Ok(door) => Some(door),
        Err(e) => {
            tracing::error!(
                "cannot start the door sensor's thread: {e}; door passes are not counted"
            );
            None
        }
    }
}
