//! What the staff API and the central service's API read from a query string alike: a date is
//! exactly `YYYY-MM-DD` (the `date` format of the OpenAPI documents, nothing looser), a range of
//! days is `from`..=`to` (the week ending today by default, at most [`MOST_DAYS`] days), and a
//! parameter given empty (`from=`) is refused rather than taken as left out.

use chrono::NaiveDate;

use super::error::ApiError;

/// `s` as a date if it is exactly `YYYY-MM-DD` and a real day.
pub fn date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    shape
        .then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .flatten()
}

/// Longest range of days one footfall request may cover, in either service.
pub const MOST_DAYS: i64 = 366;

/// The days `from`..=`to` asks for: `to` defaults to `today`, `from` to six days before `to`
/// (a value given empty counts as left out: the pages' forms send them so). Why not, in words.
pub fn date_range(
    from: Option<&str>,
    to: Option<&str>,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), String> {
    let parse = |name: &str, v: Option<&str>| match v.filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => date(v).map(Some).ok_or_else(|| {
            format!(
                "`{name}` must be a date like 2026-11-23 (write it as YYYY-MM-DD), not `{}`",
                v.chars().take(20).collect::<String>()
            )
        }),
    };
    let to = parse("to", to)?.unwrap_or(today);
    let from = parse("from", from)?.unwrap_or(to - chrono::Duration::days(6));
    if from > to {
        return Err(format!("`from` ({from}) is after `to` ({to}): swap them"));
    }
    if (to - from).num_days() >= MOST_DAYS {
        return Err(format!("ask for at most {MOST_DAYS} days at a time"));
    }
    Ok((from, to))
}

/// 400 for the first of `params` given empty.
pub fn refuse_empty(params: &[(&str, &Option<String>)]) -> Result<(), ApiError> {
    match params.iter().find(|(_, v)| v.as_deref() == Some("")) {
        Some((name, _)) => Err(ApiError::bad_request(format!(
            "`{name}=` is empty: give a value or leave `{name}` out"
        ))),
        None => Ok(()),
    }
}

/// Whether `format` asks for CSV: absent or `json` is JSON, `csv` is CSV, anything else a 400.
pub fn wants_csv(format: Option<&str>) -> Result<bool, ApiError> {
    match format {
        None | Some("json") => Ok(false),
        Some("csv") => Ok(true),
        Some(other) => Err(ApiError::bad_request(format!(
            "`format` is `json` or `csv`, not `{}`",
            other.chars().take(20).collect::<String>()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_whole_iso_dates_are_dates() {
        assert_eq!(date("2026-11-23"), NaiveDate::from_ymd_opt(2026, 11, 23));
        for bad in [
            "2026-1-5",
            " 2026-11-23",
            "2026-11-23 ",
            "+2026-11-23",
            "2026-02-30",
            "",
        ] {
            assert_eq!(date(bad), None, "{bad:?}");
        }
        assert!(refuse_empty(&[("from", &Some(String::new()))]).is_err());
        assert!(refuse_empty(&[("from", &None), ("to", &Some("x".into()))]).is_ok());
    }

    #[test]
    fn a_range_is_the_week_ending_today_unless_asked_and_at_most_366_days() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        assert_eq!(date_range(None, None, today), Ok((day(17), today)));
        assert_eq!(date_range(Some(""), Some(""), today), Ok((day(17), today)));
        assert_eq!(
            date_range(None, Some("2026-11-10"), today),
            Ok((day(4), day(10)))
        );
        let swapped = date_range(Some("2026-11-24"), Some("2026-11-01"), today).unwrap_err();
        assert!(
            swapped.contains("is after") && swapped.contains("swap them"),
            "{swapped}"
        );
        let bad = date_range(Some("23/11/2026"), None, today).unwrap_err();
        assert!(
            bad.contains("YYYY-MM-DD") && bad.contains("`23/11/2026`"),
            "{bad}"
        );
        let year = date_range(Some("2025-11-22"), None, today);
        assert!(year.unwrap_err().contains("at most 366 days"));
        assert!(date_range(Some("2025-11-23"), None, today).is_ok());
    }
}
