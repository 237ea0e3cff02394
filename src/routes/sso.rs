//! Single sign-on through the provincial identity provider (OpenID Connect): a frontend that
//! signed its user in there exchanges the ID token for a session here (the same tokens as a
//! password sign-in), and admins link accounts to identities. The checks on the token are in
//! `auth/oidc.rs`; why the exchange takes an ID token, in docs/operations.md.

use actix_web::{delete, post, put, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::oidc::Identity;
use crate::auth::tokens::opaque_token_hash;
use crate::auth::{client_addr, policy, AuthUser};
use crate::config::LinkClaim;
use crate::db;
use crate::db::journal::Scope;
use crate::domain::ids::UserId;
use crate::domain::users::{is_valid_username, sign_in_name};
use crate::error::{ApiError, ErrorCode, Problem};
use crate::http::extract::JsonBody;
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::models::accounts::{self as accounts, NewUser, SessionStart, User};
use crate::models::identities;
use crate::openapi::errors::{SignInErrors, WriteErrors};
use crate::routes::shared::{refresh_expiry, tokens_for, TokenResponse, UserResponse};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes.unkeyed(exchange_id_token).service(link_identity).service(unlink_identity);
}

/// Stored as the password hash of accounts made by single sign-on: no password verifies
/// against it (it is not a PHC string), until an admin sets one.
const NO_PASSWORD: &str = "!single-sign-on";

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdTokenExchange {
    /// The ID token the identity provider gave the frontend (a JWT signed with RS256 or
    /// ES256). Each token is exchanged once.
    pub id_token: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityLink {
    /// The user's `sub` at the configured identity provider.
    #[schema(example = "248289761001", min_length = 1, max_length = 255)]
    pub subject: String,
}

/// An account's link to the identity provider.
#[derive(Serialize, ToSchema)]
pub struct IdentityLinkResponse {
    pub user_id: Uuid,
    /// The provider's issuer URL.
    pub issuer: String,
    pub subject: String,
}

fn verifier(state: &AppState) -> Result<&crate::auth::oidc::OidcVerifier, ApiError> {
    state
        .oidc
        .as_ref()
        .ok_or_else(|| ApiError::new(ErrorCode::SingleSignOnOff, "single sign-on is not configured on this deployment"))
}

/// Sign in with the provincial identity provider: exchange its ID token for this service's
/// access and refresh tokens. The token must be signed by the configured provider (RS256 or
/// ES256), issued for one of the configured audiences and unexpired; each token works once.
/// An identity not linked yet is linked by the configured claim, or gets a new account with no
/// roles until an admin grants some. A deactivated account stays deactivated.
#[utoipa::path(
    operation_id = "sign_in_with_identity_provider",
    tag = "auth",
    request_body = IdTokenExchange,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        SignInErrors,
        (status = 401, description = "The ID token is not accepted, or was exchanged before", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The account linked to this identity is deactivated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Single sign-on is not configured", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Field missing", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The identity provider or the database cannot be reached; see `Retry-After`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/oidc")]
pub async fn exchange_id_token(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
    origin: RequestOrigin,
    body: JsonBody<IdTokenExchange>,
) -> Result<HttpResponse, ApiError> {
    let verifier = verifier(&state)?;
    let token = body.0.id_token.trim().to_string();
    let identity = verifier.verify(&token).await?;
    let link_claim = verifier.settings.link_claim;
    let token_hash = opaque_token_hash(&token);
    let token_expiry = chrono::DateTime::from_timestamp(identity.expires_at, 0).map_or_else(db::now, |t| t.naive_utc())
        + chrono::TimeDelta::seconds(120);
    let client = client_addr(&req, state.settings.auth.trust_forwarded);
    let refresh_token = crate::auth::password::random_token();
    let refresh_hash = opaque_token_hash(&refresh_token);
    let refresh_expires_at = refresh_expiry(&state);
    let session_expires_at = db::now() + chrono::TimeDelta::seconds(state.settings.auth.session_max_age_secs);

    let (user, session_id) = db::write(&state.db, origin.anonymous(), move |conn, journal| {
        if !identities::consume_id_token(conn, &token_hash, token_expiry)? {
            return Err(ApiError::unauthorized(
                ErrorCode::IdTokenReused,
                "this ID token was already exchanged for a session; sign in at the identity provider again",
            ));
        }
        let user = match identities::linked_user(conn, &identity.issuer, &identity.subject)? {
            Some(user) => user,
            None => {
                let user = match first_link_candidate(conn, &identity, link_claim)? {
                    Some(user) => user,
                    None => {
                        let new = new_account(conn, &identity)?;
                        let user = accounts::insert_user(conn, new)?;
                        journal.act_as("user", user.id);
                        let shown = UserResponse::from(user.clone());
                        journal.created("user", user.id, Scope::Admin, &shown);
                        user
                    }
                };
                identities::link(conn, &identity.issuer, &identity.subject, user.id)?;
                journal.act_as("user", user.id);
                journal.record("user", "identity_linked", user.id, Scope::AuditOnly, None, None);
                user
            }
        };
        if !user.active {
            return Err(ApiError::new(
                ErrorCode::AccountDeactivated,
                "your account here is deactivated; ask the emulation board to reactivate it",
            ));
        }
        journal.act_as("user", user.id);
        let start = SessionStart {
            user_id: user.id,
            verified_hash: user.password_hash.clone(),
            token_version: user.token_version,
            rehash: None,
            client_addr: client,
            refresh_hash,
            refresh_expires_at,
            session_expires_at,
        };
        let Some(session_id) = accounts::open_session(conn, start)? else {
            return Err(ApiError::conflict(ErrorCode::WriteConflict, "the account changed meanwhile; sign in again"));
        };
        journal.record("session", "opened", &session_id, Scope::AuditOnly, None, None);
        Ok((accounts::find_user(conn, user.id)?, session_id))
    })
    .await?;
    Ok(HttpResponse::Ok().json(tokens_for(&state, user, session_id, refresh_token)?))
}

/// At its first sign-in, the account the configured claim points to (never one linked already).
fn first_link_candidate(
    conn: &mut db::DbConn,
    identity: &Identity,
    link_claim: LinkClaim,
) -> Result<Option<User>, ApiError> {
    match link_claim {
        LinkClaim::Subject => Ok(None),
        LinkClaim::PreferredUsername => match &identity.preferred_username {
            Some(name) => identities::unlinked_user_by(conn, &identity.issuer, false, &sign_in_name(name)),
            None => Ok(None),
        },
        LinkClaim::Email => match &identity.verified_email {
            Some(email) => identities::unlinked_user_by(conn, &identity.issuer, true, email.trim()),
            None => Ok(None),
        },
    }
}

/// A new account for an identity nobody linked: no roles, no unit, no password.
fn new_account(conn: &mut db::DbConn, identity: &Identity) -> Result<NewUser, ApiError> {
    use sha2::Digest;
    let digest = hex::encode(sha2::Sha256::digest(format!("{}\n{}", identity.issuer, identity.subject)));
    let wanted = identity.preferred_username.as_deref().map(sign_in_name).filter(|n| is_valid_username(n));
    let username = match wanted {
        Some(name) if accounts::find_by_username(conn, &name)?.is_none() => name,
        _ => format!("sso-{}", &digest[..12]),
    };
    let full_name = identity
        .name
        .as_deref()
        .map(crate::domain::text::normalize)
        .filter(|n| !n.trim().is_empty() && n.chars().count() <= 200)
        .unwrap_or_else(|| username.clone());
    Ok(NewUser {
        username,
        full_name,
        email: identity.verified_email.clone().filter(|e| e.len() <= 254),
        phone: None,
        unit_id: None,
        roles: Vec::new(),
        password_hash: NO_PASSWORD.to_string(),
    })
}

/// Link an account to its identity at the configured provider (admins): from then on, an ID
/// token with this subject signs in as this account. Replaces the account's earlier link.
#[utoipa::path(
    operation_id = "link_user_identity",
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user's id")),
    request_body = IdentityLink,
    responses(
        (status = 200, description = "Linked", body = IdentityLinkResponse),
        WriteErrors,
        (status = 404, description = "No such user, or single sign-on is not configured", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The subject is linked to another account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/users/{id}/identity")]
pub async fn link_identity(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    path: web::Path<Uuid>,
    body: JsonBody<IdentityLink>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[])?;
    let user_id = path.into_inner();
    let issuer = verifier(&state)?.settings.issuer.clone();
    let subject = body.0.subject.trim().to_string();
    if subject.is_empty() || subject.len() > 255 {
        return Err(ApiError::validation(vec![crate::error::FieldError::new(
            "subject",
            ErrorCode::InvalidFormat,
            "must be 1–255 characters",
        )]));
    }
    let id = UserId::from(user_id);
    let response = IdentityLinkResponse { user_id, issuer: issuer.clone(), subject: subject.clone() };
    db::write(&state.db, origin.by(&who), move |conn, journal| {
        accounts::find_user(conn, id)?;
        identities::link(conn, &issuer, &subject, id)?;
        journal.record("user", "identity_linked", id, Scope::AuditOnly, None, None);
        Ok(())
    })
    .await?;
    Ok(HttpResponse::Ok().json(response))
}

/// Remove an account's link to the identity provider (admins); its sessions are not ended.
#[utoipa::path(
    operation_id = "unlink_user_identity",
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user's id")),
    responses(
        (status = 204, description = "Unlinked"),
        WriteErrors,
        (status = 404, description = "No such user or link, or single sign-on is not configured", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/users/{id}/identity")]
pub async fn unlink_identity(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[])?;
    let id = UserId::from(path.into_inner());
    let issuer = verifier(&state)?.settings.issuer.clone();
    db::write(&state.db, origin.by(&who), move |conn, journal| {
        accounts::find_user(conn, id)?;
        if !identities::unlink(conn, id, &issuer)? {
            return Err(ApiError::not_found("identity link"));
        }
        journal.record("user", "identity_unlinked", id, Scope::AuditOnly, None, None);
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
