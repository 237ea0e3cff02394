//! The outside audit's findings (issue 11), each written as the attack: security headers,
//! HEAD, `If-Match: *`, cursors carried to another list, text that is not what it looks like,
//! and the public's comments (quotas, proof of work, markup).

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use chrono::TimeDelta;
use serde_json::{json, Value};
use thidua::config::Settings;

use crate::helpers::{Options, TestApp};

on_both_backends!(
    every_answer_carries_security_headers,
    head_is_served_wherever_get_is,
    if_match_star_replaces_whatever_is_current,
    a_cursor_works_only_on_the_list_that_issued_it,
    text_that_is_not_what_it_looks_like_is_refused_or_cleaned,
);

const PDF: &[u8] = b"%PDF-1.7\n%%EOF\n";

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

async fn every_answer_carries_security_headers(app: TestApp) {
    let check = |res: &crate::helpers::Response, what: &str| {
        assert_eq!(res.header("x-content-type-options"), Some("nosniff"), "{what}");
        assert_eq!(res.header("referrer-policy"), Some("no-referrer"), "{what}");
        assert!(res.header("content-security-policy").is_some_and(|c| c.contains("frame-ancestors 'none'")), "{what}");
    };
    let health = app.send_anonymous(TestRequest::get().uri("/health/live")).await;
    check(&health, "health");
    assert_eq!(health.header("cache-control"), None, "nothing personal: cacheable");
    check(&app.send_anonymous(TestRequest::get().uri("/no/such/route")).await, "404");
    let me = app.get("/api/v1/auth/me").await;
    check(&me, "an authenticated answer");
    assert_eq!(me.header("cache-control"), Some("no-store"), "what a signed-in caller sees is not kept by caches");
    let login = app.login("admin", crate::helpers::PASSWORD).await;
    assert_eq!(
        (login.status.as_u16(), login.header("cache-control")),
        (200, Some("no-store")),
        "tokens are not cached either"
    );
    // However the path is escaped, as the router decodes it.
    let body = json!({"username": "admin", "password": crate::helpers::PASSWORD});
    for escaped in ["/api/v1/%61uth/login", "/api/%761/auth/login"] {
        let login = app.send_anonymous(TestRequest::post().uri(escaped).set_json(&body)).await;
        assert_eq!((login.status.as_u16(), login.header("cache-control")), (200, Some("no-store")), "{escaped}");
    }
    let refused =
        app.send(TestRequest::get().uri("/api/v1/auth/me").insert_header(("authorization", "Bearer forged"))).await;
    assert_eq!((refused.status.as_u16(), refused.header("cache-control")), (401, Some("no-store")));
    // The Swagger UI page: a strict policy of its own, and no outside validator badge.
    let docs = app.send_anonymous(TestRequest::get().uri("/docs/")).await;
    assert_eq!(docs.status, StatusCode::OK);
    check(&docs, "docs");
    let csp = docs.header("content-security-policy").unwrap();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("default-src 'none'") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    let init = app.send_anonymous(TestRequest::get().uri("/docs/swagger-initializer.js")).await;
    assert!(init.text().contains("\"validatorUrl\": \"none\""), "{}", init.text());
}

async fn head_is_served_wherever_get_is(app: TestApp) {
    let (_, _, commune) = app.small_tree().await;
    let path = format!("/api/v1/communes/{}", id(&commune));
    let get = app.get(&path).await;
    let head = app.send(TestRequest::default().method(actix_web::http::Method::HEAD).uri(&path)).await;
    assert_eq!(head.status, StatusCode::OK);
    assert_eq!(head.header("etag"), get.header("etag"));
    for uri in ["/api/v1/communes", "/health/live", "/openapi.json"] {
        let res = app.send(TestRequest::default().method(actix_web::http::Method::HEAD).uri(uri)).await;
        assert_eq!(res.status, StatusCode::OK, "HEAD {uri}");
    }
    // Still signed in for HEAD as for GET.
    let anonymous = app.send_anonymous(TestRequest::default().method(actix_web::http::Method::HEAD).uri(&path)).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    // A 405 names HEAD beside GET.
    let res = app.send(TestRequest::post().uri("/api/v1/auth/me")).await;
    res.problem(405, "method_not_allowed");
    assert_eq!(res.header("allow"), Some("GET, HEAD"));
}

async fn if_match_star_replaces_whatever_is_current(app: TestApp) {
    let (_, _, commune) = app.small_tree().await;
    let person = app.create("people", json!({"full_name": "Hoàng Thị Mai", "unit_id": commune["id"]})).await;
    let path = format!("/api/v1/people/{}", id(&person));
    let body = json!({"full_name": "Hoàng Thị Mai", "position": "Trưởng thôn", "unit_id": commune["id"]});
    app.send(TestRequest::put().uri(&path).set_json(&body)).await.problem(428, "precondition_required");
    app.send(TestRequest::put().uri(&path).insert_header(("if-match", "\"99\"")).set_json(&body))
        .await
        .problem(412, "stale_version");
    let res = app.send(TestRequest::put().uri(&path).insert_header(("if-match", "*")).set_json(&body)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.json()["position"], "Trưởng thôn");
    // `*` on a record that does not exist matches nothing.
    let missing = format!("/api/v1/people/{}", uuid::Uuid::now_v7());
    app.send(TestRequest::put().uri(&missing).insert_header(("if-match", "*")).set_json(&body))
        .await
        .problem(404, "not_found");
}

async fn a_cursor_works_only_on_the_list_that_issued_it(app: TestApp) {
    let (_, _, commune) = app.small_tree().await;
    for name in ["Ma Văn Sơn", "Hà Thị Nguyệt", "Bế Văn Quý"] {
        app.create("people", json!({"full_name": name, "unit_id": commune["id"]})).await;
    }
    let page = app.get("/api/v1/people?limit=1").await.json();
    let cursor = page["next_cursor"].as_str().unwrap().to_string();
    // The same list, any page size: fine.
    assert_eq!(app.get(&format!("/api/v1/people?limit=2&cursor={cursor}")).await.status, StatusCode::OK);
    // The attack: carry it to another list, or to the same list with another filter.
    for uri in [
        format!("/api/v1/nominations?cursor={cursor}"),
        format!("/api/v1/users?cursor={cursor}"),
        format!("/api/v1/communes?cursor={cursor}"),
        format!("/api/v1/people?q=ha&cursor={cursor}"),
        format!("/api/v1/people?unit_id={}&cursor={cursor}", id(&commune)),
    ] {
        let problem = app.get(&uri).await.problem(400, "invalid_query");
        assert_eq!(problem["errors"][0]["field"], "cursor", "{uri}");
    }
}

async fn text_that_is_not_what_it_looks_like_is_refused_or_cleaned(app: TestApp) {
    let mut conn = app.connection();
    thidua::seed::seed_reference(&mut conn).unwrap();
    let (_, _, commune) = app.small_tree().await;
    // Only zero-width characters: empty.
    for name in ["\u{200B}", "\u{FEFF}\u{200B}\u{2060}", " \u{200D} "] {
        let res = app.post("/api/v1/people", &json!({"full_name": name, "unit_id": commune["id"]})).await;
        let problem = res.problem(422, "validation_failed");
        assert_eq!(
            (problem["errors"][0]["field"].as_str(), problem["errors"][0]["code"].as_str()),
            (Some("full_name"), Some("required")),
            "{name:?}"
        );
    }
    // Bidirectional controls and invisible characters are taken out of names.
    let person = app
        .create("people", json!({"full_name": "\u{202E}Hoàng\u{200B} Thị Mai\u{2066}", "unit_id": commune["id"]}))
        .await;
    assert_eq!(person["full_name"], "Hoàng Thị Mai");
    // …and out of file names: "\u{202E}fdp.exe" would display as "exe.pdf".
    let types = app.get("/api/v1/award-types").await.json();
    let type_id =
        types.as_array().unwrap().iter().find(|t| t["code"] == "BANG_KHEN_TINH_CA_NHAN").unwrap()["id"].clone();
    let year = chrono::Datelike::year(&thidua::domain::units::today_in_vietnam());
    let nomination = app
        .create(
            "nominations",
            json!({"award_type_id": type_id, "person_id": person["id"], "unit_id": commune["id"], "year": year}),
        )
        .await;
    let req = TestRequest::post()
        .uri(&format!("/api/v1/nominations/{}/documents?kind=to_trinh&filename=%E2%80%AEfdp.exe", id(&nomination)))
        .insert_header(("content-type", "application/pdf"))
        .set_payload(PDF.to_vec());
    let document = app.send(req).await;
    assert_eq!(document.status, StatusCode::CREATED, "{}", document.text());
    assert_eq!(document.json()["filename"], "fdp.exe");
    // Decimals: only -?digits(.digits)?; "1_5" would have been stored as 15.
    let path = format!("/api/v1/award-types/{}/versions", type_id.as_str().unwrap());
    for bad in ["1_5", "+5", ".5", "5.", "1e2", " 60"] {
        let rules = json!({"effective_from": (thidua::domain::units::today_in_vietnam() + TimeDelta::days(1)).to_string(), "rules": {
            "granting_authority": "Chủ tịch UBND tỉnh", "legal_basis": "Luật 06/2022/QH15",
            "council_vote_required": true, "approval_threshold_percent": bad,
        }});
        let problem = app.post(&path, &rules).await.problem(422, "validation_failed");
        assert!(problem["errors"].as_array().unwrap().iter().any(|e| e["field"] == "rules.approval_threshold_percent" || e["field"] == "approval_threshold_percent"), "{bad}: {problem}");
    }
}

/// A nomination approved and on public posting, for comments.
async fn on_posting(app: &TestApp) -> Value {
    let mut conn = app.connection();
    thidua::seed::seed_reference(&mut conn).unwrap();
    let (commune, _) = crate::auth::commune_and_department(app).await;
    let types = app.get("/api/v1/award-types").await.json();
    let type_id =
        types.as_array().unwrap().iter().find(|t| t["code"] == "BANG_KHEN_TINH_CA_NHAN").unwrap()["id"].clone();
    let person = app.create("people", json!({"full_name": "Lục Thị Hằng", "unit_id": commune["id"]})).await;
    let year = chrono::Datelike::year(&thidua::domain::units::today_in_vietnam());
    let nomination = app
        .create(
            "nominations",
            json!({"award_type_id": type_id, "person_id": person["id"], "unit_id": commune["id"], "year": year}),
        )
        .await;
    let path = format!("/api/v1/nominations/{}", id(&nomination));
    for kind in ["to_trinh", "bao_cao_thanh_tich", "bien_ban_binh_xet"] {
        let req = TestRequest::post()
            .uri(&format!("{path}/documents?kind={kind}"))
            .insert_header(("content-type", "application/pdf"))
            .set_payload(PDF.to_vec());
        assert_eq!(app.send(req).await.status, StatusCode::CREATED);
    }
    for action in ["submit", "appraise", "approve"] {
        assert_eq!(app.post(&format!("{path}/{action}"), &json!({})).await.status, StatusCode::OK, "{action}");
    }
    let until = (thidua::domain::units::today_in_vietnam() + TimeDelta::days(30)).to_string();
    assert_eq!(app.post(&format!("{path}/post"), &json!({"until": until})).await.status, StatusCode::NO_CONTENT);
    nomination
}

async fn comment_from(
    app: &TestApp,
    nomination: &Value,
    addr: &str,
    body: Value,
    proof: Option<&str>,
) -> crate::helpers::Response {
    let mut req = TestRequest::post()
        .uri(&format!("/api/v1/public/postings/{}/comments", id(nomination)))
        .peer_addr(format!("{addr}:50000").parse().unwrap())
        .set_json(body);
    if let Some(nonce) = proof {
        req = req.insert_header(("thidua-proof-of-work", nonce));
    }
    app.send_anonymous(req).await
}

fn small_quotas() -> Options {
    fn configure(s: &mut Settings) {
        s.comment_max_per_address = 3;
        s.comment_max_per_posting = 5;
    }
    Options { configure: Some(configure), ..Default::default() }
}

fn proof_of_work() -> Options {
    fn configure(s: &mut Settings) {
        s.comment_pow_bits = 8;
    }
    Options { configure: Some(configure), ..Default::default() }
}

with_options!(one_address_cannot_flood_a_posting, super::small_quotas());
with_options!(deployments_can_ask_for_a_proof_of_work, super::proof_of_work());
on_both_backends!(comments_are_kept_as_plain_text);

async fn one_address_cannot_flood_a_posting(app: TestApp) {
    let nomination = on_posting(&app).await;
    // The attack: one address posting comment after comment. Three a day, then 429.
    for i in 0..3 {
        let res =
            comment_from(&app, &nomination, "198.51.100.7", json!({"content": format!("Ý kiến số {i}")}), None).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    }
    let res = comment_from(&app, &nomination, "198.51.100.7", json!({"content": "Thêm nữa"}), None).await;
    res.problem(429, "too_many_requests");
    let wait: u64 = res.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=86_400).contains(&wait), "{wait}");
    // Others still comment, until the posting has had its share for the day.
    for addr in ["203.0.113.1", "203.0.113.2"] {
        assert_eq!(
            comment_from(&app, &nomination, addr, json!({"content": "Đồng ý"}), None).await.status,
            StatusCode::CREATED
        );
    }
    comment_from(&app, &nomination, "203.0.113.3", json!({"content": "Đồng ý"}), None)
        .await
        .problem(429, "too_many_requests");
    assert_eq!(
        app.get(&format!("/api/v1/nominations/{}/comments", id(&nomination))).await.json().as_array().unwrap().len(),
        5
    );
}

async fn deployments_can_ask_for_a_proof_of_work(app: TestApp) {
    let nomination = on_posting(&app).await;
    let content = "Chị Hằng rất nhiệt tình.";
    comment_from(&app, &nomination, "198.51.100.7", json!({"content": content}), None)
        .await
        .problem(403, "proof_of_work_required");
    let nonce = (0u64..)
        .map(|n| n.to_string())
        .find(|n| thidua::domain::public::proof_of_work_ok(&id(&nomination), content, n, 8))
        .unwrap();
    // Work done for one comment does not carry another.
    let other = "Một ý kiến khác hẳn.";
    if !thidua::domain::public::proof_of_work_ok(&id(&nomination), other, &nonce, 8) {
        comment_from(&app, &nomination, "198.51.100.7", json!({"content": other}), Some(&nonce))
            .await
            .problem(403, "proof_of_work_required");
    }
    let res = comment_from(&app, &nomination, "198.51.100.7", json!({"content": content}), Some(&nonce)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
}

async fn comments_are_kept_as_plain_text(app: TestApp) {
    let nomination = on_posting(&app).await;
    let body = json!({"author_name": "<b>Người dân</b>", "content": "<script>alert(1)</script>Ý kiến <img src=x onerror=alert(2)>tốt, 3 < 5\n<a href=\"https://evil.example\">xem</a>"});
    let res = comment_from(&app, &nomination, "198.51.100.7", body, None).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let seen = app.get(&format!("/api/v1/nominations/{}/comments", id(&nomination))).await.json();
    assert_eq!(seen[0]["content"], "alert(1)Ý kiến tốt, 3 < 5\nxem");
    assert_eq!(seen[0]["author_name"], "Người dân");
    // Nothing but markup (or invisible characters): nothing to keep.
    for content in ["<b></b>", "\u{200B}\u{FEFF}", "<p>\u{200B}</p>"] {
        comment_from(&app, &nomination, "198.51.100.8", json!({"content": content}), None)
            .await
            .problem(422, "validation_failed");
    }
}
