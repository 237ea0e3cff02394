//! Checking ID tokens of the provincial identity provider (OpenID Connect Core 1.0 §3.1.3.7).
//!
//! The frontends are the provider's clients: they sign the user in there (authorization code
//! with PKCE, the flow the provider's own libraries give web and mobile apps) and hand this
//! service the ID token they received, which it exchanges for a session of its own. So this
//! service needs no client secret and no redirect URI, and a mobile app needs no secret it
//! cannot keep. Only asymmetric signatures are accepted (RS256, ES256): a symmetric one would
//! be signed with the client secret, which every frontend would then have to hold.
//!
//! The provider's signing keys come from its discovery document's `jwks_uri`, cached for
//! `THIDUA_OIDC_JWKS_TTL_S`; a token signed with a key not in the cache (the provider rotated
//! its keys) reads them again at once, at most every `FORCED_REFRESH_GAP`. When the provider
//! cannot be reached, keys already cached keep working; without any, the answer is 503.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{Jwk, JwkSet, KeyAlgorithm};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use crate::config::OidcSettings;
use crate::error::{ApiError, ErrorCode};

/// The least time between two key reads forced by an unknown `kid`, so tokens with made-up key
/// ids cannot make this service hammer the provider.
const FORCED_REFRESH_GAP: Duration = Duration::from_secs(10);
/// Clock difference tolerated between the provider and this service.
const LEEWAY_SECS: u64 = 60;

/// What a verified ID token says about its user.
#[derive(Debug, Clone)]
pub struct Identity {
    pub issuer: String,
    pub subject: String,
    pub preferred_username: Option<String>,
    /// Only when the provider says it verified the address (`email_verified: true`).
    pub verified_email: Option<String>,
    pub name: Option<String>,
    /// The token's `exp`, seconds since the epoch: how long its one use must be remembered.
    pub expires_at: i64,
}

#[derive(Deserialize)]
struct IdClaims {
    iss: String,
    // Checked below, so that a token without it is named as such (not as unreadable).
    #[serde(default)]
    sub: String,
    exp: i64,
    #[serde(default)]
    azp: Option<String>,
    #[serde(default)]
    preferred_username: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    email_verified: Option<serde_json::Value>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct Discovery {
    issuer: String,
    jwks_uri: String,
}

#[derive(Default)]
struct KeyCache {
    keys: Option<JwkSet>,
    fetched_at: Option<Instant>,
    forced_at: Option<Instant>,
}

pub struct OidcVerifier {
    pub settings: OidcSettings,
    http: reqwest::Client,
    cache: Mutex<KeyCache>,
}

/// Which check an ID token failed. Safe to tell: it never names a key or a secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Refusal {
    NotJwt,
    Algorithm,
    Expired,
    Immature,
    Audience,
    Issuer,
    Signature,
    Claim,
    Unreadable,
    Azp,
    Sub,
    UnknownKey,
    UnusableKey,
}

impl Refusal {
    #[cfg(test)]
    const ALL: &'static [Refusal] = &[
        Refusal::NotJwt,
        Refusal::Algorithm,
        Refusal::Expired,
        Refusal::Immature,
        Refusal::Audience,
        Refusal::Issuer,
        Refusal::Signature,
        Refusal::Claim,
        Refusal::Unreadable,
        Refusal::Azp,
        Refusal::Sub,
        Refusal::UnknownKey,
        Refusal::UnusableKey,
    ];

    /// The reason in English (the source language) and its catalogue message.
    fn says(self) -> (&'static str, &'static str) {
        match self {
            Refusal::NotJwt => ("it is not a signed JWT", "invalid_id_token-not_jwt"),
            Refusal::Algorithm => ("only RS256 and ES256 signatures are accepted", "invalid_id_token-algorithm"),
            Refusal::Expired => ("it has expired", "invalid_id_token-expired"),
            Refusal::Immature => ("it is not valid yet", "invalid_id_token-immature"),
            Refusal::Audience => ("it was issued for another audience", "invalid_id_token-audience"),
            Refusal::Issuer => ("it was issued by another provider", "invalid_id_token-issuer"),
            Refusal::Signature => ("its signature does not verify", "invalid_id_token-signature"),
            Refusal::Claim => ("a required claim is missing", "invalid_id_token-claim"),
            Refusal::Unreadable => ("it cannot be read", "invalid_id_token-unreadable"),
            Refusal::Azp => ("it was issued to another client (azp)", "invalid_id_token-azp"),
            Refusal::Sub => ("the required claim `sub` is missing, empty or too long", "invalid_id_token-sub"),
            Refusal::UnknownKey => {
                ("it is signed with a key the provider does not publish", "invalid_id_token-unknown_key")
            }
            Refusal::UnusableKey => ("the provider's key cannot be used", "invalid_id_token-unusable_key"),
        }
    }
}

fn invalid(reason: Refusal) -> ApiError {
    let (english, id) = reason.says();
    ApiError::unauthorized(ErrorCode::InvalidIdToken, &format!("the ID token is not accepted: {english}"))
        .localized(id, [])
}

fn unavailable(cause: impl std::fmt::Display) -> ApiError {
    tracing::warn!(error = %cause, "identity provider unreachable");
    ApiError {
        retry_after_secs: Some(5),
        ..ApiError::new(
            ErrorCode::IdentityProviderUnavailable,
            "the identity provider cannot be reached to check the token; try again shortly (sign-in with a password still works)",
        )
    }
}

impl OidcVerifier {
    pub fn new(settings: OidcSettings) -> anyhow::Result<OidcVerifier> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::limited(3))
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .user_agent(concat!("thidua/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(OidcVerifier { settings, http, cache: Mutex::new(KeyCache::default()) })
    }

    /// Checks `token`'s signature, issuer, audience, authorised party and lifetime.
    pub async fn verify(&self, token: &str) -> Result<Identity, ApiError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| invalid(Refusal::NotJwt))?;
        let algorithm = match header.alg {
            Algorithm::RS256 => Algorithm::RS256,
            Algorithm::ES256 => Algorithm::ES256,
            _ => return Err(invalid(Refusal::Algorithm)),
        };
        let key = self.key_for(header.kid.as_deref(), algorithm).await?;

        let mut validation = Validation::new(algorithm);
        validation.set_issuer(&[&self.settings.issuer]);
        validation.set_audience(&self.settings.audiences);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        let data = jsonwebtoken::decode::<IdClaims>(token, &key, &validation).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind;
            invalid(match e.kind() {
                ErrorKind::ExpiredSignature => Refusal::Expired,
                ErrorKind::ImmatureSignature => Refusal::Immature,
                ErrorKind::InvalidAudience => Refusal::Audience,
                ErrorKind::InvalidIssuer => Refusal::Issuer,
                ErrorKind::InvalidSignature => Refusal::Signature,
                ErrorKind::MissingRequiredClaim(_) => Refusal::Claim,
                _ => Refusal::Unreadable,
            })
        })?;
        let claims = data.claims;
        // §3.1.3.7 (5): when present, the authorised party must be one of our clients.
        if claims.azp.as_ref().is_some_and(|azp| !self.settings.audiences.contains(azp)) {
            return Err(invalid(Refusal::Azp));
        }
        if claims.sub.is_empty() || claims.sub.len() > 255 {
            return Err(invalid(Refusal::Sub));
        }
        let verified = matches!(claims.email_verified, Some(serde_json::Value::Bool(true)))
            || matches!(&claims.email_verified, Some(serde_json::Value::String(s)) if s == "true");
        Ok(Identity {
            issuer: claims.iss,
            subject: claims.sub,
            preferred_username: claims.preferred_username,
            verified_email: claims.email.filter(|_| verified),
            name: claims.name,
            expires_at: claims.exp,
        })
    }

    /// The provider's key for `kid`, reading the keys again when they are stale or when `kid`
    /// is new to us.
    async fn key_for(&self, kid: Option<&str>, algorithm: Algorithm) -> Result<DecodingKey, ApiError> {
        let (cached, fresh, may_force) = {
            let cache = self.cache.lock().expect("key cache lock");
            let fresh = cache.fetched_at.is_some_and(|at| at.elapsed() < self.settings.jwks_ttl);
            let may_force = cache.forced_at.is_none_or(|at| at.elapsed() >= FORCED_REFRESH_GAP);
            (cache.keys.clone(), fresh, may_force)
        };
        if fresh {
            if let Some(found) = cached.as_ref().and_then(|keys| find_key(keys, kid, algorithm)) {
                return decoding_key(found);
            }
            if !may_force {
                return Err(invalid(Refusal::UnknownKey));
            }
        }
        let keys = match self.fetch_keys().await {
            Ok(keys) => {
                let mut cache = self.cache.lock().expect("key cache lock");
                cache.keys = Some(keys.clone());
                cache.fetched_at = Some(Instant::now());
                if fresh {
                    cache.forced_at = Some(Instant::now());
                }
                keys
            }
            // Keys read before still prove what they proved: keep serving while the provider is down.
            Err(e) => match cached {
                Some(keys) if find_key(&keys, kid, algorithm).is_some() => {
                    tracing::warn!(error = %e, "identity provider unreachable; using the keys read before");
                    keys
                }
                _ => return Err(unavailable(e)),
            },
        };
        match find_key(&keys, kid, algorithm) {
            Some(found) => decoding_key(found),
            None => Err(invalid(Refusal::UnknownKey)),
        }
    }

    async fn fetch_keys(&self) -> anyhow::Result<JwkSet> {
        let discovery_url = format!("{}/.well-known/openid-configuration", self.settings.issuer);
        let discovery: Discovery = self.get_json(&discovery_url).await?;
        if discovery.issuer.trim_end_matches('/') != self.settings.issuer {
            anyhow::bail!("the discovery document names issuer {:?}", discovery.issuer);
        }
        self.get_json(&discovery.jwks_uri).await
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> anyhow::Result<T> {
        let response = self.http.get(url).send().await?.error_for_status()?;
        let body = response.bytes().await?;
        Ok(serde_json::from_slice(&body)?)
    }
}

/// The key with `kid` (or the only key, when the token names none) that may sign `algorithm`.
fn find_key<'a>(keys: &'a JwkSet, kid: Option<&str>, algorithm: Algorithm) -> Option<&'a Jwk> {
    let usable = |jwk: &&Jwk| {
        let alg_ok = match jwk.common.key_algorithm {
            None => true,
            Some(KeyAlgorithm::RS256) => algorithm == Algorithm::RS256,
            Some(KeyAlgorithm::ES256) => algorithm == Algorithm::ES256,
            Some(_) => false,
        };
        let use_ok = !matches!(jwk.common.public_key_use, Some(jsonwebtoken::jwk::PublicKeyUse::Encryption));
        alg_ok && use_ok
    };
    match kid {
        Some(kid) => keys.keys.iter().filter(usable).find(|k| k.common.key_id.as_deref() == Some(kid)),
        None => {
            let mut candidates = keys.keys.iter().filter(usable);
            let only = candidates.next();
            if candidates.next().is_some() {
                None
            } else {
                only
            }
        }
    }
}

fn decoding_key(jwk: &Jwk) -> Result<DecodingKey, ApiError> {
    DecodingKey::from_jwk(jwk).map_err(|_| invalid(Refusal::UnusableKey))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Lang;

    /// Every refusal names its check in every language, not the code's general message.
    #[test]
    fn every_refusal_says_which_check_failed_in_every_language() {
        for reason in Refusal::ALL {
            let error = invalid(*reason);
            let vi = error.to_problem_in(Lang::Vi).detail;
            let general = crate::error::i18n::text(Lang::Vi, "invalid_id_token", &[]).unwrap();
            assert!(vi.starts_with("Mã định danh (ID token) không được chấp nhận: "), "{reason:?}: {vi}");
            assert_ne!(vi, general, "{reason:?}");
            let en = error.to_problem_in(Lang::En).detail;
            assert!(en.ends_with(reason.says().0), "{reason:?}: {en}");
            assert!(crate::error::i18n::has(Lang::En, reason.says().1), "{reason:?}");
        }
    }
}
