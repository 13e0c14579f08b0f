//! A serial QR scanner reaches the screen: bytes written to a pseudo-terminal (the scanner's
//! side) are read by `SerialScanner` on its own thread, sent to the UI thread, and a valid
//! card opens the needs screen greeting the member by number — the same way as a
//! keyboard-wedge scan.

mod pty_support;
mod ui_support;

use std::io::Write;

use hub_kiosk::ui::Screen;
use ui_support::{Kiosk, VALID_CARD, run, until};

#[test]
fn a_card_read_by_the_serial_scanner_opens_the_members_needs_screen() {
    // Lives inside the test: the slave side stays open until it ends.
    let mut pty = pty_support::openpty();
    let path = pty.path.clone();
    run(move || async move {
        let k = Kiosk::new(|c| c.scanner.serial = Some(path.clone()));
        let serial = hub_kiosk::ui::window::start_serial(&k.ui, &k.hub.config().scanner)
            .expect("the serial scanner starts");
        until("the port is open", || serial.connected()).await;
        pty.master.write_all(VALID_CARD.as_bytes()).unwrap();
        pty.master.write_all(b"\r\n").unwrap();
        let api = k.ui.api();
        until("the member's needs screen", || {
            api.get_screen() == Screen::Needs
        })
        .await;
        assert_eq!(api.get_member(), "M-1001");
        serial.stop();
    });
}
