//! Council votes: secret ballots, once each, only by members, results only at close, decided
//! against the threshold of the whole council.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use diesel::prelude::*;
use serde_json::{json, Value};
use thidua::db::schema::{ballot_tallies, ballots_cast};

use crate::helpers::TestApp;

on_both_backends!(secret_ballots_decide_at_close);

const PDF: &[u8] = b"%PDF-1.7\n%%EOF\n";

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

/// An appraised nomination for a provincial certificate of merit, whose rules (from today)
/// need 60% of the whole council.
async fn appraised(app: &TestApp, type_id: &Value, person: &Value, unit: &Value) -> Value {
    let year = chrono::Datelike::year(&thidua::domain::units::today_in_vietnam());
    let nomination = app.create("nominations", json!({"award_type_id": type_id, "person_id": person["id"], "unit_id": unit, "year": year})).await;
    for kind in ["to_trinh", "bao_cao_thanh_tich", "bien_ban_binh_xet"] {
        let req = TestRequest::post()
            .uri(&format!("/api/v1/nominations/{}/documents?kind={kind}", id(&nomination)))
            .insert_header(("content-type", "application/pdf"))
            .set_payload(PDF.to_vec());
        assert_eq!(app.send(req).await.status, StatusCode::CREATED);
    }
    for action in ["submit", "appraise"] {
        let res = app.post(&format!("/api/v1/nominations/{}/{action}", id(&nomination)), &json!({})).await;
        assert_eq!(res.status, StatusCode::OK, "{action}: {}", res.text());
    }
    nomination
}

async fn secret_ballots_decide_at_close(app: TestApp) {
    let mut conn = app.connection();
    thidua::seed::seed_reference(&mut conn).unwrap();
    let (commune, _) = crate::auth::commune_and_department(&app).await;
    let types = app.get("/api/v1/award-types").await.json();
    let type_id = types.as_array().unwrap().iter().find(|t| t["code"] == "BANG_KHEN_TINH_CA_NHAN").unwrap()["id"].clone();
    let rules = json!({"effective_from": thidua::domain::units::today_in_vietnam().to_string(), "rules": {
        "granting_authority": "Chủ tịch UBND tỉnh", "legal_basis": "Luật Thi đua, khen thưởng số 06/2022/QH15",
        "council_vote_required": true, "approval_threshold_percent": "60", "quorum_percent": "50",
    }});
    assert_eq!(app.post(&format!("/api/v1/award-types/{}/versions", type_id.as_str().unwrap()), &rules).await.status, StatusCode::CREATED);
    let person = app.create("people", json!({"full_name": "Ma Văn Sơn", "unit_id": commune["id"]})).await;
    let other_person = app.create("people", json!({"full_name": "Hà Thị Nguyệt", "unit_id": commune["id"]})).await;
    let first = appraised(&app, &type_id, &person, &commune["id"]).await;
    let second = appraised(&app, &type_id, &other_person, &commune["id"]).await;
    // The same person for the same award and year twice: the second submission is refused.
    let year = chrono::Datelike::year(&thidua::domain::units::today_in_vietnam());
    let twice = app.create("nominations", json!({"award_type_id": type_id, "person_id": person["id"], "unit_id": commune["id"], "year": year})).await;
    let refused = app.post(&format!("/api/v1/nominations/{}/submit", id(&twice)), &json!({})).await.problem(422, "not_eligible");
    assert!(refused["errors"].as_array().unwrap().iter().any(|e| e["code"] == "duplicate_nomination"), "{refused}");

    let mut members = Vec::new();
    for name in ["hd.mot", "hd.hai", "hd.ba"] {
        members.push(app.user(name, &["council_member"], None).await);
    }
    let (_, outsider) = app.user("hd.ngoai", &["council_member"], None).await;
    let member_ids: Vec<Value> = members.iter().map(|(u, _)| u["id"].clone()).collect();

    let draft = app.create("nominations", json!({"award_type_id": type_id, "person_id": person["id"], "unit_id": commune["id"], "year": 2026})).await;
    let body = app.post("/api/v1/council-sessions", &json!({"title": "Phiên họp quý IV", "member_ids": member_ids, "nomination_ids": [first["id"], draft["id"]]})).await.problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["code"], "not_appraised");
    let session = app.create("council-sessions", json!({"title": "Phiên họp quý IV", "member_ids": member_ids, "nomination_ids": [first["id"], second["id"]]})).await;
    let path = format!("/api/v1/council-sessions/{}", id(&session));

    let vote = |token: &String, nomination: &Value, approve: bool| {
        let req = TestRequest::post().uri(&format!("{path}/ballots")).set_json(json!({"nomination_id": nomination["id"], "approve": approve}));
        let (app, token) = (&app, token.clone());
        async move { app.send_as(&token, req).await }
    };
    let (t1, t2, t3) = (&members[0].1, &members[1].1, &members[2].1);
    for (token, approve) in [(t1, true), (t2, true), (t3, false)] {
        assert_eq!(vote(token, &first, approve).await.status, StatusCode::NO_CONTENT);
    }
    for token in [t1, t2] {
        assert_eq!(vote(token, &second, false).await.status, StatusCode::NO_CONTENT);
    }
    vote(t1, &first, false).await.problem(409, "already_voted");
    vote(&outsider, &first, true).await.problem(404, "not_found");
    vote(&app.admin_token, &first, true).await.problem(404, "not_found");
    let (_, officer) = app.user("officer.a", &["unit_officer"], Some(&commune["id"])).await;
    vote(&officer, &first, true).await.problem(403, "forbidden");

    // Council members see the nominations before their sessions, and no others.
    let elsewhere = app.create("nominations", json!({"award_type_id": type_id, "person_id": person["id"], "unit_id": commune["id"], "year": 2026})).await;
    assert_eq!(app.send_as(t1, TestRequest::get().uri(&format!("/api/v1/nominations/{}", id(&first)))).await.status, StatusCode::OK);
    app.send_as(t1, TestRequest::get().uri(&format!("/api/v1/nominations/{}", id(&elsewhere)))).await.problem(404, "not_found");
    app.send_as(&outsider, TestRequest::get().uri(&format!("/api/v1/nominations/{}", id(&first)))).await.problem(404, "not_found");
    let listed = app.send_as(t1, TestRequest::get().uri("/api/v1/nominations?limit=100")).await.json();
    let mut seen: Vec<String> = listed["items"].as_array().unwrap().iter().map(id).collect();
    seen.sort();
    let mut agenda = vec![id(&first), id(&second)];
    agenda.sort();
    assert_eq!(seen, agenda);

    // While open: turnout, never the tally; non-members do not see the session at all.
    let open = app.send_as(t3, TestRequest::get().uri(&path)).await.json();
    let items = open["items"].as_array().unwrap();
    assert!(items.iter().all(|i| i["result"].is_null()), "{open}");
    let item = |doc: &Value, n: &Value| doc["items"].as_array().unwrap().iter().find(|i| i["nomination_id"] == n["id"]).unwrap().clone();
    assert_eq!((item(&open, &first)["votes_cast"].as_i64(), item(&open, &first)["you_voted"].as_bool()), (Some(3), Some(true)));
    assert_eq!(item(&open, &second)["you_voted"], false);
    app.send_as(&outsider, TestRequest::get().uri(&path)).await.problem(404, "not_found");

    // Nothing stored links a member to a choice: these are the only ballot tables, and loading
    // them whole shows their columns — who voted (no choice), and counts (no member).
    let cast: Vec<(String, String, String)> = ballots_cast::table.load(&mut conn).unwrap();
    assert_eq!(cast.len(), 5);
    assert!(cast.iter().all(|(_, _, user)| members.iter().any(|(u, _)| u["id"] == json!(user))));
    let tallies: Vec<(String, String, i32, i32)> = ballot_tallies::table.order(ballot_tallies::nomination_id).load(&mut conn).unwrap();
    let first_tally = tallies.iter().find(|t| t.1 == id(&first)).unwrap();
    assert_eq!((first_tally.2, first_tally.3), (2, 1));

    // Closing reveals the tallies and decides: 2 of 3 members is 66.7% ≥ 60%; 0 of 3 is not.
    app.send_as(t1, TestRequest::post().uri(&format!("{path}/close"))).await.problem(403, "forbidden");
    let closed = app.send(TestRequest::post().uri(&format!("{path}/close"))).await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.text());
    let closed = closed.json();
    assert_eq!(item(&closed, &first)["result"], json!({"yes": 2, "no": 1}));
    assert_eq!(item(&closed, &second)["result"], json!({"yes": 0, "no": 2}));
    let first_now = app.get(&format!("/api/v1/nominations/{}", id(&first))).await.json();
    assert_eq!(first_now["status"], "approved");
    assert!(first_now["history"].as_array().unwrap().last().unwrap()["reason"].as_str().unwrap().contains("2 đồng ý"));
    assert_eq!(app.get(&format!("/api/v1/nominations/{}", id(&second))).await.json()["status"], "rejected");
    vote(t3, &second, true).await.problem(409, "session_closed");
    // The board cannot take a nomination away from an open session by rejecting it.
    let fourth = appraised(&app, &type_id, &app.create("people", json!({"full_name": "Bế Văn Quý", "unit_id": commune["id"]})).await, &commune["id"]).await;
    app.create("council-sessions", json!({"title": "Phiên bổ sung", "member_ids": member_ids, "nomination_ids": [fourth["id"]]})).await;
    app.post(&format!("/api/v1/nominations/{}/reject", id(&fourth)), &json!({"reason": "thử"})).await.problem(409, "before_council");
    let small = app.post("/api/v1/council-sessions", &json!({"title": "Hai người", "member_ids": &member_ids[..2], "nomination_ids": [fourth["id"]]})).await.problem(422, "validation_failed");
    assert!(small["errors"].as_array().unwrap().iter().any(|e| e["code"] == "too_few"), "{small}");
    app.send(TestRequest::post().uri(&format!("{path}/close"))).await.problem(409, "session_closed");
}
