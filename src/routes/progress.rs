//! Campaign progress: each registered unit's actual against its own targets, the province-wide
//! totals against the province's targets, and rankings within each cluster. Actuals are the
//! latest verified report per unit and indicator; the arithmetic is in `domain::campaigns`.

use std::collections::HashMap;

use actix_web::{get, web, HttpResponse};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::policy::{self, Action, Decision, Resource};
use crate::auth::AuthUser;
use crate::db;
use crate::domain::campaigns::{
    completion, decimal_text, overall_score, province_actual, rank, stored_decimal, Direction, IndicatorKind,
    RegistrationStatus,
};
use crate::error::ApiError;
use crate::http::register::Routes;
use crate::models::{achievements, campaigns as model, clusters, registrations};
use crate::openapi::errors::ReadErrors;
use crate::routes::shared::{uuid, visible_campaign};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes.service(progress);
}

/// Decimals are strings; completions and scores are percentages with two decimals.
#[derive(Serialize, ToSchema)]
pub struct IndicatorProgress {
    pub indicator_id: Uuid,
    pub name: String,
    pub unit_of_measure: String,
    pub kind: IndicatorKind,
    pub direction: Direction,
    pub province_target: Option<String>,
    /// Sum of the units' actuals (mean for percentages).
    pub province_actual: String,
    /// Against `province_target`, when there is one.
    pub province_completion: Option<String>,
    /// Units with a verified value.
    pub units_reporting: usize,
}

#[derive(Serialize, ToSchema)]
pub struct UnitIndicatorProgress {
    pub indicator_id: Uuid,
    pub target: String,
    /// Latest verified value; null before any.
    pub actual: Option<String>,
    /// Percent of the target, uncapped.
    pub completion: String,
}

#[derive(Serialize, ToSchema)]
pub struct UnitProgress {
    /// Province-wide rank by overall score (ties share a rank).
    pub rank: u32,
    pub unit_id: Uuid,
    pub unit_code: String,
    pub unit_name: String,
    pub registration_status: RegistrationStatus,
    /// Mean of the indicators' completion, each capped at 100.
    pub overall_score: String,
    /// Targets and actuals; empty for other units when the caller acts for a unit.
    pub indicators: Vec<UnitIndicatorProgress>,
}

#[derive(Serialize, ToSchema)]
pub struct RankedUnit {
    pub rank: u32,
    pub unit_id: Uuid,
    pub unit_name: String,
    pub overall_score: String,
}

#[derive(Serialize, ToSchema)]
pub struct ClusterRanking {
    pub cluster_id: Uuid,
    pub name: String,
    pub leading_unit_id: Option<Uuid>,
    /// The cluster's registered members, best first.
    pub ranking: Vec<RankedUnit>,
}

#[derive(Serialize, ToSchema)]
pub struct ProgressResponse {
    pub campaign_id: Uuid,
    pub indicators: Vec<IndicatorProgress>,
    pub units: Vec<UnitProgress>,
    pub clusters: Vec<ClusterRanking>,
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
    let mut body = compute(&campaign_id, indicators, registrations, actuals, names, clusters)?;
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

fn compute(
    campaign_id: &str,
    indicators: Vec<model::Indicator>,
    registrations: Vec<registrations::RegisteredTargets>,
    actuals: Vec<(String, String, String)>,
    names: Vec<(String, String, String)>,
    clusters: Vec<(clusters::Cluster, Vec<String>)>,
) -> Result<ProgressResponse, ApiError> {
    let bad = |what: &str| ApiError::internal(anyhow::anyhow!("stored {what} is not a decimal"));
    let actual: HashMap<(&str, &str), Decimal> = actuals
        .iter()
        .map(|(u, i, v)| Ok(((u.as_str(), i.as_str()), stored_decimal(v).ok_or_else(|| bad("value"))?)))
        .collect::<Result<_, ApiError>>()?;
    let spec: HashMap<&str, (IndicatorKind, Direction)> = indicators
        .iter()
        .map(|i| {
            (
                i.id.as_str(),
                (
                    IndicatorKind::parse(&i.kind).unwrap_or(IndicatorKind::Quantity),
                    Direction::parse(&i.direction).unwrap_or(Direction::HigherIsBetter),
                ),
            )
        })
        .collect();
    let name_of: HashMap<&str, (&str, &str)> =
        names.iter().map(|(id, code, name)| (id.as_str(), (code.as_str(), name.as_str()))).collect();

    let mut units = Vec::with_capacity(registrations.len());
    let mut scores: Vec<(String, Decimal)> = Vec::with_capacity(registrations.len());
    for registrations::RegisteredTargets { unit_id, status, targets } in &registrations {
        let mut rows = Vec::with_capacity(targets.len());
        let mut completions = Vec::with_capacity(targets.len());
        for (indicator_id, target) in targets {
            let Some((kind, direction)) = spec.get(indicator_id.as_str()) else { continue };
            let target_value = stored_decimal(target).ok_or_else(|| bad("target"))?;
            let got = actual.get(&(unit_id.as_str(), indicator_id.as_str())).copied();
            let done = completion(*kind, *direction, target_value, got);
            completions.push(done);
            rows.push(UnitIndicatorProgress {
                indicator_id: uuid(indicator_id)?,
                target: target.clone(),
                actual: got.map(decimal_text),
                completion: decimal_text(done),
            });
        }
        let score = overall_score(&completions);
        scores.push((unit_id.clone(), score));
        let (code, name) = name_of.get(unit_id.as_str()).copied().unwrap_or(("", ""));
        units.push(UnitProgress {
            rank: 0,
            unit_id: uuid(unit_id)?,
            unit_code: code.to_string(),
            unit_name: name.to_string(),
            registration_status: RegistrationStatus::parse(status).unwrap_or(RegistrationStatus::Draft),
            overall_score: decimal_text(score),
            indicators: rows,
        });
    }
    // Province-wide ranking, best first. `scores` and `units` are in the same order.
    let indexed: Vec<(usize, Decimal)> = scores.iter().enumerate().map(|(i, (_, score))| (i, *score)).collect();
    let mut slots: Vec<Option<UnitProgress>> = units.into_iter().map(Some).collect();
    let mut ordered = Vec::with_capacity(slots.len());
    for (position, index, _) in rank(&indexed) {
        let mut unit = slots[index].take().expect("each unit is ranked once");
        unit.rank = position;
        ordered.push(unit);
    }

    let indicator_rows = indicators
        .iter()
        .map(|i| {
            let (kind, direction) = spec[i.id.as_str()];
            let values: Vec<Decimal> = actual.iter().filter(|((_, ind), _)| *ind == i.id).map(|(_, v)| *v).collect();
            let total = province_actual(kind, &values);
            let target = i
                .province_target
                .as_deref()
                .map(|t| stored_decimal(t).ok_or_else(|| bad("province target")))
                .transpose()?;
            Ok(IndicatorProgress {
                indicator_id: uuid(&i.id)?,
                name: i.name.clone(),
                unit_of_measure: i.unit_of_measure.clone(),
                kind,
                direction,
                province_target: i.province_target.clone(),
                province_actual: decimal_text(total),
                // For yes/no, the province target counts units, so it compares like a quantity.
                province_completion: target.map(|t| {
                    let counted_as = if kind == IndicatorKind::YesNo { IndicatorKind::Quantity } else { kind };
                    decimal_text(completion(counted_as, direction, t, Some(total)))
                }),
                units_reporting: values.len(),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;

    let score_of: HashMap<&str, Decimal> = scores.iter().map(|(u, s)| (u.as_str(), *s)).collect();
    let cluster_rows = clusters
        .into_iter()
        .map(|(cluster, members)| {
            let member_scores: Vec<(String, Decimal)> =
                members.iter().filter_map(|m| score_of.get(m.as_str()).map(|s| (m.clone(), *s))).collect();
            let ranking = rank(&member_scores)
                .into_iter()
                .map(|(position, unit_id, score)| {
                    Ok(RankedUnit {
                        rank: position,
                        unit_name: name_of.get(unit_id.as_str()).map(|(_, n)| n.to_string()).unwrap_or_default(),
                        unit_id: uuid(&unit_id)?,
                        overall_score: decimal_text(score),
                    })
                })
                .collect::<Result<_, ApiError>>()?;
            Ok(ClusterRanking {
                cluster_id: uuid(&cluster.id)?,
                name: cluster.name,
                leading_unit_id: cluster.leading_unit_id.as_deref().map(uuid).transpose()?,
                ranking,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;

    Ok(ProgressResponse {
        campaign_id: uuid(campaign_id)?,
        indicators: indicator_rows,
        units: ordered,
        clusters: cluster_rows,
    })
}
