//! Nominations (đề nghị khen thưởng): a unit proposes one of its people, itself or a household
//! for an award, with the achievements it rests on and a dossier; submission judges
//! eligibility; the board returns, appraises, approves or rejects. Another unit's nominations
//! answer 404. (Council votes, public posting and decisions are the next part.)

use actix_web::http::header;
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::policy::{self, Action, Decision, Resource, Role};
use crate::auth::AuthUser;
use crate::db::journal::Scope;
use crate::db::{self, cursor};
use crate::domain::awards::CommendationType;
use crate::domain::ids::{AwardTypeId, NominationId, StoredFileId, UnitId};
use crate::domain::nominations::{NominationAction, NominationStatus};
use crate::domain::units::today_in_vietnam;
use crate::domain::{check_text, Checks};
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::http::extract::{etag, if_match_version, required_if_match, JsonBody, QueryParams};
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::http::upload::{self, FileBytes, StoredFileResponses};
use crate::models::nominations::{self as model, Nomination, NominationDetail, NominationFilter, NominationInput};
use crate::openapi::errors::{CreateErrors, ListErrors, ReadErrors, ReplaceErrors, WriteErrors};
use crate::routes::shared::{
    nomination_response as response, received_file, require_runs_nomination, visible_scope, DocumentResponse,
    DocumentUploadQuery, NominationResponse,
};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes
        .service(list)
        .service(create)
        .service(read)
        .service(replace)
        .upload(upload_document)
        .service(download_document)
        .service(act);
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NominationRequest {
    pub award_type_id: Uuid,
    /// For an individual award: a person of the unit.
    pub person_id: Option<Uuid>,
    /// The nominating unit (the nominee itself for a collective award).
    pub unit_id: Uuid,
    /// For a household award.
    pub household_name: Option<String>,
    #[schema(example = 2022)]
    #[schema(minimum = 1990, maximum = 2200)]
    pub year: i32,
    pub campaign_id: Option<Uuid>,
    /// Achievements (the unit's own) the nomination rests on.
    #[serde(default)]
    pub achievement_ids: Vec<Uuid>,
    /// The nominee is under discipline, inspection or complaint (blocks submission).
    #[serde(default)]
    pub under_discipline: bool,
    /// The type of commendation (Law Art 8). Left out: a campaign's nomination takes its
    /// campaign's (thematic or regular); any other stays unrecorded.
    pub commendation_type: Option<CommendationType>,
}

fn ok(d: NominationDetail) -> Result<HttpResponse, ApiError> {
    ok_body(response(d)?)
}

fn ok_body(body: NominationResponse) -> Result<HttpResponse, ApiError> {
    let body = body.spoken();
    Ok(HttpResponse::Ok().insert_header(etag(body.version)).json(body))
}

/// A nomination is its unit's record.
fn scope(n: &NominationResponse) -> Scope {
    Scope::Unit(n.unit_id.into())
}

fn input(body: NominationRequest) -> Result<NominationInput, ApiError> {
    let mut checks = Checks::default();
    if !(1990..=2200).contains(&body.year) {
        checks.fail("year", ErrorCode::OutOfRange, "must be between 1990 and 2200");
    }
    let household_name = body
        .household_name
        .filter(|h| !h.trim().is_empty())
        .map(|h| check_text("household_name", &h, 200, &mut checks));
    if body.achievement_ids.len() > 100 {
        checks.fail("achievement_ids", ErrorCode::TooMany, "at most 100 achievements");
    }
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    Ok(NominationInput {
        award_type_id: body.award_type_id.into(),
        person_id: body.person_id.map(Into::into),
        unit_id: body.unit_id.into(),
        household_name,
        year: body.year,
        campaign_id: body.campaign_id.map(Into::into),
        achievement_ids: body.achievement_ids.into_iter().map(Into::into).collect(),
        under_discipline: body.under_discipline,
        commendation_type: body.commendation_type,
    })
}

/// A nomination the caller may do `action` on; another unit's answers like a missing one,
/// unless it is on the caller's council agenda (then it may be read).
async fn load(state: &AppState, who: &AuthUser, id: Uuid, action: Action) -> Result<Nomination, ApiError> {
    let id = NominationId::from(id);
    let member = policy::reviews_agenda(who).then_some(who.user_id);
    let (found, on_agenda) = db::run(&state.db, move |conn| {
        let found = model::find_nomination(conn, id)?;
        let on_agenda = match member {
            Some(member) => model::on_agenda_of(conn, member, model::AgendaLink::Nomination(found.id))?,
            None => false,
        };
        Ok((found, on_agenda))
    })
    .await?;
    policy::authorize_or_hide(
        who,
        action,
        Resource::ReviewedRecord { unit_id: found.unit_id, on_agenda },
        model::nomination_not_found,
    )?;
    Ok(found)
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NominationQuery {
    pub unit_id: Option<Uuid>,
    #[param(inline)]
    pub status: Option<NominationStatus>,
    pub award_type_id: Option<Uuid>,
    pub year: Option<i32>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct NominationPage {
    pub items: Vec<NominationResponse>,
    pub next_cursor: Option<String>,
}

/// Nominations, newest first: all for the board and province-level readers, the caller's own
/// unit's for everyone else.
#[utoipa::path(operation_id = "list_nominations", tag = "nominations", security(("bearer" = [])), params(NominationQuery),
    responses((status = 200, description = "One page of nominations", body = NominationPage), ListErrors))]
#[get("/nominations")]
pub async fn list(
    state: web::Data<AppState>,
    who: AuthUser,
    scope: cursor::ListScope,
    query: QueryParams<NominationQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let limit = cursor::limit(query.limit)?;
    let (council_member, own_unit) = visible_scope(&who)?;
    let filter = NominationFilter {
        council_member,
        own_unit,
        unit_id: query.unit_id.map(UnitId::from),
        status: query.status,
        award_type_id: query.award_type_id.map(AwardTypeId::from),
        year: query.year,
        before_id: query.cursor.as_deref().map(|c| cursor::decode(&scope, c)).transpose()?,
        limit,
    };
    let (rows, next_cursor) = db::run(&state.db, move |conn| {
        let rows = model::list(conn, &filter)?;
        Ok(cursor::page(rows, limit, &scope, |d| d.nomination.id))
    })
    .await?;
    let mut items: Vec<NominationResponse> = rows.into_iter().map(response).collect::<Result<_, _>>()?;
    items.iter_mut().for_each(NominationResponse::speak);
    crate::http::page::ok(items.len(), &NominationPage { items, next_cursor })
}

/// Start a nomination as a draft (officers of the unit, admins).
#[utoipa::path(operation_id = "create_nomination", tag = "nominations", security(("bearer" = [])), request_body = NominationRequest,
    responses((status = 201, description = "Created as a draft", body = NominationResponse), CreateErrors))]
#[post("/nominations")]
pub async fn create(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    body: JsonBody<NominationRequest>,
) -> Result<HttpResponse, ApiError> {
    let unit_id = UnitId::from(body.0.unit_id);
    if policy::decide(&who, Action::Create, Resource::UnitRecord { unit_id }) != Decision::Allow {
        return Err(ApiError::new(ErrorCode::Forbidden, "you nominate only for your own unit"));
    }
    let input = input(body.0)?;
    let actor = who.user_id;
    let body = db::write(&state.db, origin.by(&who), move |conn, journal| {
        let created = response(model::create_nomination(conn, input, actor)?)?;
        journal.created("nomination", created.id, scope(&created), &created);
        Ok(created)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/nominations/{}", body.id)))
        .insert_header(etag(body.version))
        .json(body.spoken()))
}

/// Get a nomination with its dossier and history.
#[utoipa::path(operation_id = "get_nomination", tag = "nominations", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The nomination's id")),
    responses((status = 200, description = "The nomination; `ETag` is set", body = NominationResponse), ReadErrors))]
#[get("/nominations/{id}")]
pub async fn read(state: web::Data<AppState>, who: AuthUser, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let found = load(&state, &who, id.into_inner(), Action::Read).await?;
    ok(db::run(&state.db, move |conn| model::detail(conn, found.id)).await?)
}

/// Replace a draft or returned nomination (officers of the unit, admins). Send `If-Match`.
#[utoipa::path(operation_id = "replace_nomination", tag = "nominations", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The nomination's id"), ("If-Match" = String, Header, description = "The `ETag` last read (required)")),
    request_body = NominationRequest,
    responses((status = 200, description = "Replaced", body = NominationResponse), ReplaceErrors))]
#[put("/nominations/{id}")]
pub async fn replace(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<NominationRequest>,
) -> Result<HttpResponse, ApiError> {
    let expected = required_if_match(&req)?;
    let current = load(&state, &who, id.into_inner(), Action::Update).await?;
    if UnitId::from(body.0.unit_id) != current.unit_id {
        return Err(ApiError::validation(vec![FieldError::new(
            "unit_id",
            ErrorCode::Immutable,
            "a nomination cannot move to another unit",
        )]));
    }
    let input = input(body.0)?;
    let replaced = db::write(&state.db, origin.by(&who), move |conn, journal| {
        model::lock(conn, current.id)?;
        let before = response(model::detail(conn, current.id)?)?;
        let after = response(model::replace_nomination(conn, current.id, input, expected)?)?;
        journal.updated("nomination", after.id, scope(&after), &before, &after);
        Ok(after)
    })
    .await?;
    ok_body(replaced)
}

/// Add a dossier document to a draft or returned nomination: the raw file as the body, with
/// its Content-Type (PDF, PNG, JPEG, DOCX, XLSX), checked on content.
#[utoipa::path(operation_id = "upload_nomination_document", tag = "nominations", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The nomination's id"), DocumentUploadQuery),
    request_body(description = "The file itself as the body (not multipart), with its own `Content-Type` (PDF, PNG, JPEG, DOCX or XLSX), or as `application/octet-stream` when the type is not known: the content then decides. The content must be what the type says (422 `content_mismatch`); any other type answers 415.", content(
        (FileBytes = "application/octet-stream"),
        (FileBytes = "application/pdf"),
        (FileBytes = "image/png"),
        (FileBytes = "image/jpeg"),
        (FileBytes = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    responses((status = 201, description = "Stored", body = DocumentResponse), WriteErrors))]
#[post("/nominations/{id}/documents")]
pub async fn upload_document(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
    query: QueryParams<DocumentUploadQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let nomination = load(&state, &who, id.into_inner(), Action::Update).await?;
    if !nomination.status.is_editable() {
        return Err(ApiError::conflict(
            ErrorCode::NominationLocked,
            "documents are added only to a draft or returned nomination",
        ));
    }
    let received = upload::receive(&req, payload, state.settings.max_upload_bytes).await?;
    let kind = query.0.kind;
    let (document, bytes) =
        received_file(received, &format!("nominations/{}", nomination.id), query.0.filename.as_deref(), who.user_id);
    let key = document.storage_key.clone();
    let (origin, unit) = (origin.by(&who), Scope::Unit(nomination.unit_id));
    let body = upload::store_and_write(state.into_inner(), key, bytes, origin, move |conn, journal| {
        let added = DocumentResponse::from(model::add_document(conn, nomination.id, kind, document)?);
        // About the nomination (whose dossier changed), with the document as added.
        journal.record("nomination", "document_added", nomination.id, unit, None, serde_json::to_value(&added).ok());
        Ok(added)
    })
    .await?;
    Ok(HttpResponse::Created().insert_header((header::LOCATION, body.href.clone())).json(body))
}

/// Download a dossier document (whoever may read the nomination).
#[utoipa::path(operation_id = "download_nomination_document", tag = "nominations", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The document's id")),
    responses(StoredFileResponses, ReadErrors))]
#[get("/nomination-documents/{id}")]
pub async fn download_document(
    state: web::Data<AppState>,
    who: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = StoredFileId::from(id.into_inner());
    let (document, nomination) = db::run(&state.db, move |conn| model::find_document(conn, id)).await?;
    // Whoever may read the nomination may read its documents.
    load(&state, &who, nomination.id.into(), Action::Read).await.map_err(|_| ApiError::not_found("document"))?;
    upload::download(&state, &document.storage_key, document.content_type, &document.filename, &document.sha256).await
}

/// Why (required to return or reject).
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    /// Required to return or reject.
    pub reason: Option<String>,
}

/// Move a nomination: `submit` (the unit; judges eligibility and refuses on blocking problems,
/// 422 `not_eligible`), `withdraw` (the unit, before approval or while posted before its
/// council), `return`, `appraise`, `approve`
/// (only when the award needs no council vote), `reject` (the board; a unit's admin for its
/// unit's nominations of awards its level grants).
#[utoipa::path(operation_id = "act_on_nomination", tag = "nominations", security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The nomination's id"),
        ("action" = NominationAction, Path, description = "submit, withdraw, return, appraise, approve or reject"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` last read"),
    ),
    request_body = ActionRequest,
    responses((status = 200, description = "Moved; the history records who, when and why", body = NominationResponse), WriteErrors))]
#[post("/nominations/{id}/{action}")]
pub async fn act(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    path: web::Path<(Uuid, String)>,
    body: JsonBody<ActionRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, action) = path.into_inner();
    let Some(action) = NominationAction::parse(&action) else {
        return Err(ApiError::new(ErrorCode::RouteNotFound, "no such action on a nomination"));
    };
    let expected = if_match_version(&req)?;
    let unit_action = matches!(action, NominationAction::Submit | NominationAction::Withdraw);
    if !unit_action {
        policy::require_any(&who, &[Role::UnitAdmin])?;
    }
    let current = load(&state, &who, id, if unit_action { Action::Update } else { Action::Read }).await?;
    let mut checks = Checks::default();
    let reason = body.0.reason.filter(|r| !r.trim().is_empty()).map(|r| check_text("reason", &r, 2000, &mut checks));
    if matches!(action, NominationAction::Return | NominationAction::Reject) && reason.is_none() {
        checks.fail("reason", ErrorCode::Required, "say why");
    }
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let (actor, today, caller) = (who.user_id, today_in_vietnam(), who.0.clone());
    let moved = db::write(&state.db, origin.by(&who), move |conn, journal| {
        if !unit_action {
            let nomination = model::find_nomination(conn, current.id)?;
            require_runs_nomination(conn, &caller, &nomination)?;
        }
        model::lock(conn, current.id)?;
        let before = response(model::detail(conn, current.id)?)?;
        let after = response(model::transition(conn, current.id, action, actor, reason, expected, today)?)?;
        // The verb is the state reached: nomination.submitted, .returned, .approved, …
        journal.changed("nomination", after.status.as_str(), after.id, scope(&after), &before, &after);
        Ok(after)
    })
    .await?;
    ok_body(moved)
}
