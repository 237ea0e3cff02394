//! Reports: figures checked against data made here, CSV and XLSX read back, content negotiation,
//! and what another unit's officer may see.

use std::io::Cursor;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use serde_json::{json, Value};

use crate::achievements::{day, setup};
use crate::helpers::{Response, TestApp};

on_both_backends!(
    progress_report_in_three_formats,
    awards_report_counts_and_rolls_up,
    nominations_report_counts_what_the_caller_may_list,
    scored_cluster_reports_for_a_review_date,
    provincial_commendation_statistics_follow_the_ministrys_form,
    campaign_statistics_count_what_each_level_launched
);

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

async fn get_as(app: &TestApp, token: &str, path: &str, accept: Option<&str>) -> Response {
    let mut req = TestRequest::get().uri(path);
    if let Some(accept) = accept {
        req = req.insert_header(("accept", accept));
    }
    app.send_as(token, req).await
}

/// The JSON rows, checking the document's shape on the way.
fn rows(res: &Response) -> Vec<Value> {
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.header("content-type"), Some("application/json"));
    assert_eq!(res.header("vary"), Some("Accept"));
    let doc = res.json();
    let keys: Vec<&str> = doc["columns"].as_array().unwrap().iter().map(|c| c["key"].as_str().unwrap()).collect();
    for row in doc["rows"].as_array().unwrap() {
        let mut row_keys: Vec<&str> = row.as_object().unwrap().keys().map(String::as_str).collect();
        row_keys.sort_unstable();
        let mut want = keys.clone();
        want.sort_unstable();
        assert_eq!(row_keys, want);
    }
    doc["rows"].as_array().unwrap().clone()
}

/// CSV records (header first), after checking the BOM and the attachment.
fn csv_records(res: &Response, file_prefix: &str) -> Vec<Vec<String>> {
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.header("content-type"), Some("text/csv; charset=utf-8"));
    let disposition = res.header("content-disposition").unwrap();
    assert!(
        disposition.starts_with(&format!("attachment; filename=\"{file_prefix}")) && disposition.ends_with(".csv\""),
        "{disposition}"
    );
    let body = res.body.strip_prefix("\u{feff}".as_bytes()).expect("a UTF-8 byte-order mark");
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(body);
    reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect()
}

/// The first sheet's cells, after checking the attachment.
fn sheet(res: &Response, file_prefix: &str) -> calamine::Range<Data> {
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.header("content-type"), Some(XLSX));
    let disposition = res.header("content-disposition").unwrap();
    assert!(
        disposition.starts_with(&format!("attachment; filename=\"{file_prefix}")) && disposition.ends_with(".xlsx\""),
        "{disposition}"
    );
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(res.body.clone())).expect("an XLSX workbook");
    let name = workbook.sheet_names()[0].clone();
    let range = workbook.worksheet_range_at(0).expect("a sheet").expect("readable");
    // The full title in the first row; the sheet's name is its start, cut between words.
    let title = text(&range, 0, 0);
    assert!(name.chars().count() <= 31 && title.starts_with(&name), "sheet {name:?}, title {title:?}");
    assert!(name == title || title[name.len()..].starts_with([' ', ',']), "{name:?} ends mid-word in {title:?}");
    // The table below it, from (0, 0).
    let cells: Vec<calamine::Cell<Data>> = range
        .used_cells()
        .filter(|(row, _, _)| *row > 0)
        .map(|(row, col, value)| calamine::Cell::new(((row - 1) as u32, col as u32), value.clone()))
        .collect();
    calamine::Range::from_sparse(cells)
}

fn text(range: &calamine::Range<Data>, row: usize, col: usize) -> String {
    match range.get_value((row as u32, col as u32)) {
        Some(Data::String(s)) => s.clone(),
        other => panic!("({row}, {col}) is not text: {other:?}"),
    }
}

fn number(range: &calamine::Range<Data>, row: usize, col: usize) -> f64 {
    match range.get_value((row as u32, col as u32)) {
        Some(Data::Float(n)) => *n,
        Some(Data::Int(n)) => *n as f64,
        other => panic!("({row}, {col}) is not a number: {other:?}"),
    }
}

async fn progress_report_in_three_formats(app: TestApp) {
    let s = setup(&app, 3).await;
    let (a, b) = (0, 1);
    s.register(&app, a, &[(0, "100"), (1, "5"), (2, "1")]).await;
    s.register(&app, b, &[(0, "200"), (1, "5")]).await;
    let year: i32 = day(-60)[..4].parse().unwrap();
    app.create("clusters", json!({"name": "Cụm xã vùng cao", "year": year, "member_ids": [s.communes[a]["id"], s.communes[b]["id"]], "leading_unit_id": s.communes[b]["id"]}))
        .await;
    s.report(&app, a, 0, "80", &day(-10), true).await;
    s.report(&app, a, 1, "4", &day(-10), true).await;
    s.report(&app, a, 2, "1", &day(-10), true).await;
    s.report(&app, b, 0, "150", &day(-10), true).await;
    s.report(&app, b, 1, "10", &day(-10), true).await;
    let path = format!("/api/v1/reports/campaigns/{}/progress", id(&s.campaign));
    let admin = app.admin_token.clone();

    // JSON: A = (80 + 100 + 100) / 3 = 93.33 ranks first; B = (75 + 50) / 2 = 62.5.
    let units = rows(&get_as(&app, &admin, &path, None).await);
    assert_eq!(units.len(), 2, "registered units only");
    assert_eq!(
        (
            &units[0]["rank"],
            &units[0]["unit_code"],
            &units[0]["unit_name"],
            &units[0]["unit_kind"],
            &units[0]["overall_score"]
        ),
        (&json!(1), &s.communes[a]["code"], &json!("Xã Thi Đua 0"), &json!("commune"), &json!("93.33"))
    );
    assert_eq!(
        (&units[0]["target_1"], &units[0]["actual_1"], &units[0]["completion_1"]),
        (&json!("100"), &json!("80"), &json!("80"))
    );
    assert_eq!((&units[0]["completion_2"], &units[0]["actual_3"]), (&json!("125"), &json!("1")));
    assert_eq!(
        (&units[1]["rank"], &units[1]["overall_score"], &units[1]["target_3"]),
        (&json!(2), &json!("62.5"), &Value::Null)
    );

    // By cluster: B leads the cluster but ranks second in it.
    let clusters = rows(&get_as(&app, &admin, &format!("{path}?by=cluster"), None).await);
    let ranked: Vec<(&Value, &Value, &Value, &Value)> =
        clusters.iter().map(|r| (&r["cluster_name"], &r["rank"], &r["unit_code"], &r["leading_unit"])).collect();
    assert_eq!(
        ranked,
        [
            (&json!("Cụm xã vùng cao"), &json!(1), &s.communes[a]["code"], &Value::Null),
            (&json!("Cụm xã vùng cao"), &json!(2), &s.communes[b]["code"], &json!("x"))
        ]
    );

    // CSV: the same figures, Vietnamese headings.
    let records = csv_records(&get_as(&app, &admin, &format!("{path}?format=csv"), None).await, "campaign-progress-");
    assert_eq!(records[0][..5], ["Hạng", "Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Điểm tổng hợp (%)"]);
    assert_eq!(records[0][5], "Số hộ thoát nghèo (hộ): chỉ tiêu");
    assert_eq!(
        records[1][..7],
        ["1", s.communes[a]["code"].as_str().unwrap(), "Xã Thi Đua 0", "commune", "93.33", "100", "80"]
    );
    assert_eq!(records.len(), 3);

    // XLSX: headings as text, scores and targets as numbers.
    let cells = sheet(&get_as(&app, &admin, &path, Some(XLSX)).await, "campaign-progress-");
    assert_eq!(
        (text(&cells, 0, 0), text(&cells, 0, 2), text(&cells, 0, 7)),
        ("Hạng".into(), "Tên đơn vị".into(), "Số hộ thoát nghèo (hộ): % hoàn thành".into())
    );
    assert_eq!(
        (number(&cells, 1, 0), text(&cells, 1, 2), number(&cells, 1, 4), number(&cells, 1, 6)),
        (1.0, "Xã Thi Đua 0".into(), 93.33, 80.0)
    );
    assert_eq!(
        (number(&cells, 2, 4), cells.get_value((2, 11))),
        (62.5, Some(&Data::Empty)),
        "B registered no yes/no target"
    );

    // B's officer sees every rank and score, but A's targets and actuals are empty.
    let (_, officer_b) = app.user("officer.b", &["unit_officer"], Some(&s.communes[b]["id"])).await;
    let seen = rows(&get_as(&app, &officer_b, &path, None).await);
    assert_eq!(
        (&seen[0]["overall_score"], &seen[0]["target_1"], &seen[0]["actual_1"]),
        (&json!("93.33"), &Value::Null, &Value::Null)
    );
    assert_eq!((&seen[1]["target_1"], &seen[1]["actual_1"]), (&json!("200"), &json!("150")));
    let cells = sheet(&get_as(&app, &officer_b, &format!("{path}?format=xlsx"), None).await, "campaign-progress-");
    assert_eq!((cells.get_value((1, 5)), number(&cells, 2, 5)), (Some(&Data::Empty), 200.0));

    // Negotiation: the parameter wins over Accept; the best quality wins; nothing acceptable is 406.
    let res = get_as(&app, &admin, &format!("{path}?format=json"), Some("text/csv")).await;
    assert_eq!((res.header("content-type"), res.header("content-disposition")), (Some("application/json"), None));
    let res = get_as(&app, &admin, &path, Some("application/json;q=0.5, text/csv")).await;
    assert_eq!(res.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(get_as(&app, &admin, &path, Some("*/*")).await.header("content-type"), Some("application/json"));
    get_as(&app, &admin, &path, Some("text/html")).await.problem(406, "not_acceptable");
    get_as(&app, &admin, &format!("{path}?format=pdf"), None).await.problem(400, "invalid_query");
    // One URL per file format, for generated clients: the same tables, whatever `Accept` says.
    let records = csv_records(
        &get_as(&app, &admin, &format!("{path}.csv"), Some("application/json")).await,
        "campaign-progress-",
    );
    assert_eq!((records[1][1].as_str(), records.len()), (s.communes[a]["code"].as_str().unwrap(), 3));
    let cells = sheet(&get_as(&app, &officer_b, &format!("{path}.xlsx?by=unit"), None).await, "campaign-progress-");
    assert_eq!((cells.get_value((1, 5)), number(&cells, 2, 5)), (Some(&Data::Empty), 200.0));
    get_as(&app, &admin, &format!("{path}.csv?format=xlsx"), None).await.problem(400, "invalid_query");
    get_as(&app, &admin, &format!("{path}?by=district"), None).await.problem(400, "invalid_query");
    get_as(&app, &admin, &format!("/api/v1/reports/campaigns/{}/progress", uuid::Uuid::now_v7()), None)
        .await
        .problem(404, "not_found");
    app.send_anonymous(TestRequest::get().uri(&path)).await.problem(401, "invalid_token");
}

async fn awards_report_counts_and_rolls_up(app: TestApp) {
    thidua::seed::seed_reference(&mut app.connection()).unwrap();
    let types = app.get("/api/v1/award-types").await.json();
    let type_id = |code: &str| types.as_array().unwrap().iter().find(|t| t["code"] == code).unwrap()["id"].clone();
    let old_ward = app.get("/api/v1/communes/by-code/01834?active_on=2021-06-01").await.json();
    let new_ward = app.get("/api/v1/communes/by-code/01840").await.json();
    let award = |type_code: &str, year: i32, recipient: (&str, &Value)| {
        let mut body = json!({"award_type_id": type_id(type_code), "year": year, "decision_number": format!("{year}/QĐ-UBND"), "decision_date": format!("{}-01-15", year + 1), "decided_by": "Chủ tịch UBND tỉnh"});
        body[recipient.0] = recipient.1["id"].clone();
        app.create("awards", body)
    };
    // The old ward: a flag in 2021 and a grassroots fighter's titles in 2020 and 2021; today's
    // ward: a collective title in 2021 and one revoked.
    let person = app.create("people", json!({"full_name": "Nông Văn Hải", "unit_id": old_ward["id"]})).await;
    award("CO_THI_DUA_TINH", 2021, ("unit_id", &old_ward)).await;
    award("CSTD_CO_SO", 2020, ("person_id", &person)).await;
    award("CSTD_CO_SO", 2021, ("person_id", &person)).await;
    award("TTLDXS", 2021, ("unit_id", &new_ward)).await;
    let revoked = award("TTLDXS", 2021, ("unit_id", &new_ward)).await;
    app.post(&format!("/api/v1/awards/{}/revoke", id(&revoked)), &json!({"reason": "Kê khai không trung thực"})).await;

    let summary = |rows: Vec<Value>| -> Vec<(i64, String, String, i64)> {
        rows.iter()
            .map(|r| {
                (
                    r["year"].as_i64().unwrap(),
                    r["award_type_code"].as_str().unwrap().into(),
                    r["unit_code"].as_str().unwrap().into(),
                    r["awards"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    let row = |y: i64, t: &str, u: &str, n: i64| (y, t.to_string(), u.to_string(), n);
    let admin = app.admin_token.clone();
    let plain = rows(&get_as(&app, &admin, "/api/v1/reports/awards?from_year=2020&to_year=2021", None).await);
    assert_eq!(
        summary(plain.clone()),
        [
            row(2020, "CSTD_CO_SO", "01834", 1),
            row(2021, "CO_THI_DUA_TINH", "01834", 1),
            row(2021, "CSTD_CO_SO", "01834", 1),
            row(2021, "TTLDXS", "01840", 1)
        ]
    );
    assert_eq!(
        (&plain[0]["unit_name"], &plain[0]["award_type_name"]),
        (&json!("Phường Nguyễn Thị Minh Khai"), &json!("Chiến sĩ thi đua cơ sở"))
    );

    // Rolled up, the old ward's awards count under Phường Đức Xuân.
    let rolled = summary(rows(&get_as(&app, &admin, "/api/v1/reports/awards?year=2021&roll_up=true", None).await));
    assert_eq!(
        rolled,
        [
            row(2021, "CO_THI_DUA_TINH", "01840", 1),
            row(2021, "CSTD_CO_SO", "01840", 1),
            row(2021, "TTLDXS", "01840", 1)
        ]
    );
    let by_code =
        summary(rows(&get_as(&app, &admin, "/api/v1/reports/awards?award_type=CSTD_CO_SO&roll_up=true", None).await));
    assert_eq!(by_code, [row(2020, "CSTD_CO_SO", "01840", 1), row(2021, "CSTD_CO_SO", "01840", 1)]);

    // Every signed-in user reads the award history, so the counts: an officer of another unit too.
    let (_, officer) = app.user("officer.x", &["unit_officer"], Some(&new_ward["id"])).await;
    let records =
        csv_records(&get_as(&app, &officer, "/api/v1/reports/awards?year=2021", Some("text/csv")).await, "awards-2021");
    assert_eq!(
        records[0],
        [
            "Năm",
            "Mã hình thức",
            "Danh hiệu, hình thức khen thưởng",
            "Mã đơn vị",
            "Tên đơn vị",
            "Loại đơn vị",
            "Số lượt khen thưởng"
        ]
    );
    assert_eq!(
        records[1],
        ["2021", "CO_THI_DUA_TINH", "Cờ thi đua cấp tỉnh", "01834", "Phường Nguyễn Thị Minh Khai", "commune", "1"]
    );
    let cells = sheet(
        &get_as(&app, &admin, "/api/v1/reports/awards?year=2021&roll_up=true&format=xlsx", None).await,
        "awards-rolled-up-2021",
    );
    assert_eq!(
        (text(&cells, 0, 6), number(&cells, 1, 0), text(&cells, 1, 4), number(&cells, 1, 6)),
        ("Số lượt khen thưởng".into(), 2021.0, "Phường Đức Xuân".into(), 1.0)
    );
    assert_eq!(
        csv_records(&get_as(&app, &officer, "/api/v1/reports/awards.csv?year=2021", None).await, "awards-2021"),
        records
    );
    let same = sheet(
        &get_as(&app, &admin, "/api/v1/reports/awards.xlsx?year=2021&roll_up=true", None).await,
        "awards-rolled-up-2021",
    );
    assert_eq!(text(&same, 1, 4), "Phường Đức Xuân");

    get_as(&app, &admin, "/api/v1/reports/awards?year=2021&from_year=2020", None).await.problem(400, "invalid_query");
    get_as(&app, &admin, "/api/v1/reports/awards?from_year=2022&to_year=2021", None)
        .await
        .problem(400, "invalid_query");
    get_as(&app, &admin, "/api/v1/reports/awards?award_type=KHONG_CO", None).await.problem(400, "invalid_query");
}

async fn nominations_report_counts_what_the_caller_may_list(app: TestApp) {
    thidua::seed::seed_reference(&mut app.connection()).unwrap();
    let (commune, department) = crate::auth::commune_and_department(&app).await;
    let types = app.get("/api/v1/award-types").await.json();
    let type_id = |code: &str| types.as_array().unwrap().iter().find(|t| t["code"] == code).unwrap()["id"].clone();
    let year = 2025;
    let nominate = |unit: &Value, name: &str, code: &str| {
        let (unit, name, code) = (unit.clone(), name.to_string(), code.to_string());
        let app = &app;
        let type_id = type_id(&code);
        async move {
            let person = app.create("people", json!({"full_name": name, "unit_id": unit["id"]})).await;
            app.create(
                "nominations",
                json!({"award_type_id": type_id, "person_id": person["id"], "unit_id": unit["id"], "year": year}),
            )
            .await
        }
    };
    nominate(&commune, "Đinh Thị Lan", "LDTT").await;
    nominate(&commune, "Hà Văn Tú", "LDTT").await;
    let withdrawn = nominate(&commune, "Lường Thị Hoa", "CSTD_CO_SO").await;
    let res = app.post(&format!("/api/v1/nominations/{}/withdraw", id(&withdrawn)), &json!({})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    nominate(&department, "Phạm Quốc Bảo", "LDTT").await;

    let summary = |rows: Vec<Value>| -> Vec<(String, String, String, i64)> {
        rows.iter()
            .map(|r| {
                (
                    r["status"].as_str().unwrap().into(),
                    r["status_name"].as_str().unwrap().into(),
                    r["award_type_code"].as_str().unwrap().into(),
                    r["nominations"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    let row = |s: &str, name: &str, t: &str, n: i64| (s.to_string(), name.to_string(), t.to_string(), n);
    let path = format!("/api/v1/reports/nominations?year={year}");
    let all = summary(rows(&get_as(&app, &app.admin_token, &path, None).await));
    assert_eq!(all, [row("draft", "Dự thảo", "LDTT", 3), row("withdrawn", "Đã rút", "CSTD_CO_SO", 1)]);
    assert_eq!(
        rows(&get_as(&app, &app.admin_token, "/api/v1/reports/nominations?year=2024", None).await),
        Vec::<Value>::new()
    );

    // The department's officer counts only the department's nomination; a province-level viewer all.
    let (_, officer) = app.user("officer.syt", &["unit_officer"], Some(&department["id"])).await;
    assert_eq!(summary(rows(&get_as(&app, &officer, &path, None).await)), [row("draft", "Dự thảo", "LDTT", 1)]);
    let (_, viewer) = app.user("viewer", &["viewer"], None).await;
    let cells = sheet(&get_as(&app, &viewer, &format!("{path}&format=xlsx"), None).await, "nominations-2025");
    assert_eq!(
        (text(&cells, 0, 1), text(&cells, 1, 1), text(&cells, 1, 3), number(&cells, 1, 4)),
        ("Trạng thái".into(), "Dự thảo".into(), "Lao động tiên tiến".into(), 3.0)
    );
    let same = sheet(
        &get_as(&app, &viewer, &format!("/api/v1/reports/nominations.xlsx?year={year}"), None).await,
        "nominations-2025",
    );
    assert_eq!((text(&same, 1, 1), number(&same, 1, 4)), ("Dự thảo".into(), 3.0));
    let records = csv_records(
        &get_as(&app, &viewer, &format!("/api/v1/reports/nominations.csv?year={year}"), None).await,
        "nominations-2025",
    );
    assert_eq!((records[1][1].as_str(), records[1][4].as_str()), ("Dự thảo", "3"));
    // A council member outside any session counts nothing.
    let (_, member) = app.user("council", &["council_member"], None).await;
    assert_eq!(rows(&get_as(&app, &member, &path, None).await), Vec::<Value>::new());
}

/// The worked example of docs/campaigns.md as the cluster's points table and the province's
/// table by cluster, in three formats, for a review date before a later report.
async fn scored_cluster_reports_for_a_review_date(app: TestApp) {
    let e = crate::scoring::example_campaign(&app, 3, true).await;
    let year: i32 = day(-60)[..4].parse().unwrap();
    app.create("clusters", json!({"name": "Cụm các xã", "year": year,
        "member_ids": [e.communes[0]["id"], e.communes[1]["id"], e.communes[2]["id"]], "leading_unit_id": e.communes[1]["id"]}))
        .await;
    let res = app.post(&format!("{}/scoring-schemes", e.path()), &e.scheme()).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    e.play(&app).await;
    // After the review date, A reports 60 households: 150%, 2.5 bonus points.
    let later =
        json!({"unit_id": e.communes[0]["id"], "indicator_id": e.indicators[0]["id"], "as_of": day(-3), "value": "60"});
    let res = app.post(&format!("{}/achievements", e.path()), &later).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let res = app.act(&format!("/api/v1/achievements/{}/verify", id(&res.json()))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());

    let path = format!("/api/v1/reports/campaigns/{}/progress", id(&e.campaign));
    let review = format!("{path}?by=cluster&as_of={}", day(-5));
    let admin = app.admin_token.clone();
    let table = rows(&get_as(&app, &admin, &review, None).await);
    let points: Vec<[&Value; 7]> = table
        .iter()
        .map(|r| {
            [
                &r["rank"],
                &r["overall_score"],
                &r["total_points"],
                &r["max_points"],
                &r["group_I"],
                &r["group_II"],
                &r["points_3"],
            ]
        })
        .collect();
    assert_eq!(
        points,
        [
            [
                &json!(1),
                &json!("92.12"),
                &json!("92.12"),
                &json!("100"),
                &json!("46"),
                &json!("46.12"),
                &json!("13.06")
            ],
            [&json!(2), &json!("87.5"), &json!("52.5"), &json!("60"), &json!("22.5"), &json!("30"), &json!("15")],
            [&json!(3), &json!("50"), &json!("50"), &json!("100"), &json!("50"), &json!("0"), &json!("0")],
        ]
    );
    // B did not take on the optional roads indicator: blank, not 0.
    assert_eq!((&table[1]["points_2"], &table[0]["points_2"]), (&Value::Null, &json!("15")));
    // Without the review date, A's later report counts: 30 + 2.5 + 15 + 46.12.
    let now = rows(&get_as(&app, &admin, &format!("{path}?by=cluster"), None).await);
    assert_eq!((&now[0]["total_points"], &now[0]["points_1"]), (&json!("93.62"), &json!("32.5")));

    let records = csv_records(
        &get_as(&app, &admin, &format!("{review}&format=csv"), None).await,
        &format!("campaign-progress-by-cluster-{}-{}", id(&e.campaign), day(-5)),
    );
    assert_eq!(records[0][7..9], ["Tổng điểm", "Điểm tối đa"]);
    assert_eq!(records[0][9], "I. Phát triển kinh tế – xã hội (hệ số 1): điểm");
    assert_eq!(records[0][13], "Tỷ lệ hồ sơ giải quyết trực tuyến: điểm (tối đa 15)");
    assert_eq!(records[1][6..11], ["92.12", "92.12", "100", "46", "46.12"]);
    let cells =
        sheet(&get_as(&app, &admin, &format!("{review}&format=xlsx"), None).await, "campaign-progress-by-cluster-");
    assert_eq!((text(&cells, 0, 7), number(&cells, 1, 7), number(&cells, 3, 10)), ("Tổng điểm".into(), 92.12, 0.0));

    // The province's table by cluster: the cluster's figures over its members, then the province.
    let province = rows(&get_as(&app, &admin, &format!("{path}?by=province&as_of={}", day(-5)), None).await);
    assert_eq!(province.len(), 2);
    assert_eq!(
        [
            &province[0]["cluster_name"],
            &province[0]["ranked_units"],
            &province[0]["first_unit"],
            &province[0]["first_score"]
        ],
        [&json!("Cụm các xã"), &json!(3), &json!("Xã Cụm 0"), &json!("92.12")]
    );
    assert_eq!((&province[0]["actual_1"], &province[0]["actual_3"]), (&json!("115"), &json!("77.37")));
    assert_eq!((&province[1]["cluster_name"], &province[1]["actual_3"]), (&json!("Toàn tỉnh"), &json!("77.37")));
    let cells =
        sheet(&get_as(&app, &admin, &format!("{path}.xlsx?by=province"), None).await, "campaign-province-by-cluster-");
    assert_eq!((text(&cells, 1, 0), number(&cells, 1, 4)), ("Cụm các xã".into(), 125.0), "households 60 + 45 + 20");

    // B's officer sees the points table (as the ranking), and no one a malformed review date.
    let (_, officer_b) = app.user("officer.b", &["unit_officer"], Some(&e.communes[1]["id"])).await;
    let seen = rows(&get_as(&app, &officer_b, &review, None).await);
    assert_eq!(seen[0]["total_points"], "92.12");
    get_as(&app, &admin, &format!("{path}?by=cluster&as_of=1800-01-01"), None).await.problem(400, "invalid_query");
}

/// Biểu 0603.N/BNV-TĐKT: the province's awards of the reporting year (1 December to 30
/// November), by whom commended and by column; protected attributes only as counts, for the
/// board and province-level readers.
async fn provincial_commendation_statistics_follow_the_ministrys_form(app: TestApp) {
    thidua::seed::seed_reference(&mut app.connection()).unwrap();
    let types = app.get("/api/v1/award-types").await.json();
    let type_id = |code: &str| types.as_array().unwrap().iter().find(|t| t["code"] == code).unwrap()["id"].clone();
    let ward = app.get("/api/v1/communes/by-code/01840").await.json();
    let woman = app
        .create("people", json!({"full_name": "Hoàng Thị Mai", "unit_id": ward["id"], "gender": "female", "ethnicity_code": "02", "staff_category": "other_leader"}))
        .await;
    let man = app
        .create(
            "people",
            json!({"full_name": "Nông Văn Hải", "unit_id": ward["id"], "gender": "male", "ethnicity_code": "01"}),
        )
        .await;
    let award = |code: &str, decided: &str, recipient: (&str, &Value)| {
        let mut body = json!({"award_type_id": type_id(code), "year": 2025, "decision_number": format!("{decided}/QĐ-UBND"), "decision_date": decided, "decided_by": "Chủ tịch UBND tỉnh"});
        body[recipient.0] = recipient.1["id"].clone();
        if code == "CSTD_TINH" {
            body["commendation_type"] = json!("ad_hoc");
        }
        app.create("awards", body)
    };
    let recorded = award("BANG_KHEN_TINH_CA_NHAN", "2024-12-01", ("person_id", &woman)).await;
    assert!(recorded["commendation_type"].is_null() && recorded["commendation_type_label"].is_null());
    award("CSTD_TINH", "2025-11-30", ("person_id", &man)).await;
    award("CO_THI_DUA_TINH", "2025-06-01", ("unit_id", &ward)).await;
    award("TTLDXS", "2025-06-01", ("unit_id", &ward)).await;
    // Outside the period, or not the province's to grant: not counted.
    award("BANG_KHEN_TINH_CA_NHAN", "2025-12-01", ("person_id", &man)).await;
    award("LDTT", "2025-06-01", ("person_id", &woman)).await;

    let path = "/api/v1/reports/statistics/provincial-commendations?year=2025";
    let table = rows(&app.get(path).await);
    let row = |label: &str| table.iter().find(|r| r["row"] == label).unwrap().clone();
    let counts = |r: Value| {
        ["total", "bang_khen", "chien_si_thi_dua", "co_thi_dua", "ky_niem_chuong", "other"].map(|k| r[k].as_i64())
    };
    assert_eq!(counts(row("Tổng số")), [Some(4), Some(1), Some(1), Some(1), Some(0), Some(1)]);
    assert_eq!(row("Tổng số")["row_code"], "01");
    assert_eq!(counts(row("Tập thể")), [Some(2), Some(0), Some(0), Some(1), Some(0), Some(1)]);
    assert_eq!(counts(row("Cá nhân")), [Some(2), Some(1), Some(1), Some(0), Some(0), Some(0)]);
    assert_eq!(counts(row("Các cấp lãnh đạo khác từ phó phòng trở lên"))[0], Some(1));
    assert_eq!(counts(row("Cá nhân chưa ghi đối tượng"))[0], Some(1));
    assert_eq!(counts(row("Cá nhân là nữ")), [Some(1), Some(1), Some(0), Some(0), Some(0), Some(0)]);
    assert_eq!(counts(row("Cá nhân là người dân tộc thiểu số"))[0], Some(1));
    assert_eq!(counts(row("Trong đó: Doanh nghiệp")), [None; 6], "not recorded: empty, not 0");
    // By type of commendation (rows 11–17): the one ad hoc award; the rest of no recorded type.
    assert_eq!(row("Khen thưởng đột xuất")["row_code"], "13");
    assert_eq!(counts(row("Khen thưởng đột xuất")), [Some(1), Some(0), Some(1), Some(0), Some(0), Some(0)]);
    assert_eq!(counts(row("Khen thưởng thường xuyên"))[0], Some(0));
    assert_eq!(counts(row("Chưa ghi loại hình khen thưởng"))[0], Some(3));
    let csv = csv_records(
        &app.get("/api/v1/reports/statistics/provincial-commendations.csv?year=2025").await,
        "provincial-commendations",
    );
    assert_eq!(csv[1][..3], ["01", "Tổng số", "4"]);
    let cells = sheet(
        &app.get("/api/v1/reports/statistics/provincial-commendations.xlsx?year=2025").await,
        "provincial-commendations",
    );
    assert_eq!((text(&cells, 1, 1), number(&cells, 1, 2)), ("Tổng số".into(), 4.0));
    // Counts of protected attributes are the board's and the province's readers'.
    let (commune, _) = crate::auth::commune_and_department(&app).await;
    let (_, officer) = app.user("can.bo", &["unit_officer"], Some(&commune["id"])).await;
    get_as(&app, &officer, path, None).await.problem(403, "forbidden");
    let (_, viewer) = app.user("xem.tinh", &["viewer"], None).await;
    assert_eq!(get_as(&app, &viewer, path, None).await.status, StatusCode::OK);
    app.get("/api/v1/reports/statistics/provincial-commendations?year=1200").await.problem(400, "invalid_query");

    // Biểu 0602.N: the State's awards the province proposed and recorded — here Chiến sĩ thi đua
    // toàn quốc and the Government's flag; the province's own are not counted there.
    award("CSTD_TOAN_QUOC", "2025-05-01", ("person_id", &woman)).await;
    let flag = app
        .create("awards", json!({"award_type_id": type_id("CO_THI_DUA_CP"), "unit_id": ward["id"], "year": 2024, "decision_number": "101/QĐ-TTg", "decision_date": "2025-03-01", "decided_by": "Thủ tướng Chính phủ", "commendation_type": "thematic"}))
        .await;
    assert_eq!(flag["commendation_type_label"], "Khen thưởng theo chuyên đề");
    let state_path = "/api/v1/reports/statistics/state-commendations?year=2025";
    let table = rows(&app.get(state_path).await);
    let by_code = |code: &str| table.iter().find(|r| r["row_code"] == code).unwrap().clone();
    assert_eq!(
        ["total", "co_thi_dua_chinh_phu", "chien_si_thi_dua_toan_quoc", "huan_chuong"]
            .map(|k| by_code("01")[k].as_i64()),
        [Some(2), Some(1), Some(1), Some(0)]
    );
    assert!(by_code("02")["total"].is_null(), "ministries' proposals are not recorded here");
    assert_eq!(by_code("03")["total"], 2);
    assert_eq!((by_code("06")["row"].as_str(), by_code("06")["total"].as_i64()), (Some("Tập thể"), Some(1)));
    assert_eq!(by_code("16")["co_thi_dua_chinh_phu"], 1);
    let cells =
        sheet(&app.get("/api/v1/reports/statistics/state-commendations.xlsx?year=2025").await, "state-commendations");
    assert_eq!(
        (text(&cells, 0, 3), text(&cells, 1, 0), number(&cells, 1, 2)),
        ("Các loại huân chương".into(), "01".into(), 2.0)
    );
    get_as(&app, &officer, state_path, None).await.problem(403, "forbidden");
    let records = csv_records(
        &app.get("/api/v1/reports/statistics/state-commendations.csv?year=2025").await,
        "state-commendations",
    );
    assert_eq!(records[1][..3], ["01", "Tổng số", "2"]);
}

/// A campaign as `token` creates it, with one indicator, launched unless `draft`.
async fn campaign_launched(app: &TestApp, token: &str, body: Value, draft: bool) -> Value {
    let res = app.send_as(token, TestRequest::post().uri("/api/v1/campaigns").set_json(&body)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let campaign = res.json();
    let path = format!("/api/v1/campaigns/{}", id(&campaign));
    let indicator = json!({"name": "Số hộ đạt chuẩn", "unit_of_measure": "hộ", "kind": "quantity", "direction": "higher_is_better"});
    let res = app.send_as(token, TestRequest::post().uri(&format!("{path}/indicators")).set_json(&indicator)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    if !draft {
        let res = app.send_as(token, TestRequest::post().uri(&format!("{path}/launch")).set_json(json!({}))).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    }
    campaign
}

/// Biểu 0601.N/BNV-TĐKT: the campaigns launched in the reporting year, by the level that launched
/// them, scope, duration and method; drafts and campaigns of other periods not counted.
async fn campaign_statistics_count_what_each_level_launched(app: TestApp) {
    let (_, _, commune) = app.small_tree().await;
    let (_, commune_admin) = app.user("qt.xa", &["unit_admin"], Some(&commune["id"])).await;
    let campaign = |kind: &str, start: &str, end: &str, participation: &str| {
        let units = if participation == "units" { json!([commune["id"]]) } else { json!([]) };
        json!({"title": format!("Thi đua {kind} {start}"), "kind": kind, "launching_authority": "Chủ tịch UBND",
               "start_date": start, "end_date": end, "participation": participation, "unit_ids": units})
    };
    let admin = app.admin_token.clone();
    // The province: a thematic peak of four months and an ongoing year-long one.
    campaign_launched(&app, &admin, campaign("chuyen_de", "2025-02-01", "2025-05-31", "all_communes"), false).await;
    campaign_launched(&app, &admin, campaign("thuong_xuyen", "2025-01-01", "2025-12-31", "all_units"), false).await;
    // A commune's own five-year movement.
    campaign_launched(&app, &commune_admin, campaign("chuyen_de", "2025-03-01", "2030-02-28", "units"), false).await;
    // Not counted: a draft, and a campaign started before the period (1 Dec 2024 – 30 Nov 2025).
    campaign_launched(&app, &admin, campaign("chuyen_de", "2025-04-01", "2025-06-30", "all_units"), true).await;
    campaign_launched(&app, &admin, campaign("chuyen_de", "2024-11-30", "2025-06-30", "all_units"), false).await;

    let path = "/api/v1/reports/statistics/campaigns?year=2025";
    let table = rows(&app.get(path).await);
    let by_code = |code: &str| {
        let row = table.iter().find(|r| r["row_code"] == code).unwrap();
        ["total", "trung_uong", "cap_tinh", "co_quan_don_vi"].map(|k| row[k].as_i64())
    };
    assert_eq!(by_code("01"), [Some(3), None, Some(2), Some(1)], "the central column is not the province's");
    assert_eq!(by_code("02"), [None; 4], "nationwide: not the province's");
    assert_eq!((by_code("03")[0], by_code("05")[0]), (Some(2), Some(1)));
    assert_eq!((by_code("06")[0], by_code("07")[0], by_code("10")[0]), (Some(1), Some(1), Some(1)));
    assert_eq!((by_code("11")[0], by_code("12")[0]), (Some(2), Some(1)));
    let records =
        csv_records(&app.get("/api/v1/reports/statistics/campaigns.csv?year=2025").await, "campaign-statistics");
    assert_eq!(records[1][..3], ["01", "Tổng số", "3"]);
    let cells = sheet(&app.get("/api/v1/reports/statistics/campaigns.xlsx?year=2025").await, "campaign-statistics");
    assert_eq!((text(&cells, 1, 0), number(&cells, 1, 2)), ("01".into(), 3.0));
    // The board's and the province's readers' only.
    app.send_as(&commune_admin, TestRequest::get().uri(path)).await.problem(403, "forbidden");
}
