//! What the screen costs: process start → first frame under Xvfb (release build, winit,
//! software renderer), resident memory after 1,000 check-ins tapped through the real screen,
//! the software renderer's full-frame time of each screen at 800×480 and 1280×800, and a tap →
//! the next screen rendered.
//!
//! `cargo bench --bench ui_frames [-- ROUNDS]` prints a Markdown table; under `cargo test` it
//! runs a small smoke version (20 check-ins, 2 rounds). Each part runs in its own process
//! (Slint's platform can be set once per process): this binary starts itself again with
//! `child-frames` or `child-checkins`. `child-render W H N` renders the welcome screen N times
//! and nothing else, for counting instructions under callgrind (`benches/run-all` runs it with
//! two values of N: the difference is the cost of frames alone, without the set-up).

#![warn(clippy::too_many_lines)]

#[path = "../tests/ui_support/mod.rs"]
mod ui_support;
#[path = "../tests/xvfb_support/mod.rs"]
mod xvfb_support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hub_kiosk::config::Config;
use hub_kiosk::domain::ticket::Action;
use hub_kiosk::ui::screenshots::{Look, Scene, Shooter};
use hub_kiosk::ui::{Api, Screen};
use i_slint_backend_testing::ElementQuery;
use slint::ComponentHandle;
use slint::platform::{PointerEventButton, WindowEvent};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn rss_kib(pid: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let full = args.iter().any(|a| a == "--bench");
    let rounds: usize =
        args.iter()
            .find_map(|a| a.parse().ok())
            .unwrap_or(if full { 15 } else { 2 });
    if args.iter().any(|a| a == "child-frames") {
        return child_frames(rounds);
    }
    if args.iter().any(|a| a == "child-checkins") {
        return child_checkins(if full { 1000 } else { 20 });
    }
    if let Some(i) = args.iter().position(|a| a == "child-render") {
        let num = |k: usize| args.get(i + k).and_then(|a| a.parse::<u32>().ok());
        let (Some(w), Some(h), Some(n)) = (num(1), num(2), num(3)) else {
            eprintln!("usage: ui_frames child-render WIDTH HEIGHT FRAMES");
            std::process::exit(64);
        };
        return child_render(w, h, n);
    }
    println!("| measure | value |");
    println!("|---|---|");
    first_frame(rounds.min(7));
    for mode in ["child-checkins", "child-frames"] {
        let out = Command::new(std::env::current_exe().unwrap())
            .args([
                mode,
                &rounds.to_string(),
                if full { "--bench" } else { "--smoke" },
            ])
            .stderr(Stdio::inherit())
            .output()
            .unwrap();
        print!("{}", String::from_utf8_lossy(&out.stdout));
        assert!(out.status.success(), "{mode} failed");
    }
}

/// Start → the welcome screen visible on Xvfb (seen by polling `xwd`), median of `runs`.
fn first_frame(runs: usize) {
    let Some(xvfb) = xvfb_support::Xvfb::start(1280, 800) else {
        println!("| process start → first frame | not measured: Xvfb is not installed |");
        return;
    };
    let display = &xvfb.display;
    let (mut times, mut rss, mut grab) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let data = tempfile::tempdir().unwrap();
        let start = Instant::now();
        let mut kiosk = Command::new(env!("CARGO_BIN_EXE_hub-kiosk"))
            .args(["run", "--listen", "127.0.0.1:0"])
            .env("DISPLAY", display)
            .env_remove("WAYLAND_DISPLAY")
            .env("SLINT_BACKEND", "winit")
            .env("HUB_KIOSK_DEMO_DIR", data.path())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(data.path().join("stderr.txt")).unwrap())
            .spawn()
            .unwrap();
        let said = || std::fs::read_to_string(data.path().join("stderr.txt")).unwrap_or_default();
        loop {
            let g = Instant::now();
            let seen = xvfb_support::Grab::of(display).is_some_and(|g| g.shows_welcome());
            grab.push(g.elapsed().as_secs_f64() * 1e3);
            if seen {
                times.push(start.elapsed().as_secs_f64() * 1e3);
                break;
            }
            if let Ok(Some(status)) = kiosk.try_wait() {
                panic!(
                    "hub-kiosk run stopped ({status}) before its screen; it said:\n{}",
                    said()
                );
            }
            if start.elapsed() > Duration::from_secs(60) {
                let _ = kiosk.kill();
                panic!("no screen within 60 s; hub-kiosk said:\n{}", said());
            }
        }
        std::thread::sleep(Duration::from_millis(500));
        rss.push(rss_kib(&kiosk.id().to_string()) as f64 / 1024.0);
        let _ = kiosk.kill();
        let _ = kiosk.wait();
    }
    drop(xvfb);
    println!(
        "| process start → first frame (Xvfb 1280×800, median of {runs}; one xwd grab takes {:.0} ms) | {:.0} ms |",
        median(grab),
        median(times)
    );
    println!(
        "| RSS of `hub-kiosk run` with the welcome screen shown | {:.1} MiB |",
        median(rss)
    );
}

/// 1,000 check-ins tapped through the screen (testing backend, real SQLite file, worker). An
/// advisor sees each drop-in as it comes, as on a busy day: a queue left to grow would reach
/// the point where the kiosk stops giving tickets that could not be seen before closing.
fn child_checkins(n: usize) {
    ui_support::run(move || async move {
        let k = ui_support::Kiosk::new(|_| {});
        let api = k.ui.api();
        let me = std::process::id().to_string();
        let before = rss_kib(&me);
        let needs = [
            "need-advisor",
            "need-courses",
            "need-housing",
            "need-wellbeing",
        ];
        let start = Instant::now();
        for i in 0..n {
            k.tap("check-in");
            k.tap(needs[i % needs.len()]);
            k.tap("done");
            ui_support::until("done", || api.get_screen() == Screen::Done).await;
            k.tap("finish");
            if let Ok(t) = k.hub.call_next("Sam") {
                k.hub.act(t.id, Action::Seen).unwrap();
            }
        }
        let took = start.elapsed();
        let after = rss_kib(&me);
        assert_eq!(k.count("SELECT count(*) FROM checkin"), n as i64);
        println!(
            "| {n} check-ins tapped through the screen | {:.1} s ({:.1} ms each, SQLite synchronous=FULL) |",
            took.as_secs_f64(),
            took.as_secs_f64() * 1e3 / n as f64
        );
        println!(
            "| RSS before → after {n} check-ins (screen + hub in one process) | {:.1} → {:.1} MiB |",
            before as f64 / 1024.0,
            after as f64 / 1024.0
        );
    });
}

/// The welcome screen rendered `n` times at `w`×`h`, full redraws, and nothing else.
fn child_render(w: u32, h: u32, n: u32) {
    let shooter = Shooter::new(Config::demo()).unwrap();
    shooter.stage(Scene::Welcome, "en", Look::default());
    for _ in 0..n {
        std::hint::black_box(shooter.render(w, h));
    }
}

/// Full-frame software rendering of every screen, and a tap → the next screen drawn.
fn child_frames(rounds: usize) {
    let shooter = Shooter::new(Config::demo()).unwrap();
    for (w, h) in [(800, 480), (1280, 800)] {
        for scene in Scene::ALL {
            shooter.stage(scene, "en", Look::default());
            shooter.render(w, h);
            let times: Vec<f64> = (0..rounds)
                .map(|_| {
                    let t = Instant::now();
                    std::hint::black_box(shooter.render(w, h));
                    t.elapsed().as_secs_f64() * 1e3
                })
                .collect();
            println!(
                "| frame: {} at {w}×{h} (software, full redraw) | {:.1} ms |",
                scene.name(),
                median(times)
            );
        }
        shooter.stage(Scene::Welcome, "ar", Look::default());
        let ar: Vec<f64> = (0..rounds)
            .map(|_| {
                let t = Instant::now();
                shooter.render(w, h);
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        println!(
            "| frame: welcome in Arabic at {w}×{h} | {:.1} ms |",
            median(ar)
        );
        let taps: Vec<f64> = (0..rounds)
            .map(|_| {
                shooter.stage(Scene::Welcome, "en", Look::default());
                shooter.render(w, h);
                let button = ElementQuery::from_root(&shooter.ui.window)
                    .match_descendants()
                    .match_predicate(|e| e.accessible_id().is_some_and(|i| i == "check-in"))
                    .find_first()
                    .unwrap();
                let (p, s) = (button.absolute_position(), button.size());
                let position =
                    slint::LogicalPosition::new(p.x + s.width / 2.0, p.y + s.height / 2.0);
                let window = shooter.ui.window.window();
                let t = Instant::now();
                let button = PointerEventButton::Left;
                window.dispatch_event(WindowEvent::PointerPressed { position, button });
                window.dispatch_event(WindowEvent::PointerReleased { position, button });
                shooter.render(w, h);
                let took = t.elapsed().as_secs_f64() * 1e3;
                assert_eq!(
                    shooter.ui.window.global::<Api>().get_screen(),
                    Screen::Needs
                );
                took
            })
            .collect();
        println!(
            "| tap Check in → needs screen rendered at {w}×{h} | {:.1} ms |",
            median(taps)
        );
    }
}
