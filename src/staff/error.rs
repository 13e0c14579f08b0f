//! The staff API's refusals: `crate::web::error::ApiError` (problem details, shared with the
//! central service) made from hub errors and from the rejections of bad JSON, bad paths and bad
//! queries. Hub errors map here and nowhere else: 4xx says what to do, store failures are 503.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

pub use crate::web::error::ApiError;

use crate::domain::QueueError;
use crate::domain::help::HelpError;
use crate::hub::HubError;

/// Where the staff API is described.
const DESCRIBED_AT: &str = "/api/v1/openapi.json";

impl ApiError {
    /// The staff server's 401: how to sign in.
    pub fn unauthorized() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "sign in first: open /login in a browser, or send `Authorization: Bearer <token>` with a token from staff.api_tokens",
        )
    }
}

impl From<HubError> for ApiError {
    fn from(e: HubError) -> Self {
        let status = match &e {
            HubError::Invalid(_) | HubError::BadInput(_) => StatusCode::UNPROCESSABLE_ENTITY,
            HubError::Queue(QueueError::UnknownTicket(_))
            | HubError::Help(HelpError::Unknown(_))
            | HubError::NoSession(_) => StatusCode::NOT_FOUND,
            HubError::Register(_) => StatusCode::CONFLICT,
            HubError::Queue(_)
            | HubError::Help(_)
            | HubError::RepeatScan { .. }
            | HubError::Store(crate::store::StoreError::KeyUsed) => StatusCode::CONFLICT,
            HubError::Store(_) => {
                tracing::error!("staff request not saved: {e}");
                StatusCode::SERVICE_UNAVAILABLE
            }
        };
        let message = match &e {
            HubError::Store(crate::store::StoreError::KeyUsed) => e.to_string(),
            HubError::Store(_) => format!("the kiosk could not do this, nothing changed: {e}"),
            _ => e.to_string(),
        };
        ApiError::new(status, message)
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
    crate::web::error::not_found(DESCRIBED_AT)
}

/// A known address asked with the wrong method.
pub async fn method_not_allowed() -> ApiError {
    crate::web::error::method_not_allowed(DESCRIBED_AT)
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
