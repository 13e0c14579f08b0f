//! Finding where in the file a problem is: the line of a TOML error, or of a dotted key such as
//! `staff.logins.0.passcode_hash`, so every message names the line and the key.

use std::path::Path;

use super::ConfigError;

/// A problem at a dotted key path such as `staff.logins.0.passcode_hash`.
pub(crate) struct Problem {
    pub key: String,
    pub message: String,
}

pub(crate) fn problem(key: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem {
        key: key.into(),
        message: message.into(),
    }
}

/// The text of the configuration file at `path`; `starter` is the command that writes an
/// example to start from, named when the file cannot be read.
pub(crate) fn read(path: &Path, starter: &str) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|e| ConfigError {
        file: path.display().to_string(),
        line: None,
        key: None,
        message: format!("cannot read it: {e}. Check the path, or run `{starter}` to start one"),
    })
}

/// A TOML syntax or type error, with its line and the key on that line.
pub(crate) fn toml_error(text: &str, origin: &str, e: &toml::de::Error) -> ConfigError {
    let line = e.span().map(|s| line_of(text, s.start));
    let key = line
        .and_then(|l| text.lines().nth(l - 1))
        .and_then(key_on_line);
    ConfigError {
        file: origin.to_owned(),
        line,
        key,
        message: e.message().trim().to_owned(),
    }
}

pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// `name` from `name = value`, or `site` from `[site]`.
fn key_on_line(line: &str) -> Option<String> {
    let t = line.trim();
    if let Some(h) = t.strip_prefix('[') {
        return Some(h.trim_matches(|c| c == '[' || c == ']').trim().to_owned());
    }
    t.split_once('=')
        .map(|(k, _)| k.trim().to_owned())
        .filter(|k| !k.is_empty())
}

/// The line of the deepest part of `key` (dotted, numbers index arrays) found in the document.
pub(crate) fn locate(text: &str, key: &str) -> Option<usize> {
    let doc = toml_edit::Document::parse(text).ok()?;
    let mut item = doc.as_item();
    let mut best: Option<usize> = None;
    let mut mark = |span: Option<std::ops::Range<usize>>| {
        if let Some(s) = span {
            best = Some(best.map_or(s.start, |b| b.max(s.start)));
        }
    };
    for part in key.split('.') {
        let next = match part.parse::<usize>() {
            Ok(i) => item.get(i),
            Err(_) => {
                let key_span = item
                    .as_table_like()
                    .and_then(|t| t.get_key_value(part))
                    .and_then(|(k, _)| k.span());
                mark(key_span);
                item.get(part)
            }
        };
        let Some(next) = next else { break };
        mark(next.span());
        item = next;
    }
    best.map(|offset| line_of(text, offset))
}

pub(crate) fn id_ok(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 40
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}
