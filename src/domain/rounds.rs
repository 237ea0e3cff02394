//! Annual rounds (đợt xét khen thưởng cuối năm) and units' dossiers of many nominees: the
//! statuses, the board's line-by-line appraisal, the quota arithmetic per unit, and the order a
//! dossier's lines are judged in (a title before the titles that rest on it in the same year).

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::domain::nominations::NominationAction;
use crate::domain::{check_text, Checks};
use crate::error::ErrorCode;

text_enum! {
    /// A round takes dossiers while open and until its deadline; closed, it takes none.
    pub enum RoundStatus {
        Open = "open" => "Đang nhận hồ sơ",
        Closed = "closed" => "Đã kết thúc",
    }
}

text_enum! {
    /// A dossier is the unit's working copy until submitted; its lines then go their own way
    /// (each line is a nomination).
    pub enum DossierStatus {
        Draft = "draft" => "Dự thảo",
        Submitted = "submitted" => "Đã gửi",
    }
}

text_enum! {
    /// The board's appraisal of one line of a dossier.
    pub enum LineAction {
        /// Thẩm định đạt: the line goes on (to the council or the board's approval).
        Accept = "accept" => "Thẩm định đạt",
        /// The unit corrects this line and submits it again; the other lines go on.
        Return = "return" => "Trả lại để bổ sung",
        /// This line is refused; the other lines go on.
        Reject = "reject" => "Không chấp nhận",
    }
}

impl LineAction {
    /// The nomination's action the line's appraisal is.
    pub fn nomination_action(self) -> NominationAction {
        match self {
            LineAction::Accept => NominationAction::Appraise,
            LineAction::Return => NominationAction::Return,
            LineAction::Reject => NominationAction::Reject,
        }
    }
}

text_enum! {
    /// A unit's title registration for a year: registered (the board has it) → accepted.
    pub enum TitleRegistrationStatus {
        Submitted = "submitted" => "Đã đăng ký, chờ chấp nhận",
        Accepted = "accepted" => "Đã được chấp nhận",
    }
}

/// What the board asks to open a round, checked.
pub struct CheckedRound {
    pub title: String,
    pub year: i32,
    pub deadline: chrono::NaiveDate,
}

/// The round's title, year and deadline.
pub fn check_round(
    title: &str,
    year: i32,
    deadline: chrono::NaiveDate,
    award_types: usize,
) -> Result<CheckedRound, Checks> {
    let mut checks = Checks::default();
    let title = check_text("title", title, 300, &mut checks);
    if !(1990..=2200).contains(&year) {
        checks.fail("year", ErrorCode::OutOfRange, "must be between 1990 and 2200");
    }
    crate::domain::check_date("deadline", Some(deadline), &mut checks);
    if award_types == 0 {
        checks.fail("award_types", ErrorCode::Required, "a round is for at least one award type");
    } else if award_types > 50 {
        checks.fail("award_types", ErrorCode::TooMany, "at most 50 award types");
    }
    if checks.0.is_empty() {
        Ok(CheckedRound { title, year, deadline })
    } else {
        Err(checks)
    }
}

/// A quota percent as the board gives it: a decimal string from 0 to 100.
pub fn check_percent(field: &str, text: &str, checks: &mut Checks) -> Option<Decimal> {
    match crate::domain::campaigns::stored_decimal(text) {
        Some(p) if p >= Decimal::ZERO && p <= Decimal::ONE_HUNDRED => Some(p.normalize()),
        Some(_) => {
            checks.fail(field, ErrorCode::OutOfRange, "must be between 0 and 100");
            None
        }
        None => {
            checks.fail(field, ErrorCode::InvalidDecimal, "must be a decimal written as a string, e.g. \"15\"");
            None
        }
    }
}

/// One unit's standing against one quota of a round.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuotaStanding {
    /// How many of the unit's people hold, or are proposed for, the base title that year.
    pub base: u32,
    /// The most the quota allows: `percent` of `base`, rounded down.
    pub allowed: u32,
    /// Lines of the limited title still in the running (submitted up to decided, or drafts).
    pub used: u32,
    pub exceeded: bool,
}

/// The quota arithmetic (Decree 91/2017 counted CSTĐ cơ sở against at most 15 % of the unit's
/// LĐTT): `percent` of the base, rounded down, against the lines that use it.
pub fn quota_standing(base: u32, percent: Decimal, used: u32) -> QuotaStanding {
    let allowed = crate::domain::awards::quota(base, percent);
    QuotaStanding { base, allowed, used, exceeded: used > allowed }
}

/// The order a dossier's lines are judged in: by depth of award type, where a type comes after
/// the types of the round it needs in the same year (LĐTT before CSTĐ cơ sở), so a line can rest
/// on the same dossier's line for its prerequisite. `prerequisites` maps each type's code to the
/// codes it needs.
pub fn judging_depth(prerequisites: &HashMap<String, Vec<String>>) -> HashMap<String, u32> {
    fn depth(
        code: &str,
        prerequisites: &HashMap<String, Vec<String>>,
        seen: &mut Vec<String>,
        memo: &mut HashMap<String, u32>,
    ) -> u32 {
        if let Some(d) = memo.get(code) {
            return *d;
        }
        if seen.iter().any(|s| s == code) {
            return 0; // a cycle in the rules: judged as it comes
        }
        seen.push(code.to_string());
        let d = prerequisites
            .get(code)
            .into_iter()
            .flatten()
            .filter(|p| prerequisites.contains_key(*p))
            .map(|p| depth(p, prerequisites, seen, memo) + 1)
            .max()
            .unwrap_or(0);
        seen.pop();
        memo.insert(code.to_string(), d);
        d
    }
    let mut memo = HashMap::new();
    for code in prerequisites.keys() {
        depth(code, prerequisites, &mut Vec::new(), &mut memo);
    }
    memo
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotas_round_down_and_count_every_line_in_the_running() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        // 15 % of 20 LĐTT is 3 CSTĐ cơ sở: a fourth is over.
        assert_eq!(quota_standing(20, d("15"), 3), QuotaStanding { base: 20, allowed: 3, used: 3, exceeded: false });
        assert!(quota_standing(20, d("15"), 4).exceeded);
        // 15 % of 6 is 0.9: none allowed.
        assert_eq!(quota_standing(6, d("15"), 1).allowed, 0);
        assert!(quota_standing(0, d("15"), 0) == QuotaStanding { base: 0, allowed: 0, used: 0, exceeded: false });
    }

    #[test]
    fn prerequisites_of_the_round_are_judged_first() {
        let rules: HashMap<String, Vec<String>> = [
            ("LDTT".to_string(), vec![]),
            ("CSTD_CO_SO".to_string(), vec!["LDTT".to_string()]),
            ("CSTD_TINH".to_string(), vec!["CSTD_CO_SO".to_string()]),
            ("GIAY_KHEN".to_string(), vec!["NOT_IN_ROUND".to_string()]),
        ]
        .into();
        let depth = judging_depth(&rules);
        assert_eq!((depth["LDTT"], depth["CSTD_CO_SO"], depth["CSTD_TINH"], depth["GIAY_KHEN"]), (0, 1, 2, 0));
        let cycle: HashMap<String, Vec<String>> =
            [("A".to_string(), vec!["B".to_string()]), ("B".to_string(), vec!["A".to_string()])].into();
        assert_eq!(judging_depth(&cycle).len(), 2, "a cycle in the rules does not loop");
    }

    #[test]
    fn line_actions_are_the_nominations_own() {
        assert_eq!(LineAction::Accept.nomination_action(), NominationAction::Appraise);
        assert_eq!(LineAction::Return.nomination_action(), NominationAction::Return);
        assert_eq!(LineAction::Reject.nomination_action(), NominationAction::Reject);
        let mut checks = Checks::default();
        assert_eq!(check_percent("p", "15", &mut checks), Some(Decimal::from(15)));
        assert!(check_percent("p", "150", &mut checks).is_none() && check_percent("p", "x", &mut checks).is_none());
        assert_eq!(checks.0.len(), 2);
    }
}
