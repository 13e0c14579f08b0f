//! The desktop build under a real X server: `hub-kiosk run` (the demo, a temporary data
//! directory) opens its window on Xvfb and the welcome screen is on it — grabbed with `xwd` and
//! checked where the header, the background and the check-in button are. SIGTERM stops it
//! cleanly. Needs the Debian packages xvfb and x11-apps (`.ci/run` installs them).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The root window as (width, pixel at (x, y) as RGB).
fn grab(display: &str) -> Option<impl Fn(u32, u32) -> [u8; 3]> {
    let out = Command::new("xwd")
        .args(["-root", "-silent", "-display", display])
        .output()
        .expect("xwd runs (Debian package x11-apps)");
    let d = out.stdout;
    if !out.status.success() || d.len() < 100 {
        return None;
    }
    let word = |i: usize| u32::from_be_bytes(d[i * 4..i * 4 + 4].try_into().unwrap()) as usize;
    let (header, bpp, bpl, ncolors, lsb) = (word(0), word(11), word(12), word(19), word(7) == 0);
    assert_eq!(bpp, 32, "a 24-bit Xvfb screen");
    let offset = header + ncolors * 12;
    Some(move |x: u32, y: u32| {
        let o = offset + y as usize * bpl + x as usize * 4;
        let p = &d[o..o + 4];
        if lsb {
            [p[2], p[1], p[0]]
        } else {
            [p[1], p[2], p[3]]
        }
    })
}

fn near(a: [u8; 3], hex: u32) -> bool {
    let b = [(hex >> 16) as u8, (hex >> 8) as u8, hex as u8];
    a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= 6)
}

#[test]
fn the_desktop_build_shows_the_welcome_screen_under_xvfb() {
    let display = format!(":{}", 90 + std::process::id() % 400);
    let _xvfb = Killed(
        Command::new("Xvfb")
            .args([&display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb runs (Debian package xvfb)"),
    );
    let data = tempfile::tempdir().unwrap();
    let mut kiosk = Killed(
        Command::new(env!("CARGO_BIN_EXE_hub-kiosk"))
            .args(["run", "--listen", "127.0.0.1:0"])
            .env("DISPLAY", &display)
            .env_remove("WAYLAND_DISPLAY")
            .env("SLINT_BACKEND", "winit")
            .env("HUB_KIOSK_DEMO_DIR", data.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );

    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        assert!(
            kiosk.0.try_wait().unwrap().is_none(),
            "hub-kiosk run stopped before showing the screen"
        );
        if let Some(px) = grab(&display) {
            let header = px(20, 20);
            let background = px(640, 780 - 150);
            let button = px(232, 250);
            if near(header, 0x25406b) && near(button, 0x0b6e58) {
                assert!(
                    near(background, 0xfaf7f2) || background != header,
                    "{background:?}"
                );
                break;
            }
        }
        assert!(
            Instant::now() < deadline,
            "no welcome screen on {display} within 60 s"
        );
        std::thread::sleep(Duration::from_millis(300));
    }

    // SIGTERM: the screen closes and the kiosk exits 0.
    unsafe { libc::kill(kiosk.0.id() as i32, libc::SIGTERM) };
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = kiosk.0.try_wait().unwrap() {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "still running 20 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "{status:?}");
    assert!(data.path().join("kiosk.sqlite3").exists());
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
