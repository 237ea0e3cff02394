//! Title registrations (`/title-registrations`, đăng ký danh hiệu thi đua): at the start of a year
//! a unit registers itself and its people for the titles they aim for, in one request for the
//! whole unit; the board accepts it; the year-end round's lines for a title nobody registered
//! for carry the warning `title_not_registered`. Not a campaign's registration
//! (`/registrations`: a unit's targets for a campaign). A unit's record: another unit's answers
//! 404.

use actix_web::http::header;
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::policy::{self, Action, Decision, Resource};
use crate::auth::AuthUser;
use crate::db::journal::Scope;
use crate::db::{self, cursor};
use crate::domain::ids::{PersonId, TitleRegistrationId, UnitId};
use crate::domain::rounds::TitleRegistrationStatus;
use crate::domain::Checks;
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::http::extract::{etag, if_match_version, required_if_match, JsonBody, QueryParams};
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::models::title_registrations::{self as model, EntryInput, TitleRegistration, TitleRegistrationDetail};
use crate::openapi::errors::{CreateErrors, ListErrors, ReadErrors, ReplaceErrors, WriteErrors};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes.service(list).service(create).service(read).service(replace).service(accept);
}

/// Who aims for which title.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TitleEntry {
    pub award_type_id: Uuid,
    /// A person of the unit, for an individual title; left out for a collective title (the unit
    /// itself).
    pub person_id: Option<Uuid>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TitleRegistrationRequest {
    pub unit_id: Uuid,
    #[schema(example = 2025, minimum = 1990, maximum = 2200)]
    pub year: i32,
    /// 1 to 10,000 entries, each once: the whole unit in one list.
    pub entries: Vec<TitleEntry>,
}

#[derive(Serialize, ToSchema)]
pub struct TitleRegistrationResponse {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub year: i32,
    pub status: TitleRegistrationStatus,
    /// `status` as people read it (Vietnamese).
    pub status_label: &'static str,
    pub entries: Vec<TitleEntry>,
    pub version: i32,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub accepted_by: Option<Uuid>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339_opt")]
    pub accepted_at: Option<chrono::DateTime<chrono::Utc>>,
}

fn response(d: TitleRegistrationDetail) -> Result<TitleRegistrationResponse, ApiError> {
    let r = d.registration;
    Ok(TitleRegistrationResponse {
        id: r.id.into(),
        unit_id: r.unit_id.into(),
        year: r.year,
        status: r.status,
        status_label: r.status.label_vi(),
        entries: d
            .entries
            .into_iter()
            .map(|e| Ok(TitleEntry { award_type_id: e.award_type_id.into(), person_id: e.person_id.map(Uuid::from) }))
            .collect::<Result<_, ApiError>>()?,
        version: r.version,
        created_at: r.created_at,
        updated_at: r.updated_at,
        accepted_by: r.accepted_by.map(Uuid::from),
        accepted_at: r.accepted_at,
    })
}

fn scope(r: &TitleRegistrationResponse) -> Scope {
    Scope::Unit(UnitId::from(r.unit_id))
}

fn entries(body: &TitleRegistrationRequest) -> Result<Vec<EntryInput>, ApiError> {
    let mut checks = Checks::default();
    if !(1990..=2200).contains(&body.year) {
        checks.fail("year", ErrorCode::OutOfRange, "must be between 1990 and 2200");
    }
    if body.entries.is_empty() || body.entries.len() > 10_000 {
        checks.fail("entries", ErrorCode::OutOfRange, "from 1 to 10,000 entries");
    }
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    Ok(body
        .entries
        .iter()
        .map(|e| EntryInput { award_type_id: e.award_type_id.into(), person_id: e.person_id.map(PersonId::from) })
        .collect())
}

/// A registration the caller may do `action` on; another unit's answers like a missing one.
async fn load(state: &AppState, who: &AuthUser, id: Uuid, action: Action) -> Result<TitleRegistration, ApiError> {
    let id = TitleRegistrationId::from(id);
    let found = db::run(&state.db, move |conn| model::find(conn, id)).await?;
    policy::authorize_or_hide(who, action, Resource::UnitRecord { unit_id: found.unit_id }, model::not_found)?;
    Ok(found)
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TitleRegistrationQuery {
    /// Only this unit's (unit-bound users always get their own unit's).
    pub unit_id: Option<Uuid>,
    pub year: Option<i32>,
    #[param(inline)]
    pub status: Option<TitleRegistrationStatus>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TitleRegistrationPage {
    pub items: Vec<TitleRegistrationResponse>,
    pub next_cursor: Option<String>,
}

/// Title registrations: all for the board and province-level readers, the caller's own unit's
/// for everyone else.
#[utoipa::path(operation_id = "list_title_registrations", tag = "rounds", security(("bearer" = [])), params(TitleRegistrationQuery),
    responses((status = 200, description = "One page of title registrations", body = TitleRegistrationPage), ListErrors))]
#[get("/title-registrations")]
pub async fn list(
    state: web::Data<AppState>,
    who: AuthUser,
    scope: cursor::ListScope,
    query: QueryParams<TitleRegistrationQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let limit = cursor::limit(query.limit)?;
    let unit = policy::listed_unit(&who, query.unit_id.map(UnitId::from))?;
    let after: Option<Uuid> = query.cursor.as_deref().map(|c| cursor::decode(&scope, c)).transpose()?;
    let (rows, next_cursor) = db::run(&state.db, move |conn| {
        let rows = model::list(conn, unit, query.year, query.status, after.map(TitleRegistrationId::from), limit)?;
        let (rows, next) = cursor::page(rows, limit, &scope, |r| r.id.uuid());
        Ok((model::details(conn, rows)?, next))
    })
    .await?;
    let items: Vec<_> = rows.into_iter().map(response).collect::<Result<_, _>>()?;
    crate::http::page::ok(items.len(), &TitleRegistrationPage { items, next_cursor })
}

/// Register the unit and its people for titles for a year (the unit's officers, admins): the
/// whole unit in one request. One per unit and year (`409 duplicate`; replace it instead).
#[utoipa::path(operation_id = "create_title_registration", tag = "rounds", security(("bearer" = [])), request_body = TitleRegistrationRequest,
    responses((status = 201, description = "Registered; `Location` and `ETag` are set", body = TitleRegistrationResponse), CreateErrors))]
#[post("/title-registrations")]
pub async fn create(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    body: JsonBody<TitleRegistrationRequest>,
) -> Result<HttpResponse, ApiError> {
    if policy::decide(&who, Action::Create, Resource::UnitRecord { unit_id: body.0.unit_id.into() }) != Decision::Allow
    {
        return Err(ApiError::new(ErrorCode::Forbidden, "you register only your own unit"));
    }
    let new = entries(&body.0)?;
    let (unit, year, actor) = (UnitId::from(body.0.unit_id), body.0.year, who.user_id);
    let body = db::write(&state.db, origin.by(&who), move |conn, journal| {
        let created = response(model::create(conn, unit, year, &new, actor)?)?;
        journal.created("title_registration", created.id, scope(&created), &created);
        Ok(created)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/title-registrations/{}", body.id)))
        .insert_header(etag(body.version))
        .json(body))
}

/// Get a title registration with its entries.
#[utoipa::path(operation_id = "get_title_registration", tag = "rounds", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The registration's id")),
    responses((status = 200, description = "The registration; `ETag` is set", body = TitleRegistrationResponse), ReadErrors))]
#[get("/title-registrations/{id}")]
pub async fn read(state: web::Data<AppState>, who: AuthUser, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let found = load(&state, &who, id.into_inner(), Action::Read).await?;
    let body = response(db::run(&state.db, move |conn| model::detail(conn, found.id)).await?)?;
    Ok(HttpResponse::Ok().insert_header(etag(body.version)).json(body))
}

/// Replace a registration's entries before the board accepts it (the unit's officers, admins).
/// Send `If-Match`. `unit_id` and `year` cannot change (`422 immutable`).
#[utoipa::path(operation_id = "replace_title_registration", tag = "rounds", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The registration's id"), ("If-Match" = String, Header, description = "The `ETag` last read (required)")),
    request_body = TitleRegistrationRequest,
    responses((status = 200, description = "Replaced; the new `ETag` is set", body = TitleRegistrationResponse), ReplaceErrors))]
#[put("/title-registrations/{id}")]
pub async fn replace(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<TitleRegistrationRequest>,
) -> Result<HttpResponse, ApiError> {
    let expected = required_if_match(&req)?;
    let current = load(&state, &who, id.into_inner(), Action::Update).await?;
    let mut immutable = Vec::new();
    if UnitId::from(body.0.unit_id) != current.unit_id {
        immutable.push(FieldError::new("unit_id", ErrorCode::Immutable, "a registration stays its unit's"));
    }
    if body.0.year != current.year {
        immutable.push(FieldError::new("year", ErrorCode::Immutable, "a registration stays its year's"));
    }
    if !immutable.is_empty() {
        return Err(ApiError::validation(immutable));
    }
    let new = entries(&body.0)?;
    let body = db::write(&state.db, origin.by(&who), move |conn, journal| {
        model::lock(conn, current.id)?;
        let before = response(model::detail(conn, current.id)?)?;
        let after = response(model::replace(conn, current.id, &new, expected)?)?;
        journal.updated("title_registration", after.id, scope(&after), &before, &after);
        Ok(after)
    })
    .await?;
    Ok(HttpResponse::Ok().insert_header(etag(body.version)).json(body))
}

/// Accept a registration (the board): from then on the round's lines are checked against it.
#[utoipa::path(operation_id = "accept_title_registration", tag = "rounds", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The registration's id"), ("If-Match" = Option<String>, Header, description = "The `ETag` last read")),
    responses((status = 200, description = "Accepted", body = TitleRegistrationResponse), WriteErrors))]
#[post("/title-registrations/{id}/accept")]
pub async fn accept(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[])?;
    let expected = if_match_version(&req)?;
    let current = load(&state, &who, id.into_inner(), Action::Read).await?;
    let actor = who.user_id;
    let body = db::write(&state.db, origin.by(&who), move |conn, journal| {
        model::lock(conn, current.id)?;
        let before = response(model::detail(conn, current.id)?)?;
        let after = response(model::accept(conn, current.id, actor, expected)?)?;
        journal.changed("title_registration", "accepted", after.id, scope(&after), &before, &after);
        Ok(after)
    })
    .await?;
    Ok(HttpResponse::Ok().insert_header(etag(body.version)).json(body))
}
