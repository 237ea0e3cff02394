//! The units registry in SQL: rows, filtered keyset lists, and the write commands that check
//! the domain rules inside the same transaction as the write.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::{unit_links, units, users};
use crate::db::sql_types::UtcTimestamp;
use crate::db::{self, DbConn};
use crate::domain::ids::UnitId;
use crate::domain::text;
use crate::domain::units::{self as rules, LinkPart, UnitFields, UnitKind, UnitType};
use crate::domain::Checks;
use crate::error::{ApiError, Arg, ErrorCode, FieldError};

type Db = <DbConn as Connection>::Backend;

#[derive(Queryable, Selectable, Debug, Clone, PartialEq)]
#[diesel(table_name = units)]
pub struct Unit {
    pub id: UnitId,
    pub kind: UnitKind,
    pub code: String,
    pub name: String,
    pub name_folded: String,
    pub unit_type: UnitType,
    pub parent_id: Option<UnitId>,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub version: i32,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub updated_at: DateTime<Utc>,
}

impl Unit {
    pub fn period(&self) -> (Option<NaiveDate>, Option<NaiveDate>) {
        (self.valid_from, self.valid_until)
    }
}

#[derive(Queryable, Selectable, Debug, Clone, PartialEq)]
#[diesel(table_name = unit_links)]
pub struct UnitLink {
    pub predecessor_id: UnitId,
    pub successor_id: UnitId,
    pub part: LinkPart,
    pub effective_on: NaiveDate,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
}

#[derive(Insertable)]
#[diesel(table_name = units)]
struct NewUnitRow<'a> {
    id: UnitId,
    kind: UnitKind,
    code: &'a str,
    name: &'a str,
    name_folded: &'a str,
    unit_type: UnitType,
    parent_id: Option<UnitId>,
    valid_from: Option<NaiveDate>,
    valid_until: Option<NaiveDate>,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// More predecessors than any real merger has; a bound on the work one request can ask for.
pub const MAX_PREDECESSORS: usize = 50;

/// A new unit, its fields already checked by `rules::check_new_unit`.
pub struct NewUnit {
    pub kind: UnitKind,
    pub fields: UnitFields,
    pub parent_id: Option<UnitId>,
    pub predecessors: Vec<(UnitId, LinkPart)>,
}

#[derive(Default)]
pub struct UnitFilter {
    pub parent_id: Option<UnitId>,
    pub unit_type: Option<UnitType>,
    pub active_on: Option<NaiveDate>,
    /// Already folded (see `text::fold`).
    pub search: Option<String>,
    /// The (code, id) of the last item of the previous page.
    pub after: Option<(String, String)>,
    pub limit: i64,
}

/// Reads a unit to change it. On PostgreSQL the row stays locked until the transaction ends, so
/// a concurrent writer waits and then sees this change (SQLite's write transactions are serial).
/// `FOR NO KEY UPDATE`, the lock an `UPDATE` that keeps the id takes: records added to the unit
/// meanwhile (their foreign keys take `FOR KEY SHARE`) do not wait for it. `delete` takes it
/// too and then waits for those at its own `DELETE`.
fn find_for_update(conn: &mut DbConn, kind: UnitKind, id: UnitId) -> Result<Unit, ApiError> {
    let DbConn::Postgres(pg) = conn else {
        return find(conn, kind, id);
    };
    // Writers of one row queue on its id first, in the same statement: PostgreSQL queues
    // waiters for a row lock on the row's version, so while a row is rewritten in a stream each
    // new version starts a new queue that new arrivals join ahead of the old ones (PATCH of one
    // commune at 8 connections: p50 7 ms, p99 63 ms). The advisory lock's queue is first
    // come, first served.
    units::table
        .filter(units::id.eq(id))
        .filter(units::kind.eq(kind.as_str()))
        .filter(db::in_turn_for(&format!("unit:{id}")))
        .select(Unit::as_select())
        .for_no_key_update()
        .first(pg)
        .optional()?
        .ok_or_else(|| ApiError::not_found(kind.as_str()))
}

/// The kind of a unit, if it exists.
pub fn kind_of(conn: &mut DbConn, id: UnitId) -> Result<Option<UnitKind>, ApiError> {
    Ok(units::table.find(id).select(units::kind).first(conn).optional()?)
}

pub fn find(conn: &mut DbConn, kind: UnitKind, id: UnitId) -> Result<Unit, ApiError> {
    let query = units::table.filter(units::id.eq(id)).filter(units::kind.eq(kind.as_str()));
    // On the backend's own connection (`on_backend!`), being a hot read: through `DbConn`,
    // diesel writes the statement's SQL out again on each run, even when it is cached.
    let found = db::on_backend!(conn, |c| query.select(Unit::as_select()).first(c).optional()?);
    found.ok_or_else(|| ApiError::not_found(kind.as_str()))
}

/// The unit with `code` in force on `on`; without a date, the one in force today or, failing
/// that, the most recent one (so a code retired in a merger still resolves).
pub fn find_by_code(conn: &mut DbConn, kind: UnitKind, code: &str, on: Option<NaiveDate>) -> Result<Unit, ApiError> {
    let mut candidates: Vec<Unit> = units::table
        .filter(units::kind.eq(kind.as_str()))
        .filter(units::code.eq(code))
        .select(Unit::as_select())
        .load(conn)?;
    let day = on.unwrap_or_else(rules::today_in_vietnam);
    if let Some(i) = candidates.iter().position(|u| rules::is_active_on(u.valid_from, u.valid_until, day)) {
        return Ok(candidates.swap_remove(i));
    }
    if on.is_some() {
        return Err(ApiError::not_found(&format!("{} with code {code} on {day}", kind.as_str())));
    }
    candidates.sort_by_key(|u| (u.valid_until, u.valid_from));
    candidates.pop().ok_or_else(|| ApiError::not_found(&format!("{} with code {code}", kind.as_str())))
}

/// One page ordered by (code, id); fetches `limit + 1` rows so the caller knows if more follow.
pub fn list(conn: &mut DbConn, kind: UnitKind, filter: &UnitFilter) -> Result<Vec<Unit>, ApiError> {
    let mut query = units::table.filter(units::kind.eq(kind.as_str())).into_boxed::<Db>();
    if let Some(parent) = &filter.parent_id {
        query = query.filter(units::parent_id.eq(*parent));
    }
    if let Some(t) = filter.unit_type {
        query = query.filter(units::unit_type.eq(t.as_str()));
    }
    if let Some(day) = filter.active_on {
        query = query
            .filter(units::valid_from.is_null().or(units::valid_from.le(day)))
            .filter(units::valid_until.is_null().or(units::valid_until.ge(day)));
    }
    if let Some(folded) = &filter.search {
        query = query.filter(
            units::name_folded.like(text::like_contains(folded)).escape('\\').or(units::code.eq(folded.clone())),
        );
    }
    if let Some((code, id)) = &filter.after {
        query =
            query.filter(units::code.gt(code.clone()).or(units::code.eq(code.clone()).and(units::id.gt(id.clone()))));
    }
    Ok(query
        .order((units::code.asc(), units::id.asc()))
        .limit(filter.limit + 1)
        .select(Unit::as_select())
        .load(conn)?)
}

pub fn create(conn: &mut DbConn, new: NewUnit) -> Result<Unit, ApiError> {
    let mut checks = Checks::default();
    check_parent(conn, new.kind, new.parent_id, new.fields.valid_from, new.fields.valid_until, &mut checks)?;
    check_predecessors(conn, new.kind, &new.predecessors, new.fields.valid_from, &mut checks)?;
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    check_code_free(conn, new.kind, &new.fields, None)?;

    let id = UnitId::generate();
    let now = db::now();
    let folded = text::fold(&new.fields.name);
    diesel::insert_into(units::table)
        .values(NewUnitRow {
            id,
            kind: new.kind,
            code: &new.fields.code,
            name: &new.fields.name,
            name_folded: &folded,
            unit_type: new.fields.unit_type,
            parent_id: new.parent_id,
            valid_from: new.fields.valid_from,
            valid_until: new.fields.valid_until,
            version: 1,
            created_at: now,
            updated_at: now,
        })
        .execute(conn)?;
    if let Some(effective_on) = new.fields.valid_from {
        for (predecessor, part) in &new.predecessors {
            insert_link(conn, *predecessor, id, *part, effective_on)?;
        }
    }
    find(conn, new.kind, id)
}

pub fn insert_link(
    conn: &mut DbConn,
    predecessor: UnitId,
    successor: UnitId,
    part: LinkPart,
    effective_on: NaiveDate,
) -> Result<(), ApiError> {
    diesel::insert_into(unit_links::table)
        .values((
            unit_links::predecessor_id.eq(predecessor),
            unit_links::successor_id.eq(successor),
            unit_links::part.eq(part),
            unit_links::effective_on.eq(effective_on),
            unit_links::created_at.eq(db::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Changes to apply; `None` leaves a field as it is, `Some(None)` clears a nullable one.
#[derive(Default)]
pub struct UnitChanges {
    pub code: Option<String>,
    pub name: Option<String>,
    pub unit_type: Option<String>,
    pub parent_id: Option<Option<UnitId>>,
    pub valid_from: Option<Option<NaiveDate>>,
    pub valid_until: Option<Option<NaiveDate>>,
}

/// Applies `changes` if the unit is still at `expected_version` (when given). The write itself
/// is conditional on the version read, so two concurrent updates can never both apply blindly.
pub fn update(
    conn: &mut DbConn,
    kind: UnitKind,
    id: UnitId,
    changes: UnitChanges,
    expected_version: Option<i32>,
) -> Result<(Unit, Unit), ApiError> {
    let current = find_for_update(conn, kind, id)?;
    if expected_version.is_some_and(|v| v != current.version) {
        return Err(ApiError::precondition_failed());
    }
    let mut checks = Checks::default();
    let code = match &changes.code {
        Some(c) => rules::check_code(kind, c, &mut checks),
        None => current.code.clone(),
    };
    let name = match &changes.name {
        Some(n) => rules::check_name(n, &mut checks),
        None => current.name.clone(),
    };
    let unit_type = match &changes.unit_type {
        Some(t) => rules::check_type(kind, t, &mut checks),
        None => Some(current.unit_type),
    };
    let parent_id = changes.parent_id.unwrap_or(current.parent_id);
    let valid_from = changes.valid_from.unwrap_or(current.valid_from);
    let valid_until = changes.valid_until.unwrap_or(current.valid_until);
    rules::check_period(valid_from, valid_until, &mut checks);
    // What was checked when the unit was last written holds while its parent, code and period
    // stay: a renaming (the common change) runs no checks against other rows.
    let same_period = (valid_from, valid_until) == (current.valid_from, current.valid_until);
    if parent_id == Some(id) {
        checks.fail("parent_id", ErrorCode::Invalid, "a unit cannot be its own parent");
    } else if !(same_period && parent_id == current.parent_id) {
        check_parent(conn, kind, parent_id, valid_from, valid_until, &mut checks)?;
    }
    let Some(unit_type) = unit_type.filter(|_| checks.0.is_empty()) else {
        return Err(ApiError::validation(checks.0));
    };
    let fields = UnitFields { code, name, unit_type, valid_from, valid_until };
    if !(same_period && fields.code == current.code) {
        check_code_free(conn, kind, &fields, Some(id))?;
    }
    if valid_until != current.valid_until {
        if let Some(until) = valid_until {
            check_no_active_children(conn, id, until)?;
        }
    }
    let updated = write_fields(conn, &current, &fields, parent_id)?;
    Ok((current, updated))
}

/// Ends a unit's validity on `until` (inclusive).
pub fn deactivate(
    conn: &mut DbConn,
    kind: UnitKind,
    id: UnitId,
    until: NaiveDate,
    expected_version: Option<i32>,
) -> Result<(Unit, Unit), ApiError> {
    let current = find_for_update(conn, kind, id)?;
    if expected_version.is_some_and(|v| v != current.version) {
        return Err(ApiError::precondition_failed());
    }
    if current.valid_until.is_some_and(|u| u <= until) {
        return Err(ApiError::conflict(
            ErrorCode::AlreadyInactive,
            format!("the unit's validity already ends on {}", current.valid_until.unwrap()),
        )
        .localized(
            "already_inactive-on",
            [("date", crate::error::Arg::text(crate::domain::display::admin_date(current.valid_until.unwrap())))],
        ));
    }
    if current.valid_from.is_some_and(|f| f > until) {
        return Err(ApiError::validation(vec![FieldError::new(
            "valid_until",
            ErrorCode::BeforeStart,
            "must not be before valid_from",
        )]));
    }
    check_no_active_children(conn, id, until)?;
    let fields = UnitFields {
        code: current.code.clone(),
        name: current.name.clone(),
        unit_type: current.unit_type,
        valid_from: current.valid_from,
        valid_until: Some(until),
    };
    let updated = write_fields(conn, &current, &fields, current.parent_id)?;
    Ok((current, updated))
}

/// Removes a unit that nothing refers to; the foreign keys of every table that refers to units
/// turn any other attempt into a 409, so a referenced unit is never hard-deleted.
/// Deletes a unit no record refers to; returns it as it was (locked) before.
pub fn delete(conn: &mut DbConn, kind: UnitKind, id: UnitId, expected_version: Option<i32>) -> Result<Unit, ApiError> {
    let current = find_for_update(conn, kind, id)?;
    if expected_version.is_some_and(|v| v != current.version) {
        return Err(ApiError::precondition_failed());
    }
    let deleted = diesel::delete(units::table.filter(units::id.eq(id))).execute(conn);
    match deleted {
        Ok(_) => Ok(current),
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::ForeignKeyViolation, _)) => {
            Err(ApiError::conflict(ErrorCode::UnitInUse, "other records refer to this unit; deactivate it instead"))
        }
        Err(e) => Err(e.into()),
    }
}

pub struct Lineage {
    pub predecessors: Vec<(UnitLink, Unit)>,
    pub successors: Vec<(UnitLink, Unit)>,
}

/// The units this one replaced and the units that replaced it (direct links only).
pub fn lineage(conn: &mut DbConn, kind: UnitKind, id: UnitId) -> Result<Lineage, ApiError> {
    find(conn, kind, id)?;
    let before: Vec<UnitLink> =
        unit_links::table.filter(unit_links::successor_id.eq(id)).select(UnitLink::as_select()).load(conn)?;
    let after: Vec<UnitLink> =
        unit_links::table.filter(unit_links::predecessor_id.eq(id)).select(UnitLink::as_select()).load(conn)?;
    let predecessors = with_units(conn, before, |l| l.predecessor_id)?;
    let successors = with_units(conn, after, |l| l.successor_id)?;
    Ok(Lineage { predecessors, successors })
}

fn with_units(
    conn: &mut DbConn,
    links: Vec<UnitLink>,
    other: impl Fn(&UnitLink) -> UnitId,
) -> Result<Vec<(UnitLink, Unit)>, ApiError> {
    let ids: Vec<UnitId> = links.iter().map(&other).collect();
    let mut found: Vec<Unit> = units::table.filter(db::one_of(units::id, &ids)).select(Unit::as_select()).load(conn)?;
    let mut pairs = Vec::with_capacity(links.len());
    for link in links {
        let i = found.iter().position(|u| u.id == other(&link)).ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!("unit link points to a missing unit {}", other(&link)))
        })?;
        pairs.push((link, found.swap_remove(i)));
    }
    pairs.sort_by(|a, b| a.1.code.cmp(&b.1.code));
    Ok(pairs)
}

fn write_fields(
    conn: &mut DbConn,
    current: &Unit,
    fields: &UnitFields,
    parent_id: Option<UnitId>,
) -> Result<Unit, ApiError> {
    let update =
        diesel::update(units::table.filter(units::id.eq(current.id)).filter(units::version.eq(current.version))).set((
            units::code.eq(&fields.code),
            units::name.eq(&fields.name),
            units::name_folded.eq(text::fold(&fields.name)),
            units::unit_type.eq(fields.unit_type),
            units::parent_id.eq(parent_id),
            units::valid_from.eq(fields.valid_from),
            units::valid_until.eq(fields.valid_until),
            units::version.eq(current.version + 1),
            units::updated_at.eq(db::now()),
        ));
    // The row as stored, in the same statement; none if another write changed its version.
    let updated = db::on_backend!(conn, |c| update.returning(Unit::as_returning()).get_result(c).optional()?);
    updated.ok_or_else(ApiError::precondition_failed)
}

fn check_parent(
    conn: &mut DbConn,
    kind: UnitKind,
    parent_id: Option<UnitId>,
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
    checks: &mut Checks,
) -> Result<(), ApiError> {
    let allowed = kind.allowed_parents();
    let Some(parent_id) = parent_id else {
        if !allowed.is_empty() {
            checks.fail("parent_id", ErrorCode::Required, format!("a {} needs a parent unit", kind.label()));
        }
        return Ok(());
    };
    if allowed.is_empty() {
        checks.fail("parent_id", ErrorCode::NotAllowed, "a province has no parent unit");
        return Ok(());
    }
    if let DbConn::Postgres(pg) = conn {
        // Held until commit: a concurrent deactivation of the parent waits for this write,
        // then sees the new child (and the other way round).
        units::table.filter(units::id.eq(parent_id)).select(units::id).for_share().first::<String>(pg).optional()?;
    }
    let parent: Option<Unit> =
        units::table.filter(units::id.eq(parent_id)).select(Unit::as_select()).first(conn).optional()?;
    match parent {
        None => checks.fail("parent_id", ErrorCode::NotFound, "no unit has this id"),
        Some(p) if !allowed.contains(&p.kind) => checks.fail(
            "parent_id",
            ErrorCode::WrongKind,
            format!("must be a {}", allowed.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(" or ")),
        ),
        Some(p) if !rules::periods_overlap(p.period(), (from, until)) => checks.fail(
            "parent_id",
            ErrorCode::InactiveParent,
            "the parent unit is not in force during this unit's validity period",
        ),
        Some(_) => {}
    }
    Ok(())
}

fn check_predecessors(
    conn: &mut DbConn,
    kind: UnitKind,
    predecessors: &[(UnitId, LinkPart)],
    effective_on: Option<NaiveDate>,
    checks: &mut Checks,
) -> Result<(), ApiError> {
    if predecessors.is_empty() {
        return Ok(());
    }
    if effective_on.is_none() {
        checks.fail(
            "valid_from",
            ErrorCode::Required,
            "is required when predecessors are given: it is the date the change took effect",
        );
    }
    if predecessors.len() > MAX_PREDECESSORS {
        checks.fail(
            "predecessors",
            ErrorCode::TooMany,
            format!("at most {MAX_PREDECESSORS} units can be merged into one"),
        );
        return Ok(());
    }
    let ids: Vec<UnitId> = predecessors.iter().map(|(id, _)| *id).collect();
    let kinds: Vec<(UnitId, UnitKind)> =
        units::table.filter(db::one_of(units::id, &ids)).select((units::id, units::kind)).load(conn)?;
    for (i, (id, _)) in predecessors.iter().enumerate() {
        let field = format!("predecessors[{i}].unit_id");
        if predecessors[..i].iter().any(|(other, _)| other == id) {
            checks.fail(&field, ErrorCode::Duplicate, "is listed twice");
            continue;
        }
        match kinds.iter().find(|(found, _)| found == id) {
            None => checks.fail(&field, ErrorCode::NotFound, "no unit has this id"),
            Some((_, k)) if *k != kind => {
                checks.fail(&field, ErrorCode::WrongKind, format!("must be a {}", kind.as_str()));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// A code is reused over time (a merged commune can keep one of its predecessors' codes), but
/// two units of one kind never hold the same code on the same day.
fn check_code_free(
    conn: &mut DbConn,
    kind: UnitKind,
    fields: &UnitFields,
    except_id: Option<UnitId>,
) -> Result<(), ApiError> {
    db::lock_for_transaction(conn, &format!("unit-code:{}:{}", kind.as_str(), fields.code))?;
    let same_code: Vec<Unit> = units::table
        .filter(units::kind.eq(kind.as_str()))
        .filter(units::code.eq(&fields.code))
        .select(Unit::as_select())
        .load(conn)?;
    let clash = same_code
        .iter()
        .filter(|u| Some(u.id) != except_id)
        .find(|u| rules::periods_overlap(u.period(), (fields.valid_from, fields.valid_until)));
    match clash {
        Some(other) => Err(ApiError::conflict(
            ErrorCode::CodeInUse,
            format!("code {} is held by \"{}\" ({}) during an overlapping period", fields.code, other.name, other.id),
        )
        .localized("code_in_use-unit", [("code", Arg::text(&fields.code)), ("name", Arg::text(&other.name))])),
        None => Ok(()),
    }
}

/// A unit that ends must not leave subordinate units or active accounts behind it.
fn check_no_active_children(conn: &mut DbConn, id: UnitId, until: NaiveDate) -> Result<(), ApiError> {
    let members: i64 =
        users::table.filter(users::unit_id.eq(id)).filter(users::active.eq(true)).count().get_result(conn)?;
    if members > 0 {
        return Err(ApiError::conflict(
            ErrorCode::UnitHasUsers,
            format!(
                "{members} active account(s) belong to this unit; move them to its successor or deactivate them first"
            ),
        )
        .localized("unit_has_users-count", [("count", Arg::text(members))]));
    }
    let outliving: i64 = units::table
        .filter(units::parent_id.eq(id))
        .filter(units::valid_until.is_null().or(units::valid_until.gt(until)))
        .count()
        .get_result(conn)?;
    if outliving > 0 {
        return Err(ApiError::conflict(
            ErrorCode::HasActiveChildren,
            format!("{outliving} subordinate unit(s) remain in force after {until}; end or move them first"),
        )
        .localized(
            "has_active_children-count",
            [("count", Arg::text(outliving)), ("date", Arg::text(crate::domain::display::admin_date(until)))],
        ));
    }
    Ok(())
}
