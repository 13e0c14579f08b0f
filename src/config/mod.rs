//! Configuration: one TOML file (`/etc/hub-kiosk/kiosk.toml` on the appliance).
//!
//! Loading parses, then validates; any error names the file, the line and the key and says what
//! to write instead. `hub-kiosk config example` prints `example.toml`, a complete commented
//! file that passes `check-config`; with no file given the kiosk runs on `demo.toml`.

mod cards;
mod checks;
mod courses;
mod help;
mod locate;
pub mod reload;
mod sections;
mod staff;
mod transport;
mod validate;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::domain::needs::{Need, default_needs};
use crate::domain::{Catalogue, OpeningHours};
pub use courses::{Courses, Forward};
/// Shared with the central service's configuration.
pub use help::{CrisisNumber, Help};
pub(crate) use locate::{id_ok, locate, read, toml_error};
pub use sections::*;
pub use staff::*;
pub use transport::{ConfigWarning, Transport, listen_instead, plain_http_warning, transport};

/// The commented example printed by `hub-kiosk config example`.
pub const EXAMPLE: &str = include_str!("example.toml");
/// The built-in demo configuration used when no file is given.
pub const DEMO: &str = include_str!("demo.toml");
/// The demo's staff passcode and API token: printed at start, refused outside the demo.
pub const DEMO_PASSCODE: &str = "1234";
pub const DEMO_API_TOKEN: &str = "demo-api-token-not-for-real-use";
/// The demo's display page token: public, refused outside the demo.
pub const DEMO_DISPLAY_TOKEN: &str = "demo-display-token-not-for-real-use";
/// The token the demo kiosk uses at the demo central service.
pub const DEMO_CENTRAL_TOKEN: &str = "demo-kiosk-token-not-for-real-use";
/// The demo's card public key (key id D1); its private key is published in `docs/demo-cards/`,
/// so it is refused outside the demo.
pub const DEMO_CARD_PUBLIC_KEY: &str = "IciFQGBx3MrYinw6XOWlBVC/nklsAbyaCovByMpzmwQ=";

/// The file as written, before cross-checks.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    site: Site,
    #[serde(default)]
    kiosk: Kiosk,
    hours: Option<Hours>,
    #[serde(default)]
    queue: Queue,
    #[serde(default = "default_needs")]
    needs: Vec<Need>,
    #[serde(default)]
    display: Display,
    #[serde(default)]
    help: Help,
    #[serde(default)]
    staff: Staff,
    #[serde(default)]
    sync: Sync,
    #[serde(default)]
    door: Door,
    #[serde(default)]
    cards: Cards,
    #[serde(default)]
    scanner: Scanner,
    #[serde(default)]
    clock: Clock,
    #[serde(default)]
    courses: Courses,
    #[serde(default)]
    privacy: Privacy,
}

/// A validated configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where it came from (a path, or `built-in demo`).
    pub origin: String,
    /// The built-in demo: demo passcodes are allowed and printed.
    pub demo: bool,
    pub site: Site,
    pub kiosk: Kiosk,
    pub hours: OpeningHours,
    pub timezone: chrono_tz::Tz,
    pub queue: Queue,
    pub catalogue: Catalogue,
    pub display: Display,
    pub help: Help,
    pub staff: Staff,
    pub sync: Sync,
    pub door: Door,
    pub cards: Cards,
    pub scanner: Scanner,
    pub clock: Clock,
    pub courses: Courses,
    pub privacy: Privacy,
    /// Allowed but worth attention (plain HTTP on the network, a shared login): logged at
    /// start, shown on the status page, printed by `check-config`.
    pub warnings: Vec<ConfigWarning>,
}

/// A configuration problem, located in the file where possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: String,
    pub line: Option<usize>,
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        if let Some(key) = &self.key {
            write!(f, ", `{key}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Reads and validates a file.
    /// The file at `path`, or the built-in demo when no file is named.
    pub fn load_or_demo(path: Option<&Path>) -> Result<Config, ConfigError> {
        match path {
            Some(p) => Config::load(p),
            None => Ok(Config::demo()),
        }
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = locate::read(path, "hub-kiosk config example > kiosk.toml")?;
        Config::parse(&text, &path.display().to_string())
    }

    /// Parses and validates TOML text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Config, ConfigError> {
        Config::parse_as(text, origin, false)
    }

    fn parse_as(text: &str, origin: &str, demo: bool) -> Result<Config, ConfigError> {
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| locate::toml_error(text, origin, &e))?;
        validate::validate(raw, text, origin, demo)
    }

    /// The built-in demo: a Life Rooms-style site, data under the user's data directory.
    pub fn demo() -> Config {
        let mut c =
            Config::parse_as(DEMO, "built-in demo config", true).expect("the demo config is valid");
        c.kiosk.data_dir = demo_data_dir();
        c
    }

    /// Days a session's register is kept: `[courses] register_retention_days`, else
    /// `[kiosk] retention_days`.
    pub fn register_retention_days(&self) -> u32 {
        self.courses
            .register_retention_days
            .unwrap_or(self.kiosk.retention_days)
    }

    /// Listens on `listen` instead (`hub-kiosk run --listen`): refused, like the file would be,
    /// when it is on the network without TLS or the opt-out.
    pub fn set_listen(&mut self, listen: std::net::SocketAddr) -> Result<(), ConfigError> {
        let s = &self.staff;
        crate::config::listen_instead(
            listen,
            s.tls.is_some(),
            s.allow_plain_http,
            "staff",
            &self.origin,
            &mut self.warnings,
        )?;
        self.staff.listen = listen;
        Ok(())
    }

    /// The SQLite file of this kiosk.
    pub fn database_path(&self) -> PathBuf {
        self.kiosk.data_dir.join("kiosk.sqlite3")
    }
}

/// `$HUB_KIOSK_DEMO_DIR`, else `$XDG_DATA_HOME/hub-kiosk/demo`, else `~/.local/share/hub-kiosk/demo`.
pub fn demo_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("HUB_KIOSK_DEMO_DIR") {
        return PathBuf::from(dir);
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("hub-kiosk").join("demo")
}

#[cfg(test)]
mod tests;
