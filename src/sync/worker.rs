//! The forwarding loop: read a batch from the outbox, send it, carry out the policy's step,
//! report the state. All it keeps in memory is the policy; the outbox is in SQLite and an hour
//! leaves it only after a 2xx, so the kiosk may be killed at any moment and lose nothing.
//!
//! Between rounds it sleeps: through a backoff or pause to its end, otherwise until the
//! interval passes or the hub says an hour's counts changed (a check-in, a ticket's move, a door
//! pass), gathering what else changes in the next [`GATHER`] into the same request.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::SyncOptions;
use super::client::Client;
use super::policy::{Outcome, Policy, Step};
use super::wire::{Bucket, FORMAT_VERSION, Upload};
use crate::events::Event;
use crate::hub::{Hub, HubError, SentHour};
use crate::status::{SyncSnapshot, SyncState};
use crate::store::OutboxEntry;
use crate::wakeups::{self, Loop};

/// After an hour's counts change, how long to wait for more changes to send with it.
const GATHER: Duration = Duration::from_secs(1);

/// Forwards the outbox to the central service until the task is dropped.
pub async fn forward(hub: Arc<Hub>, opts: SyncOptions) {
    let client = match Client::new(&opts.central_url, &opts.token, opts.timeout) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!("forwarding to the central service is off: {e}");
            hub.report_sync(SyncSnapshot {
                state: SyncState::Offline,
                last_error: Some(e),
                ..SyncSnapshot::default()
            });
            return;
        }
    };
    tracing::info!(
        url = client.url(),
        "forwarding hourly footfall to the central service"
    );
    let mut w = Worker {
        policy: Policy::new(opts.backoff, opts.batch_size),
        hub,
        client,
        opts,
        status: SyncSnapshot {
            state: SyncState::Waiting,
            ..SyncSnapshot::default()
        },
        database: None,
    };
    let mut changes = w.hub.subscribe();
    w.report().await;
    loop {
        wakeups::turned(Loop::Forwarding);
        let pause = w.round().await;
        if pause.is_zero() {
            continue;
        }
        if pause != w.opts.interval {
            // A backoff or a pause runs its course whatever changes meanwhile.
            tokio::time::sleep(pause).await;
            continue;
        }
        tokio::select! {
            () = tokio::time::sleep(pause) => {}
            () = counts_changed(&mut changes) => {
                tokio::time::sleep(GATHER).await;
                // This round sends what changed meanwhile too.
                drain(&mut changes);
            }
        }
    }
}

/// Forgets the events waiting.
fn drain(events: &mut tokio::sync::broadcast::Receiver<Event>) {
    use tokio::sync::broadcast::error::TryRecvError;
    while !matches!(
        events.try_recv(),
        Err(TryRecvError::Empty | TryRecvError::Closed)
    ) {}
}

/// Returns once an event says an hour's counts changed (or events were missed); never when the
/// stream has ended.
async fn counts_changed(events: &mut tokio::sync::broadcast::Receiver<Event>) {
    use tokio::sync::broadcast::error::RecvError;
    loop {
        match events.recv().await {
            Ok(
                Event::CheckedIn { .. } | Event::TicketChanged { .. } | Event::DoorPassed { .. },
            )
            | Err(RecvError::Lagged(_)) => return,
            Ok(_) => {}
            Err(RecvError::Closed) => std::future::pending().await,
        }
    }
}

struct Worker {
    hub: Arc<Hub>,
    client: Client,
    opts: SyncOptions,
    policy: Policy,
    status: SyncSnapshot,
    database: Option<String>,
}

/// Runs a blocking hub call off the async threads.
async fn blocking<T: Send + 'static>(
    hub: &Arc<Hub>,
    f: impl FnOnce(&Hub) -> Result<T, HubError> + Send + 'static,
) -> Result<T, String> {
    let hub = hub.clone();
    match tokio::task::spawn_blocking(move || f(&hub)).await {
        Ok(r) => r.map_err(|e| e.to_string()),
        Err(e) => Err(format!("a database task failed: {e}")),
    }
}

impl Worker {
    /// One attempt; returns how long to wait before the next.
    async fn round(&mut self) -> Duration {
        let limit = self.policy.limit();
        let read = blocking(&self.hub, move |hub| {
            let now = hub.now();
            if !now.clock_synced {
                return Ok(None);
            }
            // Hours move when this boot's records are re-dated: do that before reading them.
            hub.redate_after_clock_sync(&now);
            Ok(Some((now.utc, hub.outbox_batch(limit, now.utc)?)))
        })
        .await;
        let (now, batch) = match read {
            Ok(Some(r)) => r,
            Ok(None) => {
                // Hours counted now may be re-dated once NTP answers, and TLS needs a true
                // clock: hold everything back until then.
                self.set(
                    SyncState::Clock,
                    Some("waiting for the clock to synchronise (NTP) before sending".into()),
                )
                .await;
                return self.opts.interval;
            }
            Err(e) => {
                self.set(self.status.state, Some(e)).await;
                return self.opts.interval;
            }
        };
        let upload = match self.upload(&batch).await {
            Ok(u) => u,
            Err(e) => {
                self.set(self.status.state, Some(e)).await;
                return self.opts.interval;
            }
        };
        self.status.last_attempt = Some(now);
        let outcome = self.client.send(&upload).await;
        self.hub.count_sync_request(outcome.metric());
        let step = self
            .policy
            .decide(batch.len(), &outcome, rand::random::<f64>());
        self.carry_out(step, &batch, &outcome, now).await
    }

    async fn carry_out(
        &mut self,
        step: Step,
        batch: &[OutboxEntry],
        outcome: &Outcome,
        now: DateTime<Utc>,
    ) -> Duration {
        let keys: Vec<SentHour> = batch.iter().map(|e| (e.hour, e.revision)).collect();
        match step {
            Step::Ack => {
                // One trip to the database: the hours out of the outbox, and what is left. A
                // heartbeat (nothing was waiting) changed nothing and writes nothing.
                let accepted = async {
                    if keys.is_empty() {
                        return Ok((0, self.status.dead_letters));
                    }
                    blocking(&self.hub, move |h| {
                        h.outbox_accepted(&keys)?;
                        Ok((h.outbox_depth()?, h.dead_letter_count()?))
                    })
                    .await
                };
                let (outbox, dead) = match accepted.await {
                    Ok(counts) => counts,
                    Err(e) => {
                        // The hours stay queued and are sent again: harmless.
                        self.set(SyncState::Online, Some(e)).await;
                        return self.opts.interval;
                    }
                };
                self.status.last_success = Some(now);
                (self.status.outbox, self.status.dead_letters) = (outbox, dead);
                self.note(SyncState::Online, None);
                self.hub.report_sync(self.status.clone());
                if batch.len() < self.policy.limit() as usize {
                    self.policy.drained();
                    self.opts.interval
                } else {
                    Duration::ZERO
                }
            }
            Step::Split => Duration::ZERO,
            Step::DeadLetter { status, why } => {
                tracing::warn!(hour = %keys[0].0, status, "the central service refused an hour; it is kept as a dead letter: {why}");
                let reason = why.clone();
                let refuse = move |h: &Hub| h.outbox_refused(&keys, status, &reason, now);
                if let Err(e) = blocking(&self.hub, refuse).await {
                    self.set(SyncState::Online, Some(e)).await;
                    return self.opts.interval;
                }
                self.set(SyncState::Online, Some(why)).await;
                Duration::ZERO
            }
            Step::Retry(wait) => {
                self.set(SyncState::Offline, Some(why(outcome))).await;
                wait
            }
            Step::Pause(wait) => {
                self.set(SyncState::Unauthorized, Some(why(outcome))).await;
                wait
            }
        }
    }

    /// The upload of `batch`, with this database's id (made on first use).
    async fn upload(&mut self, batch: &[OutboxEntry]) -> Result<Upload, String> {
        let database = match &self.database {
            Some(id) => id.clone(),
            None => {
                let id = blocking(&self.hub, Hub::database_id).await?;
                self.database = Some(id.clone());
                id
            }
        };
        let config = self.hub.config();
        Ok(Upload {
            version: FORMAT_VERSION,
            site: config.site.id.clone(),
            kiosk: config.kiosk.id.clone(),
            database,
            buckets: batch
                .iter()
                .map(|e| Bucket {
                    hour: e.hour,
                    revision: e.revision,
                    counts: leaving(&e.counts, config.courses.forward),
                })
                .collect(),
            software: Some(env!("CARGO_PKG_VERSION").to_owned()),
        })
    }

    /// Records the state and error, logging when either changed, and reports it to the hub.
    async fn set(&mut self, state: SyncState, error: Option<String>) {
        self.note(state, error);
        self.report().await;
    }

    /// Records the state and error, logging when either changed.
    fn note(&mut self, state: SyncState, error: Option<String>) {
        if self.status.state != state || self.status.last_error != error {
            let name = state.as_str();
            match (&error, state) {
                (None, _) => tracing::info!(state = name, "forwarding"),
                (Some(e), SyncState::Online) => tracing::warn!(state = name, "forwarding: {e}"),
                (Some(e), _) => tracing::warn!(state = name, "forwarding paused: {e}"),
            }
        }
        self.status.state = state;
        self.status.last_error = error;
    }

    /// Sends the snapshot, with the outbox and dead-letter counts read now, to the hub.
    async fn report(&mut self) {
        let counts = blocking(&self.hub, |h| {
            Ok((h.outbox_depth()?, h.dead_letter_count()?))
        });
        if let Ok((outbox, dead)) = counts.await {
            self.status.outbox = outbox;
            self.status.dead_letters = dead;
        }
        self.hub.report_sync(self.status.clone());
    }
}

fn why(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Accepted => String::new(),
        Outcome::Retry { why, .. }
        | Outcome::Refused { why, .. }
        | Outcome::Unauthorized { why, .. } => why.clone(),
    }
}

/// What of an hour's counts leaves the site: course titles only with `forward = "titles"`
/// (a title can name a person); attendance as a total either way.
pub fn leaving(
    counts: &crate::domain::Counts,
    forward: crate::config::Forward,
) -> crate::domain::Counts {
    let mut out = counts.clone();
    if forward == crate::config::Forward::Totals {
        out.courses.clear();
    }
    out
}
