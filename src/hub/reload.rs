//! Replacing the configuration while the kiosk runs (`systemctl reload hub-kiosk`): the new one
//! has been read and checked by the caller; the hub swaps it in whole, keeping the running value
//! of the keys read only at start (`config::reload`), and remembers how the last reload went so
//! the status page can say it. A refused reload changes nothing and is remembered with why.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Hub, Settings};
use crate::config::Config;
use crate::config::reload::{keep_restart_only, restart_message};
use crate::events::Event;

/// How the last reload went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReloadReport {
    pub at: DateTime<Utc>,
    /// Where the configuration was read from.
    pub origin: String,
    /// Why it was refused (the old configuration stays), or `None` when it took effect.
    pub refused: Option<String>,
    /// Keys that changed but wait for a restart.
    pub restart_needed: Vec<String>,
}

impl ReloadReport {
    /// One line for the log and the status page.
    pub fn summary(&self) -> String {
        match &self.refused {
            Some(why) => {
                format!("the configuration was not reloaded, the running one stays: {why}")
            }
            None if self.restart_needed.is_empty() => {
                format!("the configuration was reloaded from {}", self.origin)
            }
            None => format!(
                "the configuration was reloaded from {}; {}",
                self.origin,
                restart_message(&self.restart_needed)
            ),
        }
    }
}

impl Hub {
    /// Swaps in `new` (already checked), keeping the keys read only at start.
    pub fn replace_config(&self, mut new: Config) -> ReloadReport {
        let running = self.config();
        let restart_needed = keep_restart_only(&running, &mut new);
        let origin = new.origin.clone();
        let settings = Arc::new(Settings::new(Arc::new(new)));
        *self.settings.write().unwrap_or_else(|p| p.into_inner()) = settings;
        let report = ReloadReport {
            at: self.now().utc,
            origin,
            refused: None,
            restart_needed,
        };
        self.remember(report)
    }

    /// A reload that could not be done (`why`): the running configuration stays.
    pub fn reload_refused(&self, why: String) -> ReloadReport {
        let report = ReloadReport {
            at: self.now().utc,
            origin: self.config().origin.clone(),
            refused: Some(why),
            restart_needed: Vec::new(),
        };
        self.remember(report)
    }

    fn remember(&self, report: ReloadReport) -> ReloadReport {
        *self.last_reload.lock().unwrap_or_else(|p| p.into_inner()) = Some(report.clone());
        self.publish(Event::ConfigReloaded {
            ok: report.refused.is_none(),
        });
        report
    }

    /// How the last reload since start went, if there was one.
    pub fn last_reload(&self) -> Option<ReloadReport> {
        self.last_reload
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}
