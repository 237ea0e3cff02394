//! The documents thidua generates and the placeholders each one's template may use.
//!
//! A template is a DOCX file whose text holds `{{field}}` placeholders; a table row holding
//! `{{list.field}}` is repeated once per item of `list` (`documents::docx`). Version 1 of each
//! kind is built in (`templates/<kind>.xml`); a board uploads its own versions.

/// The built-in templates' version: a board's uploads are numbered from 2.
pub const BUILT_IN_VERSION: i32 = 1;

/// The fields every kind fills: the Decree 30/2020 header and the place and date line.
pub const COMMON_FIELDS: &[&str] = &[
    // TÊN CƠ QUAN, TỔ CHỨC CHỦ QUẢN (may be empty), upper case.
    "issuing_body_parent",
    // TÊN CƠ QUAN, TỔ CHỨC BAN HÀNH VĂN BẢN, upper case.
    "issuing_body",
    // What follows "Số: " — a decision's own number; others leave room for the clerk ("    /TTr-SNV").
    "number",
    // Địa danh: the province.
    "place",
    // "ngày 5 tháng 01 năm 2026" (display::admin_date).
    "date",
    "year",
];

text_enum! {
    /// A document thidua generates from a record, filling the board's template of that kind.
    pub enum TemplateKind {
        /// From a unit's dossier of a round, sent up.
        Submission = "submission" => "Tờ trình đề nghị khen thưởng",
        /// The nominees of a unit's dossier, one row each.
        NomineeList = "nominee_list" => "Danh sách trích ngang",
        /// From a person's nomination.
        AchievementReportIndividual = "achievement_report_individual" => "Báo cáo thành tích cá nhân",
        /// From a collective's (or household's) nomination.
        AchievementReportCollective = "achievement_report_collective" => "Báo cáo thành tích tập thể",
        /// From a closed council session: attendance and ballot results.
        CouncilMinutes = "council_minutes" => "Biên bản họp Hội đồng Thi đua – Khen thưởng",
        /// From a decision, with its annex list of awards.
        Decision = "decision" => "Quyết định khen thưởng",
        /// From one award of a final decision.
        Certificate = "certificate" => "Giấy khen, Bằng khen",
    }
}

text_enum! {
    /// The file a document is made as.
    pub enum DocumentFormat {
        /// Word (Office Open XML): the filled template, to edit further.
        Docx = "docx" => "Word (DOCX)",
        /// PDF with the fonts embedded: to print, sign and publish.
        Pdf = "pdf" => "PDF",
    }
}

impl DocumentFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            DocumentFormat::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            DocumentFormat::Pdf => "application/pdf",
        }
    }
}

text_enum! {
    /// Whether a decision has taken effect. Where the deployer requires a verified digital
    /// signature (`THIDUA_REQUIRE_SIGNED_DECISIONS`), a decision waits for its signed copy.
    pub enum DecisionStatus {
        /// Recorded; its signed PDF is not uploaded and verified yet.
        AwaitingSignature = "awaiting_signature" => "Chờ ký số",
        /// In effect.
        Final = "final" => "Đã ban hành",
    }
}

impl TemplateKind {
    /// The form the built-in template follows.
    pub fn legal_basis(self) -> &'static str {
        match self {
            TemplateKind::AchievementReportIndividual | TemplateKind::AchievementReportCollective => {
                "Nghị định 152/2025/NĐ-CP, Phụ lục mẫu báo cáo thành tích; thể thức theo Nghị định 30/2020/NĐ-CP"
            }
            TemplateKind::Certificate => "Nghị định 152/2025/NĐ-CP (mẫu bằng khen, giấy khen)",
            _ => "Nghị định 30/2020/NĐ-CP, Phụ lục I (thể thức văn bản hành chính)",
        }
    }

    /// The fields this kind fills besides `COMMON_FIELDS`.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            TemplateKind::Submission => &[
                "recipient",        // Kính gửi: "Hội đồng Thi đua – Khen thưởng tỉnh Bắc Kạn"
                "round_name",       // the round (đợt) the dossier answers
                "unit_name",        // the proposing department or commune
                "nominee_count",    // "12"
                "collective_count", // "3"
                "individual_count", // "9"
                "signer_title",     // "GIÁM ĐỐC" / "CHỦ TỊCH" (left for the unit; may be empty)
                "signer_name",
            ],
            TemplateKind::NomineeList => &["round_name", "unit_name", "nominee_count"],
            TemplateKind::AchievementReportIndividual => &[
                "award_name", // what is proposed: "Bằng khen của Chủ tịch UBND tỉnh"
                "full_name",
                "birth_year",
                "gender", // "Nam" / "Nữ" / ""
                "ethnicity",
                "position",
                "unit_name",
                "nomination_year",
            ],
            TemplateKind::AchievementReportCollective => &[
                "award_name",
                "collective_name", // the collective proposed (a unit, or a household's name)
                "unit_name",       // the unit it belongs to
                "nomination_year",
            ],
            TemplateKind::CouncilMinutes => &[
                "council_name",
                "session_title",
                "held_on", // admin_date of the session's close (or today)
                "chair_name",
                "secretary_name",
                "member_count",
                "present_count",
                "line_count",
                "passed_count",
            ],
            TemplateKind::Decision => &[
                "authority", // who decides, upper case: "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BẮC KẠN"
                "signer",    // the signer's name
                "award_count",
                "total_bonus", // "7.730.000 đồng"
                "decided_on",  // admin_date of the decision
            ],
            TemplateKind::Certificate => &[
                "award_name", // "BẰNG KHEN" / "GIẤY KHEN", upper case
                "authority",  // "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BẮC KẠN"
                "recipient_name",
                "position_unit", // "Chuyên viên, Sở Nội vụ"
                "achievement",   // "Đã có thành tích xuất sắc trong …"
                "decision_number",
                "decided_on", // admin_date
                "signer",
                "register_number", // số vào sổ: the award's place in the decision
            ],
        }
    }

    /// The lists this kind repeats table rows for, and each item's fields.
    pub fn lists(self) -> &'static [(&'static str, &'static [&'static str])] {
        const NOMINEES: &[&str] = &["no", "name", "position_unit", "award_name"];
        const NOMINEE_ROWS: &[&str] =
            &["no", "name", "birth_year", "gender", "position_unit", "award_name", "achievement_summary"];
        const ACHIEVEMENTS: &[&str] = &["no", "campaign", "indicator", "value", "as_of", "narrative"];
        const PAST_AWARDS: &[&str] = &["no", "year", "award_name", "decision"];
        match self {
            TemplateKind::Submission => &[("nominees", NOMINEES)],
            TemplateKind::NomineeList => &[("nominees", NOMINEE_ROWS)],
            TemplateKind::AchievementReportIndividual | TemplateKind::AchievementReportCollective => {
                &[("achievements", ACHIEVEMENTS), ("past_awards", PAST_AWARDS)]
            }
            TemplateKind::CouncilMinutes => &[
                ("members", &["no", "name", "seat", "attendance"]),
                ("results", &["no", "nominee", "unit_name", "award_name", "votes_for", "ballots", "result"]),
            ],
            TemplateKind::Decision => &[("awards", &["no", "name", "position_unit", "award_name", "bonus"])],
            TemplateKind::Certificate => &[],
        }
    }

    /// Whether a template may use this placeholder (`field` or `list.field`).
    pub fn knows(self, placeholder: &str) -> bool {
        match placeholder.split_once('.') {
            None => COMMON_FIELDS.contains(&placeholder) || self.fields().contains(&placeholder),
            Some((list, field)) => self.lists().iter().any(|(name, fields)| *name == list && fields.contains(&field)),
        }
    }
}
