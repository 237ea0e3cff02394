//! Idempotency-Key on POST: a retry replays the first answer and creates nothing; a key is the
//! caller's own; a different body or a request still in flight is refused; failures are not
//! stored.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use actix_web::{web, App, HttpResponse};
use chrono::TimeDelta;
use serde_json::{json, Value};
use thidua::models::idempotency::{self, KeyId, Reservation};

use crate::achievements::day;
use crate::helpers::{Response, TestApp};

on_both_backends!(
    retries_replay_the_first_answer,
    a_key_in_flight_is_refused_until_released,
    server_errors_are_not_stored,
    uploads_are_read_once_and_replayed,
);

fn campaign(title: &str) -> Value {
    json!({
        "title": title, "kind": "thuong_xuyen", "launching_authority": "Chủ tịch UBND tỉnh",
        "start_date": day(-10), "end_date": day(60), "participation": "all_communes",
    })
}

async fn post_keyed(app: &TestApp, token: &str, key: &str, body: &Value) -> Response {
    app.send_as(token, TestRequest::post().uri("/api/v1/campaigns").insert_header(("idempotency-key", key)).set_json(body)).await
}

async fn campaign_count(app: &TestApp) -> usize {
    app.get("/api/v1/campaigns?limit=100").await.json()["items"].as_array().unwrap().len()
}

async fn retries_replay_the_first_answer(app: TestApp) {
    let admin = app.admin_token.clone();
    let body = campaign("Phong trào thi đua “Chuyển đổi số”");
    let first = post_keyed(&app, &admin, "khoa-1", &body).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    assert_eq!(first.header("idempotent-replayed"), None);
    let retry = post_keyed(&app, &admin, "\"khoa-1\"", &body).await;
    assert_eq!(retry.status, StatusCode::CREATED, "{}", retry.text());
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    assert_eq!(retry.body, first.body);
    for header in ["location", "etag", "content-type"] {
        assert_eq!(retry.header(header), first.header(header), "{header}");
    }
    assert_eq!(campaign_count(&app).await, 1, "the retry created nothing");

    // The same key with another request is refused.
    post_keyed(&app, &admin, "khoa-1", &campaign("Một phong trào khác")).await.problem(422, "idempotency_key_reused");

    // Keys are the caller's own: another admin's identical request is a request of its own.
    let (_, other) = app.user("quan.tri.2", &["admin"], None).await;
    let res = post_keyed(&app, &other, "khoa-1", &body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    assert_eq!(res.header("idempotent-replayed"), None);
    assert_ne!(res.json()["id"], first.json()["id"]);
    assert_eq!(campaign_count(&app).await, 2);

    // A 4xx is the answer too, and is replayed.
    let bad = json!({"title": ""});
    let res = post_keyed(&app, &admin, "khoa-2", &bad).await;
    res.problem(422, "invalid_body");
    let res = post_keyed(&app, &admin, "khoa-2", &bad).await;
    res.problem(422, "invalid_body");
    assert_eq!(res.header("idempotent-replayed"), Some("true"));

    // Malformed keys are refused before anything runs.
    post_keyed(&app, &admin, &"k".repeat(256), &body).await.problem(400, "invalid_idempotency_key");
    assert_eq!(campaign_count(&app).await, 2);
    // Sign-in is not keyed: a retried login signs in again.
    for _ in 0..2 {
        let req = TestRequest::post()
            .uri("/api/v1/auth/login")
            .insert_header(("idempotency-key", "dang-nhap"))
            .set_json(json!({"username": "admin", "password": crate::helpers::PASSWORD}));
        let res = app.send_anonymous(req).await;
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(res.header("idempotent-replayed"), None);
    }
}

/// Deterministic stand-in for a concurrent request: the first request's reservation is made
/// with the same model call the middleware makes before it runs a handler, then left in flight.
async fn a_key_in_flight_is_refused_until_released(app: TestApp) {
    let admin_id = app.get("/api/v1/auth/me").await.json()["id"].as_str().unwrap().to_string();
    let body = campaign("Thi đua “Dân vận khéo”");
    let id = KeyId { caller: format!("user:{admin_id}"), method: "POST".into(), path: "/api/v1/campaigns".into(), key: "dang-chay".into() };
    let fingerprint = thidua::http::idempotency::fingerprint("", &serde_json::to_vec(&body).unwrap());
    let mut conn = app.connection();
    let reserved = idempotency::reserve(&mut conn, &id, &fingerprint, TimeDelta::hours(24), TimeDelta::minutes(5)).unwrap();
    assert_eq!(reserved, Reservation::Reserved);
    // A second reservation (another instance racing) does not get it either.
    assert_eq!(idempotency::reserve(&mut conn, &id, &fingerprint, TimeDelta::hours(24), TimeDelta::minutes(5)).unwrap(), Reservation::InProgress);

    let res = post_keyed(&app, &app.admin_token, "dang-chay", &body).await;
    res.problem(409, "idempotency_key_in_progress");
    assert_eq!(campaign_count(&app).await, 0);

    idempotency::release(&mut conn, &id).unwrap();
    let res = post_keyed(&app, &app.admin_token, "dang-chay", &body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    assert_eq!(campaign_count(&app).await, 1);
}

/// A handler that fails once (503), then succeeds, behind the same middleware and database.
async fn server_errors_are_not_stored(app: TestApp) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let service = actix_web::test::init_service(
        App::new().app_data(app.state.clone()).service(
            web::scope("/api/v1").wrap(actix_web::middleware::from_fn(thidua::http::idempotency::guard)).route(
                "/flaky",
                web::post().to(move || {
                    let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
                    async move {
                        if n == 1 {
                            HttpResponse::ServiceUnavailable().body("down")
                        } else {
                            HttpResponse::Created().insert_header(("location", format!("/api/v1/flaky/{n}"))).json(json!({"call": n}))
                        }
                    }
                }),
            ),
        ),
    )
    .await;
    let send = || {
        TestRequest::post()
            .uri("/api/v1/flaky")
            .insert_header(("authorization", format!("Bearer {}", app.admin_token)))
            .insert_header(("idempotency-key", "thu-lai"))
            .set_json(json!({"x": 1}))
            .to_request()
    };
    let res = actix_web::test::call_service(&service, send()).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let res = actix_web::test::call_service(&service, send()).await;
    assert_eq!(res.status(), StatusCode::CREATED, "the 503 was not stored: the retry ran");
    assert!(res.headers().get("idempotent-replayed").is_none());
    let res = actix_web::test::call_service(&service, send()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.headers().get("idempotent-replayed").unwrap(), "true");
    assert_eq!(res.headers().get("location").unwrap(), "/api/v1/flaky/2");
    let body: Value = actix_web::test::read_body_json(res).await;
    assert_eq!(body["call"], 2);
    assert_eq!(calls.load(Ordering::SeqCst), 2, "the replay ran nothing");
}

/// The middleware reads the body to fingerprint it; the upload handler still gets all of it.
async fn uploads_are_read_once_and_replayed(app: TestApp) {
    let s = crate::achievements::setup(&app, 1).await;
    s.register(&app, 0, &[(0, "100")]).await;
    let report = s.report(&app, 0, 0, "10", &day(-1), false).await;
    let pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec();
    let upload = || {
        TestRequest::post()
            .uri(&format!("/api/v1/achievements/{}/evidence?filename=bien-ban.pdf", report["id"].as_str().unwrap()))
            .insert_header(("content-type", "application/pdf"))
            .insert_header(("idempotency-key", "tai-len-1"))
            .set_payload(pdf.clone())
    };
    let first = app.send(upload()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    assert_eq!(first.json()["size_bytes"], pdf.len());
    let retry = app.send(upload()).await;
    assert_eq!(retry.status, StatusCode::CREATED);
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    assert_eq!(retry.body, first.body);
    assert_eq!(app.stored_files(), 1, "the retry stored no second file");
}
