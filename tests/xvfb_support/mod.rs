//! An X server for the tests and benches that run the desktop build (`tests/ui_xvfb.rs`,
//! `benches/ui_frames.rs`): Xvfb on a display it picks itself (`-displayfd`), waited for until
//! it says it is ready, so a slow first start on a fresh machine is not taken for a kiosk that
//! shows nothing; a grab of its screen with `xwd`; and the welcome screen's colours.

#![allow(dead_code)]

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running Xvfb, killed when dropped.
pub struct Xvfb {
    pub display: String,
    child: Child,
}

impl Xvfb {
    /// Xvfb at `width`×`height`×24, started and ready; `None` when it is not installed.
    /// Panics, saying what Xvfb printed, when it starts but does not get ready within 60 s.
    pub fn start(width: u32, height: u32) -> Option<Xvfb> {
        let (mut ready, tell) = std::io::pipe().unwrap();
        let log = tempfile::NamedTempFile::new().unwrap();
        let mut child = Command::new("Xvfb")
            // -noreset: by default Xvfb resets when its last client leaves, and a client that
            // connects during the reset is refused: the kiosk starting while an `xwd` grab
            // ends was, now and then ("Failed to open connection to X server").
            .args([
                "-displayfd",
                "1",
                "-noreset",
                "-nolisten",
                "tcp",
                "-screen",
                "0",
            ])
            .arg(format!("{width}x{height}x24"))
            .stdin(Stdio::null())
            .stdout(tell)
            .stderr(log.reopen().unwrap())
            .spawn()
            .ok()?;
        // Xvfb writes its display number to fd 1 once it accepts clients. The read ends at
        // that newline, or at end of file if Xvfb exits first.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let (mut text, mut byte) = (String::new(), [0u8; 1]);
            while ready.read(&mut byte).is_ok_and(|n| n == 1) && byte[0] != b'\n' {
                text.push(byte[0] as char);
            }
            let _ = tx.send(text);
        });
        let number = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_default();
        if number.trim().parse::<u32>().is_err() {
            let _ = child.kill();
            let _ = child.wait();
            let said = std::fs::read_to_string(log.path()).unwrap_or_default();
            panic!("Xvfb did not get ready within 60 s; it said:\n{said}");
        }
        Some(Xvfb {
            display: format!(":{}", number.trim()),
            child,
        })
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The root window of `display`, read with `xwd`; `None` if the grab failed.
pub struct Grab {
    data: Vec<u8>,
    offset: usize,
    bytes_per_line: usize,
    lsb_first: bool,
}

impl Grab {
    pub fn of(display: &str) -> Option<Grab> {
        let out = Command::new("xwd")
            .args(["-root", "-silent", "-display", display])
            .output()
            .expect("xwd runs (Debian package x11-apps)");
        let data = out.stdout;
        if !out.status.success() || data.len() < 100 {
            return None;
        }
        let word = |i: usize| u32::from_be_bytes(data[i * 4..i * 4 + 4].try_into().unwrap());
        assert_eq!(word(11), 32, "a 24-bit Xvfb screen (32 bits per pixel)");
        let (header, ncolors) = (word(0) as usize, word(19) as usize);
        Some(Grab {
            offset: header + ncolors * 12,
            bytes_per_line: word(12) as usize,
            lsb_first: word(7) == 0,
            data,
        })
    }

    /// The pixel at (`x`, `y`) as RGB.
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
        let o = self.offset + y as usize * self.bytes_per_line + x as usize * 4;
        let p = &self.data[o..o + 4];
        if self.lsb_first {
            [p[2], p[1], p[0]]
        } else {
            [p[1], p[2], p[3]]
        }
    }

    /// Within 6 of `hex` (0xRRGGBB) in each channel at (`x`, `y`).
    pub fn near(&self, x: u32, y: u32, hex: u32) -> bool {
        let want = [(hex >> 16) as u8, (hex >> 8) as u8, hex as u8];
        self.pixel(x, y)
            .iter()
            .zip(want)
            .all(|(a, b)| a.abs_diff(b) <= 6)
    }

    /// The welcome screen at 1280×800: the header's blue and the check-in button's green.
    pub fn shows_welcome(&self) -> bool {
        self.near(20, 20, 0x25406b) && self.near(232, 250, 0x0b6e58)
    }
}
