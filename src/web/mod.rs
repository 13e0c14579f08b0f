//! What the kiosk's staff pages and the central service's pages share about who is asking:
//! bearer tokens compared in constant time, cookie sessions, the same-origin check on every
//! change made with a cookie, safe redirects after sign-in, and the sign-in throttle.

pub mod passcode;
pub mod session;
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

/// Where to go after signing in: a path on this site only, never `//elsewhere` or `https://…`.
pub fn safe_next<'a>(next: Option<&'a str>, default: &'a str) -> &'a str {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n,
        _ => default,
    }
}

/// Why a change made with a session cookie did not come from these pages themselves, if it
/// did not. `authority` is the `host:port` the client used to reach us.
pub fn cross_origin(headers: &HeaderMap, authority: Option<&str>) -> Option<String> {
    let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if let Some(site) = site
        && site != "same-origin"
    {
        return Some(format!("the request came from another site ({site})"));
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some(origin) => {
            let origin_host = origin.split_once("://").map(|(_, h)| h);
            match (origin_host, authority) {
                (Some(o), Some(host)) if o.eq_ignore_ascii_case(host) => None,
                _ => Some(format!("the request came from {origin}")),
            }
        }
        None if site == Some("same-origin") => None,
        None => Some("the request did not say where it came from (no Origin header)".into()),
    }
}

/// `host:port` the client used to reach us.
pub fn authority(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::HOST).and_then(|h| h.to_str().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn same_origin_changes_pass_and_others_are_refused() {
        let host = Some("kiosk.local:8080");
        assert_eq!(
            cross_origin(&headers(&[("origin", "http://kiosk.local:8080")]), host),
            None
        );
        assert_eq!(
            cross_origin(&headers(&[("sec-fetch-site", "same-origin")]), host),
            None
        );
        let cross = cross_origin(
            &headers(&[
                ("origin", "http://evil.example"),
                ("sec-fetch-site", "cross-site"),
            ]),
            host,
        );
        assert!(cross.unwrap().contains("another site (cross-site)"));
        assert!(cross_origin(&headers(&[("origin", "http://evil.example")]), host).is_some());
        assert!(cross_origin(&headers(&[("origin", "null")]), host).is_some());
        assert!(cross_origin(&headers(&[]), host).is_some());
    }

    #[test]
    fn secrets_tokens_cookies_and_redirects() {
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
        assert_eq!(safe_next(Some("/sites/a?x=1"), "/"), "/sites/a?x=1");
        for bad in ["//evil.example", "https://evil.example", "/\\evil", "x"] {
            assert_eq!(safe_next(Some(bad), "/queue"), "/queue", "{bad}");
        }
    }
}
