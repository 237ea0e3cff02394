//! Access tokens (HS256 JWTs, minutes long) and refresh tokens (opaque, stored only as SHA-256).

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

/// Signs and checks access tokens with one pinned algorithm (HS256): a token that names any
/// other algorithm, `none` included, is refused.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
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
        validation.leeway = 5;
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: issuer.to_string(),
            audience: audience.to_string(),
            ttl_secs,
        }
    }

    pub fn issue(&self, claims: &Claims) -> String {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding).expect("HS256 signing cannot fail")
    }

    pub fn verify(&self, token: &str) -> Option<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).ok().map(|data| data.claims)
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
    fn refresh_tokens_are_stored_as_sha256() {
        assert_eq!(opaque_token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
