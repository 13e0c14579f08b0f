//! iCalendar's content lines (RFC 5545 §3.1) read into components: `NAME;PARAM=value:value`
//! lines between `BEGIN:X` and `END:X`. The reader borrows from the unfolded text and keeps
//! each property's line, so a problem found later names the line it is on; a line that is not a
//! content line, or a `BEGIN` closed by the wrong `END`, is a problem of the whole file.
//! (A hand-written reader: the general parser it replaces spent most of a term's reading time
//! on backtracking and allocations.)

use std::borrow::Cow;

use super::Problem;
use super::lines::Lines;

/// One content line.
#[derive(Clone, Debug)]
pub(super) struct Property<'a> {
    pub name: &'a str,
    /// Its parameters, each value without its quotes.
    params: Vec<(&'a str, &'a str)>,
    /// The raw value (escapes kept: see [`Property::text`]).
    pub value: &'a str,
    /// Its unfolded line (0-based): [`Lines::origin`] gives the file's line.
    pub index: usize,
}

impl<'a> Property<'a> {
    /// The value of parameter `key` (names are case-insensitive).
    pub fn param(&self, key: &str) -> Option<&'a str> {
        self.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| *v)
    }

    /// The value as TEXT (RFC 5545 §3.3.11): `\,` `\;` `\\` and `\n` unescaped.
    pub fn text(&self) -> Cow<'a, str> {
        if !self.value.contains('\\') {
            return Cow::Borrowed(self.value);
        }
        let mut out = String::with_capacity(self.value.len());
        let mut chars = self.value.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        }
        Cow::Owned(out)
    }
}

/// A `BEGIN:NAME` … `END:NAME` block.
#[derive(Clone, Debug, Default)]
pub(super) struct Component<'a> {
    pub name: &'a str,
    pub properties: Vec<Property<'a>>,
    pub components: Vec<Component<'a>>,
    /// The unfolded line of its `BEGIN`.
    pub begin: usize,
}

impl<'a> Component<'a> {
    /// Its first property called `name` (case-insensitive).
    pub fn find(&self, name: &str) -> Option<&Property<'a>> {
        self.properties
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
    }

    /// Every property called `name`.
    pub fn all<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Property<'a>> {
        self.properties
            .iter()
            .filter(move |p| p.name.eq_ignore_ascii_case(name))
    }

    /// Its sub-components called `name`.
    pub fn children<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Component<'a>> {
        self.components
            .iter()
            .filter(move |c| c.name.eq_ignore_ascii_case(name))
    }
}

/// The name of a content line, when it is shaped like one.
pub(super) fn content_name(line: &str) -> Option<&str> {
    let end = line.bytes().position(|b| b == b':' || b == b';')?;
    let name = &line[..end];
    let ok = !name.is_empty() && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-');
    ok.then_some(name)
}

/// One line as a property, or `None` when it is not shaped like one.
pub(super) fn property(line: &str, index: usize) -> Option<Property<'_>> {
    let name = content_name(line)?;
    let mut rest = &line[name.len()..];
    let mut params = Vec::new();
    while let Some(r) = rest.strip_prefix(';') {
        let (key, r) = r.split_once('=')?;
        if key.is_empty() || !key.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-') {
            return None;
        }
        // Values up to the next unquoted `;` or `:`; a quoted one may hold either.
        let mut end = 0;
        let bytes = r.as_bytes();
        let mut quoted = false;
        while end < bytes.len() {
            match bytes[end] {
                b'"' => quoted = !quoted,
                b';' | b':' if !quoted => break,
                _ => {}
            }
            end += 1;
        }
        if quoted || end == bytes.len() {
            return None;
        }
        let raw = &r[..end];
        let value = raw
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .filter(|v| !v.contains('"'))
            .unwrap_or(raw);
        params.push((key, value));
        rest = &r[end..];
    }
    let value = rest.strip_prefix(':')?;
    Some(Property {
        name,
        params,
        value,
        index,
    })
}

fn not_a_line(lines: &Lines, index: usize, line: &str) -> Problem {
    let shown: String = line.chars().take(40).collect();
    Problem::at(
        lines.origin(index),
        format!(
            "`{shown}` is not an iCalendar line (NAME:value); was the file cut short or edited by hand?"
        ),
    )
}

/// Every component of the unfolded text, in order: usually one, the VCALENDAR.
pub(super) fn read(lines: &Lines) -> Result<Vec<Component<'_>>, Problem> {
    let mut done: Vec<Component<'_>> = Vec::new();
    let mut open: Vec<Component<'_>> = Vec::new();
    for (index, line) in lines.text.lines().enumerate() {
        let p = property(line, index).ok_or_else(|| not_a_line(lines, index, line))?;
        let value = p.value.trim();
        if p.name.eq_ignore_ascii_case("BEGIN") {
            open.push(Component {
                name: value,
                // An event has about ten properties: one allocation, not four growing ones.
                properties: Vec::with_capacity(12),
                begin: index,
                ..Component::default()
            });
        } else if p.name.eq_ignore_ascii_case("END") {
            let at = lines.origin(index);
            let Some(c) = open.pop() else {
                return Err(Problem::at(at, format!("END:{value} without a BEGIN")));
            };
            if !c.name.eq_ignore_ascii_case(value) {
                let (begun, from) = (c.name.to_ascii_uppercase(), lines.origin(c.begin));
                return Err(Problem::at(
                    at,
                    format!(
                        "END:{value} closes BEGIN:{begun} of line {from}: add END:{begun} before it"
                    ),
                ));
            }
            match open.last_mut() {
                Some(parent) => parent.components.push(c),
                None => done.push(c),
            }
        } else {
            match open.last_mut() {
                Some(c) => c.properties.push(p),
                None => {
                    return Err(Problem::at(
                        lines.origin(index),
                        format!("`{}` is outside BEGIN:VCALENDAR … END:VCALENDAR", p.name),
                    ));
                }
            }
        }
    }
    if let Some(c) = open.pop() {
        return Err(Problem::at(
            lines.origin(c.begin),
            format!(
                "BEGIN:{} is never closed: the file may be cut short",
                c.name.to_ascii_uppercase()
            ),
        ));
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_values_and_escapes_read_as_written() {
        let p = property(
            r#"DTSTART;TZID="America/New_York";VALUE=DATE-TIME:20261102T100000"#,
            4,
        )
        .unwrap();
        assert_eq!(
            (p.name, p.value, p.index),
            ("DTSTART", "20261102T100000", 4)
        );
        assert_eq!(p.param("tzid"), Some("America/New_York"));
        assert_eq!(p.param("VALUE"), Some("DATE-TIME"));
        let quoted = property(r#"ATTENDEE;CN="Smith; J: tutor":mailto:j@x"#, 0).unwrap();
        assert_eq!(quoted.param("CN"), Some("Smith; J: tutor"));
        assert_eq!(quoted.value, "mailto:j@x");
        let room = property(r"LOCATION:Room 2\, first floor\; \\ back\nstairs", 0).unwrap();
        assert_eq!(room.text(), "Room 2, first floor; \\ back\nstairs");
        for bad in [
            "no colon",
            "DTSTART;TZID:x",
            r#"DTSTART;TZID="open:x"#,
            ";X=1:v",
            "NAME WITH SPACE:v",
        ] {
            assert!(property(bad, 0).is_none(), "{bad}");
        }
    }

    #[test]
    fn components_nest_and_problems_name_their_line() {
        let lines = Lines::unfold(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nEND:VEVENT\nBEGIN:VTIMEZONE\nBEGIN:STANDARD\nTZOFFSETTO:+0000\nEND:STANDARD\nEND:VTIMEZONE\nEND:VCALENDAR",
        );
        let all = read(&lines).unwrap();
        assert_eq!(all.len(), 1);
        let cal = &all[0];
        assert_eq!(cal.components.len(), 2);
        assert_eq!(
            cal.children("vevent")
                .next()
                .unwrap()
                .find("uid")
                .unwrap()
                .value,
            "a"
        );
        let tz = cal.children("VTIMEZONE").next().unwrap();
        assert_eq!(tz.children("STANDARD").count(), 1);
        assert_eq!(tz.begin, 4);
        let outside = Lines::unfold("BEGIN:VCALENDAR\nEND:VCALENDAR\nX-STRAY:1");
        assert_eq!(read(&outside).unwrap_err().line, 3);
    }
}
