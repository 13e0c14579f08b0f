//! The door simulator (`door.mode = "simulator"`): door events read from a FIFO, a file or
//! standard input in the line protocol of [`super::script`], for desktops, tests and
//! `run --headless` without a sensor.
//!
//! - A path that does not exist is created as a FIFO: `echo in > PATH` counts one person. The
//!   kiosk holds the FIFO open itself, so writers may come and go.
//! - A regular file is read from its start and then followed, like `tail -f`.
//! - `-` reads standard input until it ends.
//!
//! Edges are stamped on the [`monotonic`] clock. After `wait MS` the next edge is stamped exactly
//! MS later than the one before, so scripted timings reach the beam logic as written.
//!
//! The reader sleeps in poll(2) on its input and on a pipe that stopping writes to, so an idle
//! FIFO costs no wake-up at all. A regular file cannot be waited on that way: it is looked at
//! again every [`FILE_POLL`].

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::thread::JoinHandle;
use std::time::Duration;

use super::script::{self, Step};
use super::{EdgeSource, Input, monotonic};
use crate::scanner::Scanned;
use crate::scanner::lines::LineSplitter;
use crate::wakeups::{self, Loop};

/// How often a regular file at its end is looked at again (a FIFO wakes the reader itself).
const FILE_POLL: Duration = Duration::from_millis(250);

/// The simulated sensor.
pub struct Simulator {
    input: PathBuf,
    dual: bool,
    stop: Arc<AtomicBool>,
    /// The write end of the pipe that wakes the reader to stop.
    waker: Option<OwnedFd>,
    thread: Option<JoinHandle<()>>,
}

impl Simulator {
    /// `input`: a FIFO or file path, or `-` for standard input. `dual`: two beams.
    pub fn new(input: PathBuf, dual: bool) -> Self {
        Simulator {
            input,
            dual,
            stop: Arc::new(AtomicBool::new(false)),
            waker: None,
            thread: None,
        }
    }
}

impl EdgeSource for Simulator {
    fn start(&mut self, tx: Sender<Input>) -> Result<[bool; 2], String> {
        let stdin = self.input.as_os_str() == "-";
        let file = if stdin {
            None
        } else {
            Some(open(&self.input)?)
        };
        let shown = if stdin {
            "standard input".to_owned()
        } else {
            self.input.display().to_string()
        };
        tracing::info!(
            "door simulator: reading {shown}; write lines such as `in`, `out 2` or `walk in` (docs/hardware.md){}",
            if stdin {
                String::new()
            } else {
                format!(", e.g. `echo in > {shown}`")
            }
        );
        let (wake, waker) = pipe()?;
        let mut player = Player {
            tx,
            dual: self.dual,
            stop: self.stop.clone(),
            wake,
            cursor: monotonic(),
            after_wait: false,
            line: 0,
        };
        let spawned = std::thread::Builder::new().name("door-simulator".into());
        let thread = match file {
            Some(f) => spawned.spawn(move || player.follow(f)),
            None => spawned.spawn(move || player.read_to_end(std::io::stdin())),
        }
        .map_err(|e| format!("cannot start the simulator's thread: {e}"))?;
        // Standard input cannot be interrupted: that thread ends with its input or the process.
        // Kept for standard input too: a closed pipe would end every `wait` at once.
        self.waker = Some(waker);
        if !stdin {
            self.thread = Some(thread);
        }
        Ok([false, false])
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(w) = &self.waker {
            // SAFETY: writes one byte from a valid buffer to a pipe this struct owns.
            let _ = unsafe { libc::write(w.as_raw_fd(), [1u8].as_ptr().cast(), 1) };
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Opens `path`, creating a FIFO there if nothing exists yet.
fn open(path: &Path) -> Result<File, String> {
    let shown = path.display();
    if !path.exists() {
        let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes())
            .map_err(|_| format!("simulator input {shown}: the path contains a NUL byte"))?;
        // SAFETY: `c` is a valid NUL-terminated path; mkfifo does not keep it.
        if unsafe { libc::mkfifo(c.as_ptr(), 0o600) } != 0 {
            let e = std::io::Error::last_os_error();
            return Err(format!(
                "cannot create the simulator's FIFO {shown}: {e}; check that its directory exists and is writable, or set door.simulator_input"
            ));
        }
    }
    let meta = std::fs::metadata(path).map_err(|e| format!("simulator input {shown}: {e}"))?;
    let mut options = OpenOptions::new();
    if meta.file_type().is_fifo() {
        // Holding a write end too means the FIFO never reports an end when a writer closes.
        options
            .read(true)
            .write(true)
            .custom_flags(libc::O_NONBLOCK);
    } else if meta.is_file() {
        options.read(true);
    } else {
        return Err(format!(
            "simulator input {shown} is neither a file nor a FIFO: set door.simulator_input to a file, a FIFO or \"-\""
        ));
    }
    options
        .open(path)
        .map_err(|e| format!("cannot open the simulator input {shown}: {e}"))
}

/// A pipe (read end, write end) that wakes the reader when written to.
fn pipe() -> Result<(OwnedFd, OwnedFd), String> {
    let mut fds = [0 as RawFd; 2];
    // SAFETY: pipe2 writes two new descriptors into `fds`, which this function then owns.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) } != 0 {
        let e = std::io::Error::last_os_error();
        return Err(format!("cannot start the simulator: {e}"));
    }
    use std::os::fd::FromRawFd;
    // SAFETY: both descriptors were just made by pipe2 and are owned by nobody else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// Waits until `input` (if any) has something to read, the wake pipe is written to, or
/// `timeout` (`None`: no limit) passes.
fn wait(input: Option<RawFd>, wake: RawFd, timeout: Option<Duration>) {
    let mut fds = [wake, input.unwrap_or(-1)].map(|fd| libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    });
    let ms = timeout.map_or(-1, |t| {
        i32::try_from(t.as_nanos().div_ceil(1_000_000)).unwrap_or(i32::MAX)
    });
    // SAFETY: `fds` is a valid array of two pollfd (a negative fd is ignored by poll).
    unsafe { libc::poll(fds.as_mut_ptr(), 2, ms) };
}

/// Turns lines into inputs, keeping scripted time.
struct Player {
    tx: Sender<Input>,
    dual: bool,
    stop: Arc<AtomicBool>,
    /// Readable once the simulator is asked to stop.
    wake: OwnedFd,
    /// When the last step happened (or the next one will, after a `wait`).
    cursor: Duration,
    after_wait: bool,
    line: u64,
}

impl Player {
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Acquire)
    }

    /// Reads a FIFO or file until stopped, waiting for more at its end.
    fn follow(&mut self, mut f: File) {
        let fifo = f.metadata().is_ok_and(|m| m.file_type().is_fifo());
        let (input, timeout) = if fifo {
            (Some(f.as_raw_fd()), None)
        } else {
            (None, Some(FILE_POLL))
        };
        let mut lines = LineSplitter::default();
        let mut buf = [0u8; 4096];
        while !self.stopped() {
            wakeups::turned(Loop::Simulator);
            match f.read(&mut buf) {
                Ok(n) if n > 0 => lines.push(&buf[..n]).into_iter().for_each(|l| self.take(l)),
                Ok(_) => wait(input, self.wake.as_raw_fd(), timeout),
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    wait(input, self.wake.as_raw_fd(), timeout);
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => {
                    tracing::warn!(
                        "door simulator: reading failed ({e}); no more simulated passes"
                    );
                    return;
                }
            }
        }
    }

    /// Reads until the input ends.
    fn read_to_end(&mut self, mut r: impl Read) {
        let mut lines = LineSplitter::default();
        let mut buf = [0u8; 4096];
        loop {
            match r.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => lines.push(&buf[..n]).into_iter().for_each(|l| self.take(l)),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => {
                    tracing::warn!("door simulator: reading failed ({e})");
                    break;
                }
            }
        }
        lines.push(b"\n").into_iter().for_each(|l| self.take(l));
        tracing::info!("door simulator: standard input ended; no more simulated passes");
    }

    fn take(&mut self, scanned: Scanned) {
        self.line += 1;
        let parsed = match &scanned {
            Scanned::Line(bytes) => script::parse(&String::from_utf8_lossy(bytes), self.dual),
            Scanned::Overlong => Err("the line is too long".into()),
        };
        match parsed {
            Ok(steps) => steps.into_iter().for_each(|s| self.play(s)),
            Err(e) => tracing::warn!("door simulator, line {}: {e}; line skipped", self.line),
        }
    }

    fn play(&mut self, step: Step) {
        if self.stopped() {
            return;
        }
        if let Step::Wait(d) = step {
            if !self.after_wait {
                self.cursor = self.cursor.max(monotonic());
            }
            self.cursor += d;
            self.after_wait = true;
            while !self.stopped() {
                let left = self.cursor.saturating_sub(monotonic());
                if left.is_zero() {
                    break;
                }
                wait(None, self.wake.as_raw_fd(), Some(left));
            }
            return;
        }
        if !self.after_wait {
            self.cursor = self.cursor.max(monotonic());
        }
        self.after_wait = false;
        let input = match step {
            Step::Pass(direction, count) => Input::Pass { direction, count },
            Step::Beam(beam, broken) => Input::Edge {
                beam,
                broken,
                at: self.cursor,
            },
            Step::Wait(_) => return,
        };
        let _ = self.tx.send(input);
    }
}
