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
        (name = "provinces", description = "Provinces (tỉnh, thành phố trực thuộc trung ương)"),
        (name = "districts", description = "District-level units (huyện, thị xã, thành phố thuộc tỉnh), abolished on 2025-07-01"),
        (name = "communes", description = "Communes (xã, phường, thị trấn, đặc khu), with their 2025 successors"),
        (name = "departments", description = "Provincial departments and agencies (sở, ban, ngành)"),
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
                    .description(Some("An access token from POST /api/v1/auth/login or /api/v1/auth/refresh"))
                    .build(),
            ),
        );
    }
}

/// The whole document, as served at `/openapi.json` and printed by `thidua openapi`.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, api) = App::new().into_utoipa_app().openapi(ApiDoc::openapi()).configure(crate::routes::configure).split_for_parts();
    api
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
