//! What collective titles are judged from, in SQL (`domain::collectives`): the unit's people,
//! the titles they hold or are proposed for in a year, and their discipline records (kỷ luật:
//! personal data, which only the person's unit and admins see).

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use crate::db::schema::{award_types, awards, nominations, people, person_disciplines};
use crate::db::sql_types::UtcTimestamp;
use crate::db::{self, DbConn};
use crate::domain::collectives::{DisciplineForm, MemberFacts, MemberRequirement};
use crate::domain::ids::{DisciplineId, PersonId, UnitId, UserId};
use crate::domain::nominations::NominationStatus;
use crate::error::ApiError;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = person_disciplines)]
pub struct Discipline {
    pub id: DisciplineId,
    pub person_id: PersonId,
    pub year: i32,
    pub form: DisciplineForm,
    pub decision_number: String,
    pub decided_on: NaiveDate,
    pub created_by: UserId,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
}

pub struct NewDiscipline {
    pub year: i32,
    pub form: DisciplineForm,
    pub decision_number: String,
    pub decided_on: NaiveDate,
}

pub fn add(conn: &mut DbConn, person_id: PersonId, new: NewDiscipline, actor: UserId) -> Result<Discipline, ApiError> {
    let id = DisciplineId::generate();
    diesel::insert_into(person_disciplines::table)
        .values((
            person_disciplines::id.eq(id),
            person_disciplines::person_id.eq(person_id),
            person_disciplines::year.eq(new.year),
            person_disciplines::form.eq(new.form),
            person_disciplines::decision_number.eq(&new.decision_number),
            person_disciplines::decided_on.eq(new.decided_on),
            person_disciplines::created_by.eq(actor),
            person_disciplines::created_at.eq(db::now()),
        ))
        .execute(conn)?;
    Ok(person_disciplines::table.find(id).select(Discipline::as_select()).first(conn)?)
}

/// A person's records, newest year first.
pub fn of_person(conn: &mut DbConn, person_id: PersonId) -> Result<Vec<Discipline>, ApiError> {
    Ok(person_disciplines::table
        .filter(person_disciplines::person_id.eq(person_id))
        .order((person_disciplines::year.desc(), person_disciplines::id.desc()))
        .select(Discipline::as_select())
        .load(conn)?)
}

/// The names of the unit's people disciplined in `year` with `lightest` or a heavier form, each
/// once, by name.
pub fn disciplined_members(
    conn: &mut DbConn,
    unit_id: UnitId,
    year: i32,
    lightest: DisciplineForm,
) -> Result<Vec<String>, ApiError> {
    let rows: Vec<(PersonId, String, DisciplineForm)> = person_disciplines::table
        .inner_join(people::table.on(people::id.eq(person_disciplines::person_id)))
        .filter(people::unit_id.eq(unit_id))
        .filter(person_disciplines::year.eq(year))
        .select((people::id, people::full_name, person_disciplines::form))
        .load(conn)?;
    let mut names: Vec<(PersonId, String)> =
        rows.into_iter().filter(|(_, _, form)| form.at_least(lightest)).map(|(id, name, _)| (id, name)).collect();
    names.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    names.dedup_by_key(|(id, _)| *id);
    Ok(names.into_iter().map(|(_, name)| name).collect())
}

/// The people of the unit holding `code` in `year`: awarded (not revoked), or proposed in a
/// nomination still in the running. Each person once.
fn holders(conn: &mut DbConn, unit_id: UnitId, year: i32, code: &str) -> Result<(u32, String), ApiError> {
    let Some((type_id, name)) = award_types::table
        .filter(award_types::code.eq(code))
        .select((award_types::id, award_types::name))
        .first::<(crate::domain::ids::AwardTypeId, String)>(conn)
        .optional()?
    else {
        return Ok((0, code.to_string()));
    };
    let members = people::table.filter(people::unit_id.eq(unit_id)).select(people::id.nullable());
    let held: Vec<Option<PersonId>> = awards::table
        .filter(awards::award_type_id.eq(type_id))
        .filter(awards::year.eq(year))
        .filter(awards::revoked_at.is_null())
        .filter(awards::person_id.eq_any(members))
        .select(awards::person_id)
        .load(conn)?;
    let running: Vec<NominationStatus> = NominationStatus::ALL.iter().copied().filter(|s| s.uses_quota()).collect();
    let proposed: Vec<Option<PersonId>> = nominations::table
        .filter(nominations::award_type_id.eq(type_id))
        .filter(nominations::year.eq(year))
        .filter(db::one_of(nominations::status, &running))
        .filter(
            nominations::person_id
                .eq_any(people::table.filter(people::unit_id.eq(unit_id)).select(people::id.nullable())),
        )
        .select(nominations::person_id)
        .load(conn)?;
    let distinct: std::collections::HashSet<PersonId> = held.into_iter().chain(proposed).flatten().collect();
    Ok((distinct.len() as u32, name))
}

/// The facts a collective's member requirement is judged on, with the names of its titles.
pub fn member_facts(
    conn: &mut DbConn,
    unit_id: UnitId,
    year: i32,
    r: &MemberRequirement,
) -> Result<(MemberFacts, String, Option<String>), ApiError> {
    let members: i64 = people::table.filter(people::unit_id.eq(unit_id)).count().get_result(conn)?;
    let (holding_title, title) = holders(conn, unit_id, year, &r.title_code)?;
    let (holding_at_least_one, one_title) = match &r.at_least_one_code {
        Some(code) => {
            let (n, name) = holders(conn, unit_id, year, code)?;
            (n, Some(name))
        }
        None => (0, None),
    };
    let disciplined = match r.no_discipline_from {
        Some(lightest) => disciplined_members(conn, unit_id, year, lightest)?,
        None => Vec::new(),
    };
    let facts = MemberFacts { members: members as u32, holding_title, holding_at_least_one, disciplined };
    Ok((facts, title, one_title))
}
