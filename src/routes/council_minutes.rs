//! The record of a council session (`/council-sessions/{id}/attendance`, `/minutes`): the
//! secretary records who attended and the absent members' written opinions; once the session
//! is closed its minutes name the members, the attendance and the result of each line.

use actix_web::{get, put, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::policy::{self, Principal, Role};
use crate::auth::AuthUser;
use crate::db::journal::Scope;
use crate::db::{self, DbConn};
use crate::domain::council::SeatRole;
use crate::domain::display::admin_date;
use crate::domain::ids::{CouncilSessionId, UserId};
use crate::domain::units::date_in_vietnam;
use crate::domain::{check_text_block, Checks};
use crate::error::ApiError;
use crate::http::extract::JsonBody;
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::models::council::{self as sessions, session_not_found};
use crate::models::council_minutes::{self as model, Attendance, Minutes};
use crate::openapi::errors::{ReadErrors, WriteErrors};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes.service(record_attendance).service(read_minutes);
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceEntry {
    pub user_id: Uuid,
    pub present: bool,
    /// An absent member's written opinion (ý kiến bằng văn bản); not for a member present.
    pub written_opinion: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceRequest {
    /// Members of the session, each once; the record replaces the one before.
    pub members: Vec<AttendanceEntry>,
}

#[derive(Serialize, ToSchema)]
pub struct MinutesMemberResponse {
    pub user_id: Uuid,
    pub full_name: String,
    /// The seat on the standing council: `chair`, `vice_chair` or `member`.
    pub seat: Option<SeatRole>,
    /// `seat` as people read it (Vietnamese).
    pub seat_label: Option<&'static str>,
    /// `null` until the attendance is recorded.
    pub present: Option<bool>,
    pub written_opinion: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MinutesLineResponse {
    pub nomination_id: Uuid,
    #[schema(example = "Hoàng Thị Mai")]
    pub nominee: String,
    pub unit_name: String,
    pub award_name: String,
    pub yes: Option<i32>,
    pub no: Option<i32>,
    /// `passed`, `failed`, or `withheld` (too few ballots to publish a tally, or a session
    /// closed before results were kept).
    #[schema(example = "passed")]
    pub result: &'static str,
    /// `result` as people read it (Vietnamese).
    #[schema(example = "Đạt")]
    pub result_label: &'static str,
}

/// The minutes of a closed session (biên bản họp Hội đồng).
#[derive(Serialize, ToSchema)]
pub struct MinutesResponse {
    pub session_id: Uuid,
    pub title: String,
    pub council_id: Option<Uuid>,
    pub council_name: Option<String>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339_opt")]
    pub closed_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The day it closed, as people read it.
    #[schema(example = "ngày 07 tháng 02 năm 2025")]
    pub closed_on_text: Option<String>,
    /// The chair first, then vice-chairs and members.
    pub members: Vec<MinutesMemberResponse>,
    pub present_count: usize,
    pub absent_count: usize,
    /// When the attendance was last recorded (`null`: not yet).
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339_opt")]
    pub attendance_recorded_at: Option<chrono::DateTime<chrono::Utc>>,
    pub lines: Vec<MinutesLineResponse>,
}

impl From<Minutes> for MinutesResponse {
    fn from(m: Minutes) -> MinutesResponse {
        let count = |present: bool| m.members.iter().filter(|x| x.present == Some(present)).count();
        let (present_count, absent_count) = (count(true), count(false));
        MinutesResponse {
            session_id: m.session.id.into(),
            title: m.session.title,
            council_id: m.session.council_id.map(Uuid::from),
            council_name: m.council_name,
            closed_on_text: m.session.closed_at.map(|at| admin_date(date_in_vietnam(at))),
            closed_at: m.session.closed_at,
            present_count,
            absent_count,
            attendance_recorded_at: m.recorded_at,
            members: m
                .members
                .into_iter()
                .map(|x| MinutesMemberResponse {
                    user_id: x.user_id.into(),
                    full_name: x.full_name,
                    seat_label: x.seat.map(SeatRole::label_vi),
                    seat: x.seat,
                    present: x.present,
                    written_opinion: x.written_opinion,
                })
                .collect(),
            lines: m
                .lines
                .into_iter()
                .map(|l| {
                    let (result, result_label) = match l.passed {
                        Some(true) => ("passed", "Đạt"),
                        Some(false) => ("failed", "Không đạt"),
                        None => ("withheld", "Không công bố kết quả"),
                    };
                    MinutesLineResponse {
                        nomination_id: l.nomination_id.into(),
                        nominee: l.nominee,
                        unit_name: l.unit_name,
                        award_name: l.award_name,
                        yes: l.tally.map(|(yes, _)| yes),
                        no: l.tally.map(|(_, no)| no),
                        result,
                        result_label,
                    }
                })
                .collect(),
        }
    }
}

/// The session, if `who` runs its level (403 when they sit on it, 404 otherwise).
fn runs_session(conn: &mut DbConn, who: &Principal, id: CouncilSessionId) -> Result<(), ApiError> {
    let session = sessions::find_session(conn, id)?;
    if policy::runs_level(who, sessions::session_unit(conn, &session)?) {
        Ok(())
    } else if sessions::members(conn, id)?.contains(&who.user_id) {
        Err(ApiError::forbidden())
    } else {
        Err(session_not_found())
    }
}

/// Record who attended a session and the absent members' written opinions (who runs the
/// council's level: the board; a unit's admin for its unit's council), while it is open: each
/// record replaces the one before, and the close fixes it in the minutes (`409 session_closed`
/// after).
#[utoipa::path(operation_id = "record_council_attendance", tag = "council", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The session's id")),
    request_body = AttendanceRequest,
    responses((status = 204, description = "Recorded"), WriteErrors))]
#[put("/council-sessions/{id}/attendance")]
pub async fn record_attendance(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    id: web::Path<Uuid>,
    body: JsonBody<AttendanceRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[Role::UnitAdmin])?;
    let mut checks = Checks::default();
    let entries: Vec<Attendance> = body
        .0
        .members
        .into_iter()
        .enumerate()
        .map(|(i, m)| Attendance {
            user_id: UserId::from(m.user_id),
            present: m.present,
            written_opinion: m
                .written_opinion
                .filter(|o| !o.trim().is_empty())
                .map(|o| check_text_block(&format!("members[{i}].written_opinion"), &o, 20_000, &mut checks)),
        })
        .collect();
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let (id, actor, caller) = (CouncilSessionId::from(id.into_inner()), who.user_id, who.0.clone());
    db::write(&state.db, origin.by(&who), move |conn, journal| {
        runs_session(conn, &caller, id)?;
        let present: Vec<Uuid> = entries.iter().filter(|e| e.present).map(|e| e.user_id.into()).collect();
        let absent: Vec<Uuid> = entries.iter().filter(|e| !e.present).map(|e| e.user_id.into()).collect();
        model::record_attendance(conn, id, entries, actor)?;
        // Who came is the board's business; the opinions stay in the minutes.
        let after = serde_json::json!({"present": present, "absent": absent});
        journal.record("council_session", "attendance_recorded", id, Scope::Admin, None, Some(after));
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The minutes of a closed session: its members (chair first) with their attendance and
/// written opinions, and each line's nominee, award, tally and result (who runs the council's
/// level and the session's members; others 404; `409 voting_in_progress` while it is open).
#[utoipa::path(operation_id = "get_council_minutes", tag = "council", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The session's id")),
    responses((status = 200, description = "The minutes", body = MinutesResponse), ReadErrors,
        (status = 409, description = "The session is still open", body = crate::error::Problem, content_type = "application/problem+json")))]
#[get("/council-sessions/{id}/minutes")]
pub async fn read_minutes(
    state: web::Data<AppState>,
    who: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (CouncilSessionId::from(id.into_inner()), who.0.clone());
    let minutes = db::run(&state.db, move |conn| {
        let session = sessions::find_session(conn, id)?;
        let sits_on_it = sessions::members(conn, id)?.contains(&caller.user_id);
        if !sits_on_it && !policy::runs_level(&caller, sessions::session_unit(conn, &session)?) {
            return Err(session_not_found());
        }
        model::minutes(conn, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(MinutesResponse::from(minutes)))
}
