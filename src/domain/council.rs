//! Standing councils and their sessions: who sits, when voting ends, and when a tally may be
//! published without revealing one member's ballot (docs/awards.md, "Ballot secrecy").

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};

use crate::domain::Checks;
use crate::error::ErrorCode;

text_enum! {
    /// A seat on a council. Every seat votes.
    pub enum SeatRole {
        /// Chủ tịch Hội đồng.
        Chair = "chair" => "Chủ tịch Hội đồng",
        /// Phó Chủ tịch Hội đồng.
        ViceChair = "vice_chair" => "Phó Chủ tịch Hội đồng",
        /// Ủy viên Hội đồng.
        Member = "member" => "Ủy viên Hội đồng",
    }
}

text_enum! {
    /// Where a council session is: voting, or closed with its results applied.
    pub enum SessionStatus {
        /// Members vote.
        Open = "open" => "Đang bỏ phiếu",
        /// Closed: the results are applied.
        Closed = "closed" => "Đã kết thúc",
    }
}

/// Fewer seats, and a full turnout would still let a member's ballot be read off the tally.
pub const MIN_SEATS: usize = 3;
/// The floor of `THIDUA_COUNCIL_MIN_BALLOTS`: below three ballots, a tally shows a choice.
pub const MIN_BALLOTS_FLOOR: i32 = 3;
/// The longest a session may stay open for voting.
pub const MAX_VOTING_DAYS: i64 = 90;

/// Whether a council's term covers `day`.
pub fn in_force(term_start: NaiveDate, term_end: NaiveDate, day: NaiveDate) -> bool {
    term_start <= day && day <= term_end
}

/// A voting deadline given when a session opens: in the future and within `MAX_VOTING_DAYS`.
pub fn check_deadline(field: &str, deadline: NaiveDateTime, now: NaiveDateTime, checks: &mut Checks) {
    if deadline <= now {
        checks.fail(field, ErrorCode::InThePast, "must be in the future");
    } else if deadline > now + TimeDelta::days(MAX_VOTING_DAYS) {
        checks.fail(field, ErrorCode::TooFar, format!("must be within {MAX_VOTING_DAYS} days"));
    }
}

/// A session may close once every member has voted on every item, or once its deadline has
/// passed — never earlier, so that closing cannot be timed to catch a few ballots.
pub fn may_close(
    ballots_cast: i64,
    members: i64,
    items: i64,
    deadline: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> bool {
    ballots_cast >= members * items || deadline.is_some_and(|d| now >= d)
}

/// Whether voting is still open at `now`.
pub fn voting_open(deadline: Option<NaiveDateTime>, now: NaiveDateTime) -> bool {
    deadline.is_none_or(|d| now < d)
}

/// Whether an item's tally may be published: only with at least `min_ballots` ballots (a
/// tally of one or two ballots is those members' choices).
pub fn tally_published(ballots: i64, min_ballots: i32) -> bool {
    ballots >= i64::from(min_ballots.max(MIN_BALLOTS_FLOOR))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(h, 0, 0).unwrap()
    }

    #[test]
    fn a_session_closes_when_everyone_voted_or_after_its_deadline() {
        assert!(!may_close(1, 3, 1, Some(at(12)), at(10)), "one ballot of three, before the deadline");
        assert!(!may_close(5, 3, 2, Some(at(12)), at(10)), "one ballot missing");
        assert!(may_close(6, 3, 2, Some(at(12)), at(10)), "everyone voted on everything");
        assert!(may_close(1, 3, 1, Some(at(12)), at(12)), "the deadline passed");
        assert!(!may_close(0, 3, 1, None, at(12)), "no deadline: only a full turnout");
    }

    #[test]
    fn small_tallies_are_withheld() {
        assert!(!tally_published(1, 3));
        assert!(!tally_published(2, 3));
        assert!(tally_published(3, 3));
        assert!(!tally_published(2, 1), "the floor holds whatever the setting says");
        assert!(!tally_published(4, 5));
    }

    #[test]
    fn deadlines_are_in_the_future_and_near() {
        let mut checks = Checks::default();
        check_deadline("voting_deadline", at(9), at(10), &mut checks);
        check_deadline("voting_deadline", at(10) + TimeDelta::days(91), at(10), &mut checks);
        check_deadline("voting_deadline", at(11), at(10), &mut checks);
        let codes: Vec<&str> = checks.0.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["in_the_past", "too_far"]);
    }
}
