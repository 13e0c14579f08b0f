//! Who may read: readers sign in to the pages with a name and passcode (a session cookie,
//! `HttpOnly; SameSite=Strict`, plus `Secure` under TLS) or send a bearer token (scripts,
//! spreadsheets, Prometheus). Kiosk tokens only upload; reader tokens only read.
//!
//! Passcodes are Argon2 hashes in the config; failed sign-ins are throttled (`sessions`).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::Central;
use super::config::Reader;
use super::pages::layout;
use crate::report::escape;
use crate::staff::passcode;

const COOKIE: &str = "hub_central_session";

/// The token of an `Authorization: Bearer …` header.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// Compares secrets in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The reader making this request (by token or session cookie), if any.
pub fn reader<'a>(c: &'a Central, headers: &HeaderMap) -> Option<&'a Reader> {
    if let Some(token) = bearer(headers) {
        return c
            .config
            .readers
            .iter()
            .find(|r| r.token.as_deref().is_some_and(|t| same_secret(t, token)));
    }
    let i = c.sessions.reader(cookie(headers, COOKIE)?)?;
    c.config.readers.get(i)
}

/// A state-changing form must come from this service's own pages.
fn same_origin(headers: &HeaderMap) -> bool {
    let get = |h: &str| headers.get(h).and_then(|v| v.to_str().ok());
    if let Some(site) = get("sec-fetch-site")
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    match (get("origin"), get("host")) {
        (Some(origin), Some(host)) => origin.split_once("://").is_some_and(|(_, h)| h == host),
        (Some(_), None) => false,
        (None, _) => true,
    }
}

/// Where to go after signing in: a path on this service only.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
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
    if let Some(wait) = c.sessions.locked_for(client) {
        c.metrics.sign_ins.inc("throttled");
        let msg = format!(
            "Too many tries. Wait {} seconds, then try again.",
            wait.as_secs().max(1)
        );
        return (
            StatusCode::TOO_MANY_REQUESTS,
            Html(form_page(&next, Some(&msg))),
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
            c.sessions.succeeded(client);
            c.metrics.sign_ins.inc("ok");
            let secure = if c.tls { "; Secure" } else { "" };
            let cookie = format!(
                "{COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
                c.sessions.start(i),
                c.sessions.lifetime.as_secs()
            );
            ([(header::SET_COOKIE, cookie)], Redirect::to(&next)).into_response()
        }
        None => {
            c.sessions.failed(client);
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
    if let Some(id) = cookie(&headers, COOKIE) {
        c.sessions.end(id);
    }
    let clear = format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    ([(header::SET_COOKIE, clear)], Redirect::to("/sign-in")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abcdef", "abcdef"));
        assert!(!same_secret("abcdef", "abcdeg"));
        assert!(!same_secret("abc", "abcdef"));
    }

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
        assert!(same_origin(&h));
        h.insert("origin", "http://central.example:8090".parse().unwrap());
        assert!(same_origin(&h));
        h.insert("origin", "http://evil.example".parse().unwrap());
        assert!(!same_origin(&h));
        h.remove("origin");
        h.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert!(!same_origin(&h));
    }
}
