//! Title registrations (đăng ký danh hiệu thi đua) in SQL: a unit's list, for a year, of who aims
//! for which title — its people for individual titles, itself for collective ones — and the
//! board's acceptance. The year-end round's lines are checked against the accepted ones.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::{award_types, people, title_registration_entries, title_registrations};
use crate::db::sql_types::{NullableUtcTimestamp, UtcTimestamp};
use crate::db::{self, DbConn};
use crate::domain::awards::AwardSubject;
use crate::domain::ids::{AwardTypeId, PersonId, TitleRegistrationId, UnitId, UserId};
use crate::domain::rounds::TitleRegistrationStatus;
use crate::error::{ApiError, ErrorCode, FieldError};

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = title_registrations)]
pub struct TitleRegistration {
    pub id: TitleRegistrationId,
    pub unit_id: UnitId,
    pub year: i32,
    pub status: TitleRegistrationStatus,
    pub version: i32,
    pub created_by: UserId,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub updated_at: DateTime<Utc>,
    pub accepted_by: Option<UserId>,
    #[diesel(deserialize_as = NullableUtcTimestamp)]
    pub accepted_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable, Debug, Clone, PartialEq, Eq)]
#[diesel(table_name = title_registration_entries)]
pub struct Entry {
    pub registration_id: TitleRegistrationId,
    pub position: i32,
    pub award_type_id: AwardTypeId,
    pub person_id: Option<PersonId>,
}

pub struct TitleRegistrationDetail {
    pub registration: TitleRegistration,
    pub entries: Vec<Entry>,
}

/// One entry as the unit gives it: a person of the unit for an individual title, none for a
/// collective one (the unit itself).
pub struct EntryInput {
    pub award_type_id: AwardTypeId,
    pub person_id: Option<PersonId>,
}

pub fn not_found() -> ApiError {
    ApiError::not_found("title registration")
}

pub fn find(conn: &mut DbConn, id: TitleRegistrationId) -> Result<TitleRegistration, ApiError> {
    title_registrations::table
        .find(id)
        .select(TitleRegistration::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(not_found)
}

/// Entries of several registrations in one query.
pub fn details(conn: &mut DbConn, rows: Vec<TitleRegistration>) -> Result<Vec<TitleRegistrationDetail>, ApiError> {
    let ids: Vec<TitleRegistrationId> = rows.iter().map(|r| r.id).collect();
    let entries: Vec<Entry> = title_registration_entries::table
        .filter(db::one_of(title_registration_entries::registration_id, &ids))
        .order((title_registration_entries::registration_id, title_registration_entries::position))
        .select(Entry::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|registration| TitleRegistrationDetail {
            entries: entries.iter().filter(|e| e.registration_id == registration.id).cloned().collect(),
            registration,
        })
        .collect())
}

pub fn detail(conn: &mut DbConn, id: TitleRegistrationId) -> Result<TitleRegistrationDetail, ApiError> {
    let found = find(conn, id)?;
    Ok(details(conn, vec![found])?.remove(0))
}

/// Each entry names an existing title once, with a person of the unit for an individual title
/// and none for a collective one (household titles are not registered here).
fn check_entries(conn: &mut DbConn, unit_id: UnitId, entries: &[EntryInput]) -> Result<(), ApiError> {
    let type_ids: Vec<AwardTypeId> = entries.iter().map(|e| e.award_type_id).collect();
    let subjects: Vec<(AwardTypeId, AwardSubject)> = award_types::table
        .filter(db::one_of(award_types::id, &type_ids))
        .select((award_types::id, award_types::subject))
        .load(conn)?;
    let person_ids: Vec<PersonId> = entries.iter().filter_map(|e| e.person_id).collect();
    let own: Vec<PersonId> = people::table
        .filter(db::one_of(people::id, &person_ids))
        .filter(people::unit_id.eq(unit_id))
        .select(people::id)
        .load(conn)?;
    let mut errors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, e) in entries.iter().enumerate() {
        let Some((_, subject)) = subjects.iter().find(|(id, _)| *id == e.award_type_id) else {
            errors.push(FieldError::new(
                format!("entries[{i}].award_type_id"),
                ErrorCode::NotFound,
                "no award type has this id",
            ));
            continue;
        };
        match (subject, &e.person_id) {
            (AwardSubject::Individual, Some(p)) if !own.contains(p) => errors.push(FieldError::new(
                format!("entries[{i}].person_id"),
                ErrorCode::NotFound,
                "no person of this unit has this id",
            )),
            (AwardSubject::Individual, Some(_)) | (AwardSubject::Collective, None) => {}
            _ => errors.push(FieldError::new(
                format!("entries[{i}]"),
                ErrorCode::WrongSubject,
                "an individual title needs person_id, a collective one none (households are not registered here)",
            )),
        }
        if !seen.insert((&e.award_type_id, &e.person_id)) {
            errors.push(FieldError::new(format!("entries[{i}]"), ErrorCode::Duplicate, "the same entry twice"));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

fn write_entries(conn: &mut DbConn, id: TitleRegistrationId, entries: &[EntryInput]) -> Result<(), ApiError> {
    diesel::delete(title_registration_entries::table.filter(title_registration_entries::registration_id.eq(id)))
        .execute(conn)?;
    for (position, e) in entries.iter().enumerate() {
        diesel::insert_into(title_registration_entries::table)
            .values((
                title_registration_entries::registration_id.eq(id),
                title_registration_entries::position.eq(position as i32),
                title_registration_entries::award_type_id.eq(&e.award_type_id),
                title_registration_entries::person_id.eq(&e.person_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A unit's registration for a year, in one list; one per unit and year (`409 duplicate`).
pub fn create(
    conn: &mut DbConn,
    unit_id: UnitId,
    year: i32,
    entries: &[EntryInput],
    actor: UserId,
) -> Result<TitleRegistrationDetail, ApiError> {
    crate::models::people::check_person_unit(conn, unit_id)?;
    check_entries(conn, unit_id, entries)?;
    db::lock_for_transaction(conn, &format!("title_registration:{unit_id}:{year}"))?;
    let exists: i64 = title_registrations::table
        .filter(title_registrations::unit_id.eq(unit_id))
        .filter(title_registrations::year.eq(year))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Err(ApiError::conflict(
            ErrorCode::Duplicate,
            "the unit has registered for this year already; replace that registration",
        ));
    }
    let id = TitleRegistrationId::generate();
    let now = db::now();
    diesel::insert_into(title_registrations::table)
        .values((
            title_registrations::id.eq(id),
            title_registrations::unit_id.eq(unit_id),
            title_registrations::year.eq(year),
            title_registrations::status.eq(TitleRegistrationStatus::Submitted),
            title_registrations::version.eq(1),
            title_registrations::created_by.eq(actor),
            title_registrations::created_at.eq(now),
            title_registrations::updated_at.eq(now),
        ))
        .execute(conn)?;
    write_entries(conn, id, entries)?;
    detail(conn, id)
}

pub fn lock(conn: &mut DbConn, id: TitleRegistrationId) -> Result<TitleRegistration, ApiError> {
    db::lock_row!(conn, title_registrations::table, id)?;
    find(conn, id)
}

/// Replaces the entries while the board has not accepted them, at `expected_version`.
pub fn replace(
    conn: &mut DbConn,
    id: TitleRegistrationId,
    entries: &[EntryInput],
    expected_version: Option<i32>,
) -> Result<TitleRegistrationDetail, ApiError> {
    let current = lock(conn, id)?;
    if expected_version.is_some_and(|v| v != current.version) {
        return Err(ApiError::precondition_failed());
    }
    if current.status == TitleRegistrationStatus::Accepted {
        return Err(ApiError::conflict(ErrorCode::RegistrationAccepted, "an accepted registration no longer changes"));
    }
    check_entries(conn, current.unit_id, entries)?;
    write_entries(conn, id, entries)?;
    diesel::update(title_registrations::table.find(id))
        .set((title_registrations::version.eq(current.version + 1), title_registrations::updated_at.eq(db::now())))
        .execute(conn)?;
    detail(conn, id)
}

/// The board accepts a registration.
pub fn accept(
    conn: &mut DbConn,
    id: TitleRegistrationId,
    actor: UserId,
    expected_version: Option<i32>,
) -> Result<TitleRegistrationDetail, ApiError> {
    let current = lock(conn, id)?;
    if expected_version.is_some_and(|v| v != current.version) {
        return Err(ApiError::precondition_failed());
    }
    if current.status != TitleRegistrationStatus::Submitted {
        return Err(ApiError::conflict(ErrorCode::IllegalTransition, "the registration is accepted already"));
    }
    let now = db::now();
    diesel::update(title_registrations::table.find(id))
        .set((
            title_registrations::status.eq(TitleRegistrationStatus::Accepted),
            title_registrations::version.eq(current.version + 1),
            title_registrations::updated_at.eq(now),
            title_registrations::accepted_by.eq(Some(actor)),
            title_registrations::accepted_at.eq(Some(now)),
        ))
        .execute(conn)?;
    detail(conn, id)
}

/// Registrations by year and unit; `limit + 1` rows after the cursor's id.
pub fn list(
    conn: &mut DbConn,
    unit: Option<UnitId>,
    year: Option<i32>,
    status: Option<TitleRegistrationStatus>,
    after: Option<TitleRegistrationId>,
    limit: i64,
) -> Result<Vec<TitleRegistration>, ApiError> {
    let mut query = title_registrations::table.into_boxed::<<DbConn as Connection>::Backend>();
    if let Some(unit) = unit {
        query = query.filter(title_registrations::unit_id.eq(unit));
    }
    if let Some(year) = year {
        query = query.filter(title_registrations::year.eq(year));
    }
    if let Some(status) = status {
        query = query.filter(title_registrations::status.eq(status));
    }
    if let Some(after) = after {
        query = query.filter(title_registrations::id.gt(after));
    }
    Ok(query.order(title_registrations::id).limit(limit + 1).select(TitleRegistration::as_select()).load(conn)?)
}
