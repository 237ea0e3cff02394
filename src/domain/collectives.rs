//! Collective titles judged from the unit's members (Law 06/2022/QH15, Art 26–27): a share of the
//! people holding a title that year, at least one holding another, and no one disciplined from a
//! given form up. The requirement is rules data (`award_type_versions.member_requirement`); the
//! facts come from the unit's people, their awards and nominations, and their discipline records.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::awards::Severity;
use crate::domain::campaigns::{check_value, IndicatorKind};
use crate::domain::{check_text, Checks};
use crate::error::ErrorCode;

text_enum! {
    /// A form of discipline (hình thức kỷ luật) of cadres, civil servants and public employees,
    /// lightest first (Law on Cadres and Civil Servants, Art 79; Law on Public Employees, Art 52).
    pub enum DisciplineForm {
        Reprimand = "khien_trach" => "Khiển trách",
        Warning = "canh_cao" => "Cảnh cáo",
        SalaryDemotion = "ha_bac_luong" => "Hạ bậc lương",
        Demotion = "giang_chuc" => "Giáng chức",
        Removal = "cach_chuc" => "Cách chức",
        Dismissal = "buoc_thoi_viec" => "Buộc thôi việc",
    }
}

impl DisciplineForm {
    fn rank(self) -> usize {
        DisciplineForm::ALL.iter().position(|f| *f == self).unwrap_or(0)
    }

    /// This form or a heavier one ("từ hình thức cảnh cáo trở lên").
    pub fn at_least(self, lightest: DisciplineForm) -> bool {
        self.rank() >= lightest.rank()
    }
}

fn refusal() -> Severity {
    Severity::Refusal
}

/// What a collective title asks of the unit's members in the year it is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberRequirement {
    /// The title a share of the members must hold that year (its code), e.g. `LDTT`.
    #[schema(example = "LDTT")]
    pub title_code: String,
    /// The share, in percent of the unit's people.
    #[schema(example = "70")]
    pub min_percent: String,
    /// `true`: strictly more than `min_percent` ("trên 50 %"); `false`: at least ("ít nhất 70 %").
    #[serde(default)]
    pub strictly_more: bool,
    /// A title at least one member must hold that year, e.g. `CSTD_CO_SO` for Tập thể lao động
    /// xuất sắc.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least_one_code: Option<String>,
    /// No member disciplined that year with this form or a heavier one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_discipline_from: Option<DisciplineForm>,
    /// `no_discipline_from` as people read it (answers only; ignored on input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(read_only)]
    pub no_discipline_from_label: Option<String>,
    /// What an unmet requirement does.
    #[serde(default = "refusal")]
    pub on_failure: Severity,
    /// `on_failure` as people read it (answers only; ignored on input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(read_only)]
    pub on_failure_label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<String>,
    /// The legal wording behind it is not confirmed.
    #[serde(default)]
    pub unconfirmed: bool,
}

impl MemberRequirement {
    /// With the labels of its enumerations, for answers.
    pub fn labelled(self) -> MemberRequirement {
        MemberRequirement {
            no_discipline_from_label: self.no_discipline_from.map(|f| f.label_vi().to_string()),
            on_failure_label: Some(self.on_failure.label_vi().to_string()),
            ..self
        }
    }
}

/// Checks a requirement as sent; the percent is made canonical and labels are dropped.
pub fn check_requirement(field: &str, r: MemberRequirement, checks: &mut Checks) -> MemberRequirement {
    let title_code = check_text(&format!("{field}.title_code"), &r.title_code, 50, checks);
    let min_percent = check_value(&format!("{field}.min_percent"), &r.min_percent, IndicatorKind::Percentage, checks)
        .map(|d| d.normalize().to_string())
        .unwrap_or_default();
    let legal_basis = r.legal_basis.map(|b| check_text(&format!("{field}.legal_basis"), &b, 2000, checks));
    MemberRequirement {
        title_code,
        min_percent,
        legal_basis,
        no_discipline_from_label: None,
        on_failure_label: None,
        ..r
    }
}

/// The unit's members in the year: how many, how many hold the share's title and the one-member
/// title (held or still proposed), and the names of those disciplined from the form up.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemberFacts {
    pub members: u32,
    pub holding_title: u32,
    pub holding_at_least_one: u32,
    pub disciplined: Vec<String>,
}

/// One unmet part of a member requirement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MemberShortfall {
    /// `holding` of `members` hold the title; `needed` would meet the share.
    Share { holding: u32, members: u32, needed: u32 },
    /// No member holds the one-member title.
    NoneHolding,
    /// These members were disciplined that year.
    Disciplined(Vec<String>),
}

/// The fewest holders out of `members` that meet `percent` (strictly more than it, or at least).
pub fn needed_holders(members: u32, percent: Decimal, strictly_more: bool) -> u32 {
    let exact = Decimal::from(members) * percent / Decimal::ONE_HUNDRED;
    let needed = if strictly_more { exact.floor() + Decimal::ONE } else { exact.ceil() };
    needed.to_u32().unwrap_or(u32::MAX)
}

/// What the members fall short of; empty when the requirement is met. A unit with no people
/// cannot show the share.
pub fn assess_members(r: &MemberRequirement, facts: &MemberFacts) -> Vec<MemberShortfall> {
    let mut short = Vec::new();
    let percent = r.min_percent.parse::<Decimal>().unwrap_or(Decimal::ONE_HUNDRED);
    let needed = needed_holders(facts.members, percent, r.strictly_more).max(1);
    if facts.holding_title < needed {
        short.push(MemberShortfall::Share { holding: facts.holding_title, members: facts.members, needed });
    }
    if r.at_least_one_code.is_some() && facts.holding_at_least_one == 0 {
        short.push(MemberShortfall::NoneHolding);
    }
    if r.no_discipline_from.is_some() && !facts.disciplined.is_empty() {
        short.push(MemberShortfall::Disciplined(facts.disciplined.clone()));
    }
    short
}

/// The error code each shortfall is reported under.
pub fn shortfall_code(s: &MemberShortfall) -> ErrorCode {
    match s {
        MemberShortfall::Share { .. } => ErrorCode::MemberShareShort,
        MemberShortfall::NoneHolding => ErrorCode::MemberTitleMissing,
        MemberShortfall::Disciplined(_) => ErrorCode::MemberDisciplined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excellent() -> MemberRequirement {
        MemberRequirement {
            title_code: "LDTT".into(),
            min_percent: "70".into(),
            strictly_more: false,
            at_least_one_code: Some("CSTD_CO_SO".into()),
            no_discipline_from: Some(DisciplineForm::Warning),
            no_discipline_from_label: None,
            on_failure: Severity::Refusal,
            on_failure_label: None,
            legal_basis: None,
            unconfirmed: false,
        }
    }

    #[test]
    fn at_least_and_strictly_more_count_differently() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        // 70 % of 10 is 7; of 11 it is 7.7, so 8.
        assert_eq!(needed_holders(10, d("70"), false), 7);
        assert_eq!(needed_holders(11, d("70"), false), 8);
        // More than 50 % of 10 is 6; of 9 (4.5) it is 5.
        assert_eq!(needed_holders(10, d("50"), true), 6);
        assert_eq!(needed_holders(9, d("50"), true), 5);
    }

    #[test]
    fn every_part_is_judged() {
        let r = excellent();
        let met = MemberFacts { members: 10, holding_title: 7, holding_at_least_one: 1, disciplined: vec![] };
        assert!(assess_members(&r, &met).is_empty());
        let short = MemberFacts {
            members: 10,
            holding_title: 6,
            holding_at_least_one: 0,
            disciplined: vec!["Hoàng Văn An".into()],
        };
        assert_eq!(
            assess_members(&r, &short),
            vec![
                MemberShortfall::Share { holding: 6, members: 10, needed: 7 },
                MemberShortfall::NoneHolding,
                MemberShortfall::Disciplined(vec!["Hoàng Văn An".into()]),
            ]
        );
        // No people: the share cannot be shown.
        let empty = MemberFacts { holding_at_least_one: 1, ..MemberFacts::default() };
        assert_eq!(assess_members(&r, &empty), vec![MemberShortfall::Share { holding: 0, members: 0, needed: 1 }]);
    }

    #[test]
    fn a_reprimand_is_below_a_warning() {
        assert!(!DisciplineForm::Reprimand.at_least(DisciplineForm::Warning));
        assert!(DisciplineForm::Warning.at_least(DisciplineForm::Warning));
        assert!(DisciplineForm::Dismissal.at_least(DisciplineForm::Warning));
    }
}
