//! A serial QR scanner reaches the screen: bytes written to a pseudo-terminal (the scanner's
//! side) are read by `SerialScanner` on its own thread, sent to the UI thread, and a valid
//! card opens the needs screen greeting the member by number — the same way as a
//! keyboard-wedge scan.

mod ui_support;

use std::fs::File;
use std::io::Write;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use hub_kiosk::ui::Screen;
use ui_support::{Kiosk, VALID_CARD, run, until};

fn openpty() -> (File, OwnedFd, std::path::PathBuf) {
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
    (master, slave, path)
}

#[test]
fn a_card_read_by_the_serial_scanner_opens_the_members_needs_screen() {
    let (mut master, _slave, path) = openpty();
    run(move || async move {
        let k = Kiosk::new(|c| c.scanner.serial = Some(path.clone()));
        let serial = hub_kiosk::ui::window::start_serial(&k.ui, &k.hub.config.scanner)
            .expect("the serial scanner starts");
        until("the port is open", || serial.connected()).await;
        master.write_all(VALID_CARD.as_bytes()).unwrap();
        master.write_all(b"\r\n").unwrap();
        let api = k.ui.api();
        until("the member's needs screen", || {
            api.get_screen() == Screen::Needs
        })
        .await;
        assert_eq!(api.get_member(), "M-1001");
        serial.stop();
    });
}
