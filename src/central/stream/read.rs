//! The reader of `super`: one pass over the body with serde, each bucket checked as it is read
//! (`validate::Checker`), made a row and handed to the writer a few at a time, the upload's own
//! fields checked as soon as they are all read, and at the end the same verdict, in the same
//! order, as `ingest::read` would give.

use std::sync::mpsc::Sender;

use chrono::{DateTime, Duration, Utc};
use serde::Deserializer;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

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
    let mut de = serde_json::Deserializer::from_slice(body);
    let read = de
        .deserialize_map(UploadVisitor(&mut reading))
        .and_then(|()| de.end());
    let verdict = match read {
        Err(_) => Msg::Unreadable,
        Ok(()) => reading.verdict(),
    };
    // The writer has gone only if it failed; it then answers without this.
    let _ = tx.send(verdict);
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
    /// Buckets read before the writer may have them; `None` once it has been started.
    waiting: Option<Vec<Bucket>>,
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
        for b in self.waiting.take().unwrap_or_default() {
            self.ready(&b);
        }
        self.send();
    }

    /// `b` made a row (here, so the writer has only the writing to do), sent with a few more.
    fn ready(&mut self, b: &Bucket) {
        match Row::of(b) {
            Ok(row) => self.ready.push(row),
            // Cannot happen (counts are always written); if it did, nothing would be stored.
            Err(_) => self.unwritable = true,
        }
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

    fn bucket(&mut self, b: Bucket) {
        let valid = self.checker.bucket(&b)
            && self.checker.problems.is_empty()
            && self.checker.count <= MAX_BUCKETS;
        match &mut self.waiting {
            // Nothing of an upload with a wrong bucket, or too many, is stored: the rest is
            // only checked (and counted).
            _ if !valid => {}
            Some(waiting) => waiting.push(b),
            None => self.ready(&b),
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
        while let Some(b) = seq.next_element::<Bucket>()? {
            self.0.bucket(b);
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
