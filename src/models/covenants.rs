//! Clusters' annual covenants (giao ước thi đua) in SQL: one per cluster (a cluster is one year's),
//! its shared content and each member's signature with its own commitments, and its files (the
//! scanned signed copy). Replaced as a whole, at the version last read.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use crate::db::schema::{cluster_covenants, covenant_signatories};
use crate::db::sql_types::UtcTimestamp;
use crate::db::{self, DbConn};
use crate::domain::ids::{ClusterId, CovenantId, UnitId, UserId};
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::models::clusters::find_cluster;
use crate::models::stored_files::{self, NewFile, Owner, StoredFile};

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = cluster_covenants)]
pub struct Covenant {
    pub id: CovenantId,
    pub cluster_id: ClusterId,
    pub title: String,
    pub signed_on: NaiveDate,
    pub place: Option<String>,
    /// What every member commits to (the covenant's articles).
    pub content: String,
    pub version: i32,
    pub created_by: UserId,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub updated_at: DateTime<Utc>,
}

/// A member's signature: who signed for the unit, and what the unit itself commits to.
#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = covenant_signatories)]
pub struct Signatory {
    pub unit_id: UnitId,
    pub signer_name: String,
    pub signer_title: String,
    pub commitments: String,
}

pub struct NewCovenant {
    pub title: String,
    pub signed_on: NaiveDate,
    pub place: Option<String>,
    pub content: String,
    pub signatories: Vec<Signatory>,
}

/// A covenant with its signatures (in the order given), the cluster's members who have not
/// signed, and its files.
pub struct CovenantDetail {
    pub covenant: Covenant,
    pub signatories: Vec<Signatory>,
    pub unsigned_unit_ids: Vec<UnitId>,
    pub files: Vec<StoredFile>,
}

pub fn covenant_not_found() -> ApiError {
    ApiError::not_found("covenant")
}

/// The cluster's covenant, if it has one.
pub fn find_for_cluster(conn: &mut DbConn, cluster_id: ClusterId) -> Result<Option<CovenantDetail>, ApiError> {
    let found: Option<Covenant> = cluster_covenants::table
        .filter(cluster_covenants::cluster_id.eq(cluster_id))
        .select(Covenant::as_select())
        .first(conn)
        .optional()?;
    found.map(|covenant| detail(conn, covenant)).transpose()
}

pub fn find(conn: &mut DbConn, id: CovenantId) -> Result<Covenant, ApiError> {
    cluster_covenants::table
        .find(id)
        .select(Covenant::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(covenant_not_found)
}

fn detail(conn: &mut DbConn, covenant: Covenant) -> Result<CovenantDetail, ApiError> {
    let signatories: Vec<Signatory> = covenant_signatories::table
        .filter(covenant_signatories::covenant_id.eq(covenant.id))
        .order(covenant_signatories::position)
        .select(Signatory::as_select())
        .load(conn)?;
    let (_, members) = find_cluster(conn, covenant.cluster_id)?;
    let unsigned_unit_ids = members.into_iter().filter(|m| !signatories.iter().any(|s| s.unit_id == *m)).collect();
    let files = stored_files::of_covenant(conn, covenant.id)?;
    Ok(CovenantDetail { covenant, signatories, unsigned_unit_ids, files })
}

/// Records the cluster's covenant, or replaces it (`expected_version` must be the stored one:
/// 412 otherwise; a first covenant takes none). Every signatory is a member of the cluster, once.
pub fn put(
    conn: &mut DbConn,
    cluster_id: ClusterId,
    new: NewCovenant,
    expected_version: Option<i32>,
    actor: UserId,
) -> Result<(CovenantDetail, bool), ApiError> {
    db::lock_for_transaction(conn, &format!("covenant-of:{cluster_id}"))?;
    let (_, members) = find_cluster(conn, cluster_id)?;
    let mut errors = Vec::new();
    for (i, s) in new.signatories.iter().enumerate() {
        if !members.contains(&s.unit_id) {
            errors.push(FieldError::new(
                format!("signatories[{i}].unit_id"),
                ErrorCode::NotAMember,
                "not a member of the cluster",
            ));
        } else if new.signatories[..i].iter().any(|earlier| earlier.unit_id == s.unit_id) {
            errors.push(FieldError::new(format!("signatories[{i}].unit_id"), ErrorCode::Duplicate, "signs once"));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let now = db::now();
    let existing: Option<Covenant> = cluster_covenants::table
        .filter(cluster_covenants::cluster_id.eq(cluster_id))
        .select(Covenant::as_select())
        .first(conn)
        .optional()?;
    let created = existing.is_none();
    let id = match existing {
        Some(current) => {
            if expected_version != Some(current.version) {
                return Err(ApiError::precondition_failed());
            }
            diesel::update(cluster_covenants::table.find(current.id))
                .set((
                    cluster_covenants::title.eq(&new.title),
                    cluster_covenants::signed_on.eq(new.signed_on),
                    cluster_covenants::place.eq(&new.place),
                    cluster_covenants::content.eq(&new.content),
                    cluster_covenants::version.eq(current.version + 1),
                    cluster_covenants::updated_at.eq(now),
                ))
                .execute(conn)?;
            diesel::delete(covenant_signatories::table.filter(covenant_signatories::covenant_id.eq(current.id)))
                .execute(conn)?;
            current.id
        }
        None => {
            if expected_version.is_some() {
                return Err(ApiError::precondition_failed());
            }
            let id = CovenantId::generate();
            diesel::insert_into(cluster_covenants::table)
                .values((
                    cluster_covenants::id.eq(id),
                    cluster_covenants::cluster_id.eq(cluster_id),
                    cluster_covenants::title.eq(&new.title),
                    cluster_covenants::signed_on.eq(new.signed_on),
                    cluster_covenants::place.eq(&new.place),
                    cluster_covenants::content.eq(&new.content),
                    cluster_covenants::version.eq(1),
                    cluster_covenants::created_by.eq(actor),
                    cluster_covenants::created_at.eq(now),
                    cluster_covenants::updated_at.eq(now),
                ))
                .execute(conn)?;
            id
        }
    };
    let rows: Vec<_> = new
        .signatories
        .iter()
        .enumerate()
        .map(|(position, s)| {
            (
                covenant_signatories::covenant_id.eq(id),
                covenant_signatories::unit_id.eq(s.unit_id),
                covenant_signatories::position.eq(position as i32),
                covenant_signatories::signer_name.eq(s.signer_name.clone()),
                covenant_signatories::signer_title.eq(s.signer_title.clone()),
                covenant_signatories::commitments.eq(s.commitments.clone()),
            )
        })
        .collect();
    db::insert_batches!(conn, covenant_signatories::table, rows);
    let covenant = find(conn, id)?;
    Ok((detail(conn, covenant)?, created))
}

/// Adds a file (its signed copy) to a covenant; the covenant's version moves on.
pub fn add_file(conn: &mut DbConn, id: CovenantId, file: NewFile) -> Result<StoredFile, ApiError> {
    // Its cluster's row, as `put` holds it (a covenant moves with its cluster, never to another).
    let cluster = find(conn, id)?.cluster_id;
    crate::models::clusters::lock_cluster(conn, cluster)?;
    let covenant = find(conn, id)?;
    diesel::update(cluster_covenants::table.find(id))
        .set((cluster_covenants::version.eq(covenant.version + 1), cluster_covenants::updated_at.eq(db::now())))
        .execute(conn)?;
    let file = file.owned_by(Owner::Covenant(id));
    stored_files::insert(conn, &file)?;
    Ok(file)
}

/// A covenant's file by id, with its covenant.
pub fn find_file(conn: &mut DbConn, id: crate::domain::ids::StoredFileId) -> Result<(StoredFile, Covenant), ApiError> {
    let file = stored_files::find(conn, id)?.filter(|f| f.covenant_id.is_some());
    let Some((file, covenant_id)) = file.and_then(|f| f.covenant_id.map(|c| (f, c))) else {
        return Err(ApiError::not_found("file"));
    };
    Ok((file, find(conn, covenant_id)?))
}
