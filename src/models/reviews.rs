//! Campaigns' reviews (sơ kết, tổng kết) in SQL: each with its date, narrative, the documents it
//! rests on and the scores frozen at that date.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use crate::db::schema::campaign_reviews;
use crate::db::sql_types::UtcTimestamp;
use crate::db::{self, DbConn};
use crate::domain::campaigns::ReviewKind;
use crate::domain::ids::{CampaignId, ReviewId, ScoringSchemeId, StoredFileId, UserId};
use crate::error::ApiError;
use crate::models::campaigns::lock_campaign_shared;
use crate::models::stored_files::{self, NewFile, Owner, StoredFile};

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = campaign_reviews)]
pub struct Review {
    pub id: ReviewId,
    pub campaign_id: CampaignId,
    pub kind: ReviewKind,
    pub held_on: NaiveDate,
    pub title: String,
    pub narrative: String,
    /// JSON: the documents (title, number, date).
    pub documents: String,
    pub scoring_scheme_id: Option<ScoringSchemeId>,
    /// JSON: the campaign's progress as of `held_on`, as computed then (unredacted).
    pub snapshot: String,
    pub created_by: UserId,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
}

pub struct NewReview {
    pub kind: ReviewKind,
    pub held_on: NaiveDate,
    pub title: String,
    pub narrative: String,
    pub documents: String,
    pub scoring_scheme_id: Option<ScoringSchemeId>,
    pub snapshot: String,
}

pub fn review_not_found() -> ApiError {
    ApiError::not_found("review")
}

pub fn create_review(
    conn: &mut DbConn,
    campaign_id: CampaignId,
    new: NewReview,
    actor_id: UserId,
) -> Result<Review, ApiError> {
    // The campaign exists (and a close waits for this write on PostgreSQL).
    lock_campaign_shared(conn, campaign_id)?;
    let id = ReviewId::generate();
    diesel::insert_into(campaign_reviews::table)
        .values((
            campaign_reviews::id.eq(id),
            campaign_reviews::campaign_id.eq(campaign_id),
            campaign_reviews::kind.eq(new.kind.as_str()),
            campaign_reviews::held_on.eq(new.held_on),
            campaign_reviews::title.eq(&new.title),
            campaign_reviews::narrative.eq(&new.narrative),
            campaign_reviews::documents.eq(&new.documents),
            campaign_reviews::scoring_scheme_id.eq(new.scoring_scheme_id),
            campaign_reviews::snapshot.eq(&new.snapshot),
            campaign_reviews::created_by.eq(actor_id),
            campaign_reviews::created_at.eq(db::now()),
        ))
        .execute(conn)?;
    find_review(conn, id)
}

pub fn find_review(conn: &mut DbConn, id: ReviewId) -> Result<Review, ApiError> {
    campaign_reviews::table.find(id).select(Review::as_select()).first(conn).optional()?.ok_or_else(review_not_found)
}

/// A campaign's reviews by date.
pub fn list_reviews(conn: &mut DbConn, campaign_id: CampaignId) -> Result<Vec<Review>, ApiError> {
    Ok(campaign_reviews::table
        .filter(campaign_reviews::campaign_id.eq(campaign_id))
        .order((campaign_reviews::held_on.asc(), campaign_reviews::id.asc()))
        .select(Review::as_select())
        .load(conn)?)
}

/// Adds a file the review rests on (its report, the minutes): a review's narrative and scores
/// stay as recorded; only its files grow.
pub fn add_file(conn: &mut DbConn, id: ReviewId, file: NewFile) -> Result<StoredFile, ApiError> {
    find_review(conn, id)?;
    let file = file.owned_by(Owner::Review(id));
    stored_files::insert(conn, &file)?;
    Ok(file)
}

/// A review's file by id, with its review.
pub fn find_file(conn: &mut DbConn, id: StoredFileId) -> Result<(StoredFile, Review), ApiError> {
    let found = stored_files::find(conn, id)?.and_then(|f| f.review_id.map(|r| (f, r)));
    let Some((file, review_id)) = found else { return Err(ApiError::not_found("file")) };
    Ok((file, find_review(conn, review_id)?))
}
