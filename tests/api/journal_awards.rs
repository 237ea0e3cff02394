//! The journal of the award process: a nomination's life, its decision and award in the audit
//! trail (who, before, after), its events only in its own unit's feed, and ballots journaled
//! without their choice.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use chrono::TimeDelta;
use diesel::prelude::*;
use serde_json::{json, Value};
use thidua::db::schema::nominations;

use crate::helpers::TestApp;

on_both_backends!(a_nominations_life_is_audited_and_fed_to_its_unit, ballots_are_journaled_without_their_choice);

const PDF: &[u8] = b"%PDF-1.7\n%%EOF\n";

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

fn day(offset: i64) -> String {
    (thidua::domain::units::today_in_vietnam() + TimeDelta::days(offset)).to_string()
}

fn type_id(types: &Value, code: &str) -> Value {
    types.as_array().unwrap().iter().find(|t| t["code"] == code).unwrap()["id"].clone()
}

/// Every audit entry matching `query`, oldest first.
async fn audit(app: &TestApp, query: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page_cursor = cursor.as_deref().map(|c| format!("&cursor={c}")).unwrap_or_default();
        let res = app.get(&format!("/api/v1/audit-entries?limit=100{query}{page_cursor}")).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        let page = res.json();
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    items.reverse();
    items
}

/// Every feed event `token` may read, oldest first.
async fn feed(app: &TestApp, token: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut after = "0".to_string();
    loop {
        let res = app.send_as(token, TestRequest::get().uri(&format!("/api/v1/events?limit=100&after={after}"))).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        let page = res.json();
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        after = page["next"].as_str().unwrap().to_string();
        if !page["has_more"].as_bool().unwrap() {
            break;
        }
    }
    items
}

fn actions(entries: &[Value]) -> Vec<&str> {
    entries.iter().map(|e| e["action"].as_str().unwrap()).collect()
}

fn about<'a>(events: &'a [Value], record_id: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["record"]["id"] == record_id).collect()
}

async fn a_nominations_life_is_audited_and_fed_to_its_unit(app: TestApp) {
    let mut conn = app.connection();
    thidua::seed::seed_reference(&mut conn).unwrap();
    let (commune, _) = crate::auth::commune_and_department(&app).await;
    let district = app.get("/api/v1/districts/by-code/999").await.json();
    let other = app
        .create("communes", json!({"code": "99998", "name": "Xã Bên Kia", "type": "xa", "parent_id": district["id"]}))
        .await;
    let (officer_user, officer) = app.user("officer.a", &["unit_officer"], Some(&commune["id"])).await;
    let (_, officer_b) = app.user("officer.b", &["unit_officer"], Some(&other["id"])).await;
    let (board_user, board) = app.user("board.a", &["admin"], None).await;
    let (approver_user, approver) = app.user("approver.a", &["approver"], None).await;
    let types = app.get("/api/v1/award-types").await.json();

    let res = app
        .send_as(
            &officer,
            TestRequest::post()
                .uri("/api/v1/people")
                .set_json(json!({"full_name": "Lục Thị Hằng", "unit_id": commune["id"]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let person = res.json();
    let year = chrono::Datelike::year(&thidua::domain::units::today_in_vietnam());
    let body = json!({"award_type_id": type_id(&types, "BANG_KHEN_TINH_CA_NHAN"), "person_id": person["id"], "unit_id": commune["id"], "year": year});
    let res = app.send_as(&officer, TestRequest::post().uri("/api/v1/nominations").set_json(&body)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let nomination = res.json();
    let path = format!("/api/v1/nominations/{}", id(&nomination));
    let act = |token: &String, action: &str, body: Value| {
        let (app, req) = (&app, TestRequest::post().uri(&format!("{path}/{action}")).set_json(body));
        let token = token.clone();
        async move { app.send_as(&token, req).await }
    };
    // Refused (no dossier yet): rolled back, so nothing is journaled for it.
    act(&officer, "submit", json!({})).await.problem(422, "not_eligible");
    for kind in ["to_trinh", "bao_cao_thanh_tich", "bien_ban_binh_xet"] {
        let req = TestRequest::post()
            .uri(&format!("{path}/documents?kind={kind}&filename={kind}.pdf"))
            .insert_header(("content-type", "application/pdf"))
            .set_payload(PDF.to_vec());
        assert_eq!(app.send_as(&officer, req).await.status, StatusCode::CREATED);
    }
    assert_eq!(act(&officer, "submit", json!({})).await.status, StatusCode::OK);
    assert_eq!(act(&board, "appraise", json!({})).await.status, StatusCode::OK);
    assert_eq!(act(&board, "approve", json!({})).await.status, StatusCode::OK);

    let trail = audit(&app, &format!("&record_kind=nomination&record_id={}", id(&nomination))).await;
    assert_eq!(
        actions(&trail),
        [
            "nomination.created",
            "nomination.document_added",
            "nomination.document_added",
            "nomination.document_added",
            "nomination.submitted",
            "nomination.appraised",
            "nomination.approved"
        ]
    );
    assert!(trail.iter().all(|e| e["unit_id"] == commune["id"] && e["actor_kind"] == "user"), "{trail:?}");
    let (created, added, submitted, appraised, approved) = (&trail[0], &trail[1], &trail[4], &trail[5], &trail[6]);
    for (entry, actor) in [
        (created, &officer_user),
        (added, &officer_user),
        (submitted, &officer_user),
        (appraised, &board_user),
        (approved, &board_user),
    ] {
        assert_eq!(entry["actor_id"], actor["id"], "{entry}");
        assert!(entry["request_id"].is_string(), "{entry}");
    }
    assert!(created["before"].is_null());
    assert_eq!(created["after"]["status"], "draft");
    assert!(added["before"].is_null());
    assert_eq!(added["after"]["filename"], "to_trinh.pdf");
    assert_eq!(
        (submitted["before"]["status"].as_str(), submitted["after"]["status"].as_str()),
        (Some("draft"), Some("submitted"))
    );
    assert_eq!(submitted["before"]["documents"].as_array().unwrap().len(), 3);
    assert_eq!(
        (approved["before"]["status"].as_str(), approved["after"]["status"].as_str()),
        (Some("appraised"), Some("approved"))
    );
    assert_eq!(approved["after"], app.get(&path).await.json(), "the snapshot is what the API shows");
    let people = audit(&app, &format!("&record_kind=person&record_id={}", id(&person))).await;
    assert_eq!((actions(&people), &people[0]["after"]["full_name"]), (vec!["person.created"], &json!("Lục Thị Hằng")));

    // Posting, a comment from the public, the decision, the award, and its revocation.
    assert_eq!(
        app.send_as(&board, TestRequest::post().uri(&format!("{path}/post")).set_json(json!({"until": day(30)})))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let comments = format!("/api/v1/public/postings/{}/comments", id(&nomination));
    let res = app
        .send_anonymous(TestRequest::post().uri(&comments).set_json(json!({"content": "Đồng ý khen thưởng."})))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let comment = audit(&app, &format!("&record_kind=posting_comment&record_id={}", id(&res.json()))).await;
    assert_eq!(
        (comment[0]["action"].as_str(), comment[0]["actor_kind"].as_str()),
        (Some("posting_comment.created"), Some("anonymous"))
    );
    assert!(comment[0]["actor_id"].is_null());
    assert_eq!(comment[0]["after"]["content"], "Đồng ý khen thưởng.");
    // The board reviews it before the decision.
    let review = TestRequest::post()
        .uri(&format!("/api/v1/posting-comments/{}/review", id(&comment[0]["after"])))
        .set_json(json!({"note": "Ý kiến ủng hộ"}));
    assert_eq!(app.send_as(&board, review).await.status, StatusCode::OK);
    let yesterday: chrono::NaiveDate = day(-1).parse().unwrap();
    diesel::update(nominations::table.find(id(&nomination)))
        .set(nominations::posting_until.eq(Some(yesterday)))
        .execute(&mut conn)
        .unwrap();
    let decision = json!({"number": "45/QĐ-UBND", "decided_on": day(0), "signer": "Chủ tịch UBND tỉnh", "authority": "UBND tỉnh", "nomination_ids": [nomination["id"]]});
    let res = app.send_as(&approver, TestRequest::post().uri("/api/v1/decisions").set_json(&decision)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let issued = res.json();
    let award_id = issued["award_ids"][0].as_str().unwrap().to_string();
    let res = app
        .send_as(
            &board,
            TestRequest::post()
                .uri(&format!("/api/v1/awards/{award_id}/revoke"))
                .set_json(json!({"reason": "Hồ sơ không trung thực"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());

    let trail = audit(&app, &format!("&record_kind=nomination&record_id={}", id(&nomination))).await;
    assert_eq!(actions(&trail[7..]), ["nomination.posted", "nomination.granted", "nomination.revoked"]);
    let granted = &trail[8];
    assert_eq!(granted["actor_id"], approver_user["id"]);
    assert_eq!(
        (granted["before"]["status"].as_str(), granted["after"]["status"].as_str()),
        (Some("posted"), Some("decided"))
    );
    assert_eq!(trail[9]["after"]["status"], "revoked");
    let decided = audit(&app, &format!("&record_kind=decision&record_id={}", id(&issued))).await;
    assert_eq!((actions(&decided), &decided[0]["after"]), (vec!["decision.created"], &issued));
    let award = audit(&app, &format!("&record_kind=award&record_id={award_id}")).await;
    assert_eq!(actions(&award), ["award.created", "award.revoked"]);
    assert_eq!(
        (award[0]["unit_id"].as_str(), award[0]["after"]["decision_number"].as_str()),
        (commune["id"].as_str(), Some("45/QĐ-UBND"))
    );
    assert_eq!(
        (award[1]["before"]["revoked_at"].is_null(), award[1]["after"]["revoked_reason"].as_str()),
        (true, Some("Hồ sơ không trung thực"))
    );

    // The unit's officer follows its nomination in the feed; another unit's officer sees none
    // of it (though both see the decision, which is the registry's).
    let own = feed(&app, &officer).await;
    let types_seen: Vec<&str> = about(&own, &id(&nomination)).iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types_seen, actions(&trail));
    assert_eq!(about(&own, &id(&nomination))[0]["record"]["href"], json!(path));
    let theirs = feed(&app, &officer_b).await;
    assert!(about(&theirs, &id(&nomination)).is_empty(), "{theirs:?}");
    assert!(about(&theirs, &award_id).is_empty() && about(&theirs, &id(&person)).is_empty(), "{theirs:?}");
    assert!(theirs.iter().all(|e| e["unit_id"].is_null() || e["unit_id"] == other["id"]), "{theirs:?}");
    assert_eq!(about(&theirs, &id(&issued)).len(), 1, "the decision is public");
    // Comments are board business; officers do not read the audit trail.
    assert!(own.iter().chain(theirs.iter()).all(|e| e["record"]["kind"] != "posting_comment"));
    app.send_as(&officer, TestRequest::get().uri("/api/v1/audit-entries")).await.problem(403, "forbidden");
}

async fn ballots_are_journaled_without_their_choice(app: TestApp) {
    let mut conn = app.connection();
    thidua::seed::seed_reference(&mut conn).unwrap();
    let (commune, _) = crate::auth::commune_and_department(&app).await;
    let types = app.get("/api/v1/award-types").await.json();
    let type_id = type_id(&types, "BANG_KHEN_TINH_CA_NHAN");
    let rules = json!({"effective_from": day(0), "rules": {
        "granting_authority": "Chủ tịch UBND tỉnh", "legal_basis": "Luật Thi đua, khen thưởng số 06/2022/QH15",
        "council_vote_required": true, "approval_threshold_percent": "60", "quorum_percent": "50",
    }});
    assert_eq!(
        app.post(&format!("/api/v1/award-types/{}/versions", type_id.as_str().unwrap()), &rules).await.status,
        StatusCode::CREATED
    );
    let versioned = audit(&app, &format!("&record_kind=award_type&record_id={}", type_id.as_str().unwrap())).await;
    assert_eq!(actions(&versioned), ["award_type.version_added"]);
    let count = |v: &Value| v["versions"].as_array().unwrap().len();
    assert_eq!(count(&versioned[0]["before"]) + 1, count(&versioned[0]["after"]));

    let mut nominees = Vec::new();
    for name in ["Ma Văn Sơn", "Hà Thị Nguyệt"] {
        let person = app.create("people", json!({"full_name": name, "unit_id": commune["id"]})).await;
        let year = chrono::Datelike::year(&thidua::domain::units::today_in_vietnam());
        let nomination = app
            .create(
                "nominations",
                json!({"award_type_id": type_id, "person_id": person["id"], "unit_id": commune["id"], "year": year}),
            )
            .await;
        for kind in ["to_trinh", "bao_cao_thanh_tich", "bien_ban_binh_xet"] {
            let req = TestRequest::post()
                .uri(&format!("/api/v1/nominations/{}/documents?kind={kind}", id(&nomination)))
                .insert_header(("content-type", "application/pdf"))
                .set_payload(PDF.to_vec());
            assert_eq!(app.send(req).await.status, StatusCode::CREATED);
        }
        for action in ["submit", "appraise"] {
            assert_eq!(
                app.post(&format!("/api/v1/nominations/{}/{action}", id(&nomination)), &json!({})).await.status,
                StatusCode::OK
            );
        }
        nominees.push(nomination);
    }
    let mut members = Vec::new();
    for name in ["hd.mot", "hd.hai", "hd.ba"] {
        members.push(app.user(name, &["council_member"], None).await);
    }
    let member_ids: Vec<Value> = members.iter().map(|(u, _)| u["id"].clone()).collect();
    let council = crate::council::standing_council(&app, &commune["id"], &member_ids).await;
    let session = app.create("council-sessions", json!({"title": "Phiên họp quý IV", "council_id": council["id"], "voting_deadline": crate::council::deadline(24), "nomination_ids": [nominees[0]["id"], nominees[1]["id"]]})).await;
    let path = format!("/api/v1/council-sessions/{}", id(&session));
    for ((_, token), (first, second)) in members.iter().zip([(true, false), (true, false), (false, false)]) {
        for (nomination, approve) in [(&nominees[0], first), (&nominees[1], second)] {
            let req = TestRequest::post()
                .uri(&format!("{path}/ballots"))
                .set_json(json!({"nomination_id": nomination["id"], "approve": approve}));
            assert_eq!(app.send_as(token, req).await.status, StatusCode::NO_CONTENT);
        }
    }
    // A refused ballot (already cast) leaves no entry.
    let again = TestRequest::post()
        .uri(&format!("{path}/ballots"))
        .set_json(json!({"nomination_id": nominees[0]["id"], "approve": false}));
    app.send_as(&members[0].1, again).await.problem(409, "already_voted");

    let ballots = audit(&app, "&action=council_session.ballot_cast").await;
    assert_eq!(ballots.len(), 6);
    for (entry, (member, _)) in ballots.iter().zip(members.iter().flat_map(|m| [m, m])) {
        assert_eq!((&entry["record_id"], &entry["actor_id"]), (&session["id"], &member["id"]));
        assert!(entry["before"].is_null() && entry["after"].is_null() && entry["unit_id"].is_null(), "{entry}");
    }
    // Nothing in the whole journal says how anyone voted, nor any count, while the session is open.
    for entry in audit(&app, "").await {
        let text = entry.to_string();
        assert!(!text.contains("\"approve\"") && !text.contains("\"yes\"") && !text.contains("\"no\""), "{text}");
    }
    // Ballots are never in the feed, not even the board's.
    assert!(feed(&app, &app.admin_token).await.iter().all(|e| e["type"] != "council_session.ballot_cast"));

    // At close the results are public: the session before and after, and each nomination decided.
    assert_eq!(app.act(&format!("{path}/close")).await.status, StatusCode::OK);
    let closed =
        audit(&app, &format!("&record_kind=council_session&record_id={}&action=council_session.closed", id(&session)))
            .await;
    assert_eq!(closed.len(), 1);
    let result = |doc: &Value, n: &Value| {
        doc["items"].as_array().unwrap().iter().find(|i| i["nomination_id"] == n["id"]).unwrap()["result"].clone()
    };
    assert_eq!(
        (result(&closed[0]["before"], &nominees[0]), result(&closed[0]["after"], &nominees[0])),
        (Value::Null, json!({"yes": 2, "no": 1}))
    );
    for (nomination, action) in [(&nominees[0], "nomination.approved"), (&nominees[1], "nomination.rejected")] {
        let trail = audit(&app, &format!("&record_kind=nomination&record_id={}", id(nomination))).await;
        let last = trail.last().unwrap();
        assert_eq!((last["action"].as_str(), last["before"]["status"].as_str()), (Some(action), Some("appraised")));
    }
}
