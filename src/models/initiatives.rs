//! Initiatives (sáng kiến) in SQL: the record, its authors with their shares, its evidence
//! files, and what eligibility asks of them.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::{initiative_authors, initiatives, people};
use crate::db::sql_types::UtcTimestamp;
use crate::db::{self, DbConn};
use crate::domain::ids::{InitiativeId, PersonId, StoredFileId, UnitId, UserId};
use crate::domain::initiatives::{AuthorShare, CheckedInitiative, RecognitionScope};
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::models::stored_files::{self, NewFile, Owner, StoredFile};

type Db = <DbConn as Connection>::Backend;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = initiatives)]
pub struct Initiative {
    pub id: InitiativeId,
    pub title: String,
    pub title_folded: String,
    pub unit_id: UnitId,
    pub field: String,
    pub recognised_by: String,
    pub scope: RecognitionScope,
    pub decision_number: String,
    pub decision_date: chrono::NaiveDate,
    pub year: i32,
    pub version: i32,
    pub created_by: UserId,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub updated_at: DateTime<Utc>,
}

pub struct InitiativeDetail {
    pub initiative: Initiative,
    pub authors: Vec<AuthorShare>,
    pub evidence: Vec<StoredFile>,
}

pub fn initiative_not_found() -> ApiError {
    ApiError::not_found("initiative")
}

pub fn find(conn: &mut DbConn, id: InitiativeId) -> Result<Initiative, ApiError> {
    initiatives::table.find(id).select(Initiative::as_select()).first(conn).optional()?.ok_or_else(initiative_not_found)
}

/// Holds the initiative's row until the transaction ends (see `db::lock_row!`): take it before
/// reading the initiative for a write.
pub fn lock(conn: &mut DbConn, id: InitiativeId) -> Result<(), ApiError> {
    Ok(db::lock_row!(conn, initiatives::table, id)?)
}

/// Authors and evidence of several initiatives in two queries, whatever their number.
pub fn details(conn: &mut DbConn, rows: Vec<Initiative>) -> Result<Vec<InitiativeDetail>, ApiError> {
    let ids: Vec<InitiativeId> = rows.iter().map(|i| i.id).collect();
    let authors: Vec<(InitiativeId, PersonId, String)> = initiative_authors::table
        .filter(db::one_of(initiative_authors::initiative_id, &ids))
        .order((initiative_authors::initiative_id, initiative_authors::position))
        .select((initiative_authors::initiative_id, initiative_authors::person_id, initiative_authors::share_percent))
        .load(conn)?;
    let evidence = stored_files::of_initiatives(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|initiative| InitiativeDetail {
            authors: authors
                .iter()
                .filter(|(i, _, _)| *i == initiative.id)
                .map(|(_, person_id, share_percent)| AuthorShare {
                    person_id: *person_id,
                    share_percent: share_percent.clone(),
                })
                .collect(),
            evidence: evidence.iter().filter(|f| f.initiative_id == Some(initiative.id)).cloned().collect(),
            initiative,
        })
        .collect())
}

pub fn detail(conn: &mut DbConn, id: InitiativeId) -> Result<InitiativeDetail, ApiError> {
    let found = find(conn, id)?;
    Ok(details(conn, vec![found])?.remove(0))
}

/// Every author must be a person the service knows.
fn write_authors(conn: &mut DbConn, id: InitiativeId, authors: &[AuthorShare]) -> Result<(), ApiError> {
    let ids: Vec<PersonId> = authors.iter().map(|a| a.person_id).collect();
    let known: Vec<PersonId> = people::table.filter(db::one_of(people::id, &ids)).select(people::id).load(conn)?;
    let unknown: Vec<FieldError> = authors
        .iter()
        .enumerate()
        .filter(|(_, a)| !known.contains(&a.person_id))
        .map(|(i, _)| FieldError::new(format!("authors[{i}].person_id"), ErrorCode::NotFound, "no person has this id"))
        .collect();
    if !unknown.is_empty() {
        return Err(ApiError::validation(unknown));
    }
    diesel::delete(initiative_authors::table.filter(initiative_authors::initiative_id.eq(id))).execute(conn)?;
    for (position, a) in authors.iter().enumerate() {
        diesel::insert_into(initiative_authors::table)
            .values((
                initiative_authors::initiative_id.eq(id),
                initiative_authors::person_id.eq(a.person_id),
                initiative_authors::share_percent.eq(&a.share_percent),
                initiative_authors::position.eq(position as i32),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn create(
    conn: &mut DbConn,
    unit_id: UnitId,
    new: &CheckedInitiative,
    actor: UserId,
) -> Result<InitiativeDetail, ApiError> {
    conn.write_tx(|conn| {
        crate::models::people::check_person_unit(conn, unit_id)?;
        let id = InitiativeId::generate();
        let now = db::now();
        diesel::insert_into(initiatives::table)
            .values((
                initiatives::id.eq(id),
                initiatives::title.eq(&new.title),
                initiatives::title_folded.eq(crate::domain::text::fold(&new.title)),
                initiatives::unit_id.eq(unit_id),
                initiatives::field.eq(&new.field),
                initiatives::recognised_by.eq(&new.recognised_by),
                initiatives::scope.eq(new.scope),
                initiatives::decision_number.eq(&new.decision_number),
                initiatives::decision_date.eq(new.decision_date),
                initiatives::year.eq(new.year),
                initiatives::version.eq(1),
                initiatives::created_by.eq(actor),
                initiatives::created_at.eq(now),
                initiatives::updated_at.eq(now),
            ))
            .execute(conn)?;
        write_authors(conn, id, &new.authors)?;
        detail(conn, id)
    })
}

/// Replaces an initiative's details at `expected_version` (it stays its unit's).
pub fn replace(
    conn: &mut DbConn,
    id: InitiativeId,
    new: &CheckedInitiative,
    expected_version: Option<i32>,
) -> Result<InitiativeDetail, ApiError> {
    conn.write_tx(|conn| {
        let current = find(conn, id)?;
        if expected_version.is_some_and(|v| v != current.version) {
            return Err(ApiError::precondition_failed());
        }
        let updated = diesel::update(initiatives::table.find(id).filter(initiatives::version.eq(current.version)))
            .set((
                initiatives::title.eq(&new.title),
                initiatives::title_folded.eq(crate::domain::text::fold(&new.title)),
                initiatives::field.eq(&new.field),
                initiatives::recognised_by.eq(&new.recognised_by),
                initiatives::scope.eq(new.scope),
                initiatives::decision_number.eq(&new.decision_number),
                initiatives::decision_date.eq(new.decision_date),
                initiatives::year.eq(new.year),
                initiatives::version.eq(current.version + 1),
                initiatives::updated_at.eq(db::now()),
            ))
            .execute(conn)?;
        if updated == 0 {
            return Err(ApiError::precondition_failed());
        }
        write_authors(conn, id, &new.authors)?;
        detail(conn, id)
    })
}

/// Adds an evidence file; the initiative's version moves on (its record changed).
pub fn add_evidence(conn: &mut DbConn, id: InitiativeId, file: NewFile) -> Result<StoredFile, ApiError> {
    conn.write_tx(|conn| {
        lock(conn, id)?;
        let current = find(conn, id)?;
        let file = file.owned_by(Owner::Initiative(current.id));
        stored_files::insert(conn, &file)?;
        diesel::update(initiatives::table.find(id))
            .set((initiatives::version.eq(current.version + 1), initiatives::updated_at.eq(db::now())))
            .execute(conn)?;
        Ok(file)
    })
}

#[derive(Default)]
pub struct InitiativeFilter {
    pub unit_id: Option<UnitId>,
    pub person_id: Option<PersonId>,
    pub scope: Option<RecognitionScope>,
    pub year: Option<i32>,
    /// Folded search text (part of the title).
    pub search: Option<String>,
    pub after: Option<(String, InitiativeId)>,
    pub limit: i64,
}

/// Initiatives by title; `limit + 1` rows after the (folded title, id) cursor.
pub fn list(conn: &mut DbConn, f: &InitiativeFilter) -> Result<Vec<Initiative>, ApiError> {
    let mut query = initiatives::table.into_boxed::<Db>();
    if let Some(unit) = f.unit_id {
        query = query.filter(initiatives::unit_id.eq(unit));
    }
    if let Some(person) = f.person_id {
        let theirs = initiative_authors::table
            .filter(initiative_authors::person_id.eq(person))
            .select(initiative_authors::initiative_id);
        query = query.filter(initiatives::id.eq_any(theirs));
    }
    if let Some(scope) = f.scope {
        query = query.filter(initiatives::scope.eq(scope));
    }
    if let Some(year) = f.year {
        query = query.filter(initiatives::year.eq(year));
    }
    if let Some(folded) = &f.search {
        query = query.filter(initiatives::title_folded.like(crate::domain::text::like_contains(folded)).escape('\\'));
    }
    if let Some((title, id)) = &f.after {
        query = query.filter(
            initiatives::title_folded
                .gt(title.clone())
                .or(initiatives::title_folded.eq(title.clone()).and(initiatives::id.gt(*id))),
        );
    }
    Ok(query
        .order((initiatives::title_folded, initiatives::id))
        .limit(f.limit + 1)
        .select(Initiative::as_select())
        .load(conn)?)
}

/// A file by id, if it is an initiative's evidence (`Some(initiative id)`).
pub fn find_evidence(conn: &mut DbConn, id: StoredFileId) -> Result<Option<(StoredFile, InitiativeId)>, ApiError> {
    let file = stored_files::find(conn, id)?;
    Ok(file.and_then(|f| f.initiative_id.map(|owner| (f, owner))))
}
