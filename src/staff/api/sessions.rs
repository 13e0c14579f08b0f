//! Recovery College registers over the API: a day's sessions with their registers
//! (`GET /api/v1/sessions?date=`), one register as JSON or CSV, and a tutor adding or taking off
//! a student who did not use the kiosk (`POST` / `DELETE /api/v1/sessions/{id}/attendance`).
//! Member numbers are shown only to signed-in staff and token holders, and never leave the site.

use axum::Extension;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::courses::Snapshot;
use crate::domain::MemberId;
use crate::domain::timetable::SessionId;
use crate::hub::{HubError, SessionRegister};
use crate::report::csv_line;
use crate::staff::audit::AuditNote;
use crate::staff::auth::Caller;
use crate::staff::error::{ApiError, ApiJson, ApiPath, ApiQuery};
use crate::staff::state::AppState;
use crate::web::query::{date, refuse_empty};

#[derive(Debug, Default, Deserialize)]
pub struct DayQuery {
    pub date: Option<String>,
}

/// `GET /api/v1/sessions`: a day's sessions, and the timetable they come from.
#[derive(Debug, Serialize)]
pub struct Day {
    pub date: NaiveDate,
    pub sessions: Vec<SessionRegister>,
    pub timetable: Snapshot,
}

/// How far from today a day's sessions may be asked for, either way.
pub const MOST_DAYS_AWAY: i64 = 366;

/// The day asked for (default: today at the site), at most a year before or after today.
pub fn day(q: &DayQuery, today: NaiveDate) -> Result<NaiveDate, ApiError> {
    let Some(v) = q.date.as_deref() else {
        return Ok(today);
    };
    let d = date(v).ok_or_else(|| {
        ApiError::bad_request(format!(
            "`date` must be a date like 2026-11-02, not `{}`",
            v.chars().take(20).collect::<String>()
        ))
    })?;
    if (d - today).num_days().abs() > MOST_DAYS_AWAY {
        return Err(ApiError::bad_request(format!(
            "ask for a day at most {MOST_DAYS_AWAY} days from today ({today})"
        )));
    }
    Ok(d)
}

/// A day's sessions with their registers (blocking: call through `StaffState::hub`).
pub fn day_reply(h: &crate::hub::Hub, date: NaiveDate) -> Result<Day, HubError> {
    Ok(Day {
        date,
        sessions: h.registers_on(date)?,
        timetable: h.timetable(),
    })
}

/// `GET /api/v1/sessions?date=`.
pub async fn sessions(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<DayQuery>,
) -> Result<ApiJson<Day>, ApiError> {
    refuse_empty(&[("date", &q.date)])?;
    let date = day(&q, s.hub.today())?;
    s.hub(move |h| day_reply(h, date)).await.map(ApiJson)
}

/// A session id from an address: one the kiosk could have made, else 404.
fn session_id(raw: &str) -> Result<SessionId, ApiError> {
    SessionId::parse(raw).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "there is no such session: session ids look like 20261102-3f9a0c1d2b4e (see GET /api/v1/sessions)",
        )
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct RegisterQuery {
    pub format: Option<String>,
}

/// `GET /api/v1/sessions/{id}/attendance[?format=csv]`.
pub async fn attendance(
    State(s): State<AppState>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<RegisterQuery>,
) -> Result<Response, ApiError> {
    refuse_empty(&[("format", &q.format)])?;
    let csv = crate::web::query::wants_csv(q.format.as_deref())?;
    let id = session_id(&raw)?;
    let register = s.hub(move |h| h.register(&id)).await?;
    if !csv {
        return Ok(ApiJson(register).into_response());
    }
    let file = format!("register-{}-{}.csv", s.hub.config().site.id, register.id);
    let body = register_csv(&s.hub, &register);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// A register as a spreadsheet: one row per student, members by number, then the anonymous.
pub fn register_csv(hub: &crate::hub::Hub, r: &SessionRegister) -> String {
    let local = |t| hub.local(t).format("%H:%M").to_string();
    let day = hub.local(r.starts).date().to_string();
    let head = [
        day.clone(),
        local(r.starts),
        r.title.clone(),
        r.room.clone().unwrap_or_default(),
    ];
    let mut out = csv_line(
        &[
            "date", "starts", "course", "room", "student", "added_at", "added_by",
        ]
        .map(String::from),
    );
    for m in &r.register.members {
        let by = m.added_by.clone().unwrap_or_else(|| "kiosk".into());
        out.push_str(&csv_line(
            &[head.to_vec(), vec![m.member.to_string(), local(m.at), by]].concat(),
        ));
    }
    for _ in 0..r.register.anonymous {
        out.push_str(&csv_line(
            &[
                head.to_vec(),
                vec!["anonymous".into(), String::new(), String::new()],
            ]
            .concat(),
        ));
    }
    out
}

/// A student to add: a member number, or none (a student without one).
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Attendee {
    #[serde(default)]
    pub member: Option<String>,
}

fn member_of(member: Option<&str>) -> Result<Option<MemberId>, ApiError> {
    member
        .map(|m| {
            MemberId::new(&m.to_ascii_uppercase())
                .map_err(|e| ApiError::unprocessable(e.to_string()))
        })
        .transpose()
}

/// `POST /api/v1/sessions/{id}/attendance`: `{"member": "M-1001"}`, or `{}` for a student
/// without a number.
pub async fn add(
    State(s): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiPath(raw): ApiPath<String>,
    ApiJson(body): ApiJson<Attendee>,
) -> Result<Response, ApiError> {
    let id = session_id(&raw)?;
    let member = member_of(body.member.as_deref())?;
    let by = caller.name;
    let detail = who(member.is_some(), "added");
    let register = s.hub(move |h| h.add_attendee(&id, member, &by)).await?;
    let note = audit_note(&s.hub, &register, detail);
    Ok((StatusCode::CREATED, Extension(note), ApiJson(register)).into_response())
}

/// "a member added": the audit log names who did it and which session, never the student.
fn who(member: bool, what: &str) -> String {
    let student = if member {
        "a member"
    } else {
        "a student without a number"
    };
    format!("{student} {what}")
}

/// The audit log's row for a register change: the session by course, day and time.
fn audit_note(hub: &crate::hub::Hub, r: &SessionRegister, detail: String) -> AuditNote {
    AuditNote {
        subject: Some(format!(
            "{} at {} (session {})",
            r.title,
            hub.local(r.starts).format("%Y-%m-%d %H:%M"),
            r.id
        )),
        detail: Some(detail),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct RemoveQuery {
    pub member: Option<String>,
}

/// `DELETE /api/v1/sessions/{id}/attendance?member=M-1001`, or without `member` for one student
/// without a number.
pub async fn remove(
    State(s): State<AppState>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<RemoveQuery>,
) -> Result<(Extension<AuditNote>, ApiJson<SessionRegister>), ApiError> {
    refuse_empty(&[("member", &q.member)])?;
    let id = session_id(&raw)?;
    let member = member_of(q.member.as_deref())?;
    let detail = who(member.is_some(), "taken off");
    let register = s.hub(move |h| h.remove_attendee(&id, member)).await?;
    let note = audit_note(&s.hub, &register, detail);
    Ok((Extension(note), ApiJson(register)))
}
