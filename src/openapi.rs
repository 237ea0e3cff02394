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
    tags(
        (name = "provinces", description = "Provinces (tỉnh, thành phố trực thuộc trung ương)"),
        (name = "districts", description = "District-level units (huyện, thị xã, thành phố thuộc tỉnh), abolished on 2025-07-01"),
        (name = "communes", description = "Communes (xã, phường, thị trấn, đặc khu), with their 2025 successors"),
        (name = "departments", description = "Provincial departments and agencies (sở, ban, ngành)"),
        (name = "operations", description = "Liveness and readiness"),
    )
)]
struct ApiDoc;

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
