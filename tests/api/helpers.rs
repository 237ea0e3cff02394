//! Spawns the application in-process on a fresh database and speaks HTTP to it.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use actix_web::{web, HttpMessage};
use diesel::connection::SimpleConnection;
use diesel::Connection;
use futures_util::future::LocalBoxFuture;
use serde_json::Value;
use thidua::auth::password::hash_blocking;
use thidua::auth::policy::Role;
use thidua::config::Settings;
use thidua::db::DbConn;
use thidua::models::accounts;
use thidua::startup;
use thidua::state::AppState;

use crate::contract;

/// The whole body of a request built by the test (it is all in memory).
async fn read_payload(req: &mut actix_http::Request) -> bytes::Bytes {
    use futures_util::StreamExt;
    let mut payload = req.take_payload();
    let mut body = bytes::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        body.extend_from_slice(&chunk.expect("test request body"));
    }
    body.freeze()
}

pub struct Options {
    pub seed: bool,
    pub pool_size: u32,
    pub pool_timeout: Duration,
    /// Off by default: every test request comes from one address.
    pub rate_limit_per_minute: u32,
    /// `THIDUA_CORS_ORIGINS` (empty: CORS off, the default).
    pub cors_origins: &'static str,
    /// Last changes to the settings, before the app starts.
    pub configure: Option<fn(&mut Settings)>,
    /// Settings as environment variables (`THIDUA_…`), read as the server reads them.
    pub env: Vec<(&'static str, String)>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: false,
            pool_size: 4,
            pool_timeout: Duration::from_secs(3),
            rate_limit_per_minute: 0,
            cors_origins: "",
            configure: None,
            env: Vec::new(),
        }
    }
}

/// The password every test account gets.
pub const PASSWORD: &str = "Mật khẩu thử nghiệm 2026";

impl Options {
    pub fn seeded() -> Self {
        Options { seed: true, ..Default::default() }
    }
}

type Caller = Rc<dyn Fn(actix_http::Request) -> LocalBoxFuture<'static, Response>>;

pub struct TestApp {
    pub state: web::Data<AppState>,
    /// An access token of the `admin` account every test app starts with; requests carry it
    /// unless they set their own `Authorization` (or use `send_anonymous`).
    pub admin_token: String,
    call: Caller,
    /// "<request id> <method> <path>" of every successful write, for the journal check.
    writes: Rc<RefCell<Vec<String>>>,
    /// Where this app's evidence files go.
    pub evidence_dir: tempfile::TempDir,
    _sqlite_dir: Option<tempfile::TempDir>,
    postgres_db: Option<(String, String)>,
}

/// The PostgreSQL server for tests, if one is configured. With THIDUA_REQUIRE_POSTGRES=1 (as in
/// CI) a missing URL fails the test instead of skipping it.
pub fn postgres_admin_url() -> Option<String> {
    let url = std::env::var("THIDUA_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty());
    if url.is_none() {
        assert!(
            std::env::var("THIDUA_REQUIRE_POSTGRES").as_deref() != Ok("1"),
            "THIDUA_REQUIRE_POSTGRES=1 but THIDUA_TEST_DATABASE_URL is not set"
        );
        eprintln!("skipped: THIDUA_TEST_DATABASE_URL is not set, so this PostgreSQL test did not run");
    }
    url
}

/// A URL on the same server as `admin_url`, naming another database.
pub fn with_database(admin_url: &str, name: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (admin_url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    format!("{host_part}/{name}{query}")
}

/// Creates an empty database for one test.
pub fn create_postgres_database() -> Option<(String, String, String)> {
    let admin = postgres_admin_url()?;
    let name = format!("thidua_test_{}", uuid::Uuid::now_v7().simple());
    let mut conn = diesel::PgConnection::establish(&admin).expect("connect to the test PostgreSQL server");
    conn.batch_execute(&format!("CREATE DATABASE {name}")).expect("create test database");
    Some((with_database(&admin, &name), admin, name))
}

pub fn drop_postgres_database(admin: &str, name: &str) {
    if let Ok(mut conn) = diesel::PgConnection::establish(admin) {
        let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    }
}

impl TestApp {
    pub async fn sqlite(options: Options) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("thidua.db").display());
        let mut app = Self::start(&url, options).await;
        app._sqlite_dir = Some(dir);
        app
    }

    /// `None` when no PostgreSQL server is configured for tests.
    pub async fn postgres(options: Options) -> Option<TestApp> {
        let (url, admin, name) = create_postgres_database()?;
        let mut app = Self::start(&url, options).await;
        app.postgres_db = Some((admin, name));
        Some(app)
    }

    pub async fn start(url: &str, options: Options) -> TestApp {
        let mut settings = Settings::from_lookup(|name| match name {
            "DATABASE_URL" => Some(url.to_string()),
            "THIDUA_CORS_ORIGINS" => Some(options.cors_origins.to_string()),
            other => options.env.iter().find(|(name, _)| *name == other).map(|(_, value)| value.clone()),
        })
        .expect("test settings");
        settings.db_pool_size = options.pool_size;
        settings.db_pool_timeout = options.pool_timeout;
        settings.max_body_bytes = 64 * 1024;
        settings.max_upload_bytes = 64 * 1024;
        let evidence_dir = tempfile::tempdir().expect("temp dir");
        // A test may name its own store (an S3 bucket: tests/api/s3.rs); otherwise a temp dir.
        if !options.env.iter().any(|(name, _)| *name == "THIDUA_EVIDENCE_STORE") {
            settings.evidence_store = evidence_dir.path().display().to_string();
        }
        settings.auth.rate_limit_per_minute = options.rate_limit_per_minute;
        if let Some(configure) = options.configure {
            configure(&mut settings);
        }
        startup::migrate(&settings).expect("migrations apply");
        if options.seed {
            let mut conn = DbConn::establish_url(url).expect("connect");
            thidua::seed::seed_reference(&mut conn).expect("seed");
        }
        let key = startup::signing_key(&settings).expect("signing key");
        let admin_hash = hash_blocking(startup::hash_params(&settings), PASSWORD).unwrap();
        let mut conn = DbConn::establish_url(url).expect("connect");
        accounts::insert_user(
            &mut conn,
            accounts::NewUser {
                username: "admin".into(),
                full_name: "Ban Thi đua – Khen thưởng".into(),
                email: None,
                phone: None,
                unit_id: None,
                roles: vec![Role::Admin],
                password_hash: admin_hash,
            },
        )
        .expect("create the test admin");
        let state = startup::state(settings, &key).expect("state");
        let service = Rc::new(test::init_service(startup::build_app(state.clone())).await);
        let writes: Rc<RefCell<Vec<String>>> = Rc::default();
        let recorded = writes.clone();
        let call: Caller = Rc::new(move |req| {
            let service = service.clone();
            let recorded = recorded.clone();
            Box::pin(async move {
                let mut req = req;
                let method = req.method().clone();
                let path = req.path().to_string();
                let query = req.uri().query().unwrap_or_default().to_string();
                let request_headers = req.headers().clone();
                let request_body = read_payload(&mut req).await;
                *req.payload() = actix_http::Payload::from(request_body.clone());
                let res = test::call_service(&*service, req).await;
                let status = res.status();
                let headers = res.headers().clone();
                let body = test::read_body(res).await.to_vec();
                contract::contract().check(&contract::Exchange {
                    method: &method,
                    path: &path,
                    query: &query,
                    request_headers: &request_headers,
                    request_body: &request_body,
                    status,
                    response_headers: &headers,
                    response_body: &body,
                });
                let is_write = !matches!(method.as_str(), "GET" | "HEAD" | "OPTIONS");
                let replayed = headers.contains_key("idempotent-replayed");
                if is_write && status.is_success() && !replayed {
                    let request_id = headers.get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default();
                    recorded.borrow_mut().push(format!("{request_id} {method} {path}"));
                }
                Response { status, headers, body }
            })
        });
        let mut app = TestApp {
            state,
            admin_token: String::new(),
            call,
            writes,
            evidence_dir,
            _sqlite_dir: None,
            postgres_db: None,
        };
        app.admin_token = app.token_for("admin").await;
        app
    }

    /// Signs in and returns the access token; panics unless the login succeeds.
    pub async fn token_for(&self, username: &str) -> String {
        let res = self.login(username, PASSWORD).await;
        assert_eq!(res.status, StatusCode::OK, "login {username}: {}", res.text());
        res.json()["access_token"].as_str().unwrap().to_string()
    }

    pub async fn login(&self, username: &str, password: &str) -> Response {
        let body = serde_json::json!({"username": username, "password": password});
        self.send_anonymous(TestRequest::post().uri("/api/v1/auth/login").set_json(&body)).await
    }

    /// Creates an account through the API and signs it in: (the user, an access token).
    pub async fn user(&self, username: &str, roles: &[&str], unit_id: Option<&Value>) -> (Value, String) {
        let body = serde_json::json!({
            "username": username, "full_name": format!("Cán bộ {username}"), "roles": roles,
            "unit_id": unit_id, "password": PASSWORD,
        });
        let res = self.post("/api/v1/users", &body).await;
        assert_eq!(res.status, StatusCode::CREATED, "creating {username}: {}", res.text());
        (res.json(), self.token_for(username).await)
    }

    /// How many files the evidence store holds (a directory, or an S3 bucket and prefix).
    pub fn stored_files(&self) -> usize {
        if let Some(rest) = self.state.settings.evidence_store.strip_prefix("s3://") {
            return crate::s3::objects_under(rest, &self.state.settings.evidence_s3);
        }
        fn count(dir: &std::path::Path) -> usize {
            std::fs::read_dir(dir)
                .map(|entries| entries.flatten().map(|e| if e.path().is_dir() { count(&e.path()) } else { 1 }).sum())
                .unwrap_or(0)
        }
        count(self.evidence_dir.path())
    }

    pub fn connection(&self) -> DbConn {
        DbConn::establish_url(&self.state.settings.database_url).expect("connect")
    }

    /// Sends as the admin unless the request carries its own `Authorization`.
    pub async fn send(&self, req: TestRequest) -> Response {
        let req = req.to_request();
        if req.headers().contains_key("authorization") {
            return (self.call)(req).await;
        }
        let mut req = req;
        req.headers_mut().insert(
            actix_web::http::header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {}", self.admin_token)).unwrap(),
        );
        (self.call)(req).await
    }

    pub async fn send_anonymous(&self, req: TestRequest) -> Response {
        (self.call)(req.to_request()).await
    }

    /// Sends with the given access token.
    pub async fn send_as(&self, token: &str, req: TestRequest) -> Response {
        (self.call)(req.insert_header(("authorization", format!("Bearer {token}"))).to_request()).await
    }

    pub async fn get(&self, path: &str) -> Response {
        self.send(TestRequest::get().uri(path)).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.send(TestRequest::post().uri(path).set_json(body)).await
    }

    /// POSTs an action that takes no body (`/submit`, `/verify`, …), as a generated client does.
    pub async fn act(&self, path: &str) -> Response {
        self.send(TestRequest::post().uri(path)).await
    }

    pub async fn patch(&self, path: &str, body: &Value, if_match: Option<&str>) -> Response {
        let mut req = TestRequest::patch().uri(path).set_json(body);
        if let Some(tag) = if_match {
            req = req.insert_header(("if-match", tag));
        }
        self.send(req).await
    }

    /// Replaces a record with PUT, naming the version it has now (as a client that just read it).
    pub async fn put_current(&self, token: &str, path: &str, body: &Value) -> Response {
        let current = self.send_as(token, TestRequest::get().uri(path)).await;
        let tag = current.header("etag").unwrap_or("\"0\"").to_string();
        self.send_as(token, TestRequest::put().uri(path).insert_header(("if-match", tag)).set_json(body)).await
    }

    /// Creates a unit through the API and returns its JSON; panics unless 201.
    pub async fn create(&self, collection: &str, body: Value) -> Value {
        let res = self.post(&format!("/api/v1/{collection}"), &body).await;
        assert_eq!(res.status, StatusCode::CREATED, "creating {body}: {}", res.text());
        res.json()
    }

    /// A province, with a district and a commune under it, created through the API.
    pub async fn small_tree(&self) -> (Value, Value, Value) {
        let province = self
            .create("provinces", serde_json::json!({"code": "99", "name": "Tỉnh Thử Nghiệm", "type": "tinh"}))
            .await;
        let district = self
            .create(
                "districts",
                serde_json::json!({"code": "999", "name": "Huyện Thử", "type": "huyen", "parent_id": province["id"]}),
            )
            .await;
        let commune = self
            .create(
                "communes",
                serde_json::json!({"code": "99999", "name": "Xã Đồng Thử", "type": "xa", "parent_id": district["id"]}),
            )
            .await;
        (province, district, commune)
    }
}

impl TestApp {
    /// Every write this app answered with success left at least one journal entry carrying its
    /// request id (the audit trail misses no write). Checked when each test app is dropped.
    pub fn assert_every_write_journaled(&self) {
        use diesel::prelude::*;
        use thidua::db::schema::journal;
        let mut conn = self.connection();
        let journaled: std::collections::HashSet<String> = journal::table
            .select(journal::request_id)
            .load::<Option<String>>(&mut conn)
            .expect("journal")
            .into_iter()
            .flatten()
            .collect();
        let missing: Vec<String> = self
            .writes
            .borrow()
            .iter()
            .filter(|w| !journaled.contains(w.split(' ').next().unwrap_or_default()))
            .cloned()
            .collect();
        assert!(missing.is_empty(), "successful writes without a journal entry: {missing:#?}");
    }
}

impl TestApp {
    /// For a test that drops the database under the app: writes before that are not checked.
    pub fn forget_writes(&self) {
        self.writes.borrow_mut().clear();
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            self.assert_every_write_journaled();
        }
        if let Some((admin, name)) = &self.postgres_db {
            drop_postgres_database(admin, name);
        }
    }
}

/// Runs `request` while `holder` — a connection inside a transaction that holds a lock the
/// request needs — keeps it: checks the request is still waiting after `patience`, then
/// commits the holder and returns the request's answer. `what`: the lock, for the message.
pub async fn held_back(
    holder: &mut DbConn,
    request: impl std::future::Future<Output = Response>,
    patience: Duration,
    what: &str,
) -> Response {
    let mut request = Box::pin(request);
    let early = actix_web::rt::time::timeout(patience, &mut request).await;
    assert!(early.is_err(), "the write went ahead while another transaction held {what}");
    holder.batch_execute("COMMIT").expect("the holder commits");
    request.await
}

pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(HeaderName::from_bytes(name.as_bytes()).unwrap()).and_then(|v: &HeaderValue| v.to_str().ok())
    }

    /// Asserts this is a problem document with `status` and `code`, and returns it.
    #[track_caller]
    pub fn problem(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status.as_u16(), status, "expected {status} {code}, got: {}", self.text());
        assert_eq!(self.header("content-type"), Some("application/problem+json"), "{}", self.text());
        let body = self.json();
        assert_eq!(body["status"], status);
        assert_eq!(body["code"], code, "{body}");
        assert_eq!(body["type"], format!("urn:thidua:problem:{code}"));
        assert!(body["title"].is_string() && body["detail"].is_string(), "{body}");
        body
    }
}

/// `s` percent-encoded for a query string (every byte but ASCII letters and digits).
pub fn urlencode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}
