//! Public posting, the public's comments, and decisions that turn nominations into awards.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use chrono::TimeDelta;
use diesel::prelude::*;
use serde_json::{json, Value};
use thidua::db::schema::nominations;

use crate::helpers::TestApp;

on_both_backends!(posting_then_decision_grants_awards);

const PDF: &[u8] = b"%PDF-1.7\n%%EOF\n";

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

fn day(offset: i64) -> String {
    (thidua::domain::units::today_in_vietnam() + TimeDelta::days(offset)).to_string()
}

/// A nomination of a new person of a commune for `code` (a seeded individual award), with its
/// documents, submitted, appraised and approved: ready to post. Needs the reference data.
pub async fn approved_nomination(app: &TestApp, code: &str) -> Value {
    let (commune, _) = crate::auth::commune_and_department(app).await;
    let types = app.get("/api/v1/award-types").await.json();
    let type_id = types.as_array().unwrap().iter().find(|t| t["code"] == code).unwrap()["id"].clone();
    let person = app
        .create("people", json!({"full_name": "Lục Thị Hằng", "position": "Trưởng thôn", "unit_id": commune["id"], "birth_year": 1975, "identity_number": "006175001234"}))
        .await;
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
        let res = app.post(&format!("{path}/{action}"), &json!({})).await;
        assert_eq!(res.status, StatusCode::OK, "{action}: {}", res.text());
    }
    nomination
}

async fn posting_then_decision_grants_awards(app: TestApp) {
    let mut conn = app.connection();
    thidua::seed::seed_reference(&mut conn).unwrap();
    let nomination = approved_nomination(&app, "BANG_KHEN_TINH_CA_NHAN").await;
    let person = json!({"id": nomination["person_id"]});
    let path = format!("/api/v1/nominations/{}", id(&nomination));

    // Posting lasts at least the award's period (10 working days in the seeded rules:
    // tests/api/calendar.rs counts them).
    app.post(&format!("{path}/post"), &json!({"until": day(5)})).await.problem(422, "validation_failed");
    assert_eq!(app.post(&format!("{path}/post"), &json!({"until": day(30)})).await.status, StatusCode::NO_CONTENT);
    // Posted after its approval, only a decision (or a revocation after it) ends it.
    app.post(&format!("{path}/reject"), &json!({"reason": "Thử"})).await.problem(409, "illegal_transition");

    // The public sees name, position, unit and award — nothing more — and can comment.
    let public = app.send_anonymous(TestRequest::get().uri("/api/v1/public/postings")).await;
    assert_eq!(public.status, StatusCode::OK);
    let listed = public.json();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let entry = &listed[0];
    assert_eq!(
        (entry["nominee"].as_str(), entry["position"].as_str(), entry["unit_name"].as_str()),
        (Some("Lục Thị Hằng"), Some("Trưởng thôn"), Some("Xã Đồng Thử"))
    );
    // Beside the ISO day, the day as people read it.
    let (y, m, d) = {
        let iso = entry["posting_until"].as_str().unwrap();
        (&iso[0..4], &iso[5..7], &iso[8..10])
    };
    assert_eq!(entry["posting_until_text"], format!("ngày {d} tháng {m} năm {y}"));
    let text = public.text();
    // The birth year appears nowhere as a value (checked on values: a random id may contain the
    // digits "1975"), nor the identity number or the person's id.
    fn has_number(v: &Value, n: i64) -> bool {
        match v {
            Value::Number(x) => x.as_i64() == Some(n),
            Value::String(s) => s == &n.to_string(),
            Value::Array(items) => items.iter().any(|i| has_number(i, n)),
            Value::Object(map) => map.values().any(|i| has_number(i, n)),
            _ => false,
        }
    }
    assert!(!has_number(&public.json(), 1975) && !text.contains("birth_year"), "{text}");
    assert!(!text.contains("006175001234") && !text.contains(person["id"].as_str().unwrap()), "{text}");
    let comments = format!("/api/v1/public/postings/{}/comments", id(&nomination));
    let res =
        app.send_anonymous(TestRequest::post().uri(&comments).set_json(
            json!({"author_name": "Người dân thôn Nà Làng", "content": "Chị Hằng rất nhiệt tình.\nĐồng ý."}),
        ))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    app.send_anonymous(TestRequest::post().uri(&comments).set_json(json!({"content": "  "})))
        .await
        .problem(422, "validation_failed");
    // The public endpoints speak Vietnamese, whatever the browser prefers.
    let res = app
        .send_anonymous(
            TestRequest::post()
                .uri(&format!("/api/v1/public/postings/{}/comments", uuid::Uuid::now_v7()))
                .insert_header(("accept-language", "en-US,en;q=0.9"))
                .set_json(json!({"content": "x"})),
        )
        .await;
    assert_eq!(res.header("content-language"), Some("vi"));
    let body = res.problem(404, "not_found");
    assert_eq!(
        (body["title"].as_str(), body["detail"].as_str()),
        (Some("Không tìm thấy"), Some("Không tìm thấy thông báo công khai."))
    );
    // However the path is escaped, as the router decodes it.
    let escaped = TestRequest::post()
        .uri(&format!("/api/v1/%70ublic/postings/{}/comments", uuid::Uuid::now_v7()))
        .insert_header(("accept-language", "en"))
        .set_json(json!({"content": "x"}));
    let res = app.send_anonymous(escaped).await;
    assert_eq!(res.header("content-language"), Some("vi"), "{}", res.text());
    res.problem(404, "not_found");
    let seen = app.get(&format!("{path}/comments")).await.json();
    assert_eq!(seen[0]["content"], "Chị Hằng rất nhiệt tình.\nĐồng ý.");
    let reviewed = app
        .post(&format!("/api/v1/posting-comments/{}/review", id(&seen[0])), &json!({"note": "Ý kiến ủng hộ"}))
        .await
        .json();
    assert!(reviewed["reviewed_at"].is_string());
    // A second comment, still unreviewed when the posting ends.
    let res = app
        .send_anonymous(TestRequest::post().uri(&comments).set_json(json!({"content": "Đề nghị xem lại thành tích."})))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());

    // No decision before the posting ends.
    let (_, viewer) = app.user("viewer.1", &["viewer"], None).await;
    let (_, approver) = app.user("approver.1", &["approver"], None).await;
    let decision = json!({"number": "123/QĐ-UBND", "decided_on": day(0), "signer": "Chủ tịch UBND tỉnh", "authority": "UBND tỉnh", "nomination_ids": [nomination["id"]]});
    let refused = app
        .send_as(&approver, TestRequest::post().uri("/api/v1/decisions").set_json(&decision))
        .await
        .problem(422, "validation_failed");
    assert_eq!(refused["errors"][0]["code"], "posting_not_over");
    app.send_as(&viewer, TestRequest::post().uri("/api/v1/decisions").set_json(&decision))
        .await
        .problem(403, "forbidden");

    // Time passes: the posting ended yesterday.
    let yesterday: chrono::NaiveDate = day(-1).parse().unwrap();
    diesel::update(nominations::table.find(id(&nomination)))
        .set(nominations::posting_until.eq(Some(yesterday)))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(
        app.send_anonymous(TestRequest::get().uri("/api/v1/public/postings")).await.json(),
        json!([]),
        "no longer on posting"
    );
    // Not before the board has reviewed every comment of the public.
    let refused = app
        .send_as(&approver, TestRequest::post().uri("/api/v1/decisions").set_json(&decision))
        .await
        .problem(422, "validation_failed");
    assert_eq!(refused["errors"][0]["code"], "comments_unreviewed", "{refused}");
    assert_eq!(refused["errors"][0]["field"], "nomination_ids[0]");
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("còn 1 ý kiến"), "{refused}");
    let seen = app.get(&format!("{path}/comments")).await.json();
    let unreviewed = seen.as_array().unwrap().iter().find(|c| c["reviewed_at"].is_null()).unwrap();
    app.post(
        &format!("/api/v1/posting-comments/{}/review", id(unreviewed)),
        &json!({"note": "Đã xác minh, thành tích đúng"}),
    )
    .await;
    let res = app.send_as(&approver, TestRequest::post().uri("/api/v1/decisions").set_json(&decision)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let issued = res.json();
    assert_eq!(issued["award_ids"].as_array().unwrap().len(), 1);
    let read = app.send_as(&viewer, TestRequest::get().uri(&format!("/api/v1/decisions/{}", id(&issued)))).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text());
    assert_eq!(read.json(), issued);
    assert_eq!(
        (read.json()["number"].as_str(), read.json()["signer"].as_str(), read.json()["decided_on"].as_str()),
        (Some("123/QĐ-UBND"), Some("Chủ tịch UBND tỉnh"), Some(day(0).as_str()))
    );
    app.get(&format!("/api/v1/decisions/{}", uuid::Uuid::now_v7())).await.problem(404, "not_found");
    let award = app.get(&format!("/api/v1/awards/{}", issued["award_ids"][0].as_str().unwrap())).await.json();
    assert_eq!(
        (award["decision_number"].as_str(), award["person_id"].as_str()),
        (Some("123/QĐ-UBND"), person["id"].as_str())
    );
    assert_eq!(
        award["award_type_version_id"],
        app.get(&path).await.json()["award_type_version_id"],
        "the rules it was judged under"
    );
    assert_eq!(app.get(&path).await.json()["status"], "decided");
    let history = app.get(&format!("/api/v1/awards?person_id={}", id(&person))).await.json();
    assert_eq!(history["items"].as_array().unwrap().len(), 1);
    app.send_as(&approver, TestRequest::post().uri("/api/v1/decisions").set_json(&decision))
        .await
        .problem(422, "validation_failed");
    // Revoking the award revokes the nomination it came from, with the reason.
    app.post(
        &format!("/api/v1/awards/{}/revoke", issued["award_ids"][0].as_str().unwrap()),
        &json!({"reason": "Hồ sơ không trung thực"}),
    )
    .await;
    let revoked = app.get(&path).await.json();
    assert_eq!(revoked["status"], "revoked");
    assert_eq!(revoked["history"].as_array().unwrap().last().unwrap()["reason"], "Hồ sơ không trung thực");
    let mut again = decision.clone();
    again["nomination_ids"] = json!([]);
    app.send_as(&approver, TestRequest::post().uri("/api/v1/decisions").set_json(&again))
        .await
        .problem(422, "validation_failed");
}
