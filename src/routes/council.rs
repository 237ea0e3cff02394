//! Council sessions (`/council-sessions`): the board puts appraised nominations that need a
//! vote before the standing council in force (`/councils`), with a voting deadline; each member
//! casts one secret yes/no ballot per nomination; the session closes once every member has
//! voted or the deadline has passed, and its results — tallies of at least the minimum number
//! of ballots — decide the nominations.

use actix_web::http::header;
use actix_web::{get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::policy::{self, Role};
use crate::auth::AuthUser;
use crate::db;
use crate::db::journal::Scope;
use crate::domain::ids::{CouncilSessionId, NominationId};
use crate::domain::{check_text, Checks};
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::http::extract::JsonBody;
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::models::council::{self as model, SessionDetail};
use crate::models::councils as councils_model;
use crate::models::nominations as nominations_model;
use crate::openapi::errors::{CreateErrors, ReadErrors, WriteErrors};
use crate::routes::shared::nomination_response;
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes.service(create).service(read).unkeyed(ballot).unkeyed(list_ballot).service(close);
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    #[schema(example = "Phiên họp Hội đồng Thi đua – Khen thưởng tỉnh, quý IV")]
    pub title: String,
    /// The standing council whose members vote; its term must cover today.
    pub council_id: Uuid,
    /// Appraised nominations whose award needs a council vote.
    pub nomination_ids: Vec<Uuid>,
    /// When voting ends (within 90 days). Before it, the session closes only once every member
    /// has voted on every nomination.
    pub voting_deadline: chrono::DateTime<chrono::Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct VoteResult {
    pub yes: i32,
    pub no: i32,
}

#[derive(Serialize, ToSchema)]
pub struct AgendaItem {
    pub nomination_id: Uuid,
    /// How many members have voted — never how.
    pub votes_cast: i64,
    /// Whether the caller has voted on it.
    pub you_voted: bool,
    /// The tally; null until the session is closed, and null when fewer ballots than
    /// `min_ballots` were cast (then `result_withheld` is true and the nomination stays
    /// appraised, undecided).
    pub result: Option<VoteResult>,
    /// The session is closed but too few ballots were cast on this nomination to publish a
    /// tally without revealing a member's choice.
    pub result_withheld: bool,
}

#[derive(Serialize, ToSchema)]
pub struct SessionResponse {
    pub id: Uuid,
    pub title: String,
    /// `open` or `closed`.
    pub status: String,
    /// The standing council the members were taken from (null for sessions opened before
    /// standing councils existed).
    pub council_id: Option<Uuid>,
    /// The members, as taken from the council when the session opened.
    pub member_ids: Vec<Uuid>,
    pub items: Vec<AgendaItem>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339_opt")]
    pub voting_deadline: Option<chrono::DateTime<chrono::Utc>>,
    /// Fewer ballots on a nomination than this, and its tally is withheld.
    pub min_ballots: i32,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339_opt")]
    pub closed_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<SessionDetail> for SessionResponse {
    fn from(d: SessionDetail) -> SessionResponse {
        let closed = !d.session.is_open();
        SessionResponse {
            id: d.session.id.into(),
            title: d.session.title,
            status: d.session.status.as_str().to_string(),
            council_id: d.session.council_id.map(Uuid::from),
            voting_deadline: d.session.voting_deadline,
            min_ballots: d.session.min_ballots,
            member_ids: d.member_ids.into_iter().map(Uuid::from).collect(),
            items: d
                .items
                .into_iter()
                .map(|i| AgendaItem {
                    nomination_id: i.nomination_id.into(),
                    votes_cast: i.votes_cast,
                    you_voted: i.caller_voted,
                    result_withheld: closed && i.tally.is_none(),
                    result: i.tally.map(|(yes, no)| VoteResult { yes, no }),
                })
                .collect(),
            closed_at: d.session.closed_at,
        }
    }
}

/// Open a council session (admins; a unit's admin for its own unit's council, on its own
/// unit's nominations): the members are those of the standing council given, which must be in
/// its term.
#[utoipa::path(operation_id = "create_council_session", tag = "council", security(("bearer" = [])), request_body = SessionRequest,
    responses((status = 201, description = "Opened", body = SessionResponse), CreateErrors))]
#[post("/council-sessions")]
pub async fn create(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    body: JsonBody<SessionRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[Role::UnitAdmin])?;
    let body = body.0;
    let mut checks = Checks::default();
    let title = check_text("title", &body.title, 300, &mut checks);
    let voting_deadline = body.voting_deadline.naive_utc();
    crate::domain::council::check_deadline("voting_deadline", voting_deadline, db::now(), &mut checks);
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let mut nominations: Vec<NominationId> = body.nomination_ids.into_iter().map(NominationId::from).collect();
    nominations.sort();
    nominations.dedup();
    let actor = who.user_id;
    let new = model::NewSession {
        title,
        council_id: body.council_id.into(),
        nomination_ids: nominations,
        voting_deadline,
        min_ballots: state.settings.council_min_ballots,
    };
    let today = crate::domain::units::today_in_vietnam();
    let caller = who.0.clone();
    let body = db::write(&state.db, origin.by(&who), move |conn, journal| {
        if !caller.has(Role::Admin) {
            // A unit's admin: its own unit's council, on its own unit's nominations.
            policy::require_runs_level(&caller, Some(councils_model::find(conn, new.council_id)?.unit_id))?;
            // Its own unit's nominations, for awards its level grants (Law Art 80).
            let mut outside = Vec::new();
            let level = crate::models::decisions::level_of(conn, caller.unit_id)?;
            for (i, id) in new.nomination_ids.iter().enumerate() {
                let field = format!("nomination_ids[{i}]");
                let found = nominations_model::find_nomination(conn, *id).ok();
                // Another unit's nomination answers exactly as an unknown id: not the caller's to see.
                let Some(n) = found.filter(|n| Some(n.unit_id) == caller.unit_id) else {
                    outside.push(FieldError::new(field, ErrorCode::NotFound, "no nomination has this id"));
                    continue;
                };
                let round_level = crate::models::rounds::round_level_of_line(conn, n.id)?;
                if round_level.is_some_and(|level| level != caller.unit_id) {
                    outside.push(FieldError::new(
                        field,
                        ErrorCode::OutsideLevel,
                        "a line of another level's round: that level's council weighs it",
                    ));
                } else if !crate::models::decisions::grants(conn, level, &n)? {
                    outside.push(FieldError::new(
                        field,
                        ErrorCode::AuthorityMismatch,
                        "the unit's level does not grant it",
                    ));
                }
            }
            if !outside.is_empty() {
                return Err(ApiError::validation(outside));
            }
        }
        let id = model::create_session(conn, &new, actor, today)?;
        let created = SessionResponse::from(model::detail(conn, id, actor)?);
        journal.created("council_session", id, Scope::Admin, &created);
        Ok(created)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/council-sessions/{}", body.id)))
        .json(body))
}

/// A session with its agenda: turnout while open, the tallies once closed (admins and the
/// session's members; others get 404).
#[utoipa::path(operation_id = "get_council_session", tag = "council", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The session's id")),
    responses((status = 200, description = "The session", body = SessionResponse), ReadErrors))]
#[get("/council-sessions/{id}")]
pub async fn read(state: web::Data<AppState>, who: AuthUser, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let (id, caller, principal) = (CouncilSessionId::from(id.into_inner()), who.user_id, who.0.clone());
    let detail = db::run(&state.db, move |conn| {
        let detail = model::detail(conn, id, caller)?;
        if !detail.member_ids.contains(&caller)
            && !policy::runs_level(&principal, model::session_unit(conn, &detail.session)?)
        {
            return Err(model::session_not_found());
        }
        Ok(detail)
    })
    .await?;
    Ok(HttpResponse::Ok().json(SessionResponse::from(detail)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BallotRequest {
    pub nomination_id: Uuid,
    /// true for yes (đồng ý), false for no.
    pub approve: bool,
}

/// Cast a secret ballot (members of the session): once per nomination, final, only while the
/// session is open and before its deadline. What was chosen is kept apart from who chose: an
/// anonymous entry in the ballot box, counted only at the close.
#[utoipa::path(operation_id = "cast_ballot", tag = "council", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The session's id")),
    request_body = BallotRequest,
    responses((status = 204, description = "Counted"), WriteErrors))]
#[post("/council-sessions/{id}/ballots")]
pub async fn ballot(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    id: web::Path<Uuid>,
    body: JsonBody<BallotRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[Role::CouncilMember])?;
    let (id, member, nomination, approve) = (
        CouncilSessionId::from(id.into_inner()),
        who.user_id,
        NominationId::from(body.0.nomination_id),
        body.0.approve,
    );
    db::write(&state.db, origin.by(&who), move |conn, journal| {
        model::cast_ballot(conn, id, nomination, member, approve)?;
        // That a member voted, never how; no tally changes here, so neither this entry's time nor
        // its order says anything about the tally (counted only at the close). Audit only.
        journal.record("council_session", "ballot_cast", id, Scope::AuditOnly, None, None);
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListBallotRequest {
    /// The vote on the whole list: true for yes (đồng ý), false for no.
    pub approve: bool,
    /// Nominations of the session voted the other way.
    #[serde(default)]
    pub except: Vec<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct ListBallotResponse {
    /// Ballots cast now: one per nomination of the session the member had not voted on.
    pub ballots_cast: usize,
}

/// Vote by list (members of the session): `approve` on every nomination of the session not yet
/// voted on, the opposite on those in `except` — each a secret ballot as if cast one by one
/// (once, final, before the deadline). A round's lines are voted on this way as a list.
#[utoipa::path(operation_id = "cast_list_ballot", tag = "council", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The session's id")),
    request_body = ListBallotRequest,
    responses((status = 200, description = "Counted", body = ListBallotResponse), WriteErrors))]
#[post("/council-sessions/{id}/list-ballot")]
pub async fn list_ballot(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    id: web::Path<Uuid>,
    body: JsonBody<ListBallotRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[Role::CouncilMember])?;
    let (id, member, approve) = (CouncilSessionId::from(id.into_inner()), who.user_id, body.0.approve);
    let mut except: Vec<NominationId> = body.0.except.iter().copied().map(NominationId::from).collect();
    except.sort();
    except.dedup();
    let cast = db::write(&state.db, origin.by(&who), move |conn, journal| {
        let cast = model::cast_list_ballot(conn, id, member, approve, &except)?;
        // As for a single ballot: that the member voted, never how. Audit only.
        journal.record("council_session", "ballot_cast", id, Scope::AuditOnly, None, None);
        Ok(cast)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ListBallotResponse { ballots_cast: cast }))
}

/// Close a session (admins; a unit's admin its unit's council's) once every member has voted on every nomination or its deadline
/// has passed (`409 voting_in_progress` before). Tallies of at least `min_ballots` ballots are
/// revealed and decide each nomination against its award's threshold of the whole council;
/// smaller ones are withheld and their nominations stay appraised.
#[utoipa::path(operation_id = "close_council_session", tag = "council", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The session's id")),
    responses((status = 200, description = "Closed, with results", body = SessionResponse), WriteErrors))]
#[post("/council-sessions/{id}/close")]
pub async fn close(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[Role::UnitAdmin])?;
    let (id, actor, caller) = (CouncilSessionId::from(id.into_inner()), who.user_id, who.0.clone());
    let closed = db::write(&state.db, origin.by(&who), move |conn, journal| {
        model::lock_session_for_close(conn, id)?;
        let before = model::detail(conn, id, actor)?;
        if !policy::runs_level(&caller, model::session_unit(conn, &before.session)?) {
            // The session exists for the caller only if they sit on it.
            return Err(if before.member_ids.contains(&actor) {
                ApiError::forbidden()
            } else {
                model::session_not_found()
            });
        }
        let agenda: Vec<NominationId> = before.items.iter().map(|i| i.nomination_id).collect();
        let before = SessionResponse::from(before);
        nominations_model::lock_all(conn, &agenda)?;
        let decided_before = agenda
            .iter()
            .map(|n| Ok((*n, nomination_response(nominations_model::detail(conn, *n)?)?)))
            .collect::<Result<Vec<_>, ApiError>>()?;
        model::close_session(conn, id, actor)?;
        let after = SessionResponse::from(model::detail(conn, id, actor)?);
        // The results are public from now on, so the session is kept before and after.
        journal.changed("council_session", "closed", id, Scope::Admin, &before, &after);
        // The vote decides each nomination still appraised (approved or rejected).
        for (nomination_id, n_before) in decided_before {
            let n_after = nomination_response(nominations_model::detail(conn, nomination_id)?)?;
            if n_after.status != n_before.status {
                let scope = Scope::Unit(n_after.unit_id.into());
                journal.changed("nomination", n_after.status.as_str(), n_after.id, scope, &n_before, &n_after);
            }
        }
        Ok(after)
    })
    .await?;
    // The deleted ballots are overwritten in the database files (best effort: the close stands).
    if let Err(e) = db::run(&state.db, model::scrub_after_close).await {
        tracing::warn!(error = %e, "could not scrub the ballot box after closing a session");
    }
    Ok(HttpResponse::Ok().json(closed))
}
