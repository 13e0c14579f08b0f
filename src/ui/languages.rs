//! The screen's languages: English is built in, every other one is a bundled `.po` file under
//! `ui/translations/<code>/LC_MESSAGES/hub-kiosk.po` whose header names the language in itself
//! (`X-Language-Name`) and its direction (`X-Text-Direction: rtl`). `build.rs` reads those
//! headers, so adding a language needs no code (docs/screen.md).

include!(concat!(env!("OUT_DIR"), "/languages.rs"));

/// The language named in itself: "English", "Polski", "العربية"; the code when not bundled.
pub fn name(code: &str) -> String {
    if code == "en" {
        return "English".into();
    }
    BUNDLED
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or_else(|| code.to_owned(), |(_, n, _)| (*n).to_owned())
}

/// Whether the language is written right to left (the layout is mirrored).
pub fn is_rtl(code: &str) -> bool {
    BUNDLED.iter().any(|(c, _, rtl)| *c == code && *rtl)
}

/// Whether the screen has a translation for `code` (English always).
pub fn is_bundled(code: &str) -> bool {
    code == "en" || BUNDLED.iter().any(|(c, _, _)| *c == code)
}

/// Switches every `@tr` text of the screen to `code`; unknown codes fall back to English.
pub fn select(code: &str) {
    let code = if code == "en" || !is_bundled(code) {
        ""
    } else {
        code
    };
    if let Err(e) = slint::select_bundled_translation(code) {
        tracing::warn!("cannot switch the screen to `{code}`: {e}");
    }
}

/// "Now calling A 014 — please go to Room 2" in `code`, if the screen has that language.
pub fn call_in(code: &str, ticket: &str, place: &str) -> Option<String> {
    CALL_TEXTS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, text)| text.replace("{0}", ticket).replace("{1}", place))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_reads_in_each_bundled_language() {
        assert_eq!(
            call_in("en", "A 014", "Room 2").as_deref(),
            Some("Now calling A 014 — please go to Room 2")
        );
        let polish = call_in("pl", "A 014", "Pokój 2").unwrap();
        assert!(
            polish.contains("A 014") && polish.contains("Pokój 2"),
            "{polish}"
        );
        assert_ne!(polish, call_in("en", "A 014", "Pokój 2").unwrap());
        assert_eq!(call_in("xx", "A 014", "Room 2"), None);
    }
}
