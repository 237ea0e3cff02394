//! Emulation campaigns: their kinds, lifecycles, indicators and exact decimal values.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::{check_date, Checks};

text_enum! {
    /// Thi đua thường xuyên (ongoing, yearly) or theo chuyên đề / theo đợt (thematic or peak).
    pub enum CampaignKind {
        ThuongXuyen = "thuong_xuyen",
        ChuyenDe = "chuyen_de",
    }
}

text_enum! {
    /// Who takes part.
    pub enum Participation {
        /// Every department and commune.
        AllUnits = "all_units",
        AllDepartments = "all_departments",
        AllCommunes = "all_communes",
        /// The units listed on the campaign.
        Units = "units",
        /// The members of the clusters listed on the campaign.
        Clusters = "clusters",
    }
}

text_enum! {
    /// draft → launched (phát động) → closed (tổng kết); draft or launched → cancelled.
    pub enum CampaignStatus {
        Draft = "draft",
        Launched = "launched",
        Closed = "closed",
        Cancelled = "cancelled",
    }
}

text_enum! {
    pub enum CampaignAction {
        Launch = "launch",
        Close = "close",
        Cancel = "cancel",
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
        Quantity = "quantity",
        Percentage = "percentage",
        /// Values are "1" (done) or "0".
        YesNo = "yes_no",
    }
}

text_enum! {
    pub enum Direction {
        HigherIsBetter = "higher_is_better",
        LowerIsBetter = "lower_is_better",
    }
}

text_enum! {
    /// draft → submitted → accepted, or returned (with a reason) → submitted again.
    pub enum RegistrationStatus {
        Draft = "draft",
        Submitted = "submitted",
        Accepted = "accepted",
        Returned = "returned",
    }
}

text_enum! {
    pub enum RegistrationAction {
        Submit = "submit",
        Accept = "accept",
        Return = "return",
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

    /// The unit may still change its targets.
    pub fn is_editable(self) -> bool {
        !matches!(self, RegistrationStatus::Accepted)
    }
}

/// Decimals are sent and stored as strings ("12.5"), so no binary float ever rounds them.
pub const MAX_DECIMAL_DIGITS: usize = 20;

/// Parses an exact, non-negative decimal for an indicator of `kind`; reports on `field`.
pub fn check_value(field: &str, text: &str, kind: IndicatorKind, checks: &mut Checks) -> Option<Decimal> {
    let text = text.trim();
    let parsed = if text.len() > MAX_DECIMAL_DIGITS + 2 { None } else { Decimal::from_str_exact(text).ok() };
    let Some(value) = parsed else {
        checks.fail(field, "invalid_decimal", "must be a decimal number written as a string, e.g. \"12.5\"");
        return None;
    };
    let value = value.normalize();
    if value.is_sign_negative() {
        checks.fail(field, "negative", "must not be negative");
        return None;
    }
    match kind {
        IndicatorKind::Percentage if value > Decimal::ONE_HUNDRED => {
            checks.fail(field, "out_of_range", "a percentage is at most 100");
            None
        }
        IndicatorKind::YesNo if value != Decimal::ZERO && value != Decimal::ONE => {
            checks.fail(field, "out_of_range", "a yes/no value is \"1\" (yes) or \"0\" (no)");
            None
        }
        _ => Some(value),
    }
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
        checks.fail("start_date", "required", "is required");
    }
    if d.end.is_none() {
        checks.fail("end_date", "required", "is required");
    }
    let (Some(start), Some(end)) = (d.start, d.end) else { return };
    if start > end {
        checks.fail("end_date", "before_start", "must not be before start_date");
    }
    if d.registration_deadline.is_some_and(|r| r > end) {
        checks.fail("registration_deadline", "after_end", "must not be after end_date");
    }
    if d.interim_review_on.is_some_and(|r| r < start || r > end) {
        checks.fail("interim_review_on", "outside_campaign", "must fall between start_date and end_date");
    }
    if d.final_review_on.is_some_and(|r| r < start) {
        checks.fail("final_review_on", "before_start", "must not be before start_date");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(!Accepted.is_editable() && Returned.is_editable());
    }

    #[test]
    fn values_are_exact_non_negative_decimals_within_their_kind() {
        let check = |text: &str, kind| {
            let mut checks = Checks::default();
            let value = check_value("v", text, kind, &mut checks);
            (value.map(decimal_text), checks.0.first().map(|e| e.code.clone()))
        };
        assert_eq!(check("12.50", IndicatorKind::Quantity), (Some("12.5".into()), None));
        assert_eq!(check("0.1", IndicatorKind::Quantity).0.as_deref(), Some("0.1"));
        assert_eq!(check("-1", IndicatorKind::Quantity).1.as_deref(), Some("negative"));
        assert_eq!(check("abc", IndicatorKind::Quantity).1.as_deref(), Some("invalid_decimal"));
        assert_eq!(check("1e3", IndicatorKind::Quantity).1.as_deref(), Some("invalid_decimal"));
        assert_eq!(check("100.5", IndicatorKind::Percentage).1.as_deref(), Some("out_of_range"));
        assert_eq!(check("2", IndicatorKind::YesNo).1.as_deref(), Some("out_of_range"));
        assert_eq!(check("1", IndicatorKind::YesNo).0.as_deref(), Some("1"));
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
