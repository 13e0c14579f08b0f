//! `/metrics` in Prometheus text format: the hub's counters, then gauges read now — the queue
//! (waiting, called, longest wait, per need), advisors on duty, today's waits, sync, door and
//! clock health. Durations are in seconds, as Prometheus wants. `/healthz` is the
//! unauthenticated liveness check.

use std::fmt::Write;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use super::error::ApiError;
use super::health::Health;
use super::state::AppState;
use crate::hub::{Hub, HubError};
use crate::status::SyncState;

fn gauge(out: &mut String, name: &str, help: &str, value: impl std::fmt::Display) {
    let _ = writeln!(
        out,
        "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
    );
}

/// The whole exposition (blocking: call through `StaffState::hub`).
pub fn render(hub: &Hub, health: &Health, sessions: usize) -> Result<String, HubError> {
    let mut out = hub.metrics().render_counters();
    queue_gauges(&mut out, hub)?;
    today_gauges(&mut out, hub)?;
    health_gauges(&mut out, health);
    gauge(
        &mut out,
        "hub_kiosk_staff_sessions",
        "Signed-in staff sessions.",
        sessions,
    );
    Ok(out)
}

/// The queue now: waiting, called, the longest wait, waiting per need, advisors, the estimate.
fn queue_gauges(out: &mut String, hub: &Hub) -> Result<(), HubError> {
    let view = hub.queue_view()?;
    gauge(
        out,
        "hub_kiosk_queue_waiting",
        "Tickets waiting to be called.",
        view.waiting,
    );
    gauge(
        out,
        "hub_kiosk_queue_called",
        "Tickets called and not yet finished.",
        view.called,
    );
    let waiting = || view.entries.iter().filter(|e| e.position.is_some());
    let longest = waiting().map(|e| e.waited_minutes).max().unwrap_or(0);
    gauge(
        out,
        "hub_kiosk_queue_longest_wait_seconds",
        "How long the longest-waiting ticket has waited (whole minutes, in seconds).",
        longest * 60,
    );
    let _ = writeln!(
        out,
        "# HELP hub_kiosk_queue_waiting_by_need Tickets waiting, by need.\n# TYPE hub_kiosk_queue_waiting_by_need gauge"
    );
    for need in hub.config().catalogue.iter().filter(|n| n.drop_in) {
        let n = waiting().filter(|e| e.ticket.need == need.id).count();
        let _ = writeln!(
            out,
            "hub_kiosk_queue_waiting_by_need{{need=\"{}\"}} {n}",
            need.id
        );
    }
    gauge(
        out,
        "hub_kiosk_advisors_on_duty",
        "Advisors the wait estimate counts on.",
        view.advisors_on_duty,
    );
    gauge(
        out,
        "hub_kiosk_wait_estimate_high_seconds",
        "Upper end of the wait a visitor joining now is told, in seconds.",
        i64::from(view.estimate_for_next.high_minutes) * 60,
    );
    Ok(())
}

/// Today's totals (site-local day): check-ins, drop-ins joined and seen, the median wait.
fn today_gauges(out: &mut String, hub: &Hub) -> Result<(), HubError> {
    let today = hub.today();
    let day = hub
        .footfall_days(today, today)?
        .pop()
        .map(|d| d.counts)
        .unwrap_or_default();
    gauge(
        out,
        "hub_kiosk_today_check_ins",
        "Check-ins today (site-local day).",
        day.checkins(),
    );
    gauge(
        out,
        "hub_kiosk_today_dropins_joined",
        "Drop-in tickets given today.",
        day.dropins_joined,
    );
    gauge(
        out,
        "hub_kiosk_today_dropins_seen",
        "Drop-in visitors seen today.",
        day.dropins_seen,
    );
    let median = day
        .median_wait_minutes()
        .map_or("NaN".to_owned(), |m| (m * 60).to_string());
    gauge(
        out,
        "hub_kiosk_today_median_wait_seconds",
        "Median wait of tickets called today (whole minutes, in seconds; NaN before the first).",
        median,
    );
    Ok(())
}

/// The kiosk's health: queue open, outbox, forwarding state, door, clock, disk.
fn health_gauges(out: &mut String, health: &Health) {
    gauge(
        out,
        "hub_kiosk_queue_open",
        "1 while the drop-in queue is open.",
        u8::from(health.queue_open),
    );
    gauge(
        out,
        "hub_kiosk_sync_outbox_buckets",
        "Hourly footfall buckets waiting to be sent to the central service, read from the database.",
        health.outbox_depth,
    );
    let _ = writeln!(
        out,
        "# HELP hub_kiosk_sync_state Forwarding state (1 for the current one).\n# TYPE hub_kiosk_sync_state gauge"
    );
    for s in SyncState::ALL {
        let _ = writeln!(
            out,
            "hub_kiosk_sync_state{{state=\"{}\"}} {}",
            s.as_str(),
            u8::from(s == health.sync.state)
        );
    }
    if let Some(t) = health.sync.last_success {
        gauge(
            out,
            "hub_kiosk_sync_last_success_timestamp_seconds",
            "When the central service last accepted our data.",
            t.timestamp(),
        );
    }
    gauge(
        out,
        "hub_kiosk_door_fault",
        "1 while the door sensor reports a fault.",
        u8::from(health.door.fault.is_some()),
    );
    gauge(
        out,
        "hub_kiosk_clock_synchronised",
        "1 when the clock is synchronised.",
        u8::from(health.clock_synchronised),
    );
    if let Some(d) = &health.disk {
        gauge(
            out,
            "hub_kiosk_disk_free_bytes",
            "Free space on the data directory's file system.",
            d.free_bytes,
        );
    }
}

pub async fn metrics(State(s): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let started = s.started;
    let sessions = s.sessions.count();
    let text = s
        .hub(move |h| {
            let health = Health::gather(h, started)?;
            render(h, &health, sessions)
        })
        .await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    ))
}

/// Liveness: answers while the server runs, without touching the database.
pub async fn healthz() -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(serde_json::json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")})),
    )
}
