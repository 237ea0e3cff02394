//! Campaigns' scoring schemes (thang điểm chấm điểm thi đua): criteria groups with weights,
//! indicators with maximum points, point scales, bonus and penalty points, mandatory and optional
//! indicators — data the board writes, each write a new version. Progress and cluster rankings
//! score by the latest version (`domain::scoring`). The board writes; everyone who may read the
//! campaign reads its schemes.

use actix_web::http::header;
use actix_web::{get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::policy::{self, Role};
use crate::auth::AuthUser;
use crate::db::{self, journal::Scope};
use crate::domain::ids::{CampaignId, ScoringSchemeId};
use crate::domain::scoring::{check_scheme, AdjustmentSpec, GroupSpec, ScaleKind, Scheme, ThresholdSpec};
use crate::domain::{text, Checks};
use crate::error::{ApiError, ErrorCode};
use crate::http::extract::JsonBody;
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::models::campaigns as campaigns_model;
use crate::models::scoring::{self as model, StoredScheme};
use crate::openapi::errors::{CreateErrors, ReadErrors};
use crate::routes::shared::{can_see, runs_campaign, visible_campaign};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes.service(list).service(create).service(read);
}

/// A new version of the campaign's scoring scheme.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SchemeRequest {
    /// Criteria groups (nhóm tiêu chí), in the order they are shown.
    pub groups: Vec<GroupSpec>,
    /// Why this version (e.g. the guidance it follows).
    pub note: Option<String>,
}

/// How one indicator is scored, with the labels of its enumerations.
#[derive(Serialize, ToSchema)]
pub struct IndicatorRuleResponse {
    pub indicator_id: Uuid,
    pub max_points: String,
    pub mandatory: bool,
    pub scale: ScaleKind,
    /// `scale` as people read it (Vietnamese).
    pub scale_label: &'static str,
    /// Highest first; empty with a linear scale.
    pub thresholds: Vec<ThresholdSpec>,
    pub bonus: Option<AdjustmentSpec>,
    pub penalty: Option<AdjustmentSpec>,
}

#[derive(Serialize, ToSchema)]
pub struct GroupResponse {
    pub code: String,
    pub name: String,
    pub weight: String,
    pub indicators: Vec<IndicatorRuleResponse>,
}

/// One version of a campaign's scoring scheme. Decimals are strings.
#[derive(Serialize, ToSchema)]
pub struct SchemeResponse {
    pub id: Uuid,
    pub campaign_id: Uuid,
    /// 1, 2, …: the latest scores progress.
    pub version: i32,
    pub groups: Vec<GroupResponse>,
    /// The most a unit registered for every indicator can earn, bonus points aside.
    pub max_points: String,
    pub note: Option<String>,
    pub created_by: Uuid,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A stored scheme as answered; a stored document that does not parse is a server fault.
pub fn scheme_response(s: StoredScheme) -> Result<SchemeResponse, ApiError> {
    let corrupt = || ApiError::internal(anyhow::anyhow!("scoring scheme {} does not parse", s.id));
    let groups: Vec<GroupSpec> = serde_json::from_str(&s.groups).map_err(|_| corrupt())?;
    let scheme = Scheme::from_stored(&groups).ok_or_else(corrupt)?;
    Ok(SchemeResponse {
        id: s.id.into(),
        campaign_id: s.campaign_id.into(),
        version: s.version,
        max_points: crate::domain::campaigns::decimal_text(scheme.max_points()),
        groups: scheme
            .to_spec()
            .into_iter()
            .map(|g| GroupResponse {
                code: g.code,
                name: g.name,
                weight: g.weight.unwrap_or_else(|| "1".into()),
                indicators: g
                    .indicators
                    .into_iter()
                    .map(|r| IndicatorRuleResponse {
                        indicator_id: r.indicator_id,
                        max_points: r.max_points,
                        mandatory: r.mandatory,
                        scale: r.scale,
                        scale_label: r.scale.label_vi(),
                        thresholds: r.thresholds,
                        bonus: r.bonus,
                        penalty: r.penalty,
                    })
                    .collect(),
            })
            .collect(),
        note: s.note,
        created_by: s.created_by.into(),
        created_at: s.created_at,
    })
}

/// A campaign's scoring-scheme versions, newest first (the first is the one in force).
///
/// Not paged: a campaign has a handful of versions.
#[utoipa::path(operation_id = "list_scoring_schemes", tag = "campaigns", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The campaign's id")),
    responses((status = 200, description = "The versions, newest first", body = Vec<SchemeResponse>), ReadErrors))]
#[get("/campaigns/{id}/scoring-schemes")]
pub async fn list(state: web::Data<AppState>, who: AuthUser, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let campaign = visible_campaign(&state, &who, id.into_inner()).await?;
    let found = db::run(&state.db, move |conn| model::list_schemes(conn, campaign.id)).await?;
    let items: Vec<SchemeResponse> = found.into_iter().map(scheme_response).collect::<Result<_, _>>()?;
    Ok(HttpResponse::Ok().json(items))
}

/// Write a new version of a campaign's scoring scheme (who runs the campaign's level): from then on progress and the
/// cluster rankings score by it. Not once the campaign is closed or cancelled (409).
#[utoipa::path(operation_id = "create_scoring_scheme", tag = "campaigns", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The campaign's id")),
    request_body = SchemeRequest,
    responses((status = 201, description = "Stored as the campaign's latest version; `Location` is set", body = SchemeResponse), CreateErrors))]
#[post("/campaigns/{id}/scoring-schemes")]
pub async fn create(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    id: web::Path<Uuid>,
    body: JsonBody<SchemeRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[Role::UnitAdmin])?;
    let body = body.0;
    let mut checks = Checks::default();
    let note = body.note.map(|n| text::normalize_block(&n)).filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
        checks.fail("note", ErrorCode::TooLong, "must be at most 2000 characters");
    }
    let (campaign_id, actor, caller) = (CampaignId::from(id.into_inner()), who.user_id, who.0.clone());
    let created = db::write(&state.db, origin.by(&who), move |conn, journal| {
        let campaign = runs_campaign(conn, &caller, campaign_id)?.campaign;
        let known: Vec<Uuid> =
            campaigns_model::list_indicators(conn, campaign.id)?.iter().map(|i| i.id.into()).collect();
        let scheme = match check_scheme(&body.groups, &known) {
            Ok(scheme) if checks.0.is_empty() => scheme,
            Ok(_) => return Err(ApiError::validation(checks.0)),
            Err(mut errors) => {
                errors.extend(checks.0);
                return Err(ApiError::validation(errors));
            }
        };
        let groups = serde_json::to_string(&scheme.to_spec()).map_err(|e| ApiError::internal(e.into()))?;
        let created = scheme_response(model::create_scheme(conn, campaign.id, &groups, note.as_deref(), actor)?)?;
        journal.created("scoring_scheme", created.id, Scope::Registry, &created);
        Ok(created)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/scoring-schemes/{}", created.id)))
        .json(created))
}

/// One version of a campaign's scoring scheme.
#[utoipa::path(operation_id = "get_scoring_scheme", tag = "campaigns", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The scheme version's id")),
    responses((status = 200, description = "The version", body = SchemeResponse), ReadErrors))]
#[get("/scoring-schemes/{id}")]
pub async fn read(state: web::Data<AppState>, who: AuthUser, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = ScoringSchemeId::from(id.into_inner());
    let (found, campaign) = db::run(&state.db, move |conn| {
        let found = model::find_scheme(conn, id)?;
        let campaign = campaigns_model::find_campaign(conn, found.campaign_id)?;
        Ok((found, campaign))
    })
    .await?;
    // A draft campaign's scheme is as invisible as the campaign.
    if !can_see(&who, &campaign) {
        return Err(model::scheme_not_found());
    }
    Ok(HttpResponse::Ok().json(scheme_response(found)?))
}
