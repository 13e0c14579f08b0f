//! What `check-config` checks in `[cards]`: key ids and keys, the published demo key refused
//! outside the demo, and every revocation entry must be readable, because an entry with a typo
//! is skipped and would leave a lost card working.

use std::collections::BTreeSet;

use base64::Engine;

use super::{Cards, DEMO_CARD_PUBLIC_KEY};
use crate::domain::card::{Revocations, key_id_ok};

const ENTRY: &str = "is not a member number (M-1001) or one card of a member (M-1001#2)";

/// Problems as (dotted key, message), in file order.
pub fn problems(cards: &Cards, demo: bool) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut key_ids = BTreeSet::new();
    for (i, k) in cards.keys.iter().enumerate() {
        if !key_id_ok(&k.id) {
            out.push((
                format!("cards.keys.{i}.id"),
                "use 1–2 characters A–Z or 0–9".to_owned(),
            ));
        } else if !key_ids.insert(k.id.as_str()) {
            out.push((
                format!("cards.keys.{i}.id"),
                format!("key id `{}` is used twice", k.id),
            ));
        }
        let decoded = base64::engine::general_purpose::STANDARD.decode(k.public_key.trim());
        if decoded.map(|b| b.len()) != Ok(32) {
            out.push((
                format!("cards.keys.{i}.public_key"),
                "not an Ed25519 public key: paste the contents of the .pub file from \
                 `hub-kiosk card keygen`"
                    .to_owned(),
            ));
        } else if !demo && k.public_key.trim() == DEMO_CARD_PUBLIC_KEY {
            out.push((
                format!("cards.keys.{i}.public_key"),
                "this is the demo card key, whose private key is published: make your own with \
                 `hub-kiosk card keygen`"
                    .to_owned(),
            ));
        }
    }
    for (i, e) in cards.revoked.iter().enumerate() {
        let (_, bad) = Revocations::parse([e.as_str()]);
        if !bad.is_empty() || e.trim().is_empty() {
            out.push((format!("cards.revoked.{i}"), format!("`{e}` {ENTRY}")));
        }
    }
    if let Some(f) = cards.revocation_file.as_ref().filter(|f| !f.is_file()) {
        out.push((
            "cards.revocation_file".to_owned(),
            format!(
                "{} does not exist: create it (one member number per line) or remove this line",
                f.display()
            ),
        ));
    }
    if let Some(file) = cards.revocation_file.as_ref().filter(|f| f.is_file()) {
        match std::fs::read_to_string(file) {
            Err(e) => out.push((
                "cards.revocation_file".to_owned(),
                format!("cannot read {}: {e}", file.display()),
            )),
            Ok(text) => {
                let bad = text
                    .lines()
                    .enumerate()
                    .find(|(_, l)| !Revocations::parse([*l]).1.is_empty());
                if let Some((n, line)) = bad {
                    out.push((
                        "cards.revocation_file".to_owned(),
                        format!(
                            "line {} of {}: `{}` {ENTRY}",
                            n + 1,
                            file.display(),
                            line.trim()
                        ),
                    ));
                }
            }
        }
    }
    if cards.repeat_scan_minutes > 1440 {
        out.push((
            "cards.repeat_scan_minutes".to_owned(),
            "use minutes from 0 to 1440".to_owned(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn error(cards: &str) -> String {
        let text = format!("[site]\nid = \"x\"\nname = \"X\"\n[cards]\n{cards}");
        Config::parse(&text, "k.toml").unwrap_err().to_string()
    }

    #[test]
    fn the_demo_key_is_refused_outside_the_demo_with_its_line() {
        let e = error(&format!(
            "keys = [ {{ id = \"D1\", public_key = \"{DEMO_CARD_PUBLIC_KEY}\" }} ]\n"
        ));
        assert!(
            e.starts_with("k.toml, line 5, `cards.keys.0.public_key`: this is the demo card key"),
            "{e}"
        );
        assert!(
            Config::demo()
                .cards
                .keys
                .iter()
                .any(|k| k.public_key == DEMO_CARD_PUBLIC_KEY)
        );
    }

    #[test]
    fn revocation_entries_with_a_typo_are_refused_not_skipped() {
        let e = error("revoked = [\"M-1\", \"M-2#x\"]\n");
        assert!(
            e.contains("`cards.revoked.1`: `M-2#x` is not a member number"),
            "{e}"
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("revoked.txt");
        std::fs::write(&file, "# lost cards\nM-1\n\nM-2#3\njane smith\n").unwrap();
        let e = error(&format!("revocation_file = \"{}\"\n", file.display()));
        assert!(e.contains("line 5 of") && e.contains("`jane smith`"), "{e}");
        std::fs::write(&file, "# lost cards\nM-1\n\nM-2#3\n").unwrap();
        let text = format!(
            "[site]\nid = \"x\"\nname = \"X\"\n[cards]\nrevocation_file = \"{}\"\n",
            file.display()
        );
        assert!(Config::parse(&text, "k.toml").is_ok());
    }
}
