//! Campaign progress: each registered unit's actual against its own targets, the province-wide
//! totals against the province's targets, and rankings within each cluster. Actuals are the
//! latest verified report per unit and indicator; the arithmetic is in `domain::progress`. Here:
//! loading its inputs and hiding the targets of units the caller may not read.

use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::auth::AuthUser;
use crate::domain::progress::ProgressResponse;
use crate::error::ApiError;
use crate::http::extract::QueryParams;
use crate::http::register::Routes;
use crate::openapi::errors::ReadErrors;
use crate::routes::shared::campaign_progress;
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes.service(progress);
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProgressQuery {
    /// A review date: count the verified reports dated on or before it (default: all).
    pub as_of: Option<NaiveDate>,
}

/// Progress of a campaign: units against their targets, the province against its targets,
/// and rankings within clusters (by the scoring scheme's points when the campaign has one).
#[utoipa::path(operation_id = "get_campaign_progress", tag = "campaigns", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The campaign's id"), ProgressQuery),
    responses((status = 200, description = "Progress as of the latest verified reports", body = ProgressResponse), ReadErrors))]
#[get("/campaigns/{id}/progress")]
pub async fn progress(
    state: web::Data<AppState>,
    who: AuthUser,
    id: web::Path<Uuid>,
    query: QueryParams<ProgressQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(campaign_progress(&state, &who, id.into_inner(), query.0.as_of).await?))
}
