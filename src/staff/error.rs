//! Errors at the web edge: every refusal is a JSON body `{"error": "…"}` with a 4xx status that
//! says what happened and what to do; store failures are 503. Hub errors map here and nowhere
//! else, and so do the rejections of bad JSON, bad paths and bad queries.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::domain::QueueError;
use crate::hub::HubError;

/// A refusal, with the words to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    /// Seconds to wait before trying again (lock-outs).
    pub retry_after: Option<u64>,
}

#[derive(Serialize)]
struct Body<'a> {
    error: &'a str,
    status: u16,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }

    pub fn unauthorized() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "sign in first: open /login in a browser, or send `Authorization: Bearer <token>` with a token from staff.api_tokens",
        )
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::FORBIDDEN, message)
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, message)
    }
}

impl From<HubError> for ApiError {
    fn from(e: HubError) -> Self {
        let status = match &e {
            HubError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            HubError::Queue(QueueError::UnknownTicket(_)) => StatusCode::NOT_FOUND,
            HubError::Queue(_) | HubError::RepeatScan { .. } => StatusCode::CONFLICT,
            HubError::Store(_) => {
                tracing::error!("staff request not saved: {e}");
                StatusCode::SERVICE_UNAVAILABLE
            }
        };
        let message = match &e {
            HubError::Store(_) => format!("the kiosk could not do this, nothing changed: {e}"),
            _ => e.to_string(),
        };
        ApiError::new(status, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = (
            self.status,
            Json(Body {
                error: &self.message,
                status: self.status.as_u16(),
            }),
        )
            .into_response();
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"hub-kiosk\""),
            );
        }
        res
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        let status = r.status();
        let message = match &r {
            JsonRejection::MissingJsonContentType(_) => {
                "send the body as JSON with `Content-Type: application/json`".to_owned()
            }
            JsonRejection::JsonSyntaxError(_) => {
                format!("the body is not valid JSON: {}", r.body_text())
            }
            JsonRejection::JsonDataError(_) => {
                format!("the JSON does not fit this request: {}", r.body_text())
            }
            _ if status == StatusCode::PAYLOAD_TOO_LARGE => format!(
                "the body is too large: send at most {} bytes",
                super::BODY_LIMIT
            ),
            _ => format!("cannot read the body: {}", r.body_text()),
        };
        ApiError::new(status, message)
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        ApiError::bad_request(format!(
            "this address is not right ({}): ticket ids are whole numbers, as in /api/v1/tickets/12/call",
            r.body_text()
        ))
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::bad_request(format!("the query is not right: {}", r.body_text()))
    }
}

/// `Json` whose refusals are `ApiError`s.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        Json(self.0).into_response()
    }
}

/// `Path` whose refusals are `ApiError`s.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// `Query` whose refusals are `ApiError`s.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// Unknown addresses under the API.
pub async fn not_found() -> ApiError {
    ApiError::not_found(
        "there is nothing at this address: the API is described at /api/v1/openapi.json",
    )
}

/// A known address asked with the wrong method.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "this address does not take that method: see /api/v1/openapi.json for what it takes",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ticket::{TicketNumber, TransitionError};

    #[test]
    fn hub_errors_map_to_statuses_that_say_why() {
        let unknown: ApiError = HubError::Queue(QueueError::UnknownTicket("#9".into())).into();
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        let taken: ApiError =
            HubError::Queue(QueueError::Transition(TransitionError::AlreadyCalled {
                ticket: TicketNumber {
                    prefix: 'A',
                    number: 1,
                },
                by: "Desk 1".into(),
            }))
            .into();
        assert_eq!(taken.status, StatusCode::CONFLICT);
        assert_eq!(taken.message, "ticket A 001 was already called by Desk 1");
        let full: ApiError = HubError::Store(crate::store::StoreError::DiskFull).into();
        assert_eq!(full.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(full.message.contains("disk is full"));
        let repeat: ApiError = HubError::RepeatScan { minutes: 2 }.into();
        assert_eq!(repeat.status, StatusCode::CONFLICT);
    }
}
