//! Emulation clusters and blocks (cụm, khối thi đua): groups of units that compete in a year.

use actix_web::http::header;
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::policy::{self, Action, Resource};
use crate::auth::AuthUser;
use crate::db;
use crate::db::journal::Scope;
use crate::domain::ids::{ClusterId, UnitId};
use crate::domain::{check_text, Checks};
use crate::error::{ApiError, ErrorCode};
use crate::http::extract::{etag, required_if_match, JsonBody, QueryParams};
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::models::clusters::{self as model, Cluster, ClusterInput};
use crate::openapi::errors::{CreateErrors, ListErrors, ReadErrors, ReplaceErrors};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes.service(list).service(create).service(read).service(replace);
}

#[derive(Serialize, ToSchema)]
pub struct ClusterResponse {
    pub id: Uuid,
    #[schema(example = "Cụm thi đua các huyện, thành phố")]
    pub name: String,
    pub year: i32,
    pub leading_unit_id: Option<Uuid>,
    pub member_ids: Vec<Uuid>,
    pub version: i32,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<(Cluster, Vec<UnitId>)> for ClusterResponse {
    fn from((c, members): (Cluster, Vec<UnitId>)) -> Self {
        ClusterResponse {
            id: c.id.into(),
            name: c.name,
            year: c.year,
            leading_unit_id: c.leading_unit_id.map(Uuid::from),
            member_ids: members.into_iter().map(Uuid::from).collect(),
            version: c.version,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ClusterQuery {
    /// Only the clusters of this year.
    pub year: Option<i32>,
}

/// A cluster as created or replaced.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClusterRequest {
    pub name: String,
    #[schema(example = 2021)]
    #[schema(minimum = 1990, maximum = 2200)]
    pub year: i32,
    /// Must be one of the members.
    pub leading_unit_id: Option<Uuid>,
    /// Departments or communes.
    pub member_ids: Vec<Uuid>,
}

fn input(body: ClusterRequest) -> Result<ClusterInput, ApiError> {
    let mut checks = Checks::default();
    let name = check_text("name", &body.name, 200, &mut checks);
    if !(1990..=2200).contains(&body.year) {
        checks.fail("year", ErrorCode::OutOfRange, "must be between 1990 and 2200");
    }
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    Ok(ClusterInput {
        name,
        year: body.year,
        leading_unit_id: body.leading_unit_id.map(UnitId::from),
        member_ids: body.member_ids.iter().copied().map(UnitId::from).collect(),
    })
}

fn ok(cluster: ClusterResponse, created: bool) -> HttpResponse {
    let mut res = if created { HttpResponse::Created() } else { HttpResponse::Ok() };
    if created {
        res.insert_header((header::LOCATION, format!("/api/v1/clusters/{}", cluster.id)));
    }
    res.insert_header(etag(cluster.version)).json(cluster)
}

/// List clusters, newest year first.
///
/// Not paged, unlike other collections: a province forms a handful of clusters and blocks a year.
#[utoipa::path(operation_id = "list_clusters", tag = "clusters", security(("bearer" = [])), params(ClusterQuery),
    responses((status = 200, description = "The clusters", body = Vec<ClusterResponse>), ListErrors))]
#[get("/clusters")]
pub async fn list(
    state: web::Data<AppState>,
    who: AuthUser,
    query: QueryParams<ClusterQuery>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, Action::Read, Resource::Registry)?;
    let year = query.0.year;
    let found = db::run(&state.db, move |conn| model::list_clusters(conn, year)).await?;
    let items: Vec<ClusterResponse> = found.into_iter().map(ClusterResponse::from).collect();
    Ok(HttpResponse::Ok().json(items))
}

/// Create a cluster (admins).
#[utoipa::path(operation_id = "create_cluster", tag = "clusters", security(("bearer" = [])), request_body = ClusterRequest,
    responses((status = 201, description = "Created; `Location` and `ETag` are set", body = ClusterResponse), CreateErrors))]
#[post("/clusters")]
pub async fn create(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    body: JsonBody<ClusterRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, Action::Create, Resource::Registry)?;
    let input = input(body.0)?;
    let created = db::write(&state.db, origin.by(&who), move |conn, journal| {
        let created = ClusterResponse::from(model::create_cluster(conn, input)?);
        journal.created("cluster", created.id, Scope::Registry, &created);
        Ok(created)
    })
    .await?;
    Ok(ok(created, true))
}

/// Get a cluster.
#[utoipa::path(operation_id = "get_cluster", tag = "clusters", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The cluster's id")),
    responses((status = 200, description = "The cluster; `ETag` is set", body = ClusterResponse), ReadErrors))]
#[get("/clusters/{id}")]
pub async fn read(state: web::Data<AppState>, who: AuthUser, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, Action::Read, Resource::Registry)?;
    let id = ClusterId::from(id.into_inner());
    let found = db::run(&state.db, move |conn| model::find_cluster(conn, id)).await?;
    Ok(ok(ClusterResponse::from(found), false))
}

/// Replace a cluster's name, year, leader and members (admins). Send `If-Match`.
#[utoipa::path(operation_id = "replace_cluster", tag = "clusters", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The cluster's id"), ("If-Match" = String, Header, description = "The `ETag` last read (required)")),
    request_body = ClusterRequest,
    responses((status = 200, description = "Replaced; the new `ETag` is set", body = ClusterResponse), ReplaceErrors))]
#[put("/clusters/{id}")]
pub async fn replace(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<ClusterRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, Action::Update, Resource::Registry)?;
    let expected = required_if_match(&req)?;
    let input = input(body.0)?;
    let id = ClusterId::from(id.into_inner());
    let replaced = db::write(&state.db, origin.by(&who), move |conn, journal| {
        model::lock_cluster(conn, id)?;
        let before = ClusterResponse::from(model::find_cluster(conn, id)?);
        let after = ClusterResponse::from(model::replace_cluster(conn, id, input, expected)?);
        journal.updated("cluster", id, Scope::Registry, &before, &after);
        Ok(after)
    })
    .await?;
    Ok(ok(replaced, false))
}
