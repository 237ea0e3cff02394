//! Reference data: Bắc Kạn's units as of 2025-03 (GSO), the 37 communes that replaced its 108
//! on 2025-07-01 under Thái Nguyên, Thái Nguyên's own 9 former districts and 172 former
//! communes with the 55 communes that replaced them (all 92 of today's province), and the
//! provincial departments of both provinces.
//! Idempotent: a unit already present (same kind, code and start date) is left as it is.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::schema::{unit_links, units};
use crate::db::DbConn;
use crate::domain::awards::{Prerequisite, PrerequisiteWindow, Severity};
use crate::domain::cluster_votes::ClusterProposalRule;
use crate::domain::collectives::{DisciplineForm, MemberRequirement};
use crate::domain::ids::UnitId;
use crate::domain::initiatives::{InitiativeRequirement, RecognitionScope};
use crate::domain::units::{check_new_unit, LinkPart, UnitKind, UnitType};
use crate::error::ApiError;
use crate::models::units::{self as model, NewUnit};

const UNITS_CSV: &str = include_str!("../data/reference/bac-kan-units-2025-03.csv");
const MERGERS_CSV: &str = include_str!("../data/reference/bac-kan-communes-merged-2025-07-01.csv");
const THAI_NGUYEN_MERGERS_CSV: &str = include_str!("../data/reference/thai-nguyen-communes-merged-2025-07-01.csv");
const HOLIDAYS_CSV: &str = include_str!("../data/reference/holidays-2024-2026.csv");

/// Bắc Kạn was re-established on 1997-01-01 and merged into Thái Nguyên on 2025-07-01.
const BAC_KAN_FROM: &str = "1997-01-01";
const LAST_DAY_BEFORE_REFORM: &str = "2025-06-30";
const REFORM_DAY: &str = "2025-07-01";

/// Departments of a provincial People's Committee (code suffix, name, type). The codes are this
/// service's own: departments have no GSO code.
const BAC_KAN_DEPARTMENTS: &[(&str, &str, UnitType)] = &[
    ("VP", "Văn phòng Ủy ban nhân dân tỉnh", UnitType::CoQuan),
    ("SNV", "Sở Nội vụ", UnitType::So),
    ("STP", "Sở Tư pháp", UnitType::So),
    ("SKHDT", "Sở Kế hoạch và Đầu tư", UnitType::So),
    ("STC", "Sở Tài chính", UnitType::So),
    ("SCT", "Sở Công Thương", UnitType::So),
    ("SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn", UnitType::So),
    ("SGTVT", "Sở Giao thông vận tải", UnitType::So),
    ("SXD", "Sở Xây dựng", UnitType::So),
    ("STNMT", "Sở Tài nguyên và Môi trường", UnitType::So),
    ("STTTT", "Sở Thông tin và Truyền thông", UnitType::So),
    ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội", UnitType::So),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", UnitType::So),
    ("SKHCN", "Sở Khoa học và Công nghệ", UnitType::So),
    ("SGDDT", "Sở Giáo dục và Đào tạo", UnitType::So),
    ("SYT", "Sở Y tế", UnitType::So),
    ("TTRA", "Thanh tra tỉnh", UnitType::CoQuan),
    ("BDT", "Ban Dân tộc", UnitType::Ban),
];

/// After the 2025 restructuring (Decree 45/2025/NĐ-CP) a province has fewer departments.
const THAI_NGUYEN_DEPARTMENTS: &[(&str, &str, UnitType)] = &[
    ("VP", "Văn phòng Ủy ban nhân dân tỉnh", UnitType::CoQuan),
    ("SNV", "Sở Nội vụ", UnitType::So),
    ("STP", "Sở Tư pháp", UnitType::So),
    ("STC", "Sở Tài chính", UnitType::So),
    ("SCT", "Sở Công Thương", UnitType::So),
    ("SNNMT", "Sở Nông nghiệp và Môi trường", UnitType::So),
    ("SXD", "Sở Xây dựng", UnitType::So),
    ("SKHCN", "Sở Khoa học và Công nghệ", UnitType::So),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", UnitType::So),
    ("SGDDT", "Sở Giáo dục và Đào tạo", UnitType::So),
    ("SYT", "Sở Y tế", UnitType::So),
    ("SDTTG", "Sở Dân tộc và Tôn giáo", UnitType::So),
    ("TTRA", "Thanh tra tỉnh", UnitType::CoQuan),
];

#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub units_created: usize,
    pub units_present: usize,
    pub award_types_created: usize,
}

/// The catalogue from the domain notes: (code, name, category, subject, level, granting
/// authority, legal basis, prerequisites, quota (of code, percent), council vote
/// threshold, posting days, bonus multiplier). Rules marked unconfirmed there are seeded from
/// the older decree they come from and say so in their legal basis; the board edits them.
type CatalogueEntry = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<fn() -> Vec<Prerequisite>>,
    Option<(&'static str, &'static str)>,
    Option<&'static str>,
    Option<i32>,
    Option<&'static str>,
);

const CATALOGUE: &[CatalogueEntry] = &[
    ("LDTT", "Lao động tiên tiến", "danh_hieu_thi_dua", "individual", "co_so", "Thủ trưởng sở, ban, ngành; Chủ tịch UBND xã (Điều 80)", "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 24; tiền thưởng: Nghị định 98/2023/NĐ-CP, Điều 54", None, None, None, None, Some("0.3")),
    ("CSTD_CO_SO", "Chiến sĩ thi đua cơ sở", "danh_hieu_thi_dua", "individual", "co_so", "Thủ trưởng sở, ban, ngành (Điều 80.1)", "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 23; hạn mức 15% số Lao động tiên tiến theo Nghị định 91/2017/NĐ-CP (chưa xác nhận còn áp dụng)", Some(grassroots_needs), Some(("LDTT", "15")), None, None, Some("1")),
    ("CSTD_TINH", "Chiến sĩ thi đua cấp tỉnh", "danh_hieu_thi_dua", "individual", "tinh", "Chủ tịch UBND tỉnh", "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 22; tỷ lệ phiếu ≥ 90% theo Nghị định 91/2017/NĐ-CP, Điều 45 (chưa xác nhận còn áp dụng)", Some(provincial_needs), None, Some("90"), Some(10), Some("3")),
    ("CSTD_TOAN_QUOC", "Chiến sĩ thi đua toàn quốc", "danh_hieu_thi_dua", "individual", "toan_quoc", "Thủ tướng Chính phủ (tỉnh đề nghị)", "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 21; tỷ lệ phiếu ≥ 90% theo Nghị định 91/2017/NĐ-CP, Điều 45 (chưa xác nhận còn áp dụng)", Some(national_needs), None, Some("90"), Some(10), Some("4.5")),
    ("TTLDTT", "Tập thể lao động tiên tiến", "danh_hieu_thi_dua", "collective", "co_so", "Thủ trưởng sở, ban, ngành (Điều 80.1)", "Luật Thi đua, khen thưởng số 06/2022/QH15 (tiêu chí năm 2022 chưa xác nhận)", None, None, None, None, Some("0.8")),
    ("TTLDXS", "Tập thể lao động xuất sắc", "danh_hieu_thi_dua", "collective", "tinh", "Chủ tịch UBND tỉnh", "Luật Thi đua, khen thưởng số 06/2022/QH15; tiền thưởng: Nghị định 98/2023/NĐ-CP, Điều 54", None, None, None, Some(10), Some("1.5")),
    ("CO_THI_DUA_TINH", "Cờ thi đua cấp tỉnh", "danh_hieu_thi_dua", "collective", "tinh", "Chủ tịch UBND tỉnh", "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 26; tiền thưởng 8,0 lần mức lương cơ sở theo Nghị định 91/2017/NĐ-CP (hệ số theo Nghị định 98/2023/NĐ-CP chưa xác nhận)", None, None, None, Some(10), Some("8")),
    ("CO_THI_DUA_CP", "Cờ thi đua của Chính phủ", "danh_hieu_thi_dua", "collective", "toan_quoc", "Thủ tướng Chính phủ (tỉnh đề nghị)", "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 25; tiền thưởng: Nghị định 98/2023/NĐ-CP, Điều 54", None, None, None, Some(10), Some("12")),
    ("GIA_DINH_VAN_HOA", "Gia đình văn hóa", "danh_hieu_thi_dua", "household", "xa", "Chủ tịch UBND xã (Điều 80)", "Nghị định 86/2023/NĐ-CP; tiền thưởng: chưa xác nhận (không ghi hệ số)", None, None, None, None, None),
    ("BANG_KHEN_TINH_CA_NHAN", "Bằng khen của Chủ tịch UBND tỉnh (cá nhân)", "hinh_thuc_khen_thuong", "individual", "tinh", "Chủ tịch UBND tỉnh", "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 9; tiền thưởng 1,0 lần mức lương cơ sở theo Nghị định 91/2017/NĐ-CP (hệ số theo Nghị định 98/2023/NĐ-CP chưa xác nhận)", None, None, None, Some(10), Some("1")),
    ("BANG_KHEN_TINH_TAP_THE", "Bằng khen của Chủ tịch UBND tỉnh (tập thể)", "hinh_thuc_khen_thuong", "collective", "tinh", "Chủ tịch UBND tỉnh", "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 9; tiền thưởng gấp hai lần mức của cá nhân (2,0 lần mức lương cơ sở) theo Nghị định 91/2017/NĐ-CP (chưa xác nhận theo Nghị định 98/2023/NĐ-CP)", None, None, None, Some(10), Some("2")),
    ("GIAY_KHEN_CA_NHAN", "Giấy khen (cá nhân)", "hinh_thuc_khen_thuong", "individual", "co_so", "Thủ trưởng sở, ban, ngành; Chủ tịch UBND xã", "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 9; tiền thưởng 0,3 lần mức lương cơ sở theo Nghị định 91/2017/NĐ-CP (hệ số theo Nghị định 98/2023/NĐ-CP chưa xác nhận)", None, None, None, None, Some("0.3")),
];

/// Chiến sĩ thi đua cơ sở: Lao động tiên tiến in the same year (Art 23). The initiative or
/// scientific work it also needs is the dossier's `sang_kien` document.
fn grassroots_needs() -> Vec<Prerequisite> {
    vec![Prerequisite {
        legal_basis: Some(
            "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 23: đạt tiêu chuẩn Lao động tiên tiến trong năm xét tặng"
                .into(),
        ),
        ..Prerequisite::years("LDTT", 1, PrerequisiteWindow::SameYear)
    }]
}

/// Chiến sĩ thi đua cấp tỉnh: three consecutive years of Chiến sĩ thi đua cơ sở (Art 22). That
/// the three end the year before is how the service always counted; the wording is unconfirmed.
fn provincial_needs() -> Vec<Prerequisite> {
    vec![Prerequisite {
        legal_basis: Some(
            "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 22: ba lần liên tục đạt danh hiệu Chiến sĩ thi đua cơ sở; \
             năm kết thúc chuỗi (năm trước năm xét tặng) chưa xác nhận"
                .into(),
        ),
        unconfirmed: true,
        ..Prerequisite::years("CSTD_CO_SO", 3, PrerequisiteWindow::PreviousYears)
    }]
}

/// Chiến sĩ thi đua toàn quốc: two consecutive awards of Chiến sĩ thi đua cấp tỉnh, each on its
/// own three-year streak (Art 21) — not the provincial title in two consecutive years.
fn national_needs() -> Vec<Prerequisite> {
    vec![Prerequisite {
        legal_basis: Some(
            "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 21: hai lần liên tục đạt danh hiệu Chiến sĩ thi đua cấp tỉnh \
             (mỗi lần trên ba năm liên tục Chiến sĩ thi đua cơ sở); năm xét tặng sau lần thứ hai chưa xác nhận"
                .into(),
        ),
        unconfirmed: true,
        ..Prerequisite::awards("CSTD_TINH", 2, 3, PrerequisiteWindow::PreviousYears)
    }]
}

/// The initiative (sáng kiến) each emulation-fighter title needs (Art 21–23): its minimum scope
/// and a validity window that could not be confirmed and says so. A `sang_kien` document in the
/// dossier is accepted instead (an initiative not in the registry, or an accepted scientific
/// work), with a warning for the board.
fn initiative_requirement(code: &str) -> Option<InitiativeRequirement> {
    let (minimum_scope, validity_years, basis) = match code {
        "CSTD_CO_SO" => (RecognitionScope::CoSo, 1, "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 23: có sáng kiến được công nhận, hoặc đề tài, công trình khoa học đã được nghiệm thu (minh chứng trong hồ sơ); thời hạn hiệu lực chưa xác nhận"),
        "CSTD_TINH" => (RecognitionScope::Tinh, 3, "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 22: sáng kiến có phạm vi ảnh hưởng trong tỉnh; thời hạn hiệu lực chưa xác nhận"),
        "CSTD_TOAN_QUOC" => (RecognitionScope::ToanQuoc, 6, "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 21: sáng kiến có phạm vi ảnh hưởng toàn quốc; thời hạn hiệu lực chưa xác nhận"),
        _ => return None,
    };
    Some(InitiativeRequirement {
        minimum_scope,
        validity_years,
        dossier_proof_accepted: true,
        on_failure: crate::domain::awards::Severity::Refusal,
        legal_basis: Some(basis.into()),
        unconfirmed: true,
        minimum_scope_label: None,
        on_failure_label: None,
    })
}

/// The flags (Cờ thi đua) go to the unit that led its emulation cluster (Law 06/2022/QH15, Art
/// 25–26): the cluster's members vote for it. How a province's clusters choose (a vote, or
/// scoring each other) is its own guidance, unconfirmed here — the same as the migration that
/// gave existing databases these rules.
pub fn cluster_proposal(code: &str) -> Option<ClusterProposalRule> {
    let basis = match code {
        "CO_THI_DUA_TINH" => "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 26 (Cờ thi đua cấp tỉnh: tập thể dẫn đầu phong trào thi đua của cụm, khối thi đua do tỉnh tổ chức); cách bình chọn trong cụm (bỏ phiếu hay chấm điểm chéo) theo hướng dẫn của tỉnh, chưa xác nhận",
        "CO_THI_DUA_CP" => "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 25 (Cờ thi đua của Chính phủ: tập thể dẫn đầu phong trào thi đua của cụm, khối thi đua); cách bình chọn trong cụm theo hướng dẫn của tỉnh, chưa xác nhận",
        _ => return None,
    };
    Some(ClusterProposalRule {
        method: crate::domain::cluster_votes::ProposalMethod::Vote,
        method_label: None,
        legal_basis: Some(basis.to_string()),
        unconfirmed: true,
    })
}

/// What the collective titles ask of the unit's members. Tập thể lao động xuất sắc: at least
/// 70 % LĐTT and a CSTĐ cơ sở member (the 2022 law); Tập thể lao động tiên tiến keeps the 2003
/// law's "more than 50 %". Both rule out members disciplined from a warning up (the 2003 law's
/// wording). Article numbers and the discipline rule under the 2022 law are unconfirmed and
/// marked so.
pub fn member_requirement(code: &str) -> Option<MemberRequirement> {
    let (min_percent, strictly_more, at_least_one_code, on_failure, basis, unconfirmed) = match code {
        "TTLDXS" => ("70", false, Some("CSTD_CO_SO"), Severity::Refusal, "Luật Thi đua, khen thưởng số 06/2022/QH15 (Điều 27, số điều chưa xác nhận): 100% cá nhân hoàn thành nhiệm vụ (Hội đồng đánh giá), ít nhất 70% đạt «Lao động tiên tiến», có cá nhân đạt «Chiến sĩ thi đua cơ sở»; tiêu chí không có cá nhân bị kỷ luật từ hình thức cảnh cáo trở lên chưa xác nhận", true),
        "TTLDTT" => ("50", true, None, Severity::Warning, "Tiêu chí theo Luật Thi đua, khen thưởng 2003 (sửa đổi), Điều 28: trên 50% cá nhân đạt «Lao động tiên tiến», không có cá nhân bị kỷ luật từ hình thức cảnh cáo trở lên; tiêu chí tương ứng của Luật 06/2022/QH15 (Điều 27) chưa xác nhận", true),
        _ => return None,
    };
    Some(MemberRequirement {
        title_code: "LDTT".into(),
        min_percent: min_percent.into(),
        strictly_more,
        at_least_one_code: at_least_one_code.map(str::to_string),
        no_discipline_from: Some(DisciplineForm::Warning),
        no_discipline_from_label: None,
        on_failure,
        on_failure_label: None,
        legal_basis: Some(basis.into()),
        unconfirmed,
    })
}

/// The national holidays of 2024–2026 and their swaps (Labour Code 2019, Art 112, and the
/// government's yearly notices); a day the board already set is left as it is. Days whose
/// swap was not confirmed when shipped say so in their name.
fn seed_holidays(conn: &mut DbConn) -> Result<(), ApiError> {
    use crate::domain::calendar::DayKind;
    use crate::models::calendar::{find_day, set_day};
    for line in HOLIDAYS_CSV.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let [date, kind, name, confirmed] = line.split(',').collect::<Vec<_>>()[..] else {
            return Err(bad_data(line));
        };
        let date: NaiveDate = date.parse().map_err(|_| bad_data(line))?;
        let kind = DayKind::parse(kind).ok_or_else(|| bad_data(line))?;
        if find_day(conn, date)?.is_none() {
            let name = if confirmed == "yes" { name.to_string() } else { format!("{name} (chưa xác nhận)") };
            set_day(conn, date, kind, &name, None)?;
        }
    }
    Ok(())
}

/// Adds the catalogue's award types that are missing (by code), with their first rules from
/// the day the law took effect.
fn seed_award_types(conn: &mut DbConn, report: &mut SeedReport) -> Result<(), ApiError> {
    use crate::domain::awards::check_rules;
    use crate::domain::Checks;
    use crate::models::awards::{create_award_type, find_award_type_by_code, NewAwardType};
    for (code, name, category, subject, level, authority, basis, prerequisite, quota, threshold, posting, bonus) in
        CATALOGUE
    {
        if find_award_type_by_code(conn, code)?.is_some() {
            continue;
        }
        let mut checks = Checks::default();
        let prerequisites = prerequisite.map(|needs| needs()).unwrap_or_default();
        let rules = check_rules(
            authority,
            basis,
            prerequisites,
            quota.map(|q| q.0),
            quota.map(|q| q.1),
            Severity::Warning,
            threshold.is_some(),
            *threshold,
            None,
            *posting,
            crate::domain::calendar::DayCount::Working,
            *bonus,
            initiative_requirement(code),
            member_requirement(code),
            cluster_proposal(code),
            &mut checks,
        );
        if let Some(e) = checks.0.first() {
            return Err(bad_data(&format!("{code}: {} {}", e.field, e.message)));
        }
        // The council weighs the public's comments: posted before it meets (Decree 98/2023
        // Art 46.2; Decree 152/2025 Art 60.3 as the Ministry of Home Affairs cites it).
        let mut rules = rules;
        if rules.council_vote_required {
            rules.posting_stage = Some(crate::domain::awards::PostingStage::BeforeCouncil);
        }
        let new = NewAwardType {
            code: code.to_string(),
            name: name.to_string(),
            category: crate::domain::awards::AwardCategory::parse(category)
                .ok_or_else(|| bad_data(&format!("{code}: category {category}")))?,
            subject: crate::domain::awards::AwardSubject::parse(subject)
                .ok_or_else(|| bad_data(&format!("{code}: subject {subject}")))?,
            level: level.to_string(),
        };
        create_award_type(conn, new, day("2024-01-01"), rules, None)?;
        report.award_types_created += 1;
    }
    Ok(())
}

/// A commune of 2025-07-01: its code, its name, and the old communes (with how much of each) it took in.
type Merger<'a> = (&'a str, &'a str, Vec<(&'a str, LinkPart)>);

struct SeedUnit<'a> {
    kind: UnitKind,
    code: String,
    name: &'a str,
    unit_type: UnitType,
    parent_id: Option<UnitId>,
    valid_from: Option<NaiveDate>,
    valid_until: Option<NaiveDate>,
    predecessors: Vec<(UnitId, LinkPart)>,
}

fn day(s: &str) -> NaiveDate {
    s.parse().expect("seed dates are valid")
}

/// Seeds the reference data in one transaction.
pub fn seed_reference(conn: &mut DbConn) -> Result<SeedReport, ApiError> {
    conn.write_tx(|conn| {
        let mut report = SeedReport::default();
        let until = Some(day(LAST_DAY_BEFORE_REFORM));
        let reform = Some(day(REFORM_DAY));

        let mut old_ids: HashMap<String, UnitId> = HashMap::new();
        for line in UNITS_CSV.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let cols: Vec<&str> = line.split(',').collect();
            let [level, code, name, type_label, parent_code] = cols[..] else {
                return Err(bad_data(line));
            };
            let kind = UnitKind::parse(level).ok_or_else(|| bad_data(line))?;
            let unit_type = type_from_label(kind, type_label).ok_or_else(|| bad_data(line))?;
            let parent_id = if parent_code.is_empty() {
                None
            } else {
                Some(old_ids.get(parent_code).copied().ok_or_else(|| bad_data(line))?)
            };
            let valid_from = (kind == UnitKind::Province).then(|| day(BAC_KAN_FROM));
            let id = ensure(
                conn,
                SeedUnit {
                    kind,
                    code: code.into(),
                    name,
                    unit_type,
                    parent_id,
                    valid_from,
                    valid_until: until,
                    predecessors: vec![],
                },
                &mut report,
            )?;
            old_ids.insert(code.to_string(), id);
        }

        let thai_nguyen = ensure(
            conn,
            SeedUnit {
                kind: UnitKind::Province,
                code: "19".into(),
                name: "Tỉnh Thái Nguyên",
                unit_type: UnitType::Tinh,
                parent_id: None,
                valid_from: None,
                valid_until: None,
                predecessors: vec![],
            },
            &mut report,
        )?;

        // new commune code -> (name, [(old code, part)]), in file order.
        let mut merged: Vec<Merger> = Vec::new();
        for line in MERGERS_CSV.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let cols: Vec<&str> = line.split(',').collect();
            let [new_code, new_name, _province, old_code, _old_name, part] = cols[..] else {
                return Err(bad_data(line));
            };
            add_merger(&mut merged, (new_code, new_name, old_code, part), line)?;
        }
        // Thái Nguyên's own former units (the file names their districts), created as they were
        // until the reform, then what they became.
        for line in THAI_NGUYEN_MERGERS_CSV.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let cols: Vec<&str> = line.split(',').collect();
            let [new_code, new_name, _province, old_code, old_name, part, district_code, district_name] = cols[..]
            else {
                return Err(bad_data(line));
            };
            for (kind, code, name, parent_code) in [
                (UnitKind::District, district_code, district_name, None),
                (UnitKind::Commune, old_code, old_name, Some(district_code)),
            ] {
                if old_ids.contains_key(code) {
                    continue;
                }
                let parent_id = match parent_code {
                    Some(parent) => old_ids.get(parent).copied(),
                    None => Some(thai_nguyen),
                };
                let id = ensure(
                    conn,
                    SeedUnit {
                        kind,
                        code: code.into(),
                        name,
                        unit_type: type_from_name(kind, name).ok_or_else(|| bad_data(line))?,
                        parent_id,
                        valid_from: None,
                        valid_until: until,
                        predecessors: vec![],
                    },
                    &mut report,
                )?;
                old_ids.insert(code.to_string(), id);
            }
            add_merger(&mut merged, (new_code, new_name, old_code, part), line)?;
        }
        for (code, name, olds) in merged {
            let unit_type = if name.starts_with("Phường ") { UnitType::Phuong } else { UnitType::Xa };
            let predecessors = olds
                .iter()
                .map(|(old, part)| old_ids.get(*old).copied().map(|id| (id, *part)).ok_or_else(|| bad_data(old)))
                .collect::<Result<_, _>>()?;
            ensure(
                conn,
                SeedUnit {
                    kind: UnitKind::Commune,
                    code: code.into(),
                    name,
                    unit_type,
                    parent_id: Some(thai_nguyen),
                    valid_from: reform,
                    valid_until: None,
                    predecessors,
                },
                &mut report,
            )?;
        }

        let bac_kan = old_ids.get("06").copied().ok_or_else(|| bad_data("06"))?;
        let mut old_departments: HashMap<&str, UnitId> = HashMap::new();
        for (suffix, name, unit_type) in BAC_KAN_DEPARTMENTS {
            let id = ensure(
                conn,
                SeedUnit {
                    kind: UnitKind::Department,
                    code: format!("06-{suffix}"),
                    name,
                    unit_type: *unit_type,
                    parent_id: Some(bac_kan),
                    valid_from: None,
                    valid_until: until,
                    predecessors: vec![],
                },
                &mut report,
            )?;
            old_departments.insert(name, id);
        }
        for (suffix, name, unit_type) in THAI_NGUYEN_DEPARTMENTS {
            // A department of the same name in Bắc Kạn went into this one; others were
            // reorganised across several departments and are left unlinked.
            let predecessors = old_departments.get(name).map(|id| vec![(*id, LinkPart::Full)]).unwrap_or_default();
            ensure(
                conn,
                SeedUnit {
                    kind: UnitKind::Department,
                    code: format!("19-{suffix}"),
                    name,
                    unit_type: *unit_type,
                    parent_id: Some(thai_nguyen),
                    valid_from: reform,
                    valid_until: None,
                    predecessors,
                },
                &mut report,
            )?;
        }
        seed_award_types(conn, &mut report)?;
        seed_holidays(conn)?;
        Ok(report)
    })
}

/// Returns the id of the unit, creating it (through the same checks as the API) if absent.
fn ensure(conn: &mut DbConn, unit: SeedUnit, report: &mut SeedReport) -> Result<UnitId, ApiError> {
    let same_code: Vec<(UnitId, Option<NaiveDate>)> = units::table
        .filter(units::kind.eq(unit.kind.as_str()))
        .filter(units::code.eq(&unit.code))
        .select((units::id, units::valid_from))
        .load(conn)?;
    let existing = same_code.into_iter().find(|(_, from)| *from == unit.valid_from).map(|(id, _)| id);
    if let Some(id) = existing {
        report.units_present += 1;
        return Ok(id);
    }
    let fields = check_new_unit(
        unit.kind,
        Some(&unit.code),
        Some(unit.name),
        Some(unit.unit_type.as_str()),
        unit.valid_from,
        unit.valid_until,
    )
    .map_err(ApiError::validation)?;
    let created = model::create(
        conn,
        NewUnit { kind: unit.kind, fields, parent_id: unit.parent_id, predecessors: unit.predecessors },
    )?;
    report.units_created += 1;
    Ok(created.id)
}

/// One line of a merger file: the new commune gains the old one (as `part`).
fn add_merger<'a>(
    merged: &mut Vec<Merger<'a>>,
    (new_code, new_name, old_code, part): (&'a str, &'a str, &'a str, &str),
    line: &str,
) -> Result<(), ApiError> {
    let part = LinkPart::parse(part).ok_or_else(|| bad_data(line))?;
    match merged.iter_mut().find(|(code, _, _)| *code == new_code) {
        Some((_, _, olds)) => olds.push((old_code, part)),
        None => merged.push((new_code, new_name, vec![(old_code, part)])),
    }
    Ok(())
}

/// A unit's type from the word its name starts with ("Huyện Đại Từ", "Thị trấn Hùng Sơn").
fn type_from_name(kind: UnitKind, name: &str) -> Option<UnitType> {
    ["Thành phố", "Thị xã", "Thị trấn", "Huyện", "Phường", "Xã"]
        .into_iter()
        .find(|label| name.strip_prefix(label).is_some_and(|rest| rest.starts_with(' ')))
        .and_then(|label| type_from_label(kind, label))
}

fn type_from_label(kind: UnitKind, label: &str) -> Option<UnitType> {
    let unit_type = match (kind, label) {
        (UnitKind::Province, "Tỉnh") => UnitType::Tinh,
        (UnitKind::District, "Huyện") => UnitType::Huyen,
        (UnitKind::District, "Thị xã") => UnitType::ThiXa,
        (UnitKind::District, "Thành phố") => UnitType::ThanhPho,
        (UnitKind::Commune, "Xã") => UnitType::Xa,
        (UnitKind::Commune, "Phường") => UnitType::Phuong,
        (UnitKind::Commune, "Thị trấn") => UnitType::ThiTran,
        _ => return None,
    };
    Some(unit_type)
}

fn bad_data(what: &str) -> ApiError {
    ApiError::internal(anyhow::anyhow!("reference data is malformed near: {what}"))
}

/// Counts of links, for reports and tests.
pub fn count_links(conn: &mut DbConn) -> Result<i64, ApiError> {
    Ok(unit_links::table.count().get_result(conn)?)
}
