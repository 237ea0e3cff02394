//! Service accounts: the board registers machines (reporting tools, other agencies' systems)
//! that read the API with OAuth 2.0 client credentials (`POST /oauth/token`, routes::oauth).
//! A client's secret is shown once, at creation or rotation, and kept only as a SHA-256.

use actix_web::http::header;
use actix_web::{get, post, web, HttpResponse};
use chrono::DateTime;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::password::random_token;
use crate::auth::policy::{self, ALL_SCOPES, SCOPE_READ};
use crate::auth::tokens::opaque_token_hash;
use crate::auth::AuthUser;
use crate::db::journal::Scope;
use crate::db::{self, cursor};
use crate::domain::ids::{ServiceClientId, UnitId};
use crate::domain::{check_text, Checks};
use crate::error::{ApiError, ErrorCode, Problem};
use crate::http::extract::{JsonBody, QueryParams};
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::models::service_clients::{self as model, NewServiceClient, ServiceClient};
use crate::openapi::errors::{CreateErrors, ListErrors, ReadErrors};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes.service(list).service(create).service(read).service(rotate_secret).service(revoke);
}

/// A service client. Never includes its secret.
#[derive(Serialize, ToSchema)]
pub struct ServiceClientResponse {
    pub id: Uuid,
    /// The OAuth `client_id`: the same value as `id`.
    pub client_id: String,
    #[schema(example = "Hệ thống báo cáo Sở Nội vụ")]
    pub name: String,
    /// Granted scopes: `read`, `events:read`, `reports:read`, `audit:read`.
    pub scopes: Vec<String>,
    /// The unit it is bound to: it then sees only that unit's records.
    pub unit_id: Option<Uuid>,
    /// False once revoked.
    pub active: bool,
    pub created_by: Uuid,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub created_at: DateTime<chrono::Utc>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub secret_rotated_at: DateTime<chrono::Utc>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339_opt")]
    pub revoked_at: Option<DateTime<chrono::Utc>>,
}

/// A service client with its new secret: shown this once, never again.
#[derive(Serialize, ToSchema)]
pub struct ServiceClientCredentials {
    #[serde(flatten)]
    pub client: ServiceClientResponse,
    /// Store it now: only its hash is kept.
    pub client_secret: String,
}

#[derive(Serialize, ToSchema)]
pub struct ServiceClientPage {
    pub items: Vec<ServiceClientResponse>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ServiceClientListQuery {
    /// Page size, 1–100 (default 20).
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateServiceClientRequest {
    #[schema(required = true, example = "Hệ thống báo cáo Sở Nội vụ")]
    pub name: Option<String>,
    /// Default `["read"]`; each one of `read`, `events:read`, `reports:read`, `audit:read`.
    #[schema(min_items = 1)]
    pub scopes: Option<Vec<String>>,
    /// Bind the client to a department or commune.
    pub unit_id: Option<Uuid>,
}

impl From<ServiceClient> for ServiceClientResponse {
    fn from(c: ServiceClient) -> ServiceClientResponse {
        ServiceClientResponse {
            id: c.id.into(),
            unit_id: c.unit_id.map(Uuid::from),
            created_by: c.created_by.into(),
            scopes: c.scope_list(),
            active: c.revoked_at.is_none(),
            client_id: c.id.to_string(),
            name: c.name,
            created_at: c.created_at,
            secret_rotated_at: c.secret_rotated_at,
            revoked_at: c.revoked_at,
        }
    }
}

/// The answer carrying a fresh secret: never stored by caches.
fn with_secret(
    status: actix_web::http::StatusCode,
    client: ServiceClient,
    secret: String,
) -> Result<HttpResponse, ApiError> {
    let client = ServiceClientResponse::from(client);
    let mut res = HttpResponse::build(status);
    res.insert_header((header::CACHE_CONTROL, "no-store"));
    if status == actix_web::http::StatusCode::CREATED {
        res.insert_header((header::LOCATION, format!("/api/v1/service-clients/{}", client.id)));
    }
    Ok(res.json(ServiceClientCredentials { client, client_secret: secret }))
}

/// List service clients (admins only), oldest first.
#[utoipa::path(
    operation_id = "list_service_clients",
    tag = "service-clients",
    security(("bearer" = [])),
    params(ServiceClientListQuery),
    responses(
        (status = 200, description = "One page of clients, without secrets", body = ServiceClientPage),
        (status = 403, description = "Only admins manage service clients", body = Problem, content_type = "application/problem+json"),
        ListErrors,
    )
)]
#[get("/service-clients")]
pub async fn list(
    state: web::Data<AppState>,
    who: AuthUser,
    scope: cursor::ListScope,
    query: QueryParams<ServiceClientListQuery>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[])?;
    let limit = cursor::limit(query.0.limit)?;
    let after: Option<ServiceClientId> = query.0.cursor.as_deref().map(|c| cursor::decode(&scope, c)).transpose()?;
    let rows = db::run(&state.db, move |conn| model::list_clients(conn, after, limit)).await?;
    let (rows, next_cursor) = cursor::page(rows, limit, &scope, |c| c.id);
    let items: Vec<_> = rows.into_iter().map(ServiceClientResponse::from).collect();
    crate::http::page::ok(items.len(), &ServiceClientPage { items, next_cursor })
}

/// Register a service client (admins only). The answer holds `client_secret`, shown this once.
#[utoipa::path(
    operation_id = "create_service_client",
    tag = "service-clients",
    security(("bearer" = [])),
    request_body = CreateServiceClientRequest,
    responses(
        (status = 201, description = "Created; `Location` is set and the secret is in the body, once", body = ServiceClientCredentials),
        CreateErrors,
    )
)]
#[post("/service-clients")]
pub async fn create(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    body: JsonBody<CreateServiceClientRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[])?;
    let body = body.0;
    let mut checks = Checks::default();
    let name = match &body.name {
        Some(n) => check_text("name", n, 200, &mut checks),
        None => {
            checks.fail("name", ErrorCode::Required, "is required");
            String::new()
        }
    };
    let scopes = body.scopes.unwrap_or_else(|| vec![SCOPE_READ.to_string()]);
    if scopes.is_empty() {
        checks.fail("scopes", ErrorCode::Required, "must name at least one scope");
    }
    for (i, scope) in scopes.iter().enumerate() {
        if !ALL_SCOPES.contains(&scope.as_str()) {
            checks.fail(
                &format!("scopes[{i}]"),
                ErrorCode::UnknownScope,
                format!("must be one of {}", ALL_SCOPES.join(", ")),
            );
        }
    }
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let secret = random_token();
    let new = NewServiceClient {
        name,
        scopes,
        unit_id: body.unit_id.map(UnitId::from),
        secret_hash: opaque_token_hash(&secret),
        created_by: who.user_id,
    };
    let client = db::write(&state.db, origin.by(&who), move |conn, journal| {
        let client = model::insert_client(conn, new)?;
        journal.created("service_client", client.id, Scope::Admin, &ServiceClientResponse::from(client.clone()));
        Ok(client)
    })
    .await?;
    with_secret(actix_web::http::StatusCode::CREATED, client, secret)
}

/// Get a service client (admins only), without its secret.
#[utoipa::path(
    operation_id = "get_service_client",
    tag = "service-clients",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The client's id")),
    responses(
        (status = 200, description = "The client", body = ServiceClientResponse),
        (status = 403, description = "Only admins manage service clients", body = Problem, content_type = "application/problem+json"),
        ReadErrors,
    )
)]
#[get("/service-clients/{id}")]
pub async fn read(state: web::Data<AppState>, who: AuthUser, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[])?;
    let id = ServiceClientId::from(id.into_inner());
    let client = db::run(&state.db, move |conn| model::find_client(conn, id)).await?;
    Ok(HttpResponse::Ok().json(ServiceClientResponse::from(client)))
}

/// Replace a client's secret (admins only): the old secret and every token issued under it stop
/// working at once. The new secret is in the answer, shown this once.
#[utoipa::path(
    operation_id = "rotate_service_client_secret",
    tag = "service-clients",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The client's id")),
    responses(
        (status = 200, description = "The client with its new secret", body = ServiceClientCredentials),
        (status = 403, description = "Only admins manage service clients", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The client is revoked", body = Problem, content_type = "application/problem+json"),
        ReadErrors,
    )
)]
#[post("/service-clients/{id}/rotate-secret")]
pub async fn rotate_secret(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[])?;
    let id = ServiceClientId::from(id.into_inner());
    let secret = random_token();
    let hash = opaque_token_hash(&secret);
    // The journal notes the rotation, never the secret or its hash.
    let client = db::write(&state.db, origin.by(&who), move |conn, journal| {
        let client = model::rotate_secret(conn, id, &hash)?;
        journal.record("service_client", "secret_rotated", id, Scope::AuditOnly, None, None);
        Ok(client)
    })
    .await?;
    state.sessions.clear();
    with_secret(actix_web::http::StatusCode::OK, client, secret)
}

/// Revoke a client for good (admins only): its secret and all its tokens stop working at once.
#[utoipa::path(
    operation_id = "revoke_service_client",
    tag = "service-clients",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The client's id")),
    responses(
        (status = 200, description = "Revoked (revoking again changes nothing)", body = ServiceClientResponse),
        (status = 403, description = "Only admins manage service clients", body = Problem, content_type = "application/problem+json"),
        ReadErrors,
    )
)]
#[post("/service-clients/{id}/revoke")]
pub async fn revoke(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[])?;
    let id = ServiceClientId::from(id.into_inner());
    let client = db::write(&state.db, origin.by(&who), move |conn, journal| {
        model::lock_client(conn, id)?;
        let before = ServiceClientResponse::from(model::find_client(conn, id)?);
        let client = model::revoke_client(conn, id)?;
        journal.changed(
            "service_client",
            "revoked",
            id,
            Scope::Admin,
            &before,
            &ServiceClientResponse::from(client.clone()),
        );
        Ok(client)
    })
    .await?;
    state.sessions.clear();
    Ok(HttpResponse::Ok().json(ServiceClientResponse::from(client)))
}
