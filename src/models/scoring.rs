//! Campaigns' scoring schemes (thang điểm) in SQL: each write is a new version; the latest
//! scores progress.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::scoring_schemes;
use crate::db::sql_types::UtcTimestamp;
use crate::db::{self, DbConn};
use crate::domain::ids::{CampaignId, ScoringSchemeId, UserId};
use crate::error::ApiError;
use crate::models::campaigns::{frozen, lock_campaign};

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = scoring_schemes)]
pub struct StoredScheme {
    pub id: ScoringSchemeId,
    pub campaign_id: CampaignId,
    pub version: i32,
    /// JSON: the checked `domain::scoring::GroupSpec` list.
    pub groups: String,
    pub note: Option<String>,
    pub created_by: UserId,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
}

pub fn scheme_not_found() -> ApiError {
    ApiError::not_found("scoring_scheme")
}

/// Stores a new version of a campaign's scheme. A closed or cancelled campaign keeps the one it
/// ended with (409).
pub fn create_scheme(
    conn: &mut DbConn,
    campaign_id: CampaignId,
    groups: &str,
    note: Option<&str>,
    actor_id: UserId,
) -> Result<StoredScheme, ApiError> {
    let campaign = lock_campaign(conn, campaign_id)?;
    if campaign.status.is_frozen() {
        return Err(frozen(campaign.status));
    }
    let last: Option<i32> = scoring_schemes::table
        .filter(scoring_schemes::campaign_id.eq(campaign_id))
        .select(diesel::dsl::max(scoring_schemes::version))
        .first(conn)?;
    let id = ScoringSchemeId::generate();
    diesel::insert_into(scoring_schemes::table)
        .values((
            scoring_schemes::id.eq(id),
            scoring_schemes::campaign_id.eq(campaign_id),
            scoring_schemes::version.eq(last.unwrap_or(0) + 1),
            scoring_schemes::groups.eq(groups),
            scoring_schemes::note.eq(note),
            scoring_schemes::created_by.eq(actor_id),
            scoring_schemes::created_at.eq(db::now()),
        ))
        .execute(conn)?;
    find_scheme(conn, id)
}

pub fn find_scheme(conn: &mut DbConn, id: ScoringSchemeId) -> Result<StoredScheme, ApiError> {
    scoring_schemes::table
        .find(id)
        .select(StoredScheme::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(scheme_not_found)
}

/// A campaign's versions, newest first.
pub fn list_schemes(conn: &mut DbConn, campaign_id: CampaignId) -> Result<Vec<StoredScheme>, ApiError> {
    Ok(scoring_schemes::table
        .filter(scoring_schemes::campaign_id.eq(campaign_id))
        .order(scoring_schemes::version.desc())
        .select(StoredScheme::as_select())
        .load(conn)?)
}

/// The version progress is scored by: the latest.
pub fn current_scheme(conn: &mut DbConn, campaign_id: CampaignId) -> Result<Option<StoredScheme>, ApiError> {
    Ok(scoring_schemes::table
        .filter(scoring_schemes::campaign_id.eq(campaign_id))
        .order(scoring_schemes::version.desc())
        .select(StoredScheme::as_select())
        .first(conn)
        .optional()?)
}
