//! The cluster's proposals for Cờ thi đua in SQL: opened by the board for a cluster and a flag,
//! ballots cast by the cluster's members (one per unit, kept only for the count), the count
//! stored when the board closes it, and what eligibility reads of it.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use crate::db::schema::{cluster_ballots, cluster_members, cluster_proposals, clusters, units};
use crate::db::sql_types::{NullableUtcTimestamp, UtcTimestamp};
use crate::db::{self, DbConn};
use crate::domain::cluster_votes::{
    check_ballot, count, leaders, Ballot, ClusterStanding, ProposalMethod, ProposalStatus, RankedMember,
};
use crate::domain::ids::{AwardTypeId, ClusterId, ClusterProposalId, UnitId, UserId};
use crate::domain::Checks;
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::models::awards::{find_award_type, version_on};
use crate::models::clusters::find_cluster;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = cluster_proposals)]
pub struct Proposal {
    pub id: ClusterProposalId,
    pub cluster_id: ClusterId,
    pub award_type_id: AwardTypeId,
    pub method: ProposalMethod,
    pub status: ProposalStatus,
    pub proposed_unit_id: Option<UnitId>,
    pub ranking: Option<String>,
    pub tie_break_reason: Option<String>,
    pub opened_by: UserId,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub opened_at: DateTime<Utc>,
    pub closed_by: Option<UserId>,
    #[diesel(deserialize_as = NullableUtcTimestamp)]
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i32,
}

impl Proposal {
    /// The count, once closed.
    pub fn ranking(&self) -> Result<Option<Vec<RankedMember>>, ApiError> {
        self.ranking.as_deref().map(serde_json::from_str).transpose().map_err(|e| {
            ApiError::internal(anyhow::anyhow!("cluster proposal {} has an unreadable ranking: {e}", self.id))
        })
    }
}

/// A proposal with the cluster's members and the members that have cast a ballot (not what).
pub struct ProposalDetail {
    pub proposal: Proposal,
    pub members: Vec<UnitId>,
    pub voted: Vec<UnitId>,
}

fn proposal_not_found() -> ApiError {
    ApiError::not_found("cluster proposal")
}

fn closed() -> ApiError {
    ApiError::conflict(ErrorCode::ProposalClosed, "the cluster's count is closed")
}

pub fn find(conn: &mut DbConn, id: ClusterProposalId) -> Result<ProposalDetail, ApiError> {
    let proposal = cluster_proposals::table
        .find(id)
        .select(Proposal::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(proposal_not_found)?;
    detail(conn, proposal)
}

fn detail(conn: &mut DbConn, proposal: Proposal) -> Result<ProposalDetail, ApiError> {
    let members = crate::models::clusters::cluster_members(conn, proposal.cluster_id)?;
    let voted = cluster_ballots::table
        .filter(cluster_ballots::proposal_id.eq(proposal.id))
        .order(cluster_ballots::voter_unit_id)
        .select(cluster_ballots::voter_unit_id)
        .load(conn)?;
    Ok(ProposalDetail { proposal, members, voted })
}

pub fn lock(conn: &mut DbConn, id: ClusterProposalId) -> Result<ProposalDetail, ApiError> {
    db::lock_row!(conn, cluster_proposals::table, id)?;
    find(conn, id)
}

/// A cluster's proposals, oldest first.
pub fn list_for_cluster(conn: &mut DbConn, cluster_id: ClusterId) -> Result<Vec<ProposalDetail>, ApiError> {
    find_cluster(conn, cluster_id)?;
    let found: Vec<Proposal> = cluster_proposals::table
        .filter(cluster_proposals::cluster_id.eq(cluster_id))
        .order(cluster_proposals::id)
        .select(Proposal::as_select())
        .load(conn)?;
    found.into_iter().map(|p| detail(conn, p)).collect()
}

/// Opens a cluster's count for a flag whose rules in force ask for one, by their method. One per
/// cluster and flag; the cluster needs two members or more.
pub fn open(
    conn: &mut DbConn,
    cluster_id: ClusterId,
    award_type_id: AwardTypeId,
    actor: UserId,
    today: NaiveDate,
) -> Result<ClusterProposalId, ApiError> {
    let (_, members) = find_cluster(conn, cluster_id)?;
    let rule = match find_award_type(conn, award_type_id) {
        Ok((_, versions)) => version_on(&versions, today)
            .map(crate::models::awards::AwardTypeVersion::cluster_proposal)
            .transpose()?
            .flatten(),
        Err(e) if e.status == actix_web::http::StatusCode::NOT_FOUND => {
            return Err(ApiError::validation(vec![FieldError::new(
                "award_type_id",
                ErrorCode::NotFound,
                "no award type has this id",
            )]))
        }
        Err(e) => return Err(e),
    };
    let Some(rule) = rule else {
        return Err(ApiError::validation(vec![FieldError::new(
            "award_type_id",
            ErrorCode::InvalidChoice,
            "the award's rules in force ask no proposal of a cluster",
        )]));
    };
    if members.len() < 2 {
        return Err(ApiError::validation(vec![FieldError::new(
            "cluster_id",
            ErrorCode::OutOfRange,
            "a cluster of fewer than two members has nobody to choose between",
        )]));
    }
    let taken: i64 = cluster_proposals::table
        .filter(cluster_proposals::cluster_id.eq(cluster_id))
        .filter(cluster_proposals::award_type_id.eq(award_type_id))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Err(ApiError::conflict(ErrorCode::Duplicate, "the cluster already has a proposal for this award"));
    }
    let id = ClusterProposalId::generate();
    diesel::insert_into(cluster_proposals::table)
        .values((
            cluster_proposals::id.eq(id),
            cluster_proposals::cluster_id.eq(cluster_id),
            cluster_proposals::award_type_id.eq(award_type_id),
            cluster_proposals::method.eq(rule.method),
            cluster_proposals::status.eq(ProposalStatus::Open),
            cluster_proposals::opened_by.eq(actor),
            cluster_proposals::opened_at.eq(db::now()),
            cluster_proposals::version.eq(1),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Records `voter`'s ballot (replacing the one it cast before), while the count is open. A unit
/// outside the cluster is refused (`403`).
pub fn cast(
    conn: &mut DbConn,
    id: ClusterProposalId,
    voter: UnitId,
    ballot: Ballot,
    actor: UserId,
) -> Result<ProposalDetail, ApiError> {
    let found = lock(conn, id)?;
    if !found.members.contains(&voter) {
        return Err(ApiError::forbidden());
    }
    if found.proposal.status != ProposalStatus::Open {
        return Err(closed());
    }
    let mut checks = Checks::default();
    check_ballot(found.proposal.method, voter, &found.members, &ballot, &mut checks);
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let choice = serde_json::to_string(&ballot).expect("a ballot serializes");
    diesel::delete(
        cluster_ballots::table
            .filter(cluster_ballots::proposal_id.eq(id))
            .filter(cluster_ballots::voter_unit_id.eq(voter)),
    )
    .execute(conn)?;
    diesel::insert_into(cluster_ballots::table)
        .values((
            cluster_ballots::proposal_id.eq(id),
            cluster_ballots::voter_unit_id.eq(voter),
            cluster_ballots::choice.eq(choice),
            cluster_ballots::cast_by.eq(actor),
            cluster_ballots::cast_at.eq(db::now()),
        ))
        .execute(conn)?;
    bump(conn, &found.proposal)?;
    find(conn, id)
}

fn bump(conn: &mut DbConn, p: &Proposal) -> Result<(), ApiError> {
    diesel::update(cluster_proposals::table.find(p.id))
        .set(cluster_proposals::version.eq(p.version + 1))
        .execute(conn)?;
    Ok(())
}

/// The board's tie-break: one of the members sharing first place, and why.
pub struct TieBreak {
    pub unit_id: UnitId,
    pub reason: String,
}

/// Counts the ballots and closes the count. With members sharing first place the board names
/// one of them and says why (`tie_break`); otherwise it sends none.
pub fn close(
    conn: &mut DbConn,
    id: ClusterProposalId,
    tie_break: Option<TieBreak>,
    expected_version: Option<i32>,
    actor: UserId,
) -> Result<ProposalDetail, ApiError> {
    let found = lock(conn, id)?;
    if expected_version.is_some_and(|v| v != found.proposal.version) {
        return Err(ApiError::precondition_failed());
    }
    if found.proposal.status != ProposalStatus::Open {
        return Err(closed());
    }
    let stored: Vec<String> = cluster_ballots::table
        .filter(cluster_ballots::proposal_id.eq(id))
        .select(cluster_ballots::choice)
        .load(conn)?;
    if stored.is_empty() {
        return Err(ApiError::conflict(ErrorCode::NoBallots, "no member has cast a ballot yet"));
    }
    let ballots = stored
        .iter()
        .map(|c| serde_json::from_str::<Ballot>(c))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ApiError::internal(anyhow::anyhow!("cluster proposal {id} has an unreadable ballot: {e}")))?;
    let ranking = count(&found.members, &ballots);
    let first = leaders(&ranking);
    let (proposed, reason) = match (first.as_slice(), tie_break) {
        ([only], None) => (*only, None),
        ([_], Some(_)) => {
            return Err(ApiError::validation(vec![FieldError::new(
                "tie_break_unit_id",
                ErrorCode::InvalidChoice,
                "one member leads the count: there is no tie to break",
            )]))
        }
        (tied, Some(t)) if tied.contains(&t.unit_id) => (t.unit_id, Some(t.reason)),
        (tied, _) => {
            let names: Vec<String> = tied.iter().map(ToString::to_string).collect();
            return Err(ApiError::validation(vec![FieldError::new(
                "tie_break_unit_id",
                ErrorCode::Required,
                format!("members share first place ({}): name one of them and say why", names.join(", ")),
            )]));
        }
    };
    diesel::update(cluster_proposals::table.find(id))
        .set((
            cluster_proposals::status.eq(ProposalStatus::Closed),
            cluster_proposals::proposed_unit_id.eq(Some(proposed)),
            cluster_proposals::ranking.eq(Some(serde_json::to_string(&ranking).expect("a ranking serializes"))),
            cluster_proposals::tie_break_reason.eq(reason),
            cluster_proposals::closed_by.eq(Some(actor)),
            cluster_proposals::closed_at.eq(Some(db::now())),
            cluster_proposals::version.eq(found.proposal.version + 1),
        ))
        .execute(conn)?;
    find(conn, id)
}

/// Where a unit stands in its clusters' proposals for a flag in `year`: proposed by one of them,
/// or why not.
pub fn standing_of(
    conn: &mut DbConn,
    unit: UnitId,
    year: i32,
    award_type_id: AwardTypeId,
) -> Result<ClusterStanding, ApiError> {
    let in_clusters: Vec<(ClusterId, String)> = cluster_members::table
        .inner_join(clusters::table.on(clusters::id.eq(cluster_members::cluster_id)))
        .filter(cluster_members::unit_id.eq(unit))
        .filter(clusters::year.eq(year))
        .order(clusters::id)
        .select((clusters::id, clusters::name))
        .load(conn)?;
    let Some((_, first_name)) = in_clusters.first().cloned() else { return Ok(ClusterStanding::NoCluster) };
    let mut other = None;
    for (cluster, name) in &in_clusters {
        let proposal: Option<Proposal> = cluster_proposals::table
            .filter(cluster_proposals::cluster_id.eq(cluster))
            .filter(cluster_proposals::award_type_id.eq(award_type_id))
            .filter(cluster_proposals::status.eq(ProposalStatus::Closed))
            .select(Proposal::as_select())
            .first(conn)
            .optional()?;
        let Some(p) = proposal else { continue };
        if p.proposed_unit_id == Some(unit) {
            return Ok(ClusterStanding::Proposed);
        }
        if other.is_none() {
            let rank = p.ranking()?.unwrap_or_default().iter().find(|s| s.unit_id == unit).map(|s| s.rank);
            let proposed_name = match p.proposed_unit_id {
                Some(u) => units::table.find(u).select(units::name).first::<String>(conn).optional()?,
                None => None,
            };
            other = Some(ClusterStanding::ProposedAnother {
                cluster: name.clone(),
                proposed: proposed_name.unwrap_or_default(),
                rank,
            });
        }
    }
    Ok(other.unwrap_or(ClusterStanding::NotCounted { cluster: first_name }))
}
