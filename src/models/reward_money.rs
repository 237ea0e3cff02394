//! Reward money in SQL: the base salary levels, and each unit's reward fund ledger. The
//! arithmetic is `domain::money`; a decision's payouts are written by `models::decisions::issue`
//! through `record_payout`, in the decision's transaction.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use crate::db::schema::{base_salaries, reward_fund_entries, units};
use crate::db::sql_types::UtcTimestamp;
use crate::db::{self, DbConn};
use crate::domain::ids::{AwardId, BaseSalaryId, DecisionId, FundEntryId, UnitId, UserId};
use crate::domain::money::FundEntryKind;
use crate::error::{ApiError, Arg, ErrorCode};

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = base_salaries)]
pub struct BaseSalary {
    pub id: BaseSalaryId,
    pub effective_from: NaiveDate,
    pub amount_vnd: i64,
    pub legal_basis: String,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
}

/// Every level, oldest first.
pub fn base_salaries(conn: &mut DbConn) -> Result<Vec<BaseSalary>, ApiError> {
    Ok(base_salaries::table.order(base_salaries::effective_from).select(BaseSalary::as_select()).load(conn)?)
}

/// (effective date, amount) of every level, for `domain::money::base_salary_on`.
pub fn base_salary_levels(conn: &mut DbConn) -> Result<Vec<(NaiveDate, i64)>, ApiError> {
    Ok(base_salaries::table.select((base_salaries::effective_from, base_salaries::amount_vnd)).load(conn)?)
}

/// Adds a level; one per effective date.
pub fn add_base_salary(
    conn: &mut DbConn,
    effective_from: NaiveDate,
    amount_vnd: i64,
    legal_basis: &str,
) -> Result<BaseSalary, ApiError> {
    let taken: i64 =
        base_salaries::table.filter(base_salaries::effective_from.eq(effective_from)).count().get_result(conn)?;
    if taken > 0 {
        return Err(ApiError::conflict(
            ErrorCode::Duplicate,
            format!("a base salary takes effect on {effective_from} already"),
        )
        .localized(
            "duplicate-base_salary",
            [("date", Arg::text(crate::domain::display::admin_date(effective_from)))],
        ));
    }
    let id = BaseSalaryId::generate();
    diesel::insert_into(base_salaries::table)
        .values((
            base_salaries::id.eq(id),
            base_salaries::effective_from.eq(effective_from),
            base_salaries::amount_vnd.eq(amount_vnd),
            base_salaries::legal_basis.eq(legal_basis),
            base_salaries::created_at.eq(db::now()),
        ))
        .execute(conn)?;
    Ok(base_salaries::table.find(id).select(BaseSalary::as_select()).first(conn)?)
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = reward_fund_entries)]
pub struct FundEntry {
    pub id: FundEntryId,
    pub unit_id: UnitId,
    pub year: i32,
    pub kind: FundEntryKind,
    pub amount_vnd: i64,
    pub description: String,
    pub entry_date: NaiveDate,
    pub decision_id: Option<DecisionId>,
    pub award_id: Option<AwardId>,
    pub created_by: UserId,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
}

pub struct NewFundEntry {
    pub unit_id: UnitId,
    pub kind: FundEntryKind,
    pub amount_vnd: i64,
    pub description: String,
    pub entry_date: NaiveDate,
    pub decision_id: Option<DecisionId>,
    pub award_id: Option<AwardId>,
}

/// Writes an entry; its year is its date's.
pub fn add_entry(conn: &mut DbConn, new: NewFundEntry, actor: UserId) -> Result<FundEntry, ApiError> {
    use chrono::Datelike;
    let id = FundEntryId::generate();
    diesel::insert_into(reward_fund_entries::table)
        .values((
            reward_fund_entries::id.eq(id),
            reward_fund_entries::unit_id.eq(new.unit_id),
            reward_fund_entries::year.eq(new.entry_date.year()),
            reward_fund_entries::kind.eq(new.kind),
            reward_fund_entries::amount_vnd.eq(new.amount_vnd),
            reward_fund_entries::description.eq(&new.description),
            reward_fund_entries::entry_date.eq(new.entry_date),
            reward_fund_entries::decision_id.eq(new.decision_id),
            reward_fund_entries::award_id.eq(new.award_id),
            reward_fund_entries::created_by.eq(actor),
            reward_fund_entries::created_at.eq(db::now()),
        ))
        .execute(conn)?;
    Ok(reward_fund_entries::table.find(id).select(FundEntry::as_select()).first(conn)?)
}

/// A unit's fund in a year: what it carried over from the years before, and the year's entries
/// in date order.
pub struct FundYear {
    pub carried_over_vnd: i64,
    pub entries: Vec<FundEntry>,
}

pub fn fund_year(conn: &mut DbConn, unit_id: UnitId, year: i32) -> Result<FundYear, ApiError> {
    // Summed in Rust: SQLite and PostgreSQL type SUM(BIGINT) differently (integer, numeric).
    let before: Vec<i64> = reward_fund_entries::table
        .filter(reward_fund_entries::unit_id.eq(unit_id))
        .filter(reward_fund_entries::year.lt(year))
        .select(reward_fund_entries::amount_vnd)
        .load(conn)?;
    let entries = reward_fund_entries::table
        .filter(reward_fund_entries::unit_id.eq(unit_id))
        .filter(reward_fund_entries::year.eq(year))
        .order((reward_fund_entries::entry_date, reward_fund_entries::id))
        .select(FundEntry::as_select())
        .load(conn)?;
    Ok(FundYear { carried_over_vnd: before.iter().sum(), entries })
}

/// 404 when no unit has this id (of any kind: a commune's fund as a department's).
pub fn require_unit(conn: &mut DbConn, unit_id: UnitId) -> Result<(), ApiError> {
    let known: i64 = units::table.filter(units::id.eq(unit_id)).count().get_result(conn)?;
    if known == 0 {
        return Err(ApiError::not_found("unit"));
    }
    Ok(())
}

/// The entries a decision's bonuses wrote (to journal them with it).
pub fn entries_of_decision(conn: &mut DbConn, decision_id: DecisionId) -> Result<Vec<FundEntry>, ApiError> {
    Ok(reward_fund_entries::table
        .filter(reward_fund_entries::decision_id.eq(decision_id))
        .order(reward_fund_entries::id)
        .select(FundEntry::as_select())
        .load(conn)?)
}
