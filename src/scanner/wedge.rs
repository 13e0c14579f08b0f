//! A keyboard-wedge scanner "types" a scan followed by Enter. The screen feeds every key it gets
//! (outside text fields) here; a line typed fast and ended with Enter is a scan.

use super::{MAX_LINE, Scanned};

/// Keys further apart than this start a new scan: scanners type a whole code in well under a
/// second, so a stale partial line (someone pressing keys on a keyboard) is dropped.
pub const MAX_GAP_MS: u64 = 300;

/// Collects typed characters into scans.
#[derive(Debug, Default)]
pub struct Wedge {
    buf: Vec<u8>,
    overlong: bool,
    last_ms: Option<u64>,
}

impl Wedge {
    /// Feeds the text of one key event at `now_ms` (any steady clock). Returns a scan when the
    /// key was Enter and characters came before it.
    pub fn key(&mut self, text: &str, now_ms: u64) -> Option<Scanned> {
        if self
            .last_ms
            .is_some_and(|last| now_ms.saturating_sub(last) > MAX_GAP_MS)
        {
            self.buf.clear();
            self.overlong = false;
        }
        self.last_ms = Some(now_ms);
        if text == "\n" || text == "\r" {
            let out = if self.overlong {
                Some(Scanned::Overlong)
            } else if self.buf.is_empty() {
                None
            } else {
                Some(Scanned::Line(std::mem::take(&mut self.buf)))
            };
            self.buf.clear();
            self.overlong = false;
            return out;
        }
        // Only printable characters: arrows, function keys and modifiers arrive as private-use
        // code points and are not part of any scan.
        for c in text
            .chars()
            .filter(|c| !c.is_control() && !('\u{e000}'..='\u{f8ff}').contains(c))
        {
            let mut tmp = [0; 4];
            let bytes = c.encode_utf8(&mut tmp).as_bytes();
            if self.buf.len() + bytes.len() > MAX_LINE {
                self.overlong = true;
                self.buf.clear();
            } else if !self.overlong {
                self.buf.extend_from_slice(bytes);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn type_line(w: &mut Wedge, s: &str, start: u64) -> Option<Scanned> {
        for (i, c) in s.chars().enumerate() {
            assert_eq!(w.key(&c.to_string(), start + i as u64 * 5), None);
        }
        w.key("\n", start + s.len() as u64 * 5)
    }

    #[test]
    fn a_fast_line_ended_by_enter_is_a_scan() {
        let mut w = Wedge::default();
        assert_eq!(
            type_line(&mut w, "HK1:A B", 0),
            Some(Scanned::Line(b"HK1:A B".to_vec()))
        );
        assert_eq!(w.key("\n", 100), None, "Enter alone is not a scan");
    }

    #[test]
    fn a_slow_partial_line_is_dropped() {
        let mut w = Wedge::default();
        w.key("x", 0);
        w.key("y", 10);
        assert_eq!(
            type_line(&mut w, "HK1:Q", 2_000),
            Some(Scanned::Line(b"HK1:Q".to_vec()))
        );
    }

    #[test]
    fn special_keys_are_ignored_and_long_input_is_bounded() {
        let mut w = Wedge::default();
        w.key("\u{f700}", 0); // an arrow key
        w.key("A", 1);
        assert_eq!(w.key("\r", 2), Some(Scanned::Line(b"A".to_vec())));
        for i in 0..(MAX_LINE as u64 + 10) {
            w.key("Z", 100 + i / 100);
        }
        assert_eq!(w.key("\n", 200), Some(Scanned::Overlong));
    }
}
