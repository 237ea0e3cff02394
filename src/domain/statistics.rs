//! What the national commendation statistics count of a person: gender, ethnic group and staff
//! category. The staff categories are the rows of the Ministry of Home Affairs' annual forms on
//! commendations (Biểu 0602.N and 0603.N/BNV-TĐKT, Circular 2/2023/TT-BNV, as transcribed by
//! one vendor; the official appendix, and that of its successor Circular 18/2025/TT-BNV, not
//! checked here). Ethnic groups are the GSO's list (Danh mục các dân tộc Việt Nam, Decision
//! 121-TCTK/PPCĐ of 1979, the numbering civil registers use; not the 2008 list of Decision
//! 1019/QĐ-TCTK, which orders by population: 04 Mường, 06 Hoa, 11 Ê Đê, …); all 54 codes checked
//! against three independent copies of the 1979 list and the GSO's page for 01–09.

use crate::domain::awards::CommendationType;

text_enum! {
    pub enum Gender {
        Male = "male" => "Nam",
        Female = "female" => "Nữ",
    }
}

text_enum! {
    /// Who an individual is, as the commendation forms break individuals down.
    pub enum StaffCategory {
        /// Lãnh đạo cấp bộ, cấp tỉnh và tương đương trở lên.
        ProvincialLeader = "provincial_leader" => "Lãnh đạo cấp bộ, cấp tỉnh và tương đương trở lên",
        /// Lãnh đạo cấp vụ, sở, ngành và tương đương.
        DepartmentLeader = "department_leader" => "Lãnh đạo cấp vụ, sở, ngành và tương đương",
        /// Doanh nhân.
        Entrepreneur = "entrepreneur" => "Doanh nhân",
        /// Các cấp lãnh đạo khác từ phó phòng trở lên.
        OtherLeader = "other_leader" => "Các cấp lãnh đạo khác từ phó phòng trở lên",
        /// Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu.
        Worker = "worker" => "Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu (công nhân, nông dân, …)",
    }
}

/// The 54 ethnic groups of Viet Nam by GSO code.
pub const ETHNIC_GROUPS: [(&str, &str); 54] = [
    ("01", "Kinh"),
    ("02", "Tày"),
    ("03", "Thái"),
    ("04", "Hoa"),
    ("05", "Khơ Me"),
    ("06", "Mường"),
    ("07", "Nùng"),
    ("08", "Mông"),
    ("09", "Dao"),
    ("10", "Gia Rai"),
    ("11", "Ngái"),
    ("12", "Ê Đê"),
    ("13", "Ba Na"),
    ("14", "Xơ Đăng"),
    ("15", "Sán Chay"),
    ("16", "Cơ Ho"),
    ("17", "Chăm"),
    ("18", "Sán Dìu"),
    ("19", "Hrê"),
    ("20", "Mnông"),
    ("21", "Ra Glai"),
    ("22", "Xtiêng"),
    ("23", "Bru-Vân Kiều"),
    ("24", "Thổ"),
    ("25", "Giáy"),
    ("26", "Cơ Tu"),
    ("27", "Gié Triêng"),
    ("28", "Mạ"),
    ("29", "Khơ Mú"),
    ("30", "Co"),
    ("31", "Tà Ôi"),
    ("32", "Chơ Ro"),
    ("33", "Kháng"),
    ("34", "Xinh Mun"),
    ("35", "Hà Nhì"),
    ("36", "Chu Ru"),
    ("37", "Lào"),
    ("38", "La Chí"),
    ("39", "La Ha"),
    ("40", "Phù Lá"),
    ("41", "La Hủ"),
    ("42", "Lự"),
    ("43", "Lô Lô"),
    ("44", "Chứt"),
    ("45", "Mảng"),
    ("46", "Pà Thẻn"),
    ("47", "Cơ Lao"),
    ("48", "Cống"),
    ("49", "Bố Y"),
    ("50", "Si La"),
    ("51", "Pu Péo"),
    ("52", "Brâu"),
    ("53", "Ơ Đu"),
    ("54", "Rơ Măm"),
];

/// The name of an ethnic group's GSO code, if it is one.
pub fn ethnic_group(code: &str) -> Option<&'static str> {
    ETHNIC_GROUPS.iter().find(|(c, _)| *c == code).map(|(_, name)| *name)
}

/// Ethnic minorities (dân tộc thiểu số) are every group but the Kinh.
pub fn is_ethnic_minority(code: &str) -> bool {
    ethnic_group(code).is_some() && code != "01"
}

/// The columns of Biểu 0603.N/BNV-TĐKT (commendations at the province's level) after its total.
/// A column of a form: its key in CSV/JSON and its heading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormColumn {
    pub key: &'static str,
    pub label: &'static str,
}

const fn column(key: &'static str, label: &'static str) -> FormColumn {
    FormColumn { key, label }
}

/// Biểu 0603.N/BNV-TĐKT (commendations at the province's level): Bằng khen, Chiến sĩ thi đua,
/// Cờ thi đua, Kỷ niệm chương — and the titles the province grants that the form has no
/// column for (e.g. Tập thể lao động xuất sắc), so the total adds up.
pub const PROVINCIAL_COLUMNS: [FormColumn; 5] = [
    column("bang_khen", "Bằng khen"),
    column("chien_si_thi_dua", "Chiến sĩ thi đua cấp tỉnh"),
    column("co_thi_dua", "Cờ thi đua"),
    column("ky_niem_chuong", "Huy hiệu, kỷ niệm chương"),
    column("other", "Danh hiệu khác của tỉnh (ngoài các cột của biểu)"),
];

/// The column of `PROVINCIAL_COLUMNS` of an award type, by the catalogue's code.
pub fn provincial_column(award_type_code: &str) -> usize {
    match award_type_code {
        c if c.starts_with("BANG_KHEN_TINH") => 0,
        "CSTD_TINH" => 1,
        "CO_THI_DUA_TINH" => 2,
        c if c.starts_with("KY_NIEM_CHUONG") || c.starts_with("HUY_HIEU") => 3,
        _ => 4,
    }
}

/// Biểu 0602.N/BNV-TĐKT (commendations at the State's level, which the province proposes and
/// records the outcome of): one column per group of forms the form names. The form asks for a
/// column per order and per medal; the catalogue's codes say only the group, so each group is one
/// column here (its collectives and individuals are the rows 06 and 09).
pub const STATE_COLUMNS: [FormColumn; 9] = [
    column("huan_chuong", "Các loại huân chương"),
    column("huy_chuong", "Các loại huy chương"),
    column("giai_thuong_ho_chi_minh", "Giải thưởng Hồ Chí Minh"),
    column("giai_thuong_nha_nuoc", "Giải thưởng Nhà nước"),
    column("danh_hieu_vinh_du", "Danh hiệu vinh dự nhà nước"),
    column("co_thi_dua_chinh_phu", "Cờ thi đua của Chính phủ"),
    column("bang_khen_thu_tuong", "Bằng khen của Thủ tướng Chính phủ"),
    column("chien_si_thi_dua_toan_quoc", "Danh hiệu «Chiến sĩ thi đua toàn quốc»"),
    column("other", "Các hình thức khen thưởng khác"),
];

/// The column of `STATE_COLUMNS` of an award type, by the catalogue's code (a board adding
/// state-level forms to its catalogue names them by these prefixes).
pub fn state_column(award_type_code: &str) -> usize {
    match award_type_code {
        c if c.starts_with("HUAN_CHUONG") => 0,
        c if c.starts_with("HUY_CHUONG") => 1,
        c if c.starts_with("GIAI_THUONG_HO_CHI_MINH") => 2,
        c if c.starts_with("GIAI_THUONG_NHA_NUOC") => 3,
        c if c.starts_with("ANH_HUNG")
            || c.starts_with("NHA_GIAO")
            || c.starts_with("THAY_THUOC")
            || c.starts_with("NGHE_SI")
            || c.starts_with("NGHE_NHAN")
            || c.starts_with("BA_ME") =>
        {
            4
        }
        "CO_THI_DUA_CP" => 5,
        c if c.starts_with("BANG_KHEN_TTG") => 6,
        "CSTD_TOAN_QUOC" => 7,
        _ => 8,
    }
}

/// One award as a form counts it: its column (an index into the form's columns) and what the
/// rows break down by.
pub struct Counted<'a> {
    pub column: usize,
    pub recipient: crate::domain::awards::NomineeKind,
    pub gender: Option<Gender>,
    pub ethnicity_code: Option<&'a str>,
    pub staff_category: Option<StaffCategory>,
    pub commendation_type: Option<CommendationType>,
}

/// A row of a form: its number on the form (none for the service's own breakdowns), its label,
/// and the total then each of the form's columns — `None` where the service does not record
/// what the row asks (enterprises among collectives; for 0602, ministries' proposals).
pub struct FormRow {
    pub code: Option<&'static str>,
    pub label: &'static str,
    pub counts: Option<Vec<i64>>,
}

/// Where a form numbers its rows: the two forms share their breakdowns but not their numbers.
pub struct RowCodes {
    pub total: &'static str,
    /// 0602 only: (proposed by ministries, proposed by provinces).
    pub proposed_by: Option<(&'static str, &'static str)>,
    pub collectives: &'static str,
    pub enterprises: &'static str,
    pub households: &'static str,
    pub individuals: &'static str,
    /// The five staff categories, in `StaffCategory` order.
    pub staff: [&'static str; 5],
    /// The seven types of commendation, in `CommendationType` order.
    pub types: [&'static str; 7],
}

/// Biểu 0603.N's row numbers.
pub const PROVINCIAL_ROWS: RowCodes = RowCodes {
    total: "01",
    proposed_by: None,
    collectives: "02",
    enterprises: "03",
    households: "04",
    individuals: "05",
    staff: ["06", "07", "08", "09", "10"],
    types: ["11", "12", "13", "14", "15", "16", "17"],
};

/// Biểu 0602.N's row numbers as transcribed (04 and 05 are not used there).
pub const STATE_ROWS: RowCodes = RowCodes {
    total: "01",
    proposed_by: Some(("02", "03")),
    collectives: "06",
    enterprises: "07",
    households: "08",
    individuals: "09",
    staff: ["10", "11", "12", "13", "14"],
    types: ["15", "16", "17", "18", "19", "20", "21"],
};

/// A form's rows over the awards counted: the total, (for 0602) by whom proposed, by whom
/// commended (collective, of which enterprises; household; individual, by staff category), by
/// type of commendation — then the service's own breakdowns, without a number: individuals not
/// categorised, awards whose type of commendation is not recorded, women, ethnic minorities.
pub fn form_rows(awards: &[Counted], columns: usize, codes: &RowCodes) -> Vec<FormRow> {
    use crate::domain::awards::NomineeKind;
    let count = |keep: &dyn Fn(&Counted) -> bool| {
        let mut counts = vec![0_i64; columns + 1];
        for a in awards.iter().filter(|a| keep(a)) {
            counts[0] += 1;
            counts[1 + a.column.min(columns - 1)] += 1;
        }
        Some(counts)
    };
    let person = |a: &Counted| a.recipient == NomineeKind::Person;
    let mut rows = vec![FormRow { code: Some(codes.total), label: "Tổng số", counts: count(&|_| true) }];
    if let Some((ministries, provinces)) = codes.proposed_by {
        // The province's form: everything it records, it proposed.
        rows.push(FormRow {
            code: Some(ministries), label: "Bộ, ban, ngành, đoàn thể Trung ương", counts: None
        });
        rows.push(FormRow {
            code: Some(provinces),
            label: "Tỉnh, thành phố trực thuộc Trung ương",
            counts: count(&|_| true),
        });
    }
    rows.extend([
        FormRow {
            code: Some(codes.collectives),
            label: "Tập thể",
            counts: count(&|a| a.recipient == NomineeKind::Unit),
        },
        FormRow { code: Some(codes.enterprises), label: "Trong đó: Doanh nghiệp", counts: None },
        FormRow {
            code: Some(codes.households),
            label: "Hộ gia đình",
            counts: count(&|a| a.recipient == NomineeKind::Household),
        },
        FormRow { code: Some(codes.individuals), label: "Cá nhân", counts: count(&person) },
    ]);
    for (code, category) in codes.staff.into_iter().zip(StaffCategory::ALL) {
        rows.push(FormRow {
            code: Some(code),
            label: category.label_vi(),
            counts: count(&|a| person(a) && a.staff_category == Some(*category)),
        });
    }
    for (code, kind) in codes.types.into_iter().zip(CommendationType::ALL) {
        rows.push(FormRow {
            code: Some(code),
            label: kind.label_vi(),
            counts: count(&|a| a.commendation_type == Some(*kind)),
        });
    }
    rows.push(FormRow {
        code: None,
        label: "Cá nhân chưa ghi đối tượng",
        counts: count(&|a| person(a) && a.staff_category.is_none()),
    });
    rows.push(FormRow {
        code: None,
        label: "Chưa ghi loại hình khen thưởng",
        counts: count(&|a| a.commendation_type.is_none()),
    });
    rows.push(FormRow {
        code: None,
        label: "Cá nhân là nữ",
        counts: count(&|a| person(a) && a.gender == Some(Gender::Female)),
    });
    rows.push(FormRow {
        code: None,
        label: "Cá nhân là người dân tộc thiểu số",
        counts: count(&|a| person(a) && a.ethnicity_code.is_some_and(is_ethnic_minority)),
    });
    rows
}

/// Biểu 0601.N/BNV-TĐKT (the number of emulation campaigns): one campaign as it counts it.
pub struct CountedCampaign {
    /// Run by a department or a commune (else by the province).
    pub by_unit: bool,
    /// Its participants are clusters (cụm, khối thi đua).
    pub by_clusters: bool,
    pub kind: crate::domain::campaigns::CampaignKind,
    pub start_date: chrono::NaiveDate,
    pub end_date: chrono::NaiveDate,
}

/// Biểu 0601.N's columns, by the level that launched the campaign: the central level's (not the
/// province's to count: empty), the province's, its agencies' and units'.
pub const CAMPAIGN_COLUMNS: [FormColumn; 3] = [
    column("trung_uong", "Cấp Trung ương (Hội đồng Thi đua - Khen thưởng Trung ương)"),
    column("cap_tinh", "Cấp bộ, ban, ngành, đoàn thể trung ương, tỉnh, thành phố trực thuộc Trung ương"),
    column("co_quan_don_vi", "Cơ quan, tổ chức, đơn vị"),
];

/// Which duration row (06–10) a campaign falls in: under a year, one year (to the day before
/// its anniversary), over one and under three, three to under five, five years or more.
pub fn duration_row(start: chrono::NaiveDate, end: chrono::NaiveDate) -> usize {
    let years_later = |n: u32| {
        start
            .checked_add_months(chrono::Months::new(12 * n))
            .and_then(|d| d.pred_opt())
            .unwrap_or(chrono::NaiveDate::MAX)
    };
    match end {
        e if e < years_later(1) => 0,
        e if e == years_later(1) => 1,
        e if e < years_later(3) => 2,
        e if e < years_later(5) => 3,
        _ => 4,
    }
}

/// Biểu 0601.N's rows over the campaigns launched in the period: 01 total; by scope — 02
/// nationwide (not the province's: empty), 03 the province's, 04 its clusters', 05 its
/// agencies' and units'; by duration (06–10); by method — 11 thematic, 12 ongoing (yearly).
/// Counts are the total then `CAMPAIGN_COLUMNS` (the central column always 0 here; the report
/// leaves it empty).
pub fn campaign_form(campaigns: &[CountedCampaign]) -> Vec<FormRow> {
    use crate::domain::campaigns::CampaignKind;
    let count = |keep: &dyn Fn(&CountedCampaign) -> bool| {
        let mut counts = vec![0_i64; 4];
        for c in campaigns.iter().filter(|c| keep(c)) {
            counts[0] += 1;
            counts[if c.by_unit { 3 } else { 2 }] += 1;
        }
        Some(counts)
    };
    let mut rows = vec![
        FormRow { code: Some("01"), label: "Tổng số", counts: count(&|_| true) },
        FormRow { code: Some("02"), label: "Toàn quốc", counts: None },
        FormRow {
            code: Some("03"),
            label: "Bộ, ban, ngành, đoàn thể, địa phương",
            counts: count(&|c| !c.by_unit && !c.by_clusters),
        },
        FormRow {
            code: Some("04"),
            label: "Cụm, khối thi đua do Hội đồng Thi đua - Khen thưởng các cấp tổ chức",
            counts: count(&|c| !c.by_unit && c.by_clusters),
        },
        FormRow { code: Some("05"), label: "Cơ quan, tổ chức, đơn vị", counts: count(&|c| c.by_unit) },
    ];
    for (i, (code, label)) in [
        ("06", "Dưới 1 năm"),
        ("07", "1 năm"),
        ("08", "Từ 1 năm đến dưới 3 năm"),
        ("09", "Từ 3 năm đến dưới 5 năm"),
        ("10", "Từ 5 năm trở lên"),
    ]
    .into_iter()
    .enumerate()
    {
        rows.push(FormRow { code: Some(code), label, counts: count(&|c| duration_row(c.start_date, c.end_date) == i) });
    }
    rows.push(FormRow {
        code: Some("11"),
        label: "Thi đua theo chuyên đề",
        counts: count(&|c| c.kind == CampaignKind::ChuyenDe),
    });
    rows.push(FormRow {
        code: Some("12"),
        label: "Thi đua thường xuyên hàng năm",
        counts: count(&|c| c.kind == CampaignKind::ThuongXuyen),
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_54_groups_have_distinct_codes_in_order_and_names_in_nfc() {
        use unicode_normalization::UnicodeNormalization;
        for (i, (code, name)) in ETHNIC_GROUPS.iter().enumerate() {
            assert_eq!(*code, format!("{:02}", i + 1));
            assert_eq!(name.nfc().collect::<String>(), *name);
        }
        assert_eq!(ethnic_group("02"), Some("Tày"));
        assert_eq!((ethnic_group("04"), ethnic_group("06")), (Some("Hoa"), Some("Mường")), "the 1979 numbering");
        assert_eq!(ethnic_group("55"), None);
        assert!(is_ethnic_minority("07") && !is_ethnic_minority("01") && !is_ethnic_minority("99"));
    }

    #[test]
    fn the_provincial_form_counts_by_recipient_category_type_and_column() {
        use crate::domain::awards::NomineeKind;
        let award = |code: &str, recipient, gender, ethnicity, category, kind| Counted {
            column: provincial_column(code),
            recipient,
            gender,
            ethnicity_code: ethnicity,
            staff_category: category,
            commendation_type: kind,
        };
        let regular = Some(CommendationType::Regular);
        let awards = [
            award(
                "BANG_KHEN_TINH_CA_NHAN",
                NomineeKind::Person,
                Some(Gender::Female),
                Some("02"),
                Some(StaffCategory::Worker),
                Some(CommendationType::AdHoc),
            ),
            award(
                "CSTD_TINH",
                NomineeKind::Person,
                Some(Gender::Male),
                Some("01"),
                Some(StaffCategory::OtherLeader),
                regular,
            ),
            award("BANG_KHEN_TINH_CA_NHAN", NomineeKind::Person, None, None, None, None),
            award("CO_THI_DUA_TINH", NomineeKind::Unit, None, None, None, regular),
            award("TTLDXS", NomineeKind::Unit, None, None, None, regular),
        ];
        let rows = form_rows(&awards, PROVINCIAL_COLUMNS.len(), &PROVINCIAL_ROWS);
        let row = |label: &str| rows.iter().find(|r| r.label == label).unwrap().counts.clone();
        // Total, Bằng khen, CSTĐ, Cờ, Kỷ niệm chương, other.
        assert_eq!(row("Tổng số"), Some(vec![5, 2, 1, 1, 0, 1]));
        assert_eq!(row("Tập thể"), Some(vec![2, 0, 0, 1, 0, 1]));
        assert_eq!(row("Cá nhân"), Some(vec![3, 2, 1, 0, 0, 0]));
        assert_eq!(row(StaffCategory::Worker.label_vi()), Some(vec![1, 1, 0, 0, 0, 0]));
        assert_eq!(row("Cá nhân chưa ghi đối tượng"), Some(vec![1, 1, 0, 0, 0, 0]));
        assert_eq!(row("Cá nhân là nữ"), Some(vec![1, 1, 0, 0, 0, 0]));
        assert_eq!(row("Cá nhân là người dân tộc thiểu số"), Some(vec![1, 1, 0, 0, 0, 0]), "Tày, not Kinh");
        assert_eq!(row("Khen thưởng thường xuyên"), Some(vec![3, 0, 1, 1, 0, 1]));
        assert_eq!(row("Khen thưởng đột xuất"), Some(vec![1, 1, 0, 0, 0, 0]));
        assert_eq!(row("Chưa ghi loại hình khen thưởng"), Some(vec![1, 1, 0, 0, 0, 0]));
        assert_eq!(row("Trong đó: Doanh nghiệp"), None, "not recorded: left empty, never 0");
        let codes: Vec<&str> = rows.iter().filter_map(|r| r.code).collect();
        assert_eq!(codes, (1..=17).map(|i| format!("{i:02}")).collect::<Vec<_>>());
    }

    #[test]
    fn the_state_form_numbers_its_rows_its_own_way_and_counts_by_group_of_forms() {
        use crate::domain::awards::NomineeKind;
        assert_eq!(state_column("CSTD_TOAN_QUOC"), 7);
        assert_eq!(state_column("HUAN_CHUONG_LAO_DONG_HANG_BA"), 0);
        assert_eq!(state_column("BANG_KHEN_TTG_TAP_THE"), 6);
        assert_eq!(state_column("CSTD_TINH"), 8, "not a state-level form: other");
        let awards = [Counted {
            column: state_column("CO_THI_DUA_CP"),
            recipient: NomineeKind::Unit,
            gender: None,
            ethnicity_code: None,
            staff_category: None,
            commendation_type: Some(CommendationType::Thematic),
        }];
        let rows = form_rows(&awards, STATE_COLUMNS.len(), &STATE_ROWS);
        let by_code = |code: &str| rows.iter().find(|r| r.code == Some(code)).unwrap();
        assert_eq!(by_code("01").counts, Some(vec![1, 0, 0, 0, 0, 0, 1, 0, 0, 0]));
        assert_eq!(by_code("02").counts, None, "ministries' proposals are not the province's to count");
        assert_eq!(by_code("03").counts, by_code("01").counts);
        assert_eq!(by_code("06").label, "Tập thể");
        assert_eq!(by_code("16").label, "Khen thưởng theo chuyên đề");
        assert_eq!(by_code("16").counts.as_ref().unwrap()[0], 1);
        assert_eq!(rows.iter().filter_map(|r| r.code).next_back(), Some("21"));
    }

    #[test]
    fn campaigns_count_by_level_scope_duration_and_method() {
        use crate::domain::campaigns::CampaignKind;
        let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        assert_eq!(duration_row(d("2021-09-23"), d("2021-12-31")), 0);
        assert_eq!(duration_row(d("2025-01-01"), d("2025-12-31")), 1, "a calendar year is one year");
        assert_eq!(duration_row(d("2024-03-01"), d("2025-02-28")), 1, "across a leap day");
        assert_eq!(duration_row(d("2025-01-01"), d("2026-01-01")), 2, "a day over one year");
        assert_eq!(duration_row(d("2026-01-01"), d("2028-12-31")), 3, "three years");
        assert_eq!(duration_row(d("2026-01-01"), d("2030-12-31")), 4, "five years");
        let campaign = |by_unit, by_clusters, kind, end: &str| CountedCampaign {
            by_unit,
            by_clusters,
            kind,
            start_date: d("2025-01-01"),
            end_date: d(end),
        };
        let rows = campaign_form(&[
            campaign(false, false, CampaignKind::ChuyenDe, "2025-06-30"),
            campaign(false, true, CampaignKind::ThuongXuyen, "2025-12-31"),
            campaign(true, false, CampaignKind::ChuyenDe, "2029-12-31"),
        ]);
        let by_code = |code: &str| rows.iter().find(|r| r.code == Some(code)).unwrap().counts.clone();
        assert_eq!(by_code("01"), Some(vec![3, 0, 2, 1]));
        assert_eq!(by_code("02"), None);
        assert_eq!(
            (by_code("03"), by_code("04"), by_code("05")),
            (Some(vec![1, 0, 1, 0]), Some(vec![1, 0, 1, 0]), Some(vec![1, 0, 0, 1]))
        );
        assert_eq!(
            (by_code("06"), by_code("07"), by_code("10")),
            (Some(vec![1, 0, 1, 0]), Some(vec![1, 0, 1, 0]), Some(vec![1, 0, 0, 1]))
        );
        assert_eq!((by_code("11"), by_code("12")), (Some(vec![2, 0, 1, 1]), Some(vec![1, 0, 1, 0])));
    }
}
