//! Nominations: their lifecycle, their dossier, and the eligibility rules judged at submission.

use crate::domain::awards::{assess, Prerequisite, PrerequisiteWindow, Severity, Standing};
use crate::domain::cluster_votes::ClusterStanding;
use crate::domain::collectives::{assess_members, shortfall_code, MemberFacts, MemberRequirement, MemberShortfall};
use crate::domain::initiatives::{assess_initiatives, InitiativeRequirement, InitiativeStanding, RecognitionScope};
use crate::error::{Arg, ErrorCode, FieldError, Lang, Msg};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

text_enum! {
    /// draft → submitted → (returned → submitted) → appraised → approved or rejected (or
    /// rejected at appraisal, from submitted); withdrawn before a decision. (Council vote, public posting and decision come next.)
    pub enum NominationStatus {
        Draft = "draft" => "Dự thảo",
        Submitted = "submitted" => "Đã gửi",
        Returned = "returned" => "Trả lại để bổ sung",
        Appraised = "appraised" => "Đã thẩm định",
        Approved = "approved" => "Được chấp thuận",
        Rejected = "rejected" => "Không được chấp thuận",
        Posted = "posted" => "Đang công khai",
        Decided = "decided" => "Đã có quyết định khen thưởng",
        Withdrawn = "withdrawn" => "Đã rút",
        Revoked = "revoked" => "Bị thu hồi",
    }
}

text_enum! {
    pub enum NominationAction {
        Submit = "submit" => "Gửi",
        Return = "return" => "Trả lại",
        Appraise = "appraise" => "Thẩm định",
        Approve = "approve" => "Chấp thuận",
        Reject = "reject" => "Không chấp thuận",
        Withdraw = "withdraw" => "Rút hồ sơ",
    }
}

impl NominationStatus {
    pub fn after(self, action: NominationAction) -> Option<NominationStatus> {
        use NominationAction as A;
        use NominationStatus as S;
        match (self, action) {
            (S::Draft | S::Returned, A::Submit) => Some(S::Submitted),
            (S::Submitted, A::Return) => Some(S::Returned),
            (S::Submitted, A::Appraise) => Some(S::Appraised),
            (S::Appraised, A::Approve) => Some(S::Approved),
            // A line of a dossier may be refused at appraisal, before any appraisal as passed.
            (S::Submitted | S::Appraised, A::Reject) => Some(S::Rejected),
            (S::Draft | S::Submitted | S::Returned | S::Appraised, A::Withdraw) => Some(S::Withdrawn),
            // On posting before its council met (the rules' `before_council`): the public's
            // comments may end it before the vote. Posted after approval, only a decision does
            // (the model tells the two apart).
            (S::Posted, A::Reject) => Some(S::Rejected),
            (S::Posted, A::Withdraw) => Some(S::Withdrawn),
            _ => None,
        }
    }

    /// The unit may change the nomination and its dossier.
    pub fn is_editable(self) -> bool {
        matches!(self, NominationStatus::Draft | NominationStatus::Returned)
    }

    /// Counts as granted or on its way to it (for the same achievement rewarded twice).
    pub fn is_granting(self) -> bool {
        matches!(self, NominationStatus::Approved | NominationStatus::Posted | NominationStatus::Decided)
    }

    /// Counts against the unit's quota for the year.
    pub fn uses_quota(self) -> bool {
        matches!(
            self,
            NominationStatus::Submitted
                | NominationStatus::Appraised
                | NominationStatus::Approved
                | NominationStatus::Posted
                | NominationStatus::Decided
        )
    }
}

text_enum! {
    /// The documents of a dossier (hồ sơ, Law Art 84).
    pub enum DocumentKind {
        /// Tờ trình: the cover proposal.
        ToTrinh = "to_trinh" => "Tờ trình",
        /// Báo cáo thành tích: the achievement report.
        BaoCaoThanhTich = "bao_cao_thanh_tich" => "Báo cáo thành tích",
        /// Biên bản bình xét: minutes of the unit's review.
        BienBanBinhXet = "bien_ban_binh_xet" => "Biên bản bình xét",
        /// Proof of initiatives (sáng kiến), for emulation-fighter titles.
        SangKien = "sang_kien" => "Minh chứng sáng kiến",
        Other = "khac" => "Tài liệu khác",
    }
}

/// The documents a nomination for `award_code` must carry: the three of every dossier, and
/// proof of initiatives for the emulation-fighter titles (Chiến sĩ thi đua).
pub fn required_documents(award_code: &str) -> Vec<DocumentKind> {
    let mut kinds = vec![DocumentKind::ToTrinh, DocumentKind::BaoCaoThanhTich, DocumentKind::BienBanBinhXet];
    if award_code.starts_with("CSTD_") {
        kinds.push(DocumentKind::SangKien);
    }
    kinds
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EligibilityProblem {
    #[schema(value_type = String, example = "prerequisite_streak")]
    pub code: ErrorCode,
    pub message: String,
    /// The message as a catalogue message with its arguments, for answers in other languages
    /// than English (a refusal's `errors[].message`); not stored.
    #[serde(skip)]
    pub localized: Option<Msg>,
    /// For a warning: the board's acknowledgement, once given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledgement: Option<Acknowledgement>,
    /// `message` in the other languages the API speaks, by language tag, rendered when the
    /// nomination was judged (stored with it, and in the change feed's snapshots). A direct
    /// answer leaves this out: its `message` already speaks the request's language.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub translations: std::collections::BTreeMap<String, String>,
}

/// The board looked at a warning and let the nomination go on, for a reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Acknowledgement {
    /// The board member's user id.
    #[schema(format = "uuid")]
    pub by: String,
    pub at: chrono::DateTime<chrono::Utc>,
    pub reason: String,
}

impl EligibilityProblem {
    /// The message in `lang`: as judged (the specific catalogue message), else as stored at
    /// judgment, else the code's general message (a nomination judged before translations were
    /// kept), else the English.
    pub fn message_in(&self, lang: Lang) -> String {
        self.render(lang, "eligibility")
    }

    /// As `message_in`, naming the problem as `field` does (a refusal's "Chưa đủ điều kiện", a
    /// warning's milder label).
    fn render(&self, lang: Lang, field: &str) -> String {
        if lang == Lang::En {
            return self.message.clone();
        }
        if self.localized.is_none() {
            if let Some(stored) = self.translations.get(lang.tag()) {
                return stored.clone();
            }
        }
        FieldError { localized: self.localized.clone(), ..FieldError::new(field, self.code, self.message.clone()) }
            .message_in(lang)
    }
}

impl Eligibility {
    /// Each problem with the field that names it: refusals and warnings read differently.
    fn problems_mut(&mut self) -> impl Iterator<Item = (&mut EligibilityProblem, &'static str)> {
        let blocking = self.blocking.iter_mut().map(|p| (p, "eligibility"));
        blocking.chain(self.warnings.iter_mut().map(|p| (p, "eligibility_warning")))
    }

    /// Renders every message in each language besides English, to be stored with the judgment
    /// (the catalogue message and its arguments are not kept).
    pub fn with_translations(mut self) -> Self {
        for (p, field) in self.problems_mut() {
            p.translations = Lang::ALL
                .iter()
                .filter(|lang| **lang != Lang::En)
                .map(|lang| (lang.tag().to_string(), p.render(*lang, field)))
                .collect();
        }
        self
    }

    /// As answered to a request in `lang`: each `message` in that language, translations left out.
    pub fn spoken_in(mut self, lang: Lang) -> Self {
        for (p, field) in self.problems_mut() {
            p.message = p.render(lang, field);
            p.translations.clear();
        }
        self
    }

    /// The warning of this code not yet acknowledged, if any.
    pub fn open_warning(&mut self, code: &str) -> Option<&mut EligibilityProblem> {
        self.warnings.iter_mut().find(|w| w.code.as_str() == code && w.acknowledgement.is_none())
    }
}

/// What was found at submission: blocking problems stop it; warnings go to the board.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Eligibility {
    pub blocking: Vec<EligibilityProblem>,
    pub warnings: Vec<EligibilityProblem>,
}

/// The rules' initiative requirement, the (scope, year) of the nominee's initiatives, and whether
/// the dossier holds a `sang_kien` document.
pub type InitiativeFacts = (InitiativeRequirement, Vec<(RecognitionScope, i32)>, bool);

/// The facts eligibility is judged on, gathered from the database.
pub struct EligibilityFacts {
    pub has_rules: bool,
    /// Each prerequisite with the years the nominee got its title (award years).
    pub prerequisites: Vec<(Prerequisite, Vec<i32>)>,
    /// By title code, the years of the nominee's other nominations for it still in the running
    /// (submitted, not yet decided): a same-year prerequisite proposed in the same round.
    pub pending: std::collections::HashMap<String, Vec<i32>>,
    /// The name of each prerequisite's award type, by code (named to people in their language).
    pub prerequisite_names: std::collections::HashMap<String, String>,
    pub year: i32,
    /// Achievements of this nomination already behind another nomination under review or granted.
    pub already_rewarded: usize,
    /// Another nomination of the same nominee for the same award and year is under review or granted.
    pub duplicate: bool,
    /// (allowed, used including this one, what going beyond does) when the type has a quota.
    pub quota: Option<(u32, u32, Severity)>,
    pub missing_documents: Vec<DocumentKind>,
    pub under_discipline: bool,
    /// The rules' initiative requirement, with the (scope, year) of the initiatives the nominee
    /// is an author of and whether the dossier holds a `sang_kien` document.
    pub initiatives: Option<InitiativeFacts>,
    /// For a line of an annual round: whether the unit's accepted title registration of the year
    /// lists the title for the nominee (None: not a round's line, nothing to check), with the
    /// title's name.
    pub registered: Option<(bool, String)>,
    /// For a collective title whose rules ask things of the unit's members: the requirement, the
    /// members' facts, and the names of its two titles (the share's, the one-member's).
    pub members: Option<MemberJudgement>,
    /// For a flag whose rules ask the unit's cluster to propose it: where the unit stands.
    pub cluster: Option<ClusterStanding>,
}

/// A collective's member requirement with what its members hold, and the titles' names.
pub type MemberJudgement = (MemberRequirement, MemberFacts, String, Option<String>);

fn problem(code: ErrorCode, message: String) -> EligibilityProblem {
    EligibilityProblem { code, message, localized: None, acknowledgement: None, translations: Default::default() }
}

impl EligibilityProblem {
    fn localized(mut self, id: &'static str, args: impl IntoIterator<Item = (&'static str, Arg)>) -> Self {
        self.localized = Some(Msg::new(id, args));
        self
    }
}

impl Eligibility {
    fn add(&mut self, severity: Severity, found: EligibilityProblem) {
        match severity {
            Severity::Refusal => self.blocking.push(found),
            Severity::Warning => self.warnings.push(found),
        }
    }
}

/// What a prerequisite asks for, in words (for the problem's message).
fn describe(p: &Prerequisite, year: i32) -> String {
    let last = match p.window {
        PrerequisiteWindow::SameYear => year,
        PrerequisiteWindow::PreviousYears => year - 1,
    };
    match (p.consecutive_years, p.consecutive_awards) {
        (Some(1), _) => format!("needs {} in {last}", p.award_type_code),
        (Some(n), _) => format!("needs {} for {n} consecutive years up to {last}", p.award_type_code),
        (None, Some(n)) => format!(
            "needs {n} consecutive awards of {} (each covering {} years) up to {last}",
            p.award_type_code,
            p.award_span_years.unwrap_or(1)
        ),
        (None, None) => format!("needs {}", p.award_type_code),
    }
}

/// The years of a `consecutive_years` window the nominee does not hold, oldest first.
fn missing_years(p: &Prerequisite, held: &[i32], year: i32) -> Vec<i32> {
    let last = match p.window {
        PrerequisiteWindow::SameYear => year,
        PrerequisiteWindow::PreviousYears => year - 1,
    };
    let count = p.consecutive_years.unwrap_or(1) as i32;
    (last - count + 1..=last).filter(|y| !held.contains(y)).collect()
}

impl EligibilityProblem {
    /// The prerequisite's catalogue message: by years in a row (`years_id`, naming the years
    /// missing) or by awards in a row (`awards_id`), with the title's name and the years.
    #[allow(clippy::too_many_arguments)]
    fn localized_prerequisite(
        self,
        years_id: &'static str,
        awards_id: &'static str,
        p: &Prerequisite,
        title: &str,
        held: &[i32],
        year: i32,
        got: u32,
    ) -> Self {
        let last = match p.window {
            PrerequisiteWindow::SameYear => year,
            PrerequisiteWindow::PreviousYears => year - 1,
        };
        let title = ("title", Arg::text(title));
        match (p.consecutive_years, p.consecutive_awards) {
            (Some(count), _) => {
                let missing: Vec<String> = missing_years(p, held, year).iter().map(i32::to_string).collect();
                self.localized(
                    years_id,
                    [
                        title,
                        ("count", Arg::text(count)),
                        ("first", Arg::text(last - count as i32 + 1)),
                        ("last", Arg::text(last)),
                        ("missing", Arg::text(missing.join(", "))),
                    ],
                )
            }
            (None, Some(count)) => self.localized(
                awards_id,
                [
                    title,
                    ("count", Arg::text(count)),
                    ("span", Arg::text(p.award_span_years.unwrap_or(1))),
                    ("last", Arg::text(last)),
                    ("got", Arg::text(got)),
                ],
            ),
            (None, None) => self,
        }
    }
}

pub fn judge(f: &EligibilityFacts) -> Eligibility {
    let mut e = Eligibility::default();
    if !f.has_rules {
        e.blocking.push(problem(ErrorCode::NoRules, "the award type has no rules in force today".into()));
    }
    for (p, years) in &f.prerequisites {
        let title = f.prerequisite_names.get(&p.award_type_code).unwrap_or(&p.award_type_code);
        let standing = assess(p, years, f.year);
        if !matches!(standing, Standing::Met) {
            // Met only once a nomination still in the running is granted (LĐTT 2025 proposed in
            // the same dossier as CSTĐ cơ sở 2025): the board sees it, the decision follows it.
            let pending = f.pending.get(&p.award_type_code).filter(|years| !years.is_empty());
            if let Some(pending) = pending {
                let with: Vec<i32> = years.iter().chain(pending).copied().collect();
                if matches!(assess(p, &with, f.year), Standing::Met) {
                    let mut listed: Vec<i32> = pending.clone();
                    listed.sort_unstable();
                    listed.dedup();
                    let listed: Vec<String> = listed.iter().map(i32::to_string).collect();
                    e.warnings.push(
                        problem(
                            ErrorCode::PrerequisitePending,
                            format!(
                                "{}; met only with the nominee's {} {} still under review",
                                describe(p, f.year),
                                p.award_type_code,
                                listed.join(", ")
                            ),
                        )
                        .localized(
                            "prerequisite_pending-title",
                            [("title", Arg::text(title)), ("years", Arg::text(listed.join(", ")))],
                        ),
                    );
                    continue;
                }
            }
        }
        match standing {
            Standing::Met => {}
            Standing::Borderline { got } => e.warnings.push(
                problem(
                    ErrorCode::PrerequisiteBorderline,
                    format!(
                        "{}; the nominee has {got} in a row, with gaps the rules leave to the board",
                        describe(p, f.year)
                    ),
                )
                .localized_prerequisite(
                    "prerequisite_borderline-years",
                    "prerequisite_borderline-awards",
                    p,
                    title,
                    years,
                    f.year,
                    got,
                ),
            ),
            Standing::Unmet { got } => e.add(
                p.on_failure,
                problem(ErrorCode::PrerequisiteStreak, format!("{}; the nominee has {got}", describe(p, f.year)))
                    .localized_prerequisite(
                        "prerequisite_streak-years",
                        "prerequisite_streak-awards",
                        p,
                        title,
                        years,
                        f.year,
                        got,
                    ),
            ),
        }
    }
    if f.already_rewarded > 0 {
        e.blocking.push(
            problem(
                ErrorCode::AchievementAlreadyRewarded,
                format!("{} of its achievements are already rewarded or behind another nomination", f.already_rewarded),
            )
            .localized("achievement_already_rewarded-count", [("count", Arg::text(f.already_rewarded))]),
        );
    }
    if f.duplicate {
        e.blocking.push(problem(
            ErrorCode::DuplicateNomination,
            "the nominee is already nominated for this award and year".into(),
        ));
    }
    if !f.missing_documents.is_empty() {
        let names: Vec<&str> = f.missing_documents.iter().map(|k| k.as_str()).collect();
        let labels: Vec<String> = f.missing_documents.iter().map(|k| format!("«{}»", k.label_vi())).collect();
        e.blocking.push(
            problem(ErrorCode::MissingDocuments, format!("the dossier lacks: {}", names.join(", ")))
                .localized("missing_documents-kinds", [("kinds", Arg::text(labels.join(", ")))]),
        );
    }
    if f.under_discipline {
        e.blocking.push(problem(
            ErrorCode::UnderDiscipline,
            "the nominee is under discipline, inspection or complaint".into(),
        ));
    }
    if let Some((allowed, used, severity)) = f.quota {
        if used > allowed {
            e.add(
                severity,
                problem(
                    ErrorCode::QuotaExceeded,
                    format!("the unit's quota this year is {allowed}; this would be number {used}"),
                )
                .localized(
                    "quota_exceeded-count",
                    [("allowed", Arg::text(allowed)), ("used", Arg::text(used)), ("year", Arg::text(f.year))],
                ),
            );
        }
    }
    if let Some((false, title)) = &f.registered {
        e.warnings.push(
            problem(
                ErrorCode::TitleNotRegistered,
                format!("the unit's accepted title registration for {} does not list {title} for the nominee", f.year),
            )
            .localized("title_not_registered-title", [("title", Arg::text(title)), ("year", Arg::text(f.year))]),
        );
    }
    if let Some((r, facts, title, one_title)) = &f.members {
        for shortfall in assess_members(r, facts) {
            let code = shortfall_code(&shortfall);
            let found = match &shortfall {
                MemberShortfall::Share { holding, members, needed } => problem(
                    code,
                    format!("{needed} of the unit's {members} people must hold {title} in {}; {holding} do", f.year),
                )
                .localized(
                    "member_share_short-count",
                    [
                        ("strictly", Arg::text(if r.strictly_more { "yes" } else { "no" })),
                        ("percent", Arg::text(&r.min_percent)),
                        ("title", Arg::text(title)),
                        ("year", Arg::text(f.year)),
                        ("needed", Arg::text(*needed)),
                        ("members", Arg::text(*members)),
                        ("holding", Arg::text(*holding)),
                    ],
                ),
                MemberShortfall::NoneHolding => {
                    let one = one_title.clone().unwrap_or_default();
                    problem(code, format!("someone of the unit must hold {one} in {}", f.year)).localized(
                        "member_title_missing-title",
                        [("title", Arg::text(one)), ("year", Arg::text(f.year))],
                    )
                }
                MemberShortfall::Disciplined(names) => {
                    let form = r.no_discipline_from.map(|d| d.label_vi().to_lowercase()).unwrap_or_default();
                    problem(code, format!("disciplined in {}: {}", f.year, names.join(", "))).localized(
                        "member_disciplined-names",
                        [
                            ("year", Arg::text(f.year)),
                            ("form", Arg::text(form)),
                            ("names", Arg::text(names.join(", "))),
                        ],
                    )
                }
            };
            e.add(r.on_failure, found);
        }
    }
    if let Some((r, held, dossier_proof)) = &f.initiatives {
        let wanted = format!(
            "an initiative recognised at {} level or above in {}–{}",
            r.minimum_scope.as_str(),
            f.year - r.validity_years as i32 + 1,
            f.year
        );
        let first = f.year - r.validity_years as i32 + 1;
        // "Cấp cơ sở" inside a sentence: "cấp cơ sở".
        let args = || {
            [
                ("scope", Arg::text(r.minimum_scope.label_vi().to_lowercase())),
                ("years", Arg::text(r.validity_years)),
                ("first", Arg::text(first)),
                ("last", Arg::text(f.year)),
            ]
        };
        match assess_initiatives(r, held, *dossier_proof, f.year) {
            InitiativeStanding::Met => {}
            InitiativeStanding::ByDossierProof => e.warnings.push(
                problem(
                    ErrorCode::InitiativeUnregistered,
                    format!("needs {wanted}; none is registered, the dossier's sang_kien document stands in for it"),
                )
                .localized("initiative_unregistered-wanted", args()),
            ),
            InitiativeStanding::Unmet => {
                e.add(
                    r.on_failure,
                    problem(ErrorCode::InitiativeMissing, format!("needs {wanted}; the nominee has none"))
                        .localized("initiative_missing-wanted", args()),
                );
            }
        }
    }
    // A flag goes to the unit that led its cluster: one the cluster did not propose is the
    // board's call, made with a reason (a warning to acknowledge).
    let not_proposed = match &f.cluster {
        None | Some(ClusterStanding::Proposed) => None,
        Some(ClusterStanding::NoCluster) => Some(
            problem(ErrorCode::ClusterNotProposed, format!("the unit is in no emulation cluster in {}", f.year))
                .localized("cluster_not_proposed-none", [("year", Arg::text(f.year))]),
        ),
        Some(ClusterStanding::NotCounted { cluster }) => Some(
            problem(
                ErrorCode::ClusterNotProposed,
                format!("the cluster «{cluster}» has not closed its count for this award"),
            )
            .localized("cluster_not_proposed-open", [("cluster", Arg::text(cluster))]),
        ),
        Some(ClusterStanding::ProposedAnother { cluster, proposed, rank }) => Some(
            problem(
                ErrorCode::ClusterNotProposed,
                format!(
                    "the cluster «{cluster}» proposed «{proposed}»; this unit ranked {}",
                    rank.map_or_else(|| "nowhere".to_string(), |r| r.to_string())
                ),
            )
            .localized(
                "cluster_not_proposed-other",
                [
                    ("cluster", Arg::text(cluster)),
                    ("proposed", Arg::text(proposed)),
                    ("rank", Arg::text(rank.map_or_else(|| "—".to_string(), |r| r.to_string()))),
                ],
            ),
        ),
    };
    if let Some(found) = not_proposed {
        e.warnings.push(found);
    }
    e
}

/// The outcome of a council vote on one nomination. The threshold is a share of the whole
/// council (not of those who voted); the quorum, when set, a share of members who must vote.
pub fn vote_passes(
    yes: u32,
    no: u32,
    members: u32,
    threshold_percent: rust_decimal::Decimal,
    quorum_percent: Option<rust_decimal::Decimal>,
) -> bool {
    use rust_decimal::Decimal;
    if members == 0 {
        return false;
    }
    let hundred = Decimal::ONE_HUNDRED;
    let quorum_met = quorum_percent.is_none_or(|q| Decimal::from(yes + no) * hundred >= q * Decimal::from(members));
    quorum_met && Decimal::from(yes) * hundred >= threshold_percent * Decimal::from(members)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn three() -> Prerequisite {
        Prerequisite::years("CSTD_CO_SO", 3, PrerequisiteWindow::PreviousYears)
    }

    fn facts() -> EligibilityFacts {
        EligibilityFacts {
            has_rules: true,
            prerequisites: vec![(three(), vec![2019, 2020, 2021])],
            prerequisite_names: [("CSTD_CO_SO".to_string(), "Chiến sĩ thi đua cơ sở".to_string())].into(),
            pending: Default::default(),
            year: 2022,
            already_rewarded: 0,
            duplicate: false,
            quota: Some((3, 3, Severity::Warning)),
            missing_documents: vec![],
            under_discipline: false,
            initiatives: None,
            registered: None,
            members: None,
            cluster: None,
        }
    }

    #[test]
    fn a_complete_nomination_is_eligible() {
        assert_eq!(judge(&facts()), Eligibility::default());
    }

    #[test]
    fn each_rule_reports_its_problem() {
        let broken_streak = EligibilityFacts { prerequisites: vec![(three(), vec![2019, 2021])], ..facts() };
        assert_eq!(judge(&broken_streak).blocking[0].code, "prerequisite_streak");
        // Borderline with a year of tolerance: a warning for the board, not a refusal.
        let lenient = Prerequisite { borderline_gap_years: 1, ..three() };
        let borderline = EligibilityFacts { prerequisites: vec![(lenient, vec![2018, 2019, 2021])], ..facts() };
        let judged = judge(&borderline);
        assert!(judged.blocking.is_empty());
        assert_eq!(judged.warnings[0].code, "prerequisite_borderline");
        // A rule may be a warning as a whole; a quota may be a refusal.
        let warned = Prerequisite { on_failure: Severity::Warning, ..three() };
        let judged = judge(&EligibilityFacts { prerequisites: vec![(warned, vec![])], ..facts() });
        assert_eq!((judged.blocking.len(), judged.warnings[0].code.as_str()), (0, "prerequisite_streak"));
        let strict_quota = EligibilityFacts { quota: Some((3, 4, Severity::Refusal)), ..facts() };
        assert_eq!(judge(&strict_quota).blocking[0].code, "quota_exceeded");
        let over_quota = EligibilityFacts { quota: Some((3, 4, Severity::Warning)), ..facts() };
        let judged = judge(&over_quota);
        assert!(judged.blocking.is_empty());
        assert_eq!(judged.warnings[0].code, "quota_exceeded");
        let everything = EligibilityFacts {
            has_rules: false,
            already_rewarded: 1,
            missing_documents: vec![DocumentKind::SangKien],
            under_discipline: true,
            ..facts()
        };
        let codes: Vec<String> = judge(&everything).blocking.into_iter().map(|p| p.code.to_string()).collect();
        assert_eq!(codes, ["no_rules", "achievement_already_rewarded", "missing_documents", "under_discipline"]);
    }

    /// A same-year prerequisite proposed in the same round (LĐTT 2022 under review) lets the
    /// line go on with a warning; without it, a refusal as before.
    #[test]
    fn a_prerequisite_under_review_is_a_warning() {
        let same_year = Prerequisite::years("LDTT", 1, PrerequisiteWindow::SameYear);
        let facts = || EligibilityFacts { prerequisites: vec![(same_year.clone(), vec![])], ..facts() };
        assert_eq!(judge(&facts()).blocking[0].code, "prerequisite_streak");
        let pending = EligibilityFacts { pending: [("LDTT".to_string(), vec![2022])].into(), ..facts() };
        let judged = judge(&pending);
        assert!(judged.blocking.is_empty(), "{judged:?}");
        assert_eq!(judged.warnings[0].code, "prerequisite_pending");
        assert!(says(&judged.warnings[0], crate::error::Lang::Vi).contains("2022"));
        // A pending title of another year does not stand in.
        let other = EligibilityFacts { pending: [("LDTT".to_string(), vec![2021])].into(), ..facts() };
        assert_eq!(judge(&other).blocking[0].code, "prerequisite_streak");
    }

    /// A round's line for a title the unit did not register the nominee for: a warning.
    #[test]
    fn an_unregistered_title_is_a_warning() {
        let judged =
            judge(&EligibilityFacts { registered: Some((false, "Lao động tiên tiến".into())), ..facts() });
        assert!(judged.blocking.is_empty());
        assert_eq!(judged.warnings[0].code, "title_not_registered");
        assert!(says(&judged.warnings[0], crate::error::Lang::Vi).contains("«Lao động tiên tiến»"));
        assert!(judge(&EligibilityFacts { registered: Some((true, "x".into())), ..facts() }).warnings.is_empty());
    }

    /// The message a refusal shows in `lang` (`errors[].message` of `not_eligible`).
    fn says(p: &EligibilityProblem, lang: crate::error::Lang) -> String {
        p.message_in(lang)
    }

    /// In Vietnamese, each problem names what is missing — the title and its years, the
    /// documents, the quota, the initiative — not only the code's general message.
    #[test]
    fn problems_say_what_is_missing_in_vietnamese() {
        use crate::domain::initiatives::{InitiativeRequirement, RecognitionScope};
        use crate::error::Lang;
        let vi = |f: EligibilityFacts| {
            let judged = judge(&f);
            judged.blocking.iter().chain(&judged.warnings).map(|p| says(p, Lang::Vi)).collect::<Vec<_>>()
        };
        assert_eq!(
            vi(EligibilityFacts { prerequisites: vec![(three(), vec![2019, 2021])], ..facts() }),
            ["Chưa đủ điều kiện: đối tượng phải đạt «Chiến sĩ thi đua cơ sở» 3 năm liên tục, từ năm 2019 đến năm 2021, nhưng còn thiếu năm 2020."]
        );
        let this_year = Prerequisite::years("CSTD_CO_SO", 1, PrerequisiteWindow::SameYear);
        assert_eq!(
            vi(EligibilityFacts { prerequisites: vec![(this_year, vec![2020])], ..facts() }),
            ["Chưa đủ điều kiện: đối tượng chưa đạt «Chiến sĩ thi đua cơ sở» năm 2022."]
        );
        let lenient = Prerequisite { borderline_gap_years: 1, ..three() };
        let borderline = vi(EligibilityFacts { prerequisites: vec![(lenient, vec![2018, 2019, 2021])], ..facts() });
        assert!(
            borderline[0].contains("còn thiếu năm 2020") && borderline[0].contains("Ban Thi đua – Khen thưởng xem xét"),
            "{borderline:?}"
        );
        let awards =
            Prerequisite { consecutive_years: None, consecutive_awards: Some(2), award_span_years: Some(3), ..three() };
        assert_eq!(
            vi(EligibilityFacts { prerequisites: vec![(awards, vec![2021])], ..facts() }),
            ["Chưa đủ điều kiện: đối tượng phải có 2 lần liên tục đạt «Chiến sĩ thi đua cơ sở» (mỗi lần tính 3 năm), lần gần nhất không muộn hơn năm 2021, nhưng mới có 1 lần liên tục."]
        );
        assert_eq!(
            vi(EligibilityFacts { quota: Some((3, 4, Severity::Refusal)), ..facts() }),
            ["Chưa đủ điều kiện: theo tỷ lệ khen thưởng, năm 2022 đơn vị được đề nghị tối đa 3 trường hợp; hồ sơ này là trường hợp thứ 4."]
        );
        assert_eq!(
            vi(EligibilityFacts {
                missing_documents: vec![DocumentKind::ToTrinh, DocumentKind::SangKien],
                already_rewarded: 2,
                ..facts()
            }),
            [
                "Chưa đủ điều kiện: 2 thành tích của hồ sơ đã được khen thưởng hoặc đang thuộc một hồ sơ đề nghị khác.",
                "Chưa đủ điều kiện: hồ sơ còn thiếu «Tờ trình», «Minh chứng sáng kiến»."
            ]
        );
        let requirement = InitiativeRequirement {
            minimum_scope: RecognitionScope::CoSo,
            validity_years: 3,
            dossier_proof_accepted: true,
            on_failure: Severity::Refusal,
            legal_basis: None,
            unconfirmed: false,
            minimum_scope_label: None,
            on_failure_label: None,
        };
        let held = vec![(RecognitionScope::CoSo, 2018)];
        assert_eq!(
            vi(EligibilityFacts { initiatives: Some((requirement.clone(), held.clone(), false)), ..facts() }),
            ["Chưa đủ điều kiện: đối tượng phải có sáng kiến được công nhận, có phạm vi ảnh hưởng cấp cơ sở trở lên, từ năm 2020 đến năm 2022, nhưng chưa có sáng kiến nào đáp ứng."]
        );
        let by_proof = vi(EligibilityFacts { initiatives: Some((requirement, held, true)), ..facts() });
        assert!(by_proof[0].contains("sổ đăng ký sáng kiến chưa có") && by_proof[0].contains("2020"), "{by_proof:?}");
        // English answers keep the words the code wrote.
        let judged = judge(&EligibilityFacts { prerequisites: vec![(three(), vec![2019, 2021])], ..facts() });
        assert_eq!(says(&judged.blocking[0], Lang::En), judged.blocking[0].message);
        // Every specific message exists in English too and formats there.
        for p in judge(&EligibilityFacts { quota: Some((3, 4, Severity::Refusal)), ..facts() }).blocking {
            assert!(p.localized.unwrap().format(Lang::En, &[("field", "eligibility")]).is_some());
        }
    }

    #[test]
    fn votes_count_against_the_whole_council() {
        let d = |s: &str| s.parse::<rust_decimal::Decimal>().unwrap();
        // 9 of 10 members is 90%: passes a 90% threshold; 8 yes of 9 voting does not.
        assert!(vote_passes(9, 0, 10, d("90"), None));
        assert!(!vote_passes(8, 1, 10, d("90"), None));
        // A quorum of 2/3 needs 7 of 10 voting.
        assert!(!vote_passes(6, 0, 10, d("50"), Some(d("66.67"))));
        assert!(vote_passes(6, 1, 10, d("50"), Some(d("66.67"))));
        assert!(!vote_passes(0, 0, 0, d("50"), None));
    }

    #[test]
    fn lifecycle_allows_only_its_transitions() {
        use NominationAction as A;
        use NominationStatus as S;
        assert_eq!(S::Draft.after(A::Submit), Some(S::Submitted));
        assert_eq!(S::Returned.after(A::Submit), Some(S::Submitted));
        assert_eq!(S::Submitted.after(A::Appraise), Some(S::Appraised));
        assert_eq!(S::Appraised.after(A::Approve), Some(S::Approved));
        assert_eq!(S::Approved.after(A::Withdraw), None);
        assert_eq!(S::Draft.after(A::Approve), None);
        assert_eq!(S::Withdrawn.after(A::Submit), None);
        assert_eq!(required_documents("CSTD_TINH").len(), 4);
        assert_eq!(required_documents("LDTT").len(), 3);
    }
}
