//! Slowing down passcode guessing, per client address (`client::throttle_key`), with time
//! passed in so the rules are tested without sleeping. Both the staff pages and the central
//! service use it, through `sign_in`.
//!
//! - An attempt takes its place **before** its passcode is checked (`reserve`), and settles
//!   after: attempts in flight count as if they had failed, so a burst sent at once gets no
//!   more checks than one sent in turn. An address has room for `CLIENT_ALLOWANCE` (5) checks
//!   before its first lock-out, and one at a time after it.
//! - Slowing: from the third attempt after two wrong ones, each waits 1 s more (1, 2, 3 s).
//! - The 5th wrong passcode locks the address for 30 s; each further one doubles it, up to an
//!   hour. A right passcode clears the address; an address quiet for an hour is forgotten.
//! - Failures at one address never lock another. The backstop: after `OVERALL_ALLOWANCE` (20)
//!   wrong passcodes from all addresses within 10 minutes, every attempt waits 1 s, attempts
//!   from one address are checked one at a time, and an address is locked at its first wrong
//!   passcode. An address that has not failed is delayed, never refused.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::client::throttle_key;

/// Wrong passcodes an address may try before its first lock-out.
pub const CLIENT_ALLOWANCE: u32 = 5;
/// Wrong passcodes an address may try before its attempts are slowed.
pub const SLOW_AFTER: u32 = 2;
/// How much longer each slowed attempt waits than the one before.
pub const SLOW_STEP: Duration = Duration::from_secs(1);
/// The first lock-out; each further failure doubles it, up to `MAX_LOCK`.
pub const FIRST_LOCK: Duration = Duration::from_secs(30);
pub const MAX_LOCK: Duration = Duration::from_secs(60 * 60);
/// Wrong passcodes from everyone within `BACKSTOP_WINDOW` that turn the backstop on.
pub const OVERALL_ALLOWANCE: usize = 20;
pub const BACKSTOP_WINDOW: Duration = Duration::from_secs(10 * 60);
/// What every attempt waits while the backstop is on.
pub const BACKSTOP_DELAY: Duration = Duration::from_secs(1);
/// A record with no attempt and no lock-out for this long is forgotten.
const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);
/// Address records kept at most (the longest quiet are dropped first).
const MAX_CLIENTS: usize = 4096;

#[derive(Clone, Copy, Debug)]
struct Record {
    failures: u32,
    /// Attempts reserved and not yet settled.
    pending: u32,
    last_seen: Instant,
    locked_until: Option<Instant>,
}

impl Record {
    fn new(now: Instant) -> Self {
        Record {
            failures: 0,
            pending: 0,
            last_seen: now,
            locked_until: None,
        }
    }

    fn locked(&self, now: Instant) -> Option<Duration> {
        self.locked_until
            .filter(|until| *until > now)
            .map(|until| until - now)
    }

    fn stale(&self, now: Instant) -> bool {
        let quiet_since = self
            .locked_until
            .map_or(self.last_seen, |until| until.max(self.last_seen));
        self.pending == 0 && now.saturating_duration_since(quiet_since) >= FORGET_AFTER
    }
}

/// The lock-out after an address's `failures`-th wrong passcode (the backstop locks earlier).
fn lock_for(failures: u32) -> Duration {
    let doublings = failures.saturating_sub(CLIENT_ALLOWANCE).min(16);
    FIRST_LOCK.saturating_mul(1 << doublings).min(MAX_LOCK)
}

/// Who is locked out, and for how long.
#[derive(Debug, Default)]
pub struct Throttle {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    clients: HashMap<IpAddr, Record>,
    /// When the latest wrong passcodes (of everyone) came, at most `OVERALL_ALLOWANCE`.
    recent: VecDeque<Instant>,
}

impl Inner {
    fn backstop_on(&self, now: Instant) -> bool {
        self.recent.len() >= OVERALL_ALLOWANCE
            && self
                .recent
                .front()
                .is_some_and(|first| now.saturating_duration_since(*first) < BACKSTOP_WINDOW)
    }

    /// Room for `key`'s record: forget quiet ones, then the longest quiet if still full.
    fn make_room(&mut self, key: IpAddr, now: Instant) {
        if self.clients.len() < MAX_CLIENTS || self.clients.contains_key(&key) {
            return;
        }
        self.clients.retain(|_, r| !r.stale(now));
        if self.clients.len() >= MAX_CLIENTS
            && let Some(oldest) = self
                .clients
                .iter()
                .filter(|(_, r)| r.pending == 0)
                .min_by_key(|(_, r)| r.locked_until.unwrap_or(r.last_seen).max(r.last_seen))
                .map(|(ip, _)| *ip)
        {
            self.clients.remove(&oldest);
        }
    }
}

/// Why an attempt is refused before its passcode is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// This address guessed wrong too often (or has as many attempts in flight as it may).
    Locked(Locked),
    /// The backstop is on and another attempt from this address is being checked: wait.
    Turn,
}

/// A lock-out, and how long it has left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Locked {
    pub wait: Duration,
}

impl Locked {
    /// The message for the person at the sign-in page.
    pub fn message(self) -> String {
        let secs = self.wait.as_secs().max(1);
        let wait = if secs < 90 {
            format!("{secs} seconds")
        } else {
            format!("{} minutes", secs.div_ceil(60))
        };
        format!(
            "too many wrong passcodes from this device: try again in {wait}, or ask the site manager for your passcode"
        )
    }
}

/// An attempt's place in the throttle, taken before its passcode is checked. Settle it with
/// the result; dropped unsettled (the check never ran), it gives the place back.
#[derive(Debug)]
pub struct Reservation {
    throttle: Arc<Throttle>,
    key: IpAddr,
    /// How long to wait before checking (slowing and the backstop).
    pub delay: Duration,
    settled: bool,
}

impl Reservation {
    /// Records the result of the check.
    pub fn settle(mut self, right: bool, now: Instant) {
        self.settled = true;
        self.throttle.settle(self.key, right, now);
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        if !self.settled {
            self.throttle.release(self.key);
        }
    }
}

impl Throttle {
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes a place for an attempt from `client`, or says why it may not try now.
    pub fn reserve(self: &Arc<Self>, client: IpAddr, now: Instant) -> Result<Reservation, Refused> {
        let key = throttle_key(client);
        let mut inner = self.inner();
        let backstop = inner.backstop_on(now);
        inner.make_room(key, now);
        let rec = inner.clients.entry(key).or_insert_with(|| Record::new(now));
        if rec.stale(now) {
            *rec = Record::new(now);
        }
        if let Some(wait) = rec.locked(now) {
            return Err(Refused::Locked(Locked { wait }));
        }
        if backstop && rec.pending > 0 {
            return Err(Refused::Turn);
        }
        let ahead = rec.failures + rec.pending;
        if rec.pending >= CLIENT_ALLOWANCE.saturating_sub(rec.failures).max(1) {
            let wait = lock_for(ahead.max(CLIENT_ALLOWANCE));
            return Err(Refused::Locked(Locked { wait }));
        }
        rec.pending += 1;
        rec.last_seen = now;
        let slow = if (SLOW_AFTER..CLIENT_ALLOWANCE).contains(&ahead) {
            SLOW_STEP * (ahead - SLOW_AFTER + 1)
        } else {
            Duration::ZERO
        };
        let delay = if backstop {
            slow.max(BACKSTOP_DELAY)
        } else {
            slow
        };
        Ok(Reservation {
            throttle: self.clone(),
            key,
            delay,
            settled: false,
        })
    }

    /// Whether the backstop is on.
    pub fn backstop_on(&self, now: Instant) -> bool {
        self.inner().backstop_on(now)
    }

    fn settle(&self, key: IpAddr, right: bool, now: Instant) {
        let mut inner = self.inner();
        if !right {
            inner.recent.push_back(now);
            while inner.recent.len() > OVERALL_ALLOWANCE {
                inner.recent.pop_front();
            }
        }
        let backstop = inner.backstop_on(now);
        let Some(rec) = inner.clients.get_mut(&key) else {
            return;
        };
        rec.pending = rec.pending.saturating_sub(1);
        rec.last_seen = now;
        if right {
            rec.failures = 0;
            rec.locked_until = None;
        } else {
            rec.failures += 1;
            if rec.failures >= CLIENT_ALLOWANCE || backstop {
                rec.locked_until = Some(now + lock_for(rec.failures));
            }
        }
        if rec.pending == 0 && rec.failures == 0 {
            inner.clients.remove(&key);
        }
    }

    fn release(&self, key: IpAddr) {
        let mut inner = self.inner();
        if let Some(rec) = inner.clients.get_mut(&key) {
            rec.pending = rec.pending.saturating_sub(1);
            if rec.pending == 0 && rec.failures == 0 && rec.locked_until.is_none() {
                inner.clients.remove(&key);
            }
        }
    }
}

#[cfg(test)]
#[path = "throttle_tests.rs"]
mod tests;
