//! Problems speak Vietnamese unless the client prefers English (`Accept-Language`, RFC 9110
//! negotiation), and say which in `Content-Language`.

use actix_web::test::TestRequest;
use serde_json::json;

use crate::helpers::{Response, TestApp};

on_both_backends!(
    problems_speak_vietnamese_unless_english_is_preferred,
    field_messages_name_the_field_in_vietnamese,
    enumerations_carry_their_vietnamese_label
);

async fn in_language(app: &TestApp, req: TestRequest, accept_language: &str) -> Response {
    app.send(req.insert_header(("accept-language", accept_language))).await
}

async fn problems_speak_vietnamese_unless_english_is_preferred(app: TestApp) {
    let missing = format!("/api/v1/campaigns/{}", uuid::Uuid::now_v7());

    // No preference: Vietnamese.
    let res = app.get(&missing).await;
    assert_eq!(res.header("content-language"), Some("vi"));
    let body = res.problem(404, "not_found");
    assert_eq!(
        (body["title"].as_str(), body["detail"].as_str()),
        (Some("Không tìm thấy"), Some("Không tìm thấy phong trào thi đua."))
    );

    // English on request, as the call site wrote it.
    let res = in_language(&app, TestRequest::get().uri(&missing), "en").await;
    assert_eq!(res.header("content-language"), Some("en"));
    let body = res.problem(404, "not_found");
    assert_eq!((body["title"].as_str(), body["detail"].as_str()), (Some("Not found"), Some("campaign not found")));

    // Weights decide; region subtags match their language; a language we lack falls back.
    for (header, expected) in [
        ("vi;q=0.3, en-GB;q=0.8", "en"),
        ("en;q=0.5, vi-VN", "vi"),
        ("fr-FR, en;q=0.1", "en"),
        ("fr", "vi"),
        ("vi;q=0, *;q=0.5", "en"),
        ("en;q=0", "vi"),
        ("*", "vi"),
    ] {
        let res = in_language(&app, TestRequest::get().uri(&missing), header).await;
        assert_eq!(res.header("content-language"), Some(expected), "{header}");
        res.problem(404, "not_found");
    }

    // Problems the framework makes, and those of signing in, speak the language too.
    let body = app.get("/no/such/route").await.problem(404, "route_not_found");
    assert_eq!(body["detail"], "Không có tài nguyên nào tại đường dẫn /no/such/route.");
    let body = app.send(TestRequest::put().uri("/api/v1/communes")).await.problem(405, "method_not_allowed");
    assert!(
        body["detail"].as_str().unwrap().starts_with("Phương thức PUT không được hỗ trợ tại /api/v1/communes"),
        "{body}"
    );
    let res = app.send_anonymous(TestRequest::get().uri("/api/v1/users")).await;
    assert_eq!(res.header("content-language"), Some("vi"));
    assert_eq!(res.problem(401, "invalid_token")["title"], "Chưa xác thực");
    let res =
        app.send_anonymous(TestRequest::get().uri("/api/v1/users").insert_header(("accept-language", "en"))).await;
    assert_eq!(res.problem(401, "invalid_token")["title"], "Not authenticated");

    // A bad query parameter: the detail names it and says what is wrong, in Vietnamese.
    let body = app.get("/api/v1/communes?limit=0").await.problem(400, "invalid_query");
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.starts_with("Tham số truy vấn «limit» không hợp lệ: Số bản ghi mỗi trang"), "{detail}");
}

async fn field_messages_name_the_field_in_vietnamese(app: TestApp) {
    let (province, _, _) = app.small_tree().await;
    let commune = |name: &str| json!({"code": "88888", "name": name, "type": "xa", "parent_id": province["id"], "valid_from": "2020-01-01"});
    let post = |body| TestRequest::post().uri("/api/v1/communes").set_json(body);

    let body = app.send(post(commune(" "))).await.problem(422, "validation_failed");
    assert_eq!(body["title"], "Dữ liệu không hợp lệ");
    assert_eq!(body["detail"], "Yêu cầu có 1 trường không hợp lệ.");
    assert_eq!(
        (body["errors"][0]["field"].as_str(), body["errors"][0]["code"].as_str()),
        (Some("name"), Some("required"))
    );
    assert_eq!(body["errors"][0]["message"], "Tên là bắt buộc.");

    // A specific message keeps its numbers.
    let body = app.send(post(commune(&"a".repeat(201)))).await.problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["message"], "Tên không được dài quá 200 ký tự.");

    // The same in English: the call site's own words.
    let body = in_language(&app, post(commune(" ")), "en-US").await.problem(422, "validation_failed");
    assert_eq!(body["title"], "Validation failed");
    assert_eq!(body["detail"], "the request has 1 invalid field");
    assert_eq!(body["errors"][0]["message"], "must not be empty");
    let body = in_language(&app, post(commune(&"a".repeat(201))), "en").await.problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["message"], "must be at most 200 characters");
}

/// Beside each machine value, its Vietnamese label as `<field>_label`, the same way everywhere.
async fn enumerations_carry_their_vietnamese_label(app: TestApp) {
    thidua::seed::seed_reference(&mut app.connection()).unwrap();
    let types = app.get("/api/v1/award-types").await.json();
    let lao_dong = types.as_array().unwrap().iter().find(|t| t["code"] == "LDTT").expect("the seeded catalogue");
    assert_eq!(
        (&lao_dong["category"], &lao_dong["category_label"], &lao_dong["subject"], &lao_dong["subject_label"]),
        (&json!("danh_hieu_thi_dua"), &json!("Danh hiệu thi đua"), &json!("individual"), &json!("Cá nhân"))
    );
    let (province, _, commune) = app.small_tree().await;
    assert_eq!((&province["kind"], &province["kind_label"]), (&json!("province"), &json!("Cấp tỉnh")));
    assert_eq!((&commune["kind"], &commune["kind_label"]), (&json!("commune"), &json!("Cấp xã")));
    let me = app.get("/api/v1/auth/me").await.json();
    assert_eq!(
        (&me["roles"], &me["role_labels"]),
        (&json!(["admin"]), &json!(["Quản trị hệ thống (Ban Thi đua – Khen thưởng)"]))
    );
}
