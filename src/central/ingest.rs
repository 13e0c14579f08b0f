//! `PUT /api/v1/footfall`: a kiosk's hourly buckets, checked and stored.
//!
//! The answer tells the kiosk what to do (see `sync::policy`): 200 stored; 400 not JSON of the
//! right shape; 401 unknown token; 403 the token belongs to another site or kiosk; 413 too many
//! buckets; 422 a bucket is wrong (each problem named); 503 the database could not store it
//! (try again). A refused upload stores nothing.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Timelike, Utc};

use super::Central;
use super::config::KioskEntry;
use crate::sync::wire::{Accepted, ErrorBody, FORMAT_VERSION, MAX_BUCKETS, Problem, Upload};
use crate::web::{bearer, same_secret};

/// No hour before this: a kiosk whose clock says so has never been set.
const EARLIEST: &str = crate::clock::BUILD_FLOOR;
/// More than this in one hour is a bug, not footfall.
const MOST_PER_HOUR: i64 = 100_000;
/// Longest plausible wait, in minutes (a week).
const LONGEST_WAIT: i64 = 7 * 24 * 60;

/// An error answer: its status and JSON body.
#[derive(Debug)]
pub struct ApiError(pub StatusCode, pub ErrorBody);

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError(status, ErrorBody::new(message))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(self.1)).into_response()
    }
}

pub async fn put_footfall(
    State(c): State<Arc<Central>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Accepted>, ApiError> {
    let outcome = receive(&c, &headers, &body).await;
    let label = match &outcome {
        Ok(_) => "accepted",
        Err(ApiError(s, _)) => match s.as_u16() {
            400 => "malformed",
            401 => "unauthorized",
            403 => "forbidden",
            413 | 422 => "invalid",
            _ => "error",
        },
    };
    c.metrics.uploads.inc(label);
    if let Err(ApiError(status, e)) = &outcome
        && status.as_u16() != 401
    {
        tracing::warn!(%status, "refused an upload: {}", e.summary());
    }
    outcome.map(Json)
}

async fn receive(c: &Arc<Central>, headers: &HeaderMap, body: &[u8]) -> Result<Accepted, ApiError> {
    let kiosk = authenticate(c, headers)?.clone();
    let upload: Upload = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("the body is not a footfall upload (see /api/v1/openapi.json): {e}"),
        )
    })?;
    if upload.site != kiosk.site || upload.kiosk != kiosk.id {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "this token belongs to kiosk `{}` of site `{}`, but the upload says kiosk `{}` of site `{}`: make [site] id and [kiosk] id match central.toml, or ask for this kiosk's own token",
                kiosk.id, kiosk.site, upload.kiosk, upload.site
            ),
        ));
    }
    if upload.version != FORMAT_VERSION {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "upload format version {} is not known here (this service speaks {FORMAT_VERSION}): update the central service",
                upload.version
            ),
        ));
    }
    if upload.buckets.len() > MAX_BUCKETS {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "{} buckets in one upload: send at most {MAX_BUCKETS}",
                upload.buckets.len()
            ),
        ));
    }
    let max_future = Duration::minutes(i64::from(c.config.service.max_future_minutes));
    let problems = check(&upload, c.now(), max_future);
    if !problems.is_empty() {
        return Err(ApiError(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorBody {
                error: format!(
                    "{} of {} buckets are not valid, so none was stored",
                    problems
                        .iter()
                        .map(|p| p.bucket)
                        .collect::<BTreeSet<_>>()
                        .len(),
                    upload.buckets.len()
                ),
                problems,
            },
        ));
    }
    let store = c.store.clone();
    let now = c.now();
    let done = tokio::task::spawn_blocking(move || {
        let done = store.upsert(
            &upload.site,
            &upload.kiosk,
            &upload.database,
            &upload.buckets,
            now,
        )?;
        if let Some(v) = software(&upload) {
            store.note_software(&upload.site, &upload.kiosk, v)?;
        }
        Ok::<_, crate::store::StoreError>(done)
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r.map_err(|e| e.to_string()))
    .map_err(|e| {
        tracing::error!("could not store an upload: {e}");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the central database could not store this just now: send it again later",
        )
    })?;
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

/// The software version an upload reports, when it is a plausible one (short, printable);
/// anything else is left out rather than refusing the counts.
fn software(up: &Upload) -> Option<&str> {
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

/// Everything wrong with the buckets of `up`, judged at `now`.
pub fn check(up: &Upload, now: DateTime<Utc>, max_future: Duration) -> Vec<Problem> {
    let earliest: DateTime<Utc> = EARLIEST.parse().unwrap_or_default();
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, b) in up.buckets.iter().enumerate() {
        let mut problem = |field: &str, message: String| {
            out.push(Problem {
                bucket: i,
                hour: b.hour.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                field: field.to_owned(),
                message,
            })
        };
        let h = b.hour;
        if h.minute() != 0 || h.second() != 0 || h.nanosecond() != 0 {
            problem("hour", "is not the start of an hour".into());
        }
        if h < earliest {
            problem(
                "hour",
                format!("is before {EARLIEST}: the kiosk's clock was not set when it counted"),
            );
        } else if h > now + max_future {
            problem(
                "hour",
                format!(
                    "starts {} hours after this server's time ({}): check the kiosk's clock",
                    (h - now).num_hours(),
                    now.format("%Y-%m-%d %H:%M UTC")
                ),
            );
        }
        if !seen.insert(h) {
            problem("hour", "appears twice in this upload".into());
        }
        if b.revision < 0 {
            problem("revision", "is negative".into());
        }
        let cs = &b.counts;
        let named = [
            ("door_in", cs.door_in),
            ("door_out", cs.door_out),
            ("checkins_anonymous", cs.checkins_anonymous),
            ("checkins_member", cs.checkins_member),
            ("dropins_joined", cs.dropins_joined),
            ("dropins_seen", cs.dropins_seen),
            ("dropins_no_show", cs.dropins_no_show),
        ];
        let needs = cs.needs.iter().map(|(k, v)| (format!("needs.{k}"), *v));
        let waits = cs.waits.iter().map(|(k, v)| (format!("waits.{k}"), *v));
        for (field, n) in named
            .iter()
            .map(|(f, n)| (f.to_string(), *n))
            .chain(needs)
            .chain(waits)
        {
            if n < 0 {
                problem(&format!("counts.{field}"), format!("is negative ({n})"));
            } else if n > MOST_PER_HOUR {
                problem(
                    &format!("counts.{field}"),
                    format!("is {n}, more than {MOST_PER_HOUR} in one hour"),
                );
            }
        }
        for m in cs.waits.keys() {
            if !(0..=LONGEST_WAIT).contains(m) {
                problem(
                    &format!("counts.waits.{m}"),
                    format!("a wait of {m} minutes is not possible (0 to {LONGEST_WAIT})"),
                );
            }
        }
    }
    out
}
