//! Sign-in, sessions and tokens: each way a session ends is shown to cut off exactly the
//! tokens it should; forged and stale tokens are refused; failures are throttled.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use diesel::prelude::*;
use serde_json::{json, Value};
use thidua::db::schema::users;

use crate::helpers::{Response, TestApp, PASSWORD};

on_both_backends!(
    refresh_rotates_and_reuse_ends_the_session,
    logout_ends_only_its_own_session,
    password_change_ends_every_session,
    reset_deactivation_and_role_changes_cut_off_tokens,
    forged_expired_and_foreign_tokens_are_refused,
    failures_look_alike_and_are_throttled,
    a_stranger_cannot_lock_a_user_out,
    hashes_are_upgraded_at_login_and_the_key_is_shared,
    concurrent_guesses_cannot_slip_under_the_limit,
    a_session_is_not_opened_on_an_account_changed_meanwhile,
    the_last_admin_cannot_be_removed_even_concurrently,
    units_with_accounts_do_not_end_and_ended_units_get_none,
);

async fn concurrent_guesses_cannot_slip_under_the_limit(app: TestApp) {
    app.user("hoa.nt", &["viewer"], None).await;
    let guesses = (0..12).map(|i| {
        let app = &app;
        async move { app.login("hoa.nt", &format!("guess number {i}")).await }
    });
    let results = futures_util::future::join_all(guesses).await;
    let checked = results.iter().filter(|r| r.status == StatusCode::UNAUTHORIZED).count();
    let refused = results.iter().filter(|r| r.status == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!(checked + refused, 12, "{:?}", results.iter().map(super::helpers::Response::text).collect::<Vec<_>>());
    assert!(checked <= 5, "{checked} passwords were checked against a limit of 5");
}

async fn a_session_is_not_opened_on_an_account_changed_meanwhile(app: TestApp) {
    let (user, _) = app.user("hoa.nt", &["viewer"], None).await;
    let mut conn = app.connection();
    let user_id = thidua::domain::ids::UserId::parse(user["id"].as_str().unwrap()).unwrap();
    let read = thidua::models::accounts::find_user(&mut conn, user_id).unwrap();
    // An admin resets the password while the login is still hashing…
    let res = app
        .post(&format!("/api/v1/users/{}/reset-password", read.id), &json!({"new_password": "Mật khẩu đặt lại 2026"}))
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    // …so the session that login would open on what it read is refused.
    let start = thidua::models::accounts::SessionStart {
        user_id: read.id,
        verified_hash: read.password_hash.clone(),
        token_version: read.token_version,
        rehash: None,
        client_addr: "127.0.0.1".into(),
        refresh_hash: "x".repeat(64),
        refresh_expires_at: thidua::db::now() + chrono::TimeDelta::days(1),
        session_expires_at: thidua::db::now() + chrono::TimeDelta::days(1),
    };
    assert_eq!(thidua::models::accounts::open_session(&mut conn, start).unwrap(), None);
}

async fn the_last_admin_cannot_be_removed_even_concurrently(app: TestApp) {
    let (second, second_token) = app.user("admin.two", &["admin"], None).await;
    let first = me(&app, &app.admin_token).await.json();
    let deactivate = |token: String, target: Value| {
        let app = &app;
        async move {
            app.send_as(
                &token,
                TestRequest::post().uri(&format!("/api/v1/users/{}/deactivate", target["id"].as_str().unwrap())),
            )
            .await
        }
    };
    // Each admin deactivates the other at the same moment: one must lose.
    let (a, b) = futures_util::future::join(
        deactivate(app.admin_token.clone(), second.clone()),
        deactivate(second_token, first.clone()),
    )
    .await;
    let statuses = [a.status.as_u16(), b.status.as_u16()];
    assert!(statuses.contains(&200), "{statuses:?} {} {}", a.text(), b.text());
    let loser = if a.status == StatusCode::OK { &b } else { &a };
    // Refused as the last admin, or cut off because the winner deactivated them first.
    assert!(matches!(loser.status.as_u16(), 401 | 409), "{}", loser.text());
    let mut conn = app.connection();
    let active_admins: i64 = users::table
        .filter(users::active.eq(true))
        .filter(users::roles.like("%admin%"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(active_admins, 1);
}

async fn units_with_accounts_do_not_end_and_ended_units_get_none(app: TestApp) {
    let (commune, _) = commune_and_department(&app).await;
    let (user, _) = app.user("lan.pt", &["unit_officer"], Some(&commune["id"])).await;
    let unit = format!("/api/v1/communes/{}", commune["id"].as_str().unwrap());
    app.post(&format!("{unit}/deactivate"), &json!({"valid_until": "2025-06-30"})).await.problem(409, "unit_has_users");
    app.act(&format!("/api/v1/users/{}/deactivate", user["id"].as_str().unwrap())).await;
    let ended = app.post(&format!("{unit}/deactivate"), &json!({"valid_until": "2025-06-30"})).await;
    assert_eq!(ended.status, StatusCode::OK, "{}", ended.text());
    let body = app
        .post("/api/v1/users", &json!({"username": "moi.vao", "full_name": "Người Mới", "roles": ["unit_officer"], "unit_id": commune["id"], "password": PASSWORD}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["code"], "inactive_unit");
}

struct Session {
    access: String,
    refresh: String,
}

async fn sign_in(app: &TestApp, username: &str, password: &str) -> Session {
    let res = app.login(username, password).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let body = res.json();
    assert_eq!(body["token_type"], "Bearer");
    Session {
        access: body["access_token"].as_str().unwrap().into(),
        refresh: body["refresh_token"].as_str().unwrap().into(),
    }
}

async fn me(app: &TestApp, token: &str) -> Response {
    app.send_as(token, TestRequest::get().uri("/api/v1/auth/me")).await
}

async fn refresh(app: &TestApp, token: &str) -> Response {
    app.send_anonymous(TestRequest::post().uri("/api/v1/auth/refresh").set_json(json!({"refresh_token": token}))).await
}

#[track_caller]
fn assert_cut_off(res: &Response) {
    res.problem(401, "invalid_token");
    assert_eq!(res.header("www-authenticate"), Some("Bearer"));
}

async fn refresh_rotates_and_reuse_ends_the_session(app: TestApp) {
    app.user("hoa.nt", &["viewer"], None).await;
    let first = sign_in(&app, "hoa.nt", PASSWORD).await;
    assert_eq!(me(&app, &first.access).await.json()["username"], "hoa.nt");

    let res = refresh(&app, &first.refresh).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let second = res.json();
    let (access2, refresh2) = (second["access_token"].as_str().unwrap(), second["refresh_token"].as_str().unwrap());
    assert_ne!(refresh2, first.refresh);
    assert_eq!(me(&app, access2).await.status, StatusCode::OK);

    // The spent token comes back: someone has a copy, so the whole session ends.
    refresh(&app, &first.refresh).await.problem(401, "refresh_token_reused");
    refresh(&app, refresh2).await.problem(401, "invalid_refresh_token");
    assert_cut_off(&me(&app, access2).await);
    assert_cut_off(&me(&app, &first.access).await);
    refresh(&app, "not-a-token").await.problem(401, "invalid_refresh_token");
    // Signing in again starts a fresh session.
    sign_in(&app, "hoa.nt", PASSWORD).await;
}

async fn logout_ends_only_its_own_session(app: TestApp) {
    app.user("hoa.nt", &["viewer"], None).await;
    let laptop = sign_in(&app, "hoa.nt", PASSWORD).await;
    let phone = sign_in(&app, "hoa.nt", PASSWORD).await;
    let res = app.send_as(&laptop.access, TestRequest::post().uri("/api/v1/auth/logout")).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_cut_off(&me(&app, &laptop.access).await);
    refresh(&app, &laptop.refresh).await.problem(401, "invalid_refresh_token");
    assert_eq!(me(&app, &phone.access).await.status, StatusCode::OK);
    assert_eq!(refresh(&app, &phone.refresh).await.status, StatusCode::OK);
    let res = app.send_anonymous(TestRequest::post().uri("/api/v1/auth/logout")).await;
    assert_cut_off(&res);
}

async fn password_change_ends_every_session(app: TestApp) {
    app.user("hoa.nt", &["viewer"], None).await;
    let a = sign_in(&app, "hoa.nt", PASSWORD).await;
    let b = sign_in(&app, "hoa.nt", PASSWORD).await;
    let change = |current: &str, new: &str| {
        TestRequest::put()
            .uri("/api/v1/auth/password")
            .set_json(json!({"current_password": current, "new_password": new}))
    };

    let body = app
        .send_as(&a.access, change("wrong password here", "Một mật khẩu mới dài"))
        .await
        .problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "current_password");
    let body = app.send_as(&a.access, change(PASSWORD, "password123")).await.problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["code"], "too_common");
    assert_eq!(me(&app, &a.access).await.status, StatusCode::OK, "failed changes change nothing");

    let res = app.send_as(&a.access, change(PASSWORD, "Một mật khẩu mới dài")).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text());
    for session in [&a, &b] {
        assert_cut_off(&me(&app, &session.access).await);
        refresh(&app, &session.refresh).await.problem(401, "invalid_refresh_token");
    }
    app.login("hoa.nt", PASSWORD).await.problem(401, "invalid_credentials");
    sign_in(&app, "hoa.nt", "Một mật khẩu mới dài").await;
}

async fn reset_deactivation_and_role_changes_cut_off_tokens(app: TestApp) {
    let (commune, _) = commune_and_department(&app).await;
    let (user, _) = app.user("lan.pt", &["unit_officer"], Some(&commune["id"])).await;
    let path = format!("/api/v1/users/{}", user["id"].as_str().unwrap());

    // An admin reset ends the user's sessions.
    let s = sign_in(&app, "lan.pt", PASSWORD).await;
    let res = app.post(&format!("{path}/reset-password"), &json!({"new_password": "Mật khẩu đặt lại 2026"})).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text());
    assert_cut_off(&me(&app, &s.access).await);
    refresh(&app, &s.refresh).await.problem(401, "invalid_refresh_token");

    // Deactivation too; the deactivated user cannot sign in, and is told nothing more.
    let s = sign_in(&app, "lan.pt", "Mật khẩu đặt lại 2026").await;
    let res = app.act(&format!("{path}/deactivate")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.json()["active"], false);
    assert_cut_off(&me(&app, &s.access).await);
    refresh(&app, &s.refresh).await.problem(401, "invalid_refresh_token");
    let denied = app.login("lan.pt", "Mật khẩu đặt lại 2026").await.problem(401, "invalid_credentials");
    let wrong = app.login("lan.pt", "wrong password!").await.problem(401, "invalid_credentials");
    assert_eq!(denied["detail"], wrong["detail"]);
    assert_eq!(app.act(&format!("{path}/activate")).await.status, StatusCode::OK);

    // A role change cuts off access tokens (they carry roles); refreshing gets the new roles.
    let s = sign_in(&app, "lan.pt", "Mật khẩu đặt lại 2026").await;
    let res = app.patch(&path, &json!({"roles": ["viewer"]}), None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_cut_off(&me(&app, &s.access).await);
    let renewed = refresh(&app, &s.refresh).await.json();
    assert_eq!(renewed["user"]["roles"], json!(["viewer"]));
    assert_eq!(me(&app, renewed["access_token"].as_str().unwrap()).await.status, StatusCode::OK);

    // Admins cannot lock themselves out.
    let me_admin = me(&app, &app.admin_token).await.json();
    let own = format!("/api/v1/users/{}", me_admin["id"].as_str().unwrap());
    app.act(&format!("{own}/deactivate")).await.problem(409, "cannot_lock_out_self");
    app.patch(&own, &json!({"roles": ["viewer"]}), None).await.problem(409, "cannot_lock_out_self");
}

/// A commune and a department under a test province, for accounts to belong to.
pub async fn commune_and_department(app: &TestApp) -> (Value, Value) {
    let (province, _, commune) = app.small_tree().await;
    let department = app
        .create("departments", json!({"code": "99-SYT", "name": "Sở Y tế", "type": "so", "parent_id": province["id"]}))
        .await;
    (commune, department)
}

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
}

async fn forged_expired_and_foreign_tokens_are_refused(app: TestApp) {
    let mut conn = app.connection();
    let key = thidua::models::accounts::secret(&mut conn, "jwt_hs256_key", || unreachable!("the key exists")).unwrap();
    let real = app.admin_token.clone();
    let claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(real.split('.').nth(1).unwrap()).unwrap()).unwrap();
    let sign = |alg: jsonwebtoken::Algorithm, claims: &Value| {
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(alg),
            claims,
            &jsonwebtoken::EncodingKey::from_secret(key.as_bytes()),
        )
        .unwrap()
    };
    let with = |field: &str, value: Value| {
        let mut c = claims.clone();
        c[field] = value;
        c
    };
    let now = chrono::Utc::now().timestamp();
    // The real token works, and so does one we sign the same way: the forgeries below differ
    // only in the one thing each tests.
    assert_eq!(me(&app, &real).await.status, StatusCode::OK);
    assert_eq!(me(&app, &sign(jsonwebtoken::Algorithm::HS256, &claims)).await.status, StatusCode::OK);

    let mut forged = vec![
        ("expired", sign(jsonwebtoken::Algorithm::HS256, &with("exp", json!(now - 60)))),
        ("not yet valid", sign(jsonwebtoken::Algorithm::HS256, &with("nbf", json!(now + 600)))),
        ("wrong issuer", sign(jsonwebtoken::Algorithm::HS256, &with("iss", json!("someone-else")))),
        ("wrong audience", sign(jsonwebtoken::Algorithm::HS256, &with("aud", json!("another-api")))),
        ("other algorithm", sign(jsonwebtoken::Algorithm::HS512, &claims)),
        (
            "old token version",
            sign(jsonwebtoken::Algorithm::HS256, &with("ver", json!(claims["ver"].as_i64().unwrap() - 1))),
        ),
        ("unknown session", sign(jsonwebtoken::Algorithm::HS256, &with("sid", json!("no-such-session")))),
        ("alg none", format!("{}.{}.", b64(&json!({"alg": "none", "typ": "JWT"})), b64(&claims))),
        ("garbage", "not.a.jwt".to_string()),
    ];
    // Tampered: an admin's payload with an officer's… no, simply any changed byte of the payload.
    let parts: Vec<&str> = real.split('.').collect();
    forged.push(("tampered", format!("{}.{}.{}", parts[0], b64(&with("unit", json!("someone-elses-unit"))), parts[2])));
    forged.push((
        "signed with another key",
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(b"an attacker's guess at the signing key"),
        )
        .unwrap(),
    ));
    for (what, token) in forged {
        let res = me(&app, &token).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{what} was accepted");
        assert_cut_off(&res);
    }
    // No token, or another scheme.
    assert_cut_off(&app.send_anonymous(TestRequest::get().uri("/api/v1/auth/me")).await);
    assert_cut_off(
        &app.send(TestRequest::get().uri("/api/v1/auth/me").insert_header(("authorization", "Basic YWRtaW46eA==")))
            .await,
    );
}

async fn failures_look_alike_and_are_throttled(app: TestApp) {
    app.user("hoa.nt", &["viewer"], None).await;
    let unknown = app.login("nobody.here", "whatever password").await.problem(401, "invalid_credentials");
    let wrong = app.login("hoa.nt", "whatever password").await.problem(401, "invalid_credentials");
    assert_eq!(unknown["detail"], wrong["detail"], "the answer does not reveal whether the username exists");

    // Per username from this address: after 5 failures (the one above included) even the right
    // password waits — here. (From another address it is let in: `a_stranger_cannot_lock_a_user_out`.)
    for _ in 0..4 {
        app.login("hoa.nt", "still wrong password").await.problem(401, "invalid_credentials");
    }
    let res = app.login("hoa.nt", PASSWORD).await;
    res.problem(429, "too_many_requests");
    let wait: u64 = res.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=900).contains(&wait), "{wait}");
    // An unknown username is throttled the same way, so throttling reveals nothing either.
    for _ in 0..4 {
        app.login("nobody.here", "whatever password").await;
    }
    app.login("nobody.here", "whatever password").await.problem(429, "too_many_requests");

    // Per client address: 20 failures from one address, over many usernames, block it.
    for i in 0..10 {
        app.login(&format!("guess{i}"), "whatever password").await;
    }
    app.login("another.name", "whatever password").await.problem(429, "too_many_requests");
}

/// Signs in from a given client address.
async fn login_from(app: &TestApp, addr: &str, username: &str, password: &str) -> Response {
    let body = json!({"username": username, "password": password});
    let req = TestRequest::post()
        .uri("/api/v1/auth/login")
        .peer_addr(format!("{addr}:40000").parse().unwrap())
        .set_json(&body);
    app.send_anonymous(req).await
}

async fn a_stranger_cannot_lock_a_user_out(app: TestApp) {
    app.user("hoa.nt", &["viewer"], None).await;
    // The attack: five wrong passwords from one address, as case, width and whitespace
    // variants of the name (all count as "hoa.nt").
    for variant in ["hoa.nt", "HOA.NT", "  Hoa.Nt ", "ｈｏａ.ｎｔ", "hoa.nt"] {
        login_from(&app, "198.51.100.7", variant, "wrong password!").await.problem(401, "invalid_credentials");
    }
    login_from(&app, "198.51.100.7", "hoa.nt", PASSWORD).await.problem(429, "too_many_requests");
    // The real user, from an address that has not failed, signs in.
    let res = login_from(&app, "203.0.113.9", "hoa.nt", PASSWORD).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    // And another user from the attacker's address is not held up by that name's failures.
    app.user("lan.pt", &["viewer"], None).await;
    assert_eq!(login_from(&app, "198.51.100.7", "lan.pt", PASSWORD).await.status, StatusCode::OK);
}

// A slowdown well above what one sign-in takes on a loaded machine (a hash under load took
// 660 ms once), so "slowed" and "not slowed" stay apart whatever else the machine is doing.
with_options!(a_username_failing_from_many_addresses_is_slowed_not_refused, super::slow_sign_in());
with_options!(password_changes_have_their_own_counter, super::slow_sign_in());

const SLOWDOWN_MS: u64 = 2000;

fn slow_sign_in() -> crate::helpers::Options {
    fn configure(s: &mut thidua::config::Settings) {
        s.auth.login_slowdown_ms = SLOWDOWN_MS;
    }
    crate::helpers::Options { configure: Some(configure), ..Default::default() }
}

async fn a_username_failing_from_many_addresses_is_slowed_not_refused(app: TestApp) {
    use std::time::{Duration, Instant};
    let slowdown = Duration::from_millis(SLOWDOWN_MS);
    app.user("hoa.nt", &["viewer"], None).await;
    for i in 1..=5 {
        login_from(&app, &format!("198.51.100.{i}"), "hoa.nt", "wrong password!")
            .await
            .problem(401, "invalid_credentials");
    }
    // The sixth address: slowed down (THIDUA_LOGIN_SLOWDOWN_MS), never refused.
    let started = Instant::now();
    let res = login_from(&app, "198.51.100.6", "hoa.nt", "wrong password!").await;
    res.problem(401, "invalid_credentials");
    assert!(started.elapsed() >= slowdown, "{:?}", started.elapsed());
    let started = Instant::now();
    let res = login_from(&app, "203.0.113.9", "hoa.nt", PASSWORD).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert!(started.elapsed() >= 2 * slowdown, "twice as slow after one more failure: {:?}", started.elapsed());
    // A success forgives the name: the next sign-in is not slowed.
    let started = Instant::now();
    assert_eq!(login_from(&app, "203.0.113.9", "hoa.nt", PASSWORD).await.status, StatusCode::OK);
    assert!(started.elapsed() < slowdown, "{:?}", started.elapsed());
}

async fn password_changes_have_their_own_counter(app: TestApp) {
    let (_, token) = app.user("hoa.nt", &["viewer"], None).await;
    let change = |current: &str| {
        let req = TestRequest::put()
            .uri("/api/v1/auth/password")
            .set_json(json!({"current_password": current, "new_password": "Một mật khẩu mới khác 2026"}));
        let (app, token) = (&app, token.clone());
        async move { app.send_as(&token, req).await }
    };
    for _ in 0..5 {
        change("not my password").await.problem(422, "validation_failed");
    }
    change(PASSWORD).await.problem(429, "too_many_requests");
    // Signing in is not slowed (by the 2 s a slowed sign-in waits: a margin no load eats) or
    // refused by them.
    let started = std::time::Instant::now();
    assert_eq!(app.login("hoa.nt", PASSWORD).await.status, StatusCode::OK);
    assert!(started.elapsed() < std::time::Duration::from_millis(SLOWDOWN_MS), "{:?}", started.elapsed());
}

mod rate_limit {
    #[actix_web::test]
    async fn sqlite() {
        let options = crate::helpers::Options { rate_limit_per_minute: 8, ..Default::default() };
        super::requests_past_the_rate_limit_get_429(crate::helpers::TestApp::sqlite(options).await).await;
    }
}

async fn requests_past_the_rate_limit_get_429(app: TestApp) {
    // 8 a minute allows bursts of 2 and one more request every 7.5 s (a margin no loaded test
    // machine eats up); the test app's own sign-in used one.
    assert_eq!(app.get("/api/v1/communes").await.status, StatusCode::OK);
    let res = app.get("/api/v1/communes").await;
    res.problem(429, "too_many_requests");
    assert!(res.header("retry-after").is_some());
    assert_eq!(app.get("/health/live").await.status, StatusCode::OK, "health checks are not limited");
}

async fn hashes_are_upgraded_at_login_and_the_key_is_shared(app: TestApp) {
    app.user("hoa.nt", &["viewer"], None).await;
    let mut conn = app.connection();
    // A hash made under other parameters (as before a configuration change).
    let old_params = thidua::auth::password::HashParams { memory_kib: 19 * 1024, iterations: 3, lanes: 1 };
    let old_hash = thidua::auth::password::hash_blocking(old_params, PASSWORD).unwrap();
    diesel::update(users::table.filter(users::username.eq("hoa.nt")))
        .set(users::password_hash.eq(&old_hash))
        .execute(&mut conn)
        .unwrap();
    sign_in(&app, "hoa.nt", PASSWORD).await;
    let stored: String =
        users::table.filter(users::username.eq("hoa.nt")).select(users::password_hash).first(&mut conn).unwrap();
    assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "not upgraded: {stored}");
    sign_in(&app, "hoa.nt", PASSWORD).await;

    // A second instance on the same database signs and verifies with the same generated key.
    let key_again = thidua::startup::signing_key(&app.state.settings).unwrap();
    let other = thidua::startup::state(app.state.settings.clone(), &key_again).unwrap();
    let claims = other.tokens.verify(&app.admin_token);
    assert!(claims.is_some(), "a token from one instance is valid on another");
}
