//! Initiatives (sáng kiến): recognised by a body at a scope (cơ sở, tỉnh, toàn quốc) by a
//! decision, with their authors and shares and evidence files. A unit's record: its officers
//! keep their unit's, another unit's answer 404; the board and province-level readers see all.
//! Searchable without diacritics; `person_id` lists a person's.

use actix_web::http::header;
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::policy::{self, Action, Decision, Resource};
use crate::auth::AuthUser;
use crate::db::journal::Scope;
use crate::db::{self, cursor};
use crate::domain::ids::{InitiativeId, PersonId, StoredFileId, UnitId};
use crate::domain::initiatives::{check_initiative, AuthorShare, InitiativeInput, RecognitionScope};
use crate::domain::{text, Checks};
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::http::extract::{etag, required_if_match, JsonBody, QueryParams};
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::http::upload::{self, FileBytes, StoredFileResponses};
use crate::models::initiatives::{self as model, Initiative, InitiativeDetail, InitiativeFilter};
use crate::models::stored_files::StoredFile;
use crate::openapi::errors::{CreateErrors, ListErrors, ReadErrors, ReplaceErrors, WriteErrors};
use crate::routes::shared::{received_file, AttachmentQuery};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes
        .service(list)
        .service(create)
        .service(read)
        .service(replace)
        .upload(upload_evidence)
        .service(download_evidence);
}

/// One author and their share, in percent.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthorRequest {
    pub person_id: Uuid,
    /// Percent, a decimal string; the shares of all authors sum to 100.
    #[schema(example = "60")]
    pub share_percent: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InitiativeRequest {
    #[schema(example = "Số hóa hồ sơ thi đua, khen thưởng cấp xã")]
    pub title: String,
    /// The unit whose record it is; it does not change on replace.
    pub unit_id: Uuid,
    /// Lĩnh vực.
    #[schema(example = "Cải cách hành chính")]
    pub field: String,
    /// The body that recognised it (hội đồng sáng kiến, the issuing authority).
    #[schema(example = "Hội đồng sáng kiến Sở Nội vụ")]
    pub recognised_by: String,
    #[schema(value_type = RecognitionScope)]
    pub scope: String,
    #[schema(example = "25/QĐ-SNV")]
    pub decision_number: String,
    pub decision_date: NaiveDate,
    #[schema(example = 2025, minimum = 1990, maximum = 2200)]
    pub year: i32,
    /// At least one, at most 50; each person once; shares sum to 100.
    pub authors: Vec<AuthorRequest>,
}

#[derive(Serialize, ToSchema)]
pub struct InitiativeEvidenceResponse {
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
pub struct InitiativeResponse {
    pub id: Uuid,
    pub title: String,
    pub unit_id: Uuid,
    pub field: String,
    pub recognised_by: String,
    pub scope: RecognitionScope,
    /// `scope` as people read it (Vietnamese).
    pub scope_label: &'static str,
    pub decision_number: String,
    pub decision_date: NaiveDate,
    pub year: i32,
    pub authors: Vec<AuthorRequest>,
    pub evidence: Vec<InitiativeEvidenceResponse>,
    pub version: i32,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<StoredFile> for InitiativeEvidenceResponse {
    fn from(f: StoredFile) -> InitiativeEvidenceResponse {
        InitiativeEvidenceResponse {
            href: format!("/api/v1/initiative-evidence/{}", f.id),
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

impl From<InitiativeDetail> for InitiativeResponse {
    fn from(d: InitiativeDetail) -> InitiativeResponse {
        let i = d.initiative;
        InitiativeResponse {
            id: i.id.into(),
            unit_id: i.unit_id.into(),
            scope: i.scope,
            scope_label: i.scope.label_vi(),
            authors: d
                .authors
                .into_iter()
                .map(|a| AuthorRequest { person_id: a.person_id.into(), share_percent: a.share_percent })
                .collect(),
            evidence: d.evidence.into_iter().map(InitiativeEvidenceResponse::from).collect(),
            title: i.title,
            field: i.field,
            recognised_by: i.recognised_by,
            decision_number: i.decision_number,
            decision_date: i.decision_date,
            year: i.year,
            version: i.version,
            created_at: i.created_at,
            updated_at: i.updated_at,
        }
    }
}

fn checked(body: InitiativeRequest) -> Result<crate::domain::initiatives::CheckedInitiative, ApiError> {
    let mut checks = Checks::default();
    let input = InitiativeInput {
        title: body.title,
        field: body.field,
        recognised_by: body.recognised_by,
        scope: body.scope,
        decision_number: body.decision_number,
        decision_date: body.decision_date,
        year: body.year,
        authors: body
            .authors
            .into_iter()
            .map(|a| AuthorShare { person_id: a.person_id.into(), share_percent: a.share_percent })
            .collect(),
    };
    check_initiative(input, &mut checks).ok_or_else(|| ApiError::validation(checks.0))
}

/// An initiative the caller may do `action` on; another unit's answers like a missing one.
async fn load(state: &AppState, who: &AuthUser, id: Uuid, action: Action) -> Result<Initiative, ApiError> {
    let id = InitiativeId::from(id);
    let found = db::run(&state.db, move |conn| model::find(conn, id)).await?;
    policy::authorize_or_hide(
        who,
        action,
        Resource::UnitRecord { unit_id: found.unit_id },
        model::initiative_not_found,
    )?;
    Ok(found)
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InitiativeQuery {
    /// Only this unit's (unit-bound users always get their own unit's).
    pub unit_id: Option<Uuid>,
    /// Only those this person is an author of.
    pub person_id: Option<Uuid>,
    #[param(inline)]
    pub scope: Option<RecognitionScope>,
    pub year: Option<i32>,
    /// Part of the title, ignoring case and diacritics.
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct InitiativePage {
    pub items: Vec<InitiativeResponse>,
    pub next_cursor: Option<String>,
}

/// List initiatives by title: all for the board and province-level readers, the caller's own
/// unit's for everyone else. `person_id` gives a person's; `q` searches titles without diacritics.
#[utoipa::path(operation_id = "list_initiatives", tag = "initiatives", security(("bearer" = [])), params(InitiativeQuery),
    responses((status = 200, description = "One page of initiatives", body = InitiativePage), ListErrors))]
#[get("/initiatives")]
pub async fn list(
    state: web::Data<AppState>,
    who: AuthUser,
    scope: cursor::ListScope,
    query: QueryParams<InitiativeQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let limit = cursor::limit(query.limit)?;
    let unit_id = policy::listed_unit(&who, query.unit_id.map(UnitId::from))?;
    let filter = InitiativeFilter {
        unit_id,
        person_id: query.person_id.map(PersonId::from),
        scope: query.scope,
        year: query.year,
        search: query.q.as_deref().map(text::fold).filter(|q| !q.is_empty()),
        after: query.cursor.as_deref().map(|c| cursor::decode(&scope, c)).transpose()?,
        limit,
    };
    let rows = db::run(&state.db, move |conn| {
        let rows = model::list(conn, &filter)?;
        model::details(conn, rows)
    })
    .await?;
    let (rows, next_cursor) =
        cursor::page(rows, limit, &scope, |d| (d.initiative.title_folded.clone(), d.initiative.id));
    let items: Vec<_> = rows.into_iter().map(InitiativeResponse::from).collect();
    crate::http::page::ok(items.len(), &InitiativePage { items, next_cursor })
}

/// Record a recognised initiative (the unit's officers, admins).
#[utoipa::path(operation_id = "create_initiative", tag = "initiatives", security(("bearer" = [])), request_body = InitiativeRequest,
    responses((status = 201, description = "Created; `Location` and `ETag` are set", body = InitiativeResponse), CreateErrors))]
#[post("/initiatives")]
pub async fn create(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    body: JsonBody<InitiativeRequest>,
) -> Result<HttpResponse, ApiError> {
    let unit_id = UnitId::from(body.0.unit_id);
    if policy::decide(&who, Action::Create, Resource::UnitRecord { unit_id }) != Decision::Allow {
        return Err(ApiError::new(ErrorCode::Forbidden, "you record initiatives only for your own unit"));
    }
    let new = checked(body.0)?;
    let actor = who.user_id;
    let body = db::write(&state.db, origin.by(&who), move |conn, journal| {
        let created = InitiativeResponse::from(model::create(conn, unit_id, &new, actor)?);
        journal.created("initiative", created.id, Scope::Unit(unit_id), &created);
        Ok(created)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/initiatives/{}", body.id)))
        .insert_header(etag(body.version))
        .json(body))
}

/// Get an initiative with its authors and evidence.
#[utoipa::path(operation_id = "get_initiative", tag = "initiatives", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The initiative's id")),
    responses((status = 200, description = "The initiative; `ETag` is set", body = InitiativeResponse), ReadErrors))]
#[get("/initiatives/{id}")]
pub async fn read(state: web::Data<AppState>, who: AuthUser, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let found = load(&state, &who, id.into_inner(), Action::Read).await?;
    let body = InitiativeResponse::from(db::run(&state.db, move |conn| model::detail(conn, found.id)).await?);
    Ok(HttpResponse::Ok().insert_header(etag(body.version)).json(body))
}

/// Replace an initiative's details and authors (the unit's officers, admins). Send `If-Match`.
/// It stays its unit's: `unit_id` must be the same.
#[utoipa::path(operation_id = "replace_initiative", tag = "initiatives", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The initiative's id"), ("If-Match" = String, Header, description = "The `ETag` last read (required)")),
    request_body = InitiativeRequest,
    responses((status = 200, description = "Replaced; the new `ETag` is set", body = InitiativeResponse), ReplaceErrors))]
#[put("/initiatives/{id}")]
pub async fn replace(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<InitiativeRequest>,
) -> Result<HttpResponse, ApiError> {
    let expected = required_if_match(&req)?;
    let current = load(&state, &who, id.into_inner(), Action::Update).await?;
    if UnitId::from(body.0.unit_id) != current.unit_id {
        return Err(ApiError::validation(vec![FieldError::new(
            "unit_id",
            ErrorCode::Immutable,
            "an initiative stays the record of its unit",
        )]));
    }
    let new = checked(body.0)?;
    let body = db::write(&state.db, origin.by(&who), move |conn, journal| {
        model::lock(conn, current.id)?;
        let before = InitiativeResponse::from(model::detail(conn, current.id)?);
        let after = InitiativeResponse::from(model::replace(conn, current.id, &new, expected)?);
        journal.updated("initiative", current.id, Scope::Unit(current.unit_id), &before, &after);
        Ok(after)
    })
    .await?;
    Ok(HttpResponse::Ok().insert_header(etag(body.version)).json(body))
}

/// Attach an evidence file (the recognition decision, the description): the raw file is the
/// request body, its `Content-Type` one of PDF, PNG, JPEG, DOCX or XLSX and matching the bytes.
#[utoipa::path(operation_id = "upload_initiative_evidence", tag = "initiatives", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The initiative's id"), AttachmentQuery),
    request_body(description = "The file itself as the body (not multipart), as for a report's evidence.", content(
        (FileBytes = "application/octet-stream"),
        (FileBytes = "application/pdf"),
        (FileBytes = "image/png"),
        (FileBytes = "image/jpeg"),
        (FileBytes = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    responses((status = 201, description = "Stored", body = InitiativeEvidenceResponse), WriteErrors))]
#[post("/initiatives/{id}/evidence")]
pub async fn upload_evidence(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
    query: QueryParams<AttachmentQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let initiative = load(&state, &who, id.into_inner(), Action::Update).await?;
    let received = upload::receive(&req, payload, state.settings.max_upload_bytes).await?;
    let (file, bytes) =
        received_file(received, &format!("initiatives/{}", initiative.id), query.0.filename.as_deref(), who.user_id);
    let key = file.storage_key.clone();
    let (origin, scope, initiative_id) = (origin.by(&who), Scope::Unit(initiative.unit_id), initiative.id);
    let body = upload::store_and_write(state.into_inner(), key, bytes, origin, move |conn, journal| {
        let added = InitiativeEvidenceResponse::from(model::add_evidence(conn, initiative_id, file)?);
        journal.record("initiative", "evidence_added", initiative_id, scope, None, serde_json::to_value(&added).ok());
        Ok(added)
    })
    .await?;
    Ok(HttpResponse::Created().insert_header((header::LOCATION, body.href.clone())).json(body))
}

/// Download an initiative's evidence file (whoever may read the initiative).
#[utoipa::path(operation_id = "download_initiative_evidence", tag = "initiatives", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The file's id")),
    responses(StoredFileResponses, ReadErrors))]
#[get("/initiative-evidence/{id}")]
pub async fn download_evidence(
    state: web::Data<AppState>,
    who: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = StoredFileId::from(id.into_inner());
    let (file, initiative_id) = db::run(&state.db, move |conn| model::find_evidence(conn, id))
        .await?
        .ok_or_else(|| ApiError::not_found("evidence file"))?;
    load(&state, &who, initiative_id.into(), Action::Read).await.map_err(|_| ApiError::not_found("evidence file"))?;
    upload::download(&state, &file.storage_key, file.content_type, &file.filename, &file.sha256).await
}
