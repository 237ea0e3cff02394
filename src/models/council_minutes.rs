//! The record of a council session (biên bản họp Hội đồng) in SQL: who attended, the written
//! opinions of those absent, and the result of each line once the session closed.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::{
    award_types, ballot_tallies, council_attendance, council_items, council_seats, councils, nominations, people,
    units, users,
};
use crate::db::sql_types::UtcTimestamp;
use crate::db::{self, DbConn};
use crate::domain::council::SeatRole;
use crate::domain::ids::{CouncilSessionId, NominationId, UserId};
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::models::council::{find_session, members, CouncilSession};

/// One member's attendance as the secretary records it.
pub struct Attendance {
    pub user_id: UserId,
    pub present: bool,
    /// Only for an absent member.
    pub written_opinion: Option<String>,
}

/// A member of the session as the minutes name them.
pub struct MinutesMember {
    pub user_id: UserId,
    pub full_name: String,
    /// Their seat on the standing council (none for sessions from before standing councils).
    pub seat: Option<SeatRole>,
    /// Not recorded yet: `None`.
    pub present: Option<bool>,
    pub written_opinion: Option<String>,
}

/// One line the council voted on, with its result.
pub struct MinutesLine {
    pub nomination_id: NominationId,
    pub nominee: String,
    pub unit_name: String,
    pub award_name: String,
    /// `None`: withheld (fewer ballots than the minimum).
    pub tally: Option<(i32, i32)>,
    /// `None`: withheld, or closed before results were kept with the tally.
    pub passed: Option<bool>,
}

pub struct Minutes {
    pub session: CouncilSession,
    pub council_name: Option<String>,
    pub members: Vec<MinutesMember>,
    pub lines: Vec<MinutesLine>,
    pub recorded_at: Option<DateTime<Utc>>,
}

/// Replaces the attendance record of an open session: every entry names a member of the
/// session, once; only an absent member has a written opinion.
pub fn record_attendance(
    conn: &mut DbConn,
    id: CouncilSessionId,
    entries: Vec<Attendance>,
    actor: UserId,
) -> Result<(), ApiError> {
    // The record is drawn up by the close; then it is the minutes, and stays as it is.
    if !find_session(conn, id)?.is_open() {
        return Err(ApiError::conflict(ErrorCode::SessionClosed, "the session is closed: its minutes stand"));
    }
    let member_ids = members(conn, id)?;
    let mut errors = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        if !member_ids.contains(&entry.user_id) {
            errors.push(FieldError::new(
                format!("members[{i}].user_id"),
                ErrorCode::NotInSession,
                "not a member of this session",
            ));
        } else if entries[..i].iter().any(|e| e.user_id == entry.user_id) {
            errors.push(FieldError::new(format!("members[{i}].user_id"), ErrorCode::Duplicate, "listed twice"));
        }
        if entry.present && entry.written_opinion.is_some() {
            errors.push(FieldError::new(
                format!("members[{i}].written_opinion"),
                ErrorCode::NotAllowed,
                "a member present speaks at the session; written opinions are the absent members'",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    diesel::delete(council_attendance::table.filter(council_attendance::session_id.eq(id))).execute(conn)?;
    let now = db::now();
    for entry in entries {
        diesel::insert_into(council_attendance::table)
            .values((
                council_attendance::session_id.eq(id),
                council_attendance::user_id.eq(entry.user_id),
                council_attendance::present.eq(entry.present),
                council_attendance::written_opinion.eq(entry.written_opinion),
                council_attendance::recorded_by.eq(actor),
                council_attendance::recorded_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

type AttendanceRow = (UserId, bool, Option<String>, UtcTimestamp);

/// The minutes of a closed session (`409 voting_in_progress` while it is open: results come at
/// the close).
pub fn minutes(conn: &mut DbConn, id: CouncilSessionId) -> Result<Minutes, ApiError> {
    let session = find_session(conn, id)?;
    if session.is_open() {
        return Err(ApiError::conflict(
            ErrorCode::VotingInProgress,
            "the minutes are drawn up once the session is closed",
        ));
    }
    let council_name = match session.council_id {
        Some(council) => Some(councils::table.find(council).select(councils::name).first::<String>(conn)?),
        None => None,
    };
    let seats: HashMap<UserId, SeatRole> = match session.council_id {
        Some(council) => council_seats::table
            .filter(council_seats::council_id.eq(council))
            .select((council_seats::user_id, council_seats::role))
            .load::<(UserId, SeatRole)>(conn)?
            .into_iter()
            .collect(),
        None => HashMap::new(),
    };
    let attendance: Vec<AttendanceRow> = council_attendance::table
        .filter(council_attendance::session_id.eq(id))
        .select((
            council_attendance::user_id,
            council_attendance::present,
            council_attendance::written_opinion,
            council_attendance::recorded_at,
        ))
        .load(conn)?;
    let recorded_at = attendance.iter().map(|(.., at)| DateTime::<Utc>::from(*at)).max();
    let mut attendance: HashMap<UserId, (bool, Option<String>)> =
        attendance.into_iter().map(|(user, present, opinion, _)| (user, (present, opinion))).collect();
    let member_ids = members(conn, id)?;
    let names: HashMap<UserId, String> = users::table
        .filter(db::one_of(users::id, &member_ids))
        .select((users::id, users::full_name))
        .load::<(UserId, String)>(conn)?
        .into_iter()
        .collect();
    let mut members: Vec<MinutesMember> = member_ids
        .into_iter()
        .map(|user_id| {
            let (present, written_opinion) = attendance.remove(&user_id).map_or((None, None), |(p, o)| (Some(p), o));
            MinutesMember {
                full_name: names.get(&user_id).cloned().unwrap_or_default(),
                seat: seats.get(&user_id).copied(),
                user_id,
                present,
                written_opinion,
            }
        })
        .collect();
    // The chair first, then vice-chairs, then members, each by name.
    members.sort_by(|a, b| {
        let rank = |m: &MinutesMember| m.seat.map_or(usize::MAX, SeatRole::position);
        rank(a).cmp(&rank(b)).then_with(|| a.full_name.cmp(&b.full_name))
    });
    type LineRow = (NominationId, Option<String>, Option<String>, String, String, Option<(i32, i32, Option<bool>)>);
    let rows: Vec<LineRow> = council_items::table
        .filter(council_items::session_id.eq(id))
        .inner_join(nominations::table.on(nominations::id.eq(council_items::nomination_id)))
        .left_join(people::table.on(people::id.nullable().eq(nominations::person_id)))
        .inner_join(units::table.on(units::id.eq(nominations::unit_id)))
        .inner_join(award_types::table.on(award_types::id.eq(nominations::award_type_id)))
        .left_join(
            ballot_tallies::table.on(ballot_tallies::session_id
                .eq(council_items::session_id)
                .and(ballot_tallies::nomination_id.eq(council_items::nomination_id))),
        )
        .select((
            nominations::id,
            people::full_name.nullable(),
            nominations::household_name,
            units::name,
            award_types::name,
            (ballot_tallies::yes_count, ballot_tallies::no_count, ballot_tallies::passed).nullable(),
        ))
        .order(nominations::id)
        .load(conn)?;
    let lines = rows
        .into_iter()
        .map(|(nomination_id, person, household, unit_name, award_name, tally)| MinutesLine {
            nomination_id,
            // A collective's line names the unit itself.
            nominee: person.or(household).unwrap_or_else(|| unit_name.clone()),
            unit_name,
            award_name,
            tally: tally.map(|(yes, no, _)| (yes, no)),
            passed: tally.and_then(|(.., passed)| passed),
        })
        .collect();
    Ok(Minutes { session, council_name, members, lines, recorded_at })
}
