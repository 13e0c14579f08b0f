//! Advisors on duty or away: the count divides the work ahead in the visitors' wait estimate.

use axum::Extension;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::hub::HubError;
use crate::staff::audit::AuditNote;
use crate::staff::auth::Caller;
use crate::staff::error::{ApiError, ApiJson};
use crate::staff::state::AppState;

#[derive(Debug, Serialize)]
pub struct DutyEntry {
    pub name: String,
    pub on_duty: bool,
    pub since: DateTime<Utc>,
}

#[derive(Debug, Serialize)]
pub struct DutyReply {
    /// The number the wait estimate uses (the configured default when nobody is on duty).
    pub advisors_on_duty: u32,
    pub staff: Vec<DutyEntry>,
}

fn duty_reply(h: &crate::hub::Hub) -> Result<DutyReply, HubError> {
    Ok(DutyReply {
        advisors_on_duty: h.advisors_on_duty()?,
        staff: h
            .duty_roster()?
            .into_iter()
            .map(|(name, on_duty, since)| DutyEntry {
                name,
                on_duty,
                since,
            })
            .collect(),
    })
}

pub async fn duty(State(s): State<AppState>) -> Result<ApiJson<DutyReply>, ApiError> {
    s.hub(duty_reply).await.map(ApiJson)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetDuty {
    pub on_duty: bool,
}

/// `POST /api/v1/duty`: the caller is on duty or away.
pub async fn set_duty(
    State(s): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiJson(body): ApiJson<SetDuty>,
) -> Result<(Extension<AuditNote>, ApiJson<DutyReply>), ApiError> {
    let note = AuditNote {
        subject: None,
        detail: Some(if body.on_duty { "on duty" } else { "away" }.into()),
    };
    s.hub(move |h| {
        h.set_duty(&caller.name, body.on_duty)?;
        duty_reply(h)
    })
    .await
    .map(|reply| (Extension(note), ApiJson(reply)))
}
