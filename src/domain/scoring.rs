//! Scoring schemes (thang điểm chấm điểm thi đua): how a campaign's board turns each unit's
//! completion of its indicators into points, as data the board writes and versions, never code.
//!
//! A scheme is a list of criteria groups (nhóm tiêu chí), each with a weight (hệ số) and its
//! indicators; each indicator has its maximum points (điểm chuẩn), a point scale (linear up to the
//! target, or thresholds), optional bonus and penalty points with caps (điểm thưởng, điểm trừ),
//! and whether the board makes it mandatory for every participant. The arithmetic is on exact
//! decimals (`rust_decimal`, already the service's decimal type: 96-bit integers with a decimal
//! scale, so "0.1 + 0.2" is exactly "0.3" and rounding happens only where written down here).
//! The worked examples of `docs/campaigns.md` are the unit tests at the bottom.
//!
//! Rounding: every figure is rounded once, to 2 decimal places, half away from zero (as a
//! person rounds: 14.0625 → 14.06, 0.125 → 0.13) — an indicator's base, bonus and penalty
//! points, a group's weighted points, and the score. Totals add rounded figures, so the
//! published table adds up.

use std::collections::{HashMap, HashSet};

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::campaigns::{check_value, decimal_text, IndicatorKind};
use crate::domain::{check_text, Checks};
use crate::error::{ErrorCode, FieldError};

text_enum! {
    /// How an indicator's completion (percent of the unit's target) becomes base points.
    pub enum ScaleKind {
        /// `max_points × completion ÷ 100`, never more than `max_points`.
        LinearToTarget = "linear_to_target" => "Tỷ lệ thuận đến mức chỉ tiêu",
        /// The points of the highest threshold the completion reaches; below every threshold, 0.
        Thresholds = "thresholds" => "Theo ngưỡng hoàn thành",
    }
}

/// A criteria group as sent and stored. Decimals are strings.
#[derive(Deserialize, Serialize, ToSchema, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    /// Short code, unique in the scheme (e.g. "I", "II").
    #[schema(example = "I")]
    pub code: String,
    #[schema(example = "Phát triển kinh tế – xã hội")]
    pub name: String,
    /// Hệ số: the group's points are its indicators' points times this. Default "1".
    #[schema(example = "1")]
    #[serde(default)]
    pub weight: Option<String>,
    /// At least one.
    pub indicators: Vec<IndicatorRuleSpec>,
}

/// How one indicator of the campaign is scored.
#[derive(Deserialize, Serialize, ToSchema, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IndicatorRuleSpec {
    /// An indicator of the campaign; each at most once in a scheme. Indicators left out of the
    /// scheme are reported but not scored.
    pub indicator_id: Uuid,
    /// Điểm chuẩn: the base points at full completion (greater than 0).
    #[schema(example = "30")]
    pub max_points: String,
    /// Every participant is scored on it: a unit that did not register it scores 0 on it and
    /// its maximum still counts. An optional indicator a unit did not register is left out of
    /// that unit's maximum.
    #[serde(default)]
    pub mandatory: bool,
    pub scale: ScaleKind,
    /// With scale `thresholds` (at least one), not otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thresholds: Vec<ThresholdSpec>,
    /// Điểm thưởng: for each full step of completion above 100%.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bonus: Option<AdjustmentSpec>,
    /// Điểm trừ: for each full step of completion below 100%.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub penalty: Option<AdjustmentSpec>,
}

/// A completion at or above `min_completion` (percent) earns `points` (at most `max_points`).
#[derive(Deserialize, Serialize, ToSchema, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ThresholdSpec {
    #[schema(example = "80")]
    pub min_completion: String,
    #[schema(example = "15")]
    pub points: String,
}

/// `points_per_step` for each full `step_percent` of completion beyond (bonus) or short of
/// (penalty) 100%, at most `cap` in all. All three greater than 0.
#[derive(Deserialize, Serialize, ToSchema, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AdjustmentSpec {
    #[schema(example = "0.5")]
    pub points_per_step: String,
    #[schema(example = "10")]
    pub step_percent: String,
    #[schema(example = "3")]
    pub cap: String,
}

/// A checked scheme, with exact decimals.
#[derive(Clone, Debug, PartialEq)]
pub struct Scheme {
    pub groups: Vec<Group>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub code: String,
    pub name: String,
    pub weight: Decimal,
    pub indicators: Vec<IndicatorRule>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct IndicatorRule {
    pub indicator_id: Uuid,
    pub max_points: Decimal,
    pub mandatory: bool,
    pub scale: Scale,
    pub bonus: Option<Adjustment>,
    pub penalty: Option<Adjustment>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Scale {
    LinearToTarget,
    /// (min completion, points), highest threshold first.
    Thresholds(Vec<(Decimal, Decimal)>),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Adjustment {
    pub points_per_step: Decimal,
    pub step_percent: Decimal,
    pub cap: Decimal,
}

/// A positive exact decimal (at most 6 places).
fn positive(field: &str, text: &str, checks: &mut Checks) -> Option<Decimal> {
    let value = check_value(field, text, IndicatorKind::Quantity, checks)?;
    if value.is_zero() {
        checks.fail(field, ErrorCode::OutOfRange, "must be greater than 0");
        return None;
    }
    Some(value)
}

fn adjustment(field: &str, spec: &AdjustmentSpec, checks: &mut Checks) -> Option<Adjustment> {
    let points_per_step = positive(&format!("{field}.points_per_step"), &spec.points_per_step, checks);
    let step_percent = positive(&format!("{field}.step_percent"), &spec.step_percent, checks);
    let cap = positive(&format!("{field}.cap"), &spec.cap, checks);
    Some(Adjustment { points_per_step: points_per_step?, step_percent: step_percent?, cap: cap? })
}

/// Checks a scheme sent by the board against the campaign's indicators (`known`), every problem
/// at once with its JSON path (`groups[0].indicators[1].max_points`).
pub fn check_scheme(groups: &[GroupSpec], known: &[Uuid]) -> Result<Scheme, Vec<FieldError>> {
    let mut checks = Checks::default();
    if groups.is_empty() {
        checks.fail("groups", ErrorCode::Required, "a scheme needs at least one criteria group");
    }
    let mut codes: HashSet<String> = HashSet::new();
    let mut seen: HashSet<Uuid> = HashSet::new();
    let mut checked = Vec::with_capacity(groups.len());
    for (g, group) in groups.iter().enumerate() {
        let at = format!("groups[{g}]");
        let code = check_text(&format!("{at}.code"), &group.code, 20, &mut checks);
        if !code.is_empty() && !codes.insert(code.clone()) {
            checks.fail(&format!("{at}.code"), ErrorCode::Duplicate, "another group has this code");
        }
        let name = check_text(&format!("{at}.name"), &group.name, 300, &mut checks);
        let weight = match &group.weight {
            None => Some(Decimal::ONE),
            Some(w) => positive(&format!("{at}.weight"), w, &mut checks),
        };
        if group.indicators.is_empty() {
            checks.fail(&format!("{at}.indicators"), ErrorCode::Required, "a group needs at least one indicator");
        }
        let mut rules = Vec::with_capacity(group.indicators.len());
        for (i, rule) in group.indicators.iter().enumerate() {
            let at = format!("{at}.indicators[{i}]");
            if !known.contains(&rule.indicator_id) {
                checks.fail(&format!("{at}.indicator_id"), ErrorCode::NotFound, "is not an indicator of this campaign");
            } else if !seen.insert(rule.indicator_id) {
                checks.fail(&format!("{at}.indicator_id"), ErrorCode::Duplicate, "is scored twice in the scheme");
            }
            let max_points = positive(&format!("{at}.max_points"), &rule.max_points, &mut checks);
            let scale = match rule.scale {
                ScaleKind::LinearToTarget => {
                    if !rule.thresholds.is_empty() {
                        checks.fail(
                            &format!("{at}.thresholds"),
                            ErrorCode::NotAllowed,
                            "only with scale \"thresholds\"",
                        );
                    }
                    Some(Scale::LinearToTarget)
                }
                ScaleKind::Thresholds => thresholds(&at, &rule.thresholds, max_points, &mut checks),
            };
            let bonus = rule.bonus.as_ref().map(|b| adjustment(&format!("{at}.bonus"), b, &mut checks));
            let penalty = rule.penalty.as_ref().map(|p| adjustment(&format!("{at}.penalty"), p, &mut checks));
            if let (Some(max_points), Some(scale), Some(bonus), Some(penalty)) = (
                max_points,
                scale,
                bonus.map_or(Some(None), |b| b.map(Some)),
                penalty.map_or(Some(None), |p| p.map(Some)),
            ) {
                rules.push(IndicatorRule {
                    indicator_id: rule.indicator_id,
                    max_points,
                    mandatory: rule.mandatory,
                    scale,
                    bonus,
                    penalty,
                });
            }
        }
        if let Some(weight) = weight {
            checked.push(Group { code, name, weight, indicators: rules });
        }
    }
    checks.finish(|| Scheme { groups: checked })
}

fn thresholds(at: &str, steps: &[ThresholdSpec], max_points: Option<Decimal>, checks: &mut Checks) -> Option<Scale> {
    if steps.is_empty() {
        checks.fail(&format!("{at}.thresholds"), ErrorCode::Required, "list at least one threshold");
        return None;
    }
    let before = checks.0.len();
    let mut parsed: Vec<(Decimal, Decimal)> = Vec::with_capacity(steps.len());
    for (t, step) in steps.iter().enumerate() {
        let field = format!("{at}.thresholds[{t}]");
        let min =
            check_value(&format!("{field}.min_completion"), &step.min_completion, IndicatorKind::Quantity, checks);
        let points = check_value(&format!("{field}.points"), &step.points, IndicatorKind::Quantity, checks);
        if let (Some(points), Some(max)) = (points, max_points) {
            if points > max {
                checks.fail(&format!("{field}.points"), ErrorCode::OutOfRange, "must not be more than max_points");
            }
        }
        if let Some(min) = min {
            if parsed.iter().any(|(m, _)| *m == min) {
                checks.fail(&format!("{field}.min_completion"), ErrorCode::Duplicate, "another threshold starts here");
            }
            if let Some(points) = points {
                parsed.push((min, points));
            }
        }
    }
    if checks.0.len() > before {
        return None;
    }
    parsed.sort_by_key(|step| std::cmp::Reverse(step.0));
    Some(Scale::Thresholds(parsed))
}

impl Scheme {
    /// The stored (and answered) form: decimals without trailing zeros, every weight written,
    /// thresholds highest first.
    pub fn to_spec(&self) -> Vec<GroupSpec> {
        let adjustment = |a: &Adjustment| AdjustmentSpec {
            points_per_step: decimal_text(a.points_per_step),
            step_percent: decimal_text(a.step_percent),
            cap: decimal_text(a.cap),
        };
        self.groups
            .iter()
            .map(|g| GroupSpec {
                code: g.code.clone(),
                name: g.name.clone(),
                weight: Some(decimal_text(g.weight)),
                indicators: g
                    .indicators
                    .iter()
                    .map(|r| IndicatorRuleSpec {
                        indicator_id: r.indicator_id,
                        max_points: decimal_text(r.max_points),
                        mandatory: r.mandatory,
                        scale: match r.scale {
                            Scale::LinearToTarget => ScaleKind::LinearToTarget,
                            Scale::Thresholds(_) => ScaleKind::Thresholds,
                        },
                        thresholds: match &r.scale {
                            Scale::LinearToTarget => Vec::new(),
                            Scale::Thresholds(steps) => steps
                                .iter()
                                .map(|(min, points)| ThresholdSpec {
                                    min_completion: decimal_text(*min),
                                    points: decimal_text(*points),
                                })
                                .collect(),
                        },
                        bonus: r.bonus.as_ref().map(adjustment),
                        penalty: r.penalty.as_ref().map(adjustment),
                    })
                    .collect(),
            })
            .collect()
    }

    /// Reads a stored scheme back (its indicators are not checked again: removing indicators
    /// ends with the draft). `None` when it does not parse, which should never happen.
    pub fn from_stored(groups: &[GroupSpec]) -> Option<Scheme> {
        let known: Vec<Uuid> = groups.iter().flat_map(|g| g.indicators.iter().map(|i| i.indicator_id)).collect();
        check_scheme(groups, &known).ok()
    }

    /// The most a unit registered for every indicator can earn, bonus left aside.
    pub fn max_points(&self) -> Decimal {
        self.groups.iter().map(|g| round(g.weight * g.indicators.iter().map(|i| i.max_points).sum::<Decimal>())).sum()
    }

    pub fn indicator_ids(&self) -> Vec<Uuid> {
        self.groups.iter().flat_map(|g| g.indicators.iter().map(|i| i.indicator_id)).collect()
    }
}

/// Rounds to 2 places, half away from zero.
pub fn round(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// An indicator's points for one unit.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct IndicatorPoints {
    pub indicator_id: Uuid,
    /// Whether the unit registered the indicator.
    pub registered: bool,
    pub mandatory: bool,
    /// Whether the indicator counts in the unit's maximum: mandatory, or registered.
    pub counted: bool,
    pub base_points: String,
    pub bonus_points: String,
    pub penalty_points: String,
    /// `base + bonus − penalty`, never below 0 (before the group's weight).
    pub points: String,
    pub max_points: String,
}

/// A group's points for one unit: its indicators' points times the weight.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct GroupPoints {
    pub code: String,
    pub name: String,
    pub weight: String,
    pub points: String,
    /// The weighted maximum of the indicators counted for the unit.
    pub max_points: String,
}

/// A unit's points under a scheme.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct UnitPoints {
    /// The sum of the groups' points.
    pub total: String,
    /// The sum of the groups' maximum points for this unit.
    pub max_points: String,
    /// `total ÷ max_points × 100`: what units are ranked by (may pass 100 with bonus points).
    pub score: String,
    pub groups: Vec<GroupPoints>,
    pub indicators: Vec<IndicatorPoints>,
}

/// Exact figures of one indicator (before rounding into text).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Points {
    pub base: Decimal,
    pub bonus: Decimal,
    pub penalty: Decimal,
    pub points: Decimal,
}

/// Full steps of `step` in `amount`, times `per_step`, at most `cap`.
fn steps(amount: Decimal, a: &Adjustment) -> Decimal {
    if amount <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    let whole = (amount / a.step_percent).floor();
    round((whole * a.points_per_step).min(a.cap))
}

/// The points of a registered indicator at `completion` percent (uncapped, as progress gives it).
pub fn indicator_points(rule: &IndicatorRule, completion: Decimal) -> Points {
    let base = match &rule.scale {
        Scale::LinearToTarget => round(rule.max_points * completion.min(Decimal::ONE_HUNDRED) / Decimal::ONE_HUNDRED),
        Scale::Thresholds(steps) => {
            steps.iter().find(|(min, _)| completion >= *min).map_or(Decimal::ZERO, |(_, points)| *points)
        }
    };
    let bonus = rule.bonus.as_ref().map_or(Decimal::ZERO, |b| steps(completion - Decimal::ONE_HUNDRED, b));
    let penalty = rule.penalty.as_ref().map_or(Decimal::ZERO, |p| steps(Decimal::ONE_HUNDRED - completion, p));
    let points = (base + bonus - penalty).max(Decimal::ZERO);
    Points { base, bonus, penalty, points }
}

/// Scores a unit: `completions` holds the completion of each indicator the unit registered
/// (registered but not reported is 0). Returns the answer and the score units are ranked by.
pub fn unit_points(scheme: &Scheme, completions: &HashMap<Uuid, Decimal>) -> (UnitPoints, Decimal) {
    let mut groups = Vec::with_capacity(scheme.groups.len());
    let mut indicators = Vec::new();
    let (mut total, mut max_total) = (Decimal::ZERO, Decimal::ZERO);
    for group in &scheme.groups {
        let (mut sum, mut max_sum) = (Decimal::ZERO, Decimal::ZERO);
        for rule in &group.indicators {
            let completion = completions.get(&rule.indicator_id).copied();
            let counted = rule.mandatory || completion.is_some();
            // A mandatory indicator the unit did not register scores 0.
            let p = completion.map_or(
                Points { base: Decimal::ZERO, bonus: Decimal::ZERO, penalty: Decimal::ZERO, points: Decimal::ZERO },
                |c| indicator_points(rule, c),
            );
            if counted {
                sum += p.points;
                max_sum += rule.max_points;
            }
            indicators.push(IndicatorPoints {
                indicator_id: rule.indicator_id,
                registered: completion.is_some(),
                mandatory: rule.mandatory,
                counted,
                base_points: decimal_text(p.base),
                bonus_points: decimal_text(p.bonus),
                penalty_points: decimal_text(p.penalty),
                points: decimal_text(p.points),
                max_points: decimal_text(rule.max_points),
            });
        }
        let points = round(group.weight * sum);
        let max_points = round(group.weight * max_sum);
        total += points;
        max_total += max_points;
        groups.push(GroupPoints {
            code: group.code.clone(),
            name: group.name.clone(),
            weight: decimal_text(group.weight),
            points: decimal_text(points),
            max_points: decimal_text(max_points),
        });
    }
    let score = if max_total.is_zero() {
        Decimal::ZERO
    } else {
        total.checked_div(max_total).map_or(Decimal::ZERO, |r| round(r * Decimal::ONE_HUNDRED))
    };
    let answer = UnitPoints {
        total: decimal_text(total),
        max_points: decimal_text(max_total),
        score: decimal_text(score),
        groups,
        indicators,
    };
    (answer, score)
}

/// A ratio indicator's value: `numerator ÷ denominator × 100`, in percent with 6 places (the
/// stored precision); a zero denominator has no value.
pub fn ratio_percent(numerator: Decimal, denominator: Decimal) -> Option<Decimal> {
    if denominator.is_zero() {
        return None;
    }
    numerator
        .checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|n| n.checked_div(denominator))
        .map(|r| r.round_dp_with_strategy(6, RoundingStrategy::MidpointAwayFromZero))
}

/// A ratio across units: the ratio of the sums (Σ numerators ÷ Σ denominators × 100), so a
/// commune with 300 procedures weighs a hundred times one with 3; 2 places.
pub fn ratio_of_sums(parts: &[(Decimal, Decimal)]) -> Option<Decimal> {
    let numerator: Decimal = parts.iter().map(|(n, _)| *n).sum();
    let denominator: Decimal = parts.iter().map(|(_, d)| *d).sum();
    ratio_percent(numerator, denominator).map(round)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }
    pub(crate) const HOUSEHOLDS: u128 = 1;
    pub(crate) const ROADS: u128 = 2;
    pub(crate) const ONLINE: u128 = 3;
    pub(crate) const CULTURE: u128 = 4;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn rule(indicator: u128, max: &str, mandatory: bool, scale: ScaleKind) -> IndicatorRuleSpec {
        IndicatorRuleSpec {
            indicator_id: id(indicator),
            max_points: max.into(),
            mandatory,
            scale,
            thresholds: Vec::new(),
            bonus: None,
            penalty: None,
        }
    }

    fn adjustment(per_step: &str, step: &str, cap: &str) -> Option<AdjustmentSpec> {
        Some(AdjustmentSpec { points_per_step: per_step.into(), step_percent: step.into(), cap: cap.into() })
    }

    /// The scheme of the worked example in docs/campaigns.md.
    pub(crate) fn example() -> Vec<GroupSpec> {
        let mut households = rule(HOUSEHOLDS, "30", true, ScaleKind::LinearToTarget);
        households.bonus = adjustment("0.5", "10", "3");
        let mut roads = rule(ROADS, "20", false, ScaleKind::Thresholds);
        roads.thresholds = vec![
            ThresholdSpec { min_completion: "50".into(), points: "8".into() },
            ThresholdSpec { min_completion: "100".into(), points: "20".into() },
            ThresholdSpec { min_completion: "80".into(), points: "15".into() },
        ];
        let mut online = rule(ONLINE, "15", true, ScaleKind::LinearToTarget);
        online.penalty = adjustment("1", "5", "5");
        let culture = rule(CULTURE, "10", false, ScaleKind::LinearToTarget);
        vec![
            GroupSpec {
                code: "I".into(),
                name: "Phát triển kinh tế – xã hội".into(),
                weight: None,
                indicators: vec![households, roads],
            },
            GroupSpec {
                code: "II".into(),
                name: "Cải cách hành chính, văn hóa công sở".into(),
                weight: Some("2".into()),
                indicators: vec![online, culture],
            },
        ]
    }

    fn scheme() -> Scheme {
        check_scheme(&example(), &[id(HOUSEHOLDS), id(ROADS), id(ONLINE), id(CULTURE)]).unwrap()
    }

    fn completions(pairs: &[(u128, &str)]) -> HashMap<Uuid, Decimal> {
        pairs.iter().map(|(i, c)| (id(*i), d(c))).collect()
    }

    fn points_of(p: &UnitPoints, indicator: u128) -> (&str, &str, &str, &str) {
        let i = p.indicators.iter().find(|i| i.indicator_id == id(indicator)).unwrap();
        (&i.base_points, &i.bonus_points, &i.penalty_points, &i.points)
    }

    #[test]
    fn the_example_scheme_is_checked_and_stored_canonically() {
        let s = scheme();
        assert_eq!(s.max_points(), d("100"), "30 + 20 + 2 × (15 + 10)");
        let stored = s.to_spec();
        assert_eq!(stored[0].weight.as_deref(), Some("1"), "the default weight is written");
        let thresholds: Vec<&str> =
            stored[0].indicators[1].thresholds.iter().map(|t| t.min_completion.as_str()).collect();
        assert_eq!(thresholds, ["100", "80", "50"], "highest first");
        assert_eq!(Scheme::from_stored(&stored), Some(s));
    }

    #[test]
    fn worked_example_commune_a_registered_everything() {
        // Households 50 of 40 (125%), roads 4.2 of 5 km (84%), online 120 of 160 files = 75%
        // against a target of 80% (93.75%), the office-culture standard met (100%).
        let (p, score) = unit_points(
            &scheme(),
            &completions(&[(HOUSEHOLDS, "125"), (ROADS, "84"), (ONLINE, "93.75"), (CULTURE, "100")]),
        );
        assert_eq!(points_of(&p, HOUSEHOLDS), ("30", "1", "0", "31"), "2 full steps of 10% over → 2 × 0.5");
        assert_eq!(points_of(&p, ROADS), ("15", "0", "0", "15"), "84% reaches the 80% threshold");
        assert_eq!(points_of(&p, ONLINE), ("14.06", "0", "1", "13.06"), "15 × 93.75% = 14.0625; 6.25% short: 1 step");
        assert_eq!(points_of(&p, CULTURE), ("10", "0", "0", "10"));
        let groups: Vec<(&str, &str)> = p.groups.iter().map(|g| (g.points.as_str(), g.max_points.as_str())).collect();
        assert_eq!(groups, [("46", "50"), ("46.12", "50")], "group II: 2 × (13.06 + 10)");
        assert_eq!((p.total.as_str(), p.max_points.as_str(), p.score.as_str()), ("92.12", "100", "92.12"));
        assert_eq!(score, d("92.12"));
    }

    #[test]
    fn worked_example_commune_b_left_out_optional_indicators() {
        // Households 45 of 60 (75%), online 27 of 30 = 90% against 90% (100%); roads and culture
        // are optional and not registered: left out of B's maximum.
        let (p, score) = unit_points(&scheme(), &completions(&[(HOUSEHOLDS, "75"), (ONLINE, "100")]));
        assert_eq!(points_of(&p, HOUSEHOLDS), ("22.5", "0", "0", "22.5"));
        assert_eq!(points_of(&p, ONLINE), ("15", "0", "0", "15"));
        let roads = p.indicators.iter().find(|i| i.indicator_id == id(ROADS)).unwrap();
        assert!(!roads.registered && !roads.counted);
        assert_eq!((p.total.as_str(), p.max_points.as_str()), ("52.5", "60"), "22.5 + 2 × 15 of 30 + 2 × 15");
        assert_eq!(score, d("87.5"));
    }

    #[test]
    fn worked_example_commune_c_omitted_a_mandatory_indicator() {
        // Households 20 of 20, roads 3 of 2 km (150%: the top threshold, no bonus defined), the
        // online ratio not registered although mandatory, culture registered but reported "0".
        let (p, score) = unit_points(&scheme(), &completions(&[(HOUSEHOLDS, "100"), (ROADS, "150"), (CULTURE, "0")]));
        assert_eq!(points_of(&p, ROADS), ("20", "0", "0", "20"));
        let online = p.indicators.iter().find(|i| i.indicator_id == id(ONLINE)).unwrap();
        assert!(!online.registered && online.counted && online.mandatory);
        assert_eq!((online.points.as_str(), online.penalty_points.as_str()), ("0", "0"), "0, and no penalty on top");
        assert_eq!(points_of(&p, CULTURE), ("0", "0", "0", "0"));
        assert_eq!((p.total.as_str(), p.max_points.as_str()), ("50", "100"));
        assert_eq!(score, d("50"));
    }

    #[test]
    fn bonus_and_penalty_count_full_steps_up_to_their_caps() {
        let s = scheme();
        let households = &s.groups[0].indicators[0];
        let online = &s.groups[1].indicators[0];
        // 19.99% over is one step; 1000% over is capped at 3.
        assert_eq!(indicator_points(households, d("119.99")).bonus, d("0.5"));
        assert_eq!(indicator_points(households, d("1100")).bonus, d("3"));
        assert_eq!(indicator_points(households, d("1100")).points, d("33"));
        // 4.99% short costs nothing; 100% short (nothing done) costs the cap, not below 0.
        assert_eq!(indicator_points(online, d("95.01")).penalty, d("0"));
        assert_eq!(
            indicator_points(online, d("0")),
            Points { base: d("0"), bonus: d("0"), penalty: d("5"), points: d("0") }
        );
        // 40% done: 6 base, 12 steps short → capped at 5 → 1.
        assert_eq!(indicator_points(online, d("40")).points, d("1"));
    }

    #[test]
    fn rounding_is_half_away_from_zero_once_per_figure() {
        assert_eq!(round(d("14.0625")), d("14.06"));
        assert_eq!(round(d("0.125")), d("0.13"));
        assert_eq!(round(d("2.675")), d("2.68"));
        // 7 points at 66.67%: 4.6669 → 4.67.
        let rule = IndicatorRule {
            indicator_id: id(9),
            max_points: d("7"),
            mandatory: false,
            scale: Scale::LinearToTarget,
            bonus: None,
            penalty: None,
        };
        assert_eq!(indicator_points(&rule, d("66.67")).points, d("4.67"));
    }

    #[test]
    fn ratios_aggregate_as_ratios_of_sums() {
        // A: 120 of 160 files online (75%), B: 27 of 30 (90%): the mean would say 82.5%.
        assert_eq!(ratio_percent(d("120"), d("160")), Some(d("75")));
        assert_eq!(ratio_of_sums(&[(d("120"), d("160")), (d("27"), d("30"))]), Some(d("77.37")), "147 ÷ 190");
        assert_eq!(ratio_percent(d("1"), d("3")), Some(d("33.333333")));
        assert_eq!(ratio_percent(d("1"), d("0")), None);
        assert_eq!(ratio_of_sums(&[]), None);
    }

    #[test]
    fn schemes_are_checked_each_field_at_once() {
        let mut bad = example();
        bad[1].code = "I".into();
        bad[0].weight = Some("0".into());
        bad[0].indicators[0].max_points = "-3".into();
        bad[0].indicators[1].thresholds[0].points = "25".into();
        bad[1].indicators[0].indicator_id = id(HOUSEHOLDS);
        bad[1].indicators[1].thresholds = vec![ThresholdSpec { min_completion: "1".into(), points: "1".into() }];
        bad[1].indicators[1].penalty = adjustment("1", "abc", "5");
        let errors = check_scheme(&bad, &[id(HOUSEHOLDS), id(ROADS), id(ONLINE), id(CULTURE)]).unwrap_err();
        let found: Vec<(String, String)> = errors.iter().map(|e| (e.field.clone(), e.code.to_string())).collect();
        let want = |f: &str, c: &str| (f.to_string(), c.to_string());
        assert_eq!(
            found,
            [
                want("groups[0].weight", "out_of_range"),
                want("groups[0].indicators[0].max_points", "negative"),
                want("groups[0].indicators[1].thresholds[0].points", "out_of_range"),
                want("groups[1].code", "duplicate"),
                want("groups[1].indicators[0].indicator_id", "duplicate"),
                want("groups[1].indicators[1].thresholds", "not_allowed"),
                want("groups[1].indicators[1].penalty.step_percent", "invalid_decimal"),
            ]
        );
        assert_eq!(check_scheme(&[], &[]).unwrap_err()[0].field, "groups");
        let unknown = check_scheme(&example(), &[id(HOUSEHOLDS)]).unwrap_err();
        assert_eq!(unknown[0].field, "groups[0].indicators[1].indicator_id");
        assert_eq!(unknown[0].code.to_string(), "not_found");
        let mut empty = example();
        empty[0].indicators[1].thresholds.clear();
        let e = check_scheme(&empty, &[id(HOUSEHOLDS), id(ROADS), id(ONLINE), id(CULTURE)]).unwrap_err();
        assert_eq!(
            (e[0].field.as_str(), e[0].code.to_string()),
            ("groups[0].indicators[1].thresholds", "required".into())
        );
    }
}
