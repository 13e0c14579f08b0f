//! "I need to talk to someone now" and pauses: raising a help request (counted, nothing about
//! who), escalating it when nobody acknowledged it in time, acknowledging it (who, when), and
//! pausing and resuming drop-ins. Each is one store transaction and then an event, which the
//! staff pages, the display page and the screen follow. None of it needs the central service.

use chrono::Duration;

use super::{Hub, HubError, HubResult};
use crate::domain::HelpRequest;
use crate::domain::day::{Pause, pause_ends_at, pause_reason};
use crate::events::Event;

impl Hub {
    /// A visitor asked for a person. While a request is still unacknowledged another tap joins
    /// it (it is counted once and alerts once).
    pub fn request_help(&self) -> HubResult<HelpRequest> {
        let at = self.now_for_write();
        let (help, new) = self.store.raise_help(&at)?;
        if new {
            tracing::warn!(
                id = help.id,
                "a visitor asked for someone now (help request)"
            );
            self.publish(Event::HelpRequested { help: help.clone() });
        }
        Ok(help)
    }

    /// `by`, signed in, is on their way: the alert clears everywhere.
    pub fn acknowledge_help(&self, id: i64, by: &str) -> HubResult<HelpRequest> {
        let now = self.now_for_write();
        let help = self.store.acknowledge_help(id, by, now.utc)?;
        tracing::info!(id, by, "help request acknowledged");
        self.publish(Event::HelpAcknowledged { help: help.clone() });
        Ok(help)
    }

    /// Escalates every request left unacknowledged for `[help] escalation_seconds`.
    pub fn escalate_due_help(&self) -> HubResult<Vec<HelpRequest>> {
        let now = self.now();
        let after = Duration::seconds(i64::from(self.config().help.escalation_seconds));
        let escalated = self.store.escalate_help(now.utc - after, now.utc)?;
        for help in &escalated {
            tracing::warn!(id = help.id, "a help request was not acknowledged in time");
            self.publish(Event::HelpEscalated { help: help.clone() });
        }
        Ok(escalated)
    }

    /// Help request `id`, if it is known.
    pub fn help_request(&self, id: i64) -> HubResult<Option<HelpRequest>> {
        Ok(self.store.help_request(id)?)
    }

    /// Pause `id`, in force or not.
    pub fn pause_by_id(&self, id: i64) -> HubResult<Option<Pause>> {
        Ok(self.store.pause_by_id(id)?)
    }

    /// Help requests nobody has acknowledged yet, oldest first.
    pub fn open_help(&self) -> HubResult<Vec<HelpRequest>> {
        Ok(self.store.open_help()?)
    }

    /// Help requests of the last day, newest first, with who acknowledged each.
    pub fn recent_help(&self) -> HubResult<Vec<HelpRequest>> {
        Ok(self
            .store
            .help_since(self.clock.now().utc - Duration::days(1))?)
    }

    /// Pauses drop-ins: the screen stops giving tickets until someone resumes, or closing.
    pub fn pause_dropins(&self, by: &str, reason: Option<&str>) -> HubResult<Pause> {
        let reason = pause_reason(reason).map_err(HubError::BadInput)?;
        let now = self.now_for_write();
        let config = self.config();
        let ends = pause_ends_at(&config.hours, self.local(now.utc)).and_then(|local| {
            local
                .and_local_timezone(config.timezone)
                .earliest()
                .map(|t| t.to_utc())
        });
        let before = self.store.pause()?;
        let pause = self.store.set_pause(by, reason.as_deref(), ends, now.utc)?;
        if before.is_none() {
            self.publish(Event::PauseChanged {
                pause: Some(pause.clone()),
            });
        }
        Ok(pause)
    }

    /// Resumes drop-ins; the pause that ended, if there was one.
    pub fn resume_dropins(&self, by: &str) -> HubResult<Option<Pause>> {
        let now = self.now_for_write();
        let ended = self.store.end_pause(Some(by), now.utc)?;
        if ended.is_some() {
            self.publish(Event::PauseChanged { pause: None });
        }
        Ok(ended)
    }

    /// The pause in force, if any.
    pub fn pause(&self) -> HubResult<Option<Pause>> {
        Ok(self.store.pause()?)
    }

    /// Ends a pause whose time is up (closing); whether it did.
    pub(super) fn end_pause_at_closing(&self) -> HubResult<bool> {
        let now = self.now();
        let due = self
            .store
            .pause()?
            .is_some_and(|p| p.ends.is_some_and(|e| e <= now.utc));
        if due && self.store.end_pause(None, now.utc)?.is_some() {
            self.publish(Event::PauseChanged { pause: None });
            return Ok(true);
        }
        Ok(false)
    }
}
