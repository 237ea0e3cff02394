//! Liveness and readiness for load balancers and orchestrators.

use actix_web::{get, web, HttpResponse};
use diesel::connection::SimpleConnection;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok` when the check passed.
    pub status: &'static str,
}

/// The process is up and serving HTTP. Checks nothing else.
#[utoipa::path(
    operation_id = "get_liveness",
    tag = "operations",
    responses((status = 200, description = "The process is serving requests", body = Health))
)]
#[get("/health/live")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// The service can reach its database; a load balancer should route traffic here only then.
#[utoipa::path(
    operation_id = "get_readiness",
    tag = "operations",
    responses(
        (status = 200, description = "The database answers", body = Health),
        (status = 503, description = "The database is unreachable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/health/ready")]
pub async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    db::run(&state.db, |conn| {
        conn.batch_execute("SELECT 1")
            .map_err(|e| ApiError { cause: Some(e.into()), ..ApiError::database_unavailable() })
    })
    .await?;
    Ok(HttpResponse::Ok().json(Health { status: "ok" }))
}
