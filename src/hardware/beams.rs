//! The door's beam logic, pure: edges in (which beam, broken or clear, when), people out.
//!
//! Each beam's edges pass a debounce filter first: a change counts only once the beam has held
//! its new state for the debounce time, and it counts from the moment of its first edge. The
//! steady states then drive either one beam (every break is one person in) or two beams about
//! 10 cm apart, outer `A` and inner `B`: `00 → 10 → 11 → 01 → 00` is one person in, the
//! reverse one person out, and any crossing that returns to the side it started from is
//! discarded. A beam held broken longer than `blocked_fault` raises a fault that clears when the
//! beam clears.
//!
//! Time is passed in as a `Duration` since any fixed origin (the kernel's monotonic clock on
//! the Pi); it never goes backwards here, a late edge counts at the latest time seen.

use std::time::Duration;

use crate::domain::footfall::Direction;

/// One of the door's beams.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Beam {
    /// The outer beam (the only one with a single beam).
    A,
    /// The inner beam.
    B,
}

impl Beam {
    fn index(self) -> usize {
        match self {
            Beam::A => 0,
            Beam::B => 1,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Beam::A => "A",
            Beam::B => "B",
        }
    }
}

/// How the beams are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BeamSettings {
    /// Two beams giving direction; otherwise beam A alone counts people in.
    pub dual: bool,
    pub debounce: Duration,
    pub blocked_fault: Duration,
}

impl BeamSettings {
    /// From `[door]` of the configuration.
    pub fn from_config(door: &crate::config::Door, dual: bool) -> Self {
        BeamSettings {
            dual,
            debounce: Duration::from_millis(u64::from(door.debounce_ms)),
            blocked_fault: Duration::from_secs(u64::from(door.blocked_fault_seconds)),
        }
    }
}

/// One beam's debounce filter: its steady state, since when, and a change waiting to hold.
#[derive(Clone, Copy, Debug)]
struct Filter {
    broken: bool,
    since: Duration,
    pending: Option<Duration>,
}

impl Filter {
    fn edge(&mut self, broken: bool, at: Duration) {
        if broken == self.broken {
            // Back to the steady state before the change held: a bounce.
            self.pending = None;
        } else if self.pending.is_none() {
            self.pending = Some(at);
        }
    }
}

/// The crossing in progress with two beams.
#[derive(Clone, Copy, Debug, Default)]
struct Crossing {
    /// The beam broken alone first; `None` when the crossing's start was not seen.
    first: Option<Beam>,
    /// The beam that was last broken alone.
    last_alone: Option<Beam>,
    /// Both beams were broken together at some point.
    both: bool,
}

/// The door's beams: feed it edges and ticks, take the people who passed.
#[derive(Clone, Debug)]
pub struct BeamCounter {
    settings: BeamSettings,
    beams: [Filter; 2],
    now: Duration,
    crossing: Crossing,
    /// A crossing can be judged only when it started with both beams clear.
    started_clear: bool,
}

impl BeamCounter {
    /// Starts at `at` with the beams as they are now (a beam already broken is not counted).
    pub fn new(settings: BeamSettings, broken: [bool; 2], at: Duration) -> Self {
        let filter = |b: bool| Filter {
            broken: b,
            since: at,
            pending: None,
        };
        BeamCounter {
            settings,
            beams: [filter(broken[0]), filter(broken[1])],
            now: at,
            crossing: Crossing::default(),
            started_clear: !broken[0] && !broken[1],
        }
    }

    /// A beam's line changed at `at`; returns the people whose passing is now certain.
    pub fn edge(&mut self, beam: Beam, broken: bool, at: Duration) -> Vec<Direction> {
        let at = at.max(self.now);
        let passes = self.advance(at);
        self.beams[beam.index()].edge(broken, at);
        passes
    }

    /// Time moved on to `now` with no edge; returns the people whose passing is now certain.
    pub fn tick(&mut self, now: Duration) -> Vec<Direction> {
        let now = now.max(self.now);
        self.advance(now)
    }

    /// The next moment something changes with no edge: a change has held for the debounce
    /// time, or a broken beam has been blocked long enough to be a fault. `None` when nothing
    /// will happen until the next edge.
    pub fn next_deadline(&self) -> Option<Duration> {
        let used = if self.settings.dual { 2 } else { 1 };
        self.beams[..used]
            .iter()
            .filter_map(|f| match f.pending {
                Some(at) => Some(at + self.settings.debounce),
                None if f.broken => {
                    let fault = f.since + self.settings.blocked_fault;
                    (fault > self.now).then_some(fault)
                }
                None => None,
            })
            .min()
    }

    /// Which beams are steadily broken.
    pub fn broken(&self) -> [bool; 2] {
        [self.beams[0].broken, self.beams[1].broken]
    }

    /// The beams blocked for longer than allowed, as words for the status page.
    pub fn fault(&self) -> Option<String> {
        let used = if self.settings.dual { 2 } else { 1 };
        let blocked: Vec<&str> = [Beam::A, Beam::B][..used]
            .iter()
            .filter(|b| {
                let f = &self.beams[b.index()];
                f.broken
                    && f.pending.is_none()
                    && self.now.saturating_sub(f.since) >= self.settings.blocked_fault
            })
            .map(|b| b.name())
            .collect();
        let secs = self.settings.blocked_fault.as_secs();
        match blocked.as_slice() {
            [] => None,
            [one] => Some(format!(
                "beam {one} blocked for more than {secs} s: clear the doorway or realign the beam"
            )),
            _ => Some(format!(
                "beams A and B blocked for more than {secs} s: clear the doorway or realign the beams"
            )),
        }
    }

    /// Confirms, oldest first, every change that has held for the debounce time by `to`.
    fn advance(&mut self, to: Duration) -> Vec<Direction> {
        let mut passes = Vec::new();
        loop {
            let due = self
                .beams
                .iter()
                .enumerate()
                .filter_map(|(i, f)| f.pending.map(|at| (at, i)))
                .filter(|(at, _)| *at + self.settings.debounce <= to)
                .min();
            let Some((at, i)) = due else { break };
            let f = &mut self.beams[i];
            f.broken = !f.broken;
            f.since = at;
            f.pending = None;
            let beam = if i == 0 { Beam::A } else { Beam::B };
            passes.extend(self.changed(beam));
        }
        self.now = to;
        passes
    }

    /// A beam's steady state changed.
    fn changed(&mut self, beam: Beam) -> Option<Direction> {
        let [a, b] = self.broken();
        if !self.settings.dual {
            return (beam == Beam::A && a).then_some(Direction::In);
        }
        let c = &mut self.crossing;
        match (a, b) {
            (false, false) => {
                let done = std::mem::take(&mut self.crossing);
                let judged = std::mem::replace(&mut self.started_clear, true);
                match (judged, done.first, done.both) {
                    (true, Some(first), true) if done.last_alone != Some(first) => {
                        Some(if first == Beam::A {
                            Direction::In
                        } else {
                            Direction::Out
                        })
                    }
                    _ => None,
                }
            }
            (true, true) => {
                c.both = true;
                None
            }
            _ => {
                let alone = if a { Beam::A } else { Beam::B };
                c.first.get_or_insert(alone);
                c.last_alone = Some(alone);
                None
            }
        }
    }
}
