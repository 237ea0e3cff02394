//! Idempotency keys in SQL: reserve before the handler runs; the guarded write marks the key
//! committed in its own transaction (`mark_committed`, called by `db::write`); then the answer is
//! stored (`complete`), or the key is released so the client may retry (see http::idempotency).
//!
//! Every reservation carries its own token, and every later step names it: a request whose
//! reservation was taken over (it looked abandoned) can neither commit under the key, nor store
//! an answer, nor release the new holder's reservation.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::db::schema::idempotency_keys as keys;
use crate::db::{self, DbConn};
use crate::error::{ApiError, ErrorCode};

/// Which request a key belongs to: the key is the caller's, for one method and path.
#[derive(Clone, Debug)]
pub struct KeyId {
    pub caller: String,
    pub method: String,
    pub path: String,
    pub key: String,
}

/// A reservation held by one running request: the key and the request's token.
#[derive(Clone, Debug)]
pub struct Hold {
    pub id: KeyId,
    pub token: String,
}

/// A stored response, replayed for a retry.
#[derive(Debug, PartialEq)]
pub struct Stored {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// How long keys live and when a holder counts as gone.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    /// How long a key is kept.
    pub ttl: TimeDelta,
    /// A reservation that has not committed after this long belongs to a request that died
    /// with its instance: the next request with the key takes it over.
    pub abandoned_after: TimeDelta,
    /// A committed request normally stores its answer within milliseconds; one that has not
    /// after this long died (or lost its database) between commit and answer.
    pub answer_grace: TimeDelta,
}

#[derive(Debug, PartialEq)]
pub enum Reservation {
    /// The key is now held for this request under this token: run it.
    Reserved(String),
    /// The same request was answered already: replay this.
    Replay(Stored),
    /// The same request committed its change but its answer was never stored: these are the
    /// records it changed, (kind, id). It must not run again.
    Committed(Vec<(String, String)>),
    /// The first request with this key is still running.
    InProgress,
    /// The key was used for a different request.
    Reused,
}

type Row = (
    String,
    Option<i32>,
    Option<String>,
    Option<Vec<u8>>,
    NaiveDateTime,
    Option<String>,
    Option<NaiveDateTime>,
    Option<String>,
);

/// The row of `key` (a macro: diesel's update and delete take no boxed queries).
macro_rules! by_key {
    ($key:expr) => {
        keys::table
            .filter(keys::caller.eq(&$key.caller))
            .filter(keys::method.eq(&$key.method))
            .filter(keys::path.eq(&$key.path))
            .filter(keys::idem_key.eq(&$key.key))
    };
}

/// Holds `key` for a request with `fingerprint`, unless it is held or answered already.
/// A reservation that never committed and is older than `abandoned_after` is taken over: its
/// request died with its instance. One that committed is never run again. Expired keys, this
/// one's and others', are purged on the way.
/// A JSON column of a key's row: none is empty; a text that does not parse is an error naming
/// the key and the column (replaying an answer without its headers, or forgetting which records
/// a committed write changed, would answer wrongly rather than fail).
fn stored_json<T: serde::de::DeserializeOwned + Default>(
    key: &KeyId,
    column: &str,
    stored: Option<String>,
) -> Result<T, ApiError> {
    let Some(text) = stored else { return Ok(T::default()) };
    serde_json::from_str(&text).map_err(|e| {
        ApiError::internal(anyhow::anyhow!(
            "idempotency key {:?}: stored {column} {text:?} does not parse: {e}",
            key.key
        ))
    })
}

pub fn reserve(conn: &mut DbConn, key: &KeyId, fingerprint: &str, timing: Timing) -> Result<Reservation, ApiError> {
    conn.write_tx(|conn| {
        let now = db::now();
        diesel::delete(keys::table.filter(keys::expires_at.le(now))).execute(conn)?;
        let existing: Option<Row> = by_key!(key)
            .select((
                keys::fingerprint,
                keys::status,
                keys::headers,
                keys::body,
                keys::created_at,
                keys::token,
                keys::committed_at,
                keys::committed_records,
            ))
            .first(conn)
            .optional()?;
        if let Some((stored_fingerprint, status, headers, body, created_at, token, committed_at, records)) = existing {
            if stored_fingerprint != fingerprint {
                return Ok(Reservation::Reused);
            }
            if let Some(status) = status {
                let headers: Vec<(String, String)> = stored_json(key, "headers", headers)?;
                let status = u16::try_from(status)
                    .map_err(|_| ApiError::internal(anyhow::anyhow!("stored status {status} is invalid")))?;
                return Ok(Reservation::Replay(Stored { status, headers, body: body.unwrap_or_default() }));
            }
            if let Some(committed_at) = committed_at {
                if committed_at + timing.answer_grace > now {
                    return Ok(Reservation::InProgress);
                }
                let records = stored_json(key, "committed_records", records)?;
                return Ok(Reservation::Committed(records));
            }
            if created_at + timing.abandoned_after > now {
                return Ok(Reservation::InProgress);
            }
            // Taken over only as it was read: uncommitted, under the same token. On PostgreSQL a
            // guarded write that marked it committed meanwhile holds the row until it commits,
            // and this delete then finds nothing to take.
            let uncommitted = by_key!(key).filter(keys::status.is_null()).filter(keys::committed_at.is_null());
            let taken = match &token {
                Some(token) => diesel::delete(uncommitted.filter(keys::token.eq(token))).execute(conn)?,
                None => diesel::delete(uncommitted.filter(keys::token.is_null())).execute(conn)?,
            };
            if taken == 0 {
                return Ok(Reservation::InProgress);
            }
        }
        let token = db::new_id();
        // In a savepoint: on PostgreSQL a failed insert would abort the transaction. A unique
        // violation means a concurrent request with the same key got there first.
        let inserted = conn.write_tx(|conn| {
            diesel::insert_into(keys::table)
                .values((
                    keys::caller.eq(&key.caller),
                    keys::method.eq(&key.method),
                    keys::path.eq(&key.path),
                    keys::idem_key.eq(&key.key),
                    keys::fingerprint.eq(fingerprint),
                    keys::created_at.eq(now),
                    keys::expires_at.eq(now + timing.ttl),
                    keys::token.eq(&token),
                ))
                .execute(conn)
        });
        match inserted {
            Ok(_) => Ok(Reservation::Reserved(token)),
            Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(Reservation::InProgress),
            Err(e) => Err(e.into()),
        }
    })
}

/// Marks the key committed, inside the transaction of the write it guards (`db::write`), with
/// the records the write changed: the write and the mark commit together or not at all. Fails
/// (and so rolls the write back) when the reservation is no longer this request's.
pub fn mark_committed(conn: &mut DbConn, hold: &Hold, records: &[(String, String)]) -> Result<(), ApiError> {
    let records = serde_json::to_string(records).map_err(|e| ApiError::internal(e.into()))?;
    let marked = diesel::update(
        by_key!(hold.id)
            .filter(keys::token.eq(&hold.token))
            .filter(keys::status.is_null())
            .filter(keys::committed_at.is_null()),
    )
    .set((keys::committed_at.eq(db::now()), keys::committed_records.eq(records)))
    .execute(conn)?;
    if marked == 1 {
        return Ok(());
    }
    // A second write of the same request: the first one marked it already.
    let still_ours: i64 = by_key!(hold.id).filter(keys::token.eq(&hold.token)).count().get_result(conn)?;
    if still_ours == 1 {
        return Ok(());
    }
    Err(ApiError {
        retry_after_secs: Some(1),
        ..ApiError::conflict(
            ErrorCode::IdempotencyKeyInProgress,
            "this request's Idempotency-Key was taken over by a retry; its outcome is the retry's",
        )
    })
}

/// Stores the answer of the request holding the key.
pub fn complete(conn: &mut DbConn, hold: &Hold, stored: &Stored) -> Result<(), ApiError> {
    let headers = serde_json::to_string(&stored.headers).map_err(|e| ApiError::internal(e.into()))?;
    diesel::update(by_key!(hold.id).filter(keys::token.eq(&hold.token)).filter(keys::status.is_null()))
        .set((keys::status.eq(i32::from(stored.status)), keys::headers.eq(headers), keys::body.eq(&stored.body)))
        .execute(conn)?;
    Ok(())
}

/// Gives the key up (the request failed before it committed anything): a retry with it runs
/// afresh. A key whose write committed is never released: a retry must not run it again.
pub fn release(conn: &mut DbConn, hold: &Hold) -> Result<(), ApiError> {
    diesel::delete(
        by_key!(hold.id)
            .filter(keys::token.eq(&hold.token))
            .filter(keys::status.is_null())
            .filter(keys::committed_at.is_null()),
    )
    .execute(conn)?;
    Ok(())
}
