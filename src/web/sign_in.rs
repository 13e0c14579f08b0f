//! The way every passcode is checked, on both services: the attempt takes its place in the
//! throttle first (`throttle`), waits out any slowing, then needs one of `HASHES_IN_FLIGHT`
//! places to run Argon2 (about 19 MiB each), or is answered at once with "busy". The hash runs
//! on tokio's blocking pool, and its result is recorded there, so a client that hangs up
//! mid-check still has its failure counted and the memory is freed only when the hash is done.
//! Unknown names are checked against a decoy hash, so they cost the same as a wrong passcode.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use super::passcode;
use super::throttle::{Locked, Refused, Reservation, Throttle};

/// Passcode checks (Argon2 hashes) running at once, at most.
pub const HASHES_IN_FLIGHT: usize = 2;
/// What a client is told to wait when every place is taken.
pub const BUSY_RETRY: Duration = Duration::from_secs(1);
/// While the backstop is on, how long an attempt waits for its address's previous one.
const TURN_WAIT: Duration = Duration::from_secs(3);
const TURN_POLL: Duration = Duration::from_millis(50);

/// What became of a sign-in attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Right,
    Wrong,
    /// Not checked: say why, with `Retry-After`.
    Refused(Refusal),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    Locked(Locked),
    /// Every place for a check is taken.
    Busy,
}

impl Refusal {
    /// Seconds for `Retry-After`.
    pub fn retry_after(self) -> u64 {
        match self {
            Refusal::Locked(l) => l.wait.as_secs().max(1),
            Refusal::Busy => BUSY_RETRY.as_secs(),
        }
    }

    /// The message for the person at the sign-in page.
    pub fn message(self) -> String {
        match self {
            Refusal::Locked(l) => l.message(),
            Refusal::Busy => {
                "many sign-ins are being checked at this moment: try again in a few seconds".into()
            }
        }
    }
}

/// Counts of the checks run, for tests and benchmarks.
#[derive(Debug, Default)]
pub struct CheckCounts {
    in_flight: AtomicUsize,
    peak: AtomicUsize,
    done: AtomicU64,
}

impl CheckCounts {
    /// The most checks that ever ran at once.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    /// Checks run so far.
    pub fn done(&self) -> u64 {
        self.done.load(Ordering::SeqCst)
    }

    fn enter(self: &Arc<Self>) -> InFlight {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        InFlight(self.clone())
    }
}

struct InFlight(Arc<CheckCounts>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.0.done.fetch_add(1, Ordering::SeqCst);
    }
}

/// The sign-in gate of one service.
#[derive(Debug)]
pub struct SignInGate {
    throttle: Arc<Throttle>,
    hashing: Arc<Semaphore>,
    decoy: Arc<str>,
    counts: Arc<CheckCounts>,
}

impl Default for SignInGate {
    fn default() -> Self {
        SignInGate::new()
    }
}

impl SignInGate {
    pub fn new() -> Self {
        SignInGate {
            throttle: Arc::new(Throttle::default()),
            hashing: Arc::new(Semaphore::new(HASHES_IN_FLIGHT)),
            decoy: passcode::hash("not a passcode anyone has").into(),
            counts: Arc::default(),
        }
    }

    pub fn counts(&self) -> &CheckCounts {
        &self.counts
    }

    /// Checks `passcode` against `hash` (`None`: an unknown name, always wrong) for `client`.
    pub async fn check(&self, client: IpAddr, hash: Option<String>, passcode: String) -> Verdict {
        let reservation = match self.reserve(client).await {
            Ok(r) => r,
            Err(refusal) => return Verdict::Refused(refusal),
        };
        if !reservation.delay.is_zero() {
            tokio::time::sleep(reservation.delay).await;
        }
        let Ok(permit) = self.hashing.clone().try_acquire_owned() else {
            return Verdict::Refused(Refusal::Busy);
        };
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.decoy.to_string());
        let counts = self.counts.clone();
        let checked = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let right = {
                let _running = counts.enter();
                passcode::verify(&hash, &passcode)
            } && known;
            reservation.settle(right, Instant::now());
            right
        })
        .await;
        match checked {
            Ok(true) => Verdict::Right,
            _ => Verdict::Wrong,
        }
    }

    /// A place in the throttle; while the backstop is on, waits a little for this address's
    /// previous attempt rather than refusing.
    async fn reserve(&self, client: IpAddr) -> Result<Reservation, Refusal> {
        let started = Instant::now();
        loop {
            match self.throttle.reserve(client, Instant::now()) {
                Ok(r) => return Ok(r),
                Err(Refused::Locked(l)) => return Err(Refusal::Locked(l)),
                Err(Refused::Turn) if started.elapsed() < TURN_WAIT => {
                    tokio::time::sleep(TURN_POLL).await;
                }
                Err(Refused::Turn) => return Err(Refusal::Busy),
            }
        }
    }
}
