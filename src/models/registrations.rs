//! Units' registrations for campaigns, and their targets, in SQL.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use crate::db::schema::{registration_targets, registrations};
use crate::db::sql_types::{NullableUtcTimestamp, UtcTimestamp};
use crate::db::{self, DbConn};
use crate::domain::campaigns::{check_target, decimal_text, CampaignStatus, RegistrationAction, RegistrationStatus};
use crate::domain::ids::{CampaignId, IndicatorId, RegistrationId, UnitId, UserId};
use crate::domain::Checks;
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::models::campaigns::{frozen, list_indicators, lock_campaign, lock_campaign_shared, participates, Campaign};

type Db = <DbConn as Connection>::Backend;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = registrations)]
pub struct Registration {
    pub id: RegistrationId,
    pub campaign_id: CampaignId,
    pub unit_id: UnitId,
    pub status: RegistrationStatus,
    pub aimed_titles: String,
    pub note: Option<String>,
    pub return_reason: Option<String>,
    pub version: i32,
    pub created_by: UserId,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub updated_at: DateTime<Utc>,
    #[diesel(deserialize_as = NullableUtcTimestamp)]
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_by: Option<UserId>,
    #[diesel(deserialize_as = NullableUtcTimestamp)]
    pub decided_at: Option<DateTime<Utc>>,
}

/// A registration's content: per-indicator targets (already parsed per indicator kind).
pub struct RegistrationContent {
    pub targets: Vec<(IndicatorId, String)>,
    pub aimed_titles: Vec<String>,
    pub note: Option<String>,
}

/// A registration with its targets: (indicator, target), by indicator.
pub type RegistrationTargets = (Registration, Vec<(IndicatorId, String)>);

pub fn find_registration(conn: &mut DbConn, id: RegistrationId) -> Result<RegistrationTargets, ApiError> {
    let registration = registrations::table
        .find(id)
        .select(Registration::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(registration_not_found)?;
    let targets = registration_targets::table
        .filter(registration_targets::registration_id.eq(id))
        .select((registration_targets::indicator_id, registration_targets::target))
        .order(registration_targets::indicator_id)
        .load(conn)?;
    Ok((registration, targets))
}

pub fn registration_not_found() -> ApiError {
    ApiError::not_found("registration")
}

/// A campaign's registrations, optionally only one unit's; by unit.
pub fn list_registrations(
    conn: &mut DbConn,
    campaign_id: CampaignId,
    unit_id: Option<UnitId>,
) -> Result<Vec<Registration>, ApiError> {
    let mut query = registrations::table.filter(registrations::campaign_id.eq(campaign_id)).into_boxed::<Db>();
    if let Some(unit) = unit_id {
        query = query.filter(registrations::unit_id.eq(unit));
    }
    Ok(query.order(registrations::unit_id).select(Registration::as_select()).load(conn)?)
}

/// Checks that targets name indicators of the campaign, each once, with values of its kind.
fn check_targets(
    conn: &mut DbConn,
    campaign_id: CampaignId,
    targets: &[(IndicatorId, String)],
) -> Result<Vec<(IndicatorId, String)>, ApiError> {
    let known = list_indicators(conn, campaign_id)?;
    let mut checks = Checks::default();
    let mut stored = Vec::new();
    for (i, (indicator_id, value)) in targets.iter().enumerate() {
        let field = format!("targets[{i}]");
        if targets[..i].iter().any(|(other, _)| other == indicator_id) {
            checks.fail(&format!("{field}.indicator_id"), ErrorCode::Duplicate, "is listed twice");
            continue;
        }
        let Some(indicator) = known.iter().find(|k| k.id == *indicator_id) else {
            checks.fail(&format!("{field}.indicator_id"), ErrorCode::NotFound, "is not an indicator of this campaign");
            continue;
        };
        let kind = indicator.kind;
        if let Some(v) = check_target(&format!("{field}.target"), value, kind, &mut checks) {
            stored.push((*indicator_id, decimal_text(v)));
        }
    }
    if checks.0.is_empty() {
        Ok(stored)
    } else {
        Err(ApiError::validation(checks.0))
    }
}

fn write_targets(
    conn: &mut DbConn,
    registration_id: RegistrationId,
    targets: &[(IndicatorId, String)],
) -> Result<(), ApiError> {
    diesel::delete(registration_targets::table.filter(registration_targets::registration_id.eq(registration_id)))
        .execute(conn)?;
    for (indicator_id, target) in targets {
        diesel::insert_into(registration_targets::table)
            .values((
                registration_targets::registration_id.eq(registration_id),
                registration_targets::indicator_id.eq(indicator_id),
                registration_targets::target.eq(target),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The campaign is launched and not yet closed or cancelled.
fn check_campaign_open(campaign: &Campaign) -> Result<(), ApiError> {
    match campaign.status {
        CampaignStatus::Launched => Ok(()),
        CampaignStatus::Draft => {
            Err(ApiError::conflict(ErrorCode::CampaignNotLaunched, "the campaign has not been launched yet"))
        }
        status => Err(frozen(status)),
    }
}

/// New registrations, and drafts, are accepted until the deadline (inclusive). A registration
/// the board returned can be corrected and resubmitted after it.
fn check_registration_window(campaign: &Campaign, today: NaiveDate) -> Result<(), ApiError> {
    check_campaign_open(campaign)?;
    if campaign.registration_deadline.is_some_and(|d| today > d) {
        return Err(ApiError::conflict(
            ErrorCode::DeadlinePassed,
            format!("registrations closed on {}", campaign.registration_deadline.unwrap()),
        )
        .localized(
            "deadline_passed-registration",
            [(
                "date",
                crate::error::Arg::text(crate::domain::display::admin_date(campaign.registration_deadline.unwrap())),
            )],
        ));
    }
    Ok(())
}

pub fn create_registration(
    conn: &mut DbConn,
    campaign_id: CampaignId,
    unit_id: UnitId,
    content: RegistrationContent,
    actor_id: UserId,
    today: NaiveDate,
) -> Result<RegistrationTargets, ApiError> {
    let campaign = lock_campaign(conn, campaign_id)?;
    check_registration_window(&campaign, today)?;
    if !participates(conn, &campaign, unit_id)? {
        return Err(ApiError::validation(vec![FieldError::new(
            "unit_id",
            ErrorCode::NotParticipating,
            "this unit does not take part in the campaign",
        )]));
    }
    let exists: i64 = registrations::table
        .filter(registrations::campaign_id.eq(campaign_id))
        .filter(registrations::unit_id.eq(unit_id))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Err(ApiError::conflict(
            ErrorCode::AlreadyRegistered,
            "this unit has registered for the campaign; change that registration",
        ));
    }
    let targets = check_targets(conn, campaign_id, &content.targets)?;
    let id = RegistrationId::generate();
    let now = db::now();
    diesel::insert_into(registrations::table)
        .values((
            registrations::id.eq(id),
            registrations::campaign_id.eq(campaign_id),
            registrations::unit_id.eq(unit_id),
            registrations::status.eq(RegistrationStatus::Draft),
            registrations::aimed_titles.eq(serde_json::to_string(&content.aimed_titles).expect("strings serialize")),
            registrations::note.eq(&content.note),
            registrations::version.eq(1),
            registrations::created_by.eq(actor_id),
            registrations::created_at.eq(now),
            registrations::updated_at.eq(now),
        ))
        .execute(conn)?;
    write_targets(conn, id, &targets)?;
    find_registration(conn, id)
}

pub fn lock_registration(conn: &mut DbConn, id: RegistrationId) -> Result<Registration, ApiError> {
    db::lock_row!(conn, registrations::table, id)?;
    Ok(find_registration(conn, id)?.0)
}

/// Replaces a registration's targets, titles and note, at `expected_version` if given.
pub fn update_registration(
    conn: &mut DbConn,
    id: RegistrationId,
    content: RegistrationContent,
    expected_version: Option<i32>,
    today: NaiveDate,
) -> Result<RegistrationTargets, ApiError> {
    let current = lock_registration(conn, id)?;
    if expected_version.is_some_and(|v| v != current.version) {
        return Err(ApiError::precondition_failed());
    }
    let campaign = lock_campaign_shared(conn, current.campaign_id)?;
    check_campaign_open(&campaign)?;
    match current.status {
        RegistrationStatus::Draft => check_registration_window(&campaign, today)?,
        RegistrationStatus::Returned => {}
        RegistrationStatus::Submitted => {
            return Err(ApiError::conflict(
                ErrorCode::RegistrationSubmitted,
                "the board is reviewing this registration; it changes only if returned",
            ))
        }
        RegistrationStatus::Accepted => {
            return Err(ApiError::conflict(
                ErrorCode::RegistrationAccepted,
                "an accepted registration no longer changes",
            ))
        }
    }
    let targets = check_targets(conn, current.campaign_id, &content.targets)?;
    let updated = diesel::update(registrations::table.find(id).filter(registrations::version.eq(current.version)))
        .set((
            registrations::aimed_titles.eq(serde_json::to_string(&content.aimed_titles).expect("strings serialize")),
            registrations::note.eq(&content.note),
            registrations::version.eq(current.version + 1),
            registrations::updated_at.eq(db::now()),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(ApiError::precondition_failed());
    }
    write_targets(conn, id, &targets)?;
    find_registration(conn, id)
}

/// Submits (the unit), accepts or returns (the board) a registration.
pub fn transition_registration(
    conn: &mut DbConn,
    id: RegistrationId,
    action: RegistrationAction,
    actor_id: UserId,
    reason: Option<String>,
    expected_version: Option<i32>,
    today: NaiveDate,
) -> Result<RegistrationTargets, ApiError> {
    let current = lock_registration(conn, id)?;
    if expected_version.is_some_and(|v| v != current.version) {
        return Err(ApiError::precondition_failed());
    }
    let campaign = lock_campaign_shared(conn, current.campaign_id)?;
    if action == RegistrationAction::Submit {
        if current.status == RegistrationStatus::Draft {
            check_registration_window(&campaign, today)?;
        } else {
            check_campaign_open(&campaign)?;
        }
        let targets: i64 = registration_targets::table
            .filter(registration_targets::registration_id.eq(id))
            .count()
            .get_result(conn)?;
        if targets == 0 {
            return Err(ApiError::conflict(ErrorCode::NoTargets, "set at least one target before submitting"));
        }
    } else if campaign.status.is_frozen() {
        return Err(frozen(campaign.status));
    }
    let from = current.status;
    let Some(to) = from.after(action) else {
        return Err(ApiError::conflict(
            ErrorCode::IllegalTransition,
            format!("a {} registration cannot take \"{}\"", from.as_str(), action.as_str()),
        )
        .localized(
            "illegal_transition-action",
            [
                ("record", crate::error::Arg::Record("registration".into())),
                ("status", crate::error::Arg::text(from.label_vi())),
                ("action", crate::error::Arg::text(action.label_vi())),
            ],
        ));
    };
    let now = db::now();
    let (decided_by, decided_at) = match action {
        RegistrationAction::Submit => (None, None),
        _ => (Some(actor_id), Some(now)),
    };
    diesel::update(registrations::table.find(id))
        .set((
            registrations::status.eq(to),
            registrations::return_reason.eq(if action == RegistrationAction::Return { reason } else { None }),
            registrations::submitted_at.eq(if action == RegistrationAction::Submit {
                Some(now)
            } else {
                current.submitted_at.map(|t| t.naive_utc())
            }),
            registrations::decided_by.eq(decided_by),
            registrations::decided_at.eq(decided_at),
            registrations::version.eq(current.version + 1),
            registrations::updated_at.eq(now),
        ))
        .execute(conn)?;
    find_registration(conn, id)
}

/// A registration as progress needs it.
pub struct RegisteredTargets {
    pub unit_id: UnitId,
    pub status: RegistrationStatus,
    /// (indicator id, target).
    pub targets: Vec<(IndicatorId, String)>,
}

/// The accepted registrations of a campaign with their targets, by unit: progress measures units
/// against the targets the board accepted, not drafts.
pub fn accepted_registrations(conn: &mut DbConn, campaign_id: CampaignId) -> Result<Vec<RegisteredTargets>, ApiError> {
    // The registrations first (by `UNIQUE (campaign_id, unit_id)`), then their targets by
    // primary key: joined in one statement, PostgreSQL read every target of every campaign
    // (a parallel sequential scan, 94 ms at 1.2M targets; docs/plans/postgres-1m.md).
    let found: Vec<(RegistrationId, UnitId, RegistrationStatus)> = registrations::table
        .filter(registrations::campaign_id.eq(campaign_id))
        .filter(registrations::status.eq(RegistrationStatus::Accepted))
        .order(registrations::unit_id)
        .select((registrations::id, registrations::unit_id, registrations::status))
        .load(conn)?;
    let ids: Vec<RegistrationId> = found.iter().map(|(id, _, _)| *id).collect();
    let mut targets: HashMap<RegistrationId, Vec<(IndicatorId, String)>> = HashMap::new();
    for chunk in ids.chunks(db::BATCH_ROWS) {
        let rows: Vec<(RegistrationId, IndicatorId, String)> = registration_targets::table
            .filter(db::one_of(registration_targets::registration_id, chunk))
            .order((registration_targets::registration_id, registration_targets::indicator_id))
            .select((
                registration_targets::registration_id,
                registration_targets::indicator_id,
                registration_targets::target,
            ))
            .load(conn)?;
        for (registration, indicator, target) in rows {
            targets.entry(registration).or_default().push((indicator, target));
        }
    }
    Ok(found
        .into_iter()
        .map(|(id, unit_id, status)| RegisteredTargets {
            unit_id,
            status,
            targets: targets.remove(&id).unwrap_or_default(),
        })
        .collect())
}
