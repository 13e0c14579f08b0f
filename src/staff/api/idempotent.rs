//! `Idempotency-Key` on the requests that change the queue (`POST /api/v1/walk-ins`,
//! `/queue/call-next` and the ticket moves): a retry with the same key from the same caller gets
//! the first answer, marked `Idempotent-Replayed: true`, and changes nothing. The key is saved
//! with the change (`store::idempotency`), so this holds even when the first answer was lost
//! after the change was on disk. Without the header a request is simply carried out.
//!
//! A key is 1–64 letters, digits, `-`, `_`, `.` or `:`; a key reused for another request is
//! refused with 409 (the key is taken: a conflict with what is stored, like the queue's own
//! conflicts); keys are forgotten after 24 hours.

use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;

use crate::hub::{Hub, HubError};
use crate::staff::audit::AuditNote;
use crate::staff::auth::Caller;
use crate::staff::error::ApiError;
use crate::staff::state::AppState;
use crate::store::StoreError;
use crate::store::idempotency::{KeyRecord, KeyedRequest, MAX_KEY_LEN, with_key};

/// The request header.
pub const HEADER: &str = "idempotency-key";
/// The answer header of a replayed answer.
pub const REPLAYED: &str = "idempotent-replayed";

/// A key as sent: 1–64 of `A–Z a–z 0–9 - _ . :`.
fn key_ok(key: &str) -> bool {
    (1..=MAX_KEY_LEN).contains(&key.len())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

/// FNV-1a: a stable hash of the request, to tell a reused key from a retry.
fn fingerprint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The request's key, if it has one; 400 if the header is not a key.
pub fn keyed(
    s: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    what: &str,
    body: &impl Serialize,
) -> Result<Option<KeyedRequest>, ApiError> {
    let Some(value) = headers.get(HEADER) else {
        return Ok(None);
    };
    let key = value.to_str().ok().filter(|k| key_ok(k)).ok_or_else(|| {
        ApiError::bad_request(format!(
            "Idempotency-Key must be 1–{MAX_KEY_LEN} letters, digits, `-`, `_`, `.` or `:` (a UUID is a good key)"
        ))
    })?;
    let body = serde_json::to_vec(body).unwrap_or_default();
    Ok(Some(KeyedRequest {
        caller: caller.name.clone(),
        key: key.to_owned(),
        request: format!("{what} #{:016x}", fingerprint(&body)),
        at: s.hub.clock().now().utc,
    }))
}

/// Makes the first answer again from the id of the check-in or ticket a request changed.
pub type Rebuild = fn(&Hub, i64) -> Result<(StatusCode, Value), HubError>;

/// What came of a keyed request.
enum Done {
    /// Carried out now: status and body.
    Fresh(StatusCode, Value),
    /// Carried out before: the first answer.
    Replayed(StatusCode, Value),
    /// The key was used for another request.
    Reused,
}

/// The first answer of `record`, rebuilt from what it changed if it was never saved.
fn replay(
    h: &Hub,
    req: &KeyedRequest,
    record: KeyRecord,
    rebuild: Rebuild,
) -> Result<Done, HubError> {
    if record.request != req.request {
        return Ok(Done::Reused);
    }
    if let Some((status, text)) = &record.answer
        && let (Ok(status), Ok(body)) = (StatusCode::from_u16(*status), serde_json::from_str(text))
    {
        return Ok(Done::Replayed(status, body));
    }
    let (status, body) = rebuild(h, record.subject)?;
    keep_answer(h, req, status, &body);
    Ok(Done::Replayed(status, body))
}

/// Saves the answer to `req`. Should that fail the change still stands and the answer is still
/// given: a retry rebuilds it from the check-in or ticket the key names.
fn keep_answer(h: &Hub, req: &KeyedRequest, status: StatusCode, body: &Value) {
    if let Err(e) = h.keep_answer(req, status.as_u16(), &body.to_string()) {
        tracing::warn!("the answer to a request with an Idempotency-Key was not kept: {e}");
    }
}

/// Carries out `act` once per key: with no key, just carries it out; with a key seen before,
/// answers as the first time (`rebuild` makes that answer from the check-in or ticket id when
/// only the change was saved).
pub async fn once<T, F>(
    s: &AppState,
    key: Option<KeyedRequest>,
    status: StatusCode,
    act: F,
    rebuild: Rebuild,
) -> Result<Answer, ApiError>
where
    T: Serialize + Send + 'static,
    F: FnOnce(&Hub) -> Result<T, HubError> + Send + 'static,
{
    let done = s
        .hub(move |h| {
            let Some(req) = key else {
                return Ok(Done::Fresh(status, json(act(h)?)));
            };
            if let Some(record) = h.idempotency_key(&req)? {
                return replay(h, &req, record, rebuild);
            }
            match with_key(req.clone(), || act(h)) {
                Ok(v) => {
                    let body = json(v);
                    keep_answer(h, &req, status, &body);
                    Ok(Done::Fresh(status, body))
                }
                // Another request with this key got there first.
                Err(HubError::Store(StoreError::KeyUsed)) => match h.idempotency_key(&req)? {
                    Some(record) => replay(h, &req, record, rebuild),
                    None => Err(HubError::Store(StoreError::KeyUsed)),
                },
                Err(e) => Err(e),
            }
        })
        .await?;
    match done {
        Done::Fresh(status, body) => Ok(Answer {
            status,
            body,
            replayed: false,
            detail: None,
        }),
        Done::Replayed(status, body) => Ok(Answer {
            status,
            body,
            replayed: true,
            detail: None,
        }),
        Done::Reused => Err(ApiError::conflict(
            "this Idempotency-Key was used for another request: use a new key for each new request",
        )),
    }
}

/// The answer of a request that changes the queue.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
    /// The first answer, given again.
    pub replayed: bool,
    /// For the audit log: what else tells the story ("to housing").
    pub detail: Option<String>,
}

impl Answer {
    pub fn with_detail(self, detail: impl Into<String>) -> Answer {
        Answer {
            detail: Some(detail.into()),
            ..self
        }
    }
}

/// "ticket A 014", when the answer is a ticket or holds one.
fn ticket_subject(body: &Value) -> Option<String> {
    let ticket = |v: &Value| serde_json::from_value::<crate::domain::Ticket>(v.clone()).ok();
    ticket(body)
        .or_else(|| body.get("ticket").and_then(ticket))
        .map(|t| format!("ticket {}", t.number))
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let note = AuditNote {
            subject: ticket_subject(&self.body),
            detail: self.detail,
        };
        let mut res = (self.status, axum::Json(self.body)).into_response();
        res.extensions_mut().insert(note);
        if self.replayed {
            res.headers_mut().insert(
                HeaderName::from_static(REPLAYED),
                HeaderValue::from_static("true"),
            );
        }
        res
    }
}

fn json(v: impl Serialize) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// The answer of a ticket move, rebuilt: the ticket as it is.
pub fn ticket_answer(h: &Hub, id: i64) -> Result<(StatusCode, Value), HubError> {
    Ok((StatusCode::OK, json(h.ticket(id)?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_short_plain_tokens() {
        assert!(key_ok("5b0c6f0e-6a1f-4b43-9a55-1d2f0c3e7a21"));
        assert!(key_ok("walk-in:2026.11.23_1"));
        assert!(!key_ok(""));
        assert!(!key_ok(&"k".repeat(65)));
        assert!(!key_ok("a b") && !key_ok("a\nb") && !key_ok("ключ"));
        assert_ne!(fingerprint(b"{}"), fingerprint(b"{\"need\":\"money\"}"));
    }
}
