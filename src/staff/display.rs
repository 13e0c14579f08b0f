//! The display page, `/display?token=…`: for a TV or screen in the waiting area or café. It
//! shows the calls full-screen (the ticket, where to go, and the call in the ticket holder's
//! language when it is not the site's) and the help alert, live through the same event stream
//! as the staff pages, filtered to what it may show: ticket numbers and places, and that help
//! was asked for — never needs, member numbers or who called.
//!
//! It uses its own read-only token (`[staff] display_token`), compared in constant time, in its
//! address (a TV cannot sign in); never a staff session. Without a token configured there is no
//! display page. It can change nothing.

use std::convert::Infallible;

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::sse::{Event as SseEvent, Sse};
use axum::response::{Html, IntoResponse, Response};
use futures_util::stream::Stream;
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::ApiError;
use super::pages::escape;
use super::sse;
use super::state::AppState;
use crate::config::Texts;
use crate::domain::needs::pick;
use crate::domain::{HelpRequest, Language};
use crate::events::Event;
use crate::hub::Hub;
use crate::ui::languages::call_in;
use crate::web::same_secret;

/// How many calls the page lists.
const CALLS_SHOWN: u32 = 6;

const SCRIPT: &str = include_str!("pages/display.js");
const STYLE: &str = include_str!("pages/display.css");

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    pub token: Option<String>,
}

/// Whether `token` opens the display page; the answer to give when it does not.
fn check(s: &AppState, token: Option<&str>) -> Result<(), ApiError> {
    let Some(expected) = s.hub.config().staff.display_token.clone() else {
        return Err(ApiError::not_found(
            "this kiosk has no display page: set [staff] display_token in its configuration",
        ));
    };
    match token {
        Some(t) if same_secret(expected.as_bytes(), t.as_bytes()) => Ok(()),
        _ => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "open the display page with its whole address, /display?token=… as the site manager gave it",
        )),
    }
}

/// A call as the display shows it: the ticket, where to go in the site's language, and the
/// whole call in the holder's language when that is another one.
fn call(hub: &Hub, ticket: &str, location: &Texts, language: &Language) -> Value {
    let config = hub.config();
    let site = config.site.default_language.as_str();
    let other = (language.as_str() != site)
        .then(|| {
            let place = pick(location, language.as_str()).unwrap_or_default();
            call_in(language.as_str(), ticket, place)
        })
        .flatten()
        .unwrap_or_default();
    json!({
        "ticket": ticket,
        "place": pick(location, site).unwrap_or_default(),
        "other": other,
    })
}

fn help(h: &HelpRequest, state: &str) -> Value {
    json!({ "id": h.id, "state": state })
}

/// A hub event as the display may see it, if it may.
fn shown(hub: &Hub, event: &Event) -> Option<SseEvent> {
    let (name, data) = match event {
        Event::NowCalling {
            ticket,
            location,
            language,
            ..
        } => ("call", call(hub, ticket, location, language)),
        Event::HelpRequested { help: h } => ("help", help(h, "raised")),
        Event::HelpEscalated { help: h } => ("help", help(h, "escalated")),
        Event::HelpAcknowledged { help: h } => ("help", help(h, "acknowledged")),
        _ => return None,
    };
    Some(SseEvent::default().event(name).data(data.to_string()))
}

/// `GET /display/events?token=…`: calls and help alerts as they happen.
pub async fn events(
    State(s): State<AppState>,
    Query(q): Query<TokenQuery>,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
    check(&s, q.token.as_deref())?;
    let hub = s.hub.clone();
    let ready = SseEvent::default().event("ready").data("{}");
    Ok(sse::stream(&s, ready, move |e| shown(&hub, e)))
}

/// What the page shows on opening: today's last calls and the open help requests.
fn initial(hub: &Hub) -> Result<(Vec<Value>, Vec<Value>), crate::hub::HubError> {
    let calls = hub
        .recent_calls(CALLS_SHOWN)?
        .into_iter()
        .map(|t| {
            let desk = t.called_by.clone().unwrap_or_default();
            call(
                hub,
                &t.number.to_string(),
                &hub.location_of(&desk),
                &t.language,
            )
        })
        .collect();
    let help = hub
        .open_help()?
        .iter()
        .map(|h| {
            help(
                h,
                if h.escalated.is_some() {
                    "escalated"
                } else {
                    "raised"
                },
            )
        })
        .collect();
    Ok((calls, help))
}

/// `GET /display?token=…`.
pub async fn page(State(s): State<AppState>, Query(q): Query<TokenQuery>) -> Response {
    if let Err(e) = check(&s, q.token.as_deref()) {
        let body = format!(
            "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Display</title><p>{}</p></html>",
            escape(&e.message)
        );
        return (e.status, Html(body)).into_response();
    }
    let (calls, help) = match s.hub(initial).await {
        Ok(state) => state,
        Err(e) => return e.into_response(),
    };
    let state = json!({ "calls": calls, "help": help }).to_string();
    let config = s.hub.config();
    Html(format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"icon\" href=\"data:,\">\
         <title>Now calling · {site}</title><style>{STYLE}</style></head>\n\
         <body><main id=\"display\" data-state=\"{state}\">\
         <div id=\"help\" class=\"help\" role=\"alert\" hidden></div>\
         <h1>Now calling</h1><ol id=\"calls\" aria-live=\"polite\"></ol>\
         <p id=\"none\" class=\"none\">Nobody has been called yet today.</p>\
         <p class=\"site\">{site}</p></main>\
         <script src=\"/sound.js\"></script><script src=\"/display.js\"></script></body></html>\n",
        lang = escape(config.site.default_language.as_str()),
        site = escape(&config.site.name),
        state = escape(&state),
    ))
    .into_response()
}

/// `GET /display.js`.
pub async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
}
