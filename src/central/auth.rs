//! Who may read: readers sign in to the pages with a name and passcode (a session cookie,
//! `HttpOnly; SameSite=Strict`, plus `Secure` under TLS) or send a bearer token (scripts,
//! spreadsheets, Prometheus). Kiosk tokens only upload; reader tokens only read.
//!
//! Passcodes are Argon2 hashes in the config, checked through the shared sign-in gate
//! (`crate::web::sign_in`): throttled per client address — the one a trusted proxy names in
//! `X-Forwarded-For` (`service.trusted_proxies`) — with a bound on checks at once.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::Central;
use super::config::Reader;
use super::pages::layout;
use crate::report::escape;
use crate::web::client::{TrustedProxy, client_address, forwarded_scheme};
use crate::web::error::ApiError;
use crate::web::next::Pages;
use crate::web::origin::{authority, cross_origin};
use crate::web::sign_in::{Refusal, Verdict};
use crate::web::{bearer, same_secret};

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

/// A state-changing form must come from this service's own pages, as the browser reached them
/// (`https` under TLS, or when a trusted proxy says so).
fn same_origin(c: &Central, peer: SocketAddr, headers: &HeaderMap, uri: &Uri) -> bool {
    origin_ok(c.tls, &c.config.service.trusted_proxies, peer, headers, uri)
}

fn origin_ok(
    tls: bool,
    trusted: &[TrustedProxy],
    peer: SocketAddr,
    headers: &HeaderMap,
    uri: &Uri,
) -> bool {
    let scheme =
        forwarded_scheme(peer.ip(), headers, trusted).unwrap_or(if tls { "https" } else { "http" });
    cross_origin(headers, scheme, authority(headers, uri).as_deref()).is_none()
}

/// The pages a signed-in reader may be sent back to; the overview by default.
pub const PAGES: Pages = Pages {
    default: "/",
    exact: &["/"],
    with_id: &[("/sites/", "")],
};

fn safe_next(next: Option<&str>) -> String {
    PAGES.safe_next(next)
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
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    uri: Uri,
    headers: HeaderMap,
    Form(f): Form<SignIn>,
) -> Response {
    let next = safe_next(f.next.as_deref());
    if !same_origin(&c, peer, &headers, &uri) {
        let refused = "sign-in must come from this service's own page";
        return ApiError::forbidden(refused).into_response();
    }
    let client = client_address(peer.ip(), &headers, &c.config.service.trusted_proxies);
    let found = c
        .config
        .readers
        .iter()
        .position(|r| r.name == f.name.trim() && r.passcode_hash.is_some());
    let hash = found.and_then(|i| c.config.readers[i].passcode_hash.clone());
    match (c.sign_in.check(client, hash, f.passcode).await, found) {
        (Verdict::Right, Some(i)) => {
            c.metrics.sign_ins.inc("ok");
            let id = c.sessions.start(&c.config.readers[i].name, Instant::now());
            let cookie = c.sessions.set_cookie(&id, c.tls);
            ([(header::SET_COOKIE, cookie)], Redirect::to(&next)).into_response()
        }
        (Verdict::Refused(refusal), _) => refused(&c, &next, refusal),
        _ => {
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

/// 429 with `Retry-After`: locked out, or too many checks at once.
fn refused(c: &Central, next: &str, refusal: Refusal) -> Response {
    c.metrics.sign_ins.inc("throttled");
    (
        StatusCode::TOO_MANY_REQUESTS,
        [(header::RETRY_AFTER, refusal.retry_after().to_string())],
        Html(form_page(next, Some(&refusal.message()))),
    )
        .into_response()
}

pub async fn sign_out(
    State(c): State<Arc<Central>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if !same_origin(&c, peer, &headers, &uri) {
        let refused = "sign-out must come from this service's own page";
        return ApiError::forbidden(refused).into_response();
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
        let peer: SocketAddr = "192.0.2.1:5000".parse().unwrap();
        let uri = Uri::from_static("/sign-in");
        let ok = |h: &HeaderMap, tls: bool| origin_ok(tls, &[], peer, h, &uri);
        let mut h = HeaderMap::new();
        h.insert("host", "central.example:8090".parse().unwrap());
        assert!(!ok(&h, false), "a form must say where it came from");
        h.insert("origin", "http://central.example:8090".parse().unwrap());
        assert!(ok(&h, false));
        assert!(!ok(&h, true), "under TLS the page is https");
        h.insert("origin", "evil://central.example:8090".parse().unwrap());
        assert!(!ok(&h, false));
        h.insert("origin", "http://evil.example".parse().unwrap());
        assert!(!ok(&h, false));
        h.remove("origin");
        h.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert!(!ok(&h, false));
    }

    #[test]
    fn behind_a_trusted_proxy_its_scheme_counts() {
        let proxy: SocketAddr = "10.0.0.5:5000".parse().unwrap();
        let trusted = ["10.0.0.5".parse().unwrap()];
        let uri = Uri::from_static("/sign-in");
        let mut h = HeaderMap::new();
        h.insert("host", "central.example".parse().unwrap());
        h.insert("origin", "https://central.example".parse().unwrap());
        h.insert("x-forwarded-proto", "https".parse().unwrap());
        assert!(origin_ok(false, &trusted, proxy, &h, &uri));
        assert!(
            !origin_ok(false, &[], proxy, &h, &uri),
            "untrusted: ignored"
        );
    }
}
