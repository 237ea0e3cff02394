//! Request extraction with errors that name the offending field.

use actix_web::dev::Payload;
use actix_web::http::{header, StatusCode};
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, FieldError};
use crate::state::AppState;

/// A JSON request body: `application/json` only, at most `THIDUA_MAX_BODY_BYTES`, and decoded
/// with the path of the first offending field (`predecessors[1].part`) in the problem.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req.app_data::<web::Data<AppState>>().map_or(1 << 20, |s| s.settings.max_body_bytes);
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|mime| {
                let mime = mime.trim().to_ascii_lowercase();
                mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
            })
            .unwrap_or(false);
        let declared_len = declared_length(req);
        let payload = payload.take();
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "the request body must be JSON, sent with Content-Type: application/json",
                ));
            }
            let bytes = read_limited(payload, declared_len, limit).await?;
            parse_json(&bytes).map(JsonBody)
        })
    }
}

/// Reads a whole request body of at most `limit` bytes: 413 past it (before reading, when the
/// declared length already says so), 400 when the body breaks off.
pub async fn read_limited(
    mut payload: Payload,
    declared_len: Option<usize>,
    limit: usize,
) -> Result<web::Bytes, ApiError> {
    if declared_len.is_some_and(|n| n > limit) {
        return Err(too_large(limit));
    }
    let mut bytes = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "unreadable_body",
                format!("the request body could not be read: {e}"),
            )
        })?;
        if bytes.len() + chunk.len() > limit {
            return Err(too_large(limit));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes.freeze())
}

pub fn declared_length(req: &HttpRequest) -> Option<usize> {
    req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok())
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("the request body is larger than the {limit} bytes accepted"),
    )
}

/// Whether a JSON text holds the escape `\u0000` (a NUL inside a string), which PostgreSQL
/// cannot store: such bodies are refused up front instead of failing deep in a write.
fn has_escaped_nul(bytes: &[u8]) -> bool {
    let mut backslashes = 0usize;
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\\' {
            backslashes += 1;
            continue;
        }
        if *b == b'u' && backslashes % 2 == 1 && bytes[i + 1..].starts_with(b"0000") {
            return true;
        }
        backslashes = 0;
    }
    false
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if has_escaped_nul(bytes) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            "text in the body must not contain NUL characters (\\u0000)",
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|e| {
        let field = e.path().to_string();
        let inner = e.into_inner();
        json_error(field, inner)
    })?;
    de.end().map_err(|e| json_error(String::new(), e))?;
    Ok(value)
}

fn json_error(field: String, e: serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            if bytes_were_empty(&e) {
                "the request body is empty; send a JSON object".to_string()
            } else {
                format!("the request body is not valid JSON: {e}")
            },
        ),
        Category::Data => {
            let message = e.to_string();
            // serde's messages end with " at line L column C", which says nothing to a client.
            let message = message.split(" at line ").next().unwrap_or(&message).to_string();
            let code = if message.starts_with("unknown field") {
                "unknown_field"
            } else if message.starts_with("missing field") {
                "required"
            } else {
                "invalid_type"
            };
            let field = if field == "." { String::new() } else { field };
            let field = if code == "required" {
                // serde points at the object missing the field: name the field itself.
                let name = message.split('`').nth(1).unwrap_or_default();
                if field.is_empty() {
                    name.to_string()
                } else {
                    format!("{field}.{name}")
                }
            } else {
                field
            };
            ApiError {
                errors: vec![FieldError::new(field.clone(), code, message.clone())],
                ..ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", format!("`{field}`: {message}"))
            }
        }
    }
}

fn bytes_were_empty(e: &serde_json::Error) -> bool {
    e.classify() == serde_json::error::Category::Eof && e.line() == 1 && e.column() == 0
}

/// The version an `If-Match` header asks for: `None` without the header, or with `*` (RFC 9110
/// §13.1.1: any current representation — every record we act on has one, a missing record is a
/// 404 anyway). Our ETags are the record's version in quotes; a list of them, or anything else,
/// cannot match one version, so it is a 412.
pub fn if_match_version(req: &HttpRequest) -> Result<Option<i32>, ApiError> {
    match if_match(req)? {
        IfMatch::Absent | IfMatch::Any => Ok(None),
        IfMatch::Version(v) => Ok(Some(v)),
    }
}

enum IfMatch {
    Absent,
    Any,
    Version(i32),
}

fn if_match(req: &HttpRequest) -> Result<IfMatch, ApiError> {
    let Some(value) = req.headers().get(header::IF_MATCH) else {
        return Ok(IfMatch::Absent);
    };
    let value = value.to_str().unwrap_or_default().trim();
    if value == "*" {
        return Ok(IfMatch::Any);
    }
    value
        .trim_start_matches("W/")
        .trim_matches('"')
        .parse::<i32>()
        .map(IfMatch::Version)
        .map_err(|_| ApiError::precondition_failed())
}

/// For full replacements (PUT): the caller must say which version it replaces, or a second
/// editor would silently overwrite the first. Missing: 428. `If-Match: *` is the caller saying
/// "whatever is current" (RFC 9110): accepted, with no version check (`None`).
pub fn required_if_match(req: &HttpRequest) -> Result<Option<i32>, ApiError> {
    match if_match(req)? {
        IfMatch::Absent => Err(ApiError::new(
            StatusCode::PRECONDITION_REQUIRED,
            "precondition_required",
            "send If-Match with the ETag you read (or `*` to replace whatever is current): a replacement must name the version it replaces",
        )),
        IfMatch::Any => Ok(None),
        IfMatch::Version(v) => Ok(Some(v)),
    }
}

pub fn etag(version: i32) -> (header::HeaderName, String) {
    (header::ETAG, format!("\"{version}\""))
}

/// Query parameters, decoded with the name of the offending parameter in the problem.
/// Unknown parameters are refused: a misspelt filter must not silently return everything.
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned> FromRequest for QueryParams<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let pairs = form_urlencoded::parse(req.query_string().as_bytes());
        if let Some((name, _)) =
            pairs.clone().find(|(k, v)| k.contains(char::is_control) || v.contains(char::is_control))
        {
            return std::future::ready(Err(ApiError::bad_query(&name, "must not contain control characters")));
        }
        let de = serde_urlencoded::Deserializer::new(pairs);
        std::future::ready(serde_path_to_error::deserialize(de).map(QueryParams).map_err(|e| {
            let path = e.path().to_string();
            let message = e.into_inner().to_string();
            let field = if path.is_empty() || path == "." {
                message.split('`').nth(1).unwrap_or_default().to_string()
            } else {
                path
            };
            ApiError::bad_query(&field, &message)
        }))
    }
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, _req| {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_path", format!("invalid path parameter: {err}")).into()
    })
}

/// For PATCH bodies: tells a field that was sent as `null` (`Some(None)`, clear it) from one that
/// was left out (`None`, keep it). Use with `#[serde(default, deserialize_with = "patch_field")]`.
pub fn patch_field<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_nul_is_found_only_where_it_decodes_to_nul() {
        assert!(has_escaped_nul(br#"{"name": "a\u0000b"}"#));
        assert!(has_escaped_nul(br#"{"name": "\\\u0000"}"#));
        assert!(!has_escaped_nul(br#"{"name": "a\\u0000b"}"#), "an escaped backslash then text");
        assert!(!has_escaped_nul(br#"{"name": "\u00e1"}"#));
    }
}
