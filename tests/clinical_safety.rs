//! docs/clinical-safety.md names, for each hazard, the tests that show its controls work. This
//! fails when one of them no longer exists: a named Rust test (`path.rs::function`) must be a
//! function in that file's test code, and a named script or browser test file must exist. Every
//! hazard must name at least one.

use std::path::Path;

const LOG: &str = "docs/clinical-safety.md";

/// What the hazard log names: Rust tests as (file, function), and other files.
#[derive(Debug, Default)]
struct Named {
    tests: Vec<(String, String)>,
    files: Vec<String>,
}

/// Every `code span` in `text` that names a test or a file in the repository.
fn named(text: &str) -> Named {
    let mut out = Named::default();
    for (i, span) in text.split('`').enumerate() {
        if i % 2 == 0 {
            continue;
        }
        if let Some((file, function)) = span.split_once("::")
            && file.ends_with(".rs")
        {
            out.tests.push((file.to_owned(), function.to_owned()));
        } else if ["tests/", ".ci/", "image/"]
            .iter()
            .any(|p| span.starts_with(p))
            && !span.contains(' ')
        {
            out.files.push(span.to_owned());
        }
    }
    out
}

/// Whether `function` is test code in `source` (the file at `path`): a function of that name
/// in an integration test file, a `tests.rs` or `tests/` module, or after `#[cfg(test)]`.
fn is_test(path: &str, source: &str, function: &str) -> bool {
    let Some(at) = source.find(&format!("fn {function}(")) else {
        return false;
    };
    path.starts_with("tests/")
        || path.ends_with("/tests.rs")
        || path.contains("/tests/")
        || source[..at].contains("#[cfg(test)]")
}

/// What is wrong with the names in `log`, read against the files under `root`.
fn missing(root: &Path, log: &str) -> Vec<String> {
    let n = named(log);
    let mut wrong = Vec::new();
    for (file, function) in &n.tests {
        match std::fs::read_to_string(root.join(file)) {
            Err(e) => wrong.push(format!("{file}::{function}: {e}")),
            Ok(src) if !is_test(file, &src, function) => {
                wrong.push(format!("{file}::{function}: no such test"))
            }
            Ok(_) => {}
        }
    }
    for file in &n.files {
        if !root.join(file).is_file() {
            wrong.push(format!("{file}: no such file"));
        }
    }
    wrong
}

/// Each `## H…` section with no test named in it.
fn hazards_without_tests(log: &str) -> Vec<String> {
    log.split("\n## ")
        .skip(1)
        .filter(|s| s.starts_with('H'))
        .filter(|s| named(s).tests.is_empty())
        .map(|s| s.lines().next().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn every_test_the_hazard_log_names_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let log = std::fs::read_to_string(root.join(LOG)).unwrap();
    let n = named(&log);
    assert!(n.tests.len() >= 30, "{} tests named", n.tests.len());
    let wrong = missing(root, &log);
    assert!(
        wrong.is_empty(),
        "{LOG} names tests that do not exist:\n{}",
        wrong.join("\n")
    );
    let bare = hazards_without_tests(&log);
    assert!(bare.is_empty(), "hazards naming no test: {bare:?}");
    assert_eq!(log.matches("\n## H").count(), 11);
}

#[test]
fn a_renamed_or_missing_test_is_caught() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let log = "## H1 x\n- **Tests.** `tests/staff_queue.rs::two_advisors_calling_one_ticket_at_once_exactly_one_wins`, \
               `tests/staff_queue.rs::no_such_test`, `src/hub/mod.rs::open`, \
               `tests/nowhere.rs::anything`, `.ci/no-such-script`, `.ci/check-appliance`.\n\
               ## H2 y\n- nothing named\n";
    let wrong = missing(root, log);
    assert_eq!(
        wrong
            .iter()
            .map(|w| w.split(':').next().unwrap())
            .collect::<Vec<_>>(),
        [
            "tests/staff_queue.rs",
            "src/hub/mod.rs",
            "tests/nowhere.rs",
            ".ci/no-such-script"
        ],
        "{wrong:#?}"
    );
    assert!(
        wrong[1].contains("no such test"),
        "not test code: {}",
        wrong[1]
    );
    assert_eq!(hazards_without_tests(log), ["H2 y"]);
}
