//! How many times each of the kiosk's waiting loops has turned, so a test can check that
//! nothing wakes while nothing happens (an appliance at a door idles for hours). Each loop
//! counts one turn every time it wakes from its wait, whatever woke it. Reading the counts
//! costs nothing and takes no lock.

use std::sync::atomic::{AtomicU64, Ordering};

/// A loop that waits for something to happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loop {
    /// The door's thread (`hardware::runner`).
    Door,
    /// The door simulator's reader (`hardware::simulator`).
    Simulator,
    /// A wait of a background thread (`background::Stop::sleep`).
    Background,
    /// The forwarding loop (`sync::worker`).
    Forwarding,
    /// The housekeeping loop (`app`).
    Housekeeping,
}

const LOOPS: usize = 5;
static TURNS: [AtomicU64; LOOPS] = [const { AtomicU64::new(0) }; LOOPS];

fn index(l: Loop) -> usize {
    match l {
        Loop::Door => 0,
        Loop::Simulator => 1,
        Loop::Background => 2,
        Loop::Forwarding => 3,
        Loop::Housekeeping => 4,
    }
}

/// One more turn of `l`.
pub fn turned(l: Loop) {
    TURNS[index(l)].fetch_add(1, Ordering::Relaxed);
}

/// Turns of `l` since the process started.
pub fn turns(l: Loop) -> u64 {
    TURNS[index(l)].load(Ordering::Relaxed)
}

/// Every loop with its turns so far.
pub fn all() -> [(Loop, u64); LOOPS] {
    [
        Loop::Door,
        Loop::Simulator,
        Loop::Background,
        Loop::Forwarding,
        Loop::Housekeeping,
    ]
    .map(|l| (l, turns(l)))
}
