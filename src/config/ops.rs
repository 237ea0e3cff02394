//! Settings for operators: metrics, logs and traces, and the public address behind a gateway
//! (docs/operations.md).

use std::net::SocketAddr;

use super::{parse, SettingError};

#[derive(Clone, Debug, Default)]
pub struct OpsSettings {
    /// `THIDUA_METRICS_TOKEN`: serves `GET /metrics` on the API's own address to callers that
    /// send `Authorization: Bearer <token>` (at least 32 characters).
    pub metrics_token: Option<String>,
    /// `THIDUA_METRICS_BIND`: serves `GET /metrics` (and only it) on this second address, for
    /// a Prometheus on the internal network; the token is required there too when it is set.
    /// Neither set: no metrics are served.
    pub metrics_bind: Option<SocketAddr>,
    /// `THIDUA_PUBLIC_BASE_URL`: the address clients reach this service at (behind a gateway,
    /// e.g. `https://lgsp.example.gov.vn/thidua`): `Location` headers, links and the served
    /// OpenAPI document's `servers` use it. Unset: paths relative to the host asked.
    pub public_base_url: Option<String>,
    /// `THIDUA_LOG_FORMAT`: `text` (default) or `json` (one JSON object a line).
    pub log_json: bool,
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`): where to send
    /// traces over OTLP (HTTP/protobuf). Unset: no traces are made.
    pub otlp_endpoint: Option<String>,
}

pub(super) fn read(lookup: &impl Fn(&str) -> Option<String>) -> Result<OpsSettings, SettingError> {
    let set = |name: &str| lookup(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let metrics_token = set("THIDUA_METRICS_TOKEN");
    if metrics_token.as_ref().is_some_and(|t| t.len() < 32) {
        return Err(SettingError {
            name: "THIDUA_METRICS_TOKEN",
            value: "(hidden)".into(),
            reason: "must be at least 32 characters".into(),
        });
    }
    let metrics_bind = match set("THIDUA_METRICS_BIND") {
        None => None,
        Some(_) => Some(parse(lookup, "THIDUA_METRICS_BIND", "127.0.0.1:9090".parse().expect("an address"))?),
    };
    let log_json = match set("THIDUA_LOG_FORMAT").as_deref() {
        None | Some("text") => false,
        Some("json") => true,
        Some(other) => {
            return Err(SettingError {
                name: "THIDUA_LOG_FORMAT",
                value: other.into(),
                reason: "must be `text` or `json`".into(),
            })
        }
    };
    Ok(OpsSettings {
        metrics_token,
        metrics_bind,
        public_base_url: public_base_url(set("THIDUA_PUBLIC_BASE_URL"))?,
        log_json,
        otlp_endpoint: set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").or_else(|| set("OTEL_EXPORTER_OTLP_ENDPOINT")),
    })
}

/// An absolute `http(s)` URL with no query or fragment; kept without its final `/` so that
/// `base + "/api/v1/..."` is the public URL of a path.
fn public_base_url(value: Option<String>) -> Result<Option<String>, SettingError> {
    let Some(value) = value else { return Ok(None) };
    let fail =
        |reason: &str| SettingError { name: "THIDUA_PUBLIC_BASE_URL", value: value.clone(), reason: reason.into() };
    let url = url::Url::parse(&value).map_err(|e| fail(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(fail("must be an http:// or https:// URL with a host"));
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(fail("must have no query, fragment or credentials"));
    }
    Ok(Some(url.as_str().trim_end_matches('/').to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(pairs: &[(&str, &str)]) -> Result<OpsSettings, SettingError> {
        let map: std::collections::HashMap<&str, &str> = pairs.iter().copied().collect();
        read(&|k| map.get(k).map(|v| (*v).to_string()))
    }

    #[test]
    fn everything_is_off_by_default() {
        let s = ops(&[]).unwrap();
        assert!(s.metrics_token.is_none() && s.metrics_bind.is_none() && s.public_base_url.is_none());
        assert!(!s.log_json && s.otlp_endpoint.is_none());
    }

    #[test]
    fn values_are_checked() {
        assert_eq!(ops(&[("THIDUA_METRICS_TOKEN", "short")]).unwrap_err().name, "THIDUA_METRICS_TOKEN");
        assert_eq!(ops(&[("THIDUA_METRICS_BIND", "9090")]).unwrap_err().name, "THIDUA_METRICS_BIND");
        assert_eq!(ops(&[("THIDUA_LOG_FORMAT", "xml")]).unwrap_err().name, "THIDUA_LOG_FORMAT");
        assert!(ops(&[("THIDUA_LOG_FORMAT", "json")]).unwrap().log_json);
        for bad in ["lgsp.example.vn", "ftp://a.vn", "https://a.vn/x?y=1", "https://u:p@a.vn"] {
            assert_eq!(ops(&[("THIDUA_PUBLIC_BASE_URL", bad)]).unwrap_err().name, "THIDUA_PUBLIC_BASE_URL", "{bad}");
        }
        let s = ops(&[("THIDUA_PUBLIC_BASE_URL", "https://lgsp.example.vn/thidua/")]).unwrap();
        assert_eq!(s.public_base_url.as_deref(), Some("https://lgsp.example.vn/thidua"));
        let s = ops(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")]).unwrap();
        assert_eq!(s.otlp_endpoint.as_deref(), Some("http://collector:4318"));
    }
}
