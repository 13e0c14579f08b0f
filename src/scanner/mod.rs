//! QR scanner input: a USB keyboard-wedge scanner typing into the screen, or a serial scanner
//! (USB-CDC `/dev/ttyACM0`, or a UART module on `/dev/serial0`).
//!
//! Both deliver a scan as the bytes of one line. Input is hostile — any bytes, any length,
//! split anywhere — so both paths cap line length and never assume UTF-8; what a scan means is
//! decided by `Hub::scan_card`.

pub mod lines;
pub mod serial;
pub mod wedge;

/// Longest line taken as a scan; longer input is dropped as one malformed scan.
pub const MAX_LINE: usize = 1024;

/// One item read from a scanner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scanned {
    /// A complete line, without its line end.
    Line(Vec<u8>),
    /// A line longer than `MAX_LINE`, dropped whole.
    Overlong,
}
