//! The change feed (`/events`) and the audit trail (`/audit-entries`), both read from the journal.

use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::policy::{self, Role};
use crate::auth::OwnScopeUser;
use crate::db::journal::{self as model, event, AuditFilter, Entry, Event};
use crate::db::{self, cursor};
use crate::domain::webhooks::{parse_type_pattern, TypePattern};
use crate::error::{ApiError, ErrorCode};
use crate::http::extract::QueryParams;
use crate::http::register::Routes;
use crate::openapi::errors::ListErrors;
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes.service(feed).service(audit);
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// Read events after this cursor (an event's `cursor`, or the page's `next`). Absent: from
    /// the beginning; `latest`: only events from now on.
    #[param(pattern = "^(latest|[0-9]{1,19})$")]
    pub after: Option<String>,
    /// Comma-separated event types; `kind.*` takes every event of a kind (`nomination.*`).
    #[param(pattern = r"^ *[a-z_]{1,64}\.([a-z_]{1,64}|\*) *(, *[a-z_]{1,64}\.([a-z_]{1,64}|\*) *)*$")]
    pub types: Option<String>,
    /// Page size, 1–100 (default 20).
    pub limit: Option<i64>,
    /// Long polling: when there is nothing new yet, wait up to this many seconds (1–30) for an
    /// event before answering with an empty page.
    #[param(minimum = 1, maximum = 30)]
    pub wait: Option<u64>,
}

/// How often a waiting feed request looks again.
const FEED_POLL: std::time::Duration = std::time::Duration::from_millis(250);

#[derive(Serialize, ToSchema)]
pub struct EventPage {
    pub items: Vec<Event>,
    /// Pass as `after` for the next page. Always present: when there are no new events it is
    /// the cursor you sent, so polling with it never skips or repeats an event.
    pub next: String,
    /// More events are waiting now; otherwise poll again later.
    pub has_more: bool,
}

fn type_patterns(types: Option<&str>) -> Result<Vec<TypePattern>, ApiError> {
    let Some(types) = types else { return Ok(Vec::new()) };
    types
        .split(',')
        .map(|t| {
            parse_type_pattern(t.trim()).ok_or_else(|| {
                ApiError::bad_query(
                    "types",
                    "takes comma-separated event types such as campaign.launched or nomination.*",
                )
            })
        })
        .collect()
}

/// The change feed: every change to the records the caller may read, in the order they were
/// committed (service clients need `events:read`). Resumable from any cursor; events are kept, so a reader that was away catches up.
#[utoipa::path(operation_id = "list_events", tag = "integration", security(("bearer" = []), ("client" = ["events:read"])), params(FeedQuery),
    responses((status = 200, description = "A page of events, oldest first", body = EventPage), ListErrors))]
#[get("/events")]
pub async fn feed(
    state: web::Data<AppState>,
    who: OwnScopeUser,
    query: QueryParams<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    policy::require_scope(&who, "events:read")?;
    let query = query.0;
    let limit = cursor::limit(query.limit)?;
    let types = type_patterns(query.types.as_deref())?;
    let reach = policy::feed_reach(&who);
    let after = match query.after.as_deref() {
        None => Some(0),
        Some("latest") => None,
        Some(c) => Some(c.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
            ApiError::bad_query_because("after", ErrorCode::InvalidCursor, "is not a cursor this feed issued")
        })?),
    };
    let wait = match query.wait {
        None => std::time::Duration::ZERO,
        Some(secs @ 1..=30) => std::time::Duration::from_secs(secs),
        Some(_) => return Err(ApiError::bad_query("wait", "must be between 1 and 30 seconds")),
    };
    let deadline = std::time::Instant::now() + wait;
    let mut after = after;
    let (rows, after) = loop {
        let (reach, types) = (reach.clone(), types.clone());
        let (rows, resolved) = db::run(&state.db, move |conn| {
            let after = match after {
                Some(after) => after,
                None => model::latest_seq(conn)?,
            };
            Ok((model::list_feed(conn, after, limit, &reach, &types)?, after))
        })
        .await?;
        // Waiting holds no connection: each look is its own short query. A shutdown ends the
        // wait at once, with what there is (an empty page).
        if !rows.is_empty() || std::time::Instant::now() + FEED_POLL > deadline || state.shutdown.has_begun() {
            break (rows, resolved);
        }
        after = Some(resolved);
        let pause = std::pin::pin!(actix_web::rt::time::sleep(FEED_POLL));
        futures_util::future::select(pause, std::pin::pin!(state.shutdown.begun())).await;
    };
    let has_more = rows.len() as i64 > limit;
    let items: Vec<Event> = rows.iter().take(limit as usize).map(event).collect();
    let next = items.last().map(|e| e.cursor.clone()).unwrap_or_else(|| after.to_string());
    crate::http::page::ok(items.len(), &EventPage { items, next, has_more })
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Entries about one kind of record (`nomination`, `user`, …).
    pub record_kind: Option<String>,
    /// Entries about one record (with `record_kind`).
    pub record_id: Option<String>,
    /// Entries by one actor (a user's or service client's id).
    pub actor_id: Option<String>,
    /// One action, e.g. `nomination.approved`.
    pub action: Option<String>,
    /// Records owned by one unit.
    pub unit_id: Option<String>,
    /// From this instant (inclusive), RFC 3339.
    pub since: Option<DateTime<Utc>>,
    /// Up to this instant (exclusive), RFC 3339.
    pub until: Option<DateTime<Utc>>,
    pub cursor: Option<String>,
    /// Page size, 1–100 (default 20).
    pub limit: Option<i64>,
}

/// An audit entry: who did what to which record, when, from where, with the record before and
/// after (as the API showed it; secrets and ballots are never kept).
#[derive(Serialize, ToSchema)]
pub struct AuditEntry {
    pub seq: i64,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub occurred_at: DateTime<Utc>,
    #[schema(example = "campaign.launched")]
    pub action: String,
    pub record_kind: String,
    pub record_id: String,
    pub unit_id: Option<String>,
    /// `user`, `client`, `anonymous` or `system`.
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub client_addr: Option<String>,
    pub request_id: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    pub next_cursor: Option<String>,
}

/// A stored snapshot; one that does not parse is an error naming the entry, not a missing one.
fn parse_value(seq: i64, column: &str, stored: Option<String>) -> Result<Option<serde_json::Value>, ApiError> {
    stored
        .map(|s| {
            serde_json::from_str(&s).map_err(|e| {
                ApiError::internal(anyhow::anyhow!("journal entry {seq}: stored {column} is not JSON: {e}"))
            })
        })
        .transpose()
}

fn audit_entry(e: Entry) -> Result<AuditEntry, ApiError> {
    Ok(AuditEntry {
        before: parse_value(e.seq, "before_value", e.before_value)?,
        after: parse_value(e.seq, "after_value", e.after_value)?,
        seq: e.seq,
        occurred_at: e.occurred_at,
        action: e.action,
        record_kind: e.record_kind,
        record_id: e.record_id,
        unit_id: e.unit_id,
        actor_kind: e.actor_kind,
        actor_id: e.actor_id,
        client_addr: e.client_addr,
        request_id: e.request_id,
    })
}

/// The audit trail, newest first (admins, and service clients with `audit:read`). Entries cannot
/// be changed or removed. Ordered by sequence number; a page filtered by `since`/`until` alone
/// (or with `record_kind`, `action`) is ordered by time, then sequence number.
#[utoipa::path(operation_id = "list_audit_entries", tag = "integration", security(("bearer" = []), ("client" = ["audit:read"])), params(AuditQuery),
    responses((status = 200, description = "A page of audit entries", body = AuditPage), ListErrors))]
#[get("/audit-entries")]
pub async fn audit(
    state: web::Data<AppState>,
    who: OwnScopeUser,
    scope: cursor::ListScope,
    query: QueryParams<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    // Admins; or a service client granted `audit:read` that is not bound to one unit.
    if who.is_client() {
        policy::require_scope(&who, "audit:read")?;
        if who.unit_id.is_some() {
            return Err(ApiError::forbidden());
        }
    } else {
        policy::require_any(&who, &[] as &[Role])?;
    }
    let q = query.0;
    let limit = cursor::limit(q.limit)?;
    let filter = AuditFilter {
        record_kind: q.record_kind,
        record_id: q.record_id,
        actor_id: q.actor_id,
        action: q.action,
        unit_id: q.unit_id,
        since: q.since.map(|t| t.naive_utc()),
        until: q.until.map(|t| t.naive_utc()),
        before: q.cursor.as_deref().map(|c| cursor::decode(&scope, c)).transpose()?,
        limit,
    };
    let by_time = filter.by_time();
    let rows = db::run(&state.db, move |conn| model::list_audit(conn, &filter)).await?;
    let (rows, next_cursor) = cursor::page(rows, limit, &scope, |e| model::AuditPosition::of(e, by_time));
    Ok(HttpResponse::Ok()
        .json(AuditPage { items: rows.into_iter().map(audit_entry).collect::<Result<_, _>>()?, next_cursor }))
}
