//! Webhooks: subscriptions (admins only), signed deliveries to a receiver on 127.0.0.1, retries
//! with a delivery log, exactly-once delivery from two instances on one database, and the
//! refusal of internal targets.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::test::TestRequest;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use thidua::config::Settings;
use thidua::startup;
use thidua::state::AppState;
use thidua::webhooks::dispatch_once;

use crate::helpers::{Options, TestApp};

/// Runs a test once per backend with webhook settings fit for a local receiver.
macro_rules! with_receiver_settings {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[actix_web::test]
            async fn sqlite() {
                super::$name(crate::helpers::TestApp::sqlite(super::local_targets()).await).await
            }
            #[actix_web::test]
            async fn postgres() {
                if let Some(app) = crate::helpers::TestApp::postgres(super::local_targets()).await {
                    super::$name(app).await
                }
            }
        }
    )+};
}

with_receiver_settings!(
    deliveries_are_signed_with_the_documented_recipe,
    a_failing_receiver_is_retried_and_the_log_shows_every_attempt,
    a_resend_after_a_lost_lease_carries_the_next_attempt_number,
    two_instances_on_one_database_deliver_each_event_once,
    subscriptions_are_replaced_with_if_match_paused_and_deleted,
    targets_refused_later_are_not_contacted,
    a_new_person_is_queued_for_the_subscriptions_whose_filters_match,
);
on_both_backends!(internal_targets_are_refused, unit_officers_cannot_manage_webhooks);

fn local_targets() -> Options {
    fn configure(s: &mut Settings) {
        s.webhooks.allow_private_targets = true;
        s.webhooks.allow_http = true;
        s.webhooks.allowed_ports = None;
        s.webhooks.retry_base_ms = 0;
        s.webhooks.batch_size = 3;
        s.webhooks.max_attempts = 3;
    }
    Options { configure: Some(configure), ..Default::default() }
}

struct Received {
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

/// The receiver's record of requests, and how many more to fail.
type Shared = (Arc<Mutex<Vec<Received>>>, Arc<AtomicUsize>);

#[derive(Clone)]
struct Receiver {
    url: String,
    log: Arc<Mutex<Vec<Received>>>,
    /// Answers 500 while this is above zero, counting down.
    failures_left: Arc<AtomicUsize>,
}

impl Receiver {
    /// An HTTP server on 127.0.0.1 that records every request.
    fn start(fail_first: usize) -> Receiver {
        let log = Arc::new(Mutex::new(Vec::new()));
        let failures_left = Arc::new(AtomicUsize::new(fail_first));
        let shared = (log.clone(), failures_left.clone());
        let server = HttpServer::new(move || {
            App::new().app_data(web::Data::new(shared.clone())).default_service(web::to(
                |req: HttpRequest, body: web::Bytes, shared: web::Data<Shared>| async move {
                    let headers = req
                        .headers()
                        .iter()
                        .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
                        .collect();
                    shared.0.lock().unwrap().push(Received { headers, body: body.to_vec() });
                    let failing =
                        shared.1.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
                    if failing {
                        HttpResponse::InternalServerError().body("not now")
                    } else {
                        HttpResponse::Ok().body("ok")
                    }
                },
            ))
        })
        .workers(1)
        .bind(("127.0.0.1", 0))
        .expect("bind the receiver");
        let addr = server.addrs()[0];
        actix_web::rt::spawn(server.run());
        Receiver { url: format!("http://{addr}/thidua/hook"), log, failures_left }
    }

    fn count(&self) -> usize {
        self.log.lock().unwrap().len()
    }

    fn take(&self) -> Vec<Received> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }
}

/// The receiver's side of the documented recipe: recompute the HMAC of "<t>.<raw body>".
fn signature_verifies(secret: &str, received: &Received) -> bool {
    let header = &received.headers["thidua-signature"];
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", value)) => t = Some(value.to_string()),
            Some(("v1", value)) => v1 = Some(value.to_string()),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else { return false };
    let age = chrono::Utc::now().timestamp() - t.parse::<i64>().unwrap();
    assert!(age.abs() < 300, "the timestamp is current");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(t.as_bytes());
    mac.update(b".");
    mac.update(&received.body);
    mac.verify_slice(&hex::decode(v1).unwrap()).is_ok()
}

async fn subscribe(app: &TestApp, url: &str, types: &[&str]) -> Value {
    let res = app
        .post(
            "/api/v1/webhooks",
            &json!({"url": url, "event_types": types, "description": "Hệ thống liên thông thử nghiệm"}),
        )
        .await;
    assert_eq!(res.status.as_u16(), 201, "{}", res.text());
    res.json()
}

/// A commune to build clusters of.
async fn member(app: &TestApp) -> Value {
    app.small_tree().await.2
}

async fn cluster(app: &TestApp, member: &Value, name: &str) -> Value {
    app.create("clusters", json!({"name": name, "year": 2026, "member_ids": [member["id"]]})).await
}

async fn deliveries(app: &TestApp, webhook: &Value) -> Vec<Value> {
    let res = app.get(&format!("/api/v1/webhooks/{}/deliveries?limit=100", webhook["id"].as_str().unwrap())).await;
    assert_eq!(res.status.as_u16(), 200, "{}", res.text());
    res.json()["items"].as_array().unwrap().clone()
}

async fn deliveries_are_signed_with_the_documented_recipe(app: TestApp) {
    let receiver = Receiver::start(0);
    let webhook = subscribe(&app, &receiver.url, &["cluster.*"]).await;
    let secret = webhook["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_") && secret.len() == 70, "{secret}");
    let id = webhook["id"].as_str().unwrap();
    let shown = app.get(&format!("/api/v1/webhooks/{id}")).await.json();
    assert!(shown.get("secret").is_none(), "the secret is shown once: {shown}");
    assert_eq!(shown["event_types"], json!(["cluster.*"]));
    let listed = app.get("/api/v1/webhooks").await.json();
    assert!(listed["items"][0].get("secret").is_none() && listed["items"][0]["id"] == id, "{listed}");

    let member = member(&app).await;
    let created = cluster(&app, &member, "Cụm thi đua các xã miền núi").await;
    assert_eq!(dispatch_once(&app.state).await.unwrap(), 1);
    let got = receiver.take();
    assert_eq!(got.len(), 1);
    let request = &got[0];
    assert!(signature_verifies(&secret, request), "signature: {:?}", request.headers);
    assert_eq!(request.headers["content-type"], "application/json");
    assert_eq!(request.headers["thidua-webhook-id"], id);
    assert_eq!(request.headers["thidua-delivery-attempt"], "1");
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(body["type"], "cluster.created");
    assert_eq!(body["record"]["id"], created["id"]);
    assert_eq!(body["record"]["href"], format!("/api/v1/clusters/{}", created["id"].as_str().unwrap()));
    assert_eq!(body["webhook_id"], id);
    assert_eq!(request.headers["thidua-event-id"], body["cursor"].as_str().unwrap());
    // The same event, with the same cursor, as the feed shows it.
    let feed = app.get("/api/v1/events?types=cluster.*").await.json();
    assert_eq!(feed["items"][0]["cursor"], body["cursor"]);
    assert_eq!(dispatch_once(&app.state).await.unwrap(), 0, "nothing is sent twice");

    let log = deliveries(&app, &webhook).await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["status"], "delivered");
    assert_eq!(log[0]["event_id"], body["cursor"]);
    assert_eq!(log[0]["event_type"], "cluster.created");
    assert_eq!(log[0]["attempts"][0]["status_code"], 200);

    // A rotated secret signs from then on; the old one no longer verifies.
    let rotated = app.act(&format!("/api/v1/webhooks/{id}/rotate-secret")).await;
    assert_eq!(rotated.status.as_u16(), 200, "{}", rotated.text());
    let new_secret = rotated.json()["secret"].as_str().unwrap().to_string();
    assert_ne!(new_secret, secret);
    cluster(&app, &member, "Cụm thi đua các phường").await;
    assert_eq!(dispatch_once(&app.state).await.unwrap(), 1);
    let got = receiver.take();
    assert!(signature_verifies(&new_secret, &got[0]));
    assert!(!signature_verifies(&secret, &got[0]));
    // A tampered body fails the check.
    let tampered = Received { headers: got[0].headers.clone(), body: [&got[0].body[..], b" "].concat() };
    assert!(!signature_verifies(&new_secret, &tampered));
}

async fn a_failing_receiver_is_retried_and_the_log_shows_every_attempt(app: TestApp) {
    let receiver = Receiver::start(1);
    let webhook = subscribe(&app, &receiver.url, &["cluster.created"]).await;
    let member = member(&app).await;
    cluster(&app, &member, "Cụm thi đua khối doanh nghiệp").await;

    assert_eq!(dispatch_once(&app.state).await.unwrap(), 1, "the first attempt");
    let log = deliveries(&app, &webhook).await;
    assert_eq!(log[0]["status"], "pending", "{log:?}");
    assert_eq!(log[0]["attempts"].as_array().unwrap().len(), 1);
    assert_eq!(log[0]["attempts"][0]["status_code"], 500);
    assert!(log[0]["next_attempt_at"].is_string());

    assert_eq!(dispatch_once(&app.state).await.unwrap(), 1, "the retry (no delay in tests)");
    let log = deliveries(&app, &webhook).await;
    assert_eq!(log[0]["status"], "delivered", "{log:?}");
    let attempts = log[0]["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2);
    assert_eq!((attempts[0]["attempt"].as_i64(), attempts[0]["status_code"].as_i64()), (Some(1), Some(500)));
    assert_eq!((attempts[1]["attempt"].as_i64(), attempts[1]["status_code"].as_i64()), (Some(2), Some(200)));
    assert!(attempts.iter().all(|a| a["duration_ms"].is_i64() && a["attempted_at"].is_string()));
    let got = receiver.take();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].headers["thidua-event-id"], got[1].headers["thidua-event-id"]);
    assert_eq!(
        (got[0].headers["thidua-delivery-attempt"].as_str(), got[1].headers["thidua-delivery-attempt"].as_str()),
        ("1", "2")
    );
    assert_eq!(dispatch_once(&app.state).await.unwrap(), 0);

    // A receiver that never recovers is given up on after the last attempt (3 in these tests).
    receiver.failures_left.store(usize::MAX, Ordering::SeqCst);
    cluster(&app, &member, "Cụm thi đua khối trường học").await;
    for _ in 0..3 {
        assert_eq!(dispatch_once(&app.state).await.unwrap(), 1);
    }
    assert_eq!(dispatch_once(&app.state).await.unwrap(), 0, "given up");
    let log = deliveries(&app, &webhook).await;
    assert_eq!(log[0]["status"], "failed", "{log:?}");
    assert_eq!(log[0]["attempts"].as_array().unwrap().len(), 3);
    assert!(log[0]["finished_at"].is_string() && log[0]["next_attempt_at"].is_null());
}

/// An instance claims a delivery and dies before recording the attempt (its lease runs out): the
/// delivery is sent again, as attempt 2, not as a second "attempt 1".
async fn a_resend_after_a_lost_lease_carries_the_next_attempt_number(app: TestApp) {
    let receiver = Receiver::start(0);
    let webhook = subscribe(&app, &receiver.url, &["cluster.created"]).await;
    let member = member(&app).await;
    cluster(&app, &member, "Cụm thi đua khối cơ quan Đảng").await;

    let mut conn = app.connection();
    let now = thidua::db::now();
    let lost = thidua::models::webhooks::claim(&mut conn, "an-instance-that-died", now, now, 10).unwrap();
    assert_eq!(lost.len(), 1);
    assert_eq!(lost[0].delivery.attempts, 1, "the claim counts the attempt");

    assert_eq!(dispatch_once(&app.state).await.unwrap(), 1, "due again once the lease ran out");
    let got = receiver.take();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].headers["thidua-delivery-attempt"], "2");
    let log = deliveries(&app, &webhook).await;
    assert_eq!(log[0]["status"], "delivered", "{log:?}");
    let attempts = log[0]["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 1, "the lost attempt left no entry: {attempts:?}");
    assert_eq!(attempts[0]["attempt"], 2);
}

/// A second instance on the same database: its own pool, client and dispatcher.
fn second_instance(app: &TestApp) -> actix_web::web::Data<AppState> {
    let settings = app.state.settings.clone();
    let key = startup::signing_key(&settings).expect("signing key");
    startup::state(settings, &key).expect("second state")
}

async fn two_instances_on_one_database_deliver_each_event_once(app: TestApp) {
    let receiver = Receiver::start(0);
    subscribe(&app, &receiver.url, &["cluster.*"]).await;
    let member = member(&app).await;
    const EVENTS: usize = 12;
    for i in 0..EVENTS {
        cluster(&app, &member, &format!("Cụm thi đua số {i}")).await;
    }
    let other = second_instance(&app);
    let (mut by_first, mut by_second) = (0, 0);
    // Both dispatchers claim at the same time, in batches of 3, until neither finds work.
    for _ in 0..40 {
        let (a, b) = futures_util::future::join(dispatch_once(&app.state), dispatch_once(&other)).await;
        let (a, b) = (a.unwrap(), b.unwrap());
        by_first += a;
        by_second += b;
        if a == 0 && b == 0 {
            break;
        }
    }
    assert_eq!(by_first + by_second, EVENTS, "each claimed once: {by_first} + {by_second}");
    let mut per_event: HashMap<String, usize> = HashMap::new();
    for request in receiver.take() {
        *per_event.entry(request.headers["thidua-event-id"].clone()).or_default() += 1;
    }
    assert_eq!(per_event.len(), EVENTS, "{per_event:?}");
    assert!(per_event.values().all(|n| *n == 1), "an event delivered twice: {per_event:?}");
}

async fn subscriptions_are_replaced_with_if_match_paused_and_deleted(app: TestApp) {
    let receiver = Receiver::start(0);
    let webhook = subscribe(&app, &format!("{}?token=bi-mat-cua-ben-nhan", receiver.url), &[]).await;
    let path = format!("/api/v1/webhooks/{}", webhook["id"].as_str().unwrap());
    // The audit trail keeps the subscription without the receiver's token in its query.
    let audit = app
        .get(&format!("/api/v1/audit-entries?record_kind=webhook&record_id={}", webhook["id"].as_str().unwrap()))
        .await;
    assert!(
        audit.text().contains("webhook.created") && !audit.text().contains("bi-mat-cua-ben-nhan"),
        "{}",
        audit.text()
    );
    let paused = json!({"url": receiver.url, "event_types": ["campaign.*"], "active": false});
    let res = app.send(TestRequest::put().uri(&path).set_json(&paused)).await;
    res.problem(428, "precondition_required");
    let res = app.send(TestRequest::put().uri(&path).insert_header(("if-match", "\"7\"")).set_json(&paused)).await;
    res.problem(412, "stale_version");
    let res = app.send(TestRequest::put().uri(&path).insert_header(("if-match", "\"1\"")).set_json(&paused)).await;
    assert_eq!(res.status.as_u16(), 200, "{}", res.text());
    assert_eq!(res.json()["active"], false);
    assert_eq!(res.header("etag"), Some("\"2\""));

    // Paused: events are not queued for it.
    let member = member(&app).await;
    cluster(&app, &member, "Cụm thi đua tạm dừng").await;
    assert_eq!(dispatch_once(&app.state).await.unwrap(), 0);
    assert!(deliveries(&app, &webhook).await.is_empty());
    assert_eq!(receiver.count(), 0);

    let bad = json!({"url": receiver.url, "event_types": ["cluster.*"], "unknown": 1});
    app.send(TestRequest::put().uri(&path).insert_header(("if-match", "\"2\"")).set_json(&bad))
        .await
        .problem(422, "invalid_body");
    let bad = json!({"url": receiver.url, "event_types": ["Cluster", "cluster.*"]});
    let problem = app
        .send(TestRequest::put().uri(&path).insert_header(("if-match", "\"2\"")).set_json(&bad))
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "event_types[0]", "{problem}");

    let res = app.send(TestRequest::delete().uri(&path)).await;
    assert_eq!(res.status.as_u16(), 204, "{}", res.text());
    app.get(&path).await.problem(404, "not_found");
    app.get(&format!("{path}/deliveries")).await.problem(404, "not_found");
    // The audit trail keeps who did what, never the secret.
    let audit = app.get("/api/v1/audit-entries?record_kind=webhook").await.json();
    let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["webhook.deleted", "webhook.updated", "webhook.created"]);
    assert!(!audit.to_string().contains("whsec_"));
}

/// A person's create is one statement on PostgreSQL (without an `Idempotency-Key`), which picks
/// its deliveries in SQL; SQLite and a keyed request pick them in Rust. Both must queue the
/// same: exact types, a kind's every event, no filters; not another kind, another verb, or a
/// paused subscription. Nothing when the create is refused.
async fn a_new_person_is_queued_for_the_subscriptions_whose_filters_match(app: TestApp) {
    let (province, _, commune) = app.small_tree().await;
    let receiver = Receiver::start(0);
    let by_kind = subscribe(&app, &receiver.url, &["person.*"]).await;
    let exact = subscribe(&app, &receiver.url, &["award.created", "person.created"]).await;
    let other_kind = subscribe(&app, &receiver.url, &["cluster.*", "award.*"]).await;
    let other_verb = subscribe(&app, &receiver.url, &["person.updated"]).await;
    let paused = subscribe(&app, &receiver.url, &["person.*"]).await;
    let pause = json!({"url": receiver.url, "event_types": ["person.*"], "active": false});
    let res = app
        .send(
            TestRequest::put()
                .uri(&format!("/api/v1/webhooks/{}", paused["id"].as_str().unwrap()))
                .insert_header(("if-match", "\"1\""))
                .set_json(&pause),
        )
        .await;
    assert_eq!(res.status.as_u16(), 200, "{}", res.text());
    // Last, so that the other subscriptions' own events are not queued for it.
    let everything = subscribe(&app, &receiver.url, &[]).await;

    let refused = app.post("/api/v1/people", &json!({"full_name": "Hoàng Văn Tỉnh", "unit_id": province["id"]})).await;
    let problem = refused.problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "unit_id", "{problem}");
    assert!(deliveries(&app, &everything).await.is_empty(), "a refused create queues nothing");

    let mut created = Vec::new();
    for (i, name) in ["Lường Thị Mai", "Nông Văn Khánh", "Triệu Thị Hà"].into_iter().enumerate() {
        let mut req =
            TestRequest::post().uri("/api/v1/people").set_json(json!({"full_name": name, "unit_id": commune["id"]}));
        if i == 1 {
            // Marked in the write's own transaction: the transactional path on both backends.
            req = req.insert_header(("idempotency-key", "nguoi-thu-hai"));
        }
        let res = app.send(req).await;
        assert_eq!(res.status.as_u16(), 201, "{}", res.text());
        created.push(res.json()["id"].as_str().unwrap().to_string());
    }
    // The feed's events for them, oldest first; each matching log lists them newest first.
    let feed = app.get("/api/v1/events?types=person.created").await.json();
    let cursors: Vec<&str> = feed["items"].as_array().unwrap().iter().map(|e| e["cursor"].as_str().unwrap()).collect();
    assert_eq!(cursors.len(), 3, "{feed}");
    for webhook in [&by_kind, &exact, &everything] {
        let log = deliveries(&app, webhook).await;
        let listed: Vec<&str> = log.iter().rev().map(|d| d["event_id"].as_str().unwrap()).collect();
        assert_eq!(listed, cursors, "{}: {log:?}", webhook["event_types"]);
        assert!(log.iter().all(|d| d["event_type"] == "person.created" && d["status"] == "pending"), "{log:?}");
    }
    for webhook in [&other_kind, &other_verb, &paused] {
        assert!(deliveries(&app, webhook).await.is_empty(), "{} queued an event", webhook["event_types"]);
    }
    // Which path each create took, read off its deliveries' ids: the one-statement create
    // (PostgreSQL, no key) numbers an event's deliveries in the last 8 hex digits after one
    // shared prefix; the transaction draws each id at random.
    let one_statement = app.connection().backend() == thidua::db::Backend::Postgres;
    let mut logs = Vec::new();
    for webhook in [&by_kind, &exact, &everything] {
        logs.extend(deliveries(&app, webhook).await);
    }
    for (i, cursor) in cursors.iter().enumerate() {
        let mut ids: Vec<&str> =
            logs.iter().filter(|d| d["event_id"] == *cursor).map(|d| d["id"].as_str().unwrap()).collect();
        ids.sort_by_key(|id| &id[28..]);
        assert_eq!(ids.len(), 3, "{logs:?}");
        let numbered = ids.iter().all(|id| id[..28] == ids[0][..28])
            && ids.iter().map(|id| &id[28..]).eq(["00000001", "00000002", "00000003"]);
        assert_eq!(numbered, one_statement && i != 1, "create {i}: {ids:?}");
    }
    let mut dispatched = 0;
    loop {
        let batch = dispatch_once(&app.state).await.unwrap();
        if batch == 0 {
            break;
        }
        dispatched += batch;
    }
    assert_eq!(dispatched, 9);
    let mut sent: Vec<String> = receiver
        .take()
        .iter()
        .map(|r| serde_json::from_slice::<Value>(&r.body).unwrap()["record"]["id"].as_str().unwrap().to_string())
        .collect();
    sent.sort();
    let mut expected: Vec<String> = created.iter().flat_map(|id| [id.clone(), id.clone(), id.clone()]).collect();
    expected.sort();
    assert_eq!(sent, expected);
}

async fn targets_refused_later_are_not_contacted(app: TestApp) {
    // Subscribed while private targets were allowed; this instance no longer allows them.
    let receiver = Receiver::start(0);
    let webhook = subscribe(&app, &receiver.url, &["cluster.*"]).await;
    let mut settings = app.state.settings.clone();
    settings.webhooks.allow_private_targets = false;
    let key = startup::signing_key(&settings).unwrap();
    let strict = startup::state(settings, &key).unwrap();
    let member = member(&app).await;
    cluster(&app, &member, "Cụm thi đua kiểm tra địa chỉ").await;
    assert_eq!(dispatch_once(&strict).await.unwrap(), 1);
    assert_eq!(receiver.count(), 0, "the receiver was not contacted");
    let log = deliveries(&app, &webhook).await;
    let error = log[0]["attempts"][0]["error"].as_str().unwrap_or_default();
    assert!(error.contains("internal address"), "{log:?}");
    assert!(log[0]["attempts"][0]["status_code"].is_null());
}

async fn internal_targets_are_refused(app: TestApp) {
    // Default settings: https only, public addresses only.
    for (url, code) in [
        ("https://127.0.0.1/hook", "private_address"),
        ("https://127.0.0.1:8443/hook", "private_address"),
        ("https://10.1.2.3/hook", "private_address"),
        ("https://192.168.1.10/hook", "private_address"),
        ("https://169.254.169.254/latest/meta-data/", "private_address"),
        ("https://100.64.0.1/", "private_address"),
        ("https://[::1]/hook", "private_address"),
        ("https://[::ffff:127.0.0.1]/hook", "private_address"),
        ("https://[fd00::1]/hook", "private_address"),
        ("https://localhost/hook", "private_address"),
        ("http://hooks.example.vn/hook", "insecure_scheme"),
        ("https://user:pw@hooks.example.vn/hook", "credentials_in_url"),
        ("hooks.example.vn/hook", "invalid_url"),
        // Blind port probing through the delivery log: only 443 and 8443 by default.
        ("https://hooks.example.vn:22/hook", "port_not_allowed"),
        ("https://hooks.example.vn:6379/hook", "port_not_allowed"),
    ] {
        let res = app.post("/api/v1/webhooks", &json!({"url": url})).await;
        let problem = res.problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], "url", "{url}: {problem}");
        assert_eq!(problem["errors"][0]["code"], code, "{url}: {problem}");
    }
    assert!(app.get("/api/v1/webhooks").await.json()["items"].as_array().unwrap().is_empty());
}

async fn unit_officers_cannot_manage_webhooks(app: TestApp) {
    let (_, _, commune) = app.small_tree().await;
    let (_, officer) = app.user("canbo_xa", &["unit_officer"], Some(&commune["id"])).await;
    let id = uuid::Uuid::now_v7();
    let body = json!({"url": "https://hooks.example.vn/x"});
    let requests = [
        TestRequest::get().uri("/api/v1/webhooks"),
        TestRequest::post().uri("/api/v1/webhooks").set_json(&body),
        TestRequest::get().uri(&format!("/api/v1/webhooks/{id}")),
        TestRequest::put().uri(&format!("/api/v1/webhooks/{id}")).insert_header(("if-match", "\"1\"")).set_json(&body),
        TestRequest::delete().uri(&format!("/api/v1/webhooks/{id}")),
        TestRequest::post().uri(&format!("/api/v1/webhooks/{id}/rotate-secret")),
        TestRequest::get().uri(&format!("/api/v1/webhooks/{id}/deliveries")),
    ];
    for req in requests {
        app.send_as(&officer, req).await.problem(403, "forbidden");
    }
    let res = app.send_anonymous(TestRequest::get().uri("/api/v1/webhooks")).await;
    assert_eq!(res.status.as_u16(), 401);
}
