//! The pages: every site's footfall side by side (`/`), attendance at Recovery College sessions
//! included, and one site's days in full (`/sites/{site}`, attendance per course where the site
//! forwards titles), with links to the same numbers as CSV and JSON. Tables, charts and columns
//! come from `crate::report`, so they read the same as the kiosk's own reports.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDate, Utc};

use super::Central;
use super::api::{RangeQuery, SiteDays, catalogue_for, load_days, range_query};
use super::auth::reader;
use super::config::Reader;
use super::store::Contact;
use crate::domain::Counts;
use crate::report::{Series, bar_chart, daily_chart, escape, html_table};

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;color:#1d1d1b;background:#faf8f4}
header{background:#24406e;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
header a{color:#fff}header form{margin-left:auto}main{padding:1rem 1.2rem;max-width:80rem}
table{border-collapse:collapse;margin:.8rem 0;font-size:.9rem}th,td{border:1px solid #d8d4cc;padding:.3rem .5rem;text-align:right}
th[scope=col]{background:#efe9df}th[scope=row]{text-align:left}tr.total{font-weight:bold}
.chart{max-width:52rem;width:100%;height:auto;display:block;margin:.5rem 0 1.2rem}
.error{color:#9b1c1c;font-weight:bold}.note{color:#555;font-size:.9rem}.stale{color:#9b1c1c}
form.range label,form.sign-in label{display:block;margin:.4rem 0}input,button{font-size:1rem;padding:.3rem .5rem}
.scroll,table.sites{display:block;max-width:100%;overflow-x:auto}.scroll table{margin:0}td{overflow-wrap:anywhere}
.scroll:focus-visible{outline:3px solid #f0b429;outline-offset:2px}
@media print{@page{margin:12mm}body{background:#fff;color:#000;font-size:10pt}
header{background:none;color:#000;border-bottom:1px solid #000;padding:0 0 .5rem}header a,header form,form,button{display:none}
main{max-width:none;padding:0}.scroll{overflow:visible}table.sites{display:table;overflow:visible}table{font-size:8.5pt}
thead{display:table-header-group}tr,svg{break-inside:avoid}a{color:inherit;text-decoration:none}}";

const COLOURS: [&str; 8] = [
    "#24406e", "#0f7b67", "#c8661e", "#7a3e9d", "#b3263e", "#3a7d2c", "#8a6d00", "#2b7bb9",
];

/// A whole page: the header (with the reader's name and a sign-out button) and `body`.
pub fn layout(title: &str, who: Option<&Reader>, body: &str) -> String {
    let user = who.map_or(String::new(), |r| {
        format!(
            "<span>{}</span><form method=\"post\" action=\"/sign-out\"><button type=\"submit\">Sign out</button></form>",
            escape(&r.name)
        )
    });
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{} · hub footfall</title><style>{STYLE}</style></head><body><header><strong>Hub footfall</strong><a href=\"/\">All sites</a>{user}</header><main>{body}</main></body></html>",
        escape(title)
    )
}

/// The reader, or a redirect to the sign-in page that comes back here.
fn signed_in<'a>(c: &'a Central, headers: &HeaderMap, uri: &Uri) -> Result<&'a Reader, Redirect> {
    reader(c, headers).ok_or_else(|| {
        let back = uri.path_and_query().map_or("/", |p| p.as_str());
        let next: String = back
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        Redirect::to(&format!("/sign-in?next={next}"))
    })
}

fn problem(status: StatusCode, who: Option<&Reader>, message: &str) -> Response {
    (
        status,
        Html(layout(
            "Problem",
            who,
            &format!("<p class=\"error\">{}</p>", escape(message)),
        )),
    )
        .into_response()
}

fn range_form(action: &str, from: NaiveDate, to: NaiveDate) -> String {
    format!(
        "<form class=\"range\" method=\"get\" action=\"{}\"><label>From <input type=\"date\" name=\"from\" value=\"{from}\"></label><label>To <input type=\"date\" name=\"to\" value=\"{to}\"></label><button type=\"submit\">Show</button></form>",
        escape(action)
    )
}

fn ago(now: DateTime<Utc>, t: DateTime<Utc>) -> String {
    let m = (now - t).num_minutes().max(0);
    match m {
        0 => "just now".into(),
        1..=119 => format!("{m} min ago"),
        120..=2879 => format!("{} hours ago", m / 60),
        _ => format!("{} days ago", m / 1440),
    }
}

fn kiosk_list(contacts: &[Contact], site: &str, now: DateTime<Utc>) -> String {
    let mine: Vec<String> = contacts
        .iter()
        .filter(|k| k.site == site)
        .map(|k| {
            let class = if now - k.last > chrono::Duration::hours(2) {
                " class=\"stale\""
            } else {
                ""
            };
            let version = k
                .software
                .as_deref()
                .map_or(String::new(), |v| format!(" · version {}", escape(v)));
            format!(
                "<span{class}>{}: {}{version}</span>",
                escape(&k.kiosk),
                ago(now, k.last)
            )
        })
        .collect();
    if mine.is_empty() {
        "never heard from".into()
    } else {
        mine.join(", ")
    }
}

/// The configuration's warnings (plain HTTP on the network), at the top of the overview.
fn config_warnings(c: &Central) -> String {
    c.config
        .warnings
        .iter()
        .map(|w| {
            format!(
                "<p class=\"error\" role=\"alert\">Warning: {}</p>",
                escape(&w.to_string())
            )
        })
        .collect()
}

/// What a page shows of some sites: the days its query asks for, each site's totals over them
/// and when each kiosk was last heard from.
struct Shown {
    from: NaiveDate,
    to: NaiveDate,
    all: Vec<SiteDays>,
    contacts: Vec<Contact>,
}

/// Reads what a page shows of `sites`, or the page saying why it cannot (400, 503).
async fn show(
    c: &Arc<Central>,
    who: &Reader,
    sites: Vec<String>,
    q: Result<Query<RangeQuery>, QueryRejection>,
) -> Result<Shown, Response> {
    let (from, to) = range_query(q)
        .and_then(|q| q.range(c))
        .map_err(|e| problem(StatusCode::BAD_REQUEST, Some(who), &e))?;
    let (all, contacts) = load_days(c, sites, from, to)
        .await
        .map_err(|e| problem(StatusCode::SERVICE_UNAVAILABLE, Some(who), &e))?;
    Ok(Shown {
        from,
        to,
        all,
        contacts,
    })
}

pub async fn overview(
    State(c): State<Arc<Central>>,
    headers: HeaderMap,
    uri: Uri,
    q: Result<Query<RangeQuery>, QueryRejection>,
) -> Result<Response, Response> {
    let who = signed_in(&c, &headers, &uri).map_err(IntoResponse::into_response)?;
    let sites: Vec<String> = c
        .config
        .sites
        .iter()
        .filter(|s| who.may_see(&s.id))
        .map(|s| s.id.clone())
        .collect();
    let Shown {
        from,
        to,
        all,
        contacts,
    } = show(&c, who, sites, q).await?;
    let rows = site_rows(&all, &contacts, (from, to), c.now());
    let charts = site_charts(&all, from, to);
    let body = format!(
        "{}<h1>Every site, {from} to {to}</h1>{}<table class=\"sites\"><thead><tr><th scope=\"col\">Site</th><th scope=\"col\">Door in (calibrated)</th><th scope=\"col\">Check-ins</th><th scope=\"col\">Attendance at sessions</th><th scope=\"col\">Drop-ins joined</th><th scope=\"col\">Seen</th><th scope=\"col\">Closed at closing</th><th scope=\"col\">Median wait (min)</th><th scope=\"col\">Help requests</th><th scope=\"col\">Kiosks last heard from</th></tr></thead><tbody>{rows}</tbody></table>
{charts}
<p>Download: <a href=\"/api/v1/footfall/daily?from={from}&amp;to={to}&amp;format=csv\">CSV</a> · <a href=\"/api/v1/footfall/daily?from={from}&amp;to={to}\">JSON</a></p>
<p class=\"note\">Counts only: no visitor can be identified from anything here.</p>",
        config_warnings(&c),
        range_form("/", from, to)
    );
    Ok(Html(layout("Every site", Some(who), &body)).into_response())
}

/// One table row per site: its totals over the range and its kiosks' last contact.
fn site_rows(
    all: &[SiteDays],
    contacts: &[Contact],
    (from, to): (NaiveDate, NaiveDate),
    now: DateTime<Utc>,
) -> String {
    let mut rows = String::new();
    for s in all {
        let mut total = Counts::default();
        let door: i64 = s
            .days
            .iter()
            .map(|d| d.door_in_calibrated(s.site.door_calibration))
            .sum();
        for d in &s.days {
            total.add(&d.counts, 1);
        }
        let median = total
            .median_wait_minutes()
            .map_or(String::new(), |m| m.to_string());
        rows.push_str(&format!(
            "<tr><th scope=\"row\"><a href=\"/sites/{id}?from={from}&amp;to={to}\">{}</a></th><td>{door}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{median}</td><td>{}</td><td>{}</td></tr>",
            escape(&s.site.name),
            total.checkins(),
            total.attendance,
            total.dropins_joined,
            total.dropins_seen,
            total.dropins_closed,
            total.help_requests,
            kiosk_list(contacts, &s.site.id, now),
            id = escape(&s.site.id),
        ));
    }
    rows
}

/// The door and check-in charts, one bar per site per day.
fn site_charts(all: &[SiteDays], from: NaiveDate, to: NaiveDate) -> String {
    let dates: Vec<NaiveDate> = from.iter_days().take_while(|d| *d <= to).collect();
    let labels: Vec<String> = dates
        .iter()
        .map(|d| d.format("%a %-d %b").to_string())
        .collect();
    let chart = |title: &str, value: &dyn Fn(&SiteDays, NaiveDate) -> i64| {
        let series: Vec<Series<'_>> = all
            .iter()
            .enumerate()
            .map(|(i, s)| Series {
                name: &s.site.name,
                colour: COLOURS[i % COLOURS.len()],
                values: dates.iter().map(|d| value(s, *d)).collect(),
            })
            .collect();
        bar_chart(title, &labels, &series)
    };
    let day = |s: &SiteDays, d: NaiveDate| s.days.iter().find(|x| x.date == d).cloned();
    let door_chart = chart("People through the door per day, by site", &|s, d| {
        day(s, d).map_or(0, |x| x.door_in_calibrated(s.site.door_calibration))
    });
    let checkin_chart = chart("Check-ins per day, by site", &|s, d| {
        day(s, d).map_or(0, |x| x.counts.checkins())
    });
    format!("<h2>Door</h2>{door_chart}<h2>Check-ins</h2>{checkin_chart}")
}

pub async fn site(
    State(c): State<Arc<Central>>,
    Path(site): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    q: Result<Query<RangeQuery>, QueryRejection>,
) -> Result<Response, Response> {
    let who = signed_in(&c, &headers, &uri).map_err(IntoResponse::into_response)?;
    if c.config.site(&site).is_none() {
        let missing = format!("there is no site `{site}`");
        return Err(problem(StatusCode::NOT_FOUND, Some(who), &missing));
    }
    if !who.may_see(&site) {
        let refused = format!("{} may not see site `{site}`", who.name);
        return Err(problem(StatusCode::FORBIDDEN, Some(who), &refused));
    }
    let Shown {
        from,
        to,
        all,
        contacts,
    } = show(&c, who, vec![site.clone()], q).await?;
    let Some(s) = all.first() else {
        return Err(problem(StatusCode::NOT_FOUND, Some(who), "no such site"));
    };
    let catalogue = catalogue_for(&c.config.catalogue, &s.days);
    let id = escape(&s.site.id);
    let table = if s.days.is_empty() {
        "<p>Nothing counted in these days.</p>".to_owned()
    } else {
        html_table(&s.days, &catalogue, s.site.door_calibration)
    };
    let body = format!(
        "<h1>{}, {from} to {to}</h1>{}<p>Kiosks last heard from: {}</p>{}{table}
<p>Download: <a href=\"/api/v1/footfall/daily?site={id}&amp;from={from}&amp;to={to}&amp;format=csv\">CSV</a> · <a href=\"/api/v1/footfall/daily?site={id}&amp;from={from}&amp;to={to}\">JSON</a></p>
<p class=\"note\">Door counts are raw and calibrated by {} (from a hand tally). Times are {}.</p>",
        escape(&s.site.name),
        range_form(&format!("/sites/{}", s.site.id), from, to),
        kiosk_list(&contacts, &s.site.id, c.now()),
        daily_chart(&s.days, from, to, s.site.door_calibration),
        s.site.door_calibration,
        s.site.timezone.name(),
    );
    Ok(Html(layout(&s.site.name, Some(who), &body)).into_response())
}
