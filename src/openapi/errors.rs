//! Sets of error responses shared by many operations, listed in their `responses(...)` beside
//! the success, so each operation documents its errors without repeating them.

use std::collections::BTreeMap;

use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};

pub(crate) fn problem(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/problem+json",
                ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
            )
            .build(),
    )
}

fn set(entries: &[(&str, &str)]) -> BTreeMap<String, RefOr<Response>> {
    entries.iter().map(|(status, description)| (status.to_string(), problem(description))).collect()
}

const BAD_INPUT: (&str, &str) = ("400", "Malformed JSON, query or path value");
const UNAUTHENTICATED: (&str, &str) = ("401", "Not signed in, or the access token is no longer valid");
const FORBIDDEN: (&str, &str) = ("403", "Your roles do not allow this");
const NOT_FOUND: (&str, &str) = ("404", "No such record, or one you may not see");
const CONFLICT: (&str, &str) = ("409", "Conflicts with the record's state (see `code`)");
const STALE: (&str, &str) = ("412", "The record changed since the `If-Match` version");
const PRECONDITION_REQUIRED: (&str, &str) = ("428", "`If-Match` is required to replace a record");
const NOT_ACCEPTABLE: (&str, &str) = ("406", "None of the types in `Accept` is available");
const TOO_LARGE: (&str, &str) = ("413", "Body too large");
const NOT_JSON: (&str, &str) = ("415", "Body is not JSON");
const INVALID: (&str, &str) = ("422", "Invalid fields, each listed in `errors`");
const UNAVAILABLE: (&str, &str) = ("503", "Database unavailable; retry after `Retry-After`");

/// Errors of signing in with a JSON body (no token yet): sign-in and refresh.
pub struct SignInErrors;
impl utoipa::IntoResponses for SignInErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[BAD_INPUT, TOO_LARGE, NOT_JSON, INVALID, UNAVAILABLE])
    }
}

/// Errors of acting on the caller's own session without a body (signing out, who am I).
pub struct SessionErrors;
impl utoipa::IntoResponses for SessionErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[UNAUTHENTICATED, UNAVAILABLE])
    }
}

/// Errors of a list: bad filters, not signed in, database down.
pub struct ListErrors;
impl utoipa::IntoResponses for ListErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[BAD_INPUT, UNAUTHENTICATED, UNAVAILABLE])
    }
}

/// Errors of reading one record.
pub struct ReadErrors;
impl utoipa::IntoResponses for ReadErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[BAD_INPUT, UNAUTHENTICATED, NOT_FOUND, UNAVAILABLE])
    }
}

/// Errors of a report: those of a read, and an `Accept` naming no available format.
pub struct ReportErrors;
impl utoipa::IntoResponses for ReportErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[BAD_INPUT, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, NOT_ACCEPTABLE, UNAVAILABLE])
    }
}

/// Errors of creating a record from a JSON body.
pub struct CreateErrors;
impl utoipa::IntoResponses for CreateErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[BAD_INPUT, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT, TOO_LARGE, NOT_JSON, INVALID, UNAVAILABLE])
    }
}

/// Errors of changing a record (a body, `If-Match`, lifecycle rules).
pub struct WriteErrors;
impl utoipa::IntoResponses for WriteErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[
            BAD_INPUT,
            UNAUTHENTICATED,
            FORBIDDEN,
            NOT_FOUND,
            CONFLICT,
            STALE,
            TOO_LARGE,
            NOT_JSON,
            INVALID,
            UNAVAILABLE,
        ])
    }
}

/// Errors of replacing a record (PUT): those of a change, and a missing `If-Match`.
pub struct ReplaceErrors;
impl utoipa::IntoResponses for ReplaceErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[
            BAD_INPUT,
            UNAUTHENTICATED,
            FORBIDDEN,
            NOT_FOUND,
            CONFLICT,
            STALE,
            PRECONDITION_REQUIRED,
            TOO_LARGE,
            NOT_JSON,
            INVALID,
            UNAVAILABLE,
        ])
    }
}
