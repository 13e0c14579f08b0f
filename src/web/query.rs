//! What the staff API and the central service's API read from a query string alike: a date is
//! exactly `YYYY-MM-DD` (the `date` format of the OpenAPI documents, nothing looser), and a
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

/// 400 for the first of `params` given empty.
pub fn refuse_empty(params: &[(&str, &Option<String>)]) -> Result<(), ApiError> {
    match params.iter().find(|(_, v)| v.as_deref() == Some("")) {
        Some((name, _)) => Err(ApiError::bad_request(format!(
            "`{name}=` is empty: give a value or leave `{name}` out"
        ))),
        None => Ok(()),
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
}
