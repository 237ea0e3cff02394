//! What more than one route module needs: the visibility rules two resources share, a
//! campaign's progress (the endpoint's and the report's), and the response bodies other
//! resources embed or answer with. Route modules import each other only through here
//! (`.ci/layers` checks it).

use actix_web::HttpResponse;
use chrono::{DateTime, NaiveDate};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::policy::{self, Action, Decision, ListReach, Principal, Resource, Role};
use crate::auth::tokens::Claims;
use crate::auth::AuthUser;
use crate::db::{self, DbConn};
use crate::domain::awards::{CommendationType, NomineeKind};
use crate::domain::campaigns::CampaignStatus;
use crate::domain::ids::{CampaignId, UnitId, UserId};
use crate::domain::money::FundEntryKind;
use crate::domain::nominations::{DocumentKind, Eligibility, NominationStatus};
use crate::domain::progress::{
    compute, ClusterInput, IndicatorInput, NotADecimal, ProgressInputs, ProgressResponse, UnitActual, UnitTargets,
};
use crate::domain::scoring::{GroupSpec, Scheme};
use crate::error::ApiError;
use crate::http::extract::etag;
use crate::models::accounts::User;
use crate::models::awards::Award;
use crate::models::campaigns::{self as campaigns_model, Campaign, CampaignDetail};
use crate::models::nominations::{Nomination, NominationDetail};
use crate::models::reward_money::FundEntry;
use crate::models::stored_files::StoredFile;
use crate::models::{achievements, clusters, registrations, scoring};
use crate::state::AppState;

// ---------- who sees what ----------

/// Drafts are visible to those who run the campaign's level only; to everyone else they do
/// not exist.
pub fn can_see(who: &Principal, campaign: &Campaign) -> bool {
    campaign.status != CampaignStatus::Draft || policy::runs_level(who, campaign.run_by_unit_id)
}

/// A campaign `who` changes (within a write): one they may not see answers 404, one whose
/// level they do not run 403.
pub fn runs_campaign(conn: &mut DbConn, who: &Principal, id: CampaignId) -> Result<CampaignDetail, ApiError> {
    let detail = campaigns_model::campaign_detail(conn, id)?;
    if !can_see(who, &detail.campaign) {
        return Err(campaigns_model::campaign_not_found());
    }
    policy::require_runs_level(who, detail.campaign.run_by_unit_id)?;
    Ok(detail)
}

/// Loads a campaign the caller may see.
pub async fn visible_campaign(state: &AppState, who: &AuthUser, id: Uuid) -> Result<Campaign, ApiError> {
    let id = CampaignId::from(id);
    let campaign = db::run(&state.db, move |conn| campaigns_model::find_campaign(conn, id)).await?;
    if can_see(who, &campaign) {
        Ok(campaign)
    } else {
        Err(campaigns_model::campaign_not_found())
    }
}

/// Whether `who` takes the board's steps on a nomination (appraise, approve, return, reject,
/// post, review the public's comments) — within a write: the board on every nomination; a
/// unit's admin on its own unit's nominations for the awards its level grants (Law Art 80:
/// Lao động tiên tiến, Giấy khen, …), 403 on the rest.
pub fn require_runs_nomination(conn: &mut DbConn, who: &Principal, n: &Nomination) -> Result<(), ApiError> {
    if who.has(Role::Admin) && !who.is_client() {
        return Ok(());
    }
    // A line of a round is the work of the level running the round, not of the unit's own level.
    let level = crate::models::rounds::round_level_of_line(conn, n.id)?.unwrap_or(Some(n.unit_id));
    if policy::runs_level(who, level) && crate::models::decisions::grants_at_level(conn, level, n)? {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// A list's `run_by_unit_id` and `province_level` as one filter (`None`: every level's work).
pub fn run_by_filter(
    run_by_unit_id: Option<Uuid>,
    province_level: Option<bool>,
) -> Result<Option<crate::domain::units::RunBy>, ApiError> {
    use crate::domain::units::RunBy;
    Ok(match (run_by_unit_id, province_level) {
        (Some(_), Some(true)) => {
            return Err(ApiError::bad_query_because(
                "province_level",
                crate::error::ErrorCode::ConflictingParameters,
                "the province's own work is run by no unit: leave run_by_unit_id out",
            ))
        }
        (Some(unit), _) => Some(RunBy::Unit(UnitId::from(unit))),
        (None, Some(true)) => Some(RunBy::Province),
        (None, Some(false)) => Some(RunBy::AnyUnit),
        (None, None) => None,
    })
}

/// Which nominations the caller may list (and count in reports): (those on this council
/// member's agenda, this unit's) — both given means either. The board and province-level
/// readers see all; people of a unit their unit's; anyone else is refused.
pub fn visible_scope(who: &AuthUser) -> Result<(Option<UserId>, Option<UnitId>), ApiError> {
    let agenda_of = policy::reviews_agenda(who).then_some(who.user_id);
    let unit_id = match policy::list_reach(who) {
        Some(ListReach::AllUnits) => None,
        Some(ListReach::OwnUnit(own)) => Some(own),
        // A council member without a unit: the agenda only.
        None if agenda_of.is_some() => None,
        None => return Err(ApiError::forbidden()),
    };
    Ok((agenda_of, unit_id))
}

// ---------- campaign progress ----------

/// A campaign's progress as `who` may see it (shared with the progress report).
/// With `as_of`, actuals are the latest verified reports dated on or before that day (a review
/// date); without, the latest verified reports.
pub async fn campaign_progress(
    state: &AppState,
    who: &AuthUser,
    id: Uuid,
    as_of: Option<NaiveDate>,
) -> Result<ProgressResponse, ApiError> {
    if as_of.is_some_and(|date| !crate::domain::date_is_supported(date)) {
        return Err(ApiError::bad_query_because(
            "as_of",
            crate::error::ErrorCode::OutOfRange,
            crate::domain::DATE_RANGE,
        ));
    }
    let campaign = visible_campaign(state, who, id).await?;
    let campaign_id = campaign.id;
    let (indicators, registrations, actuals, names, clusters, scheme) = db::run(&state.db, move |conn| {
        let indicators = campaigns_model::list_indicators(conn, campaign.id)?;
        let scheme = scoring::current_scheme(conn, campaign.id)?;
        let registrations = registrations::accepted_registrations(conn, campaign.id)?;
        let actuals = match as_of {
            Some(date) => achievements::verified_values_as_of(conn, campaign.id, date)?,
            None => achievements::latest_verified_values(conn, campaign.id)?,
        };
        let mut unit_ids: Vec<UnitId> = registrations.iter().map(|r| r.unit_id).collect();
        unit_ids.extend(actuals.iter().map(|a| a.unit_id));
        unit_ids.sort();
        unit_ids.dedup();
        let names = campaigns_model::unit_names(conn, &unit_ids)?;
        let clusters = campaigns_model::ranking_clusters(conn, &campaign)?;
        Ok((indicators, registrations, actuals, names, clusters, scheme))
    })
    .await?;
    let mut inputs = progress_inputs(campaign_id, indicators, registrations, actuals, names, clusters);
    inputs.scheme = scheme.map(stored_scheme).transpose()?;
    let mut body = compute(inputs)
        .map_err(|NotADecimal(what)| ApiError::internal(anyhow::anyhow!("stored {what} is not a decimal")))?;
    // Rankings and scores are shared; a unit's targets and actuals are its own (and the
    // province's reviewers').
    for unit in &mut body.units {
        let unit_id = UnitId::from(unit.unit_id);
        if policy::decide(who, Action::Read, Resource::UnitRecord { unit_id }) != Decision::Allow {
            unit.indicators.clear();
        }
    }
    Ok(body)
}

/// A stored scoring scheme as the domain's rules: (id, version, scheme).
pub fn stored_scheme(stored: scoring::StoredScheme) -> Result<(Uuid, i32, Scheme), ApiError> {
    let corrupt = || ApiError::internal(anyhow::anyhow!("scoring scheme {} does not parse", stored.id));
    let groups: Vec<GroupSpec> = serde_json::from_str(&stored.groups).map_err(|_| corrupt())?;
    let scheme = Scheme::from_stored(&groups).ok_or_else(corrupt)?;
    Ok((stored.id.into(), stored.version, scheme))
}

/// The model's rows as the domain's plain inputs.
fn progress_inputs(
    campaign_id: CampaignId,
    indicators: Vec<campaigns_model::Indicator>,
    registrations: Vec<registrations::RegisteredTargets>,
    actuals: Vec<achievements::LatestValue>,
    names: Vec<(UnitId, String, String)>,
    clusters: Vec<(clusters::Cluster, Vec<UnitId>)>,
) -> ProgressInputs {
    let indicators = indicators
        .into_iter()
        .map(|i| IndicatorInput {
            id: i.id.into(),
            kind: i.kind,
            direction: i.direction,
            name: i.name,
            unit_of_measure: i.unit_of_measure,
            province_target: i.province_target,
            ratio: i.ratio,
        })
        .collect();
    let registrations = registrations
        .into_iter()
        .map(|r| UnitTargets {
            unit_id: r.unit_id.into(),
            status: r.status,
            targets: r.targets.into_iter().map(|(i, t)| (i.into(), t)).collect(),
        })
        .collect();
    let actuals = actuals
        .into_iter()
        .map(|a| UnitActual {
            unit_id: a.unit_id.into(),
            indicator_id: a.indicator_id.into(),
            value: a.value,
            parts: a.numerator.zip(a.denominator),
        })
        .collect();
    let unit_names = names.into_iter().map(|(id, code, name)| (id.into(), (code, name))).collect();
    let clusters = clusters
        .into_iter()
        .map(|(cluster, members)| ClusterInput {
            id: cluster.id.into(),
            name: cluster.name,
            leading_unit_id: cluster.leading_unit_id.map(Uuid::from),
            members: members.into_iter().map(Uuid::from).collect(),
        })
        .collect();
    ProgressInputs {
        campaign_id: campaign_id.into(),
        indicators,
        registrations,
        actuals,
        unit_names,
        clusters,
        scheme: None,
    }
}

// ---------- nominations ----------

#[derive(Serialize, ToSchema)]
pub struct DocumentResponse {
    pub id: Uuid,
    pub kind: DocumentKind,
    /// `kind` as people read it (Vietnamese).
    pub kind_label: &'static str,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub href: String,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A file a record rests on (a review's report, a covenant's signed copy).
#[derive(Serialize, ToSchema)]
pub struct AttachmentResponse {
    pub id: Uuid,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// Hex SHA-256 of the file.
    pub sha256: String,
    pub uploaded_by: Uuid,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Where to download it.
    pub href: String,
}

impl AttachmentResponse {
    /// The file as listed, downloadable at `{download_path}/{id}`.
    pub fn new(f: StoredFile, download_path: &str) -> AttachmentResponse {
        AttachmentResponse {
            href: format!("{download_path}/{}", f.id),
            id: f.id.into(),
            uploaded_by: f.uploaded_by.into(),
            filename: f.filename,
            content_type: f.content_type,
            size_bytes: f.size_bytes,
            sha256: f.sha256,
            created_at: f.created_at,
        }
    }
}

/// `?filename=` of an upload whose raw file is the body.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AttachmentQuery {
    /// The file's name, as the user knows it.
    pub filename: Option<String>,
}

/// `?kind=&filename=` of a dossier document's upload (a nomination's, a dossier's).
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DocumentUploadQuery {
    #[param(inline)]
    pub kind: DocumentKind,
    /// The file's name, as the user knows it.
    pub filename: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct NominationTransitionResponse {
    pub from_status: NominationStatus,
    /// `from_status` as people read it (Vietnamese).
    pub from_status_label: &'static str,
    pub to_status: NominationStatus,
    /// `to_status` as people read it (Vietnamese).
    pub to_status_label: &'static str,
    pub actor_id: Uuid,
    pub reason: Option<String>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub at: chrono::DateTime<chrono::Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct NominationResponse {
    pub id: Uuid,
    pub award_type_id: Uuid,
    /// The rules it was judged under (fixed at submission).
    pub award_type_version_id: Option<Uuid>,
    pub nominee_kind: NomineeKind,
    /// `nominee_kind` as people read it (Vietnamese).
    pub nominee_kind_label: &'static str,
    pub person_id: Option<Uuid>,
    pub unit_id: Uuid,
    pub household_name: Option<String>,
    pub year: i32,
    pub campaign_id: Option<Uuid>,
    /// The type of commendation (Law Art 8); null: not recorded.
    pub commendation_type: Option<CommendationType>,
    /// `commendation_type` as people read it (Vietnamese).
    pub commendation_type_label: Option<&'static str>,
    pub under_discipline: bool,
    pub status: NominationStatus,
    /// `status` as people read it (Vietnamese).
    pub status_label: &'static str,
    /// As judged at the last submission: blocking problems (none, or it would not have been
    /// submitted) and warnings for the board.
    pub eligibility: Option<Eligibility>,
    pub achievement_ids: Vec<Uuid>,
    pub documents: Vec<DocumentResponse>,
    pub history: Vec<NominationTransitionResponse>,
    /// Once posted: the last day the public's comments are taken (inclusive).
    pub posting_until: Option<NaiveDate>,
    pub version: i32,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<StoredFile> for DocumentResponse {
    fn from(d: StoredFile) -> DocumentResponse {
        DocumentResponse {
            href: format!("/api/v1/nomination-documents/{}", d.id),
            id: d.id.into(),
            kind: d.kind.unwrap_or(DocumentKind::Other),
            kind_label: d.kind.unwrap_or(DocumentKind::Other).label_vi(),
            filename: d.filename,
            content_type: d.content_type,
            size_bytes: d.size_bytes,
            sha256: d.sha256,
            created_at: d.created_at,
        }
    }
}

impl NominationResponse {
    /// As answered to the request being handled: the eligibility's messages in its language.
    /// Call it on the way out, not inside a database closure (the journal keeps every language).
    pub fn spoken(mut self) -> Self {
        self.speak();
        self
    }

    /// `spoken` in place (a page's items are not moved again for it).
    pub fn speak(&mut self) {
        if let Some(eligibility) = self.eligibility.take() {
            self.eligibility = Some(eligibility.spoken_in(crate::error::i18n::current()));
        }
    }
}

pub fn nomination_response(d: NominationDetail) -> Result<NominationResponse, ApiError> {
    let n = d.nomination;
    Ok(NominationResponse {
        id: n.id.into(),
        award_type_id: n.award_type_id.into(),
        award_type_version_id: n.award_type_version_id.map(Uuid::from),
        person_id: n.person_id.map(Uuid::from),
        unit_id: n.unit_id.into(),
        campaign_id: n.campaign_id.map(Uuid::from),
        commendation_type: n.commendation_type,
        commendation_type_label: n.commendation_type.map(CommendationType::label_vi),
        status: n.status,
        status_label: n.status.label_vi(),
        eligibility: n
            .eligibility
            .as_deref()
            .map(|e| {
                serde_json::from_str(e).map_err(|err| {
                    ApiError::internal(anyhow::anyhow!("nomination {}: stored eligibility does not parse: {err}", n.id))
                })
            })
            .transpose()?,
        achievement_ids: d.achievement_ids.into_iter().map(Uuid::from).collect(),
        documents: d.documents.into_iter().map(DocumentResponse::from).collect(),
        history: d
            .history
            .into_iter()
            .map(|t| NominationTransitionResponse {
                from_status: t.from_status,
                from_status_label: t.from_status.label_vi(),
                to_status: t.to_status,
                to_status_label: t.to_status.label_vi(),
                actor_id: t.actor_id.into(),
                reason: t.reason,
                at: t.at,
            })
            .collect(),
        nominee_kind: n.nominee_kind,
        nominee_kind_label: n.nominee_kind.label_vi(),
        household_name: n.household_name,
        year: n.year,
        under_discipline: n.under_discipline,
        posting_until: n.posting_until,
        version: n.version,
        created_at: n.created_at,
        updated_at: n.updated_at,
    })
}

// ---------- awards ----------

#[derive(Serialize, ToSchema)]
pub struct AwardResponse {
    pub id: Uuid,
    pub award_type_id: Uuid,
    /// The rules the award was given under; null when older than any rules the catalogue holds.
    pub award_type_version_id: Option<Uuid>,
    pub recipient_kind: NomineeKind,
    /// `recipient_kind` as people read it (Vietnamese).
    pub recipient_kind_label: &'static str,
    pub person_id: Option<Uuid>,
    pub unit_id: Uuid,
    pub household_name: Option<String>,
    pub year: i32,
    #[schema(example = "123/QĐ-UBND")]
    pub decision_number: String,
    pub decision_date: NaiveDate,
    pub decided_by: String,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339_opt")]
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked_reason: Option<String>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The bonus (tiền thưởng) in đồng: `bonus_coefficient` × `base_salary_vnd` in force on the
    /// decision's date, rounded up to ten thousand đồng. Null when the rules carry no
    /// coefficient, or for awards recorded without a decision.
    #[schema(example = 710000)]
    pub bonus_vnd: Option<i64>,
    /// `bonus_vnd` as people read it.
    #[schema(example = "710.000 đ")]
    pub bonus_text: Option<String>,
    /// Hệ số: the multiple of the base salary (decimal string).
    #[schema(example = "0.3")]
    pub bonus_coefficient: Option<String>,
    /// The base salary (lương cơ sở) the bonus was computed from.
    #[schema(example = 2340000)]
    pub base_salary_vnd: Option<i64>,
    /// The type of commendation (Law Art 8), from its nomination or as recorded; null: not
    /// recorded.
    pub commendation_type: Option<CommendationType>,
    /// `commendation_type` as people read it (Vietnamese).
    pub commendation_type_label: Option<&'static str>,
}

/// An entry of a unit's reward fund ledger.
#[derive(Serialize, ToSchema)]
pub struct FundEntryResponse {
    pub id: Uuid,
    pub unit_id: Uuid,
    /// The ledger year (the entry date's).
    pub year: i32,
    pub kind: FundEntryKind,
    /// `kind` as people read it (Vietnamese).
    pub kind_label: &'static str,
    /// Signed, in đồng: income adds, a payout takes away.
    #[schema(example = -710000)]
    pub amount_vnd: i64,
    /// `amount_vnd` as people read it.
    #[schema(example = "-710.000 đ")]
    pub amount_text: String,
    pub description: String,
    pub entry_date: NaiveDate,
    /// For a payout: the decision and the award it paid.
    pub decision_id: Option<Uuid>,
    pub award_id: Option<Uuid>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<FundEntry> for FundEntryResponse {
    fn from(e: FundEntry) -> FundEntryResponse {
        FundEntryResponse {
            id: e.id.into(),
            unit_id: e.unit_id.into(),
            year: e.year,
            kind: e.kind,
            kind_label: e.kind.label_vi(),
            amount_text: crate::domain::display::money_vnd(e.amount_vnd),
            amount_vnd: e.amount_vnd,
            description: e.description,
            entry_date: e.entry_date,
            decision_id: e.decision_id.map(Uuid::from),
            award_id: e.award_id.map(Uuid::from),
            created_at: e.created_at,
        }
    }
}

impl From<Award> for AwardResponse {
    fn from(a: Award) -> AwardResponse {
        AwardResponse {
            id: a.id.into(),
            award_type_id: a.award_type_id.into(),
            award_type_version_id: a.award_type_version_id.map(Uuid::from),
            person_id: a.person_id.map(Uuid::from),
            unit_id: a.unit_id.into(),
            recipient_kind: a.recipient_kind,
            recipient_kind_label: a.recipient_kind.label_vi(),
            household_name: a.household_name,
            year: a.year,
            decision_number: a.decision_number,
            decision_date: a.decision_date,
            decided_by: a.decided_by,
            revoked_at: a.revoked_at,
            revoked_reason: a.revoked_reason,
            created_at: a.created_at,
            bonus_text: a.bonus_vnd.map(crate::domain::display::money_vnd),
            bonus_vnd: a.bonus_vnd,
            bonus_coefficient: a.bonus_coefficient,
            base_salary_vnd: a.base_salary_vnd,
            commendation_type: a.commendation_type,
            commendation_type_label: a.commendation_type.map(CommendationType::label_vi),
        }
    }
}

// ---------- users ----------

/// A user account. Never includes the password hash.
#[derive(Serialize, ToSchema)]
pub struct UserResponse {
    pub id: Uuid,
    pub username: String,
    #[schema(example = "Nguyễn Thị Hoa")]
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The department or commune the user acts for; null for provincial staff.
    pub unit_id: Option<Uuid>,
    pub roles: Vec<Role>,
    /// `roles` as people read them (Vietnamese), in the same order.
    pub role_labels: Vec<&'static str>,
    pub active: bool,
    pub version: i32,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub password_changed_at: DateTime<chrono::Utc>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub created_at: DateTime<chrono::Utc>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub updated_at: DateTime<chrono::Utc>,
}

impl From<User> for UserResponse {
    fn from(u: User) -> UserResponse {
        UserResponse {
            id: u.id.into(),
            unit_id: u.unit_id.map(Uuid::from),
            role_labels: u.role_list().into_iter().map(Role::label_vi).collect(),
            roles: u.role_list(),
            username: u.username,
            full_name: u.full_name,
            email: u.email,
            phone: u.phone,
            active: u.active,
            version: u.version,
            password_changed_at: u.password_changed_at,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

pub fn user_ok(user: User) -> Result<HttpResponse, ApiError> {
    let body = UserResponse::from(user);
    Ok(HttpResponse::Ok().insert_header(etag(body.version)).json(body))
}

/// A signed-in session's credentials.
#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds the access token stays valid.
    pub expires_in: i64,
    /// Exchange at `/auth/refresh` for new tokens; usable once.
    pub refresh_token: String,
    pub refresh_expires_in: i64,
    pub user: UserResponse,
}

/// Issues an access token for `user` in `session_id`, plus the given refresh token.
pub fn tokens_for(
    state: &AppState,
    user: User,
    session_id: String,
    refresh_token: String,
) -> Result<TokenResponse, ApiError> {
    let now = chrono::Utc::now().timestamp();
    let claims = Claims {
        iss: state.tokens.issuer.clone(),
        aud: state.tokens.audience.clone(),
        sub: user.id.to_string(),
        sid: session_id,
        jti: uuid::Uuid::now_v7().to_string(),
        iat: now,
        nbf: now,
        exp: now + state.tokens.ttl_secs,
        ver: user.token_version,
        roles: user.role_list(),
        unit: user.unit_id.map(|u| u.to_string()),
        client_id: None,
        scope: None,
    };
    Ok(TokenResponse {
        access_token: state.tokens.issue(&claims),
        token_type: "Bearer",
        expires_in: state.tokens.ttl_secs,
        refresh_token,
        refresh_expires_in: state.settings.auth.refresh_token_ttl_secs,
        user: user.into(),
    })
}

pub fn refresh_expiry(state: &AppState) -> chrono::NaiveDateTime {
    db::now() + chrono::TimeDelta::seconds(state.settings.auth.refresh_token_ttl_secs)
}

/// A unit's dossier of a round the caller may do `action` on; another unit's answers like a
/// missing one.
pub async fn load_dossier(
    state: &AppState,
    who: &AuthUser,
    id: crate::domain::ids::DossierId,
    action: Action,
) -> Result<crate::models::rounds::Dossier, ApiError> {
    use crate::models::rounds::{dossier_not_found, find_dossier};
    let found = db::run(&state.db, move |conn| find_dossier(conn, id)).await?;
    policy::authorize_or_hide(who, action, Resource::UnitRecord { unit_id: found.unit_id }, dossier_not_found)?;
    Ok(found)
}

/// An upload received for a record: the file's row to write, under the key `<folder>/<its id>`
/// (the folder names the record), and the bytes to store under that key.
pub fn received_file(
    received: crate::http::upload::Received,
    folder: &str,
    filename: Option<&str>,
    by: UserId,
) -> (crate::models::stored_files::NewFile, actix_web::web::Bytes) {
    let id = crate::domain::ids::StoredFileId::generate();
    let file = crate::models::stored_files::NewFile {
        id,
        filename: crate::domain::evidence::clean_filename(filename.unwrap_or_default()),
        content_type: received.file_type.as_str().to_string(),
        size_bytes: received.bytes.len() as i64,
        sha256: received.sha256,
        storage_key: format!("{folder}/{id}"),
        uploaded_by: by,
        created_at: db::now_utc(),
    };
    (file, received.bytes)
}

/// A decision's verified digital signature.
#[derive(Serialize, ToSchema)]
pub struct SignatureResponse {
    /// The signer certificate's common name.
    #[schema(example = "Nguyễn Văn An")]
    pub signer_name: String,
    pub signer_subject: String,
    /// The certification authority that issued the signer's certificate.
    pub issuer_subject: String,
    /// The signer certificate's serial number, hexadecimal.
    pub serial_number: String,
    /// SHA-256 of the signer certificate (DER), hexadecimal.
    pub certificate_sha256: String,
    /// When it was signed, as the signature claims it (its signing-time attribute, else the
    /// signature dictionary's `/M`); no trusted timestamp is checked.
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub signed_at: chrono::DateTime<chrono::Utc>,
    /// `signing_time_attribute` or `signature_dictionary`.
    pub signed_at_source: String,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub verified_at: chrono::DateTime<chrono::Utc>,
    /// SHA-256 of the signed PDF as uploaded.
    pub sha256: String,
    pub size_bytes: i64,
    /// Where to download the signed PDF.
    #[schema(example = "/api/v1/decisions/0191f0a4-7c5e-7cc3-8f0a-3c1b2f4e5d6a/signed-copy")]
    pub href: String,
}

impl From<crate::models::documents::DecisionSignature> for SignatureResponse {
    fn from(s: crate::models::documents::DecisionSignature) -> SignatureResponse {
        SignatureResponse {
            href: format!("/api/v1/decisions/{}/signed-copy", Uuid::from(s.decision_id)),
            signer_name: s.signer_name,
            signer_subject: s.signer_subject,
            issuer_subject: s.issuer_subject,
            serial_number: s.serial_number,
            certificate_sha256: s.certificate_sha256,
            signed_at: s.signed_at,
            signed_at_source: s.signed_at_source,
            verified_at: s.verified_at,
            sha256: s.sha256,
            size_bytes: s.size_bytes,
        }
    }
}
