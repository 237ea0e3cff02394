//! How dates and amounts are written for people, in the style of Vietnamese administrative
//! documents (Nghị định 30/2020/NĐ-CP, Phụ lục I: "ngày … tháng … năm …", days and months below
//! 10 with a leading zero) and Vietnamese number grouping (a dot between thousands, a comma
//! before decimals, "đ" after the amount). Machine fields stay ISO 8601 and plain numbers; these
//! are the texts beside them, and in reports and documents.

use chrono::{Datelike, NaiveDate};

/// "ngày 15 tháng 01 năm 2026", "ngày 29 tháng 6 năm 2019": as Decree 30/2020/NĐ-CP (Appendix I)
/// writes a date, with a leading zero on days below 10 and on months 1 and 2 only.
pub fn admin_date(date: NaiveDate) -> String {
    let month = match date.month() {
        m @ (1 | 2) => format!("{m:02}"),
        m => m.to_string(),
    };
    format!("ngày {:02} tháng {month} năm {}", date.day(), date.year())
}

/// "2.340.000" — an integer with a dot between thousands.
pub fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(digit);
    }
    out
}

/// "2.340.000 đ" — an amount in đồng (whole đồng: the currency has no smaller unit in use).
pub fn money_vnd(dong: i64) -> String {
    format!("{} đ", group_thousands(dong))
}

/// "12,5" — a canonical decimal ("12.5", "-1200.75") in Vietnamese notation ("-1.200,75");
/// anything else is returned as it is.
pub fn decimal_vi(canonical: &str) -> String {
    let (sign, unsigned) = canonical.strip_prefix('-').map_or(("", canonical), |rest| ("-", rest));
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    match int.parse::<i64>() {
        Ok(n) if int.bytes().all(|b| b.is_ascii_digit()) && frac.bytes().all(|b| b.is_ascii_digit()) => {
            let int = group_thousands(n);
            if frac.is_empty() {
                format!("{sign}{int}")
            } else {
                format!("{sign}{int},{frac}")
            }
        }
        _ => canonical.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn administrative_dates_have_two_digit_days_and_months() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(admin_date(d(2026, 1, 15)), "ngày 15 tháng 01 năm 2026");
        assert_eq!(admin_date(d(2025, 12, 3)), "ngày 03 tháng 12 năm 2025");
        assert_eq!(admin_date(d(2025, 2, 7)), "ngày 07 tháng 02 năm 2025");
        // The decree's own example: months 3 to 9 take no leading zero.
        assert_eq!(admin_date(d(2019, 6, 29)), "ngày 29 tháng 6 năm 2019");
        assert_eq!(admin_date(d(2018, 7, 1)), "ngày 01 tháng 7 năm 2018");
    }

    #[test]
    fn amounts_are_grouped_the_vietnamese_way() {
        assert_eq!(money_vnd(2_340_000), "2.340.000 đ");
        assert_eq!(money_vnd(0), "0 đ");
        assert_eq!(money_vnd(999), "999 đ");
        assert_eq!(money_vnd(1_000), "1.000 đ");
        assert_eq!(money_vnd(-70_200_000), "-70.200.000 đ");
        assert_eq!(group_thousands(i64::MIN), "-9.223.372.036.854.775.808");
        assert_eq!(decimal_vi("12.5"), "12,5");
        assert_eq!(decimal_vi("-1200.75"), "-1.200,75");
        assert_eq!(decimal_vi("93"), "93");
        assert_eq!(decimal_vi("n/a"), "n/a");
    }
}
