//! `GET /api/v1/footfall/daily`: daily footfall for a date range as JSON rows or a CSV download,
//! with the columns of `report`. The date range rules are shared with the footfall page.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::staff::error::{ApiError, ApiJson, ApiQuery};
use crate::staff::state::AppState;
use crate::web::query::refuse_empty;

/// Longest range one footfall request may cover.
pub const MAX_DAYS: i64 = crate::web::query::MOST_DAYS;

#[derive(Debug, Default, Deserialize)]
pub struct RangeQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub format: Option<String>,
}

/// The days asked for: `to` defaults to today, `from` to six days before `to`.
pub fn date_range(q: &RangeQuery, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), ApiError> {
    crate::web::query::date_range(q.from.as_deref(), q.to.as_deref(), today)
        .map_err(ApiError::bad_request)
}

/// `GET /api/v1/footfall/daily?from=&to=[&format=csv]`.
pub async fn footfall_daily(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> Result<Response, ApiError> {
    // The footfall page's form sends empty dates and takes them as not given; the API does not.
    refuse_empty(&[("from", &q.from), ("to", &q.to), ("format", &q.format)])?;
    let csv = crate::web::query::wants_csv(q.format.as_deref())?;
    let (from, to) = date_range(&q, s.hub.today())?;
    let days = s.hub(move |h| h.footfall_days(from, to)).await?;
    let config = s.hub.config();
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
    let cols = crate::report::Columns::new(&config.catalogue, &days);
    let headings = crate::report::headings(&cols);
    let rows: Vec<serde_json::Map<String, serde_json::Value>> = days
        .iter()
        .map(|d| {
            headings
                .iter()
                .zip(crate::report::row(d, &cols, calibration))
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
