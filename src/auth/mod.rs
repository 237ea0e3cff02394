//! Who is calling: access-token verification, the session check behind it, and the extractor
//! handlers take to require a signed-in user. Decisions about what they may do: `policy`.

pub mod oidc;
pub mod password;
pub mod policy;
pub mod rate_limit;
pub mod tokens;

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use crate::db;
use crate::domain::ids::{UnitId, UserId};
use crate::error::{ApiError, ErrorCode};
use crate::models::accounts::{self, SessionState};
use crate::models::service_clients;
use crate::state::AppState;
use policy::Principal;

/// An instance's short-lived memory of session states, so that checking a token does not cost
/// a query on every request. Entries expire after the configured TTL; changes made through this
/// instance remove the entry at once.
pub struct SessionCache {
    ttl: Duration,
    entries: Mutex<HashMap<String, (SessionState, Instant)>>,
    /// Bumped by `clear`: a state read from the database before a clear is not stored after it.
    generation: AtomicU64,
}

const SESSION_CACHE_MAX_ENTRIES: usize = 50_000;

impl SessionCache {
    pub fn new(ttl: Duration) -> SessionCache {
        SessionCache { ttl, entries: Mutex::new(HashMap::new()), generation: AtomicU64::new(0) }
    }

    fn get(&self, session_id: &str) -> Option<SessionState> {
        let entries = self.entries.lock().ok()?;
        entries.get(session_id).filter(|(_, at)| at.elapsed() < self.ttl).map(|(state, _)| *state)
    }

    fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Stores a state read from the database, unless the cache was cleared since the read began
    /// (`read_at` is `generation()` taken before it): that read may predate a revocation.
    fn put(&self, session_id: String, state: SessionState, read_at: u64) {
        if self.ttl.is_zero() {
            return;
        }
        if let Ok(mut entries) = self.entries.lock() {
            if self.generation() != read_at {
                return;
            }
            if entries.len() >= SESSION_CACHE_MAX_ENTRIES {
                let ttl = self.ttl;
                entries.retain(|_, (_, at)| at.elapsed() < ttl);
                if entries.len() >= SESSION_CACHE_MAX_ENTRIES {
                    entries.clear();
                }
            }
            entries.insert(session_id, (state, Instant::now()));
        }
    }

    /// Forgets everything: called after any change that can end sessions or cut off tokens.
    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            self.generation.fetch_add(1, Ordering::SeqCst);
            entries.clear();
        }
    }
}

/// A signed-in caller. Taking it as a handler argument makes the endpoint require a valid
/// access token whose session is open, whose user is active and whose version is current.
pub struct AuthUser(pub Principal);

impl std::ops::Deref for AuthUser {
    type Target = Principal;
    fn deref(&self) -> &Principal {
        &self.0
    }
}

/// The bearer token of `Authorization`, if there is one.
pub fn bearer_token(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(|t| t.trim().to_string())
}

/// The session id a client's tokens carry, and its key in the session cache.
pub fn client_session_key(client_id: &str) -> String {
    format!("client:{client_id}")
}

fn invalid_token() -> ApiError {
    ApiError::unauthorized(
        ErrorCode::InvalidToken,
        "the access token is missing, invalid, expired or revoked; sign in again or refresh it",
    )
}

/// A signed-in caller on an endpoint guarded by a scope of its own (`events:read`,
/// `reports:read`, `audit:read`) rather than `read`: taking it instead of `AuthUser` declares
/// that, and the handler checks its scope (`policy::require_scope`). Otherwise as `AuthUser`,
/// which it derefs to.
pub struct OwnScopeUser(pub AuthUser);

impl std::ops::Deref for OwnScopeUser {
    type Target = AuthUser;
    fn deref(&self) -> &AuthUser {
        &self.0
    }
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        // Every record read by a client needs `read`, checked here once for all endpoints;
        // the feed, reports and audit trail take `OwnScopeUser` and check their own scopes.
        authenticate(req, true)
    }
}

impl FromRequest for OwnScopeUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let who = authenticate(req, false);
        Box::pin(async move { who.await.map(OwnScopeUser) })
    }
}

/// Checks the access token and the session (or client) behind it; with `needs_read`, a
/// client's token must carry the `read` scope.
fn authenticate(req: &HttpRequest, needs_read: bool) -> LocalBoxFuture<'static, Result<AuthUser, ApiError>> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let writes = !matches!(
        *req.method(),
        actix_web::http::Method::GET | actix_web::http::Method::HEAD | actix_web::http::Method::OPTIONS
    );
    let token = bearer_token(req);
    Box::pin(async move {
        let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("application state missing")))?;
        let claims = token.and_then(|t| state.tokens.verify(&t)).ok_or_else(invalid_token)?;
        // A client token is checked against its client row (revoked? secret generation?),
        // a user's against its session; both through the same cache, under distinct keys.
        let cache_key = match &claims.client_id {
            Some(client_id) => client_session_key(client_id),
            None => claims.sid.clone(),
        };
        let session = match state.sessions.get(&cache_key) {
            Some(cached) => Some(cached),
            None => {
                let (key, client_id) = (claims.sid.clone(), claims.client_id.clone());
                let read_at = state.sessions.generation();
                let fresh = db::run(&state.db, move |conn| match client_id {
                    Some(id) => service_clients::client_state(conn, &id),
                    None => accounts::session_state(conn, &key),
                })
                .await?;
                if let Some(s) = fresh {
                    state.sessions.put(cache_key, s, read_at);
                }
                fresh
            }
        };
        let valid = session.is_some_and(|s| s.open && s.user_active && s.token_version == claims.ver);
        if !valid {
            return Err(invalid_token());
        }
        // The subject and unit are ids this service issued; a token with others is not ours.
        let user_id = UserId::parse(&claims.sub).ok_or_else(invalid_token)?;
        let unit_id = claims.unit.as_deref().map(|u| UnitId::parse(u).ok_or_else(invalid_token)).transpose()?;
        let who = Principal {
            user_id,
            session_id: claims.sid,
            roles: claims.roles,
            unit_id,
            scopes: claims.client_id.as_ref().map(|_| {
                claims.scope.unwrap_or_default().split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect()
            }),
            client_id: claims.client_id,
        };
        // Clients are read-only: `policy::decide` refuses their writes, and this refuses
        // them on the few endpoints that act on the caller's own account without asking it.
        if writes && who.is_client() {
            return Err(ApiError::forbidden());
        }
        if needs_read {
            policy::require_scope(&who, policy::SCOPE_READ)?;
        }
        Ok(AuthUser(who))
    })
}

/// The caller's address for throttling: the TCP peer; behind a trusted proxy, the last address
/// in `X-Forwarded-For` (the one that proxy saw connect; earlier ones are the client's to invent).
pub fn client_addr(req: &HttpRequest, trust_forwarded: bool) -> String {
    if trust_forwarded {
        let last_hop = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .last()
            .and_then(|v| v.rsplit(',').next())
            .and_then(|hop| hop.trim().parse::<IpAddr>().ok());
        if let Some(ip) = last_hop {
            return ip.to_string();
        }
    }
    req.peer_addr().map_or_else(|| "unknown".to_string(), |a| a.ip().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPEN: SessionState = SessionState { open: true, user_active: true, token_version: 1 };

    #[test]
    fn a_state_read_before_a_clear_is_not_stored_after_it() {
        let cache = SessionCache::new(Duration::from_secs(60));
        let read_at = cache.generation();
        cache.clear(); // a logout lands while the read is in flight
        cache.put("s".into(), OPEN, read_at);
        assert_eq!(cache.get("s"), None);
        cache.put("s".into(), OPEN, cache.generation());
        assert_eq!(cache.get("s"), Some(OPEN));
    }

    #[test]
    fn only_the_last_forwarded_hop_is_trusted() {
        let req = actix_web::test::TestRequest::default()
            .insert_header(("x-forwarded-for", "6.6.6.6, 203.0.113.9"))
            .peer_addr("10.0.0.2:5000".parse().unwrap())
            .to_http_request();
        assert_eq!(client_addr(&req, true), "203.0.113.9");
        assert_eq!(client_addr(&req, false), "10.0.0.2");
        let spoofed = actix_web::test::TestRequest::default()
            .insert_header(("x-forwarded-for", "not-an-ip"))
            .peer_addr("10.0.0.2:5000".parse().unwrap())
            .to_http_request();
        assert_eq!(client_addr(&spoofed, true), "10.0.0.2");
    }
}
