//! Headers every answer of both services carries, whatever the route and whatever the outcome:
//! a content security policy that allows scripts only as files from the service itself and no
//! framing, the older `X-Frame-Options` for browsers without it, no content sniffing, no
//! referrer to other sites, and `Cache-Control: no-store` (pages, CSV and JSON hold the hubs'
//! figures, so nothing is kept in shared or browser caches) unless a route says otherwise.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// Scripts only as files from here (no inline script); inline styles are allowed for the
/// pages' `<style>` blocks and SVG charts.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// The middleware: `.layer(axum::middleware::from_fn(web::headers::security))`, outermost.
pub async fn security(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    for (name, value) in [
        ("content-security-policy", CONTENT_SECURITY_POLICY),
        ("x-frame-options", "DENY"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
    ] {
        h.insert(name, HeaderValue::from_static(value));
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}
