//! The JSON API under `/api/v1/`: the queue and its moves, walk-ins, duty, footfall and status.
//! The staff pages use it too, so the buttons and an API client do exactly the same thing.
//! Every move goes through the hub (one store transaction, then an event); this layer only
//! reads the request, names the caller and maps refusals to statuses.

use axum::Extension;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::auth::Caller;
use super::error::{ApiError, ApiJson, ApiPath, ApiQuery};
use super::state::AppState;
use crate::domain::{Action, Language, MemberId, NeedId, Source, Ticket, TicketState, Visitor};
use crate::hub::{CheckInRequest, HubError, QueueView, TicketInfo};

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
    let mut no_shows: Vec<Ticket> = hub
        .store
        .tickets_of_day(hub.today())?
        .into_iter()
        .filter(|t| t.state == TicketState::NoShow)
        .collect();
    no_shows.sort_by_key(|t| std::cmp::Reverse(t.finished));
    no_shows.truncate(10);
    Ok(QueueReply {
        view,
        no_shows,
        amber_minutes: hub.config.queue.amber_minutes,
        red_minutes: hub.config.queue.red_minutes,
        needs: hub
            .config
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

pub async fn call_next(
    State(s): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<ApiJson<Ticket>, ApiError> {
    s.hub(move |h| h.call_next(&caller.name)).await.map(ApiJson)
}

pub async fn ticket(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<TicketInfo>, ApiError> {
    s.hub(move |h| {
        let t = h
            .store
            .ticket(id)?
            .ok_or_else(|| crate::domain::QueueError::UnknownTicket(format!("#{id}")))?;
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
}

impl Move {
    pub const ALL: [(Move, &'static str); 6] = [
        (Move::Call, "call"),
        (Move::Recall, "recall"),
        (Move::Seen, "seen"),
        (Move::NoShow, "no-show"),
        (Move::Requeue, "requeue"),
        (Move::Left, "left"),
    ];

    fn action(self, desk: String) -> Action {
        match self {
            Move::Call => Action::Call { desk },
            Move::Recall => Action::Recall { desk },
            Move::Seen => Action::Seen,
            Move::NoShow => Action::NoShow,
            Move::Requeue => Action::Requeue,
            Move::Left => Action::Left,
        }
    }
}

/// `POST /api/v1/tickets/{id}/<move>`.
pub async fn act(
    s: AppState,
    caller: Caller,
    id: i64,
    step: Move,
) -> Result<ApiJson<Ticket>, ApiError> {
    let action = step.action(caller.name);
    s.hub(move |h| h.act(id, action)).await.map(ApiJson)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferBody {
    pub need: String,
}

pub async fn transfer(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<TransferBody>,
) -> Result<ApiJson<Ticket>, ApiError> {
    let need =
        NeedId::new(&body.need).map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e))?;
    s.hub(move |h| h.act(id, Action::Transfer { need }))
        .await
        .map(ApiJson)
}

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
            .store
            .duty()?
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
) -> Result<ApiJson<DutyReply>, ApiError> {
    s.hub(move |h| {
        h.set_duty(&caller.name, body.on_duty)?;
        duty_reply(h)
    })
    .await
    .map(ApiJson)
}

/// Longest range one footfall request may cover.
pub const MAX_DAYS: i64 = 366;

#[derive(Debug, Default, Deserialize)]
pub struct RangeQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub format: Option<String>,
}

/// The days asked for: `to` defaults to today, `from` to six days before `to`.
pub fn date_range(q: &RangeQuery, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let parse = |name: &str, v: &Option<String>| -> Result<Option<NaiveDate>, ApiError> {
        match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| {
                    ApiError::bad_request(format!(
                        "`{name}` must be a date like 2026-11-23, not `{}`",
                        v.chars().take(20).collect::<String>()
                    ))
                }),
        }
    };
    let to = parse("to", &q.to)?.unwrap_or(today);
    let from = parse("from", &q.from)?.unwrap_or(to - chrono::Duration::days(6));
    if from > to {
        return Err(ApiError::bad_request(format!(
            "`from` ({from}) is after `to` ({to}): swap them"
        )));
    }
    if (to - from).num_days() >= MAX_DAYS {
        return Err(ApiError::bad_request(format!(
            "ask for at most {MAX_DAYS} days at a time"
        )));
    }
    Ok((from, to))
}

/// `GET /api/v1/footfall/daily?from=&to=[&format=csv]`.
pub async fn footfall_daily(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> Result<Response, ApiError> {
    let csv = match q.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "`format` is `json` or `csv`, not `{}`",
                other.chars().take(20).collect::<String>()
            )));
        }
    };
    let (from, to) = date_range(&q, s.hub.today())?;
    let days = s
        .hub(move |h| Ok(h.store.footfall_daily(from, to, &h.config.timezone)?))
        .await?;
    let config = &s.hub.config;
    let calibration = config.door.calibration;
    if csv {
        let file = format!("footfall-{}-{from}-to-{to}.csv", config.site.id);
        let body = crate::report::csv(&days, &config.catalogue, calibration);
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{file}\""),
                ),
            ],
            body,
        )
            .into_response());
    }
    let headings = crate::report::headings(&config.catalogue);
    let rows: Vec<serde_json::Map<String, serde_json::Value>> = days
        .iter()
        .map(|d| {
            headings
                .iter()
                .zip(crate::report::row(d, &config.catalogue, calibration))
                .map(|(h, v)| {
                    let value = if h == "date" {
                        serde_json::Value::String(v)
                    } else if v.is_empty() {
                        serde_json::Value::Null
                    } else {
                        v.parse::<i64>()
                            .map(Into::into)
                            .unwrap_or(serde_json::Value::String(v))
                    };
                    (h.clone(), value)
                })
                .collect()
        })
        .collect();
    Ok(ApiJson(serde_json::json!({
        "from": from,
        "to": to,
        "columns": headings,
        "days": rows,
    }))
    .into_response())
}

pub async fn status(State(s): State<AppState>) -> Result<ApiJson<super::health::Health>, ApiError> {
    let started = s.started;
    s.hub(move |h| super::health::Health::gather(h, started))
        .await
        .map(ApiJson)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(from: Option<&str>, to: Option<&str>) -> RangeQuery {
        RangeQuery {
            from: from.map(Into::into),
            to: to.map(Into::into),
            format: None,
        }
    }

    #[test]
    fn ranges_default_to_the_last_week_and_refuse_nonsense() {
        let today: NaiveDate = "2026-11-23".parse().unwrap();
        assert_eq!(
            date_range(&q(None, None), today).unwrap(),
            ("2026-11-17".parse().unwrap(), today)
        );
        assert!(
            date_range(&q(Some("2026-11-24"), Some("2026-11-23")), today)
                .unwrap_err()
                .message
                .contains("swap")
        );
        assert!(
            date_range(&q(Some("23/11/2026"), None), today)
                .unwrap_err()
                .message
                .contains("like 2026-11-23")
        );
        assert!(date_range(&q(Some("2020-01-01"), None), today).is_err());
    }
}
