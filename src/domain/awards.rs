//! The award catalogue's rules, as data the board edits: prerequisites and streaks, quotas,
//! council votes, public posting, bonuses.

use crate::domain::cluster_votes::ClusterProposalRule;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::calendar::DayCount;
use crate::domain::campaigns::{check_value, IndicatorKind};
use crate::domain::collectives::MemberRequirement;
use crate::domain::initiatives::InitiativeRequirement;
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

text_enum! {
    /// When a nomination the council votes on is posted for the public's comments.
    pub enum PostingStage {
        /// Before the council meets: Decree 98/2023/NĐ-CP, Art 46.2 (at least 10 working days on
        /// the portal); the council then weighs the public's comments too.
        BeforeCouncil = "before_council" => "Công khai trước khi Hội đồng họp",
        /// After the council approved it, before the decision.
        BeforeDecision = "before_decision" => "Công khai sau khi Hội đồng thông qua, trước khi quyết định",
    }
}

text_enum! {
    /// A level of administration whose head grants awards (Law on Emulation and Commendation
    /// 2022, Art 80): the province's chairman, a department's head, a commune's chairman — or the
    /// central government, whose awards the province proposes and records once decided.
    pub enum GrantingLevel {
        Central = "central" => "Trung ương (tỉnh đề nghị)",
        Province = "province" => "Cấp tỉnh",
        Department = "department" => "Sở, ban, ngành",
        Commune = "commune" => "Cấp xã",
    }
}

impl GrantingLevel {
    /// The levels stored as text: sorted, comma-separated.
    pub fn join(levels: &[GrantingLevel]) -> String {
        let mut names: Vec<&str> = levels.iter().map(|l| l.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        names.join(",")
    }

    pub fn split(stored: &str) -> Vec<GrantingLevel> {
        stored.split(',').filter_map(GrantingLevel::parse).collect()
    }

    /// Who grants a type when its rules do not say, from the type's level as the catalogue
    /// writes it: `co_so` (grassroots) by a department's head or a commune's chairman, `xa` by
    /// a commune's, `toan_quoc` by the central government, anything else by the province.
    pub fn defaults_for(type_level: &str) -> Vec<GrantingLevel> {
        match type_level {
            "co_so" => vec![GrantingLevel::Commune, GrantingLevel::Department],
            "xa" => vec![GrantingLevel::Commune],
            "toan_quoc" => vec![GrantingLevel::Central],
            _ => vec![GrantingLevel::Province],
        }
    }

    /// Whether a decision taken at `self` may grant a type its rules give to `granted_by`. The
    /// province board also records what the central government decided on its proposals.
    pub fn may_grant(self, granted_by: &[GrantingLevel]) -> bool {
        granted_by.contains(&self) || (self == GrantingLevel::Province && granted_by.contains(&GrantingLevel::Central))
    }
}

text_enum! {
    /// The type of commendation (loại hình khen thưởng, Law on Emulation and Commendation
    /// 2022, Art 8), in the order the statistics forms 0602/0603.N/BNV-TĐKT count them.
    pub enum CommendationType {
        /// By achievements over a period (a year's round, an ongoing campaign).
        Regular = "regular" => "Khen thưởng thường xuyên",
        /// For a thematic or peak campaign (theo đợt, chuyên đề).
        Thematic = "thematic" => "Khen thưởng theo chuyên đề",
        AdHoc = "ad_hoc" => "Khen thưởng đột xuất",
        /// Foreigners, overseas Vietnamese.
        Foreign = "foreign" => "Khen thưởng đối ngoại",
        /// Lifetime contribution (quá trình cống hiến).
        Lifetime = "lifetime" => "Khen thưởng quá trình cống hiến",
        /// Length of service (niên hạn; the armed forces).
        LengthOfService = "length_of_service" => "Khen thưởng theo niên hạn",
        /// Achievements in the resistance wars (a row of the statistics forms).
        Resistance = "resistance" => "Khen thưởng thành tích kháng chiến",
    }
}

text_enum! {
    /// Whom a nomination or an award names: a person, the unit itself (a collective), or a
    /// household of the unit. Follows from the award type's subject.
    pub enum NomineeKind {
        Person = "person" => "Cá nhân",
        Unit = "unit" => "Tập thể",
        Household = "household" => "Hộ gia đình",
    }
}

text_enum! {
    /// Which years a prerequisite is looked for in, counting back from its last year.
    pub enum PrerequisiteWindow {
        /// Up to and including the year the nomination is for: Lao động tiên tiến of the same
        /// year for Chiến sĩ thi đua cơ sở (Law 06/2022/QH15, Art 23).
        SameYear = "same_year" => "Tính đến năm xét tặng",
        /// Up to the year before: three years of Chiến sĩ thi đua cơ sở before Chiến sĩ thi đua
        /// cấp tỉnh (Art 22).
        PreviousYears = "previous_years" => "Tính đến năm trước năm xét tặng",
    }
}

text_enum! {
    /// What a rule that is not met does to a nomination.
    pub enum Severity {
        /// Submission is refused (422 `not_eligible`); nothing to acknowledge.
        Refusal = "refusal" => "Từ chối",
        /// Submission goes ahead; the board sees the warning and may acknowledge it with a reason,
        /// which the nomination's history and the journal record.
        Warning = "warning" => "Cảnh báo",
    }
}

fn previous_years() -> PrerequisiteWindow {
    PrerequisiteWindow::PreviousYears
}

fn refusal() -> Severity {
    Severity::Refusal
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// A title the nominee must already hold, counted either in **consecutive years**
/// (`consecutive_years`: e.g. three years in a row of Chiến sĩ thi đua cơ sở before Chiến sĩ thi
/// đua cấp tỉnh) or in **consecutive awards** (`consecutive_awards`, each award covering
/// `award_span_years`, the next one's years following straight on: two Chiến sĩ thi đua cấp tỉnh,
/// each on its own three-year streak, before Chiến sĩ thi đua toàn quốc). Exactly one of the two
/// counts is given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Prerequisite {
    #[schema(example = "CSTD_CO_SO")]
    pub award_type_code: String,
    /// How many years in a row the title is needed, ending with the window's last year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = 3, minimum = 1, maximum = 20)]
    pub consecutive_years: Option<u32>,
    /// How many awards of the title in a row are needed, each `award_span_years` after the one
    /// before (their streaks adjoin, no year counted twice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 10)]
    pub consecutive_awards: Option<u32>,
    /// With `consecutive_awards`: the years one award covers (3 for Chiến sĩ thi đua cấp tỉnh).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 20)]
    pub award_span_years: Option<u32>,
    /// Where the count ends: the nomination's year itself, or the year before. Default
    /// `previous_years`.
    #[serde(default = "previous_years")]
    pub window: PrerequisiteWindow,
    /// `window` as people read it (Vietnamese). In answers only: ignored when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(read_only)]
    pub window_label: Option<String>,
    /// What not meeting it does. Default `refusal`.
    #[serde(default = "refusal")]
    pub on_failure: Severity,
    /// `on_failure` as people read it (Vietnamese). In answers only: ignored when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(read_only)]
    pub on_failure_label: Option<String>,
    /// A streak broken by at most this many missing years in all (or awards this many years
    /// further apart than their span) is **borderline**: a warning the board may acknowledge, not
    /// a refusal. 0 (the default): no tolerance.
    #[serde(default, skip_serializing_if = "is_zero")]
    #[schema(minimum = 0, maximum = 5)]
    pub borderline_gap_years: u32,
    /// Căn cứ pháp lý of this requirement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 23")]
    pub legal_basis: Option<String>,
    /// The legal wording behind it could not be confirmed: the board should check it.
    #[serde(default)]
    pub unconfirmed: bool,
}

impl Prerequisite {
    /// As answered: with the labels of its enumerations.
    pub fn labelled(self) -> Prerequisite {
        Prerequisite {
            window_label: Some(self.window.label_vi().to_string()),
            on_failure_label: Some(self.on_failure.label_vi().to_string()),
            ..self
        }
    }

    /// `count` years in a row of `code`, ending with the window's last year.
    pub fn years(code: &str, count: u32, window: PrerequisiteWindow) -> Prerequisite {
        Prerequisite {
            award_type_code: code.into(),
            consecutive_years: Some(count),
            consecutive_awards: None,
            award_span_years: None,
            window,
            window_label: None,
            on_failure: Severity::Refusal,
            on_failure_label: None,
            borderline_gap_years: 0,
            legal_basis: None,
            unconfirmed: false,
        }
    }

    /// `count` awards in a row of `code`, each covering `span` years.
    pub fn awards(code: &str, count: u32, span: u32, window: PrerequisiteWindow) -> Prerequisite {
        Prerequisite {
            consecutive_years: None,
            consecutive_awards: Some(count),
            award_span_years: Some(span),
            ..Prerequisite::years(code, 0, window)
        }
    }
}

/// The rules of one version of an award type, once checked. Decimals are canonical strings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rules {
    pub granting_authority: String,
    pub legal_basis: String,
    pub prerequisites: Vec<Prerequisite>,
    pub quota_of_code: Option<String>,
    pub quota_percent: Option<String>,
    /// What going beyond the quota does: by default a warning, since the council may decide
    /// beyond it (and whether today's decrees keep a cap at all is unconfirmed).
    pub quota_on_failure: Severity,
    pub council_vote_required: bool,
    pub approval_threshold_percent: Option<String>,
    pub quorum_percent: Option<String>,
    pub posting_days: Option<i32>,
    /// How `posting_days` are counted.
    pub posting_day_count: DayCount,
    /// When a nomination the council votes on is posted (awards without a vote are posted once
    /// approved, before the decision). `None` as checked: a new type's is `before_decision`, a
    /// new version keeps the previous version's.
    pub posting_stage: Option<PostingStage>,
    pub bonus_multiplier: Option<String>,
    /// What the nominee's initiatives must be, if anything.
    pub initiative_requirement: Option<InitiativeRequirement>,
    /// For a collective title: what the unit's members must hold, if anything.
    pub member_requirement: Option<MemberRequirement>,
    /// For a flag (Cờ thi đua): how the unit's cluster proposes its leader, if it must.
    pub cluster_proposal: Option<ClusterProposalRule>,
    /// The levels whose decisions grant it (Art 80). Empty as checked: the caller fills it
    /// from the type (`GrantingLevel::defaults_for`) or the version before.
    pub granting_levels: Vec<GrantingLevel>,
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
    quota_on_failure: Severity,
    council_vote_required: bool,
    approval_threshold_percent: Option<&str>,
    quorum_percent: Option<&str>,
    posting_days: Option<i32>,
    posting_day_count: DayCount,
    bonus_multiplier: Option<&str>,
    initiative_requirement: Option<InitiativeRequirement>,
    member_requirement: Option<MemberRequirement>,
    cluster_proposal: Option<ClusterProposalRule>,
    checks: &mut Checks,
) -> Rules {
    let granting_authority = crate::domain::check_text("granting_authority", granting_authority, 300, checks);
    let legal_basis = crate::domain::check_text("legal_basis", legal_basis, 2000, checks);
    let prerequisites = prerequisites.into_iter().enumerate().map(|(i, p)| check_prerequisite(i, p, checks)).collect();
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
        quota_on_failure,
        council_vote_required,
        approval_threshold_percent,
        quorum_percent,
        posting_days,
        posting_day_count,
        posting_stage: None,
        bonus_multiplier,
        initiative_requirement: initiative_requirement
            .map(|r| crate::domain::initiatives::check_requirement("initiative_requirement", r, checks)),
        member_requirement: member_requirement
            .map(|r| crate::domain::collectives::check_requirement("member_requirement", r, checks)),
        cluster_proposal: cluster_proposal
            .map(|r| crate::domain::cluster_votes::check_rule("cluster_proposal", r, checks)),
        granting_levels: Vec::new(),
    }
}

fn check_prerequisite(i: usize, mut p: Prerequisite, checks: &mut Checks) -> Prerequisite {
    // Labels are answers' only: what a client echoes back is not kept.
    (p.window_label, p.on_failure_label) = (None, None);
    let field = |name: &str| format!("prerequisites[{i}].{name}");
    match (p.consecutive_years, p.consecutive_awards) {
        (Some(years), None) => {
            if !(1..=20).contains(&years) {
                checks.fail(&field("consecutive_years"), ErrorCode::OutOfRange, "must be between 1 and 20");
            }
            if p.award_span_years.is_some() {
                checks.fail(&field("award_span_years"), ErrorCode::NotAllowed, "only with consecutive_awards");
            }
        }
        (None, Some(awards)) => {
            if !(1..=10).contains(&awards) {
                checks.fail(&field("consecutive_awards"), ErrorCode::OutOfRange, "must be between 1 and 10");
            }
            match p.award_span_years {
                None => checks.fail(
                    &field("award_span_years"),
                    ErrorCode::Required,
                    "consecutive awards need the years each covers",
                ),
                Some(span) if !(1..=20).contains(&span) => {
                    checks.fail(&field("award_span_years"), ErrorCode::OutOfRange, "must be between 1 and 20");
                }
                Some(_) => {}
            }
        }
        _ => checks.fail(
            &field("consecutive_years"),
            ErrorCode::Incomplete,
            "give either consecutive_years or consecutive_awards, not both",
        ),
    }
    if p.borderline_gap_years > 5 {
        checks.fail(&field("borderline_gap_years"), ErrorCode::OutOfRange, "must be between 0 and 5");
    }
    p.legal_basis = p
        .legal_basis
        .filter(|b| !b.trim().is_empty())
        .map(|b| crate::domain::check_text(&field("legal_basis"), &b, 2000, checks));
    p
}

/// How many consecutive years, ending with `last_year`, appear in `years`.
pub fn streak(years: &[i32], last_year: i32) -> u32 {
    let mut count = 0;
    while years.contains(&(last_year - count as i32)) {
        count += 1;
    }
    count
}

/// How a prerequisite stands for a nominee.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    Met,
    /// Met only by overlooking gaps within `borderline_gap_years`: `got` counted strictly.
    Borderline {
        got: u32,
    },
    Unmet {
        got: u32,
    },
}

/// Judges a prerequisite against the years (award years) the nominee holds its title in, for a
/// nomination of `year`.
pub fn assess(p: &Prerequisite, held: &[i32], year: i32) -> Standing {
    let last = match p.window {
        PrerequisiteWindow::SameYear => year,
        PrerequisiteWindow::PreviousYears => year - 1,
    };
    let (needed, strict, tolerant) = match (p.consecutive_years, p.consecutive_awards) {
        (Some(needed), _) => (needed, streak(held, last), streak_with_gaps(held, last, needed, p.borderline_gap_years)),
        (None, Some(needed)) => {
            let span = p.award_span_years.unwrap_or(1);
            (needed, award_chain(held, last, span, 0), award_chain(held, last, span, p.borderline_gap_years))
        }
        (None, None) => return Standing::Met,
    };
    if strict >= needed {
        Standing::Met
    } else if tolerant >= needed {
        Standing::Borderline { got: strict }
    } else {
        Standing::Unmet { got: strict }
    }
}

/// Years held counting back from `last`, skipping at most `gaps` missing years in all, until
/// `needed` are found.
fn streak_with_gaps(years: &[i32], last: i32, needed: u32, gaps: u32) -> u32 {
    let (mut count, mut missed, mut at) = (0, 0, last);
    while count < needed {
        if years.contains(&at) {
            count += 1;
        } else if missed < gaps {
            missed += 1;
        } else {
            break;
        }
        at -= 1;
    }
    count
}

/// Awards in a row, counting back from the latest one no later than `last`: each the one before
/// it `span` years earlier (their streaks adjoin), or up to `gaps` years more in all.
fn award_chain(years: &[i32], last: i32, span: u32, gaps: u32) -> u32 {
    let mut held: Vec<i32> = years.iter().copied().filter(|y| *y <= last).collect();
    held.sort_unstable();
    held.dedup();
    let Some(mut at) = held.pop() else { return 0 };
    let (mut count, mut spare) = (1, gaps as i32);
    let span = span as i32;
    // The nearest earlier award whose years do not overlap this one's.
    while let Some(pos) = held.iter().rposition(|y| *y <= at - span) {
        let extra = at - span - held[pos];
        if extra > spare {
            break;
        }
        spare -= extra;
        at = held[pos];
        count += 1;
        held.truncate(pos);
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

    #[test]
    fn each_level_grants_what_article_80_gives_it_and_the_province_records_the_centre() {
        use GrantingLevel::{Central, Commune, Department, Province};
        let grassroots = GrantingLevel::defaults_for("co_so");
        assert!(Commune.may_grant(&grassroots) && Department.may_grant(&grassroots));
        assert!(!Province.may_grant(&grassroots), "the province does not grant a grassroots title");
        assert!(Province.may_grant(&[Central]), "the board records a central decision on its proposal");
        assert!(!Commune.may_grant(&[Central]) && !Department.may_grant(&[Province]));
        assert!(
            Commune.may_grant(&GrantingLevel::defaults_for("xa"))
                && !Department.may_grant(&GrantingLevel::defaults_for("xa"))
        );
        assert_eq!(GrantingLevel::defaults_for("tinh"), [Province]);
        let stored = GrantingLevel::join(&[Department, Commune, Department]);
        assert_eq!(stored, "commune,department");
        assert_eq!(GrantingLevel::split(&stored), [Commune, Department]);
    }
    use std::str::FromStr;

    #[test]
    fn streaks_count_consecutive_years_back_from_the_last() {
        assert_eq!(streak(&[2019, 2020, 2021], 2021), 3);
        assert_eq!(streak(&[2018, 2020, 2021], 2021), 2);
        assert_eq!(streak(&[2019, 2020], 2021), 0);
        assert_eq!(streak(&[], 2021), 0);
    }

    #[test]
    fn windows_and_counts_are_explicit() {
        // Chiến sĩ thi đua cơ sở 2026 needs Lao động tiên tiến 2026 (the same year).
        let same = Prerequisite::years("LDTT", 1, PrerequisiteWindow::SameYear);
        assert_eq!(assess(&same, &[2026], 2026), Standing::Met);
        assert_eq!(assess(&same, &[2025], 2026), Standing::Unmet { got: 0 });
        // Chiến sĩ thi đua cấp tỉnh 2024 needs Chiến sĩ thi đua cơ sở 2021–2023.
        let three = Prerequisite::years("CSTD_CO_SO", 3, PrerequisiteWindow::PreviousYears);
        assert_eq!(assess(&three, &[2021, 2022, 2023], 2024), Standing::Met);
        assert_eq!(assess(&three, &[2020, 2022, 2023], 2024), Standing::Unmet { got: 2 });
        // With a year of tolerance the broken streak is borderline: the board's call.
        let lenient = Prerequisite { borderline_gap_years: 1, ..three.clone() };
        assert_eq!(assess(&lenient, &[2020, 2022, 2023], 2024), Standing::Borderline { got: 2 });
        assert_eq!(assess(&lenient, &[2019, 2020, 2023], 2024), Standing::Unmet { got: 1 });
    }

    #[test]
    fn consecutive_awards_are_not_consecutive_years() {
        // Chiến sĩ thi đua toàn quốc: two provincial awards in a row, each on three years.
        let two = Prerequisite::awards("CSTD_TINH", 2, 3, PrerequisiteWindow::PreviousYears);
        assert_eq!(assess(&two, &[2020, 2023], 2026), Standing::Met);
        assert_eq!(assess(&two, &[2017, 2020, 2023], 2024), Standing::Met);
        // A gap between the two streaks, or one award only, is not enough.
        assert_eq!(assess(&two, &[2019, 2023], 2026), Standing::Unmet { got: 1 });
        assert_eq!(assess(&two, &[2023], 2026), Standing::Unmet { got: 1 });
        // Two consecutive years are two overlapping streaks, not two awards in a row.
        assert_eq!(assess(&two, &[2022, 2023], 2026), Standing::Unmet { got: 1 });
        // An award of the year itself is outside a previous-years window.
        assert_eq!(assess(&two, &[2020, 2023], 2023), Standing::Unmet { got: 1 });
        let lenient = Prerequisite { borderline_gap_years: 1, ..two };
        assert_eq!(assess(&lenient, &[2019, 2023], 2026), Standing::Borderline { got: 1 });
        assert_eq!(assess(&lenient, &[], 2026), Standing::Unmet { got: 0 });
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
            vec![
                Prerequisite::years("X", 0, PrerequisiteWindow::SameYear),
                Prerequisite {
                    consecutive_awards: Some(2),
                    ..Prerequisite::years("Y", 1, PrerequisiteWindow::SameYear)
                },
                Prerequisite {
                    award_span_years: None,
                    ..Prerequisite::awards("Z", 2, 3, PrerequisiteWindow::SameYear)
                },
            ],
            Some("LDTT"),
            None,
            Severity::Warning,
            true,
            None,
            None,
            Some(200),
            DayCount::Calendar,
            Some("-1"),
            None,
            None,
            None,
            &mut checks,
        );
        let fields: Vec<&str> = checks.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "prerequisites[0].consecutive_years",
                "prerequisites[1].consecutive_years",
                "prerequisites[2].award_span_years",
                "quota_percent",
                "approval_threshold_percent",
                "posting_days",
                "bonus_multiplier"
            ]
        );
    }
}
