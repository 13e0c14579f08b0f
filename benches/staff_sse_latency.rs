//! Check-in → event visible at a staff page: how long after `Hub::check_in` is called does each
//! of 10 connected Server-Sent Events clients (advisors' queue pages) receive its
//! `checked_in` event, over real HTTP on 127.0.0.1. Beside it, from the same run, the time
//! `Hub::check_in` takes to return (commit with fsync, then the ticket's place and estimate).
//! The hub publishes the event right after the commit, before working out the place, so an
//! event often reaches the clients before `check_in` has returned.
//!
//! `cargo bench --bench staff_sse_latency [-- N] [--json]` (N check-ins, default 200) prints a
//! Markdown table (and with `--json` one JSON line after it, for `benches/run-all`).

#![warn(clippy::too_many_lines)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hub_kiosk::clock::SystemClock;
use hub_kiosk::config::{Config, DEMO_API_TOKEN};
use hub_kiosk::domain::{Language, Source, Visitor};
use hub_kiosk::events::EventBus;
use hub_kiosk::hub::{CheckInRequest, Hub};
use hub_kiosk::store::Store;
use tokio::sync::mpsc;

const CLIENTS: usize = 10;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// One SSE client: reports `ready`, then (check-in id, arrival) for every `checked_in`.
async fn client(url: String, ready: mpsc::Sender<()>, seen: mpsc::UnboundedSender<(i64, Instant)>) {
    let http = reqwest::Client::new();
    let mut res = http
        .get(url)
        .bearer_auth(DEMO_API_TOKEN)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    let mut buf = String::new();
    while let Ok(Some(chunk)) = res.chunk().await {
        let arrived = Instant::now();
        buf.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buf.find("\n\n") {
            let frame: String = buf.drain(..end + 2).collect();
            if frame.contains("event: ready") {
                let _ = ready.send(()).await;
            } else if frame.contains("event: checked_in") {
                let data = frame
                    .lines()
                    .find_map(|l| l.strip_prefix("data: "))
                    .unwrap();
                let v: serde_json::Value = serde_json::from_str(data).unwrap();
                let _ = seen.send((v["check_in_id"].as_i64().unwrap(), arrived));
            }
        }
    }
}

/// Milliseconds per measure, one entry per check-in (`commit`) or per delivery (`push`, `total`).
#[derive(Default)]
struct Samples {
    commit: Vec<f64>,
    push: Vec<f64>,
    total: Vec<f64>,
}

/// The demo kiosk on a fresh database in `dir`, its staff pages on a free port of 127.0.0.1.
fn kiosk(dir: &std::path::Path) -> (Arc<Hub>, Arc<Store>) {
    let mut config = Config::demo();
    config.kiosk.data_dir = dir.join("kiosk");
    config.staff.listen = "127.0.0.1:0".parse().unwrap();
    let store = Arc::new(Store::open(&config.database_path()).unwrap());
    let hub = Hub::new(
        Arc::new(config),
        store.clone(),
        Arc::new(SystemClock::new(true)),
        EventBus::new(),
    );
    (hub, store)
}

/// Starts the staff server and its SSE clients, then makes `n` check-ins, timing each.
async fn run(hub: Arc<Hub>, store: Arc<Store>, n: usize) -> Samples {
    let server = hub_kiosk::staff::start(hub.clone()).await.unwrap();
    let url = format!("http://{}/api/v1/events", server.addr);
    let (ready_tx, mut ready_rx) = mpsc::channel(CLIENTS);
    let (seen_tx, mut seen_rx) = mpsc::unbounded_channel();
    for _ in 0..CLIENTS {
        tokio::spawn(client(url.clone(), ready_tx.clone(), seen_tx.clone()));
    }
    for _ in 0..CLIENTS {
        ready_rx.recv().await.unwrap();
    }
    let needs = [
        vec!["advisor"],
        vec!["visiting"],
        vec!["housing", "courses"],
        vec!["money"],
    ];
    let mut samples = Samples::default();
    for i in 0..n {
        if i % 25 == 0 {
            // Keep the queue at a realistic length: a busy hub has a few dozen waiting at most.
            let store = store.clone();
            tokio::task::spawn_blocking(move || {
                let open: Vec<i64> = store.open_tickets().unwrap().iter().map(|t| t.id).collect();
                store.close_waiting(&open, chrono::Utc::now()).unwrap()
            })
            .await
            .unwrap();
        }
        check_in(&hub, &needs[i % needs.len()], &mut seen_rx, &mut samples).await;
    }
    server.stop().await;
    samples
}

/// One check-in, timed until `check_in` returns and until every client has heard of it.
async fn check_in(
    hub: &Arc<Hub>,
    needs: &[&str],
    seen_rx: &mut mpsc::UnboundedReceiver<(i64, Instant)>,
    samples: &mut Samples,
) {
    let req = CheckInRequest {
        visitor: Visitor::Anonymous,
        needs: needs.iter().map(|s| s.to_string()).collect(),
        language: Language::english(),
        source: Source::Touchscreen,
        priority: false,
        session: None,
        interpreter: false,
    };
    let h = hub.clone();
    let start = Instant::now();
    let (id, committed) = tokio::task::spawn_blocking(move || {
        let out = h.check_in(req).unwrap();
        (out.check_in_id, Instant::now())
    })
    .await
    .unwrap();
    samples.commit.push((committed - start).as_secs_f64() * 1e3);
    let mut got: HashMap<usize, Instant> = HashMap::new();
    while got.len() < CLIENTS {
        let (seen_id, at) = tokio::time::timeout(Duration::from_secs(30), seen_rx.recv())
            .await
            .expect("every client hears of the check-in within 30 s")
            .unwrap();
        if seen_id == id {
            got.insert(got.len(), at);
        }
    }
    for at in got.values() {
        samples.total.push((*at - start).as_secs_f64() * 1e3);
        samples
            .push
            .push(at.saturating_duration_since(committed).as_secs_f64() * 1e3);
    }
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(200);
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::Builder::new()
        .prefix("hub-kiosk-bench")
        .tempdir_in(std::env::current_dir().unwrap())
        .unwrap();
    let (hub, store) = kiosk(dir.path());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let samples = rt.block_on(run(hub, store, n));
    report(samples, n, dir.path());
}

/// The Markdown table, and with `--json` one JSON line after it.
fn report(samples: Samples, n: usize, dir: &std::path::Path) {
    let sorted = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v
    };
    let (commit, push, total) = (
        sorted(samples.commit),
        sorted(samples.push),
        sorted(samples.total),
    );
    println!(
        "Check-in → `checked_in` event at {CLIENTS} SSE clients over HTTP on 127.0.0.1, {n} check-ins ({} deliveries), database in {}:\n",
        total.len(),
        dir.display()
    );
    println!("| measure | p50 (ms) | p95 (ms) | max (ms) |");
    println!("|---|---:|---:|---:|");
    for (name, v) in [
        ("`Hub::check_in` returns (one per check-in)", &commit),
        (
            "`Hub::check_in` returned → event at a client (0 when earlier)",
            &push,
        ),
        ("**check-in → event at an SSE client**", &total),
    ] {
        println!(
            "| {name} | {:.3} | {:.3} | {:.3} |",
            percentile(v, 0.5),
            percentile(v, 0.95),
            v[v.len() - 1]
        );
    }
    if std::env::args().any(|a| a == "--json") {
        let json = serde_json::json!({
            "bench": "staff_sse_latency",
            "n": n,
            "clients": CLIENTS,
            "commit_p50_ms": percentile(&commit, 0.5),
            "commit_p95_ms": percentile(&commit, 0.95),
            "event_p50_ms": percentile(&total, 0.5),
            "event_p95_ms": percentile(&total, 0.95),
            "event_max_ms": total[total.len() - 1],
        });
        println!("{json}");
    }
}
