//! A serial QR scanner, read on its own thread through rppal's `Uart` (any tty works:
//! USB-CDC scanners appear as `/dev/ttyACM0`, UART modules on `/dev/serial0`). An unplugged
//! scanner is retried every few seconds; the kiosk carries on meanwhile.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use rppal::uart::{Parity, Uart};

use super::Scanned;
use super::lines::LineSplitter;

/// How long a read waits before checking whether to stop.
const POLL: Duration = Duration::from_millis(200);
/// How long to wait before opening the port again after it failed.
const RETRY: Duration = Duration::from_secs(5);
/// How long to wait before reopening a port whose read failed.
const REOPEN: Duration = Duration::from_secs(1);

/// A running reader; dropping it (or calling `stop`) ends the thread.
pub struct SerialScanner {
    stop: Arc<AtomicBool>,
    open: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl SerialScanner {
    /// Starts reading `path` at `baud`, calling `on_scan` for each scan.
    pub fn spawn(
        path: &Path,
        baud: u32,
        on_scan: impl Fn(Scanned) + Send + 'static,
    ) -> std::io::Result<SerialScanner> {
        let stop = Arc::new(AtomicBool::new(false));
        let open = Arc::new(AtomicBool::new(false));
        let (flag, is_open) = (stop.clone(), open.clone());
        let path = path.to_owned();
        let thread = std::thread::Builder::new()
            .name("serial-scanner".into())
            .spawn(move || run(&path, baud, &flag, &is_open, &on_scan))?;
        Ok(SerialScanner {
            stop,
            open,
            thread: Some(thread),
        })
    }

    /// Whether the port is open and being read (for status displays; bytes sent before it
    /// opened are not read).
    pub fn connected(&self) -> bool {
        self.open.load(Ordering::Acquire)
    }

    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for SerialScanner {
    fn drop(&mut self) {
        self.halt();
    }
}

fn open(path: &PathBuf, baud: u32) -> rppal::uart::Result<Uart> {
    let mut uart = Uart::with_path(path, baud, Parity::None, 8, 1)?;
    uart.set_read_mode(0, POLL)?;
    Ok(uart)
}

fn run(
    path: &PathBuf,
    baud: u32,
    stop: &AtomicBool,
    is_open: &AtomicBool,
    on_scan: &dyn Fn(Scanned),
) {
    let mut reported = false;
    while !stop.load(Ordering::Acquire) {
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
                sleep_unless_stopped(RETRY, stop);
                continue;
            }
        };
        is_open.store(true, Ordering::Release);
        let mut splitter = LineSplitter::default();
        let mut buf = [0u8; 256];
        while !stop.load(Ordering::Acquire) {
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
        sleep_unless_stopped(REOPEN, stop);
    }
}

fn sleep_unless_stopped(total: Duration, stop: &AtomicBool) {
    let step = Duration::from_millis(100);
    let mut waited = Duration::ZERO;
    while waited < total && !stop.load(Ordering::Acquire) {
        std::thread::sleep(step);
        waited += step;
    }
}
