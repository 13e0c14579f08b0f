//! Storing an upload while it is still being read. The request's thread reads and checks the
//! buckets and hands them over a few at a time, made rows, to a thread of the blocking pool
//! that has them in the open transaction as the rest is read. Reading is kept cheap as well
//! (`read` and `bucket`: an upload as kiosks write it is read by hand, about a quarter of what
//! writing its rows costs, `benches/sync_backlog`): with two cores the writer is often only
//! given one once the reader is done, and the reading then adds to the answer's time.
//!
//! What is stored is the same as reading first and storing after (`super::ingest`): nothing is
//! committed until the whole upload is read and has passed every check in the same order.
//! An upload this reader does not take as it stands (a field twice, `7.0` for 7, not an
//! object, not JSON) is rolled back and answered by that path instead, in its own words.
//! Buckets are handed over once the upload's own fields have passed, and only while no bucket
//! has failed; until then (the fields in another order than kiosks write them) they wait in
//! memory.

use std::sync::Arc;
use std::sync::mpsc::Receiver;

use chrono::{DateTime, Duration, Utc};

use super::config::KioskEntry;
use super::ingest::ApiError;
use super::store::{CentralStore, Feed, Row, Upsert};

mod bucket;
mod read;
use read::read;

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
/// writes its buckets; then waits for the commit as `super::ingest::store` does: the write is
/// not cut short by the request deadline.
pub async fn store_while_reading(
    store: &Arc<CentralStore>,
    kiosk: &KioskEntry,
    body: &[u8],
    now: DateTime<Utc>,
    max_future: Duration,
) -> Streamed {
    let (tx, rx) = std::sync::mpsc::channel();
    let (store, site, id) = (store.clone(), kiosk.site.clone(), kiosk.id.clone());
    let writer = tokio::task::spawn_blocking(move || write(&store, &site, &id, now, &rx));
    read(body, kiosk, now, max_future, &tx);
    drop(tx);
    match writer.await {
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
