//! Achievements: the reporting rules, evidence uploads (including broken and oversized ones),
//! and progress arithmetic checked against values computed by hand.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use chrono::TimeDelta;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::helpers::TestApp;

on_both_backends!(
    progress_matches_hand_computed_values,
    reports_follow_the_rules,
    evidence_uploads_are_checked_and_atomic
);

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

pub fn day(offset: i64) -> String {
    (thidua::domain::units::today_in_vietnam() + TimeDelta::days(offset)).to_string()
}

pub struct Setup {
    pub campaign: Value,
    pub indicators: Vec<Value>,
    pub communes: Vec<Value>,
}

/// A launched campaign running from 60 days ago to 60 days ahead, with three communes and
/// indicators of each kind.
pub async fn setup(app: &TestApp, commune_count: usize) -> Setup {
    let (province, _, _) = app.small_tree().await;
    let mut communes = Vec::new();
    for i in 0..commune_count {
        let body = json!({"code": format!("9990{i}"), "name": format!("Xã Thi Đua {i}"), "type": "xa", "parent_id": province["id"]});
        communes.push(app.create("communes", body).await);
    }
    let campaign = app
        .create("campaigns", json!({
            "title": "Thi đua hoàn thành chỉ tiêu", "kind": "thuong_xuyen", "launching_authority": "Chủ tịch UBND tỉnh",
            "start_date": day(-60), "end_date": day(60), "participation": "all_communes",
        }))
        .await;
    let path = format!("/api/v1/campaigns/{}", id(&campaign));
    let mut indicators = Vec::new();
    for body in [
        json!({"name": "Số hộ thoát nghèo", "unit_of_measure": "hộ", "kind": "quantity", "direction": "higher_is_better", "province_target": "300"}),
        json!({"name": "Tỷ lệ hộ nghèo", "unit_of_measure": "%", "kind": "percentage", "direction": "lower_is_better", "province_target": "5"}),
        json!({"name": "Đạt chuẩn nông thôn mới", "unit_of_measure": "có/không", "kind": "yes_no", "direction": "higher_is_better"}),
    ] {
        let res = app.post(&format!("{path}/indicators"), &body).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        indicators.push(res.json());
    }
    let res = app.post(&format!("{path}/launch"), &json!({})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    Setup { campaign, indicators, communes }
}

impl Setup {
    pub async fn register(&self, app: &TestApp, commune: usize, targets: &[(usize, &str)]) {
        let targets: Vec<Value> =
            targets.iter().map(|(i, t)| json!({"indicator_id": self.indicators[*i]["id"], "target": t})).collect();
        let res = app
            .post(
                &format!("/api/v1/campaigns/{}/registrations", id(&self.campaign)),
                &json!({"unit_id": self.communes[commune]["id"], "targets": targets}),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        // Progress counts accepted registrations only.
        let path = format!("/api/v1/registrations/{}", id(&res.json()));
        for action in ["submit", "accept"] {
            let res = app.act(&format!("{path}/{action}")).await;
            assert_eq!(res.status, StatusCode::OK, "{action}: {}", res.text());
        }
    }

    fn report_body(&self, commune: usize, indicator: usize, value: &str, as_of: &str) -> Value {
        json!({"unit_id": self.communes[commune]["id"], "indicator_id": self.indicators[indicator]["id"], "value": value, "as_of": as_of})
    }

    /// Reports as the admin, and verifies unless told not to.
    pub async fn report(
        &self,
        app: &TestApp,
        commune: usize,
        indicator: usize,
        value: &str,
        as_of: &str,
        verify: bool,
    ) -> Value {
        let res = app
            .post(
                &format!("/api/v1/campaigns/{}/achievements", id(&self.campaign)),
                &self.report_body(commune, indicator, value, as_of),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        let report = res.json();
        if verify {
            let res = app.act(&format!("/api/v1/achievements/{}/verify", id(&report))).await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        }
        report
    }
}

async fn progress_matches_hand_computed_values(app: TestApp) {
    let s = setup(&app, 3).await;
    let (a, b, c) = (0, 1, 2);
    s.register(&app, a, &[(0, "100"), (1, "5"), (2, "1")]).await;
    s.register(&app, b, &[(0, "200"), (1, "5")]).await;
    s.register(&app, c, &[(0, "50")]).await;
    let cluster = app
        .create("clusters", json!({"name": "Cụm A-B", "year": day(-60)[..4].parse::<i32>().unwrap(), "member_ids": [s.communes[a]["id"], s.communes[b]["id"]], "leading_unit_id": s.communes[a]["id"]}))
        .await;

    // A: 40 then 80 households (the later one counts), an unverified 999 that must not count.
    s.report(&app, a, 0, "40", &day(-20), true).await;
    s.report(&app, a, 0, "80", &day(-10), true).await;
    s.report(&app, a, 0, "999", &day(-5), false).await;
    s.report(&app, a, 1, "4", &day(-10), true).await;
    s.report(&app, a, 2, "1", &day(-10), true).await;
    s.report(&app, b, 0, "150", &day(-10), true).await;
    s.report(&app, b, 1, "10", &day(-10), true).await;
    s.report(&app, c, 0, "60", &day(-10), true).await;

    let progress = app.get(&format!("/api/v1/campaigns/{}/progress", id(&s.campaign))).await;
    assert_eq!(progress.status, StatusCode::OK, "{}", progress.text());
    let p = progress.json();
    let unit = |commune: usize| {
        p["units"].as_array().unwrap().iter().find(|u| u["unit_id"] == s.communes[commune]["id"]).unwrap().clone()
    };

    // A: 80/100 = 80%; lower-is-better 5/4 = 125% (capped at 100 in the score); yes = 100%.
    let ua = unit(a);
    let completions: Vec<&str> =
        ua["indicators"].as_array().unwrap().iter().map(|i| i["completion"].as_str().unwrap()).collect();
    let mut sorted_a: Vec<(String, String)> = ua["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["indicator_id"].as_str().unwrap().to_string(), i["completion"].as_str().unwrap().to_string()))
        .collect();
    sorted_a.sort();
    let want = |i: usize, v: &str| (s.indicators[i]["id"].as_str().unwrap().to_string(), v.to_string());
    let mut expected_a = vec![want(0, "80"), want(1, "125"), want(2, "100")];
    expected_a.sort();
    assert_eq!(sorted_a, expected_a, "{completions:?}");
    assert_eq!(ua["overall_score"], "93.33", "(80 + 100 + 100) / 3");
    // B: 150/200 = 75%; 5/10 = 50% → 62.5. C: 60/50 = 120% → capped → 100.
    assert_eq!(unit(b)["overall_score"], "62.5");
    assert_eq!(unit(c)["overall_score"], "100");
    let order: Vec<(u64, String)> = p["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["rank"].as_u64().unwrap(), u["unit_id"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(order, [(1, id(&s.communes[c])), (2, id(&s.communes[a])), (3, id(&s.communes[b]))]);

    // Province: households 80 + 150 + 60 = 290 of 300 → 96.67%; poverty rate mean (4 + 10) / 2
    // = 7 against 5, lower is better → 71.43%; the yes/no has no province target.
    let indicator = |i: usize| {
        p["indicators"].as_array().unwrap().iter().find(|x| x["indicator_id"] == s.indicators[i]["id"]).unwrap().clone()
    };
    assert_eq!(
        (indicator(0)["province_actual"].as_str(), indicator(0)["province_completion"].as_str()),
        (Some("290"), Some("96.67"))
    );
    assert_eq!(
        (indicator(1)["province_actual"].as_str(), indicator(1)["province_completion"].as_str()),
        (Some("7"), Some("71.43"))
    );
    assert_eq!(indicator(2)["province_completion"], Value::Null);
    // Beside the machine values, their Vietnamese labels.
    assert_eq!(
        (&indicator(1)["kind_label"], &indicator(1)["direction_label"]),
        (&json!("Tỷ lệ phần trăm"), &json!("Càng thấp càng tốt"))
    );
    assert_eq!(
        (&ua["registration_status"], &ua["registration_status_label"]),
        (&json!("accepted"), &json!("Đã chấp thuận"))
    );
    assert_eq!(indicator(0)["units_reporting"], 3);

    // An officer sees every unit's rank and score, but the targets and actuals of their own only.
    let (_, officer_b) = app.user("officer.b", &["unit_officer"], Some(&s.communes[b]["id"])).await;
    let seen = app
        .send_as(&officer_b, TestRequest::get().uri(&format!("/api/v1/campaigns/{}/progress", id(&s.campaign))))
        .await
        .json();
    for u in seen["units"].as_array().unwrap() {
        let own = u["unit_id"] == s.communes[b]["id"];
        assert_eq!(u["indicators"].as_array().unwrap().is_empty(), !own, "{u}");
        assert!(u["overall_score"].is_string());
    }

    // The cluster ranks its own members only.
    let ranking =
        &p["clusters"].as_array().unwrap().iter().find(|k| k["cluster_id"] == cluster["id"]).unwrap()["ranking"];
    let ranked: Vec<(u64, &str)> = ranking
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["rank"].as_u64().unwrap(), r["overall_score"].as_str().unwrap()))
        .collect();
    assert_eq!(ranked, [(1, "93.33"), (2, "62.5")]);
}

async fn reports_follow_the_rules(app: TestApp) {
    let s = setup(&app, 2).await;
    s.register(&app, 0, &[(0, "100")]).await;
    s.register(&app, 1, &[(0, "100")]).await;
    let (_, officer_a) = app.user("officer.a", &["unit_officer"], Some(&s.communes[0]["id"])).await;
    let (_, officer_b) = app.user("officer.b", &["unit_officer"], Some(&s.communes[1]["id"])).await;
    let reports = format!("/api/v1/campaigns/{}/achievements", id(&s.campaign));
    let as_a = |req: TestRequest| app.send_as(&officer_a, req);

    as_a(TestRequest::post().uri(&reports).set_json(s.report_body(1, 0, "5", &day(-1))))
        .await
        .problem(403, "forbidden");
    let fields = |res: crate::helpers::Response| {
        let body = res.problem(422, "validation_failed");
        body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| format!("{}:{}", e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        fields(as_a(TestRequest::post().uri(&reports).set_json(s.report_body(0, 1, "5", &day(-1)))).await),
        ["indicator_id:not_registered"]
    );
    assert_eq!(
        fields(as_a(TestRequest::post().uri(&reports).set_json(s.report_body(0, 0, "-5", &day(-1)))).await),
        ["value:negative"]
    );
    assert_eq!(
        fields(as_a(TestRequest::post().uri(&reports).set_json(s.report_body(0, 0, "mười", &day(-1)))).await),
        ["value:invalid_decimal"]
    );
    assert_eq!(
        fields(as_a(TestRequest::post().uri(&reports).set_json(s.report_body(0, 0, "5", &day(-90)))).await),
        ["as_of:outside_campaign"]
    );
    assert_eq!(
        fields(as_a(TestRequest::post().uri(&reports).set_json(s.report_body(0, 0, "5", &day(3)))).await),
        ["as_of:in_future"]
    );
    let mut numeric = s.report_body(0, 0, "5", &day(-1));
    numeric["value"] = json!(5);
    as_a(TestRequest::post().uri(&reports).set_json(numeric)).await.problem(422, "invalid_body");
    let listed = app.get(&reports).await.json();
    assert_eq!(listed["items"], json!([]), "no rejected report was stored");

    let res = as_a(TestRequest::post().uri(&reports).set_json(json!({
        "unit_id": s.communes[0]["id"], "indicator_id": s.indicators[0]["id"], "value": "12", "as_of": day(-1),
        "person_name": "Nguyễn Văn An", "narrative": "Vận động 12 hộ vay vốn phát triển sản xuất",
    })))
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let report = res.json();
    let path = format!("/api/v1/achievements/{}", id(&report));

    // Another unit's officer gets nothing of it.
    app.send_as(&officer_b, TestRequest::get().uri(&path)).await.problem(404, "not_found");
    assert_eq!(app.send_as(&officer_b, TestRequest::get().uri(&reports)).await.json()["items"], json!([]));
    app.send_as(
        &officer_b,
        TestRequest::put().uri(&path).insert_header(("if-match", "\"1\"")).set_json(s.report_body(1, 0, "1", &day(-1))),
    )
    .await
    .problem(404, "not_found");

    // The board reviews: only admins; returning needs a reason; a corrected report is resubmitted.
    as_a(TestRequest::post().uri(&format!("{path}/verify"))).await.problem(403, "forbidden");
    app.post(&format!("{path}/return"), &json!({})).await.problem(422, "validation_failed");
    let returned = app.post(&format!("{path}/return"), &json!({"reason": "Thiếu minh chứng"})).await.json();
    assert_eq!(returned["status"], "returned");
    let corrected = as_a(
        TestRequest::put()
            .uri(&path)
            .insert_header(("if-match", format!("\"{}\"", returned["version"])))
            .set_json(s.report_body(0, 0, "13", &day(-1))),
    )
    .await;
    assert_eq!(corrected.status, StatusCode::OK, "{}", corrected.text());
    assert_eq!(corrected.json()["status"], "submitted");
    as_a(TestRequest::put().uri(&path).insert_header(("if-match", "\"1\"")).set_json(s.report_body(
        0,
        0,
        "14",
        &day(-1),
    )))
    .await
    .problem(412, "stale_version");
    let verified = app.act(&format!("{path}/verify")).await.json();
    assert_eq!((verified["status"].as_str(), verified["value"].as_str()), (Some("verified"), Some("13")));
    assert!(verified["verified_by"].is_string() && returned["verified_by"].is_null(), "returning is not verifying");
    app.put_current(&officer_a, &path, &s.report_body(0, 0, "15", &day(-1))).await.problem(409, "achievement_verified");

    // Closing the campaign freezes reports.
    let pending = s.report(&app, 1, 0, "3", &day(-1), false).await;
    app.post(&format!("/api/v1/campaigns/{}/close", id(&s.campaign)), &json!({"reason": "Tổng kết sớm"})).await;
    as_a(TestRequest::post().uri(&reports).set_json(s.report_body(0, 0, "20", &day(-1))))
        .await
        .problem(409, "campaign_frozen");
    app.act(&format!("/api/v1/achievements/{}/verify", id(&pending))).await.problem(409, "campaign_frozen");
}

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";

pub async fn evidence_uploads_are_checked_and_atomic(app: TestApp) {
    let s = setup(&app, 2).await;
    s.register(&app, 0, &[(0, "100")]).await;
    let (_, officer_b) = app.user("officer.b", &["unit_officer"], Some(&s.communes[1]["id"])).await;
    let report = s.report(&app, 0, 0, "10", &day(-1), false).await;
    let upload = |content_type: &str, body: Vec<u8>| {
        TestRequest::post()
            .uri(&format!("/api/v1/achievements/{}/evidence?filename=bien-ban.pdf", id(&report)))
            .insert_header(("content-type", content_type.to_string()))
            .set_payload(body)
    };

    let res = app.send(upload("application/pdf", PDF.to_vec())).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let file = res.json();
    assert_eq!(file["sha256"], hex::encode(Sha256::digest(PDF)));
    assert_eq!(file["size_bytes"], PDF.len());
    assert_eq!(file["filename"], "bien-ban.pdf");
    let download = app.get(file["href"].as_str().unwrap()).await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.body, PDF);
    assert_eq!(download.header("content-type"), Some("application/pdf"));
    let with_file = app.get(&format!("/api/v1/achievements/{}", id(&report))).await.json();
    assert_eq!(with_file["evidence"][0]["id"], file["id"]);
    assert_eq!(with_file["version"], 2, "adding evidence changes the report's version");
    assert_eq!(app.stored_files(), 1);

    // Refused uploads store nothing: a type not on the list, a name that lies about the
    // content, a file over the limit (64 KiB in tests).
    app.send(upload("text/plain", b"hello".to_vec())).await.problem(415, "unsupported_file_type");
    app.send(upload("application/x-msdownload", b"MZ\x90\x00".to_vec())).await.problem(415, "unsupported_file_type");
    let body = app.send(upload("application/pdf", PNG.to_vec())).await.problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["code"], "content_mismatch");
    let mut big = PDF.to_vec();
    big.resize(70 * 1024, b' ');
    app.send(upload("application/pdf", big)).await.problem(413, "payload_too_large");
    // A client that does not know the type sends application/octet-stream: the content decides,
    // and must still be one of the allowed types.
    app.send(upload("application/octet-stream", b"MZ\x90\x00".to_vec())).await.problem(415, "unsupported_file_type");
    let untyped = app.send(upload("application/octet-stream", PNG.to_vec())).await;
    assert_eq!(untyped.status, StatusCode::CREATED, "{}", untyped.text());
    assert_eq!(untyped.json()["content_type"], "image/png");
    let download = app.get(untyped.json()["href"].as_str().unwrap()).await;
    assert_eq!((download.header("content-type"), download.body.as_slice()), (Some("image/png"), PNG));
    // Another unit's officer can neither add nor read.
    app.send_as(&officer_b, upload("application/pdf", PDF.to_vec())).await.problem(404, "not_found");
    app.send_as(&officer_b, TestRequest::get().uri(file["href"].as_str().unwrap())).await.problem(404, "not_found");
    // Once verified, no more files; the one written before the refusal is removed again.
    app.act(&format!("/api/v1/achievements/{}/verify", id(&report))).await;
    app.send(upload("application/pdf", PDF.to_vec())).await.problem(409, "achievement_verified");
    assert_eq!(app.stored_files(), 2, "no orphan files");
    assert_eq!(
        app.get(&format!("/api/v1/achievements/{}", id(&report))).await.json()["evidence"].as_array().unwrap().len(),
        2
    );
}

/// A client that sends part of a file and hangs up leaves neither a record nor a file.
#[actix_web::test]
async fn a_truncated_upload_over_http_leaves_nothing() {
    use std::io::{Read, Write};
    let app = TestApp::sqlite(Default::default()).await;
    let s = setup(&app, 1).await;
    s.register(&app, 0, &[(0, "100")]).await;
    let report = s.report(&app, 0, 0, "10", &day(-1), false).await;

    let mut settings = app.state.settings.clone();
    settings.bind = "127.0.0.1:0".parse().unwrap();
    settings.workers = 1;
    let key = thidua::startup::signing_key(&settings).unwrap();
    let state = thidua::startup::state(settings, &key).unwrap();
    let (server, addr) = thidua::startup::serve(state).unwrap();
    let handle = server.handle();
    actix_web::rt::spawn(server);

    let token = app.admin_token.clone();
    let path = format!("/api/v1/achievements/{}/evidence?filename=x.pdf", id(&report));
    let response = actix_web::rt::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/pdf\r\nContent-Length: 50000\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(&PDF[..40]).unwrap();
        stream.shutdown(std::net::Shutdown::Write).unwrap();
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer
    })
    .await
    .unwrap();
    handle.stop(true).await;
    assert!(!response.starts_with("HTTP/1.1 201"), "a truncated upload was accepted: {response}");
    assert_eq!(app.stored_files(), 0, "no file");
    assert_eq!(
        app.get(&format!("/api/v1/achievements/{}", id(&report))).await.json()["evidence"],
        json!([]),
        "no record"
    );
}
