//! Door passes from the beam sensor: one row each, counted in their hour.

use rusqlite::params;

use super::rows::ms;
use super::{Result, Store, footfall};
use crate::domain::Stamp;
use crate::domain::footfall::{Direction, door_counts};

impl Store {
    /// Saves one person passing the door and counts them.
    pub fn record_door_pass(&self, at: &Stamp, direction: Direction) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO door_pass (at_ms, mono_ms, boot_id, clock_synced, direction) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![ms(at.utc), at.monotonic_ms, at.boot_id, at.clock_synced, direction.as_str()],
            )?;
            let (hour, counts) = door_counts(at.utc, direction);
            footfall::apply(tx, hour, &counts, 1, at.utc)
        })
    }
}
