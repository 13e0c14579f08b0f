//! The audit log as managers read it, on the status page: filtered by person, action and dates
//! (site-local days), newest first, and the same rows as a CSV download
//! (`/status/audit.csv`) for an investigation. Only logins with `role = "manager"` see it.

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde::Deserialize;

use super::{escape, message, url_encode};
use crate::config::Role;
use crate::hub::Hub;
use crate::report::csv_line;
use crate::staff::auth::{Caller, Via};
use crate::staff::state::AppState;
use crate::store::{AuditFilter, AuditRow};
use crate::web::query::date;

/// Rows shown on the page; the CSV has every match up to `CSV_ROWS`.
const PAGE_ROWS: usize = 200;
const CSV_ROWS: usize = 100_000;

/// The filter as the form sends it: empty fields are "any".
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    pub person: Option<String>,
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
}

fn given(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// Whether `caller` may read the audit log: a signed-in manager.
pub fn is_manager(hub: &Hub, caller: &Caller) -> bool {
    matches!(caller.via, Via::Session(_))
        && hub
            .config()
            .staff
            .login(&caller.name)
            .is_some_and(|l| l.role == Role::Manager)
}

/// The start of site-local day `d`, in UTC.
fn start_of(hub: &Hub, d: NaiveDate) -> DateTime<Utc> {
    let local = d.and_hms_opt(0, 0, 0).expect("midnight exists");
    hub.config()
        .timezone
        .from_local_datetime(&local)
        .earliest()
        .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc))
}

impl AuditQuery {
    /// The store's filter, or what is wrong with a date.
    pub fn filter(&self, hub: &Hub) -> Result<AuditFilter, String> {
        let day = |name: &str, v: &Option<String>| match given(v) {
            None => Ok(None),
            Some(s) => date(&s)
                .map(Some)
                .ok_or_else(|| format!("`{name}` must be a date like 2026-11-23")),
        };
        let (from, to) = (day("from", &self.from)?, day("to", &self.to)?);
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err(format!("`from` ({f}) is after `to` ({t}): swap them"));
        }
        Ok(AuditFilter {
            actor: given(&self.person),
            action: given(&self.action),
            since: from.map(|d| start_of(hub, d)),
            until: to.map(|d| start_of(hub, d + Duration::days(1))),
        })
    }

    fn query_string(&self) -> String {
        [
            ("person", &self.person),
            ("action", &self.action),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .iter()
        .filter_map(|(k, v)| given(v).map(|v| format!("{k}={}", url_encode(&v))))
        .collect::<Vec<_>>()
        .join("&amp;")
    }
}

fn when(hub: &Hub, t: DateTime<Utc>) -> String {
    hub.local(t).format("%Y-%m-%d %H:%M:%S").to_string()
}

fn options(name: &str, label: &str, any: &str, all: &[String], chosen: &Option<String>) -> String {
    let chosen = given(chosen);
    let mut out =
        format!("<label>{label} <select name=\"{name}\"><option value=\"\">{any}</option>");
    for v in all {
        let sel = if chosen.as_deref() == Some(v) {
            " selected"
        } else {
            ""
        };
        out.push_str(&format!("<option{sel}>{}</option>", escape(v)));
    }
    out + "</select></label>"
}

fn table(hub: &Hub, rows: &[AuditRow]) -> String {
    let mut out = String::from(
        "<div class=\"scroll\" tabindex=\"0\"><table id=\"audit-table\"><thead><tr><th>When</th><th>Who</th>\
         <th>What</th><th>On</th><th>Detail</th><th>From</th></tr></thead><tbody>",
    );
    for r in rows {
        let e = &r.entry;
        let opt = |v: &Option<String>| escape(v.as_deref().unwrap_or(""));
        out.push_str(&format!(
            "<tr><td class=\"waited\">{}</td><td>{}<span class=\"muted\"> ({})</span></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            when(hub, e.at),
            escape(&e.actor),
            e.via.as_str(),
            escape(&e.action),
            opt(&e.subject),
            opt(&e.detail),
            opt(&e.client),
        ));
    }
    out + "</tbody></table></div>"
}

/// The section of the status page (blocking: call through `StaffState::hub`).
pub fn section(hub: &Hub, q: &AuditQuery) -> String {
    let (people, actions) = hub.audit_choices().unwrap_or_default();
    let mut body = format!(
        "<section aria-labelledby=\"audit-title\"><h2 id=\"audit-title\">Audit log</h2>\
         <p class=\"muted\">Every staff action: who, what, on which ticket or session, when and from \
         which device. Kept {} days.</p>\
         <form method=\"get\" action=\"/status\" class=\"summary\">{}{}\
         <label>From <input type=\"date\" name=\"from\" value=\"{}\"></label>\
         <label>To <input type=\"date\" name=\"to\" value=\"{}\"></label>\
         <button type=\"submit\">Show</button>\
         <a class=\"button quiet\" id=\"audit-csv\" href=\"/status/audit.csv?{}\" download>Download CSV</a></form>",
        hub.config().kiosk.audit_days,
        options("person", "Who", "anyone", &people, &q.person),
        options("action", "What", "any action", &actions, &q.action),
        escape(&given(&q.from).unwrap_or_default()),
        escape(&given(&q.to).unwrap_or_default()),
        q.query_string(),
    );
    match q.filter(hub).map(|f| hub.audit_rows(&f, PAGE_ROWS)) {
        Err(e) => body.push_str(&message("error", &e)),
        Ok(Err(e)) => body.push_str(&message("error", &e.to_string())),
        Ok(Ok(rows)) if rows.is_empty() => {
            body.push_str(&message("note", "Nothing in the log matches."));
        }
        Ok(Ok(rows)) => {
            if rows.len() == PAGE_ROWS {
                body.push_str(&format!(
                    "<p class=\"muted\">The newest {PAGE_ROWS}; the CSV has them all.</p>"
                ));
            }
            body.push_str(&table(hub, &rows));
        }
    }
    body + "</section>"
}

/// `GET /status/audit.csv`: the matching rows for managers; 403 for anyone else.
pub async fn csv(
    State(s): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<AuditQuery>,
) -> Response {
    if !is_manager(&s.hub, &caller) {
        return (
            StatusCode::FORBIDDEN,
            "Only a manager signed in to the staff pages may download the audit log.\n",
        )
            .into_response();
    }
    let filter = match q.filter(&s.hub) {
        Ok(f) => f,
        Err(e) => return (StatusCode::BAD_REQUEST, e).into_response(),
    };
    let site = s.hub.config().site.id.clone();
    let made = s
        .hub(move |h| {
            let rows = h.audit_rows(&filter, CSV_ROWS)?;
            let mut out = csv_line(
                &["when", "who", "via", "action", "subject", "detail", "from"].map(String::from),
            );
            for r in rows {
                let e = r.entry;
                let cell = |v: Option<String>| v.unwrap_or_default();
                out.push_str(&csv_line(&[
                    when(h, e.at),
                    e.actor,
                    e.via.as_str().to_owned(),
                    e.action,
                    cell(e.subject),
                    cell(e.detail),
                    cell(e.client),
                ]));
            }
            Ok(out)
        })
        .await;
    match made {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"audit-{site}.csv\""),
                ),
            ],
            body,
        )
            .into_response(),
        Err(e) => (e.status, e.message).into_response(),
    }
}
