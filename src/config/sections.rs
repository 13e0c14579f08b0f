//! The sections of `kiosk.toml`, as plain serde types with their defaults.
//!
//! Values that can be checked alone are checked while parsing (so the error carries the line);
//! checks that relate several values live in `validate.rs`.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::domain::hours::DayHours;
use crate::domain::{Language, OpeningHours};

pub use crate::domain::Texts;

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// Short id used in footfall sent to the central service, e.g. `walton`.
    pub id: String,
    /// Shown at the top of the screen.
    pub name: String,
    /// The warm line under the name, per language.
    #[serde(default)]
    pub welcome: Texts,
    /// Help line at the bottom of the screen, per language.
    #[serde(default)]
    pub help: Texts,
    /// IANA time zone for opening hours and daily totals.
    #[serde(default = "default_timezone")]
    pub timezone: String,
    /// Language the screen returns to when idle.
    #[serde(default = "Language::english")]
    pub default_language: Language,
    /// Languages offered on the welcome screen, in order.
    #[serde(default = "default_languages")]
    pub languages: Vec<Language>,
}

fn default_timezone() -> String {
    "Europe/London".into()
}

fn default_languages() -> Vec<Language> {
    ["en", "pl", "ar", "zh"]
        .iter()
        .map(|l| Language::new(l).expect("valid"))
        .collect()
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Kiosk {
    /// This kiosk's id within the site, e.g. `entrance`.
    #[serde(default = "default_kiosk_id")]
    pub id: String,
    /// Where the database lives. On the appliance systemd's `StateDirectory`.
    #[serde(default = "default_data_dir")]
    pub data_dir: PathBuf,
    /// Days after which per-visit rows (member numbers, tickets, door passes) are deleted;
    /// registers of sessions follow `[courses] register_retention_days`.
    #[serde(default = "default_retention")]
    pub retention_days: u32,
    /// Days the audit log of staff actions is kept.
    #[serde(default = "default_audit_days")]
    pub audit_days: u32,
}

fn default_kiosk_id() -> String {
    "entrance".into()
}

fn default_data_dir() -> PathBuf {
    PathBuf::from("/var/lib/hub-kiosk")
}

fn default_retention() -> u32 {
    30
}

fn default_audit_days() -> u32 {
    400
}

impl Default for Kiosk {
    fn default() -> Self {
        Kiosk {
            id: default_kiosk_id(),
            data_dir: default_data_dir(),
            retention_days: default_retention(),
            audit_days: default_audit_days(),
        }
    }
}

/// `[hours]`: one line per weekday, `"09:30-16:30"` or `"closed"`. With no `[hours]` section
/// the hub is open 9:30–16:30 Monday to Friday; in a section, days left out are closed.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Hours {
    pub monday: Option<DayHours>,
    pub tuesday: Option<DayHours>,
    pub wednesday: Option<DayHours>,
    pub thursday: Option<DayHours>,
    pub friday: Option<DayHours>,
    pub saturday: Option<DayHours>,
    pub sunday: Option<DayHours>,
}

impl Hours {
    pub fn opening_hours(&self) -> OpeningHours {
        let d = |h: Option<DayHours>| h.unwrap_or(DayHours(None));
        OpeningHours {
            days: [
                d(self.monday),
                d(self.tuesday),
                d(self.wednesday),
                d(self.thursday),
                d(self.friday),
                d(self.saturday),
                d(self.sunday),
            ],
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Queue {
    /// Letter before ticket numbers ("A 014").
    pub ticket_prefix: char,
    /// Service time assumed for a need until there is history.
    pub default_service_minutes: u32,
    /// How many recent seen tickets of a need make its median service time.
    pub service_samples: u32,
    /// Advisors assumed on duty when nobody has signed in as on duty.
    pub advisors_default: u32,
    /// Waits past these turn amber / red on the advisors' page.
    pub amber_minutes: u32,
    pub red_minutes: u32,
    /// How much more time waited counts for a visitor staff mark as a priority.
    pub priority_factor: f64,
    /// Where visitors are asked to go when called, if the advisor has no location of their own.
    pub default_location: Texts,
    /// The queue page warns this many minutes before closing.
    pub closing_warning_minutes: u32,
    /// Tickets still waiting this long after closing are closed by the clock (staff resolve
    /// the rest; called tickets are never closed by the clock).
    pub closing_grace_minutes: u32,
}

impl Default for Queue {
    fn default() -> Self {
        Queue {
            ticket_prefix: 'A',
            default_service_minutes: 15,
            service_samples: 20,
            advisors_default: 1,
            amber_minutes: 20,
            red_minutes: 40,
            priority_factor: 2.0,
            default_location: Texts::from([("en".into(), "the front desk".into())]),
            closing_warning_minutes: 15,
            closing_grace_minutes: 30,
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Display {
    /// Seconds without a touch before the screen counts down and resets.
    pub idle_reset_seconds: u32,
    /// Seconds the countdown is shown before the reset.
    pub countdown_seconds: u32,
    /// Seconds the "done" screen stays before returning to welcome.
    pub done_seconds: u32,
    /// Screen rotation in degrees: 0, 90, 180 or 270.
    pub rotation: u32,
    /// Play a chime when a ticket is called.
    pub chime: bool,
    /// How many recently called tickets the banner lists.
    pub recent_calls: u32,
}

impl Default for Display {
    fn default() -> Self {
        Display {
            idle_reset_seconds: 45,
            countdown_seconds: 10,
            done_seconds: 15,
            rotation: 0,
            chime: true,
            recent_calls: 3,
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Sync {
    /// Base URL of the central service; no forwarding when absent.
    pub central_url: Option<String>,
    /// This kiosk's bearer token at the central service.
    pub token: Option<String>,
    /// Seconds between forwarding rounds when all is well.
    pub interval_seconds: u32,
    /// Hourly buckets per request.
    pub batch_size: u32,
    /// Seconds before a request is given up and retried.
    pub timeout_seconds: u32,
}

impl Default for Sync {
    fn default() -> Self {
        Sync {
            central_url: None,
            token: None,
            interval_seconds: 60,
            batch_size: 200,
            timeout_seconds: 20,
        }
    }
}

/// How people are counted at the door.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DoorMode {
    /// No sensor.
    #[default]
    None,
    /// One beam: every break counts as "in".
    Single,
    /// Two beams about 10 cm apart: direction, in and out.
    Dual,
    /// Door passes read from a file, FIFO or standard input (see docs/hardware.md).
    Simulator,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Door {
    pub mode: DoorMode,
    /// BCM GPIO number of the outer beam (or the only one).
    pub beam_a_pin: u8,
    /// BCM GPIO number of the inner beam (dual mode).
    pub beam_b_pin: Option<u8>,
    /// The receiver pulls the line low when the beam is broken.
    pub active_low: bool,
    /// The Pi's internal pull-up on the beam inputs (open-collector receivers); `false`: pull-down.
    pub pull_up: bool,
    pub debounce_ms: u32,
    /// A beam blocked longer than this raises a fault.
    pub blocked_fault_seconds: u32,
    /// Factor applied to door counts in reports, measured by hand tally (raw counts are kept).
    pub calibration: f64,
    /// BCM GPIO number of a status LED: steady = all well, blinking = offline or fault.
    pub led_pin: Option<u8>,
    /// Simulator input: a file or FIFO path (a FIFO is made if nothing is there), or `-` for
    /// standard input. Default: `door-simulator` in the data directory.
    pub simulator_input: Option<PathBuf>,
}

impl Default for Door {
    fn default() -> Self {
        Door {
            mode: DoorMode::None,
            beam_a_pin: 17,
            beam_b_pin: None,
            active_low: true,
            pull_up: true,
            debounce_ms: 15,
            blocked_fault_seconds: 10,
            calibration: 1.0,
            led_pin: None,
            simulator_input: None,
        }
    }
}

/// A public key that signs membership cards.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CardKey {
    /// The key id printed in cards (1–2 characters).
    pub id: String,
    /// The Ed25519 public key, as written by `hub-kiosk card keygen` (base64).
    pub public_key: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Cards {
    pub keys: Vec<CardKey>,
    /// Revoked member numbers (`M-1001`: every card) or single cards (`M-1001#2`).
    pub revoked: Vec<String>,
    /// A file with one revocation entry per line (`#` comments allowed).
    pub revocation_file: Option<PathBuf>,
    /// The same card within this many minutes does not check in twice.
    pub repeat_scan_minutes: u32,
}

impl Default for Cards {
    fn default() -> Self {
        Cards {
            keys: Vec::new(),
            revoked: Vec::new(),
            revocation_file: None,
            repeat_scan_minutes: 5,
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Scanner {
    /// Serial QR scanner, e.g. `/dev/ttyACM0` or `/dev/serial0`.
    pub serial: Option<PathBuf>,
    pub baud: u32,
    /// Take scans typed by a USB keyboard-wedge scanner.
    pub keyboard: bool,
}

impl Default for Scanner {
    fn default() -> Self {
        Scanner {
            serial: None,
            baud: 9600,
            keyboard: true,
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Clock {
    /// Treat the wall clock as synchronised even when the system cannot say (desktops, tests).
    pub assume_synchronised: bool,
}

/// `[privacy]`: the "How we use information" page on the screen. Its built-in words, translated
/// with the rest of the screen, say what is recorded, for how long, what leaves the site and
/// whom to ask; a trust names its own contact, or replaces the words altogether.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Privacy {
    /// Whom to ask, per language (the trust's data protection officer, an address).
    pub contact: Texts,
    /// The trust's own notice, per language, in place of the built-in words.
    pub notice: Texts,
}
