//! Identities at the provincial identity provider, in SQL: which account an (issuer, subject)
//! pair reaches, and the ID tokens already exchanged (each works once).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{id_token_uses, user_identities, users};
use crate::db::{self, DbConn};
use crate::domain::ids::UserId;
use crate::error::{ApiError, ErrorCode};
use crate::models::accounts::{find_user, User};

/// Records the use of an ID token (by its hash) until it expires. False when it was used before.
pub fn consume_id_token(conn: &mut DbConn, token_hash: &str, expires_at: NaiveDateTime) -> Result<bool, ApiError> {
    let now = db::now();
    diesel::delete(id_token_uses::table.filter(id_token_uses::expires_at.lt(now))).execute(conn)?;
    let seen: Option<String> =
        id_token_uses::table.find(token_hash).select(id_token_uses::token_hash).first(conn).optional()?;
    if seen.is_some() {
        return Ok(false);
    }
    match diesel::insert_into(id_token_uses::table)
        .values((id_token_uses::token_hash.eq(token_hash), id_token_uses::expires_at.eq(expires_at)))
        .execute(conn)
    {
        Ok(_) => Ok(true),
        // Another instance exchanged it in the same instant.
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// The account the identity is linked to, if any.
pub fn linked_user(conn: &mut DbConn, issuer: &str, subject: &str) -> Result<Option<User>, ApiError> {
    let user_id: Option<UserId> =
        user_identities::table.find((issuer, subject)).select(user_identities::user_id).first(conn).optional()?;
    user_id.map(|id| find_user(conn, id)).transpose()
}

/// The subject the account is linked to at `issuer`, if any.
pub fn subject_of(conn: &mut DbConn, user_id: UserId, issuer: &str) -> Result<Option<String>, ApiError> {
    Ok(user_identities::table
        .filter(user_identities::user_id.eq(user_id))
        .filter(user_identities::issuer.eq(issuer))
        .select(user_identities::subject)
        .first(conn)
        .optional()?)
}

/// Links the identity to the account, replacing the account's earlier link at this issuer.
/// Refused when the identity reaches another account already.
pub fn link(conn: &mut DbConn, issuer: &str, subject: &str, user_id: UserId) -> Result<(), ApiError> {
    let holder: Option<UserId> =
        user_identities::table.find((issuer, subject)).select(user_identities::user_id).first(conn).optional()?;
    match holder {
        Some(holder) if holder == user_id => return Ok(()),
        Some(_) => return Err(identity_taken()),
        None => {}
    }
    unlink(conn, user_id, issuer)?;
    match diesel::insert_into(user_identities::table)
        .values((
            user_identities::issuer.eq(issuer),
            user_identities::subject.eq(subject),
            user_identities::user_id.eq(user_id),
            user_identities::created_at.eq(db::now()),
        ))
        .execute(conn)
    {
        Ok(_) => Ok(()),
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            Err(identity_taken())
        }
        Err(e) => Err(e.into()),
    }
}

/// Removes the account's link at `issuer`; true if there was one.
pub fn unlink(conn: &mut DbConn, user_id: UserId, issuer: &str) -> Result<bool, ApiError> {
    let removed = diesel::delete(
        user_identities::table.filter(user_identities::user_id.eq(user_id)).filter(user_identities::issuer.eq(issuer)),
    )
    .execute(conn)?;
    Ok(removed > 0)
}

/// An account not yet linked at `issuer` whose column `column` equals `value` (the username, or
/// an email address), for linking at first sign-in.
pub fn unlinked_user_by(
    conn: &mut DbConn,
    issuer: &str,
    by_email: bool,
    value: &str,
) -> Result<Option<User>, ApiError> {
    let linked = user_identities::table.filter(user_identities::issuer.eq(issuer)).select(user_identities::user_id);
    let query = users::table.filter(users::id.ne_all(linked)).select(users::id).into_boxed();
    let query = if by_email { query.filter(users::email.eq(value)) } else { query.filter(users::username.eq(value)) };
    // Two accounts with one email address: link neither (an admin decides).
    let ids: Vec<UserId> = query.limit(2).load(conn)?;
    match ids.as_slice() {
        [id] => Ok(Some(find_user(conn, *id)?)),
        _ => Ok(None),
    }
}

fn identity_taken() -> ApiError {
    ApiError::conflict(
        ErrorCode::IdentityTaken,
        "this subject at the identity provider is already linked to another account; unlink it there first",
    )
}
