//! Administrative units and departments: kinds, types, codes and the rules a valid unit meets.

use chrono::NaiveDate;
use diesel::deserialize::FromSqlRow;
use diesel::expression::AsExpression;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::ids::UnitId;
use crate::domain::Checks;
use crate::error::ErrorCode;
use crate::error::FieldError;

/// What a unit is. Provinces contain districts (until 2025-07-01) and communes; departments
/// (sở, ban, ngành) belong to a province.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[serde(rename_all = "snake_case")]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum UnitKind {
    Province,
    District,
    Commune,
    Department,
}

impl UnitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Province => "province",
            UnitKind::District => "district",
            UnitKind::Commune => "commune",
            UnitKind::Department => "department",
        }
    }

    pub fn parse(s: &str) -> Option<UnitKind> {
        [UnitKind::Province, UnitKind::District, UnitKind::Commune, UnitKind::Department]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    /// The level as people read it, in Vietnamese: sent beside the value as `kind_label`.
    pub fn label_vi(self) -> &'static str {
        match self {
            UnitKind::Province => "Cấp tỉnh",
            UnitKind::District => "Cấp huyện",
            UnitKind::Commune => "Cấp xã",
            UnitKind::Department => "Sở, ban, ngành",
        }
    }

    /// The Vietnamese noun, for messages.
    pub fn label(self) -> &'static str {
        match self {
            UnitKind::Province => "tỉnh",
            UnitKind::District => "huyện",
            UnitKind::Commune => "xã",
            UnitKind::Department => "sở, ban, ngành",
        }
    }

    /// Which kinds may be this kind's parent; an empty list means it has none.
    pub fn allowed_parents(self) -> &'static [UnitKind] {
        match self {
            UnitKind::Province => &[],
            UnitKind::District => &[UnitKind::Province],
            // Before 2025-07-01 a commune sat under a district; since then directly under a province.
            UnitKind::Commune => &[UnitKind::District, UnitKind::Province],
            UnitKind::Department => &[UnitKind::Province],
        }
    }

    fn code_is_valid(self, code: &str) -> bool {
        let digits = |n: usize| code.len() == n && code.bytes().all(|b| b.is_ascii_digit());
        match self {
            UnitKind::Province => digits(2),
            UnitKind::District => digits(3),
            UnitKind::Commune => digits(5),
            UnitKind::Department => {
                (2..=32).contains(&code.len())
                    && code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
            }
        }
    }

    fn code_rule(self) -> &'static str {
        match self {
            UnitKind::Province => "must be the 2-digit GSO code",
            UnitKind::District => "must be the 3-digit GSO code",
            UnitKind::Commune => "must be the 5-digit GSO code",
            UnitKind::Department => "must be 2–32 characters of A–Z, 0–9, '-' and '.'",
        }
    }
}

/// The unit's type within its kind (loại đơn vị hành chính, or the kind of agency).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[serde(rename_all = "snake_case")]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum UnitType {
    /// Tỉnh
    Tinh,
    /// Thành phố trực thuộc trung ương
    ThanhPhoTrucThuocTrungUong,
    /// Huyện
    Huyen,
    /// Thị xã
    ThiXa,
    /// Thành phố thuộc tỉnh
    ThanhPho,
    /// Quận
    Quan,
    /// Xã
    Xa,
    /// Phường
    Phuong,
    /// Thị trấn
    ThiTran,
    /// Đặc khu
    DacKhu,
    /// Sở
    So,
    /// Ban
    Ban,
    /// Other agencies (Văn phòng, Thanh tra…)
    CoQuan,
}

const ALL_TYPES: [UnitType; 13] = [
    UnitType::Tinh,
    UnitType::ThanhPhoTrucThuocTrungUong,
    UnitType::Huyen,
    UnitType::ThiXa,
    UnitType::ThanhPho,
    UnitType::Quan,
    UnitType::Xa,
    UnitType::Phuong,
    UnitType::ThiTran,
    UnitType::DacKhu,
    UnitType::So,
    UnitType::Ban,
    UnitType::CoQuan,
];

impl UnitType {
    pub fn as_str(self) -> &'static str {
        match self {
            UnitType::Tinh => "tinh",
            UnitType::ThanhPhoTrucThuocTrungUong => "thanh_pho_truc_thuoc_trung_uong",
            UnitType::Huyen => "huyen",
            UnitType::ThiXa => "thi_xa",
            UnitType::ThanhPho => "thanh_pho",
            UnitType::Quan => "quan",
            UnitType::Xa => "xa",
            UnitType::Phuong => "phuong",
            UnitType::ThiTran => "thi_tran",
            UnitType::DacKhu => "dac_khu",
            UnitType::So => "so",
            UnitType::Ban => "ban",
            UnitType::CoQuan => "co_quan",
        }
    }

    pub fn parse(s: &str) -> Option<UnitType> {
        ALL_TYPES.into_iter().find(|t| t.as_str() == s)
    }

    /// The Vietnamese label shown to people.
    pub fn label(self) -> &'static str {
        match self {
            UnitType::Tinh => "Tỉnh",
            UnitType::ThanhPhoTrucThuocTrungUong => "Thành phố trực thuộc trung ương",
            UnitType::Huyen => "Huyện",
            UnitType::ThiXa => "Thị xã",
            UnitType::ThanhPho => "Thành phố",
            UnitType::Quan => "Quận",
            UnitType::Xa => "Xã",
            UnitType::Phuong => "Phường",
            UnitType::ThiTran => "Thị trấn",
            UnitType::DacKhu => "Đặc khu",
            UnitType::So => "Sở",
            UnitType::Ban => "Ban",
            UnitType::CoQuan => "Cơ quan",
        }
    }

    pub fn kind(self) -> UnitKind {
        use UnitType::*;
        match self {
            Tinh | ThanhPhoTrucThuocTrungUong => UnitKind::Province,
            Huyen | ThiXa | ThanhPho | Quan => UnitKind::District,
            Xa | Phuong | ThiTran | DacKhu => UnitKind::Commune,
            So | Ban | CoQuan => UnitKind::Department,
        }
    }

    /// The types a unit of `kind` may have, for messages.
    pub fn names_for(kind: UnitKind) -> String {
        ALL_TYPES.iter().filter(|t| t.kind() == kind).map(|t| t.as_str()).collect::<Vec<_>>().join(", ")
    }
}

/// How much of a predecessor went into a successor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[serde(rename_all = "snake_case")]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum LinkPart {
    /// The whole predecessor became part of the successor.
    Full,
    /// The predecessor was split; only part of it went to this successor.
    Partial,
}

impl LinkPart {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkPart::Full => "full",
            LinkPart::Partial => "partial",
        }
    }
    pub fn parse(s: &str) -> Option<LinkPart> {
        match s {
            "full" => Some(LinkPart::Full),
            "partial" => Some(LinkPart::Partial),
            _ => None,
        }
    }
    /// As people read it: the whole predecessor merged (sáp nhập toàn bộ) or a part of it.
    pub fn label_vi(self) -> &'static str {
        match self {
            LinkPart::Full => "Toàn bộ",
            LinkPart::Partial => "Một phần",
        }
    }
}

/// A unit's own fields once checked: NFC name, known type for its kind, well-formed code,
/// a period whose start is not after its end.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitFields {
    pub code: String,
    pub name: String,
    pub unit_type: UnitType,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
}

pub const MAX_NAME_CHARS: usize = 200;

pub fn check_code(kind: UnitKind, code: &str, checks: &mut Checks) -> String {
    let code = code.trim().to_string();
    if !kind.code_is_valid(&code) {
        checks.fail("code", ErrorCode::InvalidFormat, kind.code_rule());
    }
    code
}

pub fn check_name(name: &str, checks: &mut Checks) -> String {
    crate::domain::check_text("name", name, MAX_NAME_CHARS, checks)
}

pub fn check_type(kind: UnitKind, value: &str, checks: &mut Checks) -> Option<UnitType> {
    match UnitType::parse(value) {
        Some(t) if t.kind() == kind => Some(t),
        _ => {
            checks.fail("type", ErrorCode::InvalidChoice, format!("must be one of: {}", UnitType::names_for(kind)));
            None
        }
    }
}

pub fn check_period(from: Option<NaiveDate>, until: Option<NaiveDate>, checks: &mut Checks) {
    crate::domain::check_date("valid_from", from, checks);
    crate::domain::check_date("valid_until", until, checks);
    if let (Some(from), Some(until)) = (from, until) {
        if from > until {
            checks.fail("valid_until", ErrorCode::BeforeStart, "must not be before valid_from");
        }
    }
}

/// Validates the fields of a new unit of `kind`; every problem is reported, each under its field.
pub fn check_new_unit(
    kind: UnitKind,
    code: Option<&str>,
    name: Option<&str>,
    unit_type: Option<&str>,
    valid_from: Option<NaiveDate>,
    valid_until: Option<NaiveDate>,
) -> Result<UnitFields, Vec<FieldError>> {
    let mut checks = Checks::default();
    let code = match code {
        Some(c) => check_code(kind, c, &mut checks),
        None => {
            checks.fail("code", ErrorCode::Required, "is required");
            String::new()
        }
    };
    let name = match name {
        Some(n) => check_name(n, &mut checks),
        None => {
            checks.fail("name", ErrorCode::Required, "is required");
            String::new()
        }
    };
    let unit_type = match unit_type {
        Some(t) => check_type(kind, t, &mut checks),
        None => {
            checks.fail("type", ErrorCode::Required, format!("is required: one of {}", UnitType::names_for(kind)));
            None
        }
    };
    check_period(valid_from, valid_until, &mut checks);
    checks.finish(|| UnitFields { code, name, unit_type: unit_type.expect("checked above"), valid_from, valid_until })
}

/// Whether a unit with this period is in force on `day` (both ends inclusive; open ends unbounded).
pub fn is_active_on(from: Option<NaiveDate>, until: Option<NaiveDate>, day: NaiveDate) -> bool {
    from.is_none_or(|f| f <= day) && until.is_none_or(|u| day <= u)
}

/// Whether two periods share at least one day.
pub fn periods_overlap(a: (Option<NaiveDate>, Option<NaiveDate>), b: (Option<NaiveDate>, Option<NaiveDate>)) -> bool {
    let starts_before_other_ends = |from: Option<NaiveDate>, until: Option<NaiveDate>| match (from, until) {
        (Some(f), Some(u)) => f <= u,
        _ => true,
    };
    starts_before_other_ends(a.0, b.1) && starts_before_other_ends(b.0, a.1)
}

/// Whose work a list shows (`run_by_unit_id` of campaigns, rounds and decisions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunBy {
    /// The province's own (run by the board).
    Province,
    /// Any department's or commune's.
    AnyUnit,
    /// One department's or commune's.
    Unit(UnitId),
}

/// Today in Vietnam (UTC+7), the day that "active" and default dates refer to.
pub fn today_in_vietnam() -> NaiveDate {
    date_in_vietnam(chrono::Utc::now())
}

/// The day a moment falls on in Vietnam (UTC+7).
pub fn date_in_vietnam(at: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    let offset = chrono::FixedOffset::east_opt(7 * 3600).expect("valid offset");
    at.with_timezone(&offset).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn reports_every_invalid_field_at_once() {
        let errors = check_new_unit(
            UnitKind::Commune,
            Some("123"),
            Some("   "),
            Some("huyen"),
            Some(d("2025-07-01")),
            Some(d("2025-06-30")),
        )
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["code", "name", "type", "valid_until"]);
    }

    #[test]
    fn missing_fields_are_each_required() {
        let errors = check_new_unit(UnitKind::Department, None, None, None, None, None).unwrap_err();
        assert!(errors.iter().all(|e| e.code == "required"));
        assert_eq!(errors.len(), 3);
    }

    #[test]
    fn accepts_a_valid_commune_and_normalizes_its_name() {
        let unit =
            check_new_unit(UnitKind::Commune, Some(" 01840 "), Some("Phường  Đức Xuân"), Some("phuong"), None, None)
                .unwrap();
        assert_eq!(unit.code, "01840");
        assert_eq!(unit.name, "Phường Đức Xuân");
        assert_eq!(unit.unit_type, UnitType::Phuong);
    }

    #[test]
    fn department_codes_are_uppercase_identifiers() {
        let ok = check_new_unit(UnitKind::Department, Some("06-SNV"), Some("Sở Nội vụ"), Some("so"), None, None);
        assert!(ok.is_ok());
        let bad = check_new_unit(UnitKind::Department, Some("snv"), Some("Sở Nội vụ"), Some("so"), None, None);
        assert_eq!(bad.unwrap_err()[0].field, "code");
    }

    #[test]
    fn activity_and_overlap_are_inclusive_of_both_ends() {
        assert!(is_active_on(None, Some(d("2025-06-30")), d("2025-06-30")));
        assert!(!is_active_on(None, Some(d("2025-06-30")), d("2025-07-01")));
        assert!(is_active_on(Some(d("2025-07-01")), None, d("2025-07-01")));
        assert!(!periods_overlap((None, Some(d("2025-06-30"))), (Some(d("2025-07-01")), None)));
        assert!(periods_overlap((None, Some(d("2025-07-01"))), (Some(d("2025-07-01")), None)));
        assert!(periods_overlap((None, None), (Some(d("2030-01-01")), None)));
    }
}

crate::domain::text_value!(UnitKind, UnitType, LinkPart);
