//! The JSON API under `/api/v1/`: the queue and its moves, walk-ins, duty, pauses, help
//! requests, footfall, status and the Recovery College registers (`sessions`).
//! The staff pages use it too, so the buttons and an API client do exactly the same thing.
//! Every move goes through the hub (one store transaction, then an event); this layer only
//! reads the request, names the caller and maps refusals to statuses.

mod duty;
mod footfall;
mod help;
pub mod idempotent;
mod openapi;
pub mod sessions;
mod walk_in;

pub use duty::{DutyEntry, DutyReply, SetDuty, duty, set_duty};
pub use footfall::{MAX_DAYS, RangeQuery, date_range, footfall_daily};
pub use help::{HelpReply, PauseBody, acknowledge, help_requests, pause, resume};
pub use openapi::{document, openapi};
pub use walk_in::{WalkIn, WalkInReply, walk_in};

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::auth::Caller;
use super::error::{ApiError, ApiJson, ApiPath};
use super::state::AppState;
use crate::domain::{Action, NeedId, Ticket, TicketState};
use crate::hub::{HubError, QueueView, TicketInfo};
use idempotent::{Answer, keyed, once, ticket_answer};

/// A need as the pages show it.
#[derive(Clone, Debug, Serialize)]
pub struct NeedInfo {
    pub id: NeedId,
    pub label: String,
    pub drop_in: bool,
}

/// `GET /api/v1/queue`: the hub's queue view plus what the pages need to draw it.
#[derive(Clone, Debug, Serialize)]
pub struct QueueReply {
    #[serde(flatten)]
    pub view: QueueView,
    /// Tickets marked no-show today, newest first, so they can be requeued.
    pub no_shows: Vec<Ticket>,
    pub amber_minutes: u32,
    pub red_minutes: u32,
    pub needs: Vec<NeedInfo>,
    pub now: DateTime<Utc>,
}

/// Builds the queue reply (blocking: call through `StaffState::hub`).
pub fn queue_reply(hub: &crate::hub::Hub) -> Result<QueueReply, HubError> {
    let view = hub.queue_view()?;
    let config = hub.config();
    let mut no_shows: Vec<Ticket> = hub
        .tickets_today()?
        .into_iter()
        .filter(|t| t.state == TicketState::NoShow)
        .collect();
    no_shows.sort_by_key(|t| std::cmp::Reverse(t.finished));
    no_shows.truncate(10);
    Ok(QueueReply {
        view,
        no_shows,
        amber_minutes: config.queue.amber_minutes,
        red_minutes: config.queue.red_minutes,
        needs: config
            .catalogue
            .iter()
            .map(|n| NeedInfo {
                id: n.id.clone(),
                label: n.label("en").to_owned(),
                drop_in: n.drop_in,
            })
            .collect(),
        now: hub.clock().now().utc,
    })
}

pub async fn queue(State(s): State<AppState>) -> Result<ApiJson<QueueReply>, ApiError> {
    s.hub(queue_reply).await.map(ApiJson)
}

/// `POST /api/v1/queue/call-next`.
pub async fn call_next(
    State(s): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
) -> Result<Answer, ApiError> {
    let key = keyed(&s, &headers, &caller, "POST /api/v1/queue/call-next", &())?;
    let desk = caller.name;
    once(
        &s,
        key,
        StatusCode::OK,
        move |h| h.call_next(&desk),
        ticket_answer,
    )
    .await
    .map(|a| a.with_detail("next in line"))
}

pub async fn ticket(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<TicketInfo>, ApiError> {
    s.hub(move |h| {
        let t = h.ticket(id)?;
        h.ticket_info(t)
    })
    .await
    .map(ApiJson)
}

/// The moves an advisor makes on one ticket, by the last part of their address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    Call,
    Recall,
    Seen,
    NoShow,
    Requeue,
    Left,
    /// Asked to come back another day (at closing, or while drop-ins are paused).
    ComeBack,
}

impl Move {
    pub const ALL: [(Move, &'static str); 7] = [
        (Move::Call, "call"),
        (Move::Recall, "recall"),
        (Move::Seen, "seen"),
        (Move::NoShow, "no-show"),
        (Move::Requeue, "requeue"),
        (Move::Left, "left"),
        (Move::ComeBack, "come-back"),
    ];

    fn action(self, desk: String) -> Action {
        match self {
            Move::Call => Action::Call { desk },
            Move::Recall => Action::Recall { desk },
            Move::Seen => Action::Seen,
            Move::NoShow => Action::NoShow,
            Move::Requeue => Action::Requeue,
            Move::Left => Action::Left,
            Move::ComeBack => Action::ComeBack,
        }
    }
}

/// `POST /api/v1/tickets/{id}/<move>`.
pub async fn act(
    s: AppState,
    caller: Caller,
    headers: HeaderMap,
    id: i64,
    step: Move,
) -> Result<Answer, ApiError> {
    let name = Move::ALL
        .iter()
        .find(|(m, _)| *m == step)
        .map_or("move", |(_, n)| n);
    let what = format!("POST /api/v1/tickets/{id}/{name}");
    let key = keyed(&s, &headers, &caller, &what, &())?;
    let action = step.action(caller.name);
    once(
        &s,
        key,
        StatusCode::OK,
        move |h| h.act(id, action),
        ticket_answer,
    )
    .await
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TransferBody {
    pub need: String,
}

/// `POST /api/v1/tickets/{id}/transfer`.
pub async fn transfer(
    State(s): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<TransferBody>,
) -> Result<Answer, ApiError> {
    let what = format!("POST /api/v1/tickets/{id}/transfer");
    let key = keyed(&s, &headers, &caller, &what, &body)?;
    let need = NeedId::new(&body.need).map_err(ApiError::unprocessable)?;
    let detail = format!("to {need}");
    once(
        &s,
        key,
        StatusCode::OK,
        move |h| h.act(id, Action::Transfer { need }),
        ticket_answer,
    )
    .await
    .map(|a| a.with_detail(detail))
}

pub async fn status(State(s): State<AppState>) -> Result<ApiJson<super::health::Health>, ApiError> {
    let started = s.started;
    s.hub(move |h| super::health::Health::gather(h, started))
        .await
        .map(ApiJson)
}
