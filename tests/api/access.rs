//! Who may do what: every secured operation refuses anonymous callers; a role × endpoint
//! matrix; and an officer of commune A gets nothing of commune B.

use actix_web::http::{Method, StatusCode};
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::auth::commune_and_department;
use crate::helpers::TestApp;

on_both_backends!(role_by_endpoint_matrix, officer_of_one_commune_gets_nothing_of_another);

/// Walks the OpenAPI document, so an endpoint added without authentication fails here.
#[actix_web::test]
async fn every_secured_operation_refuses_anonymous_callers() {
    let app = TestApp::sqlite(Default::default()).await;
    let doc: Value = serde_json::from_str(&thidua::openapi::document_json()).unwrap();
    let public = [
        "login",
        "refresh_session",
        "get_liveness",
        "get_readiness",
        "list_public_postings",
        "comment_on_posting",
        "issue_client_token",
        "sign_in_with_identity_provider",
    ];
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap();
            let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
            assert_eq!(secured, !public.contains(&id), "{id}: security is declared wrongly");
            if !secured {
                continue;
            }
            let uri = path
                .split('/')
                .map(|segment| match segment {
                    "{code}" => "01840".to_string(),
                    s if s.starts_with('{') => uuid::Uuid::now_v7().to_string(),
                    s => s.to_string(),
                })
                .collect::<Vec<_>>()
                .join("/");
            let req = TestRequest::default()
                .method(Method::from_bytes(method.to_uppercase().as_bytes()).unwrap())
                .uri(&uri)
                .set_json(json!({}));
            let res = app.send_anonymous(req).await;
            assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{method} {uri} ({id}): {}", res.text());
            checked += 1;
        }
    }
    assert!(checked >= 50, "only {checked} operations checked");
}

async fn role_by_endpoint_matrix(app: TestApp) {
    let (commune, department) = commune_and_department(&app).await;
    let (_, officer) = app.user("officer.a", &["unit_officer"], Some(&commune["id"])).await;
    let (_, council) = app.user("council.1", &["council_member"], None).await;
    let (_, approver) = app.user("approver.1", &["approver"], None).await;
    let (_, viewer) = app.user("viewer.1", &["viewer"], None).await;
    let (colleague, _) = app.user("officer.a2", &["unit_officer"], Some(&commune["id"])).await;
    let admin = app.admin_token.clone();
    let unit = format!("/api/v1/communes/{}", commune["id"].as_str().unwrap());
    let dept = format!("/api/v1/departments/{}", department["id"].as_str().unwrap());
    let colleague_path = format!("/api/v1/users/{}", colleague["id"].as_str().unwrap());

    let roles = [
        ("admin", &admin),
        ("unit_officer", &officer),
        ("council_member", &council),
        ("approver", &approver),
        ("viewer", &viewer),
    ];
    // (what, request, the status for admin, for the officer, for the other three roles)
    type Case = (&'static str, fn(&str, &str, &str) -> TestRequest, [u16; 3]);
    let cases: Vec<Case> = vec![
        ("list communes", |_, _, _| TestRequest::get().uri("/api/v1/communes"), [200, 200, 200]),
        ("get commune", |u, _, _| TestRequest::get().uri(u), [200, 200, 200]),
        ("get by code", |_, _, _| TestRequest::get().uri("/api/v1/communes/by-code/99999"), [200, 200, 200]),
        ("lineage", |u, _, _| TestRequest::get().uri(&format!("{u}/lineage")), [200, 200, 200]),
        ("list departments", |_, _, _| TestRequest::get().uri("/api/v1/departments"), [200, 200, 200]),
        ("create commune", |_, _, _| TestRequest::post().uri("/api/v1/communes").set_json(json!({})), [422, 403, 403]),
        (
            "update commune",
            |u, _, _| TestRequest::patch().uri(u).set_json(json!({"name": "Xã Đổi Tên"})),
            [200, 403, 403],
        ),
        (
            "deactivate department",
            |_, d, _| TestRequest::post().uri(&format!("{d}/deactivate")).set_json(json!({})),
            [200, 403, 403],
        ),
        ("delete department", |_, d, _| TestRequest::delete().uri(d), [204, 403, 403]),
        ("list users", |_, _, _| TestRequest::get().uri("/api/v1/users"), [200, 200, 403]),
        ("get colleague", |_, _, c| TestRequest::get().uri(c), [200, 200, 403]),
        ("create user", |_, _, _| TestRequest::post().uri("/api/v1/users").set_json(json!({})), [422, 403, 403]),
        (
            "update colleague",
            |_, _, c| TestRequest::patch().uri(c).set_json(json!({"full_name": "Tên Mới"})),
            [200, 403, 403],
        ),
        (
            "reset colleague password",
            |_, _, c| TestRequest::post().uri(&format!("{c}/reset-password")).set_json(json!({"new_password": "x"})),
            [422, 403, 403],
        ),
        ("deactivate colleague", |_, _, c| TestRequest::post().uri(&format!("{c}/deactivate")), [200, 403, 403]),
        ("me", |_, _, _| TestRequest::get().uri("/api/v1/auth/me"), [200, 200, 200]),
    ];
    let mut failures = Vec::new();
    // Non-admins first, so the admin's writes (which change or delete records) come last.
    for (role, token) in roles.iter().rev() {
        for (what, request, expected) in &cases {
            let want = match *role {
                "admin" => expected[0],
                "unit_officer" => expected[1],
                _ => expected[2],
            };
            let res = app.send_as(token, request(&unit, &dept, &colleague_path)).await;
            if res.status.as_u16() != want {
                failures.push(format!("{role} {what}: expected {want}, got {} {}", res.status.as_u16(), res.text()));
            } else if want >= 400 {
                assert_eq!(res.header("content-type"), Some("application/problem+json"), "{role} {what}");
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

async fn officer_of_one_commune_gets_nothing_of_another(app: TestApp) {
    let (commune_a, _) = commune_and_department(&app).await;
    let district = app.get("/api/v1/districts/by-code/999").await.json();
    let commune_b = app
        .create("communes", json!({"code": "99998", "name": "Xã Bên Kia", "type": "xa", "parent_id": district["id"]}))
        .await;
    let (_, officer_a) = app.user("officer.a", &["unit_officer"], Some(&commune_a["id"])).await;
    app.user("officer.a2", &["unit_officer"], Some(&commune_a["id"])).await;
    let (officer_b, _) = app.user("officer.b", &["unit_officer"], Some(&commune_b["id"])).await;
    let (viewer_b, _) = app.user("viewer.b", &["viewer"], Some(&commune_b["id"])).await;

    // Every record of commune B (its accounts) is absent for A's officer: 404 by id, never 403,
    // so ids cannot be probed; lists leave them out, even when asked for by unit.
    let missing = format!("/api/v1/users/{}", uuid::Uuid::now_v7());
    let absent = app.send_as(&officer_a, TestRequest::get().uri(&missing)).await.problem(404, "not_found");
    for user in [&officer_b, &viewer_b] {
        let path = format!("/api/v1/users/{}", user["id"].as_str().unwrap());
        let hidden = app.send_as(&officer_a, TestRequest::get().uri(&path)).await.problem(404, "not_found");
        assert_eq!(hidden, absent, "another unit's account must look exactly like a missing one");
    }

    let list = app.send_as(&officer_a, TestRequest::get().uri("/api/v1/users?limit=100")).await.json();
    let names: Vec<&str> = list["items"].as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap()).collect();
    assert_eq!(names, ["officer.a", "officer.a2"]);
    let asked_for_b = format!("/api/v1/users?unit_id={}", commune_b["id"].as_str().unwrap());
    assert_eq!(app.send_as(&officer_a, TestRequest::get().uri(&asked_for_b)).await.json()["items"], json!([]));
    for q in ["officer.b", "viewer"] {
        let found = app.send_as(&officer_a, TestRequest::get().uri(&format!("/api/v1/users?q={q}"))).await.json();
        assert_eq!(found["items"], json!([]), "search for {q} leaked another unit's account");
    }

    // Writes on B's accounts are refused without revealing anything, and change nothing.
    let b_path = format!("/api/v1/users/{}", officer_b["id"].as_str().unwrap());
    for req in [
        TestRequest::patch().uri(&b_path).set_json(json!({"full_name": "Bị Đổi"})),
        TestRequest::post().uri(&format!("{b_path}/deactivate")),
        TestRequest::post()
            .uri(&format!("{b_path}/reset-password"))
            .set_json(json!({"new_password": "Mật khẩu của kẻ gian 1"})),
    ] {
        let res = app.send_as(&officer_a, req).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text());
    }
    let after = app.get(&b_path).await.json();
    assert_eq!((after["full_name"].as_str(), after["active"].as_bool()), (Some("Cán bộ officer.b"), Some(true)));
    // B's password is unchanged (token_for panics unless the sign-in succeeds).
    app.token_for("officer.b").await;
}
