//! What to do after each attempt to send a batch, decided without I/O: the answer (or its
//! absence) is classified into an [`Outcome`], and [`Policy::decide`] turns it into the next
//! [`Step`]. Randomness (the jitter) and time come in as arguments, so every rule is tested
//! offline and the worker only carries the steps out.
//!
//! The rules (the Prometheus remote-write and OpenTelemetry exporter practice):
//! - 2xx: the hours were stored; remove them from the outbox (if unchanged since they were read).
//! - network error, timeout, 408, 429, 5xx, or any other unexpected answer: keep the hours and
//!   try again after a full-jitter exponential backoff (from `base`, doubling to `cap`), or after
//!   the server's `Retry-After` if it asks for longer (obeyed up to 30 minutes).
//! - 400, 413, 422: the central service refuses the content. A batch of several hours is halved
//!   and sent again, so one bad hour cannot hold the others back; a single refused hour is moved
//!   to the dead letters (kept for inspection, sent again by `hub-kiosk sync retry`).
//! - 401, 403: the token is wrong or not allowed; 409: this kiosk's database was replaced by a
//!   newer one at the central service, which ignores the old one. Either way the service will
//!   not take these hours: stop sending for `unauthorized_pause`, show it, keep every hour.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// The longest `Retry-After` obeyed: a server asking for more gets tried again after this.
pub const RETRY_AFTER_LIMIT: Duration = Duration::from_secs(30 * 60);

/// How long to wait between attempts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// The first retry waits up to this long.
    pub base: Duration,
    /// No retry waits longer.
    pub cap: Duration,
    /// After a 401 or 403, how long to wait before trying again.
    pub unauthorized_pause: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base: Duration::from_secs(5),
            cap: Duration::from_secs(30 * 60),
            unauthorized_pause: Duration::from_secs(60 * 60),
        }
    }
}

impl Backoff {
    /// The longest wait after `failures` failures in a row: `base × 2^(failures−1)`, at most `cap`.
    pub fn ceiling(&self, failures: u32) -> Duration {
        let doublings = failures.saturating_sub(1).min(40);
        self.base
            .checked_mul(1u32 << doublings.min(31))
            .unwrap_or(self.cap)
            .min(self.cap)
    }

    /// Full jitter: uniformly between zero and the ceiling; `jitter` is in `[0, 1)`.
    pub fn wait(&self, failures: u32, jitter: f64) -> Duration {
        self.ceiling(failures).mul_f64(jitter.clamp(0.0, 1.0))
    }
}

/// What an attempt came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// 2xx.
    Accepted,
    /// Worth trying again: no answer, a timeout, 408, 429, 5xx or an unexpected status.
    Retry {
        /// The metrics label: `network`, `timeout` or `retry`.
        kind: &'static str,
        why: String,
        retry_after: Option<Duration>,
    },
    /// 400, 413 or 422: the content was refused.
    Refused { status: u16, why: String },
    /// 401 or 403: the token was refused; 409: the database was superseded.
    Unauthorized { status: u16, why: String },
}

impl Outcome {
    /// Classifies an HTTP answer; `why` is the server's message, `retry_after` its header.
    pub fn from_status(status: u16, why: String, retry_after: Option<Duration>) -> Outcome {
        match status {
            200..=299 => Outcome::Accepted,
            400 | 413 | 422 => Outcome::Refused { status, why },
            401 | 403 | 409 => Outcome::Unauthorized { status, why },
            _ => Outcome::Retry {
                kind: "retry",
                why,
                retry_after,
            },
        }
    }

    /// The label of `hub_kiosk_sync_requests_total`.
    pub fn metric(&self) -> &'static str {
        match self {
            Outcome::Accepted => "ok",
            Outcome::Retry { kind, .. } => kind,
            Outcome::Refused { .. } => "rejected",
            Outcome::Unauthorized { .. } => "unauthorized",
        }
    }
}

/// The next thing to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Remove the batch from the outbox, then send the next one at once.
    Ack,
    /// Send a smaller batch (the first half) at once.
    Split,
    /// Move the batch's only hour to the dead letters, then carry on at once.
    DeadLetter { status: u16, why: String },
    /// Wait, then send again.
    Retry(Duration),
    /// The token was refused: wait this long before trying again.
    Pause(Duration),
}

/// The state carried from one attempt to the next.
#[derive(Clone, Debug)]
pub struct Policy {
    pub backoff: Backoff,
    batch_size: u32,
    limit: u32,
    failures: u32,
}

impl Policy {
    pub fn new(backoff: Backoff, batch_size: u32) -> Self {
        let batch_size = batch_size.max(1);
        Policy {
            backoff,
            batch_size,
            limit: batch_size,
            failures: 0,
        }
    }

    /// How many hours to put in the next batch.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// Failed attempts in a row.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// The outbox is empty: the next batch may be full size again.
    pub fn drained(&mut self) {
        self.limit = self.batch_size;
    }

    /// Decides what follows `outcome` for a batch of `sent` hours; `jitter` is in `[0, 1)`.
    pub fn decide(&mut self, sent: usize, outcome: &Outcome, jitter: f64) -> Step {
        match outcome {
            Outcome::Accepted => {
                self.failures = 0;
                Step::Ack
            }
            Outcome::Retry { retry_after, .. } => {
                self.failures = self.failures.saturating_add(1);
                let mut wait = self.backoff.wait(self.failures, jitter);
                if let Some(asked) = retry_after {
                    wait = wait.max((*asked).min(RETRY_AFTER_LIMIT));
                }
                Step::Retry(wait)
            }
            Outcome::Refused { status, why } => {
                if sent > 1 {
                    self.failures = 0;
                    self.limit = (sent as u32 / 2).max(1);
                    Step::Split
                } else if sent == 1 {
                    // The bad hour is isolated: the rest may go in full batches again.
                    self.failures = 0;
                    self.limit = self.batch_size;
                    Step::DeadLetter {
                        status: *status,
                        why: why.clone(),
                    }
                } else {
                    // Even an empty upload was refused: nothing to set aside, so wait and retry.
                    self.failures = self.failures.saturating_add(1);
                    Step::Retry(self.backoff.wait(self.failures, jitter))
                }
            }
            Outcome::Unauthorized { .. } => {
                self.failures = 0;
                Step::Pause(self.backoff.unauthorized_pause)
            }
        }
    }
}

/// `Retry-After`: whole seconds, or an HTTP date (RFC 9110), relative to `now`.
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = DateTime::parse_from_rfc2822(v).ok()?.with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quick() -> Backoff {
        Backoff {
            base: Duration::from_secs(5),
            cap: Duration::from_secs(1800),
            unauthorized_pause: Duration::from_secs(3600),
        }
    }

    fn retry(after: Option<u64>) -> Outcome {
        Outcome::Retry {
            kind: "network",
            why: "connection refused".into(),
            retry_after: after.map(Duration::from_secs),
        }
    }

    #[test]
    fn statuses_are_classified_as_the_rules_say() {
        let c = |s| Outcome::from_status(s, String::new(), None).metric();
        assert_eq!(c(200), "ok");
        assert_eq!(c(204), "ok");
        for s in [408, 429, 500, 502, 503, 504, 404] {
            assert_eq!(c(s), "retry", "{s}");
        }
        for s in [400, 413, 422] {
            assert_eq!(c(s), "rejected", "{s}");
        }
        // 409: the central service ignores this kiosk database (replaced by a newer one).
        for s in [401, 403, 409] {
            assert_eq!(c(s), "unauthorized", "{s}");
        }
    }

    #[test]
    fn backoff_doubles_from_base_to_cap_with_full_jitter() {
        let b = quick();
        assert_eq!(b.ceiling(1), Duration::from_secs(5));
        assert_eq!(b.ceiling(2), Duration::from_secs(10));
        assert_eq!(b.ceiling(5), Duration::from_secs(80));
        assert_eq!(b.ceiling(9), Duration::from_secs(1280));
        assert_eq!(b.ceiling(10), Duration::from_secs(1800));
        // Weeks offline: thousands of failures never overflow and never exceed the cap.
        assert_eq!(b.ceiling(u32::MAX), Duration::from_secs(1800));
        assert_eq!(b.wait(3, 0.0), Duration::ZERO);
        assert_eq!(b.wait(3, 0.5), Duration::from_secs(10));
        assert!(b.wait(3, 0.999_999) < Duration::from_secs(20));
    }

    #[test]
    fn failures_grow_until_a_success_resets_them() {
        let mut p = Policy::new(quick(), 200);
        for _ in 0..10_000 {
            assert!(
                matches!(p.decide(200, &retry(None), 0.99), Step::Retry(w) if w <= Duration::from_secs(1800))
            );
        }
        assert_eq!(p.failures(), 10_000);
        assert_eq!(p.decide(200, &Outcome::Accepted, 0.5), Step::Ack);
        assert_eq!(
            p.decide(200, &retry(None), 0.5),
            Step::Retry(Duration::from_millis(2500))
        );
    }

    #[test]
    fn retry_after_is_honoured_up_to_half_an_hour() {
        let mut p = Policy::new(quick(), 200);
        assert_eq!(
            p.decide(5, &retry(Some(120)), 0.1),
            Step::Retry(Duration::from_secs(120))
        );
        assert_eq!(
            p.decide(5, &retry(Some(86_400)), 0.1),
            Step::Retry(Duration::from_secs(1800))
        );
        let now: DateTime<Utc> = "2026-11-23T10:00:00Z".parse().unwrap();
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Mon, 23 Nov 2026 10:01:30 GMT", now),
            Some(Duration::from_secs(90))
        );
        assert_eq!(
            parse_retry_after("Mon, 23 Nov 2026 09:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn a_refused_batch_is_halved_until_the_bad_hour_is_alone() {
        let refused = Outcome::Refused {
            status: 422,
            why: "door_in is negative".into(),
        };
        let mut p = Policy::new(quick(), 200);
        // The bad hour is the 151st of the outbox: halve, pass 100, halve again, ...
        let mut outbox: Vec<bool> = (0..400).map(|i| i == 150).collect();
        let (mut requests, mut dead) = (0, 0);
        while !outbox.is_empty() {
            requests += 1;
            let n = (p.limit() as usize).min(outbox.len());
            let outcome = if outbox[..n].contains(&true) {
                refused.clone()
            } else {
                Outcome::Accepted
            };
            match p.decide(n, &outcome, 0.5) {
                Step::Ack => drop(outbox.drain(..n)),
                Step::Split => {}
                Step::DeadLetter { status, .. } => {
                    assert_eq!((status, n), (422, 1));
                    assert!(outbox.remove(0));
                    dead += 1;
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(dead, 1);
        assert!(requests <= 16, "{requests} requests");
        assert_eq!(p.limit(), 200);
    }

    #[test]
    fn unauthorized_pauses_for_long_and_keeps_the_batch_size() {
        let mut p = Policy::new(quick(), 50);
        let s = p.decide(
            50,
            &Outcome::Unauthorized {
                status: 401,
                why: "unknown token".into(),
            },
            0.3,
        );
        assert_eq!(s, Step::Pause(Duration::from_secs(3600)));
        assert_eq!(p.limit(), 50);
    }
}
