//! `hub-kiosk run --headless` as a desktop user runs it: the built-in demo counts door passes
//! written to its simulator FIFO, and a GPIO sensor configured off a Pi gives a clear warning
//! while the kiosk keeps running.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hub_kiosk::store::Store;

/// Starts the kiosk headless with `args`; its log goes to `log`.
fn kiosk(args: &[&str], demo_dir: &Path, log: &Path) -> Child {
    kiosk_with_stdin(args, demo_dir, log, Stdio::null())
}

fn kiosk_with_stdin(args: &[&str], demo_dir: &Path, log: &Path, stdin: Stdio) -> Child {
    Command::new(env!("CARGO_BIN_EXE_hub-kiosk"))
        .args(["run", "--headless", "--listen", "127.0.0.1:0"])
        .args(args)
        .env("HUB_KIOSK_DEMO_DIR", demo_dir)
        .env("RUST_LOG", "info")
        .env_remove("HUB_KIOSK_CONFIG")
        .stdin(stdin)
        .stdout(Stdio::null())
        .stderr(File::create(log).unwrap())
        .spawn()
        .unwrap()
}

/// Waits (polling, 30 s at most) until `ok` holds; fails early if the kiosk exits.
fn wait_until(child: &mut Child, log: &Path, what: &str, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !ok() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the kiosk exited ({status}) before {what}:\n{}", read(log));
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting until {what}:\n{}",
            read(log)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// SIGTERM, as systemd stops it; the kiosk must exit cleanly.
fn stop(mut child: Child, log: &Path) {
    // SAFETY: sending a signal to our own child process.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    let status = child.wait().unwrap();
    assert!(status.success(), "exit {status}:\n{}", read(log));
}

fn door_counts(db: &Path) -> Option<(i64, i64)> {
    let c = Store::open_read_only(db).ok()?.footfall_total().ok()?;
    Some((c.door_in, c.door_out))
}

#[test]
fn the_demo_counts_passes_written_to_its_simulator_fifo() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log.txt");
    let fifo = dir.path().join("door-simulator");
    let mut child = kiosk(&[], dir.path(), &log);
    wait_until(&mut child, &log, "the FIFO exists", || fifo.exists());
    let mut w = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
    w.write_all(b"in 2\nout\nwalk in\n").unwrap();
    drop(w);
    let db = dir.path().join("kiosk.sqlite3");
    wait_until(&mut child, &log, "3 in, 1 out", || {
        door_counts(&db) == Some((3, 1))
    });
    let text = read(&log);
    assert!(
        text.contains(&format!("echo in > {}", fifo.display())),
        "{text}"
    );
    stop(child, &log);
}

/// A configuration file for a test kiosk in `dir` with `door` as `[door]`.
fn config_file(dir: &Path, door: &str) -> std::path::PathBuf {
    let config = dir.join("kiosk.toml");
    std::fs::write(
        &config,
        format!(
            "[site]\nid = \"t\"\nname = \"Test\"\n[kiosk]\ndata_dir = {:?}\n[door]\n{door}\n",
            dir
        ),
    )
    .unwrap();
    config
}

#[test]
fn the_simulator_reads_standard_input_until_it_ends() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log.txt");
    let config = config_file(dir.path(), "mode = \"simulator\"\nsimulator_input = \"-\"");
    let args = ["--config", config.to_str().unwrap()];
    let mut child = kiosk_with_stdin(&args, dir.path(), &log, Stdio::piped());
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"in 4\nbogus\nout 2\nin").unwrap();
    drop(stdin);
    let db = dir.path().join("kiosk.sqlite3");
    wait_until(&mut child, &log, "5 in, 2 out", || {
        door_counts(&db) == Some((5, 2))
    });
    wait_until(&mut child, &log, "the end is logged", || {
        read(&log).contains("standard input ended")
    });
    assert!(read(&log).contains("line 2: `bogus` is not a door command"));
    stop(child, &log);
}

#[test]
fn a_gpio_sensor_off_a_pi_is_a_clear_warning_and_the_kiosk_runs_on() {
    let on_a_pi = std::fs::read_to_string("/proc/device-tree/model")
        .is_ok_and(|m| m.contains("Raspberry Pi"));
    if on_a_pi {
        eprintln!("skipped: this machine has the Pi's GPIO");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log.txt");
    let config = config_file(dir.path(), "mode = \"single\"");
    let mut child = kiosk(&["--config", config.to_str().unwrap()], dir.path(), &log);
    wait_until(&mut child, &log, "the warning", || {
        read(&log).contains("door sensor not counting")
    });
    let text = read(&log);
    assert!(
        text.contains("set door.mode = \"simulator\" (or \"none\")"),
        "{text}"
    );
    // Still running a moment later.
    std::thread::sleep(Duration::from_millis(500));
    assert!(child.try_wait().unwrap().is_none(), "{}", read(&log));
    stop(child, &log);
}
