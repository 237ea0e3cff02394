//! Council sessions and secret ballots in SQL. A ballot writes two rows that share nothing but
//! the session and nomination: "this member has voted" (`ballots_cast`) and an anonymous choice
//! in the ballot box (`ballot_box`: a random key, no member, no time). The box is counted and
//! emptied when the session closes; only tallies of at least `min_ballots` ballots are kept.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::{ballot_box, ballot_tallies, ballots_cast, council_items, council_members, council_sessions};
use crate::db::sql_types::{NullableUtcTimestamp, UtcTimestamp};
use crate::db::{self, DbConn};
use crate::domain::awards::PostingStage;
use crate::domain::campaigns::stored_decimal;
use crate::domain::council::SessionStatus;
use crate::domain::ids::{CouncilId, CouncilSessionId, NominationId, UnitId, UserId};
use crate::domain::nominations::{vote_passes, NominationStatus};
use crate::error::{ApiError, Arg, ErrorCode, FieldError};
use crate::models::nominations::{find_nomination, judged_version, record_council_result};

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = council_sessions)]
pub struct CouncilSession {
    pub id: CouncilSessionId,
    pub title: String,
    pub status: SessionStatus,
    pub created_by: UserId,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
    pub closed_by: Option<UserId>,
    #[diesel(deserialize_as = NullableUtcTimestamp)]
    pub closed_at: Option<DateTime<Utc>>,
    pub council_id: Option<CouncilId>,
    #[diesel(deserialize_as = NullableUtcTimestamp)]
    pub voting_deadline: Option<DateTime<Utc>>,
    pub min_ballots: i32,
}

impl CouncilSession {
    pub fn is_open(&self) -> bool {
        self.status == SessionStatus::Open
    }
}

pub struct ItemState {
    pub nomination_id: NominationId,
    /// How many members have voted (not how).
    pub votes_cast: i64,
    pub caller_voted: bool,
    /// (yes, no), only once the session is closed, and only with at least `min_ballots` ballots.
    pub tally: Option<(i32, i32)>,
}

pub struct SessionDetail {
    pub session: CouncilSession,
    pub member_ids: Vec<UserId>,
    pub items: Vec<ItemState>,
}

/// The unit whose council holds the session (`None` for a session of no standing council,
/// from before councils were standing: the board's).
pub fn session_unit(conn: &mut DbConn, session: &CouncilSession) -> Result<Option<UnitId>, ApiError> {
    match session.council_id {
        Some(council) => Ok(Some(crate::models::councils::find(conn, council)?.unit_id)),
        None => Ok(None),
    }
}

pub fn session_not_found() -> ApiError {
    ApiError::not_found("council session")
}

pub fn find_session(conn: &mut DbConn, id: CouncilSessionId) -> Result<CouncilSession, ApiError> {
    council_sessions::table
        .find(id)
        .select(CouncilSession::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(session_not_found)
}

pub fn members(conn: &mut DbConn, id: CouncilSessionId) -> Result<Vec<UserId>, ApiError> {
    Ok(council_members::table
        .filter(council_members::session_id.eq(id))
        .select(council_members::user_id)
        .order(council_members::user_id)
        .load(conn)?)
}

pub fn detail(conn: &mut DbConn, id: CouncilSessionId, caller: UserId) -> Result<SessionDetail, ApiError> {
    let session = find_session(conn, id)?;
    let member_ids = members(conn, id)?;
    let nomination_ids: Vec<NominationId> = council_items::table
        .filter(council_items::session_id.eq(id))
        .select(council_items::nomination_id)
        .order(council_items::nomination_id)
        .load(conn)?;
    let mut items = Vec::with_capacity(nomination_ids.len());
    for nomination_id in nomination_ids {
        let votes_cast: i64 = ballots_cast::table
            .filter(ballots_cast::session_id.eq(id))
            .filter(ballots_cast::nomination_id.eq(nomination_id))
            .count()
            .get_result(conn)?;
        let caller_voted = ballots_cast::table.find((id, nomination_id, caller)).count().get_result::<i64>(conn)? > 0;
        let tally = if session.is_open() {
            None
        } else {
            ballot_tallies::table
                .find((id, nomination_id))
                .select((ballot_tallies::yes_count, ballot_tallies::no_count))
                .first(conn)
                .optional()?
        };
        items.push(ItemState { nomination_id, votes_cast, caller_voted, tally });
    }
    Ok(SessionDetail { session, member_ids, items })
}

/// What a session is opened with.
pub struct NewSession {
    pub title: String,
    pub council_id: CouncilId,
    pub nomination_ids: Vec<NominationId>,
    pub voting_deadline: NaiveDateTime,
    pub min_ballots: i32,
}

/// Opens a session: its members are those of the council in force today; its items the
/// appraised nominations that need a vote, none of them already before another open session.
pub fn create_session(
    conn: &mut DbConn,
    new: &NewSession,
    actor: UserId,
    today: chrono::NaiveDate,
) -> Result<CouncilSessionId, ApiError> {
    let mut errors = Vec::new();
    let member_ids = match crate::models::councils::members_in_force(conn, new.council_id, today)? {
        Ok(members) => members,
        Err(error) => {
            errors.push(error);
            Vec::new()
        }
    };
    // One session at a time per nomination, also when two are opened at once; taken in id
    // order, so two openings naming the same nominations in different orders do not deadlock.
    let mut in_order = new.nomination_ids.clone();
    in_order.sort();
    in_order.dedup();
    for nomination_id in &in_order {
        db::lock_for_transaction(conn, &format!("council:{nomination_id}"))?;
    }
    for (i, nomination_id) in new.nomination_ids.iter().enumerate() {
        let field = format!("nomination_ids[{i}]");
        let Ok(nomination) = find_nomination(conn, *nomination_id) else {
            errors.push(FieldError::new(field, ErrorCode::NotFound, "no nomination has this id"));
            continue;
        };
        let rules = judged_version(conn, &nomination)?;
        // Posted before the council meets, where the rules say so (Decree 98/2023 Art 46.2):
        // then the posting is over and the public's comments answered before the vote.
        let before_council = rules.as_ref().is_some_and(|v| v.posting_stage == PostingStage::BeforeCouncil);
        let ready = if before_council { NominationStatus::Posted } else { NominationStatus::Appraised };
        if !matches!(nomination.status, NominationStatus::Appraised | NominationStatus::Posted) {
            errors.push(FieldError::new(
                field,
                ErrorCode::NotAppraised,
                "only appraised nominations go to the council",
            ));
        } else if !rules.as_ref().is_some_and(|v| v.council_vote_required) {
            errors.push(FieldError::new(field, ErrorCode::NoVoteNeeded, "this award needs no council vote"));
        } else if before_council && nomination.status == NominationStatus::Appraised {
            errors.push(FieldError::new(
                field,
                ErrorCode::NotPosted,
                "its rules post it for the public's comments before the council meets",
            ));
        } else if nomination.status != ready {
            errors.push(FieldError::new(
                field,
                ErrorCode::NotAppraised,
                "only appraised nominations go to the council",
            ));
        } else if before_council && nomination.posting_until.is_none_or(|until| until >= today) {
            errors.push(FieldError::new(
                field,
                ErrorCode::PostingNotOver,
                format!(
                    "the posting runs until {}; the council meets after it",
                    nomination.posting_until.unwrap_or(today)
                ),
            ));
        } else if let Some(error) = crate::models::decisions::unreviewed_comments(conn, &field, nomination.id)? {
            errors.push(error);
        } else {
            let pending: i64 = council_items::table
                .inner_join(council_sessions::table.on(council_sessions::id.eq(council_items::session_id)))
                .filter(council_items::nomination_id.eq(nomination_id))
                .filter(council_sessions::status.eq(SessionStatus::Open))
                .count()
                .get_result(conn)?;
            if pending > 0 {
                errors.push(FieldError::new(
                    field,
                    ErrorCode::AlreadyScheduled,
                    "the nomination is before another open session",
                ));
            }
        }
    }
    if new.nomination_ids.is_empty() {
        errors.push(FieldError::new(
            "nomination_ids",
            ErrorCode::Required,
            "a session votes on at least one nomination",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let id = CouncilSessionId::generate();
    diesel::insert_into(council_sessions::table)
        .values((
            council_sessions::id.eq(id),
            council_sessions::title.eq(&new.title),
            council_sessions::status.eq(SessionStatus::Open),
            council_sessions::created_by.eq(actor),
            council_sessions::created_at.eq(db::now()),
            council_sessions::council_id.eq(new.council_id),
            council_sessions::voting_deadline.eq(new.voting_deadline),
            council_sessions::min_ballots.eq(new.min_ballots),
        ))
        .execute(conn)?;
    for member in &member_ids {
        diesel::insert_into(council_members::table)
            .values((council_members::session_id.eq(id), council_members::user_id.eq(member)))
            .execute(conn)?;
    }
    for nomination_id in &new.nomination_ids {
        diesel::insert_into(council_items::table)
            .values((council_items::session_id.eq(id), council_items::nomination_id.eq(nomination_id)))
            .execute(conn)?;
    }
    Ok(id)
}

fn lock_session(conn: &mut DbConn, id: CouncilSessionId) -> Result<CouncilSession, ApiError> {
    if let DbConn::Postgres(pg) = conn {
        council_sessions::table
            .find(id)
            .select(council_sessions::id)
            .for_share()
            .first::<CouncilSessionId>(pg)
            .optional()?;
    }
    find_session(conn, id)
}

/// One member's ballot on one nomination, once, while the session is open. The choice goes
/// only into the tally; the member only into the list of who has voted.
pub fn cast_ballot(
    conn: &mut DbConn,
    session_id: CouncilSessionId,
    nomination_id: NominationId,
    member: UserId,
    yes: bool,
) -> Result<(), ApiError> {
    let session = lock_session(conn, session_id)?;
    // Non-members learn nothing about the session, not even whether it is open.
    let is_member = council_members::table.find((session_id, member)).count().get_result::<i64>(conn)? > 0;
    if !is_member {
        return Err(session_not_found());
    }
    if !session.is_open() {
        return Err(ApiError::conflict(ErrorCode::SessionClosed, "the session is closed; ballots are final"));
    }
    let on_agenda = council_items::table.find((session_id, nomination_id)).count().get_result::<i64>(conn)? > 0;
    if !on_agenda {
        return Err(ApiError::validation(vec![FieldError::new(
            "nomination_id",
            ErrorCode::NotOnAgenda,
            "the session does not vote on this nomination",
        )]));
    }
    if !crate::domain::council::voting_open(session.voting_deadline.map(|d| d.naive_utc()), db::now()) {
        return Err(ApiError::conflict(ErrorCode::DeadlinePassed, "voting in this session has ended"));
    }
    // No savepoint: a second ballot ends the whole write with 409, and `db::write` rolls it back
    // (on PostgreSQL the failed insert leaves nothing else to run in the transaction).
    let inserted = diesel::insert_into(ballots_cast::table)
        .values((
            ballots_cast::session_id.eq(session_id),
            ballots_cast::nomination_id.eq(nomination_id),
            ballots_cast::user_id.eq(member),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => {}
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            return Err(ApiError::conflict(
                ErrorCode::AlreadyVoted,
                "you have voted on this nomination; a ballot cannot be changed",
            ))
        }
        Err(e) => return Err(e.into()),
    }
    // The choice goes into the box under a random key; no tally changes until the close.
    diesel::insert_into(ballot_box::table)
        .values((
            ballot_box::id.eq(crate::domain::random_token()),
            ballot_box::session_id.eq(session_id),
            ballot_box::nomination_id.eq(nomination_id),
            ballot_box::approve.eq(yes),
        ))
        .execute(conn)?;
    Ok(())
}

/// A member's vote by list: `approve` on every nomination of the session they have not voted on
/// yet, the opposite on those in `except`. Each is one secret ballot, as if cast one by one.
/// Returns how many ballots were cast; none left to cast is `409 already_voted`.
pub fn cast_list_ballot(
    conn: &mut DbConn,
    session_id: CouncilSessionId,
    member: UserId,
    approve: bool,
    except: &[NominationId],
) -> Result<usize, ApiError> {
    let is_member = council_members::table.find((session_id, member)).count().get_result::<i64>(conn)? > 0;
    if !is_member {
        return Err(session_not_found());
    }
    let agenda: Vec<NominationId> = council_items::table
        .filter(council_items::session_id.eq(session_id))
        .select(council_items::nomination_id)
        .order(council_items::nomination_id)
        .load(conn)?;
    let errors: Vec<FieldError> = except
        .iter()
        .enumerate()
        .filter(|(_, n)| !agenda.contains(n))
        .map(|(i, _)| {
            FieldError::new(
                format!("except[{i}]"),
                ErrorCode::NotOnAgenda,
                "the session does not vote on this nomination",
            )
        })
        .collect();
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let voted: Vec<NominationId> = ballots_cast::table
        .filter(ballots_cast::session_id.eq(session_id))
        .filter(ballots_cast::user_id.eq(member))
        .select(ballots_cast::nomination_id)
        .load(conn)?;
    let left: Vec<NominationId> = agenda.into_iter().filter(|n| !voted.contains(n)).collect();
    if left.is_empty() {
        return Err(ApiError::conflict(
            ErrorCode::AlreadyVoted,
            "you have voted on every nomination of this session; a ballot cannot be changed",
        ));
    }
    for &nomination_id in &left {
        let choice = if except.contains(&nomination_id) { !approve } else { approve };
        cast_ballot(conn, session_id, nomination_id, member, choice)?;
    }
    Ok(left.len())
}

/// Holds the session's row for its close: exclusively, so ballots (which share it) and another
/// close wait (see `db::lock_row!`).
pub fn lock_session_for_close(conn: &mut DbConn, id: CouncilSessionId) -> Result<(), ApiError> {
    Ok(db::lock_row!(conn, council_sessions::table, id)?)
}

/// Closes a session — once every member has voted on every item, or after its deadline — and
/// applies each result: approved when the yes votes reach the award's threshold of the whole
/// council (and the quorum voted), rejected otherwise. An item with fewer than `min_ballots`
/// ballots gets no tally: it is not decided and stays appraised. The ballot box is emptied.
pub fn close_session(conn: &mut DbConn, id: CouncilSessionId, actor: UserId) -> Result<(), ApiError> {
    lock_session_for_close(conn, id)?;
    let session = find_session(conn, id)?;
    if !session.is_open() {
        return Err(ApiError::conflict(ErrorCode::SessionClosed, "the session is closed already"));
    }
    let member_count = members(conn, id)?.len() as u32;
    let items: Vec<NominationId> = council_items::table
        .filter(council_items::session_id.eq(id))
        .select(council_items::nomination_id)
        .load(conn)?;
    let cast: i64 = ballots_cast::table.filter(ballots_cast::session_id.eq(id)).count().get_result(conn)?;
    let now = db::now();
    if !crate::domain::council::may_close(
        cast,
        i64::from(member_count),
        items.len() as i64,
        session.voting_deadline.map(|d| d.naive_utc()),
        now,
    ) {
        let until = session
            .voting_deadline
            .map_or_else(|| "every member has voted".to_string(), |d| format!("{}Z", d.format("%Y-%m-%dT%H:%M:%S")));
        let total = i64::from(member_count) * items.len() as i64;
        let counted = [("cast", Arg::text(cast)), ("total", Arg::text(total))];
        let problem = ApiError::conflict(
            ErrorCode::VotingInProgress,
            format!(
                "{cast} of {total} ballots are cast; the session closes when every member has voted, or after {until}"
            ),
        );
        return Err(match session.voting_deadline {
            // People read the deadline in Vietnam's time.
            Some(deadline) => {
                let local = deadline.naive_utc() + chrono::Duration::hours(7);
                problem.localized(
                    "voting_in_progress-deadline",
                    counted.into_iter().chain([
                        ("time", Arg::text(local.format("%H:%M"))),
                        ("date", Arg::text(crate::domain::display::admin_date(local.date()))),
                    ]),
                )
            }
            None => problem.localized("voting_in_progress-count", counted),
        });
    }
    for nomination_id in items {
        let choices: Vec<bool> = ballot_box::table
            .filter(ballot_box::session_id.eq(id))
            .filter(ballot_box::nomination_id.eq(nomination_id))
            .select(ballot_box::approve)
            .load(conn)?;
        // Sessions opened before the ballot box kept running counts here.
        let legacy: Option<(i32, i32)> = ballot_tallies::table
            .find((id, nomination_id))
            .select((ballot_tallies::yes_count, ballot_tallies::no_count))
            .first(conn)
            .optional()?;
        diesel::delete(ballot_tallies::table.find((id, nomination_id))).execute(conn)?;
        let (legacy_yes, legacy_no) = legacy.unwrap_or((0, 0));
        let yes = legacy_yes + choices.iter().filter(|c| **c).count() as i32;
        let no = legacy_no + choices.iter().filter(|c| !**c).count() as i32;
        if !crate::domain::council::tally_published(i64::from(yes + no), session.min_ballots) {
            continue; // withheld: no tally is kept, the nomination stays appraised
        }
        let nomination = find_nomination(conn, nomination_id)?;
        let version = judged_version(conn, &nomination)?;
        let threshold = version
            .as_ref()
            .and_then(|v| v.approval_threshold_percent.as_deref())
            .and_then(stored_decimal)
            .unwrap_or(rust_decimal::Decimal::ONE_HUNDRED);
        let quorum = version.as_ref().and_then(|v| v.quorum_percent.as_deref()).and_then(stored_decimal);
        let passed = vote_passes(yes as u32, no as u32, member_count, threshold, quorum);
        // The result stays with the tally: the minutes read it there.
        diesel::insert_into(ballot_tallies::table)
            .values((
                ballot_tallies::session_id.eq(id),
                ballot_tallies::nomination_id.eq(nomination_id),
                ballot_tallies::yes_count.eq(yes),
                ballot_tallies::no_count.eq(no),
                ballot_tallies::passed.eq(Some(passed)),
            ))
            .execute(conn)?;
        let reason = format!(
            "Hội đồng bỏ phiếu: {yes} đồng ý, {no} không đồng ý, trên {member_count} thành viên (ngưỡng {threshold}%)"
        );
        record_council_result(conn, nomination_id, passed, actor, reason)?;
    }
    diesel::delete(ballot_box::table.filter(ballot_box::session_id.eq(id))).execute(conn)?;
    diesel::update(council_sessions::table.find(id))
        .set((
            council_sessions::status.eq(SessionStatus::Closed),
            council_sessions::closed_by.eq(actor),
            council_sessions::closed_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// After a close: what the database files still hold of the deleted ballots is overwritten.
/// SQLite zeroes deleted content (`secure_delete`, set on every connection) and a checkpoint
/// moves the write-ahead log into the database and truncates it; PostgreSQL vacuums the box so
/// the deleted rows' versions are gone from the table (the write-ahead log and its archives
/// are the operator's: docs/awards.md).
pub fn scrub_after_close(conn: &mut DbConn) -> Result<(), ApiError> {
    use diesel::connection::SimpleConnection;
    match conn {
        DbConn::Sqlite(c) => {
            // The checkpoint cannot finish while another connection still reads an older
            // snapshot (it then reports `busy`): try again for a moment rather than leave the
            // ballots in the log. Each try holds this process's writers back while it waits for
            // readers, so it waits `RESET_WAIT_MS` at most, not the connection's 5 s; the pooled
            // connection gets its own timeout back afterwards.
            c.batch_execute(&format!("PRAGMA busy_timeout = {};", crate::db::RESET_WAIT_MS))?;
            let scrubbed = truncate_log_retrying(c);
            c.batch_execute(&format!("PRAGMA busy_timeout = {};", crate::db::SQLITE_BUSY_TIMEOUT_MS))?;
            scrubbed?;
        }
        DbConn::Postgres(c) => c.batch_execute("VACUUM ballot_box;")?,
    }
    Ok(())
}

fn truncate_log_retrying(c: &mut diesel::SqliteConnection) -> Result<(), ApiError> {
    for attempt in 0..50 {
        let done = crate::db::WalCheckpoint::run_holding_writers(c, crate::db::CheckpointMode::Truncate)?;
        if done.busy == 0 {
            return Ok(());
        }
        if attempt == 49 {
            tracing::warn!("the checkpoint after a council session's close stayed busy; the log keeps its pages");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    Ok(())
}
