//! Initiatives (sáng kiến): what makes one valid, and the recognition scope eligibility compares.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::awards::Severity;
use crate::domain::campaigns::{check_value, IndicatorKind};
use crate::domain::ids::PersonId;
use crate::domain::{check_date, check_text, Checks};
use crate::error::ErrorCode;

text_enum! {
    /// How far an initiative's effect was recognised (phạm vi ảnh hưởng), lowest first.
    pub enum RecognitionScope {
        /// Cơ sở: within the unit or the commune.
        CoSo = "co_so" => "Cấp cơ sở",
        /// Cấp tỉnh: province-wide.
        Tinh = "tinh" => "Cấp tỉnh",
        /// Toàn quốc: nationwide.
        ToanQuoc = "toan_quoc" => "Toàn quốc",
    }
}

impl RecognitionScope {
    /// Higher scopes include the lower ones: an initiative recognised province-wide also counts
    /// where a cơ sở one is needed.
    pub fn rank(self) -> u8 {
        match self {
            RecognitionScope::CoSo => 1,
            RecognitionScope::Tinh => 2,
            RecognitionScope::ToanQuoc => 3,
        }
    }

    pub fn at_least(self, minimum: RecognitionScope) -> bool {
        self.rank() >= minimum.rank()
    }
}

/// One author and their share of the initiative, in percent (a decimal string).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthorShare {
    #[schema(value_type = String, format = "uuid")]
    pub person_id: PersonId,
    #[schema(example = "60")]
    pub share_percent: String,
}

/// An initiative as sent, before checking.
pub struct InitiativeInput {
    pub title: String,
    pub field: String,
    pub recognised_by: String,
    pub scope: String,
    pub decision_number: String,
    pub decision_date: NaiveDate,
    pub year: i32,
    pub authors: Vec<AuthorShare>,
}

/// An initiative once checked: text normalised (NFC), shares canonical.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedInitiative {
    pub title: String,
    pub field: String,
    pub recognised_by: String,
    pub scope: RecognitionScope,
    pub decision_number: String,
    pub decision_date: NaiveDate,
    pub year: i32,
    pub authors: Vec<AuthorShare>,
}

pub const MAX_AUTHORS: usize = 50;

/// Checks every field; the authors' shares must each be above 0 and sum to exactly 100.
pub fn check_initiative(input: InitiativeInput, checks: &mut Checks) -> Option<CheckedInitiative> {
    let title = check_text("title", &input.title, 500, checks);
    let field = check_text("field", &input.field, 200, checks);
    let recognised_by = check_text("recognised_by", &input.recognised_by, 300, checks);
    let decision_number = check_text("decision_number", &input.decision_number, 100, checks);
    let scope = RecognitionScope::parse(&input.scope);
    if scope.is_none() {
        checks.fail("scope", ErrorCode::InvalidChoice, "must be co_so, tinh or toan_quoc");
    }
    check_date("decision_date", Some(input.decision_date), checks);
    if !(1990..=2200).contains(&input.year) {
        checks.fail("year", ErrorCode::OutOfRange, "must be between 1990 and 2200");
    }
    if input.authors.is_empty() {
        checks.fail("authors", ErrorCode::Required, "an initiative has at least one author");
    } else if input.authors.len() > MAX_AUTHORS {
        checks.fail("authors", ErrorCode::TooMany, format!("at most {MAX_AUTHORS} authors"));
    }
    let mut total = Decimal::ZERO;
    let mut authors = Vec::with_capacity(input.authors.len());
    let mut shares_ok = true;
    for (i, a) in input.authors.into_iter().enumerate() {
        let field = format!("authors[{i}].share_percent");
        match check_value(&field, &a.share_percent, IndicatorKind::Percentage, checks) {
            Some(share) if share > Decimal::ZERO => {
                total += share;
                authors.push(AuthorShare { share_percent: share.normalize().to_string(), ..a });
            }
            Some(_) => {
                checks.fail(&field, ErrorCode::OutOfRange, "a share must be above 0");
                shares_ok = false;
            }
            None => shares_ok = false,
        }
    }
    for (i, a) in authors.iter().enumerate() {
        if authors[..i].iter().any(|b| b.person_id == a.person_id) {
            checks.fail(&format!("authors[{i}].person_id"), ErrorCode::Invalid, "an author is listed once");
        }
    }
    if shares_ok && !authors.is_empty() && total != Decimal::ONE_HUNDRED {
        checks.fail(
            "authors",
            ErrorCode::Invalid,
            format!("the shares must sum to 100; they sum to {}", total.normalize()),
        );
    }
    Some(CheckedInitiative {
        title,
        field,
        recognised_by,
        scope: scope?,
        decision_number,
        decision_date: input.decision_date,
        year: input.year,
        authors,
    })
    .filter(|_| checks.0.is_empty())
}

fn refusal() -> Severity {
    Severity::Refusal
}

/// What a rules version asks of the nominee's initiatives (sáng kiến): one the nominee is an
/// author of, recognised at `minimum_scope` or above, in the nomination's year or the
/// `validity_years - 1` years before.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InitiativeRequirement {
    pub minimum_scope: RecognitionScope,
    /// `minimum_scope` as people read it (Vietnamese). In answers only: ignored when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(read_only)]
    pub minimum_scope_label: Option<String>,
    #[schema(minimum = 1, maximum = 10, example = 1)]
    pub validity_years: u32,
    /// What the rules accept instead of a registered initiative: a `sang_kien` document in the
    /// dossier (an initiative not in the registry, or an accepted scientific work). It then
    /// passes with the warning `initiative_unregistered` for the board to acknowledge.
    #[serde(default)]
    pub dossier_proof_accepted: bool,
    /// What having neither does. Default `refusal`.
    #[serde(default = "refusal")]
    pub on_failure: Severity,
    /// `on_failure` as people read it (Vietnamese). In answers only: ignored when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(read_only)]
    pub on_failure_label: Option<String>,
    /// Căn cứ pháp lý of this requirement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<String>,
    /// The legal wording behind it could not be confirmed.
    #[serde(default)]
    pub unconfirmed: bool,
}

/// Checks a requirement as sent (`field` names it in errors).
impl InitiativeRequirement {
    /// As answered: with the labels of its enumerations.
    pub fn labelled(self) -> InitiativeRequirement {
        InitiativeRequirement {
            minimum_scope_label: Some(self.minimum_scope.label_vi().to_string()),
            on_failure_label: Some(self.on_failure.label_vi().to_string()),
            ..self
        }
    }
}

pub fn check_requirement(field: &str, mut r: InitiativeRequirement, checks: &mut Checks) -> InitiativeRequirement {
    // Labels are answers' only: what a client echoes back is not kept.
    (r.minimum_scope_label, r.on_failure_label) = (None, None);
    if !(1..=10).contains(&r.validity_years) {
        checks.fail(&format!("{field}.validity_years"), ErrorCode::OutOfRange, "must be between 1 and 10");
    }
    r.legal_basis = r
        .legal_basis
        .filter(|b| !b.trim().is_empty())
        .map(|b| check_text(&format!("{field}.legal_basis"), &b, 2000, checks));
    r
}

/// How a nominee stands against an initiative requirement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InitiativeStanding {
    Met,
    /// Only the dossier's proof, which the rules accept instead.
    ByDossierProof,
    Unmet,
}

/// `held`: (scope, year) of the initiatives the nominee is an author of.
pub fn assess_initiatives(
    r: &InitiativeRequirement,
    held: &[(RecognitionScope, i32)],
    dossier_proof: bool,
    nomination_year: i32,
) -> InitiativeStanding {
    if held.iter().any(|(scope, year)| counts_for(*scope, *year, r.minimum_scope, r.validity_years, nomination_year)) {
        InitiativeStanding::Met
    } else if r.dossier_proof_accepted && dossier_proof {
        InitiativeStanding::ByDossierProof
    } else {
        InitiativeStanding::Unmet
    }
}

/// An initiative a rules version can accept: recognised at `minimum` scope or above, in the
/// nomination's year or the `validity_years - 1` years before it.
pub fn counts_for(
    scope: RecognitionScope,
    year: i32,
    minimum: RecognitionScope,
    validity_years: u32,
    nomination_year: i32,
) -> bool {
    scope.at_least(minimum) && year <= nomination_year && nomination_year - year < validity_years as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(shares: &[&str]) -> InitiativeInput {
        InitiativeInput {
            title: "Số hóa hồ sơ thi đua cấp xã".into(),
            field: "Cải cách hành chính".into(),
            recognised_by: "Hội đồng sáng kiến cơ sở".into(),
            scope: "co_so".into(),
            decision_number: "15/QĐ-UBND".into(),
            decision_date: NaiveDate::from_ymd_opt(2025, 11, 20).unwrap(),
            year: 2025,
            authors: shares
                .iter()
                .enumerate()
                .map(|(i, s)| AuthorShare { person_id: PersonId::from_u128(i as u128), share_percent: (*s).into() })
                .collect(),
        }
    }

    #[test]
    fn shares_sum_to_a_hundred() {
        let mut checks = Checks::default();
        let ok = check_initiative(input(&["60", "40.0"]), &mut checks).unwrap();
        assert_eq!(ok.authors[1].share_percent, "40");
        for shares in [&["60", "30"][..], &["100", "0"], &[], &["abc"]] {
            let mut checks = Checks::default();
            assert!(check_initiative(input(shares), &mut checks).is_none(), "{shares:?}");
            assert!(!checks.0.is_empty());
        }
        let mut twice = input(&["50", "50"]);
        twice.authors[1].person_id = PersonId::from_u128(0);
        let mut checks = Checks::default();
        assert!(check_initiative(twice, &mut checks).is_none());
        assert_eq!(checks.0[0].field, "authors[1].person_id");
    }

    #[test]
    fn requirements_take_a_registered_initiative_or_what_the_rules_accept_instead() {
        use RecognitionScope as S;
        let r = InitiativeRequirement {
            minimum_scope: S::CoSo,
            validity_years: 1,
            dossier_proof_accepted: true,
            on_failure: Severity::Refusal,
            legal_basis: None,
            unconfirmed: true,
            minimum_scope_label: None,
            on_failure_label: None,
        };
        assert_eq!(assess_initiatives(&r, &[(S::CoSo, 2026)], false, 2026), InitiativeStanding::Met);
        assert_eq!(assess_initiatives(&r, &[(S::CoSo, 2024)], true, 2026), InitiativeStanding::ByDossierProof);
        assert_eq!(assess_initiatives(&r, &[], false, 2026), InitiativeStanding::Unmet);
        let strict = InitiativeRequirement { dossier_proof_accepted: false, ..r };
        assert_eq!(assess_initiatives(&strict, &[], true, 2026), InitiativeStanding::Unmet);
    }

    #[test]
    fn scopes_rank_and_expire() {
        use RecognitionScope as S;
        assert!(S::Tinh.at_least(S::CoSo) && !S::CoSo.at_least(S::Tinh));
        assert!(counts_for(S::CoSo, 2026, S::CoSo, 1, 2026));
        assert!(!counts_for(S::CoSo, 2025, S::CoSo, 1, 2026), "one year of validity: the same year only");
        assert!(counts_for(S::ToanQuoc, 2024, S::Tinh, 3, 2026));
        assert!(!counts_for(S::CoSo, 2024, S::Tinh, 3, 2026));
        assert!(!counts_for(S::Tinh, 2027, S::CoSo, 3, 2026), "not from after the year");
    }
}
