//! Webhook subscriptions, the delivery outbox and its attempt log in SQL.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use crate::db::journal::Entry;
use crate::db::schema::{journal, webhook_attempts, webhook_deliveries, webhook_subscriptions};
use crate::db::sql_types::{NullableUtcTimestamp, UtcTimestamp};
use crate::db::{self, DbConn};
use crate::domain::ids::{AttemptId, DeliveryId, SubscriptionId};
use crate::domain::webhooks::DeliveryStatus;
use crate::error::ApiError;

type Db = <DbConn as Connection>::Backend;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = webhook_subscriptions)]
pub struct Subscription {
    pub id: SubscriptionId,
    pub url: String,
    pub event_types: String,
    pub active: bool,
    pub description: Option<String>,
    pub secret: String,
    pub version: i32,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = webhook_deliveries)]
pub struct Delivery {
    pub id: DeliveryId,
    pub subscription_id: SubscriptionId,
    pub event_seq: i64,
    pub status: DeliveryStatus,
    pub attempts: i32,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub next_attempt_at: DateTime<Utc>,
    pub lease_owner: Option<String>,
    #[diesel(deserialize_as = NullableUtcTimestamp)]
    pub lease_until: Option<DateTime<Utc>>,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
    #[diesel(deserialize_as = NullableUtcTimestamp)]
    pub finished_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = webhook_attempts)]
pub struct Attempt {
    pub id: AttemptId,
    pub delivery_id: DeliveryId,
    pub attempt: i32,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub attempted_at: DateTime<Utc>,
    pub duration_ms: i64,
    pub status_code: Option<i32>,
    pub error: Option<String>,
}

/// A subscription as created or replaced (checked by the caller).
pub struct SubscriptionInput {
    pub url: String,
    /// Comma-separated patterns; empty: every event.
    pub event_types: String,
    pub active: bool,
    pub description: Option<String>,
}

pub fn find_subscription(conn: &mut DbConn, id: SubscriptionId) -> Result<Subscription, ApiError> {
    webhook_subscriptions::table
        .find(id)
        .select(Subscription::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("webhook"))
}

/// Holds the subscription's row until the transaction ends (see `db::lock_row!`): take it before
/// reading the subscription for a write.
pub fn lock_subscription(conn: &mut DbConn, id: SubscriptionId) -> Result<(), ApiError> {
    Ok(db::lock_row!(conn, webhook_subscriptions::table, id)?)
}

/// Subscriptions, newest first, after the `before` id; `limit + 1` rows.
pub fn list_subscriptions(
    conn: &mut DbConn,
    before: Option<SubscriptionId>,
    limit: i64,
) -> Result<Vec<Subscription>, ApiError> {
    let mut query = webhook_subscriptions::table.into_boxed::<Db>();
    if let Some(before) = before {
        query = query.filter(webhook_subscriptions::id.lt(before));
    }
    Ok(query.order(webhook_subscriptions::id.desc()).limit(limit + 1).select(Subscription::as_select()).load(conn)?)
}

pub fn insert_subscription(
    conn: &mut DbConn,
    input: SubscriptionInput,
    secret: String,
) -> Result<Subscription, ApiError> {
    let id = SubscriptionId::generate();
    let now = db::now();
    diesel::insert_into(webhook_subscriptions::table)
        .values((
            webhook_subscriptions::id.eq(id),
            webhook_subscriptions::url.eq(input.url),
            webhook_subscriptions::event_types.eq(input.event_types),
            webhook_subscriptions::active.eq(input.active),
            webhook_subscriptions::description.eq(input.description),
            webhook_subscriptions::secret.eq(secret),
            webhook_subscriptions::version.eq(1),
            webhook_subscriptions::created_at.eq(now),
            webhook_subscriptions::updated_at.eq(now),
        ))
        .execute(conn)?;
    find_subscription(conn, id)
}

/// Replaces the URL, filters, flag and description at `expected_version`.
pub fn replace_subscription(
    conn: &mut DbConn,
    id: SubscriptionId,
    input: SubscriptionInput,
    expected_version: Option<i32>,
) -> Result<Subscription, ApiError> {
    let current = find_subscription(conn, id)?;
    if expected_version.is_some_and(|v| v != current.version) {
        return Err(ApiError::precondition_failed());
    }
    let updated = diesel::update(
        webhook_subscriptions::table.find(id).filter(webhook_subscriptions::version.eq(current.version)),
    )
    .set((
        webhook_subscriptions::url.eq(input.url),
        webhook_subscriptions::event_types.eq(input.event_types),
        webhook_subscriptions::active.eq(input.active),
        webhook_subscriptions::description.eq(input.description),
        webhook_subscriptions::version.eq(current.version + 1),
        webhook_subscriptions::updated_at.eq(db::now()),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Err(ApiError::precondition_failed());
    }
    find_subscription(conn, id)
}

pub fn rotate_secret(conn: &mut DbConn, id: SubscriptionId, secret: String) -> Result<Subscription, ApiError> {
    let current = find_subscription(conn, id)?;
    diesel::update(webhook_subscriptions::table.find(id))
        .set((
            webhook_subscriptions::secret.eq(secret),
            webhook_subscriptions::version.eq(current.version + 1),
            webhook_subscriptions::updated_at.eq(db::now()),
        ))
        .execute(conn)?;
    find_subscription(conn, id)
}

/// Deletes a subscription with its deliveries and their log; returns it as it was.
pub fn delete_subscription(conn: &mut DbConn, id: SubscriptionId) -> Result<Subscription, ApiError> {
    lock_subscription(conn, id)?;
    let current = find_subscription(conn, id)?;
    // Explicit rather than trusting ON DELETE CASCADE alone: SQLite connections opened
    // without `foreign_keys = ON` would leave orphans.
    let deliveries =
        webhook_deliveries::table.filter(webhook_deliveries::subscription_id.eq(id)).select(webhook_deliveries::id);
    diesel::delete(webhook_attempts::table.filter(webhook_attempts::delivery_id.eq_any(deliveries))).execute(conn)?;
    diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::subscription_id.eq(id))).execute(conn)?;
    diesel::delete(webhook_subscriptions::table.find(id)).execute(conn)?;
    Ok(current)
}

/// A claimed delivery with what sending it needs.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub delivery: Delivery,
    pub url: String,
    pub secret: String,
    pub entry: Entry,
}

// Claims due deliveries of active subscriptions. The lease condition is repeated in the outer
// WHERE: on PostgreSQL (READ COMMITTED) an UPDATE that waited for a row lock re-checks the
// outer conditions on the row's new version, so a row another instance claimed meanwhile is
// skipped rather than claimed twice. SKIP LOCKED lets instances take different rows at once.
const CLAIM_POSTGRES: &str = "UPDATE webhook_deliveries SET lease_owner = $1, lease_until = $2, attempts = attempts + 1 \
    WHERE id IN (SELECT d.id FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id \
        WHERE d.status = 'pending' AND d.next_attempt_at <= $3 AND (d.lease_until IS NULL OR d.lease_until < $3) AND s.active \
        ORDER BY d.next_attempt_at, d.event_seq LIMIT $4 FOR UPDATE OF d SKIP LOCKED) \
    AND status = 'pending' AND (lease_until IS NULL OR lease_until < $3)";
const CLAIM_SQLITE: &str = "UPDATE webhook_deliveries SET lease_owner = ?, lease_until = ?, attempts = attempts + 1 \
    WHERE id IN (SELECT d.id FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id \
        WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND (d.lease_until IS NULL OR d.lease_until < ?) AND s.active \
        ORDER BY d.next_attempt_at, d.event_seq LIMIT ?) \
    AND status = 'pending' AND (lease_until IS NULL OR lease_until < ?)";

/// Leases up to `limit` due deliveries to `token` (unique per claim) until `lease_until`, and
/// returns them. A delivery whose lease runs out unfinished (a crash mid-send, or a database
/// that went away before the attempt was recorded) is due again. Each claim counts as an
/// attempt (`attempts` is raised here, not when the attempt is recorded), so a re-send after a
/// lost lease carries the next number, never the same one again.
pub fn claim(
    conn: &mut DbConn,
    token: &str,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> Result<Vec<Claimed>, ApiError> {
    let claimed = match conn {
        DbConn::Postgres(pg) => diesel::sql_query(CLAIM_POSTGRES)
            .bind::<Text, _>(token)
            .bind::<Timestamp, _>(lease_until)
            .bind::<Timestamp, _>(now)
            .bind::<BigInt, _>(limit)
            .execute(pg)?,
        DbConn::Sqlite(lite) => diesel::sql_query(CLAIM_SQLITE)
            .bind::<Text, _>(token)
            .bind::<Timestamp, _>(lease_until)
            .bind::<Timestamp, _>(now)
            .bind::<Timestamp, _>(now)
            .bind::<BigInt, _>(limit)
            .bind::<Timestamp, _>(now)
            .execute(lite)?,
    };
    if claimed == 0 {
        return Ok(Vec::new());
    }
    let rows: Vec<(Delivery, String, String)> = webhook_deliveries::table
        .inner_join(webhook_subscriptions::table)
        .filter(webhook_deliveries::lease_owner.eq(token))
        .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending))
        .select((Delivery::as_select(), webhook_subscriptions::url, webhook_subscriptions::secret))
        .load(conn)?;
    let seqs: Vec<i64> = rows.iter().map(|(d, ..)| d.event_seq).collect();
    let entries: Vec<Entry> =
        journal::table.filter(journal::seq.eq_any(&seqs)).select(Entry::as_select()).load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(delivery, url, secret)| {
            let entry = entries.iter().find(|e| e.seq == delivery.event_seq)?.clone();
            Some(Claimed { delivery, url, secret, entry })
        })
        .collect())
}

/// What became of one attempt.
pub enum Outcome {
    Delivered,
    RetryAt(NaiveDateTime),
    GaveUp,
}

pub struct AttemptRecord {
    pub attempt: i32,
    pub attempted_at: NaiveDateTime,
    pub duration_ms: i64,
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub outcome: Outcome,
}

/// Logs an attempt and settles the delivery, releasing the lease — if `token` still holds it
/// (a holder whose lease ran out must not overwrite the next holder's work).
pub fn record_attempt(
    conn: &mut DbConn,
    delivery_id: DeliveryId,
    token: &str,
    record: AttemptRecord,
) -> Result<(), ApiError> {
    // Its own transaction: the delivery worker calls this through `db::run`, outside `db::write`
    // (a delivery attempt is not a journaled change), and the attempt and the settled delivery
    // must be written together.
    conn.write_tx(|conn| {
        let now = db::now();
        let (status, next, finished) = match record.outcome {
            Outcome::Delivered => (DeliveryStatus::Delivered, now, Some(now)),
            Outcome::RetryAt(at) => (DeliveryStatus::Pending, at, None),
            Outcome::GaveUp => (DeliveryStatus::Failed, now, Some(now)),
        };
        let still_ours = diesel::update(
            webhook_deliveries::table.find(delivery_id).filter(webhook_deliveries::lease_owner.eq(token)),
        )
        .set((
            webhook_deliveries::status.eq(status),
            webhook_deliveries::attempts.eq(record.attempt),
            webhook_deliveries::next_attempt_at.eq(next),
            webhook_deliveries::finished_at.eq(finished),
            webhook_deliveries::lease_owner.eq(None::<String>),
            webhook_deliveries::lease_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
        // A lease that ran out meanwhile belongs to another claim now, with the next attempt
        // number; this attempt's outcome is not logged over it.
        if still_ours == 1 {
            diesel::insert_into(webhook_attempts::table)
                .values((
                    webhook_attempts::id.eq(AttemptId::generate()),
                    webhook_attempts::delivery_id.eq(delivery_id),
                    webhook_attempts::attempt.eq(record.attempt),
                    webhook_attempts::attempted_at.eq(record.attempted_at),
                    webhook_attempts::duration_ms.eq(record.duration_ms),
                    webhook_attempts::status_code.eq(record.status_code),
                    webhook_attempts::error.eq(record.error.as_deref()),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
}

/// A subscription's deliveries, newest first, after the `before` id, with the event type and
/// every attempt; `limit + 1` deliveries.
pub fn list_deliveries(
    conn: &mut DbConn,
    subscription_id: SubscriptionId,
    before: Option<DeliveryId>,
    limit: i64,
) -> Result<Vec<(Delivery, String, Vec<Attempt>)>, ApiError> {
    let mut query = webhook_deliveries::table
        .inner_join(journal::table.on(journal::seq.eq(webhook_deliveries::event_seq)))
        .filter(webhook_deliveries::subscription_id.eq(subscription_id))
        .into_boxed::<Db>();
    if let Some(before) = before {
        query = query.filter(webhook_deliveries::id.lt(before));
    }
    let rows: Vec<(Delivery, String)> = query
        .order(webhook_deliveries::id.desc())
        .limit(limit + 1)
        .select((Delivery::as_select(), journal::action))
        .load(conn)?;
    let ids: Vec<DeliveryId> = rows.iter().map(|(d, _)| d.id).collect();
    let attempts: Vec<Attempt> = webhook_attempts::table
        .filter(db::one_of(webhook_attempts::delivery_id, &ids))
        .order((webhook_attempts::delivery_id, webhook_attempts::attempt, webhook_attempts::attempted_at))
        .select(Attempt::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(d, action)| {
            let mine = attempts.iter().filter(|a| a.delivery_id == d.id).cloned().collect();
            (d, action, mine)
        })
        .collect())
}
