//! The status page: is the kiosk forwarding its counts, is anything waiting to be sent, is the
//! door sensor well, is there disk space left, is the clock right, which version runs; the
//! configuration's warnings and how its last reload went at the top; and for managers, the
//! audit log (`audit.rs`).

use axum::Extension;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Html;
use chrono::{DateTime, Utc};

use super::audit::{self, AuditQuery, is_manager};
use super::{Nav, escape, layout, message};
use crate::staff::auth::Caller;
use crate::staff::health::{Health, bytes};
use crate::staff::state::AppState;
use crate::status::SyncState;

fn when(hub: &crate::hub::Hub, t: Option<DateTime<Utc>>) -> String {
    t.map(|t| hub.local(t).format("%a %-d %b %Y, %H:%M:%S").to_string())
        .unwrap_or_else(|| "never".into())
}

fn good(ok: bool, text: &str) -> String {
    format!(
        "<span class=\"{}\">{}</span>",
        if ok { "ok" } else { "bad" },
        escape(text)
    )
}

fn render(hub: &crate::hub::Hub, h: &Health) -> String {
    let sync = &h.sync;
    let sync_text = match sync.state {
        SyncState::Waiting => format!("<span class=\"muted\">{}</span>", sync.state.describe()),
        state => good(state.is_well(), state.describe()),
    };
    let door = match (&h.door.fault, h.door.mode.as_str()) {
        (Some(f), _) => good(false, &format!("fault: {f}")),
        (None, "" | "none") => "<span class=\"muted\">no door sensor</span>".to_owned(),
        (None, mode) => good(true, &format!("working ({mode})")),
    };
    let disk = match &h.disk {
        Some(d) => good(
            !d.low(),
            &format!(
                "{} free of {} ({})",
                bytes(d.free_bytes),
                bytes(d.total_bytes),
                d.path
            ),
        ),
        None => good(false, "cannot read the data directory's disk"),
    };
    let error = sync
        .last_error
        .as_deref()
        .map(|e| format!("<dt>Last problem</dt><dd>{}</dd>", escape(e)))
        .unwrap_or_default();
    format!(
        "<h1>Status</h1><section><dl class=\"facts\">\
         <dt>Forwarding</dt><dd id=\"sync\">{sync_text}</dd>\
         <dt>Last sent</dt><dd>{last_ok}</dd><dt>Last tried</dt><dd>{last_try}</dd>{error}\
         <dt>Waiting to send</dt><dd id=\"outbox\">{outbox} of counts</dd>\
         <dt>Refused by the central service</dt><dd>{dead}</dd>\
         <dt>Door sensor</dt><dd id=\"door\">{door}</dd>\
         <dt>Last door pass</dt><dd>{last_pass}</dd>\
         <dt>Disk</dt><dd id=\"disk\">{disk}</dd>\
         <dt>Clock</dt><dd id=\"clock\">{clock}</dd>\
         <dt>Queue</dt><dd>{queue}</dd>\
         <dt>Timetable</dt><dd id=\"timetable\">{timetable}</dd>\
         <dt>Version</dt><dd id=\"version\">hub-kiosk {version}</dd>\
         <dt>Site and kiosk</dt><dd>{site} (site id {site_id}), kiosk {kiosk}</dd>\
         <dt>Running for</dt><dd>{up}</dd></dl></section>",
        last_ok = when(hub, sync.last_success),
        last_try = when(hub, sync.last_attempt),
        outbox = hours(h.outbox_depth),
        dead = hours(sync.dead_letters),
        last_pass = when(hub, h.door.last_pass),
        clock = if h.clock_synchronised {
            good(true, &format!("synchronised — {}", when(hub, Some(h.now))))
        } else {
            good(
                false,
                &format!(
                    "not synchronised yet ({}): records are re-dated when it is",
                    when(hub, Some(h.now))
                ),
            )
        },
        queue = if h.queue_open { "open" } else { "closed" },
        timetable = timetable(hub, &h.timetable),
        version = escape(h.version),
        site = escape(&h.site_name),
        site_id = escape(&h.site_id),
        kiosk = escape(&h.kiosk_id),
        up = uptime(h.uptime_seconds),
    )
}

/// The timetable: what is in use and since when, and why a refresh failed.
fn timetable(hub: &crate::hub::Hub, t: &crate::courses::Snapshot) -> String {
    if !t.configured {
        return "<span class=\"muted\">none set ([courses] in the configuration)</span>".into();
    }
    let mut out = match &t.in_use {
        Some(copy) => good(
            t.last_error.is_none(),
            &format!(
                "{} events, {} courses from {} — in use: {copy}, since {}",
                t.events,
                t.courses,
                t.source,
                when(hub, t.since)
            ),
        ),
        None => good(false, &format!("nothing in use yet from {}", t.source)),
    };
    if let Some(e) = &t.last_error {
        out.push_str(&format!(
            "<br><span class=\"bad\">The last refresh failed ({}): {}</span>",
            when(hub, t.last_attempt),
            escape(e)
        ));
    }
    if !t.problems.is_empty() {
        let lines: Vec<String> = t
            .problems
            .iter()
            .take(5)
            .map(|p| escape(&p.to_string()))
            .collect();
        out.push_str(&format!(
            "<br><span class=\"muted\">{} events left out: {}</span>",
            t.problems.len(),
            lines.join("; ")
        ));
    }
    out
}

fn hours(n: i64) -> String {
    if n == 1 {
        "1 hour".into()
    } else {
        format!("{n} hours")
    }
}

fn uptime(secs: u64) -> String {
    let (d, h, m) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60);
    if d > 0 {
        format!("{d} days {h} h")
    } else if h > 0 {
        format!("{h} h {m} min")
    } else {
        format!("{m} min")
    }
}

/// The configuration's warnings (plain HTTP on the network, a login named like a desk) and a
/// reload that was refused, at the top of the page.
fn warnings(hub: &crate::hub::Hub) -> String {
    let mut out: String = hub
        .config()
        .warnings
        .iter()
        .map(|w| message("error", &format!("Warning: {w}")))
        .collect();
    if let Some(r) = hub.last_reload() {
        let at = when(hub, Some(r.at));
        let (kind, text) = match (&r.refused, r.restart_needed.is_empty()) {
            (Some(_), _) => ("error", format!("{at}: {}", r.summary())),
            (None, false) => ("error", format!("Warning: {at}: {}", r.summary())),
            (None, true) => ("note", format!("{at}: {}.", r.summary())),
        };
        out.push_str(&message(kind, &text).replacen("<p ", "<p id=\"reload\" ", 1));
    }
    out
}

pub async fn page(
    State(s): State<AppState>,
    Extension(caller): Extension<Caller>,
    q: Result<Query<AuditQuery>, QueryRejection>,
) -> Html<String> {
    let started = s.started;
    let hub = s.hub.clone();
    let manager = is_manager(&s.hub, &caller);
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let gathered = s
        .hub(move |h| {
            let health = Health::gather(h, started)?;
            let audit = manager.then(|| audit::section(h, &q));
            Ok((health, audit))
        })
        .await;
    let mut body = warnings(&hub);
    match gathered {
        Ok((h, audit)) => {
            body.push_str(&render(&hub, &h));
            body.push_str(&audit.unwrap_or_default());
        }
        Err(e) => body.push_str(&format!("<h1>Status</h1>{}", message("error", &e.message))),
    }
    layout(
        "Status",
        &s.hub.config().site.name,
        Some(&caller.name),
        Nav::Status,
        &body,
    )
}
