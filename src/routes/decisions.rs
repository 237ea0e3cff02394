//! Public posting (công khai) of approved nominations and the comments it draws, and decisions
//! (quyết định khen thưởng) that grant posted nominations once their posting is over.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::policy::{self, Role};
use crate::auth::{client_addr, AuthUser};
use crate::db::journal::Scope;
use crate::db::{self, cursor, DbConn};
use crate::domain::display::{admin_date, money_vnd};
use crate::domain::documents::DecisionStatus;
use crate::domain::ids::{AwardId, CommentId, DecisionId, NominationId, UnitId};
use crate::domain::public::{proof_of_work_ok, PROOF_OF_WORK_HEADER};
use crate::domain::text::{normalize, strip_markup};
use crate::domain::units::today_in_vietnam;
use crate::domain::{check_date, check_text, check_text_block, Checks};
use crate::error::{ApiError, ErrorCode};
use crate::http::extract::{JsonBody, QueryParams};
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::models::awards as awards_model;
use crate::models::decisions::{self as model, NewDecision, PostingComment};
use crate::models::documents::{self as documents_model, DecisionSignature};
use crate::models::nominations as nominations_model;
use crate::models::reward_money;
use crate::openapi::errors::{CreateErrors, ListErrors, ReadErrors, WriteErrors};
use crate::routes::shared::{
    nomination_response, require_runs_nomination, AwardResponse, FundEntryResponse, SignatureResponse,
};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes
        .service(post_nomination)
        .service(list_comments)
        .service(review_comment)
        .service(issue)
        .service(list)
        .service(read)
        .service(public_postings)
        .service(comment);
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostRequest {
    /// Last day comments are taken. Left out: the end of the period the award's rules ask,
    /// counted from tomorrow in working days (the working-day calendar, `GET /calendar/{year}`)
    /// or calendar days as the rules say. Given: at least that day.
    pub until: Option<NaiveDate>,
}

/// Publish an approved nomination for the public's comments (admins; a unit's admin for the awards its level grants).
#[utoipa::path(operation_id = "post_nomination", tag = "decisions", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The nomination's id")),
    request_body = PostRequest,
    responses((status = 204, description = "On posting"), WriteErrors))]
#[post("/nominations/{id}/post")]
pub async fn post_nomination(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    id: web::Path<Uuid>,
    body: JsonBody<PostRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[Role::UnitAdmin])?;
    let mut checks = Checks::default();
    check_date("until", body.0.until, &mut checks);
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let (id, until, actor, today, caller) =
        (NominationId::from(id.into_inner()), body.0.until, who.user_id, today_in_vietnam(), who.0.clone());
    db::write(&state.db, origin.by(&who), move |conn, journal| {
        let nomination = visible_nomination(conn, &caller, id)?;
        require_runs_nomination(conn, &caller, &nomination)?;
        nominations_model::lock(conn, id)?;
        let before = nomination_response(nominations_model::detail(conn, id)?)?;
        model::post(conn, id, until, actor, today)?;
        let after = nomination_response(nominations_model::detail(conn, id)?)?;
        journal.changed("nomination", "posted", id, Scope::Unit(after.unit_id.into()), &before, &after);
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// One nominee on public posting: name, position and unit only.
#[derive(Serialize, ToSchema)]
pub struct PublicPostingResponse {
    pub nomination_id: Uuid,
    #[schema(example = "Hoàng Thị Mai")]
    pub nominee: String,
    pub position: Option<String>,
    pub unit_name: String,
    pub award_name: String,
    pub year: i32,
    /// Comments are taken until this day (inclusive).
    pub posting_until: NaiveDate,
    /// The same day as people read it: `posting_until` as a Vietnamese administrative date.
    #[schema(example = "ngày 15 tháng 01 năm 2026")]
    pub posting_until_text: String,
}

/// What is on public posting today (no sign-in): for people to comment on before decisions.
///
/// Not paged, unlike other collections: only the nominations whose posting period includes today
/// (one round's list), each with name, position and unit only.
#[utoipa::path(operation_id = "list_public_postings", tag = "public",
    responses((status = 200, description = "Nominations on posting", body = Vec<PublicPostingResponse>),
        (status = 503, description = "Database unavailable", body = crate::error::Problem, content_type = "application/problem+json")))]
#[get("/public/postings")]
pub async fn public_postings(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let today = today_in_vietnam();
    let rows = db::run(&state.db, move |conn| model::open_postings(conn, today)).await?;
    let items: Vec<PublicPostingResponse> = rows
        .into_iter()
        .map(|p| {
            Ok(PublicPostingResponse {
                nomination_id: p.nomination_id.into(),
                nominee: p.nominee,
                position: p.position,
                unit_name: p.unit_name,
                award_name: p.award_name,
                year: p.year,
                posting_until_text: admin_date(p.posting_until),
                posting_until: p.posting_until,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(HttpResponse::Ok().json(items))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentRequest {
    /// Plain text; markup is taken out.
    pub author_name: Option<String>,
    /// Plain text (line breaks kept); markup is taken out. Show it as text, never as HTML.
    #[schema(example = "Đề nghị xem xét lại thành tích năm 2025.")]
    pub content: String,
}

#[derive(Serialize, ToSchema)]
pub struct CommentReceipt {
    pub id: Uuid,
}

/// Comment on a nomination on posting (no sign-in). Quotas per client address and per posting
/// (`429`); deployments may ask for a proof of work (`403 proof_of_work_required`). The text is
/// kept as plain text — markup is taken out — and must be shown as text.
#[utoipa::path(operation_id = "comment_on_posting", tag = "public",
    params(("id" = Uuid, Path, description = "The nomination's id")),
    request_body = CommentRequest,
    responses((status = 201, description = "Received; the board reviews it", body = CommentReceipt),
        (status = 400, description = "Malformed JSON or id", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The deployment asks for a proof of work and none (or a wrong one) was sent", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not on posting", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is not JSON", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "A quota is full (per address or per posting, 24 hours), or too many requests; see `Retry-After`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/public/postings/{id}/comments")]
pub async fn comment(
    state: web::Data<AppState>,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<CommentRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = NominationId::from(id.into_inner());
    // The deployer's optional proof of work (THIDUA_COMMENT_POW_BITS), over the content as sent.
    let bits = state.settings.comment_pow_bits;
    let nonce = req.headers().get(PROOF_OF_WORK_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !proof_of_work_ok(&id.to_string(), &body.0.content, nonce, bits) {
        return Err(ApiError::new(ErrorCode::ProofOfWorkRequired,
            format!("send `Thidua-Proof-Of-Work: <nonce>` where SHA-256(\"<posting id>\\n<content>\\n<nonce>\") starts with {bits} zero bits"),
        ).localized("proof_of_work_required-bits", [("bits", crate::error::Arg::text(bits))]));
    }
    // Plain text: markup is taken out, and frontends show the rest as text (docs/awards.md).
    let mut checks = Checks::default();
    let content = check_text_block("content", &strip_markup(&body.0.content), 5000, &mut checks);
    let author = body
        .0
        .author_name
        .map(|a| strip_markup(&a))
        .filter(|a| !normalize(a).is_empty())
        .map(|a| check_text("author_name", &a, 200, &mut checks));
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let client = client_addr(&req, state.settings.auth.trust_forwarded);
    let today = today_in_vietnam();
    let (per_address, per_posting) = (state.settings.comment_max_per_address, state.settings.comment_max_per_posting);
    let comment_id = db::write(&state.db, origin.anonymous(), move |conn, journal| {
        if let Some(seconds) = model::comment_quota_full(conn, id, &client, per_address, per_posting)? {
            return Err(ApiError::too_many_requests(
                seconds,
                "this address or this posting has had its share of comments for today; try again later",
            ));
        }
        let comment_id = model::add_comment(conn, id, author, &content, &client, today)?;
        let created = CommentResponse::from(model::find_comment(conn, comment_id)?);
        // Board business: the board reviews what the public wrote.
        journal.created("posting_comment", comment_id, Scope::Admin, &created);
        Ok(comment_id)
    })
    .await?;
    Ok(HttpResponse::Created().json(CommentReceipt { id: comment_id.into() }))
}

#[derive(Serialize, ToSchema)]
pub struct CommentResponse {
    pub id: Uuid,
    pub author_name: Option<String>,
    pub content: String,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339_opt")]
    pub reviewed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub review_note: Option<String>,
}

impl From<PostingComment> for CommentResponse {
    fn from(c: PostingComment) -> CommentResponse {
        CommentResponse {
            id: c.id.into(),
            author_name: c.author_name,
            content: c.content,
            created_at: c.created_at,
            reviewed_at: c.reviewed_at,
            review_note: c.review_note,
        }
    }
}

/// The public's comments on a nomination (admins; a unit's admin for the awards its level grants).
///
/// Not paged, unlike other collections: comments come only while the nomination is on posting
/// (days), and the board reviews them all before the decision.
#[utoipa::path(operation_id = "list_posting_comments", tag = "decisions", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The nomination's id")),
    responses((status = 200, description = "Comments, oldest first", body = Vec<CommentResponse>), ListErrors))]
#[get("/nominations/{id}/comments")]
pub async fn list_comments(
    state: web::Data<AppState>,
    who: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[Role::UnitAdmin])?;
    let (id, caller) = (NominationId::from(id.into_inner()), who.0.clone());
    let rows = db::run(&state.db, move |conn| {
        let nomination = visible_nomination(conn, &caller, id)?;
        require_runs_nomination(conn, &caller, &nomination)?;
        model::comments(conn, id)
    })
    .await?;
    let items: Vec<CommentResponse> = rows.into_iter().map(CommentResponse::from).collect();
    Ok(HttpResponse::Ok().json(items))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentReviewRequest {
    pub note: String,
}

/// Record the board's review of a comment (admins; a unit's admin for the awards its level grants).
#[utoipa::path(operation_id = "review_posting_comment", tag = "decisions", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The comment's id")),
    request_body = CommentReviewRequest,
    responses((status = 200, description = "Reviewed", body = CommentResponse), WriteErrors))]
#[post("/posting-comments/{id}/review")]
pub async fn review_comment(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    id: web::Path<Uuid>,
    body: JsonBody<CommentReviewRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[Role::UnitAdmin])?;
    let mut checks = Checks::default();
    let note = check_text_block("note", &body.0.note, 5000, &mut checks);
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let (id, actor, caller) = (CommentId::from(id.into_inner()), who.user_id, who.0.clone());
    let reviewed = db::write(&state.db, origin.by(&who), move |conn, journal| {
        model::lock_comment(conn, id)?;
        let found = model::find_comment(conn, id)?;
        let nomination = visible_nomination(conn, &caller, found.nomination_id)?;
        require_runs_nomination(conn, &caller, &nomination)?;
        let before = CommentResponse::from(found);
        let after = CommentResponse::from(model::review_comment(conn, id, &note, actor)?);
        journal.changed("posting_comment", "reviewed", id, Scope::Admin, &before, &after);
        Ok(after)
    })
    .await?;
    Ok(HttpResponse::Ok().json(reviewed))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    #[schema(example = "123/QĐ-UBND")]
    pub number: String,
    /// The day it was signed: after the posting period of every nomination it grants, and not
    /// in the future.
    pub decided_on: NaiveDate,
    #[schema(example = "Chủ tịch UBND tỉnh")]
    pub signer: String,
    #[schema(example = "UBND tỉnh Thái Nguyên")]
    pub authority: String,
    /// Posted nominations whose posting ended before `decided_on`.
    pub nomination_ids: Vec<Uuid>,
    /// The unit whose reward fund (quỹ thi đua, khen thưởng) pays the bonuses — that of the
    /// level deciding. Each award's bonus becomes a payout in its ledger for the decision's
    /// year. Without it the bonuses are computed but no ledger is charged.
    #[serde(default)]
    pub paying_unit_id: Option<Uuid>,
    /// The department or commune whose head signed it; left out, the province's — or, for a
    /// caller bound to a unit (its `unit_admin`, or its head as `approver`), that unit's, the
    /// only one it may name (403 otherwise). Each award type must be one this level grants
    /// (its rules' `granting_levels`; 422 `authority_mismatch`; the province also records
    /// central awards it proposed). A unit's decision grants its own unit's nominations only:
    /// taken by the unit's own people, another unit's answers as an unknown id (422
    /// `not_found`) and a line of the province's round is refused (422 `outside_level`);
    /// recorded by the board naming another unit, 422 `outside_level`.
    #[serde(default)]
    pub run_by_unit_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct DecisionResponse {
    pub id: Uuid,
    pub number: String,
    pub decided_on: NaiveDate,
    pub signer: String,
    pub authority: String,
    /// The awards it granted.
    pub award_ids: Vec<Uuid>,
    /// Whose reward fund pays the bonuses, if the decision said.
    pub paying_unit_id: Option<Uuid>,
    /// The department or commune whose head decided; `null`: the province.
    pub run_by_unit_id: Option<Uuid>,
    /// The bonuses of its awards together, in đồng (awards without a bonus count 0).
    #[schema(example = 7730000)]
    pub total_bonus_vnd: i64,
    /// `total_bonus_vnd` as people read it.
    #[schema(example = "7.730.000 đ")]
    pub total_bonus_text: String,
    /// `awaiting_signature` until its signed PDF is uploaded and verified, where the deployer
    /// requires one (`THIDUA_REQUIRE_SIGNED_DECISIONS`); `final` otherwise.
    pub status: DecisionStatus,
    pub status_label: &'static str,
    /// The verified digital signature of its signed copy (`POST /decisions/{id}/signed-copy`);
    /// `null` until one is uploaded.
    pub signature: Option<SignatureResponse>,
}

type DecisionRow = (model::Decision, Vec<model::GrantedAward>, Option<DecisionSignature>);

/// A decision with its awards and signature, as answers give it.
fn decision_row(conn: &mut DbConn, id: DecisionId) -> Result<DecisionRow, ApiError> {
    let (decision, granted) = model::find_decision(conn, id)?;
    Ok((decision, granted, documents_model::signature_of(conn, id)?))
}

impl From<DecisionRow> for DecisionResponse {
    fn from((d, awards, signature): DecisionRow) -> DecisionResponse {
        let total_bonus_vnd = awards.iter().filter_map(|(_, bonus)| *bonus).sum();
        DecisionResponse {
            id: d.id.into(),
            number: d.number,
            decided_on: d.decided_on,
            signer: d.signer,
            authority: d.authority,
            award_ids: awards.iter().map(|(a, _)| Uuid::from(*a)).collect(),
            paying_unit_id: d.paying_unit_id.map(Uuid::from),
            run_by_unit_id: d.run_by_unit_id.map(Uuid::from),
            total_bonus_vnd,
            total_bonus_text: money_vnd(total_bonus_vnd),
            status: d.status,
            status_label: d.status.label_vi(),
            signature: signature.map(SignatureResponse::from),
        }
    }
}

/// Record a signed decision (admins, approvers, a unit's admin for its unit): its nominations
/// become decided and awards.
#[utoipa::path(operation_id = "issue_decision", tag = "decisions", security(("bearer" = [])), request_body = DecisionRequest,
    responses((status = 201, description = "Issued", body = DecisionResponse), CreateErrors))]
#[post("/decisions")]
pub async fn issue(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    body: JsonBody<DecisionRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[Role::Approver, Role::UnitAdmin])?;
    let body = body.0;
    let run_by_unit_id = deciding_unit(&who, body.run_by_unit_id.map(UnitId::from))?;
    let mut checks = Checks::default();
    let number = check_text("number", &body.number, 100, &mut checks);
    let signer = check_text("signer", &body.signer, 200, &mut checks);
    let authority = check_text("authority", &body.authority, 300, &mut checks);
    check_date("decided_on", Some(body.decided_on), &mut checks);
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let mut nomination_ids: Vec<NominationId> = body.nomination_ids.into_iter().map(NominationId::from).collect();
    nomination_ids.sort();
    nomination_ids.dedup();
    let paying_unit_id = body.paying_unit_id.map(UnitId::from);
    // A unit's decision pays from its own fund (the board recording one may name another).
    let unit_decision = run_by_unit_id.is_some() && !who.has(Role::Admin);
    if unit_decision && paying_unit_id.is_some_and(|payer| Some(payer) != run_by_unit_id) {
        return Err(ApiError::validation(vec![crate::error::FieldError::new(
            "paying_unit_id",
            ErrorCode::OutsideLevel,
            "a decision pays from the fund of the level that takes it",
        )]));
    }
    let new = NewDecision {
        number,
        decided_on: body.decided_on,
        signer,
        authority,
        nomination_ids,
        paying_unit_id,
        run_by_unit_id,
        taken_by_the_unit: unit_decision,
        status: if state.settings.documents.require_signed_decisions {
            DecisionStatus::AwaitingSignature
        } else {
            DecisionStatus::Final
        },
    };
    let (actor, today) = (who.user_id, today_in_vietnam());
    let body = db::write(&state.db, origin.by(&who), move |conn, journal| {
        // Unknown ids are left to `issue`, which names them in its 422. Locked first, in one
        // order, so what is read as `before` is what `issue` changes.
        nominations_model::lock_all(conn, &new.nomination_ids)?;
        let granted_before: Vec<_> =
            new.nomination_ids.iter().filter_map(|n| nominations_model::detail(conn, *n).ok()).collect();
        let id = model::issue(conn, new, actor, today)?;
        let (decision, granted) = model::find_decision(conn, id)?;
        let award_ids: Vec<AwardId> = granted.iter().map(|(a, _)| *a).collect();
        let issued = DecisionResponse::from((decision, granted, None));
        journal.created("decision", id, Scope::Registry, &issued);
        for entry in reward_money::entries_of_decision(conn, id)? {
            let entry = FundEntryResponse::from(entry);
            journal.created("reward_fund_entry", entry.id, Scope::Unit(UnitId::from(entry.unit_id)), &entry);
        }
        // Each nomination granted, and the award it became.
        for n_before in granted_before {
            let nomination_id = n_before.nomination.id;
            let n_before = nomination_response(n_before)?;
            let n_after = nomination_response(nominations_model::detail(conn, nomination_id)?)?;
            journal.changed(
                "nomination",
                "granted",
                nomination_id,
                Scope::Unit(n_after.unit_id.into()),
                &n_before,
                &n_after,
            );
        }
        for award_id in award_ids {
            let award = awards_model::find_award(conn, award_id)?;
            let unit = award.unit_id;
            let award = AwardResponse::from(award);
            journal.created("award", award_id, Scope::Unit(unit), &award);
        }
        Ok(issued)
    })
    .await?;
    Ok(HttpResponse::Created().insert_header((header::LOCATION, format!("/api/v1/decisions/{}", body.id))).json(body))
}

/// A nomination as the caller may know it: one of a unit they may not see answers 404.
fn visible_nomination(
    conn: &mut db::DbConn,
    who: &policy::Principal,
    id: NominationId,
) -> Result<nominations_model::Nomination, ApiError> {
    let n = nominations_model::find_nomination(conn, id)?;
    policy::authorize_or_hide(who, policy::Action::Read, policy::Resource::UnitRecord { unit_id: n.unit_id }, || {
        ApiError::not_found("nomination")
    })?;
    Ok(n)
}

/// Whose decision a caller records: the board any level's (the province's unless it names a
/// unit); a caller bound to a unit — its admin, its head as approver — only that unit's; an
/// approver of the province only the province's.
fn deciding_unit(who: &AuthUser, asked: Option<UnitId>) -> Result<Option<UnitId>, ApiError> {
    if who.has(Role::Admin) {
        return Ok(asked);
    }
    match (who.unit_id, asked) {
        (Some(own), None) => Ok(Some(own)),
        (own, asked) if own == asked => Ok(asked),
        _ => Err(ApiError::forbidden()),
    }
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DecisionQuery {
    /// Only decisions signed in this year.
    pub year: Option<i32>,
    /// Only this department's or commune's decisions.
    pub run_by_unit_id: Option<Uuid>,
    /// `true`: only the province's decisions; `false`: only units'.
    pub province_level: Option<bool>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DecisionPage {
    pub items: Vec<DecisionResponse>,
    pub next_cursor: Option<String>,
}

/// List decisions with the awards each granted, the last recorded first (everyone signed in;
/// decisions are public).
#[utoipa::path(operation_id = "list_decisions", tag = "decisions", security(("bearer" = [])), params(DecisionQuery),
    responses((status = 200, description = "One page of decisions", body = DecisionPage), ListErrors))]
#[get("/decisions")]
pub async fn list(
    state: web::Data<AppState>,
    who: AuthUser,
    scope: cursor::ListScope,
    query: QueryParams<DecisionQuery>,
) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, policy::Action::Read, policy::Resource::Registry)?;
    let query = query.0;
    let limit = cursor::limit(query.limit)?;
    let run_by = crate::routes::shared::run_by_filter(query.run_by_unit_id, query.province_level)?;
    let before: Option<Uuid> = query.cursor.as_deref().map(|c| cursor::decode(&scope, c)).transpose()?;
    let (rows, next_cursor) = db::run(&state.db, move |conn| {
        let rows = model::list_decisions(conn, query.year, run_by, before.map(DecisionId::from), limit)?;
        let (rows, next) = cursor::page(rows, limit, &scope, |(d, _)| d.id.uuid());
        let ids: Vec<DecisionId> = rows.iter().map(|(d, _)| d.id).collect();
        let mut signatures = documents_model::signatures_of(conn, &ids)?;
        let rows: Vec<DecisionRow> = rows
            .into_iter()
            .map(|(d, granted)| {
                let signature = signatures.remove(&d.id);
                (d, granted, signature)
            })
            .collect();
        Ok((rows, next))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .json(DecisionPage { items: rows.into_iter().map(DecisionResponse::from).collect(), next_cursor }))
}

/// Get a decision and the awards it granted.
#[utoipa::path(operation_id = "get_decision", tag = "decisions", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The decision's id")),
    responses((status = 200, description = "The decision", body = DecisionResponse), ReadErrors))]
#[get("/decisions/{id}")]
pub async fn read(state: web::Data<AppState>, who: AuthUser, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    policy::authorize(&who, policy::Action::Read, policy::Resource::Registry)?;
    let id = DecisionId::from(id.into_inner());
    Ok(HttpResponse::Ok().json(DecisionResponse::from(db::run(&state.db, move |conn| decision_row(conn, id)).await?)))
}
