//! Storing an upload while it is still being read. Reading 200 buckets takes about a third
//! as long as writing them before the commit (`benches/sync_backlog`), so the request's thread
//! reads and checks the buckets and hands them over a few at a time, made rows, to a thread of
//! the blocking pool that has them in the open transaction as the rest is read.
//!
//! What is stored is the same as reading first and storing after (`super::ingest`): nothing is
//! committed until the whole upload is read and has passed every check in the same order.
//! An upload this reader does not take as it stands (a field twice, `7.0` for 7, not an
//! object, not JSON) is rolled back and answered by that path instead, in its own words.
//! Buckets are handed over once the upload's own fields have passed, and only while no bucket
//! has failed; until then (the fields in another order than kiosks write them) they wait in
//! memory.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender};

use chrono::{DateTime, Duration, Utc};
use serde::Deserializer;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::config::KioskEntry;
use super::ingest::{ApiError, vet_buckets, vet_head};
use super::store::{CentralStore, Feed, Row, Upsert};
use super::validate::Checker;
use crate::sync::wire::{Bucket, MAX_BUCKETS, Upload};

/// Buckets per message to the writer.
const CHUNK: usize = 16;

/// From the reader to the writer.
enum Msg {
    /// The upload's kiosk database: buckets follow.
    Start(String),
    /// The next few buckets as rows, in the order read (a few at a time: a message can wake
    /// the writer).
    Rows(Vec<Row>),
    /// Read to the end and valid: commit, noting this software version.
    Vetted(Option<String>),
    /// Read, and refused with this answer: store nothing.
    Refused(ApiError),
    /// Not read as kiosks write it: store nothing, read it again the usual way.
    Unreadable,
}

/// How far storing while reading got.
pub enum Streamed {
    /// Read, valid, and handed to the database of `database` with this outcome.
    Stored {
        database: String,
        done: Result<Upsert, String>,
    },
    /// Read and refused; nothing stored.
    Refused(ApiError),
    /// Nothing stored: read it the usual way for the answer.
    Unreadable,
}

/// Reads `body` (an upload from `kiosk`) on this thread while a thread of the blocking pool
/// writes its buckets; then waits for the commit, on a runtime with several workers having
/// first handed this one's other tasks to another (as `super::ingest::store` does, and as
/// there the write is not cut short by the request deadline).
pub async fn store_while_reading(
    store: &Arc<CentralStore>,
    kiosk: &KioskEntry,
    body: &[u8],
    now: DateTime<Utc>,
    max_future: Duration,
) -> Streamed {
    use tokio::runtime::{Handle, RuntimeFlavor};
    let (tx, rx) = std::sync::mpsc::channel();
    let (store, site, id) = (store.clone(), kiosk.site.clone(), kiosk.id.clone());
    let writer = tokio::task::spawn_blocking(move || write(&store, &site, &id, now, &rx));
    read(body, kiosk, now, max_future, &tx);
    drop(tx);
    let written = if Handle::current().runtime_flavor() == RuntimeFlavor::MultiThread {
        tokio::task::block_in_place(|| Handle::current().block_on(writer))
    } else {
        writer.await
    };
    match written {
        Ok((streamed, spent)) => {
            // Freed once the answer is on its way.
            tokio::spawn(async move { drop(spent) });
            streamed
        }
        Err(e) => Streamed::Stored {
            database: String::new(),
            done: Err(e.to_string()),
        },
    }
}

/// The writer: the buckets `rx` hands over, in one transaction.
fn write(
    store: &CentralStore,
    site: &str,
    kiosk: &str,
    now: DateTime<Utc>,
    rx: &Receiver<Msg>,
) -> (Streamed, Vec<Vec<Row>>) {
    let database = match rx.recv() {
        Ok(Msg::Start(database)) => database,
        Ok(Msg::Refused(e)) => return (Streamed::Refused(e), Vec::new()),
        _ => return (Streamed::Unreadable, Vec::new()),
    };
    // The reader's last word, once the writer has it.
    let mut verdict = None;
    // Written rows are kept until the answer is on its way: freeing here what the reading
    // thread allocated, while it allocates more, slowed this thread's writing by a sixth.
    let mut spent = Vec::new();
    let done = store.upsert_fed(site, kiosk, &database, now, |rows| {
        spent.push(rows);
        match rx.recv() {
            Ok(Msg::Rows(rows)) => Feed::Rows(rows),
            Ok(Msg::Vetted(software)) => {
                verdict = Some(Msg::Vetted(None));
                Feed::End { software }
            }
            Ok(other) => {
                verdict = Some(other);
                Feed::Abort
            }
            Err(_) => Feed::Abort,
        }
    });
    // The database failing does not come before what is wrong with the upload.
    if done.is_err() && verdict.is_none() {
        verdict = rx.iter().find(|m| !matches!(m, Msg::Rows(_)));
    }
    let streamed = match (done, verdict) {
        (_, Some(Msg::Refused(e))) => Streamed::Refused(e),
        (Ok(Some(outcome)), _) => Streamed::Stored {
            database,
            done: Ok(outcome),
        },
        (Err(e), Some(Msg::Vetted(_))) => Streamed::Stored {
            database,
            done: Err(e.to_string()),
        },
        _ => Streamed::Unreadable,
    };
    (streamed, spent)
}

/// The reader: hands `tx` the upload in `body` as it reads it, ending with the verdict.
fn read(
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
        Msg::Vetted(super::ingest::software(&up).map(str::to_owned))
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
