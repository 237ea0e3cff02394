//! File uploads (evidence, dossier documents): the raw body with its own Content-Type, checked
//! on content, hashed, stored, then recorded — or, if recording fails, removed again.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use bytes::Bytes;
use sha2::{Digest, Sha256};

use crate::db::journal::{Journal, Origin};
use crate::db::{self, DbConn};
use crate::domain::evidence::{sniff, EvidenceType};
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::http::extract::{declared_length, read_limited};
use crate::state::AppState;

/// An uploaded file's bytes in the OpenAPI document; the upload operations list one media type
/// per accepted file type (`EvidenceType`), each with this schema.
pub struct FileBytes;

impl utoipa::PartialSchema for FileBytes {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        binary_schema().into()
    }
}

impl utoipa::ToSchema for FileBytes {}

/// The 200 of a download, for the OpenAPI document: the file with its own media type (one of
/// the accepted types), as an attachment, with its SHA-256 as the `ETag`.
pub struct StoredFileResponses;

impl utoipa::IntoResponses for StoredFileResponses {
    fn responses() -> std::collections::BTreeMap<String, utoipa::openapi::RefOr<utoipa::openapi::Response>> {
        let types: Vec<&str> = EvidenceType::ALL.iter().map(|t| t.as_str()).collect();
        file_responses("The file as uploaded, with the media type it was stored with", &types)
    }
}

/// The 200 of a PDF's download (a decision's signed copy).
pub struct PdfFileResponses;

impl utoipa::IntoResponses for PdfFileResponses {
    fn responses() -> std::collections::BTreeMap<String, utoipa::openapi::RefOr<utoipa::openapi::Response>> {
        file_responses("The PDF as uploaded", &["application/pdf"])
    }
}

/// The 200 of a DOCX's download (a document template).
pub struct DocxFileResponses;

impl utoipa::IntoResponses for DocxFileResponses {
    fn responses() -> std::collections::BTreeMap<String, utoipa::openapi::RefOr<utoipa::openapi::Response>> {
        file_responses("The DOCX file", &[DOCX])
    }
}

/// The 200 of a generated document's download: PDF or DOCX, as it was made.
pub struct DocumentFileResponses;

impl utoipa::IntoResponses for DocumentFileResponses {
    fn responses() -> std::collections::BTreeMap<String, utoipa::openapi::RefOr<utoipa::openapi::Response>> {
        file_responses("The document, as PDF or DOCX as it was made", &["application/pdf", DOCX])
    }
}

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

fn file_responses(
    description: &str,
    media_types: &[&str],
) -> std::collections::BTreeMap<String, utoipa::openapi::RefOr<utoipa::openapi::Response>> {
    use utoipa::openapi::header::HeaderBuilder;
    use utoipa::openapi::{ContentBuilder, ObjectBuilder, ResponseBuilder, Type};
    let text = || ObjectBuilder::new().schema_type(Type::String);
    let mut response = ResponseBuilder::new()
        .description(description)
        .header(
            "Content-Disposition",
            HeaderBuilder::new()
                .schema(text())
                .description(Some("`attachment; filename*=UTF-8''…`: the file's name (RFC 6266, RFC 5987)"))
                .build(),
        )
        .header("ETag", HeaderBuilder::new().schema(text()).description(Some("The file's SHA-256, quoted")).build());
    for media_type in media_types {
        response = response.content(*media_type, ContentBuilder::new().schema(Some(binary_schema())).build());
    }
    [("200".to_string(), response.build().into())].into_iter().collect()
}

pub struct Received {
    pub bytes: Bytes,
    pub file_type: EvidenceType,
    pub sha256: String,
}

/// The media type of an upload whose sender does not know it: the type is read from the content.
pub const UNTYPED: &str = "application/octet-stream";

/// Reads an upload: an allowed type (415 otherwise), within the limit (413), whose content is
/// what its Content-Type says (422), and hashes it off the worker thread. Sent as
/// `application/octet-stream`, the content decides, and must be one of the allowed types (415).
pub async fn receive(req: &HttpRequest, payload: web::Payload, limit: usize) -> Result<Received, ApiError> {
    let unsupported = || {
        ApiError::new(
            ErrorCode::UnsupportedFileType,
            "files must be PDF, PNG, JPEG, DOCX or XLSX, sent with their Content-Type or as application/octet-stream",
        )
    };
    let media = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let declared = match EvidenceType::parse(&media) {
        Some(declared) => Some(declared),
        None if media == UNTYPED => None,
        None => return Err(unsupported()),
    };
    let bytes = read_limited(payload.into_inner(), declared_length(req), limit).await?;
    let declared = match (declared, sniff(&bytes)) {
        (Some(declared), Some(found)) if found == declared => declared,
        (Some(declared), _) => {
            return Err(ApiError::validation(vec![FieldError::new(
                "body",
                ErrorCode::ContentMismatch,
                format!("the file's content is not {}", declared.as_str()),
            )]))
        }
        (None, Some(found)) => found,
        (None, None) => return Err(unsupported()),
    };
    let to_hash = bytes.clone();
    let sha256 = web::block(move || hex::encode(Sha256::digest(&to_hash)))
        .await
        .map_err(|e| ApiError::internal(anyhow::anyhow!("hashing failed: {e}")))?;
    Ok(Received { bytes, file_type: declared, sha256 })
}

/// Stores the file under `key`, then runs `record` as a journaled write (`db::write`: one
/// transaction, the journal's entries with it); if that fails the file is removed, so there is
/// never a file without its record. Runs as its own task, so a client hanging up midway does not
/// cut it short.
pub async fn store_and_write<T, F>(
    state: Arc<AppState>,
    key: String,
    bytes: Bytes,
    origin: Origin,
    record: F,
) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConn, &mut Journal) -> Result<T, ApiError> + Send + 'static,
{
    actix_web::rt::spawn(async move {
        state.evidence.put(&key, bytes).await?;
        match db::write(&state.db, origin, record).await {
            Ok(recorded) => Ok(recorded),
            Err(e) => {
                state.evidence.delete(&key).await;
                Err(e)
            }
        }
    })
    .await
    .map_err(|e| ApiError::internal(anyhow::anyhow!("upload task failed: {e}")))?
}

/// A stored file as a download: its own type, an attachment with its name (RFC 5987), no
/// sniffing by the browser, and its SHA-256 as the ETag.
pub async fn download(
    state: &AppState,
    storage_key: &str,
    content_type: String,
    filename: &str,
    sha256: &str,
) -> Result<HttpResponse, ApiError> {
    let bytes = state.evidence.get(storage_key).await?;
    Ok(attachment(bytes, content_type, filename, sha256))
}

/// Bytes as a download (`download`'s answer, for bytes made rather than stored).
pub fn attachment(bytes: Bytes, content_type: String, filename: &str, sha256: &str) -> HttpResponse {
    let encoded: String = filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename*=UTF-8''{encoded}")))
        .insert_header(("x-content-type-options", "nosniff"))
        .insert_header((header::ETAG, format!("\"{sha256}\"")))
        .body(bytes)
}

/// A file's bytes (`type: string, format: binary`): what generators map to a blob or file.
pub fn binary_schema() -> utoipa::openapi::schema::Object {
    use utoipa::openapi::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
    ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary))).build()
}
