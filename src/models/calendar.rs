//! The working-day calendar in SQL: the special days (`domain::calendar`), kept by the province
//! board, the national holidays shipped as reference data.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use crate::db::schema::calendar_days;
use crate::db::sql_types::UtcTimestamp;
use crate::db::{self, DbConn};
use crate::domain::calendar::DayKind;
use crate::domain::ids::UserId;
use crate::error::ApiError;

#[derive(Queryable, Selectable, Debug, Clone, PartialEq, Eq)]
#[diesel(table_name = calendar_days)]
pub struct CalendarDay {
    pub day: NaiveDate,
    pub kind: DayKind,
    pub name: String,
    pub updated_by: Option<UserId>,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub updated_at: DateTime<Utc>,
}

/// The special days from `from` to `to`, inclusive.
pub fn special_days(
    conn: &mut DbConn,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<NaiveDate, DayKind>, ApiError> {
    let rows: Vec<(NaiveDate, DayKind)> = calendar_days::table
        .filter(calendar_days::day.between(from, to))
        .select((calendar_days::day, calendar_days::kind))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// A year's special days, in date order.
pub fn year_days(conn: &mut DbConn, year: i32) -> Result<Vec<CalendarDay>, ApiError> {
    let (Some(first), Some(last)) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31)) else {
        return Ok(Vec::new());
    };
    Ok(calendar_days::table
        .filter(calendar_days::day.between(first, last))
        .order(calendar_days::day)
        .select(CalendarDay::as_select())
        .load(conn)?)
}

pub fn find_day(conn: &mut DbConn, day: NaiveDate) -> Result<Option<CalendarDay>, ApiError> {
    Ok(calendar_days::table.find(day).select(CalendarDay::as_select()).first(conn).optional()?)
}

/// Holds `day` until the transaction ends (PostgreSQL): an advisory lock, as the day's row may
/// not exist yet. Take it before reading the day for a write (see `db::lock_row!`).
pub fn lock_day(conn: &mut DbConn, day: NaiveDate) -> Result<(), ApiError> {
    Ok(db::lock_for_transaction(conn, &format!("calendar-day:{day}"))?)
}

/// Sets what `day` is (replacing what it was); `actor` None for reference data.
pub fn set_day(
    conn: &mut DbConn,
    day: NaiveDate,
    kind: DayKind,
    name: &str,
    actor: Option<UserId>,
) -> Result<CalendarDay, ApiError> {
    let now = db::now();
    lock_day(conn, day)?;
    if find_day(conn, day)?.is_some() {
        diesel::update(calendar_days::table.find(day))
            .set((
                calendar_days::kind.eq(kind),
                calendar_days::name.eq(name),
                calendar_days::updated_by.eq(actor),
                calendar_days::updated_at.eq(now),
            ))
            .execute(conn)?;
    } else {
        diesel::insert_into(calendar_days::table)
            .values((
                calendar_days::day.eq(day),
                calendar_days::kind.eq(kind),
                calendar_days::name.eq(name),
                calendar_days::updated_by.eq(actor),
                calendar_days::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    find_day(conn, day)?.ok_or_else(|| ApiError::internal(anyhow::anyhow!("calendar day {day} vanished")))
}

/// Makes `day` what its weekday says again; false when it was not special.
pub fn clear_day(conn: &mut DbConn, day: NaiveDate) -> Result<bool, ApiError> {
    Ok(diesel::delete(calendar_days::table.find(day)).execute(conn)? > 0)
}
