//! Documents (issue 16): templates as versioned data, documents generated from records as DOCX
//! and PDF and read back, and a decision's signed PDF verified before it takes effect.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use chrono::TimeDelta;
use diesel::prelude::*;
use serde_json::{json, Value};
use thidua::db::schema::nominations;
use thidua::documents::{docx, templates};
use thidua::domain::documents::TemplateKind;

use crate::helpers::{Options, TestApp};
use crate::signing;

on_both_backends!(documents_are_made_from_a_decision_and_its_nomination);
with_options!(a_decision_takes_effect_with_its_verified_signed_copy, super::signing_required());

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

fn day(offset: i64) -> String {
    (thidua::domain::units::today_in_vietnam() + TimeDelta::days(offset)).to_string()
}

/// A PDF's text as a reader extracts it: NFC, whitespace collapsed.
pub fn pdf_text(pdf: &[u8]) -> String {
    let text = thidua::documents::pdf::extract_text(pdf).expect("a PDF with text");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A DOCX's text, whitespace collapsed.
pub fn docx_text(bytes: &[u8]) -> String {
    docx::text_of(bytes).expect("a DOCX").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Makes a document as `token` and downloads it: (its record, its bytes).
pub async fn make(app: &TestApp, token: &str, kind: &str, source: &Value, format: &str) -> (Value, Vec<u8>) {
    let body = json!({"kind": kind, "source_id": source, "format": format});
    let res = app.send_as(token, TestRequest::post().uri("/api/v1/documents").set_json(&body)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{kind} as {format}: {}", res.text());
    let document = res.json();
    let file = app.send_as(token, TestRequest::get().uri(document["href"].as_str().unwrap())).await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.text());
    let expected = if format == "pdf" { "application/pdf" } else { DOCX };
    assert_eq!(file.header("content-type"), Some(expected));
    assert_eq!(document["size_bytes"], file.body.len());
    (document, file.body)
}

/// A decision of one posted nomination of a commune's person: (the decision, the nomination).
async fn decided(app: &TestApp, number: &str) -> (Value, Value) {
    let nomination = crate::decisions::approved_nomination(app, "BANG_KHEN_TINH_CA_NHAN").await;
    let path = format!("/api/v1/nominations/{}", id(&nomination));
    assert_eq!(app.post(&format!("{path}/post"), &json!({"until": day(30)})).await.status, StatusCode::NO_CONTENT);
    let yesterday: chrono::NaiveDate = day(-1).parse().unwrap();
    diesel::update(nominations::table.find(id(&nomination)))
        .set(nominations::posting_until.eq(Some(yesterday)))
        .execute(&mut app.connection())
        .unwrap();
    let decision = json!({"number": number, "decided_on": day(0), "signer": "Nguyễn Văn Thành",
        "authority": "Ủy ban nhân dân tỉnh Bắc Kạn", "nomination_ids": [nomination["id"]]});
    let res = app.post("/api/v1/decisions", &decision).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    (res.json(), nomination)
}

async fn documents_are_made_from_a_decision_and_its_nomination(app: TestApp) {
    thidua::seed::seed_reference(&mut app.connection()).unwrap();
    let (decision, nomination) = decided(&app, "15/QĐ-UBND").await;
    let admin = app.admin_token.clone();
    let (_, approver) = app.user("approver.docs", &["approver"], None).await;
    let (_, viewer) = app.user("viewer.docs", &["viewer"], None).await;
    let commune = json!(nomination["unit_id"]);
    let (_, officer) = app.user("officer.docs", &["unit_officer"], Some(&commune)).await;
    // approved_nomination made the department 99-SYT beside the commune.
    let department = app.get("/api/v1/departments/by-code/99-SYT").await.json();
    let (_, stranger) = app.user("officer.other", &["unit_officer"], Some(&department["id"])).await;

    // Every kind has its built-in version 1, current until the board uploads one.
    let listed = app.send_as(&viewer, TestRequest::get().uri("/api/v1/document-templates")).await.json();
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), TemplateKind::ALL.len());
    assert!(
        items.iter().all(|t| t["version_number"] == 1 && t["built_in"] == true && t["current"] == true),
        "{listed}"
    );
    let built_in = app.get("/api/v1/document-templates/decision/1").await;
    assert_eq!(built_in.header("content-type"), Some(DOCX));
    assert!(docx::placeholders(&built_in.body).unwrap().contains(&"awards.name".to_string()));
    app.get("/api/v1/document-templates/decision/2").await.problem(404, "not_found");
    app.get("/api/v1/document-templates/no_such_kind/1").await.problem(404, "not_found");

    // The decision as PDF: its number, its date as the layout decree writes it, the recipient
    // in the annex, all with their diacritics.
    let (document, pdf) = make(&app, &approver, "decision", &decision["id"], "pdf").await;
    assert_eq!((document["template_version"].as_i64(), document["kind"].as_str()), (Some(1), Some("decision")));
    let text = pdf_text(&pdf);
    for expected in ["QUYẾT ĐỊNH", "15/QĐ-UBND", "Lục Thị Hằng", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Bắc Kạn"]
    {
        assert!(text.contains(expected), "{expected:?} not in {text}");
    }
    let today = thidua::domain::display::admin_date(thidua::domain::units::today_in_vietnam());
    assert!(text.contains(&today), "{today:?} not in {text}");
    // And as DOCX, the same content.
    let (_, word) = make(&app, &approver, "decision", &decision["id"], "docx").await;
    let text = docx_text(&word);
    assert!(text.contains("15/QĐ-UBND") && text.contains("Lục Thị Hằng"), "{text}");
    // Listed with its record, newest first.
    let of_decision = app.get(&format!("/api/v1/documents?source_id={}", id(&decision))).await.json();
    let formats: Vec<&str> =
        of_decision["items"].as_array().unwrap().iter().map(|d| d["format"].as_str().unwrap()).collect();
    assert_eq!(formats, ["docx", "pdf"]);
    assert_eq!(app.get(&format!("/api/v1/documents/{}", id(&document))).await.json(), document);
    // Decisions are public; printing one is for who records them.
    assert_eq!(
        app.send_as(&viewer, TestRequest::get().uri(document["href"].as_str().unwrap())).await.status,
        StatusCode::OK
    );
    let body = json!({"kind": "decision", "source_id": decision["id"], "format": "pdf"});
    for token in [&viewer, &officer] {
        app.send_as(token, TestRequest::post().uri("/api/v1/documents").set_json(&body))
            .await
            .problem(403, "forbidden");
    }

    // The certificate of its award.
    let (_, certificate) = make(&app, &admin, "certificate", &decision["award_ids"][0], "pdf").await;
    let text = pdf_text(&certificate);
    assert!(text.contains("Lục Thị Hằng") && text.contains("BẰNG KHEN"), "{text}");

    // The nominee's achievement report, made by the commune's officer; the kind follows the
    // nominee; another unit's officer learns nothing of it.
    let (report, word) = make(&app, &officer, "achievement_report_individual", &nomination["id"], "docx").await;
    let text = docx_text(&word);
    assert!(text.contains("BÁO CÁO THÀNH TÍCH") && text.contains("Lục Thị Hằng") && text.contains("1975"), "{text}");
    let wrong = json!({"kind": "achievement_report_collective", "source_id": nomination["id"], "format": "pdf"});
    let refused = app.send_as(&officer, TestRequest::post().uri("/api/v1/documents").set_json(&wrong)).await;
    assert_eq!(refused.problem(422, "validation_failed")["errors"][0]["code"], "wrong_subject");
    let theirs = json!({"kind": "achievement_report_individual", "source_id": nomination["id"], "format": "pdf"});
    app.send_as(&stranger, TestRequest::post().uri("/api/v1/documents").set_json(&theirs))
        .await
        .problem(404, "not_found");
    app.send_as(&stranger, TestRequest::get().uri(&format!("/api/v1/documents/{}", id(&report))))
        .await
        .problem(404, "not_found");
    app.send_as(&stranger, TestRequest::get().uri(report["href"].as_str().unwrap())).await.problem(404, "not_found");
    let listed = app
        .send_as(&stranger, TestRequest::get().uri(&format!("/api/v1/documents?source_id={}", id(&nomination))))
        .await
        .json();
    assert_eq!(listed["items"], json!([]));
    let unknown = json!({"kind": "decision", "source_id": uuid::Uuid::now_v7(), "format": "pdf"});
    app.post("/api/v1/documents", &unknown).await.problem(404, "not_found");

    // The board's own version of the decision template: the next version, used from then on;
    // documents made before keep theirs.
    let own = templates::built_in_xml(TemplateKind::Decision).replace("QUYẾT ĐỊNH:", "QUYẾT ĐỊNH (MẪU CỦA TỈNH):");
    assert_ne!(own, templates::built_in_xml(TemplateKind::Decision), "the built-in decision says QUYẾT ĐỊNH:");
    let upload = |token: &str, bytes: Vec<u8>, content_type: &'static str| {
        TestRequest::post()
            .uri("/api/v1/document-templates/decision?note=M%E1%BA%ABu%20t%E1%BB%89nh")
            .insert_header(("authorization", format!("Bearer {token}")))
            .insert_header(("content-type", content_type))
            .set_payload(bytes)
    };
    let res = app.send(upload(&admin, docx::package(&own), DOCX)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let v2 = res.json();
    assert_eq!(
        (v2["version_number"].as_i64(), v2["current"].as_bool(), v2["note"].as_str()),
        (Some(2), Some(true), Some("Mẫu tỉnh"))
    );
    let (again, pdf) = make(&app, &approver, "decision", &decision["id"], "pdf").await;
    assert_eq!(again["template_version"], 2);
    assert!(pdf_text(&pdf).contains("MẪU CỦA TỈNH"));
    let body = json!({"kind": "decision", "source_id": decision["id"], "format": "pdf", "template_version": 1});
    let res = app.post("/api/v1/documents", &body).await;
    assert_eq!(res.json()["template_version"], 1, "{}", res.text());
    let body = json!({"kind": "decision", "source_id": decision["id"], "format": "pdf", "template_version": 9});
    assert_eq!(
        app.post("/api/v1/documents", &body).await.problem(422, "validation_failed")["errors"][0]["field"],
        "template_version"
    );
    let listed = app.get("/api/v1/document-templates").await.json();
    let decisions: Vec<(i64, bool)> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"] == "decision")
        .map(|t| (t["version_number"].as_i64().unwrap(), t["current"].as_bool().unwrap()))
        .collect();
    assert_eq!(decisions, [(1, false), (2, true)]);
    let downloaded = app.get(v2["href"].as_str().unwrap()).await;
    assert_eq!(downloaded.body, docx::package(&own));

    // A template must be a DOCX the kind can fill: unknown placeholders are named.
    let unknown = own.replace("{{signer}}", "{{ten_nguoi_ky}}");
    let refused = app.send(upload(&admin, docx::package(&unknown), DOCX)).await.problem(422, "validation_failed");
    assert_eq!(refused["errors"][0]["code"], "invalid_template");
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("{{ten_nguoi_ky}}"), "{refused}");
    app.send(upload(&admin, pdf.clone(), "application/pdf")).await.problem(415, "unsupported_file_type");
    app.send(upload(&officer, docx::package(&own), DOCX)).await.problem(403, "forbidden");
    assert_eq!(app.get("/api/v1/document-templates").await.json()["items"].as_array().unwrap().len(), 8);
    app.assert_every_write_journaled();
}

/// Signed copies required, trusting the suite's test CA, with room for a signed PDF.
pub fn signing_required() -> Options {
    let anchors = std::env::temp_dir().join(format!("thidua-test-ca-{}.pem", std::process::id()));
    std::fs::write(&anchors, signing::shared_ca().root_pem()).unwrap();
    Options {
        seed: false,
        env: vec![
            ("THIDUA_REQUIRE_SIGNED_DECISIONS", "true".into()),
            ("THIDUA_SIGNATURE_TRUST_ANCHORS", anchors.display().to_string()),
        ],
        configure: Some(|settings| settings.max_upload_bytes = 4 << 20),
        ..Default::default()
    }
}

async fn a_decision_takes_effect_with_its_verified_signed_copy(app: TestApp) {
    thidua::seed::seed_reference(&mut app.connection()).unwrap();
    let (decision, _) = decided(&app, "21/QĐ-UBND").await;
    assert_eq!((decision["status"].as_str(), &decision["signature"]), (Some("awaiting_signature"), &Value::Null));
    let path = format!("/api/v1/decisions/{}", id(&decision));
    // Not in effect: no certificate yet.
    let body = json!({"kind": "certificate", "source_id": decision["award_ids"][0], "format": "pdf"});
    app.post("/api/v1/documents", &body).await.problem(409, "decision_not_final");
    let (_, unsigned) = make(&app, &app.admin_token, "decision", &decision["id"], "pdf").await;
    let signed_at = chrono::Utc::now() - TimeDelta::minutes(5);
    let upload = |bytes: Vec<u8>| {
        TestRequest::post()
            .uri(&format!("{path}/signed-copy"))
            .insert_header(("content-type", "application/pdf"))
            .set_payload(bytes)
    };
    let ca = signing::shared_ca();
    // Refused, with the reason, and nothing kept: an unsigned file, one changed after signing,
    // one signed by an authority not trusted here, one whose certificate had expired.
    let files_before = app.stored_files();
    let reason = |res: crate::helpers::Response| {
        let problem = res.problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["code"], "invalid_signature", "{problem}");
        problem["errors"][0]["message"].as_str().unwrap().to_string()
    };
    assert!(reason(app.send(upload(unsigned.clone())).await).contains("(no_signature)"));
    let mut changed = signing::sign_pdf(&unsigned, &ca.signer("Nguyễn Văn Thành"), signed_at);
    let at = changed.windows(10).position(|w| w == b"/Producer ").unwrap_or(20);
    changed[at + 1] ^= 0x20;
    assert!(reason(app.send(upload(changed)).await).contains("(digest_mismatch)"));
    let foreign = signing::TestCa::new("CA lạ");
    let untrusted = signing::sign_pdf(&unsigned, &foreign.signer("Nguyễn Văn Thành"), signed_at);
    assert!(reason(app.send(upload(untrusted)).await).contains("(untrusted_chain)"));
    let expired = signing::sign_pdf(&unsigned, &ca.expired_signer("Nguyễn Văn Thành"), signed_at);
    assert!(reason(app.send(upload(expired)).await).contains("(certificate_not_valid_at_signing_time)"));
    // A valid signature over another document is not this decision's signed copy.
    let other = docx::package(&templates::built_in_xml(TemplateKind::Decision).replace("{{number}}", "99/QĐ-UBND"));
    let other = thidua::documents::pdf::render(&docx::fill(&other, &Default::default()).unwrap_or(other)).unwrap();
    let signed_other = signing::sign_pdf(&other, &ca.signer("Nguyễn Văn Thành"), signed_at);
    let refused = app.send(upload(signed_other)).await.problem(422, "validation_failed");
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("không phải quyết định này"), "{refused}");
    assert_eq!(app.stored_files(), files_before);
    assert_eq!(app.get(&path).await.json()["status"], "awaiting_signature");

    // Only who records the decision files its signed copy.
    let (_, viewer) = app.user("viewer.sign", &["viewer"], None).await;
    let signed = signing::sign_pdf(&unsigned, &ca.signer("Nguyễn Văn Thành"), signed_at);
    app.send_as(&viewer, upload(signed.clone())).await.problem(403, "forbidden");

    // Verified: recorded with its signer, and the decision takes effect.
    let res = app.send(upload(signed.clone())).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let signature = res.json();
    assert_eq!(signature["signer_name"], "Nguyễn Văn Thành");
    assert_eq!(signature["signed_at"].as_str().unwrap()[..19], signed_at.format("%Y-%m-%dT%H:%M:%S").to_string());
    let now = app.get(&path).await.json();
    assert_eq!((now["status"].as_str(), &now["signature"]), (Some("final"), &signature));
    let copy = app.get(signature["href"].as_str().unwrap()).await;
    assert_eq!((copy.header("content-type"), copy.body == signed), (Some("application/pdf"), true));
    app.send(upload(signed)).await.problem(409, "already_signed");
    // In effect, its certificates can be printed.
    let (_, certificate) = make(&app, &app.admin_token, "certificate", &decision["award_ids"][0], "pdf").await;
    assert!(pdf_text(&certificate).contains("Lục Thị Hằng"));
    app.assert_every_write_journaled();
}
