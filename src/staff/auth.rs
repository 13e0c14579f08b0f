//! Who is asking: every request but `/healthz` and the sign-in page needs a signed-in session
//! (pages) or a bearer token from `staff.api_tokens` (API clients). Changes made with a session
//! cookie must come from these pages themselves: `Sec-Fetch-Site` and `Origin` are checked, so
//! another site open in the same browser cannot press the buttons.

use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::error::ApiError;
use super::state::AppState;
use crate::web::origin::cross_origin;
use crate::web::{bearer, same_secret};

/// Addresses anyone may open (the display page checks its own token: `super::display`).
const PUBLIC: [&str; 6] = [
    "/healthz",
    "/login",
    "/sound.js",
    "/display",
    "/display.js",
    "/display/events",
];

/// The signed-in caller, put in the request's extensions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The login's or token's display name ("Desk 1"); shown when they call someone.
    pub name: String,
    pub via: Via,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Via {
    /// A browser session, by its id.
    Session(String),
    /// A bearer token.
    Token,
}

/// The client's address, for the sign-in throttle (127.0.0.1 when unknown).
pub fn client_ip(req: &Request) -> std::net::IpAddr {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(std::net::IpAddr::from([127, 0, 0, 1]))
}

/// The session cookie of the staff pages.
pub const COOKIE: &str = "hub_session";

/// The caller named by a bearer token or a session cookie; `Err` for a wrong token.
fn identify(state: &AppState, headers: &HeaderMap) -> Result<Option<Caller>, ApiError> {
    if let Some(given) = bearer(headers) {
        if given.is_empty() {
            return Err(ApiError::new(
                axum::http::StatusCode::UNAUTHORIZED,
                "use `Authorization: Bearer <token>` with a token from staff.api_tokens",
            ));
        }
        let mut found = None;
        for t in &state.hub.config().staff.api_tokens {
            if same_secret(t.token.as_bytes(), given.as_bytes()) {
                found = Some(t.name.clone());
            }
        }
        return match found {
            Some(name) => Ok(Some(Caller {
                name,
                via: Via::Token,
            })),
            None => Err(ApiError::new(
                axum::http::StatusCode::UNAUTHORIZED,
                "this token is not one of staff.api_tokens: check it with the site manager",
            )),
        };
    }
    let Some(id) = state.sessions.id_in(headers) else {
        return Ok(None);
    };
    let Some(name) = state.sessions.touch(id, Instant::now()) else {
        return Ok(None);
    };
    // A login removed by a reload signs its sessions out, even one racing the reload.
    if state.hub.config().staff.login(&name).is_none() {
        state.sessions.end(id);
        return Ok(None);
    }
    Ok(Some(Caller {
        name,
        via: Via::Session(id.to_owned()),
    }))
}

/// Refuses a cookie-authenticated change that did not come from these pages, reached as
/// `scheme://authority`.
pub fn check_same_origin(
    headers: &HeaderMap,
    scheme: &str,
    authority: Option<&str>,
) -> Result<(), ApiError> {
    match cross_origin(headers, scheme, authority) {
        None => Ok(()),
        Some(why) => Err(ApiError::forbidden(format!(
            "refused: {why}. Changes are accepted only from the kiosk's own staff pages — open them directly, or use an API token"
        ))),
    }
}

/// Refuses a cookie-authenticated change to `req` that did not come from these pages.
fn same_origin(state: &AppState, req: &Request) -> Result<(), ApiError> {
    let scheme = if state.tls { "https" } else { "http" };
    let authority = crate::web::origin::authority(req.headers(), req.uri());
    check_same_origin(req.headers(), scheme, authority.as_deref())
}

/// A browser opening a page is sent to the sign-in page; scripts and API clients get 401.
fn wants_page(req: &Request) -> bool {
    let path = req.uri().path();
    let html = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    req.method() == Method::GET && html && !path.starts_with("/api/") && path != "/metrics"
}

/// The middleware in front of every route.
pub async fn require_caller(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    if PUBLIC.contains(&path) {
        // Only the sign-in form changes anything here; other methods get their 405 from routing.
        if path == "/login"
            && req.method() == Method::POST
            && let Err(e) = same_origin(&state, &req)
        {
            return e.into_response();
        }
        return next.run(req).await;
    }
    let caller = match identify(&state, req.headers()) {
        Ok(Some(c)) => c,
        Ok(None) if wants_page(&req) => {
            let next_page = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let to = format!("/login?next={}", super::pages::url_encode(next_page));
            return Redirect::to(&to).into_response();
        }
        Ok(None) => return ApiError::unauthorized().into_response(),
        Err(e) => return e.into_response(),
    };
    if matches!(caller.via, Via::Session(_))
        && !req.method().is_safe()
        && let Err(e) = same_origin(&state, &req)
    {
        return e.into_response();
    }
    req.extensions_mut().insert(caller);
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::header_map as headers;

    #[test]
    fn same_origin_changes_pass_and_others_are_refused() {
        let host = Some("kiosk.local:8080");
        let check = |pairs: &[(&'static str, &'static str)]| {
            check_same_origin(&headers(pairs), "http", host)
        };
        assert!(check(&[("origin", "http://kiosk.local:8080")]).is_ok());
        assert!(check(&[("sec-fetch-site", "same-origin")]).is_ok());
        let cross = check(&[
            ("origin", "http://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ])
        .unwrap_err();
        assert_eq!(cross.status, axum::http::StatusCode::FORBIDDEN);
        assert!(cross.message.contains("another site (cross-site)"));
        assert!(check(&[("origin", "http://evil.example")]).is_err());
        assert!(check(&[("origin", "evil://kiosk.local:8080")]).is_err());
        assert!(check(&[("origin", "null")]).is_err());
        assert!(check(&[]).is_err());
    }
}
