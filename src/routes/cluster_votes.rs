//! The cluster's proposal for Cờ thi đua (suy tôn đơn vị dẫn đầu cụm): the board opens the count
//! for a cluster and a flag; each member unit's officer casts the unit's ballot (a vote for
//! another member, or points for every other member, as the flag's rules say); the board closes
//! the count and the cluster's proposal is the unit at its head. Ballots are secret: nobody reads
//! a unit's ballot, the answers show only which members have cast one and, once closed, the
//! count.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::policy::{self, Action, Resource};
use crate::auth::AuthUser;
use crate::db;
use crate::db::journal::Scope;
use crate::domain::cluster_votes::{Ballot, ProposalMethod, ProposalStatus, RankedMember};
use crate::domain::ids::{AwardTypeId, ClusterId, ClusterProposalId, UnitId};
use crate::domain::roles::Role;
use crate::domain::units::today_in_vietnam;
use crate::domain::{check_text, Checks};
use crate::error::{ApiError, ErrorCode};
use crate::http::extract::{etag, if_match_version, JsonBody};
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::models::cluster_votes::{self as model, ProposalDetail, TieBreak};
use crate::openapi::errors::{CreateErrors, ListErrors, ReadErrors, WriteErrors};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes.service(open).service(list).service(read).service(cast).service(close);
}

#[derive(Serialize, ToSchema)]
pub struct ClusterProposalResponse {
    pub id: Uuid,
    pub cluster_id: Uuid,
    /// The flag (Cờ thi đua) the cluster proposes a unit for.
    pub award_type_id: Uuid,
    /// How the members choose, from the flag's rules when the count opened.
    pub method: ProposalMethod,
    /// `method` as people read it (Vietnamese).
    pub method_label: &'static str,
    pub status: ProposalStatus,
    /// `status` as people read it (Vietnamese).
    pub status_label: &'static str,
    /// The cluster's members (who cast ballots, and who can be chosen).
    pub member_ids: Vec<Uuid>,
    /// The members that have cast a ballot — never what it says.
    pub voted_unit_ids: Vec<Uuid>,
    /// Once closed: the unit the cluster proposes.
    pub proposed_unit_id: Option<Uuid>,
    /// Once closed: every member with the votes or points it received, the most first.
    pub ranking: Option<Vec<RankedMember>>,
    /// Once closed on a tie: why the board named the unit it did.
    pub tie_break_reason: Option<String>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub opened_at: chrono::DateTime<chrono::Utc>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339_opt")]
    pub closed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub version: i32,
}

fn response(d: ProposalDetail) -> Result<ClusterProposalResponse, ApiError> {
    let p = &d.proposal;
    Ok(ClusterProposalResponse {
        id: p.id.into(),
        cluster_id: p.cluster_id.into(),
        award_type_id: p.award_type_id.into(),
        method: p.method,
        method_label: p.method.label_vi(),
        status: p.status,
        status_label: p.status.label_vi(),
        member_ids: d.members.iter().copied().map(Uuid::from).collect(),
        voted_unit_ids: d.voted.iter().copied().map(Uuid::from).collect(),
        proposed_unit_id: p.proposed_unit_id.map(Uuid::from),
        ranking: p.ranking()?,
        tie_break_reason: p.tie_break_reason.clone(),
        opened_at: p.opened_at,
        closed_at: p.closed_at,
        version: p.version,
    })
}

fn ok(body: ClusterProposalResponse, created: bool) -> HttpResponse {
    let mut res = if created { HttpResponse::Created() } else { HttpResponse::Ok() };
    if created {
        res.insert_header((header::LOCATION, format!("/api/v1/cluster-proposals/{}", body.id)));
    }
    res.insert_header(etag(body.version)).json(body)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenClusterProposalRequest {
    /// The flag: an award type whose rules in force carry `cluster_proposal`.
    pub award_type_id: Uuid,
}

/// Open the cluster's count for a flag (admins). The method is the flag's rules'; one count per
/// cluster and flag.
#[utoipa::path(operation_id = "open_cluster_proposal", tag = "clusters", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The cluster's id")),
    request_body = OpenClusterProposalRequest,
    responses((status = 201, description = "Opened; `Location` and `ETag` are set", body = ClusterProposalResponse), CreateErrors))]
#[post("/clusters/{id}/proposals")]
pub async fn open(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    id: web::Path<Uuid>,
    body: JsonBody<OpenClusterProposalRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, Action::Create, Resource::Registry)?;
    let cluster = ClusterId::from(id.into_inner());
    let award_type = AwardTypeId::from(body.0.award_type_id);
    let (actor, today) = (who.user_id, today_in_vietnam());
    let body = db::write(&state.db, origin.by(&who), move |conn, journal| {
        let id = model::open(conn, cluster, award_type, actor, today)?;
        let created = response(model::find(conn, id)?)?;
        journal.created("cluster_proposal", created.id, Scope::Registry, &created);
        Ok(created)
    })
    .await?;
    Ok(ok(body, true))
}

/// A cluster's counts, oldest first (everyone signed in).
#[utoipa::path(operation_id = "list_cluster_proposals", tag = "clusters", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The cluster's id")),
    responses((status = 200, description = "The cluster's counts", body = Vec<ClusterProposalResponse>), ListErrors))]
#[get("/clusters/{id}/proposals")]
pub async fn list(state: web::Data<AppState>, who: AuthUser, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, Action::Read, Resource::Registry)?;
    let cluster = ClusterId::from(id.into_inner());
    let found = db::run(&state.db, move |conn| model::list_for_cluster(conn, cluster)).await?;
    let items = found.into_iter().map(response).collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(items))
}

/// One count (everyone signed in).
#[utoipa::path(operation_id = "get_cluster_proposal", tag = "clusters", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The count's id")),
    responses((status = 200, description = "The count; `ETag` is set", body = ClusterProposalResponse), ReadErrors))]
#[get("/cluster-proposals/{id}")]
pub async fn read(state: web::Data<AppState>, who: AuthUser, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, Action::Read, Resource::Registry)?;
    let id = ClusterProposalId::from(id.into_inner());
    let found = db::run(&state.db, move |conn| model::find(conn, id)).await?;
    Ok(ok(response(found)?, false))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClusterScore {
    pub unit_id: Uuid,
    #[schema(minimum = 0, maximum = 100)]
    pub points: u32,
}

/// A unit's ballot: `vote_for` when the cluster votes, `scores` when it scores each other.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClusterBallotRequest {
    /// Required when the cluster votes (`method` `vote`): the member voted for (not the voter's
    /// own unit).
    pub vote_for: Option<Uuid>,
    /// Required when the cluster scores (`method` `mutual_scoring`): points (0–100) for every
    /// other member, once each.
    pub scores: Option<Vec<ClusterScore>>,
}

/// Cast the ballot of the caller's unit (its officers), while the count is open; cast again, it
/// replaces the unit's last. Only the cluster's members vote (another unit: `403`); nobody can
/// read a ballot back.
#[utoipa::path(operation_id = "cast_cluster_ballot", tag = "clusters", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The count's id")),
    request_body = ClusterBallotRequest,
    responses((status = 200, description = "Cast; the count as it stands (who has voted, not what)", body = ClusterProposalResponse), WriteErrors))]
#[post("/cluster-proposals/{id}/ballots")]
pub async fn cast(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    id: web::Path<Uuid>,
    body: JsonBody<ClusterBallotRequest>,
) -> Result<HttpResponse, ApiError> {
    // A unit's ballot, cast by its own officer: the board and other roles have none.
    let Some(voter) = who.unit_id.filter(|_| who.has(Role::UnitOfficer)) else {
        return Err(ApiError::forbidden());
    };
    let ballot = match (body.0.vote_for, body.0.scores) {
        (Some(unit), None) => Ballot::Vote(UnitId::from(unit)),
        (None, Some(scores)) => {
            Ballot::Scores(scores.into_iter().map(|s| (UnitId::from(s.unit_id), s.points)).collect())
        }
        _ => {
            let mut checks = Checks::default();
            checks.fail("vote_for", ErrorCode::Required, "send either vote_for or scores");
            return Err(ApiError::validation(checks.0));
        }
    };
    let id = ClusterProposalId::from(id.into_inner());
    let actor = who.user_id;
    let body = db::write(&state.db, origin.by(&who), move |conn, journal| {
        let after = response(model::cast(conn, id, voter, ballot, actor)?)?;
        // Who cast it, for the audit trail; what it says stays out of the journal.
        let cast = serde_json::json!({"voter_unit_id": Uuid::from(voter)});
        journal.record("cluster_proposal", "ballot_cast", id, Scope::AuditOnly, None, Some(cast));
        Ok(after)
    })
    .await?;
    Ok(ok(body, false))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct CloseClusterProposalRequest {
    /// Required on a tie (and only then): the member, among those sharing first place, the
    /// board names.
    pub tie_break_unit_id: Option<Uuid>,
    /// Required with `tie_break_unit_id`: why the board names that member.
    pub tie_break_reason: Option<String>,
}

/// Count the ballots and close (admins): the member at the head of the count is the cluster's
/// proposal. On a tie the board names one of the tied members and says why (`422` names them
/// otherwise). Send `If-Match` to close the count you read.
#[utoipa::path(operation_id = "close_cluster_proposal", tag = "clusters", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The count's id"), ("If-Match" = Option<String>, Header, description = "The `ETag` last read")),
    request_body = CloseClusterProposalRequest,
    responses((status = 200, description = "Closed, with the count and the unit proposed", body = ClusterProposalResponse), WriteErrors))]
#[post("/cluster-proposals/{id}/close")]
pub async fn close(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<CloseClusterProposalRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, Action::Update, Resource::Registry)?;
    let expected = if_match_version(&req)?;
    let mut checks = Checks::default();
    let tie_break = match (body.0.tie_break_unit_id, body.0.tie_break_reason) {
        (None, None) => None,
        (Some(unit), Some(reason)) if !reason.trim().is_empty() => {
            let reason = check_text("tie_break_reason", &reason, 2000, &mut checks);
            Some(TieBreak { unit_id: UnitId::from(unit), reason })
        }
        (Some(_), _) => {
            checks.fail("tie_break_reason", ErrorCode::Required, "say why the board names this member");
            None
        }
        (None, Some(_)) => {
            checks.fail("tie_break_unit_id", ErrorCode::Required, "a reason goes with the member it is for");
            None
        }
    };
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let id = ClusterProposalId::from(id.into_inner());
    let actor = who.user_id;
    let body = db::write(&state.db, origin.by(&who), move |conn, journal| {
        let before = response(model::lock(conn, id)?)?;
        let after = response(model::close(conn, id, tie_break, expected, actor)?)?;
        journal.changed("cluster_proposal", "closed", id, Scope::Registry, &before, &after);
        Ok(after)
    })
    .await?;
    Ok(ok(body, false))
}
