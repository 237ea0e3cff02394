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
}
