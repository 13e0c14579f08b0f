//! Live reload: `systemctl reload hub-kiosk` sends SIGHUP, and the running kiosk re-reads its
//! configuration file without restarting — a leaver's login removed, a new passcode, a revoked
//! card, a new need or opening hour take effect at once, and the queue, the screen and
//! everyone else's sessions carry on. The file is checked first, exactly as at start: on any
//! problem the running configuration stays and the log and the status page say why. Signed-in
//! sessions of logins no longer in the file, or given a new passcode, end; each change to who
//! may sign in or check in by card is a row of the audit log. Keys read only at start keep their running
//! value until a restart, and the log and the status page name them (`config::reload`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Config;
use crate::config::reload::access_changes;
use crate::hub::{Hub, ReloadReport, StaffAction};
use crate::staff::StaffState;
use crate::store::AuditVia;

/// What a reload re-reads: the file the kiosk started with, and `--listen` when it was given
/// (it wins over the file's `staff.listen`, as at start).
#[derive(Clone, Debug, Default)]
pub struct Source {
    /// `None` for the built-in demo, which has no file to re-read.
    pub file: Option<PathBuf>,
    pub listen: Option<SocketAddr>,
}

/// The file, checked as at start.
fn read(source: &Source) -> Result<Config, String> {
    let file: &Path = source.file.as_deref().ok_or_else(|| {
        "the kiosk is running the built-in demo: there is no file to re-read (start it with \
         --config FILE)"
            .to_owned()
    })?;
    let mut config = Config::load(file).map_err(|e| e.to_string())?;
    if let Some(listen) = source.listen {
        config.set_listen(listen).map_err(|e| e.to_string())?;
    }
    Ok(config)
}

/// One audit row per change to who may sign in or check in by card; the actor is the file.
fn record_access_changes(hub: &Hub, before: &Config, now: &Config) {
    for c in access_changes(before, now) {
        let _ = hub.audit(StaffAction {
            actor: now.origin.clone(),
            via: AuditVia::Reload,
            action: "reload".into(),
            subject: Some(c.subject),
            detail: Some(c.detail),
            client: None,
        });
    }
}

/// Re-reads the configuration and swaps it in, or keeps the running one and says why
/// (blocking: it reads the file and the revocation list).
pub fn reload(hub: &Hub, staff: &StaffState, source: &Source) -> ReloadReport {
    let report = match read(source) {
        Err(why) => hub.reload_refused(why),
        Ok(config) => {
            let before = hub.config();
            let report = hub.replace_config(config);
            let now = hub.config();
            // A removed login, or a new passcode (perhaps because the old one was seen), signs
            // that person's sessions out; everyone else carries on.
            let ended = staff.sessions.end_unless(|name| {
                let hash = |c: &Config| c.staff.login(name).map(|l| l.passcode_hash.clone());
                hash(&now).is_some() && hash(&now) == hash(&before)
            });
            if ended > 0 {
                tracing::info!(
                    "signed out {ended} sessions of logins removed or given a new passcode"
                );
            }
            record_access_changes(hub, &before, &now);
            for w in &now.warnings {
                tracing::warn!("{w}");
            }
            report
        }
    };
    if report.refused.is_some() {
        tracing::error!("{}", report.summary());
    } else if report.restart_needed.is_empty() {
        tracing::info!("{}", report.summary());
    } else {
        tracing::warn!("{}", report.summary());
    }
    report
}

/// Reloads on every SIGHUP from now on, telling systemd while it does, until the runtime stops.
/// Call it inside the tokio runtime: SIGHUP is caught from the moment it returns.
pub fn start(
    hub: Arc<Hub>,
    staff: Arc<StaffState>,
    source: Source,
) -> std::io::Result<tokio::task::JoinHandle<()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut hangups = signal(SignalKind::hangup())?;
    Ok(tokio::spawn(async move {
        while hangups.recv().await.is_some() {
            let mut reloading = vec![sd_notify::NotifyState::Reloading];
            reloading.extend(sd_notify::NotifyState::monotonic_usec_now().ok());
            let _ = sd_notify::notify(&reloading);
            let (h, s, src) = (hub.clone(), staff.clone(), source.clone());
            if let Err(e) = tokio::task::spawn_blocking(move || reload(&h, &s, &src)).await {
                tracing::error!("the reload failed inside the kiosk: {e}");
            }
            let _ = sd_notify::notify(&[sd_notify::NotifyState::Ready]);
        }
    }))
}
