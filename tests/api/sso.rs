//! Single sign-on with the provincial identity provider (OpenID Connect): an ID token exchanged
//! for a session, account linking, key rotation, and every way a token or a provider can fail.
//! The provider is a small HTTP server in the test that publishes a discovery document and a
//! key set, and signs tokens with the test keys in tests/fixtures/oidc.

use std::sync::{Arc, Mutex};

use actix_web::test::TestRequest;
use actix_web::{web, App, HttpResponse, HttpServer};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use crate::helpers::{Options, TestApp, PASSWORD};

const CLIENT_ID: &str = "cong-dich-vu-cong-bac-kan";

/// The fake provider: which keys it publishes, and whether it answers at all.
struct ProviderState {
    published: Vec<&'static str>,
    up: bool,
}

#[derive(Clone)]
struct Provider {
    issuer: String,
    state: Arc<Mutex<ProviderState>>,
}

fn public_jwks(kids: &[&str]) -> Value {
    let all: Value = serde_json::from_str(include_str!("../fixtures/oidc/public.json")).unwrap();
    json!({ "keys": kids.iter().map(|k| all[*k].clone()).collect::<Vec<_>>() })
}

impl Provider {
    fn start(published: &[&'static str]) -> Provider {
        let state = Arc::new(Mutex::new(ProviderState { published: published.to_vec(), up: true }));
        let issuer: Arc<Mutex<String>> = Arc::default();
        let shared = (state.clone(), issuer.clone());
        let server = HttpServer::new(move || {
            let (state, issuer) = shared.clone();
            App::new().service(
                web::scope("/realms/bac-kan")
                    .route(
                        "/.well-known/openid-configuration",
                        web::get().to({
                            let (state, issuer) = (state.clone(), issuer.clone());
                            move || {
                                let up = state.lock().unwrap().up;
                                let issuer = issuer.lock().unwrap().clone();
                                async move {
                                    if !up {
                                        return HttpResponse::ServiceUnavailable().finish();
                                    }
                                    HttpResponse::Ok().json(json!({
                                        "issuer": issuer,
                                        "jwks_uri": format!("{issuer}/jwks"),
                                        "id_token_signing_alg_values_supported": ["RS256", "ES256"],
                                    }))
                                }
                            }
                        }),
                    )
                    .route(
                        "/jwks",
                        web::get().to(move || {
                            let state = state.lock().unwrap();
                            let answer = if state.up {
                                HttpResponse::Ok().json(public_jwks(&state.published))
                            } else {
                                HttpResponse::ServiceUnavailable().finish()
                            };
                            async move { answer }
                        }),
                    ),
            )
        })
        .workers(1)
        .bind(("127.0.0.1", 0))
        .expect("bind the provider");
        let url = format!("http://{}/realms/bac-kan", server.addrs()[0]);
        *issuer.lock().unwrap() = url.clone();
        // The issuer has a path, as Keycloak's do.
        let server = server.run();
        actix_web::rt::spawn(server);
        Provider { issuer: url, state }
    }

    fn publish(&self, kids: &[&'static str]) {
        self.state.lock().unwrap().published = kids.to_vec();
    }

    fn set_up(&self, up: bool) {
        self.state.lock().unwrap().up = up;
    }
}

/// Claims of a valid token for `sub`; tests change what they test.
fn claims(issuer: &str, sub: &str) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({
        "iss": issuer,
        "sub": sub,
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 300,
        "name": "Nguyễn Văn An",
        "preferred_username": "an.nv",
        "nonce": uuid::Uuid::now_v7().to_string(),
    })
}

fn sign(kid: &str, claims: &Value) -> String {
    let (alg, key) = match kid {
        "ec1" => (Algorithm::ES256, EncodingKey::from_ec_der(include_bytes!("../fixtures/oidc/ec1.der"))),
        "rsa2" => (Algorithm::RS256, EncodingKey::from_rsa_der(include_bytes!("../fixtures/oidc/rsa2.der"))),
        _ => (Algorithm::RS256, EncodingKey::from_rsa_der(include_bytes!("../fixtures/oidc/rsa1.der"))),
    };
    let mut header = Header::new(alg);
    header.kid = Some(kid.to_string());
    jsonwebtoken::encode(&header, claims, &key).expect("sign a test token")
}

fn options(issuer: &str, link_claim: &str) -> Options {
    Options {
        env: vec![
            ("THIDUA_OIDC_ISSUER", issuer.to_string()),
            ("THIDUA_OIDC_CLIENT_ID", CLIENT_ID.to_string()),
            ("THIDUA_OIDC_ALLOW_HTTP", "true".to_string()),
            ("THIDUA_OIDC_LINK_CLAIM", link_claim.to_string()),
            ("THIDUA_OIDC_TIMEOUT_MS", "2000".to_string()),
        ],
        ..Default::default()
    }
}

/// Runs the test on SQLite and, when configured, on PostgreSQL, each with its own provider.
macro_rules! with_provider {
    ($($name:ident($link:literal)),+ $(,)?) => {$(
        mod $name {
            #[actix_web::test]
            async fn sqlite() {
                let provider = super::Provider::start(&["rsa1"]);
                let app = crate::helpers::TestApp::sqlite(super::options(&provider.issuer, $link)).await;
                super::$name(app, provider).await
            }
            #[actix_web::test]
            async fn postgres() {
                let provider = super::Provider::start(&["rsa1"]);
                if let Some(app) = crate::helpers::TestApp::postgres(super::options(&provider.issuer, $link)).await {
                    super::$name(app, provider).await
                }
            }
        }
    )+};
}

with_provider!(
    signs_in_an_unknown_identity_without_roles("sub"),
    refuses_tokens_that_do_not_verify("sub"),
    follows_key_rotation("sub"),
    admin_links_an_account_and_deactivation_wins("sub"),
    links_by_preferred_username_at_first_sign_in("preferred_username"),
);

async fn exchange(app: &TestApp, token: &str) -> crate::helpers::Response {
    app.send_anonymous(TestRequest::post().uri("/api/v1/auth/oidc").set_json(json!({ "id_token": token }))).await
}

async fn signs_in_an_unknown_identity_without_roles(app: TestApp, provider: Provider) {
    let token = sign("rsa1", &claims(&provider.issuer, "248289761001"));
    let res = exchange(&app, &token).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let session = res.json();
    assert_eq!(session["user"]["username"], "an.nv");
    assert_eq!(session["user"]["full_name"], "Nguyễn Văn An");
    assert_eq!(session["user"]["roles"], json!([]), "an unknown identity gets no roles");
    let access = session["access_token"].as_str().unwrap().to_string();

    // Signed in, but without roles it reaches nothing a role opens.
    let me = app.send_as(&access, TestRequest::get().uri("/api/v1/auth/me")).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.json()["id"], session["user"]["id"]);
    let users = app.send_as(&access, TestRequest::get().uri("/api/v1/users")).await;
    assert!(matches!(users.status.as_u16(), 403 | 404), "{}", users.status);

    // The same token twice: refused, the first session stands.
    exchange(&app, &token).await.problem(401, "id_token_reused");
    let refreshed = app
        .send_anonymous(
            TestRequest::post()
                .uri("/api/v1/auth/refresh")
                .set_json(json!({ "refresh_token": session["refresh_token"] })),
        )
        .await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.text());

    // A new token for the same subject reaches the same account; no password opens it.
    let again = exchange(&app, &sign("rsa1", &claims(&provider.issuer, "248289761001"))).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.json()["user"]["id"], session["user"]["id"]);
    app.login("an.nv", PASSWORD).await.problem(401, "invalid_credentials");
    app.login("an.nv", "!single-sign-on").await.problem(401, "invalid_credentials");

    // Another subject whose preferred username is taken gets a name of its own.
    let other = exchange(&app, &sign("rsa1", &claims(&provider.issuer, "other-subject"))).await;
    assert_eq!(other.status, 200);
    assert!(other.json()["user"]["username"].as_str().unwrap().starts_with("sso-"));
    assert_ne!(other.json()["user"]["id"], session["user"]["id"]);
}

async fn refuses_tokens_that_do_not_verify(app: TestApp, provider: Provider) {
    let issuer = provider.issuer.clone();
    let now = chrono::Utc::now().timestamp();
    let with = |change: &dyn Fn(&mut Value)| {
        let mut c = claims(&issuer, "s-1");
        change(&mut c);
        c
    };
    let cases: Vec<(&str, String, &str, &str)> = vec![
        (
            "another audience",
            sign("rsa1", &with(&|c| c["aud"] = json!("another-client"))),
            "audience",
            "bên nhận (audience) khác",
        ),
        (
            "another issuer",
            sign("rsa1", &with(&|c| c["iss"] = json!("https://idp.example.vn"))),
            "provider",
            "hệ thống xác thực khác phát hành",
        ),
        ("expired", sign("rsa1", &with(&|c| c["exp"] = json!(now - 600))), "expired", "mã đã hết hạn"),
        (
            "no subject",
            sign("rsa1", &with(&|c| c.as_object_mut().unwrap().remove("sub").map(|_| ()).unwrap())),
            "claim",
            "thiếu thông tin (claim) bắt buộc",
        ),
        (
            "another client as azp",
            sign("rsa1", &with(&|c| c["azp"] = json!("another-client"))),
            "azp",
            "ứng dụng khác (azp)",
        ),
        // A key the provider does not publish, under the id of one it does.
        ("forged with the published kid", forged_as_rsa1(&issuer), "signature", "chữ ký không hợp lệ"),
        ("unpublished key", sign("rsa2", &claims(&issuer, "s-1")), "key", "khóa mà hệ thống xác thực không công bố"),
        ("symmetric", hs256(&issuer), "RS256", "RS256 hoặc ES256"),
        ("not a JWT", "abc.def".to_string(), "JWT", "không phải là JWT có chữ ký"),
    ];
    for (case, token, says, says_vi) in cases {
        // The detail names what failed in the words the code wrote: ask for English.
        let res = app
            .send_anonymous(
                TestRequest::post()
                    .uri("/api/v1/auth/oidc")
                    .insert_header(("accept-language", "en"))
                    .set_json(json!({ "id_token": token })),
            )
            .await;
        let problem = res.problem(401, "invalid_id_token");
        assert!(problem["detail"].as_str().unwrap().contains(says), "{case}: {}", problem["detail"]);
        // In Vietnamese (the default) it names the same check.
        let res = app
            .send_anonymous(TestRequest::post().uri("/api/v1/auth/oidc").set_json(json!({ "id_token": token })))
            .await;
        assert_eq!(res.header("content-language"), Some("vi"));
        let problem = res.problem(401, "invalid_id_token");
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.starts_with("Mã định danh (ID token) không được chấp nhận: "), "{case}: {detail}");
        assert!(detail.contains(says_vi), "{case}: {detail}");
    }
    // None of them made an account.
    let users = app.get("/api/v1/users?limit=100").await.json();
    assert_eq!(users["items"].as_array().unwrap().len(), 1, "only the admin: {users}");
}

fn forged_as_rsa1(issuer: &str) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("rsa1".into());
    let key = EncodingKey::from_rsa_der(include_bytes!("../fixtures/oidc/rsa2.der"));
    jsonwebtoken::encode(&header, &claims(issuer, "s-1"), &key).unwrap()
}

fn hs256(issuer: &str) -> String {
    let key = EncodingKey::from_secret(CLIENT_ID.as_bytes());
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims(issuer, "s-1"), &key).unwrap()
}

async fn follows_key_rotation(app: TestApp, provider: Provider) {
    let first = exchange(&app, &sign("rsa1", &claims(&provider.issuer, "s-rot"))).await;
    assert_eq!(first.status, 200, "{}", first.text());
    // The provider rotates: a new RSA key and an EC key; the old one is withdrawn.
    provider.publish(&["rsa2", "ec1"]);
    let rotated = exchange(&app, &sign("rsa2", &claims(&provider.issuer, "s-rot"))).await;
    assert_eq!(rotated.status, 200, "a token under the new key: {}", rotated.text());
    let ec = exchange(&app, &sign("ec1", &claims(&provider.issuer, "s-rot"))).await;
    assert_eq!(ec.status, 200, "ES256: {}", ec.text());
    assert_eq!(rotated.json()["user"]["id"], first.json()["user"]["id"]);
    exchange(&app, &sign("rsa1", &claims(&provider.issuer, "s-rot"))).await.problem(401, "invalid_id_token");

    // The provider goes down: keys read before keep working...
    provider.set_up(false);
    let cached = exchange(&app, &sign("ec1", &claims(&provider.issuer, "s-rot"))).await;
    assert_eq!(cached.status, 200, "{}", cached.text());
    // ...and the local password sign-in is untouched.
    assert_eq!(app.login("admin", PASSWORD).await.status, 200);
}

async fn admin_links_an_account_and_deactivation_wins(app: TestApp, provider: Provider) {
    let (_, _, unit) = app.small_tree().await;
    let (hoa, officer_token) = app.user("hoa.nt", &["unit_officer"], Some(&unit["id"])).await;
    let (lan, _) = app.user("lan.pt", &["unit_officer"], Some(&unit["id"])).await;
    let link = |id: &Value| format!("/api/v1/users/{}/identity", id.as_str().unwrap());

    // A path that is not a user id is a bad request, not a server error.
    app.send(TestRequest::put().uri("/api/v1/users/null,null/identity").set_json(json!({ "subject": "s" })))
        .await
        .problem(400, "invalid_path");
    app.send(TestRequest::delete().uri("/api/v1/users/0.5/identity")).await.problem(400, "invalid_path");

    // Only the board links accounts.
    let by_officer = app
        .send_as(&officer_token, TestRequest::put().uri(&link(&hoa["id"])).set_json(json!({ "subject": "s-hoa" })))
        .await;
    by_officer.problem(403, "forbidden");

    let linked = app.send(TestRequest::put().uri(&link(&hoa["id"])).set_json(json!({ "subject": "s-hoa" }))).await;
    assert_eq!(linked.status, 200, "{}", linked.text());
    assert_eq!(linked.json()["issuer"], provider.issuer.as_str());
    // One subject, one account.
    app.send(TestRequest::put().uri(&link(&lan["id"])).set_json(json!({ "subject": "s-hoa" })))
        .await
        .problem(409, "identity_taken");

    let session = exchange(&app, &sign("rsa1", &claims(&provider.issuer, "s-hoa"))).await;
    assert_eq!(session.status, 200, "{}", session.text());
    assert_eq!(session.json()["user"]["id"], hoa["id"]);
    assert_eq!(session.json()["user"]["roles"], json!(["unit_officer"]), "the account's own roles");

    // Deactivated here: the provider's word does not bring it back.
    let deactivate =
        app.send(TestRequest::post().uri(&format!("/api/v1/users/{}/deactivate", hoa["id"].as_str().unwrap()))).await;
    assert!(deactivate.status.is_success(), "{}", deactivate.text());
    exchange(&app, &sign("rsa1", &claims(&provider.issuer, "s-hoa"))).await.problem(403, "account_deactivated");

    // Unlinked: the subject is a stranger again (a new account without roles).
    assert_eq!(app.send(TestRequest::delete().uri(&link(&hoa["id"]))).await.status, 204);
    app.send(TestRequest::delete().uri(&link(&hoa["id"]))).await.problem(404, "not_found");
    let stranger = exchange(&app, &sign("rsa1", &claims(&provider.issuer, "s-hoa"))).await;
    assert_eq!(stranger.status, 200);
    assert_ne!(stranger.json()["user"]["id"], hoa["id"]);
    assert_eq!(stranger.json()["user"]["roles"], json!([]));
}

async fn links_by_preferred_username_at_first_sign_in(app: TestApp, provider: Provider) {
    let (_, _, unit) = app.small_tree().await;
    let (an, _) = app.user("an.nv", &["unit_officer"], Some(&unit["id"])).await;
    let mut c = claims(&provider.issuer, "s-an");
    c["preferred_username"] = json!("An.NV");
    let session = exchange(&app, &sign("rsa1", &c)).await;
    assert_eq!(session.status, 200, "{}", session.text());
    assert_eq!(session.json()["user"]["id"], an["id"], "linked to the account of that username");
    // From then on by subject: a later token with another username still reaches it.
    let mut later = claims(&provider.issuer, "s-an");
    later["preferred_username"] = json!("someone.else");
    assert_eq!(exchange(&app, &sign("rsa1", &later)).await.json()["user"]["id"], an["id"]);
    // Another subject claiming the same username does not take the account.
    let mut intruder = claims(&provider.issuer, "s-intruder");
    intruder["preferred_username"] = json!("an.nv");
    let other = exchange(&app, &sign("rsa1", &intruder)).await;
    assert_eq!(other.status, 200);
    assert_ne!(other.json()["user"]["id"], an["id"]);
    assert_eq!(other.json()["user"]["roles"], json!([]));
}

#[actix_web::test]
async fn answers_404_when_single_sign_on_is_not_configured() {
    let app = TestApp::sqlite(Options::default()).await;
    exchange(&app, "a.b.c").await.problem(404, "single_sign_on_off");
}

#[actix_web::test]
async fn a_provider_that_cannot_be_reached_answers_503_and_passwords_still_work() {
    // Nothing listens on this port once the listener is dropped.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let issuer = format!("http://127.0.0.1:{port}");
    let app = TestApp::sqlite(options(&issuer, "sub")).await;
    let res = exchange(&app, &sign("rsa1", &claims(&issuer, "s-1"))).await;
    res.problem(503, "identity_provider_unavailable");
    assert!(res.header("retry-after").is_some());
    assert_eq!(app.login("admin", PASSWORD).await.status, 200);
}
