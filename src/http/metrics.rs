//! Request metrics for `GET /metrics` (Prometheus text format): a count and a latency histogram
//! per method, route template and status. Process-wide, like the process they describe: one
//! lock taken once per request, no allocation once a series exists.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{LazyLock, Mutex};
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::Error;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

#[derive(Default)]
struct Series {
    /// Requests at or under each bound (not cumulative here; summed when rendered).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum_seconds: f64,
}

type Key = (&'static str, String, u16);

static REQUESTS: LazyLock<Mutex<BTreeMap<Key, Series>>> = LazyLock::new(Mutex::default);

/// Times each request and counts it under its route template (`/api/v1/campaigns/{id}`), never
/// its path, so ids do not multiply the series; requests no route matched share `unmatched`.
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let method = method_label(req.method());
    let started = Instant::now();
    let result = next.call(req).await;
    let seconds = started.elapsed().as_secs_f64();
    let (route, status) = match &result {
        Ok(res) => (crate::http::register::route_of(res.request()), res.status().as_u16()),
        Err(e) => (None, e.as_response_error().status_code().as_u16()),
    };
    observe(method, route.unwrap_or_else(|| "unmatched".into()), status, seconds);
    result
}

fn method_label(method: &actix_web::http::Method) -> &'static str {
    use actix_web::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

fn observe(method: &'static str, route: String, status: u16, seconds: f64) {
    let Ok(mut requests) = REQUESTS.lock() else { return };
    let series = requests.entry((method, route, status)).or_default();
    series.count += 1;
    series.sum_seconds += seconds;
    if let Some(i) = BUCKETS.iter().position(|bound| seconds <= *bound) {
        series.buckets[i] += 1;
    }
}

/// Appends the request series in the Prometheus text exposition format (version 0.0.4).
pub fn render_requests(out: &mut String) {
    let Ok(requests) = REQUESTS.lock() else { return };
    out.push_str("# HELP thidua_http_requests_total HTTP requests answered, by method, route template and status.\n");
    out.push_str("# TYPE thidua_http_requests_total counter\n");
    for ((method, route, status), series) in requests.iter() {
        let labels = labels(method, route, *status);
        let _ = writeln!(out, "thidua_http_requests_total{{{labels}}} {}", series.count);
    }
    out.push_str("# HELP thidua_http_request_duration_seconds Time to answer, by method, route template and status.\n");
    out.push_str("# TYPE thidua_http_request_duration_seconds histogram\n");
    for ((method, route, status), series) in requests.iter() {
        let labels = labels(method, route, *status);
        let mut cumulative = 0;
        for (bound, n) in BUCKETS.iter().zip(series.buckets) {
            cumulative += n;
            let _ =
                writeln!(out, "thidua_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}");
        }
        let _ = writeln!(out, "thidua_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}", series.count);
        let _ = writeln!(out, "thidua_http_request_duration_seconds_sum{{{labels}}} {}", series.sum_seconds);
        let _ = writeln!(out, "thidua_http_request_duration_seconds_count{{{labels}}} {}", series.count);
    }
}

fn labels(method: &str, route: &str, status: u16) -> String {
    format!("method=\"{method}\",route=\"{}\",status=\"{status}\"", escape(route))
}

/// A label value as the exposition format wants it: `\`, `"` and newlines escaped.
pub fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// One gauge with its help and type lines.
pub fn gauge(out: &mut String, name: &str, help: &str, samples: &[(&str, f64)]) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
    for (labels, value) in samples {
        if labels.is_empty() {
            let _ = writeln!(out, "{name} {value}");
        } else {
            let _ = writeln!(out, "{name}{{{labels}}} {value}");
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_histogram_is_cumulative_and_ends_with_its_count() {
        super::observe("GET", "/test/{id}".into(), 200, 0.003);
        super::observe("GET", "/test/{id}".into(), 200, 20.0);
        let mut out = String::new();
        super::render_requests(&mut out);
        let series = "method=\"GET\",route=\"/test/{id}\",status=\"200\"";
        assert!(out.contains(&format!("thidua_http_requests_total{{{series}}} 2\n")), "{out}");
        assert!(out.contains(&format!("_bucket{{{series},le=\"0.001\"}} 0\n")), "{out}");
        assert!(out.contains(&format!("_bucket{{{series},le=\"0.005\"}} 1\n")), "{out}");
        assert!(out.contains(&format!("_bucket{{{series},le=\"10\"}} 1\n")), "{out}");
        assert!(out.contains(&format!("_bucket{{{series},le=\"+Inf\"}} 2\n")), "{out}");
        assert_eq!(super::escape("a\"b\\c\n"), "a\\\"b\\\\c\\n");
    }
}
