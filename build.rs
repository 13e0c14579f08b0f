//! Compiles the screen (`ui/app.slint`) with its translations bundled, and writes the list of
//! bundled languages (code, name in itself, right to left?) read from each `.po` file's header,
//! so adding a language needs no code: see docs/screen.md. It also writes each language's
//! words for a call, so a call can be shown in the ticket holder's language beside the screen's
//! (the screen and the display page), from the same `.po` files.

use std::fmt::Write;
use std::path::Path;

fn main() {
    pack_relocations();
    let translations = Path::new("ui/translations");
    println!("cargo:rerun-if-changed=ui/translations");
    // Debug and test builds carry Slint's debug info (element names, the element walk), which
    // the layout check (`hub-kiosk screenshots --check`) and the UI tests need; release builds,
    // which the packages ship, carry it only when SLINT_EMIT_DEBUG_INFO=1 asks for it.
    let debug = std::env::var("PROFILE").is_ok_and(|p| p == "debug");
    println!("cargo:rerun-if-env-changed=SLINT_EMIT_DEBUG_INFO");
    let mut config = slint_build::CompilerConfiguration::new()
        .with_bundled_translations(translations)
        // Each text is translated once, wherever it appears: .po files carry no msgctxt.
        .with_default_translation_context(slint_build::DefaultTranslationContext::None);
    if debug {
        config = config.with_debug_info(true);
        // The layout check's own fixtures, for tests/ui_fit.rs.
        println!("cargo:rerun-if-changed=tests/fixtures/fit.slint");
        let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("fit_fixtures.rs");
        slint_build::compile_with_output_path("tests/fixtures/fit.slint", out, config.clone())
            .expect("the layout check's fixtures compile");
    }
    slint_build::compile_with_config("ui/app.slint", config).expect("the screen compiles");

    let mut langs = Vec::new();
    if let Ok(dirs) = std::fs::read_dir(translations) {
        for dir in dirs.flatten() {
            let code = dir.file_name().to_string_lossy().into_owned();
            let po = dir.path().join("LC_MESSAGES/hub-kiosk.po");
            // Only files that exist: a missing one would make Cargo think the build stale on
            // every run (ui/translations also holds the template, hub-kiosk.pot).
            let Ok(text) = std::fs::read_to_string(&po) else {
                continue;
            };
            println!("cargo:rerun-if-changed={}", po.display());
            let name = header(&text, "X-Language-Name").unwrap_or_else(|| code.clone());
            let rtl = header(&text, "X-Text-Direction").is_some_and(|d| d == "rtl");
            let call = translation(&text, CALL).unwrap_or_default();
            langs.push((code, name, rtl, call));
        }
    }
    langs.sort();
    let mut out = String::from(
        "/// Languages bundled from ui/translations: (code, name in itself, right to left).\npub const BUNDLED: &[(&str, &str, bool)] = &[\n",
    );
    for (code, name, rtl, _) in &langs {
        writeln!(out, "    ({code:?}, {name:?}, {rtl}),").unwrap();
    }
    out.push_str("];\n");
    writeln!(
        out,
        "/// The call, \"{{0}}\" the ticket and \"{{1}}\" the place, per language (English first).\npub const CALL_TEXTS: &[(&str, &str)] = &[\n    (\"en\", {CALL:?}),"
    )
    .unwrap();
    for (code, _, _, call) in &langs {
        if !call.is_empty() {
            writeln!(out, "    ({code:?}, {call:?}),").unwrap();
        }
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("languages.rs");
    std::fs::write(dest, out).unwrap();
}

/// The message of the "now calling" banner (`ui/app.slint`).
const CALL: &str = "Now calling {0} — please go to {1}";

/// The `msgstr` of a one-line `msgid` in a .po file (quotes and backslashes unescaped).
fn translation(po: &str, msgid: &str) -> Option<String> {
    let wanted = format!("msgid {:?}", msgid);
    let mut lines = po.lines().skip_while(|l| l.trim() != wanted).skip(1);
    let first = lines.next()?.trim().strip_prefix("msgstr ")?.to_owned();
    let mut text = String::new();
    for part in std::iter::once(first.as_str())
        .chain(lines.map(str::trim).take_while(|l| l.starts_with('"')))
    {
        let inner = part.strip_prefix('"')?.strip_suffix('"')?;
        text.push_str(&inner.replace("\\\"", "\"").replace("\\\\", "\\"));
    }
    Some(text)
}

/// A `"Name: value\n"` line of a .po header.
fn header(po: &str, name: &str) -> Option<String> {
    let start = po.find(&format!("\"{name}:"))? + name.len() + 2;
    let rest = &po[start..];
    let end = rest.find("\\n")?;
    Some(rest[..end].trim().to_owned())
}

/// Links the programs (the kiosk and the examples, the bare Slint floor among them) with packed
/// relative relocations (DT_RELR, glibc 2.36 and later: Debian 12 and Raspberry Pi OS
/// Bookworm). A position-independent program's table of places the loader must adjust at
/// start is then a few tens of KiB instead of about 2 MiB, all of which stays resident.
fn pack_relocations() {
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu" {
        for kind in ["bins", "examples"] {
            println!("cargo:rustc-link-arg-{kind}=-Wl,-z,pack-relative-relocs");
        }
    }
}
