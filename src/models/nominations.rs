//! Nominations in SQL: the record, its achievements and dossier, its history, and the facts its
//! eligibility is judged on, all read inside the transaction that submits it.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use crate::db::schema::{achievements, awards, nomination_achievements, nomination_transitions, nominations};
use crate::db::sql_types::UtcTimestamp;
use crate::db::{self, DbConn};
use crate::domain::awards::{quota, NomineeKind, Severity};
use crate::domain::ids::{
    AchievementId, AwardTypeId, AwardTypeVersionId, CampaignId, NominationId, NominationTransitionId, PersonId,
    StoredFileId, UnitId, UserId,
};
use crate::domain::nominations::{
    judge, required_documents, DocumentKind, Eligibility, EligibilityFacts, NominationAction, NominationStatus,
};
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::models::awards::{
    find_award_type, find_award_type_by_code, find_person, unit_and_predecessors, version_on, AwardTypeVersion,
};
use crate::models::stored_files::{self, NewFile, Owner, StoredFile};

type Db = <DbConn as Connection>::Backend;

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
}

pub fn nomination_not_found() -> ApiError {
    ApiError::not_found("nomination")
}

pub fn find_nomination(conn: &mut DbConn, id: NominationId) -> Result<Nomination, ApiError> {
    nominations::table.find(id).select(Nomination::as_select()).first(conn).optional()?.ok_or_else(nomination_not_found)
}

/// Details of several nominations in four queries, whatever their number (for list pages).
pub fn details(conn: &mut DbConn, rows: Vec<Nomination>) -> Result<Vec<NominationDetail>, ApiError> {
    let ids: Vec<NominationId> = rows.iter().map(|n| n.id).collect();
    let links: Vec<(NominationId, AchievementId)> = nomination_achievements::table
        .filter(nomination_achievements::nomination_id.eq_any(&ids))
        .order((nomination_achievements::nomination_id, nomination_achievements::achievement_id))
        .select((nomination_achievements::nomination_id, nomination_achievements::achievement_id))
        .load(conn)?;
    let documents = stored_files::of_nominations(conn, &ids)?;
    let history: Vec<NominationTransition> = nomination_transitions::table
        .filter(nomination_transitions::nomination_id.eq_any(&ids))
        .order((nomination_transitions::at, nomination_transitions::id))
        .select(NominationTransition::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|nomination| NominationDetail {
            achievement_ids: links.iter().filter(|(n, _)| *n == nomination.id).map(|(_, a)| *a).collect(),
            documents: documents.iter().filter(|d| d.nomination_id == Some(nomination.id)).cloned().collect(),
            history: history.iter().filter(|t| t.nomination_id == nomination.id).cloned().collect(),
            nomination,
        })
        .collect())
}

pub fn detail(conn: &mut DbConn, id: NominationId) -> Result<NominationDetail, ApiError> {
    let nomination = find_nomination(conn, id)?;
    let achievement_ids = nomination_achievements::table
        .filter(nomination_achievements::nomination_id.eq(id))
        .select(nomination_achievements::achievement_id)
        .order(nomination_achievements::achievement_id)
        .load(conn)?;
    let documents = stored_files::of_nominations(conn, &[nomination.id])?;
    let history = nomination_transitions::table
        .filter(nomination_transitions::nomination_id.eq(id))
        .order((nomination_transitions::at, nomination_transitions::id))
        .select(NominationTransition::as_select())
        .load(conn)?;
    Ok(NominationDetail { nomination, achievement_ids, documents, history })
}

/// The nominee fits the award type's subject and belongs to the nominating unit; the
/// achievements are the unit's own.
fn check_input(conn: &mut DbConn, input: &NominationInput) -> Result<NomineeKind, ApiError> {
    let (award_type, _) = find_award_type(conn, input.award_type_id).map_err(|_| {
        ApiError::validation(vec![FieldError::new("award_type_id", ErrorCode::NotFound, "no award type has this id")])
    })?;
    let kind = match (award_type.subject.as_str(), &input.person_id, &input.household_name) {
        ("individual", Some(person), None) => {
            // A person of another unit answers like one that does not exist.
            let not_found = || {
                ApiError::validation(vec![FieldError::new(
                    "person_id",
                    ErrorCode::NotFound,
                    "no person of this unit has this id",
                )])
            };
            let person = match find_person(conn, *person) {
                Ok(p) => p,
                Err(e) if e.status == actix_web::http::StatusCode::NOT_FOUND => return Err(not_found()),
                Err(e) => return Err(e),
            };
            if person.unit_id != input.unit_id {
                return Err(not_found());
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
    let owners: Vec<(AchievementId, UnitId)> = achievements::table
        .filter(achievements::id.eq_any(&input.achievement_ids))
        .select((achievements::id, achievements::unit_id))
        .load(conn)?;
    for (i, id) in input.achievement_ids.iter().enumerate() {
        match owners.iter().find(|(a, _)| a == id) {
            Some((_, unit)) if *unit == input.unit_id => {}
            _ => {
                return Err(ApiError::validation(vec![FieldError::new(
                    format!("achievement_ids[{i}]"),
                    ErrorCode::NotFound,
                    "not an achievement of this unit",
                )]))
            }
        }
    }
    Ok(kind)
}

/// Links the achievements not linked yet (links are never removed here: see `replace_nomination`).
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
    let kind = check_input(conn, &input)?;
    let id = NominationId::generate();
    let now = db::now();
    diesel::insert_into(nominations::table)
        .values((
            nominations::id.eq(id),
            nominations::award_type_id.eq(input.award_type_id),
            nominations::nominee_kind.eq(kind),
            nominations::person_id.eq(input.person_id),
            nominations::unit_id.eq(input.unit_id),
            nominations::household_name.eq(&input.household_name),
            nominations::year.eq(input.year),
            nominations::campaign_id.eq(input.campaign_id),
            nominations::under_discipline.eq(input.under_discipline),
            nominations::status.eq(NominationStatus::Draft),
            nominations::version.eq(1),
            nominations::created_by.eq(actor),
            nominations::created_at.eq(now),
            nominations::updated_at.eq(now),
        ))
        .execute(conn)?;
    write_achievements(conn, id, &input.achievement_ids)?;
    detail(conn, id)
}

pub(crate) fn lock(conn: &mut DbConn, id: NominationId) -> Result<Nomination, ApiError> {
    if let DbConn::Postgres(pg) = conn {
        nominations::table.find(id).select(nominations::id).for_update().first::<NominationId>(pg).optional()?;
    }
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
    let kind = check_input(conn, &input)?;
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

/// Gathers the facts and judges eligibility, as of `today`.
fn eligibility(
    conn: &mut DbConn,
    n: &Nomination,
    today: NaiveDate,
) -> Result<(Eligibility, Option<AwardTypeVersionId>), ApiError> {
    let (award_type, versions) = find_award_type(conn, n.award_type_id)?;
    let version = version_on(&versions, today).cloned();
    let mut prerequisites = Vec::new();
    let mut prerequisite_names = std::collections::HashMap::new();
    let mut pending: std::collections::HashMap<String, Vec<i32>> = std::collections::HashMap::new();
    if let Some(v) = &version {
        for p in v.prerequisite_list()? {
            let Some(required) = find_award_type_by_code(conn, &p.award_type_code)? else { continue };
            prerequisite_names.insert(required.code.clone(), required.name.clone());
            let mut query = awards::table
                .filter(awards::award_type_id.eq(required.id))
                .filter(awards::revoked_at.is_null())
                .into_boxed::<Db>();
            query = match (n.person_id, n.nominee_kind) {
                (Some(person), _) => query.filter(awards::person_id.eq(person)),
                (None, NomineeKind::Unit) => query
                    .filter(awards::unit_id.eq_any(unit_and_predecessors(conn, n.unit_id)?))
                    .filter(awards::recipient_kind.eq(NomineeKind::Unit)),
                _ => query
                    .filter(awards::unit_id.eq(n.unit_id))
                    .filter(awards::household_name.eq(n.household_name.clone().unwrap_or_default())),
            };
            let years: Vec<i32> = query.select(awards::year).load(conn)?;
            // The nominee's own nominations for the title still under review (the same year's
            // LĐTT line of the same dossier): met with them, the line goes on with a warning.
            let under_review: Vec<&str> = [
                NominationStatus::Submitted,
                NominationStatus::Appraised,
                NominationStatus::Approved,
                NominationStatus::Posted,
            ]
            .iter()
            .map(|s| s.as_str())
            .collect();
            let mut pending_query = nominations::table
                .filter(nominations::award_type_id.eq(required.id))
                .filter(nominations::id.ne(&n.id))
                .filter(nominations::status.eq_any(under_review))
                .into_boxed::<Db>();
            pending_query = match (&n.person_id, n.nominee_kind) {
                (Some(person), _) => pending_query.filter(nominations::person_id.eq(*person)),
                (None, NomineeKind::Unit) => pending_query
                    .filter(nominations::unit_id.eq(n.unit_id))
                    .filter(nominations::nominee_kind.eq(NomineeKind::Unit)),
                _ => pending_query
                    .filter(nominations::unit_id.eq(n.unit_id))
                    .filter(nominations::household_name.eq(n.household_name.clone().unwrap_or_default())),
            };
            let pending_years: Vec<i32> = pending_query.select(nominations::year).load(conn)?;
            pending.entry(required.code.clone()).or_default().extend(pending_years);
            prerequisites.push((p, years));
        }
    }
    // Under review or granted: a second nomination resting on the same ground is refused.
    let granting: Vec<NominationStatus> = NominationStatus::ALL.iter().copied().filter(|s| s.uses_quota()).collect();
    let mine: Vec<AchievementId> = nomination_achievements::table
        .filter(nomination_achievements::nomination_id.eq(n.id))
        .select(nomination_achievements::achievement_id)
        .load(conn)?;
    let already_rewarded: i64 = nomination_achievements::table
        .inner_join(nominations::table.on(nominations::id.eq(nomination_achievements::nomination_id)))
        .filter(nomination_achievements::achievement_id.eq_any(&mine))
        .filter(nominations::id.ne(n.id))
        .filter(nominations::status.eq_any(&granting))
        .count()
        .get_result(conn)?;
    let mut same_nominee = nominations::table
        .filter(nominations::id.ne(n.id))
        .filter(nominations::award_type_id.eq(n.award_type_id))
        .filter(nominations::year.eq(n.year))
        .filter(nominations::unit_id.eq(n.unit_id))
        .filter(nominations::status.eq_any(granting.clone()))
        .into_boxed::<Db>();
    same_nominee = match n.person_id {
        Some(person) => same_nominee.filter(nominations::person_id.eq(person)),
        None => {
            let kind = same_nominee.filter(nominations::nominee_kind.eq(n.nominee_kind));
            match &n.household_name {
                Some(household) => kind.filter(nominations::household_name.eq(household.clone())),
                None => kind.filter(nominations::household_name.is_null()),
            }
        }
    };
    let duplicate = same_nominee.count().get_result::<i64>(conn)? > 0;
    // A dossier line is held to its round's quota (which the board set, or copied from the rules
    // when it opened the round), so the line and the round's quota report agree; any other
    // nomination to the quota of its rules.
    let line = crate::models::rounds::line_of(conn, n.id)?;
    let quota_rule: Option<(Option<AwardTypeId>, String)> = match line {
        Some((dossier, _)) => crate::models::rounds::quota_of_line(conn, dossier, n.award_type_id)?
            .map(|(base, percent)| (Some(base), percent)),
        None => match version.as_ref().and_then(|v| Some((v.quota_of_code.clone()?, v.quota_percent.clone()?))) {
            Some((base_code, percent)) => Some((find_award_type_by_code(conn, &base_code)?.map(|b| b.id), percent)),
            None => None,
        },
    };
    let quota = match quota_rule {
        Some((base_type, percent)) => {
            // The unit's holders of the base title that year, and those proposed for it still
            // under review (an annual round proposes LĐTT and CSTĐ cơ sở together), each once.
            let base_count: i64 = match base_type {
                Some(base) => {
                    let held: Vec<Option<PersonId>> = awards::table
                        .filter(awards::award_type_id.eq(base))
                        .filter(awards::unit_id.eq(n.unit_id))
                        .filter(awards::year.eq(n.year))
                        .filter(awards::revoked_at.is_null())
                        .select(awards::person_id)
                        .load(conn)?;
                    let proposed: Vec<Option<PersonId>> = nominations::table
                        .filter(nominations::award_type_id.eq(base))
                        .filter(nominations::unit_id.eq(n.unit_id))
                        .filter(nominations::year.eq(n.year))
                        .filter(nominations::status.eq_any(&granting))
                        .select(nominations::person_id)
                        .load(conn)?;
                    let unnamed = held.iter().filter(|p| p.is_none()).count();
                    let named: std::collections::HashSet<PersonId> =
                        held.into_iter().chain(proposed).flatten().collect();
                    (named.len() + unnamed) as i64
                }
                None => 0,
            };
            let used: i64 = nominations::table
                .filter(nominations::award_type_id.eq(n.award_type_id))
                .filter(nominations::unit_id.eq(n.unit_id))
                .filter(nominations::year.eq(n.year))
                .filter(nominations::id.ne(n.id))
                .filter(nominations::status.eq_any(granting))
                .count()
                .get_result(conn)?;
            let percent = crate::domain::campaigns::stored_decimal(&percent).unwrap_or_default();
            let severity = version.as_ref().map_or(Severity::Warning, |v| v.quota_on_failure);
            Some((quota(base_count as u32, percent), used as u32 + 1, severity))
        }
        None => None,
    };
    let mut present = stored_files::document_kinds_of(conn, n.id)?;
    // A dossier line also has the dossier's shared documents (its tờ trình, biên bản bình xét),
    // but not a shared initiative document: an initiative proves one nominee's merit, so it
    // counts only when filed with that nominee's line. The line is also checked against the
    // unit's title registration of the year.
    let mut registered = None;
    if let Some((dossier, _)) = line {
        present.extend(
            stored_files::document_kinds_of_dossier(conn, dossier)?
                .into_iter()
                .filter(|k| *k != DocumentKind::SangKien),
        );
        let listed =
            crate::models::title_registrations::registered(conn, n.unit_id, n.year, n.award_type_id, n.person_id)?;
        registered = Some((listed, award_type.name.clone()));
    }
    let missing_documents = required_documents(&award_type.code).into_iter().filter(|k| !present.contains(k)).collect();
    let initiatives =
        match (version.as_ref().map(AwardTypeVersion::initiative_requirement).transpose()?.flatten(), n.person_id) {
            (Some(requirement), Some(person)) => {
                let held = crate::models::initiatives::recognitions_of(conn, person)?;
                let proof = present.contains(&DocumentKind::SangKien);
                Some((requirement, held, proof))
            }
            _ => None,
        };
    // A collective title whose rules ask things of the unit's members (Tập thể lao động xuất
    // sắc, tiên tiến): judged from the unit's people.
    let members =
        match (version.as_ref().map(AwardTypeVersion::member_requirement).transpose()?.flatten(), n.nominee_kind) {
            (Some(requirement), NomineeKind::Unit) => {
                let (facts, title, one_title) =
                    crate::models::collectives::member_facts(conn, n.unit_id, n.year, &requirement)?;
                Some((requirement, facts, title, one_title))
            }
            _ => None,
        };
    let facts = EligibilityFacts {
        has_rules: version.is_some(),
        prerequisites,
        prerequisite_names,
        pending,
        year: n.year,
        already_rewarded: already_rewarded as usize,
        duplicate,
        quota,
        missing_documents,
        under_discipline: n.under_discipline,
        initiatives,
        registered,
        members,
    };
    Ok((judge(&facts), version.map(|v| v.id)))
}

/// Moves a nomination along; submission judges eligibility (blocking problems refuse it, with
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
    let current = lock(conn, id)?;
    if expected_version.is_some_and(|v| v != current.version) {
        return Err(ApiError::precondition_failed());
    }
    let from = current.status;
    let Some(to) = from.after(action) else {
        return Err(ApiError::conflict(
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
        ));
    };
    let mut version_id = current.award_type_version_id;
    let mut judged = current.eligibility.clone();
    if action == NominationAction::Submit {
        // Quotas are counted per unit, type and year: submissions of one queue here.
        db::lock_for_transaction(
            conn,
            &format!("quota:{}:{}:{}", current.unit_id, current.award_type_id, current.year),
        )?;
        let (result, version) = eligibility(conn, &current, today)?;
        if !result.blocking.is_empty() {
            let errors = result
                .blocking
                .iter()
                .map(|p| FieldError {
                    localized: p.localized.clone(),
                    ..FieldError::new("eligibility", p.code, p.message.clone())
                })
                .collect();
            return Err(ApiError {
                errors,
                ..ApiError::new(ErrorCode::NotEligible, "the nomination cannot be submitted; see errors")
            });
        }
        version_id = version;
        judged = Some(serde_json::to_string(&result.with_translations()).expect("eligibility serializes"));
    }
    if matches!(action, NominationAction::Reject | NominationAction::Withdraw) && before_open_session(conn, id)? {
        return Err(ApiError::conflict(
            ErrorCode::BeforeCouncil,
            "the nomination is before an open council session; its vote decides it",
        ));
    }
    if action == NominationAction::Approve {
        let (_, versions) = find_award_type(conn, current.award_type_id)?;
        let needs_vote = versions
            .iter()
            .find(|v| Some(v.id) == current.award_type_version_id)
            .is_some_and(|v| v.council_vote_required);
        if needs_vote {
            return Err(ApiError::conflict(
                ErrorCode::CouncilVoteRequired,
                "this award needs the council's vote; it is approved by the vote's result",
            ));
        }
    }
    let now = db::now();
    diesel::update(nominations::table.find(id))
        .set((
            nominations::status.eq(to),
            nominations::award_type_version_id.eq(version_id),
            nominations::eligibility.eq(&judged),
            nominations::version.eq(current.version + 1),
            nominations::updated_at.eq(now),
        ))
        .execute(conn)?;
    diesel::insert_into(nomination_transitions::table)
        .values((
            nomination_transitions::id.eq(NominationTransitionId::generate()),
            nomination_transitions::nomination_id.eq(id),
            nomination_transitions::from_status.eq(from),
            nomination_transitions::to_status.eq(to),
            nomination_transitions::actor_id.eq(actor),
            nomination_transitions::reason.eq(reason),
            nomination_transitions::at.eq(now),
        ))
        .execute(conn)?;
    detail(conn, id)
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

/// Nominations, newest first; `limit + 1` rows.
pub fn list(conn: &mut DbConn, filter: &NominationFilter) -> Result<Vec<Nomination>, ApiError> {
    let mut query = nominations::table.into_boxed::<Db>();
    // What the caller may see: a council member's agenda, their own unit's, or — for a member
    // who belongs to a unit — either.
    match (filter.council_member, filter.own_unit) {
        (Some(member), Some(unit)) => {
            query = query.filter(nominations::id.eq_any(agenda_of(conn, member)?).or(nominations::unit_id.eq(unit)));
        }
        (Some(member), None) => query = query.filter(nominations::id.eq_any(agenda_of(conn, member)?)),
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
    Ok(query.order(nominations::id.desc()).limit(filter.limit + 1).select(Nomination::as_select()).load(conn)?)
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
            .filter(nominations::id.eq_any(&agenda))
            .filter(nominations::person_id.eq(id))
            .count()
            .get_result(conn)?,
        AgendaLink::Achievement(id) => nomination_achievements::table
            .filter(nomination_achievements::nomination_id.eq_any(&agenda))
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
    if current.status != NominationStatus::Appraised {
        return Ok(()); // withdrawn meanwhile: the vote no longer decides anything
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
            nomination_transitions::from_status.eq(NominationStatus::Appraised),
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
