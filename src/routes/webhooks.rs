//! Webhook subscriptions (admins): where events are sent, which ones, and each delivery's log.

use actix_web::http::header;
use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::policy;
use crate::auth::AuthUser;
use crate::db::journal::Scope;
use crate::db::{self, cursor};
use crate::domain::ids::{DeliveryId, SubscriptionId};
use crate::domain::webhooks::{self as rules, DeliveryStatus, MAX_EVENT_TYPES};
use crate::domain::{check_text, Checks};
use crate::error::{ApiError, ErrorCode, Problem};
use crate::http::extract::{etag, required_if_match, JsonBody, QueryParams};
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::models::webhooks::{self as model, Attempt, Delivery, Subscription, SubscriptionInput};
use crate::openapi::errors::{CreateErrors, ListErrors, ReadErrors, ReplaceErrors, WriteErrors};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes
        .service(list)
        .service(create)
        .service(read)
        .service(replace)
        .service(remove)
        .service(rotate_secret)
        .service(deliveries);
}

/// A webhook subscription. Subscriptions belong to the board and receive every event of the
/// types they name, whatever unit owns the record (the events are thin: ids and types).
#[derive(Serialize, ToSchema, Clone)]
pub struct WebhookResponse {
    pub id: Uuid,
    #[schema(example = "https://lienthong.so-noi-vu.gov.vn/thidua/webhook")]
    pub url: String,
    /// Filters, as the feed's `types`: `campaign.launched` or `nomination.*`. Empty: every event.
    #[schema(example = json!(["nomination.*", "decision.created"]))]
    pub event_types: Vec<String>,
    /// Inactive subscriptions get no new deliveries and their pending ones wait.
    pub active: bool,
    #[schema(example = "Hệ thống một cửa của Sở Nội vụ")]
    pub description: Option<String>,
    pub version: i32,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub updated_at: DateTime<Utc>,
}

/// A subscription with its signing secret: shown only when created and when the secret is rotated.
#[derive(Serialize, ToSchema)]
pub struct WebhookWithSecret {
    #[serde(flatten)]
    pub webhook: WebhookResponse,
    /// The HMAC-SHA256 key for `Thidua-Signature` (the whole string). Store it now: it is
    /// never shown again.
    #[schema(example = "whsec_3f1c…")]
    pub secret: String,
}

fn response(s: Subscription) -> WebhookResponse {
    WebhookResponse {
        id: s.id.into(),
        url: s.url,
        event_types: s.event_types.split(',').filter(|t| !t.is_empty()).map(String::from).collect(),
        active: s.active,
        description: s.description,
        version: s.version,
        created_at: s.created_at,
        updated_at: s.updated_at,
    }
}

fn with_secret(s: Subscription) -> WebhookWithSecret {
    let secret = s.secret.clone();
    WebhookWithSecret { webhook: response(s), secret }
}

/// A subscription as created or replaced.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookRequest {
    /// `https://` (plain `http://` only where the service allows it). Must resolve to a public
    /// address and be on the service's allow-list, if it has one.
    pub url: String,
    /// Event-type filters; absent or empty: every event.
    #[serde(default)]
    pub event_types: Vec<String>,
    /// Default true.
    pub active: Option<bool>,
    pub description: Option<String>,
}

/// Checks the request, resolving the URL's host (off the worker thread).
async fn input(state: &AppState, body: WebhookRequest) -> Result<SubscriptionInput, ApiError> {
    let mut checks = Checks::default();
    let url = body.url.trim().to_string();
    if url.is_empty() {
        checks.fail("url", ErrorCode::Required, "must not be empty");
    } else if let Err(refusal) = crate::webhooks::check_target(&url, &state.settings.webhooks).await {
        checks.fail("url", refusal.code, refusal.message);
    }
    if body.event_types.len() > MAX_EVENT_TYPES {
        checks.fail("event_types", ErrorCode::TooMany, format!("at most {MAX_EVENT_TYPES} filters"));
    }
    let mut types: Vec<String> = Vec::new();
    for (i, t) in body.event_types.iter().enumerate() {
        let t = t.trim();
        if rules::parse_type_pattern(t).is_none() {
            checks.fail(
                &format!("event_types[{i}]"),
                ErrorCode::Invalid,
                "must be an event type such as campaign.launched, or kind.*",
            );
        } else if !types.iter().any(|seen| seen == t) {
            types.push(t.to_string());
        }
    }
    let description = body.description.as_deref().map(|d| check_text("description", d, 500, &mut checks));
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    Ok(SubscriptionInput { url, event_types: types.join(","), active: body.active.unwrap_or(true), description })
}

/// A subscription as the audit trail keeps it: the URL without its query, where receivers
/// often put an access token of theirs.
fn for_journal(webhook: &WebhookResponse) -> WebhookResponse {
    let mut kept = webhook.clone();
    if let Some((without_query, _)) = kept.url.split_once('?') {
        kept.url = format!("{without_query}?…");
    }
    kept
}

fn ok<T: Serialize>(body: &T, version: i32) -> HttpResponse {
    HttpResponse::Ok().insert_header(etag(version)).json(body)
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    pub cursor: Option<String>,
    /// Page size, 1–100 (default 20).
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct WebhookPage {
    pub items: Vec<WebhookResponse>,
    pub next_cursor: Option<String>,
}

/// List webhook subscriptions, newest first (admins).
#[utoipa::path(operation_id = "list_webhooks", tag = "integration", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, description = "A page of subscriptions", body = WebhookPage), (status = 403, description = "Admins only", body = Problem, content_type = "application/problem+json"), ListErrors))]
#[get("/webhooks")]
pub async fn list(
    state: web::Data<AppState>,
    who: AuthUser,
    scope: cursor::ListScope,
    query: QueryParams<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[])?;
    let limit = cursor::limit(query.0.limit)?;
    let before = query.0.cursor.as_deref().map(|c| cursor::decode::<SubscriptionId>(&scope, c)).transpose()?;
    let rows = db::run(&state.db, move |conn| model::list_subscriptions(conn, before, limit)).await?;
    let (rows, next_cursor) = cursor::page(rows, limit, &scope, |s| s.id);
    let items: Vec<_> = rows.into_iter().map(response).collect();
    crate::http::page::ok(items.len(), &WebhookPage { items, next_cursor })
}

/// Subscribe a URL to events (admins). The answer carries the signing secret, once.
#[utoipa::path(operation_id = "create_webhook", tag = "integration", security(("bearer" = [])), request_body = WebhookRequest,
    responses((status = 201, description = "Created; `Location` and `ETag` are set", body = WebhookWithSecret), CreateErrors))]
#[post("/webhooks")]
pub async fn create(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    body: JsonBody<WebhookRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[])?;
    let input = input(&state, body.0).await?;
    let created = db::write(&state.db, origin.by(&who), move |conn, journal| {
        let created = with_secret(model::insert_subscription(conn, input, rules::new_secret())?);
        // Audit only (never the secret): subscriptions are the board's configuration.
        journal.created("webhook", created.webhook.id, Scope::AuditOnly, &for_journal(&created.webhook));
        Ok(created)
    })
    .await?;
    // The secret is shown this once: no cache (nor the idempotency store) may keep it.
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::LOCATION, format!("/api/v1/webhooks/{}", created.webhook.id)))
        .insert_header(etag(created.webhook.version))
        .json(created))
}

/// Get a webhook subscription (admins).
#[utoipa::path(operation_id = "get_webhook", tag = "integration", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The subscription's id")),
    responses((status = 200, description = "The subscription; `ETag` is set", body = WebhookResponse), (status = 403, description = "Admins only", body = Problem, content_type = "application/problem+json"), ReadErrors))]
#[get("/webhooks/{id}")]
pub async fn read(state: web::Data<AppState>, who: AuthUser, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[])?;
    let id = SubscriptionId::from(id.into_inner());
    let found = response(db::run(&state.db, move |conn| model::find_subscription(conn, id)).await?);
    Ok(ok(&found, found.version))
}

/// Replace a subscription's URL, filters, flag and description (admins). Send `If-Match`.
#[utoipa::path(operation_id = "replace_webhook", tag = "integration", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The subscription's id"), ("If-Match" = String, Header, description = "The `ETag` last read (required)")),
    request_body = WebhookRequest,
    responses((status = 200, description = "Replaced; the new `ETag` is set", body = WebhookResponse), ReplaceErrors))]
#[put("/webhooks/{id}")]
pub async fn replace(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<WebhookRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[])?;
    let expected = required_if_match(&req)?;
    let input = input(&state, body.0).await?;
    let id = SubscriptionId::from(id.into_inner());
    let replaced = db::write(&state.db, origin.by(&who), move |conn, journal| {
        model::lock_subscription(conn, id)?;
        let before = response(model::find_subscription(conn, id)?);
        let after = response(model::replace_subscription(conn, id, input, expected)?);
        journal.updated("webhook", id, Scope::AuditOnly, &for_journal(&before), &for_journal(&after));
        Ok(after)
    })
    .await?;
    Ok(ok(&replaced, replaced.version))
}

/// Delete a subscription with its pending deliveries and delivery log (admins).
#[utoipa::path(operation_id = "delete_webhook", tag = "integration", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The subscription's id")),
    responses((status = 204, description = "Deleted"), WriteErrors))]
#[delete("/webhooks/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[])?;
    let id = SubscriptionId::from(id.into_inner());
    db::write(&state.db, origin.by(&who), move |conn, journal| {
        let before = response(model::delete_subscription(conn, id)?);
        journal.deleted("webhook", id, Scope::AuditOnly, &for_journal(&before));
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Issue a new signing secret (admins); the old one stops working at once. The answer carries
/// the new secret, once.
#[utoipa::path(operation_id = "rotate_webhook_secret", tag = "integration", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The subscription's id")),
    responses((status = 200, description = "The subscription with its new secret; the new `ETag` is set", body = WebhookWithSecret), WriteErrors))]
#[post("/webhooks/{id}/rotate-secret")]
pub async fn rotate_secret(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[])?;
    let id = SubscriptionId::from(id.into_inner());
    let rotated = db::write(&state.db, origin.by(&who), move |conn, journal| {
        let rotated = with_secret(model::rotate_secret(conn, id, rules::new_secret())?);
        journal.record("webhook", "secret_rotated", id, Scope::AuditOnly, None, None);
        Ok(rotated)
    })
    .await?;
    let mut res = ok(&rotated, rotated.webhook.version);
    res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    Ok(res)
}

/// One attempt to send a delivery.
#[derive(Serialize, ToSchema)]
pub struct AttemptResponse {
    /// 1 for the first try.
    pub attempt: i32,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub attempted_at: DateTime<Utc>,
    pub duration_ms: i64,
    /// The receiver's HTTP status; absent when there was no answer.
    pub status_code: Option<i32>,
    /// Why there was no answer (refused address, connection error, timeout).
    pub error: Option<String>,
}

/// One event sent (or being sent) to a subscription.
#[derive(Serialize, ToSchema)]
pub struct DeliveryResponse {
    pub id: Uuid,
    /// The event's cursor (also sent as `Thidua-Event-Id`).
    #[schema(example = "1042")]
    pub event_id: String,
    #[schema(example = "nomination.submitted")]
    pub event_type: String,
    /// `pending` (to be tried, or retried at `next_attempt_at`), `delivered`, or `failed`
    /// (given up after the last attempt).
    #[schema(example = "delivered")]
    pub status: String,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339_opt")]
    pub next_attempt_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339_opt")]
    pub finished_at: Option<DateTime<Utc>>,
    /// Every attempt so far, first to last.
    pub attempts: Vec<AttemptResponse>,
}

#[derive(Serialize, ToSchema)]
pub struct DeliveryPage {
    pub items: Vec<DeliveryResponse>,
    pub next_cursor: Option<String>,
}

fn delivery((d, action, attempts): (Delivery, String, Vec<Attempt>)) -> DeliveryResponse {
    DeliveryResponse {
        id: d.id.into(),
        event_id: d.event_seq.to_string(),
        event_type: action,
        next_attempt_at: (d.status == DeliveryStatus::Pending).then_some(d.next_attempt_at),
        status: d.status.as_str().to_string(),
        created_at: d.created_at,
        finished_at: d.finished_at,
        attempts: attempts
            .into_iter()
            .map(|a| AttemptResponse {
                attempt: a.attempt,
                attempted_at: a.attempted_at,
                duration_ms: a.duration_ms,
                status_code: a.status_code,
                error: a.error,
            })
            .collect(),
    }
}

/// A subscription's deliveries, newest first, each with its attempts (admins).
#[utoipa::path(operation_id = "list_webhook_deliveries", tag = "integration", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The subscription's id"), PageQuery),
    responses((status = 200, description = "A page of deliveries", body = DeliveryPage), (status = 403, description = "Admins only", body = Problem, content_type = "application/problem+json"), ReadErrors))]
#[get("/webhooks/{id}/deliveries")]
pub async fn deliveries(
    state: web::Data<AppState>,
    who: AuthUser,
    scope: cursor::ListScope,
    id: web::Path<Uuid>,
    query: QueryParams<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[])?;
    let limit = cursor::limit(query.0.limit)?;
    let before = query.0.cursor.as_deref().map(|c| cursor::decode::<DeliveryId>(&scope, c)).transpose()?;
    let id = SubscriptionId::from(id.into_inner());
    let rows = db::run(&state.db, move |conn| {
        model::find_subscription(conn, id)?;
        model::list_deliveries(conn, id, before, limit)
    })
    .await?;
    let (rows, next_cursor) = cursor::page(rows, limit, &scope, |(d, ..)| d.id);
    let items: Vec<_> = rows.into_iter().map(delivery).collect();
    crate::http::page::ok(items.len(), &DeliveryPage { items, next_cursor })
}
