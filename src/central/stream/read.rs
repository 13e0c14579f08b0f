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
        while let Some(b) = seq.next_element::<WireBucket>()? {
            self.0.wire(&b).map_err(serde::de::Error::custom)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
