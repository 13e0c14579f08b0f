//! The tutors' registers: a day's Recovery College sessions (today by default), each with its
//! live count, members by number, students without a number and places; adding or taking off a
//! student who did not use the kiosk; a printable register and a CSV per session. The list is
//! rendered here, for the first load and for `/sessions/table`, which the page's script fetches
//! again whenever the event stream says a register changed — one renderer, no polling.

use axum::Extension;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;

use super::{Nav, escape, layout, message};
use crate::hub::SessionRegister;
use crate::staff::api::sessions::{Day, DayQuery, day, day_reply};
use crate::staff::auth::Caller;
use crate::staff::error::{ApiError, ApiPath};
use crate::staff::state::AppState;

fn times(hub: &crate::hub::Hub, r: &SessionRegister) -> String {
    let t = |u| hub.local(u).format("%H:%M").to_string();
    format!("{}–{}", t(r.starts), t(r.ends))
}

fn facts(r: &SessionRegister) -> String {
    let mut out: Vec<String> = Vec::new();
    if let Some(room) = &r.room {
        out.push(escape(room));
    }
    if let Some(c) = r.capacity {
        out.push(format!("{c} places"));
    }
    if r.cancelled {
        out.push("<strong class=\"bad\">cancelled</strong>".into());
    }
    if !r.in_timetable {
        out.push("no longer in the timetable".into());
    }
    out.join(" · ")
}

fn members(r: &SessionRegister, hub: &crate::hub::Hub) -> String {
    if r.register.members.is_empty() {
        return String::new();
    }
    let rows: String = r
        .register
        .members
        .iter()
        .map(|m| {
            format!(
                "<tr><td class=\"ticket-no\">{num}</td><td>{at}</td><td>{by}</td><td><button type=\"button\" class=\"quiet\" data-act=\"remove-member\" data-member=\"{num}\" aria-label=\"Take {num} off\">Take off</button></td></tr>",
                num = escape(m.member.as_str()),
                at = hub.local(m.at).format("%H:%M"),
                by = escape(m.added_by.as_deref().unwrap_or("the kiosk")),
            )
        })
        .collect();
    format!(
        "<div class=\"scroll\"><table><thead><tr><th>Member</th><th>In at</th><th>Added by</th><th><span class=\"hide-narrow\">Change</span></th></tr></thead><tbody>{rows}</tbody></table></div>"
    )
}

fn session(r: &SessionRegister, hub: &crate::hub::Hub) -> String {
    let id = escape(r.id.as_str());
    let over = if r.over_capacity {
        " <span class=\"tag priority\">over capacity: the tutor decides</span>"
    } else {
        ""
    };
    let add = if r.cancelled {
        String::new()
    } else {
        format!(
            "<form class=\"add summary\" data-id=\"{id}\"><label>Member number <input name=\"member\" autocomplete=\"off\" size=\"12\" aria-label=\"Member number for {title}\"></label>\
             <button type=\"submit\">Add member</button>\
             <button type=\"button\" class=\"quiet\" data-act=\"add-anonymous\">Add a student without a number</button></form>",
            title = escape(&r.title)
        )
    };
    let take_anonymous = if r.register.anonymous > 0 {
        " <button type=\"button\" class=\"quiet\" data-act=\"remove-anonymous\">Take one off</button>"
    } else {
        ""
    };
    format!(
        "<section class=\"session\" data-id=\"{id}\" aria-labelledby=\"t-{id}\"><h2 id=\"t-{id}\">{times} {title}</h2>\
         <p class=\"muted\">{facts}</p>\
         <p class=\"summary\"><span><span class=\"n\" data-count>{total}</span> on the register</span>\
         <span>{m} by member number, <span data-anonymous>{a}</span> without a number{take_anonymous}</span>{over}</p>\
         {members}{add}\
         <p><a class=\"button quiet\" href=\"/sessions/{id}/register\">Printable register</a> \
         <a class=\"button quiet\" href=\"/api/v1/sessions/{id}/attendance?format=csv\" download>Download CSV</a></p></section>",
        times = times(hub, r),
        title = escape(&r.title),
        facts = facts(r),
        total = r.attendees,
        m = r.register.members.len(),
        a = r.register.anonymous,
        members = members(r, hub),
    )
}

/// The timetable's state in a line, when it is not simply well.
fn timetable(d: &Day) -> String {
    let t = &d.timetable;
    if !t.configured {
        return message(
            "note",
            "No timetable is set: add [courses] timetable or timetable_url to the configuration (docs/courses.md).",
        );
    }
    match (&t.last_error, &t.in_use) {
        (Some(e), Some(copy)) => message(
            "error",
            &format!("The timetable could not be read again ({e}): showing {copy}."),
        ),
        (Some(e), None) => message("error", &format!("The timetable cannot be read: {e}")),
        _ => String::new(),
    }
}

/// The live part of the page: every session of the day.
pub fn list(d: &Day, hub: &crate::hub::Hub) -> String {
    let mut out = timetable(d);
    if d.sessions.is_empty() {
        out.push_str(&format!(
            "<p class=\"muted\">No sessions on {}.</p>",
            d.date.format("%A %-d %B %Y")
        ));
    }
    for r in &d.sessions {
        out.push_str(&session(r, hub));
    }
    out
}

async fn read(s: &AppState, date: NaiveDate) -> Result<Day, ApiError> {
    s.hub(move |h| day_reply(h, date)).await
}

/// `GET /sessions/table?date=`.
pub async fn fragment(
    State(s): State<AppState>,
    Query(q): Query<DayQuery>,
) -> Result<Html<String>, ApiError> {
    let date = day(&q, s.hub.today())?;
    let d = read(&s, date).await?;
    Ok(Html(list(&d, &s.hub)))
}

/// `GET /sessions?date=`.
pub async fn page(
    State(s): State<AppState>,
    Extension(caller): Extension<Caller>,
    q: Result<Query<DayQuery>, axum::extract::rejection::QueryRejection>,
) -> Html<String> {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let today = s.hub.today();
    let (date, error) = match day(&q, today) {
        Ok(d) => (d, None),
        Err(e) => (today, Some(e.message)),
    };
    let live = match read(&s, date).await {
        Ok(d) => list(&d, &s.hub),
        Err(e) => message("error", &e.message),
    };
    let error = error
        .map(|e| message("error", &format!("{e}. Showing today instead.")))
        .unwrap_or_default();
    let body = format!(
        "<h1>Sessions</h1>\
         <form method=\"get\" action=\"/sessions\" class=\"card summary\"><label>Day <input type=\"date\" name=\"date\" value=\"{date}\" required></label>\
         <button type=\"submit\">Show</button><span id=\"live\" class=\"muted\" aria-live=\"polite\">Connecting…</span></form>{error}\
         <div id=\"flash\" role=\"status\" aria-live=\"polite\"></div>\
         <div id=\"sessions\" data-date=\"{date}\">{live}</div><script src=\"/staff-api.js\"></script><script src=\"/sessions.js\"></script>"
    );
    layout(
        "Sessions",
        &s.hub.config().site.name,
        Some(&caller.name),
        Nav::Sessions,
        &body,
    )
}

/// `GET /sessions/{id}/register`: one register to print, with a line for each student to sign.
pub async fn register(
    State(s): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiPath(raw): ApiPath<String>,
) -> Response {
    let found = match crate::domain::timetable::SessionId::parse(&raw) {
        Some(id) => s.hub(move |h| h.register(&id)).await,
        None => Err(ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "there is no such session",
        )),
    };
    let r = match found {
        Ok(r) => r,
        Err(e) => {
            let body = format!("<h1>Register</h1>{}", message("error", &e.message));
            return (
                e.status,
                layout(
                    "Register",
                    &s.hub.config().site.name,
                    Some(&caller.name),
                    Nav::Sessions,
                    &body,
                ),
            )
                .into_response();
        }
    };
    let mut rows: Vec<String> = r
        .register
        .members
        .iter()
        .map(|m| {
            format!(
                "<td class=\"ticket-no\">{}</td><td>{}</td>",
                escape(m.member.as_str()),
                s.hub.local(m.at).format("%H:%M")
            )
        })
        .collect();
    rows.extend((0..r.register.anonymous).map(|_| "<td>without a number</td><td></td>".to_owned()));
    let rows: String = rows
        .iter()
        .enumerate()
        .map(|(i, cells)| format!("<tr><td>{}</td>{cells}<td class=\"sign\"></td></tr>", i + 1))
        .collect();
    let day = s.hub.local(r.starts).date().format("%A %-d %B %Y");
    let body = format!(
        "<h1>Register: {title}</h1><p>{day}, {times} · {facts}</p>\
         <p><strong>{total}</strong> on the register{cap}.</p>\
         <table class=\"register\"><thead><tr><th>#</th><th>Student</th><th>In at</th><th>Signature</th></tr></thead><tbody>{rows}</tbody></table>\
         <p><button type=\"button\" data-print>Print</button> <a class=\"button quiet\" href=\"/sessions?date={date}\">Back to the sessions</a></p>\
         <script src=\"/staff-api.js\"></script><script src=\"/sessions.js\"></script>",
        title = escape(&r.title),
        times = times(&s.hub, &r),
        facts = facts(&r),
        total = r.attendees,
        cap = r
            .capacity
            .map(|c| format!(" of {c} places"))
            .unwrap_or_default(),
        date = s.hub.local(r.starts).date(),
    );
    layout(
        &format!("Register: {}", r.title),
        &s.hub.config().site.name,
        Some(&caller.name),
        Nav::Sessions,
        &body,
    )
    .into_response()
}
