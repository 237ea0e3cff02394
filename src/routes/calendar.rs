//! The working-day calendar: the days that are not what their weekday says (public holidays,
//! days off and Saturdays worked in exchange). Posting periods counted in working days end by it
//! (`models::decisions::post`). Everyone signed in reads it; the province board keeps it.

use actix_web::{delete, get, put, web, HttpResponse};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::policy;
use crate::auth::AuthUser;
use crate::db;
use crate::db::journal::Scope;
use crate::domain::calendar::{is_working_day, DayKind};
use crate::domain::{check_date, check_text, Checks};
use crate::error::{ApiError, ErrorCode};
use crate::http::extract::JsonBody;
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::models::calendar::{self as model, CalendarDay};
use crate::openapi::errors::{ReadErrors, WriteErrors};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes.service(read_year).service(set_day).service(clear_day);
}

#[derive(Serialize, ToSchema)]
pub struct CalendarDayResponse {
    pub day: NaiveDate,
    pub kind: DayKind,
    /// `kind` as people read it (Vietnamese).
    pub kind_label: &'static str,
    #[schema(example = "Tết Nguyên đán Ất Tỵ")]
    pub name: String,
    /// False for the reference data shipped with the service.
    pub set_by_board: bool,
}

impl From<CalendarDay> for CalendarDayResponse {
    fn from(d: CalendarDay) -> CalendarDayResponse {
        CalendarDayResponse {
            day: d.day,
            kind: d.kind,
            kind_label: d.kind.label_vi(),
            name: d.name,
            set_by_board: d.updated_by.is_some(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CalendarYear {
    pub year: i32,
    /// How many working days the year has, by this calendar.
    pub working_days: u32,
    /// The special days, in date order.
    pub days: Vec<CalendarDayResponse>,
}

/// A year's working-day calendar: its holidays, days off and worked Saturdays, and how many
/// working days it has.
#[utoipa::path(operation_id = "get_calendar_year", tag = "awards", security(("bearer" = [])),
    params(("year" = i32, Path, description = "The year, 1990 to 2200")),
    responses((status = 200, description = "The year's calendar", body = CalendarYear), ReadErrors))]
#[get("/calendar/{year}")]
pub async fn read_year(
    state: web::Data<AppState>,
    _who: AuthUser,
    year: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let year = year.into_inner();
    let dates = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31));
    let (Some(first), Some(last)) = dates else { return Err(ApiError::not_found("calendar year")) };
    if !(1990..=2200).contains(&year) {
        return Err(ApiError::not_found("calendar year"));
    }
    let days = db::run(&state.db, move |conn| model::year_days(conn, year)).await?;
    let special = days.iter().map(|d| (d.day, d.kind)).collect();
    let working_days = first.iter_days().take_while(|d| *d <= last).filter(|d| is_working_day(*d, &special)).count();
    Ok(HttpResponse::Ok().json(CalendarYear {
        year,
        working_days: working_days as u32,
        days: days.into_iter().map(CalendarDayResponse::from).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarDayRequest {
    pub kind: DayKind,
    #[schema(example = "Nghỉ bù Quốc khánh")]
    pub name: String,
}

/// Set what a day is (the province board): a holiday, a day off, or a worked Saturday. Posting
/// periods already running keep the end they were given.
#[utoipa::path(operation_id = "set_calendar_day", tag = "awards", security(("bearer" = [])),
    params(("day" = NaiveDate, Path, description = "The day (YYYY-MM-DD)")),
    request_body = CalendarDayRequest,
    responses((status = 200, description = "The day as set", body = CalendarDayResponse), WriteErrors))]
#[put("/calendar/days/{day}")]
pub async fn set_day(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    day: web::Path<NaiveDate>,
    body: JsonBody<CalendarDayRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[])?;
    let day = day.into_inner();
    let mut checks = Checks::default();
    check_date("day", Some(day), &mut checks);
    let name = check_text("name", &body.0.name, 200, &mut checks);
    let kind = body.0.kind;
    let weekend = matches!(day.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun);
    if kind == DayKind::Workday && !weekend {
        checks.fail("kind", ErrorCode::InvalidChoice, "only a Saturday or Sunday is worked in exchange");
    }
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let actor = who.user_id;
    let body = db::write(&state.db, origin.by(&who), move |conn, journal| {
        model::lock_day(conn, day)?;
        let before = model::find_day(conn, day)?.map(CalendarDayResponse::from);
        let after = CalendarDayResponse::from(model::set_day(conn, day, kind, &name, Some(actor))?);
        match &before {
            Some(before) => journal.changed("calendar_day", "updated", day, Scope::Registry, before, &after),
            None => journal.created("calendar_day", day, Scope::Registry, &after),
        }
        Ok(after)
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// Make a day what its weekday says again (the province board).
#[utoipa::path(operation_id = "clear_calendar_day", tag = "awards", security(("bearer" = [])),
    params(("day" = NaiveDate, Path, description = "The day (YYYY-MM-DD)")),
    responses((status = 204, description = "Cleared"), WriteErrors))]
#[delete("/calendar/days/{day}")]
pub async fn clear_day(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    day: web::Path<NaiveDate>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[])?;
    let day = day.into_inner();
    db::write(&state.db, origin.by(&who), move |conn, journal| {
        model::lock_day(conn, day)?;
        let before = model::find_day(conn, day)?.map(CalendarDayResponse::from);
        let Some(before) = before else { return Err(ApiError::not_found("calendar day")) };
        model::clear_day(conn, day)?;
        journal.deleted("calendar_day", day, Scope::Registry, &before);
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
