//! Work the clock drives: closing time (waiting tickets past the grace time, the day's duty, a
//! pause that ends at closing), help requests nobody acknowledged in time, re-dating after a
//! clock sync, deleting per-visit rows past retention and audit rows past `audit_days`, and
//! counting door passes.
//!
//! The clock never closes a called ticket: the visitor is with an advisor, and only staff finish
//! that ticket. Waiting tickets stay on the advisors' page after closing until staff resolve
//! them; only those still waiting `closing_grace_minutes` after closing are closed here.

use chrono::Duration;

use super::{Hub, HubResult};
use crate::domain::TicketState;
use crate::domain::day::tickets_close_at;
use crate::domain::footfall::Direction;
use crate::events::Event;

/// What one round of housekeeping did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Housekeeping {
    pub closed_tickets: usize,
    pub purged_rows: usize,
    pub escalated_help: usize,
    pub pause_ended: bool,
}

const LAST_PURGE: &str = "retention.last_purge_day";
const DUTY_CLEARED: &str = "duty.cleared_day";

/// The longest housekeeping sleeps: a configuration swapped meanwhile is followed within it.
pub const HOUSEKEEPING_AT_MOST: std::time::Duration = std::time::Duration::from_secs(3600);

impl Hub {
    /// One round of housekeeping; run at start and then every few seconds.
    pub fn housekeeping(&self) -> HubResult<Housekeeping> {
        let now = self.now();
        self.redate_after_clock_sync(&now);
        let closed_tickets = self.close_due_tickets()?;
        self.clear_duty_after_closing()?;
        let pause_ended = self.end_pause_at_closing()?;
        let escalated_help = self.escalate_due_help()?.len();
        Ok(Housekeeping {
            closed_tickets,
            purged_rows: self.purge_past_retention()?,
            escalated_help,
            pause_ended,
        })
    }

    /// Closes the tickets still waiting past their day's closing time and the grace time.
    fn close_due_tickets(&self) -> HubResult<usize> {
        let now = self.now();
        let config = self.config();
        let local = self.local(now.utc);
        let grace = self.closing_rules().grace;
        let due: Vec<i64> = self
            .store
            .open_tickets()?
            .iter()
            .filter(|t| t.state == TicketState::Waiting)
            .filter(|t| tickets_close_at(&config.hours, t.day, grace) <= local)
            .map(|t| t.id)
            .collect();
        if due.is_empty() {
            return Ok(0);
        }
        let closed = self.store.close_waiting(&due, now.utc)?;
        for t in &closed {
            self.publish(Event::TicketChanged {
                ticket: t.clone(),
                action: "close".into(),
            });
        }
        Ok(closed.len())
    }

    /// Once a day, at closing time (or on a day the hub does not open), everyone goes off duty.
    fn clear_duty_after_closing(&self) -> HubResult<()> {
        let now = self.now();
        let local = self.local(now.utc);
        let today = local.date();
        let closed = self
            .config()
            .hours
            .closes(today)
            .is_none_or(|closes| local >= closes);
        let key = today.to_string();
        if !closed || self.store.meta(DUTY_CLEARED)?.as_deref() == Some(key.as_str()) {
            return Ok(());
        }
        self.store.clear_duty(now.utc)?;
        self.store.set_meta(DUTY_CLEARED, &key)?;
        self.publish(Event::DutyChanged {
            on_duty: self.advisors_on_duty()?,
        });
        Ok(())
    }

    /// Once a day, deletes per-visit rows older than `retention_days` and audit rows older than
    /// `audit_days`.
    fn purge_past_retention(&self) -> HubResult<usize> {
        let now = self.now();
        let today_key = self.local(now.utc).date().to_string();
        if self.store.meta(LAST_PURGE)?.as_deref() == Some(today_key.as_str()) {
            return Ok(0);
        }
        let config = self.config();
        let cutoff = now.utc - Duration::days(i64::from(config.kiosk.retention_days));
        let registers = now.utc - Duration::days(i64::from(config.register_retention_days()));
        let p = self.store.purge_before(cutoff, registers)?;
        let mut purged = p.check_ins + p.tickets + p.door_passes + p.help_and_pauses + p.attendees;
        if purged > 0 {
            tracing::info!(?p, %cutoff, "deleted per-visit rows past retention");
        }
        let audit_days = self.config().kiosk.audit_days;
        let audit_cutoff = now.utc - Duration::days(i64::from(audit_days));
        let audit = self.store.purge_audit_before(audit_cutoff)?;
        if audit > 0 {
            tracing::info!(rows = audit, %audit_cutoff, "deleted audit rows past audit_days");
        }
        purged += audit;
        self.store.set_meta(LAST_PURGE, &today_key)?;
        Ok(purged)
    }

    /// How long housekeeping may sleep before its next round: until the queue's day next moves
    /// on (closing, the grace after it, midnight) or an open help request is due to escalate,
    /// or a minute while the clock has not synchronised (records are re-dated once it has);
    /// never more than [`HOUSEKEEPING_AT_MOST`]. A new help request wakes the loop sooner
    /// (`app::housekeeping_loop`).
    pub fn housekeeping_due(&self) -> std::time::Duration {
        let now = self.now();
        if !now.clock_synced {
            return std::time::Duration::from_secs(60);
        }
        let config = self.config();
        let local = now.utc.with_timezone(&config.timezone).naive_local();
        let next = config
            .hours
            .next_day_change(local, self.closing_rules().grace);
        let day = next
            .and_local_timezone(config.timezone)
            .earliest()
            .map_or(now.utc + Duration::hours(1), |t| {
                t.with_timezone(&chrono::Utc)
            });
        let escalate = Duration::seconds(i64::from(config.help.escalation_seconds));
        let help = self.open_help().ok().and_then(|open| {
            open.iter()
                .filter(|h| h.escalated.is_none())
                .map(|h| h.raised + escalate)
                .min()
        });
        let at = help.map_or(day, |h| h.min(day));
        // A second past the moment, so the round sees it has come.
        let wait = (at - now.utc + Duration::seconds(1))
            .to_std()
            .unwrap_or_default();
        wait.clamp(std::time::Duration::from_secs(1), HOUSEKEEPING_AT_MOST)
    }

    /// Counts one person through the door.
    pub fn door_pass(&self, direction: Direction) -> HubResult<()> {
        let now = self.now_for_write();
        self.store.record_door_pass(&now, direction)?;
        self.metrics.door_passes.inc(direction.as_str());
        self.publish(Event::DoorPassed { direction });
        Ok(())
    }
}
