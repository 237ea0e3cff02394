//! Public posting of approved nominations, the public's comments, and decisions that grant
//! nominations and turn them into awards.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use crate::db::schema::{
    award_type_versions, award_types, awards, decisions, nomination_transitions, nominations, people, posting_comments,
    units,
};
use crate::db::sql_types::{NullableUtcTimestamp, UtcTimestamp};
use crate::db::{self, DbConn};
use crate::domain::awards::{GrantingLevel, NomineeKind, PostingStage};
use crate::domain::calendar::{period_end, working_span_bound, DayCount};
use crate::domain::documents::DecisionStatus;
use crate::domain::ids::{AwardId, CommentId, DecisionId, NominationId, NominationTransitionId, UnitId, UserId};
use crate::domain::money::{base_salary_on, bonus_vnd, FundEntryKind};
use crate::domain::nominations::NominationStatus;
use crate::domain::units::{RunBy, UnitKind};
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::models::nominations::{find_nomination, judged_version, Nomination};
use crate::models::reward_money::{self, NewFundEntry};

fn record_transition(
    conn: &mut DbConn,
    n: &Nomination,
    to: NominationStatus,
    actor: UserId,
    reason: Option<String>,
) -> Result<(), ApiError> {
    let now = db::now();
    diesel::update(nominations::table.find(n.id))
        .set((nominations::status.eq(to), nominations::version.eq(n.version + 1), nominations::updated_at.eq(now)))
        .execute(conn)?;
    diesel::insert_into(nomination_transitions::table)
        .values((
            nomination_transitions::id.eq(NominationTransitionId::generate()),
            nomination_transitions::nomination_id.eq(n.id),
            nomination_transitions::from_status.eq(n.status),
            nomination_transitions::to_status.eq(to),
            nomination_transitions::actor_id.eq(actor),
            nomination_transitions::reason.eq(reason),
            nomination_transitions::at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Publishes an approved nomination for comments until `until` (inclusive), at least the award's
/// posting period from today.
pub fn post(
    conn: &mut DbConn,
    id: NominationId,
    until: Option<NaiveDate>,
    actor: UserId,
    today: NaiveDate,
) -> Result<NaiveDate, ApiError> {
    db::lock_row!(conn, nominations::table, id)?;
    let n = find_nomination(conn, id)?;
    let rules = judged_version(conn, &n)?;
    // Posted once: after approval, or — where its rules say so — appraised, before the council.
    let before_council =
        rules.as_ref().is_some_and(|v| v.council_vote_required && v.posting_stage == PostingStage::BeforeCouncil);
    let postable = match n.status {
        NominationStatus::Approved => n.posting_until.is_none(),
        NominationStatus::Appraised => before_council,
        _ => false,
    };
    if !postable {
        let must_be = if before_council { "appraised" } else { "approved" };
        return Err(ApiError::conflict(
            ErrorCode::IllegalTransition,
            format!("a {} nomination cannot be posted; it must be {must_be} and not posted yet", n.status.as_str()),
        )
        .localized("illegal_transition-post", [("status", crate::error::Arg::text(n.status.label_vi()))]));
    }
    // The period its rules ask, from the day after today, counted as they say.
    let (days, count) =
        rules.map(|v| (v.posting_days.unwrap_or(0), v.posting_day_count)).unwrap_or((0, DayCount::Calendar));
    let days = u32::try_from(days).unwrap_or(0);
    let special = match count {
        DayCount::Working => crate::models::calendar::special_days(conn, today, working_span_bound(today, days))?,
        DayCount::Calendar => Default::default(),
    };
    let earliest = period_end(today, days, count, &special);
    let until = until.unwrap_or(earliest);
    if until < earliest {
        return Err(ApiError::validation(vec![FieldError::new(
            "until",
            ErrorCode::TooShort,
            format!("the award is posted for {days} {} days: until {earliest} at the earliest", count.as_str()),
        )
        .localized(
            "too_short-posting",
            [
                ("days", crate::error::Arg::text(days)),
                ("count_vi", crate::error::Arg::text(count.label_vi().to_lowercase())),
                ("count_en", crate::error::Arg::text(format!("{} days", count.as_str()))),
                ("earliest", crate::error::Arg::text(crate::domain::display::admin_date(earliest))),
            ],
        )]));
    }
    diesel::update(nominations::table.find(id)).set(nominations::posting_until.eq(Some(until))).execute(conn)?;
    record_transition(
        conn,
        &n,
        NominationStatus::Posted,
        actor,
        Some(format!("Công khai lấy ý kiến đến hết ngày {until}")),
    )?;
    Ok(until)
}

/// The board answers the public before the council or the decision weighs a nomination
/// (Decree 98/2023, Art 46): the error naming `field` while comments wait for review.
pub fn unreviewed_comments(conn: &mut DbConn, field: &str, id: NominationId) -> Result<Option<FieldError>, ApiError> {
    let unreviewed: i64 = posting_comments::table
        .filter(posting_comments::nomination_id.eq(id))
        .filter(posting_comments::reviewed_at.is_null())
        .count()
        .get_result(conn)?;
    Ok((unreviewed > 0).then(|| {
        FieldError::new(
            field,
            ErrorCode::CommentsUnreviewed,
            format!("comments of the public not reviewed yet: {unreviewed}; review them first"),
        )
        .localized("comments_unreviewed-count", [("count", crate::error::Arg::text(unreviewed))])
    }))
}

/// Whether a posted nomination is on posting before its council (its rules say so and the
/// council has it still to vote on).
pub fn posted_before_council(conn: &mut DbConn, n: &Nomination) -> Result<bool, ApiError> {
    Ok(judged_version(conn, n)?
        .is_some_and(|v| v.council_vote_required && v.posting_stage == PostingStage::BeforeCouncil))
}

/// What the public sees of a posted nomination: the nominee's name, position and unit, the
/// award, and until when comments are taken. Nothing else.
pub struct PublicPosting {
    pub nomination_id: NominationId,
    pub nominee: String,
    pub position: Option<String>,
    pub unit_name: String,
    pub award_name: String,
    pub year: i32,
    pub posting_until: NaiveDate,
}

/// (nomination, nominee kind, person's name, position, household, unit name, award name, year, until)
type PostingRow =
    (NominationId, NomineeKind, Option<String>, Option<String>, Option<String>, String, String, i32, Option<NaiveDate>);

pub fn open_postings(conn: &mut DbConn, today: NaiveDate) -> Result<Vec<PublicPosting>, ApiError> {
    let rows: Vec<PostingRow> = nominations::table
        .inner_join(units::table.on(units::id.eq(nominations::unit_id)))
        .inner_join(award_types::table.on(award_types::id.eq(nominations::award_type_id)))
        .left_join(people::table.on(people::id.nullable().eq(nominations::person_id)))
        .filter(nominations::status.eq(NominationStatus::Posted))
        .filter(nominations::posting_until.ge(today))
        .order((nominations::posting_until, nominations::id))
        .select((
            nominations::id,
            nominations::nominee_kind,
            people::full_name.nullable(),
            people::position.nullable(),
            nominations::household_name,
            units::name,
            award_types::name,
            nominations::year,
            nominations::posting_until,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, kind, person, position, household, unit, award, year, until)| PublicPosting {
            nominee: match kind {
                NomineeKind::Person => person.unwrap_or_default(),
                NomineeKind::Household => household.unwrap_or_default(),
                NomineeKind::Unit => unit.clone(),
            },
            position: if kind == NomineeKind::Person { position } else { None },
            nomination_id: id,
            unit_name: unit,
            award_name: award,
            year,
            posting_until: until.unwrap_or(today),
        })
        .collect())
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = posting_comments)]
pub struct PostingComment {
    pub id: CommentId,
    pub nomination_id: NominationId,
    pub author_name: Option<String>,
    pub content: String,
    pub client_addr: Option<String>,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
    pub reviewed_by: Option<UserId>,
    #[diesel(deserialize_as = NullableUtcTimestamp)]
    pub reviewed_at: Option<DateTime<Utc>>,
    pub review_note: Option<String>,
}

/// A comment from the public on a nomination that is on posting today; otherwise 404.
pub fn add_comment(
    conn: &mut DbConn,
    nomination_id: NominationId,
    author: Option<String>,
    content: &str,
    client: &str,
    today: NaiveDate,
) -> Result<CommentId, ApiError> {
    let n = find_nomination(conn, nomination_id).map_err(|_| ApiError::not_found("posting"))?;
    if n.status != NominationStatus::Posted || n.posting_until.is_none_or(|u| u < today) {
        return Err(ApiError::not_found("posting"));
    }
    let id = CommentId::generate();
    diesel::insert_into(posting_comments::table)
        .values((
            posting_comments::id.eq(id),
            posting_comments::nomination_id.eq(nomination_id),
            posting_comments::author_name.eq(author),
            posting_comments::content.eq(content),
            posting_comments::client_addr.eq(client),
            posting_comments::created_at.eq(db::now()),
        ))
        .execute(conn)?;
    Ok(id)
}

/// The public's comment quotas, over the last 24 hours: at most `per_address` comments from one
/// client address (over all postings), at most `per_posting` on one posting (from everyone).
/// Counted under locks on both, so concurrent comments cannot all slip under. Returns the
/// seconds until a comment would be taken again when a quota is full.
pub fn comment_quota_full(
    conn: &mut DbConn,
    nomination_id: NominationId,
    client: &str,
    per_address: i64,
    per_posting: i64,
) -> Result<Option<u64>, ApiError> {
    let mut keys = [format!("comments-from:{client}"), format!("comments-on:{nomination_id}")];
    keys.sort();
    for key in &keys {
        db::lock_for_transaction(conn, key)?;
    }
    let since = db::now() - chrono::TimeDelta::hours(24);
    let window = |oldest: Option<chrono::NaiveDateTime>| {
        oldest.map_or(1, |t| (t + chrono::TimeDelta::hours(24) - db::now()).num_seconds().max(1) as u64)
    };
    let from_address = posting_comments::table
        .filter(posting_comments::client_addr.eq(client))
        .filter(posting_comments::created_at.gt(since));
    if from_address.count().get_result::<i64>(conn)? >= per_address {
        let oldest = from_address
            .select(diesel::dsl::min(posting_comments::created_at))
            .first::<Option<chrono::NaiveDateTime>>(conn)?;
        return Ok(Some(window(oldest)));
    }
    let on_posting = posting_comments::table
        .filter(posting_comments::nomination_id.eq(nomination_id))
        .filter(posting_comments::created_at.gt(since));
    if on_posting.count().get_result::<i64>(conn)? >= per_posting {
        let oldest = on_posting
            .select(diesel::dsl::min(posting_comments::created_at))
            .first::<Option<chrono::NaiveDateTime>>(conn)?;
        return Ok(Some(window(oldest)));
    }
    Ok(None)
}

pub fn comments(conn: &mut DbConn, nomination_id: NominationId) -> Result<Vec<PostingComment>, ApiError> {
    Ok(posting_comments::table
        .filter(posting_comments::nomination_id.eq(nomination_id))
        .order((posting_comments::created_at, posting_comments::id))
        .select(PostingComment::as_select())
        .load(conn)?)
}

pub fn find_comment(conn: &mut DbConn, id: CommentId) -> Result<PostingComment, ApiError> {
    posting_comments::table
        .find(id)
        .select(PostingComment::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("comment"))
}

/// Holds the comment's row until the transaction ends (see `db::lock_row!`): take it before
/// reading the comment for a write.
pub fn lock_comment(conn: &mut DbConn, id: CommentId) -> Result<(), ApiError> {
    Ok(db::lock_row!(conn, posting_comments::table, id)?)
}

pub fn review_comment(conn: &mut DbConn, id: CommentId, note: &str, actor: UserId) -> Result<PostingComment, ApiError> {
    let updated = diesel::update(posting_comments::table.find(id))
        .set((
            posting_comments::reviewed_by.eq(actor),
            posting_comments::reviewed_at.eq(db::now()),
            posting_comments::review_note.eq(note),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(ApiError::not_found("comment"));
    }
    Ok(posting_comments::table.find(id).select(PostingComment::as_select()).first(conn)?)
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = decisions)]
pub struct Decision {
    pub id: DecisionId,
    pub number: String,
    pub decided_on: NaiveDate,
    pub signer: String,
    pub authority: String,
    pub created_by: UserId,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
    pub paying_unit_id: Option<UnitId>,
    /// The department or commune whose head decided; `None`: the province.
    pub run_by_unit_id: Option<UnitId>,
    /// `awaiting_signature` until its verified signed copy is recorded, where one is required.
    pub status: DecisionStatus,
}

pub struct NewDecision {
    pub number: String,
    pub decided_on: NaiveDate,
    pub signer: String,
    pub authority: String,
    pub nomination_ids: Vec<NominationId>,
    /// Whose reward fund pays the bonuses: each becomes a payout entry of its ledger.
    pub paying_unit_id: Option<UnitId>,
    /// The level deciding: a department's or a commune's, or the province's (`None`).
    pub run_by_unit_id: Option<UnitId>,
    /// Taken by the unit's own people (its admin, or its head as approver), not recorded by the
    /// board: they see no other unit's nominations (those answer as unknown ids, so the errors
    /// tell nobody they exist) and decide no line of a round another level runs.
    pub taken_by_the_unit: bool,
    /// `awaiting_signature` where the deployer requires a verified signed copy, else `final`.
    pub status: DecisionStatus,
}

/// An award a decision granted: its id and its bonus in đồng.
pub type GrantedAward = (AwardId, Option<i64>);

/// Decisions in the order they were recorded, newest first (ids are time-ordered): of a year (by
/// `decided_on`) and a level if asked, each with its awards; `limit + 1` rows.
pub fn list_decisions(
    conn: &mut DbConn,
    year: Option<i32>,
    run_by: Option<RunBy>,
    before: Option<DecisionId>,
    limit: i64,
) -> Result<Vec<(Decision, Vec<GrantedAward>)>, ApiError> {
    let mut query = decisions::table.into_boxed::<<DbConn as Connection>::Backend>();
    if let Some(year) = year {
        let (first, last) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31));
        let (Some(first), Some(last)) = (first, last) else { return Ok(Vec::new()) };
        query = query.filter(decisions::decided_on.between(first, last));
    }
    query = match run_by {
        None => query,
        Some(RunBy::Province) => query.filter(decisions::run_by_unit_id.is_null()),
        Some(RunBy::AnyUnit) => query.filter(decisions::run_by_unit_id.is_not_null()),
        Some(RunBy::Unit(unit)) => query.filter(decisions::run_by_unit_id.eq(unit)),
    };
    if let Some(before) = before {
        query = query.filter(decisions::id.lt(before));
    }
    let rows: Vec<Decision> =
        query.order(decisions::id.desc()).limit(limit + 1).select(Decision::as_select()).load(conn)?;
    let ids: Vec<DecisionId> = rows.iter().map(|d| d.id).collect();
    let mut granted: std::collections::HashMap<DecisionId, Vec<GrantedAward>> = std::collections::HashMap::new();
    for (decision, award, bonus) in awards::table
        .filter(db::one_of(awards::decision_id, &ids))
        .select((awards::decision_id.assume_not_null(), awards::id, awards::bonus_vnd))
        .order(awards::id)
        .load::<(DecisionId, AwardId, Option<i64>)>(conn)?
    {
        granted.entry(decision).or_default().push((award, bonus));
    }
    Ok(rows
        .into_iter()
        .map(|d| {
            let awards = granted.remove(&d.id).unwrap_or_default();
            (d, awards)
        })
        .collect())
}

/// A decision with the awards it granted.
pub fn find_decision(conn: &mut DbConn, id: DecisionId) -> Result<(Decision, Vec<GrantedAward>), ApiError> {
    let decision = decisions::table
        .find(id)
        .select(Decision::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("decision"))?;
    let granted = awards::table
        .filter(awards::decision_id.eq(id))
        .select((awards::id, awards::bonus_vnd))
        .order(awards::id)
        .load(conn)?;
    Ok((decision, granted))
}

/// Issues a decision: each nomination must be posted, its posting over by the decision's
/// date and every comment of the public on it reviewed. Each becomes decided and an award is recorded, under the rules it was judged by.
pub fn issue(conn: &mut DbConn, new: NewDecision, actor: UserId, today: NaiveDate) -> Result<DecisionId, ApiError> {
    let mut errors = Vec::new();
    if new.decided_on > today {
        errors.push(FieldError::new("decided_on", ErrorCode::InFuture, "a decision is recorded once signed"));
    }
    let level = level_of(conn, new.run_by_unit_id)?;
    let mut granted = Vec::new();
    for (i, id) in new.nomination_ids.iter().enumerate() {
        let field = format!("nomination_ids[{i}]");
        db::lock_row!(conn, nominations::table, *id)?;
        match find_nomination(conn, *id) {
            Err(_) => errors.push(FieldError::new(field, ErrorCode::NotFound, "no nomination has this id")),
            // Before anything about its state: another unit's nomination tells a unit nothing more.
            Ok(n) if new.run_by_unit_id.is_some_and(|unit| unit != n.unit_id) => {
                errors.push(if new.taken_by_the_unit {
                    FieldError::new(field, ErrorCode::NotFound, "no nomination has this id")
                } else {
                    FieldError::new(
                        field,
                        ErrorCode::OutsideLevel,
                        "a unit's decision grants its own unit's nominations only",
                    )
                });
            }
            // On posting now, or approved by the council after a posting before it met.
            Ok(n)
                if !(n.status == NominationStatus::Posted
                    || (n.status == NominationStatus::Approved && n.posting_until.is_some())) =>
            {
                errors.push(FieldError::new(
                    field,
                    ErrorCode::NotPosted,
                    "only approved nominations that went through public posting are decided",
                ));
            }
            Ok(n) if n.status == NominationStatus::Posted && posted_before_council(conn, &n)? => {
                errors.push(FieldError::new(
                    field,
                    ErrorCode::NotApproved,
                    "posted before the council meets: the council votes on it first",
                ));
            }
            Ok(n) if n.posting_until.is_none_or(|u| u >= new.decided_on) => errors.push(FieldError::new(
                field,
                ErrorCode::PostingNotOver,
                format!("the posting runs until {}; decide after it", n.posting_until.unwrap_or(today)),
            )),
            Ok(n) => {
                // A line of the province's round is the board's to see through, even when the
                // unit's head grants it (the board records that decision).
                let round_level = crate::models::rounds::round_level_of_line(conn, n.id)?;
                if new.taken_by_the_unit && round_level.is_some_and(|level| level != new.run_by_unit_id) {
                    errors.push(FieldError::new(
                        field,
                        ErrorCode::OutsideLevel,
                        "a line of another level's round: the level running the round decides it",
                    ));
                    continue;
                }
                let granted_by = granting_levels_of(conn, &n)?;
                if !level.is_some_and(|level| level.may_grant(&granted_by)) {
                    errors.push(authority_mismatch(conn, field, &n, level, &granted_by)?);
                    continue;
                }
                // The board answers the public before it decides (Decree 98/2023, Art 46).
                if let Some(error) = unreviewed_comments(conn, &field, n.id)? {
                    errors.push(error);
                    continue;
                }
                granted.push(n);
            }
        }
    }
    if new.nomination_ids.is_empty() {
        errors.push(FieldError::new(
            "nomination_ids",
            ErrorCode::Required,
            "a decision grants at least one nomination",
        ));
    }
    if let Some(unit) = new.paying_unit_id {
        let known: i64 = units::table.find(unit).count().get_result(conn)?;
        if known == 0 {
            errors.push(FieldError::new("paying_unit_id", ErrorCode::NotFound, "no unit has this id"));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let taken: i64 = decisions::table.filter(decisions::number.eq(&new.number)).count().get_result(conn)?;
    if taken > 0 {
        return Err(ApiError::conflict(ErrorCode::NumberInUse, format!("a decision numbered {} exists", new.number))
            .localized("number_in_use-number", [("number", crate::error::Arg::text(&new.number))]));
    }
    let id = DecisionId::generate();
    let now = db::now();
    diesel::insert_into(decisions::table)
        .values((
            decisions::id.eq(id),
            decisions::number.eq(&new.number),
            decisions::decided_on.eq(new.decided_on),
            decisions::signer.eq(&new.signer),
            decisions::authority.eq(&new.authority),
            decisions::created_by.eq(actor),
            decisions::created_at.eq(now),
            decisions::paying_unit_id.eq(new.paying_unit_id),
            decisions::run_by_unit_id.eq(new.run_by_unit_id),
            decisions::status.eq(new.status),
        ))
        .execute(conn)?;
    let base_salary = base_salary_on(&reward_money::base_salary_levels(conn)?, new.decided_on);
    for n in granted {
        // The coefficient of the rules the nomination was judged under, times the base salary
        // in force on the decision's date.
        let type_name: String = award_types::table.find(&n.award_type_id).select(award_types::name).first(conn)?;
        let coefficient: Option<String> = match &n.award_type_version_id {
            Some(version) => {
                award_type_versions::table.find(version).select(award_type_versions::bonus_multiplier).first(conn)?
            }
            None => None,
        };
        let bonus = coefficient.as_deref().zip(base_salary).and_then(|(c, base)| bonus_vnd(c, base));
        let award_id = AwardId::generate();
        diesel::insert_into(awards::table)
            .values((
                awards::id.eq(award_id),
                awards::award_type_id.eq(n.award_type_id),
                awards::award_type_version_id.eq(n.award_type_version_id),
                awards::recipient_kind.eq(n.nominee_kind),
                awards::person_id.eq(n.person_id),
                awards::unit_id.eq(n.unit_id),
                awards::household_name.eq(&n.household_name),
                awards::year.eq(n.year),
                awards::decision_number.eq(&new.number),
                awards::decision_date.eq(new.decided_on),
                awards::decided_by.eq(&new.authority),
                awards::created_by.eq(actor),
                awards::created_at.eq(now),
                awards::decision_id.eq(Some(id)),
                awards::nomination_id.eq(Some(n.id)),
                awards::bonus_coefficient.eq(bonus.and(coefficient.as_deref())),
                awards::base_salary_vnd.eq(bonus.and(base_salary)),
                awards::bonus_vnd.eq(bonus),
                awards::commendation_type.eq(n.commendation_type),
            ))
            .execute(conn)?;
        if let (Some(unit_id), Some(bonus)) = (new.paying_unit_id, bonus) {
            let entry = NewFundEntry {
                unit_id,
                kind: FundEntryKind::Payout,
                amount_vnd: -bonus,
                description: format!("Tiền thưởng «{type_name}» theo Quyết định số {}", new.number),
                entry_date: new.decided_on,
                decision_id: Some(id),
                award_id: Some(award_id),
            };
            reward_money::add_entry(conn, entry, actor)?;
        }
        record_transition(conn, &n, NominationStatus::Decided, actor, Some(format!("Quyết định {}", new.number)))?;
    }
    Ok(id)
}

/// The level work run by `unit` is at: the province's (`None`), or that of the department or
/// commune named (a unit of another kind — a former district — grants nothing today).
pub fn level_of(conn: &mut DbConn, unit: Option<UnitId>) -> Result<Option<GrantingLevel>, ApiError> {
    let Some(unit) = unit else {
        return Ok(Some(GrantingLevel::Province));
    };
    let kind: Option<UnitKind> = units::table.find(unit).select(units::kind).first(conn).optional()?;
    match kind {
        None => Err(ApiError::validation(vec![FieldError::new(
            "run_by_unit_id",
            ErrorCode::NotFound,
            "no unit has this id",
        )])),
        Some(UnitKind::Department) => Ok(Some(GrantingLevel::Department)),
        Some(UnitKind::Commune) => Ok(Some(GrantingLevel::Commune)),
        Some(UnitKind::Province) => Ok(Some(GrantingLevel::Province)),
        Some(UnitKind::District) => Ok(None),
    }
}

/// The levels granting the nomination's award, by the rules it was judged under (or, for a
/// nomination judged before rules were versioned, by its type's level).
fn granting_levels_of(conn: &mut DbConn, n: &Nomination) -> Result<Vec<GrantingLevel>, ApiError> {
    match n.award_type_version_id {
        Some(version) => {
            let stored: String =
                award_type_versions::table.find(version).select(award_type_versions::granting_levels).first(conn)?;
            Ok(GrantingLevel::split(&stored))
        }
        None => {
            let level: String = award_types::table.find(n.award_type_id).select(award_types::level).first(conn)?;
            Ok(GrantingLevel::defaults_for(&level))
        }
    }
}

/// Whether a decision taken by `run_by` (a unit; `None`: the province) may grant `n`'s award.
pub fn grants_at_level(conn: &mut DbConn, run_by: Option<UnitId>, n: &Nomination) -> Result<bool, ApiError> {
    let level = level_of(conn, run_by)?;
    grants(conn, level, n)
}

/// `grants_at_level` for a level already found (`level_of`), for many nominations.
pub fn grants(conn: &mut DbConn, level: Option<GrantingLevel>, n: &Nomination) -> Result<bool, ApiError> {
    let granted_by = granting_levels_of(conn, n)?;
    Ok(level.is_some_and(|level| level.may_grant(&granted_by)))
}

/// Law Art 80: who may grant what. Names the deciding level, the award and who grants it.
fn authority_mismatch(
    conn: &mut DbConn,
    field: String,
    n: &Nomination,
    level: Option<GrantingLevel>,
    granted_by: &[GrantingLevel],
) -> Result<FieldError, ApiError> {
    let award: String = award_types::table.find(n.award_type_id).select(award_types::name).first(conn)?;
    let granted_by = granted_by.iter().map(|l| l.label_vi()).collect::<Vec<_>>().join(", ");
    let deciding = level.map_or("Đơn vị này", |l| l.label_vi());
    Ok(FieldError::new(
        field,
        ErrorCode::AuthorityMismatch,
        format!("{deciding} does not grant «{award}»; it is granted by: {granted_by}"),
    )
    .localized(
        "authority_mismatch-level",
        [
            ("level", crate::error::Arg::text(deciding)),
            ("award", crate::error::Arg::text(&award)),
            ("granted_by", crate::error::Arg::text(&granted_by)),
        ],
    ))
}
