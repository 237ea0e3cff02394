//! Reference data: what `thidua seed` loads, and that loading it twice changes nothing.

use diesel::prelude::*;
use serde_json::json;
use thidua::db::schema::{unit_links, units};
use thidua::models::units::{Unit, UnitLink};
use thidua::seed::seed_reference;

use crate::helpers::TestApp;

on_both_backends!(seeding_twice_changes_nothing);

fn snapshot(conn: &mut thidua::db::DbConn) -> (Vec<Unit>, Vec<UnitLink>) {
    let units = units::table.select(Unit::as_select()).order(units::id).load(conn).unwrap();
    let links = unit_links::table
        .select(UnitLink::as_select())
        .order((unit_links::predecessor_id, unit_links::successor_id))
        .load(conn)
        .unwrap();
    (units, links)
}

async fn seeding_twice_changes_nothing(app: TestApp) {
    let mut conn = app.connection();
    let first = seed_reference(&mut conn).unwrap();
    let count =
        |kind: &str, (units, _): &(Vec<Unit>, Vec<UnitLink>)| units.iter().filter(|u| u.kind.as_str() == kind).count();
    let before = snapshot(&mut conn);
    assert_eq!(count("province", &before), 2, "Bắc Kạn and Thái Nguyên");
    assert_eq!(count("district", &before), 8 + 9, "Bắc Kạn's and Thái Nguyên's former districts");
    assert_eq!(count("commune", &before), 108 + 172 + 92, "both provinces' former communes and today's");
    assert_eq!(count("department", &before), 18 + 13);
    assert_eq!(first.units_created, before.0.len());
    assert_eq!(first.award_types_created, 12, "the catalogue from the domain notes");
    // Every one of the 108 + 172 former communes points to its successor (three of Thái
    // Nguyên's were split between two); plus same-name departments.
    let commune_links = before
        .1
        .iter()
        .filter(|l| before.0.iter().any(|u| u.id == l.successor_id && u.kind.as_str() == "commune"))
        .count();
    assert_eq!(commune_links, 108 + 175);
    // Today's province: 92 commune-level units in force, each with its GSO code and predecessors.
    let today = thidua::domain::units::today_in_vietnam();
    let in_force: Vec<&Unit> = before
        .0
        .iter()
        .filter(|u| u.kind.as_str() == "commune" && u.valid_until.is_none_or(|until| until >= today))
        .collect();
    assert_eq!(in_force.len(), 92);
    assert!(in_force.iter().all(|u| u.code.len() == 5 && before.1.iter().any(|l| l.successor_id == u.id)));
    let named = |name: &str| in_force.iter().find(|u| u.name == name).map(|u| u.code.as_str());
    assert_eq!(named("Phường Phan Đình Phùng"), Some("05443"));
    assert_eq!(named("Xã Phú Lạc"), Some("05794"), "the code in force, not the draft's");
    assert_eq!(named("Xã Định Hóa"), Some("05569"));
    // A commune kept as it was (Sảng Mộc) is a new unit of the same code, its old self its predecessor.
    let kept: Vec<&Unit> = before.0.iter().filter(|u| u.kind.as_str() == "commune" && u.code == "05719").collect();
    assert_eq!(kept.len(), 2);

    let second = seed_reference(&mut conn).unwrap();
    assert_eq!(second.units_created, 0);
    assert_eq!(second.award_types_created, 0);
    assert_eq!(second.units_present, before.0.len());
    assert_eq!(snapshot(&mut conn), before, "the second seed changed rows");
}

on_both_backends!(demo_data_shows_a_finished_campaign_and_loads_once);

async fn demo_data_shows_a_finished_campaign_and_loads_once(app: TestApp) {
    let mut conn = app.connection();
    seed_reference(&mut conn).unwrap();
    let params = thidua::startup::hash_params(&app.state.settings);
    let store = app.evidence_dir.path();
    assert_eq!(thidua::demo::seed_demo(&mut conn, params, Some(store)).unwrap().campaigns_created, 5);
    assert_eq!(
        thidua::demo::seed_demo(&mut conn, params, Some(store)).unwrap().campaigns_created,
        0,
        "a second run adds nothing"
    );

    let campaigns = app.get("/api/v1/campaigns?q=100%20ngay%20dem").await.json();
    let peak = &campaigns["items"][0];
    assert_eq!(peak["title"], thidua::demo::PEAK_TITLE);
    assert_eq!(peak["status"], "closed");
    assert_eq!(peak["history"].as_array().unwrap().len(), 2);
    let progress = app.get(&format!("/api/v1/campaigns/{}/progress", peak["id"].as_str().unwrap())).await.json();
    assert_eq!(progress["units"].as_array().unwrap().len(), 6);
    assert!(progress["clusters"].as_array().unwrap().iter().all(|c| !c["ranking"].as_array().unwrap().is_empty()));
    // Scored by its scheme's weights and points: every unit has a total, the wards' cluster is
    // ranked by it, and the cluster's 2021 covenant was signed by all four members.
    assert!(progress["scoring_scheme_id"].is_string(), "{progress}");
    assert!(progress["units"].as_array().unwrap().iter().all(|u| u["points"]["total"].is_string()), "{progress}");
    let clusters_2021 = app.get("/api/v1/clusters?year=2021").await.json();
    let ward_cluster =
        clusters_2021.as_array().unwrap().iter().find(|c| c["name"].as_str().unwrap().contains("phường")).unwrap();
    let covenant = app.get(&format!("/api/v1/clusters/{}/covenant", ward_cluster["id"].as_str().unwrap())).await.json();
    assert_eq!((covenant["signatories"].as_array().unwrap().len(), &covenant["unsigned_unit_ids"]), (4, &json!([])));
    // The 2025 cluster of Bắc Kạn's wards proposed its leader for the provincial flag, two votes
    // of three.
    let clusters = app.get("/api/v1/clusters?year=2025").await.json();
    let wards = clusters.as_array().unwrap().iter().find(|c| c["name"].as_str().unwrap().contains("Bắc Kạn")).unwrap();
    let counts = app.get(&format!("/api/v1/clusters/{}/proposals", wards["id"].as_str().unwrap())).await.json();
    assert_eq!(counts[0]["status"], "closed", "{counts}");
    assert_eq!(counts[0]["proposed_unit_id"], wards["leading_unit_id"]);
    assert_eq!(
        (counts[0]["ranking"][0]["points"].as_i64(), counts[0]["voted_unit_ids"].as_array().unwrap().len()),
        (Some(2), 3)
    );
    // The 2025 round: two wards' dossiers from their sheets, one sent and appraised line by line,
    // its collective line judged from the ward's people.
    let rounds = app.get("/api/v1/rounds?year=2025").await.json();
    assert_eq!(rounds["items"].as_array().unwrap().len(), 1, "{rounds}");
    let round_id = rounds["items"][0]["id"].as_str().unwrap();
    let dossiers = app.get(&format!("/api/v1/rounds/{round_id}/dossiers")).await.json();
    let statuses: Vec<&str> =
        dossiers["items"].as_array().unwrap().iter().map(|d| d["status"].as_str().unwrap()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == "submitted").count(), 1, "{dossiers}");
    assert_eq!(statuses.len(), 2);
    let sent = dossiers["items"].as_array().unwrap().iter().find(|d| d["status"] == "submitted").unwrap();
    let lines = app.get(&format!("/api/v1/dossiers/{}/lines", sent["id"].as_str().unwrap())).await.json();
    let lines = lines["items"].as_array().unwrap();
    assert_eq!(lines.len(), 5);
    assert!(lines.iter().all(|l| l["nomination"]["status"] == "appraised"), "{lines:?}");
    // A finished award year: decisions, awards, every state, the files downloadable.
    let decided = app.get("/api/v1/nominations?status=decided&limit=100").await.json();
    assert_eq!(decided["items"].as_array().unwrap().len(), 3);
    // By status, a page's ids are read first, then their rows: the same items, newest first,
    // paged by the same cursor.
    let ids = |page: &serde_json::Value| -> Vec<String> {
        page["items"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap().to_string()).collect()
    };
    let first = app.get("/api/v1/nominations?status=decided&limit=2").await.json();
    let cursor = first["next_cursor"].as_str().expect("a second page");
    let second = app.get(&format!("/api/v1/nominations?status=decided&limit=2&cursor={cursor}")).await.json();
    assert_eq!([ids(&first), ids(&second)].concat(), ids(&decided));
    assert!(second["next_cursor"].is_null());
    let mut newest_first = ids(&decided);
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(ids(&decided), newest_first);
    assert_eq!(app.get("/api/v1/nominations?status=returned").await.json()["items"].as_array().unwrap().len(), 1);
    let fighter = decided["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["documents"].as_array().unwrap().len() == 4)
        .unwrap()
        .clone();
    let file = app.get(fighter["documents"][0]["href"].as_str().unwrap()).await;
    assert_eq!(file.status.as_u16(), 200);
    assert!(file.body.starts_with(b"%PDF"));
    let history = app.get(&format!("/api/v1/awards?person_id={}", fighter["person_id"].as_str().unwrap())).await.json();
    let years: Vec<i64> = history["items"].as_array().unwrap().iter().map(|a| a["year"].as_i64().unwrap()).collect();
    assert_eq!(years, [2024, 2023, 2022, 2021], "three grassroots titles, then the provincial one");

    // Its council session's minutes: every member present, the fighter carried.
    let session: String = thidua::db::schema::council_sessions::table
        .select(thidua::db::schema::council_sessions::id)
        .first(&mut conn)
        .unwrap();
    let minutes = app.get(&format!("/api/v1/council-sessions/{session}/minutes")).await.json();
    assert!(minutes["members"].as_array().unwrap().iter().all(|m| m["present"] == true), "{minutes}");
    assert_eq!(
        (minutes["lines"][0]["result"].as_str(), minutes["present_count"].as_i64()),
        (Some("passed"), Some(3)),
        "{minutes}"
    );
    // Each level's decisions: the department's own, listed apart from the province's.
    let by_level = app.get("/api/v1/decisions?province_level=false").await.json();
    assert_eq!(by_level["items"].as_array().unwrap().len(), 1, "{by_level}");
    assert_eq!(by_level["items"][0]["number"], "03/QĐ-SNV");
    // A ward of today runs its own level through its secretariat (a unit's admin).
    let secretariat = app.get("/api/v1/users?role=unit_admin").await.json();
    let ward = app.get("/api/v1/communes/by-code/01840").await.json();
    assert_eq!(secretariat["items"][0]["unit_id"], ward["id"], "{secretariat}");
    // The year's statistics count the people the board described: the provincial fighter, a
    // man and a woman of the Tày people, among the province's awards of 2025.
    let form = app.get("/api/v1/reports/statistics/provincial-commendations?year=2025").await.json();
    let row =
        |label: &str| form["rows"].as_array().unwrap().iter().find(|r| r["row"] == label).unwrap()["total"].clone();
    assert_eq!((row("Cá nhân là nữ"), row("Cá nhân là người dân tộc thiểu số")), (json!(1), json!(2)), "{form}");
    assert_eq!(row("Khen thưởng thường xuyên"), row("Tổng số"));

    // Nobody can sign in as the demo's author.
    app.login("demo.author", "anything at all").await.problem(401, "invalid_credentials");
}
