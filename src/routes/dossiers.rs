//! Units' dossiers for an annual round (`/rounds/{id}/dossiers`, `/dossiers`,
//! `/dossier-documents`): each unit sends
//! one dossier listing many nominees — each line a nomination of the unit with its own
//! eligibility and documents — plus the dossier's shared documents; the board appraises line by
//! line; the council votes on the lines as on any nomination (one by one, or by list:
//! `POST /council-sessions/{id}/list-ballot`). A dossier is its unit's record: another unit's
//! answers 404.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::policy::{self, Action, Decision, Resource, Role};
use crate::auth::AuthUser;
use crate::db::journal::Scope;
use crate::db::{self, cursor};
use crate::domain::ids::{AchievementId, DossierId, NominationId, PersonId, RoundId, StoredFileId, UnitId};
use crate::domain::nominations::{DocumentKind, NominationStatus};
use crate::domain::rounds::{DossierStatus, LineAction};
use crate::domain::units::today_in_vietnam;
use crate::domain::{check_text, Checks};
use crate::error::{ApiError, ErrorCode};
use crate::http::extract::{etag, if_match_version, JsonBody, QueryParams};
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::http::upload::{self, FileBytes, StoredFileResponses};
use crate::models::nominations as nominations_model;
use crate::models::rounds::{self as model, Dossier, DossierDetail};
use crate::models::stored_files::StoredFile;
use crate::openapi::errors::{CreateErrors, ListErrors, ReadErrors, WriteErrors};
use crate::routes::shared::{
    load_dossier, nomination_response, received_file, DocumentUploadQuery, NominationResponse,
};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes
        .service(list_dossiers)
        .service(create_dossier)
        .service(read_dossier)
        .service(list_lines)
        .service(add_lines)
        .upload(upload_document)
        .service(download_document)
        .service(submit)
        .service(appraise);
}

#[derive(Serialize, ToSchema)]
pub struct DossierDocumentResponse {
    pub id: Uuid,
    pub kind: DocumentKind,
    /// `kind` as people read it (Vietnamese).
    pub kind_label: &'static str,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub href: String,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct LineCount {
    pub status: NominationStatus,
    /// `status` as people read it (Vietnamese).
    pub status_label: &'static str,
    pub lines: i64,
}

#[derive(Serialize, ToSchema)]
pub struct DossierResponse {
    pub id: Uuid,
    pub round_id: Uuid,
    pub unit_id: Uuid,
    pub status: DossierStatus,
    /// `status` as people read it (Vietnamese).
    pub status_label: &'static str,
    /// The dossier's shared documents (tờ trình, biên bản bình xét of the whole unit): they
    /// count for every line.
    pub documents: Vec<DossierDocumentResponse>,
    /// How many lines are in each status (the lines themselves: `GET /dossiers/{id}/lines`).
    pub lines: Vec<LineCount>,
    pub version: i32,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub updated_at: chrono::DateTime<chrono::Utc>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339_opt")]
    pub submitted_at: Option<chrono::DateTime<chrono::Utc>>,
}

fn document_response(f: StoredFile) -> Result<DossierDocumentResponse, ApiError> {
    let kind = f.kind.unwrap_or(DocumentKind::Other);
    Ok(DossierDocumentResponse {
        href: format!("/api/v1/dossier-documents/{}", f.id),
        id: f.id.into(),
        kind,
        kind_label: kind.label_vi(),
        filename: f.filename,
        content_type: f.content_type,
        size_bytes: f.size_bytes,
        sha256: f.sha256,
        created_at: f.created_at,
    })
}

fn dossier_response(d: DossierDetail) -> Result<DossierResponse, ApiError> {
    let x = d.dossier;
    Ok(DossierResponse {
        id: x.id.into(),
        round_id: x.round_id.into(),
        unit_id: x.unit_id.into(),
        status: x.status,
        status_label: x.status.label_vi(),
        documents: d.documents.into_iter().map(document_response).collect::<Result<_, _>>()?,
        lines: d
            .lines_by_status
            .into_iter()
            .map(|(status, lines)| LineCount { status, status_label: status.label_vi(), lines })
            .collect(),
        version: x.version,
        created_at: x.created_at,
        updated_at: x.updated_at,
        submitted_at: x.submitted_at,
    })
}

fn scope(d: &Dossier) -> Scope {
    Scope::Unit(d.unit_id)
}

/// A dossier the caller may do `action` on; another unit's answers like a missing one.
async fn load(state: &AppState, who: &AuthUser, id: Uuid, action: Action) -> Result<Dossier, ApiError> {
    load_dossier(state, who, DossierId::from(id), action).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DossierRequest {
    /// The unit sending the dossier (the caller's own, for a unit's officer).
    pub unit_id: Uuid,
}

#[derive(Serialize, ToSchema)]
pub struct DossierList {
    pub items: Vec<DossierResponse>,
}

/// The dossiers of a round: all for the board and province-level readers, the caller's own
/// unit's for everyone else.
#[utoipa::path(operation_id = "list_round_dossiers", tag = "rounds", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The round's id")),
    responses((status = 200, description = "The dossiers", body = DossierList), ReadErrors))]
#[get("/rounds/{id}/dossiers")]
pub async fn list_dossiers(
    state: web::Data<AppState>,
    who: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let unit = policy::listed_unit(&who, None)?;
    let id = RoundId::from(id.into_inner());
    let rows = db::run(&state.db, move |conn| {
        model::find_round(conn, id)?;
        model::list_dossiers(conn, id, unit)?
            .into_iter()
            .map(|d| model::dossier_detail(conn, d.id))
            .collect::<Result<Vec<_>, _>>()
    })
    .await?;
    let items = rows.into_iter().map(dossier_response).collect::<Result<_, _>>()?;
    Ok(HttpResponse::Ok().json(DossierList { items }))
}

/// Start the unit's dossier for a round (the unit's officers, admins), while the round is open
/// and before its deadline; one per unit (`409 duplicate`).
#[utoipa::path(operation_id = "create_dossier", tag = "rounds", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The round's id")),
    request_body = DossierRequest,
    responses((status = 201, description = "Created as a draft; `Location` is set", body = DossierResponse), CreateErrors))]
#[post("/rounds/{id}/dossiers")]
pub async fn create_dossier(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    id: web::Path<Uuid>,
    body: JsonBody<DossierRequest>,
) -> Result<HttpResponse, ApiError> {
    let (round_id, unit) = (RoundId::from(id.into_inner()), UnitId::from(body.0.unit_id));
    if policy::decide(&who, Action::Create, Resource::UnitRecord { unit_id: unit }) != Decision::Allow {
        return Err(ApiError::new(ErrorCode::Forbidden, "you send a dossier only for your own unit"));
    }
    let (actor, today) = (who.user_id, today_in_vietnam());
    let body = db::write(&state.db, origin.by(&who), move |conn, journal| {
        let created = dossier_response(model::create_dossier(conn, round_id, unit, actor, today)?)?;
        journal.created("dossier", created.id, Scope::Unit(UnitId::from(created.unit_id)), &created);
        Ok(created)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/dossiers/{}", body.id)))
        .insert_header(etag(body.version))
        .json(body))
}

/// Get a dossier: its status, shared documents and how many lines are in each status.
#[utoipa::path(operation_id = "get_dossier", tag = "rounds", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The dossier's id")),
    responses((status = 200, description = "The dossier; `ETag` is set", body = DossierResponse), ReadErrors))]
#[get("/dossiers/{id}")]
pub async fn read_dossier(
    state: web::Data<AppState>,
    who: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let found = load(&state, &who, id.into_inner(), Action::Read).await?;
    let body = dossier_response(db::run(&state.db, move |conn| model::dossier_detail(conn, found.id)).await?)?;
    Ok(HttpResponse::Ok().insert_header(etag(body.version)).json(body))
}

#[derive(Serialize, ToSchema)]
pub struct DossierLineResponse {
    /// The line's number in the dossier (1, 2, …, in the order added).
    pub line_no: i32,
    /// The line's nomination, with its eligibility, documents and history.
    pub nomination: NominationResponse,
}

#[derive(Serialize, ToSchema)]
pub struct DossierLinePage {
    pub items: Vec<DossierLineResponse>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LineQuery {
    #[param(inline)]
    pub status: Option<NominationStatus>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Lines as answered to the request being handled: each nomination's eligibility in its
/// language (`NominationResponse::speak`). On the way out only; the journal keeps every language.
fn speak(lines: &mut [DossierLineResponse]) {
    lines.iter_mut().for_each(|line| line.nomination.speak());
}

fn line_responses(rows: Vec<(i32, nominations_model::NominationDetail)>) -> Result<Vec<DossierLineResponse>, ApiError> {
    rows.into_iter()
        .map(|(line_no, detail)| Ok(DossierLineResponse { line_no, nomination: nomination_response(detail)? }))
        .collect()
}

/// A dossier's lines by number, each with its nomination (eligibility, documents, history).
#[utoipa::path(operation_id = "list_dossier_lines", tag = "rounds", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The dossier's id"), LineQuery),
    responses((status = 200, description = "One page of lines", body = DossierLinePage), ListErrors))]
#[get("/dossiers/{id}/lines")]
pub async fn list_lines(
    state: web::Data<AppState>,
    who: AuthUser,
    scope: cursor::ListScope,
    id: web::Path<Uuid>,
    query: QueryParams<LineQuery>,
) -> Result<HttpResponse, ApiError> {
    let found = load(&state, &who, id.into_inner(), Action::Read).await?;
    let query = query.0;
    let limit = cursor::limit(query.limit)?;
    let after: Option<i32> = query.cursor.as_deref().map(|c| cursor::decode(&scope, c)).transpose()?;
    let (rows, next_cursor) = db::run(&state.db, move |conn| {
        let rows = model::lines(conn, found.id, query.status, after, limit)?;
        Ok(cursor::page(rows, limit, &scope, |(n, _)| *n))
    })
    .await?;
    let mut items = line_responses(rows)?;
    speak(&mut items);
    crate::http::page::ok(items.len(), &DossierLinePage { items, next_cursor })
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineRequest {
    /// One of the round's award types.
    pub award_type_id: Uuid,
    /// For an individual award: a person of the unit. Left out for a collective award (the unit
    /// itself).
    pub person_id: Option<Uuid>,
    /// Achievements (the unit's own) the line rests on.
    #[serde(default)]
    pub achievement_ids: Vec<Uuid>,
    /// The nominee is under discipline, inspection or complaint (blocks submission).
    #[serde(default)]
    pub under_discipline: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinesRequest {
    /// 1 to 10,000 lines in one request.
    pub lines: Vec<LineRequest>,
}

#[derive(Serialize, ToSchema)]
pub struct LinesAdded {
    pub items: Vec<DossierLineResponse>,
}

/// Add lines to a draft dossier (the unit's officers, admins): each becomes a draft nomination of
/// the unit for the round's year. All lines are checked; any error refuses them all, each named
/// `lines[i].…`. Line documents go to `POST /nominations/{id}/documents`.
#[utoipa::path(operation_id = "add_dossier_lines", tag = "rounds", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The dossier's id")),
    request_body = LinesRequest,
    responses((status = 201, description = "Added, numbered after the lines already there", body = LinesAdded), WriteErrors))]
#[post("/dossiers/{id}/lines")]
pub async fn add_lines(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    id: web::Path<Uuid>,
    body: JsonBody<LinesRequest>,
) -> Result<HttpResponse, ApiError> {
    let dossier = load(&state, &who, id.into_inner(), Action::Update).await?;
    let lines = body.0.lines;
    if lines.is_empty() || lines.len() > 10_000 {
        let mut checks = Checks::default();
        checks.fail("lines", ErrorCode::OutOfRange, "from 1 to 10,000 lines");
        return Err(ApiError::validation(checks.0));
    }
    let mut checks = Checks::default();
    for (i, l) in lines.iter().enumerate() {
        if l.achievement_ids.len() > 100 {
            checks.fail(&format!("lines[{i}].achievement_ids"), ErrorCode::TooMany, "at most 100 achievements");
        }
    }
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let inputs = lines
        .into_iter()
        .map(|l| model::LineInput {
            award_type_id: l.award_type_id.into(),
            person_id: l.person_id.map(PersonId::from),
            achievement_ids: l.achievement_ids.into_iter().map(AchievementId::from).collect(),
            under_discipline: l.under_discipline,
        })
        .collect();
    let (actor, today) = (who.user_id, today_in_vietnam());
    let mut items = db::write(&state.db, origin.by(&who), move |conn, journal| {
        model::lock_dossier(conn, dossier.id)?;
        let before = dossier_response(model::dossier_detail(conn, dossier.id)?)?;
        let added = line_responses(model::add_lines(conn, dossier.id, inputs, actor, today)?)?;
        for line in &added {
            journal.created("nomination", line.nomination.id, scope(&dossier), &line.nomination);
        }
        let after = dossier_response(model::dossier_detail(conn, dossier.id)?)?;
        journal.changed("dossier", "lines_added", dossier.id, scope(&dossier), &before, &after);
        Ok(added)
    })
    .await?;
    speak(&mut items);
    Ok(HttpResponse::Created().json(LinesAdded { items }))
}

/// Add a shared document to a draft dossier (tờ trình, biên bản bình xét of the whole unit): it
/// counts for every line. The raw file is the body, as for a nomination's documents.
#[utoipa::path(operation_id = "upload_dossier_document", tag = "rounds", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The dossier's id"), DocumentUploadQuery),
    request_body(description = "The file itself as the body (not multipart), as for a nomination's documents.", content(
        (FileBytes = "application/octet-stream"),
        (FileBytes = "application/pdf"),
        (FileBytes = "image/png"),
        (FileBytes = "image/jpeg"),
        (FileBytes = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    responses((status = 201, description = "Stored", body = DossierDocumentResponse), WriteErrors))]
#[post("/dossiers/{id}/documents")]
pub async fn upload_document(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
    query: QueryParams<DocumentUploadQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let dossier = load(&state, &who, id.into_inner(), Action::Update).await?;
    if dossier.status != DossierStatus::Draft {
        return Err(ApiError::conflict(ErrorCode::IllegalTransition, "documents are added only to a draft dossier"));
    }
    let received = upload::receive(&req, payload, state.settings.max_upload_bytes).await?;
    let kind = query.0.kind;
    let (file, bytes) =
        received_file(received, &format!("dossiers/{}", dossier.id), query.0.filename.as_deref(), who.user_id);
    let key = file.storage_key.clone();
    let origin = origin.by(&who);
    let body = upload::store_and_write(state.into_inner(), key, bytes, origin, move |conn, journal| {
        let added = document_response(model::add_document(conn, dossier.id, kind, file)?)?;
        journal.record(
            "dossier",
            "document_added",
            dossier.id,
            scope(&dossier),
            None,
            serde_json::to_value(&added).ok(),
        );
        Ok(added)
    })
    .await?;
    Ok(HttpResponse::Created().insert_header((header::LOCATION, body.href.clone())).json(body))
}

/// Download a dossier's shared document (whoever may read the dossier).
#[utoipa::path(operation_id = "download_dossier_document", tag = "rounds", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The document's id")),
    responses(StoredFileResponses, ReadErrors))]
#[get("/dossier-documents/{id}")]
pub async fn download_document(
    state: web::Data<AppState>,
    who: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = StoredFileId::from(id.into_inner());
    let (file, dossier) = db::run(&state.db, move |conn| model::find_document(conn, id)).await?;
    load(&state, &who, dossier.id.into(), Action::Read).await.map_err(|_| ApiError::not_found("document"))?;
    upload::download(&state, &file.storage_key, file.content_type, &file.filename, &file.sha256).await
}

#[derive(Serialize, ToSchema)]
pub struct DossierSubmitted {
    pub dossier: DossierResponse,
    /// The lines submitted, each with its eligibility (warnings for the board included).
    pub items: Vec<DossierLineResponse>,
}

/// Submit the dossier (the unit's officers, admins), before the round's deadline: every draft
/// line is judged and submitted, a line after the same dossier's lines for the titles it needs in
/// the same year. A line with blocking problems refuses the whole submission: `422 not_eligible`,
/// each problem as `lines[<line_no>].eligibility`. Send `If-Match` to submit what you read.
#[utoipa::path(operation_id = "submit_dossier", tag = "rounds", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The dossier's id"), ("If-Match" = Option<String>, Header, description = "The `ETag` last read")),
    responses((status = 200, description = "Submitted, with the lines as judged", body = DossierSubmitted), WriteErrors))]
#[post("/dossiers/{id}/submit")]
pub async fn submit(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match_version(&req)?;
    let dossier = load(&state, &who, id.into_inner(), Action::Update).await?;
    let (actor, today) = (who.user_id, today_in_vietnam());
    let mut body = db::write(&state.db, origin.by(&who), move |conn, journal| {
        model::lock_dossier(conn, dossier.id)?;
        model::lock_lines(conn, dossier.id)?;
        let before = dossier_response(model::dossier_detail(conn, dossier.id)?)?;
        let drafts = model::lines(conn, dossier.id, None, None, i64::from(i32::MAX - 1))?;
        let submitted = model::submit(conn, dossier.id, actor, expected, today)?;
        let mut now = model::details_by_id(conn, &submitted)?;
        let mut items = Vec::with_capacity(submitted.len());
        for (line_no, draft) in drafts {
            let Some(now) = now.remove(&draft.nomination.id) else { continue };
            let n_before = nomination_response(draft)?;
            let n_after = nomination_response(now)?;
            journal.changed("nomination", n_after.status.as_str(), n_after.id, scope(&dossier), &n_before, &n_after);
            items.push(DossierLineResponse { line_no, nomination: n_after });
        }
        let after = dossier_response(model::dossier_detail(conn, dossier.id)?)?;
        journal.changed("dossier", "submitted", dossier.id, scope(&dossier), &before, &after);
        Ok(DossierSubmitted { dossier: after, items })
    })
    .await?;
    speak(&mut body.items);
    Ok(HttpResponse::Ok().json(body))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineAppraisalRequest {
    /// The line's nomination.
    pub nomination_id: Uuid,
    #[schema(inline)]
    pub action: LineAction,
    /// Required to return or reject.
    pub reason: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppraisalRequest {
    /// 1 to 10,000 lines of this dossier.
    pub lines: Vec<LineAppraisalRequest>,
}

#[derive(Serialize, ToSchema)]
pub struct AppraisalResponse {
    pub items: Vec<DossierLineResponse>,
}

/// Appraise lines of a dossier (who runs the round's level), each on its own: `accept` (thẩm định đạt: on to the
/// council or the board's approval), `return` (the unit corrects that line and submits it again
/// with `POST /nominations/{id}/submit`), `reject`. One request for many lines; any line that
/// cannot take its action refuses them all (`lines[i].…`).
#[utoipa::path(operation_id = "appraise_dossier_lines", tag = "rounds", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The dossier's id")),
    request_body = AppraisalRequest,
    responses((status = 200, description = "Appraised, the lines as they are now", body = AppraisalResponse), WriteErrors))]
#[post("/dossiers/{id}/appraisal")]
pub async fn appraise(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    id: web::Path<Uuid>,
    body: JsonBody<AppraisalRequest>,
) -> Result<HttpResponse, ApiError> {
    // The judgement of the level running the round: the board, or a unit's admin for its own
    // round; nobody else, before anything is loaded.
    policy::require_any(&who, &[Role::UnitAdmin])?;
    let dossier = load(&state, &who, id.into_inner(), Action::Read).await?;
    let mut checks = Checks::default();
    let lines = body.0.lines;
    if lines.is_empty() || lines.len() > 10_000 {
        checks.fail("lines", ErrorCode::OutOfRange, "from 1 to 10,000 lines");
    }
    let mut items = Vec::with_capacity(lines.len());
    for (i, l) in lines.into_iter().enumerate() {
        let reason = l
            .reason
            .filter(|r| !r.trim().is_empty())
            .map(|r| check_text(&format!("lines[{i}].reason"), &r, 2000, &mut checks));
        if matches!(l.action, LineAction::Return | LineAction::Reject) && reason.is_none() {
            checks.fail(&format!("lines[{i}].reason"), ErrorCode::Required, "say why");
        }
        items.push(model::Appraisal { nomination_id: l.nomination_id.into(), action: l.action, reason });
    }
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let (actor, today, caller) = (who.user_id, today_in_vietnam(), who.0.clone());
    let mut body = db::write(&state.db, origin.by(&who), move |conn, journal| {
        policy::require_runs_level(&caller, model::find_round(conn, dossier.round_id)?.run_by_unit_id)?;
        // Lines of other dossiers are refused by the model; here only those that exist are read.
        let ids: Vec<NominationId> = items.iter().map(|i| i.nomination_id).collect();
        model::lock_dossier(conn, dossier.id)?;
        nominations_model::lock_all(conn, &ids)?;
        let mut befores = model::details_by_id(conn, &ids)?;
        let done = model::appraise(conn, dossier.id, items, actor, today)?;
        let appraised: Vec<NominationId> = done.iter().map(|(_, id)| *id).collect();
        let mut afters = model::details_by_id(conn, &appraised)?;
        let mut out = Vec::with_capacity(done.len());
        for (line_no, id) in done {
            let (Some(before), Some(after)) = (befores.remove(&id), afters.remove(&id)) else {
                return Err(ApiError::internal(anyhow::anyhow!("line {line_no} was appraised without being read")));
            };
            let n_before = nomination_response(before)?;
            let n_after = nomination_response(after)?;
            journal.changed("nomination", n_after.status.as_str(), n_after.id, scope(&dossier), &n_before, &n_after);
            out.push(DossierLineResponse { line_no, nomination: n_after });
        }
        Ok(AppraisalResponse { items: out })
    })
    .await?;
    speak(&mut body.items);
    Ok(HttpResponse::Ok().json(body))
}
