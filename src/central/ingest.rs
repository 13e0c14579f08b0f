//! `PUT /api/v1/footfall`: a kiosk's hourly buckets, checked and stored.
//!
//! The answer tells the kiosk what to do (see `sync::policy`): 200 stored; 400 not JSON of the
//! right shape; 401 unknown token; 403 the token belongs to another site or kiosk; 409 the
//! upload comes from a kiosk database replaced since (ignored); 413 too large; 415 not JSON;
//! 422 a field or bucket is wrong (each problem named); 503 the database could not store it
//! (try again). A refused upload stores nothing. Errors are problem details
//! (`crate::web::error`); what a kiosk sent reaches the log only through `loggable`.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use chrono::{DateTime, Duration, Utc};

use super::Central;
use super::config::KioskEntry;
use super::store::Upsert;
use super::stream::{Streamed, store_while_reading};
use super::validate::{check, names};
use crate::sync::wire::{Accepted, FORMAT_VERSION, MAX_BUCKETS, OLDEST_VERSION, Problem, Upload};
pub use crate::web::error::ApiError;
use crate::web::error::loggable;
use crate::web::{bearer, same_secret};

pub async fn put_footfall(
    State(c): State<Arc<Central>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Accepted>, ApiError> {
    let outcome = receive(&c, &headers, body).await;
    let label = match &outcome {
        Ok(_) => "accepted",
        Err(e) => match e.status.as_u16() {
            400 | 415 => "malformed",
            401 => "unauthorized",
            403 => "forbidden",
            409 => "superseded",
            413 | 422 => "invalid",
            _ => "error",
        },
    };
    c.metrics.uploads.inc(label);
    if let Err(e) = &outcome
        && e.status != StatusCode::UNAUTHORIZED
    {
        tracing::warn!(status = %e.status, "refused an upload: {}", loggable(&summary(e)));
    }
    outcome.map(Json)
}

/// The message with the first problems, for the log.
fn summary(e: &ApiError) -> String {
    let mut s = e.message.clone();
    let problems: Vec<Problem> = e
        .extensions
        .get("problems")
        .and_then(|p| serde_json::from_value(p.clone()).ok())
        .unwrap_or_default();
    for p in problems.iter().take(3) {
        s.push_str(&format!("; {} {}: {}", p.hour, p.field, p.message));
    }
    if problems.len() > 3 {
        s.push_str(&format!("; and {} more", problems.len() - 3));
    }
    s
}

/// `application/json`, with or without parameters.
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
}

/// Writes numbers with a zero fraction (`7.0`) as the whole numbers they are: JSON does not
/// tell them apart, so neither does the upload's schema.
fn whole_numbers(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|_| !n.is_i64() && !n.is_u64())
                && f.fract() == 0.0
                && (i64::MIN as f64..i64::MAX as f64).contains(&f)
            {
                *v = Value::from(f as i64);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(whole_numbers),
        Value::Object(o) => o.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

/// The upload in `body`, read and checked as far as it can be without the database.
pub(super) fn read(
    kiosk: &KioskEntry,
    body: &[u8],
    now: DateTime<Utc>,
    max_future: Duration,
) -> Result<Upload, ApiError> {
    let not_an_upload = |e: serde_json::Error| {
        ApiError::bad_request(format!(
            "the body is not a footfall upload (see /api/v1/openapi.json): {e}"
        ))
    };
    // Straight into the upload as kiosks send it; only a body that does not read that way
    // goes through a JSON value first, to take `7.0` as 7 or to name what is wrong.
    let upload: Upload = match serde_json::from_slice(body) {
        Ok(u) => u,
        Err(_) => {
            let mut json: serde_json::Value =
                serde_json::from_slice(body).map_err(not_an_upload)?;
            whole_numbers(&mut json);
            serde_json::from_value(json).map_err(not_an_upload)?
        }
    };
    vet_head(kiosk, &upload)?;
    vet_buckets(upload.buckets.len(), check(&upload, now, max_future))?;
    Ok(upload)
}

/// The checks of an upload's own fields (`buckets` apart), in the order they are answered.
pub(super) fn vet_head(kiosk: &KioskEntry, upload: &Upload) -> Result<(), ApiError> {
    if let Some(why) = names(upload) {
        return Err(ApiError::unprocessable(why));
    }
    if upload.site != kiosk.site || upload.kiosk != kiosk.id {
        return Err(ApiError::forbidden(format!(
            "this token belongs to kiosk `{}` of site `{}`, but the upload says kiosk `{}` of site `{}`: make [site] id and [kiosk] id match central.toml, or ask for this kiosk's own token",
            kiosk.id, kiosk.site, upload.kiosk, upload.site
        )));
    }
    if !(OLDEST_VERSION..=FORMAT_VERSION).contains(&upload.version) {
        return Err(ApiError::unprocessable(format!(
            "upload format version {} is not known here (this service takes {OLDEST_VERSION} to {FORMAT_VERSION}): update the central service",
            upload.version
        )));
    }
    Ok(())
}

/// The checks of an upload's `count` buckets, once [`vet_head`] has passed: how many, and
/// what [`check`] found wrong with them.
pub(super) fn vet_buckets(count: usize, problems: Vec<Problem>) -> Result<(), ApiError> {
    if count > MAX_BUCKETS {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("{count} buckets in one upload: send at most {MAX_BUCKETS}"),
        ));
    }
    if !problems.is_empty() {
        let wrong = problems
            .iter()
            .map(|p| p.bucket)
            .collect::<BTreeSet<_>>()
            .len();
        return Err(ApiError::unprocessable(format!(
            "{wrong} of {count} buckets are not valid, so none was stored"
        ))
        .with(
            "problems",
            serde_json::to_value(problems).unwrap_or_default(),
        ));
    }
    Ok(())
}

async fn receive(
    c: &Arc<Central>,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Accepted, ApiError> {
    let kiosk = authenticate(c, headers)?.clone();
    if !is_json(headers) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the upload as JSON with `Content-Type: application/json`",
        ));
    }
    let body = body?;
    let now = c.now();
    let max_future = Duration::minutes(i64::from(c.config.service.max_future_minutes));
    let streamed = store_while_reading(&c.store, &kiosk, &body, now, max_future).await;
    let (database, done) = match streamed {
        Streamed::Stored { database, done } => (database, done),
        Streamed::Refused(e) => return Err(e),
        // Rolled back: read the usual way, for the answer or for a body written otherwise.
        Streamed::Unreadable => {
            let upload = read(&kiosk, &body, now, max_future)?;
            (upload.database.clone(), store(c, upload, now).await)
        }
    };
    let done = done.map_err(|e| {
        tracing::error!("could not store an upload: {e}");
        ApiError::unavailable(
            "the central database could not store this just now: send it again later",
        )
    })?;
    let done = match done {
        Upsert::Done(d) => d,
        Upsert::Superseded { current_since } => {
            return Err(ApiError::conflict(format!(
                "kiosk database {database} was replaced by a newer one first heard from at {}: uploads from the old one are ignored and nothing was stored",
                current_since.format("%Y-%m-%d %H:%M UTC")
            )));
        }
    };
    c.metrics
        .buckets_stored
        .fetch_add(done.stored as u64, Ordering::Relaxed);
    c.metrics
        .buckets_stale
        .fetch_add(done.stale as u64, Ordering::Relaxed);
    Ok(Accepted {
        stored: done.stored,
        stale: done.stale,
    })
}

/// Stores `upload`, read the usual way: only the uploads `super::stream` leaves (odd bodies),
/// so the write simply goes to the blocking pool. As there, it is not cut short by the request
/// deadline: a kiosk's own timeout ends its wait, and it sends the same totals again later.
async fn store(c: &Arc<Central>, upload: Upload, now: DateTime<Utc>) -> Result<Upsert, String> {
    let store = c.store.clone();
    tokio::task::spawn_blocking(move || {
        store
            .upsert_from(
                &upload.site,
                &upload.kiosk,
                &upload.database,
                &upload.buckets,
                software(&upload),
                now,
            )
            .map_err(|e| e.to_string())
    })
    .await
    .unwrap_or_else(|e| Err(e.to_string()))
}

/// The software version an upload reports, when it is a plausible one (short, printable);
/// anything else is left out rather than refusing the counts.
pub(super) fn software(up: &Upload) -> Option<&str> {
    up.software.as_deref().filter(|v| {
        !v.is_empty()
            && v.len() <= crate::sync::wire::MAX_SOFTWARE_LEN
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".+-~_".contains(c))
    })
}

/// The kiosk whose token the request carries.
fn authenticate<'a>(c: &'a Central, headers: &HeaderMap) -> Result<&'a KioskEntry, ApiError> {
    let Some(token) = bearer(headers) else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "no token: send the kiosk's sync.token as `Authorization: Bearer …`",
        ));
    };
    c.config
        .kiosks
        .iter()
        .find(|k| same_secret(k.token.as_bytes(), token.as_bytes()))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unknown kiosk token: ask the central team to add this kiosk to central.toml, then set its sync.token",
            )
        })
}
