//! `POST /api/v1/walk-ins`: staff add someone who cannot use the screen; they get a ticket
//! like everyone else, even outside opening hours. An `Idempotency-Key` makes a retry safe.

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::idempotent::{keyed, once};
use crate::domain::{Language, MemberId, Source, Visitor};
use crate::hub::{CheckInRequest, Hub, HubError, TicketInfo};
use crate::staff::auth::Caller;
use crate::staff::error::{ApiError, ApiJson};
use crate::staff::state::AppState;

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WalkIn {
    pub needs: Vec<String>,
    #[serde(default)]
    pub priority: bool,
    /// A member number, when the visitor has a card but cannot scan it.
    #[serde(default)]
    pub member: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    /// They would like an interpreter (shown to advisors).
    #[serde(default)]
    pub interpreter: bool,
}

#[derive(Debug, Serialize)]
pub struct WalkInReply {
    pub check_in_id: i64,
    #[serde(flatten)]
    pub ticket: TicketInfo,
}

/// `POST /api/v1/walk-ins`: someone who cannot use the screen joins the queue.
pub async fn walk_in(
    State(s): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<WalkIn>,
) -> Result<Response, ApiError> {
    let key = keyed(&s, &headers, &caller, "POST /api/v1/walk-ins", &body)?;
    let detail = format!(
        "needs: {}{}",
        body.needs.join(", "),
        if body.priority { "; priority" } else { "" }
    );
    let req = request(&s, body)?;
    let answer = once(
        &s,
        key,
        StatusCode::CREATED,
        move |h| {
            let outcome = h.check_in(req)?;
            Ok(outcome.ticket.map(|ticket| WalkInReply {
                check_in_id: outcome.check_in_id,
                ticket,
            }))
        },
        rebuild,
    )
    .await?;
    if answer.body.is_null() {
        return Err(ApiError::conflict(
            "the check-in was saved but no ticket was given: the queue is closed",
        ));
    }
    Ok(answer.with_detail(detail).into_response())
}

/// The check-in a walk-in asks for, or why it cannot be one.
fn request(s: &AppState, body: WalkIn) -> Result<CheckInRequest, ApiError> {
    let config = s.hub.config();
    let catalogue = &config.catalogue;
    let all_known = body.needs.iter().all(|n| catalogue.get(n).is_some());
    if all_known
        && !body.needs.is_empty()
        && !body
            .needs
            .iter()
            .any(|n| catalogue.get(n).is_some_and(|x| x.drop_in))
    {
        let drop_ins: Vec<&str> = catalogue
            .iter()
            .filter(|n| n.drop_in)
            .map(|n| n.id.as_str())
            .collect();
        return Err(ApiError::unprocessable(format!(
            "a walk-in joins the drop-in queue: choose at least one of {}",
            drop_ins.join(", ")
        )));
    }
    let visitor = match body.member.as_deref().filter(|m| !m.is_empty()) {
        Some(m) => Visitor::Member(MemberId::new(&m.to_ascii_uppercase()).map_err(HubError::from)?),
        None => Visitor::Anonymous,
    };
    let language = match body.language.as_deref() {
        Some(l) => Language::new(l).map_err(HubError::from)?,
        None => s.hub.config().site.default_language.clone(),
    };
    Ok(CheckInRequest {
        visitor,
        needs: body.needs,
        language,
        source: Source::StaffWalkIn,
        priority: body.priority,
        session: None,
        interpreter: body.interpreter,
    })
}

/// The first answer to a walk-in, rebuilt from its check-in: its ticket as it is now.
fn rebuild(h: &Hub, check_in_id: i64) -> Result<(StatusCode, Value), HubError> {
    let Some(t) = h.ticket_of_check_in(check_in_id)? else {
        return Ok((StatusCode::CREATED, Value::Null));
    };
    let reply = WalkInReply {
        check_in_id,
        ticket: h.ticket_info(t)?,
    };
    Ok((
        StatusCode::CREATED,
        serde_json::to_value(reply).unwrap_or(Value::Null),
    ))
}
