//! A cluster's annual covenant (giao ước thi đua): the commitments its members sign at the start
//! of the year, as the board records them, with the scanned signed copy. Published like the
//! clusters themselves: everyone signed in reads it; the board records and replaces it.

use actix_web::http::header;
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::policy::{self, Action, Resource};
use crate::auth::AuthUser;
use crate::db::{self, journal::Scope};
use crate::domain::ids::{ClusterId, StoredFileId, UnitId};
use crate::domain::{check_date, check_text, check_text_block, Checks};
use crate::error::{ApiError, ErrorCode};
use crate::http::extract::{etag, if_match_version, JsonBody, QueryParams};
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::http::upload::{self, FileBytes, StoredFileResponses};
use crate::models::covenants::{self as model, CovenantDetail, NewCovenant, Signatory};
use crate::openapi::errors::{ReadErrors, WriteErrors};
use crate::routes::shared::{received_file, AttachmentQuery, AttachmentResponse};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes.service(read).service(put_covenant).service(upload_file).service(download_file);
}

const FILES: &str = "/api/v1/covenant-files";

/// A member's signature and what the unit itself commits to.
#[derive(Deserialize, Serialize, ToSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct SignatoryRequest {
    /// A member of the cluster.
    pub unit_id: Uuid,
    #[schema(example = "Nguyễn Văn An")]
    pub signer_name: String,
    #[schema(example = "Chủ tịch UBND phường")]
    pub signer_title: String,
    /// The unit's own commitments (its targets for the year, in words).
    pub commitments: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CovenantRequest {
    #[schema(example = "Giao ước thi đua năm 2025 của Cụm thi đua các phường, xã")]
    pub title: String,
    /// The day the members signed.
    pub signed_on: NaiveDate,
    #[schema(example = "Phường Đức Xuân")]
    pub place: Option<String>,
    /// What every member commits to: the covenant's articles.
    pub content: String,
    pub signatories: Vec<SignatoryRequest>,
}

#[derive(Serialize, ToSchema)]
pub struct CovenantResponse {
    pub id: Uuid,
    pub cluster_id: Uuid,
    pub title: String,
    pub signed_on: NaiveDate,
    pub place: Option<String>,
    pub content: String,
    /// In the order given.
    pub signatories: Vec<SignatoryRequest>,
    /// The cluster's members that have not signed.
    pub unsigned_unit_ids: Vec<Uuid>,
    /// The signed copy and anything else filed with it.
    pub files: Vec<AttachmentResponse>,
    pub version: i32,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<CovenantDetail> for CovenantResponse {
    fn from(d: CovenantDetail) -> CovenantResponse {
        let c = d.covenant;
        CovenantResponse {
            id: c.id.into(),
            cluster_id: c.cluster_id.into(),
            title: c.title,
            signed_on: c.signed_on,
            place: c.place,
            content: c.content,
            signatories: d
                .signatories
                .into_iter()
                .map(|s| SignatoryRequest {
                    unit_id: s.unit_id.into(),
                    signer_name: s.signer_name,
                    signer_title: s.signer_title,
                    commitments: s.commitments,
                })
                .collect(),
            unsigned_unit_ids: d.unsigned_unit_ids.into_iter().map(Uuid::from).collect(),
            files: d.files.into_iter().map(|f| AttachmentResponse::new(f, FILES)).collect(),
            version: c.version,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

fn ok(body: CovenantResponse) -> HttpResponse {
    HttpResponse::Ok().insert_header(etag(body.version)).json(body)
}

/// The cluster's covenant (everyone signed in: it is published), with who has not signed.
#[utoipa::path(operation_id = "get_cluster_covenant", tag = "clusters", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The cluster's id")),
    responses((status = 200, description = "The covenant; `ETag` is set", body = CovenantResponse), ReadErrors))]
#[get("/clusters/{id}/covenant")]
pub async fn read(state: web::Data<AppState>, who: AuthUser, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, Action::Read, Resource::Registry)?;
    let cluster = ClusterId::from(id.into_inner());
    let found = db::run(&state.db, move |conn| model::find_for_cluster(conn, cluster)).await?;
    Ok(ok(found.map(CovenantResponse::from).ok_or_else(model::covenant_not_found)?))
}

/// Record the cluster's covenant, or replace it (the board). A first covenant takes no
/// `If-Match`; replacing one needs the `ETag` last read (412 otherwise). Every signatory is a
/// member of the cluster, once (422 `not_a_member`, `duplicate`).
#[utoipa::path(operation_id = "put_cluster_covenant", tag = "clusters", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The cluster's id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` last read, to replace a covenant")),
    request_body = CovenantRequest,
    responses((status = 200, description = "Recorded or replaced; `ETag` is set", body = CovenantResponse), WriteErrors))]
#[put("/clusters/{id}/covenant")]
pub async fn put_covenant(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<CovenantRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, Action::Update, Resource::Registry)?;
    let cluster = ClusterId::from(id.into_inner());
    let expected = if_match_version(&req)?;
    let body = body.0;
    let mut checks = Checks::default();
    let title = check_text("title", &body.title, 500, &mut checks);
    check_date("signed_on", Some(body.signed_on), &mut checks);
    if body.signed_on > crate::domain::units::today_in_vietnam() {
        checks.fail("signed_on", ErrorCode::InFuture, "a covenant is recorded once signed");
    }
    let place =
        body.place.as_deref().filter(|p| !p.trim().is_empty()).map(|p| check_text("place", p, 300, &mut checks));
    let content = check_text_block("content", &body.content, 50_000, &mut checks);
    if body.signatories.len() > 500 {
        checks.fail("signatories", ErrorCode::TooMany, "at most 500 signatories");
    }
    let mut signatories = Vec::with_capacity(body.signatories.len());
    for (i, s) in body.signatories.iter().enumerate() {
        signatories.push(Signatory {
            unit_id: UnitId::from(s.unit_id),
            signer_name: check_text(&format!("signatories[{i}].signer_name"), &s.signer_name, 200, &mut checks),
            signer_title: check_text(&format!("signatories[{i}].signer_title"), &s.signer_title, 200, &mut checks),
            commitments: check_text_block(
                &format!("signatories[{i}].commitments"),
                &s.commitments,
                20_000,
                &mut checks,
            ),
        });
    }
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let new = NewCovenant { title, signed_on: body.signed_on, place, content, signatories };
    let actor = who.user_id;
    let body = db::write(&state.db, origin.by(&who), move |conn, journal| {
        // A cluster has one covenant, maybe not yet written: its cluster's row is the one to hold.
        crate::models::clusters::lock_cluster(conn, cluster)?;
        let before = model::find_for_cluster(conn, cluster)?.map(CovenantResponse::from);
        let (detail, _) = model::put(conn, cluster, new, expected, actor)?;
        let after = CovenantResponse::from(detail);
        match before {
            None => journal.created("covenant", after.id, Scope::Registry, &after),
            Some(before) => journal.updated("covenant", after.id, Scope::Registry, &before, &after),
        }
        Ok(after)
    })
    .await?;
    Ok(ok(body))
}

/// File the covenant's signed copy (the board): the raw file is the body, as for evidence.
#[utoipa::path(operation_id = "upload_covenant_file", tag = "clusters", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The cluster's id"), AttachmentQuery),
    request_body(description = "The file itself as the body (not multipart), as for evidence.", content(
        (FileBytes = "application/octet-stream"),
        (FileBytes = "application/pdf"),
        (FileBytes = "image/png"),
        (FileBytes = "image/jpeg"),
        (FileBytes = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    responses((status = 201, description = "Stored", body = AttachmentResponse), WriteErrors))]
#[post("/clusters/{id}/covenant/files")]
pub async fn upload_file(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
    query: QueryParams<AttachmentQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, Action::Update, Resource::Registry)?;
    let cluster = ClusterId::from(id.into_inner());
    // Refuse early, before reading up to the upload limit of a body that would be refused.
    let covenant = db::run(&state.db, move |conn| model::find_for_cluster(conn, cluster))
        .await?
        .ok_or_else(model::covenant_not_found)?
        .covenant;
    let received = upload::receive(&req, payload, state.settings.max_upload_bytes).await?;
    let (file, bytes) =
        received_file(received, &format!("covenants/{}", covenant.id), query.0.filename.as_deref(), who.user_id);
    let key = file.storage_key.clone();
    let body = upload::store_and_write(state.into_inner(), key, bytes, origin.by(&who), move |conn, journal| {
        let added = AttachmentResponse::new(model::add_file(conn, covenant.id, file)?, FILES);
        journal.record("covenant", "file_added", covenant.id, Scope::Registry, None, serde_json::to_value(&added).ok());
        Ok(added)
    })
    .await?;
    Ok(HttpResponse::Created().insert_header((header::LOCATION, body.href.clone())).json(body))
}

/// Download a covenant's file (everyone signed in).
#[utoipa::path(operation_id = "download_covenant_file", tag = "clusters", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The file's id")),
    responses(StoredFileResponses, ReadErrors))]
#[get("/covenant-files/{id}")]
pub async fn download_file(
    state: web::Data<AppState>,
    who: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, Action::Read, Resource::Registry)?;
    let id = StoredFileId::from(id.into_inner());
    let (file, _) = db::run(&state.db, move |conn| model::find_file(conn, id)).await?;
    upload::download(&state, &file.storage_key, file.content_type, &file.filename, &file.sha256).await
}
