//! Standing councils (`/councils`): the council of a unit (the province's Hội đồng Thi đua –
//! Khen thưởng, or a department's or commune's) for a term, with its members and their seats.
//! Council sessions take their members from here, so nobody types a session's voters in. A
//! council is published to everyone signed in, and its creation is in the change feed.

use actix_web::http::header;
use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::policy::{self, Action, Resource, Role};
use crate::auth::AuthUser;
use crate::db::journal::Scope;
use crate::db::{self, cursor};
use crate::domain::council::SeatRole;
use crate::domain::ids::{CouncilId, UnitId, UserId};
use crate::domain::{check_date, check_text, Checks};
use crate::error::{ApiError, ErrorCode};
use crate::http::extract::{JsonBody, QueryParams};
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::models::councils::{self as model, Council, NewCouncil};
use crate::openapi::errors::{CreateErrors, ListErrors, ReadErrors};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes.service(create).service(list).service(read);
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CouncilSeatRequest {
    pub user_id: Uuid,
    #[schema(inline)]
    pub role: SeatRole,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CouncilRequest {
    /// The unit whose council this is (the province, a department, a commune).
    pub unit_id: Uuid,
    #[schema(example = "Hội đồng Thi đua – Khen thưởng tỉnh")]
    pub name: String,
    /// The decision that constituted it, as written.
    #[schema(example = "45/QĐ-UBND")]
    pub established_by: Option<String>,
    pub term_start: NaiveDate,
    pub term_end: NaiveDate,
    /// At least three; each an active user with the council_member role (and not an admin).
    pub members: Vec<CouncilSeatRequest>,
}

#[derive(Serialize, ToSchema)]
pub struct CouncilSeatResponse {
    pub user_id: Uuid,
    pub full_name: String,
    #[schema(inline)]
    pub role: SeatRole,
    /// `role` as people read it (Vietnamese).
    pub role_label: &'static str,
}

#[derive(Serialize, ToSchema)]
pub struct CouncilResponse {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub name: String,
    pub established_by: Option<String>,
    pub term_start: NaiveDate,
    /// A council still in its term when the next one of its unit starts ends the day before.
    pub term_end: NaiveDate,
    pub members: Vec<CouncilSeatResponse>,
    pub created_by: Uuid,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct CouncilPage {
    pub items: Vec<CouncilResponse>,
    pub next_cursor: Option<String>,
}

fn response(c: Council, seats: Vec<model::Seat>) -> CouncilResponse {
    CouncilResponse {
        id: c.id.into(),
        unit_id: c.unit_id.into(),
        name: c.name,
        established_by: c.established_by,
        term_start: c.term_start,
        term_end: c.term_end,
        members: seats
            .into_iter()
            .map(|s| CouncilSeatResponse {
                user_id: s.user_id.into(),
                full_name: s.full_name,
                role: s.role,
                role_label: s.role.label_vi(),
            })
            .collect(),
        created_by: c.created_by.into(),
        created_at: c.created_at,
    }
}

fn load(conn: &mut crate::db::DbConn, id: CouncilId) -> Result<CouncilResponse, ApiError> {
    let council = model::find(conn, id)?;
    let seats = model::seats(conn, id)?;
    Ok(response(council, seats))
}

/// Constitute a standing council (admins; a unit's admin its own unit's). A council of the
/// same unit still in its term ends the day before this one starts.
#[utoipa::path(operation_id = "create_council", tag = "council", security(("bearer" = [])), request_body = CouncilRequest,
    responses((status = 201, description = "Constituted", body = CouncilResponse), CreateErrors))]
#[post("/councils")]
pub async fn create(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    body: JsonBody<CouncilRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[Role::UnitAdmin])?;
    let body = body.0;
    policy::level_for_new(&who, Some(UnitId::from(body.unit_id)))?;
    let mut checks = Checks::default();
    let name = check_text("name", &body.name, 300, &mut checks);
    let established_by = body.established_by.as_deref().map(|e| check_text("established_by", e, 100, &mut checks));
    check_date("term_start", Some(body.term_start), &mut checks);
    check_date("term_end", Some(body.term_end), &mut checks);
    if body.term_end < body.term_start {
        checks.fail("term_end", ErrorCode::BeforeStart, "must not be before term_start");
    }
    let mut seats: Vec<(UserId, SeatRole)> = Vec::new();
    for (i, seat) in body.members.iter().enumerate() {
        let id = UserId::from(seat.user_id);
        if seats.iter().any(|(u, _)| *u == id) {
            checks.fail(&format!("members[{i}].user_id"), ErrorCode::Duplicate, "a member holds one seat");
        } else {
            seats.push((id, seat.role));
        }
    }
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let new = NewCouncil {
        unit_id: UnitId::from(body.unit_id),
        name,
        established_by,
        term_start: body.term_start,
        term_end: body.term_end,
        seats,
        own_unit_members_only: !who.has(Role::Admin),
    };
    let actor = who.user_id;
    let created = db::write(&state.db, origin.by(&who), move |conn, journal| {
        let id = model::create(conn, new, actor)?;
        let created = load(conn, id)?;
        // Published: who sits on a council is everyone's business.
        journal.created("council", id, Scope::Registry, &created);
        Ok(created)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/councils/{}", created.id)))
        .json(created))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CouncilQuery {
    /// Only this unit's councils.
    pub unit_id: Option<Uuid>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Standing councils, newest first (everyone signed in: they are published).
#[utoipa::path(operation_id = "list_councils", tag = "council", security(("bearer" = [])), params(CouncilQuery),
    responses((status = 200, description = "One page of councils", body = CouncilPage), ListErrors))]
#[get("/councils")]
pub async fn list(
    state: web::Data<AppState>,
    who: AuthUser,
    scope: cursor::ListScope,
    query: QueryParams<CouncilQuery>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, Action::Read, Resource::Registry)?;
    let query = query.0;
    let limit = cursor::limit(query.limit)?;
    let before: Option<CouncilId> = query.cursor.as_deref().map(|c| cursor::decode(&scope, c)).transpose()?;
    let unit = query.unit_id.map(UnitId::from);
    let (items, next_cursor) = db::run(&state.db, move |conn| {
        let rows = model::list(conn, unit, before, limit)?;
        let (rows, next) = cursor::page(rows, limit, &scope, |c| c.id);
        let mut items: Vec<_> = Vec::with_capacity(rows.len());
        for council in rows {
            let seats = model::seats(conn, council.id)?;
            items.push(response(council, seats));
        }
        Ok((items, next))
    })
    .await?;
    crate::http::page::ok(items.len(), &CouncilPage { items, next_cursor })
}

/// A standing council with its members (everyone signed in).
#[utoipa::path(operation_id = "get_council", tag = "council", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The council's id")),
    responses((status = 200, description = "The council", body = CouncilResponse), ReadErrors))]
#[get("/councils/{id}")]
pub async fn read(state: web::Data<AppState>, who: AuthUser, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, Action::Read, Resource::Registry)?;
    let id = CouncilId::from(id.into_inner());
    Ok(HttpResponse::Ok().json(db::run(&state.db, move |conn| load(conn, id)).await?))
}
