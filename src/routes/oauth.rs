//! The OAuth 2.0 token endpoint for service clients: the client credentials grant (RFC 6749
//! §4.4). Unlike every other endpoint, its 4xx errors are RFC 6749 §5.2 JSON
//! (`{"error": "invalid_client"}`), not problem documents: OAuth client libraries parse that
//! shape. Failures of the platform itself (503, 500, the request rate limit) stay problems.

use actix_web::http::{header, StatusCode};
use actix_web::{post, web, HttpRequest, HttpResponse};
use base64::Engine;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::client_addr;
use crate::auth::policy::Role;
use crate::auth::tokens::{opaque_token_hash, Claims};
use crate::db;
use crate::db::journal::Scope;
use crate::error::{ApiError, Problem};
use crate::http::extract::{declared_length, read_limited};
use crate::http::middleware::NotAProblem;
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::models::accounts;
use crate::models::service_clients::{self as model, ServiceClient};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes.unkeyed(token);
}

/// The form fields of a token request (`application/x-www-form-urlencoded`).
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)] // documents the form; the body is parsed field by field
pub struct ClientTokenRequest {
    /// Must be `client_credentials`.
    #[schema(example = "client_credentials", pattern = "^client_credentials$")]
    grant_type: String,
    /// Space-separated; a subset of the client's scopes (default: all of them).
    #[schema(example = "read events:read")]
    scope: Option<String>,
    /// Only when not sent with HTTP Basic authentication.
    client_id: Option<String>,
    /// Only when not sent with HTTP Basic authentication.
    client_secret: Option<String>,
}

/// An access token for a service client. There is no refresh token: ask again when it expires.
#[derive(Serialize, ToSchema)]
pub struct ClientTokenResponse {
    /// Send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds the token stays valid.
    pub expires_in: i64,
    /// The scopes granted, space-separated.
    #[schema(example = "read")]
    pub scope: String,
}

/// An RFC 6749 §5.2 error.
#[derive(Serialize, ToSchema)]
pub struct OAuthError {
    /// `invalid_request`, `invalid_client`, `unsupported_grant_type`, `invalid_scope`, or
    /// `temporarily_unavailable` (too many failed attempts; see `Retry-After`).
    #[schema(example = "invalid_client")]
    pub error: &'static str,
    pub error_description: String,
}

fn oauth_error(status: StatusCode, error: &'static str, description: &str) -> HttpResponse {
    let mut res = HttpResponse::build(status);
    res.insert_header((header::CACHE_CONTROL, "no-store")).insert_header((header::PRAGMA, "no-cache"));
    if status == StatusCode::UNAUTHORIZED {
        res.insert_header((header::WWW_AUTHENTICATE, r#"Basic realm="thidua", charset="UTF-8""#));
    }
    let mut res = res.json(OAuthError { error, error_description: description.to_string() });
    res.extensions_mut().insert(NotAProblem);
    res
}

fn invalid_request(description: &str) -> HttpResponse {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_request", description)
}

fn invalid_client() -> HttpResponse {
    oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "client authentication failed")
}

/// A `scope` token's characters (RFC 6749 §3.3).
fn is_scope_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b))
}

/// Undoes the form encoding that RFC 6749 §2.3.1 applies to Basic credentials.
fn form_decode(s: &str) -> String {
    form_urlencoded::parse(format!("v={s}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default()
}

/// `(client_id, client_secret)` from `Authorization: Basic`, if that header is Basic;
/// `Err` when it is Basic but malformed.
fn basic_credentials(req: &HttpRequest) -> Result<Option<(String, String)>, ()> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else { return Ok(None) };
    let value = value.to_str().map_err(|_| ())?;
    let Some((scheme, encoded)) = value.split_once(' ') else { return Err(()) };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(());
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).map_err(|_| ())?;
    let decoded = String::from_utf8(decoded).map_err(|_| ())?;
    let (id, secret) = decoded.split_once(':').ok_or(())?;
    Ok(Some((form_decode(id), form_decode(secret))))
}

/// Equal, in time that does not depend on where they differ.
fn same_hash(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

enum Outcome {
    Blocked(u64),
    Refused,
    Client(ServiceClient),
}

/// Get an access token for a service client (OAuth 2.0 client credentials grant, RFC 6749
/// §4.4). Authenticate with HTTP Basic (`client_id:client_secret`) or, as RFC 6749 §2.3.1 also
/// allows, `client_id` and `client_secret` form fields — not both. **Errors deviate from the
/// rest of the API:** 4xx answers are RFC 6749 §5.2 JSON (`{"error": …, "error_description":
/// …}`), not problem documents, because OAuth clients expect that shape. Failed client
/// authentications are throttled like sign-ins.
#[utoipa::path(
    operation_id = "issue_client_token",
    tag = "oauth",
    request_body(content = ClientTokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "The access token; `Cache-Control: no-store`", body = ClientTokenResponse),
        (status = 400, description = "RFC 6749 §5.2: `invalid_request`, `unsupported_grant_type` or `invalid_scope`", body = OAuthError),
        (status = 401, description = "RFC 6749 §5.2: `invalid_client`, with `WWW-Authenticate`", body = OAuthError),
        (status = 429, description = "RFC 6749 §5.2 `temporarily_unavailable`: too many failed attempts; see `Retry-After`", body = OAuthError),
        (status = 503, description = "Database unavailable; retry after `Retry-After`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/oauth/token")]
pub async fn token(
    state: web::Data<AppState>,
    req: HttpRequest,
    origin: RequestOrigin,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"));
    if !is_form {
        return Ok(invalid_request("the body must be application/x-www-form-urlencoded"));
    }
    let Ok(body) = read_limited(payload.into_inner(), declared_length(&req), state.settings.max_body_bytes).await
    else {
        return Ok(invalid_request("the body could not be read or is too large"));
    };
    let mut fields = std::collections::HashMap::new();
    for (name, value) in form_urlencoded::parse(&body) {
        // RFC 6749 §3.2: parameters must not be repeated.
        if fields.insert(name.into_owned(), value.into_owned()).is_some() {
            return Ok(invalid_request("a parameter is repeated"));
        }
    }
    match fields.get("grant_type").map(String::as_str) {
        None => return Ok(invalid_request("grant_type is required")),
        Some("client_credentials") => {}
        Some(_) => {
            return Ok(oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "only client_credentials is supported",
            ))
        }
    }
    let in_body = (fields.get("client_id").cloned(), fields.get("client_secret").cloned());
    let (client_id, secret) = match (basic_credentials(&req), in_body) {
        (Err(()), _) => return Ok(invalid_client()),
        (Ok(Some(_)), (Some(_), _) | (_, Some(_))) => {
            return Ok(invalid_request("use one client authentication method, not two"))
        }
        (Ok(Some(credentials)), _) => credentials,
        (Ok(None), (Some(id), Some(secret))) => (id, secret),
        (Ok(None), _) => return Ok(invalid_client()),
    };
    let requested: Option<Vec<String>> = fields
        .get("scope")
        .map(|s| s.split(' ').filter(|t| !t.is_empty()).map(str::to_owned).collect())
        .filter(|s: &Vec<String>| !s.is_empty());
    if requested.as_ref().is_some_and(|r| !r.iter().all(|t| is_scope_token(t))) {
        return Ok(oauth_error(StatusCode::BAD_REQUEST, "invalid_scope", "the scope is malformed"));
    }

    // Counted before the secret is checked, against the client and the caller's address, in
    // the sign-in throttle (so concurrent guesses cannot all pass). Only well-formed ids get a
    // key of their own, so junk cannot bloat the table.
    let client_key = match uuid::Uuid::parse_str(&client_id) {
        Ok(id) => format!("svc:{id}"),
        Err(_) => "svc:(invalid)".to_string(),
    };
    let addr_key = format!("client:{}", client_addr(&req, state.settings.auth.trust_forwarded));
    let auth = &state.settings.auth;
    let (per_addr, window) = (auth.login_max_failures_per_client, auth.login_window_secs);
    let presented = opaque_token_hash(&secret);
    let outcome = db::write(&state.db, origin.anonymous(), move |conn, journal| {
        // Per address only: client secrets are 256-bit, so a per-client count adds no safety and
        // would let anyone who knows a client id lock the integration out.
        if let Some(seconds) = accounts::reserve_login_attempt(conn, &[(&addr_key, Some(per_addr))], window)?.blocked {
            return Ok(Outcome::Blocked(seconds));
        }
        let client = if client_key == "svc:(invalid)" { None } else { model::lookup_client(conn, &client_id)? };
        match client {
            Some(c) if c.revoked_at.is_none() && same_hash(&c.secret_hash, &presented) => {
                accounts::settle_login_success(conn, &[&client_key], Some(&addr_key))?;
                journal.act_as("client", c.id);
                journal.record("service_client", "authenticated", c.id, Scope::AuditOnly, None, None);
                Ok(Outcome::Client(c))
            }
            _ => Ok(Outcome::Refused),
        }
    })
    .await?;
    let client = match outcome {
        Outcome::Blocked(seconds) => {
            let mut res = oauth_error(
                StatusCode::TOO_MANY_REQUESTS,
                "temporarily_unavailable",
                "too many failed attempts; wait before trying again",
            );
            if let Ok(value) = header::HeaderValue::from_str(&seconds.max(1).to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, value);
            }
            return Ok(res);
        }
        Outcome::Refused => return Ok(invalid_client()),
        Outcome::Client(c) => c,
    };
    let granted = client.scope_list();
    let scopes = match requested {
        None => granted,
        Some(requested) if requested.iter().all(|s| granted.contains(s)) => {
            let mut scopes = requested;
            scopes.sort_unstable();
            scopes.dedup();
            scopes
        }
        Some(_) => {
            return Ok(oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_scope",
                "the scope asks for more than this client was granted",
            ))
        }
    };
    let scope = scopes.join(" ");
    let now = chrono::Utc::now().timestamp();
    let claims = Claims {
        iss: state.tokens.issuer.clone(),
        aud: state.tokens.audience.clone(),
        sub: client.id.to_string(),
        sid: crate::auth::client_session_key(&client.id.to_string()),
        jti: uuid::Uuid::now_v7().to_string(),
        iat: now,
        nbf: now,
        exp: now + state.tokens.ttl_secs,
        ver: client.secret_generation,
        roles: vec![Role::Viewer],
        unit: client.unit_id.map(|u| u.to_string()),
        client_id: Some(client.id.to_string()),
        scope: Some(scope.clone()),
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"))
        .json(ClientTokenResponse {
            access_token: state.tokens.issue(&claims),
            token_type: "Bearer",
            expires_in: state.tokens.ttl_secs,
            scope,
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_form_decoded_and_malformed_ones_refused() {
        let req =
            |v: &str| actix_web::test::TestRequest::default().insert_header(("authorization", v)).to_http_request();
        let encoded = base64::engine::general_purpose::STANDARD.encode("id%3Ax:s+cr%2Bt");
        assert_eq!(basic_credentials(&req(&format!("Basic {encoded}"))), Ok(Some(("id:x".into(), "s cr+t".into()))));
        assert_eq!(basic_credentials(&req("Basic !!!")), Err(()));
        assert_eq!(basic_credentials(&req("Bearer abc")), Err(()));
        assert_eq!(basic_credentials(&actix_web::test::TestRequest::default().to_http_request()), Ok(None));
        assert!(same_hash("abc", "abc") && !same_hash("abc", "abd") && !same_hash("abc", "ab"));
        assert!(is_scope_token("events:read") && !is_scope_token("a\"b") && !is_scope_token(""));
    }
}
