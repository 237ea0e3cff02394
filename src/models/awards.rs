//! The award catalogue with versioned rules, and the award history, in SQL (people are in
//! `models::people`).

use crate::domain::cluster_votes::ClusterProposalRule;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use crate::db::schema::{award_type_versions, award_types, awards, unit_links, units};
use crate::db::sql_types::{NullableUtcTimestamp, UtcTimestamp};
use crate::db::{self, DbConn};
use crate::domain::awards::{
    AwardCategory, AwardSubject, CommendationType, GrantingLevel, NomineeKind, PostingStage, Prerequisite, Rules,
    Severity,
};
use crate::domain::calendar::DayCount;
use crate::domain::collectives::MemberRequirement;
use crate::domain::ids::{
    AwardId, AwardTypeId, AwardTypeVersionId, DecisionId, NominationId, PersonId, UnitId, UserId,
};
use crate::domain::initiatives::InitiativeRequirement;
use crate::domain::nominations::NominationStatus;
use crate::error::{ApiError, ErrorCode, FieldError};

type Db = <DbConn as Connection>::Backend;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = award_types)]
pub struct AwardType {
    pub id: AwardTypeId,
    pub code: String,
    pub name: String,
    pub category: AwardCategory,
    pub subject: AwardSubject,
    pub level: String,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = award_type_versions)]
pub struct AwardTypeVersion {
    pub id: AwardTypeVersionId,
    pub award_type_id: AwardTypeId,
    pub version: i32,
    pub effective_from: NaiveDate,
    pub effective_until: Option<NaiveDate>,
    pub granting_authority: String,
    pub legal_basis: String,
    pub prerequisites: String,
    pub quota_of_code: Option<String>,
    pub quota_percent: Option<String>,
    pub council_vote_required: bool,
    pub approval_threshold_percent: Option<String>,
    pub quorum_percent: Option<String>,
    pub posting_days: Option<i32>,
    pub bonus_multiplier: Option<String>,
    pub created_by: Option<UserId>,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
    pub quota_on_failure: Severity,
    pub initiative_requirement: Option<String>,
    pub member_requirement: Option<String>,
    pub posting_day_count: DayCount,
    pub cluster_proposal: Option<String>,
    /// Sorted, comma-separated `GrantingLevel`s: read with `granted_by()`.
    pub granting_levels: String,
    pub posting_stage: PostingStage,
}

impl AwardTypeVersion {
    /// The levels whose decisions grant awards under this version.
    pub fn granted_by(&self) -> Vec<GrantingLevel> {
        GrantingLevel::split(&self.granting_levels)
    }

    /// The stored prerequisites; a stored text that is not such a list is an error naming the
    /// version, never an empty list (which would waive the prerequisites).
    pub fn prerequisite_list(&self) -> Result<Vec<Prerequisite>, ApiError> {
        serde_json::from_str(&self.prerequisites).map_err(|e| {
            ApiError::internal(anyhow::anyhow!(
                "award type version {}: stored prerequisites {:?} are not a list of prerequisites: {e}",
                self.id,
                self.prerequisites
            ))
        })
    }

    /// What the nominee's initiatives must be; stored JSON that does not parse is an error
    /// naming the version.
    pub fn initiative_requirement(&self) -> Result<Option<InitiativeRequirement>, ApiError> {
        self.initiative_requirement.as_deref().map(serde_json::from_str).transpose().map_err(|e| {
            ApiError::internal(anyhow::anyhow!(
                "award type version {} has an unreadable initiative requirement: {e}",
                self.id
            ))
        })
    }

    /// What a collective's members must hold (and not have done); stored JSON that does not
    /// parse is an error naming the version.
    pub fn member_requirement(&self) -> Result<Option<MemberRequirement>, ApiError> {
        self.member_requirement.as_deref().map(serde_json::from_str).transpose().map_err(|e| {
            ApiError::internal(anyhow::anyhow!(
                "award type version {} has an unreadable member requirement: {e}",
                self.id
            ))
        })
    }

    /// How the flag's cluster proposes a unit, if the rules ask it to; stored JSON that does
    /// not parse is an error naming the version.
    pub fn cluster_proposal(&self) -> Result<Option<ClusterProposalRule>, ApiError> {
        self.cluster_proposal.as_deref().map(serde_json::from_str).transpose().map_err(|e| {
            ApiError::internal(anyhow::anyhow!(
                "award type version {} has an unreadable cluster proposal: {e}",
                self.id
            ))
        })
    }
}

pub struct NewAwardType {
    pub code: String,
    pub name: String,
    pub category: AwardCategory,
    pub subject: AwardSubject,
    pub level: String,
}

pub fn award_type_not_found() -> ApiError {
    ApiError::not_found("award type")
}

pub fn find_award_type(conn: &mut DbConn, id: AwardTypeId) -> Result<(AwardType, Vec<AwardTypeVersion>), ApiError> {
    let found = award_types::table
        .find(id)
        .select(AwardType::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(award_type_not_found)?;
    let versions = award_type_versions::table
        .filter(award_type_versions::award_type_id.eq(id))
        .order(award_type_versions::version.asc())
        .select(AwardTypeVersion::as_select())
        .load(conn)?;
    Ok((found, versions))
}

/// Holds the award type's row until the transaction ends (see `db::lock_row!`): take it before
/// reading the award type for a write.
pub fn lock_award_type(conn: &mut DbConn, id: AwardTypeId) -> Result<(), ApiError> {
    Ok(db::lock_row!(conn, award_types::table, id)?)
}

pub fn find_award_type_by_code(conn: &mut DbConn, code: &str) -> Result<Option<AwardType>, ApiError> {
    Ok(award_types::table.filter(award_types::code.eq(code)).select(AwardType::as_select()).first(conn).optional()?)
}

/// Every type with all its versions, by code.
pub fn list_award_types(conn: &mut DbConn) -> Result<Vec<(AwardType, Vec<AwardTypeVersion>)>, ApiError> {
    let found: Vec<AwardType> =
        award_types::table.order(award_types::code).select(AwardType::as_select()).load(conn)?;
    let versions: Vec<AwardTypeVersion> = award_type_versions::table
        .order((award_type_versions::award_type_id, award_type_versions::version))
        .select(AwardTypeVersion::as_select())
        .load(conn)?;
    Ok(found
        .into_iter()
        .map(|t| {
            let mine = versions.iter().filter(|v| v.award_type_id == t.id).cloned().collect();
            (t, mine)
        })
        .collect())
}

fn insert_version(
    conn: &mut DbConn,
    award_type_id: AwardTypeId,
    version: i32,
    effective_from: NaiveDate,
    rules: &Rules,
    actor: Option<UserId>,
) -> Result<(), ApiError> {
    diesel::insert_into(award_type_versions::table)
        .values((
            award_type_versions::id.eq(AwardTypeVersionId::generate()),
            award_type_versions::award_type_id.eq(award_type_id),
            award_type_versions::version.eq(version),
            award_type_versions::effective_from.eq(effective_from),
            award_type_versions::granting_authority.eq(&rules.granting_authority),
            award_type_versions::legal_basis.eq(&rules.legal_basis),
            award_type_versions::prerequisites
                .eq(serde_json::to_string(&rules.prerequisites).expect("prerequisites serialize")),
            award_type_versions::quota_of_code.eq(&rules.quota_of_code),
            award_type_versions::quota_percent.eq(&rules.quota_percent),
            award_type_versions::quota_on_failure.eq(rules.quota_on_failure),
            award_type_versions::initiative_requirement.eq(rules
                .initiative_requirement
                .as_ref()
                .map(|r| serde_json::to_string(r).expect("requirements serialize"))),
            award_type_versions::member_requirement.eq(rules
                .member_requirement
                .as_ref()
                .map(|r| serde_json::to_string(r).expect("requirements serialize"))),
            award_type_versions::cluster_proposal
                .eq(rules.cluster_proposal.as_ref().map(|r| serde_json::to_string(r).expect("rules serialize"))),
            award_type_versions::council_vote_required.eq(rules.council_vote_required),
            award_type_versions::approval_threshold_percent.eq(&rules.approval_threshold_percent),
            award_type_versions::quorum_percent.eq(&rules.quorum_percent),
            award_type_versions::posting_days.eq(rules.posting_days),
            award_type_versions::posting_day_count.eq(rules.posting_day_count),
            award_type_versions::bonus_multiplier.eq(&rules.bonus_multiplier),
            award_type_versions::granting_levels.eq(GrantingLevel::join(&rules.granting_levels)),
            award_type_versions::posting_stage.eq(rules.posting_stage.unwrap_or(PostingStage::BeforeDecision)),
            award_type_versions::created_by.eq(actor),
            award_type_versions::created_at.eq(db::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Award types named by the rules (prerequisites, quota base) must exist.
fn check_references(conn: &mut DbConn, rules: &Rules) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    for (i, p) in rules.prerequisites.iter().enumerate() {
        if find_award_type_by_code(conn, &p.award_type_code)?.is_none() {
            errors.push(FieldError::new(
                format!("prerequisites[{i}].award_type_code"),
                ErrorCode::NotFound,
                "no award type has this code",
            ));
        }
    }
    if let Some(code) = &rules.quota_of_code {
        if find_award_type_by_code(conn, code)?.is_none() {
            errors.push(FieldError::new("quota_of_code", ErrorCode::NotFound, "no award type has this code"));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

pub fn create_award_type(
    conn: &mut DbConn,
    new: NewAwardType,
    effective_from: NaiveDate,
    mut rules: Rules,
    actor: Option<UserId>,
) -> Result<AwardTypeId, ApiError> {
    if rules.granting_levels.is_empty() {
        rules.granting_levels = GrantingLevel::defaults_for(&new.level);
    }
    if find_award_type_by_code(conn, &new.code)?.is_some() {
        return Err(ApiError::conflict(ErrorCode::CodeInUse, format!("an award type has the code {}", new.code))
            .localized("code_in_use-award", [("code", crate::error::Arg::text(&new.code))]));
    }
    let id = AwardTypeId::generate();
    let now = db::now();
    diesel::insert_into(award_types::table)
        .values((
            award_types::id.eq(id),
            award_types::code.eq(&new.code),
            award_types::name.eq(&new.name),
            award_types::category.eq(new.category),
            award_types::subject.eq(new.subject),
            award_types::level.eq(&new.level),
            award_types::created_at.eq(now),
            award_types::updated_at.eq(now),
        ))
        .execute(conn)?;
    check_references(conn, &rules)?;
    insert_version(conn, id, 1, effective_from, &rules, actor)?;
    Ok(id)
}

/// A rule change: a new version from `effective_from`; the current one ends the day before.
/// Versions follow each other: a new one cannot start on or before the current one's start.
pub fn add_version(
    conn: &mut DbConn,
    award_type_id: AwardTypeId,
    effective_from: NaiveDate,
    mut rules: Rules,
    actor: UserId,
) -> Result<(), ApiError> {
    db::lock_for_transaction(conn, &format!("award-type:{award_type_id}"))?;
    let (_, versions) = find_award_type(conn, award_type_id)?;
    let latest = versions
        .last()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("award type {award_type_id} has no version")))?;
    if effective_from <= latest.effective_from {
        return Err(ApiError::validation(vec![FieldError::new(
            "effective_from",
            ErrorCode::NotAfterCurrent,
            format!("must be after {}, when version {} took effect", latest.effective_from, latest.version),
        )]));
    }
    if rules.granting_levels.is_empty() {
        rules.granting_levels = latest.granted_by();
    }
    rules.posting_stage = rules.posting_stage.or(Some(latest.posting_stage));
    check_references(conn, &rules)?;
    diesel::update(award_type_versions::table.find(latest.id))
        .set(award_type_versions::effective_until.eq(effective_from.pred_opt()))
        .execute(conn)?;
    insert_version(conn, award_type_id, latest.version + 1, effective_from, &rules, Some(actor))?;
    diesel::update(award_types::table.find(award_type_id)).set(award_types::updated_at.eq(db::now())).execute(conn)?;
    Ok(())
}

/// The version in force on `day`.
pub fn version_on(versions: &[AwardTypeVersion], day: NaiveDate) -> Option<&AwardTypeVersion> {
    versions.iter().rev().find(|v| v.effective_from <= day && v.effective_until.is_none_or(|u| day <= u))
}

// ---------- awards ----------

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = awards)]
pub struct Award {
    pub id: AwardId,
    pub award_type_id: AwardTypeId,
    pub award_type_version_id: Option<AwardTypeVersionId>,
    pub recipient_kind: NomineeKind,
    pub person_id: Option<PersonId>,
    pub unit_id: UnitId,
    pub household_name: Option<String>,
    pub year: i32,
    pub decision_number: String,
    pub decision_date: NaiveDate,
    pub decided_by: String,
    #[diesel(deserialize_as = NullableUtcTimestamp)]
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_reason: Option<String>,
    pub revoked_by: Option<UserId>,
    pub created_by: UserId,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
    pub decision_id: Option<DecisionId>,
    pub nomination_id: Option<NominationId>,
    /// The bonus (tiền thưởng) it was given with, and how: coefficient × base salary, rounded.
    pub bonus_coefficient: Option<String>,
    pub base_salary_vnd: Option<i64>,
    pub bonus_vnd: Option<i64>,
    /// Regular, thematic, ad hoc, … (Law Art 8); `None`: not recorded.
    pub commendation_type: Option<CommendationType>,
}

pub struct NewAward {
    pub award_type_id: AwardTypeId,
    pub person_id: Option<PersonId>,
    pub unit_id: Option<UnitId>,
    pub household_name: Option<String>,
    pub year: i32,
    pub decision_number: String,
    pub decision_date: NaiveDate,
    pub decided_by: String,
    pub commendation_type: Option<CommendationType>,
}

pub fn award_not_found() -> ApiError {
    ApiError::not_found("award")
}

pub fn find_award(conn: &mut DbConn, id: AwardId) -> Result<Award, ApiError> {
    awards::table.find(id).select(Award::as_select()).first(conn).optional()?.ok_or_else(award_not_found)
}

/// Holds the award's row until the transaction ends (see `db::lock_row!`): take it before
/// reading the award for a write.
pub fn lock_award(conn: &mut DbConn, id: AwardId) -> Result<(), ApiError> {
    Ok(db::lock_row!(conn, awards::table, id)?)
}

/// Records an award given by a decision (also for history from before the service). The
/// recipient must fit the type's subject; the award keeps the rules in force on the decision date.
pub fn record_award(conn: &mut DbConn, new: NewAward, actor: UserId) -> Result<Award, ApiError> {
    let (award_type, versions) = find_award_type(conn, new.award_type_id).map_err(|_| {
        ApiError::validation(vec![FieldError::new("award_type_id", ErrorCode::NotFound, "no award type has this id")])
    })?;
    // Awards older than any rules the catalogue holds (history from before the current
    // law) are recorded without a version rather than under rules that did not apply.
    let version_id = version_on(&versions, new.decision_date).map(|v| v.id);
    let (kind, unit_id) = match (award_type.subject.as_str(), new.person_id, new.unit_id, &new.household_name) {
        ("individual", Some(person), _, None) => (
            NomineeKind::Person,
            super::people::find_person(conn, person)
                .map_err(|_| {
                    ApiError::validation(vec![FieldError::new(
                        "person_id",
                        ErrorCode::NotFound,
                        "no person has this id",
                    )])
                })?
                .unit_id,
        ),
        ("collective", None, Some(unit), None) => (NomineeKind::Unit, unit),
        ("household", None, Some(unit), Some(_)) => (NomineeKind::Household, unit),
        (subject, ..) => {
            let needs = match subject {
                "individual" => "person_id (and no household_name)",
                "collective" => "unit_id (and no person_id or household_name)",
                _ => "unit_id and household_name",
            };
            return Err(ApiError::validation(vec![FieldError::new(
                "recipient",
                ErrorCode::WrongSubject,
                format!("this award type needs {needs}"),
            )]));
        }
    };
    let exists: i64 = units::table.find(unit_id).count().get_result(conn)?;
    if exists == 0 {
        return Err(ApiError::validation(vec![FieldError::new("unit_id", ErrorCode::NotFound, "no unit has this id")]));
    }
    let id = AwardId::generate();
    diesel::insert_into(awards::table)
        .values((
            awards::id.eq(id),
            awards::award_type_id.eq(award_type.id),
            awards::award_type_version_id.eq(version_id),
            awards::recipient_kind.eq(kind),
            awards::person_id.eq(new.person_id),
            awards::unit_id.eq(unit_id),
            awards::household_name.eq(&new.household_name),
            awards::year.eq(new.year),
            awards::decision_number.eq(&new.decision_number),
            awards::decision_date.eq(new.decision_date),
            awards::decided_by.eq(&new.decided_by),
            awards::created_by.eq(actor),
            awards::created_at.eq(db::now()),
            awards::commendation_type.eq(new.commendation_type),
        ))
        .execute(conn)?;
    find_award(conn, id)
}

/// Revokes an award (Chapter VII of the law): the record stays, with who, when and why.
pub fn revoke_award(conn: &mut DbConn, id: AwardId, reason: &str, actor: UserId) -> Result<Award, ApiError> {
    let current = find_award(conn, id)?;
    if current.revoked_at.is_some() {
        return Err(ApiError::conflict(ErrorCode::AlreadyRevoked, "the award was revoked already"));
    }
    let now = db::now();
    diesel::update(awards::table.find(id).filter(awards::revoked_at.is_null()))
        .set((awards::revoked_at.eq(now), awards::revoked_reason.eq(reason), awards::revoked_by.eq(actor)))
        .execute(conn)?;
    // The nomination it came from is revoked with it (its achievements count again as
    // not rewarded, and no longer against the quota).
    if let Some(nomination_id) = current.nomination_id {
        use crate::db::schema::{nomination_transitions, nominations};
        let decided = nominations::status.eq(NominationStatus::Decided);
        let updated = diesel::update(nominations::table.find(nomination_id).filter(decided))
            .set((
                nominations::status.eq(NominationStatus::Revoked),
                nominations::version.eq(nominations::version + 1),
                nominations::updated_at.eq(now),
            ))
            .execute(conn)?;
        if updated > 0 {
            diesel::insert_into(nomination_transitions::table)
                .values((
                    nomination_transitions::id.eq(crate::domain::ids::NominationTransitionId::generate()),
                    nomination_transitions::nomination_id.eq(nomination_id),
                    nomination_transitions::from_status.eq(NominationStatus::Decided),
                    nomination_transitions::to_status.eq(NominationStatus::Revoked),
                    nomination_transitions::actor_id.eq(actor),
                    nomination_transitions::reason.eq(Some(reason)),
                    nomination_transitions::at.eq(now),
                ))
                .execute(conn)?;
        }
    }
    find_award(conn, id)
}

/// The unit and every unit it replaced, however many mergers back.
pub fn unit_and_predecessors(conn: &mut DbConn, unit_id: UnitId) -> Result<Vec<UnitId>, ApiError> {
    let mut found = vec![unit_id];
    let mut frontier = vec![unit_id];
    while !frontier.is_empty() && found.len() < 1000 {
        let before: Vec<UnitId> = unit_links::table
            .filter(db::one_of(unit_links::successor_id, &frontier))
            .select(unit_links::predecessor_id)
            .load(conn)?;
        frontier = before.into_iter().filter(|id| !found.contains(id)).collect();
        found.extend(frontier.iter().copied());
    }
    Ok(found)
}

#[derive(Default)]
pub struct AwardFilter {
    pub person_id: Option<PersonId>,
    pub unit_ids: Option<Vec<UnitId>>,
    pub award_type_id: Option<AwardTypeId>,
    pub year: Option<i32>,
    pub include_revoked: bool,
    pub before_id: Option<AwardId>,
    pub limit: i64,
}

/// Awards, newest first; `limit + 1` rows.
pub fn list_awards(conn: &mut DbConn, filter: &AwardFilter) -> Result<Vec<Award>, ApiError> {
    let mut query = awards::table.into_boxed::<Db>();
    if let Some(person) = filter.person_id {
        query = query.filter(awards::person_id.eq(person));
    }
    if let Some(units) = &filter.unit_ids {
        query = query.filter(db::one_of(awards::unit_id, units));
    }
    if let Some(award_type) = filter.award_type_id {
        query = query.filter(awards::award_type_id.eq(award_type));
    }
    if let Some(year) = filter.year {
        query = query.filter(awards::year.eq(year));
    }
    if !filter.include_revoked {
        query = query.filter(awards::revoked_at.is_null());
    }
    if let Some(before) = filter.before_id {
        query = query.filter(awards::id.lt(before));
    }
    let query = query.order(awards::id.desc()).limit(filter.limit + 1);
    let by_type_or_year = filter.award_type_id.is_some() || filter.year.is_some();
    if !by_type_or_year || filter.person_id.is_some() || filter.unit_ids.is_some() {
        return Ok(query.select(Award::as_select()).load(conn)?);
    }
    // By award type and/or year alone: the page's ids first, from `awards_type` or
    // `awards_year` alone (they end in `id, revoked_at`), then their rows. Asked for whole rows,
    // PostgreSQL can walk the primary key backwards instead (migration award_list_indexes).
    let ids: Vec<AwardId> = query.select(awards::id).load(conn)?;
    Ok(awards::table
        .filter(db::one_of(awards::id, &ids))
        .order(awards::id.desc())
        .select(Award::as_select())
        .load(conn)?)
}
