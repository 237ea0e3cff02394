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
use thidua::db::idempotency::{self, Hold, KeyId, Reservation, Timing};
use thidua::http::register::{PostKind, RouteTable};

use crate::achievements::day;
use crate::helpers::{Response, TestApp};

on_both_backends!(
    retries_replay_the_first_answer,
    a_key_in_flight_is_refused_until_released,
    server_errors_are_not_stored,
    uploads_are_read_once_and_replayed,
    a_committed_request_whose_answer_was_lost_is_never_run_again,
    a_write_whose_reservation_was_taken_over_does_not_commit,
);

/// The middleware's timing, with no grace for a lost answer (the tests age rows instead).
fn timing() -> Timing {
    Timing { ttl: TimeDelta::hours(24), abandoned_after: TimeDelta::minutes(5), answer_grace: TimeDelta::seconds(2) }
}

fn campaign(title: &str) -> Value {
    json!({
        "title": title, "kind": "thuong_xuyen", "launching_authority": "Chủ tịch UBND tỉnh",
        "start_date": day(-10), "end_date": day(60), "participation": "all_communes",
    })
}

async fn post_keyed(app: &TestApp, token: &str, key: &str, body: &Value) -> Response {
    app.send_as(
        token,
        TestRequest::post().uri("/api/v1/campaigns").insert_header(("idempotency-key", key)).set_json(body),
    )
    .await
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
    // A path written with percent-escapes reaches the same endpoint, and is keyed like it.
    let escaped = campaign("Phong trào qua đường dẫn mã hoá");
    let send_escaped = || {
        app.send_as(
            &admin,
            TestRequest::post()
                .uri("/api/v1/%63ampaigns")
                .insert_header(("idempotency-key", "khoa-9"))
                .set_json(&escaped),
        )
    };
    let first_escaped = send_escaped().await;
    assert_eq!(first_escaped.status, StatusCode::CREATED, "{}", first_escaped.text());
    let again = send_escaped().await;
    assert_eq!(again.header("idempotent-replayed"), Some("true"), "{}", again.text());
    assert_eq!(again.body, first_escaped.body);
    assert_eq!(campaign_count(&app).await, 2, "one campaign for the escaped path");

    // The same key with another request is refused.
    post_keyed(&app, &admin, "khoa-1", &campaign("Một phong trào khác")).await.problem(422, "idempotency_key_reused");

    // Keys are the caller's own: another admin's identical request is a request of its own.
    let (_, other) = app.user("quan.tri.2", &["admin"], None).await;
    let res = post_keyed(&app, &other, "khoa-1", &body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    assert_eq!(res.header("idempotent-replayed"), None);
    assert_ne!(res.json()["id"], first.json()["id"]);
    assert_eq!(campaign_count(&app).await, 3);

    // A 4xx is the answer too, and is replayed.
    let bad = json!({"title": ""});
    let res = post_keyed(&app, &admin, "khoa-2", &bad).await;
    res.problem(422, "invalid_body");
    let res = post_keyed(&app, &admin, "khoa-2", &bad).await;
    res.problem(422, "invalid_body");
    assert_eq!(res.header("idempotent-replayed"), Some("true"));

    // Malformed keys are refused before anything runs.
    post_keyed(&app, &admin, &"k".repeat(256), &body).await.problem(400, "invalid_idempotency_key");
    assert_eq!(campaign_count(&app).await, 3);
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
    let id = KeyId {
        caller: format!("user:{admin_id}"),
        method: "POST".into(),
        path: "/api/v1/campaigns".into(),
        key: "dang-chay".into(),
    };
    let fingerprint = thidua::http::idempotency::fingerprint("", &serde_json::to_vec(&body).unwrap());
    let mut conn = app.connection();
    let Reservation::Reserved(token) = idempotency::reserve(&mut conn, &id, &fingerprint, timing()).unwrap() else {
        panic!("not reserved")
    };
    // A second reservation (another instance racing) does not get it either.
    assert_eq!(idempotency::reserve(&mut conn, &id, &fingerprint, timing()).unwrap(), Reservation::InProgress);

    let res = post_keyed(&app, &app.admin_token, "dang-chay", &body).await;
    res.problem(409, "idempotency_key_in_progress");
    assert_eq!(campaign_count(&app).await, 0);

    // Another token (a holder whose reservation was taken over) releases nothing.
    idempotency::release(&mut conn, &Hold { id: id.clone(), token: "not-the-holder".into() }).unwrap();
    post_keyed(&app, &app.admin_token, "dang-chay", &body).await.problem(409, "idempotency_key_in_progress");

    idempotency::release(&mut conn, &Hold { id, token }).unwrap();
    let res = post_keyed(&app, &app.admin_token, "dang-chay", &body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    assert_eq!(campaign_count(&app).await, 1);
}

/// The request's write commits and its answer never gets stored (the instance died, or the
/// database went away, in between). The write marked the key committed in its own transaction,
/// so nothing releases the key, and a retry is answered from the mark — `303 See Other` to the
/// record — instead of creating a second one.
async fn a_committed_request_whose_answer_was_lost_is_never_run_again(app: TestApp) {
    let body = campaign("Thi đua “Xây dựng nông thôn mới”");
    let first = post_keyed(&app, &app.admin_token, "mat-cau-tra-loi", &body).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    let location = first.header("location").unwrap().to_string();
    // As if the answer had never been stored: the row as the commit left it, a while ago.
    let mut conn = app.connection();
    {
        use diesel::prelude::*;
        use thidua::db::schema::idempotency_keys as keys;
        let row: (Option<chrono::NaiveDateTime>, Option<String>, Option<String>) = keys::table
            .filter(keys::idem_key.eq("mat-cau-tra-loi"))
            .select((keys::committed_at, keys::committed_records, keys::token))
            .first(&mut conn)
            .unwrap();
        assert!(row.0.is_some(), "the write marked the key committed");
        assert!(row.1.as_deref().unwrap().contains(location.rsplit('/').next().unwrap()), "{row:?}");
        let token = row.2.unwrap();
        diesel::update(keys::table.filter(keys::idem_key.eq("mat-cau-tra-loi")))
            .set((
                keys::status.eq(None::<i32>),
                keys::headers.eq(None::<String>),
                keys::body.eq(None::<Vec<u8>>),
                keys::committed_at.eq(thidua::db::now() - TimeDelta::seconds(1)),
            ))
            .execute(&mut conn)
            .unwrap();
        // Within the grace a committed request may still be storing its answer.
        let res = post_keyed(&app, &app.admin_token, "mat-cau-tra-loi", &body).await;
        res.problem(409, "idempotency_key_in_progress");
        // What a failing request (a 5xx after its commit) does: release. It must not.
        let (caller, method, path): (String, String, String) = keys::table
            .filter(keys::idem_key.eq("mat-cau-tra-loi"))
            .select((keys::caller, keys::method, keys::path))
            .first(&mut conn)
            .unwrap();
        let hold = Hold { id: KeyId { caller, method, path, key: "mat-cau-tra-loi".into() }, token };
        idempotency::release(&mut conn, &hold).unwrap();
        diesel::update(keys::table.filter(keys::idem_key.eq("mat-cau-tra-loi")))
            .set(keys::committed_at.eq(thidua::db::now() - TimeDelta::minutes(10)))
            .execute(&mut conn)
            .expect("the key is still there");
    }
    for _ in 0..2 {
        let res = post_keyed(&app, &app.admin_token, "mat-cau-tra-loi", &body).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
        assert_eq!(res.header("location"), Some(location.as_str()));
        assert_eq!(res.header("idempotent-replayed"), Some("true"));
        let answer = res.json();
        assert_eq!(answer["code"], "idempotent_request_committed");
        assert_eq!(answer["records"][0]["href"], location.as_str());
    }
    assert_eq!(campaign_count(&app).await, 1, "the retries created nothing");
    // The same key with another body is still refused.
    post_keyed(&app, &app.admin_token, "mat-cau-tra-loi", &campaign("Khác"))
        .await
        .problem(422, "idempotency_key_reused");
}

/// A request whose reservation was taken over (it looked abandoned) cannot commit under the
/// key any more: its write is rolled back; the new holder's goes through.
async fn a_write_whose_reservation_was_taken_over_does_not_commit(app: TestApp) {
    use thidua::db::journal::{Origin, Scope};
    let id = KeyId {
        caller: "user:thu-nghiem".into(),
        method: "POST".into(),
        path: "/api/v1/campaigns".into(),
        key: "bi-tiep-quan".into(),
    };
    let mut conn = app.connection();
    let Reservation::Reserved(old) = idempotency::reserve(&mut conn, &id, "fp", timing()).unwrap() else { panic!() };
    let taken_over = Timing { abandoned_after: TimeDelta::zero(), ..timing() };
    let Reservation::Reserved(new) = idempotency::reserve(&mut conn, &id, "fp", taken_over).unwrap() else {
        panic!("not taken over")
    };
    let write = |token: String, record: &'static str| {
        let origin = Origin { idempotency: Some(Hold { id: id.clone(), token }), ..Origin::system() };
        thidua::db::write(&app.state.db, origin, move |_, journal| {
            journal.record("campaign", "created", record, Scope::AuditOnly, None, None);
            Ok(())
        })
    };
    let refused = write(old, "cua-yeu-cau-cu").await.unwrap_err();
    assert_eq!((refused.status.as_u16(), refused.code.as_str()), (409, "idempotency_key_in_progress"));
    write(new, "cua-yeu-cau-moi").await.unwrap();
    let audit = app.get("/api/v1/audit-entries?record_kind=campaign").await.json();
    let ids: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|e| e["record_id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["cua-yeu-cau-moi"]);
    // A committed key is never taken over, however old.
    assert_eq!(
        idempotency::reserve(&mut conn, &id, "fp", taken_over).unwrap(),
        Reservation::InProgress,
        "within the answer grace"
    );
    let late = Timing { answer_grace: TimeDelta::zero(), ..taken_over };
    assert_eq!(
        idempotency::reserve(&mut conn, &id, "fp", late).unwrap(),
        Reservation::Committed(vec![("campaign".into(), "cua-yeu-cau-moi".into())])
    );
}

/// A handler that fails once (503), then succeeds, behind the same middleware and database.
async fn server_errors_are_not_stored(app: TestApp) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let mut routes = RouteTable::default();
    routes.add("/api/v1/flaky", &[utoipa::openapi::path::HttpMethod::Post], PostKind::Keyed);
    let routes = Arc::new(routes);
    let guard = actix_web::middleware::from_fn(
        move |req: actix_web::dev::ServiceRequest, next: actix_web::middleware::Next<actix_web::body::BoxBody>| {
            thidua::http::idempotency::guard(routes.clone(), req, next)
        },
    );
    let service = actix_web::test::init_service(App::new().app_data(app.state.clone()).service(
        web::scope("/api/v1").wrap(guard).route(
            "/flaky",
            web::post().to(move || {
                let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
                async move {
                    if n == 1 {
                        HttpResponse::ServiceUnavailable().body("down")
                    } else {
                        HttpResponse::Created()
                            .insert_header(("location", format!("/api/v1/flaky/{n}")))
                            .json(json!({"call": n}))
                    }
                }
            }),
        ),
    ))
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

/// Exactly once through a crash, with real processes: the service is killed (SIGKILL, through
/// the test-only `THIDUA_TEST_KILL_AFTER_COMMIT`) right after a keyed create commits, before its
/// answer is stored or sent. The client's retry, to a restarted instance (SQLite) or to a second
/// instance after the database dropped every connection (PostgreSQL), creates nothing: it is
/// answered from the key's committed mark, and exactly one record exists.
mod crash_between_commit_and_answer {
    use std::process::{Child, Command, Stdio};
    use std::time::{Duration, Instant};

    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    use serde_json::{json, Value};

    use crate::helpers::{create_postgres_database, drop_postgres_database};

    const PASSWORD: &str = "Mật khẩu thử nghiệm 2026";

    struct Instance {
        child: Child,
        base: String,
    }

    impl Drop for Instance {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    fn thidua(url: &str, dir: &std::path::Path) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_thidua"));
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", url)
            .env("THIDUA_EVIDENCE_STORE", dir.join("evidence"))
            .env("THIDUA_JWT_SECRET", "khoa-ky-thu-nghiem-du-dai-cho-hs256-0123456789")
            .env("THIDUA_RATE_LIMIT_PER_MINUTE", "0")
            .env("THIDUA_WEBHOOK_DISPATCH", "false")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        cmd
    }

    async fn start(url: &str, dir: &std::path::Path, kill_after_commit: Option<&str>) -> Instance {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut cmd = thidua(url, dir);
        cmd.arg("serve").env("THIDUA_BIND", format!("127.0.0.1:{port}"));
        if let Some(prefix) = kill_after_commit {
            cmd.env("THIDUA_TEST_KILL_AFTER_COMMIT", prefix);
        }
        let instance = Instance { child: cmd.spawn().unwrap(), base: format!("http://127.0.0.1:{port}") };
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(res) = client().get(format!("{}/health/ready", instance.base)).send().await {
                if res.status().is_success() {
                    return instance;
                }
            }
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the instance did not start");
    }

    fn client() -> reqwest::Client {
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
    }

    async fn call(
        method: reqwest::Method,
        url: String,
        token: Option<&str>,
        key: Option<&str>,
        body: Option<&Value>,
    ) -> reqwest::Result<(u16, Option<String>, Value)> {
        let mut req = client().request(method, url);
        if let Some(token) = token {
            req = req.header("authorization", format!("Bearer {token}"));
        }
        if let Some(key) = key {
            req = req.header("idempotency-key", key);
        }
        if let Some(body) = body {
            req = req.header("content-type", "application/json").body(serde_json::to_vec(body).unwrap());
        }
        let res = req.send().await?;
        let status = res.status().as_u16();
        let location = res.headers().get("location").map(|v| v.to_str().unwrap().to_string());
        let bytes = res.bytes().await?;
        Ok((status, location, serde_json::from_slice(&bytes).unwrap_or(Value::Null)))
    }

    fn campaign() -> Value {
        json!({
            "title": "Phong trào thi đua “Cả nước chung tay vì người nghèo”", "kind": "thuong_xuyen",
            "launching_authority": "Chủ tịch UBND tỉnh", "start_date": crate::achievements::day(-10),
            "end_date": crate::achievements::day(60), "participation": "all_communes",
        })
    }

    async fn campaign_ids(base: &str, token: &str) -> Vec<String> {
        let (status, _, page) =
            call(reqwest::Method::GET, format!("{base}/api/v1/campaigns?limit=100"), Some(token), None, None)
                .await
                .unwrap();
        assert_eq!(status, 200, "{page}");
        page["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()).collect()
    }

    /// `terminate`: on PostgreSQL, drops every connection to the database after the crash (an
    /// outage as the second instance sees it).
    async fn drill(url: &str, dir: &std::path::Path, second: bool, terminate: Option<(&str, &str)>) {
        let out = thidua(url, dir)
            .args(["create-admin", "--username", "admin", "--full-name", "Ban Thi đua – Khen thưởng"])
            .env("THIDUA_ADMIN_PASSWORD", PASSWORD)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let mut doomed = start(url, dir, Some("crash-")).await;
        let other = if second { Some(start(url, dir, None).await) } else { None };
        let login = json!({"username": "admin", "password": PASSWORD});
        let (status, _, session) =
            call(reqwest::Method::POST, format!("{}/api/v1/auth/login", doomed.base), None, None, Some(&login))
                .await
                .unwrap();
        assert_eq!(status, 200, "{session}");
        let token = session["access_token"].as_str().unwrap().to_string();

        let body = campaign();
        let lost = call(
            reqwest::Method::POST,
            format!("{}/api/v1/campaigns", doomed.base),
            Some(&token),
            Some("crash-1"),
            Some(&body),
        )
        .await;
        assert!(lost.is_err(), "the answer was lost with the process: {lost:?}");
        let status = doomed.child.wait().unwrap();
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(9), "killed by SIGKILL after the commit: {status:?}");

        let survivor = match other {
            Some(other) => other,
            None => start(url, dir, None).await,
        };
        if let Some((admin, name)) = terminate {
            // Let the survivor's pooled connections idle, then drop them all (as a restart of
            // the database would): its next requests find them dead and replace them, no 503.
            actix_web::rt::time::sleep(Duration::from_millis(1200)).await;
            let mut conn = diesel::PgConnection::establish(admin).unwrap();
            conn.batch_execute(&format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"))
                .unwrap();
            let (status, _, page) =
                call(reqwest::Method::GET, format!("{}/api/v1/campaigns", survivor.base), Some(&token), None, None)
                    .await
                    .unwrap();
            assert_eq!(status, 200, "the first request after the outage: {page}");
        }

        // The retry: 409 while the committed request might still be storing its answer, then
        // the answer from the key's mark. Never a second record.
        let deadline = Instant::now() + Duration::from_secs(15);
        let (status, location, answer) = loop {
            let res = call(
                reqwest::Method::POST,
                format!("{}/api/v1/campaigns", survivor.base),
                Some(&token),
                Some("crash-1"),
                Some(&body),
            )
            .await
            .unwrap();
            if res.0 != 409 || Instant::now() > deadline {
                break res;
            }
            assert_eq!(res.2["code"], "idempotency_key_in_progress", "{}", res.2);
            actix_web::rt::time::sleep(Duration::from_millis(250)).await;
        };
        assert_eq!(status, 303, "{answer}");
        assert_eq!(answer["code"], "idempotent_request_committed");
        let ids = campaign_ids(&survivor.base, &token).await;
        assert_eq!(ids.len(), 1, "exactly one record: {ids:?}");
        assert_eq!(location, Some(format!("/api/v1/campaigns/{}", ids[0])));
        // Again: the same answer, still one record; a new key is a new request.
        let again = call(
            reqwest::Method::POST,
            format!("{}/api/v1/campaigns", survivor.base),
            Some(&token),
            Some("crash-1"),
            Some(&body),
        )
        .await
        .unwrap();
        assert_eq!((again.0, again.1), (303, location));
        let fresh = call(
            reqwest::Method::POST,
            format!("{}/api/v1/campaigns", survivor.base),
            Some(&token),
            Some("sau-su-co"),
            Some(&body),
        )
        .await
        .unwrap();
        assert_eq!(fresh.0, 201, "{}", fresh.2);
        assert_eq!(campaign_ids(&survivor.base, &token).await.len(), 2);
    }

    #[actix_web::test]
    async fn sqlite_restarted() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("thidua.db").display());
        drill(&url, dir.path(), false, None).await;
    }

    #[actix_web::test]
    async fn postgres_two_instances_and_an_outage() {
        let Some((url, admin, name)) = create_postgres_database() else { return };
        let dir = tempfile::tempdir().unwrap();
        drill(&url, dir.path(), true, Some((&admin, &name))).await;
        drop_postgres_database(&admin, &name);
    }
}
