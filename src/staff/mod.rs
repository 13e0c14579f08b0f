//! The staff side of the kiosk, served on the site network: advisors' live queue page, the
//! tutors' registers of Recovery College sessions, the site managers' footfall page, the status
//! page, the JSON API under `/api/v1/` with its event stream,
//! `/metrics` and `/healthz`. axum on the kiosk's tokio runtime; optional TLS with rustls.
//!
//! Layout: `server` (listening, TLS, stopping, through `crate::web::serve`), `auth` (sessions,
//! bearer tokens, same-origin checks, built on `crate::web`), `api` (JSON handlers), `sse`
//! (event stream), `display` (the waiting area's display page, with its own read-only token),
//! `prometheus` (`/metrics`, `/healthz`), `health` (status facts), `error` (refusals as JSON),
//! `pages/` (HTML, the sign-in form, the queue page's script and the pages' sound). Every
//! answer carries `crate::web::headers`. Every route is listed once, in `routes()`, with how it
//! reaches the audit log (`audit`); `docs/openapi.json` describes the API part of that list and
//! a test keeps the two equal.

pub mod api;
pub mod audit;
pub mod auth;
pub mod display;
pub mod error;
pub mod health;
pub mod pages;
pub mod prometheus;
pub mod server;
pub mod sse;
pub mod state;

use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, delete, get, post};
use axum::{Extension, Router};

use api::Move;
pub use audit::Audit;
use auth::Caller;
use error::ApiPath;
pub use server::{Running, start};
pub use state::{AppState, StaffState};

/// The largest request body accepted (walk-ins and moves are a few dozen bytes).
pub const BODY_LIMIT: usize = 16 * 1024;
/// A request taking longer than this is answered 503 (event streams are not affected).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The OpenAPI document, served at `/api/v1/openapi.json`.
pub const OPENAPI: &str = include_str!("../../docs/openapi.json");

/// One route: its method, its path (as in `docs/openapi.json`), whether it belongs to the API
/// document, how it reaches the audit log, and its handler.
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub documented: bool,
    pub audit: Audit,
    handler: MethodRouter<AppState>,
}

impl Route {
    /// A change: each success is one row of the audit log, as `action`.
    fn audited(self, action: &'static str) -> Route {
        Route {
            audit: Audit::Action(action),
            ..self
        }
    }
}

fn api(method: Method, path: &'static str, handler: MethodRouter<AppState>) -> Route {
    Route {
        method,
        path,
        documented: true,
        audit: Audit::No,
        handler,
    }
}

fn page(method: Method, path: &'static str, handler: MethodRouter<AppState>) -> Route {
    Route {
        documented: false,
        ..api(method, path, handler)
    }
}

fn ticket_move(path: &'static str, step: Move, action: &'static str) -> Route {
    api(
        Method::POST,
        path,
        post(
            move |State(s): State<AppState>,
                  Extension(c): Extension<Caller>,
                  headers: axum::http::HeaderMap,
                  ApiPath(id): ApiPath<i64>| api::act(s, c, headers, id, step),
        ),
    )
    .audited(action)
}

/// Every route the staff server answers.
pub fn routes() -> Vec<Route> {
    use Method as M;
    vec![
        api(M::GET, "/healthz", get(prometheus::healthz)),
        api(M::GET, "/metrics", get(prometheus::metrics)),
        api(M::GET, "/api/v1/openapi.json", get(api::openapi)),
        api(M::GET, "/api/v1/queue", get(api::queue)),
        api(M::POST, "/api/v1/queue/call-next", post(api::call_next)).audited("call"),
        api(M::GET, "/api/v1/tickets/{id}", get(api::ticket)),
        ticket_move("/api/v1/tickets/{id}/call", Move::Call, "call"),
        ticket_move("/api/v1/tickets/{id}/recall", Move::Recall, "recall"),
        ticket_move("/api/v1/tickets/{id}/seen", Move::Seen, "seen"),
        ticket_move("/api/v1/tickets/{id}/no-show", Move::NoShow, "no-show"),
        ticket_move("/api/v1/tickets/{id}/requeue", Move::Requeue, "requeue"),
        ticket_move("/api/v1/tickets/{id}/left", Move::Left, "left"),
        ticket_move(
            "/api/v1/tickets/{id}/come-back",
            Move::ComeBack,
            "come-back",
        ),
        api(
            M::POST,
            "/api/v1/tickets/{id}/transfer",
            post(api::transfer),
        )
        .audited("transfer"),
        api(M::POST, "/api/v1/walk-ins", post(api::walk_in)).audited("walk-in"),
        api(M::POST, "/api/v1/queue/pause", post(api::pause)).audited("pause"),
        api(M::POST, "/api/v1/queue/resume", post(api::resume)).audited("resume"),
        api(M::GET, "/api/v1/help-requests", get(api::help_requests)),
        api(
            M::POST,
            "/api/v1/help-requests/{id}/acknowledge",
            post(api::acknowledge),
        )
        .audited("help-acknowledged"),
        api(M::GET, "/api/v1/duty", get(api::duty)),
        api(M::POST, "/api/v1/duty", post(api::set_duty)).audited("duty"),
        api(M::GET, "/api/v1/footfall/daily", get(api::footfall_daily)),
        api(M::GET, "/api/v1/status", get(api::status)),
        api(M::GET, "/api/v1/events", get(sse::events)),
        page(M::GET, "/", get(|| async { Redirect::to("/queue") })),
        page(M::GET, "/login", get(pages::login::page)),
        Route {
            audit: Audit::Handler,
            ..page(M::POST, "/login", post(pages::login::sign_in))
        },
        page(M::POST, "/logout", post(pages::login::sign_out)).audited("sign-out"),
        page(M::GET, "/queue", get(pages::queue::page)),
        page(M::GET, "/queue/table", get(pages::queue::fragment)),
        page(M::GET, "/staff-api.js", get(pages::staff_api_script)),
        page(M::GET, "/queue.js", get(pages::queue_script)),
        page(M::GET, "/sound.js", get(pages::sound_script)),
        page(M::GET, "/help-alert.js", get(pages::help_alert_script)),
        page(M::GET, "/display", get(display::page)),
        page(M::GET, "/display.js", get(display::script)),
        page(M::GET, "/display/events", get(display::events)),
        page(M::GET, "/footfall", get(pages::footfall::page)),
        page(M::GET, "/status", get(pages::status::page)),
        page(M::GET, "/status/audit.csv", get(pages::audit::csv)),
    ]
    .into_iter()
    .chain(session_routes())
    .collect()
}

/// The Recovery College registers: the API and the tutors' pages.
fn session_routes() -> Vec<Route> {
    use Method as M;
    vec![
        api(M::GET, "/api/v1/sessions", get(api::sessions::sessions)),
        api(
            M::GET,
            "/api/v1/sessions/{id}/attendance",
            get(api::sessions::attendance),
        ),
        api(
            M::POST,
            "/api/v1/sessions/{id}/attendance",
            post(api::sessions::add),
        )
        .audited("register-add"),
        api(
            M::DELETE,
            "/api/v1/sessions/{id}/attendance",
            delete(api::sessions::remove),
        )
        .audited("register-remove"),
        page(M::GET, "/sessions", get(pages::sessions::page)),
        page(M::GET, "/sessions/table", get(pages::sessions::fragment)),
        page(M::GET, "/sessions.js", get(pages::sessions_script)),
        page(
            M::GET,
            "/sessions/{id}/register",
            get(pages::sessions::register),
        ),
    ]
}

/// Unknown addresses: JSON for API clients, a short page for people.
async fn not_found(req: Request) -> Response {
    let path = req.uri().path();
    if path.starts_with("/api/") || path == "/metrics" {
        return error::not_found().await.into_response();
    }
    (
        StatusCode::NOT_FOUND,
        pages::layout(
            "Not found",
            "hub-kiosk",
            None,
            pages::Nav::None,
            "<h1>Not found</h1><p>There is no page here. Go to <a href=\"/queue\">the queue</a>.</p>",
        ),
    )
        .into_response()
}

/// The whole staff application.
pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for r in routes() {
        let handler = match r.audit {
            Audit::Action(action) => r.handler.route_layer(middleware::from_fn_with_state(
                audit::Hook {
                    state: state.clone(),
                    action,
                    pattern: r.path,
                },
                audit::record,
            )),
            Audit::No | Audit::Handler => r.handler,
        };
        router = router.route(r.path, handler);
    }
    router
        .fallback(not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::require_caller,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn(|req, next| {
            crate::web::error::within(REQUEST_TIMEOUT, req, next)
        }))
        .layer(middleware::from_fn(crate::web::headers::security))
        .with_state(state)
}
