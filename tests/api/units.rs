//! The units registry: create, read, update with versions, deactivate, delete, history links,
//! search and filters.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::helpers::{held_back, urlencode, TestApp};

on_both_backends!(
    create_read_update_deactivate_delete,
    stale_and_concurrent_updates_never_both_apply,
    codes_are_unique_per_period_not_forever,
    parents_must_fit_kind_and_period,
    provinces_districts_and_departments_at_their_own_paths,
);

mod seeded {
    use super::*;
    macro_rules! seeded_on_both_backends {
        ($($name:ident),+) => {$(
            mod $name {
                #[actix_web::test]
                async fn sqlite() {
                    super::$name(crate::helpers::TestApp::sqlite(crate::helpers::Options::seeded()).await).await
                }
                #[actix_web::test]
                async fn postgres() {
                    if let Some(app) = crate::helpers::TestApp::postgres(crate::helpers::Options::seeded()).await {
                        super::$name(app).await
                    }
                }
            }
        )+};
    }
    seeded_on_both_backends!(
        merged_communes_link_to_their_predecessors,
        search_ignores_case_and_diacritics,
        filters_by_type_parent_and_date
    );

    pub async fn merged_communes_link_to_their_predecessors(app: TestApp) {
        // Today the code 01840 is the merged ward; in 2021 it was the old one under Bắc Kạn city.
        let today = app.get("/api/v1/communes/by-code/01840").await.json();
        assert_eq!(today["name"], "Phường Đức Xuân");
        assert_eq!(today["valid_from"], "2025-07-01");
        assert_eq!(today["active"], true);
        let in_2021 = app.get("/api/v1/communes/by-code/01840?active_on=2021-06-01").await.json();
        assert_ne!(in_2021["id"], today["id"]);
        assert_eq!(in_2021["valid_until"], "2025-06-30");
        assert_eq!(in_2021["active"], false);

        let lineage = app.get(&format!("/api/v1/communes/{}/lineage", today["id"].as_str().unwrap())).await.json();
        let mut codes: Vec<&str> =
            lineage["predecessors"].as_array().unwrap().iter().map(|p| p["unit"]["code"].as_str().unwrap()).collect();
        codes.sort_unstable();
        assert_eq!(codes, ["01834", "01840", "01846"]);
        assert!(lineage["predecessors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["part"] == "full" && p["effective_on"] == "2025-07-01"));
        assert_eq!(lineage["successors"], json!([]));

        let back = app.get(&format!("/api/v1/communes/{}/lineage", in_2021["id"].as_str().unwrap())).await.json();
        assert_eq!(back["successors"][0]["unit"]["id"], today["id"]);
        assert_eq!(back["predecessors"], json!([]));

        // A retired code with no date resolves to its latest holder; a date with none is 404.
        let retired = app.get("/api/v1/communes/by-code/01834").await.json();
        assert_eq!(retired["name"], "Phường Nguyễn Thị Minh Khai");
        app.get("/api/v1/communes/by-code/01834?active_on=2026-01-01").await.problem(404, "not_found");
        app.get("/api/v1/communes/by-code/00000").await.problem(404, "not_found");

        // Departments of the same name are linked too.
        let snv = app.get("/api/v1/departments/by-code/19-SNV").await.json();
        let snv_lineage = app.get(&format!("/api/v1/departments/{}/lineage", snv["id"].as_str().unwrap())).await.json();
        assert_eq!(snv_lineage["predecessors"][0]["unit"]["code"], "06-SNV");
    }

    fn names(page: &Value) -> Vec<String> {
        page["items"].as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap().to_string()).collect()
    }

    pub async fn search_ignores_case_and_diacritics(app: TestApp) {
        let search = |q: &str| {
            let uri = format!("/api/v1/communes?limit=100&q={}", urlencode(q));
            let app = &app;
            async move { names(&app.get(&uri).await.json()) }
        };
        let plain = search("bac kan").await;
        assert!(plain.contains(&"Phường Bắc Kạn".to_string()), "{plain:?}");
        assert_eq!(search("BẮC KẠN").await, plain);
        assert_eq!(search("Bắc Kạn").await, plain);
        // Decomposed input (NFD) finds the same.
        assert_eq!(search("Ba\u{0306}\u{0301}c Ka\u{0323}n").await, plain);
        // "đ" matches "d" both ways.
        let duc = search("đức xuân").await;
        assert!(duc.iter().any(|n| n == "Phường Đức Xuân"), "{duc:?}");
        assert_eq!(search("duc xuan").await, duc);
        // Only matching names come back, and LIKE wildcards are taken literally.
        assert!(search("xuân").await.iter().all(|n| n.to_lowercase().contains("xuân")));
        assert_eq!(search("%").await, Vec::<String>::new());
        // The provinces search the same way.
        let provinces = names(&app.get("/api/v1/provinces?q=BAC%20KAN").await.json());
        assert_eq!(provinces, ["Tỉnh Bắc Kạn"]);
        app.get("/api/v1/communes?q=").await.problem(400, "invalid_query");
    }

    pub async fn filters_by_type_parent_and_date(app: TestApp) {
        let all = |query: &str| {
            let app = &app;
            let query = query.to_string();
            async move {
                let mut items = Vec::new();
                let mut cursor: Option<String> = None;
                loop {
                    let mut uri = format!("/api/v1/communes?limit=100&{query}");
                    if let Some(c) = &cursor {
                        uri.push_str(&format!("&cursor={c}"));
                    }
                    let page = app.get(&uri).await.json();
                    items.extend(page["items"].as_array().unwrap().iter().cloned());
                    match page["next_cursor"].as_str() {
                        Some(c) => cursor = Some(c.to_string()),
                        None => break items,
                    }
                }
            }
        };
        assert_eq!(all("active_on=2021-01-01").await.len(), 108 + 172, "Bắc Kạn's and Thái Nguyên's");
        assert_eq!(all("active_on=2026-01-01").await.len(), 92, "today's Thái Nguyên");
        let towns = all("type=thi_tran").await;
        assert_eq!(towns.len(), 7 + 10, "towns (thị trấn) before 2025: Bắc Kạn's 7, Thái Nguyên's 10");
        assert!(towns.iter().all(|u| u["type"] == "thi_tran" && u["type_label"] == "Thị trấn"));
        let city = app.get("/api/v1/districts/by-code/058").await.json();
        let wards = all(&format!("parent_id={}", city["id"].as_str().unwrap())).await;
        assert!(!wards.is_empty() && wards.iter().all(|u| u["parent_id"] == city["id"]));
        assert_eq!(wards.len(), 8, "Thành phố Bắc Kạn had 6 wards and 2 communes");
        app.get("/api/v1/communes?type=huyen").await.problem(400, "invalid_query");
        app.get("/api/v1/communes?active_on=2021-13-01").await.problem(400, "invalid_query");
    }
}

fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

async fn create_read_update_deactivate_delete(app: TestApp) {
    let (province, district, commune) = app.small_tree().await;
    let path = format!("/api/v1/communes/{}", id(&commune));

    // Create answered 201 with Location and ETag, and a NFC, trimmed name.
    let res = app
        .post(
            "/api/v1/departments",
            &json!({"code": "99-SNV", "name": " Sở  Nội vụ ", "type": "so", "parent_id": province["id"]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    let department = res.json();
    assert_eq!(res.header("location").unwrap(), format!("/api/v1/departments/{}", id(&department)));
    assert_eq!(res.header("etag"), Some("\"1\""));
    assert_eq!(department["name"], "Sở Nội vụ");

    let read = app.get(&path).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.json(), commune);
    assert_eq!(read.header("etag"), Some("\"1\""));
    // The wrong collection does not serve it.
    app.get(&format!("/api/v1/departments/{}", id(&commune))).await.problem(404, "not_found");
    assert_eq!(app.get("/api/v1/communes/by-code/99999").await.json()["id"], commune["id"]);

    // Update with the right version; the old version is then stale.
    let res = app.patch(&path, &json!({"name": "Xã Đồng Thử Mới", "valid_from": "2020-01-01"}), Some("\"1\"")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let updated = res.json();
    assert_eq!(updated["name"], "Xã Đồng Thử Mới");
    assert_eq!(updated["version"], 2);
    assert_eq!(updated["code"], "99999", "fields left out keep their value");
    assert_eq!(res.header("etag"), Some("\"2\""));
    app.patch(&path, &json!({"name": "lost"}), Some("\"1\"")).await.problem(412, "stale_version");
    assert_eq!(app.get(&path).await.json()["name"], "Xã Đồng Thử Mới");
    // null clears a nullable field.
    let cleared = app.patch(&path, &json!({"valid_from": null}), None).await.json();
    assert_eq!(cleared["valid_from"], Value::Null);

    // A district cannot end while its commune lives on.
    let district_path = format!("/api/v1/districts/{}", id(&district));
    app.post(&format!("{district_path}/deactivate"), &json!({"valid_until": "2025-06-30"}))
        .await
        .problem(409, "has_active_children");

    let res = app.post(&format!("{path}/deactivate"), &json!({"valid_until": "2025-06-30"})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let ended = res.json();
    assert_eq!(ended["valid_until"], "2025-06-30");
    assert_eq!(ended["active"], false);
    app.post(&format!("{path}/deactivate"), &json!({"valid_until": "2025-07-31"}))
        .await
        .problem(409, "already_inactive");
    let district_ended = app.post(&format!("{district_path}/deactivate"), &json!({})).await;
    assert_eq!(district_ended.status, StatusCode::OK, "{}", district_ended.text());

    // A referenced unit is never hard-deleted; an unreferenced one can be.
    app.send(TestRequest::delete().uri(&district_path)).await.problem(409, "unit_in_use");
    assert_eq!(app.get(&district_path).await.status, StatusCode::OK);
    let res = app.send(TestRequest::delete().uri(&path).insert_header(("if-match", "\"999\""))).await;
    res.problem(412, "stale_version");
    let res = app.send(TestRequest::delete().uri(&path)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    app.get(&path).await.problem(404, "not_found");
    app.patch(&path, &json!({"name": "x"}), None).await.problem(404, "not_found");
}

async fn stale_and_concurrent_updates_never_both_apply(app: TestApp) {
    let (_, _, commune) = app.small_tree().await;
    let path = format!("/api/v1/communes/{}", id(&commune));
    // Eight writers holding the same version race: exactly one wins, the rest get 412.
    let writers = (0..8).map(|i| {
        let app = &app;
        let path = path.clone();
        async move { app.patch(&path, &json!({"name": format!("Xã Ghi {i}")}), Some("\"1\"")).await }
    });
    let results = futures_util::future::join_all(writers).await;
    let winners: Vec<_> = results.iter().filter(|r| r.status == StatusCode::OK).collect();
    assert_eq!(winners.len(), 1, "{:?}", results.iter().map(super::helpers::Response::text).collect::<Vec<_>>());
    for loser in results.iter().filter(|r| r.status != StatusCode::OK) {
        loser.problem(412, "stale_version");
    }
    let now = app.get(&path).await.json();
    assert_eq!(now["version"], 2);
    assert_eq!(now["name"], winners[0].json()["name"]);

    // Without If-Match, concurrent changes to different fields are each applied, none lost.
    let (rename, restart) = (json!({"name": "Xã Tên Mới"}), json!({"valid_from": "2019-01-01"}));
    let a = app.patch(&path, &rename, None);
    let b = app.patch(&path, &restart, None);
    let (a, b) = futures_util::future::join(a, b).await;
    assert!(a.status.is_success() && b.status.is_success(), "{} {}", a.text(), b.text());
    let now = app.get(&path).await.json();
    assert_eq!(
        (now["name"].as_str(), now["valid_from"].as_str(), now["version"].as_i64()),
        (Some("Xã Tên Mới"), Some("2019-01-01"), Some(4))
    );
}

async fn codes_are_unique_per_period_not_forever(app: TestApp) {
    let (province, _, commune) = app.small_tree().await;
    // While the commune holds 99999 with no end, nobody else may take it.
    let body = json!({"code": "99999", "name": "Xã Khác", "type": "xa", "parent_id": province["id"], "valid_from": "2030-01-01"});
    app.post("/api/v1/communes", &body).await.problem(409, "code_in_use");
    // Nor may another unit change its code to it; renaming the holder checks nothing else.
    let neighbour = app
        .create("communes", json!({"code": "77777", "name": "Xã Bên Cạnh", "type": "xa", "parent_id": province["id"]}))
        .await;
    let neighbour_path = format!("/api/v1/communes/{}", id(&neighbour));
    app.patch(&neighbour_path, &json!({"code": "99999"}), None).await.problem(409, "code_in_use");
    let renamed = app
        .patch(&format!("/api/v1/communes/{}", id(&commune)), &json!({"name": "Xã Đồng Thử Mới"}), None)
        .await
        .json();
    assert_eq!((renamed["name"].as_str(), renamed["code"].as_str()), (Some("Xã Đồng Thử Mới"), Some("99999")));
    // Once it ends, a successor may reuse the code from the next day, as merged communes do.
    app.post(&format!("/api/v1/communes/{}/deactivate", id(&commune)), &json!({"valid_until": "2029-12-31"})).await;
    let successor = app
        .create("communes", json!({
            "code": "99999", "name": "Xã Khác", "type": "xa", "parent_id": province["id"], "valid_from": "2030-01-01",
            "predecessors": [{"unit_id": commune["id"], "part": "partial"}]
        }))
        .await;
    let lineage = app.get(&format!("/api/v1/communes/{}/lineage", id(&successor))).await.json();
    assert_eq!(lineage["predecessors"][0]["part"], "partial");
    assert_eq!(lineage["predecessors"][0]["part_label"], "Một phần");
    assert_eq!(lineage["predecessors"][0]["effective_on"], "2030-01-01");
    // Reopening the old one would overlap the successor.
    app.patch(&format!("/api/v1/communes/{}", id(&commune)), &json!({"valid_until": null}), None)
        .await
        .problem(409, "code_in_use");
}

async fn parents_must_fit_kind_and_period(app: TestApp) {
    let (province, district, commune) = app.small_tree().await;
    let errors = |res: crate::helpers::Response| {
        let body = res.problem(422, "validation_failed");
        body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["field"].as_str().unwrap().to_string(), e["code"].as_str().unwrap().to_string()))
            .collect::<Vec<_>>()
    };
    let f = |field: &str, code: &str| (field.to_string(), code.to_string());
    // A commune needs a parent; a district's parent must be a province.
    assert_eq!(
        errors(app.post("/api/v1/communes", &json!({"code": "88888", "name": "Xã A", "type": "xa"})).await),
        [f("parent_id", "required")]
    );
    assert_eq!(
        errors(
            app.post(
                "/api/v1/districts",
                &json!({"code": "888", "name": "Huyện B", "type": "huyen", "parent_id": commune["id"]})
            )
            .await
        ),
        [f("parent_id", "wrong_kind")]
    );
    assert_eq!(
        errors(
            app.post(
                "/api/v1/provinces",
                &json!({"code": "88", "name": "Tỉnh C", "type": "tinh", "parent_id": province["id"]})
            )
            .await
        ),
        [f("parent_id", "not_allowed")]
    );
    let missing = uuid::Uuid::now_v7();
    assert_eq!(
        errors(
            app.post("/api/v1/communes", &json!({"code": "88888", "name": "Xã A", "type": "xa", "parent_id": missing}))
                .await
        ),
        [f("parent_id", "not_found")]
    );
    // The same checks when a unit moves to another parent.
    assert_eq!(
        errors(app.patch(&format!("/api/v1/communes/{}", id(&commune)), &json!({"parent_id": missing}), None).await),
        [f("parent_id", "not_found")]
    );
    // A unit must live while its parent does.
    app.patch(&format!("/api/v1/communes/{}", id(&commune)), &json!({"valid_until": "2024-12-31"}), None).await;
    app.post(&format!("/api/v1/districts/{}/deactivate", id(&district)), &json!({"valid_until": "2024-12-31"})).await;
    assert_eq!(
        errors(app.post("/api/v1/communes", &json!({"code": "88888", "name": "Xã A", "type": "xa", "parent_id": district["id"], "valid_from": "2025-07-01"})).await),
        [f("parent_id", "inactive_parent")]
    );
    // Predecessors must exist and be of the same kind; they need an effective date.
    assert_eq!(
        errors(
            app.post(
                "/api/v1/communes",
                &json!({"code": "88888", "name": "Xã A", "type": "xa", "parent_id": province["id"],
            "predecessors": [{"unit_id": district["id"], "part": "full"}, {"unit_id": district["id"], "part": "full"}]})
            )
            .await
        ),
        [
            f("valid_from", "required"),
            f("predecessors[0].unit_id", "wrong_kind"),
            f("predecessors[1].unit_id", "duplicate")
        ]
    );
}

/// The operations the commune flow above exercises, at the province, district and department
/// paths: read by id and by code, patch with versions, list, deactivate, lineage and delete.
async fn provinces_districts_and_departments_at_their_own_paths(app: TestApp) {
    let (province, district, _) = app.small_tree().await;
    let province_path = format!("/api/v1/provinces/{}", id(&province));

    // Read by id (with its ETag) and by code.
    let read = app.get(&province_path).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text());
    assert_eq!(read.json(), province);
    assert_eq!(read.header("etag"), Some("\"1\""));
    let by_code = app.get("/api/v1/provinces/by-code/99").await;
    assert_eq!(by_code.status, StatusCode::OK, "{}", by_code.text());
    assert_eq!(by_code.json()["id"], province["id"]);
    assert_eq!(by_code.json()["name"], "Tỉnh Thử Nghiệm");

    // Patch a province: new name, version 2, a new ETag; the old version is stale.
    let res = app.patch(&province_path, &json!({"name": "Tỉnh Thử Nghiệm Mới"}), Some("\"1\"")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!((res.json()["name"].as_str(), res.json()["version"].as_i64()), (Some("Tỉnh Thử Nghiệm Mới"), Some(2)));
    assert_eq!(res.header("etag"), Some("\"2\""));
    app.patch(&province_path, &json!({"name": "lost"}), Some("\"1\"")).await.problem(412, "stale_version");
    assert_eq!(app.get("/api/v1/provinces/by-code/99").await.json()["name"], "Tỉnh Thử Nghiệm Mới");

    // A department: read, then patch.
    let department = app
        .create(
            "departments",
            json!({"code": "99-STC", "name": "Sở Tài chính", "type": "so", "parent_id": province["id"]}),
        )
        .await;
    let department_path = format!("/api/v1/departments/{}", id(&department));
    let read = app.get(&department_path).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text());
    assert_eq!(read.json(), department);
    assert_eq!(read.header("etag"), Some("\"1\""));
    let res = app.patch(&department_path, &json!({"name": "Sở Tài chính và Kế hoạch"}), Some("\"1\"")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.header("etag"), Some("\"2\""));
    let now = app.get(&department_path).await;
    assert_eq!(
        (now.json()["name"].as_str(), now.json()["version"].as_i64()),
        (Some("Sở Tài chính và Kế hoạch"), Some(2))
    );
    assert_eq!(now.json()["code"], "99-STC", "fields left out keep their value");
    assert_eq!(now.header("etag"), Some("\"2\""));

    // Districts: listed under their province; patched.
    let district_path = format!("/api/v1/districts/{}", id(&district));
    let res = app.patch(&district_path, &json!({"name": "Huyện Thử Mới"}), Some("\"1\"")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!((res.json()["name"].as_str(), res.json()["version"].as_i64()), (Some("Huyện Thử Mới"), Some(2)));
    assert_eq!(res.header("etag"), Some("\"2\""));
    let spare = app
        .create(
            "districts",
            json!({"code": "998", "name": "Huyện Dự Phòng", "type": "huyen", "parent_id": province["id"]}),
        )
        .await;
    let listed = app.get(&format!("/api/v1/districts?parent_id={}", id(&province))).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text());
    let mut names: Vec<String> =
        listed.json()["items"].as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap().to_string()).collect();
    names.sort();
    assert_eq!(names, ["Huyện Dự Phòng", "Huyện Thử Mới"]);
    let found = app.get("/api/v1/districts?q=du%20phong").await.json();
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    assert_eq!(found["items"][0]["id"], spare["id"]);

    // An unreferenced district is deleted: 404 afterwards, gone from the list.
    let spare_path = format!("/api/v1/districts/{}", id(&spare));
    let res = app.send(TestRequest::delete().uri(&spare_path).insert_header(("if-match", "\"1\""))).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text());
    app.get(&spare_path).await.problem(404, "not_found");
    let listed = app.get(&format!("/api/v1/districts?parent_id={}", id(&province))).await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);

    // A district merged into another: lineage both ways.
    let old = app
        .create("districts", json!({"code": "997", "name": "Huyện Cũ", "type": "huyen", "parent_id": province["id"]}))
        .await;
    let ended =
        app.post(&format!("/api/v1/districts/{}/deactivate", id(&old)), &json!({"valid_until": "2024-12-31"})).await;
    assert_eq!(ended.status, StatusCode::OK, "{}", ended.text());
    let merged = app
        .create("districts", json!({"code": "996", "name": "Huyện Hợp Nhất", "type": "huyen", "parent_id": province["id"], "valid_from": "2025-01-01",
            "predecessors": [{"unit_id": old["id"], "part": "full"}]}))
        .await;
    let lineage = app.get(&format!("/api/v1/districts/{}/lineage", id(&merged))).await;
    assert_eq!(lineage.status, StatusCode::OK, "{}", lineage.text());
    let lineage = lineage.json();
    assert_eq!(lineage["predecessors"].as_array().unwrap().len(), 1);
    assert_eq!(
        (lineage["predecessors"][0]["unit"]["id"].as_str(), lineage["predecessors"][0]["part"].as_str()),
        (old["id"].as_str(), Some("full"))
    );
    assert_eq!(lineage["predecessors"][0]["effective_on"], "2025-01-01");
    assert_eq!(lineage["successors"], json!([]));
    let back = app.get(&format!("/api/v1/districts/{}/lineage", id(&old))).await.json();
    assert_eq!(back["successors"][0]["unit"]["id"], merged["id"]);
    assert_eq!(back["predecessors"], json!([]));

    // A province ends (deactivate sets valid_until) and a successor takes over: lineage both ways.
    let old_province = app.create("provinces", json!({"code": "98", "name": "Tỉnh Cũ", "type": "tinh"})).await;
    let old_path = format!("/api/v1/provinces/{}", id(&old_province));
    let res = app.post(&format!("{old_path}/deactivate"), &json!({"valid_until": "2025-06-30"})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.header("etag"), Some("\"2\""));
    let ended = res.json();
    assert_eq!((ended["valid_until"].as_str(), ended["active"].as_bool()), (Some("2025-06-30"), Some(false)));
    assert_eq!(app.get(&old_path).await.json()["valid_until"], "2025-06-30");
    app.get("/api/v1/provinces/by-code/98?active_on=2026-01-01").await.problem(404, "not_found");
    assert_eq!(app.get("/api/v1/provinces/by-code/98?active_on=2025-01-01").await.json()["id"], old_province["id"]);
    let successor = app
        .create(
            "provinces",
            json!({"code": "97", "name": "Tỉnh Mới", "type": "tinh", "valid_from": "2025-07-01",
            "predecessors": [{"unit_id": old_province["id"], "part": "full"}]}),
        )
        .await;
    let lineage = app.get(&format!("/api/v1/provinces/{}/lineage", id(&successor))).await;
    assert_eq!(lineage.status, StatusCode::OK, "{}", lineage.text());
    let lineage = lineage.json();
    assert_eq!(lineage["predecessors"][0]["unit"]["id"], old_province["id"]);
    assert_eq!(lineage["predecessors"][0]["effective_on"], "2025-07-01");
    assert_eq!(lineage["successors"], json!([]));
    let back = app.get(&format!("{old_path}/lineage")).await.json();
    assert_eq!(back["successors"][0]["unit"]["id"], successor["id"]);

    // An unreferenced province is deleted: 404 afterwards, by id and by code.
    let lone = app.create("provinces", json!({"code": "95", "name": "Tỉnh Tạm", "type": "tinh"})).await;
    let lone_path = format!("/api/v1/provinces/{}", id(&lone));
    let res = app.send(TestRequest::delete().uri(&lone_path)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text());
    app.get(&lone_path).await.problem(404, "not_found");
    app.get("/api/v1/provinces/by-code/95").await.problem(404, "not_found");
    // One with districts under it is not.
    app.send(TestRequest::delete().uri(&province_path)).await.problem(409, "unit_in_use");
}

/// On PostgreSQL, writers of one unit queue on an advisory lock keyed by its id before they
/// lock its row (models::units::find_for_update: the row lock's own queue lets new arrivals
/// pass old waiters). A write waits while another transaction holds the unit's place, and
/// goes ahead when that transaction ends.
#[actix_web::test]
async fn a_unit_write_waits_for_its_turn_on_postgres() {
    use diesel::connection::SimpleConnection;
    let Some(app) = TestApp::postgres(Default::default()).await else { return };
    let (_, _, commune) = app.small_tree().await;
    let path = format!("/api/v1/communes/{}", id(&commune));
    let mut holder = app.connection();
    holder.batch_execute("BEGIN").unwrap();
    thidua::db::lock_for_transaction(&mut holder, &format!("unit:{}", id(&commune))).unwrap();
    let rename = json!({"name": "Xã Chờ Lượt"});
    let done = held_back(&mut holder, app.patch(&path, &rename, None), Duration::from_millis(500), "the unit's turn")
        .await
        .json();
    assert_eq!((done["name"].as_str(), done["version"].as_i64()), (Some("Xã Chờ Lượt"), Some(2)));
}
