//! Who may read: readers sign in to the pages with a name and passcode (a session cookie,
//! `HttpOnly; SameSite=Strict`, plus `Secure` under TLS) or send a bearer token (scripts,
//! spreadsheets, Prometheus). Kiosk tokens only upload; reader tokens only read.
//!
//! Passcodes are Argon2 hashes in the config; failed sign-ins are throttled (`crate::web::throttle`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::Central;
use super::config::Reader;
use super::pages::layout;
use crate::report::escape;
use crate::web::passcode;
use crate::web::{authority, bearer, cross_origin, same_secret};

/// The session cookie of the central pages.
pub const COOKIE: &str = "hub_central_session";

/// The reader making this request (by token or session cookie), if any.
pub fn reader<'a>(c: &'a Central, headers: &HeaderMap) -> Option<&'a Reader> {
    if let Some(token) = bearer(headers) {
        return c.config.readers.iter().find(|r| {
            r.token
                .as_deref()
                .is_some_and(|t| same_secret(t.as_bytes(), token.as_bytes()))
        });
    }
    let name = c
        .sessions
        .touch(c.sessions.id_in(headers)?, Instant::now())?;
    c.config.readers.iter().find(|r| r.name == name)
}

/// A state-changing form must come from this service's own pages.
fn same_origin(headers: &HeaderMap) -> bool {
    cross_origin(headers, authority(headers)).is_none()
}

/// Where to go after signing in: a path on this service only.
fn safe_next(next: Option<&str>) -> String {
    crate::web::safe_next(next, "/").to_owned()
}

#[derive(Debug, Default, Deserialize)]
pub struct Next {
    pub next: Option<String>,
}

fn form_page(next: &str, message: Option<&str>) -> String {
    let msg = message.map_or(String::new(), |m| {
        format!("<p class=\"error\" role=\"alert\">{}</p>", escape(m))
    });
    layout(
        "Sign in",
        None,
        &format!(
            "<h1>Sign in</h1>{msg}<form method=\"post\" action=\"/sign-in\" class=\"sign-in\">
<input type=\"hidden\" name=\"next\" value=\"{}\">
<label>Name <input name=\"name\" autocomplete=\"username\" required autofocus></label>
<label>Passcode <input name=\"passcode\" type=\"password\" autocomplete=\"current-password\" required></label>
<button type=\"submit\">Sign in</button></form>
<p class=\"note\">Footfall counts only: nothing here identifies a visitor.</p>",
            escape(next)
        ),
    )
}

pub async fn sign_in_page(Query(q): Query<Next>) -> Html<String> {
    Html(form_page(&safe_next(q.next.as_deref()), None))
}

#[derive(Debug, Deserialize)]
pub struct SignIn {
    name: String,
    passcode: String,
    next: Option<String>,
}

pub async fn sign_in(
    State(c): State<Arc<Central>>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<SignIn>,
) -> Response {
    let next = safe_next(f.next.as_deref());
    if !same_origin(&headers) {
        return (
            StatusCode::FORBIDDEN,
            "sign-in must come from this service's own page",
        )
            .into_response();
    }
    let client = addr.ip();
    if let Err(locked) = c.throttle.check(client, Instant::now()) {
        c.metrics.sign_ins.inc("throttled");
        let retry = locked.wait().as_secs().max(1).to_string();
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, retry)],
            Html(form_page(&next, Some(&locked.message()))),
        )
            .into_response();
    }
    let found = c
        .config
        .readers
        .iter()
        .position(|r| r.name == f.name.trim() && r.passcode_hash.is_some());
    let hash = found.and_then(|i| c.config.readers[i].passcode_hash.clone());
    let passcode = f.passcode;
    // Argon2 is slow by design: off the async threads. Unknown names cost the same.
    let ok = tokio::task::spawn_blocking(move || match hash {
        Some(h) => passcode::verify(&h, &passcode),
        None => {
            passcode::verify(&passcode::hash("unused"), &passcode);
            false
        }
    })
    .await
    .unwrap_or(false);
    match found.filter(|_| ok) {
        Some(i) => {
            c.throttle.succeed(client);
            c.metrics.sign_ins.inc("ok");
            let id = c.sessions.start(&c.config.readers[i].name, Instant::now());
            let cookie = c.sessions.set_cookie(&id, c.tls);
            ([(header::SET_COOKIE, cookie)], Redirect::to(&next)).into_response()
        }
        None => {
            c.throttle.fail(client, Instant::now());
            c.metrics.sign_ins.inc("failed");
            (
                StatusCode::UNAUTHORIZED,
                Html(form_page(
                    &next,
                    Some("That name and passcode do not match. Try again."),
                )),
            )
                .into_response()
        }
    }
}

pub async fn sign_out(State(c): State<Arc<Central>>, headers: HeaderMap) -> Response {
    if !same_origin(&headers) {
        return (
            StatusCode::FORBIDDEN,
            "sign-out must come from this service's own page",
        )
            .into_response();
    }
    if let Some(id) = c.sessions.id_in(&headers) {
        c.sessions.end(id);
    }
    let clear = c.sessions.clear_cookie(c.tls);
    ([(header::SET_COOKIE, clear)], Redirect::to("/sign-in")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(
            safe_next(Some("/sites/walton?from=2026-11-01")),
            "/sites/walton?from=2026-11-01"
        );
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn forms_from_other_sites_are_refused() {
        let mut h = HeaderMap::new();
        h.insert("host", "central.example:8090".parse().unwrap());
        assert!(!same_origin(&h), "a form must say where it came from");
        h.insert("origin", "http://central.example:8090".parse().unwrap());
        assert!(same_origin(&h));
        h.insert("origin", "http://evil.example".parse().unwrap());
        assert!(!same_origin(&h));
        h.remove("origin");
        h.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert!(!same_origin(&h));
    }
}
