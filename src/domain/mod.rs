//! The hub's rules, free of I/O: what a visitor can ask for, what a check-in records, how the
//! drop-in queue moves and how long it takes, how visits add up into hourly footfall, and when
//! the hub is open. Nothing here reads a clock, a file or the network: time is always passed in,
//! so every rule can be tested with fixed instants and replayed by the store.

pub mod base45;
pub mod card;
pub mod checkin;
pub mod day;
mod default_needs;
pub mod estimate;
pub mod footfall;
pub mod help;
pub mod hours;
pub mod needs;
pub mod queue;
pub mod stamp;
pub mod ticket;
pub mod timetable;

/// Text in several languages: `{ en = "…", pl = "…" }`. English is the fallback.
pub type Texts = std::collections::BTreeMap<String, String>;

pub use checkin::{CheckIn, CheckInError, Language, MemberId, Source, Visitor};
pub use estimate::{WaitEstimate, estimate_wait};
pub use footfall::{Counts, DayTotals, hour_start};
pub use help::HelpRequest;
pub use hours::OpeningHours;
pub use needs::{Catalogue, Need, NeedId};
pub use queue::{CallPolicy, Queue, QueueError, Remit};
pub use stamp::Stamp;
pub use ticket::{Action, Ticket, TicketNumber, TicketState, TransitionError};
