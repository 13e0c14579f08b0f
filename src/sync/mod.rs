//! Forwarding hourly footfall to the central service: store and forward.
//!
//! Every change to an hour's totals puts the hour in the SQLite outbox in the same transaction
//! (see `store::outbox`). This module sends the outbox in batches to
//! `PUT {central_url}/api/v1/footfall` with the kiosk's bearer token and removes hours only after
//! a 2xx; the central service replaces each (kiosk, hour) with the absolute totals it receives,
//! so sending twice never counts twice. `policy` decides what each answer means (pure),
//! `client` speaks HTTP, `worker` runs the loop, `wire` is the format both ends share.
//! `docs/sync.md` has the rules in words.

pub mod cli;
pub mod client;
pub mod policy;
pub mod wire;
mod worker;

use std::sync::Arc;
use std::time::Duration;

pub use policy::{Backoff, Outcome, Policy, Step};
pub use worker::forward;

use crate::config::Config;
use crate::hub::Hub;
use crate::status::SyncSnapshot;

/// Everything the forwarding loop needs; tests shorten the waits.
#[derive(Clone, Debug)]
pub struct SyncOptions {
    pub central_url: String,
    pub token: String,
    /// Hours per request.
    pub batch_size: u32,
    /// Wait between rounds once the outbox is empty (each round is also a heartbeat).
    pub interval: Duration,
    /// A request with no complete answer by then is given up and retried.
    pub timeout: Duration,
    pub backoff: Backoff,
}

impl SyncOptions {
    /// The options of `[sync]`; `None` when no central service is configured.
    pub fn from_config(config: &Config) -> Option<SyncOptions> {
        let s = &config.sync;
        Some(SyncOptions {
            central_url: s.central_url.clone()?,
            token: s.token.clone()?,
            batch_size: s.batch_size,
            interval: Duration::from_secs(u64::from(s.interval_seconds)),
            timeout: Duration::from_secs(u64::from(s.timeout_seconds)),
            backoff: Backoff::default(),
        })
    }
}

/// Starts forwarding on the current tokio runtime, or reports it disabled when `[sync]` names no
/// central service.
pub fn start(hub: &Arc<Hub>) {
    match SyncOptions::from_config(&hub.config()) {
        Some(opts) => {
            warn_if_plain_http(&opts.central_url);
            tokio::spawn(forward(hub.clone(), opts));
        }
        None => {
            tracing::info!("no sync.central_url: footfall stays on this kiosk");
            hub.report_sync(SyncSnapshot {
                state: crate::status::SyncState::Disabled,
                ..SyncSnapshot::default()
            });
        }
    }
}

/// Plain HTTP beyond this machine sends the token in clear.
fn warn_if_plain_http(url: &str) {
    let Some(rest) = url.strip_prefix("http://") else {
        return;
    };
    let loopback = ["127.", "localhost:", "localhost/", "[::1]"];
    if rest != "localhost" && !loopback.iter().any(|l| rest.starts_with(l)) {
        tracing::warn!(
            url,
            "sync.central_url uses plain http: the kiosk's token crosses the network unencrypted; use https://"
        );
    }
}
