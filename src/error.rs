//! Every error the API returns, as RFC 9457 `application/problem+json`, built in one place.
//! A 500 says nothing about its cause to the client; the cause goes to the log.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

mod codes;
pub mod i18n;
pub use codes::{Appears, ErrorCode};
pub use i18n::Lang;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:thidua:problem:validation_failed",
    "title": "Dữ liệu không hợp lệ",
    "status": 422,
    "detail": "Yêu cầu có 1 trường không hợp lệ.",
    "code": "validation_failed",
    "errors": [{"field": "start_date", "code": "required", "message": "Ngày bắt đầu là bắt buộc."}]
}))]
pub struct Problem {
    /// `urn:thidua:problem:<code>`.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// What kind of problem, for a person, in the answer's language (`Content-Language`):
    /// the same for every occurrence of a `code`.
    pub title: String,
    pub status: u16,
    /// What went wrong this time, for a person, in the answer's language.
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
    /// What is wrong with the field, for a person, in the answer's language.
    pub message: String,
    /// A more specific catalogue message than the code's, with its arguments besides `$field`
    /// (`too_long-max` with `max`); the English `message` is what English answers carry.
    #[serde(skip)]
    pub localized: Option<Msg>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: ErrorCode, message: impl Into<String>) -> Self {
        FieldError { field: field.into(), code, message: message.into(), localized: None }
    }

    /// With catalogue message `id` and its arguments, for the languages other than English.
    pub fn localized(mut self, id: &'static str, args: impl IntoIterator<Item = (&'static str, Arg)>) -> Self {
        self.localized = Some(Msg::new(id, args));
        self
    }

    /// The message in `lang`: English as written at the call site; another language from its
    /// catalogue — the specific message if there is one, else the code's — with the field's name.
    pub fn message_in(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.message.clone();
        }
        let label = i18n::field_label(lang, &self.field);
        let code_id = match self.code.appears() {
            Appears::ProblemAndField(_) => format!("{}.field", self.code),
            _ => self.code.as_str().to_string(),
        };
        self.localized
            .as_ref()
            .and_then(|m| m.format(lang, &[("field", &label)]))
            .or_else(|| i18n::text(lang, &code_id, &[("field", &label)]))
            .unwrap_or_else(|| self.message.clone())
    }
}

/// An argument of a catalogue message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// Shown as it is (a number, a code, a name).
    Text(String),
    /// A kind of record (`award type`), named in the answer's language (`record-award_type`).
    Record(String),
    /// A field path, named in the answer's language (`field-start_date`).
    Field(String),
    /// A whole catalogue message without arguments (`signature_problem-digest_mismatch`).
    Message(String),
}

impl Arg {
    pub fn text(value: impl ToString) -> Arg {
        Arg::Text(value.to_string())
    }

    fn in_lang(&self, lang: Lang) -> Option<String> {
        match self {
            Arg::Text(text) => Some(text.clone()),
            Arg::Record(what) => i18n::record_label(lang, what),
            Arg::Field(path) => Some(i18n::field_label(lang, path)),
            Arg::Message(id) => i18n::text(lang, id, &[]),
        }
    }
}

/// A catalogue message: its id and named arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Msg {
    pub id: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

impl Msg {
    pub fn new(id: &'static str, args: impl IntoIterator<Item = (&'static str, Arg)>) -> Self {
        Msg { id, args: args.into_iter().collect() }
    }

    /// `None` when the catalogue lacks the message or an argument cannot be named in `lang`.
    pub fn format(&self, lang: Lang, extra: &[(&str, &str)]) -> Option<String> {
        let values: Vec<(&str, String)> =
            self.args.iter().map(|(name, arg)| arg.in_lang(lang).map(|v| (*name, v))).collect::<Option<_>>()?;
        let mut args: Vec<(&str, &str)> = values.iter().map(|(n, v)| (*n, v.as_str())).collect();
        args.extend_from_slice(extra);
        i18n::text(lang, self.id, &args)
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
    /// The detail as a catalogue message, where it says more than the code's own message; the
    /// English `detail` is what English answers (and the log) carry.
    pub localized: Option<Msg>,
}

impl ApiError {
    /// A problem with `code`, answered with the code's status (`ErrorCode::status`).
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        debug_assert!(code.status().is_some(), "{code} has no status of its own: use `with_status`");
        Self::with_status(code.status().unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), code, detail)
    }

    /// For codes whose status is not fixed (`http_error`): the status of the error it stands for.
    pub fn with_status(status: StatusCode, code: ErrorCode, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            detail: detail.into(),
            errors: Vec::new(),
            cause: None,
            retry_after_secs: None,
            localized: None,
        }
    }

    /// With catalogue message `id` and its arguments as the detail in languages other than English.
    pub fn localized(mut self, id: &'static str, args: impl IntoIterator<Item = (&'static str, Arg)>) -> Self {
        self.localized = Some(Msg::new(id, args));
        self
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} not found"))
            .localized("not_found-what", [("what", Arg::Record(what.to_string()))])
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        let detail = match errors.len() {
            1 => "the request has 1 invalid field".to_string(),
            n => format!("the request has {n} invalid fields"),
        };
        let count = errors.len();
        ApiError { errors, ..Self::new(ErrorCode::ValidationFailed, detail) }
            .localized("validation_failed-count", [("count", Arg::text(count))])
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

    /// The problem document in the language of the request being answered.
    pub fn to_problem(&self) -> Problem {
        self.to_problem_in(i18n::current())
    }

    pub fn to_problem_in(&self, lang: Lang) -> Problem {
        let status = self.status.as_u16().to_string();
        let title = i18n::text(lang, &format!("{}.title", self.code), &[("status", &status)])
            .unwrap_or_else(|| self.status.canonical_reason().unwrap_or("Error").to_string());
        Problem {
            type_uri: format!("urn:thidua:problem:{}", self.code),
            title,
            status: self.status.as_u16(),
            detail: self.detail_in(lang),
            code: self.code,
            errors: self.errors.iter().map(|e| FieldError { message: e.message_in(lang), ..e.clone() }).collect(),
        }
    }

    /// English as written at the call site; another language from its catalogue: the specific
    /// message where the call site gave one, else the code's own.
    pub fn detail_in(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.detail.clone();
        }
        let status = self.status.as_u16().to_string();
        // A bad query parameter's detail repeats what is wrong with it.
        let query = match (self.code, self.errors.as_slice()) {
            (ErrorCode::InvalidQuery, [only]) => {
                i18n::text(lang, "invalid_query-param", &[("param", &only.field), ("message", &only.message_in(lang))])
            }
            _ => None,
        };
        query
            .or_else(|| self.localized.as_ref().and_then(|m| m.format(lang, &[("status", &status)])))
            .or_else(|| i18n::text(lang, self.code.as_str(), &[("status", &status)]))
            .unwrap_or_else(|| self.detail.clone())
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
        let lang = i18n::current();
        response.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        response.insert_header((header::CONTENT_LANGUAGE, lang.tag()));
        response.insert_header((header::VARY, "Accept-Language"));
        if let Some(seconds) = self.retry_after_secs {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        response.body(serde_json::to_string(&self.to_problem_in(lang)).expect("problems serialize"))
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
