//! `POST /api/v1/walk-ins`: staff add someone who cannot use the screen; they get a ticket
//! like everyone else, even outside opening hours.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::domain::{Language, MemberId, Source, Visitor};
use crate::hub::{CheckInRequest, HubError, TicketInfo};
use crate::staff::error::{ApiError, ApiJson};
use crate::staff::state::AppState;

#[derive(Debug, Deserialize)]
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
    ApiJson(body): ApiJson<WalkIn>,
) -> Result<Response, ApiError> {
    let catalogue = &s.hub.config.catalogue;
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
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "a walk-in joins the drop-in queue: choose at least one of {}",
                drop_ins.join(", ")
            ),
        ));
    }
    let visitor = match body
        .member
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        Some(m) => Visitor::Member(MemberId::new(&m.to_ascii_uppercase()).map_err(HubError::from)?),
        None => Visitor::Anonymous,
    };
    let language = match body.language.as_deref() {
        Some(l) => Language::new(l).map_err(HubError::from)?,
        None => s.hub.config.site.default_language.clone(),
    };
    let req = CheckInRequest {
        visitor,
        needs: body.needs,
        language,
        source: Source::StaffWalkIn,
        priority: body.priority,
    };
    let outcome = s.hub(move |h| h.check_in(req)).await?;
    match outcome.ticket {
        Some(ticket) => Ok((
            StatusCode::CREATED,
            ApiJson(WalkInReply {
                check_in_id: outcome.check_in_id,
                ticket,
            }),
        )
            .into_response()),
        None => Err(ApiError::new(
            StatusCode::CONFLICT,
            "the check-in was saved but no ticket was given: the queue is closed",
        )),
    }
}
