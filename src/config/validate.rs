//! Checks that relate several values; each problem becomes a message naming the file, the line
//! and the key (see `locate.rs`).

use super::locate::locate;
use super::{Config, ConfigError, RawConfig, checks};
use crate::domain::OpeningHours;

pub(super) fn validate(
    raw: RawConfig,
    text: &str,
    origin: &str,
    demo: bool,
) -> Result<Config, ConfigError> {
    let mut problems = Vec::new();
    let p = &mut problems;
    let timezone = checks::site(&raw.site, p);
    checks::kiosk(&raw.kiosk, p);
    let catalogue = checks::needs(&raw.needs, p);
    checks::queue(&raw.queue, p);
    checks::display(&raw.display, p);
    super::help::check(&raw.help, p);
    checks::staff(&raw.staff, catalogue.as_ref(), demo, p);
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
    })
}
