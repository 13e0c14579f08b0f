//! The wire format between a kiosk and the central service, shared by both ends so they cannot
//! drift apart. `docs/sync.md` and `docs/central-openapi.json` describe the same thing in words.
//!
//! Only aggregates travel: the site, the kiosk, and per UTC hour the absolute totals of
//! [`Counts`] (door passes, check-ins by kind, needs chosen, drop-ins, a histogram of waits in
//! whole minutes, and attendance at sessions — per course title only when the site forwards
//! titles). No member numbers, no tickets, no registers, no per-visit rows, no times finer than
//! the hour.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::Counts;

/// The version of this format; the central service refuses versions it does not know.
/// 2 added attendance at Recovery College sessions (`attendance`, `courses`).
pub const FORMAT_VERSION: u32 = 2;

/// The oldest version the central service still takes: kiosks not yet updated send it, and
/// their counts read as if they had no sessions.
pub const OLDEST_VERSION: u32 = 1;

/// The path of the upload, relative to `sync.central_url`.
pub const FOOTFALL_PATH: &str = "/api/v1/footfall";

/// Most buckets one upload may carry.
pub const MAX_BUCKETS: usize = 1000;

/// `PUT /api/v1/footfall`: some hours of one kiosk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Upload {
    /// [`FORMAT_VERSION`].
    pub version: u32,
    /// `[site] id` of the kiosk's configuration.
    pub site: String,
    /// `[kiosk] id` of the kiosk's configuration.
    pub kiosk: String,
    /// A random id (a UUID, lower case) of the kiosk's database, made once. Revisions count up
    /// within one database; a new database (after a replacement) starts again. The central
    /// service orders a kiosk's database ids by when it first heard of each: the newest one's
    /// buckets are taken whatever their revision, and uploads from an older one are refused
    /// with 409 (a late request from the replaced database must not undo newer totals).
    pub database: String,
    pub buckets: Vec<Bucket>,
    /// The kiosk's software version (as its `/healthz` reports it), so the central service can
    /// show which kiosk runs what. Optional: older kiosks do not send it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub software: Option<String>,
}

/// Longest software version the central service keeps.
pub const MAX_SOFTWARE_LEN: usize = 40;

/// One hour's absolute totals. Sending it again replaces it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    /// Start of the UTC hour, RFC 3339 in UTC (`2026-11-23T10:00:00Z`): read only in that
    /// form, `Z` and all, with an optional fraction (the central service then refuses an hour
    /// that does not start an hour).
    #[serde(deserialize_with = "utc_time")]
    pub hour: DateTime<Utc>,
    /// Goes up every time the hour's totals change at the kiosk. The central service ignores a
    /// bucket older than the one it holds, so a delayed request cannot undo a newer one.
    pub revision: i64,
    /// Written without the counts that are 0 and the maps that are empty, which read back as
    /// such: most of an hour's counts are 0, so a bucket is about a third smaller on the wire
    /// and the central service has that much less to read.
    #[serde(serialize_with = "sparse")]
    pub counts: Counts,
}

/// `counts` without its members that are 0 or empty.
fn sparse<S: serde::Serializer>(counts: &Counts, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::Error;
    let serde_json::Value::Object(mut all) =
        serde_json::to_value(counts).map_err(S::Error::custom)?
    else {
        return Err(S::Error::custom("counts are written as a JSON object"));
    };
    all.retain(|_, v| v.as_i64() != Some(0) && !v.as_object().is_some_and(|m| m.is_empty()));
    all.serialize(s)
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z` and nothing looser (no offsets, spaces or lower case), so
/// what is taken is exactly what `docs/central-openapi.json` describes.
fn utc_time<'de, D: serde::Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    d.deserialize_str(UtcTime)
}

/// Reads the hour where it lies in the body, without a copy of its own.
struct UtcTime;

impl serde::de::Visitor<'_> for UtcTime {
    type Value = DateTime<Utc>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a UTC time written like 2026-11-23T10:00:00Z")
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<DateTime<Utc>, E> {
        read_utc_time(s).ok_or_else(|| {
            E::custom(format!(
                "`{}` is not a UTC time written like 2026-11-23T10:00:00Z",
                s.chars().take(40).collect::<String>()
            ))
        })
    }
}

/// `s` as a bucket's `hour` is read: `YYYY-MM-DDTHH:MM:SS[.fraction]Z` and nothing looser.
pub fn read_utc_time(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    let fraction = b.get(19..b.len().saturating_sub(1)).unwrap_or_default();
    let shape = b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && b.ends_with(b"Z")
        && (fraction.is_empty()
            || (fraction.len() >= 2
                && fraction[0] == b'.'
                && fraction[1..].iter().all(u8::is_ascii_digit)));
    let parsed = shape
        .then(|| DateTime::parse_from_rfc3339(s).ok())
        .flatten();
    parsed.map(|t| t.to_utc())
}

/// The answer to an accepted upload.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accepted {
    /// Buckets stored (new or replacing an older revision).
    pub stored: usize,
    /// Buckets ignored because the central service already held a newer revision.
    pub stale: usize,
}

/// What the kiosk reads of an error answer of the central service (a problem details object,
/// RFC 9457, whose `error` member repeats `detail`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What is wrong and what to do, in one sentence.
    pub error: String,
    /// For refused uploads: each bucket that is wrong, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
}

/// One thing wrong with one bucket of an upload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Index in `buckets`.
    pub bucket: usize,
    pub hour: String,
    /// The field at fault, e.g. `counts.door_in`.
    pub field: String,
    pub message: String,
}

impl ErrorBody {
    pub fn new(error: impl Into<String>) -> Self {
        ErrorBody {
            error: error.into(),
            problems: Vec::new(),
        }
    }

    /// The message with the first problems, short enough for a status page.
    pub fn summary(&self) -> String {
        let mut s = self.error.clone();
        for p in self.problems.iter().take(3) {
            s.push_str(&format!("; {} {}: {}", p.hour, p.field, p.message));
        }
        if self.problems.len() > 3 {
            s.push_str(&format!("; and {} more", self.problems.len() - 3));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::NeedId;

    #[test]
    fn an_upload_round_trips_through_json_with_only_aggregates() {
        let mut counts = Counts {
            door_in: 12,
            checkins_anonymous: 3,
            checkins_member: 1,
            dropins_joined: 2,
            dropins_seen: 1,
            ..Counts::default()
        };
        counts.needs.insert(NeedId::new("housing").unwrap(), 2);
        counts.waits.insert(14, 1);
        let up = Upload {
            version: FORMAT_VERSION,
            site: "walton".into(),
            kiosk: "entrance".into(),
            database: "3f1c".into(),
            software: Some("0.1.0".into()),
            buckets: vec![Bucket {
                hour: "2026-11-23T10:00:00Z".parse().unwrap(),
                revision: 7,
                counts,
            }],
        };
        let json = serde_json::to_string(&up).unwrap();
        assert!(json.contains(r#""hour":"2026-11-23T10:00:00Z""#), "{json}");
        assert!(json.contains(r#""waits":{"14":1}"#), "{json}");
        assert!(!json.contains("member_id") && !json.contains("ticket"));
        let back: Upload = serde_json::from_str(&json).unwrap();
        assert_eq!(back, up);
    }

    #[test]
    fn hours_are_read_only_as_utc_times() {
        let hour = |h: &str| {
            serde_json::from_str::<Bucket>(&format!(
                r#"{{"hour":"{h}","revision":1,"counts":{{}}}}"#
            ))
            .map(|b| b.hour)
        };
        let ten: DateTime<Utc> = "2026-11-23T10:00:00Z".parse().unwrap();
        assert_eq!(hour("2026-11-23T10:00:00Z").unwrap(), ten);
        assert_eq!(hour("2026-11-23T10:00:00.000Z").unwrap(), ten);
        assert_eq!(
            hour("2026-11-23T10:00:00\\u005a").unwrap(),
            ten,
            "an escaped Z"
        );
        let leap = hour("2016-12-31T23:59:60Z").unwrap();
        assert_eq!(
            leap.timestamp(),
            1_483_228_799,
            "a leap second, as chrono reads it"
        );
        assert!(
            hour("2026-11-23T10:30:00Z").is_ok(),
            "read, then refused as no hour's start"
        );
        for bad in [
            "2026-11-23T10:00:00+00:00",
            "2026-11-23 10:00:00Z",
            "2026-11-23t10:00:00z",
            "2026-11-23T10:00:00.Z",
            "2026-11-23T24:00:00Z",
            "2026-02-30T10:00:00Z",
            "2026-11-23T10:00:00Z ",
            "2026-13-23T10:00:00Z",
            "2026-11-23T10:60:00Z",
            "0000-00-00T00:00:00Z",
        ] {
            assert!(hour(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn zero_counts_and_empty_maps_are_left_out_and_read_back_as_zero() {
        let mut counts = Counts {
            door_in: 3,
            ..Counts::default()
        };
        counts.waits.insert(0, 2);
        let hour = "2026-11-23T10:00:00Z".parse().unwrap();
        let quiet = Bucket {
            hour,
            revision: 1,
            counts: Counts::default(),
        };
        let busy = Bucket {
            hour,
            revision: 2,
            counts,
        };
        let json = serde_json::to_string(&[&quiet, &busy]).unwrap();
        assert_eq!(
            json,
            r#"[{"hour":"2026-11-23T10:00:00Z","revision":1,"counts":{}},{"hour":"2026-11-23T10:00:00Z","revision":2,"counts":{"door_in":3,"waits":{"0":2}}}]"#
        );
        let back: Vec<Bucket> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, [quiet, busy]);
    }

    #[test]
    fn counts_missing_from_an_older_kiosk_read_as_zero() {
        let b: Bucket = serde_json::from_str(
            r#"{"hour":"2026-11-23T10:00:00Z","revision":1,"counts":{"door_in":4}}"#,
        )
        .unwrap();
        assert_eq!(b.counts.door_in, 4);
        assert!(b.counts.needs.is_empty());
    }
}
