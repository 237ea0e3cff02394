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
