//! Where things are in a timetable file, so every problem names its line. iCalendar folds long
//! lines (a line starting with a space or tab continues the one before); the parser reads the
//! unfolded text, so this keeps, for each unfolded line, the file line it started on. It also
//! finds what the parser's own errors cannot point at precisely: a line that is not
//! `NAME:value`, and a `BEGIN` closed by the wrong `END`.

use super::Problem;

/// The unfolded text and where each of its lines came from.
pub(super) struct Lines {
    /// Unfolded, one content line per CRLF, as RFC 5545 writes them. (The parser looks for
    /// CRLF at the end of every property value first: with bare LFs it would search to the end
    /// of the file each time, and reading a term would take time in the square of its size.)
    pub text: String,
    /// File line (1-based) of each unfolded line.
    origin: Vec<usize>,
}

/// A `BEGIN:VEVENT` … `END:VEVENT` block: unfolded line indices of both ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Block {
    pub begin: usize,
    pub end: usize,
}

impl Lines {
    /// Unfolds `raw` (RFC 5545 §3.1) as the parser expects it, keeping line origins.
    pub fn unfold(raw: &str) -> Lines {
        let raw = raw.strip_prefix('\u{feff}').unwrap_or(raw);
        let mut logical: Vec<String> = Vec::new();
        let mut origin = Vec::new();
        for (i, line) in raw.split('\n').enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            match line.strip_prefix([' ', '\t']) {
                Some(rest) if !logical.is_empty() => {
                    if let Some(last) = logical.last_mut() {
                        last.push_str(rest);
                    }
                }
                _ => {
                    logical.push(line.to_owned());
                    origin.push(i + 1);
                }
            }
        }
        while logical.last().is_some_and(|l| l.trim().is_empty()) {
            logical.pop();
            origin.pop();
        }
        let mut text = logical.join("\r\n");
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

    fn lines(&self) -> impl Iterator<Item = (usize, &str)> {
        self.text.lines().enumerate()
    }

    /// The first line that is not `NAME[;params]:value`, or a `BEGIN`/`END` that do not pair.
    pub fn shape_problem(&self) -> Option<Problem> {
        let mut open: Vec<(String, usize)> = Vec::new();
        for (i, line) in self.lines() {
            let at = self.origin(i);
            let Some(name) = content_name(line) else {
                let shown: String = line.chars().take(40).collect();
                return Some(Problem::at(
                    at,
                    format!(
                        "`{shown}` is not an iCalendar line (NAME:value); was the file cut short or edited by hand?"
                    ),
                ));
            };
            let value = line.split_once(':').map_or("", |(_, v)| v.trim());
            if name.eq_ignore_ascii_case("BEGIN") {
                open.push((value.to_ascii_uppercase(), at));
            } else if name.eq_ignore_ascii_case("END") {
                match open.pop() {
                    Some((begun, _)) if begun == value.to_ascii_uppercase() => {}
                    Some((begun, from)) => {
                        return Some(Problem::at(
                            at,
                            format!(
                                "END:{value} closes BEGIN:{begun} of line {from}: add END:{begun} before it"
                            ),
                        ));
                    }
                    None => {
                        return Some(Problem::at(at, format!("END:{value} without a BEGIN")));
                    }
                }
            }
        }
        if let Some((begun, from)) = open.pop() {
            return Some(Problem::at(
                from,
                format!("BEGIN:{begun} is never closed: the file may be cut short"),
            ));
        }
        None
    }

    /// Every VEVENT block, in file order (the parser keeps the same order).
    pub fn events(&self) -> Vec<Block> {
        let mut out = Vec::new();
        let mut begin = None;
        for (i, line) in self.lines() {
            let upper = line.trim_end().to_ascii_uppercase();
            if upper == "BEGIN:VEVENT" {
                begin = Some(i);
            } else if upper == "END:VEVENT"
                && let Some(b) = begin.take()
            {
                out.push(Block { begin: b, end: i });
            }
        }
        out
    }

    /// The file line of `property` in `block` (or of the block's start when absent).
    pub fn property_line(&self, block: Block, property: &str) -> usize {
        self.lines()
            .skip(block.begin)
            .take(block.end - block.begin + 1)
            .find(|(_, l)| content_name(l).is_some_and(|n| n.eq_ignore_ascii_case(property)))
            .map_or(self.origin(block.begin), |(i, _)| self.origin(i))
    }

    /// The file line a parser error message points at ("at line 5").
    pub fn error_line(&self, message: &str) -> usize {
        let found = message.split("at line ").nth(1).and_then(|rest| {
            rest.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse::<usize>()
                .ok()
        });
        found.map_or(1, |n| self.origin(n.saturating_sub(1)))
    }
}

/// The name of a content line, when it is shaped like one.
fn content_name(line: &str) -> Option<&str> {
    let end = line.find([':', ';'])?;
    let name = &line[..end];
    let ok = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    ok.then_some(name)
}

#[cfg(test)]
mod tests {
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
        // A file saved with bare line feeds reads the same.
        let lf = Lines::unfold("BEGIN:VCALENDAR\nSUMMARY:Managing\n  anxiety\nEND:VCALENDAR\n");
        assert_eq!(lf.text, l.text);
    }

    #[test]
    fn a_stray_line_and_a_wrong_end_are_named_with_their_line() {
        let l = Lines::unfold(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nthis is wrong\nEND:VEVENT\nEND:VCALENDAR",
        );
        let p = l.shape_problem().unwrap();
        assert_eq!(p.line, 3, "{p}");
        assert!(p.message.contains("this is wrong"), "{p}");
        let l = Lines::unfold("BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\nEND:VCALENDAR");
        let p = l.shape_problem().unwrap();
        assert_eq!(p.line, 4, "{p}");
        assert!(p.message.contains("line 2"), "{p}");
        let l = Lines::unfold("BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\n");
        assert_eq!(l.shape_problem().unwrap().line, 2);
    }

    #[test]
    fn properties_are_found_inside_their_event() {
        let l = Lines::unfold(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nEND:VEVENT\nBEGIN:VEVENT\nUID:b\nRRULE:FREQ=WEEKLY\nEND:VEVENT\nEND:VCALENDAR",
        );
        let events = l.events();
        assert_eq!(events.len(), 2);
        assert_eq!(l.property_line(events[1], "RRULE"), 7);
        assert_eq!(l.property_line(events[0], "RRULE"), 2);
        assert_eq!(l.error_line("error: 0: at line 3, in Tag"), 3);
    }
}
