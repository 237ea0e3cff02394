//! What the national commendation statistics count of a person: gender, ethnic group and staff
//! category. The staff categories are the rows of the Ministry of Home Affairs' annual forms on
//! commendations (Biểu 0602.N and 0603.N/BNV-TĐKT, Circular 2/2023/TT-BNV, as transcribed by
//! one vendor; the official appendix, and that of its successor Circular 18/2025/TT-BNV, not
//! checked here). Ethnic groups are the GSO's list (Danh mục các dân tộc Việt Nam, Decision
//! 121-TCTK/PPCĐ of 1979); codes 01–10 checked against the GSO's published list.

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
    ("04", "Mường"),
    ("05", "Khơ Me"),
    ("06", "Hoa"),
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
    ("23", "Bru Vân Kiều"),
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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormColumn {
    /// Bằng khen (of the Chairman of the provincial People's Committee).
    BangKhen,
    /// Chiến sĩ thi đua cấp tỉnh.
    ChienSiThiDua,
    /// Cờ thi đua cấp tỉnh.
    CoThiDua,
    /// Huy hiệu, kỷ niệm chương of the province.
    KyNiemChuong,
    /// A title the province grants that the form has no column for (e.g. Tập thể lao động xuất
    /// sắc): counted in the total and shown apart, so the total adds up.
    Other,
}

pub const FORM_COLUMNS: [FormColumn; 5] = [
    FormColumn::BangKhen,
    FormColumn::ChienSiThiDua,
    FormColumn::CoThiDua,
    FormColumn::KyNiemChuong,
    FormColumn::Other,
];

/// The form's column of an award type, by the catalogue's code.
pub fn column_of(award_type_code: &str) -> FormColumn {
    match award_type_code {
        c if c.starts_with("BANG_KHEN_TINH") => FormColumn::BangKhen,
        "CSTD_TINH" => FormColumn::ChienSiThiDua,
        "CO_THI_DUA_TINH" => FormColumn::CoThiDua,
        c if c.starts_with("KY_NIEM_CHUONG") || c.starts_with("HUY_HIEU") => FormColumn::KyNiemChuong,
        _ => FormColumn::Other,
    }
}

/// One award as the form counts it.
pub struct Counted<'a> {
    pub column: FormColumn,
    pub recipient: crate::domain::awards::NomineeKind,
    pub gender: Option<Gender>,
    pub ethnicity_code: Option<&'a str>,
    pub staff_category: Option<StaffCategory>,
}

/// A row of the form: its number on the form (none for the service's own breakdowns), its
/// label, and the total then each of `FORM_COLUMNS` — `None` where the service does not record
/// what the row asks (enterprises among collectives; the type of commendation).
pub struct FormRow {
    pub code: Option<&'static str>,
    pub label: &'static str,
    pub counts: Option<[i64; 6]>,
}

/// Biểu 0603.N/BNV-TĐKT's rows over the awards counted: the total, by whom commended (collective,
/// of which enterprises; household; individual, by staff category), by type of commendation —
/// then the service's own breakdowns of individuals: not categorised, women, ethnic minorities.
pub fn provincial_form(awards: &[Counted]) -> Vec<FormRow> {
    use crate::domain::awards::NomineeKind;
    let count = |keep: &dyn Fn(&Counted) -> bool| {
        let mut counts = [0_i64; 6];
        for a in awards.iter().filter(|a| keep(a)) {
            counts[0] += 1;
            counts[1 + FORM_COLUMNS.iter().position(|c| *c == a.column).unwrap_or(4)] += 1;
        }
        Some(counts)
    };
    let person = |a: &Counted| a.recipient == NomineeKind::Person;
    let mut rows = vec![
        FormRow { code: Some("01"), label: "Tổng số", counts: count(&|_| true) },
        FormRow { code: Some("02"), label: "Tập thể", counts: count(&|a| a.recipient == NomineeKind::Unit) },
        FormRow { code: Some("03"), label: "Trong đó: Doanh nghiệp", counts: None },
        FormRow {
            code: Some("04"), label: "Hộ gia đình", counts: count(&|a| a.recipient == NomineeKind::Household)
        },
        FormRow { code: Some("05"), label: "Cá nhân", counts: count(&person) },
    ];
    for (code, category) in ["06", "07", "08", "09", "10"].into_iter().zip([
        StaffCategory::ProvincialLeader,
        StaffCategory::DepartmentLeader,
        StaffCategory::Entrepreneur,
        StaffCategory::OtherLeader,
        StaffCategory::Worker,
    ]) {
        rows.push(FormRow {
            code: Some(code),
            label: category.label_vi(),
            counts: count(&|a| person(a) && a.staff_category == Some(category)),
        });
    }
    for (code, label) in [
        ("11", "Khen thưởng thường xuyên"),
        ("12", "Khen thưởng theo chuyên đề"),
        ("13", "Khen thưởng đột xuất"),
        ("14", "Khen thưởng đối ngoại"),
        ("15", "Khen thưởng quá trình cống hiến"),
        ("16", "Khen thưởng theo niên hạn"),
        ("17", "Khen thưởng thành tích kháng chiến"),
    ] {
        rows.push(FormRow { code: Some(code), label, counts: None });
    }
    rows.push(FormRow {
        code: None,
        label: "Cá nhân chưa ghi đối tượng",
        counts: count(&|a| person(a) && a.staff_category.is_none()),
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
        assert_eq!(ethnic_group("55"), None);
        assert!(is_ethnic_minority("07") && !is_ethnic_minority("01") && !is_ethnic_minority("99"));
    }

    #[test]
    fn the_provincial_form_counts_by_recipient_category_and_column() {
        use crate::domain::awards::NomineeKind;
        let award = |code: &str, recipient, gender, ethnicity, category| Counted {
            column: column_of(code),
            recipient,
            gender,
            ethnicity_code: ethnicity,
            staff_category: category,
        };
        let awards = [
            award(
                "BANG_KHEN_TINH_CA_NHAN",
                NomineeKind::Person,
                Some(Gender::Female),
                Some("02"),
                Some(StaffCategory::Worker),
            ),
            award("CSTD_TINH", NomineeKind::Person, Some(Gender::Male), Some("01"), Some(StaffCategory::OtherLeader)),
            award("BANG_KHEN_TINH_CA_NHAN", NomineeKind::Person, None, None, None),
            award("CO_THI_DUA_TINH", NomineeKind::Unit, None, None, None),
            award("TTLDXS", NomineeKind::Unit, None, None, None),
        ];
        let rows = provincial_form(&awards);
        let row = |label: &str| rows.iter().find(|r| r.label == label).unwrap().counts;
        // Total, Bằng khen, CSTĐ, Cờ, Kỷ niệm chương, other.
        assert_eq!(row("Tổng số"), Some([5, 2, 1, 1, 0, 1]));
        assert_eq!(row("Tập thể"), Some([2, 0, 0, 1, 0, 1]));
        assert_eq!(row("Cá nhân"), Some([3, 2, 1, 0, 0, 0]));
        assert_eq!(row(StaffCategory::Worker.label_vi()), Some([1, 1, 0, 0, 0, 0]));
        assert_eq!(row("Cá nhân chưa ghi đối tượng"), Some([1, 1, 0, 0, 0, 0]));
        assert_eq!(row("Cá nhân là nữ"), Some([1, 1, 0, 0, 0, 0]));
        assert_eq!(row("Cá nhân là người dân tộc thiểu số"), Some([1, 1, 0, 0, 0, 0]), "Tày, not Kinh");
        assert_eq!(row("Trong đó: Doanh nghiệp"), None, "not recorded: left empty, never 0");
        assert_eq!(rows.iter().filter_map(|r| r.code).collect::<Vec<_>>().len(), 17);
    }
}
