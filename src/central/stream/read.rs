//! The reader of `super`: one pass over the body with serde, each bucket checked and made a row
//! as it is read (`super::bucket`, or `validate::Checker` for one with anything to say about
//! it) and handed to the writer a few at a time, the upload's own fields checked as soon as
//! they are all read, and at the end the same verdict, in the same order, as `ingest::read`
//! would give.

use std::sync::mpsc::Sender;

use chrono::{DateTime, Duration, Utc};
use serde::Deserializer;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::bucket::{WireBucket, after, whole_number};
use super::{CHUNK, Msg};
use crate::central::config::KioskEntry;
use crate::central::ingest::{vet_buckets, vet_head};
use crate::central::store::Row;
use crate::central::validate::Checker;
use crate::sync::wire::{Bucket, MAX_BUCKETS, Upload};

/// Hands `tx` the upload in `body` as it reads it, ending with the verdict.
pub(super) fn read(
    body: &[u8],
    kiosk: &KioskEntry,
    now: DateTime<Utc>,
    max_future: Duration,
    tx: &Sender<Msg>,
) {
    let mut reading = Reading {
        kiosk,
        tx,
        checker: Checker::new(now, max_future),
        waiting: Some(Vec::new()),
        ready: Vec::new(),
        unwritable: false,
        head: Head::default(),
    };
    let walked = std::str::from_utf8(body)
        .ok()
        .and_then(|text| reading.walk(text));
    let read = walked.unwrap_or_else(|| {
        let mut de = serde_json::Deserializer::from_slice(body);
        de.deserialize_map(UploadVisitor(&mut reading))
            .and_then(|()| de.end())
            .map_err(|e| e.to_string())
    });
    let verdict = match read {
        Err(_) => Msg::Unreadable,
        Ok(()) => reading.verdict(),
    };
    // The writer has gone only if it failed; it then answers without this.
    let _ = tx.send(verdict);
}

/// The string at the start of `s`, if it has no escapes, and what follows it.
fn quoted(s: &str) -> Option<(String, &str)> {
    let (value, rest) = after(s, b'"')?.split_once('"')?;
    (!value.contains('\\')).then(|| (value.to_owned(), rest))
}

/// The upload's own fields, as far as they have been read.
#[derive(Default)]
struct Head {
    version: Option<u32>,
    site: Option<String>,
    kiosk: Option<String>,
    database: Option<String>,
    software: Option<Option<String>>,
    buckets: bool,
}

impl Head {
    /// The upload without its buckets, once every field it must have has been read.
    fn upload(&self) -> Option<Upload> {
        Some(Upload {
            version: self.version?,
            site: self.site.clone()?,
            kiosk: self.kiosk.clone()?,
            database: self.database.clone()?,
            buckets: Vec::new(),
            software: self.software.clone().flatten(),
        })
    }
}

struct Reading<'a> {
    kiosk: &'a KioskEntry,
    tx: &'a Sender<Msg>,
    checker: Checker,
    /// Rows read before the writer may have them; `None` once it has been started.
    waiting: Option<Vec<Row>>,
    /// Buckets read since the writer started, not yet sent.
    ready: Vec<Row>,
    /// A bucket could not be made a row.
    unwritable: bool,
    head: Head,
}

impl Reading<'_> {
    /// At `buckets`: the writer starts now if the fields before them pass.
    fn buckets_begin(&mut self) {
        if let Some(up) = self.head.upload()
            && vet_head(self.kiosk, &up).is_ok()
        {
            self.start(up.database);
        }
    }

    fn start(&mut self, database: String) {
        let _ = self.tx.send(Msg::Start(database));
        for row in self.waiting.take().unwrap_or_default() {
            self.ready(row);
        }
        self.send();
    }

    /// `row`, to be sent with a few more (made here, so the writer has only the writing to do).
    fn ready(&mut self, row: Row) {
        self.ready.push(row);
        if self.ready.len() >= CHUNK {
            self.send();
        }
    }

    /// The buckets ready, to the writer.
    fn send(&mut self) {
        if !self.ready.is_empty() {
            let _ = self.tx.send(Msg::Rows(std::mem::take(&mut self.ready)));
        }
    }

    /// Nothing of an upload with a wrong bucket, or too many, is stored: once one is read,
    /// the rest is only checked (and counted).
    fn storing(&self) -> bool {
        self.checker.problems.is_empty() && self.checker.count <= MAX_BUCKETS
    }

    /// The next bucket, as read from the body.
    fn wire(&mut self, b: &WireBucket<'_>) -> Result<(), String> {
        match b.row(&mut self.checker) {
            Some(row) => {
                if self.storing() {
                    self.take(row);
                }
            }
            None => self.bucket(&b.bucket()?),
        }
        Ok(())
    }

    /// The next bucket, checked by the `Checker`.
    fn bucket(&mut self, b: &Bucket) {
        if !(self.checker.bucket(b) && self.storing()) {
            return;
        }
        match Row::of(b) {
            Ok(row) => self.take(row),
            // Cannot happen (counts are always written); if it did, nothing would be stored.
            Err(_) => self.unwritable = true,
        }
    }

    /// `row`, to the writer or to wait for it.
    fn take(&mut self, row: Row) {
        match &mut self.waiting {
            Some(waiting) => waiting.push(row),
            None => self.ready(row),
        }
    }

    /// Reads `text` by hand when its own fields are written as kiosks write them (compact,
    /// `version`, `site`, `kiosk`, `database`, then `buckets`, then `software` if sent, no
    /// escapes in them): the buckets are then found and read one after another
    /// (`WireBucket::next`) without serde going over each first to find where it ends.
    /// `None`, having read nothing, when the fields are written otherwise: serde reads it.
    fn walk(&mut self, text: &str) -> Option<Result<(), String>> {
        let rest = text.strip_prefix(r#"{"version":"#)?;
        let (version, rest) = whole_number(rest)?;
        let (site, rest) = quoted(rest.strip_prefix(r#","site":"#)?)?;
        let (kiosk, rest) = quoted(rest.strip_prefix(r#","kiosk":"#)?)?;
        let (database, rest) = quoted(rest.strip_prefix(r#","database":"#)?)?;
        let mut rest = rest.strip_prefix(r#","buckets":["#)?;
        self.head = Head {
            version: Some(u32::try_from(version).ok()?),
            site: Some(site),
            kiosk: Some(kiosk),
            database: Some(database),
            software: None,
            buckets: true,
        };
        self.buckets_begin();
        // From here on the upload is read by hand to its end: what is not as expected is
        // not an upload of this reader, whose other path then answers it (`Unreadable`).
        let unreadable = || Some(Err("not written as kiosks write an upload".to_owned()));
        if let Some(r) = after(rest, b']') {
            rest = r;
        } else {
            loop {
                let (b, r) = match WireBucket::next(rest) {
                    Ok(read) => read,
                    Err(e) => return Some(Err(e.to_string())),
                };
                if let Err(e) = self.wire(&b) {
                    return Some(Err(e));
                }
                match after(r, b',') {
                    Some(r) => rest = r,
                    None => match after(r, b']') {
                        Some(r) => {
                            rest = r;
                            break;
                        }
                        None => return unreadable(),
                    },
                }
            }
        }
        if let Some(r) = rest.strip_prefix(r#","software":"#) {
            let Some((software, r)) = quoted(r) else {
                return unreadable();
            };
            self.head.software = Some(Some(software));
            rest = r;
        }
        match after(rest, b'}') {
            Some(end) if end.trim_ascii().is_empty() => Some(Ok(())),
            _ => unreadable(),
        }
    }

    /// Read to the end: the same checks as `super::ingest::read`, in the same order.
    fn verdict(mut self) -> Msg {
        let Some(up) = self.head.upload().filter(|_| self.head.buckets) else {
            return Msg::Unreadable;
        };
        if let Err(e) = vet_head(self.kiosk, &up).and_then(|()| {
            vet_buckets(
                self.checker.count,
                std::mem::take(&mut self.checker.problems),
            )
        }) {
            return Msg::Refused(e);
        }
        if self.waiting.is_some() {
            self.start(up.database.clone());
        }
        self.send();
        if self.unwritable {
            return Msg::Unreadable;
        }
        Msg::Vetted(crate::central::ingest::software(&up).map(str::to_owned))
    }
}

/// The fields of an upload, as `Upload`'s own reading names them.
enum Field {
    Version,
    Site,
    Kiosk,
    Database,
    Buckets,
    Software,
    Other,
}

impl<'de> serde::Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Field, D::Error> {
        struct Name;
        impl Visitor<'_> for Name {
            type Value = Field;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E>(self, s: &str) -> Result<Field, E> {
                Ok(match s {
                    "version" => Field::Version,
                    "site" => Field::Site,
                    "kiosk" => Field::Kiosk,
                    "database" => Field::Database,
                    "buckets" => Field::Buckets,
                    "software" => Field::Software,
                    _ => Field::Other,
                })
            }
        }
        d.deserialize_identifier(Name)
    }
}

/// Reads the upload's object into a [`Reading`].
struct UploadVisitor<'r, 'a>(&'r mut Reading<'a>);

/// `slot` set to the next value, unless it was set already (as `Upload`'s own reading refuses).
fn once<'de, A: MapAccess<'de>, T: serde::Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(serde::de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

impl<'de> Visitor<'de> for UploadVisitor<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a footfall upload")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let reading = self.0;
        while let Some(field) = map.next_key::<Field>()? {
            let head = &mut reading.head;
            match field {
                Field::Version => once(&mut map, &mut head.version, "version")?,
                Field::Site => once(&mut map, &mut head.site, "site")?,
                Field::Kiosk => once(&mut map, &mut head.kiosk, "kiosk")?,
                Field::Database => once(&mut map, &mut head.database, "database")?,
                Field::Software => once(&mut map, &mut head.software, "software")?,
                Field::Buckets => {
                    if head.buckets {
                        return Err(serde::de::Error::duplicate_field("buckets"));
                    }
                    head.buckets = true;
                    reading.buckets_begin();
                    map.next_value_seed(Buckets(reading))?;
                }
                Field::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// Reads the `buckets` array, handing each bucket to the [`Reading`] as it is read.
struct Buckets<'r, 'a>(&'r mut Reading<'a>);

impl<'de> DeserializeSeed<'de> for Buckets<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Buckets<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of buckets")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        // Each bucket as it lies in the body (serde finds where it ends), then read.
        while let Some(text) = seq.next_element::<&serde_json::value::RawValue>()? {
            let b = WireBucket::read(text.get()).map_err(serde::de::Error::custom)?;
            self.0.wire(&b).map_err(serde::de::Error::custom)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Counts;

    fn kiosk() -> KioskEntry {
        KioskEntry {
            site: "walton".into(),
            id: "entrance".into(),
            token: String::new(),
        }
    }

    fn upload(n: i64) -> Upload {
        let first: DateTime<Utc> = "2026-11-01T00:00:00Z".parse().unwrap();
        Upload {
            version: 2,
            site: "walton".into(),
            kiosk: "entrance".into(),
            database: "5b0c6f0e-6a1f-4b43-9a55-1d2f0c3e7a21".into(),
            buckets: (0..n)
                .map(|i| Bucket {
                    hour: first + Duration::hours(i),
                    revision: 1,
                    counts: Counts {
                        door_in: 1,
                        ..Counts::default()
                    },
                })
                .collect(),
            software: None,
        }
    }

    /// What the reader hands the writer for `body`: "start", the size of each batch of rows,
    /// then "vetted", "refused" or "unreadable".
    fn handed(body: &str) -> Vec<String> {
        let (tx, rx) = std::sync::mpsc::channel();
        let now = "2026-11-23T15:20:00Z".parse().unwrap();
        read(body.as_bytes(), &kiosk(), now, Duration::minutes(10), &tx);
        drop(tx);
        rx.iter()
            .map(|m| match m {
                Msg::Start(_) => "start".to_string(),
                Msg::Rows(r) => r.len().to_string(),
                Msg::Vetted(_) => "vetted".into(),
                Msg::Refused(e) => format!("refused {}", e.status.as_u16()),
                Msg::Unreadable => "unreadable".into(),
            })
            .collect()
    }

    /// An upload of up to 30 buckets with varied counts, drawn with `rnd`; when `faults`,
    /// some buckets have something wrong with them.
    fn varied_upload(rnd: &mut impl FnMut(u64) -> i64, faults: bool, now: DateTime<Utc>) -> Upload {
        use crate::domain::NeedId;
        let mut up = upload(1 + rnd(30));
        let first = up.buckets[0].hour;
        for b in &mut up.buckets {
            b.revision = rnd(4);
            let c = &mut b.counts;
            (c.door_in, c.door_out, c.checkins_anonymous) = (rnd(40), rnd(40), rnd(9));
            (c.dropins_joined, c.dropins_seen, c.help_requests) = (rnd(6) + 3, rnd(3), rnd(2));
            for need in ["housing", "money", "advisor-chat", "work"] {
                if rnd(3) == 0 {
                    c.needs.insert(NeedId::new(need).unwrap(), rnd(5) + 1);
                }
            }
            for minutes in [0, 5, 12, 45, 120] {
                if rnd(3) == 0 {
                    c.waits.insert(minutes, rnd(3) + 1);
                }
            }
            match if faults { rnd(60) } else { 99 } {
                0 => c.door_out = -1,
                1 => c.dropins_no_show = c.dropins_joined,
                2 => c
                    .needs
                    .insert(NeedId::new("housing").unwrap(), 100_001)
                    .map_or((), drop),
                3 => c.waits.insert(10_081, 1).map_or((), drop),
                4 => (c.attendance, c.courses) = (2, [("Sleep well".into(), 1)].into()),
                5 => b.hour += Duration::minutes(30),
                6 => b.revision = -1,
                7 => b.hour = first,
                8 => b.hour = now + Duration::hours(3),
                9 => c.checkins_member = 100_001,
                _ => {}
            }
        }
        up
    }

    /// Uploads with buckets of every kind the checker has something to say about, and plain
    /// ones, written compactly or not: what the reader hands over and answers is what reading
    /// the usual way (`ingest::read`, then `Row::of`) gives.
    #[test]
    fn rows_and_answers_are_those_of_the_usual_reading() {
        let now: DateTime<Utc> = "2026-11-23T15:20:00Z".parse().unwrap();
        let max_future = Duration::minutes(10);
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut rnd = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n) as i64
        };
        let (mut plain, mut refused) = (0, 0);
        for case in 0..600 {
            // Every other upload has something wrong in some buckets.
            let mut up = varied_upload(&mut rnd, case % 2 == 1, now);
            if case % 3 == 0 {
                up.software = Some(["1.4.2", "1.4.2 (test)", ""][case % 9 / 3].into());
            }
            let compact = serde_json::to_string(&up).unwrap();
            let body = match case % 5 {
                0 => serde_json::to_string_pretty(&up).unwrap(),
                1 => compact.replacen("},{", "}, {", 1),
                2 => compact.replacen(r#""door_in":"#, r#""door_in": "#, 1),
                _ => compact,
            };
            let (tx, rx) = std::sync::mpsc::channel();
            read(body.as_bytes(), &kiosk(), now, max_future, &tx);
            drop(tx);
            let (mut rows, mut verdict) = (Vec::new(), None);
            for m in rx {
                match m {
                    Msg::Rows(r) => rows.extend(r),
                    Msg::Start(_) => {}
                    other => verdict = Some(other),
                }
            }
            let usual = crate::central::ingest::read(&kiosk(), body.as_bytes(), now, max_future);
            match (usual, verdict) {
                (Ok(u), Some(Msg::Vetted(software))) => {
                    let want = crate::central::ingest::software(&u).map(str::to_owned);
                    assert_eq!(software, want, "case {case}");
                    let want: Vec<Row> = u.buckets.iter().map(|b| Row::of(b).unwrap()).collect();
                    assert_eq!(rows, want, "case {case}: {body}");
                    plain += 1;
                }
                (Err(want), Some(Msg::Refused(got))) => {
                    assert_eq!(got.status, want.status, "case {case}");
                    assert_eq!(got.message, want.message, "case {case}");
                    assert_eq!(got.extensions, want.extensions, "case {case}");
                    refused += 1;
                }
                (usual, _) => panic!("case {case}: the usual reading gave {usual:?}: {body}"),
            }
        }
        // Both kinds were tried, many times each.
        assert!(
            plain > 300 && refused > 150,
            "{plain} taken, {refused} refused"
        );
    }

    #[test]
    fn rows_go_to_the_writer_as_they_are_read_and_only_while_all_is_well() {
        let body = serde_json::to_string(&upload(40)).unwrap();
        assert_eq!(handed(&body), ["start", "16", "16", "8", "vetted"]);

        // The 21st bucket is wrong: the rows before it were handed over, then nothing more.
        let mut bad = upload(40);
        bad.buckets[20].counts.door_in = -1;
        let body = serde_json::to_string(&bad).unwrap();
        assert_eq!(handed(&body), ["start", "16", "refused 422"]);

        // Another kiosk's name: the writer never starts.
        let mut other = upload(40);
        other.kiosk = "upstairs".into();
        let body = serde_json::to_string(&other).unwrap();
        assert_eq!(handed(&body), ["refused 403"]);

        // Its own fields after the buckets: the rows wait until they are read.
        let v = serde_json::to_value(upload(20)).unwrap();
        let body = format!(
            r#"{{"buckets":{},"database":{},"kiosk":"entrance","site":"walton","version":2}}"#,
            v["buckets"], v["database"]
        );
        assert_eq!(handed(&body), ["start", "16", "4", "vetted"]);

        // Not as kiosks write it: left to the usual reading.
        assert_eq!(handed(&body.replace(":2}", ":2.0}")), ["unreadable"]);
        let body = serde_json::to_string(&upload(20)).unwrap();
        let late = body.replace(r#""door_in":1}"#, r#""door_in":1.0}"#);
        assert_eq!(handed(&late), ["start", "unreadable"]);
        assert_eq!(handed("[]"), ["unreadable"]);
        assert_eq!(handed(r#"{"version":2}"#), ["unreadable"]);
    }
}
