//! The read API and the service routes: daily footfall as JSON or CSV
//! (`GET /api/v1/footfall/daily?from=&to=[&site=][&format=csv]`), kiosks' last contact,
//! `/healthz`, `/metrics` and the OpenAPI document.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Central;
use super::auth::reader;
use super::config::{Reader, Site};
use super::ingest::ApiError;
use super::store::{CentralStoreError, Contact};
use crate::domain::needs::Need;
use crate::domain::{Catalogue, Counts, DayTotals};
use crate::report::{Columns, csv_line, headings, row};
use crate::web::query::{date_range, refuse_empty};

/// The OpenAPI document, served at `/api/v1/openapi.json`.
pub const OPENAPI: &str = include_str!("../../docs/central-openapi.json");

/// Longest range one request may ask for.
pub const MOST_DAYS: i64 = crate::web::query::MOST_DAYS;

/// `?from=YYYY-MM-DD&to=YYYY-MM-DD&site=ID&format=json|csv`, all optional.
#[derive(Debug, Default, Deserialize)]
pub struct RangeQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub site: Option<String>,
    pub format: Option<String>,
}

impl RangeQuery {
    /// The API refuses `from=`, `to=`, `site=` or `format=` given empty (the pages take an
    /// empty date from their form as "not given").
    pub fn refuse_empty(&self) -> Result<(), ApiError> {
        refuse_empty(&[
            ("from", &self.from),
            ("to", &self.to),
            ("site", &self.site),
            ("format", &self.format),
        ])
    }

    /// The days asked for; by default the week ending today (in the first site's time zone).
    pub fn range(&self, c: &Central) -> Result<(NaiveDate, NaiveDate), String> {
        let tz = c
            .config
            .sites
            .first()
            .map_or(chrono_tz::Europe::London, |s| s.timezone);
        let today = c.now().with_timezone(&tz).date_naive();
        date_range(self.from.as_deref(), self.to.as_deref(), today)
    }
}

/// The query of a footfall request, or why it cannot be read (a parameter given twice…).
pub fn range_query(q: Result<Query<RangeQuery>, QueryRejection>) -> Result<RangeQuery, String> {
    q.map(|Query(q)| q)
        .map_err(|e| format!("the query is not right: {}", e.body_text()))
}

/// One site's days.
#[derive(Clone, Debug)]
pub struct SiteDays {
    pub site: Site,
    pub days: Vec<DayTotals>,
}

/// Daily totals of `sites` and every kiosk's last contact, read off the async threads.
pub async fn load_days(
    c: &Arc<Central>,
    sites: Vec<String>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(Vec<SiteDays>, Vec<Contact>), String> {
    let chosen: Vec<Site> = sites
        .iter()
        .filter_map(|id| c.config.site(id).cloned())
        .collect();
    let store = c.store.clone();
    let read = tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        for site in chosen {
            let days = store.daily(&site.id, from, to, &site.timezone)?;
            out.push(SiteDays { site, days });
        }
        Ok::<_, CentralStoreError>((out, store.contacts()?))
    })
    .await;
    match read {
        Ok(Ok(r)) => Ok(r),
        Ok(Err(e)) => Err(format!("the central database could not be read: {e}")),
        Err(e) => Err(format!("reading the central database failed: {e}")),
    }
}

/// The configured needs, then any other need found in `days` (labelled by its id).
pub fn catalogue_for(base: &Catalogue, days: &[DayTotals]) -> Catalogue {
    let mut needs: Vec<Need> = base.iter().cloned().collect();
    for d in days {
        for id in d.counts.needs.keys() {
            if !needs.iter().any(|n| n.id == *id) {
                needs.push(Need {
                    id: id.clone(),
                    icon: String::new(),
                    drop_in: false,
                    instant: false,
                    sessions: false,
                    weight: 1.0,
                    labels: [("en".to_owned(), id.to_string())].into(),
                    directions: Default::default(),
                });
            }
        }
    }
    Catalogue::new(needs).unwrap_or_else(|_| base.clone())
}

fn readable<'a>(c: &'a Central, headers: &HeaderMap) -> Result<&'a Reader, ApiError> {
    reader(c, headers).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "sign in, or send a reader token from central.toml as `Authorization: Bearer …`",
        )
    })
}

#[derive(Serialize)]
struct DailyJson {
    from: NaiveDate,
    to: NaiveDate,
    sites: Vec<SiteJson>,
}

#[derive(Serialize)]
struct SiteJson {
    site: String,
    name: String,
    timezone: String,
    door_calibration: f64,
    days: Vec<DayJson>,
}

#[derive(Serialize)]
struct DayJson {
    date: NaiveDate,
    door_in_calibrated: i64,
    median_wait_minutes: Option<i64>,
    counts: Counts,
}

/// The sites a footfall request asks for: `site`, or every site the reader may see.
fn chosen_sites(c: &Central, who: &Reader, site: Option<&String>) -> Result<Vec<String>, ApiError> {
    match site {
        Some(id) if c.config.site(id).is_none() => {
            Err(ApiError::not_found(format!("there is no site `{id}`")))
        }
        Some(id) if !who.may_see(id) => Err(ApiError::forbidden(format!(
            "{} may not see site `{id}`",
            who.name
        ))),
        Some(id) => Ok(vec![id.clone()]),
        None => Ok(c
            .config
            .sites
            .iter()
            .filter(|s| who.may_see(&s.id))
            .map(|s| s.id.clone())
            .collect()),
    }
}

/// Whether the answer is CSV: `format=csv`, or `Accept: text/csv`.
fn wants_csv(q: &RangeQuery, headers: &HeaderMap) -> Result<bool, ApiError> {
    let accepts_csv = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.starts_with("text/csv"));
    Ok(crate::web::query::wants_csv(q.format.as_deref())? || accepts_csv)
}

/// One row per site and day, `site` first, then the columns of `hub-kiosk report daily --csv`.
fn csv_answer(c: &Central, all: &[SiteDays], from: NaiveDate, to: NaiveDate) -> Response {
    let every: Vec<DayTotals> = all.iter().flat_map(|s| s.days.iter().cloned()).collect();
    let catalogue = catalogue_for(&c.config.catalogue, &every);
    let cols = Columns::new(&catalogue, &every);
    let mut out = csv_line(&[vec!["site".to_owned()], headings(&cols)].concat());
    for s in all {
        for d in &s.days {
            let cells = [
                vec![s.site.id.clone()],
                row(d, &cols, s.site.door_calibration),
            ]
            .concat();
            out.push_str(&csv_line(&cells));
        }
    }
    let name = format!("attachment; filename=\"footfall-{from}-{to}.csv\"");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, name),
        ],
        out,
    )
        .into_response()
}

pub async fn daily(
    State(c): State<Arc<Central>>,
    headers: HeaderMap,
    q: Result<Query<RangeQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let who = readable(&c, &headers)?;
    let q = range_query(q).map_err(ApiError::bad_request)?;
    q.refuse_empty()?;
    let (from, to) = q.range(&c).map_err(ApiError::bad_request)?;
    let sites = chosen_sites(&c, who, q.site.as_ref())?;
    let csv = wants_csv(&q, &headers)?;
    let (all, _) = load_days(&c, sites, from, to)
        .await
        .map_err(ApiError::unavailable)?;
    if csv {
        return Ok(csv_answer(&c, &all, from, to));
    }
    let sites = all
        .into_iter()
        .map(|s| SiteJson {
            days: s
                .days
                .iter()
                .map(|d| DayJson {
                    date: d.date,
                    door_in_calibrated: d.door_in_calibrated(s.site.door_calibration),
                    median_wait_minutes: d.counts.median_wait_minutes(),
                    counts: d.counts.clone(),
                })
                .collect(),
            site: s.site.id,
            name: s.site.name,
            timezone: s.site.timezone.name().to_owned(),
            door_calibration: s.site.door_calibration,
        })
        .collect();
    Ok(Json(DailyJson { from, to, sites }).into_response())
}

/// Every kiosk's last contact, for the sites the reader may see.
pub async fn kiosks(
    State(c): State<Arc<Central>>,
    headers: HeaderMap,
) -> Result<Json<Vec<Contact>>, ApiError> {
    let who = readable(&c, &headers)?;
    let store = c.store.clone();
    let all = tokio::task::spawn_blocking(move || store.contacts())
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r.map_err(|e| e.to_string()))
        .map_err(|e| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, e))?;
    Ok(Json(
        all.into_iter().filter(|k| who.may_see(&k.site)).collect(),
    ))
}

/// `200 ok` while the database answers; no sign-in needed. A problem (503) when it does not.
pub async fn healthz(State(c): State<Arc<Central>>) -> Response {
    let store = c.store.clone();
    let answer = tokio::task::spawn_blocking(move || store.bucket_count())
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r.map_err(|e| e.to_string()));
    match answer {
        Ok(_) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => ApiError::unavailable(format!("the central database does not answer: {e}"))
            .into_response(),
    }
}

/// Prometheus text format, for readers (a token suits a scraper): the service's counters, and
/// the buckets and kiosks of the sites the reader may see.
pub async fn metrics(
    State(c): State<Arc<Central>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let who = readable(&c, &headers)?.clone();
    let store = c.store.clone();
    let (by_site, contacts) = tokio::task::spawn_blocking(move || {
        Ok::<_, CentralStoreError>((store.buckets_by_site()?, store.contacts()?))
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r.map_err(|e| e.to_string()))
    .map_err(ApiError::unavailable)?;
    let buckets = by_site
        .iter()
        .filter(|(site, _)| who.may_see(site))
        .map(|(_, n)| n)
        .sum();
    let contacts: Vec<Contact> = contacts
        .into_iter()
        .filter(|k| who.may_see(&k.site))
        .collect();
    let text = c.metrics.render(buckets, &contacts, c.now());
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response())
}

/// Where the API is described.
const DESCRIBED_AT: &str = "/api/v1/openapi.json";

/// Unknown addresses: a problem for API clients, a short page for people.
pub async fn not_found(uri: axum::http::Uri) -> Response {
    let path = uri.path();
    if path.starts_with("/api/") || path == "/metrics" || path == "/healthz" {
        return crate::web::error::not_found(DESCRIBED_AT).into_response();
    }
    let page = super::pages::layout(
        "Not found",
        None,
        "<h1>Not found</h1><p>There is no page here. Go to <a href=\"/\">the overview</a>.</p>",
    );
    (StatusCode::NOT_FOUND, axum::response::Html(page)).into_response()
}

/// A known address asked with a method it does not take.
pub async fn method_not_allowed() -> ApiError {
    crate::web::error::method_not_allowed(DESCRIBED_AT)
}

pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}
