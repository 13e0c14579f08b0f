//! A pseudo-terminal standing in for a serial QR scanner: a test writes to the master side, the
//! kiosk opens the slave side's path as its serial port. Shared by the scanner and screen tests.

use std::fs::File;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::PathBuf;

/// The master (the "scanner" writes here) and the slave's path; the slave stays open as long
/// as this lives, so the port does not hang up between the kiosk's reads.
pub struct Pty {
    pub master: File,
    _slave: OwnedFd,
    pub path: PathBuf,
}

pub fn openpty() -> Pty {
    let (mut master, mut slave) = (-1, -1);
    // SAFETY: openpty writes two descriptors; name, termios and winsize may be null.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors were just opened and are owned here alone.
    let (master, slave) = unsafe { (File::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let path = std::fs::read_link(format!("/proc/self/fd/{}", slave.as_raw_fd())).unwrap();
    Pty {
        master,
        _slave: slave,
        path,
    }
}
