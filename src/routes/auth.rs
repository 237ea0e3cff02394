//! Sign-in and sessions: login, refresh-token rotation, logout, the caller's own account and
//! password.

use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::password::{check_password, random_token, Verified};
use crate::auth::rate_limit::login_delay;
use crate::auth::tokens::opaque_token_hash;
use crate::auth::{client_addr, AuthUser};
use crate::db;
use crate::db::journal::Scope;
use crate::domain::users::{is_valid_username, sign_in_name};
use crate::domain::Checks;
use crate::error::{ApiError, ErrorCode, FieldError, Problem};
use crate::http::extract::JsonBody;
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::models::accounts::{self as model, Rotation, SessionStart, UserChanges};
use crate::openapi::errors::{SessionErrors, SignInErrors, WriteErrors};
use crate::routes::shared::{refresh_expiry, tokens_for, user_ok, TokenResponse, UserResponse};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes.unkeyed(login).unkeyed(refresh).unkeyed(logout).service(me).service(change_password);
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "hoa.nt")]
    pub username: String,
    pub password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    /// At least 10 characters, not a common password, not containing the username.
    #[schema(min_length = 10)]
    pub new_password: String,
}

fn invalid_credentials() -> ApiError {
    ApiError::unauthorized(ErrorCode::InvalidCredentials, "the username or password is wrong")
}

/// Sign in with username and password. Wrong password, unknown user and deactivated user all
/// get the same answer in the same time. Repeated failures for a username from one client
/// address, or from one address over all usernames, get 429 with `Retry-After` — at that
/// address only; a username failing from many addresses is answered more and more slowly,
/// never refused.
#[utoipa::path(
    operation_id = "login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        SignInErrors,
        (status = 401, description = "Wrong username or password", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Fields missing or of the wrong type", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts; see `Retry-After`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database or hashing unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    origin: RequestOrigin,
    body: JsonBody<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let LoginRequest { username, password } = body.0;
    let username = sign_in_name(&username);
    // A name no account can have is looked up nowhere, but costs the same hash and counts
    // against one shared key (so junk cannot bloat the throttle table).
    let valid_name = is_valid_username(&username);
    let name_key = if valid_name { username.clone() } else { "(invalid)".to_string() };
    let client = client_addr(&req, state.settings.auth.trust_forwarded);
    // Failures are counted per (username, address) and per address — those refuse, but only
    // the address that failed — and per username from anywhere, which only slows down: a
    // stranger can make a user's sign-in slower, never refuse it (docs/api-conventions.md).
    let pair_key = format!("user-from:{name_key}|{client}");
    let client_key = format!("client:{client}");
    let user_key = format!("user:{name_key}");
    let auth = &state.settings.auth;
    let (per_user, per_client, window) =
        (auth.login_max_failures_per_user, auth.login_max_failures_per_client, auth.login_window_secs);

    // Count the attempt before checking the password, so concurrent guesses cannot all pass.
    let (keys, lookup) = ((pair_key.clone(), client_key.clone(), user_key.clone()), username.clone());
    let (reservation, user) = db::run(&state.db, move |conn| {
        let reservation = model::reserve_login_attempt(
            conn,
            &[(&keys.0, Some(per_user)), (&keys.1, Some(per_client)), (&keys.2, None)],
            window,
        )?;
        let user =
            if valid_name && reservation.blocked.is_none() { model::find_by_username(conn, &lookup)? } else { None };
        Ok((reservation, user))
    })
    .await?;
    if let Some(seconds) = reservation.blocked {
        return Err(ApiError::too_many_requests(
            seconds,
            "too many failed sign-ins from this address; wait before trying again",
        ));
    }
    let delay = login_delay(reservation.prior_failures, per_user, auth.login_slowdown_ms, auth.login_slowdown_max_ms);
    if !delay.is_zero() {
        actix_web::rt::time::sleep(delay).await;
    }

    let stored = user.as_ref().filter(|u| u.active).map(|u| u.password_hash.clone());
    let verified = state.hasher.verify(password, stored).await?;
    let (Verified::Yes { rehash }, Some(user)) = (verified, user) else {
        return Err(invalid_credentials());
    };

    let refresh_token = random_token();
    let start = SessionStart {
        user_id: user.id,
        verified_hash: user.password_hash.clone(),
        token_version: user.token_version,
        rehash,
        client_addr: client,
        refresh_hash: opaque_token_hash(&refresh_token),
        refresh_expires_at: refresh_expiry(&state),
        session_expires_at: db::now() + chrono::TimeDelta::seconds(auth.session_max_age_secs),
    };
    let user_id = user.id;
    let origin = origin.acting_as(&user_id.to_string());
    let opened = db::write(&state.db, origin, move |conn, journal| {
        let session = model::open_session(conn, start)?;
        if let Some(session_id) = &session {
            model::settle_login_success(conn, &[&user_key, &pair_key], Some(&client_key))?;
            journal.record("session", "opened", session_id, Scope::AuditOnly, None, None);
        }
        Ok(session.map(|id| (id, model::find_user(conn, user_id))))
    })
    .await?;
    match opened {
        Some((session_id, user)) => Ok(HttpResponse::Ok().json(tokens_for(&state, user?, session_id, refresh_token)?)),
        // The account was reset, deactivated or changed while the password was being checked.
        None => Err(invalid_credentials()),
    }
}

/// Exchange a refresh token for a new access token and a new refresh token. Each refresh token
/// works once: presenting a spent one ends its whole session (someone has a copy).
#[utoipa::path(
    operation_id = "refresh_session",
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = TokenResponse),
        SignInErrors,
        (status = 401, description = "Unknown, expired, spent or revoked refresh token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Field missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    origin: RequestOrigin,
    body: JsonBody<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let old_hash = opaque_token_hash(body.0.refresh_token.trim());
    let new_token = random_token();
    let new_hash = opaque_token_hash(&new_token);
    let expires_at = refresh_expiry(&state);
    let rotation = db::write(&state.db, origin.anonymous(), move |conn, journal| {
        let rotation = model::rotate_refresh_token(conn, &old_hash, &new_hash, expires_at)?;
        match &rotation {
            Rotation::Rotated { user, session_id } => {
                journal.act_as("user", user.id);
                journal.record("session", "refreshed", session_id, Scope::AuditOnly, None, None);
            }
            // The session it belonged to was ended: worth an entry, even without knowing who.
            Rotation::Reused => {
                journal.record("session", "ended_on_token_reuse", "unknown", Scope::AuditOnly, None, None);
            }
            Rotation::Invalid => {}
        }
        Ok(rotation)
    })
    .await?;
    match rotation {
        Rotation::Rotated { user, session_id } => {
            Ok(HttpResponse::Ok().json(tokens_for(&state, *user, session_id, new_token)?))
        }
        Rotation::Reused => {
            state.sessions.clear();
            Err(ApiError::unauthorized(
                ErrorCode::RefreshTokenReused,
                "this refresh token was already used; the session has been ended, sign in again",
            ))
        }
        Rotation::Invalid => Err(ApiError::unauthorized(
            ErrorCode::InvalidRefreshToken,
            "the refresh token is unknown, expired or revoked; sign in again",
        )),
    }
}

/// End the caller's session: its refresh token and access tokens stop working.
#[utoipa::path(
    operation_id = "logout",
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out"),
        SessionErrors,
    )
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
) -> Result<HttpResponse, ApiError> {
    let session_id = who.session_id.clone();
    db::write(&state.db, origin.by(&who), move |conn, journal| {
        model::revoke_session(conn, &session_id, "logged out")?;
        journal.record("session", "closed", &session_id, Scope::AuditOnly, None, None);
        Ok(())
    })
    .await?;
    state.sessions.clear();
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's own account.
#[utoipa::path(
    operation_id = "get_me",
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = UserResponse),
        SessionErrors,
    )
)]
#[get("/auth/me")]
pub async fn me(state: web::Data<AppState>, who: AuthUser) -> Result<HttpResponse, ApiError> {
    let id = who.user_id;
    user_ok(db::run(&state.db, move |conn| model::find_user(conn, id)).await?)
}

/// Change the caller's password. Every session of theirs ends, this one included.
#[utoipa::path(
    operation_id = "change_password",
    tag = "auth",
    security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Changed; sign in again"),
        WriteErrors,
        (status = 412, description = "The account changed meanwhile (e.g. an admin reset the password)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The current password is wrong, or the new one breaks the policy", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong current passwords; see `Retry-After`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database or hashing unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/auth/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    body: JsonBody<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let ChangePasswordRequest { current_password, new_password } = body.0;
    let id = who.user_id;
    let auth = &state.settings.auth;
    let (per_user, window) = (auth.login_max_failures_per_user, auth.login_window_secs);
    // Its own counter, per account: wrong current passwords here never slow or block sign-in.
    let change_key = format!("password-change:{id}");
    let key = change_key.clone();
    let (user, blocked) = db::run(&state.db, move |conn| {
        let user = model::find_user(conn, id)?;
        let blocked = model::reserve_login_attempt(conn, &[(&key, Some(per_user))], window)?.blocked;
        Ok((user, blocked))
    })
    .await?;
    if let Some(seconds) = blocked {
        return Err(ApiError::too_many_requests(seconds, "too many wrong passwords; wait before trying again"));
    }
    let mut checks = Checks::default();
    check_password("new_password", &new_password, &user.username, &mut checks);
    if new_password == current_password {
        checks.fail("new_password", ErrorCode::Unchanged, "must differ from the current password");
    }
    let current_ok =
        matches!(state.hasher.verify(current_password, Some(user.password_hash.clone())).await?, Verified::Yes { .. });
    if !current_ok {
        checks.0.insert(0, FieldError::new("current_password", ErrorCode::Incorrect, "is not your current password"));
    }
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let hash = state.hasher.hash(new_password).await?;
    let changes = UserChanges { password_hash: Some(hash), ..Default::default() };
    // Only if the account is as it was when the current password was checked: an admin reset
    // that landed meanwhile wins, and this change is refused (412).
    db::write(&state.db, origin.by(&who), move |conn, journal| {
        model::update_user(conn, user.id, changes, Some(user.version))?;
        journal.record("user", "password_changed", user.id, Scope::AuditOnly, None, None);
        model::settle_login_success(conn, &[&change_key], None)
    })
    .await?;
    state.sessions.clear();
    Ok(HttpResponse::NoContent().finish())
}
