//! Achievements and their evidence files in SQL, and the figures progress is computed from.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::{achievement_latest, achievements, registration_targets, registrations};
use crate::db::sql_types::{NullableUtcTimestamp, UtcTimestamp};
use crate::db::{self, DbConn};
use crate::domain::campaigns::{
    check_report_dates, check_value, decimal_text, AchievementAction, AchievementStatus, CampaignStatus,
};
use crate::domain::ids::{AchievementId, CampaignId, IndicatorId, StoredFileId, UnitId, UserId};
use crate::domain::Checks;
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::models::campaigns::{list_indicators, lock_campaign_shared, participates, Campaign};
use crate::models::stored_files::{self, NewFile, Owner, StoredFile};

type Db = <DbConn as Connection>::Backend;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = achievements)]
pub struct Achievement {
    pub id: AchievementId,
    pub campaign_id: CampaignId,
    pub unit_id: UnitId,
    pub indicator_id: IndicatorId,
    pub person_name: Option<String>,
    pub value: String,
    pub as_of: NaiveDate,
    pub narrative: Option<String>,
    pub status: AchievementStatus,
    pub return_reason: Option<String>,
    pub version: i32,
    pub reported_by: UserId,
    pub verified_by: Option<UserId>,
    #[diesel(deserialize_as = NullableUtcTimestamp)]
    pub verified_at: Option<DateTime<Utc>>,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub updated_at: DateTime<Utc>,
    /// A ratio indicator's parts; `value` is then their ratio in percent.
    pub numerator: Option<String>,
    pub denominator: Option<String>,
}

/// When a report is made: today, the grace after the campaign, and whether it corrects a
/// returned report (which is accepted after the grace too).
#[derive(Clone, Copy)]
pub struct ReportWindow {
    pub today: NaiveDate,
    pub grace_days: i64,
    pub correcting: bool,
}

/// What a unit reports (text fields already checked; the value is checked here, against the
/// indicator's kind).
pub struct Report {
    pub indicator_id: IndicatorId,
    pub person_name: Option<String>,
    /// Absent for a ratio indicator, whose value is computed from its parts.
    pub value: Option<String>,
    pub numerator: Option<String>,
    pub denominator: Option<String>,
    pub as_of: NaiveDate,
    pub narrative: Option<String>,
}

/// A checked report's stored figures: the value, and a ratio indicator's parts.
pub struct Figures {
    pub value: String,
    pub numerator: Option<String>,
    pub denominator: Option<String>,
}

pub fn achievement_not_found() -> ApiError {
    ApiError::not_found("achievement")
}

pub fn find_achievement(conn: &mut DbConn, id: AchievementId) -> Result<Achievement, ApiError> {
    achievements::table
        .find(id)
        .select(Achievement::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(achievement_not_found)
}

pub fn evidence_of(conn: &mut DbConn, achievement_id: AchievementId) -> Result<Vec<StoredFile>, ApiError> {
    stored_files::of_achievement(conn, achievement_id)
}

#[derive(Default)]
pub struct AchievementFilter {
    pub unit_id: Option<UnitId>,
    pub indicator_id: Option<IndicatorId>,
    pub status: Option<AchievementStatus>,
    pub before_id: Option<AchievementId>,
    pub limit: i64,
}

/// A campaign's reports, newest first; `limit + 1` rows.
pub fn list_achievements(
    conn: &mut DbConn,
    campaign_id: CampaignId,
    filter: &AchievementFilter,
) -> Result<Vec<Achievement>, ApiError> {
    let mut query = achievements::table.filter(achievements::campaign_id.eq(campaign_id)).into_boxed::<Db>();
    if let Some(unit) = filter.unit_id {
        query = query.filter(achievements::unit_id.eq(unit));
    }
    if let Some(indicator) = filter.indicator_id {
        query = query.filter(achievements::indicator_id.eq(indicator));
    }
    if let Some(status) = filter.status {
        query = query.filter(achievements::status.eq(status));
    }
    if let Some(before) = filter.before_id {
        query = query.filter(achievements::id.lt(before));
    }
    Ok(query.order(achievements::id.desc()).limit(filter.limit + 1).select(Achievement::as_select()).load(conn)?)
}

/// Checks a report against the campaign: open, the unit taking part and registered for the
/// indicator, the value of the indicator's kind (or a ratio indicator's parts), the dates in the
/// window. Returns the stored figures.
fn check_report(
    conn: &mut DbConn,
    campaign: &Campaign,
    unit_id: UnitId,
    report: &Report,
    window: ReportWindow,
) -> Result<Figures, ApiError> {
    match campaign.status {
        CampaignStatus::Launched => {}
        CampaignStatus::Draft => {
            return Err(ApiError::conflict(ErrorCode::CampaignNotLaunched, "the campaign has not been launched yet"))
        }
        status => {
            return Err(ApiError::conflict(
                ErrorCode::CampaignFrozen,
                format!("the campaign is {}; it no longer changes", status.as_str()),
            )
            .localized("campaign_frozen-status", [("status", crate::error::Arg::text(status.label_vi()))]))
        }
    }
    if !participates(conn, campaign, unit_id)? {
        return Err(ApiError::validation(vec![FieldError::new(
            "unit_id",
            ErrorCode::NotParticipating,
            "this unit does not take part in the campaign",
        )]));
    }
    let mut checks = Checks::default();
    let indicators = list_indicators(conn, campaign.id)?;
    let Some(indicator) = indicators.iter().find(|i| i.id == report.indicator_id) else {
        return Err(ApiError::validation(vec![FieldError::new(
            "indicator_id",
            ErrorCode::NotFound,
            "is not an indicator of this campaign",
        )]));
    };
    let registered: i64 = registration_targets::table
        .inner_join(registrations::table.on(registrations::id.eq(registration_targets::registration_id)))
        .filter(registrations::campaign_id.eq(campaign.id))
        .filter(registrations::unit_id.eq(unit_id))
        .filter(registration_targets::indicator_id.eq(report.indicator_id))
        .count()
        .get_result(conn)?;
    if registered == 0 {
        checks.fail(
            "indicator_id",
            ErrorCode::NotRegistered,
            "the unit has not registered a target for this indicator",
        );
    }
    let kind = indicator.kind;
    let figures = if indicator.ratio {
        check_ratio(report, &mut checks)
    } else {
        for (field, given) in [("numerator", &report.numerator), ("denominator", &report.denominator)] {
            if given.is_some() {
                checks.fail(field, ErrorCode::NotAllowed, "only for an indicator entered as a ratio");
            }
        }
        match &report.value {
            None => {
                checks.fail("value", ErrorCode::Required, "is required");
                None
            }
            Some(v) => check_value("value", v, kind, &mut checks).map(|v| Figures {
                value: decimal_text(v),
                numerator: None,
                denominator: None,
            }),
        }
    };
    check_report_dates(
        report.as_of,
        campaign.start_date,
        campaign.end_date,
        window.today,
        window.grace_days,
        window.correcting,
        &mut checks,
    );
    match figures {
        Some(f) if checks.0.is_empty() => Ok(f),
        _ => Err(ApiError::validation(checks.0)),
    }
}

/// A ratio indicator's report: numerator and denominator, no value (it is their ratio).
fn check_ratio(report: &Report, checks: &mut Checks) -> Option<Figures> {
    use crate::domain::campaigns::IndicatorKind;
    if report.value.is_some() {
        checks.fail(
            "value",
            ErrorCode::NotAllowed,
            "a ratio indicator's value is computed: send numerator and denominator",
        );
    }
    let mut part = |field: &str, given: &Option<String>| match given {
        None => {
            checks.fail(field, ErrorCode::Required, "is required for an indicator entered as a ratio");
            None
        }
        Some(text) => check_value(field, text, IndicatorKind::Quantity, checks),
    };
    let numerator = part("numerator", &report.numerator);
    let denominator = part("denominator", &report.denominator);
    let (numerator, denominator) = (numerator?, denominator?);
    if denominator.is_zero() {
        checks.fail("denominator", ErrorCode::OutOfRange, "must be greater than 0");
        return None;
    }
    if numerator > denominator {
        checks.fail("numerator", ErrorCode::OutOfRange, "must not be more than the denominator");
        return None;
    }
    let value = crate::domain::scoring::ratio_percent(numerator, denominator)?;
    Some(Figures {
        value: decimal_text(value),
        numerator: Some(decimal_text(numerator)),
        denominator: Some(decimal_text(denominator)),
    })
}

pub fn create_achievement(
    conn: &mut DbConn,
    campaign_id: CampaignId,
    unit_id: UnitId,
    report: Report,
    actor_id: UserId,
    today: NaiveDate,
    grace_days: i64,
) -> Result<Achievement, ApiError> {
    let campaign = lock_campaign_shared(conn, campaign_id)?;
    let figures =
        check_report(conn, &campaign, unit_id, &report, ReportWindow { today, grace_days, correcting: false })?;
    let id = AchievementId::generate();
    let now = db::now();
    diesel::insert_into(achievements::table)
        .values((
            achievements::id.eq(id),
            achievements::campaign_id.eq(campaign_id),
            achievements::unit_id.eq(unit_id),
            achievements::indicator_id.eq(report.indicator_id),
            achievements::person_name.eq(&report.person_name),
            achievements::value.eq(&figures.value),
            achievements::numerator.eq(&figures.numerator),
            achievements::denominator.eq(&figures.denominator),
            achievements::as_of.eq(report.as_of),
            achievements::narrative.eq(&report.narrative),
            achievements::status.eq(AchievementStatus::Submitted),
            achievements::version.eq(1),
            achievements::reported_by.eq(actor_id),
            achievements::created_at.eq(now),
            achievements::updated_at.eq(now),
        ))
        .execute(conn)?;
    find_achievement(conn, id)
}

pub fn lock_achievement(conn: &mut DbConn, id: AchievementId) -> Result<Achievement, ApiError> {
    db::lock_row!(conn, achievements::table, id)?;
    find_achievement(conn, id)
}

/// A report a nomination under review (or granted) rests on no longer changes.
fn check_not_under_nomination(conn: &mut DbConn, achievement_id: AchievementId) -> Result<(), ApiError> {
    use crate::db::schema::{nomination_achievements, nominations};
    use crate::domain::nominations::NominationStatus as S;
    let open = [S::Submitted, S::Appraised, S::Approved, S::Posted, S::Decided];
    let count: i64 = nomination_achievements::table
        .inner_join(nominations::table.on(nominations::id.eq(nomination_achievements::nomination_id)))
        .filter(nomination_achievements::achievement_id.eq(achievement_id))
        .filter(db::one_of(nominations::status, &open))
        .count()
        .get_result(conn)?;
    if count > 0 {
        return Err(ApiError::conflict(
            ErrorCode::AchievementInNomination,
            "a nomination under review rests on this report; it no longer changes",
        ));
    }
    Ok(())
}

/// Corrects a report that is not yet verified; a returned one goes back to the board.
pub fn update_achievement(
    conn: &mut DbConn,
    id: AchievementId,
    report: Report,
    expected_version: Option<i32>,
    today: NaiveDate,
    grace_days: i64,
) -> Result<Achievement, ApiError> {
    let current = lock_achievement(conn, id)?;
    if expected_version.is_some_and(|v| v != current.version) {
        return Err(ApiError::precondition_failed());
    }
    if current.status == AchievementStatus::Verified {
        return Err(ApiError::conflict(ErrorCode::AchievementVerified, "a verified report no longer changes"));
    }
    check_not_under_nomination(conn, id)?;
    let campaign = lock_campaign_shared(conn, current.campaign_id)?;
    let correcting = current.status == AchievementStatus::Returned;
    let figures =
        check_report(conn, &campaign, current.unit_id, &report, ReportWindow { today, grace_days, correcting })?;
    diesel::update(achievements::table.find(id))
        .set((
            achievements::indicator_id.eq(report.indicator_id),
            achievements::person_name.eq(&report.person_name),
            achievements::value.eq(&figures.value),
            achievements::numerator.eq(&figures.numerator),
            achievements::denominator.eq(&figures.denominator),
            achievements::as_of.eq(report.as_of),
            achievements::narrative.eq(&report.narrative),
            achievements::status.eq(AchievementStatus::Submitted),
            achievements::verified_by.eq(None::<UserId>),
            achievements::verified_at.eq(None::<NaiveDateTime>),
            achievements::version.eq(current.version + 1),
            achievements::updated_at.eq(db::now()),
        ))
        .execute(conn)?;
    find_achievement(conn, id)
}

/// The board verifies a report, or returns it with a reason.
pub fn review_achievement(
    conn: &mut DbConn,
    id: AchievementId,
    action: AchievementAction,
    actor_id: UserId,
    reason: Option<String>,
    expected_version: Option<i32>,
) -> Result<Achievement, ApiError> {
    let current = lock_achievement(conn, id)?;
    if expected_version.is_some_and(|v| v != current.version) {
        return Err(ApiError::precondition_failed());
    }
    let campaign = lock_campaign_shared(conn, current.campaign_id)?;
    if campaign.status.is_frozen() {
        return Err(ApiError::conflict(
            ErrorCode::CampaignFrozen,
            "the campaign is closed; its reports no longer change",
        ));
    }
    let from = current.status;
    let Some(to) = from.after(action) else {
        return Err(ApiError::conflict(
            ErrorCode::IllegalTransition,
            format!("a {} report cannot take \"{}\"", from.as_str(), action.as_str()),
        )
        .localized(
            "illegal_transition-action",
            [
                ("record", crate::error::Arg::Record("achievement".into())),
                ("status", crate::error::Arg::text(from.label_vi())),
                ("action", crate::error::Arg::text(action.label_vi())),
            ],
        ));
    };
    let now = db::now();
    if to == AchievementStatus::Verified {
        record_latest(conn, &current)?;
    }
    diesel::update(achievements::table.find(id))
        .set((
            achievements::status.eq(to),
            achievements::return_reason.eq(if action == AchievementAction::Return { reason } else { None }),
            // Who returned a report is not its verifier.
            achievements::verified_by.eq((action == AchievementAction::Verify).then_some(actor_id)),
            achievements::verified_at.eq((action == AchievementAction::Verify).then_some(now)),
            achievements::version.eq(current.version + 1),
            achievements::updated_at.eq(now),
        ))
        .execute(conn)?;
    find_achievement(conn, id)
}

/// Whether a report can still take evidence: not verified, its campaign open, and within the
/// reporting window (or being corrected after a return).
pub fn check_evidence_allowed(
    conn: &mut DbConn,
    achievement: &Achievement,
    today: NaiveDate,
    grace_days: i64,
) -> Result<(), ApiError> {
    if achievement.status == AchievementStatus::Verified {
        return Err(ApiError::conflict(ErrorCode::AchievementVerified, "a verified report no longer changes"));
    }
    check_not_under_nomination(conn, achievement.id)?;
    let campaign = lock_campaign_shared(conn, achievement.campaign_id)?;
    if campaign.status.is_frozen() {
        return Err(ApiError::conflict(
            ErrorCode::CampaignFrozen,
            "the campaign is closed; its reports no longer change",
        ));
    }
    let closes = campaign.end_date + chrono::TimeDelta::days(grace_days);
    if achievement.status != AchievementStatus::Returned && today > closes {
        return Err(ApiError::conflict(ErrorCode::ReportingClosed, format!("reports were accepted until {closes}"))
            .localized(
                "reporting_closed-until",
                [("date", crate::error::Arg::text(crate::domain::display::admin_date(closes)))],
            ));
    }
    Ok(())
}

/// Records an evidence file already in the store, if the report can still take it. Adding a
/// file is a change of the report: its version moves on.
pub fn add_evidence(
    conn: &mut DbConn,
    achievement_id: AchievementId,
    file: NewFile,
    today: NaiveDate,
    grace_days: i64,
) -> Result<StoredFile, ApiError> {
    let achievement = lock_achievement(conn, achievement_id)?;
    check_evidence_allowed(conn, &achievement, today, grace_days)?;
    diesel::update(achievements::table.find(achievement.id))
        .set((achievements::version.eq(achievement.version + 1), achievements::updated_at.eq(db::now())))
        .execute(conn)?;
    let file = file.owned_by(Owner::Achievement(achievement.id));
    stored_files::insert(conn, &file)?;
    Ok(file)
}

pub fn find_evidence(conn: &mut DbConn, id: StoredFileId) -> Result<(StoredFile, Achievement), ApiError> {
    let (file, achievement_id) =
        stored_files::find_evidence(conn, id)?.ok_or_else(|| ApiError::not_found("evidence file"))?;
    let achievement = find_achievement(conn, achievement_id)?;
    Ok((file, achievement))
}

/// Makes a just-verified report the unit's current value for its indicator, unless a verified
/// report of a later date (or the same date, made later) is already current.
fn record_latest(conn: &mut DbConn, a: &Achievement) -> Result<(), ApiError> {
    db::lock_for_transaction(conn, &format!("latest:{}:{}:{}", a.campaign_id, a.unit_id, a.indicator_id))?;
    let key = (a.campaign_id, a.unit_id, a.indicator_id);
    let current: Option<(NaiveDate, AchievementId)> = achievement_latest::table
        .find(key)
        .select((achievement_latest::as_of, achievement_latest::achievement_id))
        .first(conn)
        .optional()?;
    match current {
        None => {
            diesel::insert_into(achievement_latest::table)
                .values((
                    achievement_latest::campaign_id.eq(a.campaign_id),
                    achievement_latest::unit_id.eq(a.unit_id),
                    achievement_latest::indicator_id.eq(a.indicator_id),
                    achievement_latest::achievement_id.eq(a.id),
                    achievement_latest::as_of.eq(a.as_of),
                    achievement_latest::value.eq(&a.value),
                    achievement_latest::numerator.eq(&a.numerator),
                    achievement_latest::denominator.eq(&a.denominator),
                ))
                .execute(conn)?;
        }
        Some((as_of, id)) if (as_of, id) < (a.as_of, a.id) => {
            diesel::update(achievement_latest::table.find(key))
                .set((
                    achievement_latest::achievement_id.eq(a.id),
                    achievement_latest::as_of.eq(a.as_of),
                    achievement_latest::value.eq(&a.value),
                    achievement_latest::numerator.eq(&a.numerator),
                    achievement_latest::denominator.eq(&a.denominator),
                ))
                .execute(conn)?;
        }
        Some(_) => {}
    }
    Ok(())
}

/// The latest verified value of a unit for an indicator.
#[derive(Queryable, Debug, Clone)]
pub struct LatestValue {
    pub unit_id: UnitId,
    pub indicator_id: IndicatorId,
    pub value: String,
    /// A ratio indicator's parts.
    pub numerator: Option<String>,
    pub denominator: Option<String>,
}

/// The latest verified report of each unit and indicator.
pub fn latest_verified_values(conn: &mut DbConn, campaign_id: CampaignId) -> Result<Vec<LatestValue>, ApiError> {
    Ok(achievement_latest::table
        .filter(achievement_latest::campaign_id.eq(campaign_id))
        .select((
            achievement_latest::unit_id,
            achievement_latest::indicator_id,
            achievement_latest::value,
            achievement_latest::numerator,
            achievement_latest::denominator,
        ))
        .load(conn)?)
}

/// The latest verified report of each unit and indicator as of `date` (reports dated later are
/// left out): progress at a review date.
pub fn verified_values_as_of(
    conn: &mut DbConn,
    campaign_id: CampaignId,
    date: NaiveDate,
) -> Result<Vec<LatestValue>, ApiError> {
    let rows: Vec<LatestValue> = achievements::table
        .filter(achievements::campaign_id.eq(campaign_id))
        .filter(achievements::status.eq(AchievementStatus::Verified))
        .filter(achievements::as_of.le(date))
        .order((achievements::unit_id, achievements::indicator_id, achievements::as_of, achievements::id))
        .select((
            achievements::unit_id,
            achievements::indicator_id,
            achievements::value,
            achievements::numerator,
            achievements::denominator,
        ))
        .load(conn)?;
    // Ordered by key, then date and id: the last of each key is the latest.
    let mut latest: Vec<LatestValue> = Vec::new();
    for row in rows {
        match latest.last_mut() {
            Some(last) if last.unit_id == row.unit_id && last.indicator_id == row.indicator_id => *last = row,
            _ => latest.push(row),
        }
    }
    Ok(latest)
}
