//! Liveness, readiness, request ids, and how the service behaves when the database is busy,
//! unreachable, or drops its connections.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use diesel::connection::SimpleConnection;
use diesel::Connection;

use crate::helpers::{create_postgres_database, drop_postgres_database, Options, TestApp};

on_both_backends!(health_and_request_ids);

async fn health_and_request_ids(app: TestApp) {
    let live = app.get("/health/live").await;
    assert_eq!(live.status, StatusCode::OK);
    assert_eq!(live.json()["status"], "ok");
    let ready = app.get("/health/ready").await;
    assert_eq!(ready.status, StatusCode::OK);

    let echoed =
        app.send(TestRequest::get().uri("/health/live").insert_header(("x-request-id", "lgsp-2026-abc"))).await;
    assert_eq!(echoed.header("x-request-id"), Some("lgsp-2026-abc"));
    let generated = app.get("/health/live").await;
    let id = generated.header("x-request-id").expect("an id is generated");
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    // An id that could forge log lines is replaced, not echoed.
    let unsafe_id = app.send(TestRequest::get().uri("/health/live").insert_header(("x-request-id", "a b"))).await;
    assert_ne!(unsafe_id.header("x-request-id"), Some("a b"));
    // Errors carry the id too.
    let missing = app.send(TestRequest::get().uri("/nope").insert_header(("x-request-id", "trace-1"))).await;
    assert_eq!(missing.header("x-request-id"), Some("trace-1"));

    let docs = app.get("/docs/").await;
    assert_eq!(docs.status, StatusCode::OK);
    assert!(docs.text().contains("swagger"), "Swagger UI is served offline");
    let spec = app.get("/openapi.json").await.json();
    assert_eq!(spec["info"]["title"], "thidua");
}

mod saturation {
    #[actix_web::test]
    async fn sqlite() {
        super::pool_saturation_answers_503(crate::helpers::TestApp::sqlite(super::tiny_pool()).await).await;
    }
    #[actix_web::test]
    async fn postgres() {
        if let Some(app) = crate::helpers::TestApp::postgres(super::tiny_pool()).await {
            super::pool_saturation_answers_503(app).await;
        }
    }
}

fn tiny_pool() -> Options {
    Options { pool_size: 1, pool_timeout: Duration::from_millis(200), ..Default::default() }
}

async fn pool_saturation_answers_503(app: TestApp) {
    let held = app.state.db.get().expect("the only connection");
    let res = app.get("/api/v1/communes").await;
    res.problem(503, "database_unavailable");
    assert_eq!(res.header("retry-after"), Some("1"));
    drop(held);
    assert_eq!(app.get("/api/v1/communes").await.status, StatusCode::OK);
}

#[actix_web::test]
async fn unreachable_database_answers_503_not_a_hang() {
    for url in ["sqlite:///proc/thidua-cannot-exist/x.db", "postgres://postgres@127.0.0.1:1/thidua"] {
        let mut settings =
            thidua::config::Settings::from_lookup(|k| (k == "DATABASE_URL").then(|| url.to_string())).unwrap();
        settings.db_pool_timeout = Duration::from_millis(300);
        let evidence = tempfile::tempdir().unwrap();
        settings.evidence_store = evidence.path().display().to_string();
        let state = thidua::startup::state(settings, &[7; 32]).unwrap();
        // A well-signed token: checking its session needs the database.
        let now = chrono::Utc::now().timestamp();
        let token = state.tokens.issue(&thidua::auth::tokens::Claims {
            iss: state.tokens.issuer.clone(),
            aud: state.tokens.audience.clone(),
            sub: "someone".into(),
            sid: "some-session".into(),
            jti: "j".into(),
            iat: now,
            nbf: now,
            exp: now + 60,
            ver: 1,
            roles: vec![thidua::auth::policy::Role::Admin],
            unit: None,
            client_id: None,
            scope: None,
        });
        let app = actix_web::test::init_service(thidua::startup::build_app(state)).await;
        let res = actix_web::test::call_service(&app, TestRequest::get().uri("/health/ready").to_request()).await;
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE, "{url}");
        let req =
            TestRequest::get().uri("/api/v1/communes").insert_header(("authorization", format!("Bearer {token}")));
        let res = actix_web::test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE, "{url}");
        let live = actix_web::test::call_service(&app, TestRequest::get().uri("/health/live").to_request()).await;
        assert_eq!(live.status(), StatusCode::OK, "liveness does not depend on the database");
    }
}

/// PostgreSQL drops every connection (as on a restart): the service replaces the dead pooled
/// connections before using them — no 503 burst once the database is back. A write whose
/// transaction could not even begin is retried once on a fresh connection, as is a one-statement
/// create found not committed; a connection that idled is checked before use.
#[actix_web::test]
async fn recovers_when_postgres_drops_its_connections() {
    let Some((url, admin, name)) = create_postgres_database() else { return };
    let app = TestApp::start(&url, Options::default()).await;
    let (province, _, commune) = app.small_tree().await;
    let path = format!("/api/v1/communes/{}", commune["id"].as_str().unwrap());
    let mut admin_conn = diesel::PgConnection::establish(&admin).unwrap();
    let warm = || futures_util::future::join_all((0..4).map(|_| app.get(&path)));
    // pg_terminate_backend only signals: wait until the backends it signalled are gone, so a
    // loaded machine cannot hand out a connection whose backend is still on its way out. (The
    // pool may open new connections meanwhile; those are not waited for.)
    let drop_connections = |conn: &mut diesel::PgConnection| {
        #[derive(diesel::QueryableByName)]
        struct Backend {
            #[diesel(sql_type = diesel::sql_types::Integer)]
            pid: i32,
        }
        let others = format!("SELECT pid FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()");
        let signalled: Vec<i32> = diesel::RunQueryDsl::load::<Backend>(diesel::sql_query(&others), conn)
            .unwrap()
            .into_iter()
            .map(|b| b.pid)
            .collect();
        for pid in &signalled {
            conn.batch_execute(&format!("SELECT pg_terminate_backend({pid})")).unwrap();
        }
        for _ in 0..200 {
            let left = diesel::RunQueryDsl::load::<Backend>(diesel::sql_query(&others), conn).unwrap();
            if !left.iter().any(|b| signalled.contains(&b.pid)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the terminated backends did not exit within 10 s");
    };

    // Busy connections, dropped: the next write begins on a dead one, finds it so before
    // anything ran, and goes through on a fresh connection.
    warm().await;
    drop_connections(&mut admin_conn);
    let body = serde_json::json!({"code": "98811", "name": "Xã Sau Sự Cố", "type": "xa", "parent_id": province["id"]});
    let res = app.post("/api/v1/communes", &body).await;
    assert_eq!(res.status, StatusCode::CREATED, "the first write after the drop: {}", res.text());

    // The same for a create sent as one statement (no transaction to begin): it fails on the
    // dead connection, is found not committed, and is sent once more on a fresh one.
    warm().await;
    drop_connections(&mut admin_conn);
    let person = serde_json::json!({"full_name": "Người Sau Sự Cố", "unit_id": commune["id"]});
    let res = app.post("/api/v1/people", &person).await;
    assert_eq!(res.status, StatusCode::CREATED, "the first create after the drop: {}", res.text());
    let listed = app.get(&format!("/api/v1/people?unit_id={}", commune["id"].as_str().unwrap())).await.json();
    let stored = listed["items"].as_array().unwrap().iter().filter(|p| p["full_name"] == "Người Sau Sự Cố").count();
    assert_eq!(stored, 1, "{listed}");

    // Idle connections, dropped while the instance idles: checked when taken out.
    warm().await;
    actix_web::rt::time::sleep(Duration::from_millis(1200)).await;
    drop_connections(&mut admin_conn);
    for n in 0..6 {
        let res = app.get(&path).await;
        assert_eq!(res.status, StatusCode::OK, "request {n} after the drop: {}", res.text());
    }
    drop(app);
    drop_postgres_database(&admin, &name);
}
