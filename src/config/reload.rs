//! What a live reload (`systemctl reload hub-kiosk`, SIGHUP) may change. Logins, tokens, card
//! keys and revocations, needs, hours, texts, retention and the queue's settings take effect at
//! once; a few keys are read only when the kiosk starts (the address and TLS of the staff pages,
//! the data directory, the door sensor's pins, the scanner, the screen's rotation and how many
//! calls it lists, forwarding, the clock, where the timetable comes from and how often it is
//! read again). For those the running value is kept and each change is named, so the status page
//! and the log can say a restart is needed.

use serde::Serialize;

use super::Config;

/// The keys read only at start.
pub const RESTART_ONLY: [&str; 14] = [
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
    "courses.timetable",
    "courses.timetable_url",
    "courses.ca_certificate",
    "courses.refresh_minutes",
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
    // The timetable's refresher is made once, with its source, its CA and its interval.
    let (from, to) = (&running.courses, &mut new.courses);
    keep("courses.timetable", &from.timetable, &mut to.timetable, c);
    keep(
        "courses.timetable_url",
        &from.timetable_url,
        &mut to.timetable_url,
        c,
    );
    keep(
        "courses.ca_certificate",
        &from.ca_certificate,
        &mut to.ca_certificate,
        c,
    );
    keep(
        "courses.refresh_minutes",
        &from.refresh_minutes,
        &mut to.refresh_minutes,
        c,
    );
    // The warning about plain HTTP follows the transport that is really in use.
    let plain = "staff.allow_plain_http";
    new.warnings.retain(|w| w.key != plain);
    new.warnings
        .extend(running.warnings.iter().filter(|w| w.key == plain).cloned());
    changed
}

/// One change to who may sign in, use the API or check in by card, for the audit log: what it
/// is about ("login Sam Patel") and what changed ("new passcode"). Never a passcode, a token or
/// a member number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessChange {
    pub subject: String,
    pub detail: String,
}

fn change(subject: String, detail: impl Into<String>) -> AccessChange {
    AccessChange {
        subject,
        detail: detail.into(),
    }
}

/// Logins added, removed, given a new passcode, role or needs served; tokens added, removed or replaced; card
/// keys and revocations changed — between `before` and `after`.
pub fn access_changes(before: &Config, after: &Config) -> Vec<AccessChange> {
    let mut out = Vec::new();
    for l in &before.staff.logins {
        let subject = format!("login {}", l.name);
        match after.staff.login(&l.name) {
            None => out.push(change(subject, "removed")),
            Some(now) => {
                if now.passcode_hash != l.passcode_hash {
                    out.push(change(subject.clone(), "new passcode"));
                }
                if now.role != l.role {
                    out.push(change(
                        subject.clone(),
                        format!("now {}", now.role.as_str()),
                    ));
                }
                if now.needs != l.needs {
                    out.push(change(subject, serves(&now.needs)));
                }
            }
        }
    }
    for l in &after.staff.logins {
        if before.staff.login(&l.name).is_none() {
            let detail = format!("added ({})", l.role.as_str());
            out.push(change(format!("login {}", l.name), detail));
        }
    }
    let token = |c: &Config, name: &str| {
        c.staff
            .api_tokens
            .iter()
            .find(|t| t.name == name)
            .map(|t| t.token.clone())
    };
    for t in &before.staff.api_tokens {
        match token(after, &t.name) {
            None => out.push(change(format!("token {}", t.name), "removed")),
            Some(now) if now != t.token => {
                out.push(change(format!("token {}", t.name), "replaced"))
            }
            Some(_) => {}
        }
    }
    for t in &after.staff.api_tokens {
        if token(before, &t.name).is_none() {
            out.push(change(format!("token {}", t.name), "added"));
        }
    }
    cards(before, after, &mut out);
    out
}

/// "now serves housing, money", or every need.
fn serves(needs: &[crate::domain::NeedId]) -> String {
    if needs.is_empty() {
        return "now serves every need".into();
    }
    let ids: Vec<&str> = needs.iter().map(|n| n.as_str()).collect();
    format!("now serves {}", ids.join(", "))
}

/// Card keys and the inline revocation list, counted (never the member numbers).
fn cards(before: &Config, after: &Config, out: &mut Vec<AccessChange>) {
    use std::collections::BTreeSet;
    let (was, now): (BTreeSet<&String>, BTreeSet<&String>) = (
        before.cards.revoked.iter().collect(),
        after.cards.revoked.iter().collect(),
    );
    let (added, removed) = (now.difference(&was).count(), was.difference(&now).count());
    if added + removed > 0 {
        let detail = format!("{added} revoked, {removed} no longer revoked");
        out.push(change("card revocations".into(), detail));
    }
    if before.cards.revocation_file != after.cards.revocation_file {
        out.push(change("card revocation file".into(), "changed"));
    }
    if !same(&before.cards.keys, &after.cards.keys) {
        out.push(change("card keys".into(), "changed"));
    }
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
        new.courses.timetable = Some("/other.ics".into());
        new.courses.timetable_url = Some("https://college.example/t.ics".into());
        new.courses.ca_certificate = Some("/ca.pem".into());
        new.courses.refresh_minutes += 1;
        assert_eq!(keep_restart_only(&running, &mut new), RESTART_ONLY);
        assert_eq!(
            serde_json::to_value(&new.door).unwrap(),
            serde_json::to_value(&running.door).unwrap()
        );
        assert!(keep_restart_only(&running, &mut new).is_empty());
    }

    #[test]
    fn changes_to_who_may_sign_in_are_named_without_secrets() {
        use crate::config::{ApiToken, Role, StaffLogin};
        let login = |name: &str, hash: &str| StaffLogin {
            name: name.into(),
            passcode_hash: hash.into(),
            location: Default::default(),
            role: Role::Advisor,
            needs: Vec::new(),
        };
        let token = |name: &str, token: &str| ApiToken {
            name: name.into(),
            token: token.into(),
        };
        let mut before = Config::parse(BASE, "k.toml").unwrap();
        before.staff.logins = vec![login("Sam", "h1"), login("Alex", "h2"), login("Kim", "h3")];
        before.staff.api_tokens = vec![token("Tablet", "t1"), token("Screen", "t2")];
        before.cards.revoked = vec!["M-1".into()];
        let mut after = before.clone();
        after.staff.logins = vec![login("Sam", "h9"), login("Kim", "h3"), login("Ola", "h4")];
        after.staff.logins[1].role = Role::Manager;
        after.staff.logins[1].needs = vec![crate::domain::NeedId::new("housing").unwrap()];
        after.staff.api_tokens = vec![token("Screen", "t7"), token("Desk", "t5")];
        after.cards.revoked = vec!["M-2".into(), "M-3".into()];
        let said: Vec<String> = access_changes(&before, &after)
            .into_iter()
            .map(|c| format!("{}: {}", c.subject, c.detail))
            .collect();
        assert_eq!(
            said,
            [
                "login Sam: new passcode",
                "login Alex: removed",
                "login Kim: now manager",
                "login Kim: now serves housing",
                "login Ola: added (advisor)",
                "token Tablet: removed",
                "token Screen: replaced",
                "token Desk: added",
                "card revocations: 2 revoked, 1 no longer revoked",
            ]
        );
        let all = said.join(" ");
        for secret in ["h9", "t7", "t5", "M-2"] {
            assert!(!all.contains(secret), "{secret} in {all}");
        }
        assert!(access_changes(&after, &after).is_empty());
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
