//! hub-kiosk: the check-in appliance at the door of a community wellbeing hub.
//!
//! # Layout
//! - [`domain`]: the hub's rules — needs, check-ins, the drop-in queue, wait estimates,
//!   footfall, opening hours. Pure: no I/O, time passed in.
//! - [`store`]: the SQLite database; the only place the kiosk's SQL lives. [`sqlite`]: opening
//!   a SQLite file, shared with the central service's own store.
//! - [`hub`]: the core the other parts call — validate, save in one transaction, publish.
//! - [`events`]: the one broadcast stream the screen and the staff pages subscribe to.
//! - [`config`]: the TOML configuration, its example and the built-in demo.
//! - [`courses`]: the Recovery College timetable: reading or fetching it, the copy in use.
//! - [`clock`]: wall clock, monotonic clock, boot id and NTP state (the Pi has no RTC).
//! - [`staff`]: the advisors' and managers' pages, the JSON API and its event stream.
//! - [`web`]: what the staff and central services share: tokens, sessions, sign-in and its
//!   throttle, same-origin, security headers, serving with timeouts and a connection cap.
//! - [`hardware`]: the door sensor (break-beams or a simulator) and the status LED.
//! - [`report`]: daily footfall tables and CSV.
//! - [`sync`]: forwarding hourly footfall to the central service; [`central`]: that service.
//! - [`cards`]: membership card keys, issuing and printing, and the `card` commands.
//! - [`ui`]: the touchscreen (Slint): welcome, needs, done, now calling, screenshots.
//! - [`app`], [`cli`], [`logging`]: starting the parts, the command line, log output and the
//!   status line systemd shows; [`service`]: exit codes, systemd readiness and watchdog, stop
//!   signals, shared by all three.
//! - [`reload`]: SIGHUP (`systemctl reload`) re-reads the configuration while the kiosk runs.
//! - [`admin`]: what operators run on the appliance: the default configuration, backups and
//!   restores, man pages and completions.
//! - [`wakeups`]: how often each waiting loop has turned, so tests can check the kiosk idles.
//!
//! `docs/architecture.md` walks a check-in through these modules.

// No function over 80 lines (clippy.toml); tests are exempt.
#![warn(clippy::too_many_lines)]

pub mod admin;
pub mod app;
pub mod background;
pub mod cards;
pub mod central;
pub mod cli;
pub mod clock;
pub mod config;
pub mod courses;
pub mod domain;
pub mod events;
pub mod hardware;
pub mod hub;
pub mod logging;
pub mod metrics;
pub mod reload;
pub mod report;
pub mod scanner;
pub mod service;
pub mod sqlite;
pub mod staff;
pub mod status;
pub mod store;
pub mod sync;
pub mod ui;
pub mod wakeups;
pub mod web;
