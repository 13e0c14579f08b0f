//! What the staff pages read back from the kiosk's records: footfall by site-local day, tickets,
//! who is on duty, and the `Idempotency-Key`s of the staff API.

use chrono::{DateTime, NaiveDate, Utc};

use super::{Hub, HubResult};
use crate::domain::footfall::DayTotals;
use crate::domain::{QueueError, Ticket};
use crate::store::idempotency::{KeyRecord, KeyedRequest};

/// A member of staff's duty: name, on duty, since when.
pub type DutyEntry = (String, bool, DateTime<Utc>);

impl Hub {
    /// Daily totals for the site-local days `from..=to`, omitting days with nothing counted.
    pub fn footfall_days(&self, from: NaiveDate, to: NaiveDate) -> HubResult<Vec<DayTotals>> {
        let tz = self.config().timezone;
        Ok(self.store.footfall_daily(from, to, &tz)?)
    }

    /// The ticket with this id; refused as an unknown ticket when there is none.
    pub fn ticket(&self, id: i64) -> HubResult<Ticket> {
        let ticket = self.store.ticket(id)?;
        Ok(ticket.ok_or_else(|| QueueError::UnknownTicket(format!("#{id}")))?)
    }

    /// The ticket a check-in was given, if any.
    pub fn ticket_of_check_in(&self, check_in_id: i64) -> HubResult<Option<Ticket>> {
        Ok(self.store.ticket_of_check_in(check_in_id)?)
    }

    /// Every ticket of today (site-local), in any state.
    pub fn tickets_today(&self) -> HubResult<Vec<Ticket>> {
        Ok(self.store.tickets_of_day(self.today())?)
    }

    /// Everyone who has said whether they are on duty.
    pub fn duty_roster(&self) -> HubResult<Vec<DutyEntry>> {
        Ok(self.store.duty()?)
    }

    /// What the key of `req` recorded (for its caller), if it is known and still kept.
    pub fn idempotency_key(&self, req: &KeyedRequest) -> HubResult<Option<KeyRecord>> {
        Ok(self.store.idempotency_key(&req.caller, &req.key, req.at)?)
    }

    /// Keeps the answer given to `req`, so a retry with its key gets it again.
    pub fn keep_answer(&self, req: &KeyedRequest, status: u16, answer: &str) -> HubResult<()> {
        let store = &self.store;
        Ok(store.save_idempotent_answer(&req.caller, &req.key, status, answer)?)
    }
}
