//! A serial QR scanner, read on its own thread through rppal's `Uart` (any tty works:
//! USB-CDC scanners appear as `/dev/ttyACM0`, UART modules on `/dev/serial0`). An unplugged
//! scanner is retried every few seconds; the kiosk carries on meanwhile.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rppal::uart::{Parity, Uart};

use super::Scanned;
use super::lines::LineSplitter;
use crate::background::{Background, Stop};

/// How long a read waits before checking whether to stop.
const POLL: Duration = Duration::from_millis(200);
/// How long to wait before opening the port again after it failed.
const RETRY: Duration = Duration::from_secs(5);
/// How long to wait before reopening a port whose read failed.
const REOPEN: Duration = Duration::from_secs(1);

/// A running reader; dropping it (or calling `stop`) ends the thread.
pub struct SerialScanner {
    open: Arc<AtomicBool>,
    thread: Background,
}

impl SerialScanner {
    /// Starts reading `path` at `baud`, calling `on_scan` for each scan.
    pub fn spawn(
        path: &Path,
        baud: u32,
        on_scan: impl Fn(Scanned) + Send + 'static,
    ) -> std::io::Result<SerialScanner> {
        let open = Arc::new(AtomicBool::new(false));
        let is_open = open.clone();
        let path = path.to_owned();
        let thread = Background::spawn("serial-scanner", move |stop| {
            run(&path, baud, &stop, &is_open, &on_scan)
        })?;
        Ok(SerialScanner { open, thread })
    }

    /// Whether the port is open and being read (for status displays; bytes sent before it
    /// opened are not read).
    pub fn connected(&self) -> bool {
        self.open.load(Ordering::Acquire)
    }

    pub fn stop(self) {
        self.thread.stop();
    }
}

fn open(path: &PathBuf, baud: u32) -> rppal::uart::Result<Uart> {
    let mut uart = Uart::with_path(path, baud, Parity::None, 8, 1)?;
    uart.set_read_mode(0, POLL)?;
    Ok(uart)
}

fn run(path: &PathBuf, baud: u32, stop: &Stop, is_open: &AtomicBool, on_scan: &dyn Fn(Scanned)) {
    let mut reported = false;
    while !stop.requested() {
        let mut uart = match open(path, baud) {
            Ok(u) => {
                tracing::info!(path = %path.display(), baud, "serial scanner ready");
                reported = false;
                u
            }
            Err(e) => {
                if !reported {
                    tracing::warn!(path = %path.display(), "serial scanner not available ({e}); trying again every {}s", RETRY.as_secs());
                    reported = true;
                }
                stop.sleep(RETRY);
                continue;
            }
        };
        is_open.store(true, Ordering::Release);
        let mut splitter = LineSplitter::default();
        let mut buf = [0u8; 256];
        while !stop.requested() {
            match uart.read(&mut buf) {
                Ok(0) => {}
                Ok(n) => splitter.push(&buf[..n]).into_iter().for_each(on_scan),
                Err(e) => {
                    tracing::warn!(path = %path.display(), "serial scanner read failed ({e}); reopening");
                    break;
                }
            }
        }
        is_open.store(false, Ordering::Release);
        // A port that opens but fails every read must not spin.
        stop.sleep(REOPEN);
    }
}
