//! Slowing down passcode guessing. Passcodes are short, so after a few wrong ones a client
//! is locked out for a while, and each further wrong one doubles the wait. The same happens
//! across all clients together (with a higher allowance), so spreading guesses over many
//! addresses does not help. Both the staff pages and the central service use it. A right passcode clears that client's record; records of clients
//! quiet for a while are forgotten. Time is passed in, so the rules are tested without sleeping.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Wrong passcodes a client may try before the first lock-out.
pub const CLIENT_ALLOWANCE: u32 = 5;
/// Wrong passcodes from everyone together before every sign-in is locked.
pub const OVERALL_ALLOWANCE: u32 = 20;
/// The first lock-out; each further failure doubles it, up to `MAX_LOCK`.
pub const FIRST_LOCK: Duration = Duration::from_secs(30);
pub const MAX_LOCK: Duration = Duration::from_secs(60 * 60);
/// A record with no failure (and no lock-out) for this long is forgotten.
const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);
/// Client records kept at most (the oldest are dropped first).
const MAX_CLIENTS: usize = 4096;

#[derive(Clone, Copy, Debug)]
struct Record {
    failures: u32,
    last_failure: Instant,
    locked_until: Option<Instant>,
}

impl Record {
    fn new(now: Instant) -> Self {
        Record {
            failures: 0,
            last_failure: now,
            locked_until: None,
        }
    }

    fn locked(&self, now: Instant) -> Option<Duration> {
        self.locked_until
            .filter(|until| *until > now)
            .map(|until| until - now)
    }

    fn fail(&mut self, now: Instant, allowance: u32) {
        self.failures += 1;
        self.last_failure = now;
        if self.failures >= allowance {
            let doublings = (self.failures - allowance).min(16);
            let lock = FIRST_LOCK.saturating_mul(1 << doublings).min(MAX_LOCK);
            self.locked_until = Some(now + lock);
        }
    }

    /// Quiet for `FORGET_AFTER` since the last failure or the end of the last lock-out.
    fn stale(&self, now: Instant) -> bool {
        let quiet_since = self
            .locked_until
            .map_or(self.last_failure, |until| until.max(self.last_failure));
        now.saturating_duration_since(quiet_since) >= FORGET_AFTER
    }
}

/// Who is locked out, and for how long.
#[derive(Debug, Default)]
pub struct Throttle {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    clients: HashMap<IpAddr, Record>,
    overall: Option<Record>,
}

/// Why a sign-in attempt is refused before the passcode is even checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Locked {
    /// This client guessed wrong too often.
    Client(Duration),
    /// Too many wrong passcodes from everyone: every sign-in waits.
    Overall(Duration),
}

impl Locked {
    pub fn wait(self) -> Duration {
        match self {
            Locked::Client(d) | Locked::Overall(d) => d,
        }
    }

    /// The message for the person at the sign-in page.
    pub fn message(self) -> String {
        let secs = self.wait().as_secs().max(1);
        let wait = if secs < 90 {
            format!("{secs} seconds")
        } else {
            format!("{} minutes", secs.div_ceil(60))
        };
        match self {
            Locked::Client(_) => format!(
                "too many wrong passcodes from this device: try again in {wait}, or ask the site manager for your passcode"
            ),
            Locked::Overall(_) => format!(
                "too many wrong passcodes here: sign-in is paused for {wait}. If nobody was guessing, tell the site manager"
            ),
        }
    }
}

impl Throttle {
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether `client` may try a passcode now.
    pub fn check(&self, client: IpAddr, now: Instant) -> Result<(), Locked> {
        let inner = self.inner();
        if let Some(wait) = inner.clients.get(&client).and_then(|r| r.locked(now)) {
            return Err(Locked::Client(wait));
        }
        if let Some(wait) = inner.overall.and_then(|r| r.locked(now)) {
            return Err(Locked::Overall(wait));
        }
        Ok(())
    }

    /// Records a wrong passcode.
    pub fn fail(&self, client: IpAddr, now: Instant) {
        let mut inner = self.inner();
        inner.clients.retain(|_, r| !r.stale(now));
        if inner.clients.len() >= MAX_CLIENTS
            && !inner.clients.contains_key(&client)
            && let Some(oldest) = inner
                .clients
                .iter()
                .min_by_key(|(_, r)| r.last_failure)
                .map(|(ip, _)| *ip)
        {
            inner.clients.remove(&oldest);
        }
        inner
            .clients
            .entry(client)
            .or_insert_with(|| Record::new(now))
            .fail(now, CLIENT_ALLOWANCE);
        let mut overall = match inner.overall {
            Some(r) if !r.stale(now) => r,
            _ => Record::new(now),
        };
        overall.fail(now, OVERALL_ALLOWANCE);
        inner.overall = Some(overall);
    }

    /// Records a right passcode: the client starts afresh (the overall count does not).
    pub fn succeed(&self, client: IpAddr) {
        self.inner().clients.remove(&client);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(n: u8) -> IpAddr {
        IpAddr::from([192, 168, 1, n])
    }

    #[test]
    fn five_failures_lock_a_client_then_each_more_doubles() {
        let t = Throttle::default();
        let now = Instant::now();
        for _ in 0..CLIENT_ALLOWANCE - 1 {
            t.fail(ip(1), now);
            assert_eq!(t.check(ip(1), now), Ok(()));
        }
        t.fail(ip(1), now);
        assert_eq!(t.check(ip(1), now), Err(Locked::Client(FIRST_LOCK)));
        // Another device is not locked by this one.
        assert_eq!(t.check(ip(2), now), Ok(()));
        let later = now + FIRST_LOCK;
        assert_eq!(t.check(ip(1), later), Ok(()));
        t.fail(ip(1), later);
        assert_eq!(t.check(ip(1), later), Err(Locked::Client(FIRST_LOCK * 2)));
        let later = later + FIRST_LOCK * 2;
        t.fail(ip(1), later);
        assert_eq!(t.check(ip(1), later), Err(Locked::Client(FIRST_LOCK * 4)));
    }

    #[test]
    fn a_right_passcode_clears_the_client() {
        let t = Throttle::default();
        let now = Instant::now();
        for _ in 0..CLIENT_ALLOWANCE - 1 {
            t.fail(ip(1), now);
        }
        t.succeed(ip(1));
        t.fail(ip(1), now);
        assert_eq!(t.check(ip(1), now), Ok(()));
    }

    #[test]
    fn guesses_spread_over_many_clients_lock_everyone() {
        let t = Throttle::default();
        let now = Instant::now();
        for i in 0..OVERALL_ALLOWANCE {
            t.fail(ip(i as u8 + 10), now);
        }
        assert_eq!(t.check(ip(200), now), Err(Locked::Overall(FIRST_LOCK)));
        assert!(Locked::Overall(FIRST_LOCK).message().contains("30 seconds"));
    }

    #[test]
    fn lock_outs_stop_growing_at_an_hour_and_are_forgotten() {
        let t = Throttle::default();
        let mut now = Instant::now();
        // Guessing on as each lock-out ends: 30 s, 1 min, 2 min, … up to an hour.
        for _ in 0..30 {
            if let Err(locked) = t.check(ip(1), now) {
                now += locked.wait();
            }
            t.fail(ip(1), now);
        }
        assert_eq!(t.check(ip(1), now), Err(Locked::Client(MAX_LOCK)));
        let much_later = now + MAX_LOCK + FORGET_AFTER;
        t.fail(ip(2), much_later);
        assert_eq!(t.check(ip(1), much_later), Ok(()));
        assert_eq!(t.inner().clients.len(), 1);
    }
}
