//! The drop-in day around closing time, and pauses: when the queue page warns that closing is
//! near, when the kiosk stops giving tickets because nobody more could be seen before closing,
//! when the clock may close a ticket still waiting (closing time plus a grace time, so staff
//! can resolve the last ones themselves), and when a pause ends by itself.
//!
//! All times are site-local (`NaiveDateTime`), as opening hours are.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;

use super::estimate::WaitEstimate;
use super::hours::OpeningHours;

/// The configured times around closing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClosingRules {
    /// How long before closing the queue page warns.
    pub warning: Duration,
    /// How long after closing waiting tickets stay for staff to resolve.
    pub grace: Duration,
}

/// Where the day stands, as the queue page shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum Phase {
    /// Open, closing later than the warning time.
    Open { closes: NaiveDateTime },
    /// Open, closing within the warning time.
    ClosingSoon { closes: NaiveDateTime },
    /// Closed at `closed`; waiting tickets are closed by the clock at `grace_ends`.
    Closing {
        closed: NaiveDateTime,
        grace_ends: NaiveDateTime,
    },
    /// Closed, and the grace time is over (or the hub did not open today).
    Closed,
}

impl Phase {
    /// Where `local` stands in its day.
    pub fn at(hours: &OpeningHours, rules: ClosingRules, local: NaiveDateTime) -> Phase {
        match hours.day(chrono::Datelike::weekday(&local)).0 {
            Some((open, close)) if local.time() >= open && local.time() < close => {
                let closes = local.date().and_time(close);
                if closes - local <= rules.warning {
                    Phase::ClosingSoon { closes }
                } else {
                    Phase::Open { closes }
                }
            }
            Some((_, close)) if local.time() >= close => {
                let closed = local.date().and_time(close);
                let grace_ends = closed + rules.grace;
                if local < grace_ends {
                    Phase::Closing { closed, grace_ends }
                } else {
                    Phase::Closed
                }
            }
            _ => Phase::Closed,
        }
    }
}

/// When the clock may close a ticket of `day` still waiting: closing time that day plus the
/// grace time; on a day the hub does not open (a walk-in staff added), the end of that day
/// plus the grace time.
pub fn tickets_close_at(hours: &OpeningHours, day: NaiveDate, grace: Duration) -> NaiveDateTime {
    let end = hours.closes(day).unwrap_or_else(|| {
        (day + Duration::days(1))
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
    });
    end + grace
}

/// Whether a new ticket would come too late: even the shortest wait the estimate gives ends at
/// or after closing, so the visitor could not be seen today.
pub fn too_late(hours: &OpeningHours, local: NaiveDateTime, estimate: &WaitEstimate) -> bool {
    hours.closes(local.date()).is_some_and(|closes| {
        local < closes && local + Duration::minutes(i64::from(estimate.low_minutes)) >= closes
    })
}

/// When a pause that began at `since` ends by itself: at the closing time of the opening it
/// began in, or, begun while closed, at the next opening (so it never carries into another day).
pub fn pause_ends_at(hours: &OpeningHours, since: NaiveDateTime) -> Option<NaiveDateTime> {
    if hours.is_open(since) {
        hours.closes(since.date())
    } else {
        hours.next_opening(since)
    }
}

/// A pause of the drop-in queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pause {
    pub id: i64,
    pub since: DateTime<Utc>,
    /// The login or token that paused.
    pub by: String,
    pub reason: Option<String>,
    /// When it ends by itself (closing time), if it does.
    pub ends: Option<DateTime<Utc>>,
}

/// The longest reason a pause may give.
pub const MAX_REASON: usize = 200;

/// A pause's reason as typed: trimmed, empty as none; `Err` says what to write instead.
pub fn pause_reason(text: Option<&str>) -> Result<Option<String>, String> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > MAX_REASON {
        return Err(format!(
            "a pause's reason is at most {MAX_REASON} characters: say it briefly, e.g. \"the room is full\""
        ));
    }
    if text.chars().any(char::is_control) {
        return Err("a pause's reason is one line of plain text".into());
    }
    Ok(Some(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    const RULES: ClosingRules = ClosingRules {
        warning: Duration::minutes(15),
        grace: Duration::minutes(30),
    };

    #[test]
    fn the_day_warns_closes_and_then_ends_its_grace_time() {
        let h = OpeningHours::default();
        let phase = |s| Phase::at(&h, RULES, at(s));
        // Monday 23 November 2026, 9:30–16:30.
        let closes = at("2026-11-23 16:30");
        assert_eq!(phase("2026-11-23 16:14"), Phase::Open { closes });
        assert_eq!(phase("2026-11-23 16:15"), Phase::ClosingSoon { closes });
        let closing = Phase::Closing {
            closed: closes,
            grace_ends: at("2026-11-23 17:00"),
        };
        assert_eq!(phase("2026-11-23 16:30"), closing);
        assert_eq!(phase("2026-11-23 16:59"), closing);
        assert_eq!(phase("2026-11-23 17:00"), Phase::Closed);
        assert_eq!(phase("2026-11-23 08:00"), Phase::Closed, "before opening");
        assert_eq!(phase("2026-11-28 12:00"), Phase::Closed, "Saturday");
    }

    #[test]
    fn waiting_tickets_close_after_the_grace_time_of_their_day() {
        let h = OpeningHours::default();
        let grace = Duration::minutes(30);
        let monday = at("2026-11-23 00:00").date();
        assert_eq!(tickets_close_at(&h, monday, grace), at("2026-11-23 17:00"));
        let saturday = at("2026-11-28 00:00").date();
        assert_eq!(
            tickets_close_at(&h, saturday, grace),
            at("2026-11-29 00:30")
        );
    }

    #[test]
    fn a_ticket_is_too_late_when_even_the_shortest_wait_ends_at_closing() {
        let h = OpeningHours::default();
        let wait = |low, high| WaitEstimate {
            low_minutes: low,
            high_minutes: high,
        };
        // "50–100 min" at 16:00 runs past 16:30.
        assert!(too_late(&h, at("2026-11-23 16:00"), &wait(50, 100)));
        assert!(too_late(&h, at("2026-11-23 16:20"), &wait(10, 20)));
        assert!(!too_late(&h, at("2026-11-23 16:19"), &wait(10, 20)));
        assert!(!too_late(&h, at("2026-11-23 16:29"), &wait(0, 5)));
        assert!(!too_late(&h, at("2026-11-23 10:00"), &wait(50, 100)));
        // Closed already: that is "closed", not "too late".
        assert!(!too_late(&h, at("2026-11-23 17:00"), &wait(0, 5)));
    }

    #[test]
    fn a_pause_ends_at_closing_or_at_the_next_opening() {
        let h = OpeningHours::default();
        assert_eq!(
            pause_ends_at(&h, at("2026-11-23 11:00")),
            Some(at("2026-11-23 16:30"))
        );
        assert_eq!(
            pause_ends_at(&h, at("2026-11-23 18:00")),
            Some(at("2026-11-24 09:30"))
        );
    }

    #[test]
    fn reasons_are_short_plain_and_optional() {
        assert_eq!(pause_reason(None), Ok(None));
        assert_eq!(pause_reason(Some("  ")), Ok(None));
        assert_eq!(
            pause_reason(Some(" room full ")),
            Ok(Some("room full".into()))
        );
        assert!(pause_reason(Some(&"x".repeat(201))).is_err());
        assert!(pause_reason(Some("a\nb")).is_err());
    }
}
