//! Splitting a byte stream into scans: lines ended by CR, LF or CR LF, read in any pieces.

use super::{MAX_LINE, Scanned};

/// Accumulates bytes as they arrive and yields complete lines.
#[derive(Debug, Default)]
pub struct LineSplitter {
    buf: Vec<u8>,
    overlong: bool,
}

impl LineSplitter {
    /// Feeds bytes; returns every line completed by them. Empty lines are skipped.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<Scanned> {
        let mut out = Vec::new();
        for &b in bytes {
            if b == b'\r' || b == b'\n' {
                if self.overlong {
                    out.push(Scanned::Overlong);
                } else if !self.buf.is_empty() {
                    out.push(Scanned::Line(std::mem::take(&mut self.buf)));
                }
                self.buf.clear();
                self.overlong = false;
            } else if self.buf.len() >= MAX_LINE {
                self.overlong = true;
                self.buf.clear();
            } else if !self.overlong {
                self.buf.push(b);
            }
        }
        out
    }

    /// Bytes waiting for their line end.
    pub fn pending(&self) -> usize {
        self.buf.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_across_reads_and_line_ends() {
        let mut s = LineSplitter::default();
        assert!(s.push(b"HK1:AB").is_empty());
        assert_eq!(
            s.push(b"C\r\nHK1:X\n\nY"),
            vec![
                Scanned::Line(b"HK1:ABC".to_vec()),
                Scanned::Line(b"HK1:X".to_vec())
            ]
        );
        assert_eq!(s.pending(), 1);
    }

    #[test]
    fn an_overlong_line_is_one_item_and_memory_stays_bounded() {
        let mut s = LineSplitter::default();
        let noise = vec![0xa5u8; 10 * 1024];
        assert!(s.push(&noise).is_empty());
        assert!(s.pending() <= MAX_LINE);
        assert_eq!(
            s.push(b"\nOK\n"),
            vec![Scanned::Overlong, Scanned::Line(b"OK".to_vec())]
        );
    }
}
