//! Help requests and pauses through the API: the open help requests and the day's record of
//! who acknowledged each; acknowledging one (a person signed in on the staff pages, never an
//! API token: the record says who is on their way); pausing and resuming drop-ins. Changes take
//! an `Idempotency-Key` like every other change to the queue.

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::idempotent::{Answer, keyed, once};
use crate::domain::HelpRequest;
use crate::domain::help::HelpError;
use crate::hub::{Hub, HubError};
use crate::staff::auth::{Caller, Via};
use crate::staff::error::{ApiError, ApiJson, ApiPath};
use crate::staff::state::AppState;

/// `GET /api/v1/help-requests`.
#[derive(Debug, Serialize)]
pub struct HelpReply {
    /// Nobody has acknowledged these yet, oldest first.
    pub open: Vec<HelpRequest>,
    /// The last day's requests, newest first, with who acknowledged each and when.
    pub recent: Vec<HelpRequest>,
}

pub async fn help_requests(State(s): State<AppState>) -> Result<ApiJson<HelpReply>, ApiError> {
    s.hub(|h| {
        Ok(HelpReply {
            open: h.open_help()?,
            recent: h.recent_help()?,
        })
    })
    .await
    .map(ApiJson)
}

fn json_of(v: impl Serialize) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// The answer to an acknowledgement, rebuilt: the request as it is.
fn help_answer(h: &Hub, id: i64) -> Result<(StatusCode, Value), HubError> {
    let help = h.help_request(id)?.ok_or(HelpError::Unknown(id))?;
    Ok((StatusCode::OK, json_of(help)))
}

/// `POST /api/v1/help-requests/{id}/acknowledge`: the signed-in caller is on their way.
pub async fn acknowledge(
    State(s): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
) -> Result<Answer, ApiError> {
    if caller.via == Via::Token {
        return Err(ApiError::forbidden(
            "a help request is acknowledged by a person: sign in on the queue page and press Acknowledge there",
        ));
    }
    let what = format!("POST /api/v1/help-requests/{id}/acknowledge");
    let key = keyed(&s, &headers, &caller, &what, &())?;
    let by = caller.name;
    once(
        &s,
        key,
        StatusCode::OK,
        move |h| h.acknowledge_help(id, &by),
        help_answer,
    )
    .await
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PauseBody {
    /// Why, for the other staff pages (never shown to visitors); at most 200 characters.
    #[serde(default)]
    pub reason: Option<String>,
}

/// The answer to a pause, rebuilt: the pause as stored.
fn pause_answer(h: &Hub, id: i64) -> Result<(StatusCode, Value), HubError> {
    Ok((StatusCode::OK, json_of(h.pause_by_id(id)?)))
}

/// `POST /api/v1/queue/pause`: the screen gives no drop-in tickets until resumed or closing.
pub async fn pause(
    State(s): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<PauseBody>,
) -> Result<Answer, ApiError> {
    let key = keyed(&s, &headers, &caller, "POST /api/v1/queue/pause", &body)?;
    let by = caller.name;
    once(
        &s,
        key,
        StatusCode::OK,
        move |h| h.pause_dropins(&by, body.reason.as_deref()),
        pause_answer,
    )
    .await
}

/// The answer to a resume, rebuilt: the pause it ended, if any.
fn resumed_answer(h: &Hub, id: i64) -> Result<(StatusCode, Value), HubError> {
    Ok((StatusCode::OK, json!({ "resumed": h.pause_by_id(id)? })))
}

/// `POST /api/v1/queue/resume`.
pub async fn resume(
    State(s): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
) -> Result<Answer, ApiError> {
    let key = keyed(&s, &headers, &caller, "POST /api/v1/queue/resume", &())?;
    let by = caller.name;
    once(
        &s,
        key,
        StatusCode::OK,
        move |h| Ok(json!({ "resumed": h.resume_dropins(&by)? })),
        resumed_answer,
    )
    .await
}
