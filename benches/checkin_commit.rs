//! Check-in commit latency beside the floor set by the disk: a bare single-row SQLite insert
//! transaction with the same pragmas (WAL, synchronous=FULL) on the same disk, in the same run.
//!
//! `cargo bench --bench checkin_commit [-- N] [--json]` prints a Markdown table (and with
//! `--json` one JSON line after it, for `benches/run-all`). Runs alternate between the two so
//! that noise from other work on the machine falls on both alike.

#![warn(clippy::too_many_lines)]

use std::sync::Arc;
use std::time::Instant;

use hub_kiosk::clock::SystemClock;
use hub_kiosk::config::Config;
use hub_kiosk::domain::{Language, Source, Visitor};
use hub_kiosk::events::EventBus;
use hub_kiosk::hub::{CheckInRequest, Hub};
use hub_kiosk::store::Store;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// A bare table with the store's settings (WAL, synchronous=FULL): the disk's floor.
fn bare_table(path: &std::path::Path) -> rusqlite::Connection {
    let bare = rusqlite::Connection::open(path).unwrap();
    bare.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .unwrap();
    bare.execute_batch(
        "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;
         CREATE TABLE t (id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, v TEXT NOT NULL);",
    )
    .unwrap();
    bare
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(400);
    let dir = tempfile::Builder::new()
        .prefix("hub-kiosk-bench")
        .tempdir_in(std::env::current_dir().unwrap())
        .unwrap();

    let mut config = Config::demo();
    config.kiosk.data_dir = dir.path().join("kiosk");
    let store = Arc::new(Store::open(&config.database_path()).unwrap());
    let hub = Hub::new(
        Arc::new(config),
        store.clone(),
        Arc::new(SystemClock::new(true)),
        EventBus::new(),
    );

    let bare = bare_table(&dir.path().join("bare.sqlite3"));

    let needs = [
        vec!["housing", "courses"],
        vec!["advisor"],
        vec!["visiting"],
        vec!["money", "work"],
    ];
    let (mut ours, mut floor) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        if i % 25 == 0 {
            // Keep the queue at a realistic length: a busy hub has a few dozen waiting at most.
            let now = chrono::Utc::now();
            let open: Vec<i64> = store.open_tickets().unwrap().iter().map(|t| t.id).collect();
            store.close_waiting(&open, now).unwrap();
        }
        let req = CheckInRequest {
            visitor: Visitor::Anonymous,
            needs: needs[i % needs.len()]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            language: Language::english(),
            source: Source::Touchscreen,
            priority: false,
            session: None,
            interpreter: false,
        };
        let t = Instant::now();
        hub.check_in(req).unwrap();
        ours.push(t.elapsed().as_secs_f64() * 1e3);

        let t = Instant::now();
        let tx = bare.unchecked_transaction().unwrap();
        tx.execute("INSERT INTO t (at_ms, v) VALUES (?1, 'x')", [i as i64])
            .unwrap();
        tx.commit().unwrap();
        floor.push(t.elapsed().as_secs_f64() * 1e3);
    }
    report(ours, floor, n, dir.path());
}

/// The Markdown table, and with `--json` one JSON line after it.
fn report(mut ours: Vec<f64>, mut floor: Vec<f64>, n: usize, dir: &std::path::Path) {
    ours.sort_by(f64::total_cmp);
    floor.sort_by(f64::total_cmp);
    println!(
        "Check-in commit vs bare SQLite insert, {n} each, same disk ({}):\n",
        dir.display()
    );
    println!("| measure | hub-kiosk check-in | bare insert txn | ratio |");
    println!("|---|---:|---:|---:|");
    for (name, p) in [("p50 (ms)", 0.5), ("p99 (ms)", 0.99)] {
        let (a, b) = (percentile(&ours, p), percentile(&floor, p));
        println!("| {name} | {a:.3} | {b:.3} | {:.2}× |", a / b);
    }
    if std::env::args().any(|a| a == "--json") {
        let json = serde_json::json!({
            "bench": "checkin_commit",
            "n": n,
            "ours_p50_ms": percentile(&ours, 0.5),
            "ours_p99_ms": percentile(&ours, 0.99),
            "bare_p50_ms": percentile(&floor, 0.5),
            "bare_p99_ms": percentile(&floor, 0.99),
        });
        println!("{json}");
    }
}
