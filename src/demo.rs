//! Demo content for newcomers (`thidua seed --demo`): the 25th-anniversary peak campaign of
//! Bắc Kạn (2021) with indicators, registrations, verified achievements and its final review,
//! and the focus movements of the seed article. Goes through the same rules as the API, on the
//! dates it would have happened. Idempotent: skipped if the peak campaign exists.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::auth::password::{hash_blocking, random_token, HashParams};
use crate::db::schema::{campaigns, units};
use crate::db::DbConn;
use crate::domain::campaigns::{AchievementAction, CampaignAction, Participation, RegistrationAction};
use crate::domain::campaigns::{CampaignKind, Direction, IndicatorKind};
use crate::domain::cluster_votes::Ballot;
use crate::domain::council::SeatRole;
use crate::domain::ids::{NominationId, PersonId, StoredFileId, UnitId, UserId};
use crate::error::ApiError;
use crate::models::accounts::{self, NewUser};
use crate::models::achievements::{self, Report};
use crate::models::campaigns::{self as model, CampaignFields, NewIndicator};
use crate::models::cluster_votes;
use crate::models::clusters::{create_cluster, ClusterInput};
use crate::models::registrations::{create_registration, transition_registration, RegistrationContent};

mod awards;

pub const PEAK_TITLE: &str =
    "100 ngày đêm lao động sáng tạo, thiết thực lập thành tích chào mừng kỷ niệm 25 năm Ngày tái lập tỉnh Bắc Kạn";

const MOVEMENTS: &[&str] = &[
    "Bắc Kạn chung sức xây dựng nông thôn mới",
    "Cả nước chung tay vì người nghèo – Không để ai bị bỏ lại phía sau",
    "Doanh nghiệp Việt Nam hội nhập và phát triển",
    "Cán bộ, công chức, viên chức thi đua thực hiện văn hóa công sở",
];

/// A unit of the demo: its targets per indicator and its reports (indicator, value, as of).
type DemoUnit<'a> = (UnitId, [&'a str; 4], &'a [(usize, &'a str, &'a str)]);

fn day(s: &str) -> NaiveDate {
    s.parse().expect("demo dates are valid")
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct DemoReport {
    pub campaigns_created: usize,
}

/// The unit of `kind` with `code` as it was in 2021.
fn unit_2021(conn: &mut DbConn, kind: &str, code: &str) -> Result<UnitId, ApiError> {
    unit_on(conn, kind, code, day("2021-10-01"))
}

/// `evidence_dir`: the local evidence store, where the demo's dossier files go; without one (an
/// S3 store) the award year is left out.
pub fn seed_demo(
    conn: &mut DbConn,
    hash_params: HashParams,
    evidence_dir: Option<&std::path::Path>,
) -> Result<DemoReport, ApiError> {
    let exists: i64 = campaigns::table.filter(campaigns::title.eq(PEAK_TITLE)).count().get_result(conn)?;
    if exists > 0 {
        return Ok(DemoReport::default());
    }
    // The demo's author: an account nobody can sign in to (inactive, random password).
    let author = match accounts::find_by_username(conn, "demo.author")? {
        Some(user) => user.id,
        None => {
            let password_hash = hash_blocking(hash_params, &random_token())?;
            let user = accounts::insert_user(
                conn,
                NewUser {
                    username: "demo.author".into(),
                    full_name: "Dữ liệu minh họa".into(),
                    email: None,
                    phone: None,
                    unit_id: None,
                    // Only recorded as the author; it never acts, so it needs no power.
                    roles: vec![crate::auth::policy::Role::Viewer],
                    password_hash,
                },
            )?;
            accounts::update_user(
                conn,
                user.id,
                accounts::UserChanges { active: Some(false), ..Default::default() },
                None,
            )?;
            user.id
        }
    };
    conn.write_tx(|conn| {
        let wards = [unit_2021(conn, "commune", "01834")?, unit_2021(conn, "commune", "01837")?, unit_2021(conn, "commune", "01840")?];
        let commune = unit_2021(conn, "commune", "01849")?;
        let home_affairs = unit_2021(conn, "department", "06-SNV")?;
        let health = unit_2021(conn, "department", "06-SYT")?;

        let (ward_cluster, _) = create_cluster(
            conn,
            ClusterInput {
                name: "Cụm thi đua các phường, xã thành phố Bắc Kạn".into(),
                year: 2021,
                leading_unit_id: Some(wards[2]),
                member_ids: vec![wards[0], wards[1], wards[2], commune],
            },
        )?;
        ward_covenant(conn, ward_cluster.id, [wards[0], wards[1], wards[2], commune], author)?;
        create_cluster(
            conn,
            ClusterInput {
                name: "Khối các sở, ban, ngành".into(),
                year: 2021,
                leading_unit_id: Some(home_affairs),
                member_ids: vec![home_affairs, health],
            },
        )?;

        let peak = model::create_campaign(
            conn,
            CampaignFields {
                title: PEAK_TITLE.into(),
                kind: CampaignKind::ChuyenDe,
                description: Some(
                    "Đợt thi đua cao điểm trước ngày 01/01/2022, kỷ niệm 25 năm Ngày tái lập tỉnh; mỗi đơn vị xây dựng kế hoạch với mục tiêu, chỉ tiêu cụ thể.".into(),
                ),
                plan_number: Some("125/KH-UBND".into()),
                plan_date: Some(day("2021-09-20")),
                plan_signer: Some("Chủ tịch UBND tỉnh".into()),
                launching_authority: "Chủ tịch UBND tỉnh Bắc Kạn".into(),
                scope: Some("Toàn tỉnh".into()),
                start_date: day("2021-09-23"),
                end_date: day("2021-12-31"),
                registration_deadline: Some(day("2021-10-10")),
                interim_review_on: Some(day("2021-11-15")),
                final_review_on: Some(day("2022-01-10")),
                participation: Participation::AllUnits,
                unit_ids: vec![],
                cluster_ids: vec![],
                run_by_unit_id: None,
            },
            author,
        )?;
        let peak_id = peak.campaign.id;
        let mut indicators = Vec::new();
        for (name, measure, kind, target) in [
            ("Số hộ thoát nghèo", "hộ", IndicatorKind::Quantity, Some("1500")),
            ("Km đường giao thông nông thôn được bê tông hóa", "km", IndicatorKind::Quantity, Some("120")),
            ("Tỷ lệ thủ tục hành chính giải quyết trực tuyến", "%", IndicatorKind::Percentage, Some("40")),
            ("Hoàn thành chỉnh trang đô thị, khu dân cư", "có/không", IndicatorKind::YesNo, None),
        ] {
            let indicator = model::add_indicator(
                conn,
                peak_id,
                NewIndicator {
                    name: name.into(),
                    unit_of_measure: measure.into(),
                    kind,
                    direction: Direction::HigherIsBetter,
                    province_target: target.map(String::from),
                    ratio: false,
                },
            )?;
            indicators.push(indicator.id);
        }
        peak_scheme(conn, peak_id, &indicators, author)?;
        model::transition_campaign(conn, peak_id, CampaignAction::Launch, author, Some("Phát động theo Kế hoạch 125/KH-UBND".into()), None)?;

        // (unit, targets per indicator, reports: (indicator, value, as_of)).
        let plan: [DemoUnit; 6] = [
            (wards[0], ["40", "2.5", "35", "1"], &[(0, "22", "2021-10-31"), (0, "41", "2021-12-20"), (1, "2.8", "2021-12-15"), (2, "38", "2021-12-20"), (3, "1", "2021-12-25")]),
            (wards[1], ["35", "3", "35", "1"], &[(0, "30", "2021-12-20"), (1, "2", "2021-12-10"), (2, "41.5", "2021-12-20"), (3, "1", "2021-12-28")]),
            (wards[2], ["45", "2", "40", "1"], &[(0, "45", "2021-12-22"), (1, "2.2", "2021-12-18"), (2, "36", "2021-12-20"), (3, "0", "2021-12-28")]),
            (commune, ["60", "5", "30", "1"], &[(0, "52", "2021-12-20"), (1, "5.5", "2021-12-20"), (2, "31", "2021-12-20"), (3, "1", "2021-12-30")]),
            (home_affairs, ["0", "0", "60", "1"], &[(2, "64", "2021-12-20"), (3, "1", "2021-12-20")]),
            (health, ["0", "0", "55", "1"], &[(2, "48", "2021-12-20"), (3, "1", "2021-12-20")]),
        ];
        for (unit, targets, reports) in plan {
            let registration = create_registration(
                conn,
                peak_id,
                unit,
                RegistrationContent {
                    targets: indicators.iter().cloned().zip(targets.iter().map(std::string::ToString::to_string)).filter(|(_, t)| t != "0").collect(),
                    aimed_titles: vec!["Bằng khen của Chủ tịch UBND tỉnh".into()],
                    note: None,
                },
                author,
                day("2021-09-28"),
            )?;
            let id = registration.0.id;
            transition_registration(conn, id, RegistrationAction::Submit, author, None, None, day("2021-10-05"))?;
            transition_registration(conn, id, RegistrationAction::Accept, author, None, None, day("2021-10-08"))?;
            for (indicator, value, as_of) in reports {
                let report = Report {
                    indicator_id: indicators[*indicator],
                    person_name: None,
                    value: Some(value.to_string()),
                    numerator: None,
                    denominator: None,
                    as_of: day(as_of),
                    narrative: Some("Báo cáo kết quả thực hiện đợt thi đua cao điểm".into()),
                };
                let achievement = achievements::create_achievement(conn, peak_id, unit, report, author, day(as_of), 30)?;
                achievements::review_achievement(conn, achievement.id, AchievementAction::Verify, author, None, None)?;
            }
        }
        model::transition_campaign(conn, peak_id, CampaignAction::Close, author, Some("Tổng kết đợt thi đua".into()), None)?;

        for title in MOVEMENTS {
            let movement = model::create_campaign(
                conn,
                CampaignFields {
                    title: title.to_string(),
                    kind: CampaignKind::ThuongXuyen,
                    description: None,
                    plan_number: None,
                    plan_date: None,
                    plan_signer: None,
                    launching_authority: "Chủ tịch UBND tỉnh Bắc Kạn".into(),
                    scope: Some("Toàn tỉnh".into()),
                    start_date: day("2021-01-01"),
                    end_date: day("2025-06-30"),
                    registration_deadline: None,
                    interim_review_on: None,
                    final_review_on: None,
                    participation: Participation::AllUnits,
                    unit_ids: vec![],
                    cluster_ids: vec![],
                    run_by_unit_id: None,
                },
                author,
            )?;
            model::add_indicator(
                conn,
                movement.campaign.id,
                NewIndicator {
                    name: "Mức độ hoàn thành kế hoạch năm".into(),
                    unit_of_measure: "%".into(),
                    kind: IndicatorKind::Percentage,
                    direction: Direction::HigherIsBetter,
                    province_target: Some("100".into()),
                    ratio: false,
                },
            )?;
            model::transition_campaign(conn, movement.campaign.id, CampaignAction::Launch, author, None, None)?;
        }
        if let Some(dir) = evidence_dir {
            awards::award_year(conn, hash_params, dir, author, &wards, home_affairs)?;
            awards::round_2025(conn, dir, author)?;
        }
        ward_secretariat(conn, hash_params)?;
        Ok(DemoReport { campaigns_created: 1 + MOVEMENTS.len() })
    })
}

/// Đức Xuân ward's emulation secretariat: a unit's admin, who runs the ward's own level (its
/// accounts, campaigns, rounds, council and decisions). The board hands the account over by
/// resetting its password.
fn ward_secretariat(conn: &mut DbConn, hash_params: HashParams) -> Result<(), ApiError> {
    if accounts::find_by_username(conn, "quantri.ducxuan")?.is_none() {
        let ward = unit_on(conn, "commune", "01840", day("2025-12-01"))?;
        accounts::insert_user(
            conn,
            NewUser {
                username: "quantri.ducxuan".into(),
                full_name: "Thường trực thi đua, khen thưởng phường Đức Xuân".into(),
                email: None,
                phone: None,
                unit_id: Some(ward),
                roles: vec![crate::auth::policy::Role::UnitAdmin],
                password_hash: hash_blocking(hash_params, &random_token())?,
            },
        )?;
    }
    Ok(())
}

/// The peak campaign's scoring scheme, as a cluster's guidance weighs it: poverty and roads
/// linear to the target (with a bonus for exceeding it, capped), online procedures mandatory
/// for everyone (a penalty for falling short), the tidying of towns a yes/no everyone is scored on.
fn peak_scheme(
    conn: &mut DbConn,
    campaign: crate::domain::ids::CampaignId,
    indicators: &[crate::domain::ids::IndicatorId],
    author: UserId,
) -> Result<(), ApiError> {
    use crate::domain::scoring::{check_scheme, GroupSpec};
    let i = |n: usize| indicators[n].to_string();
    let groups: Vec<GroupSpec> = serde_json::from_value(serde_json::json!([
        {"code": "I", "name": "Phát triển kinh tế – xã hội", "weight": "1", "indicators": [
            {"indicator_id": i(0), "max_points": "30", "scale": "linear_to_target",
             "bonus": {"points_per_step": "1", "step_percent": "10", "cap": "3"}},
            {"indicator_id": i(1), "max_points": "20", "scale": "linear_to_target"},
        ]},
        {"code": "II", "name": "Cải cách hành chính, chỉnh trang đô thị", "weight": "1", "indicators": [
            {"indicator_id": i(2), "max_points": "30", "mandatory": true, "scale": "linear_to_target",
             "penalty": {"points_per_step": "1", "step_percent": "10", "cap": "5"}},
            {"indicator_id": i(3), "max_points": "20", "mandatory": true, "scale": "linear_to_target"},
        ]},
    ]))
    .map_err(|e| ApiError::internal(e.into()))?;
    let known: Vec<uuid::Uuid> = indicators.iter().map(|id| (*id).into()).collect();
    let scheme = check_scheme(&groups, &known).map_err(ApiError::validation)?;
    let spec = serde_json::to_string(&scheme.to_spec()).map_err(|e| ApiError::internal(e.into()))?;
    crate::models::scoring::create_scheme(
        conn,
        campaign,
        &spec,
        Some("Theo hướng dẫn chấm điểm thi đua cụm, khối"),
        author,
    )?;
    Ok(())
}

/// The 2021 covenant of Bắc Kạn city's wards and commune: signed by all four, each with its own
/// commitments for the peak campaign's year.
fn ward_covenant(
    conn: &mut DbConn,
    cluster: crate::domain::ids::ClusterId,
    members: [UnitId; 4],
    author: UserId,
) -> Result<(), ApiError> {
    use crate::models::covenants::{self, NewCovenant, Signatory};
    let commitments = [
        (
            "Chủ tịch UBND phường Nguyễn Thị Minh Khai",
            "Giảm 40 hộ nghèo; bê tông hóa 2,5 km đường; 35% thủ tục trực tuyến.",
        ),
        ("Chủ tịch UBND phường Sông Cầu", "Giảm 35 hộ nghèo; bê tông hóa 3 km đường; 35% thủ tục trực tuyến."),
        ("Chủ tịch UBND phường Đức Xuân", "Giảm 45 hộ nghèo; bê tông hóa 2 km đường; 40% thủ tục trực tuyến."),
        ("Chủ tịch UBND xã Dương Quang", "Giảm 60 hộ nghèo; bê tông hóa 5 km đường; 30% thủ tục trực tuyến."),
    ];
    let signatories = members
        .iter()
        .zip(commitments)
        .map(|(unit, (title, commitments))| Signatory {
            unit_id: *unit,
            signer_name: title.replace("Chủ tịch UBND ", "Thay mặt "),
            signer_title: title.into(),
            commitments: commitments.into(),
        })
        .collect();
    let new = NewCovenant {
        title: "Giao ước thi đua năm 2021 của Cụm thi đua các phường, xã thành phố Bắc Kạn".into(),
        signed_on: day("2021-03-05"),
        place: Some("Phường Đức Xuân".into()),
        content: "Điều 1. Các đơn vị thành viên thi đua hoàn thành toàn diện các chỉ tiêu kinh tế – xã hội năm 2021.\nĐiều 2. Hưởng ứng đợt thi đua cao điểm chào mừng kỷ niệm 25 năm Ngày tái lập tỉnh.\nĐiều 3. Sơ kết, tổng kết và bình xét suy tôn đơn vị dẫn đầu cụm theo hướng dẫn của Hội đồng Thi đua – Khen thưởng tỉnh.".into(),
        signatories,
    };
    covenants::put(conn, cluster, new, None, author)?;
    Ok(())
}

/// A unit of `kind` and `code` in force on `on` (after the 2025 reform, Thái Nguyên's).
fn unit_on(conn: &mut DbConn, kind: &str, code: &str, on: NaiveDate) -> Result<UnitId, ApiError> {
    let found: Vec<(UnitId, Option<NaiveDate>, Option<NaiveDate>)> = units::table
        .filter(units::kind.eq(kind))
        .filter(units::code.eq(code))
        .select((units::id, units::valid_from, units::valid_until))
        .load(conn)?;
    found
        .into_iter()
        .find(|(_, from, until)| crate::domain::units::is_active_on(*from, *until, on))
        .map(|(id, _, _)| id)
        .ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!("demo needs {kind} {code} in force on {on} (run `thidua seed`)"))
        })
}
