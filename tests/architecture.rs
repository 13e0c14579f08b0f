//! The import rules of the crate, checked on every build of the tests.
//!
//! Every path by which a file under `src/` reaches another module counts: `use crate::…`
//! (with its `{…}` groups), inline `crate::…` paths, `super::…` resolved to the module it
//! names, and `pub use` re-exports. Comments and string literals do not count. The rules are
//! written once, here at the top; change one only with the reason beside it. No file under
//! `src/` may grow past 400 lines either.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Modules that may not be imported by a module, with why.
const FORBIDDEN: &[(&str, &[&str], &str)] = &[
    (
        "domain",
        &[
            "app",
            "background",
            "cards",
            "central",
            "cli",
            "clock",
            "config",
            "events",
            "hardware",
            "hub",
            "logging",
            "metrics",
            "report",
            "scanner",
            "service",
            "staff",
            "status",
            "store",
            "sync",
            "ui",
            "web",
        ],
        "the hub's rules are pure: they import no other part of the crate",
    ),
    (
        "store",
        &["ui", "staff", "sync", "central", "hardware"],
        "the database serves every part and knows none of them",
    ),
    (
        "central",
        &["ui", "hub", "store", "hardware", "scanner"],
        "the central service runs on a server: no screen, no kiosk core, no kiosk database, no GPIO",
    ),
    (
        "ui",
        &["staff", "sync", "central"],
        "the screen asks the hub; it does not reach into the web or forwarding",
    ),
];

/// External crates and std modules the pure domain may not use: they do I/O.
const DOMAIN_NO_IO: &[&str] = &[
    "rusqlite", "tokio", "reqwest", "axum", "slint", "rppal", "std::fs", "std::net",
];

/// No file under `src/` (Rust, script, style or example) is longer: split it by what it holds.
const MAX_FILE_LINES: usize = 400;

/// Files directly under `src/` that only declare or start the crate; not modules of their own.
const ROOTS: &[&str] = &["lib", "main"];

/// The crate's own `src/`.
fn crate_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Fails with `what` and one line per problem, if there are any.
fn assert_none(problems: &[String], what: &str) {
    assert!(problems.is_empty(), "{what}:\n  {}", problems.join("\n  "));
}

#[test]
fn the_crate_keeps_its_import_rules() {
    let problems = check(&crate_src());
    assert_none(&problems, "import rules broken (see tests/architecture.rs)");
}

#[test]
fn the_checker_catches_a_forbidden_edge_and_a_cycle() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    let files = [
        (
            "lib.rs",
            "pub mod domain; pub mod store; pub mod hub; pub mod staff;",
        ),
        // A forbidden edge by a grouped `use`, and I/O in the domain.
        (
            "domain/mod.rs",
            "//! Rules.\nuse crate::{store::Store, domain::x};\nuse std::{fs, collections::HashMap};",
        ),
        // Comments and strings do not count.
        (
            "store/mod.rs",
            "// crate::ui::Window\nconst S: &str = \"crate::staff\";",
        ),
        // hub -> staff by an inline path, staff -> hub through `super::super`.
        ("hub/mod.rs", "fn f() { crate::staff::pages::g(); }"),
        ("staff/mod.rs", "pub mod pages;"),
        ("staff/pages/mod.rs", "use super::super::hub::Hub;"),
    ];
    for (name, text) in files {
        let path = src.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let problems = check(&src);
    let has = |needle: &str| problems.iter().any(|p| p.contains(needle));
    assert!(has("domain imports store"), "{problems:#?}");
    assert!(has("domain uses std::fs"), "{problems:#?}");
    assert!(has("cycle: hub -> staff -> hub"), "{problems:#?}");
    assert!(!has("store imports"), "{problems:#?}");
    assert_eq!(problems.len(), 3, "{problems:#?}");
}

#[test]
fn no_file_under_src_is_over_400_lines() {
    let long = long_files(&crate_src());
    let what = format!("files over {MAX_FILE_LINES} lines (split them by what they hold)");
    assert_none(&long, &what);
}

#[test]
fn the_library_the_binary_and_every_bench_lint_long_functions() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut crates = vec![root.join("src/lib.rs"), root.join("src/main.rs")];
    crates.extend(
        rust_files(&root.join("benches"))
            .into_iter()
            .filter(|f| f.parent().is_some_and(|d| d.ends_with("benches"))),
    );
    let missing: Vec<String> = crates
        .iter()
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            !text.contains("#![warn(clippy::too_many_lines)]")
        })
        .map(|f| f.strip_prefix(root).unwrap().display().to_string())
        .collect();
    assert_none(
        &missing,
        "without #![warn(clippy::too_many_lines)] (clippy.toml sets 80)",
    );
}

#[test]
fn the_length_check_catches_a_long_file_anywhere_under_src() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(src.join("staff/pages")).unwrap();
    let lines = |n: usize| "x\n".repeat(n);
    std::fs::write(src.join("lib.rs"), lines(MAX_FILE_LINES)).unwrap();
    std::fs::write(src.join("staff/pages/queue.js"), lines(MAX_FILE_LINES + 1)).unwrap();
    assert_eq!(long_files(&src), ["staff/pages/queue.js: 401 lines"]);
}

#[test]
fn paths_are_read_from_every_form_of_import() {
    let text = "pub use crate::a::{b, c::{d as e, *}};\nuse super::f;\nlet x = crate::g::h(); // crate::nope\nlet s = 'c'; let l: &'static str = r#\"crate::nope\"#;";
    let paths = paths_in(&strip(text));
    assert!(paths.contains(&"crate::a::b".to_owned()), "{paths:?}");
    assert!(paths.contains(&"crate::a::c::d".to_owned()), "{paths:?}");
    assert!(paths.contains(&"crate::a::c::*".to_owned()), "{paths:?}");
    assert!(paths.contains(&"super::f".to_owned()), "{paths:?}");
    assert!(paths.contains(&"crate::g::h".to_owned()), "{paths:?}");
    assert!(!paths.iter().any(|p| p.contains("nope")), "{paths:?}");
}

/// Every broken rule under `src`, one line each.
fn check(src: &Path) -> Vec<String> {
    let mut problems = BTreeSet::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let files = rust_files(src);
    let tops: BTreeSet<String> = files
        .iter()
        .filter_map(|f| module_of(src, f).first().cloned())
        .collect();
    for file in files {
        let module = module_of(src, &file);
        let Some(top) = module.first().cloned() else {
            continue;
        };
        let text = strip(&std::fs::read_to_string(&file).unwrap());
        let shown = file.strip_prefix(src).unwrap().display().to_string();
        for path in paths_in(&text) {
            if let Some(target) = resolve(&module, &path)
                && target != top
                && tops.contains(&target)
            {
                for (from, banned, why) in FORBIDDEN {
                    if top == *from && banned.contains(&target.as_str()) {
                        problems.insert(format!("{from} imports {target} in src/{shown} ({why})"));
                    }
                }
                edges.entry(top.clone()).or_default().insert(target);
            } else if top == "domain"
                && let Some(io) = DOMAIN_NO_IO
                    .iter()
                    .find(|io| path == **io || path.starts_with(&format!("{io}::")))
            {
                problems.insert(format!(
                    "domain uses {io} in src/{shown} (no I/O in the domain)"
                ));
            }
        }
    }
    for cycle in cycles(&edges) {
        problems.insert(format!("cycle: {}", cycle.join(" -> ")));
    }
    problems.into_iter().collect()
}

/// Every file under `src` longer than [`MAX_FILE_LINES`], as `path: N lines`.
fn long_files(src: &Path) -> Vec<String> {
    let mut long = Vec::new();
    for file in all_files(src) {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let n = text.lines().count();
        if n > MAX_FILE_LINES {
            let shown = file.strip_prefix(src).unwrap().display().to_string();
            long.push(format!("{shown}: {n} lines"));
        }
    }
    long
}

fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(all_files(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = all_files(dir);
    files.retain(|f| f.extension().is_some_and(|e| e == "rs"));
    files
}

/// `src/staff/pages/mod.rs` → `["staff", "pages"]`; `src/app.rs` → `["app"]`; roots → `[]`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    if parts.len() == 1 && ROOTS.contains(&parts[0].as_str()) {
        parts.clear();
    }
    parts
}

/// The top-level module a `crate::…` or `super::…` path names; `None` for other paths.
fn resolve(module: &[String], path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split("::").collect();
    if segments[0] == "crate" {
        return segments.get(1).map(|s| s.to_string());
    }
    if segments[0] != "super" {
        return None;
    }
    let ups = segments.iter().take_while(|s| **s == "super").count();
    let base = module.len().checked_sub(ups)?;
    match base {
        0 => segments.get(ups).map(|s| s.to_string()),
        _ => Some(module[0].clone()),
    }
}

/// The text with comments, string and character literals blanked out.
fn strip(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = |i: usize| chars.get(i).copied();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '/' && at(i + 1) == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == Some('*') {
            i = block_comment_end(&chars, i);
            out.push(' ');
        } else if c == 'r' && matches!(at(i + 1), Some('"' | '#')) && !ident_before(&chars, i) {
            let hashes = chars[i + 1..].iter().take_while(|c| **c == '#').count();
            if at(i + 1 + hashes) != Some('"') {
                out.push(c);
                i += 1;
                continue;
            }
            let close: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            i += 2 + hashes;
            while i < chars.len() && !chars[i..].starts_with(&close) {
                i += 1;
            }
            i += close.len();
            out.push_str("\"\"");
        } else if c == '"' || (c == '\'' && (at(i + 2) == Some('\'') || at(i + 1) == Some('\\'))) {
            // A string, or a character literal ('x', '\n'); lifetimes ('a) have no closing quote.
            i += 1;
            while i < chars.len() && chars[i] != c {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// Where a (possibly nested) block comment starting at `i` ends.
fn block_comment_end(chars: &[char], mut i: usize) -> usize {
    let mut depth = 0;
    while i < chars.len() {
        let next = chars.get(i + 1).copied();
        if chars[i] == '/' && next == Some('*') {
            depth += 1;
            i += 2;
        } else if chars[i] == '*' && next == Some('/') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                break;
            }
        } else {
            i += 1;
        }
    }
    i
}

fn ident_before(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// Every `crate::…`, `super::…` and external path the text names, `use` trees expanded.
fn paths_in(text: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut rest = text;
    // `use` statements, with their groups.
    let mut outside_use = String::new();
    while let Some(at) = find_keyword(rest, "use") {
        outside_use.push_str(&rest[..at]);
        let tail = &rest[at + 3..];
        let end = tail.find(';').unwrap_or(tail.len());
        expand(tail[..end].trim(), "", &mut paths);
        rest = &tail[(end + 1).min(tail.len())..];
    }
    outside_use.push_str(rest);
    // Inline paths: a run of `ident::ident::…` not preceded by `::`.
    let chars: Vec<char> = outside_use.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if (chars[i].is_alphabetic() || chars[i] == '_')
            && !ident_before(&chars, i)
            && !(i >= 2 && chars[i - 1] == ':' && chars[i - 2] == ':')
        {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == ':')
            {
                i += 1;
            }
            let run: String = chars[start..i].iter().collect();
            let run = run.trim_end_matches(':');
            if run.contains("::") {
                paths.push(run.to_owned());
            }
        } else {
            i += 1;
        }
    }
    paths
}

/// The byte offset of `word` standing alone (not inside an identifier), if any.
fn find_keyword(text: &str, word: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(found) = text[from..].find(word) {
        let at = from + found;
        let before = at.checked_sub(1).map(|b| bytes[b]);
        let after = bytes.get(at + word.len()).copied();
        let is_ident = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !is_ident(before) && !is_ident(after) && after.is_some_and(|b| b.is_ascii_whitespace()) {
            return Some(at);
        }
        from = at + word.len();
    }
    None
}

/// Expands a use tree such as `crate::a::{b, c::{d as e}}` into full paths.
fn expand(tree: &str, prefix: &str, out: &mut Vec<String>) {
    let tree = tree.trim().trim_start_matches("::");
    let join = |p: &str| {
        if prefix.is_empty() {
            p.to_owned()
        } else if p.is_empty() {
            prefix.to_owned()
        } else {
            format!("{prefix}::{p}")
        }
    };
    if let Some(open) = tree.find('{') {
        let head = tree[..open].trim().trim_end_matches("::");
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let new_prefix = join(head);
        for part in split_top(inner) {
            expand(part, &new_prefix, out);
        }
    } else {
        let name = tree.split(" as ").next().unwrap_or("").trim();
        if name == "self" {
            out.push(prefix.to_owned());
        } else if !name.is_empty() {
            out.push(join(name));
        }
    }
}

/// Splits on commas at brace depth zero.
fn split_top(text: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// One shortest cycle through each module that is on one, as `a -> b -> a`, deduplicated.
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> BTreeSet<Vec<String>> {
    let mut found = BTreeSet::new();
    for start in edges.keys() {
        // Breadth-first from `start` back to itself gives its shortest cycle.
        let mut previous: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start.as_str()]);
        let mut closing = None;
        while let Some(node) = queue.pop_front() {
            for next in edges.get(node).into_iter().flatten() {
                if next == start {
                    closing = Some(node);
                    break;
                }
                if !previous.contains_key(next.as_str()) {
                    previous.insert(next, node);
                    queue.push_back(next);
                }
            }
            if closing.is_some() {
                break;
            }
        }
        if let Some(mut node) = closing {
            let mut cycle = vec![start.clone()];
            while node != start {
                cycle.push(node.to_owned());
                node = previous[node];
            }
            cycle.reverse();
            cycle.rotate_right(1);
            // Start at the smallest name so one cycle is reported once.
            let min = (0..cycle.len()).min_by_key(|i| &cycle[*i]).unwrap_or(0);
            cycle.rotate_left(min);
            cycle.push(cycle[0].clone());
            found.insert(cycle);
        }
    }
    found
}
