//! Campaigns, their participants, lifecycle and indicators in SQL, with the rules checked
//! inside the transaction that writes.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use crate::db::schema::{
    campaign_clusters, campaign_transitions, campaign_units, campaigns, cluster_members, clusters, indicators, units,
};
use crate::db::sql_types::UtcTimestamp;
use crate::db::{self, DbConn};
use crate::domain::campaigns::{CampaignAction, CampaignKind, CampaignStatus, Direction, IndicatorKind, Participation};
use crate::domain::ids::{CampaignId, CampaignTransitionId, ClusterId, IndicatorId, UnitId, UserId};
use crate::domain::units::{RunBy, UnitKind};
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::models::clusters::{find_cluster, list_clusters, Cluster};

type Db = <DbConn as Connection>::Backend;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = campaigns)]
pub struct Campaign {
    pub id: CampaignId,
    pub title: String,
    pub title_folded: String,
    pub kind: CampaignKind,
    pub description: Option<String>,
    pub plan_number: Option<String>,
    pub plan_date: Option<NaiveDate>,
    pub plan_signer: Option<String>,
    pub launching_authority: String,
    pub scope: Option<String>,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub registration_deadline: Option<NaiveDate>,
    pub interim_review_on: Option<NaiveDate>,
    pub final_review_on: Option<NaiveDate>,
    pub participation: Participation,
    pub status: CampaignStatus,
    pub version: i32,
    pub created_by: UserId,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub updated_at: DateTime<Utc>,
    /// The department or commune whose level runs it; `None`: the province board.
    pub run_by_unit_id: Option<UnitId>,
}

/// Everything about a campaign that its editor sets (all fields already validated).
#[derive(Clone)]
pub struct CampaignFields {
    pub title: String,
    pub kind: CampaignKind,
    pub description: Option<String>,
    pub plan_number: Option<String>,
    pub plan_date: Option<NaiveDate>,
    pub plan_signer: Option<String>,
    pub launching_authority: String,
    pub scope: Option<String>,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub registration_deadline: Option<NaiveDate>,
    pub interim_review_on: Option<NaiveDate>,
    pub final_review_on: Option<NaiveDate>,
    pub participation: Participation,
    pub unit_ids: Vec<UnitId>,
    pub cluster_ids: Vec<ClusterId>,
    /// Set when created; it never changes after.
    pub run_by_unit_id: Option<UnitId>,
}

impl CampaignFields {
    pub fn from_stored(c: &Campaign, unit_ids: Vec<UnitId>, cluster_ids: Vec<ClusterId>) -> CampaignFields {
        CampaignFields {
            title: c.title.clone(),
            kind: c.kind,
            description: c.description.clone(),
            plan_number: c.plan_number.clone(),
            plan_date: c.plan_date,
            plan_signer: c.plan_signer.clone(),
            launching_authority: c.launching_authority.clone(),
            scope: c.scope.clone(),
            start_date: c.start_date,
            end_date: c.end_date,
            registration_deadline: c.registration_deadline,
            interim_review_on: c.interim_review_on,
            final_review_on: c.final_review_on,
            participation: c.participation,
            unit_ids,
            cluster_ids,
            run_by_unit_id: c.run_by_unit_id,
        }
    }
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = campaign_transitions)]
pub struct Transition {
    pub id: CampaignTransitionId,
    pub campaign_id: CampaignId,
    pub from_status: CampaignStatus,
    pub to_status: CampaignStatus,
    pub actor_id: UserId,
    pub reason: Option<String>,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub at: DateTime<Utc>,
}

pub struct CampaignDetail {
    pub campaign: Campaign,
    pub unit_ids: Vec<UnitId>,
    pub cluster_ids: Vec<ClusterId>,
    pub history: Vec<Transition>,
}

pub fn find_campaign(conn: &mut DbConn, id: CampaignId) -> Result<Campaign, ApiError> {
    campaigns::table.find(id).select(Campaign::as_select()).first(conn).optional()?.ok_or_else(campaign_not_found)
}

pub fn campaign_not_found() -> ApiError {
    ApiError::not_found("campaign")
}

pub fn campaign_detail(conn: &mut DbConn, id: CampaignId) -> Result<CampaignDetail, ApiError> {
    let campaign = find_campaign(conn, id)?;
    let unit_ids = campaign_units::table
        .filter(campaign_units::campaign_id.eq(id))
        .select(campaign_units::unit_id)
        .order(campaign_units::unit_id)
        .load(conn)?;
    let cluster_ids = campaign_clusters::table
        .filter(campaign_clusters::campaign_id.eq(id))
        .select(campaign_clusters::cluster_id)
        .order(campaign_clusters::cluster_id)
        .load(conn)?;
    let history = campaign_transitions::table
        .filter(campaign_transitions::campaign_id.eq(id))
        .order((campaign_transitions::at.asc(), campaign_transitions::id.asc()))
        .select(Transition::as_select())
        .load(conn)?;
    Ok(CampaignDetail { campaign, unit_ids, cluster_ids, history })
}

/// Which drafts a list shows.
#[derive(Clone, Copy, Debug, Default)]
pub enum Drafts {
    #[default]
    Hidden,
    /// The board's: every level's.
    All,
    /// A unit's admin's: its own level's.
    OfLevel(UnitId),
}

#[derive(Default)]
pub struct CampaignFilter {
    pub status: Option<CampaignStatus>,
    pub kind: Option<CampaignKind>,
    /// Drafts are working copies: only those who run the campaign's level list them.
    pub drafts: Drafts,
    pub run_by: Option<RunBy>,
    pub search: Option<String>,
    pub before_id: Option<CampaignId>,
    pub limit: i64,
}

/// Newest first (ids are time-ordered); `limit + 1` rows.
pub fn list_campaigns(conn: &mut DbConn, filter: &CampaignFilter) -> Result<Vec<Campaign>, ApiError> {
    let mut query = campaigns::table.into_boxed::<Db>();
    if let Some(status) = filter.status {
        query = query.filter(campaigns::status.eq(status.as_str()));
    }
    match filter.drafts {
        Drafts::All => {}
        Drafts::Hidden => query = query.filter(campaigns::status.ne(CampaignStatus::Draft.as_str())),
        Drafts::OfLevel(unit) => {
            query = query
                .filter(campaigns::status.ne(CampaignStatus::Draft.as_str()).or(campaigns::run_by_unit_id.eq(unit)));
        }
    }
    if let Some(kind) = &filter.kind {
        query = query.filter(campaigns::kind.eq(*kind));
    }
    query = match filter.run_by {
        None => query,
        Some(RunBy::Province) => query.filter(campaigns::run_by_unit_id.is_null()),
        Some(RunBy::AnyUnit) => query.filter(campaigns::run_by_unit_id.is_not_null()),
        Some(RunBy::Unit(unit)) => query.filter(campaigns::run_by_unit_id.eq(unit)),
    };
    if let Some(folded) = &filter.search {
        query = query.filter(campaigns::title_folded.like(crate::domain::text::like_contains(folded)).escape('\\'));
    }
    if let Some(before) = &filter.before_id {
        query = query.filter(campaigns::id.lt(*before));
    }
    Ok(query.order(campaigns::id.desc()).limit(filter.limit + 1).select(Campaign::as_select()).load(conn)?)
}

fn check_participants(conn: &mut DbConn, fields: &CampaignFields) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    match fields.participation {
        Participation::Units if fields.unit_ids.is_empty() => {
            errors.push(FieldError::new("unit_ids", ErrorCode::Required, "list the participating units"));
        }
        Participation::Clusters if fields.cluster_ids.is_empty() => {
            errors.push(FieldError::new("cluster_ids", ErrorCode::Required, "list the participating clusters"));
        }
        _ => {}
    }
    if fields.participation != Participation::Units && !fields.unit_ids.is_empty() {
        errors.push(FieldError::new("unit_ids", ErrorCode::NotAllowed, "only with participation \"units\""));
    }
    if fields.participation != Participation::Clusters && !fields.cluster_ids.is_empty() {
        errors.push(FieldError::new("cluster_ids", ErrorCode::NotAllowed, "only with participation \"clusters\""));
    }
    // A unit's own campaign is the unit's: it takes part itself, its people report.
    if let Some(level) = fields.run_by_unit_id {
        if fields.participation != Participation::Units {
            errors.push(FieldError::new(
                "participation",
                ErrorCode::OutsideLevel,
                "a unit's campaign has the unit itself taking part: participation \"units\" with its id",
            ));
        }
        for (i, _) in fields.unit_ids.iter().enumerate().filter(|(_, id)| **id != level) {
            errors.push(FieldError::new(
                format!("unit_ids[{i}]"),
                ErrorCode::OutsideLevel,
                "another unit than the one running the campaign",
            ));
        }
    }
    let found_units: Vec<(UnitId, UnitKind, Option<NaiveDate>, Option<NaiveDate>)> = units::table
        .filter(db::one_of(units::id, &fields.unit_ids))
        .select((units::id, units::kind, units::valid_from, units::valid_until))
        .load(conn)?;
    let period = (Some(fields.start_date), Some(fields.end_date));
    for (i, id) in fields.unit_ids.iter().enumerate() {
        match found_units.iter().find(|(u, ..)| u == id) {
            None => errors.push(FieldError::new(format!("unit_ids[{i}]"), ErrorCode::NotFound, "no unit has this id")),
            Some((_, k, ..)) if *k != UnitKind::Department && *k != UnitKind::Commune => errors.push(FieldError::new(
                format!("unit_ids[{i}]"),
                ErrorCode::WrongKind,
                "must be a department or a commune",
            )),
            Some((_, _, from, until)) if !crate::domain::units::periods_overlap((*from, *until), period) => errors
                .push(FieldError::new(
                    format!("unit_ids[{i}]"),
                    ErrorCode::InactiveUnit,
                    "the unit is not in force during the campaign",
                )),
            Some(_) => {}
        }
    }
    let found_clusters: Vec<ClusterId> =
        clusters::table.filter(db::one_of(clusters::id, &fields.cluster_ids)).select(clusters::id).load(conn)?;
    for (i, id) in fields.cluster_ids.iter().enumerate() {
        if !found_clusters.contains(id) {
            errors.push(FieldError::new(format!("cluster_ids[{i}]"), ErrorCode::NotFound, "no cluster has this id"));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

fn write_participants(conn: &mut DbConn, campaign_id: CampaignId, fields: &CampaignFields) -> Result<(), ApiError> {
    diesel::delete(campaign_units::table.filter(campaign_units::campaign_id.eq(campaign_id))).execute(conn)?;
    diesel::delete(campaign_clusters::table.filter(campaign_clusters::campaign_id.eq(campaign_id))).execute(conn)?;
    for unit_id in &fields.unit_ids {
        diesel::insert_into(campaign_units::table)
            .values((campaign_units::campaign_id.eq(campaign_id), campaign_units::unit_id.eq(unit_id)))
            .execute(conn)?;
    }
    for cluster_id in &fields.cluster_ids {
        diesel::insert_into(campaign_clusters::table)
            .values((campaign_clusters::campaign_id.eq(campaign_id), campaign_clusters::cluster_id.eq(cluster_id)))
            .execute(conn)?;
    }
    Ok(())
}

/// The columns an editor sets, as written by both create and update.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = campaigns, treat_none_as_null = true)]
struct CampaignColumns<'a> {
    title: &'a str,
    title_folded: String,
    kind: CampaignKind,
    description: Option<&'a str>,
    plan_number: Option<&'a str>,
    plan_date: Option<NaiveDate>,
    plan_signer: Option<&'a str>,
    launching_authority: &'a str,
    scope: Option<&'a str>,
    start_date: NaiveDate,
    end_date: NaiveDate,
    registration_deadline: Option<NaiveDate>,
    interim_review_on: Option<NaiveDate>,
    final_review_on: Option<NaiveDate>,
    participation: Participation,
}

impl<'a> CampaignColumns<'a> {
    fn of(f: &'a CampaignFields) -> CampaignColumns<'a> {
        CampaignColumns {
            title: &f.title,
            title_folded: crate::domain::text::fold(&f.title),
            kind: f.kind,
            description: f.description.as_deref(),
            plan_number: f.plan_number.as_deref(),
            plan_date: f.plan_date,
            plan_signer: f.plan_signer.as_deref(),
            launching_authority: &f.launching_authority,
            scope: f.scope.as_deref(),
            start_date: f.start_date,
            end_date: f.end_date,
            registration_deadline: f.registration_deadline,
            interim_review_on: f.interim_review_on,
            final_review_on: f.final_review_on,
            participation: f.participation,
        }
    }
}

pub fn create_campaign(
    conn: &mut DbConn,
    fields: CampaignFields,
    actor_id: UserId,
) -> Result<CampaignDetail, ApiError> {
    check_participants(conn, &fields)?;
    let id = CampaignId::generate();
    let now = db::now();
    diesel::insert_into(campaigns::table)
        .values((
            CampaignColumns::of(&fields),
            campaigns::id.eq(id),
            campaigns::status.eq(CampaignStatus::Draft),
            campaigns::run_by_unit_id.eq(fields.run_by_unit_id),
            campaigns::version.eq(1),
            campaigns::created_by.eq(actor_id),
            campaigns::created_at.eq(now),
            campaigns::updated_at.eq(now),
        ))
        .execute(conn)?;
    write_participants(conn, id, &fields)?;
    campaign_detail(conn, id)
}

/// Reads a campaign for a write beneath it (a registration, a report, a file). On PostgreSQL
/// the row is share-locked until commit, so closing the campaign waits for such writes and
/// a write that starts after a close sees it (and is refused).
pub fn lock_campaign_shared(conn: &mut DbConn, id: CampaignId) -> Result<Campaign, ApiError> {
    if let DbConn::Postgres(pg) = conn {
        campaigns::table.find(id).select(campaigns::id).for_share().first::<CampaignId>(pg).optional()?;
    }
    find_campaign(conn, id)
}

pub fn lock_campaign(conn: &mut DbConn, id: CampaignId) -> Result<Campaign, ApiError> {
    db::lock_row!(conn, campaigns::table, id)?;
    find_campaign(conn, id)
}

/// Rewrites a campaign's fields. Frozen (closed, cancelled) campaigns refuse; who takes part can
/// change only while it is a draft.
pub fn update_campaign(
    conn: &mut DbConn,
    id: CampaignId,
    fields: CampaignFields,
    expected_version: Option<i32>,
) -> Result<CampaignDetail, ApiError> {
    let current = lock_campaign(conn, id)?;
    if expected_version.is_some_and(|v| v != current.version) {
        return Err(ApiError::precondition_failed());
    }
    let status = current.status;
    if status.is_frozen() {
        return Err(frozen(status));
    }
    if fields.run_by_unit_id.is_some_and(|asked| Some(asked) != current.run_by_unit_id) {
        return Err(ApiError::validation(vec![FieldError::new(
            "run_by_unit_id",
            ErrorCode::NotAllowed,
            "the level that runs a campaign does not change",
        )]));
    }
    let fields = CampaignFields { run_by_unit_id: current.run_by_unit_id, ..fields };
    let before = campaign_detail(conn, id)?;
    let participants_changed = fields.participation != current.participation
        || fields.unit_ids != before.unit_ids
        || fields.cluster_ids != before.cluster_ids;
    if participants_changed && status != CampaignStatus::Draft {
        return Err(ApiError::conflict(
            ErrorCode::CampaignLaunched,
            "who takes part is fixed once the campaign is launched",
        ));
    }
    check_participants(conn, &fields)?;
    diesel::update(campaigns::table.find(id))
        .set((
            CampaignColumns::of(&fields),
            campaigns::version.eq(current.version + 1),
            campaigns::updated_at.eq(db::now()),
        ))
        .execute(conn)?;
    if participants_changed {
        write_participants(conn, id, &fields)?;
    }
    campaign_detail(conn, id)
}

pub fn frozen(status: CampaignStatus) -> ApiError {
    ApiError::conflict(ErrorCode::CampaignFrozen, format!("the campaign is {}; it no longer changes", status.as_str()))
        .localized("campaign_frozen-status", [("status", crate::error::Arg::text(status.label_vi()))])
}

/// Moves a campaign along its lifecycle, recording who, when and why.
pub fn transition_campaign(
    conn: &mut DbConn,
    id: CampaignId,
    action: CampaignAction,
    actor_id: UserId,
    reason: Option<String>,
    expected_version: Option<i32>,
) -> Result<CampaignDetail, ApiError> {
    let current = lock_campaign(conn, id)?;
    if expected_version.is_some_and(|v| v != current.version) {
        return Err(ApiError::precondition_failed());
    }
    let from = current.status;
    let Some(to) = from.after(action) else {
        return Err(ApiError::conflict(
            ErrorCode::IllegalTransition,
            format!("a {} campaign cannot be {}ed", from.as_str(), action.as_str().trim_end_matches('e')),
        )
        .localized(
            "illegal_transition-action",
            [
                ("record", crate::error::Arg::Record("campaign".into())),
                ("status", crate::error::Arg::text(from.label_vi())),
                ("action", crate::error::Arg::text(action.label_vi())),
            ],
        ));
    };
    if action == CampaignAction::Launch {
        let count: i64 = indicators::table.filter(indicators::campaign_id.eq(id)).count().get_result(conn)?;
        if count == 0 {
            return Err(ApiError::conflict(ErrorCode::NoIndicators, "add at least one indicator before launching"));
        }
    }
    let now = db::now();
    diesel::update(campaigns::table.find(id))
        .set((campaigns::status.eq(to), campaigns::version.eq(current.version + 1), campaigns::updated_at.eq(now)))
        .execute(conn)?;
    diesel::insert_into(campaign_transitions::table)
        .values((
            campaign_transitions::id.eq(CampaignTransitionId::generate()),
            campaign_transitions::campaign_id.eq(id),
            campaign_transitions::from_status.eq(from),
            campaign_transitions::to_status.eq(to),
            campaign_transitions::actor_id.eq(actor_id),
            campaign_transitions::reason.eq(reason),
            campaign_transitions::at.eq(now),
        ))
        .execute(conn)?;
    campaign_detail(conn, id)
}

/// Whether `unit_id` takes part in `campaign`: of the right kind or listed, and in force at some
/// time during the campaign (a commune dissolved before it began does not take part).
pub fn participates(conn: &mut DbConn, campaign: &Campaign, unit_id: UnitId) -> Result<bool, ApiError> {
    let found: Option<(UnitKind, Option<NaiveDate>, Option<NaiveDate>)> = units::table
        .find(unit_id)
        .select((units::kind, units::valid_from, units::valid_until))
        .first(conn)
        .optional()?;
    let Some((kind, from, until)) = found else { return Ok(false) };
    if !crate::domain::units::periods_overlap((from, until), (Some(campaign.start_date), Some(campaign.end_date))) {
        return Ok(false);
    }
    Ok(match campaign.participation {
        Participation::AllUnits => kind == UnitKind::Department || kind == UnitKind::Commune,
        Participation::AllDepartments => kind == UnitKind::Department,
        Participation::AllCommunes => kind == UnitKind::Commune,
        Participation::Units => campaign_units::table.find((campaign.id, unit_id)).count().get_result::<i64>(conn)? > 0,
        Participation::Clusters => {
            cluster_members::table
                .inner_join(campaign_clusters::table.on(campaign_clusters::cluster_id.eq(cluster_members::cluster_id)))
                .filter(campaign_clusters::campaign_id.eq(campaign.id))
                .filter(cluster_members::unit_id.eq(unit_id))
                .count()
                .get_result::<i64>(conn)?
                > 0
        }
    })
}

// ---------- indicators ----------

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = indicators)]
pub struct Indicator {
    pub id: IndicatorId,
    pub campaign_id: CampaignId,
    pub name: String,
    pub unit_of_measure: String,
    pub kind: IndicatorKind,
    pub direction: Direction,
    pub province_target: Option<String>,
    pub position: i32,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub updated_at: DateTime<Utc>,
    /// A percentage entered as numerator and denominator.
    pub ratio: bool,
}

pub struct NewIndicator {
    pub name: String,
    pub unit_of_measure: String,
    pub kind: IndicatorKind,
    pub direction: Direction,
    pub province_target: Option<String>,
    pub ratio: bool,
}

pub fn list_indicators(conn: &mut DbConn, campaign_id: CampaignId) -> Result<Vec<Indicator>, ApiError> {
    Ok(indicators::table
        .filter(indicators::campaign_id.eq(campaign_id))
        .order((indicators::position.asc(), indicators::id.asc()))
        .select(Indicator::as_select())
        .load(conn)?)
}

fn require_draft(campaign: &Campaign) -> Result<(), ApiError> {
    match campaign.status {
        CampaignStatus::Draft => Ok(()),
        status if status.is_frozen() => Err(frozen(status)),
        _ => Err(ApiError::conflict(ErrorCode::CampaignLaunched, "indicators are fixed once the campaign is launched")),
    }
}

pub fn add_indicator(conn: &mut DbConn, campaign_id: CampaignId, new: NewIndicator) -> Result<Indicator, ApiError> {
    let campaign = lock_campaign(conn, campaign_id)?;
    require_draft(&campaign)?;
    let last: Option<i32> = indicators::table
        .filter(indicators::campaign_id.eq(campaign_id))
        .select(diesel::dsl::max(indicators::position))
        .first(conn)?;
    let id = IndicatorId::generate();
    let now = db::now();
    diesel::insert_into(indicators::table)
        .values((
            indicators::id.eq(id),
            indicators::campaign_id.eq(campaign_id),
            indicators::name.eq(&new.name),
            indicators::unit_of_measure.eq(&new.unit_of_measure),
            indicators::kind.eq(new.kind),
            indicators::direction.eq(new.direction),
            indicators::province_target.eq(&new.province_target),
            indicators::ratio.eq(new.ratio),
            indicators::position.eq(last.unwrap_or(0) + 1),
            indicators::created_at.eq(now),
            indicators::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(indicators::table.find(id).select(Indicator::as_select()).first(conn)?)
}

pub fn remove_indicator(conn: &mut DbConn, campaign_id: CampaignId, indicator_id: IndicatorId) -> Result<(), ApiError> {
    let campaign = lock_campaign(conn, campaign_id)?;
    require_draft(&campaign)?;
    let deleted = diesel::delete(indicators::table.find(indicator_id).filter(indicators::campaign_id.eq(campaign_id)))
        .execute(conn)?;
    if deleted == 0 {
        return Err(ApiError::not_found("indicator"));
    }
    Ok(())
}

// ---------- progress ----------

/// (id, code, name) of the given units.
pub fn unit_names(conn: &mut DbConn, ids: &[UnitId]) -> Result<Vec<(UnitId, String, String)>, ApiError> {
    Ok(units::table.filter(db::one_of(units::id, ids)).select((units::id, units::code, units::name)).load(conn)?)
}

/// The clusters a campaign's units are ranked in: its own when it runs by cluster, otherwise
/// those of the year it starts in.
pub fn ranking_clusters(conn: &mut DbConn, campaign: &Campaign) -> Result<Vec<(Cluster, Vec<UnitId>)>, ApiError> {
    let own: Vec<ClusterId> = campaign_clusters::table
        .filter(campaign_clusters::campaign_id.eq(campaign.id))
        .select(campaign_clusters::cluster_id)
        .load(conn)?;
    if own.is_empty() {
        use chrono::Datelike;
        return list_clusters(conn, Some(campaign.start_date.year()));
    }
    own.into_iter().map(|id| find_cluster(conn, id)).collect()
}
