//! People (nominees and staff of a unit), in SQL.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::{people, units};
use crate::db::sql_types::UtcTimestamp;
use crate::db::{self, DbConn};
use crate::domain::ids::{PersonId, UnitId};
use crate::domain::statistics::{Gender, StaffCategory};
use crate::domain::units::UnitKind;
use crate::error::{ApiError, ErrorCode, FieldError};

type Db = <DbConn as Connection>::Backend;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = people)]
pub struct Person {
    pub id: PersonId,
    pub full_name: String,
    pub full_name_folded: String,
    pub position: Option<String>,
    pub unit_id: UnitId,
    pub birth_year: Option<i32>,
    pub identity_number: Option<String>,
    pub version: i32,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub updated_at: DateTime<Utc>,
    pub gender: Option<Gender>,
    /// GSO code of the ethnic group (`domain::statistics::ETHNIC_GROUPS`).
    pub ethnicity_code: Option<String>,
    pub staff_category: Option<StaffCategory>,
}

pub struct PersonFields {
    pub full_name: String,
    pub position: Option<String>,
    pub unit_id: UnitId,
    pub birth_year: Option<i32>,
    pub identity_number: Option<String>,
    /// The statistics' attributes: each left out (`None`) keeps what is stored.
    pub gender: Option<Gender>,
    pub ethnicity_code: Option<String>,
    pub staff_category: Option<StaffCategory>,
}

pub fn person_not_found() -> ApiError {
    ApiError::not_found("person")
}

pub fn find_person(conn: &mut DbConn, id: PersonId) -> Result<Person, ApiError> {
    people::table.find(id).select(Person::as_select()).first(conn).optional()?.ok_or_else(person_not_found)
}

/// Holds the person's row until the transaction ends (see `db::lock_row!`): take it before
/// reading the person for a write.
pub fn lock_person(conn: &mut DbConn, id: PersonId) -> Result<(), ApiError> {
    Ok(db::lock_row!(conn, people::table, id)?)
}

pub(crate) fn check_person_unit(conn: &mut DbConn, unit_id: UnitId) -> Result<(), ApiError> {
    let kind: Option<UnitKind> = units::table.find(unit_id).select(units::kind).first(conn).optional()?;
    match kind {
        Some(UnitKind::Department | UnitKind::Commune) => Ok(()),
        Some(_) => Err(ApiError::validation(vec![FieldError::new(
            "unit_id",
            ErrorCode::WrongKind,
            "must be a department or a commune",
        )])),
        None => Err(ApiError::validation(vec![FieldError::new("unit_id", ErrorCode::NotFound, "no unit has this id")])),
    }
}

/// A new person as it will be stored, and the statement that stores it: one `INSERT … SELECT …
/// FROM units WHERE …` checks the unit and inserts, a round trip fewer than checking first. It
/// inserts no row when the unit is not one people belong to; `why_not_created` says why.
pub fn new_person(
    fields: PersonFields,
) -> (
    Person,
    impl diesel::query_builder::QueryFragment<diesel::pg::Pg>
        + diesel::query_builder::QueryFragment<diesel::sqlite::Sqlite>
        + diesel::query_builder::QueryId
        + Send
        + 'static,
) {
    use diesel::sql_types::{Integer, Nullable, Text, Timestamp};
    let now = db::now();
    let person = Person {
        id: PersonId::generate(),
        full_name_folded: crate::domain::text::fold(&fields.full_name),
        full_name: fields.full_name,
        position: fields.position,
        unit_id: fields.unit_id,
        birth_year: fields.birth_year,
        identity_number: fields.identity_number,
        version: 1,
        created_at: now.and_utc(),
        updated_at: now.and_utc(),
        gender: fields.gender,
        ethnicity_code: fields.ethnicity_code,
        staff_category: fields.staff_category,
    };
    let source = units::table
        .filter(units::id.eq(person.unit_id))
        // Two comparisons, not `IN (…)`: diesel caches no statement with an `IN` list on SQLite.
        .filter(units::kind.eq(UnitKind::Department).or(units::kind.eq(UnitKind::Commune)))
        .select((
            person.id.into_sql::<Text>(),
            person.full_name_folded.clone().into_sql::<Text>(),
            person.full_name.clone().into_sql::<Text>(),
            person.position.clone().into_sql::<Nullable<Text>>(),
            person.unit_id.into_sql::<Text>(),
            person.birth_year.into_sql::<Nullable<Integer>>(),
            person.identity_number.clone().into_sql::<Nullable<Text>>(),
            person.gender.into_sql::<Nullable<Text>>(),
            person.ethnicity_code.clone().into_sql::<Nullable<Text>>(),
            person.staff_category.into_sql::<Nullable<Text>>(),
            person.version.into_sql::<Integer>(),
            now.into_sql::<Timestamp>(),
            now.into_sql::<Timestamp>(),
        ));
    let insert = diesel::insert_into(people::table).values(source).into_columns((
        people::id,
        people::full_name_folded,
        people::full_name,
        people::position,
        people::unit_id,
        people::birth_year,
        people::identity_number,
        people::gender,
        people::ethnicity_code,
        people::staff_category,
        people::version,
        people::created_at,
        people::updated_at,
    ));
    (person, insert)
}

/// Why `new_person`'s statement inserted nothing: its unit is missing or of another kind.
pub fn why_not_created(conn: &mut DbConn, unit_id: UnitId) -> ApiError {
    match check_person_unit(conn, unit_id) {
        Err(refused) => refused,
        // The unit appeared after the insert read (a concurrent write): it was not there then.
        Ok(()) => ApiError::validation(vec![FieldError::new("unit_id", ErrorCode::NotFound, "no unit has this id")]),
    }
}

/// Stores a new person in the caller's transaction (see `new_person`).
pub fn create_person(conn: &mut DbConn, fields: PersonFields) -> Result<Person, ApiError> {
    let unit_id = fields.unit_id;
    let (person, insert) = new_person(fields);
    db::execute_insert(conn, insert, |conn| why_not_created(conn, unit_id))?;
    Ok(person)
}

/// Replaces a person's details at `expected_version`. `identity_number: None` keeps the stored
/// one (only admins send it).
pub fn replace_person(
    conn: &mut DbConn,
    id: PersonId,
    fields: PersonFields,
    keep_identity: bool,
    expected_version: Option<i32>,
) -> Result<Person, ApiError> {
    let current = find_person(conn, id)?;
    if expected_version.is_some_and(|v| v != current.version) {
        return Err(ApiError::precondition_failed());
    }
    check_person_unit(conn, fields.unit_id)?;
    let identity = if keep_identity { current.identity_number.clone() } else { fields.identity_number.clone() };
    let updated = diesel::update(people::table.find(id).filter(people::version.eq(current.version)))
        .set((
            people::full_name_folded.eq(crate::domain::text::fold(&fields.full_name)),
            people::full_name.eq(&fields.full_name),
            people::position.eq(&fields.position),
            people::unit_id.eq(fields.unit_id),
            people::birth_year.eq(fields.birth_year),
            people::identity_number.eq(identity),
            people::gender.eq(fields.gender.or(current.gender)),
            people::ethnicity_code.eq(fields.ethnicity_code.clone().or(current.ethnicity_code.clone())),
            people::staff_category.eq(fields.staff_category.or(current.staff_category)),
            people::version.eq(current.version + 1),
            people::updated_at.eq(db::now()),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(ApiError::precondition_failed());
    }
    find_person(conn, id)
}

/// People of a unit (or all), by name; `limit + 1` rows after the (folded name, id) cursor.
pub fn list_people(
    conn: &mut DbConn,
    unit_id: Option<UnitId>,
    search: Option<&str>,
    after: Option<(String, PersonId)>,
    limit: i64,
) -> Result<Vec<Person>, ApiError> {
    let mut query = people::table.into_boxed::<Db>();
    if let Some(unit) = unit_id {
        query = query.filter(people::unit_id.eq(unit));
    }
    if let Some(folded) = search {
        query = query.filter(people::full_name_folded.like(crate::domain::text::like_contains(folded)).escape('\\'));
    }
    if let Some((name, id)) = after {
        query = query.filter(
            people::full_name_folded.gt(name.clone()).or(people::full_name_folded.eq(name).and(people::id.gt(id))),
        );
    }
    Ok(query.order((people::full_name_folded, people::id)).limit(limit + 1).select(Person::as_select()).load(conn)?)
}
