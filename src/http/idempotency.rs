//! `Idempotency-Key` on POST (draft-ietf-httpapi-idempotency-key-header): a client that sends
//! a key and retries after a lost answer gets the first answer again instead of a second
//! record. Middleware on the /api/v1 scope, so every POST has it.
//!
//! The key belongs to the caller (the bearer token's subject, or an anonymous caller's address),
//! the method and the path. The first request reserves it with an insert (the primary key makes
//! a concurrent duplicate fail, on both backends) under a token of its own, and hands the
//! reservation to its handler (a request extension, read by `RequestOrigin`): the handler's
//! `db::write` marks the key committed **in the write's own transaction**, so a change and its
//! mark commit together or not at all. Then the answer is stored — 2xx, 3xx and 4xx are the
//! answer; 5xx, a failure, 401, 408, 429 and `write_conflict` are released so that a retry runs
//! afresh, unless the request committed: a committed key is never released, and a retry of a
//! committed request whose answer was never stored (the instance died, the database went away)
//! is answered from the mark (`303 See Other` to the record), never run again. Which POSTs honour
//! the key, and which take a file, each route declares where it is registered
//! (`http::register::PostKind`): not sign-in, refresh and the OAuth token endpoint, for one
//! (replaying a token response would hand out credentials again, and a refresh token works once
//! by design).

use std::sync::Arc;

use actix_web::body::{to_bytes, BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpMessage, HttpResponse};
use chrono::TimeDelta;
use sha2::{Digest, Sha256};

use crate::auth::{bearer_token, client_addr};
use crate::db;
use crate::db::idempotency::{self as model, Hold, KeyId, Reservation, Stored, Timing};
use crate::error::{i18n, ApiError, ErrorCode};
use crate::http::extract::{declared_length, read_limited};
use crate::http::middleware::{IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED};
use crate::http::register::{PostKind, RouteTable};
use crate::state::AppState;

pub const MAX_KEY_LEN: usize = 255;
/// A reservation that has not committed after this long belongs to a request that died with
/// its instance; the next request with the key takes it over. Short, because a takeover is safe
/// even of a request still running: that request can no longer commit under the key (its
/// `db::write` fails on the token and rolls back), so the work is never done twice.
const ABANDONED_AFTER: TimeDelta = TimeDelta::seconds(30);
/// A request that committed but has not stored its answer after this long never will (its
/// instance died, or its database went away, in between): a retry is answered from its mark.
const ANSWER_GRACE: TimeDelta = TimeDelta::seconds(2);
/// The response headers replayed with the stored body.
const REPLAYED_HEADERS: [header::HeaderName; 3] = [header::CONTENT_TYPE, header::LOCATION, header::ETAG];

/// The key: at most 255 printable ASCII characters, bare or as a structured-field string
/// (`"…"`, as the draft writes it).
pub fn parse_key(raw: &header::HeaderValue) -> Result<String, ApiError> {
    let invalid = || {
        ApiError::new(
            ErrorCode::InvalidIdempotencyKey,
            format!("Idempotency-Key must be 1 to {MAX_KEY_LEN} printable ASCII characters"),
        )
    };
    let raw = raw.to_str().map_err(|_| invalid())?;
    let key = match raw.strip_prefix('"').and_then(|k| k.strip_suffix('"')) {
        Some(inner) => inner,
        None => raw,
    };
    if key.is_empty() || key.len() > MAX_KEY_LEN || !key.bytes().all(|b| (0x20..=0x7E).contains(&b)) {
        return Err(invalid());
    }
    Ok(key.to_string())
}

/// SHA-256 of the query string and the body: what makes a retry "the same request".
pub fn fingerprint(query: &str, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(query.as_bytes());
    hash.update([0]);
    hash.update(body);
    hex::encode(hash.finalize())
}

/// Answers worth replaying: a server failure, an expired token, a timeout, throttling or a
/// lost race are not the answer to the request, and a retry should run it again.
fn is_final(status: StatusCode, body: &[u8]) -> bool {
    let transient = status.is_server_error()
        || matches!(status.as_u16(), 401 | 408 | 425 | 429)
        || (status == StatusCode::CONFLICT && {
            let code = format!("\"{}\"", ErrorCode::WriteConflict);
            body.windows(code.len()).any(|w| w == code.as_bytes())
        });
    !transient
}

/// The reservation held by a running request: released when dropped unsettled (the request
/// was cancelled or its handler panicked), so the key does not stay blocked. Releasing and
/// storing the answer that fail (the database is away) are retried in the background; a key
/// whose write committed is never released (`model::release` leaves it).
struct Held {
    db: db::DbPool,
    hold: Option<Hold>,
}

impl Held {
    async fn release(mut self) {
        if let Some(hold) = self.hold.take() {
            settle(self.db.clone(), hold, None).await;
        }
    }

    async fn complete(mut self, stored: Stored) {
        if let Some(hold) = self.hold.take() {
            settle(self.db.clone(), hold, Some(stored)).await;
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Some(hold) = self.hold.take() {
            actix_web::rt::spawn(settle(self.db.clone(), hold, None));
        }
    }
}

/// Stores the answer (`Some`) or releases the key (`None`); when the database does not take it,
/// tries again in the background with growing pauses, for as long as a retry could otherwise
/// find the key blocked. The caller's answer does not wait for the retries.
async fn settle(pool: db::DbPool, hold: Hold, stored: Option<Stored>) {
    let stored = std::sync::Arc::new(stored);
    let attempt = {
        let (pool, hold, stored) = (pool.clone(), hold.clone(), stored.clone());
        move || {
            let (pool, hold, stored) = (pool.clone(), hold.clone(), stored.clone());
            async move {
                db::run(&pool, move |conn| match stored.as_ref() {
                    Some(stored) => model::complete(conn, &hold, stored),
                    None => model::release(conn, &hold),
                })
                .await
            }
        }
    };
    let Err(first) = attempt().await else { return };
    let what = if stored.is_some() { "store the answer of" } else { "release" };
    tracing::warn!(error = %first.detail, "could not {what} an idempotency key; retrying in the background");
    actix_web::rt::spawn(async move {
        let started = std::time::Instant::now();
        let mut pause = std::time::Duration::from_millis(250);
        loop {
            actix_web::rt::time::sleep(pause).await;
            match attempt().await {
                Ok(()) => {
                    tracing::info!("settled an idempotency key on a later try");
                    return;
                }
                Err(e) if started.elapsed() > SETTLE_FOR => {
                    tracing::warn!(error = %e.detail, "gave up settling an idempotency key");
                    return;
                }
                Err(_) => pause = (pause * 2).min(std::time::Duration::from_secs(5)),
            }
        }
    });
}

/// How long a failed answer store or release is retried: past this the key is taken over (or,
/// committed, answered from its mark) anyway.
const SETTLE_FOR: std::time::Duration = std::time::Duration::from_secs(60);

fn replay(stored: Stored) -> Result<HttpResponse, ApiError> {
    let status = StatusCode::from_u16(stored.status).map_err(|e| ApiError::internal(e.into()))?;
    let mut res = HttpResponse::build(status);
    for (name, value) in stored.headers {
        res.insert_header((name, value));
    }
    res.insert_header((IDEMPOTENT_REPLAYED, "true"));
    Ok(res.body(stored.body))
}

/// The answer for a request that committed but whose answer was lost (its instance died, or
/// its database went away, between the commit and the storing): `303 See Other` to the first
/// record it changed that has an address, with the records it changed. It is not run again.
fn replay_committed(records: Vec<(String, String)>) -> HttpResponse {
    let records: Vec<serde_json::Value> = records
        .iter()
        .map(|(kind, id)| serde_json::json!({"kind": kind, "id": id, "href": crate::db::journal::href(kind, id)}))
        .collect();
    // Always 303, as documented; `Location` when one of the records has a URL of its own (a
    // public comment has none: the body still lists it).
    let mut res = HttpResponse::SeeOther();
    if let Some(location) = records.iter().find_map(|r| r["href"].as_str()) {
        res.insert_header((header::LOCATION, location));
    }
    res.insert_header((IDEMPOTENT_REPLAYED, "true")).json(serde_json::json!({
        "code": ErrorCode::IdempotentRequestCommitted,
        "detail": "the first request with this Idempotency-Key was carried out, but its answer was lost; these are the records it changed",
        "records": records,
    }))
}

/// The middleware, on the scope whose routes `routes` lists.
pub async fn guard(
    routes: Arc<RouteTable>,
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let (Some(state), Some(raw)) = (state, req.headers().get(IDEMPOTENCY_KEY).cloned()) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    // The path as the router matches it (percent-escapes decoded), so `/api/v1/%63ampaigns` is
    // keyed like `/api/v1/campaigns`.
    let kind = if req.method() == Method::POST { routes.kind_of_path(req.match_info().as_str()) } else { None };
    let upload = match kind {
        Some(PostKind::Keyed) => false,
        Some(PostKind::Upload) => true,
        Some(PostKind::Unkeyed) | None => return Ok(next.call(req).await?.map_into_boxed_body()),
    };
    let key = match parse_key(&raw) {
        Ok(key) => key,
        Err(e) => return Ok(req.error_response(e)),
    };
    let caller = match bearer_token(req.request()) {
        Some(token) => match state.tokens.verify(&token) {
            Some(claims) => match claims.client_id {
                Some(client) => format!("client:{client}"),
                None => format!("user:{}", claims.sub),
            },
            // Refused by the handler with 401, which is not stored: nothing to key.
            None => return Ok(next.call(req).await?.map_into_boxed_body()),
        },
        // Uploads need a signed-in caller: no file is buffered for a request that will get 401.
        None if upload => return Ok(next.call(req).await?.map_into_boxed_body()),
        None => format!("anonymous:{}", client_addr(req.request(), state.settings.auth.trust_forwarded)),
    };

    // The whole body, within the limit of the endpoint (uploads take files, the rest JSON),
    // handed on to the handler.
    let limit = if upload { state.settings.max_upload_bytes } else { state.settings.max_body_bytes };
    let body = match read_limited(req.take_payload(), declared_length(req.request()), limit).await {
        Ok(body) => body,
        Err(e) => return Ok(req.error_response(e)),
    };
    req.set_payload(Payload::from(body.clone()));

    let id = KeyId { caller, method: Method::POST.to_string(), path: req.path().to_owned(), key };
    let (reserve_id, query) = (id.clone(), req.query_string().to_owned());
    let timing = Timing {
        ttl: TimeDelta::seconds(state.settings.idempotency_ttl_secs),
        abandoned_after: ABANDONED_AFTER,
        answer_grace: ANSWER_GRACE,
    };
    let reserved = db::run(&state.db, move |conn| {
        // Hashed here, off the async worker: uploads can be megabytes.
        let fingerprint = fingerprint(&query, &body);
        model::reserve(conn, &reserve_id, &fingerprint, timing)
    })
    .await;
    match reserved {
        Err(e) => Ok(req.error_response(e)),
        Ok(Reservation::Reused) => {
            let e = ApiError::new(
                ErrorCode::IdempotencyKeyReused,
                "this Idempotency-Key was used for a different request; use a new key for a new request",
            );
            Ok(req.error_response(e))
        }
        Ok(Reservation::InProgress) => {
            let e = ApiError {
                retry_after_secs: Some(1),
                ..ApiError::conflict(
                    ErrorCode::IdempotencyKeyInProgress,
                    "the first request with this Idempotency-Key is still running; retry shortly",
                )
            };
            Ok(req.error_response(e))
        }
        Ok(Reservation::Replay(stored)) => match replay(stored) {
            Ok(res) => Ok(req.into_response(res)),
            Err(e) => Ok(req.error_response(e)),
        },
        Ok(Reservation::Committed(records)) => Ok(req.into_response(replay_committed(records))),
        Ok(Reservation::Reserved(token)) => {
            let hold = Hold { id, token };
            // For `db::write` (through `RequestOrigin`): the write marks the key committed in
            // its own transaction.
            req.extensions_mut().insert(hold.clone());
            let held = Held { db: state.db.clone(), hold: Some(hold) };
            // The handler and the storing of its answer run as their own task: a client that
            // hangs up must not cut them short (the write may commit; the retry must then find
            // its answer).
            // A spawned task does not inherit the request's language: hand it over.
            actix_web::rt::spawn(i18n::scope(i18n::current(), run_and_store(held, req, next)))
                .await
                .map_err(|e| actix_web::error::ErrorInternalServerError(format!("request task failed: {e}")))?
        }
    }
}

async fn run_and_store(
    held: Held,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let res = match next.call(req).await {
        Ok(res) => res,
        Err(e) => {
            held.release().await;
            return Err(e);
        }
    };
    if res.status().is_server_error() {
        held.release().await;
        return Ok(res.map_into_boxed_body());
    }
    let (http_req, http_res) = res.into_parts();
    let (head, body) = http_res.into_parts();
    let Ok(bytes) = to_bytes(body).await else {
        held.release().await;
        return Err(actix_web::error::ErrorInternalServerError("the response body could not be read"));
    };
    // An answer marked `no-store` carries a secret shown once (a client or webhook secret): it
    // is not kept, so a retry runs afresh.
    let no_store =
        head.headers().get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("no-store"));
    if is_final(head.status(), &bytes) && !no_store {
        let headers = REPLAYED_HEADERS
            .iter()
            .filter_map(|name| {
                head.headers().get(name).and_then(|v| v.to_str().ok()).map(|v| (name.to_string(), v.to_string()))
            })
            .collect();
        held.complete(Stored { status: head.status().as_u16(), headers, body: bytes.to_vec() }).await;
    } else {
        held.release().await;
    }
    Ok(ServiceResponse::new(http_req, head.set_body(bytes).map_into_boxed_body()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_printable_ascii_up_to_255_bare_or_quoted() {
        let parse = |s: &str| parse_key(&header::HeaderValue::from_str(s).unwrap()).map_err(|e| e.code.as_str());
        assert_eq!(parse("8e03978e-40d5-43e8-bc93-6894a57f9324"), Ok("8e03978e-40d5-43e8-bc93-6894a57f9324".into()));
        assert_eq!(parse("\"abc def\""), Ok("abc def".into()));
        assert_eq!(parse(&"k".repeat(255)), Ok("k".repeat(255)));
        assert_eq!(parse(&"k".repeat(256)), Err("invalid_idempotency_key"));
        assert_eq!(parse("\"\""), Err("invalid_idempotency_key"));
        assert_eq!(parse("tab\there"), Err("invalid_idempotency_key"));
        assert!(parse_key(&header::HeaderValue::from_bytes("khóa".as_bytes()).unwrap()).is_err());
    }

    #[test]
    fn transient_answers_are_not_final() {
        assert!(is_final(StatusCode::CREATED, b"{}"));
        assert!(is_final(StatusCode::UNPROCESSABLE_ENTITY, b"{}"));
        assert!(is_final(StatusCode::CONFLICT, br#"{"code":"username_taken"}"#));
        assert!(!is_final(StatusCode::CONFLICT, br#"{"code":"write_conflict"}"#));
        assert!(!is_final(StatusCode::TOO_MANY_REQUESTS, b""));
        assert!(!is_final(StatusCode::SERVICE_UNAVAILABLE, b""));
    }

    #[test]
    fn the_fingerprint_covers_query_and_body() {
        assert_eq!(fingerprint("a=1", b"{}"), fingerprint("a=1", b"{}"));
        assert_ne!(fingerprint("a=1", b"{}"), fingerprint("a=2", b"{}"));
        assert_ne!(fingerprint("", b"{\"x\":1}"), fingerprint("", b"{\"x\":2}"));
    }
}
