//! The board acknowledges a nomination's eligibility warning (a quota overrun, a borderline
//! streak — what the rules leave to its judgement) with a reason. A refusal cannot be
//! acknowledged: a nomination with one is never submitted.

use actix_web::{post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::policy;
use crate::auth::AuthUser;
use crate::db;
use crate::db::journal::Scope;
use crate::domain::ids::NominationId;
use crate::domain::{check_text, Checks};
use crate::error::{ApiError, ErrorCode};
use crate::http::extract::{etag, if_match_version, JsonBody};
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::models::nomination_warnings as model;
use crate::models::nominations::{detail, lock};
use crate::openapi::errors::WriteErrors;
use crate::routes::shared::{nomination_response as response, NominationResponse};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes.service(acknowledge);
}

/// Why the board lets the nomination go on despite the warning.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgementRequest {
    #[schema(example = "Hội đồng xét vượt hạn mức do đơn vị có thành tích đột xuất")]
    pub reason: String,
}

/// Acknowledge a warning of a nomination's eligibility (the board), with a reason: the warning
/// keeps who, when and why, and the history gets a line. `409 not_acknowledgeable` when the
/// nomination has no open warning of that code (a refusal, or one acknowledged already).
#[utoipa::path(operation_id = "acknowledge_nomination_warning", tag = "nominations", security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The nomination's id"),
        ("code" = String, Path, description = "The warning's code, e.g. `quota_exceeded` or `prerequisite_borderline`"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` last read"),
    ),
    request_body = AcknowledgementRequest,
    responses((status = 200, description = "Acknowledged", body = NominationResponse), WriteErrors))]
#[post("/nominations/{id}/warnings/{code}/acknowledgement")]
pub async fn acknowledge(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    path: web::Path<(Uuid, String)>,
    body: JsonBody<AcknowledgementRequest>,
) -> Result<HttpResponse, ApiError> {
    // The board's judgement: admins only, before anything is loaded.
    policy::require_any(&who, &[])?;
    let (id, code) = path.into_inner();
    let expected = if_match_version(&req)?;
    let mut checks = Checks::default();
    let reason = check_text("reason", &body.0.reason, 2000, &mut checks);
    if code.len() > 100 {
        checks.fail("code", ErrorCode::TooLong, "must be at most 100 characters");
    }
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let (id, actor) = (NominationId::from(id), who.user_id);
    let after = db::write(&state.db, origin.by(&who), move |conn, journal| {
        lock(conn, id)?;
        let before = response(detail(conn, id)?)?;
        let after = response(model::acknowledge(conn, id, &code, &reason, actor, expected, db::now_utc())?)?;
        journal.changed("nomination", "warning_acknowledged", id, Scope::Unit(after.unit_id.into()), &before, &after);
        Ok(after)
    })
    .await?;
    Ok(HttpResponse::Ok().insert_header(etag(after.version)).json(after.spoken()))
}
