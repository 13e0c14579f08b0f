//! Forwarding speed on loopback, beside the disk's own floor, all in one run:
//!
//! 1. A 30-day backlog (720 hourly buckets from a kiosk that was offline a month) delivered to a
//!    central service on 127.0.0.1, at several batch sizes: the time until the outbox is empty.
//! 2. Central ingest rate (buckets per second through `PUT /api/v1/footfall`: HTTP, JSON,
//!    checks, one transaction per upload) beside the central store's upsert alone and a raw
//!    SQLite upsert of the same rows (the central table's 19 columns, key and values, by the
//!    same `INSERT … ON CONFLICT DO UPDATE`, without the service's database ids or contact
//!    row) with the same settings (WAL, synchronous=FULL), 200 per
//!    transaction. The body is encoded before the clock starts: encoding is the kiosk's work,
//!    not the central's. A narrower raw upsert (5 values bound, 4 columns updated: the
//!    baseline until this table had the same rows) is kept for comparison. The four writers
//!    take turns going first, so noise falls on all alike. Two more rows split the HTTP
//!    path's own cost: the same upload refused at its token (the round trip with the body) and
//!    refused after it is read (round trip + JSON), neither touching the disk.
//!
//! `cargo bench --bench sync_backlog [-- ROUNDS] [--json]` prints Markdown tables (and with
//! `--json` one JSON line after them, for `benches/run-all`). Under `cargo test` it runs a small
//! smoke version of the same code.

#![warn(clippy::too_many_lines)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Duration as Span, Utc};
use hub_kiosk::central::{Central, CentralConfig};
use hub_kiosk::clock::SystemClock;
use hub_kiosk::config::Config;
use hub_kiosk::domain::footfall::Direction;
use hub_kiosk::domain::{Catalogue, CheckIn, Counts, Language, NeedId, Source, Stamp, Visitor};
use hub_kiosk::events::EventBus;
use hub_kiosk::hub::Hub;
use hub_kiosk::store::Store;
use hub_kiosk::sync::wire::{Bucket, Upload};
use hub_kiosk::sync::{Backoff, SyncOptions};

const TOKEN: &str = "bench-kiosk-token-0123456789abcdef";
const READER: &str = "bench-reader-token-0123456789abcdef";

fn central_config(dir: &std::path::Path) -> CentralConfig {
    CentralConfig::parse(
        &format!(
            "[service]\ndata_dir = \"{}\"\n[[sites]]\nid = \"walton\"\nname = \"Walton\"\n[[kiosks]]\nsite = \"walton\"\nid = \"entrance\"\ntoken = \"{TOKEN}\"\n[[readers]]\nname = \"bench\"\ntoken = \"{READER}\"\n",
            dir.display()
        ),
        "bench",
    )
    .unwrap()
}

fn start_central(dir: &std::path::Path) -> (Arc<Central>, String) {
    let central = Central::open(central_config(dir), Arc::new(SystemClock::new(true))).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(hub_kiosk::central::serve(
        central.clone(),
        listener,
        std::future::pending(),
    ));
    (central, url)
}

/// A kiosk database holding `hours` hours of footfall, none of it sent.
fn backlog(path: &std::path::Path, start: DateTime<Utc>, hours: i64) {
    let store = Store::open(path).unwrap();
    let catalogue = Catalogue::life_rooms();
    for h in 0..hours {
        let at = start + Span::hours(h) + Span::minutes(7);
        for _ in 0..1 + h % 3 {
            store
                .record_door_pass(&Stamp::synced_at(at), Direction::In)
                .unwrap();
        }
        let needs: &[&str] = if h % 2 == 0 {
            &["housing", "courses"]
        } else {
            &["money"]
        };
        let ci = CheckIn::new(
            &catalogue,
            Visitor::Anonymous,
            needs,
            Language::english(),
            Source::Touchscreen,
            Stamp::synced_at(at),
        )
        .unwrap();
        store.record_check_in(&ci, None).unwrap();
    }
}

/// Seconds to empty the outbox of a copy of `template` into a fresh central service.
async fn deliver(template: &std::path::Path, dir: &std::path::Path, batch: u32) -> f64 {
    let kiosk = dir.join(format!("kiosk-{batch}"));
    std::fs::create_dir_all(&kiosk).unwrap();
    std::fs::copy(template, kiosk.join("kiosk.sqlite3")).unwrap();
    let (_central, url) = start_central(&dir.join(format!("central-{batch}")));
    let text = format!(
        "[site]\nid = \"walton\"\nname = \"Walton\"\n[kiosk]\nid = \"entrance\"\ndata_dir = \"{}\"\n[clock]\nassume_synchronised = true\n",
        kiosk.display()
    );
    let config = Config::parse(&text, "bench").unwrap();
    let store = Arc::new(Store::open(&config.database_path()).unwrap());
    let hub = Hub::new(
        Arc::new(config),
        store.clone(),
        Arc::new(SystemClock::new(true)),
        EventBus::new(),
    );
    let opts = SyncOptions {
        central_url: url,
        token: TOKEN.into(),
        batch_size: batch,
        interval: Duration::from_secs(60),
        timeout: Duration::from_secs(20),
        backoff: Backoff::default(),
    };
    let t = Instant::now();
    let task = tokio::spawn(hub_kiosk::sync::forward(hub, opts));
    while store.outbox_depth().unwrap() > 0 {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let secs = t.elapsed().as_secs_f64();
    task.abort();
    secs
}

fn buckets(first: DateTime<Utc>, n: i64, revision: i64) -> Vec<Bucket> {
    (0..n)
        .map(|i| {
            let mut counts = Counts {
                door_in: 5 + i % 7,
                door_out: 4,
                checkins_anonymous: 3,
                dropins_joined: 2,
                dropins_seen: 2,
                ..Counts::default()
            };
            counts.needs.insert(NeedId::new("housing").unwrap(), 2);
            counts.waits.insert(12, 2);
            Bucket {
                hour: first + Span::hours(i),
                revision,
                counts,
            }
        })
        .collect()
}

/// The narrower raw table and upsert (5 values bound, 4 columns updated).
fn narrow_table(path: &std::path::Path) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(path).unwrap();
    c.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .unwrap();
    c.execute_batch(
        "PRAGMA synchronous = FULL;
         CREATE TABLE b (site TEXT, kiosk TEXT, hour INTEGER, database TEXT, revision INTEGER,
            a INTEGER, b INTEGER, c INTEGER, d INTEGER, e INTEGER, f INTEGER, g INTEGER,
            needs TEXT, waits TEXT, at INTEGER, PRIMARY KEY (site, kiosk, hour)) WITHOUT ROWID;",
    )
    .unwrap();
    c
}

fn narrow_upsert(c: &mut rusqlite::Connection, bs: &[Bucket]) {
    let tx = c.transaction().unwrap();
    {
        let mut s = tx
            .prepare_cached(
                "INSERT INTO b VALUES ('walton', 'entrance', ?1, 'db', ?2, ?3, 4, 3, 0, 2, 2, 0, ?4, ?5, 0)
                 ON CONFLICT (site, kiosk, hour) DO UPDATE SET revision = excluded.revision, a = excluded.a,
                 needs = excluded.needs, waits = excluded.waits WHERE b.revision <= excluded.revision",
            )
            .unwrap();
        for b in bs {
            let needs = serde_json::to_string(&b.counts.needs).unwrap();
            let waits = serde_json::to_string(&b.counts.waits).unwrap();
            s.execute(rusqlite::params![
                b.hour.timestamp(),
                b.revision,
                b.counts.door_in,
                needs,
                waits
            ])
            .unwrap();
        }
    }
    tx.commit().unwrap();
}

/// A table of the central's bucket rows: the same columns and key, nothing else.
fn raw_table(path: &std::path::Path) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(path).unwrap();
    c.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .unwrap();
    c.execute_batch(
        "PRAGMA synchronous = FULL;
         CREATE TABLE bucket (site TEXT NOT NULL, kiosk TEXT NOT NULL, hour INTEGER NOT NULL,
            database_id INTEGER NOT NULL, revision INTEGER NOT NULL, door_in INTEGER NOT NULL,
            door_out INTEGER NOT NULL, checkins_anonymous INTEGER NOT NULL,
            checkins_member INTEGER NOT NULL, dropins_joined INTEGER NOT NULL,
            dropins_seen INTEGER NOT NULL, dropins_no_show INTEGER NOT NULL,
            needs TEXT NOT NULL, waits TEXT NOT NULL, received_ms INTEGER NOT NULL,
            dropins_closed INTEGER NOT NULL, help_requests INTEGER NOT NULL,
            attendance INTEGER NOT NULL, courses TEXT NOT NULL,
            PRIMARY KEY (site, hour, kiosk)) WITHOUT ROWID;",
    )
    .unwrap();
    c
}

/// The same rows the central stores, by the same statement and binding.
fn raw_upsert(c: &mut rusqlite::Connection, bs: &[Bucket]) {
    use hub_kiosk::central::store::{PUT_BUCKET, put_bucket};
    let tx = c.transaction().unwrap();
    {
        let mut s = tx.prepare_cached(PUT_BUCKET).unwrap();
        let now_ms = Utc::now().timestamp_millis();
        for b in bs {
            put_bucket(&mut s, ("walton", "entrance", 1), b, now_ms).unwrap();
        }
    }
    tx.commit().unwrap();
}

/// Part 1: the backlog delivered at each batch size, as a table; times go into `json`.
async fn backlog_table(dir: &std::path::Path, days: i64, json: &mut serde_json::Value) {
    let template = dir.join("backlog.sqlite3");
    let start: DateTime<Utc> = "2026-10-01T00:00:00Z".parse().unwrap();
    backlog(&template, start, days * 24);
    println!(
        "Delivering a {days}-day backlog ({} hourly buckets) on loopback:\n",
        days * 24
    );
    println!("| batch size | requests | time to empty the outbox | buckets/s |");
    println!("|---:|---:|---:|---:|");
    for batch in [50u32, 200, 500] {
        let secs = deliver(&template, dir, batch).await;
        json[format!("backlog_s_batch_{batch}")] = secs.into();
        let n = days * 24;
        println!(
            "| {batch} | {} | {:.3} s | {:.0} |",
            (n as u32).div_ceil(batch),
            secs,
            n as f64 / secs
        );
    }
}

/// Buckets per upload in part 2.
const BATCH: i64 = 200;
const DATABASE: &str = "0be4c400-0000-4000-8000-000000000001";

/// The four ways into a database part 2 compares, each on its own file so none rides on
/// another's fsync, with the seconds each write took.
struct Ingest {
    url: String,
    http: reqwest::Client,
    store: hub_kiosk::central::CentralStore,
    raw: rusqlite::Connection,
    narrow: rusqlite::Connection,
    /// Seconds per write: HTTP, central store, raw SQLite, narrower raw SQLite, refused at the
    /// token, refused read.
    times: [Vec<f64>; 6],
}

impl Ingest {
    fn new(dir: &std::path::Path) -> Ingest {
        let (_central, url) = start_central(&dir.join("ingest"));
        Ingest {
            url,
            http: reqwest::Client::new(),
            store: hub_kiosk::central::CentralStore::open(&dir.join("store.sqlite3")).unwrap(),
            raw: raw_table(&dir.join("raw.sqlite3")),
            narrow: narrow_table(&dir.join("narrow.sqlite3")),
            times: Default::default(),
        }
    }

    /// Writes `bs` by path `k` (0 HTTP, 1 central store, 2 raw SQLite, 3 narrower raw SQLite;
    /// 4 and 5 HTTP refused at the token and after reading), timing it.
    async fn write(&mut self, k: usize, bs: &[Bucket]) {
        // A version from the future is refused once the body is read.
        let (token, version) = match k {
            4 => ("not-the-kiosk-token-0123456789abcd", 1),
            5 => (TOKEN, 99),
            _ => (TOKEN, 1),
        };
        let body = serde_json::to_vec(&Upload {
            version,
            site: "walton".into(),
            kiosk: "entrance".into(),
            database: DATABASE.into(),
            buckets: bs.to_vec(),
            software: None,
        })
        .unwrap();
        let t = Instant::now();
        match k {
            0 | 4 | 5 => {
                let r = self
                    .http
                    .put(format!("{}/api/v1/footfall", self.url))
                    .bearer_auth(token)
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                let want = [200, 0, 0, 0, 401, 422][k];
                assert_eq!(r.status().as_u16(), want, "path {k}");
                r.bytes().await.unwrap();
            }
            1 => {
                self.store
                    .upsert("walton", "entrance", DATABASE, bs, Utc::now())
                    .unwrap();
            }
            2 => raw_upsert(&mut self.raw, bs),
            _ => narrow_upsert(&mut self.narrow, bs),
        }
        self.times[k].push(t.elapsed().as_secs_f64());
    }

    /// Each round sends the same hours again with a higher revision: the first round inserts,
    /// the others replace, as resends do. All hours stay in the past of the service's clock.
    async fn run(&mut self, rounds: usize, per_round: usize) {
        let first: DateTime<Utc> = "2026-01-02T00:00:00Z".parse().unwrap();
        for round in 0..rounds {
            for i in 0..per_round {
                let hour = first + Span::hours(i as i64 * BATCH);
                let bs = buckets(hour, BATCH, round as i64 + 1);
                // The four take turns going first: on this disk a commit right after another
                // file's fsync costs differently, and rotating spreads that over all four.
                for k in 0..4 {
                    self.write((i + round + k) % 4, &bs).await;
                }
                self.write(4, &bs).await;
                self.write(5, &bs).await;
            }
        }
    }
}

/// Part 2's table; medians go into `json`.
fn ingest_table(times: [Vec<f64>; 6], n: f64, dir: &std::path::Path, json: &mut serde_json::Value) {
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let [t_http, t_store, t_raw, t_narrow, t_token, t_read] = times;
    let floor = median(&mut t_raw.clone());
    println!(
        "\nIngest of {n} buckets, {BATCH} per transaction (one fsync each), same disk ({}):\n",
        dir.display()
    );
    println!(
        "| path | median ms per {BATCH} | buckets/s (median) | buckets/s (overall) | speed vs raw upsert of the same rows |"
    );
    println!("|---|---:|---:|---:|---:|");
    for (key, name, mut t) in [
        (
            "http",
            "`PUT /api/v1/footfall` (HTTP + JSON + checks + store)",
            t_http,
        ),
        ("store", "central store upsert alone", t_store),
        (
            "raw",
            "raw SQLite upsert of the same rows, same settings",
            t_raw,
        ),
        (
            "narrow",
            "raw SQLite upsert, narrower (5 values bound, 4 updated)",
            t_narrow,
        ),
        (
            "refused_token",
            "`PUT` refused at the token (HTTP round trip with the body)",
            t_token,
        ),
        (
            "refused_read",
            "`PUT` refused once read (HTTP round trip + JSON)",
            t_read,
        ),
    ] {
        let total: f64 = t.iter().sum();
        let m = median(&mut t);
        json[format!("ingest_{key}_median_ms")] = (m * 1e3).into();
        println!(
            "| {name} | {:.2} | {:.0} | {:.0} | {:.2}× |",
            m * 1e3,
            BATCH as f64 / m,
            n / total,
            floor / m
        );
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let full = std::env::args().any(|a| a == "--bench");
    let rounds: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(if full { 10 } else { 1 });
    let (days, per_round) = if full { (30, 10) } else { (2, 2) };
    let dir = tempfile::Builder::new()
        .prefix("hub-kiosk-bench")
        .tempdir_in(std::env::current_dir().unwrap())
        .unwrap();
    let mut json = serde_json::json!({ "bench": "sync_backlog", "days": days });
    backlog_table(dir.path(), days, &mut json).await;

    let mut ingest = Ingest::new(dir.path());
    // On a worker of the runtime, as a kiosk's forwarding sends, not on the thread that waits
    // for `main`: each answer would otherwise hand over to that thread once more.
    let ingest = tokio::spawn(async move {
        ingest.run(rounds, per_round).await;
        ingest
    })
    .await
    .unwrap();
    let n = (rounds * per_round) as f64 * BATCH as f64;
    ingest_table(ingest.times, n, dir.path(), &mut json);
    if std::env::args().any(|a| a == "--json") {
        json["ingest_batch"] = BATCH.into();
        println!("{json}");
    }
}
