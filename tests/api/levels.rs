//! Levels of administration (issue 14 item 1): a department's or a commune's admin runs its own
//! unit's level — accounts, campaigns, the nominations and decisions of the awards its head
//! grants — and nothing of another unit's or the province's.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use chrono::TimeDelta;
use diesel::prelude::*;
use serde_json::{json, Value};
use thidua::db::schema::nominations;

use crate::helpers::{TestApp, PASSWORD};

on_both_backends!(
    a_units_admin_manages_its_own_units_accounts_only,
    a_units_admin_runs_its_own_campaigns,
    a_unit_decides_the_awards_its_head_grants_and_the_province_its_own,
    a_units_round_and_council_stay_within_it,
);

const PDF: &[u8] = b"%PDF-1.7\n%%EOF\n";

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

fn day(offset: i64) -> String {
    (thidua::domain::units::today_in_vietnam() + TimeDelta::days(offset)).to_string()
}

/// Two communes (A with its admin and officer, B with its admin): (commune A, commune B,
/// A's admin token, A's officer token, B's admin token).
async fn two_communes(app: &TestApp) -> (Value, Value, String, String, String) {
    let (_, district, commune_a) = app.small_tree().await;
    let commune_b = app
        .create("communes", json!({"code": "99998", "name": "Xã Bên Kia", "type": "xa", "parent_id": district["id"]}))
        .await;
    let (_, admin_a) = app.user("admin.a", &["unit_admin"], Some(&commune_a["id"])).await;
    let (_, officer_a) = app.user("officer.a", &["unit_officer"], Some(&commune_a["id"])).await;
    let (_, admin_b) = app.user("admin.b", &["unit_admin"], Some(&commune_b["id"])).await;
    (commune_a, commune_b, admin_a, officer_a, admin_b)
}

async fn a_units_admin_manages_its_own_units_accounts_only(app: TestApp) {
    // A unit's admin belongs to the unit it runs.
    let res = app
        .post(
            "/api/v1/users",
            &json!({"username": "loose.admin", "full_name": "Không Đơn Vị", "roles": ["unit_admin"], "password": PASSWORD}),
        )
        .await;
    assert_eq!(res.problem(422, "validation_failed")["errors"][0]["field"], "unit_id");
    let (commune_a, commune_b, admin_a, _, admin_b) = two_communes(&app).await;
    let as_a = |req: TestRequest| app.send_as(&admin_a, req);

    // It creates its unit's accounts (the unit left out is its own) …
    let created = as_a(TestRequest::post().uri("/api/v1/users").set_json(json!({
        "username": "clerk.a", "full_name": "Hà Văn Sơn", "roles": ["unit_officer", "viewer"], "password": PASSWORD,
    })))
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let clerk = created.json();
    assert_eq!(clerk["unit_id"], commune_a["id"]);
    // … but no board admin, and none in another unit.
    let refused = as_a(TestRequest::post().uri("/api/v1/users").set_json(json!({
        "username": "boss.a", "full_name": "Lý Văn Cao", "roles": ["viewer", "admin"], "password": PASSWORD,
    })))
    .await
    .problem(422, "validation_failed");
    assert_eq!(
        (refused["errors"][0]["field"].as_str(), refused["errors"][0]["code"].as_str()),
        (Some("roles[1]"), Some("not_allowed"))
    );
    as_a(TestRequest::post().uri("/api/v1/users").set_json(json!({
        "username": "spy.b", "full_name": "Nông Văn Bé", "roles": ["unit_officer"], "unit_id": commune_b["id"], "password": PASSWORD,
    })))
    .await
    .problem(403, "forbidden");

    // Its list is its unit's; another unit's account and the board's do not exist for it.
    let listed = as_a(TestRequest::get().uri("/api/v1/users?limit=100")).await.json();
    let units: Vec<&Value> = listed["items"].as_array().unwrap().iter().map(|u| &u["unit_id"]).collect();
    assert!(!units.is_empty() && units.iter().all(|u| **u == commune_a["id"]), "{listed}");
    let others = app.get("/api/v1/users?limit=100").await.json();
    let other_unit = others["items"].as_array().unwrap().iter().find(|u| u["unit_id"] == commune_b["id"]).unwrap();
    let board = others["items"].as_array().unwrap().iter().find(|u| u["unit_id"].is_null()).unwrap();
    for account in [other_unit, board] {
        let path = format!("/api/v1/users/{}", id(account));
        as_a(TestRequest::get().uri(&path)).await.problem(404, "not_found");
        as_a(TestRequest::patch().uri(&path).set_json(json!({"full_name": "Đổi Tên"}))).await.problem(404, "not_found");
        as_a(TestRequest::post().uri(&format!("{path}/deactivate"))).await.problem(404, "not_found");
        as_a(
            TestRequest::post()
                .uri(&format!("{path}/reset-password"))
                .set_json(json!({"new_password": "Một mật khẩu mới 2026"})),
        )
        .await
        .problem(404, "not_found");
    }

    // Within its unit it renames, resets and deactivates; it moves no one out, makes no admin.
    let path = format!("/api/v1/users/{}", id(&clerk));
    let renamed = as_a(TestRequest::patch().uri(&path).set_json(json!({"full_name": "Hà Văn Sơn (Văn phòng)"}))).await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text());
    let moved = as_a(TestRequest::patch().uri(&path).set_json(json!({"unit_id": commune_b["id"]})))
        .await
        .problem(422, "validation_failed");
    assert_eq!(moved["errors"][0]["field"], "unit_id");
    as_a(TestRequest::patch().uri(&path).set_json(json!({"roles": ["admin"]}))).await.problem(422, "validation_failed");
    let reset = as_a(
        TestRequest::post()
            .uri(&format!("{path}/reset-password"))
            .set_json(json!({"new_password": "Một mật khẩu mới 2026"})),
    )
    .await;
    assert_eq!(reset.status, StatusCode::NO_CONTENT, "{}", reset.text());
    let off = as_a(TestRequest::post().uri(&format!("{path}/deactivate"))).await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.text());
    assert_eq!(off.json()["active"], false);
    // A board admin who belongs to the unit stays the board's: no reset, change or deactivation.
    let (board_member, _) = app.user("board.a", &["admin"], Some(&commune_a["id"])).await;
    let board_path = format!("/api/v1/users/{}", id(&board_member));
    as_a(
        TestRequest::post()
            .uri(&format!("{board_path}/reset-password"))
            .set_json(json!({"new_password": "Chiếm quyền quản trị 2026"})),
    )
    .await
    .problem(403, "forbidden");
    as_a(TestRequest::post().uri(&format!("{board_path}/deactivate"))).await.problem(403, "forbidden");
    as_a(TestRequest::patch().uri(&board_path).set_json(json!({"roles": ["viewer"]}))).await.problem(403, "forbidden");
    assert_eq!(app.login("board.a", PASSWORD).await.status, StatusCode::OK, "still the board's password");
    // Nor a member of another level's council who belongs to the unit: their ballots are that level's.
    let (sitting, _) = app.user("hd.tinh.a", &["council_member"], Some(&commune_a["id"])).await;
    let mut seated = Vec::new();
    for name in ["hd.b.1", "hd.b.2"] {
        seated.push(app.user(name, &["council_member"], None).await.0["id"].clone());
    }
    seated.push(sitting["id"].clone());
    crate::council::standing_council(&app, &commune_b["id"], &seated).await;
    as_a(
        TestRequest::post()
            .uri(&format!("/api/v1/users/{}/reset-password", id(&sitting)))
            .set_json(json!({"new_password": "Bỏ phiếu thay 2026 xx"})),
    )
    .await
    .problem(403, "forbidden");
    // A unit's admin runs a department or a commune, never the province.
    let province = app.get("/api/v1/provinces/by-code/99").await.json();
    let refused = app
        .post("/api/v1/users", &json!({"username": "tinh.admin", "full_name": "Quản trị tỉnh", "roles": ["unit_admin"], "unit_id": province["id"], "password": PASSWORD}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        (refused["errors"][0]["field"].as_str(), refused["errors"][0]["code"].as_str()),
        (Some("unit_id"), Some("wrong_kind"))
    );
    // The other commune's admin sees none of it.
    app.send_as(&admin_b, TestRequest::get().uri(&path)).await.problem(404, "not_found");
    // The unit's accounts are in the feed of those who read them — its admin and officers — and
    // of no other unit nor of a province-level reader.
    let app = &app;
    let events = |token: String| async move {
        let res = app.send_as(&token, TestRequest::get().uri("/api/v1/events?types=user.*&limit=100")).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        res.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["type"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let seen_by_a = events(admin_a.clone()).await;
    assert!(
        ["user.created", "user.updated", "user.deactivated"].iter().all(|a| seen_by_a.iter().any(|s| s == a)),
        "{seen_by_a:?}"
    );
    let (_, officer_a2) = app.user("officer.a2", &["unit_officer"], Some(&commune_a["id"])).await;
    assert!(events(officer_a2).await.iter().any(|a| a == "user.deactivated"));
    assert_eq!(events(admin_b.clone()).await, ["user.created"], "B's own account only");
    let b_feed = app.send_as(&admin_b, TestRequest::get().uri("/api/v1/events?types=user.*&limit=100")).await.text();
    assert!(!b_feed.contains(&id(&clerk)), "{b_feed}");
    let (_, viewer) = app.user("viewer.tinh", &["viewer"], None).await;
    assert!(events(viewer).await.is_empty());
    // The board moves an account from A to B: A sees it leave, B sees it arrive, as each knew it.
    let (mover, _) = app.user("moving.clerk", &["unit_officer"], Some(&commune_a["id"])).await;
    let moved = app
        .send(
            TestRequest::patch()
                .uri(&format!("/api/v1/users/{}", id(&mover)))
                .set_json(json!({"unit_id": commune_b["id"]})),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text());
    assert_eq!(events(admin_a.clone()).await.last().map(String::as_str), Some("user.moved_out"));
    assert_eq!(events(admin_b.clone()).await.last().map(String::as_str), Some("user.moved_in"));
    // The registry stays the board's.
    app.send_as(
        &admin_a,
        TestRequest::post().uri("/api/v1/communes").set_json(json!({"code": "99997", "name": "Xã Mới", "type": "xa"})),
    )
    .await
    .problem(403, "forbidden");
}

fn unit_campaign(unit: &Value) -> Value {
    json!({
        "title": "Thi đua xây dựng xã nông thôn mới nâng cao năm 2026",
        "kind": "chuyen_de",
        "launching_authority": "Chủ tịch UBND xã",
        "start_date": "2026-01-01",
        "end_date": "2030-12-31",
        "participation": "units",
        "unit_ids": [unit["id"]],
    })
}

async fn a_units_admin_runs_its_own_campaigns(app: TestApp) {
    let (commune_a, commune_b, admin_a, officer_a, admin_b) = two_communes(&app).await;
    let as_a = |req: TestRequest| app.send_as(&admin_a, req);

    // A unit's campaign has the unit itself taking part.
    let mut wide = unit_campaign(&commune_a);
    wide["participation"] = json!("all_communes");
    wide["unit_ids"] = json!([]);
    let refused =
        as_a(TestRequest::post().uri("/api/v1/campaigns").set_json(&wide)).await.problem(422, "validation_failed");
    assert_eq!(
        (refused["errors"][0]["field"].as_str(), refused["errors"][0]["code"].as_str()),
        (Some("participation"), Some("outside_level"))
    );
    let mut both = unit_campaign(&commune_a);
    both["unit_ids"] = json!([commune_a["id"], commune_b["id"]]);
    let refused =
        as_a(TestRequest::post().uri("/api/v1/campaigns").set_json(&both)).await.problem(422, "validation_failed");
    assert_eq!(refused["errors"][0]["code"], "outside_level", "{refused}");
    // It runs its own unit's level only.
    let mut elsewhere = unit_campaign(&commune_b);
    elsewhere["run_by_unit_id"] = commune_b["id"].clone();
    as_a(TestRequest::post().uri("/api/v1/campaigns").set_json(&elsewhere)).await.problem(403, "forbidden");

    let created = as_a(TestRequest::post().uri("/api/v1/campaigns").set_json(unit_campaign(&commune_a))).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let campaign = created.json();
    assert_eq!(campaign["run_by_unit_id"], commune_a["id"]);
    let path = format!("/api/v1/campaigns/{}", id(&campaign));
    // Its draft is its own: the other commune's admin and its own officer do not see it.
    app.send_as(&admin_b, TestRequest::get().uri(&path)).await.problem(404, "not_found");
    app.send_as(&officer_a, TestRequest::get().uri(&path)).await.problem(404, "not_found");
    let drafts = as_a(TestRequest::get().uri("/api/v1/campaigns?status=draft")).await.json();
    assert_eq!(drafts["items"].as_array().unwrap().len(), 1, "{drafts}");
    let theirs = app.send_as(&admin_b, TestRequest::get().uri("/api/v1/campaigns?status=draft")).await.json();
    assert_eq!(theirs["items"], json!([]));
    // The other commune's admin cannot touch it even by id.
    app.send_as(
        &admin_b,
        TestRequest::post().uri(&format!("{path}/indicators")).set_json(
            json!({"name": "x", "unit_of_measure": "x", "kind": "quantity", "direction": "higher_is_better"}),
        ),
    )
    .await
    .problem(404, "not_found");

    let indicator = as_a(TestRequest::post().uri(&format!("{path}/indicators")).set_json(json!({
        "name": "Số hộ đạt chuẩn gia đình văn hóa", "unit_of_measure": "hộ", "kind": "quantity", "direction": "higher_is_better",
    })))
    .await;
    assert_eq!(indicator.status, StatusCode::CREATED, "{}", indicator.text());
    let launched = as_a(TestRequest::post().uri(&format!("{path}/launch")).set_json(json!({}))).await;
    assert_eq!(launched.status, StatusCode::OK, "{}", launched.text());
    // Launched, everyone reads it; only its level changes it.
    assert_eq!(app.send_as(&admin_b, TestRequest::get().uri(&path)).await.status, StatusCode::OK);
    app.send_as(
        &admin_b,
        TestRequest::post().uri(&format!("{path}/cancel")).set_json(json!({"reason": "Không phải của tôi"})),
    )
    .await
    .problem(403, "forbidden");
    app.send_as(&officer_a, TestRequest::post().uri(&format!("{path}/cancel")).set_json(json!({"reason": "Cán bộ"})))
        .await
        .problem(403, "forbidden");
    // The level it runs at does not change.
    let mut moved = unit_campaign(&commune_a);
    moved["run_by_unit_id"] = commune_b["id"].clone();
    let refused = app.put_current(&admin_a, &path, &moved).await.problem(422, "validation_failed");
    assert_eq!(refused["errors"][0]["field"], "run_by_unit_id");
    // Its officer registers the unit's targets; another commune does not take part.
    let target = json!([{"indicator_id": indicator.json()["id"], "target": "120"}]);
    let regs = format!("{path}/registrations");
    let res = app
        .send_as(
            &officer_a,
            TestRequest::post().uri(&regs).set_json(json!({"unit_id": commune_a["id"], "targets": target})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let res = app
        .send_as(
            &admin_b,
            TestRequest::post().uri(&regs).set_json(json!({"unit_id": commune_b["id"], "targets": target})),
        )
        .await;
    assert_eq!(res.problem(422, "validation_failed")["errors"][0]["code"], "not_participating");

    // The province's campaigns stay the board's.
    let mut provincial = unit_campaign(&commune_a);
    provincial["participation"] = json!("all_communes");
    provincial["unit_ids"] = json!([]);
    let board = app.create("campaigns", provincial.clone()).await;
    assert!(board["run_by_unit_id"].is_null());
    let board_path = format!("/api/v1/campaigns/{}", id(&board));
    as_a(TestRequest::get().uri(&board_path)).await.problem(404, "not_found");
    app.post(
        &format!("{board_path}/indicators"),
        &json!({"name": "Chỉ tiêu", "unit_of_measure": "%", "kind": "percentage", "direction": "higher_is_better"}),
    )
    .await;
    app.post(&format!("{board_path}/launch"), &json!({})).await;
    assert_eq!(app.put_current(&admin_a, &board_path, &provincial).await.status, StatusCode::FORBIDDEN);
    // Each level's campaigns, listed apart.
    let ids = |page: Value| page["items"].as_array().unwrap().iter().map(|c| c["id"].clone()).collect::<Vec<_>>();
    let communes = app.get(&format!("/api/v1/campaigns?run_by_unit_id={}", id(&commune_a))).await.json();
    assert_eq!(ids(communes), [campaign["id"].clone()]);
    assert_eq!(ids(app.get("/api/v1/campaigns?province_level=true").await.json()), [board["id"].clone()]);
    assert_eq!(ids(app.get("/api/v1/campaigns?province_level=false").await.json()), [campaign["id"].clone()]);
}

/// A nomination of a new person of `unit` for `code`, with its documents, submitted by the
/// unit's officer: (nomination, its path).
async fn submitted(app: &TestApp, officer: &str, unit: &Value, code: &str, name: &str) -> (Value, String) {
    let types = app.get("/api/v1/award-types").await.json();
    let type_id = types.as_array().unwrap().iter().find(|t| t["code"] == code).unwrap()["id"].clone();
    let person = app.create("people", json!({"full_name": name, "unit_id": unit["id"], "birth_year": 1980})).await;
    let year = chrono::Datelike::year(&thidua::domain::units::today_in_vietnam());
    let res = app
        .send_as(
            officer,
            TestRequest::post().uri("/api/v1/nominations").set_json(
                json!({"award_type_id": type_id, "person_id": person["id"], "unit_id": unit["id"], "year": year}),
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let nomination = res.json();
    let path = format!("/api/v1/nominations/{}", id(&nomination));
    for kind in ["to_trinh", "bao_cao_thanh_tich", "bien_ban_binh_xet"] {
        let req = TestRequest::post()
            .uri(&format!("{path}/documents?kind={kind}"))
            .insert_header(("content-type", "application/pdf"))
            .set_payload(PDF.to_vec());
        assert_eq!(app.send_as(officer, req).await.status, StatusCode::CREATED);
    }
    let res = app.send_as(officer, TestRequest::post().uri(&format!("{path}/submit")).set_json(json!({}))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    (nomination, path)
}

async fn a_unit_decides_the_awards_its_head_grants_and_the_province_its_own(app: TestApp) {
    let mut conn = app.connection();
    thidua::seed::seed_reference(&mut conn).unwrap();
    let (commune_a, commune_b, admin_a, officer_a, admin_b) = two_communes(&app).await;
    let as_a = |req: TestRequest| app.send_as(&admin_a, req);
    let (worker, path) = submitted(&app, &officer_a, &commune_a, "LDTT", "Triệu Thị Lan").await;

    // Lao động tiên tiến is the commune chairman's to grant (Art 80.3): the commune's admin takes
    // the board's steps on it; the other commune's does not even see it.
    app.send_as(&admin_b, TestRequest::post().uri(&format!("{path}/appraise")).set_json(json!({})))
        .await
        .problem(404, "not_found");
    app.send_as(&officer_a, TestRequest::post().uri(&format!("{path}/appraise")).set_json(json!({})))
        .await
        .problem(403, "forbidden");
    for action in ["appraise", "approve"] {
        let res = as_a(TestRequest::post().uri(&format!("{path}/{action}")).set_json(json!({}))).await;
        assert_eq!(res.status, StatusCode::OK, "{action}: {}", res.text());
    }
    let res = as_a(TestRequest::post().uri(&format!("{path}/post")).set_json(json!({"until": day(1)}))).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text());
    let comments = as_a(TestRequest::get().uri(&format!("{path}/comments"))).await;
    assert_eq!(comments.status, StatusCode::OK, "{}", comments.text());
    app.send_as(&admin_b, TestRequest::get().uri(&format!("{path}/comments"))).await.problem(404, "not_found");
    let yesterday: chrono::NaiveDate = day(-1).parse().unwrap();
    diesel::update(nominations::table.find(id(&worker)))
        .set(nominations::posting_until.eq(Some(yesterday)))
        .execute(&mut conn)
        .unwrap();

    // The province does not grant it: its approver's decision is refused, naming who grants it.
    let (_, approver) = app.user("approver.tinh", &["approver"], None).await;
    let decision = json!({"number": "12/QĐ-UBND", "decided_on": day(0), "signer": "Chủ tịch UBND xã", "authority": "UBND xã Đồng Thử", "nomination_ids": [worker["id"]]});
    let refused = app
        .send_as(&approver, TestRequest::post().uri("/api/v1/decisions").set_json(&decision))
        .await
        .problem(422, "validation_failed");
    assert_eq!(refused["errors"][0]["code"], "authority_mismatch", "{refused}");
    let message = refused["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("Lao động tiên tiến") && message.contains("Cấp xã"), "{message}");
    // Nor does another commune's level, nor may an approver of the province name a commune.
    let mut theirs = decision.clone();
    theirs["run_by_unit_id"] = commune_a["id"].clone();
    app.send_as(&admin_b, TestRequest::post().uri("/api/v1/decisions").set_json(&theirs))
        .await
        .problem(403, "forbidden");
    app.send_as(&approver, TestRequest::post().uri("/api/v1/decisions").set_json(&theirs))
        .await
        .problem(403, "forbidden");
    // Another commune's nomination answers as an unknown id would: its existence is not said.
    let refused = app
        .send_as(&admin_b, TestRequest::post().uri("/api/v1/decisions").set_json(&decision))
        .await
        .problem(422, "validation_failed");
    assert_eq!(refused["errors"][0]["code"], "not_found", "{refused}");
    let mut unknown = decision.clone();
    unknown["nomination_ids"] = json!([uuid::Uuid::now_v7()]);
    let unknown = app
        .send_as(&admin_b, TestRequest::post().uri("/api/v1/decisions").set_json(&unknown))
        .await
        .problem(422, "validation_failed");
    assert_eq!(unknown["errors"][0]["message"], refused["errors"][0]["message"]);
    // From its own fund only.
    let mut charged = decision.clone();
    charged["paying_unit_id"] = commune_b["id"].clone();
    let refused =
        as_a(TestRequest::post().uri("/api/v1/decisions").set_json(&charged)).await.problem(422, "validation_failed");
    assert_eq!(
        (refused["errors"][0]["field"].as_str(), refused["errors"][0]["code"].as_str()),
        (Some("paying_unit_id"), Some("outside_level"))
    );
    // The commune decides it.
    let res = as_a(TestRequest::post().uri("/api/v1/decisions").set_json(&decision)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let issued = res.json();
    assert_eq!(issued["run_by_unit_id"], commune_a["id"]);
    assert_eq!(issued["award_ids"].as_array().unwrap().len(), 1);
    // Listed by level: the commune's decisions, not the province's; both at once is a mistake.
    let year = chrono::Datelike::year(&thidua::domain::units::today_in_vietnam());
    let ours = app.get(&format!("/api/v1/decisions?run_by_unit_id={}&year={year}", id(&commune_a))).await.json();
    assert_eq!(ours["items"], json!([issued]), "{ours}");
    let units = app.send_as(&officer_a, TestRequest::get().uri("/api/v1/decisions?province_level=false")).await.json();
    assert_eq!(units["items"][0]["id"], issued["id"]);
    let province = app.get("/api/v1/decisions?province_level=true").await.json();
    assert!(province["items"].as_array().unwrap().iter().all(|d| d["run_by_unit_id"].is_null()), "{province}");
    assert!(app.get(&format!("/api/v1/decisions?year={}", year - 1)).await.json()["items"]
        .as_array()
        .unwrap()
        .is_empty());
    app.get(&format!("/api/v1/decisions?run_by_unit_id={}&province_level=true", id(&commune_a)))
        .await
        .problem(400, "invalid_query");
    assert_eq!(app.get(&path).await.json()["status"], "decided");

    // A province title: the commune's admin sees its unit's nomination but takes no board step.
    let (_, provincial_path) = submitted(&app, &officer_a, &commune_a, "BANG_KHEN_TINH_CA_NHAN", "Hoàng Văn Tài").await;
    as_a(TestRequest::post().uri(&format!("{provincial_path}/appraise")).set_json(json!({})))
        .await
        .problem(403, "forbidden");
    assert_eq!(app.post(&format!("{provincial_path}/appraise"), &json!({})).await.status, StatusCode::OK);

    // The rules say who grants: a version read back carries its levels with their labels.
    let types = app.get("/api/v1/award-types").await.json();
    let ldtt = types.as_array().unwrap().iter().find(|t| t["code"] == "LDTT").unwrap();
    assert_eq!(ldtt["versions"][0]["granting_levels"], json!(["commune", "department"]));
    assert_eq!(ldtt["versions"][0]["granting_levels_label"], json!(["Cấp xã", "Sở, ban, ngành"]));
    let cstd_tq = types.as_array().unwrap().iter().find(|t| t["code"] == "CSTD_TOAN_QUOC").unwrap();
    assert_eq!(cstd_tq["versions"][0]["granting_levels"], json!(["central"]));
    // Titles the council votes on are posted before it meets (Decree 98/2023 Art 46.2).
    assert_eq!(cstd_tq["versions"][0]["posting_stage"], "before_council");
    assert_eq!(ldtt["versions"][0]["posting_stage"], "before_decision", "no council vote: posted before the decision");
}

async fn a_units_round_and_council_stay_within_it(app: TestApp) {
    let mut conn = app.connection();
    thidua::seed::seed_reference(&mut conn).unwrap();
    let (commune_a, commune_b, admin_a, officer_a, admin_b) = two_communes(&app).await;
    let (_, officer_b) = app.user("officer.b", &["unit_officer"], Some(&commune_b["id"])).await;
    let as_a = |req: TestRequest| app.send_as(&admin_a, req);
    let types = app.get("/api/v1/award-types").await.json();
    let type_id = |code: &str| types.as_array().unwrap().iter().find(|t| t["code"] == code).unwrap()["id"].clone();
    let year = chrono::Datelike::year(&thidua::domain::units::today_in_vietnam());
    let round = |codes: &[&str]| {
        json!({"title": "Bình xét cuối năm của xã", "year": year, "deadline": day(30),
               "award_types": codes.iter().map(|c| json!({"award_type_id": type_id(c)})).collect::<Vec<_>>()})
    };

    // A commune's round takes what its chairman grants, and runs at its own level only.
    let refused = as_a(TestRequest::post().uri("/api/v1/rounds").set_json(round(&["LDTT", "BANG_KHEN_TINH_CA_NHAN"])))
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        (refused["errors"][0]["field"].as_str(), refused["errors"][0]["code"].as_str()),
        (Some("award_types[1].award_type_id"), Some("authority_mismatch"))
    );
    let mut theirs = round(&["LDTT"]);
    theirs["run_by_unit_id"] = commune_b["id"].clone();
    as_a(TestRequest::post().uri("/api/v1/rounds").set_json(&theirs)).await.problem(403, "forbidden");
    app.send_as(&officer_a, TestRequest::post().uri("/api/v1/rounds").set_json(round(&["LDTT"])))
        .await
        .problem(403, "forbidden");
    let created = as_a(TestRequest::post().uri("/api/v1/rounds").set_json(round(&["LDTT", "GIAY_KHEN_CA_NHAN"]))).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let own_round = created.json();
    assert_eq!(own_round["run_by_unit_id"], commune_a["id"]);
    // Its own unit's dossier only.
    let dossiers = format!("/api/v1/rounds/{}/dossiers", id(&own_round));
    let res =
        app.send_as(&officer_b, TestRequest::post().uri(&dossiers).set_json(json!({"unit_id": commune_b["id"]}))).await;
    assert_eq!(res.problem(422, "validation_failed")["errors"][0]["code"], "outside_level");
    let res =
        app.send_as(&officer_a, TestRequest::post().uri(&dossiers).set_json(json!({"unit_id": commune_a["id"]}))).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let dossier = res.json();
    // The other commune's admin cannot appraise it; a province round is not the commune's either.
    let appraisal = json!({"lines": [{"nomination_id": uuid::Uuid::now_v7(), "action": "accept"}]});
    app.send_as(
        &admin_b,
        TestRequest::post().uri(&format!("/api/v1/dossiers/{}/appraisal", id(&dossier))).set_json(&appraisal),
    )
    .await
    .problem(404, "not_found");
    let provincial = app.create("rounds", round(&["BANG_KHEN_TINH_CA_NHAN", "LDTT"])).await;
    assert!(provincial["run_by_unit_id"].is_null());
    // Each level's rounds, listed apart.
    for (query, expected) in [
        (format!("run_by_unit_id={}", id(&commune_a)), json!([own_round])),
        ("province_level=true".to_string(), json!([provincial])),
        (format!("run_by_unit_id={}", id(&commune_b)), json!([])),
    ] {
        assert_eq!(app.get(&format!("/api/v1/rounds?{query}")).await.json()["items"], expected, "{query}");
    }
    let res = app
        .send_as(
            &officer_a,
            TestRequest::post()
                .uri(&format!("/api/v1/rounds/{}/dossiers", id(&provincial)))
                .set_json(json!({"unit_id": commune_a["id"]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let provincial_dossier = format!("/api/v1/dossiers/{}", id(&res.json()));
    as_a(TestRequest::post().uri(&format!("{provincial_dossier}/appraisal")).set_json(&appraisal))
        .await
        .problem(403, "forbidden");
    // Nor one line of it by the nomination's own path, though its commune grants the title: the
    // province's round is the province's work.
    let person = app.create("people", json!({"full_name": "Lục Văn Đông", "unit_id": commune_a["id"]})).await;
    let lines = json!({"lines": [{"award_type_id": type_id("LDTT"), "person_id": person["id"]}]});
    let res =
        app.send_as(&officer_a, TestRequest::post().uri(&format!("{provincial_dossier}/lines")).set_json(&lines)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let line = res.json()["items"][0]["nomination"].clone();
    let line_path = format!("/api/v1/nominations/{}", id(&line));
    // A year's round commends the year's work: its line stays regular, whatever a PUT says.
    let mut replaced =
        json!({"award_type_id": type_id("LDTT"), "person_id": person["id"], "unit_id": commune_a["id"], "year": year});
    let kept = app.put_current(&officer_a, &line_path, &replaced).await;
    assert_eq!(kept.status, StatusCode::OK, "{}", kept.text());
    assert_eq!(kept.json()["commendation_type"], "regular");
    replaced["commendation_type"] = json!("thematic");
    let refused = app.put_current(&officer_a, &line_path, &replaced).await.problem(422, "validation_failed");
    assert_eq!(refused["errors"][0]["field"], "commendation_type");
    for action in ["appraise", "approve", "return"] {
        as_a(TestRequest::post().uri(&format!("{line_path}/{action}")).set_json(json!({"reason": "Thiếu hồ sơ"})))
            .await
            .problem(403, "forbidden");
    }

    // Its own council, of its own members; not another commune's.
    let mut members = Vec::new();
    for name in ["hd.chu.tich", "hd.uy.vien.1", "hd.uy.vien.2"] {
        let res = as_a(TestRequest::post().uri("/api/v1/users").set_json(json!({
            "username": name, "full_name": format!("Thành viên {name}"), "roles": ["council_member"], "password": PASSWORD,
        })))
        .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        members.push(json!({"user_id": res.json()["id"], "role": if members.is_empty() { "chair" } else { "member" }}));
    }
    let today = thidua::domain::units::today_in_vietnam();
    let council = |unit: &Value| json!({"unit_id": unit["id"], "name": "Hội đồng Thi đua – Khen thưởng xã", "term_start": today.to_string(), "term_end": (today + TimeDelta::days(700)).to_string(), "members": members});
    as_a(TestRequest::post().uri("/api/v1/councils").set_json(council(&commune_b))).await.problem(403, "forbidden");
    // Its seats go to its own people: another commune's council member answers as an unknown id.
    let (outsider, _) = app.user("hd.xa.khac", &["council_member"], Some(&commune_b["id"])).await;
    let mut with_outsider = council(&commune_a);
    with_outsider["members"].as_array_mut().unwrap().push(json!({"user_id": outsider["id"], "role": "member"}));
    let refused = as_a(TestRequest::post().uri("/api/v1/councils").set_json(&with_outsider))
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        (refused["errors"][0]["field"].as_str(), refused["errors"][0]["code"].as_str()),
        (Some("members[3].user_id"), Some("not_found")),
        "{refused}"
    );
    let res = as_a(TestRequest::post().uri("/api/v1/councils").set_json(council(&commune_a))).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let own_council = res.json();
    // A session of it weighs its own unit's nominations only, and the other commune cannot open one.
    let (worker, path) = submitted(&app, &officer_b, &commune_b, "LDTT", "Ma Văn Khoa").await;
    let res = app.send_as(&admin_b, TestRequest::post().uri(&format!("{path}/appraise")).set_json(json!({}))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let deadline = (chrono::Utc::now() + TimeDelta::hours(24)).to_rfc3339();
    let session = json!({"title": "Phiên họp cuối năm", "council_id": own_council["id"], "voting_deadline": deadline, "nomination_ids": [worker["id"]]});
    let refused = as_a(TestRequest::post().uri("/api/v1/council-sessions").set_json(&session))
        .await
        .problem(422, "validation_failed");
    assert_eq!(refused["errors"][0]["code"], "not_found", "another unit's nomination is not said to exist: {refused}");
    app.send_as(&admin_b, TestRequest::post().uri("/api/v1/council-sessions").set_json(&session))
        .await
        .problem(403, "forbidden");
    // Nor does it weigh an award its level does not grant, even its own unit's.
    let (provincial, provincial_path) =
        submitted(&app, &officer_a, &commune_a, "BANG_KHEN_TINH_CA_NHAN", "Vi Thị Hạnh").await;
    assert_eq!(app.post(&format!("{provincial_path}/appraise"), &json!({})).await.status, StatusCode::OK);
    let mut ours = session.clone();
    ours["nomination_ids"] = json!([provincial["id"]]);
    let refused = as_a(TestRequest::post().uri("/api/v1/council-sessions").set_json(&ours))
        .await
        .problem(422, "validation_failed");
    assert_eq!(refused["errors"][0]["code"], "authority_mismatch", "{refused}");
    // Another unit's nomination and an unknown id get the very same answer.
    let mut unknown = session.clone();
    unknown["nomination_ids"] = json!([uuid::Uuid::now_v7()]);
    let unknown = as_a(TestRequest::post().uri("/api/v1/council-sessions").set_json(&unknown))
        .await
        .problem(422, "validation_failed");
    let mut hidden = session.clone();
    hidden["nomination_ids"] = json!([worker["id"]]);
    let hidden = as_a(TestRequest::post().uri("/api/v1/council-sessions").set_json(&hidden))
        .await
        .problem(422, "validation_failed");
    assert_eq!(unknown["errors"], hidden["errors"]);

    // The province round's line is the province's: not on the commune's council, not in the
    // commune's own decision — the board records the commune chairman's decision on it.
    let mut on_line = session.clone();
    on_line["nomination_ids"] = json!([line["id"]]);
    let refused = as_a(TestRequest::post().uri("/api/v1/council-sessions").set_json(&on_line))
        .await
        .problem(422, "validation_failed");
    assert_eq!(refused["errors"][0]["code"], "outside_level", "{refused}");
    let yesterday: chrono::NaiveDate = day(-1).parse().unwrap();
    diesel::update(nominations::table.find(id(&line)))
        .set((nominations::status.eq("posted"), nominations::posting_until.eq(Some(yesterday))))
        .execute(&mut conn)
        .unwrap();
    let decision = json!({"number": "20/QĐ-UBND", "decided_on": day(0), "signer": "Chủ tịch UBND xã", "authority": "UBND xã", "nomination_ids": [line["id"]]});
    let refused =
        as_a(TestRequest::post().uri("/api/v1/decisions").set_json(&decision)).await.problem(422, "validation_failed");
    assert_eq!(refused["errors"][0]["code"], "outside_level", "{refused}");
    let mut recorded = decision.clone();
    recorded["run_by_unit_id"] = commune_a["id"].clone();
    let res = app.post("/api/v1/decisions", &recorded).await;
    assert_eq!(res.status, StatusCode::CREATED, "the board records it: {}", res.text());
}
