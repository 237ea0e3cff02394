//! Campaign progress: each registered unit's actual against its own targets, the province-wide
//! totals against the province's targets, and rankings within each cluster. Actuals are the
//! latest verified report per unit and indicator; the arithmetic is in `domain::progress`. Here:
//! loading its inputs and hiding the targets of units the caller may not read.

use actix_web::{get, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::policy::{self, Action, Decision, Resource};
use crate::auth::AuthUser;
use crate::db;
use crate::domain::campaigns::{Direction, IndicatorKind, RegistrationStatus};
use crate::domain::progress::{
    compute, ClusterInput, IndicatorInput, NotADecimal, ProgressInputs, ProgressResponse, UnitActual, UnitTargets,
};
use crate::error::ApiError;
use crate::http::extract::method_not_allowed;
use crate::models::{achievements, campaigns as model, clusters, registrations};
use crate::openapi::errors::ReadErrors;
use crate::routes::campaigns::visible_campaign;
use crate::routes::clusters::uuid;
use crate::startup::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(progress).route("/campaigns/{id}/progress", method_not_allowed("GET"));
}

/// Progress of a campaign: units against their targets, the province against its targets,
/// and rankings within clusters.
#[utoipa::path(operation_id = "get_campaign_progress", tag = "campaigns", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The campaign's id")),
    responses((status = 200, description = "Progress as of the latest verified reports", body = ProgressResponse), ReadErrors))]
#[get("/campaigns/{id}/progress")]
pub async fn progress(
    state: web::Data<AppState>,
    who: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(campaign_progress(&state, &who, id.into_inner()).await?))
}

/// A campaign's progress as `who` may see it (shared with the progress report).
pub async fn campaign_progress(state: &AppState, who: &AuthUser, id: Uuid) -> Result<ProgressResponse, ApiError> {
    let campaign = visible_campaign(state, who, id).await?;
    let campaign_id = campaign.id.clone();
    let (indicators, registrations, actuals, names, clusters) = db::run(&state.db, move |conn| {
        let indicators = model::list_indicators(conn, &campaign.id)?;
        let registrations = registrations::accepted_registrations(conn, &campaign.id)?;
        let actuals = achievements::latest_verified_values(conn, &campaign.id)?;
        let mut unit_ids: Vec<String> = registrations.iter().map(|r| r.unit_id.clone()).collect();
        unit_ids.extend(actuals.iter().map(|a| a.0.clone()));
        unit_ids.sort();
        unit_ids.dedup();
        let names = model::unit_names(conn, &unit_ids)?;
        let clusters = model::ranking_clusters(conn, &campaign)?;
        Ok((indicators, registrations, actuals, names, clusters))
    })
    .await?;
    let inputs = inputs(&campaign_id, indicators, registrations, actuals, names, clusters)?;
    let mut body = compute(inputs)
        .map_err(|NotADecimal(what)| ApiError::internal(anyhow::anyhow!("stored {what} is not a decimal")))?;
    // Rankings and scores are shared; a unit's targets and actuals are its own (and the
    // province's reviewers').
    for unit in &mut body.units {
        let unit_id = unit.unit_id.to_string();
        if policy::decide(who, Action::Read, Resource::UnitRecord { unit_id: &unit_id }) != Decision::Allow {
            unit.indicators.clear();
        }
    }
    Ok(body)
}

/// The model's rows as the domain's plain inputs; a stored id or enum that does not parse is an
/// error naming its table (it should never happen).
fn inputs(
    campaign_id: &str,
    indicators: Vec<model::Indicator>,
    registrations: Vec<registrations::RegisteredTargets>,
    actuals: Vec<(String, String, String)>,
    names: Vec<(String, String, String)>,
    clusters: Vec<(clusters::Cluster, Vec<String>)>,
) -> Result<ProgressInputs, ApiError> {
    let unknown = |table: &str, column: &str, value: &str| {
        ApiError::internal(anyhow::anyhow!("{table}: stored {column} {value:?} is not known"))
    };
    let indicators = indicators
        .into_iter()
        .map(|i| {
            Ok(IndicatorInput {
                id: uuid(&i.id)?,
                kind: IndicatorKind::parse(&i.kind).ok_or_else(|| unknown("indicators", "kind", &i.kind))?,
                direction: Direction::parse(&i.direction)
                    .ok_or_else(|| unknown("indicators", "direction", &i.direction))?,
                name: i.name,
                unit_of_measure: i.unit_of_measure,
                province_target: i.province_target,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    let registrations = registrations
        .into_iter()
        .map(|r| {
            Ok(UnitTargets {
                unit_id: uuid(&r.unit_id)?,
                status: RegistrationStatus::parse(&r.status)
                    .ok_or_else(|| unknown("registrations", "status", &r.status))?,
                targets: r.targets.into_iter().map(|(i, t)| Ok((uuid(&i)?, t))).collect::<Result<_, ApiError>>()?,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    let actuals = actuals
        .into_iter()
        .map(|(unit, indicator, value)| {
            Ok(UnitActual { unit_id: uuid(&unit)?, indicator_id: uuid(&indicator)?, value })
        })
        .collect::<Result<_, ApiError>>()?;
    let unit_names =
        names.into_iter().map(|(id, code, name)| Ok((uuid(&id)?, (code, name)))).collect::<Result<_, ApiError>>()?;
    let clusters = clusters
        .into_iter()
        .map(|(cluster, members)| {
            Ok(ClusterInput {
                id: uuid(&cluster.id)?,
                name: cluster.name,
                leading_unit_id: cluster.leading_unit_id.as_deref().map(uuid).transpose()?,
                members: members.iter().map(|m| uuid(m)).collect::<Result<_, _>>()?,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(ProgressInputs { campaign_id: uuid(campaign_id)?, indicators, registrations, actuals, unit_names, clusters })
}
