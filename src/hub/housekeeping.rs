//! Work the clock drives: closing the queue at closing time, re-dating after a clock sync,
//! deleting per-visit rows past retention and audit rows past `audit_days`, and counting door
//! passes.

use chrono::Duration;

use super::{Hub, HubResult};
use crate::domain::footfall::Direction;
use crate::events::Event;

/// What one round of housekeeping did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Housekeeping {
    pub closed_tickets: usize,
    pub purged_rows: usize,
}

const LAST_PURGE: &str = "retention.last_purge_day";

impl Hub {
    /// One round of housekeeping; run at start and then every few seconds.
    pub fn housekeeping(&self) -> HubResult<Housekeeping> {
        let now = self.now();
        self.redate_after_clock_sync(&now);
        let config = self.config();
        let local = self.local(now.utc);
        let today = local.date();
        let closed_now = !config.hours.is_open(local)
            && config
                .hours
                .closes(today)
                .is_none_or(|closes| local >= closes);
        let closed = self.store.close_open_tickets(today, closed_now, now.utc)?;
        if closed_now && !closed.is_empty() {
            self.store.clear_duty(now.utc)?;
            self.publish(Event::DutyChanged {
                on_duty: self.advisors_on_duty()?,
            });
        }
        for t in &closed {
            self.publish(Event::TicketChanged {
                ticket: t.clone(),
                action: "close".into(),
            });
        }

        let mut purged_rows = 0;
        let today_key = today.to_string();
        if self.store.meta(LAST_PURGE)?.as_deref() != Some(today_key.as_str()) {
            let cutoff = now.utc - Duration::days(i64::from(config.kiosk.retention_days));
            let p = self.store.purge_before(cutoff)?;
            purged_rows = p.check_ins + p.tickets + p.door_passes;
            if purged_rows > 0 {
                tracing::info!(?p, %cutoff, "deleted per-visit rows past retention");
            }
            let audit_cutoff = now.utc - Duration::days(i64::from(config.kiosk.audit_days));
            let audit = self.store.purge_audit_before(audit_cutoff)?;
            if audit > 0 {
                tracing::info!(rows = audit, %audit_cutoff, "deleted audit rows past audit_days");
            }
            purged_rows += audit;
            self.store.set_meta(LAST_PURGE, &today_key)?;
        }
        Ok(Housekeeping {
            closed_tickets: closed.len(),
            purged_rows,
        })
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
