//! Every error the API returns, as RFC 9457 `application/problem+json`, built in one place.
//! A 500 says nothing about its cause to the client; the cause goes to the log.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

mod codes;
pub use codes::{Appears, ErrorCode};

pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:thidua:problem:validation_failed",
    "title": "Unprocessable Entity",
    "status": 422,
    "detail": "the request has 1 invalid field",
    "code": "validation_failed",
    "errors": [{"field": "name", "code": "required", "message": "must not be empty"}]
}))]
pub struct Problem {
    /// `urn:thidua:problem:<code>`.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// The HTTP status phrase.
    pub title: String,
    pub status: u16,
    /// What went wrong, for a person.
    pub detail: String,
    /// Stable machine-readable code; see docs/api-conventions.md for the list.
    #[schema(value_type = String)]
    pub code: ErrorCode,
    /// One entry per invalid field, where the problem is about input.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Clone, Debug, Serialize, ToSchema, PartialEq)]
pub struct FieldError {
    /// The field's JSON path (`predecessors[0].part`), query parameter or path segment.
    pub field: String,
    #[schema(value_type = String)]
    pub code: ErrorCode,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: ErrorCode, message: impl Into<String>) -> Self {
        FieldError { field: field.into(), code, message: message.into() }
    }
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub detail: String,
    pub errors: Vec<FieldError>,
    /// Logged, never sent.
    pub cause: Option<anyhow::Error>,
    /// Sent as `Retry-After` (429 and 503).
    pub retry_after_secs: Option<u64>,
}

impl ApiError {
    /// A problem with `code`, answered with the code's status (`ErrorCode::status`).
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        debug_assert!(code.status().is_some(), "{code} has no status of its own: use `with_status`");
        Self::with_status(code.status().unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), code, detail)
    }

    /// For codes whose status is not fixed (`http_error`): the status of the error it stands for.
    pub fn with_status(status: StatusCode, code: ErrorCode, detail: impl Into<String>) -> Self {
        ApiError { status, code, detail: detail.into(), errors: Vec::new(), cause: None, retry_after_secs: None }
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} not found"))
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        let detail = match errors.len() {
            1 => "the request has 1 invalid field".to_string(),
            n => format!("the request has {n} invalid fields"),
        };
        ApiError { errors, ..Self::new(ErrorCode::ValidationFailed, detail) }
    }

    pub fn bad_query(param: &str, message: &str) -> Self {
        Self::bad_query_because(param, ErrorCode::Invalid, message)
    }

    /// A query that has the documented shape but breaks a rule no schema states: a cursor this
    /// service did not issue (`invalid_cursor`), parameters that exclude each other
    /// (`conflicting_parameters`), a reference to nothing (`unknown_reference`), a value of
    /// another kind of record (`wrong_kind`), a date outside the supported range (`out_of_range`).
    pub fn bad_query_because(param: &str, code: ErrorCode, message: &str) -> Self {
        ApiError {
            errors: vec![FieldError::new(param, code, message)],
            ..Self::new(ErrorCode::InvalidQuery, format!("query parameter `{param}`: {message}"))
        }
    }

    pub fn conflict(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self::with_status(StatusCode::CONFLICT, code, detail)
    }

    pub fn precondition_failed() -> Self {
        Self::new(
            ErrorCode::StaleVersion,
            "the record changed since you read it; fetch it again and reapply your change",
        )
    }

    pub fn database_unavailable() -> Self {
        ApiError {
            retry_after_secs: Some(1),
            ..Self::new(ErrorCode::DatabaseUnavailable, "the database is not reachable; try again shortly")
        }
    }

    /// 401: no valid credentials. The detail never says which part was wrong.
    pub fn unauthorized(code: ErrorCode, detail: &str) -> Self {
        Self::with_status(StatusCode::UNAUTHORIZED, code, detail)
    }

    pub fn forbidden() -> Self {
        Self::new(ErrorCode::Forbidden, "your roles do not allow this action")
    }

    pub fn too_many_requests(retry_after_secs: u64, detail: &str) -> Self {
        ApiError { retry_after_secs: Some(retry_after_secs.max(1)), ..Self::new(ErrorCode::TooManyRequests, detail) }
    }

    pub fn internal(cause: anyhow::Error) -> Self {
        ApiError {
            cause: Some(cause),
            ..Self::new(ErrorCode::InternalError, "an unexpected error occurred; it has been logged")
        }
    }

    /// True where the database connection itself may have failed (see `db::run`).
    pub fn may_mean_connection_lost(&self) -> bool {
        self.status == StatusCode::SERVICE_UNAVAILABLE || self.status == StatusCode::INTERNAL_SERVER_ERROR
    }

    pub fn to_problem(&self) -> Problem {
        Problem {
            type_uri: format!("urn:thidua:problem:{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error").to_string(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            code: self.code,
            errors: self.errors.clone(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.detail)?;
        if let Some(cause) = &self.cause {
            write!(f, " (cause: {cause:#})")?;
        }
        Ok(())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        if self.status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let mut response = HttpResponse::build(self.status);
        response.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        if let Some(seconds) = self.retry_after_secs {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        response.body(serde_json::to_string(&self.to_problem()).expect("problems serialize"))
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind as Kind, Error};
        match &e {
            Error::NotFound => ApiError::not_found("record"),
            Error::DatabaseError(Kind::UniqueViolation, _) => {
                ApiError::conflict(ErrorCode::Duplicate, "a record with the same key already exists")
            }
            Error::DatabaseError(Kind::ForeignKeyViolation, _) => ApiError::conflict(
                ErrorCode::Referenced,
                "the record is referenced by, or refers to, records that forbid this change",
            ),
            Error::DatabaseError(Kind::SerializationFailure, _) => {
                ApiError::conflict(ErrorCode::WriteConflict, "a concurrent change got there first; retry the request")
            }
            Error::DatabaseError(Kind::ClosedConnection | Kind::UnableToSendCommand, _) => {
                ApiError { cause: Some(e.into()), ..ApiError::database_unavailable() }
            }
            // Transient contention: PostgreSQL deadlocks and lock timeouts, SQLite past its busy
            // timeout. Worth a retry, not a 500.
            Error::DatabaseError(Kind::Unknown, info)
                if ["deadlock detected", "could not obtain lock"].iter().any(|m| info.message().contains(m)) =>
            {
                ApiError::conflict(ErrorCode::WriteConflict, "a concurrent change got there first; retry the request")
            }
            Error::DatabaseError(Kind::Unknown, info) if info.message().contains("database is locked") => ApiError {
                cause: Some(e.into()),
                retry_after_secs: Some(1),
                ..ApiError::new(ErrorCode::Busy, "the database is busy; try again shortly")
            },
            _ => ApiError::internal(e.into()),
        }
    }
}

impl From<r2d2::Error> for ApiError {
    fn from(e: r2d2::Error) -> Self {
        // Pool exhausted or the database refused new connections within the timeout.
        tracing::warn!(error = %e, "no database connection available");
        ApiError::database_unavailable()
    }
}
