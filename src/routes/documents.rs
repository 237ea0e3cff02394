//! Documents a board signs (issue 16): the templates of each kind and the board's versions of
//! them (`/document-templates`), documents generated from records as DOCX or PDF
//! (`/documents`), and a decision's signed PDF, whose digital signature is verified before it is
//! recorded (`/decisions/{id}/signed-copy`).

mod values;

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::policy::{self, Action, Principal, Resource, Role};
use crate::auth::AuthUser;
use crate::db::journal::Scope;
use crate::db::{self, cursor, DbConn};
use crate::documents::{docx, pdf, signature, templates};
use crate::domain::documents::{DecisionStatus, DocumentFormat, TemplateKind, BUILT_IN_VERSION};
use crate::domain::evidence::EvidenceType;
use crate::domain::ids::{CouncilSessionId, DecisionId, DocumentId, DocumentTemplateId};
use crate::domain::text::normalize_block;
use crate::error::{ApiError, Arg, ErrorCode, FieldError};
use crate::http::extract::{JsonBody, QueryParams};
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::http::upload::{self, DocumentFileResponses, DocxFileResponses, FileBytes, PdfFileResponses};
use crate::models::council as sessions;
use crate::models::decisions as decisions_model;
use crate::models::documents::{self as model, DecisionSignature, GeneratedDocument, NewTemplate, TemplateVersion};
use crate::openapi::errors::{CreateErrors, ListErrors, ReadErrors, WriteErrors};
use crate::routes::shared::SignatureResponse;
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes
        .service(list_templates)
        .service(download_template)
        .upload(upload_template)
        .service(generate)
        .service(list_documents)
        .service(read_document)
        .service(download_document)
        .upload(upload_signed_copy)
        .service(download_signed_copy);
}

/// A version of a document template.
#[derive(Serialize, ToSchema)]
pub struct TemplateVersionResponse {
    pub kind: TemplateKind,
    pub kind_label: &'static str,
    /// 1 is the built-in template; a board's uploads are 2, 3, … (a version never changes, so
    /// this is no record `version` to send back in `If-Match`).
    pub version_number: i32,
    pub built_in: bool,
    /// The newest version of its kind: what documents use unless they name another.
    pub current: bool,
    /// The form it follows (for the built-in ones).
    pub legal_basis: Option<&'static str>,
    /// The placeholders it fills.
    pub placeholders: Vec<String>,
    pub note: Option<String>,
    pub uploaded_by: Option<Uuid>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339_opt")]
    pub created_at: Option<DateTime<Utc>>,
    pub sha256: Option<String>,
    pub size_bytes: Option<i64>,
    /// Where to download it as DOCX.
    #[schema(example = "/api/v1/document-templates/decision/1")]
    pub href: String,
}

fn template_href(kind: TemplateKind, version: i32) -> String {
    format!("/api/v1/document-templates/{}/{version}", kind.as_str())
}

/// The placeholders of each built-in template, read once (they are compiled in).
fn built_in_placeholders(kind: TemplateKind) -> Vec<String> {
    static READ: std::sync::OnceLock<Vec<Vec<String>>> = std::sync::OnceLock::new();
    READ.get_or_init(|| {
        TemplateKind::ALL.iter().map(|k| docx::placeholders(&templates::built_in(*k)).unwrap_or_default()).collect()
    })[kind.position()]
    .clone()
}

fn built_in_response(kind: TemplateKind, current: bool) -> TemplateVersionResponse {
    let placeholders = built_in_placeholders(kind);
    TemplateVersionResponse {
        kind,
        kind_label: kind.label_vi(),
        version_number: BUILT_IN_VERSION,
        built_in: true,
        current,
        legal_basis: Some(kind.legal_basis()),
        placeholders,
        note: None,
        uploaded_by: None,
        created_at: None,
        sha256: None,
        size_bytes: None,
        href: template_href(kind, BUILT_IN_VERSION),
    }
}

fn uploaded_response(t: TemplateVersion, current: bool) -> TemplateVersionResponse {
    TemplateVersionResponse {
        kind: t.kind,
        kind_label: t.kind.label_vi(),
        version_number: t.version,
        built_in: false,
        current,
        legal_basis: None,
        placeholders: t.placeholders.split_whitespace().map(str::to_string).collect(),
        note: t.note,
        uploaded_by: Some(t.uploaded_by.into()),
        created_at: Some(t.created_at),
        sha256: Some(t.sha256),
        size_bytes: Some(t.size_bytes),
        href: template_href(t.kind, t.version),
    }
}

#[derive(Serialize, ToSchema)]
pub struct TemplateList {
    /// Every version of every kind, by kind and version.
    pub items: Vec<TemplateVersionResponse>,
}

/// The document templates: each kind's built-in version 1 and the board's uploads (everyone
/// signed in).
#[utoipa::path(operation_id = "list_document_templates", tag = "documents", security(("bearer" = [])),
    responses((status = 200, description = "Every template version", body = TemplateList), ListErrors))]
#[get("/document-templates")]
pub async fn list_templates(state: web::Data<AppState>, who: AuthUser) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, Action::Read, Resource::Registry)?;
    let uploaded = db::run(&state.db, model::template_versions).await?;
    let mut items = Vec::new();
    for kind in TemplateKind::ALL.iter().copied() {
        let of_kind: Vec<&TemplateVersion> = uploaded.iter().filter(|t| t.kind == kind).collect();
        items.push(built_in_response(kind, of_kind.is_empty()));
        let newest = of_kind.iter().map(|t| t.version).max();
        for t in of_kind {
            items.push(uploaded_response(t.clone(), Some(t.version) == newest));
        }
    }
    Ok(HttpResponse::Ok().json(TemplateList { items }))
}

fn parse_kind(kind: &str) -> Result<TemplateKind, ApiError> {
    TemplateKind::parse(kind).ok_or_else(|| ApiError::not_found("template"))
}

/// A template version as DOCX (everyone signed in): version 1 is the built-in one.
#[utoipa::path(operation_id = "download_document_template", tag = "documents", security(("bearer" = [])),
    params(("kind" = TemplateKind, Path, description = "The kind of document"),
        ("version" = i32, Path, description = "The version (1: built in)")),
    responses(DocxFileResponses, ReadErrors))]
#[get("/document-templates/{kind}/{version}")]
pub async fn download_template(
    state: web::Data<AppState>,
    who: AuthUser,
    path: web::Path<(String, i32)>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, Action::Read, Resource::Registry)?;
    let (kind, version) = path.into_inner();
    let kind = parse_kind(&kind)?;
    let filename = templates::filename(kind, version);
    if version == BUILT_IN_VERSION {
        let bytes = web::block(move || templates::built_in(kind)).await.map_err(blocking_failed)?;
        let sha256 = hex::encode(Sha256::digest(&bytes));
        return Ok(upload::attachment(bytes.into(), DocumentFormat::Docx.content_type().into(), &filename, &sha256));
    }
    let found = db::run(&state.db, move |conn| model::template_version(conn, kind, Some(version)))
        .await?
        .ok_or_else(|| ApiError::not_found("template"))?;
    upload::download(&state, &found.storage_key, DocumentFormat::Docx.content_type().into(), &filename, &found.sha256)
        .await
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TemplateUploadQuery {
    /// What changed in this version.
    pub note: Option<String>,
}

/// Upload the board's own version of a template (the board): a DOCX whose placeholders are all
/// ones its kind fills, each list's only inside one table row (422 `invalid_template`, naming
/// them, otherwise). It becomes the newest version, which documents use from now on; documents
/// made before keep the version that made them.
#[utoipa::path(operation_id = "upload_document_template", tag = "documents", security(("bearer" = [])),
    params(("kind" = TemplateKind, Path, description = "The kind of document"), TemplateUploadQuery),
    request_body(description = "The DOCX file itself as the body (not multipart).", content(
        (FileBytes = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (FileBytes = "application/octet-stream"),
    )),
    responses((status = 201, description = "Stored as the newest version", body = TemplateVersionResponse), CreateErrors))]
#[post("/document-templates/{kind}")]
pub async fn upload_template(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    kind: web::Path<String>,
    query: QueryParams<TemplateUploadQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, Action::Update, Resource::Registry)?;
    let kind = parse_kind(&kind)?;
    let note = query.0.note.map(|n| normalize_block(&n)).filter(|n| !n.is_empty());
    let received = upload::receive(&req, payload, state.settings.max_upload_bytes).await?;
    if received.file_type != EvidenceType::Docx {
        return Err(ApiError::new(ErrorCode::UnsupportedFileType, "a template is a DOCX file"));
    }
    let bytes = received.bytes;
    let checked = bytes.clone();
    let placeholders = web::block(move || check_template(kind, &checked)).await.map_err(blocking_failed)??;
    let id = DocumentTemplateId::generate();
    let new = NewTemplate {
        id,
        kind,
        size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        sha256: received.sha256,
        storage_key: format!("templates/{}/{id}.docx", kind.as_str()),
        placeholders: placeholders.join(" "),
        note,
        uploaded_by: who.user_id,
        created_at: Utc::now(),
    };
    let key = new.storage_key.clone();
    let body = upload::store_and_write(state.into_inner(), key, bytes, origin.by(&who), move |conn, journal| {
        let added = uploaded_response(model::add_template_version(conn, new)?, true);
        journal.created("document_template", id, Scope::Registry, &added);
        Ok(added)
    })
    .await?;
    Ok(HttpResponse::Created().insert_header((header::LOCATION, body.href.clone())).json(body))
}

/// The placeholders of an uploaded template, if every one is known to its kind and it fills
/// (a trial fill with every list empty and every field blank).
fn check_template(kind: TemplateKind, bytes: &[u8]) -> Result<Vec<String>, ApiError> {
    let invalid = |detail: String| {
        let message = format!("the template cannot be used: {detail}");
        let error = FieldError::new("body", ErrorCode::InvalidTemplate, message);
        ApiError::validation(vec![error.localized("invalid_template-detail", [("detail", Arg::text(detail))])])
    };
    let placeholders = docx::placeholders(bytes).map_err(|e| invalid(e.to_string()))?;
    let unknown: Vec<String> = placeholders.iter().filter(|p| !kind.knows(p)).map(|p| format!("{{{{{p}}}}}")).collect();
    if !unknown.is_empty() {
        let names = unknown.join(", ");
        let message = format!("the template has placeholders a {} does not fill: {names}", kind.as_str());
        let error = FieldError::new("body", ErrorCode::InvalidTemplate, message);
        return Err(ApiError::validation(vec![
            error.localized("invalid_template-unknown", [("names", Arg::text(names))])
        ]));
    }
    let mut trial = docx::Values::default();
    for p in &placeholders {
        match p.split_once('.') {
            None => {
                trial.fields.insert(p.clone(), String::new());
            }
            Some((list, _)) => {
                trial.lists.entry(list.to_string()).or_default();
            }
        }
    }
    let filled = docx::fill(bytes, &trial).map_err(|e| invalid(e.to_string()))?;
    // Laid out once too, so a template past the renderer's limits (pages, size) is refused now
    // rather than failing every PDF made from it.
    pdf::render(&filled).map_err(|e| invalid(format!("it cannot be laid out as PDF: {e}")))?;
    Ok(placeholders)
}

fn blocking_failed(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(anyhow::anyhow!("document work failed: {e}"))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GeneratedDocumentRequest {
    pub kind: TemplateKind,
    /// The record it is made from: a unit dossier's id (`submission`, `nominee_list`), a
    /// nomination's (the achievement reports), a closed council session's (`council_minutes`), a
    /// decision's (`decision`) or an award's (`certificate`).
    pub source_id: Uuid,
    pub format: DocumentFormat,
    /// The template version to fill; left out, the newest.
    pub template_version: Option<i32>,
}

/// A generated document.
#[derive(Serialize, ToSchema)]
pub struct GeneratedDocumentResponse {
    pub id: Uuid,
    pub kind: TemplateKind,
    pub kind_label: &'static str,
    pub format: DocumentFormat,
    pub source_id: Uuid,
    /// Whose record it was made from; `null`: the province's.
    pub unit_id: Option<Uuid>,
    /// The version of the kind's template that made it (1: built in).
    pub template_version: i32,
    #[schema(example = "quyet-dinh-12-QĐ-UBND.pdf")]
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub created_by: Uuid,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub created_at: DateTime<Utc>,
    /// Where to download it.
    #[schema(example = "/api/v1/documents/0191f0a4-7c5e-7cc3-8f0a-3c1b2f4e5d6a/file")]
    pub href: String,
}

impl From<GeneratedDocument> for GeneratedDocumentResponse {
    fn from(d: GeneratedDocument) -> GeneratedDocumentResponse {
        let source_id = Uuid::parse_str(&d.source_id).unwrap_or_default();
        GeneratedDocumentResponse {
            href: format!("/api/v1/documents/{}/file", Uuid::from(d.id)),
            id: d.id.into(),
            kind: d.kind,
            kind_label: d.kind.label_vi(),
            format: d.format,
            source_id,
            unit_id: d.unit_id.map(Uuid::from),
            template_version: d.template_version,
            filename: d.filename,
            content_type: d.content_type,
            size_bytes: d.size_bytes,
            sha256: d.sha256,
            created_by: d.created_by.into(),
            created_at: d.created_at,
        }
    }
}

/// Generate a document from a record, as DOCX (the template filled) or PDF (the same laid out,
/// with Liberation Serif embedded): who may make it is who runs the record — a unit's officers
/// their dossiers and nominations, who runs a council's level its minutes, whoever may record a
/// decision its decision and certificates (another unit's record answers 404). A certificate of
/// a decision awaiting its signed copy: 409 `decision_not_final`. The document is stored, listed
/// with its record (`GET /documents?source_id=`), and downloaded at its `href`.
#[utoipa::path(operation_id = "generate_document", tag = "documents", security(("bearer" = [])),
    request_body = GeneratedDocumentRequest,
    responses((status = 201, description = "Made and stored", body = GeneratedDocumentResponse), CreateErrors))]
#[post("/documents")]
pub async fn generate(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    body: JsonBody<GeneratedDocumentRequest>,
) -> Result<HttpResponse, ApiError> {
    let GeneratedDocumentRequest { kind, source_id, format, template_version } = body.0;
    if template_version.is_some_and(|v| v < BUILT_IN_VERSION) {
        return Err(ApiError::validation(vec![FieldError::new(
            "template_version",
            ErrorCode::Invalid,
            "template versions start at 1",
        )]));
    }
    let (caller, settings) = (who.0.clone(), state.settings.documents.clone());
    let (filled, template) = db::run(&state.db, move |conn| {
        let filled = values::fill(conn, &caller, &settings, kind, source_id)?;
        let template = match template_version {
            Some(BUILT_IN_VERSION) => None,
            asked => model::template_version(conn, kind, asked)?,
        };
        if let (Some(asked), None) = (template_version.filter(|v| *v != BUILT_IN_VERSION), &template) {
            return Err(ApiError::validation(vec![FieldError::new(
                "template_version",
                ErrorCode::NotFound,
                format!("the {} template has no version {asked}", kind.as_str()),
            )]));
        }
        Ok((filled, template))
    })
    .await?;
    let (template_bytes, version) = match &template {
        Some(t) => (state.evidence.get(&t.storage_key).await?.to_vec(), t.version),
        None => (Vec::new(), BUILT_IN_VERSION),
    };
    let values = filled.values;
    let bytes = web::block(move || -> Result<Vec<u8>, ApiError> {
        let template = if template_bytes.is_empty() { templates::built_in(kind) } else { template_bytes };
        let filled = docx::fill(&template, &values)
            .map_err(|e| ApiError::internal(anyhow::anyhow!("filling the {} template: {e}", kind.as_str())))?;
        match format {
            DocumentFormat::Docx => Ok(filled),
            DocumentFormat::Pdf => pdf::render(&filled).map_err(|e| match e {
                // The template's content with these records is past the renderer's limits.
                pdf::PdfError::NotADocx(_) | pdf::PdfError::Xml(_) => {
                    let message = format!("the {} is too large to lay out as PDF: {e}", kind.as_str());
                    ApiError::validation(vec![FieldError::new("format", ErrorCode::Invalid, message)])
                }
                other => ApiError::internal(anyhow::anyhow!("laying out the {}: {other}", kind.as_str())),
            }),
        }
    })
    .await
    .map_err(blocking_failed)??;
    let id = DocumentId::generate();
    let extension = format.as_str();
    let document = GeneratedDocument {
        id,
        kind,
        format,
        source_id: source_id.to_string(),
        unit_id: filled.unit_id,
        template_version: version,
        filename: format!("{}.{extension}", filled.stem),
        content_type: format.content_type().to_string(),
        size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        sha256: hex::encode(Sha256::digest(&bytes)),
        storage_key: format!("documents/{id}.{extension}"),
        created_by: who.user_id,
        created_at: Utc::now(),
    };
    let (key, scope) = (document.storage_key.clone(), document_scope(&document));
    let body = upload::store_and_write(state.into_inner(), key, bytes.into(), origin.by(&who), move |conn, journal| {
        let added = GeneratedDocumentResponse::from(model::add_document(conn, document)?);
        journal.created("document", id, scope, &added);
        Ok(added)
    })
    .await?;
    Ok(HttpResponse::Created().insert_header((header::LOCATION, format!("/api/v1/documents/{}", body.id))).json(body))
}

/// Who hears of a document in the change feed: a unit's records' documents (a unit council's
/// minutes too) that unit and the board; the province's minutes the board; decisions and
/// certificates everyone, as decisions.
fn document_scope(d: &GeneratedDocument) -> Scope {
    match (d.kind, d.unit_id) {
        (TemplateKind::Decision | TemplateKind::Certificate, _) => Scope::Registry,
        (_, None) => Scope::Admin,
        (_, Some(unit)) => Scope::Unit(unit),
    }
}

/// Whether the caller may see a document: as they may see the record it was made from.
fn may_read(conn: &mut DbConn, who: &Principal, d: &GeneratedDocument) -> Result<bool, ApiError> {
    Ok(match d.kind {
        TemplateKind::Decision | TemplateKind::Certificate => true,
        TemplateKind::CouncilMinutes => {
            let session = CouncilSessionId::from(Uuid::parse_str(&d.source_id).unwrap_or_default());
            policy::runs_level(who, d.unit_id) || sessions::members(conn, session)?.contains(&who.user_id)
        }
        _ => match d.unit_id {
            Some(unit_id) => {
                policy::decide(who, Action::Read, Resource::UnitRecord { unit_id }) == policy::Decision::Allow
            }
            None => who.has(Role::Admin),
        },
    })
}

fn readable_document(conn: &mut DbConn, who: &Principal, id: DocumentId) -> Result<GeneratedDocument, ApiError> {
    let d = model::find_document(conn, id)?;
    if may_read(conn, who, &d)? {
        Ok(d)
    } else {
        Err(model::document_not_found())
    }
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    /// The record the documents were made from.
    pub source_id: Uuid,
    pub kind: Option<TemplateKind>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct GeneratedDocumentPage {
    pub items: Vec<GeneratedDocumentResponse>,
    pub next_cursor: Option<String>,
}

/// The documents made from a record, newest first (those the caller may see, as the record).
#[utoipa::path(operation_id = "list_documents", tag = "documents", security(("bearer" = [])), params(DocumentQuery),
    responses((status = 200, description = "One page of documents", body = GeneratedDocumentPage), ListErrors))]
#[get("/documents")]
pub async fn list_documents(
    state: web::Data<AppState>,
    who: AuthUser,
    scope: cursor::ListScope,
    query: QueryParams<DocumentQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let limit = cursor::limit(query.limit)?;
    let before: Option<Uuid> = query.cursor.as_deref().map(|c| cursor::decode(&scope, c)).transpose()?;
    let caller = who.0.clone();
    let (items, next_cursor) = db::run(&state.db, move |conn| {
        let source = query.source_id.to_string();
        let rows = model::documents_of(conn, &source, query.kind, before.map(DocumentId::from), limit)?;
        let (rows, next) = cursor::page(rows, limit, &scope, |d| d.id.uuid());
        let mut visible = Vec::with_capacity(rows.len());
        for d in rows {
            if may_read(conn, &caller, &d)? {
                visible.push(GeneratedDocumentResponse::from(d));
            }
        }
        Ok((visible, next))
    })
    .await?;
    crate::http::page::ok(items.len(), &GeneratedDocumentPage { items, next_cursor })
}

/// A generated document's record.
#[utoipa::path(operation_id = "get_document", tag = "documents", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The document's id")),
    responses((status = 200, description = "The document", body = GeneratedDocumentResponse), ReadErrors))]
#[get("/documents/{id}")]
pub async fn read_document(
    state: web::Data<AppState>,
    who: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (DocumentId::from(id.into_inner()), who.0.clone());
    let d = db::run(&state.db, move |conn| readable_document(conn, &caller, id)).await?;
    Ok(HttpResponse::Ok().json(GeneratedDocumentResponse::from(d)))
}

/// Download a generated document.
#[utoipa::path(operation_id = "download_document", tag = "documents", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The document's id")),
    responses(DocumentFileResponses, ReadErrors))]
#[get("/documents/{id}/file")]
pub async fn download_document(
    state: web::Data<AppState>,
    who: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (DocumentId::from(id.into_inner()), who.0.clone());
    let d = db::run(&state.db, move |conn| readable_document(conn, &caller, id)).await?;
    upload::download(&state, &d.storage_key, d.content_type, &d.filename, &d.sha256).await
}

/// Upload a decision's signed PDF (who may record the decision): its digital signature must
/// cover the whole file, match it, and chain to a certification authority the deployer trusts
/// (`THIDUA_SIGNATURE_TRUST_ANCHORS`) with a certificate valid when it was signed — otherwise
/// 422 `invalid_signature` saying why, and nothing is kept. Verified, it is recorded with its
/// signer and the decision takes effect (`status: final`). Once only: 409 `already_signed`.
#[utoipa::path(operation_id = "upload_decision_signed_copy", tag = "decisions", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The decision's id")),
    request_body(description = "The signed PDF itself as the body (not multipart).", content(
        (FileBytes = "application/pdf"),
        (FileBytes = "application/octet-stream"),
    )),
    responses((status = 201, description = "Verified and recorded", body = SignatureResponse), WriteErrors))]
#[post("/decisions/{id}/signed-copy")]
pub async fn upload_signed_copy(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[Role::Approver, Role::UnitAdmin])?;
    let (id, caller) = (DecisionId::from(id.into_inner()), who.0.clone());
    // Refuse early, before reading a body that would be refused.
    let number = db::run(&state.db, move |conn| {
        let (decision, _) = decisions_model::find_decision(conn, id)?;
        may_record_for(&caller, decision.run_by_unit_id)?;
        if model::signature_of(conn, id)?.is_some() {
            return Err(ApiError::conflict(
                ErrorCode::AlreadySigned,
                "this decision's signed copy is recorded already",
            ));
        }
        Ok(decision.number)
    })
    .await?;
    let received = upload::receive(&req, payload, state.settings.max_upload_bytes).await?;
    if received.file_type != EvidenceType::Pdf {
        return Err(ApiError::new(ErrorCode::UnsupportedFileType, "a signed copy is a PDF file"));
    }
    let (bytes, sha256) = (received.bytes, received.sha256);
    let state = state.into_inner();
    let (to_verify, verifier) = (bytes.clone(), state.clone());
    let (verified, names_it) = web::block(move || {
        let verified = signature::verify(&to_verify, &verifier.trust_anchors)?;
        Ok((verified, names_the_decision(&to_verify, &number)))
    })
    .await
    .map_err(blocking_failed)?
    .map_err(|problem: signature::SignatureProblem| {
        let reason = problem.code();
        ApiError::validation(vec![FieldError::new(
            "body",
            ErrorCode::InvalidSignature,
            format!("the digital signature does not verify ({reason}): {problem}"),
        )
        .localized(
            "invalid_signature-reason",
            [("reason", Arg::text(reason)), ("explanation", Arg::Message(format!("signature_problem-{reason}")))],
        )])
    })?;
    if !names_it {
        return Err(ApiError::validation(vec![FieldError::new(
            "body",
            ErrorCode::InvalidSignature,
            "the signed document is not this decision: its text does not carry the decision's number",
        )
        .localized("invalid_signature-other_decision", [])]));
    }
    let now = Utc::now();
    let row = DecisionSignature {
        decision_id: id,
        signer_name: verified.signer_name,
        signer_subject: verified.signer_subject,
        issuer_subject: verified.issuer_subject,
        serial_number: verified.serial_number,
        certificate_sha256: verified.certificate_sha256,
        signed_at: verified.signed_at,
        signed_at_source: match verified.signed_at_source {
            signature::SigningTimeSource::SigningTimeAttribute => "signing_time_attribute",
            signature::SigningTimeSource::SignatureDictionary => "signature_dictionary",
        }
        .to_string(),
        filename: format!("decision-{}-signed.pdf", Uuid::from(id)),
        size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        sha256,
        // Each upload its own key: a losing concurrent upload removes only its own file.
        storage_key: format!("decisions/{id}/signed-{}.pdf", Uuid::now_v7()),
        uploaded_by: who.user_id,
        verified_at: now,
    };
    let key = row.storage_key.clone();
    let body = upload::store_and_write(state, key, bytes, origin.by(&who), move |conn, journal| {
        let (before, _) = decisions_model::find_decision(conn, id)?;
        model::record_signature(conn, row)?;
        let signed = model::signature_of(conn, id)?.map(SignatureResponse::from);
        let after = serde_json::json!({"status": DecisionStatus::Final, "signature": signed});
        let before = serde_json::json!({"status": before.status});
        journal.record("decision", "signed", id, Scope::Registry, Some(before), Some(after));
        signed.ok_or_else(|| ApiError::internal(anyhow::anyhow!("the signature just recorded is missing")))
    })
    .await?;
    Ok(HttpResponse::Created().insert_header((header::LOCATION, body.href.clone())).json(body))
}

/// Whether a signed PDF is the decision numbered `number`: its text carries the number (spaces
/// aside). A PDF without text (a signed scan) cannot say, and is taken on the signature alone; the
/// same file is never taken for two decisions (`models::documents::record_signature`).
fn names_the_decision(pdf: &[u8], number: &str) -> bool {
    let squeeze =
        |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect() };
    match pdf::extract_text(pdf) {
        None => true,
        Some(text) => squeeze(&text).contains(&squeeze(&crate::domain::text::normalize(number))),
    }
}

/// Who may record a decision's signed copy: the board any; a caller bound to a unit its unit's;
/// a province approver the province's.
fn may_record_for(who: &Principal, run_by: Option<crate::domain::ids::UnitId>) -> Result<(), ApiError> {
    if who.has(Role::Admin) || who.unit_id == run_by {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// Download a decision's signed PDF (everyone signed in: decisions are public).
#[utoipa::path(operation_id = "download_decision_signed_copy", tag = "decisions", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The decision's id")),
    responses(PdfFileResponses, ReadErrors))]
#[get("/decisions/{id}/signed-copy")]
pub async fn download_signed_copy(
    state: web::Data<AppState>,
    who: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, Action::Read, Resource::Registry)?;
    let id = DecisionId::from(id.into_inner());
    let s = db::run(&state.db, move |conn| model::signature_of(conn, id))
        .await?
        .ok_or_else(|| ApiError::not_found("signed copy"))?;
    upload::download(&state, &s.storage_key, "application/pdf".into(), &s.filename, &s.sha256).await
}
