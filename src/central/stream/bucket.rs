//! One bucket read where it lies in the body and made the values of its row straight away,
//! without the maps and strings of a `Bucket` in between: reading the buckets that way was a
//! third of the central's own work on an upload, and on two cores the writer does not always
//! get a core of its own to hide it behind (`benches/sync_backlog`).
//!
//! Only a bucket that is plainly valid, in the form kiosks write it, is taken like this: counts
//! in range, the maps compact with ids and minutes a kiosk can send, no course titles, its hour
//! new to the upload. Anything else (a count out of range, an hour twice, titles, a map with
//! spaces or a key twice) becomes a `Bucket` and goes through `validate::Checker` as before,
//! so the answer and what is stored are the same either way (the tests of `super` compare).

use std::borrow::Cow;
use std::cmp::Ordering;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::central::store::Row;
use crate::central::validate::{Checker, LONGEST_WAIT, MOST_NEEDS, MOST_PER_HOUR, MOST_WAITS};
use crate::domain::{Counts, NeedId};
use crate::sync::wire::{Bucket, read_utc_time};

mod scan;
pub(super) use scan::{after, whole_number};

/// A bucket as written: the same fields as [`Bucket`], read the same way, its hour and maps
/// left as text.
#[derive(Deserialize)]
pub(super) struct WireBucket<'a> {
    #[serde(borrow)]
    hour: &'a str,
    revision: i64,
    #[serde(borrow)]
    counts: WireCounts<'a>,
}

/// [`Counts`] as written; what is missing is 0 or empty, as there.
#[derive(Default, Deserialize)]
#[serde(default)]
struct WireCounts<'a> {
    door_in: i64,
    door_out: i64,
    checkins_anonymous: i64,
    checkins_member: i64,
    dropins_joined: i64,
    dropins_seen: i64,
    dropins_no_show: i64,
    dropins_closed: i64,
    help_requests: i64,
    attendance: i64,
    #[serde(borrow)]
    needs: Map<'a>,
    #[serde(borrow)]
    waits: Map<'a>,
    #[serde(borrow)]
    courses: Map<'a>,
}

/// A map's JSON text, if it was there.
#[derive(Default)]
struct Map<'a>(Option<&'a str>);

impl<'de: 'a, 'a> Deserialize<'de> for Map<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <&'a RawValue>::deserialize(d).map(|raw| Map(Some(raw.get())))
    }
}

impl Map<'_> {
    fn text(&self) -> &str {
        self.0.unwrap_or("{}")
    }

    /// The map as `Counts` reads it.
    fn read<K: Ord + serde::de::DeserializeOwned>(
        &self,
    ) -> Result<std::collections::BTreeMap<K, i64>, String> {
        serde_json::from_str(self.text()).map_err(|e| e.to_string())
    }
}

impl<'a> WireBucket<'a> {
    /// The bucket at the start of `text`, and what follows it: by [`scan`](Self::scan) when it
    /// is written as kiosks write one, by serde otherwise (any JSON value, to its end).
    pub(super) fn next(text: &'a str) -> Result<(WireBucket<'a>, &'a str), serde_json::Error> {
        if let Some(read) = Self::scan(text) {
            return Ok(read);
        }
        let mut values = serde_json::Deserializer::from_str(text).into_iter::<&RawValue>();
        let raw = values
            .next()
            .unwrap_or_else(|| serde_json::from_str(""))
            .map(RawValue::get)?;
        let rest = &text[values.byte_offset()..];
        Ok((serde_json::from_str(raw)?, rest))
    }

    /// The bucket's row, when it is plainly valid; its hour is then taken by `checker`.
    /// `None` (and `checker` as it was) when [`bucket`](Self::bucket) must say more.
    pub(super) fn row(&self, checker: &mut Checker) -> Option<Row> {
        let c = &self.counts;
        let counts = Row::counts_of(&c.numbers());
        let plain = self.revision >= 0
            && counts.iter().all(|n| (0..=MOST_PER_HOUR).contains(n))
            && c.dropins_seen + c.dropins_no_show + c.dropins_closed <= c.dropins_joined
            && c.courses.text() == "{}";
        if !plain {
            return None;
        }
        let needs = canonical(c.needs.text(), MOST_NEEDS, NeedId::is_valid, str::cmp)?;
        let waits = canonical(c.waits.text(), MOST_WAITS, is_wait, by_minutes)?;
        let hour = whole_hour(self.hour)?;
        checker.take_hour(hour).then(|| {
            Row::new(
                (hour.timestamp(), self.revision),
                counts,
                [&needs, &waits, "{}"],
            )
        })
    }

    /// The bucket as `Bucket` reads it, for the checker to say what is wrong.
    pub(super) fn bucket(&self) -> Result<Bucket, String> {
        let c = &self.counts;
        let hour = read_utc_time(self.hour)
            .ok_or("a bucket's hour is not a UTC time written like 2026-11-23T10:00:00Z")?;
        Ok(Bucket {
            hour,
            revision: self.revision,
            counts: Counts {
                needs: c.needs.read()?,
                waits: c.waits.read()?,
                courses: c.courses.read()?,
                ..c.numbers()
            },
        })
    }
}

impl WireCounts<'_> {
    /// The counts, the maps left empty.
    fn numbers(&self) -> Counts {
        Counts {
            door_in: self.door_in,
            door_out: self.door_out,
            checkins_anonymous: self.checkins_anonymous,
            checkins_member: self.checkins_member,
            dropins_joined: self.dropins_joined,
            dropins_seen: self.dropins_seen,
            dropins_no_show: self.dropins_no_show,
            dropins_closed: self.dropins_closed,
            attendance: self.attendance,
            help_requests: self.help_requests,
            ..Counts::default()
        }
    }
}

/// `YYYY-MM-DDTHH:00:00Z`, the one way kiosks write an hour.
fn whole_hour(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    let number = |r: std::ops::Range<usize>| -> Option<u32> {
        let digits = b.get(r)?;
        digits.iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    if b.len() != 20 || &b[4..5] != b"-" || &b[7..8] != b"-" || &b[10..11] != b"T" {
        return None;
    }
    if &b[13..] != b":00:00Z" {
        return None;
    }
    let year = i32::try_from(number(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)?
        .and_hms_opt(number(11..13)?, 0, 0)
        .map(|t| t.and_utc())
}

/// A count as `serde_json` writes one that `Checker` takes: 0 to [`MOST_PER_HOUR`], no sign,
/// no leading zero.
fn is_count(s: &str) -> bool {
    is_whole(s) && s.len() <= 6 && s.parse::<i64>().is_ok_and(|n| n <= MOST_PER_HOUR)
}

/// A wait's minutes as a key: 0 to [`LONGEST_WAIT`], written as `serde_json` writes it.
fn is_wait(s: &str) -> bool {
    is_whole(s) && s.len() <= 5 && s.parse::<i64>().is_ok_and(|n| n <= LONGEST_WAIT)
}

/// Two waits' minutes, as keys that pass [`is_wait`], in the order of their numbers (as they
/// are stored), not of their text.
fn by_minutes(a: &str, b: &str) -> Ordering {
    (a.len(), a).cmp(&(b.len(), b))
}

/// Digits only, with no leading zero unless it is `0`.
fn is_whole(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|d| d.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
}

/// The map `text` (`{"key":count,…}`, compact) as `serde_json` writes the same map once read:
/// its keys in `order`. `None` if it is not written that way, if a key fails `key` or comes
/// twice, if a count is out of range, or if it holds more than `most`.
fn canonical(
    text: &str,
    most: usize,
    key: fn(&str) -> bool,
    order: fn(&str, &str) -> Ordering,
) -> Option<Cow<'_, str>> {
    if text == "{}" {
        return Some(Cow::Borrowed(text));
    }
    let entries = || {
        after(text, b'{')
            .and_then(|t| t.strip_suffix('}'))
            .into_iter()
            .flat_map(|t| t.split(','))
            .map(|e| -> Option<(&str, &str)> {
                let (k, v) = after(e, b'"')?.split_once('"')?;
                Some((k, after(v, b':')?)).filter(|(k, v)| key(k) && is_count(v))
            })
    };
    let (mut n, mut sorted, mut last) = (0, true, None);
    for entry in entries() {
        let (k, _) = entry?;
        n += 1;
        sorted &= last.is_none_or(|l| order(l, k) == Ordering::Less);
        last = Some(k);
    }
    if n == 0 || n > most {
        return None;
    }
    if sorted {
        return Some(Cow::Borrowed(text));
    }
    let mut all: Vec<(&str, &str)> = entries().flatten().collect();
    all.sort_unstable_by(|a, b| order(a.0, b.0));
    if all
        .windows(2)
        .any(|w| order(w[0].0, w[1].0) != Ordering::Less)
    {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    out.push('{');
    for (i, (k, v)) in all.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        out.push_str(k);
        out.push_str("\":");
        out.push_str(v);
    }
    out.push('}');
    Some(Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_are_written_as_serde_writes_them_or_left_to_the_checker() {
        let needs = |t| canonical(t, MOST_NEEDS, NeedId::is_valid, str::cmp);
        let waits = |t| canonical(t, MOST_WAITS, is_wait, by_minutes);
        assert_eq!(
            needs(r#"{"housing":2,"money":1}"#).unwrap(),
            r#"{"housing":2,"money":1}"#
        );
        assert_eq!(
            needs(r#"{"money":1,"housing":2}"#).unwrap(),
            r#"{"housing":2,"money":1}"#
        );
        assert_eq!(needs("{}").unwrap(), "{}");
        // As the kiosk's JSON object orders them (as text), and as they are stored (as numbers).
        assert_eq!(waits(r#"{"12":2,"5":1}"#).unwrap(), r#"{"5":1,"12":2}"#);
        let stored: std::collections::BTreeMap<i64, i64> =
            serde_json::from_str(r#"{"12":2,"5":1}"#).unwrap();
        assert_eq!(serde_json::to_string(&stored).unwrap(), r#"{"5":1,"12":2}"#);
        for not_plain in [
            r#"{"housing":2,"housing":3}"#,
            r#"{"housing": 2}"#,
            r#"{"Housing":2}"#,
            r#"{"housing":-1}"#,
            r#"{"housing":02}"#,
            r#"{"housing":100001}"#,
            r#"{"housing":2.0}"#,
            r#"{"hous\u0069ng":2}"#,
            r#"{"housing":2,}"#,
            r#"{,}"#,
            "null",
            "[]",
        ] {
            assert_eq!(needs(not_plain), None, "{not_plain}");
        }
        for not_plain in [
            r#"{"10081":1}"#,
            r#"{"05":1}"#,
            r#"{"-1":1}"#,
            r#"{"5":1,"5":2}"#,
        ] {
            assert_eq!(waits(not_plain), None, "{not_plain}");
        }
        assert_eq!(
            whole_hour("2026-11-23T10:00:00Z").unwrap().timestamp(),
            1_795_428_000
        );
        for other in [
            "2026-11-23T10:00:00.000Z",
            "2026-11-23T10:30:00Z",
            "2026-02-30T10:00:00Z",
            "2026-11-23T24:00:00Z",
            "2026-11-23 10:00:00Z",
            "2026-11-23T10:00:00+00:00",
        ] {
            assert_eq!(whole_hour(other), None, "{other}");
        }
    }
}
