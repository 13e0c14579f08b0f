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
use crate::hub::Hub;
use crate::status::{SyncSnapshot, SyncState};
use crate::store::{OutboxEntry, StoreError};

/// Where the database's random id is kept (see `wire::Upload::database`).
const DATABASE_ID: &str = crate::store::backup::DATABASE_ID_KEY;

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

/// Runs a store call off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, String> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(|e| e.to_string()),
        Err(e) => Err(format!("a database task failed: {e}")),
    }
}

impl Worker {
    /// One attempt; returns how long to wait before the next.
    async fn round(&mut self) -> Duration {
        let hub = self.hub.clone();
        let limit = self.policy.limit();
        // `Hub::now` re-dates this boot's records first if the clock has just synchronised.
        let read = blocking(move || {
            let now = hub.now();
            if !now.clock_synced {
                return Ok(None);
            }
            Ok(Some((now.utc, hub.store.outbox_batch(limit)?)))
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
        self.hub.metrics.sync_requests.inc(outcome.metric());
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
        let keys: Vec<(DateTime<Utc>, i64)> = batch.iter().map(|e| (e.hour, e.revision)).collect();
        let store = self.hub.store.clone();
        match step {
            Step::Ack => {
                if let Err(e) = blocking(move || store.outbox_ack(&keys)).await {
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
                if let Err(e) =
                    blocking(move || store.outbox_dead_letter(&keys, status, &reason, now)).await
                {
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
                let store = self.hub.store.clone();
                let id = blocking(move || {
                    if let Some(id) = store.meta(DATABASE_ID)? {
                        return Ok(id);
                    }
                    let id = uuid::Uuid::new_v4().to_string();
                    store.set_meta(DATABASE_ID, &id)?;
                    Ok(id)
                })
                .await?;
                self.database = Some(id.clone());
                id
            }
        };
        Ok(Upload {
            version: FORMAT_VERSION,
            site: self.hub.config.site.id.clone(),
            kiosk: self.hub.config.kiosk.id.clone(),
            database,
            software: Some(env!("CARGO_PKG_VERSION").to_owned()),
            buckets: batch
                .iter()
                .map(|e| Bucket {
                    hour: e.hour,
                    revision: e.revision,
                    counts: e.counts.clone(),
                })
                .collect(),
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
        let store = self.hub.store.clone();
        if let Ok((outbox, dead)) =
            blocking(move || Ok((store.outbox_depth()?, store.dead_letter_count()?))).await
        {
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
