//! Reward money (tiền thưởng): an award's bonus is its coefficient times the base salary
//! (lương cơ sở) in force on the decision's date, rounded up to the next ten thousand đồng; a
//! unit's reward fund (quỹ thi đua, khen thưởng) is a ledger of signed entries per year.
//!
//! The coefficient is the award type's rules data (`bonus_multiplier`, Nghị định 98/2023/NĐ-CP,
//! Điều 54 as the domain notes quote it); the base salary is a table the board keeps by
//! effective date (docs/awards.md, "Reward money").

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// Bonuses are rounded **up** to a multiple of this many đồng: "Tiền thưởng sau khi nhân với hệ
/// số mức lương cơ sở được làm tròn số lên hàng chục nghìn đồng tiền Việt Nam" (Nghị định
/// 91/2017/NĐ-CP, Điều 70.3; Nghị định 98/2023/NĐ-CP keeps the rule — its article number is
/// unconfirmed here, docs/awards.md).
pub const BONUS_ROUNDING_VND: i64 = 10_000;

text_enum! {
    /// What a reward fund entry records.
    pub enum FundEntryKind {
        /// Money into the fund (the budget's allocation, contributions).
        Income = "income" => "Thu",
        /// A bonus paid for an award of a decision (recorded when the decision is issued).
        Payout = "payout" => "Chi tiền thưởng",
        /// A correction, either way, with its reason.
        Adjustment = "adjustment" => "Điều chỉnh",
    }
}

/// The bonus for `coefficient` (a canonical decimal string) times `base_salary_vnd`, rounded up
/// to `BONUS_ROUNDING_VND`. `None` when the coefficient is not a positive decimal or the amount
/// does not fit (no award carries such a bonus; the rules check refuses such coefficients).
pub fn bonus_vnd(coefficient: &str, base_salary_vnd: i64) -> Option<i64> {
    let coefficient: Decimal = coefficient.parse().ok()?;
    if coefficient <= Decimal::ZERO || base_salary_vnd <= 0 {
        return None;
    }
    let exact = coefficient.checked_mul(Decimal::from(base_salary_vnd))?;
    let step = Decimal::from(BONUS_ROUNDING_VND);
    (exact / step).ceil().checked_mul(step)?.to_i64()
}

/// The base salary in force on `date`: of `levels` (effective date, amount), the latest that
/// took effect on or before it.
pub fn base_salary_on(levels: &[(NaiveDate, i64)], date: NaiveDate) -> Option<i64> {
    levels.iter().filter(|(from, _)| *from <= date).max_by_key(|(from, _)| *from).map(|(_, amount)| *amount)
}

/// A fund entry's signed amount must agree with its kind: income adds, a payout takes away, an
/// adjustment is either but never zero.
pub fn amount_fits(kind: FundEntryKind, amount_vnd: i64) -> bool {
    match kind {
        FundEntryKind::Income => amount_vnd > 0,
        FundEntryKind::Payout => amount_vnd < 0,
        FundEntryKind::Adjustment => amount_vnd != 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// The worked examples of docs/awards.md.
    #[test]
    fn bonuses_round_up_to_ten_thousand_dong() {
        // Lao động tiên tiến, 0.3 × 2,340,000 = 702,000 → 710,000.
        assert_eq!(bonus_vnd("0.3", 2_340_000), Some(710_000));
        // Chiến sĩ thi đua cấp tỉnh, 3.0 × 2,340,000 = 7,020,000: already a multiple.
        assert_eq!(bonus_vnd("3", 2_340_000), Some(7_020_000));
        // Tập thể lao động tiên tiến, 0.8 × 1,800,000 = 1,440,000.
        assert_eq!(bonus_vnd("0.8", 1_800_000), Some(1_440_000));
        // Lao động tiên tiến under 1,490,000: 447,000 → 450,000.
        assert_eq!(bonus_vnd("0.3", 1_490_000), Some(450_000));
        // Exact decimals: 4.5 × 2,340,000 = 10,530,000, no float drift.
        assert_eq!(bonus_vnd("4.5", 2_340_000), Some(10_530_000));
        assert_eq!(bonus_vnd("0.0001", 2_340_000), Some(10_000), "any bonus is at least one step");
    }

    #[test]
    fn no_bonus_for_nonsense() {
        assert_eq!(bonus_vnd("0", 2_340_000), None);
        assert_eq!(bonus_vnd("-1", 2_340_000), None);
        assert_eq!(bonus_vnd("abc", 2_340_000), None);
        assert_eq!(bonus_vnd("1", 0), None);
        assert_eq!(bonus_vnd("79228162514264337593543950335", 2_340_000), None, "overflow is no bonus, not a panic");
    }

    #[test]
    fn the_base_salary_is_the_level_in_force_on_the_date() {
        let levels = [(day(2024, 7, 1), 2_340_000), (day(2019, 7, 1), 1_490_000), (day(2023, 7, 1), 1_800_000)];
        assert_eq!(base_salary_on(&levels, day(2024, 6, 30)), Some(1_800_000));
        assert_eq!(base_salary_on(&levels, day(2024, 7, 1)), Some(2_340_000), "in force from its first day");
        assert_eq!(base_salary_on(&levels, day(2020, 1, 1)), Some(1_490_000));
        assert_eq!(base_salary_on(&levels, day(2019, 6, 30)), None);
    }

    #[test]
    fn entry_amounts_agree_with_their_kind() {
        assert!(amount_fits(FundEntryKind::Income, 1));
        assert!(!amount_fits(FundEntryKind::Income, -1));
        assert!(amount_fits(FundEntryKind::Payout, -710_000));
        assert!(!amount_fits(FundEntryKind::Payout, 710_000));
        assert!(!amount_fits(FundEntryKind::Adjustment, 0));
        assert!(amount_fits(FundEntryKind::Adjustment, -5));
    }
}
