//! A bucket read by hand when it is written exactly as kiosks write one (`super`): no serde
//! going over it first to find its end, no field names matched one call at a time.

use super::{Map, WireBucket, WireCounts, is_whole};

impl<'a> WireBucket<'a> {
    /// The bucket in `text` if it is written exactly as kiosks write one, read without serde:
    /// compact, `hour` then `revision` then `counts`, each count a whole number from 0 at
    /// most once, the needs and waits maps of plain ids and numbers, no course titles.
    /// `None` for anything else (serde reads it then), so what it gives is what serde would.
    /// What follows the bucket in `text` is given back.
    pub(super) fn scan(text: &'a str) -> Option<(WireBucket<'a>, &'a str)> {
        let rest = text.strip_prefix(r#"{"hour":""#)?;
        let (hour, rest) = rest.split_at_checked(20)?;
        let rest = rest.strip_prefix(r#"","revision":"#)?;
        let (revision, rest) = whole_number(rest)?;
        let mut rest = rest.strip_prefix(r#","counts":{"#)?;
        let mut counts = WireCounts::default();
        let mut read = 0u16;
        if hour.contains('\\') {
            return None;
        }
        if let Some(r) = after(rest, b'}') {
            rest = r;
        } else {
            loop {
                let (key, r) = after(rest, b'"')?.split_once('"')?;
                let r = after(r, b':')?;
                let (field, r) = match key {
                    "needs" | "waits" => {
                        let (map, r) = r.split_at_checked(r.find('}')? + 1)?;
                        let plain = map.starts_with('{')
                            && map[1..].bytes().all(|c| {
                                c.is_ascii_lowercase()
                                    || c.is_ascii_digit()
                                    || b"_-\":,}".contains(&c)
                            });
                        if !plain {
                            return None;
                        }
                        if key == "needs" {
                            counts.needs = Map(Some(map));
                            (10, r)
                        } else {
                            counts.waits = Map(Some(map));
                            (11, r)
                        }
                    }
                    _ => {
                        let (i, slot) = counts.number(key)?;
                        let (n, r) = whole_number(r)?;
                        *slot = n;
                        (i, r)
                    }
                };
                if read & (1 << field) != 0 {
                    return None;
                }
                read |= 1 << field;
                match after(r, b',') {
                    Some(r) => rest = r,
                    None => {
                        rest = after(r, b'}')?;
                        break;
                    }
                }
            }
        }
        let rest = after(rest, b'}')?;
        Some((
            WireBucket {
                hour,
                revision,
                counts,
            },
            rest,
        ))
    }
}

impl WireCounts<'_> {
    /// The count named `key`, and its place among them.
    fn number(&mut self, key: &str) -> Option<(u8, &mut i64)> {
        Some(match key {
            "door_in" => (0, &mut self.door_in),
            "door_out" => (1, &mut self.door_out),
            "checkins_anonymous" => (2, &mut self.checkins_anonymous),
            "checkins_member" => (3, &mut self.checkins_member),
            "dropins_joined" => (4, &mut self.dropins_joined),
            "dropins_seen" => (5, &mut self.dropins_seen),
            "dropins_no_show" => (6, &mut self.dropins_no_show),
            "dropins_closed" => (7, &mut self.dropins_closed),
            "help_requests" => (8, &mut self.help_requests),
            "attendance" => (9, &mut self.attendance),
            _ => return None,
        })
    }
}

/// The whole number from 0 at the start of `s` as `serde_json` writes one (no sign, no
/// leading zero, no fraction), and what follows it.
pub(in crate::central::stream) fn whole_number(s: &str) -> Option<(i64, &str)> {
    let end = s
        .bytes()
        .position(|c| !c.is_ascii_digit())
        .unwrap_or(s.len());
    let (digits, rest) = s.split_at(end);
    if !is_whole(digits) || digits.len() > 18 || rest.starts_with(['.', 'e', 'E']) {
        return None;
    }
    Some((digits.parse().ok()?, rest))
}

/// `s` after its first byte, if that is `c` (what `strip_prefix(c)` does, without a call to
/// `memcmp` for one byte: this is done a few times for every count of every bucket).
pub(in crate::central::stream) fn after(s: &str, c: u8) -> Option<&str> {
    (s.as_bytes().first() == Some(&c) && c.is_ascii()).then(|| &s[1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_as_kiosks_write_it_is_read_without_serde_and_alike() {
        let kiosk = r#"{"hour":"2026-11-23T10:00:00Z","revision":3,"counts":{"checkins_anonymous":3,"door_in":12,"door_out":9,"dropins_joined":2,"dropins_seen":1,"needs":{"housing":2,"money":1},"waits":{"12":1,"5":1}}}"#;
        let (scanned, rest) = WireBucket::scan(kiosk).expect("as kiosks write it");
        assert_eq!(rest, "");
        let read: WireBucket = serde_json::from_str(kiosk).unwrap();
        assert_eq!(scanned.bucket().unwrap(), read.bucket().unwrap());
        assert_eq!(scanned.counts.needs.text(), r#"{"housing":2,"money":1}"#);
        let empty = r#"{"hour":"2026-11-23T10:00:00Z","revision":0,"counts":{}}"#;
        assert!(WireBucket::scan(empty).is_some());
        // Serde reads these (or refuses them) in its own words.
        for other in [
            kiosk.replace(r#""revision":3"#, r#""revision":-3"#),
            kiosk.replace(r#""door_in":12"#, r#""door_in":12.0"#),
            kiosk.replace(r#""door_in":12"#, r#""door_in":012"#),
            kiosk.replace(r#""door_out":9"#, r#""door_in":9"#),
            kiosk.replace(r#""door_in":12"#, r#""door_in": 12"#),
            kiosk.replace(r#""door_in":12"#, r#""doors":12"#),
            kiosk.replace(r#""needs":{"#, r#""courses":{"Sleep well":1},"needs":{"#),
            kiosk.replace(r#""housing""#, r#""hous\u0069ng""#),
            kiosk.replace("10:00:00Z", r"10:00:00\u005a"),
            kiosk.replace("}}}", r#"}},"more":1}"#),
            kiosk.replace(r#"{"hour""#, r#"{"revision":3,"hour""#),
        ] {
            assert!(
                WireBucket::scan(&other).is_none_or(|(_, rest)| !rest.is_empty()),
                "{other}"
            );
        }
    }
}
