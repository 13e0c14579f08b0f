//! Where things are in a timetable file, so every problem names its line. iCalendar folds long
//! lines (a line starting with a space or tab continues the one before); the reader reads the
//! unfolded text, so this keeps, for each unfolded line, the file line it started on.

/// The unfolded text and where each of its lines came from.
pub(super) struct Lines {
    /// Unfolded, one content line per CRLF, as RFC 5545 writes them.
    pub text: String,
    /// File line (1-based) of each unfolded line.
    origin: Vec<usize>,
}

impl Lines {
    /// Unfolds `raw` (RFC 5545 §3.1), keeping line origins.
    pub fn unfold(raw: &str) -> Lines {
        let raw = raw.strip_prefix('\u{feff}').unwrap_or(raw);
        let mut text = String::with_capacity(raw.len() + raw.len() / 16);
        let mut origin = Vec::new();
        // Where each unfolded line starts in `text`, to drop blank ones at the end.
        let mut starts = Vec::new();
        for (i, line) in raw.split('\n').enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            match line.strip_prefix([' ', '\t']) {
                Some(rest) if !origin.is_empty() => text.push_str(rest),
                _ => {
                    if !origin.is_empty() {
                        text.push_str("\r\n");
                    }
                    starts.push(text.len());
                    text.push_str(line);
                    origin.push(i + 1);
                }
            }
        }
        while let Some(&start) = starts.last() {
            if !text[start..].trim().is_empty() {
                break;
            }
            starts.pop();
            origin.pop();
            text.truncate(start.saturating_sub(2));
        }
        text.push_str("\r\n");
        Lines { text, origin }
    }

    /// The file line of unfolded line `index` (0-based).
    pub fn origin(&self, index: usize) -> usize {
        self.origin
            .get(index)
            .or(self.origin.last())
            .copied()
            .unwrap_or(1)
    }
}

#[cfg(test)]
mod tests {
    use super::super::content::read;
    use super::*;

    #[test]
    fn folded_lines_keep_the_line_they_started_on() {
        let l =
            Lines::unfold("BEGIN:VCALENDAR\r\nSUMMARY:Managing\r\n  anxiety\r\nEND:VCALENDAR\r\n");
        assert_eq!(
            l.text,
            "BEGIN:VCALENDAR\r\nSUMMARY:Managing anxiety\r\nEND:VCALENDAR\r\n"
        );
        assert_eq!((l.origin(1), l.origin(2)), (2, 4));
        // A file saved with bare line feeds reads the same, blank lines at its end dropped.
        let lf =
            Lines::unfold("BEGIN:VCALENDAR\nSUMMARY:Managing\n  anxiety\nEND:VCALENDAR\n\n \n");
        assert_eq!(lf.text, l.text);
        assert_eq!(Lines::unfold("").text, "\r\n");
    }

    #[test]
    fn a_stray_line_and_a_wrong_end_are_named_with_their_line() {
        let l = Lines::unfold(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nthis is wrong\nEND:VEVENT\nEND:VCALENDAR",
        );
        let p = read(&l).unwrap_err();
        assert_eq!(p.line, 3, "{p}");
        assert!(p.message.contains("this is wrong"), "{p}");
        let l = Lines::unfold("BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\nEND:VCALENDAR");
        let p = read(&l).unwrap_err();
        assert_eq!(p.line, 4, "{p}");
        assert!(p.message.contains("line 2"), "{p}");
        let l = Lines::unfold("BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\n");
        assert_eq!(read(&l).unwrap_err().line, 2);
    }
}
