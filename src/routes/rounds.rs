//! Annual rounds (`/rounds`): the board opens a round for a year with its award types,
//! deadline and quotas, and reads each unit's standing against them. The units' dossiers for a
//! round are `routes::dossiers`.

use actix_web::http::header;
use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::policy::{self, Role};
use crate::auth::AuthUser;
use crate::db::journal::Scope;
use crate::db::{self, cursor};
use crate::domain::ids::{AwardTypeId, RoundId, UnitId};
use crate::domain::rounds::{check_percent, check_round, RoundStatus};
use crate::domain::units::today_in_vietnam;
use crate::domain::{check_text, Checks};
use crate::error::ApiError;
use crate::http::extract::{etag, JsonBody, QueryParams};
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::models::rounds::{self as model, RoundDetail};
use crate::openapi::errors::{CreateErrors, ListErrors, ReadErrors};
use crate::routes::shared::run_by_filter;
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes.service(list_rounds).service(create_round).service(read_round).service(round_quotas);
}

/// A quota: at most `percent` of the unit's holders of another title that year (e.g. Chiến sĩ
/// thi đua cơ sở at most 15 % of Lao động tiên tiến, Decree 91/2017 — unconfirmed today).
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuotaRequest {
    /// The title counted as the base (e.g. Lao động tiên tiến).
    pub of_award_type_id: Uuid,
    /// Percent of the base, a decimal string from 0 to 100.
    #[schema(example = "15")]
    pub percent: String,
    /// Căn cứ pháp lý.
    pub legal_basis: Option<String>,
    /// The legal basis could not be confirmed: the report says so.
    #[serde(default)]
    pub unconfirmed: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoundTypeRequest {
    pub award_type_id: Uuid,
    /// Leave out to take the quota of the rules in force today (if they have one).
    pub quota: Option<QuotaRequest>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoundRequest {
    #[schema(example = "Xét khen thưởng cuối năm 2025")]
    pub title: String,
    #[schema(example = 2025, minimum = 1990, maximum = 2200)]
    pub year: i32,
    /// The last day units submit their dossiers (Vietnam's calendar day).
    pub deadline: NaiveDate,
    /// The titles and forms the round takes (1–50), each once. A unit's round takes only those
    /// its level grants (422 `authority_mismatch`).
    pub award_types: Vec<RoundTypeRequest>,
    /// The department or commune whose level runs the round; left out, the province board's —
    /// or, for a unit's admin (`unit_admin`), its own unit's, the only one it may name. A
    /// unit's round takes its own unit's dossier only (422 `outside_level`).
    #[serde(default)]
    pub run_by_unit_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct QuotaResponse {
    pub of_award_type_id: Uuid,
    #[schema(example = "LDTT")]
    pub of_award_type_code: String,
    #[schema(example = "15")]
    pub percent: String,
    pub legal_basis: Option<String>,
    /// The legal basis could not be confirmed.
    pub unconfirmed: bool,
}

#[derive(Serialize, ToSchema)]
pub struct RoundTypeResponse {
    pub award_type_id: Uuid,
    #[schema(example = "CSTD_CO_SO")]
    pub code: String,
    pub name: String,
    pub quota: Option<QuotaResponse>,
}

#[derive(Serialize, ToSchema)]
pub struct RoundResponse {
    pub id: Uuid,
    pub title: String,
    pub year: i32,
    pub deadline: NaiveDate,
    pub status: RoundStatus,
    /// `status` as people read it (Vietnamese).
    pub status_label: &'static str,
    pub award_types: Vec<RoundTypeResponse>,
    /// The department or commune whose level runs it; `null`: the province board.
    pub run_by_unit_id: Option<Uuid>,
    pub version: i32,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

fn round_response(d: RoundDetail) -> Result<RoundResponse, ApiError> {
    let r = d.round;
    let codes: Vec<(AwardTypeId, String)> = d.types.iter().map(|(_, a)| (a.id, a.code.clone())).collect();
    Ok(RoundResponse {
        id: r.id.into(),
        title: r.title,
        year: r.year,
        deadline: r.deadline,
        status: r.status,
        status_label: r.status.label_vi(),
        run_by_unit_id: r.run_by_unit_id.map(Uuid::from),
        award_types: d
            .types
            .into_iter()
            .map(|(t, a)| {
                let quota = match (t.quota_of_award_type_id, t.quota_percent) {
                    (Some(of), Some(percent)) => Some(QuotaResponse {
                        of_award_type_id: of.into(),
                        // The base is named by code when it is in the round; otherwise its id says it.
                        of_award_type_code: codes
                            .iter()
                            .find(|(id, _)| *id == of)
                            .map(|(_, c)| c.clone())
                            .unwrap_or_default(),
                        percent,
                        legal_basis: t.quota_legal_basis,
                        unconfirmed: t.quota_unconfirmed,
                    }),
                    _ => None,
                };
                Ok(RoundTypeResponse { award_type_id: a.id.into(), code: a.code, name: a.name, quota })
            })
            .collect::<Result<_, ApiError>>()?,
        version: r.version,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RoundQuery {
    pub year: Option<i32>,
    /// Only the rounds this department's or commune's level runs.
    pub run_by_unit_id: Option<Uuid>,
    /// `true`: only the province's own rounds; `false`: only units' rounds.
    pub province_level: Option<bool>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RoundPage {
    pub items: Vec<RoundResponse>,
    pub next_cursor: Option<String>,
}

/// Rounds, newest first (everyone signed in: a round is public business).
#[utoipa::path(operation_id = "list_rounds", tag = "rounds", security(("bearer" = [])), params(RoundQuery),
    responses((status = 200, description = "One page of rounds", body = RoundPage), ListErrors))]
#[get("/rounds")]
pub async fn list_rounds(
    state: web::Data<AppState>,
    _who: AuthUser,
    scope: cursor::ListScope,
    query: QueryParams<RoundQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let limit = cursor::limit(query.limit)?;
    let before: Option<Uuid> = query.cursor.as_deref().map(|c| cursor::decode(&scope, c)).transpose()?;
    let run_by = run_by_filter(query.run_by_unit_id, query.province_level)?;
    let (rows, next_cursor) = db::run(&state.db, move |conn| {
        let rows = model::list_rounds(conn, query.year, run_by, before.map(RoundId::from), limit)?;
        let (rows, next) = cursor::page(rows, limit, &scope, |r| r.id.uuid());
        Ok((model::round_details(conn, rows)?, next))
    })
    .await?;
    let items: Vec<_> = rows.into_iter().map(round_response).collect::<Result<_, _>>()?;
    crate::http::page::ok(items.len(), &RoundPage { items, next_cursor })
}

/// Open a round (the board; a unit's admin its own unit's): its year, deadline and award types, each with its quota (given, or
/// the rules' in force today).
#[utoipa::path(operation_id = "create_round", tag = "rounds", security(("bearer" = [])), request_body = RoundRequest,
    responses((status = 201, description = "Opened; `Location` is set", body = RoundResponse), CreateErrors))]
#[post("/rounds")]
pub async fn create_round(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    body: JsonBody<RoundRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[Role::UnitAdmin])?;
    let body = body.0;
    let run_by_unit_id = policy::level_for_new(&who, body.run_by_unit_id.map(UnitId::from))?;
    let mut checks = match check_round(&body.title, body.year, body.deadline, body.award_types.len()) {
        Ok(_) => Checks::default(),
        Err(checks) => checks,
    };
    let mut types = Vec::with_capacity(body.award_types.len());
    for (i, t) in body.award_types.into_iter().enumerate() {
        let quota = match t.quota {
            Some(q) => {
                let percent = check_percent(&format!("award_types[{i}].quota.percent"), &q.percent, &mut checks);
                let legal_basis = q
                    .legal_basis
                    .filter(|b| !b.trim().is_empty())
                    .map(|b| check_text(&format!("award_types[{i}].quota.legal_basis"), &b, 1000, &mut checks));
                percent.map(|p| model::QuotaInput {
                    of_award_type_id: q.of_award_type_id.into(),
                    percent: p.to_string(),
                    legal_basis,
                    unconfirmed: q.unconfirmed,
                })
            }
            None => None,
        };
        types.push(model::NewRoundType { award_type_id: t.award_type_id.into(), quota });
    }
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let checked =
        check_round(&body.title, body.year, body.deadline, types.len()).map_err(|c| ApiError::validation(c.0))?;
    let new =
        model::NewRound { title: checked.title, year: checked.year, deadline: checked.deadline, types, run_by_unit_id };
    let (actor, today) = (who.user_id, today_in_vietnam());
    let body = db::write(&state.db, origin.by(&who), move |conn, journal| {
        let created = round_response(model::create_round(conn, new, actor, today)?)?;
        journal.created("round", created.id, Scope::Registry, &created);
        Ok(created)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/rounds/{}", body.id)))
        .insert_header(etag(body.version))
        .json(body))
}

/// Get a round with its award types and quotas.
#[utoipa::path(operation_id = "get_round", tag = "rounds", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The round's id")),
    responses((status = 200, description = "The round; `ETag` is set", body = RoundResponse), ReadErrors))]
#[get("/rounds/{id}")]
pub async fn read_round(
    state: web::Data<AppState>,
    _who: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = RoundId::from(id.into_inner());
    let body = round_response(db::run(&state.db, move |conn| model::round_detail(conn, id)).await?)?;
    Ok(HttpResponse::Ok().insert_header(etag(body.version)).json(body))
}

#[derive(Serialize, ToSchema)]
pub struct UnitQuotaResponse {
    pub unit_id: Uuid,
    /// The limited title (e.g. Chiến sĩ thi đua cơ sở).
    pub award_type_id: Uuid,
    /// The base title (e.g. Lao động tiên tiến).
    pub of_award_type_id: Uuid,
    #[schema(example = "15")]
    pub percent: String,
    /// The unit's people holding the base title that year or proposed for it (each once).
    pub base: u32,
    /// `percent` of `base`, rounded down.
    pub allowed: u32,
    /// The unit's nominations for the limited title that year still in the running (drafts up to
    /// decided).
    pub used: u32,
    pub exceeded: bool,
    pub legal_basis: Option<String>,
    /// The quota's legal basis is unconfirmed: the board should check it before relying on it.
    pub unconfirmed: bool,
}

#[derive(Serialize, ToSchema)]
pub struct RoundQuotaReport {
    pub round_id: Uuid,
    pub year: i32,
    /// One row per unit with a dossier and per quota of the round.
    pub items: Vec<UnitQuotaResponse>,
}

/// Each unit's standing against each quota of the round: the board and province-level readers
/// see every unit with a dossier, anyone of a unit their own unit's.
#[utoipa::path(operation_id = "get_round_quotas", tag = "rounds", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The round's id")),
    responses((status = 200, description = "The quota report", body = RoundQuotaReport), ReadErrors))]
#[get("/rounds/{id}/quotas")]
pub async fn round_quotas(
    state: web::Data<AppState>,
    who: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let unit = policy::listed_unit(&who, None)?;
    let id = RoundId::from(id.into_inner());
    let (round, rows) =
        db::run(&state.db, move |conn| Ok((model::find_round(conn, id)?, model::quotas(conn, id, unit)?))).await?;
    let items = rows
        .into_iter()
        .map(|q| {
            Ok(UnitQuotaResponse {
                unit_id: q.unit_id.into(),
                award_type_id: q.award_type_id.into(),
                of_award_type_id: q.of_award_type_id.into(),
                percent: q.percent,
                base: q.standing.base,
                allowed: q.standing.allowed,
                used: q.standing.used,
                exceeded: q.standing.exceeded,
                legal_basis: q.legal_basis,
                unconfirmed: q.unconfirmed,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(HttpResponse::Ok().json(RoundQuotaReport { round_id: round.id.into(), year: round.year, items }))
}
