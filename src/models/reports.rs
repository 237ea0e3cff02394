//! Grouped counts for the reports (`routes::reports`): awards by year, type and unit, and
//! nominations by status and type. Counting is done by the database.

use std::collections::{BTreeSet, HashMap, HashSet};

use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::db::schema::{award_types, awards, nominations, unit_links, units};
use crate::db::{self, DbConn};
use crate::domain::ids::{AwardTypeId, UnitId, UserId};
use crate::domain::nominations::NominationStatus;
use crate::domain::units::UnitKind;
use crate::error::ApiError;
use crate::models::awards::unit_and_predecessors;
use crate::models::nominations::agenda_of;

type Db = <DbConn as Connection>::Backend;

#[derive(Default)]
pub struct AwardCountFilter {
    pub from_year: Option<i32>,
    pub to_year: Option<i32>,
    pub award_type_id: Option<AwardTypeId>,
}

/// (year, award type id, unit id, awards) for awards not revoked.
pub fn award_counts(
    conn: &mut DbConn,
    filter: &AwardCountFilter,
) -> Result<Vec<(i32, AwardTypeId, UnitId, i64)>, ApiError> {
    let mut query = awards::table
        .filter(awards::revoked_at.is_null())
        .group_by((awards::year, awards::award_type_id, awards::unit_id))
        .select((awards::year, awards::award_type_id, awards::unit_id, count_star()))
        .into_boxed::<Db>();
    if let Some(from) = filter.from_year {
        query = query.filter(awards::year.ge(from));
    }
    if let Some(to) = filter.to_year {
        query = query.filter(awards::year.le(to));
    }
    if let Some(t) = filter.award_type_id {
        query = query.filter(awards::award_type_id.eq(t));
    }
    Ok(query.load(conn)?)
}

/// For every unit that was merged or split into others: the units of today it rolls up to,
/// found with the same walk as the award history's `roll_up` (`unit_and_predecessors`), so a
/// report row for a unit counts what its rolled-up history lists. A split unit rolls up to each
/// of its successors. Units absent from the map stand for themselves.
pub fn roll_up_targets(conn: &mut DbConn) -> Result<HashMap<UnitId, Vec<UnitId>>, ApiError> {
    let links: Vec<(UnitId, UnitId)> =
        unit_links::table.select((unit_links::predecessor_id, unit_links::successor_id)).load(conn)?;
    let replaced: HashSet<UnitId> = links.iter().map(|(p, _)| *p).collect();
    let latest: BTreeSet<UnitId> = links.iter().map(|(_, s)| *s).filter(|s| !replaced.contains(s)).collect();
    let mut targets: HashMap<UnitId, Vec<UnitId>> = HashMap::new();
    for successor in latest {
        for unit in unit_and_predecessors(conn, successor)? {
            if unit != successor {
                targets.entry(unit).or_default().push(successor);
            }
        }
    }
    Ok(targets)
}

/// (id, code, name, kind) of the given units.
pub fn unit_labels(conn: &mut DbConn, ids: &[UnitId]) -> Result<Vec<(UnitId, String, String, UnitKind)>, ApiError> {
    let mut found = Vec::with_capacity(ids.len());
    // Bounded IN lists: SQLite caps bound parameters per statement.
    for chunk in ids.chunks(500) {
        found.extend(
            units::table
                .filter(db::one_of(units::id, chunk))
                .select((units::id, units::code, units::name, units::kind))
                .load(conn)?,
        );
    }
    Ok(found)
}

/// (id, code, name) of every award type.
pub fn award_type_labels(conn: &mut DbConn) -> Result<Vec<(AwardTypeId, String, String)>, ApiError> {
    Ok(award_types::table.select((award_types::id, award_types::code, award_types::name)).load(conn)?)
}

pub struct NominationCountFilter {
    /// Only the nominations on this council member's agenda (or, with `unit_id`, those or the unit's).
    pub council_member: Option<UserId>,
    pub unit_id: Option<UnitId>,
    pub year: Option<i32>,
}

/// (status, award type id, nominations).
pub fn nomination_counts(
    conn: &mut DbConn,
    filter: &NominationCountFilter,
) -> Result<Vec<(NominationStatus, AwardTypeId, i64)>, ApiError> {
    let mut query = nominations::table
        .group_by((nominations::status, nominations::award_type_id))
        .select((nominations::status, nominations::award_type_id, count_star()))
        .into_boxed::<Db>();
    // A council member's agenda, or their own unit's too when they belong to one.
    match (filter.council_member, filter.unit_id) {
        (Some(member), Some(unit)) => {
            query =
                query.filter(db::one_of(nominations::id, &agenda_of(conn, member)?).or(nominations::unit_id.eq(unit)));
        }
        (Some(member), None) => query = query.filter(db::one_of(nominations::id, &agenda_of(conn, member)?)),
        (None, Some(unit)) => query = query.filter(nominations::unit_id.eq(unit)),
        (None, None) => {}
    }
    if let Some(year) = filter.year {
        query = query.filter(nominations::year.eq(year));
    }
    Ok(query.load(conn)?)
}

/// One award the commendation statistics count: its type's code, whom it went to, and what
/// the statistics count of a person.
pub struct StatisticsAward {
    pub award_type_code: String,
    pub recipient_kind: crate::domain::awards::NomineeKind,
    pub gender: Option<crate::domain::statistics::Gender>,
    pub ethnicity_code: Option<String>,
    pub staff_category: Option<crate::domain::statistics::StaffCategory>,
    pub commendation_type: Option<crate::domain::awards::CommendationType>,
}

type StatisticsRow = (
    String,
    crate::domain::awards::NomineeKind,
    Option<crate::domain::statistics::Gender>,
    Option<String>,
    Option<crate::domain::statistics::StaffCategory>,
    Option<crate::domain::awards::CommendationType>,
    Option<String>,
    String,
);

/// The awards (not revoked) decided within the period and recorded by the province — by a
/// decision of the province's level, or recorded without one — whose rules have `granted_by`
/// grant them (`granting_levels`; for an award recorded without its rules, its type's level):
/// the province's own, or the State's it proposed and recorded the outcome of.
pub fn awards_decided(
    conn: &mut DbConn,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    granted_by: crate::domain::awards::GrantingLevel,
) -> Result<Vec<StatisticsAward>, ApiError> {
    use crate::db::schema::{award_type_versions, decisions, people};
    use crate::domain::awards::GrantingLevel;
    // The period's last day ends at midnight in Vietnam (UTC+7); timestamps are stored in UTC.
    let revoked_after = to.succ_opt().unwrap_or(to).and_time(chrono::NaiveTime::MIN) - chrono::TimeDelta::hours(7);
    let rows: Vec<StatisticsRow> = awards::table
        .inner_join(award_types::table.on(award_types::id.eq(awards::award_type_id)))
        .left_join(people::table.on(people::id.nullable().eq(awards::person_id)))
        .left_join(award_type_versions::table.on(award_type_versions::id.nullable().eq(awards::award_type_version_id)))
        .left_join(decisions::table.on(decisions::id.nullable().eq(awards::decision_id)))
        // As the form stood when sent: an award revoked after the period still counts.
        .filter(awards::revoked_at.is_null().or(awards::revoked_at.ge(revoked_after)))
        .filter(awards::decision_date.between(from, to))
        // A department's or a commune's decision is not the province's, whatever the rules allow.
        .filter(decisions::run_by_unit_id.is_null())
        .select((
            award_types::code,
            awards::recipient_kind,
            people::gender.nullable(),
            people::ethnicity_code.nullable(),
            people::staff_category.nullable(),
            awards::commendation_type,
            award_type_versions::granting_levels.nullable(),
            award_types::level,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(.., levels, type_level)| {
            let levels =
                levels.as_deref().map_or_else(|| GrantingLevel::defaults_for(type_level), GrantingLevel::split);
            // A title the centre grants is the State's (0602), whoever else may grant it.
            levels.contains(&granted_by)
                && (granted_by == GrantingLevel::Central || !levels.contains(&GrantingLevel::Central))
        })
        .map(|(award_type_code, recipient_kind, gender, ethnicity_code, staff_category, commendation_type, ..)| {
            StatisticsAward {
                award_type_code,
                recipient_kind,
                gender,
                ethnicity_code,
                staff_category,
                commendation_type,
            }
        })
        .collect())
}

/// The campaigns launched (not drafts, not cancelled) that start within the period, as Biểu
/// 0601.N counts them: whose level runs each, whether clusters take part, its kind and dates.
pub fn campaigns_started(
    conn: &mut DbConn,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<Vec<crate::domain::statistics::CountedCampaign>, ApiError> {
    use crate::db::schema::campaigns;
    use crate::domain::campaigns::{CampaignKind, CampaignStatus, Participation};
    let rows: Vec<(
        Option<crate::domain::ids::UnitId>,
        Participation,
        CampaignKind,
        chrono::NaiveDate,
        chrono::NaiveDate,
    )> = campaigns::table
        .filter(campaigns::start_date.between(from, to))
        .filter(db::one_of(campaigns::status, &[CampaignStatus::Launched, CampaignStatus::Closed]))
        .select((
            campaigns::run_by_unit_id,
            campaigns::participation,
            campaigns::kind,
            campaigns::start_date,
            campaigns::end_date,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(run_by, participation, kind, start_date, end_date)| crate::domain::statistics::CountedCampaign {
            by_unit: run_by.is_some(),
            by_clusters: participation == Participation::Clusters,
            kind,
            start_date,
            end_date,
        })
        .collect())
}
