//! Translations kept whole: `.ci/check-translations` passes on the screen as it is, and fails
//! when one .po loses a message, leaves one empty (or one plural form empty) or marks one
//! fuzzy, and when the .pot no longer matches the messages of the .slint files. Each case runs
//! the script on a copy of ui/. Needs slint-tr-extractor and gettext (`.ci/run` installs them).

use std::path::{Path, PathBuf};
use std::process::Command;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of ui/ changed by `change`, checked: (exit code, what it said).
fn check(change: impl FnOnce(&Path)) -> (Option<i32>, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let ui = dir.path().join("ui");
    copy_dir(&root.join("ui"), &ui);
    change(&ui);
    let out = Command::new(root.join(".ci/check-translations"))
        .arg(&ui)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), said)
}

fn po(ui: &Path, lang: &str) -> PathBuf {
    ui.join(format!("translations/{lang}/LC_MESSAGES/hub-kiosk.po"))
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn every_language_translates_every_message_and_the_check_says_when_not() {
    let (code, said) = check(|_| {});
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("every language translates all"), "{said}");

    let (code, said) = check(|ui| {
        edit(&po(ui, "pl"), "msgid \"Finish\"\nmsgstr \"Zakończ\"\n", "");
    });
    assert_eq!(code, Some(1), "a removed message: {said}");
    assert!(
        said.contains("pl/LC_MESSAGES/hub-kiosk.po") && said.contains("not defined"),
        "{said}"
    );

    let (code, said) = check(|ui| edit(&po(ui, "ar"), "msgstr \"رجوع\"", "msgstr \"\""));
    assert_eq!(code, Some(1), "an empty message: {said}");
    assert!(said.contains("untranslated"), "{said}");

    let (code, said) =
        check(|ui| edit(&po(ui, "zh"), "msgid \"Back\"", "#, fuzzy\nmsgid \"Back\""));
    assert_eq!(code, Some(1), "a fuzzy message: {said}");
    assert!(said.contains("reviewed"), "{said}");

    let (code, said) = check(|ui| {
        edit(
            &po(ui, "pl"),
            "msgstr[2] \"Tę kartę zameldowano {n} minut temu. Jeśli potrzebujesz czegoś jeszcze, dotknij „Zamelduj się”.\"",
            "msgstr[2] \"\"",
        )
    });
    assert_eq!(code, Some(1), "an empty plural form: {said}");
    assert!(said.contains("an empty translation"), "{said}");

    let (code, said) = check(|ui| {
        edit(
            &ui.join("pages/done.slint"),
            "@tr(\"Finish\")",
            "@tr(\"Finish now\")",
        )
    });
    assert_eq!(code, Some(1), "a new message: {said}");
    assert!(said.contains("out of date"), "{said}");
}

/// Polish wording that would assume the visitor is a man (or a woman) is not used: the screen
/// says "zameldowanie przyjęte", not "jesteś zameldowany".
#[test]
fn polish_does_not_assume_the_visitors_gender() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pl = std::fs::read_to_string(po(&root.join("ui"), "pl")).unwrap();
    let translations: Vec<&str> = pl.lines().filter(|l| l.starts_with("msgstr")).collect();
    for gendered in [
        "jesteś zameldowan",
        "jesteś następn",
        "jesteś gotow",
        "pierwszy raz",
        "pierwsza raz",
        "członku",
    ] {
        let found: Vec<&&str> = translations
            .iter()
            .filter(|l| l.to_lowercase().contains(gendered))
            .collect();
        assert!(found.is_empty(), "{gendered}: {found:?}");
    }
}
