//! The OpenAPI document: the fixed parts here, the paths collected from the registered handlers.
//! It sits at the top with `startup` (it collects the routes); the error sets the route
//! modules annotate with are below them, in `errors`.

pub mod errors;

use utoipa::OpenApi;

use crate::error::{FieldError, Problem};
use crate::http::register::{PostKind, RouteTable};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "thidua",
        description = "Open REST/JSON API for emulation and commendation (Thi đua – Khen thưởng) in a Vietnamese province. \
                       Errors are RFC 9457 problems (`application/problem+json`) whose `title`, `detail` and `errors[].message` \
                       are in Vietnamese, or in English when `Accept-Language` prefers it (the answer's `Content-Language` says which; \
                       the public endpoints always speak Vietnamese); lists are keyset-paginated. \
                       See docs/api-conventions.md.",
        license(name = "MIT"),
    ),
    servers((url = "/", description = "The server that serves this document (thidua answers under /api/v1)")),
    components(schemas(Problem, FieldError, crate::domain::nominations::NominationAction, crate::http::tabular::ReportDocument, crate::http::upload::FileBytes)),
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
        (name = "initiatives", description = "Initiatives (sáng kiến): recognised by a body at a scope, with their authors' shares and evidence; what emulation-fighter titles rest on"),
        (name = "nominations", description = "Nominations (đề nghị khen thưởng): dossier, eligibility and the board's review"),
        (name = "rounds", description = "Annual rounds (đợt xét khen thưởng cuối năm) and units' dossiers of many nominees: each line a nomination, appraised line by line, with quotas per unit"),
        (name = "council", description = "Council sessions and secret ballots on nominations"),
        (name = "decisions", description = "Public posting of approved nominations, the public's comments, and decisions granting awards"),
        (name = "documents", description = "Documents a board signs: templates as versioned DOCX (tờ trình, danh sách trích ngang, báo cáo thành tích, biên bản, quyết định, bằng khen/giấy khen) and documents generated from records as DOCX or PDF"),
        (name = "reward-money", description = "Reward money (tiền thưởng): the base salary (lương cơ sở) levels bonuses are computed from, and each unit's reward fund (quỹ thi đua, khen thưởng) by year"),
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
        use utoipa::openapi::security::{
            ClientCredentials, Flow, HttpAuthScheme, HttpBuilder, OAuth2, Scopes, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "client",
            SecurityScheme::OAuth2(OAuth2::with_description(
                [Flow::ClientCredentials(ClientCredentials::new(
                    "/api/v1/oauth/token",
                    Scopes::from_iter([
                        ("read", "Read the records (every GET but the feed, the audit trail and reports)"),
                        ("events:read", "Read the change feed"),
                        ("reports:read", "Read reports"),
                        ("audit:read", "Read the audit trail (clients not bound to a unit)"),
                    ]),
                ))],
                "Service clients (machines): OAuth 2.0 client credentials. Read-only; see docs/service-accounts.md.",
            )),
        );
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

/// A schema name two handlers give different schemas, if any.
fn name_shared_by_two_schemas(
    schemas: &[(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)],
) -> Option<String> {
    let mut seen: std::collections::HashMap<&str, String> = std::collections::HashMap::new();
    for (name, schema) in schemas {
        let json = serde_json::to_string(schema).unwrap_or_default();
        match seen.get(name.as_str()) {
            Some(earlier) if *earlier != json => return Some(name.clone()),
            Some(_) => {}
            None => {
                seen.insert(name, json);
            }
        }
    }
    None
}

/// The whole document, as served at `/openapi.json` and printed by `thidua openapi`.
pub fn document() -> utoipa::openapi::OpenApi {
    let parts = crate::routes::document();
    let mut api = ApiDoc::openapi();
    api.paths.merge(parts.paths);
    if let Some(name) = name_shared_by_two_schemas(&parts.schemas) {
        // utoipa names a schema after its Rust type: two types of one name would silently become
        // one schema, and the document would lie about one of them.
        panic!("two different types are both named {name} in the OpenAPI document: rename one");
    }
    api.components.get_or_insert_with(utoipa::openapi::Components::new).schemas.extend(parts.schemas);
    finish(&mut api, &crate::routes::table());
    api
}

/// What the middleware adds to operations, added once the paths are in: the optional
/// `Idempotency-Key` header of every POST the idempotency middleware keys (as its route was
/// registered: `routes`), and the response
/// headers every answer may carry (`X-Request-Id` on all, `Retry-After` on 429 and 503,
/// `WWW-Authenticate` on 401, `Idempotent-Replayed` on the successes of keyed POSTs).
pub fn finish(api: &mut utoipa::openapi::OpenApi, routes: &RouteTable) {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::{ObjectBuilder, Required, Type};
    let versioned = versioned_schemas(api);
    for (path, item) in &mut api.paths.paths {
        let keyed = routes.kind_of_pattern(path).is_some_and(|kind| kind != PostKind::Unkeyed);
        for (method, op) in operations_mut(item) {
            let keyed_post = keyed && method == "post";
            split_summary(op);
            if keyed_post {
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
            for param in op.parameters.iter_mut().flatten() {
                if let Some(schema) = param.schema.as_mut() {
                    strip_null(schema);
                    if param.parameter_in == ParameterIn::Query {
                        bound_query_value(&param.name, schema);
                    }
                }
            }
            // What every operation may answer whatever its handler does: the per-client rate
            // limit wraps them all; signing in (the `AuthUser` extractor) may find the token
            // invalid, a service client without the scope, or the database down.
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            if secured && method == "get" {
                add_client_read_scope(op);
            }
            let mut always = vec![("429", "Too many requests from this client; retry after `Retry-After`")];
            if path.contains('{') {
                always.push(("404", "No such record, or one you may not see"));
            }
            if secured {
                always.extend([
                    ("401", "Not signed in, or the access token is no longer valid"),
                    ("403", "Your roles (or a service client's scopes) do not allow this"),
                    ("503", "Database unavailable; retry after `Retry-After`"),
                ]);
            }
            for (status, description) in always {
                op.responses.responses.entry(status.to_string()).or_insert_with(|| errors::problem(description));
            }
            for (status, response) in &mut op.responses.responses {
                let utoipa::openapi::RefOr::T(response) = response else { continue };
                let record = response.content.get("application/json").and_then(|c| match &c.schema {
                    Some(utoipa::openapi::RefOr::Ref(r)) => Some(versioned.contains(&r.ref_location)),
                    _ => None,
                });
                for (name, header) in response_headers(status, keyed_post, record == Some(true)) {
                    response.headers.entry(name.to_string()).or_insert(header);
                }
            }
            if !keyed_post {
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
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .min_length(Some(1))
                        .max_length(Some(crate::http::idempotency::MAX_KEY_LEN))
                        .pattern(Some("^[\\x20-\\x7E]+$")),
                ))
                .build();
            op.parameters.get_or_insert_with(Vec::new).push(param);
        }
    }
}

/// A path, query or header value is text or absent, never JSON `null`: utoipa derives `Option<T>`
/// parameters as "T or null", which generators turn into nullable arguments that would be sent
/// as the text "null". Absence is already `required: false`.
fn strip_null(schema: &mut utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>) {
    use utoipa::openapi::schema::{Schema, SchemaType, Type};
    use utoipa::openapi::RefOr;
    let RefOr::T(inner) = schema else { return };
    match inner {
        Schema::Object(object) => {
            if let SchemaType::Array(types) = &object.schema_type {
                let kept: Vec<Type> = types.iter().filter(|t| **t != Type::Null).cloned().collect();
                object.schema_type =
                    if kept.len() == 1 { SchemaType::Type(kept[0].clone()) } else { SchemaType::Array(kept) };
            }
        }
        Schema::OneOf(one_of) => {
            let is_null = |s: &RefOr<Schema>| matches!(s, RefOr::T(Schema::Object(o)) if o.schema_type == SchemaType::Type(Type::Null));
            one_of.items.retain(|s| !is_null(s));
            if one_of.items.len() == 1 {
                *schema = one_of.items.remove(0);
            }
        }
        _ => {}
    }
}

/// Bounds every list shares (`limit`, from `db::cursor`), and no control characters in free
/// text (the query extractor refuses them).
fn bound_query_value(name: &str, schema: &mut utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>) {
    use utoipa::openapi::schema::{Schema, SchemaType, Type};
    let utoipa::openapi::RefOr::T(Schema::Object(object)) = schema else { return };
    if name == "limit" && object.schema_type == SchemaType::Type(Type::Integer) {
        object.minimum = Some(1.into());
        object.maximum = Some(crate::db::cursor::MAX_LIMIT.into());
        object.default = Some(crate::db::cursor::DEFAULT_LIMIT.into());
    }
    if object.schema_type == SchemaType::Type(Type::String)
        && object.format.is_none()
        && object.enum_values.is_none()
        && object.pattern.is_none()
    {
        object.pattern = Some("^[^\\u0000-\\u001F\\u007F]*$".to_string());
    }
}

/// Service clients may read what a signed-in user may read, with the `read` scope, unless the
/// operation names its own scope (`events:read`, `reports:read`, `audit:read`); they never write.
fn add_client_read_scope(op: &mut utoipa::openapi::path::Operation) {
    use utoipa::openapi::security::SecurityRequirement;
    let security = op.security.get_or_insert_with(Vec::new);
    let has_client = serde_json::to_value(&*security)
        .is_ok_and(|v| v.as_array().is_some_and(|a| a.iter().any(|r| r.get("client").is_some())));
    if !has_client {
        security.push(SecurityRequirement::new("client", [crate::auth::policy::SCOPE_READ]));
    }
}

/// utoipa takes a handler's whole first doc paragraph as the summary; generators and viewers show
/// the summary as a title. Keep a short title there (the first sentence, or what comes before its
/// colon when it is long) and the whole text in the description.
fn split_summary(op: &mut utoipa::openapi::path::Operation) {
    let Some(text) = op.summary.clone() else { return };
    let chars: Vec<char> = text.chars().collect();
    let sentence_end = (0..chars.len().saturating_sub(2))
        .find(|&i| {
            chars[i] == '.'
                && chars[i + 1].is_whitespace()
                && (chars[i + 2].is_uppercase() || matches!(chars[i + 2], '`' | '*'))
        })
        .unwrap_or(chars.len());
    let mut title: String = chars[..sentence_end].iter().collect::<String>().replace('\n', " ");
    if title.chars().count() > 80 {
        if let Some((before, _)) = title.split_once(": ") {
            title = before.to_string();
        }
    }
    let title = title.trim_end_matches('.').to_string();
    if title != text.trim_end_matches('.') {
        op.description = Some(match op.description.take() {
            Some(rest) => format!("{text}\n\n{rest}"),
            None => text,
        });
    }
    op.summary = Some(title);
}

fn operations_mut(
    item: &mut utoipa::openapi::PathItem,
) -> impl Iterator<Item = (&'static str, &mut utoipa::openapi::path::Operation)> {
    [
        ("get", item.get.as_mut()),
        ("put", item.put.as_mut()),
        ("post", item.post.as_mut()),
        ("delete", item.delete.as_mut()),
        ("patch", item.patch.as_mut()),
        ("head", item.head.as_mut()),
        ("options", item.options.as_mut()),
    ]
    .into_iter()
    .filter_map(|(method, op)| op.map(|op| (method, op)))
}

/// The headers the middleware and the error mapping put on an answer with `status`.
/// The references of the schemas that carry a `version` (directly, or through an `allOf` of one
/// that does, as a flattened record): records sent with their `ETag`.
fn versioned_schemas(api: &utoipa::openapi::OpenApi) -> std::collections::HashSet<String> {
    use utoipa::openapi::schema::Schema;
    use utoipa::openapi::RefOr;
    let Some(components) = api.components.as_ref() else { return Default::default() };
    let reference = |name: &str| format!("#/components/schemas/{name}");
    let mut versioned: std::collections::HashSet<String> = components
        .schemas
        .iter()
        .filter(|(_, s)| matches!(s, RefOr::T(Schema::Object(o)) if o.properties.contains_key("version")))
        .map(|(name, _)| reference(name))
        .collect();
    let flattened: Vec<String> = components
        .schemas
        .iter()
        .filter(|(_, s)| match s {
            RefOr::T(Schema::AllOf(all)) => {
                all.items.iter().any(|i| matches!(i, RefOr::Ref(r) if versioned.contains(&r.ref_location)))
            }
            _ => false,
        })
        .map(|(name, _)| reference(name))
        .collect();
    versioned.extend(flattened);
    versioned
}

/// A `versioned_record` (a schema with `version`) is sent with its `ETag`; a creation with the
/// `Location` of what it made.
fn response_headers(
    status: &str,
    keyed_post: bool,
    versioned_record: bool,
) -> Vec<(&'static str, utoipa::openapi::header::Header)> {
    use utoipa::openapi::header::HeaderBuilder;
    use utoipa::openapi::{ObjectBuilder, Type};
    let text = |description: &str| {
        HeaderBuilder::new()
            .schema(ObjectBuilder::new().schema_type(Type::String))
            .description(Some(description))
            .build()
    };
    let mut headers = vec![(
        "X-Request-Id",
        text("The request's id: the one sent in `X-Request-Id` if it was acceptable, else a new one. Quote it when reporting a problem."),
    )];
    match status {
        "429" | "503" => headers.push((
            "Retry-After",
            HeaderBuilder::new()
                .schema(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0)))
                .description(Some("Seconds to wait before trying again"))
                .build(),
        )),
        "401" => headers.push(("WWW-Authenticate", text("The authentication scheme to use (`Bearer`)"))),
        _ => {}
    }
    // Problem documents are written for people, in the negotiated language.
    if status.starts_with('4') || status.starts_with('5') {
        headers.push((
            "Content-Language",
            text("The language of the problem's `title`, `detail` and `errors[].message`: `vi` (the default) or `en`, from `Accept-Language`"),
        ));
    }
    if status == "201" {
        headers.push(("Location", text("The URL of the record created")));
    }
    if versioned_record && status.starts_with('2') {
        headers.push(("ETag", text("The record's version as a strong entity tag (`\"3\"`): send it back in `If-Match` to change the record")));
    }
    // The idempotency middleware stores and replays every answer but those it releases (5xx,
    // 401, 408, 429), and answers 409 with `Retry-After` while the first request is in flight.
    if keyed_post && !status.starts_with('5') && !matches!(status, "401" | "408" | "429") {
        headers.push((
            "Idempotent-Replayed",
            text("`true` when this answer is the stored answer to an earlier request with the same `Idempotency-Key`"),
        ));
    }
    if keyed_post && status == "409" {
        headers.push((
            "Retry-After",
            HeaderBuilder::new()
                .schema(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0)))
                .description(Some(
                    "With `idempotency_key_in_progress`: seconds to wait before retrying with the same key",
                ))
                .build(),
        ));
    }
    headers
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

#[cfg(test)]
mod tests {
    use utoipa::openapi::{ObjectBuilder, RefOr, Type};

    use super::name_shared_by_two_schemas;

    fn schema(kind: Type) -> RefOr<utoipa::openapi::schema::Schema> {
        ObjectBuilder::new().schema_type(kind).build().into()
    }

    /// Two types named alike (routes::shared::DocumentResponse and a generated document's
    /// answer once were) are caught; one type referred to by several handlers is not.
    #[test]
    fn two_types_of_one_name_are_caught() {
        let same = [("A".to_string(), schema(Type::String)), ("A".to_string(), schema(Type::String))];
        assert_eq!(name_shared_by_two_schemas(&same), None);
        let clash = [("A".to_string(), schema(Type::String)), ("A".to_string(), schema(Type::Integer))];
        assert_eq!(name_shared_by_two_schemas(&clash).as_deref(), Some("A"));
        assert!(name_shared_by_two_schemas(&crate::routes::document().schemas).is_none());
    }
}
