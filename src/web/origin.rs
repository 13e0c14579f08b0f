//! The same-origin check on every change made with a session cookie: the browser's
//! `Sec-Fetch-Site` must not name another site, and its `Origin` must be this service exactly —
//! scheme, host and port — as the browser reached it (`https` under TLS, or when a trusted
//! proxy says so). Another site open in the same browser therefore cannot press our buttons.

use axum::http::{HeaderMap, Uri, header};

/// `host:port` the client used to reach us: `Host`, or the request's authority (HTTP/2).
pub fn authority(headers: &HeaderMap, uri: &Uri) -> Option<String> {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| uri.authority().map(|a| a.to_string()))
}

/// (host, port) of `host[:port]`, the port defaulting to the scheme's.
fn host_port(authority: &str, scheme: &str) -> Option<(String, u16)> {
    let default = match scheme {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let (host, port) = match authority.rsplit_once(':') {
        // An IPv6 literal without a port ends with `]`.
        Some((h, p)) if !p.contains(']') => (h, p.parse().ok()?),
        _ => (authority, default),
    };
    if host.is_empty() || host.contains(['/', '@', '?', '#', ' ']) {
        return None;
    }
    Some((host.to_ascii_lowercase(), port))
}

/// Whether `origin` (`scheme://host[:port]`) is this service, reached as `scheme://authority`.
fn same(origin: &str, scheme: &str, authority: &str) -> bool {
    let Some((o_scheme, o_authority)) = origin.split_once("://") else {
        return false;
    };
    let o_scheme = o_scheme.to_ascii_lowercase();
    o_scheme == scheme
        && matches!(
            (host_port(o_authority, &o_scheme), host_port(authority, scheme)),
            (Some(a), Some(b)) if a == b
        )
}

/// Why a change made with a session cookie did not come from this service's own pages, if it
/// did not. `scheme` is how the browser reached us; `authority` the `host:port` it used.
pub fn cross_origin(headers: &HeaderMap, scheme: &str, authority: Option<&str>) -> Option<String> {
    let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if let Some(site) = site
        && site != "same-origin"
    {
        return Some(format!("the request came from another site ({site})"));
    }
    match headers.get(header::ORIGIN).map(|v| v.to_str()) {
        Some(Ok(origin)) => match authority {
            Some(host) if same(origin, scheme, host) => None,
            _ => Some(format!("the request came from {origin}")),
        },
        Some(Err(_)) => Some("the request came from an unreadable Origin".into()),
        None if site == Some("same-origin") => None,
        None => Some("the request did not say where it came from (no Origin header)".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::header_map as headers;

    fn from(origin: &'static str, scheme: &str, host: &str) -> Option<String> {
        cross_origin(&headers(&[("origin", origin)]), scheme, Some(host))
    }

    #[test]
    fn same_origin_changes_pass_and_others_are_refused() {
        let host = "kiosk.local:8080";
        assert_eq!(from("http://kiosk.local:8080", "http", host), None);
        assert_eq!(from("HTTP://Kiosk.Local:8080", "http", host), None);
        assert_eq!(
            cross_origin(
                &headers(&[("sec-fetch-site", "same-origin")]),
                "http",
                Some(host)
            ),
            None
        );
        let cross = cross_origin(
            &headers(&[
                ("origin", "http://evil.example"),
                ("sec-fetch-site", "cross-site"),
            ]),
            "http",
            Some(host),
        );
        assert!(cross.unwrap().contains("another site (cross-site)"));
        assert!(from("http://evil.example", "http", host).is_some());
        assert!(from("null", "http", host).is_some());
        assert!(cross_origin(&headers(&[]), "http", Some(host)).is_some());
        assert!(from("http://kiosk.local:8080", "http", "").is_some());
    }

    #[test]
    fn scheme_host_and_port_must_all_match() {
        let host = "kiosk.local:8080";
        assert!(from("evil://kiosk.local:8080", "http", host).is_some());
        assert!(from("https://kiosk.local:8080", "http", host).is_some());
        assert!(from("http://kiosk.local:8080", "https", host).is_some());
        assert_eq!(from("https://kiosk.local:8080", "https", host), None);
        assert!(from("http://kiosk.local:8081", "http", host).is_some());
        assert!(from("http://kiosk.local", "http", host).is_some());
        assert!(from("http://kiosk.local:8080/x", "http", host).is_some());
        assert!(from("http://user@kiosk.local:8080", "http", host).is_some());
        // Default ports may be left out on either side.
        assert_eq!(
            from("https://central.example", "https", "central.example:443"),
            None
        );
        assert_eq!(
            from("http://central.example:80", "http", "central.example"),
            None
        );
        assert_eq!(from("http://[::1]:8080", "http", "[::1]:8080"), None);
        assert!(from("http://[::1]:8081", "http", "[::1]:8080").is_some());
    }
}
