//! The desktop build under a real X server: `hub-kiosk run` (the demo, a temporary data
//! directory) opens its window on Xvfb and the welcome screen is on it — grabbed with `xwd` and
//! checked where the header, the background and the check-in button are. It tells systemd
//! (a notify socket played by the test) READY=1 and pings WATCHDOG=1 from the UI thread.
//! SIGTERM stops it cleanly, also when it comes while the kiosk is still starting. Needs the Debian packages xvfb and x11-apps (`.ci/run` installs them).

mod xvfb_support;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use xvfb_support::{Grab, Xvfb};

/// `hub-kiosk run` on the built-in demo with its data in `data`, its window on the X server
/// `display`; stdout dropped.
fn demo(display: &str, data: &std::path::Path) -> Command {
    let mut kiosk = Command::new(env!("CARGO_BIN_EXE_hub-kiosk"));
    kiosk
        .args(["run", "--listen", "127.0.0.1:0"])
        .env("DISPLAY", display)
        .env_remove("WAYLAND_DISPLAY")
        .env("SLINT_BACKEND", "winit")
        .env("HUB_KIOSK_DEMO_DIR", data)
        .stdout(Stdio::null());
    kiosk
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Killed {
    /// Sends SIGTERM, as systemd stops the kiosk, and waits at most 20 s for it to end.
    fn terminate(&mut self, when: &str) -> std::process::ExitStatus {
        unsafe { libc::kill(self.0.id() as i32, libc::SIGTERM) };
        self.ended_within(Duration::from_secs(20), &format!("a SIGTERM {when}"))
    }

    /// Waits at most `limit` for the kiosk to end, and fails the test if it does not.
    fn ended_within(&mut self, limit: Duration, after: &str) -> std::process::ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(s) = self.0.try_wait().unwrap() {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "still running {} s after {after}",
                limit.as_secs()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
fn the_desktop_build_shows_the_welcome_screen_under_xvfb() {
    let xvfb = Xvfb::start(1280, 800).expect("Xvfb runs (Debian package xvfb)");
    let display = xvfb.display.clone();
    let data = tempfile::tempdir().unwrap();
    let notify_path = data.path().join("notify.sock");
    let notify = std::os::unix::net::UnixDatagram::bind(&notify_path).unwrap();
    notify
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut kiosk = Killed(
        demo(&display, data.path())
            .env("NOTIFY_SOCKET", &notify_path)
            // Pings every 150 ms: half of WatchdogSec.
            .env("WATCHDOG_USEC", "300000")
            .env_remove("WATCHDOG_PID")
            .stderr(std::fs::File::create(data.path().join("stderr.txt")).unwrap())
            .spawn()
            .unwrap(),
    );
    let said = || std::fs::read_to_string(data.path().join("stderr.txt")).unwrap_or_default();

    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = kiosk.0.try_wait().unwrap() {
            panic!(
                "hub-kiosk run stopped ({status}) before showing the screen; it said:\n{}",
                said()
            );
        }
        if let Some(screen) = Grab::of(&display).filter(Grab::shows_welcome) {
            let background = screen.pixel(640, 780 - 150);
            assert!(
                screen.near(640, 780 - 150, 0xfaf7f2) || background != screen.pixel(20, 20),
                "{background:?}"
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no welcome screen on {display} within 60 s; hub-kiosk said:\n{}",
            said()
        );
        std::thread::sleep(Duration::from_millis(300));
    }

    // systemd hears READY=1, then watchdog pings keep coming from the screen's timer. The
    // socket is drained all along, as systemd does (a full socket would block the sender).
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 256];
        while let Ok(n) = notify.recv(&mut buf) {
            if tx
                .send(String::from_utf8_lossy(&buf[..n]).into_owned())
                .is_err()
            {
                break;
            }
        }
    });
    let mut got = Vec::new();
    while got
        .iter()
        .filter(|m: &&String| m.contains("WATCHDOG=1"))
        .count()
        < 3
    {
        let m = rx
            .recv_timeout(Duration::from_secs(5))
            .expect("READY=1 and WATCHDOG=1 on the notify socket");
        got.push(m);
    }
    assert!(got.iter().any(|m| m.contains("READY=1")), "{got:?}");

    // Nothing redraws while nothing changes: the UI thread sleeps (CPU ticks of its task).
    let ui_ticks = || {
        let pid = kiosk.0.id();
        let stat = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/stat")).unwrap();
        let after_name = &stat[stat.rfind(')').unwrap() + 2..];
        let f: Vec<u64> = after_name
            .split(' ')
            .map(|x| x.parse().unwrap_or(0))
            .collect();
        f[11] + f[12]
    };
    std::thread::sleep(Duration::from_millis(500));
    let before = ui_ticks();
    std::thread::sleep(Duration::from_secs(3));
    let idle = ui_ticks() - before;
    assert!(
        idle <= 10,
        "the UI thread used {idle} ticks in 3 s while idle"
    );

    // SIGTERM: the screen closes and the kiosk exits 0.
    let status = kiosk.terminate("on the welcome screen");
    assert!(status.success(), "{status:?}");
    assert!(data.path().join("kiosk.sqlite3").exists());
}

/// A SIGTERM at any moment of the start ends the kiosk: while the screen is still being built
/// (no handler yet: the signal's default), or between the handler and the services starting
/// (which used to leave it waiting for ever for services that would never start).
#[test]
fn a_sigterm_while_starting_ends_the_kiosk() {
    use std::os::unix::process::ExitStatusExt;
    let xvfb = Xvfb::start(1280, 800).expect("Xvfb runs (Debian package xvfb)");
    // Services start a quarter of a second after the window shows (the software renderer says
    // nothing of its frames), so every delay up to well past that is tried.
    for delay_ms in (0..=900).step_by(60) {
        let data = tempfile::tempdir().unwrap();
        let mut kiosk = Killed(
            demo(&xvfb.display, data.path())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        );
        std::thread::sleep(Duration::from_millis(delay_ms));
        let status = kiosk.terminate(&format!("{delay_ms} ms after the start"));
        assert!(
            status.success() || status.signal() == Some(libc::SIGTERM),
            "a SIGTERM {delay_ms} ms after the start: {status:?}"
        );
    }
}

/// The database opens after the first frame, not before: a damaged one still ends the kiosk
/// with the message that says what to do, and exit status 1, instead of a screen with nothing
/// behind it.
#[test]
fn a_damaged_database_ends_the_kiosk_with_what_to_do_after_the_screen_shows() {
    let xvfb = Xvfb::start(1280, 800).expect("Xvfb runs (Debian package xvfb)");
    let data = tempfile::tempdir().unwrap();
    std::fs::write(data.path().join("kiosk.sqlite3"), vec![0x5a; 8192]).unwrap();
    let mut kiosk = Killed(
        demo(&xvfb.display, data.path())
            .stderr(std::fs::File::create(data.path().join("stderr.txt")).unwrap())
            .spawn()
            .unwrap(),
    );
    let status = kiosk.ended_within(Duration::from_secs(60), "starting on a damaged database");
    let said = std::fs::read_to_string(data.path().join("stderr.txt")).unwrap();
    assert_eq!(status.code(), Some(1), "{said}");
    assert!(
        said.contains("is damaged") && said.contains("move the file aside"),
        "{said}"
    );
}

#[test]
fn with_no_display_it_says_so_and_suggests_headless() {
    let data = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_hub-kiosk"))
        .args(["run", "--listen", "127.0.0.1:0"])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("HUB_KIOSK_DEMO_DIR", data.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("no display") && err.contains("--headless"),
        "{err}"
    );
}
