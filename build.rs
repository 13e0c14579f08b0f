//! Compiles the screen (`ui/app.slint`) with its translations bundled, and writes the list of
//! bundled languages (code, name in itself, right to left?) read from each `.po` file's header,
//! so adding a language needs no code: see docs/screen.md.
//!
//! Slint's debug info (element ids that the headless UI tests and the layout check look up) is
//! compiled into debug builds only, or wherever `SLINT_EMIT_DEBUG_INFO` is set; release builds,
//! and so the packaged binary, go without it.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let translations = Path::new("ui/translations");
    println!("cargo:rerun-if-changed=ui/translations");
    let debug_info = std::env::var("PROFILE").is_ok_and(|p| p == "debug")
        || std::env::var_os("SLINT_EMIT_DEBUG_INFO").is_some();
    println!("cargo:rerun-if-env-changed=SLINT_EMIT_DEBUG_INFO");
    let config = slint_build::CompilerConfiguration::new()
        .with_debug_info(debug_info)
        .with_bundled_translations(translations)
        // Each text is translated once, wherever it appears: .po files carry no msgctxt.
        .with_default_translation_context(slint_build::DefaultTranslationContext::None);
    slint_build::compile_with_config("ui/app.slint", config).expect("the screen compiles");

    let mut langs = Vec::new();
    if let Ok(dirs) = std::fs::read_dir(translations) {
        for dir in dirs.flatten() {
            let code = dir.file_name().to_string_lossy().into_owned();
            let po = dir.path().join("LC_MESSAGES/hub-kiosk.po");
            println!("cargo:rerun-if-changed={}", po.display());
            let Ok(text) = std::fs::read_to_string(&po) else {
                continue;
            };
            let name = header(&text, "X-Language-Name").unwrap_or_else(|| code.clone());
            let rtl = header(&text, "X-Text-Direction").is_some_and(|d| d == "rtl");
            langs.push((code, name, rtl));
        }
    }
    langs.sort();
    let mut out = String::from(
        "/// Languages bundled from ui/translations: (code, name in itself, right to left).\npub const BUNDLED: &[(&str, &str, bool)] = &[\n",
    );
    for (code, name, rtl) in langs {
        writeln!(out, "    ({code:?}, {name:?}, {rtl}),").unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("languages.rs");
    std::fs::write(dest, out).unwrap();
}

/// A `"Name: value\n"` line of a .po header.
fn header(po: &str, name: &str) -> Option<String> {
    let start = po.find(&format!("\"{name}:"))? + name.len() + 2;
    let rest = &po[start..];
    let end = rest.find("\\n")?;
    Some(rest[..end].trim().to_owned())
}
