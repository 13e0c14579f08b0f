//! What a live reload (`systemctl reload hub-kiosk`, SIGHUP) may change. Logins, tokens, card
//! keys and revocations, needs, hours, texts, retention and the queue's settings take effect at
//! once; a few keys are read only when the kiosk starts (the address and TLS of the staff pages,
//! the data directory, the door sensor's pins, the scanner, the screen's rotation and how many
//! calls it lists, forwarding, the clock). For those the running value is kept and each change is named, so the status page
//! and the log can say a restart is needed.

use serde::Serialize;

use super::Config;

/// The keys read only at start.
pub const RESTART_ONLY: [&str; 10] = [
    "staff.listen",
    "staff.tls",
    "staff.allow_plain_http",
    "kiosk.data_dir",
    "door",
    "scanner",
    "display.rotation",
    "display.recent_calls",
    "sync",
    "clock",
];

/// Whether two values of a section are the same, as they would be written.
fn same<T: Serialize>(a: &T, b: &T) -> bool {
    serde_json::to_value(a).ok() == serde_json::to_value(b).ok()
}

/// Copies `from`'s value into `to` when they differ, naming `key` in `changed`.
fn keep<T: Serialize + Clone>(key: &str, from: &T, to: &mut T, changed: &mut Vec<String>) {
    if !same(from, to) {
        *to = from.clone();
        changed.push(key.to_owned());
    }
}

/// Keeps `running`'s value of every key in [`RESTART_ONLY`] in `new`, and returns the keys
/// whose value in `new` differed (they take effect at the next restart).
pub fn keep_restart_only(running: &Config, new: &mut Config) -> Vec<String> {
    let mut changed = Vec::new();
    let c = &mut changed;
    keep(
        "staff.listen",
        &running.staff.listen,
        &mut new.staff.listen,
        c,
    );
    keep("staff.tls", &running.staff.tls, &mut new.staff.tls, c);
    keep(
        "staff.allow_plain_http",
        &running.staff.allow_plain_http,
        &mut new.staff.allow_plain_http,
        c,
    );
    keep(
        "kiosk.data_dir",
        &running.kiosk.data_dir,
        &mut new.kiosk.data_dir,
        c,
    );
    keep("door", &running.door, &mut new.door, c);
    keep("scanner", &running.scanner, &mut new.scanner, c);
    keep(
        "display.rotation",
        &running.display.rotation,
        &mut new.display.rotation,
        c,
    );
    keep(
        "display.recent_calls",
        &running.display.recent_calls,
        &mut new.display.recent_calls,
        c,
    );
    keep("sync", &running.sync, &mut new.sync, c);
    keep("clock", &running.clock, &mut new.clock, c);
    // The warning about plain HTTP follows the transport that is really in use.
    let plain = "staff.allow_plain_http";
    new.warnings.retain(|w| w.key != plain);
    new.warnings
        .extend(running.warnings.iter().filter(|w| w.key == plain).cloned());
    changed
}

/// What the log and the status page say about keys that wait for a restart.
pub fn restart_message(changed: &[String]) -> String {
    let keys: Vec<String> = changed.iter().map(|k| format!("`{k}`")).collect();
    format!(
        "{} changed in the file but {} read only at start: the kiosk keeps the old value until \
         it restarts (`sudo systemctl restart hub-kiosk`)",
        keys.join(", "),
        if changed.len() == 1 { "is" } else { "are" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "[site]\nid = \"t\"\nname = \"T\"\n";

    #[test]
    fn restart_only_keys_keep_their_running_value_and_are_named() {
        let running = Config::parse(BASE, "k.toml").unwrap();
        let text = format!(
            "{BASE}[kiosk]\nretention_days = 30\ndata_dir = \"/elsewhere\"\n\
             [staff]\nlisten = \"127.0.0.1:9999\"\n[door]\nbeam_a_pin = 5\n"
        );
        let mut new = Config::parse(&text, "k.toml").unwrap();
        let changed = keep_restart_only(&running, &mut new);
        assert_eq!(changed, ["staff.listen", "kiosk.data_dir", "door"]);
        assert_eq!(new.staff.listen, running.staff.listen);
        assert_eq!(new.kiosk.data_dir, running.kiosk.data_dir);
        assert_eq!(new.door.beam_a_pin, running.door.beam_a_pin);
        assert_eq!(new.kiosk.retention_days, 30, "the rest is taken");
        let said = restart_message(&changed);
        assert!(said.contains("`staff.listen`, `kiosk.data_dir`, `door` changed"));
        assert!(said.contains("systemctl restart hub-kiosk"));
    }

    #[test]
    fn every_key_read_only_at_start_is_kept() {
        let running = Config::parse(BASE, "k.toml").unwrap();
        let mut new = running.clone();
        new.staff.listen = "0.0.0.0:8443".parse().unwrap();
        new.staff.tls = Some(crate::config::Tls {
            certificate: "/c.pem".into(),
            key: "/k.pem".into(),
        });
        new.staff.allow_plain_http = true;
        new.kiosk.data_dir = "/elsewhere".into();
        new.door.beam_a_pin = 5;
        new.scanner.baud = 115_200;
        new.display.rotation = 90;
        new.display.recent_calls += 1;
        new.sync.interval_seconds += 1;
        new.clock.assume_synchronised = !running.clock.assume_synchronised;
        assert_eq!(keep_restart_only(&running, &mut new), RESTART_ONLY);
        assert_eq!(
            serde_json::to_value(&new.door).unwrap(),
            serde_json::to_value(&running.door).unwrap()
        );
        assert!(keep_restart_only(&running, &mut new).is_empty());
    }

    #[test]
    fn nothing_is_named_when_only_live_keys_change() {
        let running = Config::parse(BASE, "k.toml").unwrap();
        let mut new =
            Config::parse(&format!("{BASE}[cards]\nrevoked = [\"M-1001\"]\n"), "k").unwrap();
        assert!(keep_restart_only(&running, &mut new).is_empty());
        assert_eq!(new.cards.revoked, ["M-1001"]);
    }
}
