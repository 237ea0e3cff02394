//! Standing councils (hội đồng thi đua – khen thưởng) in SQL: one per unit at a time, for a
//! term, with its seats. Sessions take their members from the council in force.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use crate::db::schema::{council_seats, councils, units, users};
use crate::db::sql_types::UtcTimestamp;
use crate::db::{self, DbConn};
use crate::domain::council::{SeatRole, MIN_SEATS};
use crate::domain::ids::{CouncilId, UnitId, UserId};
use crate::domain::roles::Role;
use crate::error::{ApiError, ErrorCode, FieldError};

type Db = <DbConn as Connection>::Backend;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = councils)]
pub struct Council {
    pub id: CouncilId,
    pub unit_id: UnitId,
    pub name: String,
    pub established_by: Option<String>,
    pub term_start: NaiveDate,
    pub term_end: NaiveDate,
    pub created_by: UserId,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
}

pub struct Seat {
    pub user_id: UserId,
    pub full_name: String,
    pub role: SeatRole,
}

pub struct NewCouncil {
    pub unit_id: UnitId,
    pub name: String,
    pub established_by: Option<String>,
    pub term_start: NaiveDate,
    pub term_end: NaiveDate,
    /// (user id, role), one per user.
    pub seats: Vec<(UserId, SeatRole)>,
    /// Seats go to the unit's own people only (a unit's admin constituting its council sees no
    /// other unit's accounts: they answer as unknown ids).
    pub own_unit_members_only: bool,
}

pub fn council_not_found() -> ApiError {
    ApiError::not_found("council")
}

pub fn find(conn: &mut DbConn, id: CouncilId) -> Result<Council, ApiError> {
    councils::table.find(id).select(Council::as_select()).first(conn).optional()?.ok_or_else(council_not_found)
}

/// The seats, chair first.
pub fn seats(conn: &mut DbConn, council_id: CouncilId) -> Result<Vec<Seat>, ApiError> {
    let rows: Vec<(UserId, String, SeatRole)> = council_seats::table
        .inner_join(users::table.on(users::id.eq(council_seats::user_id)))
        .filter(council_seats::council_id.eq(council_id))
        .select((council_seats::user_id, users::full_name, council_seats::role))
        .load(conn)?;
    let mut seats: Vec<Seat> =
        rows.into_iter().map(|(user_id, full_name, role)| Seat { user_id, full_name, role }).collect();
    seats.sort_by(|a, b| {
        (SeatRole::ALL.iter().position(|r| *r == a.role), &a.user_id)
            .cmp(&(SeatRole::ALL.iter().position(|r| *r == b.role), &b.user_id))
    });
    Ok(seats)
}

/// Councils, newest first; `limit + 1` rows.
pub fn list(
    conn: &mut DbConn,
    unit_id: Option<UnitId>,
    before_id: Option<CouncilId>,
    limit: i64,
) -> Result<Vec<Council>, ApiError> {
    let mut query = councils::table.into_boxed::<Db>();
    if let Some(unit) = unit_id {
        query = query.filter(councils::unit_id.eq(unit));
    }
    if let Some(before) = before_id {
        query = query.filter(councils::id.lt(before));
    }
    Ok(query.order(councils::id.desc()).limit(limit + 1).select(Council::as_select()).load(conn)?)
}

/// Constitutes a council. Its term may not overlap another council of the same unit, except
/// that a council still in its term when the new one starts ends the day before (a council
/// reconstituted mid-term). Every seat is an active user with the council_member role.
pub fn create(conn: &mut DbConn, new: NewCouncil, actor: UserId) -> Result<CouncilId, ApiError> {
    db::lock_for_transaction(conn, &format!("council-of:{}", new.unit_id))?;
    let mut errors = Vec::new();
    let unit_exists = units::table.find(new.unit_id).count().get_result::<i64>(conn)? > 0;
    if !unit_exists {
        errors.push(FieldError::new("unit_id", ErrorCode::NotFound, "no unit has this id"));
    }
    for (i, (user_id, _)) in new.seats.iter().enumerate() {
        let found: Option<(String, bool, Option<UnitId>)> =
            users::table.find(user_id).select((users::roles, users::active, users::unit_id)).first(conn).optional()?;
        match found {
            None => errors.push(FieldError::new(
                format!("members[{i}].user_id"),
                ErrorCode::NotFound,
                "no user has this id",
            )),
            Some((_, _, unit)) if new.own_unit_members_only && unit != Some(new.unit_id) => errors
                .push(FieldError::new(format!("members[{i}].user_id"), ErrorCode::NotFound, "no user has this id")),
            Some((roles, true, _))
                if Role::split(&roles).contains(&Role::CouncilMember)
                    && !Role::split(&roles).contains(&Role::Admin) => {}
            _ => errors.push(FieldError::new(
                format!("members[{i}].user_id"),
                ErrorCode::NotACouncilMember,
                "must be an active user with the council_member role and not an admin",
            )),
        }
    }
    if new.seats.len() < MIN_SEATS {
        errors.push(FieldError::new(
            "members",
            ErrorCode::TooFew,
            format!("a council has at least {MIN_SEATS} members"),
        ));
    }
    if new.seats.iter().filter(|(_, r)| *r == SeatRole::Chair).count() > 1 {
        errors.push(FieldError::new("members", ErrorCode::TwoChairs, "a council has at most one chair"));
    }
    let later: i64 = councils::table
        .filter(councils::unit_id.eq(new.unit_id))
        .filter(councils::term_start.ge(new.term_start))
        .count()
        .get_result(conn)?;
    if later > 0 {
        errors.push(FieldError::new(
            "term_start",
            ErrorCode::TermOverlap,
            "another council of this unit starts on or after this day",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    // The council in its term when this one starts ends the day before.
    let day_before = new.term_start.pred_opt().unwrap_or(new.term_start);
    diesel::update(
        councils::table.filter(councils::unit_id.eq(new.unit_id)).filter(councils::term_end.ge(new.term_start)),
    )
    .set(councils::term_end.eq(day_before))
    .execute(conn)?;
    let id = CouncilId::generate();
    diesel::insert_into(councils::table)
        .values((
            councils::id.eq(id),
            councils::unit_id.eq(new.unit_id),
            councils::name.eq(&new.name),
            councils::established_by.eq(&new.established_by),
            councils::term_start.eq(new.term_start),
            councils::term_end.eq(new.term_end),
            councils::created_by.eq(actor),
            councils::created_at.eq(db::now()),
        ))
        .execute(conn)?;
    for (user_id, role) in &new.seats {
        diesel::insert_into(council_seats::table)
            .values((
                council_seats::council_id.eq(id),
                council_seats::user_id.eq(user_id),
                council_seats::role.eq(role),
            ))
            .execute(conn)?;
    }
    Ok(id)
}

/// The members a session of this council takes on `today`: its seats held by active users who
/// still have the council_member role. The council must be in its term.
pub fn members_in_force(
    conn: &mut DbConn,
    council_id: CouncilId,
    today: NaiveDate,
) -> Result<Result<Vec<UserId>, FieldError>, ApiError> {
    let Some(council) = councils::table.find(council_id).select(Council::as_select()).first(conn).optional()? else {
        return Ok(Err(FieldError::new("council_id", ErrorCode::NotFound, "no council has this id")));
    };
    if !crate::domain::council::in_force(council.term_start, council.term_end, today) {
        return Ok(Err(FieldError::new(
            "council_id",
            ErrorCode::NotInForce,
            "the council's term does not cover today",
        )));
    }
    let rows: Vec<(UserId, String, bool)> = council_seats::table
        .inner_join(users::table.on(users::id.eq(council_seats::user_id)))
        .filter(council_seats::council_id.eq(council_id))
        .select((council_seats::user_id, users::roles, users::active))
        .load(conn)?;
    let mut members: Vec<UserId> = rows
        .into_iter()
        .filter(|(_, roles, active)| *active && Role::split(roles).contains(&Role::CouncilMember))
        .map(|(id, ..)| id)
        .collect();
    members.sort();
    if members.len() < MIN_SEATS {
        return Ok(Err(FieldError::new(
            "council_id",
            ErrorCode::TooFew,
            format!("fewer than {MIN_SEATS} of its members can vote (active, with the council_member role)"),
        )));
    }
    Ok(Ok(members))
}

/// Whether `user` holds a seat on a council of another unit than `unit` (any council when
/// `unit` is none): such a member votes for that level, which a unit's admin does not run.
pub fn seated_outside(conn: &mut DbConn, user: UserId, unit: Option<UnitId>) -> Result<bool, ApiError> {
    let mut query = council_seats::table
        .inner_join(councils::table.on(councils::id.eq(council_seats::council_id)))
        .filter(council_seats::user_id.eq(user))
        .into_boxed::<<DbConn as Connection>::Backend>();
    if let Some(unit) = unit {
        query = query.filter(councils::unit_id.ne(unit));
    }
    Ok(query.count().get_result::<i64>(conn)? > 0)
}
