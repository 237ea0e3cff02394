//! Annual rounds and units' dossiers in SQL. A round lists its award types with their quotas; a
//! dossier is one unit's answer to a round: its shared documents and its lines, each line a
//! nomination of the unit (so eligibility, the board's appraisal, the council, posting and the
//! decision work on it exactly as on any nomination).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use crate::db::schema::{award_round_types, award_rounds, awards, dossier_lines, nominations, unit_dossiers};
use crate::db::sql_types::{NullableUtcTimestamp, UtcTimestamp};
use crate::db::{self, DbConn};
use crate::domain::ids::{
    AchievementId, AwardTypeId, DossierId, NominationId, PersonId, RoundId, StoredFileId, UnitId, UserId,
};
use crate::domain::nominations::{DocumentKind, NominationAction, NominationStatus};
use crate::domain::rounds::{judging_depth, quota_standing, DossierStatus, LineAction, QuotaStanding, RoundStatus};
use crate::domain::units::RunBy;
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::models::awards::{find_award_type, find_award_type_by_code, version_on, AwardType, AwardTypeVersion};
use crate::models::nominations::{self as nominations_model, BatchError, Move, NominationDetail, NominationInput};
use crate::models::stored_files::{self, NewFile, Owner, StoredFile};

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = award_rounds)]
pub struct Round {
    pub id: RoundId,
    pub title: String,
    pub year: i32,
    pub deadline: NaiveDate,
    pub status: RoundStatus,
    pub version: i32,
    pub created_by: UserId,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub updated_at: DateTime<Utc>,
    /// The department or commune whose level runs it; `None`: the province board.
    pub run_by_unit_id: Option<UnitId>,
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = award_round_types)]
pub struct RoundType {
    pub round_id: RoundId,
    pub award_type_id: AwardTypeId,
    pub quota_of_award_type_id: Option<AwardTypeId>,
    pub quota_percent: Option<String>,
    pub quota_legal_basis: Option<String>,
    pub quota_unconfirmed: bool,
    pub position: i32,
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = unit_dossiers)]
pub struct Dossier {
    pub id: DossierId,
    pub round_id: RoundId,
    pub unit_id: UnitId,
    pub status: DossierStatus,
    pub version: i32,
    pub created_by: UserId,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub updated_at: DateTime<Utc>,
    #[diesel(deserialize_as = NullableUtcTimestamp)]
    pub submitted_at: Option<DateTime<Utc>>,
}

/// A round with its award types (and their codes and names), in the order given.
pub struct RoundDetail {
    pub round: Round,
    pub types: Vec<(RoundType, AwardType)>,
}

/// A dossier with its shared documents and how many lines it has in each status.
pub struct DossierDetail {
    pub dossier: Dossier,
    pub documents: Vec<StoredFile>,
    pub lines_by_status: Vec<(NominationStatus, i64)>,
}

/// A quota the board gives for a type of the round.
pub struct QuotaInput {
    pub of_award_type_id: AwardTypeId,
    /// Canonical decimal text, 0–100.
    pub percent: String,
    pub legal_basis: Option<String>,
    pub unconfirmed: bool,
}

pub struct NewRoundType {
    pub award_type_id: AwardTypeId,
    /// `None`: the quota of the rules in force today, if they have one.
    pub quota: Option<QuotaInput>,
}

pub struct NewRound {
    pub title: String,
    pub year: i32,
    pub deadline: NaiveDate,
    pub types: Vec<NewRoundType>,
    pub run_by_unit_id: Option<UnitId>,
}

/// One line the unit proposes: a person of the unit (individual awards) or the unit itself
/// (collective awards).
pub struct LineInput {
    pub award_type_id: AwardTypeId,
    pub person_id: Option<PersonId>,
    pub achievement_ids: Vec<AchievementId>,
    pub under_discipline: bool,
}

pub fn round_not_found() -> ApiError {
    ApiError::not_found("round")
}

pub fn dossier_not_found() -> ApiError {
    ApiError::not_found("dossier")
}

pub fn find_round(conn: &mut DbConn, id: RoundId) -> Result<Round, ApiError> {
    award_rounds::table.find(id).select(Round::as_select()).first(conn).optional()?.ok_or_else(round_not_found)
}

pub fn round_detail(conn: &mut DbConn, id: RoundId) -> Result<RoundDetail, ApiError> {
    let round = find_round(conn, id)?;
    Ok(round_details(conn, vec![round])?.remove(0))
}

/// The types of several rounds in two queries.
pub fn round_details(conn: &mut DbConn, rounds: Vec<Round>) -> Result<Vec<RoundDetail>, ApiError> {
    use crate::db::schema::award_types;
    let ids: Vec<RoundId> = rounds.iter().map(|r| r.id).collect();
    let types: Vec<RoundType> = award_round_types::table
        .filter(db::one_of(award_round_types::round_id, &ids))
        .order((award_round_types::round_id, award_round_types::position))
        .select(RoundType::as_select())
        .load(conn)?;
    let type_ids: Vec<AwardTypeId> = types.iter().map(|t| t.award_type_id).collect();
    let catalogue: Vec<AwardType> =
        award_types::table.filter(db::one_of(award_types::id, &type_ids)).select(AwardType::as_select()).load(conn)?;
    rounds
        .into_iter()
        .map(|round| {
            let mine = types
                .iter()
                .filter(|t| t.round_id == round.id)
                .map(|t| {
                    let award_type = catalogue.iter().find(|a| a.id == t.award_type_id).cloned().ok_or_else(|| {
                        ApiError::internal(anyhow::anyhow!("round {} names award type {}", round.id, t.award_type_id))
                    })?;
                    Ok((t.clone(), award_type))
                })
                .collect::<Result<_, ApiError>>()?;
            Ok(RoundDetail { round, types: mine })
        })
        .collect()
}

/// Opens a round. Each type must exist, once; a quota given must name an existing type; a type
/// without one takes the quota of its rules in force `today` (unconfirmed when the rules' legal
/// basis says its wording is — "chưa xác nhận").
pub fn create_round(
    conn: &mut DbConn,
    new: NewRound,
    actor: UserId,
    today: NaiveDate,
) -> Result<RoundDetail, ApiError> {
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    let mut rows = Vec::new();
    // A unit's round takes the awards its head grants (Law Art 80).
    let level = match new.run_by_unit_id {
        Some(unit) => Some(crate::models::decisions::level_of(conn, Some(unit))?),
        None => None,
    };
    for (i, t) in new.types.iter().enumerate() {
        let field = format!("award_types[{i}].award_type_id");
        if !seen.insert(t.award_type_id) {
            errors.push(FieldError::new(field, ErrorCode::Duplicate, "each award type once"));
            continue;
        }
        let Ok((_, versions)) = find_award_type(conn, t.award_type_id) else {
            errors.push(FieldError::new(field, ErrorCode::NotFound, "no award type has this id"));
            continue;
        };
        if let Some(level) = level {
            let granted_by = version_on(&versions, today).map(AwardTypeVersion::granted_by).unwrap_or_default();
            if !level.is_some_and(|l| l.may_grant(&granted_by)) {
                errors.push(FieldError::new(field, ErrorCode::AuthorityMismatch, "the unit's level does not grant it"));
                continue;
            }
        }
        let quota = match &t.quota {
            Some(q) => {
                if find_award_type(conn, q.of_award_type_id).is_err() {
                    errors.push(FieldError::new(
                        format!("award_types[{i}].quota.of_award_type_id"),
                        ErrorCode::NotFound,
                        "no award type has this id",
                    ));
                    continue;
                }
                Some((q.of_award_type_id, q.percent.clone(), q.legal_basis.clone(), q.unconfirmed))
            }
            None => match version_on(&versions, today) {
                Some(v) => match (&v.quota_of_code, &v.quota_percent) {
                    (Some(code), Some(percent)) => match find_award_type_by_code(conn, code)? {
                        Some(base) => Some((
                            base.id,
                            percent.clone(),
                            Some(v.legal_basis.clone()),
                            v.legal_basis.contains("chưa xác nhận"),
                        )),
                        None => None,
                    },
                    _ => None,
                },
                None => None,
            },
        };
        rows.push((t.award_type_id, quota));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let id = RoundId::generate();
    let now = db::now();
    diesel::insert_into(award_rounds::table)
        .values((
            award_rounds::id.eq(id),
            award_rounds::title.eq(&new.title),
            award_rounds::year.eq(new.year),
            award_rounds::deadline.eq(new.deadline),
            award_rounds::status.eq(RoundStatus::Open),
            award_rounds::run_by_unit_id.eq(new.run_by_unit_id),
            award_rounds::version.eq(1),
            award_rounds::created_by.eq(actor),
            award_rounds::created_at.eq(now),
            award_rounds::updated_at.eq(now),
        ))
        .execute(conn)?;
    for (position, (award_type_id, quota)) in rows.into_iter().enumerate() {
        let (of, percent, basis, unconfirmed) = match quota {
            Some((of, percent, basis, unconfirmed)) => (Some(of), Some(percent), basis, unconfirmed),
            None => (None, None, None, false),
        };
        diesel::insert_into(award_round_types::table)
            .values((
                award_round_types::round_id.eq(id),
                award_round_types::award_type_id.eq(award_type_id),
                award_round_types::quota_of_award_type_id.eq(of),
                award_round_types::quota_percent.eq(percent),
                award_round_types::quota_legal_basis.eq(basis),
                award_round_types::quota_unconfirmed.eq(unconfirmed),
                award_round_types::position.eq(position as i32),
            ))
            .execute(conn)?;
    }
    round_detail(conn, id)
}

/// Rounds, newest first (by id, time-ordered); `limit + 1` rows before the cursor's id.
pub fn list_rounds(
    conn: &mut DbConn,
    year: Option<i32>,
    run_by: Option<RunBy>,
    before: Option<RoundId>,
    limit: i64,
) -> Result<Vec<Round>, ApiError> {
    let mut query = award_rounds::table.into_boxed::<<DbConn as Connection>::Backend>();
    if let Some(year) = year {
        query = query.filter(award_rounds::year.eq(year));
    }
    query = match run_by {
        None => query,
        Some(RunBy::Province) => query.filter(award_rounds::run_by_unit_id.is_null()),
        Some(RunBy::AnyUnit) => query.filter(award_rounds::run_by_unit_id.is_not_null()),
        Some(RunBy::Unit(unit)) => query.filter(award_rounds::run_by_unit_id.eq(unit)),
    };
    if let Some(before) = before {
        query = query.filter(award_rounds::id.lt(before));
    }
    Ok(query.order(award_rounds::id.desc()).limit(limit + 1).select(Round::as_select()).load(conn)?)
}

/// The round takes dossiers and lines: open, and its deadline not passed (`today` in Vietnam).
fn check_open(round: &Round, today: NaiveDate) -> Result<(), ApiError> {
    if round.status != RoundStatus::Open {
        return Err(ApiError::conflict(ErrorCode::IllegalTransition, "the round is closed"));
    }
    if today > round.deadline {
        return Err(ApiError::conflict(
            ErrorCode::DeadlinePassed,
            format!("the round's deadline, {}, has passed", round.deadline),
        ));
    }
    Ok(())
}

/// The level that runs the round a nomination is a line of (`Some(None)`: the province's round);
/// `None` when it is no round's line. A round's lines are the work of the level running it.
pub fn round_level_of_line(conn: &mut DbConn, nomination: NominationId) -> Result<Option<Option<UnitId>>, ApiError> {
    Ok(dossier_lines::table
        .inner_join(unit_dossiers::table.on(unit_dossiers::id.eq(dossier_lines::dossier_id)))
        .inner_join(award_rounds::table.on(award_rounds::id.eq(unit_dossiers::round_id)))
        .filter(dossier_lines::nomination_id.eq(nomination))
        .select(award_rounds::run_by_unit_id)
        .first::<Option<UnitId>>(conn)
        .optional()?)
}

pub fn find_dossier(conn: &mut DbConn, id: DossierId) -> Result<Dossier, ApiError> {
    unit_dossiers::table.find(id).select(Dossier::as_select()).first(conn).optional()?.ok_or_else(dossier_not_found)
}

pub fn lock_dossier(conn: &mut DbConn, id: DossierId) -> Result<Dossier, ApiError> {
    db::lock_row!(conn, unit_dossiers::table, id)?;
    find_dossier(conn, id)
}

/// Holds the rows of a dossier's nominations (PostgreSQL), in id order, until the transaction
/// ends: taken after the dossier's own lock, before reading its lines for a write.
pub fn lock_lines(conn: &mut DbConn, id: DossierId) -> Result<(), ApiError> {
    if let DbConn::Postgres(_) = conn {
        let ids: Vec<NominationId> = dossier_lines::table
            .filter(dossier_lines::dossier_id.eq(id))
            .select(dossier_lines::nomination_id)
            .load(conn)?;
        nominations_model::lock_all(conn, &ids)?;
    }
    Ok(())
}

pub fn dossier_detail(conn: &mut DbConn, id: DossierId) -> Result<DossierDetail, ApiError> {
    let dossier = find_dossier(conn, id)?;
    let documents = stored_files::of_dossier(conn, dossier.id)?;
    let statuses: Vec<NominationStatus> = dossier_lines::table
        .inner_join(nominations::table.on(nominations::id.eq(dossier_lines::nomination_id)))
        .filter(dossier_lines::dossier_id.eq(dossier.id))
        .select(nominations::status)
        .load(conn)?;
    let mut lines_by_status: Vec<(NominationStatus, i64)> = Vec::new();
    for status in NominationStatus::ALL {
        let count = statuses.iter().filter(|s| *s == status).count() as i64;
        if count > 0 {
            lines_by_status.push((*status, count));
        }
    }
    Ok(DossierDetail { dossier, documents, lines_by_status })
}

/// A unit's dossier for a round, while the round takes them; one per unit and round.
pub fn create_dossier(
    conn: &mut DbConn,
    round_id: RoundId,
    unit_id: UnitId,
    actor: UserId,
    today: NaiveDate,
) -> Result<DossierDetail, ApiError> {
    let round = find_round(conn, round_id)?;
    check_open(&round, today)?;
    if round.run_by_unit_id.is_some_and(|level| level != unit_id) {
        return Err(ApiError::validation(vec![FieldError::new(
            "unit_id",
            ErrorCode::OutsideLevel,
            "a unit's round takes its own unit's dossier only",
        )]));
    }
    crate::models::people::check_person_unit(conn, unit_id)?;
    db::lock_for_transaction(conn, &format!("dossier:{round_id}:{unit_id}"))?;
    let exists: i64 = unit_dossiers::table
        .filter(unit_dossiers::round_id.eq(round_id))
        .filter(unit_dossiers::unit_id.eq(unit_id))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Err(ApiError::conflict(ErrorCode::Duplicate, "the unit has a dossier in this round already"));
    }
    let id = DossierId::generate();
    let now = db::now();
    diesel::insert_into(unit_dossiers::table)
        .values((
            unit_dossiers::id.eq(id),
            unit_dossiers::round_id.eq(round_id),
            unit_dossiers::unit_id.eq(unit_id),
            unit_dossiers::status.eq(DossierStatus::Draft),
            unit_dossiers::version.eq(1),
            unit_dossiers::created_by.eq(actor),
            unit_dossiers::created_at.eq(now),
            unit_dossiers::updated_at.eq(now),
        ))
        .execute(conn)?;
    dossier_detail(conn, id)
}

/// The dossiers of a round, of one unit or all.
pub fn list_dossiers(conn: &mut DbConn, round_id: RoundId, unit: Option<UnitId>) -> Result<Vec<Dossier>, ApiError> {
    let mut query = unit_dossiers::table
        .filter(unit_dossiers::round_id.eq(round_id))
        .into_boxed::<<DbConn as Connection>::Backend>();
    if let Some(unit) = unit {
        query = query.filter(unit_dossiers::unit_id.eq(unit));
    }
    Ok(query.order(unit_dossiers::id).select(Dossier::as_select()).load(conn)?)
}

fn bump(conn: &mut DbConn, dossier: &Dossier) -> Result<(), ApiError> {
    diesel::update(unit_dossiers::table.find(dossier.id))
        .set((unit_dossiers::version.eq(dossier.version + 1), unit_dossiers::updated_at.eq(db::now())))
        .execute(conn)?;
    Ok(())
}

fn not_a_draft() -> ApiError {
    ApiError::conflict(
        ErrorCode::IllegalTransition,
        "the dossier is submitted: its lines go on one by one (a returned line is corrected and submitted on its own)",
    )
}

/// Prefixes the field names of a line's validation errors with the line (`lines[3].person_id`).
fn in_line(i: usize, e: ApiError) -> ApiError {
    if e.code == ErrorCode::ValidationFailed {
        let errors =
            e.errors.into_iter().map(|f| FieldError { field: format!("lines[{i}].{}", f.field), ..f }).collect();
        ApiError::validation(errors)
    } else {
        e
    }
}

/// The most lines one dossier holds.
pub const MAX_LINES: i64 = 20_000;

/// Adds lines to a draft dossier: each becomes a draft nomination of the dossier's unit for the
/// round's year, numbered after the lines already there. Every line is checked; all errors come
/// back at once and nothing is written if any.
pub fn add_lines(
    conn: &mut DbConn,
    id: DossierId,
    lines: Vec<LineInput>,
    actor: UserId,
    today: NaiveDate,
) -> Result<Vec<(i32, NominationDetail)>, ApiError> {
    let dossier = lock_dossier(conn, id)?;
    if dossier.status != DossierStatus::Draft {
        return Err(not_a_draft());
    }
    let round = find_round(conn, dossier.round_id)?;
    check_open(&round, today)?;
    let allowed: Vec<AwardTypeId> = award_round_types::table
        .filter(award_round_types::round_id.eq(round.id))
        .select(award_round_types::award_type_id)
        .load(conn)?;
    let last: Option<i32> = dossier_lines::table
        .filter(dossier_lines::dossier_id.eq(id))
        .select(diesel::dsl::max(dossier_lines::line_no))
        .first(conn)?;
    // A dossier's submission journals every line in one transaction, and a transaction holds at
    // most 65,536 journal entries: far beyond any unit's people, but never a failure.
    if i64::from(last.unwrap_or(0)) + lines.len() as i64 > MAX_LINES {
        return Err(ApiError::validation(vec![FieldError::new(
            "lines",
            ErrorCode::OutOfRange,
            format!("a dossier holds at most {MAX_LINES} lines"),
        )]));
    }
    let mut errors = Vec::new();
    let mut inputs = Vec::with_capacity(lines.len());
    let mut positions = Vec::with_capacity(lines.len());
    let unit_id = dossier.unit_id;
    for (i, line) in lines.into_iter().enumerate() {
        if !allowed.contains(&line.award_type_id) {
            errors.push((
                i,
                vec![FieldError::new(
                    format!("lines[{i}].award_type_id"),
                    ErrorCode::InvalidChoice,
                    "the round does not take this award type",
                )],
            ));
            continue;
        }
        inputs.push(NominationInput {
            award_type_id: line.award_type_id,
            person_id: line.person_id,
            unit_id,
            household_name: None,
            year: round.year,
            campaign_id: None,
            achievement_ids: line.achievement_ids,
            under_discipline: line.under_discipline,
            // A year's round commends the year's achievements: regular (Law Art 8).
            commendation_type: Some(crate::domain::awards::CommendationType::Regular),
        });
        positions.push(i);
    }
    let ids = match nominations_model::create_nominations(conn, &inputs, actor) {
        Ok(ids) => ids,
        Err(BatchError::Refused(refused)) => {
            for (k, e) in refused {
                if e.code != ErrorCode::ValidationFailed {
                    return Err(e);
                }
                errors.push((positions[k], in_line(positions[k], e).errors));
            }
            Vec::new()
        }
        Err(BatchError::Failed(e)) => return Err(e),
    };
    if !errors.is_empty() {
        errors.sort_by_key(|(i, _)| *i);
        return Err(ApiError::validation(errors.into_iter().flat_map(|(_, e)| e).collect()));
    }
    let first = last.unwrap_or(0) + 1;
    let numbered: Vec<(i32, NominationId)> = (first..).zip(ids).collect();
    let rows: Vec<_> = numbered
        .iter()
        .map(|(line_no, nomination)| {
            (
                dossier_lines::nomination_id.eq(*nomination),
                dossier_lines::dossier_id.eq(id),
                dossier_lines::line_no.eq(*line_no),
            )
        })
        .collect();
    db::insert_batches!(conn, dossier_lines::table, rows);
    let ids: Vec<NominationId> = numbered.iter().map(|(_, n)| *n).collect();
    let mut details = details_by_id(conn, &ids)?;
    let mut created = Vec::with_capacity(numbered.len());
    for (line_no, nomination) in numbered {
        let detail = details
            .remove(&nomination)
            .ok_or_else(|| ApiError::internal(anyhow::anyhow!("line {line_no} was written but not read back")))?;
        created.push((line_no, detail));
    }
    bump(conn, &dossier)?;
    Ok(created)
}

/// A page of a dossier's lines by number, after `after`; `limit + 1` rows.
pub fn lines(
    conn: &mut DbConn,
    id: DossierId,
    status: Option<NominationStatus>,
    after: Option<i32>,
    limit: i64,
) -> Result<Vec<(i32, NominationDetail)>, ApiError> {
    let mut query = dossier_lines::table
        .inner_join(nominations::table.on(nominations::id.eq(dossier_lines::nomination_id)))
        .filter(dossier_lines::dossier_id.eq(id))
        .into_boxed::<<DbConn as Connection>::Backend>();
    if let Some(status) = status {
        query = query.filter(nominations::status.eq(status.as_str()));
    }
    if let Some(after) = after {
        query = query.filter(dossier_lines::line_no.gt(after));
    }
    let rows: Vec<(i32, nominations_model::Nomination)> = query
        .order(dossier_lines::line_no)
        .limit(limit + 1)
        .select((dossier_lines::line_no, nominations_model::Nomination::as_select()))
        .load(conn)?;
    let numbers: Vec<i32> = rows.iter().map(|(n, _)| *n).collect();
    let details = nominations_model::details(conn, rows.into_iter().map(|(_, n)| n).collect())?;
    Ok(numbers.into_iter().zip(details).collect())
}

/// Submits a dossier: every line still a draft (or returned) is judged and submitted, in an
/// order where a line comes after the lines of the titles it needs in the same year (so CSTĐ cơ
/// sở can rest on the same dossier's LĐTT line). A line with blocking problems refuses the whole
/// submission (`not_eligible`, every problem of every line in `errors` as
/// `lines[<line_no>].eligibility`); nothing is written then. Returns the lines submitted, in the
/// order they were judged.
pub fn submit(
    conn: &mut DbConn,
    id: DossierId,
    actor: UserId,
    expected_version: Option<i32>,
    today: NaiveDate,
) -> Result<Vec<NominationId>, ApiError> {
    let dossier = lock_dossier(conn, id)?;
    if expected_version.is_some_and(|v| v != dossier.version) {
        return Err(ApiError::precondition_failed());
    }
    if dossier.status != DossierStatus::Draft {
        return Err(not_a_draft());
    }
    let round = find_round(conn, dossier.round_id)?;
    check_open(&round, today)?;
    let waiting: Vec<(i32, NominationId, AwardTypeId)> = dossier_lines::table
        .inner_join(nominations::table.on(nominations::id.eq(dossier_lines::nomination_id)))
        .filter(dossier_lines::dossier_id.eq(id))
        .filter(db::one_of(nominations::status, &[NominationStatus::Draft, NominationStatus::Returned]))
        .order(dossier_lines::line_no)
        .select((dossier_lines::line_no, nominations::id, nominations::award_type_id))
        .load(conn)?;
    if waiting.is_empty() {
        return Err(ApiError::validation(vec![FieldError::new(
            "lines",
            ErrorCode::Required,
            "the dossier has no line to submit",
        )]));
    }
    let depth = depth_of_types(conn, round.id, today)?;
    let mut ordered = waiting;
    ordered.sort_by_key(|(line_no, _, award_type_id)| (depth.get(award_type_id).copied().unwrap_or(0), *line_no));
    let moves: Vec<Move> = ordered
        .iter()
        .map(|(_, id, _)| Move { id: *id, action: NominationAction::Submit, reason: None, expected_version: None })
        .collect();
    match nominations_model::transition_all(conn, &moves, actor, today) {
        Ok(()) => {}
        Err(BatchError::Refused(refused)) => {
            let mut errors = Vec::new();
            for (i, e) in refused {
                if e.code != ErrorCode::NotEligible {
                    return Err(e);
                }
                let line_no = ordered[i].0;
                errors.extend(
                    e.errors.into_iter().map(|f| FieldError { field: format!("lines[{line_no}].eligibility"), ..f }),
                );
            }
            return Err(ApiError {
                errors,
                ..ApiError::new(ErrorCode::NotEligible, "lines of the dossier cannot be submitted; see errors")
            });
        }
        Err(BatchError::Failed(e)) => return Err(e),
    }
    let now = db::now();
    diesel::update(unit_dossiers::table.find(id))
        .set((
            unit_dossiers::status.eq(DossierStatus::Submitted),
            unit_dossiers::version.eq(dossier.version + 1),
            unit_dossiers::updated_at.eq(now),
            unit_dossiers::submitted_at.eq(Some(now)),
        ))
        .execute(conn)?;
    Ok(moves.into_iter().map(|m| m.id).collect())
}

/// For each award type of the round, its depth among the round's types by the prerequisites of
/// the rules in force (`domain::rounds::judging_depth`).
fn depth_of_types(
    conn: &mut DbConn,
    round_id: RoundId,
    today: NaiveDate,
) -> Result<HashMap<AwardTypeId, u32>, ApiError> {
    let ids: Vec<AwardTypeId> = award_round_types::table
        .filter(award_round_types::round_id.eq(round_id))
        .select(award_round_types::award_type_id)
        .load(conn)?;
    let mut by_code = HashMap::new();
    let mut code_of = HashMap::new();
    for id in ids {
        let (award_type, versions) = find_award_type(conn, id)?;
        let needs = match version_on(&versions, today) {
            Some(v) => v.prerequisite_list()?.into_iter().map(|p| p.award_type_code).collect(),
            None => Vec::new(),
        };
        code_of.insert(id, award_type.code.clone());
        by_code.insert(award_type.code, needs);
    }
    let depth = judging_depth(&by_code);
    Ok(code_of.into_iter().map(|(id, code)| (id, depth.get(&code).copied().unwrap_or(0))).collect())
}

/// One line's appraisal as the board gives it.
pub struct Appraisal {
    pub nomination_id: NominationId,
    pub action: LineAction,
    pub reason: Option<String>,
}

/// Nominations by id with their details, in four queries per 500 (ids that name none left out).
pub fn details_by_id(
    conn: &mut DbConn,
    ids: &[NominationId],
) -> Result<HashMap<NominationId, NominationDetail>, ApiError> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(db::BATCH_ROWS) {
        let rows: Vec<nominations_model::Nomination> = nominations::table
            .filter(db::one_of(nominations::id, chunk))
            .select(nominations_model::Nomination::as_select())
            .load(conn)?;
        out.extend(nominations_model::details(conn, rows)?.into_iter().map(|d| (d.nomination.id, d)));
    }
    Ok(out)
}

/// The line numbers of a dossier's lines, by nomination (one query, whatever their number).
pub fn line_numbers(conn: &mut DbConn, id: DossierId) -> Result<HashMap<NominationId, i32>, ApiError> {
    let rows: Vec<(NominationId, i32)> = dossier_lines::table
        .filter(dossier_lines::dossier_id.eq(id))
        .select((dossier_lines::nomination_id, dossier_lines::line_no))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// The board's appraisal of lines of one dossier: each line accepted (appraised), returned or
/// rejected as its nomination would be. Lines of other dossiers, or actions their status does
/// not allow, are refused all at once (nothing written). Returns the lines appraised (number,
/// nomination), in the order asked.
pub fn appraise(
    conn: &mut DbConn,
    id: DossierId,
    items: Vec<Appraisal>,
    actor: UserId,
    today: NaiveDate,
) -> Result<Vec<(i32, NominationId)>, ApiError> {
    let dossier = lock_dossier(conn, id)?;
    let numbers = line_numbers(conn, dossier.id)?;
    let mut errors = Vec::new();
    let mut moves = Vec::with_capacity(items.len());
    let mut asked = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let Some(line_no) = numbers.get(&item.nomination_id).copied() else {
            errors.push((
                i,
                FieldError::new(format!("lines[{i}].nomination_id"), ErrorCode::NotFound, "not a line of this dossier"),
            ));
            continue;
        };
        let action = item.action.nomination_action();
        moves.push(Move { id: item.nomination_id, action, reason: item.reason, expected_version: None });
        asked.push((i, line_no));
    }
    match nominations_model::transition_all(conn, &moves, actor, today) {
        Ok(()) => {}
        Err(BatchError::Refused(refused)) => {
            for (m, e) in refused {
                if !e.status.is_client_error() {
                    return Err(e);
                }
                let i = asked[m].0;
                errors.push((i, FieldError::new(format!("lines[{i}].action"), e.code, e.detail)));
            }
        }
        Err(BatchError::Failed(e)) => return Err(e),
    }
    if !errors.is_empty() {
        errors.sort_by_key(|(i, _)| *i);
        return Err(ApiError::validation(errors.into_iter().map(|(_, e)| e).collect()));
    }
    let done = asked.into_iter().map(|(_, line_no)| line_no).zip(moves.into_iter().map(|m| m.id)).collect();
    // The lines changed (each journaled as its nomination); the dossier itself did not.
    Ok(done)
}

/// Records a shared document of the dossier (already in the store), while it is a draft.
pub fn add_document(
    conn: &mut DbConn,
    id: DossierId,
    kind: DocumentKind,
    file: NewFile,
) -> Result<StoredFile, ApiError> {
    let dossier = lock_dossier(conn, id)?;
    if dossier.status != DossierStatus::Draft {
        return Err(not_a_draft());
    }
    let file = file.owned_by(Owner::Dossier(dossier.id, kind));
    stored_files::insert(conn, &file)?;
    bump(conn, &dossier)?;
    Ok(file)
}

/// A shared document by id, with its dossier.
pub fn find_document(conn: &mut DbConn, id: StoredFileId) -> Result<(StoredFile, Dossier), ApiError> {
    let file = stored_files::find(conn, id)?.filter(|f| f.dossier_id.is_some());
    let Some(file) = file else { return Err(ApiError::not_found("document")) };
    let Some(dossier_id) = file.dossier_id else { return Err(ApiError::not_found("document")) };
    let dossier = find_dossier(conn, dossier_id)?;
    Ok((file, dossier))
}

/// One unit's standing against one quota of the round.
pub struct UnitQuota {
    pub unit_id: UnitId,
    pub award_type_id: AwardTypeId,
    pub of_award_type_id: AwardTypeId,
    pub percent: String,
    pub legal_basis: Option<String>,
    pub unconfirmed: bool,
    pub standing: QuotaStanding,
}

/// Still in the running for a title: proposed (drafts included) up to decided.
fn live(status: NominationStatus) -> bool {
    !matches!(status, NominationStatus::Rejected | NominationStatus::Withdrawn | NominationStatus::Revoked)
}

/// Each unit's standing against each quota of the round (units with a dossier, or `unit` only):
/// the base is the unit's people holding the base title that year or proposed for it (each
/// person once), the lines those of the unit for the limited title, that year, still in the
/// running.
pub fn quotas(conn: &mut DbConn, round_id: RoundId, unit: Option<UnitId>) -> Result<Vec<UnitQuota>, ApiError> {
    let round = find_round(conn, round_id)?;
    let limited: Vec<RoundType> = award_round_types::table
        .filter(award_round_types::round_id.eq(round_id))
        .filter(award_round_types::quota_of_award_type_id.is_not_null())
        .order(award_round_types::position)
        .select(RoundType::as_select())
        .load(conn)?;
    let units: Vec<UnitId> = list_dossiers(conn, round_id, unit)?.into_iter().map(|d| d.unit_id).collect();
    if limited.is_empty() || units.is_empty() {
        return Ok(Vec::new());
    }
    let mut types: Vec<AwardTypeId> = limited.iter().map(|t| t.award_type_id).collect();
    types.extend(limited.iter().filter_map(|t| t.quota_of_award_type_id));
    let proposed: Vec<(UnitId, AwardTypeId, Option<PersonId>, NominationStatus)> = nominations::table
        .filter(nominations::year.eq(round.year))
        .filter(db::one_of(nominations::unit_id, &units))
        .filter(db::one_of(nominations::award_type_id, &types))
        .select((nominations::unit_id, nominations::award_type_id, nominations::person_id, nominations::status))
        .load(conn)?;
    let held: Vec<(UnitId, AwardTypeId, Option<PersonId>)> = awards::table
        .filter(awards::year.eq(round.year))
        .filter(db::one_of(awards::unit_id, &units))
        .filter(db::one_of(awards::award_type_id, &types))
        .filter(awards::revoked_at.is_null())
        .select((awards::unit_id, awards::award_type_id, awards::person_id))
        .load(conn)?;
    let mut out = Vec::new();
    for unit_id in &units {
        for t in &limited {
            let (Some(of), Some(percent)) = (&t.quota_of_award_type_id, &t.quota_percent) else { continue };
            let mut base: HashSet<PersonId> = HashSet::new();
            let mut unnamed = 0u32;
            for (u, a, person) in &held {
                if u == unit_id && a == of {
                    match person {
                        Some(p) => {
                            base.insert(*p);
                        }
                        None => unnamed += 1,
                    }
                }
            }
            for (u, a, person, status) in &proposed {
                if u == unit_id && a == of && live(*status) {
                    if let Some(p) = person {
                        base.insert(*p);
                    }
                }
            }
            let used =
                proposed.iter().filter(|(u, a, _, s)| u == unit_id && *a == t.award_type_id && live(*s)).count() as u32;
            let percent_value = crate::domain::campaigns::stored_decimal(percent)
                .ok_or_else(|| ApiError::internal(anyhow::anyhow!("round {round_id} has quota percent {percent:?}")))?;
            out.push(UnitQuota {
                unit_id: *unit_id,
                award_type_id: t.award_type_id,
                of_award_type_id: *of,
                percent: percent.clone(),
                legal_basis: t.quota_legal_basis.clone(),
                unconfirmed: t.quota_unconfirmed,
                standing: quota_standing(base.len() as u32 + unnamed, percent_value, used),
            });
        }
    }
    Ok(out)
}

/// (person, award type) of the dossier's lines still in the running: what a sheet may not
/// propose again.
pub fn proposed_in(conn: &mut DbConn, id: DossierId) -> Result<Vec<(Option<PersonId>, AwardTypeId)>, ApiError> {
    let rows: Vec<(Option<PersonId>, AwardTypeId, NominationStatus)> = dossier_lines::table
        .inner_join(nominations::table.on(nominations::id.eq(dossier_lines::nomination_id)))
        .filter(dossier_lines::dossier_id.eq(id))
        .select((nominations::person_id, nominations::award_type_id, nominations::status))
        .load(conn)?;
    Ok(rows.into_iter().filter(|(_, _, s)| live(*s)).map(|(p, a, _)| (p, a)).collect())
}

/// One line of a round's results, named for people.
pub struct ResultRow {
    pub unit_code: String,
    pub unit_name: String,
    pub line_no: i32,
    /// None for the unit itself.
    pub person_name: Option<String>,
    pub award_type_code: String,
    pub award_type_name: String,
    pub status: NominationStatus,
    /// The codes of the line's eligibility warnings.
    pub warnings: Vec<String>,
}

/// Every line of the round's dossiers (of one unit, or all), by unit and number.
pub fn results(conn: &mut DbConn, round_id: RoundId, unit: Option<UnitId>) -> Result<Vec<ResultRow>, ApiError> {
    use crate::db::schema::{award_types, people, units};
    let dossiers: Vec<DossierId> = list_dossiers(conn, round_id, unit)?.into_iter().map(|d| d.id).collect();
    type Line = (i32, UnitId, Option<PersonId>, AwardTypeId, NominationStatus, Option<String>);
    let lines: Vec<Line> = dossier_lines::table
        .inner_join(nominations::table.on(nominations::id.eq(dossier_lines::nomination_id)))
        .filter(db::one_of(dossier_lines::dossier_id, &dossiers))
        .order((nominations::unit_id, dossier_lines::line_no))
        .select((
            dossier_lines::line_no,
            nominations::unit_id,
            nominations::person_id,
            nominations::award_type_id,
            nominations::status,
            nominations::eligibility,
        ))
        .load(conn)?;
    let mut unit_ids: Vec<UnitId> = lines.iter().map(|l| l.1).collect();
    unit_ids.dedup();
    let unit_names: HashMap<UnitId, (String, String)> = units::table
        .filter(db::one_of(units::id, &unit_ids))
        .select((units::id, units::code, units::name))
        .load::<(UnitId, String, String)>(conn)?
        .into_iter()
        .map(|(id, code, name)| (id, (code, name)))
        .collect();
    let person_ids: Vec<PersonId> = lines.iter().filter_map(|l| l.2).collect();
    let mut person_names: HashMap<PersonId, String> = HashMap::new();
    for chunk in person_ids.chunks(db::BATCH_ROWS) {
        let found: Vec<(PersonId, String)> =
            people::table.filter(db::one_of(people::id, chunk)).select((people::id, people::full_name)).load(conn)?;
        person_names.extend(found);
    }
    let type_names: HashMap<AwardTypeId, (String, String)> = award_types::table
        .select((award_types::id, award_types::code, award_types::name))
        .load::<(AwardTypeId, String, String)>(conn)?
        .into_iter()
        .map(|(id, code, name)| (id, (code, name)))
        .collect();
    lines
        .into_iter()
        .map(|(line_no, unit_id, person_id, award_type_id, status, eligibility)| {
            let (unit_code, unit_name) = unit_names.get(&unit_id).cloned().unwrap_or_default();
            let (award_type_code, award_type_name) = type_names.get(&award_type_id).cloned().unwrap_or_default();
            let warnings = match eligibility.as_deref() {
                Some(stored) => serde_json::from_str::<crate::domain::nominations::Eligibility>(stored)
                    .map_err(|e| {
                        ApiError::internal(anyhow::anyhow!("a line's stored eligibility does not parse: {e}"))
                    })?
                    .warnings
                    .into_iter()
                    .map(|w| w.code.to_string())
                    .collect(),
                None => Vec::new(),
            };
            Ok(ResultRow {
                unit_code,
                unit_name,
                line_no,
                person_name: person_id.and_then(|p| person_names.get(&p).cloned()),
                award_type_code,
                award_type_name,
                status,
                warnings,
            })
        })
        .collect()
}
