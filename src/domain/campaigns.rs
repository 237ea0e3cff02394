//! Emulation campaigns: their kinds, lifecycles, indicators and exact decimal values.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::{check_date, Checks};
use crate::error::ErrorCode;

text_enum! {
    /// Thi đua thường xuyên (ongoing, yearly) or theo chuyên đề / theo đợt (thematic or peak).
    pub enum CampaignKind {
        ThuongXuyen = "thuong_xuyen" => "Thi đua thường xuyên",
        ChuyenDe = "chuyen_de" => "Thi đua theo chuyên đề",
    }
}

text_enum! {
    /// Who takes part.
    pub enum Participation {
        /// Every department and commune.
        AllUnits = "all_units" => "Tất cả cơ quan, đơn vị",
        AllDepartments = "all_departments" => "Tất cả sở, ban, ngành",
        AllCommunes = "all_communes" => "Tất cả xã, phường, đặc khu",
        /// The units listed on the campaign.
        Units = "units" => "Các đơn vị được chọn",
        /// The members of the clusters listed on the campaign.
        Clusters = "clusters" => "Các cụm, khối thi đua được chọn",
    }
}

text_enum! {
    /// draft → launched (phát động) → closed (tổng kết); draft or launched → cancelled.
    pub enum CampaignStatus {
        Draft = "draft" => "Dự thảo",
        Launched = "launched" => "Đã phát động",
        Closed = "closed" => "Đã kết thúc",
        Cancelled = "cancelled" => "Đã hủy",
    }
}

text_enum! {
    pub enum CampaignAction {
        Launch = "launch" => "Phát động",
        Close = "close" => "Kết thúc",
        Cancel = "cancel" => "Hủy",
    }
}

impl CampaignStatus {
    /// The status `action` leads to, or `None` when it is not allowed from here.
    pub fn after(self, action: CampaignAction) -> Option<CampaignStatus> {
        use CampaignAction::*;
        use CampaignStatus::*;
        match (self, action) {
            (Draft, Launch) => Some(Launched),
            (Launched, Close) => Some(Closed),
            (Draft | Launched, Cancel) => Some(Cancelled),
            _ => None,
        }
    }

    /// Closed and cancelled campaigns, and everything under them, no longer change.
    pub fn is_frozen(self) -> bool {
        matches!(self, CampaignStatus::Closed | CampaignStatus::Cancelled)
    }
}

text_enum! {
    pub enum IndicatorKind {
        Quantity = "quantity" => "Số lượng",
        Percentage = "percentage" => "Tỷ lệ phần trăm",
        /// Values are "1" (done) or "0".
        YesNo = "yes_no" => "Đạt hoặc không đạt",
    }
}

text_enum! {
    pub enum Direction {
        HigherIsBetter = "higher_is_better" => "Càng cao càng tốt",
        LowerIsBetter = "lower_is_better" => "Càng thấp càng tốt",
    }
}

text_enum! {
    /// draft → submitted → accepted, or returned (with a reason) → submitted again.
    pub enum RegistrationStatus {
        Draft = "draft" => "Dự thảo",
        Submitted = "submitted" => "Đã gửi",
        Accepted = "accepted" => "Đã chấp thuận",
        Returned = "returned" => "Trả lại để bổ sung",
    }
}

text_enum! {
    pub enum RegistrationAction {
        Submit = "submit" => "Gửi",
        Accept = "accept" => "Chấp thuận",
        Return = "return" => "Trả lại",
    }
}

impl RegistrationStatus {
    pub fn after(self, action: RegistrationAction) -> Option<RegistrationStatus> {
        use RegistrationAction::*;
        use RegistrationStatus::*;
        match (self, action) {
            (Draft | Returned, Submit) => Some(Submitted),
            (Submitted, Accept) => Some(Accepted),
            (Submitted, Return) => Some(Returned),
            _ => None,
        }
    }

    /// The unit may change its targets: before submitting, or after the board returned them
    /// (not while the board is looking at them, nor once accepted).
    pub fn is_editable(self) -> bool {
        matches!(self, RegistrationStatus::Draft | RegistrationStatus::Returned)
    }
}

/// Decimals are sent and stored as strings ("12.5"), so no binary float ever rounds them.
pub const MAX_DECIMAL_DIGITS: usize = 20;
pub const MAX_DECIMAL_PLACES: u32 = 6;

/// Parses an exact, non-negative decimal for an indicator of `kind`, written `digits(.digits)?`;
/// reports on `field`.
pub fn check_value(field: &str, text: &str, kind: IndicatorKind, checks: &mut Checks) -> Option<Decimal> {
    // Only `-?digits(.digits)?`: the parser would also take "1_5" (as 15), "+5", ".5" and "5.".
    let plain = crate::domain::text::is_plain_decimal(text) && text.len() <= MAX_DECIMAL_DIGITS + 2;
    let parsed = if plain { Decimal::from_str_exact(text).ok() } else { None };
    let Some(value) = parsed else {
        checks.fail(field, ErrorCode::InvalidDecimal, "must be a decimal number written as a string, e.g. \"12.5\"");
        return None;
    };
    let value = value.normalize();
    if value.scale() > MAX_DECIMAL_PLACES {
        checks.fail(field, ErrorCode::TooPrecise, format!("at most {MAX_DECIMAL_PLACES} decimal places"));
        return None;
    }
    if value.is_sign_negative() {
        checks.fail(field, ErrorCode::Negative, "must not be negative");
        return None;
    }
    match kind {
        IndicatorKind::Percentage if value > Decimal::ONE_HUNDRED => {
            checks.fail(field, ErrorCode::OutOfRange, "a percentage is at most 100");
            None
        }
        IndicatorKind::YesNo if value != Decimal::ZERO && value != Decimal::ONE => {
            checks.fail(field, ErrorCode::OutOfRange, "a yes/no value is \"1\" (yes) or \"0\" (no)");
            None
        }
        _ => Some(value),
    }
}

/// A unit's own target for an indicator: a value of its kind, and for a yes/no indicator "1"
/// (a unit commits to doing it; not committing is leaving the indicator out).
pub fn check_target(field: &str, text: &str, kind: IndicatorKind, checks: &mut Checks) -> Option<Decimal> {
    let value = check_value(field, text, kind, checks)?;
    if kind == IndicatorKind::YesNo && value != Decimal::ONE {
        checks.fail(field, ErrorCode::OutOfRange, "a yes/no target is \"1\"");
        return None;
    }
    Some(value)
}

/// A province-wide target: for yes/no indicators it counts the units that should do it.
pub fn check_province_target(field: &str, text: &str, kind: IndicatorKind, checks: &mut Checks) -> Option<Decimal> {
    let counted_as = if kind == IndicatorKind::YesNo { IndicatorKind::Quantity } else { kind };
    let value = check_value(field, text, counted_as, checks)?;
    if kind == IndicatorKind::YesNo && !value.fract().is_zero() {
        checks.fail(field, ErrorCode::NotWhole, "a count of units is a whole number");
        return None;
    }
    Some(value)
}

/// Stored form of a decimal: no trailing zeros, no exponent.
pub fn decimal_text(value: Decimal) -> String {
    value.normalize().to_string()
}

pub fn stored_decimal(text: &str) -> Option<Decimal> {
    Decimal::from_str(text).ok()
}

/// The dates of a campaign, checked together.
pub struct CampaignDates {
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub registration_deadline: Option<NaiveDate>,
    pub interim_review_on: Option<NaiveDate>,
    pub final_review_on: Option<NaiveDate>,
    pub plan_date: Option<NaiveDate>,
}

pub fn check_campaign_dates(d: &CampaignDates, checks: &mut Checks) {
    for (field, date) in [
        ("start_date", d.start),
        ("end_date", d.end),
        ("registration_deadline", d.registration_deadline),
        ("interim_review_on", d.interim_review_on),
        ("final_review_on", d.final_review_on),
        ("plan_date", d.plan_date),
    ] {
        check_date(field, date, checks);
    }
    if d.start.is_none() {
        checks.fail("start_date", ErrorCode::Required, "is required");
    }
    if d.end.is_none() {
        checks.fail("end_date", ErrorCode::Required, "is required");
    }
    let (Some(start), Some(end)) = (d.start, d.end) else { return };
    if start > end {
        checks.fail("end_date", ErrorCode::BeforeStart, "must not be before start_date");
    }
    if d.registration_deadline.is_some_and(|r| r > end) {
        checks.fail("registration_deadline", ErrorCode::AfterEnd, "must not be after end_date");
    }
    if d.interim_review_on.is_some_and(|r| r < start || r > end) {
        checks.fail("interim_review_on", ErrorCode::OutsideCampaign, "must fall between start_date and end_date");
    }
    if d.final_review_on.is_some_and(|r| r < start) {
        checks.fail("final_review_on", ErrorCode::BeforeStart, "must not be before start_date");
    }
}

text_enum! {
    /// submitted → verified, or returned (with a reason) → corrected and submitted again.
    pub enum AchievementStatus {
        Submitted = "submitted" => "Đã gửi",
        Verified = "verified" => "Đã xác nhận",
        Returned = "returned" => "Trả lại để bổ sung",
    }
}

text_enum! {
    pub enum AchievementAction {
        Verify = "verify" => "Xác nhận",
        Return = "return" => "Trả lại",
    }
}

impl AchievementStatus {
    pub fn after(self, action: AchievementAction) -> Option<AchievementStatus> {
        match (self, action) {
            (AchievementStatus::Submitted, AchievementAction::Verify) => Some(AchievementStatus::Verified),
            (AchievementStatus::Submitted, AchievementAction::Return) => Some(AchievementStatus::Returned),
            _ => None,
        }
    }
}

/// A report's dates: `as_of` within the campaign and not in the future, and the report itself
/// made no later than `grace_days` after the campaign ends.
/// A correction of a report the board returned (`correcting`) is accepted after the grace too.
pub fn check_report_dates(
    as_of: NaiveDate,
    start: NaiveDate,
    end: NaiveDate,
    today: NaiveDate,
    grace_days: i64,
    correcting: bool,
    checks: &mut Checks,
) {
    check_date("as_of", Some(as_of), checks);
    if as_of < start || as_of > end {
        checks.fail("as_of", ErrorCode::OutsideCampaign, format!("must fall between {start} and {end}"));
    } else if as_of > today {
        checks.fail("as_of", ErrorCode::InFuture, "must not be after today");
    }
    if !correcting && today > end + chrono::TimeDelta::days(grace_days) {
        checks.fail(
            "as_of",
            ErrorCode::ReportingClosed,
            format!("reports were accepted until {}", end + chrono::TimeDelta::days(grace_days)),
        );
    }
}

/// Completion of `actual` against `target`, in percent with two decimals, not capped:
/// higher-is-better is actual/target; lower-is-better is target/actual (meeting or beating the
/// target is 100% or more); yes/no is 100 or 0. Nothing reported is 0%.
pub fn completion(kind: IndicatorKind, direction: Direction, target: Decimal, actual: Option<Decimal>) -> Decimal {
    let Some(actual) = actual else { return Decimal::ZERO };
    let ratio = |numerator: Decimal, denominator: Decimal| {
        // Checked: extreme values must not overflow (rust_decimal panics); they saturate.
        numerator
            .checked_div(denominator)
            .and_then(|r| r.checked_mul(Decimal::ONE_HUNDRED))
            .unwrap_or(MAX_COMPLETION)
            .min(MAX_COMPLETION)
    };
    let percent = match (kind, direction) {
        (IndicatorKind::YesNo, _) => {
            if actual == Decimal::ONE {
                Decimal::ONE_HUNDRED
            } else {
                Decimal::ZERO
            }
        }
        (_, Direction::HigherIsBetter) if target.is_zero() => Decimal::ONE_HUNDRED,
        (_, Direction::HigherIsBetter) => ratio(actual, target),
        (_, Direction::LowerIsBetter) if actual.is_zero() => Decimal::ONE_HUNDRED,
        (_, Direction::LowerIsBetter) => ratio(target, actual),
    };
    percent.round_dp(2)
}

/// Completions beyond this are reported as this (a million percent).
pub const MAX_COMPLETION: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);

/// A unit's overall score: the mean of its indicators' completion, each capped at 100% so
/// that overshooting one indicator does not hide another left undone.
pub fn overall_score(completions: &[Decimal]) -> Decimal {
    if completions.is_empty() {
        return Decimal::ZERO;
    }
    let sum: Decimal = completions.iter().map(|c| (*c).min(Decimal::ONE_HUNDRED)).sum();
    (sum / Decimal::from(completions.len())).round_dp(2)
}

/// The province-wide figure from the units' actuals: a sum for quantities and yes/no (how many
/// units did it), the mean for percentages.
pub fn province_actual(kind: IndicatorKind, actuals: &[Decimal]) -> Decimal {
    let sum: Decimal = actuals.iter().copied().sum();
    match kind {
        IndicatorKind::Percentage if !actuals.is_empty() => (sum / Decimal::from(actuals.len())).round_dp(2),
        IndicatorKind::Percentage => Decimal::ZERO,
        _ => sum,
    }
}

/// Standard competition ranking ("1, 2, 2, 4") by score, highest first; ties keep input order.
pub fn rank<K: Clone>(scores: &[(K, Decimal)]) -> Vec<(u32, K, Decimal)> {
    let mut sorted: Vec<(usize, &(K, Decimal))> = scores.iter().enumerate().collect();
    sorted.sort_by(|(ia, a), (ib, b)| b.1.cmp(&a.1).then(ia.cmp(ib)));
    let mut ranked = Vec::with_capacity(sorted.len());
    for (position, (_, (key, score))) in sorted.iter().enumerate() {
        let rank = match ranked.last() {
            Some((previous_rank, _, previous_score)) if previous_score == score => *previous_rank,
            _ => position as u32 + 1,
        };
        ranked.push((rank, key.clone(), *score));
    }
    ranked
}

text_enum! {
    /// A campaign's review: sơ kết (interim, during the campaign) or tổng kết (final).
    pub enum ReviewKind {
        Interim = "so_ket" => "Sơ kết",
        Final = "tong_ket" => "Tổng kết",
    }
}

/// A review's date: not in the future, not before the campaign starts, and an interim review
/// within the campaign.
pub fn check_review_date(
    kind: ReviewKind,
    held_on: NaiveDate,
    start: NaiveDate,
    end: NaiveDate,
    today: NaiveDate,
    checks: &mut Checks,
) {
    check_date("held_on", Some(held_on), checks);
    if held_on > today {
        checks.fail("held_on", ErrorCode::InFuture, "must not be after today");
    } else if held_on < start {
        checks.fail("held_on", ErrorCode::BeforeStart, "must not be before the campaign's start");
    } else if kind == ReviewKind::Interim && held_on > end {
        checks.fail("held_on", ErrorCode::OutsideCampaign, "an interim review falls within the campaign");
    }
}

/// Closing a campaign before its end date needs a reason (an early close is on the record).
pub fn check_close_reason(end: NaiveDate, today: NaiveDate, reason: Option<&str>, checks: &mut Checks) {
    if today < end && reason.is_none() {
        checks.fail("reason", ErrorCode::Required, format!("say why the campaign closes before its end date ({end})"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn review_dates_and_early_closes() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let (start, end, today) = (d("2021-09-23"), d("2021-12-31"), d("2022-01-10"));
        let check = |kind, held_on: &str| {
            let mut checks = Checks::default();
            check_review_date(kind, d(held_on), start, end, today, &mut checks);
            checks.0.first().map(|e| e.code.to_string())
        };
        assert_eq!(check(ReviewKind::Interim, "2021-11-15"), None);
        assert_eq!(check(ReviewKind::Interim, "2022-01-05").as_deref(), Some("outside_campaign"));
        assert_eq!(check(ReviewKind::Final, "2022-01-05"), None);
        assert_eq!(check(ReviewKind::Final, "2021-09-01").as_deref(), Some("before_start"));
        assert_eq!(check(ReviewKind::Final, "2022-01-11").as_deref(), Some("in_future"));
        let close = |today: &str, reason| {
            let mut checks = Checks::default();
            check_close_reason(end, d(today), reason, &mut checks);
            checks.0.first().map(|e| e.code.to_string())
        };
        // 69 days early, as in the issue: a reason is needed.
        assert_eq!(close("2021-10-23", None).as_deref(), Some("required"));
        assert_eq!(close("2021-10-23", Some("Hoàn thành sớm các chỉ tiêu")), None);
        assert_eq!(close("2021-12-31", None), None);
    }

    #[test]
    fn campaign_lifecycle_allows_only_its_transitions() {
        use CampaignAction::*;
        use CampaignStatus::*;
        assert_eq!(Draft.after(Launch), Some(Launched));
        assert_eq!(Launched.after(Close), Some(Closed));
        assert_eq!(Draft.after(Cancel), Some(Cancelled));
        assert_eq!(Launched.after(Cancel), Some(Cancelled));
        for frozen in [Closed, Cancelled] {
            for action in CampaignAction::ALL {
                assert_eq!(frozen.after(*action), None, "{frozen:?} {action:?}");
            }
        }
        assert_eq!(Draft.after(Close), None);
        assert_eq!(Launched.after(Launch), None);
    }

    #[test]
    fn registration_lifecycle() {
        use RegistrationAction::*;
        use RegistrationStatus::*;
        assert_eq!(Draft.after(Submit), Some(Submitted));
        assert_eq!(Returned.after(Submit), Some(Submitted));
        assert_eq!(Submitted.after(Accept), Some(Accepted));
        assert_eq!(Submitted.after(Return), Some(Returned));
        assert_eq!(Draft.after(Accept), None);
        assert_eq!(Accepted.after(Submit), None);
        assert!(!Accepted.is_editable() && !Submitted.is_editable() && Returned.is_editable() && Draft.is_editable());
    }

    #[test]
    fn values_are_exact_non_negative_decimals_within_their_kind() {
        let check = |text: &str, kind| {
            let mut checks = Checks::default();
            let value = check_value("v", text, kind, &mut checks);
            (value.map(decimal_text), checks.0.first().map(|e| e.code.to_string()))
        };
        assert_eq!(check("12.50", IndicatorKind::Quantity), (Some("12.5".into()), None));
        assert_eq!(check("0.1", IndicatorKind::Quantity).0.as_deref(), Some("0.1"));
        assert_eq!(check("-1", IndicatorKind::Quantity).1.as_deref(), Some("negative"));
        assert_eq!(check("abc", IndicatorKind::Quantity).1.as_deref(), Some("invalid_decimal"));
        assert_eq!(check("1e3", IndicatorKind::Quantity).1.as_deref(), Some("invalid_decimal"));
        assert_eq!(check("100.5", IndicatorKind::Percentage).1.as_deref(), Some("out_of_range"));
        assert_eq!(check("2", IndicatorKind::YesNo).1.as_deref(), Some("out_of_range"));
        assert_eq!(check("1", IndicatorKind::YesNo).0.as_deref(), Some("1"));
        assert_eq!(check("0.0000001", IndicatorKind::Quantity).1.as_deref(), Some("too_precise"));
        let mut checks = Checks::default();
        assert!(check_target("t", "0", IndicatorKind::YesNo, &mut checks).is_none());
        assert!(check_province_target("p", "12", IndicatorKind::YesNo, &mut Checks::default()).is_some());
        assert!(check_province_target("p", "1.5", IndicatorKind::YesNo, &mut Checks::default()).is_none());
    }

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn completion_by_kind_and_direction() {
        use Direction::*;
        use IndicatorKind::*;
        assert_eq!(completion(Quantity, HigherIsBetter, dec("120"), Some(dec("90"))), dec("75"));
        assert_eq!(completion(Quantity, HigherIsBetter, dec("3"), Some(dec("1"))), dec("33.33"));
        assert_eq!(completion(Quantity, HigherIsBetter, dec("100"), Some(dec("150"))), dec("150"));
        assert_eq!(completion(Quantity, HigherIsBetter, dec("100"), None), dec("0"));
        assert_eq!(completion(Percentage, LowerIsBetter, dec("5"), Some(dec("4"))), dec("125"));
        assert_eq!(completion(Percentage, LowerIsBetter, dec("5"), Some(dec("10"))), dec("50"));
        assert_eq!(completion(YesNo, HigherIsBetter, dec("1"), Some(dec("1"))), dec("100"));
        assert_eq!(completion(YesNo, HigherIsBetter, dec("1"), Some(dec("0"))), dec("0"));
        // Extremes saturate instead of overflowing.
        assert_eq!(
            completion(Quantity, HigherIsBetter, dec("0.000001"), Some(dec("99999999999999999999"))),
            MAX_COMPLETION
        );
        assert_eq!(
            completion(Quantity, LowerIsBetter, dec("99999999999999999999"), Some(dec("0.000001"))),
            MAX_COMPLETION
        );
        // Exact: no binary float rounding creeps in.
        assert_eq!(completion(Quantity, HigherIsBetter, dec("0.3"), Some(dec("0.1"))), dec("33.33"));
    }

    #[test]
    fn scores_cap_each_indicator_and_rank_with_ties() {
        assert_eq!(overall_score(&[dec("150"), dec("50")]), dec("75"));
        assert_eq!(overall_score(&[]), dec("0"));
        assert_eq!(province_actual(IndicatorKind::Quantity, &[dec("1.5"), dec("2")]), dec("3.5"));
        assert_eq!(province_actual(IndicatorKind::Percentage, &[dec("80"), dec("90"), dec("95")]), dec("88.33"));
        let ranked = rank(&[("a", dec("70")), ("b", dec("90")), ("c", dec("70")), ("d", dec("10"))]);
        let flat: Vec<(u32, &str)> = ranked.iter().map(|(r, k, _)| (*r, *k)).collect();
        assert_eq!(flat, [(1, "b"), (2, "a"), (2, "c"), (4, "d")]);
    }

    #[test]
    fn reports_fall_within_the_campaign_and_its_grace() {
        let d = |s: &str| NaiveDate::from_str(s).unwrap();
        let codes = |as_of: &str, today: &str| {
            let mut checks = Checks::default();
            check_report_dates(d(as_of), d("2021-09-22"), d("2021-12-31"), d(today), 30, false, &mut checks);
            checks.0.into_iter().map(|e| e.code).collect::<Vec<_>>()
        };
        assert!(codes("2021-10-01", "2021-10-02").is_empty());
        assert_eq!(codes("2021-09-01", "2021-10-02"), ["outside_campaign"]);
        assert_eq!(codes("2021-10-05", "2021-10-02"), ["in_future"]);
        assert!(codes("2021-12-31", "2022-01-30").is_empty(), "within the grace");
        assert_eq!(codes("2021-12-31", "2022-02-01"), ["reporting_closed"]);
    }

    #[test]
    fn campaign_dates_hang_together() {
        let d = |s: &str| NaiveDate::from_str(s).ok();
        let mut checks = Checks::default();
        check_campaign_dates(
            &CampaignDates {
                start: d("2021-09-22"),
                end: d("2021-12-31"),
                registration_deadline: d("2022-01-15"),
                interim_review_on: d("2021-09-01"),
                final_review_on: d("2022-01-10"),
                plan_date: d("2021-09-20"),
            },
            &mut checks,
        );
        let fields: Vec<_> = checks.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["registration_deadline", "interim_review_on"]);
    }
}
