//! Council sessions (`/council-sessions`): the board puts appraised nominations that need a
//! vote before a council; each member casts one secret yes/no ballot per nomination; results
//! appear only when the board closes the session, and decide the nominations.

use actix_web::http::header;
use actix_web::{get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::policy::{self, Role};
use crate::auth::AuthUser;
use crate::db;
use crate::domain::{check_text, Checks};
use crate::error::ApiError;
use crate::http::extract::{method_not_allowed, JsonBody};
use crate::http::origin::RequestOrigin;
use crate::models::council::{self as model, SessionDetail};
use crate::models::journal::Scope;
use crate::models::nominations as nominations_model;
use crate::openapi::errors::{CreateErrors, ReadErrors, WriteErrors};
use crate::routes::clusters::uuid;
use crate::routes::nominations::response as nomination_response;
use crate::startup::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create)
        .service(read)
        .service(ballot)
        .service(close)
        .route("/council-sessions", method_not_allowed("POST"))
        .route("/council-sessions/{id}", method_not_allowed("GET"))
        .route("/council-sessions/{id}/ballots", method_not_allowed("POST"))
        .route("/council-sessions/{id}/close", method_not_allowed("POST"));
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    #[schema(example = "Phiên họp Hội đồng Thi đua – Khen thưởng tỉnh, quý IV")]
    pub title: String,
    /// Users with the council_member role.
    pub member_ids: Vec<Uuid>,
    /// Appraised nominations whose award needs a council vote.
    pub nomination_ids: Vec<Uuid>,
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
    /// The tally; null until the session is closed.
    pub result: Option<VoteResult>,
}

#[derive(Serialize, ToSchema)]
pub struct SessionResponse {
    pub id: Uuid,
    pub title: String,
    /// `open` or `closed`.
    pub status: String,
    pub member_ids: Vec<Uuid>,
    pub items: Vec<AgendaItem>,
    pub closed_at: Option<chrono::DateTime<chrono::Utc>>,
}

fn response(d: SessionDetail) -> Result<SessionResponse, ApiError> {
    Ok(SessionResponse {
        id: uuid(&d.session.id)?,
        title: d.session.title,
        status: d.session.status,
        member_ids: d.member_ids.iter().map(|m| uuid(m)).collect::<Result<_, _>>()?,
        items: d
            .items
            .into_iter()
            .map(|i| {
                Ok(AgendaItem {
                    nomination_id: uuid(&i.nomination_id)?,
                    votes_cast: i.votes_cast,
                    you_voted: i.caller_voted,
                    result: i.tally.map(|(yes, no)| VoteResult { yes, no }),
                })
            })
            .collect::<Result<_, ApiError>>()?,
        closed_at: d.session.closed_at.map(|t| t.and_utc()),
    })
}

/// Open a council session (admins).
#[utoipa::path(operation_id = "create_council_session", tag = "council", security(("bearer" = [])), request_body = SessionRequest,
    responses((status = 201, description = "Opened", body = SessionResponse), CreateErrors))]
#[post("/council-sessions")]
pub async fn create(state: web::Data<AppState>, who: AuthUser, origin: RequestOrigin, body: JsonBody<SessionRequest>) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[])?;
    let body = body.0;
    let mut checks = Checks::default();
    let title = check_text("title", &body.title, 300, &mut checks);
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let mut members: Vec<String> = body.member_ids.iter().map(Uuid::to_string).collect();
    members.sort();
    members.dedup();
    let mut nominations: Vec<String> = body.nomination_ids.iter().map(Uuid::to_string).collect();
    nominations.sort();
    nominations.dedup();
    let actor = who.user_id.clone();
    let body = db::write(&state.db, origin.by(&who), move |conn, journal| {
        let id = model::create_session(conn, &title, &members, &nominations, &actor)?;
        let created = response(model::detail(conn, &id, &actor)?)?;
        journal.created("council_session", &id, Scope::Admin, &created);
        Ok(created)
    })
    .await?;
    Ok(HttpResponse::Created().insert_header((header::LOCATION, format!("/api/v1/council-sessions/{}", body.id))).json(body))
}

/// A session with its agenda: turnout while open, the tallies once closed (admins and the
/// session's members; others get 404).
#[utoipa::path(operation_id = "get_council_session", tag = "council", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The session's id")),
    responses((status = 200, description = "The session", body = SessionResponse), ReadErrors))]
#[get("/council-sessions/{id}")]
pub async fn read(state: web::Data<AppState>, who: AuthUser, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let (id, caller, admin) = (id.into_inner().to_string(), who.user_id.clone(), who.has(Role::Admin));
    let detail = db::run(&state.db, move |conn| {
        let detail = model::detail(conn, &id, &caller)?;
        if !admin && !detail.member_ids.contains(&caller) {
            return Err(model::session_not_found());
        }
        Ok(detail)
    })
    .await?;
    Ok(HttpResponse::Ok().json(response(detail)?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BallotRequest {
    pub nomination_id: Uuid,
    /// true for yes (đồng ý), false for no.
    pub approve: bool,
}

/// Cast a secret ballot (members of the session): once per nomination, final, only while the
/// session is open. What was chosen is kept apart from who chose.
#[utoipa::path(operation_id = "cast_ballot", tag = "council", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The session's id")),
    request_body = BallotRequest,
    responses((status = 204, description = "Counted"), WriteErrors))]
#[post("/council-sessions/{id}/ballots")]
pub async fn ballot(state: web::Data<AppState>, who: AuthUser, origin: RequestOrigin, id: web::Path<Uuid>, body: JsonBody<BallotRequest>) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[Role::CouncilMember])?;
    let (id, member, nomination, approve) = (id.into_inner().to_string(), who.user_id.clone(), body.0.nomination_id.to_string(), body.0.approve);
    db::write(&state.db, origin.by(&who), move |conn, journal| {
        model::cast_ballot(conn, &id, &nomination, &member, approve)?;
        // That a member voted, never how, nor the tallies: audit only, without values.
        journal.record("council_session", "ballot_cast", &id, Scope::AuditOnly, None, None);
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Close a session (admins): tallies are revealed and each nomination is approved or rejected
/// against its award's threshold of the whole council.
#[utoipa::path(operation_id = "close_council_session", tag = "council", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The session's id")),
    responses((status = 200, description = "Closed, with results", body = SessionResponse), WriteErrors))]
#[post("/council-sessions/{id}/close")]
pub async fn close(state: web::Data<AppState>, who: AuthUser, origin: RequestOrigin, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[])?;
    let (id, actor) = (id.into_inner().to_string(), who.user_id.clone());
    let closed = db::write(&state.db, origin.by(&who), move |conn, journal| {
        let before = response(model::detail(conn, &id, &actor)?)?;
        let agenda: Vec<String> = before.items.iter().map(|i| i.nomination_id.to_string()).collect();
        let decided_before = agenda.iter().map(|n| nomination_response(nominations_model::detail(conn, n)?)).collect::<Result<Vec<_>, ApiError>>()?;
        model::close_session(conn, &id, &actor)?;
        let after = response(model::detail(conn, &id, &actor)?)?;
        // The results are public from now on, so the session is kept before and after.
        journal.changed("council_session", "closed", &id, Scope::Admin, &before, &after);
        // The vote decides each nomination still appraised (approved or rejected).
        for n_before in decided_before {
            let n_after = nomination_response(nominations_model::detail(conn, &n_before.id.to_string())?)?;
            if n_after.status != n_before.status {
                let scope = Scope::Unit(n_after.unit_id.to_string());
                journal.changed("nomination", n_after.status.as_str(), n_after.id, scope, &n_before, &n_after);
            }
        }
        Ok(after)
    })
    .await?;
    Ok(HttpResponse::Ok().json(closed))
}
