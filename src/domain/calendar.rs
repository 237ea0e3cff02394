//! The working-day calendar: Monday to Friday are working days, except the public holidays and
//! the days off the government swaps in (nghỉ bù, hoán đổi), plus the Saturdays it makes working
//! days in exchange. Posting periods counted in working days end on a computed date.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, Weekday};

text_enum! {
    /// A day that is not what its weekday says.
    pub enum DayKind {
        /// A public holiday (ngày nghỉ lễ, Tết).
        Holiday = "holiday" => "Ngày nghỉ lễ, Tết",
        /// A weekday off in exchange for a worked Saturday, or in compensation (nghỉ bù).
        DayOff = "day_off" => "Ngày nghỉ bù, hoán đổi",
        /// A Saturday or Sunday worked in exchange for a day off (làm bù).
        Workday = "workday" => "Ngày làm việc bù",
    }
}

text_enum! {
    /// How a rule's days are counted.
    pub enum DayCount {
        /// Working days (ngày làm việc): Decree 98/2023/NĐ-CP, Art 46.2, posts for 10.
        Working = "working" => "Ngày làm việc",
        /// Calendar days.
        Calendar = "calendar" => "Ngày theo lịch",
    }
}

/// Whether `day` is a working day, given the calendar's special days.
pub fn is_working_day(day: NaiveDate, special: &HashMap<NaiveDate, DayKind>) -> bool {
    match special.get(&day) {
        Some(DayKind::Holiday | DayKind::DayOff) => false,
        Some(DayKind::Workday) => true,
        None => !matches!(day.weekday(), Weekday::Sat | Weekday::Sun),
    }
}

/// The last day of a period of `days` days that starts the day after `start`: calendar days, or
/// working days skipping weekends and the calendar's days off. Zero days: `start` itself.
pub fn period_end(start: NaiveDate, days: u32, count: DayCount, special: &HashMap<NaiveDate, DayKind>) -> NaiveDate {
    match count {
        DayCount::Calendar => start + chrono::TimeDelta::days(i64::from(days)),
        DayCount::Working => {
            let (mut day, mut counted) = (start, 0);
            while counted < days {
                day = day.succ_opt().unwrap_or(day);
                if is_working_day(day, special) {
                    counted += 1;
                }
            }
            day
        }
    }
}

/// How far after `start` a period of `days` working days can reach: enough for Tết and a few
/// long holidays on top of the weekends, to bound the calendar rows read.
pub fn working_span_bound(start: NaiveDate, days: u32) -> NaiveDate {
    start + chrono::TimeDelta::days(i64::from(days) * 2 + 30)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn ten_working_days_skip_weekends_and_tet() {
        // Tết Ất Tỵ 2025: Monday 27 to Friday 31 January off.
        let tet: HashMap<NaiveDate, DayKind> =
            (27..=31).map(|d| (NaiveDate::from_ymd_opt(2025, 1, d).unwrap(), DayKind::Holiday)).collect();
        // Posted on Thursday 16 January: 17, 20–24 (6), then 3–6 February (10).
        assert_eq!(period_end(day("2025-01-16"), 10, DayCount::Working, &tet), day("2025-02-06"));
        assert_eq!(period_end(day("2025-01-16"), 10, DayCount::Working, &HashMap::new()), day("2025-01-30"));
        assert_eq!(period_end(day("2025-01-16"), 10, DayCount::Calendar, &tet), day("2025-01-26"));
        assert_eq!(period_end(day("2025-01-16"), 0, DayCount::Working, &tet), day("2025-01-16"));
    }

    #[test]
    fn a_worked_saturday_counts() {
        // 2025: Friday 2 May off in exchange for Saturday 26 April.
        let swap: HashMap<NaiveDate, DayKind> =
            [(day("2025-05-02"), DayKind::DayOff), (day("2025-04-26"), DayKind::Workday)].into();
        assert!(is_working_day(day("2025-04-26"), &swap));
        assert!(!is_working_day(day("2025-05-02"), &swap));
        assert!(!is_working_day(day("2025-04-27"), &swap));
        // From Thursday 24 April, two working days: Friday 25, Saturday 26.
        assert_eq!(period_end(day("2025-04-24"), 2, DayCount::Working, &swap), day("2025-04-26"));
    }
}
