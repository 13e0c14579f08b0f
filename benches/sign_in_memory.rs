//! Memory under a sign-in flood: a real kiosk (`hub-kiosk run --headless`, the built-in demo,
//! a fresh data directory) receives 500 wrong sign-ins at the same moment from 250 loopback
//! addresses (two each, so the per-device throttle lets them through and only the bound on
//! passcode checks in flight holds memory down). Its peak RSS during the flood (`VmHWM`, reset
//! through `/proc/PID/clear_refs` just before) is printed beside its RSS before. Each Argon2
//! check takes about 19 MiB; the growth must stay under 64 MiB.
//!
//! `cargo bench --bench sign_in_memory [-- N] [--json]` (N sign-ins, default 500) prints a
//! Markdown table (and with `--json` one JSON line after it). `HUB_KIOSK_BIN` measures another
//! build of the binary. Exits 1 when the growth is 64 MiB or more.

#![warn(clippy::too_many_lines)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const LIMIT_MIB: f64 = 64.0;
const ADDRESSES: usize = 250;

struct Kiosk(Child);

impl Drop for Kiosk {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A field of `/proc/PID/status` in MiB (`VmRSS`, `VmHWM`).
fn status_mib(pid: u32, field: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"));
    kib / 1024.0
}

fn start(bin: &str, dir: &std::path::Path) -> (Kiosk, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let child = Command::new(bin)
        .args(["run", "--headless", "--listen", &listen])
        .env("HUB_KIOSK_DEMO_DIR", dir)
        .env("RUST_LOG", "error")
        .env_remove("HUB_KIOSK_CONFIG")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {bin}: {e}"));
    (Kiosk(child), format!("http://{listen}"))
}

async fn wait_ready(base: &str) {
    let http = reqwest::Client::new();
    for _ in 0..600 {
        if let Ok(r) = http.get(format!("{base}/healthz")).send().await
            && r.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the kiosk did not answer /healthz within a minute");
}

/// `n` wrong sign-ins at once, from `ADDRESSES` loopback addresses; (status, count) pairs.
async fn flood(base: &str, n: usize) -> Vec<(u16, usize)> {
    let clients: Vec<reqwest::Client> = (0..ADDRESSES)
        .map(|i| {
            reqwest::Client::builder()
                .local_address(std::net::IpAddr::from([127, 0, 2, (i % 250 + 1) as u8]))
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(120))
                .build()
                .unwrap()
        })
        .collect();
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(n));
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (client, url, start) = (
                clients[i % ADDRESSES].clone(),
                base.to_owned(),
                start.clone(),
            );
            tokio::spawn(async move {
                start.wait().await;
                client
                    .post(format!("{url}/login"))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("origin", &url)
                    .body(format!(
                        "name=Desk+1&passcode={}&next=%2Fqueue",
                        100_000 + i
                    ))
                    .send()
                    .await
                    .map_or(0, |r| r.status().as_u16())
            })
        })
        .collect();
    let mut counts = std::collections::BTreeMap::new();
    for t in tasks {
        *counts.entry(t.await.unwrap()).or_insert(0) += 1;
    }
    counts.into_iter().collect()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(500);
    let json = args.iter().any(|a| a == "--json");
    let _ = rustls::crypto::ring::default_provider().install_default();
    let bin = std::env::var("HUB_KIOSK_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_hub-kiosk").to_owned());
    let dir = tempfile::Builder::new()
        .prefix("hub-kiosk-bench")
        .tempdir()
        .unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (kiosk, base) = start(&bin, dir.path());
    let pid = kiosk.0.id();
    rt.block_on(wait_ready(&base));
    std::thread::sleep(Duration::from_secs(1));
    // Peak RSS from here on.
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").unwrap();
    let before = status_mib(pid, "VmRSS");
    let started = Instant::now();
    let answers = rt.block_on(flood(&base, n));
    let took = started.elapsed().as_secs_f64();
    let peak = status_mib(pid, "VmHWM");
    std::thread::sleep(Duration::from_secs(2));
    let after = status_mib(pid, "VmRSS");
    drop(kiosk);
    let growth = peak - before;
    let answered: Vec<String> = answers
        .iter()
        .map(|(s, c)| match s {
            0 => format!("{c} closed unanswered (over the connection cap)"),
            _ => format!("{c} × {s}"),
        })
        .collect();
    println!(
        "Memory of `hub-kiosk run --headless` during {n} concurrent wrong sign-ins from {ADDRESSES} addresses on 127.0.0.1 ({bin}):\n"
    );
    println!("| measure | value |\n|---|---:|");
    println!("| RSS before (MiB) | {before:.1} |");
    println!("| **peak RSS during the sign-ins, VmHWM (MiB)** | {peak:.1} |");
    println!("| growth (MiB) | {growth:.1} (limit {LIMIT_MIB:.0}) |");
    println!("| RSS 2 s after (MiB) | {after:.1} |");
    println!("| all answered in (s) | {took:.2} |");
    println!("| answers | {} |", answered.join(", "));
    if json {
        println!(
            "{}",
            serde_json::json!({"bench": "sign_in_memory", "sign_ins": n, "rss_before_mib": before,
                "vmhwm_mib": peak, "growth_mib": growth, "rss_after_mib": after, "seconds": took,
                "answers": answers.iter().map(|(s, c)| (s.to_string(), *c)).collect::<std::collections::BTreeMap<_, _>>()})
        );
    }
    if growth >= LIMIT_MIB {
        eprintln!("the growth, {growth:.1} MiB, is not under {LIMIT_MIB} MiB");
        std::process::exit(1);
    }
}
