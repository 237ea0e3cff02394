//! Annual rounds and units' dossiers (issue 13): one dossier per unit with many nominee lines,
//! each a nomination judged on its own; the dossier's shared documents count for every line; the
//! board appraises line by line; the council votes by list; quotas per unit are reported; another
//! unit's officer gets nothing.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::helpers::TestApp;

on_both_backends!(
    a_unit_sends_one_dossier_of_many_lines_and_the_board_appraises_each,
    a_line_with_a_refusal_holds_the_dossier_back,
    lines_are_judged_as_if_submitted_one_by_one,
    another_units_officer_gets_nothing,
    the_council_votes_on_a_rounds_lines_by_list,
    a_rounds_lines_are_checked_against_the_title_registrations,
    a_filled_template_is_previewed_then_committed,
    a_collective_is_judged_from_its_members,
    discipline_records_stay_with_the_persons_unit,
);

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";

fn year() -> i32 {
    chrono::Datelike::year(&thidua::domain::units::today_in_vietnam())
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

struct World {
    commune: Value,
    department: Value,
    officer: String,
    types: Value,
}

impl World {
    async fn new(app: &TestApp) -> World {
        thidua::seed::seed_reference(&mut app.connection()).unwrap();
        let (commune, department) = crate::auth::commune_and_department(app).await;
        let (_, officer) = app.user("officer.xa", &["unit_officer"], Some(&commune["id"])).await;
        let types = app.get("/api/v1/award-types").await.json();
        World { commune, department, officer, types }
    }

    fn type_id(&self, code: &str) -> Value {
        self.types.as_array().unwrap().iter().find(|t| t["code"] == code).unwrap()["id"].clone()
    }

    /// A round of this year for `codes`, open for 30 more days.
    async fn round(&self, app: &TestApp, codes: &[&str]) -> Value {
        let deadline = thidua::domain::units::today_in_vietnam() + chrono::TimeDelta::days(30);
        let types: Vec<Value> = codes.iter().map(|c| json!({"award_type_id": self.type_id(c)})).collect();
        app.create(
            "rounds",
            json!({"title": format!("Xét khen thưởng cuối năm {}", year()), "year": year(),
                   "deadline": deadline.to_string(), "award_types": types}),
        )
        .await
    }

    async fn as_officer(&self, app: &TestApp, req: TestRequest) -> crate::helpers::Response {
        app.send_as(&self.officer, req).await
    }

    async fn dossier(&self, app: &TestApp, round: &Value) -> Value {
        let res = self
            .as_officer(
                app,
                TestRequest::post()
                    .uri(&format!("/api/v1/rounds/{}/dossiers", id(round)))
                    .set_json(json!({"unit_id": self.commune["id"]})),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        res.json()
    }

    async fn upload(&self, app: &TestApp, path: &str, kind: &str) {
        let req = TestRequest::post()
            .uri(&format!("{path}?kind={kind}"))
            .insert_header(("content-type", "application/pdf"))
            .set_payload(PDF.to_vec());
        let res = self.as_officer(app, req).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    }

    async fn people(&self, app: &TestApp, count: usize) -> Vec<Value> {
        let mut people = Vec::new();
        for i in 0..count {
            people.push(
                app.create("people", json!({"full_name": format!("Hoàng Văn Số {i}"), "unit_id": self.commune["id"]}))
                    .await,
            );
        }
        people
    }

    /// Adds lines as the officer; answers the added lines.
    async fn add_lines(&self, app: &TestApp, dossier: &Value, lines: Value) -> crate::helpers::Response {
        self.as_officer(
            app,
            TestRequest::post()
                .uri(&format!("/api/v1/dossiers/{}/lines", id(dossier)))
                .set_json(json!({"lines": lines})),
        )
        .await
    }
}

async fn a_unit_sends_one_dossier_of_many_lines_and_the_board_appraises_each(app: TestApp) {
    let w = World::new(&app).await;
    let round = w.round(&app, &["LDTT", "CSTD_CO_SO", "TTLDTT"]).await;
    // The quota of CSTĐ cơ sở comes from the rules in force: 15 % of LĐTT, unconfirmed.
    let cstd = round["award_types"].as_array().unwrap().iter().find(|t| t["code"] == "CSTD_CO_SO").unwrap();
    assert_eq!(cstd["quota"]["percent"], "15");
    assert_eq!(cstd["quota"]["of_award_type_code"], "LDTT");
    assert_eq!(cstd["quota"]["unconfirmed"], true, "{cstd}");
    assert_eq!(round["status_label"], "Đang nhận hồ sơ");
    // Listed by year, newest first.
    let listed = app.get(&format!("/api/v1/rounds?year={}", year())).await.json();
    assert_eq!(listed["items"][0]["id"], round["id"], "{listed}");
    assert!(app.get(&format!("/api/v1/rounds?year={}", year() + 1)).await.json()["items"]
        .as_array()
        .unwrap()
        .is_empty());

    let dossier = w.dossier(&app, &round).await;
    assert_eq!(dossier["status"], "draft");
    // One dossier per unit and round.
    w.as_officer(
        &app,
        TestRequest::post()
            .uri(&format!("/api/v1/rounds/{}/dossiers", id(&round)))
            .set_json(json!({"unit_id": w.commune["id"]})),
    )
    .await
    .problem(409, "duplicate");

    let people = w.people(&app, 7).await;
    // A title the round does not take, and a person of no unit of ours: every error at once,
    // nothing written.
    let refused = w
        .add_lines(
            &app,
            &dossier,
            json!([{"award_type_id": w.type_id("LDTT"), "person_id": people[0]["id"]},
                   {"award_type_id": w.type_id("CSTD_TINH"), "person_id": people[1]["id"]},
                   {"award_type_id": w.type_id("LDTT"), "person_id": uuid::Uuid::now_v7()}]),
        )
        .await
        .problem(422, "validation_failed");
    let fields: Vec<&str> =
        refused["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["lines[1].award_type_id", "lines[2].person_id"], "{refused}");
    assert_eq!(app.get(&format!("/api/v1/dossiers/{}/lines", id(&dossier))).await.json()["items"], json!([]));

    // Seven LĐTT, one CSTĐ cơ sở for the first of them (resting on the same dossier's LĐTT line),
    // and the unit itself for Tập thể lao động tiên tiến.
    let mut lines: Vec<Value> =
        people.iter().map(|p| json!({"award_type_id": w.type_id("LDTT"), "person_id": p["id"]})).collect();
    lines.push(json!({"award_type_id": w.type_id("CSTD_CO_SO"), "person_id": people[0]["id"]}));
    lines.push(json!({"award_type_id": w.type_id("TTLDTT")}));
    let added = w.add_lines(&app, &dossier, json!(lines)).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text());
    let added = added.json()["items"].as_array().unwrap().clone();
    assert_eq!(added.len(), 9);
    assert_eq!((added[0]["line_no"].as_i64(), added[8]["line_no"].as_i64()), (Some(1), Some(9)));
    // Whom each line names, as stored and as people read it.
    assert_eq!(
        [&added[0]["nomination"]["nominee_kind"], &added[0]["nomination"]["nominee_kind_label"]],
        ["person", "Cá nhân"]
    );
    // A year's round commends the year's work: regular (Law Art 8).
    assert!(added.iter().all(|l| l["nomination"]["commendation_type"] == "regular"));
    assert_eq!(
        [&added[8]["nomination"]["nominee_kind"], &added[8]["nomination"]["nominee_kind_label"]],
        ["unit", "Tập thể"]
    );
    assert_eq!(added[0]["nomination"]["year"], year());
    // Each line is a nomination of the unit, in the nominations list like any other.
    let listed = app.get(&format!("/api/v1/nominations?unit_id={}&limit=100", id(&w.commune))).await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 9);

    // The dossier's tờ trình and biên bản count for every line; each line brings its report, the
    // fighter its initiative.
    let dossier_path = format!("/api/v1/dossiers/{}", id(&dossier));
    w.upload(&app, &format!("{dossier_path}/documents"), "to_trinh").await;
    w.upload(&app, &format!("{dossier_path}/documents"), "bien_ban_binh_xet").await;
    for line in &added {
        let nomination = &line["nomination"];
        w.upload(&app, &format!("/api/v1/nominations/{}/documents", id(nomination)), "bao_cao_thanh_tich").await;
    }
    w.upload(&app, &format!("/api/v1/nominations/{}/documents", id(&added[7]["nomination"])), "sang_kien").await;
    let read = app.get(&dossier_path).await.json();
    assert_eq!(read["documents"].as_array().unwrap().len(), 2);
    assert_eq!(read["lines"], json!([{"status": "draft", "status_label": "Dự thảo", "lines": 9}]));
    let shared = app.get(read["documents"][0]["href"].as_str().unwrap()).await;
    assert_eq!(shared.status, StatusCode::OK);

    let submitted = w.as_officer(&app, TestRequest::post().uri(&format!("{dossier_path}/submit"))).await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.text());
    let submitted = submitted.json();
    assert_eq!(submitted["dossier"]["status"], "submitted");
    assert_eq!(submitted["items"].as_array().unwrap().len(), 9);
    // The fighter's line rests on its LĐTT line still under review: a warning for the board,
    // not a refusal; 15 % of 7 LĐTT is one CSTĐ cơ sở, so no quota warning.
    let fighter = submitted["items"].as_array().unwrap().iter().find(|l| l["line_no"] == 8).unwrap();
    let warnings: Vec<&str> = fighter["nomination"]["eligibility"]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert!(warnings.contains(&"prerequisite_pending"), "{fighter}");
    assert!(!warnings.contains(&"quota_exceeded"), "{fighter}");
    // A direct answer has one language, in the submission's answer and in the lines' list.
    assert!(fighter["nomination"]["eligibility"]["warnings"][0].get("translations").is_none(), "{fighter}");
    let listed = app.get(&format!("{dossier_path}/lines?limit=50")).await.json();
    let listed = listed["items"].as_array().unwrap().iter().find(|l| l["line_no"] == 8).unwrap().clone();
    assert!(listed["nomination"]["eligibility"]["warnings"][0]["message"].is_string(), "{listed}");
    assert!(listed["nomination"]["eligibility"]["warnings"][0].get("translations").is_none(), "{listed}");
    // A submitted dossier takes no more lines.
    w.add_lines(&app, &dossier, json!([{"award_type_id": w.type_id("LDTT"), "person_id": people[1]["id"]}]))
        .await
        .problem(409, "illegal_transition");

    let quotas = app.get(&format!("/api/v1/rounds/{}/quotas", id(&round))).await.json();
    assert_eq!(quotas["items"].as_array().unwrap().len(), 1, "{quotas}");
    let q = &quotas["items"][0];
    assert_eq!((q["base"].as_u64(), q["allowed"].as_u64(), q["used"].as_u64()), (Some(7), Some(1), Some(1)), "{q}");
    assert_eq!((&q["exceeded"], &q["unconfirmed"]), (&json!(false), &json!(true)));

    // The board, line by line: accept five, return one, reject one; a return needs a reason.
    let appraisal = format!("{dossier_path}/appraisal");
    let line = |i: usize| added[i]["nomination"]["id"].clone();
    let no_reason = app
        .post(&appraisal, &json!({"lines": [{"nomination_id": line(5), "action": "return"}]}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(no_reason["errors"][0]["field"], "lines[0].reason");
    w.as_officer(
        &app,
        TestRequest::post()
            .uri(&appraisal)
            .set_json(json!({"lines": [{"nomination_id": line(0), "action": "accept"}]})),
    )
    .await
    .problem(403, "forbidden");
    let mut items: Vec<Value> = (0..5).map(|i| json!({"nomination_id": line(i), "action": "accept"})).collect();
    items.push(json!({"nomination_id": line(5), "action": "return", "reason": "Thiếu chữ ký trong báo cáo"}));
    items.push(json!({"nomination_id": line(6), "action": "reject", "reason": "Không hoàn thành nhiệm vụ"}));
    let done = app.post(&appraisal, &json!({"lines": items})).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text());
    let statuses: Vec<String> = done.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["nomination"]["status"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(statuses, ["appraised", "appraised", "appraised", "appraised", "appraised", "returned", "rejected"]);
    // A line of another dossier, or an action its status refuses: all refused, nothing written.
    let again = app
        .post(&appraisal, &json!({"lines": [{"nomination_id": line(0), "action": "accept"}]}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        (&again["errors"][0]["field"], &again["errors"][0]["code"]),
        (&json!("lines[0].action"), &json!("illegal_transition"))
    );

    // Lines by status, in pages.
    let returned = app.get(&format!("{dossier_path}/lines?status=returned")).await.json();
    assert_eq!(returned["items"].as_array().unwrap().len(), 1);
    assert_eq!(returned["items"][0]["line_no"], 6);
    let first = app.get(&format!("{dossier_path}/lines?limit=4")).await.json();
    assert_eq!(first["items"].as_array().unwrap().len(), 4);
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest = app.get(&format!("{dossier_path}/lines?limit=10&cursor={cursor}")).await.json();
    assert_eq!(rest["items"][0]["line_no"], 5);
    assert_eq!(rest["items"].as_array().unwrap().len(), 5);

    // The returned line is corrected and submitted on its own; the shared documents still count.
    let resubmitted = w
        .as_officer(
            &app,
            TestRequest::post()
                .uri(&format!("/api/v1/nominations/{}/submit", line(5).as_str().unwrap()))
                .set_json(json!({})),
        )
        .await;
    assert_eq!(resubmitted.status, StatusCode::OK, "{}", resubmitted.text());
    // The rejected line no longer counts toward the quota's base.
    let quotas = app.get(&format!("/api/v1/rounds/{}/quotas", id(&round))).await.json();
    assert_eq!(quotas["items"][0]["base"], 6);
    app.assert_every_write_journaled();
}

async fn a_line_with_a_refusal_holds_the_dossier_back(app: TestApp) {
    let w = World::new(&app).await;
    let round = w.round(&app, &["LDTT", "CSTD_CO_SO"]).await;
    let dossier = w.dossier(&app, &round).await;
    let people = w.people(&app, 2).await;
    // The fighter has no LĐTT, held or proposed: a refusal.
    let lines = json!([{"award_type_id": w.type_id("LDTT"), "person_id": people[0]["id"]},
                       {"award_type_id": w.type_id("CSTD_CO_SO"), "person_id": people[1]["id"]}]);
    let added = w.add_lines(&app, &dossier, lines).await.json();
    let dossier_path = format!("/api/v1/dossiers/{}", id(&dossier));
    w.upload(&app, &format!("{dossier_path}/documents"), "to_trinh").await;
    w.upload(&app, &format!("{dossier_path}/documents"), "bien_ban_binh_xet").await;
    w.upload(&app, &format!("{dossier_path}/documents"), "bao_cao_thanh_tich").await;
    // An initiative document shared by the whole dossier proves no one's initiative: the fighter's
    // is still missing (with it counted, the line would only be warned `initiative_unregistered`).
    w.upload(&app, &format!("{dossier_path}/documents"), "sang_kien").await;
    let refused = w
        .as_officer(
            &app,
            TestRequest::post().uri(&format!("{dossier_path}/submit")).insert_header(("accept-language", "en")),
        )
        .await
        .problem(422, "not_eligible");
    let errors = refused["errors"].as_array().unwrap();
    assert!(errors.iter().all(|e| e["field"] == "lines[2].eligibility"), "{refused}");
    let codes: Vec<&str> = errors.iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"prerequisite_streak") && codes.contains(&"initiative_missing"), "{refused}");
    assert!(!codes.contains(&"initiative_unregistered"), "{refused}");
    // Nothing was submitted, not even the eligible line.
    let read = app.get(&dossier_path).await.json();
    assert_eq!(read["status"], "draft");
    assert_eq!(read["lines"][0]["lines"], 2);
    // Withdrawn, the refused line no longer holds the dossier back.
    let withdrawn = w
        .as_officer(
            &app,
            TestRequest::post()
                .uri(&format!("/api/v1/nominations/{}/withdraw", id(&added["items"][1]["nomination"])))
                .set_json(json!({})),
        )
        .await;
    assert_eq!(withdrawn.status, StatusCode::OK);
    let submitted = w.as_officer(&app, TestRequest::post().uri(&format!("{dossier_path}/submit"))).await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.text());
    assert_eq!(submitted.json()["items"].as_array().unwrap().len(), 1);

    // Past the deadline a round takes no dossier.
    let yesterday = thidua::domain::units::today_in_vietnam() - chrono::TimeDelta::days(1);
    let late = app
        .create(
            "rounds",
            json!({"title": "Đợt đã hết hạn", "year": year(), "deadline": yesterday.to_string(),
                   "award_types": [{"award_type_id": w.type_id("LDTT")}]}),
        )
        .await;
    w.as_officer(
        &app,
        TestRequest::post()
            .uri(&format!("/api/v1/rounds/{}/dossiers", id(&late)))
            .set_json(json!({"unit_id": w.commune["id"]})),
    )
    .await
    .problem(409, "deadline_passed");
    app.assert_every_write_journaled();
}

/// A dossier's lines are judged together, each as if the lines before it had been submitted
/// already: a second line for the same person and title is a duplicate, though neither was
/// submitted when the request came; the first line alone goes through.
async fn lines_are_judged_as_if_submitted_one_by_one(app: TestApp) {
    let w = World::new(&app).await;
    let round = w.round(&app, &["LDTT"]).await;
    let dossier = w.dossier(&app, &round).await;
    let people = w.people(&app, 2).await;
    let ldtt = w.type_id("LDTT");
    let lines = json!([{"award_type_id": ldtt, "person_id": people[0]["id"]},
                       {"award_type_id": ldtt, "person_id": people[1]["id"]},
                       {"award_type_id": ldtt, "person_id": people[0]["id"]}]);
    let added = w.add_lines(&app, &dossier, lines).await.json();
    let dossier_path = format!("/api/v1/dossiers/{}", id(&dossier));
    w.upload(&app, &format!("{dossier_path}/documents"), "to_trinh").await;
    w.upload(&app, &format!("{dossier_path}/documents"), "bien_ban_binh_xet").await;
    w.upload(&app, &format!("{dossier_path}/documents"), "bao_cao_thanh_tich").await;
    let refused = w
        .as_officer(&app, TestRequest::post().uri(&format!("{dossier_path}/submit")))
        .await
        .problem(422, "not_eligible");
    let errors: Vec<(&str, &str)> = refused["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(errors, [("lines[3].eligibility", "duplicate_nomination")], "{refused}");
    // Nothing was written: every line is still a draft.
    let listed = app.get(&format!("{dossier_path}/lines")).await.json();
    assert!(listed["items"].as_array().unwrap().iter().all(|l| l["nomination"]["status"] == "draft"), "{listed}");
    // Without the second line for the same person, the other two are submitted.
    let third = id(&added["items"][2]["nomination"]);
    let withdrawn = w
        .as_officer(&app, TestRequest::post().uri(&format!("/api/v1/nominations/{third}/withdraw")).set_json(json!({})))
        .await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.text());
    let submitted = w.as_officer(&app, TestRequest::post().uri(&format!("{dossier_path}/submit"))).await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.text());
    let items = submitted.json()["items"].as_array().unwrap().clone();
    let numbers: Vec<i64> = items.iter().map(|l| l["line_no"].as_i64().unwrap()).collect();
    assert_eq!(numbers, [1, 2]);
    assert!(items.iter().all(|l| l["nomination"]["status"] == "submitted"));
    // Each submission is in the line's history, once.
    for line in &items {
        let history = line["nomination"]["history"].as_array().unwrap();
        assert_eq!(history.iter().filter(|h| h["to_status"] == "submitted").count(), 1, "{line}");
    }
    // The board appraises a line once per request: named twice, the request is refused whole.
    let first = &items[0]["nomination"]["id"];
    let twice = app
        .post(
            &format!("{dossier_path}/appraisal"),
            &json!({"lines": [{"nomination_id": first, "action": "accept"}, {"nomination_id": first, "action": "accept"}]}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        (twice["errors"][0]["field"].as_str(), twice["errors"][0]["code"].as_str()),
        (Some("lines[1].action"), Some("duplicate"))
    );
    let read = app.get(&format!("/api/v1/nominations/{}", first.as_str().unwrap())).await.json();
    assert_eq!(read["status"], "submitted", "nothing was appraised");
    app.assert_every_write_journaled();
}

async fn another_units_officer_gets_nothing(app: TestApp) {
    let w = World::new(&app).await;
    let round = w.round(&app, &["LDTT"]).await;
    let dossier = w.dossier(&app, &round).await;
    let people = w.people(&app, 1).await;
    let added =
        w.add_lines(&app, &dossier, json!([{"award_type_id": w.type_id("LDTT"), "person_id": people[0]["id"]}])).await;
    assert_eq!(added.status, StatusCode::CREATED);
    w.upload(&app, &format!("/api/v1/dossiers/{}/documents", id(&dossier)), "to_trinh").await;
    let document = app.get(&format!("/api/v1/dossiers/{}", id(&dossier))).await.json()["documents"][0]["href"].clone();

    let (_, other) = app.user("officer.so", &["unit_officer"], Some(&w.department["id"])).await;
    let path = format!("/api/v1/dossiers/{}", id(&dossier));
    for uri in [path.clone(), format!("{path}/lines"), document.as_str().unwrap().to_string()] {
        app.send_as(&other, TestRequest::get().uri(&uri)).await.problem(404, "not_found");
    }
    app.send_as(
        &other,
        TestRequest::post()
            .uri(&format!("{path}/lines"))
            .set_json(json!({"lines": [{"award_type_id": w.type_id("LDTT")}]})),
    )
    .await
    .problem(404, "not_found");
    app.send_as(&other, TestRequest::post().uri(&format!("{path}/submit"))).await.problem(404, "not_found");
    // Nor a dossier in the commune's name; its own lists show its own unit only.
    app.send_as(
        &other,
        TestRequest::post()
            .uri(&format!("/api/v1/rounds/{}/dossiers", id(&round)))
            .set_json(json!({"unit_id": w.commune["id"]})),
    )
    .await
    .problem(403, "forbidden");
    let listed =
        app.send_as(&other, TestRequest::get().uri(&format!("/api/v1/rounds/{}/dossiers", id(&round)))).await.json();
    assert_eq!(listed["items"], json!([]));
    let quotas =
        app.send_as(&other, TestRequest::get().uri(&format!("/api/v1/rounds/{}/quotas", id(&round)))).await.json();
    assert_eq!(quotas["items"], json!([]));
    // Rounds are public business; opening one is the board's.
    assert_eq!(
        app.send_as(&other, TestRequest::get().uri(&format!("/api/v1/rounds/{}", id(&round)))).await.status,
        StatusCode::OK
    );
    app.send_as(&other, TestRequest::post().uri("/api/v1/rounds").set_json(json!({"title": "x", "year": 2025, "deadline": "2025-12-31", "award_types": [{"award_type_id": w.type_id("LDTT")}]})))
        .await
        .problem(403, "forbidden");
    // The commune's own officer sees it.
    let mine =
        w.as_officer(&app, TestRequest::get().uri(&format!("/api/v1/rounds/{}/dossiers", id(&round)))).await.json();
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    // The dossier's tờ trình and danh sách trích ngang are the commune's to make and to read.
    let (submission, pdf) = crate::documents::make(&app, &w.officer, "submission", &dossier["id"], "pdf").await;
    let text = crate::documents::pdf_text(&pdf);
    assert!(text.contains("TỜ TRÌNH") && text.contains("Hoàng Văn Số 0") && text.contains("Xã Đồng Thử"), "{text}");
    let (_, list) = crate::documents::make(&app, &w.officer, "nominee_list", &dossier["id"], "docx").await;
    assert!(crate::documents::docx_text(&list).contains("Hoàng Văn Số 0"));
    let theirs = json!({"kind": "submission", "source_id": dossier["id"], "format": "docx"});
    app.send_as(&other, TestRequest::post().uri("/api/v1/documents").set_json(&theirs)).await.problem(404, "not_found");
    app.send_as(&other, TestRequest::get().uri(submission["href"].as_str().unwrap())).await.problem(404, "not_found");
    app.assert_every_write_journaled();
}

async fn the_council_votes_on_a_rounds_lines_by_list(app: TestApp) {
    let w = World::new(&app).await;
    // Certificates of merit need 60 % of the whole council, from today.
    let type_id = w.type_id("BANG_KHEN_TINH_CA_NHAN");
    let rules = json!({"effective_from": thidua::domain::units::today_in_vietnam().to_string(), "rules": {
        "granting_authority": "Chủ tịch UBND tỉnh", "legal_basis": "Luật Thi đua, khen thưởng số 06/2022/QH15",
        "council_vote_required": true, "approval_threshold_percent": "60",
    }});
    let res = app.post(&format!("/api/v1/award-types/{}/versions", type_id.as_str().unwrap()), &rules).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let round = w.round(&app, &["BANG_KHEN_TINH_CA_NHAN"]).await;
    let dossier = w.dossier(&app, &round).await;
    let people = w.people(&app, 3).await;
    let lines: Vec<Value> = people.iter().map(|p| json!({"award_type_id": type_id, "person_id": p["id"]})).collect();
    let added = w.add_lines(&app, &dossier, json!(lines)).await.json()["items"].as_array().unwrap().clone();
    let dossier_path = format!("/api/v1/dossiers/{}", id(&dossier));
    for kind in ["to_trinh", "bien_ban_binh_xet", "bao_cao_thanh_tich"] {
        w.upload(&app, &format!("{dossier_path}/documents"), kind).await;
    }
    assert_eq!(
        w.as_officer(&app, TestRequest::post().uri(&format!("{dossier_path}/submit"))).await.status,
        StatusCode::OK
    );
    let ids: Vec<Value> = added.iter().map(|l| l["nomination"]["id"].clone()).collect();
    let accept: Vec<Value> = ids.iter().map(|n| json!({"nomination_id": n, "action": "accept"})).collect();
    assert_eq!(app.post(&format!("{dossier_path}/appraisal"), &json!({"lines": accept})).await.status, StatusCode::OK);

    let mut members = Vec::new();
    for name in ["hd.mot", "hd.hai", "hd.ba"] {
        members.push(app.user(name, &["council_member"], None).await);
    }
    let member_ids: Vec<Value> = members.iter().map(|(u, _)| u["id"].clone()).collect();
    let council = crate::council::standing_council(&app, &w.commune["id"], &member_ids).await;
    let session = app
        .create(
            "council-sessions",
            json!({"title": "Xét danh sách cuối năm", "council_id": council["id"], "voting_deadline": crate::council::deadline(24), "nomination_ids": ids}),
        )
        .await;
    let path = format!("/api/v1/council-sessions/{}", id(&session));
    // Two members approve the whole list; the third approves it but for the last line.
    for (_, token) in &members[..2] {
        let res = app
            .send_as(token, TestRequest::post().uri(&format!("{path}/list-ballot")).set_json(json!({"approve": true})))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        assert_eq!(res.json()["ballots_cast"], 3);
    }
    let third = &members[2].1;
    let stranger = uuid::Uuid::now_v7();
    app.send_as(
        third,
        TestRequest::post()
            .uri(&format!("{path}/list-ballot"))
            .set_json(json!({"approve": true, "except": [stranger]})),
    )
    .await
    .problem(422, "validation_failed");
    // One ballot by hand first: the list covers the rest.
    let single = app
        .send_as(
            third,
            TestRequest::post()
                .uri(&format!("{path}/ballots"))
                .set_json(json!({"nomination_id": ids[0], "approve": true})),
        )
        .await;
    assert_eq!(single.status, StatusCode::NO_CONTENT);
    let res = app
        .send_as(
            third,
            TestRequest::post()
                .uri(&format!("{path}/list-ballot"))
                .set_json(json!({"approve": true, "except": [ids[2]]})),
        )
        .await;
    assert_eq!(res.json()["ballots_cast"], 2);
    app.send_as(third, TestRequest::post().uri(&format!("{path}/list-ballot")).set_json(json!({"approve": true})))
        .await
        .problem(409, "already_voted");
    // Not a member: nothing to see.
    app.send_as(&w.officer, TestRequest::post().uri(&format!("{path}/list-ballot")).set_json(json!({"approve": true})))
        .await
        .problem(403, "forbidden");
    let closed = app.send(TestRequest::post().uri(&format!("{path}/close"))).await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.text());
    // 3 of 3 and 2 of 3 both reach 60 % of the whole council.
    let results: Vec<Value> = closed.json()["items"].as_array().unwrap().iter().map(|i| i["result"].clone()).collect();
    assert!(results.iter().all(|r| r["yes"].as_i64().unwrap() >= 2), "{results:?}");
    let approved = app.get(&format!("{dossier_path}/lines?status=approved")).await.json();
    assert_eq!(approved["items"].as_array().unwrap().len(), 3);
    app.assert_every_write_journaled();
}

async fn a_rounds_lines_are_checked_against_the_title_registrations(app: TestApp) {
    let w = World::new(&app).await;
    let people = w.people(&app, 3).await;
    let register = |entries: Value| json!({"unit_id": w.commune["id"], "year": year(), "entries": entries});
    // The whole unit in one request: two people for LĐTT, the unit itself for TTLĐTT.
    let body = register(json!([{"award_type_id": w.type_id("LDTT"), "person_id": people[0]["id"]},
                                {"award_type_id": w.type_id("LDTT"), "person_id": people[1]["id"]},
                                {"award_type_id": w.type_id("TTLDTT")}]));
    let res = w.as_officer(&app, TestRequest::post().uri("/api/v1/title-registrations").set_json(&body)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let registration = res.json();
    assert_eq!((&registration["status"], registration["entries"].as_array().unwrap().len()), (&json!("submitted"), 3));
    w.as_officer(&app, TestRequest::post().uri("/api/v1/title-registrations").set_json(&body))
        .await
        .problem(409, "duplicate");
    // Each entry is checked: the title's subject, the person's unit, no entry twice.
    let (_, other) = app.user("officer.so", &["unit_officer"], Some(&w.department["id"])).await;
    let stranger = app.create("people", json!({"full_name": "Lý Thị Mai", "unit_id": w.department["id"]})).await;
    let path = format!("/api/v1/title-registrations/{}", id(&registration));
    let read = w.as_officer(&app, TestRequest::get().uri(&path)).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text());
    assert_eq!(read.json()["entries"], registration["entries"]);
    // Another unit's officer does not learn it exists.
    app.send_as(&other, TestRequest::get().uri(&path)).await.problem(404, "not_found");
    let bad = register(json!([{"award_type_id": w.type_id("LDTT"), "person_id": stranger["id"]},
                               {"award_type_id": w.type_id("TTLDTT"), "person_id": people[0]["id"]},
                               {"award_type_id": w.type_id("LDTT")},
                               {"award_type_id": w.type_id("TTLDTT")}, {"award_type_id": w.type_id("TTLDTT")}]));
    let refused = w
        .as_officer(&app, TestRequest::put().uri(&path).insert_header(("if-match", "\"1\"")).set_json(&bad))
        .await
        .problem(422, "validation_failed");
    let codes: Vec<(&str, &str)> = refused["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        codes,
        [
            ("entries[0].person_id", "not_found"),
            ("entries[1]", "wrong_subject"),
            ("entries[2]", "wrong_subject"),
            ("entries[4]", "duplicate")
        ]
    );
    // Replaced before acceptance: the second person is no longer registered.
    let replaced = w
        .as_officer(
            &app,
            TestRequest::put().uri(&path).insert_header(("if-match", "\"1\"")).set_json(register(json!([
                {"award_type_id": w.type_id("LDTT"), "person_id": people[0]["id"]},
                {"award_type_id": w.type_id("TTLDTT")}]))),
        )
        .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text());
    // Another unit's officer gets nothing; accepting is the board's.
    app.send_as(&other, TestRequest::get().uri(&path)).await.problem(404, "not_found");
    let listed = app.send_as(&other, TestRequest::get().uri("/api/v1/title-registrations")).await.json();
    assert_eq!(listed["items"], json!([]));
    w.as_officer(&app, TestRequest::post().uri(&format!("{path}/accept"))).await.problem(403, "forbidden");
    let accepted = app.send(TestRequest::post().uri(&format!("{path}/accept"))).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
    assert_eq!(accepted.json()["status_label"], "Đã được chấp nhận");
    w.as_officer(
        &app,
        TestRequest::put()
            .uri(&path)
            .insert_header(("if-match", "\"3\""))
            .set_json(register(json!([{"award_type_id": w.type_id("TTLDTT")}]))),
    )
    .await
    .problem(409, "registration_accepted");
    let listed = app.get(&format!("/api/v1/title-registrations?year={}&status=accepted", year())).await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);

    // The year-end round: the unregistered person's line carries the warning, the others none.
    let round = w.round(&app, &["LDTT", "TTLDTT"]).await;
    let dossier = w.dossier(&app, &round).await;
    let lines = json!([{"award_type_id": w.type_id("LDTT"), "person_id": people[0]["id"]},
                       {"award_type_id": w.type_id("LDTT"), "person_id": people[1]["id"]},
                       {"award_type_id": w.type_id("TTLDTT")}]);
    assert_eq!(w.add_lines(&app, &dossier, lines).await.status, StatusCode::CREATED);
    let dossier_path = format!("/api/v1/dossiers/{}", id(&dossier));
    for kind in ["to_trinh", "bien_ban_binh_xet", "bao_cao_thanh_tich"] {
        w.upload(&app, &format!("{dossier_path}/documents"), kind).await;
    }
    let submitted = w.as_officer(&app, TestRequest::post().uri(&format!("{dossier_path}/submit"))).await.json();
    let warnings = |line_no: i64| -> Vec<String> {
        let line = submitted["items"].as_array().unwrap().iter().find(|l| l["line_no"] == line_no).unwrap();
        line["nomination"]["eligibility"]["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["code"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(warnings(1), Vec::<String>::new());
    assert_eq!(warnings(2), ["title_not_registered"]);
    assert_eq!(warnings(3), Vec::<String>::new());
    // The board acknowledges it with a reason, as any warning.
    let unregistered =
        submitted["items"].as_array().unwrap().iter().find(|l| l["line_no"] == 2).unwrap()["nomination"]["id"].clone();
    let acknowledged = app
        .post(
            &format!(
                "/api/v1/nominations/{}/warnings/title_not_registered/acknowledgement",
                unregistered.as_str().unwrap()
            ),
            &json!({"reason": "Đơn vị bổ sung đăng ký muộn, có văn bản giải trình"}),
        )
        .await;
    assert_eq!(acknowledged.status, StatusCode::OK, "{}", acknowledged.text());
    assert!(acknowledged.json()["eligibility"]["warnings"][0]["acknowledgement"]["reason"].is_string());
    app.assert_every_write_journaled();
}

/// Every text cell of a workbook's sheet, by row.
fn sheet_text(body: &[u8], name: &str) -> Vec<Vec<String>> {
    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
    let mut workbook: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(body.to_vec())).expect("an XLSX workbook");
    let range = workbook.worksheet_range(name).expect("the sheet");
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// A filled template: (person, title, discipline) per row under the headings.
fn filled(rows: &[(&str, &str, &str)]) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Đề nghị").unwrap();
    for (col, heading) in ["STT", "Cá nhân", "Danh hiệu", "Kỷ luật"].iter().enumerate() {
        sheet.write_string(0, col as u16, *heading).unwrap();
    }
    for (i, (person, title, discipline)) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_number(row, 0, f64::from(row)).unwrap();
        for (col, value) in [(1, person), (2, title), (3, discipline)] {
            if !value.is_empty() {
                sheet.write_string(row, col, *value).unwrap();
            }
        }
    }
    workbook.save_to_buffer().unwrap()
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn a_filled_template_is_previewed_then_committed(app: TestApp) {
    let w = World::new(&app).await;
    let round = w.round(&app, &["LDTT", "TTLDTT"]).await;
    let dossier = w.dossier(&app, &round).await;
    let people = w.people(&app, 3).await;
    let path = format!("/api/v1/dossiers/{}", id(&dossier));

    // The template: the unit's people and the round's titles, for the dropdowns.
    let template = w.as_officer(&app, TestRequest::get().uri(&format!("{path}/template.xlsx"))).await;
    assert_eq!(template.status, StatusCode::OK, "{}", template.text());
    assert_eq!(template.header("content-type"), Some(XLSX));
    let listed = sheet_text(&template.body, "Cá nhân");
    assert_eq!(listed.len(), 4, "{listed:?}");
    let label = |i: usize| listed.iter().find(|r| r[2] == id(&people[i])).unwrap()[0].clone();
    assert!(label(0).starts_with("Hoàng Văn Số 0 (mã "), "{}", label(0));
    let titles = sheet_text(&template.body, "Danh hiệu");
    assert_eq!(titles[1..].iter().map(|r| r[1].as_str()).collect::<Vec<_>>(), ["LDTT", "TTLDTT"]);
    assert_eq!(sheet_text(&template.body, "Đề nghị")[0][2], "Danh hiệu, hình thức khen thưởng");

    let upload = |body: Vec<u8>, commit: bool| {
        TestRequest::post()
            .uri(&format!("{path}/import{}", if commit { "?commit=true" } else { "" }))
            .insert_header(("content-type", XLSX))
            .set_payload(body)
    };
    let sheet = filled(&[
        (&label(0), "Lao động tiên tiến", ""),
        ("Hoàng Văn Số 1", "LDTT", "không"),
        ("", "Tập thể lao động tiên tiến", ""),
        ("Nông Thị Không Có", "LDTT", ""),
        (&label(0), "LDTT", "có lẽ"),
    ]);
    let preview = w.as_officer(&app, upload(sheet.clone(), false)).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.text());
    let preview = preview.json();
    assert_eq!(
        (&preview["valid_rows"], &preview["invalid_rows"], &preview["committed"]),
        (&json!(3), &json!(2), &json!(false))
    );
    assert_eq!(preview["rows"][0]["person_id"], people[0]["id"]);
    assert_eq!(preview["rows"][3]["errors"][0], "Dòng 5: không tìm thấy cá nhân «Nông Thị Không Có» trong đơn vị.");
    let sixth: Vec<&str> =
        preview["rows"][4]["errors"].as_array().unwrap().iter().map(|e| e.as_str().unwrap()).collect();
    assert!(sixth[0].starts_with("Dòng 6: cột kỷ luật"), "{sixth:?}");
    assert_eq!(sixth[1], "Dòng 6: trùng với dòng 2.");
    // Nothing was written.
    assert_eq!(app.get(&format!("{path}/lines")).await.json()["items"], json!([]));
    // Committed with errors: refused, row by row.
    let refused = w.as_officer(&app, upload(sheet, true)).await.problem(422, "validation_failed");
    let fields: Vec<&str> =
        refused["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["rows[5]", "rows[6]", "rows[6]"]);
    assert_eq!(app.get(&format!("{path}/lines")).await.json()["items"], json!([]));

    let good =
        filled(&[(&label(0), "Lao động tiên tiến", ""), ("Hoàng Văn Số 1", "LDTT", "không"), ("", "TTLDTT", "")]);
    let committed = w.as_officer(&app, upload(good.clone(), true)).await;
    assert_eq!(committed.status, StatusCode::OK, "{}", committed.text());
    let committed = committed.json();
    assert_eq!((&committed["committed"], committed["lines"].as_array().unwrap().len()), (&json!(true), 3));
    assert_eq!(committed["lines"][2]["nomination"]["nominee_kind"], "unit");
    // The same sheet again: every row is already in the dossier.
    let again = w.as_officer(&app, upload(good, false)).await.json();
    assert_eq!(again["invalid_rows"], 3);
    assert!(again["rows"][0]["errors"][0].as_str().unwrap().contains("đã được đề nghị"));

    // Another unit's officer gets neither the template nor the upload.
    let (_, other) = app.user("officer.so", &["unit_officer"], Some(&w.department["id"])).await;
    app.send_as(&other, TestRequest::get().uri(&format!("{path}/template.xlsx"))).await.problem(404, "not_found");
    app.send_as(&other, upload(filled(&[("", "TTLDTT", "")]), false)).await.problem(404, "not_found");

    // The round's results, as XLSX: the lines with their status, for the board.
    let results = app.get(&format!("/api/v1/rounds/{}/results.xlsx", id(&round))).await;
    assert_eq!(results.status, StatusCode::OK, "{}", results.text());
    use calamine::{open_workbook_from_rs, Reader, Xlsx};
    let mut workbook: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(results.body.clone())).unwrap();
    let range = workbook.worksheet_range_at(0).unwrap().unwrap();
    let cells: Vec<String> = range.used_cells().map(|(_, _, c)| c.to_string()).collect();
    assert!(
        cells.iter().any(|c| c == "Hoàng Văn Số 1") && cells.iter().filter(|c| *c == "Dự thảo").count() == 3,
        "{cells:?}"
    );
    // The other unit's officer sees none of the commune's lines.
    let theirs =
        app.send_as(&other, TestRequest::get().uri(&format!("/api/v1/rounds/{}/results.xlsx", id(&round)))).await;
    let mut workbook: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(theirs.body.clone())).unwrap();
    let range = workbook.worksheet_range_at(0).unwrap().unwrap();
    assert!(!range.used_cells().any(|(_, _, c)| matches!(c, calamine::Data::String(s) if s == "Hoàng Văn Số 1")));
    app.assert_every_write_journaled();
}

/// Records `code` of this year for each person, as a decision already taken.
async fn award_each(app: &TestApp, w: &World, code: &str, people: &[Value]) {
    let today = thidua::domain::units::today_in_vietnam().to_string();
    for p in people {
        app.create(
            "awards",
            json!({"award_type_id": w.type_id(code), "person_id": p["id"], "year": year(),
                   "decision_number": "7/QĐ-UBND", "decision_date": today, "decided_by": "Chủ tịch UBND xã"}),
        )
        .await;
    }
}

async fn a_collective_is_judged_from_its_members(app: TestApp) {
    let w = World::new(&app).await;
    // Ten people; six hold Lao động tiên tiến this year, none Chiến sĩ thi đua cơ sở; one was
    // warned (cảnh cáo) and one reprimanded (khiển trách, lighter than the rule's form).
    let people = w.people(&app, 10).await;
    award_each(&app, &w, "LDTT", &people[..6]).await;
    let discipline = |person: &Value, form: &str| {
        TestRequest::post().uri(&format!("/api/v1/people/{}/disciplines", id(person))).set_json(
            json!({"year": year(), "form": form, "decision_number": "25/QĐ-UBND", "decided_on": format!("{}-03-02", year())}),
        )
    };
    let warned = w.as_officer(&app, discipline(&people[9], "canh_cao")).await;
    assert_eq!(warned.status, StatusCode::CREATED, "{}", warned.text());
    assert_eq!(warned.json()["form_label"], "Cảnh cáo");
    assert_eq!(w.as_officer(&app, discipline(&people[8], "khien_trach")).await.status, StatusCode::CREATED);

    // The rules as the catalogue shows them.
    let xs = w.types.as_array().unwrap().iter().find(|t| t["code"] == "TTLDXS").unwrap();
    let requirement = &xs["versions"][0]["member_requirement"];
    assert_eq!(
        (&requirement["min_percent"], &requirement["at_least_one_code"], &requirement["no_discipline_from_label"]),
        (&json!("70"), &json!("CSTD_CO_SO"), &json!("Cảnh cáo")),
        "{requirement}"
    );

    let round = w.round(&app, &["TTLDXS"]).await;
    let dossier = w.dossier(&app, &round).await;
    let added = w.add_lines(&app, &dossier, json!([{"award_type_id": w.type_id("TTLDXS")}])).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text());
    let dossier_path = format!("/api/v1/dossiers/{}", id(&dossier));
    for kind in ["to_trinh", "bien_ban_binh_xet", "bao_cao_thanh_tich"] {
        w.upload(&app, &format!("{dossier_path}/documents"), kind).await;
    }
    let submit = || TestRequest::post().uri(&format!("{dossier_path}/submit"));
    let refused = w.as_officer(&app, submit()).await.problem(422, "not_eligible");
    let problems: Vec<(&str, &str)> = refused["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["code"].as_str().unwrap(), e["message"].as_str().unwrap()))
        .collect();
    let message = |code: &str| problems.iter().find(|(c, _)| *c == code).map(|(_, m)| *m).unwrap_or_default();
    assert!(message("member_share_short").contains("ít nhất 7 trên 10 người, nhưng mới có 6 người"), "{refused}");
    assert!(message("member_title_missing").contains("Chiến sĩ thi đua cơ sở"), "{refused}");
    // Only the warned person counts: a reprimand is below the rule's form.
    assert!(message("member_disciplined").contains("Hoàng Văn Số 9"), "{refused}");
    assert!(!message("member_disciplined").contains("Hoàng Văn Số 8"), "{refused}");

    // A seventh LĐTT and a CSTĐ cơ sở meet the share and the title; the warning still refuses.
    award_each(&app, &w, "LDTT", &people[6..7]).await;
    award_each(&app, &w, "CSTD_CO_SO", &people[..1]).await;
    let refused = w.as_officer(&app, submit()).await.problem(422, "not_eligible");
    let codes: Vec<&str> = refused["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["member_disciplined"], "{refused}");
    app.assert_every_write_journaled();
}

async fn discipline_records_stay_with_the_persons_unit(app: TestApp) {
    let w = World::new(&app).await;
    let person = &w.people(&app, 1).await[0];
    let path = format!("/api/v1/people/{}/disciplines", id(person));
    let record = json!({"year": year(), "form": "canh_cao", "decision_number": "25/QĐ-UBND", "decided_on": format!("{}-03-02", year())});
    let created = w.as_officer(&app, TestRequest::post().uri(&path).set_json(&record)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let listed = w.as_officer(&app, TestRequest::get().uri(&path)).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.json()["items"][0]["decision_number"], "25/QĐ-UBND");
    // Bad input is named field by field.
    let bad = json!({"year": 1800, "form": "canh_cao", "decision_number": " ", "decided_on": "2025-03-02"});
    let refused =
        w.as_officer(&app, TestRequest::post().uri(&path).set_json(&bad)).await.problem(422, "validation_failed");
    let fields: Vec<&str> =
        refused["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"year") && fields.contains(&"decision_number"), "{refused}");
    // Another unit's officer learns nothing, reads nothing and writes nothing.
    let (_, other) = app.user("officer.so", &["unit_officer"], Some(&w.department["id"])).await;
    app.send_as(&other, TestRequest::get().uri(&path)).await.problem(404, "not_found");
    app.send_as(&other, TestRequest::post().uri(&path).set_json(&record)).await.problem(404, "not_found");
    // Personal data: a province-level reader may read the person, not the records.
    let (_, reader) = app.user("viewer.tinh", &["viewer"], None).await;
    app.send_as(&reader, TestRequest::get().uri(&path)).await.problem(403, "forbidden");
    app.assert_every_write_journaled();
}
