//! Reward money: the base salary (lương cơ sở) levels the board keeps, and each unit's reward
//! fund (quỹ thi đua, khen thưởng) by year. Bonuses are computed when a decision is issued
//! (`models::decisions::issue`); a decision that names its paying unit charges that unit's fund.
//! A unit's fund is its record: its people and province-level readers read it, another unit's
//! officers get 404; the board writes income and adjustments.

use actix_web::http::header;
use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::policy::{self, Action, Resource};
use crate::auth::AuthUser;
use crate::db;
use crate::db::journal::Scope;
use crate::domain::display::money_vnd;
use crate::domain::ids::UnitId;
use crate::domain::money::{amount_fits, FundEntryKind};
use crate::domain::units::today_in_vietnam;
use crate::domain::{check_text, Checks};
use crate::error::{ApiError, ErrorCode};
use crate::http::extract::{JsonBody, QueryParams};
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::models::reward_money::{self as model, BaseSalary, NewFundEntry};
use crate::openapi::errors::{CreateErrors, ListErrors, ReadErrors};
use crate::routes::shared::FundEntryResponse;
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes.service(list_base_salaries).service(add_base_salary).service(read_fund).service(add_fund_entry);
}

#[derive(Serialize, ToSchema)]
pub struct BaseSalaryResponse {
    pub id: Uuid,
    /// The day this level took effect; it holds until the next level's.
    pub effective_from: NaiveDate,
    #[schema(example = 2340000)]
    pub amount_vnd: i64,
    /// `amount_vnd` as people read it.
    #[schema(example = "2.340.000 đ")]
    pub amount_text: String,
    #[schema(example = "Nghị định 73/2024/NĐ-CP, Điều 3")]
    pub legal_basis: String,
}

fn base_salary_response(b: BaseSalary) -> BaseSalaryResponse {
    BaseSalaryResponse {
        id: b.id.uuid(),
        effective_from: b.effective_from,
        amount_text: money_vnd(b.amount_vnd),
        amount_vnd: b.amount_vnd,
        legal_basis: b.legal_basis,
    }
}

#[derive(Serialize, ToSchema)]
pub struct BaseSalaryList {
    /// Oldest first.
    pub items: Vec<BaseSalaryResponse>,
}

/// The base salary levels, oldest first: a bonus uses the level in force on its decision's date.
#[utoipa::path(operation_id = "list_base_salaries", tag = "reward-money", security(("bearer" = [])),
    responses((status = 200, description = "Every level", body = BaseSalaryList), ListErrors))]
#[get("/base-salaries")]
pub async fn list_base_salaries(state: web::Data<AppState>, who: AuthUser) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, Action::Read, Resource::Registry)?;
    let levels = db::run(&state.db, model::base_salaries).await?;
    Ok(HttpResponse::Ok().json(BaseSalaryList { items: levels.into_iter().map(base_salary_response).collect() }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BaseSalaryRequest {
    pub effective_from: NaiveDate,
    /// In đồng, positive.
    #[schema(example = 2340000, minimum = 1)]
    pub amount_vnd: i64,
    /// The decree that sets it.
    #[schema(example = "Nghị định 73/2024/NĐ-CP, Điều 3")]
    pub legal_basis: String,
}

/// Add a base salary level (the board), when the Government sets a new one. One per date.
#[utoipa::path(operation_id = "add_base_salary", tag = "reward-money", security(("bearer" = [])), request_body = BaseSalaryRequest,
    responses((status = 201, description = "Added", body = BaseSalaryResponse), CreateErrors))]
#[post("/base-salaries")]
pub async fn add_base_salary(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    body: JsonBody<BaseSalaryRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, Action::Create, Resource::Registry)?;
    let body = body.0;
    let mut checks = Checks::default();
    let legal_basis = check_text("legal_basis", &body.legal_basis, 500, &mut checks);
    if body.amount_vnd <= 0 {
        checks.fail("amount_vnd", ErrorCode::OutOfRange, "must be a positive number of đồng");
    }
    crate::domain::check_date("effective_from", Some(body.effective_from), &mut checks);
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let added = db::write(&state.db, origin.by(&who), move |conn, journal| {
        let added =
            base_salary_response(model::add_base_salary(conn, body.effective_from, body.amount_vnd, &legal_basis)?);
        journal.created("base_salary", added.id, Scope::Registry, &added);
        Ok(added)
    })
    .await?;
    Ok(HttpResponse::Created().json(added))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FundQuery {
    /// The year (default: this year, in Vietnam).
    #[param(minimum = 1990, maximum = 2100)]
    pub year: Option<i32>,
}

/// A unit's reward fund in one year: what it carried over, the year's entries and totals.
#[derive(Serialize, ToSchema)]
pub struct FundResponse {
    pub unit_id: Uuid,
    pub year: i32,
    /// The balance at the end of the years before.
    pub carried_over_vnd: i64,
    pub income_vnd: i64,
    /// Paid out as bonuses (a negative number or 0).
    pub payouts_vnd: i64,
    pub adjustments_vnd: i64,
    /// `carried_over_vnd` plus the year's entries.
    pub balance_vnd: i64,
    /// `balance_vnd` as people read it.
    #[schema(example = "12.500.000 đ")]
    pub balance_text: String,
    /// The year's entries, by date.
    pub entries: Vec<FundEntryResponse>,
}

/// A unit's reward fund ledger for a year, with its balance.
#[utoipa::path(operation_id = "read_reward_fund", tag = "reward-money", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The unit's id"), FundQuery),
    responses((status = 200, description = "The fund's year", body = FundResponse), ReadErrors))]
#[get("/units/{id}/reward-fund")]
pub async fn read_fund(
    state: web::Data<AppState>,
    who: AuthUser,
    id: web::Path<Uuid>,
    query: QueryParams<FundQuery>,
) -> Result<HttpResponse, ApiError> {
    let unit_id = UnitId::from(id.into_inner());
    policy::authorize(&who, Action::Read, Resource::UnitRecord { unit_id })?;
    let year = fund_year_param(query.0.year)?;
    let fund = db::run(&state.db, move |conn| {
        model::require_unit(conn, unit_id)?;
        model::fund_year(conn, unit_id, year)
    })
    .await?;
    let sum_of = |kind: FundEntryKind| fund.entries.iter().filter(|e| e.kind == kind).map(|e| e.amount_vnd).sum();
    let (income_vnd, payouts_vnd, adjustments_vnd): (i64, i64, i64) =
        (sum_of(FundEntryKind::Income), sum_of(FundEntryKind::Payout), sum_of(FundEntryKind::Adjustment));
    let balance_vnd = fund.carried_over_vnd + income_vnd + payouts_vnd + adjustments_vnd;
    Ok(HttpResponse::Ok().json(FundResponse {
        unit_id: unit_id.uuid(),
        year,
        carried_over_vnd: fund.carried_over_vnd,
        income_vnd,
        payouts_vnd,
        adjustments_vnd,
        balance_vnd,
        balance_text: money_vnd(balance_vnd),
        entries: fund.entries.into_iter().map(FundEntryResponse::from).collect(),
    }))
}

fn fund_year_param(year: Option<i32>) -> Result<i32, ApiError> {
    use chrono::Datelike;
    match year {
        None => Ok(today_in_vietnam().year()),
        Some(y) if (1990..=2100).contains(&y) => Ok(y),
        Some(_) => Err(ApiError::bad_query_because("year", ErrorCode::OutOfRange, "must be between 1990 and 2100")),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FundEntryRequest {
    /// `income` or `adjustment`: payouts are written by the decisions that grant bonuses.
    pub kind: FundEntryKind,
    /// In đồng: positive for income; an adjustment's sign says which way, never 0.
    #[schema(example = 50000000)]
    pub amount_vnd: i64,
    #[schema(example = "Dự toán ngân sách cấp cho quỹ thi đua, khen thưởng năm 2026")]
    pub description: String,
    /// The entry's date; its year is the ledger year it counts in. Not in the future.
    pub entry_date: NaiveDate,
}

/// Record income into a unit's reward fund, or an adjustment (the board).
#[utoipa::path(operation_id = "add_reward_fund_entry", tag = "reward-money", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The unit's id")), request_body = FundEntryRequest,
    responses((status = 201, description = "Recorded", body = FundEntryResponse,
        headers(("Location" = String, description = "The unit's fund for the entry's year"))), CreateErrors))]
#[post("/units/{id}/reward-fund/entries")]
pub async fn add_fund_entry(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    id: web::Path<Uuid>,
    body: JsonBody<FundEntryRequest>,
) -> Result<HttpResponse, ApiError> {
    let unit_id = UnitId::from(id.into_inner());
    // Reading first: another unit's officer learns nothing (404), its own officers get 403.
    policy::authorize(&who, Action::Read, Resource::UnitRecord { unit_id })?;
    policy::require_any(&who, &[])?;
    let body = body.0;
    let mut checks = Checks::default();
    let description = check_text("description", &body.description, 500, &mut checks);
    if body.kind == FundEntryKind::Payout {
        checks.fail("kind", ErrorCode::InvalidChoice, "payouts are recorded by the decisions that grant bonuses");
    } else if !amount_fits(body.kind, body.amount_vnd) {
        checks.fail("amount_vnd", ErrorCode::OutOfRange, "income is positive; an adjustment is not 0");
    }
    if body.entry_date > today_in_vietnam() {
        checks.fail("entry_date", ErrorCode::InFuture, "an entry is recorded once it happened");
    }
    crate::domain::check_date("entry_date", Some(body.entry_date), &mut checks);
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let (actor, kind, amount_vnd, entry_date) = (who.user_id, body.kind, body.amount_vnd, body.entry_date);
    let added = db::write(&state.db, origin.by(&who), move |conn, journal| {
        model::require_unit(conn, unit_id)?;
        let new =
            NewFundEntry { unit_id, kind, amount_vnd, description, entry_date, decision_id: None, award_id: None };
        let added = FundEntryResponse::from(model::add_entry(conn, new, actor)?);
        journal.created("reward_fund_entry", added.id, Scope::Unit(unit_id), &added);
        Ok(added)
    })
    .await?;
    let location = format!("/api/v1/units/{}/reward-fund?year={}", added.unit_id, added.year);
    Ok(HttpResponse::Created().insert_header((header::LOCATION, location)).json(added))
}
