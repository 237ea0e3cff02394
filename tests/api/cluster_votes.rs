//! The cluster's proposal for Cờ thi đua (issue 15 item 3): the members vote, the board closes
//! the count, and a flag nominated for a unit its cluster did not propose is warned, with the
//! count's words; ballots are cast only by members' officers and never read back. And the
//! cluster's annual covenant (giao ước thi đua, issue 15 item 2), signed by its members.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::helpers::TestApp;

on_both_backends!(
    a_cluster_votes_and_a_flag_for_another_unit_is_warned,
    ties_are_broken_by_the_board_with_a_reason,
    a_clusters_covenant_is_signed_by_its_members,
);

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

fn year() -> i32 {
    chrono::Datelike::year(&thidua::domain::units::today_in_vietnam())
}

/// Three communes (each with its officer) in one cluster of this year, and a fourth outside it.
struct World {
    members: Vec<Value>,
    officers: Vec<String>,
    outsider: String,
    cluster: Value,
    flag: Value,
}

impl World {
    async fn new(app: &TestApp) -> World {
        thidua::seed::seed_reference(&mut app.connection()).unwrap();
        let (_, district, first) = app.small_tree().await;
        let mut members = vec![first];
        for (code, name) in [("99998", "Xã Nà Thử"), ("99997", "Xã Bản Thử"), ("99996", "Xã Khuổi Thử")] {
            members.push(
                app.create("communes", json!({"code": code, "name": name, "type": "xa", "parent_id": district["id"]}))
                    .await,
            );
        }
        let mut officers = Vec::new();
        for (i, unit) in members.iter().enumerate() {
            officers.push(app.user(&format!("officer.{i}"), &["unit_officer"], Some(&unit["id"])).await.1);
        }
        let outsider = officers.pop().unwrap();
        members.pop();
        let cluster = app
            .create(
                "clusters",
                json!({"name": "Cụm thi đua các xã phía Bắc", "year": year(),
                       "member_ids": members.iter().map(|m| m["id"].clone()).collect::<Vec<_>>()}),
            )
            .await;
        let types = app.get("/api/v1/award-types").await.json();
        let flag = types.as_array().unwrap().iter().find(|t| t["code"] == "CO_THI_DUA_TINH").unwrap().clone();
        World { members, officers, outsider, cluster, flag }
    }

    async fn open(&self, app: &TestApp) -> Value {
        let res = app
            .post(
                &format!("/api/v1/clusters/{}/proposals", id(&self.cluster)),
                &json!({"award_type_id": self.flag["id"]}),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        res.json()
    }

    async fn vote(&self, app: &TestApp, proposal: &Value, voter: usize, choice: usize) -> crate::helpers::Response {
        app.send_as(
            &self.officers[voter],
            TestRequest::post()
                .uri(&format!("/api/v1/cluster-proposals/{}/ballots", id(proposal)))
                .set_json(json!({"vote_for": self.members[choice]["id"]})),
        )
        .await
    }

    /// A flag nominated for member `i` by its officer, its documents filed, submitted.
    async fn nominate(&self, app: &TestApp, i: usize) -> Value {
        let officer = &self.officers[i];
        let res = app
            .send_as(
                officer,
                TestRequest::post().uri("/api/v1/nominations").set_json(
                    json!({"award_type_id": self.flag["id"], "unit_id": self.members[i]["id"], "year": year()}),
                ),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        let nomination = res.json();
        for kind in ["to_trinh", "bao_cao_thanh_tich", "bien_ban_binh_xet"] {
            let req = TestRequest::post()
                .uri(&format!("/api/v1/nominations/{}/documents?kind={kind}&filename={kind}.pdf", id(&nomination)))
                .insert_header(("content-type", "application/pdf"))
                .set_payload(PDF.to_vec());
            assert_eq!(app.send_as(officer, req).await.status, StatusCode::CREATED);
        }
        let res = app
            .send_as(
                officer,
                TestRequest::post().uri(&format!("/api/v1/nominations/{}/submit", id(&nomination))).set_json(json!({})),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        res.json()
    }
}

fn warning_codes(nomination: &Value) -> Vec<&str> {
    nomination["eligibility"]["warnings"].as_array().unwrap().iter().map(|w| w["code"].as_str().unwrap()).collect()
}

async fn a_cluster_votes_and_a_flag_for_another_unit_is_warned(app: TestApp) {
    let w = World::new(&app).await;
    // Before any count, a flag for a member is warned: the cluster has not proposed anyone.
    let early = w.nominate(&app, 2).await;
    assert_eq!(warning_codes(&early), ["cluster_not_proposed"], "{early}");

    let proposal = w.open(&app).await;
    assert_eq!((proposal["method"].as_str(), proposal["status"].as_str()), (Some("vote"), Some("open")));
    assert_eq!(proposal["method_label"], "Bỏ phiếu bình chọn");
    assert!(proposal["ranking"].is_null());
    // One count per cluster and flag; a type whose rules ask none is refused.
    app.post(&format!("/api/v1/clusters/{}/proposals", id(&w.cluster)), &json!({"award_type_id": w.flag["id"]}))
        .await
        .problem(409, "duplicate");
    let types = app.get("/api/v1/award-types").await.json();
    let ldtt = types.as_array().unwrap().iter().find(|t| t["code"] == "LDTT").unwrap();
    let refused = app
        .post(&format!("/api/v1/clusters/{}/proposals", id(&w.cluster)), &json!({"award_type_id": ldtt["id"]}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(refused["errors"][0]["field"], "award_type_id");

    // Members vote for another member: commune 1 leads with two votes.
    assert_eq!(w.vote(&app, &proposal, 0, 1).await.status, StatusCode::OK);
    let own = w.vote(&app, &proposal, 1, 1).await.problem(422, "validation_failed");
    assert_eq!(own["errors"][0]["field"], "vote_for");
    assert_eq!(w.vote(&app, &proposal, 1, 0).await.status, StatusCode::OK);
    // Cast again, a ballot replaces the unit's last (commune 2 first named 0, then 1).
    assert_eq!(w.vote(&app, &proposal, 2, 0).await.status, StatusCode::OK);
    let standing = w.vote(&app, &proposal, 2, 1).await.json();
    assert_eq!(standing["voted_unit_ids"].as_array().unwrap().len(), 3);
    // Nobody reads a ballot: the answers say who voted, never for whom.
    assert!(!standing.to_string().contains("vote_for") && standing["ranking"].is_null(), "{standing}");
    // Only the cluster's members' officers vote: an outsider's officer and the board get 403.
    let ballots = format!("/api/v1/cluster-proposals/{}/ballots", id(&proposal));
    let body = json!({"vote_for": w.members[0]["id"]});
    app.send_as(&w.outsider, TestRequest::post().uri(&ballots).set_json(&body)).await.problem(403, "forbidden");
    app.send(TestRequest::post().uri(&ballots).set_json(&body)).await.problem(403, "forbidden");
    // The audit trail records who cast a ballot, not what it says.
    let mut conn = app.connection();
    {
        use diesel::prelude::*;
        use thidua::db::schema::journal;
        let cast: Vec<Option<String>> = journal::table
            .filter(journal::action.eq("cluster_proposal.ballot_cast"))
            .select(journal::after_value)
            .load(&mut conn)
            .unwrap();
        assert_eq!(cast.len(), 4);
        let member_ids: Vec<String> = w.members.iter().map(id).collect();
        for entry in cast.iter().flatten() {
            let entry: Value = serde_json::from_str(entry).unwrap();
            assert_eq!(entry.as_object().unwrap().keys().collect::<Vec<_>>(), ["voter_unit_id"]);
            assert!(member_ids.contains(&entry["voter_unit_id"].as_str().unwrap().to_string()));
        }
    }

    // The board closes: commune 1 is proposed, every member ranked.
    let closed = app.post(&format!("/api/v1/cluster-proposals/{}/close", id(&proposal)), &json!({})).await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.text());
    let closed = closed.json();
    assert_eq!(closed["proposed_unit_id"], w.members[1]["id"]);
    // Read back as it was closed, by a member's officer.
    let read = app
        .send_as(&w.officers[2], TestRequest::get().uri(&format!("/api/v1/cluster-proposals/{}", id(&proposal))))
        .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text());
    assert_eq!(read.json()["ranking"], closed["ranking"]);
    let ranking: Vec<(Value, i64, i64)> = closed["ranking"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["unit_id"].clone(), s["points"].as_i64().unwrap(), s["rank"].as_i64().unwrap()))
        .collect();
    assert_eq!(ranking[0], (w.members[1]["id"].clone(), 2, 1));
    assert_eq!(ranking[1], (w.members[0]["id"].clone(), 1, 2));
    assert_eq!(ranking[2], (w.members[2]["id"].clone(), 0, 3));
    w.vote(&app, &proposal, 0, 2).await.problem(409, "proposal_closed");
    app.post(&format!("/api/v1/cluster-proposals/{}/close", id(&proposal)), &json!({}))
        .await
        .problem(409, "proposal_closed");
    let listed = app.get(&format!("/api/v1/clusters/{}/proposals", id(&w.cluster))).await.json();
    assert_eq!(listed[0]["id"], proposal["id"]);

    // The proposed unit's flag goes on without the warning; the unit ranked second is warned,
    // in Vietnamese (the default) and in English, with the cluster, the unit proposed and its rank.
    let leader = w.nominate(&app, 1).await;
    assert!(warning_codes(&leader).is_empty(), "{leader}");
    let second = w.nominate(&app, 0).await;
    assert_eq!(warning_codes(&second), ["cluster_not_proposed"], "{second}");
    let path = format!("/api/v1/nominations/{}", id(&second));
    let vi = app.get(&path).await.json()["eligibility"]["warnings"][0]["message"].clone();
    assert!(
        vi.as_str().unwrap().contains("cụm «Cụm thi đua các xã phía Bắc» đã suy tôn «Xã Nà Thử»; đơn vị này xếp thứ 2"),
        "{vi}"
    );
    let en = app.send(TestRequest::get().uri(&path).insert_header(("accept-language", "en"))).await.json();
    let en = &en["eligibility"]["warnings"][0]["message"];
    assert!(
        en.as_str()
            .unwrap()
            .contains("the cluster «Cụm thi đua các xã phía Bắc» proposed «Xã Nà Thử»; this unit ranked 2"),
        "{en}"
    );
    app.assert_every_write_journaled();
}

async fn ties_are_broken_by_the_board_with_a_reason(app: TestApp) {
    let w = World::new(&app).await;
    let proposal = w.open(&app).await;
    let close = format!("/api/v1/cluster-proposals/{}/close", id(&proposal));
    app.post(&close, &json!({})).await.problem(409, "no_ballots");
    // Commune 0 votes for 1; 1 for 2, then again for 0 (its last ballot counts); 2 does not
    // vote: 0 and 1 share first place.
    for (voter, choice) in [(0, 1), (1, 2), (1, 0)] {
        assert_eq!(w.vote(&app, &proposal, voter, choice).await.status, StatusCode::OK);
    }
    let refused = app.post(&close, &json!({})).await.problem(422, "validation_failed");
    assert_eq!(refused["errors"][0]["field"], "tie_break_unit_id", "{refused}");
    // A member outside the tie cannot be named; a reason is required.
    let outside = app
        .post(&close, &json!({"tie_break_unit_id": w.members[2]["id"], "tie_break_reason": "Nhiều chỉ tiêu vượt"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(outside["errors"][0]["field"], "tie_break_unit_id");
    app.post(&close, &json!({"tie_break_unit_id": w.members[0]["id"]})).await.problem(422, "validation_failed");
    let closed = app
        .post(
            &close,
            &json!({"tie_break_unit_id": w.members[1]["id"],
                    "tie_break_reason": "Bằng phiếu; xã Nà Thử có điểm thi đua cả năm cao hơn"}),
        )
        .await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.text());
    let closed = closed.json();
    assert_eq!(closed["proposed_unit_id"], w.members[1]["id"]);
    // Read back as it was closed, by a member's officer.
    let read = app
        .send_as(&w.officers[2], TestRequest::get().uri(&format!("/api/v1/cluster-proposals/{}", id(&proposal))))
        .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text());
    assert_eq!(read.json()["ranking"], closed["ranking"]);
    let ranks: Vec<i64> = closed["ranking"].as_array().unwrap().iter().map(|s| s["rank"].as_i64().unwrap()).collect();
    assert_eq!(ranks, [1, 1, 3]);
    assert!(closed["tie_break_reason"].as_str().unwrap().starts_with("Bằng phiếu"));
    app.assert_every_write_journaled();
}

/// The board records the covenant its members signed, with each member's own commitments and the
/// scanned copy; only members sign, once; a replacement names the version it replaces; everyone
/// reads it, nobody but the board writes it.
async fn a_clusters_covenant_is_signed_by_its_members(app: TestApp) {
    let w = World::new(&app).await;
    let path = format!("/api/v1/clusters/{}/covenant", id(&w.cluster));
    app.get(&path).await.problem(404, "not_found");
    let sign = |unit: &Value, name: &str| {
        json!({"unit_id": unit["id"], "signer_name": name, "signer_title": "Chủ tịch UBND xã",
               "commitments": "Giảm 2% hộ nghèo; 100% hồ sơ thủ tục hành chính giải quyết đúng hạn."})
    };
    let mut covenant = json!({
        "title": format!("Giao ước thi đua năm {} của Cụm thi đua các xã phía Bắc", year()),
        "signed_on": thidua::domain::units::today_in_vietnam().to_string(), "place": "Xã Nà Thử",
        "content": "Điều 1. Các đơn vị thành viên thi đua hoàn thành vượt mức các chỉ tiêu kinh tế – xã hội năm.",
        "signatories": [sign(&w.members[0], "Hoàng Văn Một"), sign(&w.members[1], "Nông Thị Hai")],
    });
    // Only the board records it.
    app.send_as(&w.officers[0], TestRequest::put().uri(&path).set_json(&covenant)).await.problem(403, "forbidden");
    // Only members sign, each once.
    let mut wrong = covenant.clone();
    wrong["signatories"] = json!([sign(&w.members[0], "A"), sign(&w.members[0], "B"), {"unit_id": uuid::Uuid::now_v7(), "signer_name": "C", "signer_title": "D", "commitments": "E"}]);
    let refused = app.send(TestRequest::put().uri(&path).set_json(&wrong)).await.problem(422, "validation_failed");
    let codes: Vec<&str> = refused["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["duplicate", "not_a_member"]);
    let res = app.send(TestRequest::put().uri(&path).set_json(&covenant)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let recorded = res.json();
    assert_eq!(recorded["signatories"][1]["signer_name"], "Nông Thị Hai");
    assert_eq!(recorded["unsigned_unit_ids"], json!([w.members[2]["id"]]), "the third member has not signed");
    // A replacement names the version it replaces; then the last member signs.
    covenant["signatories"].as_array_mut().unwrap().push(sign(&w.members[2], "Lục Văn Ba"));
    app.send(TestRequest::put().uri(&path).set_json(&covenant)).await.problem(412, "stale_version");
    let res = app.put_current(&app.admin_token, &path, &covenant).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!((res.json()["version"].as_i64(), res.json()["unsigned_unit_ids"].clone()), (Some(2), json!([])));
    // The scanned signed copy, filed with it and read back by a member's officer.
    let req = TestRequest::post()
        .uri(&format!("{path}/files?filename=giao-uoc-da-ky.pdf"))
        .insert_header(("content-type", "application/pdf"))
        .set_payload(PDF.to_vec());
    let res = app.send(req).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let file = res.json();
    let read = app.send_as(&w.outsider, TestRequest::get().uri(&path)).await.json();
    assert_eq!(read["files"][0]["filename"], "giao-uoc-da-ky.pdf");
    let download = app.send_as(&w.officers[1], TestRequest::get().uri(file["href"].as_str().unwrap())).await;
    assert_eq!((download.status, download.body.as_ref()), (StatusCode::OK, PDF));
    let req = TestRequest::post()
        .uri(&format!("{path}/files"))
        .insert_header(("content-type", "application/pdf"))
        .set_payload(PDF.to_vec());
    app.send_as(&w.officers[0], req).await.problem(403, "forbidden");
    // In the feed and the audit trail like any published record.
    let events = app.get("/api/v1/events?types=covenant.*").await.json();
    let types: Vec<&str> = events["items"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["covenant.created", "covenant.updated", "covenant.file_added"]);
}
