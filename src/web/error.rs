//! Refusals at the web edge of both services, as RFC 9457 problem details: every error answer of
//! the staff API and of the central service is `application/problem+json` with `type`, `title`,
//! `status` and `detail`, plus `error` (the same words as `detail`, which clients written before
//! problem details read) and any extension members (the central service's `problems`).
//!
//! Answers the handlers never see are problem details too: a request that takes too long
//! ([`within`]), a body that cannot be read, an unknown address and a method an address does not
//! take ([`not_found`], [`method_not_allowed`]).

use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

/// The media type of every error answer (RFC 9457).
pub const PROBLEM_JSON: &str = "application/problem+json";

/// A refusal: its status, the words to show, and what else the answer carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    /// What happened and what to do: `detail` and `error` in the body.
    pub message: String,
    /// Seconds to wait before trying again (`Retry-After`).
    pub retry_after: Option<u64>,
    /// Extension members (RFC 9457 §3.2), such as `problems`.
    pub extensions: Map<String, Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            retry_after: None,
            extensions: Map::new(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::FORBIDDEN, message)
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, message)
    }

    pub fn unprocessable(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::CONFLICT, message)
    }

    /// Adds an extension member to the body.
    pub fn with(mut self, name: &str, value: Value) -> Self {
        self.extensions.insert(name.to_owned(), value);
        self
    }

    /// The body, as sent.
    pub fn body(&self) -> Value {
        let mut body = Map::new();
        body.insert("type".into(), "about:blank".into());
        body.insert(
            "title".into(),
            self.status.canonical_reason().unwrap_or("Error").into(),
        );
        body.insert("status".into(), self.status.as_u16().into());
        body.insert("detail".into(), self.message.clone().into());
        body.insert("error".into(), self.message.clone().into());
        for (k, v) in &self.extensions {
            body.entry(k.clone()).or_insert_with(|| v.clone());
        }
        Value::Object(body)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = Response::new(Body::from(self.body().to_string()));
        *res.status_mut() = self.status;
        let h = res.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(secs) = self.retry_after {
            h.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            h.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"hub-kiosk\""),
            );
        }
        res
    }
}

impl From<BytesRejection> for ApiError {
    fn from(r: BytesRejection) -> Self {
        let status = r.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            return ApiError::new(status, "the body is too large: send a smaller one");
        }
        ApiError::new(status, format!("cannot read the body: {}", r.body_text()))
    }
}

/// Middleware: a request not answered within `limit` gets a 503 problem (event streams, which
/// answer at once and then keep sending, are not affected).
pub async fn within(limit: Duration, req: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => ApiError::unavailable(format!(
            "no answer within {} s (the disk may be slow), so none is given: the request may still be carried out. Check before sending a change again, or send it again with the same Idempotency-Key",
            limit.as_secs()
        ))
        .into_response(),
    }
}

/// An unknown address; `described_at` is where the service's routes are listed.
pub fn not_found(described_at: &str) -> ApiError {
    ApiError::not_found(format!(
        "there is nothing at this address: the API is described at {described_at}"
    ))
}

/// A known address asked with a method it does not take (axum adds `Allow`).
pub fn method_not_allowed(described_at: &str) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("this address does not take that method: see {described_at} for what it takes"),
    )
}

/// `text` fit for one log line: control characters (newlines, escapes) written as `\u{…}`
/// escapes and the length bounded, so what a client sends can never forge or garble a line.
pub fn loggable(text: &str) -> String {
    const MOST: usize = 400;
    let mut out = String::with_capacity(text.len().min(MOST));
    for (i, c) in text.chars().enumerate() {
        if i == MOST {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_has_the_rfc_9457_members_and_the_old_error_field() {
        let e = ApiError::conflict("nobody is waiting").with("problems", serde_json::json!([]));
        assert_eq!(
            e.body(),
            serde_json::json!({
                "type": "about:blank", "title": "Conflict", "status": 409,
                "detail": "nobody is waiting", "error": "nobody is waiting", "problems": []
            })
        );
        let res = ApiError::new(StatusCode::UNAUTHORIZED, "who?").into_response();
        assert_eq!(res.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
        assert!(res.headers().contains_key(header::WWW_AUTHENTICATE));
    }

    #[test]
    fn control_characters_never_reach_a_log_line_raw() {
        let logged = loggable("walton\nFORGED level=ERROR\r\u{1b}[31m\u{0}");
        assert!(!logged.chars().any(char::is_control), "{logged}");
        assert!(logged.starts_with("walton\\u{a}FORGED"), "{logged}");
        assert_eq!(loggable(&"x".repeat(1000)).chars().count(), 401);
    }
}
