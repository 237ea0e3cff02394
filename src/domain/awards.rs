//! The award catalogue's rules, as data the board edits: prerequisites and streaks, quotas,
//! council votes, public posting, bonuses.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::campaigns::{check_value, IndicatorKind};
use crate::domain::Checks;
use crate::error::ErrorCode;

text_enum! {
    /// Danh hiệu thi đua (emulation title) or hình thức khen thưởng (form of commendation).
    pub enum AwardCategory {
        DanhHieuThiDua = "danh_hieu_thi_dua" => "Danh hiệu thi đua",
        HinhThucKhenThuong = "hinh_thuc_khen_thuong" => "Hình thức khen thưởng",
    }
}

text_enum! {
    /// Who an award goes to.
    pub enum AwardSubject {
        Individual = "individual" => "Cá nhân",
        Collective = "collective" => "Tập thể",
        Household = "household" => "Hộ gia đình",
    }
}

/// "`consecutive_years` years in a row of `award_type_code`, up to the year before", e.g. three
/// consecutive years of Chiến sĩ thi đua cơ sở before Chiến sĩ thi đua cấp tỉnh.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Prerequisite {
    #[schema(example = "CSTD_CO_SO")]
    pub award_type_code: String,
    #[schema(example = 3)]
    pub consecutive_years: u32,
}

/// The rules of one version of an award type, once checked. Decimals are canonical strings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rules {
    pub granting_authority: String,
    pub legal_basis: String,
    pub prerequisites: Vec<Prerequisite>,
    pub quota_of_code: Option<String>,
    pub quota_percent: Option<String>,
    pub council_vote_required: bool,
    pub approval_threshold_percent: Option<String>,
    pub quorum_percent: Option<String>,
    pub posting_days: Option<i32>,
    pub bonus_multiplier: Option<String>,
}

fn percent(field: &str, value: Option<&str>, checks: &mut Checks) -> Option<String> {
    value.and_then(|v| check_value(field, v, IndicatorKind::Percentage, checks)).map(|d| d.normalize().to_string())
}

/// Checks rules as sent; every invalid field is reported.
#[allow(clippy::too_many_arguments)]
pub fn check_rules(
    granting_authority: &str,
    legal_basis: &str,
    prerequisites: Vec<Prerequisite>,
    quota_of_code: Option<&str>,
    quota_percent: Option<&str>,
    council_vote_required: bool,
    approval_threshold_percent: Option<&str>,
    quorum_percent: Option<&str>,
    posting_days: Option<i32>,
    bonus_multiplier: Option<&str>,
    checks: &mut Checks,
) -> Rules {
    let granting_authority = crate::domain::check_text("granting_authority", granting_authority, 300, checks);
    let legal_basis = crate::domain::check_text("legal_basis", legal_basis, 2000, checks);
    for (i, p) in prerequisites.iter().enumerate() {
        if p.consecutive_years == 0 || p.consecutive_years > 20 {
            checks.fail(
                &format!("prerequisites[{i}].consecutive_years"),
                ErrorCode::OutOfRange,
                "must be between 1 and 20",
            );
        }
    }
    let quota_percent = percent("quota_percent", quota_percent, checks);
    if quota_percent.is_some() != quota_of_code.is_some() {
        checks.fail("quota_percent", ErrorCode::Incomplete, "a quota needs both quota_of_code and quota_percent");
    }
    let approval_threshold_percent = percent("approval_threshold_percent", approval_threshold_percent, checks);
    let quorum_percent = percent("quorum_percent", quorum_percent, checks);
    if council_vote_required && approval_threshold_percent.is_none() {
        checks.fail("approval_threshold_percent", ErrorCode::Required, "a council vote needs its approval threshold");
    }
    if posting_days.is_some_and(|d| !(0..=90).contains(&d)) {
        checks.fail("posting_days", ErrorCode::OutOfRange, "must be between 0 and 90");
    }
    let bonus_multiplier = bonus_multiplier
        .and_then(|b| check_value("bonus_multiplier", b, IndicatorKind::Quantity, checks))
        .map(|d| d.normalize().to_string());
    Rules {
        granting_authority,
        legal_basis,
        prerequisites,
        quota_of_code: quota_of_code.map(str::to_string),
        quota_percent,
        council_vote_required,
        approval_threshold_percent,
        quorum_percent,
        posting_days,
        bonus_multiplier,
    }
}

/// How many consecutive years, ending with `last_year`, appear in `years`.
pub fn streak(years: &[i32], last_year: i32) -> u32 {
    let mut count = 0;
    while years.contains(&(last_year - count as i32)) {
        count += 1;
    }
    count
}

/// The quota a unit has for a title in a year: `percent` of how many of the base title it got,
/// rounded down (the share is a ceiling).
pub fn quota(base_count: u32, percent: Decimal) -> u32 {
    (Decimal::from(base_count) * percent / Decimal::ONE_HUNDRED).floor().try_into().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn streaks_count_consecutive_years_back_from_the_last() {
        assert_eq!(streak(&[2019, 2020, 2021], 2021), 3);
        assert_eq!(streak(&[2018, 2020, 2021], 2021), 2);
        assert_eq!(streak(&[2019, 2020], 2021), 0);
        assert_eq!(streak(&[], 2021), 0);
    }

    #[test]
    fn quotas_round_down() {
        assert_eq!(quota(20, Decimal::from_str("15").unwrap()), 3);
        assert_eq!(quota(7, Decimal::from_str("15").unwrap()), 1);
        assert_eq!(quota(6, Decimal::from_str("15").unwrap()), 0);
    }

    #[test]
    fn rules_are_checked_together() {
        let mut checks = Checks::default();
        check_rules(
            "Chủ tịch UBND tỉnh",
            "Luật 06/2022/QH15",
            vec![Prerequisite { award_type_code: "X".into(), consecutive_years: 0 }],
            Some("LDTT"),
            None,
            true,
            None,
            None,
            Some(200),
            Some("-1"),
            &mut checks,
        );
        let fields: Vec<&str> = checks.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "prerequisites[0].consecutive_years",
                "quota_percent",
                "approval_threshold_percent",
                "posting_days",
                "bonus_multiplier"
            ]
        );
    }
}
