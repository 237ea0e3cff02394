//! A list's page as JSON, written into a buffer sized for the page up front.

use actix_web::http::header::ContentType;
use actix_web::HttpResponse;
use serde::Serialize;

use crate::error::ApiError;

/// About what one item of a list takes as JSON (a nomination without history: 640 bytes).
const BYTES_PER_ITEM: usize = 1024;

/// `200 OK` with `page`, a page of `items` items, as JSON. actix-web's `json` starts its buffer
/// at 128 bytes and doubles it: a page of 50 nominations (32 KB) was copied nine times on its
/// way out (3–6 % of the page's requests per second on PostgreSQL; docs/benchmarks.md).
pub fn ok(items: usize, page: &impl Serialize) -> Result<HttpResponse, ApiError> {
    let mut body = Vec::with_capacity((items + 1) * BYTES_PER_ITEM);
    serde_json::to_writer(&mut body, page).map_err(|e| ApiError::internal(e.into()))?;
    Ok(HttpResponse::Ok().content_type(ContentType::json()).body(body))
}
