//! The site managers' footfall page: pick a date range, see a bar chart and a table per day, and
//! download the same days as CSV. The table, chart and CSV come from `report`, so they match
//! `hub-kiosk report daily` and the central service column for column.

use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Html;

use super::{Nav, escape, layout, message};
use crate::staff::api::{RangeQuery, date_range};
use crate::staff::auth::Caller;
use crate::staff::state::AppState;

pub async fn page(
    State(s): State<AppState>,
    Extension(caller): Extension<Caller>,
    q: Result<Query<RangeQuery>, axum::extract::rejection::QueryRejection>,
) -> Html<String> {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let today = s.hub.today();
    let config = s.hub.config();
    let mut body = String::from("<h1>Footfall</h1>");
    let (from, to, error) = match date_range(&q, today) {
        Ok((f, t)) => (f, t, None),
        Err(e) => (today - chrono::Duration::days(6), today, Some(e.message)),
    };
    body.push_str(&format!(
        "<form method=\"get\" action=\"/footfall\" class=\"card summary\">\
         <label>From <input type=\"date\" name=\"from\" value=\"{from}\" max=\"{today}\" required></label>\
         <label>To <input type=\"date\" name=\"to\" value=\"{to}\" max=\"{today}\" required></label>\
         <button type=\"submit\">Show</button>\
         <a class=\"button quiet\" id=\"csv\" href=\"/api/v1/footfall/daily?from={from}&amp;to={to}&amp;format=csv\" download>Download CSV</a></form>"
    ));
    if let Some(e) = error {
        body.push_str(&message(
            "error",
            &format!("{e}. Showing the last seven days instead."),
        ));
    }
    let days = s.hub(move |h| h.footfall_days(from, to)).await;
    match days {
        Err(e) => body.push_str(&message("error", &e.message)),
        Ok(days) if days.is_empty() => body.push_str(&message(
            "note",
            &format!("Nothing was counted from {from} to {to}."),
        )),
        Ok(days) => {
            let calibration = config.door.calibration;
            body.push_str(&format!(
                "<section aria-labelledby=\"chart-title\">{}</section>",
                crate::report::daily_chart(&days, from, to, calibration)
            ));
            body.push_str(&format!(
                "<h2>Day by day</h2><div class=\"scroll\">{}</div>",
                crate::report::html_table(&days, &config.catalogue, calibration)
            ));
            if (calibration - 1.0).abs() > f64::EPSILON {
                body.push_str(&format!(
                    "<p class=\"muted\">Door counts are also shown calibrated by × {} (measured by hand tally).</p>",
                    escape(&calibration.to_string())
                ));
            }
        }
    }
    layout(
        "Footfall",
        &config.site.name,
        Some(&caller.name),
        Nav::Footfall,
        &body,
    )
}
