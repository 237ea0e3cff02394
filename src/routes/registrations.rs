//! Registrations (đăng ký thi đua): a unit's own targets for a launched campaign's indicators,
//! and the titles it aims for. The unit's officers write them until the deadline and submit;
//! the board accepts or returns them. Another unit's registrations answer 404.

use actix_web::http::header;
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::policy::{self, Action, Decision, Resource};
use crate::auth::AuthUser;
use crate::db;
use crate::db::journal::Scope;
use crate::domain::campaigns::{RegistrationAction, RegistrationStatus};
use crate::domain::ids::{RegistrationId, UnitId};
use crate::domain::units::today_in_vietnam;
use crate::domain::{check_text, Checks};
use crate::error::{ApiError, ErrorCode};
use crate::http::extract::{etag, if_match_version, required_if_match, JsonBody};
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::models::registrations::{self as model, RegistrationContent, RegistrationTargets};
use crate::openapi::errors::{CreateErrors, ListErrors, ReadErrors, ReplaceErrors, WriteErrors};
use crate::routes::shared::visible_campaign;
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes
        .service(list)
        .service(create)
        .service(read)
        .service(replace)
        .service(submit)
        .service(accept)
        .service(return_registration);
}

#[derive(Deserialize, Serialize, ToSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub indicator_id: Uuid,
    /// Exact decimal, as a string ("12.5").
    #[schema(example = "120")]
    pub target: String,
}

/// A registration as created (with `unit_id`) or replaced (without).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationRequest {
    /// The unit registering; on create only. Officers register for their own unit.
    pub unit_id: Option<Uuid>,
    #[serde(default)]
    pub targets: Vec<Target>,
    /// The titles the unit aims for, e.g. "Cờ thi đua cấp tỉnh".
    #[serde(default)]
    pub aimed_titles: Vec<String>,
    pub note: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RegistrationResponse {
    pub id: Uuid,
    pub campaign_id: Uuid,
    pub unit_id: Uuid,
    pub status: RegistrationStatus,
    /// `status` as people read it (Vietnamese).
    pub status_label: &'static str,
    pub targets: Vec<Target>,
    pub aimed_titles: Vec<String>,
    pub note: Option<String>,
    /// Why the board returned it.
    pub return_reason: Option<String>,
    pub version: i32,
    pub created_by: Uuid,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339_opt")]
    pub submitted_at: Option<chrono::DateTime<chrono::Utc>>,
    pub decided_by: Option<Uuid>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339_opt")]
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

fn response((r, targets): RegistrationTargets) -> Result<RegistrationResponse, ApiError> {
    Ok(RegistrationResponse {
        id: r.id.into(),
        campaign_id: r.campaign_id.into(),
        unit_id: r.unit_id.into(),
        status: r.status,
        status_label: r.status.label_vi(),
        targets: targets.into_iter().map(|(i, target)| Target { indicator_id: i.into(), target }).collect(),
        aimed_titles: serde_json::from_str(&r.aimed_titles).map_err(|e| {
            ApiError::internal(anyhow::anyhow!(
                "registration {}: stored aimed_titles {:?} is not a list of titles: {e}",
                r.id,
                r.aimed_titles
            ))
        })?,
        note: r.note,
        return_reason: r.return_reason,
        version: r.version,
        created_by: r.created_by.into(),
        submitted_at: r.submitted_at,
        decided_by: r.decided_by.map(Uuid::from),
        decided_at: r.decided_at,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}

fn ok(found: RegistrationTargets) -> Result<HttpResponse, ApiError> {
    let body = response(found)?;
    Ok(HttpResponse::Ok().insert_header(etag(body.version)).json(body))
}

fn content(body: RegistrationRequest) -> Result<RegistrationContent, ApiError> {
    let mut checks = Checks::default();
    if body.targets.len() > 200 {
        checks.fail("targets", ErrorCode::TooMany, "at most 200 targets");
    }
    if body.aimed_titles.len() > 20 {
        checks.fail("aimed_titles", ErrorCode::TooMany, "at most 20 titles");
    }
    let aimed_titles: Vec<String> = body
        .aimed_titles
        .iter()
        .enumerate()
        .map(|(i, t)| check_text(&format!("aimed_titles[{i}]"), t, 200, &mut checks))
        .collect();
    let note = body.note.filter(|n| !n.trim().is_empty()).map(|n| check_text("note", &n, 5000, &mut checks));
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    Ok(RegistrationContent {
        targets: body.targets.into_iter().map(|t| (t.indicator_id.into(), t.target)).collect(),
        aimed_titles,
        note,
    })
}

/// Loads a registration if the caller may do `action` on it; one of another unit answers
/// exactly like a missing one.
async fn load(state: &AppState, who: &AuthUser, id: Uuid, action: Action) -> Result<RegistrationTargets, ApiError> {
    let id = RegistrationId::from(id);
    let found = db::run(&state.db, move |conn| model::find_registration(conn, id)).await?;
    policy::authorize_or_hide(
        who,
        action,
        Resource::UnitRecord { unit_id: found.0.unit_id },
        model::registration_not_found,
    )?;
    Ok(found)
}

/// A campaign's registrations: all of them for the board and province-level readers, the
/// caller's own unit's for everyone else.
///
/// Not paged, unlike other collections: a campaign has at most one registration per
/// participating unit (a province's departments and communes: a few hundred).
#[utoipa::path(operation_id = "list_registrations", tag = "registrations", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The campaign's id")),
    responses((status = 200, description = "The registrations, by unit", body = Vec<RegistrationResponse>), ListErrors))]
#[get("/campaigns/{id}/registrations")]
pub async fn list(state: web::Data<AppState>, who: AuthUser, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let campaign = visible_campaign(&state, &who, id.into_inner()).await?;
    // Province-level staff see every unit's; anyone bound to a unit sees that unit's only.
    let only_unit = policy::listed_unit(&who, None)?;
    let found = db::run(&state.db, move |conn| {
        let rows = model::list_registrations(conn, campaign.id, only_unit)?;
        rows.into_iter().map(|r| model::find_registration(conn, r.id)).collect::<Result<Vec<_>, _>>()
    })
    .await?;
    let items: Vec<RegistrationResponse> = found.into_iter().map(response).collect::<Result<_, _>>()?;
    Ok(HttpResponse::Ok().json(items))
}

/// Register a unit for a launched campaign, before its deadline (officers of the unit, admins).
#[utoipa::path(operation_id = "create_registration", tag = "registrations", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The campaign's id")),
    request_body = RegistrationRequest,
    responses((status = 201, description = "Registered as a draft; `Location` and `ETag` are set", body = RegistrationResponse), CreateErrors))]
#[post("/campaigns/{id}/registrations")]
pub async fn create(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    id: web::Path<Uuid>,
    body: JsonBody<RegistrationRequest>,
) -> Result<HttpResponse, ApiError> {
    let campaign = visible_campaign(&state, &who, id.into_inner()).await?;
    let body = body.0;
    let Some(unit_id) = body.unit_id.map(UnitId::from) else {
        return Err(ApiError::validation(vec![crate::error::FieldError::new(
            "unit_id",
            ErrorCode::Required,
            "is required",
        )]));
    };
    if policy::decide(&who, Action::Create, Resource::UnitRecord { unit_id }) != Decision::Allow {
        return Err(ApiError::new(ErrorCode::Forbidden, "you register only for your own unit"));
    }
    let content = content(body)?;
    let actor = who.user_id;
    let today = today_in_vietnam();
    let created = db::write(&state.db, origin.by(&who), move |conn, journal| {
        let created = response(model::create_registration(conn, campaign.id, unit_id, content, actor, today)?)?;
        journal.created("registration", created.id, Scope::Unit(unit_id), &created);
        Ok(created)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/registrations/{}", created.id)))
        .insert_header(etag(created.version))
        .json(created))
}

/// Get a registration.
#[utoipa::path(operation_id = "get_registration", tag = "registrations", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The registration's id")),
    responses((status = 200, description = "The registration; `ETag` is set", body = RegistrationResponse), ReadErrors))]
#[get("/registrations/{id}")]
pub async fn read(state: web::Data<AppState>, who: AuthUser, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    ok(load(&state, &who, id.into_inner(), Action::Read).await?)
}

/// Replace a registration's targets, titles and note. Send `If-Match`: two officers editing at
/// once cannot overwrite each other (412).
#[utoipa::path(operation_id = "replace_registration", tag = "registrations", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The registration's id"), ("If-Match" = String, Header, description = "The `ETag` last read (required)")),
    request_body = RegistrationRequest,
    responses((status = 200, description = "Replaced; the new `ETag` is set", body = RegistrationResponse), ReplaceErrors))]
#[put("/registrations/{id}")]
pub async fn replace(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<RegistrationRequest>,
) -> Result<HttpResponse, ApiError> {
    let expected = required_if_match(&req)?;
    let (current, _) = load(&state, &who, id.into_inner(), Action::Update).await?;
    let body = body.0;
    if body.unit_id.is_some_and(|u| UnitId::from(u) != current.unit_id) {
        return Err(ApiError::validation(vec![crate::error::FieldError::new(
            "unit_id",
            ErrorCode::Immutable,
            "a registration cannot move to another unit",
        )]));
    }
    let content = content(body)?;
    let today = today_in_vietnam();
    let body = db::write(&state.db, origin.by(&who), move |conn, journal| {
        model::lock_registration(conn, current.id)?;
        let before = response(model::find_registration(conn, current.id)?)?;
        let after = response(model::update_registration(conn, current.id, content, expected, today)?)?;
        journal.updated("registration", current.id, Scope::Unit(current.unit_id), &before, &after);
        Ok(after)
    })
    .await?;
    Ok(HttpResponse::Ok().insert_header(etag(body.version)).json(body))
}

/// The reason the board gives when returning a registration.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationReviewRequest {
    /// Why the registration goes back to its unit.
    #[schema(required = true, value_type = String, min_length = 1)]
    pub reason: Option<String>,
}

async fn act(
    state: &AppState,
    who: &AuthUser,
    origin: RequestOrigin,
    req: &HttpRequest,
    id: Uuid,
    action: RegistrationAction,
    reason: Option<String>,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match_version(req)?;
    let policy_action = if action == RegistrationAction::Submit { Action::Update } else { Action::Read };
    if action != RegistrationAction::Submit {
        policy::require_any(who, &[])?;
    }
    let (current, _) = load(state, who, id, policy_action).await?;
    let mut checks = Checks::default();
    let reason = reason.filter(|r| !r.trim().is_empty()).map(|r| check_text("reason", &r, 2000, &mut checks));
    if action == RegistrationAction::Return && reason.is_none() {
        checks.fail("reason", ErrorCode::Required, "say why the registration is returned");
    }
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let (actor, today) = (who.user_id, today_in_vietnam());
    let verb = match action {
        RegistrationAction::Submit => "submitted",
        RegistrationAction::Accept => "accepted",
        RegistrationAction::Return => "returned",
    };
    let body = db::write(&state.db, origin.by(who), move |conn, journal| {
        model::lock_registration(conn, current.id)?;
        let before = response(model::find_registration(conn, current.id)?)?;
        let after =
            response(model::transition_registration(conn, current.id, action, actor, reason, expected, today)?)?;
        journal.changed("registration", verb, current.id, Scope::Unit(current.unit_id), &before, &after);
        Ok(after)
    })
    .await?;
    Ok(HttpResponse::Ok().insert_header(etag(body.version)).json(body))
}

/// Submit a registration to the board (officers of the unit), before the deadline.
#[utoipa::path(operation_id = "submit_registration", tag = "registrations", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The registration's id"), ("If-Match" = Option<String>, Header, description = "The `ETag` last read")),
    responses((status = 200, description = "Submitted", body = RegistrationResponse), WriteErrors))]
#[post("/registrations/{id}/submit")]
pub async fn submit(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    act(&state, &who, origin, &req, id.into_inner(), RegistrationAction::Submit, None).await
}

/// Accept a submitted registration (admins).
#[utoipa::path(operation_id = "accept_registration", tag = "registrations", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The registration's id"), ("If-Match" = Option<String>, Header, description = "The `ETag` last read")),
    responses((status = 200, description = "Accepted", body = RegistrationResponse), WriteErrors))]
#[post("/registrations/{id}/accept")]
pub async fn accept(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    act(&state, &who, origin, &req, id.into_inner(), RegistrationAction::Accept, None).await
}

/// Return a submitted registration to its unit with a reason (admins).
#[utoipa::path(operation_id = "return_registration", tag = "registrations", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The registration's id"), ("If-Match" = Option<String>, Header, description = "The `ETag` last read: with it, a change made meanwhile answers 412")),
    request_body = RegistrationReviewRequest,
    responses((status = 200, description = "Returned", body = RegistrationResponse), WriteErrors))]
#[post("/registrations/{id}/return")]
pub async fn return_registration(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<RegistrationReviewRequest>,
) -> Result<HttpResponse, ApiError> {
    act(&state, &who, origin, &req, id.into_inner(), RegistrationAction::Return, body.0.reason).await
}
