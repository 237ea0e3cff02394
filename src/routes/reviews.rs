//! Campaign reviews (sơ kết, tổng kết): the board records each review with its date, title,
//! narrative and the documents it rests on, and the scores are frozen at that date — the
//! campaign's progress as of the review date, stored as computed then, so later reports,
//! corrections or a new scoring scheme do not change what the review ranked. Everyone who may
//! read the campaign reads its reviews; a unit's targets and actuals in the snapshot follow the
//! progress rules (its own people, the board, province-level readers).

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::policy::{self, Action, Decision, Resource, Role};
use crate::auth::AuthUser;
use crate::db::{self, journal::Scope};
use crate::domain::campaigns::{check_review_date, ReviewKind};
use crate::domain::ids::{ReviewId, StoredFileId, UnitId};
use crate::domain::progress::ProgressResponse;
use crate::domain::{check_text, check_text_block, Checks};
use crate::error::{ApiError, ErrorCode};
use crate::http::extract::{JsonBody, QueryParams};
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::http::upload::{self, FileBytes, StoredFileResponses};
use crate::models::campaigns as campaigns_model;
use crate::models::reviews::{self as model, NewReview, Review};
use crate::models::stored_files::{self, StoredFile};
use crate::openapi::errors::{CreateErrors, ReadErrors, WriteErrors};
use crate::routes::shared::{
    campaign_progress, can_see, received_file, visible_campaign, AttachmentQuery, AttachmentResponse,
};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes.service(list).service(create).service(read).service(upload_file).service(download_file);
}

/// A document a review rests on (its report, the minutes, the decision).
#[derive(Deserialize, Serialize, ToSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct ReviewDocument {
    #[schema(example = "Báo cáo tổng kết đợt thi đua cao điểm")]
    pub title: String,
    #[schema(example = "312/BC-UBND")]
    pub number: Option<String>,
    pub date: Option<NaiveDate>,
}

/// A review as recorded by the board.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    pub kind: ReviewKind,
    /// The day the review was held; the scores are frozen as of it. Within the campaign (an
    /// interim review) or from its start on (a final review), never in the future.
    pub held_on: NaiveDate,
    #[schema(example = "Hội nghị tổng kết đợt thi đua cao điểm 100 ngày đêm")]
    pub title: String,
    /// What the review found and decided.
    pub narrative: String,
    #[serde(default)]
    pub documents: Vec<ReviewDocument>,
}

#[derive(Serialize, ToSchema)]
pub struct ReviewResponse {
    pub id: Uuid,
    pub campaign_id: Uuid,
    pub kind: ReviewKind,
    /// `kind` as people read it (Vietnamese).
    pub kind_label: &'static str,
    pub held_on: NaiveDate,
    pub title: String,
    pub narrative: String,
    pub documents: Vec<ReviewDocument>,
    /// The files filed with it (its report, the minutes), oldest first.
    pub files: Vec<AttachmentResponse>,
    /// The scoring scheme version the snapshot scored by (null: none).
    pub scoring_scheme_id: Option<Uuid>,
    /// The campaign's progress as of `held_on`, frozen when the review was recorded.
    #[schema(value_type = ProgressResponse)]
    pub snapshot: serde_json::Value,
    pub created_by: Uuid,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Who a review is shown to: a person (their share of the snapshot), or the public change feed.
#[derive(Clone, Copy)]
enum Reader<'a> {
    User(&'a AuthUser),
    Public,
}

const FILES: &str = "/api/v1/review-files";

/// A stored review as the reader may see it: other units' targets and actuals left out.
fn review_response((r, files): (Review, Vec<StoredFile>), reader: Reader<'_>) -> Result<ReviewResponse, ApiError> {
    let corrupt = |what: &str| ApiError::internal(anyhow::anyhow!("review {}: stored {what} does not parse", r.id));
    let mut snapshot: serde_json::Value = serde_json::from_str(&r.snapshot).map_err(|_| corrupt("snapshot"))?;
    if let Some(units) = snapshot["units"].as_array_mut() {
        for unit in units {
            let unit_id = unit["unit_id"].as_str().and_then(UnitId::parse);
            let allowed = match (reader, unit_id) {
                (Reader::User(who), Some(unit_id)) => {
                    policy::decide(who, Action::Read, Resource::UnitRecord { unit_id }) == Decision::Allow
                }
                _ => false,
            };
            if !allowed {
                unit["indicators"] = serde_json::json!([]);
            }
        }
    }
    Ok(ReviewResponse {
        id: r.id.into(),
        campaign_id: r.campaign_id.into(),
        kind: r.kind,
        kind_label: r.kind.label_vi(),
        held_on: r.held_on,
        documents: serde_json::from_str(&r.documents).map_err(|_| corrupt("documents"))?,
        files: files.into_iter().map(|f| AttachmentResponse::new(f, FILES)).collect(),
        scoring_scheme_id: r.scoring_scheme_id.map(Uuid::from),
        snapshot,
        created_by: r.created_by.into(),
        created_at: r.created_at,
        title: r.title,
        narrative: r.narrative,
    })
}

/// A campaign's reviews (sơ kết, tổng kết), by date, each with its frozen scores.
///
/// Not paged: a campaign has a review or two a year.
#[utoipa::path(operation_id = "list_campaign_reviews", tag = "campaigns", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The campaign's id")),
    responses((status = 200, description = "The reviews, by date", body = Vec<ReviewResponse>), ReadErrors))]
#[get("/campaigns/{id}/reviews")]
pub async fn list(state: web::Data<AppState>, who: AuthUser, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let campaign = visible_campaign(&state, &who, id.into_inner()).await?;
    let found = db::run(&state.db, move |conn| {
        let mut found = Vec::new();
        for review in model::list_reviews(conn, campaign.id)? {
            let files = stored_files::of_review(conn, review.id)?;
            found.push((review, files));
        }
        Ok(found)
    })
    .await?;
    let items: Vec<ReviewResponse> =
        found.into_iter().map(|r| review_response(r, Reader::User(&who))).collect::<Result<_, _>>()?;
    Ok(HttpResponse::Ok().json(items))
}

/// Record a review (who runs the campaign's level): its scores are the campaign's progress as of `held_on`, frozen now.
/// Not for a draft (nothing to review yet, 409).
#[utoipa::path(operation_id = "create_campaign_review", tag = "campaigns", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The campaign's id")),
    request_body = ReviewRequest,
    responses((status = 201, description = "Recorded; `Location` is set", body = ReviewResponse), CreateErrors))]
#[post("/campaigns/{id}/reviews")]
pub async fn create(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    id: web::Path<Uuid>,
    body: JsonBody<ReviewRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[Role::UnitAdmin])?;
    let id = id.into_inner();
    let campaign = visible_campaign(&state, &who, id).await?;
    policy::require_runs_level(&who, campaign.run_by_unit_id)?;
    let body = body.0;
    let mut checks = Checks::default();
    let title = check_text("title", &body.title, 500, &mut checks);
    let narrative = check_text_block("narrative", &body.narrative, 50_000, &mut checks);
    check_review_date(
        body.kind,
        body.held_on,
        campaign.start_date,
        campaign.end_date,
        crate::domain::units::today_in_vietnam(),
        &mut checks,
    );
    let mut documents = Vec::with_capacity(body.documents.len());
    for (i, d) in body.documents.iter().enumerate() {
        let title = check_text(&format!("documents[{i}].title"), &d.title, 500, &mut checks);
        let number = d
            .number
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .map(|n| check_text(&format!("documents[{i}].number"), n, 100, &mut checks));
        crate::domain::check_date(&format!("documents[{i}].date"), d.date, &mut checks);
        documents.push(ReviewDocument { title, number, date: d.date });
    }
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    if campaign.status == crate::domain::campaigns::CampaignStatus::Draft {
        return Err(ApiError::conflict(ErrorCode::CampaignNotLaunched, "the campaign has not been launched yet"));
    }
    // The board sees every unit: the snapshot is whole, and each reader gets their share of it.
    let progress = campaign_progress(&state, &who, id, Some(body.held_on)).await?;
    let new = NewReview {
        kind: body.kind,
        held_on: body.held_on,
        title,
        narrative,
        documents: serde_json::to_string(&documents).map_err(|e| ApiError::internal(e.into()))?,
        scoring_scheme_id: progress.scoring_scheme_id.map(Into::into),
        snapshot: serde_json::to_string(&progress).map_err(|e| ApiError::internal(e.into()))?,
    };
    let actor = who.user_id;
    let stored = db::write(&state.db, origin.by(&who), move |conn, journal| {
        let stored = model::create_review(conn, campaign.id, new, actor)?;
        // The feed is read by everyone: no unit's targets and actuals in it.
        let public = review_response((stored.clone(), Vec::new()), Reader::Public)?;
        journal.created("review", public.id, Scope::Registry, &public);
        Ok(stored)
    })
    .await?;
    let created = review_response((stored, Vec::new()), Reader::User(&who))?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/reviews/{}", created.id)))
        .json(created))
}

/// One review with its frozen scores.
#[utoipa::path(operation_id = "get_campaign_review", tag = "campaigns", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The review's id")),
    responses((status = 200, description = "The review", body = ReviewResponse), ReadErrors))]
#[get("/reviews/{id}")]
pub async fn read(state: web::Data<AppState>, who: AuthUser, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let (id, caller) = (ReviewId::from(id.into_inner()), who.0.clone());
    let found = db::run(&state.db, move |conn| {
        let (review, _) = visible_review_in(conn, &caller, id)?;
        Ok((review, stored_files::of_review(conn, id)?))
    })
    .await?;
    Ok(HttpResponse::Ok().json(review_response(found, Reader::User(&who))?))
}

/// File a document a review rests on (who runs the campaign's level): the raw file is the
/// body, as for evidence. The review's narrative and frozen scores do not change.
#[utoipa::path(operation_id = "upload_review_file", tag = "campaigns", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The review's id"), AttachmentQuery),
    request_body(description = "The file itself as the body (not multipart), as for evidence.", content(
        (FileBytes = "application/octet-stream"),
        (FileBytes = "application/pdf"),
        (FileBytes = "image/png"),
        (FileBytes = "image/jpeg"),
        (FileBytes = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    responses((status = 201, description = "Stored", body = AttachmentResponse), WriteErrors))]
#[post("/reviews/{id}/files")]
pub async fn upload_file(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
    query: QueryParams<AttachmentQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[Role::UnitAdmin])?;
    let review = visible_review(&state, &who, ReviewId::from(id.into_inner())).await?;
    policy::require_runs_level(&who, review.1.run_by_unit_id)?;
    let review_id = review.0.id;
    let received = upload::receive(&req, payload, state.settings.max_upload_bytes).await?;
    let (file, bytes) =
        received_file(received, &format!("reviews/{review_id}"), query.0.filename.as_deref(), who.user_id);
    let key = file.storage_key.clone();
    let body = upload::store_and_write(state.into_inner(), key, bytes, origin.by(&who), move |conn, journal| {
        let added = AttachmentResponse::new(model::add_file(conn, review_id, file)?, FILES);
        journal.record("review", "file_added", review_id, Scope::Registry, None, serde_json::to_value(&added).ok());
        Ok(added)
    })
    .await?;
    Ok(HttpResponse::Created().insert_header((header::LOCATION, body.href.clone())).json(body))
}

/// Download a review's file (whoever may read the campaign).
#[utoipa::path(operation_id = "download_review_file", tag = "campaigns", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The file's id")),
    responses(StoredFileResponses, ReadErrors))]
#[get("/review-files/{id}")]
pub async fn download_file(
    state: web::Data<AppState>,
    who: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = StoredFileId::from(id.into_inner());
    let (file, review) = db::run(&state.db, move |conn| model::find_file(conn, id)).await?;
    visible_review(&state, &who, review.id).await.map_err(|_| ApiError::not_found("file"))?;
    upload::download(&state, &file.storage_key, file.content_type, &file.filename, &file.sha256).await
}

/// A review and its campaign, if the caller may read the campaign (404 otherwise, as for a
/// review that does not exist).
async fn visible_review(
    state: &AppState,
    who: &AuthUser,
    id: ReviewId,
) -> Result<(Review, crate::models::campaigns::Campaign), ApiError> {
    let caller = who.0.clone();
    db::run(&state.db, move |conn| visible_review_in(conn, &caller, id)).await
}

/// `visible_review` within a read already open.
fn visible_review_in(
    conn: &mut crate::db::DbConn,
    who: &policy::Principal,
    id: ReviewId,
) -> Result<(Review, crate::models::campaigns::Campaign), ApiError> {
    let review = model::find_review(conn, id)?;
    let campaign = campaigns_model::find_campaign(conn, review.campaign_id)?;
    if !can_see(who, &campaign) {
        return Err(model::review_not_found());
    }
    Ok((review, campaign))
}
