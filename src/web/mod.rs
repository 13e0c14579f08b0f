//! The web layer the kiosk's staff server and the central service share, so each holds only its
//! own routes and pages:
//!
//! - who is asking: bearer tokens compared in constant time (here), cookie sessions
//!   (`session`), the client's address behind trusted proxies (`client`);
//! - signing in: Argon2 passcodes (`passcode`), the throttle that slows and locks guessing
//!   (`throttle`) and the gate every check goes through (`sign_in`), safe redirects after it
//!   (`next`);
//! - the same-origin check on every change made with a cookie (`origin`);
//! - refusals as problem details (`error`) and query values read alike (`query`);
//! - the headers on every answer (`headers`) and serving with timeouts and a connection cap
//!   (`serve`).

pub mod certificate;
pub mod client;
pub mod error;
pub mod headers;
pub mod next;
pub mod origin;
pub mod passcode;
pub mod query;
pub mod serve;
pub mod session;
pub mod sign_in;
pub mod throttle;

use axum::http::{HeaderMap, header};

/// Compares secrets without stopping at the first difference.
pub fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The token of an `Authorization: Bearer …` header; `None` when there is no such header, or
/// `Some("")` when it is not a bearer token.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?;
    Some(
        value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .unwrap_or(""),
    )
}

/// The value of cookie `name`, if the request carries it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// `host:port` the client used to reach us.
pub fn authority(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::HOST).and_then(|h| h.to_str().ok())
}

/// A header map from name–value pairs, for the tests of what reads headers.
#[cfg(test)]
pub(crate) fn header_map(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.append(*k, axum::http::HeaderValue::from_static(v));
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::header_map as headers;

    #[test]
    fn secrets_tokens_and_cookies() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abc", b"abd"));
        assert!(!same_secret(b"abc", b"ab"));
        assert_eq!(
            bearer(&headers(&[("authorization", "Bearer  t0k ")])),
            Some("t0k")
        );
        assert_eq!(bearer(&headers(&[("authorization", "Basic x")])), Some(""));
        assert_eq!(bearer(&headers(&[])), None);
        let h = headers(&[
            ("cookie", "theme=dark; hub_session=xyz ; a=b"),
            ("cookie", "c=d"),
        ]);
        assert_eq!(cookie(&h, "hub_session"), Some("xyz"));
        assert_eq!(cookie(&h, "c"), Some("d"));
        assert_eq!(
            cookie(&headers(&[("cookie", "hub_session=")]), "hub_session"),
            None
        );
    }
}
