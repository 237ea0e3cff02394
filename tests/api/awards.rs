//! The award catalogue and its versioned rules, people and the privacy of their identity
//! numbers, and the award history with merged communes rolled up to their successors.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::helpers::TestApp;

on_both_backends!(
    catalogue_rules_change_by_new_versions,
    identity_numbers_and_statistics_attributes_stay_with_admins,
    award_history_rolls_up_merged_communes,
    new_award_types_join_the_catalogue_with_their_rules,
);

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

async fn seeded(app: &TestApp) {
    let mut conn = app.connection();
    thidua::seed::seed_reference(&mut conn).unwrap();
}

fn rules(threshold: &str) -> Value {
    json!({
        "granting_authority": "Chủ tịch UBND tỉnh", "legal_basis": "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 22",
        "prerequisites": [{"award_type_code": "CSTD_CO_SO", "consecutive_years": 3}],
        "council_vote_required": true, "approval_threshold_percent": threshold, "posting_days": 10, "bonus_multiplier": "3",
    })
}

async fn catalogue_rules_change_by_new_versions(app: TestApp) {
    seeded(&app).await;
    let (_, viewer) = app.user("viewer.1", &["viewer"], None).await;
    let catalogue = app.send_as(&viewer, TestRequest::get().uri("/api/v1/award-types")).await.json();
    let cstd = catalogue.as_array().unwrap().iter().find(|t| t["code"] == "CSTD_TINH").unwrap().clone();
    assert_eq!(cstd["name"], "Chiến sĩ thi đua cấp tỉnh");
    let seeded = &cstd["versions"][0]["prerequisites"][0];
    assert_eq!(
        (&seeded["award_type_code"], &seeded["consecutive_years"], &seeded["window"], &seeded["on_failure"]),
        (&json!("CSTD_CO_SO"), &json!(3), &json!("previous_years"), &json!("refusal"))
    );
    assert_eq!(cstd["versions"][0]["bonus_multiplier"], "3");
    // Every enumeration of the rules comes with its label.
    assert_eq!(
        (&seeded["window_label"], &seeded["on_failure_label"], &cstd["versions"][0]["quota_on_failure_label"]),
        (&json!("Tính đến năm trước năm xét tặng"), &json!("Từ chối"), &json!("Cảnh báo"))
    );
    let requirement = &cstd["versions"][0]["initiative_requirement"];
    assert_eq!(
        (&requirement["minimum_scope"], &requirement["minimum_scope_label"]),
        (&json!("tinh"), &json!("Cấp tỉnh"))
    );
    assert_eq!(cstd["current_version"], 1);
    let path = format!("/api/v1/award-types/{}", id(&cstd));

    // A rule change is a new version; the old one ends the day before and stays readable.
    let body = json!({"effective_from": "2026-01-01", "rules": rules("85")});
    app.send_as(&viewer, TestRequest::post().uri(&format!("{path}/versions")).set_json(&body))
        .await
        .problem(403, "forbidden");
    let res = app.post(&format!("{path}/versions"), &body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let changed = res.json();
    let versions = changed["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(
        (versions[0]["effective_until"].as_str(), versions[0]["approval_threshold_percent"].as_str()),
        (Some("2025-12-31"), Some("90"))
    );
    assert_eq!(
        (versions[1]["version"].as_i64(), versions[1]["approval_threshold_percent"].as_str()),
        (Some(2), Some("85"))
    );
    assert_eq!(changed["current_version"], 2);
    // Not backwards, and the rules are checked.
    app.post(&format!("{path}/versions"), &json!({"effective_from": "2025-06-01", "rules": rules("80")}))
        .await
        .problem(422, "validation_failed");
    let bad = app
        .post(&format!("{path}/versions"), &json!({"effective_from": "2027-01-01", "rules": rules("120")}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(bad["errors"][0]["field"], "approval_threshold_percent");
    let mut unknown = rules("90");
    unknown["prerequisites"][0]["award_type_code"] = json!("KHONG_CO");
    let bad = app
        .post(&format!("{path}/versions"), &json!({"effective_from": "2027-01-01", "rules": unknown}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(bad["errors"][0]["field"], "prerequisites[0].award_type_code");
    assert_eq!(app.get(&path).await.json()["versions"].as_array().unwrap().len(), 2, "refused versions left nothing");

    // The rules of a version read back and sent again are accepted: the labels in them are
    // answers' only, ignored when sent and not kept.
    let current = app.get(&path).await.json()["versions"][1].clone();
    let fields = [
        "granting_authority",
        "legal_basis",
        "prerequisites",
        "quota_of_code",
        "quota_percent",
        "quota_on_failure",
        "council_vote_required",
        "approval_threshold_percent",
        "quorum_percent",
        "posting_days",
        "bonus_multiplier",
        "initiative_requirement",
    ];
    let echoed: serde_json::Map<String, Value> = fields.iter().map(|f| (f.to_string(), current[*f].clone())).collect();
    assert_eq!(echoed["prerequisites"][0]["window_label"], "Tính đến năm trước năm xét tặng");
    let res = app.post(&format!("{path}/versions"), &json!({"effective_from": "2027-01-01", "rules": echoed})).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let third = &res.json()["versions"][2];
    assert_eq!(third["prerequisites"], current["prerequisites"], "the same rules, labelled afresh");
}

async fn identity_numbers_and_statistics_attributes_stay_with_admins(app: TestApp) {
    let (commune_a, _) = crate::auth::commune_and_department(&app).await;
    let district = app.get("/api/v1/districts/by-code/999").await.json();
    let commune_b = app
        .create("communes", json!({"code": "99998", "name": "Xã Bên Kia", "type": "xa", "parent_id": district["id"]}))
        .await;
    let (_, officer_a) = app.user("officer.a", &["unit_officer"], Some(&commune_a["id"])).await;
    let (_, officer_b) = app.user("officer.b", &["unit_officer"], Some(&commune_b["id"])).await;

    let person = app.create("people", json!({"full_name": "Hoàng Thị Mai", "position": "Chủ tịch UBND xã", "unit_id": commune_a["id"], "birth_year": 1980, "identity_number": "001180012345",
        "gender": "female", "ethnicity_code": "02", "staff_category": "other_leader"})).await;
    assert_eq!(person["identity_number"], "001180012345", "the admin sees it");
    assert_eq!(
        (person["gender_label"].as_str(), person["ethnicity_name"].as_str(), person["staff_category"].as_str()),
        (Some("Nữ"), Some("Tày"), Some("other_leader"))
    );
    let path = format!("/api/v1/people/{}", id(&person));
    let protected = ["identity_number", "gender", "gender_label", "ethnicity_code", "ethnicity_name", "staff_category"];
    let seen = app.send_as(&officer_a, TestRequest::get().uri(&path)).await.json();
    assert!(protected.iter().all(|f| seen.get(f).is_none()), "officers do not: {seen}");
    let listed = app.get("/api/v1/people?q=hoang%20thi%20mai").await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert!(protected.iter().all(|f| listed["items"][0].get(f).is_none()), "never in lists, even for admins");
    // Nor in the unit's feed, which its officers read.
    let feed = app.send_as(&officer_a, TestRequest::get().uri("/api/v1/events?types=person.created")).await;
    assert_eq!(feed.status, StatusCode::OK, "{}", feed.text());
    assert!(
        feed.text().contains(&id(&person))
            && !feed.text().contains("001180012345")
            && !feed.text().contains("ethnicity")
    );
    let bad = app
        .post(
            "/api/v1/people",
            &json!({"full_name": "Lò Văn Sáng", "unit_id": commune_a["id"], "ethnicity_code": "55"}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        (bad["errors"][0]["field"].as_str(), bad["errors"][0]["code"].as_str()),
        (Some("ethnicity_code"), Some("invalid_choice"))
    );
    // People belong to departments and communes: a district is refused, an unknown unit too,
    // and neither leaves a person behind.
    for (unit, code) in [(district["id"].clone(), "wrong_kind"), (json!(uuid::Uuid::now_v7()), "not_found")] {
        let refused = app
            .post("/api/v1/people", &json!({"full_name": "Lò Văn Sáng", "unit_id": unit}))
            .await
            .problem(422, "validation_failed");
        assert_eq!(
            (refused["errors"][0]["field"].as_str(), refused["errors"][0]["code"].as_str()),
            (Some("unit_id"), Some(code))
        );
    }
    assert_eq!(app.get("/api/v1/people?q=lo%20van%20sang").await.json()["items"], json!([]));

    // Officers keep their own unit's people, cannot set identity numbers, and see no one else's.
    let body = app
        .send_as(
            &officer_a,
            TestRequest::post().uri("/api/v1/people").set_json(
                json!({"full_name": "Lý Văn Tú", "unit_id": commune_a["id"], "identity_number": "001180099999"}),
            ),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "identity_number");
    let body = app
        .send_as(
            &officer_a,
            TestRequest::post()
                .uri("/api/v1/people")
                .set_json(json!({"full_name": "Lý Văn Tú", "unit_id": commune_a["id"], "gender": "male", "staff_category": "worker"})),
        )
        .await
        .problem(422, "validation_failed");
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["gender", "staff_category"]);
    app.send_as(
        &officer_a,
        TestRequest::post()
            .uri("/api/v1/people")
            .set_json(json!({"full_name": "Lý Văn Tú", "unit_id": commune_b["id"]})),
    )
    .await
    .problem(403, "forbidden");
    let missing = app
        .send_as(&officer_b, TestRequest::get().uri(&format!("/api/v1/people/{}", uuid::Uuid::now_v7())))
        .await
        .problem(404, "not_found");
    assert_eq!(app.send_as(&officer_b, TestRequest::get().uri(&path)).await.problem(404, "not_found"), missing);
    assert_eq!(app.send_as(&officer_b, TestRequest::get().uri("/api/v1/people")).await.json()["items"], json!([]));

    // An officer's change keeps the identity number they cannot see.
    let renamed = app.put_current(&officer_a, &path, &json!({"full_name": "Hoàng Thị Mai", "position": "Bí thư Đảng ủy xã", "unit_id": commune_a["id"], "birth_year": 1980})).await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text());
    let kept = app.get(&path).await.json();
    assert_eq!(
        (kept["identity_number"].as_str(), kept["gender"].as_str(), kept["ethnicity_code"].as_str()),
        (Some("001180012345"), Some("female"), Some("02"))
    );
}

async fn award_history_rolls_up_merged_communes(app: TestApp) {
    seeded(&app).await;
    let types = app.get("/api/v1/award-types").await.json();
    let type_id = |code: &str| types.as_array().unwrap().iter().find(|t| t["code"] == code).unwrap()["id"].clone();
    let old_ward = app.get("/api/v1/communes/by-code/01834?active_on=2021-06-01").await.json();
    let new_ward = app.get("/api/v1/communes/by-code/01840").await.json();

    // 2021: the old ward gets a provincial flag; one of its people is a grassroots emulation fighter.
    let flag = app
        .create("awards", json!({"award_type_id": type_id("CO_THI_DUA_TINH"), "unit_id": old_ward["id"], "year": 2021, "decision_number": "123/QĐ-UBND", "decision_date": "2022-01-10", "decided_by": "Chủ tịch UBND tỉnh Bắc Kạn"}))
        .await;
    let person = app.create("people", json!({"full_name": "Nông Văn Hải", "unit_id": old_ward["id"]})).await;
    for year in [2019, 2020, 2021] {
        app.create("awards", json!({"award_type_id": type_id("CSTD_CO_SO"), "person_id": person["id"], "year": year, "decision_number": format!("{year}/QĐ-SNV"), "decision_date": format!("{}-01-15", year + 1), "decided_by": "Giám đốc Sở Nội vụ"})).await;
    }
    // A collective title for a person is refused.
    let body = app
        .post("/api/v1/awards", &json!({"award_type_id": type_id("CO_THI_DUA_TINH"), "person_id": person["id"], "year": 2021, "decision_number": "1/QĐ", "decision_date": "2022-01-10", "decided_by": "UBND"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["code"], "wrong_subject");

    // Today's ward, rolled up, shows the award its predecessor earned; without roll-up it has none.
    let rolled = app.get(&format!("/api/v1/awards?unit_id={}&roll_up=true", id(&new_ward))).await.json();
    let rolled_ids: Vec<&str> = rolled["items"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert!(rolled_ids.contains(&flag["id"].as_str().unwrap()), "{rolled}");
    assert_eq!(rolled["items"].as_array().unwrap().len(), 4, "the flag and the person's three titles");
    assert_eq!(app.get(&format!("/api/v1/awards?unit_id={}", id(&new_ward))).await.json()["items"], json!([]));
    let history = app.get(&format!("/api/v1/awards?person_id={}", id(&person))).await.json();
    let years: Vec<i64> = history["items"].as_array().unwrap().iter().map(|a| a["year"].as_i64().unwrap()).collect();
    assert_eq!(years, [2021, 2020, 2019]);
    app.get("/api/v1/awards?roll_up=true").await.problem(400, "invalid_query");

    // A 2021 award predates the catalogue's rules (2024): it keeps no version rather than a wrong
    // one. One decided under the current rules keeps them.
    assert_eq!(flag["award_type_version_id"], Value::Null);
    let recent = app
        .create("awards", json!({"award_type_id": type_id("TTLDXS"), "unit_id": new_ward["id"], "year": 2025, "decision_number": "45/QĐ-UBND", "decision_date": "2026-01-20", "decided_by": "Chủ tịch UBND tỉnh Thái Nguyên"}))
        .await;
    let ttldxs = app.get(&format!("/api/v1/award-types/{}", type_id("TTLDXS").as_str().unwrap())).await.json();
    assert_eq!(recent["award_type_version_id"], ttldxs["versions"][0]["id"]);
    app.post(&format!("/api/v1/awards/{}/revoke", id(&recent)), &json!({"reason": "thử"})).await;

    // Revoking keeps the record, with the reason; it leaves the default history.
    let revoked = app
        .post(&format!("/api/v1/awards/{}/revoke", id(&flag)), &json!({"reason": "Kê khai không trung thực"}))
        .await
        .json();
    assert_eq!(revoked["revoked_reason"], "Kê khai không trung thực");
    app.post(&format!("/api/v1/awards/{}/revoke", id(&flag)), &json!({"reason": "lần nữa"}))
        .await
        .problem(409, "already_revoked");
    assert_eq!(
        app.get(&format!("/api/v1/awards/{}", id(&flag))).await.json()["revoked_reason"],
        "Kê khai không trung thực"
    );
    let default = app.get(&format!("/api/v1/awards?unit_id={}&roll_up=true", id(&new_ward))).await.json();
    assert_eq!(default["items"].as_array().unwrap().len(), 3);
    let all =
        app.get(&format!("/api/v1/awards?unit_id={}&roll_up=true&include_revoked=true", id(&new_ward))).await.json();
    assert_eq!(all["items"].as_array().unwrap().len(), 5, "the three titles and both revoked awards");

    // By award type and year (a page's ids read first from their index, then the rows): the
    // matching awards only, newest first, revoked ones only when asked, paged by cursor.
    let cstd = type_id("CSTD_CO_SO");
    let by_type = app.get(&format!("/api/v1/awards?award_type_id={}&limit=2", cstd.as_str().unwrap())).await.json();
    let page_years: Vec<i64> =
        by_type["items"].as_array().unwrap().iter().map(|a| a["year"].as_i64().unwrap()).collect();
    assert_eq!(page_years, [2021, 2020]);
    let cursor = by_type["next_cursor"].as_str().expect("a second page");
    let rest = app
        .get(&format!("/api/v1/awards?award_type_id={}&limit=2&cursor={cursor}", cstd.as_str().unwrap()))
        .await
        .json();
    assert_eq!(rest["items"][0]["year"], 2019);
    assert!(rest["next_cursor"].is_null());
    let of_2021 = app.get("/api/v1/awards?year=2021").await.json();
    let of_2021: Vec<&str> = of_2021["items"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(of_2021.len(), 1, "the person's 2021 title; the revoked flag is left out: {of_2021:?}");
    let with_revoked = app.get("/api/v1/awards?year=2021&include_revoked=true").await.json();
    assert_eq!(with_revoked["items"].as_array().unwrap().len(), 2);
    assert_eq!(with_revoked["items"][1]["id"], flag["id"], "newest first: the flag was decided first");
}

async fn new_award_types_join_the_catalogue_with_their_rules(app: TestApp) {
    seeded(&app).await;
    let (_, viewer) = app.user("viewer.1", &["viewer"], None).await;
    let body = json!({
        "code": "CSTD_CUM", "name": "Chiến sĩ thi đua của cụm", "category": "danh_hieu_thi_dua", "subject": "individual", "level": "tinh",
        "effective_from": "2025-01-01", "rules": rules("75"),
    });
    app.send_as(&viewer, TestRequest::post().uri("/api/v1/award-types").set_json(&body))
        .await
        .problem(403, "forbidden");
    let res = app.post("/api/v1/award-types", &body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let created = res.json();
    assert_eq!(res.header("location").unwrap(), format!("/api/v1/award-types/{}", id(&created)));
    assert_eq!((created["code"].as_str(), created["current_version"].as_i64()), (Some("CSTD_CUM"), Some(1)));

    // Everyone reading the catalogue finds it, with its first version's rules.
    let catalogue = app.send_as(&viewer, TestRequest::get().uri("/api/v1/award-types")).await.json();
    let listed = catalogue.as_array().unwrap().iter().find(|t| t["code"] == "CSTD_CUM").expect("listed").clone();
    assert_eq!(listed, created);
    assert_eq!(
        (listed["name"].as_str(), listed["category"].as_str(), listed["subject"].as_str()),
        (Some("Chiến sĩ thi đua của cụm"), Some("danh_hieu_thi_dua"), Some("individual"))
    );
    let first = &listed["versions"][0];
    assert_eq!(listed["versions"].as_array().unwrap().len(), 1);
    assert_eq!(
        (first["version"].as_i64(), first["effective_from"].as_str(), first["effective_until"].as_str()),
        (Some(1), Some("2025-01-01"), None)
    );
    assert_eq!(
        first["prerequisites"],
        json!([{"award_type_code": "CSTD_CO_SO", "consecutive_years": 3, "window": "previous_years", "on_failure": "refusal", "unconfirmed": false,
                "window_label": "Tính đến năm trước năm xét tặng", "on_failure_label": "Từ chối"}])
    );
    assert_eq!(
        (first["approval_threshold_percent"].as_str(), first["bonus_multiplier"].as_str()),
        (Some("75"), Some("3"))
    );
    assert_eq!((first["council_vote_required"].as_bool(), first["posting_days"].as_i64()), (Some(true), Some(10)));
    assert_eq!(first["granting_authority"], "Chủ tịch UBND tỉnh");

    // The code is taken now.
    app.post("/api/v1/award-types", &body).await.problem(409, "code_in_use");
    assert_eq!(
        app.get("/api/v1/award-types")
            .await
            .json()
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["code"] == "CSTD_CUM")
            .count(),
        1
    );
}
