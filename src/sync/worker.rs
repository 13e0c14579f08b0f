//! The forwarding loop: read a batch from the outbox, send it, carry out the policy's step,
//! report the state. All it keeps in memory is the policy; the outbox is in SQLite and an hour
//! leaves it only after a 2xx, so the kiosk may be killed at any moment and lose nothing.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::SyncOptions;
use super::client::Client;
use super::policy::{Outcome, Policy, Step};
use super::wire::{Bucket, FORMAT_VERSION, Upload};
use crate::hub::{Hub, HubError, SentHour};
use crate::status::{SyncSnapshot, SyncState};
use crate::store::OutboxEntry;

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
    w.report().await;
    loop {
        let pause = w.round().await;
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
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
            Ok(Some((now.utc, hub.outbox_batch(limit)?)))
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
                if let Err(e) = blocking(&self.hub, move |h| h.outbox_accepted(&keys)).await {
                    // The hours stay queued and are sent again: harmless.
                    self.set(SyncState::Online, Some(e)).await;
                    return self.opts.interval;
                }
                self.status.last_success = Some(now);
                self.set(SyncState::Online, None).await;
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
                    counts: e.counts.clone(),
                })
                .collect(),
            software: Some(env!("CARGO_PKG_VERSION").to_owned()),
        })
    }

    /// Records the state and error, logging when either changed, and reports it to the hub.
    async fn set(&mut self, state: SyncState, error: Option<String>) {
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
        self.report().await;
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
