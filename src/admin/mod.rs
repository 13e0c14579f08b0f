//! What the people who run kiosks need around the running service: which configuration a
//! command uses on the appliance, backups and restores (`backup`), the man pages and shell
//! completions (`manual`), the HTTPS key and certificate (`tls`), and keeping files a command
//! run as root makes in the service's data directory owned by the service's user (`give_back`).
//!
//! On the appliance every command reads `/etc/hub-kiosk/kiosk.toml` (the central service's
//! commands `/etc/hub-kiosk/central.toml`) when it exists, without `--config`; the built-in demo
//! only when there is none, or with `--demo`. Each says on stderr which it used.

pub mod backup;
pub mod manual;
pub mod tls;

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::service::Failure;

/// Where the package puts the configuration.
pub const ETC: &str = "/etc/hub-kiosk";

/// For tests only: a directory standing in for `/etc/hub-kiosk`, so the default-path rules can
/// be tested without touching the machine's own configuration.
pub const TEST_ETC_VAR: &str = "HUB_KIOSK_TEST_ETC";

/// `/etc/hub-kiosk/NAME` (or under [`TEST_ETC_VAR`]).
pub fn default_path(name: &str) -> PathBuf {
    std::env::var_os(TEST_ETC_VAR)
        .map_or_else(|| PathBuf::from(ETC), PathBuf::from)
        .join(name)
}

/// Which configuration a command runs with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Chosen {
    /// Named with `--config` (or `HUB_KIOSK_CONFIG`).
    Named(PathBuf),
    /// The appliance's file at the default path.
    Default(PathBuf),
    /// The built-in demo.
    Demo,
}

/// The rule: `--config` wins, `--demo` asks for the demo, otherwise the default file when it
/// exists, otherwise the demo.
pub fn choose(named: Option<&Path>, demo: bool, default: &Path) -> Chosen {
    match named {
        Some(p) => Chosen::Named(p.to_owned()),
        None if demo => Chosen::Demo,
        None if default.exists() => Chosen::Default(default.to_owned()),
        None => Chosen::Demo,
    }
}

/// Says on stderr which configuration is used.
pub fn announce(chosen: &Chosen, default: &Path, demo_data: &Path) {
    let p = crate::logging::stderr_prefix(&tracing::Level::INFO);
    match chosen {
        Chosen::Named(f) | Chosen::Default(f) => {
            eprintln!("{p}hub-kiosk: configuration {}", f.display())
        }
        Chosen::Demo => eprintln!(
            "{p}hub-kiosk: using the built-in demo (no {}, or --demo): its data is in {}",
            default.display(),
            demo_data.display()
        ),
    }
}

/// A file that exists but cannot be read is most often a missing group membership.
pub fn unreadable_hint(path: &Path) -> Option<Failure> {
    match std::fs::File::open(path) {
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            Some(Failure::usage(format!(
                "cannot read {}: {e}. Operators join the hub-kiosk group (sudo usermod -aG hub-kiosk $USER, then log in again), or use sudo",
                path.display()
            )))
        }
        _ => None,
    }
}

/// The kiosk configuration for a command: `--config`, else `/etc/hub-kiosk/kiosk.toml`, else
/// the demo.
pub fn kiosk_config(named: Option<&Path>, demo: bool) -> Result<Config, Failure> {
    let default = default_path("kiosk.toml");
    let chosen = choose(named, demo, &default);
    announce(&chosen, &default, &crate::config::demo_data_dir());
    match chosen {
        Chosen::Named(p) | Chosen::Default(p) => {
            if let Some(f) = unreadable_hint(&p) {
                return Err(f);
            }
            Config::load(&p).map_err(Failure::usage)
        }
        Chosen::Demo => Ok(Config::demo()),
    }
}

/// Run as root against a data directory that belongs to the service's user, files SQLite or a
/// backup made there (`-wal`, `-shm`, the backup itself) would stay root's and lock the service
/// out. This gives every such file beside `file` (and `file` itself) to the directory's owner.
/// Does nothing when not root or when the directory is root's.
pub fn give_back(file: &Path) {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return;
    }
    let dir = match file.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => d.to_owned(),
        None => PathBuf::from("."),
    };
    let Ok(owner) = std::fs::metadata(&dir) else {
        return;
    };
    if owner.uid() == 0 {
        return;
    }
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
    let Some(name) = name else { return };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for entry in entries.flatten() {
        let fname = entry.file_name().to_string_lossy().into_owned();
        if !fname.starts_with(&name) {
            continue;
        }
        let path = entry.path();
        if let Ok(m) = std::fs::symlink_metadata(&path)
            && m.uid() == 0
            && m.is_file()
            && let Err(e) = std::os::unix::fs::chown(&path, Some(owner.uid()), Some(owner.gid()))
        {
            eprintln!(
                "hub-kiosk: could not give {} back to the service's user: {e}",
                path.display()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_wins_then_demo_then_the_default_file_then_the_demo() {
        let dir = tempfile::tempdir().unwrap();
        let default = dir.path().join("kiosk.toml");
        let named = Path::new("/tmp/mine.toml");
        assert_eq!(choose(None, false, &default), Chosen::Demo);
        std::fs::write(&default, "").unwrap();
        assert_eq!(
            choose(None, false, &default),
            Chosen::Default(default.clone())
        );
        assert_eq!(choose(None, true, &default), Chosen::Demo);
        assert_eq!(
            choose(Some(named), false, &default),
            Chosen::Named(named.to_owned())
        );
    }
}
