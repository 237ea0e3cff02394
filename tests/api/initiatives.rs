//! Initiatives (sáng kiến): recorded by a unit with their authors' shares and evidence,
//! searched without diacritics, listed per person, replaced under `If-Match`, journaled; another
//! unit's officer gets nothing of them.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::helpers::{urlencode, TestApp};

on_both_backends!(initiatives_are_a_units_record_with_authors_and_evidence, another_units_officer_gets_nothing);

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";

struct World {
    commune: Value,
    department: Value,
    officer: String,
    other_officer: String,
    lan: Value,
    khanh: Value,
}

async fn world(app: &TestApp) -> World {
    let (commune, department) = crate::auth::commune_and_department(app).await;
    let (_, officer) = app.user("officer.a", &["unit_officer"], Some(&commune["id"])).await;
    let (_, other_officer) = app.user("officer.b", &["unit_officer"], Some(&department["id"])).await;
    let lan = app.create("people", json!({"full_name": "Đinh Thị Lan", "unit_id": commune["id"]})).await;
    let khanh = app.create("people", json!({"full_name": "Triệu Văn Khánh", "unit_id": commune["id"]})).await;
    World { commune, department, officer, other_officer, lan, khanh }
}

fn body(w: &World) -> Value {
    json!({"title": "Số hóa hồ sơ thi đua, khen thưởng cấp xã", "unit_id": w.commune["id"],
           "field": "Cải cách hành chính", "recognised_by": "Hội đồng sáng kiến xã", "scope": "co_so",
           "decision_number": "15/QĐ-UBND", "decision_date": "2025-11-20", "year": 2025,
           "authors": [{"person_id": w.lan["id"], "share_percent": "60"}, {"person_id": w.khanh["id"], "share_percent": "40.0"}]})
}

async fn create_as(app: &TestApp, token: &str, body: &Value) -> crate::helpers::Response {
    app.send_as(token, TestRequest::post().uri("/api/v1/initiatives").set_json(body)).await
}

async fn initiatives_are_a_units_record_with_authors_and_evidence(app: TestApp) {
    let w = world(&app).await;
    let res = create_as(&app, &w.officer, &body(&w)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    assert_eq!(res.header("etag"), Some("\"1\""));
    let created = res.json();
    let path = res.header("location").unwrap().to_string();
    assert_eq!(path, format!("/api/v1/initiatives/{}", created["id"].as_str().unwrap()));
    assert_eq!(created["authors"][1], json!({"person_id": w.khanh["id"], "share_percent": "40"}));
    assert_eq!(created["scope"], "co_so");
    assert_eq!(created["scope_label"], "Cấp cơ sở");

    // Bad input: every field at once, nothing written.
    let mut bad = body(&w);
    bad["authors"][1]["share_percent"] = json!("30");
    bad["scope"] = json!("huyen");
    bad["title"] = json!(" ");
    let refused = create_as(&app, &w.officer, &bad).await.problem(422, "validation_failed");
    let fields: Vec<&str> =
        refused["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["title", "scope", "authors"]);
    let mut stranger = body(&w);
    stranger["authors"][0]["person_id"] = json!(uuid::Uuid::now_v7());
    let refused = create_as(&app, &w.officer, &stranger).await.problem(422, "validation_failed");
    assert_eq!(refused["errors"][0]["field"], "authors[0].person_id");
    // Only for the officer's own unit.
    let mut elsewhere = body(&w);
    elsewhere["unit_id"] = w.department["id"].clone();
    create_as(&app, &w.officer, &elsewhere).await.problem(403, "forbidden");
    let listed = app.get("/api/v1/initiatives").await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "nothing written by the refusals");

    // Search ignores case and diacritics; a person's initiatives.
    for q in ["so hoa", "SỐ HÓA", "khen thuong cap xa"] {
        let found =
            app.send_as(&w.officer, TestRequest::get().uri(&format!("/api/v1/initiatives?q={}", urlencode(q)))).await;
        assert_eq!(found.json()["items"][0]["id"], created["id"], "{q}");
    }
    assert_eq!(app.get("/api/v1/initiatives?q=giao%20thong").await.json()["items"], json!([]));
    let theirs = app.get(&format!("/api/v1/initiatives?person_id={}", w.lan["id"].as_str().unwrap())).await.json();
    assert_eq!(theirs["items"][0]["id"], created["id"]);
    let nobody = app.create("people", json!({"full_name": "Hà Văn Tú", "unit_id": w.commune["id"]})).await;
    let none = app.get(&format!("/api/v1/initiatives?person_id={}&scope=co_so", nobody["id"].as_str().unwrap())).await;
    assert_eq!(none.json()["items"], json!([]));

    // Replaced under If-Match; it stays its unit's.
    let mut changed = body(&w);
    changed["scope"] = json!("tinh");
    changed["recognised_by"] = json!("Hội đồng sáng kiến tỉnh");
    changed["authors"] = json!([{"person_id": w.lan["id"], "share_percent": "100"}]);
    let no_tag = TestRequest::put().uri(&path).set_json(&changed);
    app.send_as(&w.officer, no_tag).await.problem(428, "precondition_required");
    let stale = TestRequest::put().uri(&path).insert_header(("if-match", "\"7\"")).set_json(&changed);
    app.send_as(&w.officer, stale).await.problem(412, "stale_version");
    let replaced = app.put_current(&w.officer, &path, &changed).await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text());
    let replaced = replaced.json();
    assert_eq!((replaced["version"].as_i64(), replaced["scope"].as_str()), (Some(2), Some("tinh")));
    assert_eq!(replaced["authors"].as_array().unwrap().len(), 1);
    let mut moved = changed.clone();
    moved["unit_id"] = w.department["id"].clone();
    let refused = app.put_current(&app.admin_token, &path, &moved).await.problem(422, "validation_failed");
    assert_eq!(refused["errors"][0]["code"], "immutable");

    // Evidence: stored, listed on the initiative, downloadable by whoever reads it.
    let upload = TestRequest::post()
        .uri(&format!("{path}/evidence?filename=quyet-dinh.pdf"))
        .insert_header(("content-type", "application/pdf"))
        .set_payload(PDF.to_vec());
    let added = app.send_as(&w.officer, upload).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text());
    let added = added.json();
    let read = app.send_as(&w.officer, TestRequest::get().uri(&path)).await;
    assert_eq!(read.json()["evidence"][0]["id"], added["id"]);
    assert_eq!(read.header("etag"), Some("\"3\""));
    let href = added["href"].as_str().unwrap();
    assert_eq!(app.send_as(&w.officer, TestRequest::get().uri(href)).await.body, PDF);

    // Every write journaled, in the unit's feed.
    let audit = app
        .get(&format!("/api/v1/audit-entries?record_kind=initiative&record_id={}", created["id"].as_str().unwrap()))
        .await
        .json();
    let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["initiative.evidence_added", "initiative.updated", "initiative.created"]);
}

async fn another_units_officer_gets_nothing(app: TestApp) {
    let w = world(&app).await;
    let created = create_as(&app, &w.officer, &body(&w)).await.json();
    let path = format!("/api/v1/initiatives/{}", created["id"].as_str().unwrap());
    let upload = TestRequest::post()
        .uri(&format!("{path}/evidence"))
        .insert_header(("content-type", "application/pdf"))
        .set_payload(PDF.to_vec());
    let evidence = app.send_as(&w.officer, upload).await.json();

    let b = &w.other_officer;
    let missing = app
        .send_as(b, TestRequest::get().uri(&format!("/api/v1/initiatives/{}", uuid::Uuid::now_v7())))
        .await
        .problem(404, "not_found");
    assert_eq!(app.send_as(b, TestRequest::get().uri(&path)).await.problem(404, "not_found"), missing);
    assert_eq!(app.send_as(b, TestRequest::get().uri("/api/v1/initiatives")).await.json()["items"], json!([]));
    let by_person = format!(
        "/api/v1/initiatives?person_id={}&unit_id={}",
        w.lan["id"].as_str().unwrap(),
        w.commune["id"].as_str().unwrap()
    );
    assert_eq!(app.send_as(b, TestRequest::get().uri(&by_person)).await.json()["items"], json!([]));
    app.put_current(b, &path, &body(&w)).await.problem(404, "not_found");
    let upload = TestRequest::post()
        .uri(&format!("{path}/evidence"))
        .insert_header(("content-type", "application/pdf"))
        .set_payload(PDF.to_vec());
    app.send_as(b, upload).await.problem(404, "not_found");
    app.send_as(b, TestRequest::get().uri(evidence["href"].as_str().unwrap())).await.problem(404, "not_found");
    // The province-level reader sees it.
    let (_, viewer) = app.user("xem", &["viewer"], None).await;
    assert_eq!(app.send_as(&viewer, TestRequest::get().uri(&path)).await.status, StatusCode::OK);
}
