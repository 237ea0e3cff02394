//! The OpenAPI document: the fixed parts here, the paths collected from the registered handlers.

use actix_web::App;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::error::{FieldError, Problem};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "thidua",
        description = "Open REST/JSON API for emulation and commendation (Thi đua – Khen thưởng) in a Vietnamese province. \
                       Errors are RFC 9457 problems (`application/problem+json`); lists are keyset-paginated. \
                       See docs/api-conventions.md.",
        license(name = "MIT"),
    ),
    components(schemas(Problem, FieldError)),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Sign in, refresh and end sessions; the caller's own account"),
        (name = "users", description = "User accounts, their roles and units (managed by the board)"),
        (name = "service-clients", description = "Service accounts: machines that read the API with OAuth 2.0 client credentials (managed by the board)"),
        (name = "oauth", description = "The OAuth 2.0 token endpoint (client credentials); its errors follow RFC 6749 §5.2, not problem+json"),
        (name = "provinces", description = "Provinces (tỉnh, thành phố trực thuộc trung ương)"),
        (name = "districts", description = "District-level units (huyện, thị xã, thành phố thuộc tỉnh), abolished on 2025-07-01"),
        (name = "communes", description = "Communes (xã, phường, thị trấn, đặc khu), with their 2025 successors"),
        (name = "departments", description = "Provincial departments and agencies (sở, ban, ngành)"),
        (name = "clusters", description = "Emulation clusters and blocks (cụm, khối thi đua)"),
        (name = "campaigns", description = "Emulation campaigns (phong trào, đợt thi đua), their lifecycle and indicators (chỉ tiêu)"),
        (name = "registrations", description = "Units' registrations (đăng ký thi đua): their own targets for a campaign"),
        (name = "achievements", description = "Achievements (thành tích) reported against registered indicators, with evidence files"),
        (name = "awards", description = "The award catalogue with its versioned rules, people, and the award history"),
        (name = "nominations", description = "Nominations (đề nghị khen thưởng): dossier, eligibility and the board's review"),
        (name = "council", description = "Council sessions and secret ballots on nominations"),
        (name = "decisions", description = "Public posting of approved nominations, the public's comments, and decisions granting awards"),
        (name = "reports", description = "Reports as JSON, CSV or XLSX: campaign progress, awards, the nominations pipeline"),
        (name = "public", description = "Open to everyone, no sign-in: what is on public posting, and comments on it"),
        (name = "integration", description = "For other systems: the change feed, webhooks and the audit trail"),
        (name = "operations", description = "Liveness and readiness"),
    )
)]
struct ApiDoc;

/// The `bearer` scheme: access tokens from `/api/v1/auth/login`.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("An access token from POST /api/v1/auth/login or /api/v1/auth/refresh, or a service client's from POST /api/v1/oauth/token"))
                    .build(),
            ),
        );
    }
}

/// The whole document, as served at `/openapi.json` and printed by `thidua openapi`.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, mut api) = App::new().into_utoipa_app().openapi(ApiDoc::openapi()).configure(crate::routes::configure).split_for_parts();
    finish(&mut api);
    api
}

/// What the middleware adds to operations, added to their descriptions once the paths are in:
/// the optional `Idempotency-Key` header of every POST the idempotency middleware keys.
pub fn finish(api: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::{ObjectBuilder, Required, Type};
    for (path, item) in api.paths.paths.iter_mut() {
        let Some(op) = item.post.as_mut() else { continue };
        if !crate::http::idempotency::is_keyed(path) {
            continue;
        }
        let param = ParameterBuilder::new()
            .name("Idempotency-Key")
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some(
                "Up to 255 printable ASCII characters, unique per request: a retry with the same key and body replays the first answer \
                 (with `Idempotent-Replayed: true`) instead of acting twice. See docs/api-conventions.md.",
            ))
            .schema(Some(ObjectBuilder::new().schema_type(Type::String).max_length(Some(crate::http::idempotency::MAX_KEY_LEN))))
            .build();
        op.parameters.get_or_insert_with(Vec::new).push(param);
        // A retry of a request that committed but whose answer was lost (docs/api-conventions.md).
        let committed = utoipa::openapi::ResponseBuilder::new()
            .description(
                "A retry (same `Idempotency-Key` and body) of a request that was carried out but whose answer was lost: `Location` \
                 names the first record it changed, the body lists them all. Sent with `Idempotent-Replayed: true`.",
            )
            .header("Location", utoipa::openapi::HeaderBuilder::new().schema(ObjectBuilder::new().schema_type(Type::String)).build())
            .content("application/json", utoipa::openapi::ContentBuilder::new().schema(Some(ObjectBuilder::new().schema_type(Type::Object))).build())
            .build();
        op.responses.responses.entry("303".to_string()).or_insert(utoipa::openapi::RefOr::T(committed));
    }
}

pub fn base() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// Pretty JSON with a final newline: the exact bytes of `openapi/openapi.json`.
pub fn document_json() -> String {
    let mut json = document().to_pretty_json().expect("the OpenAPI document serializes");
    json.push('\n');
    json
}

/// Sets of error responses shared by many operations, listed in their `responses(...)` beside
/// the success, so each operation documents its errors without repeating them.
pub mod errors {
    use std::collections::BTreeMap;

    use utoipa::openapi::{ContentBuilder, RefOr, Ref, Response, ResponseBuilder};

    fn problem(description: &str) -> RefOr<Response> {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content("application/problem+json", ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build())
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
            set(&[BAD_INPUT, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT, STALE, TOO_LARGE, NOT_JSON, INVALID, UNAVAILABLE])
        }
    }

    /// Errors of replacing a record (PUT): those of a change, and a missing `If-Match`.
    pub struct ReplaceErrors;
    impl utoipa::IntoResponses for ReplaceErrors {
        fn responses() -> BTreeMap<String, RefOr<Response>> {
            set(&[BAD_INPUT, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT, STALE, PRECONDITION_REQUIRED, TOO_LARGE, NOT_JSON, INVALID, UNAVAILABLE])
        }
    }
}
