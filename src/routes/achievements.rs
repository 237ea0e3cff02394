//! Achievements (thành tích): what a unit reports against its registered indicators, with
//! evidence files; the board verifies or returns each report. Another unit's reports and
//! files answer 404.

use actix_web::http::header;
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::policy::{self, Action, Decision, Resource, Role};
use crate::auth::AuthUser;
use crate::db::journal::Scope;
use crate::db::DbConn;
use crate::db::{self, cursor};
use crate::domain::campaigns::{AchievementAction, AchievementStatus};
use crate::domain::ids::{AchievementId, IndicatorId, StoredFileId, UnitId};
use crate::domain::units::today_in_vietnam;
use crate::domain::{check_text, Checks};
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::http::extract::{etag, if_match_version, required_if_match, JsonBody, QueryParams};
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::http::upload::{self, FileBytes, StoredFileResponses};
use crate::models::achievements::{self as model, Achievement, AchievementFilter, Report};
use crate::models::stored_files::StoredFile;
use crate::openapi::errors::{CreateErrors, ListErrors, ReadErrors, ReplaceErrors, WriteErrors};
use crate::routes::shared::{received_file, visible_campaign, AttachmentQuery};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes
        .service(list)
        .service(create)
        .service(read)
        .service(replace)
        .service(verify)
        .service(return_achievement)
        .upload(upload_evidence)
        .service(download_evidence);
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AchievementRequest {
    /// The reporting unit; on create only.
    pub unit_id: Option<Uuid>,
    pub indicator_id: Uuid,
    /// When a person of the unit achieved it.
    pub person_name: Option<String>,
    /// Exact decimal, as a string: the value as of `as_of` (cumulative, not an increment).
    /// Required, except for a ratio indicator, where it is computed and must not be sent.
    #[schema(example = "37")]
    pub value: Option<String>,
    /// A ratio indicator's numerator (tử số), e.g. files handled online: required for ratio
    /// indicators (with `denominator`), not allowed otherwise.
    #[schema(example = "120")]
    pub numerator: Option<String>,
    /// A ratio indicator's denominator (mẫu số), e.g. all files: required for ratio indicators,
    /// greater than 0 and not less than the numerator; not allowed otherwise.
    #[schema(example = "160")]
    pub denominator: Option<String>,
    pub as_of: NaiveDate,
    pub narrative: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct EvidenceResponse {
    pub id: Uuid,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// Hex SHA-256 of the file.
    pub sha256: String,
    pub uploaded_by: Uuid,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Where to download it.
    pub href: String,
}

#[derive(Serialize, ToSchema)]
pub struct AchievementResponse {
    pub id: Uuid,
    pub campaign_id: Uuid,
    pub unit_id: Uuid,
    pub indicator_id: Uuid,
    pub person_name: Option<String>,
    /// For a ratio indicator: numerator ÷ denominator × 100, to 6 places.
    pub value: String,
    /// A ratio indicator's parts; null for other indicators.
    pub numerator: Option<String>,
    pub denominator: Option<String>,
    pub as_of: NaiveDate,
    pub narrative: Option<String>,
    pub status: AchievementStatus,
    /// `status` as people read it (Vietnamese).
    pub status_label: &'static str,
    pub return_reason: Option<String>,
    pub evidence: Vec<EvidenceResponse>,
    pub version: i32,
    pub reported_by: Uuid,
    pub verified_by: Option<Uuid>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339_opt")]
    pub verified_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<StoredFile> for EvidenceResponse {
    fn from(f: StoredFile) -> EvidenceResponse {
        EvidenceResponse {
            href: format!("/api/v1/evidence/{}", f.id),
            id: f.id.into(),
            uploaded_by: f.uploaded_by.into(),
            filename: f.filename,
            content_type: f.content_type,
            size_bytes: f.size_bytes,
            sha256: f.sha256,
            created_at: f.created_at,
        }
    }
}

fn response(a: Achievement, evidence: Vec<StoredFile>) -> AchievementResponse {
    AchievementResponse {
        id: a.id.into(),
        campaign_id: a.campaign_id.into(),
        unit_id: a.unit_id.into(),
        indicator_id: a.indicator_id.into(),
        status: a.status,
        status_label: a.status.label_vi(),
        reported_by: a.reported_by.into(),
        verified_by: a.verified_by.map(Uuid::from),
        evidence: evidence.into_iter().map(EvidenceResponse::from).collect(),
        person_name: a.person_name,
        value: a.value,
        numerator: a.numerator,
        denominator: a.denominator,
        as_of: a.as_of,
        narrative: a.narrative,
        return_reason: a.return_reason,
        version: a.version,
        verified_at: a.verified_at,
        created_at: a.created_at,
        updated_at: a.updated_at,
    }
}

async fn respond(state: &AppState, a: Achievement, created: bool) -> Result<HttpResponse, ApiError> {
    let id = a.id;
    let evidence = db::run(&state.db, move |conn| model::evidence_of(conn, id)).await?;
    respond_with(response(a, evidence), created)
}

/// A report as the API shows it, read in the caller's transaction.
fn current(conn: &mut DbConn, a: Achievement) -> Result<AchievementResponse, ApiError> {
    let evidence = model::evidence_of(conn, a.id)?;
    Ok(response(a, evidence))
}

fn respond_with(body: AchievementResponse, created: bool) -> Result<HttpResponse, ApiError> {
    let mut res = if created { HttpResponse::Created() } else { HttpResponse::Ok() };
    if created {
        res.insert_header((header::LOCATION, format!("/api/v1/achievements/{}", body.id)));
    }
    Ok(res.insert_header(etag(body.version)).json(body))
}

fn report(body: AchievementRequest) -> Result<Report, ApiError> {
    let mut checks = Checks::default();
    let person_name =
        body.person_name.filter(|p| !p.trim().is_empty()).map(|p| check_text("person_name", &p, 200, &mut checks));
    let narrative = body.narrative.map(|n| crate::domain::text::normalize_block(&n)).filter(|n| !n.is_empty());
    if narrative.as_ref().is_some_and(|n| n.chars().count() > 20_000) {
        checks.fail("narrative", ErrorCode::TooLong, "must be at most 20000 characters");
    }
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    Ok(Report {
        indicator_id: body.indicator_id.into(),
        person_name,
        value: body.value,
        numerator: body.numerator,
        denominator: body.denominator,
        as_of: body.as_of,
        narrative,
    })
}

/// Loads a report if the caller may do `action` on it; another unit's answers like a missing one.
async fn load(state: &AppState, who: &AuthUser, id: Uuid, action: Action) -> Result<Achievement, ApiError> {
    let id = AchievementId::from(id);
    // A council member may read an achievement a nomination on their agenda cites.
    let member = (action == Action::Read && who.has(Role::CouncilMember)).then_some(who.user_id);
    let (found, on_agenda) = db::run(&state.db, move |conn| {
        let found = model::find_achievement(conn, id)?;
        let on_agenda = match member {
            Some(member) => crate::models::nominations::on_agenda_of(
                conn,
                member,
                crate::models::nominations::AgendaLink::Achievement(found.id),
            )?,
            None => false,
        };
        Ok((found, on_agenda))
    })
    .await?;
    policy::authorize_or_hide(
        who,
        action,
        Resource::ReviewedRecord { unit_id: found.unit_id, on_agenda },
        model::achievement_not_found,
    )?;
    Ok(found)
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AchievementQuery {
    pub unit_id: Option<Uuid>,
    pub indicator_id: Option<Uuid>,
    #[param(inline)]
    pub status: Option<AchievementStatus>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AchievementPage {
    pub items: Vec<AchievementResponse>,
    pub next_cursor: Option<String>,
}

/// A campaign's reports, newest first: all for the board and province-level readers, the
/// caller's own unit's for everyone else.
#[utoipa::path(operation_id = "list_achievements", tag = "achievements", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The campaign's id"), AchievementQuery),
    responses((status = 200, description = "One page of reports", body = AchievementPage), ListErrors))]
#[get("/campaigns/{id}/achievements")]
pub async fn list(
    state: web::Data<AppState>,
    who: AuthUser,
    scope: cursor::ListScope,
    id: web::Path<Uuid>,
    query: QueryParams<AchievementQuery>,
) -> Result<HttpResponse, ApiError> {
    let campaign = visible_campaign(&state, &who, id.into_inner()).await?;
    let query = query.0;
    let limit = cursor::limit(query.limit)?;
    let unit_id = policy::listed_unit(&who, query.unit_id.map(UnitId::from))?;
    let filter = AchievementFilter {
        unit_id,
        indicator_id: query.indicator_id.map(IndicatorId::from),
        status: query.status,
        before_id: query.cursor.as_deref().map(|c| cursor::decode(&scope, c)).transpose()?,
        limit,
    };
    let (rows, next_cursor) = db::run(&state.db, move |conn| {
        let rows = model::list_achievements(conn, campaign.id, &filter)?;
        let (rows, next) = cursor::page(rows, limit, &scope, |a| a.id);
        let with_files = rows
            .into_iter()
            .map(|a| {
                let files = model::evidence_of(conn, a.id)?;
                Ok((a, files))
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        Ok((with_files, next))
    })
    .await?;
    let items: Vec<_> = rows.into_iter().map(|(a, f)| response(a, f)).collect();
    crate::http::page::ok(items.len(), &AchievementPage { items, next_cursor })
}

/// Report progress on a registered indicator (officers of the unit, admins), within the
/// campaign window plus the grace period.
#[utoipa::path(operation_id = "create_achievement", tag = "achievements", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The campaign's id")),
    request_body = AchievementRequest,
    responses((status = 201, description = "Reported; `Location` and `ETag` are set", body = AchievementResponse), CreateErrors))]
#[post("/campaigns/{id}/achievements")]
pub async fn create(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    id: web::Path<Uuid>,
    body: JsonBody<AchievementRequest>,
) -> Result<HttpResponse, ApiError> {
    let campaign = visible_campaign(&state, &who, id.into_inner()).await?;
    let body = body.0;
    let Some(unit_id) = body.unit_id.map(UnitId::from) else {
        return Err(ApiError::validation(vec![FieldError::new("unit_id", ErrorCode::Required, "is required")]));
    };
    if policy::decide(&who, Action::Create, Resource::UnitRecord { unit_id }) != Decision::Allow {
        return Err(ApiError::new(ErrorCode::Forbidden, "you report only for your own unit"));
    }
    let report = report(body)?;
    let (actor, today, grace) = (who.user_id, today_in_vietnam(), state.settings.report_grace_days);
    let created = db::write(&state.db, origin.by(&who), move |conn, journal| {
        let created = model::create_achievement(conn, campaign.id, unit_id, report, actor, today, grace)?;
        let created = current(conn, created)?;
        journal.created("achievement", created.id, Scope::Unit(unit_id), &created);
        Ok(created)
    })
    .await?;
    respond_with(created, true)
}

/// Get a report with its evidence files.
#[utoipa::path(operation_id = "get_achievement", tag = "achievements", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The report's id")),
    responses((status = 200, description = "The report; `ETag` is set", body = AchievementResponse), ReadErrors))]
#[get("/achievements/{id}")]
pub async fn read(state: web::Data<AppState>, who: AuthUser, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let found = load(&state, &who, id.into_inner(), Action::Read).await?;
    respond(&state, found, false).await
}

/// Correct a report not yet verified; a returned one goes back to the board. Send `If-Match`.
#[utoipa::path(operation_id = "replace_achievement", tag = "achievements", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The report's id"), ("If-Match" = String, Header, description = "The `ETag` last read (required)")),
    request_body = AchievementRequest,
    responses((status = 200, description = "Corrected; the new `ETag` is set", body = AchievementResponse), ReplaceErrors))]
#[put("/achievements/{id}")]
pub async fn replace(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<AchievementRequest>,
) -> Result<HttpResponse, ApiError> {
    let expected = required_if_match(&req)?;
    let existing = load(&state, &who, id.into_inner(), Action::Update).await?;
    let body = body.0;
    if body.unit_id.is_some_and(|u| UnitId::from(u) != existing.unit_id) {
        return Err(ApiError::validation(vec![FieldError::new(
            "unit_id",
            ErrorCode::Immutable,
            "a report cannot move to another unit",
        )]));
    }
    let report = report(body)?;
    let (today, grace) = (today_in_vietnam(), state.settings.report_grace_days);
    let updated = db::write(&state.db, origin.by(&who), move |conn, journal| {
        let before = model::lock_achievement(conn, existing.id)?;
        let before = current(conn, before)?;
        let after = model::update_achievement(conn, existing.id, report, expected, today, grace)?;
        let after = current(conn, after)?;
        journal.updated("achievement", existing.id, Scope::Unit(existing.unit_id), &before, &after);
        Ok(after)
    })
    .await?;
    respond_with(updated, false)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AchievementReviewRequest {
    /// Why the report goes back to its unit.
    #[schema(required = true, value_type = String, min_length = 1)]
    pub reason: Option<String>,
}

async fn review(
    state: &AppState,
    who: &AuthUser,
    origin: RequestOrigin,
    req: &HttpRequest,
    id: Uuid,
    action: AchievementAction,
    reason: Option<String>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(who, &[])?;
    let expected = if_match_version(req)?;
    let mut checks = Checks::default();
    let reason = reason.filter(|r| !r.trim().is_empty()).map(|r| check_text("reason", &r, 2000, &mut checks));
    if action == AchievementAction::Return && reason.is_none() {
        checks.fail("reason", ErrorCode::Required, "say why the report is returned");
    }
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let (id, actor) = (AchievementId::from(id), who.user_id);
    let verb = match action {
        AchievementAction::Verify => "verified",
        AchievementAction::Return => "returned",
    };
    let reviewed = db::write(&state.db, origin.by(who), move |conn, journal| {
        let found = model::lock_achievement(conn, id)?;
        let unit_id = found.unit_id;
        let before = current(conn, found)?;
        let after = model::review_achievement(conn, id, action, actor, reason, expected)?;
        let after = current(conn, after)?;
        journal.changed("achievement", verb, id, Scope::Unit(unit_id), &before, &after);
        Ok(after)
    })
    .await?;
    respond_with(reviewed, false)
}

/// Verify a submitted report (admins): it then counts in the progress figures.
#[utoipa::path(operation_id = "verify_achievement", tag = "achievements", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The report's id"), ("If-Match" = Option<String>, Header, description = "The `ETag` last read")),
    responses((status = 200, description = "Verified", body = AchievementResponse), WriteErrors))]
#[post("/achievements/{id}/verify")]
pub async fn verify(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    review(&state, &who, origin, &req, id.into_inner(), AchievementAction::Verify, None).await
}

/// Return a submitted report to its unit with a reason (admins).
#[utoipa::path(operation_id = "return_achievement", tag = "achievements", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The report's id"), ("If-Match" = Option<String>, Header, description = "The `ETag` last read: with it, a change made meanwhile answers 412")),
    request_body = AchievementReviewRequest,
    responses((status = 200, description = "Returned", body = AchievementResponse), WriteErrors))]
#[post("/achievements/{id}/return")]
pub async fn return_achievement(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<AchievementReviewRequest>,
) -> Result<HttpResponse, ApiError> {
    review(&state, &who, origin, &req, id.into_inner(), AchievementAction::Return, body.0.reason).await
}

/// Attach an evidence file to a report not yet verified: the raw file is the request body, its
/// `Content-Type` one of PDF, PNG, JPEG, DOCX or XLSX and matching what the bytes are.
/// At most `THIDUA_MAX_UPLOAD_BYTES` (10 MiB by default). A failed upload stores nothing.
#[utoipa::path(operation_id = "upload_evidence", tag = "achievements", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The report's id"), AttachmentQuery),
    request_body(description = "The file itself as the body (not multipart), with its own `Content-Type` (PDF, PNG, JPEG, DOCX or XLSX), or as `application/octet-stream` when the type is not known: the content then decides. The content must be what the type says (422 `content_mismatch`); any other type answers 415.", content(
        (FileBytes = "application/octet-stream"),
        (FileBytes = "application/pdf"),
        (FileBytes = "image/png"),
        (FileBytes = "image/jpeg"),
        (FileBytes = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    responses((status = 201, description = "Stored", body = EvidenceResponse), WriteErrors))]
#[post("/achievements/{id}/evidence")]
pub async fn upload_evidence(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
    query: QueryParams<AttachmentQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let achievement = load(&state, &who, id.into_inner(), Action::Update).await?;
    let (today, grace) = (today_in_vietnam(), state.settings.report_grace_days);
    // Refuse early, before reading up to the upload limit of a body that would be refused.
    let checked = achievement.clone();
    db::run(&state.db, move |conn| model::check_evidence_allowed(conn, &checked, today, grace)).await?;
    let received = upload::receive(&req, payload, state.settings.max_upload_bytes).await?;
    let (file, bytes) = received_file(received, &achievement.id.to_string(), query.0.filename.as_deref(), who.user_id);
    let key = file.storage_key.clone();
    let (origin, scope, achievement_id) = (origin.by(&who), Scope::Unit(achievement.unit_id), achievement.id);
    let body = upload::store_and_write(state.into_inner(), key, bytes, origin, move |conn, journal| {
        let added = EvidenceResponse::from(model::add_evidence(conn, achievement_id, file, today, grace)?);
        journal.record("achievement", "evidence_added", achievement_id, scope, None, serde_json::to_value(&added).ok());
        Ok(added)
    })
    .await?;
    Ok(HttpResponse::Created().insert_header((header::LOCATION, body.href.clone())).json(body))
}

/// Download an evidence file (whoever may read its report).
#[utoipa::path(operation_id = "download_evidence", tag = "achievements", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The file's id")),
    responses(StoredFileResponses, ReadErrors))]
#[get("/evidence/{id}")]
pub async fn download_evidence(
    state: web::Data<AppState>,
    who: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = StoredFileId::from(id.into_inner());
    let member = who.has(Role::CouncilMember).then_some(who.user_id);
    let (file, achievement, on_agenda) = db::run(&state.db, move |conn| {
        let (file, achievement) = model::find_evidence(conn, id)?;
        let on_agenda = match member {
            Some(member) => crate::models::nominations::on_agenda_of(
                conn,
                member,
                crate::models::nominations::AgendaLink::Achievement(achievement.id),
            )?,
            None => false,
        };
        Ok((file, achievement, on_agenda))
    })
    .await?;
    if policy::decide(&who, Action::Read, Resource::ReviewedRecord { unit_id: achievement.unit_id, on_agenda })
        != Decision::Allow
    {
        return Err(ApiError::not_found("evidence file"));
    }
    upload::download(&state, &file.storage_key, file.content_type, &file.filename, &file.sha256).await
}
