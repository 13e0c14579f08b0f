//! One check per section of `kiosk.toml`, each adding its problems (a dotted key and what to do)
//! to the list `validate` turns into the first message with its line. Checks that relate
//! several values of a section live here; single values are typed by serde already.

use super::locate::{Problem, id_ok, problem};
use super::{
    Cards, DEMO_CENTRAL_TOKEN, Display, Door, DoorMode, Kiosk, Queue, Scanner, Site, Sync,
};
use crate::domain::Catalogue;
use crate::domain::needs::{CatalogueError, Need};

/// `[site]`: its name, id, time zone and languages; the time zone when it is one.
pub(super) fn site(site: &Site, p: &mut Vec<Problem>) -> Option<chrono_tz::Tz> {
    if site.name.trim().is_empty() {
        p.push(problem(
            "site.name",
            "the site needs a name, e.g. \"The Life Rooms Walton\"",
        ));
    }
    if !id_ok(&site.id) {
        p.push(problem(
            "site.id",
            "use 1–40 lower-case letters, digits or `-`, e.g. \"walton\"",
        ));
    }
    let timezone = site.timezone.parse::<chrono_tz::Tz>();
    if timezone.is_err() {
        p.push(problem(
            "site.timezone",
            format!(
                "`{}` is not a time zone name such as \"Europe/London\"",
                site.timezone
            ),
        ));
    }
    if site.languages.is_empty() {
        p.push(problem(
            "site.languages",
            "list at least one language, e.g. [\"en\"]",
        ));
    } else if !site.languages.contains(&site.default_language) {
        p.push(problem(
            "site.default_language",
            format!(
                "`{}` must be one of site.languages",
                site.default_language.as_str()
            ),
        ));
    }
    timezone.ok()
}

/// `[kiosk]`.
pub(super) fn kiosk(kiosk: &Kiosk, p: &mut Vec<Problem>) {
    if !id_ok(&kiosk.id) {
        p.push(problem(
            "kiosk.id",
            "use 1–40 lower-case letters, digits or `-`, e.g. \"entrance\"",
        ));
    }
    if !(1..=3650).contains(&kiosk.retention_days) {
        p.push(problem(
            "kiosk.retention_days",
            "use a number of days from 1 to 3650 (30 is usual)",
        ));
    }
    if !(30..=3650).contains(&kiosk.audit_days) {
        p.push(problem(
            "kiosk.audit_days",
            "use a number of days from 30 to 3650 (400 is usual: a year and a margin)",
        ));
    }
}

/// `[[needs]]`: the catalogue, when it holds together.
pub(super) fn needs(needs: &[Need], p: &mut Vec<Problem>) -> Option<Catalogue> {
    match Catalogue::new(needs.to_vec()) {
        Ok(c) => Some(c),
        Err(e) => {
            let index = |id: &crate::domain::NeedId, last: bool| {
                let mut found = needs
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
                CatalogueError::BadSessions(id) => format!("needs.{}.sessions", index(id, true)),
                _ => "needs".into(),
            };
            p.push(problem(key, e.to_string()));
            None
        }
    }
}

/// `[queue]`.
pub(super) fn queue(q: &Queue, p: &mut Vec<Problem>) {
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
    if !(1..=120).contains(&q.closing_warning_minutes) {
        p.push(problem(
            "queue.closing_warning_minutes",
            "use minutes from 1 to 120 (15 is usual)",
        ));
    }
    if !(0..=480).contains(&q.closing_grace_minutes) {
        p.push(problem(
            "queue.closing_grace_minutes",
            "use minutes from 0 to 480 (30 is usual)",
        ));
    }
}

/// `[display]`.
pub(super) fn display(d: &Display, p: &mut Vec<Problem>) {
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
}

/// `[sync]`.
pub(super) fn sync(s: &Sync, demo: bool, p: &mut Vec<Problem>) {
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
}

/// `[door]`: pins, timings, the simulator's input and the calibration factor.
pub(super) fn door(door: &Door, p: &mut Vec<Problem>) {
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
}

/// `[cards]`: see `cards.rs`.
pub(super) fn cards(cards: &Cards, demo: bool, p: &mut Vec<Problem>) {
    for (key, message) in super::cards::problems(cards, demo) {
        p.push(problem(key, message));
    }
}

/// `[scanner]`.
pub(super) fn scanner(scanner: &Scanner, p: &mut Vec<Problem>) {
    if ![1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200].contains(&scanner.baud) {
        p.push(problem(
            "scanner.baud",
            "use a standard rate: 9600, 19200, 38400, 57600 or 115200",
        ));
    }
}
