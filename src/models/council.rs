//! Council sessions and secret ballots in SQL. A ballot writes two rows that share nothing but
//! the session and nomination: "this member has voted" and "one more yes (or no)".

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::auth::policy::Role;
use crate::db::schema::{ballot_tallies, ballots_cast, council_items, council_members, council_sessions, users};
use crate::db::{self, DbConn};
use crate::domain::campaigns::stored_decimal;
use crate::domain::nominations::{vote_passes, NominationStatus};
use crate::error::{ApiError, FieldError};
use crate::models::nominations::{find_nomination, judged_version, record_council_result};

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = council_sessions)]
pub struct CouncilSession {
    pub id: String,
    pub title: String,
    pub status: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub closed_by: Option<String>,
    pub closed_at: Option<NaiveDateTime>,
}

impl CouncilSession {
    pub fn is_open(&self) -> bool {
        self.status == "open"
    }
}

pub struct ItemState {
    pub nomination_id: String,
    /// How many members have voted (not how).
    pub votes_cast: i64,
    pub caller_voted: bool,
    /// (yes, no), only once the session is closed.
    pub tally: Option<(i32, i32)>,
}

pub struct SessionDetail {
    pub session: CouncilSession,
    pub member_ids: Vec<String>,
    pub items: Vec<ItemState>,
}

pub const MIN_COUNCIL: usize = 3;

pub fn session_not_found() -> ApiError {
    ApiError::not_found("council session")
}

pub fn find_session(conn: &mut DbConn, id: &str) -> Result<CouncilSession, ApiError> {
    council_sessions::table.find(id).select(CouncilSession::as_select()).first(conn).optional()?.ok_or_else(session_not_found)
}

pub fn members(conn: &mut DbConn, id: &str) -> Result<Vec<String>, ApiError> {
    Ok(council_members::table.filter(council_members::session_id.eq(id)).select(council_members::user_id).order(council_members::user_id).load(conn)?)
}

pub fn detail(conn: &mut DbConn, id: &str, caller: &str) -> Result<SessionDetail, ApiError> {
    let session = find_session(conn, id)?;
    let member_ids = members(conn, id)?;
    let nomination_ids: Vec<String> =
        council_items::table.filter(council_items::session_id.eq(id)).select(council_items::nomination_id).order(council_items::nomination_id).load(conn)?;
    let mut items = Vec::with_capacity(nomination_ids.len());
    for nomination_id in nomination_ids {
        let votes_cast: i64 = ballots_cast::table
            .filter(ballots_cast::session_id.eq(id))
            .filter(ballots_cast::nomination_id.eq(&nomination_id))
            .count()
            .get_result(conn)?;
        let caller_voted = ballots_cast::table.find((id, &nomination_id, caller)).count().get_result::<i64>(conn)? > 0;
        let tally = if session.is_open() {
            None
        } else {
            ballot_tallies::table.find((id, &nomination_id)).select((ballot_tallies::yes_count, ballot_tallies::no_count)).first(conn).optional()?
        };
        items.push(ItemState { nomination_id, votes_cast, caller_voted, tally });
    }
    Ok(SessionDetail { session, member_ids, items })
}

/// Opens a session: its members (active council members) and the appraised nominations that
/// need a vote, none of them already before another open session.
pub fn create_session(conn: &mut DbConn, title: &str, member_ids: &[String], nomination_ids: &[String], actor: &str) -> Result<String, ApiError> {
    conn.write_tx(|conn| {
        let mut errors = Vec::new();
        for (i, member) in member_ids.iter().enumerate() {
            let found: Option<(String, bool)> = users::table.find(member).select((users::roles, users::active)).first(conn).optional()?;
            match found {
                Some((roles, true)) if Role::split(&roles).contains(&Role::CouncilMember) => {}
                _ => errors.push(FieldError::new(format!("member_ids[{i}]"), "not_a_council_member", "must be an active user with the council_member role")),
            }
        }
        for (i, nomination_id) in nomination_ids.iter().enumerate() {
            let field = format!("nomination_ids[{i}]");
            // One session at a time per nomination, also when two are opened at once.
            db::lock_for_transaction(conn, &format!("council:{nomination_id}"))?;
            let Ok(nomination) = find_nomination(conn, nomination_id) else {
                errors.push(FieldError::new(field, "not_found", "no nomination has this id"));
                continue;
            };
            if nomination.status() != NominationStatus::Appraised {
                errors.push(FieldError::new(field, "not_appraised", "only appraised nominations go to the council"));
            } else if !judged_version(conn, &nomination)?.is_some_and(|v| v.council_vote_required) {
                errors.push(FieldError::new(field, "no_vote_needed", "this award needs no council vote"));
            } else {
                let pending: i64 = council_items::table
                    .inner_join(council_sessions::table.on(council_sessions::id.eq(council_items::session_id)))
                    .filter(council_items::nomination_id.eq(nomination_id))
                    .filter(council_sessions::status.eq("open"))
                    .count()
                    .get_result(conn)?;
                if pending > 0 {
                    errors.push(FieldError::new(field, "already_scheduled", "the nomination is before another open session"));
                }
            }
        }
        if member_ids.len() < MIN_COUNCIL {
            // Fewer, and closing the session would reveal how each member voted.
            errors.push(FieldError::new("member_ids", "too_few", format!("a council has at least {MIN_COUNCIL} members")));
        }
        if nomination_ids.is_empty() {
            errors.push(FieldError::new("nomination_ids", "required", "a session votes on at least one nomination"));
        }
        if !errors.is_empty() {
            return Err(ApiError::validation(errors));
        }
        let id = db::new_id();
        diesel::insert_into(council_sessions::table)
            .values((
                council_sessions::id.eq(&id),
                council_sessions::title.eq(title),
                council_sessions::status.eq("open"),
                council_sessions::created_by.eq(actor),
                council_sessions::created_at.eq(db::now()),
            ))
            .execute(conn)?;
        for member in member_ids {
            diesel::insert_into(council_members::table).values((council_members::session_id.eq(&id), council_members::user_id.eq(member))).execute(conn)?;
        }
        for nomination_id in nomination_ids {
            diesel::insert_into(council_items::table).values((council_items::session_id.eq(&id), council_items::nomination_id.eq(nomination_id))).execute(conn)?;
            diesel::insert_into(ballot_tallies::table)
                .values((
                    ballot_tallies::session_id.eq(&id),
                    ballot_tallies::nomination_id.eq(nomination_id),
                    ballot_tallies::yes_count.eq(0),
                    ballot_tallies::no_count.eq(0),
                ))
                .execute(conn)?;
        }
        Ok(id)
    })
}

fn lock_session(conn: &mut DbConn, id: &str) -> Result<CouncilSession, ApiError> {
    if let DbConn::Postgres(pg) = conn {
        council_sessions::table.find(id).select(council_sessions::id).for_share().first::<String>(pg).optional()?;
    }
    find_session(conn, id)
}

/// One member's ballot on one nomination, once, while the session is open. The choice goes
/// only into the tally; the member only into the list of who has voted.
pub fn cast_ballot(conn: &mut DbConn, session_id: &str, nomination_id: &str, member: &str, yes: bool) -> Result<(), ApiError> {
    conn.write_tx(|conn| {
        let session = lock_session(conn, session_id)?;
        // Non-members learn nothing about the session, not even whether it is open.
        let is_member = council_members::table.find((session_id, member)).count().get_result::<i64>(conn)? > 0;
        if !is_member {
            return Err(session_not_found());
        }
        if !session.is_open() {
            return Err(ApiError::conflict("session_closed", "the session is closed; ballots are final"));
        }
        let on_agenda = council_items::table.find((session_id, nomination_id)).count().get_result::<i64>(conn)? > 0;
        if !on_agenda {
            return Err(ApiError::validation(vec![FieldError::new("nomination_id", "not_on_agenda", "the session does not vote on this nomination")]));
        }
        let inserted = conn.write_tx(|conn| {
            diesel::insert_into(ballots_cast::table)
                .values((ballots_cast::session_id.eq(session_id), ballots_cast::nomination_id.eq(nomination_id), ballots_cast::user_id.eq(member)))
                .execute(conn)
        });
        match inserted {
            Ok(_) => {}
            Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
                return Err(ApiError::conflict("already_voted", "you have voted on this nomination; a ballot cannot be changed"))
            }
            Err(e) => return Err(e.into()),
        }
        let tally = ballot_tallies::table.find((session_id, nomination_id));
        if yes {
            diesel::update(tally).set(ballot_tallies::yes_count.eq(ballot_tallies::yes_count + 1)).execute(conn)?;
        } else {
            diesel::update(tally).set(ballot_tallies::no_count.eq(ballot_tallies::no_count + 1)).execute(conn)?;
        }
        Ok(())
    })
}

/// Closes a session and applies each result: approved when the yes votes reach the award's
/// threshold of the whole council (and the quorum voted), rejected otherwise.
pub fn close_session(conn: &mut DbConn, id: &str, actor: &str) -> Result<(), ApiError> {
    conn.write_tx(|conn| {
        if let DbConn::Postgres(pg) = conn {
            council_sessions::table.find(id).select(council_sessions::id).for_update().first::<String>(pg).optional()?;
        }
        let session = find_session(conn, id)?;
        if !session.is_open() {
            return Err(ApiError::conflict("session_closed", "the session is closed already"));
        }
        let member_count = members(conn, id)?.len() as u32;
        let tallies: Vec<(String, i32, i32)> = ballot_tallies::table
            .filter(ballot_tallies::session_id.eq(id))
            .select((ballot_tallies::nomination_id, ballot_tallies::yes_count, ballot_tallies::no_count))
            .load(conn)?;
        for (nomination_id, yes, no) in tallies {
            let nomination = find_nomination(conn, &nomination_id)?;
            let version = judged_version(conn, &nomination)?;
            let threshold = version.as_ref().and_then(|v| v.approval_threshold_percent.as_deref()).and_then(stored_decimal).unwrap_or(rust_decimal::Decimal::ONE_HUNDRED);
            let quorum = version.as_ref().and_then(|v| v.quorum_percent.as_deref()).and_then(stored_decimal);
            let passed = vote_passes(yes as u32, no as u32, member_count, threshold, quorum);
            let reason = format!("Hội đồng bỏ phiếu: {yes} đồng ý, {no} không đồng ý, trên {member_count} thành viên (ngưỡng {threshold}%)");
            record_council_result(conn, &nomination_id, passed, actor, reason)?;
        }
        diesel::update(council_sessions::table.find(id))
            .set((council_sessions::status.eq("closed"), council_sessions::closed_by.eq(actor), council_sessions::closed_at.eq(db::now())))
            .execute(conn)?;
        Ok(())
    })
}
