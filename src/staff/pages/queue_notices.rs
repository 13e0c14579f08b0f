//! What the queue page says above the table, live: a visitor asking for someone now (first,
//! impossible to miss, with the button that says "I'm going"), drop-ins paused, and closing
//! time near or passed. Each is part of the table's fragment, so every open page shows it the
//! moment the event stream says so.

use chrono::{DateTime, NaiveDateTime, Utc};

use super::escape;
use crate::domain::HelpRequest;
use crate::domain::day::{Pause, Phase};

fn clock(t: NaiveDateTime) -> String {
    t.format("%H:%M").to_string()
}

/// The open help requests; `data-open` and `data-escalated` tell the page's script to sound
/// the alarm and flash the title.
pub fn help_alerts(
    open: &[HelpRequest],
    now: DateTime<Utc>,
    local: impl Fn(DateTime<Utc>) -> NaiveDateTime,
) -> String {
    let escalated = open.iter().any(|h| h.escalated.is_some());
    let alerts: String = open
        .iter()
        .map(|h| {
            let minutes = (now - h.raised).num_minutes().max(0);
            let ago = match minutes {
                0 => "just now".to_owned(),
                1 => "1 min ago".to_owned(),
                m => format!("{m} min ago"),
            };
            let late = if h.escalated.is_some() {
                " <strong>Nobody has answered yet: please go now.</strong> The screen now asks them to come to reception."
            } else {
                ""
            };
            format!(
                "<div class=\"help-alert{cls}\" role=\"alert\" data-help-id=\"{id}\">\
                 <p><strong>Someone at the kiosk needs to talk to someone now.</strong> \
                 Asked at {at} ({ago}).{late}</p>\
                 <button type=\"button\" class=\"big\" data-act=\"ack-help\" data-id=\"{id}\">I'm going — acknowledge</button></div>",
                cls = if h.escalated.is_some() { " escalated" } else { "" },
                id = h.id,
                at = clock(local(h.raised)),
            )
        })
        .collect();
    format!(
        "<section id=\"help-alerts\" class=\"help-alerts\" data-open=\"{}\" data-escalated=\"{}\">{alerts}</section>",
        open.len(),
        u8::from(escalated),
    )
}

/// Drop-ins paused: by whom, since when, why, and when it ends by itself.
pub fn pause(p: Option<&Pause>, local: impl Fn(DateTime<Utc>) -> NaiveDateTime) -> String {
    let Some(p) = p else {
        return "<div id=\"pause\" data-paused=\"0\"></div>".into();
    };
    let reason = p
        .reason
        .as_deref()
        .map(|r| format!(" ({})", escape(r)))
        .unwrap_or_default();
    let ends = p
        .ends
        .map(|e| format!(" It ends by itself at {}.", clock(local(e))))
        .unwrap_or_default();
    format!(
        "<div id=\"pause\" data-paused=\"1\" class=\"message warning\" role=\"status\">\
         <strong>Drop-ins are paused</strong> since {since} by {by}{reason}. The screen gives no \
         tickets and asks visitors to ask at reception.{ends} \
         <button type=\"button\" data-act=\"resume\">Resume drop-ins</button></div>",
        since = clock(local(p.since)),
        by = escape(&p.by),
    )
}

/// Closing time near, or passed with the grace time still running.
pub fn closing(day: &Phase, now: NaiveDateTime) -> String {
    match day {
        Phase::ClosingSoon { closes } => format!(
            "<p id=\"closing\" class=\"message warning\" role=\"status\"><strong>Closing at {} — in {} min.</strong> \
             The screen stops giving tickets once a new one could not be seen by then. Waiting \
             tickets stay here until you resolve them.</p>",
            clock(*closes),
            (*closes - now).num_minutes().max(0) + 1,
        ),
        Phase::Closing { closed, grace_ends } => format!(
            "<p id=\"closing\" class=\"message warning\" role=\"status\"><strong>Closed at {}.</strong> \
             Resolve the waiting tickets: call and see them, mark them as left, or ask them to \
             come back tomorrow. Any still waiting at {} are closed by the clock. Called \
             tickets stay until you finish them.</p>",
            clock(*closed),
            clock(*grace_ends),
        ),
        Phase::Open { .. } | Phase::Closed => String::new(),
    }
}

/// "Mine" or "All", for a login that serves only some needs.
pub fn remit_toggle(needs: &[String], mine: bool) -> String {
    if needs.is_empty() {
        return String::new();
    }
    let pressed = |on: bool| if on { "true" } else { "false" };
    format!(
        "<div class=\"summary\" id=\"show\" data-show=\"{}\"><span>Show</span>\
         <button type=\"button\" class=\"quiet\" data-act=\"show\" data-show=\"mine\" aria-pressed=\"{}\">Mine ({})</button>\
         <button type=\"button\" class=\"quiet\" data-act=\"show\" data-show=\"all\" aria-pressed=\"{}\">All</button></div>",
        if mine { "mine" } else { "all" },
        pressed(mine),
        escape(&needs.join(", ")),
        pressed(!mine),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_escalated_alert_says_so_and_a_pause_says_who_and_why() {
        let t0: DateTime<Utc> = "2026-11-23T11:00:00Z".parse().unwrap();
        let local = |t: DateTime<Utc>| t.naive_utc();
        let help = HelpRequest {
            id: 3,
            raised: t0,
            escalated: Some(t0 + chrono::Duration::seconds(60)),
            acknowledged: None,
        };
        let html = help_alerts(&[help], t0 + chrono::Duration::minutes(2), local);
        assert!(
            html.contains("data-open=\"1\" data-escalated=\"1\""),
            "{html}"
        );
        assert!(html.contains("Asked at 11:00 (2 min ago)") && html.contains("please go now"));
        let p = Pause {
            id: 1,
            since: t0,
            by: "Desk <1>".into(),
            reason: Some("room & full".into()),
            ends: Some(t0 + chrono::Duration::hours(5)),
        };
        let html = pause(Some(&p), local);
        assert!(
            html.contains("by Desk &lt;1&gt; (room &amp; full)"),
            "{html}"
        );
        assert!(html.contains("ends by itself at 16:00"));
    }
}
