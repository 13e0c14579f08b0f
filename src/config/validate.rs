//! Checks that relate several values; each problem becomes a message naming the file, the line
//! and the key (see `locate.rs`). Warnings are located the same way and kept with the config.

use super::locate::{Problem, locate};
use super::{Config, ConfigError, ConfigWarning, RawConfig, checks, staff};
use crate::domain::OpeningHours;

pub(super) fn validate(
    raw: RawConfig,
    text: &str,
    origin: &str,
    demo: bool,
) -> Result<Config, ConfigError> {
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let p = &mut problems;
    let timezone = checks::site(&raw.site, p);
    checks::kiosk(&raw.kiosk, p);
    let catalogue = checks::needs(&raw.needs, p);
    checks::queue(&raw.queue, p);
    checks::display(&raw.display, p);
    super::help::check(&raw.help, p);
    staff::checks::staff(&raw.staff, catalogue.as_ref(), demo, p, &mut warnings);
    checks::sync(&raw.sync, demo, p);
    checks::door(&raw.door, p);
    checks::cards(&raw.cards, demo, p);
    checks::scanner(&raw.scanner, p);
    for (key, message) in super::courses::problems(&raw.courses) {
        p.push(super::locate::problem(key, message));
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
        timezone: timezone.expect("checked above: a problem otherwise"),
        catalogue: catalogue.expect("checked above: a problem otherwise"),
        warnings: located(warnings, text, origin),
        site: raw.site,
        kiosk: raw.kiosk,
        queue: raw.queue,
        display: raw.display,
        help: raw.help,
        staff: raw.staff,
        sync: raw.sync,
        door: raw.door,
        cards: raw.cards,
        scanner: raw.scanner,
        clock: raw.clock,
        courses: raw.courses,
        privacy: raw.privacy,
    })
}

/// Warnings with the file and line they are about.
pub(crate) fn located(warnings: Vec<Problem>, text: &str, origin: &str) -> Vec<ConfigWarning> {
    warnings
        .into_iter()
        .map(|w| ConfigWarning {
            file: origin.to_owned(),
            line: locate(text, &w.key),
            key: w.key,
            message: w.message,
        })
        .collect()
}
