//! What can go wrong while answering a request, as a status and a stable code. The API answers with a JSON
//! body (`{"error": {"code": …, "message": …}}`); pages answer with an HTML page in the request's language.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hoshin_core::Lang;
use hoshin_store::{Fault, StoreError};

#[derive(Debug)]
pub enum WebError {
    /// No such organization, policy, version, indicator or file.
    NotFound(String),
    /// A parameter the user typed cannot be read: the message says what to write instead.
    BadRequest(String),
    /// The database cannot answer right now.
    Unavailable(String),
    /// Signed in, but the account's role does not allow this (or the form's CSRF token was wrong).
    Forbidden(String),
    /// The item was changed by someone else since it was read.
    Conflict(String),
    /// Too many attempts (signing in): wait and try again.
    TooManyRequests(String),
    /// The database's surroundings fail (a full disk, a read-only file, an unreachable server): nothing was
    /// written, and the request works again once the cause is removed.
    Fault(Fault, String),
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Forbidden(_) => StatusCode::FORBIDDEN,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            WebError::Fault(..) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The stable code of the JSON error body.
    pub fn code(&self) -> &'static str {
        match self {
            WebError::NotFound(_) => "not_found",
            WebError::BadRequest(_) => "bad_request",
            WebError::Unavailable(_) => "unavailable",
            WebError::Forbidden(_) => "forbidden",
            WebError::Conflict(_) => "conflict",
            WebError::TooManyRequests(_) => "too_many_requests",
            WebError::Fault(fault, _) => fault.code(),
        }
    }

    pub fn message(&self) -> &str {
        match self {
            WebError::NotFound(message)
            | WebError::BadRequest(message)
            | WebError::Unavailable(message)
            | WebError::Forbidden(message)
            | WebError::Conflict(message)
            | WebError::TooManyRequests(message)
            | WebError::Fault(_, message) => message,
        }
    }

    /// What a page says: the message, in the page's language where Hoshin words it itself.
    pub fn message_in(&self, lang: Lang) -> String {
        let w = crate::i18n::words(lang);
        match self {
            WebError::Fault(Fault::DiskFull, _) => w.fault_disk_full.to_string(),
            WebError::Fault(Fault::ReadOnly, _) => w.fault_read_only.to_string(),
            WebError::Fault(Fault::Unreachable, _) => w.fault_unreachable.to_string(),
            other => other.message().to_string(),
        }
    }
}

impl From<StoreError> for WebError {
    fn from(error: StoreError) -> WebError {
        match error {
            StoreError::NotFound(message) => WebError::NotFound(message),
            StoreError::Invalid(message) => WebError::BadRequest(message),
            StoreError::Conflict(message) => WebError::Conflict(message),
            StoreError::Fault(fault, _) => WebError::Fault(fault, fault.to_string()),
            other => WebError::Unavailable(other.to_string()),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": { "code": self.code(), "message": self.message() } });
        let mut response = (self.status(), axum::Json(body)).into_response();
        response
            .headers_mut()
            .insert(axum::http::header::ACCESS_CONTROL_ALLOW_ORIGIN, axum::http::HeaderValue::from_static("*"));
        response
    }
}
