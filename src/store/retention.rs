//! Retention: per-visit rows go after `retention_days`, registers of sessions after
//! `[courses] register_retention_days` (colleges keep registers longer); hourly totals stay.
//!
//! Member numbers are personal data (UK GDPR): the minimum is kept for the shortest time. Rows
//! are deleted whole — anonymous ones too — since the hourly footfall already holds what
//! reports need. Open tickets, unacknowledged help requests and a pause in force are never
//! deleted.

use chrono::{DateTime, Utc};

use super::rows::ms;
use super::{Result, Store};

/// How many rows a purge deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub check_ins: usize,
    pub tickets: usize,
    pub door_passes: usize,
    /// Students on registers of sessions that started before the register cutoff.
    pub attendees: usize,
    /// Help requests and pauses: their record of who acknowledged or paused.
    pub help_and_pauses: usize,
}

impl Store {
    /// Deletes check-ins, finished tickets and door passes recorded before `cutoff`, and the
    /// duty rows of staff away since before it, and the registers of sessions that started
    /// before `registers`.
    pub fn purge_before(&self, cutoff: DateTime<Utc>, registers: DateTime<Utc>) -> Result<Purged> {
        let c = ms(cutoff);
        let r = ms(registers);
        self.write(|tx| {
            let attendees = tx.execute(
                "DELETE FROM attendance WHERE session IN (SELECT id FROM session WHERE starts_ms < ?1)",
                [r],
            )?;
            tx.execute("DELETE FROM session WHERE starts_ms < ?1", [r])?;
            let tickets = tx.execute(
                "DELETE FROM ticket WHERE created_ms < ?1 AND state NOT IN ('waiting', 'called')",
                [c],
            )?;
            let check_ins = tx.execute(
                "DELETE FROM checkin WHERE at_ms < ?1
                 AND id NOT IN (SELECT checkin_id FROM ticket WHERE checkin_id IS NOT NULL)",
                [c],
            )?;
            let door_passes = tx.execute("DELETE FROM door_pass WHERE at_ms < ?1", [c])?;
            // Kept answers may name a member: they go with the rows they describe.
            tx.execute("DELETE FROM idempotency_key WHERE created_ms < ?1", [c])?;
            let help_and_pauses = tx.execute(
                "DELETE FROM help_request WHERE raised_ms < ?1 AND acknowledged_ms IS NOT NULL",
                [c],
            )? + tx.execute(
                "DELETE FROM dropin_pause WHERE since_ms < ?1 AND resumed_ms IS NOT NULL",
                [c],
            )?;
            // Staff names: who has been away since before the cutoff is forgotten.
            tx.execute("DELETE FROM duty WHERE on_duty = 0 AND since_ms < ?1", [c])?;
            Ok(Purged {
                check_ins,
                tickets,
                door_passes,
                attendees,
                help_and_pauses,
            })
        })
    }

    /// Member numbers still held (for the status page and tests).
    pub fn member_rows(&self) -> Result<i64> {
        Ok(self.conn()?.query_row(
            "SELECT (SELECT COUNT(*) FROM checkin WHERE member_id IS NOT NULL)
                  + (SELECT COUNT(*) FROM ticket WHERE member_id IS NOT NULL)
                  + (SELECT COUNT(*) FROM attendance WHERE member_id IS NOT NULL)",
            [],
            |r| r.get(0),
        )?)
    }
}
