//! Access tokens (HS256 JWTs, minutes long) and refresh tokens (opaque, stored only as SHA-256).

use std::collections::HashMap;
use std::sync::Mutex;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::auth::policy::Role;

#[derive(Debug, Serialize, Deserialize, Clone, PartialEq)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The user id.
    pub sub: String,
    /// The session (login) this token belongs to; logging out closes it.
    pub sid: String,
    pub jti: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    /// The user's token version when issued; bumping it cuts this token off.
    pub ver: i32,
    pub roles: Vec<Role>,
    /// The unit the user acts for.
    pub unit: Option<String>,
    /// Set only in a service client's token (RFC 9068's claim): what tells the two kinds apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// A service client's granted scopes, space-separated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// Seconds a token's `exp` and `nbf` may be off by (clocks of other instances).
const LEEWAY_SECS: i64 = 5;

/// Tokens remembered as verified, at most: about 1 KB each (the token and its claims), so
/// 4 MB at worst. A province has a few thousand signed-in users at once; past this the memory
/// starts again (a token is then checked anew).
const VERIFIED_MAX_ENTRIES: usize = 4096;

/// Longer than any token this service issues (under 1 KB): refused before it is hashed for the
/// lookup, so junk in the header costs nothing under the lock.
const MAX_TOKEN_BYTES: usize = 4096;

/// Signs and checks access tokens with one pinned algorithm (HS256): a token that names any
/// other algorithm, `none` included, is refused.
///
/// A token that passed the check is remembered with its claims, keyed by the whole token (its
/// signature included), so each further request with it costs a lookup and the time checks,
/// not the JSON and HMAC work again (about a tenth of a get-by-id's CPU). The token's bytes
/// are what was signed, so the same bytes verify the same way; only time changes the answer,
/// and `exp`/`nbf` are checked again on every use. Whether its session is still open is not
/// this cache's business: the caller checks that on every request.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    verified: Mutex<HashMap<String, Claims>>,
    pub issuer: String,
    pub audience: String,
    pub ttl_secs: i64,
}

impl TokenKeys {
    pub fn new(secret: &[u8], issuer: &str, audience: &str, ttl_secs: i64) -> TokenKeys {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECS.unsigned_abs();
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            verified: Mutex::new(HashMap::new()),
            issuer: issuer.to_string(),
            audience: audience.to_string(),
            ttl_secs,
        }
    }

    pub fn issue(&self, claims: &Claims) -> String {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding).expect("HS256 signing cannot fail")
    }

    pub fn verify(&self, token: &str) -> Option<Claims> {
        self.verify_at(token, chrono::Utc::now().timestamp())
    }

    /// `verify` as of `now` (Unix seconds) for what was remembered; a token not seen before is
    /// checked by the library against the clock.
    fn verify_at(&self, token: &str, now: i64) -> Option<Claims> {
        if token.len() > MAX_TOKEN_BYTES {
            return None;
        }
        if let Some(claims) = self.verified.lock().ok().and_then(|v| v.get(token).cloned()) {
            return in_force(&claims, now).then_some(claims);
        }
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).ok()?.claims;
        if let Ok(mut verified) = self.verified.lock() {
            if verified.len() >= VERIFIED_MAX_ENTRIES {
                verified.retain(|_, claims| in_force(claims, now));
                // Still mostly full: start again rather than scan it on every new token.
                if verified.len() >= VERIFIED_MAX_ENTRIES * 3 / 4 {
                    verified.clear();
                }
            }
            verified.insert(token.to_owned(), claims.clone());
        }
        Some(claims)
    }
}

/// The time checks `jsonwebtoken` makes of `exp` and `nbf`, with the same leeway.
fn in_force(claims: &Claims, now: i64) -> bool {
    claims.exp >= now - LEEWAY_SECS && claims.nbf <= now + LEEWAY_SECS
}

impl TokenKeys {
    /// How many verified tokens are remembered (for tests).
    #[cfg(test)]
    fn remembered(&self) -> usize {
        self.verified.lock().map(|v| v.len()).unwrap_or(0)
    }
}

/// What is stored for an opaque high-entropy token (refresh tokens, service-client secrets):
/// its SHA-256, hex. 256 random bits cannot be guessed offline, so a slow hash adds nothing.
pub fn opaque_token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(now: i64) -> Claims {
        Claims {
            iss: "thidua".into(),
            aud: "thidua-api".into(),
            sub: "user".into(),
            sid: "session".into(),
            jti: "j".into(),
            iat: now,
            nbf: now,
            exp: now + 600,
            ver: 1,
            roles: vec![Role::Viewer],
            unit: None,
            client_id: None,
            scope: None,
        }
    }

    #[test]
    fn round_trips_and_refuses_other_keys_issuers_and_audiences() {
        let now = chrono::Utc::now().timestamp();
        let keys = TokenKeys::new(&[7; 32], "thidua", "thidua-api", 600);
        let token = keys.issue(&claims(now));
        assert_eq!(keys.verify(&token), Some(claims(now)));
        assert!(TokenKeys::new(&[8; 32], "thidua", "thidua-api", 600).verify(&token).is_none());
        assert!(TokenKeys::new(&[7; 32], "other", "thidua-api", 600).verify(&token).is_none());
        assert!(TokenKeys::new(&[7; 32], "thidua", "other", 600).verify(&token).is_none());
        let expired = keys.issue(&Claims { exp: now - 60, ..claims(now - 700) });
        assert!(keys.verify(&expired).is_none());
        let early = keys.issue(&Claims { nbf: now + 600, ..claims(now) });
        assert!(keys.verify(&early).is_none());
    }

    #[test]
    fn a_remembered_token_still_expires_and_its_signature_still_counts() {
        let now = chrono::Utc::now().timestamp();
        let keys = TokenKeys::new(&[7; 32], "thidua", "thidua-api", 600);
        let token = keys.issue(&claims(now));
        assert_eq!(keys.verify(&token), Some(claims(now)));
        assert_eq!(keys.remembered(), 1);
        // Remembered: valid up to `exp` plus the leeway, not after.
        assert_eq!(keys.verify_at(&token, now + 600 + LEEWAY_SECS), Some(claims(now)));
        assert_eq!(keys.verify_at(&token, now + 601 + LEEWAY_SECS), None);
        // Nor before `nbf` less the leeway.
        assert_eq!(keys.verify_at(&token, now - LEEWAY_SECS), Some(claims(now)));
        assert_eq!(keys.verify_at(&token, now - 1 - LEEWAY_SECS), None);
        // The same claims under another signature are another token, checked in full.
        let (payload, signature) = token.rsplit_once('.').unwrap();
        let flipped = if signature.starts_with('A') { "B" } else { "A" };
        let forged = format!("{payload}.{flipped}{}", &signature[1..]);
        assert_eq!(keys.verify(&forged), None);
        // Tokens that fail are not remembered, nor is anything longer than a token can be.
        assert!(keys.verify("not.a.token").is_none());
        assert!(keys.verify(&"a".repeat(MAX_TOKEN_BYTES + 1)).is_none());
        assert_eq!(keys.remembered(), 1);
    }

    #[test]
    fn a_full_memory_drops_expired_tokens_first() {
        let now = chrono::Utc::now().timestamp();
        let keys = TokenKeys::new(&[7; 32], "thidua", "thidua-api", 600);
        let live = keys.issue(&claims(now));
        assert!(keys.verify(&live).is_some());
        // Fill the rest with tokens that will have expired when the next one comes.
        for i in 1..VERIFIED_MAX_ENTRIES {
            let token = keys.issue(&Claims { jti: i.to_string(), exp: now + 10, ..claims(now) });
            assert!(keys.verify(&token).is_some());
        }
        assert_eq!(keys.remembered(), VERIFIED_MAX_ENTRIES);
        let later = now + 60;
        let newcomer = keys.issue(&Claims { jti: "new".into(), ..claims(now) });
        assert!(keys.verify_at(&newcomer, later).is_some());
        // The expired ones went; the live one and the newcomer stayed.
        assert_eq!(keys.remembered(), 2);
        assert!(keys.verified.lock().unwrap().contains_key(&live));
    }

    #[test]
    fn the_memory_of_verified_tokens_stays_bounded() {
        let now = chrono::Utc::now().timestamp();
        let keys = TokenKeys::new(&[7; 32], "thidua", "thidua-api", 600);
        for i in 0..VERIFIED_MAX_ENTRIES + 10 {
            let token = keys.issue(&Claims { jti: i.to_string(), ..claims(now) });
            assert!(keys.verify(&token).is_some());
            assert!(keys.remembered() <= VERIFIED_MAX_ENTRIES);
        }
    }

    #[test]
    fn refresh_tokens_are_stored_as_sha256() {
        assert_eq!(opaque_token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
