//! Reward money: base salary levels, the bonus a decision's awards carry, and a unit's reward
//! fund ledger — charged by the decision that names it, read by its own unit only.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use chrono::{Datelike, TimeDelta};
use diesel::prelude::*;
use serde_json::json;
use thidua::db::schema::nominations;

use crate::helpers::TestApp;

on_both_backends!(base_salaries_are_the_boards_table, a_decision_pays_bonuses_from_the_fund_it_names);

const PDF: &[u8] = b"%PDF-1.7\n%%EOF\n";

fn today() -> chrono::NaiveDate {
    thidua::domain::units::today_in_vietnam()
}

/// The levels since 2019 are there; the board adds one per date; nobody else does.
async fn base_salaries_are_the_boards_table(app: TestApp) {
    let levels = app.get("/api/v1/base-salaries").await.json();
    let amounts: Vec<(String, i64, String)> = levels["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["effective_from"].as_str().unwrap().to_string(),
                l["amount_vnd"].as_i64().unwrap(),
                l["amount_text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        amounts,
        [
            ("2019-07-01".to_string(), 1_490_000, "1.490.000 đ".to_string()),
            ("2023-07-01".to_string(), 1_800_000, "1.800.000 đ".to_string()),
            ("2024-07-01".to_string(), 2_340_000, "2.340.000 đ".to_string()),
        ]
    );

    let (_, province_reader) = app.user("doc.gia", &["viewer"], None).await;
    let level =
        json!({"effective_from": "2018-07-01", "amount_vnd": 1_390_000, "legal_basis": "Nghị định 72/2018/NĐ-CP"});
    app.send_as(&province_reader, TestRequest::post().uri("/api/v1/base-salaries").set_json(&level))
        .await
        .problem(403, "forbidden");
    let added = app.post("/api/v1/base-salaries", &level).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text());
    assert_eq!(added.json()["amount_text"], "1.390.000 đ");
    assert_eq!(app.get("/api/v1/base-salaries").await.json()["items"][0]["effective_from"], "2018-07-01");
    // One level per date; an amount must be positive.
    let again = app.post("/api/v1/base-salaries", &level).await.problem(409, "duplicate");
    assert!(again["detail"].as_str().unwrap().contains("ngày 01 tháng 7 năm 2018"), "{again}");
    let zero = json!({"effective_from": "2030-07-01", "amount_vnd": 0, "legal_basis": "?"});
    let refused = app.post("/api/v1/base-salaries", &zero).await.problem(422, "validation_failed");
    assert_eq!(refused["errors"][0]["field"], "amount_vnd");
}

/// A decision that names its paying unit: each award carries coefficient × base salary, rounded
/// up to ten thousand đồng, and the unit's fund pays it out. The ledger is the unit's own.
async fn a_decision_pays_bonuses_from_the_fund_it_names(app: TestApp) {
    let mut conn = app.connection();
    thidua::seed::seed_reference(&mut conn).unwrap();
    let (commune, department) = crate::auth::commune_and_department(&app).await;
    let (_, officer) = app.user("can.bo.xa", &["unit_officer"], Some(&commune["id"])).await;
    let (_, stranger) = app.user("can.bo.so", &["unit_officer"], Some(&department["id"])).await;
    let (_, approver) = app.user("phe.duyet", &["approver"], None).await;
    let fund = format!("/api/v1/units/{}/reward-fund", commune["id"].as_str().unwrap());
    let entries = format!("{fund}/entries");
    let year = today().year();

    // The board records the fund's income: last year's carries over.
    let last_year = chrono::NaiveDate::from_ymd_opt(year - 1, 12, 31).unwrap().to_string();
    for (date, amount, what) in [
        (last_year.as_str(), 1_000_000, "Số dư chuyển sang"),
        (&today().to_string(), 50_000_000, "Dự toán ngân sách cấp cho quỹ thi đua, khen thưởng"),
    ] {
        let entry = json!({"kind": "income", "amount_vnd": amount, "description": what, "entry_date": date});
        let res = app.post(&entries, &entry).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        assert_eq!(res.json()["kind_label"], "Thu");
    }
    // The unit's own officer reads but does not write; another unit's learns nothing.
    let income = json!({"kind": "income", "amount_vnd": 5, "description": "x", "entry_date": today()});
    app.send_as(&officer, TestRequest::post().uri(&entries).set_json(&income)).await.problem(403, "forbidden");
    app.send_as(&stranger, TestRequest::post().uri(&entries).set_json(&income)).await.problem(404, "not_found");
    app.send_as(&stranger, TestRequest::get().uri(&fund)).await.problem(404, "not_found");
    // Payouts come from decisions only; amounts agree with their kind; no future entries.
    for (bad, field) in [
        (json!({"kind": "payout", "amount_vnd": -5, "description": "x", "entry_date": today()}), "kind"),
        (json!({"kind": "income", "amount_vnd": -5, "description": "x", "entry_date": today()}), "amount_vnd"),
        (json!({"kind": "adjustment", "amount_vnd": 0, "description": "x", "entry_date": today()}), "amount_vnd"),
        (
            json!({"kind": "income", "amount_vnd": 5, "description": "x", "entry_date": today() + TimeDelta::days(2)}),
            "entry_date",
        ),
    ] {
        let refused = app.post(&entries, &bad).await.problem(422, "validation_failed");
        assert_eq!(refused["errors"][0]["field"], field, "{bad}");
    }
    app.get(&format!("/api/v1/units/{}/reward-fund", uuid::Uuid::now_v7())).await.problem(404, "not_found");

    // A nomination for Bằng khen (coefficient 1 in the seeded rules), posted and past its posting.
    let type_id = app
        .get("/api/v1/award-types")
        .await
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "BANG_KHEN_TINH_CA_NHAN")
        .unwrap()["id"]
        .clone();
    let person = app.create("people", json!({"full_name": "Hoàng Văn Thụ", "unit_id": commune["id"]})).await;
    let nomination = app
        .create(
            "nominations",
            json!({"award_type_id": type_id, "person_id": person["id"], "unit_id": commune["id"], "year": year}),
        )
        .await;
    let path = format!("/api/v1/nominations/{}", nomination["id"].as_str().unwrap());
    for kind in ["to_trinh", "bao_cao_thanh_tich", "bien_ban_binh_xet"] {
        let req = TestRequest::post()
            .uri(&format!("{path}/documents?kind={kind}"))
            .insert_header(("content-type", "application/pdf"))
            .set_payload(PDF.to_vec());
        assert_eq!(app.send(req).await.status, StatusCode::CREATED);
    }
    for action in ["submit", "appraise", "approve"] {
        let res = app.post(&format!("{path}/{action}"), &json!({})).await;
        assert_eq!(res.status, StatusCode::OK, "{action}: {}", res.text());
    }
    let until = (today() + TimeDelta::days(30)).to_string();
    assert_eq!(app.post(&format!("{path}/post"), &json!({"until": until})).await.status, StatusCode::NO_CONTENT);
    diesel::update(nominations::table.find(nomination["id"].as_str().unwrap()))
        .set(nominations::posting_until.eq(Some(today() - TimeDelta::days(1))))
        .execute(&mut conn)
        .unwrap();

    let decision = json!({"number": "45/QĐ-UBND", "decided_on": today(), "signer": "Chủ tịch UBND tỉnh",
        "authority": "UBND tỉnh", "nomination_ids": [nomination["id"]], "paying_unit_id": uuid::Uuid::now_v7()});
    let unknown = app.send_as(&approver, TestRequest::post().uri("/api/v1/decisions").set_json(&decision)).await;
    assert_eq!(unknown.problem(422, "validation_failed")["errors"][0]["field"], "paying_unit_id");
    let mut decision = decision;
    decision["paying_unit_id"] = commune["id"].clone();
    let res = app.send_as(&approver, TestRequest::post().uri("/api/v1/decisions").set_json(&decision)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let issued = res.json();
    // Decided today (after 2024-07-01): 1 × 2,340,000.
    assert_eq!(
        (issued["total_bonus_vnd"].as_i64(), issued["total_bonus_text"].as_str(), &issued["paying_unit_id"]),
        (Some(2_340_000), Some("2.340.000 đ"), &commune["id"])
    );
    let award = app.get(&format!("/api/v1/awards/{}", issued["award_ids"][0].as_str().unwrap())).await.json();
    assert_eq!(
        (award["bonus_coefficient"].as_str(), award["base_salary_vnd"].as_i64(), award["bonus_vnd"].as_i64()),
        (Some("1"), Some(2_340_000), Some(2_340_000))
    );
    assert_eq!(award["bonus_text"], "2.340.000 đ");
    assert_eq!([&award["recipient_kind"], &award["recipient_kind_label"]], ["person", "Cá nhân"]);

    // The commune's ledger: carried over, income, the payout, the balance.
    let ledger = app.send_as(&officer, TestRequest::get().uri(&fund)).await;
    assert_eq!(ledger.status, StatusCode::OK, "{}", ledger.text());
    let ledger = ledger.json();
    assert_eq!(
        [&ledger["carried_over_vnd"], &ledger["income_vnd"], &ledger["payouts_vnd"], &ledger["balance_vnd"]],
        [&json!(1_000_000), &json!(50_000_000), &json!(-2_340_000), &json!(48_660_000)]
    );
    assert_eq!(ledger["balance_text"], "48.660.000 đ");
    let payout = ledger["entries"].as_array().unwrap().iter().find(|e| e["kind"] == "payout").unwrap().clone();
    assert_eq!(
        (payout["award_id"].as_str(), payout["decision_id"].as_str()),
        (award["id"].as_str(), issued["id"].as_str())
    );
    assert_eq!(
        payout["description"],
        "Tiền thưởng «Bằng khen của Chủ tịch UBND tỉnh (cá nhân)» theo Quyết định số 45/QĐ-UBND"
    );
    let last = app.get(&format!("{fund}?year={}", year - 1)).await.json();
    assert_eq!((last["carried_over_vnd"].as_i64(), last["balance_vnd"].as_i64()), (Some(0), Some(1_000_000)));
    app.get(&format!("{fund}?year=1800")).await.problem(400, "invalid_query");

    // The payout is in the unit's change feed as a record of its own.
    let audit = app
        .get(&format!(
            "/api/v1/audit-entries?record_kind=reward_fund_entry&record_id={}",
            payout["id"].as_str().unwrap()
        ))
        .await
        .json();
    assert_eq!(audit["items"][0]["action"], "reward_fund_entry.created");
    assert_eq!(audit["items"][0]["after"]["amount_vnd"], -2_340_000);
}
