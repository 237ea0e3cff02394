//! Webhook rules: which URLs a subscription may target (SSRF protection), which events it
//! takes, how deliveries are signed, and when a failed one is retried.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::ErrorCode;

text_enum! {
    /// Where a webhook delivery is (`webhook_deliveries.status`).
    pub enum DeliveryStatus {
        /// To be tried, or retried at its next attempt time.
        Pending = "pending" => "Đang chờ gửi",
        /// The receiver took it.
        Delivered = "delivered" => "Đã gửi",
        /// Given up after the last attempt.
        Failed = "failed" => "Gửi không thành công",
    }
}

/// Outgoing webhooks (docs/webhooks.md), as `config` reads them from the environment.
#[derive(Clone, Debug)]
pub struct WebhookSettings {
    /// `THIDUA_WEBHOOK_ALLOWED_HOSTS`: comma-separated host names or `*.suffix` patterns a
    /// subscription may point at; empty: any public host.
    pub allowed_hosts: Vec<String>,
    /// `THIDUA_WEBHOOK_ALLOW_PRIVATE_TARGETS`: also loopback, private, link-local… addresses
    /// (tests and closed networks only).
    pub allow_private_targets: bool,
    /// `THIDUA_WEBHOOK_ALLOW_HTTP`: accept `http://` URLs, not only `https://`.
    pub allow_http: bool,
    /// `THIDUA_WEBHOOK_ALLOWED_PORTS`: the ports a webhook URL may name, comma-separated
    /// (default `443,8443`), or `*` for any (`None`). Other ports, with the delivery log, would
    /// let a subscriber probe which ports of a host are open.
    pub allowed_ports: Option<Vec<u16>>,
    /// `THIDUA_WEBHOOK_CONNECT_TIMEOUT_MS` and `THIDUA_WEBHOOK_TIMEOUT_MS` (whole request).
    pub connect_timeout: Duration,
    pub timeout: Duration,
    /// `THIDUA_WEBHOOK_MAX_ATTEMPTS`: attempts before a delivery is given up.
    pub max_attempts: i32,
    /// `THIDUA_WEBHOOK_RETRY_BASE_MS`: the first retry delay; later ones grow from it.
    pub retry_base_ms: u64,
    /// `THIDUA_WEBHOOK_POLL_INTERVAL_MS`: how often an instance looks for due deliveries.
    pub poll_interval: Duration,
    /// `THIDUA_WEBHOOK_BATCH_SIZE`: deliveries an instance claims and sends at once.
    pub batch_size: i64,
    /// `THIDUA_WEBHOOK_DISPATCH`: whether `serve` runs the dispatcher on this instance.
    pub dispatch: bool,
}

/// A filter on event types: exact (`campaign.launched`) or a kind's every event (`campaign.*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypePattern {
    Exact(String),
    Kind(String),
}

pub const MAX_URL_CHARS: usize = 2000;
pub const MAX_EVENT_TYPES: usize = 50;

/// One event-type filter as the feed's `types` takes it: `campaign.launched` or `campaign.*`.
pub fn parse_type_pattern(s: &str) -> Option<TypePattern> {
    let well_formed =
        |s: &str| !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    match s.split_once('.') {
        Some((kind, "*")) if well_formed(kind) => Some(TypePattern::Kind(kind.to_string())),
        Some((kind, verb)) if well_formed(kind) && well_formed(verb) => Some(TypePattern::Exact(s.to_string())),
        _ => None,
    }
}

/// Whether an event passes a subscription's filters (none: every event).
pub fn matches(patterns: &[TypePattern], action: &str, record_kind: &str) -> bool {
    patterns.is_empty()
        || patterns.iter().any(|p| match p {
            TypePattern::Exact(a) => a == action,
            TypePattern::Kind(k) => k == record_kind,
        })
}

/// Filters as stored: comma-separated (the grammar has no commas).
pub fn stored_patterns(stored: &str) -> Vec<TypePattern> {
    stored.split(',').filter(|s| !s.is_empty()).filter_map(parse_type_pattern).collect()
}

/// Why a URL is refused, as a field error code and message.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    pub code: ErrorCode,
    pub message: String,
}

fn refuse(code: ErrorCode, message: impl Into<String>) -> Refusal {
    Refusal { code, message: message.into() }
}

/// A URL that passed the checks that need no DNS.
#[derive(Debug, Clone)]
pub struct Target {
    pub url: url::Url,
    /// Lowercase host name, or the IP literal's text.
    pub host: String,
    /// Set when the host is an IP literal (nothing to resolve).
    pub ip: Option<IpAddr>,
    pub port: u16,
}

/// Scheme, credentials, host allow-list, and IP literals; names are checked again after
/// resolution (`address_allowed`) at subscription and at delivery time.
pub fn check_url(raw: &str, settings: &WebhookSettings) -> Result<Target, Refusal> {
    if raw.chars().count() > MAX_URL_CHARS {
        return Err(refuse(ErrorCode::TooLong, format!("must be at most {MAX_URL_CHARS} characters")));
    }
    let url = url::Url::parse(raw.trim()).map_err(|_| refuse(ErrorCode::InvalidUrl, "is not an absolute URL"))?;
    match url.scheme() {
        "https" => {}
        "http" if settings.allow_http => {}
        "http" => return Err(refuse(ErrorCode::InsecureScheme, "must be an https:// URL")),
        _ => return Err(refuse(ErrorCode::InvalidScheme, "must be an https:// URL")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse(ErrorCode::CredentialsInUrl, "must not carry a user name or password"));
    }
    let (host, ip) = match url.host() {
        Some(url::Host::Domain(d)) => (d.trim_end_matches('.').to_ascii_lowercase(), None),
        Some(url::Host::Ipv4(v4)) => (v4.to_string(), Some(IpAddr::V4(v4))),
        Some(url::Host::Ipv6(v6)) => (v6.to_string(), Some(IpAddr::V6(v6))),
        None => return Err(refuse(ErrorCode::InvalidUrl, "has no host")),
    };
    if !host_allowed(&host, &settings.allowed_hosts) {
        return Err(refuse(ErrorCode::HostNotAllowed, "the host is not on the service's webhook allow-list"));
    }
    if let Some(ip) = ip {
        if !address_allowed(ip, settings.allow_private_targets) {
            return Err(refuse(
                ErrorCode::PrivateAddress,
                "must not point at a loopback, private, link-local or otherwise internal address",
            ));
        }
    } else if !settings.allow_private_targets && (host == "localhost" || host.ends_with(".localhost")) {
        return Err(refuse(
            ErrorCode::PrivateAddress,
            "must not point at a loopback, private, link-local or otherwise internal address",
        ));
    }
    let port = url.port_or_known_default().unwrap_or(443);
    if settings.allowed_ports.as_ref().is_some_and(|ports| !ports.contains(&port)) {
        return Err(refuse(
            ErrorCode::PortNotAllowed,
            "must use port 443 or 8443 (or another port the service allows)",
        ));
    }
    Ok(Target { url, host, ip, port })
}

/// Exact names, or `*.suffix` for any name under the suffix (not the suffix itself); an empty
/// list allows every host.
pub fn host_allowed(host: &str, patterns: &[String]) -> bool {
    patterns.is_empty()
        || patterns.iter().any(|p| match p.strip_prefix("*.") {
            Some(suffix) => {
                host.len() > suffix.len() + 1
                    && host.ends_with(suffix)
                    && host.as_bytes()[host.len() - suffix.len() - 1] == b'.'
            }
            None => p == host,
        })
}

/// Whether a delivery may connect to `ip`: public unicast only, unless private targets are allowed.
pub fn address_allowed(ip: IpAddr, allow_private: bool) -> bool {
    allow_private || is_public(ip)
}

fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            // Forms that carry an IPv4 address reach that address: judge it instead.
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let s = v6.segments();
            let embedded = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
            if s[..6] == [0, 0, 0, 0, 0, 0] && !v6.is_loopback() && !v6.is_unspecified() {
                return is_public_v4(embedded); // IPv4-compatible (deprecated)
            }
            if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                return is_public_v4(embedded); // NAT64
            }
            if s[0] == 0x2002 {
                // 6to4 carries its IPv4 address in the next 32 bits.
                return is_public_v4(Ipv4Addr::new((s[1] >> 8) as u8, s[1] as u8, (s[2] >> 8) as u8, s[2] as u8));
            }
            if (s[0] == 0x2001 && s[1] == 0) || (s[0] == 0x64 && s[1] == 0xff9b && s[2] == 1) {
                return false; // Teredo 2001::/32 and local-use NAT64 64:ff9b:1::/48: tunnels to who knows where
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated) fec0::/10
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || (s[0] == 0x0100 && s[1..4] == [0, 0, 0])) // discard-only 100::/64
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local() // 169.254/16, the cloud metadata address among them
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || o[0] == 0 // "this network" 0/8
        || (o[0] == 100 && (o[1] & 0xc0) == 64) // CGNAT 100.64/10
        || (o[0] == 192 && o[1] == 0 && o[2] == 0) // IETF protocol assignments 192.0.0/24
        || (o[0] == 198 && (o[1] & 0xfe) == 18) // benchmarking 198.18/15
        || o[0] >= 240) // reserved 240/4
}

/// A new secret: `whsec_` and 32 random bytes in hex. The whole string is the HMAC key.
pub fn new_secret() -> String {
    format!("whsec_{}", crate::domain::random_token())
}

/// The `Thidua-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
pub fn signature_header(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("t={timestamp},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// The delay after the `failed_attempts`-th failure: the base (10 s by default), then ×3, ×12,
/// ×60, ×360 (10 s, 30 s, 2 min, 10 min, 1 h, 6 h, 12 h, 24 h, 24 h…), each spread by up to
/// ±20 % (`jitter` in [-1, 1]) so that receivers coming back are not hit all at once.
pub fn retry_delay(failed_attempts: i32, base_ms: u64, jitter: f64) -> Duration {
    const FACTORS: [u64; 8] = [1, 3, 12, 60, 360, 2160, 4320, 8640];
    let factor = FACTORS[(failed_attempts.max(1) as usize - 1).min(FACTORS.len() - 1)];
    let ms = base_ms.saturating_mul(factor) as f64 * (1.0 + 0.2 * jitter.clamp(-1.0, 1.0));
    Duration::from_millis(ms.max(0.0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(hosts: &[&str], private: bool, http: bool) -> WebhookSettings {
        let mut s = crate::config::Settings::from_lookup(|_| None).unwrap().webhooks;
        s.allowed_hosts = hosts.iter().map(std::string::ToString::to_string).collect();
        s.allow_private_targets = private;
        s.allow_http = http;
        if private {
            s.allowed_ports = None;
        }
        s
    }

    #[test]
    fn internal_addresses_are_refused_in_every_form() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::a00:1",
            "2002:a9fe:a9fe::1",
            "2002:7f00:1::",
            "2001:0:4136:e378::1",
            "64:ff9b:1::1",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert!(!address_allowed(ip, false), "{ip} must be refused");
            assert!(address_allowed(ip, true), "{ip} is allowed when private targets are");
        }
        for ip in ["1.1.1.1", "203.113.0.10", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8", "2002:808:808::1"] {
            assert!(address_allowed(ip.parse().unwrap(), false), "{ip} is public");
        }
    }

    #[test]
    fn urls_need_https_an_allowed_host_and_no_credentials() {
        let s = settings(&[], false, false);
        assert!(check_url("https://hooks.example.vn/thidua", &s).is_ok());
        assert_eq!(check_url("http://hooks.example.vn/", &s).unwrap_err().code, "insecure_scheme");
        assert_eq!(check_url("ftp://hooks.example.vn/", &s).unwrap_err().code, "invalid_scheme");
        assert_eq!(check_url("https://u:p@hooks.example.vn/", &s).unwrap_err().code, "credentials_in_url");
        assert_eq!(check_url("https://127.0.0.1/", &s).unwrap_err().code, "private_address");
        assert_eq!(check_url("https://[::ffff:a9fe:a9fe]/", &s).unwrap_err().code, "private_address");
        assert_eq!(check_url("https://localhost:8443/", &s).unwrap_err().code, "private_address");
        assert_eq!(check_url("not a url", &s).unwrap_err().code, "invalid_url");
        assert!(check_url("https://hooks.example.vn:8443/x", &s).is_ok());
        assert_eq!(check_url("https://hooks.example.vn:22/x", &s).unwrap_err().code, "port_not_allowed");
        assert_eq!(check_url("https://hooks.example.vn:6379/x", &s).unwrap_err().code, "port_not_allowed");
        assert!(check_url("http://127.0.0.1:9/", &settings(&[], true, true)).is_ok());
        let listed = settings(&["hooks.example.vn", "*.so.gov.vn"], false, false);
        assert!(check_url("https://HOOKS.example.vn/x", &listed).is_ok());
        assert!(check_url("https://stc.so.gov.vn/x", &listed).is_ok());
        assert_eq!(check_url("https://so.gov.vn/x", &listed).unwrap_err().code, "host_not_allowed");
        assert_eq!(check_url("https://evilso.gov.vn/x", &listed).unwrap_err().code, "host_not_allowed");
        assert_eq!(check_url("https://other.example.vn/x", &listed).unwrap_err().code, "host_not_allowed");
    }

    #[test]
    fn patterns_follow_the_feed_grammar() {
        assert_eq!(parse_type_pattern("cluster.*"), Some(TypePattern::Kind("cluster".into())));
        assert_eq!(parse_type_pattern("cluster.created"), Some(TypePattern::Exact("cluster.created".into())));
        assert_eq!(parse_type_pattern("Cluster"), None);
        assert_eq!(parse_type_pattern("*"), None);
        let p = stored_patterns("cluster.*,campaign.launched");
        assert!(matches(&p, "cluster.updated", "cluster"));
        assert!(matches(&p, "campaign.launched", "campaign"));
        assert!(!matches(&p, "campaign.created", "campaign"));
        assert!(matches(&[], "anything.at_all", "anything"));
    }

    #[test]
    fn signatures_are_hmac_sha256_of_time_dot_body() {
        // Computed independently with Python's hmac module (the docs' recipe):
        // hmac.new(b"whsec_test", b"1700000000.{}", "sha256").hexdigest()
        assert_eq!(
            signature_header("whsec_test", 1_700_000_000, b"{}"),
            "t=1700000000,v1=35495024f4ef3f94e5a93e22221544c4b75e9a42300cd965ab81cb85cd994e91"
        );
    }

    #[test]
    fn retries_back_off_and_spread() {
        assert_eq!(retry_delay(1, 10_000, 0.0), Duration::from_secs(10));
        assert_eq!(retry_delay(2, 10_000, 0.0), Duration::from_secs(30));
        assert_eq!(retry_delay(5, 10_000, 0.0), Duration::from_secs(3600));
        assert_eq!(retry_delay(40, 10_000, 0.0), Duration::from_secs(86_400));
        assert_eq!(retry_delay(1, 10_000, 1.0), Duration::from_secs(12));
        assert_eq!(retry_delay(1, 10_000, -1.0), Duration::from_secs(8));
        assert_eq!(retry_delay(3, 0, 0.5), Duration::ZERO);
    }
}
