//! Settings for sign-in through the provincial identity provider (OpenID Connect,
//! docs/operations.md "Single sign-on").

use std::time::Duration;

use super::{parse_in, SettingError};

/// How an identity from the provider finds its account here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkClaim {
    /// Only identities an admin linked (or that signed in before) reach an account; any other
    /// gets a new account without roles.
    Subject,
    /// At its first sign-in, an identity is linked to the account whose username equals its
    /// `preferred_username`; from then on by `sub`.
    PreferredUsername,
    /// At its first sign-in, an identity with `email_verified: true` is linked to the account
    /// with that email; from then on by `sub`.
    Email,
}

#[derive(Clone, Debug)]
pub struct OidcSettings {
    /// `THIDUA_OIDC_ISSUER`: the provider's issuer URL, exactly as its tokens' `iss` claim
    /// says; its `/.well-known/openid-configuration` is read from there.
    pub issuer: String,
    /// `THIDUA_OIDC_CLIENT_ID`: the client id the frontends are registered under at the provider.
    pub client_id: String,
    /// `THIDUA_OIDC_AUDIENCES`: the `aud` values an ID token may carry (comma-separated);
    /// default: the client id alone.
    pub audiences: Vec<String>,
    /// `THIDUA_OIDC_LINK_CLAIM`: `sub` (default), `preferred_username` or `email`.
    pub link_claim: LinkClaim,
    /// `THIDUA_OIDC_JWKS_TTL_S`: how long the provider's keys are trusted before being read again
    /// (a token signed with a key not yet seen triggers a re-read at once, at most every 10 s).
    pub jwks_ttl: Duration,
    /// `THIDUA_OIDC_TIMEOUT_MS`: how long to wait for the provider before answering 503.
    pub timeout: Duration,
    /// `THIDUA_OIDC_ALLOW_HTTP`: accept an `http://` issuer (tests and closed networks only).
    pub allow_http: bool,
}

pub(super) fn read(lookup: &impl Fn(&str) -> Option<String>) -> Result<Option<OidcSettings>, SettingError> {
    let set = |name: &str| lookup(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let Some(issuer) = set("THIDUA_OIDC_ISSUER") else { return Ok(None) };
    let fail = |name: &'static str, value: &str, reason: &str| SettingError {
        name,
        value: value.to_string(),
        reason: reason.to_string(),
    };
    let allow_http = super::parse(lookup, "THIDUA_OIDC_ALLOW_HTTP", false)?;
    let scheme_ok = issuer.starts_with("https://") || (allow_http && issuer.starts_with("http://"));
    if !scheme_ok || url::Url::parse(&issuer).is_err() {
        return Err(fail(
            "THIDUA_OIDC_ISSUER",
            &issuer,
            "must be an https:// URL (http:// only with THIDUA_OIDC_ALLOW_HTTP=true)",
        ));
    }
    let Some(client_id) = set("THIDUA_OIDC_CLIENT_ID") else {
        return Err(fail("THIDUA_OIDC_CLIENT_ID", "", "is required when THIDUA_OIDC_ISSUER is set"));
    };
    let audiences = match set("THIDUA_OIDC_AUDIENCES") {
        None => vec![client_id.clone()],
        Some(list) => list.split(',').map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned).collect(),
    };
    if audiences.is_empty() {
        return Err(fail("THIDUA_OIDC_AUDIENCES", "", "names no audience"));
    }
    let link_claim = match set("THIDUA_OIDC_LINK_CLAIM").as_deref() {
        None | Some("sub") => LinkClaim::Subject,
        Some("preferred_username") => LinkClaim::PreferredUsername,
        Some("email") => LinkClaim::Email,
        Some(other) => {
            return Err(fail("THIDUA_OIDC_LINK_CLAIM", other, "must be `sub`, `preferred_username` or `email`"))
        }
    };
    Ok(Some(OidcSettings {
        issuer: issuer.trim_end_matches('/').to_string(),
        client_id,
        audiences,
        link_claim,
        jwks_ttl: Duration::from_secs(parse_in(lookup, "THIDUA_OIDC_JWKS_TTL_S", 3600, 10..=86_400)?),
        timeout: Duration::from_millis(parse_in(lookup, "THIDUA_OIDC_TIMEOUT_MS", 5000, 100..=60_000)?),
        allow_http,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_from(pairs: &[(&str, &str)]) -> Result<Option<OidcSettings>, SettingError> {
        let map: std::collections::HashMap<&str, &str> = pairs.iter().copied().collect();
        read(&|name: &str| map.get(name).map(ToString::to_string))
    }

    #[test]
    fn off_unless_an_issuer_is_set() {
        assert!(read_from(&[("THIDUA_OIDC_CLIENT_ID", "x")]).unwrap().is_none());
    }

    #[test]
    fn defaults_and_refusals() {
        let on =
            read_from(&[("THIDUA_OIDC_ISSUER", "https://sso.example.vn/realms/bk/"), ("THIDUA_OIDC_CLIENT_ID", "web")])
                .unwrap()
                .unwrap();
        assert_eq!(on.issuer, "https://sso.example.vn/realms/bk");
        assert_eq!(on.audiences, vec!["web".to_string()]);
        assert_eq!(on.link_claim, LinkClaim::Subject);

        let err = read_from(&[("THIDUA_OIDC_ISSUER", "https://sso.example.vn")]).unwrap_err();
        assert_eq!(err.name, "THIDUA_OIDC_CLIENT_ID");
        let err = read_from(&[("THIDUA_OIDC_ISSUER", "http://sso.example.vn"), ("THIDUA_OIDC_CLIENT_ID", "web")])
            .unwrap_err();
        assert_eq!(err.name, "THIDUA_OIDC_ISSUER", "plain http needs THIDUA_OIDC_ALLOW_HTTP");
        let err = read_from(&[
            ("THIDUA_OIDC_ISSUER", "https://sso.example.vn"),
            ("THIDUA_OIDC_CLIENT_ID", "web"),
            ("THIDUA_OIDC_LINK_CLAIM", "phone_number"),
        ])
        .unwrap_err();
        assert_eq!(err.name, "THIDUA_OIDC_LINK_CLAIM");
    }
}
