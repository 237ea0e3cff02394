//! The award catalogue (`/award-types`: emulation titles and forms of commendation, their rules
//! as versioned data) and the award history (`/awards`). The board writes; everyone signed in
//! reads: awards are published by decision.

use actix_web::http::header;
use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::policy::{self, Action, Resource};
use crate::auth::AuthUser;
use crate::db::journal::Scope;
use crate::db::{self, cursor};
use crate::domain::awards::{
    check_rules, AwardCategory, AwardSubject, CommendationType, GrantingLevel, PostingStage, Prerequisite, Severity,
};
use crate::domain::calendar::DayCount;
use crate::domain::cluster_votes::ClusterProposalRule;
use crate::domain::collectives::MemberRequirement;
use crate::domain::ids::{AwardId, AwardTypeId, PersonId, UnitId};
use crate::domain::initiatives::InitiativeRequirement;
use crate::domain::units::today_in_vietnam;
use crate::domain::{check_date, check_text, Checks};
use crate::error::{ApiError, ErrorCode};
use crate::http::extract::{JsonBody, QueryParams};
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::models::awards::{self as model, AwardFilter, AwardType, AwardTypeVersion, NewAward, NewAwardType};
use crate::models::nominations as nominations_model;
use crate::openapi::errors::{CreateErrors, ListErrors, ReadErrors, WriteErrors};
use crate::routes::shared::{nomination_response, AwardResponse};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes
        .service(list_types)
        .service(create_type)
        .service(read_type)
        .service(add_version)
        .service(list_awards)
        .service(record_award)
        .service(read_award)
        .service(revoke_award);
}

/// The rules of one version of an award type.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RulesBody {
    #[schema(example = "Chủ tịch UBND tỉnh")]
    pub granting_authority: String,
    /// Căn cứ pháp lý.
    #[schema(example = "Luật Thi đua, khen thưởng 06/2022/QH15, Điều 22")]
    pub legal_basis: String,
    #[serde(default)]
    pub prerequisites: Vec<Prerequisite>,
    /// With `quota_percent`: at most that share of the unit's count of this other title that year.
    pub quota_of_code: Option<String>,
    pub quota_percent: Option<String>,
    /// What going beyond the quota does: `warning` (the default: the board may acknowledge it with
    /// a reason) or `refusal`.
    #[serde(default = "quota_warning")]
    pub quota_on_failure: Severity,
    /// `quota_on_failure`'s label, as answers carry it: ignored when sent (so a version read
    /// back can be sent again as it is).
    #[serde(default)]
    #[schema(read_only)]
    pub quota_on_failure_label: Option<String>,
    #[serde(default)]
    pub council_vote_required: bool,
    /// Share of the whole council that must approve (decimal string, percent).
    pub approval_threshold_percent: Option<String>,
    pub quorum_percent: Option<String>,
    /// Days of public posting before a decision.
    #[schema(minimum = 0, maximum = 90)]
    pub posting_days: Option<i32>,
    /// How `posting_days` are counted: `working` days (the working-day calendar, as Decree
    /// 98/2023/NĐ-CP, Art 46.2 asks) or `calendar` days (the default when left out, as before).
    #[serde(default = "calendar_days")]
    pub posting_day_count: DayCount,
    /// `posting_day_count`'s label, as answers carry it: ignored when sent.
    #[serde(default)]
    #[schema(read_only)]
    pub posting_day_count_label: Option<String>,
    /// For an award the council votes on, when it is posted for the public's comments:
    /// `before_council` (Decree 98/2023/NĐ-CP, Art 46.2: the council session takes it once the
    /// posting is over and every comment reviewed, and the decision needs no second posting) or
    /// `before_decision` (posted once the council approved it). Left out: a new type's is
    /// `before_decision` (as before), a new version keeps the previous version's.
    pub posting_stage: Option<PostingStage>,
    /// `posting_stage`'s label, as answers carry it: ignored when sent.
    #[serde(default)]
    #[schema(read_only)]
    pub posting_stage_label: Option<String>,
    /// Bonus as a multiple of the base salary (decimal string).
    pub bonus_multiplier: Option<String>,
    /// What the nominee's initiatives (sáng kiến) must be, if anything.
    pub initiative_requirement: Option<InitiativeRequirement>,
    /// For a collective title: what the unit's members must hold that year (a share of them one
    /// title, at least one another) and that none was disciplined from a form up.
    pub member_requirement: Option<MemberRequirement>,
    /// For a flag (Cờ thi đua): how the unit's emulation cluster proposes the unit that led it
    /// (`POST /clusters/{id}/proposals`); a nomination for a unit its cluster did not propose
    /// is warned `cluster_not_proposed`.
    pub cluster_proposal: Option<ClusterProposalRule>,
    /// The levels whose decisions grant it (Art 80): `province`, `department`, `commune`, or
    /// `central` (the province proposes and records the outcome). Left out: a new type's follow
    /// its `level` (`co_so`: department and commune; `xa`: commune; `toan_quoc`: central;
    /// otherwise the province), a new version keeps the previous version's.
    #[serde(default)]
    pub granting_levels: Vec<GrantingLevel>,
    /// `granting_levels`' labels, as answers carry them: ignored when sent.
    #[serde(default)]
    #[schema(read_only)]
    pub granting_levels_label: Option<Vec<String>>,
}

/// The rules of a version as shown: the same fields as [`RulesBody`], but a schema that allows
/// the version's own fields beside them (a request's `additionalProperties: false` would make
/// every flattened version invalid).
#[derive(Serialize, ToSchema)]
pub struct RulesView {
    #[schema(example = "Chủ tịch UBND tỉnh")]
    pub granting_authority: String,
    /// Căn cứ pháp lý.
    #[schema(example = "Luật Thi đua, khen thưởng 06/2022/QH15, Điều 22")]
    pub legal_basis: String,
    pub prerequisites: Vec<Prerequisite>,
    /// With `quota_percent`: at most that share of the unit's count of this other title that year.
    pub quota_of_code: Option<String>,
    pub quota_percent: Option<String>,
    /// What going beyond the quota does.
    pub quota_on_failure: Severity,
    /// `quota_on_failure` as people read it (Vietnamese).
    pub quota_on_failure_label: &'static str,
    pub council_vote_required: bool,
    /// Share of the whole council that must approve (decimal string, percent).
    pub approval_threshold_percent: Option<String>,
    pub quorum_percent: Option<String>,
    /// Days of public posting before a decision.
    pub posting_days: Option<i32>,
    /// How `posting_days` are counted: `working` or `calendar` days.
    pub posting_day_count: DayCount,
    /// `posting_day_count` as people read it (Vietnamese).
    pub posting_day_count_label: &'static str,
    /// For an award the council votes on: posted `before_council` or `before_decision`.
    pub posting_stage: PostingStage,
    /// `posting_stage` as people read it (Vietnamese).
    pub posting_stage_label: &'static str,
    /// Bonus as a multiple of the base salary (decimal string).
    pub bonus_multiplier: Option<String>,
    /// What the nominee's initiatives (sáng kiến) must be, if anything.
    pub initiative_requirement: Option<InitiativeRequirement>,
    /// For a collective title: what the unit's members must hold that year (a share of them one
    /// title, at least one another) and that none was disciplined from a form up.
    pub member_requirement: Option<MemberRequirement>,
    /// For a flag (Cờ thi đua): how the unit's emulation cluster proposes the unit that led it
    /// (`POST /clusters/{id}/proposals`); a nomination for a unit its cluster did not propose
    /// is warned `cluster_not_proposed`.
    pub cluster_proposal: Option<ClusterProposalRule>,
    /// The levels whose decisions grant it (Art 80); a decision of another level is refused
    /// `authority_mismatch`.
    pub granting_levels: Vec<GrantingLevel>,
    /// `granting_levels` as people read them (Vietnamese), in the same order.
    pub granting_levels_label: Vec<&'static str>,
}

#[derive(Serialize, ToSchema)]
pub struct VersionResponse {
    pub id: Uuid,
    pub version: i32,
    pub effective_from: NaiveDate,
    pub effective_until: Option<NaiveDate>,
    #[serde(flatten)]
    pub rules: RulesView,
}

#[derive(Serialize, ToSchema)]
pub struct AwardTypeResponse {
    pub id: Uuid,
    #[schema(example = "CSTD_TINH")]
    pub code: String,
    #[schema(example = "Chiến sĩ thi đua cấp tỉnh")]
    pub name: String,
    pub category: AwardCategory,
    /// `category` as people read it (Vietnamese).
    pub category_label: &'static str,
    pub subject: AwardSubject,
    /// `subject` as people read it (Vietnamese).
    pub subject_label: &'static str,
    pub level: String,
    /// The version in force today, if any.
    pub current_version: Option<i32>,
    /// Every version, oldest first.
    pub versions: Vec<VersionResponse>,
}

fn quota_warning() -> Severity {
    Severity::Warning
}

fn calendar_days() -> DayCount {
    DayCount::Calendar
}

fn version_response(v: AwardTypeVersion) -> Result<VersionResponse, ApiError> {
    let prerequisites = v.prerequisite_list()?;
    let quota_on_failure = v.quota_on_failure;
    let initiative_requirement = v.initiative_requirement()?;
    let member_requirement = v.member_requirement()?;
    let cluster_proposal = v.cluster_proposal()?;
    let granting_levels = v.granted_by();
    Ok(VersionResponse {
        id: v.id.into(),
        version: v.version,
        effective_from: v.effective_from,
        effective_until: v.effective_until,
        rules: RulesView {
            granting_authority: v.granting_authority,
            legal_basis: v.legal_basis,
            prerequisites: prerequisites.into_iter().map(Prerequisite::labelled).collect(),
            quota_of_code: v.quota_of_code,
            quota_percent: v.quota_percent,
            quota_on_failure,
            quota_on_failure_label: quota_on_failure.label_vi(),
            council_vote_required: v.council_vote_required,
            approval_threshold_percent: v.approval_threshold_percent,
            quorum_percent: v.quorum_percent,
            posting_days: v.posting_days,
            posting_day_count: v.posting_day_count,
            posting_day_count_label: v.posting_day_count.label_vi(),
            posting_stage: v.posting_stage,
            posting_stage_label: v.posting_stage.label_vi(),
            bonus_multiplier: v.bonus_multiplier,
            initiative_requirement: initiative_requirement.map(InitiativeRequirement::labelled),
            member_requirement: member_requirement.map(MemberRequirement::labelled),
            cluster_proposal: cluster_proposal.map(ClusterProposalRule::labelled),
            granting_levels_label: granting_levels.iter().map(|l| l.label_vi()).collect(),
            granting_levels,
        },
    })
}

fn type_response((t, versions): (AwardType, Vec<AwardTypeVersion>)) -> Result<AwardTypeResponse, ApiError> {
    let current_version = model::version_on(&versions, today_in_vietnam()).map(|v| v.version);
    Ok(AwardTypeResponse {
        id: t.id.into(),
        category: t.category,
        category_label: t.category.label_vi(),
        subject: t.subject,
        subject_label: t.subject.label_vi(),
        code: t.code,
        name: t.name,
        level: t.level,
        current_version,
        versions: versions.into_iter().map(version_response).collect::<Result<_, _>>()?,
    })
}

fn rules(body: RulesBody, checks: &mut Checks) -> crate::domain::awards::Rules {
    let (granting_levels, posting_stage) = (body.granting_levels, body.posting_stage);
    let mut rules = check_rules(
        &body.granting_authority,
        &body.legal_basis,
        body.prerequisites,
        body.quota_of_code.as_deref(),
        body.quota_percent.as_deref(),
        body.quota_on_failure,
        body.council_vote_required,
        body.approval_threshold_percent.as_deref(),
        body.quorum_percent.as_deref(),
        body.posting_days,
        body.posting_day_count,
        body.bonus_multiplier.as_deref(),
        body.initiative_requirement,
        body.member_requirement,
        body.cluster_proposal,
        checks,
    );
    rules.granting_levels = granting_levels;
    rules.posting_stage = posting_stage;
    rules
}

/// The catalogue, by code, each type with its versions.
///
/// Not paged, unlike other collections: the catalogue is a few dozen types at most (the titles
/// and forms of the law), and clients show it whole.
#[utoipa::path(operation_id = "list_award_types", tag = "awards", security(("bearer" = [])),
    responses((status = 200, description = "The catalogue", body = Vec<AwardTypeResponse>), ListErrors))]
#[get("/award-types")]
pub async fn list_types(state: web::Data<AppState>, who: AuthUser) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, Action::Read, Resource::Registry)?;
    let found = db::run(&state.db, model::list_award_types).await?;
    let items: Vec<AwardTypeResponse> = found.into_iter().map(type_response).collect::<Result<_, _>>()?;
    Ok(HttpResponse::Ok().json(items))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AwardTypeRequest {
    /// Upper-case identifier, e.g. `CSTD_TINH`.
    #[schema(pattern = "^[A-Z0-9_]{2,40}$")]
    pub code: String,
    pub name: String,
    #[schema(value_type = AwardCategory)]
    pub category: String,
    #[schema(value_type = AwardSubject)]
    pub subject: String,
    #[schema(example = "tinh")]
    pub level: String,
    /// When the first version's rules take effect.
    pub effective_from: NaiveDate,
    pub rules: RulesBody,
}

/// Add an award type with its first rules (admins).
#[utoipa::path(operation_id = "create_award_type", tag = "awards", security(("bearer" = [])), request_body = AwardTypeRequest,
    responses((status = 201, description = "Created", body = AwardTypeResponse), CreateErrors))]
#[post("/award-types")]
pub async fn create_type(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    body: JsonBody<AwardTypeRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, Action::Create, Resource::Registry)?;
    let body = body.0;
    let mut checks = Checks::default();
    let code = body.code.trim().to_string();
    if !(2..=40).contains(&code.len())
        || !code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    {
        checks.fail("code", ErrorCode::InvalidFormat, "must be 2–40 characters of A–Z, 0–9 and _");
    }
    let name = check_text("name", &body.name, 300, &mut checks);
    let category = AwardCategory::parse(&body.category);
    if category.is_none() {
        checks.fail("category", ErrorCode::InvalidChoice, "must be danh_hieu_thi_dua or hinh_thuc_khen_thuong");
    }
    let subject = AwardSubject::parse(&body.subject);
    if subject.is_none() {
        checks.fail("subject", ErrorCode::InvalidChoice, "must be individual, collective or household");
    }
    let level = check_text("level", &body.level, 50, &mut checks);
    check_date("effective_from", Some(body.effective_from), &mut checks);
    let rules = rules(body.rules, &mut checks);
    let (Some(category), Some(subject)) = (category, subject) else {
        return Err(ApiError::validation(checks.0));
    };
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let new = NewAwardType { code, name, category, subject, level };
    let (effective_from, actor) = (body.effective_from, who.user_id);
    let body = db::write(&state.db, origin.by(&who), move |conn, journal| {
        let id = model::create_award_type(conn, new, effective_from, rules, Some(actor))?;
        let created = type_response(model::find_award_type(conn, id)?)?;
        journal.created("award_type", id, Scope::Registry, &created);
        Ok(created)
    })
    .await?;
    Ok(HttpResponse::Created().insert_header((header::LOCATION, format!("/api/v1/award-types/{}", body.id))).json(body))
}

/// Get an award type with every version of its rules.
#[utoipa::path(operation_id = "get_award_type", tag = "awards", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The award type's id")),
    responses((status = 200, description = "The award type", body = AwardTypeResponse), ReadErrors))]
#[get("/award-types/{id}")]
pub async fn read_type(
    state: web::Data<AppState>,
    who: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, Action::Read, Resource::Registry)?;
    let id = AwardTypeId::from(id.into_inner());
    Ok(HttpResponse::Ok().json(type_response(db::run(&state.db, move |conn| model::find_award_type(conn, id)).await?)?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionRequest {
    /// After the current version's start; the current version ends the day before.
    pub effective_from: NaiveDate,
    pub rules: RulesBody,
}

/// Change an award type's rules from a date: a new version (admins). Awards and nominations
/// judged under the old version keep it.
#[utoipa::path(operation_id = "add_award_type_version", tag = "awards", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The award type's id")),
    request_body = VersionRequest,
    responses((status = 201, description = "The award type with its new version", body = AwardTypeResponse), WriteErrors))]
#[post("/award-types/{id}/versions")]
pub async fn add_version(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    id: web::Path<Uuid>,
    body: JsonBody<VersionRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, Action::Update, Resource::Registry)?;
    let body = body.0;
    let mut checks = Checks::default();
    check_date("effective_from", Some(body.effective_from), &mut checks);
    let rules = rules(body.rules, &mut checks);
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let (id, actor, from) = (AwardTypeId::from(id.into_inner()), who.user_id, body.effective_from);
    let updated = db::write(&state.db, origin.by(&who), move |conn, journal| {
        model::lock_award_type(conn, id)?;
        let before = type_response(model::find_award_type(conn, id)?)?;
        model::add_version(conn, id, from, rules, actor)?;
        let after = type_response(model::find_award_type(conn, id)?)?;
        journal.changed("award_type", "version_added", id, Scope::Registry, &before, &after);
        Ok(after)
    })
    .await?;
    Ok(HttpResponse::Created().json(updated))
}

// ---------- awards ----------

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AwardQuery {
    pub person_id: Option<Uuid>,
    pub unit_id: Option<Uuid>,
    /// With `unit_id`: also the awards of the units it replaced (e.g. a 2021 award of a commune
    /// merged in 2025, under today's commune).
    #[serde(default)]
    pub roll_up: bool,
    pub award_type_id: Option<Uuid>,
    pub year: Option<i32>,
    /// Include revoked awards (default: no).
    #[serde(default)]
    pub include_revoked: bool,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AwardPage {
    pub items: Vec<AwardResponse>,
    pub next_cursor: Option<String>,
}

/// Search the award history, newest first.
#[utoipa::path(operation_id = "list_awards", tag = "awards", security(("bearer" = [])), params(AwardQuery),
    responses((status = 200, description = "One page of awards", body = AwardPage), ListErrors))]
#[get("/awards")]
pub async fn list_awards(
    state: web::Data<AppState>,
    who: AuthUser,
    scope: cursor::ListScope,
    query: QueryParams<AwardQuery>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, Action::Read, Resource::Registry)?;
    let query = query.0;
    let limit = cursor::limit(query.limit)?;
    if query.roll_up && query.unit_id.is_none() {
        return Err(ApiError::bad_query_because("roll_up", ErrorCode::ConflictingParameters, "needs unit_id"));
    }
    let before_id = query.cursor.as_deref().map(|c| cursor::decode(&scope, c)).transpose()?;
    let rows = db::run(&state.db, move |conn| {
        let unit_ids = match query.unit_id.map(UnitId::from) {
            Some(unit) if query.roll_up => Some(model::unit_and_predecessors(conn, unit)?),
            Some(unit) => Some(vec![unit]),
            None => None,
        };
        let filter = AwardFilter {
            person_id: query.person_id.map(PersonId::from),
            unit_ids,
            award_type_id: query.award_type_id.map(AwardTypeId::from),
            year: query.year,
            include_revoked: query.include_revoked,
            before_id,
            limit,
        };
        model::list_awards(conn, &filter)
    })
    .await?;
    let (rows, next_cursor) = cursor::page(rows, limit, &scope, |a| a.id);
    let items: Vec<_> = rows.into_iter().map(AwardResponse::from).collect();
    crate::http::page::ok(items.len(), &AwardPage { items, next_cursor })
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AwardRequest {
    pub award_type_id: Uuid,
    /// For individual awards.
    pub person_id: Option<Uuid>,
    /// For collective and household awards.
    pub unit_id: Option<Uuid>,
    pub household_name: Option<String>,
    #[schema(minimum = 1945, maximum = 2200)]
    pub year: i32,
    pub decision_number: String,
    pub decision_date: NaiveDate,
    #[schema(example = "Chủ tịch UBND tỉnh Bắc Kạn")]
    pub decided_by: String,
    /// The type of commendation (Law Art 8), if the decision says.
    pub commendation_type: Option<CommendationType>,
}

/// Record an award given by a decision, e.g. history from before the service (admins).
#[utoipa::path(operation_id = "record_award", tag = "awards", security(("bearer" = [])), request_body = AwardRequest,
    responses((status = 201, description = "Recorded", body = AwardResponse), CreateErrors))]
#[post("/awards")]
pub async fn record_award(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    body: JsonBody<AwardRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, Action::Create, Resource::Registry)?;
    let body = body.0;
    let mut checks = Checks::default();
    if !(1945..=2200).contains(&body.year) {
        checks.fail("year", ErrorCode::OutOfRange, "must be between 1945 and 2200");
    }
    let decision_number = check_text("decision_number", &body.decision_number, 100, &mut checks);
    let decided_by = check_text("decided_by", &body.decided_by, 300, &mut checks);
    check_date("decision_date", Some(body.decision_date), &mut checks);
    let household_name = body
        .household_name
        .filter(|h| !h.trim().is_empty())
        .map(|h| check_text("household_name", &h, 200, &mut checks));
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let new = NewAward {
        award_type_id: body.award_type_id.into(),
        person_id: body.person_id.map(PersonId::from),
        unit_id: body.unit_id.map(UnitId::from),
        household_name,
        year: body.year,
        decision_number,
        decision_date: body.decision_date,
        decided_by,
        commendation_type: body.commendation_type,
    };
    let actor = who.user_id;
    let award = db::write(&state.db, origin.by(&who), move |conn, journal| {
        let award = model::record_award(conn, new, actor)?;
        let unit = award.unit_id;
        let created = AwardResponse::from(award);
        journal.created("award", created.id, Scope::Unit(unit), &created);
        Ok(created)
    })
    .await?;
    Ok(HttpResponse::Created().insert_header((header::LOCATION, format!("/api/v1/awards/{}", award.id))).json(award))
}

/// Get an award.
#[utoipa::path(operation_id = "get_award", tag = "awards", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The award's id")),
    responses((status = 200, description = "The award", body = AwardResponse), ReadErrors))]
#[get("/awards/{id}")]
pub async fn read_award(
    state: web::Data<AppState>,
    who: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, Action::Read, Resource::Registry)?;
    let id = AwardId::from(id.into_inner());
    Ok(HttpResponse::Ok().json(AwardResponse::from(db::run(&state.db, move |conn| model::find_award(conn, id)).await?)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {
    pub reason: String,
}

/// Revoke an award (admins): the record stays, with who, when and why.
#[utoipa::path(operation_id = "revoke_award", tag = "awards", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The award's id")),
    request_body = RevokeRequest,
    responses((status = 200, description = "Revoked", body = AwardResponse), WriteErrors))]
#[post("/awards/{id}/revoke")]
pub async fn revoke_award(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    id: web::Path<Uuid>,
    body: JsonBody<RevokeRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, Action::Update, Resource::Registry)?;
    let mut checks = Checks::default();
    let reason = check_text("reason", &body.0.reason, 2000, &mut checks);
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let (id, actor) = (AwardId::from(id.into_inner()), who.user_id);
    let revoked = db::write(&state.db, origin.by(&who), move |conn, journal| {
        model::lock_award(conn, id)?;
        let current = model::find_award(conn, id)?;
        let (unit, nomination_id) = (current.unit_id, current.nomination_id);
        let nomination_before = nomination_id
            .map(|n| nominations_model::lock(conn, n).and_then(|_| nominations_model::detail(conn, n)))
            .transpose()?;
        let before = AwardResponse::from(current);
        let after = AwardResponse::from(model::revoke_award(conn, id, &reason, actor)?);
        journal.changed("award", "revoked", id, Scope::Unit(unit), &before, &after);
        // The nomination the award came from is revoked with it.
        if let (Some(nomination_id), Some(nomination_before)) = (nomination_id, nomination_before) {
            let nomination_before = nomination_response(nomination_before)?;
            let nomination_after = nomination_response(nominations_model::detail(conn, nomination_id)?)?;
            if nomination_after.status != nomination_before.status {
                let scope = Scope::Unit(nomination_after.unit_id.into());
                journal.changed(
                    "nomination",
                    "revoked",
                    nomination_after.id,
                    scope,
                    &nomination_before,
                    &nomination_after,
                );
            }
        }
        Ok(after)
    })
    .await?;
    Ok(HttpResponse::Ok().json(revoked))
}
