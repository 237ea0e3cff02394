//! Nominations in SQL: the record, its achievements and dossier, its history, and the facts its
//! eligibility is judged on, all read inside the transaction that submits it.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use crate::db::schema::{
    achievements, campaigns, dossier_lines, nomination_achievements, nomination_transitions, nominations, people,
};
use crate::db::sql_types::UtcTimestamp;
use crate::db::{self, DbConn};
use crate::domain::awards::{CommendationType, NomineeKind};
use crate::domain::campaigns::CampaignKind;
use crate::domain::ids::{
    AchievementId, AwardTypeId, AwardTypeVersionId, CampaignId, NominationId, NominationTransitionId, PersonId,
    StoredFileId, UnitId, UserId,
};
use crate::domain::nominations::{DocumentKind, Eligibility, NominationAction, NominationStatus};
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::models::awards::find_award_type;
use crate::models::judging::Judging;
use crate::models::nomination_details::LoadDetails;
use crate::models::stored_files::{self, NewFile, Owner, StoredFile};

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = nominations)]
pub struct Nomination {
    pub id: NominationId,
    pub award_type_id: AwardTypeId,
    pub award_type_version_id: Option<AwardTypeVersionId>,
    pub nominee_kind: NomineeKind,
    pub person_id: Option<PersonId>,
    pub unit_id: UnitId,
    pub household_name: Option<String>,
    pub year: i32,
    pub campaign_id: Option<CampaignId>,
    pub under_discipline: bool,
    pub status: NominationStatus,
    pub eligibility: Option<String>,
    pub version: i32,
    pub created_by: UserId,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub updated_at: DateTime<Utc>,
    pub posting_until: Option<NaiveDate>,
    /// Regular, thematic, ad hoc, … (Law Art 8); `None`: not recorded.
    pub commendation_type: Option<CommendationType>,
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = nomination_transitions)]
pub struct NominationTransition {
    pub id: NominationTransitionId,
    pub nomination_id: NominationId,
    pub from_status: NominationStatus,
    pub to_status: NominationStatus,
    pub actor_id: UserId,
    pub reason: Option<String>,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub at: DateTime<Utc>,
}

#[derive(Debug)]
pub struct NominationDetail {
    pub nomination: Nomination,
    pub achievement_ids: Vec<AchievementId>,
    pub documents: Vec<StoredFile>,
    pub history: Vec<NominationTransition>,
}

/// What the unit proposes (checked by the route for shape; here against the records).
pub struct NominationInput {
    pub award_type_id: AwardTypeId,
    pub person_id: Option<PersonId>,
    pub unit_id: UnitId,
    pub household_name: Option<String>,
    pub year: i32,
    pub campaign_id: Option<CampaignId>,
    pub achievement_ids: Vec<AchievementId>,
    pub under_discipline: bool,
    /// As asked; when not, a campaign's nomination is regular or thematic as its campaign is.
    pub commendation_type: Option<CommendationType>,
}

pub fn nomination_not_found() -> ApiError {
    ApiError::not_found("nomination")
}

pub fn find_nomination(conn: &mut DbConn, id: NominationId) -> Result<Nomination, ApiError> {
    nominations::table.find(id).select(Nomination::as_select()).first(conn).optional()?.ok_or_else(nomination_not_found)
}

/// Details of many nominations in four queries, whatever their number (a round's dossiers).
pub fn details(conn: &mut DbConn, rows: Vec<Nomination>) -> Result<Vec<NominationDetail>, ApiError> {
    let ids: Vec<NominationId> = rows.iter().map(|n| n.id).collect();
    let links: Vec<(NominationId, AchievementId)> = nomination_achievements::table
        .filter(db::one_of(nomination_achievements::nomination_id, &ids))
        .order((nomination_achievements::nomination_id, nomination_achievements::achievement_id))
        .select((nomination_achievements::nomination_id, nomination_achievements::achievement_id))
        .load(conn)?;
    let documents = stored_files::of_nominations(conn, &ids)?;
    let history: Vec<NominationTransition> = nomination_transitions::table
        .filter(db::one_of(nomination_transitions::nomination_id, &ids))
        .order((nomination_transitions::at, nomination_transitions::id))
        .select(NominationTransition::as_select())
        .load(conn)?;
    // Grouped once (a dossier reads thousands of nominations through here).
    let mut links_of: HashMap<NominationId, Vec<AchievementId>> = HashMap::new();
    for (n, a) in links {
        links_of.entry(n).or_default().push(a);
    }
    let mut documents_of: HashMap<NominationId, Vec<StoredFile>> = HashMap::new();
    for d in documents {
        if let Some(n) = d.nomination_id {
            documents_of.entry(n).or_default().push(d);
        }
    }
    let mut history_of: HashMap<NominationId, Vec<NominationTransition>> = HashMap::new();
    for t in history {
        history_of.entry(t.nomination_id).or_default().push(t);
    }
    Ok(rows
        .into_iter()
        .map(|nomination| NominationDetail {
            achievement_ids: links_of.remove(&nomination.id).unwrap_or_default(),
            documents: documents_of.remove(&nomination.id).unwrap_or_default(),
            history: history_of.remove(&nomination.id).unwrap_or_default(),
            nomination,
        })
        .collect())
}

/// One nomination with its achievements, documents and history, in one statement.
pub fn detail(conn: &mut DbConn, id: NominationId) -> Result<NominationDetail, ApiError> {
    let found = db::on_backend!(conn, |c| c.load_details(nominations::table.find(id).into_boxed())?);
    found.into_iter().next().ok_or_else(nomination_not_found)
}

/// What checking many inputs needs, read for all of them at once: the award types, the people
/// named (with their unit) and the achievements cited (with their unit).
struct InputFacts {
    types: HashMap<AwardTypeId, Option<crate::models::awards::AwardType>>,
    person_units: HashMap<PersonId, UnitId>,
    achievement_units: HashMap<AchievementId, UnitId>,
    campaign_kinds: HashMap<CampaignId, CampaignKind>,
}

impl InputFacts {
    fn load(conn: &mut DbConn, inputs: &[NominationInput]) -> Result<InputFacts, ApiError> {
        let mut types = HashMap::new();
        for input in inputs {
            if let std::collections::hash_map::Entry::Vacant(slot) = types.entry(input.award_type_id) {
                slot.insert(match find_award_type(conn, input.award_type_id) {
                    Ok((t, _)) => Some(t),
                    Err(e) if e.status == actix_web::http::StatusCode::NOT_FOUND => None,
                    Err(e) => return Err(e),
                });
            }
        }
        let persons: Vec<PersonId> = inputs.iter().filter_map(|i| i.person_id).collect();
        let cited: Vec<AchievementId> = inputs.iter().flat_map(|i| i.achievement_ids.iter().copied()).collect();
        let mut person_units = HashMap::new();
        for chunk in persons.chunks(db::BATCH_ROWS) {
            let rows: Vec<(PersonId, UnitId)> =
                people::table.filter(db::one_of(people::id, chunk)).select((people::id, people::unit_id)).load(conn)?;
            person_units.extend(rows);
        }
        let mut achievement_units = HashMap::new();
        for chunk in cited.chunks(db::BATCH_ROWS) {
            let rows: Vec<(AchievementId, UnitId)> = achievements::table
                .filter(db::one_of(achievements::id, chunk))
                .select((achievements::id, achievements::unit_id))
                .load(conn)?;
            achievement_units.extend(rows);
        }
        let mut campaign_ids: Vec<CampaignId> = inputs.iter().filter_map(|i| i.campaign_id).collect();
        campaign_ids.sort();
        campaign_ids.dedup();
        let campaign_kinds = campaigns::table
            .filter(db::one_of(campaigns::id, &campaign_ids))
            .select((campaigns::id, campaigns::kind))
            .load::<(CampaignId, CampaignKind)>(conn)?
            .into_iter()
            .collect();
        Ok(InputFacts { types, person_units, achievement_units, campaign_kinds })
    }

    /// The type of commendation asked, or what the campaign says: a thematic campaign's
    /// nominations are thematic, an ongoing one's regular; otherwise not recorded.
    fn commendation_type(&self, input: &NominationInput) -> Option<CommendationType> {
        input.commendation_type.or_else(|| {
            input.campaign_id.and_then(|c| self.campaign_kinds.get(&c)).map(|kind| match kind {
                CampaignKind::ChuyenDe => CommendationType::Thematic,
                CampaignKind::ThuongXuyen => CommendationType::Regular,
            })
        })
    }

    /// The nominee fits the award type's subject and belongs to the nominating unit; the
    /// achievements are the unit's own.
    fn check(&self, input: &NominationInput) -> Result<NomineeKind, ApiError> {
        let Some(Some(award_type)) = self.types.get(&input.award_type_id) else {
            return Err(ApiError::validation(vec![FieldError::new(
                "award_type_id",
                ErrorCode::NotFound,
                "no award type has this id",
            )]));
        };
        let kind = match (award_type.subject.as_str(), &input.person_id, &input.household_name) {
            ("individual", Some(person), None) => {
                // A person of another unit answers like one that does not exist.
                if self.person_units.get(person) != Some(&input.unit_id) {
                    return Err(ApiError::validation(vec![FieldError::new(
                        "person_id",
                        ErrorCode::NotFound,
                        "no person of this unit has this id",
                    )]));
                }
                NomineeKind::Person
            }
            ("collective", None, None) => NomineeKind::Unit,
            ("household", None, Some(_)) => NomineeKind::Household,
            _ => {
                return Err(ApiError::validation(vec![FieldError::new(
                    "nominee",
                    ErrorCode::WrongSubject,
                    format!(
                        "a {} award needs {}",
                        award_type.subject.as_str(),
                        match award_type.subject.as_str() {
                            "individual" => "person_id",
                            "household" => "household_name",
                            _ => "neither person_id nor household_name",
                        }
                    ),
                )]))
            }
        };
        for (i, id) in input.achievement_ids.iter().enumerate() {
            if self.achievement_units.get(id) != Some(&input.unit_id) {
                return Err(ApiError::validation(vec![FieldError::new(
                    format!("achievement_ids[{i}]"),
                    ErrorCode::NotFound,
                    "not an achievement of this unit",
                )]));
            }
        }
        Ok(kind)
    }
}

fn write_achievements(conn: &mut DbConn, id: NominationId, achievement_ids: &[AchievementId]) -> Result<(), ApiError> {
    let linked: Vec<AchievementId> = nomination_achievements::table
        .filter(nomination_achievements::nomination_id.eq(id))
        .select(nomination_achievements::achievement_id)
        .load(conn)?;
    let status: NominationStatus = nominations::table.find(id).select(nominations::status).first(conn)?;
    if status == NominationStatus::Draft {
        // A draft is the unit's own working copy: its links follow the request exactly.
        diesel::delete(nomination_achievements::table.filter(nomination_achievements::nomination_id.eq(id)))
            .execute(conn)?;
    }
    let mut unique = achievement_ids.to_vec();
    unique.sort();
    unique.dedup();
    if status != NominationStatus::Draft {
        unique.retain(|a| !linked.contains(a));
    }
    for achievement in unique {
        diesel::insert_into(nomination_achievements::table)
            .values((
                nomination_achievements::nomination_id.eq(id),
                nomination_achievements::achievement_id.eq(achievement),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn create_nomination(
    conn: &mut DbConn,
    input: NominationInput,
    actor: UserId,
) -> Result<NominationDetail, ApiError> {
    match create_nominations(conn, &[input], actor) {
        Ok(ids) => detail(conn, ids[0]),
        Err(BatchError::Refused(mut refused)) => Err(refused.pop().map_or_else(nomination_not_found, |(_, e)| e)),
        Err(BatchError::Failed(e)) => Err(e),
    }
}

/// Creates draft nominations, each checked as `create_nomination` checks one, in a few
/// statements per 500 (a round's sheet of thousands of lines). Any input refused (its errors by
/// position) refuses them all, before anything is written. Returns the new ids, in order.
pub fn create_nominations(
    conn: &mut DbConn,
    inputs: &[NominationInput],
    actor: UserId,
) -> Result<Vec<NominationId>, BatchError> {
    if inputs.len() > 1 {
        db::plan_each_statement(conn)?;
    }
    let facts = InputFacts::load(conn, inputs)?;
    let mut refused = Vec::new();
    let mut kinds = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        match facts.check(input) {
            Ok(kind) => kinds.push(kind),
            Err(e) => refused.push((i, e)),
        }
    }
    if !refused.is_empty() {
        return Err(BatchError::Refused(refused));
    }
    let now = db::now();
    let ids: Vec<NominationId> = inputs.iter().map(|_| NominationId::generate()).collect();
    let rows: Vec<_> = inputs
        .iter()
        .zip(&kinds)
        .zip(&ids)
        .map(|((input, kind), id)| {
            (
                nominations::id.eq(*id),
                nominations::award_type_id.eq(input.award_type_id),
                nominations::nominee_kind.eq(*kind),
                nominations::person_id.eq(input.person_id),
                nominations::unit_id.eq(input.unit_id),
                nominations::household_name.eq(input.household_name.clone()),
                nominations::year.eq(input.year),
                nominations::campaign_id.eq(input.campaign_id),
                nominations::under_discipline.eq(input.under_discipline),
                nominations::commendation_type.eq(facts.commendation_type(input)),
                nominations::status.eq(NominationStatus::Draft),
                nominations::version.eq(1),
                nominations::created_by.eq(actor),
                nominations::created_at.eq(now),
                nominations::updated_at.eq(now),
            )
        })
        .collect();
    db::insert_batches!(conn, nominations::table, rows);
    let mut links = Vec::new();
    for (input, id) in inputs.iter().zip(&ids) {
        let mut unique = input.achievement_ids.clone();
        unique.sort();
        unique.dedup();
        links.extend(
            unique.into_iter().map(|a| {
                (nomination_achievements::nomination_id.eq(*id), nomination_achievements::achievement_id.eq(a))
            }),
        );
    }
    db::insert_batches!(conn, nomination_achievements::table, links);
    Ok(ids)
}

pub fn lock(conn: &mut DbConn, id: NominationId) -> Result<Nomination, ApiError> {
    db::lock_row!(conn, nominations::table, id)?;
    find_nomination(conn, id)
}

fn not_editable(status: NominationStatus) -> ApiError {
    ApiError::conflict(
        ErrorCode::NominationLocked,
        format!("a {} nomination no longer changes; it changes only as a draft or once returned", status.as_str()),
    )
    .localized("nomination_locked-status", [("status", crate::error::Arg::text(status.label_vi()))])
}

/// Replaces what the unit proposes, while it is a draft or returned, at `expected_version`.
pub fn replace_nomination(
    conn: &mut DbConn,
    id: NominationId,
    input: NominationInput,
    expected_version: Option<i32>,
) -> Result<NominationDetail, ApiError> {
    let current = lock(conn, id)?;
    if expected_version.is_some_and(|v| v != current.version) {
        return Err(ApiError::precondition_failed());
    }
    if !current.status.is_editable() {
        return Err(not_editable(current.status));
    }
    let facts = InputFacts::load(conn, std::slice::from_ref(&input))?;
    let kind = facts.check(&input)?;
    // A line of an annual round stays a regular commendation; otherwise what the unit says, its
    // campaign's, or what it was.
    let round_line = dossier_lines::table.find(id).count().get_result::<i64>(conn)? > 0;
    let commendation_type = if round_line {
        if input.commendation_type.is_some_and(|t| t != CommendationType::Regular) {
            return Err(ApiError::validation(vec![FieldError::new(
                "commendation_type",
                ErrorCode::InvalidChoice,
                "a line of an annual round is a regular commendation",
            )]));
        }
        Some(CommendationType::Regular)
    } else {
        facts.commendation_type(&input).or(current.commendation_type)
    };
    if current.status == NominationStatus::Returned {
        // Once submitted, the ground it was judged on stays on record: achievements can be
        // added, not taken away.
        let linked: Vec<AchievementId> = nomination_achievements::table
            .filter(nomination_achievements::nomination_id.eq(id))
            .select(nomination_achievements::achievement_id)
            .load(conn)?;
        if linked.iter().any(|a| !input.achievement_ids.contains(a)) {
            return Err(ApiError::validation(vec![FieldError::new(
                "achievement_ids",
                ErrorCode::CannotRemove,
                "a submitted nomination's achievements can be added to, not removed",
            )]));
        }
    }
    diesel::update(nominations::table.find(id))
        .set((
            nominations::award_type_id.eq(input.award_type_id),
            nominations::nominee_kind.eq(kind),
            nominations::person_id.eq(input.person_id),
            nominations::household_name.eq(&input.household_name),
            nominations::year.eq(input.year),
            nominations::campaign_id.eq(input.campaign_id),
            nominations::under_discipline.eq(input.under_discipline),
            nominations::commendation_type.eq(commendation_type),
            nominations::version.eq(current.version + 1),
            nominations::updated_at.eq(db::now()),
        ))
        .execute(conn)?;
    write_achievements(conn, id, &input.achievement_ids)?;
    detail(conn, id)
}

/// Records a dossier document already in the store, while the nomination can change.
pub fn add_document(
    conn: &mut DbConn,
    nomination_id: NominationId,
    kind: DocumentKind,
    document: NewFile,
) -> Result<StoredFile, ApiError> {
    let current = lock(conn, nomination_id)?;
    if !current.status.is_editable() {
        return Err(not_editable(current.status));
    }
    diesel::update(nominations::table.find(current.id))
        .set((nominations::version.eq(current.version + 1), nominations::updated_at.eq(db::now())))
        .execute(conn)?;
    let document = document.owned_by(Owner::Nomination(current.id, kind));
    stored_files::insert(conn, &document)?;
    Ok(document)
}

pub fn find_document(conn: &mut DbConn, id: StoredFileId) -> Result<(StoredFile, Nomination), ApiError> {
    let (document, nomination_id) =
        stored_files::find_document(conn, id)?.ok_or_else(|| ApiError::not_found("document"))?;
    let nomination = find_nomination(conn, nomination_id)?;
    Ok((document, nomination))
}

/// One move asked of a nomination: the action, the reason given, and the version the caller
/// last read (`If-Match`), if any.
pub struct Move {
    pub id: NominationId,
    pub action: NominationAction,
    pub reason: Option<String>,
    pub expected_version: Option<i32>,
}

/// Why a batch ([`transition_all`], [`create_nominations`]) did nothing: the items refused (by
/// position, each with the error the one-item call would give), or a failure of the database.
/// The caller returns an error either way, so the transaction and what was written in it are
/// rolled back.
pub enum BatchError {
    Refused(Vec<(usize, ApiError)>),
    Failed(ApiError),
}

impl From<ApiError> for BatchError {
    fn from(e: ApiError) -> Self {
        BatchError::Failed(e)
    }
}

impl From<diesel::result::Error> for BatchError {
    fn from(e: diesel::result::Error) -> Self {
        BatchError::Failed(e.into())
    }
}

/// Moves one nomination along; submission judges eligibility (blocking problems refuse it, with
/// the problems listed) and fixes the rules version it is judged under.
pub fn transition(
    conn: &mut DbConn,
    id: NominationId,
    action: NominationAction,
    actor: UserId,
    reason: Option<String>,
    expected_version: Option<i32>,
    today: NaiveDate,
) -> Result<NominationDetail, ApiError> {
    match transition_all(conn, &[Move { id, action, reason, expected_version }], actor, today) {
        Ok(()) => detail(conn, id),
        Err(BatchError::Refused(mut refused)) => Err(refused.pop().map_or_else(nomination_not_found, |(_, e)| e)),
        Err(BatchError::Failed(e)) => Err(e),
    }
}

/// Makes many moves in one transaction, in order, each as [`transition`] would: a submission is
/// judged as if the submissions before it had been made (a dossier's CSTĐ line after its LĐTT
/// line). Every move is checked; any refusal refuses them all. A few statements per 500 moves,
/// plus one update per move: the rows locked and read together, eligibility's facts read
/// together ([`Judging`]), the history written together. Submissions are judged on the state
/// before this call's other kinds of moves (callers send one kind).
pub fn transition_all(conn: &mut DbConn, moves: &[Move], actor: UserId, today: NaiveDate) -> Result<(), BatchError> {
    if moves.len() > 1 {
        db::plan_each_statement(conn)?;
    }
    let ids: Vec<NominationId> = moves.iter().map(|m| m.id).collect();
    let current = lock_all(conn, &ids)?;
    let mut refused = Vec::new();
    let mut planned: Vec<(usize, &Move, &Nomination, NominationStatus)> = Vec::with_capacity(moves.len());
    let mut needs_vote: HashMap<AwardTypeVersionId, bool> = HashMap::new();
    let mut seen = std::collections::HashSet::with_capacity(moves.len());
    for (i, m) in moves.iter().enumerate() {
        let Some(n) = current.get(&m.id) else {
            refused.push((i, nomination_not_found()));
            continue;
        };
        // Each move starts from the row as read: a second move of the same nomination would
        // start from a state it no longer has.
        if !seen.insert(m.id) {
            refused.push((i, ApiError::conflict(ErrorCode::Duplicate, "a nomination is moved once per request")));
            continue;
        }
        if m.expected_version.is_some_and(|v| v != n.version) {
            refused.push((i, ApiError::precondition_failed()));
            continue;
        }
        let Some(to) = n.status.after(m.action) else {
            refused.push((i, illegal_transition(n.status, m.action)));
            continue;
        };
        if n.status == NominationStatus::Posted && !crate::models::decisions::posted_before_council(conn, n)? {
            refused.push((i, illegal_transition(n.status, m.action)));
            continue;
        }
        if matches!(m.action, NominationAction::Reject | NominationAction::Withdraw) && before_open_session(conn, n.id)?
        {
            refused.push((
                i,
                ApiError::conflict(
                    ErrorCode::BeforeCouncil,
                    "the nomination is before an open council session; its vote decides it",
                ),
            ));
            continue;
        }
        if m.action == NominationAction::Approve {
            let vote = match n.award_type_version_id {
                Some(v) => match needs_vote.get(&v) {
                    Some(known) => *known,
                    None => {
                        let (_, versions) = find_award_type(conn, n.award_type_id)?;
                        let known = versions.iter().find(|x| x.id == v).is_some_and(|x| x.council_vote_required);
                        needs_vote.insert(v, known);
                        known
                    }
                },
                None => false,
            };
            if vote {
                refused.push((
                    i,
                    ApiError::conflict(
                        ErrorCode::CouncilVoteRequired,
                        "this award needs the council's vote; it is approved by the vote's result",
                    ),
                ));
                continue;
            }
        }
        planned.push((i, m, n, to));
    }
    // Quotas are counted per unit, type and year: submissions of one queue here (in one order,
    // so two batches cannot wait on each other).
    let submissions: Vec<Nomination> = planned
        .iter()
        .filter(|(_, m, _, _)| m.action == NominationAction::Submit)
        .map(|(_, _, n, _)| (*n).clone())
        .collect();
    let mut judging = None;
    if !submissions.is_empty() {
        let scopes: std::collections::BTreeSet<String> =
            submissions.iter().map(|n| format!("quota:{}:{}:{}", n.unit_id, n.award_type_id, n.year)).collect();
        for scope in scopes {
            db::lock_for_transaction(conn, &scope)?;
        }
        judging = Some(Judging::load(conn, &submissions, today)?);
    }
    let now = db::now();
    let mut history = Vec::with_capacity(planned.len());
    let mut moved: HashMap<NominationStatus, Vec<NominationId>> = HashMap::new();
    for (i, m, n, to) in planned {
        if let (NominationAction::Submit, Some(judging)) = (m.action, judging.as_mut()) {
            let result = judging.judge(conn, n)?;
            if !result.eligibility.blocking.is_empty() {
                refused.push((i, not_eligible(&result.eligibility)));
                continue;
            }
            judging.accept(n);
            let judged =
                Some(serde_json::to_string(&result.eligibility.with_translations()).expect("eligibility serializes"));
            // Written now, not at the end: what the next submission reads per nomination (a
            // collective's members) sees this one as it is.
            diesel::update(nominations::table.find(n.id))
                .set((
                    nominations::status.eq(to),
                    nominations::award_type_version_id.eq(result.version_id),
                    nominations::eligibility.eq(&judged),
                    nominations::version.eq(n.version + 1),
                    nominations::updated_at.eq(now),
                ))
                .execute(conn)?;
        } else {
            // Only the status moves: written together, 500 a statement, below.
            moved.entry(to).or_default().push(n.id);
        }
        history.push((
            nomination_transitions::id.eq(NominationTransitionId::generate()),
            nomination_transitions::nomination_id.eq(n.id),
            nomination_transitions::from_status.eq(n.status),
            nomination_transitions::to_status.eq(to),
            nomination_transitions::actor_id.eq(actor),
            nomination_transitions::reason.eq(m.reason.clone()),
            nomination_transitions::at.eq(now),
        ));
    }
    if !refused.is_empty() {
        refused.sort_by_key(|(i, _)| *i);
        return Err(BatchError::Refused(refused));
    }
    for (to, ids) in moved {
        for chunk in ids.chunks(db::BATCH_ROWS) {
            diesel::update(nominations::table.filter(db::one_of(nominations::id, chunk)))
                .set((
                    nominations::status.eq(to),
                    nominations::version.eq(nominations::version + 1),
                    nominations::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
    }
    db::insert_batches!(conn, nomination_transitions::table, history);
    Ok(())
}

/// Locks (on PostgreSQL, in id order, as `db::lock_row!` does one) and reads the nominations,
/// 500 a query; ids that name none are left out.
pub fn lock_all(conn: &mut DbConn, ids: &[NominationId]) -> Result<HashMap<NominationId, Nomination>, ApiError> {
    let mut sorted = ids.to_vec();
    sorted.sort();
    sorted.dedup();
    let mut found = HashMap::with_capacity(sorted.len());
    for chunk in sorted.chunks(db::BATCH_ROWS) {
        let rows: Vec<Nomination> = match conn {
            DbConn::Postgres(pg) => nominations::table
                .filter(db::one_of(nominations::id, chunk))
                .order(nominations::id)
                .select(Nomination::as_select())
                .for_no_key_update()
                .load(pg)?,
            DbConn::Sqlite(_) => nominations::table
                .filter(db::one_of(nominations::id, chunk))
                .select(Nomination::as_select())
                .load(conn)?,
        };
        found.extend(rows.into_iter().map(|n| (n.id, n)));
    }
    Ok(found)
}

fn illegal_transition(from: NominationStatus, action: NominationAction) -> ApiError {
    ApiError::conflict(
        ErrorCode::IllegalTransition,
        format!("a {} nomination cannot take \"{}\"", from.as_str(), action.as_str()),
    )
    .localized(
        "illegal_transition-action",
        [
            ("record", crate::error::Arg::Record("nomination".into())),
            ("status", crate::error::Arg::text(from.label_vi())),
            ("action", crate::error::Arg::text(action.label_vi())),
        ],
    )
}

/// The refusal of a submission with blocking problems, each problem as `eligibility`.
fn not_eligible(result: &Eligibility) -> ApiError {
    let errors = result
        .blocking
        .iter()
        .map(|p| FieldError {
            localized: p.localized.clone(),
            ..FieldError::new("eligibility", p.code, p.message.clone())
        })
        .collect();
    ApiError { errors, ..ApiError::new(ErrorCode::NotEligible, "the nomination cannot be submitted; see errors") }
}

#[derive(Default)]
pub struct NominationFilter {
    /// Only the nominations on the agenda of this council member's sessions (or, with
    /// `own_unit`, those or the unit's).
    pub council_member: Option<UserId>,
    /// Only this unit's: the caller's own unit, when they are bound to one.
    pub own_unit: Option<UnitId>,
    /// The `unit_id` filter asked for.
    pub unit_id: Option<UnitId>,
    pub status: Option<NominationStatus>,
    pub award_type_id: Option<AwardTypeId>,
    pub year: Option<i32>,
    pub before_id: Option<NominationId>,
    pub limit: i64,
}

/// Nominations with their details, newest first; `limit + 1` rows.
///
/// Built and run on the backend's own connection (`on_backend!`): a page is the hottest list
/// there is, and through `DbConn` diesel writes a statement's SQL out on every pass over it,
/// the bind pass included — for this statement (with its children's subquery) about a twentieth
/// of a unit officer's page on SQLite (docs/benchmarks.md, 2026-12-11).
pub fn list(conn: &mut DbConn, filter: &NominationFilter) -> Result<Vec<NominationDetail>, ApiError> {
    let agenda = filter.council_member.map(|member| agenda_of(conn, member)).transpose()?;
    Ok(db::on_backend!(conn, |c| {
        let mut query = nominations::table.into_boxed();
        // What the caller may see: a council member's agenda, their own unit's, or — for a
        // member who belongs to a unit — either.
        match (&agenda, filter.own_unit) {
            (Some(agenda), Some(unit)) => {
                query = query.filter(db::one_of(nominations::id, agenda).or(nominations::unit_id.eq(unit)));
            }
            (Some(agenda), None) => query = query.filter(db::one_of(nominations::id, agenda)),
            (None, Some(unit)) => query = query.filter(nominations::unit_id.eq(unit)),
            (None, None) => {}
        }
        if let Some(unit) = filter.unit_id {
            query = query.filter(nominations::unit_id.eq(unit));
        }
        if let Some(status) = filter.status {
            query = query.filter(nominations::status.eq(status));
        }
        if let Some(t) = filter.award_type_id {
            query = query.filter(nominations::award_type_id.eq(t));
        }
        if let Some(year) = filter.year {
            query = query.filter(nominations::year.eq(year));
        }
        if let Some(before) = filter.before_id {
            query = query.filter(nominations::id.lt(before));
        }
        let query = query.order(nominations::id.desc()).limit(filter.limit + 1);
        if filter.status.is_none() {
            c.load_details(query)?
        } else {
            // By status (and year): the page's ids first, from `nominations_status (status,
            // year, id)` alone, then their rows. Asked for whole rows at once, PostgreSQL walks
            // the primary key backwards instead, taking one year's rows to be spread over all
            // ids: 1.2 s at 1M rows against 2 ms (docs/plans/postgres-1m.md).
            let ids: Vec<NominationId> = query.select(nominations::id).load(c)?;
            c.load_details(
                nominations::table.filter(db::one_of(nominations::id, &ids)).order(nominations::id.desc()).into_boxed(),
            )?
        }
    }))
}

/// Whether the nomination is on the agenda of an open council session.
pub fn before_open_session(conn: &mut DbConn, nomination_id: NominationId) -> Result<bool, ApiError> {
    use crate::db::schema::{council_items, council_sessions};
    let count: i64 = council_items::table
        .inner_join(council_sessions::table.on(council_sessions::id.eq(council_items::session_id)))
        .filter(council_items::nomination_id.eq(nomination_id))
        .filter(council_sessions::status.eq(crate::domain::council::SessionStatus::Open))
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

/// What links a record to a council member's agenda.
pub enum AgendaLink {
    Nomination(NominationId),
    /// The nominee.
    Person(PersonId),
    /// An achievement a nomination cites (and so its evidence).
    Achievement(AchievementId),
}

/// Whether the record is a nomination on the agenda of a session `member` sits on, or what
/// such a nomination's dossier rests on.
pub fn on_agenda_of(conn: &mut DbConn, member: UserId, link: AgendaLink) -> Result<bool, ApiError> {
    use crate::db::schema::nomination_achievements;
    let agenda = agenda_of(conn, member)?;
    if agenda.is_empty() {
        return Ok(false);
    }
    let count: i64 = match link {
        AgendaLink::Nomination(id) => return Ok(agenda.contains(&id)),
        AgendaLink::Person(id) => nominations::table
            .filter(db::one_of(nominations::id, &agenda))
            .filter(nominations::person_id.eq(id))
            .count()
            .get_result(conn)?,
        AgendaLink::Achievement(id) => nomination_achievements::table
            .filter(db::one_of(nomination_achievements::nomination_id, &agenda))
            .filter(nomination_achievements::achievement_id.eq(id))
            .count()
            .get_result(conn)?,
    };
    Ok(count > 0)
}

/// The nominations on the agendas of the sessions `member` sits on.
pub fn agenda_of(conn: &mut DbConn, member: UserId) -> Result<Vec<NominationId>, ApiError> {
    use crate::db::schema::{council_items, council_members};
    Ok(council_items::table
        .inner_join(council_members::table.on(council_members::session_id.eq(council_items::session_id)))
        .filter(council_members::user_id.eq(member))
        .select(council_items::nomination_id)
        .load(conn)?)
}

/// Applies a council vote's result to an appraised nomination: approved or rejected, recorded
/// with the tally as the reason.
pub fn record_council_result(
    conn: &mut DbConn,
    nomination_id: NominationId,
    passed: bool,
    actor: UserId,
    reason: String,
) -> Result<(), ApiError> {
    let current = lock(conn, nomination_id)?;
    // Appraised, or posted before the council met; withdrawn meanwhile, the vote no longer
    // decides anything.
    if !matches!(current.status, NominationStatus::Appraised | NominationStatus::Posted) {
        return Ok(());
    }
    let to = if passed { NominationStatus::Approved } else { NominationStatus::Rejected };
    let now = db::now();
    diesel::update(nominations::table.find(nomination_id))
        .set((
            nominations::status.eq(to),
            nominations::version.eq(current.version + 1),
            nominations::updated_at.eq(now),
        ))
        .execute(conn)?;
    diesel::insert_into(nomination_transitions::table)
        .values((
            nomination_transitions::id.eq(NominationTransitionId::generate()),
            nomination_transitions::nomination_id.eq(nomination_id),
            nomination_transitions::from_status.eq(current.status),
            nomination_transitions::to_status.eq(to),
            nomination_transitions::actor_id.eq(actor),
            nomination_transitions::reason.eq(Some(reason)),
            nomination_transitions::at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// The rules version a nomination was judged under.
pub fn judged_version(
    conn: &mut DbConn,
    n: &Nomination,
) -> Result<Option<crate::models::awards::AwardTypeVersion>, ApiError> {
    let (_, versions) = find_award_type(conn, n.award_type_id)?;
    Ok(versions.into_iter().find(|v| Some(v.id) == n.award_type_version_id))
}
