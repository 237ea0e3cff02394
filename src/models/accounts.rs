//! Accounts in SQL: users, sessions and their refresh tokens, login throttling, service secrets.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::{login_throttle, refresh_tokens, service_secrets, sessions, units, users};
use crate::db::sql_types::UtcTimestamp;
use crate::db::{self, DbConn};
use crate::domain::ids::{UnitId, UserId};
use crate::domain::roles::Role;
use crate::domain::units::UnitKind;
use crate::error::{ApiError, ErrorCode, FieldError};

type Db = <DbConn as Connection>::Backend;

#[derive(Queryable, Selectable, Debug, Clone, PartialEq)]
#[diesel(table_name = users)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub unit_id: Option<UnitId>,
    pub roles: String,
    pub active: bool,
    pub password_hash: String,
    pub token_version: i32,
    pub version: i32,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub password_changed_at: DateTime<Utc>,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub updated_at: DateTime<Utc>,
}

impl User {
    pub fn role_list(&self) -> Vec<Role> {
        Role::split(&self.roles)
    }
}

pub struct NewUser {
    pub username: String,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub unit_id: Option<UnitId>,
    pub roles: Vec<Role>,
    pub password_hash: String,
}

pub fn find_user(conn: &mut DbConn, id: UserId) -> Result<User, ApiError> {
    users::table.find(id).select(User::as_select()).first(conn).optional()?.ok_or_else(user_not_found)
}

pub fn user_not_found() -> ApiError {
    ApiError::not_found("user")
}

/// Users holding `role`. Roles are stored sorted and comma-separated, so a role is a whole item.
fn with_role(role: Role) -> Box<dyn BoxableExpression<users::table, Db, SqlType = diesel::sql_types::Bool>> {
    let r = role.as_str();
    Box::new(
        users::roles
            .eq(r)
            .or(users::roles.like(format!("{r},%")))
            .or(users::roles.like(format!("%,{r}")))
            .or(users::roles.like(format!("%,{r},%"))),
    )
}

/// Refuses a change that would leave no active admin. On PostgreSQL, changes to admins queue
/// on one advisory lock, so two admins demoting each other at once cannot both succeed.
fn ensure_another_admin(conn: &mut DbConn, except_id: UserId) -> Result<(), ApiError> {
    db::lock_for_transaction(conn, "admins")?;
    let others: i64 = users::table
        .filter(users::active.eq(true))
        .filter(users::id.ne(except_id))
        .filter(with_role(Role::Admin))
        .count()
        .get_result(conn)?;
    if others == 0 {
        return Err(ApiError::conflict(
            ErrorCode::LastAdmin,
            "this would leave no active admin; make someone else an admin first",
        ));
    }
    Ok(())
}

pub fn find_by_username(conn: &mut DbConn, username: &str) -> Result<Option<User>, ApiError> {
    Ok(users::table.filter(users::username.eq(username)).select(User::as_select()).first(conn).optional()?)
}

/// A user's unit must be a department or a commune (the units that have officers).
pub fn check_user_unit(conn: &mut DbConn, unit_id: Option<UnitId>) -> Result<Option<FieldError>, ApiError> {
    let Some(unit_id) = unit_id else { return Ok(None) };
    let found: Option<(UnitKind, Option<chrono::NaiveDate>, Option<chrono::NaiveDate>)> = units::table
        .find(unit_id)
        .select((units::kind, units::valid_from, units::valid_until))
        .first(conn)
        .optional()?;
    Ok(match found {
        None => Some(FieldError::new("unit_id", ErrorCode::NotFound, "no unit has this id")),
        Some((kind, _, _)) if kind != UnitKind::Department && kind != UnitKind::Commune => {
            Some(FieldError::new("unit_id", ErrorCode::WrongKind, "must be a department or a commune"))
        }
        Some((_, from, until))
            if !crate::domain::units::is_active_on(from, until, crate::domain::units::today_in_vietnam()) =>
        {
            Some(FieldError::new("unit_id", ErrorCode::InactiveUnit, "the unit is not in force today"))
        }
        Some(_) => None,
    })
}

pub fn insert_user(conn: &mut DbConn, new: NewUser) -> Result<User, ApiError> {
    // Its own transaction: also called outside `db::write` (the `create-admin` command, the demo
    // and the test harness create accounts directly).
    conn.write_tx(|conn| {
        if let Some(error) = check_user_unit(conn, new.unit_id)? {
            return Err(ApiError::validation(vec![error]));
        }
        if find_by_username(conn, &new.username)?.is_some() {
            return Err(username_taken(&new.username));
        }
        let id = UserId::generate();
        let now = db::now();
        let inserted = diesel::insert_into(users::table)
            .values((
                users::id.eq(id),
                users::username.eq(&new.username),
                users::full_name.eq(&new.full_name),
                users::email.eq(&new.email),
                users::phone.eq(&new.phone),
                users::unit_id.eq(new.unit_id),
                users::roles.eq(Role::join(&new.roles)),
                users::active.eq(true),
                users::password_hash.eq(&new.password_hash),
                users::token_version.eq(1),
                users::version.eq(1),
                users::password_changed_at.eq(now),
                users::created_at.eq(now),
                users::updated_at.eq(now),
            ))
            .execute(conn);
        match inserted {
            Ok(_) => find_user(conn, id),
            // Two creations of one username racing: the unique index decides.
            Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
                Err(username_taken(&new.username))
            }
            Err(e) => Err(e.into()),
        }
    })
}

fn username_taken(username: &str) -> ApiError {
    ApiError::conflict(ErrorCode::UsernameTaken, format!("the username {username} is taken"))
        .localized("username_taken-name", [("username", crate::error::Arg::text(username))])
}

#[derive(Default)]
pub struct UserFilter {
    pub unit_id: Option<UnitId>,
    pub role: Option<Role>,
    pub active: Option<bool>,
    /// Lowercase, matched against username and full name.
    pub search: Option<String>,
    pub after: Option<(String, UserId)>,
    pub limit: i64,
}

/// One page ordered by username; `limit + 1` rows so the caller knows whether more follow.
pub fn list_users(conn: &mut DbConn, filter: &UserFilter) -> Result<Vec<User>, ApiError> {
    let mut query = users::table.into_boxed::<Db>();
    if let Some(unit) = filter.unit_id {
        query = query.filter(users::unit_id.eq(unit));
    }
    if let Some(role) = filter.role {
        query = query.filter(with_role(role));
    }
    if let Some(active) = filter.active {
        query = query.filter(users::active.eq(active));
    }
    if let Some(search) = &filter.search {
        let pattern = crate::domain::text::like_contains(search);
        query = query
            .filter(users::username.like(pattern.clone()).escape('\\').or(users::full_name.like(pattern).escape('\\')));
    }
    if let Some((username, id)) = &filter.after {
        query = query.filter(
            users::username.gt(username.clone()).or(users::username.eq(username.clone()).and(users::id.gt(*id))),
        );
    }
    Ok(query
        .order((users::username.asc(), users::id.asc()))
        .limit(filter.limit + 1)
        .select(User::as_select())
        .load(conn)?)
}

#[derive(Default)]
pub struct UserChanges {
    pub full_name: Option<String>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub unit_id: Option<Option<UnitId>>,
    pub roles: Option<Vec<Role>>,
    pub active: Option<bool>,
    pub password_hash: Option<String>,
}

impl UserChanges {
    /// Changes after which tokens already issued must stop working: they carry roles and unit,
    /// and a deactivated user or a changed password ends every session.
    fn cuts_off_tokens(&self, current: &User) -> bool {
        self.roles.as_ref().is_some_and(|r| Role::join(r) != current.roles)
            || self.unit_id.as_ref().is_some_and(|u| *u != current.unit_id)
            || self.active == Some(false)
            || self.password_hash.is_some()
    }

    fn ends_sessions(&self) -> bool {
        self.active == Some(false) || self.password_hash.is_some()
    }
}

/// Applies `changes` to a user, at `expected_version` if given. Role and unit changes cut off
/// access tokens (clients refresh to get new ones); deactivation and password changes also end
/// every session.
pub fn update_user(
    conn: &mut DbConn,
    id: UserId,
    changes: UserChanges,
    expected_version: Option<i32>,
) -> Result<User, ApiError> {
    // Its own transaction: also called outside `db::write` (the demo deactivates its author).
    conn.write_tx(|conn| {
        lock_user(conn, id)?;
        let current = find_user(conn, id)?;
        if expected_version.is_some_and(|v| v != current.version) {
            return Err(ApiError::precondition_failed());
        }
        if let Some(unit) = changes.unit_id {
            if let Some(error) = check_user_unit(conn, unit)? {
                return Err(ApiError::validation(vec![error]));
            }
        }
        let roles = changes.roles.as_ref().map_or_else(|| current.role_list(), Clone::clone);
        let unit_id = changes.unit_id.unwrap_or(current.unit_id);
        if roles.contains(&Role::UnitOfficer) && unit_id.is_none() {
            return Err(ApiError::validation(vec![FieldError::new(
                "unit_id",
                ErrorCode::Required,
                "a unit officer must belong to a unit",
            )]));
        }
        let stays_admin = changes.active.unwrap_or(current.active) && roles.contains(&Role::Admin);
        if current.active && current.role_list().contains(&Role::Admin) && !stays_admin {
            ensure_another_admin(conn, id)?;
        }
        let now = db::now();
        let token_version = current.token_version + i32::from(changes.cuts_off_tokens(&current));
        let updated = diesel::update(users::table.find(id).filter(users::version.eq(current.version)))
            .set((
                users::full_name.eq(changes.full_name.as_ref().unwrap_or(&current.full_name)),
                users::email.eq(changes.email.clone().unwrap_or_else(|| current.email.clone())),
                users::phone.eq(changes.phone.clone().unwrap_or_else(|| current.phone.clone())),
                users::unit_id.eq(unit_id),
                users::roles.eq(Role::join(&roles)),
                users::active.eq(changes.active.unwrap_or(current.active)),
                users::password_hash.eq(changes.password_hash.as_ref().unwrap_or(&current.password_hash)),
                users::password_changed_at.eq(if changes.password_hash.is_some() {
                    now
                } else {
                    current.password_changed_at.naive_utc()
                }),
                users::token_version.eq(token_version),
                users::version.eq(current.version + 1),
                users::updated_at.eq(now),
            ))
            .execute(conn)?;
        if updated == 0 {
            return Err(ApiError::precondition_failed());
        }
        if changes.ends_sessions() {
            let reason = if changes.password_hash.is_some() { "password changed" } else { "user deactivated" };
            revoke_user_sessions(conn, id, reason)?;
        }
        find_user(conn, id)
    })
}

/// What a successful password check found, to start a session on.
pub struct SessionStart {
    pub user_id: UserId,
    /// The hash the password was verified against, and the token version read with it.
    pub verified_hash: String,
    pub token_version: i32,
    /// A re-hash under current parameters, to store in place of `verified_hash`.
    pub rehash: Option<String>,
    pub client_addr: String,
    pub refresh_hash: String,
    pub refresh_expires_at: NaiveDateTime,
    pub session_expires_at: NaiveDateTime,
}

/// Starts a session, unless the account changed while the password was being checked (a
/// reset, deactivation or role change committed meanwhile): then `None`, and nothing is written.
pub fn open_session(conn: &mut DbConn, start: SessionStart) -> Result<Option<String>, ApiError> {
    // Its own transaction (a savepoint inside `db::write`): the check that the account did not
    // change and the new session must be one step, and tests open sessions directly.
    conn.write_tx(|conn| {
        lock_user(conn, start.user_id)?;
        let user = find_user(conn, start.user_id)?;
        if !user.active || user.password_hash != start.verified_hash || user.token_version != start.token_version {
            return Ok(None);
        }
        if let Some(new_hash) = &start.rehash {
            diesel::update(users::table.find(user.id)).set(users::password_hash.eq(new_hash)).execute(conn)?;
        }
        let id = db::new_id();
        let now = db::now();
        diesel::insert_into(sessions::table)
            .values((
                sessions::id.eq(&id),
                sessions::user_id.eq(user.id),
                sessions::client_addr.eq(&start.client_addr),
                sessions::created_at.eq(now),
                sessions::expires_at.eq(start.session_expires_at),
            ))
            .execute(conn)?;
        let refresh_expires = start.refresh_expires_at.min(start.session_expires_at);
        insert_refresh_token(conn, &start.refresh_hash, &id, now, refresh_expires)?;
        Ok(Some(id))
    })
}

/// On PostgreSQL, holds the user's row until the transaction ends, so checks made on it stay
/// true until the write (SQLite's write transactions are serial already).
pub fn lock_user(conn: &mut DbConn, id: UserId) -> Result<(), ApiError> {
    db::lock_row!(conn, users::table, id)?;
    Ok(())
}

fn insert_refresh_token(
    conn: &mut DbConn,
    hash: &str,
    session_id: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> Result<(), ApiError> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(hash),
            refresh_tokens::session_id.eq(session_id),
            refresh_tokens::created_at.eq(now),
            refresh_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

pub enum Rotation {
    /// The old token is spent; the new one is stored. Issue tokens for this user and session.
    Rotated { user: Box<User>, session_id: String },
    /// A spent token came back: someone holds a copy. The whole session is now revoked.
    Reused,
    /// Unknown, expired, or its session is closed or its user inactive.
    Invalid,
}

/// Exchanges a refresh token for a new one in the same session, exactly once.
pub fn rotate_refresh_token(
    conn: &mut DbConn,
    old_hash: &str,
    new_hash: &str,
    expires_at: NaiveDateTime,
) -> Result<Rotation, ApiError> {
    let now = db::now();
    let found: Option<(String, NaiveDateTime, Option<NaiveDateTime>)> = refresh_tokens::table
        .find(old_hash)
        .select((refresh_tokens::session_id, refresh_tokens::expires_at, refresh_tokens::rotated_at))
        .first(conn)
        .optional()?;
    let Some((session_id, token_expires, rotated_at)) = found else { return Ok(Rotation::Invalid) };
    if rotated_at.is_some() {
        revoke_session(conn, &session_id, "refresh token reused")?;
        return Ok(Rotation::Reused);
    }
    let (user_id, session_expires, revoked_at): (UserId, NaiveDateTime, Option<NaiveDateTime>) = sessions::table
        .find(&session_id)
        .select((sessions::user_id, sessions::expires_at, sessions::revoked_at))
        .first(conn)?;
    let user = find_user(conn, user_id)?;
    if token_expires <= now || session_expires <= now || revoked_at.is_some() || !user.active {
        return Ok(Rotation::Invalid);
    }
    // Spend it only if nobody spent it meanwhile (two refreshes racing with one token).
    let spent = diesel::update(refresh_tokens::table.find(old_hash).filter(refresh_tokens::rotated_at.is_null()))
        .set(refresh_tokens::rotated_at.eq(now))
        .execute(conn)?;
    if spent == 0 {
        revoke_session(conn, &session_id, "refresh token reused")?;
        return Ok(Rotation::Reused);
    }
    insert_refresh_token(conn, new_hash, &session_id, now, expires_at.min(session_expires))?;
    Ok(Rotation::Rotated { user: Box::new(user), session_id })
}

pub fn revoke_session(conn: &mut DbConn, session_id: &str, reason: &str) -> Result<(), ApiError> {
    diesel::update(sessions::table.find(session_id).filter(sessions::revoked_at.is_null()))
        .set((sessions::revoked_at.eq(db::now()), sessions::revoked_reason.eq(reason)))
        .execute(conn)?;
    Ok(())
}

pub fn revoke_user_sessions(conn: &mut DbConn, user_id: UserId, reason: &str) -> Result<(), ApiError> {
    diesel::update(sessions::table.filter(sessions::user_id.eq(user_id)).filter(sessions::revoked_at.is_null()))
        .set((sessions::revoked_at.eq(db::now()), sessions::revoked_reason.eq(reason)))
        .execute(conn)?;
    Ok(())
}

/// What an access token's validity depends on besides its signature and times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionState {
    pub open: bool,
    pub user_active: bool,
    pub token_version: i32,
}

pub fn session_state(conn: &mut DbConn, session_id: &str) -> Result<Option<SessionState>, ApiError> {
    let row: Option<(Option<NaiveDateTime>, bool, i32)> = sessions::table
        .inner_join(users::table)
        .filter(sessions::id.eq(session_id))
        .select((sessions::revoked_at, users::active, users::token_version))
        .first(conn)
        .optional()?;
    Ok(row.map(|(revoked_at, user_active, token_version)| SessionState {
        open: revoked_at.is_none(),
        user_active,
        token_version,
    }))
}

/// What counting a sign-in attempt found.
#[derive(Debug, PartialEq, Eq)]
pub struct Reservation {
    /// Seconds to wait when a key with a limit has reached it (and then nothing was counted).
    pub blocked: Option<u64>,
    /// Failures already counted in the window against the keys without a limit (the most of
    /// them): how much to slow this attempt down.
    pub prior_failures: i32,
}

/// Counts a sign-in attempt against each key before the password is checked, in one
/// transaction holding the keys' locks, so concurrent attempts cannot all slip under a limit.
/// A key with `Some(limit)` refuses once it has reached it (and then nothing is counted); a key
/// with `None` only counts, for a slow-down. A successful attempt takes its counts back with
/// `settle_login_success`.
pub fn reserve_login_attempt(
    conn: &mut DbConn,
    keys: &[(&str, Option<i32>)],
    window_secs: i64,
) -> Result<Reservation, ApiError> {
    // Its own transaction: sign-in calls this through `db::run`, before the password is checked
    // and outside any write, and the counts must hold their locks until they are all taken.
    conn.write_tx(|conn| {
        let now = db::now();
        let window = chrono::TimeDelta::seconds(window_secs);
        // One lock per key, taken in sorted order (no deadlocks), whether or not its row exists yet.
        let mut sorted: Vec<&str> = keys.iter().map(|(k, _)| *k).collect();
        sorted.sort_unstable();
        for key in sorted {
            db::lock_for_transaction(conn, &format!("login-throttle:{key}"))?;
        }
        let mut current = Vec::with_capacity(keys.len());
        let mut prior_failures = 0;
        for (key, limit) in keys {
            let row: Option<(i32, NaiveDateTime)> = login_throttle::table
                .find(*key)
                .select((login_throttle::failures, login_throttle::window_started_at))
                .first(conn)
                .optional()?;
            let live = row.filter(|(_, started)| *started + window > now);
            if let Some((failures, started)) = live {
                match limit {
                    Some(limit) if failures >= *limit => {
                        return Ok(Reservation {
                            blocked: Some((started + window - now).num_seconds().max(1) as u64),
                            prior_failures: 0,
                        });
                    }
                    Some(_) => {}
                    None => prior_failures = prior_failures.max(failures),
                }
            }
            current.push((*key, row.is_some(), live.is_some()));
        }
        for (key, exists, live) in current {
            if !exists {
                // In a savepoint: on PostgreSQL a failed insert would abort the transaction.
                let inserted = conn.write_tx(|conn| {
                    diesel::insert_into(login_throttle::table)
                        .values((
                            login_throttle::throttle_key.eq(key),
                            login_throttle::failures.eq(1),
                            login_throttle::window_started_at.eq(now),
                        ))
                        .execute(conn)
                });
                match inserted {
                    // Another instance inserted it first: count on top of theirs.
                    Err(diesel::result::Error::DatabaseError(
                        diesel::result::DatabaseErrorKind::UniqueViolation,
                        _,
                    )) => {
                        diesel::update(login_throttle::table.find(key))
                            .set(login_throttle::failures.eq(login_throttle::failures + 1))
                            .execute(conn)?;
                    }
                    other => {
                        other?;
                    }
                }
            } else if live {
                diesel::update(login_throttle::table.find(key))
                    .set(login_throttle::failures.eq(login_throttle::failures + 1))
                    .execute(conn)?;
            } else {
                diesel::update(login_throttle::table.find(key))
                    .set((login_throttle::failures.eq(1), login_throttle::window_started_at.eq(now)))
                    .execute(conn)?;
            }
        }
        Ok(Reservation { blocked: None, prior_failures })
    })
}

/// After a successful sign-in: the failures of the `forgiven` keys (the username, the username
/// from this address) are forgotten, and the attempt reserved against `taken_back` (the client
/// address, which may be shared by many people) is taken back.
pub fn settle_login_success(conn: &mut DbConn, forgiven: &[&str], taken_back: Option<&str>) -> Result<(), ApiError> {
    for key in forgiven {
        diesel::delete(login_throttle::table.find(*key)).execute(conn)?;
    }
    if let Some(key) = taken_back {
        diesel::update(login_throttle::table.find(key).filter(login_throttle::failures.gt(0)))
            .set(login_throttle::failures.eq(login_throttle::failures - 1))
            .execute(conn)?;
    }
    Ok(())
}

/// The named secret, generated by `generate` and stored the first time it is asked for; every
/// instance on the database then reads the same value.
pub fn secret(conn: &mut DbConn, name: &str, generate: impl FnOnce() -> String) -> Result<String, ApiError> {
    let existing: Option<String> =
        service_secrets::table.find(name).select(service_secrets::value).first(conn).optional()?;
    if let Some(value) = existing {
        return Ok(value);
    }
    let inserted = diesel::insert_into(service_secrets::table)
        .values((
            service_secrets::name.eq(name),
            service_secrets::value.eq(generate()),
            service_secrets::created_at.eq(db::now()),
        ))
        .execute(conn);
    match inserted {
        Ok(_) | Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            // Whoever won the race, the stored value is the one everyone uses.
            Ok(service_secrets::table.find(name).select(service_secrets::value).first(conn)?)
        }
        Err(e) => Err(e.into()),
    }
}
