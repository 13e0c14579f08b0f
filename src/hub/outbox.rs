//! The sync outbox as forwarding sees it: read a batch, mark what the central service took or
//! refused, count what waits, and the database's own id. Forwarding polls these; the hours
//! enter the outbox in the same transaction as every change to their totals (`store::outbox`).

use chrono::{DateTime, Utc};

use super::{Hub, HubResult};
use crate::store::OutboxEntry;

/// Where the database's random id is kept (see `sync::wire::Upload::database`).
const DATABASE_ID: &str = crate::store::backup::DATABASE_ID_KEY;

/// An hour as sent: its start and the revision of its totals.
pub type SentHour = (DateTime<Utc>, i64);

impl Hub {
    /// Up to `limit` hours waiting to be sent that have begun by `now`, oldest hour first.
    pub fn outbox_batch(&self, limit: u32, now: DateTime<Utc>) -> HubResult<Vec<OutboxEntry>> {
        Ok(self.store.outbox_batch(limit, now)?)
    }

    /// The central service took these hours; hours changed since they were read stay queued.
    pub fn outbox_accepted(&self, sent: &[SentHour]) -> HubResult<()> {
        self.store.outbox_ack(sent)?;
        Ok(())
    }

    /// The central service refused these hours as invalid: keep them aside as dead letters.
    pub fn outbox_refused(
        &self,
        sent: &[SentHour],
        status: u16,
        reason: &str,
        now: DateTime<Utc>,
    ) -> HubResult<()> {
        self.store.outbox_dead_letter(sent, status, reason, now)?;
        Ok(())
    }

    /// Hours waiting to be sent.
    pub fn outbox_depth(&self) -> HubResult<i64> {
        Ok(self.store.outbox_depth()?)
    }

    /// Hours the central service refused as invalid.
    pub fn dead_letter_count(&self) -> HubResult<i64> {
        Ok(self.store.dead_letter_count()?)
    }

    /// This database's random id, made and kept on first use: the central service tells a
    /// replaced or restored database from the one it knew by it.
    pub fn database_id(&self) -> HubResult<String> {
        if let Some(id) = self.store.meta(DATABASE_ID)? {
            return Ok(id);
        }
        let id = uuid::Uuid::new_v4().to_string();
        self.store.set_meta(DATABASE_ID, &id)?;
        Ok(id)
    }

    /// Counts one request to the central service by its outcome (`/metrics`).
    pub fn count_sync_request(&self, outcome: &str) {
        self.metrics.sync_requests.inc(outcome);
    }
}
