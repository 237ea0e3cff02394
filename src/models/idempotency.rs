//! Idempotency keys in SQL: reserve before the handler runs, complete with the response, or
//! release so the client may retry (see http::idempotency).

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::db::schema::idempotency_keys as keys;
use crate::db::{self, DbConn};
use crate::error::ApiError;

/// Which request a key belongs to: the key is the caller's, for one method and path.
#[derive(Clone, Debug)]
pub struct KeyId {
    pub caller: String,
    pub method: String,
    pub path: String,
    pub key: String,
}

/// A stored response, replayed for a retry.
#[derive(Debug, PartialEq)]
pub struct Stored {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

#[derive(Debug, PartialEq)]
pub enum Reservation {
    /// The key is now held for this request: run it.
    Reserved,
    /// The same request was answered already: replay this.
    Replay(Stored),
    /// The first request with this key is still running.
    InProgress,
    /// The key was used for a different request.
    Reused,
}

type Row = (String, Option<i32>, Option<String>, Option<Vec<u8>>, NaiveDateTime, NaiveDateTime);

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
/// An in-flight reservation older than `abandoned_after` is taken over: its request died with
/// its instance. Expired keys, this one's and others', are purged on the way.
pub fn reserve(conn: &mut DbConn, key: &KeyId, fingerprint: &str, ttl: TimeDelta, abandoned_after: TimeDelta) -> Result<Reservation, ApiError> {
    conn.write_tx(|conn| {
        let now = db::now();
        diesel::delete(keys::table.filter(keys::expires_at.le(now))).execute(conn)?;
        let existing: Option<Row> = by_key!(key)
            .select((keys::fingerprint, keys::status, keys::headers, keys::body, keys::created_at, keys::expires_at))
            .first(conn)
            .optional()?;
        if let Some((stored_fingerprint, status, headers, body, created_at, _)) = existing {
            if stored_fingerprint != fingerprint {
                return Ok(Reservation::Reused);
            }
            match status {
                Some(status) => {
                    let headers: Vec<(String, String)> = headers.and_then(|h| serde_json::from_str(&h).ok()).unwrap_or_default();
                    let status = u16::try_from(status).map_err(|_| ApiError::internal(anyhow::anyhow!("stored status {status} is invalid")))?;
                    return Ok(Reservation::Replay(Stored { status, headers, body: body.unwrap_or_default() }));
                }
                None if created_at + abandoned_after > now => return Ok(Reservation::InProgress),
                None => {
                    diesel::delete(by_key!(key)).execute(conn)?;
                }
            }
        }
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
                    keys::expires_at.eq(now + ttl),
                ))
                .execute(conn)
        });
        match inserted {
            Ok(_) => Ok(Reservation::Reserved),
            Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(Reservation::InProgress),
            Err(e) => Err(e.into()),
        }
    })
}

/// Stores the answer of the request holding `key`.
pub fn complete(conn: &mut DbConn, key: &KeyId, stored: &Stored) -> Result<(), ApiError> {
    let headers = serde_json::to_string(&stored.headers).map_err(|e| ApiError::internal(e.into()))?;
    diesel::update(by_key!(key).filter(keys::status.is_null()))
        .set((keys::status.eq(i32::from(stored.status)), keys::headers.eq(headers), keys::body.eq(&stored.body)))
        .execute(conn)?;
    Ok(())
}

/// Gives the key up (the request failed): a retry with it runs afresh.
pub fn release(conn: &mut DbConn, key: &KeyId) -> Result<(), ApiError> {
    diesel::delete(by_key!(key).filter(keys::status.is_null())).execute(conn)?;
    Ok(())
}
