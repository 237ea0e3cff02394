//! Every error is an RFC 9457 problem with a machine code, and a failed request changes nothing.

use actix_web::test::TestRequest;
use serde_json::json;

use crate::helpers::TestApp;

on_both_backends!(
    framework_errors_are_problems,
    every_path_answers_other_methods_with_its_documented_ones,
    body_errors_are_problems_and_change_nothing,
    hostile_text_and_dates_get_4xx_not_500
);

/// NUL bytes and dates beyond what the databases store are refused up front: PostgreSQL would
/// otherwise fail the statement (a 500), and SQLite would compare such dates wrongly.
async fn hostile_text_and_dates_get_4xx_not_500(app: TestApp) {
    let (province, _, commune) = app.small_tree().await;
    app.login("adm\u{1}in", "anything at all").await.problem(401, "invalid_credentials");
    app.send_anonymous(
        TestRequest::post()
            .uri("/api/v1/auth/login")
            .insert_header(("content-type", "application/json"))
            .set_payload(r#"{"username": "a\u0000", "password": "x"}"#),
    )
    .await
    .problem(422, "invalid_body");
    let long_name = "a".repeat(10_000);
    app.login(&long_name, "anything at all").await.problem(401, "invalid_credentials");
    app.get("/api/v1/communes?q=%00").await.problem(400, "invalid_query");
    app.get("/api/v1/users?q=a%00b").await.problem(400, "invalid_query");
    app.get("/api/v1/communes/by-code/%00").await.problem(404, "not_found");
    app.get("/api/v1/communes?active_on=-5000-01-01").await.problem(400, "invalid_query");
    app.get("/api/v1/communes/by-code/99999?active_on=99999-01-01").await.problem(400, "invalid_query");
    let body = app
        .post("/api/v1/communes", &json!({"code": "88888", "name": "Xã\u{1}Lạ", "type": "xa", "parent_id": province["id"], "valid_from": "0001-01-01"}))
        .await
        .problem(422, "validation_failed");
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["name", "valid_from"]);
    let path = format!("/api/v1/communes/{}", commune["id"].as_str().unwrap());
    app.post(&format!("{path}/deactivate"), &json!({"valid_until": "3000-01-01"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(app.get(&path).await.json()["version"], 1, "nothing changed");
}

async fn framework_errors_are_problems(app: TestApp) {
    app.get("/no/such/route").await.problem(404, "route_not_found");
    app.get("/api/v1/nothing-here").await.problem(404, "route_not_found");
    // Routes are grouped by their first segment; a percent-escaped segment reaches the same
    // group as the router decodes it, and a segment no group has is a 404 as before.
    let plain = app.get("/api/v1/communes?limit=2").await;
    assert_eq!(plain.status, 200, "{}", plain.text());
    let escaped = app.get("/api/v1/%63ommunes?limit=2").await;
    assert_eq!(escaped.status, 200, "{}", escaped.text());
    assert_eq!(escaped.json()["items"], plain.json()["items"]);
    app.get("/api/v1/%63ommune?limit=2").await.problem(404, "route_not_found");
    let escaped_prefix = app.get("/api/%761/communes?limit=2").await;
    assert_eq!(escaped_prefix.status, 200, "{}", escaped_prefix.text());
    assert_eq!(escaped_prefix.json()["items"], plain.json()["items"]);

    // Two templates match this URI: the comments' (GET) and the nomination's actions' (POST).
    let comments = "/api/v1/nominations/0193a9c2-7f1e-7c3a-9b1d-2f4e5a6b7c8d/comments";
    let res = app.send(TestRequest::put().uri(comments)).await;
    res.problem(405, "method_not_allowed");
    assert_eq!(res.header("allow"), Some("GET, POST, HEAD"));
    // POST there is the actions' handler's to answer: it asks who is calling, and knows no
    // action of that name.
    app.send_anonymous(TestRequest::post().uri(comments).set_json(json!({}))).await.problem(401, "invalid_token");
    let unknown = TestRequest::post().uri(comments).insert_header(("accept-language", "en")).set_json(json!({}));
    let body = app.send(unknown).await.problem(404, "route_not_found");
    assert!(body["detail"].as_str().unwrap().contains("no such action"), "{body}");

    let res = app.send(TestRequest::put().uri("/api/v1/communes")).await;
    res.problem(405, "method_not_allowed");
    assert_eq!(res.header("allow"), Some("GET, POST, HEAD"), "HEAD is served wherever GET is");
    let res = app.send(TestRequest::post().uri("/api/v1/communes/by-code/01840")).await;
    res.problem(405, "method_not_allowed");
    assert_eq!(res.header("allow"), Some("GET, HEAD"));

    let body = app.get("/api/v1/communes/not-a-uuid").await.problem(400, "invalid_path");
    assert!(body["detail"].as_str().unwrap().contains("UUID"), "{body}");

    for (query, param) in [
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("cursor=%%%", "cursor"),
        ("colour=red", "colour"),
        ("active_on=yesterday", "active_on"),
    ] {
        let body = app.get(&format!("/api/v1/communes?{query}")).await.problem(400, "invalid_query");
        assert_eq!(body["errors"][0]["field"], param, "{query}: {body}");
    }
}

async fn body_errors_are_problems_and_change_nothing(app: TestApp) {
    let (province, _, _) = app.small_tree().await;
    let post = |body: &'static str, content_type: &'static str| {
        TestRequest::post().uri("/api/v1/communes").insert_header(("content-type", content_type)).set_payload(body)
    };

    app.send(post("{\"code\": ", "application/json")).await.problem(400, "malformed_json");
    app.send(post("", "application/json")).await.problem(400, "malformed_json");
    app.send(post("{} trailing", "application/json")).await.problem(400, "malformed_json");
    app.send(post("{}", "text/plain")).await.problem(415, "unsupported_media_type");
    app.send(TestRequest::post().uri("/api/v1/communes").set_payload("{}"))
        .await
        .problem(415, "unsupported_media_type");

    let body = app.send(post(r#"{"code": 12345}"#, "application/json")).await.problem(422, "invalid_body");
    assert_eq!(body["errors"][0]["field"], "code");
    assert_eq!(body["errors"][0]["code"], "invalid_type");
    let body =
        app.send(post(r#"{"code": "12345", "nmae": "typo"}"#, "application/json")).await.problem(422, "invalid_body");
    assert_eq!(body["errors"][0]["field"], "nmae");
    assert_eq!(body["errors"][0]["code"], "unknown_field");
    let body = app
        .send(post(r#"{"predecessors": [{"unit_id": "x"}]}"#, "application/json"))
        .await
        .problem(422, "invalid_body");
    assert_eq!(body["errors"][0]["field"], "predecessors[0].unit_id");
    let body = app
        .send(post(r#"{"predecessors": [{"part": "full"}]}"#, "application/json"))
        .await
        .problem(422, "invalid_body");
    assert_eq!(body["errors"][0]["field"], "predecessors[0].unit_id");
    assert_eq!(body["errors"][0]["code"], "required");

    // Validation lists every invalid field.
    let body = app
        .post("/api/v1/communes", &json!({"code": "1", "name": "", "type": "huyen", "parent_id": province["id"], "valid_from": "2025-01-02", "valid_until": "2025-01-01"}))
        .await
        .problem(422, "validation_failed");
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["code", "name", "type", "valid_until"]);

    // The test app accepts 64 KiB bodies.
    let huge = format!("{{\"name\": \"{}\"}}", "a".repeat(70 * 1024));
    app.send(
        TestRequest::post()
            .uri("/api/v1/communes")
            .insert_header(("content-type", "application/json"))
            .set_payload(huge),
    )
    .await
    .problem(413, "payload_too_large");

    // A conflict is a 409 problem.
    app.post(
        "/api/v1/communes",
        &json!({"code": "99999", "name": "Xã Trùng", "type": "xa", "parent_id": province["id"]}),
    )
    .await
    .problem(409, "code_in_use");

    // None of these left anything behind: the province still has only its district, and the
    // only commune is the one small_tree made.
    let communes = app.get("/api/v1/communes").await.json();
    assert_eq!(communes["items"].as_array().unwrap().len(), 1, "{communes}");
}

/// Every path of the document answers a method it does not document with 405, and `Allow`
/// names exactly the methods documented at the URI (and HEAD beside GET): the 405s are derived
/// from the registrations, which the document is collected from. A URI of one path may match
/// another's template (`/nominations/{id}/comments` matches `/nominations/{id}/{action}`): the
/// methods of both are served there.
async fn every_path_answers_other_methods_with_its_documented_ones(app: TestApp) {
    use actix_web::http::Method;
    let doc: serde_json::Value = serde_json::from_str(&thidua::openapi::document_json()).unwrap();
    let order = ["GET", "POST", "PUT", "PATCH", "DELETE"];
    let paths = doc["paths"].as_object().unwrap();
    let mut checked = 0;
    for path in paths.keys().filter(|path| path.starts_with("/api/v1/")) {
        // Any segment fills a parameter; a UUID fits every one of them.
        let uri = path
            .split('/')
            .map(|segment| if segment.starts_with('{') { "0193a9c2-7f1e-7c3a-9b1d-2f4e5a6b7c8d" } else { segment })
            .collect::<Vec<_>>()
            .join("/");
        let documented: Vec<&str> = order
            .iter()
            .copied()
            .filter(|m| {
                paths
                    .iter()
                    .any(|(other, item)| item.get(m.to_lowercase().as_str()).is_some() && template_matches(other, &uri))
            })
            .collect();
        let mut allow = documented.join(", ");
        if documented.contains(&"GET") {
            allow.push_str(", HEAD");
        }
        for method in order.iter().filter(|m| !documented.contains(m)) {
            let res =
                app.send(TestRequest::default().method(Method::from_bytes(method.as_bytes()).unwrap()).uri(&uri)).await;
            res.problem(405, "method_not_allowed");
            assert_eq!(res.header("allow"), Some(allow.as_str()), "{method} {path}");
            checked += 1;
        }
    }
    assert!(checked > 200, "only {checked} method and path pairs checked");
}

/// Whether a path template matches a URI (a parameter matches any segment).
fn template_matches(template: &str, uri: &str) -> bool {
    let (template, uri): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), uri.split('/').collect());
    template.len() == uri.len() && template.iter().zip(&uri).all(|(t, u)| t == u || t.starts_with('{'))
}
