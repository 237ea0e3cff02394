//! Emulation campaigns (phong trào thi đua, đợt thi đua): the plan, who takes part, the
//! lifecycle from draft to launch to final review, and the indicators units commit to.
//! The level running a campaign writes (the board; a unit's admin its own unit's, `run_by_unit_id`); everyone signed in reads launched campaigns. Drafts are the
//! board's working copies and answer 404 to anyone else.

use actix_web::http::header;
use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::policy::{self, Action, Resource, Role};
use crate::auth::AuthUser;
use crate::db::journal::Scope;
use crate::db::{self, cursor};
use crate::domain::campaigns::{
    check_campaign_dates, check_close_reason, check_province_target, decimal_text, CampaignAction, CampaignDates,
    CampaignKind, CampaignStatus, Direction, IndicatorKind, Participation,
};
use crate::domain::ids::{CampaignId, IndicatorId, UnitId};
use crate::domain::{check_text, text, Checks};
use crate::error::{ApiError, ErrorCode};
use crate::http::extract::{etag, if_match_version, required_if_match, JsonBody, QueryParams};
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::models::campaigns::{
    self as model, CampaignDetail, CampaignFields, CampaignFilter, Drafts, Indicator, NewIndicator,
};
use crate::openapi::errors::{CreateErrors, ListErrors, ReadErrors, ReplaceErrors, WriteErrors};
use crate::routes::shared::{runs_campaign, visible_campaign};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes
        .service(list)
        .service(create)
        .service(read)
        .service(replace)
        .service(launch)
        .service(close)
        .service(cancel)
        .service(list_indicators)
        .service(add_indicator)
        .service(remove_indicator);
}

/// A campaign as created or replaced. Dates are YYYY-MM-DD.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignRequest {
    #[schema(
        example = "100 ngày đêm lao động sáng tạo, thiết thực lập thành tích chào mừng kỷ niệm 25 năm Ngày tái lập tỉnh Bắc Kạn"
    )]
    pub title: String,
    #[schema(value_type = CampaignKind)]
    pub kind: String,
    pub description: Option<String>,
    /// The plan document (kế hoạch): number, date, signer.
    #[schema(example = "125/KH-UBND")]
    pub plan_number: Option<String>,
    pub plan_date: Option<NaiveDate>,
    pub plan_signer: Option<String>,
    #[schema(example = "Chủ tịch UBND tỉnh Bắc Kạn")]
    pub launching_authority: String,
    pub scope: Option<String>,
    #[schema(required = true, value_type = NaiveDate)]
    pub start_date: Option<NaiveDate>,
    /// On or after `start_date`.
    #[schema(required = true, value_type = NaiveDate)]
    pub end_date: Option<NaiveDate>,
    /// Registrations are accepted until this day (inclusive).
    pub registration_deadline: Option<NaiveDate>,
    /// Sơ kết.
    pub interim_review_on: Option<NaiveDate>,
    /// Tổng kết.
    pub final_review_on: Option<NaiveDate>,
    #[schema(value_type = Participation)]
    pub participation: String,
    /// Required (non-empty) with participation `units`, not allowed otherwise.
    #[serde(default)]
    pub unit_ids: Vec<Uuid>,
    /// Required (non-empty) with participation `clusters`, not allowed otherwise.
    #[serde(default)]
    pub cluster_ids: Vec<Uuid>,
    /// The department or commune whose level runs the campaign (its Chủ tịch or head launches
    /// it, Law Art 18); left out, the province board's — or, for a unit's admin
    /// (`unit_admin`), its own unit's, the only one it may name. A unit's campaign has the unit
    /// itself taking part (`participation` `units`, `unit_ids` its id; 422 `outside_level`
    /// otherwise). Fixed once created: a replace may repeat it, not change it.
    pub run_by_unit_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct TransitionResponse {
    pub from_status: CampaignStatus,
    /// `from_status` as people read it (Vietnamese).
    pub from_status_label: &'static str,
    pub to_status: CampaignStatus,
    /// `to_status` as people read it (Vietnamese).
    pub to_status_label: &'static str,
    pub actor_id: Uuid,
    pub reason: Option<String>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub at: chrono::DateTime<chrono::Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct CampaignResponse {
    pub id: Uuid,
    pub title: String,
    pub kind: CampaignKind,
    /// `kind` as people read it (Vietnamese).
    pub kind_label: &'static str,
    pub description: Option<String>,
    pub plan_number: Option<String>,
    pub plan_date: Option<NaiveDate>,
    pub plan_signer: Option<String>,
    pub launching_authority: String,
    pub scope: Option<String>,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub registration_deadline: Option<NaiveDate>,
    pub interim_review_on: Option<NaiveDate>,
    pub final_review_on: Option<NaiveDate>,
    pub participation: Participation,
    /// `participation` as people read it (Vietnamese).
    pub participation_label: &'static str,
    pub unit_ids: Vec<Uuid>,
    pub cluster_ids: Vec<Uuid>,
    /// The department or commune whose level runs it; `null`: the province board.
    pub run_by_unit_id: Option<Uuid>,
    pub status: CampaignStatus,
    /// `status` as people read it (Vietnamese).
    pub status_label: &'static str,
    /// Every change of status: who, when, why.
    pub history: Vec<TransitionResponse>,
    pub version: i32,
    pub created_by: Uuid,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<CampaignDetail> for CampaignResponse {
    fn from(d: CampaignDetail) -> CampaignResponse {
        let c = d.campaign;
        let history = d
            .history
            .into_iter()
            .map(|t| TransitionResponse {
                from_status: t.from_status,
                from_status_label: t.from_status.label_vi(),
                to_status: t.to_status,
                to_status_label: t.to_status.label_vi(),
                actor_id: t.actor_id.into(),
                reason: t.reason,
                at: t.at,
            })
            .collect();
        CampaignResponse {
            id: c.id.into(),
            kind: c.kind,
            kind_label: c.kind.label_vi(),
            participation: c.participation,
            participation_label: c.participation.label_vi(),
            status: c.status,
            status_label: c.status.label_vi(),
            unit_ids: d.unit_ids.into_iter().map(Uuid::from).collect(),
            cluster_ids: d.cluster_ids.into_iter().map(Uuid::from).collect(),
            run_by_unit_id: c.run_by_unit_id.map(Uuid::from),
            created_by: c.created_by.into(),
            history,
            title: c.title,
            description: c.description,
            plan_number: c.plan_number,
            plan_date: c.plan_date,
            plan_signer: c.plan_signer,
            launching_authority: c.launching_authority,
            scope: c.scope,
            start_date: c.start_date,
            end_date: c.end_date,
            registration_deadline: c.registration_deadline,
            interim_review_on: c.interim_review_on,
            final_review_on: c.final_review_on,
            version: c.version,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

fn campaign_ok(d: CampaignDetail) -> Result<HttpResponse, ApiError> {
    let body = CampaignResponse::from(d);
    Ok(HttpResponse::Ok().insert_header(etag(body.version)).json(body))
}

/// Optional free text: trimmed, NFC; blank means none.
fn optional_text(field: &str, value: Option<String>, max: usize, checks: &mut Checks) -> Option<String> {
    value.filter(|v| !v.trim().is_empty()).map(|v| check_text(field, &v, max, checks))
}

fn fields(body: CampaignRequest) -> Result<CampaignFields, ApiError> {
    let mut checks = Checks::default();
    let title = check_text("title", &body.title, 500, &mut checks);
    let kind = CampaignKind::parse(&body.kind);
    if kind.is_none() {
        checks.fail("kind", ErrorCode::InvalidChoice, "must be thuong_xuyen or chuyen_de");
    }
    let participation = Participation::parse(&body.participation);
    if participation.is_none() {
        checks.fail(
            "participation",
            ErrorCode::InvalidChoice,
            "must be one of all_units, all_departments, all_communes, units, clusters",
        );
    }
    let launching_authority = check_text("launching_authority", &body.launching_authority, 300, &mut checks);
    let description = body.description.map(|d| crate::domain::text::normalize_block(&d)).filter(|d| !d.is_empty());
    if description.as_ref().is_some_and(|d| d.chars().count() > 20_000) {
        checks.fail("description", ErrorCode::TooLong, "must be at most 20000 characters");
    }
    let plan_number = optional_text("plan_number", body.plan_number, 100, &mut checks);
    let plan_signer = optional_text("plan_signer", body.plan_signer, 200, &mut checks);
    let scope = optional_text("scope", body.scope, 2000, &mut checks);
    check_campaign_dates(
        &CampaignDates {
            start: body.start_date,
            end: body.end_date,
            registration_deadline: body.registration_deadline,
            interim_review_on: body.interim_review_on,
            final_review_on: body.final_review_on,
            plan_date: body.plan_date,
        },
        &mut checks,
    );
    let unit_ids = sorted_unique("unit_ids", &body.unit_ids, &mut checks);
    let cluster_ids = sorted_unique("cluster_ids", &body.cluster_ids, &mut checks);
    let run_by_unit_id = body.run_by_unit_id.map(UnitId::from);
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let (Some(start_date), Some(end_date), Some(participation), Some(kind)) =
        (body.start_date, body.end_date, participation, kind)
    else {
        return Err(ApiError::validation(checks.0));
    };
    Ok(CampaignFields {
        title,
        kind,
        description,
        plan_number,
        plan_date: body.plan_date,
        plan_signer,
        launching_authority,
        scope,
        start_date,
        end_date,
        registration_deadline: body.registration_deadline,
        interim_review_on: body.interim_review_on,
        final_review_on: body.final_review_on,
        participation,
        unit_ids,
        cluster_ids,
        run_by_unit_id,
    })
}

/// Ids in the order they are stored (sorted), each listed once; a repeat is a field error.
fn sorted_unique<Id: From<Uuid> + Ord>(field: &str, ids: &[Uuid], checks: &mut Checks) -> Vec<Id> {
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].contains(id) {
            checks.fail(&format!("{field}[{i}]"), ErrorCode::Duplicate, "is listed twice");
        }
    }
    let mut sorted: Vec<Id> = ids.iter().copied().map(Id::from).collect();
    sorted.sort();
    sorted.dedup();
    sorted
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CampaignQuery {
    #[param(inline)]
    pub status: Option<CampaignStatus>,
    #[param(inline)]
    pub kind: Option<CampaignKind>,
    /// Part of the title, ignoring case and diacritics.
    pub q: Option<String>,
    /// Only the campaigns this department's or commune's level runs.
    pub run_by_unit_id: Option<Uuid>,
    /// `true`: only the province's own campaigns; `false`: only units' campaigns.
    pub province_level: Option<bool>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CampaignPage {
    pub items: Vec<CampaignResponse>,
    pub next_cursor: Option<String>,
}

/// List campaigns, newest first (drafts only for admins).
#[utoipa::path(operation_id = "list_campaigns", tag = "campaigns", security(("bearer" = [])), params(CampaignQuery),
    responses((status = 200, description = "One page of campaigns", body = CampaignPage), ListErrors))]
#[get("/campaigns")]
pub async fn list(
    state: web::Data<AppState>,
    who: AuthUser,
    scope: cursor::ListScope,
    query: QueryParams<CampaignQuery>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, Action::Read, Resource::Registry)?;
    let query = query.0;
    let limit = cursor::limit(query.limit)?;
    let filter = CampaignFilter {
        status: query.status,
        kind: query.kind,
        drafts: if who.has(Role::Admin) {
            Drafts::All
        } else {
            who.unit_id.filter(|_| who.has(Role::UnitAdmin)).map_or(Drafts::Hidden, Drafts::OfLevel)
        },
        run_by: crate::routes::shared::run_by_filter(query.run_by_unit_id, query.province_level)?,
        search: query.q.as_deref().map(text::fold).filter(|q| !q.is_empty()),
        before_id: query.cursor.as_deref().map(|c| cursor::decode(&scope, c)).transpose()?,
        limit,
    };
    let rows = db::run(&state.db, move |conn| {
        let rows = model::list_campaigns(conn, &filter)?;
        let (rows, next) = cursor::page(rows, limit, &scope, |c| c.id);
        let details = rows.iter().map(|c| model::campaign_detail(conn, c.id)).collect::<Result<Vec<_>, _>>()?;
        Ok((details, next))
    })
    .await?;
    let (details, next_cursor) = rows;
    let items: Vec<_> = details.into_iter().map(CampaignResponse::from).collect();
    crate::http::page::ok(items.len(), &CampaignPage { items, next_cursor })
}

/// Create a campaign as a draft (admins; a unit's admin its own unit's).
#[utoipa::path(operation_id = "create_campaign", tag = "campaigns", security(("bearer" = [])), request_body = CampaignRequest,
    responses((status = 201, description = "Created as a draft; `Location` and `ETag` are set", body = CampaignResponse), CreateErrors))]
#[post("/campaigns")]
pub async fn create(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    body: JsonBody<CampaignRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[Role::UnitAdmin])?;
    let mut fields = fields(body.0)?;
    fields.run_by_unit_id = policy::level_for_new(&who, fields.run_by_unit_id)?;
    let actor = who.user_id;
    let body = db::write(&state.db, origin.by(&who), move |conn, journal| {
        let created = CampaignResponse::from(model::create_campaign(conn, fields, actor)?);
        journal.created("campaign", created.id, Scope::Registry, &created);
        Ok(created)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/campaigns/{}", body.id)))
        .insert_header(etag(body.version))
        .json(body))
}

/// Get a campaign with its history.
#[utoipa::path(operation_id = "get_campaign", tag = "campaigns", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The campaign's id")),
    responses((status = 200, description = "The campaign; `ETag` is set", body = CampaignResponse), ReadErrors))]
#[get("/campaigns/{id}")]
pub async fn read(state: web::Data<AppState>, who: AuthUser, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let campaign = visible_campaign(&state, &who, id.into_inner()).await?;
    campaign_ok(db::run(&state.db, move |conn| model::campaign_detail(conn, campaign.id)).await?)
}

/// Replace a campaign's plan (who runs its level). Who takes part is fixed once launched; closed and
/// cancelled campaigns no longer change (409).
#[utoipa::path(operation_id = "replace_campaign", tag = "campaigns", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The campaign's id"), ("If-Match" = String, Header, description = "The `ETag` last read (required)")),
    request_body = CampaignRequest,
    responses((status = 200, description = "Replaced; the new `ETag` is set", body = CampaignResponse), ReplaceErrors))]
#[put("/campaigns/{id}")]
pub async fn replace(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<CampaignRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[Role::UnitAdmin])?;
    let expected = required_if_match(&req)?;
    let fields = fields(body.0)?;
    let id = CampaignId::from(id.into_inner());
    let caller = who.0.clone();
    let body = db::write(&state.db, origin.by(&who), move |conn, journal| {
        model::lock_campaign(conn, id)?;
        let before = CampaignResponse::from(runs_campaign(conn, &caller, id)?);
        let after = CampaignResponse::from(model::update_campaign(conn, id, fields, expected)?);
        journal.updated("campaign", id, Scope::Registry, &before, &after);
        Ok(after)
    })
    .await?;
    Ok(HttpResponse::Ok().insert_header(etag(body.version)).json(body))
}

/// Why a campaign changes status; required to cancel.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    /// Required to cancel, and to close before the campaign's end date.
    pub reason: Option<String>,
}

async fn transition(
    state: &AppState,
    who: &AuthUser,
    origin: RequestOrigin,
    req: &HttpRequest,
    id: Uuid,
    action: CampaignAction,
    body: TransitionRequest,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(who, &[Role::UnitAdmin])?;
    let expected = if_match_version(req)?;
    let mut checks = Checks::default();
    let reason = optional_text("reason", body.reason, 2000, &mut checks);
    if action == CampaignAction::Cancel && reason.is_none() {
        checks.fail("reason", ErrorCode::Required, "say why the campaign is cancelled");
    }
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let (id, actor) = (CampaignId::from(id), who.user_id);
    let verb = match action {
        CampaignAction::Launch => "launched",
        CampaignAction::Close => "closed",
        CampaignAction::Cancel => "cancelled",
    };
    let today = crate::domain::units::today_in_vietnam();
    let caller = who.0.clone();
    let body = db::write(&state.db, origin.by(who), move |conn, journal| {
        model::lock_campaign(conn, id)?;
        let before = CampaignResponse::from(runs_campaign(conn, &caller, id)?);
        if action == CampaignAction::Close && before.status == CampaignStatus::Launched {
            let mut checks = Checks::default();
            check_close_reason(before.end_date, today, reason.as_deref(), &mut checks);
            if !checks.0.is_empty() {
                return Err(ApiError::validation(checks.0));
            }
        }
        let after = CampaignResponse::from(model::transition_campaign(conn, id, action, actor, reason, expected)?);
        journal.changed("campaign", verb, id, Scope::Registry, &before, &after);
        Ok(after)
    })
    .await?;
    Ok(HttpResponse::Ok().insert_header(etag(body.version)).json(body))
}

/// Launch (phát động) a draft campaign: units can then register. Needs at least one indicator.
#[utoipa::path(operation_id = "launch_campaign", tag = "campaigns", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The campaign's id"), ("If-Match" = Option<String>, Header, description = "The `ETag` last read: with it, a change made meanwhile answers 412")),
    request_body = TransitionRequest,
    responses((status = 200, description = "Launched", body = CampaignResponse), WriteErrors))]
#[post("/campaigns/{id}/launch")]
pub async fn launch(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<TransitionRequest>,
) -> Result<HttpResponse, ApiError> {
    transition(&state, &who, origin, &req, id.into_inner(), CampaignAction::Launch, body.0).await
}

/// Close a launched campaign at its final review (tổng kết): its registrations freeze. Closing
/// before the end date needs a `reason` (422 without one).
#[utoipa::path(operation_id = "close_campaign", tag = "campaigns", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The campaign's id"), ("If-Match" = Option<String>, Header, description = "The `ETag` last read: with it, a change made meanwhile answers 412")),
    request_body = TransitionRequest,
    responses((status = 200, description = "Closed", body = CampaignResponse), WriteErrors))]
#[post("/campaigns/{id}/close")]
pub async fn close(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<TransitionRequest>,
) -> Result<HttpResponse, ApiError> {
    transition(&state, &who, origin, &req, id.into_inner(), CampaignAction::Close, body.0).await
}

/// Cancel a draft or launched campaign, with a reason.
#[utoipa::path(operation_id = "cancel_campaign", tag = "campaigns", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The campaign's id"), ("If-Match" = Option<String>, Header, description = "The `ETag` last read: with it, a change made meanwhile answers 412")),
    request_body = TransitionRequest,
    responses((status = 200, description = "Cancelled", body = CampaignResponse), WriteErrors))]
#[post("/campaigns/{id}/cancel")]
pub async fn cancel(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<TransitionRequest>,
) -> Result<HttpResponse, ApiError> {
    transition(&state, &who, origin, &req, id.into_inner(), CampaignAction::Cancel, body.0).await
}

// ---------- indicators ----------

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorRequest {
    #[schema(example = "Số hộ thoát nghèo")]
    pub name: String,
    #[schema(example = "hộ")]
    pub unit_of_measure: String,
    #[schema(value_type = IndicatorKind)]
    pub kind: String,
    #[schema(value_type = Direction)]
    pub direction: String,
    /// Exact decimal, as a string. For a yes/no indicator: how many units should do it.
    #[schema(example = "1500")]
    pub province_target: Option<String>,
    /// Only with kind `percentage`: units report it as numerator and denominator (e.g. files
    /// handled online of all files), and it is aggregated as the ratio of the sums.
    #[serde(default)]
    pub ratio: bool,
}

#[derive(Serialize, ToSchema)]
pub struct IndicatorResponse {
    pub id: Uuid,
    pub campaign_id: Uuid,
    pub name: String,
    pub unit_of_measure: String,
    pub kind: IndicatorKind,
    /// `kind` as people read it (Vietnamese).
    pub kind_label: &'static str,
    pub direction: Direction,
    /// `direction` as people read it (Vietnamese).
    pub direction_label: &'static str,
    /// Exact decimal, as a string.
    pub province_target: Option<String>,
    /// Entered as numerator and denominator; aggregated as the ratio of the sums.
    pub ratio: bool,
    pub position: i32,
}

impl From<Indicator> for IndicatorResponse {
    fn from(i: Indicator) -> IndicatorResponse {
        IndicatorResponse {
            id: i.id.into(),
            campaign_id: i.campaign_id.into(),
            kind: i.kind,
            kind_label: i.kind.label_vi(),
            direction: i.direction,
            direction_label: i.direction.label_vi(),
            name: i.name,
            unit_of_measure: i.unit_of_measure,
            province_target: i.province_target,
            ratio: i.ratio,
            position: i.position,
        }
    }
}

/// A campaign's indicators (chỉ tiêu), in order.
///
/// Not paged, unlike other collections: a campaign's indicators are one plan's targets (tens at
/// most), read and shown together.
#[utoipa::path(operation_id = "list_indicators", tag = "campaigns", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The campaign's id")),
    responses((status = 200, description = "The indicators", body = Vec<IndicatorResponse>), ReadErrors))]
#[get("/campaigns/{id}/indicators")]
pub async fn list_indicators(
    state: web::Data<AppState>,
    who: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let campaign = visible_campaign(&state, &who, id.into_inner()).await?;
    let found = db::run(&state.db, move |conn| model::list_indicators(conn, campaign.id)).await?;
    let items: Vec<IndicatorResponse> = found.into_iter().map(IndicatorResponse::from).collect();
    Ok(HttpResponse::Ok().json(items))
}

/// Add an indicator to a draft campaign (who runs its level).
#[utoipa::path(operation_id = "add_indicator", tag = "campaigns", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The campaign's id")),
    request_body = IndicatorRequest,
    responses((status = 201, description = "Added", body = IndicatorResponse), CreateErrors))]
#[post("/campaigns/{id}/indicators")]
pub async fn add_indicator(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    id: web::Path<Uuid>,
    body: JsonBody<IndicatorRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[Role::UnitAdmin])?;
    let body = body.0;
    let mut checks = Checks::default();
    let name = check_text("name", &body.name, 300, &mut checks);
    let unit_of_measure = check_text("unit_of_measure", &body.unit_of_measure, 50, &mut checks);
    let kind = IndicatorKind::parse(&body.kind);
    if kind.is_none() {
        checks.fail("kind", ErrorCode::InvalidChoice, "must be quantity, percentage or yes_no");
    }
    if Direction::parse(&body.direction).is_none() {
        checks.fail("direction", ErrorCode::InvalidChoice, "must be higher_is_better or lower_is_better");
    }
    if body.ratio && kind.is_some_and(|k| k != IndicatorKind::Percentage) {
        checks.fail("ratio", ErrorCode::NotAllowed, "only a percentage is entered as a ratio");
    }
    let province_target = match (&body.province_target, kind) {
        (Some(t), Some(kind)) => check_province_target("province_target", t, kind, &mut checks).map(decimal_text),
        _ => None,
    };
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let (Some(kind), Some(direction)) = (kind, Direction::parse(&body.direction)) else {
        return Err(ApiError::validation(checks.0));
    };
    let new = NewIndicator { name, unit_of_measure, kind, direction, province_target, ratio: body.ratio };
    let campaign_id = CampaignId::from(id.into_inner());
    let caller = who.0.clone();
    let created = db::write(&state.db, origin.by(&who), move |conn, journal| {
        runs_campaign(conn, &caller, campaign_id)?;
        let created = IndicatorResponse::from(model::add_indicator(conn, campaign_id, new)?);
        journal.created("indicator", created.id, Scope::Registry, &created);
        Ok(created)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/campaigns/{}/indicators/{}", created.campaign_id, created.id),
        ))
        .json(created))
}

/// Remove an indicator from a draft campaign (who runs its level).
#[utoipa::path(operation_id = "remove_indicator", tag = "campaigns", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The campaign's id"), ("indicator_id" = Uuid, Path, description = "The indicator's id")),
    responses((status = 204, description = "Removed"), WriteErrors))]
#[delete("/campaigns/{id}/indicators/{indicator_id}")]
pub async fn remove_indicator(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[Role::UnitAdmin])?;
    let (campaign_id, indicator_id) = (CampaignId::from(path.0), IndicatorId::from(path.1));
    let caller = who.0.clone();
    db::write(&state.db, origin.by(&who), move |conn, journal| {
        model::lock_campaign(conn, campaign_id)?;
        runs_campaign(conn, &caller, campaign_id)?;
        let before = model::list_indicators(conn, campaign_id)?
            .into_iter()
            .find(|i| i.id == indicator_id)
            .map(IndicatorResponse::from);
        model::remove_indicator(conn, campaign_id, indicator_id)?;
        if let Some(before) = before {
            journal.deleted("indicator", indicator_id, Scope::Registry, &before);
        }
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
