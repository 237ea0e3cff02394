//! For operators: `GET /metrics` and who may read it, the public base URL behind a gateway,
//! JSON logs, and the metrics-only address (docs/operations.md).

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::json;

use crate::helpers::{Options, TestApp};

const METRICS_TOKEN: &str = "metrics-token-for-the-test-suite-0123456789";

fn with_metrics() -> Options {
    Options { configure: Some(|s| s.ops.metrics_token = Some(METRICS_TOKEN.into())), ..Default::default() }
}

fn behind_gateway() -> Options {
    Options {
        configure: Some(|s| s.ops.public_base_url = Some("https://lgsp.example.gov.vn/thidua".into())),
        ..Default::default()
    }
}

macro_rules! on_both_backends_with {
    ($options:ident: $($name:ident),+ $(,)?) => {$(
        mod $name {
            #[actix_web::test]
            async fn sqlite() {
                super::$name(crate::helpers::TestApp::sqlite(super::$options()).await).await
            }
            #[actix_web::test]
            async fn postgres() {
                if let Some(app) = crate::helpers::TestApp::postgres(super::$options()).await {
                    super::$name(app).await
                }
            }
        }
    )+};
}

on_both_backends_with!(with_metrics: metrics_need_their_token_and_name_routes_not_paths);
on_both_backends_with!(behind_gateway: locations_and_servers_use_the_public_base_url);
on_both_backends!(no_metrics_unless_configured);

fn metrics_request() -> TestRequest {
    TestRequest::get().uri("/metrics").insert_header(("authorization", format!("Bearer {METRICS_TOKEN}")))
}

/// The value of one sample line (`name{labels} value`), if present.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series).and_then(|rest| rest.strip_prefix(' ')).and_then(|v| v.parse().ok()))
}

async fn metrics_need_their_token_and_name_routes_not_paths(app: TestApp) {
    // A user's own access token is not the metrics token, and no token is no answer.
    app.send(TestRequest::get().uri("/metrics")).await.problem(401, "invalid_token");
    app.send_anonymous(TestRequest::get().uri("/metrics")).await.problem(401, "invalid_token");
    let wrong =
        app.send_anonymous(TestRequest::get().uri("/metrics").insert_header(("authorization", "Bearer nope"))).await;
    wrong.problem(401, "invalid_token");

    let (province, _, _) = app.small_tree().await;
    let id = province["id"].as_str().unwrap();
    for _ in 0..3 {
        assert_eq!(app.get(&format!("/api/v1/provinces/{id}")).await.status, StatusCode::OK);
    }
    app.get("/no-such-route").await.problem(404, "route_not_found");
    // An answer given before routing (the idempotency guard refusing a key) still names its route.
    let refused = app
        .send(
            TestRequest::post()
                .uri("/api/v1/provinces")
                .insert_header(("idempotency-key", "k".repeat(300)))
                .set_json(serde_json::json!({})),
        )
        .await;
    assert!(refused.status.is_client_error(), "{}", refused.text());
    let res = app.send_anonymous(metrics_request()).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert!(res.header("content-type").unwrap().starts_with("text/plain; version=0.0.4"));
    let text = res.text();
    // Requests are counted under their route template, so ids do not multiply the series.
    let series = r#"method="GET",route="/api/v1/provinces/{id}",status="200""#;
    assert!(sample(&text, &format!("thidua_http_requests_total{{{series}}}")).unwrap() >= 3.0, "{text}");
    assert!(!text.contains(id), "no path with an id in a label");
    assert!(sample(&text, &format!("thidua_http_request_duration_seconds_count{{{series}}}")).unwrap() >= 3.0);
    assert!(text.contains(&format!("thidua_http_request_duration_seconds_bucket{{{series},le=\"+Inf\"}}")));
    assert!(text.contains(r#"thidua_http_requests_total{method="GET",route="unmatched",status="404"}"#), "{text}");
    let refused_series = format!(r#"method="POST",route="/api/v1/provinces",status="{}""#, refused.status.as_u16());
    assert!(text.contains(&refused_series), "{refused_series} in {text}");
    // The pool, the hashing queue, the webhook deliveries and the journal.
    let in_use = sample(&text, r#"thidua_db_pool_connections{state="in_use"}"#).unwrap();
    let idle = sample(&text, r#"thidua_db_pool_connections{state="idle"}"#).unwrap();
    assert!(in_use + idle >= 1.0, "the pool keeps one connection open at least");
    assert!(sample(&text, "thidua_db_pool_max").unwrap() >= 1.0);
    assert!(sample(&text, "thidua_db_pool_waiting").is_some());
    assert_eq!(sample(&text, "thidua_hash_queue_depth"), Some(0.0));
    assert_eq!(sample(&text, "thidua_database_up"), Some(1.0));
    assert_eq!(sample(&text, r#"thidua_webhook_deliveries{status="pending"}"#), Some(0.0));
    assert_eq!(sample(&text, r#"thidua_webhook_deliveries{status="failed"}"#), Some(0.0));
    let head = sample(&text, "thidua_journal_head").unwrap();
    assert!(head >= 3.0, "three units were created: {head}");
    // Every sample line is `name{labels} number` or `name number`.
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (_, value) = line.rsplit_once(' ').unwrap();
        assert!(value.parse::<f64>().is_ok() || value == "+Inf", "{line}");
    }
}

async fn no_metrics_unless_configured(app: TestApp) {
    app.send_anonymous(TestRequest::get().uri("/metrics")).await.problem(404, "route_not_found");
    app.send_anonymous(metrics_request()).await.problem(404, "route_not_found");
}

async fn locations_and_servers_use_the_public_base_url(app: TestApp) {
    let province = app
        .send(
            TestRequest::post()
                .uri("/api/v1/provinces")
                .set_json(json!({"code": "98", "name": "Tỉnh Cổng", "type": "tinh"})),
        )
        .await;
    assert_eq!(province.status, StatusCode::CREATED, "{}", province.text());
    let id = province.json()["id"].as_str().unwrap().to_string();
    assert_eq!(
        province.header("location"),
        Some(format!("https://lgsp.example.gov.vn/thidua/api/v1/provinces/{id}").as_str())
    );
    let docs = app.get("/docs").await;
    assert_eq!(docs.header("location"), Some("https://lgsp.example.gov.vn/thidua/docs/"));
    let spec = app.get("/openapi.json").await.json();
    assert_eq!(spec["servers"], json!([{"url": "https://lgsp.example.gov.vn/thidua"}]));
}

/// A real process: the metrics address serves metrics and nothing else, the API's address no
/// metrics (no token set), log lines are JSON objects carrying the request id, and with an OTLP
/// endpoint the request's span reaches the collector with its request id.
mod process {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpListener;
    use std::process::{Command, Stdio};
    use std::sync::mpsc;
    use std::time::{Duration, Instant};

    /// Accepts OTLP/HTTP exports and hands their bodies over.
    fn fake_collector() -> (String, mpsc::Receiver<(String, Vec<u8>)>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(stream);
                let mut request_line = String::new();
                let _ = reader.read_line(&mut request_line);
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                let _ = reader.get_mut().write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                );
                let _ = tx.send((request_line, body));
            }
        });
        (endpoint, rx)
    }

    fn free_port() -> u16 {
        TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
    }

    /// `thidua serve` on SQLite in `dir`, JSON log lines on a piped stdout, plus `extra`.
    fn serve(dir: &std::path::Path, api: u16, extra: &[(&str, String)]) -> std::process::Child {
        Command::new(env!("CARGO_BIN_EXE_thidua"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", format!("sqlite://{}", dir.join("t.db").display()))
            .env("THIDUA_EVIDENCE_STORE", dir.join("evidence"))
            .env("THIDUA_BIND", format!("127.0.0.1:{api}"))
            .env("THIDUA_LOG_FORMAT", "json")
            .env("THIDUA_WEBHOOK_DISPATCH", "false")
            .env("RUST_LOG", "info")
            .envs(extra.iter().map(|(k, v)| (*k, v.as_str())))
            .arg("serve")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    }

    #[actix_web::test]
    async fn metrics_address_json_logs_and_traces() {
        let dir = tempfile::tempdir().unwrap();
        let (api, metrics) = (free_port(), free_port());
        let (collector, exports) = fake_collector();
        let mut child = serve(
            dir.path(),
            api,
            &[
                ("THIDUA_METRICS_BIND", format!("127.0.0.1:{metrics}")),
                ("OTEL_EXPORTER_OTLP_ENDPOINT", collector),
                ("OTEL_BSP_SCHEDULE_DELAY", "100".into()),
            ],
        );
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut ready = false;
        while !ready && Instant::now() < deadline {
            let res = client
                .get(format!("http://127.0.0.1:{api}/health/live"))
                .header("x-request-id", "trace-me-17")
                .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .send()
                .await;
            ready = res.is_ok_and(|r| r.status().is_success());
            if !ready {
                actix_web::rt::time::sleep(Duration::from_millis(100)).await;
            }
        }
        assert!(ready, "the service did not start");

        let scrape = client.get(format!("http://127.0.0.1:{metrics}/metrics")).send().await.unwrap();
        assert_eq!(scrape.status(), 200);
        let text = scrape.text().await.unwrap();
        assert!(
            text.contains(r#"thidua_http_requests_total{method="GET",route="/health/live",status="200"}"#),
            "{text}"
        );
        let other = client.get(format!("http://127.0.0.1:{metrics}/health/live")).send().await.unwrap();
        assert_eq!(other.status(), 404, "the metrics address serves only the metrics");
        let on_api = client.get(format!("http://127.0.0.1:{api}/metrics")).send().await.unwrap();
        assert_eq!(on_api.status(), 404, "without a token, not on the API's address");

        // The request's span is exported with its request id (protobuf keeps strings as bytes).
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut traced = false;
        while !traced && Instant::now() < deadline {
            if let Ok((request_line, body)) = exports.recv_timeout(Duration::from_millis(200)) {
                assert!(request_line.starts_with("POST /v1/traces "), "{request_line}");
                let contains = |needle: &[u8]| body.windows(needle.len()).any(|w| w == needle);
                // …in the caller's trace, as a child of the caller's span (`traceparent`).
                let trace_id = hex::decode("4bf92f3577b34da6a3ce929d0e0e4736").unwrap();
                let parent_span = hex::decode("00f067aa0ba902b7").unwrap();
                traced = contains(b"trace-me-17")
                    && contains(b"/health/live")
                    && contains(&trace_id)
                    && contains(&parent_span);
            }
        }
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        assert!(traced, "no span with the request id, in the caller's trace, reached the collector");

        let stdout = String::from_utf8_lossy(&out.stdout);
        let lines: Vec<serde_json::Value> =
            stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"))).collect();
        assert!(
            lines.iter().any(|l| l["request_id"] == "trace-me-17" && l["path"] == "/health/live" && l["status"] == 200),
            "{stdout}"
        );
    }

    /// The log is written by a thread of its own: a burst of requests followed at once by a
    /// graceful stop (SIGTERM) still leaves exactly one line per request on stdout, none lost
    /// in the queue and none written twice.
    #[actix_web::test]
    async fn every_request_of_a_burst_is_logged_once_before_the_process_ends() {
        let dir = tempfile::tempdir().unwrap();
        let api = free_port();
        let child = serve(dir.path(), api, &[("THIDUA_RATE_LIMIT_PER_MINUTE", "0".into())]);
        let client = reqwest::Client::new();
        let live = format!("http://127.0.0.1:{api}/health/live");
        let deadline = Instant::now() + Duration::from_secs(30);
        while !client.get(&live).send().await.is_ok_and(|r| r.status().is_success()) {
            assert!(Instant::now() < deadline, "the service did not start");
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }

        const BURST: usize = 400;
        let sent = (0..BURST).map(|i| {
            let request = client.get(&live).header("x-request-id", format!("burst-{i}")).send();
            async move { request.await.map(|r| r.status().as_u16()) }
        });
        let statuses = futures_util::future::join_all(sent).await;
        assert!(statuses.iter().all(|s| matches!(s, Ok(200))), "{statuses:?}");
        let stopped = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
        assert!(stopped.success());
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{:?}", out.status);

        let stdout = String::from_utf8_lossy(&out.stdout);
        let mut logged = std::collections::HashMap::<String, usize>::new();
        for line in stdout.lines() {
            let entry: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
            if let Some(id) = entry["request_id"].as_str().filter(|id| id.starts_with("burst-")) {
                *logged.entry(id.to_owned()).or_default() += 1;
            }
        }
        let missing: Vec<usize> = (0..BURST).filter(|i| !logged.contains_key(&format!("burst-{i}"))).collect();
        assert!(
            missing.is_empty(),
            "no log line for {} requests, e.g. {:?}",
            missing.len(),
            &missing[..missing.len().min(5)]
        );
        assert!(logged.values().all(|&n| n == 1), "a request logged twice");
    }
}
