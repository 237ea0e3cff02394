//! Service accounts: the board manages clients; clients get tokens with client credentials
//! (RFC 6749 §4.4), read within their scopes and unit, never write, and are cut off by secret
//! rotation and revocation at once.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use base64::Engine;
use serde_json::{json, Value};

use crate::helpers::{Response, TestApp};

on_both_backends!(
    client_credentials_flow_from_creation_to_revocation,
    bad_credentials_grants_and_scopes_are_refused,
    unit_bound_clients_see_only_their_unit,
    only_admins_manage_clients,
    integration_scopes_gate_the_feed_reports_and_audit,
);

fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}")))
}

async fn create_client(app: &TestApp, body: Value) -> (String, String) {
    let res = app.post("/api/v1/service-clients", &body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    assert_eq!(res.header("cache-control"), Some("no-store"));
    let client = res.json();
    assert_eq!(client["client_id"], client["id"]);
    assert_eq!(res.header("location").unwrap(), format!("/api/v1/service-clients/{}", client["id"].as_str().unwrap()));
    (client["client_id"].as_str().unwrap().to_string(), client["client_secret"].as_str().unwrap().to_string())
}

async fn token_request(app: &TestApp, authorization: Option<&str>, form: &str) -> Response {
    let mut req = TestRequest::post()
        .uri("/api/v1/oauth/token")
        .insert_header(("content-type", "application/x-www-form-urlencoded"))
        .set_payload(form.to_string());
    if let Some(value) = authorization {
        req = req.insert_header(("authorization", value.to_string()));
    }
    app.send_anonymous(req).await
}

#[track_caller]
fn oauth_error(res: &Response, status: u16, error: &str) {
    assert_eq!(res.status.as_u16(), status, "{}", res.text());
    assert_eq!(res.header("content-type"), Some("application/json"), "{}", res.text());
    assert_eq!(res.json()["error"], error, "{}", res.text());
    assert_eq!(res.header("cache-control"), Some("no-store"));
    if status == 401 {
        assert!(res.header("www-authenticate").is_some_and(|v| v.starts_with("Basic ")), "{:?}", res.headers);
    }
}

async fn token(app: &TestApp, id: &str, secret: &str) -> String {
    let res = token_request(app, Some(&basic(id, secret)), "grant_type=client_credentials").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    res.json()["access_token"].as_str().unwrap().to_string()
}

async fn client_credentials_flow_from_creation_to_revocation(app: TestApp) {
    let (id, secret) =
        create_client(&app, json!({"name": "Hệ thống báo cáo Sở Nội vụ", "scopes": ["read", "events:read"]})).await;

    // Reading the client back never shows the secret.
    let shown = app.get(&format!("/api/v1/service-clients/{id}")).await.json();
    assert!(shown.get("client_secret").is_none() && shown["active"] == true, "{shown}");
    let listed = app.get("/api/v1/service-clients").await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert!(listed["items"][0].get("client_secret").is_none());

    let res = token_request(&app, Some(&basic(&id, &secret)), "grant_type=client_credentials").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.header("cache-control"), Some("no-store"));
    let body = res.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], "events:read read");
    assert!(body["expires_in"].as_i64().unwrap() > 0);
    let old_token = body["access_token"].as_str().unwrap().to_string();

    // Credentials in the body work too, and a narrower scope may be asked for.
    let res = token_request(
        &app,
        None,
        &format!("grant_type=client_credentials&client_id={id}&client_secret={secret}&scope=read"),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.json()["scope"], "read");

    // It reads like a province-wide viewer…
    let res = app.send_as(&old_token, TestRequest::get().uri("/api/v1/campaigns")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    // …but never writes, wherever it tries.
    let res = app
        .send_as(
            &old_token,
            TestRequest::post()
                .uri("/api/v1/clusters")
                .set_json(json!({"name": "Cụm", "year": 2026, "member_ids": []})),
        )
        .await;
    res.problem(403, "forbidden");
    let res = app.send_as(&old_token, TestRequest::post().uri("/api/v1/auth/logout")).await;
    res.problem(403, "forbidden");
    // Nor manages clients.
    let res = app.send_as(&old_token, TestRequest::get().uri("/api/v1/service-clients")).await;
    res.problem(403, "forbidden");

    // Rotation: the old secret and the tokens issued under it stop working.
    let res = app.act(&format!("/api/v1/service-clients/{id}/rotate-secret")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.header("cache-control"), Some("no-store"));
    let new_secret = res.json()["client_secret"].as_str().unwrap().to_string();
    assert_ne!(new_secret, secret);
    oauth_error(
        &token_request(&app, Some(&basic(&id, &secret)), "grant_type=client_credentials").await,
        401,
        "invalid_client",
    );
    app.send_as(&old_token, TestRequest::get().uri("/api/v1/campaigns")).await.problem(401, "invalid_token");
    let new_token = token(&app, &id, &new_secret).await;
    assert_eq!(app.send_as(&new_token, TestRequest::get().uri("/api/v1/campaigns")).await.status, StatusCode::OK);

    // Revocation: everything stops at once, and stays stopped.
    let res = app.act(&format!("/api/v1/service-clients/{id}/revoke")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.json()["active"], false);
    app.send_as(&new_token, TestRequest::get().uri("/api/v1/campaigns")).await.problem(401, "invalid_token");
    oauth_error(
        &token_request(&app, Some(&basic(&id, &new_secret)), "grant_type=client_credentials").await,
        401,
        "invalid_client",
    );
    app.act(&format!("/api/v1/service-clients/{id}/rotate-secret")).await.problem(409, "client_revoked");
}

async fn bad_credentials_grants_and_scopes_are_refused(app: TestApp) {
    let (id, secret) = create_client(&app, json!({"name": "Cổng dữ liệu tỉnh"})).await;
    let ok = "grant_type=client_credentials";
    oauth_error(&token_request(&app, Some(&basic(&id, "sai-bi-mat")), ok).await, 401, "invalid_client");
    oauth_error(
        &token_request(&app, Some(&basic(&uuid::Uuid::now_v7().to_string(), &secret)), ok).await,
        401,
        "invalid_client",
    );
    oauth_error(&token_request(&app, Some(&basic("không-phải-id", &secret)), ok).await, 401, "invalid_client");
    oauth_error(&token_request(&app, None, ok).await, 401, "invalid_client");
    oauth_error(
        &token_request(&app, Some(&basic(&id, &secret)), "grant_type=password").await,
        400,
        "unsupported_grant_type",
    );
    oauth_error(&token_request(&app, Some(&basic(&id, &secret)), "scope=read").await, 400, "invalid_request");
    oauth_error(
        &token_request(&app, Some(&basic(&id, &secret)), "grant_type=client_credentials&grant_type=client_credentials")
            .await,
        400,
        "invalid_request",
    );
    oauth_error(
        &token_request(&app, Some(&basic(&id, &secret)), &format!("{ok}&client_id={id}&client_secret={secret}")).await,
        400,
        "invalid_request",
    );
    // Granted `read` only: the feed's scope is not its to ask for.
    oauth_error(
        &token_request(&app, Some(&basic(&id, &secret)), &format!("{ok}&scope=read%20events:read")).await,
        400,
        "invalid_scope",
    );
    let res = app
        .send_anonymous(
            TestRequest::post()
                .uri("/api/v1/oauth/token")
                .insert_header(("authorization", basic(&id, &secret)))
                .set_json(json!({"grant_type": "client_credentials"})),
        )
        .await;
    oauth_error(&res, 400, "invalid_request");

    // A token without the `read` scope reads no records.
    let (feed_id, feed_secret) =
        create_client(&app, json!({"name": "Đồng bộ sự kiện", "scopes": ["events:read"]})).await;
    let feed_token = token(&app, &feed_id, &feed_secret).await;
    // Not lists either, whatever check the endpoint itself makes (people, registrations, …).
    let s = crate::achievements::setup(&app, 1).await;
    for path in [
        "/api/v1/campaigns".to_string(),
        "/api/v1/people".to_string(),
        format!("/api/v1/campaigns/{}/registrations", s.campaign["id"].as_str().unwrap()),
    ] {
        app.send_as(&feed_token, TestRequest::get().uri(&path)).await.problem(403, "insufficient_scope");
    }
    let res = app.send_as(&feed_token, TestRequest::get().uri("/api/v1/events")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());

    // Unknown scopes are refused at creation.
    let res = app.post("/api/v1/service-clients", &json!({"name": "X", "scopes": ["write"]})).await;
    assert_eq!(res.problem(422, "validation_failed")["errors"][0]["field"], "scopes[0]");

    // Failed attempts are throttled per address (20 by default), not per client: knowing a
    // client's id is not enough to lock the integration out from elsewhere.
    for _ in 0..5 {
        oauth_error(&token_request(&app, Some(&basic(&id, "sai-bi-mat")), ok).await, 401, "invalid_client");
    }
    assert_eq!(token_request(&app, Some(&basic(&id, &secret)), ok).await.status, StatusCode::OK);
    let mut refused = 0;
    while token_request(&app, Some(&basic(&id, "sai-bi-mat")), ok).await.status == StatusCode::UNAUTHORIZED {
        refused += 1;
        assert!(refused <= 20, "the address is throttled within its limit");
    }
    assert!(refused > 5, "more failures than the old per-client limit pass before the address waits");
    let res = token_request(&app, Some(&basic(&id, &secret)), ok).await;
    oauth_error(&res, 429, "temporarily_unavailable");
    assert!(res.header("retry-after").is_some());
}

/// A registration of each of the setup's communes, by the admin: their ids.
async fn register_every_commune(app: &TestApp, s: &crate::achievements::Setup) -> Vec<String> {
    let mut registrations = Vec::new();
    for commune in &s.communes {
        let body =
            json!({"unit_id": commune["id"], "targets": [{"indicator_id": s.indicators[0]["id"], "target": "10"}]});
        let res =
            app.post(&format!("/api/v1/campaigns/{}/registrations", s.campaign["id"].as_str().unwrap()), &body).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        registrations.push(res.json()["id"].as_str().unwrap().to_string());
    }
    registrations
}

async fn unit_bound_clients_see_only_their_unit(app: TestApp) {
    let s = crate::achievements::setup(&app, 2).await;
    let registrations = register_every_commune(&app, &s).await;
    let (id, secret) =
        create_client(&app, json!({"name": "Phần mềm xã Thi Đua 0", "unit_id": s.communes[0]["id"]})).await;
    let bound = token(&app, &id, &secret).await;
    let res = app.send_as(&bound, TestRequest::get().uri(&format!("/api/v1/registrations/{}", registrations[0]))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    app.send_as(&bound, TestRequest::get().uri(&format!("/api/v1/registrations/{}", registrations[1])))
        .await
        .problem(404, "not_found");

    // A province-wide client sees both.
    let (id, secret) = create_client(&app, json!({"name": "Kho dữ liệu tỉnh"})).await;
    let provincial = token(&app, &id, &secret).await;
    for registration in &registrations {
        let res =
            app.send_as(&provincial, TestRequest::get().uri(&format!("/api/v1/registrations/{registration}"))).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    }
}

async fn only_admins_manage_clients(app: TestApp) {
    let (commune, _) = crate::auth::commune_and_department(&app).await;
    let (_, officer) = app.user("can.bo.xa", &["unit_officer"], Some(&commune["id"])).await;
    let (_, viewer) = app.user("nguoi.xem", &["viewer"], None).await;
    let (id, _) = create_client(&app, json!({"name": "Hệ thống A"})).await;
    for token in [&officer, &viewer] {
        app.send_as(token, TestRequest::get().uri("/api/v1/service-clients")).await.problem(403, "forbidden");
        app.send_as(token, TestRequest::get().uri(&format!("/api/v1/service-clients/{id}")))
            .await
            .problem(403, "forbidden");
        app.send_as(token, TestRequest::post().uri("/api/v1/service-clients").set_json(json!({"name": "B"})))
            .await
            .problem(403, "forbidden");
        app.send_as(token, TestRequest::post().uri(&format!("/api/v1/service-clients/{id}/rotate-secret")))
            .await
            .problem(403, "forbidden");
        app.send_as(token, TestRequest::post().uri(&format!("/api/v1/service-clients/{id}/revoke")))
            .await
            .problem(403, "forbidden");
    }
    app.send_anonymous(TestRequest::get().uri("/api/v1/service-clients")).await.problem(401, "invalid_token");
}

async fn integration_scopes_gate_the_feed_reports_and_audit(app: TestApp) {
    let s = crate::achievements::setup(&app, 2).await;
    let registrations = register_every_commune(&app, &s).await;
    let get = |token: String, path: &'static str| {
        let app = &app;
        async move { app.send_as(&token, TestRequest::get().uri(path)).await }
    };
    let feed_ids = |res: &Response| -> Vec<String> {
        res.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["record"]["id"].as_str().unwrap().to_string())
            .collect()
    };

    // The default scope reads records, not the feed, the reports or the audit trail.
    let (id, secret) = create_client(&app, json!({"name": "Cổng dịch vụ công"})).await;
    let reader = token(&app, &id, &secret).await;
    for path in ["/api/v1/events", "/api/v1/reports/nominations", "/api/v1/audit-entries"] {
        get(reader.clone(), path).await.problem(403, "insufficient_scope");
    }

    let all = json!(["read", "events:read", "reports:read", "audit:read"]);
    let (id, secret) = create_client(&app, json!({"name": "Kho dữ liệu tỉnh", "scopes": all})).await;
    let provincial = token(&app, &id, &secret).await;
    let res = get(provincial.clone(), "/api/v1/events?limit=100").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert!(registrations.iter().all(|r| feed_ids(&res).contains(r)), "a province-wide client follows every unit");
    assert_eq!(get(provincial.clone(), "/api/v1/reports/nominations").await.status, StatusCode::OK);
    let res = get(provincial.clone(), "/api/v1/audit-entries?action=service_client.authenticated").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let entry = &res.json()["items"][0];
    assert_eq!(entry["actor_kind"], "client");
    assert_eq!(entry["actor_id"], json!(id));

    // Bound to a unit: its own unit's events only, and never the audit trail.
    let (id, secret) =
        create_client(&app, json!({"name": "Phần mềm xã", "unit_id": s.communes[0]["id"], "scopes": all})).await;
    let bound = token(&app, &id, &secret).await;
    let res = get(bound.clone(), "/api/v1/events?limit=100").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert!(feed_ids(&res).contains(&registrations[0]));
    assert!(!feed_ids(&res).contains(&registrations[1]), "another unit's records stay out of a bound client's feed");
    get(bound, "/api/v1/audit-entries").await.problem(403, "forbidden");
}
