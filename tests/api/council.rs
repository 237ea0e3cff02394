//! Council votes: secret ballots, once each, only by members, results only at close, decided
//! against the threshold of the whole council.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use diesel::prelude::*;
use serde_json::{json, Value};
use thidua::db::schema::{ballot_box, ballot_tallies, ballots_cast, council_sessions};

use crate::helpers::TestApp;

on_both_backends!(
    secret_ballots_decide_at_close,
    councils_are_standing_and_published,
    a_member_with_a_unit_reads_their_agenda_or_their_unit,
    posting_before_the_council_then_the_vote_and_its_minutes
);

const PDF: &[u8] = b"%PDF-1.7\n%%EOF\n";

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

/// An appraised nomination for a provincial certificate of merit, whose rules (from today)
/// need 60% of the whole council.
async fn appraised(app: &TestApp, type_id: &Value, person: &Value, unit: &Value) -> Value {
    let year = chrono::Datelike::year(&thidua::domain::units::today_in_vietnam());
    let nomination = app
        .create(
            "nominations",
            json!({"award_type_id": type_id, "person_id": person["id"], "unit_id": unit, "year": year}),
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
        let res = app.post(&format!("/api/v1/nominations/{}/{action}", id(&nomination)), &json!({})).await;
        assert_eq!(res.status, StatusCode::OK, "{action}: {}", res.text());
    }
    nomination
}

/// A standing council of `unit` in force today, with these members (the first one chairs).
pub async fn standing_council(app: &TestApp, unit: &Value, member_ids: &[Value]) -> Value {
    let today = thidua::domain::units::today_in_vietnam();
    let members: Vec<Value> = member_ids
        .iter()
        .enumerate()
        .map(|(i, m)| json!({"user_id": m, "role": if i == 0 { "chair" } else { "member" }}))
        .collect();
    app.create("councils", json!({
        "unit_id": unit, "name": "Hội đồng Thi đua – Khen thưởng", "established_by": "45/QĐ-UBND",
        "term_start": (today - chrono::TimeDelta::days(30)).to_string(), "term_end": (today + chrono::TimeDelta::days(365)).to_string(),
        "members": members,
    }))
    .await
}

/// A voting deadline `hours` from now, as the API takes it.
pub fn deadline(hours: i64) -> String {
    (chrono::Utc::now() + chrono::TimeDelta::hours(hours)).to_rfc3339()
}

/// Moves a session's deadline into the past, as if the time had come.
fn let_deadline_pass(app: &TestApp, session_id: &str) {
    let past = thidua::db::now() - chrono::TimeDelta::minutes(1);
    diesel::update(council_sessions::table.find(session_id))
        .set(council_sessions::voting_deadline.eq(past))
        .execute(&mut app.connection())
        .unwrap();
}

async fn secret_ballots_decide_at_close(app: TestApp) {
    let mut conn = app.connection();
    thidua::seed::seed_reference(&mut conn).unwrap();
    let (commune, _) = crate::auth::commune_and_department(&app).await;
    let types = app.get("/api/v1/award-types").await.json();
    let type_id =
        types.as_array().unwrap().iter().find(|t| t["code"] == "BANG_KHEN_TINH_CA_NHAN").unwrap()["id"].clone();
    let rules = json!({"effective_from": thidua::domain::units::today_in_vietnam().to_string(), "rules": {
        "granting_authority": "Chủ tịch UBND tỉnh", "legal_basis": "Luật Thi đua, khen thưởng số 06/2022/QH15",
        "council_vote_required": true, "approval_threshold_percent": "60", "quorum_percent": "50",
    }});
    assert_eq!(
        app.post(&format!("/api/v1/award-types/{}/versions", type_id.as_str().unwrap()), &rules).await.status,
        StatusCode::CREATED
    );
    let person = app.create("people", json!({"full_name": "Ma Văn Sơn", "unit_id": commune["id"]})).await;
    let other_person = app.create("people", json!({"full_name": "Hà Thị Nguyệt", "unit_id": commune["id"]})).await;
    let first = appraised(&app, &type_id, &person, &commune["id"]).await;
    let second = appraised(&app, &type_id, &other_person, &commune["id"]).await;
    // The same person for the same award and year twice: the second submission is refused.
    let year = chrono::Datelike::year(&thidua::domain::units::today_in_vietnam());
    let twice = app
        .create(
            "nominations",
            json!({"award_type_id": type_id, "person_id": person["id"], "unit_id": commune["id"], "year": year}),
        )
        .await;
    let refused =
        app.post(&format!("/api/v1/nominations/{}/submit", id(&twice)), &json!({})).await.problem(422, "not_eligible");
    assert!(refused["errors"].as_array().unwrap().iter().any(|e| e["code"] == "duplicate_nomination"), "{refused}");

    let mut members = Vec::new();
    for name in ["hd.mot", "hd.hai", "hd.ba"] {
        members.push(app.user(name, &["council_member"], None).await);
    }
    let (_, outsider) = app.user("hd.ngoai", &["council_member"], None).await;
    let member_ids: Vec<Value> = members.iter().map(|(u, _)| u["id"].clone()).collect();
    let council = standing_council(&app, &commune["id"], &member_ids).await;

    let draft = app
        .create(
            "nominations",
            json!({"award_type_id": type_id, "person_id": person["id"], "unit_id": commune["id"], "year": 2026}),
        )
        .await;
    let body = app.post("/api/v1/council-sessions", &json!({"title": "Phiên họp quý IV", "council_id": council["id"], "voting_deadline": deadline(24), "nomination_ids": [first["id"], draft["id"]]})).await.problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["code"], "not_appraised");
    // The voters come from the standing council; a session cannot name its own.
    let typed_in = app.post("/api/v1/council-sessions", &json!({"title": "Tự chọn", "member_ids": member_ids, "voting_deadline": deadline(24), "nomination_ids": [first["id"]]})).await;
    typed_in.problem(422, "invalid_body");
    // A deadline in the past cannot be set.
    let past = app.post("/api/v1/council-sessions", &json!({"title": "Quá hạn", "council_id": council["id"], "voting_deadline": deadline(-1), "nomination_ids": [first["id"]]})).await.problem(422, "validation_failed");
    assert_eq!(past["errors"][0]["field"], "voting_deadline");
    let session = app.create("council-sessions", json!({"title": "Phiên họp quý IV", "council_id": council["id"], "voting_deadline": deadline(24), "nomination_ids": [first["id"], second["id"]]})).await;
    assert_eq!(
        (&session["council_id"], &session["member_ids"].as_array().unwrap().len(), &session["min_ballots"]),
        (&council["id"], &3, &json!(3))
    );
    let path = format!("/api/v1/council-sessions/{}", id(&session));

    let vote = |token: &String, nomination: &Value, approve: bool| {
        let req = TestRequest::post()
            .uri(&format!("{path}/ballots"))
            .set_json(json!({"nomination_id": nomination["id"], "approve": approve}));
        let (app, token) = (&app, token.clone());
        async move { app.send_as(&token, req).await }
    };
    let (t1, t2, t3) = (&members[0].1, &members[1].1, &members[2].1);
    // The attack: close after one ballot, and the tally is that member's ballot. Refused.
    assert_eq!(vote(t1, &first, true).await.status, StatusCode::NO_CONTENT);
    app.send(TestRequest::post().uri(&format!("{path}/close"))).await.problem(409, "voting_in_progress");
    for (token, approve) in [(t2, true), (t3, false)] {
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
    let elsewhere = app
        .create(
            "nominations",
            json!({"award_type_id": type_id, "person_id": person["id"], "unit_id": commune["id"], "year": 2026}),
        )
        .await;
    assert_eq!(
        app.send_as(t1, TestRequest::get().uri(&format!("/api/v1/nominations/{}", id(&first)))).await.status,
        StatusCode::OK
    );
    app.send_as(t1, TestRequest::get().uri(&format!("/api/v1/nominations/{}", id(&elsewhere))))
        .await
        .problem(404, "not_found");
    app.send_as(&outsider, TestRequest::get().uri(&format!("/api/v1/nominations/{}", id(&first))))
        .await
        .problem(404, "not_found");
    let listed = app.send_as(t1, TestRequest::get().uri("/api/v1/nominations?limit=100")).await.json();
    let mut seen: Vec<String> = listed["items"].as_array().unwrap().iter().map(id).collect();
    seen.sort();
    let mut agenda = vec![id(&first), id(&second)];
    agenda.sort();
    assert_eq!(seen, agenda);
    // …and what those dossiers rest on (the nominee) — nothing else of any unit.
    assert_eq!(
        app.send_as(t1, TestRequest::get().uri(&format!("/api/v1/people/{}", id(&person)))).await.status,
        StatusCode::OK
    );
    let stranger = app.create("people", json!({"full_name": "Nông Văn Dũng", "unit_id": commune["id"]})).await;
    app.send_as(t1, TestRequest::get().uri(&format!("/api/v1/people/{}", id(&stranger))))
        .await
        .problem(404, "not_found");
    app.send_as(&outsider, TestRequest::get().uri(&format!("/api/v1/people/{}", id(&person))))
        .await
        .problem(404, "not_found");
    app.send_as(t1, TestRequest::get().uri("/api/v1/people")).await.problem(403, "forbidden");

    // While open: turnout, never the tally; non-members do not see the session at all.
    let open = app.send_as(t3, TestRequest::get().uri(&path)).await.json();
    let items = open["items"].as_array().unwrap();
    assert!(items.iter().all(|i| i["result"].is_null()), "{open}");
    let item = |doc: &Value, n: &Value| {
        doc["items"].as_array().unwrap().iter().find(|i| i["nomination_id"] == n["id"]).unwrap().clone()
    };
    assert_eq!(
        (item(&open, &first)["votes_cast"].as_i64(), item(&open, &first)["you_voted"].as_bool()),
        (Some(3), Some(true))
    );
    assert_eq!(item(&open, &second)["you_voted"], false);
    app.send_as(&outsider, TestRequest::get().uri(&path)).await.problem(404, "not_found");

    // Nothing stored links a member to a choice: these are the only ballot tables, and loading
    // them whole shows their columns — who voted (no choice), the anonymous choices (no member,
    // no time, a random key), and no counts at all until the close.
    let cast: Vec<(String, String, String)> = ballots_cast::table.load(&mut conn).unwrap();
    assert_eq!(cast.len(), 5);
    assert!(cast.iter().all(|(_, _, user)| members.iter().any(|(u, _)| u["id"] == json!(user))));
    let boxed: Vec<(String, String, String, bool)> = ballot_box::table.load(&mut conn).unwrap();
    assert_eq!(boxed.len(), 5);
    assert!(
        boxed.iter().all(|(key, ..)| key.len() == 64 && !cast.iter().any(|(_, _, user)| key.contains(user.as_str()))),
        "random keys: {boxed:?}"
    );
    assert_eq!(ballot_tallies::table.count().get_result::<i64>(&mut conn).unwrap(), 0, "no running tally while voting");

    // Still a ballot missing (the third member on the second nomination): no close before the
    // deadline. Once it has passed, no more ballots, and the session may close.
    app.send(TestRequest::post().uri(&format!("{path}/close"))).await.problem(409, "voting_in_progress");
    let_deadline_pass(&app, &id(&session));
    vote(t3, &second, true).await.problem(409, "deadline_passed");

    // Closing reveals the tallies and decides: 2 of 3 members is 66.7% ≥ 60%. The second
    // nomination has only two ballots: its tally would show both choices, so it is withheld and
    // the nomination stays appraised, undecided.
    app.send_as(t1, TestRequest::post().uri(&format!("{path}/close"))).await.problem(403, "forbidden");
    let closed = app.send(TestRequest::post().uri(&format!("{path}/close"))).await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.text());
    let closed = closed.json();
    assert_eq!(
        (item(&closed, &first)["result"].clone(), item(&closed, &first)["result_withheld"].clone()),
        (json!({"yes": 2, "no": 1}), json!(false))
    );
    assert_eq!(
        (item(&closed, &second)["result"].clone(), item(&closed, &second)["result_withheld"].clone()),
        (Value::Null, json!(true))
    );
    let first_now = app.get(&format!("/api/v1/nominations/{}", id(&first))).await.json();
    assert_eq!(first_now["status"], "approved");
    assert!(first_now["history"].as_array().unwrap().last().unwrap()["reason"].as_str().unwrap().contains("2 đồng ý"));
    let second_now = app.get(&format!("/api/v1/nominations/{}", id(&second))).await.json();
    assert_eq!(second_now["status"], "appraised");
    assert!(!second_now.to_string().contains("đồng ý"), "no count of the withheld vote anywhere: {second_now}");
    // What a backup taken now holds: the tally of the published item, no choices, no withheld count.
    assert_eq!(
        ballot_box::table.count().get_result::<i64>(&mut conn).unwrap(),
        0,
        "the ballot box is emptied at close"
    );
    // On SQLite, a copy of the files taken now (database and write-ahead log) holds none of the
    // deleted ballots: secure_delete overwrote them, the checkpoint emptied the log.
    if let thidua::db::Backend::Sqlite = thidua::db::Backend::from_url(&app.state.settings.database_url).unwrap() {
        let path = thidua::db::sqlite_path(&app.state.settings.database_url).to_string();
        let mut files = std::fs::read(&path).unwrap();
        files.extend(std::fs::read(format!("{path}-wal")).unwrap_or_default());
        for (key, ..) in &boxed {
            assert!(!files.windows(key.len()).any(|w| w == key.as_bytes()), "ballot {key} is still in the files");
        }
    }
    let tallies: Vec<(String, String, i32, i32, Option<bool>)> = ballot_tallies::table.load(&mut conn).unwrap();
    assert_eq!(
        tallies.iter().map(|t| (t.1.clone(), t.2, t.3, t.4)).collect::<Vec<_>>(),
        [(id(&first), 2, 1, Some(true))],
        "the result is kept with the tally"
    );
    vote(t3, &second, true).await.problem(409, "session_closed");
    // The board cannot take a nomination away from an open session by rejecting it.
    let fourth = appraised(
        &app,
        &type_id,
        &app.create("people", json!({"full_name": "Bế Văn Quý", "unit_id": commune["id"]})).await,
        &commune["id"],
    )
    .await;
    let extra = app.create("council-sessions", json!({"title": "Phiên bổ sung", "council_id": council["id"], "voting_deadline": deadline(24), "nomination_ids": [fourth["id"]]})).await;
    app.post(&format!("/api/v1/nominations/{}/reject", id(&fourth)), &json!({"reason": "thử"}))
        .await
        .problem(409, "before_council");
    // Everyone voted: the session may close before its deadline.
    for (_, token) in &members {
        let req = TestRequest::post()
            .uri(&format!("/api/v1/council-sessions/{}/ballots", id(&extra)))
            .set_json(json!({"nomination_id": fourth["id"], "approve": true}));
        assert_eq!(app.send_as(token, req).await.status, StatusCode::NO_CONTENT);
    }
    let unanimous = app.send(TestRequest::post().uri(&format!("/api/v1/council-sessions/{}/close", id(&extra)))).await;
    assert_eq!(unanimous.status, StatusCode::OK, "{}", unanimous.text());
    app.send(TestRequest::post().uri(&format!("{path}/close"))).await.problem(409, "session_closed");
}

async fn councils_are_standing_and_published(app: TestApp) {
    let mut conn = app.connection();
    thidua::seed::seed_reference(&mut conn).unwrap();
    let (commune, department) = crate::auth::commune_and_department(&app).await;
    let mut ids = Vec::new();
    for name in ["hd.mot", "hd.hai", "hd.ba"] {
        ids.push(app.user(name, &["council_member"], None).await.0["id"].clone());
    }
    // An admin cannot seat their own admin account, and a council needs three members.
    let (boss, _) = app.user("hd.sep", &["council_member", "admin"], None).await;
    let today = thidua::domain::units::today_in_vietnam();
    let body = |members: Vec<Value>, start: chrono::NaiveDate| json!({"unit_id": commune["id"], "name": "Hội đồng", "term_start": start.to_string(), "term_end": (start + chrono::TimeDelta::days(700)).to_string(), "members": members});
    let seats = |ids: &[Value]| ids.iter().map(|i| json!({"user_id": i, "role": "member"})).collect::<Vec<_>>();
    let refused = app
        .post("/api/v1/councils", &body(seats(&[ids[0].clone(), boss["id"].clone()]), today))
        .await
        .problem(422, "validation_failed");
    let codes: Vec<&str> = refused["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["not_a_council_member", "too_few"], "{refused}");
    app.post(
        "/api/v1/councils",
        &body(seats(&[ids[0].clone(), ids[0].clone(), ids[1].clone(), ids[2].clone()]), today),
    )
    .await
    .problem(422, "validation_failed");

    let old = app.create("councils", body(seats(&ids), today - chrono::TimeDelta::days(400))).await;
    let current = app.create("councils", body(seats(&ids), today - chrono::TimeDelta::days(10))).await;
    // The council in its term when the next one starts ends the day before.
    let old_now = app.get(&format!("/api/v1/councils/{}", id(&old))).await.json();
    assert_eq!(old_now["term_end"], (today - chrono::TimeDelta::days(11)).to_string());
    app.post("/api/v1/councils", &body(seats(&ids), today - chrono::TimeDelta::days(20)))
        .await
        .problem(422, "validation_failed");

    // Published: anyone signed in reads who sits on it, and its creation is in everyone's feed.
    let (_, viewer) = app.user("xem", &["viewer"], Some(&department["id"])).await;
    let seen = app
        .send_as(
            &viewer,
            TestRequest::get().uri(&format!("/api/v1/councils?unit_id={}", commune["id"].as_str().unwrap())),
        )
        .await
        .json();
    assert_eq!(seen["items"].as_array().unwrap().len(), 2);
    assert_eq!(seen["items"][0]["id"], current["id"]);
    assert_eq!(seen["items"][0]["members"].as_array().unwrap().len(), 3);
    let events = app.send_as(&viewer, TestRequest::get().uri("/api/v1/events?types=council.created")).await.json();
    assert_eq!(events["items"].as_array().unwrap().len(), 2, "{events}");
    let (_, officer) = app.user("can.bo", &["unit_officer"], Some(&commune["id"])).await;
    let create = TestRequest::post().uri("/api/v1/councils").set_json(body(seats(&ids), today));
    app.send_as(&officer, create).await.problem(403, "forbidden");

    // A session can only use a council in its term.
    let ended = app
        .post(
            "/api/v1/council-sessions",
            &json!({"title": "Cũ", "council_id": old["id"], "voting_deadline": deadline(24), "nomination_ids": []}),
        )
        .await
        .problem(422, "validation_failed");
    assert!(ended["errors"].as_array().unwrap().iter().any(|e| e["code"] == "not_in_force"), "{ended}");
}

async fn a_member_with_a_unit_reads_their_agenda_or_their_unit(app: TestApp) {
    let mut conn = app.connection();
    thidua::seed::seed_reference(&mut conn).unwrap();
    let (commune, department) = crate::auth::commune_and_department(&app).await;
    let types = app.get("/api/v1/award-types").await.json();
    let type_id =
        types.as_array().unwrap().iter().find(|t| t["code"] == "BANG_KHEN_TINH_CA_NHAN").unwrap()["id"].clone();
    let rules = json!({"effective_from": thidua::domain::units::today_in_vietnam().to_string(), "rules": {
        "granting_authority": "Chủ tịch UBND tỉnh", "legal_basis": "Luật Thi đua, khen thưởng số 06/2022/QH15",
        "council_vote_required": true, "approval_threshold_percent": "60",
    }});
    assert_eq!(
        app.post(&format!("/api/v1/award-types/{}/versions", type_id.as_str().unwrap()), &rules).await.status,
        StatusCode::CREATED
    );
    let nominee = app.create("people", json!({"full_name": "Ma Văn Sơn", "unit_id": commune["id"]})).await;
    let neighbour = app.create("people", json!({"full_name": "Hà Thị Nguyệt", "unit_id": commune["id"]})).await;
    let colleague = app.create("people", json!({"full_name": "Lý Văn Tài", "unit_id": department["id"]})).await;
    let on_agenda = appraised(&app, &type_id, &nominee, &commune["id"]).await;
    let not_on_agenda = app
        .create(
            "nominations",
            json!({"award_type_id": type_id, "person_id": neighbour["id"], "unit_id": commune["id"], "year": 2026}),
        )
        .await;
    let own_unit = app
        .create(
            "nominations",
            json!({"award_type_id": type_id, "person_id": colleague["id"], "unit_id": department["id"], "year": 2026}),
        )
        .await;

    // A department's director sits on the provincial council.
    let (director, token) = app.user("gd.so", &["council_member"], Some(&department["id"])).await;
    let mut ids = vec![director["id"].clone()];
    for name in ["hd.hai", "hd.ba"] {
        ids.push(app.user(name, &["council_member"], None).await.0["id"].clone());
    }
    let council = standing_council(&app, &commune["id"], &ids).await;
    app.create("council-sessions", json!({"title": "Phiên họp", "council_id": council["id"], "voting_deadline": deadline(24), "nomination_ids": [on_agenda["id"]]})).await;

    let read = |uri: String| {
        let (app, token) = (&app, token.clone());
        async move { app.send_as(&token, TestRequest::get().uri(&uri)).await }
    };
    // The agenda (and its nominee) or their own unit: both.
    for uri in [
        format!("/api/v1/nominations/{}", id(&on_agenda)),
        format!("/api/v1/people/{}", id(&nominee)),
        format!("/api/v1/nominations/{}", id(&own_unit)),
        format!("/api/v1/people/{}", id(&colleague)),
    ] {
        assert_eq!(read(uri.clone()).await.status, StatusCode::OK, "{uri}");
    }
    // Nothing else of another unit.
    for uri in [format!("/api/v1/nominations/{}", id(&not_on_agenda)), format!("/api/v1/people/{}", id(&neighbour))] {
        read(uri).await.problem(404, "not_found");
    }
    let listed = read("/api/v1/nominations?limit=100".into()).await.json();
    let mut seen: Vec<String> = listed["items"].as_array().unwrap().iter().map(id).collect();
    seen.sort();
    let mut expected = vec![id(&on_agenda), id(&own_unit)];
    expected.sort();
    assert_eq!(seen, expected);
    let people = read("/api/v1/people?limit=100".into()).await.json();
    let names: Vec<&str> =
        people["items"].as_array().unwrap().iter().map(|p| p["full_name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Lý Văn Tài"], "lists show their own unit's");
}

/// Decree 98/2023 Art 46.2: the list is on the portal before the council meets. Where an award's
/// rules say `before_council`, the session takes a nomination only once its posting is over and
/// the public answered, and the decision follows the vote with no second posting.
async fn posting_before_the_council_then_the_vote_and_its_minutes(app: TestApp) {
    let mut conn = app.connection();
    thidua::seed::seed_reference(&mut conn).unwrap();
    let (commune, _) = crate::auth::commune_and_department(&app).await;
    let types = app.get("/api/v1/award-types").await.json();
    let type_id =
        types.as_array().unwrap().iter().find(|t| t["code"] == "BANG_KHEN_TINH_CA_NHAN").unwrap()["id"].clone();
    let today = thidua::domain::units::today_in_vietnam();
    let rules = json!({"effective_from": today.to_string(), "rules": {
        "granting_authority": "Chủ tịch UBND tỉnh", "legal_basis": "Nghị định 98/2023/NĐ-CP, Điều 46",
        "council_vote_required": true, "approval_threshold_percent": "60",
        "posting_days": 10, "posting_day_count": "working", "posting_stage": "before_council",
    }});
    let res = app.post(&format!("/api/v1/award-types/{}/versions", type_id.as_str().unwrap()), &rules).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let version = res.json()["versions"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (version["posting_stage"].as_str(), version["posting_stage_label"].as_str()),
        (Some("before_council"), Some("Công khai trước khi Hội đồng họp"))
    );
    // A later version that does not say keeps the order.
    let mut later = rules.clone();
    later["effective_from"] = json!((today + chrono::TimeDelta::days(400)).to_string());
    later["rules"].as_object_mut().unwrap().remove("posting_stage");
    let res = app.post(&format!("/api/v1/award-types/{}/versions", type_id.as_str().unwrap()), &later).await;
    assert_eq!(res.json()["versions"].as_array().unwrap().last().unwrap()["posting_stage"], "before_council");
    let person = app.create("people", json!({"full_name": "Đinh Thị Hoa", "unit_id": commune["id"]})).await;
    let nomination = appraised(&app, &type_id, &person, &commune["id"]).await;
    let path = format!("/api/v1/nominations/{}", id(&nomination));
    let mut members = Vec::new();
    for name in ["hd.mot", "hd.hai", "hd.ba"] {
        members.push(app.user(name, &["council_member"], None).await);
    }
    let member_ids: Vec<Value> = members.iter().map(|(u, _)| u["id"].clone()).collect();
    let council = standing_council(&app, &commune["id"], &member_ids).await;
    let session = json!({"title": "Phiên họp xét Bằng khen", "council_id": council["id"], "voting_deadline": deadline(24), "nomination_ids": [nomination["id"]]});
    let first_error = |body: Value| body["errors"][0]["code"].as_str().unwrap().to_string();

    // Not before the posting.
    let refused = app.post("/api/v1/council-sessions", &session).await.problem(422, "validation_failed");
    assert_eq!(first_error(refused), "not_posted");
    // Posted while appraised, for its 10 working days at least.
    assert_eq!(app.post(&format!("{path}/post"), &json!({})).await.status, StatusCode::NO_CONTENT);
    let posted = app.get(&path).await.json();
    assert_eq!(posted["status"], "posted");
    let until: chrono::NaiveDate = posted["posting_until"].as_str().unwrap().parse().unwrap();
    assert!(until >= today + chrono::TimeDelta::days(12), "10 working days end two weeks on: {until}");
    let listed = app.send_anonymous(TestRequest::get().uri("/api/v1/public/postings")).await.json();
    assert_eq!(listed[0]["nomination_id"], nomination["id"]);
    // Not while it runs, nor with the public unanswered.
    let refused = app.post("/api/v1/council-sessions", &session).await.problem(422, "validation_failed");
    assert_eq!(first_error(refused), "posting_not_over");
    let comment = app
        .send_anonymous(
            TestRequest::post()
                .uri(&format!("/api/v1/public/postings/{}/comments", id(&nomination)))
                .set_json(json!({"content": "Đồng ý với đề nghị."})),
        )
        .await;
    assert_eq!(comment.status, StatusCode::CREATED);
    let yesterday = today - chrono::TimeDelta::days(1);
    diesel::update(thidua::db::schema::nominations::table.find(id(&nomination)))
        .set(thidua::db::schema::nominations::posting_until.eq(Some(yesterday)))
        .execute(&mut conn)
        .unwrap();
    let refused = app.post("/api/v1/council-sessions", &session).await.problem(422, "validation_failed");
    assert_eq!(first_error(refused), "comments_unreviewed");
    app.post(&format!("/api/v1/posting-comments/{}/review", id(&comment.json())), &json!({"note": "Ủng hộ"})).await;
    let opened = app.post("/api/v1/council-sessions", &session).await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.text());
    let session_path = format!("/api/v1/council-sessions/{}", id(&opened.json()));

    // Not decided before the council voted; posted once only.
    let (_, approver) = app.user("approver.1", &["approver"], None).await;
    let decision = json!({"number": "77/QĐ-UBND", "decided_on": today.to_string(), "signer": "Chủ tịch UBND tỉnh", "authority": "UBND tỉnh", "nomination_ids": [nomination["id"]]});
    let refused = app
        .send_as(&approver, TestRequest::post().uri("/api/v1/decisions").set_json(&decision))
        .await
        .problem(422, "validation_failed");
    assert_eq!(first_error(refused), "not_approved");
    // No minutes while the session is open; its attendance is the secretary's to record.
    app.get(&format!("{session_path}/minutes")).await.problem(409, "voting_in_progress");
    let (_, outsider) = app.user("hd.khac", &["council_member"], None).await;
    let attendance = format!("{session_path}/attendance");
    let put = |body: Value| TestRequest::put().uri(&attendance).set_json(body);
    let (chair, second, third) = (&members[0].0["id"], &members[1].0["id"], &members[2].0["id"]);
    let refused = app
        .send(put(json!({"members": [
            {"user_id": chair, "present": true, "written_opinion": "Tôi đồng ý"},
            {"user_id": uuid::Uuid::now_v7(), "present": false},
        ]})))
        .await
        .problem(422, "validation_failed");
    let codes: Vec<&str> = refused["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["not_allowed", "not_in_session"]);
    app.send_as(&members[0].1, put(json!({"members": []}))).await.problem(403, "forbidden");
    app.send_as(&outsider, put(json!({"members": []}))).await.problem(403, "forbidden");
    let recorded = app
        .send(put(json!({"members": [
            {"user_id": third, "present": false, "written_opinion": "Nhất trí đề nghị khen thưởng."},
            {"user_id": chair, "present": true},
            {"user_id": second, "present": true},
        ]})))
        .await;
    assert_eq!(recorded.status, StatusCode::NO_CONTENT, "{}", recorded.text());
    for (_, token) in &members {
        let res = app
            .send_as(
                token,
                TestRequest::post()
                    .uri(&format!("{session_path}/ballots"))
                    .set_json(json!({"nomination_id": nomination["id"], "approve": true})),
            )
            .await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text());
    }
    let closed = app.send(TestRequest::post().uri(&format!("{session_path}/close"))).await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.text());
    let approved = app.get(&path).await.json();
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["history"].as_array().unwrap().last().unwrap()["from_status"], "posted");
    // The minutes: the chair first, who came, what the absent wrote, and the line's result.
    let minutes = app.send_as(&members[2].1, TestRequest::get().uri(&format!("{session_path}/minutes"))).await;
    assert_eq!(minutes.status, StatusCode::OK, "{}", minutes.text());
    let minutes = minutes.json();
    assert_eq!((minutes["present_count"].as_u64(), minutes["absent_count"].as_u64()), (Some(2), Some(1)));
    assert_eq!(
        (&minutes["members"][0]["user_id"], minutes["members"][0]["seat_label"].as_str()),
        (chair, Some("Chủ tịch Hội đồng"))
    );
    let absent = minutes["members"].as_array().unwrap().iter().find(|m| m["present"] == false).unwrap();
    assert_eq!(
        (&absent["user_id"], absent["written_opinion"].as_str()),
        (third, Some("Nhất trí đề nghị khen thưởng."))
    );
    assert_eq!(minutes["lines"][0]["nominee"], "Đinh Thị Hoa");
    assert_eq!(
        (
            minutes["lines"][0]["yes"].as_i64(),
            minutes["lines"][0]["no"].as_i64(),
            minutes["lines"][0]["result"].as_str()
        ),
        (Some(3), Some(0), Some("passed"))
    );
    assert!(minutes["closed_on_text"].as_str().unwrap().starts_with("ngày "));
    app.send_as(&outsider, TestRequest::get().uri(&format!("{session_path}/minutes"))).await.problem(404, "not_found");
    // The minutes as a document the board signs: the line, its ballot result, who came.
    let session_id = opened.json()["id"].clone();
    let (made, pdf) = crate::documents::make(&app, &app.admin_token, "council_minutes", &session_id, "pdf").await;
    let text = crate::documents::pdf_text(&pdf);
    assert!(text.contains("BIÊN BẢN") && text.contains("Đinh Thị Hoa") && text.contains("Đạt"), "{text}");
    assert!(text.contains("Có mặt") && text.contains("Vắng mặt"), "{text}");
    // A member reads it; making it is the secretary's; an outsider learns nothing of it.
    let member_reads = app.send_as(&members[2].1, TestRequest::get().uri(made["href"].as_str().unwrap())).await;
    assert_eq!(member_reads.status, StatusCode::OK);
    let body = json!({"kind": "council_minutes", "source_id": session_id, "format": "docx"});
    app.send_as(&members[2].1, TestRequest::post().uri("/api/v1/documents").set_json(&body))
        .await
        .problem(403, "forbidden");
    app.send_as(&outsider, TestRequest::post().uri("/api/v1/documents").set_json(&body))
        .await
        .problem(404, "not_found");
    app.send_as(&outsider, TestRequest::get().uri(made["href"].as_str().unwrap())).await.problem(404, "not_found");
    // Closed, the record stands.
    app.send(put(json!({"members": []}))).await.problem(409, "session_closed");
    // What the public says may end a nomination on posting before its council met.
    let other = app.create("people", json!({"full_name": "Lường Văn Nam", "unit_id": commune["id"]})).await;
    let second = appraised(&app, &type_id, &other, &commune["id"]).await;
    let second_path = format!("/api/v1/nominations/{}", id(&second));
    assert_eq!(app.post(&format!("{second_path}/post"), &json!({})).await.status, StatusCode::NO_CONTENT);
    let rejected = app
        .post(
            &format!("{second_path}/reject"),
            &json!({"reason": "Ý kiến nhân dân phản ánh đúng: thành tích chưa được xác minh"}),
        )
        .await;
    assert_eq!(rejected.status, StatusCode::OK, "{}", rejected.text());
    assert_eq!(rejected.json()["status"], "rejected");
    app.post(&format!("{path}/post"), &json!({})).await.problem(409, "illegal_transition");
    let res = app.send_as(&approver, TestRequest::post().uri("/api/v1/decisions").set_json(&decision)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    assert_eq!(app.get(&path).await.json()["status"], "decided");
}
