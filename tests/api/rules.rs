//! The award rules as explicit data (issue 13): prerequisite windows (the same year or the years
//! before), consecutive years versus consecutive awards, and which failures are refusals and
//! which warnings the board acknowledges with a reason.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::helpers::TestApp;

on_both_backends!(
    the_seeded_rules_say_what_they_count,
    grassroots_fighter_needs_the_same_years_title,
    national_fighter_needs_two_consecutive_provincial_awards,
    warnings_are_acknowledged_with_a_reason_and_refusals_are_not,
    registered_initiatives_count_toward_emulation_fighter_titles,
);

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";

fn this_year() -> i32 {
    chrono::Datelike::year(&thidua::domain::units::today_in_vietnam())
}

fn codes(problem: &Value) -> Vec<String> {
    problem["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap().to_string()).collect()
}

struct World {
    commune: Value,
    officer: String,
    types: Value,
}

impl World {
    async fn new(app: &TestApp) -> World {
        let mut conn = app.connection();
        thidua::seed::seed_reference(&mut conn).unwrap();
        let (commune, _) = crate::auth::commune_and_department(app).await;
        let (_, officer) = app.user("officer.a", &["unit_officer"], Some(&commune["id"])).await;
        let types = app.get("/api/v1/award-types").await.json();
        World { commune, officer, types }
    }

    fn award_type(&self, code: &str) -> &Value {
        self.types.as_array().unwrap().iter().find(|t| t["code"] == code).unwrap()
    }

    async fn person(&self, app: &TestApp, name: &str) -> Value {
        app.create("people", json!({"full_name": name, "unit_id": self.commune["id"]})).await
    }

    async fn award(&self, app: &TestApp, code: &str, person: &Value, year: i32) {
        app.create(
            "awards",
            json!({"award_type_id": self.award_type(code)["id"], "person_id": person["id"], "year": year,
                   "decision_number": format!("{year}/QĐ-UBND"), "decision_date": format!("{year}-12-20"),
                   "decided_by": "Chủ tịch UBND tỉnh"}),
        )
        .await;
    }

    /// A draft with its whole dossier, by the unit's officer.
    async fn nominate(&self, app: &TestApp, code: &str, person: &Value, year: i32) -> String {
        let body = json!({"award_type_id": self.award_type(code)["id"], "person_id": person["id"], "unit_id": self.commune["id"], "year": year});
        let res = app.send_as(&self.officer, TestRequest::post().uri("/api/v1/nominations").set_json(&body)).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        let id = res.json()["id"].as_str().unwrap().to_string();
        for kind in ["to_trinh", "bao_cao_thanh_tich", "bien_ban_binh_xet", "sang_kien"] {
            let req = TestRequest::post()
                .uri(&format!("/api/v1/nominations/{id}/documents?kind={kind}"))
                .insert_header(("content-type", "application/pdf"))
                .set_payload(PDF.to_vec());
            assert_eq!(app.send_as(&self.officer, req).await.status, StatusCode::CREATED);
        }
        id
    }

    /// Submits in English: the tests read the refusals' wording.
    async fn submit(&self, app: &TestApp, id: &str) -> crate::helpers::Response {
        app.send_as(
            &self.officer,
            TestRequest::post()
                .uri(&format!("/api/v1/nominations/{id}/submit"))
                .insert_header(("accept-language", "en"))
                .set_json(json!({})),
        )
        .await
    }
}

/// The catalogue shows each prerequisite's window, its count, what failing it does, its legal
/// basis and whether that wording is confirmed; bad rules are refused, every field at once.
async fn the_seeded_rules_say_what_they_count(app: TestApp) {
    let w = World::new(&app).await;
    let rules = |code: &str| w.award_type(code)["versions"][0].clone();
    let grassroots = rules("CSTD_CO_SO");
    assert_eq!(grassroots["prerequisites"][0]["award_type_code"], "LDTT");
    assert_eq!(grassroots["prerequisites"][0]["window"], "same_year");
    assert_eq!(grassroots["prerequisites"][0]["consecutive_years"], 1);
    assert_eq!(grassroots["prerequisites"][0]["on_failure"], "refusal");
    assert!(grassroots["prerequisites"][0]["legal_basis"].as_str().unwrap().contains("Điều 23"));
    assert_eq!(grassroots["quota_on_failure"], "warning");
    let national = rules("CSTD_TOAN_QUOC");
    assert_eq!(
        national["prerequisites"][0],
        json!({"award_type_code": "CSTD_TINH", "consecutive_awards": 2, "award_span_years": 3, "window": "previous_years",
               "on_failure": "refusal", "unconfirmed": true, "legal_basis": national["prerequisites"][0]["legal_basis"],
               "window_label": "Tính đến năm trước năm xét tặng", "on_failure_label": "Từ chối"})
    );
    assert!(national["prerequisites"][0].get("consecutive_years").is_none());
    assert_eq!(rules("CSTD_TINH")["prerequisites"][0]["consecutive_years"], 3);

    let body = json!({"code": "THU_NGHIEM", "name": "Thử nghiệm", "category": "danh_hieu_thi_dua", "subject": "individual",
        "level": "co_so", "effective_from": "2026-01-01", "rules": {"granting_authority": "Chủ tịch UBND tỉnh",
        "legal_basis": "Luật 06/2022/QH15", "quota_on_failure": "refusal", "prerequisites": [
            {"award_type_code": "LDTT", "consecutive_years": 1, "consecutive_awards": 2},
            {"award_type_code": "CSTD_TINH", "consecutive_awards": 2},
            {"award_type_code": "LDTT", "consecutive_years": 1, "borderline_gap_years": 9}]}});
    let refused = app.post("/api/v1/award-types", &body).await.problem(422, "validation_failed");
    let fields: Vec<&str> =
        refused["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(
        fields,
        [
            "prerequisites[0].consecutive_years",
            "prerequisites[1].award_span_years",
            "prerequisites[2].borderline_gap_years"
        ]
    );
    let mut fixed = body.clone();
    fixed["rules"]["prerequisites"] =
        json!([{"award_type_code": "CSTD_TINH", "consecutive_awards": 2, "award_span_years": 3}]);
    let created = app.post("/api/v1/award-types", &fixed).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let created = created.json();
    assert_eq!(created["versions"][0]["quota_on_failure"], "refusal");
    assert_eq!(created["versions"][0]["prerequisites"][0]["window"], "previous_years", "the default window");
}

/// Law 06/2022/QH15 Art 23: Lao động tiên tiến of the same year, not the year before.
async fn grassroots_fighter_needs_the_same_years_title(app: TestApp) {
    let w = World::new(&app).await;
    let year = this_year();
    let lan = w.person(&app, "Đinh Thị Lan").await;
    w.award(&app, "LDTT", &lan, year).await;
    let id = w.nominate(&app, "CSTD_CO_SO", &lan, year).await;
    let submitted = w.submit(&app, &id).await;
    assert_eq!(submitted.status, StatusCode::OK, "LĐTT {year} qualifies for CSTĐ cơ sở {year}: {}", submitted.text());
    assert_eq!(submitted.json()["status"], "submitted");

    // Last year's title alone does not.
    let khanh = w.person(&app, "Triệu Văn Khánh").await;
    w.award(&app, "LDTT", &khanh, year - 1).await;
    let id = w.nominate(&app, "CSTD_CO_SO", &khanh, year).await;
    let refused = w.submit(&app, &id).await.problem(422, "not_eligible");
    assert_eq!(codes(&refused), ["prerequisite_streak"]);
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains(&format!("LDTT in {year}")));
}

/// Law Art 21: two consecutive awards of Chiến sĩ thi đua cấp tỉnh, each on its own three-year
/// streak — adjoining streaks qualify, a gap between them or two consecutive years do not.
async fn national_fighter_needs_two_consecutive_provincial_awards(app: TestApp) {
    let w = World::new(&app).await;
    let year = this_year();
    let hai = w.person(&app, "Nông Văn Hải").await;
    for y in [year - 6, year - 3] {
        w.award(&app, "CSTD_TINH", &hai, y).await;
    }
    let id = w.nominate(&app, "CSTD_TOAN_QUOC", &hai, year).await;
    let submitted = w.submit(&app, &id).await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.text());
    assert_eq!(submitted.json()["eligibility"]["blocking"], json!([]));

    for (name, years) in [("Hà Thị Gấm", [year - 7, year - 3]), ("Lục Văn Tư", [year - 2, year - 1])] {
        let person = w.person(&app, name).await;
        for y in years {
            w.award(&app, "CSTD_TINH", &person, y).await;
        }
        let id = w.nominate(&app, "CSTD_TOAN_QUOC", &person, year).await;
        let refused = w.submit(&app, &id).await.problem(422, "not_eligible");
        assert_eq!(codes(&refused), ["prerequisite_streak"], "{name}: {years:?}");
        assert!(refused["errors"][0]["message"].as_str().unwrap().contains("2 consecutive awards of CSTD_TINH"));
    }
}

/// A quota overrun is a warning: the board acknowledges it with a reason, once, and the
/// nomination's history and the journal keep it. A refusal has nothing to acknowledge.
async fn warnings_are_acknowledged_with_a_reason_and_refusals_are_not(app: TestApp) {
    let w = World::new(&app).await;
    let year = this_year();
    let lan = w.person(&app, "Đinh Thị Lan").await;
    w.award(&app, "LDTT", &lan, year).await;
    let id = w.nominate(&app, "CSTD_CO_SO", &lan, year).await;
    let submitted = w.submit(&app, &id).await.json();
    // One Lao động tiên tiến in the unit this year: 15% of 1 is 0, so the board is warned.
    assert_eq!(submitted["eligibility"]["warnings"][0]["code"], "quota_exceeded");
    assert!(submitted["eligibility"]["warnings"][0].get("acknowledgement").is_none());
    // The warning speaks the reader's language, today and when read back later; the journal
    // keeps it in every language.
    let quota_vi = format!("năm {year} đơn vị được đề nghị tối đa 0 trường hợp; hồ sơ này là trường hợp thứ 1");
    let says = |n: &Value| n["eligibility"]["warnings"][0]["message"].as_str().unwrap().to_string();
    // (`submit` asked in English.)
    assert_eq!(says(&submitted), "the unit's quota this year is 0; this would be number 1");
    assert!(submitted["eligibility"]["warnings"][0].get("translations").is_none(), "a direct answer has one language");
    let read_vi = app.get(&format!("/api/v1/nominations/{id}")).await.json();
    assert!(says(&read_vi).contains(&quota_vi), "{read_vi}");
    let in_english =
        TestRequest::get().uri(&format!("/api/v1/nominations/{id}")).insert_header(("accept-language", "en"));
    let read_en = app.send(in_english).await.json();
    assert_eq!(says(&read_en), "the unit's quota this year is 0; this would be number 1");
    let path = format!("/api/v1/nominations/{id}/warnings/quota_exceeded/acknowledgement");

    // Only the board, and only with a reason.
    let by_officer = TestRequest::post().uri(&path).set_json(json!({"reason": "Đơn vị tự chấp nhận"}));
    app.send_as(&w.officer, by_officer).await.problem(403, "forbidden");
    let blank = app.post(&path, &json!({"reason": "  "})).await.problem(422, "validation_failed");
    assert_eq!(blank["errors"][0]["field"], "reason");
    app.post(&path, &json!({})).await.problem(422, "invalid_body");

    let reason = "Hội đồng xét vượt hạn mức: sáng kiến được áp dụng toàn tỉnh";
    let res = app.post(&path, &json!({"reason": reason})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let acknowledged = res.json();
    let warning = &acknowledged["eligibility"]["warnings"][0];
    assert_eq!(warning["acknowledgement"]["reason"], reason);
    let me = app.get("/api/v1/auth/me").await.json();
    assert_eq!(warning["acknowledgement"]["by"], me["id"]);
    assert_eq!(acknowledged["status"], "submitted", "the status stays");
    assert_eq!(acknowledged["version"], submitted["version"].as_i64().unwrap() + 1);
    let last = acknowledged["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["from_status"].as_str(), last["to_status"].as_str()), (Some("submitted"), Some("submitted")));
    assert!(last["reason"].as_str().unwrap().contains(reason));
    let audit = app.get(&format!("/api/v1/audit-entries?record_kind=nomination&record_id={id}")).await.json();
    let entry = &audit["items"][0];
    assert_eq!(entry["action"], "nomination.warning_acknowledged");
    assert_eq!(entry["after"]["eligibility"]["warnings"][0]["acknowledgement"]["reason"], reason);
    assert!(entry["before"]["eligibility"]["warnings"][0].get("acknowledgement").is_none());
    let journaled = &entry["after"]["eligibility"]["warnings"][0];
    assert_eq!(journaled["message"], "the unit's quota this year is 0; this would be number 1");
    assert!(journaled["translations"]["vi"].as_str().unwrap().contains(&quota_vi), "{journaled}");

    // Once only.
    app.post(&path, &json!({"reason": reason})).await.problem(409, "not_acknowledgeable");
    // A refusal cannot be acknowledged: the refused nomination stays a draft with nothing to waive.
    let khanh = w.person(&app, "Triệu Văn Khánh").await;
    let refused_id = w.nominate(&app, "CSTD_CO_SO", &khanh, year).await;
    w.submit(&app, &refused_id).await.problem(422, "not_eligible");
    let waive = format!("/api/v1/nominations/{refused_id}/warnings/prerequisite_streak/acknowledgement");
    app.post(&waive, &json!({"reason": "Bỏ qua"})).await.problem(409, "not_acknowledgeable");
    assert_eq!(app.get(&format!("/api/v1/nominations/{refused_id}")).await.json()["status"], "draft");
    // A stale If-Match is refused like any other write.
    let stale = TestRequest::post().uri(&path).insert_header(("if-match", "\"1\"")).set_json(json!({"reason": reason}));
    app.send(stale).await.problem(412, "stale_version");
}

fn warning_codes(nomination: &Value) -> Vec<String> {
    nomination["eligibility"]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap().to_string())
        .collect()
}

/// Chiến sĩ thi đua cơ sở needs an initiative recognised at least at cơ sở level (Art 23): a
/// registered one meets it; the dossier's own proof passes with a warning as seeded; a rules
/// version that does not accept it refuses.
async fn registered_initiatives_count_toward_emulation_fighter_titles(app: TestApp) {
    let w = World::new(&app).await;
    let year = this_year();
    let grassroots = w.award_type("CSTD_CO_SO");
    let requirement = &grassroots["versions"][0]["initiative_requirement"];
    assert_eq!(
        (requirement["minimum_scope"].as_str(), requirement["unconfirmed"].as_bool()),
        (Some("co_so"), Some(true))
    );

    let lan = w.person(&app, "Đinh Thị Lan").await;
    w.award(&app, "LDTT", &lan, year).await;
    let initiative = json!({"title": "Ứng dụng phần mềm quản lý hồ sơ một cửa", "unit_id": w.commune["id"],
        "field": "Cải cách hành chính", "recognised_by": "Hội đồng sáng kiến xã", "scope": "co_so",
        "decision_number": "7/QĐ-UBND", "decision_date": format!("{year}-03-02"), "year": year,
        "authors": [{"person_id": lan["id"], "share_percent": "100"}]});
    let res = app.send_as(&w.officer, TestRequest::post().uri("/api/v1/initiatives").set_json(&initiative)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let id = w.nominate(&app, "CSTD_CO_SO", &lan, year).await;
    let submitted = w.submit(&app, &id).await.json();
    assert_eq!(warning_codes(&submitted), ["quota_exceeded"], "the registered initiative meets it");

    let tu = w.person(&app, "Hà Văn Tú").await;
    w.award(&app, "LDTT", &tu, year).await;
    let id = w.nominate(&app, "CSTD_CO_SO", &tu, year).await;
    let submitted = w.submit(&app, &id).await.json();
    assert_eq!(warning_codes(&submitted), ["quota_exceeded", "initiative_unregistered"]);

    // Rules that take only a registered initiative refuse without one.
    let mut rules = grassroots["versions"][0].clone();
    for own in ["id", "version", "effective_from", "effective_until"] {
        rules.as_object_mut().unwrap().remove(own);
    }
    rules["initiative_requirement"]["dossier_proof_accepted"] = json!(false);
    let today = thidua::domain::units::today_in_vietnam();
    let path = format!("/api/v1/award-types/{}/versions", grassroots["id"].as_str().unwrap());
    let res = app.post(&path, &json!({"effective_from": today, "rules": rules})).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let hoa = w.person(&app, "Lường Thị Hoa").await;
    w.award(&app, "LDTT", &hoa, year).await;
    let id = w.nominate(&app, "CSTD_CO_SO", &hoa, year).await;
    let refused = w.submit(&app, &id).await.problem(422, "not_eligible");
    assert_eq!(codes(&refused), ["initiative_missing"]);
}
