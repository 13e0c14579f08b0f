//! Sending one upload to the central service and classifying what came back (or did not).
//!
//! The whole answer is read before deciding: a connection cut halfway through the body counts as
//! no answer, and the hours are sent again (harmless, since buckets replace).

use std::time::Duration;

use chrono::Utc;

use super::policy::{Outcome, parse_retry_after};
use super::wire::{ErrorBody, FOOTFALL_PATH, Upload};

/// An HTTP client for one central service.
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    url: String,
    token: String,
}

impl Client {
    /// `central_url` is the service's base address; requests give up after `timeout`.
    pub fn new(central_url: &str, token: &str, timeout: Duration) -> Result<Client, String> {
        let http = crate::service::http_client(timeout)
            .build()
            .map_err(|e| format!("cannot set up HTTPS: {e}"))?;
        Ok(Client {
            http,
            url: format!("{}{FOOTFALL_PATH}", central_url.trim_end_matches('/')),
            token: token.to_owned(),
        })
    }

    /// The address uploads go to.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Sends `upload` and says what came of it.
    pub async fn send(&self, upload: &Upload) -> Outcome {
        let response = self
            .http
            .put(&self.url)
            .bearer_auth(&self.token)
            .json(upload)
            .send()
            .await;
        let response = match response {
            Ok(r) => r,
            Err(e) => return failure(&e, &self.url),
        };
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, Utc::now()));
        let body = match response.bytes().await {
            Ok(b) => b,
            Err(e) => return failure(&e, &self.url),
        };
        if (200..300).contains(&status) {
            return Outcome::Accepted;
        }
        let why = describe(status, &body, &self.url);
        Outcome::from_status(status, why, retry_after)
    }
}

/// A request that got no (complete) answer.
fn failure(e: &reqwest::Error, url: &str) -> Outcome {
    let timeout = e.is_timeout();
    let why = if timeout {
        format!("the central service at {url} did not answer in time")
    } else if e.is_connect() {
        format!("cannot reach the central service at {url}: check the network and sync.central_url")
    } else {
        format!("the connection to {url} failed: {}", chain(e))
    };
    Outcome::Retry {
        kind: if timeout { "timeout" } else { "network" },
        why,
        retry_after: None,
    }
}

/// The error and its causes on one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cause = c.source();
    }
    s
}

/// The central service's own words when it gave them, else the status with a hint.
fn describe(status: u16, body: &[u8], url: &str) -> String {
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    if let Ok(e) = serde_json::from_slice::<ErrorBody>(body)
        && !e.error.is_empty()
    {
        return format!("{status} {reason}: {}", e.summary());
    }
    let hint = match status {
        401 | 403 => ": check sync.token with the central team",
        404 | 405 => ": check sync.central_url",
        _ => "",
    };
    format!("{status} {reason} from {url}{hint}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_described_in_the_servers_words_or_with_a_hint() {
        let body = br#"{"error":"the upload was refused","problems":[{"bucket":0,"hour":"2026-11-23T10:00:00Z","field":"counts.door_in","message":"is negative"}]}"#;
        assert_eq!(
            describe(422, body, "http://c"),
            "422 Unprocessable Entity: the upload was refused; 2026-11-23T10:00:00Z counts.door_in: is negative"
        );
        assert_eq!(
            describe(404, b"<html>", "http://c/api/v1/footfall"),
            "404 Not Found from http://c/api/v1/footfall: check sync.central_url"
        );
    }
}
