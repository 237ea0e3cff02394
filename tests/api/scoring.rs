//! Scoring schemes: versions written by the board, checked field by field, scoring progress and
//! the cluster rankings (the worked example of docs/campaigns.md through the API), ratio
//! indicators reported as numerator and denominator, and who may see and write what.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::achievements::day;
use crate::helpers::TestApp;

on_both_backends!(
    the_worked_example_scores_through_the_api,
    schemes_are_checked_versioned_and_guarded,
    ratio_reports_take_numerator_and_denominator,
    reviews_freeze_the_scores_and_early_closes_need_a_reason
);

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

pub struct Example {
    pub campaign: Value,
    /// Households, roads, online files (ratio), office culture (yes/no).
    pub indicators: Vec<Value>,
    pub communes: Vec<Value>,
}

/// A campaign with the worked example's four indicators and `communes` communes, launched.
pub async fn example_campaign(app: &TestApp, communes: usize, launch: bool) -> Example {
    let (province, _, _) = app.small_tree().await;
    let mut units = Vec::new();
    for i in 0..communes {
        let body = json!({"code": format!("9980{i}"), "name": format!("Xã Cụm {i}"), "type": "xa", "parent_id": province["id"]});
        units.push(app.create("communes", body).await);
    }
    let campaign = app
        .create("campaigns", json!({
            "title": "Đợt thi đua cao điểm 100 ngày đêm", "kind": "chuyen_de", "launching_authority": "Chủ tịch UBND tỉnh",
            "start_date": day(-60), "end_date": day(60), "participation": "all_communes",
        }))
        .await;
    let path = format!("/api/v1/campaigns/{}", id(&campaign));
    let mut indicators = Vec::new();
    for body in [
        json!({"name": "Số hộ thoát nghèo", "unit_of_measure": "hộ", "kind": "quantity", "direction": "higher_is_better"}),
        json!({"name": "Km đường bê tông", "unit_of_measure": "km", "kind": "quantity", "direction": "higher_is_better"}),
        json!({"name": "Tỷ lệ hồ sơ giải quyết trực tuyến", "unit_of_measure": "%", "kind": "percentage", "direction": "higher_is_better", "province_target": "85", "ratio": true}),
        json!({"name": "Đạt chuẩn văn hóa công sở", "unit_of_measure": "có/không", "kind": "yes_no", "direction": "higher_is_better"}),
    ] {
        let res = app.post(&format!("{path}/indicators"), &body).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        indicators.push(res.json());
    }
    if launch {
        let res = app.post(&format!("{path}/launch"), &json!({})).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    }
    Example { campaign, indicators, communes: units }
}

impl Example {
    pub fn path(&self) -> String {
        format!("/api/v1/campaigns/{}", id(&self.campaign))
    }

    /// The worked example's scheme (docs/campaigns.md).
    pub fn scheme(&self) -> Value {
        let i = |n: usize| self.indicators[n]["id"].clone();
        json!({
            "note": "Theo Hướng dẫn chấm điểm cụm thi đua",
            "groups": [
                {"code": "I", "name": "Phát triển kinh tế – xã hội", "indicators": [
                    {"indicator_id": i(0), "max_points": "30", "mandatory": true, "scale": "linear_to_target",
                     "bonus": {"points_per_step": "0.5", "step_percent": "10", "cap": "3"}},
                    {"indicator_id": i(1), "max_points": "20", "scale": "thresholds", "thresholds": [
                        {"min_completion": "50", "points": "8"}, {"min_completion": "100", "points": "20"}, {"min_completion": "80", "points": "15"}]},
                ]},
                {"code": "II", "name": "Cải cách hành chính, văn hóa công sở", "weight": "2", "indicators": [
                    {"indicator_id": i(2), "max_points": "15", "mandatory": true, "scale": "linear_to_target",
                     "penalty": {"points_per_step": "1", "step_percent": "5", "cap": "5"}},
                    {"indicator_id": i(3), "max_points": "10.0", "scale": "linear_to_target"},
                ]},
            ],
        })
    }

    pub async fn register(&self, app: &TestApp, commune: usize, targets: &[(usize, &str)]) {
        let targets: Vec<Value> =
            targets.iter().map(|(i, t)| json!({"indicator_id": self.indicators[*i]["id"], "target": t})).collect();
        let res = app
            .post(
                &format!("{}/registrations", self.path()),
                &json!({"unit_id": self.communes[commune]["id"], "targets": targets}),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        let path = format!("/api/v1/registrations/{}", id(&res.json()));
        for action in ["submit", "accept"] {
            let res = app.act(&format!("{path}/{action}")).await;
            assert_eq!(res.status, StatusCode::OK, "{action}: {}", res.text());
        }
    }

    /// Reports (a value, or for the ratio indicator "numerator/denominator") and verifies it.
    pub async fn report(&self, app: &TestApp, commune: usize, indicator: usize, figure: &str) {
        let mut body = json!({"unit_id": self.communes[commune]["id"], "indicator_id": self.indicators[indicator]["id"], "as_of": day(-10)});
        match figure.split_once('/') {
            Some((n, d)) => {
                body["numerator"] = json!(n);
                body["denominator"] = json!(d);
            }
            None => body["value"] = json!(figure),
        }
        let res = app.post(&format!("{}/achievements", self.path()), &body).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        let res = app.act(&format!("/api/v1/achievements/{}/verify", id(&res.json()))).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    }

    /// Communes A, B and C of the worked example, registered and reported.
    pub async fn play(&self, app: &TestApp) {
        let (a, b, c) = (0, 1, 2);
        self.register(app, a, &[(0, "40"), (1, "5"), (2, "80"), (3, "1")]).await;
        self.register(app, b, &[(0, "60"), (2, "90")]).await;
        self.register(app, c, &[(0, "20"), (1, "2"), (3, "1")]).await;
        for (unit, indicator, figure) in [
            (a, 0, "50"),
            (a, 1, "4.2"),
            (a, 2, "120/160"),
            (a, 3, "1"),
            (b, 0, "45"),
            (b, 2, "27/30"),
            (c, 0, "20"),
            (c, 1, "3"),
            (c, 3, "0"),
        ] {
            self.report(app, unit, indicator, figure).await;
        }
    }
}

async fn the_worked_example_scores_through_the_api(app: TestApp) {
    let e = example_campaign(&app, 3, true).await;
    let cluster = app
        .create(
            "clusters",
            json!({"name": "Cụm các xã", "year": day(-60)[..4].parse::<i32>().unwrap(),
            "member_ids": [e.communes[0]["id"], e.communes[1]["id"], e.communes[2]["id"]]}),
        )
        .await;
    let created = app.post(&format!("{}/scoring-schemes", e.path()), &e.scheme()).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let scheme = created.json();
    assert_eq!(created.header("location"), Some(format!("/api/v1/scoring-schemes/{}", id(&scheme)).as_str()));
    assert_eq!((scheme["version"].as_i64(), scheme["max_points"].as_str()), (Some(1), Some("100")));
    // Stored canonically: the default weight written, "10.0" as "10", thresholds highest first.
    assert_eq!(scheme["groups"][0]["weight"], "1");
    assert_eq!(scheme["groups"][1]["indicators"][1]["max_points"], "10");
    let thresholds: Vec<&str> = scheme["groups"][0]["indicators"][1]["thresholds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["min_completion"].as_str().unwrap())
        .collect();
    assert_eq!(thresholds, ["100", "80", "50"]);
    assert_eq!(scheme["groups"][0]["indicators"][1]["scale_label"], "Theo ngưỡng hoàn thành");
    e.play(&app).await;

    let p = app.get(&format!("{}/progress", e.path())).await.json();
    assert_eq!(
        (p["scoring_scheme_id"].as_str(), p["scoring_scheme_version"].as_i64()),
        (Some(id(&scheme).as_str()), Some(1))
    );
    let ranked: Vec<(u64, &str, &str, &str, &str)> = p["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["rank"].as_u64().unwrap(),
                u["unit_id"].as_str().unwrap(),
                u["overall_score"].as_str().unwrap(),
                u["points"]["total"].as_str().unwrap(),
                u["points"]["max_points"].as_str().unwrap(),
            )
        })
        .collect();
    let unit = |n: usize| e.communes[n]["id"].as_str().unwrap();
    assert_eq!(
        ranked,
        [(1, unit(0), "92.12", "92.12", "100"), (2, unit(1), "87.5", "52.5", "60"), (3, unit(2), "50", "50", "100")]
    );
    // A's online files: 120 of 160 = 75% against 80%: 14.06 base, one 5% step short: 13.06.
    let a = &p["units"][0]["points"];
    let online =
        a["indicators"].as_array().unwrap().iter().find(|i| i["indicator_id"] == e.indicators[2]["id"]).unwrap();
    assert_eq!(
        (&online["base_points"], &online["penalty_points"], &online["points"]),
        (&json!("14.06"), &json!("1"), &json!("13.06"))
    );
    assert_eq!((&a["groups"][1]["points"], &a["groups"][1]["weight"]), (&json!("46.12"), &json!("2")));
    // C left out the mandatory online indicator: 0 points on it, its 15 (× 2) still counted.
    let c = &p["units"][2]["points"];
    let missing =
        c["indicators"].as_array().unwrap().iter().find(|i| i["indicator_id"] == e.indicators[2]["id"]).unwrap();
    assert_eq!(
        (&missing["registered"], &missing["counted"], &missing["points"]),
        (&json!(false), &json!(true), &json!("0"))
    );
    // The province's online ratio is the ratio of the sums: 147 of 190 files, 77.37%.
    let online =
        p["indicators"].as_array().unwrap().iter().find(|i| i["indicator_id"] == e.indicators[2]["id"]).unwrap();
    assert_eq!(
        (&online["province_actual"], &online["province_completion"], &online["ratio"]),
        (&json!("77.37"), &json!("91.02"), &json!(true))
    );
    // The cluster ranks by the scheme's score, with the points beside it.
    let ranking =
        &p["clusters"].as_array().unwrap().iter().find(|k| k["cluster_id"] == cluster["id"]).unwrap()["ranking"];
    let in_cluster: Vec<(&str, &str)> = ranking
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["overall_score"].as_str().unwrap(), r["total_points"].as_str().unwrap()))
        .collect();
    assert_eq!(in_cluster, [("92.12", "92.12"), ("87.5", "52.5"), ("50", "50")]);

    // An officer of B sees everyone's points and rank, but only B's targets and actuals.
    let (_, officer_b) = app.user("officer.b", &["unit_officer"], Some(&e.communes[1]["id"])).await;
    let seen = app.send_as(&officer_b, TestRequest::get().uri(&format!("{}/progress", e.path()))).await.json();
    for u in seen["units"].as_array().unwrap() {
        let own = u["unit_id"] == e.communes[1]["id"];
        assert_eq!(u["indicators"].as_array().unwrap().is_empty(), !own, "{u}");
        assert!(u["points"]["total"].is_string(), "{u}");
    }

    // A second version scores from then on; the first stays readable.
    let mut second = e.scheme();
    second["groups"][1]["weight"] = json!("1");
    second["note"] = json!("Hệ số nhóm II về 1");
    let v2 = app.post(&format!("{}/scoring-schemes", e.path()), &second).await;
    assert_eq!(v2.status, StatusCode::CREATED, "{}", v2.text());
    let v2 = v2.json();
    assert_eq!((v2["version"].as_i64(), v2["max_points"].as_str()), (Some(2), Some("75")));
    let p = app.get(&format!("{}/progress", e.path())).await.json();
    assert_eq!(p["scoring_scheme_version"], 2);
    // A: 46 + (13.06 + 10) = 69.06 of 75 = 92.08.
    assert_eq!(
        (&p["units"][0]["points"]["total"], &p["units"][0]["overall_score"]),
        (&json!("69.06"), &json!("92.08"))
    );
    let versions = app.get(&format!("{}/scoring-schemes", e.path())).await.json();
    let listed: Vec<i64> = versions.as_array().unwrap().iter().map(|v| v["version"].as_i64().unwrap()).collect();
    assert_eq!(listed, [2, 1]);
    let first = app.get(&format!("/api/v1/scoring-schemes/{}", id(&scheme))).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    assert_eq!(first.json()["groups"], scheme["groups"]);
}

async fn schemes_are_checked_versioned_and_guarded(app: TestApp) {
    let e = example_campaign(&app, 1, false).await;
    let schemes = format!("{}/scoring-schemes", e.path());
    let mut bad = e.scheme();
    bad["groups"][1]["code"] = json!("I");
    bad["groups"][0]["indicators"][0]["max_points"] = json!("0");
    bad["groups"][0]["indicators"][1]["thresholds"][1]["points"] = json!("21");
    bad["groups"][1]["indicators"][1]["indicator_id"] = json!(uuid::Uuid::now_v7());
    let problem = app.post(&schemes, &bad).await.problem(422, "validation_failed");
    let fields: Vec<(&str, &str)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fields,
        [
            ("groups[0].indicators[0].max_points", "out_of_range"),
            ("groups[0].indicators[1].thresholds[1].points", "out_of_range"),
            ("groups[1].code", "duplicate"),
            ("groups[1].indicators[1].indicator_id", "not_found"),
        ]
    );
    let mut unknown_scale = e.scheme();
    unknown_scale["groups"][0]["indicators"][0]["scale"] = json!("logarithmic");
    assert_eq!(app.post(&schemes, &unknown_scale).await.status.as_u16(), 422);
    app.post(&schemes, &json!({"groups": []})).await.problem(422, "validation_failed");
    assert_eq!(app.get(&schemes).await.json(), json!([]), "nothing was stored");

    // Only the board writes; a draft's schemes are hidden like the draft.
    let (_, viewer) = app.user("viewer.s", &["viewer"], None).await;
    let (_, officer) = app.user("officer.s", &["unit_officer"], Some(&e.communes[0]["id"])).await;
    for token in [&viewer, &officer] {
        app.send_as(token, TestRequest::post().uri(&schemes).set_json(e.scheme())).await.problem(403, "forbidden");
    }
    let draft = app.post(&schemes, &e.scheme()).await.json();
    let one = format!("/api/v1/scoring-schemes/{}", id(&draft));
    app.send_as(&viewer, TestRequest::get().uri(&one)).await.problem(404, "not_found");
    app.send_as(&viewer, TestRequest::get().uri(&schemes)).await.problem(404, "not_found");
    app.get(&format!("/api/v1/scoring-schemes/{}", uuid::Uuid::now_v7())).await.problem(404, "not_found");

    // Launched: everyone signed in reads; closed: the last version stays.
    let res = app.post(&format!("{}/launch", e.path()), &json!({})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let seen = app.send_as(&officer, TestRequest::get().uri(&one)).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.text());
    assert_eq!(seen.json()["version"], 1);
    let res = app.post(&format!("{}/close", e.path()), &json!({"reason": "Kết thúc sớm"})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    app.post(&schemes, &e.scheme()).await.problem(409, "campaign_frozen");
    assert_eq!(app.get(&schemes).await.json().as_array().unwrap().len(), 1);
}

async fn ratio_reports_take_numerator_and_denominator(app: TestApp) {
    let e = example_campaign(&app, 2, true).await;
    // Only a percentage is entered as a ratio (and only in a draft).
    let draft = app
        .create(
            "campaigns",
            json!({"title": "Nháp", "kind": "chuyen_de", "launching_authority": "UBND tỉnh",
            "start_date": day(-1), "end_date": day(60), "participation": "all_communes"}),
        )
        .await;
    let p = app
        .post(
            &format!("/api/v1/campaigns/{}/indicators", id(&draft)),
            &json!({"name": "Số hồ sơ", "unit_of_measure": "hồ sơ", "kind": "quantity", "direction": "higher_is_better", "ratio": true}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!((&p["errors"][0]["field"], &p["errors"][0]["code"]), (&json!("ratio"), &json!("not_allowed")));
    assert_eq!(e.indicators[2]["ratio"], true);
    assert_eq!(e.indicators[0]["ratio"], false);

    e.register(&app, 0, &[(0, "10"), (2, "80")]).await;
    let reports = format!("{}/achievements", e.path());
    let body = |extra: Value| {
        let mut body = json!({"unit_id": e.communes[0]["id"], "indicator_id": e.indicators[2]["id"], "as_of": day(-5)});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let refused = |p: Value| -> Vec<(String, String)> {
        p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["field"].as_str().unwrap().to_string(), e["code"].as_str().unwrap().to_string()))
            .collect()
    };
    let pair = |f: &str, c: &str| (f.to_string(), c.to_string());
    let p = app.post(&reports, &body(json!({"value": "75"}))).await.problem(422, "validation_failed");
    assert_eq!(
        refused(p),
        [pair("value", "not_allowed"), pair("numerator", "required"), pair("denominator", "required")]
    );
    let p = app
        .post(&reports, &body(json!({"numerator": "5", "denominator": "0"})))
        .await
        .problem(422, "validation_failed");
    assert_eq!(refused(p), [pair("denominator", "out_of_range")]);
    let p = app
        .post(&reports, &body(json!({"numerator": "50", "denominator": "40"})))
        .await
        .problem(422, "validation_failed");
    assert_eq!(refused(p), [pair("numerator", "out_of_range")]);
    let quantity = json!({"unit_id": e.communes[0]["id"], "indicator_id": e.indicators[0]["id"], "as_of": day(-5), "numerator": "1", "denominator": "2"});
    let p = app.post(&reports, &quantity).await.problem(422, "validation_failed");
    assert_eq!(
        refused(p),
        [pair("numerator", "not_allowed"), pair("denominator", "not_allowed"), pair("value", "required")]
    );

    // 1 of 3 files: the value is the ratio, to 6 places; the parts are kept.
    let res = app.post(&reports, &body(json!({"numerator": "1", "denominator": "3.0"}))).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let report = res.json();
    assert_eq!(
        (&report["value"], &report["numerator"], &report["denominator"]),
        (&json!("33.333333"), &json!("1"), &json!("3"))
    );
    // Corrected before verification: the parts change, the value follows.
    let path = format!("/api/v1/achievements/{}", id(&report));
    let corrected = app
        .send(
            TestRequest::put()
                .uri(&path)
                .insert_header(("if-match", "\"1\""))
                .set_json(body(json!({"numerator": "120", "denominator": "160", "unit_id": null}))),
        )
        .await;
    assert_eq!(corrected.status, StatusCode::OK, "{}", corrected.text());
    assert_eq!(corrected.json()["value"], "75");
    let res = app.act(&format!("{path}/verify")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let p = app.get(&format!("{}/progress", e.path())).await.json();
    let online =
        p["indicators"].as_array().unwrap().iter().find(|i| i["indicator_id"] == e.indicators[2]["id"]).unwrap();
    assert_eq!(online["province_actual"], "75");
    let own = &p["units"][0]["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["indicator_id"] == e.indicators[2]["id"])
        .unwrap()
        .clone();
    assert_eq!((&own["actual"], &own["completion"]), (&json!("75"), &json!("93.75")));
    assert!(p["units"][0]["points"].is_null(), "no scheme, no points");
    assert_eq!(p["scoring_scheme_version"], Value::Null);
}

async fn reviews_freeze_the_scores_and_early_closes_need_a_reason(app: TestApp) {
    let e = example_campaign(&app, 3, true).await;
    let schemes = format!("{}/scoring-schemes", e.path());
    let v1 = app.post(&schemes, &e.scheme()).await.json();
    e.play(&app).await;
    let reviews = format!("{}/reviews", e.path());
    let body = json!({
        "kind": "so_ket", "held_on": day(-5), "title": "Hội nghị sơ kết đợt thi đua",
        "narrative": "Các xã hoàn thành phần lớn chỉ tiêu; Xã Cụm 2 chưa đăng ký chỉ tiêu bắt buộc.",
        "documents": [{"title": "Báo cáo sơ kết", "number": "45/BC-UBND", "date": day(-5)}],
    });
    let created = app.post(&reviews, &body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let review = created.json();
    assert_eq!(created.header("location"), Some(format!("/api/v1/reviews/{}", id(&review)).as_str()));
    assert_eq!((&review["kind_label"], &review["scoring_scheme_id"]), (&json!("Sơ kết"), &v1["id"]));
    assert_eq!(review["documents"][0]["number"], "45/BC-UBND");
    let totals = |r: &Value| -> Vec<String> {
        r["snapshot"]["units"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["points"]["total"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(totals(&review), ["92.12", "52.5", "50"]);

    // Later reports and a new scheme change progress, not the review.
    let later =
        json!({"unit_id": e.communes[2]["id"], "indicator_id": e.indicators[3]["id"], "as_of": day(-2), "value": "1"});
    let res = app.post(&format!("{}/achievements", e.path()), &later).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    assert_eq!(app.act(&format!("/api/v1/achievements/{}/verify", id(&res.json()))).await.status, StatusCode::OK);
    let mut second = e.scheme();
    second["groups"][1]["weight"] = json!("1");
    assert_eq!(app.post(&schemes, &second).await.status, StatusCode::CREATED);
    let now = app.get(&format!("{}/progress", e.path())).await.json();
    assert_eq!(now["units"][2]["points"]["total"], "60", "C: 50 + 10 for office culture");
    let again = app.get(&format!("/api/v1/reviews/{}", id(&review))).await.json();
    assert_eq!((totals(&again), &again["snapshot"]["scoring_scheme_version"]), (totals(&review), &json!(1)));

    // B's officer reads the review with B's own targets only; a draft's reviews are hidden.
    let (_, officer_b) = app.user("officer.b", &["unit_officer"], Some(&e.communes[1]["id"])).await;
    let seen = app.send_as(&officer_b, TestRequest::get().uri(&reviews)).await.json();
    for u in seen[0]["snapshot"]["units"].as_array().unwrap() {
        assert_eq!(u["indicators"].as_array().unwrap().is_empty(), u["unit_id"] != e.communes[1]["id"], "{u}");
    }
    app.send_as(&officer_b, TestRequest::post().uri(&reviews).set_json(&body)).await.problem(403, "forbidden");
    // The report it rests on, filed with it: the board files, everyone who reads the campaign
    // downloads; the frozen scores stay as they were.
    let file_upload = || {
        TestRequest::post()
            .uri(&format!("/api/v1/reviews/{}/files?filename=bao-cao-so-ket.pdf", id(&review)))
            .insert_header(("content-type", "application/pdf"))
            .set_payload(b"%PDF-1.7\n%%EOF\n".to_vec())
    };
    app.send_as(&officer_b, file_upload()).await.problem(403, "forbidden");
    let filed = app.send(file_upload()).await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.text());
    let with_file =
        app.send_as(&officer_b, TestRequest::get().uri(&format!("/api/v1/reviews/{}", id(&review)))).await.json();
    assert_eq!(
        (with_file["files"][0]["filename"].as_str(), totals(&with_file)),
        (Some("bao-cao-so-ket.pdf"), totals(&review))
    );
    let download = app.send_as(&officer_b, TestRequest::get().uri(filed.json()["href"].as_str().unwrap())).await;
    assert_eq!(download.status, StatusCode::OK);
    app.get(&format!("/api/v1/review-files/{}", uuid::Uuid::now_v7())).await.problem(404, "not_found");

    // Bad input: each field named, nothing written.
    let bad =
        json!({"kind": "tong_ket", "held_on": day(5), "title": " ", "narrative": "", "documents": [{"title": ""}]});
    let p = app.post(&reviews, &bad).await.problem(422, "validation_failed");
    let fields: Vec<(&str, &str)> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fields,
        [
            ("title", "required"),
            ("narrative", "required"),
            ("held_on", "in_future"),
            ("documents[0].title", "required")
        ]
    );
    let p = app.post(&reviews, &json!({"kind": "so_ket", "held_on": day(-61), "title": "x", "narrative": "y"})).await;
    p.problem(422, "validation_failed");
    assert_eq!(app.get(&reviews).await.json().as_array().unwrap().len(), 1);

    // Closing 60 days before the end date needs a reason, which the history keeps.
    let p = app.post(&format!("{}/close", e.path()), &json!({})).await.problem(422, "validation_failed");
    assert_eq!((&p["errors"][0]["field"], &p["errors"][0]["code"]), (&json!("reason"), &json!("required")));
    let closed =
        app.post(&format!("{}/close", e.path()), &json!({"reason": "Hoàn thành sớm các chỉ tiêu của đợt"})).await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.text());
    let history = closed.json()["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (&history["to_status"], &history["reason"]),
        (&json!("closed"), &json!("Hoàn thành sớm các chỉ tiêu của đợt"))
    );
    // The final review after the close.
    let fin = json!({"kind": "tong_ket", "held_on": day(0), "title": "Tổng kết", "narrative": "Kết thúc sớm."});
    assert_eq!(app.post(&reviews, &fin).await.status, StatusCode::CREATED);

    let draft = app
        .create(
            "campaigns",
            json!({"title": "Nháp", "kind": "chuyen_de", "launching_authority": "UBND tỉnh",
            "start_date": day(-1), "end_date": day(60), "participation": "all_communes"}),
        )
        .await;
    app.post(&format!("/api/v1/campaigns/{}/reviews", id(&draft)), &fin).await.problem(409, "campaign_not_launched");
}
