//! Checks that relate several values; each problem becomes a message naming the file, the line
//! and the key (see `locate.rs`).

use std::collections::BTreeSet;

use super::{
    Config, ConfigError, DEMO_API_TOKEN, DEMO_CENTRAL_TOKEN, DEMO_PASSCODE, DoorMode, RawConfig,
};
use crate::domain::needs::CatalogueError;
use crate::domain::{Catalogue, OpeningHours};
use crate::web::passcode;

use super::locate::problem;
use super::locate::{id_ok, locate};

pub(super) fn validate(
    raw: RawConfig,
    text: &str,
    origin: &str,
    demo: bool,
) -> Result<Config, ConfigError> {
    let mut problems = Vec::new();
    let p = &mut problems;

    // [site]
    if raw.site.name.trim().is_empty() {
        p.push(problem(
            "site.name",
            "the site needs a name, e.g. \"The Life Rooms Walton\"",
        ));
    }
    if !id_ok(&raw.site.id) {
        p.push(problem(
            "site.id",
            "use 1–40 lower-case letters, digits or `-`, e.g. \"walton\"",
        ));
    }
    let timezone = raw.site.timezone.parse::<chrono_tz::Tz>();
    if timezone.is_err() {
        p.push(problem(
            "site.timezone",
            format!(
                "`{}` is not a time zone name such as \"Europe/London\"",
                raw.site.timezone
            ),
        ));
    }
    if raw.site.languages.is_empty() {
        p.push(problem(
            "site.languages",
            "list at least one language, e.g. [\"en\"]",
        ));
    } else if !raw.site.languages.contains(&raw.site.default_language) {
        p.push(problem(
            "site.default_language",
            format!(
                "`{}` must be one of site.languages",
                raw.site.default_language.as_str()
            ),
        ));
    }

    // [kiosk]
    if !id_ok(&raw.kiosk.id) {
        p.push(problem(
            "kiosk.id",
            "use 1–40 lower-case letters, digits or `-`, e.g. \"entrance\"",
        ));
    }
    if !(1..=3650).contains(&raw.kiosk.retention_days) {
        p.push(problem(
            "kiosk.retention_days",
            "use a number of days from 1 to 3650 (30 is usual)",
        ));
    }

    // [[needs]]
    let catalogue = match Catalogue::new(raw.needs.clone()) {
        Ok(c) => Some(c),
        Err(e) => {
            let index = |id: &crate::domain::NeedId, last: bool| {
                let mut found = raw
                    .needs
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| n.id == *id)
                    .map(|(i, _)| i);
                if last {
                    found.next_back()
                } else {
                    found.next()
                }
                .unwrap_or(0)
            };
            let key = match &e {
                CatalogueError::Duplicate(id) => format!("needs.{}.id", index(id, true)),
                CatalogueError::NoEnglishLabel(id) => format!("needs.{}.labels", index(id, false)),
                CatalogueError::BadWeight(id, _) => format!("needs.{}.weight", index(id, false)),
                _ => "needs".into(),
            };
            p.push(problem(key, e.to_string()));
            None
        }
    };

    // [queue]
    let q = &raw.queue;
    if !q.ticket_prefix.is_ascii_uppercase() {
        p.push(problem("queue.ticket_prefix", "use one capital letter A–Z"));
    }
    if !(1..=240).contains(&q.default_service_minutes) {
        p.push(problem(
            "queue.default_service_minutes",
            "use minutes from 1 to 240",
        ));
    }
    if !(1..=500).contains(&q.service_samples) {
        p.push(problem(
            "queue.service_samples",
            "use a number from 1 to 500",
        ));
    }
    if !(1.0..=10.0).contains(&q.priority_factor) {
        p.push(problem(
            "queue.priority_factor",
            "use a number from 1 to 10 (2 is usual)",
        ));
    }
    if q.amber_minutes >= q.red_minutes {
        p.push(problem(
            "queue.amber_minutes",
            "must be less than queue.red_minutes",
        ));
    }
    if q.advisors_default == 0 {
        p.push(problem("queue.advisors_default", "use at least 1"));
    }

    // [display]
    let d = &raw.display;
    if !(10..=600).contains(&d.idle_reset_seconds) {
        p.push(problem(
            "display.idle_reset_seconds",
            "use seconds from 10 to 600 (45 is usual)",
        ));
    }
    if d.countdown_seconds == 0 || d.countdown_seconds >= d.idle_reset_seconds {
        p.push(problem(
            "display.countdown_seconds",
            "use at least 1 and less than display.idle_reset_seconds",
        ));
    }
    if !(3..=120).contains(&d.done_seconds) {
        p.push(problem("display.done_seconds", "use seconds from 3 to 120"));
    }
    if ![0, 90, 180, 270].contains(&d.rotation) {
        p.push(problem("display.rotation", "use 0, 90, 180 or 270"));
    }
    if d.recent_calls > 10 {
        p.push(problem("display.recent_calls", "use 0 to 10"));
    }

    // [staff]
    let mut names = BTreeSet::new();
    for (i, login) in raw.staff.logins.iter().enumerate() {
        if login.name.trim().is_empty() || login.name.len() > 40 {
            p.push(problem(
                format!("staff.logins.{i}.name"),
                "give a display name of 1–40 characters, e.g. \"Desk 1\"",
            ));
        } else if !names.insert(login.name.clone()) {
            p.push(problem(
                format!("staff.logins.{i}.name"),
                format!("`{}` is used twice: names must be unique", login.name),
            ));
        }
        if let Err(e) = passcode::check_hash(&login.passcode_hash) {
            p.push(problem(format!("staff.logins.{i}.passcode_hash"), e));
        } else if !demo && passcode::verify(&login.passcode_hash, DEMO_PASSCODE) {
            p.push(problem(
                format!("staff.logins.{i}.passcode_hash"),
                "this is the demo passcode: set a real one with `hub-kiosk staff hash-passcode`",
            ));
        }
    }
    let mut tokens = BTreeSet::new();
    for (i, t) in raw.staff.api_tokens.iter().enumerate() {
        if !demo && t.token == DEMO_API_TOKEN {
            p.push(problem(
                format!("staff.api_tokens.{i}.token"),
                "this is the demo API token: make a random one, e.g. `openssl rand -hex 16`",
            ));
        } else if t.token.len() < 22 || t.token.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            p.push(problem(format!("staff.api_tokens.{i}.token"), "use at least 22 random characters without spaces (128 bits), e.g. `openssl rand -hex 16`"));
        } else if !tokens.insert(t.token.clone()) {
            p.push(problem(
                format!("staff.api_tokens.{i}.token"),
                "this token is used twice",
            ));
        }
    }
    if let Some(tls) = &raw.staff.tls {
        for (key, path) in [
            ("staff.tls.certificate", &tls.certificate),
            ("staff.tls.key", &tls.key),
        ] {
            if !path.is_file() {
                p.push(problem(
                    key,
                    format!("{} does not exist or is not a file", path.display()),
                ));
            }
        }
    }

    // [sync]
    let s = &raw.sync;
    if let Some(url) = &s.central_url {
        if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() < 10 {
            p.push(problem(
                "sync.central_url",
                "use an http:// or https:// address, e.g. \"https://central.example.org\"",
            ));
        }
        match &s.token {
            None => p.push(problem(
                "sync.token",
                "sync.central_url is set, so set the kiosk's token at the central service too",
            )),
            Some(t) if !demo && t == DEMO_CENTRAL_TOKEN => p.push(problem(
                "sync.token",
                "this is the demo token: ask the central team for this kiosk's own token",
            )),
            Some(_) => {}
        }
    }
    if !(5..=3600).contains(&s.interval_seconds) {
        p.push(problem(
            "sync.interval_seconds",
            "use seconds from 5 to 3600",
        ));
    }
    if !(1..=500).contains(&s.batch_size) {
        p.push(problem("sync.batch_size", "use a number from 1 to 500"));
    }
    if !(1..=300).contains(&s.timeout_seconds) {
        p.push(problem("sync.timeout_seconds", "use seconds from 1 to 300"));
    }

    // [door]
    let door = &raw.door;
    let pin_ok = |pin: u8| pin <= 27;
    if matches!(door.mode, DoorMode::Single | DoorMode::Dual) && !pin_ok(door.beam_a_pin) {
        p.push(problem(
            "door.beam_a_pin",
            "use a BCM GPIO number from 0 to 27",
        ));
    }
    if door.mode == DoorMode::Dual {
        match door.beam_b_pin {
            None => p.push(problem(
                "door.beam_b_pin",
                "dual mode needs a second beam: set door.beam_b_pin",
            )),
            Some(b) if !pin_ok(b) || b == door.beam_a_pin => p.push(problem(
                "door.beam_b_pin",
                "use a BCM GPIO number from 0 to 27, different from door.beam_a_pin",
            )),
            Some(_) => {}
        }
    }
    if let Some(led) = door.led_pin
        && (!pin_ok(led) || led == door.beam_a_pin || Some(led) == door.beam_b_pin)
    {
        p.push(problem(
            "door.led_pin",
            "use a free BCM GPIO number from 0 to 27, not a beam's",
        ));
    }
    if !(1..=500).contains(&door.debounce_ms) {
        p.push(problem(
            "door.debounce_ms",
            "use milliseconds from 1 to 500 (15 is usual)",
        ));
    }
    if !(1..=3600).contains(&door.blocked_fault_seconds) {
        p.push(problem(
            "door.blocked_fault_seconds",
            "use seconds from 1 to 3600",
        ));
    }
    if let (DoorMode::Simulator, Some(input)) = (door.mode, &door.simulator_input)
        && input.as_os_str() != "-"
    {
        let dir = input.parent().filter(|d| !d.as_os_str().is_empty());
        if input.is_dir() {
            p.push(problem(
                "door.simulator_input",
                format!(
                    "{} is a directory: name a file, a FIFO or \"-\" (standard input)",
                    input.display()
                ),
            ));
        } else if !input.exists() && dir.is_some_and(|d| !d.is_dir()) {
            p.push(problem(
                "door.simulator_input",
                format!("the directory of {} does not exist: create it, or use \"-\" for standard input", input.display()),
            ));
        }
    }
    if !(0.5..=2.0).contains(&door.calibration) {
        p.push(problem(
            "door.calibration",
            "use a factor from 0.5 to 2.0, measured by a hand tally",
        ));
    }

    // [cards]
    for (key, message) in super::cards::problems(&raw.cards, demo) {
        p.push(problem(key, message));
    }

    // [scanner]
    if ![1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200].contains(&raw.scanner.baud) {
        p.push(problem(
            "scanner.baud",
            "use a standard rate: 9600, 19200, 38400, 57600 or 115200",
        ));
    }

    if let Some(first) = problems.into_iter().next() {
        return Err(ConfigError {
            file: origin.to_owned(),
            line: locate(text, &first.key),
            key: Some(first.key),
            message: first.message,
        });
    }
    Ok(Config {
        origin: origin.to_owned(),
        demo,
        hours: raw
            .hours
            .as_ref()
            .map_or_else(OpeningHours::default, |h| h.opening_hours()),
        timezone: timezone.expect("checked above"),
        catalogue: catalogue.expect("checked above"),
        site: raw.site,
        kiosk: raw.kiosk,
        queue: raw.queue,
        display: raw.display,
        staff: raw.staff,
        sync: raw.sync,
        door: raw.door,
        cards: raw.cards,
        scanner: raw.scanner,
        clock: raw.clock,
    })
}
