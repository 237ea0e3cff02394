//! Nominations: from draft through eligibility at submission to the board's approval, the
//! dossier, who sees what, and the rules that stop a submission.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::helpers::{urlencode, TestApp};

on_both_backends!(
    from_draft_to_approval,
    eligibility_and_votes_stop_what_they_should,
    one_achievement_backs_one_nomination,
    drafts_are_replaced_naming_their_version,
);

/// An achievement behind one nomination under review cannot back another; its report no longer
/// changes; and a returned nomination keeps the achievements it was submitted with.
async fn one_achievement_backs_one_nomination(app: TestApp) {
    let mut conn = app.connection();
    thidua::seed::seed_reference(&mut conn).unwrap();
    let campaign = crate::achievements::setup(&app, 1).await;
    campaign.register(&app, 0, &[(0, "10")]).await;
    let report = campaign.report(&app, 0, 0, "12", &crate::achievements::day(-1), true).await;
    let second_report = campaign.report(&app, 0, 0, "13", &crate::achievements::day(-1), false).await;
    let commune = &campaign.communes[0];
    let types = app.get("/api/v1/award-types").await.json();
    let type_id = |code: &str| types.as_array().unwrap().iter().find(|t| t["code"] == code).unwrap()["id"].clone();
    let person = app.create("people", json!({"full_name": "Triệu Văn Khánh", "unit_id": commune["id"]})).await;
    let mut ids = Vec::new();
    for code in ["BANG_KHEN_TINH_CA_NHAN", "GIAY_KHEN_CA_NHAN"] {
        let n = app.create("nominations", json!({"award_type_id": type_id(code), "person_id": person["id"], "unit_id": commune["id"], "year": this_year(), "achievement_ids": [report["id"], second_report["id"]]})).await;
        for kind in ["to_trinh", "bao_cao_thanh_tich", "bien_ban_binh_xet"] {
            let req = TestRequest::post()
                .uri(&format!("/api/v1/nominations/{}/documents?kind={kind}", id(&n)))
                .insert_header(("content-type", "application/pdf"))
                .set_payload(PDF.to_vec());
            assert_eq!(app.send(req).await.status, StatusCode::CREATED);
        }
        ids.push(id(&n));
    }
    // A file name in Vietnamese with punctuation (quotes and backslashes are taken out of file
    // names on upload; the return's reason below keeps them, for JSON to escape).
    let awkward = "Biên bản số 2, bản sao 100% (lần 1).pdf";
    let req = TestRequest::post()
        .uri(&format!("/api/v1/nominations/{}/documents?kind=khac&filename={}", ids[1], urlencode(awkward)))
        .insert_header(("content-type", "application/pdf"))
        .set_payload(PDF.to_vec());
    let res = app.send(req).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    assert_eq!(app.post(&format!("/api/v1/nominations/{}/submit", ids[0]), &json!({})).await.status, StatusCode::OK);
    let refused =
        app.post(&format!("/api/v1/nominations/{}/submit", ids[1]), &json!({})).await.problem(422, "not_eligible");
    assert_eq!(codes(&refused), ["achievement_already_rewarded"]);
    // The unverified report behind the submitted nomination is fixed now.
    let report_path = format!("/api/v1/achievements/{}", id(&second_report));
    let body =
        json!({"indicator_id": campaign.indicators[0]["id"], "value": "99", "as_of": crate::achievements::day(-1)});
    app.put_current(&app.admin_token, &report_path, &body).await.problem(409, "achievement_in_nomination");
    // Returned, the nomination may gain achievements but not lose them.
    let path = format!("/api/v1/nominations/{}", ids[0]);
    let reason = "Bổ sung \"biên bản\" theo mục 2\\3, đủ 100%";
    app.post(&format!("{path}/return"), &json!({ "reason": reason })).await;
    let fewer = json!({"award_type_id": type_id("BANG_KHEN_TINH_CA_NHAN"), "person_id": person["id"], "unit_id": commune["id"], "year": this_year(), "achievement_ids": [report["id"]]});
    let body = app.put_current(&app.admin_token, &path, &fewer).await.problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["code"], "cannot_remove");
    assert_eq!(app.get(&path).await.json()["achievement_ids"].as_array().unwrap().len(), 2);
    gathered_lists_are_the_separate_reads(&app, &ids, awkward, reason).await;

    // The type of commendation (Law Art 8): a campaign's nomination takes its campaign's — an
    // ongoing campaign's is regular — unless the unit says; without a campaign it stays unsaid.
    let base = json!({"award_type_id": type_id("GIAY_KHEN_CA_NHAN"), "person_id": person["id"], "unit_id": commune["id"], "year": this_year()});
    let mut under_campaign = base.clone();
    under_campaign["campaign_id"] = campaign.campaign["id"].clone();
    let n = app.create("nominations", under_campaign.clone()).await;
    assert_eq!(
        (n["commendation_type"].as_str(), n["commendation_type_label"].as_str()),
        (Some("regular"), Some("Khen thưởng thường xuyên"))
    );
    assert!(app.create("nominations", base.clone()).await["commendation_type"].is_null());
    under_campaign["commendation_type"] = json!("ad_hoc");
    let replaced = app.put_current(&app.admin_token, &format!("/api/v1/nominations/{}", id(&n)), &under_campaign).await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text());
    assert_eq!(replaced.json()["commendation_type"], "ad_hoc");
    let mut unknown = base.clone();
    unknown["commendation_type"] = json!("yearly");
    app.post("/api/v1/nominations", &unknown).await.problem(422, "invalid_body");
}

/// A nomination's achievements, documents and history as one statement gathers them (a page, a
/// single read) are what separate queries read (`details`, as a round's dossiers are read), and
/// a page shows each nomination as its own read does.
async fn gathered_lists_are_the_separate_reads(app: &TestApp, ids: &[String], filename: &str, reason: &str) {
    use thidua::domain::ids::NominationId;
    use thidua::models::nominations as model;
    let mut conn = app.connection();
    let mut seen = (0, 0, 0);
    for id in ids {
        let id = NominationId::from(uuid::Uuid::parse_str(id).unwrap());
        let gathered = model::detail(&mut conn, id).unwrap();
        let row = model::find_nomination(&mut conn, id).unwrap();
        let separate = model::details(&mut conn, vec![row]).unwrap();
        assert_eq!(format!("{gathered:?}"), format!("{:?}", separate[0]));
        seen.0 += gathered.achievement_ids.len();
        seen.1 += gathered.documents.len();
        seen.2 += gathered.history.len();
    }
    assert_eq!(seen, (4, 7, 2), "two achievements each, 3 + 4 documents, submitted and returned");
    let page = app.get("/api/v1/nominations?limit=50").await.json();
    for id in ids {
        let item = page["items"].as_array().unwrap().iter().find(|n| n["id"] == id.as_str()).unwrap();
        assert_eq!(item, &app.get(&format!("/api/v1/nominations/{id}")).await.json());
    }
    let items = page["items"].as_array().unwrap();
    let documents = items.iter().flat_map(|n| n["documents"].as_array().unwrap().clone());
    assert_eq!(documents.filter(|d| d["filename"] == filename).count(), 1);
    let history = items.iter().flat_map(|n| n["history"].as_array().unwrap().clone());
    assert_eq!(history.filter(|t| t["reason"] == reason).count(), 1);
}

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

fn this_year() -> i32 {
    chrono::Datelike::year(&thidua::domain::units::today_in_vietnam())
}

struct Setup {
    commune: Value,
    person: Value,
    officer: String,
    types: Value,
}

impl Setup {
    fn type_id(&self, code: &str) -> Value {
        self.types.as_array().unwrap().iter().find(|t| t["code"] == code).unwrap()["id"].clone()
    }
}

async fn setup(app: &TestApp) -> Setup {
    let mut conn = app.connection();
    thidua::seed::seed_reference(&mut conn).unwrap();
    let (commune, _) = crate::auth::commune_and_department(app).await;
    let (_, officer) = app.user("officer.a", &["unit_officer"], Some(&commune["id"])).await;
    let person = app
        .create(
            "people",
            json!({"full_name": "Đinh Thị Lan", "position": "Công chức văn hóa - xã hội", "unit_id": commune["id"]}),
        )
        .await;
    let types = app.get("/api/v1/award-types").await.json();
    Setup { commune, person, officer, types }
}

async fn upload(app: &TestApp, token: &str, nomination: &Value, kind: &str) -> crate::helpers::Response {
    let req = TestRequest::post()
        .uri(&format!("/api/v1/nominations/{}/documents?kind={kind}&filename={kind}.pdf", id(nomination)))
        .insert_header(("content-type", "application/pdf"))
        .set_payload(PDF.to_vec());
    app.send_as(token, req).await
}

fn codes(problem: &Value) -> Vec<String> {
    problem["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap().to_string()).collect()
}

pub async fn from_draft_to_approval(app: TestApp) {
    let s = setup(&app).await;
    let year = this_year();
    let body = json!({"award_type_id": s.type_id("CSTD_CO_SO"), "person_id": s.person["id"], "unit_id": s.commune["id"], "year": year});
    let res = app.send_as(&s.officer, TestRequest::post().uri("/api/v1/nominations").set_json(&body)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let nomination = res.json();
    assert_eq!(nomination["status"], "draft");
    let path = format!("/api/v1/nominations/{}", id(&nomination));
    let act = |token: String, action: &'static str, body: Value| {
        let app = &app;
        let path = path.clone();
        async move { app.send_as(&token, TestRequest::post().uri(&format!("{path}/{action}")).set_json(body)).await }
    };

    // Submission judges eligibility: no dossier, and no Lao động tiên tiến this year.
    let refused = act(s.officer.clone(), "submit", json!({})).await.problem(422, "not_eligible");
    assert_eq!(codes(&refused), ["prerequisite_streak", "missing_documents", "initiative_missing"]);
    // In Vietnamese (the default), each names what is missing: the title and year, the
    // documents, the initiative.
    let messages: Vec<&str> =
        refused["errors"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap()).collect();
    assert_eq!(messages[0], format!("Chưa đủ điều kiện: đối tượng chưa đạt «Lao động tiên tiến» năm {year}."));
    assert_eq!(
        messages[1],
        "Chưa đủ điều kiện: hồ sơ còn thiếu «Tờ trình», «Báo cáo thành tích», «Biên bản bình xét», «Minh chứng sáng kiến»."
    );
    assert!(
        messages[2].contains(&format!(
            "sáng kiến được công nhận, có phạm vi ảnh hưởng cấp cơ sở trở lên, trong năm {year}, nhưng chưa có"
        )),
        "{}",
        messages[2]
    );
    assert_eq!(app.get(&path).await.json()["status"], "draft", "nothing changed");

    app.create("awards", json!({"award_type_id": s.type_id("LDTT"), "person_id": s.person["id"], "year": year, "decision_number": "12/QĐ-UBND", "decision_date": format!("{year}-12-20"), "decided_by": "Chủ tịch UBND xã"})).await;
    for kind in ["to_trinh", "bao_cao_thanh_tich", "bien_ban_binh_xet", "sang_kien"] {
        let res = upload(&app, &s.officer, &nomination, kind).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    }
    let submitted = act(s.officer.clone(), "submit", json!({})).await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.text());
    let submitted = submitted.json();
    assert_eq!(submitted["status"], "submitted");
    let step = submitted["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (&step["from_status"], &step["from_status_label"], &step["to_status"], &step["to_status_label"]),
        (&json!("draft"), &json!("Dự thảo"), &json!("submitted"), &json!("Đã gửi"))
    );
    assert!(submitted["award_type_version_id"].is_string(), "judged under the rules in force");
    // One Lao động tiên tiến in the unit this year: 15% of 1 is 0, so the board is warned.
    assert_eq!(submitted["eligibility"]["warnings"][0]["code"], "quota_exceeded");
    assert_eq!(submitted["documents"].as_array().unwrap().len(), 4);

    // Locked while the board has it.
    app.put_current(&s.officer, &path, &body).await.problem(409, "nomination_locked");
    upload(&app, &s.officer, &nomination, "khac").await.problem(409, "nomination_locked");
    act(s.officer.clone(), "appraise", json!({})).await.problem(403, "forbidden");

    // Another unit's officer gets nothing of it.
    let district = app.get("/api/v1/districts/by-code/999").await.json();
    let other = app
        .create("communes", json!({"code": "99998", "name": "Xã Bên Kia", "type": "xa", "parent_id": district["id"]}))
        .await;
    let (_, officer_b) = app.user("officer.b", &["unit_officer"], Some(&other["id"])).await;
    let missing = app
        .send_as(&officer_b, TestRequest::get().uri(&format!("/api/v1/nominations/{}", uuid::Uuid::now_v7())))
        .await
        .problem(404, "not_found");
    assert_eq!(app.send_as(&officer_b, TestRequest::get().uri(&path)).await.problem(404, "not_found"), missing);
    assert_eq!(app.send_as(&officer_b, TestRequest::get().uri("/api/v1/nominations")).await.json()["items"], json!([]));
    let document = submitted["documents"][0]["href"].as_str().unwrap().to_string();
    app.send_as(&officer_b, TestRequest::get().uri(&document)).await.problem(404, "not_found");
    assert_eq!(app.send_as(&s.officer, TestRequest::get().uri(&document)).await.body, PDF);

    // Returned with a reason, resubmitted, appraised, approved.
    let admin = app.admin_token.clone();
    act(admin.clone(), "return", json!({})).await.problem(422, "validation_failed");
    assert_eq!(act(admin.clone(), "return", json!({"reason": "Bổ sung biên bản"})).await.json()["status"], "returned");
    assert_eq!(act(s.officer.clone(), "submit", json!({})).await.json()["status"], "submitted");
    // Two board members appraise at once: one succeeds, the other finds it already moved.
    let (one, two) = futures_util::future::join(
        act(admin.clone(), "appraise", json!({})),
        act(admin.clone(), "appraise", json!({})),
    )
    .await;
    let mut statuses = [one.status.as_u16(), two.status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{} / {}", one.text(), two.text());
    let approved = act(admin.clone(), "approve", json!({})).await.json();
    assert_eq!(approved["status"], "approved");
    let trail: Vec<(&str, &str)> = approved["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["from_status"].as_str().unwrap(), t["to_status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        trail,
        [
            ("draft", "submitted"),
            ("submitted", "returned"),
            ("returned", "submitted"),
            ("submitted", "appraised"),
            ("appraised", "approved")
        ],
        "one appraisal only"
    );
    assert_eq!(approved["history"][1]["reason"], "Bổ sung biên bản");
    act(s.officer.clone(), "withdraw", json!({})).await.problem(409, "illegal_transition");
    act(admin, "fly", json!({})).await.problem(404, "route_not_found");
}

async fn eligibility_and_votes_stop_what_they_should(app: TestApp) {
    let s = setup(&app).await;
    let year = this_year();
    let documents = |nomination: Value| {
        let app = &app;
        let token = s.officer.clone();
        async move {
            for kind in ["to_trinh", "bao_cao_thanh_tich", "bien_ban_binh_xet"] {
                assert_eq!(upload(app, &token, &nomination, kind).await.status, StatusCode::CREATED);
            }
        }
    };
    let nominate = |under_discipline: bool| {
        let app = &app;
        let body = json!({"award_type_id": s.type_id("BANG_KHEN_TINH_CA_NHAN"), "person_id": s.person["id"], "unit_id": s.commune["id"], "year": year, "under_discipline": under_discipline});
        async move { app.create("nominations", body).await }
    };

    // Under discipline: refused.
    let disciplined = nominate(true).await;
    documents(disciplined.clone()).await;
    let refused = app
        .post(&format!("/api/v1/nominations/{}/submit", id(&disciplined)), &json!({}))
        .await
        .problem(422, "not_eligible");
    assert_eq!(codes(&refused), ["under_discipline"]);

    // The rules change today to need a council vote: a nomination judged under them cannot be
    // approved by the board alone.
    let type_path = format!("/api/v1/award-types/{}", s.type_id("BANG_KHEN_TINH_CA_NHAN").as_str().unwrap());
    let rules = json!({"effective_from": thidua::domain::units::today_in_vietnam().to_string(), "rules": {
        "granting_authority": "Chủ tịch UBND tỉnh", "legal_basis": "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 9",
        "council_vote_required": true, "approval_threshold_percent": "75", "posting_days": 10,
    }});
    assert_eq!(app.post(&format!("{type_path}/versions"), &rules).await.status, StatusCode::CREATED);
    let voted = nominate(false).await;
    documents(voted.clone()).await;
    let path = format!("/api/v1/nominations/{}", id(&voted));
    assert_eq!(app.post(&format!("{path}/submit"), &json!({})).await.status, StatusCode::OK);
    assert_eq!(app.post(&format!("{path}/appraise"), &json!({})).await.status, StatusCode::OK);
    app.post(&format!("{path}/approve"), &json!({})).await.problem(409, "council_vote_required");
    let rejected = app.post(&format!("{path}/reject"), &json!({"reason": "Chưa đủ tiêu chuẩn"})).await.json();
    assert_eq!(rejected["status"], "rejected");

    // A collective award cannot name a person.
    let body = json!({"award_type_id": s.type_id("TTLDXS"), "person_id": s.person["id"], "unit_id": s.commune["id"], "year": year});
    let problem = app.post("/api/v1/nominations", &body).await.problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["code"], "wrong_subject");
}

/// PUT replaces a draft only with `If-Match`: without it 428, with an old version 412; the
/// current version changes the fields and bumps the version and ETag.
async fn drafts_are_replaced_naming_their_version(app: TestApp) {
    let s = setup(&app).await;
    let year = this_year();
    let other = app.create("people", json!({"full_name": "Ma Văn Thành", "unit_id": s.commune["id"]})).await;
    let body = json!({"award_type_id": s.type_id("CSTD_CO_SO"), "person_id": s.person["id"], "unit_id": s.commune["id"], "year": year});
    let nomination =
        app.send_as(&s.officer, TestRequest::post().uri("/api/v1/nominations").set_json(&body)).await.json();
    let path = format!("/api/v1/nominations/{}", id(&nomination));
    assert_eq!(nomination["version"], 1);

    let mut replaced = body.clone();
    replaced["person_id"] = other["id"].clone();
    replaced["award_type_id"] = s.type_id("LDTT");
    replaced["under_discipline"] = json!(true);
    let put = |tag: Option<&str>| {
        let mut req = TestRequest::put().uri(&path).set_json(&replaced);
        if let Some(tag) = tag {
            req = req.insert_header(("if-match", tag.to_string()));
        }
        app.send_as(&s.officer, req)
    };
    put(None).await.problem(428, "precondition_required");
    put(Some("\"7\"")).await.problem(412, "stale_version");
    assert_eq!(app.get(&path).await.json()["person_id"], s.person["id"], "refused replacements changed nothing");

    let res = put(Some("\"1\"")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.header("etag"), Some("\"2\""));
    let now = app.get(&path).await.json();
    assert_eq!((now["person_id"].clone(), now["award_type_id"].clone()), (other["id"].clone(), s.type_id("LDTT")));
    assert_eq!(
        (now["under_discipline"].as_bool(), now["version"].as_i64(), now["status"].as_str()),
        (Some(true), Some(2), Some("draft"))
    );
    // The version it replaced is stale now.
    put(Some("\"1\"")).await.problem(412, "stale_version");
}
