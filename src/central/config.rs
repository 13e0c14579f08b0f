//! The central service's configuration: one TOML file (`/etc/hub-kiosk/central.toml`) naming
//! the sites, each kiosk's token, and who may read the pages. Errors name the file, the line and
//! the key, like `kiosk.toml`'s (`check.rs` holds the checks). With no file the built-in demo
//! runs, matching the kiosk's demo: `hub-kiosk central` and `hub-kiosk run` forward to each other.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::config::{ConfigError, ConfigWarning, Tls};
use crate::domain::Catalogue;
use crate::domain::needs::{Need, default_needs};
use crate::web::client::TrustedProxy;

/// The commented example printed by `hub-kiosk central example`.
pub const EXAMPLE: &str = include_str!("example.toml");
/// The built-in demo used when no file is given.
pub const DEMO: &str = include_str!("demo.toml");
/// The demo's reader token for the API: public, so refused outside the demo.
pub const DEMO_READER_TOKEN: &str = "demo-central-token-not-for-real-use";

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Service {
    /// Address and port to listen on: this machine only unless set; any other address needs
    /// `tls` or `allow_plain_http` (`crate::config::transport`).
    pub listen: SocketAddr,
    /// Where the database lives (systemd's `StateDirectory`).
    pub data_dir: PathBuf,
    /// How far (minutes) after this server's clock an hour may start and still be accepted.
    pub max_future_minutes: u32,
    /// Hours a sign-in lasts.
    pub session_hours: u32,
    /// Reverse proxies whose `X-Forwarded-For` (and `X-Forwarded-Proto`) are believed: the
    /// sign-in throttle then counts the client the proxy names, not the proxy.
    pub trusted_proxies: Vec<TrustedProxy>,
    pub tls: Option<Tls>,
    /// Serve plain HTTP on the network all the same (TLS done elsewhere): a warning.
    pub allow_plain_http: bool,
}

impl Default for Service {
    fn default() -> Self {
        Service {
            listen: SocketAddr::from(([127, 0, 0, 1], 8090)),
            data_dir: PathBuf::from("/var/lib/hub-kiosk-central"),
            max_future_minutes: 120,
            session_hours: 12,
            trusted_proxies: Vec::new(),
            tls: None,
            allow_plain_http: false,
        }
    }
}

/// A site as written in the file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteEntry {
    pub id: String,
    pub name: String,
    #[serde(default = "london")]
    pub timezone: String,
    /// The site's door calibration factor (from a hand tally), applied in reports.
    #[serde(default = "one")]
    pub door_calibration: f64,
}

fn london() -> String {
    "Europe/London".into()
}

fn one() -> f64 {
    1.0
}

/// A kiosk allowed to send: its site, its id and its bearer token.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KioskEntry {
    pub site: String,
    pub id: String,
    pub token: String,
}

/// Someone who may read the pages (with a passcode) or the API (with a token).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reader {
    pub name: String,
    /// Argon2 hash from `hub-kiosk staff hash-passcode`, for signing in to the pages.
    pub passcode_hash: Option<String>,
    /// A bearer token for scripts, spreadsheets and Prometheus.
    pub token: Option<String>,
    /// Sites this reader may see; empty means every site.
    #[serde(default)]
    pub sites: Vec<String>,
}

impl Reader {
    pub fn may_see(&self, site: &str) -> bool {
        self.sites.is_empty() || self.sites.iter().any(|s| s == site)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCentral {
    #[serde(default)]
    pub service: Service,
    #[serde(default)]
    pub sites: Vec<SiteEntry>,
    #[serde(default)]
    pub kiosks: Vec<KioskEntry>,
    #[serde(default)]
    pub readers: Vec<Reader>,
    /// Needs shown as columns, in order; needs the kiosks send that are not listed get a column
    /// of their own after these.
    #[serde(default = "default_needs")]
    pub needs: Vec<Need>,
}

/// A validated site.
#[derive(Clone, Debug)]
pub struct Site {
    pub id: String,
    pub name: String,
    pub timezone: chrono_tz::Tz,
    pub door_calibration: f64,
}

/// A validated configuration.
#[derive(Clone, Debug)]
pub struct CentralConfig {
    pub origin: String,
    pub demo: bool,
    pub service: Service,
    pub sites: Vec<Site>,
    pub kiosks: Vec<KioskEntry>,
    pub readers: Vec<Reader>,
    pub catalogue: Catalogue,
    /// Allowed but worth attention (plain HTTP on the network): logged and shown on the pages.
    pub warnings: Vec<ConfigWarning>,
}

impl CentralConfig {
    pub fn load(path: &Path) -> Result<CentralConfig, ConfigError> {
        let text = crate::config::read(path, "hub-kiosk central example > central.toml")?;
        CentralConfig::parse(&text, &path.display().to_string())
    }

    pub fn parse(text: &str, origin: &str) -> Result<CentralConfig, ConfigError> {
        Self::parse_as(text, origin, false)
    }

    fn parse_as(text: &str, origin: &str, demo: bool) -> Result<CentralConfig, ConfigError> {
        let raw: RawCentral =
            toml::from_str(text).map_err(|e| crate::config::toml_error(text, origin, &e))?;
        super::check::validate(raw, text, origin, demo)
    }

    /// The built-in demo: site `demo`, kiosk `entrance` with the kiosk demo's token.
    pub fn demo() -> CentralConfig {
        let mut c = Self::parse_as(DEMO, "built-in central demo config", true)
            .expect("the central demo config is valid");
        c.service.data_dir = demo_data_dir();
        c
    }

    /// Listens on `listen` instead (`--listen`), under the same rule as the file.
    pub fn set_listen(&mut self, listen: SocketAddr) -> Result<(), ConfigError> {
        let s = &self.service;
        crate::config::listen_instead(
            listen,
            s.tls.is_some(),
            s.allow_plain_http,
            "service",
            &self.origin,
            &mut self.warnings,
        )?;
        self.service.listen = listen;
        Ok(())
    }

    pub fn database_path(&self) -> PathBuf {
        self.service.data_dir.join("central.sqlite3")
    }

    pub fn site(&self, id: &str) -> Option<&Site> {
        self.sites.iter().find(|s| s.id == id)
    }
}

/// `$HUB_KIOSK_CENTRAL_DEMO_DIR`, else `central-demo` beside the kiosk demo's directory.
pub fn demo_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("HUB_KIOSK_CENTRAL_DEMO_DIR") {
        return PathBuf::from(dir);
    }
    let kiosk = crate::config::demo_data_dir();
    kiosk
        .parent()
        .map_or_else(|| PathBuf::from("central-demo"), |p| p.join("central-demo"))
}
