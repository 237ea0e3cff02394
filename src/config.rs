//! Settings from environment variables, each with a documented default (see README).
//! An invalid value stops the start with a message naming the variable.

use std::net::SocketAddr;
use std::time::Duration;

use crate::db::Backend;

mod oidc;
mod ops;
pub use oidc::{LinkClaim, OidcSettings};
pub use ops::OpsSettings;

#[derive(Clone, Debug)]
pub struct Settings {
    /// `THIDUA_BIND`: address the HTTP server listens on.
    pub bind: SocketAddr,
    /// `DATABASE_URL`: `sqlite://path`, a bare file path, or `postgres://…`.
    pub database_url: String,
    /// `THIDUA_DB_POOL_SIZE`: connections in the pool.
    pub db_pool_size: u32,
    /// `THIDUA_DB_POOL_TIMEOUT_MS`: how long a request waits for a connection before answering 503.
    pub db_pool_timeout: Duration,
    /// `THIDUA_WORKERS`: HTTP worker threads.
    pub workers: usize,
    /// `THIDUA_MAX_BODY_BYTES`: largest JSON request body accepted (413 above it).
    pub max_body_bytes: usize,
    /// `THIDUA_SHUTDOWN_TIMEOUT_S`: grace period for in-flight requests on SIGTERM/SIGINT.
    pub shutdown_timeout_secs: u64,
    pub auth: AuthSettings,
    /// `THIDUA_EVIDENCE_STORE`: where evidence files go: a directory (default `data/evidence`),
    /// or `s3://bucket[/prefix]` with the usual `AWS_*` variables (endpoint, region, keys) for
    /// S3-compatible storage shared by several instances.
    pub evidence_store: String,
    /// The `AWS_*` variables an S3 evidence store is configured with (`S3_SETTINGS`), as read
    /// here, so every instance of the settings (and each test app) carries its own.
    pub evidence_s3: Vec<(&'static str, String)>,
    /// `THIDUA_MAX_UPLOAD_BYTES`: largest evidence file.
    pub max_upload_bytes: usize,
    /// `THIDUA_REPORT_GRACE_DAYS`: days after a campaign ends during which units may still report.
    pub report_grace_days: i64,
    /// `THIDUA_CORS_ORIGINS`: browser origins allowed to call the API, comma-separated exact
    /// origins (`https://thidua.example.vn`), or `*` for any. Empty: CORS off.
    pub cors_origins: Vec<String>,
    /// `THIDUA_IDEMPOTENCY_TTL_S`: how long a POST's `Idempotency-Key` and its answer are kept.
    pub idempotency_ttl_secs: i64,
    pub webhooks: WebhookSettings,
    /// `THIDUA_COUNCIL_MIN_BALLOTS`: a council vote's tally is published only with at least
    /// this many ballots (3 at least); below it, the result is withheld.
    pub council_min_ballots: i32,
    /// `THIDUA_COMMENT_MAX_PER_ADDRESS`: comments one client address may post in 24 hours,
    /// over all postings.
    pub comment_max_per_address: i64,
    /// `THIDUA_COMMENT_MAX_PER_POSTING`: comments one posting takes in 24 hours, from everyone.
    pub comment_max_per_posting: i64,
    /// `THIDUA_COMMENT_POW_BITS`: leading zero bits a comment's proof of work must have (0: none
    /// asked). See docs/awards.md.
    pub comment_pow_bits: u32,
    /// Metrics, logs and traces, the public base URL (config/ops.rs).
    pub ops: OpsSettings,
    /// Sign-in through the provincial identity provider, when `THIDUA_OIDC_ISSUER` is set
    /// (config/oidc.rs).
    pub oidc: Option<OidcSettings>,
    pub documents: DocumentSettings,
}

/// Generated documents and signed decisions (docs/documents.md).
#[derive(Clone, Debug, Default)]
pub struct DocumentSettings {
    /// `THIDUA_DOCUMENT_PLACE`: the địa danh documents are dated at ("Bắc Kạn, ngày …").
    pub place: String,
    /// `THIDUA_DOCUMENT_ISSUING_BODY`: the province's name as documents head it
    /// ("ỦY BAN NHÂN DÂN TỈNH BẮC KẠN").
    pub issuing_body: String,
    /// `THIDUA_SIGNATURE_TRUST_ANCHORS`: a PEM file of the certification authorities whose
    /// signatures a decision's signed copy may carry (Vietnam's public signature CAs, the
    /// government CA); read at start. Unset: no signed copy verifies.
    pub trust_anchors_pem: Option<Vec<u8>>,
    /// `THIDUA_REQUIRE_SIGNED_DECISIONS`: a decision takes effect only once its signed PDF is
    /// uploaded and verified (until then `awaiting_signature`).
    pub require_signed_decisions: bool,
}

fn document_settings(lookup: &impl Fn(&str) -> Option<String>) -> Result<DocumentSettings, SettingError> {
    let text = |name: &str, default: &str| {
        lookup(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).unwrap_or_else(|| default.to_string())
    };
    let trust_anchors_pem = match lookup("THIDUA_SIGNATURE_TRUST_ANCHORS").filter(|v| !v.trim().is_empty()) {
        None => None,
        Some(path) => Some(std::fs::read(path.trim()).map_err(|e| SettingError {
            name: "THIDUA_SIGNATURE_TRUST_ANCHORS",
            value: path.clone(),
            reason: format!("cannot read the file: {e}"),
        })?),
    };
    Ok(DocumentSettings {
        place: crate::domain::text::normalize(&text("THIDUA_DOCUMENT_PLACE", "Bắc Kạn")),
        issuing_body: crate::domain::text::normalize(&text(
            "THIDUA_DOCUMENT_ISSUING_BODY",
            "ỦY BAN NHÂN DÂN TỈNH BẮC KẠN",
        )),
        trust_anchors_pem,
        require_signed_decisions: parse(lookup, "THIDUA_REQUIRE_SIGNED_DECISIONS", false)?,
    })
}

pub use crate::domain::webhooks::WebhookSettings;

/// `host`, or `*.suffix`, lowercase, each label letters, digits and hyphens (or an IP literal).
fn allowed_hosts(lookup: &impl Fn(&str) -> Option<String>) -> Result<Vec<String>, SettingError> {
    let name = "THIDUA_WEBHOOK_ALLOWED_HOSTS";
    let Some(value) = lookup(name) else { return Ok(Vec::new()) };
    let mut hosts = Vec::new();
    for entry in value.split(',').map(|e| e.trim().to_ascii_lowercase()).filter(|e| !e.is_empty()) {
        let host = entry.strip_prefix("*.").unwrap_or(&entry);
        let label_ok =
            |l: &str| !l.is_empty() && l.len() <= 63 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        let ok = host.parse::<std::net::IpAddr>().is_ok() || (host.len() <= 253 && host.split('.').all(label_ok));
        if !ok {
            return Err(SettingError {
                name,
                value: value.clone(),
                reason: format!("{entry:?} is not a host name or *.suffix pattern"),
            });
        }
        hosts.push(entry);
    }
    Ok(hosts)
}

/// `THIDUA_WEBHOOK_ALLOWED_PORTS`: `*`, or port numbers separated by commas.
fn allowed_ports(lookup: &impl Fn(&str) -> Option<String>) -> Result<Option<Vec<u16>>, SettingError> {
    let name = "THIDUA_WEBHOOK_ALLOWED_PORTS";
    let Some(value) = lookup(name).filter(|v| !v.trim().is_empty()) else { return Ok(Some(vec![443, 8443])) };
    if value.trim() == "*" {
        return Ok(None);
    }
    value
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<u16>().ok().filter(|n| *n > 0).ok_or_else(|| SettingError {
                name,
                value: value.clone(),
                reason: format!("{p:?} is not a port number"),
            })
        })
        .collect::<Result<Vec<u16>, _>>()
        .map(Some)
}

#[derive(Clone, Debug)]
pub struct AuthSettings {
    /// `THIDUA_JWT_SECRET`: HS256 signing key (at least 32 bytes). Unset: a key generated once
    /// and kept in the database, shared by every instance on it.
    pub jwt_secret: Option<String>,
    /// `THIDUA_JWT_ISSUER` and `THIDUA_JWT_AUDIENCE`: the `iss` and `aud` claims issued and required.
    pub jwt_issuer: String,
    pub jwt_audience: String,
    /// `THIDUA_ACCESS_TOKEN_TTL_S`: lifetime of an access token.
    pub access_token_ttl_secs: i64,
    /// `THIDUA_REFRESH_TOKEN_TTL_S`: lifetime of a refresh token (each rotation issues a new one).
    pub refresh_token_ttl_secs: i64,
    /// `THIDUA_SESSION_MAX_AGE_S`: a session ends this long after sign-in, however often refreshed.
    pub session_max_age_secs: i64,
    /// `THIDUA_AUTH_CACHE_TTL_MS`: how long an instance trusts its cached view of a session
    /// (revoked? user active? token version?). Changes made through this instance apply at
    /// once; through another instance, within this time.
    pub session_cache_ttl: Duration,
    /// `THIDUA_ARGON2_MEMORY_KIB`, `THIDUA_ARGON2_ITERATIONS`, `THIDUA_ARGON2_LANES`: never
    /// below OWASP's argon2id minimum (19 MiB, 2, 1). Changing them upgrades hashes at login.
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub argon2_lanes: u32,
    /// `THIDUA_HASH_THREADS`: threads that hash passwords, apart from those serving requests.
    pub hash_threads: usize,
    /// `THIDUA_HASH_QUEUE`: logins waiting for a hashing thread before new ones get 503.
    pub hash_queue: usize,
    /// `THIDUA_LOGIN_MAX_FAILURES_PER_USER` / `_PER_CLIENT` within `THIDUA_LOGIN_WINDOW_S`.
    pub login_max_failures_per_user: i32,
    pub login_max_failures_per_client: i32,
    pub login_window_secs: i64,
    /// `THIDUA_LOGIN_SLOWDOWN_MS` / `THIDUA_LOGIN_SLOWDOWN_MAX_MS`: a username that has failed
    /// `login_max_failures_per_user` times in the window (from any addresses) answers after this
    /// delay, doubled with each further failure up to the maximum — slowed, never refused.
    pub login_slowdown_ms: u64,
    pub login_slowdown_max_ms: u64,
    /// `THIDUA_RATE_LIMIT_PER_MINUTE`: requests per client address per minute (0 = off).
    pub rate_limit_per_minute: u32,
    /// `THIDUA_TRUST_FORWARDED`: take the client address from the last `X-Forwarded-For` hop
    /// (only behind one proxy that appends it).
    pub trust_forwarded: bool,
}

/// The variables of an S3-compatible evidence store (object_store reads the same names).
pub const S3_SETTINGS: &[&str] = &[
    "AWS_ENDPOINT",
    "AWS_ENDPOINT_URL",
    "AWS_ALLOW_HTTP",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_VIRTUAL_HOSTED_STYLE_REQUEST",
];

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/thidua.db";

#[derive(Debug, thiserror::Error)]
#[error("invalid setting {name}={value:?}: {reason}")]
pub struct SettingError {
    pub name: &'static str,
    pub value: String,
    pub reason: String,
}

impl Settings {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, SettingError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so tests can supply their own environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SettingError> {
        let database_url =
            lookup("DATABASE_URL").filter(|v| !v.trim().is_empty()).unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string());
        let backend = Backend::from_url(&database_url).map_err(|reason| SettingError {
            name: "DATABASE_URL",
            value: database_url.clone(),
            reason,
        })?;
        let default_pool = match backend {
            Backend::Sqlite => 4,
            Backend::Postgres => 8,
        };
        let cpus = std::thread::available_parallelism().map(std::num::NonZero::get).unwrap_or(2);
        Ok(Settings {
            bind: parse(&lookup, "THIDUA_BIND", "127.0.0.1:8080".parse().unwrap())?,
            database_url,
            db_pool_size: parse_in(&lookup, "THIDUA_DB_POOL_SIZE", default_pool, 1..=256)?,
            db_pool_timeout: Duration::from_millis(parse_in(&lookup, "THIDUA_DB_POOL_TIMEOUT_MS", 3000, 50..=120_000)?),
            workers: parse_in(&lookup, "THIDUA_WORKERS", cpus, 1..=256)?,
            max_body_bytes: parse_in(&lookup, "THIDUA_MAX_BODY_BYTES", 1 << 20, 1024..=(64 << 20))?,
            shutdown_timeout_secs: parse_in(&lookup, "THIDUA_SHUTDOWN_TIMEOUT_S", 30, 0..=3600)?,
            evidence_store: lookup("THIDUA_EVIDENCE_STORE")
                .filter(|v| !v.trim().is_empty())
                .unwrap_or_else(|| "data/evidence".into()),
            evidence_s3: S3_SETTINGS
                .iter()
                .filter_map(|name| lookup(name).filter(|v| !v.is_empty()).map(|v| (*name, v)))
                .collect(),
            max_upload_bytes: parse_in(&lookup, "THIDUA_MAX_UPLOAD_BYTES", 10 << 20, 1024..=(512 << 20))?,
            report_grace_days: parse_in(&lookup, "THIDUA_REPORT_GRACE_DAYS", 30, 0..=3650)?,
            cors_origins: parse_origins(&lookup)?,
            idempotency_ttl_secs: parse_in(&lookup, "THIDUA_IDEMPOTENCY_TTL_S", 86_400, 60..=7 * 86_400)?,
            council_min_ballots: parse_in(
                &lookup,
                "THIDUA_COUNCIL_MIN_BALLOTS",
                3,
                crate::domain::council::MIN_BALLOTS_FLOOR..=100,
            )?,
            comment_max_per_address: parse_in(&lookup, "THIDUA_COMMENT_MAX_PER_ADDRESS", 10, 1..=100_000)?,
            comment_max_per_posting: parse_in(&lookup, "THIDUA_COMMENT_MAX_PER_POSTING", 500, 1..=1_000_000)?,
            comment_pow_bits: parse_in(&lookup, "THIDUA_COMMENT_POW_BITS", 0, 0..=32)?,
            ops: ops::read(&lookup)?,
            oidc: oidc::read(&lookup)?,
            documents: document_settings(&lookup)?,
            webhooks: WebhookSettings {
                allowed_hosts: allowed_hosts(&lookup)?,
                allow_private_targets: parse(&lookup, "THIDUA_WEBHOOK_ALLOW_PRIVATE_TARGETS", false)?,
                allow_http: parse(&lookup, "THIDUA_WEBHOOK_ALLOW_HTTP", false)?,
                allowed_ports: allowed_ports(&lookup)?,
                connect_timeout: Duration::from_millis(parse_in(
                    &lookup,
                    "THIDUA_WEBHOOK_CONNECT_TIMEOUT_MS",
                    5000,
                    100..=60_000,
                )?),
                timeout: Duration::from_millis(parse_in(&lookup, "THIDUA_WEBHOOK_TIMEOUT_MS", 10_000, 100..=120_000)?),
                max_attempts: parse_in(&lookup, "THIDUA_WEBHOOK_MAX_ATTEMPTS", 10, 1..=50)?,
                retry_base_ms: parse_in(&lookup, "THIDUA_WEBHOOK_RETRY_BASE_MS", 10_000, 0..=3_600_000)?,
                poll_interval: Duration::from_millis(parse_in(
                    &lookup,
                    "THIDUA_WEBHOOK_POLL_INTERVAL_MS",
                    1000,
                    50..=600_000,
                )?),
                batch_size: parse_in(&lookup, "THIDUA_WEBHOOK_BATCH_SIZE", 20, 1..=500)?,
                dispatch: parse(&lookup, "THIDUA_WEBHOOK_DISPATCH", true)?,
            },
            auth: AuthSettings {
                jwt_secret: match lookup("THIDUA_JWT_SECRET").filter(|v| !v.is_empty()) {
                    Some(secret) if secret.len() < 32 => {
                        return Err(SettingError {
                            name: "THIDUA_JWT_SECRET",
                            value: "(hidden)".into(),
                            reason: "must be at least 32 bytes".into(),
                        })
                    }
                    other => other,
                },
                jwt_issuer: lookup("THIDUA_JWT_ISSUER").unwrap_or_else(|| "thidua".into()),
                jwt_audience: lookup("THIDUA_JWT_AUDIENCE").unwrap_or_else(|| "thidua-api".into()),
                access_token_ttl_secs: parse_in(&lookup, "THIDUA_ACCESS_TOKEN_TTL_S", 600, 60..=3600)?,
                refresh_token_ttl_secs: parse_in(&lookup, "THIDUA_REFRESH_TOKEN_TTL_S", 30 * 86400, 600..=365 * 86400)?,
                session_max_age_secs: parse_in(&lookup, "THIDUA_SESSION_MAX_AGE_S", 90 * 86400, 3600..=365 * 86400)?,
                session_cache_ttl: Duration::from_millis(parse_in(
                    &lookup,
                    "THIDUA_AUTH_CACHE_TTL_MS",
                    1000,
                    0..=60_000,
                )?),
                argon2_memory_kib: parse_in(&lookup, "THIDUA_ARGON2_MEMORY_KIB", 19 * 1024, 19 * 1024..=1024 * 1024)?,
                argon2_iterations: parse_in(&lookup, "THIDUA_ARGON2_ITERATIONS", 2, 2..=32)?,
                argon2_lanes: parse_in(&lookup, "THIDUA_ARGON2_LANES", 1, 1..=16)?,
                hash_threads: parse_in(&lookup, "THIDUA_HASH_THREADS", (cpus / 2).max(1), 1..=64)?,
                hash_queue: parse_in(&lookup, "THIDUA_HASH_QUEUE", 64, 1..=10_000)?,
                login_max_failures_per_user: parse_in(&lookup, "THIDUA_LOGIN_MAX_FAILURES_PER_USER", 5, 1..=1_000_000)?,
                login_max_failures_per_client: parse_in(
                    &lookup,
                    "THIDUA_LOGIN_MAX_FAILURES_PER_CLIENT",
                    20,
                    1..=1_000_000,
                )?,
                login_window_secs: parse_in(&lookup, "THIDUA_LOGIN_WINDOW_S", 900, 10..=86_400)?,
                login_slowdown_ms: parse_in(&lookup, "THIDUA_LOGIN_SLOWDOWN_MS", 500, 0..=60_000)?,
                login_slowdown_max_ms: parse_in(&lookup, "THIDUA_LOGIN_SLOWDOWN_MAX_MS", 10_000, 0..=600_000)?,
                rate_limit_per_minute: parse_in(&lookup, "THIDUA_RATE_LIMIT_PER_MINUTE", 1200, 0..=1_000_000)?,
                trust_forwarded: parse(&lookup, "THIDUA_TRUST_FORWARDED", false)?,
            },
        })
    }
}

/// `THIDUA_CORS_ORIGINS`: each entry an exact origin, `scheme://host[:port]` in lowercase
/// with no path (what browsers send in `Origin`), or `*` alone. No credentials are ever allowed
/// (the API takes bearer tokens, not cookies), so `*` is safe to offer.
fn parse_origins(lookup: &impl Fn(&str) -> Option<String>) -> Result<Vec<String>, SettingError> {
    const NAME: &str = "THIDUA_CORS_ORIGINS";
    let Some(value) = lookup(NAME) else { return Ok(Vec::new()) };
    let fail = |reason: String| SettingError { name: NAME, value: value.clone(), reason };
    let origins: Vec<String> = value.split(',').map(str::trim).filter(|o| !o.is_empty()).map(str::to_owned).collect();
    if origins.iter().any(|o| o == "*") {
        return if origins.len() == 1 {
            Ok(origins)
        } else {
            Err(fail("`*` cannot be combined with other origins".into()))
        };
    }
    for origin in &origins {
        if !is_origin(origin) {
            return Err(fail(format!("{origin:?} is not an origin like https://thidua.example.vn (lowercase scheme and host, optional port, no path)")));
        }
    }
    Ok(origins)
}

fn is_origin(origin: &str) -> bool {
    let Some((scheme, rest)) = origin.split_once("://") else { return false };
    if scheme != "http" && scheme != "https" {
        return false;
    }
    let (host, port) = if rest.starts_with('[') {
        match rest.find(']') {
            Some(end) => match &rest[end + 1..] {
                "" => (&rest[..=end], None),
                tail => match tail.strip_prefix(':') {
                    Some(port) => (&rest[..=end], Some(port)),
                    None => return false,
                },
            },
            None => return false,
        }
    } else {
        match rest.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (rest, None),
        }
    };
    let host_ok = if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        v6.parse::<std::net::Ipv6Addr>().is_ok()
    } else {
        !host.is_empty()
            && host.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            })
    };
    let port_ok = port.is_none_or(|p| {
        !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok_and(|n| n > 0)
    });
    host_ok && port_ok
}

fn parse<T: std::str::FromStr>(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: T,
) -> Result<T, SettingError>
where
    T::Err: std::fmt::Display,
{
    match lookup(name) {
        None => Ok(default),
        Some(value) => {
            value.trim().parse().map_err(|e: T::Err| SettingError { name, value: value.clone(), reason: e.to_string() })
        }
    }
}

fn parse_in<T>(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: T,
    range: std::ops::RangeInclusive<T>,
) -> Result<T, SettingError>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
    T::Err: std::fmt::Display,
{
    let value = parse(lookup, name, default)?;
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(SettingError {
            name,
            value: value.to_string(),
            reason: format!("must be between {} and {}", range.start(), range.end()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, SettingError> {
        let map: std::collections::HashMap<String, String> =
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_to_embedded_sqlite_on_localhost() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.db_pool_size, 4);
    }

    #[test]
    fn cors_origins_are_exact_origins_or_any() {
        assert!(settings(&[]).unwrap().cors_origins.is_empty(), "off by default");
        let s = settings(&[(
            "THIDUA_CORS_ORIGINS",
            " https://thidua.example.vn, http://localhost:5173 ,http://[::1]:8080,http://[::1],",
        )])
        .unwrap();
        assert_eq!(
            s.cors_origins,
            ["https://thidua.example.vn", "http://localhost:5173", "http://[::1]:8080", "http://[::1]"]
        );
        assert_eq!(settings(&[("THIDUA_CORS_ORIGINS", "*")]).unwrap().cors_origins, ["*"]);
    }

    #[test]
    fn postgres_gets_a_larger_default_pool() {
        let s = settings(&[("DATABASE_URL", "postgres://localhost/thidua")]).unwrap();
        assert_eq!(s.db_pool_size, 8);
    }

    #[test]
    fn invalid_values_name_the_variable() {
        let err = settings(&[("THIDUA_DB_POOL_SIZE", "lots")]).unwrap_err();
        assert_eq!(err.name, "THIDUA_DB_POOL_SIZE");
        let err = settings(&[("THIDUA_DB_POOL_SIZE", "0")]).unwrap_err();
        assert!(err.reason.contains("between"), "{err}");
        let err = settings(&[("THIDUA_BIND", "localhost")]).unwrap_err();
        assert_eq!(err.name, "THIDUA_BIND");
        let err = settings(&[("DATABASE_URL", "mysql://x")]).unwrap_err();
        assert_eq!(err.name, "DATABASE_URL");
        let err = settings(&[("THIDUA_JWT_SECRET", "short")]).unwrap_err();
        assert_eq!(err.name, "THIDUA_JWT_SECRET");
        assert!(!err.to_string().contains("short"), "the secret is not echoed");
        for bad in [
            "thidua.example.vn",
            "https://thidua.example.vn/",
            "https://Thidua.vn",
            "ftp://x.vn",
            "*, https://a.vn",
            "https://a.vn:99999",
        ] {
            let err = settings(&[("THIDUA_CORS_ORIGINS", bad)]).unwrap_err();
            assert_eq!(err.name, "THIDUA_CORS_ORIGINS", "{bad}");
        }
        let err = settings(&[("THIDUA_ARGON2_MEMORY_KIB", "4096")]).unwrap_err();
        assert_eq!(err.name, "THIDUA_ARGON2_MEMORY_KIB", "below OWASP's minimum is refused");
        let err = settings(&[("THIDUA_WEBHOOK_ALLOWED_HOSTS", "hooks.example.vn, bad host")]).unwrap_err();
        assert_eq!(err.name, "THIDUA_WEBHOOK_ALLOWED_HOSTS");
        let err = settings(&[("THIDUA_WEBHOOK_TIMEOUT_MS", "0")]).unwrap_err();
        assert_eq!(err.name, "THIDUA_WEBHOOK_TIMEOUT_MS");
        let err = settings(&[("THIDUA_COUNCIL_MIN_BALLOTS", "2")]).unwrap_err();
        assert_eq!(err.name, "THIDUA_COUNCIL_MIN_BALLOTS", "a tally of two ballots shows both choices");
        let err = settings(&[("THIDUA_COMMENT_POW_BITS", "40")]).unwrap_err();
        assert_eq!(err.name, "THIDUA_COMMENT_POW_BITS");
    }

    #[test]
    fn webhook_hosts_are_lowercased_patterns() {
        let s = settings(&[("THIDUA_WEBHOOK_ALLOWED_HOSTS", " Hooks.Example.vn ,*.so.gov.vn,")]).unwrap();
        assert_eq!(s.webhooks.allowed_hosts, ["hooks.example.vn", "*.so.gov.vn"]);
        assert!(!s.webhooks.allow_private_targets && !s.webhooks.allow_http);
        assert_eq!(s.webhooks.allowed_ports, Some(vec![443, 8443]), "only the HTTPS ports by default");
        assert_eq!(settings(&[("THIDUA_WEBHOOK_ALLOWED_PORTS", "*")]).unwrap().webhooks.allowed_ports, None);
        assert_eq!(
            settings(&[("THIDUA_WEBHOOK_ALLOWED_PORTS", "443, 9443")]).unwrap().webhooks.allowed_ports,
            Some(vec![443, 9443])
        );
        assert_eq!(
            settings(&[("THIDUA_WEBHOOK_ALLOWED_PORTS", "443,ssh")]).unwrap_err().name,
            "THIDUA_WEBHOOK_ALLOWED_PORTS"
        );
    }
}
