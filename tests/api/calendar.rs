//! The working-day calendar (issue 14): the national holidays shipped, the board's edits, and a
//! posting period counted in working days ending on the computed day.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use chrono::{Datelike, NaiveDate, TimeDelta, Weekday};
use serde_json::{json, Value};

use crate::helpers::TestApp;

on_both_backends!(the_national_holidays_are_shipped_and_the_board_keeps_the_calendar, posting_counts_working_days);

async fn the_national_holidays_are_shipped_and_the_board_keeps_the_calendar(app: TestApp) {
    thidua::seed::seed_reference(&mut app.connection()).unwrap();
    let year = app.get("/api/v1/calendar/2025").await.json();
    let days = year["days"].as_array().unwrap();
    let tet = days.iter().find(|d| d["day"] == "2025-01-29").unwrap();
    assert_eq!(
        (&tet["kind"], &tet["kind_label"], &tet["set_by_board"]),
        (&json!("holiday"), &json!("Ngày nghỉ lễ, Tết"), &json!(false))
    );
    // Saturday 26 April 2025 was worked for Friday 2 May.
    assert!(days.iter().any(|d| d["day"] == "2025-04-26" && d["kind"] == "workday"), "{year}");
    // 261 weekdays in 2025, less 11 holidays and the day off on weekdays, plus the worked Saturday.
    assert_eq!(year["working_days"], 261 - 12 + 1, "{year}");

    // The board sets a day, changes it, clears it; officers may not.
    let path = "/api/v1/calendar/days/2025-12-31";
    let set =
        app.send(TestRequest::put().uri(path).set_json(json!({"kind": "day_off", "name": "Nghỉ cuối năm"}))).await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text());
    assert_eq!(set.json()["set_by_board"], true);
    let after = app.get("/api/v1/calendar/2025").await.json();
    assert_eq!(after["working_days"], year["working_days"].as_i64().unwrap() - 1);
    let (commune, _) = crate::auth::commune_and_department(&app).await;
    let (_, officer) = app.user("officer.lich", &["unit_officer"], Some(&commune["id"])).await;
    app.send_as(&officer, TestRequest::put().uri(path).set_json(json!({"kind": "holiday", "name": "x"})))
        .await
        .problem(403, "forbidden");
    app.send_as(&officer, TestRequest::delete().uri(path)).await.problem(403, "forbidden");
    // A weekday is not "worked in exchange"; a name is needed; a path that is no date says so.
    let bad = app.send(TestRequest::put().uri(path).set_json(json!({"kind": "workday", "name": " "}))).await;
    let bad = bad.problem(422, "validation_failed");
    let fields: Vec<&str> = bad["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["name", "kind"], "{bad}");
    app.send(
        TestRequest::put().uri("/api/v1/calendar/days/31-12-2025").set_json(json!({"kind": "holiday", "name": "x"})),
    )
    .await
    .problem(400, "invalid_path");
    assert_eq!(app.send(TestRequest::delete().uri(path)).await.status, StatusCode::NO_CONTENT);
    app.send(TestRequest::delete().uri(path)).await.problem(404, "not_found");
    app.get("/api/v1/calendar/1800").await.problem(404, "not_found");
    app.assert_every_write_journaled();
}

/// The `n`th working day after `start`, skipping weekends and `off`: the rule, counted here
/// independently of the service.
fn nth_working_day(start: NaiveDate, n: u32, off: &[NaiveDate]) -> NaiveDate {
    let (mut day, mut counted) = (start, 0);
    while counted < n {
        day += TimeDelta::days(1);
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !off.contains(&day) {
            counted += 1;
        }
    }
    day
}

async fn posting_counts_working_days(app: TestApp) {
    thidua::seed::seed_reference(&mut app.connection()).unwrap();
    let today = thidua::domain::units::today_in_vietnam();
    // Three days off in the coming days, set by the board.
    let off: Vec<NaiveDate> = (2..=6)
        .map(|d| today + TimeDelta::days(d))
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .take(3)
        .collect();
    for d in &off {
        let res = app
            .send(
                TestRequest::put()
                    .uri(&format!("/api/v1/calendar/days/{d}"))
                    .set_json(json!({"kind": "holiday", "name": "Nghỉ lễ thử"})),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    }
    // The seeded Bằng khen posts for 10 working days.
    let types = app.get("/api/v1/award-types").await.json();
    let merit = types.as_array().unwrap().iter().find(|t| t["code"] == "BANG_KHEN_TINH_CA_NHAN").unwrap();
    let version = &merit["versions"][0];
    assert_eq!(
        (&version["posting_days"], &version["posting_day_count"], &version["posting_day_count_label"]),
        (&json!(10), &json!("working"), &json!("Ngày làm việc"))
    );
    let nomination = crate::decisions::approved_nomination(&app, "BANG_KHEN_TINH_CA_NHAN").await;
    let path = format!("/api/v1/nominations/{}", nomination["id"].as_str().unwrap());
    let expected = nth_working_day(today, 10, &off);
    // A day before the period's end is refused, naming the end.
    let early = app
        .post(&format!("{path}/post"), &json!({"until": (expected - TimeDelta::days(1)).to_string()}))
        .await
        .problem(422, "validation_failed");
    assert!(early["errors"][0]["message"].as_str().unwrap().contains("10 ngày làm việc"), "{early}");
    // Left out, the end is computed.
    assert_eq!(app.post(&format!("{path}/post"), &json!({})).await.status, StatusCode::NO_CONTENT);
    let posted: Value = app.get(&path).await.json();
    assert_eq!(posted["posting_until"], expected.to_string(), "{posted}");
}
