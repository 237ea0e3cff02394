//! Emulation clusters and blocks in SQL.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::{campaign_clusters, campaigns, cluster_members, clusters, units};
use crate::db::sql_types::UtcTimestamp;
use crate::db::{self, DbConn};
use crate::domain::ids::{ClusterId, UnitId};
use crate::domain::units::UnitKind;
use crate::error::{ApiError, ErrorCode, FieldError};

type Db = <DbConn as Connection>::Backend;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = clusters)]
pub struct Cluster {
    pub id: ClusterId,
    pub name: String,
    pub year: i32,
    pub leading_unit_id: Option<UnitId>,
    pub version: i32,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub updated_at: DateTime<Utc>,
}

pub struct ClusterInput {
    pub name: String,
    pub year: i32,
    pub leading_unit_id: Option<UnitId>,
    pub member_ids: Vec<UnitId>,
}

pub fn cluster_members(conn: &mut DbConn, cluster_id: ClusterId) -> Result<Vec<UnitId>, ApiError> {
    Ok(cluster_members::table
        .filter(cluster_members::cluster_id.eq(cluster_id))
        .select(cluster_members::unit_id)
        .order(cluster_members::unit_id)
        .load(conn)?)
}

pub fn find_cluster(conn: &mut DbConn, id: ClusterId) -> Result<(Cluster, Vec<UnitId>), ApiError> {
    let cluster = clusters::table
        .find(id)
        .select(Cluster::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("cluster"))?;
    let members = cluster_members(conn, id)?;
    Ok((cluster, members))
}

/// Holds the cluster's row until the transaction ends (see `db::lock_row!`): take it before
/// reading the cluster for a write.
pub fn lock_cluster(conn: &mut DbConn, id: ClusterId) -> Result<(), ApiError> {
    Ok(db::lock_row!(conn, clusters::table, id)?)
}

pub fn list_clusters(conn: &mut DbConn, year: Option<i32>) -> Result<Vec<(Cluster, Vec<UnitId>)>, ApiError> {
    let mut query = clusters::table.into_boxed::<Db>();
    if let Some(year) = year {
        query = query.filter(clusters::year.eq(year));
    }
    let found: Vec<Cluster> =
        query.order((clusters::year.desc(), clusters::name.asc())).select(Cluster::as_select()).load(conn)?;
    let ids: Vec<ClusterId> = found.iter().map(|c| c.id).collect();
    let members: Vec<(ClusterId, UnitId)> = cluster_members::table
        .filter(db::one_of(cluster_members::cluster_id, &ids))
        .select((cluster_members::cluster_id, cluster_members::unit_id))
        .order(cluster_members::unit_id)
        .load(conn)?;
    Ok(found
        .into_iter()
        .map(|c| {
            let mine = members.iter().filter(|(cid, _)| *cid == c.id).map(|(_, u)| *u).collect();
            (c, mine)
        })
        .collect())
}

/// Members must be departments or communes; the leading unit must be one of them.
fn check_members(conn: &mut DbConn, input: &ClusterInput) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    if input.member_ids.is_empty() {
        errors.push(FieldError::new("member_ids", ErrorCode::Required, "a cluster needs at least one member"));
    }
    let kinds: Vec<(UnitId, UnitKind, Option<chrono::NaiveDate>, Option<chrono::NaiveDate>)> = units::table
        .filter(db::one_of(units::id, &input.member_ids))
        .select((units::id, units::kind, units::valid_from, units::valid_until))
        .load(conn)?;
    let year = (chrono::NaiveDate::from_ymd_opt(input.year, 1, 1), chrono::NaiveDate::from_ymd_opt(input.year, 12, 31));
    for (i, id) in input.member_ids.iter().enumerate() {
        let field = format!("member_ids[{i}]");
        if input.member_ids[..i].contains(id) {
            errors.push(FieldError::new(field, ErrorCode::Duplicate, "is listed twice"));
            continue;
        }
        match kinds.iter().find(|(u, ..)| u == id) {
            None => errors.push(FieldError::new(field, ErrorCode::NotFound, "no unit has this id")),
            Some((_, kind, ..)) if *kind != UnitKind::Department && *kind != UnitKind::Commune => {
                errors.push(FieldError::new(field, ErrorCode::WrongKind, "must be a department or a commune"));
            }
            Some((_, _, from, until)) if !crate::domain::units::periods_overlap((*from, *until), year) => {
                errors.push(FieldError::new(
                    field,
                    ErrorCode::InactiveUnit,
                    "the unit is not in force during that year",
                ));
            }
            Some(_) => {}
        }
    }
    if let Some(leader) = &input.leading_unit_id {
        if !input.member_ids.contains(leader) {
            errors.push(FieldError::new(
                "leading_unit_id",
                ErrorCode::NotAMember,
                "the leading unit must be one of the members",
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

fn name_taken(e: diesel::result::Error) -> ApiError {
    match e {
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
            ApiError::conflict(ErrorCode::NameTaken, "a cluster of that name exists for that year")
        }
        other => other.into(),
    }
}

fn write_members(conn: &mut DbConn, cluster_id: ClusterId, member_ids: &[UnitId]) -> Result<(), ApiError> {
    diesel::delete(cluster_members::table.filter(cluster_members::cluster_id.eq(cluster_id))).execute(conn)?;
    for unit_id in member_ids {
        diesel::insert_into(cluster_members::table)
            .values((cluster_members::cluster_id.eq(cluster_id), cluster_members::unit_id.eq(unit_id)))
            .execute(conn)?;
    }
    Ok(())
}

/// Whether a campaign past its draft runs by this cluster.
fn in_use_after_draft(conn: &mut DbConn, cluster_id: ClusterId) -> Result<bool, ApiError> {
    let count: i64 = campaign_clusters::table
        .inner_join(campaigns::table.on(campaigns::id.eq(campaign_clusters::campaign_id)))
        .filter(campaign_clusters::cluster_id.eq(cluster_id))
        .filter(campaigns::status.ne(crate::domain::campaigns::CampaignStatus::Draft))
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

pub fn create_cluster(conn: &mut DbConn, input: ClusterInput) -> Result<(Cluster, Vec<UnitId>), ApiError> {
    check_members(conn, &input)?;
    let id = ClusterId::generate();
    let now = db::now();
    diesel::insert_into(clusters::table)
        .values((
            clusters::id.eq(id),
            clusters::name.eq(&input.name),
            clusters::year.eq(input.year),
            clusters::leading_unit_id.eq(input.leading_unit_id),
            clusters::version.eq(1),
            clusters::created_at.eq(now),
            clusters::updated_at.eq(now),
        ))
        .execute(conn)
        .map_err(name_taken)?;
    write_members(conn, id, &input.member_ids)?;
    find_cluster(conn, id)
}

/// Replaces a cluster's name, leader and members at `expected_version` (if given).
pub fn replace_cluster(
    conn: &mut DbConn,
    id: ClusterId,
    input: ClusterInput,
    expected_version: Option<i32>,
) -> Result<(Cluster, Vec<UnitId>), ApiError> {
    let (current, _) = find_cluster(conn, id)?;
    if expected_version.is_some_and(|v| v != current.version) {
        return Err(ApiError::precondition_failed());
    }
    check_members(conn, &input)?;
    let mut members = input.member_ids.clone();
    members.sort();
    let stored = cluster_members(conn, id)?;
    if (members != stored || input.year != current.year) && in_use_after_draft(conn, id)? {
        return Err(ApiError::conflict(
            ErrorCode::ClusterInUse,
            "a launched or finished campaign runs by this cluster: its members and year are fixed",
        ));
    }
    let updated = diesel::update(clusters::table.find(id).filter(clusters::version.eq(current.version)))
        .set((
            clusters::name.eq(&input.name),
            clusters::year.eq(input.year),
            clusters::leading_unit_id.eq(input.leading_unit_id),
            clusters::version.eq(current.version + 1),
            clusters::updated_at.eq(db::now()),
        ))
        .execute(conn)
        .map_err(name_taken)?;
    if updated == 0 {
        return Err(ApiError::precondition_failed());
    }
    write_members(conn, id, &input.member_ids)?;
    find_cluster(conn, id)
}
