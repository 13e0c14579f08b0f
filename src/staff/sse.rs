//! `GET /api/v1/events`: the hub's events pushed to the staff pages as Server-Sent Events, so
//! the queue updates the moment something happens — no polling. Each SSE event is named after
//! the hub event's `type` (`checked_in`, `ticket_changed`, `now_calling`, `duty_changed`, …) and
//! carries it as JSON. A client that falls behind gets `resync` and should re-read the queue;
//! every stream starts with `ready`. Streams end when the kiosk stops. The display page reads
//! the same stream through [`stream`], filtered to what it may show (`super::display`).

use std::convert::Infallible;
use std::time::Duration;

use axum::Extension;
use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};
use tokio::sync::broadcast::error::RecvError;

use super::auth::Caller;
use super::state::AppState;
use crate::events::Event;

/// One hub event as an SSE event.
pub fn to_sse(event: &Event) -> SseEvent {
    let value = serde_json::to_value(event).unwrap_or_default();
    let name = value
        .get("type")
        .and_then(|t| t.as_str())
        .unwrap_or("event")
        .to_owned();
    SseEvent::default().event(name).data(value.to_string())
}

pub async fn events(
    State(s): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
    let ready = SseEvent::default()
        .event("ready")
        .data(serde_json::json!({ "name": caller.name }).to_string());
    stream(&s, ready, |event| Some(to_sse(event)))
}

/// The hub's events from now on, each as `pick` makes it (`None`: not sent), after `ready`;
/// `resync` when some were missed; ended when the kiosk stops.
pub fn stream<F>(
    s: &AppState,
    ready: SseEvent,
    pick: F,
) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>> + use<F>>
where
    F: Fn(&Event) -> Option<SseEvent> + Send + 'static,
{
    let rx = s.hub.subscribe();
    let live = stream::unfold((rx, pick), |(mut rx, pick)| async move {
        loop {
            let item = match rx.recv().await {
                Ok(event) => match pick(&event) {
                    Some(item) => item,
                    None => continue,
                },
                Err(RecvError::Lagged(n)) => SseEvent::default()
                    .event("resync")
                    .data(serde_json::json!({ "missed": n }).to_string()),
                Err(RecvError::Closed) => return None,
            };
            return Some((Ok(item), (rx, pick)));
        }
    });
    let mut stopping = s.stopping.clone();
    let stop = async move {
        let _ = stopping.wait_for(|stop| *stop).await;
    };
    let all = stream::once(async move { Ok(ready) })
        .chain(live)
        .take_until(Box::pin(stop));
    Sse::new(all).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
