//! The kiosk under systemd's conditions: stderr is the journal stream named by `JOURNAL_STREAM`
//! (`device:inode`) and `NOTIFY_SOCKET` is a datagram socket. Each log line must carry its
//! sd-daemon priority (so `journalctl -p warning` finds warnings) and `STATUS=` must say how the
//! kiosk is, as `systemctl status` shows it.

use std::io::{BufRead, BufReader, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::net::UnixDatagram;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A pipe: (read end, write end, "device:inode" of the pipe).
fn pipe() -> (OwnedFd, OwnedFd, String) {
    let mut fds = [0; 2];
    // SAFETY: pipe fills two new descriptors, owned below.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    let (r, w) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: fstat of a descriptor we own into a zeroed stat.
    assert_eq!(unsafe { libc::fstat(fds[1], &mut st) }, 0);
    (r, w, format!("{}:{}", st.st_dev, st.st_ino))
}

fn config(dir: &Path) -> std::path::PathBuf {
    let file = dir.join("kiosk.toml");
    std::fs::write(
        &file,
        format!(
            "[site]\nid = \"t\"\nname = \"Test\"\n[kiosk]\ndata_dir = {:?}\n[door]\nmode = \"simulator\"\nsimulator_input = \"-\"\n",
            dir
        ),
    )
    .unwrap();
    file
}

/// Starts the kiosk with stderr on `stderr`, `journal_stream` as JOURNAL_STREAM, and the door
/// simulator reading `door` from standard input.
fn start(dir: &Path, stderr: OwnedFd, journal_stream: &str, notify: &Path, door: &[u8]) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hub-kiosk"))
        .args(["run", "--headless", "--listen", "127.0.0.1:0", "--config"])
        .arg(config(dir))
        .env("JOURNAL_STREAM", journal_stream)
        .env("NOTIFY_SOCKET", notify)
        .env("RUST_LOG", "info")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::from(stderr))
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(door).unwrap();
    child
}

/// Reads lines from `read` on a thread until `done` holds for the lines so far (30 s at most).
fn lines_until(read: OwnedFd, done: impl Fn(&[String]) -> bool) -> Vec<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(std::fs::File::from(read)).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut lines = Vec::new();
    while !done(&lines) {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(l) => lines.push(l),
            Err(_) => panic!("timed out; the kiosk wrote:\n{}", lines.join("\n")),
        }
    }
    lines
}

fn stop(mut child: Child) {
    // SAFETY: a signal to our own child.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    assert!(child.wait().unwrap().success());
}

#[test]
fn under_journald_a_warning_has_warning_priority_and_info_has_info_priority() {
    let dir = tempfile::tempdir().unwrap();
    let notify_path = dir.path().join("notify");
    let notify = UnixDatagram::bind(&notify_path).unwrap();
    notify
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let (read, write, stream) = pipe();
    let child = start(
        dir.path(),
        write,
        &stream,
        &notify_path,
        b"in 2\nbogus\nout\n",
    );
    let is_warning =
        |l: &String| l.starts_with("<4>") && l.contains("`bogus` is not a door command");
    let is_info = |l: &String| l.starts_with("<6>") && l.contains("standard input ended");
    let lines = lines_until(read, |ls| {
        ls.iter().any(is_warning) && ls.iter().any(is_info)
    });
    for l in &lines {
        assert!(
            ["<3>", "<4>", "<6>", "<7>"]
                .iter()
                .any(|p| l.starts_with(p)),
            "a line without its priority: {l}"
        );
    }
    assert!(
        !lines.iter().any(|l| l.contains('\x1b')),
        "colour codes in the journal"
    );

    // READY=1, and a STATUS line naming forwarding, the queue and the door once they started.
    let wanted = "STATUS=not forwarding · 0 waiting · door ok";
    let mut said = Vec::new();
    let mut buf = [0u8; 4096];
    while !said.iter().any(|m: &String| m.contains(wanted)) {
        let Ok(n) = notify.recv(&mut buf) else {
            panic!("no `{wanted}` on NOTIFY_SOCKET; it said {said:?}");
        };
        said.push(String::from_utf8_lossy(&buf[..n]).into_owned());
    }
    assert!(said.iter().any(|m| m.contains("READY=1")), "{said:?}");
    stop(child);
}

#[test]
fn a_journal_stream_that_is_not_our_stderr_gives_plain_lines() {
    let dir = tempfile::tempdir().unwrap();
    let notify_path = dir.path().join("notify");
    let _notify = UnixDatagram::bind(&notify_path).unwrap();
    let (read, write, _) = pipe();
    // A stream inherited from a parent whose output went elsewhere.
    let child = start(dir.path(), write, "1:1", &notify_path, b"bogus\n");
    let lines = lines_until(read, |ls| {
        ls.iter().any(|l| l.contains("is not a door command"))
    });
    let warning = lines
        .iter()
        .find(|l| l.contains("is not a door command"))
        .unwrap();
    assert!(!warning.starts_with('<'), "{warning}");
    assert!(warning.contains("WARN"), "{warning}");
    stop(child);
}
