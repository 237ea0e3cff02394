//! The cluster's proposal for Cờ thi đua (issue 15): the members of an emulation cluster choose
//! the unit that led it — by a vote (each member names one other member) or by scoring each
//! other (each member gives every other member 0–100 points), as the flag's rules say — and the
//! board closes the count. The count, its ranking and the tie rule; no I/O.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::ids::UnitId;
use crate::domain::{check_text, Checks};
use crate::error::ErrorCode;

text_enum! {
    /// How a cluster's members choose the unit they propose.
    pub enum ProposalMethod {
        /// Each member names one other member; most votes leads.
        Vote = "vote" => "Bỏ phiếu bình chọn",
        /// Each member gives every other member 0–100 points; the highest total leads.
        MutualScoring = "mutual_scoring" => "Chấm điểm chéo",
    }
}

text_enum! {
    /// Open while the members cast their ballots; closed once the board has counted them.
    pub enum ProposalStatus {
        Open = "open" => "Đang bình chọn",
        Closed = "closed" => "Đã kết thúc",
    }
}

/// What a flag's rules say of its cluster proposal: how the members choose, and on what ground.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClusterProposalRule {
    #[schema(inline)]
    pub method: ProposalMethod,
    /// `method` as people read it (answers only; ignored on input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(read_only)]
    pub method_label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<String>,
    /// The legal wording (or the province's guidance) behind it is not confirmed.
    #[serde(default)]
    pub unconfirmed: bool,
}

impl ClusterProposalRule {
    /// With the method's label, for answers.
    pub fn labelled(self) -> ClusterProposalRule {
        ClusterProposalRule { method_label: Some(self.method.label_vi().to_string()), ..self }
    }
}

/// Checks a rule as sent; labels are dropped.
pub fn check_rule(field: &str, r: ClusterProposalRule, checks: &mut Checks) -> ClusterProposalRule {
    let legal_basis = r.legal_basis.map(|b| check_text(&format!("{field}.legal_basis"), &b, 2000, checks));
    ClusterProposalRule { legal_basis, method_label: None, ..r }
}

/// One member's ballot: the member it votes for, or the points it gives each other member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ballot {
    Vote(UnitId),
    Scores(Vec<(UnitId, u32)>),
}

/// The highest score a member gives another.
pub const MAX_POINTS: u32 = 100;

/// Checks a ballot of `voter` against the method and the cluster's members: a vote names one
/// other member; scores give every other member, once each, 0–100 points. A unit never votes
/// for, or scores, itself. Errors go to `checks` under `vote_for` / `scores`.
pub fn check_ballot(method: ProposalMethod, voter: UnitId, members: &[UnitId], ballot: &Ballot, checks: &mut Checks) {
    match (method, ballot) {
        (ProposalMethod::Vote, Ballot::Vote(choice)) => {
            if *choice == voter {
                checks.fail("vote_for", ErrorCode::InvalidChoice, "a unit does not vote for itself");
            } else if !members.contains(choice) {
                checks.fail("vote_for", ErrorCode::InvalidChoice, "not a member of the cluster");
            }
        }
        (ProposalMethod::MutualScoring, Ballot::Scores(scores)) => {
            let mut seen = Vec::with_capacity(scores.len());
            for (i, (unit, points)) in scores.iter().enumerate() {
                if *unit == voter || !members.contains(unit) {
                    checks.fail(
                        &format!("scores[{i}].unit_id"),
                        ErrorCode::InvalidChoice,
                        "score the other members of the cluster, not this unit",
                    );
                } else if seen.contains(unit) {
                    checks.fail(&format!("scores[{i}].unit_id"), ErrorCode::Duplicate, "a member is scored once");
                }
                if *points > MAX_POINTS {
                    checks.fail(&format!("scores[{i}].points"), ErrorCode::OutOfRange, "from 0 to 100 points");
                }
                seen.push(*unit);
            }
            let missing = members.iter().filter(|m| **m != voter && !seen.contains(m)).count();
            if missing > 0 {
                checks.fail("scores", ErrorCode::Required, format!("every other member is scored; {missing} are not"));
            }
        }
        (ProposalMethod::Vote, Ballot::Scores(_)) => {
            checks.fail("vote_for", ErrorCode::Required, "this cluster votes: name the member you vote for");
        }
        (ProposalMethod::MutualScoring, Ballot::Vote(_)) => {
            checks.fail("scores", ErrorCode::Required, "this cluster scores: give every other member its points");
        }
    }
}

/// A member's place in the count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RankedMember {
    #[schema(value_type = uuid::Uuid)]
    pub unit_id: UnitId,
    /// Votes received, or points received in all.
    pub points: u32,
    /// 1 for the most; members with equal points share a rank (1, 1, 3).
    pub rank: u32,
}

/// Counts the ballots: every member of the cluster ranked by what it received (members nobody
/// chose included, with 0), the most first; equal points share a rank; ties in order of id.
pub fn count(members: &[UnitId], ballots: &[Ballot]) -> Vec<RankedMember> {
    let mut points: HashMap<UnitId, u32> = members.iter().map(|m| (*m, 0)).collect();
    for ballot in ballots {
        match ballot {
            Ballot::Vote(choice) => {
                if let Some(p) = points.get_mut(choice) {
                    *p += 1;
                }
            }
            Ballot::Scores(scores) => {
                for (unit, given) in scores {
                    if let Some(p) = points.get_mut(unit) {
                        *p += given;
                    }
                }
            }
        }
    }
    let mut ranked: Vec<(UnitId, u32)> = points.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut out: Vec<RankedMember> = Vec::with_capacity(ranked.len());
    for (i, (unit_id, points)) in ranked.into_iter().enumerate() {
        let rank = match out.last() {
            Some(prev) if prev.points == points => prev.rank,
            _ => i as u32 + 1,
        };
        out.push(RankedMember { unit_id, points, rank });
    }
    out
}

/// The members that share first place.
pub fn leaders(ranking: &[RankedMember]) -> Vec<UnitId> {
    ranking.iter().filter(|s| s.rank == 1).map(|s| s.unit_id).collect()
}

/// Where a unit nominated for a flag stands in its clusters' proposals of the year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClusterStanding {
    /// A cluster of the unit proposed it.
    Proposed,
    /// The unit is in no cluster that year.
    NoCluster,
    /// The unit's cluster has not closed a count for the flag.
    NotCounted { cluster: String },
    /// The unit's cluster proposed another unit; this one ranked `rank`.
    ProposedAnother { cluster: String, proposed: String, rank: Option<u32> },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(n: u128) -> UnitId {
        UnitId::from(uuid::Uuid::from_u128(n))
    }

    #[test]
    fn votes_rank_the_members_and_ties_share_a_rank() {
        let members = [unit(1), unit(2), unit(3), unit(4)];
        let ballots = [
            Ballot::Vote(unit(2)),
            Ballot::Vote(unit(2)),
            Ballot::Vote(unit(3)),
            Ballot::Vote(unit(3)),
            Ballot::Vote(unit(1)),
        ];
        let ranking = count(&members, &ballots);
        let seen: Vec<(UnitId, u32, u32)> = ranking.iter().map(|s| (s.unit_id, s.points, s.rank)).collect();
        assert_eq!(seen, [(unit(2), 2, 1), (unit(3), 2, 1), (unit(1), 1, 3), (unit(4), 0, 4)]);
        assert_eq!(leaders(&ranking), [unit(2), unit(3)]);
    }

    #[test]
    fn scores_add_up_per_member() {
        let members = [unit(1), unit(2), unit(3)];
        let ballots = [
            Ballot::Scores(vec![(unit(2), 90), (unit(3), 70)]),
            Ballot::Scores(vec![(unit(1), 80), (unit(3), 75)]),
            Ballot::Scores(vec![(unit(1), 85), (unit(2), 95)]),
        ];
        let ranking = count(&members, &ballots);
        assert_eq!(ranking[0], RankedMember { unit_id: unit(2), points: 185, rank: 1 });
        assert_eq!(ranking[1], RankedMember { unit_id: unit(1), points: 165, rank: 2 });
        assert_eq!(ranking[2], RankedMember { unit_id: unit(3), points: 145, rank: 3 });
    }

    #[test]
    fn a_ballot_names_other_members_only_and_scores_each_once() {
        let members = [unit(1), unit(2), unit(3)];
        let fields = |method, ballot: Ballot| {
            let mut checks = Checks::default();
            check_ballot(method, unit(1), &members, &ballot, &mut checks);
            checks.0.into_iter().map(|e| (e.field, e.code)).collect::<Vec<_>>()
        };
        assert!(fields(ProposalMethod::Vote, Ballot::Vote(unit(2))).is_empty());
        assert_eq!(
            fields(ProposalMethod::Vote, Ballot::Vote(unit(1))),
            [("vote_for".into(), ErrorCode::InvalidChoice)]
        );
        assert_eq!(
            fields(ProposalMethod::Vote, Ballot::Vote(unit(9))),
            [("vote_for".into(), ErrorCode::InvalidChoice)]
        );
        assert_eq!(fields(ProposalMethod::Vote, Ballot::Scores(vec![])), [("vote_for".into(), ErrorCode::Required)]);
        assert!(fields(ProposalMethod::MutualScoring, Ballot::Scores(vec![(unit(2), 100), (unit(3), 0)])).is_empty());
        assert_eq!(
            fields(ProposalMethod::MutualScoring, Ballot::Scores(vec![(unit(2), 101), (unit(2), 5)])),
            [
                ("scores[0].points".into(), ErrorCode::OutOfRange),
                ("scores[1].unit_id".into(), ErrorCode::Duplicate),
                ("scores".into(), ErrorCode::Required)
            ]
        );
    }
}
